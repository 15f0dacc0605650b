/* slowdown.h - for testing the regression gate only: a decorator that
 * makes an implementation do a known amount of extra work, so a test can
 * show that `ivmprof regress` catches a slowdown. Only the
 * tests and `ivmprof regress --test-slowdown` use it.
 *
 * Usage:
 *
 *     ivm_slowdown slow;
 *     ivm_slowdown_init(&slow, ivm_impl_find("summary"), 3);
 *     ivm *m;
 *     ivm_create_ops(&slow.ops, NULL, &m);   // named "summary"
 *     ...
 *     ivm_destroy(m);
 *
 * Every operation is forwarded unchanged to an inner instance of the
 * wrapped implementation, so results, spans and statistics stay the inner
 * one's and the agreement check passes. After each release, reserve, find,
 * best fit, largest and summary, the decorator repeats a query on the inner
 * instance `repeats` times: the same query for a query, and a first fit of
 * the same range for a mutation. The extra work therefore scales with the
 * implementation's own cost and is deterministic, so an instruction counter
 * sees it as well as a clock. The decorator keeps the wrapped name, so its
 * figures line up with the wrapped implementation's baseline rows. Its own
 * instance and the inner one both come from the caller's allocator hook.
 */
#ifndef IVM_REGRESS_SLOWDOWN_H
#define IVM_REGRESS_SLOWDOWN_H

#include "ivm.h"

typedef struct ivm_slowdown {
  /* First member: an instance finds inner and repeats through m->ops. */
  struct ivm_ops ops;
  const struct ivm_ops *inner;
  int repeats;
} ivm_slowdown;

/* Fills s->ops as a decorator of inner doing `repeats` extra queries per
 * operation. s must outlive every instance created from it. */
void ivm_slowdown_init(ivm_slowdown *s, const struct ivm_ops *inner,
                       int repeats);

#endif /* IVM_REGRESS_SLOWDOWN_H */
