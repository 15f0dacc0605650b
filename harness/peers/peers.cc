/* peers.cc - the peers compiled into this build, in a fixed order; the
 * build defines IVM_PEER_ABSL and IVM_PEER_ICL when it found the library. */
#include "peers.h"

#include <iterator>

#include "peer_common.h"

namespace {

const struct ivm_ops *const peers[] = {
    &ivm__peer_stdmap_ops,
#ifdef IVM_PEER_ABSL
    &ivm__peer_absl_ops,
#endif
#ifdef IVM_PEER_ICL
    &ivm__peer_icl_ops,
#endif
};

}  // namespace

extern "C" size_t ivm_peer_count() { return std::size(peers); }

extern "C" const struct ivm_ops *ivm_peer_at(size_t i) {
  return i < std::size(peers) ? peers[i] : nullptr;
}
