/* op.h - one operation of a workload, its result, and a stream of them.
 *
 * Usage:
 *
 *     ivm_stream s = {0};
 *     ivm_op op = {.kind = IVM_OP_RELEASE, .arg = {0, 1000}};
 *     if (ivm_stream_push(&s, &op) != IVM_OK) abort();
 *     char line[IVM_OP_LINE_MAX];
 *     ivm_op_format(&s.ops[0], line, sizeof line);   // "release 0 1000"
 *     ivm_stream_free(&s);
 *
 * The text forms are those of a trace (see trace.h): ivm_op_format writes a
 * trace line, ivm_result_format a line of `ivmprof replay --log`.
 */
#ifndef IVM_HARNESS_OP_H
#define IVM_HARNESS_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ivm.h"

/* The operation kinds, in the order of the trace format. The X-macro gives
 * the enum and the trace names from one list. */
#define IVM_OP_KIND_MAP(XX)               \
  XX(RELEASE, "release")                  \
  XX(RESERVE, "reserve")                  \
  XX(RESERVE_COVERED, "reserve-covered")  \
  XX(FIND, "find")                        \
  XX(ALLOCATE, "allocate")                \
  XX(BEST_FIT, "bestfit")                 \
  XX(LARGEST, "largest")                  \
  XX(STATS, "stats")

typedef enum ivm_op_kind {
#define IVM_OP_KIND_ENUM(name, text) IVM_OP_##name,
  IVM_OP_KIND_MAP(IVM_OP_KIND_ENUM)
#undef IVM_OP_KIND_ENUM
  IVM_OP_KINDS /* how many kinds there are */
} ivm_op_kind;

/* The arguments by kind:
 *   release, reserve, reserve-covered   arg[0] = start, arg[1] = end
 *   find, allocate                      arg[0] = p, arg[1] = len,
 *                                       arg[2] = not_after when bounded
 *   bestfit                             arg[0] = len
 *   largest, stats                      none
 * Unused arguments are zero, so ops compare and print the same way always. */
typedef struct ivm_op {
  ivm_op_kind kind;
  bool bounded;
  int64_t arg[3];
} ivm_op;

/* What an operation returned. Every field that does not apply to the kind
 * is zero, so two results are equal exactly when all fields are. */
typedef struct ivm_result {
  int status;          /* IVM_OK or a negative IVM_* status */
  bool found;          /* find, allocate, bestfit, largest */
  ivm_span span;       /* the span found (zero when not found) */
  int64_t changed;     /* release, reserve: points that changed */
  ivm_summary stats;   /* stats: the figures every other statistic derives
                          from (total free, count, largest and its start,
                          smallest, first and last) */
} ivm_result;

/* A sequence of operations and the domain they run in. The first `setup`
 * operations prepare the state (initial release, prefill) and are not
 * measured; measurement covers ops[setup, count). */
typedef struct ivm_stream {
  bool has_domain;
  int64_t domain_lo;
  int64_t domain_hi;
  ivm_op *ops;
  size_t count;
  size_t cap;
  size_t setup;
} ivm_stream;

/* Longest line ivm_op_format or ivm_result_format can write, NUL included. */
#define IVM_OP_LINE_MAX 128

/* The trace name of a kind ("reserve-covered"); "?" when out of range. */
const char *ivm_op_name(ivm_op_kind kind);
/* The kind of a trace name; false when there is none. */
bool ivm_op_kind_from_name(const char *name, size_t len, ivm_op_kind *out);

/* Writes the trace line of op ("find 10 5 40"), without newline. */
void ivm_op_format(const ivm_op *op, char *buf, size_t size);
/* Writes the replay log line of a result ("found 10 15", "ok 5",
 * "error INVAL", "stats free=F chunks=N largest=L"), without newline. */
void ivm_result_format(const ivm_op *op, const ivm_result *r, char *buf,
                       size_t size);
/* True when the two operations are the same (kind, bounded, arguments). */
bool ivm_op_equal(const ivm_op *a, const ivm_op *b);
/* True when every field of the two results is equal. */
bool ivm_result_equal(const ivm_result *a, const ivm_result *b);
/* True when every field of the two statistics is equal. */
bool ivm_stats_equal(const ivm_stats *a, const ivm_stats *b);

/* Appends a copy of op, growing the array; IVM_NOMEM leaves s as it was. */
int ivm_stream_push(ivm_stream *s, const ivm_op *op);
/* Frees the operations and empties s. */
void ivm_stream_free(ivm_stream *s);
/* Options for creating a manager that replays s (its domain, if any). */
ivm_options ivm_stream_options(const ivm_stream *s);
/* Number of measured operations: count - setup. */
size_t ivm_stream_measured(const ivm_stream *s);

#endif /* IVM_HARNESS_OP_H */
