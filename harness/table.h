/* table.h - aligned console tables for the reports: cells are added row by
 * row, widths are computed at print time, and colour is applied per row
 * only when asked, so the same table prints byte-identically without it.
 *
 * Usage:
 *
 *     ivm_table *t = ivm_table_new("impl", "lr");      // 2 columns
 *     ivm_table_header(t, 1, "ns/op");                 // column 1's header
 *     ivm_table_cell(t, "%s", "treap");
 *     ivm_table_cell(t, "%.1f", 52.5);
 *     ivm_table_mark(t, IVM_MARK_BEST);                // the current row
 *     ivm_table_print(t, stdout, false);
 *     ivm_table_free(t);
 */
#ifndef IVM_HARNESS_TABLE_H
#define IVM_HARNESS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The longest cell text; longer text is cut. */
#define IVM_TABLE_CELL 96

typedef enum ivm_mark {
  IVM_MARK_NONE,
  IVM_MARK_BEST, /* green: the fastest */
  IVM_MARK_BAD,  /* red: a failure */
  IVM_MARK_DIM,  /* grey: not measured */
} ivm_mark;

typedef struct ivm_table ivm_table;

/* first_header names column 0; align has one letter per column, 'l' or 'r',
 * at most 15 columns. NULL when out of memory or given more columns (the
 * table functions then do nothing). */
ivm_table *ivm_table_new(const char *first_header, const char *align);
void ivm_table_header(ivm_table *t, size_t col, const char *text);
/* Appends the next cell, filling rows left to right. */
void ivm_table_cell(ivm_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Marks the row being filled (or the last one when it is complete). */
void ivm_table_mark(ivm_table *t, ivm_mark mark);
/* Prints header, a rule and the rows, two spaces between columns and no
 * trailing blanks. Escape codes only when color is true. */
void ivm_table_print(const ivm_table *t, FILE *out, bool color);
void ivm_table_free(ivm_table *t);

#endif /* IVM_HARNESS_TABLE_H */
