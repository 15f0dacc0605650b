/* summary_index.h - the summary tree's representation, shared by its files:
 * summary_pool.c (where nodes live), summary_index.c (the two intrusive AVL
 * trees: the address tree with subtree summaries, and the size index) and
 * summary_tree.c (the protocol operations). Users never include it; they
 * reach this manager as "summary" through ivm.h.
 *
 * Every free span is one node, addressed by a 32-bit pool index, in two
 * parts: a 48-byte ivm__snode with the span, the address tree's links and
 * the subtree summary, which every search reads, and an 8-byte ivm__slink
 * with the size index's links, which only best fit and the lengths' changes
 * touch. Keeping the second part apart makes the nodes a search walks
 * smaller, so more of them share the caches, and lets a manager that is
 * never asked for a best fit go without it: the links, and the size index
 * with them, appear with the first best fit (ivm__sidx_open). From then on
 * the size links hold the node's place in the size index, by (length,
 * start), or, while the size index has not caught up with the node, in the
 * pending list (see ivm__sidx_catch_up). Index 0 is the nil node, whose
 * summary is the neutral element of summarize(), so children are read
 * without testing for a missing one.
 *
 * Index i lives at nodes[i] and links[i] of the pool's two blocks, which
 * move when they grow: a node pointer stays valid until the next
 * ivm__spool_reserve() (or until the node is given back). */
#ifndef IVM_SUMMARY_INDEX_H
#define IVM_SUMMARY_INDEX_H

#include "ivm_internal.h"

enum { IVM__BY_ADDR = 0, IVM__BY_SIZE = 1 };

/* The sparsest AVL tree of height h has F(h+2) - 1 nodes (F: Fibonacci),
 * so a tree of fewer than 2^32 nodes is at most 45 high. Paths and
 * iteration stacks are sized by this bound; check() reports deeper trees
 * (a cycle or lost balance) instead of walking them. */
enum { IVM__MAX_DEPTH = 48 };

/* One free span [start, end) and its place in the address tree. The
 * summary fields describe the node's subtree there: max_len, the longest
 * length, which lets a search skip a subtree that cannot fit, and min_len,
 * the shortest. What the whole tree needs only once (total, count, the
 * first, the last and the largest node) is kept in ivm__summary_tree
 * instead: per node it would cost bytes and make more updates climb to the
 * root. Which node is largest, in particular, changes whenever two equally
 * long spans trade places, and tracking it per node cost a tenth of the
 * time of the standard mix.
 *
 * start and link come first: every search reads them, and within 16 bytes
 * they share a cache line at any offset a 48-byte node can have; find also
 * reads end and max_len. A pending node has height[IVM__BY_SIZE] == 0 (an
 * indexed one at least 1). A node on the pool's free list has both heights
 * 0 and chains the next free index through link[0]. */
typedef struct ivm__snode {
  int64_t start;
  uint32_t link[2]; /* address tree: [0] left, [1] right */
  int64_t end;
  int64_t max_len;   /* 0 for nil */
  int64_t min_len;   /* INT64_MAX for nil */
  uint8_t height[2]; /* AVL height in [IVM__BY_ADDR], [IVM__BY_SIZE]; 0: nil */
} ivm__snode;

/* The size index's links of a node, [0] left and [1] right, or, while the
 * node is pending, {next, previous} on the pending list. */
typedef struct ivm__slink {
  uint32_t link[2];
} ivm__slink;

/* The nodes start on a 64-byte boundary, so that four of them take exactly
 * three cache lines: the allocator hook promises no such alignment, so
 * their block is allocated with room to spare and raw is what it returned.
 * The links have a block of their own, absent until the first best fit. */
typedef struct ivm__spool {
  ivm__snode *nodes;  /* cap nodes */
  void *raw;          /* their block */
  ivm__slink *links;  /* links_cap >= cap links, or NULL */
  uint32_t cap;       /* nodes the block holds; 0 before the first span */
  uint32_t links_cap; /* links the links' block holds */
  uint32_t used;      /* indices handed out at least once, nil included */
  uint32_t free_head; /* 0 when the free list is empty */
} ivm__spool;

/* The instance. Total and count change with every mutation, so keeping them
 * per node would make every update walk to the root (the early stop of the
 * summary propagation could never fire); they are exact here, updated by
 * each mutation's delta. first and last change only when a span is added
 * or removed at either end, which the address tree sees on its path.
 * largest changes when a span grows past it, or when it shrinks or goes;
 * then a descent along the subtree maxima finds the new one. */
typedef struct ivm__summary_tree {
  ivm base;
  ivm__spool pool;
  uint32_t root[2]; /* [IVM__BY_ADDR], [IVM__BY_SIZE]; 0 when empty */
  uint32_t first;   /* the leftmost node of the address tree; 0 when empty */
  uint32_t last;    /* the rightmost */
  uint32_t largest; /* the longest span, lowest start among equals */
  uint32_t pending; /* first node the size index has not caught up with */
  int64_t total;    /* sum of the span lengths */
  int64_t count;    /* number of spans = live nodes */
} ivm__summary_tree;

static inline ivm__snode *ivm__snode_at(const ivm__spool *p, uint32_t i) {
  return &p->nodes[i];
}

static inline ivm__slink *ivm__slink_at(const ivm__spool *p, uint32_t i) {
  return &p->links[i];
}

static inline int64_t ivm__snode_len(const ivm__snode *n) {
  return n->end - n->start;
}

/* The address of the child that a search for key descends to from a node
 * starting at start: rn, the right child's, when start <= key, else ln.
 * The direction is a coin toss, and this choice lies on the chain from one
 * node's load to the next, so it is a conditional move, ready a cycle after
 * the comparison: a branch mispredicts half the time, and masks take five
 * cycles. GCC makes a branch of every C form of it in a loop like the
 * searches', hence the x86-64 instructions; elsewhere, masks. */
static inline uintptr_t ivm__sdescend(int64_t start, int64_t key, uintptr_t ln,
                                      uintptr_t rn) {
#if defined(__GNUC__) && defined(__x86_64__)
  __asm__("cmpq %[key], %[start]\n\tcmovle %[rn], %[ln]"
          : [ln] "+r"(ln)
          : [rn] "r"(rn), [key] "r"(key), [start] "r"(start)
          : "cc");
  return ln;
#else
  return ln + ((rn - ln) & -(uintptr_t)(start <= key));
#endif
}

/* ---- The node pool (summary_pool.c) ------------------------------------ */

/* Makes sure one node can be taken without allocating. IVM_NOMEM leaves the
 * pool as it was. May move the blocks: node pointers taken before are
 * stale. */
int ivm__spool_reserve(ivm__spool *p, const ivm *m);
/* Gives every node, present and to come, its size links, zeroed for nil.
 * Needs a block (a first span). IVM_NOMEM leaves the pool as it was. */
int ivm__spool_add_links(ivm__spool *p, const ivm *m);
/* Takes a node; ivm__spool_reserve() must have succeeded since the last
 * take. Its contents are left to the caller. */
uint32_t ivm__spool_take(ivm__spool *p);
/* Gives a node back to the free list. */
void ivm__spool_put(ivm__spool *p, uint32_t i);
/* Frees the blocks. */
void ivm__spool_fini(ivm__spool *p, const ivm *m);
/* Bytes held: the blocks. */
size_t ivm__spool_bytes(const ivm__spool *p);
/* The nil node is neutral and every handed-out index is either one of the
 * `live` nodes or on the free list, exactly once. */
int ivm__spool_check(const ivm__spool *p, int64_t live, char *why,
                     size_t why_len);

/* ---- The address tree (summary_index.c) -------------------------------- */

/* A root-to-leaf search path in the address tree, as ivm__saddr_seek()
 * leaves it: node[k + 1] is node[k]'s child on side dir[k], and the path
 * ends where a node with the sought key would be linked. pred and succ are
 * the positions on it of the last node with start <= key and of the first
 * with start > key, or -1; both are on the path because the search passes
 * every node it could return. A path whose depth is -1 is stale: the tree
 * changed shape after it was taken. */
typedef struct ivm__spath {
  uint32_t node[IVM__MAX_DEPTH];
  uint8_t dir[IVM__MAX_DEPTH];
  int depth, pred, succ;
} ivm__spath;

/* The path of key. O(log n). */
void ivm__saddr_seek(const ivm__summary_tree *t, int64_t key, ivm__spath *p);
/* Links node x, whose span is set (the rest is set here), where p ends,
 * which must be x's place in the order. changed_at is the position on p of a
 * node whose span changed in place without re-summarizing (p->depth when none):
 * the repair re-summarizes every node from the new leaf up to it. p is stale
 * after. O(log n). */
void ivm__saddr_link(ivm__summary_tree *t, ivm__spath *p, uint32_t x,
                     int changed_at);
/* Unlinks p->node[k]; the positions above k are its ancestors. p is stale
 * after. O(log n). */
void ivm__saddr_unlink(ivm__summary_tree *t, ivm__spath *p, int k);
/* The span of p->node[k] changed without changing its place in the order:
 * re-summarizes it and its ancestors, stopping where nothing changed.
 * O(log n), O(1) when the change does not alter the node's summary. */
void ivm__saddr_resummarize(ivm__summary_tree *t, const ivm__spath *p, int k);
/* The position of the node after p->node[k] in order, or -1: the leftmost
 * node of its right subtree, which p then leads to instead of where it led
 * below k, or else its nearest ancestor it lies left of. Positions up to k
 * keep their nodes, so the returned one and k both stay usable; depth, pred
 * and succ no longer describe a search. O(log n). */
int ivm__saddr_step(const ivm__summary_tree *t, ivm__spath *p, int k);

/* The leftmost node with length >= len in the subtree at i, whose max_len
 * is at least len, found by following the subtree maxima. O(log n). */
uint32_t ivm__saddr_leftmost_fit(const ivm__summary_tree *t, uint32_t i,
                                 int64_t len);

/* The largest span, t->largest, follows the lengths: call
 * ivm__saddr_resized() after a node changes its length in place (link and
 * unlink see to new and removed nodes), and ivm__saddr_settle() once a
 * mutation is done. In between, 0 may stand for "to be found again". */
void ivm__saddr_resized(ivm__summary_tree *t, uint32_t x, int64_t was);
/* Finds the largest span again if a mutation left it unknown. O(1), or
 * O(log n) when the largest shrank or went. */
void ivm__saddr_settle(ivm__summary_tree *t);

/* ---- The size index (summary_index.c) ---------------------------------- */

/* The size index follows lengths lazily. A new node, or one whose length is
 * about to change, goes on the pending list in O(1) (an indexed one leaves
 * the size index first, O(log n), once); ivm__sidx_catch_up() indexes the
 * pending nodes when best fit needs them. Until ivm__sidx_open() there are
 * no size links, no size index and no pending list: every node is marked
 * not indexed, and the three below only keep it so. */

/* Opens the size index: every node gets its size links and goes pending.
 * O(n) once, paid by the mutations that made the nodes; IVM_NOMEM (or an
 * empty manager) leaves it closed. */
int ivm__sidx_open(ivm__summary_tree *t);

/* x is new (linked in the address tree only): make it pending (with no
 * size links, just mark it not indexed). */
void ivm__sidx_pend(ivm__summary_tree *t, uint32_t x);
/* x's length is about to change: make it pending unless it is already. */
void ivm__sidx_resizing(ivm__summary_tree *t, uint32_t x);
/* x is about to be removed: out of the size index or the pending list. */
void ivm__sidx_forget(ivm__summary_tree *t, uint32_t x);
/* Indexes every pending node. O(log n) each. */
void ivm__sidx_catch_up(ivm__summary_tree *t);
/* Links node x, which is on no list, into the size index by its current
 * (length, start). O(log n). */
void ivm__sidx_insert(ivm__summary_tree *t, uint32_t x);
/* Unlinks indexed node x from the size index; call it before x's length
 * changes: the descent looks for x by its current key. O(log n). */
void ivm__sidx_erase(ivm__summary_tree *t, uint32_t x);
/* The first node of the size index with length >= len: the smallest such
 * span, lowest start among equals; 0 when none. Only meaningful when no
 * node is pending. */
uint32_t ivm__sidx_best_fit(const ivm__summary_tree *t, int64_t len);

/* ---- check() and dump() (summary_index.c) ------------------------------ */

/* Both trees: order, AVL balance and heights, every cached summary against
 * summarize(), first, last and largest; the pending list's links; and that
 * the size index and the pending list hold exactly the address tree's
 * nodes, each once (or, before the first best fit, that there is neither).
 * IVM_CORRUPT with the reason in why. */
int ivm__sidx_check(const ivm__summary_tree *t, char *why, size_t why_len);
/* Prints both trees, indented, with each address node's summary, and the
 * pending list; "not opened" for a size index not opened yet. */
void ivm__sidx_dump(const ivm__summary_tree *t, FILE *out);

#endif /* IVM_SUMMARY_INDEX_H */
