/* SPDX-License-Identifier: MIT */
/* The opt-in loop controls (armjit.h): each is emitted only when the
 * context asks for it (its cg_env address is not 0), so a loop without
 * them has not one instruction of them.
 *
 * Stack check (ARMJIT_STACK_CHECK), in the prologue once sp is final, so
 * the loop's own frame counts (PyPy's _call_header_with_stack_check):
 *   movw  ip, #lo(&limit)
 *   movt  ip, #hi(&limit)
 *   ldr   ip, [ip]
 *   cmp   sp, ip
 *   bls   stack_exit          sp at or below the limit (unsigned)
 *
 * Counters (ARMJIT_COUNTERS), in the prologue for the entries (a bridge:
 * after its entry words, so every time its guard fails into it) and
 * right after each label is bound (so falling in and every jump count):
 *   movw  ip, #lo(&count)
 *   movt  ip, #hi(&count)
 *   ldr   lr, [ip]
 *   add   lr, lr, #1          no flags: a label never has live flags
 *   str   lr, [ip]
 *
 * Interrupt check (ARMJIT_INTERRUPTIBLE), at a jump before its moves (a
 * bridge's jump to another trace's label too, with an interrupt exit of
 * its own per such label):
 *   movw  ip, #lo(&word)
 *   movt  ip, #hi(&word)
 *   ldr   ip, [ip]
 *   cmp   ip, #0
 *   bne   <interrupt exit stub of the label>   the jump's arguments, where
 *                                              they are now (recovery data)
 *
 * A jump to a label of another trace (a bridge's) starts with a NOP, the
 * patch site of its jump exit (ARMJIT_EXIT_JUMP: the jump's arguments
 * where they are now); armjit_loop_redirect makes it `b <stub>`.
 *
 * Leaving a run early, after the shared exit path:
 *   oom_exit:    mvn r0, #3               ARMJIT_EXIT_OUT_OF_MEMORY (a GC
 *                b   abort                malloc slow path returned NULL)
 *   stack_exit:  mvn r0, #1               ARMJIT_EXIT_STACK_OVERFLOW
 *   abort:       mov sp, fp               r0: the ARMJIT_EXIT_* (a
 *                vpop {d8-d15}            call_assembler's trampoline
 *                pop {r4-r12, pc}         returned it)
 * Neither touches the caller's frame: armjit_run (and the trampoline of an
 * enclosing call_assembler) see the negative id and say why. */
#include "cg/cg_internal.h"
#include "cg/cg_gc.h"

/* Interrupt exits: per label, then per label of another trace. */
static uint32_t ninterrupts(const cg *c) {
  return c->env->interrupt ? c->t->nlabels + c->t->nxlabels : 0;
}

uint32_t cg_nexits(const cg *c) { return c->t->nexits + ninterrupts(c) + c->t->nxlabels; }

void cg_jump_site(cg *c, const ir_op *op) {
  uint32_t id = c->t->nexits + ninterrupts(c) + IR_XLABEL_INDEX(op->id);
  cg_record_values(c, id, ir_args(c->t, op), op->nargs, (int32_t)a32_buf_size(c->b));
  a32_nop(c->b, A32_AL);
}

static void count(cg *c, uint32_t addr) {
  cg_load_addr(c, CG_IP, addr);
  a32_ldst(c->b, A32_AL, A32_LDR, CG_LR, a32_mem_imm(CG_IP, 0));
  a32_dp(c->b, A32_AL, A32_ADD, false, CG_LR, CG_LR, a32_imm(1));
  a32_ldst(c->b, A32_AL, A32_STR, CG_LR, a32_mem_imm(CG_IP, 0));
}

void cg_entry_checks(cg *c) {
  const cg_env *e = c->env;
  if (e->stack_limit) {
    cg_load_addr(c, CG_IP, e->stack_limit);
    a32_ldst(c->b, A32_AL, A32_LDR, CG_IP, a32_mem_imm(CG_IP, 0));
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, A32_SP, a32_r(CG_IP));
    a32_b(c->b, A32_LS, c->stack_at);
    c->stack_used = true;
  }
  if (e->counters) count(c, e->counters);
}

void cg_bridge_count(cg *c) {
  if (c->env->counters) count(c, c->env->counters);
}

void cg_label_count(cg *c, const ir_op *op) {
  if (c->env->counters) count(c, c->env->counters + 4u * (1u + (uint32_t)op->id));
}

void cg_interrupt_check(cg *c, const ir_op *op) {
  if (!c->env->interrupt) return;
  cg_load_addr(c, CG_IP, c->env->interrupt);
  a32_ldst(c->b, A32_AL, A32_LDR, CG_IP, a32_mem_imm(CG_IP, 0));
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, CG_IP, a32_imm(0));
  cg_flags_set(c);
  uint32_t k = ir_jump_is_external(op) ? c->t->nlabels + IR_XLABEL_INDEX(op->id)
                                       : (uint32_t)op->id;
  cg_exit_branch_values(c, c->t->nexits + k, ir_args(c->t, op), op->nargs, A32_NE);
}

void cg_abort_branch(cg *c, a32_cond cc) {
  a32_b(c->b, cc, c->abort_at);
  c->abort_used = true;
}

void cg_oom_branch(cg *c, a32_cond cc) {
  a32_b(c->b, cc, c->oom_at);
  c->oom_used = true;
}

void cg_emit_abort(cg *c) {
  if (c->oom_used) {
    a32_label_bind(c->b, c->oom_at);
    cg_load_int(c, A32_R0, (uint32_t)ARMJIT_EXIT_OUT_OF_MEMORY);
    if (c->stack_used) a32_b(c->b, A32_AL, c->abort_at);
    c->abort_used = true;
  }
  if (c->stack_used) {
    a32_label_bind(c->b, c->stack_at);
    cg_load_int(c, A32_R0, (uint32_t)ARMJIT_EXIT_STACK_OVERFLOW);
  }
  if (!c->stack_used && !c->abort_used) return;
  a32_label_bind(c->b, c->abort_at);
  cg_gc_unlink(c);
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_SP, 0, a32_r(A32_FP));
  a32_vpop(c->b, A32_AL, ARM_ENTRY_VSAVE_FIRST, ARM_ENTRY_VSAVE_N);
  a32_pop(c->b, A32_AL, ARM_ENTRY_POP);
}
