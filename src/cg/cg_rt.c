/* SPDX-License-Identifier: MIT */
/* Exceptions and forcing (docs/ir.md §11.2-11.3, §12).
 *
 * The exception slot is a word fixed for the context's lifetime; its
 * address (cg_env.exc_slot) is a MOVW/MOVT constant.  The force
 * flag is a word of the trace's own frame, [fp, #ARM_FORCE_OFF], zeroed by
 * the prologue; force_token is its address.  These guards directly follow
 * their call, so the values they hand back are already out of r0-r3 /
 * d0-d7 (or are the call's result). */
#include "cg/cg_call.h"

void cg_lower_force_token(cg *c, const ir_op *op) {
  a32_reg rd = (a32_reg)cg_def(c, op, -1);
  a32_dp(c->b, A32_AL, A32_SUB, false, rd, A32_FP, a32_imm((uint32_t)-ARM_FORCE_OFF));
}

/* Reads the force flag and clears it when set, so a bridge starts
 * unforced.  Being forced is rare: the clearing is cold code.
 *
 *   ldr   ip, [fp, #-8]     the flag
 *   cmp   ip, #0
 *   bne   cold              forced: clear it out of line
 * resume:
 *   bne   exit              the guard's one patch site
 *   ...
 * cold:                     (after the loop body, cg_cold.c)
 *   mov   ip, #0            MOV and STR leave the flags for the bne
 *   str   ip, [fp, #-8]
 *   b     resume */
static void clear_force_flag(cg *c, const cg_cold *k) {
  a32_reg r = (a32_reg)k->arg[0];
  a32_dp(c->b, A32_AL, A32_MOV, false, r, 0, a32_imm(0));
  a32_ldst(c->b, A32_AL, A32_STR, r, a32_mem_imm(A32_FP, ARM_FORCE_OFF));
}

static void not_forced(cg *c, const ir_op *op) {
  int ip = cg_scratch(c);
  if (ip < 0) {
    cg_fail(c, ARMJIT_E_INVALID, "no scratch register for guard_not_forced (internal)");
    return;
  }
  a32_reg r = (a32_reg)ip;
  a32_ldst(c->b, A32_AL, A32_LDR, r, a32_mem_imm(A32_FP, ARM_FORCE_OFF));
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, r, a32_imm(0));
  cg_flags_set(c);
  cg_cold *k = cg_cold_branch(c, A32_NE, clear_force_flag);
  if (!k) return;
  k->arg[0] = (uint32_t)r;
  cg_exit_branch(c, op, A32_NE);
}

/* Fails when the slot is non-zero; the slot is left for the caller. */
static void no_exception(cg *c, const ir_op *op) {
  int ip = cg_scratch(c);
  if (ip < 0) {
    cg_fail(c, ARMJIT_E_INVALID, "no scratch register for guard_no_exception (internal)");
    return;
  }
  a32_reg r = (a32_reg)ip;
  cg_load_addr(c, r, c->env->exc_slot);
  a32_ldst(c->b, A32_AL, A32_LDR, r, a32_mem_imm(r, 0));
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, r, a32_imm(0));
  cg_flags_set(c);
  cg_exit_branch(c, op, A32_NE);
}

/* p = guard_exception(cls): the pending value when there is one and its
 * class word is cls, else the exit; on passing the slot is cleared (after
 * the branch: a failing guard leaves it untouched).  The class test is
 * guard_nonnull_class's (cg_guard.c), so one branch covers both failures:
 *
 *   movw  ip, #:lower16:slot
 *   movt  ip, #:upper16:slot
 *   ldr   rd, [ip]
 *   [movw/movt lr, #|off|]  only when class_offset does not fit LDR
 *   cmp   rd, #1            none pending: LO and Z clear
 *   ldrhs lr, [rd, #off]    never loads through a null value
 *   cmphs lr, cls
 *   bne   exit              the guard's one patch site
 *   mov   lr, #0            caught: the slot is emptied
 *   str   lr, [ip]
 *
 * The result register is taken before the dying fail args are released,
 * so it cannot overwrite a value the exit still reads. */
static void exception(cg *c, const ir_op *op) {
  int ip = cg_scratch(c), lr = cg_scratch(c);
  if (ip < 0 || lr < 0) {
    cg_fail(c, ARMJIT_E_INVALID, "no scratch register for guard_exception (internal)");
    return;
  }
  a32_dp_op dop = A32_CMP;  /* CMN with the negated constant: same Z */
  a32_operand cls = cg_op2(c, ir_args(c->t, op)[0], &dop);
  a32_reg rd = (a32_reg)cg_def_keep(c, op);
  int32_t off = c->ctx->opts.class_offset;
  cg_load_addr(c, (a32_reg)ip, c->env->exc_slot);
  a32_ldst(c->b, A32_AL, A32_LDR, rd, a32_mem_imm((a32_reg)ip, 0));
  a32_mem m = a32_mem_imm(rd, off);
  if (off < -ARM_WORD_REACH || off > ARM_WORD_REACH) {
    uint32_t mag = off < 0 ? 0u - (uint32_t)off : (uint32_t)off;
    a32_mov_imm32(c->b, A32_AL, (a32_reg)lr, mag);
    m = a32_mem_reg(rd, (a32_reg)lr, off < 0, A32_LSL, 0, A32_IDX_OFFSET);
  }
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, rd, a32_imm(1));
  cg_flags_set(c);
  cg_flags_take(c);  /* by the conditional LDR and CMP */
  a32_ldst(c->b, A32_HS, A32_LDR, (a32_reg)lr, m);
  a32_dp(c->b, A32_HS, dop, true, 0, (a32_reg)lr, cls);
  cg_flags_set(c);
  cg_exit_branch(c, op, A32_NE);
  a32_dp(c->b, A32_AL, A32_MOV, false, (a32_reg)lr, 0, a32_imm(0));
  a32_ldst(c->b, A32_AL, A32_STR, (a32_reg)lr, a32_mem_imm((a32_reg)ip, 0));
}

void cg_lower_guard_rt(cg *c, const ir_op *op) {
  switch (op->opc) {
  case ARMJIT_OP_GUARD_NOT_FORCED:
  case ARMJIT_OP_GUARD_NOT_FORCED_2: not_forced(c, op); break;
  case ARMJIT_OP_GUARD_NO_EXCEPTION: no_exception(c, op); break;
  case ARMJIT_OP_GUARD_EXCEPTION: exception(c, op); break;
  default:
    cg_fail(c, ARMJIT_E_UNSUPPORTED, "guard %s is not supported", ir_info(op->opc)->name);
    break;
  }
}
