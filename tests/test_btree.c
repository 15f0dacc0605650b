/* test_btree.c - the B+-tree behind "boundary" and "boundary-summary":
 * splits, sharing, merges and redistribution at several heights, mutations
 * that cross leaf boundaries, bulk reserves that remove whole subtrees,
 * finds that must skip many subtrees, allocation failures inside split
 * cascades, directory hints that are stale, scrambled or far from the keys,
 * the cached summary of boundary-summary, and the validator.
 *
 * Each test runs both managers in lockstep with a `reference` instance
 * (the pair below): every result must match, and after every operation the
 * whole state (spans, totals, statistics, ivm_check()) must match too. The
 * one exception is btree_height_four, whose tree is too large for an O(n)
 * comparison after each of its operations; it compares results, totals and
 * counts after every operation and the whole state after every change of
 * height and every DEEP_PERIOD operations. */
#include <stdlib.h>

#include "btree_node.h"
#include "counting_alloc.h"
#include "oracle.h"
#include "prng.h"
#include "test.h"

#define DEEP_PERIOD 512

static const char *const managers[] = {"boundary", "boundary-summary"};
#define MANAGERS (sizeof managers / sizeof managers[0])

/* A manager under test and the reference, fed the same operations. */
typedef struct pair {
  ivm *m, *ref;
  counting_alloc mem; /* the manager's allocator: destroy must return all */
  bool deep;          /* compare the whole state after every operation */
  long step;
  oracle_state got, want;
} pair;

static void pair_open(pair *p, const char *impl, bool deep) {
  memset(p, 0, sizeof *p);
  counting_alloc_init(&p->mem);
  ivm_options opt = {.alloc = counting_alloc_fn, .alloc_ud = &p->mem};
  ASSERT_OK(ivm_create(impl, &opt, &p->m));
  ASSERT_OK(ivm_create("reference", NULL, &p->ref));
  p->deep = deep;
  oracle_state_init(&p->got);
  oracle_state_init(&p->want);
}

static void pair_compare_deep(pair *p) {
  char why[512];
  oracle_capture(p->m, &p->got, true);
  oracle_capture(p->ref, &p->want, true);
  if (!oracle_same_state(&p->got, &p->want, why, sizeof why))
    test_fail(__FILE__, __LINE__, "%s after step %ld: %s", ivm_name(p->m),
              p->step, why);
}

static void pair_close(pair *p) {
  pair_compare_deep(p);
  ivm_destroy(p->m);
  ivm_destroy(p->ref);
  ASSERT_EQ_I64(p->mem.live_bytes, 0);
  ASSERT_EQ_I64(p->mem.live_blocks, 0);
  ASSERT_EQ_I64(p->mem.mismatches, 0);
  counting_alloc_fini(&p->mem);
  oracle_state_free(&p->got);
  oracle_state_free(&p->want);
}

/* Runs op on both; the results must agree, and so must the states. */
static oracle_result pair_op(pair *p, oracle_op op) {
  oracle_result got, want;
  char why[512], text[128];
  p->step++;
  oracle_apply(p->m, &op, &got);
  oracle_apply(p->ref, &op, &want);
  oracle_format_op(&op, text, sizeof text);
  if (!oracle_same_result(&op, &got, &want, why, sizeof why))
    test_fail(__FILE__, __LINE__, "%s step %ld %s: %s", ivm_name(p->m),
              p->step, text, why);
  if (p->deep) {
    pair_compare_deep(p);
  } else if (ivm_total_free(p->m) != ivm_total_free(p->ref) ||
             ivm_count(p->m) != ivm_count(p->ref)) {
    test_fail(__FILE__, __LINE__, "%s step %ld %s: total %lld count %lld, "
              "the reference has %lld and %lld", ivm_name(p->m), p->step, text,
              (long long)ivm_total_free(p->m), (long long)ivm_count(p->m),
              (long long)ivm_total_free(p->ref), (long long)ivm_count(p->ref));
  }
  return got;
}

static int64_t release(pair *p, int64_t s, int64_t e) {
  return pair_op(p, (oracle_op){ORACLE_RELEASE, 0, s, e, 0}).changed;
}
static oracle_result reserve(pair *p, int64_t s, int64_t e, unsigned flags) {
  return pair_op(p, (oracle_op){ORACLE_RESERVE, flags, s, e, 0});
}
static oracle_result find(pair *p, int64_t at, int64_t len, int64_t bound) {
  if (bound == INT64_MAX)
    return pair_op(p, (oracle_op){ORACLE_FIND, 0, at, len, 0});
  return pair_op(p, (oracle_op){ORACLE_FIND_BOUNDED, 0, at, len, bound});
}

static int64_t counter(const ivm *m, const char *name) {
  ivm_counter c[16];
  size_t n = ivm_counters(m, c, 16);
  for (size_t i = 0; i < n && i < 16; i++)
    if (strcmp(c[i].name, name) == 0) return c[i].value;
  test_fail(__FILE__, __LINE__, "%s has no counter \"%s\"", ivm_name(m), name);
}

/* A random permutation of 0..n-1. */
static int64_t *shuffled(prng *g, int64_t n) {
  int64_t *v = malloc((size_t)n * sizeof *v);
  ASSERT(v != NULL);
  for (int64_t i = 0; i < n; i++) v[i] = i;
  for (int64_t i = n - 1; i > 0; i--) {
    int64_t j = (int64_t)prng_below(g, (uint64_t)i + 1), t = v[i];
    v[i] = v[j];
    v[j] = t;
  }
  return v;
}

/* Isolated spans [10i, 10i+4), in random order: every one is an insertion,
 * so leaves share and split and the tree grows level by level. */
static void grid(pair *p, prng *g, int64_t n) {
  int64_t *order = shuffled(g, n);
  for (int64_t i = 0; i < n; i++)
    ASSERT_EQ_I64(release(p, 10 * order[i], 10 * order[i] + 4), 4);
  free(order);
}

/* One random operation on a grid of n spans: endpoints on, inside and
 * between spans, so touching merges are common; wide_pct percent of the
 * ranges reach up to `far` spans on, the others up to `near`. Some restore
 * the grid locally so that spans keep crossing leaves; with `finds`, a
 * fifth are first fits, bounded or not. */
static void grid_step(pair *p, prng *g, int64_t n, int wide_pct, int64_t far,
                      int64_t near, bool finds) {
  int64_t a = prng_between(g, 0, n - 1);
  int64_t b = a + prng_between(g, 0, prng_chance(g, wide_pct) ? far : near);
  int64_t s = 10 * a + prng_between(g, -1, 6);
  int64_t e = 10 * b + prng_between(g, 4, 11);
  switch (prng_below(g, finds ? 5 : 4)) {
    case 0:
      release(p, s, e);
      break;
    case 1:
      reserve(p, s, e, 0);
      break;
    case 2:
      reserve(p, s, e, IVM_REQUIRE_COVERED);
      break;
    case 3:
      if (finds) {
        find(p, s, prng_between(g, 1, 12),
             prng_chance(g, 50) ? INT64_MAX : e + 50);
        break;
      }
      /* fall through */
    default:
      reserve(p, 10 * a, 10 * b + 10, 0);
      for (int64_t i = a; i <= b && i < a + 60; i++)
        release(p, 10 * i, 10 * i + 4);
      break;
  }
}

/* Grows to height 3 one insertion at a time, then takes every span away
 * again in random order, which merges and redistributes at every level,
 * back to a single empty leaf. */
TEST(btree_levels_grow_and_shrink) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 11);
    pair_open(&p, managers[k], true);
    grid(&p, &g, 3000);
    ASSERT_EQ_I64(counter(p.m, "height"), 3);
    int64_t *order = shuffled(&g, 3000);
    for (int64_t i = 0; i < 3000; i++) {
      int64_t s = 10 * order[i];
      /* Alternate whole-span removal and trimming from either side. */
      if (i % 3 == 0) {
        ASSERT_EQ_I64(reserve(&p, s, s + 4, 0).changed, 4);
      } else {
        ASSERT_EQ_I64(reserve(&p, s + 2, s + 7, 0).changed, 2);
        ASSERT_EQ_I64(reserve(&p, s - 3, s + 2, IVM_REQUIRE_COVERED).status,
                      IVM_CONFLICT);
        ASSERT_EQ_I64(reserve(&p, s, s + 2, IVM_REQUIRE_COVERED).changed, 2);
      }
    }
    free(order);
    ASSERT_EQ_I64(ivm_count(p.m), 0);
    ASSERT_EQ_I64(counter(p.m, "height"), 1);
    ASSERT_EQ_I64(counter(p.m, "leaves"), 1);
    pair_close(&p);
  }
}

/* Height four needs some 27,000 spans; random inserts, removals and bulk
 * reserves at that size keep the memory target (<= 24 bytes per span). */
TEST(btree_height_four) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 4);
    pair_open(&p, managers[k], false);
    const int64_t n = 40000;
    int64_t *order = shuffled(&g, n);
    int64_t height = 1;
    for (int64_t i = 0; i < n; i++) {
      release(&p, 10 * order[i], 10 * order[i] + 4);
      int64_t h = counter(p.m, "height");
      if (h != height || i % DEEP_PERIOD == 0) pair_compare_deep(&p);
      height = h;
    }
    ASSERT_EQ_I64(height, 4);
    ASSERT(counter(p.m, "bytes") <= 24 * ivm_count(p.m));
    /* Random churn: splits of spans, bridges of gaps, removals. */
    for (int64_t i = 0; i < 20000; i++) {
      int64_t s = prng_between(&g, 0, 10 * n), len = prng_between(&g, 1, 30);
      if (prng_chance(&g, 50))
        reserve(&p, s, s + len, 0);
      else
        release(&p, s, s + len);
      if (i % DEEP_PERIOD == 0) pair_compare_deep(&p);
    }
    pair_compare_deep(&p);
    ASSERT(counter(p.m, "bytes") <= 24 * ivm_count(p.m));
    /* Bulk reserves take whole subtrees at once, down to height 1. */
    for (int64_t cut = 0; cut < 8; cut++) {
      int64_t lo = prng_between(&g, 0, 10 * n), len = n * 10 / 8;
      reserve(&p, lo, lo + len, 0);
      pair_compare_deep(&p);
    }
    reserve(&p, -1, 10 * n + 100, 0);
    pair_compare_deep(&p);
    ASSERT_EQ_I64(counter(p.m, "height"), 1);
    free(order);
    pair_close(&p);
  }
}

/* Releases that bridge anything from one gap to hundreds of spans, and
 * reserves and strict reserves cutting across leaf boundaries. */
TEST(btree_cross_leaf_mutations) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 23);
    pair_open(&p, managers[k], true);
    const int64_t n = 2500;
    grid(&p, &g, n);
    for (int round = 0; round < 1500; round++)
      grid_step(&p, &g, n, 20, 400, 40, false);
    pair_close(&p);
  }
}

/* Reserves that cover whole subtrees: the middle of the tree, a prefix, a
 * suffix, then everything; and one release bridging all that is left. */
TEST(btree_bulk_reserve_removes_subtrees) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 5);
    pair_open(&p, managers[k], true);
    const int64_t n = 6000;
    grid(&p, &g, n);
    int64_t leaves = counter(p.m, "leaves");
    /* Spans 101 .. n-1001 whole, 2 points of span 100, 1 of span n-1000. */
    ASSERT_EQ_I64(reserve(&p, 1002, 10 * (n - 1000) + 1, 0).changed,
                  4 * (n - 1101) + 3);
    ASSERT(counter(p.m, "leaves") < leaves / 2);
    /* Spans 0 .. 99 and the [1000, 1002) left of span 100. */
    ASSERT_EQ_I64(reserve(&p, -5, 5003, 0).changed, 4 * 100 + 2);
    ASSERT_EQ_I64(reserve(&p, 10 * (n - 500), 10 * n, 0).changed, 4 * 500);
    int64_t left = ivm_total_free(p.ref);
    ASSERT_EQ_I64(release(&p, 0, 10 * n), 10 * n - left);
    ASSERT_EQ_I64(ivm_count(p.m), 1);
    ASSERT_EQ_I64(counter(p.m, "height"), 1);
    ASSERT_EQ_I64(reserve(&p, -1, 10 * n + 1, 0).changed, 10 * n);
    grid(&p, &g, 2000);
    ASSERT_EQ_I64(reserve(&p, -10, 20000, 0).changed, 8000);
    ASSERT_EQ_I64(ivm_count(p.m), 0);
    pair_close(&p);
  }
}

/* Thousands of short spans, then a few long ones far right: a first fit for
 * a long length must skip every subtree of short spans, bounded or not,
 * from any starting point; best fit, largest and allocate agree too. */
TEST(btree_find_skips_subtrees) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 9);
    pair_open(&p, managers[k], true);
    const int64_t n = 4000;
    grid(&p, &g, n);
    const int64_t far = 10 * n + 1000;
    release(&p, far, far + 50);
    release(&p, far + 100, far + 300);
    release(&p, far + 400, far + 500);
    oracle_result r = find(&p, 0, 30, INT64_MAX);
    ASSERT(r.found && r.span.start == far);
    r = find(&p, far + 20, 40, INT64_MAX);
    ASSERT(r.found && r.span.start == far + 100);
    ASSERT(!find(&p, 0, 30, far + 29).found);
    ASSERT(find(&p, 0, 30, far + 30).found);
    ASSERT(!find(&p, 0, 201, INT64_MAX).found);
    for (int i = 0; i < 400; i++) {
      int64_t at = prng_between(&g, -100, far + 600);
      int64_t len = prng_between(&g, 1, prng_chance(&g, 50) ? 5 : 250);
      int64_t bound = prng_chance(&g, 30) ? at + prng_between(&g, 1, 50000)
                                           : INT64_MAX;
      find(&p, at, len, bound);
      pair_op(&p, (oracle_op){ORACLE_BEST_FIT, 0, len, 0, 0});
    }
    pair_op(&p, (oracle_op){ORACLE_LARGEST, 0, 0, 0, 0});
    r = pair_op(&p, (oracle_op){ORACLE_ALLOCATE, 0, 0, 150, 0});
    ASSERT(r.found && r.span.start == far + 100);
    r = pair_op(&p, (oracle_op){ORACLE_LARGEST, 0, 0, 0, 0});
    ASSERT(r.span.start == far + 400);
    pair_close(&p);
  }
}

/* Ties: the longest and the best-fitting span with the lowest start win,
 * also when the equal spans sit in different subtrees. */
TEST(btree_ties_across_subtrees) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 3);
    pair_open(&p, managers[k], true);
    grid(&p, &g, 3000);
    /* Three isolated spans of length 20, far apart in the tree. */
    const int64_t at[3] = {29000, 15000, 5000};
    for (int i = 0; i < 3; i++) {
      reserve(&p, at[i] - 10, at[i] + 40, 0);
      release(&p, at[i], at[i] + 20);
    }
    oracle_result r = pair_op(&p, (oracle_op){ORACLE_LARGEST, 0, 0, 0, 0});
    ASSERT_EQ_I64(r.span.start, 5000);
    r = pair_op(&p, (oracle_op){ORACLE_BEST_FIT, 0, 15, 0, 0});
    ASSERT_EQ_I64(r.span.start, 5000);
    reserve(&p, 5000, 5001, 0);
    r = pair_op(&p, (oracle_op){ORACLE_LARGEST, 0, 0, 0, 0});
    ASSERT_EQ_I64(r.span.start, 15000);
    r = pair_op(&p, (oracle_op){ORACLE_BEST_FIT, 0, 19, 0, 0});
    ASSERT_EQ_I64(r.span.start, 5001);
    pair_close(&p);
  }
}

/* Every allocation request made while the tree grows to three levels and
 * shrinks back fails once: the call must return IVM_NOMEM and leave the
 * state exactly as it was, then succeed when retried. The split cascades
 * here need several nodes at once, stocked before anything changes. */
TEST(btree_allocation_failure_in_splits) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    counting_alloc mem;
    counting_alloc_init(&mem);
    ivm_options opt = {.alloc = counting_alloc_fn, .alloc_ud = &mem};
    ivm *m;
    for (uint64_t fail = 0; fail < 2; fail++) {
      mem.fail_at = mem.requests + fail;
      ASSERT_STATUS(ivm_create(managers[k], &opt, &m), IVM_NOMEM);
      ASSERT_EQ_I64(mem.live_bytes, 0);
    }
    mem.fail_at = UINT64_MAX;
    ASSERT_OK(ivm_create(managers[k], &opt, &m));
    prng g;
    prng_seed(&g, 17);
    int64_t *order = shuffled(&g, 2500);
    oracle_state before, after;
    oracle_state_init(&before);
    oracle_state_init(&after);
    char why[512];
    long injected = 0;
    for (int64_t i = 0; i < 5000; i++) {
      int64_t s = 10 * order[i % 2500];
      /* First insertions, then splits of every span in two. */
      int64_t a = i < 2500 ? s : s + 1, b = i < 2500 ? s + 4 : s + 2;
      for (uint64_t attempt = 0;; attempt++) {
        oracle_capture(m, &before, true);
        mem.fail_at = mem.requests + attempt;
        int rc = i < 2500 ? ivm_release(m, a, b, NULL)
                          : ivm_reserve(m, a, b, 0, NULL);
        mem.fail_at = UINT64_MAX;
        if (rc == IVM_OK) break;
        ASSERT_STATUS(rc, IVM_NOMEM);
        injected++;
        oracle_capture(m, &after, true);
        if (!oracle_unchanged(&after, &before, why, sizeof why))
          test_fail(__FILE__, __LINE__, "step %lld attempt %llu: %s",
                    (long long)i, (unsigned long long)attempt, why);
      }
    }
    ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_OK);
    ASSERT_EQ_I64(ivm_count(m), 5000);
    ASSERT_EQ_I64(counter(m, "height"), 3);
    ASSERT(injected > 100);
    free(order);
    oracle_state_free(&before);
    oracle_state_free(&after);
    ivm_destroy(m);
    ASSERT_EQ_I64(mem.live_bytes, 0);
    ASSERT_EQ_I64(mem.mismatches, 0);
    counting_alloc_fini(&mem);
  }
}

static void stats_hit(const ivm *m, bool want_hit) {
  int64_t hits = counter(m, "cache_hits"), misses = counter(m, "cache_misses");
  ivm_stats st;
  ASSERT_OK(ivm_stats_get(m, &st));
  ASSERT_EQ_I64(counter(m, "cache_hits"), hits + want_hit);
  ASSERT_EQ_I64(counter(m, "cache_misses"), misses + !want_hit);
}

/* boundary-summary answers stats() from its cache: mutations that change
 * nothing leave it alone, effective ones keep it exact where they can, and
 * only losing an extreme makes the next query recompute. The pair runs
 * shallow here because a deep comparison reads the statistics itself. */
TEST(boundary_summary_cache) {
  pair p;
  prng g;
  prng_seed(&g, 21);
  pair_open(&p, "boundary-summary", false);
  grid(&p, &g, 1000);           /* length 4 each, first 0, last 9994 */
  release(&p, 20000, 20100);    /* the longest, 100 */
  release(&p, 30000, 30001);    /* the shortest, 1 */
  stats_hit(p.m, true);         /* insertions alone never make it stale */
  /* Mutations that change nothing. */
  ASSERT_EQ_I64(release(&p, 20010, 20020), 0);
  ASSERT_EQ_I64(reserve(&p, 5, 9, 0).changed, 0);
  ASSERT_EQ_I64(reserve(&p, 3, 12, IVM_REQUIRE_COVERED).status, IVM_CONFLICT);
  stats_hit(p.m, true);
  /* Effective mutations away from the extremes or beating them: three
   * spans of length 1 now, the longest is 200. */
  reserve(&p, 101, 102, 0);
  release(&p, 40000, 40200);
  release(&p, 50000, 50001);
  stats_hit(p.m, true);
  pair_compare_deep(&p);
  /* Losing the longest span: largest is recomputed once, then cached. */
  reserve(&p, 40000, 40150, 0);
  stats_hit(p.m, false);
  stats_hit(p.m, true);
  pair_compare_deep(&p);
  /* Losing spans of the shortest length keeps the count exact until the
   * last one goes; then the next query scans. */
  reserve(&p, 30000, 30001, 0);
  reserve(&p, 100, 101, 0);
  stats_hit(p.m, true);
  reserve(&p, 50000, 50001, 0);
  stats_hit(p.m, false);
  pair_compare_deep(&p);
  /* Random work at about a thousand spans, statistics compared with the
   * reference after every mutation: almost all served from the cache. */
  int64_t misses = counter(p.m, "cache_misses");
  char why[512];
  for (int i = 0; i < 4000; i++) {
    int64_t s = prng_between(&g, -50, 10050), len = prng_between(&g, 1, 20);
    if (prng_chance(&g, 50))
      reserve(&p, s, s + len, 0);
    else
      release(&p, s, s + len);
    oracle_capture(p.m, &p.got, false);
    oracle_capture(p.ref, &p.want, false);
    if (!oracle_same_state(&p.got, &p.want, why, sizeof why))
      test_fail(__FILE__, __LINE__, "step %ld: %s", p.step, why);
  }
  ASSERT(counter(p.m, "cache_misses") - misses < 200);
  pair_close(&p);
}

/* The tree under a pair's manager. */
static ivm__bt *tree_of(pair *p) { return &((ivm__bt_instance *)p->m)->tree; }

/* Moves every hint of the directory to a random bucket, and points some at
 * random leaves of the tree: hints stay pointers to leaves, live or
 * retired, as the tree guarantees, but almost none is right any more. */
static void scramble(ivm__bt *t, prng *g) {
  if (!t->dir) return;
  uint64_t nb = t->dir_mask + 1;
  ivm__bt_path path;
  ivm__bt_leaf *first = ivm__bt_descend(t, INT64_MIN, &path);
  for (uint64_t b = nb - 1; b > 0; b--) {
    uint64_t j = prng_below(g, b + 1);
    ivm__bt_leaf *x = t->dir[b];
    t->dir[b] = t->dir[j];
    t->dir[j] = x;
  }
  for (uint64_t b = 0; b < nb; b += 1 + prng_below(g, 8)) t->dir[b] = first;
}

/* Operations must not depend on the directory being right: with its hints
 * scrambled every few operations, while leaves split, merge and retire,
 * every result and state still matches the reference. Emptied again, the
 * tree drops the directory and frees the retired leaves it kept. */
TEST(btree_directory_hints_never_trusted) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 31);
    pair_open(&p, managers[k], true);
    const int64_t n = 3000;
    grid(&p, &g, n);
    ivm__bt *t = tree_of(&p);
    ASSERT(t->dir != NULL);
    for (int round = 0; round < 4000; round++) {
      if (round % 7 == 0) scramble(t, &g);
      grid_step(&p, &g, n, 10, 200, 3, true);
    }
    ASSERT(reserve(&p, -100, 10 * (n + 300), 0).changed > 0);
    ASSERT_EQ_I64(ivm_count(p.m), 0);
    ASSERT(t->dir == NULL);
    ASSERT_EQ_I64(counter(p.m, "leaves"), 1);
    ASSERT_EQ_I64(counter(p.m, "bytes"), (int64_t)p.mem.live_bytes);
    pair_close(&p);
  }
}

/* The directory covers the range the spans occupy. When they move far
 * away, to the ends of the coordinates, it is rebuilt over the new range;
 * bucket arithmetic near INT64_MIN and INT64_MAX must not overflow. */
TEST(btree_directory_follows_the_keys) {
  static const int64_t bases[] = {0, INT64_MIN, INT64_MAX - 40000,
                                  (int64_t)1 << 50};
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 37);
    pair_open(&p, managers[k], false);
    ivm__bt *t = tree_of(&p);
    for (size_t r = 0; r < sizeof bases / sizeof bases[0]; r++) {
      int64_t base = bases[r];
      int64_t *order = shuffled(&g, 3000);
      for (int64_t i = 0; i < 3000; i++)
        release(&p, base + 10 * order[i], base + 10 * order[i] + 4);
      free(order);
      /* Churn in the new range until the directory has caught up. */
      for (int64_t i = 0; i < 6000; i++) {
        int64_t s = base + prng_between(&g, 0, 29990);
        if (prng_chance(&g, 50))
          reserve(&p, s, s + prng_between(&g, 1, 4), 0);
        else
          release(&p, s, s + prng_between(&g, 1, 4));
      }
      pair_compare_deep(&p);
      ASSERT(t->dir != NULL);
      ASSERT(t->dir_base >= base && t->dir_base < base + 30000);
      /* A rebuild points every bucket at the leaf holding its middle key. */
      t->dir_misses = (size_t)t->dir_mask + 2;
      ivm__bt_dir_tend(t);
      ivm_span last;
      ASSERT(ivm__bt_last(t, &last));
      uint64_t range = (uint64_t)last.end - (uint64_t)t->dir_base;
      for (uint64_t b = 0; b <= t->dir_mask; b++) {
        if ((b << t->dir_shift) + ivm__bt_half_bucket(t) > range) break;
        ivm__bt_path path;
        ASSERT(t->dir[b] ==
               ivm__bt_descend(t, ivm__bt_bucket_mid(t, b), &path));
      }
      reserve(&p, base, base + 30000, 0);
    }
    pair_close(&p);
  }
}

/* Counters are consistent with the structure and the dump shows every
 * level. */
TEST(btree_counters_and_dump) {
  for (size_t k = 0; k < MANAGERS; k++) {
    test_context("impl=%s", managers[k]);
    pair p;
    prng g;
    prng_seed(&g, 8);
    pair_open(&p, managers[k], false);
    grid(&p, &g, 2000);
    int64_t leaves = counter(p.m, "leaves"), nodes = counter(p.m, "nodes");
    ASSERT(nodes > leaves && leaves >= 2000 / IVM_BT_LEAF_CAP);
    ASSERT(counter(p.m, "fill_percent") >= 50);
    ASSERT_EQ_I64(counter(p.m, "bytes"), (int64_t)p.mem.live_bytes);
    FILE *f = tmpfile();
    ASSERT(f != NULL);
    ivm_dump(p.m, f);
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    ASSERT(text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size);
    text[size] = '\0';
    fclose(f);
    ASSERT(strstr(text, "level 0:") && strstr(text, "level 2 (leaves):"));
    ASSERT(strstr(text, " [19990,19994)") != NULL);
    free(text);
    pair_close(&p);
  }
}

/* The validator finds each kind of damage and names it. The tree is used
 * directly here, owned by a bare instance header. */
TEST(btree_check_detects_damage) {
  ivm owner = {.ops = &ivm__boundary_ops, .alloc = ivm__libc_alloc};
  char why[256];
  static ivm__bt_leaf fake;
  for (int damage = 0; damage < 12; damage++) {
    test_context("damage=%d", damage);
    ivm__bt t;
    int64_t changed;
    ASSERT_OK(ivm__bt_init(&t, &owner, NULL, NULL));
    for (int64_t i = 0; i < 2000; i++)
      ASSERT_OK(ivm__bt_release(&t, 10 * i, 10 * i + 4, &changed));
    ASSERT_OK(ivm__bt_check(&t, why, sizeof why));
    ivm__bt_inner *root = t.root;
    ivm__bt_inner *mid = root->child[1];
    ivm__bt_leaf *leaf = mid->child[1];
    ASSERT_EQ_I64(t.height, 3);
    const char *want = NULL;
    switch (damage) {
      case 0:
        leaf->end[3] = leaf->start[4];
        want = "touches";
        break;
      case 1:
        leaf->start[2] = leaf->end[2];
        want = "empty";
        break;
      case 2:
        mid->key[1]++;
        want = "key";
        break;
      case 3:
        mid->max[1]--;
        want = "max";
        break;
      case 4:
        leaf->n--; /* its last start is left in an unused slot */
        want = "unused";
        break;
      case 5:
        t.total++;
        want = "total";
        break;
      case 6:
        /* the slot past the keys, which the descent reads */
        mid->key[IVM_BT_INNER_CAP] = 0;
        want = "unused key slot 32";
        break;
      case 7:
        leaf->max++;
        want = "longest span length";
        break;
      case 8:
        /* A bucket naming memory that is no leaf of the tree. */
        ASSERT(t.dir != NULL);
        fake = *leaf;
        t.dir[t.dir_mask / 2] = &fake;
        want = "directory bucket";
        break;
      case 9:
        /* the end of an unused slot, which the leaf's maximum reads */
        ASSERT(leaf->n < IVM_BT_LEAF_CAP);
        leaf->end[leaf->n] = 7;
        want = "unused slot";
        break;
      case 10:
        ASSERT(mid->n < IVM_BT_INNER_CAP);
        mid->max[mid->n] = 7;
        want = "unused max slot";
        break;
      default:
        for (int i = 3; i < leaf->n; i++) leaf->start[i] = INT64_MAX;
        leaf->n = 3;
        want = "leaf holds";
        break;
    }
    ASSERT_STATUS(ivm__bt_check(&t, why, sizeof why), IVM_CORRUPT);
    if (!strstr(why, want))
      test_fail(__FILE__, __LINE__, "reason \"%s\" lacks \"%s\"", why, want);
    ivm__bt_fini(&t);
  }
}
