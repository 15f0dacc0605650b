/* report_flame.c - the two ASCII flame charts: the top functions by
 * cumulative time with proportional bars, and the merged call stacks drawn
 * as a text flame graph. Pure functions of the statistics and the chart
 * options; only ivm_prof_chart_for looks at the environment. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "prof_report.h"
#include "term.h"

ivm_prof_chart ivm_prof_chart_for(FILE *out, int rows) {
  ivm_prof_chart c = {.width = 100, .rows = rows, .color = false};
  int fd = fileno(out);
  bool tty = fd >= 0 && isatty(fd);
  struct winsize ws;
  const char *columns = getenv("COLUMNS");
  if (columns && atoi(columns) > 0)
    c.width = atoi(columns);
  else if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    c.width = ws.ws_col;
  /* Narrower leaves no room for a bar; wider is no longer a terminal. */
  c.width = c.width < 40 ? 40 : c.width > 1000 ? 1000 : c.width;
  c.color = ivm_term_color(out);
  return c;
}

static double ms(int64_t ns) { return (double)ns / 1e6; }

/* Columns for a share of total, rounded to nearest. */
static int scale(int64_t part, int64_t total, int width) {
  if (total <= 0 || part <= 0) return 0;
  return (int)(((double)part / (double)total) * width + 0.5);
}

/* Warm 256-colour indices, chosen by the name so a function keeps its
 * colour in every chart. */
static int warm_colour(const char *name) {
  static const int palette[] = {208, 214, 220, 202, 172, 178, 184, 166};
  return palette[ivm_prof_name_hash(name) % (sizeof palette /
                                             sizeof palette[0])];
}

/* ---- Top functions ----------------------------------------------------- */

void ivm_prof_report_top(FILE *out, const ivm_prof_tree *t,
                         const ivm_prof_stats *s, const ivm_prof_chart *c) {
  uint32_t *order = malloc((t->nfuncs ? t->nfuncs : 1) * sizeof *order);
  if (!order) {
    fprintf(out, "(out of memory drawing the chart)\n");
    return;
  }
  size_t n = ivm_prof_stats_order(t, s, IVM_PROF_SORT_CUMULATIVE, order);
  if (c->rows > 0 && n > (size_t)c->rows) n = (size_t)c->rows;
  /* Function | Time | Calls | Bar and its percentage. */
  int name_w = 8;
  char label[256];
  for (size_t i = 0; i < n; i++) {
    int len = (int)ivm_prof_func_label(&t->funcs[order[i]], label,
                                       sizeof label);
    if (len > name_w) name_w = len;
  }
  int name_max = c->width / 3 > 20 ? c->width / 3 : 20;
  if (name_w > name_max) name_w = name_max;
  int bar_w = c->width - name_w - 1 - 10 - 1 - 10 - 2 - 7;
  if (bar_w < 10) bar_w = 10;
  fprintf(out, "Top functions by cumulative time (%.3f ms recorded)\n",
          ms(s->total_ns));
  fprintf(out, "%-*s %10s %10s  %s\n", name_w, "Function", "Time (ms)",
          "Calls", "Bar");
  for (size_t i = 0; i < n; i++) {
    const ivm_prof_fstat *f = &s->funcs[order[i]];
    int len = (int)ivm_prof_func_label(&t->funcs[order[i]], label,
                                       sizeof label);
    if (len > name_w) /* keep the end: the function name matters most */
      fprintf(out, "..%s", label + len - (name_w - 2));
    else
      fprintf(out, "%-*s", name_w, label);
    int bar = scale(f->cumtime_ns, s->total_ns, bar_w);
    if (bar > bar_w) bar = bar_w;
    fprintf(out, " %10.3f %10llu  ", ms(f->cumtime_ns),
            (unsigned long long)f->ncalls);
    if (c->color) fprintf(out, "\033[38;5;%dm", warm_colour(label));
    for (int k = 0; k < bar; k++) fputc('#', out);
    if (c->color) fputs("\033[0m", out);
    fprintf(out, "%*s %5.1f%%\n", bar_w - bar, "",
            s->total_ns > 0 ? 100.0 * (double)f->cumtime_ns /
                                  (double)s->total_ns
                            : 0.0);
  }
  fputc('\n', out);
  free(order);
}

/* ---- Stack view -------------------------------------------------------- */

typedef struct layout {
  const ivm_prof_tree *t;
  const ivm_prof_stats *s;
  uint32_t *first, *next; /* see ivm_prof_children */
  uint32_t roots;
} layout;

static int build_layout(layout *l, const ivm_prof_tree *t,
                        const ivm_prof_stats *s) {
  size_t n = t->nnodes ? t->nnodes : 1;
  l->t = t;
  l->s = s;
  l->first = malloc(n * sizeof *l->first);
  l->next = malloc(n * sizeof *l->next);
  l->roots = UINT32_MAX;
  if (!l->first || !l->next) return -1;
  ivm_prof_children(t, s, l->first, l->next, &l->roots);
  return 0;
}

typedef struct canvas {
  int width, depth;  /* columns; rows in use */
  int max_rows;
  bool clipped;      /* frames deeper than max_rows exist */
  char *text;        /* max_rows x width */
  short *colour;     /* per cell: 256-colour index, 0 = none */
} canvas;

/* Writes one frame into its row: '|', the label, then '-' to its width. */
static void paint(canvas *cv, int row, int x0, int x1, const char *label,
                  int colour) {
  char *cell = cv->text + (size_t)row * (size_t)cv->width;
  short *col = cv->colour + (size_t)row * (size_t)cv->width;
  size_t len = strlen(label);
  for (int x = x0; x < x1; x++) {
    size_t k = (size_t)(x - x0);
    cell[x] = k == 0 ? '|' : k - 1 < len ? label[k - 1] : '-';
    col[x] = (short)colour;
  }
  if (row + 1 > cv->depth) cv->depth = row + 1;
}

static void draw(const layout *l, canvas *cv, uint32_t node, int row,
                 int64_t start, int64_t total) {
  for (; node != UINT32_MAX; node = l->next[node]) {
    int64_t incl = l->s->incl_ns[node];
    int x0 = scale(start, total, cv->width);
    int x1 = scale(start + incl, total, cv->width);
    if (x1 - x0 >= 2) { /* a narrower frame would be a bare '|' */
      if (row >= cv->max_rows) {
        cv->clipped = true;
      } else {
        const ivm_prof_func *f = &l->t->funcs[l->t->nodes[node].func];
        char label[160];
        snprintf(label, sizeof label, "%s %.1f%%", f->name,
                 100.0 * (double)incl / (double)total);
        if ((int)strlen(label) + 1 > x1 - x0) /* no room for the share */
          snprintf(label, sizeof label, "%s", f->name);
        paint(cv, row, x0, x1, label, warm_colour(f->name));
        draw(l, cv, l->first[node], row + 1, start, total);
      }
    }
    start += incl;
  }
}

static void print_row(FILE *out, const canvas *cv, int row, bool color) {
  const char *cell = cv->text + (size_t)row * (size_t)cv->width;
  const short *col = cv->colour + (size_t)row * (size_t)cv->width;
  int end = cv->width;
  while (end > 0 && cell[end - 1] == ' ') end--;
  int current = 0;
  for (int x = 0; x < end; x++) {
    if (color && col[x] != current) {
      if (col[x]) fprintf(out, "\033[30;48;5;%dm", col[x]);
      else fputs("\033[0m", out);
      current = col[x];
    }
    fputc(cell[x], out);
  }
  if (current) fputs("\033[0m", out);
  fputc('\n', out);
}

void ivm_prof_report_stack(FILE *out, const ivm_prof_tree *t,
                           const ivm_prof_stats *s, const ivm_prof_chart *c) {
  int width = c->width > 20 ? c->width : 20;
  int rows = c->rows > 1 ? c->rows : 2;
  layout l = {0};
  canvas cv = {.width = width, .max_rows = rows};
  cv.text = malloc((size_t)width * (size_t)rows);
  cv.colour = calloc((size_t)width * (size_t)rows, sizeof *cv.colour);
  if (build_layout(&l, t, s) != 0 || !cv.text || !cv.colour) {
    fprintf(out, "(out of memory drawing the call stacks)\n");
    goto done;
  }
  memset(cv.text, ' ', (size_t)width * (size_t)rows);
  fprintf(out, "Call stacks (width = inclusive time, root at the bottom, "
          "%d columns = %.3f ms)\n", width, ms(s->total_ns));
  if (s->total_ns <= 0) {
    fprintf(out, "(no time recorded)\n\n");
    goto done;
  }
  char root[64];
  snprintf(root, sizeof root, "all %.3f ms", ms(s->total_ns));
  paint(&cv, 0, 0, width, root, 0);
  draw(&l, &cv, l.roots, 1, 0, s->total_ns);
  for (int row = cv.depth - 1; row >= 0; row--)
    print_row(out, &cv, row, c->color);
  if (cv.clipped)
    fprintf(out, "(frames deeper than %d rows are not shown)\n", rows - 1);
  fputc('\n', out);
done:
  free(l.first);
  free(l.next);
  free(cv.text);
  free(cv.colour);
}
