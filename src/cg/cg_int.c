/* SPDX-License-Identifier: MIT */
/* Lowering of integer ops, each in the per-op protocol (cg_op.c):
 * operands, then the result (def_int), then the instructions. */
#include "cg/cg_internal.h"

static a32_reg def_int(cg *c, const ir_op *op) { return (a32_reg)cg_def(c, op, -1); }

static void mov_reg(cg *c, a32_reg rd, a32_reg rn) {
  if (rd != rn) a32_dp(c->b, A32_AL, A32_MOV, false, rd, 0, a32_r(rn));
}

/* add sub and or xor, and the flag-setting add/sub of *_ovf */
static void lower_dp(cg *c, const ir_op *op, a32_dp_op dop, bool s) {
  const ir_ref *a = ir_args(c->t, op);
  ir_ref x = a[0], y = a[1];
  bool comm = dop != A32_SUB;
  /* One operand may be a shift folded into the shifter operand (cg_fold.c);
   * x - (y << k) with the shift on the left is a reverse subtract. */
  a32_operand sho;
  bool left = false;
  if (cg_folded_operand(c, y, &sho) || (left = cg_folded_operand(c, x, &sho))) {
    a32_reg rn = cg_reg(c, left ? y : x);
    a32_reg rd = def_int(c, op);
    a32_dp(c->b, A32_AL, left && !comm ? A32_RSB : dop, s, rd, rn, sho);
    return;
  }
  if (cg_is_const(x) && !cg_is_const(y)) {
    if (comm) {
      ir_ref tmp = x; x = y; y = tmp;
    } else if (a32_modimm(cg_const_word(c->t, x)) >= 0) {
      /* k - y: reverse subtract with the immediate */
      a32_reg rn = cg_reg(c, y);
      a32_reg rd = def_int(c, op);
      a32_dp(c->b, A32_AL, A32_RSB, s, rd, rn, a32_imm(cg_const_word(c->t, x)));
      return;
    }
  }
  a32_reg rn = cg_reg(c, x);
  a32_operand o = cg_op2(c, y, &dop);
  a32_reg rd = def_int(c, op);
  a32_dp(c->b, A32_AL, dop, s, rd, rn, o);
}

/* x & (2^k - 1) when neither AND nor BIC takes the mask as an immediate:
 *   ubfx rd, rx, #0, #k
 * instead of building the mask in a register first (movw ip, #mask;
 * and rd, rx, ip): k = 9..23 (k = 16: uxth); smaller masks are AND
 * immediates, larger ones BIC immediates of the complement. */
static bool lower_low_mask(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  ir_ref x = a[0], y = a[1];
  if (cg_is_const(x)) { ir_ref t = x; x = y; y = t; }
  if (cg_is_const(x) || !cg_is_const(y) || cg_folded(c, x)) return false;
  uint32_t w = cg_const_word(c->t, y), v = w;
  a32_dp_op dop = A32_AND;
  if (a32_modimm_inverse(&dop, &v) || w == 0 || w == UINT32_MAX || (w & (w + 1)))
    return false;
  unsigned k = 0;
  while (w >> k & 1u) k++;
  a32_reg rn = cg_reg(c, x);
  a32_reg rd = def_int(c, op);
  a32_bitfield(c->b, A32_AL, A32_UBFX, rd, rn, 0, k);
  return true;
}

void cg_lower_int_binop(cg *c, const ir_op *op) {
  a32_dp_op dop;
  if (op->opc == ARMJIT_OP_INT_AND && lower_low_mask(c, op)) return;
  switch (op->opc) {
  case ARMJIT_OP_INT_ADD: dop = A32_ADD; break;
  case ARMJIT_OP_INT_SUB: dop = A32_SUB; break;
  case ARMJIT_OP_INT_AND: dop = A32_AND; break;
  case ARMJIT_OP_INT_OR: dop = A32_ORR; break;
  default: dop = A32_EOR; break;
  }
  lower_dp(c, op, dop, false);
}

static bool pow2(uint32_t v, unsigned *k) {
  if (!v || (v & (v - 1))) return false;
  unsigned n = 0;
  while (!(v & 1)) { v >>= 1; n++; }
  *k = n;
  return true;
}

void cg_lower_int_mul(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  ir_ref x = a[0], y = a[1];
  if (cg_is_const(x) && !cg_is_const(y)) { ir_ref t = x; x = y; y = t; }
  unsigned k;
  if (cg_is_const(y) && pow2(cg_const_word(c->t, y), &k)) {
    /* x * 2^k wraps exactly like x << k */
    a32_reg rn = cg_reg(c, x);
    a32_reg rd = def_int(c, op);
    if (k) a32_shift_imm(c->b, A32_AL, A32_LSL, false, rd, rn, k);
    else mov_reg(c, rd, rn);
    return;
  }
  a32_reg rn = cg_reg(c, x), rm = cg_reg(c, y);
  a32_reg rd = def_int(c, op);
  a32_mul(c->b, A32_AL, A32_MUL, false, rd, rn, rm, 0);
}

/* Division without SDIV: call the C helper (AAPCS: r0, r1 -> r0). */
static void div_call(cg *c, const ir_op *op, uint32_t helper) {
  const ir_ref *a = ir_args(c->t, op);
  ra_call_prepare(&c->ra);
  ra_loc dsts[2] = {ra_reg(A32_R0, ARMJIT_INT), ra_reg(A32_R1, ARMJIT_INT)};
  ra_loc srcs[2] = {ra_where(&c->ra, a[0]), ra_where(&c->ra, a[1])};
  cg_parallel_move(c, dsts, srcs, 2);
  cg_release(c);
  ra_call_clobber(&c->ra);
  cg_load_addr(c, CG_IP, helper);
  a32_blx(c->b, A32_AL, CG_IP);
  cg_def_fixed(c, op, false, A32_R0);
}

void cg_lower_int_div(cg *c, const ir_op *op) {
  bool mod = op->opc == ARMJIT_OP_INT_MOD;
  if (!(c->ctx->features & A32_FEAT_IDIV)) {
    div_call(c, op, mod ? c->env->mod_helper : c->env->div_helper);
    return;
  }
  const ir_ref *a = ir_args(c->t, op);
  a32_reg rn = cg_reg(c, a[0]), rm = cg_reg(c, a[1]);
  if (!mod) {
    a32_reg rd = def_int(c, op);
    a32_sdiv(c->b, A32_AL, rd, rn, rm);
    return;
  }
  /* x - (x / y) * y: SDIV's x/0 = 0 gives x % 0 = x */
  int q = cg_scratch(c);
  if (q < 0) q = ra_temp(&c->ra, false);
  a32_sdiv(c->b, A32_AL, (a32_reg)q, rn, rm);
  a32_reg rd = def_int(c, op);
  a32_mul(c->b, A32_AL, A32_MLS, false, rd, (a32_reg)q, rm, rn);
}

/* uint_mul_high: umull lo, rd, rn, rm with the low word in a scratch. */
void cg_lower_mul_high(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  a32_reg rn = cg_reg(c, a[0]), rm = cg_reg(c, a[1]);
  int lo = cg_scratch(c);
  if (lo < 0) lo = ra_temp(&c->ra, false);
  a32_reg rd = def_int(c, op);
  a32_mul(c->b, A32_AL, A32_UMULL, false, (a32_reg)lo, rn, rm, rd);
}

/* int_signext(x, 1 / 2 / 4): sxtb rd, rx / sxth rd, rx / mov (the count
 * is a constant: the validator's rule). */
void cg_lower_signext(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  uint32_t bytes = cg_const_word(c->t, a[1]);
  a32_reg rn = cg_reg(c, a[0]);
  a32_reg rd = (a32_reg)cg_def(c, op, bytes == 4 ? (int)rn : -1);
  if (bytes == 4) mov_reg(c, rd, rn);
  else a32_extend(c->b, A32_AL, bytes == 1 ? A32_SXTB : A32_SXTH, rd, 0, rn, 0);
}

void cg_lower_shift(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  a32_shift sh = op->opc == ARMJIT_OP_INT_LSHIFT   ? A32_LSL
                 : op->opc == ARMJIT_OP_INT_RSHIFT ? A32_ASR
                                                   : A32_LSR;
  if (!cg_is_const(a[1])) {
    /* register shifts use the count's low byte, exactly the IR rule */
    a32_reg rn = cg_reg(c, a[0]), rs = cg_reg(c, a[1]);
    a32_reg rd = def_int(c, op);
    a32_shift_reg(c->b, A32_AL, sh, false, rd, rn, rs);
    return;
  }
  unsigned n = cg_const_word(c->t, a[1]) & 0xffu;
  a32_reg rn = cg_reg(c, a[0]);
  a32_reg rd = def_int(c, op);
  if (n == 0) mov_reg(c, rd, rn);
  else if (n < 32) a32_shift_imm(c->b, A32_AL, sh, false, rd, rn, n);
  else if (sh == A32_ASR) a32_shift_imm(c->b, A32_AL, A32_ASR, false, rd, rn, 32);
  else a32_dp(c->b, A32_AL, A32_MOV, false, rd, 0, a32_imm(0));
}

void cg_lower_int_unary(cg *c, const ir_op *op) {
  a32_reg rn = cg_reg(c, ir_args(c->t, op)[0]);
  a32_reg rd = def_int(c, op);
  switch (op->opc) {
  case ARMJIT_OP_INT_NEG: a32_dp(c->b, A32_AL, A32_RSB, false, rd, rn, a32_imm(0)); break;
  case ARMJIT_OP_INT_INVERT: a32_dp(c->b, A32_AL, A32_MVN, false, rd, 0, a32_r(rn)); break;
  default: /* force_ge_zero: x & ~(x >> 31) clears negatives */
    a32_dp(c->b, A32_AL, A32_BIC, false, rd, rn, a32_rsi(rn, A32_ASR, 31));
    break;
  }
}

bool cg_fusable(cg *c, const ir_op *op) {
  uint32_t i = c->pos;
  if (i + 1 >= c->t->nops || op->res < 0) return false;
  const ir_op *g = &c->t->ops[i + 1];
  if (g->opc != ARMJIT_OP_GUARD_TRUE && g->opc != ARMJIT_OP_GUARD_FALSE &&
      g->opc != ARMJIT_OP_COND_CALL)  /* its condition: b<cc> to the cold call */
    return false;
  return ir_args(c->t, g)[0] == op->res && c->lv.nuses[op->res] == 1;
}

void cg_set_bool(cg *c, const ir_op *op, a32_cond cc) {
  if (cg_fusable(c, op)) {
    c->fused = op->res;
    c->fused_cc = cc;
    cg_flags_set(c);  /* read by the guard, the next op */
    return;
  }
  a32_reg rd = def_int(c, op);
  a32_dp(c->b, A32_AL, A32_MOV, false, rd, 0, a32_imm(0));
  a32_dp(c->b, cc, A32_MOV, false, rd, 0, a32_imm(1));
}

void cg_lower_int_cmp(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  a32_cond cc;
  switch (op->opc) {
  case ARMJIT_OP_INT_LT: cc = arm_cc_int(ARM_CMP_LT); break;
  case ARMJIT_OP_INT_LE: cc = arm_cc_int(ARM_CMP_LE); break;
  case ARMJIT_OP_INT_GT: cc = arm_cc_int(ARM_CMP_GT); break;
  case ARMJIT_OP_INT_GE: cc = arm_cc_int(ARM_CMP_GE); break;
  case ARMJIT_OP_UINT_LT: cc = arm_cc_int(ARM_CMP_ULT); break;
  case ARMJIT_OP_UINT_LE: cc = arm_cc_int(ARM_CMP_ULE); break;
  case ARMJIT_OP_UINT_GT: cc = arm_cc_int(ARM_CMP_UGT); break;
  case ARMJIT_OP_UINT_GE: cc = arm_cc_int(ARM_CMP_UGE); break;
  case ARMJIT_OP_INT_EQ: case ARMJIT_OP_PTR_EQ: case ARMJIT_OP_INSTANCE_PTR_EQ:
  case ARMJIT_OP_INT_IS_ZERO: cc = arm_cc_int(ARM_CMP_EQ); break;
  default: cc = arm_cc_int(ARM_CMP_NE); break;
  }
  if (op->opc == ARMJIT_OP_INT_IS_TRUE || op->opc == ARMJIT_OP_INT_IS_ZERO) {
    a32_reg rn = cg_reg(c, a[0]);
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, rn, a32_imm(0));
  } else {
    ir_ref x = a[0], y = a[1];
    if (cg_is_const(x) && !cg_is_const(y)) {
      ir_ref t = x; x = y; y = t;
      cc = arm_cc_swap(cc);
    }
    a32_reg rn = cg_reg(c, x);
    a32_dp_op dop = A32_CMP;  /* CMN with the negated constant keeps every flag
                                 a condition here reads (the constant is not 0) */
    a32_operand o = cg_op2(c, y, &dop);
    a32_dp(c->b, A32_AL, dop, true, 0, rn, o);
  }
  cg_set_bool(c, op, cc);
}

void cg_lower_ovf(cg *c, const ir_op *op) {
  if (op->opc == ARMJIT_OP_INT_ADD_OVF || op->opc == ARMJIT_OP_INT_SUB_OVF) {
    /* the inverse opcode with the negated constant computes the same exact
     * sum, so V is the same (INT_MIN is encodable and never inverted) */
    lower_dp(c, op, op->opc == ARMJIT_OP_INT_ADD_OVF ? A32_ADD : A32_SUB, true);
    c->ovf_cc = A32_VS;
    cg_flags_set(c);  /* read by the overflow guard */
    return;
  }
  const ir_ref *a = ir_args(c->t, op);
  a32_reg rn = cg_reg(c, a[0]), rm = cg_reg(c, a[1]);
  int hi = cg_scratch(c);
  if (hi < 0) hi = ra_temp(&c->ra, false);
  a32_reg rd = def_int(c, op);
  /* the 64-bit product fits in 32 bits iff hi is the sign of lo */
  a32_mul(c->b, A32_AL, A32_SMULL, false, rd, rn, rm, (a32_reg)hi);
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, (a32_reg)hi, a32_rsi(rd, A32_ASR, 31));
  c->ovf_cc = A32_NE;
  cg_flags_set(c);
}

void cg_lower_same_as(cg *c, const ir_op *op) {
  ir_ref x = ir_args(c->t, op)[0];
  if (ra_is_float(&c->ra, x)) {  /* float, i64, f32: one d register */
    unsigned dn = cg_vreg(c, x);
    unsigned dd = (unsigned)cg_def(c, op, (int)dn);
    if (dd != dn) a32_vfp(c->b, A32_AL, A32_VMOV, true, dd, 0, dn);
    return;
  }
  a32_reg rn = cg_reg(c, x);
  a32_reg rd = (a32_reg)cg_def(c, op, (int)rn);
  mov_reg(c, rd, rn);
}
