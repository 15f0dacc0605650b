/* test_prof.c - tests of the profiler that need no external tool: the
 * reports against golden files from a fixed synthetic profile, the
 * cProfile arithmetic (recursion, edges, the cost correction), and exact
 * call counts from the instrumented build on every implementation, with and
 * without sampling.
 *
 * Usage: ivm-prof-tests TEST|all GOLDEN_DIR   (see the table at the end)
 * IVM_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing, for a
 * deliberate change of a report's layout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "calltree.h"
#include "flamegraph.h"
#include "ivm.h"
#include "prof_report.h"
#include "session.h"
#include "trace.h"



/* ---- Golden files -------------------------------------------------------- */

/* ---- A fixed profile ----------------------------------------------------- */

static uint32_t func(ivm_prof_tree *t, const char *file, const char *name) {
  uint32_t f = ivm_prof_tree_func(t, file, name);
  CHECK(f != UINT32_MAX);
  return f;
}

static uint32_t add(ivm_prof_tree *t, uint32_t parent, uint32_t f,
                    uint64_t calls, int64_t self_us) {
  uint32_t n = ivm_prof_tree_add(t, parent, f, calls, self_us * 1000);
  CHECK(n != UINT32_MAX);
  return n;
}

/* Two operations over a small library: a recursive walk three deep, a
 * helper reached along three different stacks, and a function whose name
 * needs escaping in XML.
 *
 *   {release} x10 ─ op_release ─┬ merge
 *                               ├ walk x4 ─ walk x3 ─ walk x2
 *                               └ lookup
 *   {find} x5 ─┬ lookup
 *              ├ walk x2
 *              └ cmp<int>&"x" */
static void fixed_tree(ivm_prof_tree *t) {
  ivm_prof_tree_init(t);
  uint32_t rel = func(t, "", "{release}"), find = func(t, "", "{find}");
  uint32_t op = func(t, "alpha.c", "op_release");
  uint32_t merge = func(t, "alpha.c", "merge");
  uint32_t walk = func(t, "alpha.c", "walk");
  uint32_t lookup = func(t, "beta.c", "lookup");
  uint32_t odd = func(t, "beta.c", "cmp<int>&\"x\"");
  uint32_t r = add(t, IVM_PROF_ROOT, rel, 10, 100);
  uint32_t o = add(t, r, op, 10, 500);
  add(t, o, merge, 10, 200);
  uint32_t w1 = add(t, o, walk, 4, 80);
  uint32_t w2 = add(t, w1, walk, 3, 60);
  add(t, w2, walk, 2, 40);
  add(t, o, lookup, 10, 150);
  uint32_t fnd = add(t, IVM_PROF_ROOT, find, 5, 30);
  add(t, fnd, lookup, 5, 90);
  add(t, fnd, walk, 2, 10);
  add(t, fnd, odd, 5, 25);
}

static const ivm_prof_run fixed_run = {
    .impl = "alpha", .profile = "synthetic", .seed = 7, .ops = 15,
    .ops_sampled = 15, .rate = 1, .hook_ns = 41.75, .call_ns = 120.5,
    .calls = 66, .plain_ns = 400000, .profiled_ns = 1285000,
    .wall_ns = 1300000};

typedef void (*render_fn)(FILE *out, const ivm_prof_tree *t,
                          const ivm_prof_stats *s, const void *arg);

/* Renders into memory and compares with the golden file. */
static void golden(const char *name, render_fn render,
                   const ivm_prof_tree *t, const ivm_prof_stats *s,
                   const void *arg) {
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  CHECK(mem != NULL);
  if (!mem) return;
  render(mem, t, s, arg);
  fclose(mem);
  check_golden(name, text, len);
  free(text);
}

static void render_header(FILE *out, const ivm_prof_tree *t,
                          const ivm_prof_stats *s, const void *arg) {
  (void)t;
  ivm_prof_report_header(out, arg, s);
}

static void render_pstats(FILE *out, const ivm_prof_tree *t,
                          const ivm_prof_stats *s, const void *arg) {
  ivm_prof_sort key = *(const ivm_prof_sort *)arg;
  ivm_prof_report_pstats(out, t, s, key, key == IVM_PROF_SORT_TOTTIME ? 4 : 0,
                         3);
}

static void render_top(FILE *out, const ivm_prof_tree *t,
                       const ivm_prof_stats *s, const void *arg) {
  ivm_prof_report_top(out, t, s, arg);
}

static void render_stack(FILE *out, const ivm_prof_tree *t,
                         const ivm_prof_stats *s, const void *arg) {
  ivm_prof_report_stack(out, t, s, arg);
}

static void render_folded(FILE *out, const ivm_prof_tree *t,
                          const ivm_prof_stats *s, const void *arg) {
  (void)s;
  (void)arg;
  ivm_prof_write_folded(out, t);
}

static void render_svg(FILE *out, const ivm_prof_tree *t,
                       const ivm_prof_stats *s, const void *arg) {
  CHECK(ivm_prof_write_svg(out, t, s, arg) == 0);
}

static void test_report_golden(void) {
  ivm_prof_tree t;
  ivm_prof_stats s;
  fixed_tree(&t);
  CHECK(ivm_prof_stats_compute(&t, &s) == 0);
  golden("header.txt", render_header, &t, &s, &fixed_run);
  ivm_prof_run sampled = fixed_run;
  sampled.ops = 1500;
  sampled.rate = 0.01;
  sampled.call_ns = 0;
  sampled.ops_dropped = 3;
  golden("header_sampled.txt", render_header, &t, &s, &sampled);
  static const ivm_prof_sort keys[] = {IVM_PROF_SORT_CUMULATIVE,
                                       IVM_PROF_SORT_TOTTIME,
                                       IVM_PROF_SORT_CALLS};
  golden("pstats_cumulative.txt", render_pstats, &t, &s, &keys[0]);
  golden("pstats_tottime.txt", render_pstats, &t, &s, &keys[1]);
  golden("pstats_calls.txt", render_pstats, &t, &s, &keys[2]);
  ivm_prof_chart wide = {.width = 100, .rows = 15, .color = false};
  ivm_prof_chart narrow = {.width = 48, .rows = 4, .color = false};
  ivm_prof_chart color = {.width = 72, .rows = 5, .color = true};
  golden("top.txt", render_top, &t, &s, &wide);
  golden("top_narrow.txt", render_top, &t, &s, &narrow);
  golden("top_color.txt", render_top, &t, &s, &color);
  golden("stack.txt", render_stack, &t, &s, &wide);
  golden("stack_narrow.txt", render_stack, &t, &s, &narrow);
  golden("stack_color.txt", render_stack, &t, &s, &color);
  golden("folded.txt", render_folded, &t, &s, NULL);
  golden("flame.svg", render_svg, &t, &s, "alpha on <synthetic> & co");
  ivm_prof_stats_free(&s);
  ivm_prof_tree_free(&t);
}

/* ---- cProfile arithmetic ------------------------------------------------- */

static const ivm_prof_fstat *stat_of(const ivm_prof_tree *t,
                                     const ivm_prof_stats *s,
                                     const char *name) {
  for (size_t i = 0; i < t->nfuncs; i++)
    if (strcmp(t->funcs[i].name, name) == 0) return &s->funcs[i];
  fprintf(stderr, "no function %s\n", name);
  check_failures++;
  static const ivm_prof_fstat none;
  return &none;
}

static const ivm_prof_edge *edge_of(const ivm_prof_tree *t,
                                    const ivm_prof_stats *s,
                                    const char *caller, const char *callee) {
  for (size_t i = 0; i < s->nedges; i++) {
    const ivm_prof_edge *e = &s->edges[i];
    if (e->caller != IVM_PROF_ROOT &&
        strcmp(t->funcs[e->caller].name, caller) == 0 &&
        strcmp(t->funcs[e->callee].name, callee) == 0)
      return e;
  }
  fprintf(stderr, "no edge %s -> %s\n", caller, callee);
  check_failures++;
  static const ivm_prof_edge none;
  return &none;
}

static void test_recursion_and_edges(void) {
  ivm_prof_tree t;
  ivm_prof_stats s;
  fixed_tree(&t);
  CHECK(ivm_prof_stats_compute(&t, &s) == 0);
  /* walk: 4 + 3 + 2 calls under op_release, 2 under {find}; only the
   * outermost activations are primitive and count towards cumtime. */
  const ivm_prof_fstat *walk = stat_of(&t, &s, "walk");
  CHECK_EQ_I64(walk->ncalls, 11);
  CHECK_EQ_I64(walk->pcalls, 6);
  CHECK_EQ_I64(walk->tottime_ns, (80 + 60 + 40 + 10) * 1000);
  CHECK_EQ_I64(walk->cumtime_ns, (80 + 60 + 40 + 10) * 1000);
  const ivm_prof_fstat *lookup = stat_of(&t, &s, "lookup");
  CHECK_EQ_I64(lookup->ncalls, 15);
  CHECK_EQ_I64(lookup->pcalls, 15);
  CHECK_EQ_I64(lookup->cumtime_ns, 240000);
  const ivm_prof_fstat *op = stat_of(&t, &s, "op_release");
  CHECK_EQ_I64(op->tottime_ns, 500000);
  CHECK_EQ_I64(op->cumtime_ns, (500 + 200 + 180 + 150) * 1000);
  const ivm_prof_fstat *rel = stat_of(&t, &s, "{release}");
  CHECK_EQ_I64(rel->cumtime_ns, 1130000);
  /* The recursive edge: every call, none primitive, no cumulative time
   * (the time is the outer activation's). */
  const ivm_prof_edge *ww = edge_of(&t, &s, "walk", "walk");
  CHECK_EQ_I64(ww->s.ncalls, 5);
  CHECK_EQ_I64(ww->s.pcalls, 0);
  CHECK_EQ_I64(ww->s.tottime_ns, 100000);
  CHECK_EQ_I64(ww->s.cumtime_ns, 0);
  const ivm_prof_edge *ow = edge_of(&t, &s, "op_release", "walk");
  CHECK_EQ_I64(ow->s.ncalls, 4);
  CHECK_EQ_I64(ow->s.cumtime_ns, 180000);
  CHECK_EQ_I64(s.total_calls, 66);
  CHECK_EQ_I64(s.prim_calls, 61);
  CHECK_EQ_I64(s.total_ns, 1285000);
  /* The sort orders are total and follow the key. */
  uint32_t order[16];
  size_t n = ivm_prof_stats_order(&t, &s, IVM_PROF_SORT_CALLS, order);
  CHECK_EQ_I64(n, 7);
  CHECK(strcmp(t.funcs[order[0]].name, "lookup") == 0);
  CHECK(strcmp(t.funcs[order[1]].name, "walk") == 0);
  ivm_prof_stats_free(&s);
  ivm_prof_tree_free(&t);
}

static void test_bad_tree_rejected(void) {
  ivm_prof_tree t;
  ivm_prof_stats s;
  fixed_tree(&t);
  t.nodes[1].parent = 5; /* a child before its parent */
  CHECK(ivm_prof_stats_compute(&t, &s) == -1);
  CHECK(ivm_prof_tree_add(&t, 99, 0, 1, 1) == UINT32_MAX);
  CHECK(ivm_prof_tree_add(&t, IVM_PROF_ROOT, 99, 1, 1) == UINT32_MAX);
  ivm_prof_tree_free(&t);
}

static void test_cost_subtraction(void) {
  ivm_prof_tree t;
  ivm_prof_tree_init(&t);
  uint32_t a = func(&t, "x.c", "a"), b = func(&t, "x.c", "b");
  uint32_t na = add(&t, IVM_PROF_ROOT, a, 10, 5);  /* 5000 ns */
  uint32_t nb = add(&t, na, b, 30, 1);             /* 1000 ns */
  ivm_prof_cost cost = {.inner_ns = 20, .outer_ns = 50};
  CHECK(ivm_prof_tree_subtract(&t, &cost) == 0);
  /* a: 5000 - 10 * 20 - 30 * (50 - 20) = 3900; b: 1000 - 30 * 20 = 400. */
  CHECK_EQ_I64(t.nodes[na].self_ns, 3900);
  CHECK_EQ_I64(t.nodes[nb].self_ns, 400);
  CHECK(ivm_prof_tree_subtract(&t, &cost) == 0); /* b would go negative */
  CHECK_EQ_I64(t.nodes[nb].self_ns, 0);
  CHECK_EQ_I64(ivm_prof_tree_calls(&t), 40);
  ivm_prof_tree_free(&t);
}

/* ---- Exact counts from the instrumented build ---------------------------- */

enum { RELEASES = 23, RESERVES = 17, FINDS = 11 };

/* A trace with exactly RELEASES releases, RESERVES reserves and FINDS finds,
 * plus one best-fit the front door rejects (len 0): its operation frame
 * counts, the implementation's best_fit must not. */
static void count_trace(ivm_stream *s) {
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  CHECK(mem != NULL);
  if (!mem) return;
  fprintf(mem, "release 0 100000\nbestfit 0\n");
  for (int i = 1; i < RELEASES; i++) fprintf(mem, "release %d %d\n",
                                             i * 1000, i * 1000 + 300);
  for (int i = 0; i < RESERVES; i++) fprintf(mem, "reserve %d %d\n",
                                             i * 1500 + 7, i * 1500 + 90);
  for (int i = 0; i < FINDS; i++) fprintf(mem, "find %d %d\n", i * 3000,
                                          10 + i);
  fclose(mem);
  FILE *in = fmemopen(text, len, "r");
  char err[256];
  CHECK(in && ivm_trace_read(in, s, err, sizeof err) == IVM_OK);
  if (in) fclose(in);
  free(text);
}

/* ncalls of the function at the given code address. */
static uint64_t calls_at(const ivm_prof_tree *t, const ivm_prof_stats *s,
                         const ivm_prof_symtab *syms, uintptr_t addr,
                         char *label, size_t cap) {
  const ivm_prof_sym *sym = ivm_prof_symtab_find(syms, addr);
  snprintf(label, cap, "?");
  if (!sym) return 0;
  ivm_prof_func f = {(char *)sym->file, (char *)sym->name};
  ivm_prof_func_label(&f, label, cap);
  for (size_t i = 0; i < t->nfuncs; i++)
    if (strcmp(t->funcs[i].name, sym->name) == 0 &&
        strcmp(t->funcs[i].file, sym->file) == 0)
      return s->funcs[i].ncalls;
  return 0;
}

static uint64_t calls_named(const ivm_prof_tree *t, const ivm_prof_stats *s,
                            const char *name) {
  for (size_t i = 0; i < t->nfuncs; i++)
    if (strcmp(t->funcs[i].name, name) == 0) return s->funcs[i].ncalls;
  return 0;
}

typedef struct counting {
  ivm_clock clock;
  ivm_prof_cost cost;
  ivm_prof_symtab syms;
  ivm_stream stream;
} counting;

static bool counting_setup(counting *c) {
  char why[256];
  memset(c, 0, sizeof *c);
  ivm_clock_init(&c->clock);
  count_trace(&c->stream);
  CHECK(ivm_prof_calibrate(&c->clock, &c->cost) == 0);
  if (ivm_prof_symtab_load(&c->syms, ivm_prof_instrumented_globals,
                           ivm_prof_instrumented_nglobals, why,
                           sizeof why) != 0) {
    fprintf(stderr, "symbols: %s\n", why);
    check_failures++;
    return false;
  }
  return true;
}

static void counting_free(counting *c) {
  ivm_prof_symtab_free(&c->syms);
  ivm_stream_free(&c->stream);
  ivm_prof_recorder_free();
}

/* Profiles every library implementation at `rate`; with rate 1 the
 * protocol functions must count exactly the trace's operations, with a
 * lower rate exactly the sampled ones, which the operation frames count. */
static void check_counts(double rate) {
  counting c;
  if (!counting_setup(&c)) return;
  for (size_t i = 0; i < ivm_impl_count(); i++) {
    const struct ivm_ops *ops = ivm_impl_at(i);
    const struct ivm_ops *instr = ivm_prof_instrumented(ops->name);
    CHECK(instr != NULL && instr != ops);
    if (!instr) continue;
    ivm_prof_session ss = {.stream = &c.stream, .clock = &c.clock,
                           .cost = &c.cost, .syms = &c.syms, .rate = rate,
                           .seed = 11};
    ivm_prof_run run = {.impl = ops->name, .profile = "counts"};
    ivm_prof_tree t;
    ivm_prof_stats s;
    char why[256];
    if (ivm_prof_session_run(&ss, ops, instr, &run, &t, why, sizeof why)) {
      fprintf(stderr, "%s: %s\n", ops->name, why);
      check_failures++;
      continue;
    }
    CHECK(ivm_prof_stats_compute(&t, &s) == 0);
    uint64_t rel = calls_named(&t, &s, "{release}");
    uint64_t res = calls_named(&t, &s, "{reserve}");
    uint64_t fnd = calls_named(&t, &s, "{find}");
    uint64_t bad = calls_named(&t, &s, "{bestfit}");
    if (rate >= 1) {
      CHECK_EQ_I64(rel, RELEASES);
      CHECK_EQ_I64(res, RESERVES);
      CHECK_EQ_I64(fnd, FINDS);
      CHECK_EQ_I64(bad, 1);
      CHECK_EQ_I64(run.ops_sampled, RELEASES + RESERVES + FINDS + 1);
    } else {
      CHECK_EQ_I64(rel + res + fnd + bad, run.ops_sampled);
      CHECK(run.ops_sampled < run.ops);
    }
    char label[256];
    uint64_t got = calls_at(&t, &s, &c.syms, (uintptr_t)instr->release,
                            label, sizeof label);
    CHECK_EQ_I64(got, rel);
    got = calls_at(&t, &s, &c.syms, (uintptr_t)instr->best_fit, label,
                   sizeof label);
    CHECK_EQ_I64(got, 0);
    got = calls_at(&t, &s, &c.syms, (uintptr_t)instr->reserve, label,
                   sizeof label);
    CHECK_EQ_I64(got, res);
    got = calls_at(&t, &s, &c.syms, (uintptr_t)instr->find, label,
                   sizeof label);
    CHECK_EQ_I64(got, fnd);
    if (strcmp(ops->name, "reference") == 0) {
      /* Names come out as file:function, static functions included. */
      calls_at(&t, &s, &c.syms, (uintptr_t)instr->release, label,
               sizeof label);
      CHECK(strcmp(label, "reference.c:ref_release") == 0);
      CHECK(calls_named(&t, &s, "first_ending_after") > 0);
    }
    ivm_prof_stats_free(&s);
    ivm_prof_tree_free(&t);
  }
  counting_free(&c);
}

static void test_exact_counts(void) { check_counts(1.0); }
static void test_sampled_counts(void) { check_counts(0.4); }

/* The same seed samples the same operations. */
static void test_sampling_reproducible(void) {
  counting c;
  if (!counting_setup(&c)) return;
  const struct ivm_ops *ops = ivm_impl_find("reference");
  uint64_t sampled[2];
  for (int k = 0; k < 2; k++) {
    ivm_prof_session ss = {.stream = &c.stream, .clock = &c.clock,
                           .cost = &c.cost, .syms = &c.syms, .rate = 0.3,
                           .seed = 5};
    ivm_prof_run run = {.impl = "reference", .profile = "counts"};
    ivm_prof_tree t;
    char why[256];
    CHECK(ivm_prof_session_run(&ss, ops, ivm_prof_instrumented("reference"),
                               &run, &t, why, sizeof why) == 0);
    sampled[k] = run.ops_sampled;
    ivm_prof_tree_free(&t);
  }
  CHECK_EQ_I64(sampled[0], sampled[1]);
  CHECK(sampled[0] > 0);
  counting_free(&c);
}

/* ---- Table --------------------------------------------------------------- */

static const check_test tests[] = {
    {"report_golden", test_report_golden},
    {"recursion_and_edges", test_recursion_and_edges},
    {"bad_tree_rejected", test_bad_tree_rejected},
    {"cost_subtraction", test_cost_subtraction},
    {"exact_counts", test_exact_counts},
    {"sampled_counts", test_sampled_counts},
    {"sampling_reproducible", test_sampling_reproducible},
};

int main(int argc, char **argv) {
  return check_main("ivm-prof-tests", tests, sizeof tests / sizeof tests[0], argc,
                    argv);
}
