/* summary_index.c - the summary tree's two intrusive AVL trees over the same
 * nodes: the address tree, whose every node caches a summary of its subtree,
 * and the size index, ordered by (length, start), that answers best fit,
 * with the pending list of nodes the size index has yet to catch up with.
 *
 *   address tree, by start; each node shows its span, its height and its
 *   subtree's summary {largest length, smallest length}; the instance
 *   keeps the first node ([0,10)), the last ([200,205)) and the largest
 *   ([40,90)):
 *
 *                       [40,90) h3 {50, 5}
 *                      /                  \
 *         [0,10) h1 {10, 10}            [100,130) h2 {30, 5}
 *                                                   \
 *                                            [200,205) h1 {5, 5}
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
 * node has spare, and it is deterministic.
 *
 * Invariants, per tree: keys strictly increase in order (starts are distinct,
 * so (length, start) is too); every node's height is one more than its
 * taller child's, and its children's heights differ by at most one. In the
 * address tree every node's summary is what summarize() computes from its
 * span and its children's summaries, and the instance's first, last and
 * largest are its leftmost node, its rightmost and its longest with the
 * lowest start. Once the first best fit has opened the size index, it and
 * the pending list together link exactly the nodes of the address tree,
 * each once; before, neither exists.
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
 * amortized per operation. A workload without best fit pays nothing, and
 * holds no size links either: they cost 8 bytes a span, and opening the
 * index late costs one O(n) pass, paid by the mutations that made the
 * nodes.
 *
 * Summaries follow the Linux rbtree_augmented.h pattern: summarize() is the
 * one function that computes them; a rotation re-summarizes the two nodes it
 * moves, bottom one first; and a change propagates towards the root only
 * while it alters a subtree's height or summary. No parent links: a
 * mutation takes one root-to-leaf path (ivm__saddr_seek), changes spans in
 * place where the order allows it, links or unlinks at most where the path
 * leads, and repairs the path bottom-up. */
#include "summary_index.h"

enum { LEFT = 0, RIGHT = 1 };

typedef ivm__summary_tree stree;
typedef ivm__spath path;

/* What summarize() computes; the fields of the same names in ivm__snode. */
typedef struct summary {
  int64_t max_len, min_len;
} summary;

static inline ivm__snode *at(const stree *t, uint32_t i) {
  return ivm__snode_at(&t->pool, i);
}

/* Node i's children in one tree. */
static inline uint32_t *kids(const stree *t, int tree, uint32_t i) {
  return tree == IVM__BY_ADDR ? at(t, i)->link
                              : ivm__slink_at(&t->pool, i)->link;
}

static inline int height(const stree *t, int tree, uint32_t i) {
  return at(t, i)->height[tree];
}

/* True when x sorts after y in the given tree. */
static bool after(const stree *t, int tree, uint32_t x, uint32_t y) {
  const ivm__snode *a = at(t, x), *b = at(t, y);
  if (tree == IVM__BY_SIZE && ivm__snode_len(a) != ivm__snode_len(b))
    return ivm__snode_len(a) > ivm__snode_len(b);
  return a->start > b->start;
}

/* The one function that computes a node's summary, from its span and its
 * children's summaries (nil's is neutral). Branch-free: which child holds
 * the maximum is a coin toss. */
static void summarize(const ivm__snode *n, const ivm__snode *l,
                      const ivm__snode *r, summary *s) {
  int64_t len = ivm__snode_len(n);
  s->max_len = ivm__max64(ivm__max64(l->max_len, len), r->max_len);
  s->min_len = ivm__min64(ivm__min64(l->min_len, len), r->min_len);
}

static void summary_of(const ivm__snode *n, summary *s) {
  *s = (summary){n->max_len, n->min_len};
}

static bool same_summary(const summary *a, const summary *b) {
  return a->max_len == b->max_len && a->min_len == b->min_len;
}

/* Recomputes i's height and, in the address tree, its summary from its
 * children; true when either changed. */
static bool refresh(stree *t, int tree, uint32_t i) {
  ivm__snode *n = at(t, i);
  const uint32_t *k = kids(t, tree, i);
  const ivm__snode *l = at(t, k[LEFT]), *r = at(t, k[RIGHT]);
  int hl = l->height[tree], hr = r->height[tree];
  uint8_t h = (uint8_t)(1 + (hl > hr ? hl : hr));
  bool changed = h != n->height[tree];
  n->height[tree] = h;
  if (tree == IVM__BY_ADDR) {
    summary now, was;
    summarize(n, l, r, &now);
    summary_of(n, &was);
    changed |= !same_summary(&now, &was);
    n->max_len = now.max_len;
    n->min_len = now.min_len;
  }
  return changed;
}

/* Moves i down to side dir; its child on the other side takes its place and
 * is returned. */
static uint32_t rotate(stree *t, int tree, uint32_t i, int dir) {
  uint32_t *k = kids(t, tree, i);
  uint32_t c = k[!dir];
  uint32_t *ck = kids(t, tree, c);
  k[!dir] = ck[dir];
  ck[dir] = i;
  refresh(t, tree, i);
  refresh(t, tree, c);
  return c;
}

/* Makes child the subtree at p->node[k]'s place: the root when k == 0. */
static void set_child(stree *t, int tree, const path *p, int k,
                      uint32_t child) {
  if (k == 0)
    t->root[tree] = child;
  else
    kids(t, tree, p->node[k - 1])[p->dir[k - 1]] = child;
}

/* Restores the AVL balance at p->node[k], whose subtrees are balanced and
 * differ in height by two, by one or two rotations, and links the new
 * subtree root in its place; true when the subtree's height or summary
 * came out different from before. */
static bool rebalance(stree *t, int tree, const path *p, int k) {
  uint32_t i = p->node[k];
  summary was, now;
  summary_of(at(t, i), &was);
  int was_height = height(t, tree, i);
  uint32_t *c = kids(t, tree, i);
  int heavy =
      height(t, tree, c[LEFT]) > height(t, tree, c[RIGHT]) ? LEFT : RIGHT;
  const uint32_t *gc = kids(t, tree, c[heavy]);
  /* An inner grandchild taller than the outer one needs a double rotation. */
  if (height(t, tree, gc[!heavy]) > height(t, tree, gc[heavy]))
    c[heavy] = rotate(t, tree, c[heavy], heavy);
  uint32_t r = rotate(t, tree, i, !heavy);
  set_child(t, tree, p, k, r);
  summary_of(at(t, r), &now);
  return height(t, tree, r) != was_height ||
         (tree == IVM__BY_ADDR && !same_summary(&now, &was));
}

/* Rebalances and updates the subtrees on p, deepest first. From index
 * stop_from upwards it stops at the first subtree whose height and summary
 * came out as they were: nothing above can have changed. */
static void fixup(stree *t, int tree, const path *p, int stop_from) {
  for (int k = p->depth - 1; k >= 0; k--) {
    uint32_t i = p->node[k];
    const uint32_t *c = kids(t, tree, i);
    int diff = height(t, tree, c[LEFT]) - height(t, tree, c[RIGHT]);
    bool changed = diff >= -1 && diff <= 1 ? refresh(t, tree, i)
                                           : rebalance(t, tree, p, k);
    if (!changed && k <= stop_from) return;
  }
}

static void push(path *p, uint32_t i, int dir) {
  p->node[p->depth] = i;
  p->dir[p->depth] = (uint8_t)dir;
  p->depth++;
}

/* Links x, a node without children whose summary is its own, where p
 * ends. */
static void link_leaf(stree *t, int tree, path *p, uint32_t x, int stop_from) {
  set_child(t, tree, p, p->depth, x);
  fixup(t, tree, p, stop_from);
  p->depth = -1;
}

/* Unlinks x, whose ancestors p holds. */
static void unlink_below(stree *t, int tree, path *p, uint32_t x) {
  uint32_t *xk = kids(t, tree, x);
  if (xk[LEFT] == 0 || xk[RIGHT] == 0) {
    set_child(t, tree, p, p->depth, xk[LEFT] ? xk[LEFT] : xk[RIGHT]);
    fixup(t, tree, p, p->depth - 1);
    p->depth = -1;
    return;
  }
  /* Two children: x's successor s leaves its place (it has no left child)
   * and takes x's, with x's links, height and summary, so the path can be
   * repaired as if x's subtree had lost s. s's summary must then be
   * recomputed whatever happens below it, hence the stop from k. */
  int k = p->depth;
  push(p, x, RIGHT);
  uint32_t s = xk[RIGHT];
  while (kids(t, tree, s)[LEFT] != 0) {
    push(p, s, LEFT);
    s = kids(t, tree, s)[LEFT];
  }
  uint32_t *sk = kids(t, tree, s);
  kids(t, tree, p->node[p->depth - 1])[p->dir[p->depth - 1]] = sk[RIGHT];
  sk[LEFT] = xk[LEFT];
  sk[RIGHT] = xk[RIGHT];
  ivm__snode *sn = at(t, s), *xn = at(t, x);
  sn->height[tree] = xn->height[tree];
  if (tree == IVM__BY_ADDR) {
    sn->max_len = xn->max_len;
    sn->min_len = xn->min_len;
  }
  set_child(t, tree, p, k, s);
  p->node[k] = s;
  fixup(t, tree, p, k);
  p->depth = -1;
}

/* ---- The address tree -------------------------------------------------- */

void ivm__saddr_seek(const stree *t, int64_t key, path *p) {
  int depth = 0;
  uint64_t turns = 0; /* bit k: the search went right at depth k */
  uint32_t i = t->root[IVM__BY_ADDR];
  /* An empty tree may have no block yet. */
  const ivm__snode *n = i != 0 ? at(t, i) : NULL;
  /* A valid tree is at most 45 high (see IVM__MAX_DEPTH); check() walks a
   * damaged one without this. */
  for (; i != 0; depth++) {
    /* Both children's addresses are computed while the comparison is
     * pending, so that choosing is all that is left between one node's
     * load and the next (nil, index 0, has an address like any node). */
    uint32_t l = n->link[LEFT], r = n->link[RIGHT];
    uintptr_t ln = (uintptr_t)at(t, l), rn = (uintptr_t)at(t, r);
    int64_t start = n->start;
    bool dir = start <= key;
    p->node[depth] = i;
    p->dir[depth] = dir;
    turns |= (uint64_t)dir << depth;
    i = dir ? r : l;
    n = (const ivm__snode *)ivm__sdescend(start, key, ln, rn);
  }
  /* pred is where the search last went right, succ where it last went
   * left. */
  uint64_t lefts = ~turns & (((uint64_t)1 << depth) - 1);
  p->depth = depth;
  p->pred = turns != 0 ? 63 - __builtin_clzll(turns) : -1;
  p->succ = lefts != 0 ? 63 - __builtin_clzll(lefts) : -1;
}

void ivm__saddr_link(stree *t, path *p, uint32_t x, int changed_at) {
  ivm__snode *xn = at(t, x);
  *xn = (ivm__snode){.start = xn->start, .end = xn->end};
  refresh(t, IVM__BY_ADDR, x);
  /* A search that never went right ended left of every node, one that
   * never went left right of every node. */
  if (p->pred < 0) t->first = x;
  if (p->succ < 0) t->last = x;
  ivm__saddr_resized(t, x, 0);
  int stop_from = p->depth - 1;
  if (changed_at < stop_from) stop_from = changed_at;
  link_leaf(t, IVM__BY_ADDR, p, x, stop_from);
}

/* The node next to p->node[k] in order on side dir, or 0: the nearest one
 * in its subtree on that side, else the nearest ancestor it lies on the
 * other side of. */
static uint32_t neighbour(const stree *t, const path *p, int k, int dir) {
  uint32_t c = at(t, p->node[k])->link[dir];
  if (c != 0) {
    while (at(t, c)->link[!dir] != 0) c = at(t, c)->link[!dir];
    return c;
  }
  for (int j = k - 1; j >= 0; j--)
    if (p->dir[j] == !dir) return p->node[j];
  return 0;
}

void ivm__saddr_unlink(stree *t, path *p, int k) {
  uint32_t x = p->node[k];
  if (x == t->first) t->first = neighbour(t, p, k, RIGHT);
  if (x == t->last) t->last = neighbour(t, p, k, LEFT);
  if (x == t->largest) t->largest = 0;
  p->depth = k;
  unlink_below(t, IVM__BY_ADDR, p, x);
}

void ivm__saddr_resummarize(stree *t, const path *p, int k) {
  for (; k >= 0; k--)
    if (!refresh(t, IVM__BY_ADDR, p->node[k])) return;
}

int ivm__saddr_step(const stree *t, path *p, int k) {
  uint32_t c = at(t, p->node[k])->link[RIGHT];
  if (c == 0) {
    for (int j = k - 1; j >= 0; j--)
      if (p->dir[j] == LEFT) return j;
    return -1;
  }
  p->dir[k] = RIGHT;
  int d = k + 1;
  p->node[d] = c;
  for (uint32_t l; (l = at(t, c)->link[LEFT]) != 0; c = l) {
    p->dir[d++] = LEFT;
    p->node[d] = l;
  }
  p->depth = d + 1;
  return d;
}

uint32_t ivm__saddr_leftmost_fit(const stree *t, uint32_t i, int64_t len) {
  for (;;) {
    const ivm__snode *n = at(t, i);
    uint32_t l = n->link[LEFT];
    if (at(t, l)->max_len >= len)
      i = l;
    else if (ivm__snode_len(n) >= len)
      return i;
    else
      i = n->link[RIGHT];
  }
}

/* ---- The largest span -------------------------------------------------- */

void ivm__saddr_resized(stree *t, uint32_t x, int64_t was) {
  uint32_t big = t->largest;
  if (big == 0) return; /* unknown: ivm__saddr_settle() finds it */
  const ivm__snode *n = at(t, x), *b = at(t, big);
  int64_t len = ivm__snode_len(n), big_len = ivm__snode_len(b);
  if (x == big) {
    if (len < was) t->largest = 0;
  } else if (len > big_len || (len == big_len && n->start < b->start)) {
    t->largest = x;
  }
}

void ivm__saddr_settle(stree *t) {
  uint32_t root = t->root[IVM__BY_ADDR];
  if (t->largest == 0 && root != 0)
    t->largest = ivm__saddr_leftmost_fit(t, root, at(t, root)->max_len);
}

/* ---- The size index and the pending list ------------------------------ */

void ivm__sidx_insert(stree *t, uint32_t x) {
  uint32_t *xk = kids(t, IVM__BY_SIZE, x);
  xk[LEFT] = xk[RIGHT] = 0;
  refresh(t, IVM__BY_SIZE, x);
  path p = {.depth = 0};
  for (uint32_t i = t->root[IVM__BY_SIZE]; i != 0;) {
    int dir = after(t, IVM__BY_SIZE, x, i) ? RIGHT : LEFT;
    push(&p, i, dir);
    i = kids(t, IVM__BY_SIZE, i)[dir];
  }
  link_leaf(t, IVM__BY_SIZE, &p, x, p.depth - 1);
}

void ivm__sidx_erase(stree *t, uint32_t x) {
  path p = {.depth = 0};
  for (uint32_t i = t->root[IVM__BY_SIZE]; i != x;) {
    int dir = after(t, IVM__BY_SIZE, x, i) ? RIGHT : LEFT;
    push(&p, i, dir);
    i = kids(t, IVM__BY_SIZE, i)[dir];
  }
  unlink_below(t, IVM__BY_SIZE, &p, x);
}

static uint32_t *next_of(const stree *t, uint32_t i) {
  return &ivm__slink_at(&t->pool, i)->link[0];
}
static uint32_t *prev_of(const stree *t, uint32_t i) {
  return &ivm__slink_at(&t->pool, i)->link[1];
}

int ivm__sidx_open(stree *t) {
  ivm__spool *p = &t->pool;
  if (p->links != NULL) return IVM_OK;
  if (t->count == 0 || ivm__spool_add_links(p, &t->base) != IVM_OK)
    return IVM_NOMEM;
  /* Live nodes are the ones linked in the address tree, which free ones
   * are not. */
  for (uint32_t i = 1; i < p->used; i++)
    if (at(t, i)->height[IVM__BY_ADDR] != 0) ivm__sidx_pend(t, i);
  return IVM_OK;
}

void ivm__sidx_pend(stree *t, uint32_t x) {
  at(t, x)->height[IVM__BY_SIZE] = 0;
  if (t->pool.links == NULL) return;
  *next_of(t, x) = t->pending;
  *prev_of(t, x) = 0;
  if (t->pending != 0) *prev_of(t, t->pending) = x;
  t->pending = x;
}

void ivm__sidx_resizing(stree *t, uint32_t x) {
  if (at(t, x)->height[IVM__BY_SIZE] == 0) return;
  ivm__sidx_erase(t, x);
  ivm__sidx_pend(t, x);
}

void ivm__sidx_forget(stree *t, uint32_t x) {
  if (at(t, x)->height[IVM__BY_SIZE] != 0) {
    ivm__sidx_erase(t, x);
    return;
  }
  if (t->pool.links == NULL) return;
  uint32_t next = *next_of(t, x), prev = *prev_of(t, x);
  if (prev != 0)
    *next_of(t, prev) = next;
  else
    t->pending = next;
  if (next != 0) *prev_of(t, next) = prev;
}

void ivm__sidx_catch_up(stree *t) {
  while (t->pending != 0) {
    uint32_t x = t->pending;
    t->pending = *next_of(t, x);
    ivm__sidx_insert(t, x);
  }
}

uint32_t ivm__sidx_best_fit(const stree *t, int64_t len) {
  uint32_t best = 0;
  for (uint32_t i = t->root[IVM__BY_SIZE]; i != 0;) {
    int fits = ivm__snode_len(at(t, i)) >= len;
    if (fits) best = i;
    i = kids(t, IVM__BY_SIZE, i)[fits ? LEFT : RIGHT];
  }
  return best;
}

/* ---- check() ----------------------------------------------------------- */

typedef struct walk {
  const stree *t;
  int tree;
  uint32_t first; /* the first node in order, 0 before it */
  uint32_t prev;  /* the previous node in order, 0 before the first */
  int64_t nodes;
  char *why;
  size_t why_len;
} walk;

static const char *const tree_names[2] = {"address tree", "size index"};

/* The node the address tree holds at start, or 0. */
static uint32_t find_start(const stree *t, int64_t start) {
  path p;
  ivm__saddr_seek(t, start, &p);
  if (p.pred < 0 || at(t, p.node[p.pred])->start != start) return 0;
  return p.node[p.pred];
}

/* Checks the subtree at i in order and sets *h to its height. */
static int check_subtree(walk *w, uint32_t i, int depth, int *h) {
  const stree *t = w->t;
  const char *name = tree_names[w->tree];
  *h = 0;
  if (i == 0) return IVM_OK;
  if (depth >= IVM__MAX_DEPTH)
    return ivm__fail(w->why, w->why_len,
                     "%s deeper than %d: a cycle or lost balance", name,
                     IVM__MAX_DEPTH);
  if (i >= t->pool.used)
    return ivm__fail(w->why, w->why_len, "%s links index %u of %u handed out",
                     name, i, t->pool.used);
  const ivm__snode *n = at(t, i);
  const uint32_t *k = kids(t, w->tree, i);
  int hl, hr;
  int rc = check_subtree(w, k[LEFT], depth + 1, &hl);
  if (rc != IVM_OK) return rc;
  if (w->prev != 0 && !after(t, w->tree, i, w->prev))
    return ivm__fail(
        w->why, w->why_len, "%s: [%lld,%lld) is not ordered after [%lld,%lld)",
        name, (long long)n->start, (long long)n->end,
        (long long)at(t, w->prev)->start, (long long)at(t, w->prev)->end);
  if (w->prev == 0) w->first = i;
  w->prev = i;
  w->nodes++;
  if (w->tree == IVM__BY_SIZE && find_start(t, n->start) != i)
    return ivm__fail(
        w->why, w->why_len,
        "size index node %u [%lld,%lld) is not in the address tree", i,
        (long long)n->start, (long long)n->end);
  rc = check_subtree(w, k[RIGHT], depth + 1, &hr);
  if (rc != IVM_OK) return rc;
  if (hl - hr > 1 || hr - hl > 1)
    return ivm__fail(w->why, w->why_len,
                     "%s unbalanced at [%lld,%lld): children %d and %d high",
                     name, (long long)n->start, (long long)n->end, hl, hr);
  *h = 1 + (hl > hr ? hl : hr);
  if (n->height[w->tree] != *h)
    return ivm__fail(
        w->why, w->why_len, "%s: [%lld,%lld) records height %d, is %d high",
        name, (long long)n->start, (long long)n->end, n->height[w->tree], *h);
  if (w->tree == IVM__BY_ADDR && t->pool.links == NULL &&
      n->height[IVM__BY_SIZE] != 0)
    return ivm__fail(w->why, w->why_len,
                     "[%lld,%lld) has a size index height but there are no "
                     "size links",
                     (long long)n->start, (long long)n->end);
  if (w->tree == IVM__BY_ADDR) {
    summary want, got;
    summarize(n, at(t, k[LEFT]), at(t, k[RIGHT]), &want);
    summary_of(n, &got);
    if (!same_summary(&got, &want))
      return ivm__fail(
          w->why, w->why_len,
          "[%lld,%lld) caches {largest %lld, smallest %lld} but its "
          "children give {%lld, %lld}",
          (long long)n->start, (long long)n->end, (long long)got.max_len,
          (long long)got.min_len, (long long)want.max_len,
          (long long)want.min_len);
  }
  return IVM_OK;
}

/* The pending list: live nodes of the address tree, marked pending, each
 * linked back to its predecessor (which also rules out a cycle), at most
 * count of them. */
static int check_pending(const stree *t, int64_t *n, char *why,
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

/* The instance's first, last and largest node against the address tree,
 * which w has just walked in order and found sound. */
static int check_ends(const stree *t, const walk *w, char *why,
                      size_t why_len) {
  if (t->first != w->first || t->last != w->prev)
    return ivm__fail(why, why_len,
                     "first and last are nodes %u and %u, but the address "
                     "tree begins with %u and ends with %u",
                     t->first, t->last, w->first, w->prev);
  uint32_t root = t->root[IVM__BY_ADDR];
  uint32_t big =
      root != 0 ? ivm__saddr_leftmost_fit(t, root, at(t, root)->max_len) : 0;
  if (t->largest != big)
    return ivm__fail(why, why_len,
                     "largest is node %u, but the longest span with the "
                     "lowest start is node %u",
                     t->largest, big);
  return IVM_OK;
}

int ivm__sidx_check(const stree *t, char *why, size_t why_len) {
  int rc = ivm__spool_check(&t->pool, t->count, why, why_len);
  if (rc != IVM_OK) return rc;
  /* The address tree first: the others are looked up in it. */
  walk w = {t, IVM__BY_ADDR, 0, 0, 0, why, why_len};
  int h;
  rc = check_subtree(&w, t->root[IVM__BY_ADDR], 0, &h);
  if (rc != IVM_OK) return rc;
  if (w.nodes != t->count)
    return ivm__fail(why, why_len,
                     "count is %lld but the address tree links %lld nodes",
                     (long long)t->count, (long long)w.nodes);
  rc = check_ends(t, &w, why, why_len);
  if (rc != IVM_OK) return rc;
  if (t->pool.links == NULL) {
    if (t->root[IVM__BY_SIZE] != 0 || t->pending != 0)
      return ivm__fail(why, why_len,
                       "no size links, but a size index or a pending list");
    return IVM_OK;
  }
  walk s = {t, IVM__BY_SIZE, 0, 0, 0, why, why_len};
  rc = check_subtree(&s, t->root[IVM__BY_SIZE], 0, &h);
  if (rc != IVM_OK) return rc;
  int64_t pending;
  rc = check_pending(t, &pending, why, why_len);
  if (rc != IVM_OK) return rc;
  /* Indexed nodes have a height and pending ones none, so no node is in
   * both; with the counts equal, every live node is in exactly one. */
  if (s.nodes + pending != t->count)
    return ivm__fail(why, why_len,
                     "count is %lld but the size index links %lld nodes and "
                     "the pending list %lld",
                     (long long)t->count, (long long)s.nodes,
                     (long long)pending);
  return IVM_OK;
}

/* ---- dump() ------------------------------------------------------------ */

static void dump_subtree(const stree *t, int tree, uint32_t i, int depth,
                         char side, FILE *out) {
  if (i == 0) return;
  if (depth >= IVM__MAX_DEPTH) {
    fprintf(out, "%*s... deeper than %d\n", 2 * depth + 2, "", depth);
    return;
  }
  const ivm__snode *n = at(t, i);
  fprintf(out, "%*s%c [%lld,%lld) h%d", 2 * depth + 2, "", side,
          (long long)n->start, (long long)n->end, n->height[tree]);
  if (tree == IVM__BY_ADDR)
    fprintf(out, "  largest %lld  smallest %lld", (long long)n->max_len,
            (long long)n->min_len);
  else
    fprintf(out, "  length %lld", (long long)ivm__snode_len(n));
  fputc('\n', out);
  const uint32_t *k = kids(t, tree, i);
  dump_subtree(t, tree, k[LEFT], depth + 1, 'L', out);
  dump_subtree(t, tree, k[RIGHT], depth + 1, 'R', out);
}

void ivm__sidx_dump(const stree *t, FILE *out) {
  if (t->count == 0)
    fprintf(out, "address tree: empty\n");
  else
    fprintf(out,
            "address tree, first [%lld,%lld), last [%lld,%lld), largest "
            "[%lld,%lld):\n",
            (long long)at(t, t->first)->start, (long long)at(t, t->first)->end,
            (long long)at(t, t->last)->start, (long long)at(t, t->last)->end,
            (long long)at(t, t->largest)->start,
            (long long)at(t, t->largest)->end);
  dump_subtree(t, IVM__BY_ADDR, t->root[IVM__BY_ADDR], 0, '*', out);
  if (t->pool.links == NULL) {
    fprintf(out, "%s: not opened\n", tree_names[IVM__BY_SIZE]);
    return;
  }
  fprintf(out, "%s:\n", tree_names[IVM__BY_SIZE]);
  dump_subtree(t, IVM__BY_SIZE, t->root[IVM__BY_SIZE], 0, '*', out);
  fprintf(out, "pending:");
  int64_t n = 0;
  for (uint32_t i = t->pending; i != 0 && n++ <= t->count; i = *next_of(t, i))
    fprintf(out, " [%lld,%lld)", (long long)at(t, i)->start,
            (long long)at(t, i)->end);
  fputc('\n', out);
}
