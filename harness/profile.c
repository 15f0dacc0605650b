/* profile.c - finding, parsing, checking and scaling workload profiles.
 * Parsing is strict: an unknown key, a key given twice, a malformed or
 * out-of-range value is an error naming the file and line; nothing is
 * guessed. A profile that passes check() can be generated without any
 * arithmetic overflowing (see the limits in workload.h). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "workload.h"

#ifndef IVM_PROFILES_SOURCE_DIR
#define IVM_PROFILES_SOURCE_DIR ""
#endif
#ifndef IVM_PROFILES_INSTALL_DIR
#define IVM_PROFILES_INSTALL_DIR "/usr/local/share/ivm/profiles"
#endif

static const char *const mix_names[IVM_MIX_KINDS] = {
#define IVM_MIX_KIND_NAME(name, text) text,
    IVM_MIX_KIND_MAP(IVM_MIX_KIND_NAME)
#undef IVM_MIX_KIND_NAME
};

const char *ivm_mix_name(ivm_mix_kind kind) {
  return (unsigned)kind < IVM_MIX_KINDS ? mix_names[kind] : "?";
}

/* ---- Where profiles live ------------------------------------------------ */

static bool is_dir(const char *path) {
  struct stat st;
  return path[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *ivm_profile_dir(void) {
  const char *env = getenv("IVM_PROFILES");
  if (env && env[0]) return env;
  if (is_dir(IVM_PROFILES_SOURCE_DIR)) return IVM_PROFILES_SOURCE_DIR;
  return IVM_PROFILES_INSTALL_DIR;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

void ivm_profile_path(const char *name, char *buf, size_t size) {
  if (strchr(name, '/') || ends_with(name, ".profile"))
    snprintf(buf, size, "%s", name);
  else
    snprintf(buf, size, "%s/%s.profile", ivm_profile_dir(), name);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int ivm_profile_each(const char *dir, void (*fn)(void *ud, const char *name),
                     void *ud) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || !ends_with(e->d_name, ".profile")) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) {
        rc = -1;
        errno = ENOMEM;
        break;
      }
      names = grown;
    }
    size_t len = strlen(e->d_name) - strlen(".profile");
    names[n] = malloc(len + 1);
    if (!names[n]) {
      rc = -1;
      errno = ENOMEM;
      break;
    }
    memcpy(names[n], e->d_name, len);
    names[n++][len] = '\0';
  }
  closedir(d);
  if (rc == 0) {
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) fn(ud, names[i]);
    rc = (int)n;
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return rc;
}

/* ---- Parsing ----------------------------------------------------------- */

typedef struct parser {
  const char *origin;
  size_t line;
  char *err;
  size_t err_len;
} parser;

static int failf(const parser *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int failf(const parser *ps, const char *fmt, ...) {
  if (ps->err && ps->err_len) {
    int k = ps->line ? snprintf(ps->err, ps->err_len, "%s:%zu: ", ps->origin,
                                ps->line)
                     : snprintf(ps->err, ps->err_len, "%s: ", ps->origin);
    if (k >= 0 && (size_t)k < ps->err_len) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(ps->err + k, ps->err_len - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  return IVM_INVAL;
}

/* Cuts the next whitespace-separated word off *p. */
static bool next_word(char **p, char **word) {
  char *s = *p;
  while (*s == ' ' || *s == '\t') s++;
  if (!*s) return false;
  *word = s;
  while (*s && *s != ' ' && *s != '\t') s++;
  if (*s) *s++ = '\0';
  *p = s;
  return true;
}

/* A decimal integer in [lo, hi]; `_` may separate digits. */
static int parse_int(const parser *ps, const char *what, const char *s,
                     int64_t lo, int64_t hi, int64_t *out) {
  const char *p = s;
  bool neg = *p == '-';
  if (neg) p++;
  int64_t v = 0;
  bool digit = false, prev_digit = false;
  for (; *p; p++) {
    if (*p == '_' && prev_digit && p[1] >= '0' && p[1] <= '9') {
      prev_digit = false;
      continue;
    }
    if (*p < '0' || *p > '9')
      return failf(ps, "%s: '%s' is not an integer", what, s);
    if (v > (INT64_MAX - (*p - '0')) / 10)
      return failf(ps, "%s: '%s' is too large", what, s);
    v = v * 10 + (*p - '0');
    digit = prev_digit = true;
  }
  if (!digit) return failf(ps, "%s: '%s' is not an integer", what, s);
  if (neg) v = -v;
  if (v < lo || v > hi)
    return failf(ps, "%s: %s is outside [%lld, %lld]", what, s, (long long)lo,
                 (long long)hi);
  *out = v;
  return IVM_OK;
}

/* Exactly `n` integers in [lo, hi] and nothing after them. */
static int parse_ints(const parser *ps, const char *key, char *value, int n,
                      const char *usage, int64_t lo, int64_t hi,
                      int64_t *out) {
  char *word;
  for (int i = 0; i < n; i++) {
    if (!next_word(&value, &word))
      return failf(ps, "%s takes %s", key, usage);
    int rc = parse_int(ps, key, word, lo, hi, &out[i]);
    if (rc != IVM_OK) return rc;
  }
  if (next_word(&value, &word))
    return failf(ps, "%s takes %s; unexpected '%s'", key, usage, word);
  return IVM_OK;
}

static int parse_mix(const parser *ps, char *value, ivm_profile *p) {
  char *word;
  memset(p->weight, 0, sizeof p->weight);
  bool seen[IVM_MIX_KINDS] = {false};
  bool any = false;
  while (next_word(&value, &word)) {
    char *colon = strchr(word, ':');
    if (!colon) return failf(ps, "mix: '%s' is not KIND:WEIGHT", word);
    *colon = '\0';
    int kind = -1;
    for (int k = 0; k < IVM_MIX_KINDS; k++)
      if (strcmp(word, mix_names[k]) == 0) kind = k;
    if (kind < 0)
      return failf(ps, "mix: unknown kind '%s' (kinds: reserve, release, "
                   "reserve-covered, find, find-bounded, allocate, "
                   "allocate-bounded, bestfit, largest, stats, free)", word);
    if (seen[kind]) return failf(ps, "mix: '%s' given twice", word);
    seen[kind] = true;
    int64_t w;
    int rc = parse_int(ps, "mix weight", colon + 1, 0, 1000000, &w);
    if (rc != IVM_OK) return rc;
    p->weight[kind] = (uint32_t)w;
    any = any || w > 0;
  }
  if (!any) return failf(ps, "mix: needs at least one positive weight");
  return IVM_OK;
}

static int parse_on_off(const parser *ps, const char *key, char *value,
                        bool *out) {
  char *word, *extra;
  if (!next_word(&value, &word) || next_word(&value, &extra) ||
      (strcmp(word, "on") != 0 && strcmp(word, "off") != 0))
    return failf(ps, "%s takes on or off", key);
  *out = strcmp(word, "on") == 0;
  return IVM_OK;
}

static int parse_initial(const parser *ps, char *value, ivm_profile *p) {
  char *word;
  if (!next_word(&value, &word))
    return failf(ps, "initial takes full, empty or fragments COUNT LEN "
                 "STRIDE FAR");
  if (strcmp(word, "full") == 0 || strcmp(word, "empty") == 0) {
    char *extra;
    if (next_word(&value, &extra))
      return failf(ps, "initial %s takes no arguments", word);
    p->initial = word[0] == 'f' ? IVM_INITIAL_FULL : IVM_INITIAL_EMPTY;
    return IVM_OK;
  }
  if (strcmp(word, "fragments") != 0)
    return failf(ps, "initial: unknown '%s' (full, empty or fragments)", word);
  int64_t v[4];
  int rc = parse_ints(ps, "initial fragments", value, 4,
                      "COUNT LEN STRIDE FAR", 1, IVM_PROFILE_LENGTH_LIMIT, v);
  if (rc != IVM_OK) return rc;
  p->initial = IVM_INITIAL_FRAGMENTS;
  p->fragment_count = v[0];
  p->fragment_len = v[1];
  p->fragment_stride = v[2];
  p->far_len = v[3];
  return IVM_OK;
}

enum key {
  K_DESCRIPTION, K_UNIVERSE, K_DOMAIN, K_INITIAL, K_PREFILL, K_MIX,
  K_STARTS, K_LENGTHS, K_FIND_LENGTHS, K_WINDOW, K_OPS, K_COUNT
};
static const char *const key_names[K_COUNT] = {
    "description", "universe", "domain", "initial", "prefill_reserves",
    "mix", "starts", "lengths", "find_lengths", "window", "ops"};

static int parse_value(const parser *ps, enum key k, char *value,
                       ivm_profile *p) {
  const int64_t C = IVM_PROFILE_COORD_LIMIT, L = IVM_PROFILE_LENGTH_LIMIT;
  int64_t v[2];
  int rc;
  switch (k) {
    case K_DESCRIPTION:
      if (!value[0]) return failf(ps, "description is empty");
      if (strlen(value) >= sizeof p->description)
        return failf(ps, "description is longer than %zu characters",
                     sizeof p->description - 1);
      strcpy(p->description, value);
      return IVM_OK;
    case K_UNIVERSE:
      rc = parse_ints(ps, "universe", value, 2, "LO HI", -C, C, v);
      p->universe_lo = v[0];
      p->universe_hi = v[1];
      return rc;
    case K_DOMAIN:
      return parse_on_off(ps, "domain", value, &p->domain);
    case K_INITIAL:
      return parse_initial(ps, value, p);
    case K_PREFILL:
      return parse_ints(ps, "prefill_reserves", value, 1, "N", 0,
                        IVM_PROFILE_COUNT_LIMIT, &p->prefill_reserves);
    case K_MIX:
      return parse_mix(ps, value, p);
    case K_STARTS:
      rc = parse_ints(ps, "starts", value, 2, "LO HI", -C, C, v);
      p->start_lo = v[0];
      p->start_hi = v[1];
      return rc;
    case K_LENGTHS:
      rc = parse_ints(ps, "lengths", value, 2, "LO HI", 1, L, v);
      p->len_lo = v[0];
      p->len_hi = v[1];
      return rc;
    case K_FIND_LENGTHS:
      rc = parse_ints(ps, "find_lengths", value, 2, "LO HI", 1, L, v);
      p->find_len_lo = v[0];
      p->find_len_hi = v[1];
      return rc;
    case K_WINDOW:
      return parse_ints(ps, "window", value, 1, "W", 0, L, &p->window);
    case K_OPS:
      return parse_ints(ps, "ops", value, 1, "N", 1, IVM_PROFILE_COUNT_LIMIT,
                        &p->ops);
    default:
      return failf(ps, "internal: unhandled key");
  }
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *end = s + strlen(s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    *--end = '\0';
  return s;
}

/* Points the fragments and the far span occupy from the universe's start;
 * false when that exceeds the coordinate limit. */
static bool fragments_need(const ivm_profile *p, int64_t *need) {
  int64_t n;
  return !__builtin_mul_overflow(p->fragment_count, p->fragment_stride, &n) &&
         !__builtin_add_overflow(n, p->far_len, need) &&
         *need <= IVM_PROFILE_COORD_LIMIT;
}

/* The relations between values, once all are known. Also run on scaled
 * profiles, so every message names the value that is wrong. */
static int check(const parser *ps, const ivm_profile *p) {
  if (p->universe_lo >= p->universe_hi)
    return failf(ps, "universe needs LO < HI");
  if (p->len_lo > p->len_hi) return failf(ps, "lengths needs LO <= HI");
  if (p->find_len_lo > p->find_len_hi)
    return failf(ps, "find_lengths needs LO <= HI");
  if (p->start_lo > p->start_hi)
    return failf(ps, "starts needs LO <= HI (by default the universe minus "
                 "the longest length)");
  if (p->domain && (p->start_lo < p->universe_lo ||
                    p->start_hi + p->len_hi > p->universe_hi))
    return failf(ps, "with domain = on, starts plus lengths must stay "
                 "inside the universe");
  if (p->initial == IVM_INITIAL_FRAGMENTS) {
    if (p->fragment_len >= p->fragment_stride)
      return failf(ps, "initial fragments needs LEN < STRIDE, or they touch");
    int64_t need;
    if (!fragments_need(p, &need) || need > p->universe_hi - p->universe_lo)
      return failf(ps, "initial fragments need more points than the universe "
                   "has (%lld)",
                   (long long)(p->universe_hi - p->universe_lo));
  }
  return IVM_OK;
}

/* Fills what was not given from what was. */
static void apply_defaults(ivm_profile *p, const bool *given) {
  if (!given[K_FIND_LENGTHS]) {
    p->find_len_lo = p->len_lo;
    p->find_len_hi = p->len_hi;
  }
  if (!given[K_STARTS]) {
    p->start_lo = p->universe_lo;
    p->start_hi = p->universe_hi - p->len_hi;
  }
  if (!given[K_WINDOW]) p->window = 10 * p->find_len_hi;
  if (!given[K_OPS]) p->ops = 10000;
}

static void set_name(ivm_profile *p, const char *origin) {
  const char *base = strrchr(origin, '/');
  base = base ? base + 1 : origin;
  size_t len = strlen(base);
  if (ends_with(base, ".profile")) len -= strlen(".profile");
  if (len >= sizeof p->name) len = sizeof p->name - 1;
  memcpy(p->name, base, len);
  p->name[len] = '\0';
}

static int parse_lines(parser *ps, char *text, ivm_profile *p, bool *given) {
  char *save = text;
  while (save) {
    char *line = save;
    char *nl = strchr(line, '\n');
    save = nl ? nl + 1 : NULL;
    if (nl) *nl = '\0';
    ps->line++;
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    line = trim(line);
    if (!line[0]) continue;
    char *eq = strchr(line, '=');
    if (!eq) return failf(ps, "expected 'key = value'");
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    int k = -1;
    for (int i = 0; i < K_COUNT; i++)
      if (strcmp(key, key_names[i]) == 0) k = i;
    if (k < 0)
      return failf(ps, "unknown key '%s' (keys: description, universe, "
                   "domain, initial, prefill_reserves, mix, starts, lengths, "
                   "find_lengths, window, ops)", key);
    if (given[k]) return failf(ps, "'%s' given twice", key);
    given[k] = true;
    int rc = parse_value(ps, (enum key)k, value, p);
    if (rc != IVM_OK) return rc;
  }
  return IVM_OK;
}

int ivm_profile_parse(const char *text, const char *origin, ivm_profile *p,
                      char *err, size_t err_len) {
  parser ps = {origin, 0, err, err_len};
  if (err && err_len) err[0] = '\0';
  memset(p, 0, sizeof *p);
  set_name(p, origin);
  char *copy = strdup(text);
  if (!copy) return failf(&ps, "out of memory");
  bool given[K_COUNT] = {false};
  int rc = parse_lines(&ps, copy, p, given);
  free(copy);
  if (rc != IVM_OK) return rc;
  ps.line = 0;
  if (!given[K_UNIVERSE]) return failf(&ps, "missing 'universe = LO HI'");
  if (!given[K_LENGTHS]) return failf(&ps, "missing 'lengths = LO HI'");
  if (!given[K_MIX]) return failf(&ps, "missing 'mix = KIND:WEIGHT ...'");
  apply_defaults(p, given);
  return check(&ps, p);
}

int ivm_profile_load(const char *name, ivm_profile *p, char *err,
                     size_t err_len) {
  char path[4096];
  ivm_profile_path(name, path, sizeof path);
  parser ps = {path, 0, err, err_len};
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT && !strchr(name, '/') && !ends_with(name, ".profile"))
      return failf(&ps, "no profile '%s' (see `ivmprof list`)", name);
    return failf(&ps, "%s", strerror(errno));
  }
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  int rc = IVM_OK;
  if (!mem) {
    rc = failf(&ps, "out of memory");
  } else {
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, got, mem);
    if (ferror(f)) rc = failf(&ps, "read error: %s", strerror(errno));
    if (fclose(mem) != 0 && rc == IVM_OK) rc = failf(&ps, "out of memory");
  }
  fclose(f);
  if (rc == IVM_OK && memchr(text, '\0', len))
    rc = failf(&ps, "contains a NUL byte");
  if (rc == IVM_OK) rc = ivm_profile_parse(text, path, p, err, err_len);
  free(text);
  return rc;
}

/* ---- Scaling ----------------------------------------------------------- */

/* v * num / den without overflowing the intermediate product; false when
 * the result exceeds limit. */
static bool scale_value(int64_t v, int64_t num, int64_t den, int64_t limit,
                        int64_t *out) {
  int64_t whole, part, r;
  if (__builtin_mul_overflow(v / den, num, &whole)) return false;
  if (__builtin_mul_overflow(v % den, num, &part)) return false;
  if (__builtin_add_overflow(whole, part / den, &r) || r > limit) return false;
  *out = r;
  return true;
}

int ivm_profile_scale(const ivm_profile *p, int64_t ops, ivm_profile *out,
                      char *err, size_t err_len) {
  parser ps = {p->name, 0, err, err_len};
  if (ops < 1 || ops > IVM_PROFILE_COUNT_LIMIT) {
    failf(&ps, "cannot scale to %lld operations", (long long)ops);
    return IVM_OVERFLOW;
  }
  *out = *p;
  out->ops = ops;
  const int64_t lo = p->universe_lo, den = p->ops;
  const int64_t C = IVM_PROFILE_COORD_LIMIT, N = IVM_PROFILE_COUNT_LIMIT;
  int64_t width, start_off, prefill, count, need = 0;
  bool ok = scale_value(p->universe_hi - lo, ops, den, C, &width) &&
            scale_value(p->start_lo - lo, ops, den, C, &start_off) &&
            scale_value(p->prefill_reserves, ops, den, N, &prefill) &&
            scale_value(p->fragment_count, ops, den, N, &count);
  if (ok && p->initial == IVM_INITIAL_FRAGMENTS) {
    /* At least one fragment, and room for the fragments and the far span
     * even when shrinking. */
    out->fragment_count = count > 0 ? count : 1;
    ok = fragments_need(out, &need);
    if (width < need) width = need;
  }
  if (!ok || lo > C - width) {
    failf(&ps, "scaled to %lld operations the profile leaves its limits",
          (long long)ops);
    return IVM_OVERFLOW;
  }
  if (width < 1) width = 1;
  out->universe_hi = lo + width;
  out->prefill_reserves = prefill;
  /* The start range keeps its margin below the universe's end, so spans
   * stay inside it as they did at the original size. */
  out->start_lo = lo + start_off;
  out->start_hi = out->universe_hi - (p->universe_hi - p->start_hi);
  if (out->start_hi < out->start_lo) out->start_hi = out->start_lo;
  return check(&ps, out) == IVM_OK ? IVM_OK : IVM_OVERFLOW;
}
