/* counting_alloc.h - an allocator hook (ivm_alloc_fn) for tests that counts
 * bytes and requests, remembers every live block so it can verify the
 * old_size it is told on realloc and free, and can fail one chosen request.
 *
 *     counting_alloc a;
 *     counting_alloc_init(&a);
 *     ivm_options opt = {.alloc = counting_alloc_fn, .alloc_ud = &a};
 *     a.fail_at = a.requests + 2;   // the third request from now fails
 *     ...
 *     ivm_destroy(m);               // then a.live_bytes == 0, a.live_blocks == 0
 *     counting_alloc_fini(&a);
 *
 * A request is any call with new_size > 0 (an allocation or a resize); frees
 * never fail. Mismatches (an old_size that differs from what was allocated, a
 * pointer that is not live) are counted and the first one is described in
 * `mismatch`; the call is still carried out so the test can report it. */
#ifndef IVM_TEST_COUNTING_ALLOC_H
#define IVM_TEST_COUNTING_ALLOC_H

#include <stddef.h>
#include <stdint.h>

typedef struct counting_block {
  void *ptr;
  size_t size;
} counting_block;

typedef struct counting_alloc {
  size_t live_bytes;
  size_t peak_bytes;
  size_t live_blocks;
  uint64_t requests;   /* calls with new_size > 0, failed ones included */
  uint64_t failures;   /* requests failed on purpose */
  uint64_t fail_at;    /* index of the request to fail; UINT64_MAX: none */
  uint64_t mismatches; /* calls whose ptr / old_size did not match */
  char mismatch[160];  /* the first mismatch */
  counting_block *table; /* open addressing on ptr, linear probing */
  size_t table_cap;      /* a power of two, or 0 */
} counting_alloc;

void counting_alloc_init(counting_alloc *a);
/* Releases the bookkeeping (not the blocks: those belong to the caller). */
void counting_alloc_fini(counting_alloc *a);
void *counting_alloc_fn(void *ud, void *ptr, size_t old_size,
                        size_t new_size);

#endif /* IVM_TEST_COUNTING_ALLOC_H */
