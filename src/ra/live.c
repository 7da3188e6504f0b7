/* SPDX-License-Identifier: MIT */
/* Longevity pre-pass (see live.h).  One backward sweep finds dead pure ops
 * (dropping a dead op also drops its uses, so chains of dead code go in one
 * sweep) and counts uses; one forward sweep fills the real-use lists. */
#include "ra/live.h"

#include <string.h>

static bool op_is_weak_user(unsigned opc) {
  return opc == ARMJIT_OP_LABEL || opc == ARMJIT_OP_JUMP || opc == ARMJIT_OP_FINISH ||
         opc == ARMJIT_OP_KEEPALIVE;
}

armjit_status ra_live_build(armjit_ctx *ctx, const armjit_trace *t, ra_live *lv,
                            armjit_error *err) {
  memset(lv, 0, sizeof *lv);
  uint32_t nv = t->nvals;
  lv->nvals = nv;
  lv->jump_op = -1;
  lv->last_use = ajx_alloc(ctx, (size_t)nv * sizeof *lv->last_use);
  lv->nuses = ajx_calloc(ctx, nv, sizeof *lv->nuses);
  lv->real_start = ajx_calloc(ctx, (size_t)nv + 1, sizeof *lv->real_start);
  lv->jump_pos = ajx_alloc(ctx, (size_t)nv * sizeof *lv->jump_pos);
  lv->dead = ajx_calloc(ctx, t->nops ? t->nops : 1, sizeof *lv->dead);
  if (!lv->last_use || !lv->nuses || !lv->real_start || !lv->jump_pos || !lv->dead) {
    ra_live_free(ctx, lv);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the liveness pass");
  }
  for (uint32_t v = 0; v < nv; v++) { lv->last_use[v] = -1; lv->jump_pos[v] = -1; }

  /* Backward: dead ops, use counts, last uses, real-use counts. */
  uint32_t nreal = 0;
  for (uint32_t i = t->nops; i-- > 0;) {
    const ir_op *op = &t->ops[i];
    const ir_opinfo *info = ir_info(op->opc);
    if ((info->flags & ARMJIT_OPF_PURE) && op->res >= 0 && lv->nuses[op->res] == 0) {
      lv->dead[i] = true;
      continue;
    }
    const ir_ref *a = ir_args(t, op);
    bool weak = op_is_weak_user(op->opc);
    for (uint32_t k = 0; k < op->nargs; k++) {
      ir_ref r = a[k];
      if (r < 0) continue;
      lv->nuses[r]++;
      if (lv->last_use[r] < 0) lv->last_use[r] = (int32_t)i;
      if (!weak) { lv->real_start[r + 1]++; nreal++; }
    }
    const ir_ref *f = ir_fails(t, op);
    for (uint32_t k = 0; k < op->nfail; k++) {
      ir_ref r = f[k];
      if (r < 0) continue;
      lv->nuses[r]++;
      if (lv->last_use[r] < 0) lv->last_use[r] = (int32_t)i;
    }
    if (op->opc == ARMJIT_OP_JUMP) {
      lv->jump_op = (int32_t)i;
      for (uint32_t k = op->nargs; k-- > 0;)
        if (a[k] >= 0) lv->jump_pos[a[k]] = (int32_t)k;
    }
  }
  for (uint32_t v = 0; v < nv; v++) lv->real_start[v + 1] += lv->real_start[v];
  lv->real = ajx_alloc(ctx, (size_t)(nreal ? nreal : 1) * sizeof *lv->real);
  uint32_t *fill = ajx_alloc(ctx, (size_t)(nv ? nv : 1) * sizeof *fill);
  if (!lv->real || !fill) {
    ajx_free(ctx, fill);
    ra_live_free(ctx, lv);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the liveness pass");
  }
  memcpy(fill, lv->real_start, (size_t)nv * sizeof *fill);
  /* Forward: real-use positions in ascending order. */
  for (uint32_t i = 0; i < t->nops; i++) {
    const ir_op *op = &t->ops[i];
    if (lv->dead[i] || op_is_weak_user(op->opc)) continue;
    const ir_ref *a = ir_args(t, op);
    for (uint32_t k = 0; k < op->nargs; k++)
      if (a[k] >= 0) lv->real[fill[a[k]]++] = i;
  }
  ajx_free(ctx, fill);
  return ARMJIT_OK;
}

void ra_live_free(armjit_ctx *ctx, ra_live *lv) {
  ajx_free(ctx, lv->last_use);
  ajx_free(ctx, lv->nuses);
  ajx_free(ctx, lv->real_start);
  ajx_free(ctx, lv->real);
  ajx_free(ctx, lv->jump_pos);
  ajx_free(ctx, lv->dead);
  memset(lv, 0, sizeof *lv);
}

void ra_live_extend(ra_live *lv, ir_ref v, uint32_t pos) {
  if (v >= 0 && (uint32_t)v < lv->nvals && lv->last_use[v] < (int32_t)pos)
    lv->last_use[v] = (int32_t)pos;
}

