/* table.c - aligned tables. Cells are fixed-size strings in one growing
 * array, row-major; widths count UTF-8 characters, not bytes, so bars and
 * dashes drawn with multi-byte characters line up. */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 15

struct ivm_table {
  size_t cols;
  char align[MAX_COLS + 1];
  char (*header)[IVM_TABLE_CELL];
  char (*cells)[IVM_TABLE_CELL];
  ivm_mark *marks; /* one per row */
  size_t n, cap;   /* cells used and allocated */
};

ivm_table *ivm_table_new(const char *first_header, const char *align) {
  size_t cols = strlen(align);
  if (cols == 0 || cols > MAX_COLS) return NULL;
  ivm_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->cols = cols;
  memcpy(t->align, align, cols);
  t->header = calloc(cols, sizeof *t->header);
  if (!t->header) {
    free(t);
    return NULL;
  }
  snprintf(t->header[0], IVM_TABLE_CELL, "%s", first_header);
  return t;
}

void ivm_table_header(ivm_table *t, size_t col, const char *text) {
  if (t && col < t->cols) snprintf(t->header[col], IVM_TABLE_CELL, "%s", text);
}

static bool grow(ivm_table *t) {
  size_t cap = t->cap ? t->cap * 2 : t->cols * 8;
  char(*cells)[IVM_TABLE_CELL] = realloc(t->cells, cap * sizeof *cells);
  if (!cells) return false;
  t->cells = cells;
  ivm_mark *marks = realloc(t->marks, (cap / t->cols + 1) * sizeof *marks);
  if (!marks) return false;
  t->marks = marks;
  t->cap = cap;
  return true;
}

void ivm_table_cell(ivm_table *t, const char *fmt, ...) {
  if (!t || (t->n == t->cap && !grow(t))) return;
  if (t->n % t->cols == 0) t->marks[t->n / t->cols] = IVM_MARK_NONE;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->cells[t->n++], IVM_TABLE_CELL, fmt, ap);
  va_end(ap);
}

void ivm_table_mark(ivm_table *t, ivm_mark mark) {
  if (!t || t->n == 0) return;
  t->marks[(t->n - 1) / t->cols] = mark;
}

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t width_of(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xc0) != 0x80) w++;
  return w;
}

static void print_row(const ivm_table *t, FILE *out,
                      const char (*row)[IVM_TABLE_CELL], const size_t *width,
                      size_t filled) {
  /* Trailing empty left-aligned cells would leave trailing blanks: find
   * where the row's visible text ends. */
  size_t last = 0;
  for (size_t c = 0; c < filled; c++)
    if (row[c][0] || t->align[c] == 'r') last = c + 1;
  for (size_t c = 0; c < last; c++) {
    size_t pad = width[c] - width_of(row[c]);
    if (c > 0) fputs("  ", out);
    if (t->align[c] == 'r')
      fprintf(out, "%*s%s", (int)pad, "", row[c]);
    else if (c + 1 < last)
      fprintf(out, "%s%*s", row[c], (int)pad, "");
    else
      fputs(row[c], out);
  }
}

void ivm_table_print(const ivm_table *t, FILE *out, bool color) {
  if (!t) return;
  size_t width[MAX_COLS] = {0};
  for (size_t c = 0; c < t->cols; c++) width[c] = width_of(t->header[c]);
  for (size_t i = 0; i < t->n; i++) {
    size_t w = width_of(t->cells[i]);
    if (w > width[i % t->cols]) width[i % t->cols] = w;
  }
  if (color) fputs("\033[1m", out);
  print_row(t, out, (const char(*)[IVM_TABLE_CELL])t->header, width, t->cols);
  if (color) fputs("\033[0m", out);
  fputc('\n', out);
  size_t total = 0;
  for (size_t c = 0; c < t->cols; c++) total += width[c] + (c ? 2 : 0);
  for (size_t i = 0; i < total; i++) fputc('-', out);
  fputc('\n', out);
  static const char *const sgr[] = {"", "\033[32m", "\033[31m", "\033[2m"};
  for (size_t r = 0; r * t->cols < t->n; r++) {
    size_t filled = t->n - r * t->cols;
    if (filled > t->cols) filled = t->cols;
    bool paint = color && t->marks[r] != IVM_MARK_NONE;
    if (paint) fputs(sgr[t->marks[r]], out);
    print_row(t, out, (const char(*)[IVM_TABLE_CELL])&t->cells[r * t->cols],
              width, filled);
    if (paint) fputs("\033[0m", out);
    fputc('\n', out);
  }
}

void ivm_table_free(ivm_table *t) {
  if (!t) return;
  free(t->header);
  free(t->cells);
  free(t->marks);
  free(t);
}
