/* peers.h - the designs users would pick instead of ivm, behind the same
 * protocol, so the harness can compare them on the same operations.
 *
 * Usage:
 *
 *     #include "peers.h"
 *
 *     for (size_t i = 0; i < ivm_peer_count(); i++) {
 *       ivm *m;
 *       if (ivm_create_ops(ivm_peer_at(i), NULL, &m) != IVM_OK) continue;
 *       ivm_release(m, 0, 1000, NULL);
 *       ...
 *       ivm_destroy(m);
 *     }
 *
 * The peers, in this fixed order, each present only when its library was
 * found at build time:
 *
 *   "stdmap"      std::map<int64_t, int64_t> start -> end boundary map
 *   "absl-btree"  absl::btree_map<int64_t, int64_t> boundary map
 *   "boost-icl"   boost::icl::interval_set<int64_t> of right-open intervals
 *
 * Each keeps the full contract of ivm.h (normal form, first fit, failure
 * atomicity including IVM_NOMEM) and takes every byte from the instance's
 * allocator hook. Where the library offers no better search, a query scans
 * the spans in order: that is what users of these libraries have today.
 * The peers are not in the ivm_impl_* registry; ivm_create_ops takes them.
 */
#ifndef IVM_PEERS_H
#define IVM_PEERS_H

#include <stddef.h>

#include "ivm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How many peers this build holds (at least "stdmap"). */
size_t ivm_peer_count(void);
/* The i-th peer's ops table; NULL past the end. */
const struct ivm_ops *ivm_peer_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif /* IVM_PEERS_H */
