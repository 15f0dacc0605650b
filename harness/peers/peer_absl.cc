/* peer_absl.cc - absl::btree_map<int64_t, int64_t> as a boundary map (see
 * peer_boundary.h): the same design as std::map on a B-tree.
 *
 * A B-tree insert can allocate a node per level on its way up (splits, a new
 * root) after it has begun to move entries, and absl does not promise that
 * a throw there leaves the tree as it was. So before each insert the heap is
 * stocked with enough spare blocks of every node size in use that the
 * insert takes all its blocks from them and cannot fail half-way. */
#include <absl/container/btree_map.h>

#include <bit>

#include "peer_boundary.h"

namespace {

/* One insert allocates at most one leaf and one internal node per level
 * (the splits and a new root). Every internal node has two or more
 * children, so a tree of n entries has at most n nodes and a height of at
 * most bit_width(n); bit_width(n) + 1 blocks of each size cover it. A node
 * size with nothing live (a small root leaf, or internal nodes before the
 * first split) can only be asked for by an insert's first allocation,
 * before anything moves, so a failure there is harmless too. */
struct btree_spares {
  static constexpr bool needed = true;
  static size_t per_class(size_t entries) {
    return static_cast<size_t>(std::bit_width(entries)) + 1;
  }
};

using span_map =
    absl::btree_map<int64_t, int64_t, std::less<int64_t>,
                    ivm_peer::allocator<std::pair<const int64_t, int64_t>>>;
using absl_peer = ivm_peer::boundary_map<span_map, btree_spares>;

}  // namespace

extern "C" const struct ivm_ops ivm__peer_absl_ops =
    ivm_peer::make_ops<absl_peer>(
        "absl-btree",
        "absl::btree_map start->end boundary map; first fit by scanning");
