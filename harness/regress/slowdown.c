/* slowdown.c - the test-only slowing decorator (see slowdown.h).
 *
 *   instance: base | inner (an ivm of the wrapped implementation)
 *
 * Invariant: the inner instance holds exactly the free set the decorator
 * presents; the extra queries only read it. The front door has checked
 * every argument before an op here runs, so forwarding straight to the
 * inner ops table (past its own front door) is safe. */
#include "slowdown.h"

typedef struct slow {
  ivm base;
  ivm *inner;
} slow;

static const ivm_slowdown *config_of(const ivm *m) {
  return (const ivm_slowdown *)m->ops;
}

static ivm *inner_of(const ivm *m) { return ((const slow *)m)->inner; }

/* `repeats` first fits of [p, p + len); the results are dropped, but the
 * calls go through a function pointer into another file, so they are made. */
static void repeat_find(const ivm *m, int64_t p, int64_t len) {
  const ivm *in = inner_of(m);
  ivm_span span;
  for (int k = 0; k < config_of(m)->repeats; k++)
    in->ops->find(in, p, len, INT64_MAX, &span);
}

static int sl_init(ivm *m) {
  ivm_options opt = {0};
  opt.has_domain = m->has_domain;
  opt.domain_lo = m->domain_lo;
  opt.domain_hi = m->domain_hi;
  opt.seed = m->seed;
  opt.alloc = m->alloc;
  opt.alloc_ud = m->alloc_ud;
  /* The domain was accepted for the decorator, so only memory can fail. */
  int rc = ivm_create_ops(config_of(m)->inner, &opt, &((slow *)m)->inner);
  return rc == IVM_OK ? IVM_OK : IVM_NOMEM;
}

static void sl_fini(ivm *m) { ivm_destroy(inner_of(m)); }

static int sl_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  ivm *in = inner_of(m);
  int rc = in->ops->release(in, start, end, changed);
  repeat_find(m, start, end - start);
  return rc;
}

static int sl_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                      int64_t *changed) {
  ivm *in = inner_of(m);
  int rc = in->ops->reserve(in, start, end, flags, changed);
  repeat_find(m, start, end - start);
  return rc;
}

static bool sl_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                    ivm_span *out) {
  const ivm *in = inner_of(m);
  ivm_span extra;
  for (int k = 0; k < config_of(m)->repeats; k++)
    in->ops->find(in, p, len, not_after, &extra);
  return in->ops->find(in, p, len, not_after, out);
}

static bool sl_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  const ivm *in = inner_of(m);
  ivm_span extra;
  for (int k = 0; k < config_of(m)->repeats; k++)
    in->ops->best_fit(in, len, &extra);
  return in->ops->best_fit(in, len, out);
}

static bool sl_largest(const ivm *m, ivm_span *out) {
  const ivm *in = inner_of(m);
  ivm_span extra;
  for (int k = 0; k < config_of(m)->repeats; k++)
    in->ops->largest(in, &extra);
  return in->ops->largest(in, out);
}

static int64_t sl_total_free(const ivm *m) {
  const ivm *in = inner_of(m);
  return in->ops->total_free(in);
}

static int64_t sl_count(const ivm *m) {
  const ivm *in = inner_of(m);
  return in->ops->count(in);
}

static int sl_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                   void *ud) {
  const ivm *in = inner_of(m);
  return in->ops->each(in, start, end, fn, ud);
}

static void sl_summary(const ivm *m, ivm_summary *out) {
  const ivm *in = inner_of(m);
  ivm_summary extra;
  for (int k = 0; k < config_of(m)->repeats; k++)
    in->ops->summary(in, &extra);
  in->ops->summary(in, out);
}

static size_t sl_counters(const ivm *m, ivm_counter *out, size_t cap) {
  const ivm *in = inner_of(m);
  return in->ops->counters(in, out, cap);
}

static int sl_check(const ivm *m, char *why, size_t why_len) {
  /* The full check of the inner instance: its span set and its own
   * structure. */
  return ivm_check(inner_of(m), why, why_len);
}

static void sl_dump(const ivm *m, FILE *out) {
  fprintf(out, "slowdown decorator, %d extra queries per operation, of:\n",
          config_of(m)->repeats);
  ivm_dump(inner_of(m), out);
}

void ivm_slowdown_init(ivm_slowdown *s, const struct ivm_ops *inner,
                       int repeats) {
  struct ivm_ops ops = {
      .name = inner->name,
      .description = "test only: slowed by extra queries per operation",
      .instance_size = sizeof(slow),
      .init = sl_init,
      .fini = sl_fini,
      .release = sl_release,
      .reserve = sl_reserve,
      .find = sl_find,
      .best_fit = sl_best_fit,
      .largest = sl_largest,
      .total_free = sl_total_free,
      .count = sl_count,
      .each = sl_each,
      .summary = sl_summary,
      .counters = sl_counters,
      .check = sl_check,
      .dump = sl_dump,
  };
  s->ops = ops;
  s->inner = inner;
  s->repeats = repeats;
}
