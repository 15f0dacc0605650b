/* scale.h - the scaling view: one profile at growing sizes (1k, 10k, 100k,
 * 1M operations by default), its universe grown with the operation count so
 * the live span count grows too, and the time per operation of every
 * implementation against n log n.
 *
 * Usage:
 *
 *     ivm_scale_config cfg = ivm_scale_defaults();
 *     cfg.profile = &profile;
 *     cfg.impls = selected;
 *     cfg.impl_count = n;
 *     cfg.clock = &clock;
 *     ivm_scale_result res;
 *     if (ivm_scale_run(&cfg, &res, err, sizeof err) != IVM_OK) die(err);
 *     ivm_scale_free(&res);
 *
 * Each size is a full comparison (compare.h) without the latency pass: the
 * agreement check first, then timed passes. Up to reference_max_ops the
 * oracle is the reference implementation; beyond, where an O(n) oracle
 * would take hours, the first other selected implementation is the oracle
 * and the others are cross-checked against it, and the reference is left
 * out. Efficiency is (ns/op / log2 n) divided by the same figure at the
 * smallest size the implementation was timed at: 1.00 means the cost per
 * operation grows like log n (the whole run like n log n); above 1 is worse.
 */
#ifndef IVM_HARNESS_SCALE_H
#define IVM_HARNESS_SCALE_H

#include "compare.h"
#include "workload.h"

#define IVM_SCALE_MAX_POINTS 16

typedef struct ivm_scale_config {
  const struct ivm_ops *const *impls;
  size_t impl_count;
  const ivm_profile *profile;
  uint64_t seed;
  int64_t sizes[IVM_SCALE_MAX_POINTS]; /* measured operations per point */
  size_t size_count;
  int warmup;
  int repeat;
  int64_t reference_max_ops;
  bool time_reference;
  const ivm_clock *clock;
  ivm_progress *progress;
} ivm_scale_config;

typedef struct ivm_scale_point {
  int64_t ops;
  int64_t universe;          /* width of the scaled universe */
  size_t setup;
  ivm_compare_result cmp;    /* figures of the implementations run here */
  double *efficiency;        /* per cmp.impls entry; NAN when not timed */
} ivm_scale_point;

typedef struct ivm_scale_result {
  ivm_scale_point points[IVM_SCALE_MAX_POINTS];
  size_t point_count;
  bool agreed;               /* every point agreed */
  int64_t reference_max_ops; /* the configuration's, for the reports */
} ivm_scale_result;

/* 1k, 10k, 100k, 1M; warmup 1, repeat 3; reference up to 100k. */
ivm_scale_config ivm_scale_defaults(void);

/* Runs every size in order and stops after the first that disagrees.
 * Returns IVM_OK when the runs could be made (see out->agreed), else a
 * negative status with the reason in err. */
int ivm_scale_run(const ivm_scale_config *cfg, ivm_scale_result *out,
                  char *err, size_t err_len);
void ivm_scale_free(ivm_scale_result *r);

#endif /* IVM_HARNESS_SCALE_H */
