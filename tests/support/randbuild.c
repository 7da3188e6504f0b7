/* SPDX-License-Identifier: MIT */
/* randtrace: building an rt_trace through the public builder API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "randenv.h"
#include "randtrace.h"
#include "randtrace_impl.h"

typedef struct {
  armjit_ctx *ctx;
  const rt_trace *g;
  armjit_trace *t;
  armjit_val *vmap;   /* value id -> handle */
  armjit_val *cmap;   /* constant index -> handle (made on first use) */
  int *dmap;          /* descriptor index -> descriptor id */
  int *label;         /* op index -> label id */
  armjit_val *l;      /* list scratch */
} build;

static armjit_val make_const(build *b, const rt_const *c) {
  if (c->sym > 0) return armjit_const_ref(b->t, rt_helper_addr((unsigned)c->sym - 1));
  if (c->sym == RT_SYM_CTX) return armjit_const_ref(b->t, (uintptr_t)b->ctx);
  if (c->sym < 0) { /* unresolved: 0 (a GC trace built without its collector) */
    uintptr_t a = 0;
    armjit_ctx_symbol(b->ctx, c->sym == RT_SYM_GCM ? "rt_gcm" : "gcm_collect", &a);
    return armjit_const_ref(b->t, a);
  }
  switch (c->type) {
  case ARMJIT_INT: return armjit_const_int(b->t, c->v.i);
  case ARMJIT_REF: return armjit_const_ref(b->t, c->v.r);
  case ARMJIT_I64: return armjit_const_i64(b->t, c->v.l);
  case ARMJIT_F32: return armjit_const_f32(b->t, c->v.s);
  default: return armjit_const_float(b->t, c->v.f);
  }
}

static armjit_val handle(build *b, int32_t ref) {
  if (!RT_IS_CONST(ref)) return b->vmap[ref];
  uint32_t k = RT_CONST_INDEX(ref);
  if (b->cmap[k] == ARMJIT_NOVAL) b->cmap[k] = make_const(b, &b->g->consts[k]);
  return b->cmap[k];
}

static armjit_type sig_type(char c) {
  switch (c) {
  case 'i': return ARMJIT_INT;
  case 'f': return ARMJIT_FLOAT;
  case 'l': return ARMJIT_I64;
  case 's': return ARMJIT_F32;
  case 'v': return ARMJIT_VOID;
  default: return ARMJIT_REF;
  }
}

static int make_descr(armjit_ctx *ctx, armjit_trace *t, const rt_descr *d) {
  switch (d->kind) {
  case RT_D_FIELD: return armjit_descr_field(t, &d->u.field);
  case RT_D_ARRAY: return armjit_descr_array(t, &d->u.array);
  case RT_D_INTERIOR: return armjit_descr_interior(t, &d->u.interior);
  case RT_D_STR: return armjit_descr_str(t, &d->u.str);
  case RT_D_UNICODE: return armjit_descr_unicode(t, &d->u.str);
  case RT_D_TOKEN: {
    armjit_token *tok = armjit_ctx_token(ctx, RT_TOKEN);
    static const armjit_type ii[2] = {ARMJIT_INT, ARMJIT_INT};
    if (!tok) tok = armjit_token_new(ctx, RT_TOKEN, ii, 2, ARMJIT_INT, NULL);
    return armjit_descr_token(t, tok);
  }
  case RT_D_XCALL: {
    armjit_type args[8];
    unsigned n = (unsigned)strlen(d->u.xcall.sig);
    for (unsigned k = 0; k < n && k < 8; k++) args[k] = sig_type(d->u.xcall.sig[k]);
    armjit_call_descr c = {args, n, sig_type(d->u.xcall.res), 0};
    return armjit_descr_call(t, &c);
  }
  default: {
    const rt_helper *h = &rt_helpers[d->u.helper];
    armjit_type args[32];
    unsigned n = (unsigned)strlen(h->sig);
    for (unsigned k = 0; k < n; k++) args[k] = sig_type(h->sig[k]);
    armjit_call_descr c = {args, n, sig_type(h->res),
                           (h->flags & RT_H_RAISES ? ARMJIT_CALL_MAY_RAISE : 0u) |
                               (h->flags & RT_H_FORCES ? ARMJIT_CALL_MAY_FORCE : 0u) |
                               (h->flags & RT_H_BYTE ? ARMJIT_CALL_RESULT_BYTE : 0u) |
                               (h->flags & RT_H_HALF ? ARMJIT_CALL_RESULT_HALF : 0u) |
                               (h->flags & RT_H_SIGNED ? ARMJIT_CALL_RESULT_SIGNED : 0u)};
    return armjit_descr_call(t, &c);
  }
  }
}

static void build_op(build *b, uint32_t i, bool probe) {
  const rt_trace *g = b->g;
  const rt_op *op = &g->ops[i];
  armjit_val a[RT_MAXA];
  for (uint32_t k = 0; k < op->na; k++) a[k] = handle(b, op->a[k]);
  uint32_t n = op->nlist;
  armjit_val *l = b->l;
  for (uint32_t k = 0; k < n; k++) l[k] = handle(b, g->pool[op->list + k]);
  char name[32];
  if (op->opc == ARMJIT_OP_LABEL) {
    b->label[i] = armjit_label(b->t, l, n);
    if (op->flags & RT_OPF_NAMED) {
      int nl = 0;
      for (uint32_t j = 0; j < i; j++) nl += !g->ops[j].dead && g->ops[j].opc == ARMJIT_OP_LABEL;
      if (nl) snprintf(name, sizeof name, "%sL%d", g->label_prefix, nl);
      else snprintf(name, sizeof name, "%sL", g->label_prefix);
      armjit_set_name(b->t, name);
    }
  } else if (op->opc == ARMJIT_OP_JUMP) {
    if (op->target == RT_TARGET_EXTERNAL) armjit_jump_to(b->t, g->xlabel, l, n);
    else armjit_jump(b->t, op->target >= 0 ? b->label[op->target] : -1, l, n);
  } else if (op->opc == ARMJIT_OP_FINISH) {
    armjit_finish(b->t, l, n);
    if (op->flags & RT_OPF_NAMED) {
      snprintf(name, sizeof name, "done%u", (unsigned)i);
      armjit_set_name(b->t, name);
    }
  } else if (op->opc == ARMJIT_OP_DEBUG_MERGE_POINT) {
    /* a text with every escape the printer writes */
    snprintf(name, sizeof name, "op %u \"at\"\t\\%c", (unsigned)i, (char)(1 + i % 31));
    armjit_debug_merge_point(b->t, name);
  } else if (rt_is_exit(op->opc)) {
    if (probe)
      for (uint32_t k = 0; k < op->na; k++) l[n++] = a[k];
    if (op->opc == ARMJIT_OP_GUARD_EXCEPTION)
      b->vmap[op->res] = armjit_guard_exception(b->t, a[0], l, n, NULL);
    else
      armjit_guard(b->t, (armjit_opcode)op->opc, a, op->na, l, n);
    if (op->flags & RT_OPF_NAMED) {
      snprintf(name, sizeof name, "g%u", (unsigned)i);
      armjit_set_name(b->t, name);
    }
  } else {
    armjit_val r;
    if (op->descr >= 0 && (g->descrs[op->descr].kind == RT_D_CALL ||
                           g->descrs[op->descr].kind == RT_D_XCALL ||
                           g->descrs[op->descr].kind == RT_D_TOKEN))
      r = armjit_op_descr(b->t, (armjit_opcode)op->opc, l, n, b->dmap[op->descr]);
    else if (op->descr >= 0)
      r = armjit_op_descr(b->t, (armjit_opcode)op->opc, a, op->na, b->dmap[op->descr]);
    else
      r = armjit_op(b->t, (armjit_opcode)op->opc, a, op->na);
    if (op->res >= 0) b->vmap[op->res] = r;
  }
}

armjit_trace *rt_build(armjit_ctx *ctx, const rt_trace *g, bool probe) {
  build b = {.ctx = ctx, .g = g};
  uint32_t maxl = 8;
  for (uint32_t i = 0; i < g->nops; i++)
    if (g->ops[i].nlist + RT_MAXA > maxl) maxl = g->ops[i].nlist + RT_MAXA;
  b.t = armjit_trace_new(ctx);
  b.vmap = malloc((g->nvals + 1) * sizeof *b.vmap);
  b.cmap = malloc((g->nconsts + 1) * sizeof *b.cmap);
  b.dmap = malloc((g->ndescrs + 1) * sizeof *b.dmap);
  b.label = malloc((g->nops + 1) * sizeof *b.label);
  b.l = malloc(maxl * sizeof *b.l);
  bool ok = b.t && b.vmap && b.cmap && b.dmap && b.label && b.l;
  if (ok) {
    for (uint32_t i = 0; i < g->nvals; i++) b.vmap[i] = ARMJIT_NOVAL;
    for (uint32_t i = 0; i < g->nconsts; i++) b.cmap[i] = ARMJIT_NOVAL;
    for (uint32_t i = 0; i < g->ninputs; i++)
      if (!g->input_dead[i]) b.vmap[i] = armjit_input(b.t, g->vtype[i]);
    /* only the descriptors live ops use (the shrinker leaves others) */
    for (uint32_t k = 0; k < g->ndescrs; k++) b.dmap[k] = -1;
    for (uint32_t i = 0; i < g->nops; i++) {
      int32_t k = g->ops[i].descr;
      if (!g->ops[i].dead && k >= 0 && b.dmap[k] < 0) b.dmap[k] = make_descr(ctx, b.t, &g->descrs[k]);
    }
    for (uint32_t i = 0; i < g->nops; i++)
      if (!g->ops[i].dead) build_op(&b, i, probe);
  }
  if (!ok && b.t) {
    armjit_trace_free(b.t);
    b.t = NULL;
  }
  free(b.vmap);
  free(b.cmap);
  free(b.dmap);
  free(b.label);
  free(b.l);
  return b.t;
}
