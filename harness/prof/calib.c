/* calib.c - what the recorder measures its own cost on. This file is
 * compiled with -finstrument-functions like the profiling build of the
 * library: an empty function called by a loop, both instrumented, and the
 * same pair with instrumentation switched off for comparison. noinline and
 * the empty asm keep the compiler from removing the calls being measured. */

#define NOINLINE __attribute__((noinline))
#define PLAIN __attribute__((noinline, no_instrument_function))

void ivm_prof_calib_loop(unsigned n);
void ivm_prof_calib_loop_plain(unsigned n);

static NOINLINE void calib_empty(void) { __asm__ volatile(""); }

NOINLINE void ivm_prof_calib_loop(unsigned n) {
  for (unsigned i = 0; i < n; i++) calib_empty();
}

static PLAIN void calib_empty_plain(void) { __asm__ volatile(""); }

PLAIN void ivm_prof_calib_loop_plain(unsigned n) {
  for (unsigned i = 0; i < n; i++) calib_empty_plain();
}
