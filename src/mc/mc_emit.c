/* SPDX-License-Identifier: MIT */
/* Operands, results and moves of method-compiled code.  Every value has a
 * home (mc_ra.c): a register, used in place, or a slot [fp, #-k], loaded
 * into the scratch register the lowering names and stored back after.
 * Constants are loaded where they are needed:
 *
 *   word     mov/mvn #imm, movw, or movw+movt               (a32_mov_imm32)
 *   float    vmov #imm, vldr from the function's pool, or   (load_fconst)
 *            the words through ip and lr and vmov
 *
 * Frame accesses reach ±4095 (ldr/str) or ±1020 (vldr/vstr); further ones
 * go through a register:
 *
 *   ldr   rd, [fp, #-k]   ->  mov rd, #k;  ldr rd, [fp, -rd]
 *   str   rs, [fp, #-k]   ->  mov spare, #k;  str rs, [fp, -spare]
 *   vldr  dd, [fp, #-k]   ->  mov spare, #k;  sub spare, fp, spare;  vldr dd, [spare]
 *
 * (spare: r10 in moves, a scratch register the lowering has free in ops;
 * the frame is far only when r10 is saved, mc_ra.c). */
#include "mc/mc_cg.h"

#include <stdio.h>
#include <string.h>

void mc_fail(mc_fn *c, armjit_status st, const char *fmt, ...) {
  if (c->st != ARMJIT_OK) return;
  c->st = st;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->msg, sizeof c->msg, fmt, ap);
  va_end(ap);
}

static bool near(mc_memop k, int32_t off) {
  if (k == MC_LDR || k == MC_STR) return off >= -4095 && off <= 4095;
  return off % 4 == 0 && off >= -1020 && off <= 1020;
}

static void emit_mem(mc_fn *c, mc_memop k, unsigned reg, a32_reg base, int32_t off) {
  switch (k) {
  case MC_LDR: a32_ldst(c->b, A32_AL, A32_LDR, (a32_reg)reg, a32_mem_imm(base, off)); break;
  case MC_STR: a32_ldst(c->b, A32_AL, A32_STR, (a32_reg)reg, a32_mem_imm(base, off)); break;
  case MC_VLDR_D: a32_vldr(c->b, A32_AL, true, reg, base, off); break;
  case MC_VSTR_D: a32_vstr(c->b, A32_AL, true, reg, base, off); break;
  case MC_VLDR_S: a32_vldr(c->b, A32_AL, false, reg, base, off); break;
  case MC_VSTR_S: a32_vstr(c->b, A32_AL, false, reg, base, off); break;
  }
}

void mc_mem(mc_fn *c, mc_memop k, unsigned reg, a32_reg base, int32_t off, int spare) {
  if (near(k, off)) {
    emit_mem(c, k, reg, base, off);
    return;
  }
  uint32_t mag = off < 0 ? 0u - (uint32_t)off : (uint32_t)off;
  if (k == MC_LDR && reg != base) {
    a32_mov_imm32(c->b, A32_AL, (a32_reg)reg, mag);
    a32_ldst(c->b, A32_AL, A32_LDR, (a32_reg)reg,
             a32_mem_reg(base, (a32_reg)reg, off < 0, A32_LSL, 0, A32_IDX_OFFSET));
    return;
  }
  if (spare < 0 || (k == MC_STR && (unsigned)spare == reg) || spare == (int)base) {
    mc_fail(c, ARMJIT_E_INVALID, "far frame access at %d without a free register (internal)",
            (int)off);
    return;
  }
  a32_reg t = (a32_reg)spare;
  a32_mov_imm32(c->b, A32_AL, t, mag);
  if (k == MC_LDR || k == MC_STR) {
    a32_ldst(c->b, A32_AL, k == MC_LDR ? A32_LDR : A32_STR, (a32_reg)reg,
             a32_mem_reg(base, t, off < 0, A32_LSL, 0, A32_IDX_OFFSET));
    return;
  }
  a32_dp(c->b, A32_AL, off < 0 ? A32_SUB : A32_ADD, false, t, base, a32_r(t));
  emit_mem(c, k, reg, t, 0);
}

ra_loc mc_loc(const mc_fn *c, mir_ref r) {
  if (MIR_IS_CONST(r)) return ra_const((int32_t)MIR_CONST_INDEX(r), mc_stype(mc_konst(c, r)->type));
  return c->home[r];
}

static uint32_t const_word(const mir_const *k, int half) {
  return half ? (uint32_t)(k->bits >> 32) : (uint32_t)k->bits;
}

a32_reg mc_word(mc_fn *c, mir_ref r, int half, a32_reg tmp) {
  if (MIR_IS_CONST(r)) {
    a32_mov_imm32(c->b, A32_AL, tmp, const_word(mc_konst(c, r), half));
    return tmp;
  }
  ra_loc l = c->home[r];
  if (l.kind == LOC_REG) return (a32_reg)(l.n + half);
  if (l.kind == LOC_STACK) {
    mc_mem(c, MC_LDR, tmp, A32_FP, l.n + 4 * half, -1);
    return tmp;
  }
  if (l.kind == LOC_VREG) { /* a float's bits (bitcast) */
    if (l.type == ARM_TY_F32) a32_vmov_s_to_core(c->b, A32_AL, tmp, (unsigned)l.n);
    else mc_fail(c, ARMJIT_E_INVALID, "word of a double register (internal)");
    return tmp;
  }
  mc_fail(c, ARMJIT_E_INVALID, "operand v%d has no location (internal)", (int)r);
  return tmp;
}

a32_reg mc_dst(mc_fn *c, mir_ref v, int half, a32_reg tmp) {
  ra_loc l = c->home[v];
  return l.kind == LOC_REG ? (a32_reg)(l.n + half) : tmp;
}

void mc_done(mc_fn *c, mir_ref v, int half, a32_reg reg, int spare) {
  ra_loc l = c->home[v];
  if (l.kind == LOC_STACK) mc_mem(c, MC_STR, reg, A32_FP, l.n + 4 * half, spare);
}

static bool is_dbl(int stype) { return stype == ARMJIT_FLOAT; }

/* dN / sN <- a float constant, cheapest first:
 *   vmov.f64 dN, #imm          one of VMOV's 256 immediates
 *   vldr     dN, [pc, #-k]     the function's pool (before its entry)
 *   movw/movt ip, lr; vmov dN, ip, lr   otherwise (ip, lr are free here) */
static void load_fconst(mc_fn *c, bool dbl, unsigned reg, const mir_const *k) {
  uint64_t bits = k->bits;
  if (a32_vfp_imm8(dbl, bits) >= 0) {
    a32_vmov_imm(c->b, A32_AL, dbl, reg, bits);
    return;
  }
  int32_t at = c->pool_off ? c->pool_off[k - c->fn->consts] : -1;
  if (at >= 0) {
    int64_t delta = (int64_t)at - ((int64_t)a32_buf_size(c->b) + 8); /* pc reads as . + 8 */
    if (delta >= -1020 && delta <= 1020) {
      a32_vldr(c->b, A32_AL, dbl, reg, A32_PC, (int32_t)delta);
      return;
    }
  }
  uint32_t lo = (uint32_t)bits, hi = (uint32_t)(bits >> 32);
  a32_mov_imm32(c->b, A32_AL, MC_T0, lo);
  if (!dbl) {
    a32_vmov_core_to_s(c->b, A32_AL, reg, MC_T0);
    return;
  }
  if (hi != lo) a32_mov_imm32(c->b, A32_AL, MC_T1, hi);
  a32_vmov_core_to_d(c->b, A32_AL, reg, MC_T0, hi != lo ? MC_T1 : MC_T0);
}

void mc_emit_pool(mc_fn *c) {
  const mir_func *fn = c->fn;
  uint32_t n = 0;
  for (uint32_t k = 0; k < fn->nconsts; k++) {
    const mir_const *q = &fn->consts[k];
    bool dbl = q->type == ARMJIT_T_F64;
    c->pool_off[k] = -1;
    if ((dbl || q->type == ARMJIT_T_F32) && a32_vfp_imm8(dbl, q->bits) < 0 && n < 128) {
      if (!c->pool_bytes) a32_align(c->b, 8);
      c->pool_off[k] = (int32_t)a32_buf_size(c->b);
      a32_word(c->b, (uint32_t)q->bits);
      a32_word(c->b, (uint32_t)(q->bits >> 32)); /* singles too: 8 bytes keep doubles aligned */
      c->pool_bytes += 8;
      n++;
    }
  }
}

unsigned mc_freg(mc_fn *c, mir_ref r, unsigned tmp, int spare) {
  if (MIR_IS_CONST(r) || c->home[r].kind != LOC_VREG) mc_vscratch(c, tmp);
  if (MIR_IS_CONST(r)) {
    const mir_const *k = mc_konst(c, r);
    load_fconst(c, k->type == ARMJIT_T_F64, tmp, k);
    return tmp;
  }
  ra_loc l = c->home[r];
  if (l.kind == LOC_VREG) return (unsigned)l.n;
  if (l.kind == LOC_STACK) {
    mc_mem(c, is_dbl(l.type) ? MC_VLDR_D : MC_VLDR_S, tmp, A32_FP, l.n, spare);
    return tmp;
  }
  mc_fail(c, ARMJIT_E_INVALID, "float operand v%d has no location (internal)", (int)r);
  return tmp;
}

unsigned mc_fdst(mc_fn *c, mir_ref v, unsigned tmp) {
  ra_loc l = c->home[v];
  return l.kind == LOC_VREG ? (unsigned)l.n : mc_vscratch(c, tmp);
}

void mc_fdone(mc_fn *c, mir_ref v, unsigned reg, int spare) {
  ra_loc l = c->home[v];
  if (l.kind == LOC_STACK)
    mc_mem(c, is_dbl(l.type) ? MC_VSTR_D : MC_VSTR_S, reg, A32_FP, l.n, spare);
}

void mc_add_imm(mc_fn *c, a32_reg rd, a32_reg rn, int32_t imm, a32_reg spare) {
  if (imm == 0) {
    if (rd != rn) a32_dp(c->b, A32_AL, A32_MOV, false, rd, 0, a32_r(rn));
    return;
  }
  a32_dp_op op = A32_ADD;
  uint32_t v = (uint32_t)imm;
  if (a32_modimm_inverse(&op, &v)) {
    a32_dp(c->b, A32_AL, op, false, rd, rn, a32_imm(v));
    return;
  }
  a32_mov_imm32(c->b, A32_AL, spare, (uint32_t)imm);
  a32_dp(c->b, A32_AL, A32_ADD, false, rd, rn, a32_r(spare));
}

void mc_load_const(mc_fn *c, ra_loc dst, const mir_const *k) {
  switch (dst.kind) {
  case LOC_REG:
    a32_mov_imm32(c->b, A32_AL, (a32_reg)dst.n, (uint32_t)k->bits);
    if (dst.type == ARM_TY_I64)
      a32_mov_imm32(c->b, A32_AL, (a32_reg)(dst.n + 1), (uint32_t)(k->bits >> 32));
    return;
  case LOC_VREG: load_fconst(c, dst.type == ARMJIT_FLOAT, (unsigned)dst.n, k); return;
  case LOC_STACK: {
    int words = ra_type_size(dst.type) / 4;
    for (int h = 0; h < words; h++) {
      a32_mov_imm32(c->b, A32_AL, MC_T0, const_word(k, h));
      mc_mem(c, MC_STR, MC_T0, A32_FP, dst.n + 4 * h, c->t2 ? MC_T2 : MC_T1);
    }
    return;
  }
  default: mc_fail(c, ARMJIT_E_INVALID, "constant into nowhere (internal)"); return;
  }
}

/* d14 (s28, s29) or d15 (s30, s31), the resolver's and the lowering's
 * scratch. */
static bool is_vscratch(ra_loc l) {
  if (l.kind != LOC_VREG) return false;
  return l.type == ARMJIT_FLOAT ? l.n >= (int)MC_D1 : l.n >= (int)MC_S1;
}

void mc_move(mc_fn *c, ra_loc dst, ra_loc src) {
  if (ra_loc_same(dst, src)) return;
  if (is_vscratch(dst) || is_vscratch(src)) mc_vscratch(c, 0);
  int spare = c->t2 ? MC_T2 : -1;
  if (src.kind == LOC_CONST) {
    mc_load_const(c, dst, &c->fn->consts[src.n]);
    return;
  }
  bool pair = dst.type == ARM_TY_I64 && dst.kind != LOC_VREG;
  if (pair && (src.kind == LOC_REG || src.kind == LOC_STACK) && src.type == ARM_TY_I64) {
    /* a whole i64: two word moves (pairs are aligned: equal or disjoint) */
    for (int h = 0; h < 2; h++) {
      ra_loc d = dst.kind == LOC_REG ? ra_reg(dst.n + h, ARMJIT_INT) : ra_stack(dst.n + 4 * h, ARMJIT_INT);
      ra_loc s = src.kind == LOC_REG ? ra_reg(src.n + h, ARMJIT_INT) : ra_stack(src.n + 4 * h, ARMJIT_INT);
      mc_move(c, d, s);
    }
    return;
  }
  switch (dst.kind) {
  case LOC_REG:
    if (src.kind == LOC_REG) a32_dp(c->b, A32_AL, A32_MOV, false, (a32_reg)dst.n, 0, a32_r((a32_reg)src.n));
    else if (src.kind == LOC_STACK) mc_mem(c, MC_LDR, (unsigned)dst.n, A32_FP, src.n, spare);
    else break;
    return;
  case LOC_VREG: {
    bool d = dst.type == ARMJIT_FLOAT;
    if (src.kind == LOC_VREG) a32_vfp(c->b, A32_AL, A32_VMOV, d, (unsigned)dst.n, 0, (unsigned)src.n);
    else if (src.kind == LOC_STACK) mc_mem(c, d ? MC_VLDR_D : MC_VLDR_S, (unsigned)dst.n, A32_FP, src.n, spare);
    else break;
    return;
  }
  case LOC_STACK:
    if (src.kind == LOC_REG) {
      mc_mem(c, MC_STR, (unsigned)src.n, A32_FP, dst.n, spare);
      return;
    }
    if (src.kind == LOC_VREG) {
      mc_mem(c, src.type == ARMJIT_FLOAT ? MC_VSTR_D : MC_VSTR_S, (unsigned)src.n, A32_FP, dst.n, spare);
      return;
    }
    if (src.kind == LOC_STACK) { /* through ip, word by word */
      int words = ra_type_size(dst.type) / 4;
      for (int h = 0; h < words; h++) {
        mc_mem(c, MC_LDR, MC_T0, A32_FP, src.n + 4 * h, -1);
        mc_mem(c, MC_STR, MC_T0, A32_FP, dst.n + 4 * h, spare);
      }
      return;
    }
    break;
  default: break;
  }
  mc_fail(c, ARMJIT_E_INVALID, "unsupported move %d <- %d (internal)", dst.kind, src.kind);
}

static bool grow(mc_fn *c, ra_move **a, uint32_t *cap, uint32_t need) {
  if (ajx_grow(c->ctx, (void **)a, cap, need, sizeof **a)) return true;
  mc_fail(c, ARMJIT_E_NOMEM, "out of memory for parallel moves");
  return false;
}

void mc_pmove(mc_fn *c, const ra_loc *dsts, const ra_loc *srcs, uint32_t n) {
  if (!grow(c, &c->mv, &c->mv_cap, n + 1)) return;
  uint32_t nm = 0;
  for (uint32_t k = 0; k < n; k++) {
    if (srcs[k].kind == LOC_CONST || ra_loc_same(dsts[k], srcs[k])) continue;
    c->mv[nm].dst = dsts[k];
    c->mv[nm].src = srcs[k];
    nm++;
  }
  if (nm) {
    if (!grow(c, &c->pm, &c->pm_cap, RA_PMOVE_CAP(nm))) return;
    unsigned nout = 0;
    const char *why = NULL;
    if (!ra_pmove_resolve_ex(c->mv, nm, c->pm, &nout, c->pm_cap, &why, NULL)) {
      mc_fail(c, ARMJIT_E_INVALID, "parallel move rejected: %s (internal)", why ? why : "?");
      return;
    }
    for (unsigned i = 0; i < nout; i++) mc_move(c, c->pm[i].dst, c->pm[i].src);
  }
  for (uint32_t k = 0; k < n; k++)
    if (srcs[k].kind == LOC_CONST) mc_move(c, dsts[k], srcs[k]);
}
