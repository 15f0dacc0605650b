/* peer_stdmap.cc - std::map<int64_t, int64_t> as a boundary map, the classic
 * design of the older libraries in this field (see peer_boundary.h).
 *
 * It needs no spare blocks: the standard makes a single-element insert
 * atomic (no effect if it throws), and the boundary map's only insert runs
 * before anything else changes. */
#include <map>

#include "peer_boundary.h"

namespace {

struct no_spares {
  static constexpr bool needed = false;
  static size_t per_class(size_t) { return 0; }
};

using span_map =
    std::map<int64_t, int64_t, std::less<int64_t>,
             ivm_peer::allocator<std::pair<const int64_t, int64_t>>>;
using stdmap_peer = ivm_peer::boundary_map<span_map, no_spares>;

}  // namespace

extern "C" const struct ivm_ops ivm__peer_stdmap_ops =
    ivm_peer::make_ops<stdmap_peer>(
        "stdmap", "std::map start->end boundary map; first fit by scanning");
