/* clock.h - a cheap monotonic clock for measurement.
 *
 * Usage:
 *
 *     ivm_clock c;
 *     ivm_clock_init(&c);                // calibrates; takes about 50 ms
 *     uint64_t t0 = ivm_clock_now(&c);
 *     work();
 *     double ns = ivm_clock_ns(&c, ivm_clock_now(&c) - t0);
 *
 * On x86-64 with an invariant TSC the clock reads the time-stamp counter
 * (serialised with lfence so the read does not drift into the measured
 * code) and converts ticks to nanoseconds with a rate calibrated against
 * CLOCK_MONOTONIC. Elsewhere it reads CLOCK_MONOTONIC directly, in
 * nanoseconds. ivm_clock_init also measures the cost of one pair of reads,
 * which every per-operation figure includes.
 */
#ifndef IVM_HARNESS_CLOCK_H
#define IVM_HARNESS_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <x86intrin.h>
#define IVM_CLOCK_HAVE_TSC 1
#else
#define IVM_CLOCK_HAVE_TSC 0
#endif

typedef struct ivm_clock {
  bool tsc;             /* ticks are TSC cycles, else nanoseconds */
  double ns_per_tick;   /* 1.0 without the TSC */
  double overhead_ns;   /* median cost of two back-to-back reads */
  double overhead_min_ns;
  const char *source;   /* "tsc" or "clock_gettime(CLOCK_MONOTONIC)" */
} ivm_clock;

/* Chooses the source, calibrates it and measures its overhead. */
void ivm_clock_init(ivm_clock *c);
/* Forces CLOCK_MONOTONIC (for tests and machines with an unreliable TSC),
 * then measures its overhead. */
void ivm_clock_init_monotonic(ivm_clock *c);

/* Nanoseconds of CLOCK_MONOTONIC; for coarse wall-time decisions. */
uint64_t ivm_clock_monotonic_ns(void);
/* CPU time of the calling thread in nanoseconds: unlike the wall clock it
 * does not advance while the thread waits for a busy CPU. */
uint64_t ivm_clock_thread_cpu_ns(void);

/* The current time in ticks. Inline: it sits inside measured loops. */
static inline uint64_t ivm_clock_now(const ivm_clock *c) {
#if IVM_CLOCK_HAVE_TSC
  if (c->tsc) {
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
  }
#endif
  (void)c;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Ticks to nanoseconds. */
static inline double ivm_clock_ns(const ivm_clock *c, uint64_t ticks) {
  return (double)ticks * c->ns_per_tick;
}

#endif /* IVM_HARNESS_CLOCK_H */
