/* main.c - a program outside the project that uses the installed library:
 * proves the header, the library and its package files work on their own. */
#include <ivm.h>
#include <stdio.h>

int main(void) {
  int failures = 0;
  for (size_t i = 0; i < ivm_impl_count(); i++) {
    const char *name = ivm_impl_at(i)->name;
    ivm *m;
    if (ivm_create(name, NULL, &m) != IVM_OK) {
      fprintf(stderr, "%s: ivm_create failed\n", name);
      return 1;
    }
    ivm_release(m, 0, 1000, NULL);
    ivm_reserve(m, 100, 200, 0, NULL);
    ivm_span s;
    bool found;
    ivm_find(m, 50, 80, &s, &found);
    int rc = ivm_reserve(m, 150, 250, IVM_REQUIRE_COVERED, NULL);
    char why[128];
    bool ok = found && s.start == 200 && s.end == 280 && rc == IVM_CONFLICT &&
              ivm_total_free(m) == 900 && ivm_count(m) == 2 &&
              ivm_check(m, why, sizeof why) == IVM_OK;
    printf("%s %s\n", ok ? "ok  " : "FAIL", name);
    failures += !ok;
    ivm_destroy(m);
  }
  if (ivm_impl_count() == 0) failures++;
  return failures ? 1 : 0;
}
