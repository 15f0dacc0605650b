/* percentiles.c - nearest-rank percentiles and medians; sorting is the only
 * work, so the figures are exact for the samples given. */
#include "percentiles.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Index of the nearest-rank pct-th percentile among n sorted samples:
 * ceil(pct * n / 100) - 1, in integers so it never rounds the wrong way. */
static size_t rank(size_t n, unsigned pct) {
  size_t r = (n * pct + 99) / 100;
  return r ? r - 1 : 0;
}

void ivm_latency_from_ticks(uint64_t *ticks, size_t n, double ns_per_tick,
                            ivm_latency *out) {
  memset(out, 0, sizeof *out);
  if (n == 0) return;
  qsort(ticks, n, sizeof *ticks, cmp_u64);
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += (double)ticks[i];
  out->count = n;
  out->mean = sum / (double)n * ns_per_tick;
  out->min = (double)ticks[0] * ns_per_tick;
  out->p50 = (double)ticks[rank(n, 50)] * ns_per_tick;
  out->p95 = (double)ticks[rank(n, 95)] * ns_per_tick;
  out->p99 = (double)ticks[rank(n, 99)] * ns_per_tick;
  out->max = (double)ticks[n - 1] * ns_per_tick;
}

void ivm_spread_of(double *v, size_t n, ivm_spread *out) {
  memset(out, 0, sizeof *out);
  if (n == 0) return;
  qsort(v, n, sizeof *v, cmp_double);
  out->count = n;
  out->min = v[0];
  out->max = v[n - 1];
  out->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
