/* summary_tree.c - the "summary" interval manager: a balanced search tree of
 * free spans whose nodes cache a summary of their subtree, plus a size index
 * for best fit (representation in summary_index.h, trees in
 * summary_index.c, nodes in summary_pool.c).
 *
 *   instance: total, count, first, last, largest
 *             root[ADDR] --> address tree: every span, by start, each node
 *                            with its subtree's {largest, smallest} length
 *             root[SIZE] --> size index: the spans by (length, start)...
 *             pending    --> ...but for those created or resized since the
 *                            last best fit; neither before the first one
 *
 * Invariants: the address tree's nodes are exactly the free spans in normal
 * form (sorted, disjoint, never touching); total and count are their sum
 * and number; once the size index is open, each of them is in it or on the
 * pending list.
 *
 * How a mutation works: one search for its start gives the path to the
 * spans around it (ivm__saddr_seek). Most mutations then change no order:
 * a reserve trims a span at one end, a release extends a neighbour, and a
 * span changes its bounds in place without crossing its neighbours, so only
 * the summaries up that path are recomputed, as far as they change. A split
 * keeps the left part in the node and links the right part where the same
 * path ends; a release that bridges two spans grows the first over the
 * second and then unlinks the second, found one step along the same path.
 * Only a mutation that removes more spans searches again, once for each.
 *
 * Costs: stats/summary O(1) from the root and the instance; find O(log n),
 * skipping every subtree whose largest span is too short; largest O(1);
 * each O(log n + k); best_fit O(log n) plus O(log n) per pending node, and
 * O(n) once to open the size index, O(log n) amortized (see
 * summary_index.c). A mutation that touches k spans costs O((k + 1) log n);
 * a span is removed at most once after it was added and each mutation adds
 * at most one, so that is O(log n) amortized; finding the largest span
 * again when it shrank or went adds one descent. A mutation needs at most
 * one new node (a release into a gap, a reserve that splits a span) and
 * obtains it before it changes anything, so IVM_NOMEM leaves the manager as
 * it was.
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

/* The position on p, the path of key, of the first span starting at or
 * after key, or -1. */
static int from_key(const stree *t, const ivm__spath *p, int64_t key) {
  if (p->pred >= 0 && at(t, p->node[p->pred])->start == key) return p->pred;
  return p->succ;
}

/* Links a new node holding [start, end) where p ends, which is its place in
 * the order; changed_at as for ivm__saddr_link(). The caller has reserved
 * the node. */
static void add_at(stree *t, ivm__spath *p, int64_t start, int64_t end,
                   int changed_at) {
  uint32_t x = ivm__spool_take(&t->pool);
  ivm__snode *n = at(t, x);
  n->start = start;
  n->end = end;
  ivm__saddr_link(t, p, x, changed_at);
  ivm__sidx_pend(t, x);
  t->count++;
}

/* Removes the span p->node[k]. */
static void remove_at(stree *t, ivm__spath *p, int k) {
  uint32_t x = p->node[k];
  ivm__saddr_unlink(t, p, k);
  ivm__sidx_forget(t, x);
  ivm__spool_put(&t->pool, x);
  t->count--;
}

/* Gives node p->node[k] the span [start, end), which keeps its place in the
 * address order. The size index is keyed by length, so the node leaves it
 * (by its old key) for the pending list; the address tree keeps it where it
 * is and only re-summarizes its path. */
static void respan_at(stree *t, const ivm__spath *p, int k, int64_t start,
                      int64_t end) {
  uint32_t x = p->node[k];
  ivm__sidx_resizing(t, x);
  ivm__snode *n = at(t, x);
  int64_t was = ivm__snode_len(n);
  n->start = start;
  n->end = end;
  ivm__saddr_resummarize(t, p, k);
  ivm__saddr_resized(t, x, was);
}

static int sum_init(ivm *m) {
  (void)m; /* the pool allocates its block with the first span */
  return IVM_OK;
}

static void sum_fini(ivm *m) { ivm__spool_fini(&((stree *)m)->pool, m); }

/* Reserves [start, end) from the span p->node[k], which does not stick out
 * of it on both sides: the span keeps its part before start, or its part
 * after end, in place, or goes (and then p is stale). Returns the points
 * taken. */
static int64_t take_at(stree *t, ivm__spath *p, int k, int64_t start,
                       int64_t end) {
  const ivm__snode *n = at(t, p->node[k]);
  int64_t s = n->start, e = n->end, taken = overlap(n, start, end);
  if (s < start)
    respan_at(t, p, k, s, start);
  else if (e > end)
    respan_at(t, p, k, end, e);
  else
    remove_at(t, p, k);
  return taken;
}

/* Reserves [start, end) from every span that starts inside it, each found
 * by a search of its own: what a reserve across many spans has left to do
 * once the spans it could reach along its first path are done. */
static int64_t take_from(stree *t, int64_t start, int64_t end) {
  int64_t taken = 0;
  for (;;) {
    ivm__spath p;
    ivm__saddr_seek(t, start, &p);
    int k = from_key(t, &p, start);
    if (k < 0 || at(t, p.node[k])->start >= end) return taken;
    taken += take_at(t, &p, k, start, end);
  }
}

/* Releases [start, end) into p->node[k], the first span that overlaps or
 * touches it: that span grows over it and over the spans after it that
 * start at or before end, which go. Usually there is none, or only the
 * next span, whose position one step along the path gives. Returns the
 * points that were already free. */
static int64_t grow(stree *t, ivm__spath *p, int k, int64_t start,
                    int64_t end) {
  const ivm__snode *x = at(t, p->node[k]);
  int64_t xs = x->start, lo = ivm__min64(start, xs);
  int64_t last = x->end, covered = overlap(x, start, end);
  int j = last < end ? ivm__saddr_step(t, p, k) : -1;
  if (j < 0 || at(t, p->node[j])->start > end) {
    if (lo != xs || end > last) respan_at(t, p, k, lo, ivm__max64(end, last));
    return covered;
  }
  const ivm__snode *y = at(t, p->node[j]);
  covered += overlap(y, start, end);
  last = y->end;
  if (last >= end) {
    /* Only y: x grows over it in place first (the starts keep their
     * order), so that the path still leads to y, which then goes. */
    respan_at(t, p, k, lo, last);
    remove_at(t, p, j);
    return covered;
  }
  /* More may follow y: each is found by a search from the end so far. */
  remove_at(t, p, j);
  while (last < end) {
    ivm__saddr_seek(t, last, p);
    if (p->succ < 0 || at(t, p->node[p->succ])->start > end) break;
    const ivm__snode *z = at(t, p->node[p->succ]);
    covered += overlap(z, start, end);
    last = z->end;
    remove_at(t, p, p->succ);
  }
  ivm__saddr_seek(t, xs, p);
  respan_at(t, p, p->pred, lo, ivm__max64(end, last));
  return covered;
}

static int sum_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  stree *t = (stree *)m;
  ivm__spath p;
  ivm__saddr_seek(t, start, &p);
  /* The spans that overlap or touch [start, end) are consecutive; k is the
   * position of the first of them, if any. */
  int k = -1;
  if (p.pred >= 0 && at(t, p.node[p.pred])->end >= start)
    k = p.pred;
  else if (p.succ >= 0 && at(t, p.node[p.succ])->start <= end)
    k = p.succ;
  if (k >= 0) {
    *changed = (end - start) - grow(t, &p, k, start, end);
  } else {
    if (ivm__spool_reserve(&t->pool, m) != IVM_OK) return IVM_NOMEM;
    add_at(t, &p, start, end, p.depth);
    *changed = end - start;
  }
  ivm__saddr_settle(t);
  t->total += *changed;
  return IVM_OK;
}

/* Reserves [start, end) from p->node[k], the first span that strictly
 * overlaps it, and from the spans after it, when it does not hold [start,
 * end) strictly inside. Returns the points taken. */
static int64_t shrink(stree *t, ivm__spath *p, int k, int64_t start,
                      int64_t end) {
  const ivm__snode *x = at(t, p->node[k]);
  if (x->end >= end) return take_at(t, p, k, start, end);
  /* x ends inside [start, end), so it keeps at most its part before start,
   * and the span after it, one step along the path, may overlap too. Spans
   * that keep a part change in place first; then the first to go can use
   * the path, and any further span is found by a search. */
  int j = ivm__saddr_step(t, p, k);
  if (j >= 0 && at(t, p->node[j])->start >= end) j = -1;
  bool x_goes = x->start >= start;
  bool y_goes = j >= 0 && at(t, p->node[j])->end <= end;
  bool more = y_goes && at(t, p->node[j])->end < end;
  int64_t taken = 0;
  if (!x_goes) taken += take_at(t, p, k, start, end);
  if (j >= 0 && !y_goes) taken += take_at(t, p, j, start, end);
  if (x_goes) {
    taken += take_at(t, p, k, start, end);
    more = y_goes;
  } else if (y_goes) {
    taken += take_at(t, p, j, start, end);
  }
  if (more) taken += take_from(t, start, end);
  return taken;
}

static int sum_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                       int64_t *changed) {
  stree *t = (stree *)m;
  ivm__spath p;
  ivm__saddr_seek(t, start, &p);
  const ivm__snode *pred = p.pred >= 0 ? at(t, p.node[p.pred]) : NULL;
  /* [start, end) is wholly free only inside the span that holds start. */
  if ((flags & IVM_REQUIRE_COVERED) && (pred == NULL || pred->end < end))
    return IVM_CONFLICT;
  /* k: the position of the first span that strictly overlaps [start, end),
   * if any. */
  int k = pred != NULL && pred->end > start ? p.pred : p.succ;
  if (k >= 0 && at(t, p.node[k])->start >= end) k = -1;
  int64_t taken = 0;
  if (k >= 0 && at(t, p.node[k])->start < start &&
      at(t, p.node[k])->end > end) {
    /* Strictly inside one span: it keeps the left part in place and the
     * right remainder gets a node, obtained before anything changes, linked
     * right after it: no start lies between its start and end, so the path
     * of start is also where end belongs. */
    if (ivm__spool_reserve(&t->pool, m) != IVM_OK) return IVM_NOMEM;
    ivm__snode *x = at(t, p.node[k]);
    int64_t right_end = x->end, was = ivm__snode_len(x);
    ivm__sidx_resizing(t, p.node[k]);
    x->end = start;
    ivm__saddr_resized(t, p.node[k], was);
    add_at(t, &p, end, right_end, k);
    taken = end - start;
  } else if (k >= 0) {
    taken = shrink(t, &p, k, start, end);
  }
  ivm__saddr_settle(t);
  *changed = taken;
  t->total -= taken;
  return IVM_OK;
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
  uint32_t i = t->root[IVM__BY_ADDR];
  const ivm__snode *n = i != 0 ? at(t, i) : NULL;
  while (i != 0 && n->max_len >= len) {
    /* Branch-free but for the two exits, as in ivm__saddr_seek(): every
     * node is stacked, and kept there only when it lies after p. */
    int64_t s = n->start, e = n->end;
    int right = s <= p;
    /* Clipped to the span, the difference cannot overflow. */
    if (right & (e - ivm__min64(ivm__max64(s, p), e) >= len)) {
      fit = p;
      found = true;
      break;
    }
    uint32_t l = n->link[LEFT], r = n->link[RIGHT];
    uintptr_t ln = (uintptr_t)at(t, l), rn = (uintptr_t)at(t, r);
    stack[depth] = i;
    depth += !right;
    i = right ? r : l;
    n = (const ivm__snode *)ivm__sdescend(s, p, ln, rn);
  }
  while (!found && depth > 0) {
    const ivm__snode *c = at(t, stack[--depth]);
    uint32_t r = c->link[RIGHT];
    if (ivm__snode_len(c) >= len) {
      fit = c->start;
      found = true;
    } else if (at(t, r)->max_len >= len) {
      fit = at(t, ivm__saddr_leftmost_fit(t, r, len))->start;
      found = true;
    }
  }
  /* fit + len cannot overflow: the span holding the fit ends at or after
   * it. Only the earliest fit counts, so a late one means none. */
  if (!found || fit + len > not_after) return false;
  *out = (ivm_span){fit, fit + len};
  return true;
}

/* Best fit without the size index: the spans in order, skipping every
 * subtree whose largest span is too short, the first of the shortest that
 * fit winning. O(n); only for when the size index cannot get its links. */
static uint32_t best_fit_by_walk(const stree *t, int64_t len) {
  uint32_t stack[IVM__MAX_DEPTH], best = 0;
  int depth = 0;
  int64_t best_len = 0;
  for (uint32_t i = t->root[IVM__BY_ADDR];;) {
    for (; i != 0 && at(t, i)->max_len >= len; i = at(t, i)->link[LEFT])
      stack[depth++] = i;
    if (depth == 0) return best;
    i = stack[--depth];
    int64_t l = ivm__snode_len(at(t, i));
    if (l >= len && (best == 0 || l < best_len)) {
      best = i;
      best_len = l;
      if (l == len) return best;
    }
    i = at(t, i)->link[RIGHT];
  }
}

static bool sum_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  /* The size index opens with the first best fit and catches up with the
   * pending nodes at every one: updates of internal state that ivm.h
   * allows a query (the instance itself is never a const object). */
  stree *t = (stree *)m;
  uint32_t i;
  if (ivm__sidx_open(t) == IVM_OK) {
    ivm__sidx_catch_up(t);
    i = ivm__sidx_best_fit(t, len);
  } else {
    i = best_fit_by_walk(t, len);
  }
  if (i == 0) return false;
  *out = (ivm_span){at(t, i)->start, at(t, i)->start + len};
  return true;
}

static bool sum_largest(const ivm *m, ivm_span *out) {
  const stree *t = (const stree *)m;
  uint32_t root = t->root[IVM__BY_ADDR];
  if (root == 0) return false;
  const ivm__snode *n = at(t, t->largest);
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
      i = n->link[LEFT];
    } else {
      i = n->link[RIGHT];
    }
  }
  for (int64_t visited = 0; depth > 0 && visited <= t->count; visited++) {
    const ivm__snode *n = at(t, stack[--depth]);
    if (n->start >= end) return 0;
    int rc = fn(ud, n->start, n->end);
    if (rc != 0) return rc;
    for (uint32_t i = n->link[RIGHT]; i != 0 && depth < IVM__MAX_DEPTH;
         i = at(t, i)->link[LEFT])
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
  out->largest_start = at(t, t->largest)->start;
  out->smallest = r->min_len;
  out->first = at(t, t->first)->start;
  out->last = at(t, t->last)->end;
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
