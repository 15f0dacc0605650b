/* btree_node.h - the node layouts of the span B+-tree and the root-to-leaf
 * path every operation walks; private to btree*.c.
 *
 *   inner:  n | key[0..n)   smallest start below child i
 *             | max[0..n)   longest span length below child i
 *             | child[0..n)
 *   leaf:   n | max | start[0..n) | end[0..n)   sorted, disjoint, never
 *                                               touching; max the longest
 *
 * A node's kind follows from its level (the leaves are level height - 1), so
 * nodes carry no tag and every leaf is at the same depth by construction.
 * Capacities keep a leaf at 8 cache lines of spans and an inner node at 12;
 * every node but the root holds at least half its capacity. The unused slots
 * of start[], end[] and key[] hold INT64_MAX, and those of max[] hold 0, so
 * searches and maxima can read all 32 slots without looking at n; key[] has
 * one more slot, always INT64_MAX, so the descent can search the 32 slots
 * key[1..32]. */
#ifndef IVM_BTREE_NODE_H
#define IVM_BTREE_NODE_H

#include <stddef.h>

#include "btree.h"

enum {
  IVM_BT_LEAF_CAP = 32,
  IVM_BT_LEAF_MIN = IVM_BT_LEAF_CAP / 2,
  IVM_BT_INNER_CAP = 32,
  IVM_BT_INNER_MIN = IVM_BT_INNER_CAP / 2,
  /* With every non-root node at least half full, height h holds at least
   * 2 * 16^(h-1) spans; 2^64 spans cannot exist, so 17 levels never do. */
  IVM_BT_MAX_HEIGHT = 17,
  /* Beyond this many leaves (1 MB of them) a leaf is seldom in cache. */
  IVM_BT_FAR_LEAVES = 2048,
};

typedef struct ivm__bt_leaf {
  int n;
  /* The longest span length, 0 when empty: what the parent's entry says,
   * kept here too so that a leaf reached through the directory (below) is
   * edited without its parent. */
  int64_t max;
  int64_t start[IVM_BT_LEAF_CAP];
  int64_t end[IVM_BT_LEAF_CAP];
} ivm__bt_leaf;

typedef struct ivm__bt_inner {
  int n;
  int64_t key[IVM_BT_INNER_CAP + 1];
  int64_t max[IVM_BT_INNER_CAP];
  void *child[IVM_BT_INNER_CAP];
} ivm__bt_inner;

/* ivm__bt_count_le searches 32 key slots in four segments of 8. */
_Static_assert(IVM_BT_LEAF_CAP == 32 && IVM_BT_INNER_CAP == 32,
               "node searches assume 32 key slots");

/* A node waiting in a spare pool; the pools are singly linked lists. */
struct ivm__bt_spare {
  struct ivm__bt_spare *next;
};

/* A root-to-leaf path: node[0] is the root, node[depth] the leaf, and
 * node[k + 1] is child idx[k] of node[k]. depth < 0: not walked yet, the
 * leaf came from the directory; walking to `key` reaches it. */
typedef struct ivm__bt_path {
  int depth;
  int64_t key;
  void *node[IVM_BT_MAX_HEIGHT];
  int idx[IVM_BT_MAX_HEIGHT];
} ivm__bt_path;

static inline ivm__bt_leaf *ivm__bt_path_leaf(const ivm__bt_path *p) {
  return p->node[p->depth];
}

/* How many of the sorted keys in k's 32 slots are <= x, where the slots
 * past the keys hold INT64_MAX. Two rounds of independent compares instead
 * of a binary search's chain of dependent probes: the heads of the four
 * 8-key segments pick a segment, then its 8 keys are counted. Nothing
 * branches on data, and the node's lines, prefetched together, are read in
 * parallel. No span starts at INT64_MAX (a start lies below its end), so
 * counting up to min(x, INT64_MAX - 1) counts the same keys and never the
 * padding: the clamp sits on x, known before the node is, rather than on
 * the count at the end of the chain of loads. */
static inline int ivm__bt_count_le(const int64_t *k, int64_t x) {
  x = x < INT64_MAX ? x : INT64_MAX - 1;
  int seg = (k[8] <= x) + (k[16] <= x) + (k[24] <= x);
  const int64_t *s = k + 8 * seg;
  /* Summed as a tree, so the adds take three steps after the compares
   * rather than eight. */
  return 8 * seg +
         ((((s[0] <= x) + (s[1] <= x)) + ((s[2] <= x) + (s[3] <= x))) +
          (((s[4] <= x) + (s[5] <= x)) + ((s[6] <= x) + (s[7] <= x))));
}

/* Index of the last span of the leaf starting at or before x, -1 if none. */
static inline int ivm__bt_pred(const ivm__bt_leaf *l, int64_t x) {
  return ivm__bt_count_le(l->start, x) - 1;
}

/* Asks for the cache lines [from, to) of node x at once, so that a node
 * read right after arrives in the time of one miss rather than several. */
static inline void ivm__bt_prefetch(const void *x, size_t from, size_t to) {
  /* The bounds are constants where it is called: no loop remains. */
#pragma GCC unroll 16
  for (size_t off = from; off < to; off += 64)
    __builtin_prefetch((const char *)x + off);
}

/* Walks from the root to the leaf that holds the last span starting at or
 * before x (the leftmost leaf when there is none) and records the path.
 * Each node's keys and pointers (a leaf's spans) are fetched as soon as its
 * address is known. */
static inline ivm__bt_leaf *ivm__bt_descend(const ivm__bt *t, int64_t x,
                                            ivm__bt_path *p) {
  void *node = t->root;
  int depth = t->height - 1;
  for (int k = 0; k < depth; k++) {
    ivm__bt_inner *in = node;
    /* Child i holds the starts from key[i] to below key[i + 1] (child 0
     * also takes what lies below key[0]), so the child to take is the
     * number of keys after the first that are <= x. */
    int i = ivm__bt_count_le(in->key + 1, x);
    p->node[k] = in;
    p->idx[k] = i;
    __builtin_prefetch(&in->max[i]); /* read back when a mutation updates */
    node = in->child[i];
    if (k + 1 < depth) {
      ivm__bt_prefetch(node, 0, offsetof(ivm__bt_inner, max));
      ivm__bt_prefetch(node, offsetof(ivm__bt_inner, child),
                       sizeof(ivm__bt_inner));
    } else {
      ivm__bt_prefetch(node, 0, sizeof(ivm__bt_leaf));
    }
  }
  p->node[depth] = node;
  p->depth = depth;
  return node;
}

/* ---- The directory ------------------------------------------------------
 *
 * Most operations touch a single leaf and leave its first start and its
 * maximum as they were, so the inner nodes matter only for finding it. The
 * directory finds it without them: the coordinates from dir_base on are cut
 * into buckets of 2^dir_shift, and bucket b names the leaf that held the
 * bucket's middle key when last looked up. That is a hint, never trusted: a
 * leaf qualifies for [s, e] only if one of its spans starts at or before s
 * and its last span ends at or after e, which makes it the leaf a walk from
 * the root would reach for every key in [s, e]. Hints go stale as spans
 * move between leaves, which only costs a walk; they never dangle, because
 * a leaf that leaves the tree is kept (its first start set to INT64_MAX, so
 * that it never qualifies) until the directory is rebuilt without it. */

/* Called after a mutation that walked: builds, resizes, refills or drops
 * the directory as the tree now needs (btree_dir.c). */
void ivm__bt_dir_tend(ivm__bt *t);
/* Points the buckets whose middle key falls in leaf l's spans at l: called
 * when spans moved between leaves, so the hints stay mostly fresh. */
void ivm__bt_dir_note(const ivm__bt *t, ivm__bt_leaf *l);
/* Frees the directory, and the retired leaves it kept. */
void ivm__bt_dir_fini(ivm__bt *t);

/* The bucket of x, past dir_mask when x lies outside the directory. */
static inline uint64_t ivm__bt_bucket(const ivm__bt *t, int64_t x) {
  return ((uint64_t)x - (uint64_t)t->dir_base) >> t->dir_shift;
}

/* Half a bucket's width: a bucket's middle key lies this far into it. */
static inline uint64_t ivm__bt_half_bucket(const ivm__bt *t) {
  return ((uint64_t)1 << t->dir_shift) >> 1;
}

/* The middle key of bucket b, the one its hint is for. */
static inline int64_t ivm__bt_bucket_mid(const ivm__bt *t, uint64_t b) {
  return (int64_t)((uint64_t)t->dir_base + (b << t->dir_shift) +
                   ivm__bt_half_bucket(t));
}

/* Whether leaf l, named by the directory, holds a span starting at or
 * before x and ends its last span at or after y >= x: then every span of
 * another leaf starts before x or after y + 1 (spans never touch), and l is
 * the leaf a walk would reach. A retired leaf fails the first test. */
static inline bool ivm__bt_qualifies(const ivm__bt_leaf *l, int64_t x,
                                     int64_t y) {
  return l->start[0] <= x && y <= l->end[l->n - 1];
}

/* The leaf the directory names for [x, y] if it qualifies, else NULL. When
 * a leaf boundary lies between x and its bucket's middle, x's leaf is the
 * neighbour on x's side of the hinted one, which the bucket on that side
 * names; it is tried second. Hinting the middle rather than the first key
 * halves how often that happens: one operation in eight to ten, with 2 to
 * 4 buckets a leaf (btree_dir.c). In a tree too big for the cache, the
 * second leaf is fetched together with the first rather than after it,
 * which saves a miss to memory on those operations for some bandwidth; in
 * a small one it would only cost. */
static inline ivm__bt_leaf *ivm__bt_hinted(const ivm__bt *t, int64_t x,
                                           int64_t y) {
  uint64_t off = (uint64_t)x - (uint64_t)t->dir_base;
  uint64_t b = off >> t->dir_shift;
  if (!t->dir || b > t->dir_mask) return NULL;
  /* Computed, not branched on: x's half of its bucket is a coin toss. */
  uint64_t width = (uint64_t)1 << t->dir_shift;
  uint64_t upper = (off & (width - 1)) >= ivm__bt_half_bucket(t);
  uint64_t side = b + (upper & (b < t->dir_mask)) - (!upper & (b > 0));
  ivm__bt_leaf *l = t->dir[b], *other = t->dir[side];
  if (!l) return NULL;
  ivm__bt_prefetch(l, 0, sizeof *l);
  if (other && t->leaves > IVM_BT_FAR_LEAVES)
    ivm__bt_prefetch(other, 0, sizeof *other);
  if (ivm__bt_qualifies(l, x, y)) return l;
  return other && ivm__bt_qualifies(other, x, y) ? other : NULL;
}

/* The walk of ivm__bt_descend, its leaf recorded as the hint of x's
 * bucket if it holds the bucket's middle key. */
static inline ivm__bt_leaf *ivm__bt_descend_noting(const ivm__bt *t, int64_t x,
                                                   ivm__bt_path *p) {
  ivm__bt_leaf *l = ivm__bt_descend(t, x, p);
  uint64_t b = ivm__bt_bucket(t, x);
  if (t->dir && b <= t->dir_mask) {
    int64_t mid = ivm__bt_bucket_mid(t, b);
    if (ivm__bt_qualifies(l, mid, mid)) t->dir[b] = l;
  }
  return l;
}

/* The leaf for x: through the directory when the hint qualifies for
 * [x, y], the path then left unwalked; otherwise by a walk. */
static inline ivm__bt_leaf *ivm__bt_locate(const ivm__bt *t, int64_t x,
                                           int64_t y, ivm__bt_path *p) {
  ivm__bt_leaf *l = ivm__bt_hinted(t, x, y);
  if (l) {
    p->depth = -1;
    p->key = x;
    return l;
  }
  return ivm__bt_descend_noting(t, x, p);
}

/* Walks a path that ivm__bt_locate left unwalked. */
static inline void ivm__bt_walk(const ivm__bt *t, ivm__bt_path *p) {
  if (p->depth < 0) ivm__bt_descend(t, p->key, p);
}

/* The smallest start after the path's leaf, if any: the separator key of the
 * nearest subtree to the right, read without touching another leaf. */
static inline bool ivm__bt_next_start(const ivm__bt_path *p, int64_t *next) {
  for (int k = p->depth - 1; k >= 0; k--) {
    const ivm__bt_inner *in = p->node[k];
    if (p->idx[k] + 1 < in->n) {
      *next = in->key[p->idx[k] + 1];
      return true;
    }
  }
  return false;
}

/* Moves the path to the next leaf in order: up to the nearest ancestor with
 * a child further right, then down its leftmost edge. O(1) amortised over a
 * walk. False, with the path unchanged, at the last leaf. */
static inline bool ivm__bt_next_leaf(ivm__bt_path *p) {
  int k = p->depth - 1;
  while (k >= 0 && p->idx[k] + 1 >= ((const ivm__bt_inner *)p->node[k])->n) k--;
  if (k < 0) return false;
  p->idx[k]++;
  for (; k < p->depth; k++) {
    p->node[k + 1] = ((ivm__bt_inner *)p->node[k])->child[p->idx[k]];
    if (k + 1 < p->depth) p->idx[k + 1] = 0;
  }
  return true;
}

/* The maxima below scan all 32 slots, the unused ones counting as 0, four
 * at a time into four running maxima: no compare waits for the one before
 * it, and no loop ends at a count that no predictor knows. */

/* Length of the longest span of a leaf, 0 if empty. */
static inline int64_t ivm__bt_leaf_max(const ivm__bt_leaf *l) {
  int64_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
  for (int i = 0; i < IVM_BT_LEAF_CAP; i += 4) {
    m0 = ivm__max64(m0, l->end[i] - l->start[i]);
    m1 = ivm__max64(m1, l->end[i + 1] - l->start[i + 1]);
    m2 = ivm__max64(m2, l->end[i + 2] - l->start[i + 2]);
    m3 = ivm__max64(m3, l->end[i + 3] - l->start[i + 3]);
  }
  return ivm__max64(ivm__max64(m0, m1), ivm__max64(m2, m3));
}

/* Longest span below an inner node. */
static inline int64_t ivm__bt_inner_max(const ivm__bt_inner *in) {
  int64_t m0 = 0, m1 = 0, m2 = 0, m3 = 0;
  for (int i = 0; i < IVM_BT_INNER_CAP; i += 4) {
    m0 = ivm__max64(m0, in->max[i]);
    m1 = ivm__max64(m1, in->max[i + 1]);
    m2 = ivm__max64(m2, in->max[i + 2]);
    m3 = ivm__max64(m3, in->max[i + 3]);
  }
  return ivm__max64(ivm__max64(m0, m1), ivm__max64(m2, m3));
}

#endif /* IVM_BTREE_NODE_H */
