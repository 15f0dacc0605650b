/* recorder.c - the -finstrument-functions hooks and the calling-context
 * tree they record.
 *
 *   stack:  [frame: node, t0] [frame] ... [frame]      (depth entries)
 *   nodes:  [fn, parent, mark, calls, ticks, epoch, saved]   (parents first)
 *   touched: the nodes timed since the last checkpoint
 *   index:  open addressing (parent, fn) -> node + 1
 *
 * The hooks cannot take a context argument, so the recorder is the one
 * piece of mutable global state in the harness; it is thread-local so
 * another thread running instrumented code can never corrupt it.
 * Invariants: ticks are inclusive (children included); a node's parent has
 * a smaller index; index holds every node exactly once and is at most half
 * full; frames pushed while the stack was full are counted in `overflow`
 * and popped from it, so enters and exits always pair up; `touched` lists
 * exactly the nodes whose epoch is the current one, and their `saved` ticks
 * are what they held at the last checkpoint. */
#include "recorder.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_INSTRUMENT __attribute__((no_instrument_function))
#define STACK_MAX 1024

typedef struct rnode {
  const void *fn; /* function entry address, or a mark's label */
  uint32_t parent;
  bool mark;
  uint32_t epoch; /* the last checkpoint interval that timed this node */
  uint64_t calls;
  uint64_t ticks;
  uint64_t saved; /* ticks at the start of that interval */
} rnode;

typedef struct frame {
  uint32_t node;
  uint64_t t0;
} frame;

typedef struct recorder {
  bool on;
  bool failed;      /* out of memory: the recording is unusable */
  const ivm_clock *clock;
  rnode *nodes;
  size_t n, cap;
  uint32_t *index;
  size_t index_cap;
  frame *stack;     /* STACK_MAX frames */
  uint32_t depth;
  uint64_t overflow;     /* frames currently beyond STACK_MAX */
  uint64_t overflowed;   /* calls that were too deep to record */
  uint32_t epoch;        /* the current checkpoint interval, from 1 */
  uint32_t *touched;     /* nodes timed since the last checkpoint */
  size_t ntouched, touched_cap;
} recorder;

static _Thread_local recorder rec;

/* The hooks' declarations (GCC calls them without a prototype in scope). */
void __cyg_profile_func_enter(void *fn, void *site) NO_INSTRUMENT;
void __cyg_profile_func_exit(void *fn, void *site) NO_INSTRUMENT;

NO_INSTRUMENT static size_t slot_of(uint32_t parent, const void *fn,
                                    size_t cap) {
  uint64_t h = ((uint64_t)(uintptr_t)fn ^ ((uint64_t)parent << 40)) *
               0x9e3779b97f4a7c15u;
  return (size_t)(h >> 29) & (cap - 1);
}

NO_INSTRUMENT static bool grow(void) {
  if (rec.n == rec.cap) {
    size_t cap = rec.cap ? rec.cap * 2 : 1024;
    rnode *p = realloc(rec.nodes, cap * sizeof *p);
    if (!p) return false;
    rec.nodes = p;
    rec.cap = cap;
  }
  if ((rec.n + 1) * 2 > rec.index_cap) {
    size_t cap = rec.index_cap ? rec.index_cap * 2 : 2048;
    uint32_t *index = calloc(cap, sizeof *index);
    if (!index) return false;
    for (size_t i = 0; i < rec.n; i++) {
      size_t s = slot_of(rec.nodes[i].parent, rec.nodes[i].fn, cap);
      while (index[s]) s = (s + 1) & (cap - 1);
      index[s] = (uint32_t)i + 1;
    }
    free(rec.index);
    rec.index = index;
    rec.index_cap = cap;
  }
  return true;
}

/* The node of fn called from parent, created when new; UINT32_MAX when out
 * of memory. */
NO_INSTRUMENT static uint32_t child(uint32_t parent, const void *fn,
                                    bool mark) {
  size_t s = slot_of(parent, fn, rec.index_cap);
  for (; rec.index[s]; s = (s + 1) & (rec.index_cap - 1)) {
    const rnode *n = &rec.nodes[rec.index[s] - 1];
    if (n->fn == fn && n->parent == parent) return rec.index[s] - 1;
  }
  if (rec.n >= UINT32_MAX - 1 || !grow()) return UINT32_MAX;
  uint32_t i = (uint32_t)rec.n++;
  rec.nodes[i] = (rnode){fn, parent, mark, 0, 0, 0, 0};
  s = slot_of(parent, fn, rec.index_cap); /* the index may have grown */
  while (rec.index[s]) s = (s + 1) & (rec.index_cap - 1);
  rec.index[s] = i + 1;
  return i;
}

/* The hooks read the clock the harness calibrated, but on the TSC without
 * the fences ivm_clock_now adds: a fence costs more than the code between
 * two hooks, and the error it avoids (a read drifting by a few
 * instructions) averages out over many calls, while the cost subtracted
 * afterwards is measured with these same reads. */
NO_INSTRUMENT static inline uint64_t now(void) {
#if IVM_CLOCK_HAVE_TSC
  if (rec.clock->tsc) return __rdtsc();
#endif
  return ivm_clock_now(rec.clock);
}

/* Notes that node i gets time in this checkpoint interval, remembering
 * what it held before. False when out of memory. */
NO_INSTRUMENT static bool touch(uint32_t i) {
  if (rec.ntouched == rec.touched_cap) {
    size_t cap = rec.touched_cap ? rec.touched_cap * 2 : 256;
    uint32_t *p = realloc(rec.touched, cap * sizeof *p);
    if (!p) return false;
    rec.touched = p;
    rec.touched_cap = cap;
  }
  rec.touched[rec.ntouched++] = i;
  rec.nodes[i].epoch = rec.epoch;
  rec.nodes[i].saved = rec.nodes[i].ticks;
  return true;
}

NO_INSTRUMENT static void enter(const void *fn, bool mark) {
  if (rec.depth == STACK_MAX) {
    rec.overflow++;
    rec.overflowed++;
    return;
  }
  uint32_t parent = rec.depth ? rec.stack[rec.depth - 1].node : IVM_PROF_ROOT;
  uint32_t node = child(parent, fn, mark);
  if (node == UINT32_MAX) {
    rec.failed = true;
    rec.on = false;
    return;
  }
  frame *f = &rec.stack[rec.depth++];
  f->node = node;
  f->t0 = now(); /* last, so the lookup is not timed */
}

NO_INSTRUMENT static void leave(void) {
  uint64_t t = now(); /* first, for the same reason */
  if (rec.overflow) {
    rec.overflow--;
    return;
  }
  if (rec.depth == 0) { /* an exit without its enter: started mid-call */
    rec.failed = true;
    rec.on = false;
    return;
  }
  const frame *f = &rec.stack[--rec.depth];
  rnode *n = &rec.nodes[f->node];
  if (n->epoch != rec.epoch && !touch(f->node)) {
    rec.failed = true;
    rec.on = false;
    return;
  }
  n->calls++;
  n->ticks += t - f->t0;
}

void __cyg_profile_func_enter(void *fn, void *site) {
  (void)site;
  if (rec.on) enter(fn, false);
}

void __cyg_profile_func_exit(void *fn, void *site) {
  (void)fn;
  (void)site;
  if (rec.on) leave();
}

void ivm_prof_mark_enter(const char *label) {
  if (rec.on) enter(label, true);
}

void ivm_prof_mark_exit(void) {
  if (rec.on) leave();
}

/* Forgets every node, keeping the memory. */
static void clear(void) {
  rec.n = 0;
  if (rec.index) memset(rec.index, 0, rec.index_cap * sizeof *rec.index);
}

int ivm_prof_recorder_start(const ivm_clock *clock) {
  rec.on = false;
  if (!rec.stack) rec.stack = malloc(STACK_MAX * sizeof *rec.stack);
  if (!rec.stack) return -1;
  clear();
  if (!grow()) return -1; /* the first lookup needs an index */
  rec.clock = clock;
  rec.failed = false;
  rec.depth = 0;
  rec.overflow = rec.overflowed = 0;
  rec.epoch = 1;
  rec.ntouched = 0;
  rec.on = true;
  return 0;
}

void ivm_prof_recorder_stop(void) { rec.on = false; }

void ivm_prof_recorder_checkpoint(void) {
  rec.epoch++;
  rec.ntouched = 0;
}

void ivm_prof_recorder_drop_times(void) {
  for (size_t k = 0; k < rec.ntouched; k++)
    rec.nodes[rec.touched[k]].ticks = rec.nodes[rec.touched[k]].saved;
  ivm_prof_recorder_checkpoint();
}

void ivm_prof_recorder_free(void) {
  free(rec.touched);
  free(rec.nodes);
  free(rec.index);
  free(rec.stack);
  memset(&rec, 0, sizeof rec);
}

/* ---- Taking the recording ---------------------------------------------- */

/* The function of a node as (file, name); unknown addresses print in hex. */
static uint32_t func_of(ivm_prof_tree *out, const rnode *n,
                        const ivm_prof_symtab *syms) {
  if (n->mark) return ivm_prof_tree_func(out, "", n->fn);
  const ivm_prof_sym *s = ivm_prof_symtab_find(syms, (uintptr_t)n->fn);
  if (s) return ivm_prof_tree_func(out, s->file, s->name);
  char hex[32];
  snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)(uintptr_t)n->fn);
  return ivm_prof_tree_func(out, "", hex);
}

int ivm_prof_recorder_take(ivm_prof_tree *out, const ivm_prof_symtab *syms,
                           char *why, size_t why_len) {
  ivm_prof_tree_init(out);
  if (rec.failed) {
    snprintf(why, why_len, "the recording ran out of memory");
    return -1;
  }
  if (rec.depth != 0 || rec.overflow != 0) {
    snprintf(why, why_len, "the recording stopped inside a call");
    return -1;
  }
  if (rec.overflowed) {
    snprintf(why, why_len, "%llu calls were nested deeper than %d frames",
             (unsigned long long)rec.overflowed, STACK_MAX);
    return -1;
  }
  /* Self ticks: inclusive ticks minus the children's. A child's interval
   * lies inside its parent's, so only clock jitter can make it negative. */
  int64_t *self = malloc((rec.n ? rec.n : 1) * sizeof *self);
  uint32_t *map = malloc((rec.n ? rec.n : 1) * sizeof *map);
  int rc = -1;
  if (!self || !map) goto done;
  for (size_t i = 0; i < rec.n; i++) self[i] = (int64_t)rec.nodes[i].ticks;
  for (size_t i = 0; i < rec.n; i++)
    if (rec.nodes[i].parent != IVM_PROF_ROOT)
      self[rec.nodes[i].parent] -= (int64_t)rec.nodes[i].ticks;
  for (size_t i = 0; i < rec.n; i++) {
    const rnode *n = &rec.nodes[i];
    double ns = (double)self[i] * rec.clock->ns_per_tick;
    uint32_t func = func_of(out, n, syms);
    uint32_t parent = n->parent == IVM_PROF_ROOT ? IVM_PROF_ROOT
                                                 : map[n->parent];
    map[i] = func == UINT32_MAX
                 ? UINT32_MAX
                 : ivm_prof_tree_add(out, parent, func, n->calls,
                                     ns > 0 ? (int64_t)(ns + 0.5) : 0);
    if (map[i] == UINT32_MAX) goto done;
  }
  rc = 0;
done:
  if (rc != 0) {
    snprintf(why, why_len, "out of memory converting the recording");
    ivm_prof_tree_free(out);
  }
  free(self);
  free(map);
  return rc;
}

/* ---- Calibration ------------------------------------------------------- */

/* In calib.c, compiled with instrumentation: an empty function called n
 * times by an instrumented loop, and the same pair without it. */
void ivm_prof_calib_loop(unsigned n);
void ivm_prof_calib_loop_plain(unsigned n);

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int ivm_prof_calibrate(const ivm_clock *clock, ivm_prof_cost *out) {
  enum { RUNS = 7, CALLS = 20000 };
  double inner[RUNS], outer[RUNS];
  for (int r = 0; r < RUNS; r++) {
    if (ivm_prof_recorder_start(clock) != 0) return -1;
    ivm_prof_calib_loop(CALLS);
    ivm_prof_recorder_stop();
    uint64_t t0 = ivm_clock_now(clock);
    ivm_prof_calib_loop_plain(CALLS);
    uint64_t plain = ivm_clock_now(clock) - t0;
    /* Node 0 is the loop, node 1 the empty function it calls. */
    if (rec.failed || rec.n != 2 || rec.nodes[1].calls != CALLS) return -1;
    inner[r] = ivm_clock_ns(clock, rec.nodes[1].ticks) / CALLS;
    double loop = ivm_clock_ns(clock, rec.nodes[0].ticks);
    outer[r] = (loop - ivm_clock_ns(clock, plain)) / CALLS;
  }
  clear();
  qsort(inner, RUNS, sizeof inner[0], cmp_double);
  qsort(outer, RUNS, sizeof outer[0], cmp_double);
  out->inner_ns = inner[RUNS / 2] > 0 ? inner[RUNS / 2] : 0;
  out->outer_ns = outer[RUNS / 2] > out->inner_ns ? outer[RUNS / 2]
                                                  : out->inner_ns;
  return 0;
}
