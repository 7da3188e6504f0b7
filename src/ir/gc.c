/* SPDX-License-Identifier: MIT */
/* The GC ops' shared meaning (gc.h): sizes and groups, the validator's
 * rules, which refs are GC references, the liveness the maps use. */
#include "ir/gc.h"

#include "ir/ir_impl.h"

#include <stdio.h>
#include <string.h>

bool ir_gc_is_alloc(unsigned opc) {
  switch (opc) {
  case ARMJIT_OP_NEW: case ARMJIT_OP_NEW_WITH_VTABLE: case ARMJIT_OP_NEW_ARRAY:
  case ARMJIT_OP_NEWSTR: case ARMJIT_OP_NEWUNICODE:
    return true;
  default:
    return false;
  }
}

static bool has_length(unsigned opc) {
  return opc == ARMJIT_OP_NEW_ARRAY || opc == ARMJIT_OP_NEWSTR || opc == ARMJIT_OP_NEWUNICODE;
}

static uint32_t round8(uint32_t n) { return (n + 7u) & ~7u; }

uint32_t ir_gc_size(const armjit_trace *t, const ir_op *op, int32_t len) {
  const ir_ref *a = ir_args(t, op);
  if (!has_length(op->opc)) return round8((uint32_t)ir_const_of(t, a[0])->v.i);
  const ir_descr *d = ir_descr_at(t, op->descr);
  return round8((uint32_t)d->base + (uint32_t)len * d->item_size);
}

/* A constant size known when compiling: new, or a constant length. */
static bool const_size(const armjit_trace *t, const ir_op *op, uint32_t *size) {
  const ir_ref *a = ir_args(t, op);
  if (has_length(op->opc) && !IR_IS_CONST(a[0])) return false;
  *size = ir_gc_size(t, op, has_length(op->opc) ? ir_const_of(t, a[0])->v.i : 0);
  return true;
}

void ir_gc_plan(const armjit_trace *t, ir_gc_slot *plan) {
  int32_t first = -1;     /* the open group (constant sizes only), -1 none */
  uint32_t count = 0;
  for (uint32_t i = 0; i < t->nops; i++) {
    const ir_op *op = &t->ops[i];
    plan[i] = (ir_gc_slot){-1, 0, 0, i};
    if (!ir_gc_is_alloc(op->opc)) { first = -1; continue; }
    uint32_t size;
    if (!const_size(t, op, &size)) {  /* a group of its own, sized at run time */
      plan[i].first = (int32_t)i;
      first = -1;
      continue;
    }
    if (first >= 0 && count < IR_GC_GROUP_OPS &&
        plan[first].total + size <= IR_GC_GROUP_BYTES && size <= IR_GC_GROUP_BYTES) {
      plan[i].first = first;
      plan[i].off = plan[first].total;
      plan[first].total += size;
      plan[first].last = i;
      count++;
      continue;
    }
    plan[i].first = (int32_t)i;
    plan[i].total = size;
    first = (int32_t)i;
    count = 1;
  }
}

bool ir_gc_check_op(const armjit_trace *t, uint32_t i, int *arg, char *msg, size_t n) {
  const ir_op *op = &t->ops[i];
  const char *name = ir_info(op->opc)->name;
  const armjit_gc_descr *g = t->ctx->opts.gc;
  const ir_ref *a = ir_args(t, op);
  *arg = -1;
  if (!g) {
    snprintf(msg, n, "%s needs the context's GC descriptor (armjit_options.gc)", name);
    return false;
  }
  if (!ir_gc_is_alloc(op->opc)) return true;
  /* the size (new) or the length, then the type id, then the class */
  if (!has_length(op->opc)) {
    if (!IR_IS_CONST(a[0]) || ir_const_of(t, a[0])->v.i <= 0 ||
        (uint32_t)ir_const_of(t, a[0])->v.i > IR_GC_MAX_SIZE) {
      *arg = 0;
      snprintf(msg, n, "the size of %s must be a constant int from 1 to %u", name,
               IR_GC_MAX_SIZE);
      return false;
    }
  } else if (IR_IS_CONST(a[0])) {
    int32_t len = ir_const_of(t, a[0])->v.i;
    const ir_descr *d = ir_descr_at(t, op->descr);
    if (len < 0 || (uint64_t)(uint32_t)d->base + (uint64_t)len * d->item_size > IR_GC_MAX_SIZE) {
      *arg = 0;
      snprintf(msg, n, "the length of %s is %ld: a constant length must be >= 0 and give "
               "at most %u bytes", name, (long)len, IR_GC_MAX_SIZE);
      return false;
    }
  }
  if (op->opc == ARMJIT_OP_NEW_ARRAY && !ir_descr_at(t, op->descr)->has_len) {
    snprintf(msg, n, "new_array needs an array descriptor with a length (len=)");
    return false;
  }
  if (!IR_IS_CONST(a[1]) ||
      (g->tid_size == 2 && (uint32_t)ir_const_of(t, a[1])->v.i > 0xffffu)) {
    *arg = 1;
    snprintf(msg, n, "the type id of %s must be a constant int that fits in %u bytes", name,
             (unsigned)g->tid_size);
    return false;
  }
  if (op->opc == ARMJIT_OP_NEW_WITH_VTABLE && !IR_IS_CONST(a[2])) {
    *arg = 2;
    snprintf(msg, n, "the class of new_with_vtable must be a constant ref");
    return false;
  }
  return true;
}

void ir_gc_refs(const armjit_trace *t, uint8_t *is_gc) {
  for (uint32_t v = 0; v < t->nvals; v++) {
    is_gc[v] = 0;
    if (t->vtype[v] != ARMJIT_REF) continue;
    if (t->vdef[v] < 0) {  /* an input */
      is_gc[v] = 1;
      continue;
    }
    const ir_op *op = &t->ops[t->vdef[v]];
    switch (op->opc) {
    case ARMJIT_OP_GETFIELD_RAW: case ARMJIT_OP_GETARRAYITEM_RAW: case ARMJIT_OP_RAW_LOAD:
    case ARMJIT_OP_FORCE_TOKEN: case ARMJIT_OP_CAST_INT_TO_PTR:
      break;
    case ARMJIT_OP_SAME_AS: {
      ir_ref x = ir_args(t, op)[0];
      is_gc[v] = x >= 0 && is_gc[x];
      break;
    }
    default:
      is_gc[v] = 1;
      break;
    }
  }
  for (uint32_t i = 0; i < t->nlabels; i++) {
    const ir_op *lab = &t->ops[t->labels[i].op];
    const ir_ref *a = ir_args(t, lab);
    for (uint32_t k = 0; k < lab->nargs; k++)
      if (a[k] >= 0 && t->vtype[a[k]] == ARMJIT_REF) is_gc[a[k]] = 1;
  }
}

void ir_gc_last_uses(const armjit_trace *t, int32_t *last_use) {
  for (uint32_t v = 0; v < t->nvals; v++) last_use[v] = -1;
  for (uint32_t i = t->nops; i-- > 0;) {
    const ir_op *op = &t->ops[i];
    if ((ir_info(op->opc)->flags & ARMJIT_OPF_PURE) && op->res >= 0 && last_use[op->res] < 0)
      continue;  /* dead: its uses do not count */
    const ir_ref *a = ir_args(t, op), *f = ir_fails(t, op);
    for (uint32_t k = 0; k < op->nargs; k++)
      if (a[k] >= 0 && last_use[a[k]] < 0) last_use[a[k]] = (int32_t)i;
    for (uint32_t k = 0; k < op->nfail; k++)
      if (f[k] >= 0 && last_use[f[k]] < 0) last_use[f[k]] = (int32_t)i;
  }
}
