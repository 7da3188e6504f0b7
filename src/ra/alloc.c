/* SPDX-License-Identifier: MIT */
/* Register allocator (see alloc.h): register state, register choice,
 * victim choice, stack slots. */
#include "ra/alloc.h"

#include <stdio.h>
#include <string.h>

static ra_regstate *bank(ra_state *ra, bool vfp) { return vfp ? ra->vfp : ra->core; }
static int nregs(bool vfp) { return vfp ? ARM_NVFP : ARM_NCORE; }
static uint32_t *locks(ra_state *ra, bool vfp) { return vfp ? &ra->lock_vfp : &ra->lock_core; }
static uint32_t *temps(ra_state *ra, bool vfp) { return vfp ? &ra->temp_vfp : &ra->temp_core; }

static void fail(ra_state *ra, armjit_status st, const char *why) {
  if (ra->status != ARMJIT_OK) return;
  ra->status = st;
  snprintf(ra->why, sizeof ra->why, "%s", why);
}

static ra_loc reg_loc(const ra_state *ra, ir_ref v, int r) {
  armjit_type ty = ir_ref_type(ra->t, v);
  return ty == ARMJIT_FLOAT ? ra_vreg(r) : ra_reg(r, ty);
}

armjit_status ra_init(ra_state *ra, armjit_ctx *ctx, const armjit_trace *t,
                      const ra_live *lv, int32_t fixed_bytes, ra_move_fn move,
                      void *ud, armjit_error *err) {
  memset(ra, 0, sizeof *ra);
  ra->ctx = ctx;
  ra->t = t;
  ra->lv = lv;
  ra->random = (ctx->opts.flags & ARMJIT_RANDOM_RA) != 0;
  ra->move = move;
  ra->ud = ud;
  ra->extra = IR_NONE;
  armjit_status st = ra_frame_init(&ra->frame, ctx, fixed_bytes, err);
  if (st != ARMJIT_OK) return st;
  uint32_t nv = t->nvals ? t->nvals : 1;
  ra->reg = ajx_alloc(ctx, nv * sizeof *ra->reg);
  ra->slot = ajx_calloc(ctx, nv, sizeof *ra->slot);
  ra->cursor = ajx_alloc(ctx, nv * sizeof *ra->cursor);
  ra->pinned = ajx_calloc(ctx, nv, sizeof *ra->pinned);
  if (!ra->reg || !ra->slot || !ra->cursor || !ra->pinned) {
    ra_fini(ra);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the register allocator");
  }
  memset(ra->reg, -1, nv * sizeof *ra->reg);
  for (uint32_t v = 0; v < t->nvals; v++) ra->cursor[v] = lv->real_start[v];
  for (int r = 0; r < ARM_NCORE; r++) ra->core[r] = (ra_regstate){-1, IR_NONE};
  for (int r = 0; r < ARM_NVFP; r++) ra->vfp[r] = (ra_regstate){-1, IR_NONE};
  return ARMJIT_OK;
}

void ra_fini(ra_state *ra) {
  if (!ra->ctx) return;
  ajx_free(ra->ctx, ra->reg);
  ajx_free(ra->ctx, ra->slot);
  ajx_free(ra->ctx, ra->cursor);
  ajx_free(ra->ctx, ra->pinned);
  ra->pinned = NULL;
  ra_frame_fini(&ra->frame);
  ra->reg = NULL;
  ra->slot = NULL;
  ra->cursor = NULL;
}

/* ---- stack slots ----------------------------------------------------------- */
static void slot_release(ra_state *ra, int32_t off, bool dbl) {
  armjit_error e;
  if (ra_frame_release(&ra->frame, off, dbl ? ARMJIT_FLOAT : ARMJIT_INT, &e) != ARMJIT_OK)
    fail(ra, e.code, e.msg);
}

static int32_t slot_new(ra_state *ra, bool dbl) {
  armjit_error e;
  int32_t off = 0;
  if (ra_frame_alloc(&ra->frame, dbl ? ARMJIT_FLOAT : ARMJIT_INT, &off, &e) != ARMJIT_OK) {
    fail(ra, e.code, e.msg);
    return -8;  /* keep going; the result is discarded */
  }
  return off;
}

int32_t ra_frame_bytes(const ra_state *ra) { return ra_frame_size(&ra->frame); }

/* ---- queries ------------------------------------------------------------------ */
ra_loc ra_where(const ra_state *ra, ir_ref v) {
  armjit_type ty = ir_ref_type(ra->t, v);
  if (IR_IS_CONST(v)) return ra_const((int32_t)IR_CONST_INDEX(v), ty);
  if (v < 0 || (uint32_t)v >= ra->t->nvals) return ra_none();
  if (ra->reg[v] >= 0) return reg_loc(ra, v, ra->reg[v]);
  if (ra->slot[v]) return ra_stack(ra->slot[v], ty);
  return ra_none();
}

/* Is v needed after the current op across a helper call? Then it belongs
 * in a callee-saved register. */
static bool lives_across_call(const ra_state *ra, ir_ref v) {
  uint32_t lo = 0, hi = ra->ncalls;
  while (lo < hi) {  /* first call after pos */
    uint32_t mid = (lo + hi) / 2;
    if (ra->calls[mid] <= ra->pos) lo = mid + 1; else hi = mid;
  }
  return lo < ra->ncalls && (int32_t)ra->calls[lo] < ra->lv->last_use[v];
}

static bool is_callee_saved(bool vfp, int r) { return arm_callee_saved(vfp, r); }

/* Constants are equal when they put the same bits in a register. */
static bool const_same(const ra_state *ra, ir_ref a, ir_ref b) {
  if (a == b) return true;
  if (a == IR_NONE || b == IR_NONE) return false;
  const ir_const *x = ir_const_of(ra->t, a), *y = ir_const_of(ra->t, b);
  bool fx = x->type == ARMJIT_FLOAT, fy = y->type == ARMJIT_FLOAT;
  if (fx != fy) return false;
  if (fx) return x->v.bits == y->v.bits;
  uint32_t wx = x->type == ARMJIT_INT ? (uint32_t)x->v.i : (uint32_t)x->v.r;
  uint32_t wy = y->type == ARMJIT_INT ? (uint32_t)y->v.i : (uint32_t)y->v.r;
  return wx == wy;
}

/* ---- choosing registers -------------------------------------------------------- */
/* A free register: not holding a value, not locked (unless `dead_ok`: the
 * result may take a register an argument has just released), not a temp.
 * Cached constants are kept when possible; `callee` says which half of
 * the bank the value prefers.  -1 when none is free. */
static int pick_free(ra_state *ra, bool vfp, int hint, bool callee, bool dead_ok) {
  ra_regstate *b = bank(ra, vfp);
  uint32_t lk = *locks(ra, vfp), tp = *temps(ra, vfp);
  int cand[ARM_NVFP], nc = 0;
  for (int r = 0; r < nregs(vfp); r++) {
    if (b[r].val >= 0 || (tp >> r & 1)) continue;
    if ((lk >> r & 1) && !dead_ok) continue;
    cand[nc++] = r;
  }
  if (!nc) return -1;
  for (int i = 0; i < nc; i++)
    if (cand[i] == hint) return hint;
  if (ra->random) return cand[ajx_rand(ra->ctx) % (uint32_t)nc];
  int best = cand[0], bs = 99;
  for (int i = 0; i < nc; i++) {
    int r = cand[i];
    /* the bank half matters only around helper calls */
    int side = ra->ncalls && is_callee_saved(vfp, r) != callee;
    int s = side * 2 + (b[r].cnst != IR_NONE);
    if (s < bs) { bs = s; best = r; }
  }
  return best;
}

/* A value the final jump passes to a label argument that lives in a slot
 * may spill straight into that slot once the argument is dead, so the
 * jump has nothing to move.  The slot stays pinned. */
static int32_t jump_slot(const ra_state *ra, ir_ref v) {
  int32_t jp = ra->lv->jump_pos[v];
  if (jp < 0 || !ra->jump_locs || (uint32_t)jp >= ra->njump_locs) return 0;
  ra_loc l = ra->jump_locs[jp];
  ir_ref u = ra->jump_vals[jp];
  if (l.kind != LOC_STACK || u == v || ra->lv->last_use[u] >= (int32_t)ra->pos) return 0;
  return l.n;
}

static void spill(ra_state *ra, bool vfp, int r) {
  ra_regstate *b = &bank(ra, vfp)[r];
  ir_ref v = b->val;
  if (!ra->slot[v]) {
    int32_t hinted = jump_slot(ra, v);
    if (hinted) ra->pinned[v] = 1;
    ra->slot[v] = hinted ? hinted : slot_new(ra, vfp);
    ra->move(ra->ud, ra_stack(ra->slot[v], ir_ref_type(ra->t, v)), reg_loc(ra, v, r));
  }
  ra->reg[v] = -1;
  b->val = -1;
  b->cnst = IR_NONE;
}

/* Victim: the unlocked value needed again (in a register) furthest away;
 * values with only exit/jump uses left come first, then values that
 * already own a slot (no store needed). */
static int pick_victim(ra_state *ra, bool vfp) {
  ra_regstate *b = bank(ra, vfp);
  uint32_t lk = *locks(ra, vfp) | *temps(ra, vfp);
  int cand[ARM_NVFP], nc = 0;
  for (int r = 0; r < nregs(vfp); r++)
    if (b[r].val >= 0 && !(lk >> r & 1)) cand[nc++] = r;
  if (!nc) return -1;
  if (ra->random) return cand[ajx_rand(ra->ctx) % (uint32_t)nc];
  int best = -1;
  int64_t bs = -1;
  for (int i = 0; i < nc; i++) {
    ir_ref v = b[cand[i]].val;
    int64_t s = (int64_t)ra_next_real_use(ra->lv, &ra->cursor[v], v, ra->pos) * 2 +
                (ra->slot[v] != 0);
    if (s > bs) { bs = s; best = cand[i]; }
  }
  return best;
}

/* A register for a new occupant: free if possible, else spill a victim. */
static int obtain(ra_state *ra, bool vfp, int hint, bool callee, bool dead_ok) {
  int r = pick_free(ra, vfp, hint, callee, dead_ok);
  if (r < 0) {
    r = pick_victim(ra, vfp);
    if (r < 0) {
      fail(ra, ARMJIT_E_LIMIT, "no register left to allocate (internal)");
      return 0;
    }
    spill(ra, vfp, r);
  }
  bank(ra, vfp)[r].cnst = IR_NONE;
  *locks(ra, vfp) |= 1u << r;
  return r;
}

static void place(ra_state *ra, ir_ref v, bool vfp, int r) {
  bank(ra, vfp)[r].val = v;
  bank(ra, vfp)[r].cnst = IR_NONE;
  ra->reg[v] = (int8_t)r;
}

/* ---- per-op interface ------------------------------------------------------------ */
void ra_begin_op(ra_state *ra, uint32_t pos) {
  ra->pos = pos;
  ra->extra = IR_NONE;
  ra->lock_core = ra->lock_vfp = 0;
  ra->temp_core = ra->temp_vfp = 0;
}

int ra_use(ra_state *ra, ir_ref v) {
  bool vfp = ra_is_float(ra, v);
  if (ra->reg[v] >= 0) {
    *locks(ra, vfp) |= 1u << ra->reg[v];
    return ra->reg[v];
  }
  if (!ra->slot[v]) {
    fail(ra, ARMJIT_E_INVALID, "value used before it has a location (internal)");
    return 0;
  }
  int r = obtain(ra, vfp, -1, lives_across_call(ra, v), false);
  place(ra, v, vfp, r);
  ra->move(ra->ud, reg_loc(ra, v, r), ra_stack(ra->slot[v], ir_ref_type(ra->t, v)));
  return r;
}

static void free_value(ra_state *ra, ir_ref v) {
  bool vfp = ra_is_float(ra, v);
  if (ra->reg[v] >= 0) {
    bank(ra, vfp)[ra->reg[v]].val = -1;
    ra->reg[v] = -1;
  }
  if (ra->slot[v]) {
    if (!ra->pinned[v]) slot_release(ra, ra->slot[v], vfp);
    ra->slot[v] = 0;
  }
}

static void free_if_dead(ra_state *ra, ir_ref v) {
  if (v >= 0 && ra->lv->last_use[v] <= (int32_t)ra->pos) free_value(ra, v);
}

void ra_release_dying(ra_state *ra) {
  const ir_op *op = &ra->t->ops[ra->pos];
  const ir_ref *a = ir_args(ra->t, op);
  for (uint32_t k = 0; k < op->nargs; k++) free_if_dead(ra, a[k]);
  const ir_ref *f = ir_fails(ra->t, op);
  for (uint32_t k = 0; k < op->nfail; k++) free_if_dead(ra, f[k]);
  if (ra->extra != IR_NONE) free_if_dead(ra, ra->extra);
}

void ra_extra_use(ra_state *ra, ir_ref v) { ra->extra = v; }

int ra_def(ra_state *ra, ir_ref v, int hint) {
  bool vfp = ra_is_float(ra, v);
  int32_t jp = ra->lv->jump_pos[v];
  if (jp >= 0 && ra->jump_locs && (uint32_t)jp < ra->njump_locs) {
    ra_loc l = ra->jump_locs[jp];
    if (l.kind == (vfp ? LOC_VREG : LOC_REG) && l.n < nregs(vfp)) {
      ra_regstate *b = &bank(ra, vfp)[l.n];
      if (b->val < 0 && !(*temps(ra, vfp) >> l.n & 1)) hint = l.n;
    }
  }
  int r = obtain(ra, vfp, hint, lives_across_call(ra, v), true);
  place(ra, v, vfp, r);
  return r;
}

void ra_def_fixed(ra_state *ra, ir_ref v, bool vfp, int r) {
  if (bank(ra, vfp)[r].val >= 0) spill(ra, vfp, r);
  place(ra, v, vfp, r);
  *locks(ra, vfp) |= 1u << r;
}

void ra_end_op(ra_state *ra) {
  ra_release_dying(ra);
  const ir_op *op = &ra->t->ops[ra->pos];
  if (op->res >= 0) free_if_dead(ra, op->res);
  /* Every dead value must be gone by now: one left behind would be
   * clobbered silently later (cheap check, 26 registers). */
  for (int r = 0; r < ARM_NCORE; r++)
    if (ra->core[r].val >= 0 && ra->lv->last_use[ra->core[r].val] <= (int32_t)ra->pos)
      fail(ra, ARMJIT_E_INVALID, "dead value still holds a register (internal)");
  for (int r = 0; r < ARM_NVFP; r++)
    if (ra->vfp[r].val >= 0 && ra->lv->last_use[ra->vfp[r].val] <= (int32_t)ra->pos)
      fail(ra, ARMJIT_E_INVALID, "dead value still holds a register (internal)");
  ra->lock_core = ra->lock_vfp = 0;
  ra->temp_core = ra->temp_vfp = 0;
}

/* ---- constants and temporaries ---------------------------------------------------- */
int ra_const_reg(ra_state *ra, ir_ref k) {
  bool vfp = ra_is_float(ra, k);
  ra_regstate *b = bank(ra, vfp);
  for (int r = 0; r < nregs(vfp); r++)
    if (b[r].val < 0 && const_same(ra, b[r].cnst, k) && !(*temps(ra, vfp) >> r & 1)) {
      *locks(ra, vfp) |= 1u << r;
      return r;
    }
  return -1;
}

ir_ref ra_cached_const(const ra_state *ra, int r) {
  if (r < 0 || r >= ARM_NCORE || ra->core[r].val >= 0) return IR_NONE;
  return ra->core[r].cnst;
}

int ra_const_take(ra_state *ra, ir_ref k) {
  bool vfp = ra_is_float(ra, k);
  int r = pick_free(ra, vfp, -1, false, false);
  if (r < 0) return -1;
  bank(ra, vfp)[r].cnst = k;
  *locks(ra, vfp) |= 1u << r;
  return r;
}

int ra_temp(ra_state *ra, bool vfp) {
  int r = obtain(ra, vfp, -1, false, false);
  *temps(ra, vfp) |= 1u << r;
  return r;
}

/* ---- calls -------------------------------------------------------------------------- */
void ra_call_prepare(ra_state *ra) {
  for (int pass = 0; pass < 2; pass++) {
    bool vfp = pass == 1;
    ra_regstate *b = bank(ra, vfp);
    uint32_t caller = vfp ? ARM_VFP_CALLER : ARM_CORE_CALLER;
    for (int r = 0; r < nregs(vfp); r++) {
      ir_ref v = b[r].val;
      if (!(caller >> r & 1) || v < 0) continue;
      if (ra->lv->last_use[v] <= (int32_t)ra->pos) continue;  /* consumed by the call */
      int to = pick_free(ra, vfp, -1, true, false);
      if (to >= 0 && is_callee_saved(vfp, to)) {
        ra->move(ra->ud, reg_loc(ra, v, to), reg_loc(ra, v, r));
        b[r].val = -1;
        b[r].cnst = IR_NONE;
        place(ra, v, vfp, to);
      } else {
        spill(ra, vfp, r);
      }
    }
  }
}

void ra_call_clobber(ra_state *ra) {
  for (int r = 0; r < ARM_NCORE; r++)
    if (ARM_CORE_CALLER >> r & 1) {
      if (ra->core[r].val >= 0) fail(ra, ARMJIT_E_INVALID, "live value in a clobbered register (internal)");
      ra->core[r].cnst = IR_NONE;
    }
  for (int r = 0; r < ARM_NVFP; r++)
    if (ARM_VFP_CALLER >> r & 1) {
      if (ra->vfp[r].val >= 0) fail(ra, ARMJIT_E_INVALID, "live value in a clobbered register (internal)");
      ra->vfp[r].cnst = IR_NONE;
    }
}

/* ---- entry and labels -------------------------------------------------------------- */
ra_loc ra_place_input(ra_state *ra, ir_ref v) {
  bool vfp = ra_is_float(ra, v);
  int r = -1;
  /* Random mode also leaves some inputs on the stack to exercise
   * stack-resident label arguments. */
  if (!ra->random || ajx_rand(ra->ctx) % 4 != 0)
    r = pick_free(ra, vfp, -1, lives_across_call(ra, v), false);
  if (r >= 0) {
    place(ra, v, vfp, r);
    return reg_loc(ra, v, r);
  }
  ra->slot[v] = slot_new(ra, vfp);
  return ra_stack(ra->slot[v], ir_ref_type(ra->t, v));
}

void ra_label(ra_state *ra, const ir_ref *args, uint32_t n, ra_loc *locs) {
  for (int r = 0; r < ARM_NCORE; r++) ra->core[r].cnst = IR_NONE;
  for (int r = 0; r < ARM_NVFP; r++) ra->vfp[r].cnst = IR_NONE;
  for (uint32_t k = 0; k < n; k++) {
    ir_ref v = args[k];
    bool vfp = ra_is_float(ra, v);
    if (ra->reg[v] < 0 && ra->slot[v] &&
        ra_next_real_use(ra->lv, &ra->cursor[v], v, ra->pos) != INT32_MAX &&
        (!ra->random || ajx_rand(ra->ctx) % 2)) {
      int r = pick_free(ra, vfp, -1, lives_across_call(ra, v), false);
      if (r >= 0) {
        place(ra, v, vfp, r);
        ra->move(ra->ud, reg_loc(ra, v, r), ra_stack(ra->slot[v], ir_ref_type(ra->t, v)));
      }
    }
    /* One location per argument: the jump writes only that one, so a
     * second copy would be stale on the next iteration. */
    if (ra->reg[v] >= 0 && ra->slot[v]) {
      if (!ra->pinned[v]) slot_release(ra, ra->slot[v], vfp);
      ra->slot[v] = 0;
    }
    if (ra->reg[v] < 0) ra->pinned[v] = 1;
    locs[k] = ra_where(ra, v);
  }
}
