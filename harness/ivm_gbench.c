/* ivm_gbench.c - Google Benchmark over every implementation: each operation
 * on prepared states of 2^10 .. 2^20 live spans with complexity fits,
 * replays of every workload profile, and bytes per live span.
 *
 * A prepared state of N spans, built by releases in increasing order:
 *
 *     span i = [64i, 64i + len_i)        len_i in [8, 40], a hash of i
 *
 *     64i      64i+len_i      64i+48  64i+52     64(i+1)
 *     |==span i==|.....................[probe]......|==span i+1==
 *        [64i+2, 64i+4) lies inside every span (len_i >= 8)
 *
 * The release probe sits in the gap touching nothing, so releasing it adds
 * a span; reserving [64i+2, 64i+4) splits span i. Each mutation is undone,
 * untimed, after its batch (N/16 operations at most, on distinct spans), so
 * the state holds between N and N + N/16 spans while timed, and exactly its
 * N spans and total again after every run, which the run checks. Before
 * each run one untimed call of every query settles the work a structure
 * defers (an index it updates lazily), so no run times the backlog left by
 * the build or by the previous benchmark's mutations.
 *
 * Positions come from a seeded random permutation of the spans. The timed
 * operations cycle over its first 1024 entries, so N changes the structure
 * but not how many places the queries touch; find_cold spreads them over
 * all N spans instead. At 2^20 spans (25-80 MB) cold positions miss the
 * caches and the TLB at most levels, so find_cold grows with the memory
 * hierarchy as much as with the structure's depth; the working set
 * isolates the structure's own growth.
 *
 * A replay runs the measured operations of a profile's stream (seed 42, the
 * profile's default count) through ivm_exec; creating the manager and the
 * stream's setup operations are untimed, also when the stream starts over.
 * timer/pause-resume measures what one pause/resume pair per batch adds to
 * each timed operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gperftools/profiler.h>

#include "alloc_count.h"
#include "exec.h"
#include "gbench.h"
#include "impls.h"
#include "ivm.h"
#include "prng.h"
#include "workload.h"

#define STRIDE 64
#define MIN_LEN 8
#define MAX_LEN 40
#define GAP_PROBE 48  /* release [64i+48, 64i+52) */
#define GAP_LEN 4
#define SPLIT_AT 2    /* reserve [64i+2, 64i+4) */
#define SPLIT_LEN 2
#define FIND_LEN 32   /* about one span in four is this long */
#define WORKING_SET 1024 /* spans the timed positions cycle over */
#define LOG2_MIN 10
#define LOG2_MAX 20
#define SEED 42

typedef enum bench_op {
  OP_RELEASE,
  OP_RESERVE,
  OP_FIND,
  OP_FIND_COLD,
  OP_ALLOCATE,
  OP_BEST_FIT,
  OP_LARGEST,
  OP_STATS,
  OPS
} bench_op;

/* What each benchmark times; the label of its rows. */
static const struct {
  const char *name;
  const char *label;
} op_info[OPS] = {
    {"release", "new 4-point span in a gap, undone per batch; 1024 spans"},
    {"reserve", "2 points splitting a span, undone per batch; 1024 spans"},
    {"find", "first fit of 32 from a span start (1 in 4 fits); 1024 spans"},
    {"find_cold", "first fit of 32 from a span start; all N spans"},
    {"allocate", "find, then reserve it, undone per batch; 1024 spans"},
    {"best_fit", "length of a span; 1024 spans"},
    {"largest", "largest span"},
    {"stats", "ivm_stats_get"},
};

/* ---- Prepared states --------------------------------------------------- */

typedef struct prepared {
  ivm *m;               /* NULL while the slot is empty */
  int64_t spans;        /* N */
  int64_t total;        /* free points of the N spans */
  uint32_t *order;      /* a random permutation of the span indices */
  int64_t cursor;       /* next entry of order */
  int64_t hot;          /* entries the working set cycles over */
  ivm_alloc_count bytes; /* what m holds; m points at it */
} prepared;

/* The states of one implementation, by log2 of their span count. Building
 * 2^20 spans takes a while, so every run of every operation reuses them;
 * they are dropped when the next implementation's benchmarks start. */
typedef struct state_cache {
  const struct ivm_ops *impl;
  prepared slot[LOG2_MAX + 1];
} state_cache;

static int64_t span_len(int64_t i) {
  uint64_t x = (uint64_t)i;
  return MIN_LEN + (int64_t)(ivm_splitmix64(&x) % (MAX_LEN - MIN_LEN + 1));
}

static void drop(prepared *p) {
  ivm_destroy(p->m);
  free(p->order);
  memset(p, 0, sizeof *p);
}

static int build(prepared *p, const struct ivm_ops *impl, int64_t n) {
  ivm_options opt = {.seed = SEED};
  ivm_alloc_count_attach(&p->bytes, &opt);
  int rc = ivm_create_ops(impl, &opt, &p->m);
  for (int64_t i = 0; rc == IVM_OK && i < n; i++) {
    int64_t len = span_len(i);
    rc = ivm_release(p->m, i * STRIDE, i * STRIDE + len, NULL);
    p->total += len;
  }
  if (rc == IVM_OK && !(p->order = malloc((size_t)n * sizeof *p->order)))
    rc = IVM_NOMEM;
  if (rc != IVM_OK) {
    drop(p);
    return rc;
  }
  ivm_prng r;
  ivm_prng_seed(&r, SEED ^ (uint64_t)n);
  for (int64_t i = 0; i < n; i++) p->order[i] = (uint32_t)i;
  for (int64_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
    int64_t j = (int64_t)ivm_prng_below(&r, (uint64_t)i + 1);
    uint32_t t = p->order[i];
    p->order[i] = p->order[j];
    p->order[j] = t;
  }
  p->spans = n;
  p->hot = n < WORKING_SET ? n : WORKING_SET;
  return IVM_OK;
}

/* The prepared state of n spans for impl, built on first use. NULL with
 * *rc set when it cannot be built. */
static prepared *prepare(state_cache *c, const struct ivm_ops *impl,
                         int64_t n, int *rc) {
  int log2 = n > 0 ? __builtin_ctzll((unsigned long long)n) : -1;
  if (log2 < 0 || n != (int64_t)1 << log2 || log2 > LOG2_MAX) {
    *rc = IVM_INVAL;
    return NULL;
  }
  if (c->impl != impl) {
    for (int i = 0; i <= LOG2_MAX; i++) drop(&c->slot[i]);
    c->impl = impl;
  }
  prepared *p = &c->slot[log2];
  *rc = p->m ? IVM_OK : build(p, impl, n);
  return *rc == IVM_OK ? p : NULL;
}

/* One call of every query, untimed: deferred work is done before timing. */
static void settle(const prepared *p) {
  ivm_span s;
  ivm_stats stats;
  ivm_find(p->m, 0, FIND_LEN, &s, NULL);
  ivm_best_fit(p->m, MIN_LEN, &s, NULL);
  ivm_largest(p->m, &s, NULL);
  ivm_stats_get(p->m, &stats);
}

static bool intact(const prepared *p) {
  return ivm_count(p->m) == p->spans && ivm_total_free(p->m) == p->total;
}

/* The next span of the random order, cycling over its first `limit`
 * entries (the working set, or all N); up to `limit` consecutive calls give
 * distinct spans. */
static inline int64_t next_span(prepared *p, int64_t limit) {
  if (p->cursor >= limit) p->cursor = 0;
  return p->order[p->cursor++];
}

/* ---- Timed loops ------------------------------------------------------- */

/* Queries never change the state: every batch is as large as the run. */
static int64_t run_query(ivm_gb_state *st, prepared *p, bench_op op) {
  const ivm *m = p->m;
  ivm_span s;
  ivm_stats stats;
  bool found;
  int64_t n, hits = 0;
  while (ivm_gb_keep_running_batch(st, 0, &n)) {
    switch (op) {
      case OP_FIND:
      case OP_FIND_COLD: {
        int64_t limit = op == OP_FIND ? p->hot : p->spans;
        for (int64_t i = 0; i < n; i++) {
          ivm_find(m, next_span(p, limit) * STRIDE, FIND_LEN, &s, &found);
          hits += found;
        }
        break;
      }
      case OP_BEST_FIT:
        for (int64_t i = 0; i < n; i++) {
          ivm_best_fit(m, span_len(next_span(p, p->hot)), &s, &found);
          hits += found;
        }
        break;
      case OP_LARGEST:
        for (int64_t i = 0; i < n; i++) {
          ivm_largest(m, &s, &found);
          hits += found;
        }
        break;
      case OP_STATS:
        for (int64_t i = 0; i < n; i++) {
          ivm_stats_get(m, &stats);
          hits += stats.free_chunks > 0;
        }
        break;
      default:
        break;
    }
  }
  return hits;
}

static bool mutates(bench_op op) {
  return op == OP_RELEASE || op == OP_RESERVE || op == OP_ALLOCATE;
}

/* One batch of n mutations on distinct spans of the working set; done[i]
 * is what operation i changed (empty for an allocate that found nothing).
 * Returns IVM_OK or the last failure; *hits counts the changes. */
static int mutate(prepared *p, bench_op op, int64_t n, ivm_span *done,
                  int64_t *hits) {
  ivm *m = p->m;
  bool found;
  int rc = IVM_OK;
  for (int64_t i = 0; i < n; i++) {
    int64_t at = next_span(p, p->hot) * STRIDE;
    int r;
    switch (op) {
      case OP_RELEASE:
        done[i] = (ivm_span){at + GAP_PROBE, at + GAP_PROBE + GAP_LEN};
        r = ivm_release(m, done[i].start, done[i].end, NULL);
        break;
      case OP_RESERVE:
        done[i] = (ivm_span){at + SPLIT_AT, at + SPLIT_AT + SPLIT_LEN};
        r = ivm_reserve(m, done[i].start, done[i].end, 0, NULL);
        break;
      default: /* OP_ALLOCATE */
        r = ivm_allocate(m, at, FIND_LEN, &done[i], &found);
        break;
    }
    if (r != IVM_OK) rc = r;
    *hits += r == IVM_OK && done[i].start < done[i].end;
  }
  return rc;
}

/* Undoes a batch of mutate: the state holds its N spans again. */
static int undo(prepared *p, bench_op op, int64_t n, const ivm_span *done) {
  int rc = IVM_OK;
  for (int64_t i = 0; i < n; i++) {
    if (done[i].start >= done[i].end) continue;
    int r = op == OP_RELEASE
                ? ivm_reserve(p->m, done[i].start, done[i].end, 0, NULL)
                : ivm_release(p->m, done[i].start, done[i].end, NULL);
    if (r != IVM_OK) rc = r;
  }
  return rc;
}

/* The largest batch: the state stays within N + N/16 spans. */
static int64_t batch_cap(const prepared *p) {
  int64_t cap = p->spans / 16 < p->hot ? p->spans / 16 : p->hot;
  return cap > 0 ? cap : 1;
}

/* Mutations: each timed batch is undone with the timer paused. Returns how
 * many operations changed something. */
static int64_t run_mutation(ivm_gb_state *st, prepared *p, bench_op op,
                            int *rc) {
  ivm_span done[WORKING_SET];
  int64_t n, hits = 0;
  *rc = IVM_OK;
  while (*rc == IVM_OK && ivm_gb_keep_running_batch(st, batch_cap(p), &n)) {
    *rc = mutate(p, op, n, done, &hits);
    ivm_gb_pause_timing(st);
    int r = undo(p, op, n, done);
    if (*rc == IVM_OK) *rc = r;
    ivm_gb_resume_timing(st);
  }
  return hits;
}

/* ---- Operation benchmarks ---------------------------------------------- */

typedef struct op_family {
  const struct ivm_ops *impl;
  bench_op op;
  state_cache *cache;
} op_family;

static void run_op(ivm_gb_state *st, void *ctx) {
  const op_family *f = ctx;
  int64_t n = ivm_gb_argument(st);
  int rc;
  char why[160];
  prepared *p = prepare(f->cache, f->impl, n, &rc);
  if (!p) {
    snprintf(why, sizeof why, "building %lld spans: %s", (long long)n,
             ivm_strerror(rc));
    ivm_gb_skip_with_error(st, why);
    return;
  }
  settle(p);
  rc = IVM_OK;
  int64_t hits = mutates(f->op) ? run_mutation(st, p, f->op, &rc)
                                : run_query(st, p, f->op);
  if (rc != IVM_OK || !intact(p)) {
    snprintf(why, sizeof why, "%s left %lld spans, %lld free (want %lld, "
             "%lld)%s%s", op_info[f->op].name, (long long)ivm_count(p->m),
             (long long)ivm_total_free(p->m), (long long)p->spans,
             (long long)p->total, rc != IVM_OK ? ": " : "",
             rc != IVM_OK ? ivm_strerror(rc) : "");
    ivm_gb_skip_with_error(st, why);
    drop(p);
    return;
  }
  ivm_gb_set_items_processed(st, ivm_gb_iterations(st));
  ivm_gb_set_complexity_n(st, n);
  ivm_gb_set_label(st, op_info[f->op].label);
  /* The share of operations that found (queries, allocate) or changed
   * (release, reserve) something; bytes are what the manager holds now. */
  ivm_gb_counter(st, "found", (double)hits, IVM_GB_AVG_ITERATIONS);
  ivm_gb_counter(st, "bytes_per_span",
                 (double)p->bytes.live_bytes / (double)p->spans, 0);
}

/* One batch of a mutation and its undo on the smallest state, as its
 * benchmark does them; false with the reason when the state is not intact
 * afterwards. Google Benchmark 1.7.1 crashes when every run of a family
 * with a complexity fit fails, so a mutation that fails here is benchmarked
 * without a fit and its rows carry the errors. */
static bool preflight(const struct ivm_ops *impl, bench_op op, char *why,
                      size_t why_len) {
  prepared p = {0};
  ivm_span done[WORKING_SET];
  int64_t hits = 0;
  bool ok = false;
  int rc = build(&p, impl, (int64_t)1 << LOG2_MIN);
  if (rc == IVM_OK) {
    int64_t n = batch_cap(&p);
    rc = mutate(&p, op, n, done, &hits);
    int r = undo(&p, op, n, done);
    if (rc == IVM_OK) rc = r;
  }
  if (rc != IVM_OK)
    snprintf(why, why_len, "%s", ivm_strerror(rc));
  else if (ivm_check(p.m, why, why_len) != IVM_OK)
    ; /* check() gave the reason */
  else if (!intact(&p))
    snprintf(why, why_len, "%lld spans, %lld free after the undo (want "
             "%lld, %lld)", (long long)ivm_count(p.m),
             (long long)ivm_total_free(p.m), (long long)p.spans,
             (long long)p.total);
  else
    ok = true;
  drop(&p);
  return ok;
}

static int register_ops(const struct ivm_ops *impl, op_family *fam,
                        state_cache *cache) {
  char name[128], why[256];
  for (int op = 0; op < OPS; op++) {
    bool fit = !mutates((bench_op)op) ||
               preflight(impl, (bench_op)op, why, sizeof why);
    if (!fit)
      fprintf(stderr, "ivm-gbench: %s %s fails its pre-flight check (%s); "
              "measured without a complexity fit\n", impl->name,
              op_info[op].name, why);
    fam[op] = (op_family){impl, (bench_op)op, cache};
    snprintf(name, sizeof name, "%s/%s", impl->name, op_info[op].name);
    ivm_gb_bench *b = ivm_gb_register(name, run_op, &fam[op]);
    if (!b || ivm_gb_bench_range_multiplier(b, 4) != 0 ||
        ivm_gb_bench_range(b, (int64_t)1 << LOG2_MIN,
                           (int64_t)1 << LOG2_MAX) != 0 ||
        (fit && ivm_gb_bench_complexity(b, IVM_GB_OAUTO) != 0))
      return -1;
  }
  return 0;
}

/* ---- Replay benchmarks ------------------------------------------------- */

/* One profile's stream, generated on first use and shared by every
 * implementation's replay of it. */
typedef struct workload {
  char name[IVM_PROFILE_NAME_MAX];
  bool tried;
  int rc;
  char err[256];
  ivm_stream stream;
} workload;

/* A replay keeps its manager across runs: each run continues the stream
 * where the previous one stopped, so the setup (the prefill reserves of
 * `large`) is paid once per family rather than once per run. Only the
 * family that ran last keeps one; *live names it. */
typedef struct replay_family {
  workload *w;
  const struct ivm_ops *impl;
  struct replay_family **live;
  ivm *m;               /* NULL until the family runs */
  size_t at;            /* the next operation of the stream */
  ivm_alloc_count bytes;
} replay_family;

static int generate(workload *w) {
  if (w->tried) return w->rc;
  ivm_profile p;
  w->tried = true;
  w->rc = ivm_profile_load(w->name, &p, w->err, sizeof w->err);
  if (w->rc == IVM_OK)
    w->rc = ivm_workload_generate(&p, SEED, (size_t)p.ops, &w->stream, w->err,
                                  sizeof w->err);
  if (w->rc == IVM_OK && ivm_stream_measured(&w->stream) == 0) {
    snprintf(w->err, sizeof w->err, "%s: no measured operations", w->name);
    w->rc = IVM_INVAL;
  }
  return w->rc;
}

static void replay_stop(replay_family *f) {
  ivm_destroy(f->m);
  f->m = NULL;
}

/* A fresh manager for the stream with its setup operations applied. */
static int replay_start(replay_family *f) {
  const ivm_stream *s = &f->w->stream;
  ivm_options opt = ivm_stream_options(s);
  ivm_result r;
  replay_stop(f);
  opt.seed = SEED;
  memset(&f->bytes, 0, sizeof f->bytes);
  ivm_alloc_count_attach(&f->bytes, &opt);
  int rc = ivm_create_ops(f->impl, &opt, &f->m);
  for (size_t i = 0; rc == IVM_OK && i < s->setup; i++)
    if (ivm_exec(f->m, &s->ops[i], &r) == IVM_NOMEM) rc = IVM_NOMEM;
  f->at = s->setup;
  return rc;
}

static void run_replay(ivm_gb_state *st, void *ctx) {
  replay_family *f = ctx;
  char why[320];
  if (generate(f->w) != IVM_OK) {
    ivm_gb_skip_with_error(st, f->w->err);
    return;
  }
  if (*f->live != f) {
    if (*f->live) replay_stop(*f->live);
    *f->live = f;
  }
  const ivm_stream *s = &f->w->stream;
  int64_t measured = (int64_t)ivm_stream_measured(s), n;
  int rc = f->m ? IVM_OK : replay_start(f);
  while (rc == IVM_OK &&
         ivm_gb_keep_running_batch(
             st, f->at < s->count ? (int64_t)(s->count - f->at) : measured,
             &n)) {
    if (f->at == s->count) { /* the stream is over: start again, untimed */
      ivm_gb_pause_timing(st);
      rc = replay_start(f);
      ivm_gb_resume_timing(st);
      if (rc != IVM_OK) break;
    }
    rc = ivm_exec_run(f->m, &s->ops[f->at], (size_t)n);
    f->at += (size_t)n;
  }
  if (rc != IVM_OK) {
    replay_stop(f);
    snprintf(why, sizeof why, "replaying %s: %s", f->w->name,
             ivm_strerror(rc));
    ivm_gb_skip_with_error(st, why);
    return;
  }
  int64_t spans = ivm_count(f->m);
  snprintf(why, sizeof why, "%lld ops of %s, seed %d, continued across "
           "runs; setup untimed", (long long)measured, f->w->name, SEED);
  ivm_gb_set_items_processed(st, ivm_gb_iterations(st));
  ivm_gb_set_label(st, why);
  ivm_gb_counter(st, "live_spans", (double)spans, 0);
  ivm_gb_counter(st, "bytes_per_span",
                 spans > 0 ? (double)f->bytes.live_bytes / (double)spans : 0,
                 0);
}

/* ---- Timer calibration ------------------------------------------------- */

static volatile int64_t sink; /* keeps the empty loop below */

/* Empty batches of the argument's size, each followed by a pause/resume
 * pair like the mutation benchmarks: the time per iteration is what that
 * pair adds to each of their timed operations. */
static void run_pause_resume(ivm_gb_state *st, void *ctx) {
  int64_t n;
  (void)ctx;
  while (ivm_gb_keep_running_batch(st, ivm_gb_argument(st), &n)) {
    for (int64_t i = 0; i < n; i++) sink += i;
    ivm_gb_pause_timing(st);
    ivm_gb_resume_timing(st);
  }
  ivm_gb_set_label(st, "pause/resume cost per op at this batch size");
}

/* ---- Program ----------------------------------------------------------- */

/* Everything the registered benchmarks point at; it outlives the run. */
typedef struct program {
  state_cache cache;
  op_family *ops;         /* implementations x OPS */
  workload *workloads;    /* one per profile */
  size_t nworkloads, cap;
  bool nomem;
  replay_family *replays; /* profiles x implementations */
  replay_family *live;    /* the replay holding a manager */
} program;

static void add_workload(void *ud, const char *name) {
  program *pg = ud;
  if (pg->nomem) return;
  if (pg->nworkloads == pg->cap) {
    size_t cap = pg->cap ? 2 * pg->cap : 8;
    workload *w = realloc(pg->workloads, cap * sizeof *w);
    if (!w) {
      pg->nomem = true;
      return;
    }
    pg->workloads = w;
    pg->cap = cap;
  }
  workload *w = &pg->workloads[pg->nworkloads++];
  memset(w, 0, sizeof *w);
  snprintf(w->name, sizeof w->name, "%s", name);
}

static int register_all(program *pg) {
  size_t impls = ivm_impls_count();
  char name[256];
  const char *dir = ivm_profile_dir();
  if (ivm_profile_each(dir, add_workload, pg) < 0) {
    fprintf(stderr, "ivm-gbench: cannot read the profiles in %s\n", dir);
    return -1;
  }
  pg->ops = calloc(impls * OPS, sizeof *pg->ops);
  pg->replays = calloc(pg->nworkloads * impls + 1, sizeof *pg->replays);
  if (pg->nomem || !pg->ops || !pg->replays) return -1;
  for (size_t i = 0; i < impls; i++)
    if (register_ops(ivm_impls_at(i), pg->ops + i * OPS, &pg->cache) != 0)
      return -1;
  for (size_t w = 0; w < pg->nworkloads; w++) {
    for (size_t i = 0; i < impls; i++) {
      replay_family *f = &pg->replays[w * impls + i];
      *f = (replay_family){.w = &pg->workloads[w], .impl = ivm_impls_at(i),
                           .live = &pg->live};
      snprintf(name, sizeof name, "replay/%s/%s", f->w->name, f->impl->name);
      if (!ivm_gb_register(name, run_replay, f)) return -1;
    }
  }
  ivm_gb_bench *b = ivm_gb_register("timer/pause-resume", run_pause_resume,
                                    NULL);
  if (!b || ivm_gb_bench_arg(b, 64) != 0 || ivm_gb_bench_arg(b, 1024) != 0)
    return -1;
  snprintf(name, sizeof name, "%d", SEED);
  if (ivm_gb_add_context("ivm_seed", name) != 0 ||
      ivm_gb_add_context("ivm_profiles", dir) != 0 ||
      ivm_gb_add_context("ivm_state",
                         "N spans [64i, 64i+len_i), len_i uniform in [8,40], "
                         "built by releases in increasing order") != 0 ||
      ivm_gb_add_context("ivm_positions",
                         "timed operations cycle over 1024 random spans of "
                         "the N (find_cold: over all N); mutations are "
                         "undone untimed per batch of min(N/16, 1024)") != 0)
    return -1;
  return 0;
}

static void release_all(program *pg) {
  for (int i = 0; i <= LOG2_MAX; i++) drop(&pg->cache.slot[i]);
  if (pg->live) replay_stop(pg->live);
  for (size_t w = 0; w < pg->nworkloads; w++)
    ivm_stream_free(&pg->workloads[w].stream);
  free(pg->workloads);
  free(pg->ops);
  free(pg->replays);
}

static void help(void) {
  printf("\nivm-gbench options:\n"
         "  --cpu-profile=FILE  sample the run with the gperftools CPU "
         "profiler into FILE\n"
         "                      (read it with google-pprof or go tool "
         "pprof)\n");
}

/* Takes the program's own options out of argv; the rest stays for the
 * unrecognized-argument report. */
static int parse_options(int *argc, char **argv, const char **cpu_profile) {
  static const char flag[] = "--cpu-profile";
  int kept = 1;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, flag, sizeof flag - 1) != 0 ||
        (a[sizeof flag - 1] != '=' && a[sizeof flag - 1] != '\0')) {
      argv[kept++] = argv[i];
      continue;
    }
    *cpu_profile = a[sizeof flag - 1] == '=' ? a + sizeof flag
                   : i + 1 < *argc         ? argv[++i]
                                           : NULL;
    if (!*cpu_profile || !**cpu_profile) {
      fprintf(stderr, "ivm-gbench: %s needs a file name\n", flag);
      return -1;
    }
  }
  *argc = kept;
  argv[kept] = NULL;
  return 0;
}

/* Exit status: 0 when benchmarks ran, 1 when none matched the filter or a
 * run failed, 2 for bad arguments or a failed registration. */
int main(int argc, char **argv) {
  const char *cpu_profile = NULL;
  if (ivm_gb_initialize(&argc, argv, help) != 0 ||
      parse_options(&argc, argv, &cpu_profile) != 0 ||
      ivm_gb_report_unrecognized_arguments(argc, argv))
    return 2;
  program pg = {0};
  int status = 2;
  if (register_all(&pg) != 0) {
    fprintf(stderr, "ivm-gbench: could not register the benchmarks\n");
  } else if (cpu_profile && !ProfilerStart(cpu_profile)) {
    fprintf(stderr, "ivm-gbench: cannot start the CPU profiler into %s\n",
            cpu_profile);
  } else {
    long ran = ivm_gb_run_specified_benchmarks();
    if (cpu_profile) {
      ProfilerStop();
      fprintf(stderr, "ivm-gbench: CPU profile in %s (google-pprof --text "
              "%s %s)\n", cpu_profile, argv[0], cpu_profile);
    }
    status = ran > 0 && ivm_gb_failed_runs() == 0 ? 0 : 1;
  }
  release_all(&pg);
  ivm_gb_shutdown();
  return status;
}
