/* SPDX-License-Identifier: MIT */
/* The builder API for descriptors, descriptor ops and guard_exception.
 * Like builder.c: misuse is remembered in t->builder_err (first one only)
 * and reported by the validator; nothing aborts. */
#include "ir/descr_impl.h"
#include "ir/ir_impl.h"

#include <string.h>

static int32_t add(armjit_trace *t, const char *fn, ir_descr *d) {
  ir_descr_key bad;
  char msg[160];
  if (!ir_descr_check(d, &bad, msg, sizeof msg)) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s", fn, msg);
    return -1;
  }
  int32_t id;
  armjit_status st = ir_descr_add(t, d, &id);
  if (st != ARMJIT_OK) {
    ir_builder_fail(t, st, "%s: %s", fn,
                    st == ARMJIT_E_NOMEM ? "out of memory" : "too many descriptors");
    return -1;
  }
  return id;
}

/* The value part; size 0 means natural for refs and floats. */
static void set_value(ir_descr *d, armjit_type type, uint32_t size, bool is_signed) {
  d->type = (uint8_t)((unsigned)type <= 255 ? type : 255);
  d->size = size ? size : ir_natural_size(type);
  d->is_signed = is_signed;
}

#define NULL_CHECK(fn)                                                        \
  do {                                                                        \
    if (!t) return -1;                                                        \
    if (!d)                                                                   \
      return ir_builder_fail(t, ARMJIT_E_ARG, "%s: descriptor is NULL", fn), -1; \
  } while (0)

int armjit_descr_field(armjit_trace *t, const armjit_field_descr *d) {
  NULL_CHECK("armjit_descr_field");
  ir_descr x;
  memset(&x, 0, sizeof x);
  x.kind = IR_DESCR_FIELD;
  x.offset = d->offset;
  set_value(&x, d->type, d->size, d->is_signed);
  return add(t, "armjit_descr_field", &x);
}

int armjit_descr_array(armjit_trace *t, const armjit_array_descr *d) {
  NULL_CHECK("armjit_descr_array");
  ir_descr x;
  memset(&x, 0, sizeof x);
  x.kind = IR_DESCR_ARRAY;
  x.base = d->base;
  set_value(&x, d->type, d->item_size, d->is_signed);
  x.item_size = x.size;
  x.has_len = d->has_len;
  x.len_offset = d->has_len ? d->len_offset : 0;
  return add(t, "armjit_descr_array", &x);
}

int armjit_descr_interior(armjit_trace *t, const armjit_interior_descr *d) {
  NULL_CHECK("armjit_descr_interior");
  ir_descr x;
  memset(&x, 0, sizeof x);
  x.kind = IR_DESCR_INTERIOR;
  x.base = d->base;
  x.item_size = d->item_size;
  x.has_len = d->has_len;
  x.len_offset = d->has_len ? d->len_offset : 0;
  x.offset = d->offset;
  set_value(&x, d->type, d->size, d->is_signed);
  return add(t, "armjit_descr_interior", &x);
}

static int str_layout(armjit_trace *t, const char *fn, ir_descr_kind kind,
                      const armjit_str_descr *d) {
  ir_descr x;
  memset(&x, 0, sizeof x);
  x.kind = (uint8_t)kind;
  x.base = d->base;
  x.item_size = d->item_size;
  x.has_len = true;
  x.len_offset = d->len_offset;
  /* Characters are unsigned ints of the item size. */
  x.type = ARMJIT_INT;
  x.size = d->item_size <= 4 ? d->item_size : 0;
  return add(t, fn, &x);
}

int armjit_descr_str(armjit_trace *t, const armjit_str_descr *d) {
  NULL_CHECK("armjit_descr_str");
  return str_layout(t, "armjit_descr_str", IR_DESCR_STR, d);
}

int armjit_descr_unicode(armjit_trace *t, const armjit_str_descr *d) {
  NULL_CHECK("armjit_descr_unicode");
  return str_layout(t, "armjit_descr_unicode", IR_DESCR_UNICODE, d);
}

int armjit_descr_call(armjit_trace *t, const armjit_call_descr *d) {
  static const char fn[] = "armjit_descr_call";
  NULL_CHECK(fn);
  if (d->nargs && !d->args)
    return ir_builder_fail(t, ARMJIT_E_ARG, "%s: args is NULL but nargs is %u", fn,
                           d->nargs), -1;
  if (d->nargs > IR_MAX_ARGS - 1)
    return ir_builder_fail(t, ARMJIT_E_LIMIT, "%s: %u arguments, at most %u allowed", fn,
                           d->nargs, IR_MAX_ARGS - 1), -1;
  uint8_t small[16], *types = small;
  if (d->nargs > sizeof small && !(types = ajx_alloc(t->ctx, d->nargs)))
    return ir_builder_fail(t, ARMJIT_E_NOMEM, "%s: out of memory", fn), -1;
  for (unsigned k = 0; k < d->nargs; k++)
    types[k] = (uint8_t)((unsigned)d->args[k] <= 255 ? d->args[k] : 255);
  ir_descr x;
  memset(&x, 0, sizeof x);
  x.kind = IR_DESCR_CALL;
  x.type = (uint8_t)((unsigned)d->result <= 255 ? d->result : 255);
  x.nargs = d->nargs;
  x.args = types;
  x.flags = d->flags;
  int id = add(t, fn, &x);
  if (types != small) ajx_free(t->ctx, types);
  return id;
}

#undef NULL_CHECK

armjit_status armjit_descr_set_name(armjit_trace *t, int descr, const char *name) {
  static const char fn[] = "armjit_descr_set_name";
  if (!t) return ARMJIT_E_ARG;
  if (descr < 0 || (uint32_t)descr >= t->ndescrs)
    return ir_builder_fail(t, ARMJIT_E_ARG, "%s: unknown descriptor %d", fn, descr);
  if (!ir_is_ident(name))
    return ir_builder_fail(t, ARMJIT_E_ARG,
                           "%s: '%s' is not a name ([A-Za-z_][A-Za-z0-9_]*)", fn,
                           name ? name : "(null)");
  const char *cur = t->descrs[descr].name;
  if (cur && strcmp(cur, name) == 0) return ARMJIT_OK;
  if (ir_descr_name_used(t, name))
    return ir_builder_fail(t, ARMJIT_E_INVALID, "%s: descr name %s is already used", fn,
                           name);
  if (ir_descr_rename(t, descr, name) != ARMJIT_OK)
    return ir_builder_fail(t, ARMJIT_E_NOMEM, "%s: out of memory", fn);
  return ARMJIT_OK;
}

unsigned armjit_trace_ndescrs(const armjit_trace *t) { return t ? t->ndescrs : 0; }

armjit_val armjit_op_descr(armjit_trace *t, armjit_opcode op, const armjit_val *args,
                           unsigned nargs, int descr) {
  static const char fn[] = "armjit_op_descr";
  if (!t) return ARMJIT_NOVAL;
  if ((unsigned)op >= ARMJIT_OP__COUNT) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: unknown opcode %d", fn, (int)op);
    return ARMJIT_NOVAL;
  }
  const char *name = ir_info(op)->name;
  unsigned kinds = ir_op_descr_kinds(op);
  if (!kinds) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s takes no descriptor", fn, name);
    return ARMJIT_NOVAL;
  }
  if (descr < 0 || (uint32_t)descr >= t->ndescrs) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: unknown descriptor %d", fn, descr);
    return ARMJIT_NOVAL;
  }
  if (!(kinds & (1u << t->descrs[descr].kind))) {
    char want[64], dn[64];
    ir_descr_kinds_text(kinds, want, sizeof want);
    ir_descr_desc(t, descr, dn, sizeof dn);
    ir_builder_fail(t, ARMJIT_E_INVALID,
                    "%s: %s needs %s descriptor; descr %s is a %s descriptor", fn, name,
                    want, dn, ir_descr_kind_name(t->descrs[descr].kind));
    return ARMJIT_NOVAL;
  }
  if (ir_builder_check_refs(t, fn, "argument", args, nargs, IR_MAX_ARGS) != ARMJIT_OK)
    return ARMJIT_NOVAL;
  armjit_type res;
  armjit_status code;
  int arg;
  char msg[200];
  if (!ir_check_descr_sig(t, NULL, op, descr, args, nargs, &res, &code, &arg, msg,
                          sizeof msg)) {
    ir_builder_fail(t, code, "%s: op %u: %s", fn, t->nops, msg);
    return ARMJIT_NOVAL;
  }
  uint32_t idx;
  armjit_status st = ir_emit(t, op, res, args, nargs, NULL, 0, -1, &idx);
  if (st != ARMJIT_OK) {
    ir_builder_fail(t, st, "%s: %s", fn,
                    st == ARMJIT_E_NOMEM ? "out of memory" : "trace size limit exceeded");
    return ARMJIT_NOVAL;
  }
  t->ops[idx].descr = descr;
  return t->ops[idx].res;
}

armjit_val armjit_guard_exception(armjit_trace *t, const armjit_val *fail, unsigned nfail,
                                  int *exit_id) {
  static const char fn[] = "armjit_guard_exception";
  if (exit_id) *exit_id = -1;
  if (!t) return ARMJIT_NOVAL;
  if (ir_builder_check_refs(t, fn, "fail arg", fail, nfail, IR_MAX_FAIL) != ARMJIT_OK)
    return ARMJIT_NOVAL;
  uint32_t idx;
  armjit_status st = ir_emit(t, ARMJIT_OP_GUARD_EXCEPTION, ARMJIT_REF, NULL, 0, fail, nfail,
                             -1, &idx);
  if (st != ARMJIT_OK) {
    ir_builder_fail(t, st, "%s: %s", fn,
                    st == ARMJIT_E_NOMEM ? "out of memory" : "trace size limit exceeded");
    return ARMJIT_NOVAL;
  }
  if (exit_id) *exit_id = t->ops[idx].id;
  return t->ops[idx].res;
}
