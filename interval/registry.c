/* registry.c - the one list of implementations; tests, benchmarks and the
 * harness iterate it instead of naming implementations by hand. */
#include <string.h>

#include "ivm_internal.h"

static const struct ivm_ops *const registry[] = {
    &ivm__reference_ops,
    &ivm__boundary_ops,
    &ivm__treap_ops,
    &ivm__summary_ops,
    &ivm__boundary_summary_ops,
};

size_t ivm_impl_count(void) { return sizeof registry / sizeof registry[0]; }

const struct ivm_ops *ivm_impl_at(size_t i) {
  return i < ivm_impl_count() ? registry[i] : NULL;
}

const struct ivm_ops *ivm_impl_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < ivm_impl_count(); i++)
    if (strcmp(registry[i]->name, name) == 0) return registry[i];
  return NULL;
}
