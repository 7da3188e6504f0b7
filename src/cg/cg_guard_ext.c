/* SPDX-License-Identifier: MIT */
/* guard_class(p, c) and guard_nonnull_class(p, c) (docs/ir.md §11.4,
 * §12): the pointer-sized word at p + class_offset must equal c.
 *
 *   [movw/movt ip, #|off|]      only when the offset does not fit LDR
 *   cmp    p, #1                nonnull_class: null gives LO and Z clear
 *   ldrhs  ip, [p, #off]        never loads from a null p
 *   cmphs  ip, c
 *   bne    exit
 *
 * One branch per guard: the exit has one patch site, as bridges expect. */
#include "cg/cg_mem.h"

void cg_lower_guard_class(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  int32_t off = c->ctx->opts.class_offset;
  bool nonnull = op->opc == ARMJIT_OP_GUARD_NONNULL_CLASS;
  cg_scratch(c);  /* ip: the class word */
  a32_reg rp = cg_reg(c, a[0]);
  a32_dp_op dop = A32_CMP;  /* CMN with the negated constant: same Z */
  a32_operand cls = cg_op2(c, a[1], &dop);
  a32_mem m = a32_mem_imm(rp, off);
  if (off < -4095 || off > 4095) {
    uint32_t mag = off < 0 ? 0u - (uint32_t)off : (uint32_t)off;
    a32_mov_imm32(c->b, A32_AL, A32_IP, mag);
    m = a32_mem_reg(rp, A32_IP, off < 0, A32_LSL, 0, A32_IDX_OFFSET);
  }
  a32_cond cc = A32_AL;
  if (nonnull) {
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, rp, a32_imm(1));
    cc = A32_HS;
  }
  a32_ldst(c->b, cc, A32_LDR, A32_IP, m);
  a32_dp(c->b, cc, dop, true, 0, A32_IP, cls);
  c->fused = IR_NONE;
  int32_t at = (int32_t)a32_buf_size(c->b);
  cg_record_exit(c, op, at);
  a32_b(c->b, A32_NE, c->stub_at[op->id]);
}
