/* pprof.c - a small protocol-buffer encoder and the profile.proto message
 * built from a calling-context tree, gzip-compressed with zlib.
 *
 * Field numbers follow perftools.profiles (profile.proto): Profile
 * {sample_type 1, sample 2, mapping 3, location 4, function 5, string_table
 * 6, time_nanos 9, duration_nanos 10, period_type 11, period 12, comment 13,
 * default_sample_type 14}. Invariant of the encoder: once an allocation
 * fails the buffer stays marked failed and nothing more is written. */
#include "pprof.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- Encoder ----------------------------------------------------------- */

typedef struct pb {
  uint8_t *data;
  size_t len, cap;
  bool failed;
} pb;

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

static void pb_raw(pb *b, const void *p, size_t n) {
  if (b->failed) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    uint8_t *d = realloc(b->data, cap);
    if (!d) {
      b->failed = true;
      return;
    }
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void pb_varint(pb *b, uint64_t v) {
  uint8_t buf[10];
  size_t n = 0;
  do {
    buf[n] = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v) buf[n] |= 0x80;
    n++;
  } while (v);
  pb_raw(b, buf, n);
}

static void pb_key(pb *b, unsigned field, unsigned wire) {
  pb_varint(b, (uint64_t)field << 3 | wire);
}

/* int64 fields use two's complement varints; proto3 omits zero values. */
static void pb_int(pb *b, unsigned field, int64_t v) {
  if (v == 0) return;
  pb_key(b, field, WIRE_VARINT);
  pb_varint(b, (uint64_t)v);
}

static void pb_bytes(pb *b, unsigned field, const void *p, size_t n) {
  pb_key(b, field, WIRE_LEN);
  pb_varint(b, n);
  pb_raw(b, p, n);
}

/* Appends sub as a length-delimited field and empties sub for reuse. */
static void pb_message(pb *b, unsigned field, pb *sub) {
  if (sub->failed) b->failed = true;
  pb_bytes(b, field, sub->data, sub->len);
  sub->len = 0;
}

/* ---- String table ------------------------------------------------------ */

typedef struct strings {
  const char **s;
  size_t n, cap;
  bool failed;
} strings;

/* The index of s in the table, added when new (index 0 is ""). */
static int64_t intern(strings *t, const char *s) {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->s[i], s) == 0) return (int64_t)i;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    const char **p = realloc(t->s, cap * sizeof *p);
    if (!p) {
      t->failed = true;
      return 0;
    }
    t->s = p;
    t->cap = cap;
  }
  t->s[t->n] = s;
  return (int64_t)t->n++;
}

/* ---- Profile ----------------------------------------------------------- */

static void value_type(pb *b, pb *sub, unsigned field, int64_t type,
                       int64_t unit) {
  pb_int(sub, 1, type);
  pb_int(sub, 2, unit);
  pb_message(b, field, sub);
}

/* Samples: one per node with anything recorded, its stack leaf first.
 * Location and function ids are the function index + 1. */
static void encode_samples(pb *b, pb *sub, const ivm_prof_tree *t) {
  pb ids = {0};
  for (size_t i = 0; i < t->nnodes; i++) {
    const ivm_prof_node *n = &t->nodes[i];
    if (n->calls == 0 && n->self_ns == 0) continue;
    for (uint32_t k = (uint32_t)i; k != IVM_PROF_ROOT; k = t->nodes[k].parent)
      pb_varint(&ids, (uint64_t)t->nodes[k].func + 1);
    pb_bytes(sub, 1, ids.data, ids.len); /* packed location_id */
    if (ids.failed) sub->failed = true;
    ids.len = 0;
    pb_varint(&ids, n->calls);
    pb_varint(&ids, (uint64_t)n->self_ns);
    pb_bytes(sub, 2, ids.data, ids.len); /* packed value */
    if (ids.failed) sub->failed = true;
    ids.len = 0;
    pb_message(b, 2, sub);
  }
  free(ids.data);
}

int ivm_prof_pprof_encode(const ivm_prof_tree *t,
                          const ivm_prof_pprof_info *info, uint8_t **out,
                          size_t *len) {
  pb b = {0}, sub = {0}, line = {0};
  strings st = {0};
  intern(&st, "");
  int64_t calls = intern(&st, "calls"), count = intern(&st, "count");
  int64_t time = intern(&st, "time"), nanos = intern(&st, "nanoseconds");
  value_type(&b, &sub, 1, calls, count);
  value_type(&b, &sub, 1, time, nanos);
  encode_samples(&b, &sub, t);
  /* One mapping that claims resolved functions and files, so pprof shows
   * the names given here instead of looking for a binary to symbolize. */
  pb_int(&sub, 1, 1);
  pb_int(&sub, 5, intern(&st, info->binary ? info->binary : "ivm"));
  pb_int(&sub, 7, 1);
  pb_int(&sub, 8, 1);
  pb_message(&b, 3, &sub);
  for (size_t f = 0; f < t->nfuncs; f++) {
    pb_int(&sub, 1, (int64_t)f + 1); /* Location.id */
    pb_int(&sub, 2, 1);              /* mapping_id */
    pb_int(&line, 1, (int64_t)f + 1); /* Line.function_id */
    pb_message(&sub, 4, &line);
    pb_message(&b, 4, &sub);
  }
  for (size_t f = 0; f < t->nfuncs; f++) {
    pb_int(&sub, 1, (int64_t)f + 1);
    pb_int(&sub, 2, intern(&st, t->funcs[f].name));
    pb_int(&sub, 3, intern(&st, t->funcs[f].name));
    pb_int(&sub, 4, intern(&st, t->funcs[f].file));
    pb_message(&b, 5, &sub);
  }
  for (size_t i = 0; i < info->ncomments; i++) intern(&st, info->comments[i]);
  for (size_t i = 0; i < st.n; i++) pb_bytes(&b, 6, st.s[i], strlen(st.s[i]));
  pb_int(&b, 9, info->time_nanos);
  pb_int(&b, 10, info->duration_nanos);
  /* Every call is recorded: one event per call. */
  value_type(&b, &sub, 11, calls, count);
  pb_int(&b, 12, 1);
  for (size_t i = 0; i < info->ncomments; i++)
    pb_int(&b, 13, intern(&st, info->comments[i]));
  pb_int(&b, 14, time);
  bool failed = b.failed || sub.failed || line.failed || st.failed;
  free(sub.data);
  free(line.data);
  free(st.s);
  if (failed) {
    free(b.data);
    *out = NULL;
    *len = 0;
    return -1;
  }
  *out = b.data;
  *len = b.len;
  return 0;
}

/* gzip in memory: deflate with windowBits 15 + 16 writes the gzip wrapper. */
static int gzip(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return -1;
  uLong cap = deflateBound(&z, (uLong)n);
  *out = malloc(cap);
  if (!*out) {
    deflateEnd(&z);
    return -1;
  }
  z.next_in = (Bytef *)in;
  z.avail_in = (uInt)n;
  z.next_out = *out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  *out_len = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    free(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

int ivm_prof_pprof_write(const char *path, const ivm_prof_tree *t,
                         const ivm_prof_pprof_info *info, char *why,
                         size_t why_len) {
  uint8_t *raw = NULL, *gz = NULL;
  size_t raw_len, gz_len;
  if (ivm_prof_pprof_encode(t, info, &raw, &raw_len) != 0 ||
      raw_len > UINT32_MAX || gzip(raw, raw_len, &gz, &gz_len) != 0) {
    snprintf(why, why_len, "%s: out of memory encoding the profile", path);
    free(raw);
    return -1;
  }
  free(raw);
  FILE *f = fopen(path, "wb");
  if (!f) {
    snprintf(why, why_len, "%s: %s", path, strerror(errno));
    free(gz);
    return -1;
  }
  bool ok = fwrite(gz, 1, gz_len, f) == gz_len;
  int err = errno;
  if (fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  free(gz);
  if (!ok) {
    snprintf(why, why_len, "%s: %s", path, strerror(err));
    remove(path);
    return -1;
  }
  return 0;
}
