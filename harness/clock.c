/* clock.c - choosing, calibrating and costing the measurement clock. The TSC
 * is used only when the CPU says it is invariant (constant rate, running in
 * every power state); its rate comes from comparing it with CLOCK_MONOTONIC
 * over a short busy wait, never from a nominal frequency. */
#include "clock.h"

#include <stdlib.h>
#include <string.h>

#if IVM_CLOCK_HAVE_TSC
#include <cpuid.h>
#endif

uint64_t ivm_clock_monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t ivm_clock_thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#if IVM_CLOCK_HAVE_TSC
/* CPUID leaf 0x80000007, EDX bit 8: the TSC is invariant. */
static bool tsc_invariant(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
    return false;
  __get_cpuid(0x80000007u, &a, &b, &c, &d);
  return (d >> 8) & 1u;
}
#endif

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* The cost of one pair of reads, as the measured loops pay it: the median
 * and the minimum over many pairs, in nanoseconds. */
static void measure_overhead(ivm_clock *c) {
  enum { PAIRS = 4096 };
  uint64_t d[PAIRS];
  for (int i = 0; i < PAIRS; i++) {
    uint64_t t0 = ivm_clock_now(c);
    uint64_t t1 = ivm_clock_now(c);
    d[i] = t1 - t0;
  }
  qsort(d, PAIRS, sizeof d[0], cmp_u64);
  c->overhead_ns = ivm_clock_ns(c, d[PAIRS / 2]);
  c->overhead_min_ns = ivm_clock_ns(c, d[0]);
}

void ivm_clock_init_monotonic(ivm_clock *c) {
  memset(c, 0, sizeof *c);
  c->tsc = false;
  c->ns_per_tick = 1.0;
  c->source = "clock_gettime(CLOCK_MONOTONIC)";
  measure_overhead(c);
}

void ivm_clock_init(ivm_clock *c) {
  ivm_clock_init_monotonic(c);
#if IVM_CLOCK_HAVE_TSC
  if (!tsc_invariant()) return;
  /* Three short windows; the median rate resists one preempted window. */
  double rate[3];
  for (int i = 0; i < 3; i++) {
    uint64_t m0 = ivm_clock_monotonic_ns(), t0 = __rdtsc();
    uint64_t m1;
    do m1 = ivm_clock_monotonic_ns();
    while (m1 - m0 < 15000000u);
    uint64_t t1 = __rdtsc();
    rate[i] = (double)(m1 - m0) / (double)(t1 - t0);
  }
  double lo = rate[0] < rate[1] ? rate[0] : rate[1];
  double hi = rate[0] < rate[1] ? rate[1] : rate[0];
  double median = rate[2] < lo ? lo : rate[2] > hi ? hi : rate[2];
  if (!(median > 0)) return;
  c->tsc = true;
  c->ns_per_tick = median;
  c->source = "tsc";
  measure_overhead(c);
#endif
}
