/* prng.h - the tests' own random streams: xoshiro256** seeded through
 * splitmix64, so a seed gives the same operations on every machine and no
 * test ever depends on rand() or the clock. */
#ifndef IVM_TEST_PRNG_H
#define IVM_TEST_PRNG_H

#include <stdint.h>

typedef struct prng {
  uint64_t s[4];
} prng;

static inline uint64_t prng_splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static inline void prng_seed(prng *g, uint64_t seed) {
  for (int i = 0; i < 4; i++) g->s[i] = prng_splitmix64(&seed);
}

static inline uint64_t prng_next(prng *g) {
  uint64_t *s = g->s;
  uint64_t x = s[1] * 5;
  uint64_t result = ((x << 7) | (x >> 57)) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = (s[3] << 45) | (s[3] >> 19);
  return result;
}

/* Uniform in [0, n); n == 0 means the whole 64-bit range. The modulo bias is
 * at most n / 2^64, far below anything a test could notice. */
static inline uint64_t prng_below(prng *g, uint64_t n) {
  uint64_t x = prng_next(g);
  return n ? x % n : x;
}

/* Uniform in [lo, hi] for any lo <= hi, the full int64 range included. */
static inline int64_t prng_between(prng *g, int64_t lo, int64_t hi) {
  uint64_t width = (uint64_t)hi - (uint64_t)lo + 1; /* 0: the full range */
  return (int64_t)((uint64_t)lo + prng_below(g, width));
}

/* True with probability percent / 100. */
static inline int prng_chance(prng *g, unsigned percent) {
  return prng_below(g, 100) < percent;
}

#endif /* IVM_TEST_PRNG_H */
