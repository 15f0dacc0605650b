/* cmd_replay.c - `ivmprof replay`: a trace on one implementation, with one
 * log line per operation and the final spans, in the exact format of the
 * harness specification, so replays of different implementations (or of
 * one implementation before and after a change) can be diffed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exec.h"
#include "impls.h"
#include "trace.h"

static int help(void) {
  printf("usage: ivmprof replay --impl NAME --trace FILE|- [--log] [--dump]\n"
         "\n"
         "Runs every operation of a trace on one implementation.\n"
         "\n"
         "  --impl NAME    the implementation (see `ivmprof list`)\n"
         "  --trace FILE   the trace to read; - reads standard input\n"
         "  --log          one line per operation: `ok CHANGED`, `found START "
         "END`,\n"
         "                 `none`, `stats free=F chunks=N largest=L` or "
         "`error NAME`\n"
         "  --dump         then one line `START END` per free span and "
         "`total T`\n"
         "\n"
         "Without --log or --dump a one-line summary is printed. The "
         "implementation's\ninvariants are checked at the end. A malformed "
         "trace line stops the replay\nbefore any operation runs, with its "
         "line number and the reason (exit 1).\n");
  return IVM_EXIT_OK;
}

static int dump_span(void *ud, int64_t start, int64_t end) {
  fprintf(ud, "%" PRId64 " %" PRId64 "\n", start, end);
  return 0;
}

static int replay(const struct ivm_ops *impl, const ivm_stream *s, bool log,
                  bool dump) {
  ivm_options opt = ivm_stream_options(s);
  ivm *m;
  int rc = ivm_create_ops(impl, &opt, &m);
  if (rc != IVM_OK) {
    fprintf(stderr, "ivmprof replay: creating %s: %s\n", impl->name,
            ivm_strerror(rc));
    return IVM_EXIT_FAIL;
  }
  size_t errors = 0;
  char line[IVM_OP_LINE_MAX];
  for (size_t i = 0; i < s->count; i++) {
    ivm_result r;
    if (ivm_exec(m, &s->ops[i], &r) != IVM_OK) errors++;
    if (log) {
      ivm_result_format(&s->ops[i], &r, line, sizeof line);
      puts(line);
    }
  }
  if (dump) {
    ivm_each(m, INT64_MIN, INT64_MAX, dump_span, stdout);
    printf("total %" PRId64 "\n", ivm_total_free(m));
  }
  if (!log && !dump)
    printf("replayed %zu operations on %s: %zu errors; %" PRId64
           " free spans, total %" PRId64 "\n", s->count, impl->name, errors,
           ivm_count(m), ivm_total_free(m));
  char why[256];
  int check = ivm_check(m, why, sizeof why);
  ivm_destroy(m);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "ivmprof replay: writing the output: %s\n",
            strerror(errno));
    return IVM_EXIT_FAIL;
  }
  if (check != IVM_OK) {
    fprintf(stderr, "ivmprof replay: %s fails its check after the trace: %s\n",
            impl->name, why);
    return IVM_EXIT_FAIL;
  }
  return IVM_EXIT_OK;
}

int ivm_cmd_replay(int argc, char **argv) {
  ivm_args a = ivm_args_start("replay", argc, argv);
  const char *impl_name = NULL, *path = NULL, *v;
  bool log = false, dump = false;
  while (ivm_args_next(&a)) {
    if (ivm_args_flag(&a, "--help") || ivm_args_flag(&a, "-h")) return help();
    if (ivm_args_value(&a, "--impl", &v)) impl_name = v;
    if (ivm_args_value(&a, "--trace", &v)) path = v;
    if (ivm_args_flag(&a, "--log")) log = true;
    if (ivm_args_flag(&a, "--dump")) dump = true;
    ivm_args_unknown(&a);
  }
  if (!a.failed && !impl_name) ivm_args_error(&a, "--impl is required");
  if (!a.failed && !path) ivm_args_error(&a, "--trace is required");
  const struct ivm_ops *impl = a.failed ? NULL : ivm_impls_find(impl_name);
  if (!a.failed && !impl)
    ivm_args_error(&a, "unknown implementation '%s' (see `ivmprof list`)",
                   impl_name);
  if (a.failed) return IVM_EXIT_USAGE;

  bool from_stdin = strcmp(path, "-") == 0;
  FILE *in = from_stdin ? stdin : fopen(path, "r");
  if (!in) {
    fprintf(stderr, "ivmprof replay: %s: %s\n", path, strerror(errno));
    return IVM_EXIT_FAIL;
  }
  ivm_stream s;
  char err[512];
  int rc = ivm_trace_read(in, &s, err, sizeof err);
  if (!from_stdin) fclose(in);
  if (rc != IVM_OK) {
    fprintf(stderr, "ivmprof replay: %s: %s\n",
            from_stdin ? "standard input" : path, err);
    return IVM_EXIT_FAIL;
  }
  int status = replay(impl, &s, log, dump);
  ivm_stream_free(&s);
  return status;
}
