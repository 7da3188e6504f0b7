/* SPDX-License-Identifier: MIT */
/* Spill slot allocator (see frame.h).
 *
 * The frame below `base` is an array of 4-byte words; word w covers fp
 * offsets [-(base + 4w + 4), -(base + 4w)), and words 2k, 2k+1 form the
 * 8-aligned pair k that an 8-byte slot occupies.  used[w] says who owns a
 * word; W_KEEP on top of it marks a word ra_frame_keep took out of
 * circulation (a free kept word is W_KEEP alone, which no test for
 * W_FREE accepts).  The free lists are stacks of candidates, validated
 * when popped: free4 holds words whose buddy is in use, free8 whole free
 * pairs within VLDR's reach of fp, far8 the whole free pairs beyond it. */
#include "ra/frame.h"

enum { W_FREE = 0, W_INT = 4, W_FLOAT = 8, W_KEEP = 0x80 };

static int32_t word_off(const ra_frame *f, uint32_t w) {
  return -(f->base + 4 * (int32_t)w + 4);
}

static bool push(ra_frame *f, uint32_t **list, uint32_t *n, uint32_t *cap, uint32_t v) {
  if (*n == *cap && !ajx_grow(f->ctx, (void **)list, cap, *n + 1, sizeof **list)) return false;
  (*list)[(*n)++] = v;
  return true;
}

/* Is pair k's slot within ARM_VFP_REACH bytes of fp? */
static bool pair_near(const ra_frame *f, uint32_t k) {
  return (int64_t)f->base + 8 * (int64_t)k + 8 <= ARM_VFP_REACH;
}

/* Pair k just became wholly free (or appeared). */
static bool push_pair(ra_frame *f, uint32_t k) {
  if (pair_near(f, k)) return push(f, &f->free8, &f->nfree8, &f->cap8, k);
  return push(f, &f->far8, &f->nfar8, &f->capfar8, k);
}

static bool word_free(const ra_frame *f, uint32_t w) {
  return w < f->nwords && f->used[w] == W_FREE;
}

/* Word w just became free (or appeared): file it under the right list. */
static bool file_free_word(ra_frame *f, uint32_t w) {
  if (word_free(f, w ^ 1u)) return push_pair(f, w >> 1);
  return push(f, &f->free4, &f->nfree4, &f->cap4, w);
}

static armjit_status nomem(armjit_error *err) {
  return ajx_err(err, ARMJIT_E_NOMEM, "out of memory for the spill slot lists");
}

/* Extend the frame to `nwords` words (new ones free). */
static armjit_status grow(ra_frame *f, uint32_t nwords, armjit_error *err) {
  if (nwords <= f->nwords) return ARMJIT_OK;
  if ((int64_t)f->base + 4 * (int64_t)nwords > RA_FRAME_LIMIT)
    return ajx_err(err, ARMJIT_E_LIMIT, "the stack frame exceeds %d bytes", RA_FRAME_LIMIT);
  if (nwords > f->capwords &&
      !ajx_grow(f->ctx, (void **)&f->used, &f->capwords, nwords, sizeof *f->used))
    return nomem(err);
  uint32_t w = f->nwords;
  for (uint32_t i = w; i < nwords; i++) f->used[i] = W_FREE;
  f->nwords = nwords;
  while (w < nwords) {
    bool ok;
    if ((w & 1u) == 0 && w + 1 < nwords) { /* a whole new pair */
      ok = push_pair(f, w >> 1);
      w += 2;
    } else {
      ok = file_free_word(f, w);
      w += 1;
    }
    if (!ok) return nomem(err);
  }
  return ARMJIT_OK;
}

armjit_status ra_frame_init(ra_frame *f, armjit_ctx *ctx, int32_t fixed_bytes,
                            armjit_error *err) {
  *f = (ra_frame){0};
  f->ctx = ctx;
  if (fixed_bytes < 0 || fixed_bytes > RA_FRAME_LIMIT)
    return ajx_err(err, ARMJIT_E_ARG, "bad fixed frame size %d", (int)fixed_bytes);
  f->base = (fixed_bytes + 7) & ~7;
  return ARMJIT_OK;
}

void ra_frame_fini(ra_frame *f) {
  ajx_free(f->ctx, f->used);
  ajx_free(f->ctx, f->free4);
  ajx_free(f->ctx, f->free8);
  ajx_free(f->ctx, f->far8);
  f->used = NULL;
  f->free4 = f->free8 = f->far8 = NULL;
  f->nwords = f->capwords = f->nfree4 = f->cap4 = f->nfree8 = f->cap8 = 0;
  f->nfar8 = f->capfar8 = 0;
}

static bool pop_from(ra_frame *f, uint32_t *list, uint32_t *n, uint32_t *k) {
  while (*n) {
    uint32_t c = list[--*n];
    if (word_free(f, 2 * c) && word_free(f, 2 * c + 1)) {
      *k = c;
      return true;
    }
  }
  return false;
}

/* A whole free pair: for a FLOAT (`dbl`) a near one first, then a far
 * one; for a word a far one, and a near one only while the whole frame
 * is near or when a word the frame grew by would be beyond LDR/STR's
 * reach (otherwise the frame grows rather than split a pair a FLOAT
 * could have). */
static bool pop_pair(ra_frame *f, bool dbl, uint32_t *k) {
  if (dbl) return pop_from(f, f->free8, &f->nfree8, k) || pop_from(f, f->far8, &f->nfar8, k);
  return pop_from(f, f->far8, &f->nfar8, k) ||
         ((ra_frame_size(f) <= ARM_VFP_REACH ||
           ra_frame_size(f) + 4 > ARM_WORD_REACH) &&
          pop_from(f, f->free8, &f->nfree8, k));
}

static bool pop_word(ra_frame *f, uint32_t *w) {
  while (f->nfree4) {
    uint32_t c = f->free4[--f->nfree4];
    if (word_free(f, c) && !word_free(f, c ^ 1u)) { /* else it is in a free pair */
      *w = c;
      return true;
    }
  }
  return false;
}

armjit_status ra_frame_alloc(ra_frame *f, int type, int32_t *off, armjit_error *err) {
  armjit_status st;
  *off = 0;
  if (type == ARMJIT_FLOAT) {
    uint32_t k;
    while (!pop_pair(f, true, &k)) {
      /* round up to whole pairs (a free last word joins the new one),
       * then add a pair if that did not free one */
      uint32_t even = (f->nwords + 1) & ~1u;
      if ((st = grow(f, even > f->nwords ? even : f->nwords + 2, err)) != ARMJIT_OK) return st;
    }
    f->used[2 * k] = f->used[2 * k + 1] = W_FLOAT;
    *off = word_off(f, 2 * k + 1);
    return ARMJIT_OK;
  }
  if (type != ARMJIT_INT && type != ARMJIT_REF)
    return ajx_err(err, ARMJIT_E_ARG, "no stack slot for type %d", type);
  uint32_t w, k;
  for (;;) {
    if (pop_word(f, &w)) break;
    if (pop_pair(f, false, &k)) { /* split: the other half stays free */
      w = 2 * k;
      if (!push(f, &f->free4, &f->nfree4, &f->cap4, w + 1)) return nomem(err);
      break;
    }
    if ((st = grow(f, f->nwords + 1, err)) != ARMJIT_OK) return st;
  }
  f->used[w] = W_INT;
  *off = word_off(f, w);
  return ARMJIT_OK;
}

/* Word index of an fp offset, or false if it is not a word of the frame
 * area (below base, 4-aligned). */
static bool off_word(const ra_frame *f, int32_t off, uint32_t *w) {
  int64_t d = -(int64_t)off - f->base; /* bytes from base to the slot's end */
  if (off % 4 != 0 || d < 4) return false;
  *w = (uint32_t)(d / 4 - 1);
  return true;
}

armjit_status ra_frame_release(ra_frame *f, int32_t off, int type, armjit_error *err) {
  uint32_t w;
  bool dbl = type == ARMJIT_FLOAT;
  if (type != ARMJIT_INT && type != ARMJIT_REF && !dbl)
    return ajx_err(err, ARMJIT_E_ARG, "no stack slot for type %d", type);
  if (!off_word(f, off, &w) || w >= f->nwords || (dbl && (w & 1u) == 0) ||
      (f->used[w] & ~W_KEEP) != (dbl ? W_FLOAT : W_INT))
    return ajx_err(err, ARMJIT_E_ARG, "release of fp%d: not a %s slot in use", (int)off,
                   dbl ? "float" : "word");
  uint32_t lo = dbl ? w - 1 : w;
  for (uint32_t v = lo; v <= w; v++) f->used[v] &= W_KEEP; /* free, or kept */
  if (dbl && word_free(f, lo) && word_free(f, w))
    return push_pair(f, w >> 1) ? ARMJIT_OK : nomem(err);
  for (uint32_t v = lo; v <= w; v++)
    if (word_free(f, v) && !file_free_word(f, v)) return nomem(err);
  return ARMJIT_OK;
}

armjit_status ra_frame_keep(ra_frame *f, int32_t off, armjit_error *err) {
  uint32_t w;
  if (!off_word(f, off, &w))
    return ajx_err(err, ARMJIT_E_ARG, "fp%d is not a word slot position", (int)off);
  armjit_status st = grow(f, w + 1, err);
  if (st != ARMJIT_OK) return st;
  f->used[w] |= W_KEEP; /* stale list entries for it fail validation */
  /* a free buddy lost its pair: it now belongs on free4 */
  if (word_free(f, w ^ 1u) && !push(f, &f->free4, &f->nfree4, &f->cap4, w ^ 1u))
    return nomem(err);
  return ARMJIT_OK;
}

armjit_status ra_frame_reserve(ra_frame *f, int32_t off, int type, armjit_error *err) {
  uint32_t w;
  bool dbl = type == ARMJIT_FLOAT;
  if (type != ARMJIT_INT && type != ARMJIT_REF && !dbl)
    return ajx_err(err, ARMJIT_E_ARG, "no stack slot for type %d", type);
  if (!off_word(f, off, &w) || (dbl && (w & 1u) == 0))
    return ajx_err(err, ARMJIT_E_ARG, "fp%d is not a %s slot position", (int)off,
                   dbl ? "float" : "word");
  armjit_status st = grow(f, w + 1, err);
  if (st != ARMJIT_OK) return st;
  if (!word_free(f, w) || (dbl && !word_free(f, w - 1)))
    return ajx_err(err, ARMJIT_E_ARG, "slot fp%d is already in use", (int)off);
  if (dbl) {
    f->used[w] = f->used[w - 1] = W_FLOAT;
    return ARMJIT_OK;
  }
  f->used[w] = W_INT;
  /* a free buddy lost its pair: it now belongs on free4 */
  if (word_free(f, w ^ 1u) && !push(f, &f->free4, &f->nfree4, &f->cap4, w ^ 1u))
    return nomem(err);
  return ARMJIT_OK;
}

int32_t ra_frame_size(const ra_frame *f) {
  return (f->base + 4 * (int32_t)f->nwords + 7) & ~7;
}
