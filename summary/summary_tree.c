/* summary_tree.c - the "summary" interval manager: a balanced search tree of
 * free spans whose nodes cache a summary of their subtree, plus a size index
 * for best fit (representation in summary_index.h, trees in
 * summary_index.c, nodes in summary_pool.c).
 *
 *   instance: total, count
 *             root[ADDR] --> address tree: every span, by start, each node
 *                            with its subtree's {largest, smallest, first,
 *                            last}
 *             root[SIZE] --> size index: the spans by (length, start)...
 *             pending    --> ...but for those created or resized since the
 *                            last best fit
 *
 * Invariants: the address tree's nodes are exactly the free spans in normal
 * form (sorted, disjoint, never touching); total and count are their sum
 * and number; each of them is in the size index or on the pending list.
 *
 * Costs: stats/summary O(1) from the root; find O(log n), skipping every
 * subtree whose largest span is too short; largest O(1); each O(log n + k);
 * best_fit O(log n) plus O(log n) per pending node, O(log n) amortized (see
 * summary_index.c). A mutation that touches k spans costs O((k + 1) log n);
 * a span is removed at most once after it was added and each mutation adds
 * at most one, so that is O(log n) amortized. A mutation needs at most one
 * new node (a release into a gap, a reserve that splits a span) and obtains
 * it before it changes anything, so IVM_NOMEM leaves the manager as it was.
 */
#include <string.h>

#include "summary_index.h"

typedef ivm__summary_tree stree;

enum { LEFT = 0, RIGHT = 1 };

static inline ivm__snode *at(const stree *t, uint32_t i) {
  return ivm__snode_at(&t->pool, i);
}

/* How many points of [start, end) node n holds. */
static int64_t overlap(const ivm__snode *n, int64_t start, int64_t end) {
  int64_t lo = ivm__max64(n->start, start), hi = ivm__min64(n->end, end);
  return lo < hi ? hi - lo : 0;
}

/* Links a new node holding [start, end) into both trees; the caller has
 * reserved it. */
static void add_span(stree *t, int64_t start, int64_t end) {
  uint32_t x = ivm__spool_take(&t->pool);
  ivm__snode *n = at(t, x);
  n->start = start;
  n->end = end;
  ivm__sidx_insert(t, IVM__BY_ADDR, x);
  ivm__sidx_pend(t, x);
  t->count++;
}

static void remove_span(stree *t, uint32_t x) {
  ivm__sidx_erase(t, IVM__BY_ADDR, x);
  ivm__sidx_forget(t, x);
  ivm__spool_put(&t->pool, x);
  t->count--;
}

/* Gives node x the span [start, end), which keeps x's place in the address
 * order. The size index is keyed by length, so x leaves it (by its old key)
 * for the pending list; the address tree keeps x where it is and only
 * re-summarizes its path. */
static void respan(stree *t, uint32_t x, int64_t start, int64_t end) {
  ivm__sidx_resizing(t, x);
  ivm__snode *n = at(t, x);
  n->start = start;
  n->end = end;
  ivm__sidx_refresh(t, x);
}

static int sum_init(ivm *m) {
  (void)m; /* the pool allocates its first slab with the first span */
  return IVM_OK;
}

static void sum_fini(ivm *m) { ivm__spool_fini(&((stree *)m)->pool, m); }

static int sum_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  stree *t = (stree *)m;
  uint32_t pred, succ;
  ivm__sidx_around(t, start, &pred, &succ);
  /* The spans that overlap or touch [start, end) are consecutive; k is the
   * first of them, if any. */
  uint32_t k = 0;
  if (pred != 0 && at(t, pred)->end >= start)
    k = pred;
  else if (succ != 0 && at(t, succ)->start <= end)
    k = succ;
  if (k == 0) {
    if (ivm__spool_reserve(&t->pool, m) != IVM_OK) return IVM_NOMEM;
    add_span(t, start, end);
    *changed = end - start;
    t->total += *changed;
    return IVM_OK;
  }
  /* k absorbs the spans after it that start at or before end; another can
   * follow only while the merged span so far ends before end. */
  ivm__snode *kn = at(t, k);
  int64_t covered = overlap(kn, start, end), last_end = kn->end;
  uint32_t next = 0;
  if (last_end < end) next = k == pred ? succ : ivm__sidx_next(t, kn->start);
  while (next != 0 && at(t, next)->start <= end) {
    const ivm__snode *nn = at(t, next);
    covered += overlap(nn, start, end);
    last_end = nn->end;
    remove_span(t, next);
    next = last_end < end ? ivm__sidx_next(t, kn->start) : 0;
  }
  int64_t merged_start = ivm__min64(start, kn->start);
  int64_t merged_end = ivm__max64(end, last_end);
  if (merged_start != kn->start || merged_end != kn->end)
    respan(t, k, merged_start, merged_end);
  *changed = (end - start) - covered;
  t->total += *changed;
  return IVM_OK;
}

static int sum_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                       int64_t *changed) {
  stree *t = (stree *)m;
  uint32_t pred, succ;
  ivm__sidx_around(t, start, &pred, &succ);
  /* [start, end) is wholly free only inside the span that holds start. */
  if ((flags & IVM_REQUIRE_COVERED) && (pred == 0 || at(t, pred)->end < end))
    return IVM_CONFLICT;
  /* x: the first span that strictly overlaps [start, end), if any. */
  uint32_t x = pred != 0 && at(t, pred)->end > start ? pred : succ;
  int64_t taken = 0;
  if (x != 0 && at(t, x)->start < start && at(t, x)->end > end) {
    /* Strictly inside one span: it splits, and the right remainder needs a
     * node, obtained before anything changes. */
    if (ivm__spool_reserve(&t->pool, m) != IVM_OK) return IVM_NOMEM;
    const ivm__snode *n = at(t, x);
    int64_t right_end = n->end;
    respan(t, x, n->start, start);
    add_span(t, end, right_end);
    taken = end - start;
  } else {
    /* Only the first span can keep a left part and only the last a right
     * part; those in between go. Another span can follow x only when x ends
     * before end. */
    while (x != 0 && at(t, x)->start < end) {
      const ivm__snode *n = at(t, x);
      uint32_t next = 0;
      if (n->end < end) next = x == pred ? succ : ivm__sidx_next(t, n->start);
      taken += overlap(n, start, end);
      if (n->start < start)
        respan(t, x, n->start, start);
      else if (n->end > end)
        respan(t, x, end, n->end);
      else
        remove_span(t, x);
      x = next;
    }
  }
  *changed = taken;
  t->total -= taken;
  return IVM_OK;
}

/* The first fit of len at or after p in the subtree at i, which lies wholly
 * after p and whose largest span is at least len long: the leftmost node
 * long enough, found by following the subtree maxima. */
static uint32_t leftmost_fit(const stree *t, uint32_t i, int64_t len) {
  for (;;) {
    const ivm__snode *n = at(t, i);
    uint32_t l = n->link[IVM__BY_ADDR][LEFT];
    if (at(t, l)->max_len >= len)
      i = l;
    else if (ivm__snode_len(n) >= len)
      return i;
    else
      i = n->link[IVM__BY_ADDR][RIGHT];
  }
}

static bool sum_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                     ivm_span *out) {
  const stree *t = (const stree *)m;
  /* Walk the search path of p. A node at or before p can fit only if it
   * holds p, and then it is the first fit. A node after p is a candidate,
   * with its right subtree, for when nothing in its left subtree fits:
   * stack them, so the deepest (leftmost) is tried first. A subtree whose
   * largest span is shorter than len is skipped whole. */
  uint32_t stack[IVM__MAX_DEPTH];
  int depth = 0;
  int64_t fit = 0;
  bool found = false;
  for (uint32_t i = t->root[IVM__BY_ADDR]; i != 0;) {
    const ivm__snode *n = at(t, i);
    if (n->max_len < len) break;
    if (n->start <= p) {
      if (n->end > p && n->end - p >= len) {
        fit = p;
        found = true;
        break;
      }
      i = n->link[IVM__BY_ADDR][RIGHT];
    } else {
      stack[depth++] = i;
      i = n->link[IVM__BY_ADDR][LEFT];
    }
  }
  while (!found && depth > 0) {
    uint32_t i = stack[--depth];
    const ivm__snode *n = at(t, i);
    uint32_t r = n->link[IVM__BY_ADDR][RIGHT];
    if (ivm__snode_len(n) >= len) {
      fit = n->start;
      found = true;
    } else if (at(t, r)->max_len >= len) {
      fit = at(t, leftmost_fit(t, r, len))->start;
      found = true;
    }
  }
  /* fit + len cannot overflow: the span holding the fit ends at or after
   * it. Only the earliest fit counts, so a late one means none. */
  if (!found || fit + len > not_after) return false;
  *out = (ivm_span){fit, fit + len};
  return true;
}

static bool sum_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  /* The size index catches up with the pending nodes first: an update of
   * internal state that ivm.h allows a query (the instance itself is never
   * a const object). */
  stree *t = (stree *)m;
  ivm__sidx_catch_up(t);
  uint32_t i = ivm__sidx_best_fit(t, len);
  if (i == 0) return false;
  *out = (ivm_span){at(t, i)->start, at(t, i)->start + len};
  return true;
}

static bool sum_largest(const ivm *m, ivm_span *out) {
  const stree *t = (const stree *)m;
  uint32_t root = t->root[IVM__BY_ADDR];
  if (root == 0) return false;
  const ivm__snode *n = at(t, at(t, root)->max_node);
  *out = (ivm_span){n->start, n->end};
  return true;
}

static int64_t sum_total_free(const ivm *m) {
  return ((const stree *)m)->total;
}

static int64_t sum_count(const ivm *m) { return ((const stree *)m)->count; }

static int sum_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                    void *ud) {
  const stree *t = (const stree *)m;
  /* Ends increase with starts, so the spans ending after start are an
   * in-order suffix: seek its first node, stacking the ancestors still to
   * visit, then walk in order until a span starts at or after end. The
   * bounds on depth and on the number of spans only matter for a damaged
   * tree: check() walks it through here and must get an answer, which then
   * disagrees with the count. */
  uint32_t stack[IVM__MAX_DEPTH];
  int depth = 0, level = 0;
  for (uint32_t i = t->root[IVM__BY_ADDR]; i != 0 && level < IVM__MAX_DEPTH;
       level++) {
    const ivm__snode *n = at(t, i);
    if (n->end > start) {
      stack[depth++] = i;
      i = n->link[IVM__BY_ADDR][LEFT];
    } else {
      i = n->link[IVM__BY_ADDR][RIGHT];
    }
  }
  for (int64_t visited = 0; depth > 0 && visited <= t->count; visited++) {
    const ivm__snode *n = at(t, stack[--depth]);
    if (n->start >= end) return 0;
    int rc = fn(ud, n->start, n->end);
    if (rc != 0) return rc;
    for (uint32_t i = n->link[IVM__BY_ADDR][RIGHT];
         i != 0 && depth < IVM__MAX_DEPTH;
         i = at(t, i)->link[IVM__BY_ADDR][LEFT])
      stack[depth++] = i;
  }
  return 0;
}

static void sum_summary(const ivm *m, ivm_summary *out) {
  const stree *t = (const stree *)m;
  memset(out, 0, sizeof *out);
  uint32_t root = t->root[IVM__BY_ADDR];
  if (root == 0) return;
  const ivm__snode *r = at(t, root);
  out->total = t->total;
  out->count = t->count;
  out->largest = r->max_len;
  out->largest_start = at(t, r->max_node)->start;
  out->smallest = r->min_len;
  out->first = at(t, r->first)->start;
  out->last = at(t, r->last)->end;
}

static size_t sum_counters(const ivm *m, ivm_counter *out, size_t cap) {
  const stree *t = (const stree *)m;
  uint32_t root = t->root[IVM__BY_ADDR];
  const ivm_counter all[] = {
      {"nodes", t->count},
      {"height", root != 0 ? at(t, root)->height[IVM__BY_ADDR] : 0},
      {"bytes", (int64_t)(sizeof *t + ivm__spool_bytes(&t->pool))},
  };
  size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n && i < cap; i++) out[i] = all[i];
  return n;
}

static int sum_check(const ivm *m, char *why, size_t why_len) {
  return ivm__sidx_check((const stree *)m, why, why_len);
}

static void sum_dump(const ivm *m, FILE *out) {
  const stree *t = (const stree *)m;
  fprintf(out, "summary: %lld spans, total %lld, %zu bytes\n",
          (long long)t->count, (long long)t->total,
          sizeof *t + ivm__spool_bytes(&t->pool));
  ivm__sidx_dump(t, out);
}

const struct ivm_ops ivm__summary_ops = {
    .name = "summary",
    .description = "AVL tree with cached subtree summaries and a size index",
    .instance_size = sizeof(stree),
    .init = sum_init,
    .fini = sum_fini,
    .release = sum_release,
    .reserve = sum_reserve,
    .find = sum_find,
    .best_fit = sum_best_fit,
    .largest = sum_largest,
    .total_free = sum_total_free,
    .count = sum_count,
    .each = sum_each,
    .summary = sum_summary,
    .counters = sum_counters,
    .check = sum_check,
    .dump = sum_dump,
};
