/* cmd_trace.c - `ivmprof trace`: a profile's seeded operation stream,
 * written in the trace format that `replay` and `compare --trace` read. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "trace.h"
#include "workload.h"

static int help(void) {
  printf("usage: ivmprof trace --profile NAME --ops N [--seed S] [-o FILE]\n"
         "\n"
         "Writes the operation stream of a workload profile as a trace: the "
         "setup\noperations that build the initial state, then N measured "
         "operations. The\nsame profile, seed and N give the same bytes on "
         "every machine.\n"
         "\n"
         "  --profile NAME  a profile name (see `ivmprof list`) or a "
         ".profile file\n"
         "  --ops N         measured operations (10000, 10_000 or 10k)\n"
         "  --seed S        the generator's seed (default 42)\n"
         "  -o FILE         write to FILE instead of standard output\n");
  return IVM_EXIT_OK;
}

int ivm_cmd_trace(int argc, char **argv) {
  ivm_args a = ivm_args_start("trace", argc, argv);
  const char *profile = NULL, *path = NULL, *v;
  int64_t ops = -1, seed = 42;
  while (ivm_args_next(&a)) {
    if (ivm_args_flag(&a, "--help") || ivm_args_flag(&a, "-h")) return help();
    if (ivm_args_value(&a, "--profile", &v)) profile = v;
    if (ivm_args_value(&a, "--ops", &v))
      ivm_args_count(&a, "--ops", v, 0, IVM_PROFILE_COUNT_LIMIT, &ops);
    if (ivm_args_value(&a, "--seed", &v))
      ivm_args_count(&a, "--seed", v, 0, INT64_MAX, &seed);
    if (ivm_args_value(&a, "-o", &v)) path = v;
    ivm_args_unknown(&a);
  }
  if (!a.failed && !profile) ivm_args_error(&a, "--profile is required");
  if (!a.failed && ops < 0) ivm_args_error(&a, "--ops is required");
  if (a.failed) return IVM_EXIT_USAGE;

  ivm_profile p;
  char err[512];
  if (ivm_profile_load(profile, &p, err, sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof trace: %s\n", err);
    return IVM_EXIT_USAGE;
  }
  ivm_stream s;
  if (ivm_workload_generate(&p, (uint64_t)seed, (size_t)ops, &s, err,
                            sizeof err) != IVM_OK) {
    fprintf(stderr, "ivmprof trace: %s\n", err);
    return IVM_EXIT_FAIL;
  }
  FILE *out = path ? fopen(path, "w") : stdout;
  if (!out) {
    fprintf(stderr, "ivmprof trace: %s: %s\n", path, strerror(errno));
    ivm_stream_free(&s);
    return IVM_EXIT_FAIL;
  }
  char header[768], setup[128];
  if (s.setup)
    snprintf(setup, sizeof setup, "operations 1-%zu build the initial state "
             "(setup); the %zu after them are measured", s.setup,
             ivm_stream_measured(&s));
  else
    snprintf(setup, sizeof setup, "no setup; all %zu operations are measured",
             ivm_stream_measured(&s));
  snprintf(header, sizeof header,
           "ivmprof trace --profile %s --ops %" PRId64 " --seed %" PRId64
           "\n%s\n%s", p.name, ops, seed,
           p.description[0] ? p.description : "(no description)", setup);
  bool ok = ivm_trace_write(out, &s, header);
  int saved = errno;
  if (path && fclose(out) != 0) ok = false;
  ivm_stream_free(&s);
  if (!ok) {
    fprintf(stderr, "ivmprof trace: writing %s: %s\n",
            path ? path : "standard output", strerror(saved));
    return IVM_EXIT_FAIL;
  }
  return IVM_EXIT_OK;
}
