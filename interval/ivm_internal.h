/* ivm_internal.h - what the implementations share and users never see:
 * checked int64 arithmetic, allocation through the instance hook, and the
 * ops tables the registry lists. */
#ifndef IVM_INTERNAL_H
#define IVM_INTERNAL_H

#include <stdarg.h>

#include "ivm.h"

/* Checked arithmetic: true when the exact result does not fit in int64. */
static inline bool ivm__add_overflows(int64_t a, int64_t b, int64_t *r) {
  return __builtin_add_overflow(a, b, r);
}
static inline bool ivm__sub_overflows(int64_t a, int64_t b, int64_t *r) {
  return __builtin_sub_overflow(a, b, r);
}

static inline int64_t ivm__max64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t ivm__min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Every allocation of a data structure goes through these three. */
static inline void *ivm__alloc(const ivm *m, size_t size) {
  return m->alloc(m->alloc_ud, NULL, 0, size);
}
static inline void *ivm__realloc(const ivm *m, void *p, size_t old_size,
                                 size_t new_size) {
  return m->alloc(m->alloc_ud, p, old_size, new_size);
}
static inline void ivm__free(const ivm *m, void *p, size_t size) {
  if (p) m->alloc(m->alloc_ud, p, size, 0);
}

/* The default hook: the C library's realloc and free. */
void *ivm__libc_alloc(void *ud, void *ptr, size_t old_size, size_t new_size);

/* Writes a formatted reason for check() and returns IVM_CORRUPT. */
int ivm__fail(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The registered implementations, in registry order. */
extern const struct ivm_ops ivm__reference_ops;
extern const struct ivm_ops ivm__boundary_ops;
extern const struct ivm_ops ivm__treap_ops;
extern const struct ivm_ops ivm__summary_ops;
extern const struct ivm_ops ivm__boundary_summary_ops;

#endif /* IVM_INTERNAL_H */
