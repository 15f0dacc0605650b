/* term.h - what the console may show: colour only on a terminal and only
 * without NO_COLOR, and a progress line on stderr only when stderr is a
 * terminal and the work has already taken more than a second.
 *
 * Usage:
 *
 *     ivm_progress pr;
 *     ivm_progress_init(&pr);
 *     for (...) ivm_progress_update(&pr, "compare: %s pass %d/%d", ...);
 *     ivm_progress_done(&pr);           // erases the line if one was shown
 */
#ifndef IVM_HARNESS_TERM_H
#define IVM_HARNESS_TERM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* True when escape codes may be written to f: f is a terminal and NO_COLOR
 * is unset or empty (https://no-color.org). */
bool ivm_term_color(FILE *f);

typedef struct ivm_progress {
  bool enabled;       /* stderr is a terminal */
  bool shown;         /* a line is on screen */
  uint64_t start_ns;  /* when the work began */
  uint64_t last_ns;   /* when the line was last redrawn */
} ivm_progress;

void ivm_progress_init(ivm_progress *p);
/* Redraws the line, at most ten times a second, once a second has passed. */
void ivm_progress_update(ivm_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ivm_progress_done(ivm_progress *p);

#endif /* IVM_HARNESS_TERM_H */
