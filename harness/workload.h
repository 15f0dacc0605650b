/* workload.h - workload profiles (profiles/NAME.profile) and the seeded,
 * platform-independent operation streams generated from them.
 *
 * Usage:
 *
 *     ivm_profile p;
 *     char err[512];
 *     if (ivm_profile_load("standard", &p, err, sizeof err) != IVM_OK) {
 *       fprintf(stderr, "%s\n", err);  // "profiles/x.profile:3: unknown key"
 *       exit(2);
 *     }
 *     ivm_stream s = {0};
 *     ivm_workload_generate(&p, 42, 10000, &s, err, sizeof err);
 *     // s.ops[0 .. s.setup) build the initial state, then 10000 measured ops
 *     ivm_stream_free(&s);
 *
 * A profile file holds `key = value` lines; `#` starts a comment:
 *
 *   description = ONE LINE         shown by `ivmprof list`
 *   universe = LO HI               the coordinates the workload works in
 *   domain = on|off                manage exactly the universe (default off)
 *   initial = full                 setup releases [LO, HI) (the default)
 *   initial = empty                nothing is free at the start
 *   initial = fragments COUNT LEN STRIDE FAR
 *                                  COUNT spans of LEN every STRIDE from LO,
 *                                  then one span of FAR right after them
 *   prefill_reserves = N           setup also makes N random reserves
 *   mix = KIND:WEIGHT ...          the measured operations and their weights
 *   starts = LO HI                 start points, uniform in [LO, HI]
 *                                  (default [LO, HI - max length])
 *   lengths = LO HI                reserve/release lengths, uniform in [LO, HI]
 *   find_lengths = LO HI           find/allocate/bestfit lengths
 *                                  (default: lengths)
 *   window = W                     bounded kinds: not_after = p + len + U[0, W]
 *                                  (default 10 * the largest find length)
 *   ops = N                        the default number of measured operations,
 *                                  and the size that `scale` grows from
 *
 * Mix kinds: reserve, release, reserve-covered, find, find-bounded, allocate,
 * allocate-bounded, bestfit, largest, stats, and free. `free` releases
 * exactly a span that an earlier allocate or reserve-covered obtained, picked
 * uniformly (an allocate when there is none yet); to know what those
 * obtained, generation runs the stream on the reference implementation.
 *
 * Numbers may contain `_` between digits (1_000_000). Coordinates stay
 * within +-2^61 and lengths within 2^40, so no width, end or deadline the
 * harness computes overflows.
 */
#ifndef IVM_HARNESS_WORKLOAD_H
#define IVM_HARNESS_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "op.h"

#define IVM_MIX_KIND_MAP(XX)                    \
  XX(RESERVE, "reserve")                        \
  XX(RELEASE, "release")                        \
  XX(RESERVE_COVERED, "reserve-covered")        \
  XX(FIND, "find")                              \
  XX(FIND_BOUNDED, "find-bounded")              \
  XX(ALLOCATE, "allocate")                      \
  XX(ALLOCATE_BOUNDED, "allocate-bounded")      \
  XX(BEST_FIT, "bestfit")                       \
  XX(LARGEST, "largest")                        \
  XX(STATS, "stats")                            \
  XX(FREE, "free")

typedef enum ivm_mix_kind {
#define IVM_MIX_KIND_ENUM(name, text) IVM_MIX_##name,
  IVM_MIX_KIND_MAP(IVM_MIX_KIND_ENUM)
#undef IVM_MIX_KIND_ENUM
  IVM_MIX_KINDS
} ivm_mix_kind;

typedef enum ivm_initial {
  IVM_INITIAL_FULL,
  IVM_INITIAL_EMPTY,
  IVM_INITIAL_FRAGMENTS,
} ivm_initial;

#define IVM_PROFILE_NAME_MAX 64
#define IVM_PROFILE_TEXT_MAX 200
#define IVM_PROFILE_COORD_LIMIT ((int64_t)1 << 61)
#define IVM_PROFILE_LENGTH_LIMIT ((int64_t)1 << 40)
#define IVM_PROFILE_COUNT_LIMIT ((int64_t)1 << 32)

typedef struct ivm_profile {
  char name[IVM_PROFILE_NAME_MAX];
  char description[IVM_PROFILE_TEXT_MAX];
  int64_t universe_lo, universe_hi;
  bool domain;
  ivm_initial initial;
  int64_t fragment_count, fragment_len, fragment_stride, far_len;
  int64_t prefill_reserves;
  int64_t start_lo, start_hi;
  int64_t len_lo, len_hi;
  int64_t find_len_lo, find_len_hi;
  int64_t window;
  int64_t ops;
  uint32_t weight[IVM_MIX_KINDS];
} ivm_profile;

/* The mix name of a kind ("allocate-bounded"). */
const char *ivm_mix_name(ivm_mix_kind kind);

/* Where named profiles live: $IVM_PROFILES if set, else the source tree's
 * profiles/ when it exists, else the installed share/ivm/profiles. */
const char *ivm_profile_dir(void);
/* The file of a profile: NAME is looked up in ivm_profile_dir() as
 * NAME.profile; anything containing '/' or ending in ".profile" is a path. */
void ivm_profile_path(const char *name, char *buf, size_t size);
/* Calls fn with the name (without ".profile") of every profile in dir, in
 * byte order. Returns the number of profiles, or -1 (errno set) when dir
 * cannot be read. */
int ivm_profile_each(const char *dir, void (*fn)(void *ud, const char *name),
                     void *ud);

/* Reads and checks a profile by name or path. IVM_INVAL with
 * "FILE:LINE: reason" (or "FILE: reason") in err when it is missing or
 * malformed; *p is then unspecified. */
int ivm_profile_load(const char *name, ivm_profile *p, char *err,
                     size_t err_len);
/* The same for text already in memory; origin names it in messages and its
 * last path component, minus ".profile", becomes the profile's name. */
int ivm_profile_parse(const char *text, const char *origin, ivm_profile *p,
                      char *err, size_t err_len);

/* The profile grown (or shrunk) for `ops` measured operations: the universe,
 * start range, prefill and fragment count scale by ops / p->ops, lengths
 * stay, so live span counts grow with the operation count. IVM_OVERFLOW
 * with a reason when the result would leave the profile limits. */
int ivm_profile_scale(const ivm_profile *p, int64_t ops, ivm_profile *out,
                      char *err, size_t err_len);

/* Generates the setup operations and then `ops` measured operations into
 * *out (which must be empty). The same profile, seed and ops give the same
 * stream on every platform. IVM_NOMEM with a reason in err when memory runs
 * out; *out is then empty. */
int ivm_workload_generate(const ivm_profile *p, uint64_t seed, size_t ops,
                          ivm_stream *out, char *err, size_t err_len);

#endif /* IVM_HARNESS_WORKLOAD_H */
