/* trace.h - the trace format: one operation a line, what `ivmprof trace`
 * writes and `ivmprof replay` reads, so a captured operation stream of any
 * system can be replayed on every implementation.
 *
 *     domain LO HI              # optional, first line only
 *     release S E
 *     reserve S E
 *     reserve-covered S E       # strict reserve (IVM_REQUIRE_COVERED)
 *     find P LEN [NOT_AFTER]
 *     allocate P LEN [NOT_AFTER]
 *     bestfit LEN
 *     largest
 *     stats
 *
 * `#` starts a comment; blank lines are ignored; numbers are decimal int64.
 * Arguments are not checked against the protocol (start < end, ...): an op
 * the protocol rejects is a valid line whose result is an error status.
 *
 * Usage:
 *
 *     ivm_stream s = {0};
 *     char err[256];
 *     if (ivm_trace_read(stdin, &s, err, sizeof err) != IVM_OK) {
 *       fprintf(stderr, "%s\n", err);       // "line 7: unknown operation 'x'"
 *       exit(1);
 *     }
 *     ivm_trace_write(stdout, &s, "replayed");
 *     ivm_stream_free(&s);
 */
#ifndef IVM_HARNESS_TRACE_H
#define IVM_HARNESS_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "op.h"

/* Parses a whole trace into *out (which must be empty). Every operation of
 * the trace is measured: out->setup is 0. On a malformed line returns
 * IVM_INVAL with "line N: reason" in err, IVM_NOMEM when out of memory, and
 * in every failure *out stays empty. */
int ivm_trace_read(FILE *in, ivm_stream *out, char *err, size_t err_len);

/* Writes s as a trace: the domain line first when s has one, then header
 * (each of its lines as a comment; NULL for none), then one line per
 * operation. Returns false on a write error (errno tells why). */
bool ivm_trace_write(FILE *out, const ivm_stream *s, const char *header);

#endif /* IVM_HARNESS_TRACE_H */
