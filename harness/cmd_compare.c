/* cmd_compare.c - `ivmprof compare`: every selected implementation on the
 * same operations, agreement first, then speed, latency and memory. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "impls.h"
#include "report.h"
#include "source.h"

static int help(void) {
  printf(
      "usage: ivmprof compare [--profile NAME | --trace FILE] [--ops N] "
      "[--seed S]\n"
      "                       [--impl a,b,...] [--repeat K] [--warmup W]\n"
      "                       [--oracle NAME] [--time-reference] "
      "[--json FILE]\n"
      "\n"
      "Runs the same operations on every selected implementation. First the\n"
      "agreement check: the oracle's result of every operation is recorded "
      "once and\neach implementation must give the same results, final "
      "spans, totals and\nstatistics (a difference fails the command, exit 1, "
      "printing the operation).\nThen W untimed warm-up passes and K passes "
      "timed as a block (throughput:\nmedian and min-max), one pass timing "
      "every operation (latency percentiles,\nalso per operation kind), and "
      "memory through the counting allocator hook.\n"
      "\n"
      "  --profile NAME   workload profile (default standard; see `ivmprof "
      "list`)\n"
      "  --trace FILE     replay a trace instead; every operation is "
      "measured\n"
      "  --ops N          measured operations (default: the profile's ops)\n"
      "  --seed S         generator seed (default 42)\n"
      "  --impl LIST      comma-separated implementations, or all (default)\n"
      "  --repeat K       timed passes (default 5)\n"
      "  --warmup W       untimed warm-up passes (default 1)\n"
      "  --oracle NAME    whose results are the truth (default reference)\n"
      "  --time-reference time the O(n) reference even on large runs\n"
      "  --json FILE      also write every figure and the environment as "
      "JSON\n"
      "\n"
      "The console honours NO_COLOR; progress appears on stderr only when it "
      "is a\nterminal and the run takes longer than a second.\n");
  return IVM_EXIT_OK;
}

int ivm_cmd_compare(int argc, char **argv) {
  ivm_args a = ivm_args_start("compare", argc, argv);
  ivm_source src = ivm_source_defaults();
  const char *impl_list = "all", *oracle = "reference", *json = NULL, *v;
  int64_t repeat = 5, warmup = 1;
  bool time_reference = false;
  while (ivm_args_next(&a)) {
    if (ivm_args_flag(&a, "--help") || ivm_args_flag(&a, "-h")) return help();
    ivm_source_option(&a, &src);
    if (ivm_args_value(&a, "--impl", &v)) impl_list = v;
    if (ivm_args_value(&a, "--oracle", &v)) oracle = v;
    if (ivm_args_value(&a, "--repeat", &v))
      ivm_args_count(&a, "--repeat", v, 1, 1000, &repeat);
    if (ivm_args_value(&a, "--warmup", &v))
      ivm_args_count(&a, "--warmup", v, 0, 1000, &warmup);
    if (ivm_args_flag(&a, "--time-reference")) time_reference = true;
    if (ivm_args_value(&a, "--json", &v)) json = v;
    ivm_args_unknown(&a);
  }
  const struct ivm_ops *impls[IVM_IMPLS_MAX];
  size_t n = 0;
  char err[512];
  if (!a.failed && ivm_impls_select(impl_list, impls, &n, err, sizeof err))
    ivm_args_error(&a, "--impl: %s", err);
  const struct ivm_ops *oracle_ops = ivm_impls_find(oracle);
  if (!a.failed && !oracle_ops)
    ivm_args_error(&a, "--oracle: unknown implementation '%s'", oracle);
  if (a.failed) return IVM_EXIT_USAGE;
  ivm_stream s;
  ivm_report_meta meta = {.command = "compare"};
  int status = ivm_source_load(&a, &src, &s, &meta);
  if (status != IVM_EXIT_OK) return status;

  FILE *json_out = NULL;
  if (json && !(json_out = fopen(json, "w"))) {
    fprintf(stderr, "ivmprof compare: %s: %s\n", json, strerror(errno));
    ivm_stream_free(&s);
    return IVM_EXIT_FAIL;
  }
  ivm_clock clock;
  ivm_clock_init(&clock);
  ivm_env env;
  ivm_env_collect(&env);
  ivm_progress progress;
  ivm_progress_init(&progress);
  ivm_compare_config cfg = ivm_compare_defaults();
  cfg.impls = impls;
  cfg.impl_count = n;
  cfg.oracle = oracle_ops;
  cfg.warmup = (int)warmup;
  cfg.repeat = (int)repeat;
  cfg.time_reference = time_reference;
  cfg.clock = &clock;
  cfg.progress = &progress;
  meta.warmup = cfg.warmup;
  meta.repeat = cfg.repeat;
  meta.env = &env;
  meta.clock = &clock;

  ivm_compare_result res;
  int rc = ivm_compare_run(&s, &cfg, &res, err, sizeof err);
  ivm_stream_free(&s);
  if (rc != IVM_OK) {
    fprintf(stderr, "ivmprof compare: %s\n", err);
    status = IVM_EXIT_FAIL;
  } else {
    ivm_report_compare_text(stdout, &meta, &res, ivm_term_color(stdout));
    if (json_out) ivm_report_compare_json(json_out, &meta, &res);
    if (!res.agreed) {
      fprintf(stderr, "ivmprof compare: the implementations disagree with "
              "%s (see above)\n", res.oracle);
      status = IVM_EXIT_FAIL;
    }
  }
  ivm_compare_free(&res);
  if (json_out && fclose(json_out) != 0) {
    fprintf(stderr, "ivmprof compare: writing %s: %s\n", json,
            strerror(errno));
    status = IVM_EXIT_FAIL;
  }
  /* A run that could not be made leaves no empty JSON file behind. */
  if (json_out && rc != IVM_OK) remove(json);
  return status;
}
