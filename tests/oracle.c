/* oracle.c - one operation through the front door, and exact comparison of
 * its result and of the whole observable state with the reference's. */
#include "oracle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool oracle_mutates(oracle_kind kind) {
  return kind == ORACLE_RELEASE || kind == ORACLE_RESERVE ||
         kind == ORACLE_ALLOCATE || kind == ORACLE_ALLOCATE_BOUNDED;
}

/* ---- Running one operation --------------------------------------------- */

struct visit {
  oracle_result *r;
  int64_t stop_after; /* 0: never stop */
};

/* Records the first ORACLE_LIST_CAP spans and counts them all; stops with a
 * distinctive value so the test sees that ivm_each passes it through. */
static int record_span(void *ud, int64_t start, int64_t end) {
  struct visit *v = ud;
  if (v->r->n < ORACLE_LIST_CAP) v->r->list[v->r->n] = (ivm_span){start, end};
  v->r->n++;
  return v->stop_after > 0 && (int64_t)v->r->n >= v->stop_after ? 7 : 0;
}

/* The buffer size an overlaps/intervals op asks for: c, clamped. */
static size_t list_cap(int64_t c) {
  return c <= 0 ? 0 : c > ORACLE_LIST_CAP ? ORACLE_LIST_CAP : (size_t)c;
}

void oracle_apply(ivm *m, const oracle_op *op, oracle_result *r) {
  memset(r, 0, sizeof *r);
  size_t cap = list_cap(op->c);
  switch (op->kind) {
    case ORACLE_RELEASE:
      r->status = ivm_release(m, op->a, op->b, &r->changed);
      break;
    case ORACLE_RESERVE:
      r->status = ivm_reserve(m, op->a, op->b, op->flags, &r->changed);
      break;
    case ORACLE_FIND:
      r->status = ivm_find(m, op->a, op->b, &r->span, &r->found);
      break;
    case ORACLE_FIND_BOUNDED:
      r->status = ivm_find_bounded(m, op->a, op->b, op->c, &r->span, &r->found);
      break;
    case ORACLE_ALLOCATE:
      r->status = ivm_allocate(m, op->a, op->b, &r->span, &r->found);
      break;
    case ORACLE_ALLOCATE_BOUNDED:
      r->status =
          ivm_allocate_bounded(m, op->a, op->b, op->c, &r->span, &r->found);
      break;
    case ORACLE_BEST_FIT:
      r->status = ivm_best_fit(m, op->a, &r->span, &r->found);
      break;
    case ORACLE_LARGEST:
      r->status = ivm_largest(m, &r->span, &r->found);
      break;
    case ORACLE_OVERLAPS:
      r->status = ivm_overlaps(m, op->a, op->b, cap ? r->list : NULL, cap,
                               &r->n);
      break;
    case ORACLE_EACH: {
      struct visit v = {r, op->c};
      r->status = ivm_each(m, op->a, op->b, record_span, &v);
      break;
    }
    case ORACLE_INTERVALS:
      r->status = ivm_intervals(m, cap ? r->list : NULL, cap, &r->n);
      break;
    case ORACLE_KINDS:
      r->status = IVM_INVAL;
      break;
  }
}

/* ---- Text -------------------------------------------------------------- */

void oracle_format_op(const oracle_op *op, char *buf, size_t len) {
  long long a = op->a, b = op->b, c = op->c;
  switch (op->kind) {
    case ORACLE_RELEASE:
      snprintf(buf, len, "release(%lld, %lld)", a, b);
      break;
    case ORACLE_RESERVE:
      snprintf(buf, len, "reserve(%lld, %lld, flags=%u)", a, b, op->flags);
      break;
    case ORACLE_FIND:
      snprintf(buf, len, "find(p=%lld, len=%lld)", a, b);
      break;
    case ORACLE_FIND_BOUNDED:
      snprintf(buf, len, "find_bounded(p=%lld, len=%lld, not_after=%lld)", a, b,
               c);
      break;
    case ORACLE_ALLOCATE:
      snprintf(buf, len, "allocate(p=%lld, len=%lld)", a, b);
      break;
    case ORACLE_ALLOCATE_BOUNDED:
      snprintf(buf, len, "allocate_bounded(p=%lld, len=%lld, not_after=%lld)",
               a, b, c);
      break;
    case ORACLE_BEST_FIT:
      snprintf(buf, len, "best_fit(len=%lld)", a);
      break;
    case ORACLE_LARGEST:
      snprintf(buf, len, "largest()");
      break;
    case ORACLE_OVERLAPS:
      snprintf(buf, len, "overlaps(%lld, %lld, cap=%zu)", a, b, list_cap(c));
      break;
    case ORACLE_EACH:
      snprintf(buf, len, "each(%lld, %lld, stop_after=%lld)", a, b, c);
      break;
    case ORACLE_INTERVALS:
      snprintf(buf, len, "intervals(cap=%zu)", list_cap(c));
      break;
    case ORACLE_KINDS:
      snprintf(buf, len, "(no operation)");
      break;
  }
}

void oracle_format_result(const oracle_op *op, const oracle_result *r,
                          char *buf, size_t len) {
  int used = snprintf(buf, len, "%s", ivm_errname(r->status));
  size_t at = used > 0 && (size_t)used < len ? (size_t)used : len;
  switch (op->kind) {
    case ORACLE_RELEASE:
    case ORACLE_RESERVE:
      snprintf(buf + at, len - at, " changed=%" PRId64, r->changed);
      break;
    case ORACLE_OVERLAPS:
    case ORACLE_EACH:
    case ORACLE_INTERVALS:
      snprintf(buf + at, len - at, " n=%zu first=[%" PRId64 ",%" PRId64 ")",
               r->n, r->list[0].start, r->list[0].end);
      break;
    default:
      if (r->found)
        snprintf(buf + at, len - at, " found [%" PRId64 ",%" PRId64 ")",
                 r->span.start, r->span.end);
      else
        snprintf(buf + at, len - at, " none");
      break;
  }
}

/* ---- Comparing results ------------------------------------------------- */

static bool differ(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool differ(char *why, size_t why_len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, why_len, fmt, ap);
  va_end(ap);
  return false;
}

bool oracle_same_result(const oracle_op *op, const oracle_result *got,
                        const oracle_result *want, char *why, size_t why_len) {
  char g[160], w[160];
  oracle_format_result(op, got, g, sizeof g);
  oracle_format_result(op, want, w, sizeof w);
  if (got->status != want->status || got->changed != want->changed ||
      got->found != want->found || got->span.start != want->span.start ||
      got->span.end != want->span.end || got->n != want->n)
    return differ(why, why_len, "result %s, the reference gives %s", g, w);
  size_t listed = got->n < ORACLE_LIST_CAP ? got->n : ORACLE_LIST_CAP;
  for (size_t i = 0; i < listed; i++)
    if (got->list[i].start != want->list[i].start ||
        got->list[i].end != want->list[i].end)
      return differ(why, why_len,
                    "listed span %zu is [%" PRId64 ",%" PRId64
                    "), the reference gives [%" PRId64 ",%" PRId64 ")",
                    i, got->list[i].start, got->list[i].end,
                    want->list[i].start, want->list[i].end);
  return true;
}

/* ---- Capturing and comparing state ------------------------------------- */

void oracle_state_init(oracle_state *s) { memset(s, 0, sizeof *s); }

void oracle_state_free(oracle_state *s) {
  free(s->spans);
  oracle_state_init(s);
}

void oracle_capture(const ivm *m, oracle_state *s, bool deep) {
  s->total = ivm_total_free(m);
  s->count = ivm_count(m);
  ivm_stats_get(m, &s->stats);
  s->deep = deep;
  if (!deep) return;
  s->check = ivm_check(m, s->why, sizeof s->why);
  /* The count may be wrong (check() reports that); ask intervals for the
   * true number and grow until everything fits. */
  for (;;) {
    ivm_intervals(m, s->spans, s->cap, &s->n);
    if (s->n <= s->cap) break;
    size_t cap = s->n + s->n / 2 + 16;
    ivm_span *p = realloc(s->spans, cap * sizeof *p);
    if (!p) {
      fprintf(stderr, "oracle: out of memory for %zu spans\n", cap);
      abort();
    }
    s->spans = p;
    s->cap = cap;
  }
}

/* Every statistic, by name. Doubles are compared bit for bit: the contract
 * is that every implementation derives them with the same arithmetic. */
#define ORACLE_STATS_I64(X)                                                \
  X(total_free) X(free_chunks) X(largest_chunk) X(largest_start)           \
  X(smallest_chunk) X(first_free) X(last_free) X(gaps) X(total_space)      \
  X(occupied)
#define ORACLE_STATS_F64(X) \
  X(avg_chunk) X(fragmentation) X(avg_gap) X(utilization) X(free_density)

static bool same_stats(const ivm_stats *got, const ivm_stats *want,
                       const char *whose, char *why, size_t why_len) {
  if (got->has_domain != want->has_domain)
    return differ(why, why_len, "stats.has_domain %d, %s has %d",
                  got->has_domain, whose, want->has_domain);
#define SAME_I64(f)                                                     \
  if (got->f != want->f)                                                \
    return differ(why, why_len,                                         \
                  "stats." #f " %" PRId64 ", %s has %" PRId64, got->f,  \
                  whose, want->f);
  ORACLE_STATS_I64(SAME_I64)
#undef SAME_I64
#define SAME_F64(f)                                                        \
  if (memcmp(&got->f, &want->f, sizeof got->f) != 0)                       \
    return differ(why, why_len, "stats." #f " %.17g, %s has %.17g", got->f, \
                  whose, want->f);
  ORACLE_STATS_F64(SAME_F64)
#undef SAME_F64
  return true;
}

static bool same_state(const oracle_state *got, const oracle_state *want,
                       const char *whose, char *why, size_t why_len) {
  if (got->deep && got->check != IVM_OK)
    return differ(why, why_len, "ivm_check: %s: %s", ivm_errname(got->check),
                  got->why);
  if (got->total != want->total)
    return differ(why, why_len,
                  "total_free %" PRId64 ", %s has %" PRId64, got->total,
                  whose, want->total);
  if (got->count != want->count)
    return differ(why, why_len,
                  "count %" PRId64 ", %s has %" PRId64, got->count, whose,
                  want->count);
  if (!same_stats(&got->stats, &want->stats, whose, why, why_len))
    return false;
  if (!got->deep || !want->deep) return true;
  for (size_t i = 0; i < got->n && i < want->n; i++)
    if (got->spans[i].start != want->spans[i].start ||
        got->spans[i].end != want->spans[i].end)
      return differ(why, why_len,
                    "span %zu is [%" PRId64 ",%" PRId64 "), %s has [%" PRId64
                    ",%" PRId64 ")",
                    i, got->spans[i].start, got->spans[i].end, whose,
                    want->spans[i].start, want->spans[i].end);
  if (got->n != want->n)
    return differ(why, why_len, "%zu spans listed, %s has %zu", got->n, whose,
                  want->n);
  return true;
}

bool oracle_same_state(const oracle_state *got, const oracle_state *want,
                       char *why, size_t why_len) {
  return same_state(got, want, "the reference", why, why_len);
}

bool oracle_unchanged(const oracle_state *after, const oracle_state *before,
                      char *why, size_t why_len) {
  return same_state(after, before, "the state before the call", why, why_len);
}
