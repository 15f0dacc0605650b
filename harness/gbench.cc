// gbench.cc - the C API of gbench.h over Google Benchmark 1.7.1.
//
// Invariants: no C++ exception leaves an extern "C" function (each one that
// can allocate catches and reports); arguments the library would reject with
// an aborting check are validated here first; and misuse inside a run that
// the library would abort on (pausing twice, returning early, looping after
// the end) becomes a skipped benchmark with a message.
#include "gbench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>
#include <map>
#include <string>

// One run as the C side sees it: the library's state plus what the shim
// tracks to refuse misuse before the library's checks abort.
struct ivm_gb_state {
  benchmark::State *st;
  int64_t argument;
  bool started;  // a batch was granted
  bool finished; // keep_running_batch returned false
  bool paused;
};

// A family: Google Benchmark's Benchmark running a C function with its
// context. The library owns it from registration on.
struct ivm_gb_bench : benchmark::internal::Benchmark {
  ivm_gb_bench(const char *name, ivm_gb_fn run_fn, void *run_ctx)
      : Benchmark(name), fn(run_fn), ctx(run_ctx) {}
  void Run(benchmark::State &st) override;

  ivm_gb_fn fn;
  void *ctx;
  bool has_args = false;
  bool has_min_time = false;
  bool has_iterations = false;
};

namespace {

int complain(const char *fmt, const char *what) {
  std::fprintf(stderr, "gbench: ");
  std::fprintf(stderr, fmt, what);
  std::fputc('\n', stderr);
  return -1;
}

// Marks the run failed. The message is copied into a std::string; if that
// copy fails the short fallback fits the small-string buffer.
void fail(ivm_gb_state *s, const char *msg) noexcept {
  try {
    s->st->SkipWithError(msg);
  } catch (...) {
    try {
      s->st->SkipWithError("out of memory");
    } catch (...) {
    }
  }
}

// Runs a configuration call, turning an exception into -1.
template <class F>
int configure(ivm_gb_bench *b, const char *what, F call) {
  if (!b) return complain("%s: NULL benchmark", what);
  try {
    call();
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "gbench: %s: %s\n", what, e.what());
    return -1;
  }
}

void (*program_help)(void);
long failed_runs;

void print_help() {
  benchmark::PrintDefaultHelp();
  if (program_help) program_help();
}

} // namespace

void ivm_gb_bench::Run(benchmark::State &st) {
  ivm_gb_state s{&st, has_args ? st.range(0) : 0, false, false, false};
  try {
    fn(&s, ctx);
  } catch (const std::exception &e) {
    fail(&s, e.what());
  } catch (...) {
    fail(&s, "the run function raised an exception");
  }
  // The library aborts when a run returns before its loop ended, unless the
  // run failed; make it a reported failure instead.
  if (!st.error_occurred() && !s.finished)
    fail(&s, "the run function returned before ivm_gb_keep_running_batch "
             "returned false");
  if (st.error_occurred()) failed_runs++;
}

extern "C" {

// ---- Program ---------------------------------------------------------------

int ivm_gb_initialize(int *argc, char **argv, void (*help)(void)) {
  if (!argc || !argv) return complain("%s: NULL arguments", "initialize");
  program_help = help;
  try {
    benchmark::Initialize(argc, argv, print_help);
    return 0;
  } catch (const std::exception &e) {
    return complain("initialize: %s", e.what());
  }
}

bool ivm_gb_report_unrecognized_arguments(int argc, char **argv) {
  return argv && benchmark::ReportUnrecognizedArguments(argc, argv);
}

long ivm_gb_run_specified_benchmarks(void) {
  try {
    return static_cast<long>(benchmark::RunSpecifiedBenchmarks());
  } catch (const std::exception &e) {
    return complain("run: %s", e.what());
  }
}

long ivm_gb_failed_runs(void) { return failed_runs; }

void ivm_gb_shutdown(void) { benchmark::Shutdown(); }

int ivm_gb_add_context(const char *key, const char *value) {
  if (!key || !*key || !value)
    return complain("%s: NULL or empty key or value", "add_context");
  try {
    const std::map<std::string, std::string> *ctx =
        benchmark::internal::GetGlobalContext();
    if (ctx && ctx->count(key))
      return complain("add_context: key \"%s\" is already set", key);
    benchmark::AddCustomContext(key, value);
    return 0;
  } catch (const std::exception &e) {
    return complain("add_context: %s", e.what());
  }
}

// ---- Registration ----------------------------------------------------------

ivm_gb_bench *ivm_gb_register(const char *name, ivm_gb_fn fn, void *ctx) {
  if (!name || !*name || !fn) {
    complain("%s: needs a name and a run function", "register");
    return nullptr;
  }
  try {
    ivm_gb_bench *b = new ivm_gb_bench(name, fn, ctx);
    // Takes ownership at once, freeing b itself if it cannot keep it.
    benchmark::internal::RegisterBenchmarkInternal(b);
    return b;
  } catch (const std::exception &e) {
    complain("register: %s", e.what());
    return nullptr;
  }
}

int ivm_gb_bench_arg(ivm_gb_bench *b, int64_t x) {
  return configure(b, "arg", [&] {
    b->Arg(x);
    b->has_args = true;
  });
}

int ivm_gb_bench_range(ivm_gb_bench *b, int64_t lo, int64_t hi) {
  if (lo < 0 || lo > hi) return complain("%s: needs 0 <= lo <= hi", "range");
  return configure(b, "range", [&] {
    b->Range(lo, hi);
    b->has_args = true;
  });
}

int ivm_gb_bench_range_multiplier(ivm_gb_bench *b, int multiplier) {
  if (multiplier < 2)
    return complain("%s: the multiplier must be >= 2", "range_multiplier");
  return configure(b, "range_multiplier",
                   [&] { b->RangeMultiplier(multiplier); });
}

int ivm_gb_bench_dense_range(ivm_gb_bench *b, int64_t lo, int64_t hi,
                             int step) {
  // hi + step must stay representable: the library steps past hi to stop.
  if (step < 1 || lo > hi || hi > INT64_MAX - step)
    return complain("%s: needs lo <= hi, step >= 1 and hi + step in int64",
                    "dense_range");
  return configure(b, "dense_range", [&] {
    b->DenseRange(lo, hi, step);
    b->has_args = true;
  });
}

int ivm_gb_bench_complexity(ivm_gb_bench *b, ivm_gb_bigo o) {
  benchmark::BigO big_o;
  switch (o) {
  case IVM_GB_O1: big_o = benchmark::o1; break;
  case IVM_GB_ON: big_o = benchmark::oN; break;
  case IVM_GB_ONSQUARED: big_o = benchmark::oNSquared; break;
  case IVM_GB_ONCUBED: big_o = benchmark::oNCubed; break;
  case IVM_GB_OLOGN: big_o = benchmark::oLogN; break;
  case IVM_GB_ONLOGN: big_o = benchmark::oNLogN; break;
  case IVM_GB_OAUTO: big_o = benchmark::oAuto; break;
  default: return complain("%s: unknown complexity", "complexity");
  }
  return configure(b, "complexity", [&] { b->Complexity(big_o); });
}

int ivm_gb_bench_min_time(ivm_gb_bench *b, double seconds) {
  if (!(seconds > 0)) return complain("%s: needs seconds > 0", "min_time");
  if (b && b->has_iterations)
    return complain("%s: iterations are already fixed", "min_time");
  return configure(b, "min_time", [&] {
    b->MinTime(seconds);
    b->has_min_time = true;
  });
}

int ivm_gb_bench_iterations(ivm_gb_bench *b, int64_t n) {
  if (n < 1) return complain("%s: needs n >= 1", "iterations");
  if (b && b->has_min_time)
    return complain("%s: a minimum time is already set", "iterations");
  return configure(b, "iterations", [&] {
    b->Iterations(n);
    b->has_iterations = true;
  });
}

// ---- Inside a run ----------------------------------------------------------

bool ivm_gb_keep_running_batch(ivm_gb_state *s, int64_t max_batch,
                               int64_t *n) {
  if (n) *n = 0;
  // After the end the library would abort on another call; keep answering.
  if (s->finished) return false;
  // A failed run ends at the KeepRunningBatch below, so *n is not written.
  if (!n) fail(s, "ivm_gb_keep_running_batch: NULL count");
  // The library stops the timer at the end and aborts if it is not running.
  if (s->paused) fail(s, "ivm_gb_keep_running_batch while timing is paused");
  benchmark::State &st = *s->st;
  // iterations() counts what was granted (0 before the first batch), so
  // this is what remains; granting no more never overshoots max_iterations.
  benchmark::IterationCount left = st.max_iterations - st.iterations();
  benchmark::IterationCount k = max_batch > 0 && max_batch < left ? max_batch
                                                                  : left;
  if (k < 1) k = 1; // the call that ends the run still needs n >= 1
  if (st.KeepRunningBatch(k)) {
    s->started = true;
    *n = k;
    return true;
  }
  s->finished = true;
  return false;
}

void ivm_gb_pause_timing(ivm_gb_state *s) {
  if (s->st->error_occurred()) return;
  if (!s->started || s->finished || s->paused) {
    fail(s, "ivm_gb_pause_timing outside the loop or while paused");
    return;
  }
  s->st->PauseTiming();
  s->paused = true;
}

void ivm_gb_resume_timing(ivm_gb_state *s) {
  if (s->st->error_occurred()) return;
  if (!s->paused) {
    fail(s, "ivm_gb_resume_timing while timing is not paused");
    return;
  }
  s->st->ResumeTiming();
  s->paused = false;
}

int64_t ivm_gb_argument(const ivm_gb_state *s) { return s->argument; }

int64_t ivm_gb_iterations(const ivm_gb_state *s) {
  return s->st->iterations();
}

void ivm_gb_skip_with_error(ivm_gb_state *s, const char *msg) {
  if (s->st->error_occurred()) return; // the first message stays
  fail(s, msg ? msg : "skipped");
}

bool ivm_gb_error_occurred(const ivm_gb_state *s) {
  return s->st->error_occurred();
}

void ivm_gb_set_items_processed(ivm_gb_state *s, int64_t items) {
  try {
    s->st->SetItemsProcessed(items);
  } catch (const std::exception &e) {
    fail(s, e.what());
  }
}

void ivm_gb_set_bytes_processed(ivm_gb_state *s, int64_t bytes) {
  try {
    s->st->SetBytesProcessed(bytes);
  } catch (const std::exception &e) {
    fail(s, e.what());
  }
}

void ivm_gb_set_complexity_n(ivm_gb_state *s, int64_t n) {
  s->st->SetComplexityN(n);
}

void ivm_gb_set_label(ivm_gb_state *s, const char *label) {
  try {
    s->st->SetLabel(label ? label : "");
  } catch (const std::exception &e) {
    fail(s, e.what());
  }
}

int ivm_gb_counter(ivm_gb_state *s, const char *name, double value,
                   unsigned flags) {
  using benchmark::Counter;
  const unsigned known = IVM_GB_RATE | IVM_GB_AVG_THREADS |
                         IVM_GB_ITERATION_INVARIANT | IVM_GB_AVG_ITERATIONS |
                         IVM_GB_INVERT | IVM_GB_BASE_1024;
  if (!name || !*name || (flags & ~known))
    return complain("%s: needs a name and known IVM_GB_* flags", "counter");
  int f = Counter::kDefaults;
  if (flags & IVM_GB_RATE) f |= Counter::kIsRate;
  if (flags & IVM_GB_AVG_THREADS) f |= Counter::kAvgThreads;
  if (flags & IVM_GB_ITERATION_INVARIANT) f |= Counter::kIsIterationInvariant;
  if (flags & IVM_GB_AVG_ITERATIONS) f |= Counter::kAvgIterations;
  if (flags & IVM_GB_INVERT) f |= Counter::kInvert;
  Counter::OneK k = flags & IVM_GB_BASE_1024 ? Counter::kIs1024
                                             : Counter::kIs1000;
  try {
    s->st->counters[name] = Counter(value, static_cast<Counter::Flags>(f), k);
    return 0;
  } catch (const std::exception &e) {
    return complain("counter: %s", e.what());
  }
}

} // extern "C"
