/* cmd_regress.c - `ivmprof regress`: the regression gate. Measures again
 * what the baseline holds, the way the baseline says it was measured, and
 * gives a verdict per implementation, profile and metric. Exit status 0
 * when nothing regressed, 1 on any regression, 2 when no verdict can be
 * given (usage, baseline, agreement or measurement trouble). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "env.h"
#include "gate.h"
#include "impls.h"
#include "measure.h"
#include "regress_cli.h"
#include "report.h"
#include "report_regress.h"

/* Exit statuses: a regression is the one "failure" of the work itself;
 * everything that prevents a verdict is status 2. */
#define EXIT_REGRESSED IVM_EXIT_FAIL
#define EXIT_NO_VERDICT IVM_EXIT_USAGE

static int help(void) {
  char path[4096];
  ivm_regress_default_baseline(path, sizeof path);
  printf(
      "usage: ivmprof regress [--baseline FILE] "
      "[--mode ratio|instructions|callgrind]\n"
      "                       [--threshold-throughput P] [--threshold-p99 "
      "P]\n"
      "                       [--threshold-memory P] "
      "[--threshold-instructions P]\n"
      "                       [--profiles a,b,...] [--impl a,b,...] "
      "[--rounds R]\n"
      "\n"
      "The regression gate. Measures again every implementation and profile "
      "of the\nbaseline (written by `ivmprof baseline`), with its operations, "
      "seed and passes,\nafter the agreement check, and prints per "
      "implementation, profile and metric\nthe baseline figure, the figure "
      "now, the spread over the rounds, the change\nand a verdict: ok, "
      "regressed (worse by more than the threshold) or improved\n(better by "
      "more than it). Then a summary.\n"
      "\n"
      "Modes:\n"
      "  ratio         (default) throughput and p99 latency as ratios to "
      "the baseline's\n"
      "                relative-to implementation measured in the same "
      "round, the median\n"
      "                over the rounds, so most of what a busy machine "
      "does cancels out;\n"
      "                and memory in bytes per live span, which is exact. "
      "The relative-to\n"
      "                implementation's own ratios are 1 by definition: "
      "its speed is gated\n"
      "                by the instruction modes.\n"
      "  instructions  instructions per measured operation through "
      "perf_event_open, and\n"
      "                memory: deterministic; needs a kernel that allows "
      "counting and a\n"
      "                baseline counted the same way by the same compiler "
      "and flags.\n"
      "  callgrind     the same, counted by valgrind --tool=callgrind, "
      "which re-runs\n"
      "                ivmprof for each implementation and profile: slower, "
      "exact.\n"
      "\n"
      "  --baseline FILE   default %s\n"
      "  --threshold-throughput P  allowed loss, in percent (default 10)\n"
      "  --threshold-p99 P         allowed p99 growth (default 20)\n"
      "  --threshold-memory P      allowed growth of bytes per span "
      "(default 10)\n"
      "  --threshold-instructions P  allowed growth of instructions per "
      "operation\n"
      "                            (default 2)\n"
      "  --profiles LIST   only these of the baseline's profiles (default "
      "all)\n"
      "  --impl LIST       only these of the baseline's implementations "
      "(default all)\n"
      "  --rounds R        rounds in ratio mode (default: the "
      "baseline's)\n"
      "\n"
      "For testing the gate only (they measure something other than this "
      "build):\n"
      "  --test-slowdown IMPL:N  wrap IMPL in a decorator that repeats a "
      "query N times\n"
      "                    after each operation, so the gate must report it "
      "regressed\n"
      "  --play-once       with --impl NAME --profiles NAME [--ops N] "
      "[--seed S]: play\n"
      "                    the measured operations once and exit; what "
      "--mode callgrind\n"
      "                    runs under valgrind\n"
      "\n"
      "Exit status: 0 nothing regressed, 1 a regression, 2 a usage error, a "
      "missing or\nmalformed baseline, a failed agreement check or a "
      "measurement that could not\nbe made.\n",
      path);
  return IVM_EXIT_OK;
}

typedef struct options {
  const char *baseline;
  ivm_gate_mode mode;
  ivm_icount_kind counter;
  ivm_gate_thresholds thresholds;
  const char *profiles;
  const char *impls;
  int64_t rounds; /* 0: the baseline's */
  const char *slowdown;
  bool play_once;
  int64_t ops;
  int64_t seed;
} options;

static bool parse(ivm_args *a, options *o) {
  static const char *const threshold_options[IVM_METRICS] = {
      "--threshold-throughput", "--threshold-p99", "--threshold-memory",
      "--threshold-instructions"};
  const char *v;
  while (ivm_args_next(a)) {
    if (ivm_args_flag(a, "--help") || ivm_args_flag(a, "-h")) return false;
    if (ivm_args_value(a, "--baseline", &v)) o->baseline = v;
    if (ivm_args_value(a, "--mode", &v)) {
      o->mode = strcmp(v, "ratio") == 0 ? IVM_GATE_RATIO
                                        : IVM_GATE_INSTRUCTIONS;
      o->counter = strcmp(v, "instructions") == 0 ? IVM_ICOUNT_PERF
                   : strcmp(v, "callgrind") == 0  ? IVM_ICOUNT_CALLGRIND
                                                  : IVM_ICOUNT_NONE;
      if (o->mode == IVM_GATE_INSTRUCTIONS && o->counter == IVM_ICOUNT_NONE)
        ivm_args_error(a, "--mode is ratio, instructions or callgrind, got "
                       "'%s'", v);
    }
    for (int m = 0; m < IVM_METRICS; m++)
      if (ivm_args_value(a, threshold_options[m], &v))
        ivm_regress_percent(a, threshold_options[m], v,
                            &o->thresholds.limit[m]);
    if (ivm_args_value(a, "--profiles", &v)) o->profiles = v;
    if (ivm_args_value(a, "--impl", &v)) o->impls = v;
    if (ivm_args_value(a, "--rounds", &v))
      ivm_args_count(a, "--rounds", v, 1, 1000, &o->rounds);
    if (ivm_args_value(a, "--test-slowdown", &v)) o->slowdown = v;
    if (ivm_args_flag(a, "--play-once")) o->play_once = true;
    if (ivm_args_value(a, "--ops", &v))
      ivm_args_count(a, "--ops", v, 1, IVM_PROFILE_COUNT_LIMIT, &o->ops);
    if (ivm_args_value(a, "--seed", &v))
      ivm_args_count(a, "--seed", v, 0, INT64_MAX, &o->seed);
    ivm_args_unknown(a);
  }
  if (!a->failed && !o->play_once && (o->ops || o->seed >= 0))
    ivm_args_error(a, "--ops and --seed go with --play-once; the gate uses "
                   "the baseline's");
  return true;
}

/* --play-once: the callgrind child. Plays the measured operations of one
 * profile once on one implementation through ivm_play_measured. */
static int play_once(ivm_args *a, const options *o) {
  if (!o->impls || !o->profiles || strchr(o->impls, ',') ||
      strchr(o->profiles, ',')) {
    ivm_args_error(a, "--play-once needs one --impl and one --profiles");
    return EXIT_NO_VERDICT;
  }
  const struct ivm_ops *impl = ivm_impls_find(o->impls);
  char err[512];
  if (!impl) {
    ivm_args_error(a, "--impl: unknown implementation '%s'", o->impls);
    return EXIT_NO_VERDICT;
  }
  /* The gate passes --test-slowdown to every child; it applies to one. */
  ivm_slowdown slow;
  if (o->slowdown &&
      ivm_regress_slow_down(o->slowdown, &slow, &impl, 1, err, sizeof err) <
          0) {
    ivm_args_error(a, "%s", err);
    return EXIT_NO_VERDICT;
  }
  ivm_profile p;
  ivm_stream s = {0};
  if (ivm_profile_load(o->profiles, &p, err, sizeof err) != IVM_OK ||
      ivm_workload_generate(&p, (uint64_t)(o->seed < 0 ? 42 : o->seed),
                            (size_t)(o->ops ? o->ops : p.ops), &s, err,
                            sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof regress: %s\n", err);
    return EXIT_NO_VERDICT;
  }
  ivm *m;
  int rc = ivm_prepare(impl, &s, &m);
  if (rc == IVM_OK) {
    ivm_play_measured(m, &s);
    ivm_destroy(m);
  } else {
    fprintf(stderr, "ivmprof regress: creating %s: %s\n", impl->name,
            ivm_strerror(rc));
  }
  ivm_stream_free(&s);
  return rc == IVM_OK ? IVM_EXIT_OK : EXIT_NO_VERDICT;
}

/* What the run measures: the baseline's names, narrowed by an option. */
typedef struct selection {
  const char *profiles[IVM_NAME_LIST_MAX];
  size_t profile_count;
  const struct ivm_ops *impls[IVM_IMPLS_MAX];
  size_t impl_count;
  ivm_slowdown slow;
  char notes[IVM_IMPLS_MAX + 2][320];
  const char *note_ptrs[IVM_IMPLS_MAX + 2];
  size_t note_count;
} selection;

static void note(selection *sel, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(selection *sel, const char *fmt, ...) {
  if (sel->note_count == sizeof sel->notes / sizeof sel->notes[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(sel->notes[sel->note_count], sizeof sel->notes[0], fmt, ap);
  va_end(ap);
  sel->note_ptrs[sel->note_count] = sel->notes[sel->note_count];
  sel->note_count++;
}

/* The distinct values of one column of the baseline, in file order, kept
 * when `only` (if given) lists them; every name of `only` must occur. */
static bool column(ivm_args *a, const ivm_baseline *b, bool impl_column,
                   const char *only, const char *path, const char **out,
                   size_t max, size_t *n) {
  const char *option = impl_column ? "--impl" : "--profiles";
  if (only && strcmp(only, "all") == 0) only = NULL;
  ivm_name_list want = {0};
  char err[256];
  if (only && ivm_name_list_parse(only, &want, err, sizeof err) != 0) {
    ivm_args_error(a, "%s: %s", option, err);
    return false;
  }
  *n = 0;
  for (size_t i = 0; i < b->count; i++) {
    const char *name = impl_column ? b->rows[i].impl : b->rows[i].profile;
    bool seen = false;
    for (size_t k = 0; k < *n; k++) seen = seen || strcmp(out[k], name) == 0;
    if (seen || (only && !ivm_name_list_has(&want, name))) continue;
    if (*n == max) {
      ivm_args_error(a, "%s: more than %zu in the baseline", option, max);
      break;
    }
    out[(*n)++] = name;
  }
  for (size_t k = 0; !a->failed && k < want.count; k++) {
    bool found = false;
    for (size_t j = 0; j < *n; j++)
      found = found || strcmp(out[j], want.names[k]) == 0;
    if (!found)
      ivm_args_error(a, "%s: '%s' has no rows in %s", option, want.names[k],
                     path);
  }
  ivm_name_list_free(&want);
  return !a->failed;
}

static bool select_what(ivm_args *a, const options *o, const ivm_baseline *b,
                        selection *sel) {
  const char *names[IVM_IMPLS_MAX];
  size_t n;
  if (!column(a, b, false, o->profiles, o->baseline, sel->profiles,
              IVM_NAME_LIST_MAX, &sel->profile_count) ||
      !column(a, b, true, o->impls, o->baseline, names, IVM_IMPLS_MAX, &n))
    return false;
  for (size_t i = 0; i < n; i++) {
    const struct ivm_ops *ops = ivm_impls_find(names[i]);
    if (ops)
      sel->impls[sel->impl_count++] = ops;
    else
      note(sel, "%s is in the baseline but not in this build: not measured",
           names[i]);
  }
  char err[512];
  if (sel->impl_count == 0) {
    fprintf(stderr, "ivmprof regress: none of the implementations of %s is "
            "in this build\n", o->baseline);
    a->failed = true;
  } else if (o->slowdown &&
             ivm_regress_slow_down(o->slowdown, &sel->slow, sel->impls,
                                   sel->impl_count, err, sizeof err)) {
    ivm_args_error(a, "%s", err);
  }
  for (size_t i = 0; !a->failed && i < sel->profile_count; i++) {
    ivm_profile p;
    if (ivm_profile_load(sel->profiles[i], &p, err, sizeof err) != IVM_OK) {
      fprintf(stderr, "ivmprof regress: profile %s of the baseline: %s\n",
              sel->profiles[i], err);
      a->failed = true;
    }
  }
  return !a->failed;
}

/* Whether the mode can run against this baseline here; notes what only
 * weakens the comparison. */
static bool check_mode(const options *o, const ivm_baseline *b,
                       selection *sel) {
  ivm_env env;
  ivm_env_collect(&env);
  const char *path = o->baseline;
  if (o->mode == IVM_GATE_RATIO) {
    if (!ivm_impls_find(b->set.relative_to)) {
      fprintf(stderr, "ivmprof regress: %s: its ratios are relative to %s, "
              "which is not in this build\n", path, b->set.relative_to);
      return false;
    }
    if (strcmp(env.cpu, b->cpu) != 0 || strcmp(env.compiler, b->compiler) ||
        strcmp(env.flags, b->flags))
      note(sel, "the baseline was measured on %s with %s (%s), this run on "
           "%s with %s (%s); ratios carry over only roughly: re-record the "
           "baseline on the machine that gates", b->cpu, b->compiler,
           b->flags, env.cpu, env.compiler, env.flags);
    return true;
  }
  const char *counter = ivm_icount_name(o->counter);
  char why[512], why_cg[256];
  if (!ivm_icount_available(o->counter, why, sizeof why)) {
    bool cg = o->counter == IVM_ICOUNT_PERF &&
              ivm_icount_available(IVM_ICOUNT_CALLGRIND, why_cg,
                                   sizeof why_cg);
    fprintf(stderr, "ivmprof regress: --mode %s is unavailable here: %s%s\n",
            o->counter == IVM_ICOUNT_PERF ? "instructions" : counter, why,
            cg ? "\nvalgrind is installed: --mode callgrind counts "
                 "instructions under valgrind instead (with a baseline "
                 "recorded by --instructions callgrind)"
               : "");
    return false;
  }
  if (b->set.instructions != o->counter) {
    const char *held = ivm_icount_name(b->set.instructions);
    fprintf(stderr, "ivmprof regress: %s holds %s instruction counts; --mode "
            "%s needs counts by %s: record them with `ivmprof baseline "
            "--instructions %s`%s%s\n", path,
            b->set.instructions == IVM_ICOUNT_NONE ? "no" : held,
            o->counter == IVM_ICOUNT_PERF ? "instructions" : counter, counter,
            counter,
            b->set.instructions == IVM_ICOUNT_NONE ? "" : ", or compare "
            "these with --mode ",
            b->set.instructions == IVM_ICOUNT_NONE ? ""
            : b->set.instructions == IVM_ICOUNT_PERF ? "instructions"
                                                     : held);
    return false;
  }
  if (strcmp(env.compiler, b->compiler) != 0 ||
      strcmp(env.flags, b->flags) != 0) {
    fprintf(stderr, "ivmprof regress: %s counted instructions of a build by "
            "%s (%s); this one is %s (%s): counts compare only within one "
            "compiler and flags; re-record the baseline\n", path, b->compiler,
            b->flags, env.compiler, env.flags);
    return false;
  }
  if (strcmp(env.cpu, b->cpu) != 0)
    note(sel, "the baseline was counted on %s, this run on %s: library "
         "routines tuned per CPU may differ", b->cpu, env.cpu);
  return true;
}

/* Measures, judges and reports; the exit status. */
static int gate(const options *o, const ivm_baseline *b, selection *sel) {
  char self[4096] = "";
  char *play[] = {self, "regress", "--play-once", NULL, NULL, NULL};
  if (o->slowdown) {
    play[3] = "--test-slowdown";
    play[4] = (char *)o->slowdown;
  }
  if (o->counter == IVM_ICOUNT_CALLGRIND &&
      !ivm_regress_self_path(self, sizeof self)) {
    fprintf(stderr, "ivmprof regress: cannot learn the path of ivmprof "
            "itself (/proc/self/exe) to run it under valgrind\n");
    return EXIT_NO_VERDICT;
  }
  ivm_clock clock;
  ivm_clock_init(&clock);
  ivm_progress progress;
  ivm_progress_init(&progress);
  ivm_gate_config cfg = ivm_gate_defaults();
  cfg.impls = sel->impls;
  cfg.impl_count = sel->impl_count;
  cfg.relative_to = o->mode == IVM_GATE_RATIO
                        ? ivm_impls_find(b->set.relative_to)
                        : NULL;
  cfg.profiles = sel->profiles;
  cfg.profile_count = sel->profile_count;
  cfg.set = b->set;
  if (o->rounds) cfg.set.rounds = (int)o->rounds;
  cfg.set.instructions = o->counter;
  cfg.timing = o->mode == IVM_GATE_RATIO;
  cfg.play_argv = play;
  cfg.clock = &clock;
  cfg.progress = &progress;
  ivm_gate_result res;
  char err[768];
  if (ivm_gate_measure(&cfg, &res, err, sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof regress: %s\n", err);
    return EXIT_NO_VERDICT;
  }
  bool color = ivm_term_color(stdout);
  int status;
  ivm_gate_verdicts v;
  if (!res.agreed) {
    printf("profile %s:\n", res.disagreement_profile);
    ivm_report_agreement(stdout, "", &res.disagreement, color);
    fflush(stdout); /* the report first, then the verdict */
    fprintf(stderr, "ivmprof regress: the implementations disagree on %s: "
            "no verdict\n", res.disagreement_profile);
    status = EXIT_NO_VERDICT;
  } else if (ivm_gate_judge(b, &res, o->mode, &o->thresholds, &v) != IVM_OK) {
    fprintf(stderr, "ivmprof regress: out of memory\n");
    status = EXIT_NO_VERDICT;
  } else {
    ivm_regress_meta meta = {.baseline_path = o->baseline,
                             .baseline = b,
                             .mode = o->mode,
                             .thresholds = &o->thresholds,
                             .profiles = sel->profile_count,
                             .impls = sel->impl_count,
                             .rounds = cfg.set.rounds,
                             .notes = sel->note_ptrs,
                             .note_count = sel->note_count};
    ivm_report_regress_text(stdout, &meta, &v, color);
    status = v.tally[IVM_VERDICT_REGRESSED] ? EXIT_REGRESSED : IVM_EXIT_OK;
    ivm_gate_verdicts_free(&v);
  }
  ivm_gate_free(&res);
  return status;
}

int ivm_cmd_regress(int argc, char **argv) {
  ivm_args a = ivm_args_start("regress", argc, argv);
  char default_path[4096];
  ivm_regress_default_baseline(default_path, sizeof default_path);
  options o = {.baseline = default_path,
               .mode = IVM_GATE_RATIO,
               .counter = IVM_ICOUNT_NONE,
               .thresholds = ivm_gate_default_thresholds(),
               .seed = -1};
  if (!parse(&a, &o)) return help();
  if (a.failed) return EXIT_NO_VERDICT;
  if (o.play_once) return play_once(&a, &o);

  ivm_baseline b;
  char err[768];
  if (ivm_baseline_load(o.baseline, &b, err, sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof regress: %s\n%s", err,
            access(o.baseline, F_OK) != 0
                ? "write a baseline with `ivmprof baseline` (or `just "
                  "baseline`)\n"
                : "");
    return EXIT_NO_VERDICT;
  }
  selection sel;
  memset(&sel, 0, sizeof sel);
  int status = EXIT_NO_VERDICT;
  if (select_what(&a, &o, &b, &sel) && check_mode(&o, &b, &sel))
    status = gate(&o, &b, &sel);
  ivm_baseline_free(&b);
  return status;
}
