/* regress_cli.h - what `ivmprof baseline` and `ivmprof regress` share on
 * the command line: the default baseline file, lists of profile names,
 * thresholds in percent, the test-only slowing decorator, and the path of
 * ivmprof itself.
 *
 * Usage:
 *
 *     ivm_name_list profiles;
 *     if (ivm_name_list_parse("standard,dense", &profiles, err, sizeof err))
 *       ...;                                  // "empty item in '...'"
 *     ivm_name_list_free(&profiles);
 */
#ifndef IVM_REGRESS_CLI_H
#define IVM_REGRESS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "impls.h"
#include "slowdown.h"

/* The most profiles a list holds. */
#define IVM_NAME_LIST_MAX 64

/* The profiles both commands measure unless told otherwise: every shipped
 * profile whose runs stay short with the scanning peers included. */
#define IVM_REGRESS_DEFAULT_PROFILES "standard,dense,sparse,query-heavy,allocator"

/* The implementation the timing ratios are relative to by default: the
 * std::map peer when the build has it, else the library's B+-tree. The
 * peer is a design this project does not tune, so every library
 * implementation stays gated by the ratios; and measured against it the
 * p99 ratios vary about half as much from run to run as against the
 * B+-tree (its tail reacts to a busy machine more like the others'). */
const char *ivm_regress_default_relative_to(void);

/* The baseline both commands use by default: baseline.txt in the profile
 * folder (ivm_profile_dir()). */
void ivm_regress_default_baseline(char *buf, size_t size);

typedef struct ivm_name_list {
  char *text;                             /* owned copy, split in place */
  const char *names[IVM_NAME_LIST_MAX];
  size_t count;
} ivm_name_list;

/* Splits a comma-separated list. Returns 0, or -1 with the reason in err
 * for an empty item, a name given twice or too many names. */
int ivm_name_list_parse(const char *list, ivm_name_list *out, char *err,
                        size_t err_len);
void ivm_name_list_free(ivm_name_list *l);
/* True when name is in the list. */
bool ivm_name_list_has(const ivm_name_list *l, const char *name);

/* Parses a threshold like "10%", "10" or "2.5%" (percent) in (0, 1000]
 * into a fraction; a usage error otherwise. */
bool ivm_regress_percent(ivm_args *a, const char *name, const char *text,
                         double *out);

/* Test only: replaces the implementation named by spec ("IMPL:REPEATS")
 * among impls[0..n) by the slowing decorator kept in *slow. Returns 0; 1
 * when IMPL is not among them; -1 when spec is malformed. err says why. */
int ivm_regress_slow_down(const char *spec, ivm_slowdown *slow,
                          const struct ivm_ops **impls, size_t n, char *err,
                          size_t err_len);

/* The path of the running executable, for running it again (under
 * valgrind). False when it cannot be learned. */
bool ivm_regress_self_path(char *buf, size_t size);

#endif /* IVM_REGRESS_CLI_H */
