/* SPDX-License-Identifier: MIT */
/* Trace allocation policy (see alloc.h): the trace's requests to the
 * allocator core, its victim ranking, call positions and label handling. */
#include "ra/alloc.h"

#include <string.h>

/* ---- what the core asks the policy ------------------------------------------ */
/* ra_next_real_use of v at the current op, through the memo next_use:
 * the answer at the cursor, still right while it is not before pos. */
static int32_t advance_real_use(ra_state *ra, uint32_t v) {
  int32_t n = ra_next_real_use(ra->lv, &ra->cursor[v], (ir_ref)v, ra->pos);
  ra->next_use[v] = n;
  return n;
}

static inline int32_t next_real_use(ra_state *ra, uint32_t v) {
  int32_t n = ra->next_use[v];
  return n >= (int32_t)ra->pos ? n : advance_real_use(ra, v);
}

/* Victim rank: the next real use furthest away first; values with only
 * exit/jump uses left count as infinitely far; ties go to values that
 * already own a slot (no store needed). */
static int64_t victim_cost(void *ud, uint32_t v) {
  ra_state *ra = ud;
  return (int64_t)next_real_use(ra, v) * 2 + (ra_core_slot(&ra->core, v) != 0);
}

/* A value the final jump passes to a label argument that lives in a slot
 * may spill straight into that slot once the argument is dead, so the
 * jump has nothing to move.  The core pins the slot. */
static int32_t spill_slot(void *ud, uint32_t v) {
  const ra_state *ra = ud;
  int32_t jp = ra->lv->jump_pos[v];
  if (jp < 0 || !ra->jump_locs || !ra->jump_vals || (uint32_t)jp >= ra->njump_locs) return 0;
  ra_loc l = ra->jump_locs[jp];
  ir_ref u = ra->jump_vals[jp];
  if (l.kind != LOC_STACK || u == (ir_ref)v || ra->lv->last_use[u] >= (int32_t)ra->pos) return 0;
  return l.n;
}

armjit_status ra_init(ra_state *ra, armjit_ctx *ctx, const armjit_trace *t,
                      const ra_live *lv, int32_t fixed_bytes, ra_move_fn move,
                      void *ud, armjit_error *err) {
  memset(ra, 0, sizeof *ra);
  ra->ctx = ctx;
  ra->t = t;
  ra->lv = lv;
  ra->random = (ctx->opts.flags & ARMJIT_RANDOM_RA) != 0;
  ra->extra[0] = ra->extra[1] = IR_NONE;
  uint32_t nv = t->nvals ? t->nvals : 1;
  ra->types = ajx_alloc(ctx, nv * sizeof *ra->types);
  ra->cursor = ajx_alloc(ctx, nv * sizeof *ra->cursor);
  ra->next_use = ajx_alloc(ctx, nv * sizeof *ra->next_use);
  if (!ra->types || !ra->cursor || !ra->next_use) {
    ajx_free(ctx, ra->types);
    ajx_free(ctx, ra->cursor);
    ajx_free(ctx, ra->next_use);
    ra->types = NULL;
    ra->cursor = NULL;
    ra->next_use = NULL;
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the register allocator");
  }
  /* (locals: the byte stores would make every pointer a reload) */
  uint8_t *types = ra->types;
  uint32_t *cursor = ra->cursor;
  int32_t *next = ra->next_use;
  const uint32_t *start = lv->real_start, *real = lv->real;
  const uint8_t *vtype = t->vtype;
  for (uint32_t v = 0, n = t->nvals; v < n; v++) {
    types[v] = (uint8_t)ra_storage_of(vtype[v]);
    /* (whether v has a real use follows no pattern: a mask, not a
     * branch; real[0] is there even when no value has one) */
    uint32_t c = start[v], has = 0u - (c < start[v + 1]);
    cursor[v] = c;
    next[v] = (int32_t)((real[c & has] & has) | (INT32_MAX & ~has));
  }
  ra_client cl = {move, victim_cost, spill_slot, ud, ra};
  armjit_status st = ra_core_init(&ra->core, ctx, t->nvals, ra->types, fixed_bytes, &cl, err);
  if (st != ARMJIT_OK) ra_fini(ra);
  return st;
}

void ra_fini(ra_state *ra) {
  if (!ra->ctx) return;
  ra_core_fini(&ra->core);
  ajx_free(ra->ctx, ra->types);
  ajx_free(ra->ctx, ra->cursor);
  ajx_free(ra->ctx, ra->next_use);
  ra->types = NULL;
  ra->cursor = NULL;
  ra->next_use = NULL;
}

int32_t ra_frame_bytes(const ra_state *ra) { return ra_core_frame_bytes(&ra->core); }

/* ---- queries ------------------------------------------------------------------ */
/* Is v needed after the current op across a helper call? Then it belongs
 * in a callee-saved register. */
/* The index of the first call after pos, searching from `from` (a call
 * at or before pos) on. */
static uint32_t first_call_after(const ra_state *ra, uint32_t from, uint32_t pos) {
  uint32_t lo = from, hi = ra->ncalls;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (ra->calls[mid] <= pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

static inline bool lives_across_call(const ra_state *ra, ir_ref v) {
  if (ra->began) return ra->next_call_pos < ra->lv->last_use[v];
  uint32_t k = ra->next_call;  /* before the first op: a search */
  if (k < ra->ncalls && ra->calls[k] <= ra->pos) k = first_call_after(ra, k, ra->pos);
  return k < ra->ncalls && (int32_t)ra->calls[k] < ra->lv->last_use[v];
}

/* A request: the bank half matters only when the trace calls helpers. */
static ra_req req(const ra_state *ra, int hint, bool callee, bool dead_ok) {
  ra_req q = {0, hint, RA_PREFER_ANY, dead_ok};
  if (ra->ncalls) q.prefer = callee ? RA_PREFER_CALLEE : RA_PREFER_CALLER;
  return q;
}

/* The bits a constant puts in a register (ints and refs as words). */
static uint64_t const_bits(const ra_state *ra, ir_ref k) {
  const ir_const *c = ir_const_of(ra->t, k);
  if (ra_storage_of(c->type) == ARMJIT_FLOAT) return c->v.bits;
  return c->type == ARMJIT_INT ? (uint32_t)c->v.i : (uint32_t)c->v.r;
}

/* ---- per-op interface ------------------------------------------------------------ */
void ra_begin_op(ra_state *ra, uint32_t pos) {
  /* The first call after pos: ops mostly come in order, so the index
   * mostly stays or steps by one (a cold path's earlier op searches). */
  uint32_t k = pos < ra->pos ? first_call_after(ra, 0, pos) : ra->next_call;
  if (k < ra->ncalls && ra->calls[k] <= pos) k++;
  if (k < ra->ncalls && ra->calls[k] <= pos) k = first_call_after(ra, k, pos);
  ra->next_call = k;
  ra->next_call_pos = k < ra->ncalls ? (int32_t)ra->calls[k] : INT32_MAX;
  ra->began = true;
  ra->pos = pos;
  ra->extra[0] = ra->extra[1] = IR_NONE;
  ra->released = false;
  ra_core_end_op(&ra->core);
}

int ra_use(ra_state *ra, ir_ref v) {
  ra_req q = req(ra, -1, lives_across_call(ra, v), false);
  return ra_core_use(&ra->core, (uint32_t)v, &q);
}

static void free_if_dead(ra_state *ra, ir_ref v) {
  if (v >= 0 && ra->lv->last_use[v] <= (int32_t)ra->pos) ra_core_free(&ra->core, (uint32_t)v);
}

/* The arguments, then the fail args, of the current op that die here, in
 * that order: the op's die list (live.h), or, when ra_live_extend moved a
 * last use to this op, a scan of them all. */
void ra_release_dying(ra_state *ra) {
  if (!ra->released) {
    const ra_live *lv = ra->lv;
    uint32_t pos = ra->pos;
    if (!lv->rescan[pos]) {
      for (uint32_t k = lv->die_start[pos + 1]; k > lv->die_start[pos];)
        free_if_dead(ra, (ir_ref)lv->die[--k]);
    } else {
      const ir_op *op = &ra->t->ops[pos];
      const ir_ref *a = ir_args(ra->t, op);
      for (uint32_t k = 0; k < op->nargs; k++) free_if_dead(ra, a[k]);
      const ir_ref *f = ir_fails(ra->t, op);
      for (uint32_t k = 0; k < op->nfail; k++) free_if_dead(ra, f[k]);
    }
    ra->released = true;
  }
  for (int k = 0; k < 2; k++)
    if (ra->extra[k] != IR_NONE) free_if_dead(ra, ra->extra[k]);
}

void ra_extra_use(ra_state *ra, ir_ref v) { ra->extra[ra->extra[0] != IR_NONE] = v; }

int ra_def(ra_state *ra, ir_ref v, int hint) {
  int type = ra->types[v];
  int32_t jp = ra->lv->jump_pos[v];
  if (jp >= 0 && ra->jump_locs && (uint32_t)jp < ra->njump_locs) {
    ra_loc l = ra->jump_locs[jp];
    if (l.kind == (ra_type_is_float(type) ? LOC_VREG : LOC_REG) &&
        ra_core_is_free(&ra->core, type, l.n))
      hint = l.n;
  }
  ra_req q = req(ra, hint, lives_across_call(ra, v), true);
  return ra_core_def(&ra->core, (uint32_t)v, &q);
}

void ra_def_fixed(ra_state *ra, ir_ref v, bool vfp, int r) {
  (void)vfp;  /* the value's type says the bank */
  ra_core_def_fixed(&ra->core, (uint32_t)v, r);
}

void ra_end_op(ra_state *ra) {
  /* (nothing left to release once the arguments were and no extra use
   * was named: extra[1] is only filled after extra[0]) */
  if (!ra->released || ra->extra[0] != IR_NONE) ra_release_dying(ra);
  const ir_op *op = &ra->t->ops[ra->pos];
  if (op->res >= 0) free_if_dead(ra, op->res);
#ifndef NDEBUG
  /* Every dead value must be gone by now: one left behind would be
   * clobbered silently later (a check of every occupied unit, in debug
   * builds: it costs about a tenth of the compile time). */
  for (int b = 0; b < 2; b++)
    for (uint32_t m = ra->core.occ[b]; m; m &= m - 1) {
      int32_t v = ra->core.unit[b][ra_lowest_bit(m)].val;
      if (ra->lv->last_use[v] <= (int32_t)ra->pos)
        ra_core_fail(&ra->core, ARMJIT_E_INVALID, "dead value still holds a register (internal)");
    }
#endif
  ra_core_end_op(&ra->core);
}

/* ---- constants and temporaries ---------------------------------------------------- */
int ra_const_reg(ra_state *ra, ir_ref k) {
  return ra_core_const_reg(&ra->core, ra_storage_of(ir_ref_type(ra->t, k)), const_bits(ra, k));
}

bool ra_caches_const(const ra_state *ra, int r, ir_ref k) {
  return ra_core_caches(&ra->core, ra_storage_of(ir_ref_type(ra->t, k)), r, const_bits(ra, k));
}

ir_ref ra_cached_const(const ra_state *ra, int r) {
  int32_t tag;
  return ra_core_cached_word(&ra->core, r, &tag) ? (ir_ref)tag : IR_NONE;
}

int ra_const_take(ra_state *ra, ir_ref k) {
  ra_req q = req(ra, -1, false, false);
  return ra_core_const_take(&ra->core, ra_storage_of(ir_ref_type(ra->t, k)), &q,
                            const_bits(ra, k), (int32_t)k);
}

int ra_const_hold(ra_state *ra, ir_ref k) {
  ra_req q = req(ra, -1, true, false);
  return ra_core_const_take(&ra->core, ra_storage_of(ir_ref_type(ra->t, k)), &q,
                            const_bits(ra, k), (int32_t)k);
}

int ra_temp(ra_state *ra, bool vfp) { return ra_temp_in(ra, vfp, 0); }

int ra_temp_in(ra_state *ra, bool vfp, uint32_t allow) {
  ra_req q = req(ra, -1, false, false);
  q.allow = allow;
  return ra_core_temp(&ra->core, vfp ? ARMJIT_FLOAT : ARMJIT_INT, &q);
}

/* ---- calls -------------------------------------------------------------------------- */
void ra_call_prepare(ra_state *ra) {
  for (int b = 0; b < 2; b++) {
    uint32_t caller = b ? ra_vfp_units_of_d(ARM_VFP_CALLER) : ARM_CORE_CALLER;
    /* the occupied caller-saved units in ascending order, as the moves
     * so far left them */
    for (int u = 0;; u++) {
      uint32_t left = ra->core.occ[b] & caller & (~0u << u);
      if (!left) break;
      u = ra_lowest_bit(left);
      int32_t v = ra_core_value_at(&ra->core, b, u);
      if (ra->lv->last_use[v] <= (int32_t)ra->pos) continue;  /* consumed by the call */
      int type = ra->types[v];
      ra_req q = req(ra, -1, true, false);
      int to = ra_core_pick_free(&ra->core, type, &q);
      if (to >= 0 && !(ra_type_is_float(type) ? (ARM_VFP_CALLER >> to & 1u)
                                               : (ARM_CORE_CALLER >> to & 1u)))
        ra_core_move_to(&ra->core, (uint32_t)v, to);
      else
        ra_core_spill(&ra->core, (uint32_t)v);
    }
  }
}

void ra_call_clobber(ra_state *ra) {
  ra_core_clobber(&ra->core, ARM_CORE_CALLER, ra_vfp_units_of_d(ARM_VFP_CALLER));
}

/* ---- entry and labels -------------------------------------------------------------- */
ra_loc ra_place_input(ra_state *ra, ir_ref v) {
  int r = -1;
  /* Random mode also leaves some inputs on the stack to exercise
   * stack-resident label arguments. */
  if (!ra->random || ajx_rand(ra->ctx) % 4 != 0) {
    ra_req q = req(ra, -1, lives_across_call(ra, v), false);
    r = ra_core_pick_free(&ra->core, ra->types[v], &q);
  }
  if (r >= 0) ra_core_assign(&ra->core, (uint32_t)v, r, false);
  else ra_core_new_slot(&ra->core, (uint32_t)v);
  return ra_core_where(&ra->core, (uint32_t)v);
}

void ra_place_at(ra_state *ra, ir_ref v, ra_loc loc) {
  if (loc.kind == LOC_STACK) ra_core_set_slot(&ra->core, (uint32_t)v, loc.n);
  else ra_core_assign(&ra->core, (uint32_t)v, loc.n, false);
}

void ra_label(ra_state *ra, const ir_ref *args, uint32_t n, ra_loc *locs) {
  ra_core_forget(&ra->core, ~0u, ~0u);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t v = (uint32_t)args[k];
    ra_core *rc = &ra->core;
    if (ra_core_reg(rc, v) < 0 && ra_core_slot(rc, v) &&
        next_real_use(ra, v) != INT32_MAX &&
        (!ra->random || ajx_rand(ra->ctx) % 2)) {
      ra_req q = req(ra, -1, lives_across_call(ra, (ir_ref)v), false);
      int r = ra_core_pick_free(rc, ra->types[v], &q);
      if (r >= 0) ra_core_assign(rc, v, r, true);
    }
    /* One location per argument: the jump writes only that one, so a
     * second copy would be stale on the next iteration. */
    if (ra_core_reg(rc, v) >= 0) ra_core_drop_slot(rc, v);
    else ra_core_pin(rc, v);
    locs[k] = ra_where(ra, (ir_ref)v);
  }
}
