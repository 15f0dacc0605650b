/* icount.h - counting the instructions the measured operations execute: a
 * deterministic figure, unlike time, for the regression gate.
 *
 * Usage:
 *
 *     char why[256];
 *     if (!ivm_icount_available(IVM_ICOUNT_PERF, why, sizeof why))
 *       printf("%s\n", why);  // "perf_event_open: No such file ..."
 *     uint64_t n;
 *     ivm_icount_perf(impl, &stream, &n, err, sizeof err);
 *
 * Two counters. `perf` asks the kernel (perf_event_open, user-space
 * instructions retired by this thread) around one call of
 * ivm_play_measured, in this process; virtual machines and kernels with a
 * strict perf_event_paranoid refuse it. `callgrind` runs a child command
 * (an `ivmprof regress --play-once` that plays the same stream) under
 * `valgrind --tool=callgrind`, collecting only inside ivm_play_measured, and
 * reads the total Ir it writes: slower, but it works wherever valgrind
 * does, and the count is exact. The two count different things (valgrind
 * replaces malloc), so figures of one are never compared with the other.
 */
#ifndef IVM_REGRESS_ICOUNT_H
#define IVM_REGRESS_ICOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ivm.h"
#include "op.h"

#define IVM_ICOUNT_KIND_MAP(XX) \
  XX(NONE, "none")              \
  XX(PERF, "perf")              \
  XX(CALLGRIND, "callgrind")

typedef enum ivm_icount_kind {
#define IVM_ICOUNT_ENUM(name, text) IVM_ICOUNT_##name,
  IVM_ICOUNT_KIND_MAP(IVM_ICOUNT_ENUM)
#undef IVM_ICOUNT_ENUM
} ivm_icount_kind;

/* The function the callgrind counter collects in (see measure.h). */
#define IVM_ICOUNT_FUNCTION "ivm_play_measured"

/* "none", "perf", "callgrind". */
const char *ivm_icount_name(ivm_icount_kind kind);
/* The kind of a name; false when there is none. */
bool ivm_icount_from_name(const char *name, ivm_icount_kind *out);

/* True when the counter works here; otherwise why says what refused it
 * (the kernel's answer, or that valgrind is not installed). */
bool ivm_icount_available(ivm_icount_kind kind, char *why, size_t why_len);

/* User-space instructions of one pass of the measured operations of s on a
 * fresh, prepared instance of impl, through perf_event_open. The median of
 * three passes, which differ only by interrupts landing in user code.
 * IVM_OK, or a negative status with the reason in err. */
int ivm_icount_perf(const struct ivm_ops *impl, const ivm_stream *s,
                    uint64_t *count, char *err, size_t err_len);

/* Runs argv (a command that plays the measured operations once through
 * ivm_play_measured) under callgrind and returns the instructions executed
 * inside that function. The child's own output is discarded unless it
 * fails, when err quotes the end of it. */
int ivm_icount_callgrind(char *const argv[], uint64_t *count, char *err,
                         size_t err_len);

#endif /* IVM_REGRESS_ICOUNT_H */
