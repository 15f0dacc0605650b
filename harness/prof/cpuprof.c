/* cpuprof.c - ProfilerStartWithOptions / ProfilerStop through dlopen, with
 * a sampling gate. Built without gperftools, every start fails with a
 * clear message. */
#include "cpuprof.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef IVM_PROF_LIBPROFILER
#include <dlfcn.h>
#include <gperftools/profiler.h>

/* The entry points, typed from the header, found by name at run time. */
typedef struct api {
  __typeof__(ProfilerStartWithOptions) *start;
  __typeof__(ProfilerStop) *stop;
  __typeof__(ProfilerGetCurrentState) *state;
} api;

/* Runs in the SIGPROF handler: one read of a sig_atomic_t is safe there. */
static int gate_open(void *arg) {
  return *(volatile sig_atomic_t *)arg != 0;
}

/* ISO C has no conversion from dlsym's object pointer to a function
 * pointer; POSIX guarantees the representation, so copy it bytewise. */
static int bind(void *lib, const char *name, void *slot, size_t size) {
  void *p = dlsym(lib, name);
  if (!p) return -1;
  memcpy(slot, &p, size);
  return 0;
}

static int load(ivm_prof_cpu *c, api *a, char *why, size_t why_len) {
  if (!c->lib) {
    char hz[16];
    snprintf(hz, sizeof hz, "%d", IVM_PROF_CPU_HZ);
    setenv("CPUPROFILE_FREQUENCY", hz, 0); /* the user's value wins */
    if (!getenv("CPUPROFILE_REALTIME")) setenv("CPUPROFILE_REALTIME", "1", 0);
    c->lib = dlopen(IVM_PROF_LIBPROFILER, RTLD_NOW | RTLD_LOCAL);
    if (!c->lib) {
      snprintf(why, why_len, "cannot load the CPU profiler: %s", dlerror());
      return -1;
    }
    const char *env = getenv("CPUPROFILE_FREQUENCY");
    c->hz = env && atoi(env) > 0 ? atoi(env) : 100;
    if (c->hz > 4000) c->hz = 4000;
  }
  if (bind(c->lib, "ProfilerStartWithOptions", &a->start, sizeof a->start) ||
      bind(c->lib, "ProfilerStop", &a->stop, sizeof a->stop) ||
      bind(c->lib, "ProfilerGetCurrentState", &a->state, sizeof a->state)) {
    snprintf(why, why_len, "%s lacks the profiler entry points",
             IVM_PROF_LIBPROFILER);
    return -1;
  }
  return 0;
}

int ivm_prof_cpu_start(ivm_prof_cpu *c, const char *path,
                       volatile sig_atomic_t *gate, char *why,
                       size_t why_len) {
  api a;
  if (load(c, &a, why, why_len) != 0) return -1;
  struct ProfilerOptions opt;
  memset(&opt, 0, sizeof opt);
  opt.filter_in_thread = gate_open;
  opt.filter_in_thread_arg = (void *)gate;
  if (!a.start(path, &opt)) {
    snprintf(why, why_len, "%s: the CPU profiler did not start (file not "
             "writable, or a profile already running)", path);
    return -1;
  }
  return 0;
}

uint64_t ivm_prof_cpu_stop(ivm_prof_cpu *c) {
  api a;
  char why[256];
  if (!c->lib || load(c, &a, why, sizeof why) != 0) return 0;
  struct ProfilerState st;
  a.state(&st); /* before stopping: stopping clears the count */
  a.stop();
  return st.samples_gathered > 0 ? (uint64_t)st.samples_gathered : 0;
}

#else

int ivm_prof_cpu_start(ivm_prof_cpu *c, const char *path,
                       volatile sig_atomic_t *gate, char *why,
                       size_t why_len) {
  (void)c;
  (void)gate;
  snprintf(why, why_len, "%s: this build has no gperftools CPU profiler "
           "(install libgoogle-perftools-dev and rebuild)", path);
  return -1;
}

uint64_t ivm_prof_cpu_stop(ivm_prof_cpu *c) {
  (void)c;
  return 0;
}

#endif
