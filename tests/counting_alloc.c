/* counting_alloc.c - the counting, verifying, failure-injecting allocator
 * hook of the tests.
 *
 * Live blocks sit in an open-addressing table keyed by pointer (linear
 * probing, removal by backward shift, so no tombstones), kept at most half
 * full. Invariant: live_blocks entries are non-NULL and their sizes sum to
 * live_bytes. */
#include "counting_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void counting_alloc_init(counting_alloc *a) {
  memset(a, 0, sizeof *a);
  a->fail_at = UINT64_MAX;
}

void counting_alloc_fini(counting_alloc *a) {
  free(a->table);
  a->table = NULL;
  a->table_cap = 0;
}

static size_t slot_of(const counting_alloc *a, const void *ptr) {
  uint64_t h = (uint64_t)(uintptr_t)ptr * 0x9e3779b97f4a7c15u;
  return (size_t)(h >> 17) & (a->table_cap - 1);
}

/* The slot holding ptr, or the empty slot where it would go. */
static size_t probe(const counting_alloc *a, const void *ptr) {
  size_t i = slot_of(a, ptr);
  while (a->table[i].ptr && a->table[i].ptr != ptr)
    i = (i + 1) & (a->table_cap - 1);
  return i;
}

static void put(counting_alloc *a, void *ptr, size_t size) {
  a->table[probe(a, ptr)] = (counting_block){ptr, size};
}

/* Keeps the table at most half full; the bookkeeping itself must not fail,
 * so running out of memory here ends the test program. */
static void grow_table(counting_alloc *a) {
  if (2 * (a->live_blocks + 1) <= a->table_cap) return;
  counting_block *old = a->table;
  size_t old_cap = a->table_cap;
  a->table_cap = old_cap ? 2 * old_cap : 64;
  a->table = calloc(a->table_cap, sizeof *a->table);
  if (!a->table) {
    fprintf(stderr, "counting_alloc: out of memory for its own table\n");
    abort();
  }
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].ptr) put(a, old[i].ptr, old[i].size);
  free(old);
}

static void note_mismatch(counting_alloc *a, const char *what, void *ptr,
                          size_t told, size_t actual) {
  if (a->mismatches++ == 0)
    snprintf(a->mismatch, sizeof a->mismatch,
             "%s of %p: told old_size %zu, the block has %zu", what, ptr, told,
             actual);
}

/* Forgets ptr, checking the size the caller believes it has; returns the
 * size it really had (0 when it was not live). */
static size_t forget(counting_alloc *a, void *ptr, size_t old_size,
                     const char *what) {
  size_t i = a->table_cap ? probe(a, ptr) : 0;
  if (!a->table_cap || !a->table[i].ptr) {
    if (a->mismatches++ == 0)
      snprintf(a->mismatch, sizeof a->mismatch,
               "%s of %p (old_size %zu), which is not a live block", what, ptr,
               old_size);
    return 0;
  }
  size_t size = a->table[i].size;
  if (size != old_size) note_mismatch(a, what, ptr, old_size, size);
  a->live_bytes -= size;
  a->live_blocks--;
  /* Backward shift: pull later entries of the probe run into the hole when
   * their home slot does not lie cyclically in (hole, j]. */
  size_t mask = a->table_cap - 1, hole = i, j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (!a->table[j].ptr) break;
    size_t home = slot_of(a, a->table[j].ptr);
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      a->table[hole] = a->table[j];
      hole = j;
    }
  }
  a->table[hole] = (counting_block){NULL, 0};
  return size;
}

static void remember(counting_alloc *a, void *ptr, size_t size) {
  grow_table(a);
  put(a, ptr, size);
  a->live_blocks++;
  a->live_bytes += size;
  if (a->live_bytes > a->peak_bytes) a->peak_bytes = a->live_bytes;
}

void *counting_alloc_fn(void *ud, void *ptr, size_t old_size,
                        size_t new_size) {
  counting_alloc *a = ud;
  if (new_size == 0) {
    if (ptr) forget(a, ptr, old_size, "free");
    free(ptr);
    return NULL;
  }
  if (a->requests++ == a->fail_at) {
    a->failures++;
    return NULL;
  }
  /* The old block is forgotten before realloc may free it, and put back
   * only if the C library itself fails. */
  size_t had = ptr ? forget(a, ptr, old_size, "realloc") : 0;
  void *p = realloc(ptr, new_size);
  if (!p) {
    if (ptr && had) remember(a, ptr, had);
    return NULL;
  }
  remember(a, p, new_size);
  return p;
}
