/* btree_ops.c - the protocol ops that "boundary" and "boundary-summary"
 * share: each forwards to the B+-tree embedded right after the base. */
#include "btree.h"

static ivm__bt *tree_of(ivm *m) { return &((ivm__bt_instance *)m)->tree; }

static const ivm__bt *ctree_of(const ivm *m) {
  return &((const ivm__bt_instance *)m)->tree;
}

void ivm__bt_op_fini(ivm *m) { ivm__bt_fini(tree_of(m)); }

int ivm__bt_op_release(ivm *m, int64_t start, int64_t end, int64_t *changed) {
  return ivm__bt_release(tree_of(m), start, end, changed);
}

int ivm__bt_op_reserve(ivm *m, int64_t start, int64_t end, unsigned flags,
                       int64_t *changed) {
  return ivm__bt_reserve(tree_of(m), start, end,
                         (flags & IVM_REQUIRE_COVERED) != 0, changed);
}

bool ivm__bt_op_find(const ivm *m, int64_t p, int64_t len, int64_t not_after,
                     ivm_span *out) {
  return ivm__bt_find(ctree_of(m), p, len, not_after, out);
}

bool ivm__bt_op_best_fit(const ivm *m, int64_t len, ivm_span *out) {
  return ivm__bt_best_fit(ctree_of(m), len, out);
}

int64_t ivm__bt_op_total_free(const ivm *m) { return ctree_of(m)->total; }

int64_t ivm__bt_op_count(const ivm *m) { return ctree_of(m)->count; }

int ivm__bt_op_each(const ivm *m, int64_t start, int64_t end, ivm_visit_fn fn,
                    void *ud) {
  return ivm__bt_each(ctree_of(m), start, end, fn, ud);
}
