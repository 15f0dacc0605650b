/* ivm.c - the front door: checks every argument once, for all
 * implementations, then dispatches through the ops table. Implementations
 * therefore only ever see valid input (start < end, representable lengths,
 * inside the domain, known flags). */
#include <string.h>

#include "ivm_internal.h"

/* ---- Lifetime ---------------------------------------------------------- */

int ivm_create_ops(const struct ivm_ops *ops, const ivm_options *opt,
                   ivm **out) {
  static const ivm_options defaults = {0};
  if (!out) return IVM_INVAL;
  *out = NULL;
  if (!ops || ops->instance_size < sizeof(ivm)) return IVM_INVAL;
  if (!opt) opt = &defaults;
  int64_t space;
  if (opt->has_domain) {
    if (opt->domain_lo >= opt->domain_hi) return IVM_INVAL;
    if (ivm__sub_overflows(opt->domain_hi, opt->domain_lo, &space))
      return IVM_OVERFLOW;
  }
  ivm_alloc_fn alloc = opt->alloc ? opt->alloc : ivm__libc_alloc;
  ivm *m = alloc(opt->alloc_ud, NULL, 0, ops->instance_size);
  if (!m) return IVM_NOMEM;
  memset(m, 0, ops->instance_size);
  m->ops = ops;
  m->alloc = alloc;
  m->alloc_ud = opt->alloc_ud;
  m->has_domain = opt->has_domain;
  m->domain_lo = opt->has_domain ? opt->domain_lo : 0;
  m->domain_hi = opt->has_domain ? opt->domain_hi : 0;
  m->seed = opt->seed;
  int rc = ops->init(m);
  if (rc != IVM_OK) {
    alloc(opt->alloc_ud, m, ops->instance_size, 0);
    return rc;
  }
  *out = m;
  return IVM_OK;
}

int ivm_create(const char *impl, const ivm_options *opt, ivm **out) {
  const struct ivm_ops *ops = ivm_impl_find(impl);
  if (!ops) {
    if (out) *out = NULL;
    return IVM_NOIMPL;
  }
  return ivm_create_ops(ops, opt, out);
}

void ivm_destroy(ivm *m) {
  if (!m) return;
  m->ops->fini(m);
  ivm__free(m, m, m->ops->instance_size);
}

const char *ivm_name(const ivm *m) { return m->ops->name; }

/* ---- Argument checks --------------------------------------------------- */

/* A span argument: start < end, with a representable length. */
static int check_span(int64_t start, int64_t end) {
  int64_t len;
  if (start >= end) return IVM_INVAL;
  if (ivm__sub_overflows(end, start, &len)) return IVM_OVERFLOW;
  return IVM_OK;
}

static int check_mutation(const ivm *m, int64_t start, int64_t end) {
  int rc = check_span(start, end);
  if (rc != IVM_OK) return rc;
  if (m->has_domain && (start < m->domain_lo || end > m->domain_hi))
    return IVM_DOMAIN;
  return IVM_OK;
}

/* Sums the free points inside a window; spans are clipped to it because
 * each() also visits spans that stick out of the window. */
struct covered {
  int64_t lo, hi, sum;
};

static int count_covered(void *ud, int64_t start, int64_t end) {
  struct covered *c = ud;
  c->sum += ivm__min64(end, c->hi) - ivm__max64(start, c->lo);
  return 0;
}

/* ---- Mutations --------------------------------------------------------- */

int ivm_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  int64_t dummy, sum;
  if (!changed) changed = &dummy;
  *changed = 0;
  int rc = check_mutation(m, start, end);
  if (rc != IVM_OK) return rc;
  /* The new total must fit. Cheap test first; only when it might not fit do
   * we count what is already free inside [start,end) to know exactly. Once
   * the total fits, every span length fits too. */
  int64_t total = m->ops->total_free(m);
  if (ivm__add_overflows(total, end - start, &sum)) {
    struct covered c = {start, end, 0};
    m->ops->each(m, start, end, count_covered, &c);
    if (ivm__add_overflows(total, (end - start) - c.sum, &sum))
      return IVM_OVERFLOW;
  }
  return m->ops->release(m, start, end, changed);
}

int ivm_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                int64_t *changed) {
  int64_t dummy;
  if (!changed) changed = &dummy;
  *changed = 0;
  if (flags & ~IVM_REQUIRE_COVERED) return IVM_INVAL;
  int rc = check_mutation(m, start, end);
  if (rc != IVM_OK) return rc;
  return m->ops->reserve(m, start, end, flags, changed);
}

/* find's arguments: len > 0, not_after > p when bounded, p + len fits. */
static int check_find(int64_t p, int64_t len, bool bounded, int64_t not_after) {
  int64_t end;
  if (len <= 0 || (bounded && not_after <= p)) return IVM_INVAL;
  if (ivm__add_overflows(p, len, &end)) return IVM_OVERFLOW;
  return IVM_OK;
}

static int find_common(const ivm *m, int64_t p, int64_t len, bool bounded,
                       int64_t not_after, ivm_span *out, bool *found) {
  ivm_span dummy_span;
  bool dummy_found;
  if (!out) out = &dummy_span;
  if (!found) found = &dummy_found;
  *found = false;
  out->start = out->end = 0;
  int rc = check_find(p, len, bounded, not_after);
  if (rc != IVM_OK) return rc;
  *found = m->ops->find(m, p, len, bounded ? not_after : INT64_MAX, out);
  if (!*found) out->start = out->end = 0;
  return IVM_OK;
}

static int allocate_common(ivm *m, int64_t p, int64_t len, bool bounded,
                           int64_t not_after, ivm_span *out, bool *found) {
  ivm_span span;
  bool ok;
  if (!found) found = &ok;
  int rc = find_common(m, p, len, bounded, not_after, &span, found);
  if (rc == IVM_OK && *found) {
    int64_t changed;
    rc = m->ops->reserve(m, span.start, span.end, 0, &changed);
    if (rc != IVM_OK) {
      *found = false;
      span.start = span.end = 0;
    }
  }
  if (out) *out = span;
  return rc;
}

int ivm_allocate(ivm *m, int64_t p, int64_t len, ivm_span *out, bool *found) {
  return allocate_common(m, p, len, false, 0, out, found);
}

int ivm_allocate_bounded(ivm *m, int64_t p, int64_t len, int64_t not_after,
                         ivm_span *out, bool *found) {
  return allocate_common(m, p, len, true, not_after, out, found);
}

/* ---- Queries ----------------------------------------------------------- */

int ivm_find(const ivm *m, int64_t p, int64_t len, ivm_span *out,
             bool *found) {
  return find_common(m, p, len, false, 0, out, found);
}

int ivm_find_bounded(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                     ivm_span *out, bool *found) {
  return find_common(m, p, len, true, not_after, out, found);
}

int ivm_best_fit(const ivm *m, int64_t len, ivm_span *out, bool *found) {
  ivm_span dummy_span;
  bool dummy_found;
  if (!out) out = &dummy_span;
  if (!found) found = &dummy_found;
  *found = false;
  out->start = out->end = 0;
  if (len <= 0) return IVM_INVAL;
  *found = m->ops->best_fit(m, len, out);
  if (!*found) out->start = out->end = 0;
  return IVM_OK;
}

int ivm_largest(const ivm *m, ivm_span *out, bool *found) {
  ivm_span dummy_span;
  bool dummy_found;
  if (!out) out = &dummy_span;
  if (!found) found = &dummy_found;
  *found = m->ops->largest(m, out);
  if (!*found) out->start = out->end = 0;
  return IVM_OK;
}

int64_t ivm_total_free(const ivm *m) { return m->ops->total_free(m); }
int64_t ivm_count(const ivm *m) { return m->ops->count(m); }

int ivm_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
             void *ud) {
  if (start >= end || !fn) return IVM_INVAL;
  return m->ops->each(m, start, end, fn, ud);
}

struct copy_out {
  ivm_span *out;
  size_t cap;
  size_t n;
};

static int copy_span(void *ud, int64_t start, int64_t end) {
  struct copy_out *c = ud;
  if (c->n < c->cap) c->out[c->n] = (ivm_span){start, end};
  c->n++;
  return 0;
}

int ivm_overlaps(const ivm *m, int64_t start, int64_t end, ivm_span *out,
                 size_t cap, size_t *n) {
  struct copy_out c = {out, out ? cap : 0, 0};
  if (n) *n = 0;
  if (start >= end) return IVM_INVAL;
  m->ops->each(m, start, end, copy_span, &c);
  if (n) *n = c.n;
  return IVM_OK;
}

int ivm_intervals(const ivm *m, ivm_span *out, size_t cap, size_t *n) {
  return ivm_overlaps(m, INT64_MIN, INT64_MAX, out, cap, n);
}

int ivm_stats_get(const ivm *m, ivm_stats *out) {
  ivm_summary s;
  m->ops->summary(m, &s);
  ivm_stats_from_summary(&s, m, out);
  return IVM_OK;
}

size_t ivm_counters(const ivm *m, ivm_counter *out, size_t cap) {
  return m->ops->counters(m, out, out ? cap : 0);
}

void ivm_dump(const ivm *m, FILE *out) { m->ops->dump(m, out); }

/* ---- check(): the span set itself, then the implementation ------------- */

struct walk {
  const ivm *m;
  ivm_summary s; /* recomputed from the spans */
  int64_t prev_end;
  char *why;
  size_t why_len;
  int rc;
};

static int walk_span(void *ud, int64_t start, int64_t end) {
  struct walk *w = ud;
  int64_t len;
  if (start >= end || ivm__sub_overflows(end, start, &len)) {
    w->rc = ivm__fail(w->why, w->why_len, "span [%lld,%lld) is empty or "
                      "inverted", (long long)start, (long long)end);
    return 1;
  }
  if (w->s.count > 0 && start <= w->prev_end) {
    w->rc = ivm__fail(w->why, w->why_len, "span [%lld,%lld) overlaps or "
                      "touches the previous one ending at %lld",
                      (long long)start, (long long)end, (long long)w->prev_end);
    return 1;
  }
  if (w->m->has_domain && (start < w->m->domain_lo || end > w->m->domain_hi)) {
    w->rc = ivm__fail(w->why, w->why_len, "span [%lld,%lld) leaves the domain",
                      (long long)start, (long long)end);
    return 1;
  }
  if (ivm__add_overflows(w->s.total, len, &w->s.total)) {
    w->rc = ivm__fail(w->why, w->why_len, "total free exceeds int64");
    return 1;
  }
  if (w->s.count == 0) {
    w->s.first = start;
    w->s.smallest = len;
  }
  if (len > w->s.largest) {
    w->s.largest = len;
    w->s.largest_start = start;
  }
  if (len < w->s.smallest) w->s.smallest = len;
  w->s.last = end;
  w->s.count++;
  w->prev_end = end;
  return 0;
}

int ivm_check(const ivm *m, char *why, size_t why_len) {
  struct walk w = {.m = m, .why = why, .why_len = why_len, .rc = IVM_OK};
  if (why && why_len) why[0] = '\0';
  m->ops->each(m, INT64_MIN, INT64_MAX, walk_span, &w);
  if (w.rc != IVM_OK) return w.rc;
  if (m->ops->total_free(m) != w.s.total)
    return ivm__fail(why, why_len, "total_free %lld but the spans sum to %lld",
                     (long long)m->ops->total_free(m), (long long)w.s.total);
  if (m->ops->count(m) != w.s.count)
    return ivm__fail(why, why_len, "count %lld but there are %lld spans",
                     (long long)m->ops->count(m), (long long)w.s.count);
  ivm_summary s;
  m->ops->summary(m, &s);
  if (memcmp(&s, &w.s, sizeof s) != 0)
    return ivm__fail(
        why, why_len,
        "summary {total %lld count %lld largest %lld@%lld smallest %lld "
        "first %lld last %lld} but the spans give {%lld %lld %lld@%lld %lld "
        "%lld %lld}",
        (long long)s.total, (long long)s.count, (long long)s.largest,
        (long long)s.largest_start, (long long)s.smallest, (long long)s.first,
        (long long)s.last, (long long)w.s.total, (long long)w.s.count,
        (long long)w.s.largest, (long long)w.s.largest_start,
        (long long)w.s.smallest, (long long)w.s.first, (long long)w.s.last);
  return m->ops->check(m, why, why_len);
}
