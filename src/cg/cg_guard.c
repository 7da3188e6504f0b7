/* SPDX-License-Identifier: MIT */
/* Guards on values (docs/ir.md §3): guard_true / guard_false (on a
 * compare fused into the flags, else on the value), guard_value,
 * guard_nonnull / guard_isnull, guard_no_overflow / guard_overflow, and
 * the class guards.  Each ends in the one exit branch (cg_exit_branch):
 * a single b<cc> to its stub, the exit's one patch site; but one of the
 * first five on constants only (static_outcome) is no code when it never
 * fails (the exit stays, with no patch site) and a plain b when it always
 * does.
 *
 * guard_class(p, c) and guard_nonnull_class(p, c) (docs/ir.md §11.4,
 * §12): the pointer-sized word at p + class_offset must equal c.
 *
 *   [movw/movt ip, #|off|]      only when the offset does not fit LDR
 *   cmp    p, #1                nonnull_class: null gives LO and Z clear
 *   ldrhs  ip, [p, #off]        never loads from a null p
 *   cmphs  ip, c
 *   bne    exit */
#include "cg/cg_internal.h"

/* A guard on constants only (the known values made it one: cg_known.c):
 * 1 when it never fails, 0 when it always does, -1 when it is not one
 * (or compares floats, left to the VFP). */
static int static_outcome(cg *c, const ir_op *op, const ir_ref *a) {
  if (op->opc != ARMJIT_OP_GUARD_TRUE && op->opc != ARMJIT_OP_GUARD_FALSE &&
      op->opc != ARMJIT_OP_GUARD_VALUE && op->opc != ARMJIT_OP_GUARD_NONNULL &&
      op->opc != ARMJIT_OP_GUARD_ISNULL)
    return -1;
  for (uint32_t k = 0; k < op->nargs; k++)
    if (!cg_is_const(a[k])) return -1;
  uint64_t x = cg_const_bits(ir_const_of(c->t, a[0]));
  switch (op->opc) {
  case ARMJIT_OP_GUARD_TRUE: case ARMJIT_OP_GUARD_NONNULL: return x != 0;
  case ARMJIT_OP_GUARD_FALSE: case ARMJIT_OP_GUARD_ISNULL: return x == 0;
  case ARMJIT_OP_GUARD_VALUE: {
    armjit_type ty = ir_ref_type(c->t, a[0]);
    if (ty == ARMJIT_FLOAT || ty == ARMJIT_F32) return -1;
    return x == cg_const_bits(ir_const_of(c->t, a[1]));
  }
  default:
    return -1;
  }
}

void cg_lower_guard(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  int outcome = static_outcome(c, op, a);
  if (outcome == 1) {  /* no code; the exit stays, with no branch to it */
    c->fused = IR_NONE;
    cg_record_exit(c, op, -1);
    return;
  }
  if (outcome == 0) {
    cg_exit_branch(c, op, A32_AL);
    return;
  }
  a32_cond fail_cc = A32_AL;
  bool rotated = false;  /* the loop header's guard, copied to the back edge */
  switch (op->opc) {
  case ARMJIT_OP_GUARD_TRUE:
  case ARMJIT_OP_GUARD_FALSE: {
    bool want = op->opc == ARMJIT_OP_GUARD_TRUE;
    if (a[0] == c->fused && c->fused != IR_NONE) {
      fail_cc = want ? a32_cond_invert(c->fused_cc) : c->fused_cc;
      rotated = cg_rotate_header(c, op);
    } else {
      a32_reg rn = cg_reg(c, a[0]);
      a32_dp(c->b, A32_AL, A32_CMP, true, 0, rn, a32_imm(0));
      cg_flags_set(c);
      fail_cc = want ? A32_EQ : A32_NE;
    }
    break;
  }
  case ARMJIT_OP_GUARD_NONNULL:
  case ARMJIT_OP_GUARD_ISNULL: {
    a32_reg rn = cg_reg(c, a[0]);
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, rn, a32_imm(0));
    cg_flags_set(c);
    fail_cc = op->opc == ARMJIT_OP_GUARD_NONNULL ? A32_EQ : A32_NE;
    break;
  }
  case ARMJIT_OP_GUARD_VALUE: {
    ir_ref x = a[0], y = a[1];
    if (cg_is_const(x) && !cg_is_const(y)) { ir_ref t = x; x = y; y = t; }
    armjit_type ty = ir_ref_type(c->t, x);
    if (ty == ARMJIT_FLOAT) {
      cg_float_compare(c, x, y);  /* unordered: NE, so NaN never passes */
    } else if (ty == ARMJIT_F32) {
      cg_f32_compare(c, x, y);    /* the same in single precision */
    } else if (ty == ARMJIT_I64) {
      cg_llong_compare_eq(c, x, y);
    } else {
      a32_reg rn = cg_reg(c, x);
      a32_dp_op dop = A32_CMP;
      a32_operand o = cg_op2(c, y, &dop);
      a32_dp(c->b, A32_AL, dop, true, 0, rn, o);
    }
    cg_flags_set(c);
    fail_cc = A32_NE;
    break;
  }
  case ARMJIT_OP_GUARD_NO_OVERFLOW: fail_cc = c->ovf_cc; break;
  case ARMJIT_OP_GUARD_OVERFLOW: fail_cc = a32_cond_invert(c->ovf_cc); break;
  default:
    cg_fail(c, ARMJIT_E_UNSUPPORTED, "guard %s is not supported", ir_info(op->opc)->name);
    return;
  }
  cg_exit_branch(c, op, fail_cc);
  if (rotated) cg_rotate_header_done(c, fail_cc);
}

void cg_lower_guard_class(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  int32_t off = c->ctx->opts.class_offset;
  bool nonnull = op->opc == ARMJIT_OP_GUARD_NONNULL_CLASS;
  cg_scratch(c);  /* ip: the class word */
  a32_reg rp = cg_reg(c, a[0]);
  a32_dp_op dop = A32_CMP;  /* CMN with the negated constant: same Z */
  a32_operand cls = cg_op2(c, a[1], &dop);
  a32_mem m = a32_mem_imm(rp, off);
  if (off < -ARM_WORD_REACH || off > ARM_WORD_REACH) {
    uint32_t mag = off < 0 ? 0u - (uint32_t)off : (uint32_t)off;
    a32_mov_imm32(c->b, A32_AL, CG_IP, mag);
    m = a32_mem_reg(rp, CG_IP, off < 0, A32_LSL, 0, A32_IDX_OFFSET);
  }
  a32_cond cc = A32_AL;
  if (nonnull) {
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, rp, a32_imm(1));
    cg_flags_set(c);
    cc = A32_HS;
    cg_flags_take(c);  /* by the conditional LDR and CMP */
  }
  a32_ldst(c->b, cc, A32_LDR, CG_IP, m);
  a32_dp(c->b, cc, dop, true, 0, CG_IP, cls);
  cg_flags_set(c);
  cg_exit_branch(c, op, A32_NE);
}

/* guard_not_invalidated: nothing runs while the loop is valid.  The site
 * is a NOP, the exit's patch site; armjit_loop_invalidate turns it into
 * `b <stub>` (or `b <bridge>`), a one-word patch of a NOP into a branch,
 * which a thread running the code sees either before or after. */
void cg_lower_guard_not_invalidated(cg *c, const ir_op *op) {
  cg_record_exit(c, op, (int32_t)a32_buf_size(c->b));
  c->out->exits[op->id].nop = true;
  a32_nop(c->b, A32_AL);
}
