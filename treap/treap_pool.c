/* treap_pool.c - where treap nodes live: one block from the allocator hook
 * holding the node array and, after it, the parallel array of minima; a
 * free list of given-back slots.
 *
 *   block: [pad] nodes[0]=nil nodes[1] .. nodes[cap-1] | mins[0]=nil ..
 * mins[cap-1] ^ block       ^ nodes, at a cache-line boundary free_head -> 17
 * -> 3 -> 0             chained through nodes[i].left
 *
 * Invariants: slots [1, carved) are each either in the tree or on the free
 * list, never both; nfree is the free list's length; carved <= cap; slot 0
 * is the nil node from the moment the block exists; nodes is the first
 * cache-line boundary in the block, so no 32-byte node straddles two lines;
 * mins starts right after nodes[cap - 1]. The block grows by an eighth (at
 * least MIN_GROW slots) with one realloc, so a descent finds a child with one
 * load, the slack stays small enough for the memory budget per span, and the
 * allocator is called a logarithmic number of times. It is only freed by fini:
 * the pool keeps its high-water mark. */
#include <string.h>

#include "treap.h"

#define SLOT_BYTES (sizeof(ivm__treap_node) + sizeof(int64_t))
#define MIN_GROW 64u
/* The block holds LINE - 1 bytes of padding at most. */
#define LINE ((size_t)IVM__TREAP_LINE)
/* Indices are 32-bit, and the block's size must fit in a size_t. */
#define MAX_SLOTS                                                      \
  ((uint64_t)UINT32_MAX < SIZE_MAX / SLOT_BYTES ? (uint64_t)UINT32_MAX \
                                                : SIZE_MAX / SLOT_BYTES)

int ivm__treap_pool_reserve(ivm__treap *t) {
  if (t->free_head || t->carved < t->cap) return IVM_OK;
  if (t->cap == MAX_SLOTS) return IVM_NOMEM;
  uint64_t cap = (uint64_t)t->cap + ivm__max64(t->cap / 8, MIN_GROW);
  if (cap > MAX_SLOTS) cap = MAX_SLOTS;
  /* One realloc: if it fails nothing moved and nothing is held. */
  size_t old_off = t->block ? (size_t)((char *)t->nodes - t->block) : 0;
  char *block = ivm__realloc(&t->base, t->block, ivm__treap_pool_bytes(t),
                             (size_t)cap * SLOT_BYTES + LINE - 1);
  if (!block) return IVM_NOMEM;
  /* The realloc kept the arrays at their old offset; the nodes go to the
   * block's first line boundary and the minima after the grown node
   * array. The minima move first: their new place lies wholly above the
   * old node array, and memmove allows each move to overlap its source. */
  size_t off = (size_t)(-(uintptr_t)block & (LINE - 1));
  ivm__treap_node *nodes = (ivm__treap_node *)(block + off);
  int64_t *mins = (int64_t *)(nodes + cap);
  memmove(mins, block + old_off + (size_t)t->cap * sizeof *nodes,
          (size_t)t->cap * sizeof *mins);
  memmove(nodes, block + old_off, (size_t)t->cap * sizeof *nodes);
  t->block = block;
  t->nodes = nodes;
  t->mins = mins;
  t->cap = (uint32_t)cap;
  t->grows++;
  if (t->carved == 0) {
    t->nodes[0] = (ivm__treap_node){.max_len = 0};
    t->mins[0] = INT64_MAX;
    t->carved = 1;
  }
  return IVM_OK;
}

uint32_t ivm__treap_pool_take(ivm__treap *t) {
  uint32_t i = t->free_head;
  if (i) {
    t->free_head = t->nodes[i].left;
    t->nfree--;
    return i;
  }
  return t->carved++;
}

void ivm__treap_pool_put(ivm__treap *t, uint32_t i) {
  t->nodes[i].left = t->free_head;
  t->free_head = i;
  t->nfree++;
}

void ivm__treap_pool_fini(ivm__treap *t) {
  ivm__free(&t->base, t->block, ivm__treap_pool_bytes(t));
}

size_t ivm__treap_pool_bytes(const ivm__treap *t) {
  return t->block ? t->cap * SLOT_BYTES + LINE - 1 : 0;
}
