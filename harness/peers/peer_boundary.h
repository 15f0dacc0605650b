/* peer_boundary.h - the classic boundary map of the older libraries: an
 * ordered map from each free span's start to its end, over any container
 * with std::map's interface (std::map, absl::btree_map).
 *
 *   map:  s0 -> e0,  s1 -> e1,  ...     with s(i) < e(i) < s(i+1)
 *
 * Invariants: keys ascending, every span non-empty, consecutive spans
 * neither overlap nor touch; total_ is the sum of the lengths.
 *
 * A mutation finds its neighbourhood with one upper_bound and the
 * predecessor, then changes at most one key: when it needs a new one, the
 * insertion comes first, so that the only step that can fail runs before
 * anything has changed (after Spares has stocked the heap, for containers
 * whose insertion is not atomic by itself). Everything after it (updating
 * an end in place, erasing a range) cannot fail. A B-tree's insert and erase
 * invalidate iterators, so after an insert the code walks from the iterator
 * the insert returned instead of reusing older ones.
 *
 * Spares is a policy: `static constexpr bool needed` and
 * `static size_t per_class(size_t spans)`, the spare blocks per size class
 * one insertion into a map of that many entries can consume.
 */
#ifndef IVM_PEER_BOUNDARY_H
#define IVM_PEER_BOUNDARY_H

#include <iterator>

#include "peer_common.h"

namespace ivm_peer {

template <class Map, class Spares>
class boundary_map {
 public:
  explicit boundary_map(ivm *m)
      : heap_(m), map_(typename Map::allocator_type(&heap_)) {}

  int release(int64_t s, int64_t e, int64_t *changed) {
    auto first = first_reaching(map_, s, true);
    /* Spans [first, last) overlap or touch [s, e): they merge into one. */
    int64_t covered = 0, new_end = e;
    size_t merged = 0;
    auto last = first;
    for (; last != map_.end() && last->first <= e; ++last, ++merged) {
      covered += overlap(last->first, last->second, s, e);
      new_end = ivm__max64(new_end, last->second);
    }
    int64_t gained = (e - s) - covered;
    if (merged > 0 && first->first <= s) {
      /* The first merged span already starts the result: widen it. */
      first->second = new_end;
      map_.erase(std::next(first), last);
    } else {
      /* The result starts at s, where no span starts. */
      if (!stock()) return IVM_NOMEM;
      auto from = std::next(map_.emplace_hint(first, s, new_end));
      auto to = from;
      for (size_t i = 0; i < merged; i++) ++to;
      map_.erase(from, to);
    }
    total_ += gained;
    *changed = gained;
    return IVM_OK;
  }

  int reserve(int64_t s, int64_t e, unsigned flags, int64_t *changed) {
    auto first = first_reaching(map_, s, false);
    *changed = 0;
    if ((flags & IVM_REQUIRE_COVERED) &&
        (first == map_.end() || first->first > s || first->second < e))
      return IVM_CONFLICT;
    /* Spans [first, last) overlap [s, e); what sticks out survives. */
    int64_t taken = 0, last_end = 0;
    size_t hit = 0;
    auto last = first;
    for (; last != map_.end() && last->first < e; ++last, ++hit) {
      taken += overlap(last->first, last->second, s, e);
      last_end = last->second;
    }
    if (hit == 0) return IVM_OK;
    bool keep_left = first->first < s;
    if (last_end > e) {
      /* The right remainder starts at e, where no span starts. */
      if (!stock()) return IVM_NOMEM;
      last = map_.emplace_hint(last, e, last_end);
      first = last;
      for (size_t i = 0; i < hit; i++) --first;
    }
    if (keep_left) {
      first->second = s;
      ++first;
    }
    map_.erase(first, last);
    total_ -= taken;
    *changed = taken;
    return IVM_OK;
  }

  template <class F>
  void scan(int64_t p, F visit) const {
    for (auto it = first_reaching(map_, p, false); it != map_.end(); ++it)
      if (visit(it->first, it->second)) return;
  }

  int64_t total() const { return total_; }
  int64_t count() const { return static_cast<int64_t>(map_.size()); }
  const heap &memory() const { return heap_; }

  int check(char *why, size_t why_len) const {
    int64_t sum = 0, prev_end = 0;
    size_t n = 0;
    for (const auto &kv : map_) {
      if (kv.first >= kv.second)
        return ivm__fail(why, why_len, "entry %lld -> %lld is not a span",
                         static_cast<long long>(kv.first),
                         static_cast<long long>(kv.second));
      if (n > 0 && kv.first <= prev_end)
        return ivm__fail(why, why_len,
                         "key %lld is not past the previous end %lld",
                         static_cast<long long>(kv.first),
                         static_cast<long long>(prev_end));
      sum += kv.second - kv.first;
      prev_end = kv.second;
      n++;
    }
    if (n != map_.size())
      return ivm__fail(why, why_len, "map size %zu but %zu entries",
                       static_cast<size_t>(map_.size()), n);
    if (sum != total_)
      return ivm__fail(why, why_len, "total %lld but the entries sum to %lld",
                       static_cast<long long>(total_),
                       static_cast<long long>(sum));
    if ((n == 0) != (heap_.live_blocks() == 0))
      return ivm__fail(why, why_len, "%zu entries in %lld blocks", n,
                       static_cast<long long>(heap_.live_blocks()));
    return IVM_OK;
  }

 private:
  /* The first span with end > p, or end >= p when touching counts: the
   * predecessor of the first start past p when it reaches p, else that
   * start. */
  template <class M>
  static auto first_reaching(M &map, int64_t p, bool touching) {
    auto it = map.upper_bound(p);
    if (it != map.begin()) {
      auto prev = std::prev(it);
      if (prev->second > p || (touching && prev->second == p)) return prev;
    }
    return it;
  }

  bool stock() noexcept {
    if constexpr (Spares::needed)
      return heap_.stock(Spares::per_class(map_.size()));
    return true;
  }

  heap heap_; /* declared first: the map returns its blocks on destruction */
  Map map_;
  int64_t total_ = 0;
};

}  // namespace ivm_peer

#endif /* IVM_PEER_BOUNDARY_H */
