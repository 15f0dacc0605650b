/* treap.h - the treap interval manager's representation, shared by its
 * files: treap.c (the tree and the protocol operations), treap_pool.c (where
 * nodes live) and treap_check.c (validation, dump, counters). Users never
 * include it; they reach the treap as "treap" through ivm.h.
 *
 * Nodes are addressed by 32-bit index into one block from the allocator,
 * split in two parallel arrays: nodes[i] holds what a descent reads (the
 * span, the links, the priority, the count), 32 bytes so two share a cache
 * line and none straddles one; sums[i] holds the subtree summary, read only
 * by pull, by find's pruning and by the queries that follow it. The block
 * moves when it grows, so node pointers are valid only until the next
 * ivm__treap_pool_reserve; indices stay valid. Index 0 is the nil node: its
 * count and summary are the neutral element of the summary, so children are
 * read without testing for a missing one. */
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
  union {
    struct {
      uint32_t left, right; /* child indices, 0 for none */
    };
    uint32_t child[2];
  };
  uint32_t prio;  /* heap order: never below a child's */
  uint32_t count; /* spans in the subtree */
} ivm__treap_node;

/* The rest of the subtree's summary, parallel to the nodes. */
typedef struct ivm__treap_sum {
  int64_t max_len; /* longest span in the subtree (0 for nil) */
  int64_t min_len; /* shortest span in the subtree (INT64_MAX for nil) */
  int64_t total;   /* sum of the subtree's span lengths */
} ivm__treap_sum;

typedef struct ivm__treap {
  ivm base;
  char *block;            /* from the allocator: nodes, then sums */
  ivm__treap_node *nodes; /* nodes[0 .. cap), at a cache-line boundary */
  ivm__treap_sum *sums;   /* sums[0 .. cap) */
  uint32_t cap;       /* slots in the block, 0 before the first node */
  uint32_t carved;    /* slots handed out at least once, nil included */
  uint32_t free_head; /* first slot on the free list, 0 when empty */
  uint32_t nfree;     /* length of the free list */
  uint32_t grows;     /* times the block was allocated or moved */
  uint32_t root;      /* 0 when nothing is free */
  uint64_t rng;       /* splitmix64 state for priorities, from the seed */
  uint32_t *path;     /* a mutation's search path, path[0] the root */
  uint32_t path_cap;  /* grown during the search, before any change */
} ivm__treap;

static inline ivm__treap_node *ivm__treap_at(const ivm__treap *t, uint32_t i) {
  return &t->nodes[i];
}
static inline ivm__treap_sum *ivm__treap_sum_at(const ivm__treap *t,
                                                uint32_t i) {
  return &t->sums[i];
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

/* What node n's count and summary must be, from its span and its children:
 * the only code that derives a summary. ivm__treap_pull stores it; check()
 * compares it with what is stored. */
static inline void ivm__treap_summarize(const ivm__treap *t,
                                        const ivm__treap_node *n,
                                        ivm__treap_sum *s, uint32_t *count) {
  const ivm__treap_sum *l = ivm__treap_sum_at(t, n->left);
  const ivm__treap_sum *r = ivm__treap_sum_at(t, n->right);
  int64_t len = n->end - n->start;
  s->max_len = ivm__max64(len, ivm__max64(l->max_len, r->max_len));
  s->min_len = ivm__min64(len, ivm__min64(l->min_len, r->min_len));
  s->total = l->total + len + r->total;
  *count = ivm__treap_at(t, n->left)->count + 1 +
           ivm__treap_at(t, n->right)->count;
}

/* Recomputes node i's summary from its children; every structural change
 * calls it bottom-up on the nodes it touched. Returns whether max_len or
 * min_len changed: when they did not, an ancestor's can change only through
 * another child, so a caller fixing a path may stop pulling there and only
 * adjust total and count by the known difference. */
static inline bool ivm__treap_pull(ivm__treap *t, uint32_t i) {
  ivm__treap_node *n = ivm__treap_at(t, i);
  ivm__treap_sum *s = ivm__treap_sum_at(t, i), old = *s;
  ivm__treap_summarize(t, n, s, &n->count);
  return s->max_len != old.max_len || s->min_len != old.min_len;
}

/* ---- Validation and inspection (treap_check.c) ------------------------- */

int ivm__treap_check(const ivm *m, char *why, size_t why_len);
void ivm__treap_dump(const ivm *m, FILE *out);
size_t ivm__treap_counters(const ivm *m, ivm_counter *out, size_t cap);

#endif /* IVM_TREAP_H */
