/* cmd_baseline.c - `ivmprof baseline`: measures what the regression gate
 * compares and writes it to the baseline file, or updates the rows it
 * measured in an existing one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "env.h"
#include "gate.h"
#include "impls.h"
#include "regress_cli.h"
#include "report.h"
#include "report_regress.h"

static int help(void) {
  char path[4096];
  ivm_regress_default_baseline(path, sizeof path);
  printf(
      "usage: ivmprof baseline [--out FILE] [--profiles a,b,...] "
      "[--impl a,b,...|all]\n"
      "                        [--relative-to NAME] [--ops N] [--seed S] "
      "[--rounds R]\n"
      "                        [--repeat K] [--warmup W]\n"
      "                        [--instructions none|perf|callgrind|auto] "
      "[--fresh]\n"
      "\n"
      "Measures every selected implementation on every selected profile "
      "the way\n`ivmprof regress` does, and records per implementation and "
      "profile: throughput\nand p99 latency as ratios to the relative-to "
      "implementation measured in the\nsame round (the median of R rounds, "
      "each of W warm-up and K timed passes),\nthe raw medians, bytes per "
      "live span and, when asked, instructions per\noperation. The "
      "implementations must agree with the reference first.\n"
      "\n"
      "An existing FILE measured the same way (settings, compiler, flags, "
      "CPU) is\nupdated: rows measured now replace theirs, the others stay. "
      "One measured\notherwise, or that cannot be read, is left alone "
      "unless --fresh is given.\n"
      "\n"
      "  --out FILE        the baseline file (default %s)\n"
      "  --profiles LIST   comma-separated profiles (default\n"
      "                    %s)\n"
      "  --impl LIST       comma-separated implementations, or all "
      "(default)\n"
      "  --relative-to NAME  the implementation the ratios are taken to "
      "(default %s;\n"
      "                    the std::map peer when built: a design this "
      "project does not tune)\n"
      "  --ops N           measured operations per profile (default "
      "20000)\n"
      "  --seed S          generator seed (default 42)\n"
      "  --rounds R        rounds, each a full comparison (default 15)\n"
      "  --repeat K        timed passes per round (default 3)\n"
      "  --warmup W        untimed warm-up passes per round (default 1)\n"
      "  --instructions C  also count instructions per operation: perf "
      "(perf_event_open),\n"
      "                    callgrind (valgrind), auto (perf where the "
      "kernel allows it,\n"
      "                    else callgrind where valgrind is installed) or "
      "none (default)\n"
      "  --fresh           replace FILE instead of updating it\n"
      "\n"
      "Rows name a profile by its name; `ivmprof regress` looks it up in "
      "the profile\nfolder (IVM_PROFILES, see `ivmprof list`).\n"
      "\n"
      "Exit status: 0 written; 1 the implementations disagree, or the "
      "measurement\nor the write failed; 2 a usage error, an unknown "
      "profile, or an existing FILE\nthat cannot be read or was measured "
      "differently (without --fresh).\n",
      path, IVM_REGRESS_DEFAULT_PROFILES, ivm_regress_default_relative_to());
  return IVM_EXIT_OK;
}

/* The order rows are written in: the harness's list of implementations. */
static int impl_order(const char *name) {
  for (size_t i = 0; i < ivm_impls_count(); i++)
    if (strcmp(ivm_impls_at(i)->name, name) == 0) return (int)i;
  return (int)ivm_impls_count();
}

/* --instructions auto: perf, else callgrind, else none, saying why. */
static ivm_icount_kind pick_counter(void) {
  char why_perf[512], why_cg[256];
  if (ivm_icount_available(IVM_ICOUNT_PERF, why_perf, sizeof why_perf))
    return IVM_ICOUNT_PERF;
  if (ivm_icount_available(IVM_ICOUNT_CALLGRIND, why_cg, sizeof why_cg)) {
    fprintf(stderr, "ivmprof baseline: counting instructions with callgrind "
            "(%s)\n", why_perf);
    return IVM_ICOUNT_CALLGRIND;
  }
  fprintf(stderr, "ivmprof baseline: no instruction counter: %s; %s\n",
          why_perf, why_cg);
  return IVM_ICOUNT_NONE;
}

/* The baseline as this run describes it: settings and environment. */
static void describe(ivm_baseline *b, const ivm_baseline_settings *set) {
  memset(b, 0, sizeof *b);
  b->set = *set;
  ivm_env env;
  ivm_env_collect(&env);
  snprintf(b->compiler, sizeof b->compiler, "%s", env.compiler);
  snprintf(b->flags, sizeof b->flags, "%s", env.flags);
  snprintf(b->cpu, sizeof b->cpu, "%s", env.cpu);
  snprintf(b->date, sizeof b->date, "%s", env.date);
  snprintf(b->commit, sizeof b->commit, "%s%s",
           env.commit[0] ? env.commit : "unknown",
           env.dirty ? " +uncommitted changes" : "");
}

typedef struct options {
  const char *out;
  const char *profiles;
  const char *impls;
  const char *relative_to;
  ivm_baseline_settings set;
  bool auto_counter;
  bool fresh;
} options;

static bool parse(ivm_args *a, options *o) {
  const char *v;
  int64_t n;
  while (ivm_args_next(a)) {
    if (ivm_args_flag(a, "--help") || ivm_args_flag(a, "-h")) return false;
    if (ivm_args_value(a, "--out", &v)) o->out = v;
    if (ivm_args_value(a, "--profiles", &v)) o->profiles = v;
    if (ivm_args_value(a, "--impl", &v)) o->impls = v;
    if (ivm_args_value(a, "--relative-to", &v)) o->relative_to = v;
    if (ivm_args_value(a, "--ops", &v))
      ivm_args_count(a, "--ops", v, 1, IVM_PROFILE_COUNT_LIMIT, &o->set.ops);
    if (ivm_args_value(a, "--seed", &v) &&
        ivm_args_count(a, "--seed", v, 0, INT64_MAX, &n))
      o->set.seed = (uint64_t)n;
    if (ivm_args_value(a, "--rounds", &v) &&
        ivm_args_count(a, "--rounds", v, 1, 1000, &n))
      o->set.rounds = (int)n;
    if (ivm_args_value(a, "--repeat", &v) &&
        ivm_args_count(a, "--repeat", v, 1, 1000, &n))
      o->set.repeat = (int)n;
    if (ivm_args_value(a, "--warmup", &v) &&
        ivm_args_count(a, "--warmup", v, 0, 1000, &n))
      o->set.warmup = (int)n;
    if (ivm_args_value(a, "--instructions", &v)) {
      o->auto_counter = strcmp(v, "auto") == 0;
      if (!o->auto_counter && !ivm_icount_from_name(v, &o->set.instructions))
        ivm_args_error(a, "--instructions is none, perf, callgrind or auto, "
                       "got '%s'", v);
    }
    if (ivm_args_flag(a, "--fresh")) o->fresh = true;
    ivm_args_unknown(a);
  }
  return true;
}

/* Loads o->out when it exists and --fresh was not given, into *old
 * (*have_old) when it was measured like now. The exit status: OK, or
 * USAGE when the file cannot be read or was measured otherwise. */
static int read_existing(const options *o, const ivm_baseline *now,
                         ivm_baseline *old, bool *have_old) {
  char err[512], why[512];
  *have_old = false;
  if (o->fresh || access(o->out, F_OK) != 0) return IVM_EXIT_OK;
  if (ivm_baseline_load(o->out, old, err, sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof baseline: %s\nnot overwriting it: --fresh "
            "replaces it\n", err);
    return IVM_EXIT_USAGE;
  }
  if (!ivm_baseline_comparable(old, now, why, sizeof why)) {
    fprintf(stderr, "ivmprof baseline: %s was measured differently: %s "
            "there;\n--fresh replaces it, --out writes another file\n",
            o->out, why);
    ivm_baseline_free(old);
    return IVM_EXIT_USAGE;
  }
  *have_old = true;
  return IVM_EXIT_OK;
}

/* Merges the measured rows into old (or a new baseline) and writes it. */
static int write_out(const options *o, ivm_baseline *now, ivm_baseline *old,
                     bool have_old, const ivm_gate_result *res) {
  ivm_baseline *b = now;
  size_t kept = 0;
  char err[512];
  if (have_old) {
    /* The old rows stay; settings and build are the same; the date and
     * commit become this run's. */
    memcpy(old->date, now->date, sizeof old->date);
    memcpy(old->commit, now->commit, sizeof old->commit);
    b = old;
  }
  for (size_t i = 0; i < res->count; i++) {
    if (ivm_baseline_put(b, &res->rows[i].row, err, sizeof err) != IVM_OK) {
      fprintf(stderr, "ivmprof baseline: %s\n", err);
      return IVM_EXIT_FAIL;
    }
  }
  kept = b->count - res->count;
  ivm_baseline_sort(b, impl_order);
  if (ivm_baseline_write(o->out, b, err, sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof baseline: %s\n", err);
    return IVM_EXIT_FAIL;
  }
  printf("\nwrote %s: %zu rows, %zu measured now, %zu kept from before\n",
         o->out, b->count, res->count, kept);
  return IVM_EXIT_OK;
}

int ivm_cmd_baseline(int argc, char **argv) {
  ivm_args a = ivm_args_start("baseline", argc, argv);
  char default_out[4096];
  ivm_regress_default_baseline(default_out, sizeof default_out);
  ivm_gate_config cfg = ivm_gate_defaults();
  options o = {.out = default_out,
               .profiles = IVM_REGRESS_DEFAULT_PROFILES,
               .impls = "all",
               .relative_to = ivm_regress_default_relative_to(),
               .set = cfg.set};
  if (!parse(&a, &o)) return help();
  if (a.failed) return IVM_EXIT_USAGE;

  const struct ivm_ops *impls[IVM_IMPLS_MAX];
  size_t n = 0;
  char err[512];
  ivm_name_list profiles;
  if (ivm_impls_select(o.impls, impls, &n, err, sizeof err) != 0) {
    ivm_args_error(&a, "--impl: %s", err);
    return IVM_EXIT_USAGE;
  }
  cfg.relative_to = ivm_impls_find(o.relative_to);
  if (!cfg.relative_to) {
    ivm_args_error(&a, "--relative-to: unknown implementation '%s' (see "
                   "`ivmprof list`)", o.relative_to);
    return IVM_EXIT_USAGE;
  }
  if (ivm_name_list_parse(o.profiles, &profiles, err, sizeof err) != 0) {
    ivm_args_error(&a, "--profiles: %s", err);
    return IVM_EXIT_USAGE;
  }
  for (size_t i = 0; i < profiles.count; i++) {
    ivm_profile p;
    if (ivm_profile_load(profiles.names[i], &p, err, sizeof err) != IVM_OK) {
      fprintf(stderr, "ivmprof baseline: %s\n", err);
      ivm_name_list_free(&profiles);
      return IVM_EXIT_USAGE;
    }
  }
  char why[512];
  if (o.auto_counter) {
    o.set.instructions = pick_counter();
  } else if (!ivm_icount_available(o.set.instructions, why, sizeof why)) {
    fprintf(stderr, "ivmprof baseline: --instructions %s: %s\n",
            ivm_icount_name(o.set.instructions), why);
    ivm_name_list_free(&profiles);
    return IVM_EXIT_USAGE;
  }
  snprintf(o.set.relative_to, sizeof o.set.relative_to, "%s",
           cfg.relative_to->name);

  /* Read an existing file first: a measurement that cannot be saved is
   * not worth its minutes. */
  ivm_baseline old, now;
  describe(&now, &o.set);
  bool have_old = false;
  int status = read_existing(&o, &now, &old, &have_old);
  if (status != IVM_EXIT_OK) {
    ivm_name_list_free(&profiles);
    return status;
  }

  char self[4096] = "";
  char *play[] = {self, "regress", "--play-once", NULL};
  if (o.set.instructions == IVM_ICOUNT_CALLGRIND &&
      !ivm_regress_self_path(self, sizeof self)) {
    fprintf(stderr, "ivmprof baseline: cannot learn the path of ivmprof "
            "itself (/proc/self/exe) to run it under valgrind\n");
    if (have_old) ivm_baseline_free(&old);
    ivm_name_list_free(&profiles);
    return IVM_EXIT_FAIL;
  }
  ivm_clock clock;
  ivm_clock_init(&clock);
  ivm_progress progress;
  ivm_progress_init(&progress);
  cfg.impls = impls;
  cfg.impl_count = n;
  cfg.profiles = profiles.names;
  cfg.profile_count = profiles.count;
  cfg.set = o.set;
  cfg.timing = true;
  cfg.play_argv = play;
  cfg.clock = &clock;
  cfg.progress = &progress;
  ivm_gate_result res;
  int rc = ivm_gate_measure(&cfg, &res, err, sizeof err);
  if (rc != IVM_OK) {
    fprintf(stderr, "ivmprof baseline: %s\n", err);
    status = IVM_EXIT_FAIL;
  } else if (!res.agreed) {
    printf("profile %s:\n", res.disagreement_profile);
    ivm_report_agreement(stdout, "", &res.disagreement,
                         ivm_term_color(stdout));
    fflush(stdout); /* the report first, then the verdict */
    fprintf(stderr, "ivmprof baseline: the implementations disagree on %s: "
            "nothing written\n", res.disagreement_profile);
    status = IVM_EXIT_FAIL;
  } else {
    ivm_report_baseline_text(stdout, &o.set, &res, ivm_term_color(stdout));
    status = write_out(&o, &now, &old, have_old, &res);
  }
  if (rc == IVM_OK) ivm_gate_free(&res);
  if (have_old) ivm_baseline_free(&old);
  ivm_baseline_free(&now);
  ivm_name_list_free(&profiles);
  return status;
}
