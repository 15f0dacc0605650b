/* cmd_scale.c - `ivmprof scale`: one profile at growing sizes, time per
 * operation against n log n. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "impls.h"
#include "report.h"
#include "scale.h"

static int help(void) {
  printf(
      "usage: ivmprof scale [--profile NAME] [--impl a,b,...] [--max-ops N]\n"
      "                     [--sizes N,N,...] [--seed S] [--repeat K] "
      "[--warmup W]\n"
      "                     [--reference-max-ops N] [--time-reference] "
      "[--json FILE]\n"
      "\n"
      "Runs the profile at 1k, 10k, 100k and 1M operations (up to --max-ops),"
      "\ngrowing its universe, prefill and fragments with the operation "
      "count so the\nlive span count grows too. Each size is a comparison "
      "without the latency\npass: agreement first, then timed passes. The "
      "table shows ns/op and the\nefficiency against n log n: (ns/op / log2 "
      "n) relative to the smallest size.\n"
      "\n"
      "  --profile NAME           workload profile (default standard)\n"
      "  --impl LIST              comma-separated implementations, or all "
      "(default)\n"
      "  --max-ops N              the largest size (default 1M)\n"
      "  --sizes LIST             the sizes instead, e.g. 500,5k,50k\n"
      "  --seed S                 generator seed (default 42)\n"
      "  --repeat K               timed passes per size (default 3)\n"
      "  --warmup W               untimed warm-up passes (default 1)\n"
      "  --reference-max-ops N    the O(n) reference is the oracle up to N "
      "operations\n"
      "                           (default 100k); above, it is left out and "
      "the others\n"
      "                           are checked against the first of them\n"
      "  --time-reference         time the reference however large the run\n"
      "  --json FILE              also write every figure as JSON\n");
  return IVM_EXIT_OK;
}

/* --sizes: counts separated by commas, ascending. */
static void parse_sizes(ivm_args *a, const char *text, ivm_scale_config *cfg) {
  char buf[512];
  if (strlen(text) >= sizeof buf) {
    ivm_args_error(a, "--sizes: list too long");
    return;
  }
  strcpy(buf, text);
  cfg->size_count = 0;
  for (char *item = strtok(buf, ","); item; item = strtok(NULL, ",")) {
    if (cfg->size_count == IVM_SCALE_MAX_POINTS) {
      ivm_args_error(a, "--sizes: at most %d sizes", IVM_SCALE_MAX_POINTS);
      return;
    }
    int64_t v;
    if (!ivm_args_count(a, "--sizes", item, 2, IVM_PROFILE_COUNT_LIMIT, &v))
      return;
    if (cfg->size_count && v <= cfg->sizes[cfg->size_count - 1]) {
      ivm_args_error(a, "--sizes must ascend");
      return;
    }
    cfg->sizes[cfg->size_count++] = v;
  }
  if (cfg->size_count == 0) ivm_args_error(a, "--sizes is empty");
}

/* The default sizes up to max (or max alone when it is below them all). */
static void cap_sizes(ivm_scale_config *cfg, int64_t max) {
  size_t n = 0;
  for (size_t i = 0; i < cfg->size_count; i++)
    if (cfg->sizes[i] <= max) cfg->sizes[n++] = cfg->sizes[i];
  if (n == 0) cfg->sizes[n++] = max;
  cfg->size_count = n;
}

int ivm_cmd_scale(int argc, char **argv) {
  ivm_args a = ivm_args_start("scale", argc, argv);
  ivm_scale_config cfg = ivm_scale_defaults();
  const char *profile = "standard", *impl_list = "all", *json = NULL, *v;
  int64_t max_ops = -1, seed = 42, repeat = cfg.repeat, warmup = cfg.warmup;
  bool sizes_given = false;
  while (ivm_args_next(&a)) {
    if (ivm_args_flag(&a, "--help") || ivm_args_flag(&a, "-h")) return help();
    if (ivm_args_value(&a, "--profile", &v)) profile = v;
    if (ivm_args_value(&a, "--impl", &v)) impl_list = v;
    if (ivm_args_value(&a, "--max-ops", &v))
      ivm_args_count(&a, "--max-ops", v, 2, IVM_PROFILE_COUNT_LIMIT, &max_ops);
    if (ivm_args_value(&a, "--sizes", &v)) {
      parse_sizes(&a, v, &cfg);
      sizes_given = true;
    }
    if (ivm_args_value(&a, "--seed", &v))
      ivm_args_count(&a, "--seed", v, 0, INT64_MAX, &seed);
    if (ivm_args_value(&a, "--repeat", &v))
      ivm_args_count(&a, "--repeat", v, 1, 1000, &repeat);
    if (ivm_args_value(&a, "--warmup", &v))
      ivm_args_count(&a, "--warmup", v, 0, 1000, &warmup);
    if (ivm_args_value(&a, "--reference-max-ops", &v))
      ivm_args_count(&a, "--reference-max-ops", v, 0, INT64_MAX,
                     &cfg.reference_max_ops);
    if (ivm_args_flag(&a, "--time-reference")) cfg.time_reference = true;
    if (ivm_args_value(&a, "--json", &v)) json = v;
    ivm_args_unknown(&a);
  }
  if (!a.failed && sizes_given && max_ops >= 0)
    ivm_args_error(&a, "--sizes and --max-ops exclude each other");
  const struct ivm_ops *impls[IVM_IMPLS_MAX];
  char err[512];
  if (!a.failed &&
      ivm_impls_select(impl_list, impls, &cfg.impl_count, err, sizeof err))
    ivm_args_error(&a, "--impl: %s", err);
  if (a.failed) return IVM_EXIT_USAGE;
  ivm_profile p;
  if (ivm_profile_load(profile, &p, err, sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof scale: %s\n", err);
    return IVM_EXIT_USAGE;
  }
  if (max_ops >= 0) cap_sizes(&cfg, max_ops);

  FILE *json_out = NULL;
  if (json && !(json_out = fopen(json, "w"))) {
    fprintf(stderr, "ivmprof scale: %s: %s\n", json, strerror(errno));
    return IVM_EXIT_FAIL;
  }
  ivm_clock clock;
  ivm_clock_init(&clock);
  ivm_env env;
  ivm_env_collect(&env);
  ivm_progress progress;
  ivm_progress_init(&progress);
  cfg.impls = impls;
  cfg.profile = &p;
  cfg.seed = (uint64_t)seed;
  cfg.repeat = (int)repeat;
  cfg.warmup = (int)warmup;
  cfg.clock = &clock;
  cfg.progress = &progress;
  /* No domain in the metadata: it differs per size (see "universe"). */
  ivm_report_meta meta = {.command = "scale", .workload = p.name,
                          .seed = cfg.seed, .warmup = cfg.warmup,
                          .repeat = cfg.repeat, .env = &env, .clock = &clock};

  ivm_scale_result res;
  int status = IVM_EXIT_OK;
  int rc = ivm_scale_run(&cfg, &res, err, sizeof err);
  if (rc != IVM_OK) {
    fprintf(stderr, "ivmprof scale: %s\n", err);
    status = IVM_EXIT_FAIL;
  } else {
    ivm_report_scale_text(stdout, &meta, &res, ivm_term_color(stdout));
    if (json_out) ivm_report_scale_json(json_out, &meta, &res);
    if (!res.agreed) {
      fprintf(stderr, "ivmprof scale: the implementations disagree (see "
              "above)\n");
      status = IVM_EXIT_FAIL;
    }
  }
  ivm_scale_free(&res);
  if (json_out && fclose(json_out) != 0) {
    fprintf(stderr, "ivmprof scale: writing %s: %s\n", json, strerror(errno));
    status = IVM_EXIT_FAIL;
  }
  /* A run that could not be made leaves no empty JSON file behind. */
  if (json_out && rc != IVM_OK) remove(json);
  return status;
}
