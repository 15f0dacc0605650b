/* cmd_list.c - `ivmprof list`: the implementations (peers marked) and the
 * workload profiles with their descriptions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "impls.h"
#include "table.h"
#include "term.h"
#include "workload.h"

static int help(void) {
  printf("usage: ivmprof list [--impls | --profiles]\n"
         "\n"
         "Lists the implementations the harness can drive (the library's "
         "registry,\nthen the peer adapters) and the workload profiles in %s.\n"
         "\n"
         "  --impls      only the implementation names, one a line\n"
         "  --profiles   only the profile names, one a line\n"
         "\n"
         "A profile is a file NAME.profile; set IVM_PROFILES to use another "
         "folder.\n", ivm_profile_dir());
  return IVM_EXIT_OK;
}

static void print_name(void *ud, const char *name) {
  (void)ud;
  printf("%s\n", name);
}

typedef struct profile_rows {
  ivm_table *t;
  int bad;
} profile_rows;

static void add_profile(void *ud, const char *name) {
  profile_rows *rows = ud;
  ivm_profile p;
  char err[512];
  ivm_table_cell(rows->t, "%s", name);
  if (ivm_profile_load(name, &p, err, sizeof err) == IVM_OK) {
    ivm_table_cell(rows->t, "%s", p.description[0] ? p.description : "-");
  } else {
    ivm_table_cell(rows->t, "INVALID: %s", err);
    ivm_table_mark(rows->t, IVM_MARK_BAD);
    rows->bad++;
  }
}

int ivm_cmd_list(int argc, char **argv) {
  ivm_args a = ivm_args_start("list", argc, argv);
  bool impls_only = false, profiles_only = false;
  while (ivm_args_next(&a)) {
    if (ivm_args_flag(&a, "--help") || ivm_args_flag(&a, "-h")) return help();
    if (ivm_args_flag(&a, "--impls")) impls_only = true;
    if (ivm_args_flag(&a, "--profiles")) profiles_only = true;
    ivm_args_unknown(&a);
  }
  if (!a.failed && impls_only && profiles_only)
    ivm_args_error(&a, "--impls and --profiles exclude each other");
  if (a.failed) return IVM_EXIT_USAGE;

  const char *dir = ivm_profile_dir();
  if (impls_only) {
    for (size_t i = 0; i < ivm_impls_count(); i++)
      printf("%s\n", ivm_impls_at(i)->name);
    return IVM_EXIT_OK;
  }
  if (profiles_only) {
    if (ivm_profile_each(dir, print_name, NULL) < 0) {
      fprintf(stderr, "ivmprof list: %s: %s\n", dir, strerror(errno));
      return IVM_EXIT_FAIL;
    }
    return IVM_EXIT_OK;
  }

  bool color = ivm_term_color(stdout);
  ivm_table *t = ivm_table_new("implementation", "ll");
  ivm_table_header(t, 1, "description");
  for (size_t i = 0; i < ivm_impls_count(); i++) {
    const struct ivm_ops *ops = ivm_impls_at(i);
    ivm_table_cell(t, "%s%s", ops->name,
                   ivm_impls_is_peer(ops) ? " (peer)" : "");
    ivm_table_cell(t, "%s", ops->description);
  }
  ivm_table_print(t, stdout, color);
  ivm_table_free(t);

  printf("\nprofiles in %s:\n", dir);
  profile_rows rows = {ivm_table_new("profile", "ll"), 0};
  ivm_table_header(rows.t, 1, "description");
  int n = ivm_profile_each(dir, add_profile, &rows);
  if (n < 0) {
    fprintf(stderr, "ivmprof list: %s: %s\n", dir, strerror(errno));
    ivm_table_free(rows.t);
    return IVM_EXIT_FAIL;
  }
  ivm_table_print(rows.t, stdout, color);
  ivm_table_free(rows.t);
  return rows.bad ? IVM_EXIT_FAIL : IVM_EXIT_OK;
}
