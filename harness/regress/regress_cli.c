/* regress_cli.c - command-line pieces shared by `ivmprof baseline` and
 * `ivmprof regress`. */
#include "regress_cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

void ivm_regress_default_baseline(char *buf, size_t size) {
  snprintf(buf, size, "%s/baseline.txt", ivm_profile_dir());
}

const char *ivm_regress_default_relative_to(void) {
  return ivm_impls_find("stdmap") ? "stdmap" : "boundary";
}

int ivm_name_list_parse(const char *list, ivm_name_list *out, char *err,
                        size_t err_len) {
  memset(out, 0, sizeof *out);
  size_t len = strlen(list);
  out->text = malloc(len + 1);
  if (!out->text) {
    snprintf(err, err_len, "out of memory");
    return -1;
  }
  memcpy(out->text, list, len + 1);
  char *p = out->text;
  for (;;) {
    char *comma = strchr(p, ',');
    if (comma) *comma = '\0';
    if (!*p) {
      snprintf(err, err_len, "'%s' is not a comma-separated list of names",
               list);
      break;
    }
    if (ivm_name_list_has(out, p)) {
      snprintf(err, err_len, "'%s' listed twice", p);
      break;
    }
    if (out->count == IVM_NAME_LIST_MAX) {
      snprintf(err, err_len, "more than %d names", IVM_NAME_LIST_MAX);
      break;
    }
    out->names[out->count++] = p;
    if (!comma) return 0;
    p = comma + 1;
  }
  ivm_name_list_free(out);
  return -1;
}

void ivm_name_list_free(ivm_name_list *l) {
  free(l->text);
  memset(l, 0, sizeof *l);
}

bool ivm_name_list_has(const ivm_name_list *l, const char *name) {
  for (size_t i = 0; i < l->count; i++)
    if (strcmp(l->names[i], name) == 0) return true;
  return false;
}

bool ivm_regress_percent(ivm_args *a, const char *name, const char *text,
                         double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  bool ok = end != text && !errno && isfinite(v) &&
            (*end == '\0' || (end[0] == '%' && end[1] == '\0'));
  if (!ok || !(v > 0) || v > 1000) {
    ivm_args_error(a, "%s takes a percentage above 0 and at most 1000, like "
                   "10%% or 2.5, got '%s'", name, text);
    return false;
  }
  *out = v / 100;
  return true;
}

int ivm_regress_slow_down(const char *spec, ivm_slowdown *slow,
                          const struct ivm_ops **impls, size_t n, char *err,
                          size_t err_len) {
  const char *colon = strrchr(spec, ':');
  char *end = NULL;
  long repeats = colon ? strtol(colon + 1, &end, 10) : 0;
  if (!colon || colon == spec || end == colon + 1 || *end || repeats < 1 ||
      repeats > 1000) {
    snprintf(err, err_len, "--test-slowdown takes IMPL:REPEATS with REPEATS "
             "from 1 to 1000, got '%s'", spec);
    return -1;
  }
  size_t len = (size_t)(colon - spec);
  for (size_t i = 0; i < n; i++) {
    if (strlen(impls[i]->name) != len ||
        strncmp(impls[i]->name, spec, len) != 0)
      continue;
    ivm_slowdown_init(slow, impls[i], (int)repeats);
    impls[i] = &slow->ops;
    return 0;
  }
  snprintf(err, err_len, "--test-slowdown: '%.*s' is not among the "
           "implementations measured", (int)len, spec);
  return 1;
}

bool ivm_regress_self_path(char *buf, size_t size) {
  ssize_t n = readlink("/proc/self/exe", buf, size - 1);
  if (n <= 0 || (size_t)n >= size - 1) return false;
  buf[n] = '\0';
  return true;
}
