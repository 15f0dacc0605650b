/* term.c - terminal detection and the progress line. The progress line
 * lives on stderr only, so stdout stays exactly the report. */
#include "term.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"

bool ivm_term_color(FILE *f) {
  const char *no_color = getenv("NO_COLOR");
  if (no_color && no_color[0]) return false;
  return isatty(fileno(f));
}

void ivm_progress_init(ivm_progress *p) {
  p->enabled = isatty(fileno(stderr));
  p->shown = false;
  p->start_ns = p->last_ns = ivm_clock_monotonic_ns();
}

void ivm_progress_update(ivm_progress *p, const char *fmt, ...) {
  if (!p->enabled) return;
  uint64_t now = ivm_clock_monotonic_ns();
  if (now - p->start_ns < 1000000000u) return;
  if (p->shown && now - p->last_ns < 100000000u) return;
  p->last_ns = now;
  /* Carriage return, the text, then erase to the end of the line. */
  fputc('\r', stderr);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\033[K", stderr);
  fflush(stderr);
  p->shown = true;
}

void ivm_progress_done(ivm_progress *p) {
  if (p->shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
  p->shown = false;
}
