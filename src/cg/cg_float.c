/* SPDX-License-Identifier: MIT */
/* Lowering of float ops (VFP, double precision) and int<->float casts.
 * Conversions go through s30 (ARM_SSCRATCH, half of the scratch d15). */
#include "cg/cg_internal.h"

/* The result in the per-op protocol (cg_op.c), after the operands. */
static unsigned def_float(cg *c, const ir_op *op) { return (unsigned)cg_def(c, op, -1); }

/* float_add(acc, float_mul(x, y)) with the multiply folded (cg_fold.c):
 *   vmla.f64 dacc, dx, dy        the result in acc's register, which dies
 * else, the result elsewhere:
 *   vmov.f64 dd, dacc; vmla.f64 dd, dx, dy     (dd not dx or dy)
 *   vmul.f64 d15, dx, dy; vadd.f64 dd, dacc, d15 */
static void lower_mla(cg *c, const ir_op *op, ir_ref acc, ir_ref x, ir_ref y) {
  unsigned dn = cg_vreg(c, x), dm = cg_vreg(c, y), da = cg_vreg(c, acc);
  ra_extra_use(&c->ra, x);  /* their last uses may be here, not at the multiply */
  ra_extra_use(&c->ra, y);
  unsigned dd = (unsigned)cg_def(c, op, (int)da);
  if (dd == da) {
    a32_vfp(c->b, A32_AL, A32_VMLA, true, dd, dn, dm);
  } else if (dd != dn && dd != dm) {
    a32_vfp(c->b, A32_AL, A32_VMOV, true, dd, 0, da);
    a32_vfp(c->b, A32_AL, A32_VMLA, true, dd, dn, dm);
  } else {
    a32_vfp(c->b, A32_AL, A32_VMUL, true, ARM_DSCRATCH, dn, dm);
    a32_vfp(c->b, A32_AL, A32_VADD, true, dd, da, ARM_DSCRATCH);
  }
}

void cg_lower_float_binop(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  ir_ref x, y;
  if (op->opc == ARMJIT_OP_FLOAT_ADD && cg_folded_mul(c, a[1], &x, &y)) {
    lower_mla(c, op, a[0], x, y);
    return;
  }
  a32_vfp_op vop = op->opc == ARMJIT_OP_FLOAT_ADD   ? A32_VADD
                   : op->opc == ARMJIT_OP_FLOAT_SUB ? A32_VSUB
                   : op->opc == ARMJIT_OP_FLOAT_MUL ? A32_VMUL
                                                    : A32_VDIV;
  unsigned dn = cg_vreg(c, a[0]), dm = cg_vreg(c, a[1]);
  unsigned dd = def_float(c, op);
  a32_vfp(c->b, A32_AL, vop, true, dd, dn, dm);
}

void cg_lower_float_unary(cg *c, const ir_op *op) {
  a32_vfp_op vop = op->opc == ARMJIT_OP_FLOAT_NEG   ? A32_VNEG
                   : op->opc == ARMJIT_OP_FLOAT_ABS ? A32_VABS
                                                    : A32_VSQRT;
  unsigned dm = cg_vreg(c, ir_args(c->t, op)[0]);
  unsigned dd = def_float(c, op);
  a32_vfp(c->b, A32_AL, vop, true, dd, 0, dm);
}

/* vcmp a, b; vmrs.  Unordered sets C and V (N = Z = 0), so these
 * conditions are false on NaN except NE: lt MI, le LS, gt GT, ge GE. */
void cg_float_compare(cg *c, ir_ref x, ir_ref y) {
  unsigned dn = cg_vreg(c, x);
  if (cg_is_const(y) && (cg_const_bits(ir_const_of(c->t, y)) << 1) == 0) {
    a32_vcmp_zero(c->b, A32_AL, false, true, dn);  /* +0.0 or -0.0 */
  } else {
    unsigned dm = cg_vreg(c, y);
    a32_vfp(c->b, A32_AL, A32_VCMP, true, dn, 0, dm);
  }
  a32_vmrs_apsr(c->b, A32_AL);
}

void cg_lower_float_cmp(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  ir_ref x = a[0], y = a[1];
  unsigned opc = op->opc;
  if (cg_is_const(x) && !cg_is_const(y)) {
    ir_ref t = x; x = y; y = t;
    switch (opc) {  /* a < b  <=>  b > a */
    case ARMJIT_OP_FLOAT_LT: opc = ARMJIT_OP_FLOAT_GT; break;
    case ARMJIT_OP_FLOAT_GT: opc = ARMJIT_OP_FLOAT_LT; break;
    case ARMJIT_OP_FLOAT_LE: opc = ARMJIT_OP_FLOAT_GE; break;
    case ARMJIT_OP_FLOAT_GE: opc = ARMJIT_OP_FLOAT_LE; break;
    default: break;
    }
  }
  a32_cond cc;
  switch (opc) {
  case ARMJIT_OP_FLOAT_LT: cc = arm_cc_float(ARM_CMP_LT); break;
  case ARMJIT_OP_FLOAT_LE: cc = arm_cc_float(ARM_CMP_LE); break;
  case ARMJIT_OP_FLOAT_GT: cc = arm_cc_float(ARM_CMP_GT); break;
  case ARMJIT_OP_FLOAT_GE: cc = arm_cc_float(ARM_CMP_GE); break;
  case ARMJIT_OP_FLOAT_EQ: cc = arm_cc_float(ARM_CMP_EQ); break;
  default: cc = arm_cc_float(ARM_CMP_NE); break;
  }
  cg_float_compare(c, x, y);
  cg_set_bool(c, op, cc);
}

void cg_lower_cast(cg *c, const ir_op *op) {
  ir_ref x = ir_args(c->t, op)[0];
  if (op->opc == ARMJIT_OP_CAST_FLOAT_TO_INT) {
    /* round toward zero, saturating, NaN -> 0: the IR rule */
    unsigned dm = cg_vreg(c, x);
    a32_reg rd = (a32_reg)cg_def(c, op, -1);
    a32_vcvt(c->b, A32_AL, A32_CVT_S32_F64, ARM_SSCRATCH, dm);
    a32_vmov_s_to_core(c->b, A32_AL, rd, ARM_SSCRATCH);
    return;
  }
  a32_reg rn = cg_reg(c, x);
  unsigned dd = def_float(c, op);
  a32_vmov_core_to_s(c->b, A32_AL, ARM_SSCRATCH, rn);
  a32_vcvt(c->b, A32_AL, A32_CVT_F64_S32, dd, ARM_SSCRATCH);
}
