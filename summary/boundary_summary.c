/* boundary_summary.c - a boundary manager with a cached summary: the
 * B+-tree of "boundary" plus an ivm_summary that the spans each mutation
 * removes and adds keep up to date, so stats() is O(1) in the common case.
 *
 *   instance: base | tree (btree.h, observed by note_span)
 *                  | cache: first, last, largest@largest_start,
 *                  |        smallest x smallest_count, stale bits
 *                  | hits, misses
 *
 * total and count are the tree's own fields. For the spans S in the tree at
 * every moment (the tree keeps S disjoint between its observer calls, so no
 * two spans share a start, an end or a place among the longest):
 * - first:    fresh: the least start of S (INT64_MAX when S is empty);
 *             stale: every start of S is greater.
 * - last:     fresh: the greatest end (INT64_MIN when empty); stale: every
 *             end is less.
 * - largest:  fresh: the longest length (0 when empty) and the lowest start
 *             among the longest; stale: no length is greater.
 * - smallest: fresh: the shortest length (INT64_MAX when empty) and how many
 *             spans have it; stale: every length is greater.
 * A stale value is thus a bound, and a span added on the right side of it
 * makes the field fresh again without looking at the tree. A query needing a
 * stale field recomputes it: first, last and largest in O(log n) through the
 * tree's maxima, smallest by a scan, needed only when the last span of the
 * shortest length goes. A mutation that changes nothing reports no span
 * and so leaves the cache alone. */
#include <string.h>

#include "btree.h"

enum {
  STALE_FIRST = 1u << 0,
  STALE_LAST = 1u << 1,
  STALE_LARGEST = 1u << 2,
  STALE_SMALLEST = 1u << 3,
};

typedef struct boundary_summary {
  ivm base;
  ivm__bt tree; /* first two members as in ivm__bt_instance */
  int64_t first, last;
  int64_t largest, largest_start;
  int64_t smallest, smallest_count;
  unsigned stale; /* STALE_* bits */
  int64_t hits;   /* queries served from the cache */
  int64_t misses; /* queries that had to recompute a stale field */
} boundary_summary;

/* The tree's observer: one span removed or added by a mutation. */
static void note_span(void *ud, int64_t start, int64_t end, bool inserted) {
  boundary_summary *b = ud;
  int64_t len = end - start;
  if (!inserted) {
    if (start == b->first) b->stale |= STALE_FIRST;
    if (end == b->last) b->stale |= STALE_LAST;
    if (start == b->largest_start && len == b->largest)
      b->stale |= STALE_LARGEST;
    if (len == b->smallest && !(b->stale & STALE_SMALLEST) &&
        --b->smallest_count == 0)
      b->stale |= STALE_SMALLEST;
    return;
  }
  /* A stale field is a bound; a span beyond or at it is the new extreme. */
  if (start < b->first || ((b->stale & STALE_FIRST) && start == b->first)) {
    b->first = start;
    b->stale &= ~STALE_FIRST;
  }
  if (end > b->last || ((b->stale & STALE_LAST) && end == b->last)) {
    b->last = end;
    b->stale &= ~STALE_LAST;
  }
  if (len > b->largest ||
      (!(b->stale & STALE_LARGEST) && len == b->largest &&
       start < b->largest_start)) {
    b->largest = len;
    b->largest_start = start;
    b->stale &= ~STALE_LARGEST;
  }
  bool stale_smallest = (b->stale & STALE_SMALLEST) != 0;
  if (len < b->smallest || (stale_smallest && len == b->smallest)) {
    b->smallest = len;
    b->smallest_count = 1;
    b->stale &= ~STALE_SMALLEST;
  } else if (len == b->smallest) {
    b->smallest_count++;
  }
}

/* The cache of an empty set: every field fresh at its neutral value. */
static void reset_cache(boundary_summary *b) {
  b->first = INT64_MAX;
  b->last = INT64_MIN;
  b->largest = 0;
  b->largest_start = 0;
  b->smallest = INT64_MAX;
  b->smallest_count = 0;
  b->stale = 0;
}

/* Recomputes the stale fields among `want` and counts a hit or a miss. */
static void refresh(boundary_summary *b, unsigned want) {
  unsigned todo = b->stale & want;
  if (!todo) {
    b->hits++;
    return;
  }
  b->misses++;
  ivm_span s;
  if (todo & STALE_FIRST)
    b->first = ivm__bt_first(&b->tree, &s) ? s.start : INT64_MAX;
  if (todo & STALE_LAST)
    b->last = ivm__bt_last(&b->tree, &s) ? s.end : INT64_MIN;
  if (todo & STALE_LARGEST) {
    bool any = ivm__bt_largest(&b->tree, &s);
    b->largest = any ? s.end - s.start : 0;
    b->largest_start = any ? s.start : 0;
  }
  if (todo & STALE_SMALLEST) {
    b->smallest = ivm__bt_smallest(&b->tree, &b->smallest_count);
    if (b->smallest_count == 0) b->smallest = INT64_MAX;
  }
  b->stale &= ~todo;
}

/* Queries take const ivm *, but the cache and its hit counts are logically
 * mutable: they change what a query costs, never what it answers. This is
 * the one place where that constness is cast away. */
static boundary_summary *cache_of(const ivm *m) {
  return (boundary_summary *)m;
}


static int bs_init(ivm *m) {
  boundary_summary *b = (boundary_summary *)m;
  reset_cache(b);
  return ivm__bt_init(&b->tree, m, note_span, b);
}

static bool bs_largest(const ivm *m, ivm_span *out) {
  boundary_summary *b = cache_of(m);
  refresh(b, STALE_LARGEST);
  if (b->tree.count == 0) return false;
  *out = (ivm_span){b->largest_start, b->largest_start + b->largest};
  return true;
}

static void bs_summary(const ivm *m, ivm_summary *out) {
  boundary_summary *b = cache_of(m);
  refresh(b, STALE_FIRST | STALE_LAST | STALE_LARGEST | STALE_SMALLEST);
  memset(out, 0, sizeof *out);
  if (b->tree.count == 0) return;
  out->total = b->tree.total;
  out->count = b->tree.count;
  out->largest = b->largest;
  out->largest_start = b->largest_start;
  out->smallest = b->smallest;
  out->first = b->first;
  out->last = b->last;
}

static size_t bs_counters(const ivm *m, ivm_counter *out, size_t cap) {
  const boundary_summary *b = (const boundary_summary *)m;
  ivm_counter all[IVM_BT_COUNTERS + 2];
  size_t n = ivm__bt_counters(&b->tree, all, IVM_BT_COUNTERS);
  all[n++] = (ivm_counter){"cache_hits", b->hits};
  all[n++] = (ivm_counter){"cache_misses", b->misses};
  for (size_t i = 0; i < n && i < cap; i++) out[i] = all[i];
  return n;
}

/* The tree, then every cache field against the tree: a fresh field must be
 * exact, a stale one must still bound the spans as the header says. */
static int bs_check(const ivm *m, char *why, size_t why_len) {
  const boundary_summary *b = (const boundary_summary *)m;
  int rc = ivm__bt_check(&b->tree, why, why_len);
  if (rc != IVM_OK) return rc;
  ivm_span s;
  bool any = ivm__bt_first(&b->tree, &s);
  int64_t first = any ? s.start : INT64_MAX;
  int64_t last = ivm__bt_last(&b->tree, &s) ? s.end : INT64_MIN;
  int64_t largest = 0, largest_start = 0, smallest_count;
  if (ivm__bt_largest(&b->tree, &s)) {
    largest = s.end - s.start;
    largest_start = s.start;
  }
  int64_t smallest = ivm__bt_smallest(&b->tree, &smallest_count);
  if (!any) smallest = INT64_MAX;
  bool ok_first = b->stale & STALE_FIRST ? first > b->first : first == b->first;
  bool ok_last = b->stale & STALE_LAST ? last < b->last : last == b->last;
  bool ok_largest = b->stale & STALE_LARGEST
                        ? largest <= b->largest
                        : largest == b->largest &&
                              largest_start == b->largest_start;
  bool ok_smallest = b->stale & STALE_SMALLEST
                         ? smallest > b->smallest
                         : smallest == b->smallest &&
                               smallest_count == b->smallest_count;
  if (!ok_first || !ok_last || !ok_largest || !ok_smallest)
    return ivm__fail(
        why, why_len,
        "cache (stale bits %#x) first %lld last %lld largest %lld@%lld "
        "smallest %lld x%lld, but the tree has first %lld last %lld largest "
        "%lld@%lld smallest %lld x%lld",
        b->stale, (long long)b->first, (long long)b->last,
        (long long)b->largest, (long long)b->largest_start,
        (long long)b->smallest, (long long)b->smallest_count,
        (long long)first, (long long)last, (long long)largest,
        (long long)largest_start, (long long)smallest,
        (long long)smallest_count);
  return IVM_OK;
}

static void bs_dump(const ivm *m, FILE *out) {
  const boundary_summary *b = (const boundary_summary *)m;
  fprintf(out, "boundary-summary: cache first %lld%s last %lld%s largest "
          "%lld@%lld%s smallest %lld x%lld%s; %lld hits, %lld misses\n",
          (long long)b->first, b->stale & STALE_FIRST ? " (stale)" : "",
          (long long)b->last, b->stale & STALE_LAST ? " (stale)" : "",
          (long long)b->largest, (long long)b->largest_start,
          b->stale & STALE_LARGEST ? " (stale)" : "", (long long)b->smallest,
          (long long)b->smallest_count,
          b->stale & STALE_SMALLEST ? " (stale)" : "", (long long)b->hits,
          (long long)b->misses);
  ivm__bt_dump(&b->tree, out);
}

const struct ivm_ops ivm__boundary_summary_ops = {
    .name = "boundary-summary",
    .description = "boundary B+-tree with an incrementally cached summary; "
                   "O(1) stats in the common case",
    .instance_size = sizeof(boundary_summary),
    .init = bs_init,
    .fini = ivm__bt_op_fini,
    .release = ivm__bt_op_release,
    .reserve = ivm__bt_op_reserve,
    .find = ivm__bt_op_find,
    .best_fit = ivm__bt_op_best_fit,
    .largest = bs_largest,
    .total_free = ivm__bt_op_total_free,
    .count = ivm__bt_op_count,
    .each = ivm__bt_op_each,
    .summary = bs_summary,
    .counters = bs_counters,
    .check = bs_check,
    .dump = bs_dump,
};
