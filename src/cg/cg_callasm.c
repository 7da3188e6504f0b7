/* SPDX-License-Identifier: MIT */
/* call_assembler: another compiled loop called through its token (PyPy's
 * emit_guard_call_assembler, with the dispatch in a C trampoline,
 * ajx_call_assembler in rt/callasm.c, so redirects and freed loops need
 * no patching of the caller):
 *
 *   (values live after the call leave r0-r3 / d0-d7: ra_call_prepare)
 *   sub   sp, sp, #BYTES        an armjit_frame for the callee: the 24-byte
 *                               header and CAP values (BYTES = 24 + 8 CAP)
 *   str   ..., [sp, #24 + 8k]   argument k as the callee's input k
 *   mov   ip, #CAP
 *   str   ip, [sp]              f->capacity
 *   movw/movt r0, #token
 *   mov   r1, sp
 *   movw/movt ip, #trampoline
 *   blx   ip                    runs the token's loop; a finish's value or
 *                               the assembler helper's lands in values[0]
 *   cmp   r0, #0
 *   blt   abort                 ARMJIT_EXIT_*: the run ends (cg_loopctl.c)
 *   ldr   rd, [sp, #24]         the result (vldr for a float)
 *   add   sp, sp, #BYTES
 *
 * CAP is the number of arguments (at least 1, for the result); when the
 * token's loop needs more, the trampoline gives it a larger frame.  sp is
 * 8-aligned in the body and BYTES is a multiple of 8. */
#include "cg/cg_call.h"
#include "cg/cg_gc.h"

#include "ir/descr.h"

static void adjust_sp(cg *c, a32_dp_op op, uint32_t bytes) {
  if (a32_modimm(bytes) >= 0) {
    a32_dp(c->b, A32_AL, op, false, A32_SP, A32_SP, a32_imm(bytes));
    return;
  }
  cg_load_int(c, CG_IP, bytes);
  a32_dp(c->b, A32_AL, op, false, A32_SP, A32_SP, a32_r(CG_IP));
}

void cg_lower_call_assembler(cg *c, const ir_op *op) {
  const ir_descr *d = ir_descr_at(c->t, op->descr);
  const ir_ref *a = ir_args(c->t, op);
  uint32_t n = op->nargs, cap = n ? n : 1;
  uint32_t bytes = (uint32_t)ARM_FRAME_VALUES + (uint32_t)ARM_VALUE_SIZE * cap;

  ra_call_prepare(&c->ra);
  adjust_sp(c, A32_SUB, bytes);
  for (uint32_t k = 0; k < n; k++)
    cg_store_stack_arg(c, ra_where(&c->ra, a[k]),
                       (uint32_t)ARM_FRAME_VALUES + (uint32_t)ARM_VALUE_SIZE * k);
  cg_load_int(c, CG_IP, cap);
  a32_ldst(c->b, A32_AL, A32_STR, CG_IP,
           a32_mem_imm(A32_SP, (int32_t)offsetof(armjit_frame, capacity)));
  cg_release(c);
  ra_call_clobber(&c->ra);
  cg_load_addr(c, A32_R0, (uint32_t)(uintptr_t)d->token);
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_R1, 0, a32_r(A32_SP));
  cg_load_addr(c, CG_IP, c->env->callasm_fn);
  cg_gc_blx(c, CG_IP);  /* a GC point: the maps (cg_gc.c) */
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  cg_abort_branch(c, A32_LT);
  if (op->res != IR_NONE) {
    int rd = cg_def(c, op, -1);
    cg_mem(c, ra_storage_of(op->type) == ARMJIT_FLOAT ? CG_VLDR : CG_LDR, (unsigned)rd, A32_SP,
           ARM_FRAME_VALUES);
  }
  adjust_sp(c, A32_ADD, bytes);
}
