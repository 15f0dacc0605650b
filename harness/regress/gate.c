/* gate.c - measuring what the regression gate compares: rounds of the
 * harness's comparison per profile, turned into per-round ratios to the
 * relative-to implementation and their medians, plus memory and, when
 * asked, instruction counts (see gate.h for why each is measured so). */
#include "errmsg.h"
#include "gate.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impls.h"

ivm_gate_config ivm_gate_defaults(void) {
  ivm_gate_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.set.ops = 20000;
  cfg.set.seed = 42;
  cfg.set.warmup = 1;
  cfg.set.repeat = 3;
  cfg.set.rounds = 15;
  cfg.set.instructions = IVM_ICOUNT_NONE;
  cfg.timing = true;
  return cfg;
}

/* Per-round samples of one profile: [impl * rounds + round]. */
typedef struct samples {
  double *throughput, *p99, *ops_per_sec, *p99_ns;
} samples;

static void samples_free(samples *s) {
  free(s->throughput);
  free(s->p99);
  free(s->ops_per_sec);
  free(s->p99_ns);
}

static int samples_alloc(samples *s, size_t n) {
  s->throughput = calloc(n, sizeof(double));
  s->p99 = calloc(n, sizeof(double));
  s->ops_per_sec = calloc(n, sizeof(double));
  s->p99_ns = calloc(n, sizeof(double));
  return s->throughput && s->p99 && s->ops_per_sec && s->p99_ns ? IVM_OK
                                                                : IVM_NOMEM;
}

/* Records round r of a comparison whose impls[ref] is the relative-to.
 * An implementation not timed in this round gets NAN. */
static void record_round(const ivm_compare_result *res, size_t ref,
                         size_t impls, int rounds, int r, samples *s) {
  const ivm_impl_figures *base = &res->impls[ref];
  bool base_ok = base->cpu_ns.median > 0 && base->latency.p99 > 0;
  for (size_t i = 0; i < impls; i++) {
    const ivm_impl_figures *f = &res->impls[i];
    size_t at = i * (size_t)rounds + (size_t)r;
    bool ok = base_ok && f->timed && f->cpu_ns.median > 0 &&
              f->latency.p99 > 0;
    s->throughput[at] = ok ? base->cpu_ns.median / f->cpu_ns.median : NAN;
    s->p99[at] = ok ? f->latency.p99 / base->latency.p99 : NAN;
    s->ops_per_sec[at] =
        ok ? (double)res->measured / f->cpu_ns.median * 1e9 : NAN;
    s->p99_ns[at] = ok ? f->latency.p99 : NAN;
  }
}

/* The median of v[0..n), which it sorts; all of them must be numbers. */
static double median_of(double *v, size_t n, ivm_spread *spread) {
  ivm_spread tmp;
  ivm_spread *out = spread ? spread : &tmp;
  ivm_spread_of(v, n, out);
  return out->median;
}

static void finish_rows(const ivm_gate_config *cfg, samples *s,
                        ivm_gate_figures *rows) {
  size_t rounds = (size_t)cfg->set.rounds;
  for (size_t i = 0; i < cfg->impl_count; i++) {
    ivm_gate_figures *g = &rows[i];
    double *t = s->throughput + i * rounds, *p = s->p99 + i * rounds;
    g->timed = true;
    for (size_t r = 0; r < rounds; r++) g->timed = g->timed && !isnan(t[r]);
    if (!g->timed) continue;
    g->row.throughput_ratio = median_of(t, rounds, &g->throughput);
    g->row.p99_ratio = median_of(p, rounds, &g->p99);
    g->row.ops_per_sec = median_of(s->ops_per_sec + i * rounds, rounds, NULL);
    g->row.p99_ns = median_of(s->p99_ns + i * rounds, rounds, NULL);
  }
}

/* The callgrind child's command line: cfg->play_argv and the workload. */
static int callgrind_count(const ivm_gate_config *cfg, const char *impl,
                           const char *profile, uint64_t *count, char *err,
                           size_t err_len) {
  if (!cfg->play_argv)
    return ivm_errorf(err, err_len, IVM_INVAL, "no command to run under "
                 "callgrind");
  size_t n = 0;
  while (cfg->play_argv[n]) n++;
  char ops[32], seed[32];
  snprintf(ops, sizeof ops, "%" PRId64, cfg->set.ops);
  snprintf(seed, sizeof seed, "%" PRIu64, cfg->set.seed);
  char *tail[] = {"--impl", (char *)impl, "--profiles", (char *)profile,
                  "--ops", ops, "--seed", seed, NULL};
  char **argv = malloc((n + sizeof tail / sizeof tail[0]) * sizeof *argv);
  if (!argv) return ivm_errorf(err, err_len, IVM_NOMEM, "out of memory");
  memcpy(argv, cfg->play_argv, n * sizeof *argv);
  memcpy(argv + n, tail, sizeof tail);
  int rc = ivm_icount_callgrind(argv, count, err, err_len);
  free(argv);
  return rc;
}

/* spec is the profile as given (a name or a path) for the callgrind
 * child; profile its name for messages. */
static int count_instructions(const ivm_gate_config *cfg, const char *spec,
                              const char *profile, const ivm_stream *s,
                              ivm_gate_figures *rows, char *err,
                              size_t err_len) {
  double measured = (double)ivm_stream_measured(s);
  for (size_t i = 0; i < cfg->impl_count; i++) {
    const struct ivm_ops *impl = cfg->impls[i];
    if (cfg->progress)
      ivm_progress_update(cfg->progress, "%s: counting the instructions of "
                          "%s (%s)", profile, impl->name,
                          ivm_icount_name(cfg->set.instructions));
    uint64_t count = 0;
    int rc = cfg->set.instructions == IVM_ICOUNT_PERF
                 ? ivm_icount_perf(impl, s, &count, err, err_len)
                 : callgrind_count(cfg, impl->name, spec, &count, err,
                                   err_len);
    if (rc != IVM_OK) return rc;
    rows[i].row.instructions_per_op = measured > 0 ? (double)count / measured
                                                   : 0;
  }
  return IVM_OK;
}

/* The comparison list: the selected implementations, then the relative-to
 * when it is not among them; *ref is its index. Matched by name, so a
 * decorated implementation stands for the one it wraps. */
static size_t compare_list(const ivm_gate_config *cfg,
                           const struct ivm_ops **list, size_t *ref) {
  size_t n = cfg->impl_count;
  memcpy(list, cfg->impls, n * sizeof *list);
  *ref = n;
  if (!cfg->timing) return n;
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i]->name, cfg->relative_to->name) == 0) *ref = i;
  if (*ref == n) list[n++] = cfg->relative_to;
  return n;
}

/* One profile: its stream, its rows in the result and its samples. */
typedef struct workload {
  const char *spec;  /* the profile as given: a name or a path */
  char name[IVM_PROFILE_NAME_MAX];
  ivm_stream stream;
  ivm_gate_figures *rows;
  samples smp;
} workload;

/* Loads and generates every profile, and names the rows. */
static int prepare_workloads(const ivm_gate_config *cfg, size_t compared,
                             int rounds, workload *w, ivm_gate_figures *rows,
                             char *err, size_t err_len) {
  for (size_t p = 0; p < cfg->profile_count; p++) {
    ivm_profile prof;
    w[p].spec = cfg->profiles[p];
    w[p].rows = rows + p * cfg->impl_count;
    int rc = ivm_profile_load(w[p].spec, &prof, err, err_len);
    if (rc == IVM_OK)
      rc = ivm_workload_generate(&prof, cfg->set.seed, (size_t)cfg->set.ops,
                                 &w[p].stream, err, err_len);
    if (rc == IVM_OK && samples_alloc(&w[p].smp, compared * (size_t)rounds))
      rc = ivm_errorf(err, err_len, IVM_NOMEM, "out of memory");
    if (rc != IVM_OK) return rc;
    snprintf(w[p].name, sizeof w[p].name, "%s", prof.name);
    for (size_t i = 0; i < cfg->impl_count; i++) {
      snprintf(w[p].rows[i].row.impl, sizeof w[p].rows[i].row.impl, "%s",
               cfg->impls[i]->name);
      snprintf(w[p].rows[i].row.profile, sizeof w[p].rows[i].row.profile,
               "%s", prof.name);
    }
  }
  return IVM_OK;
}

/* Round r of one profile: a full comparison, its memory figures (the
 * first round) and its samples. A disagreement is kept in out. */
static int run_round(const ivm_gate_config *cfg, const ivm_compare_config *cc,
                     size_t ref, int rounds, int r, workload *w,
                     ivm_gate_result *out, char *err, size_t err_len) {
  if (cfg->progress)
    ivm_progress_update(cfg->progress, "round %d of %d: %s", r + 1, rounds,
                        w->name);
  ivm_compare_result res;
  int rc = ivm_compare_run(&w->stream, cc, &res, err, err_len);
  if (rc != IVM_OK) return rc;
  if (!res.agreed) {
    out->agreed = false;
    snprintf(out->disagreement_profile, sizeof out->disagreement_profile,
             "%s", w->name);
    out->disagreement = res; /* kept for the report; freed with out */
    return IVM_OK;
  }
  for (size_t i = 0; r == 0 && i < cfg->impl_count; i++)
    w->rows[i].row.bytes_per_span = res.impls[i].bytes_per_span;
  if (cfg->timing && !res.impls[ref].timed)
    rc = ivm_errorf(err, err_len, IVM_INVAL, "%s: %s, the implementation the "
               "ratios are relative to, was not timed (%s)", w->name,
               cc->impls[ref]->name, res.untimed_note);
  else if (cfg->timing)
    record_round(&res, ref, cfg->impl_count, rounds, r, &w->smp);
  ivm_compare_free(&res);
  return rc;
}

int ivm_gate_measure(const ivm_gate_config *cfg, ivm_gate_result *out,
                     char *err, size_t err_len) {
  memset(out, 0, sizeof *out);
  out->agreed = true;
  if (cfg->impl_count == 0 || cfg->impl_count > IVM_IMPLS_MAX ||
      cfg->profile_count == 0)
    return ivm_errorf(err, err_len, IVM_INVAL, "nothing to measure");
  if (cfg->timing && !cfg->relative_to)
    return ivm_errorf(err, err_len, IVM_INVAL, "timing needs an implementation "
                 "to be relative to");
  if (cfg->set.rounds < 1 || cfg->set.repeat < 1 || cfg->set.warmup < 0 ||
      cfg->set.ops < 1)
    return ivm_errorf(err, err_len, IVM_INVAL, "ops, rounds and repeat must be "
                 ">= 1, warmup >= 0");
  const struct ivm_ops *list[IVM_IMPLS_MAX + 1];
  size_t ref;
  ivm_compare_config cc = ivm_compare_defaults();
  cc.impls = list;
  cc.impl_count = compare_list(cfg, list, &ref);
  cc.clock = cfg->clock;
  cc.progress = cfg->progress;
  /* Without timing one comparison is enough for agreement and memory; its
   * single timed pass is the least compare.c allows and is not used. */
  int rounds = cfg->timing ? cfg->set.rounds : 1;
  cc.warmup = cfg->timing ? cfg->set.warmup : 0;
  cc.repeat = cfg->timing ? cfg->set.repeat : 1;
  cc.latency = cfg->timing;

  size_t total = cfg->impl_count * cfg->profile_count;
  out->rows = calloc(total, sizeof *out->rows);
  workload *w = calloc(cfg->profile_count, sizeof *w);
  int rc = out->rows && w ? prepare_workloads(cfg, cc.impl_count, rounds, w,
                                              out->rows, err, err_len)
                          : ivm_errorf(err, err_len, IVM_NOMEM, "out of memory");
  /* Rounds go over every profile in turn, so each profile's rounds are
   * spread over the whole run and a burst of load on the machine touches
   * few of them. */
  for (int r = 0; rc == IVM_OK && out->agreed && r < rounds; r++)
    for (size_t p = 0; rc == IVM_OK && out->agreed && p < cfg->profile_count;
         p++)
      rc = run_round(cfg, &cc, ref, rounds, r, &w[p], out, err, err_len);
  for (size_t p = 0; rc == IVM_OK && out->agreed && p < cfg->profile_count;
       p++) {
    if (cfg->timing) finish_rows(cfg, &w[p].smp, w[p].rows);
    if (cfg->set.instructions != IVM_ICOUNT_NONE)
      rc = count_instructions(cfg, w[p].spec, w[p].name, &w[p].stream,
                              w[p].rows, err, err_len);
  }
  if (rc == IVM_OK && out->agreed) out->count = total;
  for (size_t p = 0; w && p < cfg->profile_count; p++) {
    ivm_stream_free(&w[p].stream);
    samples_free(&w[p].smp);
  }
  free(w);
  if (cfg->progress) ivm_progress_done(cfg->progress);
  if (rc != IVM_OK) ivm_gate_free(out);
  return rc;
}

void ivm_gate_free(ivm_gate_result *r) {
  if (!r->agreed) ivm_compare_free(&r->disagreement);
  free(r->rows);
  memset(r, 0, sizeof *r);
}
