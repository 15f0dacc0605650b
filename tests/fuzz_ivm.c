/* fuzz_ivm.c - libFuzzer target: the input bytes decode into an optional
 * managed domain and a sequence of operations (every kind, invalid
 * arguments included), which run on every registered implementation and on
 * a reference instance in lockstep. Any disagreement in a result or in the
 * state, a failing ivm_check(), allocator misuse or a leak abort()s with a
 * message.
 *
 * Decoding is total: every byte string is a valid input, and a short read
 * yields zeros. Coordinates come in several widths (tiny values merge and
 * touch constantly, full 64-bit ones reach the extremes) and may be taken
 * relative to the previous coordinate, so touching spans are cheap for the
 * fuzzer to find. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counting_alloc.h"
#include "oracle.h"

#define MAX_IMPLS 32

typedef struct reader {
  const uint8_t *p;
  size_t n;
  int64_t last; /* the previous coordinate */
} reader;

static uint8_t byte(reader *r) {
  if (r->n == 0) return 0;
  r->n--;
  return *r->p++;
}

/* k little-endian bytes, sign-extended from 8k bits. */
static int64_t signed_bytes(reader *r, int k) {
  uint64_t x = 0;
  for (int i = 0; i < k; i++) x |= (uint64_t)byte(r) << (8 * i);
  if (k < 8 && (x >> (8 * k - 1)) & 1) x |= ~(uint64_t)0 << (8 * k);
  return (int64_t)x;
}

static int64_t wrap_add(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a + (uint64_t)b);
}

static const int64_t extremes[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1,
                                   INT64_MAX - 1, INT64_MAX};
#define EXTREMES (sizeof extremes / sizeof extremes[0])

static int64_t coord(reader *r) {
  uint8_t tag = byte(r);
  int64_t x;
  switch (tag % 8) {
    case 0:
    case 1:
    case 2: x = signed_bytes(r, 1); break;
    case 3: x = signed_bytes(r, 2); break;
    case 4: x = wrap_add(r->last, signed_bytes(r, 1)); break;
    case 5: x = wrap_add(extremes[byte(r) % EXTREMES], tag / 8 % 4 - 2); break;
    case 6: x = signed_bytes(r, 4); break;
    default: x = signed_bytes(r, 8); break;
  }
  r->last = x;
  return x;
}

static int64_t length(reader *r) {
  uint8_t tag = byte(r);
  switch (tag % 8) {
    case 0:
    case 1:
    case 2: return 1 + tag / 8 % 16;        /* 1 .. 16 */
    case 3: return signed_bytes(r, 1);       /* zero and negatives too */
    case 4: return signed_bytes(r, 2);
    case 5: return extremes[byte(r) % EXTREMES];
    default: return signed_bytes(r, 8);
  }
}

static oracle_op decode_op(reader *r) {
  uint8_t head = byte(r);
  oracle_op op = {.kind = (oracle_kind)(head % ORACLE_KINDS)};
  switch (op.kind) {
    case ORACLE_RELEASE:
    case ORACLE_RESERVE:
      op.a = coord(r);
      op.b = head & 0x80 ? wrap_add(op.a, length(r)) : coord(r);
      if (op.kind == ORACLE_RESERVE) {
        static const unsigned flags[] = {0, 0, IVM_REQUIRE_COVERED, 2, 3,
                                         0x80000000u};
        op.flags = flags[(head >> 4) % (sizeof flags / sizeof flags[0])];
      }
      break;
    case ORACLE_FIND_BOUNDED:
    case ORACLE_ALLOCATE_BOUNDED:
      op.a = coord(r);
      op.b = length(r);
      op.c = head & 0x80 ? wrap_add(op.a, length(r)) : coord(r);
      break;
    case ORACLE_FIND:
    case ORACLE_ALLOCATE:
      op.a = coord(r);
      op.b = length(r);
      break;
    case ORACLE_BEST_FIT:
      op.a = length(r);
      break;
    case ORACLE_OVERLAPS:
    case ORACLE_EACH:
      op.a = coord(r);
      op.b = head & 0x80 ? wrap_add(op.a, length(r)) : coord(r);
      op.c = byte(r) % (ORACLE_LIST_CAP + 2);
      break;
    case ORACLE_INTERVALS:
      op.c = byte(r) % (ORACLE_LIST_CAP + 2);
      break;
    case ORACLE_LARGEST:
    case ORACLE_KINDS:
      break;
  }
  return op;
}

typedef struct subject {
  const struct ivm_ops *ops;
  ivm *m;
  counting_alloc alloc;
  oracle_state state;
} subject;

static subject ref, subs[MAX_IMPLS];
static size_t n_subs;

static void die(const subject *s, size_t step, const oracle_op *op,
                const char *why) {
  char text[200] = "(creation)";
  if (op) oracle_format_op(op, text, sizeof text);
  fprintf(stderr, "fuzz_ivm: impl=%s step=%zu op=%s: %s\n",
          s == &ref ? "reference (the oracle instance)" : s->ops->name, step,
          text, why);
  abort();
}

/* Creates the instance; returns its status, which must be the same for
 * every implementation. */
static int open_subject(subject *s, const struct ivm_ops *ops,
                        const ivm_options *base) {
  ivm_options opt = *base;
  s->ops = ops;
  s->m = NULL;
  counting_alloc_init(&s->alloc);
  oracle_state_init(&s->state);
  opt.alloc = counting_alloc_fn;
  opt.alloc_ud = &s->alloc;
  return ivm_create_ops(ops, &opt, &s->m);
}

static void close_subject(subject *s, size_t steps) {
  char why[256];
  ivm_destroy(s->m);
  if (s->alloc.mismatches) die(s, steps, NULL, s->alloc.mismatch);
  if (s->alloc.live_bytes || s->alloc.live_blocks) {
    snprintf(why, sizeof why, "destroy left %zu bytes in %zu blocks",
             s->alloc.live_bytes, s->alloc.live_blocks);
    die(s, steps, NULL, why);
  }
  counting_alloc_fini(&s->alloc);
  oracle_state_free(&s->state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char why[512];
  reader r = {data, size, 0};
  ivm_options opt = {0};
  uint8_t head = byte(&r);
  if (head & 1) {
    opt.has_domain = true;
    opt.domain_lo = coord(&r);
    opt.domain_hi = head & 2 ? wrap_add(opt.domain_lo, length(&r)) : coord(&r);
  }
  opt.seed = head >> 2;

  int want = open_subject(&ref, ivm_impl_find("reference"), &opt);
  n_subs = 0;
  for (size_t i = 0; i < ivm_impl_count() && i < MAX_IMPLS; i++) {
    subject *s = &subs[n_subs++];
    int rc = open_subject(s, ivm_impl_at(i), &opt);
    if (rc != want) {
      snprintf(why, sizeof why, "ivm_create_ops gives %s, the reference %s",
               ivm_errname(rc), ivm_errname(want));
      die(s, 0, NULL, why);
    }
  }
  size_t step = 0;
  if (want == IVM_OK) {
    for (; r.n > 0; step++) {
      oracle_op op = decode_op(&r);
      oracle_result expect, got;
      oracle_apply(ref.m, &op, &expect);
      oracle_capture(ref.m, &ref.state, true);
      if (ref.state.check != IVM_OK) die(&ref, step, &op, ref.state.why);
      for (size_t i = 0; i < n_subs; i++) {
        subject *s = &subs[i];
        oracle_apply(s->m, &op, &got);
        if (!oracle_same_result(&op, &got, &expect, why, sizeof why))
          die(s, step, &op, why);
        oracle_capture(s->m, &s->state, true);
        if (!oracle_same_state(&s->state, &ref.state, why, sizeof why))
          die(s, step, &op, why);
        if (s->alloc.mismatches) die(s, step, &op, s->alloc.mismatch);
      }
    }
  }
  for (size_t i = 0; i < n_subs; i++) close_subject(&subs[i], step);
  close_subject(&ref, step);
  return 0;
}
