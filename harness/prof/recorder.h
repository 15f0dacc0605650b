/* recorder.h - the run-time half of the profiling build. The library is
 * compiled a second time with -finstrument-functions; every function of
 * that copy, static helpers included, then calls the hooks defined here on
 * entry and exit, and the recorder counts the calls and times them into a
 * calling-context tree.
 *
 * Usage:
 *
 *     ivm_clock clock;
 *     ivm_clock_init(&clock);
 *     ivm_prof_cost cost;
 *     ivm_prof_calibrate(&clock, &cost);       // what one hook pair costs
 *     ivm_prof_recorder_start(&clock);
 *     ivm_prof_mark_enter("{release}");        // a frame for the operation
 *     ivm_release(m, 0, 10, NULL);             // m runs instrumented ops
 *     ivm_prof_mark_exit();
 *     ivm_prof_recorder_stop();
 *     ivm_prof_tree tree;
 *     ivm_prof_recorder_take(&tree, &symbols, why, sizeof why);
 *     ivm_prof_tree_subtract(&tree, &cost);
 *
 * Cost. Calls are counted exactly. Each instrumented call costs a hash
 * lookup and two clock reads, which the recorded times include;
 * ivm_prof_calibrate measures that cost on an empty instrumented function,
 * and ivm_prof_tree_subtract takes a cost out of the recording.
 *
 * Threads. The recording belongs to the thread that started it; calls on
 * other threads are not recorded. */
#ifndef IVM_PROF_RECORDER_H
#define IVM_PROF_RECORDER_H

#include <stddef.h>

#include "calltree.h"
#include "clock.h"
#include "symtab.h"

/* Discards any previous recording and starts a new one on this thread.
 * 0, or -1 when out of memory. The clock must outlive the recording. */
int ivm_prof_recorder_start(const ivm_clock *clock);
/* Stops recording; the data stays until the next start or free. */
void ivm_prof_recorder_stop(void);
/* Between two top-level calls: ends a checkpoint interval, keeping what it
 * recorded. */
void ivm_prof_recorder_checkpoint(void);
/* Between two top-level calls: takes back the time recorded since the last
 * checkpoint (the calls stay counted), e.g. because the thread was
 * preempted meanwhile, and starts a new interval. */
void ivm_prof_recorder_drop_times(void);
/* Frees the recorder's memory. */
void ivm_prof_recorder_free(void);

/* A frame that is not a function, e.g. one operation of the workload, so
 * the profile groups the library's calls by the operation that made them.
 * label must stay valid until the recording has been taken. */
void ivm_prof_mark_enter(const char *label);
void ivm_prof_mark_exit(void);

/* Converts the recording into *out (initialised here): functions named
 * through syms, ticks turned into nanoseconds, the instrumentation's cost
 * still included. 0, or -1 with the reason in why (out of memory, an
 * unbalanced recording, a stack deeper than the recorder holds); *out is
 * then empty. */
int ivm_prof_recorder_take(ivm_prof_tree *out, const ivm_prof_symtab *syms,
                           char *why, size_t why_len);

/* Measures the cost of instrumentation on this machine (median of several
 * runs of an empty instrumented function). Discards any recording. 0, or -1
 * when out of memory. */
int ivm_prof_calibrate(const ivm_clock *clock, ivm_prof_cost *out);

#endif /* IVM_PROF_RECORDER_H */
