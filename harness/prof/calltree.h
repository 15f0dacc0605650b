/* calltree.h - what a deterministic profile records, and the cProfile-style
 * statistics derived from it.
 *
 * Usage:
 *
 *     ivm_prof_tree t;
 *     ivm_prof_tree_init(&t);
 *     uint32_t op = ivm_prof_tree_func(&t, "", "{release}");
 *     uint32_t rel = ivm_prof_tree_func(&t, "reference.c", "ref_release");
 *     uint32_t a = ivm_prof_tree_add(&t, IVM_PROF_ROOT, op, 10, 400);
 *     ivm_prof_tree_add(&t, a, rel, 10, 1200);   // 10 calls, 1200 ns self
 *     ivm_prof_stats s;
 *     if (ivm_prof_stats_compute(&t, &s) == 0) {
 *       ...;
 *       ivm_prof_stats_free(&s);
 *     }
 *     ivm_prof_tree_free(&t);
 *
 * The tree is a calling-context tree: one node per distinct call stack, so a
 * function reached along two paths has two nodes. A node holds how often its
 * stack was entered and the time spent in the function itself (self time,
 * children excluded) along that stack. Everything else follows from it:
 * inclusive time is self time plus the children's inclusive time; pprof
 * samples and flame graphs are the nodes themselves; per-function and
 * per-edge figures are sums over nodes.
 *
 * Recursion is counted as cProfile counts it: ncalls counts every call, the
 * primitive count only calls with no activation of the same function further
 * up the stack, and cumulative time adds the inclusive time of those outermost
 * activations only, so time is never counted twice.
 *
 * Nodes are stored parents first (a node's parent has a smaller index), which
 * lets one backward pass compute inclusive times. Strings are copied in and
 * owned by the tree. */
#ifndef IVM_PROF_CALLTREE_H
#define IVM_PROF_CALLTREE_H

#include <stddef.h>
#include <stdint.h>

/* The parent of top-level calls (and the caller recorded for them). */
#define IVM_PROF_ROOT UINT32_MAX

typedef struct ivm_prof_func {
  char *file; /* source file ("reference.c"), "" when there is none */
  char *name; /* function name ("ref_release") */
} ivm_prof_func;

typedef struct ivm_prof_node {
  uint32_t parent;  /* node index, or IVM_PROF_ROOT */
  uint32_t func;    /* index into funcs */
  uint64_t calls;   /* times this stack was entered */
  int64_t self_ns;  /* time in the function itself along this stack */
} ivm_prof_node;

typedef struct ivm_prof_tree {
  ivm_prof_func *funcs;
  size_t nfuncs, funcs_cap;
  ivm_prof_node *nodes;
  size_t nnodes, nodes_cap;
  uint32_t *index; /* open-addressing map (parent, func) -> node + 1 */
  size_t index_cap;
} ivm_prof_tree;

void ivm_prof_tree_init(ivm_prof_tree *t);
void ivm_prof_tree_free(ivm_prof_tree *t);

/* The index of the function (file, name), added when new. UINT32_MAX when
 * out of memory (the tree is unchanged). */
uint32_t ivm_prof_tree_func(ivm_prof_tree *t, const char *file,
                            const char *name);

/* Adds calls and self time to the node for func called from parent (a node
 * index or IVM_PROF_ROOT), creating it when new; returns its index, or
 * UINT32_MAX when out of memory or parent/func is out of range (then nothing
 * changed). */
uint32_t ivm_prof_tree_add(ivm_prof_tree *t, uint32_t parent, uint32_t func,
                           uint64_t calls, int64_t self_ns);

/* "file:name", or just the name when the file is "". Writes at most cap
 * bytes (always terminated) and returns the full length. */
size_t ivm_prof_func_label(const ivm_prof_func *f, char *out, size_t cap);

/* What instrumentation adds to one call, in nanoseconds: `inner` lands in
 * the callee's own recorded time (between its two clock reads), `outer` is
 * the whole cost its caller sees. */
typedef struct ivm_prof_cost {
  double inner_ns;
  double outer_ns;
} ivm_prof_cost;

/* Takes the cost of instrumentation out of every self time: a node loses
 * `inner` per call of its own and `outer - inner` per call it made, never
 * going below zero. 0, or -1 when out of memory (nothing changed). */
int ivm_prof_tree_subtract(ivm_prof_tree *t, const ivm_prof_cost *cost);

/* Sum of the calls of every node. */
uint64_t ivm_prof_tree_calls(const ivm_prof_tree *t);

/* A hash of a name (FNV-1a), so drawings colour a function the same way
 * every time. */
uint32_t ivm_prof_name_hash(const char *name);

/* ---- Derived statistics ------------------------------------------------ */

typedef struct ivm_prof_fstat {
  uint64_t ncalls;     /* every call */
  uint64_t pcalls;     /* primitive calls: not inside itself */
  int64_t tottime_ns;  /* self time */
  int64_t cumtime_ns;  /* inclusive time of the outermost activations */
} ivm_prof_fstat;

/* One caller -> callee pair; caller is IVM_PROF_ROOT for top-level calls.
 * The figures are those of the callee's calls made from that caller. */
typedef struct ivm_prof_edge {
  uint32_t caller, callee;
  ivm_prof_fstat s;
} ivm_prof_edge;

typedef struct ivm_prof_stats {
  ivm_prof_fstat *funcs;  /* indexed like tree->funcs */
  size_t nfuncs;
  ivm_prof_edge *edges;   /* sorted by (caller, callee); caller ROOT last */
  size_t nedges;
  int64_t *incl_ns;       /* inclusive time per node */
  uint64_t total_calls;   /* sum of ncalls */
  uint64_t prim_calls;    /* sum of pcalls */
  int64_t total_ns;       /* sum of self times: the whole recorded time */
} ivm_prof_stats;

/* Computes every figure above. 0, or -1 when out of memory or when the tree
 * is not stored parents first (then *s holds nothing to free). */
int ivm_prof_stats_compute(const ivm_prof_tree *t, ivm_prof_stats *s);
void ivm_prof_stats_free(ivm_prof_stats *s);

typedef enum ivm_prof_sort {
  IVM_PROF_SORT_CUMULATIVE,
  IVM_PROF_SORT_TOTTIME,
  IVM_PROF_SORT_CALLS,
} ivm_prof_sort;

/* "cumulative", "tottime", "calls" -> the key; -1 for anything else. */
int ivm_prof_sort_parse(const char *name);
const char *ivm_prof_sort_name(ivm_prof_sort key);

/* Fills order[0..nfuncs) with the function indices that were called, best
 * first by key (ties broken by the other figures, then by label, so the order
 * is total and reproducible); returns how many. */
size_t ivm_prof_stats_order(const ivm_prof_tree *t, const ivm_prof_stats *s,
                            ivm_prof_sort key, uint32_t *order);

/* Children lists for drawing: first[i] is node i's first child, next[i] its
 * next sibling (UINT32_MAX: none), *roots the first top-level node; siblings
 * come widest (largest inclusive time) first, then by name, so every drawing
 * is reproducible. first and next hold t->nnodes entries. */
void ivm_prof_children(const ivm_prof_tree *t, const ivm_prof_stats *s,
                       uint32_t *first, uint32_t *next, uint32_t *roots);

#endif /* IVM_PROF_CALLTREE_H */
