/* report_common.c - what the compare and scale reports share: number
 * formatting, bars, the agreement lines and the JSON metadata. */
#include <inttypes.h>
#include <string.h>

#include "report.h"

void ivm_report_count(char *buf, size_t size, int64_t v) {
  char digits[32];
  snprintf(digits, sizeof digits, "%" PRIu64,
           v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
  size_t n = strlen(digits), k = 0;
  char tmp[48];
  if (v < 0) tmp[k++] = '-';
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) tmp[k++] = ',';
    tmp[k++] = digits[i];
  }
  tmp[k] = '\0';
  snprintf(buf, size, "%s", tmp);
}

void ivm_report_bar(char *buf, size_t size, double fraction, int width) {
  if (!(fraction > 0)) fraction = 0;
  if (fraction > 1) fraction = 1;
  int n = (int)(fraction * width + 0.5);
  if (n < 1) n = 1;
  if ((size_t)n >= size) n = (int)size - 1;
  memset(buf, '#', (size_t)n);
  buf[n] = '\0';
}

void ivm_report_agreement(FILE *out, const char *prefix,
                          const ivm_compare_result *r, bool color) {
  const char *oracle = r->oracle;
  char nops[32], nspans[32];
  ivm_report_count(nops, sizeof nops, (int64_t)(r->setup + r->measured));
  ivm_report_count(nspans, sizeof nspans, r->final_spans);
  const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "";
  const char *off = color ? "\033[0m" : "";
  if (r->agreed) {
    size_t others = 0;
    for (size_t i = 0; i < r->impl_count; i++)
      if (strcmp(r->impls[i].name, oracle) != 0) others++;
    fprintf(out, "%sagreement: %sok%s, %zu implementation%s agree%s with %s "
            "on all %s operations, the final %s spans, totals and "
            "statistics\n", prefix, green, off, others, others == 1 ? "" : "s",
            others == 1 ? "s" : "", oracle, nops, nspans);
    return;
  }
  fprintf(out, "%sagreement: %sFAILED%s against %s over %s operations\n",
          prefix, red, off, oracle, nops);
  if (r->oracle_mismatch.differs)
    fprintf(out, "%s  %s itself: %s\n", prefix, oracle,
            r->oracle_mismatch.what);
  for (size_t i = 0; i < r->impl_count; i++) {
    const ivm_impl_figures *f = &r->impls[i];
    if (strcmp(f->name, oracle) == 0) continue;
    if (f->agrees)
      fprintf(out, "%s  %s: agrees\n", prefix, f->name);
    else
      fprintf(out, "%s  %s%s: DISAGREES at %s%s\n", prefix, red, f->name,
              f->mismatch.what, off);
  }
}

void ivm_report_timing(FILE *out, const ivm_report_meta *m, bool latency) {
  const ivm_clock *c = m->clock;
  if (c->tsc)
    fprintf(out, "timer: tsc calibrated against CLOCK_MONOTONIC, %.4f ns per "
            "tick; ", c->ns_per_tick);
  else
    fprintf(out, "timer: %s; ", c->source);
  fprintf(out, "a pair of reads costs %.1f ns (min %.1f)%s\n",
          c->overhead_ns, c->overhead_min_ns,
          latency ? ", included in every latency below" : "");
  fprintf(out, "passes: %d warm-up + %d timed without per-operation timers "
          "(median, min-max)%s\n", m->warmup, m->repeat,
          latency ? "; latency from 1 separate timed pass" : "");
}

static void json_env(ivm_json *j, const ivm_env *env) {
  ivm_json_begin_object(j, "environment");
  ivm_json_string(j, "compiler", env->compiler);
  ivm_json_string(j, "flags", env->flags);
  ivm_json_string(j, "cpu", env->cpu);
  ivm_json_int(j, "cpus", env->cpus);
  ivm_json_string(j, "os", env->os);
  ivm_json_string(j, "commit", env->commit[0] ? env->commit : NULL);
  ivm_json_bool(j, "dirty", env->dirty);
  ivm_json_string(j, "date", env->date);
  ivm_json_end_object(j);
}

void ivm_report_json_meta(ivm_json *j, const ivm_report_meta *meta) {
  ivm_json_string(j, "command", meta->command);
  json_env(j, meta->env);
  ivm_json_begin_object(j, "timer");
  ivm_json_string(j, "source", meta->clock->source);
  ivm_json_double(j, "ns_per_tick", meta->clock->ns_per_tick);
  ivm_json_double(j, "overhead_ns", meta->clock->overhead_ns);
  ivm_json_double(j, "overhead_min_ns", meta->clock->overhead_min_ns);
  ivm_json_end_object(j);
  ivm_json_begin_object(j, "workload");
  ivm_json_string(j, meta->from_trace ? "trace" : "profile", meta->workload);
  if (meta->from_trace)
    ivm_json_null(j, "seed");
  else
    ivm_json_uint(j, "seed", meta->seed);
  if (meta->has_domain) {
    ivm_json_begin_array(j, "domain");
    ivm_json_int(j, NULL, meta->domain_lo);
    ivm_json_int(j, NULL, meta->domain_hi);
    ivm_json_end_array(j);
  } else {
    ivm_json_null(j, "domain");
  }
  ivm_json_end_object(j);
  ivm_json_int(j, "warmup", meta->warmup);
  ivm_json_int(j, "repeat", meta->repeat);
}
