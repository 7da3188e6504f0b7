/* SPDX-License-Identifier: MIT */
/* Operands: values into registers, and the constant ladder (modified
 * immediate, inverse opcode, a register already caching the constant,
 * MOVW, MOVW+MOVT).  Constants are rematerialized, never spilled. */
#include "cg/cg_internal.h"

#define BUSY_D15 (1u << 16)

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

/* A constant that needs MOVW+MOVT but is a modified immediate away from
 * one a register caches: one ADD/SUB from that register instead. */
static bool load_by_delta(cg *c, a32_reg rd, uint32_t v) {
  if (a32_modimm(v) >= 0 || a32_modimm(~v) >= 0 || v <= 0xffffu) return false;
  for (int r = 0; r < ARM_NCORE; r++) {
    if (r == (int)rd) continue;  /* already marked as caching the new value */
    ir_ref k = ra_cached_const(&c->ra, r);
    if (k == IR_NONE || ir_ref_type(c->t, k) == ARMJIT_FLOAT) continue;
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

a32_reg cg_reg(cg *c, ir_ref r) {
  if (!IR_IS_CONST(r)) return (a32_reg)ra_use(&c->ra, r);
  int reg = ra_const_reg(&c->ra, r);
  if (reg >= 0) return (a32_reg)reg;
  uint32_t v = cg_const_word(c->t, r);
  reg = ra_const_take(&c->ra, r);
  if (reg < 0) reg = cg_scratch(c);
  if (reg < 0) reg = ra_temp(&c->ra, false);
  if (!load_by_delta(c, (a32_reg)reg, v)) cg_load_int(c, (a32_reg)reg, v);
  return (a32_reg)reg;
}

unsigned cg_vreg(cg *c, ir_ref r) {
  if (!IR_IS_CONST(r)) return (unsigned)ra_use(&c->ra, r);
  int reg = ra_const_reg(&c->ra, r);
  if (reg >= 0) return (unsigned)reg;
  reg = ra_const_take(&c->ra, r);
  if (reg < 0 && !(c->busy & BUSY_D15)) {
    c->busy |= BUSY_D15;
    reg = ARM_DSCRATCH;
  }
  if (reg < 0) reg = ra_temp(&c->ra, true);
  cg_load_float(c, (unsigned)reg, cg_const_bits(ir_const_of(c->t, r)));
  return (unsigned)reg;
}

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
