/* SPDX-License-Identifier: MIT */
/* Descriptors: storage in the trace, the rules a descriptor must satisfy,
 * which ops take which kind, and the builder API that adds them (misuse is
 * remembered like any builder misuse, builder.c). */
#include "ir/ir_impl.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[IR_DESCR__COUNT] = {
    "field", "array", "interior", "str", "unicode", "call", "token"};

const char *ir_descr_kind_name(unsigned kind) {
  return kind < IR_DESCR__COUNT ? kind_names[kind] : "?";
}

uint32_t ir_natural_size(armjit_type ty) {
  switch (ty) {
  case ARMJIT_REF: return (uint32_t)sizeof(uintptr_t);
  case ARMJIT_FLOAT: case ARMJIT_I64: return 8u;
  case ARMJIT_F32: return 4u;
  default: return 0u;
  }
}

unsigned ir_op_descr_kinds(unsigned opc) {
  switch ((armjit_opcode)opc) {
  case ARMJIT_OP_GETFIELD_GC: case ARMJIT_OP_GETFIELD_RAW:
  case ARMJIT_OP_SETFIELD_GC: case ARMJIT_OP_SETFIELD_RAW:
    return 1u << IR_DESCR_FIELD;
  case ARMJIT_OP_GETARRAYITEM_GC: case ARMJIT_OP_GETARRAYITEM_RAW:
  case ARMJIT_OP_SETARRAYITEM_GC: case ARMJIT_OP_SETARRAYITEM_RAW:
  case ARMJIT_OP_RAW_LOAD: case ARMJIT_OP_RAW_STORE: case ARMJIT_OP_ZERO_ARRAY:
    return 1u << IR_DESCR_ARRAY;
  case ARMJIT_OP_ARRAYLEN_GC: /* an array of structs has a length too */
    return 1u << IR_DESCR_ARRAY | 1u << IR_DESCR_INTERIOR;
  case ARMJIT_OP_GETINTERIORFIELD_GC: case ARMJIT_OP_SETINTERIORFIELD_GC:
    return 1u << IR_DESCR_INTERIOR;
  case ARMJIT_OP_STRLEN: case ARMJIT_OP_STRGETITEM: case ARMJIT_OP_STRSETITEM:
  case ARMJIT_OP_COPYSTRCONTENT:
    return 1u << IR_DESCR_STR;
  case ARMJIT_OP_UNICODELEN: case ARMJIT_OP_UNICODEGETITEM: case ARMJIT_OP_UNICODESETITEM:
  case ARMJIT_OP_COPYUNICODECONTENT:
    return 1u << IR_DESCR_UNICODE;
  case ARMJIT_OP_CALL: case ARMJIT_OP_CALL_MAY_FORCE: case ARMJIT_OP_COND_CALL:
  case ARMJIT_OP_COND_CALL_VALUE:
    return 1u << IR_DESCR_CALL;
  case ARMJIT_OP_CALL_ASSEMBLER:
    return 1u << IR_DESCR_TOKEN;
  case ARMJIT_OP_NEW_ARRAY: return 1u << IR_DESCR_ARRAY;
  case ARMJIT_OP_NEWSTR: return 1u << IR_DESCR_STR;
  case ARMJIT_OP_NEWUNICODE: return 1u << IR_DESCR_UNICODE;
  default:
    return 0;
  }
}

void ir_descr_kinds_text(unsigned kinds, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = 0;
  for (unsigned k = 0; k < IR_DESCR__COUNT && len < n; k++) {
    if (!(kinds & (1u << k))) continue;
    const char *name = kind_names[k];
    const char *art = len ? " or " : (name[0] == 'a' || name[0] == 'i') ? "an " : "a ";
    len += (size_t)snprintf(buf + len, n - len, "%s%s", art, name);
  }
}

void ir_descr_desc(const armjit_trace *t, int32_t id, char *buf, size_t n) {
  if (id >= 0 && (uint32_t)id < t->ndescrs && t->descrs[id].name)
    snprintf(buf, n, "%s", t->descrs[id].name);
  else
    snprintf(buf, n, "#%ld", (long)id);
}

static bool is_value_type(unsigned ty) { return ir_is_value_type(ty); }

#define FAIL(key, ...) (*bad = (key), snprintf(msg, n, __VA_ARGS__), false)

/* The value in memory: its type, size and signedness. */
static bool check_value(const ir_descr *d, ir_descr_key size_key, ir_descr_key *bad,
                        char *msg, size_t n) {
  if (!is_value_type(d->type))
    return FAIL(IR_DK_TYPE, "the value type must be int, ref, float, i64 or f32");
  switch ((armjit_type)d->type) {
  case ARMJIT_INT:
    if (d->size != 1 && d->size != 2 && d->size != 4)
      return FAIL(size_key, "an int in memory has 1, 2 or 4 bytes, not %u", (unsigned)d->size);
    return true;
  case ARMJIT_REF:
    if (d->size != sizeof(uintptr_t))
      return FAIL(size_key, "a ref in memory has %u bytes (pointer size), not %u",
                  (unsigned)sizeof(uintptr_t), (unsigned)d->size);
    break;
  case ARMJIT_I64:
    if (d->size != 8)
      return FAIL(size_key, "an i64 in memory has 8 bytes, not %u", (unsigned)d->size);
    break;
  case ARMJIT_F32:
    if (d->size != 4)
      return FAIL(size_key, "an f32 in memory is a 4-byte float, not %u bytes", (unsigned)d->size);
    break;
  default:
    if (d->size != 8)
      return FAIL(size_key, "a float in memory is an 8-byte double, not %u bytes", (unsigned)d->size);
    break;
  }
  if (d->is_signed) return FAIL(IR_DK_SIGN, "signed applies to int values only");
  return true;
}

static bool check_call(const ir_descr *d, ir_descr_key *bad, char *msg, size_t n) {
  if (d->nargs > IR_MAX_ARGS - 1)
    return FAIL(IR_DK_ARGS, "a call takes at most %u arguments, not %u",
                IR_MAX_ARGS - 1, d->nargs);
  for (uint32_t k = 0; k < d->nargs; k++)
    if (!is_value_type(d->args[k]))
      return FAIL(IR_DK_ARGS, "argument %u: the type must be int, ref, float, i64 or f32", k + 1);
  if (!is_value_type(d->type) && d->type != ARMJIT_VOID)
    return FAIL(IR_DK_RESULT, "the result type must be int, ref, float, i64, f32 or void");
  if (d->flags & ~(unsigned)(ARMJIT_CALL_MAY_RAISE | ARMJIT_CALL_MAY_FORCE))
    return FAIL(IR_DK_FLAGS, "unknown call flags 0x%x", d->flags);
  if ((d->size || d->is_signed) && d->type != ARMJIT_INT)
    return FAIL(d->size ? IR_DK_SIZE : IR_DK_SIGN,
                "a result size and sign apply to int results only");
  if (d->size != 0 && d->size != 1 && d->size != 2 && d->size != 4)
    return FAIL(IR_DK_SIZE, "an int result has 1, 2 or 4 bytes, not %u", (unsigned)d->size);
  return true;
}

bool ir_descr_check(const ir_descr *d, ir_descr_key *bad, char *msg, size_t n) {
  switch ((ir_descr_kind)d->kind) {
  case IR_DESCR_FIELD:
    return check_value(d, IR_DK_SIZE, bad, msg, n);
  case IR_DESCR_ARRAY:
    return check_value(d, IR_DK_ITEM, bad, msg, n);
  case IR_DESCR_INTERIOR:
    if (!check_value(d, IR_DK_SIZE, bad, msg, n)) return false;
    if (d->item_size == 0 || d->item_size > INT32_MAX)
      return FAIL(IR_DK_ITEM, "the item size must be 1 .. %ld, not %lu", (long)INT32_MAX,
                  (unsigned long)d->item_size);
    if (d->offset < 0 || (uint64_t)d->offset + d->size > d->item_size)
      return FAIL(IR_DK_OFFSET, "the field (offset %ld, %u bytes) does not fit in an "
                  "item of %lu bytes", (long)d->offset, (unsigned)d->size,
                  (unsigned long)d->item_size);
    return true;
  case IR_DESCR_STR:
    if (d->item_size != 1)
      return FAIL(IR_DK_ITEM, "str characters have 1 byte, not %lu (use unicode)",
                  (unsigned long)d->item_size);
    return d->has_len || FAIL(IR_DK_LEN, "a str layout needs its length offset");
  case IR_DESCR_UNICODE:
    if (d->item_size != 2 && d->item_size != 4)
      return FAIL(IR_DK_ITEM, "unicode characters have 2 or 4 bytes, not %lu",
                  (unsigned long)d->item_size);
    return d->has_len || FAIL(IR_DK_LEN, "a unicode layout needs its length offset");
  case IR_DESCR_CALL:
  case IR_DESCR_TOKEN:
    return check_call(d, bad, msg, n);
  default:
    return FAIL(IR_DK_KIND, "unknown descriptor kind %u", d->kind);
  }
}

#undef FAIL

armjit_status ir_descr_add(armjit_trace *t, const ir_descr *d, int32_t *id) {
  armjit_ctx *ctx = t->ctx;
  if (t->ndescrs >= IR_MAX_VALUES) return ARMJIT_E_LIMIT;
  ir_trace_will_change(t);
  if (!ajx_grow(ctx, (void **)&t->descrs, &t->capdescrs, t->ndescrs + 1, sizeof *t->descrs))
    return ARMJIT_E_NOMEM;
  ir_descr c = *d;
  c.args = NULL;
  c.name = NULL;
  if (d->nargs) {
    c.args = ajx_alloc(ctx, d->nargs);
    if (!c.args) return ARMJIT_E_NOMEM;
    memcpy(c.args, d->args, d->nargs);
  }
  t->descrs[t->ndescrs] = c;
  if (d->name && ir_descr_rename(t, (int32_t)t->ndescrs, d->name) != ARMJIT_OK) {
    ajx_free(ctx, c.args);
    return ARMJIT_E_NOMEM;
  }
  *id = (int32_t)t->ndescrs++;
  t->validated = false;
  return ARMJIT_OK;
}

armjit_status ir_descr_rename(armjit_trace *t, int32_t id, const char *name) {
  armjit_ctx *ctx = t->ctx;
  ir_trace_will_change(t);
  char *copy = ajx_strdup(ctx, name);
  if (!copy) return ARMJIT_E_NOMEM;
  ir_descr *d = &t->descrs[id];
  if (!d->name) {
    if (!ir_names_put(ctx, &t->descrs_index, copy, strlen(copy), id, d->line)) {
      ajx_free(ctx, copy);
      return ARMJIT_E_NOMEM;
    }
    d->name = copy;
    return ARMJIT_OK;
  }
  /* A rename (rare): rebuild the index, keeping the old state on failure. */
  char *old = d->name;
  d->name = copy;
  ir_namemap m = {NULL, 0, 0};
  for (uint32_t i = 0; i < t->ndescrs; i++) {
    const ir_descr *e = &t->descrs[i];
    if (e->name && !ir_names_put(ctx, &m, e->name, strlen(e->name), (int32_t)i, e->line)) {
      d->name = old;
      ir_names_free(ctx, &m);
      ajx_free(ctx, copy);
      return ARMJIT_E_NOMEM;
    }
  }
  ir_names_free(ctx, &t->descrs_index);
  t->descrs_index = m;
  ajx_free(ctx, old);
  return ARMJIT_OK;
}

void ir_descrs_free(armjit_trace *t) {
  for (uint32_t i = 0; i < t->ndescrs; i++) {
    ajx_free(t->ctx, t->descrs[i].args);
    ajx_free(t->ctx, t->descrs[i].name);
  }
  ajx_free(t->ctx, t->descrs);
  ir_names_free(t->ctx, &t->descrs_index);
  t->descrs = NULL;
  t->ndescrs = t->capdescrs = 0;
}

int32_t ir_descr_by_name(const armjit_trace *t, const char *name, size_t len) {
  const ir_name_ent *e = ir_names_find(&t->descrs_index, name, len);
  return e ? e->val : -1;
}

/* ---- the builder API ---------------------------------------------------------- */
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
  unsigned width = d->flags & (ARMJIT_CALL_RESULT_BYTE | ARMJIT_CALL_RESULT_HALF);
  if (width == (ARMJIT_CALL_RESULT_BYTE | ARMJIT_CALL_RESULT_HALF))
    return ir_builder_fail(t, ARMJIT_E_ARG,
                           "%s: ARMJIT_CALL_RESULT_BYTE and ARMJIT_CALL_RESULT_HALF both given",
                           fn), -1;
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
  /* the result's width lives in size / is_signed, as the text gives it */
  x.flags = d->flags & ~(unsigned)(ARMJIT_CALL_RESULT_BYTE | ARMJIT_CALL_RESULT_HALF |
                                   ARMJIT_CALL_RESULT_SIGNED);
  x.size = width == ARMJIT_CALL_RESULT_BYTE ? 1 : width == ARMJIT_CALL_RESULT_HALF ? 2 : 0;
  x.is_signed = (d->flags & ARMJIT_CALL_RESULT_SIGNED) != 0;
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
  if (ir_name_used(t, name))
    return ir_builder_fail(t, ARMJIT_E_INVALID, "%s: descr name %s is already used", fn,
                           name);
  if (ir_descr_rename(t, descr, name) != ARMJIT_OK)
    return ir_builder_fail(t, ARMJIT_E_NOMEM, "%s: out of memory", fn);
  return ARMJIT_OK;
}

unsigned armjit_trace_ndescrs(const armjit_trace *t) { return t ? t->ndescrs : 0; }
