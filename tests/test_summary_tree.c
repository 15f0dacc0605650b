/* test_summary_tree.c - the shapes that stress the summary tree: many
 * spans, merges and reserves across many nodes, best-fit ties, finds that
 * must skip many subtrees and the worst-fit layout. Every operation runs on
 * "summary" and on "reference" in lockstep; results must agree, and after
 * every mutation so must the whole state (span list, totals, statistics)
 * and ivm_check() must hold. The last tests reach into the representation
 * to show that check() catches a broken tree and that memory is accounted
 * for and reused. */
#include <stdlib.h>

#include "counting_alloc.h"
#include "oracle.h"
#include "prng.h"
#include "summary_index.h"
#include "test.h"

typedef struct pair {
  ivm *sum, *ref;
  oracle_state got, want;
  int64_t step;
} pair;

static void pair_open(pair *p) {
  ASSERT_OK(ivm_create("summary", NULL, &p->sum));
  ASSERT_OK(ivm_create("reference", NULL, &p->ref));
  oracle_state_init(&p->got);
  oracle_state_init(&p->want);
  p->step = 0;
}

static void pair_close(pair *p) {
  ivm_destroy(p->sum);
  ivm_destroy(p->ref);
  oracle_state_free(&p->got);
  oracle_state_free(&p->want);
}

static int64_t counter(const ivm *m, const char *name) {
  ivm_counter c[8];
  size_t n = ivm_counters(m, c, 8);
  for (size_t i = 0; i < n && i < 8; i++)
    if (strcmp(c[i].name, name) == 0) return c[i].value;
  test_fail(__FILE__, __LINE__, "no counter named %s", name);
}

/* The tree is no higher than an AVL tree of its node count can be: the
 * sparsest AVL tree of height h has N(h) = N(h-1) + N(h-2) + 1 nodes. */
static void expect_avl_height(const ivm *m) {
  int64_t h = counter(m, "height"), n = counter(m, "nodes");
  ASSERT_EQ_I64(n, ivm_count(m));
  int64_t fewer = 0, fewest = h > 0 ? 1 : 0; /* N(h-1), N(h) */
  for (int64_t i = 1; i < h; i++) {
    int64_t next = fewest + fewer + 1;
    fewer = fewest;
    fewest = next;
  }
  if (n < fewest)
    test_fail(__FILE__, __LINE__, "height %lld with only %lld nodes",
              (long long)h, (long long)n);
}

/* Runs op on both managers and compares the results; after a mutation also
 * the whole state, including the span list and check(). */
static oracle_result run(pair *p, oracle_op op) {
  oracle_result got, want;
  char what[128], why[512];
  oracle_format_op(&op, what, sizeof what);
  test_context("summary vs reference, step %lld: %s", (long long)++p->step,
               what);
  oracle_apply(p->ref, &op, &want);
  oracle_apply(p->sum, &op, &got);
  if (!oracle_same_result(&op, &got, &want, why, sizeof why))
    test_fail(__FILE__, __LINE__, "%s", why);
  bool deep = oracle_mutates(op.kind);
  oracle_capture(p->sum, &p->got, deep);
  oracle_capture(p->ref, &p->want, deep);
  if (!oracle_same_state(&p->got, &p->want, why, sizeof why))
    test_fail(__FILE__, __LINE__, "%s", why);
  if (deep) expect_avl_height(p->sum);
  return got;
}

static oracle_result release(pair *p, int64_t s, int64_t e) {
  return run(p, (oracle_op){.kind = ORACLE_RELEASE, .a = s, .b = e});
}
static oracle_result reserve(pair *p, int64_t s, int64_t e, unsigned flags) {
  return run(
      p, (oracle_op){.kind = ORACLE_RESERVE, .flags = flags, .a = s, .b = e});
}
static oracle_result find(pair *p, int64_t at, int64_t len) {
  return run(p, (oracle_op){.kind = ORACLE_FIND, .a = at, .b = len});
}
static oracle_result find_bounded(pair *p, int64_t at, int64_t len,
                                  int64_t not_after) {
  return run(
      p, (oracle_op){
             .kind = ORACLE_FIND_BOUNDED, .a = at, .b = len, .c = not_after});
}
static oracle_result best_fit(pair *p, int64_t len) {
  return run(p, (oracle_op){.kind = ORACLE_BEST_FIT, .a = len});
}
static oracle_result largest(pair *p) {
  return run(p, (oracle_op){.kind = ORACLE_LARGEST});
}
static oracle_result overlaps(pair *p, int64_t s, int64_t e) {
  return run(
      p, (oracle_op){
             .kind = ORACLE_OVERLAPS, .a = s, .b = e, .c = ORACLE_LIST_CAP});
}

static void shuffle(prng *g, int64_t *v, int64_t n) {
  for (int64_t i = n - 1; i > 0; i--) {
    int64_t j = (int64_t)prng_below(g, (uint64_t)i + 1);
    int64_t x = v[i];
    v[i] = v[j];
    v[j] = x;
  }
}

/* Enough spans that the pool grows many times. */
#define MANY 1500

TEST(summary_many_spans) {
  pair p;
  prng g;
  static int64_t order[MANY];
  pair_open(&p);
  prng_seed(&g, 11);
  for (int64_t i = 0; i < MANY; i++) order[i] = i;
  shuffle(&g, order, MANY);
  for (int64_t i = 0; i < MANY; i++)
    release(&p, 100 * order[i],
            100 * order[i] + 1 + (int64_t)prng_below(&g, 60));
  for (int64_t len = 1; len <= 62; len++) {
    best_fit(&p, len);
    find(&p, -5, len);
    find(&p, prng_between(&g, 0, 100 * MANY), len);
  }
  largest(&p);
  overlaps(&p, 5050, 7777);
  /* Take every span away in another order, then churn: the nodes given
   * back must be reused, so the memory held does not grow. */
  int64_t peak = counter(p.sum, "bytes");
  shuffle(&g, order, MANY);
  for (int64_t i = 0; i < MANY; i++)
    reserve(&p, 100 * order[i], 100 * order[i] + 100, 0);
  ASSERT_EQ_I64(ivm_count(p.sum), 0);
  for (int64_t i = 0; i < MANY; i++) {
    release(&p, 100 * order[i] + 7, 100 * order[i] + 9);
    if (i % 2) reserve(&p, 100 * order[i - 1] + 8, 100 * order[i - 1] + 9, 0);
  }
  ASSERT_EQ_I64(counter(p.sum, "bytes"), peak);
  pair_close(&p);
}

TEST(summary_merge_across_many_nodes) {
  pair p;
  pair_open(&p);
  for (int64_t i = 0; i < 1000; i++) release(&p, 10 * i, 10 * i + 5);
  /* From inside span 100 to inside span 500: 401 spans become one. */
  ASSERT_EQ_I64(release(&p, 1003, 5001).changed, 400 * 5);
  /* Touching span 600's end and span 700's start bridges 99 spans. */
  ASSERT_EQ_I64(release(&p, 6005, 7000).changed, 100 * 5);
  /* A gap exactly: two neighbours join. */
  ASSERT_EQ_I64(release(&p, 8005, 8010).changed, 5);
  /* Already free, and free again across a merged seam: no change. */
  ASSERT_EQ_I64(release(&p, 2000, 4000).changed, 0);
  find(&p, 0, 4000);
  largest(&p);
  best_fit(&p, 10);
  /* Everything, reaching past both ends. */
  release(&p, -100, 20000);
  ASSERT_EQ_I64(ivm_count(p.sum), 1);
  pair_close(&p);
}

TEST(summary_bulk_reserves) {
  pair p;
  pair_open(&p);
  release(&p, 0, 100000);
  /* 1000 holes split the span into 1001: [i*100+60, (i+1)*100+50). */
  for (int64_t i = 0; i < 1000; i++) reserve(&p, 100 * i + 50, 100 * i + 60, 0);
  /* Trims the span holding 1055 on the right, the one holding 20003 on the
   * left and removes every span between them. */
  reserve(&p, 1055, 20003, 0);
  /* Exactly one span, by its bounds. */
  ASSERT_EQ_I64(reserve(&p, 30060, 30150, 0).changed, 90);
  /* Half in a hole, half in a span. */
  ASSERT_EQ_I64(reserve(&p, 40055, 40065, 0).changed, 5);
  /* Only hole: not an error, nothing changes. */
  ASSERT_EQ_I64(reserve(&p, 50050, 50060, 0).changed, 0);
  /* Strict: exactly a span, one point too many, across a hole. */
  ASSERT_EQ_I64(reserve(&p, 70060, 70150, IVM_REQUIRE_COVERED).changed, 90);
  ASSERT_STATUS(reserve(&p, 71060, 71151, IVM_REQUIRE_COVERED).status,
                IVM_CONFLICT);
  ASSERT_STATUS(reserve(&p, 80000, 90000, IVM_REQUIRE_COVERED).status,
                IVM_CONFLICT);
  ASSERT_OK(reserve(&p, 72070, 72080, IVM_REQUIRE_COVERED).status);
  find(&p, 0, 90);
  best_fit(&p, 50);
  /* Everything, reaching past both ends. */
  reserve(&p, -1000, 200000, 0);
  ASSERT_EQ_I64(ivm_count(p.sum), 0);
  pair_close(&p);
}

/* Compares best_fit for every length up to one past the longest span. */
static void all_best_fits(pair *p, int64_t longest) {
  for (int64_t len = 1; len <= longest + 1; len++) best_fit(p, len);
}

TEST(summary_best_fit_ties_and_exact_fits) {
  pair p;
  prng g;
  static const int64_t lengths[] = {3, 5, 8};
  int64_t order[400];
  pair_open(&p);
  prng_seed(&g, 5);
  for (int64_t i = 0; i < 400; i++) order[i] = i;
  shuffle(&g, order, 400);
  /* Many spans of each length, added in scrambled order, so equal lengths
   * sit all over the size index and only the start breaks the tie. */
  for (int64_t i = 0; i < 400; i++)
    release(&p, 20 * order[i], 20 * order[i] + lengths[order[i] % 3]);
  all_best_fits(&p, 8);
  ivm_span s;
  bool found;
  ASSERT_OK(ivm_best_fit(p.sum, 5, &s, &found));
  ASSERT(found);
  ASSERT_EQ_I64(s.start, 20); /* span 1 is the lowest of length 5 */
  /* An exact fit and equal ties: shorten the lowest length-5 span to 4,
   * then the next lowest of length 5 wins. */
  reserve(&p, 24, 25, 0);
  all_best_fits(&p, 8);
  ASSERT_OK(ivm_best_fit(p.sum, 5, &s, &found));
  ASSERT_EQ_I64(s.start, 80);
  ASSERT_OK(ivm_best_fit(p.sum, 4, &s, &found));
  ASSERT_EQ_I64(s.start, 20);
  /* Lengthen spans in place by touching releases: the size index must
   * follow every change of length. */
  for (int64_t i = 0; i < 400; i += 7) {
    release(&p, 20 * i + lengths[i % 3], 20 * i + lengths[i % 3] + 2);
    all_best_fits(&p, 10);
  }
  /* Remove every length-8 span: then only the lengthened spans are longer
   * than 5. */
  for (int64_t i = 2; i < 400; i += 3) reserve(&p, 20 * i, 20 * i + 10, 0);
  all_best_fits(&p, 10);
  pair_close(&p);
}

/* Fragments of length 1..3 every 10 points, with a few longer spans planted
 * among them, so a find must skip many subtrees whose longest span is too
 * short, and often starts inside a span or in a gap. */
TEST(summary_find_skips_subtrees) {
  pair p;
  pair_open(&p);
  for (int64_t i = 0; i < 4000; i++) release(&p, 10 * i, 10 * i + 1 + i % 3);
  release(&p, 10000, 10040);
  release(&p, 25000, 25020);
  release(&p, 39000, 39100);
  static const int64_t lens[] = {1,  3,  4,  5,  10, 20,  21,  30,
                                 41, 43, 44, 50, 99, 100, 101, 200};
  static const int64_t from[] = {INT64_MIN / 2, -1,    0,     5,     9999,
                                 10000,         10001, 10039, 10045, 20000,
                                 25010,         39050, 39099, 39101, 50000};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    for (size_t j = 0; j < sizeof from / sizeof from[0]; j++) {
      oracle_result r = find(&p, from[j], lens[i]);
      if (!r.found) continue;
      /* The bound at the fit's end admits it; one less rules it out, and
       * then nothing later may be offered instead. */
      find_bounded(&p, from[j], lens[i], r.span.end);
      if (r.span.end - 1 > from[j])
        find_bounded(&p, from[j], lens[i], r.span.end - 1);
    }
  }
  /* Take the planted spans one by one: the finds must move on. */
  run(&p, (oracle_op){.kind = ORACLE_ALLOCATE, .a = 0, .b = 30});
  find(&p, 0, 30);
  run(&p, (oracle_op){.kind = ORACLE_ALLOCATE, .a = 0, .b = 60});
  find(&p, 0, 30);
  find(&p, 0, 15);
  pair_close(&p);
}

/* The worst-fit layout: tiny fragments everywhere and the one span that can
 * hold the request at the far end. */
static void worst_fit_shape(pair *p, int64_t fragments) {
  int64_t far = 4 * fragments;
  for (int64_t i = 0; i < fragments; i++) release(p, 2 * i, 2 * i + 1);
  release(p, far, far + 1000);
  ASSERT_EQ_I64(find(p, 0, 2).span.start, far);
  ASSERT_EQ_I64(find(p, 0, 1000).span.start, far);
  ASSERT(!find(p, 0, 1001).found);
  ASSERT_EQ_I64(find(p, far + 10, 5).span.start, far + 10);
  ASSERT_EQ_I64(find(p, 3, 1).span.start, 4);
  ASSERT(!find_bounded(p, 0, 2, far + 1).found);
  ASSERT(find_bounded(p, 0, 2, far + 2).found);
  ASSERT_EQ_I64(best_fit(p, 2).span.start, far);
  ASSERT_EQ_I64(best_fit(p, 1).span.start, 0);
  ASSERT_EQ_I64(largest(p).span.start, far);
  /* Cut the far span in two: the fit moves to its second half. */
  reserve(p, far + 100, far + 101, 0);
  ASSERT_EQ_I64(find(p, 0, 500).span.start, far + 101);
}

TEST(summary_worst_fit_shape) {
  pair p;
  pair_open(&p);
  worst_fit_shape(&p, 2000);
  pair_close(&p);
}

/* The same layout at the size the latency target names. The reference
 * needs O(n) a release, too slow for 10^5 of them, so here the answers
 * are the ones the layout implies and check() runs at the end. */
TEST(summary_worst_fit_100k) {
  enum { FRAGMENTS = 100000 };
  const int64_t far = 4 * FRAGMENTS;
  ivm *m;
  ivm_span s;
  bool found;
  char why[256];
  ASSERT_OK(ivm_create("summary", NULL, &m));
  for (int64_t i = FRAGMENTS - 1; i >= 0; i--)
    ASSERT_OK(ivm_release(m, 2 * i, 2 * i + 1, NULL));
  ASSERT_OK(ivm_release(m, far, far + 1000, NULL));
  ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_OK);
  ASSERT_EQ_I64(ivm_count(m), FRAGMENTS + 1);
  ASSERT_EQ_I64(ivm_total_free(m), FRAGMENTS + 1000);
  expect_avl_height(m);
  for (int64_t p = 0; p < far; p += 9973) {
    ASSERT_OK(ivm_find(m, p, 2, &s, &found));
    ASSERT(found);
    ASSERT_EQ_I64(s.start, far);
  }
  ASSERT_OK(ivm_find_bounded(m, 0, 2, far + 1, &s, &found));
  ASSERT(!found);
  ASSERT_OK(ivm_best_fit(m, 2, &s, &found));
  ASSERT_EQ_I64(s.start, far);
  ivm_stats st;
  ASSERT_OK(ivm_stats_get(m, &st));
  ASSERT_EQ_I64(st.largest_start, far);
  ASSERT_EQ_I64(st.smallest_chunk, 1);
  ASSERT_EQ_I64(st.first_free, 0);
  ASSERT_EQ_I64(st.last_free, far + 1000);
  ivm_destroy(m);
}

/* check() must see damage that the span set alone does not show. */
TEST(summary_check_catches_damage) {
  ivm *m;
  char why[256];
  ivm_span s;
  bool found;
  ASSERT_OK(ivm_create("summary", NULL, &m));
  for (int64_t i = 0; i < 64; i++)
    ASSERT_OK(ivm_release(m, 10 * i, 10 * i + 1 + i % 5, NULL));
  /* Best fit indexes every span, so the size index is full. */
  ASSERT_OK(ivm_best_fit(m, 1, &s, &found));
  ASSERT_OK(ivm_check(m, why, sizeof why));
  ivm__summary_tree *t = (ivm__summary_tree *)m;
  ASSERT_EQ_I64(t->pending, 0);
  ivm__spool *pool = &t->pool;
  ivm__snode *root = ivm__snode_at(pool, t->root[IVM__BY_ADDR]);
  ivm__snode *inner = ivm__snode_at(pool, root->link[0]);

  /* A stale cached maximum below the root. */
  inner->max_len += 1;
  ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "caches") != NULL);
  inner->max_len -= 1;
  /* A wrong height. */
  inner->height[IVM__BY_ADDR] += 1;
  ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "height") != NULL);
  inner->height[IVM__BY_ADDR] -= 1;
  /* The instance's first node is not the leftmost. */
  uint32_t first = t->first;
  t->first = root->link[0];
  ASSERT_STATUS(ivm__sidx_check(t, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "begins with") != NULL);
  t->first = first;
  /* The instance's largest node is another span of the same length. */
  uint32_t largest = t->largest;
  for (uint32_t i = 1; i < pool->used; i++)
    if (i != largest && ivm__snode_len(ivm__snode_at(pool, i)) ==
                            ivm__snode_len(ivm__snode_at(pool, largest)))
      t->largest = i;
  ASSERT(t->largest != largest);
  ASSERT_STATUS(ivm__sidx_check(t, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "largest is node") != NULL);
  t->largest = largest;
  /* The size index out of order. */
  ivm__slink *sroot = ivm__slink_at(pool, t->root[IVM__BY_SIZE]);
  uint32_t l = sroot->link[0];
  sroot->link[0] = sroot->link[1];
  sroot->link[1] = l;
  ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "size index") != NULL);
  sroot->link[1] = sroot->link[0];
  sroot->link[0] = l;
  /* A node lost from the size index. */
  uint32_t leaf = sroot->link[0];
  while (ivm__slink_at(pool, leaf)->link[0] != 0)
    leaf = ivm__slink_at(pool, leaf)->link[0];
  ivm__sidx_erase(t, leaf);
  ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "the size index links 63 nodes and the pending list 0") !=
         NULL);
  ivm__sidx_insert(t, leaf);
  ASSERT_OK(ivm_check(m, why, sizeof why));
  /* Two resized spans go pending; a broken back link is seen. */
  ASSERT_OK(ivm_reserve(m, 10, 11, 0, NULL));
  ASSERT_OK(ivm_reserve(m, 630, 631, 0, NULL));
  ASSERT_OK(ivm_check(m, why, sizeof why));
  uint32_t second = ivm__slink_at(pool, t->pending)->link[0];
  ASSERT(second != 0);
  ivm__slink_at(pool, second)->link[1] = 0;
  ASSERT_STATUS(ivm_check(m, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "pending node") != NULL);
  ivm__slink_at(pool, second)->link[1] = t->pending;
  ASSERT_OK(ivm_check(m, why, sizeof why));
  ivm_destroy(m);
}

/* The "bytes" counter is what the allocator hook holds for the instance,
 * and a manager that empties and refills reuses its nodes. */
TEST(summary_memory_accounting) {
  counting_alloc a;
  counting_alloc_init(&a);
  ivm_options opt = {.alloc = counting_alloc_fn, .alloc_ud = &a};
  ivm *m;
  size_t held = 0;
  ASSERT_OK(ivm_create("summary", &opt, &m));
  ASSERT_EQ_I64(counter(m, "bytes"), (int64_t)a.live_bytes);
  for (int round = 0; round < 3; round++) {
    for (int64_t i = 0; i < 5000; i++) {
      ASSERT_OK(ivm_release(m, 3 * i, 3 * i + 1, NULL));
      ASSERT_EQ_I64(counter(m, "bytes"), (int64_t)a.live_bytes);
    }
    /* At 5000 spans (and nil) the slack is below an eighth of the nodes
     * and the 63 bytes of alignment room; never asked for a best fit, the
     * manager holds no size links. */
    int64_t node = sizeof(ivm__snode);
    ASSERT((int64_t)a.live_bytes <= node * (5001 + 5001 / 8 + 16) + 63 +
                                        (int64_t)sizeof(ivm__summary_tree));
    if (round == 0) held = a.live_bytes;
    ASSERT_EQ_I64(a.live_bytes, held);
    ASSERT_OK(ivm_reserve(m, 0, 15000, 0, NULL));
  }
  ivm_destroy(m);
  ASSERT_EQ_I64(a.live_bytes, 0);
  ASSERT_EQ_I64(a.live_blocks, 0);
  ASSERT_EQ_I64(a.mismatches, 0);
  counting_alloc_fini(&a);
}

/* The size index opens with the first best fit. Until then the manager
 * holds no size links; when they cannot be had, best fit still answers, by
 * walking the spans, and nothing changes; once they can, they are there
 * for every span, and stay. */
TEST(summary_size_index_opens_late) {
  counting_alloc a;
  counting_alloc_init(&a);
  ivm_options opt = {.alloc = counting_alloc_fn, .alloc_ud = &a};
  ivm *m, *ref;
  ivm_span got, want;
  bool found_got, found_want;
  char why[256];
  ASSERT_OK(ivm_create("summary", &opt, &m));
  ASSERT_OK(ivm_create("reference", NULL, &ref));
  ASSERT(!ivm_best_fit(m, 1, &got, &found_got) && !found_got);
  for (int64_t i = 0; i < 600; i++) {
    int64_t s = 20 * ((i * 137) % 600), len = 1 + (i * 7) % 11;
    ASSERT_OK(ivm_release(m, s, s + len, NULL));
    ASSERT_OK(ivm_release(ref, s, s + len, NULL));
  }
  int64_t closed = counter(m, "bytes");
  for (int pass = 0; pass < 2; pass++) {
    /* First every request fails: no links, the same answers. */
    a.fail_at = pass == 0 ? a.requests : UINT64_MAX;
    for (int64_t len = 1; len <= 12; len++) {
      test_context("pass %d, best_fit(%lld)", pass, (long long)len);
      ASSERT_OK(ivm_best_fit(m, len, &got, &found_got));
      ASSERT_OK(ivm_best_fit(ref, len, &want, &found_want));
      ASSERT(found_got == found_want);
      ASSERT_EQ_I64(got.start, want.start);
      ASSERT_OK(ivm_check(m, why, sizeof why));
      if (pass == 0) a.fail_at = a.requests;
    }
    if (pass == 0) {
      ASSERT(a.failures > 0);
      ASSERT_EQ_I64(counter(m, "bytes"), closed);
    }
  }
  int64_t links = sizeof(ivm__slink);
  ASSERT(counter(m, "bytes") >= closed + links * 600);
  ASSERT_EQ_I64(counter(m, "bytes"), (int64_t)a.live_bytes);
  /* Open, the index follows every change and the links every growth. */
  for (int64_t i = 0; i < 3000; i++) {
    int64_t s = 7 * ((i * 389) % 3000);
    ASSERT_OK(ivm_reserve(m, s, s + 3, 0, NULL));
    ASSERT_OK(ivm_reserve(ref, s, s + 3, 0, NULL));
    ASSERT_OK(ivm_release(m, s + 20000, s + 20002, NULL));
    ASSERT_OK(ivm_release(ref, s + 20000, s + 20002, NULL));
    if (i % 100 == 0) {
      int64_t len = 1 + i % 9;
      test_context("step %lld, best_fit(%lld)", (long long)i, (long long)len);
      ASSERT_OK(ivm_best_fit(m, len, &got, &found_got));
      ASSERT_OK(ivm_best_fit(ref, len, &want, &found_want));
      ASSERT(found_got == found_want);
      ASSERT_EQ_I64(got.start, want.start);
      ASSERT_OK(ivm_check(m, why, sizeof why));
    }
  }
  ivm_destroy(m);
  ivm_destroy(ref);
  ASSERT_EQ_I64(a.live_bytes, 0);
  ASSERT_EQ_I64(a.mismatches, 0);
  counting_alloc_fini(&a);
}

/* dump() draws both trees, one line a node, the address tree's with its
 * summary and under a heading that names the first, the last and the
 * largest span, then the pending list on one line. */
TEST(summary_dump) {
  ivm *m;
  ivm_span s;
  bool found;
  ASSERT_OK(ivm_create("summary", NULL, &m));
  for (int64_t i = 0; i < 20; i++)
    ASSERT_OK(ivm_release(m, 10 * i, 10 * i + 2 + i % 4, NULL));
  ASSERT_OK(ivm_best_fit(m, 1, &s, &found));
  ASSERT_OK(ivm_release(m, 300, 310, NULL));
  FILE *f = tmpfile();
  ASSERT(f != NULL);
  ivm_dump(m, f);
  rewind(f);
  char line[256];
  int lines = 0;
  bool heading_seen = false, root_seen = false, pending_seen = false;
  while (fgets(line, sizeof line, f)) {
    lines++;
    if (strcmp(line,
               "address tree, first [0,2), last [300,310), largest "
               "[300,310):\n") == 0)
      heading_seen = true;
    if (strncmp(line, "  * [", 5) == 0 && strstr(line, "largest 10") &&
        strstr(line, "smallest 2"))
      root_seen = true;
    if (strcmp(line, "pending: [300,310)\n") == 0) pending_seen = true;
  }
  fclose(f);
  /* Header, 21 address nodes, 20 indexed, the pending line. */
  ASSERT_EQ_I64(lines, 1 + (1 + 21) + (1 + 20) + 1);
  ASSERT(heading_seen);
  ASSERT(root_seen);
  ASSERT(pending_seen);
  ivm_destroy(m);
}
