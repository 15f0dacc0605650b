/* prng.h - seeded pseudo-random numbers for workloads: splitmix64 expands a
 * seed into state, xoshiro256** produces the stream. Integer arithmetic
 * only, so a seed gives the same numbers on every platform and compiler.
 * Never rand(), never the clock.
 *
 * Usage:
 *
 *     ivm_prng r;
 *     ivm_prng_seed(&r, 42);
 *     int64_t len = ivm_prng_range(&r, 10, 100);  // uniform in [10, 100]
 *     uint64_t k = ivm_prng_below(&r, 7);         // uniform in [0, 7)
 */
#ifndef IVM_PRNG_H
#define IVM_PRNG_H

#include <stdint.h>

typedef struct ivm_prng {
  uint64_t s[4];
} ivm_prng;

/* One step of splitmix64: advances *state and returns the next output. */
static inline uint64_t ivm_splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Any seed is fine, 0 included: splitmix64 never yields an all-zero state
 * for four consecutive outputs. */
static inline void ivm_prng_seed(ivm_prng *r, uint64_t seed) {
  for (int i = 0; i < 4; i++) r->s[i] = ivm_splitmix64(&seed);
}

static inline uint64_t ivm_prng_rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

/* The next 64 random bits (xoshiro256**). */
static inline uint64_t ivm_prng_next(ivm_prng *r) {
  uint64_t *s = r->s;
  uint64_t result = ivm_prng_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = ivm_prng_rotl(s[3], 45);
  return result;
}

/* Uniform in [0, n) for n > 0, without modulo bias: outputs below
 * 2^64 mod n are rejected so every residue is equally likely. */
static inline uint64_t ivm_prng_below(ivm_prng *r, uint64_t n) {
  uint64_t threshold = (0 - n) % n;
  for (;;) {
    uint64_t x = ivm_prng_next(r);
    if (x >= threshold) return x % n;
  }
}

/* Uniform in [lo, hi] (both included) for lo <= hi, the full int64 range
 * included. The sum is formed in unsigned arithmetic, where it cannot
 * overflow, and lies in [lo, hi] by construction. */
static inline int64_t ivm_prng_range(ivm_prng *r, int64_t lo, int64_t hi) {
  uint64_t width = (uint64_t)hi - (uint64_t)lo;
  uint64_t offset = width == UINT64_MAX ? ivm_prng_next(r)
                                        : ivm_prng_below(r, width + 1);
  uint64_t v = (uint64_t)lo + offset;
  /* Converting back without relying on implementation-defined wrap-around:
   * values above INT64_MAX are negative numbers offset by 2^64. */
  return v <= (uint64_t)INT64_MAX ? (int64_t)v
                                  : -(int64_t)(UINT64_MAX - v) - 1;
}

#endif /* IVM_PRNG_H */
