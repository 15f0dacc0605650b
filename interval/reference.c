/* reference.c - the oracle: a sorted array of spans with linear scans,
 * written to be obviously correct rather than fast. The only shortcut is a
 * binary search for the first span that can matter (every span before it
 * ends at or before the point of interest), which keeps large agreement runs
 * affordable without making any answer harder to check.
 *
 *   spans: [s0,e0) [s1,e1) ... [s(n-1),e(n-1))   with e(i) < s(i+1)
 *
 * Invariants: spans sorted by start, non-empty, never touching; total is the
 * sum of their lengths; cap >= n. Every mutation first makes sure the array
 * has room for its result, so a failed allocation changes nothing. */
#include <string.h>

#include "ivm_internal.h"

typedef struct reference {
  ivm base;
  ivm_span *spans;
  size_t n, cap;
  int64_t total;
} reference;

static int ref_init(ivm *m) {
  (void)m;
  return IVM_OK;
}

static void ref_fini(ivm *m) {
  reference *r = (reference *)m;
  ivm__free(m, r->spans, r->cap * sizeof *r->spans);
}

/* Makes room for n + extra spans; IVM_NOMEM leaves the array as it was. */
static int reserve_room(reference *r, size_t extra) {
  if (r->n + extra <= r->cap) return IVM_OK;
  size_t cap = r->cap ? r->cap * 2 : 16;
  while (cap < r->n + extra) cap *= 2;
  ivm_span *p = ivm__realloc(&r->base, r->spans, r->cap * sizeof *p,
                             cap * sizeof *p);
  if (!p) return IVM_NOMEM;
  r->spans = p;
  r->cap = cap;
  return IVM_OK;
}

/* The index of the first span whose end is > x (or >= x when touching
 * counts), by binary search. Every span before it ends at or before x, so a
 * scan for anything at or after x may start there. */
static size_t first_ending_after(const reference *r, int64_t x, bool touching) {
  size_t lo = 0, hi = r->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    bool before = touching ? r->spans[mid].end < x : r->spans[mid].end <= x;
    if (before)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Replaces spans[i, j) by the k spans in repl. */
static void splice(reference *r, size_t i, size_t j, const ivm_span *repl,
                   size_t k) {
  memmove(r->spans + i + k, r->spans + j, (r->n - j) * sizeof *r->spans);
  memcpy(r->spans + i, repl, k * sizeof *repl);
  r->n = r->n - (j - i) + k;
}

static int ref_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  reference *r = (reference *)m;
  if (reserve_room(r, 1) != IVM_OK) return IVM_NOMEM;
  /* Spans [i, j) overlap or touch [start, end); they merge into one. */
  size_t i = first_ending_after(r, start, true);
  size_t j = i;
  int64_t merged_start = start, merged_end = end, already_free = 0;
  while (j < r->n && r->spans[j].start <= end) {
    int64_t lo = ivm__max64(r->spans[j].start, start);
    int64_t hi = ivm__min64(r->spans[j].end, end);
    if (lo < hi) already_free += hi - lo;
    merged_start = ivm__min64(merged_start, r->spans[j].start);
    merged_end = ivm__max64(merged_end, r->spans[j].end);
    j++;
  }
  ivm_span merged = {merged_start, merged_end};
  splice(r, i, j, &merged, 1);
  *changed = (end - start) - already_free;
  r->total += *changed;
  return IVM_OK;
}

/* True when [start, end) lies inside one free span. */
static bool covered(const reference *r, int64_t start, int64_t end) {
  size_t i = first_ending_after(r, start, false);
  return i < r->n && r->spans[i].start <= start && end <= r->spans[i].end;
}

static int ref_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                       int64_t *changed) {
  reference *r = (reference *)m;
  if ((flags & IVM_REQUIRE_COVERED) && !covered(r, start, end))
    return IVM_CONFLICT;
  if (reserve_room(r, 1) != IVM_OK) return IVM_NOMEM;
  /* Spans [i, j) strictly overlap [start, end); what sticks out of it on
   * either side survives as remainders. */
  size_t i = first_ending_after(r, start, false);
  size_t j = i;
  ivm_span keep[2];
  size_t k = 0;
  int64_t taken = 0;
  while (j < r->n && r->spans[j].start < end) {
    ivm_span s = r->spans[j];
    if (s.start < start) keep[k++] = (ivm_span){s.start, start};
    if (s.end > end) keep[k++] = (ivm_span){end, s.end};
    taken += ivm__min64(s.end, end) - ivm__max64(s.start, start);
    j++;
  }
  splice(r, i, j, keep, k);
  r->total -= taken;
  *changed = taken;
  return IVM_OK;
}

static bool ref_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                     ivm_span *out) {
  const reference *r = (const reference *)m;
  for (size_t i = first_ending_after(r, p, false); i < r->n; i++) {
    int64_t a = ivm__max64(p, r->spans[i].start);
    if (a < r->spans[i].end && r->spans[i].end - a >= len) {
      if (a + len > not_after) return false;
      *out = (ivm_span){a, a + len};
      return true;
    }
  }
  return false;
}

static bool ref_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  const reference *r = (const reference *)m;
  const ivm_span *best = NULL;
  for (size_t i = 0; i < r->n; i++) {
    int64_t l = r->spans[i].end - r->spans[i].start;
    if (l >= len && (!best || l < best->end - best->start)) best = &r->spans[i];
  }
  if (!best) return false;
  *out = (ivm_span){best->start, best->start + len};
  return true;
}

static bool ref_largest(const ivm *m, ivm_span *out) {
  const reference *r = (const reference *)m;
  const ivm_span *best = NULL;
  for (size_t i = 0; i < r->n; i++)
    if (!best || r->spans[i].end - r->spans[i].start > best->end - best->start)
      best = &r->spans[i];
  if (!best) return false;
  *out = *best;
  return true;
}

static int64_t ref_total_free(const ivm *m) {
  return ((const reference *)m)->total;
}

static int64_t ref_count(const ivm *m) {
  return (int64_t)((const reference *)m)->n;
}

static int ref_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                    void *ud) {
  const reference *r = (const reference *)m;
  for (size_t i = first_ending_after(r, start, false);
       i < r->n && r->spans[i].start < end; i++) {
    int rc = fn(ud, r->spans[i].start, r->spans[i].end);
    if (rc) return rc;
  }
  return 0;
}

static void ref_summary(const ivm *m, ivm_summary *out) {
  const reference *r = (const reference *)m;
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < r->n; i++) {
    int64_t l = r->spans[i].end - r->spans[i].start;
    if (i == 0 || l > out->largest) {
      out->largest = l;
      out->largest_start = r->spans[i].start;
    }
    if (i == 0 || l < out->smallest) out->smallest = l;
    out->total += l;
  }
  out->count = (int64_t)r->n;
  if (r->n) {
    out->first = r->spans[0].start;
    out->last = r->spans[r->n - 1].end;
  }
}

static size_t ref_counters(const ivm *m, ivm_counter *out, size_t cap) {
  const reference *r = (const reference *)m;
  const ivm_counter all[] = {
      {"spans", (int64_t)r->n},
      {"capacity", (int64_t)r->cap},
      {"bytes", (int64_t)(sizeof *r + r->cap * sizeof *r->spans)},
  };
  size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n && i < cap; i++) out[i] = all[i];
  return n;
}

static int ref_check(const ivm *m, char *why, size_t why_len) {
  const reference *r = (const reference *)m;
  if (r->n > r->cap)
    return ivm__fail(why, why_len, "%zu spans in an array of %zu", r->n,
                     r->cap);
  return IVM_OK;
}

static void ref_dump(const ivm *m, FILE *out) {
  const reference *r = (const reference *)m;
  fprintf(out, "reference: %zu spans (capacity %zu), total %lld\n", r->n,
          r->cap, (long long)r->total);
  for (size_t i = 0; i < r->n; i++)
    fprintf(out, "  [%lld, %lld)\n", (long long)r->spans[i].start,
            (long long)r->spans[i].end);
}

const struct ivm_ops ivm__reference_ops = {
    .name = "reference",
    .description = "sorted array, linear scans and splices; the obviously correct oracle",
    .instance_size = sizeof(reference),
    .init = ref_init,
    .fini = ref_fini,
    .release = ref_release,
    .reserve = ref_reserve,
    .find = ref_find,
    .best_fit = ref_best_fit,
    .largest = ref_largest,
    .total_free = ref_total_free,
    .count = ref_count,
    .each = ref_each,
    .summary = ref_summary,
    .counters = ref_counters,
    .check = ref_check,
    .dump = ref_dump,
};
