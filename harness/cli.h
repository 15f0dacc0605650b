/* cli.h - option parsing shared by the ivmprof subcommands: `--name VALUE`
 * or `--name=VALUE`, counts with optional k/M suffixes, and one way to
 * report a usage error (exit status 2).
 *
 * Usage:
 *
 *     ivm_args a = ivm_args_start("compare", argc, argv);
 *     const char *v;
 *     int64_t ops = 10000;
 *     while (ivm_args_next(&a)) {
 *       if (ivm_args_flag(&a, "--help")) return help();
 *       else if (ivm_args_value(&a, "--ops", &v))
 *         ivm_args_count(&a, "--ops", v, 1, INT64_MAX, &ops);
 *       else ivm_args_unknown(&a);
 *     }
 *     if (a.failed) return 2;             // the message is already printed
 */
#ifndef IVM_HARNESS_CLI_H
#define IVM_HARNESS_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses of every subcommand. */
#define IVM_EXIT_OK 0
#define IVM_EXIT_FAIL 1  /* the work failed: disagreement, bad input file */
#define IVM_EXIT_USAGE 2 /* bad command line */

typedef struct ivm_args {
  const char *cmd; /* subcommand name, for messages */
  int argc;
  char **argv;     /* argv[0] is the subcommand */
  int i;           /* the argument being looked at */
  bool matched;    /* the current argument has been recognised */
  bool failed;     /* a usage error was printed */
} ivm_args;

ivm_args ivm_args_start(const char *cmd, int argc, char **argv);
/* Moves to the next argument; false at the end or after a usage error. */
bool ivm_args_next(ivm_args *a);
/* True when the current argument is exactly `name`. */
bool ivm_args_flag(ivm_args *a, const char *name);
/* True when the current argument is `name VALUE` or `name=VALUE`; *value
 * is then the value. A missing value is a usage error (still true, with
 * *value "" so callers need no special case). */
bool ivm_args_value(ivm_args *a, const char *name, const char **value);
/* Reports the current argument as unknown. */
void ivm_args_unknown(ivm_args *a);
/* Parses a count in [min, max]: digits with optional `_` separators and an
 * optional k (x1000) or M (x1000000) suffix. A usage error otherwise. */
bool ivm_args_count(ivm_args *a, const char *name, const char *text,
                    int64_t min, int64_t max, int64_t *out);
/* Prints "ivmprof CMD: message" and the --help hint; marks a failed. */
void ivm_args_error(ivm_args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* IVM_HARNESS_CLI_H */
