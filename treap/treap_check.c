/* treap_check.c - the treap's own validation, dump and structural counters.
 * check() trusts nothing it has not verified: indices are range-checked
 * before use, the walk is bounded by the number of live slots (a cycle or a
 * freed node linked into the tree cannot loop it), and each summary is
 * recomputed only after both children's summaries were found correct. */
#include "treap.h"

typedef ivm__treap treap;
typedef ivm__treap_node node;

struct verify {
  const treap *t;
  uint32_t seen, live; /* nodes reached so far; slots not on the free list */
  bool any;            /* a span was met: prev_end is meaningful */
  int64_t prev_end;
  uint64_t total; /* of the spans met, wrapping (compared at the end) */
  char *why;
  size_t why_len;
};

/* Checks x's subtree: in-order spans non-empty and not touching (which is
 * BST order), priorities at most parent_prio, summaries as pulled. */
static int verify_tree(struct verify *v, uint32_t x, uint32_t parent_prio) {
  if (!x) return IVM_OK;
  const treap *t = v->t;
  if (x >= t->carved)
    return ivm__fail(v->why, v->why_len,
                     "node index %u beyond the %u carved "
                     "slots",
                     (unsigned)x, (unsigned)t->carved);
  if (++v->seen > v->live)
    return ivm__fail(v->why, v->why_len,
                     "more nodes reachable than the %u "
                     "live slots: a cycle or a freed node in the tree",
                     (unsigned)v->live);
  const node *n = ivm__treap_at(t, x);
  uint32_t prio = ivm__treap_prio(t, x);
  if (prio > parent_prio)
    return ivm__fail(v->why, v->why_len,
                     "heap order: [%lld,%lld) has "
                     "priority %u above its parent's %u",
                     (long long)n->start, (long long)n->end, (unsigned)prio,
                     (unsigned)parent_prio);
  int rc = verify_tree(v, n->left, prio);
  if (rc != IVM_OK) return rc;
  if (n->start >= n->end)
    return ivm__fail(v->why, v->why_len, "empty span [%lld,%lld)",
                     (long long)n->start, (long long)n->end);
  if (v->any && n->start <= v->prev_end)
    return ivm__fail(v->why, v->why_len,
                     "span [%lld,%lld) out of order or "
                     "touching the previous one ending at %lld",
                     (long long)n->start, (long long)n->end,
                     (long long)v->prev_end);
  v->any = true;
  v->prev_end = n->end;
  v->total += (uint64_t)(n->end - n->start);
  rc = verify_tree(v, n->right, prio);
  if (rc != IVM_OK) return rc;
  int64_t max_len, min_len;
  ivm__treap_summarize(t, n, &max_len, &min_len);
  if (max_len != n->max_len || min_len != t->mins[x])
    return ivm__fail(v->why, v->why_len,
                     "summary of [%lld,%lld) is {max %lld "
                     "min %lld}, its children give {%lld %lld}",
                     (long long)n->start, (long long)n->end,
                     (long long)n->max_len, (long long)t->mins[x],
                     (long long)max_len, (long long)min_len);
  return IVM_OK;
}

/* The pool's bookkeeping, and the free list walked within its bounds. */
static int verify_pool(const treap *t, char *why, size_t why_len) {
  if (t->carved > t->cap)
    return ivm__fail(why, why_len, "pool: %u slots carved of %u",
                     (unsigned)t->carved, (unsigned)t->cap);
  if (!t->block)
    return t->cap || t->carved || t->root || t->free_head || t->nfree
               ? ivm__fail(why, why_len, "nodes in use without a block")
               : IVM_OK;
  if ((uintptr_t)t->nodes % IVM__TREAP_LINE != 0 ||
      (char *)t->nodes < t->block ||
      (char *)t->nodes - t->block >= IVM__TREAP_LINE ||
      t->mins != (int64_t *)(t->nodes + t->cap) || t->carved == 0)
    return ivm__fail(why, why_len, "pool: arrays misplaced in the block");
  const node *nil = ivm__treap_at(t, 0);
  if (nil->left || nil->right || nil->max_len != 0 || t->mins[0] != INT64_MAX)
    return ivm__fail(why, why_len, "the nil node was written to");
  if (t->nfree >= t->carved)
    return ivm__fail(why, why_len, "%u free slots of %u carved",
                     (unsigned)t->nfree, (unsigned)t->carved);
  uint32_t n = 0;
  for (uint32_t i = t->free_head; i; i = ivm__treap_at(t, i)->left) {
    if (i >= t->carved || ++n > t->nfree)
      return ivm__fail(why, why_len,
                       "free list longer than %u or leaving "
                       "the carved slots",
                       (unsigned)t->nfree);
  }
  if (n != t->nfree)
    return ivm__fail(why, why_len, "free list of %u slots, %u recorded",
                     (unsigned)n, (unsigned)t->nfree);
  return IVM_OK;
}

int ivm__treap_check(const ivm *m, char *why, size_t why_len) {
  const treap *t = (const treap *)m;
  int rc = verify_pool(t, why, why_len);
  if (rc != IVM_OK || !t->block) return rc;
  struct verify v = {
      .t = t, .live = t->carved - 1 - t->nfree, .why = why, .why_len = why_len};
  rc = verify_tree(&v, t->root, UINT32_MAX);
  if (rc != IVM_OK) return rc;
  if (v.seen != v.live)
    return ivm__fail(why, why_len,
                     "%u live slots but %u nodes in the tree: "
                     "a slot leaked",
                     (unsigned)v.live, (unsigned)v.seen);
  if (t->count != (int64_t)v.seen || t->total != (int64_t)v.total)
    return ivm__fail(why, why_len,
                     "count %lld and total %lld recorded, the "
                     "tree holds %u spans totalling %lld",
                     (long long)t->count, (long long)t->total, (unsigned)v.seen,
                     (long long)(int64_t)v.total);
  return IVM_OK;
}

static int64_t height(const treap *t, uint32_t x) {
  if (!x) return 0;
  const node *n = ivm__treap_at(t, x);
  return 1 + ivm__max64(height(t, n->left), height(t, n->right));
}

size_t ivm__treap_counters(const ivm *m, ivm_counter *out, size_t cap) {
  const treap *t = (const treap *)m;
  const ivm_counter all[] = {
      {"nodes", t->count},
      {"height", height(t, t->root)},
      {"bytes", (int64_t)ivm__treap_bytes(t)},
      {"pool_slots", t->cap},
      {"pool_grows", t->grows},
      {"pool_free", t->nfree},
  };
  size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n && i < cap; i++) out[i] = all[i];
  return n;
}

/* One line per node, children indented under their parent. */
static void dump_tree(const treap *t, uint32_t x, int depth, char side,
                      FILE *out) {
  if (!x) return;
  const node *n = ivm__treap_at(t, x);
  fprintf(out, "%*s%c [%lld, %lld) prio %u  max %lld min %lld\n", 2 * depth, "",
          side, (long long)n->start, (long long)n->end,
          (unsigned)ivm__treap_prio(t, x), (long long)n->max_len,
          (long long)t->mins[x]);
  dump_tree(t, n->left, depth + 1, 'L', out);
  dump_tree(t, n->right, depth + 1, 'R', out);
}

void ivm__treap_dump(const ivm *m, FILE *out) {
  const treap *t = (const treap *)m;
  fprintf(out,
          "treap: %lld spans, height %lld, %zu bytes, %u slots, %u "
          "free\n",
          (long long)t->count, (long long)height(t, t->root),
          ivm__treap_bytes(t), (unsigned)t->cap, (unsigned)t->nfree);
  dump_tree(t, t->root, 1, '*', out);
}
