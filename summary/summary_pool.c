/* summary_pool.c - where the summary tree's nodes live: one block holding
 * every node, addressed by 32-bit index, grown by an eighth, with a free
 * list; and, once best fit has been asked for, a second block with every
 * node's size links, grown alongside.
 *
 *   raw   -> [pad][nil][1][2] ... [cap - 1]     nodes, 64-byte aligned
 *   links -> [nil][1][2] ... [links_cap - 1]    or NULL
 *   free_head -> 7 -> 3 -> 0        (threaded through the nodes' link[0])
 *
 * Invariants: index 0 is the nil node, neutral, and is never handed out;
 * every index in [1, used) is either live (linked in the address tree) or
 * on the free list, exactly once; a free node has height 0 in both trees,
 * which no linked node has in the address tree; used <= cap <= links_cap
 * when there are links.
 *
 * Why one block: node i is at nodes + i, one multiply and add away from
 * its index. Every search turns an index into an address at each level,
 * and with slabs that meant a load from the slab table on the chain from
 * one node to the next: a sixth of the time of the standard mix. Why an
 * eighth: the block exceeds the most nodes ever live at once by less than
 * an eighth, so at any size it costs at most 6 bytes a node more than the
 * node's 48 (7 more than 56 with links), while the growth stays
 * geometric: when the allocator cannot extend a block in place and copies
 * it, a node is copied eight times on average over the manager's life, O(1)
 * amortized per node; glibc extends large blocks with mremap and copies
 * nothing. Nodes are taken only after ivm__spool_reserve() succeeded,
 * which with ivm__spool_add_links() is the only place that allocates, so a
 * mutation obtains its node before it changes anything. */
#include <string.h>

#include "summary_index.h"

_Static_assert(sizeof(ivm__snode) == 48, "four nodes in three cache lines");
_Static_assert(sizeof(ivm__slink) == 8, "two indices");

enum {
  FIRST_NODES = 16, /* the first block's size, and the least growth */
  LINE = 64         /* the cache line the nodes are aligned to */
};

/* What the nodes' block of this many nodes asks the allocator for: room
 * to align. */
static size_t block_bytes(uint32_t nodes) {
  return (size_t)nodes * sizeof(ivm__snode) + LINE - 1;
}

static size_t links_bytes(uint32_t nodes) {
  return (size_t)nodes * sizeof(ivm__slink);
}

static ivm__snode *align_line(void *raw) {
  return (ivm__snode *)(((uintptr_t)raw + LINE - 1) & ~(uintptr_t)(LINE - 1));
}

/* The neutral element of summarize(): no span, no children. */
static void init_nil(ivm__spool *p) {
  memset(&p->nodes[0], 0, sizeof p->nodes[0]);
  p->nodes[0].min_len = INT64_MAX;
  p->used = 1;
}

/* The capacity after cap: an eighth more, at least FIRST_NODES more, and
 * no more than indices and sizes can express; 0 when cap is the limit. */
static uint32_t grown(uint32_t cap) {
  uint64_t step = cap / 8 > FIRST_NODES ? cap / 8 : FIRST_NODES;
  uint64_t want = (uint64_t)cap + step;
  uint64_t limit = (SIZE_MAX - LINE) / sizeof(ivm__snode);
  if (limit > UINT32_MAX) limit = UINT32_MAX;
  if (want > limit) want = limit;
  return want > cap ? (uint32_t)want : 0;
}

/* Makes the links' block hold cap links. IVM_NOMEM leaves it as it was. */
static int grow_links(ivm__spool *p, const ivm *m, uint32_t cap) {
  if (p->links_cap >= cap) return IVM_OK;
  ivm__slink *links =
      ivm__realloc(m, p->links, links_bytes(p->links_cap), links_bytes(cap));
  if (!links) return IVM_NOMEM;
  p->links = links;
  p->links_cap = cap;
  return IVM_OK;
}

int ivm__spool_reserve(ivm__spool *p, const ivm *m) {
  if (p->free_head != 0 || p->used < p->cap) return IVM_OK;
  uint32_t old = p->cap, cap = grown(old);
  if (cap == 0) return IVM_NOMEM;
  /* The links first: should the nodes then fail, more links than nodes
   * are as good as enough. */
  if (p->links != NULL && grow_links(p, m, cap) != IVM_OK) return IVM_NOMEM;
  size_t offset = old ? (size_t)((char *)p->nodes - (char *)p->raw) : 0;
  void *raw =
      ivm__realloc(m, p->raw, old ? block_bytes(old) : 0, block_bytes(cap));
  if (!raw) return IVM_NOMEM;
  /* Reallocation keeps the bytes but not necessarily their alignment: when
   * the new block aligns differently, the nodes move to the new boundary. */
  ivm__snode *nodes = align_line(raw);
  if (old != 0 && (char *)nodes != (char *)raw + offset)
    memmove(nodes, (char *)raw + offset, old * sizeof *nodes);
  p->nodes = nodes;
  p->raw = raw;
  p->cap = cap;
  if (old == 0) init_nil(p);
  return IVM_OK;
}

int ivm__spool_add_links(ivm__spool *p, const ivm *m) {
  if (p->links != NULL) return IVM_OK;
  if (p->cap == 0 || grow_links(p, m, p->cap) != IVM_OK) return IVM_NOMEM;
  memset(&p->links[0], 0, sizeof p->links[0]);
  return IVM_OK;
}

uint32_t ivm__spool_take(ivm__spool *p) {
  uint32_t i = p->free_head;
  if (i == 0) return p->used++;
  p->free_head = p->nodes[i].link[0];
  return i;
}

void ivm__spool_put(ivm__spool *p, uint32_t i) {
  ivm__snode *n = &p->nodes[i];
  n->link[0] = p->free_head;
  n->height[IVM__BY_ADDR] = n->height[IVM__BY_SIZE] = 0;
  p->free_head = i;
}

void ivm__spool_fini(ivm__spool *p, const ivm *m) {
  if (p->cap != 0) ivm__free(m, p->raw, block_bytes(p->cap));
  ivm__free(m, p->links, links_bytes(p->links_cap));
  memset(p, 0, sizeof *p);
}

size_t ivm__spool_bytes(const ivm__spool *p) {
  return (p->cap != 0 ? block_bytes(p->cap) : 0) + links_bytes(p->links_cap);
}

int ivm__spool_check(const ivm__spool *p, int64_t live, char *why,
                     size_t why_len) {
  if (p->cap == 0) {
    if (live != 0 || p->used != 0 || p->free_head != 0 || p->links != NULL)
      return ivm__fail(why, why_len, "%lld spans but no block",
                       (long long)live);
    return IVM_OK;
  }
  if (p->used == 0 || p->used > p->cap ||
      (p->links != NULL && p->links_cap < p->cap))
    return ivm__fail(why, why_len,
                     "pool hands out %u nodes of %u, with %u links", p->used,
                     p->cap, p->links_cap);
  const ivm__snode *nil = &p->nodes[0];
  const ivm__slink *nil_links = p->links != NULL ? &p->links[0] : NULL;
  if (nil->start || nil->end || nil->max_len || nil->min_len != INT64_MAX ||
      nil->height[0] || nil->height[1] || nil->link[0] || nil->link[1] ||
      (nil_links != NULL && (nil_links->link[0] || nil_links->link[1])))
    return ivm__fail(why, why_len, "the nil node was written to");
  /* A list that revisits a node never ends, so one longer than used - 1 has
   * a cycle; the height mark keeps free nodes apart from the linked ones. */
  int64_t free_nodes = 0;
  for (uint32_t i = p->free_head; i != 0; i = p->nodes[i].link[0]) {
    if (i >= p->used)
      return ivm__fail(why, why_len, "free list holds index %u of %u", i,
                       p->used);
    if (++free_nodes > (int64_t)p->used - 1)
      return ivm__fail(why, why_len, "the free list has a cycle");
    const ivm__snode *n = &p->nodes[i];
    if (n->height[IVM__BY_ADDR] || n->height[IVM__BY_SIZE])
      return ivm__fail(why, why_len, "node %u is free but has a height", i);
  }
  if (free_nodes + live != (int64_t)p->used - 1)
    return ivm__fail(why, why_len,
                     "%lld free + %lld live nodes but %u were handed out",
                     (long long)free_nodes, (long long)live, p->used - 1);
  return IVM_OK;
}
