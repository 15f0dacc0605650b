/* btree.h - a B+-tree of free spans, the boundary map (start -> end) that the
 * "boundary" and "boundary-summary" managers share.
 *
 * Usage, inside an implementation whose instance embeds the tree:
 *
 *     typedef struct mine { ivm base; ivm__bt tree; } mine;
 *     static int mine_init(ivm *m) {
 *       return ivm__bt_init(&((mine *)m)->tree, m, NULL, NULL);
 *     }
 *     ...
 *     int64_t changed;
 *     ivm__bt_release(&me->tree, 0, 100, &changed);   // [0,100) free
 *     ivm_span s;
 *     if (ivm__bt_find(&me->tree, 10, 5, INT64_MAX, &s)) ...  // [10,15)
 *     ivm__bt_fini(&me->tree);
 *
 * Representation. Leaves hold sorted arrays of spans (struct of arrays:
 * starts, ends); inner nodes hold, per child, the smallest start below it
 * (the separator key), the longest span length below it and the child
 * pointer. All leaves are at the same depth; every node but the root is at
 * least half full. The layouts are private to btree*.c (btree_node.h).
 * Once the tree has a few leaves, a directory (btree_dir.c) maps buckets of
 * keys to the leaf last seen there: an operation whose hinted leaf provably
 * holds its keys, and which leaves that leaf's first start and maximum as
 * they were, never reads an inner node. It costs 2 to 4 pointers a leaf,
 * about 1 byte a span.
 *
 * Contract. Arguments are those the front door (ivm.c) has validated: start
 * < end with a representable length, and a release never makes the total
 * exceed int64. Every mutation is failure-atomic: the nodes it may need are
 * obtained before anything changes, so IVM_NOMEM and IVM_CONFLICT leave the
 * tree exactly as it was. A mutation that changes nothing does no writes.
 *
 * Observer. When set, observe(ud, start, end, inserted) is called for every
 * span a mutation removes (inserted = false) and adds (true), in an order in
 * which the spans present at each call stay disjoint. A span that merely
 * changes bounds is reported as removed and then added. Nothing is reported
 * by a mutation that changes nothing or fails.
 *
 * Complexity (n spans, k spans touched): release, reserve and strict reserve
 * O(log n + k); find, largest, first, last O(log n); each O(log n + visited);
 * best_fit O(log n) up to O(n), pruned by the per-child maxima; smallest and
 * check O(n). total and count are fields read in O(1). When the hint holds,
 * a find or a mutation that stays in its leaf is O(1); rebuilding the
 * directory is O(n), amortised O(1) per operation. */
#ifndef IVM_BTREE_H
#define IVM_BTREE_H

#include "ivm_internal.h"

typedef void (*ivm__bt_observe_fn)(void *ud, int64_t start, int64_t end,
                                   bool inserted);

struct ivm__bt_spare; /* a node parked in a spare pool */

typedef struct ivm__bt {
  const ivm *owner;    /* the instance whose allocator every node uses */
  void *root;          /* a leaf when height == 1, never NULL */
  int height;          /* levels, the leaves included */
  int64_t total;       /* sum of the span lengths */
  int64_t count;       /* number of spans */
  size_t leaves;       /* nodes in the tree (spares not included) */
  size_t inners;
  /* Spare nodes, stocked before a mutation that may split so a split never
   * meets a failed allocation half-way. */
  struct ivm__bt_spare *spare_leaves;
  struct ivm__bt_spare *spare_inners;
  size_t nspare_leaves;
  size_t nspare_inners;
  /* The directory (btree_node.h): bucket b of keys [dir_base + b <<
   * dir_shift, ...) hints at a leaf; NULL when the tree is too small. */
  struct ivm__bt_leaf **dir;
  uint64_t dir_mask; /* buckets - 1 */
  int64_t dir_base;
  int dir_shift;
  size_t dir_misses;          /* mutations it failed since the last build */
  ivm__bt_observe_fn observe; /* NULL: nobody listens */
  void *observe_ud;
} ivm__bt;

/* Counters ivm__bt_counters reports at most. */
#define IVM_BT_COUNTERS 5

/* An empty tree allocating through owner's hook. IVM_NOMEM: nothing held. */
int ivm__bt_init(ivm__bt *t, const ivm *owner, ivm__bt_observe_fn observe,
                 void *observe_ud);
/* Frees every node, spares included. */
void ivm__bt_fini(ivm__bt *t);

/* The protocol's mutations; *changed = points that became free / occupied.
 * strict: IVM_CONFLICT unless [start,end) lies in one span. */
int ivm__bt_release(ivm__bt *t, int64_t start, int64_t end, int64_t *changed);
int ivm__bt_reserve(ivm__bt *t, int64_t start, int64_t end, bool strict,
                    int64_t *changed);

/* First fit at or after p (see ivm_find); not_after == INT64_MAX: none. */
bool ivm__bt_find(const ivm__bt *t, int64_t p, int64_t len, int64_t not_after,
                  ivm_span *out);
/* The smallest span of length >= len, lowest start on ties: [s, s+len). */
bool ivm__bt_best_fit(const ivm__bt *t, int64_t len, ivm_span *out);
/* A longest span, lowest start on ties. */
bool ivm__bt_largest(const ivm__bt *t, ivm_span *out);
/* The first and the last span. */
bool ivm__bt_first(const ivm__bt *t, ivm_span *out);
bool ivm__bt_last(const ivm__bt *t, ivm_span *out);
/* The smallest span length and how many spans have it (0, 0 when empty). */
int64_t ivm__bt_smallest(const ivm__bt *t, int64_t *how_many);
/* Visits the spans strictly overlapping [start,end), in order. */
int ivm__bt_each(const ivm__bt *t, int64_t start, int64_t end, ivm_visit_fn fn,
                 void *ud);
/* The whole summary, recomputed: O(n) because of the smallest length. */
void ivm__bt_summary(const ivm__bt *t, ivm_summary *out);

/* "nodes", "leaves", "height", "bytes" (the owner's instance included),
 * "fill_percent"; returns IVM_BT_COUNTERS. */
size_t ivm__bt_counters(const ivm__bt *t, ivm_counter *out, size_t cap);
/* Recomputes every invariant from the nodes; IVM_CORRUPT with the reason. */
int ivm__bt_check(const ivm__bt *t, char *why, size_t why_len);
/* Prints the tree level by level. */
void ivm__bt_dump(const ivm__bt *t, FILE *out);

/* Protocol ops for managers whose instance starts with ivm__bt_instance: each
 * forwards to the tree, so a manager's ops table names these for whatever it
 * does not add to. */
typedef struct ivm__bt_instance {
  ivm base;
  ivm__bt tree;
} ivm__bt_instance;

void ivm__bt_op_fini(ivm *m);
int ivm__bt_op_release(ivm *m, int64_t start, int64_t end, int64_t *changed);
int ivm__bt_op_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                       int64_t *changed);
bool ivm__bt_op_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                     ivm_span *out);
bool ivm__bt_op_best_fit(const ivm *m, int64_t len, ivm_span *out);
int64_t ivm__bt_op_total_free(const ivm *m);
int64_t ivm__bt_op_count(const ivm *m);
int ivm__bt_op_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                    void *ud);

#endif /* IVM_BTREE_H */
