/* ivm.h - free-space interval managers behind one protocol.
 *
 * Usage:
 *
 *     #include <ivm.h>
 *
 *     ivm *m;
 *     if (ivm_create("summary", NULL, &m) != IVM_OK) abort();
 *     ivm_release(m, 0, 1000, NULL);              // [0,1000) is free
 *     ivm_reserve(m, 100, 200, 0, NULL);          // [0,100) [200,1000)
 *     ivm_span s; bool found;
 *     ivm_find(m, 50, 80, &s, &found);            // found [200,280)
 *     int rc = ivm_reserve(m, 150, 250, IVM_REQUIRE_COVERED, NULL);
 *     // rc == IVM_CONFLICT: [150,200) is not free, nothing changed
 *     printf("%s\n", ivm_strerror(rc));
 *     ivm_destroy(m);
 *
 * Model. A manager holds a set of free int64 points, always presented as
 * sorted, disjoint, non-touching half-open spans [start, end). Every span
 * argument must satisfy start < end. A managed domain [lo, hi) is optional;
 * when given, the manager starts with nothing free and every mutation must
 * stay inside the domain.
 *
 * Status. Every call returns 0 (IVM_OK) or a negative IVM_* status; a failing
 * call leaves the manager exactly as it was (spans, totals, statistics) and
 * leaks nothing, including on IVM_NOMEM. A find that fits nowhere is not an
 * error: it returns IVM_OK with *found = false. Arguments are checked in this
 * order: IVM_INVAL, then IVM_OVERFLOW, then IVM_DOMAIN, then the operation's
 * own failures (IVM_NOMEM, IVM_CONFLICT).
 *
 * Memory. Every byte an instance uses, the instance itself included, comes
 * from its allocator hook (see ivm_alloc_fn); ivm_destroy returns all of it.
 *
 * Threads. An instance is not synchronised; distinct instances are
 * independent. Queries take a const pointer but some implementations update
 * an internal cache in them, so do not query one instance from two threads.
 */
#ifndef IVM_H
#define IVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes ------------------------------------------------------ */

/* One table yields the enum, ivm_errname() and ivm_strerror(). */
#define IVM_STATUS_MAP(XX)                                                    \
  XX(INVAL, -1, "invalid argument (start >= end, len <= 0 or not_after <= p)") \
  XX(OVERFLOW, -2, "a length, the total or start + len exceeds int64")        \
  XX(NOMEM, -3, "out of memory")                                              \
  XX(DOMAIN, -4, "outside the managed domain")                                \
  XX(CONFLICT, -5, "strict reserve of space that is not wholly free")         \
  XX(NOIMPL, -6, "no implementation of that name")                            \
  XX(CORRUPT, -7, "an internal invariant does not hold")

typedef enum ivm_status {
  IVM_OK = 0,
#define IVM_STATUS_ENUM(name, value, text) IVM_##name = value,
  IVM_STATUS_MAP(IVM_STATUS_ENUM)
#undef IVM_STATUS_ENUM
} ivm_status;

/* "INVAL", "OVERFLOW", ... ("OK" for 0, "UNKNOWN" otherwise). Static strings. */
const char *ivm_errname(int status);
/* A one-line description of the status. Static strings. */
const char *ivm_strerror(int status);

/* ---- Values ------------------------------------------------------------ */

typedef struct ivm_span {
  int64_t start; /* first point */
  int64_t end;   /* one past the last point */
} ivm_span;

/* Realloc-style allocator hook, told the old size (Lua's lua_Alloc):
 * - new_size == 0: free ptr (may be NULL) and return NULL;
 * - ptr == NULL:   allocate new_size bytes;
 * - otherwise:     resize ptr from old_size to new_size bytes.
 * Returning NULL for new_size > 0 is a failure and leaves ptr untouched. */
typedef void *(*ivm_alloc_fn)(void *ud, void *ptr, size_t old_size,
                              size_t new_size);

typedef struct ivm_options {
  bool has_domain;   /* manage only [domain_lo, domain_hi) */
  int64_t domain_lo;
  int64_t domain_hi;
  uint64_t seed;     /* for randomized implementations (the treap) */
  ivm_alloc_fn alloc; /* NULL: the C library's realloc/free */
  void *alloc_ud;
} ivm_options;

/* Flags of ivm_reserve. */
#define IVM_REQUIRE_COVERED 1u /* strict: all of [start,end) must be free */

/* What ivm_stats reports; identical for every implementation. When nothing
 * is free the span fields (free_chunks .. avg_gap) are all zero. */
typedef struct ivm_stats {
  int64_t total_free;
  int64_t free_chunks;    /* number of spans */
  int64_t largest_chunk;  /* length of the largest span (lowest start on ties) */
  int64_t largest_start;
  int64_t smallest_chunk;
  double avg_chunk;       /* total_free / free_chunks */
  double fragmentation;   /* (total_free - largest_chunk) / total_free */
  int64_t first_free;     /* start of the first span */
  int64_t last_free;      /* end of the last span */
  int64_t gaps;           /* free_chunks - 1 */
  double avg_gap;         /* (last_free - first_free - total_free) / gaps */
  bool has_domain;        /* the four fields below are meaningful only then */
  int64_t total_space;    /* domain_hi - domain_lo */
  int64_t occupied;       /* total_space - total_free */
  double utilization;     /* occupied / total_space */
  double free_density;    /* total_free / total_space */
} ivm_stats;

/* A named implementation counter (node count, height, cache hits, ...). */
typedef struct ivm_counter {
  const char *name; /* static string */
  int64_t value;
} ivm_counter;

/* Called once per span, in ascending order; return non-zero to stop. */
typedef int (*ivm_visit_fn)(void *ud, int64_t start, int64_t end);

typedef struct ivm ivm;
struct ivm_ops;

/* ---- Lifetime ---------------------------------------------------------- */

/* Creates an empty manager of the named implementation (see ivm_impl_*).
 * opt may be NULL. IVM_NOIMPL for an unknown name; IVM_INVAL for an empty or
 * inverted domain; IVM_OVERFLOW when hi - lo exceeds int64. */
int ivm_create(const char *impl, const ivm_options *opt, ivm **out);
/* The same for an ops table, e.g. one of your own or a decorator. */
int ivm_create_ops(const struct ivm_ops *ops, const ivm_options *opt,
                   ivm **out);
/* Frees everything the manager holds. NULL is allowed. */
void ivm_destroy(ivm *m);
/* The implementation's name. */
const char *ivm_name(const ivm *m);

/* ---- Mutations --------------------------------------------------------- */

/* Makes [start,end) free, merging with overlapping and touching spans.
 * *changed (may be NULL) = points that became free. */
int ivm_release(ivm *m, int64_t start, int64_t end, int64_t *changed);
/* Makes [start,end) occupied; points already occupied are ignored.
 * With IVM_REQUIRE_COVERED, fails with IVM_CONFLICT unless all of it is free.
 * *changed (may be NULL) = points that became occupied. */
int ivm_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                int64_t *changed);
/* ivm_find, then reserves exactly what was found. Not found: state unchanged. */
int ivm_allocate(ivm *m, int64_t p, int64_t len, ivm_span *out, bool *found);
int ivm_allocate_bounded(ivm *m, int64_t p, int64_t len, int64_t not_after,
                         ivm_span *out, bool *found);

/* ---- Queries ----------------------------------------------------------- */

/* First fit at or after p: the first span [s,e) in order with
 * max(p,s) + len <= e gives [max(p,s), max(p,s)+len). IVM_INVAL for len <= 0;
 * IVM_OVERFLOW when p + len exceeds int64. */
int ivm_find(const ivm *m, int64_t p, int64_t len, ivm_span *out, bool *found);
/* The same, but only if the first fit ends at or before not_after
 * (IVM_INVAL when not_after <= p). */
int ivm_find_bounded(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                     ivm_span *out, bool *found);
/* The smallest span of length >= len (lowest start on ties); *out is
 * [s, s+len) at its start. */
int ivm_best_fit(const ivm *m, int64_t len, ivm_span *out, bool *found);
/* A whole span of maximal length, lowest start on ties. */
int ivm_largest(const ivm *m, ivm_span *out, bool *found);
int64_t ivm_total_free(const ivm *m);
int64_t ivm_count(const ivm *m);
/* Visits, in order, the spans that strictly overlap [start,end) (touching
 * spans excluded). Returns the visitor's non-zero value if it stopped, else
 * 0, or IVM_INVAL for start >= end. */
int ivm_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
             void *ud);
/* Copies the spans overlapping [start,end) into out[0..cap); *n = how many
 * there are in all (may exceed cap: call again with a larger buffer). */
int ivm_overlaps(const ivm *m, int64_t start, int64_t end, ivm_span *out,
                 size_t cap, size_t *n);
/* Copies all spans into out[0..cap); *n = how many there are in all. */
int ivm_intervals(const ivm *m, ivm_span *out, size_t cap, size_t *n);
int ivm_stats_get(const ivm *m, ivm_stats *out);
/* Fills up to cap counters; returns how many the implementation has. */
size_t ivm_counters(const ivm *m, ivm_counter *out, size_t cap);
/* Verifies every invariant (normal form, totals, summaries, the
 * implementation's own structure). IVM_CORRUPT with the reason in why. */
int ivm_check(const ivm *m, char *why, size_t why_len);
/* Prints the internal structure for debugging. */
void ivm_dump(const ivm *m, FILE *out);

/* ---- Registry ---------------------------------------------------------- */

size_t ivm_impl_count(void);
const struct ivm_ops *ivm_impl_at(size_t i); /* NULL past the end */
const struct ivm_ops *ivm_impl_find(const char *name); /* NULL if unknown */

/* ---- Implementing the protocol ----------------------------------------- *
 *
 * An implementation defines a struct whose first member is `ivm base`, and a
 * const struct ivm_ops naming its size. ivm_create_ops allocates
 * instance_size zeroed bytes through the allocator, fills the base and calls
 * init. The front-door functions above check every argument (order, overflow,
 * domain, flags) before they call the table, so an op only ever sees valid
 * input; an op must still be failure-atomic for IVM_NOMEM and IVM_CONFLICT.
 * The table only ever grows by appending members. A decorator is an ops table
 * whose instance holds an inner ivm and forwards to inner->ops. */

/* Totals and counts that summarise the whole free set. When count == 0 all
 * other fields are zero. */
typedef struct ivm_summary {
  int64_t total;
  int64_t count;
  int64_t largest;       /* length; lowest start among equals */
  int64_t largest_start;
  int64_t smallest;      /* length */
  int64_t first;         /* start of the first span */
  int64_t last;          /* end of the last span */
} ivm_summary;

struct ivm {
  const struct ivm_ops *ops;
  ivm_alloc_fn alloc;
  void *alloc_ud;
  bool has_domain;
  int64_t domain_lo;
  int64_t domain_hi;
  uint64_t seed;
};

struct ivm_ops {
  const char *name;        /* registry key, e.g. "summary" */
  const char *description; /* one line for listings */
  size_t instance_size;
  int (*init)(ivm *m);     /* IVM_OK or IVM_NOMEM (then nothing is held) */
  void (*fini)(ivm *m);    /* frees everything but the instance itself */
  int (*release)(ivm *m, int64_t start, int64_t end, int64_t *changed);
  int (*reserve)(ivm *m, int64_t start, int64_t end, unsigned flags,
                 int64_t *changed);
  /* not_after == INT64_MAX means unbounded. Returns found. */
  bool (*find)(const ivm *m, int64_t p, int64_t len, int64_t not_after,
               ivm_span *out);
  bool (*best_fit)(const ivm *m, int64_t len, ivm_span *out);
  bool (*largest)(const ivm *m, ivm_span *out);
  int64_t (*total_free)(const ivm *m);
  int64_t (*count)(const ivm *m);
  int (*each)(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
              void *ud);
  void (*summary)(const ivm *m, ivm_summary *out);
  size_t (*counters)(const ivm *m, ivm_counter *out, size_t cap);
  /* Internal structure only; the front door checks the span set itself. */
  int (*check)(const ivm *m, char *why, size_t why_len);
  void (*dump)(const ivm *m, FILE *out);
};

/* Derives the statistics from a summary and the domain; a pure function so
 * every implementation reports bit-identical figures. */
void ivm_stats_from_summary(const ivm_summary *s, const ivm *m,
                            ivm_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* IVM_H */
