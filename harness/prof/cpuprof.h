/* cpuprof.h - the gperftools CPU profiler (libprofiler), loaded when first
 * needed.
 *
 * Usage:
 *
 *     static volatile sig_atomic_t measuring;
 *     ivm_prof_cpu cpu;
 *     if (ivm_prof_cpu_start(&cpu, "treap.cpu.prof", &measuring, why,
 *                            sizeof why) != 0) ...
 *     measuring = 1;  run();  measuring = 0;   // only this is sampled
 *     uint64_t samples = ivm_prof_cpu_stop(&cpu);
 *
 * Why load it at run time: libprofiler reads its settings once, in a
 * constructor that runs when the library is loaded. Linked normally that is
 * before main, so the program could never choose them; loaded here after
 * setting them (unless the user did), the profile samples at IVM_PROF_CPU_HZ
 * on the wall clock (CPUPROFILE_REALTIME). The default CPU-time timer
 * advances with the kernel's tick, which caps it near 100 samples a second
 * on common kernels; the measured phase is one busy thread, so wall-clock
 * samples land on the same code, just more of them. Sampling is gated by a
 * flag the profiler's filter reads in its signal handler, so set-up work
 * between measured phases is never sampled. The library stays loaded once
 * loaded. */
#ifndef IVM_PROF_CPUPROF_H
#define IVM_PROF_CPUPROF_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Samples per second unless CPUPROFILE_FREQUENCY says otherwise
 * (libprofiler's ceiling is 4000). */
#define IVM_PROF_CPU_HZ 1000

typedef struct ivm_prof_cpu {
  void *lib;
  int hz; /* the rate in effect */
} ivm_prof_cpu;

/* Starts profiling into path; samples count only while *gate is non-zero.
 * 0, or -1 with the reason in why (libprofiler missing, file not
 * writable, profiler already running). */
int ivm_prof_cpu_start(ivm_prof_cpu *c, const char *path,
                       volatile sig_atomic_t *gate, char *why,
                       size_t why_len);

/* Stops, flushes the file and returns the samples it holds. */
uint64_t ivm_prof_cpu_stop(ivm_prof_cpu *c);

#endif /* IVM_PROF_CPUPROF_H */
