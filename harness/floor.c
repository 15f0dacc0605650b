/* floor.c - the manager that stores nothing, timed by `compare` beside the
 * real ones: its time per operation is what the harness loop, the result
 * capture and the front door's checks cost, and so the part of every ns/op
 * that no implementation can remove. It is never in the registry. */
#include "floor.h"

static int floor_init(ivm *m) {
  (void)m;
  return IVM_OK;
}
static void floor_fini(ivm *m) { (void)m; }

/* Mutations change nothing (the front door has zeroed *changed). */
static int floor_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  (void)m, (void)start, (void)end, (void)changed;
  return IVM_OK;
}
static int floor_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                         int64_t *changed) {
  (void)m, (void)start, (void)end, (void)flags, (void)changed;
  return IVM_OK;
}

/* Queries find nothing. */
static bool floor_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                       ivm_span *out) {
  (void)m, (void)p, (void)len, (void)not_after, (void)out;
  return false;
}
static bool floor_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  (void)m, (void)len, (void)out;
  return false;
}
static bool floor_largest(const ivm *m, ivm_span *out) {
  (void)m, (void)out;
  return false;
}
static int64_t floor_zero(const ivm *m) {
  (void)m;
  return 0;
}
static int floor_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                      void *ud) {
  (void)m, (void)start, (void)end, (void)fn, (void)ud;
  return 0;
}
static void floor_summary(const ivm *m, ivm_summary *out) {
  (void)m;
  *out = (ivm_summary){0};
}
static size_t floor_counters(const ivm *m, ivm_counter *out, size_t cap) {
  (void)m, (void)out, (void)cap;
  return 0;
}
static int floor_check(const ivm *m, char *why, size_t why_len) {
  (void)m, (void)why, (void)why_len;
  return IVM_OK;
}
static void floor_dump(const ivm *m, FILE *out) {
  (void)m;
  fputs("floor: stores nothing\n", out);
}

const struct ivm_ops ivm_floor_ops = {
    .name = "floor",
    .description = "stores nothing; times the harness and the front door",
    .instance_size = sizeof(ivm),
    .init = floor_init,
    .fini = floor_fini,
    .release = floor_release,
    .reserve = floor_reserve,
    .find = floor_find,
    .best_fit = floor_best_fit,
    .largest = floor_largest,
    .total_free = floor_zero,
    .count = floor_zero,
    .each = floor_each,
    .summary = floor_summary,
    .counters = floor_counters,
    .check = floor_check,
    .dump = floor_dump,
};
