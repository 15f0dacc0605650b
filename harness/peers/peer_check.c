/* peer_check.c - differential test of every compiled-in peer against the
 * reference oracle, through the front door: seeded random operations
 * (valid and invalid) compared after every step, then allocation-failure
 * injection. Prints one line per check and "N passed, N failed"; a failure
 * names the peer, scenario, seed, step and operation so it can be replayed.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivm.h"
#include "op.h"
#include "peers.h"

/* ---- An allocator that counts live bytes and fails one chosen call ----- */

typedef struct heap_ctl {
  int64_t live;     /* bytes held */
  int64_t calls;    /* allocation requests so far */
  int64_t fail_at;  /* the request number that fails; -1 for none */
  int64_t injected; /* failures returned */
} heap_ctl;

static void *ctl_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  heap_ctl *h = ud;
  if (new_size == 0) {
    if (ptr) h->live -= (int64_t)old_size;
    free(ptr);
    return NULL;
  }
  if (h->calls++ == h->fail_at) {
    h->injected++;
    return NULL;
  }
  void *p = realloc(ptr, new_size);
  if (p) h->live += (int64_t)new_size - (ptr ? (int64_t)old_size : 0);
  return p;
}

/* ---- Random operations ------------------------------------------------- */

static uint64_t next_u64(uint64_t *state) { /* splitmix64 */
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; hi - lo must be below 2^63. */
static int64_t uniform(uint64_t *state, int64_t lo, int64_t hi) {
  return lo + (int64_t)(next_u64(state) % ((uint64_t)(hi - lo) + 1));
}

static int64_t sat_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

typedef enum space_kind {
  SPACE_RANGE,   /* coordinates in [lo - max_len, hi + max_len] */
  SPACE_EXTREME, /* near INT64_MIN, 0 and INT64_MAX, with huge lengths */
} space_kind;

typedef struct scenario {
  const char *name;
  uint64_t seed;
  int ops;
  space_kind space;
  bool has_domain; /* the domain is [lo, hi) */
  int64_t lo, hi;
  int64_t max_len;
  int fill; /* short releases first, to grow many spans (deep trees) */
} scenario;

typedef enum op_kind {
  OP_RELEASE,
  OP_RESERVE,
  OP_STRICT,
  OP_BAD_FLAGS,
  OP_ALLOCATE,
  OP_ALLOCATE_BOUNDED,
  OP_FIND,
  OP_FIND_BOUNDED,
  OP_BEST_FIT,
  OP_LARGEST,
  OP_OVERLAPS,
  OP_KINDS
} op_kind;

static const char *const op_names[OP_KINDS] = {
    "release",  "reserve",       "reserve-covered", "reserve-badflags",
    "allocate", "allocate-bounded", "find",         "find-bounded",
    "bestfit",  "largest",       "overlaps"};
/* Mutations first: the injection runs draw from the first five kinds. */
static const int op_weights[OP_KINDS] = {26, 20, 8, 1, 8, 5, 10, 7, 6, 3, 6};
#define MUTATION_KINDS 5

typedef struct op {
  op_kind kind;
  int64_t a, b, c; /* span [a,b); or p = a, len = b, not_after = c */
} op;

static int64_t coordinate(uint64_t *rng, const scenario *sc) {
  static const int64_t anchors[] = {INT64_MIN,     INT64_MIN / 2, -1000, 0,
                                    1000,          INT64_MAX / 2,
                                    INT64_MAX - 64};
  if (sc->space == SPACE_RANGE)
    return uniform(rng, sc->lo - sc->max_len, sc->hi + sc->max_len);
  size_t n = sizeof anchors / sizeof anchors[0];
  return anchors[next_u64(rng) % n] + uniform(rng, 0, 64);
}

/* Mostly 1..max_len; sometimes 0 or negative (invalid); in the extreme
 * space often huge, so that lengths and ends overflow. */
static int64_t length(uint64_t *rng, const scenario *sc) {
  static const int64_t huge[] = {INT64_MAX, INT64_MAX / 2, INT64_MAX / 3,
                                 (int64_t)1 << 40};
  uint64_t roll = next_u64(rng) % 100;
  if (roll < 3) return -uniform(rng, 0, 2);
  if (sc->space == SPACE_EXTREME) {
    if (roll < 35) return huge[next_u64(rng) % 4] - uniform(rng, 0, 64);
    return uniform(rng, 1, 128);
  }
  return uniform(rng, 1, sc->max_len);
}

static op random_op(uint64_t *rng, const scenario *sc, int kinds) {
  int total = 0;
  for (int k = 0; k < kinds; k++) total += op_weights[k];
  int pick = (int)(next_u64(rng) % (uint64_t)total), kind = 0;
  while (pick >= op_weights[kind]) pick -= op_weights[kind++];
  op o = {(op_kind)kind, coordinate(rng, sc), length(rng, sc), 0};
  switch (o.kind) {
    case OP_RELEASE:
    case OP_RESERVE:
    case OP_STRICT:
    case OP_BAD_FLAGS:
    case OP_OVERLAPS:
      o.b = sat_add(o.a, o.b); /* the span [a, a + len) */
      break;
    case OP_ALLOCATE_BOUNDED:
    case OP_FIND_BOUNDED: {
      int64_t len = o.b > 0 ? o.b : 1;
      uint64_t roll = next_u64(rng) % 20;
      if (roll == 0) /* not_after <= p: invalid */
        o.c = sat_add(o.a, -uniform(rng, 0, 3));
      else if (roll < 6) /* tight: even a fit right at p may end too late */
        o.c = sat_add(o.a, uniform(rng, 1, len));
      else
        o.c = sat_add(sat_add(o.a, len),
                      uniform(rng, 0, 4 * (sc->max_len ? sc->max_len : 64)));
      break;
    }
    default:
      break;
  }
  return o;
}

/* ---- Applying and comparing -------------------------------------------- */

#define LIST_CAP 16

typedef struct outcome {
  int status;
  int64_t changed;
  bool found;
  ivm_span span;
  size_t n; /* overlaps in all; the first LIST_CAP are in list */
  ivm_span list[LIST_CAP];
} outcome;

static void apply(ivm *m, const op *o, outcome *out) {
  memset(out, 0, sizeof *out);
  switch (o->kind) {
    case OP_RELEASE:
      out->status = ivm_release(m, o->a, o->b, &out->changed);
      break;
    case OP_RESERVE:
      out->status = ivm_reserve(m, o->a, o->b, 0, &out->changed);
      break;
    case OP_STRICT:
      out->status =
          ivm_reserve(m, o->a, o->b, IVM_REQUIRE_COVERED, &out->changed);
      break;
    case OP_BAD_FLAGS:
      out->status = ivm_reserve(m, o->a, o->b, 2u, &out->changed);
      break;
    case OP_ALLOCATE:
      out->status = ivm_allocate(m, o->a, o->b, &out->span, &out->found);
      break;
    case OP_ALLOCATE_BOUNDED:
      out->status = ivm_allocate_bounded(m, o->a, o->b, o->c, &out->span,
                                         &out->found);
      break;
    case OP_FIND:
      out->status = ivm_find(m, o->a, o->b, &out->span, &out->found);
      break;
    case OP_FIND_BOUNDED:
      out->status =
          ivm_find_bounded(m, o->a, o->b, o->c, &out->span, &out->found);
      break;
    case OP_BEST_FIT:
      out->status = ivm_best_fit(m, o->b, &out->span, &out->found);
      break;
    case OP_LARGEST:
      out->status = ivm_largest(m, &out->span, &out->found);
      break;
    case OP_OVERLAPS:
      out->status = ivm_overlaps(m, o->a, o->b, out->list, LIST_CAP, &out->n);
      break;
    case OP_KINDS:
      break;
  }
}

static bool same_outcome(const outcome *want, const outcome *got, char *diff,
                         size_t len) {
  if (want->status != got->status || want->changed != got->changed ||
      want->found != got->found || want->span.start != got->span.start ||
      want->span.end != got->span.end || want->n != got->n) {
    snprintf(diff, len,
             "want %s changed=%" PRId64 " found=%d [%" PRId64 ",%" PRId64
             ") n=%zu, got %s changed=%" PRId64 " found=%d [%" PRId64
             ",%" PRId64 ") n=%zu",
             ivm_errname(want->status), want->changed, want->found,
             want->span.start, want->span.end, want->n,
             ivm_errname(got->status), got->changed, got->found,
             got->span.start, got->span.end, got->n);
    return false;
  }
  for (size_t i = 0; i < want->n && i < LIST_CAP; i++)
    if (want->list[i].start != got->list[i].start ||
        want->list[i].end != got->list[i].end) {
      snprintf(diff, len,
               "overlap %zu: want [%" PRId64 ",%" PRId64 ") got [%" PRId64
               ",%" PRId64 ")",
               i, want->list[i].start, want->list[i].end, got->list[i].start,
               got->list[i].end);
      return false;
    }
  return true;
}

/* Span buffers reused across comparisons. */
typedef struct spans {
  ivm_span *v;
  size_t cap, n;
} spans;

static void load_spans(const ivm *m, spans *s) {
  ivm_intervals(m, s->v, s->cap, &s->n);
  if (s->n > s->cap) {
    s->cap = s->n * 2;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (!s->v) {
      fprintf(stderr, "peer_check: out of memory\n");
      exit(2);
    }
    ivm_intervals(m, s->v, s->cap, &s->n);
  }
}

/* The whole observable state: spans, totals, statistics, and check(). */
static bool same_state(const ivm *ref, const ivm *peer, spans *want,
                       spans *got, char *diff, size_t len) {
  char why[256];
  if (ivm_check(peer, why, sizeof why) != IVM_OK) {
    snprintf(diff, len, "check: %s", why);
    return false;
  }
  load_spans(ref, want);
  load_spans(peer, got);
  if (want->n != got->n) {
    snprintf(diff, len, "want %zu spans, got %zu", want->n, got->n);
    return false;
  }
  for (size_t i = 0; i < want->n; i++)
    if (want->v[i].start != got->v[i].start || want->v[i].end != got->v[i].end) {
      snprintf(diff, len,
               "span %zu: want [%" PRId64 ",%" PRId64 ") got [%" PRId64
               ",%" PRId64 ")",
               i, want->v[i].start, want->v[i].end, got->v[i].start,
               got->v[i].end);
      return false;
    }
  if (ivm_total_free(ref) != ivm_total_free(peer) ||
      ivm_count(ref) != ivm_count(peer)) {
    snprintf(diff, len,
             "want total %" PRId64 " count %" PRId64 ", got %" PRId64
             " %" PRId64,
             ivm_total_free(ref), ivm_count(ref), ivm_total_free(peer),
             ivm_count(peer));
    return false;
  }
  ivm_stats a, b;
  ivm_stats_get(ref, &a);
  ivm_stats_get(peer, &b);
  if (!ivm_stats_equal(&a, &b)) {
    snprintf(diff, len, "statistics differ (free %" PRId64 "/%" PRId64
             ", largest %" PRId64 "@%" PRId64 "/%" PRId64 "@%" PRId64 ")",
             a.total_free, b.total_free, a.largest_chunk, a.largest_start,
             b.largest_chunk, b.largest_start);
    return false;
  }
  return true;
}

/* ---- The checks -------------------------------------------------------- */

typedef struct run {
  const struct ivm_ops *peer;
  const scenario *sc;
  heap_ctl ctl;
  ivm *ref, *m;
  spans want, got;
  char diff[512];
  char where[256]; /* step and operation of the first difference */
} run;

static bool open_run(run *r, const struct ivm_ops *peer, const scenario *sc) {
  memset(r, 0, sizeof *r);
  r->peer = peer;
  r->sc = sc;
  r->ctl.fail_at = -1;
  ivm_options opt = {.has_domain = sc->has_domain,
                     .domain_lo = sc->lo,
                     .domain_hi = sc->hi,
                     .seed = sc->seed};
  int rc = ivm_create("reference", &opt, &r->ref);
  if (rc != IVM_OK) {
    snprintf(r->diff, sizeof r->diff, "reference: %s", ivm_errname(rc));
    return false;
  }
  opt.alloc = ctl_alloc;
  opt.alloc_ud = &r->ctl;
  rc = ivm_create_ops(peer, &opt, &r->m);
  if (rc != IVM_OK) {
    snprintf(r->diff, sizeof r->diff, "create: %s", ivm_errname(rc));
    return false;
  }
  return true;
}

/* Destroys both managers; the peer must have returned every byte. */
static bool close_run(run *r, bool ok) {
  ivm_destroy(r->m);
  ivm_destroy(r->ref);
  free(r->want.v);
  free(r->got.v);
  if (ok && r->ctl.live != 0) {
    snprintf(r->diff, sizeof r->diff, "%" PRId64 " bytes live after destroy",
             r->ctl.live);
    return false;
  }
  return ok;
}

static void note_step(run *r, int step, const op *o) {
  snprintf(r->where, sizeof r->where,
           "seed %" PRIu64 " step %d %s(%" PRId64 ", %" PRId64 ", %" PRId64
           ")",
           r->sc->seed, step, op_names[o->kind], o->a, o->b, o->c);
}

/* One step on both managers, compared. */
static bool step_both(run *r, const op *o) {
  outcome want, got;
  apply(r->ref, o, &want);
  apply(r->m, o, &got);
  return same_outcome(&want, &got, r->diff, sizeof r->diff) &&
         same_state(r->ref, r->m, &r->want, &r->got, r->diff, sizeof r->diff);
}

static op fill_op(uint64_t *rng, const scenario *sc) {
  int64_t s = uniform(rng, sc->lo, sc->hi - 8);
  return (op){OP_RELEASE, s, s + uniform(rng, 1, 8), 0};
}

/* IVM_TEST_SCALE (default 1) scales the number of mixed operations, as in
 * the unit tests; the fill that grows deep trees stays whole. */
static int scaled(int ops) {
  const char *s = getenv("IVM_TEST_SCALE");
  double v = s ? atof(s) : 1.0;
  return v > 0 ? (int)(ops * v) : ops;
}

static bool differential(run *r) {
  uint64_t rng = r->sc->seed;
  for (int i = 0; i < r->sc->fill; i++) {
    op o = fill_op(&rng, r->sc);
    note_step(r, -1 - i, &o);
    if (!step_both(r, &o)) return false;
  }
  for (int i = 0, n = scaled(r->sc->ops); i < n; i++) {
    op o = random_op(&rng, r->sc, OP_KINDS);
    note_step(r, i, &o);
    if (!step_both(r, &o)) return false;
  }
  return true;
}

/* Every mutation is tried with its 1st, 2nd, 3rd ... allocation failing
 * until it succeeds: each IVM_NOMEM must leave the state as it was. */
static bool injection(run *r) {
  uint64_t rng = r->sc->seed;
  int64_t before = 0;
  for (int i = 0, n = r->sc->fill + scaled(r->sc->ops); i < n; i++) {
    op o = i < r->sc->fill ? fill_op(&rng, r->sc)
                           : random_op(&rng, r->sc, MUTATION_KINDS);
    note_step(r, i, &o);
    outcome got, want;
    for (int64_t nth = 0;; nth++) {
      r->ctl.fail_at = r->ctl.calls + nth;
      apply(r->m, &o, &got);
      if (got.status != IVM_NOMEM) break;
      if (got.changed != 0 || got.found) {
        snprintf(r->diff, sizeof r->diff, "IVM_NOMEM reported a result");
        return false;
      }
      if (!same_state(r->ref, r->m, &r->want, &r->got, r->diff,
                      sizeof r->diff)) {
        size_t used = strlen(r->diff);
        snprintf(r->diff + used, sizeof r->diff - used,
                 " (after allocation %" PRId64 " failed)", nth);
        return false;
      }
    }
    r->ctl.fail_at = -1;
    apply(r->ref, &o, &want);
    if (!same_outcome(&want, &got, r->diff, sizeof r->diff) ||
        !same_state(r->ref, r->m, &r->want, &r->got, r->diff, sizeof r->diff))
      return false;
    if (i == r->sc->fill - 1) before = r->ctl.injected;
  }
  /* Both the growing phase and the mixed phase must have hit failures. */
  if (before == 0 || r->ctl.injected == before) {
    snprintf(r->where, sizeof r->where, "seed %" PRIu64, r->sc->seed);
    snprintf(r->diff, sizeof r->diff,
             "only %" PRId64 " failures injected while growing, %" PRId64
             " in all",
             before, r->ctl.injected);
    return false;
  }
  return true;
}

/* Creation itself under failure: nothing may be left behind. */
static bool create_failure(const struct ivm_ops *peer, char *diff,
                           size_t len) {
  for (int64_t nth = 0;; nth++) {
    heap_ctl ctl = {0, 0, nth, 0};
    ivm_options opt = {.alloc = ctl_alloc, .alloc_ud = &ctl};
    ivm *m;
    int rc = ivm_create_ops(peer, &opt, &m);
    if (rc == IVM_OK) {
      ivm_destroy(m);
      if (ctl.live == 0 && nth > 0) return true;
      snprintf(diff, len, "created with allocation %" PRId64 " failing, %" PRId64
               " bytes live after destroy", nth, ctl.live);
      return false;
    }
    if (rc != IVM_NOMEM || m != NULL || ctl.live != 0) {
      snprintf(diff, len,
               "allocation %" PRId64 " failing: %s, %" PRId64 " bytes live",
               nth, ivm_errname(rc), ctl.live);
      return false;
    }
  }
}

static const scenario differential_scenarios[] = {
    {"small", 1, 100000, SPACE_RANGE, false, -300, 300, 40, 0},
    {"domain", 2, 60000, SPACE_RANGE, true, -1000, 1000, 80, 0},
    {"extremes", 3, 40000, SPACE_EXTREME, false, 0, 0, 0, 0},
    {"extremes-domain", 4, 20000, SPACE_EXTREME, true, INT64_MIN, -1, 0, 0},
    /* About 1,500 spans: a three-level B-tree. */
    {"wide", 5, 20000, SPACE_RANGE, false, 0, 1 << 20, 64, 1500},
};
static const scenario injection_scenario = {
    "nomem", 6, 4000, SPACE_RANGE, false, 0, 1 << 20, 64, 1500};

static int passed, failed;

static void report(bool ok, const char *peer, const char *what,
                   const char *where, const char *diff) {
  printf("%s %s %s\n", ok ? "ok  " : "FAIL", peer, what);
  if (!ok) printf("  %s: %s\n", where, diff);
  fflush(stdout);
  if (ok)
    passed++;
  else
    failed++;
}

/* The peers this build was configured with, in order, against the list. */
static void check_list(void) {
  char names[128] = "", diff[320] = "";
  bool ok = ivm_peer_count() >= 1 && ivm_peer_at(ivm_peer_count()) == NULL;
  for (size_t i = 0; ok && i < ivm_peer_count(); i++) {
    const struct ivm_ops *ops = ivm_peer_at(i);
    if (ivm_impl_find(ops->name) != NULL) {
      snprintf(diff, sizeof diff, "%s is also a registry name", ops->name);
      ok = false;
    }
    size_t n = strlen(names);
    snprintf(names + n, sizeof names - n, "%s%s", i ? "," : "", ops->name);
  }
  if (ok && strcmp(names, IVM_PEER_EXPECTED) != 0) {
    snprintf(diff, sizeof diff, "peers \"%s\", the build found \"%s\"", names,
             IVM_PEER_EXPECTED);
    ok = false;
  }
  report(ok, "peers", "list", "ivm_peer_at", diff);
}

int main(void) {
  check_list();
  for (size_t i = 0; i < ivm_peer_count(); i++) {
    const struct ivm_ops *peer = ivm_peer_at(i);
    size_t n = sizeof differential_scenarios / sizeof differential_scenarios[0];
    for (size_t k = 0; k < n; k++) {
      run r;
      bool ok = open_run(&r, peer, &differential_scenarios[k]) &&
                differential(&r);
      ok = close_run(&r, ok);
      report(ok, peer->name, differential_scenarios[k].name, r.where, r.diff);
    }
    run r;
    bool ok = open_run(&r, peer, &injection_scenario) && injection(&r);
    ok = close_run(&r, ok);
    report(ok, peer->name, injection_scenario.name, r.where, r.diff);

    char diff[256] = "";
    report(create_failure(peer, diff, sizeof diff), peer->name,
           "create-nomem", "create", diff);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
