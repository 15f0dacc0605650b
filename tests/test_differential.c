/* test_differential.c - every registered implementation and one reference
 * instance run the same seeded, edge-biased operations in lockstep, and
 * after every operation their results and states must be identical.
 *
 * Each seed is an episode with its own shape, chosen by seed % 4: a small
 * universe (constant merging and touching), a large one (thousands of live
 * spans, so trees split and merge at several heights), one at the int64
 * extremes (overflow, huge lengths), and one with a managed domain. Within
 * an episode the mix cycles through fragmenting, balanced and coalescing
 * phases so the span count climbs and collapses. Coordinates are biased
 * towards boundaries seen in earlier results, which makes touching spans,
 * adjacent releases and releases that bridge a gap common.
 *
 * Cost. The status, outputs, totals, count and every statistic are compared
 * after every operation. The full span list and ivm_check() cost O(n), so
 * they run after every operation while the reference holds at most
 * DEEP_ALWAYS_MAX spans, otherwise every DEEP_PERIOD operations, and always
 * after the last one. Memory is checked with a counting allocator per
 * instance: old sizes must match, and destroy must return every byte.
 *
 * Environment: IVM_SEED=s runs only seed s, IVM_IMPL=name only that
 * implementation, IVM_STEPS=n sets the operations per seed; IVM_TEST_SCALE
 * scales the default. A failure prints all three for a replay. */
#include <stdlib.h>

#include "counting_alloc.h"
#include "oracle.h"
#include "prng.h"
#include "test.h"

#define DEFAULT_SEEDS 8
#define DEFAULT_STEPS 125000 /* per seed, so 1,000,000 per implementation */
#define DEEP_ALWAYS_MAX 64
#define DEEP_PERIOD 128
#define RING 64    /* coordinates remembered from earlier results */
#define HISTORY 12 /* operations printed with a failure */

enum shape { SHAPE_SMALL, SHAPE_LARGE, SHAPE_EXTREME, SHAPE_DOMAIN, SHAPES };
static const char *const shape_names[SHAPES] = {"small", "large", "extreme",
                                                "domain"};

enum phase { FRAGMENT, BALANCED, COALESCE, PHASES };

/* What to generate; weights per phase. */
enum intent {
  W_RELEASE, W_RESERVE, W_STRICT, W_BAD_FLAGS, W_FIND, W_FIND_BOUNDED,
  W_ALLOCATE, W_ALLOCATE_BOUNDED, W_BEST_FIT, W_LARGEST, W_OVERLAPS, W_EACH,
  W_INTERVALS, INTENTS
};
static const unsigned mix[PHASES][INTENTS] = {
    [FRAGMENT] = {28, 26, 6, 1, 8, 5, 8, 4, 4, 2, 6, 3, 1},
    [BALANCED] = {24, 20, 6, 1, 10, 7, 8, 5, 6, 3, 6, 3, 1},
    [COALESCE] = {42, 8, 4, 1, 10, 7, 5, 3, 6, 3, 6, 4, 1},
};

typedef struct gen {
  prng rng;
  enum shape shape;
  int64_t lo, hi;       /* the universe most coordinates fall in */
  int64_t len_scale;    /* typical length */
  unsigned extreme_pct; /* chance of an int64 extreme as a coordinate */
  unsigned huge_permil; /* chance of a huge length, per thousand */
  unsigned wide_pct;    /* chance of a wide span outside coalescing */
  unsigned ring_pct;    /* chance of a coordinate next to a known one */
  int64_t phase_len;
  bool domain;
  int64_t ring[RING];
  unsigned ring_n, ring_at;
} gen;

static int64_t sat_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

static void shape_episode(gen *g, uint64_t seed) {
  prng_seed(&g->rng, seed);
  g->shape = (enum shape)(seed % SHAPES);
  prng *r = &g->rng;
  int64_t width;
  switch (g->shape) {
    case SHAPE_SMALL:
      width = prng_between(r, 32, 1024);
      g->lo = prng_between(r, -(1 << 20), 1 << 20);
      g->len_scale = prng_between(r, 2, 24);
      g->extreme_pct = 1;
      g->huge_permil = 20;
      g->wide_pct = 2;
      g->ring_pct = 35;
      g->phase_len = 2000;
      break;
    case SHAPE_LARGE:
      width = prng_between(r, 1 << 18, 1 << 20);
      g->lo = prng_between(r, -((int64_t)1 << 40), (int64_t)1 << 40);
      g->len_scale = prng_between(r, 24, 96);
      /* Anything wide would wipe out the fragments this shape is for. */
      g->extreme_pct = 0;
      g->huge_permil = 0;
      g->wide_pct = 0;
      g->ring_pct = 15;
      g->phase_len = 25000;
      break;
    case SHAPE_EXTREME:
      width = (int64_t)1 << prng_between(r, 10, 62);
      switch (prng_below(r, 3)) {
        case 0: g->lo = INT64_MIN; break;
        case 1: g->lo = INT64_MAX - width; break;
        default: g->lo = -width / 2; break;
      }
      g->len_scale = (int64_t)1 << prng_between(r, 2, 40);
      g->extreme_pct = 12;
      g->huge_permil = 60;
      g->wide_pct = 3;
      g->ring_pct = 35;
      g->phase_len = 3000;
      break;
    case SHAPE_DOMAIN:
    default:
      width = prng_between(r, 256, 1 << 16);
      g->lo = prng_chance(r, 20) ? INT64_MIN
                                 : prng_between(r, -(1 << 24), 1 << 24);
      g->len_scale = prng_between(r, 4, 64);
      g->extreme_pct = 3;
      g->huge_permil = 10;
      g->wide_pct = 2;
      g->ring_pct = 25;
      g->phase_len = 5000;
      g->domain = true;
      break;
  }
  g->hi = g->lo + width;
}

static void remember(gen *g, int64_t x) {
  g->ring[g->ring_at] = x;
  g->ring_at = (g->ring_at + 1) % RING;
  if (g->ring_n < RING) g->ring_n++;
}

/* Feeds the boundaries of a reference result back into the generator; list
 * entries go in order, so neighbours in the ring are often a span's two
 * ends or the two sides of a gap. */
static void learn(gen *g, const oracle_op *op, const oracle_result *r) {
  if (r->status != IVM_OK) return;
  if (op->kind == ORACLE_RELEASE || op->kind == ORACLE_RESERVE) {
    remember(g, op->a);
    remember(g, op->b);
  }
  if (r->found) {
    remember(g, r->span.start);
    remember(g, r->span.end);
  }
  for (size_t i = 0; i < r->n && i < ORACLE_LIST_CAP; i++) {
    remember(g, r->list[i].start);
    remember(g, r->list[i].end);
  }
}

static int64_t ring_pick(gen *g, unsigned *at) {
  *at = (unsigned)prng_below(&g->rng, g->ring_n);
  return g->ring[*at];
}

static int64_t pick_extreme(gen *g) {
  static const int64_t extremes[] = {INT64_MIN,     INT64_MIN + 1, -1, 0, 1,
                                     INT64_MAX - 1, INT64_MAX};
  return extremes[prng_below(&g->rng, sizeof extremes / sizeof extremes[0])];
}

static int64_t pick_coord(gen *g) {
  prng *r = &g->rng;
  if (prng_chance(r, g->extreme_pct)) return pick_extreme(g);
  uint64_t roll = prng_below(r, 100);
  unsigned at;
  if (roll < g->ring_pct && g->ring_n > 0)
    return sat_add(ring_pick(g, &at), prng_between(r, -1, 1));
  if (roll < 92) return prng_between(r, g->lo, g->hi);
  if (roll < 96)
    return sat_add(prng_chance(r, 50) ? g->lo : g->hi, prng_between(r, -1, 1));
  int64_t width = g->hi - g->lo;
  return prng_between(r, sat_add(g->lo, -width), sat_add(g->hi, width));
}

/* Mostly positive lengths around len_scale; sometimes tiny, huge, zero or
 * negative. */
static int64_t pick_len(gen *g, int64_t scale) {
  prng *r = &g->rng;
  uint64_t roll = prng_below(r, 1000);
  if (roll < 8) return -prng_between(r, 0, 2);
  if (roll < 10) return INT64_MIN;
  if (roll < 10 + g->huge_permil) {
    static const int64_t huge[] = {INT64_MAX, INT64_MAX - 1, (int64_t)1 << 62,
                                   INT64_MAX / 2 + 1};
    return huge[prng_below(r, sizeof huge / sizeof huge[0])];
  }
  if (roll < 200) return prng_between(r, 1, 3);
  if (roll < 930) return prng_between(r, 1, scale);
  return prng_between(r, 1, 16 * scale);
}

/* A span argument [*s, *e): mostly valid, sometimes empty or inverted; wide
 * spans (two independent coordinates) with probability wide_pct. */
static void pick_span(gen *g, int64_t scale, unsigned wide_pct, int64_t *s,
                      int64_t *e) {
  prng *r = &g->rng;
  uint64_t roll = prng_below(r, 100);
  unsigned at;
  if (roll < 3) { /* empty or inverted */
    *e = pick_coord(g);
    *s = prng_chance(r, 50) ? *e : sat_add(*e, prng_between(r, 1, scale));
    return;
  }
  if (roll < 3 + wide_pct) {
    int64_t x = pick_coord(g), y = pick_coord(g);
    *s = x < y ? x : y;
    *e = x < y ? y : x;
    return;
  }
  if (roll < 20 && g->ring_n >= 2) {
    /* Neighbours in the ring: a whole span, or the gap between two. Pairs
     * that are far apart are wide spans in disguise: skip those. */
    *s = sat_add(ring_pick(g, &at), prng_between(r, -1, 1));
    *e = sat_add(g->ring[(at + 1) % g->ring_n], prng_between(r, -1, 1));
    if (wide_pct > 0 || (*s < *e && *e - *s <= 64 * scale)) return;
  }
  *s = pick_coord(g);
  *e = sat_add(*s, pick_len(g, scale));
}

static int64_t pick_not_after(gen *g, int64_t p, int64_t len) {
  prng *r = &g->rng;
  uint64_t roll = prng_below(r, 100);
  if (roll < 8) return sat_add(p, -prng_between(r, 0, 2)); /* INVAL */
  if (roll < 16) return INT64_MAX;
  if (roll < 26) return pick_coord(g);
  return sat_add(sat_add(p, len > 0 ? len : 1),
                 prng_between(r, -1, 4 * g->len_scale));
}

static enum intent pick_intent(gen *g, enum phase ph) {
  unsigned total = 0;
  for (int i = 0; i < INTENTS; i++) total += mix[ph][i];
  uint64_t x = prng_below(&g->rng, total);
  int i = 0;
  while (x >= mix[ph][i]) x -= mix[ph][i++];
  return (enum intent)i;
}

static oracle_op generate(gen *g, int64_t step) {
  enum phase ph = (enum phase)((step / g->phase_len) % PHASES);
  oracle_op op = {0};
  prng *r = &g->rng;
  /* Fragmenting uses short lengths for both mutations, so splits outrun
   * merges; coalescing releases long spans. */
  int64_t scale = ph == FRAGMENT ? g->len_scale / 2 + 1 : g->len_scale;
  unsigned wide = ph == COALESCE ? 2 * g->wide_pct + 1 : g->wide_pct;
  unsigned at;
  if (step == 0) { /* start from a free universe, like most real uses */
    op.kind = ORACLE_RELEASE;
    op.a = g->lo;
    op.b = g->hi;
    return op;
  }
  enum intent it = pick_intent(g, ph);
  switch (it) {
    case W_RELEASE:
      op.kind = ORACLE_RELEASE;
      pick_span(g, ph == COALESCE ? 8 * scale : scale, wide, &op.a, &op.b);
      break;
    case W_RESERVE:
      op.kind = ORACLE_RESERVE;
      pick_span(g, scale, wide, &op.a, &op.b);
      break;
    case W_STRICT:
      op.kind = ORACLE_RESERVE;
      op.flags = IVM_REQUIRE_COVERED;
      if (g->ring_n && prng_chance(r, 60)) { /* often inside a known span */
        op.a = ring_pick(g, &at);
        op.b = sat_add(op.a, prng_between(r, 1, scale));
      } else {
        pick_span(g, scale, wide, &op.a, &op.b);
      }
      break;
    case W_BAD_FLAGS:
      op.kind = ORACLE_RESERVE;
      op.flags = (unsigned)prng_between(r, 2, 3) |
                 (prng_chance(r, 30) ? 0x80000000u : 0u);
      pick_span(g, scale, wide, &op.a, &op.b);
      break;
    case W_FIND:
      op.kind = ORACLE_FIND;
      op.a = pick_coord(g);
      op.b = pick_len(g, scale);
      break;
    case W_FIND_BOUNDED:
      op.kind = ORACLE_FIND_BOUNDED;
      op.a = pick_coord(g);
      op.b = pick_len(g, scale);
      op.c = pick_not_after(g, op.a, op.b);
      break;
    case W_ALLOCATE:
      op.kind = ORACLE_ALLOCATE;
      op.a = pick_coord(g);
      op.b = pick_len(g, scale);
      break;
    case W_ALLOCATE_BOUNDED:
      op.kind = ORACLE_ALLOCATE_BOUNDED;
      op.a = pick_coord(g);
      op.b = pick_len(g, scale);
      op.c = pick_not_after(g, op.a, op.b);
      break;
    case W_BEST_FIT:
      op.kind = ORACLE_BEST_FIT;
      op.a = pick_len(g, scale);
      break;
    case W_LARGEST:
      op.kind = ORACLE_LARGEST;
      break;
    case W_OVERLAPS:
    case W_EACH:
      op.kind = it == W_OVERLAPS ? ORACLE_OVERLAPS : ORACLE_EACH;
      pick_span(g, 4 * scale, wide, &op.a, &op.b);
      op.c = prng_between(r, 0, ORACLE_LIST_CAP + 1);
      break;
    case W_INTERVALS:
      op.kind = ORACLE_INTERVALS;
      op.c = prng_between(r, 0, ORACLE_LIST_CAP + 1);
      break;
    case INTENTS:
      break;
  }
  return op;
}

/* ---- Running an episode ------------------------------------------------ */

#define MAX_IMPLS 32

typedef struct subject {
  const struct ivm_ops *ops;
  ivm *m;
  counting_alloc alloc;
  oracle_state state;
} subject;

typedef struct past_op {
  int64_t step;
  oracle_op op;
  oracle_result want;
} past_op;

typedef struct episode {
  uint64_t seed;
  gen g;
  subject ref;
  subject subs[MAX_IMPLS];
  size_t n_subs;
  past_op history[HISTORY];
  int64_t max_count;
} episode;

static void open_subject(subject *s, const struct ivm_ops *ops,
                         const ivm_options *base) {
  ivm_options opt = *base;
  s->ops = ops;
  counting_alloc_init(&s->alloc);
  oracle_state_init(&s->state);
  opt.alloc = counting_alloc_fn;
  opt.alloc_ud = &s->alloc;
  test_context("impl=%s: ivm_create_ops", ops->name);
  ASSERT_OK(ivm_create_ops(ops, &opt, &s->m));
}

/* Destroys the instance and requires every byte back, with matching sizes. */
static void close_subject(subject *s, uint64_t seed) {
  ivm_counter counters[32];
  size_t nc = ivm_counters(s->m, counters, 32);
  test_context("impl=%s seed=%llu: counters", s->ops->name,
               (unsigned long long)seed);
  ASSERT_EQ_I64(ivm_counters(s->m, NULL, 0), nc);
  for (size_t i = 0; i < nc && i < 32; i++)
    ASSERT(counters[i].name && counters[i].name[0]);
  ivm_destroy(s->m);
  s->m = NULL;
  if (s->alloc.mismatches)
    test_fail(__FILE__, __LINE__, "impl=%s seed=%llu: allocator misuse: %s",
              s->ops->name, (unsigned long long)seed, s->alloc.mismatch);
  if (s->alloc.live_bytes || s->alloc.live_blocks)
    test_fail(__FILE__, __LINE__,
              "impl=%s seed=%llu: destroy left %zu bytes in %zu blocks",
              s->ops->name, (unsigned long long)seed, s->alloc.live_bytes,
              s->alloc.live_blocks);
  counting_alloc_fini(&s->alloc);
  oracle_state_free(&s->state);
}

/* Creation with a bad domain fails the same way everywhere and allocates
 * nothing. */
static void check_bad_domains(const episode *e) {
  static const struct {
    int64_t lo, hi;
    int want;
  } bad[] = {{5, 5, IVM_INVAL},
             {6, 5, IVM_INVAL},
             {INT64_MIN, 1, IVM_OVERFLOW},
             {-1, INT64_MAX, IVM_OVERFLOW}};
  for (size_t i = 0; i < e->n_subs; i++)
    for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
      counting_alloc a;
      counting_alloc_init(&a);
      ivm_options opt = {.has_domain = true, .domain_lo = bad[j].lo,
                         .domain_hi = bad[j].hi, .alloc = counting_alloc_fn,
                         .alloc_ud = &a};
      ivm *m = NULL;
      test_context("impl=%s: domain [%lld, %lld)", e->subs[i].ops->name,
                   (long long)bad[j].lo, (long long)bad[j].hi);
      ASSERT_STATUS(ivm_create_ops(e->subs[i].ops, &opt, &m), bad[j].want);
      ASSERT(m == NULL);
      ASSERT_EQ_I64(a.requests, 0);
      counting_alloc_fini(&a);
    }
}

/* Prints the operations leading to a failure and, for small sets, both
 * structures; then fails the test with what a replay needs. */
static void fail_step(const episode *e, const subject *s, int64_t step,
                      const oracle_op *op, const char *why) {
  char text[200], res[200];
  fprintf(stderr, "  last operations, with the reference's results:\n");
  for (int64_t i = step >= HISTORY ? step - HISTORY + 1 : 0; i <= step; i++) {
    const past_op *h = &e->history[i % HISTORY];
    oracle_format_op(&h->op, text, sizeof text);
    oracle_format_result(&h->op, &h->want, res, sizeof res);
    fprintf(stderr, "    step %lld: %s -> %s\n", (long long)h->step, text, res);
  }
  if (ivm_count(e->ref.m) <= 32) {
    ivm_dump(e->ref.m, stderr);
    ivm_dump(s->m, stderr);
  }
  oracle_format_op(op, text, sizeof text);
  bool oracle = s == &e->ref;
  test_fail(__FILE__, __LINE__,
            "impl=%s seed=%llu step=%lld (%s episode) op=%s: %s\n"
            "  replay: IVM_SEED=%llu%s%s IVM_STEPS=%lld ivm-tests differential",
            oracle ? "reference (the oracle instance)" : s->ops->name,
            (unsigned long long)e->seed, (long long)step,
            shape_names[e->g.shape], text, why, (unsigned long long)e->seed,
            oracle ? "" : " IVM_IMPL=", oracle ? "" : s->ops->name,
            (long long)step + 1);
}

static void run_step(episode *e, int64_t step, bool last) {
  char why[512];
  oracle_op op = generate(&e->g, step);
  oracle_result want, got;
  oracle_apply(e->ref.m, &op, &want);
  learn(&e->g, &op, &want);
  e->history[step % HISTORY] = (past_op){step, op, want};
  int64_t count = ivm_count(e->ref.m);
  if (count > e->max_count) e->max_count = count;
  bool deep = count <= DEEP_ALWAYS_MAX || step % DEEP_PERIOD == 0 || last;
  oracle_capture(e->ref.m, &e->ref.state, deep);
  if (deep && e->ref.state.check != IVM_OK)
    fail_step(e, &e->ref, step, &op, e->ref.state.why);
  for (size_t i = 0; i < e->n_subs; i++) {
    subject *s = &e->subs[i];
    oracle_apply(s->m, &op, &got);
    if (!oracle_same_result(&op, &got, &want, why, sizeof why))
      fail_step(e, s, step, &op, why);
    oracle_capture(s->m, &s->state, deep);
    if (!oracle_same_state(&s->state, &e->ref.state, why, sizeof why))
      fail_step(e, s, step, &op, why);
    if (s->alloc.mismatches) fail_step(e, s, step, &op, s->alloc.mismatch);
  }
}

static void run_episode(episode *e, uint64_t seed, int64_t steps,
                        const char *only) {
  memset(e, 0, sizeof *e);
  e->seed = seed;
  shape_episode(&e->g, seed);
  ivm_options opt = {.has_domain = e->g.domain, .domain_lo = e->g.lo,
                     .domain_hi = e->g.hi, .seed = seed};
  const struct ivm_ops *ref_ops = ivm_impl_find("reference");
  ASSERT(ref_ops != NULL);
  open_subject(&e->ref, ref_ops, &opt);
  for (size_t i = 0; i < ivm_impl_count(); i++) {
    const struct ivm_ops *ops = ivm_impl_at(i);
    if (only && strcmp(only, ops->name) != 0) continue;
    ASSERT(e->n_subs < MAX_IMPLS);
    open_subject(&e->subs[e->n_subs++], ops, &opt);
  }
  test_context("seed=%llu (%s episode)", (unsigned long long)seed,
               shape_names[e->g.shape]);
  if (e->n_subs == 0)
    test_fail(__FILE__, __LINE__, "IVM_IMPL=%s names no implementation", only);
  if (e->g.domain) {
    check_bad_domains(e);
    test_context("seed=%llu (%s episode)", (unsigned long long)seed,
                 shape_names[e->g.shape]);
  }
  for (int64_t step = 0; step < steps; step++)
    run_step(e, step, step == steps - 1);
  for (size_t i = 0; i < e->n_subs; i++) close_subject(&e->subs[i], seed);
  close_subject(&e->ref, seed);
  printf("  seed %llu (%s): %lld operations, up to %lld spans, %zu "
         "implementation(s)\n",
         (unsigned long long)seed, shape_names[e->g.shape], (long long)steps,
         (long long)e->max_count, e->n_subs);
  fflush(stdout);
}

/* A non-negative integer from the environment, or fallback when unset. */
static uint64_t env_u64(const char *name, uint64_t fallback) {
  const char *v = getenv(name);
  if (!v || !*v) return fallback;
  char *end;
  unsigned long long x = strtoull(v, &end, 10);
  if (*end != '\0')
    test_fail(__FILE__, __LINE__, "%s=%s is not a number", name, v);
  return x;
}

TEST(differential) {
  static episode e; /* large; static keeps it off the stack */
  const char *only = getenv("IVM_IMPL");
  if (only && !*only) only = NULL;
  int64_t steps =
      (int64_t)env_u64("IVM_STEPS", (uint64_t)(DEFAULT_STEPS * test_scale()));
  if (steps < 1) steps = 1;
  if (getenv("IVM_SEED") && *getenv("IVM_SEED")) {
    run_episode(&e, env_u64("IVM_SEED", 0), steps, only);
    return;
  }
  for (uint64_t seed = 1; seed <= DEFAULT_SEEDS; seed++)
    run_episode(&e, seed, steps, only);
}
