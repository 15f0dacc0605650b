/* summary_index.c - the summary tree's two intrusive AVL trees over the same
 * nodes: the address tree, whose every node caches a summary of its subtree,
 * and the size index, ordered by (length, start), that answers best fit,
 * with the pending list of nodes the size index has yet to catch up with.
 *
 *   address tree, by start; each node shows its span, its height and its
 *   subtree's summary {largest length@its start, smallest length,
 *   first start..last end}:
 *
 *                   [40,90) h3 {50@40, 5, 0..205}
 *                  /                             \
 *   [0,10) h1 {10@0, 10, 0..10}        [100,130) h2 {30@100, 5, 100..205}
 *                                                    \
 *                                      [200,205) h1 {5@200, 5, 200..205}
 *
 *   size index, by (length, start), over the same nodes, when none is
 *   pending:
 *
 *                   [0,10) h3
 *                  /          \
 *         [200,205) h1      [100,130) h2
 *                                  \
 *                                 [40,90) h1
 *
 *   after release(200, 210) and reserve(0, 3), say:
 *
 *         size index [100,130) h2      pending -> [3,10) <-> [200,210)
 *                            \
 *                           [40,90) h1
 *
 * Why AVL: searches dominate (every mutation begins with one, find and
 * best_fit are nothing else), and an AVL tree is at most 1.44 log2 n high
 * where a red-black tree may reach 2 log2 n; its height fits in a byte the
 * 64-byte node has spare, and it is deterministic.
 *
 * Invariants, per tree: keys strictly increase in order (starts are distinct,
 * so (length, start) is too); every node's height is one more than its
 * taller child's, and its children's heights differ by at most one. In the
 * address tree every node's summary is what summarize() computes from its
 * span and its children's summaries. The size index and the pending list
 * together link exactly the nodes of the address tree, each once.
 *
 * Why the size index lags: keeping it exact costs two or three searches by
 * (length, start) in a tree as large as the address tree on nearly every
 * mutation (a split changes one length and adds another), each touching
 * cache lines nothing else touches; that more than doubled the time of a
 * release/reserve/find mix. Only best fit reads the index, so a mutation now
 * puts the nodes whose length it changes on the pending list, in O(1), and
 * best fit indexes them first. Each pending entry is paid once, by the
 * mutation that made it, and a node changed again before best fit looks is
 * indexed once, not twice, so the work never exceeds the eager index's:
 * best fit costs O(log n) plus O(log n) per entry pending, O(log n)
 * amortized per operation, and a workload without best fit pays nothing.
 *
 * Summaries follow the Linux rbtree_augmented.h pattern: summarize() is the
 * one function that computes them; a rotation re-summarizes the two nodes it
 * moves, bottom one first; and a change propagates towards the root only
 * while it alters a subtree's height or summary. No parent links: a mutation
 * records its root-to-node path on the way down and repairs it bottom-up. */
#include "summary_index.h"

enum { LEFT = 0, RIGHT = 1 };

/* What summarize() computes; the fields of the same names in ivm__snode. */
typedef struct summary {
  int64_t max_len, min_len;
  uint32_t max_node, first, last;
} summary;

/* A root-to-node path: node[k + 1] is node[k]'s child on side dir[k]. */
typedef struct path {
  uint32_t node[IVM__MAX_DEPTH];
  uint8_t dir[IVM__MAX_DEPTH];
  int depth;
} path;

static inline ivm__snode *at(const ivm__summary_tree *t, uint32_t i) {
  return ivm__snode_at(&t->pool, i);
}

/* True when x sorts after y in the given tree. */
static bool after(const ivm__summary_tree *t, int tree, uint32_t x,
                  uint32_t y) {
  const ivm__snode *a = at(t, x), *b = at(t, y);
  if (tree == IVM__BY_SIZE && ivm__snode_len(a) != ivm__snode_len(b))
    return ivm__snode_len(a) > ivm__snode_len(b);
  return a->start > b->start;
}

/* The one function that computes a node's summary, from its span and its
 * children's summaries (nil's is neutral). The left subtree's spans start
 * before this one and the right's after, so "lowest start among equal
 * lengths" is decided by position: left, then the node, then right. */
static void summarize(const ivm__summary_tree *t, uint32_t i, summary *s) {
  const ivm__snode *n = at(t, i);
  const ivm__snode *l = at(t, n->link[IVM__BY_ADDR][LEFT]);
  const ivm__snode *r = at(t, n->link[IVM__BY_ADDR][RIGHT]);
  int64_t len = ivm__snode_len(n);
  s->max_len = l->max_len;
  s->max_node = l->max_node;
  if (len > s->max_len) {
    s->max_len = len;
    s->max_node = i;
  }
  if (r->max_len > s->max_len) {
    s->max_len = r->max_len;
    s->max_node = r->max_node;
  }
  s->min_len = ivm__min64(ivm__min64(l->min_len, len), r->min_len);
  s->first = n->link[IVM__BY_ADDR][LEFT] ? l->first : i;
  s->last = n->link[IVM__BY_ADDR][RIGHT] ? r->last : i;
}

static void summary_of(const ivm__snode *n, summary *s) {
  *s = (summary){n->max_len, n->min_len, n->max_node, n->first, n->last};
}

static bool same_summary(const summary *a, const summary *b) {
  return a->max_len == b->max_len && a->min_len == b->min_len &&
         a->max_node == b->max_node && a->first == b->first &&
         a->last == b->last;
}

/* Stores summarize(i); true when that changed the stored summary. */
static bool resummarize(ivm__summary_tree *t, uint32_t i) {
  summary now, was;
  ivm__snode *n = at(t, i);
  summarize(t, i, &now);
  summary_of(n, &was);
  n->max_len = now.max_len;
  n->min_len = now.min_len;
  n->max_node = now.max_node;
  n->first = now.first;
  n->last = now.last;
  return !same_summary(&now, &was);
}

/* Recomputes i's height (and, in the address tree, its summary) from its
 * children. */
static void update(ivm__summary_tree *t, int tree, uint32_t i) {
  ivm__snode *n = at(t, i);
  uint8_t hl = at(t, n->link[tree][LEFT])->height[tree];
  uint8_t hr = at(t, n->link[tree][RIGHT])->height[tree];
  n->height[tree] = (uint8_t)(1 + (hl > hr ? hl : hr));
  if (tree == IVM__BY_ADDR) resummarize(t, i);
}

/* Moves i down to side dir; its child on the other side takes its place and
 * is returned. */
static uint32_t rotate(ivm__summary_tree *t, int tree, uint32_t i, int dir) {
  ivm__snode *n = at(t, i);
  uint32_t c = n->link[tree][!dir];
  ivm__snode *cn = at(t, c);
  n->link[tree][!dir] = cn->link[tree][dir];
  cn->link[tree][dir] = i;
  update(t, tree, i);
  update(t, tree, c);
  return c;
}

/* Restores the AVL balance at i, whose subtrees are balanced and differ in
 * height by at most two, and updates it; returns the subtree's new root. */
static uint32_t rebalance(ivm__summary_tree *t, int tree, uint32_t i) {
  ivm__snode *n = at(t, i);
  int hl = at(t, n->link[tree][LEFT])->height[tree];
  int hr = at(t, n->link[tree][RIGHT])->height[tree];
  if (hl - hr >= -1 && hl - hr <= 1) {
    update(t, tree, i);
    return i;
  }
  int heavy = hl > hr ? LEFT : RIGHT;
  uint32_t c = n->link[tree][heavy];
  const ivm__snode *cn = at(t, c);
  /* An inner grandchild taller than the outer one needs a double rotation. */
  if (at(t, cn->link[tree][!heavy])->height[tree] >
      at(t, cn->link[tree][heavy])->height[tree])
    n->link[tree][heavy] = rotate(t, tree, c, heavy);
  return rotate(t, tree, i, !heavy);
}

/* Makes child the subtree at p->node[k]'s place: the root when k == 0. */
static void set_child(ivm__summary_tree *t, int tree, const path *p, int k,
                      uint32_t child) {
  if (k == 0)
    t->root[tree] = child;
  else
    at(t, p->node[k - 1])->link[tree][p->dir[k - 1]] = child;
}

/* Rebalances and updates the subtrees on p, deepest first. From index
 * stop_from upwards it stops at the first subtree whose height and summary
 * came out as they were: nothing above can have changed. */
static void fixup(ivm__summary_tree *t, int tree, const path *p,
                  int stop_from) {
  for (int k = p->depth - 1; k >= 0; k--) {
    uint32_t i = p->node[k];
    summary was;
    summary_of(at(t, i), &was);
    uint8_t was_height = at(t, i)->height[tree];
    uint32_t r = rebalance(t, tree, i);
    if (r != i) set_child(t, tree, p, k, r);
    if (k > stop_from) continue;
    if (at(t, r)->height[tree] != was_height) continue;
    summary now;
    summary_of(at(t, r), &now);
    if (tree == IVM__BY_SIZE || same_summary(&now, &was)) return;
  }
}

static void push(path *p, uint32_t i, int dir) {
  p->node[p->depth] = i;
  p->dir[p->depth] = (uint8_t)dir;
  p->depth++;
}

void ivm__sidx_insert(ivm__summary_tree *t, int tree, uint32_t x) {
  ivm__snode *xn = at(t, x);
  xn->link[tree][LEFT] = xn->link[tree][RIGHT] = 0;
  xn->height[tree] = 1;
  if (tree == IVM__BY_ADDR) resummarize(t, x);
  path p = {.depth = 0};
  for (uint32_t i = t->root[tree]; i != 0;) {
    int dir = after(t, tree, x, i) ? RIGHT : LEFT;
    push(&p, i, dir);
    i = at(t, i)->link[tree][dir];
  }
  set_child(t, tree, &p, p.depth, x);
  fixup(t, tree, &p, p.depth - 1);
}

void ivm__sidx_erase(ivm__summary_tree *t, int tree, uint32_t x) {
  path p = {.depth = 0};
  for (uint32_t i = t->root[tree]; i != x;) {
    int dir = after(t, tree, x, i) ? RIGHT : LEFT;
    push(&p, i, dir);
    i = at(t, i)->link[tree][dir];
  }
  ivm__snode *xn = at(t, x);
  uint32_t l = xn->link[tree][LEFT], r = xn->link[tree][RIGHT];
  if (l == 0 || r == 0) {
    set_child(t, tree, &p, p.depth, l ? l : r);
    fixup(t, tree, &p, p.depth - 1);
    return;
  }
  /* Two children: x's successor s leaves its place (it has no left child)
   * and takes x's, with x's links, height and summary, so the path can be
   * repaired as if x's subtree had lost s. s's summary must then be
   * recomputed whatever happens below it, hence the stop from k. */
  int k = p.depth;
  push(&p, x, RIGHT);
  uint32_t s = r;
  while (at(t, s)->link[tree][LEFT] != 0) {
    push(&p, s, LEFT);
    s = at(t, s)->link[tree][LEFT];
  }
  ivm__snode *sn = at(t, s);
  at(t, p.node[p.depth - 1])->link[tree][p.dir[p.depth - 1]] =
      sn->link[tree][RIGHT];
  sn->link[tree][LEFT] = xn->link[tree][LEFT];
  sn->link[tree][RIGHT] = xn->link[tree][RIGHT];
  sn->height[tree] = xn->height[tree];
  if (tree == IVM__BY_ADDR) {
    sn->max_len = xn->max_len;
    sn->min_len = xn->min_len;
    sn->max_node = xn->max_node;
    sn->first = xn->first;
    sn->last = xn->last;
  }
  set_child(t, tree, &p, k, s);
  p.node[k] = s;
  fixup(t, tree, &p, k);
}

/* ---- The pending list ------------------------------------------------- */

static uint32_t *next_of(const ivm__summary_tree *t, uint32_t i) {
  return &at(t, i)->link[IVM__BY_SIZE][0];
}
static uint32_t *prev_of(const ivm__summary_tree *t, uint32_t i) {
  return &at(t, i)->link[IVM__BY_SIZE][1];
}

void ivm__sidx_pend(ivm__summary_tree *t, uint32_t x) {
  at(t, x)->height[IVM__BY_SIZE] = 0;
  *next_of(t, x) = t->pending;
  *prev_of(t, x) = 0;
  if (t->pending != 0) *prev_of(t, t->pending) = x;
  t->pending = x;
}

void ivm__sidx_resizing(ivm__summary_tree *t, uint32_t x) {
  if (at(t, x)->height[IVM__BY_SIZE] == 0) return;
  ivm__sidx_erase(t, IVM__BY_SIZE, x);
  ivm__sidx_pend(t, x);
}

void ivm__sidx_forget(ivm__summary_tree *t, uint32_t x) {
  if (at(t, x)->height[IVM__BY_SIZE] != 0) {
    ivm__sidx_erase(t, IVM__BY_SIZE, x);
    return;
  }
  uint32_t next = *next_of(t, x), prev = *prev_of(t, x);
  if (prev != 0)
    *next_of(t, prev) = next;
  else
    t->pending = next;
  if (next != 0) *prev_of(t, next) = prev;
}

void ivm__sidx_catch_up(ivm__summary_tree *t) {
  while (t->pending != 0) {
    uint32_t x = t->pending;
    t->pending = *next_of(t, x);
    ivm__sidx_insert(t, IVM__BY_SIZE, x);
  }
}

void ivm__sidx_refresh(ivm__summary_tree *t, uint32_t x) {
  uint32_t trail[IVM__MAX_DEPTH];
  int depth = 0;
  int64_t key = at(t, x)->start;
  for (uint32_t i = t->root[IVM__BY_ADDR];;) {
    trail[depth++] = i;
    if (i == x) break;
    i = at(t, i)->link[IVM__BY_ADDR][key > at(t, i)->start ? RIGHT : LEFT];
  }
  for (int k = depth - 1; k >= 0; k--)
    if (!resummarize(t, trail[k])) break;
}

void ivm__sidx_around(const ivm__summary_tree *t, int64_t key, uint32_t *pred,
                      uint32_t *succ) {
  uint32_t lo = 0, hi = 0;
  for (uint32_t i = t->root[IVM__BY_ADDR]; i != 0;) {
    const ivm__snode *n = at(t, i);
    if (n->start <= key) {
      lo = i;
      i = n->link[IVM__BY_ADDR][RIGHT];
    } else {
      hi = i;
      i = n->link[IVM__BY_ADDR][LEFT];
    }
  }
  *pred = lo;
  *succ = hi;
}

uint32_t ivm__sidx_next(const ivm__summary_tree *t, int64_t key) {
  uint32_t hi = 0;
  for (uint32_t i = t->root[IVM__BY_ADDR]; i != 0;) {
    const ivm__snode *n = at(t, i);
    if (n->start <= key) {
      i = n->link[IVM__BY_ADDR][RIGHT];
    } else {
      hi = i;
      i = n->link[IVM__BY_ADDR][LEFT];
    }
  }
  return hi;
}

uint32_t ivm__sidx_best_fit(const ivm__summary_tree *t, int64_t len) {
  uint32_t best = 0;
  for (uint32_t i = t->root[IVM__BY_SIZE]; i != 0;) {
    const ivm__snode *n = at(t, i);
    if (ivm__snode_len(n) >= len) {
      best = i;
      i = n->link[IVM__BY_SIZE][LEFT];
    } else {
      i = n->link[IVM__BY_SIZE][RIGHT];
    }
  }
  return best;
}

/* ---- check() ----------------------------------------------------------- */

typedef struct walk {
  const ivm__summary_tree *t;
  int tree;
  uint32_t prev; /* the previous node in order, 0 before the first */
  int64_t nodes;
  char *why;
  size_t why_len;
} walk;

static const char *const tree_names[2] = {"address tree", "size index"};

/* The node the address tree holds at start, or 0. */
static uint32_t find_start(const ivm__summary_tree *t, int64_t start) {
  uint32_t pred, succ;
  ivm__sidx_around(t, start, &pred, &succ);
  return pred != 0 && at(t, pred)->start == start ? pred : 0;
}

/* Checks the subtree at i in order and sets *height to its height. */
static int check_subtree(walk *w, uint32_t i, int depth, int *height) {
  const ivm__summary_tree *t = w->t;
  const char *name = tree_names[w->tree];
  *height = 0;
  if (i == 0) return IVM_OK;
  if (depth >= IVM__MAX_DEPTH)
    return ivm__fail(w->why, w->why_len,
                     "%s deeper than %d: a cycle or lost balance", name,
                     IVM__MAX_DEPTH);
  if (i >= t->pool.used)
    return ivm__fail(w->why, w->why_len, "%s links index %u of %u handed out",
                     name, i, t->pool.used);
  const ivm__snode *n = at(t, i);
  int hl, hr;
  int rc = check_subtree(w, n->link[w->tree][LEFT], depth + 1, &hl);
  if (rc != IVM_OK) return rc;
  if (w->prev != 0 && !after(t, w->tree, i, w->prev))
    return ivm__fail(
        w->why, w->why_len, "%s: [%lld,%lld) is not ordered after [%lld,%lld)",
        name, (long long)n->start, (long long)n->end,
        (long long)at(t, w->prev)->start, (long long)at(t, w->prev)->end);
  w->prev = i;
  w->nodes++;
  if (w->tree == IVM__BY_SIZE && find_start(t, n->start) != i)
    return ivm__fail(
        w->why, w->why_len,
        "size index node %u [%lld,%lld) is not in the address tree", i,
        (long long)n->start, (long long)n->end);
  rc = check_subtree(w, n->link[w->tree][RIGHT], depth + 1, &hr);
  if (rc != IVM_OK) return rc;
  if (hl - hr > 1 || hr - hl > 1)
    return ivm__fail(w->why, w->why_len,
                     "%s unbalanced at [%lld,%lld): children %d and %d high",
                     name, (long long)n->start, (long long)n->end, hl, hr);
  *height = 1 + (hl > hr ? hl : hr);
  if (n->height[w->tree] != *height)
    return ivm__fail(w->why, w->why_len,
                     "%s: [%lld,%lld) records height %d, is %d high", name,
                     (long long)n->start, (long long)n->end, n->height[w->tree],
                     *height);
  if (w->tree == IVM__BY_ADDR) {
    summary want, got;
    summarize(t, i, &want);
    summary_of(n, &got);
    if (!same_summary(&got, &want))
      return ivm__fail(
          w->why, w->why_len,
          "[%lld,%lld) caches {largest %lld at node %u, smallest %lld, first "
          "node %u, last node %u} but its children give {%lld at %u, %lld, "
          "%u, %u}",
          (long long)n->start, (long long)n->end, (long long)got.max_len,
          got.max_node, (long long)got.min_len, got.first, got.last,
          (long long)want.max_len, want.max_node, (long long)want.min_len,
          want.first, want.last);
  }
  return IVM_OK;
}

/* The pending list: live nodes of the address tree, marked pending, each
 * linked back to its predecessor (which also rules out a cycle), at most
 * count of them. */
static int check_pending(const ivm__summary_tree *t, int64_t *n, char *why,
                         size_t why_len) {
  uint32_t prev = 0;
  *n = 0;
  for (uint32_t i = t->pending; i != 0; prev = i, i = *next_of(t, i)) {
    if (i >= t->pool.used || ++*n > t->count)
      return ivm__fail(why, why_len,
                       "pending list reaches index %u after %lld nodes", i,
                       (long long)*n);
    const ivm__snode *x = at(t, i);
    if (x->height[IVM__BY_SIZE] != 0 || *prev_of(t, i) != prev ||
        find_start(t, x->start) != i)
      return ivm__fail(why, why_len,
                       "pending node %u [%lld,%lld) is not marked pending, "
                       "not linked back to %u or not in the address tree",
                       i, (long long)x->start, (long long)x->end, prev);
  }
  return IVM_OK;
}

int ivm__sidx_check(const ivm__summary_tree *t, char *why, size_t why_len) {
  int rc = ivm__spool_check(&t->pool, t->count, why, why_len);
  if (rc != IVM_OK) return rc;
  /* The address tree first: the others are looked up in it. */
  int64_t nodes[2];
  for (int tree = IVM__BY_ADDR; tree <= IVM__BY_SIZE; tree++) {
    walk w = {t, tree, 0, 0, why, why_len};
    int height;
    rc = check_subtree(&w, t->root[tree], 0, &height);
    if (rc != IVM_OK) return rc;
    nodes[tree] = w.nodes;
  }
  int64_t pending;
  rc = check_pending(t, &pending, why, why_len);
  if (rc != IVM_OK) return rc;
  /* Indexed nodes have a height and pending ones none, so no node is in
   * both; with the counts equal, every live node is in exactly one. */
  if (nodes[IVM__BY_ADDR] != t->count ||
      nodes[IVM__BY_SIZE] + pending != t->count)
    return ivm__fail(why, why_len,
                     "count is %lld but the address tree links %lld nodes, "
                     "the size index %lld and the pending list %lld",
                     (long long)t->count, (long long)nodes[IVM__BY_ADDR],
                     (long long)nodes[IVM__BY_SIZE], (long long)pending);
  return IVM_OK;
}

/* ---- dump() ------------------------------------------------------------ */

static void dump_subtree(const ivm__summary_tree *t, int tree, uint32_t i,
                         int depth, char side, FILE *out) {
  if (i == 0) return;
  if (depth >= IVM__MAX_DEPTH) {
    fprintf(out, "%*s... deeper than %d\n", 2 * depth + 2, "", depth);
    return;
  }
  const ivm__snode *n = at(t, i);
  fprintf(out, "%*s%c [%lld,%lld) h%d", 2 * depth + 2, "", side,
          (long long)n->start, (long long)n->end, n->height[tree]);
  if (tree == IVM__BY_ADDR)
    fprintf(out, "  largest %lld@%lld  smallest %lld  first %lld  last %lld",
            (long long)n->max_len, (long long)at(t, n->max_node)->start,
            (long long)n->min_len, (long long)at(t, n->first)->start,
            (long long)at(t, n->last)->end);
  else
    fprintf(out, "  length %lld", (long long)ivm__snode_len(n));
  fputc('\n', out);
  dump_subtree(t, tree, n->link[tree][LEFT], depth + 1, 'L', out);
  dump_subtree(t, tree, n->link[tree][RIGHT], depth + 1, 'R', out);
}

void ivm__sidx_dump(const ivm__summary_tree *t, FILE *out) {
  for (int tree = IVM__BY_ADDR; tree <= IVM__BY_SIZE; tree++) {
    fprintf(out, "%s:\n", tree_names[tree]);
    dump_subtree(t, tree, t->root[tree], 0, '*', out);
  }
  fprintf(out, "pending:");
  int64_t n = 0;
  for (uint32_t i = t->pending; i != 0 && n++ <= t->count; i = *next_of(t, i))
    fprintf(out, " [%lld,%lld)", (long long)at(t, i)->start,
            (long long)at(t, i)->end);
  fputc('\n', out);
}
