/* session.h - profiling one implementation on one operation stream: the
 * run on the normal build, the same run with a sample of its operations on
 * the instrumented build, and the sampling CPU profile.
 *
 * Usage:
 *
 *     ivm_prof_session ss = {.stream = &s, .clock = &clock, .cost = &cost,
 *                            .syms = &syms, .rate = 0.01, .seed = 42};
 *     ivm_prof_run run = {.impl = "treap", .profile = "standard"};
 *     ivm_prof_tree tree;
 *     if (ivm_prof_session_run(&ss, ops, ivm_prof_instrumented("treap"),
 *                              &run, &tree, why, sizeof why) != 0) ...
 *
 * How sampling works. Both builds implement the same ops tables over the same
 * instance layout (they are compiled from the same sources), so one instance
 * can switch between them between two operations: a sampled operation runs
 * with the instrumented table installed, every other one with the normal
 * table, and the state carries over. Which operations are sampled is drawn
 * from a PRNG seeded with the session's seed, so the same seed samples the
 * same operations. Both runs end in the same state or the session fails,
 * which also proves the two builds agree. */
#ifndef IVM_PROF_SESSION_H
#define IVM_PROF_SESSION_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "calltree.h"
#include "clock.h"
#include "op.h"
#include "recorder.h"
#include "prof_report.h"
#include "symtab.h"

typedef struct ivm_prof_session {
  const ivm_stream *stream;     /* setup operations, then the measured ones */
  const ivm_clock *clock;
  const ivm_prof_cost *cost;    /* subtracted from every recorded time */
  const ivm_prof_symtab *syms;  /* names the recorded functions */
  double rate;                  /* 0 < rate <= 1 */
  uint64_t seed;                /* chooses the sampled operations */
} ivm_prof_session;

/* The profiling build's table of the library implementation `name`, NULL
 * when there is none (a peer adapter, an unknown name). */
const struct ivm_ops *ivm_prof_instrumented(const char *name);

/* The global functions of the profiling build, for ivm_prof_symtab_load
 * (generated at build time by instrument.cmake). */
extern const ivm_prof_global ivm_prof_instrumented_globals[];
extern const size_t ivm_prof_instrumented_nglobals;

/* Times the measured operations on `normal` alone (best of two runs), then
 * runs them again with the sampled ones on `instr` under the recorder, each
 * inside a frame named after its kind ("{release}"). Fills the timing and
 * sampling fields of *run (the caller names impl and profile) and the
 * recorded tree. 0, or -1 with the reason in why; *tree is then empty. */
int ivm_prof_session_run(const ivm_prof_session *ss,
                         const struct ivm_ops *normal,
                         const struct ivm_ops *instr, ivm_prof_run *run,
                         ivm_prof_tree *tree, char *why, size_t why_len);

/* Runs the measured operations on `normal` repeatedly, for at least
 * `seconds` of measured time, under the gperftools CPU profiler writing
 * path; setup operations run with sampling gated off. *samples = samples
 * taken. 0, or -1 with the reason in why. */
int ivm_prof_session_cpu(const ivm_prof_session *ss,
                         const struct ivm_ops *normal, const char *path,
                         double seconds, uint64_t *samples, char *why,
                         size_t why_len);

#endif /* IVM_PROF_SESSION_H */
