/* source.c - the --profile/--trace/--ops/--seed options and loading the
 * stream they describe. */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace.h"

ivm_source ivm_source_defaults(void) {
  ivm_source src;
  memset(&src, 0, sizeof src);
  src.profile_name = "standard";
  src.ops = -1;
  src.seed = 42;
  return src;
}

void ivm_source_option(ivm_args *a, ivm_source *src) {
  const char *v;
  if (ivm_args_value(a, "--profile", &v)) {
    src->profile_name = v;
    src->profile_given = true;
  }
  if (ivm_args_value(a, "--trace", &v)) src->trace = v;
  if (ivm_args_value(a, "--ops", &v))
    ivm_args_count(a, "--ops", v, 1, IVM_PROFILE_COUNT_LIMIT, &src->ops);
  if (ivm_args_value(a, "--seed", &v))
    ivm_args_count(a, "--seed", v, 0, INT64_MAX, &src->seed);
}

static int load_trace(ivm_args *a, ivm_source *src, ivm_stream *s,
                      ivm_report_meta *meta) {
  if (src->profile_given || src->ops >= 0) {
    ivm_args_error(a, "--trace replays a whole trace: it takes no --profile "
                   "or --ops");
    return IVM_EXIT_USAGE;
  }
  bool from_stdin = strcmp(src->trace, "-") == 0;
  FILE *in = from_stdin ? stdin : fopen(src->trace, "r");
  if (!in) {
    fprintf(stderr, "ivmprof %s: %s: %s\n", a->cmd, src->trace,
            strerror(errno));
    return IVM_EXIT_FAIL;
  }
  char err[512];
  int rc = ivm_trace_read(in, s, err, sizeof err);
  if (!from_stdin) fclose(in);
  if (rc != IVM_OK) {
    fprintf(stderr, "ivmprof %s: %s: %s\n", a->cmd, src->trace, err);
    return IVM_EXIT_FAIL;
  }
  meta->workload = src->trace;
  meta->from_trace = true;
  return IVM_EXIT_OK;
}

int ivm_source_load(ivm_args *a, ivm_source *src, ivm_stream *s,
                    ivm_report_meta *meta) {
  memset(s, 0, sizeof *s);
  int status = IVM_EXIT_OK;
  if (src->trace) {
    status = load_trace(a, src, s, meta);
  } else {
    char err[512];
    if (ivm_profile_load(src->profile_name, &src->profile, err,
                         sizeof err) != IVM_OK) {
      fprintf(stderr, "ivmprof %s: %s\n", a->cmd, err);
      return IVM_EXIT_USAGE;
    }
    if (src->ops < 0) src->ops = src->profile.ops;
    if (ivm_workload_generate(&src->profile, (uint64_t)src->seed,
                              (size_t)src->ops, s, err,
                              sizeof err) != IVM_OK) {
      fprintf(stderr, "ivmprof %s: %s\n", a->cmd, err);
      return IVM_EXIT_FAIL;
    }
    meta->workload = src->profile.name;
    meta->from_trace = false;
    meta->seed = (uint64_t)src->seed;
  }
  if (status == IVM_EXIT_OK) {
    meta->has_domain = s->has_domain;
    meta->domain_lo = s->domain_lo;
    meta->domain_hi = s->domain_hi;
  }
  return status;
}
