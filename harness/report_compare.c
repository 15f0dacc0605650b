/* report_compare.c - the comparison as console tables and as JSON. Both are
 * pure functions of the result and its metadata. */
#include <string.h>

#include "report.h"
#include "table.h"

#define BAR_WIDTH 24

static void display_name(char *buf, size_t size, const ivm_impl_figures *f) {
  snprintf(buf, size, "%s%s", f->name, f->peer ? " (peer)" : "");
}

static void header(FILE *out, const ivm_report_meta *m,
                   const ivm_compare_result *r) {
  char measured[32], setup[32];
  ivm_report_count(measured, sizeof measured, (int64_t)r->measured);
  ivm_report_count(setup, sizeof setup, (int64_t)r->setup);
  if (m->from_trace)
    fprintf(out, "ivmprof %s: trace %s, %s operations\n", m->command,
            m->workload, measured);
  else
    fprintf(out, "ivmprof %s: profile %s, seed %llu, %s measured operations "
            "after %s setup operation%s\n", m->command, m->workload,
            (unsigned long long)m->seed, measured, setup,
            r->setup == 1 ? "" : "s");
}

static void throughput_table(FILE *out, const ivm_compare_result *r,
                             bool color) {
  ivm_table *t = ivm_table_new("implementation", "lrrrrrrl");
  const char *heads[] = {"median ms", "min-max ms", "cpu ms", "ops/s",
                         "ns/op", "relative", ""};
  for (size_t c = 0; c < 7; c++) ivm_table_header(t, c + 1, heads[c]);
  for (size_t i = 0; i < r->impl_count; i++) {
    const ivm_impl_figures *f = &r->impls[i];
    char name[96], ops[32], bar[BAR_WIDTH + 1];
    display_name(name, sizeof name, f);
    ivm_table_cell(t, "%s", name);
    if (!f->timed) {
      ivm_table_cell(t, "not timed");
      for (int c = 0; c < 5; c++) ivm_table_cell(t, "-");
      ivm_table_cell(t, "%s", "");
      ivm_table_mark(t, IVM_MARK_DIM);
      continue;
    }
    ivm_report_count(ops, sizeof ops, (int64_t)(f->ops_per_sec + 0.5));
    ivm_report_bar(bar, sizeof bar, 1.0 / f->relative, BAR_WIDTH);
    ivm_table_cell(t, "%.3f", f->total_ns.median / 1e6);
    ivm_table_cell(t, "%.3f-%.3f", f->total_ns.min / 1e6,
                   f->total_ns.max / 1e6);
    ivm_table_cell(t, "%.3f", f->cpu_ns.median / 1e6);
    ivm_table_cell(t, "%s", ops);
    ivm_table_cell(t, "%.1f", f->ns_per_op);
    ivm_table_cell(t, "%.2fx", f->relative);
    ivm_table_cell(t, "%s", bar);
    if ((int)i == r->fastest) ivm_table_mark(t, IVM_MARK_BEST);
  }
  fprintf(out, "\nThroughput (wall time per pass of the measured operations; "
          "cpu ms: median thread CPU time, without waits for a busy CPU)\n");
  ivm_table_print(t, out, color);
  ivm_table_free(t);
}

static void latency_cells(ivm_table *t, const ivm_latency *l) {
  ivm_table_cell(t, "%.1f", l->mean);
  ivm_table_cell(t, "%.0f", l->p50);
  ivm_table_cell(t, "%.0f", l->p95);
  ivm_table_cell(t, "%.0f", l->p99);
  ivm_table_cell(t, "%.0f", l->max);
}

static bool any_latency(const ivm_compare_result *r) {
  for (size_t i = 0; i < r->impl_count; i++)
    if (r->impls[i].timed && r->impls[i].latency.count) return true;
  return false;
}

static void latency_tables(FILE *out, const ivm_compare_result *r,
                           bool color) {
  if (!any_latency(r)) return;
  const char *heads[] = {"mean", "p50", "p95", "p99", "max"};
  ivm_table *t = ivm_table_new("implementation", "lrrrrr");
  for (size_t c = 0; c < 5; c++) ivm_table_header(t, c + 1, heads[c]);
  ivm_table *k = ivm_table_new("implementation", "llrrrrrr");
  ivm_table_header(k, 1, "operation");
  ivm_table_header(k, 2, "count");
  for (size_t c = 0; c < 5; c++) ivm_table_header(k, c + 3, heads[c]);
  for (size_t i = 0; i < r->impl_count; i++) {
    const ivm_impl_figures *f = &r->impls[i];
    if (!f->timed) continue;
    char name[96];
    display_name(name, sizeof name, f);
    ivm_table_cell(t, "%s", name);
    latency_cells(t, &f->latency);
    if ((int)i == r->fastest) ivm_table_mark(t, IVM_MARK_BEST);
    bool first = true;
    for (int kind = 0; kind < IVM_OP_KINDS; kind++) {
      const ivm_latency *l = &f->by_kind[kind];
      if (l->count == 0) continue;
      char count[32];
      ivm_report_count(count, sizeof count, (int64_t)l->count);
      ivm_table_cell(k, "%s", first ? name : "");
      ivm_table_cell(k, "%s", ivm_op_name((ivm_op_kind)kind));
      ivm_table_cell(k, "%s", count);
      latency_cells(k, l);
      first = false;
    }
  }
  fprintf(out, "\nLatency per operation (ns)\n");
  ivm_table_print(t, out, color);
  fprintf(out, "\nLatency by operation (ns)\n");
  ivm_table_print(k, out, color);
  ivm_table_free(t);
  ivm_table_free(k);
}

static void memory_table(FILE *out, const ivm_compare_result *r, bool color) {
  ivm_table *t = ivm_table_new("implementation", "lrrrrrr");
  const char *heads[] = {"live spans", "bytes/span", "live bytes",
                         "peak bytes", "allocations", "reallocations"};
  for (size_t c = 0; c < 6; c++) ivm_table_header(t, c + 1, heads[c]);
  for (size_t i = 0; i < r->impl_count; i++) {
    const ivm_impl_figures *f = &r->impls[i];
    char name[96], v[4][32];
    display_name(name, sizeof name, f);
    ivm_report_count(v[0], sizeof v[0], f->live_spans);
    ivm_report_count(v[1], sizeof v[1], f->memory.live_bytes);
    ivm_report_count(v[2], sizeof v[2], f->memory.peak_bytes);
    ivm_report_count(v[3], sizeof v[3], f->memory.allocations);
    ivm_table_cell(t, "%s", name);
    ivm_table_cell(t, "%s", v[0]);
    ivm_table_cell(t, "%.1f", f->bytes_per_span);
    ivm_table_cell(t, "%s", v[1]);
    ivm_table_cell(t, "%s", v[2]);
    ivm_table_cell(t, "%s", v[3]);
    ivm_table_cell(t, "%lld", (long long)f->memory.reallocations);
  }
  fprintf(out, "\nMemory (through the allocator hook, at the end of the "
          "run; setup included)\n");
  ivm_table_print(t, out, color);
  ivm_table_free(t);
}

void ivm_report_compare_text(FILE *out, const ivm_report_meta *meta,
                             const ivm_compare_result *r, bool color) {
  header(out, meta, r);
  ivm_report_agreement(out, "", r, color);
  if (!r->agreed) return;
  ivm_report_timing(out, meta, true);
  if (r->floor_passes)
    fprintf(out, "floor: %.1f ns/op, the same loop and front door around a "
            "manager that stores nothing; part of every ns/op below\n",
            r->floor_ns_per_op);
  if (r->untimed_note[0]) fprintf(out, "note: %s\n", r->untimed_note);
  throughput_table(out, r, color);
  latency_tables(out, r, color);
  memory_table(out, r, color);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_latency(ivm_json *j, const char *key, const ivm_latency *l) {
  ivm_json_begin_object(j, key);
  ivm_json_int(j, "count", (int64_t)l->count);
  ivm_json_double(j, "mean", l->mean);
  ivm_json_double(j, "min", l->min);
  ivm_json_double(j, "p50", l->p50);
  ivm_json_double(j, "p95", l->p95);
  ivm_json_double(j, "p99", l->p99);
  ivm_json_double(j, "max", l->max);
  ivm_json_end_object(j);
}

static void json_mismatch(ivm_json *j, const char *key,
                          const ivm_mismatch *mm) {
  if (!mm->differs) {
    ivm_json_null(j, key);
    return;
  }
  ivm_json_begin_object(j, key);
  if (mm->op_index == SIZE_MAX)
    ivm_json_null(j, "op_index");
  else
    ivm_json_int(j, "op_index", (int64_t)mm->op_index);
  ivm_json_string(j, "what", mm->what);
  ivm_json_end_object(j);
}

static void json_agreement(ivm_json *j, const ivm_compare_result *r) {
  ivm_json_begin_object(j, "agreement");
  ivm_json_string(j, "oracle", r->oracle);
  ivm_json_bool(j, "ok", r->agreed);
  ivm_json_int(j, "operations_checked", (int64_t)(r->setup + r->measured));
  ivm_json_int(j, "final_spans", r->final_spans);
  ivm_json_int(j, "final_total", r->final_total);
  json_mismatch(j, "oracle_failure", &r->oracle_mismatch);
  ivm_json_begin_array(j, "implementations");
  for (size_t i = 0; i < r->impl_count; i++) {
    ivm_json_begin_object(j, NULL);
    ivm_json_string(j, "name", r->impls[i].name);
    ivm_json_bool(j, "agrees", r->impls[i].agrees);
    json_mismatch(j, "first_difference", &r->impls[i].mismatch);
    ivm_json_end_object(j);
  }
  ivm_json_end_array(j);
  ivm_json_end_object(j);
}

static void json_memory(ivm_json *j, const ivm_impl_figures *f) {
  ivm_json_begin_object(j, "memory");
  ivm_json_int(j, "live_spans", f->live_spans);
  ivm_json_int(j, "live_bytes", f->memory.live_bytes);
  ivm_json_double(j, "bytes_per_span", f->bytes_per_span);
  ivm_json_int(j, "peak_bytes", f->memory.peak_bytes);
  ivm_json_int(j, "allocations", f->memory.allocations);
  ivm_json_int(j, "reallocations", f->memory.reallocations);
  ivm_json_int(j, "frees", f->memory.frees);
  ivm_json_end_object(j);
}

static void json_throughput(ivm_json *j, const ivm_impl_figures *f) {
  if (!f->timed) {
    ivm_json_null(j, "throughput");
    return;
  }
  ivm_json_begin_object(j, "throughput");
  ivm_json_begin_array(j, "passes_ms");
  for (size_t p = 0; p < f->passes; p++)
    ivm_json_double(j, NULL, f->pass_ns[p] / 1e6);
  ivm_json_end_array(j);
  ivm_json_double(j, "median_ms", f->total_ns.median / 1e6);
  ivm_json_double(j, "min_ms", f->total_ns.min / 1e6);
  ivm_json_double(j, "max_ms", f->total_ns.max / 1e6);
  ivm_json_begin_array(j, "cpu_passes_ms");
  for (size_t p = 0; p < f->passes; p++)
    ivm_json_double(j, NULL, f->pass_cpu_ns[p] / 1e6);
  ivm_json_end_array(j);
  ivm_json_double(j, "cpu_median_ms", f->cpu_ns.median / 1e6);
  ivm_json_double(j, "cpu_min_ms", f->cpu_ns.min / 1e6);
  ivm_json_double(j, "cpu_max_ms", f->cpu_ns.max / 1e6);
  ivm_json_double(j, "ns_per_op", f->ns_per_op);
  ivm_json_double(j, "ops_per_sec", f->ops_per_sec);
  ivm_json_double(j, "relative", f->relative);
  ivm_json_end_object(j);
}

/* Every figure of one implementation. */
static void json_impl(ivm_json *j, const ivm_impl_figures *f) {
  ivm_json_begin_object(j, NULL);
  ivm_json_string(j, "name", f->name);
  ivm_json_bool(j, "peer", f->peer);
  ivm_json_bool(j, "agrees", f->agrees);
  ivm_json_bool(j, "timed", f->timed);
  json_throughput(j, f);
  if (f->timed && f->latency.count) {
    json_latency(j, "latency_ns", &f->latency);
    ivm_json_begin_object(j, "latency_by_operation_ns");
    for (int k = 0; k < IVM_OP_KINDS; k++)
      if (f->by_kind[k].count)
        json_latency(j, ivm_op_name((ivm_op_kind)k), &f->by_kind[k]);
    ivm_json_end_object(j);
  } else {
    ivm_json_null(j, "latency_ns");
    ivm_json_null(j, "latency_by_operation_ns");
  }
  json_memory(j, f);
  ivm_json_end_object(j);
}

void ivm_report_compare_members(ivm_json *j, const ivm_compare_result *r) {
  ivm_json_begin_object(j, "operations");
  ivm_json_int(j, "measured", (int64_t)r->measured);
  ivm_json_int(j, "setup", (int64_t)r->setup);
  ivm_json_begin_object(j, "by_kind");
  for (int k = 0; k < IVM_OP_KINDS; k++)
    if (r->kind_count[k])
      ivm_json_int(j, ivm_op_name((ivm_op_kind)k), (int64_t)r->kind_count[k]);
  ivm_json_end_object(j);
  ivm_json_end_object(j);
  json_agreement(j, r);
  ivm_json_string(j, "note", r->untimed_note[0] ? r->untimed_note : NULL);
  ivm_json_string(j, "fastest",
                  r->fastest >= 0 ? r->impls[r->fastest].name : NULL);
  if (r->floor_passes)
    ivm_json_double(j, "floor_ns_per_op", r->floor_ns_per_op);
  else
    ivm_json_null(j, "floor_ns_per_op");
  ivm_json_begin_array(j, "implementations");
  for (size_t i = 0; i < r->impl_count; i++) json_impl(j, &r->impls[i]);
  ivm_json_end_array(j);
}

void ivm_report_compare_json(FILE *out, const ivm_report_meta *meta,
                             const ivm_compare_result *r) {
  ivm_json j;
  ivm_json_init(&j, out);
  ivm_json_begin_object(&j, NULL);
  ivm_report_json_meta(&j, meta);
  ivm_report_compare_members(&j, r);
  ivm_json_end_object(&j);
}
