/* impls.c - the library registry and the peer adapters as one list, so the
 * rest of the harness iterates one thing. */
#include "impls.h"

#include <stdio.h>
#include <string.h>

#ifdef IVM_HAVE_PEERS
#include "peers/peers.h"
static size_t peer_count(void) { return ivm_peer_count(); }
static const struct ivm_ops *peer_at(size_t i) { return ivm_peer_at(i); }
#else
/* Built without the peer adapters: there are none. */
static size_t peer_count(void) { return 0; }
static const struct ivm_ops *peer_at(size_t i) {
  (void)i;
  return NULL;
}
#endif

size_t ivm_impls_count(void) { return ivm_impl_count() + peer_count(); }

const struct ivm_ops *ivm_impls_at(size_t i) {
  size_t own = ivm_impl_count();
  return i < own ? ivm_impl_at(i) : peer_at(i - own);
}

const struct ivm_ops *ivm_impls_find(const char *name) {
  for (size_t i = 0; i < ivm_impls_count(); i++) {
    const struct ivm_ops *ops = ivm_impls_at(i);
    if (ops && strcmp(ops->name, name) == 0) return ops;
  }
  return NULL;
}

bool ivm_impls_is_peer(const struct ivm_ops *ops) {
  for (size_t i = 0; i < peer_count(); i++)
    if (peer_at(i) == ops) return true;
  return false;
}

int ivm_impls_select(const char *list, const struct ivm_ops **out, size_t *n,
                     char *err, size_t err_len) {
  *n = 0;
  if (strcmp(list, "all") == 0) {
    if (ivm_impls_count() > IVM_IMPLS_MAX) {
      snprintf(err, err_len, "more than %d implementations", IVM_IMPLS_MAX);
      return -1;
    }
    for (size_t i = 0; i < ivm_impls_count(); i++)
      out[(*n)++] = ivm_impls_at(i);
    return 0;
  }
  const char *p = list;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char name[128];
    if (len == 0 || len >= sizeof name) {
      snprintf(err, err_len, "'%s' is not a comma-separated list of names",
               list);
      return -1;
    }
    memcpy(name, p, len);
    name[len] = '\0';
    const struct ivm_ops *ops = ivm_impls_find(name);
    if (!ops) {
      snprintf(err, err_len, "unknown implementation '%s' (see `ivmprof "
               "list`)", name);
      return -1;
    }
    for (size_t i = 0; i < *n; i++) {
      if (out[i] == ops) {
        snprintf(err, err_len, "implementation '%s' listed twice", name);
        return -1;
      }
    }
    if (*n == IVM_IMPLS_MAX) {
      snprintf(err, err_len, "more than %d implementations", IVM_IMPLS_MAX);
      return -1;
    }
    out[(*n)++] = ops;
    if (!comma) return 0;
    p = comma + 1;
  }
}
