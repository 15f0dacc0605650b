/* source.h - where a measuring subcommand's operations come from: a
 * profile (--profile, --ops, --seed) or a trace (--trace), parsed and
 * loaded the same way by every subcommand.
 *
 * Usage:
 *
 *     ivm_source src = ivm_source_defaults();
 *     while (ivm_args_next(&a)) {
 *       ivm_source_option(&a, &src);      // --profile --trace --ops --seed
 *       ...
 *     }
 *     ivm_stream s;
 *     ivm_report_meta meta = {.command = "compare"};
 *     int status = ivm_source_load(&a, &src, &s, &meta);
 *     if (status != IVM_EXIT_OK) return status;
 *     ...
 *     ivm_stream_free(&s);
 */
#ifndef IVM_HARNESS_SOURCE_H
#define IVM_HARNESS_SOURCE_H

#include "cli.h"
#include "op.h"
#include "report.h"
#include "workload.h"

typedef struct ivm_source {
  const char *profile_name; /* as given; "standard" by default */
  const char *trace;        /* NULL: generate from the profile */
  int64_t ops;              /* -1: the profile's own default */
  int64_t seed;
  bool profile_given;
  ivm_profile profile;      /* filled by ivm_source_load for profiles */
} ivm_source;

/* Profile "standard", its default ops, seed 42. */
ivm_source ivm_source_defaults(void);
/* Recognises --profile, --trace, --ops and --seed at a's argument. */
void ivm_source_option(ivm_args *a, ivm_source *src);
/* Generates or reads the stream into *s and fills meta's workload fields.
 * Returns IVM_EXIT_OK, IVM_EXIT_USAGE (conflicting options, unknown or
 * malformed profile) or IVM_EXIT_FAIL (unreadable or malformed trace, out
 * of memory), the message already printed. */
int ivm_source_load(ivm_args *a, ivm_source *src, ivm_stream *s,
                    ivm_report_meta *meta);

#endif /* IVM_HARNESS_SOURCE_H */
