/* randtrace: building an rt_trace through the public builder API. */
#include <stdio.h>
#include <stdlib.h>

#include "randtrace.h"
#include "randtrace_impl.h"

static armjit_val make_const(armjit_trace *t, const rt_const *c) {
  switch (c->type) {
  case ARMJIT_INT: return armjit_const_int(t, c->v.i);
  case ARMJIT_REF: return armjit_const_ref(t, c->v.r);
  default: return armjit_const_float(t, c->v.f);
  }
}

typedef struct {
  const rt_trace *g;
  armjit_trace *t;
  armjit_val *vmap;   /* value id -> handle */
  armjit_val *cmap;   /* constant index -> handle (made on first use) */
} build;

static armjit_val handle(build *b, int32_t ref) {
  if (!RT_IS_CONST(ref)) return b->vmap[ref];
  uint32_t k = RT_CONST_INDEX(ref);
  if (b->cmap[k] == ARMJIT_NOVAL) b->cmap[k] = make_const(b->t, &b->g->consts[k]);
  return b->cmap[k];
}

armjit_trace *rt_build(armjit_ctx *ctx, const rt_trace *g, bool probe) {
  build b = {.g = g};
  b.t = armjit_trace_new(ctx);
  b.vmap = malloc((g->nvals + 1) * sizeof *b.vmap);
  b.cmap = malloc((g->nconsts + 1) * sizeof *b.cmap);
  uint32_t maxl = 4;
  for (uint32_t i = 0; i < g->nops; i++)
    if (g->ops[i].nlist + 2 > maxl) maxl = g->ops[i].nlist + 2;
  armjit_val *l = malloc(maxl * sizeof *l);
  if (!b.t || !b.vmap || !b.cmap || !l) {
    if (b.t) armjit_trace_free(b.t);
    free(b.vmap);
    free(b.cmap);
    free(l);
    return NULL;
  }
  for (uint32_t i = 0; i < g->nvals; i++) b.vmap[i] = ARMJIT_NOVAL;
  for (uint32_t i = 0; i < g->nconsts; i++) b.cmap[i] = ARMJIT_NOVAL;
  for (uint32_t i = 0; i < g->ninputs; i++)
    if (!g->input_dead[i]) b.vmap[i] = armjit_input(b.t, g->vtype[i]);

  int *label = malloc((g->nops + 1) * sizeof *label); /* op index -> label id */
  int nlabels = 0;
  if (!label) {
    armjit_trace_free(b.t);
    free(b.vmap);
    free(b.cmap);
    free(l);
    return NULL;
  }
  for (uint32_t i = 0; i < g->nops; i++) {
    const rt_op *op = &g->ops[i];
    if (op->dead) continue;
    armjit_val a[2];
    for (uint32_t k = 0; k < op->na; k++) a[k] = handle(&b, op->a[k]);
    uint32_t n = op->nlist;
    for (uint32_t k = 0; k < n; k++) l[k] = handle(&b, g->pool[op->list + k]);
    char name[32];
    switch (op->opc) {
    case ARMJIT_OP_LABEL:
      label[i] = armjit_label(b.t, l, n);
      if (op->flags & RT_OPF_NAMED) {
        snprintf(name, sizeof name, nlabels ? "L%d" : "L", nlabels);
        armjit_set_descr_name(b.t, name);
      }
      nlabels++;
      break;
    case ARMJIT_OP_JUMP:
      armjit_jump(b.t, op->target >= 0 ? label[op->target] : -1, l, n);
      break;
    case ARMJIT_OP_FINISH:
      armjit_finish(b.t, l, n);
      if (op->flags & RT_OPF_NAMED) {
        snprintf(name, sizeof name, "done%u", (unsigned)i);
        armjit_set_descr_name(b.t, name);
      }
      break;
    case ARMJIT_OP_GUARD_TRUE: case ARMJIT_OP_GUARD_FALSE: case ARMJIT_OP_GUARD_VALUE:
    case ARMJIT_OP_GUARD_NONNULL: case ARMJIT_OP_GUARD_ISNULL:
    case ARMJIT_OP_GUARD_NO_OVERFLOW: case ARMJIT_OP_GUARD_OVERFLOW:
      if (probe)
        for (uint32_t k = 0; k < op->na; k++) l[n++] = a[k];
      armjit_guard(b.t, (armjit_opcode)op->opc, a, op->na, l, n);
      if (op->flags & RT_OPF_NAMED) {
        snprintf(name, sizeof name, "g%u", (unsigned)i);
        armjit_set_descr_name(b.t, name);
      }
      break;
    default:
      if (op->res >= 0) b.vmap[op->res] = armjit_op(b.t, (armjit_opcode)op->opc, a, op->na);
      else armjit_op(b.t, (armjit_opcode)op->opc, a, op->na);
      break;
    }
  }
  free(label);
  free(b.vmap);
  free(b.cmap);
  free(l);
  return b.t;
}
