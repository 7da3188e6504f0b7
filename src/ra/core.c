/* SPDX-License-Identifier: MIT */
/* Register allocator core (see core.h): banks of units, requests, victim
 * choice, spill slots, constant cache. */
#include "ra/core.h"

#include <stdio.h>
#include <string.h>

/* ---- types and register numbering ---------------------------------------- */
/* What a storage type takes: its bank, the units one register covers,
 * where register r starts (unit r << shift) and its registers as masks of
 * the type's numbering: r0..r10 (pairs: low r0..r9), d0..d14, s0..s29. */
typedef struct {
  uint8_t vfp, width, shift, nregs;
  uint32_t all;   /* every register of the numbering */
  uint32_t dflt;  /* those a request saying 0 allows: pairs start even */
} shape;

static const shape shapes[4] = {
    {0, 1, 0, ARM_NCORE, ARM_RANGE(0, ARM_NCORE - 1), ARM_RANGE(0, ARM_NCORE - 1)},
    {1, 2, 1, ARM_NVFP, ARM_RANGE(0, ARM_NVFP - 1), ARM_RANGE(0, ARM_NVFP - 1)},
    {0, 2, 0, ARM_NCORE - 1, ARM_RANGE(0, ARM_NCORE - 2),
     ARM_RANGE(0, ARM_NCORE - 2) & 0x55555555u},
    {1, 1, 0, ARM_NSINGLE, ARM_RANGE(0, ARM_NSINGLE - 1), ARM_RANGE(0, ARM_NSINGLE - 1)},
};

/* INT and REF words, FLOAT d registers, I64 pairs, F32 s registers. */
static const shape *shape_of(int type) {
  return &shapes[type == ARMJIT_FLOAT ? 1 : type == ARM_TY_I64 ? 2 : type == ARM_TY_F32 ? 3 : 0];
}
static bool is_vfp(int type) { return ra_type_is_float(type); }
static int width(int type) { return type == ARMJIT_FLOAT || type == ARM_TY_I64 ? 2 : 1; }
static int nregs(int type) { return shape_of(type)->nregs; }
static int unit_of(int type, int r) { return type == ARMJIT_FLOAT ? 2 * r : r; }
static uint32_t range_mask(int type, int r) {
  return ((1u << width(type)) - 1u) << unit_of(type, r);
}
static uint32_t shape_mask(const shape *s, int r) {
  return ((1u << s->width) - 1u) << (r << s->shift);
}
static uint32_t allow_of(const shape *s, const ra_req *rq) {
  return rq->allow ? rq->allow & s->all : s->dflt;
}
static ra_loc reg_loc(int type, int r) { return ra_core_reg_loc(type, r); }
static int vtype(const ra_core *rc, uint32_t v) { return rc->val[v].type; }

void ra_core_fail(ra_core *rc, armjit_status st, const char *why) {
  if (rc->status != ARMJIT_OK) return;
  rc->status = st;
  snprintf(rc->why, sizeof rc->why, "%s", why);
}

/* ---- life cycle ---------------------------------------------------------------- */
armjit_status ra_core_init(ra_core *rc, armjit_ctx *ctx, uint32_t nvals, const uint8_t *types,
                           int32_t fixed_bytes, const ra_client *cl, armjit_error *err) {
  memset(rc, 0, sizeof *rc);
  rc->ctx = ctx;
  rc->cl = *cl;
  rc->random = (ctx->opts.flags & ARMJIT_RANDOM_RA) != 0;
  rc->nvals = nvals;
  armjit_status st = ra_frame_init(&rc->frame, ctx, fixed_bytes, err);
  if (st != ARMJIT_OK) return st;
  uint32_t nv = nvals ? nvals : 1;
  rc->val = ajx_alloc(ctx, nv * sizeof *rc->val);
  if (!rc->val) {
    ra_core_fini(rc);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the register allocator");
  }
  for (uint32_t v = 0; v < nvals; v++) rc->val[v] = (struct ra_val){0, -1, types[v], 0};
  for (int b = 0; b < 2; b++)
    for (int u = 0; u < ARM_NSINGLE; u++) rc->unit[b][u] = (ra_unit){-1, 0, 0, 0};
  return ARMJIT_OK;
}

void ra_core_fini(ra_core *rc) {
  if (!rc->ctx) return;
  ajx_free(rc->ctx, rc->val);
  rc->val = NULL;
  ra_frame_fini(&rc->frame);
}

/* ---- slots ------------------------------------------------------------------------ */
static int slot_class(int type) { return ra_type_size(type) == 8 ? ARMJIT_FLOAT : ARMJIT_INT; }

static void slot_release(ra_core *rc, int32_t off, int type) {
  armjit_error e;
  if (ra_frame_release(&rc->frame, off, slot_class(type), &e) != ARMJIT_OK)
    ra_core_fail(rc, e.code, e.msg);
}

int32_t ra_core_new_slot(ra_core *rc, uint32_t v) {
  armjit_error e;
  int32_t off = 0;
  if (ra_frame_alloc(&rc->frame, slot_class(vtype(rc, v)), &off, &e) != ARMJIT_OK) {
    ra_core_fail(rc, e.code, e.msg);
    off = -8;  /* keep going; the result is discarded */
  }
  rc->val[v].slot = off;
  return off;
}

void ra_core_set_slot(ra_core *rc, uint32_t v, int32_t off) {
  armjit_error e;
  if (ra_frame_reserve(&rc->frame, off, slot_class(vtype(rc, v)), &e) != ARMJIT_OK)
    ra_core_fail(rc, e.code, e.msg);
  else rc->val[v].slot = off;
}

void ra_core_drop_slot(ra_core *rc, uint32_t v) {
  if (!rc->val[v].slot) return;
  if (!rc->val[v].pinned) slot_release(rc, rc->val[v].slot, vtype(rc, v));
  rc->val[v].slot = 0;
}

void ra_core_pin(ra_core *rc, uint32_t v) { rc->val[v].pinned = 1; }

int32_t ra_core_frame_bytes(const ra_core *rc) { return ra_frame_size(&rc->frame); }

/* ---- units ----------------------------------------------------------------------------- */
static bool units_free(const ra_core *rc, bool vfp, uint32_t m) { return !(rc->occ[vfp] & m); }

bool ra_core_is_free(const ra_core *rc, int type, int r) {
  bool vfp = is_vfp(type);
  if (r < 0 || r >= nregs(type)) return false;
  uint32_t m = range_mask(type, r);
  return units_free(rc, vfp, m) && !(rc->temp[vfp] & m);
}

/* Units the constant cached at unit u covers (0 when none is). */
static uint32_t cache_units(const ra_unit *x, int u) {
  return x->ctype ? ((1u << width(x->ctype - 1)) - 1u) << u : 0;
}

/* Drop every cached constant whose register overlaps the units in m.
 * (A constant's record sits at its register's first unit, which is in
 * `cached`: only those units are looked at.) */
static void drop_cache_slow(ra_core *rc, bool vfp, uint32_t m) {
  uint32_t left = 0;
  for (uint32_t c = rc->cached[vfp]; c; c &= c - 1) {
    int u = ra_lowest_bit(c);
    uint32_t cu = cache_units(&rc->unit[vfp][u], u);
    if (cu & m) rc->unit[vfp][u].ctype = 0;
    else left |= cu;
  }
  rc->cached[vfp] = left;
}

static inline void drop_cache(ra_core *rc, bool vfp, uint32_t m) {
  if (rc->cached[vfp] & m) drop_cache_slow(rc, vfp, m);
}

/* Constants are interchangeable when they fill the same storage with the
 * same bits: INT and REF words alike. */
static int cache_class(int type) { return type == ARMJIT_REF ? ARMJIT_INT : type; }

static void place(ra_core *rc, uint32_t v, int r) {
  const shape *s = shape_of(vtype(rc, v));
  bool vfp = s->vfp;
  int lo = r << s->shift;
  uint32_t m = shape_mask(s, r);
  rc->unit[vfp][lo].val = (int32_t)v;
  if (s->width == 2) rc->unit[vfp][lo + 1].val = (int32_t)v;
  rc->occ[vfp] |= m;
  drop_cache(rc, vfp, m);
  rc->val[v].reg = (int8_t)r;
}

static void unplace(ra_core *rc, uint32_t v) {
  const shape *s = shape_of(vtype(rc, v));
  bool vfp = s->vfp;
  int r = rc->val[v].reg, lo = r << s->shift;
  rc->unit[vfp][lo].val = -1;
  if (s->width == 2) rc->unit[vfp][lo + 1].val = -1;
  rc->occ[vfp] &= ~shape_mask(s, r);
  rc->val[v].reg = -1;
}

void ra_core_spill(ra_core *rc, uint32_t v) {
  int type = vtype(rc, v);
  if (rc->val[v].reg < 0) return;
  if (!rc->val[v].slot) {
    int32_t hinted = rc->cl.spill_slot ? rc->cl.spill_slot(rc->cl.policy_ud, v) : 0;
    if (hinted) {
      rc->val[v].pinned = 1;
      rc->val[v].slot = hinted;
    } else {
      ra_core_new_slot(rc, v);
    }
    rc->cl.move(rc->cl.move_ud, ra_stack(rc->val[v].slot, type), reg_loc(type, rc->val[v].reg));
  }
  uint32_t m = range_mask(type, rc->val[v].reg);
  unplace(rc, v);
  drop_cache(rc, is_vfp(type), m);
}

/* ---- choosing registers ------------------------------------------------------------------ */
/* Registers of the shape (its numbering) all of whose units are in the
 * unit mask f (all: `all` true) or any of whose units are (`all` false). */
static uint32_t regs_of_units(const shape *s, uint32_t f, bool all) {
  if (s->width == 1) return f;
  uint32_t p = all ? f & (f >> 1) : f | (f >> 1);
  if (!s->shift) return p; /* pairs rN:rN+1 */
  /* d<k> is units 2k, 2k+1: gather the even bits */
  p &= 0x55555555u;
  p = (p | (p >> 1)) & 0x33333333u;
  p = (p | (p >> 2)) & 0x0f0f0f0fu;
  p = (p | (p >> 4)) & 0x00ff00ffu;
  return (p | (p >> 8)) & 0x0000ffffu;
}

/* Registers preserved across calls, in the type's numbering. */
static uint32_t callee_regs(const shape *s) {
  if (!s->vfp) return ~(uint32_t)ARM_CORE_CALLER;
  return s->width == 2 ? ~(uint32_t)ARM_VFP_CALLER : ~ra_vfp_units_of_d(ARM_VFP_CALLER);
}

static int lowest(uint32_t m) { return ra_lowest_bit(m); }

/* ARMJIT_RANDOM_RA: a register of cand (not 0) drawn at random. */
static int random_of(ra_core *rc, uint32_t cand) {
  uint32_t k = ajx_rand(rc->ctx) % (uint32_t)__builtin_popcount(cand);
  while (k--) cand &= cand - 1;
  return lowest(cand);
}

static int pick_free(ra_core *rc, const shape *s, const ra_req *rq) {
  bool vfp = s->vfp;
  uint32_t busy = rc->occ[vfp] | rc->temp[vfp] | (rq->dead_ok ? 0u : rc->lock[vfp]);
  uint32_t cand = regs_of_units(s, ~busy, true) & allow_of(s, rq);
  if (!cand) return -1;
  if (rq->hint >= 0 && rq->hint < 32 && (cand >> rq->hint & 1u)) return rq->hint;
  if (rc->random) return random_of(rc, cand);
  /* the lowest register of the best tier: the preferred bank half first
   * (when it has one), then, within it, one not caching a constant */
  uint32_t p = cand;
  if (rq->prefer != RA_PREFER_ANY) {
    uint32_t half = cand & (rq->prefer == RA_PREFER_CALLEE ? callee_regs(s) : ~callee_regs(s));
    if (half) p = half;
  }
  if (rc->cached[vfp]) {
    uint32_t plain = p & ~regs_of_units(s, rc->cached[vfp], false);
    if (plain) p = plain;
  }
  return lowest(p);
}

int ra_core_pick_free(ra_core *rc, int type, const ra_req *rq) {
  return pick_free(rc, shape_of(type), rq);
}

/* Victim range: every occupant unlocked and not a temporary, free units
 * usable as in pick_free; ranked by the lowest victim_cost among its
 * occupants (evicting a pair or a d register over two values costs what
 * evicting the more needed one costs); ties go to the lowest register.
 * A value over both units of a register is asked for once. */
static int pick_victim(ra_core *rc, const shape *s, const ra_req *rq) {
  bool vfp = s->vfp;
  uint32_t lk = rc->lock[vfp], tp = rc->temp[vfp];
  /* occupied units must be unlocked; free ones usable as in pick_free */
  uint32_t occ_all = rc->occ[vfp];
  uint32_t bad = tp | (lk & occ_all) | (rq->dead_ok ? 0u : lk & ~occ_all);
  uint32_t cand = allow_of(s, rq) & regs_of_units(s, ~bad, true) &
                  regs_of_units(s, occ_all, false);
  if (!cand) return -1;
  if (rc->random) return random_of(rc, cand);
  const ra_unit *unit = rc->unit[vfp];
  int64_t (*cost)(void *, uint32_t) = rc->cl.victim_cost;
  void *ud = rc->cl.policy_ud;
  int best = -1;
  int64_t bs = INT64_MIN;
  if (s->width == 1) { /* one occupant each */
    for (; cand; cand &= cand - 1) {
      int r = lowest(cand);
      int64_t c = cost(ud, (uint32_t)unit[r].val);
      if (best < 0 || c > bs) { bs = c; best = r; }
    }
    return best;
  }
  for (; cand; cand &= cand - 1) {
    int r = lowest(cand), lo = r << s->shift;
    int32_t v = unit[lo].val, w = unit[lo + 1].val;
    int64_t c = INT64_MAX;
    if (v >= 0) c = cost(ud, (uint32_t)v);
    if (w >= 0 && w != v) {
      int64_t cw = cost(ud, (uint32_t)w);
      if (cw < c) c = cw;
    }
    if (best < 0 || c > bs) { bs = c; best = r; }
  }
  return best;
}

/* A register for a new occupant: free if possible, else evict; locked,
 * its cached constants dropped.  -1 when nothing qualifies (a failure
 * unless `may_fail`). */
static int obtain_or(ra_core *rc, const shape *s, const ra_req *rq, bool may_fail) {
  bool vfp = s->vfp;
  int r = pick_free(rc, s, rq);
  if (r < 0) {
    r = pick_victim(rc, s, rq);
    if (r < 0) {
      if (may_fail) return -1;
      ra_core_fail(rc, ARMJIT_E_LIMIT, "no register left to allocate (internal)");
      return 0;
    }
    /* (a value over both units of a d register goes at the first) */
    int lo = r << s->shift;
    for (int u = lo; u < lo + s->width; u++) {
      int32_t v = rc->unit[vfp][u].val;
      if (v >= 0) ra_core_spill(rc, (uint32_t)v);
    }
  }
  uint32_t m = shape_mask(s, r);
  drop_cache(rc, vfp, m);
  rc->lock[vfp] |= m;
  return r;
}

static int obtain(ra_core *rc, int type, const ra_req *rq) {
  return obtain_or(rc, shape_of(type), rq, false);
}

/* ---- per-value operations ------------------------------------------------------------------ */
/* ra_core_use when v is not in a register rq allows; `was_locked`: its
 * register (now locked) was locked before.  Kept out of line: the common
 * case, v already where it may be, is then a few instructions. */
__attribute__((noinline)) static int use_elsewhere(ra_core *rc, uint32_t v, const ra_req *rq, bool was_locked) {
  int type = vtype(rc, v);
  const shape *s = shape_of(type);
  bool vfp = s->vfp;
  int cur = rc->val[v].reg;
  if (cur >= 0) {
    uint32_t old = shape_mask(s, cur);
    /* not where the op needs it: move it to an allowed register that does
     * not overlap its own (a pair r1:r2 wanted in r2:r3 goes through its
     * slot instead) */
    ra_req q = *rq;
    q.dead_ok = false;
    int r = obtain_or(rc, s, &q, true);
    if (!was_locked) rc->lock[vfp] &= ~old;
    if (r >= 0) {
      rc->cl.move(rc->cl.move_ud, reg_loc(type, r), reg_loc(type, cur));
      unplace(rc, v);
      place(rc, v, r);
      return r;
    }
    ra_core_spill(rc, v);
  }
  if (!rc->val[v].slot) {
    ra_core_fail(rc, ARMJIT_E_INVALID, "value used before it has a location (internal)");
    return 0;
  }
  ra_req q = *rq;
  q.dead_ok = false;
  int r = obtain_or(rc, s, &q, false);
  place(rc, v, r);
  rc->cl.move(rc->cl.move_ud, reg_loc(type, r), ra_stack(rc->val[v].slot, type));
  return r;
}

int ra_core_use(ra_core *rc, uint32_t v, const ra_req *rq) {
  int cur = rc->val[v].reg;
  bool was_locked = false;
  if (cur >= 0) {
    const shape *s = shape_of(vtype(rc, v));
    uint32_t old = shape_mask(s, cur);
    was_locked = (rc->lock[s->vfp] & old) == old;
    rc->lock[s->vfp] |= old;
    if (allow_of(s, rq) >> cur & 1u) return cur;
  }
  return use_elsewhere(rc, v, rq, was_locked);
}

int ra_core_def(ra_core *rc, uint32_t v, const ra_req *rq) {
  int r = obtain(rc, vtype(rc, v), rq);
  place(rc, v, r);
  return r;
}

void ra_core_def_fixed(ra_core *rc, uint32_t v, int r) {
  int type = vtype(rc, v);
  bool vfp = is_vfp(type);
  uint32_t m = range_mask(type, r);
  for (uint32_t left = m & rc->occ[vfp]; left; left &= left - 1) {
    int32_t w = rc->unit[vfp][lowest(left)].val;
    if (w >= 0) ra_core_spill(rc, (uint32_t)w);
  }
  place(rc, v, r);
  rc->lock[vfp] |= m;
}

void ra_core_assign(ra_core *rc, uint32_t v, int r, bool reload) {
  int type = vtype(rc, v);
  place(rc, v, r);
  if (reload) rc->cl.move(rc->cl.move_ud, reg_loc(type, r), ra_stack(rc->val[v].slot, type));
}

void ra_core_move_to(ra_core *rc, uint32_t v, int r) {
  int type = vtype(rc, v);
  bool vfp = is_vfp(type);
  int cur = rc->val[v].reg;
  rc->cl.move(rc->cl.move_ud, reg_loc(type, r), reg_loc(type, cur));
  uint32_t m = range_mask(type, cur);
  unplace(rc, v);
  drop_cache(rc, vfp, m);
  place(rc, v, r);
}

int ra_core_temp(ra_core *rc, int type, const ra_req *rq) {
  int r = obtain(rc, type, rq);
  rc->temp[is_vfp(type)] |= range_mask(type, r);
  return r;
}

void ra_core_free(ra_core *rc, uint32_t v) {
  if (rc->val[v].reg >= 0) unplace(rc, v);
  ra_core_drop_slot(rc, v);
}


/* ---- constants -------------------------------------------------------------------------------- */
/* The lowest register whose record matches: only units in `cached` can
 * hold a record. */
int ra_core_const_reg(ra_core *rc, int type, uint64_t bits) {
  const shape *s = shape_of(type);
  bool vfp = s->vfp;
  /* the units a register of the type can start at */
  uint32_t starts = rc->cached[vfp] & (s->shift ? 0x55555555u : ~0u);
  for (; starts; starts &= starts - 1) {
    int u = lowest(starts), r = u >> s->shift;
    if (r >= s->nregs) break;
    uint32_t m = shape_mask(s, r);
    const ra_unit *x = &rc->unit[vfp][u];
    if (!x->ctype || cache_class(x->ctype - 1) != cache_class(type)) continue;
    if (x->cbits != bits || !units_free(rc, vfp, m) || (rc->temp[vfp] & m)) continue;
    rc->lock[vfp] |= m;
    return r;
  }
  return -1;
}

int ra_core_const_take(ra_core *rc, int type, const ra_req *rq, uint64_t bits, int32_t tag) {
  bool vfp = is_vfp(type);
  ra_req q = *rq;
  q.dead_ok = false;
  int r = ra_core_pick_free(rc, type, &q);
  if (r < 0) return -1;
  uint32_t m = range_mask(type, r);
  drop_cache(rc, vfp, m);
  ra_unit *x = &rc->unit[vfp][unit_of(type, r)];
  x->ctype = (uint8_t)(type + 1);
  x->cbits = bits;
  x->ctag = tag;
  rc->cached[vfp] |= m;
  rc->lock[vfp] |= m;
  return r;
}

bool ra_core_caches(const ra_core *rc, int type, int r, uint64_t bits) {
  bool vfp = is_vfp(type);
  if (r < 0 || r >= nregs(type)) return false;
  const ra_unit *x = &rc->unit[vfp][unit_of(type, r)];
  return x->ctype && cache_class(x->ctype - 1) == cache_class(type) && x->cbits == bits &&
         units_free(rc, vfp, range_mask(type, r));
}

bool ra_core_cached_word(const ra_core *rc, int r, int32_t *tag) {
  if (r < 0 || r >= ARM_NCORE || rc->unit[0][r].val >= 0) return false;
  int t = rc->unit[0][r].ctype - 1;
  if (t != ARMJIT_INT && t != ARMJIT_REF) return false;
  *tag = rc->unit[0][r].ctag;
  return true;
}

void ra_core_forget(ra_core *rc, uint32_t core_units, uint32_t vfp_units) {
  drop_cache(rc, false, core_units);
  drop_cache(rc, true, vfp_units);
}

void ra_core_clobber(ra_core *rc, uint32_t core_units, uint32_t vfp_units) {
  if ((rc->occ[0] & core_units) || (rc->occ[1] & vfp_units))
    ra_core_fail(rc, ARMJIT_E_INVALID, "live value in a clobbered register (internal)");
  ra_core_forget(rc, core_units, vfp_units);
}
