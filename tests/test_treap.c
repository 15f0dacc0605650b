/* test_treap.c - the treap's own shapes and edge cases: reproducible shape
 * per seed, balance under sorted input, merges and reserves across many
 * spans, first fits that must skip most of the tree, ties, check() catching
 * corruption, and allocation failures whenever the pool grows. Every
 * operation runs on a treap and on the reference, and right after it the
 * results, every statistic, the span lists and ivm_check() must agree. */
#include <stdlib.h>

#include "counting_alloc.h"
#include "oracle.h"
#include "prng.h"
#include "test.h"
#include "treap.h"

/* A treap and the reference, driven in lockstep. */
typedef struct twin {
  ivm *ref, *tr;
  oracle_state want, got;
  int64_t step;
} twin;

static void twin_open(twin *w, const ivm_options *opt) {
  memset(w, 0, sizeof *w);
  ASSERT_OK(ivm_create("reference", opt, &w->ref));
  ASSERT_OK(ivm_create("treap", opt, &w->tr));
}

static void twin_close(twin *w) {
  ivm_destroy(w->ref);
  ivm_destroy(w->tr);
  oracle_state_free(&w->want);
  oracle_state_free(&w->got);
}

/* Fails naming the operation, unless the treap's state equals the
 * reference's in every observable way, check() included. */
static void twin_compare(twin *w, const oracle_op *op) {
  char why[512], text[200];
  oracle_capture(w->ref, &w->want, true);
  oracle_capture(w->tr, &w->got, true);
  if (!oracle_same_state(&w->got, &w->want, why, sizeof why)) {
    oracle_format_op(op, text, sizeof text);
    test_fail(__FILE__, __LINE__, "after step %lld %s: %s", (long long)w->step,
              text, why);
  }
}

/* Runs op on both, compares the results and then the states. */
static oracle_result twin_run(twin *w, oracle_op op) {
  oracle_result want, got;
  char why[512], text[200];
  oracle_apply(w->ref, &op, &want);
  oracle_apply(w->tr, &op, &got);
  if (!oracle_same_result(&op, &got, &want, why, sizeof why)) {
    oracle_format_op(&op, text, sizeof text);
    test_fail(__FILE__, __LINE__, "step %lld %s: %s", (long long)w->step, text,
              why);
  }
  twin_compare(w, &op);
  w->step++;
  return got;
}

static oracle_result release(twin *w, int64_t s, int64_t e) {
  return twin_run(w, (oracle_op){.kind = ORACLE_RELEASE, .a = s, .b = e});
}
static oracle_result reserve(twin *w, int64_t s, int64_t e, unsigned flags) {
  return twin_run(
      w, (oracle_op){.kind = ORACLE_RESERVE, .flags = flags, .a = s, .b = e});
}
static oracle_result find(twin *w, int64_t p, int64_t len) {
  return twin_run(w, (oracle_op){.kind = ORACLE_FIND, .a = p, .b = len});
}
static oracle_result find_bounded(twin *w, int64_t p, int64_t len,
                                  int64_t not_after) {
  return twin_run(
      w, (oracle_op){
             .kind = ORACLE_FIND_BOUNDED, .a = p, .b = len, .c = not_after});
}
static oracle_result best_fit(twin *w, int64_t len) {
  return twin_run(w, (oracle_op){.kind = ORACLE_BEST_FIT, .a = len});
}
static oracle_result largest(twin *w) {
  return twin_run(w, (oracle_op){.kind = ORACLE_LARGEST});
}

static int64_t counter(const ivm *m, const char *name) {
  ivm_counter c[16];
  size_t n = ivm_counters(m, c, 16);
  for (size_t i = 0; i < n && i < 16; i++)
    if (strcmp(c[i].name, name) == 0) return c[i].value;
  test_fail(__FILE__, __LINE__, "no counter named %s", name);
}

/* What ivm_dump prints, as a string the caller frees. */
static char *dump_text(const ivm *m) {
  FILE *f = tmpfile();
  ASSERT(f != NULL);
  ivm_dump(m, f);
  long n = ftell(f);
  ASSERT(n > 0);
  rewind(f);
  char *s = malloc((size_t)n + 1);
  ASSERT(s != NULL);
  ASSERT(fread(s, 1, (size_t)n, f) == (size_t)n);
  s[n] = '\0';
  fclose(f);
  return s;
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

/* A fixed random mix on [0, 20000) that leaves a few hundred spans. */
static void churn(twin *w, uint64_t ops_seed, int ops) {
  prng g;
  prng_seed(&g, ops_seed);
  release(w, 0, 20000);
  for (int i = 0; i < ops; i++) {
    int64_t s = prng_between(&g, 0, 19900), len = prng_between(&g, 1, 60);
    if (prng_chance(&g, 55))
      reserve(w, s, s + len, 0);
    else
      release(w, s, s + len);
  }
}

/* The same seed and operations give the same tree, node for node; another
 * seed gives another tree over the same spans. */
TEST(treap_same_seed_same_shape) {
  char *text[3];
  int64_t height[3];
  const uint64_t seeds[3] = {42, 42, 43};
  for (int i = 0; i < 3; i++) {
    twin w;
    twin_open(&w, &(ivm_options){.seed = seeds[i]});
    churn(&w, 7, 1500);
    text[i] = dump_text(w.tr);
    height[i] = counter(w.tr, "height");
    /* A header line, then one line per span. */
    ASSERT_EQ_I64(count_lines(text[i]), ivm_count(w.tr) + 1);
    twin_close(&w);
  }
  ASSERT(strcmp(text[0], text[1]) == 0);
  ASSERT_EQ_I64(height[0], height[1]);
  ASSERT(strcmp(text[0], text[2]) != 0);
  for (int i = 0; i < 3; i++) free(text[i]);
}

/* Sorted input is the worst case for an unbalanced search tree (height n);
 * random priorities keep it logarithmic. */
TEST(treap_sorted_input_stays_balanced) {
  enum { N = 2048 };
  const int64_t bound = 4 * 11; /* 4 log2 N */
  for (int descending = 0; descending < 2; descending++) {
    twin w;
    twin_open(&w, &(ivm_options){.seed = 5});
    for (int64_t i = 0; i < N; i++) {
      int64_t k = descending ? N - 1 - i : i;
      release(&w, 10 * k, 10 * k + 4);
    }
    ASSERT_EQ_I64(ivm_count(w.tr), N);
    ASSERT(counter(w.tr, "height") <= bound);
    /* Bridging each even span to its successor halves the count through
     * merges; the balance holds. */
    for (int64_t k = 0; k < N; k += 2) release(&w, 10 * k + 4, 10 * k + 10);
    ASSERT_EQ_I64(ivm_count(w.tr), N / 2);
    ASSERT(counter(w.tr, "height") <= bound);
    twin_close(&w);
  }
}

/* One release bridging hundreds of spans, releases touching exactly at both
 * ends, and random wide releases over a fragmented set. */
TEST(treap_merges_across_many_spans) {
  twin w;
  twin_open(&w, &(ivm_options){.seed = 11});
  for (int64_t k = 0; k < 1500; k++) release(&w, 10 * k, 10 * k + 3);
  /* [30,33) .. [7000,7003) merge into [25,7003). */
  ASSERT_EQ_I64(release(&w, 25, 7001).changed, (7003 - 25) - 698 * 3);
  ASSERT_EQ_I64(ivm_count(w.tr), 1500 - 698 + 1);
  release(&w, 7003, 7005);   /* touches on the left only */
  release(&w, 7013, 7020);   /* touches on both sides: bridges two */
  release(&w, 8998, 9000);   /* touches on the right only */
  release(&w, 10005, 10006); /* touches nothing */
  release(&w, 10004, 10007); /* swallows it */
  release(&w, 20000, 20010); /* beyond every span */
  prng g;
  prng_seed(&g, 3);
  for (int i = 0; i < 300; i++) {
    int64_t s = prng_between(&g, -100, 15000);
    int64_t e = s + prng_between(&g, 1, i % 10 == 0 ? 3000 : 30);
    release(&w, s, e);
    int64_t c = prng_between(&g, -100, 15000);
    reserve(&w, c, c + prng_between(&g, 1, 8), 0);
  }
  release(&w, -1000, 1000000);
  ASSERT_EQ_I64(ivm_count(w.tr), 1);
  twin_close(&w);
}

/* Reserves that drop many spans and keep remainders at one end, the other,
 * both or neither; strict reserves across gaps; and the freed slots are
 * reused rather than the pool grown. */
TEST(treap_bulk_reserves) {
  twin w;
  twin_open(&w, &(ivm_options){.seed = 13});
  for (int64_t k = 0; k < 3000; k++) release(&w, 10 * k, 10 * k + 6);
  int64_t slots = counter(w.tr, "pool_slots");
  int64_t grows = counter(w.tr, "pool_grows");
  ASSERT(slots > 3000);
  /* Geometric growth, yet with little slack: the memory budget per span. */
  ASSERT(grows > 1 && grows < 40);
  ASSERT(slots < 3000 + 3000 / 8 + 64);
  ASSERT_EQ_I64(reserve(&w, 3, 5003, 0).changed, 3 + 6 * 499 + 3);
  reserve(&w, 6000, 8006, 0);   /* exact span boundaries: no remainder */
  reserve(&w, 9001, 11000, 0);  /* remainder on the left only */
  reserve(&w, 12000, 13002, 0); /* on the right only */
  reserve(&w, 14002, 14004, 0); /* cuts one span in two */
  ASSERT_STATUS(reserve(&w, 15000, 15016, IVM_REQUIRE_COVERED).status,
                IVM_CONFLICT);
  ASSERT_STATUS(reserve(&w, 15005, 15011, IVM_REQUIRE_COVERED).status,
                IVM_CONFLICT);
  ASSERT_OK(reserve(&w, 15001, 15005, IVM_REQUIRE_COVERED).status);
  reserve(&w, 16006, 16010, 0); /* only occupied points */
  ASSERT(counter(w.tr, "pool_free") > 900);
  /* Refill about 900 spans: the free list serves every node, the pool does
   * not grow. */
  for (int64_t k = 0; k < 1200; k++) release(&w, 10 * k, 10 * k + 6);
  ASSERT_EQ_I64(counter(w.tr, "pool_slots"), slots);
  ASSERT_EQ_I64(counter(w.tr, "pool_grows"), grows);
  reserve(&w, -1000000, 1000000, 0);
  ASSERT_EQ_I64(ivm_count(w.tr), 0);
  ASSERT_EQ_I64(counter(w.tr, "height"), 0);
  twin_close(&w);
}

/* Thousands of short spans, one long one at the far end and one in the
 * middle: the first fit for a long length must skip whole subtrees. */
TEST(treap_find_skips_subtrees) {
  twin w;
  twin_open(&w, &(ivm_options){.seed = 17});
  for (int64_t k = 0; k < 3000; k++)
    if (k < 1500 || k >= 1600) release(&w, 10 * k, 10 * k + 1 + k % 3);
  release(&w, 15100, 15600);
  release(&w, 40000, 41000);
  oracle_result r = find(&w, 0, 4);
  ASSERT(r.found && r.span.start == 15100);
  r = find(&w, 15300, 400);
  ASSERT(r.found && r.span.start == 40000);
  r = find(&w, 15300, 300);
  ASSERT(r.found && r.span.start == 15300);
  prng g;
  prng_seed(&g, 19);
  for (int i = 0; i < 400; i++) {
    int64_t p = prng_between(&g, -50, 42000);
    int64_t len = prng_between(&g, 1, i % 2 ? 4 : 1100);
    r = find(&w, p, len);
    if (r.found) {
      find_bounded(&w, p, len, r.span.end);
      find_bounded(&w, p, len, r.span.end - 1);
    }
    find_bounded(&w, p, len, p + len + prng_between(&g, 0, 3000));
  }
  /* Use the long spans up piece by piece. */
  for (int i = 0; i < 20; i++)
    twin_run(&w, (oracle_op){.kind = ORACLE_ALLOCATE, .a = 0, .b = 70});
  twin_close(&w);
}

/* A treap of random shape is never deep enough to fill find's stack, so
 * this one is built as a chain: priorities are a known hash of the slot,
 * slots are handed out in order, and each span's start is chosen by its
 * slot's priority, so starts ascend with priority and every node is the
 * left child of the next. The long span has the lowest priority, at the
 * bottom: every find from the left goes down the whole chain, past the
 * stack, and must still find it (through first_fit_after). */
TEST(treap_find_deeper_than_its_stack) {
  enum { N = 150 };
  twin w;
  twin_open(&w, &(ivm_options){.seed = 23});
  const ivm__treap *t = (const ivm__treap *)w.tr;
  int64_t rank[N + 1];
  for (uint32_t i = 1; i <= N; i++) {
    rank[i] = 0;
    for (uint32_t j = 1; j <= N; j++)
      rank[i] += ivm__treap_prio(t, j) < ivm__treap_prio(t, i);
  }
  for (uint32_t i = 1; i <= N; i++) {
    if (rank[i] == 0)
      release(&w, 0, 100);
    else
      release(&w, 1000 + 10 * rank[i], 1000 + 10 * rank[i] + 5);
  }
  ASSERT_EQ_I64(counter(w.tr, "height"), N);
  oracle_result r = find(&w, 0, 50);
  ASSERT(r.found && r.span.start == 0);
  r = find(&w, 30, 50);
  ASSERT(r.found && r.span.start == 30);
  r = find(&w, 60, 50);
  ASSERT(!r.found);
  r = find(&w, 60, 5);
  ASSERT(r.found && r.span.start == 60);
  twin_close(&w);
}

/* Equal lengths everywhere: largest and best fit go to the lowest start,
 * whatever the tree's shape. */
TEST(treap_ties_go_to_lowest_start) {
  twin w;
  twin_open(&w, &(ivm_options){.seed = 23});
  prng g;
  prng_seed(&g, 29);
  /* 1000 spans of length 7 at slots 0..999, released in random order. */
  int64_t slot[1000];
  for (int i = 0; i < 1000; i++) slot[i] = i;
  for (int i = 999; i > 0; i--) {
    int j = (int)prng_below(&g, (uint64_t)i + 1);
    int64_t t = slot[i];
    slot[i] = slot[j];
    slot[j] = t;
  }
  for (int i = 0; i < 1000; i++) release(&w, 20 * slot[i], 20 * slot[i] + 7);
  for (int64_t low = 0; low < 50; low++) {
    ASSERT_EQ_I64(largest(&w).span.start, 20 * low);
    ASSERT_EQ_I64(best_fit(&w, 7).span.start, 20 * low);
    ASSERT_EQ_I64(best_fit(&w, 1).span.start, 20 * low);
    ASSERT(!best_fit(&w, 8).found);
    reserve(&w, 20 * low, 20 * low + 7, 0);
  }
  /* Longer spans tie too: the lowest of them wins largest, and best fit for
   * 8 skips every span of 7. */
  release(&w, 30000, 30009);
  release(&w, 31000, 31009);
  release(&w, 32000, 32008);
  ASSERT_EQ_I64(largest(&w).span.start, 30000);
  ASSERT_EQ_I64(best_fit(&w, 8).span.start, 32000);
  ASSERT_EQ_I64(best_fit(&w, 9).span.start, 30000);
  twin_close(&w);
}

/* check() must notice each kind of damage and name it. */
TEST(treap_check_detects_corruption) {
  twin w;
  twin_open(&w, &(ivm_options){.seed = 31});
  for (int64_t k = 0; k < 200; k++) release(&w, 10 * k, 10 * k + 5);
  ivm__treap *t = (ivm__treap *)w.tr;
  ivm__treap_node *root = ivm__treap_at(t, t->root);
  ASSERT(root->left && root->right);
  ivm__treap_node *child = ivm__treap_at(t, root->left), saved = *root;
  char why[256];

  root->max_len++;
  ASSERT_STATUS(ivm_check(w.tr, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "summary") != NULL);
  root->max_len--;
  t->mins[root->left]--;
  ASSERT_STATUS(ivm_check(w.tr, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "summary") != NULL);
  t->mins[root->left]++;
  t->count++;
  ASSERT_STATUS(ivm_check(w.tr, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "count") != NULL);
  t->count--;
  t->total--;
  ASSERT_STATUS(ivm_check(w.tr, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "total") != NULL);
  t->total++;

  /* A rotation at the root keeps the order but not the heap order. */
  uint32_t top = t->root, left = root->left;
  ivm__treap_node saved_child = *child;
  root->left = child->right;
  child->right = top;
  t->root = left;
  ASSERT_STATUS(ivm_check(w.tr, why, sizeof why), IVM_CORRUPT);
  ASSERT(strstr(why, "heap order") != NULL);
  t->root = top;
  *child = saved_child;
  *root = saved;

  /* Swapping the children breaks the order while every summary holds. */
  root->left = saved.right;
  root->right = saved.left;
  ASSERT_STATUS(ivm_check(w.tr, why, sizeof why), IVM_CORRUPT);
  *root = saved;

  t->nfree++;
  ASSERT_STATUS(ivm_check(w.tr, why, sizeof why), IVM_CORRUPT);
  t->nfree--;

  ASSERT_OK(ivm_check(w.tr, why, sizeof why));
  twin_close(&w);
}

/* Fails each allocator request of a fixed operation sequence in turn. The
 * failing operation must report IVM_NOMEM and change nothing (state, bytes
 * held); it then succeeds when retried; destroy returns every byte. Requests
 * only happen when the pool or the path buffer grows, so the sequence is
 * long enough for both to grow many times, and the pool's growth reaches
 * both the release that needs a node and the reserve that cuts a span in
 * two (which must find its span again after the block moved). */
TEST(treap_allocation_failure_is_atomic) {
  enum { OPS = 3000 };
  bool failed_release = false, failed_reserve = false;
  for (uint64_t fail_at = 0;; fail_at++) {
    counting_alloc a;
    counting_alloc_init(&a);
    a.fail_at = fail_at; /* a request index: later requests succeed */
    ivm_options opt = {.seed = 37, .alloc = counting_alloc_fn, .alloc_ud = &a};
    twin w;
    memset(&w, 0, sizeof w);
    test_context("fail_at=%llu", (unsigned long long)fail_at);
    ASSERT_OK(ivm_create("reference", NULL, &w.ref));
    int rc = ivm_create("treap", &opt, &w.tr);
    if (rc == IVM_NOMEM) {
      ASSERT(w.tr == NULL);
      ASSERT_EQ_I64(a.live_bytes, 0);
      rc = ivm_create("treap", &opt, &w.tr);
    }
    ASSERT_OK(rc);
    prng g;
    prng_seed(&g, 41);
    static int64_t released[OPS / 2];
    for (int i = 0; i < OPS; i++) {
      /* Disjoint releases [10k, 10k+8) first, then one-point cuts inside
       * them, most of which split a span. */
      oracle_op op;
      if (i < OPS / 2) {
        int64_t k = released[i] = (int64_t)prng_below(&g, 100000);
        op = (oracle_op){.kind = ORACLE_RELEASE, .a = 10 * k, .b = 10 * k + 8};
      } else {
        int64_t c = 10 * released[prng_below(&g, OPS / 2)] + 1 +
                    (int64_t)prng_below(&g, 6);
        op = (oracle_op){.kind = ORACLE_RESERVE, .a = c, .b = c + 1};
      }
      size_t bytes = a.live_bytes;
      oracle_result got, want;
      oracle_apply(w.tr, &op, &got);
      if (got.status == IVM_NOMEM) {
        failed_release |= op.kind == ORACLE_RELEASE;
        failed_reserve |= op.kind == ORACLE_RESERVE;
        twin_compare(&w, &op);
        ASSERT_EQ_I64(a.live_bytes, bytes);
        ASSERT_EQ_I64(counter(w.tr, "bytes"), bytes);
        oracle_apply(w.tr, &op, &got);
      }
      oracle_apply(w.ref, &op, &want);
      ASSERT_OK(got.status);
      ASSERT_EQ_I64(got.changed, want.changed);
    }
    /* The bytes counter is exact. */
    ASSERT_EQ_I64(counter(w.tr, "bytes"), a.live_bytes);
    ASSERT(counter(w.tr, "pool_grows") > 8);
    twin_compare(&w, &(oracle_op){.kind = ORACLE_INTERVALS});
    twin_close(&w);
    ASSERT_EQ_I64(a.live_bytes, 0);
    ASSERT_EQ_I64(a.live_blocks, 0);
    ASSERT_EQ_I64(a.mismatches, 0);
    bool done = a.failures == 0;
    counting_alloc_fini(&a);
    if (done) break;
  }
  ASSERT(failed_release && failed_reserve);
}
