/* report_scale.c - the scaling view as a console table (one row per
 * implementation and size) and as JSON (every size's full comparison). */
#include <math.h>
#include <string.h>

#include "report.h"
#include "table.h"

/* The figures of the named implementation at one point, or NULL when it did
 * not run there. */
static const ivm_impl_figures *find(const ivm_scale_point *pt,
                                    const char *name, size_t *index) {
  for (size_t i = 0; i < pt->cmp.impl_count; i++) {
    if (strcmp(pt->cmp.impls[i].name, name) == 0) {
      *index = i;
      return &pt->cmp.impls[i];
    }
  }
  return NULL;
}

/* Names in order of first appearance over all points. */
static size_t names(const ivm_scale_result *r, const char **out, size_t cap) {
  size_t n = 0;
  for (size_t p = 0; p < r->point_count; p++) {
    const ivm_compare_result *c = &r->points[p].cmp;
    for (size_t i = 0; i < c->impl_count; i++) {
      bool seen = false;
      for (size_t k = 0; k < n; k++)
        seen = seen || strcmp(out[k], c->impls[i].name) == 0;
      if (!seen && n < cap) out[n++] = c->impls[i].name;
    }
  }
  return n;
}

static void row(ivm_table *t, const char *name, const ivm_scale_point *pt,
                const ivm_impl_figures *f, double efficiency) {
  char ops[32], universe[32], spans[32];
  ivm_report_count(ops, sizeof ops, pt->ops);
  ivm_report_count(universe, sizeof universe, pt->universe);
  ivm_report_count(spans, sizeof spans, pt->cmp.final_spans);
  ivm_table_cell(t, "%s", name);
  ivm_table_cell(t, "%s", ops);
  ivm_table_cell(t, "%s", universe);
  ivm_table_cell(t, "%s", spans);
  if (!f || !f->timed) {
    ivm_table_cell(t, "%s", f ? "not timed" : "left out");
    for (int c = 0; c < 3; c++) ivm_table_cell(t, "-");
    ivm_table_mark(t, IVM_MARK_DIM);
  } else {
    double per_op = 1.0 / (double)pt->cmp.measured;
    ivm_table_cell(t, "%.1f", f->ns_per_op);
    ivm_table_cell(t, "%.1f-%.1f", f->total_ns.min * per_op,
                   f->total_ns.max * per_op);
    ivm_table_cell(t, "%.1f", f->cpu_ns.median * per_op);
    ivm_table_cell(t, "%.2f", efficiency);
  }
}

void ivm_report_scale_text(FILE *out, const ivm_report_meta *meta,
                           const ivm_scale_result *r, bool color) {
  char limit[32];
  ivm_report_count(limit, sizeof limit, r->reference_max_ops);
  fprintf(out, "ivmprof %s: profile %s, seed %llu; the universe grows with "
          "the operation count, so live spans grow too\n", meta->command,
          meta->workload, (unsigned long long)meta->seed);
  for (size_t p = 0; p < r->point_count; p++) {
    char prefix[64], ops[32];
    ivm_report_count(ops, sizeof ops, r->points[p].ops);
    snprintf(prefix, sizeof prefix, "%s ops: ", ops);
    ivm_report_agreement(out, prefix, &r->points[p].cmp, color);
  }
  if (!r->agreed) return;
  fprintf(out, "oracle: reference up to %s operations; above that the "
          "reference is left out and the others are checked against the "
          "first of them\n", limit);
  ivm_report_timing(out, meta, false);
  for (size_t p = 0; p < r->point_count; p++) {
    char ops[32];
    ivm_report_count(ops, sizeof ops, r->points[p].ops);
    if (r->points[p].cmp.untimed_note[0])
      fprintf(out, "%s ops: note: %s\n", ops, r->points[p].cmp.untimed_note);
  }
  const char *impl[64];
  size_t n = names(r, impl, 64);
  ivm_table *t = ivm_table_new("implementation", "lrrrrrrr");
  const char *heads[] = {"operations", "universe",   "live spans", "ns/op",
                         "min-max ns/op", "cpu ns/op", "vs n log n"};
  for (size_t c = 0; c < 7; c++) ivm_table_header(t, c + 1, heads[c]);
  for (size_t i = 0; i < n; i++) {
    for (size_t p = 0; p < r->point_count; p++) {
      size_t k = 0;
      const ivm_impl_figures *f = find(&r->points[p], impl[i], &k);
      row(t, p == 0 ? impl[i] : "", &r->points[p], f,
          f ? r->points[p].efficiency[k] : NAN);
    }
  }
  fprintf(out, "\nTime per operation by size; vs n log n = (ns/op / log2 n) "
          "relative to the smallest size: 1.00 grows like n log n, above 1 "
          "is worse\n");
  ivm_table_print(t, out, color);
  ivm_table_free(t);
}

void ivm_report_scale_json(FILE *out, const ivm_report_meta *meta,
                           const ivm_scale_result *r) {
  ivm_json j;
  ivm_json_init(&j, out);
  ivm_json_begin_object(&j, NULL);
  ivm_report_json_meta(&j, meta);
  ivm_json_int(&j, "reference_max_ops", r->reference_max_ops);
  ivm_json_bool(&j, "agreed", r->agreed);
  ivm_json_begin_array(&j, "sizes");
  for (size_t p = 0; p < r->point_count; p++) {
    const ivm_scale_point *pt = &r->points[p];
    ivm_json_begin_object(&j, NULL);
    ivm_json_int(&j, "ops", pt->ops);
    ivm_json_int(&j, "universe", pt->universe);
    ivm_json_int(&j, "live_spans", pt->cmp.final_spans);
    ivm_json_begin_object(&j, "nlogn_efficiency");
    for (size_t i = 0; i < pt->cmp.impl_count; i++)
      ivm_json_double(&j, pt->cmp.impls[i].name,
                      pt->efficiency ? pt->efficiency[i] : NAN);
    ivm_json_end_object(&j);
    ivm_report_compare_members(&j, &pt->cmp);
    ivm_json_end_object(&j);
  }
  ivm_json_end_array(&j);
  ivm_json_end_object(&j);
}
