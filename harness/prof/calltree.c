/* calltree.c - the calling-context tree and the statistics derived from it.
 *
 * Invariants: nodes are stored parents first; index maps every (parent,
 * func) pair to its one node, so a stack never has two nodes; index_cap is
 * zero or a power of two at least twice nnodes. */
#include "calltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ivm_prof_tree_init(ivm_prof_tree *t) { memset(t, 0, sizeof *t); }

void ivm_prof_tree_free(ivm_prof_tree *t) {
  for (size_t i = 0; i < t->nfuncs; i++) {
    free(t->funcs[i].file);
    free(t->funcs[i].name);
  }
  free(t->funcs);
  free(t->nodes);
  free(t->index);
  memset(t, 0, sizeof *t);
}

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

uint32_t ivm_prof_tree_func(ivm_prof_tree *t, const char *file,
                            const char *name) {
  for (size_t i = 0; i < t->nfuncs; i++)
    if (strcmp(t->funcs[i].name, name) == 0 &&
        strcmp(t->funcs[i].file, file) == 0)
      return (uint32_t)i;
  if (t->nfuncs == UINT32_MAX - 1) return UINT32_MAX;
  if (t->nfuncs == t->funcs_cap) {
    size_t cap = t->funcs_cap ? t->funcs_cap * 2 : 32;
    ivm_prof_func *p = realloc(t->funcs, cap * sizeof *p);
    if (!p) return UINT32_MAX;
    t->funcs = p;
    t->funcs_cap = cap;
  }
  char *f = copy_string(file), *n = copy_string(name);
  if (!f || !n) {
    free(f);
    free(n);
    return UINT32_MAX;
  }
  t->funcs[t->nfuncs] = (ivm_prof_func){f, n};
  return (uint32_t)t->nfuncs++;
}

static size_t slot_of(uint32_t parent, uint32_t func, size_t cap) {
  uint64_t h = ((uint64_t)parent << 32 | func) * 0x9e3779b97f4a7c15u;
  return (size_t)(h >> 32) & (cap - 1);
}

/* Rebuilds the index with room for at least twice the nodes. */
static int grow_index(ivm_prof_tree *t) {
  size_t cap = t->index_cap ? t->index_cap * 2 : 64;
  uint32_t *index = calloc(cap, sizeof *index);
  if (!index) return -1;
  for (size_t i = 0; i < t->nnodes; i++) {
    size_t s = slot_of(t->nodes[i].parent, t->nodes[i].func, cap);
    while (index[s]) s = (s + 1) & (cap - 1);
    index[s] = (uint32_t)i + 1;
  }
  free(t->index);
  t->index = index;
  t->index_cap = cap;
  return 0;
}

uint32_t ivm_prof_tree_add(ivm_prof_tree *t, uint32_t parent, uint32_t func,
                           uint64_t calls, int64_t self_ns) {
  if (func >= t->nfuncs || (parent != IVM_PROF_ROOT && parent >= t->nnodes))
    return UINT32_MAX;
  if (t->index_cap) {
    for (size_t s = slot_of(parent, func, t->index_cap); t->index[s];
         s = (s + 1) & (t->index_cap - 1)) {
      ivm_prof_node *n = &t->nodes[t->index[s] - 1];
      if (n->parent == parent && n->func == func) {
        n->calls += calls;
        n->self_ns += self_ns;
        return t->index[s] - 1;
      }
    }
  }
  if (t->nnodes >= UINT32_MAX - 1) return UINT32_MAX;
  if ((t->nnodes + 1) * 2 > t->index_cap && grow_index(t) != 0)
    return UINT32_MAX;
  if (t->nnodes == t->nodes_cap) {
    size_t cap = t->nodes_cap ? t->nodes_cap * 2 : 64;
    ivm_prof_node *p = realloc(t->nodes, cap * sizeof *p);
    if (!p) return UINT32_MAX;
    t->nodes = p;
    t->nodes_cap = cap;
  }
  uint32_t i = (uint32_t)t->nnodes++;
  t->nodes[i] = (ivm_prof_node){parent, func, calls, self_ns};
  size_t s = slot_of(parent, func, t->index_cap);
  while (t->index[s]) s = (s + 1) & (t->index_cap - 1);
  t->index[s] = i + 1;
  return i;
}

size_t ivm_prof_func_label(const ivm_prof_func *f, char *out, size_t cap) {
  int n = f->file[0] ? snprintf(out, cap, "%s:%s", f->file, f->name)
                     : snprintf(out, cap, "%s", f->name);
  return n < 0 ? 0 : (size_t)n;
}

int ivm_prof_tree_subtract(ivm_prof_tree *t, const ivm_prof_cost *cost) {
  /* The calls each node made: its children's calls. */
  uint64_t *made = calloc(t->nnodes ? t->nnodes : 1, sizeof *made);
  if (!made) return -1;
  for (size_t i = 0; i < t->nnodes; i++)
    if (t->nodes[i].parent != IVM_PROF_ROOT)
      made[t->nodes[i].parent] += t->nodes[i].calls;
  for (size_t i = 0; i < t->nnodes; i++) {
    ivm_prof_node *n = &t->nodes[i];
    double ns = (double)n->self_ns - (double)n->calls * cost->inner_ns -
                (double)made[i] * (cost->outer_ns - cost->inner_ns);
    n->self_ns = ns > 0 ? (int64_t)(ns + 0.5) : 0;
  }
  free(made);
  return 0;
}

uint64_t ivm_prof_tree_calls(const ivm_prof_tree *t) {
  uint64_t calls = 0;
  for (size_t i = 0; i < t->nnodes; i++) calls += t->nodes[i].calls;
  return calls;
}

uint32_t ivm_prof_name_hash(const char *name) {
  uint32_t h = 2166136261u;
  for (const char *p = name; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
  return h;
}

/* ---- Statistics -------------------------------------------------------- */

/* True when no ancestor of node i runs the same function: i is an outermost
 * activation, whose inclusive time counts towards cumulative time. */
static int outermost(const ivm_prof_tree *t, uint32_t i) {
  uint32_t f = t->nodes[i].func;
  for (uint32_t p = t->nodes[i].parent; p != IVM_PROF_ROOT;
       p = t->nodes[p].parent)
    if (t->nodes[p].func == f) return 0;
  return 1;
}

static void account(ivm_prof_fstat *s, const ivm_prof_node *n, int64_t incl,
                    int outer) {
  s->ncalls += n->calls;
  s->tottime_ns += n->self_ns;
  if (outer) {
    s->pcalls += n->calls;
    s->cumtime_ns += incl;
  }
}

static int edge_cmp(const void *a, const void *b) {
  const ivm_prof_edge *x = a, *y = b;
  if (x->caller != y->caller) return x->caller < y->caller ? -1 : 1;
  if (x->callee != y->callee) return x->callee < y->callee ? -1 : 1;
  return 0;
}

/* One edge record per node, sorted, then runs of equal pairs summed. */
static int compute_edges(const ivm_prof_tree *t, ivm_prof_stats *s,
                         const char *outer) {
  if (t->nnodes == 0) return 0;
  ivm_prof_edge *e = calloc(t->nnodes, sizeof *e);
  if (!e) return -1;
  for (size_t i = 0; i < t->nnodes; i++) {
    const ivm_prof_node *n = &t->nodes[i];
    e[i].caller = n->parent == IVM_PROF_ROOT ? IVM_PROF_ROOT
                                             : t->nodes[n->parent].func;
    e[i].callee = n->func;
    account(&e[i].s, n, s->incl_ns[i], outer[i]);
  }
  qsort(e, t->nnodes, sizeof *e, edge_cmp);
  size_t k = 0;
  for (size_t i = 0; i < t->nnodes; i++) {
    if (k > 0 && edge_cmp(&e[k - 1], &e[i]) == 0) {
      e[k - 1].s.ncalls += e[i].s.ncalls;
      e[k - 1].s.pcalls += e[i].s.pcalls;
      e[k - 1].s.tottime_ns += e[i].s.tottime_ns;
      e[k - 1].s.cumtime_ns += e[i].s.cumtime_ns;
    } else {
      e[k++] = e[i];
    }
  }
  s->edges = e;
  s->nedges = k;
  return 0;
}

int ivm_prof_stats_compute(const ivm_prof_tree *t, ivm_prof_stats *s) {
  memset(s, 0, sizeof *s);
  for (size_t i = 0; i < t->nnodes; i++)
    if (t->nodes[i].func >= t->nfuncs ||
        (t->nodes[i].parent != IVM_PROF_ROOT && t->nodes[i].parent >= i))
      return -1;
  s->nfuncs = t->nfuncs;
  s->funcs = calloc(t->nfuncs ? t->nfuncs : 1, sizeof *s->funcs);
  s->incl_ns = calloc(t->nnodes ? t->nnodes : 1, sizeof *s->incl_ns);
  char *outer = malloc(t->nnodes ? t->nnodes : 1);
  if (!s->funcs || !s->incl_ns || !outer) goto fail;
  /* Children come after their parent, so walking backwards finishes every
   * child before its parent. */
  for (size_t i = 0; i < t->nnodes; i++) s->incl_ns[i] = t->nodes[i].self_ns;
  for (size_t i = t->nnodes; i-- > 0;)
    if (t->nodes[i].parent != IVM_PROF_ROOT)
      s->incl_ns[t->nodes[i].parent] += s->incl_ns[i];
  for (size_t i = 0; i < t->nnodes; i++) {
    const ivm_prof_node *n = &t->nodes[i];
    outer[i] = (char)outermost(t, (uint32_t)i);
    account(&s->funcs[n->func], n, s->incl_ns[i], outer[i]);
    s->total_ns += n->self_ns;
  }
  for (size_t f = 0; f < t->nfuncs; f++) {
    s->total_calls += s->funcs[f].ncalls;
    s->prim_calls += s->funcs[f].pcalls;
  }
  if (compute_edges(t, s, outer) != 0) goto fail;
  free(outer);
  return 0;
fail:
  free(outer);
  ivm_prof_stats_free(s);
  return -1;
}

void ivm_prof_stats_free(ivm_prof_stats *s) {
  free(s->funcs);
  free(s->edges);
  free(s->incl_ns);
  memset(s, 0, sizeof *s);
}

/* ---- Ordering ---------------------------------------------------------- */

static const char *const sort_names[] = {"cumulative", "tottime", "calls"};

int ivm_prof_sort_parse(const char *name) {
  for (int i = 0; i < 3; i++)
    if (strcmp(name, sort_names[i]) == 0) return i;
  return -1;
}

const char *ivm_prof_sort_name(ivm_prof_sort key) {
  return (unsigned)key < 3 ? sort_names[key] : "?";
}

static int cmp_i64_desc(int64_t a, int64_t b) { return a > b ? -1 : a < b; }
static int cmp_u64_desc(uint64_t a, uint64_t b) { return a > b ? -1 : a < b; }

/* Negative when function a ranks before b under key. */
static int rank_cmp(const ivm_prof_tree *t, const ivm_prof_stats *s,
                    ivm_prof_sort key, uint32_t a, uint32_t b) {
  const ivm_prof_fstat *x = &s->funcs[a], *y = &s->funcs[b];
  int c = 0;
  switch (key) {
    case IVM_PROF_SORT_CUMULATIVE:
      c = cmp_i64_desc(x->cumtime_ns, y->cumtime_ns);
      if (!c) c = cmp_i64_desc(x->tottime_ns, y->tottime_ns);
      break;
    case IVM_PROF_SORT_TOTTIME:
      c = cmp_i64_desc(x->tottime_ns, y->tottime_ns);
      if (!c) c = cmp_i64_desc(x->cumtime_ns, y->cumtime_ns);
      break;
    case IVM_PROF_SORT_CALLS:
      c = cmp_u64_desc(x->ncalls, y->ncalls);
      if (!c) c = cmp_i64_desc(x->cumtime_ns, y->cumtime_ns);
      break;
  }
  if (!c) c = cmp_u64_desc(x->ncalls, y->ncalls);
  if (!c) c = strcmp(t->funcs[a].file, t->funcs[b].file);
  if (!c) c = strcmp(t->funcs[a].name, t->funcs[b].name);
  if (!c) c = a < b ? -1 : a > b;
  return c;
}

/* Insertion sort: a profile has at most a few hundred functions, and it
 * needs neither scratch memory nor a comparison without context. */
size_t ivm_prof_stats_order(const ivm_prof_tree *t, const ivm_prof_stats *s,
                            ivm_prof_sort key, uint32_t *order) {
  size_t n = 0;
  for (size_t i = 0; i < t->nfuncs; i++) {
    if (!s->funcs[i].ncalls) continue;
    size_t j = n++;
    while (j > 0 && rank_cmp(t, s, key, (uint32_t)i, order[j - 1]) < 0) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = (uint32_t)i;
  }
  return n;
}

/* ---- Drawing order ----------------------------------------------------- */

static int sibling_before(const ivm_prof_tree *t, const ivm_prof_stats *s,
                          uint32_t a, uint32_t b) {
  if (s->incl_ns[a] != s->incl_ns[b]) return s->incl_ns[a] > s->incl_ns[b];
  const ivm_prof_func *fa = &t->funcs[t->nodes[a].func];
  const ivm_prof_func *fb = &t->funcs[t->nodes[b].func];
  int c = strcmp(fa->name, fb->name);
  if (!c) c = strcmp(fa->file, fb->file);
  return c < 0;
}

/* Insertion into sorted sibling lists: linear in the siblings, which are
 * few per node. */
void ivm_prof_children(const ivm_prof_tree *t, const ivm_prof_stats *s,
                       uint32_t *first, uint32_t *next, uint32_t *roots) {
  *roots = UINT32_MAX;
  for (size_t i = 0; i < t->nnodes; i++) first[i] = next[i] = UINT32_MAX;
  for (uint32_t i = 0; i < t->nnodes; i++) {
    uint32_t p = t->nodes[i].parent;
    uint32_t *link = p == IVM_PROF_ROOT ? roots : &first[p];
    while (*link != UINT32_MAX && sibling_before(t, s, *link, i))
      link = &next[*link];
    next[i] = *link;
    *link = i;
  }
}
