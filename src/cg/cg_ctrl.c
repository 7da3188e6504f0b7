/* SPDX-License-Identifier: MIT */
/* label and jump: a label fixes where its arguments live (the loop
 * header's register and slot map); a jump moves its arguments there in
 * parallel and branches back. */
#include "cg/cg_internal.h"

void cg_lower_label(cg *c, const ir_op *op) {
  c->fused = IR_NONE;
  ra_loc *locs = ajx_alloc(c->ctx, (op->nargs ? op->nargs : 1) * sizeof *locs);
  if (!locs) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for label locations");
    return;
  }
  c->label_locs[op->id] = locs;
  ra_label(&c->ra, ir_args(c->t, op), op->nargs, locs);
  for (uint32_t k = 0; k < op->nargs; k++)
    if (locs[k].kind == LOC_NONE) cg_fail(c, ARMJIT_E_INVALID, "label argument %u has no location (internal)", k);
  a32_label_bind(c->b, c->label_at[op->id]);
  c->out->label_off[op->id] = (uint32_t)a32_buf_size(c->b);
  cg_label_count(c, op);
  /* Hints: values passed to the final jump prefer these registers. */
  if (c->lv.jump_op >= 0 && c->t->ops[c->lv.jump_op].id == op->id) {
    c->ra.jump_locs = locs;
    c->ra.jump_vals = ir_args(c->t, op);
    c->ra.njump_locs = op->nargs;
  }
}

void cg_lower_jump(cg *c, const ir_op *op) {
  if (ir_jump_is_external(op)) {
    cg_bridge_jump(c, op);
    return;
  }
  const ra_loc *dst = c->label_locs[op->id];
  if (!dst) {
    cg_fail(c, ARMJIT_E_INVALID, "jump to a label that is not compiled yet");
    return;
  }
  cg_interrupt_check(c, op);
  const ir_ref *a = ir_args(c->t, op);
  ra_loc *src = ajx_alloc(c->ctx, (op->nargs ? op->nargs : 1) * sizeof *src);
  if (!src) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for jump moves");
    return;
  }
  for (uint32_t k = 0; k < op->nargs; k++) src[k] = ra_where(&c->ra, a[k]);
  cg_parallel_move(c, dst, src, op->nargs);
  ajx_free(c->ctx, src);
  a32_b(c->b, A32_AL, c->label_at[op->id]);
}
