/* json.c - the JSON writer: commas, indentation and string escaping in one
 * place. Depth beyond IVM_JSON_MAX_DEPTH is a programming error and is
 * clamped rather than written out of bounds. */
#include "json.h"

#include <inttypes.h>
#include <math.h>

void ivm_json_init(ivm_json *j, FILE *out) {
  j->out = out;
  j->depth = 0;
  j->first[0] = true;
}

static void indent(ivm_json *j) {
  for (int i = 0; i < j->depth; i++) fputs("  ", j->out);
}

static void write_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': fputs("\\\"", out); break;
      case '\\': fputs("\\\\", out); break;
      case '\n': fputs("\\n", out); break;
      case '\r': fputs("\\r", out); break;
      case '\t': fputs("\\t", out); break;
      default:
        if (*p < 0x20)
          fprintf(out, "\\u%04x", *p);
        else
          fputc(*p, out);
    }
  }
  fputc('"', out);
}

/* Everything that precedes a value: the comma, the newline and indent at
 * depth > 0, and the key. */
static void begin_value(ivm_json *j, const char *key) {
  if (j->depth > 0) {
    fputs(j->first[j->depth] ? "\n" : ",\n", j->out);
    indent(j);
  }
  j->first[j->depth] = false;
  if (key) {
    write_string(j->out, key);
    fputs(": ", j->out);
  }
}

static void open_container(ivm_json *j, const char *key, char c) {
  begin_value(j, key);
  fputc(c, j->out);
  if (j->depth + 1 < IVM_JSON_MAX_DEPTH) j->depth++;
  j->first[j->depth] = true;
}

static void close_container(ivm_json *j, char c) {
  bool empty = j->first[j->depth];
  if (j->depth > 0) j->depth--;
  if (!empty) {
    fputc('\n', j->out);
    indent(j);
  }
  fputc(c, j->out);
  if (j->depth == 0) fputc('\n', j->out);
}

void ivm_json_begin_object(ivm_json *j, const char *key) {
  open_container(j, key, '{');
}
void ivm_json_end_object(ivm_json *j) { close_container(j, '}'); }
void ivm_json_begin_array(ivm_json *j, const char *key) {
  open_container(j, key, '[');
}
void ivm_json_end_array(ivm_json *j) { close_container(j, ']'); }

void ivm_json_string(ivm_json *j, const char *key, const char *value) {
  begin_value(j, key);
  if (value)
    write_string(j->out, value);
  else
    fputs("null", j->out);
}

void ivm_json_int(ivm_json *j, const char *key, int64_t value) {
  begin_value(j, key);
  fprintf(j->out, "%" PRId64, value);
}

void ivm_json_uint(ivm_json *j, const char *key, uint64_t value) {
  begin_value(j, key);
  fprintf(j->out, "%" PRIu64, value);
}

void ivm_json_double(ivm_json *j, const char *key, double value) {
  begin_value(j, key);
  if (isfinite(value))
    fprintf(j->out, "%.10g", value);
  else
    fputs("null", j->out);
}

void ivm_json_bool(ivm_json *j, const char *key, bool value) {
  begin_value(j, key);
  fputs(value ? "true" : "false", j->out);
}

void ivm_json_null(ivm_json *j, const char *key) {
  begin_value(j, key);
  fputs("null", j->out);
}
