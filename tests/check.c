/* check.c - the named-test main shared by the harness-side test programs. */
#include "check.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int check_failures;
const char *check_golden_dir;

int check_main(const char *prog, const check_test *tests, size_t n, int argc,
               char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s TEST|all GOLDEN_DIR\n", prog);
    return 2;
  }
  check_golden_dir = argv[2];
  int ran = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(argv[1], "all") != 0 && strcmp(argv[1], tests[i].name) != 0)
      continue;
    int before = check_failures;
    tests[i].fn();
    printf("%s %s\n", check_failures == before ? "ok  " : "FAIL",
           tests[i].name);
    ran++;
  }
  if (!ran) {
    fprintf(stderr, "%s: no test named '%s'\n", prog, argv[1]);
    return 2;
  }
  return check_failures ? 1 : 0;
}

void check_golden(const char *name, const char *text, size_t len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", check_golden_dir, name);
  const char *update = getenv("IVM_UPDATE_GOLDEN");
  if (update && strcmp(update, "1") == 0) {
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(text, 1, len, f) == len && fclose(f) == 0);
    return;
  }
  /* Read one byte more than expected so a longer file differs too. */
  FILE *f = fopen(path, "rb");
  char *want = malloc(len + 2);
  size_t got = f && want ? fread(want, 1, len + 1, f) : 0;
  if (f) fclose(f);
  bool same = want && got == len && memcmp(want, text, len) == 0;
  free(want);
  if (same) return;
  char actual[4200];
  snprintf(actual, sizeof actual, "%s.actual", name);
  FILE *out = fopen(actual, "wb");
  if (out) {
    fwrite(text, 1, len, out);
    fclose(out);
  }
  fprintf(stderr, "golden file %s differs: see `diff %s %s`\n", path, path,
          actual);
  check_failures++;
}
