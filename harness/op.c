/* op.c - names, text forms and equality of operations and results, and the
 * growable operation stream. Text forms are the trace format, one place. */
#include "op.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[IVM_OP_KINDS] = {
#define IVM_OP_KIND_NAME(name, text) text,
    IVM_OP_KIND_MAP(IVM_OP_KIND_NAME)
#undef IVM_OP_KIND_NAME
};

const char *ivm_op_name(ivm_op_kind kind) {
  return (unsigned)kind < IVM_OP_KINDS ? kind_names[kind] : "?";
}

bool ivm_op_kind_from_name(const char *name, size_t len, ivm_op_kind *out) {
  for (int k = 0; k < IVM_OP_KINDS; k++) {
    if (strlen(kind_names[k]) == len && memcmp(kind_names[k], name, len) == 0) {
      *out = (ivm_op_kind)k;
      return true;
    }
  }
  return false;
}

void ivm_op_format(const ivm_op *op, char *buf, size_t size) {
  const char *name = ivm_op_name(op->kind);
  switch (op->kind) {
    case IVM_OP_RELEASE:
    case IVM_OP_RESERVE:
    case IVM_OP_RESERVE_COVERED:
      snprintf(buf, size, "%s %" PRId64 " %" PRId64, name, op->arg[0],
               op->arg[1]);
      break;
    case IVM_OP_FIND:
    case IVM_OP_ALLOCATE:
      if (op->bounded)
        snprintf(buf, size, "%s %" PRId64 " %" PRId64 " %" PRId64, name,
                 op->arg[0], op->arg[1], op->arg[2]);
      else
        snprintf(buf, size, "%s %" PRId64 " %" PRId64, name, op->arg[0],
                 op->arg[1]);
      break;
    case IVM_OP_BEST_FIT:
      snprintf(buf, size, "%s %" PRId64, name, op->arg[0]);
      break;
    default:
      snprintf(buf, size, "%s", name);
      break;
  }
}

void ivm_result_format(const ivm_op *op, const ivm_result *r, char *buf,
                       size_t size) {
  if (r->status != IVM_OK) {
    snprintf(buf, size, "error %s", ivm_errname(r->status));
    return;
  }
  switch (op->kind) {
    case IVM_OP_RELEASE:
    case IVM_OP_RESERVE:
    case IVM_OP_RESERVE_COVERED:
      snprintf(buf, size, "ok %" PRId64, r->changed);
      break;
    case IVM_OP_STATS:
      snprintf(buf, size, "stats free=%" PRId64 " chunks=%" PRId64
               " largest=%" PRId64, r->stats.total, r->stats.count,
               r->stats.largest);
      break;
    default:
      if (r->found)
        snprintf(buf, size, "found %" PRId64 " %" PRId64, r->span.start,
                 r->span.end);
      else
        snprintf(buf, size, "none");
      break;
  }
}

bool ivm_op_equal(const ivm_op *a, const ivm_op *b) {
  return a->kind == b->kind && a->bounded == b->bounded &&
         a->arg[0] == b->arg[0] && a->arg[1] == b->arg[1] &&
         a->arg[2] == b->arg[2];
}

static bool summary_equal(const ivm_summary *a, const ivm_summary *b) {
  return a->total == b->total && a->count == b->count &&
         a->largest == b->largest && a->largest_start == b->largest_start &&
         a->smallest == b->smallest && a->first == b->first &&
         a->last == b->last;
}

bool ivm_result_equal(const ivm_result *a, const ivm_result *b) {
  return a->status == b->status && a->found == b->found &&
         a->span.start == b->span.start && a->span.end == b->span.end &&
         a->changed == b->changed && summary_equal(&a->stats, &b->stats);
}

bool ivm_stats_equal(const ivm_stats *a, const ivm_stats *b) {
  /* Field by field: the struct has padding, and every implementation must
   * give bit-identical doubles, so == is the right comparison. */
  return a->total_free == b->total_free && a->free_chunks == b->free_chunks &&
         a->largest_chunk == b->largest_chunk &&
         a->largest_start == b->largest_start &&
         a->smallest_chunk == b->smallest_chunk &&
         a->avg_chunk == b->avg_chunk &&
         a->fragmentation == b->fragmentation &&
         a->first_free == b->first_free && a->last_free == b->last_free &&
         a->gaps == b->gaps && a->avg_gap == b->avg_gap &&
         a->has_domain == b->has_domain &&
         a->total_space == b->total_space && a->occupied == b->occupied &&
         a->utilization == b->utilization &&
         a->free_density == b->free_density;
}

int ivm_stream_push(ivm_stream *s, const ivm_op *op) {
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 1024;
    if (cap > SIZE_MAX / sizeof *s->ops) return IVM_NOMEM;
    ivm_op *ops = realloc(s->ops, cap * sizeof *ops);
    if (!ops) return IVM_NOMEM;
    s->ops = ops;
    s->cap = cap;
  }
  s->ops[s->count++] = *op;
  return IVM_OK;
}

void ivm_stream_free(ivm_stream *s) {
  free(s->ops);
  memset(s, 0, sizeof *s);
}

ivm_options ivm_stream_options(const ivm_stream *s) {
  ivm_options opt = {0};
  opt.has_domain = s->has_domain;
  opt.domain_lo = s->domain_lo;
  opt.domain_hi = s->domain_hi;
  return opt;
}

size_t ivm_stream_measured(const ivm_stream *s) { return s->count - s->setup; }
