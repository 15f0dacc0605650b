/* alloc.c - the default allocator hook and the check() reason formatter. */
#include <stdio.h>
#include <stdlib.h>

#include "ivm_internal.h"

void *ivm__libc_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  (void)ud;
  (void)old_size;
  if (new_size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, new_size);
}

int ivm__fail(char *why, size_t why_len, const char *fmt, ...) {
  if (why && why_len > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
  }
  return IVM_CORRUPT;
}
