/* symtab.h - function names and source files for code addresses, read from
 * the running executable's own ELF symbol table.
 *
 * Usage:
 *
 *     ivm_prof_symtab st;
 *     char why[256];
 *     if (ivm_prof_symtab_load(&st, NULL, 0, why, sizeof why) != 0) ...
 *     const ivm_prof_sym *s = ivm_prof_symtab_find(&st, (uintptr_t)fn);
 *     if (s) printf("%s:%s\n", s->file, s->name);   // reference.c:ref_release
 *     ivm_prof_symtab_free(&st);
 *
 * Why not dladdr: it sees only the dynamic symbol table, and static
 * functions - the internal helpers a profile is most interested in - are
 * never there. The full .symtab has them all, with their sizes, and ELF
 * groups every object file's local symbols after an STT_FILE symbol naming
 * its source file, which gives the file of each static function without
 * debug information. Global symbols lose that grouping at link time, so
 * their files come from a table made at build time (ivm_prof_global). */
#ifndef IVM_PROF_SYMTAB_H
#define IVM_PROF_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct ivm_prof_sym {
  uintptr_t addr;   /* run-time address */
  size_t size;
  const char *name; /* as the source spells it */
  const char *file; /* source file name without directories, "" unknown */
} ivm_prof_sym;

/* A global function: its symbol, the name to show, and its source file. */
typedef struct ivm_prof_global {
  const char *symbol;
  const char *name;
  const char *file;
} ivm_prof_global;

typedef struct ivm_prof_symtab {
  ivm_prof_sym *syms; /* sorted by address */
  size_t n;
  char *strings;      /* storage for every name and file */
} ivm_prof_symtab;

/* Loads the function symbols of the running executable (/proc/self/exe);
 * globals listed in globals[0..nglobals) get that name and file. 0, or -1
 * with the reason in why (e.g. a stripped binary); *t is then empty. */
int ivm_prof_symtab_load(ivm_prof_symtab *t, const ivm_prof_global *globals,
                         size_t nglobals, char *why, size_t why_len);

/* The function containing addr, or NULL. */
const ivm_prof_sym *ivm_prof_symtab_find(const ivm_prof_symtab *t,
                                         uintptr_t addr);

void ivm_prof_symtab_free(ivm_prof_symtab *t);

#endif /* IVM_PROF_SYMTAB_H */
