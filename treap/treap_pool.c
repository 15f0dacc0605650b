/* treap_pool.c - where treap nodes live: fixed-size chunks from the
 * allocator hook, a chunk table, and a free list of given-back slots.
 *
 *   chunks[0]: [nil][1][2] ... [255]      index i = chunk (i >> 8), slot (i & 255)
 *   chunks[1]: [256][257] ...  [511]
 *   ...
 *   free_head -> 17 -> 3 -> 0             chained through left
 *
 * Invariants: slots [1, carved) are each either in the tree or on the free
 * list, never both; nfree is the free list's length; carved <=
 * nchunks * CHUNK_NODES; slot 0 of the first chunk is the nil node from the
 * moment that chunk exists. Chunks are only freed by fini, so the pool keeps
 * its high-water mark, and far fewer allocator calls than one per node. */
#include "treap.h"

#define CHUNK_BYTES (IVM__TREAP_CHUNK_NODES * sizeof(ivm__treap_node))
/* Indices are 32-bit: the last chunk must end at or below UINT32_MAX. */
#define MAX_CHUNKS ((uint32_t)(UINT32_MAX >> IVM__TREAP_CHUNK_SHIFT))

int ivm__treap_pool_reserve(ivm__treap *t) {
  if (t->free_head || t->carved < t->nchunks * IVM__TREAP_CHUNK_NODES)
    return IVM_OK;
  if (t->nchunks == MAX_CHUNKS) return IVM_NOMEM;
  /* The chunk first, then room in the table: if the table cannot grow the
   * chunk goes back, so a failure leaves the byte count as it was. */
  ivm__treap_node *chunk = ivm__alloc(&t->base, CHUNK_BYTES);
  if (!chunk) return IVM_NOMEM;
  if (t->nchunks == t->chunk_cap) {
    uint32_t cap = t->chunk_cap ? t->chunk_cap * 2 : 8;
    if (cap > MAX_CHUNKS) cap = MAX_CHUNKS;
    ivm__treap_node **table =
        ivm__realloc(&t->base, t->chunks, t->chunk_cap * sizeof *table,
                     cap * sizeof *table);
    if (!table) {
      ivm__free(&t->base, chunk, CHUNK_BYTES);
      return IVM_NOMEM;
    }
    t->chunks = table;
    t->chunk_cap = cap;
  }
  t->chunks[t->nchunks++] = chunk;
  if (t->carved == 0) {
    chunk[0] = (ivm__treap_node){.min_len = INT64_MAX};
    t->carved = 1;
  }
  return IVM_OK;
}

uint32_t ivm__treap_pool_take(ivm__treap *t) {
  uint32_t i = t->free_head;
  if (i) {
    t->free_head = ivm__treap_at(t, i)->left;
    t->nfree--;
    return i;
  }
  return t->carved++;
}

void ivm__treap_pool_put(ivm__treap *t, uint32_t i) {
  ivm__treap_at(t, i)->left = t->free_head;
  t->free_head = i;
  t->nfree++;
}

void ivm__treap_pool_fini(ivm__treap *t) {
  for (uint32_t c = 0; c < t->nchunks; c++)
    ivm__free(&t->base, t->chunks[c], CHUNK_BYTES);
  ivm__free(&t->base, t->chunks, t->chunk_cap * sizeof *t->chunks);
}

size_t ivm__treap_pool_bytes(const ivm__treap *t) {
  return t->chunk_cap * sizeof *t->chunks +
         (size_t)t->nchunks * CHUNK_BYTES;
}
