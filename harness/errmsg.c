/* errmsg.c - formatted error messages with a status, for the whole harness. */
#include "errmsg.h"

#include <stdarg.h>
#include <stdio.h>

int ivm_errorf(char *err, size_t err_len, int rc, const char *fmt, ...) {
  if (err && err_len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
  }
  return rc;
}
