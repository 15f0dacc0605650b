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

/* Nothing but the tree: the instance is the shared layout. */
typedef ivm__bt_instance boundary;

static const ivm__bt *ctree_of(const ivm *m) {
  return &((const boundary *)m)->tree;
}

static int bd_init(ivm *m) {
  return ivm__bt_init(&((boundary *)m)->tree, m, NULL, NULL);
}

static bool bd_largest(const ivm *m, ivm_span *out) {
  return ivm__bt_largest(ctree_of(m), out);
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
    .fini = ivm__bt_op_fini,
    .release = ivm__bt_op_release,
    .reserve = ivm__bt_op_reserve,
    .find = ivm__bt_op_find,
    .best_fit = ivm__bt_op_best_fit,
    .largest = bd_largest,
    .total_free = ivm__bt_op_total_free,
    .count = ivm__bt_op_count,
    .each = ivm__bt_op_each,
    .summary = bd_summary,
    .counters = bd_counters,
    .check = bd_check,
    .dump = bd_dump,
};
