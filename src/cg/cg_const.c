/* SPDX-License-Identifier: MIT */
/* The constant ladder: every way a trace constant reaches an instruction,
 * cheapest first.  Constants are rematerialized, never spilled; a free
 * register may cache one (ra/alloc.h), which costs nothing to drop.
 *
 * Core values (int, ref):
 *   1. a modified immediate in the instruction itself        add rd, rn, #k
 *   2. the inverse opcode with the transformed immediate     sub rd, rn, #-k
 *                                                            mvn / cmn / bic
 *   3. a register already caching the constant               (nothing)
 *   4. ADD/SUB of a modified immediate from a register       add rd, rk, #d
 *      caching a nearby constant (only when step 5 would
 *      need MOVW+MOVT)
 *   5. one load: MOV/MVN #imm, MOVW, or MOVW+MOVT            (a32_mov_imm32)
 *   Steps 1-2 are cg_op2, 3-5 cg_const_reg; moves of constants into a
 *   location (cg_move) take step 5 directly.  Absolute addresses that may
 *   be patched are always MOVW+MOVT (cg_load_addr).
 *
 * Floats (doubles):
 *   1. a register already caching the constant               (nothing)
 *   2. a VFP immediate (+-(16..31)/16 * 2^(-3..4))           vmov.f64 dd, #0.5
 *   3. VLDR from the float pool after the prologue           vldr dd, [pc, #o]
 *      (within VLDR's 1020 bytes; immediates stay out of it)
 *   4. the two words built in core registers and VMOV        movw/movt ip, lr
 *                                                            vmov dd, ip, lr
 *   Compares with +-0.0 use VCMP's zero form (cg_float.c). */
#include "cg/cg_internal.h"

bool cg_is_const(ir_ref r) { return IR_IS_CONST(r); }

uint64_t cg_const_bits(const ir_const *k) {
  switch (k->type) {
  case ARMJIT_INT: return (uint32_t)k->v.i;
  case ARMJIT_REF: return (uint64_t)k->v.r;
  default: return k->v.bits;
  }
}

uint32_t cg_const_word(const armjit_trace *t, ir_ref k) {
  return (uint32_t)cg_const_bits(ir_const_of(t, k));
}

/* ---- core: steps 1-2 (cg_op2) ------------------------------------------------ */
a32_operand cg_op2(cg *c, ir_ref r, a32_dp_op *op) {
  if (IR_IS_CONST(r)) {
    uint32_t v = cg_const_word(c->t, r);
    if (a32_modimm(v) >= 0) return a32_imm(v);
    a32_dp_op inv = *op;
    uint32_t w = v;
    if (a32_modimm_inverse(&inv, &w)) {
      *op = inv;
      return a32_imm(w);
    }
  }
  return a32_r(cg_reg(c, r));
}

/* ---- core: steps 3-5 ----------------------------------------------------------- */
void cg_load_int(cg *c, a32_reg rd, uint32_t v) { a32_mov_imm32(c->b, A32_AL, rd, v); }

void cg_load_addr(cg *c, a32_reg rd, uint32_t addr) {
  a32_movw(c->b, A32_AL, rd, addr & 0xffffu);
  a32_movt(c->b, A32_AL, rd, addr >> 16);
}

/* Step 4: v needs MOVW+MOVT but is a modified immediate away from a
 * constant another register caches: one ADD/SUB from that register. */
static bool load_by_delta(cg *c, a32_reg rd, uint32_t v) {
  if (a32_modimm(v) >= 0 || a32_modimm(~v) >= 0 || v <= 0xffffu) return false;
  for (int r = 0; r < ARM_NCORE; r++) {
    if (r == (int)rd) continue;  /* already marked as caching the new value */
    ir_ref k = ra_cached_const(&c->ra, r);
    if (k == IR_NONE || ra_storage_of(ir_ref_type(c->t, k)) == ARMJIT_FLOAT) continue;
    uint32_t d = v - cg_const_word(c->t, k);
    if (a32_modimm(d) >= 0) {
      a32_dp(c->b, A32_AL, A32_ADD, false, rd, (a32_reg)r, a32_imm(d));
      return true;
    }
    if (a32_modimm(0u - d) >= 0) {
      a32_dp(c->b, A32_AL, A32_SUB, false, rd, (a32_reg)r, a32_imm(0u - d));
      return true;
    }
  }
  return false;
}

a32_reg cg_const_reg(cg *c, ir_ref k) {
  int reg = ra_const_reg(&c->ra, k);
  if (reg >= 0) return (a32_reg)reg;  /* step 3 */
  uint32_t v = cg_const_word(c->t, k);
  reg = ra_const_take(&c->ra, k);
  if (reg < 0) reg = cg_scratch(c);
  if (reg < 0) reg = ra_temp(&c->ra, false);
  if (!load_by_delta(c, (a32_reg)reg, v)) cg_load_int(c, (a32_reg)reg, v);
  return (a32_reg)reg;
}

/* ---- floats: the pool (step 3) ---------------------------------------------------- */
/* The trace's float constants as doubles right after the prologue
 * (branched over once on entry), so a constant costs one pc-relative VLDR
 * instead of MOVW/MOVT pairs and a VMOV.  VLDR reaches 1020 bytes, so code
 * further away falls back to step 4. */

/* Most doubles the pool holds: 127 fill the VLDR reach. */
#define POOL_MAX 96u

static bool pool_has(const cg *c, uint64_t bits) {
  for (uint32_t i = 0; i < c->pool_n; i++)
    if (c->pool[i] == bits) return true;
  return false;
}

void cg_emit_pool(cg *c) {
  const armjit_trace *t = c->t;
  c->pool_n = 0;
  for (uint32_t i = 0; i < t->nops && c->pool_n < POOL_MAX; i++) {
    if (c->lv.dead[i]) continue;
    const ir_op *op = &t->ops[i];
    const ir_ref *a = ir_args(t, op);
    for (uint32_t k = 0; k < op->nargs && c->pool_n < POOL_MAX; k++) {
      if (!IR_IS_CONST(a[k]) || ra_storage_of(ir_ref_type(t, a[k])) != ARMJIT_FLOAT) continue;
      uint64_t bits = cg_const_bits(ir_const_of(t, a[k]));
      if (a32_vfp_imm8(true, bits) < 0 && !pool_has(c, bits)) c->pool[c->pool_n++] = bits;
    }
  }
  if (!c->pool_n) return;
  a32_label skip = a32_label_new(c->b);
  a32_b(c->b, A32_AL, skip);
  a32_align(c->b, 8);
  c->pool_off = (uint32_t)a32_buf_size(c->b);
  for (uint32_t i = 0; i < c->pool_n; i++) {
    a32_word(c->b, (uint32_t)c->pool[i]);
    a32_word(c->b, (uint32_t)(c->pool[i] >> 32));
  }
  c->out->pool_off = c->pool_off;
  c->out->pool_bytes = 8 * c->pool_n;
  a32_label_bind(c->b, skip);
}

/* VLDR dd from the pool when bits is there and within reach. */
static bool pool_load(cg *c, unsigned dd, uint64_t bits) {
  for (uint32_t i = 0; i < c->pool_n; i++) {
    if (c->pool[i] != bits) continue;
    /* pc reads as the VLDR's address + 8 */
    int64_t delta = (int64_t)(c->pool_off + 8 * i) - ((int64_t)a32_buf_size(c->b) + 8);
    if (delta < -1020 || delta > 1020) return false;
    a32_vldr(c->b, A32_AL, true, dd, A32_PC, (int32_t)delta);
    return true;
  }
  return false;
}

/* ---- floats: steps 2-4, and step 1 for operands ------------------------------------ */
void cg_load_float(cg *c, unsigned dd, uint64_t bits) {
  if (a32_vfp_imm8(true, bits) >= 0) {
    a32_vmov_imm(c->b, A32_AL, true, dd, bits);
    return;
  }
  if (pool_load(c, dd, bits)) return;
  uint32_t lo = (uint32_t)bits, hi = (uint32_t)(bits >> 32);
  cg_tmp a = cg_tmp_get(c, 0);
  cg_load_int(c, a.r, lo);
  if (hi == lo) {
    a32_vmov_core_to_d(c->b, A32_AL, dd, a.r, a.r);
  } else {
    cg_tmp h = cg_tmp_get(c, 1u << a.r);
    cg_load_int(c, h.r, hi);
    a32_vmov_core_to_d(c->b, A32_AL, dd, a.r, h.r);
    cg_tmp_put(c, h);
  }
  cg_tmp_put(c, a);
}

unsigned cg_const_vreg(cg *c, ir_ref k) {
  int reg = ra_const_reg(&c->ra, k);
  if (reg >= 0) return (unsigned)reg;  /* step 1 */
  reg = ra_const_take(&c->ra, k);
  if (reg < 0) reg = cg_dscratch(c);
  if (reg < 0) reg = ra_temp(&c->ra, true);
  cg_load_float(c, (unsigned)reg, cg_const_bits(ir_const_of(c->t, k)));
  return (unsigned)reg;
}
