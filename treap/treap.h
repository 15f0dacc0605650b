/* treap.h - the treap interval manager's representation, shared by its
 * files: treap.c (the tree and the protocol operations), treap_pool.c (where
 * nodes live) and treap_check.c (validation, dump, counters). Users never
 * include it; they reach the treap as "treap" through ivm.h.
 *
 * Nodes are addressed by 32-bit index into one block from the allocator,
 * split in two parallel arrays: nodes[i] holds what a descent reads (the
 * span, the links and the longest span below), 32 bytes so two share a
 * cache line and none straddles one; mins[i] holds the shortest span below,
 * read only when a summary is updated and by the queries about short spans.
 * A first-fit descent reads a subtree's maximum from the line that holds
 * the node itself, so pruning costs no extra load. The block moves when it
 * grows, so node pointers are valid only until the next
 * ivm__treap_pool_reserve; indices stay valid. Index 0 is the nil node: its
 * maximum and minimum are the neutral elements of the summary, so children
 * are read without testing for a missing one.
 *
 * A node's priority is not stored: it is a bijective hash of its index and
 * the seed (ivm__treap_prio), so priorities are distinct, independent of
 * the keys, and the same seed and operations give the same shape. The
 * tree's total and span count are kept once, in the treap, not per node. */
#ifndef IVM_TREAP_H
#define IVM_TREAP_H

#include "ivm_internal.h"

/* The cache-line size the node array is aligned to. */
enum { IVM__TREAP_LINE = 64 };

/* One free span [start, end), keyed by start. child[0] is left, child[1]
 * right, so a descent picks the next index without a branch. A node on the
 * pool's free list chains the next free index through left. */
typedef struct ivm__treap_node {
  int64_t start, end;
  int64_t max_len; /* longest span in the subtree (0 for nil) */
  union {
    struct {
      uint32_t left, right; /* child indices, 0 for none */
    };
    uint32_t child[2];
  };
} ivm__treap_node;

typedef struct ivm__treap {
  ivm base;
  char *block;            /* from the allocator: nodes, then mins */
  ivm__treap_node *nodes; /* nodes[0 .. cap), at a cache-line boundary */
  int64_t *mins;   /* mins[i]: shortest span in i's subtree (INT64_MAX: nil) */
  uint32_t cap;    /* slots in the block, 0 before the first node */
  uint32_t carved; /* slots handed out at least once, nil included */
  uint32_t free_head; /* first slot on the free list, 0 when empty */
  uint32_t nfree;     /* length of the free list */
  uint32_t grows;     /* times the block was allocated or moved */
  uint32_t root;      /* 0 when nothing is free */
  uint32_t prio_key;  /* from the seed: mixed into every priority */
  int64_t total;      /* sum of the span lengths */
  int64_t count;      /* spans in the tree */
  uint32_t *path;     /* a mutation's search path, path[0] the root */
  uint32_t path_cap;  /* grown during the search, before any change */
} ivm__treap;

static inline ivm__treap_node *ivm__treap_at(const ivm__treap *t, uint32_t i) {
  return &t->nodes[i];
}

/* Node i's priority: heap order keeps it at least its children's. The
 * murmur3 finalizer is a bijection of 32-bit words, so distinct indices
 * never tie. */
static inline uint32_t ivm__treap_prio(const ivm__treap *t, uint32_t i) {
  uint32_t h = i ^ t->prio_key;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

/* ---- The node pool (treap_pool.c) -------------------------------------- */

/* Makes sure one node can be taken without allocating; grows the block if
 * needed, which moves it (indices stay valid, node pointers do not).
 * IVM_NOMEM leaves the pool and its byte count as they were. */
int ivm__treap_pool_reserve(ivm__treap *t);
/* Takes a slot; ivm__treap_pool_reserve must have succeeded since the last
 * take. The slot's contents are left to the caller. */
uint32_t ivm__treap_pool_take(ivm__treap *t);
/* Gives a slot back. */
void ivm__treap_pool_put(ivm__treap *t, uint32_t i);
/* Frees the block. */
void ivm__treap_pool_fini(ivm__treap *t);
/* Bytes the pool holds from the allocator. */
size_t ivm__treap_pool_bytes(const ivm__treap *t);

/* Every byte the instance holds from the allocator, itself included. */
static inline size_t ivm__treap_bytes(const ivm__treap *t) {
  return sizeof *t + ivm__treap_pool_bytes(t) + t->path_cap * sizeof *t->path;
}

/* ---- The summary ------------------------------------------------------- */

/* What node n's longest and shortest span below must be, from its span and
 * its children: the only code that derives a summary. ivm__treap_pull
 * stores it; check() compares it with what is stored. */
static inline void ivm__treap_summarize(const ivm__treap *t,
                                        const ivm__treap_node *n,
                                        int64_t *max_len, int64_t *min_len) {
  int64_t len = n->end - n->start;
  *max_len = ivm__max64(len, ivm__max64(ivm__treap_at(t, n->left)->max_len,
                                        ivm__treap_at(t, n->right)->max_len));
  *min_len = ivm__min64(len, ivm__min64(t->mins[n->left], t->mins[n->right]));
}

/* Recomputes node i's summary from its children; every structural change
 * calls it bottom-up on the nodes it touched. Returns whether it changed:
 * when it did not, no ancestor's can change through i, so a caller fixing a
 * path stops there (the Linux augmented rbtree's early stop). */
static inline bool ivm__treap_pull(ivm__treap *t, uint32_t i) {
  ivm__treap_node *n = ivm__treap_at(t, i);
  int64_t max_len, min_len;
  ivm__treap_summarize(t, n, &max_len, &min_len);
  bool changed = max_len != n->max_len || min_len != t->mins[i];
  n->max_len = max_len;
  t->mins[i] = min_len;
  return changed;
}

/* ---- Validation and inspection (treap_check.c) ------------------------- */

int ivm__treap_check(const ivm *m, char *why, size_t why_len);
void ivm__treap_dump(const ivm *m, FILE *out);
size_t ivm__treap_counters(const ivm *m, ivm_counter *out, size_t cap);

#endif /* IVM_TREAP_H */
