/* cli.c - option parsing for the subcommands. Every usage error goes
 * through ivm_args_error, so all of them look the same and exit with 2. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

ivm_args ivm_args_start(const char *cmd, int argc, char **argv) {
  ivm_args a = {cmd, argc, argv, 0, true, false};
  return a;
}

bool ivm_args_next(ivm_args *a) {
  if (a->failed) return false;
  a->i++;
  a->matched = false;
  return a->i < a->argc;
}

bool ivm_args_flag(ivm_args *a, const char *name) {
  if (a->matched || strcmp(a->argv[a->i], name) != 0) return false;
  a->matched = true;
  return true;
}

bool ivm_args_value(ivm_args *a, const char *name, const char **value) {
  const char *arg = a->argv[a->i];
  size_t n = strlen(name);
  if (a->matched || strncmp(arg, name, n) != 0) return false;
  if (arg[n] == '=') {
    *value = arg + n + 1;
  } else if (arg[n] != '\0') {
    return false;
  } else if (a->i + 1 < a->argc) {
    *value = a->argv[++a->i];
  } else {
    ivm_args_error(a, "%s needs a value", name);
    *value = "";
  }
  a->matched = true;
  return true;
}

void ivm_args_unknown(ivm_args *a) {
  if (a->matched) return;
  const char *arg = a->argv[a->i];
  if (arg[0] == '-')
    ivm_args_error(a, "unknown option '%s'", arg);
  else
    ivm_args_error(a, "unexpected argument '%s'", arg);
}

void ivm_args_error(ivm_args *a, const char *fmt, ...) {
  if (a->failed) return;
  fprintf(stderr, "ivmprof %s: ", a->cmd);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n(see `ivmprof %s --help`)\n", a->cmd);
  a->failed = true;
}

/* Digits with `_` between them, then an optional k or M; false when the
 * text is anything else or the value exceeds int64. */
static bool parse_count(const char *p, int64_t *out) {
  int64_t v = 0;
  bool digits = false;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > (INT64_MAX - (*p - '0')) / 10) return false;
    v = v * 10 + (*p - '0');
    digits = true;
    if (p[1] == '_' && p[2] >= '0' && p[2] <= '9') p++;
  }
  int64_t mul = *p == 'k' || *p == 'K' ? 1000 : *p == 'M' ? 1000000 : 1;
  if (mul != 1) p++;
  if (!digits || *p || v > INT64_MAX / mul) return false;
  *out = v * mul;
  return true;
}

bool ivm_args_count(ivm_args *a, const char *name, const char *text,
                    int64_t min, int64_t max, int64_t *out) {
  int64_t v;
  if (!parse_count(text, &v)) {
    ivm_args_error(a, "%s takes a count like 10000, 10_000 or 10k, got '%s'",
                   name, text);
    return false;
  }
  if (v < min || v > max) {
    ivm_args_error(a, "%s must be between %lld and %lld, got %s", name,
                   (long long)min, (long long)max, text);
    return false;
  }
  *out = v;
  return true;
}
