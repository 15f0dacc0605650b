/* errmsg.h - the harness's one way to hand back an error: a status plus a
 * formatted message in a caller's buffer.
 *
 *     char err[256];
 *     if (rc != IVM_OK) return ivm_errorf(err, sizeof err, IVM_INVAL,
 *                                         "%s: the mix is empty", name);
 */
#ifndef IVM_ERRMSG_H
#define IVM_ERRMSG_H

#include <stddef.h>

/* Writes the message into err[0..err_len) (when err is not NULL) and returns
 * rc, so a failing path is one statement. */
int ivm_errorf(char *err, size_t err_len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* IVM_ERRMSG_H */
