/* prng.h - the tests' random helpers, over the harness's seeded generator
 * (xoshiro256** seeded through splitmix64), so a seed gives the same
 * operations on every machine and no test depends on rand() or the clock. */
#ifndef IVM_TEST_PRNG_H
#define IVM_TEST_PRNG_H

#include <stdint.h>

#include "../harness/prng.h"

typedef ivm_prng prng;

static inline void prng_seed(prng *g, uint64_t seed) { ivm_prng_seed(g, seed); }

static inline uint64_t prng_next(prng *g) { return ivm_prng_next(g); }

/* Uniform in [0, n); n == 0 means the whole 64-bit range. */
static inline uint64_t prng_below(prng *g, uint64_t n) {
  return n ? ivm_prng_below(g, n) : ivm_prng_next(g);
}

/* Uniform in [lo, hi] for any lo <= hi, the full int64 range included. */
static inline int64_t prng_between(prng *g, int64_t lo, int64_t hi) {
  return ivm_prng_range(g, lo, hi);
}

/* True with probability percent / 100. */
static inline int prng_chance(prng *g, unsigned percent) {
  return prng_below(g, 100) < percent;
}

#endif /* IVM_TEST_PRNG_H */
