/* treap.c - free spans as a randomized treap keyed by span start, every
 * subtree summarised by its longest and shortest span so first fit, best
 * fit, largest and the smallest length cost O(log n); the total and the
 * count are kept for the whole tree.
 *
 *                     [500,900) p=91
 *                     max 400 min 10
 *                 /                     \
 *        [100,150) p=70              [950,1000) p=40
 *        max 100 min 10              max 50 min 50
 *        /            \
 *  [0,10) p=12   [200,300) p=55
 *
 * Invariants (treap_check.c verifies each):
 * - BST order by start; spans are non-empty and never touch, so ends are in
 *   the same order as starts and a search may go by either;
 * - heap order on priorities, a hash of the node's index keyed by the seed
 *   (ivm__treap_prio): the same seed and operations give the same shape;
 * - every node's max_len and min_len are what ivm__treap_summarize derives
 *   from its children: the nodes a structural change relinks are pulled
 *   (ivm__treap_pull), and a span that changes length in place updates the
 *   path above it from the value that moved (fix_value);
 * - total and count describe the spans: every node made or dropped, and
 *   every span resized, adjusts them.
 *
 * Mutations first walk from the root recording their path (growing the
 * path buffer if needed), then obtain the one node they may need, and only
 * then change the tree, so IVM_NOMEM and IVM_CONFLICT leave everything as it
 * was. The change happens at the end of the walk and the summaries on the
 * recorded path are brought up to date from the bottom until max_len and
 * min_len stop changing; nothing above can change. Split, join and erase of
 * a range are
 * recursive, pulling each level on the way back up; their depth is bounded
 * by the height, O(log n) expected. */
#include "treap.h"

#include <string.h>

typedef ivm__treap treap;
typedef ivm__treap_node node;

static node *at(const treap *t, uint32_t i) { return ivm__treap_at(t, i); }
static uint32_t prio(const treap *t, uint32_t i) {
  return ivm__treap_prio(t, i);
}
static bool pull(treap *t, uint32_t i) { return ivm__treap_pull(t, i); }

static int64_t span_len(const node *n) { return n->end - n->start; }

/* a if !take_b, else b, as arithmetic: compilers turn a conditional
 * expression on a descent's direction back into a branch, which the
 * predictor loses half the time. */
static uint32_t select_u32(bool take_b, uint32_t a, uint32_t b) {
  return a ^ ((a ^ b) & (0u - (uint32_t)take_b));
}

/* n's right child if right, else its left, without a branch: both links
 * come in one 8-byte load and the one wanted is shifted out, one
 * instruction after the compare that chooses it. */
static uint32_t child_toward(const node *n, bool right) {
  uint64_t both;
  memcpy(&both, n->child, sizeof both);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  right = !right;
#endif
  return (uint32_t)(both >> (32u * (unsigned)right));
}

/* Shifts the total by d. A mutation may shift it in several steps whose
 * sum the front door has checked to fit; the steps wrap as unsigned
 * arithmetic, so their order does not matter. */
static void add_total(treap *t, int64_t d) {
  t->total = (int64_t)((uint64_t)t->total + (uint64_t)d);
}

/* Gives node n the extent [start, end), keeping the total right; the caller
 * keeps the order and pulls the summaries. */
static void resize(treap *t, node *n, int64_t start, int64_t end) {
  add_total(t, (end - start) - span_len(n));
  n->start = start;
  n->end = end;
}

/* A new single-node tree; ivm__treap_pool_reserve must have succeeded. */
static uint32_t make_node(treap *t, int64_t start, int64_t end) {
  uint32_t i = ivm__treap_pool_take(t);
  *at(t, i) = (node){.start = start, .end = end};
  pull(t, i);
  t->count++;
  add_total(t, end - start);
  return i;
}

/* Node x leaves the tree: its slot goes back to the pool. */
static void drop_node(treap *t, uint32_t x) {
  t->count--;
  add_total(t, -span_len(at(t, x)));
  ivm__treap_pool_put(t, x);
}

/* ---- Read-only searches ------------------------------------------------ */

/* The last span whose start is <= bound, 0 if none. The way down is chosen
 * without a branch (select_u32). */
static uint32_t last_start_at_most(const treap *t, int64_t bound) {
  uint32_t x = t->root, found = 0;
  while (x) {
    const node *n = at(t, x);
    bool right = n->start <= bound;
    found = select_u32(right, found, x);
    x = child_toward(n, right);
  }
  return found;
}

/* The leftmost span of x's subtree with length >= len, found by following
 * max_len; 0 only when the subtree has none (which a caller that checked
 * max_len first sees only if the summaries are damaged: then the walk still
 * ends, and check() reports the damage). */
static uint32_t leftmost_at_least(const treap *t, uint32_t x, int64_t len) {
  while (x) {
    const node *n = at(t, x);
    if (at(t, n->left)->max_len >= len)
      x = n->left;
    else if (span_len(n) >= len)
      return x;
    else
      x = n->right;
  }
  return 0;
}

/* ---- Structural changes: each pulls every node it relinks -------------- */

/* Splits x into the spans starting before key (*l) and the rest (*r). */
static void split(treap *t, uint32_t x, int64_t key, uint32_t *l, uint32_t *r) {
  if (!x) {
    *l = *r = 0;
    return;
  }
  node *n = at(t, x);
  if (n->start < key) {
    split(t, n->right, key, &n->right, r);
    *l = x;
  } else {
    split(t, n->left, key, l, &n->left);
    *r = x;
  }
  pull(t, x);
}

/* Joins two treaps; every start in a precedes every start in b. */
static uint32_t join(treap *t, uint32_t a, uint32_t b) {
  if (!a) return b;
  if (!b) return a;
  node *na = at(t, a), *nb = at(t, b);
  if (prio(t, a) >= prio(t, b)) {
    na->right = join(t, na->right, b);
    pull(t, a);
    return a;
  }
  nb->left = join(t, a, nb->left);
  pull(t, b);
  return b;
}

/* Gives every node of x's subtree back to the pool. */
static void drop_all(treap *t, uint32_t x) {
  while (x) {
    node *n = at(t, x);
    uint32_t right = n->right;
    drop_all(t, n->left);
    drop_node(t, x);
    x = right;
  }
}

/* What remains of x's subtree after dropping the spans starting at or after
 * lo. */
static uint32_t keep_below(treap *t, uint32_t x, int64_t lo) {
  while (x) {
    node *n = at(t, x);
    if (n->start < lo) {
      n->right = keep_below(t, n->right, lo);
      pull(t, x);
      return x;
    }
    uint32_t left = n->left;
    drop_all(t, n->right);
    drop_node(t, x);
    x = left;
  }
  return 0;
}

/* What remains of x's subtree after dropping the spans starting at or
 * before last. */
static uint32_t keep_above(treap *t, uint32_t x, int64_t last) {
  while (x) {
    node *n = at(t, x);
    if (n->start > last) {
      n->left = keep_above(t, n->left, last);
      pull(t, x);
      return x;
    }
    uint32_t right = n->right;
    drop_all(t, n->left);
    drop_node(t, x);
    x = right;
  }
  return 0;
}

/* Drops the spans starting in [lo, last] from x's subtree: one path down to
 * the highest such node, then its two sides trimmed and joined, so the cost
 * is O(height + spans dropped). */
static uint32_t erase_range(treap *t, uint32_t x, int64_t lo, int64_t last) {
  if (!x) return 0;
  node *n = at(t, x);
  if (n->start < lo) {
    n->right = erase_range(t, n->right, lo, last);
  } else if (n->start > last) {
    n->left = erase_range(t, n->left, lo, last);
  } else {
    uint32_t l = keep_below(t, n->left, lo);
    uint32_t r = keep_above(t, n->right, last);
    drop_node(t, x);
    return join(t, l, r);
  }
  pull(t, x);
  return x;
}

/* ---- A mutation's search path ------------------------------------------ */

/* Doubles the path buffer; IVM_NOMEM leaves it as it was. */
static int grow_path(treap *t) {
  if (t->path_cap > UINT32_MAX / 2) return IVM_NOMEM;
  uint32_t cap = t->path_cap ? 2 * t->path_cap : 64;
  uint32_t *p =
      ivm__realloc(&t->base, t->path, t->path_cap * sizeof *p, cap * sizeof *p);
  if (!p) return IVM_NOMEM;
  t->path = p;
  t->path_cap = cap;
  return IVM_OK;
}

/* Walks from the root down to a missing child, recording every node
 * visited: path[0 .. *depth). Each step goes right past a span ending
 * before bound and left otherwise; *hit is the depth (path index + 1) of the
 * last node it went left at, the first span whose end is >= bound, or 0
 * when there is none. Down to that span, and all the way when no span holds
 * bound, the steps are those of a search for the key bound, so an insertion
 * may follow the path. Below a span holding bound every step goes right
 * (its left subtree ends before it starts): going on costs a level or two
 * where a test for the stop would cost a compare and a branch at every
 * level. The buffer grows here, before the caller changes anything, so
 * IVM_NOMEM is safe. */
static int walk(treap *t, int64_t bound, uint32_t *depth, uint32_t *hit) {
  /* Locals, so the stores to the path are not taken to alter the treap. */
  uint32_t d = 0, h = 0, cap = t->path_cap, *path = t->path;
  const node *nodes = t->nodes;
  for (uint32_t x = t->root; x;) {
    if (d == cap) {
      if (grow_path(t) != IVM_OK) return IVM_NOMEM;
      cap = t->path_cap;
      path = t->path;
    }
    path[d++] = x;
    const node *n = &nodes[x];
    bool right = n->end < bound;
    h = select_u32(right, d, h);
    x = child_toward(n, right);
  }
  *depth = d;
  *hit = h;
  return IVM_OK;
}

/* Brings the summaries of path[k-1], ..., path[0] up to date after a change
 * at path[k-1] or below it. Each is pulled until one keeps its max_len and
 * min_len: above it nothing can change. */
static void fix_path(treap *t, uint32_t k) {
  while (k && pull(t, t->path[k - 1])) k--;
}

/* Makes whatever pointed at path[k] (its parent path[k-1], or the root)
 * point at x instead. */
static void relink(treap *t, uint32_t k, uint32_t x) {
  if (k == 0) {
    t->root = x;
    return;
  }
  node *parent = at(t, t->path[k - 1]);
  if (parent->left == t->path[k])
    parent->left = x;
  else
    parent->right = x;
}

/* One of the values below path[k-1] that its summary is the maximum and
 * minimum of went from `from` to `to` (its own span length, or a child's
 * maximum or minimum): brings path[k-1]'s summary and its ancestors' up to
 * date. A level reads its children only when the value that moved was its
 * extreme and moved inward; otherwise its new extreme follows from the old
 * one, and the walk ends where nothing changes. This spares the reads of
 * siblings and minima that pull makes at every level. */
static void fix_value(treap *t, uint32_t k, int64_t from, int64_t to) {
  int64_t max_from = from, max_to = to, min_from = from, min_to = to;
  while (k && (max_from != max_to || min_from != min_to)) {
    uint32_t x = t->path[--k];
    node *n = at(t, x);
    int64_t max = n->max_len;
    if (max_from != max_to) {
      int64_t was = max;
      if (max_to >= max)
        max = max_to;
      else if (max_from == max)
        max = ivm__max64(span_len(n), ivm__max64(at(t, n->left)->max_len,
                                                 at(t, n->right)->max_len));
      n->max_len = max;
      max_from = was;
      max_to = max;
    }
    if (min_from != min_to) {
      int64_t was = t->mins[x], min = was;
      if (min_to <= min)
        min = min_to;
      else if (min_from == min)
        min = ivm__min64(span_len(n),
                         ivm__min64(t->mins[n->left], t->mins[n->right]));
      t->mins[x] = min;
      min_from = was;
      min_to = min;
    }
  }
}

/* Gives path[k-1] the extent [start, end), which must keep it between its
 * neighbours: only summaries change, on the path. */
static void set_extent(treap *t, uint32_t k, int64_t start, int64_t end) {
  node *n = at(t, t->path[k - 1]);
  int64_t old = span_len(n);
  resize(t, n, start, end);
  fix_value(t, k, old, end - start);
}

/* Inserts node i, given that path[0 .. k) is its key's whole search path,
 * down to a missing child: above the first of those nodes with a lower
 * priority, whose subtree is split around it, or else in the missing place. */
static void insert_along(treap *t, uint32_t k, uint32_t i) {
  node *ni = at(t, i);
  /* Priorities never increase down a path, so the first lower one is found
   * from the bottom, where a random priority most likely belongs. */
  uint32_t j = k, pi = prio(t, i);
  while (j > 0 && prio(t, t->path[j - 1]) < pi) j--;
  if (j < k) {
    split(t, t->path[j], ni->start, &ni->left, &ni->right);
    pull(t, i);
    relink(t, j, i);
  } else if (k == 0) {
    t->root = i;
  } else {
    node *p = at(t, t->path[k - 1]);
    p->child[ni->start > p->start] = i;
  }
  fix_path(t, j);
}

/* Removes path[k-1], its two subtrees joined in its place. */
static void remove_at(treap *t, uint32_t k) {
  uint32_t x = t->path[k - 1];
  node *n = at(t, x);
  relink(t, k - 1, join(t, n->left, n->right));
  drop_node(t, x);
  fix_path(t, k - 1);
}

/* Extends the path below path[k-1] to the next span in order, when that is
 * in its right subtree; *kn is the next span's depth on the path, 0 when
 * there is none. The path may grow: IVM_NOMEM comes before any change. */
static int successor(treap *t, uint32_t k, uint32_t *kn) {
  uint32_t x = at(t, t->path[k - 1])->right;
  if (!x) {
    /* The nearest ancestor that the path leaves to the left. */
    uint32_t j = k - 1;
    while (j > 0 && at(t, t->path[j - 1])->right == t->path[j]) j--;
    *kn = j;
    return IVM_OK;
  }
  for (; x; x = at(t, x)->left) {
    if (k == t->path_cap && grow_path(t) != IVM_OK) return IVM_NOMEM;
    t->path[k++] = x;
  }
  *kn = k;
  return IVM_OK;
}

/* The last span starting at or before `last`, when a = path[ka-1], the
 * first span a mutation reaches, ends before `last`. Usually that is a
 * itself or the span after it, found from the path with its depth in *kz
 * (ka for a); otherwise a search from the root finds it and *kz is 0. The
 * path may grow: IVM_NOMEM comes before any change. */
static int last_reached(treap *t, uint32_t ka, int64_t last, uint32_t *kz,
                        uint32_t *z) {
  uint32_t k;
  if (successor(t, ka, &k) != IVM_OK) return IVM_NOMEM;
  const node *next = k ? at(t, t->path[k - 1]) : NULL;
  if (!next || next->start > last) {
    *kz = ka;
    *z = t->path[ka - 1];
  } else if (next->end >= last) { /* the span after next starts past last */
    *kz = k;
    *z = t->path[k - 1];
  } else {
    *kz = 0;
    *z = last_start_at_most(t, last);
  }
  return IVM_OK;
}

/* The neighbours path[ka-1] < path[kz-1] give way to part[0..np), np <= 2,
 * in order. Spans are moved rather than nodes: with two parts each node
 * takes one; with fewer the deeper node goes first, so the path to the
 * shallower one stays valid. */
static void replace_pair(treap *t, uint32_t ka, uint32_t kz,
                         const ivm_span *part, int np) {
  if (np == 2) {
    set_extent(t, ka, part[0].start, part[0].end);
    set_extent(t, kz, part[1].start, part[1].end);
    return;
  }
  uint32_t keep = ka < kz ? ka : kz;
  remove_at(t, ka < kz ? kz : ka);
  if (np == 1)
    set_extent(t, keep, part[0].start, part[0].end);
  else
    remove_at(t, keep);
}

/* ---- Lifetime ---------------------------------------------------------- */

static int treap_init(ivm *m) {
  ((treap *)m)->prio_key = (uint32_t)(m->seed ^ (m->seed >> 32));
  return IVM_OK;
}

static void treap_fini(ivm *m) {
  treap *t = (treap *)m;
  ivm__free(m, t->path, t->path_cap * sizeof *t->path);
  ivm__treap_pool_fini(t);
}

/* ---- Mutations --------------------------------------------------------- *
 *
 * The common cases touch one span (stretch, trim, cut in two, drop) or none
 * (a new span): one recorded walk from the root, then one change at its end
 * and the summaries fixed on the way back up. Two neighbouring spans (a
 * release bridging a gap, a reserve across one) are the next most common:
 * the second is found from the walk's path (successor) and the change stays
 * on the path (replace_pair). A mutation reaching more spans stretches or
 * trims the first and last in place, without pulling, then drops the ones
 * between with erase_range. That pass pulls the first
 * and the last too: they are the predecessor and successor of the dropped
 * keys, so they lie on its search path, and each is pulled after the spans
 * below it that it swallows are gone. It needs no node. */

/* The spans from the first ending at or after start (a) to the last
 * starting at or before end (z) overlap or touch [start, end) and merge
 * with it. */
static int treap_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  treap *t = (treap *)m;
  int64_t before = t->total;
  uint32_t depth, ka;
  if (walk(t, start, &depth, &ka) != IVM_OK) return IVM_NOMEM;
  node *a = ka ? at(t, t->path[ka - 1]) : NULL;
  if (!a || a->start > end) {
    /* Nothing touches: the walk was the new span's own search path. */
    if (ivm__treap_pool_reserve(t) != IVM_OK) return IVM_NOMEM;
    insert_along(t, depth, make_node(t, start, end));
  } else if (a->start <= start && a->end >= end) {
    *changed = 0; /* already free */
    return IVM_OK;
  } else {
    uint32_t kz = ka, zi = t->path[ka - 1];
    if (a->end < end && last_reached(t, ka, end, &kz, &zi) != IVM_OK)
      return IVM_NOMEM;
    const node *z = at(t, zi);
    ivm_span merged = {ivm__min64(start, a->start), ivm__max64(end, z->end)};
    if (kz == ka) {
      set_extent(t, ka, merged.start, merged.end);
    } else if (kz) {
      replace_pair(t, ka, kz, &merged, 1);
    } else {
      int64_t a_start = a->start;
      resize(t, a, merged.start, merged.end);
      t->root = erase_range(t, t->root, a_start + 1, z->start);
    }
  }
  *changed = t->total - before;
  return IVM_OK;
}

/* The spans from the first ending after start (a) to the last starting
 * before end (z) overlap [start, end): a keeps what sticks out on the left,
 * z what sticks out on the right. A single span sticking out on both sides
 * is cut in two, the one case needing a node. */
static int treap_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                         int64_t *changed) {
  treap *t = (treap *)m;
  uint32_t depth, ka;
  if (walk(t, start + 1, &depth, &ka) != IVM_OK) return IVM_NOMEM;
  node *a = ka ? at(t, t->path[ka - 1]) : NULL;
  bool covered = a && a->start <= start && a->end >= end;
  if ((flags & IVM_REQUIRE_COVERED) && !covered) return IVM_CONFLICT;
  if (!a || a->start >= end) {
    *changed = 0; /* nothing free there */
    return IVM_OK;
  }
  int64_t before = t->total;
  uint32_t kz = ka, zi = t->path[ka - 1];
  if (a->end < end && last_reached(t, ka, end - 1, &kz, &zi) != IVM_OK)
    return IVM_NOMEM;
  node *z = at(t, zi);
  int64_t a_start = a->start, a_end = a->end, z_start = z->start;
  bool keep_left = a_start < start;
  bool keep_right = z->end > end;
  ivm_span part[2];
  int np = 0;
  if (keep_left) part[np++] = (ivm_span){a_start, start};
  if (keep_right) part[np++] = (ivm_span){end, z->end};
  if (kz != ka && kz) {
    replace_pair(t, ka, kz, part, np);
  } else if (z != a) {
    if (keep_left) resize(t, a, a_start, start);
    if (keep_right) resize(t, z, end, z->end);
    t->root = erase_range(t, t->root, keep_left ? a_start + 1 : a_start,
                          keep_right ? z_start - 1 : z_start);
  } else if (keep_left && keep_right) {
    /* The remainder's key comes right after a: its search path is the
     * path to a's successor when that lies below a, else the path to a. */
    uint32_t kn;
    if (successor(t, ka, &kn) != IVM_OK || ivm__treap_pool_reserve(t) != IVM_OK)
      return IVM_NOMEM;
    /* The pool may have moved: a is found again by index. */
    set_extent(t, ka, a_start, start);
    insert_along(t, kn > ka ? kn : ka, make_node(t, end, a_end));
  } else if (np == 1) {
    set_extent(t, ka, part[0].start, part[0].end);
  } else {
    remove_at(t, ka);
  }
  *changed = before - t->total;
  return IVM_OK;
}

/* ---- Queries ----------------------------------------------------------- */

/* Whether [max(p, start), +len) fits in n; end - a cannot overflow once
 * a < end, a + len could. */
static bool fits(const node *n, int64_t p, int64_t len) {
  int64_t a = ivm__max64(p, n->start);
  return a < n->end && n->end - a >= len;
}

/* The spans ending after p are, in order: the deepest node of p's search
 * path (by end) that the path leaves to the left, then its right subtree,
 * then the next such node up the path and its right subtree, and so on.
 * Spans of a right subtree start after p, so they fit exactly when long
 * enough. The first fit therefore belongs to the deepest such node that fits
 * itself or has max_len >= len on its right: one path down, then one
 * guided descent into that right subtree. Below a span holding p every
 * span ends before p, so the walk goes right there and changes nothing,
 * which is cheaper than testing for it at every level. The way down and the
 * candidate are chosen without branches (see last_start_at_most); the
 * right child's max_len is read at every level, off the chain of loads
 * that leads down. The walk stops early at a subtree whose own max_len
 * (on the line just loaded) is below len: nothing below can be a
 * candidate. first_fit finds the same span with less reading; this one
 * serves walks too deep for its stack. */
static uint32_t first_fit_after(const treap *t, int64_t p, int64_t len) {
  uint32_t best = 0;
  for (uint32_t x = t->root; x;) {
    const node *n = at(t, x);
    if (n->max_len < len) break;
    bool right = n->end <= p;
    /* Bitwise on 0/1 values on purpose: both sides are cheap and a
     * short-circuit would put a branch back on the descent. */
    unsigned room =
        (unsigned)fits(n, p, len) | (unsigned)(at(t, n->right)->max_len >= len);
    best = select_u32((unsigned)!right & room, best, x);
    x = child_toward(n, right);
  }
  if (best && !fits(at(t, best), p, len))
    best = leftmost_at_least(t, at(t, best)->right, len);
  return best;
}

/* How many nodes a find remembers on its way down. A walk that leaves more
 * nodes than that to the left falls back to first_fit_after; a treap of
 * random shape is about 2 ln n deep, so that takes billions of spans and
 * bad luck. */
enum { FIND_STACK = 64 };

/* The same answer as first_fit_after, from one descent that reads only the
 * nodes on its way: it remembers the nodes it leaves to the left, the
 * candidates of first_fit_after, and afterwards tries them from the
 * deepest, reading a right child's max_len only then. The deepest is the
 * first span after p, which usually fits on its own. */
static uint32_t first_fit(const treap *t, int64_t p, int64_t len) {
  uint32_t left[FIND_STACK + 1], k = 0;
  for (uint32_t x = t->root; x;) {
    const node *n = at(t, x);
    if (n->max_len < len) break;
    bool right = n->end <= p;
    /* Pushed without a branch: the slot is written every time and kept
     * when the walk goes left. At FIND_STACK it stops counting. */
    left[k] = x;
    k += (uint32_t)!right & (uint32_t)(k < FIND_STACK);
    x = child_toward(n, right);
  }
  if (k == FIND_STACK) return first_fit_after(t, p, len);
  while (k--) {
    const node *n = at(t, left[k]);
    if (fits(n, p, len)) return left[k];
    if (at(t, n->right)->max_len >= len)
      return leftmost_at_least(t, n->right, len);
  }
  return 0;
}

static bool treap_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                       ivm_span *out) {
  const treap *t = (const treap *)m;
  uint32_t x = first_fit(t, p, len);
  if (!x) return false;
  int64_t a = ivm__max64(p, at(t, x)->start);
  if (a + len > not_after) return false;
  *out = (ivm_span){a, a + len};
  return true;
}

/* The leftmost span of maximal length: follow the root's max_len down,
 * preferring the left side. */
static uint32_t largest_node(const treap *t) {
  return leftmost_at_least(t, t->root, at(t, t->root)->max_len);
}

static bool treap_largest(const ivm *m, ivm_span *out) {
  const treap *t = (const treap *)m;
  if (!t->root) return false;
  const node *n = at(t, largest_node(t));
  *out = (ivm_span){n->start, n->end};
  return true;
}

/* In order, so the first span of a length met has the lowest start, and a
 * later span wins only by being strictly shorter. A subtree is skipped when
 * nothing in it is long enough, or nothing in it is shorter than the best so
 * far, or the best is already an exact fit. */
static void best_in(const treap *t, uint32_t x, int64_t len,
                    const node **best) {
  while (x) {
    const node *n = at(t, x);
    if (n->max_len < len) return;
    if (*best && (span_len(*best) == len || t->mins[x] >= span_len(*best)))
      return;
    best_in(t, n->left, len, best);
    if (span_len(n) >= len && (!*best || span_len(n) < span_len(*best)))
      *best = n;
    x = n->right;
  }
}

static bool treap_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  const treap *t = (const treap *)m;
  const node *best = NULL;
  best_in(t, t->root, len, &best);
  if (!best) return false;
  *out = (ivm_span){best->start, best->start + len};
  return true;
}

static int64_t treap_total_free(const ivm *m) {
  return ((const treap *)m)->total;
}

static int64_t treap_count(const ivm *m) { return ((const treap *)m)->count; }

/* Visits, in order, the spans of x's subtree strictly overlapping
 * [start, end); only subtrees that can hold such a span are entered. */
static int each_in(const treap *t, uint32_t x, int64_t start, int64_t end,
                   ivm_visit_fn fn, void *ud) {
  while (x) {
    const node *n = at(t, x);
    int rc;
    if (n->start > start && (rc = each_in(t, n->left, start, end, fn, ud)))
      return rc;
    if (n->end > start && n->start < end && (rc = fn(ud, n->start, n->end)))
      return rc;
    if (n->end >= end) return 0;
    x = n->right;
  }
  return 0;
}

static int treap_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                      void *ud) {
  const treap *t = (const treap *)m;
  return each_in(t, t->root, start, end, fn, ud);
}

static void treap_summary(const ivm *m, ivm_summary *out) {
  const treap *t = (const treap *)m;
  memset(out, 0, sizeof *out);
  if (!t->root) return;
  const node *big = at(t, largest_node(t));
  out->total = t->total;
  out->count = t->count;
  out->largest = span_len(big);
  out->largest_start = big->start;
  out->smallest = t->mins[t->root];
  uint32_t x = t->root;
  while (at(t, x)->left) x = at(t, x)->left;
  out->first = at(t, x)->start;
  for (x = t->root; at(t, x)->right;) x = at(t, x)->right;
  out->last = at(t, x)->end;
}

const struct ivm_ops ivm__treap_ops = {
    .name = "treap",
    .description =
        "randomized treap of spans with subtree maxima; O(log n) "
        "expected first fit, largest and mutations",
    .instance_size = sizeof(treap),
    .init = treap_init,
    .fini = treap_fini,
    .release = treap_release,
    .reserve = treap_reserve,
    .find = treap_find,
    .best_fit = treap_best_fit,
    .largest = treap_largest,
    .total_free = treap_total_free,
    .count = treap_count,
    .each = treap_each,
    .summary = treap_summary,
    .counters = ivm__treap_counters,
    .check = ivm__treap_check,
    .dump = ivm__treap_dump,
};
