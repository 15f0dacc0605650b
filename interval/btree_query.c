/* btree_query.c - the span B+-tree's queries: first fit, best fit, largest,
 * first and last span, smallest length, iteration, summary and counters.
 *
 * The per-child maxima of the inner nodes are what make searches by length
 * fast: a subtree whose maximum is shorter than the length sought is skipped
 * without being entered, so first fit and largest cost O(log n). Queries
 * only read the tree (see btree.c for its invariants). */
#include <string.h>

#include "btree_node.h"

/* Descends from node[k] of the path to a leaf, taking at every inner node
 * the first child that holds a span of length >= len; the caller has seen
 * in the maxima that node[k] holds one. Returns the leaf. */
static const ivm__bt_leaf *descend_fitting(ivm__bt_path *p, int k,
                                           int64_t len) {
  for (; k < p->depth; k++) {
    const ivm__bt_inner *in = p->node[k];
    int i = 0;
    while (in->max[i] < len) i++;
    p->idx[k] = i;
    p->node[k + 1] = in->child[i];
  }
  return ivm__bt_path_leaf(p);
}

/* Moves the path to the next leaf to the right that holds a span of length
 * >= len, skipping every subtree whose maximum is shorter; NULL if none. */
static const ivm__bt_leaf *next_fitting_leaf(ivm__bt_path *p, int64_t len) {
  for (int k = p->depth - 1; k >= 0; k--) {
    const ivm__bt_inner *in = p->node[k];
    for (int i = p->idx[k] + 1; i < in->n; i++) {
      if (in->max[i] >= len) {
        p->idx[k] = i;
        p->node[k + 1] = in->child[i];
        return descend_fitting(p, k + 1, len);
      }
    }
  }
  return NULL;
}

/* Index of the first span of length >= len at or after from; l->n if none. */
static int first_fitting(const ivm__bt_leaf *l, int from, int64_t len) {
  int i = from;
  while (i < l->n && l->end[i] - l->start[i] < len) i++;
  return i;
}

bool ivm__bt_find(const ivm__bt *t, int64_t p, int64_t len, int64_t not_after,
                  ivm_span *out) {
  ivm__bt_path path;
  const ivm__bt_leaf *l = ivm__bt_locate(t, p, p, &path);
  int i = ivm__bt_pred(l, p);
  int64_t a;
  /* Only the span holding p is used from p on; every later span is used
   * from its start, so there only lengths matter and the maxima apply. */
  if (i >= 0 && l->end[i] > p && l->end[i] - p >= len) {
    a = p;
  } else {
    int k = first_fitting(l, i + 1, len);
    if (k == l->n) {
      ivm__bt_walk(t, &path);
      l = next_fitting_leaf(&path, len);
      if (!l) return false;
      k = first_fitting(l, 0, len);
    }
    a = l->start[k];
  }
  /* a + len lies within the span found, so it cannot overflow. */
  if (a + len > not_after) return false;
  *out = (ivm_span){a, a + len};
  return true;
}

bool ivm__bt_best_fit(const ivm__bt *t, int64_t len, ivm_span *out) {
  ivm__bt_path p;
  const ivm__bt_leaf *l = ivm__bt_descend(t, INT64_MIN, &p);
  int64_t best = 0, best_start = 0;
  bool found = false;
  /* Leaves in order, skipping subtrees without a fit; strict < keeps the
   * lowest start among equals, and an exact fit cannot be beaten. */
  while (l) {
    for (int i = 0; i < l->n; i++) {
      int64_t d = l->end[i] - l->start[i];
      if (d >= len && (!found || d < best)) {
        best = d;
        best_start = l->start[i];
        found = true;
        if (d == len) break;
      }
    }
    if (found && best == len) break;
    l = next_fitting_leaf(&p, len);
  }
  if (!found) return false;
  *out = (ivm_span){best_start, best_start + len};
  return true;
}

bool ivm__bt_largest(const ivm__bt *t, ivm_span *out) {
  if (t->count == 0) return false;
  ivm__bt_path p;
  p.depth = t->height - 1;
  p.node[0] = t->root;
  int64_t m = t->height == 1 ? ivm__bt_leaf_max(t->root)
                             : ivm__bt_inner_max(t->root);
  /* The first child reaching the maximum holds the lowest start among the
   * longest spans. */
  const ivm__bt_leaf *l = descend_fitting(&p, 0, m);
  int k = first_fitting(l, 0, m);
  *out = (ivm_span){l->start[k], l->end[k]};
  return true;
}

bool ivm__bt_first(const ivm__bt *t, ivm_span *out) {
  if (t->count == 0) return false;
  const void *x = t->root;
  for (int k = 1; k < t->height; k++)
    x = ((const ivm__bt_inner *)x)->child[0];
  const ivm__bt_leaf *l = x;
  *out = (ivm_span){l->start[0], l->end[0]};
  return true;
}

bool ivm__bt_last(const ivm__bt *t, ivm_span *out) {
  if (t->count == 0) return false;
  const void *x = t->root;
  for (int k = 1; k < t->height; k++) {
    const ivm__bt_inner *in = x;
    x = in->child[in->n - 1];
  }
  const ivm__bt_leaf *l = x;
  *out = (ivm_span){l->start[l->n - 1], l->end[l->n - 1]};
  return true;
}

int64_t ivm__bt_smallest(const ivm__bt *t, int64_t *how_many) {
  int64_t best = 0, n = 0;
  ivm__bt_path p;
  ivm__bt_descend(t, INT64_MIN, &p);
  do {
    const ivm__bt_leaf *l = ivm__bt_path_leaf(&p);
    for (int i = 0; i < l->n; i++) {
      int64_t d = l->end[i] - l->start[i];
      if (n == 0 || d < best) {
        best = d;
        n = 1;
      } else if (d == best) {
        n++;
      }
    }
  } while (ivm__bt_next_leaf(&p));
  *how_many = n;
  return best;
}

int ivm__bt_each(const ivm__bt *t, int64_t start, int64_t end, ivm_visit_fn fn,
                 void *ud) {
  ivm__bt_path p;
  const ivm__bt_leaf *l = ivm__bt_descend(t, start, &p);
  int i = ivm__bt_pred(l, start);
  int k = i >= 0 && l->end[i] > start ? i : i + 1;
  for (;;) {
    for (; k < l->n; k++) {
      if (l->start[k] >= end) return 0;
      int rc = fn(ud, l->start[k], l->end[k]);
      if (rc) return rc;
    }
    if (!ivm__bt_next_leaf(&p)) return 0;
    l = ivm__bt_path_leaf(&p);
    k = 0;
  }
}

void ivm__bt_summary(const ivm__bt *t, ivm_summary *out) {
  ivm_span s;
  int64_t how_many;
  memset(out, 0, sizeof *out);
  if (t->count == 0) return;
  out->total = t->total;
  out->count = t->count;
  ivm__bt_largest(t, &s);
  out->largest = s.end - s.start;
  out->largest_start = s.start;
  out->smallest = ivm__bt_smallest(t, &how_many);
  ivm__bt_first(t, &s);
  out->first = s.start;
  ivm__bt_last(t, &s);
  out->last = s.end;
}

size_t ivm__bt_counters(const ivm__bt *t, ivm_counter *out, size_t cap) {
  size_t leaves = t->leaves + t->nspare_leaves;
  size_t inners = t->inners + t->nspare_inners;
  size_t dir = t->dir ? ((size_t)t->dir_mask + 1) * sizeof *t->dir : 0;
  size_t bytes = t->owner->ops->instance_size + dir +
                 leaves * sizeof(ivm__bt_leaf) + inners * sizeof(ivm__bt_inner);
  const ivm_counter all[IVM_BT_COUNTERS] = {
      {"nodes", (int64_t)(t->leaves + t->inners)},
      {"leaves", (int64_t)t->leaves},
      {"height", t->height},
      {"bytes", (int64_t)bytes},
      {"fill_percent",
       t->count * 100 / (int64_t)(t->leaves * IVM_BT_LEAF_CAP)},
  };
  for (size_t i = 0; i < IVM_BT_COUNTERS && i < cap; i++) out[i] = all[i];
  return IVM_BT_COUNTERS;
}
