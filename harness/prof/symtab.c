/* symtab.c - a small reader of the executable's ELF .symtab: function
 * symbols with run-time addresses, names and source files.
 *
 * Invariants: syms is sorted by address; every name and file points into
 * strings; every offset read from the file is checked against its size
 * before use, so a truncated or foreign file is an error, never a crash. */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "symtab.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The load bias of the main program: its first entry in dl_iterate_phdr. */
static int first_object(struct dl_phdr_info *info, size_t size, void *ud) {
  (void)size;
  *(uintptr_t *)ud = (uintptr_t)info->dlpi_addr;
  return 1;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

typedef struct image {
  const uint8_t *data;
  size_t size;
} image;

static bool within(const image *im, uint64_t off, uint64_t len) {
  return off <= im->size && len <= im->size - off;
}

/* A NUL-terminated string at off inside the string table [base, base+len). */
static const char *string_at(const image *im, uint64_t base, uint64_t len,
                             uint64_t off) {
  if (off >= len) return NULL;
  const char *s = (const char *)im->data + base + off;
  return memchr(s, '\0', len - off) ? s : NULL;
}

static const ivm_prof_global *find_global(const ivm_prof_global *g, size_t n,
                                          const char *symbol) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(g[i].symbol, symbol) == 0) return &g[i];
  return NULL;
}

static int sym_cmp(const void *a, const void *b) {
  const ivm_prof_sym *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Visits the function symbols of every SHT_SYMTAB section; with a NULL
 * table it only counts them and the bytes their strings need. */
static int scan(const image *im, uintptr_t bias, const ivm_prof_global *g,
                size_t ng, ivm_prof_symtab *t, size_t *count, size_t *bytes) {
  const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)im->data;
  if (eh->e_shentsize != sizeof(ElfW(Shdr)) ||
      !within(im, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr))))
    return -1;
  const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(im->data + eh->e_shoff);
  size_t used = 0;
  char *store = t ? t->strings : NULL;
  *count = *bytes = 0;
  for (size_t s = 0; s < eh->e_shnum; s++) {
    if (sh[s].sh_type != SHT_SYMTAB || sh[s].sh_link >= eh->e_shnum) continue;
    const ElfW(Shdr) *strs = &sh[sh[s].sh_link];
    if (sh[s].sh_entsize != sizeof(ElfW(Sym)) ||
        !within(im, sh[s].sh_offset, sh[s].sh_size) ||
        !within(im, strs->sh_offset, strs->sh_size))
      return -1;
    const ElfW(Sym) *sym = (const ElfW(Sym) *)(im->data + sh[s].sh_offset);
    size_t nsym = sh[s].sh_size / sizeof(ElfW(Sym));
    const char *file = "";
    for (size_t i = 0; i < nsym; i++) {
      const char *name = string_at(im, strs->sh_offset, strs->sh_size,
                                   sym[i].st_name);
      if (!name) continue;
      /* st_info packs type and binding the same way in ELF32 and ELF64. */
      int type = ELF64_ST_TYPE(sym[i].st_info);
      int bind = ELF64_ST_BIND(sym[i].st_info);
      if (type == STT_FILE) {
        file = base_name(name);
        continue;
      }
      if (type != STT_FUNC || sym[i].st_shndx == SHN_UNDEF ||
          sym[i].st_value == 0)
        continue;
      const char *shown = name, *from = bind == STB_LOCAL ? file : "";
      const ivm_prof_global *gl = bind == STB_LOCAL ? NULL
                                                    : find_global(g, ng, name);
      if (gl) {
        shown = gl->name;
        from = gl->file;
      }
      size_t ln = strlen(shown) + 1, lf = strlen(from) + 1;
      if (t) {
        ivm_prof_sym *out = &t->syms[*count];
        out->addr = (uintptr_t)sym[i].st_value + bias;
        out->size = (size_t)sym[i].st_size;
        out->name = memcpy(store + used, shown, ln);
        out->file = memcpy(store + used + ln, from, lf);
      }
      used += ln + lf;
      (*count)++;
    }
  }
  *bytes = used;
  return 0;
}

int ivm_prof_symtab_load(ivm_prof_symtab *t, const ivm_prof_global *globals,
                         size_t nglobals, char *why, size_t why_len) {
  memset(t, 0, sizeof *t);
  const char *path = "/proc/self/exe";
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    snprintf(why, why_len, "%s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  image im = {NULL, (size_t)st.st_size};
  void *map = im.size ? mmap(NULL, im.size, PROT_READ, MAP_PRIVATE, fd, 0)
                      : MAP_FAILED;
  close(fd);
  if (map == MAP_FAILED) {
    snprintf(why, why_len, "%s: cannot map the file", path);
    return -1;
  }
  im.data = map;
  const ElfW(Ehdr) *eh = map;
  uintptr_t bias = 0;
  dl_iterate_phdr(first_object, &bias);
  size_t count = 0, bytes = 0;
  int rc = -1;
  if (im.size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
    snprintf(why, why_len, "%s: not an ELF file", path);
  } else if (scan(&im, bias, globals, nglobals, NULL, &count, &bytes) != 0) {
    snprintf(why, why_len, "%s: malformed section or symbol table", path);
  } else if (count == 0) {
    snprintf(why, why_len, "%s: no symbol table (stripped binary?)", path);
  } else {
    t->syms = malloc(count * sizeof *t->syms);
    t->strings = malloc(bytes);
    if (!t->syms || !t->strings) {
      snprintf(why, why_len, "out of memory reading symbols");
    } else {
      scan(&im, bias, globals, nglobals, t, &count, &bytes);
      t->n = count;
      qsort(t->syms, t->n, sizeof *t->syms, sym_cmp);
      rc = 0;
    }
  }
  munmap(map, im.size);
  if (rc != 0) ivm_prof_symtab_free(t);
  return rc;
}

const ivm_prof_sym *ivm_prof_symtab_find(const ivm_prof_symtab *t,
                                         uintptr_t addr) {
  size_t lo = 0, hi = t->n;
  while (lo < hi) { /* the first symbol above addr */
    size_t mid = lo + (hi - lo) / 2;
    if (t->syms[mid].addr <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return NULL;
  const ivm_prof_sym *s = &t->syms[lo - 1];
  /* An exact match is an entry point (what instrumentation reports);
   * otherwise addr must lie inside the function. */
  return s->addr == addr || addr - s->addr < s->size ? s : NULL;
}

void ivm_prof_symtab_free(ivm_prof_symtab *t) {
  free(t->syms);
  free(t->strings);
  memset(t, 0, sizeof *t);
}
