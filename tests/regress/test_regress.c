/* test_regress.c - unit tests of the regression gate's core: the baseline
 * file (round trip, every kind of damage named by line, merging), the
 * verdicts at and around the thresholds, the reports against golden files,
 * a real small measurement, a disagreement, and the slowing decorator.
 *
 * Usage: ivm-regress-tests TEST|all GOLDEN_DIR   (see the table at the end)
 * IVM_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "baseline.h"
#include "exec.h"
#include "gate.h"
#include "measure.h"
#include "report_regress.h"
#include "slowdown.h"
#include "workload.h"



/* ---- Fixed figures --------------------------------------------------------- */

static ivm_baseline_row fixed_row(const char *impl, const char *profile,
                                  double scale) {
  ivm_baseline_row r;
  memset(&r, 0, sizeof r);
  snprintf(r.impl, sizeof r.impl, "%s", impl);
  snprintf(r.profile, sizeof r.profile, "%s", profile);
  r.throughput_ratio = 0.5 * scale;
  r.p99_ratio = 2.0 / scale;
  r.ops_per_sec = 4000000 * scale;
  r.p99_ns = 800 / scale;
  r.bytes_per_span = 48.125;
  r.instructions_per_op = 1000.5 / scale;
  return r;
}

/* A baseline of two implementations on two profiles, relative to
 * "boundary", with callgrind counts. */
static void fixed_baseline(ivm_baseline *b) {
  memset(b, 0, sizeof *b);
  snprintf(b->set.relative_to, sizeof b->set.relative_to, "boundary");
  b->set.ops = 20000;
  b->set.seed = 42;
  b->set.warmup = 1;
  b->set.repeat = 3;
  b->set.rounds = 15;
  b->set.instructions = IVM_ICOUNT_CALLGRIND;
  snprintf(b->compiler, sizeof b->compiler, "gcc 12.2.0");
  snprintf(b->flags, sizeof b->flags, "RelWithDebInfo -O2 -g -DNDEBUG");
  snprintf(b->cpu, sizeof b->cpu, "Example CPU @ 3.00GHz");
  snprintf(b->date, sizeof b->date, "2024-01-02T03:04:05Z");
  snprintf(b->commit, sizeof b->commit, "0123456789abcdef");
  const char *impls[] = {"boundary", "summary"};
  const char *profiles[] = {"dense", "standard"};
  char err[256];
  for (int p = 0; p < 2; p++)
    for (int i = 0; i < 2; i++) {
      ivm_baseline_row r = fixed_row(impls[i], profiles[p], 1);
      if (i == 0) r.throughput_ratio = r.p99_ratio = 1;
      CHECK(ivm_baseline_put(b, &r, err, sizeof err) == IVM_OK);
    }
}

/* The file text of b, in *text (to free). */
static void print_baseline(const ivm_baseline *b, char **text, size_t *len) {
  *text = NULL;
  FILE *mem = open_memstream(text, len);
  ivm_baseline_print(mem, b);
  fclose(mem);
}

/* ---- The baseline file ----------------------------------------------------- */

static void test_baseline_roundtrip(void) {
  ivm_baseline b, back;
  fixed_baseline(&b);
  size_t len;
  char *text;
  print_baseline(&b, &text, &len);
  check_golden("baseline.txt", text, len);
  char err[512] = "";
  CHECK(ivm_baseline_parse(text, "mem", &back, err, sizeof err) == IVM_OK);
  if (err[0]) fprintf(stderr, "%s\n", err);
  CHECK(back.count == b.count);
  CHECK(strcmp(back.set.relative_to, "boundary") == 0);
  CHECK(back.set.ops == 20000 && back.set.seed == 42 && back.set.rounds == 15);
  CHECK(back.set.instructions == IVM_ICOUNT_CALLGRIND);
  CHECK(strcmp(back.cpu, b.cpu) == 0 && strcmp(back.commit, b.commit) == 0);
  const ivm_baseline_row *r = ivm_baseline_find(&back, "summary", "standard");
  CHECK(r && r->throughput_ratio == 0.5 && r->bytes_per_span == 48.125 &&
        r->instructions_per_op == 1000.5);
  CHECK(ivm_baseline_comparable(&b, &back, err, sizeof err));
  /* Printing what was read gives the same bytes. */
  size_t len2;
  char *again;
  print_baseline(&back, &again, &len2);
  CHECK(len2 == len && memcmp(again, text, len) == 0);
  free(again);
  free(text);
  ivm_baseline_free(&back);
  ivm_baseline_free(&b);
}

/* Replaces the first occurrence of `from` in the printed fixed baseline by
 * `to` and returns the parse status and message. */
static int parse_edited(const char *from, const char *to, char *err,
                        size_t err_len) {
  ivm_baseline b;
  fixed_baseline(&b);
  size_t len;
  char *text;
  print_baseline(&b, &text, &len);
  ivm_baseline_free(&b);
  char *at = strstr(text, from);
  CHECK(at != NULL);
  char *edited = malloc(len + strlen(to) + 1);
  if (!at || !edited) {
    free(text);
    free(edited);
    return IVM_OK;
  }
  size_t head = (size_t)(at - text);
  memcpy(edited, text, head);
  strcpy(edited + head, to);
  strcat(edited, at + strlen(from));
  ivm_baseline out;
  int rc = ivm_baseline_parse(edited, "base.txt", &out, err, err_len);
  if (rc == IVM_OK) ivm_baseline_free(&out);
  free(edited);
  free(text);
  return rc;
}

static void test_baseline_errors(void) {
  /* Line numbers: 6 comment lines, ivm-baseline on 7, relative-to on 8,
   * ..., commit on 19, the rows on 20 to 23. */
  static const struct {
    const char *from, *to, *want;
  } cases[] = {
      {"ivm-baseline 1", "hello", "base.txt:7: not a baseline file"},
      {"ivm-baseline 1", "ivm-baseline 2", "base.txt:7: baseline format '2' "
       "is not supported"},
      {"ops 20000", "ops lots", "base.txt:9: `ops` takes a count"},
      {"ops 20000", "# ops 20000", "base.txt:20: a row before the `ops` "
       "setting"},
      {"seed 42", "seed 42\nops 1", "base.txt:11: `ops` given twice (first on "
       "line 9)"},
      {"rounds 15", "rounds 0", "base.txt:13: `rounds` takes a count from 1"},
      {"instructions callgrind", "instructions cycles", "base.txt:14: "
       "`instructions` is none, perf or callgrind"},
      {"instructions callgrind", "instructions none", "base.txt:20: "
       "`instructions_per_op` in a baseline whose `instructions` is none"},
      {"cpu Example", "gpu Example", "base.txt:17: unknown line 'gpu'"},
      {"throughput_ratio=1 ", "throughput_ratio=abc ", "base.txt:20: "
       "`throughput_ratio` must be a positive number, got 'abc'"},
      {"throughput_ratio=1 ", "throughput_ratio=nan ", "base.txt:20: "
       "`throughput_ratio` must be a positive number"},
      {"throughput_ratio=1 ", "throughput_ratio=0 ", "base.txt:20: "
       "`throughput_ratio` must be a positive number, got '0'"},
      {"bytes_per_span=48.125", "bytes_per_span=-1", "base.txt:20: "
       "`bytes_per_span` must be a non-negative number, got '-1'"},
      {"p99_ratio=1 ", "p99_ratio=1 p99_ratio=1 ", "base.txt:20: `p99_ratio` "
       "given twice"},
      {"p99_ratio=1 ", "latency=1 ", "base.txt:20: unknown row key "
       "'latency'"},
      {"p99_ratio=1 ", "", "base.txt:20: the row of boundary on dense has no "
       "`p99_ratio`"},
      {"p99_ratio=1 ", "p99_ratio ", "base.txt:20: 'p99_ratio' is not "
       "KEY=VALUE"},
      {"row summary  dense", "row boundary dense", "base.txt:21: a second row "
       "for boundary on dense"},
      {"row boundary dense    throughput_ratio=1 p99_ratio=1 ",
       "row boundary\n", "base.txt:20: `row` needs IMPL PROFILE"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char err[512] = "";
    int rc = parse_edited(cases[i].from, cases[i].to, err, sizeof err);
    CHECK(rc == IVM_INVAL);
    if (!strstr(err, cases[i].want)) {
      fprintf(stderr, "case %zu: got '%s', want '%s...'\n", i, err,
              cases[i].want);
      check_failures++;
    }
  }
  /* The environment lines only describe: without them it parses. */
  char err[512];
  CHECK(parse_edited("commit 0123456789abcdef\n", "", err, sizeof err) ==
        IVM_OK);
  /* Whole-file damage. */
  ivm_baseline b;
  CHECK(ivm_baseline_parse("", "e.txt", &b, err, sizeof err) == IVM_INVAL);
  CHECK(strstr(err, "e.txt: empty: not a baseline file") != NULL);
  CHECK(ivm_baseline_parse("# only a comment\n\n", "e.txt", &b, err,
                           sizeof err) == IVM_INVAL);
  CHECK(strstr(err, "e.txt: empty") != NULL);
  CHECK(ivm_baseline_parse("ivm-baseline 1\nrelative-to boundary\nops 5\n"
                           "seed 1\nwarmup 0\nrepeat 1\nrounds 1\n"
                           "instructions none\n", "h.txt", &b, err,
                           sizeof err) == IVM_INVAL);
  CHECK(strstr(err, "h.txt: holds no rows") != NULL);
  CHECK(ivm_baseline_parse("ivm-baseline 1\nrelative-to boundary\n", "m.txt",
                           &b, err, sizeof err) == IVM_INVAL);
  CHECK(strstr(err, "m.txt: the `ops` setting is missing") != NULL);
  CHECK(ivm_baseline_load("/nonexistent/baseline.txt", &b, err, sizeof err) ==
        IVM_INVAL);
  CHECK(strstr(err, "/nonexistent/baseline.txt: No such file") != NULL);
}

static int order_by_name_length(const char *impl) {
  return (int)strlen(impl);
}

static void test_baseline_merge(void) {
  ivm_baseline b, other;
  fixed_baseline(&b);
  char err[256], why[256];
  ivm_baseline_row r = fixed_row("summary", "dense", 2);
  CHECK(ivm_baseline_put(&b, &r, err, sizeof err) == IVM_OK);
  CHECK(b.count == 4);
  CHECK(ivm_baseline_find(&b, "summary", "dense")->throughput_ratio == 1.0);
  r = fixed_row("treap", "allocator", 1);
  CHECK(ivm_baseline_put(&b, &r, err, sizeof err) == IVM_OK);
  CHECK(b.count == 5);
  r = fixed_row("two words", "dense", 1);
  CHECK(ivm_baseline_put(&b, &r, err, sizeof err) == IVM_INVAL);
  CHECK(strstr(err, "one word") != NULL);
  /* By profile, then by the order function (here: name length). */
  ivm_baseline_sort(&b, order_by_name_length);
  const char *want[][2] = {{"treap", "allocator"}, {"summary", "dense"},
                           {"boundary", "dense"}, {"summary", "standard"},
                           {"boundary", "standard"}};
  for (size_t i = 0; i < 5; i++)
    CHECK(strcmp(b.rows[i].impl, want[i][0]) == 0 &&
          strcmp(b.rows[i].profile, want[i][1]) == 0);
  fixed_baseline(&other);
  CHECK(ivm_baseline_comparable(&b, &other, why, sizeof why));
  other.set.ops = 10000;
  CHECK(!ivm_baseline_comparable(&b, &other, why, sizeof why));
  CHECK(strcmp(why, "`ops` is '20000', not '10000'") == 0);
  other.set.ops = 20000;
  snprintf(other.cpu, sizeof other.cpu, "Other CPU");
  CHECK(!ivm_baseline_comparable(&b, &other, why, sizeof why));
  CHECK(strstr(why, "`cpu` is 'Example CPU @ 3.00GHz'") != NULL);
  /* The date and commit only say when. */
  snprintf(other.cpu, sizeof other.cpu, "%s", b.cpu);
  snprintf(other.date, sizeof other.date, "2030-01-01T00:00:00Z");
  CHECK(ivm_baseline_comparable(&b, &other, why, sizeof why));
  ivm_baseline_free(&other);
  ivm_baseline_free(&b);
}

/* ---- Verdicts and reports -------------------------------------------------- */

/* Measured figures for the fixed baseline: summary on dense 20% slower and
 * 30% worse at p99; on standard 25% faster; memory 5% up on dense. */
static void fixed_result(ivm_gate_result *r, ivm_gate_figures *rows) {
  memset(r, 0, sizeof *r);
  r->agreed = true;
  r->rows = rows;
  r->count = 4;
  const char *impls[] = {"boundary", "summary"};
  const char *profiles[] = {"dense", "standard"};
  for (int p = 0; p < 2; p++)
    for (int i = 0; i < 2; i++) {
      ivm_gate_figures *g = &rows[p * 2 + i];
      memset(g, 0, sizeof *g);
      g->row = fixed_row(impls[i], profiles[p], 1);
      if (i == 0) g->row.throughput_ratio = g->row.p99_ratio = 1;
      g->timed = true;
    }
  ivm_gate_figures *dense = &rows[1], *standard = &rows[3];
  dense->row.throughput_ratio *= 0.8;
  dense->row.p99_ratio *= 1.3;
  dense->row.bytes_per_span *= 1.05;
  dense->row.instructions_per_op *= 1.015; /* within the 2% threshold */
  standard->row.throughput_ratio *= 1.25;
  standard->row.instructions_per_op *= 0.9;
  for (int k = 0; k < 4; k++) {
    ivm_gate_figures *g = &rows[k];
    ivm_spread t = {15, g->row.throughput_ratio,
                    g->row.throughput_ratio * 0.97,
                    g->row.throughput_ratio * 1.02};
    ivm_spread p = {15, g->row.p99_ratio, g->row.p99_ratio * 0.9,
                    g->row.p99_ratio * 1.1};
    g->throughput = t;
    g->p99 = p;
  }
}

static void test_judge(void) {
  ivm_baseline b;
  fixed_baseline(&b);
  ivm_gate_figures rows[4];
  ivm_gate_result r;
  fixed_result(&r, rows);
  ivm_gate_thresholds t = ivm_gate_default_thresholds();
  ivm_gate_verdicts v;
  CHECK(ivm_gate_judge(&b, &r, IVM_GATE_RATIO, &t, &v) == IVM_OK);
  /* boundary: memory only (it is the relative-to); summary: three. */
  CHECK(v.count == 8);
  CHECK(v.rows[0].metric == IVM_METRIC_MEMORY &&
        strcmp(v.rows[0].impl, "boundary") == 0);
  CHECK(v.rows[1].metric == IVM_METRIC_THROUGHPUT &&
        v.rows[1].verdict == IVM_VERDICT_REGRESSED);
  CHECK(fabs(v.rows[1].change + 0.2) < 1e-12);
  CHECK(v.rows[2].metric == IVM_METRIC_P99 &&
        v.rows[2].verdict == IVM_VERDICT_REGRESSED);
  CHECK(v.rows[3].metric == IVM_METRIC_MEMORY &&
        v.rows[3].verdict == IVM_VERDICT_OK);
  CHECK(v.rows[5].verdict == IVM_VERDICT_IMPROVED);
  CHECK(v.rows[6].verdict == IVM_VERDICT_OK);
  CHECK(v.tally[IVM_VERDICT_REGRESSED] == 2 &&
        v.tally[IVM_VERDICT_IMPROVED] == 1 && v.tally[IVM_VERDICT_OK] == 5);
  ivm_gate_verdicts_free(&v);

  /* A threshold above the change turns the verdicts to ok. */
  t.limit[IVM_METRIC_THROUGHPUT] = 0.3;
  t.limit[IVM_METRIC_P99] = 0.5;
  CHECK(ivm_gate_judge(&b, &r, IVM_GATE_RATIO, &t, &v) == IVM_OK);
  CHECK(v.tally[IVM_VERDICT_REGRESSED] == 0 &&
        v.tally[IVM_VERDICT_IMPROVED] == 0);
  ivm_gate_verdicts_free(&v);

  /* Instructions: +1.5% is within the threshold, -10% improved. */
  t = ivm_gate_default_thresholds();
  CHECK(ivm_gate_judge(&b, &r, IVM_GATE_INSTRUCTIONS, &t, &v) == IVM_OK);
  CHECK(v.count == 8);
  CHECK(v.rows[2].metric == IVM_METRIC_INSTRUCTIONS &&
        v.rows[2].verdict == IVM_VERDICT_OK);
  CHECK(v.rows[6].verdict == IVM_VERDICT_IMPROVED);
  ivm_gate_verdicts_free(&v);

  /* An untimed row is unmeasured, not a regression; a row missing from
   * the baseline is not judged. */
  rows[3].timed = false;
  snprintf(rows[2].row.impl, sizeof rows[2].row.impl, "treap");
  CHECK(ivm_gate_judge(&b, &r, IVM_GATE_RATIO, &t, &v) == IVM_OK);
  CHECK(v.count == 7);
  CHECK(v.tally[IVM_VERDICT_UNMEASURED] == 2);
  CHECK(v.rows[4].verdict == IVM_VERDICT_UNMEASURED && isnan(v.rows[4].change));
  ivm_gate_verdicts_free(&v);
  ivm_baseline_free(&b);
}

static void report(ivm_gate_mode mode, const char *golden) {
  ivm_baseline b;
  fixed_baseline(&b);
  ivm_gate_figures rows[4];
  ivm_gate_result r;
  fixed_result(&r, rows);
  ivm_gate_thresholds t = ivm_gate_default_thresholds();
  ivm_gate_verdicts v;
  CHECK(ivm_gate_judge(&b, &r, mode, &t, &v) == IVM_OK);
  const char *notes[] = {"treap is in the baseline but not in this build: "
                         "not measured"};
  ivm_regress_meta meta = {.baseline_path = "profiles/baseline.txt",
                           .baseline = &b,
                           .mode = mode,
                           .thresholds = &t,
                           .profiles = 2,
                           .impls = 2,
                           .rounds = 15,
                           .notes = notes,
                           .note_count = 1};
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  ivm_report_regress_text(mem, &meta, &v, false);
  fclose(mem);
  check_golden(golden, text, len);
  free(text);
  ivm_gate_verdicts_free(&v);
  ivm_baseline_free(&b);
}

static void test_report_golden(void) {
  report(IVM_GATE_RATIO, "regress_ratio.txt");
  report(IVM_GATE_INSTRUCTIONS, "regress_instructions.txt");
  ivm_gate_figures rows[4];
  ivm_gate_result r;
  fixed_result(&r, rows);
  rows[0].timed = false;
  ivm_baseline b;
  fixed_baseline(&b);
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  ivm_report_baseline_text(mem, &b.set, &r, false);
  fclose(mem);
  check_golden("baseline_report.txt", text, len);
  free(text);
  ivm_baseline_free(&b);
}

/* ---- Measuring ------------------------------------------------------------- */

static ivm_gate_config small_config(const struct ivm_ops **impls, size_t n,
                                    const ivm_clock *clock) {
  static const char *const profiles[] = {"standard"};
  ivm_gate_config cfg = ivm_gate_defaults();
  cfg.impls = impls;
  cfg.impl_count = n;
  cfg.relative_to = ivm_impl_find("boundary");
  cfg.profiles = profiles;
  cfg.profile_count = 1;
  cfg.set.ops = 3000;
  cfg.set.rounds = 3;
  cfg.set.repeat = 2;
  cfg.clock = clock;
  return cfg;
}

static void test_gate_measure(void) {
  ivm_clock clock;
  ivm_clock_init(&clock);
  const struct ivm_ops *impls[] = {ivm_impl_find("treap"),
                                   ivm_impl_find("boundary")};
  ivm_gate_config cfg = small_config(impls, 2, &clock);
  ivm_gate_result r;
  char err[512] = "";
  CHECK(ivm_gate_measure(&cfg, &r, err, sizeof err) == IVM_OK);
  if (err[0]) fprintf(stderr, "%s\n", err);
  CHECK(r.agreed && r.count == 2);
  if (r.count != 2) return;
  const ivm_gate_figures *treap = &r.rows[0], *boundary = &r.rows[1];
  double bytes = treap->row.bytes_per_span;
  CHECK(strcmp(treap->row.impl, "treap") == 0 &&
        strcmp(treap->row.profile, "standard") == 0);
  CHECK(treap->timed && treap->throughput.count == 3);
  CHECK(treap->throughput.min <= treap->row.throughput_ratio &&
        treap->row.throughput_ratio <= treap->throughput.max);
  CHECK(treap->row.ops_per_sec > 0 && treap->row.p99_ns > 0);
  CHECK(treap->row.bytes_per_span > 0);
  /* The relative-to measured against itself in the same round. */
  CHECK(boundary->row.throughput_ratio == 1 && boundary->row.p99_ratio == 1);
  ivm_gate_free(&r);

  /* Memory is deterministic: a second measurement gives the same. */
  cfg.timing = false;
  CHECK(ivm_gate_measure(&cfg, &r, err, sizeof err) == IVM_OK);
  CHECK(r.count == 2 && !r.rows[0].timed &&
        r.rows[0].row.bytes_per_span == bytes);
  ivm_gate_free(&r);

  /* A profile that does not exist is an error, not a verdict. */
  static const char *const nope[] = {"no-such-profile"};
  cfg.profiles = nope;
  CHECK(ivm_gate_measure(&cfg, &r, err, sizeof err) != IVM_OK);
  CHECK(strstr(err, "no-such-profile") != NULL);
}

static bool never_found(const ivm *m, int64_t p, int64_t len,
                        int64_t not_after, ivm_span *out) {
  (void)m;
  (void)p;
  (void)len;
  (void)not_after;
  (void)out;
  return false;
}

static void test_gate_disagreement(void) {
  /* The reference with a find that never finds anything. */
  struct ivm_ops liar = *ivm_impl_find("reference");
  liar.name = "liar";
  liar.find = never_found;
  ivm_clock clock;
  ivm_clock_init(&clock);
  const struct ivm_ops *impls[] = {&liar};
  ivm_gate_config cfg = small_config(impls, 1, &clock);
  ivm_gate_result r;
  char err[512];
  CHECK(ivm_gate_measure(&cfg, &r, err, sizeof err) == IVM_OK);
  CHECK(!r.agreed && r.count == 0);
  CHECK(strcmp(r.disagreement_profile, "standard") == 0);
  CHECK(r.disagreement.impl_count == 2 && !r.disagreement.impls[0].agrees);
  CHECK(strstr(r.disagreement.impls[0].mismatch.what, "liar gave `none`") !=
        NULL);
  ivm_gate_free(&r);
}

/* ---- The slowing decorator ------------------------------------------------- */

static int64_t inner_finds;

static bool counting_find(const ivm *m, int64_t p, int64_t len,
                          int64_t not_after, ivm_span *out) {
  inner_finds++;
  return ivm_impl_find("reference")->find(m, p, len, not_after, out);
}

static void test_slowdown(void) {
  ivm_profile p;
  char err[512];
  CHECK(ivm_profile_load("standard", &p, err, sizeof err) == IVM_OK);
  ivm_stream s = {0};
  CHECK(ivm_workload_generate(&p, 7, 2000, &s, err, sizeof err) == IVM_OK);

  /* It agrees with the reference, keeps the inner name and leaks nothing. */
  ivm_slowdown slow;
  ivm_slowdown_init(&slow, ivm_impl_find("summary"), 3);
  CHECK(strcmp(slow.ops.name, "summary") == 0);
  ivm_outcome want, got;
  ivm_mismatch mm;
  CHECK(ivm_outcome_run(ivm_impl_find("reference"), &s, NULL, NULL, &want,
                        &mm, NULL, NULL, err, sizeof err) == IVM_OK);
  CHECK(ivm_outcome_run(&slow.ops, &s, &want, "reference", &got, &mm, NULL,
                        NULL, err, sizeof err) == IVM_OK);
  CHECK(!mm.differs);
  if (mm.differs) fprintf(stderr, "%s\n", mm.what);
  CHECK(got.leaked_bytes == 0 && got.memory.live_bytes > 0);
  ivm_outcome_free(&got);

  /* The extra work is exactly `repeats` queries per operation: count the
   * inner finds of a decorated, counting reference. */
  struct ivm_ops counting = *ivm_impl_find("reference");
  counting.find = counting_find;
  int64_t plain = 0, mutations = 0, finds = 0;
  for (size_t i = 0; i < s.count; i++) {
    mutations += s.ops[i].kind == IVM_OP_RELEASE ||
                 s.ops[i].kind == IVM_OP_RESERVE;
    finds += s.ops[i].kind == IVM_OP_FIND;
  }
  ivm *m;
  ivm_result res;
  inner_finds = 0;
  CHECK(ivm_create_ops(&counting, NULL, &m) == IVM_OK);
  for (size_t i = 0; i < s.count; i++) ivm_exec(m, &s.ops[i], &res);
  ivm_destroy(m);
  plain = inner_finds;
  CHECK(plain == finds);
  ivm_slowdown_init(&slow, &counting, 3);
  inner_finds = 0;
  CHECK(ivm_create_ops(&slow.ops, NULL, &m) == IVM_OK);
  for (size_t i = 0; i < s.count; i++) ivm_exec(m, &s.ops[i], &res);
  int64_t decorated = inner_finds;
  char why[256];
  CHECK(ivm_check(m, why, sizeof why) == IVM_OK);
  ivm_destroy(m);
  CHECK(decorated == 4 * finds + 3 * mutations);
  ivm_outcome_free(&want);
  ivm_stream_free(&s);
}

static const check_test tests[] = {
    {"baseline_roundtrip", test_baseline_roundtrip},
    {"baseline_errors", test_baseline_errors},
    {"baseline_merge", test_baseline_merge},
    {"judge", test_judge},
    {"report_golden", test_report_golden},
    {"gate_measure", test_gate_measure},
    {"gate_disagreement", test_gate_disagreement},
    {"slowdown", test_slowdown},
};

int main(int argc, char **argv) {
  return check_main("ivm-regress-tests", tests, sizeof tests / sizeof tests[0], argc,
                    argv);
}
