/* exec.c - one operation through the public protocol, its result captured
 * in full so results of different implementations compare field by field. */
#include "exec.h"

#include <string.h>

/* The call op makes, its outputs written to r's fields. Only the fields the
 * kind uses are written; nothing is cleared. */
static inline int dispatch(ivm *m, const ivm_op *op, ivm_result *r) {
  const int64_t *a = op->arg;
  switch (op->kind) {
    case IVM_OP_RELEASE:
      return ivm_release(m, a[0], a[1], &r->changed);
    case IVM_OP_RESERVE:
      return ivm_reserve(m, a[0], a[1], 0, &r->changed);
    case IVM_OP_RESERVE_COVERED:
      return ivm_reserve(m, a[0], a[1], IVM_REQUIRE_COVERED, &r->changed);
    case IVM_OP_FIND:
      if (op->bounded)
        return ivm_find_bounded(m, a[0], a[1], a[2], &r->span, &r->found);
      return ivm_find(m, a[0], a[1], &r->span, &r->found);
    case IVM_OP_ALLOCATE:
      if (op->bounded)
        return ivm_allocate_bounded(m, a[0], a[1], a[2], &r->span, &r->found);
      return ivm_allocate(m, a[0], a[1], &r->span, &r->found);
    case IVM_OP_BEST_FIT:
      return ivm_best_fit(m, a[0], &r->span, &r->found);
    case IVM_OP_LARGEST:
      return ivm_largest(m, &r->span, &r->found);
    case IVM_OP_STATS: {
      ivm_stats st;
      int rc = ivm_stats_get(m, &st);
      if (rc == IVM_OK) {
        r->stats.total = st.total_free;
        r->stats.count = st.free_chunks;
        r->stats.largest = st.largest_chunk;
        r->stats.largest_start = st.largest_start;
        r->stats.smallest = st.smallest_chunk;
        r->stats.first = st.first_free;
        r->stats.last = st.last_free;
      }
      return rc;
    }
    default:
      return IVM_INVAL;
  }
}

int ivm_exec(ivm *m, const ivm_op *op, ivm_result *r) {
  memset(r, 0, sizeof *r);
  r->status = dispatch(m, op, r);
  /* The protocol already zeroes the span of a miss or a failure; a failed
   * mutation reports changed = 0. Normalise anyway so that equality of
   * results never depends on what an implementation left behind. */
  if (r->status != IVM_OK) {
    r->found = false;
    r->changed = 0;
  }
  if (!r->found) r->span.start = r->span.end = 0;
  return r->status;
}

int ivm_exec_run(ivm *m, const ivm_op *ops, size_t count) {
  ivm_result scratch;
  bool nomem = false;
  for (size_t i = 0; i < count; i++)
    nomem |= dispatch(m, &ops[i], &scratch) == IVM_NOMEM;
  return nomem ? IVM_NOMEM : IVM_OK;
}
