/* list_impls.c - prints every implementation the harness drives, one name
 * a line, so the gbench test knows what ivm-gbench must cover from the
 * list itself rather than from ivm-gbench's own output. */
#include <stdio.h>

#include "impls.h"

int main(void) {
  for (size_t i = 0; i < ivm_impls_count(); i++)
    printf("%s\n", ivm_impls_at(i)->name);
  return 0;
}
