/* btree_dir.c - building and keeping the directory of the span B+-tree
 * (btree_node.h says what it is and why a stale hint is harmless).
 *
 * The directory is sized to the tree: 2 to 4 buckets per leaf. A bucket
 * that two leaves share costs a second look (ivm__bt_hinted), not a walk;
 * twice the buckets would make that rarer, but cost the memory that keeps
 * the tree under 24 bytes a span. It is rebuilt from a walk over the leaves,
 * O(buckets + leaves), when the tree has outgrown it or shrunk well below it,
 * when the walks it could not spare since the last build outnumber its buckets
 * (the keys drifted out of the range it covers), and when retired leaves pile
 * up: they can only be freed once no bucket names them. Each trigger takes as
 * many operations as the rebuild costs, so the upkeep is O(1) amortised. Memory
 * for it comes through the owner's allocator like every node; without it, or
 * while the tree is small, every operation walks from the root as before. */
#include <string.h>

#include "btree_node.h"

enum {
  DIR_MIN_LEAVES = 8,     /* below this, walks are short enough */
  DIR_PER_LEAF = 2,       /* buckets per leaf, at least */
  DIR_RETIRED_SHARE = 16, /* rebuild when retired leaves exceed 1/16 */
  DIR_NOTE_MAX = 32,      /* buckets a moved leaf updates, at most */
};

static size_t buckets(const ivm__bt *t) {
  return t->dir ? (size_t)t->dir_mask + 1 : 0;
}

/* Frees the spare leaves beyond the one a mutation may need: retired ones
 * included, so only when no bucket can name them. */
static void free_retired(ivm__bt *t) {
  while (t->nspare_leaves > 1) {
    struct ivm__bt_spare *s = t->spare_leaves;
    t->spare_leaves = s->next;
    t->nspare_leaves--;
    ivm__free(t->owner, s, sizeof(ivm__bt_leaf));
  }
}

static void drop(ivm__bt *t) {
  ivm__free(t->owner, t->dir, buckets(t) * sizeof *t->dir);
  t->dir = NULL;
  t->dir_mask = 0;
  free_retired(t);
}

/* Points every bucket of dir[0..nb) at the leaf holding its middle key,
 * over the range from the first start to the last end. */
static void fill(ivm__bt *t, ivm__bt_leaf **dir, size_t nb) {
  ivm__bt_path p;
  ivm__bt_leaf *l = ivm__bt_descend(t, INT64_MIN, &p);
  ivm_span first, last;
  ivm__bt_first(t, &first);
  ivm__bt_last(t, &last);
  uint64_t range = (uint64_t)last.end - (uint64_t)first.start;
  int shift = 0;
  while ((range >> shift) >= nb) shift++;
  t->dir_base = first.start;
  t->dir_shift = shift;
  int64_t next;
  bool more = ivm__bt_next_start(&p, &next);
  for (size_t b = 0; b < nb; b++) {
    /* Buckets past the last end keep the last leaf. */
    if (b <= range >> shift) {
      int64_t key = ivm__bt_bucket_mid(t, b);
      while (more && next <= key) {
        ivm__bt_next_leaf(&p);
        l = ivm__bt_path_leaf(&p);
        more = ivm__bt_next_start(&p, &next);
      }
    }
    dir[b] = l;
  }
  t->dir = dir;
  t->dir_mask = nb - 1;
  t->dir_misses = 0;
}

/* A directory sized for the tree as it is now; the old one, refilled, if
 * no memory for a new one. */
static void rebuild(ivm__bt *t) {
  size_t nb = 1;
  while (nb < DIR_PER_LEAF * t->leaves) nb <<= 1;
  ivm__bt_leaf **dir = t->dir;
  if (nb != buckets(t)) {
    ivm__bt_leaf **fresh = ivm__alloc(t->owner, nb * sizeof *fresh);
    if (fresh) {
      ivm__free(t->owner, t->dir, buckets(t) * sizeof *t->dir);
      dir = fresh;
    } else {
      nb = buckets(t);
    }
  }
  if (!dir) return;
  fill(t, dir, nb);
  free_retired(t);
}

void ivm__bt_dir_tend(ivm__bt *t) {
  if (t->leaves < DIR_MIN_LEAVES) {
    if (t->dir) drop(t);
    return;
  }
  size_t nb = buckets(t);
  /* Between 2 and 32 buckets a leaf it stays; a rebuild makes 2 to 4. */
  if (nb && t->leaves * 2 <= nb && t->leaves * 32 >= nb &&
      t->dir_misses <= nb &&
      t->nspare_leaves <= 1 + t->leaves / DIR_RETIRED_SHARE)
    return;
  rebuild(t);
}

void ivm__bt_dir_note(const ivm__bt *t, ivm__bt_leaf *l) {
  if (!t->dir || l->n == 0) return;
  /* The buckets whose middle lies from the leaf's first start to its last
   * end: counted on a grid shifted by half a bucket, where a bucket starts
   * at its middle. Keys below the directory's base wrap to buckets past its
   * end. */
  uint64_t half = ivm__bt_half_bucket(t), width = (uint64_t)1 << t->dir_shift;
  uint64_t first = (uint64_t)l->start[0] - (uint64_t)t->dir_base;
  uint64_t last = (uint64_t)l->end[l->n - 1] - (uint64_t)t->dir_base;
  if (last < half) return; /* ends before the first middle */
  first = first <= half ? 0 : first - half;
  uint64_t b = (first >> t->dir_shift) + ((first & (width - 1)) != 0);
  uint64_t end = (last - half) >> t->dir_shift;
  /* A leaf stretched over many buckets leaves the rest to be repaired by
   * the walks that miss them, which keeps this O(1). */
  for (int k = 0; k < DIR_NOTE_MAX && b <= end && b <= t->dir_mask; k++, b++)
    t->dir[b] = l;
}

void ivm__bt_dir_fini(ivm__bt *t) {
  if (t->dir) drop(t);
}
