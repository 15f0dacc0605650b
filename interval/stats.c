/* stats.c - statistics derived from a summary: one pure function, so every
 * implementation reports bit-identical figures for the same state. */
#include <string.h>

#include "ivm.h"

void ivm_stats_from_summary(const ivm_summary *s, const ivm *m,
                            ivm_stats *out) {
  memset(out, 0, sizeof *out);
  out->total_free = s->total;
  if (s->count > 0) {
    out->free_chunks = s->count;
    out->largest_chunk = s->largest;
    out->largest_start = s->largest_start;
    out->smallest_chunk = s->smallest;
    out->avg_chunk = (double)s->total / (double)s->count;
    out->fragmentation = (double)(s->total - s->largest) / (double)s->total;
    out->first_free = s->first;
    out->last_free = s->last;
    out->gaps = s->count - 1;
    if (out->gaps > 0) {
      /* last - first may exceed int64 (spans near both extremes), the gap
       * total never does once divided out, so do it in unsigned/double. */
      uint64_t hull = (uint64_t)s->last - (uint64_t)s->first;
      out->avg_gap = (double)(hull - (uint64_t)s->total) / (double)out->gaps;
    }
  }
  if (m->has_domain) {
    out->has_domain = true;
    out->total_space = m->domain_hi - m->domain_lo;
    out->occupied = out->total_space - s->total;
    out->utilization = (double)out->occupied / (double)out->total_space;
    out->free_density = (double)s->total / (double)out->total_space;
  }
}
