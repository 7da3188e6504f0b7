/* SPDX-License-Identifier: MIT */
/* Exceptions and forcing (docs/ir.md §11.2-11.3, §12).
 *
 * The exception slot is the context's word at &ctx->exc, fixed for the
 * context's lifetime, so its address is a MOVW/MOVT constant.  The force
 * flag is a word of the trace's own frame, [fp, #ARM_FORCE_OFF], zeroed by
 * the prologue; force_token is its address.  These guards directly follow
 * their call, so the values they hand back are already out of r0-r3 /
 * d0-d7 (or are the call's result). */
#include "cg/cg_call.h"

static uint32_t exc_addr(cg *c) { return (uint32_t)(uintptr_t)&c->ctx->exc; }

static void exit_branch(cg *c, const ir_op *op, a32_cond fail_cc) {
  c->fused = IR_NONE;
  cg_record_exit(c, op, (int32_t)a32_buf_size(c->b));
  a32_b(c->b, fail_cc, c->stub_at[op->id]);
}

void cg_lower_force_token(cg *c, const ir_op *op) {
  a32_reg rd = (a32_reg)ra_def(&c->ra, op->res, -1);
  a32_dp(c->b, A32_AL, A32_SUB, false, rd, A32_FP, a32_imm((uint32_t)-ARM_FORCE_OFF));
}

/* ldr ip, flag; cmp ip, #0; mov ip, #0; str ip, flag; bne exit:
 * read and clear (MOV leaves the flags), so a bridge starts unforced. */
static void not_forced(cg *c, const ir_op *op) {
  int ip = cg_scratch(c);
  if (ip < 0) {
    cg_fail(c, ARMJIT_E_INVALID, "no scratch register for guard_not_forced (internal)");
    return;
  }
  a32_reg r = (a32_reg)ip;
  a32_ldst(c->b, A32_AL, A32_LDR, r, a32_mem_imm(A32_FP, ARM_FORCE_OFF));
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, r, a32_imm(0));
  a32_dp(c->b, A32_AL, A32_MOV, false, r, 0, a32_imm(0));
  a32_ldst(c->b, A32_AL, A32_STR, r, a32_mem_imm(A32_FP, ARM_FORCE_OFF));
  exit_branch(c, op, A32_NE);
}

/* Fails when the slot is non-zero; the slot is left for the caller. */
static void no_exception(cg *c, const ir_op *op) {
  int ip = cg_scratch(c);
  if (ip < 0) {
    cg_fail(c, ARMJIT_E_INVALID, "no scratch register for guard_no_exception (internal)");
    return;
  }
  a32_reg r = (a32_reg)ip;
  cg_load_addr(c, r, exc_addr(c));
  a32_ldst(c->b, A32_AL, A32_LDR, r, a32_mem_imm(r, 0));
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, r, a32_imm(0));
  exit_branch(c, op, A32_NE);
}

/* p = the pending value; fails when there is none; on passing the slot is
 * cleared (after the branch: a failing guard leaves it untouched).  The
 * result register is taken before the dying fail args are released, so
 * it cannot overwrite a value the exit still reads. */
static void exception(cg *c, const ir_op *op) {
  a32_reg rd = (a32_reg)ra_def(&c->ra, op->res, -1);
  int ip = cg_scratch(c), zero = cg_scratch(c);
  if (ip < 0 || zero < 0) {
    cg_fail(c, ARMJIT_E_INVALID, "no scratch register for guard_exception (internal)");
    return;
  }
  cg_load_addr(c, (a32_reg)ip, exc_addr(c));
  a32_ldst(c->b, A32_AL, A32_LDR, rd, a32_mem_imm((a32_reg)ip, 0));
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, rd, a32_imm(0));
  exit_branch(c, op, A32_EQ);
  a32_dp(c->b, A32_AL, A32_MOV, false, (a32_reg)zero, 0, a32_imm(0));
  a32_ldst(c->b, A32_AL, A32_STR, (a32_reg)zero, a32_mem_imm((a32_reg)ip, 0));
}

void cg_lower_guard_rt(cg *c, const ir_op *op) {
  switch (op->opc) {
  case ARMJIT_OP_GUARD_NOT_FORCED: not_forced(c, op); break;
  case ARMJIT_OP_GUARD_NO_EXCEPTION: no_exception(c, op); break;
  case ARMJIT_OP_GUARD_EXCEPTION: exception(c, op); break;
  default:
    cg_fail(c, ARMJIT_E_UNSUPPORTED, "guard %s is not supported", ir_info(op->opc)->name);
    break;
  }
}
