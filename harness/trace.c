/* trace.c - reading and writing traces. Reading is strict: every line is
 * either blank, a comment, the domain line (first, at most once) or one
 * operation with exactly its arguments; anything else stops the read with
 * the line number and the reason, and nothing is guessed. */
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 5 /* the longest line: name and three arguments, +1 */

typedef struct token {
  const char *p;
  size_t len;
} token;

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

/* Splits line (comment already cut) into at most MAX_TOKENS tokens; returns
 * how many there are in all, which may exceed MAX_TOKENS. */
static size_t tokenize(const char *line, token *t) {
  size_t n = 0;
  const char *p = line;
  for (;;) {
    while (*p && is_space(*p)) p++;
    if (!*p) return n;
    const char *start = p;
    while (*p && !is_space(*p)) p++;
    if (n < MAX_TOKENS) t[n] = (token){start, (size_t)(p - start)};
    n++;
  }
}

static int failf(char *err, size_t err_len, size_t line, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

static int failf(char *err, size_t err_len, size_t line, const char *fmt,
                 ...) {
  if (err && err_len) {
    int k = snprintf(err, err_len, "line %zu: ", line);
    if (k >= 0 && (size_t)k < err_len) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(err + k, err_len - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  return IVM_INVAL;
}

/* A decimal int64: optional sign, digits, nothing else. */
static int parse_i64(const token *t, int64_t *out, char *err, size_t err_len,
                     size_t line) {
  const char *p = t->p, *end = t->p + t->len;
  bool neg = false;
  if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
  if (p == end)
    return failf(err, err_len, line, "'%.*s' is not an integer", (int)t->len,
                 t->p);
  /* Accumulate the magnitude in unsigned; INT64_MIN's magnitude is one more
   * than INT64_MAX. */
  uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  uint64_t v = 0;
  for (; p < end; p++) {
    if (*p < '0' || *p > '9')
      return failf(err, err_len, line, "'%.*s' is not an integer",
                   (int)t->len, t->p);
    unsigned d = (unsigned)(*p - '0');
    if (v > (limit - d) / 10)
      return failf(err, err_len, line, "'%.*s' is out of the int64 range",
                   (int)t->len, t->p);
    v = v * 10 + d;
  }
  *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
             : (int64_t)v;
  return IVM_OK;
}

/* What each kind accepts: its argument names, and how many are required
 * and allowed. */
static const struct {
  const char *usage;
  int min, max;
} arity[IVM_OP_KINDS] = {
    [IVM_OP_RELEASE] = {"START END", 2, 2},
    [IVM_OP_RESERVE] = {"START END", 2, 2},
    [IVM_OP_RESERVE_COVERED] = {"START END", 2, 2},
    [IVM_OP_FIND] = {"P LEN [NOT_AFTER]", 2, 3},
    [IVM_OP_ALLOCATE] = {"P LEN [NOT_AFTER]", 2, 3},
    [IVM_OP_BEST_FIT] = {"LEN", 1, 1},
    [IVM_OP_LARGEST] = {"", 0, 0},
    [IVM_OP_STATS] = {"", 0, 0},
};

static int parse_op(const token *t, size_t n, ivm_op *op, char *err,
                    size_t err_len, size_t line) {
  ivm_op_kind kind;
  if (!ivm_op_kind_from_name(t[0].p, t[0].len, &kind))
    return failf(err, err_len, line, "unknown operation '%.*s'", (int)t[0].len,
                 t[0].p);
  size_t args = n - 1;
  if (args < (size_t)arity[kind].min || args > (size_t)arity[kind].max) {
    const char *name = ivm_op_name(kind);
    if (arity[kind].max == 0)
      return failf(err, err_len, line, "'%s' takes no arguments, got %zu",
                   name, args);
    return failf(err, err_len, line, "'%s' takes %s, got %zu argument%s",
                 name, arity[kind].usage, args, args == 1 ? "" : "s");
  }
  memset(op, 0, sizeof *op);
  op->kind = kind;
  op->bounded = args == 3;
  for (size_t i = 0; i < args; i++) {
    int rc = parse_i64(&t[i + 1], &op->arg[i], err, err_len, line);
    if (rc != IVM_OK) return rc;
  }
  return IVM_OK;
}

static int parse_domain(const token *t, size_t n, ivm_stream *s, char *err,
                        size_t err_len, size_t line) {
  if (n != 3)
    return failf(err, err_len, line, "'domain' takes LO HI, got %zu argument%s",
                 n - 1, n == 2 ? "" : "s");
  int rc = parse_i64(&t[1], &s->domain_lo, err, err_len, line);
  if (rc == IVM_OK) rc = parse_i64(&t[2], &s->domain_hi, err, err_len, line);
  if (rc != IVM_OK) return rc;
  int64_t width;
  if (s->domain_lo >= s->domain_hi)
    return failf(err, err_len, line, "domain needs LO < HI");
  if (__builtin_sub_overflow(s->domain_hi, s->domain_lo, &width))
    return failf(err, err_len, line, "domain width exceeds int64");
  s->has_domain = true;
  return IVM_OK;
}

static int read_lines(FILE *in, ivm_stream *out, char *err, size_t err_len) {
  char *buf = NULL;
  size_t cap = 0, line = 0;
  bool any = false; /* a domain or an operation has been seen */
  int rc = IVM_OK;
  while (rc == IVM_OK) {
    errno = 0;
    ssize_t got = getline(&buf, &cap, in);
    if (got < 0) {
      /* The end, a read error (ferror, below) or no memory for the line. */
      if (errno == ENOMEM) {
        snprintf(err, err_len, "line %zu: out of memory", line + 1);
        rc = IVM_NOMEM;
      }
      break;
    }
    line++;
    if (memchr(buf, '\0', (size_t)got)) {
      rc = failf(err, err_len, line, "contains a NUL byte");
      break;
    }
    char *hash = strchr(buf, '#');
    if (hash) *hash = '\0';
    token t[MAX_TOKENS];
    size_t n = tokenize(buf, t);
    if (n == 0) continue;
    if (n > MAX_TOKENS) {
      rc = failf(err, err_len, line, "too many fields (%zu)", n);
    } else if (t[0].len == 6 && memcmp(t[0].p, "domain", 6) == 0) {
      rc = any ? failf(err, err_len, line,
                       "'domain' must be the first line of the trace")
               : parse_domain(t, n, out, err, err_len, line);
    } else {
      ivm_op op;
      rc = parse_op(t, n, &op, err, err_len, line);
      if (rc == IVM_OK && ivm_stream_push(out, &op) != IVM_OK) {
        snprintf(err, err_len, "line %zu: out of memory", line);
        rc = IVM_NOMEM;
      }
    }
    any = true;
  }
  if (rc == IVM_OK && ferror(in)) {
    snprintf(err, err_len, "read error after line %zu: %s", line,
             strerror(errno ? errno : EIO));
    rc = IVM_INVAL;
  }
  free(buf);
  return rc;
}

int ivm_trace_read(FILE *in, ivm_stream *out, char *err, size_t err_len) {
  if (err && err_len) err[0] = '\0';
  memset(out, 0, sizeof *out);
  int rc = read_lines(in, out, err, err_len);
  if (rc != IVM_OK) ivm_stream_free(out);
  return rc;
}

bool ivm_trace_write(FILE *out, const ivm_stream *s, const char *header) {
  if (s->has_domain)
    fprintf(out, "domain %" PRId64 " %" PRId64 "\n", s->domain_lo,
            s->domain_hi);
  for (const char *p = header; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    fprintf(out, "# %.*s\n", (int)len, p);
    p += len + (nl ? 1 : 0);
  }
  char line[IVM_OP_LINE_MAX];
  for (size_t i = 0; i < s->count; i++) {
    ivm_op_format(&s->ops[i], line, sizeof line);
    fputs(line, out);
    fputc('\n', out);
  }
  return fflush(out) == 0 && !ferror(out);
}
