/* SPDX-License-Identifier: MIT */
/* Parallel move resolver (see pmove.h for the contract).
 *
 * First the input is checked and *split* so that any two locations of the
 * graph are either the same storage or disjoint: an I64 move becomes its
 * two word moves, and when the set has an I64 or F32 move every FLOAT
 * move (outside d16-d31) becomes its two s-register halves.  Then the
 * classic algorithm runs on the "reads" graph: move i depends on the move
 * def[i] that overwrites i's src; i must run before def[i].  A move whose
 * dst nobody still needs to read (readers == 0) is ready; emitting it frees
 * its src's writer.  When nothing is ready the pending moves form disjoint
 * simple cycles (each dst has one writer, each pending move one pending
 * reader); one cycle at a time is broken by saving one src in a scratch
 * register (lr, d15 or s30 by the cycle's storage class: all its moves
 * have the same one) and letting its move read the scratch instead.
 *
 * Memory: out[0, 8n) receives the output; out[8n, 10n) holds the split
 * moves; out[10n, 12n) is working memory of int32 words, accessed bytewise
 * so any declared type of that array stays valid. */
#include "ra/pmove.h"

#include <stdlib.h>
#include <string.h>

/* def[] markers besides move indices */
enum { DEF_NONE = -1, DEF_SCRATCH = -2, DEF_DROPPED = -3, DEF_CONST = -4 };

/* Storage classes: what a location of the type occupies. */
enum { CLS_WORD, CLS_I64, CLS_F64, CLS_F32, CLS_BAD };

static int cls_of(int type) {
  switch (type) {
  case ARMJIT_INT: case ARMJIT_REF: return CLS_WORD;
  case ARM_TY_I64: return CLS_I64;
  case ARMJIT_FLOAT: return CLS_F64;
  case ARM_TY_F32: return CLS_F32;
  default: return CLS_BAD;
  }
}

/* ---- working memory: int32 words ----------------------------------------- */
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
  bool vfp_busy;      /* d15 (or its half s30) holds a cycle's saved value */
  ra_loc ip_val;      /* ip equals this location's current value (or NONE) */
  ra_loc d15_val;
} emitter;

static ra_loc ip_loc(int type) { return ra_reg(ARM_SCRATCH1, type); }
static ra_loc d15_loc(void) { return ra_vreg(ARM_DSCRATCH); }
static ra_loc s30_loc(void) { return ra_sreg(ARM_SSCRATCH); }
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
  } else if (ra_loc_same(dst, d15_loc())) {
    e->d15_val = src;
  } else {
    if (ra_loc_eq(e->ip_val, dst)) e->ip_val = ra_none();
    if (ra_loc_eq(e->d15_val, dst) || ra_loc_eq(d15_loc(), dst)) e->d15_val = ra_none();
  }
}

/* scratch <- src, skipped when the scratch already holds it (ip and d15
 * remember what they hold; s30 does not) */
static void load(emitter *e, ra_loc scratch, ra_loc src) {
  if (scratch.kind == LOC_REG || scratch.type == ARMJIT_FLOAT) {
    ra_loc have = scratch.kind == LOC_REG ? e->ip_val : e->d15_val;
    if (ra_loc_same(have, src) && have.kind != LOC_NONE) return;
  }
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
  } else if (!e->vfp_busy) {
    ra_loc t = d.type == ARMJIT_FLOAT ? d15_loc() : s30_loc();
    load(e, t, s);
    put(e, d, t);
  } else {
    /* d15 is taken by a cycle: copy the words through ip (constants
     * never get here, they are loaded after all cycles) */
    for (int32_t h = 0; h < ra_type_size(d.type); h += 4) {
      load(e, ip_loc(ARMJIT_INT), ra_stack(s.n + h, ARMJIT_INT));
      put(e, ra_stack(d.n + h, ARMJIT_INT), ip_loc(ARMJIT_INT));
    }
  }
}

/* ---- validation ------------------------------------------------------------ */
static bool reserved_core(int r) {
  return r == ARM_SCRATCH1 || r == ARM_SCRATCH2 || r == A32_SP || r == A32_PC;
}

static const char *check_loc(ra_loc l, bool is_dst) {
  int cls = cls_of(l.type);
  if (cls == CLS_BAD) return "bad value type";
  switch (l.kind) {
  case LOC_REG: {
    if (cls == CLS_F64 || cls == CLS_F32) return "float value in a core register";
    int last = l.n + (cls == CLS_I64 ? 1 : 0);
    if (l.n < 0 || last > 15) return "bad core register number";
    for (int r = l.n; r <= last; r++) {
      if (r == ARM_SCRATCH1 || r == ARM_SCRATCH2) return "scratch register ip/lr used";
      if (reserved_core(r)) return "sp/pc used";
      if (is_dst && r == ARM_FP) return "fp as dst";
    }
    return NULL;
  }
  case LOC_VREG:
    if (cls != CLS_F64 && cls != CLS_F32) return "int value in a VFP register";
    if (l.n < 0 || l.n > 31) return "bad VFP register number";
    if (cls == CLS_F64 && l.n == ARM_DSCRATCH) return "scratch register d15 used";
    if (cls == CLS_F32 && l.n / 2 == ARM_DSCRATCH) return "scratch register s30/s31 used";
    return NULL;
  case LOC_STACK:
    if (l.n % 4 != 0) return "stack offset not a multiple of 4";
    if (l.n > INT32_MAX - 8 || l.n < INT32_MIN + 8) return "stack offset out of range";
    return NULL;
  case LOC_CONST:
    if (is_dst) return "constant as dst";
    if (l.n < 0) return "bad constant index";
    if (l.part != RA_PART_ALL) return "constant part in the input";
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

/* ---- splitting --------------------------------------------------------------- */
/* Half h (0 low, 1 high) of an 8-byte location, as a `type` word. */
static ra_loc half(ra_loc l, int h, int type) {
  switch (l.kind) {
  case LOC_REG: return ra_reg(l.n + h, type);
  case LOC_VREG: return ra_sreg(2 * l.n + h);
  case LOC_STACK: return ra_stack(l.n + 4 * h, type);
  default: return ra_const_part(l.n, type, h ? RA_PART_HI : RA_PART_LO);
  }
}

static bool splittable_f64(ra_loc l) { return l.kind != LOC_VREG || l.n < 16; }

/* Validate moves[0, n) and write the split set to x; org[i] (word index
 * in w) is the input move x[i] came from.  *nx receives its size. */
static bool split_moves(const ra_move *m, unsigned n, ra_move *x, unsigned *nx,
                        unsigned char *w, size_t org, failure *f) {
  bool narrow = false;  /* any I64 or F32 move: FLOAT moves go as halves */
  for (unsigned i = 0; i < n; i++) {
    const char *why = check_loc(m[i].dst, true);
    if (!why) why = check_loc(m[i].src, false);
    int cd = cls_of(m[i].dst.type), cs = cls_of(m[i].src.type);
    if (!why && cd != cs) why = "src and dst of different storage classes";
    if (why) return fail(f, why, (int)i);
    if (cd == CLS_I64 || cd == CLS_F32) narrow = true;
  }
  unsigned k = 0;
  for (unsigned i = 0; i < n; i++) {
    ra_loc d = m[i].dst, s = m[i].src;
    int cls = cls_of(d.type);
    bool split = cls == CLS_I64 ||
                 (cls == CLS_F64 && narrow && splittable_f64(d) && splittable_f64(s));
    /* a whole d0-d15 next to singles would hide its halves' writers */
    if (cls == CLS_F64 && narrow && !split &&
        ((d.kind == LOC_VREG && d.n < 16) || (s.kind == LOC_VREG && s.n < 16)))
      return fail(f, "double moved between d16-d31 and d0-d15 in a set with i64/f32 moves",
                  (int)i);
    if (!split) {
      x[k].dst = d;
      x[k].src = s;
      wset(w, org + k++, (int32_t)i);
      continue;
    }
    int wt = cls == CLS_I64 ? ARMJIT_INT : ARM_TY_F32;
    for (int h = 0; h < 2; h++) {
      x[k].dst = half(d, h, wt);
      x[k].src = half(s, h, wt);
      wset(w, org + k++, (int32_t)i);
    }
  }
  *nx = k;
  return true;
}

/* ---- the reads graph ------------------------------------------------------------ */
/* Fill def[] (words [2n, 3n)) for every move; sorted stack dsts occupy
 * words [0, 2n) meanwhile.  Failures name split-move indices. */
static bool build_defs(const ra_move *m, unsigned n, unsigned char *w, failure *f) {
  int32_t reg_def[16], vreg_def[32], sreg_def[32];
  uint32_t core_units = 0;
  uint64_t vfp_units = 0;
  for (unsigned r = 0; r < 16; r++) reg_def[r] = DEF_NONE;
  for (unsigned r = 0; r < 32; r++) vreg_def[r] = sreg_def[r] = DEF_NONE;
  size_t DEF = 2 * (size_t)n;
  unsigned nst = 0;

  for (unsigned i = 0; i < n; i++) {
    ra_loc d = m[i].dst;
    if (d.kind == LOC_STACK) {
      wset(w, 2 * (size_t)nst, d.n);
      wset(w, 2 * (size_t)nst + 1, (int32_t)i);
      nst++;
      continue;
    }
    int32_t lo, hi;
    ra_loc_units(d, &lo, &hi);
    uint64_t mask = ((UINT64_C(1) << (hi - lo)) - 1) << lo;
    if (d.kind == LOC_REG) {
      if (core_units & mask) return fail(f, "duplicate dst", (int)i);
      core_units |= (uint32_t)mask;
      reg_def[d.n] = (int32_t)i;
    } else {
      if (vfp_units & mask) return fail(f, "duplicate dst", (int)i);
      vfp_units |= mask;
      if (d.type == ARMJIT_FLOAT) vreg_def[d.n] = (int32_t)i;
      else sreg_def[d.n] = (int32_t)i;
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
      /* after the split no d register overlaps an s register of the graph
       * except through constant loads, which come last anyway */
      d = s.type == ARMJIT_FLOAT ? vreg_def[s.n] : sreg_def[s.n];
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

/* The scratch that holds a broken cycle's value, by its storage class. */
static ra_loc cycle_scratch(ra_loc s) {
  if (s.type == ARMJIT_FLOAT) return d15_loc();
  if (s.type == ARM_TY_F32) return s30_loc();
  return ra_reg(ARM_SCRATCH2, s.type);
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
  ra_move *x = out + 8 * (size_t)n;
  unsigned char *w = (unsigned char *)(out + 10 * (size_t)n);
  /* words: [0, n') worklist, [n', 2n') readers (-1 = emitted), [2n', 3n')
   * def, [6n, 8n) the input move of each split move */
  size_t ORG = 6 * (size_t)n;
  unsigned nx = 0;
  if (!split_moves(moves, n, x, &nx, w, ORG, &f)) goto done;
  if (!build_defs(x, nx, w, &f)) {
    if (f.bad >= 0) f.bad = wget(w, ORG + (size_t)f.bad);
    goto done;
  }

  size_t WL = 0, RD = nx, DEF = 2 * (size_t)nx;
  for (unsigned i = 0; i < nx; i++) wset(w, RD + i, 0);
  for (unsigned i = 0; i < nx; i++) {
    int32_t d = wget(w, DEF + i);
    if (d >= 0) wset(w, RD + (size_t)d, wget(w, RD + (size_t)d) + 1);
  }
  unsigned top = 0;
  for (unsigned i = 0; i < nx; i++) {
    int32_t d = wget(w, DEF + i);
    if (d == DEF_DROPPED || d == DEF_CONST) wset(w, RD + i, -1);
    else if (wget(w, RD + i) == 0) wset(w, WL + top++, (int32_t)i);
  }

  emitter e = {out, 0, 8 * n, false, false, ra_none(), ra_none()};
  unsigned cursor = 0;
  for (;;) {
    while (top > 0) {
      int32_t j = wget(w, WL + --top);
      int32_t d = wget(w, DEF + (size_t)j);
      ra_loc src = x[j].src;
      if (d == DEF_SCRATCH) src = cycle_scratch(src);
      emit_move(&e, x[j].dst, src);
      wset(w, RD + (size_t)j, -1);
      if (d == DEF_SCRATCH && src.kind == LOC_VREG) e.vfp_busy = false;
      if (d >= 0) {
        int32_t r = wget(w, RD + (size_t)d) - 1;
        wset(w, RD + (size_t)d, r);
        if (r == 0) wset(w, WL + top++, d);
      }
    }
    while (cursor < nx && wget(w, RD + cursor) < 0) cursor++;
    if (cursor == nx) break;

    /* Only cycles are left.  Break this one where a stack->stack move is
     * (it then becomes a single store from the scratch). */
    int32_t brk = (int32_t)cursor, k = (int32_t)cursor;
    do {
      if (x[k].dst.kind == LOC_STACK && x[k].src.kind == LOC_STACK) {
        brk = k;
        break;
      }
      k = wget(w, DEF + (size_t)k);
    } while (k != (int32_t)cursor);
    ra_loc s = x[brk].src, t = cycle_scratch(s);
    put(&e, t, s);
    if (t.kind == LOC_VREG) e.vfp_busy = true;
    int32_t d = wget(w, DEF + (size_t)brk);
    wset(w, DEF + (size_t)brk, DEF_SCRATCH);
    wset(w, RD + (size_t)d, 0); /* brk was its only pending reader */
    wset(w, WL + top++, d);
  }

  /* Constants last: they read nothing anyone writes. */
  for (unsigned i = 0; i < nx; i++)
    if (x[i].src.kind == LOC_CONST) emit_move(&e, x[i].dst, x[i].src);
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
