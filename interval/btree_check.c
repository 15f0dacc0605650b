/* btree_check.c - the span B+-tree's validator and its level-by-level dump.
 *
 * The validator recomputes everything the tree stores from the nodes
 * themselves: spans sorted, disjoint and non-touching inside and across
 * leaves, each separator key and maximum from the child it describes, node
 * occupancy, the padding of unused slots, total, count, node counts, the
 * spare pools and the directory's hints. Leaf depth is uniform by
 * construction (a node's kind follows from its level); the node counts
 * catch a subtree cut short or grafted twice. */
#include "btree_node.h"

struct audit {
  const ivm__bt *t;
  int64_t total, count;
  size_t leaves, inners;
  bool any;         /* a span was seen */
  int64_t prev_end; /* end of the last span seen */
  char *why;
  size_t why_len;
};

static int audit_leaf(struct audit *a, const ivm__bt_leaf *l, bool root,
                      int64_t *max) {
  a->leaves++;
  if (l->n < (root ? 0 : IVM_BT_LEAF_MIN) || l->n > IVM_BT_LEAF_CAP)
    return ivm__fail(a->why, a->why_len, "a %sleaf holds %d spans",
                     root ? "root " : "", l->n);
  for (int i = l->n; i < IVM_BT_LEAF_CAP; i++)
    if (l->start[i] != INT64_MAX || l->end[i] != INT64_MAX)
      return ivm__fail(a->why, a->why_len, "unused slot %d of a leaf of %d "
                       "spans holds [%lld,%lld)", i, l->n,
                       (long long)l->start[i], (long long)l->end[i]);
  *max = 0;
  for (int i = 0; i < l->n; i++) {
    int64_t s = l->start[i], e = l->end[i], len;
    if (s >= e || ivm__sub_overflows(e, s, &len))
      return ivm__fail(a->why, a->why_len, "span [%lld,%lld) is empty or "
                       "too long", (long long)s, (long long)e);
    if (a->any && s <= a->prev_end)
      return ivm__fail(a->why, a->why_len, "span [%lld,%lld) %s the span "
                       "before it, ending at %lld", (long long)s, (long long)e,
                       i ? "overlaps or touches" : "(first of its leaf) meets",
                       (long long)a->prev_end);
    if (ivm__add_overflows(a->total, len, &a->total))
      return ivm__fail(a->why, a->why_len, "the spans sum beyond int64");
    a->count++;
    a->any = true;
    a->prev_end = e;
    *max = ivm__max64(*max, len);
  }
  if (l->max != *max)
    return ivm__fail(a->why, a->why_len, "a leaf keeps %lld as its longest "
                     "span length but holds %lld", (long long)l->max,
                     (long long)*max);
  return IVM_OK;
}

/* Checks the subtree at x (level `level`) and returns its first start and
 * longest span length for the parent's entry to be compared with. */
static int audit_node(struct audit *a, const void *x, int level, int64_t *key,
                      int64_t *max) {
  bool root = level == 0;
  if (level == a->t->height - 1) {
    const ivm__bt_leaf *l = x;
    *key = l->n ? l->start[0] : 0;
    return audit_leaf(a, l, root, max);
  }
  const ivm__bt_inner *in = x;
  a->inners++;
  if (in->n < (root ? 2 : IVM_BT_INNER_MIN) || in->n > IVM_BT_INNER_CAP)
    return ivm__fail(a->why, a->why_len, "a %sinner node at level %d has %d "
                     "children", root ? "root " : "", level, in->n);
  for (int i = in->n; i <= IVM_BT_INNER_CAP; i++) /* the extra slot too */
    if (in->key[i] != INT64_MAX)
      return ivm__fail(a->why, a->why_len, "unused key slot %d of an inner "
                       "node at level %d holds %lld", i, level,
                       (long long)in->key[i]);
  for (int i = in->n; i < IVM_BT_INNER_CAP; i++)
    if (in->max[i] != 0)
      return ivm__fail(a->why, a->why_len, "unused max slot %d of an inner "
                       "node at level %d holds %lld", i, level,
                       (long long)in->max[i]);
  *max = 0;
  for (int i = 0; i < in->n; i++) {
    int64_t k, m;
    if (!in->child[i])
      return ivm__fail(a->why, a->why_len, "child %d at level %d is NULL", i,
                       level);
    int rc = audit_node(a, in->child[i], level + 1, &k, &m);
    if (rc != IVM_OK) return rc;
    if (in->key[i] != k)
      return ivm__fail(a->why, a->why_len, "key %lld of child %d at level %d "
                       "but the child starts at %lld", (long long)in->key[i],
                       i, level, (long long)k);
    if (in->max[i] != m)
      return ivm__fail(a->why, a->why_len, "max %lld of child %d at level %d "
                       "but its longest span is %lld", (long long)in->max[i],
                       i, level, (long long)m);
    *max = ivm__max64(*max, m);
  }
  *key = in->key[0];
  return IVM_OK;
}

static size_t spare_count(const struct ivm__bt_spare *s) {
  size_t n = 0;
  for (; s; s = s->next) n++;
  return n;
}

static bool is_spare(const ivm__bt *t, const ivm__bt_leaf *l) {
  for (const struct ivm__bt_spare *s = t->spare_leaves; s; s = s->next)
    if ((const void *)s == (const void *)l) return true;
  return false;
}

/* Every bucket names nothing, a leaf of the tree (one a walk to its first
 * start reaches) or a retired leaf kept in the spare pool, which must never
 * qualify. Runs of buckets naming one leaf are checked once. */
static int audit_dir(const ivm__bt *t, char *why, size_t why_len) {
  const ivm__bt_leaf *prev = NULL;
  for (uint64_t b = 0; t->dir && b <= t->dir_mask; b++) {
    const ivm__bt_leaf *l = t->dir[b];
    if (!l || l == prev) continue;
    prev = l;
    ivm__bt_path p;
    if (l->start[0] == INT64_MAX ? !is_spare(t, l)
                                 : ivm__bt_descend(t, l->start[0], &p) != l)
      return ivm__fail(why, why_len, "directory bucket %llu names a leaf "
                       "that is neither in the tree nor retired",
                       (unsigned long long)b);
  }
  return IVM_OK;
}

int ivm__bt_check(const ivm__bt *t, char *why, size_t why_len) {
  struct audit a = {.t = t, .why = why, .why_len = why_len};
  int64_t key, max;
  if (t->height < 1 || t->height > IVM_BT_MAX_HEIGHT || !t->root)
    return ivm__fail(why, why_len, "height %d with root %p", t->height,
                     t->root);
  int rc = audit_node(&a, t->root, 0, &key, &max);
  if (rc != IVM_OK) return rc;
  if (a.total != t->total || a.count != t->count)
    return ivm__fail(why, why_len, "total %lld count %lld but the leaves hold "
                     "%lld in %lld spans", (long long)t->total,
                     (long long)t->count, (long long)a.total,
                     (long long)a.count);
  if (a.leaves != t->leaves || a.inners != t->inners)
    return ivm__fail(why, why_len, "%zu leaves and %zu inner nodes counted "
                     "but %zu and %zu reachable", t->leaves, t->inners,
                     a.leaves, a.inners);
  if (spare_count(t->spare_leaves) != t->nspare_leaves ||
      spare_count(t->spare_inners) != t->nspare_inners)
    return ivm__fail(why, why_len, "spare pools hold %zu and %zu nodes, "
                     "counted %zu and %zu", spare_count(t->spare_leaves),
                     spare_count(t->spare_inners), t->nspare_leaves,
                     t->nspare_inners);
  return audit_dir(t, why, why_len);
}

/* Prints the nodes of level `target` below x, left to right. */
static void dump_level(const ivm__bt *t, const void *x, int level, int target,
                       FILE *out) {
  if (level < target) {
    const ivm__bt_inner *in = x;
    for (int i = 0; i < in->n; i++)
      dump_level(t, in->child[i], level + 1, target, out);
  } else if (level == t->height - 1) {
    const ivm__bt_leaf *l = x;
    fputs(" |", out);
    for (int i = 0; i < l->n; i++)
      fprintf(out, " [%lld,%lld)", (long long)l->start[i],
              (long long)l->end[i]);
  } else {
    const ivm__bt_inner *in = x;
    fputs(" {", out);
    for (int i = 0; i < in->n; i++)
      fprintf(out, "%s%lld^%lld", i ? " " : "", (long long)in->key[i],
              (long long)in->max[i]);
    fputs("}", out);
  }
}

void ivm__bt_dump(const ivm__bt *t, FILE *out) {
  fprintf(out, "B+-tree: %lld spans, total %lld, height %d, %zu leaves, "
          "%zu inner nodes, %zu + %zu spare (key^max per child)\n",
          (long long)t->count, (long long)t->total, t->height, t->leaves,
          t->inners, t->nspare_leaves, t->nspare_inners);
  for (int level = 0; level < t->height; level++) {
    fprintf(out, "  level %d%s:", level,
            level == t->height - 1 ? " (leaves)" : "");
    dump_level(t, t->root, 0, level, out);
    fputc('\n', out);
  }
}
