/* cmd_profile.c - `ivmprof profile`: where each implementation's time goes.
 * Per implementation: the cProfile-style table with callers and callees,
 * the two ASCII flame charts, and the files (pstats text, pprof, folded
 * stacks, SVG flame graph, gperftools CPU profile) in one output folder. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_profile.h"
#include "flamegraph.h"
#include "impls.h"
#include "pprof.h"
#include "prof_report.h"
#include "session.h"
#include "source.h"

static int help(void) {
  printf(
      "usage: ivmprof profile [--impl a,b,...|all] [--profile NAME | --trace "
      "FILE]\n"
      "                       [--ops N] [--seed S] [--out DIR] "
      "[--sample-rate R]\n"
      "                       [--sort cumulative|tottime|calls] [--limit "
      "ROWS]\n"
      "                       [--cpu-profile] [--cpu-seconds S] [--brief]\n"
      "\n"
      "Shows where each implementation's time goes. The measured operations "
      "run on\na profiling build of the library, where every function, "
      "static helpers\nincluded, is counted exactly and timed; with "
      "--sample-rate R only a seeded\nrandom fraction R of them does and the "
      "rest run on the normal build. Printed\nper implementation: the "
      "overhead of the instrumentation, the call statistics\n(pstats layout, "
      "with callers and callees), the top functions and the call\nstacks as "
      "ASCII flame charts. Written to DIR:\n"
      "  IMPL.txt        the same report in full, without colour\n"
      "  IMPL.pb.gz      pprof profile (go tool pprof -top, -tree, -http)\n"
      "  IMPL.folded     folded stacks, self time in ns per stack\n"
      "  IMPL.svg        flame graph\n"
      "  IMPL.cpu.prof   with --cpu-profile: gperftools CPU profile of the "
      "normal\n"
      "                  optimized build (google-pprof --text ivmprof FILE)\n"
      "  totals.tsv      totals per implementation\n"
      "\n"
      "  --impl LIST      comma-separated implementations, or all (default); "
      "peer\n"
      "                   adapters have no profiling build: CPU profile "
      "only\n"
      "  --profile NAME   workload profile (default standard; see `ivmprof "
      "list`)\n"
      "  --trace FILE     replay a trace instead; every operation is "
      "measured\n"
      "  --ops N          measured operations (default: the profile's ops)\n"
      "  --seed S         generator and sampling seed (default 42)\n"
      "  --out DIR        output folder (default profile-YYYYMMDD-HHMMSS)\n"
      "  --sample-rate R  fraction of operations instrumented, 0 < R <= 1 "
      "(default 1)\n"
      "  --sort KEY       order of the table (default cumulative)\n"
      "  --limit ROWS     table rows on the console, 0 for all (default "
      "30)\n"
      "  --cpu-profile    also sample the normal build with gperftools\n"
      "  --cpu-seconds S  measured time under the CPU profiler (default 1)\n"
      "  --brief          print only the headers and the files written\n"
      "\n"
      "The console honours NO_COLOR and the terminal width (COLUMNS; 100 "
      "when not a\nterminal).\n");
  return IVM_EXIT_OK;
}

typedef struct options {
  const char *impls, *workload, *out;
  double rate, cpu_seconds;
  ivm_prof_sort sort;
  int64_t limit;
  bool cpu, brief;
} options;

/* A real number in (lo, hi]; a usage error otherwise. */
static void parse_real(ivm_args *a, const char *name, const char *text,
                       double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double d = strtod(text, &end);
  if (!*text || *end || errno || !(d > lo && d <= hi))
    ivm_args_error(a, "%s wants a number in (%g, %g], not '%s'", name, lo, hi,
                   text);
  else
    *out = d;
}

/* mkdir -p: every missing component of path. */
static int make_dirs(const char *path, char *why, size_t why_len) {
  char buf[4096];
  if (!path[0] || snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
    snprintf(why, why_len, "--out '%.300s': empty or too long", path);
    return -1;
  }
  for (char *p = buf + 1;; p++) {
    if (*p != '/' && *p != '\0') continue;
    char c = *p;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
      snprintf(why, why_len, "%.300s: %s", buf, strerror(errno));
      return -1;
    }
    *p = c;
    if (!c) return 0;
  }
}

/* The whole text report of one implementation into out. */
static void print_report(FILE *out, const ivm_prof_run *run,
                         const ivm_prof_tree *t, const ivm_prof_stats *s,
                         const options *o, const ivm_prof_chart *chart,
                         size_t limit) {
  ivm_prof_report_header(out, run, s);
  fputc('\n', out);
  ivm_prof_report_pstats(out, t, s, o->sort, limit, 5);
  ivm_prof_report_top(out, t, s, chart);
  ivm_prof_report_stack(out, t, s, chart);
}

/* Where files go, and whether writing any of them failed. */
typedef struct outdir {
  const char *dir;
  int failures;
} outdir;

static void failed(outdir *d, const char *what) {
  fprintf(stderr, "ivmprof profile: %s\n", what);
  d->failures++;
}

static FILE *create(outdir *d, const char *impl, const char *ext, char *path,
                    size_t cap) {
  snprintf(path, cap, "%s/%s.%s", d->dir, impl, ext);
  FILE *out = fopen(path, "w");
  if (!out) {
    char why[4500];
    snprintf(why, sizeof why, "%s: %s", path, strerror(errno));
    failed(d, why);
  }
  return out;
}

/* Closes a file written by create, reporting it or its failure. */
static void finish(outdir *d, FILE *out, const char *path, bool ok) {
  if (!out) return;
  ok = !ferror(out) && ok;
  ok = fclose(out) == 0 && ok;
  if (ok) {
    printf("  wrote %s\n", path);
  } else {
    char why[4500];
    snprintf(why, sizeof why, "writing %s failed", path);
    failed(d, why);
  }
}

/* The files of one implementation: text report, pprof, folded, SVG. */
static void write_files(outdir *d, const options *o, const ivm_prof_run *run,
                        const ivm_prof_tree *t, const ivm_prof_stats *s) {
  char path[4352], why[512];
  ivm_prof_chart plain = {.width = 100, .rows = 15, .color = false};
  FILE *out = create(d, run->impl, "txt", path, sizeof path);
  if (out) print_report(out, run, t, s, o, &plain, 0);
  finish(d, out, path, true);

  char note[512];
  snprintf(note, sizeof note, "ivmprof profile: %s on %s, %llu of %llu "
           "operations instrumented (rate %g, seed %llu); times corrected "
           "by %.1f ns per call", run->impl, run->profile,
           (unsigned long long)run->ops_sampled, (unsigned long long)run->ops,
           run->rate, (unsigned long long)run->seed, run->hook_ns);
  const char *notes[] = {note};
  ivm_prof_pprof_info info = {.comments = notes, .ncomments = 1,
                              .time_nanos = (int64_t)time(NULL) * 1000000000,
                              .duration_nanos = run->wall_ns,
                              .binary = "ivmprof"};
  snprintf(path, sizeof path, "%s/%s.pb.gz", d->dir, run->impl);
  if (ivm_prof_pprof_write(path, t, &info, why, sizeof why) != 0)
    failed(d, why);
  else
    printf("  wrote %s\n", path);

  out = create(d, run->impl, "folded", path, sizeof path);
  if (out) ivm_prof_write_folded(out, t);
  finish(d, out, path, true);

  char title[256];
  snprintf(title, sizeof title, "%s on %s: %llu operations profiled",
           run->impl, run->profile, (unsigned long long)run->ops_sampled);
  out = create(d, run->impl, "svg", path, sizeof path);
  if (out) finish(d, out, path, ivm_prof_write_svg(out, t, s, title) == 0);
}

/* The instrumented profile of one implementation: reports, files and its
 * line of totals.tsv. */
static void profile_one(const ivm_prof_session *ss, const options *o,
                        const struct ivm_ops *ops,
                        const struct ivm_ops *instr, outdir *d,
                        FILE *totals) {
  char why[512];
  ivm_prof_run run = {.impl = ops->name, .profile = o->workload};
  ivm_prof_tree tree;
  ivm_prof_stats stats;
  if (ivm_prof_session_run(ss, ops, instr, &run, &tree, why,
                           sizeof why) != 0) {
    failed(d, why);
    return;
  }
  if (ivm_prof_stats_compute(&tree, &stats) != 0) {
    failed(d, "out of memory computing the statistics");
    ivm_prof_tree_free(&tree);
    return;
  }
  ivm_prof_chart chart = ivm_prof_chart_for(stdout, 15);
  if (o->brief)
    ivm_prof_report_header(stdout, &run, &stats);
  else
    print_report(stdout, &run, &tree, &stats, o, &chart, (size_t)o->limit);
  write_files(d, o, &run, &tree, &stats);
  if (totals)
    fprintf(totals, "%s\t%llu\t%llu\t%g\t%llu\t%lld\t%lld\t%lld\n",
            ops->name, (unsigned long long)run.ops,
            (unsigned long long)run.ops_sampled, run.rate,
            (unsigned long long)stats.total_calls, (long long)stats.total_ns,
            (long long)run.plain_ns, (long long)run.profiled_ns);
  ivm_prof_stats_free(&stats);
  ivm_prof_tree_free(&tree);
}

static void cpu_one(const ivm_prof_session *ss, const options *o,
                    const struct ivm_ops *ops, outdir *d) {
  char why[512], path[4352];
  uint64_t samples;
  snprintf(path, sizeof path, "%s/%s.cpu.prof", d->dir, ops->name);
  fflush(stdout); /* libprofiler reports on stderr when it stops */
  if (ivm_prof_session_cpu(ss, ops, path, o->cpu_seconds, &samples, why,
                           sizeof why) != 0) {
    failed(d, why);
    return;
  }
  printf("  wrote %s (%llu CPU samples of the optimized build)\n", path,
         (unsigned long long)samples);
}

/* Calibration, symbols, then every implementation in turn. */
static int profile_all(const options *o, const ivm_stream *s, uint64_t seed,
                       const struct ivm_ops *const *impls, size_t n) {
  ivm_clock clock;
  ivm_clock_init(&clock);
  ivm_prof_cost cost;
  ivm_prof_symtab syms;
  char why[512], path[4352];
  if (ivm_prof_calibrate(&clock, &cost) != 0) {
    fprintf(stderr, "ivmprof profile: out of memory calibrating the "
            "instrumentation\n");
    return IVM_EXIT_FAIL;
  }
  if (ivm_prof_symtab_load(&syms, ivm_prof_instrumented_globals,
                           ivm_prof_instrumented_nglobals, why,
                           sizeof why) != 0) {
    fprintf(stderr, "ivmprof profile: cannot name functions: %s\n", why);
    return IVM_EXIT_FAIL;
  }
  outdir d = {.dir = o->out};
  FILE *totals = create(&d, "totals", "tsv", path, sizeof path);
  if (totals)
    fprintf(totals, "impl\tops\tsampled\trate\tcalls\ttime_ns\tplain_ns\t"
            "profiled_ns\n");
  ivm_prof_session ss = {.stream = s, .clock = &clock, .cost = &cost,
                         .syms = &syms, .rate = o->rate, .seed = seed};
  for (size_t i = 0; i < n; i++) {
    const struct ivm_ops *instr = ivm_prof_instrumented(impls[i]->name);
    if (instr)
      profile_one(&ss, o, impls[i], instr, &d, totals);
    else
      printf("%s: a peer adapter has no profiling build%s\n", impls[i]->name,
             o->cpu ? "; CPU profile only" : ", nothing to do without "
                                             "--cpu-profile");
    if (o->cpu) cpu_one(&ss, o, impls[i], &d);
    printf("\n");
  }
  finish(&d, totals, path, true);
  ivm_prof_recorder_free();
  ivm_prof_symtab_free(&syms);
  printf("Profiles of %zu implementation%s written to %s/\n", n,
         n == 1 ? "" : "s", o->out);
  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (o->cpu && len > 0) {
    self[len] = '\0';
    printf("Read a CPU profile with: google-pprof --text %s %s/IMPL.cpu.prof"
           "\n", self, o->out);
  }
  return d.failures ? IVM_EXIT_FAIL : IVM_EXIT_OK;
}

int ivm_cmd_profile(int argc, char **argv) {
  ivm_args a = ivm_args_start("profile", argc, argv);
  ivm_source src = ivm_source_defaults();
  options o = {.impls = "all", .rate = 1.0, .cpu_seconds = 1.0,
               .sort = IVM_PROF_SORT_CUMULATIVE, .limit = 30};
  const char *v;
  while (ivm_args_next(&a)) {
    if (ivm_args_flag(&a, "--help") || ivm_args_flag(&a, "-h")) return help();
    ivm_source_option(&a, &src);
    if (ivm_args_value(&a, "--impl", &v)) o.impls = v;
    if (ivm_args_value(&a, "--out", &v)) o.out = v;
    if (ivm_args_value(&a, "--sample-rate", &v))
      parse_real(&a, "--sample-rate", v, 0, 1, &o.rate);
    if (ivm_args_value(&a, "--cpu-seconds", &v))
      parse_real(&a, "--cpu-seconds", v, 0, 3600, &o.cpu_seconds);
    if (ivm_args_value(&a, "--limit", &v))
      ivm_args_count(&a, "--limit", v, 0, 1000000, &o.limit);
    if (ivm_args_value(&a, "--sort", &v)) {
      int k = ivm_prof_sort_parse(v);
      if (k < 0)
        ivm_args_error(&a, "--sort wants cumulative, tottime or calls, not "
                       "'%s'", v);
      else
        o.sort = (ivm_prof_sort)k;
    }
    if (ivm_args_flag(&a, "--cpu-profile")) o.cpu = true;
    if (ivm_args_flag(&a, "--brief")) o.brief = true;
    ivm_args_unknown(&a);
  }
  const struct ivm_ops *impls[IVM_IMPLS_MAX];
  size_t n = 0;
  char why[512], dir[64];
  if (!a.failed && ivm_impls_select(o.impls, impls, &n, why, sizeof why))
    ivm_args_error(&a, "--impl: %s", why);
  if (a.failed) return IVM_EXIT_USAGE;
  if (!o.out) {
    time_t now = time(NULL);
    strftime(dir, sizeof dir, "profile-%Y%m%d-%H%M%S", gmtime(&now));
    o.out = dir;
  }
  ivm_stream s;
  ivm_report_meta meta = {.command = "profile"};
  int status = ivm_source_load(&a, &src, &s, &meta);
  if (status != IVM_EXIT_OK) return status;
  o.workload = meta.workload;
  if (make_dirs(o.out, why, sizeof why) != 0) {
    fprintf(stderr, "ivmprof profile: %s\n", why);
    status = IVM_EXIT_FAIL;
  } else {
    status = profile_all(&o, &s, (uint64_t)src.seed, impls, n);
  }
  ivm_stream_free(&s);
  return status;
}
