/* impls.h - every implementation the harness can drive: the library's
 * registry first, then the optional C++ peer adapters (std::map,
 * absl::btree_map, Boost.ICL) when the build has them. All of them speak the
 * same protocol, so the harness never treats a peer specially except to
 * label it.
 *
 * Usage:
 *
 *     for (size_t i = 0; i < ivm_impls_count(); i++)
 *       printf("%s%s\n", ivm_impls_at(i)->name,
 *              ivm_impls_is_peer(ivm_impls_at(i)) ? " (peer)" : "");
 *
 *     const struct ivm_ops *sel[IVM_IMPLS_MAX];
 *     size_t n;
 *     char err[256];
 *     if (ivm_impls_select("treap,summary", sel, &n, err, sizeof err) != 0)
 *       ...;                              // "unknown implementation 'x'"
 */
#ifndef IVM_HARNESS_IMPLS_H
#define IVM_HARNESS_IMPLS_H

#include <stdbool.h>
#include <stddef.h>

#include "ivm.h"

/* The most implementations a selection holds. */
#define IVM_IMPLS_MAX 64

size_t ivm_impls_count(void);
/* NULL past the end. */
const struct ivm_ops *ivm_impls_at(size_t i);
/* NULL when no implementation has that name. */
const struct ivm_ops *ivm_impls_find(const char *name);
/* True for a peer adapter, false for the library's own implementations. */
bool ivm_impls_is_peer(const struct ivm_ops *ops);

/* Parses a comma-separated list of names, or "all", into out[0..*n) in the
 * order given. Returns 0, or -1 with the reason in err for an unknown name,
 * a name given twice, an empty item or more than IVM_IMPLS_MAX names. */
int ivm_impls_select(const char *list, const struct ivm_ops **out, size_t *n,
                     char *err, size_t err_len);

#endif /* IVM_HARNESS_IMPLS_H */
