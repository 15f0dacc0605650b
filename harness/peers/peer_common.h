/* peer_common.h - what the C++ peer adapters share: a heap that routes every
 * container allocation through the instance's hook, the allocator adapter
 * the containers take, the scans that answer queries where the libraries
 * offer nothing better, and the glue that turns an adapter class into a
 * C ops table whose functions never let an exception out.
 *
 * An adapter class A provides:
 *
 *   explicit A(ivm *m);                       may throw std::bad_alloc
 *   int release(int64_t s, int64_t e, int64_t *changed);
 *   int reserve(int64_t s, int64_t e, unsigned flags, int64_t *changed);
 *       both may throw std::bad_alloc, but only before they change anything
 *   template <class F> void scan(int64_t p, F visit) const;
 *       calls visit(start, end) on the spans in order, from the first one
 *       ending after p, until visit returns true
 *   int64_t total() const;  int64_t count() const;     both O(1)
 *   const ivm_peer::heap &memory() const;
 *   int check(char *why, size_t why_len) const;      its own structure
 */
#ifndef IVM_PEER_COMMON_H
#define IVM_PEER_COMMON_H

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>
#include <type_traits>

extern "C" {
#include "ivm_internal.h"

/* The peers' ops tables; peers.cc lists those compiled in. */
extern const struct ivm_ops ivm__peer_stdmap_ops;
extern const struct ivm_ops ivm__peer_absl_ops;
extern const struct ivm_ops ivm__peer_icl_ops;
}

namespace ivm_peer {

/* ---- Memory ------------------------------------------------------------ */

/* The blocks of one instance's containers, taken from its hook. Blocks are
 * grouped in size classes (one per distinct size the container asks for; a
 * std::map node, an absl leaf or internal node). A class can hold spare
 * blocks, kept as a list threaded through the blocks themselves: stock()
 * fills them before a mutation, take() serves from them first, so an
 * insertion that needs several blocks cannot fail after it has begun to
 * change the container. With no stock() call there are no spares and every
 * block comes from and returns to the hook directly. */
class heap {
 public:
  explicit heap(ivm *m) noexcept : m_(m) {}
  heap(const heap &) = delete;
  heap &operator=(const heap &) = delete;
  ~heap() {
    for (int i = 0; i < nclasses_; i++) trim(classes_[i], 0);
  }

  /* A block of `bytes`; throws std::bad_alloc when the hook fails. */
  void *take(size_t bytes) {
    size_class *c = find(bytes, true);
    if (c && c->spares) {
      void *p = c->spares;
      std::memcpy(&c->spares, p, sizeof c->spares);
      c->nspare--;
      c->live++;
      spare_bytes_ -= static_cast<int64_t>(bytes);
      live_blocks_++;
      return p;
    }
    void *p = ivm__alloc(m_, bytes);
    if (!p) throw std::bad_alloc();
    if (c) c->live++;
    held_bytes_ += static_cast<int64_t>(bytes);
    live_blocks_++;
    return p;
  }

  /* Returns a block: kept as a spare while its class is below the last
   * stocked level, else handed back to the hook. */
  void give(void *p, size_t bytes) noexcept {
    size_class *c = find(bytes, false);
    live_blocks_--;
    if (c) {
      c->live--;
      if (c->nspare < target_) {
        push(*c, p);
        return;
      }
    }
    held_bytes_ -= static_cast<int64_t>(bytes);
    ivm__free(m_, p, bytes);
  }

  /* Makes every class that has live blocks hold `per_class` spares and
   * returns the spares of the others. False when the hook fails; the
   * containers are untouched either way. */
  bool stock(size_t per_class) noexcept {
    target_ = per_class;
    for (int i = 0; i < nclasses_; i++) {
      size_class &c = classes_[i];
      size_t want = c.live > 0 ? per_class : 0;
      trim(c, want);
      while (c.nspare < want) {
        void *p = ivm__alloc(m_, c.bytes);
        if (!p) return false;
        held_bytes_ += static_cast<int64_t>(c.bytes);
        push(c, p);
      }
    }
    return true;
  }

  int64_t held_bytes() const noexcept { return held_bytes_; }   /* live + spare */
  int64_t spare_bytes() const noexcept { return spare_bytes_; }
  int64_t live_blocks() const noexcept { return live_blocks_; }

  /* Recounts the spare lists against the running totals. */
  int check(char *why, size_t why_len) const {
    int64_t spare = 0;
    for (int i = 0; i < nclasses_; i++) {
      const size_class &c = classes_[i];
      size_t n = 0;
      for (void *p = c.spares; p; std::memcpy(&p, p, sizeof p)) n++;
      if (n != c.nspare || c.live < 0)
        return ivm__fail(why, why_len,
                         "heap class of %zu bytes: %zu spares listed, %zu "
                         "counted, %lld live",
                         c.bytes, n, c.nspare, static_cast<long long>(c.live));
      spare += static_cast<int64_t>(n * c.bytes);
    }
    if (spare != spare_bytes_ || live_blocks_ < 0 || spare > held_bytes_)
      return ivm__fail(why, why_len,
                       "heap: %lld spare bytes listed, %lld counted, %lld "
                       "held, %lld live blocks",
                       static_cast<long long>(spare),
                       static_cast<long long>(spare_bytes_),
                       static_cast<long long>(held_bytes_),
                       static_cast<long long>(live_blocks_));
    return IVM_OK;
  }

 private:
  struct size_class {
    size_t bytes;
    int64_t live;  /* blocks the container holds */
    void *spares;  /* list threaded through the first word of each block */
    size_t nspare;
  };
  /* absl::btree_map asks for six sizes (four growing root leaves, a full
   * leaf, an internal node), the node-based containers for one. A size past
   * the table is served straight from the hook and cannot be stocked. */
  static constexpr int kClasses = 8;

  size_class *find(size_t bytes, bool learn) noexcept {
    for (int i = 0; i < nclasses_; i++)
      if (classes_[i].bytes == bytes) return &classes_[i];
    if (!learn || nclasses_ == kClasses) return nullptr;
    classes_[nclasses_] = size_class{bytes, 0, nullptr, 0};
    return &classes_[nclasses_++];
  }

  void push(size_class &c, void *p) noexcept {
    std::memcpy(p, &c.spares, sizeof c.spares);
    c.spares = p;
    c.nspare++;
    spare_bytes_ += static_cast<int64_t>(c.bytes);
  }

  void trim(size_class &c, size_t keep) noexcept {
    while (c.nspare > keep) {
      void *p = c.spares;
      std::memcpy(&c.spares, p, sizeof c.spares);
      c.nspare--;
      spare_bytes_ -= static_cast<int64_t>(c.bytes);
      held_bytes_ -= static_cast<int64_t>(c.bytes);
      ivm__free(m_, p, c.bytes);
    }
  }

  ivm *m_;
  size_class classes_[kClasses] = {};
  int nclasses_ = 0;
  size_t target_ = 0;
  int64_t held_bytes_ = 0;
  int64_t spare_bytes_ = 0;
  int64_t live_blocks_ = 0;
};

/* The stateful allocator the containers take: it names the heap. A
 * default-constructed one has none and refuses to allocate; Boost.ICL needs
 * one for the moment before the real one is moved in. */
template <class T>
class allocator {
 public:
  using value_type = T;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;

  allocator() noexcept = default;
  explicit allocator(heap *h) noexcept : heap_(h) {}
  template <class U>
  allocator(const allocator<U> &other) noexcept : heap_(other.owner()) {}

  T *allocate(size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t),
                  "the hook returns blocks aligned like malloc's");
    if (!heap_ || n > std::numeric_limits<size_t>::max() / sizeof(T))
      throw std::bad_alloc();
    return static_cast<T *>(heap_->take(n * sizeof(T)));
  }
  void deallocate(T *p, size_t n) noexcept { heap_->give(p, n * sizeof(T)); }

  heap *owner() const noexcept { return heap_; }

  template <class U>
  bool operator==(const allocator<U> &other) const noexcept {
    return heap_ == other.owner();
  }
  template <class U>
  bool operator!=(const allocator<U> &other) const noexcept {
    return heap_ != other.owner();
  }

 private:
  heap *heap_ = nullptr;
};

/* ---- Span arithmetic and scans ------------------------------------------ */

/* Points of [a,b) inside [s,e). */
inline int64_t overlap(int64_t a, int64_t b, int64_t s, int64_t e) noexcept {
  int64_t lo = ivm__max64(a, s), hi = ivm__min64(b, e);
  return lo < hi ? hi - lo : 0;
}

/* True when at + len > limit, computed without overflow (len > 0). The
 * difference of two int64 is exact in uint64 when it is not negative. */
inline bool ends_after(int64_t at, int64_t len, int64_t limit) noexcept {
  return at >= limit ||
         static_cast<uint64_t>(limit) - static_cast<uint64_t>(at) <
             static_cast<uint64_t>(len);
}

/* First fit, scanning from p's position. A span that cannot hold the fit
 * within not_after means no later one can either, since later fits start
 * later: the scan stops there. */
template <class A>
bool first_fit(const A &a, int64_t p, int64_t len, int64_t not_after,
               ivm_span *out) {
  bool found = false;
  a.scan(p, [&](int64_t s, int64_t e) {
    int64_t at = ivm__max64(p, s);
    if (ends_after(at, len, not_after)) return true;
    if (e - at < len) return false;
    *out = ivm_span{at, at + len};
    found = true;
    return true;
  });
  return found;
}

/* The smallest span of at least len, lowest start on ties: a full scan
 * that can stop early only at an exact fit. */
template <class A>
bool best_fit(const A &a, int64_t len, ivm_span *out) {
  int64_t best_len = 0, best_start = 0;
  a.scan(INT64_MIN, [&](int64_t s, int64_t e) {
    int64_t l = e - s;
    if (l >= len && (best_len == 0 || l < best_len)) {
      best_len = l;
      best_start = s;
    }
    return best_len == len;
  });
  if (best_len == 0) return false;
  *out = ivm_span{best_start, best_start + len};
  return true;
}

template <class A>
bool largest(const A &a, ivm_span *out) {
  bool found = false;
  a.scan(INT64_MIN, [&](int64_t s, int64_t e) {
    if (!found || e - s > out->end - out->start) *out = ivm_span{s, e};
    found = true;
    return false;
  });
  return found;
}

template <class A>
void summary(const A &a, ivm_summary *out) {
  std::memset(out, 0, sizeof *out);
  a.scan(INT64_MIN, [&](int64_t s, int64_t e) {
    int64_t l = e - s;
    if (out->count == 0) {
      out->first = s;
      out->smallest = l;
    }
    if (l > out->largest) {
      out->largest = l;
      out->largest_start = s;
    }
    if (l < out->smallest) out->smallest = l;
    out->last = e;
    out->count++;
    return false;
  });
  out->total = a.total();
}

/* ---- The ops table ------------------------------------------------------- */

/* The instance: the C base first, then the adapter constructed in place.
 * Both members are standard-layout, so an ivm * converts to it. */
template <class A>
struct instance {
  ivm base;
  alignas(A) unsigned char storage[sizeof(A)];
};

template <class A>
A &adapter(ivm *m) {
  return *std::launder(
      reinterpret_cast<A *>(reinterpret_cast<instance<A> *>(m)->storage));
}
template <class A>
const A &adapter(const ivm *m) {
  return *std::launder(reinterpret_cast<const A *>(
      reinterpret_cast<const instance<A> *>(m)->storage));
}

/* C-callable functions over an adapter. Every one is noexcept: the only
 * exception an adapter throws, std::bad_alloc, becomes IVM_NOMEM here, and
 * anything else would stop the program rather than unwind through C. */
template <class A>
struct glue {
  static int init(ivm *m) noexcept {
    try {
      new (reinterpret_cast<instance<A> *>(m)->storage) A(m);
      return IVM_OK;
    } catch (const std::bad_alloc &) {
      return IVM_NOMEM;
    }
  }
  static void fini(ivm *m) noexcept { adapter<A>(m).~A(); }

  static int release(ivm *m, int64_t s, int64_t e, int64_t *changed) noexcept {
    try {
      return adapter<A>(m).release(s, e, changed);
    } catch (const std::bad_alloc &) {
      *changed = 0;
      return IVM_NOMEM;
    }
  }
  static int reserve(ivm *m, int64_t s, int64_t e, unsigned flags,
                     int64_t *changed) noexcept {
    try {
      return adapter<A>(m).reserve(s, e, flags, changed);
    } catch (const std::bad_alloc &) {
      *changed = 0;
      return IVM_NOMEM;
    }
  }

  static bool find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                   ivm_span *out) noexcept {
    return first_fit(adapter<A>(m), p, len, not_after, out);
  }
  static bool best_fit(const ivm *m, int64_t len, ivm_span *out) noexcept {
    return ivm_peer::best_fit(adapter<A>(m), len, out);
  }
  static bool largest(const ivm *m, ivm_span *out) noexcept {
    return ivm_peer::largest(adapter<A>(m), out);
  }
  static int64_t total_free(const ivm *m) noexcept {
    return adapter<A>(m).total();
  }
  static int64_t count(const ivm *m) noexcept { return adapter<A>(m).count(); }

  static int each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                  void *ud) noexcept {
    int rc = 0;
    adapter<A>(m).scan(start, [&](int64_t s, int64_t e) {
      if (s >= end) return true;
      rc = fn(ud, s, e);
      return rc != 0;
    });
    return rc;
  }
  static void summary(const ivm *m, ivm_summary *out) noexcept {
    ivm_peer::summary(adapter<A>(m), out);
  }

  static size_t counters(const ivm *m, ivm_counter *out, size_t cap) noexcept {
    const A &a = adapter<A>(m);
    const heap &h = a.memory();
    const ivm_counter all[] = {
        {"spans", a.count()},
        {"blocks", h.live_blocks()},
        {"bytes", static_cast<int64_t>(sizeof(instance<A>)) + h.held_bytes()},
        {"spare_bytes", h.spare_bytes()},
    };
    size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n && i < cap; i++) out[i] = all[i];
    return n;
  }

  static int check(const ivm *m, char *why, size_t why_len) noexcept {
    const A &a = adapter<A>(m);
    int rc = a.memory().check(why, why_len);
    return rc != IVM_OK ? rc : a.check(why, why_len);
  }

  static void dump(const ivm *m, FILE *out) noexcept {
    const A &a = adapter<A>(m);
    const heap &h = a.memory();
    std::fprintf(out,
                 "%s: %lld spans, total %lld; %lld blocks, %lld bytes held "
                 "(%lld spare)\n",
                 m->ops->name, static_cast<long long>(a.count()),
                 static_cast<long long>(a.total()),
                 static_cast<long long>(h.live_blocks()),
                 static_cast<long long>(h.held_bytes()),
                 static_cast<long long>(h.spare_bytes()));
    a.scan(INT64_MIN, [&](int64_t s, int64_t e) {
      std::fprintf(out, "  [%lld, %lld)\n", static_cast<long long>(s),
                   static_cast<long long>(e));
      return false;
    });
  }
};

template <class A>
constexpr ivm_ops make_ops(const char *name, const char *description) {
  return ivm_ops{
      .name = name,
      .description = description,
      .instance_size = sizeof(instance<A>),
      .init = glue<A>::init,
      .fini = glue<A>::fini,
      .release = glue<A>::release,
      .reserve = glue<A>::reserve,
      .find = glue<A>::find,
      .best_fit = glue<A>::best_fit,
      .largest = glue<A>::largest,
      .total_free = glue<A>::total_free,
      .count = glue<A>::count,
      .each = glue<A>::each,
      .summary = glue<A>::summary,
      .counters = glue<A>::counters,
      .check = glue<A>::check,
      .dump = glue<A>::dump,
  };
}

}  // namespace ivm_peer

#endif /* IVM_PEER_COMMON_H */
