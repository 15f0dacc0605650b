/* test_harness.c - unit tests of the harness core that the command line
 * cannot reach: the reports against golden files from fixed figures, the
 * agreement check against deliberately wrong implementations, percentiles,
 * the generator's numbers and profile scaling.
 *
 * Usage: ivm-harness-tests TEST GOLDEN_DIR   (see the table at the end)
 * Setting IVM_UPDATE_GOLDEN=1 rewrites the golden files instead of
 * comparing, for a deliberate change of a report's layout. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "compare.h"
#include "exec.h"
#include "ivm.h"
#include "percentiles.h"
#include "prng.h"
#include "report.h"
#include "trace.h"
#include "workload.h"



/* ---- Fixed figures for the reports --------------------------------------- */

static ivm_env fixed_env(void) {
  ivm_env env;
  memset(&env, 0, sizeof env);
  strcpy(env.compiler, "gcc 12.2.0");
  strcpy(env.flags, "RelWithDebInfo -O2 -g -DNDEBUG");
  strcpy(env.cpu, "Example CPU @ 3.00GHz");
  env.cpus = 2;
  strcpy(env.os, "Linux 6.1.0 x86_64");
  strcpy(env.commit, "0123456789abcdef0123456789abcdef01234567");
  strcpy(env.date, "2024-01-02T03:04:05Z");
  return env;
}

static ivm_clock fixed_clock(void) {
  ivm_clock c = {true, 0.5, 12.5, 11.0, "tsc"};
  return c;
}

static ivm_latency lat(double base) {
  ivm_latency l = {1000, base * 1.1, base * 0.5, base, base * 2,
                   base * 3, base * 40};
  return l;
}

/* Three implementations: a fast one, a slower peer, and "reference" left
 * out of timing. */
static void fixed_compare(ivm_compare_result *r, ivm_impl_figures *f,
                          double *passes, double *cpu, size_t measured) {
  memset(r, 0, sizeof *r);
  r->measured = measured;
  r->setup = 1;
  r->kind_count[IVM_OP_RELEASE] = measured * 2 / 5;
  r->kind_count[IVM_OP_RESERVE] = measured * 2 / 5;
  r->kind_count[IVM_OP_FIND] = measured / 5;
  r->oracle = "reference";
  r->agreed = true;
  r->final_spans = 3296;
  r->final_total = 816786;
  r->impls = f;
  r->impl_count = 3;
  r->fastest = 0;
  r->floor_passes = 3;
  r->floor_ns_per_op = 21.5;
  strcpy(r->untimed_note, "reference not timed: a fixed example");
  const char *names[] = {"fast", "slowpeer", "reference"};
  for (int i = 0; i < 3; i++) {
    memset(&f[i], 0, sizeof f[i]);
    f[i].name = names[i];
    f[i].peer = i == 1;
    f[i].agrees = true;
    f[i].timed = i < 2;
    f[i].live_spans = 3296;
    f[i].memory.live_bytes = 3296 * (20 + 30 * i);
    f[i].memory.peak_bytes = f[i].memory.live_bytes + 512;
    f[i].memory.allocations = 100 * (i + 1);
    f[i].memory.reallocations = i;
    f[i].memory.frees = 50 * i;
    f[i].bytes_per_span = 20 + 30 * i;
    if (!f[i].timed) continue;
    /* 100, 101 and 102 ns per operation for the fast one. */
    double scale = i == 0 ? 1.0 : 2.5, total = 100.0 * (double)measured;
    f[i].pass_ns = &passes[3 * i];
    f[i].pass_cpu_ns = &cpu[3 * i];
    f[i].passes = 3;
    for (int p = 0; p < 3; p++) {
      passes[3 * i + p] = total * (1 + 0.01 * p) * scale;
      cpu[3 * i + p] = total * (0.9 + 0.01 * p) * scale;
    }
    f[i].total_ns = (ivm_spread){3, total * 1.01 * scale, total * scale,
                                 total * 1.02 * scale};
    f[i].cpu_ns = (ivm_spread){3, total * 0.91 * scale, total * 0.9 * scale,
                               total * 0.92 * scale};
    f[i].ns_per_op = f[i].total_ns.median / (double)measured;
    f[i].ops_per_sec = 1e9 / f[i].ns_per_op;
    f[i].relative = scale;
    f[i].latency = lat(100 * scale);
    f[i].by_kind[IVM_OP_RELEASE] = lat(90 * scale);
    f[i].by_kind[IVM_OP_RESERVE] = lat(110 * scale);
    f[i].by_kind[IVM_OP_FIND] = lat(80 * scale);
  }
}

static void test_report_golden(void) {
  ivm_env env = fixed_env();
  ivm_clock clock = fixed_clock();
  ivm_report_meta meta = {.command = "compare", .workload = "standard",
                          .seed = 42, .warmup = 1, .repeat = 3, .env = &env,
                          .clock = &clock};
  ivm_compare_result r;
  ivm_impl_figures f[3];
  double passes[9], cpu[9];
  fixed_compare(&r, f, passes, cpu, 10000);

  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  ivm_report_compare_text(out, &meta, &r, false);
  fclose(out);
  CHECK(strchr(text, '\033') == NULL);
  check_golden("report-compare.txt", text, len);
  free(text);

  out = open_memstream(&text, &len);
  ivm_report_compare_text(out, &meta, &r, true);
  fclose(out);
  CHECK(strstr(text, "\033[32m") != NULL); /* the fastest row in green */
  free(text);

  out = open_memstream(&text, &len);
  ivm_report_compare_json(out, &meta, &r);
  fclose(out);
  check_golden("report-compare.json", text, len);
  free(text);

  /* A disagreement: the text names the implementation, op and results. */
  r.agreed = false;
  f[1].agrees = false;
  f[1].mismatch.differs = true;
  f[1].mismatch.op_index = 7;
  strcpy(f[1].mismatch.what, "op index 7: `find 0 5`: slowpeer gave `none`, "
         "reference gave `found 0 5`");
  out = open_memstream(&text, &len);
  ivm_report_compare_text(out, &meta, &r, false);
  fclose(out);
  check_golden("report-disagree.txt", text, len);
  free(text);
}

static void test_report_scale_golden(void) {
  ivm_env env = fixed_env();
  ivm_clock clock = fixed_clock();
  ivm_report_meta meta = {.command = "scale", .workload = "standard",
                          .seed = 42, .warmup = 1, .repeat = 3, .env = &env,
                          .clock = &clock};
  ivm_scale_result s;
  memset(&s, 0, sizeof s);
  s.agreed = true;
  s.reference_max_ops = 100000;
  s.point_count = 2;
  ivm_impl_figures f[2][3];
  double passes[2][9], cpu[2][9];
  double eff[2][3] = {{1.0, 1.0, NAN}, {1.25, 1.5, NAN}};
  for (int p = 0; p < 2; p++) {
    s.points[p].ops = p ? 10000 : 1000;
    s.points[p].universe = p ? 1000000 : 100000;
    s.points[p].setup = 1;
    fixed_compare(&s.points[p].cmp, f[p], passes[p], cpu[p],
                  (size_t)s.points[p].ops);
    s.points[p].efficiency = eff[p];
  }
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  ivm_report_scale_text(out, &meta, &s, false);
  fclose(out);
  check_golden("report-scale.txt", text, len);
  free(text);
  out = open_memstream(&text, &len);
  ivm_report_scale_json(out, &meta, &s);
  fclose(out);
  check_golden("report-scale.json", text, len);
  free(text);
}

/* ---- Agreement against wrong implementations ---------------------------- */

/* Both decorators keep the reference inside and forward to it, changing one
 * answer, the way the harness's real decorators wrap an implementation. */
typedef struct wrapped {
  ivm base;
  ivm *inner;
  int64_t finds;
} wrapped;

static int w_init(ivm *m) {
  ivm_options opt = {.has_domain = m->has_domain, .domain_lo = m->domain_lo,
                     .domain_hi = m->domain_hi};
  return ivm_create("reference", &opt, &((wrapped *)m)->inner);
}
static void w_fini(ivm *m) { ivm_destroy(((wrapped *)m)->inner); }
static int w_release(ivm *m, int64_t s, int64_t e, int64_t *changed) {
  return ivm_release(((wrapped *)m)->inner, s, e, changed);
}
static int w_reserve(ivm *m, int64_t s, int64_t e, unsigned flags,
                     int64_t *changed) {
  return ivm_reserve(((wrapped *)m)->inner, s, e, flags, changed);
}
static bool w_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                   ivm_span *out) {
  bool found;
  const ivm *in = ((const wrapped *)m)->inner;
  if (not_after == INT64_MAX)
    ivm_find(in, p, len, out, &found);
  else
    ivm_find_bounded(in, p, len, not_after, out, &found);
  return found;
}
/* Wrong from the fourth find on: the span is one point to the right. */
static bool w_find_late(const ivm *m, int64_t p, int64_t len,
                        int64_t not_after, ivm_span *out) {
  bool found = w_find(m, p, len, not_after, out);
  if (found && ++((wrapped *)m)->finds > 3) {
    out->start++;
    out->end++;
  }
  return found;
}
static bool w_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  bool found;
  ivm_best_fit(((const wrapped *)m)->inner, len, out, &found);
  return found;
}
static bool w_largest(const ivm *m, ivm_span *out) {
  bool found;
  ivm_largest(((const wrapped *)m)->inner, out, &found);
  return found;
}
static int64_t w_total(const ivm *m) {
  return ivm_total_free(((const wrapped *)m)->inner);
}
static int64_t w_count(const ivm *m) {
  return ivm_count(((const wrapped *)m)->inner);
}
/* Claims one span more than there is: only the final check can see it. */
static int64_t w_count_wrong(const ivm *m) { return w_count(m) + 1; }
static int w_each(const ivm *m, int64_t s, int64_t e, ivm_visit_fn fn,
                  void *ud) {
  return ivm_each(((const wrapped *)m)->inner, s, e, fn, ud);
}
static void w_summary(const ivm *m, ivm_summary *out) {
  const ivm *in = ((const wrapped *)m)->inner;
  in->ops->summary(in, out);
}
static size_t w_counters(const ivm *m, ivm_counter *out, size_t cap) {
  (void)m;
  (void)out;
  (void)cap;
  return 0;
}
static int w_check(const ivm *m, char *why, size_t why_len) {
  return ivm_check(((const wrapped *)m)->inner, why, why_len);
}
static void w_dump(const ivm *m, FILE *out) {
  ivm_dump(((const wrapped *)m)->inner, out);
}

#define WRAPPED_OPS(ident, label, find_fn, count_fn)                  \
  static const struct ivm_ops ident = {                               \
      .name = label,                                                  \
      .description = "a decorator of the reference, for tests",       \
      .instance_size = sizeof(wrapped),                               \
      .init = w_init,                                                 \
      .fini = w_fini,                                                 \
      .release = w_release,                                           \
      .reserve = w_reserve,                                           \
      .find = find_fn,                                                \
      .best_fit = w_best_fit,                                         \
      .largest = w_largest,                                           \
      .total_free = w_total,                                          \
      .count = count_fn,                                              \
      .each = w_each,                                                 \
      .summary = w_summary,                                           \
      .counters = w_counters,                                         \
      .check = w_check,                                               \
      .dump = w_dump,                                                 \
  }

WRAPPED_OPS(late_find_ops, "late-find", w_find_late, w_count);
WRAPPED_OPS(wrong_count_ops, "wrong-count", w_find, w_count_wrong);
WRAPPED_OPS(honest_ops, "honest", w_find, w_count);

static ivm_stream small_stream(void) {
  ivm_profile p;
  char err[512];
  ivm_stream s;
  int rc = ivm_profile_load("standard", &p, err, sizeof err);
  if (rc != IVM_OK) fprintf(stderr, "%s\n", err);
  CHECK(rc == IVM_OK);
  CHECK(ivm_workload_generate(&p, 9, 400, &s, err, sizeof err) == IVM_OK);
  return s;
}

static void test_agreement_catches(void) {
  ivm_stream s = small_stream();
  ivm_clock clock;
  ivm_clock_init_monotonic(&clock);
  const struct ivm_ops *impls[] = {&honest_ops, &late_find_ops,
                                   &wrong_count_ops};
  ivm_compare_config cfg = ivm_compare_defaults();
  cfg.impls = impls;
  cfg.impl_count = 3;
  cfg.repeat = 1;
  cfg.clock = &clock;
  ivm_compare_result r;
  char err[256];
  CHECK(ivm_compare_run(&s, &cfg, &r, err, sizeof err) == IVM_OK);
  CHECK(!r.agreed);
  CHECK(r.impls[0].agrees);
  CHECK(!r.impls[1].agrees);
  CHECK(!r.impls[2].agrees);
  /* late-find goes wrong at the fourth find that finds something. */
  ivm *ref;
  CHECK(ivm_create("reference", NULL, &ref) == IVM_OK);
  size_t fourth = 0, found = 0;
  for (size_t i = 0; i < s.count && found < 4; i++) {
    ivm_result res;
    ivm_exec(ref, &s.ops[i], &res);
    if (s.ops[i].kind == IVM_OP_FIND && res.found) {
      found++;
      fourth = i;
    }
  }
  ivm_destroy(ref);
  CHECK_EQ_I64(r.impls[1].mismatch.op_index, fourth);
  CHECK(strstr(r.impls[1].mismatch.what, "late-find gave") != NULL);
  CHECK(strstr(r.impls[1].mismatch.what, "reference gave") != NULL);
  CHECK(r.impls[2].mismatch.op_index == SIZE_MAX);
  CHECK(strstr(r.impls[2].mismatch.what, "check()") != NULL);
  /* Nothing is timed after a disagreement. */
  CHECK(!r.impls[0].timed && r.impls[0].passes == 0 && r.floor_passes == 0);
  ivm_compare_free(&r);

  /* The honest decorator alone agrees and is timed. */
  cfg.impl_count = 1;
  CHECK(ivm_compare_run(&s, &cfg, &r, err, sizeof err) == IVM_OK);
  CHECK(r.agreed && r.impls[0].timed && r.impls[0].passes == 1);
  CHECK(r.fastest == 0 && r.impls[0].relative == 1.0);
  CHECK(r.floor_passes == 1 && r.floor_ns_per_op > 0);
  CHECK_EQ_I64(r.impls[0].latency.count, ivm_stream_measured(&s));
  ivm_compare_free(&r);
  ivm_stream_free(&s);
}

/* ---- Numbers ------------------------------------------------------------ */

static void test_percentiles(void) {
  uint64_t t[100];
  for (int i = 0; i < 100; i++) t[i] = (uint64_t)(100 - i); /* unsorted */
  ivm_latency l;
  ivm_latency_from_ticks(t, 100, 2.0, &l);
  CHECK(l.count == 100);
  CHECK(l.min == 2 && l.p50 == 100 && l.p95 == 190 && l.p99 == 198 &&
        l.max == 200);
  CHECK(l.mean == 101);
  uint64_t one = 7;
  ivm_latency_from_ticks(&one, 1, 1.0, &l);
  CHECK(l.p50 == 7 && l.p99 == 7 && l.max == 7);
  double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2};
  ivm_spread sp;
  ivm_spread_of(odd, 3, &sp);
  CHECK(sp.median == 2 && sp.min == 1 && sp.max == 3);
  ivm_spread_of(even, 4, &sp);
  CHECK(sp.median == 2.5 && sp.min == 1 && sp.max == 4);
}

/* The generator's numbers are fixed forever: these values come from an
 * independent implementation of splitmix64 and xoshiro256**. */
static void test_prng(void) {
  ivm_prng r;
  ivm_prng_seed(&r, 42);
  CHECK(ivm_prng_next(&r) == 0x15780b2e0c2ec716u);
  CHECK(ivm_prng_next(&r) == 0x6104d9866d113a7eu);
  CHECK(ivm_prng_next(&r) == 0xae17533239e499a1u);
  ivm_prng_seed(&r, 0);
  CHECK(ivm_prng_next(&r) == 0x99ec5f36cb75f2b4u);
  bool lo = false, hi = false;
  for (int i = 0; i < 2000; i++) {
    int64_t v = ivm_prng_range(&r, -3, 3);
    CHECK(v >= -3 && v <= 3);
    lo = lo || v == -3;
    hi = hi || v == 3;
  }
  CHECK(lo && hi);
  for (int i = 0; i < 100; i++) {
    int64_t v = ivm_prng_range(&r, INT64_MIN, INT64_MAX);
    (void)v; /* any value is in range; this must not trap */
    CHECK(ivm_prng_range(&r, INT64_MAX - 1, INT64_MAX) >= INT64_MAX - 1);
    CHECK(ivm_prng_range(&r, INT64_MIN, INT64_MIN + 1) <= INT64_MIN + 1);
  }
}

static void test_profile_scale(void) {
  ivm_profile p, q;
  char err[512];
  CHECK(ivm_profile_load("standard", &p, err, sizeof err) == IVM_OK);
  CHECK(ivm_profile_scale(&p, 1000, &q, err, sizeof err) == IVM_OK);
  CHECK_EQ_I64(q.universe_hi, 100000);
  CHECK_EQ_I64(q.start_hi, 99800);
  CHECK_EQ_I64(q.ops, 1000);
  CHECK(ivm_profile_scale(&p, 1000000, &q, err, sizeof err) == IVM_OK);
  CHECK_EQ_I64(q.universe_hi, 100000000);
  CHECK(ivm_profile_load("worst-fit", &p, err, sizeof err) == IVM_OK);
  CHECK(ivm_profile_scale(&p, p.ops * 2, &q, err, sizeof err) == IVM_OK);
  CHECK_EQ_I64(q.fragment_count, p.fragment_count * 2);
  CHECK(q.universe_hi - q.universe_lo >=
        q.fragment_count * q.fragment_stride + q.far_len);
  CHECK(ivm_profile_scale(&p, 1, &q, err, sizeof err) == IVM_OK);
  CHECK(q.fragment_count >= 1);
  /* Beyond the coordinate limit is an error, not a wrapped universe. */
  CHECK(ivm_profile_load("large", &p, err, sizeof err) == IVM_OK);
  CHECK(ivm_profile_scale(&p, IVM_PROFILE_COUNT_LIMIT, &q, err, sizeof err) ==
        IVM_OVERFLOW);
  CHECK(strstr(err, "limits") != NULL);
}

/* The first n operations of a and b are the same. */
static bool streams_equal(const ivm_stream *a, const ivm_stream *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!ivm_op_equal(&a->ops[i], &b->ops[i])) return false;
  return true;
}

/* A longer stream extends a shorter one, and a trace round-trips. */
static void test_stream_prefix_and_trace(void) {
  ivm_profile p;
  char err[512];
  CHECK(ivm_profile_load("allocator", &p, err, sizeof err) == IVM_OK);
  ivm_stream a, b, c;
  CHECK(ivm_workload_generate(&p, 5, 300, &a, err, sizeof err) == IVM_OK);
  CHECK(ivm_workload_generate(&p, 5, 600, &b, err, sizeof err) == IVM_OK);
  CHECK(a.setup == b.setup && a.count + 300 == b.count);
  CHECK(streams_equal(&a, &b, a.count));
  CHECK(a.has_domain && a.domain_lo == 0 && a.domain_hi == 1048576);

  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  CHECK(ivm_trace_write(out, &b, "a header\nof two lines"));
  fclose(out);
  FILE *in = fmemopen(text, len, "r");
  CHECK(ivm_trace_read(in, &c, err, sizeof err) == IVM_OK);
  fclose(in);
  free(text);
  CHECK(c.count == b.count && c.setup == 0 && c.has_domain);
  CHECK(streams_equal(&c, &b, b.count));
  ivm_stream_free(&a);
  ivm_stream_free(&b);
  ivm_stream_free(&c);
}

static const check_test tests[] = {
    {"report_golden", test_report_golden},
    {"report_scale_golden", test_report_scale_golden},
    {"agreement_catches", test_agreement_catches},
    {"percentiles", test_percentiles},
    {"prng", test_prng},
    {"profile_scale", test_profile_scale},
    {"stream_prefix_and_trace", test_stream_prefix_and_trace},
};

int main(int argc, char **argv) {
  return check_main("ivm-harness-tests", tests, sizeof tests / sizeof tests[0], argc,
                    argv);
}
