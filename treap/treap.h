/* treap.h - the treap interval manager's representation, shared by its
 * files: treap.c (the tree and the protocol operations), treap_pool.c (where
 * nodes live) and treap_check.c (validation, dump, counters). Users never
 * include it; they reach the treap as "treap" through ivm.h.
 *
 * Nodes are addressed by 32-bit index rather than by pointer, which keeps a
 * node at 56 bytes. Index i lives in chunk i >> IVM__TREAP_CHUNK_SHIFT; chunks
 * never move once allocated, so a node pointer stays valid until the node is
 * given back to the pool. Index 0 is the nil node (slot 0 of the first chunk):
 * its summary is the neutral element of pull(), so summaries of children are
 * read without testing for a missing child. */
#ifndef IVM_TREAP_H
#define IVM_TREAP_H

#include "ivm_internal.h"

enum {
  IVM__TREAP_CHUNK_SHIFT = 8,
  IVM__TREAP_CHUNK_NODES = 1 << IVM__TREAP_CHUNK_SHIFT
};

/* One free span [start, end), keyed by start, with the summary of the
 * subtree it roots. A node on the pool's free list chains the next free
 * index through left. */
typedef struct ivm__treap_node {
  int64_t start, end;
  int64_t max_len;      /* longest span in the subtree (0 for nil) */
  int64_t min_len;      /* shortest span in the subtree (INT64_MAX for nil) */
  int64_t total;        /* sum of the subtree's span lengths */
  uint32_t left, right; /* child indices, 0 for none */
  uint32_t prio;        /* heap order: never below a child's */
  uint32_t count;       /* spans in the subtree */
} ivm__treap_node;

typedef struct ivm__treap {
  ivm base;
  ivm__treap_node **chunks; /* chunk table: chunks[0 .. nchunks) */
  uint32_t nchunks, chunk_cap;
  uint32_t carved;    /* slots handed out at least once, nil included */
  uint32_t free_head; /* first slot on the free list, 0 when empty */
  uint32_t nfree;     /* length of the free list */
  uint32_t root;      /* 0 when nothing is free */
  uint64_t rng;       /* splitmix64 state for priorities, from the seed */
  uint32_t *path;     /* a mutation's search path, path[0] the root */
  uint32_t path_cap;  /* grown during the search, before any change */
} ivm__treap;

static inline ivm__treap_node *ivm__treap_at(const ivm__treap *t, uint32_t i) {
  return &t->chunks[i >> IVM__TREAP_CHUNK_SHIFT]
                   [i & (IVM__TREAP_CHUNK_NODES - 1)];
}

/* ---- The node pool (treap_pool.c) -------------------------------------- */

/* Makes sure one node can be taken without allocating; allocates a chunk if
 * needed. IVM_NOMEM leaves the pool and its byte count as they were. */
int ivm__treap_pool_reserve(ivm__treap *t);
/* Takes a slot; ivm__treap_pool_reserve must have succeeded since the last
 * take. The slot's contents are left to the caller. */
uint32_t ivm__treap_pool_take(ivm__treap *t);
/* Gives a slot back. */
void ivm__treap_pool_put(ivm__treap *t, uint32_t i);
/* Frees every chunk and the chunk table. */
void ivm__treap_pool_fini(ivm__treap *t);
/* Bytes the pool holds from the allocator: chunks and chunk table. */
size_t ivm__treap_pool_bytes(const ivm__treap *t);

/* Every byte the instance holds from the allocator, itself included. */
static inline size_t ivm__treap_bytes(const ivm__treap *t) {
  return sizeof *t + ivm__treap_pool_bytes(t) + t->path_cap * sizeof *t->path;
}

/* ---- The summary ------------------------------------------------------- */

/* Recomputes n's summary from its span and its children: the only code that
 * writes max_len, min_len, total and count. Every structural change calls it
 * bottom-up on the nodes it touched; check() calls it on a copy to compare. */
static inline void ivm__treap_pull(const ivm__treap *t, ivm__treap_node *n) {
  const ivm__treap_node *l = ivm__treap_at(t, n->left);
  const ivm__treap_node *r = ivm__treap_at(t, n->right);
  int64_t len = n->end - n->start;
  n->max_len = ivm__max64(len, ivm__max64(l->max_len, r->max_len));
  n->min_len = ivm__min64(len, ivm__min64(l->min_len, r->min_len));
  n->total = l->total + len + r->total;
  n->count = l->count + 1 + r->count;
}

/* ---- Validation and inspection (treap_check.c) ------------------------- */

int ivm__treap_check(const ivm *m, char *why, size_t why_len);
void ivm__treap_dump(const ivm *m, FILE *out);
size_t ivm__treap_counters(const ivm *m, ivm_counter *out, size_t cap);

#endif /* IVM_TREAP_H */
