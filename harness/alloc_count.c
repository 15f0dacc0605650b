/* alloc_count.c - the counting allocator hook. Counts change only for
 * requests that succeed, so a refused request leaves them as they were,
 * like the manager it serves. */
#include "alloc_count.h"

#include <stdlib.h>

void *ivm_alloc_count_fn(void *ud, void *ptr, size_t old_size,
                         size_t new_size) {
  ivm_alloc_count *c = ud;
  if (new_size == 0) {
    if (ptr) {
      free(ptr);
      c->live_bytes -= (int64_t)old_size;
      c->frees++;
    }
    return NULL;
  }
  void *p = realloc(ptr, new_size);
  if (!p) {
    c->failures++;
    return NULL;
  }
  if (ptr) {
    c->live_bytes += (int64_t)new_size - (int64_t)old_size;
    c->reallocations++;
  } else {
    c->live_bytes += (int64_t)new_size;
    c->allocations++;
  }
  if (c->live_bytes > c->peak_bytes) c->peak_bytes = c->live_bytes;
  return p;
}

void ivm_alloc_count_attach(ivm_alloc_count *c, ivm_options *opt) {
  opt->alloc = ivm_alloc_count_fn;
  opt->alloc_ud = c;
}
