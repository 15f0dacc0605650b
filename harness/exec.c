/* exec.c - one operation through the public protocol, its result captured
 * in full so results of different implementations compare field by field. */
#include "exec.h"

#include <string.h>

int ivm_exec(ivm *m, const ivm_op *op, ivm_result *r) {
  memset(r, 0, sizeof *r);
  const int64_t *a = op->arg;
  switch (op->kind) {
    case IVM_OP_RELEASE:
      r->status = ivm_release(m, a[0], a[1], &r->changed);
      break;
    case IVM_OP_RESERVE:
      r->status = ivm_reserve(m, a[0], a[1], 0, &r->changed);
      break;
    case IVM_OP_RESERVE_COVERED:
      r->status = ivm_reserve(m, a[0], a[1], IVM_REQUIRE_COVERED, &r->changed);
      break;
    case IVM_OP_FIND:
      if (op->bounded)
        r->status = ivm_find_bounded(m, a[0], a[1], a[2], &r->span, &r->found);
      else
        r->status = ivm_find(m, a[0], a[1], &r->span, &r->found);
      break;
    case IVM_OP_ALLOCATE:
      if (op->bounded)
        r->status =
            ivm_allocate_bounded(m, a[0], a[1], a[2], &r->span, &r->found);
      else
        r->status = ivm_allocate(m, a[0], a[1], &r->span, &r->found);
      break;
    case IVM_OP_BEST_FIT:
      r->status = ivm_best_fit(m, a[0], &r->span, &r->found);
      break;
    case IVM_OP_LARGEST:
      r->status = ivm_largest(m, &r->span, &r->found);
      break;
    case IVM_OP_STATS: {
      ivm_stats st;
      r->status = ivm_stats_get(m, &st);
      if (r->status == IVM_OK) {
        r->stats.total = st.total_free;
        r->stats.count = st.free_chunks;
        r->stats.largest = st.largest_chunk;
        r->stats.largest_start = st.largest_start;
        r->stats.smallest = st.smallest_chunk;
        r->stats.first = st.first_free;
        r->stats.last = st.last_free;
      }
      break;
    }
    default:
      r->status = IVM_INVAL;
      break;
  }
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
