/* exec.h - applies one operation to a manager through the front door.
 *
 * Usage:
 *
 *     ivm_result r;
 *     ivm_exec(m, &op, &r);
 *     char line[IVM_OP_LINE_MAX];
 *     ivm_result_format(&op, &r, line, sizeof line);
 *
 * Replay, compare, scale and every later measurement call this one function,
 * so all of them exercise exactly the public protocol.
 */
#ifndef IVM_HARNESS_EXEC_H
#define IVM_HARNESS_EXEC_H

#include "op.h"

/* Runs op on m and fills every field of *r (those that do not apply are
 * zero). Returns r->status. A failing op leaves m unchanged (the protocol's
 * failure atomicity); that is not an error of exec itself. */
int ivm_exec(ivm *m, const ivm_op *op, ivm_result *r);

#endif /* IVM_HARNESS_EXEC_H */
