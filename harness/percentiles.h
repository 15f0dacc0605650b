/* percentiles.h - summaries of measured samples: latency percentiles and
 * the median and spread of repeated runs.
 *
 * Usage:
 *
 *     ivm_latency lat;
 *     ivm_latency_from_ticks(samples, n, clock.ns_per_tick, &lat);
 *     printf("p99 %.0f ns\n", lat.p99);
 *
 * Percentiles are nearest-rank: pXX is the smallest sample with at least
 * XX% of the samples at or below it, so every figure is a measured value.
 */
#ifndef IVM_HARNESS_PERCENTILES_H
#define IVM_HARNESS_PERCENTILES_H

#include <stddef.h>
#include <stdint.h>

typedef struct ivm_latency {
  size_t count;
  double mean;  /* nanoseconds, like all fields below */
  double min;
  double p50;
  double p95;
  double p99;
  double max;
} ivm_latency;

typedef struct ivm_spread {
  size_t count;
  double median; /* mean of the two middle values for an even count */
  double min;
  double max;
} ivm_spread;

/* Sorts ticks[0..n) in place and summarises them in nanoseconds. n == 0
 * gives all zeros. */
void ivm_latency_from_ticks(uint64_t *ticks, size_t n, double ns_per_tick,
                            ivm_latency *out);
/* Sorts v[0..n) in place and gives its median, min and max. n == 0 gives
 * zeros. */
void ivm_spread_of(double *v, size_t n, ivm_spread *out);

#endif /* IVM_HARNESS_PERCENTILES_H */
