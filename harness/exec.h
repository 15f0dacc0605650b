/* exec.h - applies one operation to a manager through the front door.
 *
 * Usage:
 *
 *     ivm_result r;
 *     ivm_exec(m, &op, &r);
 *     char line[IVM_OP_LINE_MAX];
 *     ivm_result_format(&op, &r, line, sizeof line);
 *
 * Replay, compare, scale and every later measurement go through these two
 * functions, which share one dispatch, so all of them exercise exactly the
 * public protocol.
 */
#ifndef IVM_HARNESS_EXEC_H
#define IVM_HARNESS_EXEC_H

#include "op.h"

/* Runs op on m and fills every field of *r (those that do not apply are
 * zero). Returns r->status. A failing op leaves m unchanged (the protocol's
 * failure atomicity); that is not an error of exec itself. */
int ivm_exec(ivm *m, const ivm_op *op, ivm_result *r);

/* Runs ops[0 .. count) on m for their effect alone: the same calls as
 * ivm_exec, their results neither cleared nor kept. The timed passes use
 * it, after an ivm_exec pass has checked the results, so that the time
 * measured is the protocol's and not the capture's. IVM_NOMEM when some
 * operation ran out of memory, else IVM_OK (statuses such as a strict
 * reserve's IVM_CONFLICT are outcomes, not failures of the run). */
int ivm_exec_run(ivm *m, const ivm_op *ops, size_t count);

#endif /* IVM_HARNESS_EXEC_H */
