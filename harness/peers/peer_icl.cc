/* peer_icl.cc - Boost.ICL interval_set<int64_t> of right-open intervals: the
 * library's own joining set does the merging and splitting.
 *
 *   set: [s0,e0) [s1,e1) ...   a std::set ordered by "lies wholly before"
 *
 * Invariants: ICL's interval_set joins overlapping and touching intervals on
 * add, so the set is always in normal form; total_ is the sum of lengths.
 *
 * add() inserts its interval first and then only joins (erases, widens in
 * place), so a failed insert changes nothing. subtract() erases the
 * intervals it cuts and then inserts up to two remainders: its allocations
 * come after changes. Before a subtract the heap is therefore stocked with
 * two spare nodes, and the erased nodes return there too, so both
 * remainder inserts are served without asking the hook.
 *
 * interval_set takes an allocator template but default-constructs its
 * std::set; a stateful allocator reaches the set only through a derived
 * class that moves in a set built with it (propagate_on_container_move_
 * assignment carries the allocator over). */
#include <boost/icl/interval_set.hpp>

#include "peer_common.h"

namespace {

using interval = boost::icl::right_open_interval<int64_t>;
using icl_set = boost::icl::interval_set<int64_t, std::less, interval,
                                         ivm_peer::allocator>;

class heap_set : public icl_set {
 public:
  explicit heap_set(ivm_peer::heap *h) {
    this->_set = ImplSetT(key_compare(), allocator_type(h));
  }
};

/* A subtract inserts at most two remainders. */
constexpr size_t kSubtractSpares = 2;

class icl_peer {
 public:
  explicit icl_peer(ivm *m) : heap_(m), set_(&heap_) {}

  int release(int64_t s, int64_t e, int64_t *changed) {
    int64_t gained = (e - s) - covered(s, e);
    *changed = 0;
    if (gained == 0) return IVM_OK;
    set_.add(interval(s, e));
    total_ += gained;
    *changed = gained;
    return IVM_OK;
  }

  int reserve(int64_t s, int64_t e, unsigned flags, int64_t *changed) {
    *changed = 0;
    if (flags & IVM_REQUIRE_COVERED) {
      auto it = set_.lower_bound(interval(s, e));
      if (it == set_.end() || it->lower() > s || it->upper() < e)
        return IVM_CONFLICT;
    }
    int64_t taken = covered(s, e);
    if (taken == 0) return IVM_OK;
    if (!heap_.stock(kSubtractSpares)) return IVM_NOMEM;
    set_.subtract(interval(s, e));
    total_ -= taken;
    *changed = taken;
    return IVM_OK;
  }

  /* lower_bound of a probe starting at p is the first interval that does
   * not lie wholly before it: the first one ending after p. */
  template <class F>
  void scan(int64_t p, F visit) const {
    if (p == INT64_MAX) return; /* nothing ends after it; [p, p+1) overflows */
    for (auto it = set_.lower_bound(interval(p, p + 1)); it != set_.end();
         ++it)
      if (visit(it->lower(), it->upper())) return;
  }

  int64_t total() const { return total_; }
  int64_t count() const { return static_cast<int64_t>(set_.iterative_size()); }
  const ivm_peer::heap &memory() const { return heap_; }

  int check(char *why, size_t why_len) const {
    int64_t sum = 0, prev_end = 0;
    size_t n = 0;
    for (const interval &iv : set_) {
      if (iv.lower() >= iv.upper())
        return ivm__fail(why, why_len, "interval [%lld,%lld) is empty",
                         static_cast<long long>(iv.lower()),
                         static_cast<long long>(iv.upper()));
      if (n > 0 && iv.lower() <= prev_end)
        return ivm__fail(why, why_len,
                         "interval [%lld,%lld) is not past the previous end "
                         "%lld",
                         static_cast<long long>(iv.lower()),
                         static_cast<long long>(iv.upper()),
                         static_cast<long long>(prev_end));
      sum += iv.upper() - iv.lower();
      prev_end = iv.upper();
      n++;
    }
    if (n != set_.iterative_size() ||
        static_cast<int64_t>(n) != heap_.live_blocks())
      return ivm__fail(why, why_len, "%zu intervals, size %zu, %lld nodes", n,
                       static_cast<size_t>(set_.iterative_size()),
                       static_cast<long long>(heap_.live_blocks()));
    if (sum != total_)
      return ivm__fail(why, why_len, "total %lld but the intervals sum to "
                       "%lld", static_cast<long long>(total_),
                       static_cast<long long>(sum));
    return IVM_OK;
  }

 private:
  /* Points of [s, e) already free. */
  int64_t covered(int64_t s, int64_t e) const {
    int64_t sum = 0;
    for (auto it = set_.lower_bound(interval(s, e));
         it != set_.end() && it->lower() < e; ++it)
      sum += ivm_peer::overlap(it->lower(), it->upper(), s, e);
    return sum;
  }

  ivm_peer::heap heap_; /* declared first: the set returns its nodes to it */
  heap_set set_;
  int64_t total_ = 0;
};

}  // namespace

extern "C" const struct ivm_ops ivm__peer_icl_ops =
    ivm_peer::make_ops<icl_peer>(
        "boost-icl",
        "Boost.ICL interval_set of right-open intervals; first fit by "
        "scanning");
