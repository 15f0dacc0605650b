/* alloc_count.h - a counting allocator hook: a decorator over the C
 * library's realloc/free that tracks what one manager uses.
 *
 * Usage:
 *
 *     ivm_alloc_count count = {0};
 *     ivm_options opt = {0};
 *     ivm_alloc_count_attach(&count, &opt);
 *     ivm *m;
 *     ivm_create("summary", &opt, &m);
 *     ...
 *     printf("%lld live bytes, peak %lld\n", (long long)count.live_bytes,
 *            (long long)count.peak_bytes);
 *     ivm_destroy(m);                      // count.live_bytes is 0 again
 *
 * The hook is told the old size of every block (the protocol's contract),
 * so it keeps no table of its own. One counter per manager; not thread-safe.
 */
#ifndef IVM_HARNESS_ALLOC_COUNT_H
#define IVM_HARNESS_ALLOC_COUNT_H

#include <stdint.h>

#include "ivm.h"

typedef struct ivm_alloc_count {
  int64_t live_bytes;     /* currently allocated */
  int64_t peak_bytes;     /* the most ever allocated at once */
  int64_t allocations;    /* new blocks */
  int64_t reallocations;  /* resized blocks */
  int64_t frees;          /* released blocks */
  int64_t failures;       /* requests the C library refused */
} ivm_alloc_count;

/* The hook itself; ud is an ivm_alloc_count. */
void *ivm_alloc_count_fn(void *ud, void *ptr, size_t old_size,
                         size_t new_size);
/* Points opt's allocator at the hook counting into c. */
void ivm_alloc_count_attach(ivm_alloc_count *c, ivm_options *opt);

#endif /* IVM_HARNESS_ALLOC_COUNT_H */
