/* workload.c - generating an operation stream from a profile and a seed.
 *
 * One xoshiro256** stream, seeded once, drives every choice in a fixed
 * order (setup first, then per measured operation: the kind, then its
 * arguments), with integer arithmetic only, so a profile, seed and count
 * give the same stream everywhere, and a longer stream extends a shorter
 * one. Profiles that mix in `free` also run the stream on the reference
 * implementation, the oracle, to learn which spans allocations obtained. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "exec.h"
#include "prng.h"
#include "workload.h"

/* The spans allocations and strict reserves obtained and `free` has not
 * released yet, in no particular order. */
typedef struct held {
  ivm_span *spans;
  size_t n, cap;
} held;

typedef struct gen {
  const ivm_profile *p;
  ivm_prng rng;
  ivm_stream *out;
  ivm *model; /* the reference, when the mix has `free`; else NULL */
  held held;
  uint64_t weight_total;
} gen;

static int64_t draw(gen *g, int64_t lo, int64_t hi) {
  return ivm_prng_range(&g->rng, lo, hi);
}

/* Appends op and, with a model, runs it there to learn what it obtained. */
static int emit(gen *g, const ivm_op *op) {
  if (ivm_stream_push(g->out, op) != IVM_OK) return IVM_NOMEM;
  if (!g->model) return IVM_OK;
  ivm_result r;
  int rc = ivm_exec(g->model, op, &r);
  if (rc == IVM_NOMEM) return IVM_NOMEM;
  bool obtained = (op->kind == IVM_OP_ALLOCATE && r.found) ||
                  (op->kind == IVM_OP_RESERVE_COVERED && rc == IVM_OK);
  if (!obtained) return IVM_OK;
  held *h = &g->held;
  if (h->n == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 256;
    ivm_span *spans = realloc(h->spans, cap * sizeof *spans);
    if (!spans) return IVM_NOMEM;
    h->spans = spans;
    h->cap = cap;
  }
  h->spans[h->n++] = op->kind == IVM_OP_ALLOCATE
                         ? r.span
                         : (ivm_span){op->arg[0], op->arg[1]};
  return IVM_OK;
}

static ivm_op span_op(gen *g, ivm_op_kind kind) {
  ivm_op op = {.kind = kind};
  op.arg[0] = draw(g, g->p->start_lo, g->p->start_hi);
  op.arg[1] = op.arg[0] + draw(g, g->p->len_lo, g->p->len_hi);
  return op;
}

static ivm_op fit_op(gen *g, ivm_op_kind kind, bool bounded) {
  ivm_op op = {.kind = kind, .bounded = bounded};
  op.arg[0] = draw(g, g->p->start_lo, g->p->start_hi);
  op.arg[1] = draw(g, g->p->find_len_lo, g->p->find_len_hi);
  if (bounded) op.arg[2] = op.arg[0] + op.arg[1] + draw(g, 0, g->p->window);
  return op;
}

/* Releases one held span, picked uniformly; swap-remove keeps the rest. */
static ivm_op free_op(gen *g) {
  held *h = &g->held;
  if (h->n == 0) return fit_op(g, IVM_OP_ALLOCATE, false);
  size_t i = (size_t)ivm_prng_below(&g->rng, h->n);
  ivm_op op = {.kind = IVM_OP_RELEASE, .arg = {h->spans[i].start,
                                               h->spans[i].end}};
  h->spans[i] = h->spans[--h->n];
  return op;
}

static ivm_mix_kind pick_kind(gen *g) {
  uint64_t x = ivm_prng_below(&g->rng, g->weight_total);
  int k = 0;
  while (x >= g->p->weight[k]) x -= g->p->weight[k++];
  return (ivm_mix_kind)k;
}

static ivm_op measured_op(gen *g) {
  switch (pick_kind(g)) {
    case IVM_MIX_RESERVE: return span_op(g, IVM_OP_RESERVE);
    case IVM_MIX_RELEASE: return span_op(g, IVM_OP_RELEASE);
    case IVM_MIX_RESERVE_COVERED: return span_op(g, IVM_OP_RESERVE_COVERED);
    case IVM_MIX_FIND: return fit_op(g, IVM_OP_FIND, false);
    case IVM_MIX_FIND_BOUNDED: return fit_op(g, IVM_OP_FIND, true);
    case IVM_MIX_ALLOCATE: return fit_op(g, IVM_OP_ALLOCATE, false);
    case IVM_MIX_ALLOCATE_BOUNDED: return fit_op(g, IVM_OP_ALLOCATE, true);
    case IVM_MIX_BEST_FIT: {
      ivm_op op = {.kind = IVM_OP_BEST_FIT};
      op.arg[0] = draw(g, g->p->find_len_lo, g->p->find_len_hi);
      return op;
    }
    case IVM_MIX_LARGEST: return (ivm_op){.kind = IVM_OP_LARGEST};
    case IVM_MIX_STATS: return (ivm_op){.kind = IVM_OP_STATS};
    default: return free_op(g);
  }
}

/* The initial state: the universe, or fragments and a far span, then the
 * prefill reserves. */
static int setup(gen *g) {
  const ivm_profile *p = g->p;
  int rc = IVM_OK;
  if (p->initial == IVM_INITIAL_FULL) {
    ivm_op op = {.kind = IVM_OP_RELEASE,
                 .arg = {p->universe_lo, p->universe_hi}};
    rc = emit(g, &op);
  } else if (p->initial == IVM_INITIAL_FRAGMENTS) {
    int64_t at = p->universe_lo;
    for (int64_t i = 0; rc == IVM_OK && i < p->fragment_count; i++) {
      ivm_op op = {.kind = IVM_OP_RELEASE, .arg = {at, at + p->fragment_len}};
      rc = emit(g, &op);
      at += p->fragment_stride;
    }
    ivm_op far = {.kind = IVM_OP_RELEASE, .arg = {at, at + p->far_len}};
    if (rc == IVM_OK) rc = emit(g, &far);
  }
  for (int64_t i = 0; rc == IVM_OK && i < p->prefill_reserves; i++) {
    ivm_op op = span_op(g, IVM_OP_RESERVE);
    rc = emit(g, &op);
  }
  return rc;
}

int ivm_workload_generate(const ivm_profile *p, uint64_t seed, size_t ops,
                          ivm_stream *out, char *err, size_t err_len) {
  gen g = {.p = p, .out = out};
  memset(out, 0, sizeof *out);
  if (err && err_len) err[0] = '\0';
  for (int k = 0; k < IVM_MIX_KINDS; k++) g.weight_total += p->weight[k];
  if (g.weight_total == 0)
    return ivm_errorf(err, err_len, IVM_INVAL, "%s: the mix is empty", p->name);
  ivm_prng_seed(&g.rng, seed);
  out->has_domain = p->domain;
  out->domain_lo = p->domain ? p->universe_lo : 0;
  out->domain_hi = p->domain ? p->universe_hi : 0;
  int rc = IVM_OK;
  if (p->weight[IVM_MIX_FREE] > 0) {
    ivm_options opt = ivm_stream_options(out);
    rc = ivm_create("reference", &opt, &g.model);
  }
  if (rc == IVM_OK) rc = setup(&g);
  out->setup = out->count;
  for (size_t i = 0; rc == IVM_OK && i < ops; i++) {
    ivm_op op = measured_op(&g);
    rc = emit(&g, &op);
  }
  ivm_destroy(g.model);
  free(g.held.spans);
  if (rc != IVM_OK) {
    ivm_stream_free(out);
    return ivm_errorf(err, err_len, rc, "%s: generating the workload failed: %s",
                 p->name, ivm_strerror(rc));
  }
  return IVM_OK;
}
