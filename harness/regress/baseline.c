/* baseline.c - reading, checking and writing the baseline file. The parser
 * accepts exactly what the writer produces (plus comments, blank lines and
 * any alignment), and says which line is wrong otherwise; nothing is
 * guessed, so a damaged baseline can never pass the gate by accident. */
#include "baseline.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096

static int failf(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int failf(char *err, size_t err_len, const char *fmt, ...) {
  if (err && err_len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
  }
  return IVM_INVAL;
}

/* ---- The settings and row keys, as tables ---------------------------------
 * One entry per line kind keeps the parser, the writer and the duplicate
 * checks in step. */

enum { S_RELATIVE_TO, S_OPS, S_SEED, S_WARMUP, S_REPEAT, S_ROUNDS,
       S_INSTRUCTIONS, S_COMPILER, S_FLAGS, S_CPU, S_DATE, S_COMMIT,
       S_COUNT, S_FIRST_OPTIONAL = S_COMPILER };

static const char *const setting_names[S_COUNT] = {
    "relative-to", "ops", "seed", "warmup", "repeat", "rounds",
    "instructions", "compiler", "flags", "cpu", "date", "commit"};

typedef struct row_key {
  const char *name;
  size_t offset;   /* of the double in ivm_baseline_row */
  bool zero_ok;    /* 0 is a valid value (else it must be positive) */
} row_key;

static const row_key row_keys[] = {
    {"throughput_ratio", offsetof(ivm_baseline_row, throughput_ratio), false},
    {"p99_ratio", offsetof(ivm_baseline_row, p99_ratio), false},
    {"ops_per_sec", offsetof(ivm_baseline_row, ops_per_sec), false},
    {"p99_ns", offsetof(ivm_baseline_row, p99_ns), false},
    {"bytes_per_span", offsetof(ivm_baseline_row, bytes_per_span), true},
    {"instructions_per_op", offsetof(ivm_baseline_row, instructions_per_op),
     false},
};
#define ROW_KEYS (sizeof row_keys / sizeof row_keys[0])
#define KEY_INSTRUCTIONS (ROW_KEYS - 1)

static double *row_field(ivm_baseline_row *r, size_t k) {
  return (double *)((char *)r + row_keys[k].offset);
}

/* The value of setting s as its line shows it ("" for an unknown text). */
static void setting_text(const ivm_baseline *b, int s, char *buf,
                         size_t size) {
  const ivm_baseline_settings *set = &b->set;
  switch (s) {
    case S_RELATIVE_TO: snprintf(buf, size, "%s", set->relative_to); break;
    case S_OPS: snprintf(buf, size, "%" PRId64, set->ops); break;
    case S_SEED: snprintf(buf, size, "%" PRIu64, set->seed); break;
    case S_WARMUP: snprintf(buf, size, "%d", set->warmup); break;
    case S_REPEAT: snprintf(buf, size, "%d", set->repeat); break;
    case S_ROUNDS: snprintf(buf, size, "%d", set->rounds); break;
    case S_INSTRUCTIONS:
      snprintf(buf, size, "%s", ivm_icount_name(set->instructions));
      break;
    case S_COMPILER: snprintf(buf, size, "%s", b->compiler); break;
    case S_FLAGS: snprintf(buf, size, "%s", b->flags); break;
    case S_CPU: snprintf(buf, size, "%s", b->cpu); break;
    case S_DATE: snprintf(buf, size, "%s", b->date); break;
    default: snprintf(buf, size, "%s", b->commit); break;
  }
}

/* ---- Parsing -------------------------------------------------------------- */

typedef struct parser {
  const char *origin;
  size_t line;
  size_t seen[S_COUNT]; /* line of each setting; 0 when not seen */
  bool version;
  char *err;
  size_t err_len;
} parser;

static int line_error(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int line_error(parser *p, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return failf(p->err, p->err_len, "%s:%zu: %s", p->origin, p->line, msg);
}

static bool blank(char c) { return c == ' ' || c == '\t'; }

/* Splits s at blanks into at most max tokens, in place; the count, or
 * max + 1 when there are more. */
static size_t tokens(char *s, char **tok, size_t max) {
  size_t n = 0;
  for (;;) {
    while (blank(*s)) s++;
    if (!*s) return n;
    if (n == max) return max + 1;
    tok[n++] = s;
    while (*s && !blank(*s)) s++;
    if (*s) *s++ = '\0';
  }
}

/* A whole decimal integer in [lo, hi]. */
static bool parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  if (!(*s >= '0' && *s <= '9')) return false;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static bool parse_double(const char *s, double *out) {
  if (!*s || blank(*s)) return false;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || !isfinite(v)) return false;
  *out = v;
  return true;
}

/* Copies a value into a fixed field, or fails when it does not fit. */
static int set_text(parser *p, char *dst, size_t size, const char *value,
                    const char *what) {
  if (!*value) return line_error(p, "`%s` needs a value", what);
  if (strlen(value) >= size)
    return line_error(p, "the %s is longer than %zu characters", what,
                      size - 1);
  memcpy(dst, value, strlen(value) + 1);
  return IVM_OK;
}

/* A name that can be written back as one token of a row. */
static bool valid_name(const char *s, size_t size) {
  size_t n = strlen(s);
  return n > 0 && n < size && strpbrk(s, " \t=#\r\n") == NULL;
}

static int setting(parser *p, ivm_baseline *b, int which, char *value) {
  ivm_baseline_settings *set = &b->set;
  int64_t v;
  char *tok[2];
  switch (which) {
    case S_RELATIVE_TO:
      if (tokens(value, tok, 1) != 1 || !valid_name(tok[0], sizeof set->relative_to))
        return line_error(p, "`relative-to` takes one implementation name");
      memcpy(set->relative_to, tok[0], strlen(tok[0]) + 1);
      return IVM_OK;
    case S_OPS:
      if (!parse_int(value, 1, IVM_PROFILE_COUNT_LIMIT, &set->ops))
        return line_error(p, "`ops` takes a count from 1 to %" PRId64
                          ", got '%s'", IVM_PROFILE_COUNT_LIMIT, value);
      return IVM_OK;
    case S_SEED:
      /* The range the command line accepts, so a child can be given it. */
      if (!parse_int(value, 0, INT64_MAX, &v))
        return line_error(p, "`seed` takes an integer from 0 to %" PRId64
                          ", got '%s'", INT64_MAX, value);
      set->seed = (uint64_t)v;
      return IVM_OK;
    case S_WARMUP:
    case S_REPEAT:
    case S_ROUNDS: {
      int64_t lo = which == S_WARMUP ? 0 : 1;
      if (!parse_int(value, lo, 1000, &v))
        return line_error(p, "`%s` takes a count from %" PRId64 " to 1000, "
                          "got '%s'", setting_names[which], lo, value);
      *(which == S_WARMUP   ? &set->warmup
        : which == S_REPEAT ? &set->repeat
                            : &set->rounds) = (int)v;
      return IVM_OK;
    }
    case S_INSTRUCTIONS:
      if (!ivm_icount_from_name(value, &set->instructions))
        return line_error(p, "`instructions` is none, perf or callgrind, got "
                          "'%s'", value);
      return IVM_OK;
    case S_COMPILER:
      return set_text(p, b->compiler, sizeof b->compiler, value, "compiler");
    case S_FLAGS:
      return set_text(p, b->flags, sizeof b->flags, value, "flags");
    case S_CPU:
      return set_text(p, b->cpu, sizeof b->cpu, value, "cpu");
    case S_DATE:
      return set_text(p, b->date, sizeof b->date, value, "date");
    default:
      return set_text(p, b->commit, sizeof b->commit, value, "commit");
  }
}

static int row(parser *p, ivm_baseline *b, char *rest) {
  for (int s = 0; s < S_FIRST_OPTIONAL; s++)
    if (!p->seen[s])
      return line_error(p, "a row before the `%s` setting (the settings "
                        "come first)", setting_names[s]);
  /* Room for every key twice, so a repeated key is named as such. */
  char *tok[2 + 2 * ROW_KEYS];
  size_t n = tokens(rest, tok, 2 + 2 * ROW_KEYS);
  if (n < 2) return line_error(p, "`row` needs IMPL PROFILE KEY=VALUE...");
  if (n > 2 + 2 * ROW_KEYS) return line_error(p, "a row has too many fields");
  ivm_baseline_row r;
  memset(&r, 0, sizeof r);
  if (!valid_name(tok[0], sizeof r.impl) || !valid_name(tok[1], sizeof r.profile))
    return line_error(p, "bad implementation or profile name '%s %s'", tok[0],
                      tok[1]);
  memcpy(r.impl, tok[0], strlen(tok[0]) + 1);
  memcpy(r.profile, tok[1], strlen(tok[1]) + 1);
  if (ivm_baseline_find(b, r.impl, r.profile))
    return line_error(p, "a second row for %s on %s", r.impl, r.profile);
  bool have[ROW_KEYS] = {false};
  for (size_t i = 2; i < n; i++) {
    char *eq = strchr(tok[i], '=');
    if (!eq) return line_error(p, "'%s' is not KEY=VALUE", tok[i]);
    *eq = '\0';
    size_t k = 0;
    while (k < ROW_KEYS && strcmp(row_keys[k].name, tok[i]) != 0) k++;
    if (k == ROW_KEYS) return line_error(p, "unknown row key '%s'", tok[i]);
    if (have[k]) return line_error(p, "`%s` given twice", tok[i]);
    double v;
    if (!parse_double(eq + 1, &v) || v < 0 || (v == 0 && !row_keys[k].zero_ok))
      return line_error(p, "`%s` must be a %s number, got '%s'", tok[i],
                        row_keys[k].zero_ok ? "non-negative" : "positive",
                        eq + 1);
    *row_field(&r, k) = v;
    have[k] = true;
  }
  bool counted = b->set.instructions != IVM_ICOUNT_NONE;
  for (size_t k = 0; k < ROW_KEYS; k++) {
    bool want = k != KEY_INSTRUCTIONS || counted;
    if (want && !have[k])
      return line_error(p, "the row of %s on %s has no `%s`%s", r.impl,
                        r.profile, row_keys[k].name,
                        k == KEY_INSTRUCTIONS ? " (instructions are counted)"
                                              : "");
    if (!want && have[k])
      return line_error(p, "`instructions_per_op` in a baseline whose "
                        "`instructions` is none");
  }
  char err[256];
  if (ivm_baseline_put(b, &r, err, sizeof err) != IVM_OK)
    return line_error(p, "%s", err);
  return IVM_OK;
}

/* One significant line, already stripped of its trailing blanks. */
static int parse_line(parser *p, ivm_baseline *b, char *line) {
  char *key = line;
  while (*line && !blank(*line)) line++;
  if (*line) *line++ = '\0';
  while (blank(*line)) line++;
  if (!p->version) {
    int64_t v;
    if (strcmp(key, "ivm-baseline") != 0)
      return line_error(p, "not a baseline file: the first line must be "
                        "`ivm-baseline %d`", IVM_BASELINE_VERSION);
    if (!parse_int(line, 0, INT32_MAX, &v) || v != IVM_BASELINE_VERSION)
      return line_error(p, "baseline format '%s' is not supported (this "
                        "ivmprof reads version %d)", line,
                        IVM_BASELINE_VERSION);
    p->version = true;
    return IVM_OK;
  }
  if (strcmp(key, "row") == 0) return row(p, b, line);
  for (int s = 0; s < S_COUNT; s++) {
    if (strcmp(key, setting_names[s]) != 0) continue;
    if (p->seen[s])
      return line_error(p, "`%s` given twice (first on line %zu)", key,
                        p->seen[s]);
    if (b->count > 0)
      return line_error(p, "the setting `%s` after the rows (the settings "
                        "come first)", key);
    p->seen[s] = p->line;
    return setting(p, b, s, line);
  }
  if (strcmp(key, "ivm-baseline") == 0)
    return line_error(p, "`ivm-baseline` given twice");
  return line_error(p, "unknown line '%s'", key);
}

int ivm_baseline_parse(const char *text, const char *origin, ivm_baseline *b,
                       char *err, size_t err_len) {
  memset(b, 0, sizeof *b);
  parser p = {.origin = origin, .err = err, .err_len = err_len};
  int rc = IVM_OK;
  char line[LINE_MAX_LEN];
  const char *s = text;
  while (rc == IVM_OK && *s) {
    p.line++;
    size_t len = strcspn(s, "\n");
    if (len >= sizeof line) {
      rc = line_error(&p, "line longer than %d characters", LINE_MAX_LEN - 1);
      break;
    }
    memcpy(line, s, len);
    line[len] = '\0';
    s += len + (s[len] == '\n');
    while (len > 0 && (blank(line[len - 1]) || line[len - 1] == '\r'))
      line[--len] = '\0';
    char *start = line;
    while (blank(*start)) start++;
    if (*start == '\0' || *start == '#') continue;
    rc = parse_line(&p, b, start);
  }
  if (rc == IVM_OK && !p.version)
    rc = failf(err, err_len, "%s: empty: not a baseline file (no "
               "`ivm-baseline %d` line)", origin, IVM_BASELINE_VERSION);
  for (int k = 0; rc == IVM_OK && k < S_FIRST_OPTIONAL; k++)
    if (!p.seen[k])
      rc = failf(err, err_len, "%s: the `%s` setting is missing", origin,
                 setting_names[k]);
  if (rc == IVM_OK && b->count == 0)
    rc = failf(err, err_len, "%s: holds no rows", origin);
  if (rc != IVM_OK) ivm_baseline_free(b);
  return rc;
}

int ivm_baseline_load(const char *path, ivm_baseline *b, char *err,
                      size_t err_len) {
  memset(b, 0, sizeof *b);
  FILE *f = fopen(path, "rb");
  if (!f) return failf(err, err_len, "%s: %s", path, strerror(errno));
  char *text = NULL;
  size_t size = 0, len = 0;
  int rc = IVM_OK;
  for (;;) {
    if (len + 4096 + 1 > size) {
      size_t grown = size ? size * 2 : 16384;
      char *t = realloc(text, grown);
      if (!t) {
        rc = failf(err, err_len, "%s: out of memory", path);
        break;
      }
      text = t;
      size = grown;
    }
    size_t got = fread(text + len, 1, size - len - 1, f);
    len += got;
    if (got == 0) break;
  }
  if (rc == IVM_OK && ferror(f))
    rc = failf(err, err_len, "%s: read error", path);
  fclose(f);
  if (rc == IVM_OK) {
    text[len] = '\0';
    if (strlen(text) != len)
      rc = failf(err, err_len, "%s: not a text file (it holds NUL bytes)",
                 path);
    else
      rc = ivm_baseline_parse(text, path, b, err, err_len);
  }
  free(text);
  return rc;
}

/* ---- Writing -------------------------------------------------------------- */

void ivm_baseline_print(FILE *out, const ivm_baseline *b) {
  fprintf(out,
          "# ivm regression baseline: `ivmprof baseline` writes it and "
          "`ivmprof regress`\n"
          "# compares a fresh measurement with it. throughput_ratio and "
          "p99_ratio are\n"
          "# relative to the relative-to implementation measured in the "
          "same run; with\n"
          "# bytes_per_span and instructions_per_op they are what the gate "
          "compares.\n"
          "# ops_per_sec (per second of thread CPU time) and p99_ns are the "
          "raw medians\n"
          "# on the machine below, for people.\n");
  fprintf(out, "ivm-baseline %d\n", IVM_BASELINE_VERSION);
  for (int s = 0; s < S_COUNT; s++) {
    char text[sizeof b->flags];
    setting_text(b, s, text, sizeof text);
    if (text[0]) fprintf(out, "%s %s\n", setting_names[s], text);
  }
  int wi = 1, wp = 1;
  for (size_t i = 0; i < b->count; i++) {
    int li = (int)strlen(b->rows[i].impl), lp = (int)strlen(b->rows[i].profile);
    wi = li > wi ? li : wi;
    wp = lp > wp ? lp : wp;
  }
  for (size_t i = 0; i < b->count; i++) {
    const ivm_baseline_row *r = &b->rows[i];
    fprintf(out, "row %-*s %-*s throughput_ratio=%.5g p99_ratio=%.5g "
            "ops_per_sec=%.0f p99_ns=%.1f bytes_per_span=%.3f", wi, r->impl,
            wp, r->profile, r->throughput_ratio, r->p99_ratio, r->ops_per_sec,
            r->p99_ns, r->bytes_per_span);
    if (b->set.instructions != IVM_ICOUNT_NONE)
      fprintf(out, " instructions_per_op=%.2f", r->instructions_per_op);
    fputc('\n', out);
  }
}

int ivm_baseline_write(const char *path, const ivm_baseline *b, char *err,
                       size_t err_len) {
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return failf(err, err_len, "%s: path too long", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return failf(err, err_len, "%s: %s", tmp, strerror(errno));
  ivm_baseline_print(f, b);
  bool bad = fflush(f) != 0 || ferror(f);
  int saved = errno;
  if (fclose(f) != 0 && !bad) {
    bad = true;
    saved = errno;
  }
  if (bad) {
    remove(tmp);
    return failf(err, err_len, "writing %s: %s", tmp, strerror(saved));
  }
  if (rename(tmp, path) != 0) {
    saved = errno;
    remove(tmp);
    return failf(err, err_len, "renaming %s to %s: %s", tmp, path,
                 strerror(saved));
  }
  return IVM_OK;
}

/* ---- Rows ----------------------------------------------------------------- */

int ivm_baseline_put(ivm_baseline *b, const ivm_baseline_row *r, char *err,
                     size_t err_len) {
  if (!valid_name(r->impl, sizeof r->impl) ||
      !valid_name(r->profile, sizeof r->profile))
    return failf(err, err_len, "'%s' on '%s': a name in a baseline must be "
                 "one word without '=' or '#'", r->impl, r->profile);
  ivm_baseline_row *old = (ivm_baseline_row *)ivm_baseline_find(b, r->impl,
                                                                r->profile);
  if (old) {
    *old = *r;
    return IVM_OK;
  }
  if (b->count == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 32;
    ivm_baseline_row *rows = realloc(b->rows, cap * sizeof *rows);
    if (!rows) return failf(err, err_len, "out of memory");
    b->rows = rows;
    b->cap = cap;
  }
  b->rows[b->count++] = *r;
  return IVM_OK;
}

const ivm_baseline_row *ivm_baseline_find(const ivm_baseline *b,
                                          const char *impl,
                                          const char *profile) {
  for (size_t i = 0; i < b->count; i++)
    if (strcmp(b->rows[i].impl, impl) == 0 &&
        strcmp(b->rows[i].profile, profile) == 0)
      return &b->rows[i];
  return NULL;
}

void ivm_baseline_sort(ivm_baseline *b, int (*order)(const char *impl)) {
  /* Insertion sort: a baseline holds tens of rows, and it is stable. */
  for (size_t i = 1; i < b->count; i++) {
    ivm_baseline_row r = b->rows[i];
    int oi = order(r.impl);
    size_t j = i;
    for (; j > 0; j--) {
      const ivm_baseline_row *q = &b->rows[j - 1];
      int c = strcmp(q->profile, r.profile);
      if (c == 0) {
        int oq = order(q->impl);
        c = oq != oi ? (oq > oi) - (oq < oi) : strcmp(q->impl, r.impl);
      }
      if (c <= 0) break;
      b->rows[j] = b->rows[j - 1];
    }
    b->rows[j] = r;
  }
}

bool ivm_baseline_comparable(const ivm_baseline *a, const ivm_baseline *b,
                             char *why, size_t why_len) {
  /* Every setting and the build and machine; the date and commit only say
   * when. */
  for (int s = 0; s <= S_CPU; s++) {
    char x[sizeof a->flags], y[sizeof b->flags];
    setting_text(a, s, x, sizeof x);
    setting_text(b, s, y, sizeof y);
    if (strcmp(x, y) != 0) {
      snprintf(why, why_len, "`%s` is '%s', not '%s'", setting_names[s], x,
               y);
      return false;
    }
  }
  return true;
}

void ivm_baseline_free(ivm_baseline *b) {
  free(b->rows);
  b->rows = NULL;
  b->count = b->cap = 0;
}
