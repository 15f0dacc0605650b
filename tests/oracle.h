/* oracle.h - runs one operation on a manager through the public front door
 * and compares it, and the state it leaves, with the reference.
 *
 * The differential test, the allocation-failure test and the fuzzer share
 * this: they differ only in where operations come from.
 *
 *     oracle_op op = {.kind = ORACLE_RESERVE, .a = 10, .b = 20};
 *     oracle_result want, got;
 *     oracle_apply(ref, &op, &want);
 *     oracle_apply(m, &op, &got);
 *     oracle_state ref_state, m_state;   // oracle_state_init() both first
 *     oracle_capture(ref, &ref_state, true);
 *     oracle_capture(m, &m_state, true);
 *     char why[512];
 *     if (!oracle_same_result(&op, &got, &want, why, sizeof why) ||
 *         !oracle_same_state(&m_state, &ref_state, why, sizeof why))
 *       puts(why);
 *
 * A capture is "deep" when it also copies the full span list and runs
 * ivm_check(); both are O(n), the rest (totals, count, every statistic) is
 * what the protocol answers in O(1) or O(log n) for the fast managers. */
#ifndef IVM_TEST_ORACLE_H
#define IVM_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ivm.h"

typedef enum oracle_kind {
  ORACLE_RELEASE,          /* [a, b) */
  ORACLE_RESERVE,          /* [a, b) with flags (any bits, so bad ones too) */
  ORACLE_FIND,             /* p = a, len = b */
  ORACLE_FIND_BOUNDED,     /* p = a, len = b, not_after = c */
  ORACLE_ALLOCATE,         /* p = a, len = b */
  ORACLE_ALLOCATE_BOUNDED, /* p = a, len = b, not_after = c */
  ORACLE_BEST_FIT,         /* len = a */
  ORACLE_LARGEST,
  ORACLE_OVERLAPS,         /* [a, b) into a buffer of c spans (0: NULL) */
  ORACLE_EACH,             /* [a, b), the visitor stops after c spans (0: never) */
  ORACLE_INTERVALS,        /* all spans into a buffer of c spans (0: NULL) */
  ORACLE_KINDS
} oracle_kind;

typedef struct oracle_op {
  oracle_kind kind;
  unsigned flags;
  int64_t a, b, c;
} oracle_op;

/* The most spans one operation's result records (overlaps, each, intervals);
 * the count n is always the full count. */
#define ORACLE_LIST_CAP 8

typedef struct oracle_result {
  int status; /* the call's return value (each: the visitor's stop value) */
  int64_t changed;
  bool found;
  ivm_span span;
  size_t n;
  ivm_span list[ORACLE_LIST_CAP];
} oracle_result;

/* Everything observable about a manager's free set. */
typedef struct oracle_state {
  int64_t total;
  int64_t count;
  ivm_stats stats;
  bool deep;       /* the fields below were captured */
  int check;       /* ivm_check()'s status */
  char why[256];   /* its reason */
  ivm_span *spans; /* the full span list, n of them */
  size_t n, cap;
} oracle_state;

/* True for the kinds that may change the free set. */
bool oracle_mutates(oracle_kind kind);

/* Runs op on m through the public API; every field of *r is set. */
void oracle_apply(ivm *m, const oracle_op *op, oracle_result *r);

/* The operation and a result as text, e.g. "reserve(10, 20, flags=1)" and
 * "OK changed=10". */
void oracle_format_op(const oracle_op *op, char *buf, size_t len);
void oracle_format_result(const oracle_op *op, const oracle_result *r,
                          char *buf, size_t len);

/* Compares results field by field; false with the first difference in why. */
bool oracle_same_result(const oracle_op *op, const oracle_result *got,
                        const oracle_result *want, char *why, size_t why_len);

void oracle_state_init(oracle_state *s);
void oracle_state_free(oracle_state *s);
/* Fills s from m; deep adds the span list and ivm_check(). */
void oracle_capture(const ivm *m, oracle_state *s, bool deep);
/* Compares got with want: check() of got first when captured deep, then
 * totals, count, every statistic exactly (doubles bit for bit) and, when both
 * are deep, the span lists. False with the first difference in why. */
bool oracle_same_state(const oracle_state *got, const oracle_state *want,
                       char *why, size_t why_len);
/* The same comparison against the state captured before a failed call. */
bool oracle_unchanged(const oracle_state *after, const oracle_state *before,
                      char *why, size_t why_len);

#endif /* IVM_TEST_ORACLE_H */
