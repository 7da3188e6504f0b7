/* SPDX-License-Identifier: MIT */
/* Longevity pre-pass (see live.h).  One backward sweep over the ops finds
 * dead pure ops (dropping a dead op also drops its uses, so chains of dead
 * code go in one sweep), counts uses, finds last uses (the first use the
 * sweep meets), fills the die lists and records every real use; a
 * counting sort then puts the real uses in per-value ascending lists. */
#include "ra/live.h"

#include <string.h>

static bool op_is_weak_user(unsigned opc) {
  return opc == ARMJIT_OP_LABEL || opc == ARMJIT_OP_JUMP || opc == ARMJIT_OP_FINISH ||
         opc == ARMJIT_OP_KEEPALIVE;
}

static armjit_status nomem(armjit_ctx *ctx, ra_live *lv, armjit_error *err) {
  ra_live_free(ctx, lv);
  return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the liveness pass");
}

/* The backward sweep's state: per value (+ the scratch slot nv) the last
 * use and the use count, the die lists and where the next one goes. */
typedef struct {
  int32_t *last;
  uint32_t *nuses, *die;
  uint32_t nv, w;
} sweep;

/* Argument or fail arg r of op i, met by the sweep (see there): counted,
 * and when it is new, its last use is op i and it goes on i's die list.
 * Returns the slot counted (nv for a constant). */
static inline uint32_t meet(sweep *s, ir_ref r, uint32_t i) {
  uint32_t v = ir_value_or(r, s->nv);
  s->nuses[v]++;
  uint32_t is_new = s->last[v] < 0;
  s->last[v] = is_new ? (int32_t)i : s->last[v];
  s->die[s->w - 1] = v;
  s->w -= is_new;
  return v;
}

/* A real use met by the sweep: value v read at op pos. */
typedef struct {
  uint32_t v, pos;
} real_use;

armjit_status ra_live_build(armjit_ctx *ctx, const armjit_trace *t, ra_live *lv,
                            armjit_error *err) {
  memset(lv, 0, sizeof *lv);
  uint32_t nv = t->nvals, nops = t->nops;
  lv->nvals = nv;
  lv->nops = nops;
  lv->jump_op = -1;
  /* last_use, nuses, real_start and die have one slot more than values:
   * the sweep sends a constant argument to slot nv (a scratch slot, see
   * below) */
  lv->last_use = ajx_alloc(ctx, ((size_t)nv + 1) * sizeof *lv->last_use);
  lv->nuses = ajx_calloc(ctx, (size_t)nv + 1, sizeof *lv->nuses);
  lv->real_start = ajx_calloc(ctx, (size_t)nv + 1, sizeof *lv->real_start);
  lv->jump_pos = ajx_alloc(ctx, (size_t)(nv ? nv : 1) * sizeof *lv->jump_pos);
  lv->dead = ajx_calloc(ctx, nops ? nops : 1, sizeof *lv->dead);
  lv->die_start = ajx_alloc(ctx, ((size_t)nops + 1) * sizeof *lv->die_start);
  lv->die = ajx_alloc(ctx, ((size_t)nv + 1) * sizeof *lv->die);
  lv->rescan = ajx_calloc(ctx, nops ? nops : 1, sizeof *lv->rescan);
  /* every argument slot can be a real use: t->nrefs covers them unless
   * ops share slots, which the sweep grows for */
  uint32_t cap = t->nrefs ? t->nrefs : 1, nreal = 0;
  real_use *uses = ajx_alloc(ctx, (size_t)cap * sizeof *uses);
  if (!lv->last_use || !lv->nuses || !lv->real_start || !lv->jump_pos || !lv->dead ||
      !lv->die_start || !lv->die || !lv->rescan || !uses) {
    ajx_free(ctx, uses);
    return nomem(ctx, lv, err);
  }
  memset(lv->last_use, -1, (size_t)nv * sizeof *lv->last_use);
  lv->last_use[nv] = 0;  /* the scratch slot: never "not used yet" */
  memset(lv->jump_pos, -1, (size_t)nv * sizeof *lv->jump_pos);

  /* Backward: dead ops, use counts, last uses and the die lists (filled
   * from the top down, each value as it is met: op i's list ends where op
   * i+1's starts and reads in the op's order from its end), real uses
   * (counted in real_start[v] for now).  Whether an argument is a
   * constant, and whether the sweep has met a value before, follow no
   * pattern a branch predictor learns, so neither is a branch: a constant
   * goes to the scratch slot nv (whose last use is 0: met already), a
   * value met for the first time is written at die[w - 1] always and w
   * moves only when it was new (the lists fill die[1 .. nv], so
   * die[w - 1] is in the array), and a use is written at uses[nreal]
   * always and counted only when real. */
  sweep sw = {lv->last_use, lv->nuses, lv->die, nv, nv + 1};
  uint32_t *count = lv->real_start, *dstart = lv->die_start;
  dstart[nops] = sw.w;
  for (uint32_t i = nops; i-- > 0;) {
    const ir_op *op = &t->ops[i];
    const ir_opinfo *info = ir_info(op->opc);
    bool pure_result = (info->flags & ARMJIT_OPF_PURE) != 0 && op->res >= 0;
    if (pure_result && sw.nuses[op->res] == 0) {
      lv->dead[i] = true;
      dstart[i] = sw.w;
      continue;
    }
    const ir_ref *a = ir_args(t, op);
    bool weak = op_is_weak_user(op->opc);
    if (!weak && nreal + op->nargs > cap) {
      uint32_t want = nreal + op->nargs;
      if (!ajx_grow(ctx, (void **)&uses, &cap, want, sizeof *uses)) {
        ajx_free(ctx, uses);
        return nomem(ctx, lv, err);
      }
    }
    for (uint32_t k = 0, n = op->nargs; k < n; k++) {
      uint32_t v = meet(&sw, a[k], i);
      if (!weak) {
        uint32_t real = v != nv;
        count[v] += real;
        uses[nreal] = (real_use){v, i};
        nreal += real;
      }
    }
    const ir_ref *f = ir_fails(t, op);
    for (uint32_t k = 0, n = op->nfail; k < n; k++) meet(&sw, f[k], i);
    dstart[i] = sw.w;
    if (op->opc == ARMJIT_OP_JUMP) {
      lv->jump_op = (int32_t)i;
      for (uint32_t k = op->nargs; k-- > 0;)
        if (a[k] >= 0) lv->jump_pos[a[k]] = (int32_t)k;
    }
  }
  /* Counting sort: real_start[v] becomes the end of v's list, then each
   * use (met in descending position) goes at the list's current end, which
   * leaves real_start[v] at its start and every list ascending. */
  lv->real = ajx_alloc(ctx, (size_t)(nreal ? nreal : 1) * sizeof *lv->real);
  if (!lv->real) {
    ajx_free(ctx, uses);
    return nomem(ctx, lv, err);
  }
  lv->real[0] = 0;  /* (a defined word even when there is no real use) */
  for (uint32_t v = 1; v < nv; v++) count[v] += count[v - 1];
  count[nv] = nreal;
  uint32_t *real = lv->real;
  for (uint32_t k = 0; k < nreal; k++) real[--count[uses[k].v]] = uses[k].pos;
  ajx_free(ctx, uses);
  return ARMJIT_OK;
}

void ra_live_free(armjit_ctx *ctx, ra_live *lv) {
  ajx_free(ctx, lv->last_use);
  ajx_free(ctx, lv->nuses);
  ajx_free(ctx, lv->real_start);
  ajx_free(ctx, lv->real);
  ajx_free(ctx, lv->jump_pos);
  ajx_free(ctx, lv->dead);
  ajx_free(ctx, lv->die_start);
  ajx_free(ctx, lv->die);
  ajx_free(ctx, lv->rescan);
  memset(lv, 0, sizeof *lv);
}

void ra_live_extend(ra_live *lv, ir_ref v, uint32_t pos) {
  if (v >= 0 && (uint32_t)v < lv->nvals && lv->last_use[v] < (int32_t)pos) {
    lv->last_use[v] = (int32_t)pos;
    if (pos < lv->nops) lv->rescan[pos] = true;
  }
}
