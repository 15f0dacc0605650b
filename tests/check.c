/* check.c - the named-test main shared by the harness-side test programs. */
#include "check.h"

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
