/* summary_index.h - the summary tree's representation, shared by its files:
 * summary_pool.c (where nodes live), summary_index.c (the two intrusive AVL
 * trees: the address tree with subtree summaries, and the size index) and
 * summary_tree.c (the protocol operations). Users never include it; they
 * reach this manager as "summary" through ivm.h.
 *
 * Every free span is one 64-byte node, addressed by a 32-bit pool index.
 * link[IVM__BY_ADDR] links every node into the address tree, by start.
 * link[IVM__BY_SIZE] links it into the size index, by (length, start), or,
 * while the size index has not caught up with the node, into the pending
 * list (see ivm__sidx_catch_up). Index 0 is the nil node, whose summary is
 * the neutral element of summarize(), so children are read without testing
 * for a missing one.
 *
 * Index i lives at slabs[i >> IVM__SLAB_SHIFT].nodes[i & IVM__SLAB_MASK]. Slabs
 * after the first never move; the first grows by reallocation until it is
 * full size, so a node pointer stays valid until the next
 * ivm__spool_reserve() (or until the node is given back). */
#ifndef IVM_SUMMARY_INDEX_H
#define IVM_SUMMARY_INDEX_H

#include "ivm_internal.h"

enum { IVM__BY_ADDR = 0, IVM__BY_SIZE = 1 };

enum {
  IVM__SLAB_SHIFT = 10,
  IVM__SLAB_NODES = 1 << IVM__SLAB_SHIFT,
  IVM__SLAB_MASK = IVM__SLAB_NODES - 1,
  /* The sparsest AVL tree of height h has F(h+2) - 1 nodes (F: Fibonacci),
   * so a tree of fewer than 2^32 nodes is at most 45 high. Paths and
   * iteration stacks are sized by this bound; check() reports deeper trees
   * (a cycle or lost balance) instead of walking them. */
  IVM__MAX_DEPTH = 48
};

/* One free span [start, end). The summary fields describe the node's
 * subtree in the address tree:
 *   max_len, max_node  the longest span, lowest start among equals;
 *   min_len            the shortest length;
 *   first, last        the leftmost and rightmost node, i.e. where the first
 *                      start and the last end are read.
 * Lengths are values because they are what changes when a span is resized
 * in place; which node is first, last or longest is an identity, so a span
 * may move its bounds without touching the ancestors' copies of it. Total
 * and count are additive and kept once for the whole tree (see
 * ivm__summary_tree).
 *
 * A pending node has height[IVM__BY_SIZE] == 0 (an indexed one at least 1)
 * and link[IVM__BY_SIZE] = {next, previous} on the pending list. A node on
 * the pool's free list has both heights 0 and chains the next free index
 * through link[IVM__BY_ADDR][0]. */
typedef struct ivm__snode {
  int64_t start, end;
  int64_t max_len; /* 0 for nil */
  int64_t min_len; /* INT64_MAX for nil */
  uint32_t max_node, first, last;
  uint32_t link[2][2]; /* [IVM__BY_ADDR or IVM__BY_SIZE][0 left, 1 right] */
  uint8_t height[2];   /* AVL height in each tree; 0 for nil */
} ivm__snode;

/* A slab's nodes start on a 64-byte boundary, so a node is one cache line:
 * the allocator hook promises no such alignment, so a slab is allocated
 * with room to spare and raw is what it returned. */
typedef struct ivm__sslab {
  ivm__snode *nodes;
  void *raw;
} ivm__sslab;

typedef struct ivm__spool {
  ivm__sslab *slabs; /* slabs[0 .. nslabs) */
  uint32_t nslabs, slab_cap;
  uint32_t first_cap; /* nodes in slabs[0]; IVM__SLAB_NODES once it is full */
  uint32_t used;      /* indices handed out at least once, nil included */
  uint32_t free_head; /* 0 when the free list is empty */
} ivm__spool;

/* The instance. Total and count change with every mutation, so keeping them
 * per node would make every update walk to the root (the early stop of the
 * summary propagation could never fire) and cost 12 bytes a node; they are
 * exact here, updated by each mutation's delta. */
typedef struct ivm__summary_tree {
  ivm base;
  ivm__spool pool;
  uint32_t root[2]; /* [IVM__BY_ADDR], [IVM__BY_SIZE]; 0 when empty */
  uint32_t pending; /* first node the size index has not caught up with */
  int64_t total;    /* sum of the span lengths */
  int64_t count;    /* number of spans = live nodes */
} ivm__summary_tree;

static inline ivm__snode *ivm__snode_at(const ivm__spool *p, uint32_t i) {
  return &p->slabs[i >> IVM__SLAB_SHIFT].nodes[i & IVM__SLAB_MASK];
}

static inline int64_t ivm__snode_len(const ivm__snode *n) {
  return n->end - n->start;
}

/* ---- The node pool (summary_pool.c) ------------------------------------ */

/* Makes sure one node can be taken without allocating. IVM_NOMEM leaves the
 * pool as it was. May move slabs[0]: node pointers taken before are stale. */
int ivm__spool_reserve(ivm__spool *p, const ivm *m);
/* Takes a node; ivm__spool_reserve() must have succeeded since the last
 * take. Its contents are left to the caller. */
uint32_t ivm__spool_take(ivm__spool *p);
/* Gives a node back to the free list. */
void ivm__spool_put(ivm__spool *p, uint32_t i);
/* Frees every slab and the slab table. */
void ivm__spool_fini(ivm__spool *p, const ivm *m);
/* Bytes held: slabs and slab table. */
size_t ivm__spool_bytes(const ivm__spool *p);
/* The nil node is neutral and every handed-out index is either one of the
 * `live` nodes or on the free list, exactly once. */
int ivm__spool_check(const ivm__spool *p, int64_t live, char *why,
                     size_t why_len);

/* ---- The two trees (summary_index.c) ----------------------------------- */

/* Links node x, whose span is set, into one tree. O(log n). */
void ivm__sidx_insert(ivm__summary_tree *t, int tree, uint32_t x);
/* Unlinks node x from one tree. In the size index, call it before x's
 * length changes: the descent looks for x by its current key. O(log n). */
void ivm__sidx_erase(ivm__summary_tree *t, int tree, uint32_t x);

/* The size index follows lengths lazily. A new node, or one whose length is
 * about to change, goes on the pending list in O(1) (an indexed one leaves
 * the size index first, O(log n), once); ivm__sidx_catch_up() indexes the
 * pending nodes when best fit needs them. */

/* x is new (linked in the address tree only): make it pending. */
void ivm__sidx_pend(ivm__summary_tree *t, uint32_t x);
/* x's length is about to change: make it pending unless it is already. */
void ivm__sidx_resizing(ivm__summary_tree *t, uint32_t x);
/* x is about to be removed: out of the size index or the pending list. */
void ivm__sidx_forget(ivm__summary_tree *t, uint32_t x);
/* Indexes every pending node. O(log n) each. */
void ivm__sidx_catch_up(ivm__summary_tree *t);
/* x's span changed without changing its place in the address order:
 * re-summarizes from x towards the root, stopping where nothing changed. */
void ivm__sidx_refresh(ivm__summary_tree *t, uint32_t x);
/* The last node with start <= key and the first with start > key (0 when
 * there is none), in one descent. */
void ivm__sidx_around(const ivm__summary_tree *t, int64_t key, uint32_t *pred,
                      uint32_t *succ);
/* The first node with start > key, or 0. */
uint32_t ivm__sidx_next(const ivm__summary_tree *t, int64_t key);
/* The first node of the size index with length >= len: the smallest such
 * span, lowest start among equals; 0 when none. Only meaningful when no
 * node is pending. */
uint32_t ivm__sidx_best_fit(const ivm__summary_tree *t, int64_t len);
/* Both trees: order, AVL balance and heights, every cached summary against
 * summarize(); the pending list's links; and that the size index and the
 * pending list hold exactly the address tree's nodes, each once.
 * IVM_CORRUPT with the reason in why. */
int ivm__sidx_check(const ivm__summary_tree *t, char *why, size_t why_len);
/* Prints both trees, indented, with each address node's summary, and the
 * pending list. */
void ivm__sidx_dump(const ivm__summary_tree *t, FILE *out);

#endif /* IVM_SUMMARY_INDEX_H */
