/* summary_pool.c - where the summary tree's nodes live: slabs of 64-byte
 * nodes addressed by 32-bit index, with a free list.
 *
 *   slabs[0] -> [nil][1][2]...[first_cap - 1]        16, 32, ... nodes
 *   slabs[1] -> [1024][1025]...[2047]                 IVM__SLAB_NODES each
 *   slabs[2] -> ...
 *   free_head -> 7 -> 3 -> 0        (threaded through link[IVM__BY_ADDR][0])
 *
 * Invariants: index 0 is the nil node and is never handed out; every index
 * in [1, used) is either live (linked in both trees) or on the free list,
 * exactly once; a free node has height 0 in both trees, which no linked
 * node has; used <= capacity; only slabs[0] may be smaller than
 * IVM__SLAB_NODES, and only while it is the only slab.
 *
 * Why slabs rather than one doubling array: the slack stays below one slab,
 * so the memory per live span stays close to the node size at any size
 * (a doubling array holds up to twice what it needs), and growing never
 * copies the whole set. The first slab starts small and doubles so that a
 * manager holding a handful of spans costs a few hundred bytes. Nodes are
 * taken only after ivm__spool_reserve() succeeded, which is the only place
 * that allocates, so a mutation obtains its node before it changes anything.
 */
#include <string.h>

#include "summary_index.h"

_Static_assert(sizeof(ivm__snode) == 64, "a node is one cache line");

enum {
  FIRST_NODES = 16, /* the first slab's initial size */
  /* The largest slab count whose indices all fit in uint32_t, so that
   * `used` never wraps. */
  MAX_SLABS = (int)((1ull << (32 - IVM__SLAB_SHIFT)) - 1),
  LINE = 64 /* the cache line a node is aligned to */
};

/* What a slab of this many nodes asks the allocator for: room to align. */
static size_t slab_bytes(uint32_t nodes) {
  return (size_t)nodes * sizeof(ivm__snode) + LINE - 1;
}

static ivm__snode *align_line(void *raw) {
  return (ivm__snode *)(((uintptr_t)raw + LINE - 1) & ~(uintptr_t)(LINE - 1));
}

static uint32_t capacity(const ivm__spool *p) {
  return p->nslabs == 0 ? 0 : p->first_cap + (p->nslabs - 1) * IVM__SLAB_NODES;
}

/* The neutral element of summarize(): no span, no children. */
static void init_nil(ivm__snode *nil) {
  memset(nil, 0, sizeof *nil);
  nil->min_len = INT64_MAX;
}

static int first_slab(ivm__spool *p, const ivm *m) {
  ivm__sslab *table = ivm__alloc(m, sizeof *table);
  if (!table) return IVM_NOMEM;
  void *raw = ivm__alloc(m, slab_bytes(FIRST_NODES));
  if (!raw) {
    ivm__free(m, table, sizeof *table);
    return IVM_NOMEM;
  }
  table[0] = (ivm__sslab){align_line(raw), raw};
  init_nil(&table[0].nodes[0]);
  p->slabs = table;
  p->slab_cap = 1;
  p->nslabs = 1;
  p->first_cap = FIRST_NODES;
  p->used = 1;
  return IVM_OK;
}

/* Reallocation keeps the bytes but not necessarily their alignment: when
 * the new block aligns differently, the nodes move to the new boundary. */
static int grow_first_slab(ivm__spool *p, const ivm *m) {
  ivm__sslab *s = &p->slabs[0];
  uint32_t cap = p->first_cap * 2;
  size_t offset = (size_t)((char *)s->nodes - (char *)s->raw);
  void *raw =
      ivm__realloc(m, s->raw, slab_bytes(p->first_cap), slab_bytes(cap));
  if (!raw) return IVM_NOMEM;
  ivm__snode *nodes = align_line(raw);
  if ((char *)nodes != (char *)raw + offset)
    memmove(nodes, (char *)raw + offset,
            (size_t)p->first_cap * sizeof(ivm__snode));
  *s = (ivm__sslab){nodes, raw};
  p->first_cap = cap;
  return IVM_OK;
}

static int add_slab(ivm__spool *p, const ivm *m) {
  if (p->nslabs == MAX_SLABS) return IVM_NOMEM;
  void *raw = ivm__alloc(m, slab_bytes(IVM__SLAB_NODES));
  if (!raw) return IVM_NOMEM;
  if (p->nslabs == p->slab_cap) {
    uint32_t cap = p->slab_cap * 2;
    ivm__sslab *table = ivm__realloc(m, p->slabs, p->slab_cap * sizeof *table,
                                     cap * sizeof *table);
    if (!table) {
      ivm__free(m, raw, slab_bytes(IVM__SLAB_NODES));
      return IVM_NOMEM;
    }
    p->slabs = table;
    p->slab_cap = cap;
  }
  p->slabs[p->nslabs++] = (ivm__sslab){align_line(raw), raw};
  return IVM_OK;
}

int ivm__spool_reserve(ivm__spool *p, const ivm *m) {
  if (p->free_head != 0 || p->used < capacity(p)) return IVM_OK;
  if (p->nslabs == 0) return first_slab(p, m);
  if (p->first_cap < IVM__SLAB_NODES) return grow_first_slab(p, m);
  return add_slab(p, m);
}

uint32_t ivm__spool_take(ivm__spool *p) {
  uint32_t i = p->free_head;
  if (i == 0) return p->used++;
  p->free_head = ivm__snode_at(p, i)->link[IVM__BY_ADDR][0];
  return i;
}

void ivm__spool_put(ivm__spool *p, uint32_t i) {
  ivm__snode *n = ivm__snode_at(p, i);
  n->link[IVM__BY_ADDR][0] = p->free_head;
  n->height[IVM__BY_ADDR] = n->height[IVM__BY_SIZE] = 0;
  p->free_head = i;
}

void ivm__spool_fini(ivm__spool *p, const ivm *m) {
  for (uint32_t s = 0; s < p->nslabs; s++)
    ivm__free(m, p->slabs[s].raw,
              slab_bytes(s == 0 ? p->first_cap : IVM__SLAB_NODES));
  ivm__free(m, p->slabs, p->slab_cap * sizeof *p->slabs);
  memset(p, 0, sizeof *p);
}

size_t ivm__spool_bytes(const ivm__spool *p) {
  if (p->nslabs == 0) return 0;
  return p->slab_cap * sizeof *p->slabs + slab_bytes(p->first_cap) +
         (p->nslabs - 1) * slab_bytes(IVM__SLAB_NODES);
}

int ivm__spool_check(const ivm__spool *p, int64_t live, char *why,
                     size_t why_len) {
  if (p->nslabs == 0) {
    if (live != 0 || p->used != 0 || p->free_head != 0)
      return ivm__fail(why, why_len, "%lld spans but no slab", (long long)live);
    return IVM_OK;
  }
  if (p->used > capacity(p) || p->nslabs > p->slab_cap)
    return ivm__fail(why, why_len,
                     "pool hands out %u nodes of %u; %u slabs in a table of %u",
                     p->used, capacity(p), p->nslabs, p->slab_cap);
  if (p->nslabs > 1 && p->first_cap != IVM__SLAB_NODES)
    return ivm__fail(why, why_len, "%u slabs but the first holds %u nodes",
                     p->nslabs, p->first_cap);
  const ivm__snode *nil = ivm__snode_at(p, 0);
  if (nil->start || nil->end || nil->max_len || nil->min_len != INT64_MAX ||
      nil->max_node || nil->first || nil->last || nil->height[0] ||
      nil->height[1] || nil->link[0][0] || nil->link[0][1] || nil->link[1][0] ||
      nil->link[1][1])
    return ivm__fail(why, why_len, "the nil node was written to");
  /* A list that revisits a node never ends, so one longer than used - 1 has
   * a cycle; the height mark keeps free nodes apart from the linked ones. */
  int64_t free_nodes = 0;
  for (uint32_t i = p->free_head; i != 0;
       i = ivm__snode_at(p, i)->link[IVM__BY_ADDR][0]) {
    if (i >= p->used)
      return ivm__fail(why, why_len, "free list holds index %u of %u", i,
                       p->used);
    if (++free_nodes > (int64_t)p->used - 1)
      return ivm__fail(why, why_len, "the free list has a cycle");
    const ivm__snode *n = ivm__snode_at(p, i);
    if (n->height[IVM__BY_ADDR] || n->height[IVM__BY_SIZE])
      return ivm__fail(why, why_len, "node %u is free but has a height", i);
  }
  if (free_nodes + live != (int64_t)p->used - 1)
    return ivm__fail(why, why_len,
                     "%lld free + %lld live nodes but %u were handed out",
                     (long long)free_nodes, (long long)live, p->used - 1);
  return IVM_OK;
}
