/* json.h - a small streaming JSON writer with stable, pretty output: the
 * same calls always give the same bytes, so reports can be golden-tested.
 *
 * Usage:
 *
 *     ivm_json j;
 *     ivm_json_init(&j, stdout);
 *     ivm_json_begin_object(&j, NULL);
 *     ivm_json_string(&j, "impl", "treap");
 *     ivm_json_double(&j, "ns_per_op", 52.5);
 *     ivm_json_begin_array(&j, "passes");
 *     ivm_json_int(&j, NULL, 3);
 *     ivm_json_end_array(&j);
 *     ivm_json_end_object(&j);            // ends with a newline at depth 0
 *
 * Inside an object every value takes its key; inside an array the key is
 * NULL. Doubles are written with 10 significant digits; NaN and infinities,
 * which JSON cannot express, become null.
 */
#ifndef IVM_HARNESS_JSON_H
#define IVM_HARNESS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define IVM_JSON_MAX_DEPTH 32

typedef struct ivm_json {
  FILE *out;
  int depth;
  bool first[IVM_JSON_MAX_DEPTH]; /* nothing written yet at this depth */
} ivm_json;

void ivm_json_init(ivm_json *j, FILE *out);
void ivm_json_begin_object(ivm_json *j, const char *key);
void ivm_json_end_object(ivm_json *j);
void ivm_json_begin_array(ivm_json *j, const char *key);
void ivm_json_end_array(ivm_json *j);
/* NULL writes null. */
void ivm_json_string(ivm_json *j, const char *key, const char *value);
void ivm_json_int(ivm_json *j, const char *key, int64_t value);
void ivm_json_uint(ivm_json *j, const char *key, uint64_t value);
void ivm_json_double(ivm_json *j, const char *key, double value);
void ivm_json_bool(ivm_json *j, const char *key, bool value);
void ivm_json_null(ivm_json *j, const char *key);

#endif /* IVM_HARNESS_JSON_H */
