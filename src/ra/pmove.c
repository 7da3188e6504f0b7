/* SPDX-License-Identifier: MIT */
/* Parallel move resolver (see pmove.h for the contract).
 *
 * The classic algorithm on the "reads" graph: move i depends on the move
 * def[i] that overwrites i's src; i must run before def[i].  A move whose
 * dst nobody still needs to read (readers == 0) is ready; emitting it frees
 * its src's writer.  When nothing is ready the pending moves form disjoint
 * simple cycles (each dst has one writer, each pending move one pending
 * reader); one cycle at a time is broken by saving one src in a scratch
 * register and letting its move read the scratch instead.
 *
 * Working memory lives in the tail of the caller's output array (the caller
 * allocates through its context), accessed bytewise so any declared type
 * of that array stays valid. */
#include "ra/pmove.h"

#include <stdlib.h>
#include <string.h>

/* def[] markers besides move indices */
enum { DEF_NONE = -1, DEF_SCRATCH = -2, DEF_DROPPED = -3, DEF_CONST = -4 };

/* ---- working memory: int32 words in the tail of out ---------------------- */
static int32_t wget(const unsigned char *w, size_t i) {
  int32_t v;
  memcpy(&v, w + 4 * i, 4);
  return v;
}
static void wset(unsigned char *w, size_t i, int32_t v) { memcpy(w + 4 * i, &v, 4); }

/* Stack dsts sorted by offset: records (offset, move index), 8 bytes. */
static int cmp_rec(const void *a, const void *b) {
  int32_t ra[2], rb[2];
  memcpy(ra, a, 8);
  memcpy(rb, b, 8);
  if (ra[0] != rb[0]) return ra[0] < rb[0] ? -1 : 1;
  return (ra[1] > rb[1]) - (ra[1] < rb[1]);
}

/* ---- output with a small cache of what ip and d15 hold -------------------- */
typedef struct {
  ra_move *out;
  unsigned nout, lim;
  bool overflow;
  bool d15_busy;      /* d15 holds a float cycle's saved value */
  ra_loc ip_val;      /* ip equals this location's current value (or NONE) */
  ra_loc d15_val;
} emitter;

static ra_loc ip_loc(int type) { return ra_reg(ARM_SCRATCH1, type); }
static ra_loc d15_loc(void) { return ra_vreg(ARM_DSCRATCH); }
static bool is_reg(ra_loc l, int kind, int n) { return l.kind == kind && l.n == n; }

static void put(emitter *e, ra_loc dst, ra_loc src) {
  if (e->nout >= e->lim) {
    e->overflow = true;
    return;
  }
  e->out[e->nout].dst = dst;
  e->out[e->nout].src = src;
  e->nout++;
  if (is_reg(dst, LOC_REG, ARM_SCRATCH1)) {
    e->ip_val = src;
  } else if (is_reg(dst, LOC_VREG, ARM_DSCRATCH)) {
    e->d15_val = src;
  } else {
    if (ra_loc_eq(e->ip_val, dst)) e->ip_val = ra_none();
    if (ra_loc_eq(e->d15_val, dst)) e->d15_val = ra_none();
  }
}

/* scratch <- src, skipped when the scratch already holds it */
static void load(emitter *e, ra_loc scratch, ra_loc src) {
  ra_loc have = scratch.kind == LOC_REG ? e->ip_val : e->d15_val;
  if (ra_loc_same(have, src) && have.kind != LOC_NONE) return;
  put(e, scratch, src);
}

/* One move of the parallel set, expanded into primitive forms. */
static void emit_move(emitter *e, ra_loc d, ra_loc s) {
  bool via_scratch = d.kind == LOC_STACK && (s.kind == LOC_STACK || s.kind == LOC_CONST);
  if (!via_scratch) {
    put(e, d, s);
  } else if (!ra_type_is_float(d.type)) {
    load(e, ip_loc(s.type), s);
    put(e, d, ip_loc(s.type));
  } else if (!e->d15_busy) {
    load(e, d15_loc(), s);
    put(e, d, d15_loc());
  } else {
    /* d15 is taken by a cycle: copy the two words through ip (constants
     * never get here, they are loaded after all cycles) */
    for (int32_t h = 0; h <= 4; h += 4) {
      load(e, ip_loc(ARMJIT_INT), ra_stack(s.n + h, ARMJIT_INT));
      put(e, ra_stack(d.n + h, ARMJIT_INT), ip_loc(ARMJIT_INT));
    }
  }
}

/* ---- validation ------------------------------------------------------------ */
static const char *check_loc(ra_loc l, bool is_dst) {
  if (l.type != ARMJIT_INT && l.type != ARMJIT_REF && l.type != ARMJIT_FLOAT)
    return "bad value type";
  bool f = ra_type_is_float(l.type);
  switch (l.kind) {
  case LOC_REG:
    if (f) return "float value in a core register";
    if (l.n < 0 || l.n > 15) return "bad core register number";
    if (l.n == ARM_SCRATCH1 || l.n == ARM_SCRATCH2) return "scratch register ip/lr used";
    if (l.n == A32_SP || l.n == A32_PC) return "sp/pc used";
    if (is_dst && l.n == ARM_FP) return "fp as dst";
    return NULL;
  case LOC_VREG:
    if (!f) return "int value in a VFP register";
    if (l.n < 0 || l.n > 31) return "bad VFP register number";
    if (l.n == ARM_DSCRATCH) return "scratch register d15 used";
    return NULL;
  case LOC_STACK:
    if (l.n % 4 != 0) return "stack offset not a multiple of 4";
    if (l.n > INT32_MAX - 8) return "stack offset out of range";
    return NULL;
  case LOC_CONST:
    if (is_dst) return "constant as dst";
    if (l.n < 0) return "bad constant index";
    return NULL;
  default:
    return "bad location kind";
  }
}

typedef struct {
  const char *why;
  int bad;
} failure;

static bool fail(failure *f, const char *why, int bad) {
  f->why = why;
  f->bad = bad;
  return false;
}

/* Fill def[] (words [2n, 3n)) for every move; sorted stack dsts occupy
 * words [0, 2n) meanwhile. */
static bool build_defs(const ra_move *m, unsigned n, unsigned char *w, failure *f) {
  int32_t reg_def[16], vreg_def[32];
  for (unsigned r = 0; r < 16; r++) reg_def[r] = DEF_NONE;
  for (unsigned r = 0; r < 32; r++) vreg_def[r] = DEF_NONE;
  size_t DEF = 2 * (size_t)n;
  unsigned nst = 0;

  for (unsigned i = 0; i < n; i++) {
    const char *why = check_loc(m[i].dst, true);
    if (!why) why = check_loc(m[i].src, false);
    if (!why && ra_type_is_float(m[i].dst.type) != ra_type_is_float(m[i].src.type))
      why = "src and dst of different register banks";
    if (why) return fail(f, why, (int)i);
    ra_loc d = m[i].dst;
    int32_t *slot = d.kind == LOC_REG ? &reg_def[d.n] : d.kind == LOC_VREG ? &vreg_def[d.n] : NULL;
    if (slot) {
      if (*slot != DEF_NONE) return fail(f, "duplicate dst", (int)i);
      *slot = (int32_t)i;
    } else {
      wset(w, 2 * (size_t)nst, d.n);
      wset(w, 2 * (size_t)nst + 1, (int32_t)i);
      nst++;
    }
  }
  qsort(w, nst, 8, cmp_rec);
  for (unsigned k = 1; k < nst; k++) {
    int32_t p = wget(w, 2 * (size_t)k - 1), c = wget(w, 2 * (size_t)k + 1);
    if (ra_loc_eq(m[p].dst, m[c].dst))
      return fail(f, ra_loc_same(m[p].dst, m[c].dst) ? "duplicate dst"
                                                    : "overlapping stack slots", c);
  }

  for (unsigned i = 0; i < n; i++) {
    ra_loc s = m[i].src;
    int32_t d = DEF_NONE;
    if (m[i].src.kind == LOC_CONST) {
      wset(w, DEF + i, DEF_CONST);
      continue;
    }
    if (ra_loc_same(s, m[i].dst)) {
      wset(w, DEF + i, DEF_DROPPED);
      continue;
    }
    if (s.kind == LOC_REG) {
      d = reg_def[s.n];
    } else if (s.kind == LOC_VREG) {
      d = vreg_def[s.n];
    } else {
      /* the last dst slot starting below the src's end is the only one
       * that can intersect it (dst slots are disjoint) */
      int64_t end = (int64_t)s.n + ra_type_size(s.type);
      unsigned lo = 0, hi = nst;
      while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if ((int64_t)wget(w, 2 * (size_t)mid) < end) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) {
        int32_t c = wget(w, 2 * (size_t)lo - 1);
        if (ra_loc_eq(m[c].dst, s)) {
          if (!ra_loc_same(m[c].dst, s)) return fail(f, "overlapping stack slots", (int)i);
          d = c;
        }
      }
    }
    /* a constant load happens after everything, an identity never */
    if (d >= 0 && (m[d].src.kind == LOC_CONST || ra_loc_same(m[d].src, m[d].dst)))
      d = DEF_NONE;
    wset(w, DEF + i, d);
  }
  return true;
}

bool ra_pmove_resolve_ex(const ra_move *moves, unsigned n, ra_move *out,
                         unsigned *nout, unsigned cap_out, const char **why,
                         int *bad) {
  failure f = {NULL, -1};
  bool ok = false;
  *nout = 0;
  if (n == 0) {
    ok = true;
    goto done;
  }
  if (n > RA_PMOVE_MAX_N) {
    fail(&f, "too many moves", -1);
    goto done;
  }
  if (cap_out < RA_PMOVE_CAP(n)) {
    fail(&f, "output capacity below RA_PMOVE_CAP(n)", -1);
    goto done;
  }
  unsigned char *w = (unsigned char *)(out + (cap_out - n));
  if (!build_defs(moves, n, w, &f)) goto done;

  /* words: [0, n) worklist, [n, 2n) readers (-1 = emitted), [2n, 3n) def */
  size_t WL = 0, RD = n, DEF = 2 * (size_t)n;
  for (unsigned i = 0; i < n; i++) wset(w, RD + i, 0);
  for (unsigned i = 0; i < n; i++) {
    int32_t d = wget(w, DEF + i);
    if (d >= 0) wset(w, RD + (size_t)d, wget(w, RD + (size_t)d) + 1);
  }
  unsigned top = 0;
  for (unsigned i = 0; i < n; i++) {
    int32_t d = wget(w, DEF + i);
    if (d == DEF_DROPPED || d == DEF_CONST) wset(w, RD + i, -1);
    else if (wget(w, RD + i) == 0) wset(w, WL + top++, (int32_t)i);
  }

  emitter e = {out, 0, cap_out - n, false, false, ra_none(), ra_none()};
  unsigned cursor = 0;
  for (;;) {
    while (top > 0) {
      int32_t j = wget(w, WL + --top);
      int32_t d = wget(w, DEF + (size_t)j);
      ra_loc src = moves[j].src;
      if (d == DEF_SCRATCH)
        src = ra_type_is_float(src.type) ? d15_loc() : ra_reg(ARM_SCRATCH2, src.type);
      emit_move(&e, moves[j].dst, src);
      wset(w, RD + (size_t)j, -1);
      if (d == DEF_SCRATCH && ra_type_is_float(src.type)) e.d15_busy = false;
      if (d >= 0) {
        int32_t r = wget(w, RD + (size_t)d) - 1;
        wset(w, RD + (size_t)d, r);
        if (r == 0) wset(w, WL + top++, d);
      }
    }
    while (cursor < n && wget(w, RD + cursor) < 0) cursor++;
    if (cursor == n) break;

    /* Only cycles are left.  Break this one where a stack->stack move is
     * (it then becomes a single store from the scratch). */
    int32_t brk = (int32_t)cursor, k = (int32_t)cursor;
    do {
      if (moves[k].dst.kind == LOC_STACK && moves[k].src.kind == LOC_STACK) {
        brk = k;
        break;
      }
      k = wget(w, DEF + (size_t)k);
    } while (k != (int32_t)cursor);
    ra_loc s = moves[brk].src;
    if (ra_type_is_float(s.type)) {
      put(&e, d15_loc(), s);
      e.d15_busy = true;
    } else {
      put(&e, ra_reg(ARM_SCRATCH2, s.type), s);
    }
    int32_t d = wget(w, DEF + (size_t)brk);
    wset(w, DEF + (size_t)brk, DEF_SCRATCH);
    wset(w, RD + (size_t)d, 0); /* brk was its only pending reader */
    wset(w, WL + top++, d);
  }

  /* Constants last: they read nothing anyone writes. */
  e.lim = cap_out;
  for (unsigned i = 0; i < n; i++)
    if (moves[i].src.kind == LOC_CONST) emit_move(&e, moves[i].dst, moves[i].src);
  if (e.overflow) {
    fail(&f, "output capacity exceeded (internal)", -1);
    goto done;
  }
  *nout = e.nout;
  ok = true;
done:
  if (why) *why = f.why;
  if (bad) *bad = f.bad;
  return ok;
}

bool ra_pmove_resolve(const ra_move *moves, unsigned n, ra_move *out,
                      unsigned *nout, unsigned cap_out) {
  return ra_pmove_resolve_ex(moves, n, out, nout, cap_out, NULL, NULL);
}
