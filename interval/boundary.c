/* boundary.c - the boundary map (start -> end of every free span) kept in a
 * B+-tree whose inner nodes know the longest span below each child.
 *
 *   instance: base | tree (btree.h: leaves of sorted start/end arrays)
 *
 * Everything is the tree's: this file only adapts it to the protocol. The
 * tree keeps the invariants (spans sorted, disjoint, non-touching; keys and
 * maxima exact; nodes at least half full) and is failure-atomic, so the ops
 * below are too. No summary is cached: stats() recomputes the smallest span
 * length in O(n), which is what "boundary-summary" exists to avoid. */
#include "btree.h"

typedef struct boundary {
  ivm base;
  ivm__bt tree;
} boundary;

static ivm__bt *tree_of(ivm *m) { return &((boundary *)m)->tree; }
static const ivm__bt *ctree_of(const ivm *m) {
  return &((const boundary *)m)->tree;
}

static int bd_init(ivm *m) { return ivm__bt_init(tree_of(m), m, NULL, NULL); }

static void bd_fini(ivm *m) { ivm__bt_fini(tree_of(m)); }

static int bd_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  return ivm__bt_release(tree_of(m), start, end, changed);
}

static int bd_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                      int64_t *changed) {
  return ivm__bt_reserve(tree_of(m), start, end,
                         (flags & IVM_REQUIRE_COVERED) != 0, changed);
}

static bool bd_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                    ivm_span *out) {
  return ivm__bt_find(ctree_of(m), p, len, not_after, out);
}

static bool bd_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  return ivm__bt_best_fit(ctree_of(m), len, out);
}

static bool bd_largest(const ivm *m, ivm_span *out) {
  return ivm__bt_largest(ctree_of(m), out);
}

static int64_t bd_total_free(const ivm *m) { return ctree_of(m)->total; }

static int64_t bd_count(const ivm *m) { return ctree_of(m)->count; }

static int bd_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                   void *ud) {
  return ivm__bt_each(ctree_of(m), start, end, fn, ud);
}

static void bd_summary(const ivm *m, ivm_summary *out) {
  ivm__bt_summary(ctree_of(m), out);
}

static size_t bd_counters(const ivm *m, ivm_counter *out, size_t cap) {
  return ivm__bt_counters(ctree_of(m), out, cap);
}

static int bd_check(const ivm *m, char *why, size_t why_len) {
  return ivm__bt_check(ctree_of(m), why, why_len);
}

static void bd_dump(const ivm *m, FILE *out) {
  fprintf(out, "boundary: ");
  ivm__bt_dump(ctree_of(m), out);
}

const struct ivm_ops ivm__boundary_ops = {
    .name = "boundary",
    .description = "boundary map in a B+-tree with per-child maxima; "
                   "O(log n) first fit",
    .instance_size = sizeof(boundary),
    .init = bd_init,
    .fini = bd_fini,
    .release = bd_release,
    .reserve = bd_reserve,
    .find = bd_find,
    .best_fit = bd_best_fit,
    .largest = bd_largest,
    .total_free = bd_total_free,
    .count = bd_count,
    .each = bd_each,
    .summary = bd_summary,
    .counters = bd_counters,
    .check = bd_check,
    .dump = bd_dump,
};
