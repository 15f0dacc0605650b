/* pprof.h - the calling-context tree as a gzip-compressed profile.proto,
 * the format `go tool pprof` reads.
 *
 * Usage:
 *
 *     const char *notes[] = {"reference on standard, 10000 operations"};
 *     ivm_prof_pprof_info info = {.comments = notes, .ncomments = 1};
 *     char why[256];
 *     if (ivm_prof_pprof_write("reference.pb.gz", &tree, &info, why,
 *                              sizeof why) != 0)
 *       fprintf(stderr, "%s\n", why);
 *
 * Every node of the tree becomes one sample whose stack is the node's path
 * from the root, with two values: calls/count (the node's calls) and
 * time/nanoseconds (its self time). pprof's flat figures are then ncalls and
 * tottime, and its cumulative time, which counts a function once per sample,
 * is cProfile's cumulative time. Each function gets one location, named with
 * its source file; the mapping says functions and file names are resolved,
 * so pprof does not try to symbolize anything. */
#ifndef IVM_PROF_PPROF_H
#define IVM_PROF_PPROF_H

#include <stddef.h>
#include <stdint.h>

#include "calltree.h"

typedef struct ivm_prof_pprof_info {
  const char *const *comments; /* free text shown by pprof -comments */
  size_t ncomments;
  int64_t time_nanos;     /* when the profile started, 0 if unknown */
  int64_t duration_nanos; /* how long the profiled phase took */
  const char *binary;     /* the mapping's file name, may be NULL */
} ivm_prof_pprof_info;

/* The uncompressed profile.proto bytes in *out (malloc'd, caller frees).
 * 0, or -1 when out of memory (*out is then NULL). */
int ivm_prof_pprof_encode(const ivm_prof_tree *t,
                          const ivm_prof_pprof_info *info, uint8_t **out,
                          size_t *len);

/* Encodes and writes path gzip-compressed. 0, or -1 with the reason in why
 * (a partial file is removed). */
int ivm_prof_pprof_write(const char *path, const ivm_prof_tree *t,
                         const ivm_prof_pprof_info *info, char *why,
                         size_t why_len);

#endif /* IVM_PROF_PPROF_H */
