/* btree.c - the span B+-tree's mutations: release and reserve on top of
 * insertion with sharing and splitting, and removal with merging and
 * redistribution.
 *
 *                 inner [key 0|400|900, max 80|25|300]
 *                /              |                  \
 *   leaf [0,80) [100,130)   [400,425) [500,510)   [900,1200) ...
 *
 * Invariants kept by every mutation (btree_check.c verifies them):
 * - the spans, read leaf by leaf, are sorted, disjoint and never touch;
 * - key[i] of an inner node is the first start below child i and max[i] the
 *   longest span length below it;
 * - every node but the root is at least half full; a root inner node has at
 *   least two children; all leaves are at the same depth;
 * - unused slots are invisible to the scans of btree_node.h, which read
 *   all 32: INT64_MAX in a leaf's start[] and end[] (an empty span) and in
 *   an inner node's key[], 0 in its max[];
 * - total and count describe the spans; the spare pools hold nspare_* nodes.
 * Occupancy is kept well above the half-full minimum: a full node first
 * shares with a neighbour that has room and splits only when neither has
 * enough, and a node below three quarters merges into one or both
 * neighbours when they fit.
 * Failure atomicity: the only operation that may need new nodes is one that
 * adds a span; it stocks one leaf and one inner node per level (a split can
 * climb to the root and add a new one) before it changes anything. */
#include <string.h>

#include "btree_node.h"

/* One entry of either node kind: a span (a = start, b = end) in a leaf; a
 * child with its key and longest span (a = key, b = max) in an inner node.
 * Rebalancing is written once for both kinds in terms of entries. */
typedef struct entry {
  int64_t a, b;
  void *child;
} entry;

static int cap_of(bool leaf) {
  return leaf ? IVM_BT_LEAF_CAP : IVM_BT_INNER_CAP;
}
static int min_of(bool leaf) {
  return leaf ? IVM_BT_LEAF_MIN : IVM_BT_INNER_MIN;
}
/* A full node shares only with a neighbour that has this much room: sharing
 * with an almost full one leaves both almost full, and the next insert into
 * either pays for another share (a walk, two nodes rewritten and
 * summarized). Splitting instead costs a little occupancy. */
enum { SHARE_ROOM = 4 };
/* Below this a node that lost entries tries to merge with its neighbours. */
static int low_of(bool leaf) { return cap_of(leaf) * 3 / 4; }
static size_t size_of(bool leaf) {
  return leaf ? sizeof(ivm__bt_leaf) : sizeof(ivm__bt_inner);
}

static int node_n(bool leaf, const void *x) {
  return leaf ? ((const ivm__bt_leaf *)x)->n : ((const ivm__bt_inner *)x)->n;
}
/* Marks slots [from, to) of a node unused (see the invariants above). */
static void clear_slots(bool leaf, void *x, int from, int to) {
  for (int i = from; i < to; i++) {
    if (leaf) {
      ((ivm__bt_leaf *)x)->start[i] = INT64_MAX;
      ((ivm__bt_leaf *)x)->end[i] = INT64_MAX;
    } else {
      ((ivm__bt_inner *)x)->key[i] = INT64_MAX;
      ((ivm__bt_inner *)x)->max[i] = 0;
    }
  }
}

/* Sets a node's entry count; the slots given up are marked unused. */
static void set_n(bool leaf, void *x, int n) {
  int *count = leaf ? &((ivm__bt_leaf *)x)->n : &((ivm__bt_inner *)x)->n;
  clear_slots(leaf, x, n, *count);
  *count = n;
}

/* Makes a fresh node empty: no entries, every slot unused (an inner node's
 * extra key slot holds INT64_MAX too). */
static void clear_node(bool leaf, void *x) {
  clear_slots(leaf, x, 0, cap_of(leaf));
  if (leaf) {
    ((ivm__bt_leaf *)x)->n = 0;
    ((ivm__bt_leaf *)x)->max = 0;
  } else {
    ((ivm__bt_inner *)x)->key[IVM_BT_INNER_CAP] = INT64_MAX;
    ((ivm__bt_inner *)x)->n = 0;
  }
}

/* Moves k entries from src[from..] to dst[to..]; the ranges may overlap. */
static void move_entries(bool leaf, void *dst, int to, const void *src,
                         int from, int k) {
  if (k <= 0) return;
  size_t n = (size_t)k;
  if (leaf) {
    ivm__bt_leaf *d = dst;
    const ivm__bt_leaf *s = src;
    memmove(d->start + to, s->start + from, n * sizeof *d->start);
    memmove(d->end + to, s->end + from, n * sizeof *d->end);
  } else {
    ivm__bt_inner *d = dst;
    const ivm__bt_inner *s = src;
    memmove(d->key + to, s->key + from, n * sizeof *d->key);
    memmove(d->max + to, s->max + from, n * sizeof *d->max);
    memmove(d->child + to, s->child + from, n * sizeof *d->child);
  }
}

static void put_entry(bool leaf, void *x, int i, const entry *e) {
  if (leaf) {
    ivm__bt_leaf *l = x;
    l->start[i] = e->a;
    l->end[i] = e->b;
  } else {
    ivm__bt_inner *in = x;
    in->key[i] = e->a;
    in->max[i] = e->b;
    in->child[i] = e->child;
  }
}

/* The entry that stands for the non-empty node x in its parent. */
static entry summarize(ivm__bt *t, bool leaf, void *x) {
  entry e = {.child = x};
  if (leaf) {
    ivm__bt_leaf *l = x;
    e.a = l->start[0];
    e.b = l->max = ivm__bt_leaf_max(l);
    ivm__bt_dir_note(t, l);
  } else {
    const ivm__bt_inner *in = x;
    e.a = in->key[0];
    e.b = ivm__bt_inner_max(in);
  }
  return e;
}

/* Recomputes the entry of child i of an inner node. */
static void refresh(ivm__bt *t, bool leaf, ivm__bt_inner *parent, int i) {
  entry e = summarize(t, leaf, parent->child[i]);
  parent->key[i] = e.a;
  parent->max[i] = e.b;
}

static void insert_with_room(bool leaf, void *x, int i, const entry *e) {
  int n = node_n(leaf, x);
  move_entries(leaf, x, i + 1, x, i, n - i);
  put_entry(leaf, x, i, e);
  set_n(leaf, x, n + 1);
}

/* ---- Spare nodes --------------------------------------------------------- */

/* A node leaves the tree: kept as a spare while the pool is short (one leaf,
 * one inner node per level), freed otherwise. */
static void park(ivm__bt *t, bool leaf, void *x) {
  struct ivm__bt_spare **list = leaf ? &t->spare_leaves : &t->spare_inners;
  size_t *n = leaf ? &t->nspare_leaves : &t->nspare_inners;
  size_t keep = leaf ? 1 : (size_t)t->height;
  if (leaf) {
    t->leaves--;
    /* The directory may still name it: it stays allocated, and never
     * qualifies, until ivm__bt_dir_tend rebuilds the directory. */
    ((ivm__bt_leaf *)x)->start[0] = INT64_MAX;
    if (t->dir) keep = SIZE_MAX;
  } else {
    t->inners--;
  }
  if (*n >= keep) {
    ivm__free(t->owner, x, size_of(leaf));
    return;
  }
  struct ivm__bt_spare *s = x;
  s->next = *list;
  *list = s;
  (*n)++;
}

/* A node joins the tree; stock() made sure there is one. */
static void *unpark(ivm__bt *t, bool leaf) {
  struct ivm__bt_spare **list = leaf ? &t->spare_leaves : &t->spare_inners;
  struct ivm__bt_spare *s = *list;
  *list = s->next;
  if (leaf) {
    t->nspare_leaves--;
    t->leaves++;
  } else {
    t->nspare_inners--;
    t->inners++;
  }
  return s;
}

static int stock_one(ivm__bt *t, bool leaf) {
  void *x = ivm__alloc(t->owner, size_of(leaf));
  if (!x) return IVM_NOMEM;
  struct ivm__bt_spare **list = leaf ? &t->spare_leaves : &t->spare_inners;
  struct ivm__bt_spare *s = x;
  s->next = *list;
  *list = s;
  if (leaf)
    t->nspare_leaves++;
  else
    t->nspare_inners++;
  return IVM_OK;
}

/* Makes sure a span can be added: a split may climb from the leaf to the
 * root and add a new root. Spares already stocked stay when this fails. */
static int stock(ivm__bt *t) {
  while (t->nspare_leaves < 1)
    if (stock_one(t, true) != IVM_OK) return IVM_NOMEM;
  while (t->nspare_inners < (size_t)t->height)
    if (stock_one(t, false) != IVM_OK) return IVM_NOMEM;
  return IVM_OK;
}

/* ---- Lifetime ------------------------------------------------------------ */

int ivm__bt_init(ivm__bt *t, const ivm *owner, ivm__bt_observe_fn observe,
                 void *observe_ud) {
  memset(t, 0, sizeof *t);
  t->owner = owner;
  t->observe = observe;
  t->observe_ud = observe_ud;
  ivm__bt_leaf *root = ivm__alloc(owner, sizeof *root);
  if (!root) return IVM_NOMEM;
  clear_node(true, root);
  t->root = root;
  t->height = 1;
  t->leaves = 1;
  return IVM_OK;
}

static void free_subtree(ivm__bt *t, void *x, int level) {
  bool leaf = level == t->height - 1;
  if (!leaf) {
    ivm__bt_inner *in = x;
    for (int i = 0; i < in->n; i++) free_subtree(t, in->child[i], level + 1);
  }
  ivm__free(t->owner, x, size_of(leaf));
}

static void free_spares(ivm__bt *t, struct ivm__bt_spare *s, bool leaf) {
  while (s) {
    struct ivm__bt_spare *next = s->next;
    ivm__free(t->owner, s, size_of(leaf));
    s = next;
  }
}

void ivm__bt_fini(ivm__bt *t) {
  ivm__bt_dir_fini(t);
  free_subtree(t, t->root, 0);
  free_spares(t, t->spare_leaves, true);
  free_spares(t, t->spare_inners, false);
  memset(t, 0, sizeof *t);
}

/* ---- Keeping the inner entries right ------------------------------------- */

/* The node at `level` of the path now has first start `key` and longest
 * span `max`: writes that into the parent's entry and so on up, stopping at
 * the first entry that comes out unchanged. A parent's maximum is derived
 * from the old and new maximum of the child without rescanning the parent,
 * unless the child held the maximum and shrank. */
static void update_up(ivm__bt_path *p, int level, int64_t key, int64_t max) {
  for (; level > 0; level--) {
    ivm__bt_inner *parent = p->node[level - 1];
    int j = p->idx[level - 1];
    int64_t old = parent->max[j];
    if (parent->key[j] == key && old == max) return;
    parent->key[j] = key;
    parent->max[j] = max;
    if (level == 1) return;
    int64_t had = ((ivm__bt_inner *)p->node[level - 2])->max[p->idx[level - 2]];
    key = parent->key[0];
    if (max < had) max = old < had ? had : ivm__bt_inner_max(parent);
  }
}

/* update_up for a node whose summary must be recomputed from its entries
 * (which also brings a leaf's own maximum up to date). */
static void update_up_scan(ivm__bt *t, ivm__bt_path *p, int level) {
  entry e = summarize(t, level == p->depth, p->node[level]);
  if (level > 0) update_up(p, level, e.a, e.b);
}

/* ---- Growing ------------------------------------------------------------- */

/* x is full and e belongs at pos. y, its left neighbour with room, takes the
 * first entries of x + e so that the two end up balanced. */
static void share_left(bool leaf, void *x, void *y, int pos, const entry *e) {
  int c = cap_of(leaf), yn = node_n(leaf, y);
  int m = (yn + c + 1) / 2 - yn; /* entries of x + e that move, >= 1 */
  if (pos >= m) {
    move_entries(leaf, y, yn, x, 0, m);
    set_n(leaf, y, yn + m);
    move_entries(leaf, x, 0, x, m, c - m);
    set_n(leaf, x, c - m);
    insert_with_room(leaf, x, pos - m, e);
  } else {
    move_entries(leaf, y, yn, x, 0, m - 1);
    set_n(leaf, y, yn + m - 1);
    insert_with_room(leaf, y, yn + pos, e);
    move_entries(leaf, x, 0, x, m - 1, c - m + 1);
    set_n(leaf, x, c - m + 1);
  }
}

/* x is full and e belongs at pos. y, its right neighbour with room or a new
 * empty node, takes the last entries of x + e so the two end up balanced. */
static void share_right(bool leaf, void *x, void *y, int pos, const entry *e) {
  int c = cap_of(leaf), yn = node_n(leaf, y);
  int ny = (yn + c + 1) / 2, nx = yn + c + 1 - ny, m = ny - yn;
  if (pos < nx) {
    move_entries(leaf, y, m, y, 0, yn);
    move_entries(leaf, y, 0, x, c - m, m);
    set_n(leaf, y, ny);
    set_n(leaf, x, c - m);
    insert_with_room(leaf, x, pos, e);
  } else {
    move_entries(leaf, y, m - 1, y, 0, yn);
    move_entries(leaf, y, 0, x, nx, m - 1);
    set_n(leaf, y, yn + m - 1);
    set_n(leaf, x, nx);
    insert_with_room(leaf, y, pos - nx, e);
  }
}

/* The root is full: a new root above it makes room for a split. */
static void grow(ivm__bt *t, ivm__bt_path *p) {
  ivm__bt_inner *root = unpark(t, false);
  entry e = summarize(t, p->depth == 0, t->root);
  clear_node(false, root);
  insert_with_room(false, root, 0, &e);
  memmove(p->node + 1, p->node, (size_t)(p->depth + 1) * sizeof *p->node);
  memmove(p->idx + 1, p->idx, (size_t)p->depth * sizeof *p->idx);
  p->node[0] = root;
  p->idx[0] = 0;
  p->depth++;
  t->root = root;
  t->height++;
}

/* Inserts e at pos into the node at `level` of the path. A full node first
 * shares with a neighbour that has SHARE_ROOM (which keeps nodes well
 * filled) and only splits when neither has; a split inserts the new node
 * into the parent the same way. New nodes come from the stocked spares. */
__attribute__((noinline, cold)) static void insert_entry(ivm__bt *t,
                                                         ivm__bt_path *p,
                                                         int level, int pos,
                                                         entry e) {
  for (;;) {
    bool leaf = level == p->depth;
    void *x = p->node[level];
    int c = cap_of(leaf);
    if (node_n(leaf, x) < c) {
      insert_with_room(leaf, x, pos, &e);
      update_up_scan(t, p, level);
      return;
    }
    if (level == 0) {
      grow(t, p);
      level = 1;
    }
    ivm__bt_inner *parent = p->node[level - 1];
    int j = p->idx[level - 1];
    /* Either neighbour may be read and written below: both are fetched at
     * once rather than one miss after the other. */
    if (j > 0) ivm__bt_prefetch(parent->child[j - 1], 0, size_of(leaf));
    if (j + 1 < parent->n)
      ivm__bt_prefetch(parent->child[j + 1], 0, size_of(leaf));
    if (j > 0 && node_n(leaf, parent->child[j - 1]) <= c - SHARE_ROOM) {
      share_left(leaf, x, parent->child[j - 1], pos, &e);
      refresh(t, leaf, parent, j - 1);
      refresh(t, leaf, parent, j);
      update_up_scan(t, p, level - 1);
      return;
    }
    if (j + 1 < parent->n &&
        node_n(leaf, parent->child[j + 1]) <= c - SHARE_ROOM) {
      share_right(leaf, x, parent->child[j + 1], pos, &e);
      refresh(t, leaf, parent, j);
      refresh(t, leaf, parent, j + 1);
      update_up_scan(t, p, level - 1);
      return;
    }
    void *y = unpark(t, leaf);
    clear_node(leaf, y);
    share_right(leaf, x, y, pos, &e);
    refresh(t, leaf, parent, j);
    e = summarize(t, leaf, y);
    pos = j + 1;
    level--;
  }
}

/* ---- Shrinking ----------------------------------------------------------- */

/* Removes the entry of the emptied child i from parent and parks it. */
static void drop_child(ivm__bt *t, bool leaf, ivm__bt_inner *parent, int i) {
  park(t, leaf, parent->child[i]);
  move_entries(false, parent, i, parent, i + 1, parent->n - i - 1);
  set_n(false, parent, parent->n - 1);
}

/* Appends child i + 1 of parent to child i and drops the emptied node. */
static void merge(ivm__bt *t, bool leaf, ivm__bt_inner *parent, int i) {
  void *a = parent->child[i], *b = parent->child[i + 1];
  int na = node_n(leaf, a), nb = node_n(leaf, b);
  move_entries(leaf, a, na, b, 0, nb);
  set_n(leaf, a, na + nb);
  drop_child(t, leaf, parent, i + 1);
  refresh(t, leaf, parent, i);
}

/* Evens out two neighbours a (left) and b (right). */
static void balance(bool leaf, void *a, void *b) {
  int na = node_n(leaf, a), nb = node_n(leaf, b), half = (na + nb) / 2;
  if (na > half) {
    int k = na - half;
    move_entries(leaf, b, k, b, 0, nb);
    move_entries(leaf, b, 0, a, half, k);
  } else {
    int k = half - na;
    move_entries(leaf, a, na, b, 0, k);
    move_entries(leaf, b, 0, b, k, nb - k);
  }
  set_n(leaf, a, half);
  set_n(leaf, b, na + nb - half);
}

/* Spreads child i of parent over its two neighbours, which have room for
 * all of it together, evens them out and drops the emptied node. */
static void dissolve(ivm__bt *t, bool leaf, ivm__bt_inner *parent, int i) {
  void *l = parent->child[i - 1], *x = parent->child[i];
  void *r = parent->child[i + 1];
  int nl = node_n(leaf, l), n = node_n(leaf, x), nr = node_n(leaf, r);
  int k = n < cap_of(leaf) - nl ? n : cap_of(leaf) - nl; /* to the left */
  move_entries(leaf, l, nl, x, 0, k);
  set_n(leaf, l, nl + k);
  move_entries(leaf, r, n - k, r, 0, nr);
  move_entries(leaf, r, 0, x, k, n - k);
  set_n(leaf, r, nr + n - k);
  balance(leaf, l, r);
  drop_child(t, leaf, parent, i);
  refresh(t, leaf, parent, i - 1);
  refresh(t, leaf, parent, i);
}

/* A root inner node with a single child hands the root to that child. */
static void collapse_root(ivm__bt *t) {
  while (t->height > 1 && ((ivm__bt_inner *)t->root)->n == 1) {
    ivm__bt_inner *old = t->root;
    t->root = old->child[0];
    t->height--;
    park(t, false, old);
  }
}

/* The node at `level` of the path lost entries. Below three quarters full
 * it merges with a neighbour when the two fit in one node, or spreads over
 * both neighbours when the three fit in two; either removes an entry from
 * the parent and continues there. Otherwise, only if it fell below half
 * full, it evens out with the fuller neighbour, whose excess over half keeps
 * both at least half full. So a node stays below three quarters only while
 * its neighbours and it hold more than two nodes' worth, which keeps the
 * average occupancy near two thirds or better even under deletions. */
__attribute__((noinline, cold)) static void shrink(ivm__bt *t, ivm__bt_path *p,
                                                   int level) {
  for (;;) {
    bool leaf = level == p->depth;
    void *x = p->node[level];
    int n = node_n(leaf, x), c = cap_of(leaf);
    if (level == 0) {
      update_up_scan(t, p, 0);
      collapse_root(t);
      return;
    }
    if (n >= low_of(leaf)) {
      update_up_scan(t, p, level);
      return;
    }
    ivm__bt_inner *parent = p->node[level - 1];
    int j = p->idx[level - 1];
    int nl = j > 0 ? node_n(leaf, parent->child[j - 1]) : -1;
    int nr = j + 1 < parent->n ? node_n(leaf, parent->child[j + 1]) : -1;
    if (nl >= 0 && nl + n <= c) {
      merge(t, leaf, parent, j - 1);
    } else if (nr >= 0 && n + nr <= c) {
      merge(t, leaf, parent, j);
    } else if (nl >= 0 && nr >= 0 && nl + n + nr <= 2 * c) {
      dissolve(t, leaf, parent, j);
    } else if (n >= min_of(leaf)) {
      update_up_scan(t, p, level);
      return;
    } else {
      int a = nl >= nr ? j - 1 : j; /* the left one of the pair */
      balance(leaf, parent->child[a], parent->child[a + 1]);
      refresh(t, leaf, parent, a);
      refresh(t, leaf, parent, a + 1);
      update_up_scan(t, p, level - 1);
      return;
    }
    level--;
  }
}

/* ---- Replacing spans ----------------------------------------------------- */

/* The leaf l, edited in place, now has maximum max; its first start was
 * `first`. The parents hear of it only if its summary changed, and only
 * then is a path the directory skipped walked. */
static inline void settle(ivm__bt *t, ivm__bt_path *p, ivm__bt_leaf *l,
                          int64_t first, int64_t max) {
  int64_t had = l->max;
  l->max = max;
  if (l->start[0] == first && max == had) return;
  ivm__bt_walk(t, p);
  if (p->depth > 0) update_up(p, p->depth, l->start[0], max);
}

/* The most common change: span k of the path's leaf takes the bounds of
 * span, staying in its place in the order. Nothing moves in the leaf and
 * nothing is rebalanced; the leaf's maximum follows from the parent's entry
 * unless the longest span shrank. */
static inline void set_one(ivm__bt *t, ivm__bt_path *p, ivm__bt_leaf *l, int k,
                           ivm_span span) {
  int64_t old = l->end[k] - l->start[k], len = span.end - span.start;
  int64_t had = l->max, first = l->start[0];
  if (t->observe) {
    t->observe(t->observe_ud, l->start[k], l->end[k], false);
    t->observe(t->observe_ud, span.start, span.end, true);
  }
  t->total += len - old;
  l->start[k] = span.start;
  l->end[k] = span.end;
  int64_t max = len >= had ? len : old < had ? had : ivm__bt_leaf_max(l);
  settle(t, p, l, first, max);
}

/* Replaces spans [a, b) of the path's leaf by part[0..np), np <= b - a + 1,
 * reports the removed spans and then the new ones, and restores every
 * invariant up to the root. A net gain of one span may split nodes: the
 * caller has stocked the spares. The path is spent afterwards.
 *
 * The common case stays in the leaf: its new maximum follows from the old
 * one (the parent's entry) and the lengths removed and added, and only a
 * removal of the longest span makes the leaf be rescanned. */
static inline __attribute__((always_inline)) void leaf_replace(
    ivm__bt *t, ivm__bt_path *p, ivm__bt_leaf *l, int a, int b,
    const ivm_span *part, int np) {
  if (np == 1 && b == a + 1) {
    set_one(t, p, l, a, part[0]);
    return;
  }
  int64_t removed = 0, added = 0; /* longest span removed / added */
  int64_t had = l->max, first = l->start[0];
  for (int i = a; i < b; i++) {
    int64_t len = l->end[i] - l->start[i];
    t->total -= len;
    removed = ivm__max64(removed, len);
    if (t->observe) t->observe(t->observe_ud, l->start[i], l->end[i], false);
  }
  for (int i = 0; i < np; i++) {
    int64_t len = part[i].end - part[i].start;
    t->total += len;
    added = ivm__max64(added, len);
    if (t->observe) t->observe(t->observe_ud, part[i].start, part[i].end, true);
  }
  t->count += np - (b - a);
  int over = np < b - a ? np : b - a; /* parts written over removed spans */
  for (int i = 0; i < over; i++) {
    l->start[a + i] = part[i].start;
    l->end[a + i] = part[i].end;
  }
  if (np > b - a) {
    entry e = {part[np - 1].start, part[np - 1].end, NULL};
    if (l->n == IVM_BT_LEAF_CAP) {
      ivm__bt_walk(t, p);
      insert_entry(t, p, p->depth, b, e);
      return;
    }
    insert_with_room(true, l, b, &e);
  } else if (np < b - a) {
    move_entries(true, l, a + np, l, b, l->n - b);
    set_n(true, l, l->n - ((b - a) - np));
    if (l->n < low_of(true)) {
      ivm__bt_walk(t, p);
      shrink(t, p, p->depth);
      return;
    }
  }
  int64_t max = removed < had ? ivm__max64(had, added) : ivm__bt_leaf_max(l);
  settle(t, p, l, first, max);
}

/* The parts of the hull [a, b) outside [s, e), which overlaps it. */
static int outer_parts(int64_t a, int64_t b, int64_t s, int64_t e,
                       ivm_span part[2]) {
  int n = 0;
  if (a < s) part[n++] = (ivm_span){a, s};
  if (b > e) part[n++] = (ivm_span){e, b};
  return n;
}

/* Removes every span starting in [lo, hi], leaf by leaf, setting *last_end
 * to the end of the last. Each pass descends afresh because rebalancing may
 * move spans. */
static void remove_range(ivm__bt *t, int64_t lo, int64_t hi,
                         int64_t *last_end) {
  ivm__bt_path p;
  for (;;) {
    ivm__bt_leaf *l = ivm__bt_descend(t, lo, &p);
    int a = ivm__bt_pred(l, lo);
    if (a < 0 || l->start[a] < lo) a++;
    if (a == l->n) {
      if (!ivm__bt_next_leaf(&p)) return;
      l = ivm__bt_path_leaf(&p);
      a = 0;
    }
    int b = a;
    while (b < l->n && l->start[b] <= hi) b++;
    if (b == a) return;
    *last_end = l->end[b - 1];
    bool more = b == l->n;
    leaf_replace(t, &p, l, a, b, NULL, 0);
    if (!more) return;
  }
}

/* Replaces the span starting at key by its parts outside [s, e). Callers
 * know it does not contain [s, e), so at most one part stays: no new node. */
static void trim(ivm__bt *t, int64_t key, int64_t s, int64_t e) {
  ivm__bt_path p;
  ivm__bt_leaf *l = ivm__bt_descend(t, key, &p);
  int k = ivm__bt_pred(l, key);
  ivm_span part[2];
  int np = outer_parts(l->start[k], l->end[k], s, e, part);
  leaf_replace(t, &p, l, k, k + 1, part, np);
}

/* ---- Release and reserve ------------------------------------------------- *
 *
 * What a mutation changed is read off the total, which every span removed
 * and added adjusts: no per-span arithmetic of overlaps. Within a leaf the
 * spans a mutation reaches are counted with the same branch-free search as
 * the descent, not scanned. */

/* Whether the leaf after the path's has a span starting at or before x.
 * Never for a leaf from the directory: it qualified because none has. */
static bool next_starts_by(const ivm__bt_path *p, int64_t x, int64_t *next) {
  return p->depth >= 0 && ivm__bt_next_start(p, next) && *next <= x;
}

/* release() when the spans to merge reach into later leaves: the first of
 * them, starting at `first`, survives widened; the others go. */
static void release_across(ivm__bt *t, int64_t s, int64_t e, int64_t first) {
  int64_t last_end = e;
  remove_range(t, first + 1, e, &last_end);
  ivm__bt_path p;
  ivm__bt_leaf *l = ivm__bt_descend(t, first, &p);
  int k = ivm__bt_pred(l, first);
  ivm_span merged = {ivm__min64(s, first),
                     ivm__max64(ivm__max64(e, last_end), l->end[k])};
  leaf_replace(t, &p, l, k, k + 1, &merged, 1);
}

int ivm__bt_release(ivm__bt *t, int64_t s, int64_t e, int64_t *changed) {
  ivm__bt_path p;
  ivm__bt_leaf *l = ivm__bt_locate(t, s, e, &p);
  t->dir_misses += p.depth >= 0;
  int i = ivm__bt_pred(l, s);
  int64_t before = t->total;
  *changed = 0;
  if (i >= 0 && l->end[i] >= e) return IVM_OK; /* already free */
  /* Spans f..g-1 of this leaf overlap or touch [s, e); so may the first
   * spans of later leaves when g reaches the end of this one. */
  int f = i >= 0 && l->end[i] >= s ? i : i + 1;
  int g = ivm__bt_count_le(l->start, e);
  int64_t next;
  if (g == l->n && next_starts_by(&p, e, &next)) {
    release_across(t, s, e, f < l->n ? l->start[f] : next);
  } else if (f == g) {
    if (stock(t) != IVM_OK) return IVM_NOMEM;
    leaf_replace(t, &p, l, f, f, &(ivm_span){s, e}, 1);
  } else {
    ivm_span merged = {ivm__min64(s, l->start[f]),
                       ivm__max64(e, l->end[g - 1])};
    leaf_replace(t, &p, l, f, g, &merged, 1);
  }
  *changed = t->total - before;
  if (p.depth >= 0) ivm__bt_dir_tend(t);
  return IVM_OK;
}

/* reserve() when the spans to cut reach into later leaves: the first keeps
 * what lies before s, the last what lies after e, and those between go. */
static void reserve_across(ivm__bt *t, int64_t s, int64_t e, int64_t first) {
  ivm__bt_path p;
  ivm__bt_leaf *l = ivm__bt_descend(t, e - 1, &p);
  int64_t last = l->start[ivm__bt_pred(l, e - 1)], unused;
  if (last != first) {
    remove_range(t, first + 1, last - 1, &unused);
    trim(t, last, s, e);
  }
  trim(t, first, s, e);
}

int ivm__bt_reserve(ivm__bt *t, int64_t s, int64_t e, bool strict,
                    int64_t *changed) {
  ivm__bt_path p;
  ivm__bt_leaf *l = ivm__bt_locate(t, s, e, &p);
  t->dir_misses += p.depth >= 0;
  int i = ivm__bt_pred(l, s);
  int64_t before = t->total;
  *changed = 0;
  if (strict && !(i >= 0 && l->end[i] >= e)) return IVM_CONFLICT;
  /* Spans f..g-1 of this leaf overlap [s, e); so may the first spans of
   * later leaves when g reaches the end of this one. */
  int f = i >= 0 && l->end[i] > s ? i : i + 1;
  int g = ivm__bt_count_le(l->start, e - 1);
  int64_t next;
  if (g == l->n && next_starts_by(&p, e - 1, &next)) {
    reserve_across(t, s, e, f < l->n ? l->start[f] : next);
  } else {
    if (f == g) return IVM_OK; /* nothing in [s, e) is free */
    ivm_span part[2];
    int np = outer_parts(l->start[f], l->end[g - 1], s, e, part);
    if (np > g - f && stock(t) != IVM_OK) return IVM_NOMEM;
    leaf_replace(t, &p, l, f, g, part, np);
  }
  *changed = before - t->total;
  if (p.depth >= 0) ivm__bt_dir_tend(t);
  return IVM_OK;
}
