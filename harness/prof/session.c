/* session.c - the runs behind one implementation's profile: uninstrumented
 * timing, the sampled instrumented run under the recorder, the CPU profile.
 * Every run starts from a fresh instance that plays the setup operations on
 * the normal build; only the measured operations are timed or sampled. */
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpuprof.h"
#include "clock.h"
#include "exec.h"
#include "measure.h"
#include "prng.h"

/* The profiling build's registry, renamed by instrument.cmake. */
const struct ivm_ops *ivm__prof_ivm_impl_find(const char *name);

const struct ivm_ops *ivm_prof_instrumented(const char *name) {
  return ivm__prof_ivm_impl_find(name);
}

/* The frame of each operation kind in the profile. */
static const char *const op_frames[IVM_OP_KINDS] = {
#define OP_FRAME(name, text) "{" text "}",
    IVM_OP_KIND_MAP(OP_FRAME)
#undef OP_FRAME
};

static int hash_span(void *ud, int64_t start, int64_t end) {
  uint64_t *h = ud;
  *h = (*h ^ (uint64_t)start) * 0x100000001b3u;
  *h = (*h ^ (uint64_t)end) * 0x100000001b3u;
  return 0;
}

/* A fingerprint of the free spans, to prove two runs ended alike. */
static uint64_t fingerprint(const ivm *m) {
  uint64_t h = 0xcbf29ce484222325u;
  ivm_each(m, INT64_MIN, INT64_MAX, hash_span, &h);
  return h ^ (uint64_t)ivm_count(m);
}

/* What one pass over the measured operations measured. */
typedef struct pass {
  int64_t wall_ns, cpu_ns; /* the whole pass */
  uint64_t dropped;        /* sampled operations whose times were dropped */
  uint64_t print;          /* fingerprint of the final state */
} pass;

/* The clock is wall time, so a thread preempted by a busy machine would
 * charge the wait to whatever function was running. The guard compares
 * wall time with the thread's CPU time over intervals of CHECK_SAMPLED
 * sampled or CHECK_OPS operations, whichever ends first (a CPU-time read is
 * a system call, too dear for every operation, and short intervals lose
 * little when dropped), and drops the times recorded in an interval with a
 * wait, keeping its calls. */
enum { CHECK_SAMPLED = 64, CHECK_OPS = 512, WAIT_LIMIT_NS = 20000 };

typedef struct guard {
  int64_t cpu0;
  uint64_t t0;
  uint64_t pending; /* sampled operations in the current interval */
  uint64_t ops;     /* operations in the current interval */
} guard;

static void guard_start(guard *g, const ivm_clock *c) {
  g->pending = 0;
  g->ops = 0;
  g->cpu0 = (int64_t)ivm_clock_thread_cpu_ns(); /* CPU time brackets the wall time */
  g->t0 = ivm_clock_now(c);
}

static void guard_check(guard *g, const ivm_clock *c, uint64_t *dropped) {
  double wall = ivm_clock_ns(c, ivm_clock_now(c) - g->t0);
  double cpu = (double)((int64_t)ivm_clock_thread_cpu_ns() - g->cpu0);
  if (wall - cpu > WAIT_LIMIT_NS) {
    ivm_prof_recorder_drop_times();
    *dropped += g->pending;
  } else {
    ivm_prof_recorder_checkpoint();
  }
  guard_start(g, c);
}

/* Plays the measured operations; those with sampled[i] set run on instr
 * inside their operation's frame, under the guard. */
static int play(const ivm_prof_session *ss, const struct ivm_ops *normal,
                const struct ivm_ops *instr, const uint8_t *sampled,
                pass *out) {
  const ivm_stream *s = ss->stream;
  ivm *m;
  int rc = ivm_prepare(normal, s, &m);
  if (rc != IVM_OK) return rc;
  ivm_result r;
  guard g;
  out->dropped = 0;
  int64_t cpu0 = (int64_t)ivm_clock_thread_cpu_ns();
  uint64_t t0 = ivm_clock_now(ss->clock);
  if (sampled) guard_start(&g, ss->clock);
  for (size_t i = s->setup; i < s->count; i++) {
    const ivm_op *op = &s->ops[i];
    if (sampled && sampled[i - s->setup]) {
      m->ops = instr;
      ivm_prof_mark_enter(op_frames[op->kind]);
      ivm_exec(m, op, &r);
      ivm_prof_mark_exit();
      m->ops = normal;
      g.pending++;
    } else {
      ivm_exec(m, op, &r);
    }
    if (sampled && (g.pending == CHECK_SAMPLED || ++g.ops == CHECK_OPS))
      guard_check(&g, ss->clock, &out->dropped);
  }
  if (sampled) guard_check(&g, ss->clock, &out->dropped);
  out->wall_ns = (int64_t)ivm_clock_ns(ss->clock, ivm_clock_now(ss->clock) -
                                                      t0);
  out->cpu_ns = (int64_t)ivm_clock_thread_cpu_ns() - cpu0;
  char why[256];
  rc = ivm_check(m, why, sizeof why);
  out->print = fingerprint(m);
  ivm_destroy(m);
  return rc;
}

/* Which measured operations run instrumented: a Bernoulli draw per
 * operation from the seeded PRNG (53 random bits against the rate). */
static uint8_t *plan(const ivm_prof_session *ss, size_t n, uint64_t *count) {
  uint8_t *sampled = malloc(n ? n : 1);
  if (!sampled) return NULL;
  ivm_prng r;
  ivm_prng_seed(&r, ss->seed ^ 0x70726f66696c65u); /* "profile" */
  *count = 0;
  for (size_t i = 0; i < n; i++) {
    double u = (double)(ivm_prng_next(&r) >> 11) * 0x1.0p-53;
    sampled[i] = ss->rate >= 1.0 || u < ss->rate;
    *count += sampled[i];
  }
  return sampled;
}

/* What a call cost on average in this very run: profiled minus
 * uninstrumented CPU time over the calls recorded; 0 when that difference
 * does not stand clear of the noise, taken as three times the spread of the
 * two uninstrumented runs (a low sample rate). It is reported, not
 * subtracted: it varies with the code around each call (a clock read that
 * overlaps cheap code stalls behind a cache miss), so subtracting the
 * average would push cheap functions below zero and leave costly ones
 * inflated. */
static double measured_call_cost(const ivm_prof_run *run,
                                 const pass plain[2]) {
  double diff = (double)(run->profiled_ns - run->plain_ns);
  double spread = (double)llabs(plain[0].cpu_ns - plain[1].cpu_ns);
  if (run->calls == 0 || diff <= 3 * spread || diff <= 0) return 0;
  return diff / (double)run->calls;
}

int ivm_prof_session_run(const ivm_prof_session *ss,
                         const struct ivm_ops *normal,
                         const struct ivm_ops *instr, ivm_prof_run *run,
                         ivm_prof_tree *tree, char *why, size_t why_len) {
  const ivm_stream *s = ss->stream;
  size_t n = ivm_stream_measured(s);
  ivm_prof_tree_init(tree);
  uint64_t sampled_count;
  pass plain[2], profiled;
  uint8_t *sampled = plan(ss, n, &sampled_count);
  if (!sampled) {
    snprintf(why, why_len, "out of memory");
    return -1;
  }
  int rc = IVM_OK;
  for (int k = 0; k < 2 && rc == IVM_OK; k++)
    rc = play(ss, normal, NULL, NULL, &plain[k]);
  if (rc == IVM_OK && ivm_prof_recorder_start(ss->clock) != 0) rc = IVM_NOMEM;
  if (rc == IVM_OK) rc = play(ss, normal, instr, sampled, &profiled);
  ivm_prof_recorder_stop();
  free(sampled);
  if (rc != IVM_OK) {
    snprintf(why, why_len, "%s: the run failed: %s", normal->name,
             ivm_strerror(rc));
    return -1;
  }
  if (plain[0].print != profiled.print) {
    snprintf(why, why_len, "%s: the sampled run ended in a different state "
             "than the uninstrumented one: the two builds disagree",
             normal->name);
    return -1;
  }
  if (ivm_prof_recorder_take(tree, ss->syms, why, why_len) != 0) return -1;
  run->seed = ss->seed;
  run->ops = n;
  run->ops_sampled = sampled_count;
  run->ops_dropped = profiled.dropped;
  run->rate = ss->rate;
  run->calls = ivm_prof_tree_calls(tree);
  run->plain_ns = plain[0].cpu_ns < plain[1].cpu_ns ? plain[0].cpu_ns
                                                    : plain[1].cpu_ns;
  run->profiled_ns = profiled.cpu_ns;
  run->wall_ns = profiled.wall_ns;
  run->hook_ns = ss->cost->outer_ns;
  run->call_ns = measured_call_cost(run, plain);
  if (ivm_prof_tree_subtract(tree, ss->cost) != 0) {
    snprintf(why, why_len, "out of memory");
    ivm_prof_tree_free(tree);
    return -1;
  }
  return 0;
}

int ivm_prof_session_cpu(const ivm_prof_session *ss,
                         const struct ivm_ops *normal, const char *path,
                         double seconds, uint64_t *samples, char *why,
                         size_t why_len) {
  /* The gate lives until ivm_prof_cpu_stop, after which nothing reads it. */
  volatile sig_atomic_t measuring = 0;
  ivm_prof_cpu cpu = {0};
  const ivm_stream *s = ss->stream;
  *samples = 0;
  if (ivm_prof_cpu_start(&cpu, path, &measuring, why, why_len) != 0)
    return -1;
  double spent = 0;
  int rc = IVM_OK;
  do {
    ivm *m;
    rc = ivm_prepare(normal, s, &m);
    if (rc != IVM_OK) break;
    uint64_t t0 = ivm_clock_now(ss->clock);
    measuring = 1;
    ivm_exec_run(m, s->ops + s->setup, s->count - s->setup);
    measuring = 0;
    spent += ivm_clock_ns(ss->clock, ivm_clock_now(ss->clock) - t0) / 1e9;
    ivm_destroy(m);
  } while (spent < seconds && s->count > s->setup);
  *samples = ivm_prof_cpu_stop(&cpu);
  if (rc != IVM_OK) {
    snprintf(why, why_len, "%s: the run failed: %s", normal->name,
             ivm_strerror(rc));
    return -1;
  }
  return 0;
}
