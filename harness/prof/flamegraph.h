/* flamegraph.h - flame graph files written by the harness itself: folded
 * stacks and a self-contained SVG.
 *
 * Usage:
 *
 *     FILE *f = fopen("reference.folded", "w");
 *     ivm_prof_write_folded(f, &tree);
 *     FILE *g = fopen("reference.svg", "w");
 *     ivm_prof_write_svg(g, &tree, &stats, "reference on standard");
 *
 * Folded stacks are the interchange format of flamegraph.pl, speedscope and
 * inferno: one line per distinct stack, frames from the root separated by
 * ';', then a space and the stack's self time in nanoseconds. The SVG needs
 * no script or external file: each frame is a rectangle with its name and a
 * <title> tooltip giving the time, the share of the total and the calls.
 * Both are pure functions of the tree, so the same profile gives the same
 * bytes. */
#ifndef IVM_PROF_FLAMEGRAPH_H
#define IVM_PROF_FLAMEGRAPH_H

#include <stdio.h>

#include "calltree.h"

void ivm_prof_write_folded(FILE *out, const ivm_prof_tree *t);

/* 0, or -1 when out of memory (nothing useful was written). */
int ivm_prof_write_svg(FILE *out, const ivm_prof_tree *t,
                       const ivm_prof_stats *s, const char *title);

#endif /* IVM_PROF_FLAMEGRAPH_H */
