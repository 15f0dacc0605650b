/* flamegraph.c - folded stacks and the SVG flame graph. Frames are laid out
 * like the text stack view (widest sibling first, root at the bottom); the
 * SVG escapes every name, so any function name gives valid XML. */
#include "flamegraph.h"

#include <stdlib.h>
#include <string.h>

static void put_label(FILE *out, const ivm_prof_func *f) {
  if (f->file[0]) fprintf(out, "%s:", f->file);
  fputs(f->name, out);
}

/* Root first: recursion on the parent chain, whose depth is the stack's. */
static void put_stack(FILE *out, const ivm_prof_tree *t, uint32_t node) {
  uint32_t parent = t->nodes[node].parent;
  if (parent != IVM_PROF_ROOT) {
    put_stack(out, t, parent);
    fputc(';', out);
  }
  put_label(out, &t->funcs[t->nodes[node].func]);
}

void ivm_prof_write_folded(FILE *out, const ivm_prof_tree *t) {
  for (uint32_t i = 0; i < t->nnodes; i++) {
    if (t->nodes[i].self_ns <= 0) continue;
    put_stack(out, t, i);
    fprintf(out, " %lld\n", (long long)t->nodes[i].self_ns);
  }
}

/* ---- SVG --------------------------------------------------------------- */

enum { SVG_WIDTH = 1200, PAD = 10, TOP = 40, FRAME_H = 16, CHAR_W = 7 };

static void put_escaped(FILE *out, const char *s, size_t max) {
  for (size_t i = 0; s[i] && i < max; i++) {
    switch (s[i]) {
      case '&': fputs("&amp;", out); break;
      case '<': fputs("&lt;", out); break;
      case '>': fputs("&gt;", out); break;
      case '"': fputs("&quot;", out); break;
      case '\'': fputs("&apos;", out); break;
      default:
        /* XML 1.0 forbids most control characters even escaped. */
        fputc((unsigned char)s[i] < 0x20 ? '?' : s[i], out);
    }
  }
}

/* A warm colour from the name, stable across runs. */
static void put_fill(FILE *out, const char *name) {
  uint32_t h = ivm_prof_name_hash(name);
  fprintf(out, "rgb(%u,%u,%u)", 205 + h % 50, 80 + (h >> 8) % 130,
          (h >> 16) % 55);
}

typedef struct svg {
  FILE *out;
  const ivm_prof_tree *t;
  const ivm_prof_stats *s;
  const uint32_t *first, *next;
  double px_per_ns;
  int height;
} svg;

static void frame(const svg *g, const ivm_prof_func *f, const char *label,
                  int depth, double x, double w, int64_t ns, uint64_t calls) {
  FILE *out = g->out;
  double y = g->height - PAD - (depth + 1) * FRAME_H;
  double pct = g->s->total_ns ? 100.0 * (double)ns / (double)g->s->total_ns
                              : 0.0;
  fputs("<g><title>", out);
  put_escaped(out, label, SIZE_MAX);
  fprintf(out, " (%.3f ms, %.2f%%, %llu calls)</title>", (double)ns / 1e6,
          pct, (unsigned long long)calls);
  fprintf(out, "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" "
          "rx=\"2\" fill=\"", x, y, w, FRAME_H - 1);
  put_fill(out, f ? f->name : label);
  fputs("\"/>", out);
  size_t fit = w > 3 * CHAR_W ? (size_t)((w - 6) / CHAR_W) : 0;
  const char *name = f ? f->name : label;
  if (fit >= 3) {
    fprintf(out, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + FRAME_H - 4.5);
    size_t len = strlen(name);
    put_escaped(out, name, len <= fit ? len : fit - 2);
    if (len > fit) fputs("..", out);
    fputs("</text>", out);
  }
  fputs("</g>\n", out);
}

static void frames(const svg *g, uint32_t node, int depth, double x) {
  for (; node != UINT32_MAX; node = g->next[node]) {
    double w = (double)g->s->incl_ns[node] * g->px_per_ns;
    if (w >= 0.1) { /* narrower frames would not be visible */
      const ivm_prof_func *f = &g->t->funcs[g->t->nodes[node].func];
      char label[512];
      ivm_prof_func_label(f, label, sizeof label);
      frame(g, f, label, depth, x, w, g->s->incl_ns[node],
            g->t->nodes[node].calls);
      frames(g, g->first[node], depth + 1, x);
    }
    x += w;
  }
}

static int max_depth(const ivm_prof_tree *t) {
  int best = 0;
  for (uint32_t i = 0; i < t->nnodes; i++) {
    int d = 1;
    for (uint32_t p = t->nodes[i].parent; p != IVM_PROF_ROOT;
         p = t->nodes[p].parent)
      d++;
    if (d > best) best = d;
  }
  return best;
}

int ivm_prof_write_svg(FILE *out, const ivm_prof_tree *t,
                       const ivm_prof_stats *s, const char *title) {
  size_t n = t->nnodes ? t->nnodes : 1;
  uint32_t *first = malloc(n * sizeof *first), *next = malloc(n * sizeof *next);
  if (!first || !next) {
    free(first);
    free(next);
    return -1;
  }
  uint32_t roots;
  ivm_prof_children(t, s, first, next, &roots);
  svg g = {out, t, s, first, next, 0.0, 0};
  g.height = TOP + (max_depth(t) + 1) * FRAME_H + 2 * PAD;
  g.px_per_ns = s->total_ns > 0 ? (SVG_WIDTH - 2.0 * PAD) /
                                      (double)s->total_ns
                                : 0.0;
  fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
          "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
          SVG_WIDTH, g.height, SVG_WIDTH, g.height);
  fputs("<style>text { font-family: monospace; font-size: 12px; "
        "pointer-events: none; } rect:hover { stroke: black; }</style>\n",
        out);
  fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fdfdf5\"/>\n"
          "<text x=\"%d\" y=\"24\" style=\"font-size: 16px\">", PAD);
  put_escaped(out, title, SIZE_MAX);
  fputs("</text>\n", out);
  uint64_t calls = 0;
  for (uint32_t r = roots; r != UINT32_MAX; r = next[r])
    calls += t->nodes[r].calls;
  if (s->total_ns > 0) {
    frame(&g, NULL, "all", 0, PAD, SVG_WIDTH - 2.0 * PAD, s->total_ns, calls);
    frames(&g, roots, 1, PAD);
  }
  fputs("</svg>\n", out);
  free(first);
  free(next);
  return 0;
}
