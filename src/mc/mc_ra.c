/* SPDX-License-Identifier: MIT */
/* Register allocation: linear scan over the live intervals of mc_live.c,
 * one home per value (docs/design.md §11.1).
 *
 * The scan visits values by interval start.  Intervals that ended are
 * given back to the allocator core first; then the value asks the core
 * for a free register allowed for its type (r0-r9, pairs, d0-d13, s0-s27;
 * only callee-saved ones when its interval strictly contains a call),
 * hinted by its partner's register (block argument <-> parameter) or its
 * AAPCS register, preferring the caller-saved half unless it crosses a
 * call.  With none free, the cheaper of the new value and the best victim
 * is spilled: cost = remaining length / (spill weight + 1), the highest
 * cost goes (the core picks the victim through victim_cost).  A spilled
 * value lives in a slot for its whole life: its register is simply not
 * used any more (nothing has been emitted yet).
 *
 * Then the frame (the callee-saved registers the homes use, r10 when a
 * lowering or a far frame needs it), and the slots: a second sweep in
 * start order gives each spilled value a slot, reusing a slot of the same
 * size whose interval has ended (so two slots are the same or disjoint,
 * as the parallel move resolver requires). */
#include "mc/mc_cg.h"

#include <string.h>

typedef struct {
  mc_fn *c;
  uint32_t now;
} policy;

static int64_t cost_of(const mc_fn *c, uint32_t v, uint32_t now) {
  uint32_t left = c->lv.end[v] > now ? c->lv.end[v] - now : 0;
  return ((int64_t)left << 8) / ((int64_t)c->lv.weight[v] + 1);
}

static int64_t victim_cost(void *ud, uint32_t v) {
  policy *p = ud;
  return cost_of(p->c, v, p->now);
}
static void no_move(void *ud, ra_loc dst, ra_loc src) {
  (void)ud;
  (void)dst;
  (void)src;
}

static bool crosses_call(const mc_live *lv, uint32_t v) {
  uint32_t s = lv->start[v], e = lv->end[v];
  uint32_t lo = 0, hi = lv->ncalls;
  while (lo < hi) { /* first call position > s */
    uint32_t mid = (lo + hi) / 2;
    if (lv->calls[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo < lv->ncalls && lv->calls[lo] < e;
}

static uint32_t allow_for(int st, bool keep) {
  switch (st) {
  case ARM_TY_I64: return keep ? MC_PAIR_KEEP : MC_PAIR_ALLOW;
  case ARMJIT_FLOAT: return keep ? MC_D_KEEP : MC_D_ALLOW;
  case ARM_TY_F32: return keep ? MC_S_KEEP : MC_S_ALLOW;
  default: return keep ? MC_CORE_KEEP : MC_CORE_ALLOW;
  }
}

/* Registers (type st's numbering) that an op inside v's interval writes
 * beyond a call's clobbers (set_reg, a raw function's clobber set): v may
 * not live in them. */
static uint32_t clobbered(const mc_live *lv, uint32_t v, int st) {
  uint32_t core = 0, d = 0;
  for (uint32_t k = 0; k < lv->nclob; k++)
    if (lv->clob_pos[k] > lv->start[v] && lv->clob_pos[k] < lv->end[v]) {
      core |= lv->clob_core[k];
      d |= lv->clob_d[k];
    }
  switch (st) {
  case ARM_TY_I64: return (core | core >> 1) & 0x5555u; /* pairs by their even register */
  case ARMJIT_FLOAT: return d;
  case ARM_TY_F32: { /* s2k and s2k+1 are dk */
    uint32_t s = 0;
    for (unsigned k = 0; k < 16; k++)
      if (d & (1u << k)) s |= 3u << (2 * k);
    return s;
  }
  default: return core;
  }
}

/* Values with an interval, by start (a counting sort: positions are
 * dense). */
static uint32_t *sort_by_start(mc_fn *c, uint32_t *n_out) {
  const mc_live *lv = &c->lv;
  uint32_t nv = c->fn->nvals, npos = 2 * lv->nslots + 2;
  uint32_t *cnt = ajx_calloc(c->ctx, npos + 1, sizeof *cnt);
  uint32_t *order = ajx_calloc(c->ctx, nv ? nv : 1, sizeof *order);
  if (!cnt || !order) {
    ajx_free(c->ctx, cnt);
    ajx_free(c->ctx, order);
    return NULL;
  }
  uint32_t n = 0;
  for (uint32_t v = 0; v < nv; v++)
    if (lv->start[v] != UINT32_MAX) {
      cnt[lv->start[v] + 1]++;
      n++;
    }
  for (uint32_t p = 0; p < npos; p++) cnt[p + 1] += cnt[p];
  for (uint32_t v = 0; v < nv; v++)
    if (lv->start[v] != UINT32_MAX) order[cnt[lv->start[v]]++] = v;
  ajx_free(c->ctx, cnt);
  *n_out = n;
  return order;
}

/* The core registers an interrupt function pushes: r0-r3, ip and lr (the
 * interrupted code's caller-saved ones, which the body and its calls may
 * change), fp (the frame base) and the callee-saved ones it uses; an even
 * count (the lowest free callee-saved register pads), so a mode stack
 * 8-aligned at entry stays aligned for AAPCS calls.  FIQ: r8-r12 are the
 * mode's own (banked), so only r0-r7 and lr (docs/design.md §11.2). */
static uint32_t interrupt_push(const mc_fn *c, uint32_t used) {
  uint32_t core = ARM_RANGE(0, 3) | ARM_BIT(A32_LR);
  if (mir_fkind(c->kind)->banked) core |= used & ARM_RANGE(4, 7);
  else core |= (used & ARM_RANGE(4, 10)) | ARM_BIT(A32_FP) | ARM_BIT(A32_IP);
  if (__builtin_popcount(core) & 1) {
    uint32_t spare = ~core & ARM_RANGE(4, mir_fkind(c->kind)->banked ? 7 : 10);
    core |= spare & (0u - spare); /* the lowest one */
  }
  return core;
}

/* The frame from the homes: pushes, vpush range, fixed bytes. */
static void frame_saves(mc_fn *c, const int8_t *reg) {
  uint32_t core = 0, vfp = 0;
  for (uint32_t v = 0; v < c->fn->nvals; v++) {
    if (reg[v] < 0) continue;
    int r = reg[v];
    switch (c->stype[v]) {
    case ARM_TY_I64: core |= 3u << r; break;
    case ARMJIT_FLOAT: vfp |= 1u << r; break;
    case ARM_TY_F32: vfp |= 1u << (r / 2); break;
    default: core |= 1u << r; break;
    }
  }
  if (c->t2) core |= 1u << 10;
  core |= c->lv.clob_all_core; /* a raw callee's clobbers: kept for our caller */
  vfp |= c->lv.clob_all_d;
  const mir_func *fn = c->fn;
  c->vsave = 0;
  c->vsave_d32 = false;
  if (c->kind == ARMJIT_FK_NAKED) { /* no saves, no frame: the code owns the machine */
    c->push_mask = 0;
    c->npush = 0;
    c->fp_off = 0;
    c->vscratch = false;
    c->vfirst = c->vcount = 0;
    c->fixed = 0;
    return;
  }
  if (mir_fkind(c->kind)->interrupt) {
    core = interrupt_push(c, core);
    /* fp at the saved fp (FIQ: fp is banked, at the lowest pushed word) */
    c->fp_off = (core & ARM_BIT(A32_FP))
                    ? 4u * (unsigned)__builtin_popcount(core & (ARM_BIT(A32_FP) - 1))
                    : 0;
    c->npush = (unsigned)__builtin_popcount(core);
  } else {
    core &= ARM_RANGE(4, 10);
    core |= ARM_BIT(A32_FP) | ARM_BIT(A32_LR);
    unsigned n = (unsigned)__builtin_popcount(core);
    if (n & 1) {
      core |= ARM_BIT(A32_R3); /* pad to 8 bytes: r3 is no result register */
      n++;
    }
    c->npush = n;
    c->fp_off = 4 * (n - 2);
  }
  c->push_mask = core;
  vfp &= ARM_RANGE(8, 13);
  /* d14 and d15, the VFP scratch registers (callee-saved by AAPCS
   * §6.1.2), get 16 bytes of their own in every function with float
   * values; they are saved there only if the code uses them (mc_cg.c). */
  bool floats = false;
  for (uint32_t v = 0; v < fn->nvals && !floats; v++) floats = ra_type_is_float(c->stype[v]);
  for (uint32_t k = 0; k < fn->nconsts && !floats; k++)
    floats = fn->consts[k].type == ARMJIT_T_F32 || fn->consts[k].type == ARMJIT_T_F64;
  /* a raw callee clobbering d14/d15: their save area, used (mc_cg_call.c) */
  c->vscratch = floats || (c->lv.clob_all_d & ARM_RANGE(14, 15));
  if (vfp) { /* one vpush: the range from the lowest to the highest */
    c->vfirst = (unsigned)__builtin_ctz(vfp);
    c->vcount = 32u - (unsigned)__builtin_clz(vfp) - c->vfirst;
  } else {
    c->vfirst = c->vcount = 0;
  }
  /* save_vfp: the caller-saved VFP registers and FPSCR (8 bytes: aligned) */
  if (fn->attrs & ARMJIT_FUNC_SAVE_VFP) {
    c->vsave_d32 = (c->ctx->features & A32_FEAT_D32) != 0;
    c->vsave = 64 + (c->vsave_d32 ? 128 : 0) + 8;
  }
  c->fixed = (int32_t)(c->fp_off + 8 * c->vcount + (c->vscratch ? 16 : 0) + c->vsave);
}

/* Slots for the spilled values; false on failure (c->st set). */
static bool assign_slots(mc_fn *c, const uint32_t *order, uint32_t n, const int8_t *reg) {
  ra_frame f;
  armjit_error err;
  if (ra_frame_init(&f, c->ctx, c->fixed, &err) != ARMJIT_OK) {
    mc_fail(c, err.code, "%s", err.msg);
    return false;
  }
  /* active slot users (value), free slots per size */
  uint32_t *act = ajx_calloc(c->ctx, n ? n : 1, sizeof *act);
  int32_t *free4 = ajx_calloc(c->ctx, n ? n : 1, sizeof *free4);
  int32_t *free8 = ajx_calloc(c->ctx, n ? n : 1, sizeof *free8);
  uint32_t nact = 0, nf4 = 0, nf8 = 0;
  bool ok = act && free4 && free8;
  for (uint32_t i = 0; ok && i < n; i++) {
    uint32_t v = order[i];
    if (reg[v] >= 0) continue;
    uint32_t s = c->lv.start[v];
    for (uint32_t k = 0; k < nact;) {
      uint32_t u = act[k];
      if (c->lv.end[u] < s) {
        if (ra_type_size(c->stype[u]) == 8) free8[nf8++] = c->home[u].n;
        else free4[nf4++] = c->home[u].n;
        act[k] = act[--nact];
      } else {
        k++;
      }
    }
    bool big = ra_type_size(c->stype[v]) == 8;
    int32_t off;
    if (big && nf8) off = free8[--nf8];
    else if (!big && nf4) off = free4[--nf4];
    else if (ra_frame_alloc(&f, big ? ARMJIT_FLOAT : ARMJIT_INT, &off, &err) != ARMJIT_OK) {
      mc_fail(c, err.code, "%s", err.msg);
      ok = false;
      break;
    }
    c->home[v] = ra_stack(off, c->stype[v]);
    act[nact++] = v;
  }
  if (ok) {
    /* sp 8-aligned: the pushed words above fp (normal: fp, lr; irq: fp, ip,
     * lr) plus the bytes used below it, rounded up */
    c->frame = f.nwords ? f.base + 4 * (int32_t)f.nwords : c->fixed; /* bytes used below fp */
    if ((4 * c->npush - c->fp_off + (uint32_t)c->frame) & 7) c->frame += 4;
  }
  else if (c->st == ARMJIT_OK) mc_fail(c, ARMJIT_E_NOMEM, "out of memory assigning slots");
  ajx_free(c->ctx, act);
  ajx_free(c->ctx, free4);
  ajx_free(c->ctx, free8);
  ra_frame_fini(&f);
  return ok;
}

armjit_status mc_ra_run(mc_fn *c) {
  const mir_func *fn = c->fn;
  const mc_live *lv = &c->lv;
  uint32_t nv = fn->nvals;
  uint32_t n = 0;
  uint32_t *order = sort_by_start(c, &n);
  int8_t *reg = ajx_calloc(c->ctx, nv ? nv : 1, 1);
  uint32_t *active = ajx_calloc(c->ctx, nv ? nv : 1, sizeof *active);
  c->home = ajx_calloc(c->ctx, nv ? nv : 1, sizeof *c->home);
  if (!order || !reg || !active || !c->home) {
    ajx_free(c->ctx, order);
    ajx_free(c->ctx, reg);
    ajx_free(c->ctx, active);
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for register allocation");
    return c->st;
  }
  policy pol = {c, 0};
  ra_client cl = {no_move, victim_cost, NULL, NULL, &pol};
  ra_core rc;
  armjit_error err;
  if (ra_core_init(&rc, c->ctx, nv, c->stype, 0, &cl, &err) != ARMJIT_OK) {
    mc_fail(c, err.code, "%s", err.msg);
    goto out;
  }
  uint32_t nact = 0;
  for (uint32_t i = 0; i < nv; i++) reg[i] = -1;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t v = order[i];
    uint32_t now = lv->start[v];
    pol.now = now;
    for (uint32_t k = 0; k < nact;) {
      uint32_t u = active[k];
      if (lv->end[u] < now) {
        ra_core_free(&rc, u);
        active[k] = active[--nact];
      } else {
        k++;
      }
    }
    int st = c->stype[v];
    bool keep = crosses_call(lv, v) || lv->keep[v];
    ra_req rq = ra_req_any();
    rq.allow = allow_for(st, keep) & ~clobbered(lv, v, st);
    if (!rq.allow) { /* every register it may have is clobbered in its life: a slot */
      ra_core_end_op(&rc);
      continue;
    }
    rq.prefer = keep ? RA_PREFER_CALLEE : RA_PREFER_CALLER;
    int32_t p = lv->partner[v];
    if (p >= 0 && reg[p] >= 0 && c->stype[p] == st) rq.hint = reg[p];
    else if (lv->abi_hint[v] >= 0) rq.hint = lv->abi_hint[v];
    int r = ra_core_pick_free(&rc, st, &rq);
    if (r >= 0) {
      ra_core_assign(&rc, v, r, false);
    } else {
      /* spill the new value when it is costlier than every candidate */
      bool vfp = ra_type_is_float(st);
      int64_t worst = INT64_MIN;
      for (uint32_t k = 0; k < nact; k++)
        if (ra_type_is_float(c->stype[active[k]]) == vfp) {
          int64_t cu = cost_of(c, active[k], now);
          if (cu > worst) worst = cu;
        }
      if (!rc.random && cost_of(c, v, now) >= worst) {
        ra_core_end_op(&rc);
        continue;
      }
      r = ra_core_def(&rc, v, &rq);
      for (uint32_t k = 0; k < nact;) { /* the victims */
        uint32_t u = active[k];
        if (ra_core_reg(&rc, u) < 0) {
          reg[u] = -1;
          active[k] = active[--nact];
        } else {
          k++;
        }
      }
    }
    ra_core_end_op(&rc);
    if (rc.status != ARMJIT_OK) {
      mc_fail(c, rc.status, "register allocation: %s", rc.why);
      break;
    }
    reg[v] = (int8_t)r;
    active[nact++] = v;
  }
  ra_core_fini(&rc);
  if (c->st != ARMJIT_OK) goto out;

  for (uint32_t v = 0; v < nv; v++)
    c->home[v] = reg[v] >= 0 ? ra_core_reg_loc(c->stype[v], reg[v]) : ra_none();
  c->out = (lv->max_out + 7u) & ~7u;
  c->t2 = lv->needs_t2;
  frame_saves(c, reg);
  if (!assign_slots(c, order, n, reg)) goto out;
  if (!c->t2 && (c->frame > MC_NEAR_BYTES || c->out > MC_NEAR_BYTES)) {
    /* far frame accesses need r10: save it and lay the slots out again */
    c->t2 = true;
    frame_saves(c, reg);
    if (!assign_slots(c, order, n, reg)) goto out;
  }
  if (c->kind == ARMJIT_FK_NAKED && (c->frame > c->fixed || c->out))
    mc_fail(c, ARMJIT_E_INVALID,
            "naked function @%s needs %s (%u bytes): a naked function has no frame",
            c->m->syms[c->sym].name, c->out ? "an outgoing stack argument area" : "frame slots",
            (unsigned)(c->out ? c->out : (uint32_t)(c->frame - c->fixed)));
  else if ((c->fn->attrs & ARMJIT_FUNC_NO_FRAME_SLOTS) && c->frame > c->fixed)
    mc_fail(c, ARMJIT_E_INVALID,
            "function @%s is no_frame_slots but needs %u bytes of frame slots (more live "
            "values than registers)",
            c->m->syms[c->sym].name, (unsigned)(c->frame - c->fixed));
  else if ((int64_t)c->frame + c->out > (1 << 20))
    mc_fail(c, ARMJIT_E_LIMIT, "function @%s: frame of %u bytes is over the 1 MiB limit",
            c->m->syms[c->sym].name, (unsigned)(c->frame + (int32_t)c->out));
out:
  ajx_free(c->ctx, order);
  ajx_free(c->ctx, reg);
  ajx_free(c->ctx, active);
  return c->st;
}
