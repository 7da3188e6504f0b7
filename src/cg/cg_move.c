/* SPDX-License-Identifier: MIT */
/* Moves between locations, frame memory access with any offset, and the
 * parallel moves of jumps and calls.  Constants come from the ladder
 * (cg_const.c), temporary registers from the scratch protocol
 * (cg_scratch.c). */
#include "cg/cg_internal.h"

/* Far: beyond an immediate's reach.  VLDR/VSTR reach +-1,020 from the
 * base, so a far float slot is addressed from a nearer base when the rest
 * of its offset is one modified immediate (any offset below 256 KiB):
 *
 *   sub  ip, fp, #0x400         (the offset less its low ten bits)
 *   vldr d0, [ip, #-0x10]
 *
 * and through the whole offset in a register otherwise (movw ip, #off;
 * sub ip, fp, ip; vldr d0, [ip]).  LDR/STR reach +-4,095: the offset goes
 * in a register (ldr r0, [fp, -ip]).  Out of line, so that the near forms
 * (nearly every spill and reload) need no saved registers. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void mem_far(cg *c, cg_mem_kind k, unsigned reg, a32_reg base, int32_t off) {
  bool vfp = k == CG_VLDR || k == CG_VSTR || k == CG_VLDRS || k == CG_VSTRS;
  bool dbl = k == CG_VLDR || k == CG_VSTR;
  bool load = k == CG_VLDR || k == CG_VLDRS;
  unsigned avoid = 1u << base | (vfp ? 0 : 1u << reg);
  cg_tmp t = cg_tmp_get(c, avoid);
  uint32_t mag = off < 0 ? 0u - (uint32_t)off : (uint32_t)off;
  a32_dp_op dir = off < 0 ? A32_SUB : A32_ADD;
  if (vfp) {
    uint32_t lo = mag & 0x3fcu, hi = mag - lo;
    int32_t rest = off < 0 ? -(int32_t)lo : (int32_t)lo;
    if (mag % 4 != 0 || a32_modimm(hi) < 0) { /* the whole offset */
      a32_mov_imm32(c->b, A32_AL, t.r, mag);
      a32_dp(c->b, A32_AL, dir, false, t.r, base, a32_r(t.r));
      rest = 0;
    } else {
      a32_dp(c->b, A32_AL, dir, false, t.r, base, a32_imm(hi));
    }
    if (load) a32_vldr(c->b, A32_AL, dbl, reg, t.r, rest);
    else a32_vstr(c->b, A32_AL, dbl, reg, t.r, rest);
  } else {
    a32_mov_imm32(c->b, A32_AL, t.r, mag);
    a32_mem m = a32_mem_reg(base, t.r, off < 0, A32_LSL, 0, A32_IDX_OFFSET);
    a32_ldst(c->b, A32_AL, k == CG_LDR ? A32_LDR : A32_STR, (a32_reg)reg, m);
  }
  cg_tmp_put(c, t);
}

void cg_mem(cg *c, cg_mem_kind k, unsigned reg, a32_reg base, int32_t off) {
  switch (k) {
  case CG_LDR:
  case CG_STR:
    if (off < -ARM_WORD_REACH || off > ARM_WORD_REACH) break;
    a32_ldst(c->b, A32_AL, k == CG_LDR ? A32_LDR : A32_STR, (a32_reg)reg, a32_mem_imm(base, off));
    return;
  default:
    if (off % 4 != 0 || off < -ARM_VFP_REACH || off > ARM_VFP_REACH) break;
    if (k == CG_VLDR || k == CG_VLDRS) a32_vldr(c->b, A32_AL, k == CG_VLDR, reg, base, off);
    else a32_vstr(c->b, A32_AL, k == CG_VSTR, reg, base, off);
    return;
  }
  mem_far(c, k, reg, base, off);
}

static bool loc_float(ra_loc l) {
  return l.kind == LOC_VREG || (l.kind != LOC_REG && l.type == ARMJIT_FLOAT);
}

static uint64_t const_bits(cg *c, ra_loc k) {
  return cg_const_bits(&c->t->consts[k.n]);
}

/* s<dst> <- an f32 (call arguments under hard-float: the resolver's moves
 * of ARM_TY_F32 locations, whose register numbers are s registers). */
static void move_single(cg *c, ra_loc dst, ra_loc src) {
  switch (src.kind) {
  case LOC_VREG: a32_vfp(c->b, A32_AL, A32_VMOV, false, (unsigned)dst.n, 0, (unsigned)src.n); break;
  case LOC_STACK: cg_mem(c, CG_VLDRS, (unsigned)dst.n, A32_FP, src.n); break;
  case LOC_CONST: {
    cg_tmp t = cg_tmp_get(c, 0);
    cg_load_int(c, t.r, (uint32_t)const_bits(c, src));
    a32_vmov_core_to_s(c->b, A32_AL, (unsigned)dst.n, t.r);
    cg_tmp_put(c, t);
    break;
  }
  default: cg_fail(c, ARMJIT_E_INVALID, "move into s%d from nowhere (internal)", (int)dst.n); break;
  }
}

/* The moves other than a plain spill or reload (cg_move). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void move_other(cg *c, ra_loc dst, ra_loc src) {
  if (ra_loc_same(dst, src)) return;
  bool f = loc_float(dst);
  switch (dst.kind) {
  case LOC_REG:
    if (src.kind == LOC_REG) a32_dp(c->b, A32_AL, A32_MOV, false, (a32_reg)dst.n, 0, a32_r((a32_reg)src.n));
    else if (src.kind == LOC_STACK) cg_mem(c, CG_LDR, (unsigned)dst.n, A32_FP, src.n);
    else if (src.kind == LOC_CONST) cg_load_int(c, (a32_reg)dst.n, (uint32_t)const_bits(c, src));
    else cg_fail(c, ARMJIT_E_INVALID, "move into r%d from nowhere (internal)", (int)dst.n);
    return;
  case LOC_VREG:
    if (dst.type == ARM_TY_F32) { move_single(c, dst, src); return; }
    if (src.kind == LOC_VREG) a32_vfp(c->b, A32_AL, A32_VMOV, true, (unsigned)dst.n, 0, (unsigned)src.n);
    else if (src.kind == LOC_STACK) cg_mem(c, CG_VLDR, (unsigned)dst.n, A32_FP, src.n);
    else if (src.kind == LOC_CONST) cg_load_float(c, (unsigned)dst.n, const_bits(c, src));
    else cg_fail(c, ARMJIT_E_INVALID, "move into d%d from nowhere (internal)", (int)dst.n);
    return;
  case LOC_STACK:
    if (src.kind == LOC_REG) { cg_mem(c, CG_STR, (unsigned)src.n, A32_FP, dst.n); return; }
    if (src.kind == LOC_VREG) {
      cg_mem(c, src.type == ARM_TY_F32 ? CG_VSTRS : CG_VSTR, (unsigned)src.n, A32_FP, dst.n);
      return;
    }
    if (src.kind != LOC_STACK && src.kind != LOC_CONST) break;
    if (f) {
      /* d15 is the float scratch; nothing else holds it across moves */
      if (src.kind == LOC_STACK) cg_mem(c, CG_VLDR, ARM_DSCRATCH, A32_FP, src.n);
      else cg_load_float(c, ARM_DSCRATCH, const_bits(c, src));
      cg_mem(c, CG_VSTR, ARM_DSCRATCH, A32_FP, dst.n);
    } else {
      cg_tmp t = cg_tmp_get(c, 0);
      if (src.kind == LOC_STACK) cg_mem(c, CG_LDR, t.r, A32_FP, src.n);
      else cg_load_int(c, t.r, (uint32_t)const_bits(c, src));
      cg_mem(c, CG_STR, t.r, A32_FP, dst.n);
      cg_tmp_put(c, t);
    }
    return;
  default:
    break;
  }
  cg_fail(c, ARMJIT_E_INVALID, "unsupported move kind %d <- %d (internal)", dst.kind, src.kind);
}

/* Spills and reloads (most of the allocator's moves) first, without the
 * general case's frame: exactly what move_other does for them. */
void cg_move(cg *c, ra_loc dst, ra_loc src) {
  if (dst.kind == LOC_STACK && src.kind == LOC_REG) {
    cg_mem(c, CG_STR, (unsigned)src.n, A32_FP, dst.n);
  } else if (dst.kind == LOC_STACK && src.kind == LOC_VREG) {
    cg_mem(c, src.type == ARM_TY_F32 ? CG_VSTRS : CG_VSTR, (unsigned)src.n, A32_FP, dst.n);
  } else if (src.kind == LOC_STACK && dst.kind == LOC_REG) {
    cg_mem(c, CG_LDR, (unsigned)dst.n, A32_FP, src.n);
  } else if (src.kind == LOC_STACK && dst.kind == LOC_VREG) {
    cg_mem(c, dst.type == ARM_TY_F32 ? CG_VLDRS : CG_VLDR, (unsigned)dst.n, A32_FP, src.n);
  } else {
    move_other(c, dst, src);
  }
}

void cg_move_cb(void *ud, ra_loc dst, ra_loc src) { cg_move((cg *)ud, dst, src); }

static bool grow_moves(cg *c, ra_move **arr, uint32_t *cap, uint32_t need) {
  if (ajx_grow(c->ctx, (void **)arr, cap, need, sizeof **arr)) return true;
  cg_fail(c, ARMJIT_E_NOMEM, "out of memory for parallel moves");
  return false;
}

void cg_parallel_move(cg *c, const ra_loc *dsts, const ra_loc *srcs, uint32_t n) {
  if (!grow_moves(c, &c->moves, &c->moves_cap, n + 1)) return;
  uint32_t nm = 0;
  for (uint32_t k = 0; k < n; k++) {
    if (srcs[k].kind == LOC_CONST || ra_loc_same(dsts[k], srcs[k])) continue;
    c->moves[nm].dst = dsts[k];
    c->moves[nm].src = srcs[k];
    nm++;
  }
  if (nm) {
    if (!grow_moves(c, &c->pm, &c->pm_cap, RA_PMOVE_CAP(nm))) return;
    unsigned nout = 0;
    const char *why = NULL;
    if (!ra_pmove_resolve_ex(c->moves, nm, c->pm, &nout, c->pm_cap, &why, NULL)) {
      cg_fail(c, ARMJIT_E_INVALID, "parallel move rejected: %s (internal)", why ? why : "?");
      return;
    }
    /* The resolver uses ip, lr and d15 itself: far frame accesses must
     * not borrow them meanwhile. */
    unsigned saved = c->busy;
    c->busy |= CG_BUSY_IP | CG_BUSY_LR;
    for (unsigned i = 0; i < nout; i++) cg_move(c, c->pm[i].dst, c->pm[i].src);
    c->busy = saved;
  }
  /* Constants last: nothing reads the destinations any more. */
  for (uint32_t k = 0; k < n; k++)
    if (srcs[k].kind == LOC_CONST) cg_move(c, dsts[k], srcs[k]);
}
