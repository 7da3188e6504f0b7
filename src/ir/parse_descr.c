/* SPDX-License-Identifier: MIT */
/* The body of a descriptor declaration in the trace text (docs/ir.md
 * §10.3), after "descr NAME =":
 *
 *   KIND(PROP, PROP, ...)
 *     KIND  field | array | interior | str | unicode | call | token
 *     PROP  offset=N | size=N | base=N | item=N | len=N      (N: int32)
 *           signed | unsigned | int | ref | float
 *           args=[TYPE, ...] | result=TYPE|void | may_raise | may_force
 *
 * Reads through the parser's cursor (lex.h), checks which properties the
 * kind allows and needs, and adds the descriptor to the trace. */
#include "ir/parse.h"
#include "ir/token.h"
#include "ir/sem.h"

#include <string.h>

static const char *const key_names[IR_DK__COUNT] = {
    "kind", "offset", "size", "base", "item", "len", "signed", "type", "args", "result",
    "flags"};

/* Properties each kind may have, and must have (size/item only for ints). */
static const unsigned allowed[IR_DESCR__COUNT] = {
    [IR_DESCR_FIELD] = 1u << IR_DK_OFFSET | 1u << IR_DK_SIZE | 1u << IR_DK_SIGN | 1u << IR_DK_TYPE,
    [IR_DESCR_ARRAY] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_SIGN | 1u << IR_DK_TYPE |
                       1u << IR_DK_LEN,
    [IR_DESCR_INTERIOR] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_LEN |
                          1u << IR_DK_OFFSET | 1u << IR_DK_SIZE | 1u << IR_DK_SIGN |
                          1u << IR_DK_TYPE,
    [IR_DESCR_STR] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_LEN,
    [IR_DESCR_UNICODE] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_LEN,
    [IR_DESCR_CALL] = 1u << IR_DK_ARGS | 1u << IR_DK_RESULT | 1u << IR_DK_FLAGS |
                      1u << IR_DK_SIZE | 1u << IR_DK_SIGN,
    [IR_DESCR_TOKEN] = 1u << IR_DK_ARGS | 1u << IR_DK_RESULT,
};
static const unsigned required[IR_DESCR__COUNT] = {
    [IR_DESCR_FIELD] = 1u << IR_DK_OFFSET | 1u << IR_DK_TYPE,
    [IR_DESCR_ARRAY] = 1u << IR_DK_BASE | 1u << IR_DK_TYPE,
    [IR_DESCR_INTERIOR] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_OFFSET |
                          1u << IR_DK_TYPE,
    [IR_DESCR_STR] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_LEN,
    [IR_DESCR_UNICODE] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_LEN,
    [IR_DESCR_CALL] = 0,
    [IR_DESCR_TOKEN] = 0,
};

typedef struct {
  ir_lex *lx;
  armjit_ctx *ctx;
  armjit_trace *t;
  ir_descr d;
  unsigned seen;                 /* ir_descr_key bits given */
  const char *at[IR_DK__COUNT];  /* where each was given */
  uint8_t *args;                 /* call argument types being read */
  uint32_t capargs;
} decl;

/* [-](0xHEX | DIGITS) fitting an int32. */
static armjit_status parse_int32(ir_lex *lx, int32_t *out) {
  const char *s = lx->p, *q = s;
  bool neg, hex;
  q = ir_lex_sign_base(q, &neg, &hex);
  uint64_t v;
  bool range;
  if (!ir_lex_uint(&q, hex, UINT64_C(0xffffffff), &v, &range) || is_id(*q)) {
    while (is_id(*q)) q++;
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col_of(lx, s), "expected an integer, got '%.*s'",
                (int)(q - s), s);
  }
  if (range || v > (neg ? UINT64_C(0x80000000) : UINT64_C(0x7fffffff)))
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col_of(lx, s), "%.*s does not fit in 32 bits", (int)(q - s), s);
  lx->p = q;
  *out = neg ? (int32_t)(0 - (int64_t)v) : (int32_t)v;
  return ARMJIT_OK;
}

/* int | ref | float | i64 | f32, and void when allowed. */
static armjit_status parse_type(ir_lex *lx, bool void_ok, uint8_t *out) {
  ir_lex_ws(lx);
  const char *s = lx->p;
  armjit_status st;
  size_t n = ir_lex_name(lx, &st);
  if (st != ARMJIT_OK) return st;
  if (word_is(s, n, "int")) *out = ARMJIT_INT;
  else if (word_is(s, n, "ref")) *out = ARMJIT_REF;
  else if (word_is(s, n, "float")) *out = ARMJIT_FLOAT;
  else if (word_is(s, n, "i64")) *out = ARMJIT_I64;
  else if (word_is(s, n, "f32")) *out = ARMJIT_F32;
  else if (void_ok && word_is(s, n, "void")) *out = ARMJIT_VOID;
  else {
    char b[16];
    if (!n)
      return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "expected a type, got %s", ir_lex_here(lx, b, sizeof b));
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "unknown type '%.*s' (int, ref, float, i64, f32%s)", (int)n, s,
                void_ok ? " or void" : "");
  }
  lx->p += n;
  return ARMJIT_OK;
}

static armjit_status arg_type_item(ir_lex *lx, void *ud) {
  decl *D = ud;
  if (D->d.nargs >= IR_MAX_ARGS - 1)
    return ir_lex_err(lx, ARMJIT_E_LIMIT, ir_lex_col(lx), "too many call arguments (at most %u)",
                IR_MAX_ARGS - 1);
  if (!ajx_grow(lx->ctx, (void **)&D->args, &D->capargs, D->d.nargs + 1, 1)) return ir_lex_nomem(lx);
  armjit_status st = parse_type(lx, false, &D->args[D->d.nargs]);
  if (st == ARMJIT_OK) D->d.nargs++;
  return st;
}

/* One PROP; `s` is its word (length n), the cursor is after it. */
static armjit_status parse_prop(decl *D, const char *s, size_t n) {
  ir_lex *lx = D->lx;
  ir_descr *d = &D->d;
  uint32_t c0 = ir_lex_col_of(lx, s);
  int key = -1;
  static const char *const num_keys[] = {"offset", "size", "base", "item", "len"};
  static const ir_descr_key num_key_ids[] = {IR_DK_OFFSET, IR_DK_SIZE, IR_DK_BASE,
                                             IR_DK_ITEM, IR_DK_LEN};
  for (unsigned k = 0; k < 5; k++)
    if (word_is(s, n, num_keys[k])) key = (int)num_key_ids[k];
  if (word_is(s, n, "args")) key = IR_DK_ARGS;
  if (word_is(s, n, "result")) key = IR_DK_RESULT;
  bool is_kv = key >= 0;
  if (!is_kv) {
    if (word_is(s, n, "signed") || word_is(s, n, "unsigned")) key = IR_DK_SIGN;
    else if (word_is(s, n, "int") || word_is(s, n, "ref") || word_is(s, n, "float") ||
             word_is(s, n, "i64") || word_is(s, n, "f32"))
      key = IR_DK_TYPE;
    else if (word_is(s, n, "may_raise") || word_is(s, n, "may_force")) key = IR_DK_FLAGS;
    else
      return ir_lex_err(lx, ARMJIT_E_SYNTAX, c0, "unknown descriptor property '%.*s'", (int)n, s);
  }
  const char *kind = ir_descr_kind_name(d->kind);
  if (!(allowed[d->kind] & (1u << key)))
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, c0, "%.*s is not a property of %s descriptors", (int)n, s,
                kind);
  unsigned bit = 1u << key;
  if (key == IR_DK_FLAGS) /* each flag once */
    bit = word_is(s, n, "may_raise") ? ARMJIT_CALL_MAY_RAISE : ARMJIT_CALL_MAY_FORCE;
  if (key == IR_DK_FLAGS ? (d->flags & bit) != 0 : (D->seen & bit) != 0)
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, c0, "%s given twice",
                key == IR_DK_TYPE ? "the type" : key == IR_DK_SIGN ? "signedness"
                : key == IR_DK_FLAGS ? (bit == ARMJIT_CALL_MAY_RAISE ? "may_raise" : "may_force")
                : key_names[key]);
  D->seen |= 1u << key;
  D->at[key] = s;
  if (!is_kv) {
    if (key == IR_DK_SIGN) d->is_signed = word_is(s, n, "signed");
    else if (key == IR_DK_TYPE) d->type = word_is(s, n, "int") ? ARMJIT_INT
                                        : word_is(s, n, "ref") ? ARMJIT_REF
                                        : word_is(s, n, "i64") ? ARMJIT_I64
                                        : word_is(s, n, "f32") ? ARMJIT_F32 : ARMJIT_FLOAT;
    else d->flags |= bit;
    return ARMJIT_OK;
  }
  armjit_status st = ir_lex_expect(lx, '=', "after the property name");
  if (st != ARMJIT_OK) return st;
  ir_lex_ws(lx);
  if (key == IR_DK_ARGS) {
    if ((st = ir_lex_expect(lx, '[', "to start the argument types")) != ARMJIT_OK) return st;
    return ir_lex_list(lx, ']', "the argument types", arg_type_item, D);
  }
  if (key == IR_DK_RESULT) return parse_type(lx, true, &d->type);
  const char *vs = lx->p;
  int32_t v = 0;
  if ((st = parse_int32(lx, &v)) != ARMJIT_OK) return st;
  switch (key) {
  case IR_DK_OFFSET: d->offset = v; break;
  case IR_DK_BASE: d->base = v; break;
  case IR_DK_LEN: d->len_offset = v; d->has_len = true; break;
  default: /* size, item */
    if (v <= 0) return ir_lex_err(lx, ARMJIT_E_INVALID, ir_lex_col_of(lx, vs), "%s must be positive, not %ld",
                            key_names[key], (long)v);
    if (key == IR_DK_SIZE) d->size = (uint32_t)v;
    else d->item_size = (uint32_t)v;
    break;
  }
  return ARMJIT_OK;
}

static armjit_status prop_item(ir_lex *lx, void *ud) {
  decl *D = ud;
  const char *s = lx->p;
  armjit_status st;
  size_t len = ir_lex_name(lx, &st);
  if (st != ARMJIT_OK) return st;
  if (!len) {
    char b[16];
    return ir_lex_err(D->lx, ARMJIT_E_SYNTAX, ir_lex_col(D->lx), "expected a descriptor property, got %s",
                ir_lex_here(D->lx, b, sizeof b));
  }
  lx->p += len;
  return parse_prop(D, s, len);
}

/* Required properties present, natural sizes filled in, the rules of
 * ir_descr_check; errors at the property concerned. */
static armjit_status finish_decl(decl *D, const char *kind_at, const char *close) {
  ir_lex *lx = D->lx;
  ir_descr *d = &D->d;
  unsigned need = required[d->kind];
  if (d->kind == IR_DESCR_FIELD || d->kind == IR_DESCR_INTERIOR)
    if ((D->seen & (1u << IR_DK_TYPE)) && d->type == ARMJIT_INT) need |= 1u << IR_DK_SIZE;
  if (d->kind == IR_DESCR_ARRAY && (D->seen & (1u << IR_DK_TYPE)) && d->type == ARMJIT_INT)
    need |= 1u << IR_DK_ITEM;
  for (unsigned k = 0; k < IR_DK__COUNT; k++)
    if ((need & (1u << k)) && !(D->seen & (1u << k)))
      return ir_lex_err(lx, ARMJIT_E_INVALID, ir_lex_col_of(lx, close), "%s descriptor needs %s%s",
                  ir_descr_kind_name(d->kind),
                  k == IR_DK_TYPE ? "a type (int, ref or float)" : key_names[k],
                  k == IR_DK_TYPE ? "" : "=");
  switch ((ir_descr_kind)d->kind) {
  case IR_DESCR_FIELD:
    if (!d->size) d->size = ir_natural_size((armjit_type)d->type);
    break;
  case IR_DESCR_ARRAY:
    if (!d->item_size) d->item_size = ir_natural_size((armjit_type)d->type);
    d->size = d->item_size;
    break;
  case IR_DESCR_INTERIOR:
    if (!d->size) d->size = ir_natural_size((armjit_type)d->type);
    break;
  case IR_DESCR_STR:
  case IR_DESCR_UNICODE:
    d->type = ARMJIT_INT;
    d->size = d->item_size <= 4 ? d->item_size : 0;
    break;
  default:
    if (!(D->seen & (1u << IR_DK_RESULT))) d->type = ARMJIT_VOID;
    break;
  }
  d->args = D->args;
  ir_descr_key bad;
  char msg[160];
  if (!ir_descr_check(d, &bad, msg, sizeof msg)) {
    /* Point at what is wrong: a natural size is wrong only through the type. */
    if (!D->at[bad] && (bad == IR_DK_SIZE || bad == IR_DK_ITEM)) bad = IR_DK_TYPE;
    return ir_lex_err(lx, ARMJIT_E_INVALID, ir_lex_col_of(lx, D->at[bad] ? D->at[bad] : kind_at), "%s", msg);
  }
  return ARMJIT_OK;
}

static armjit_status parse_decl_body(decl *D, char *name) {
  ir_lex *lx = D->lx;
  ir_lex_ws(lx);
  const char *kind_at = lx->p;
  armjit_status st;
  size_t n = ir_lex_name(lx, &st);
  if (st != ARMJIT_OK) return st;
  unsigned kind = IR_DESCR__COUNT;
  for (unsigned k = 0; k < IR_DESCR__COUNT; k++)
    if (word_is(kind_at, n, ir_descr_kind_name(k))) kind = k;
  char b[16];
  if (kind == IR_DESCR__COUNT) {
    if (!n)
      return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "expected a descriptor kind after '=', got %s",
                  ir_lex_here(lx, b, sizeof b));
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx),
                "unknown descriptor kind '%.*s' (field, array, interior, str, unicode, call "
                "or token)",
                (int)n, kind_at);
  }
  lx->p += n;
  D->d.kind = (uint8_t)kind;
  D->at[IR_DK_KIND] = kind_at;
  if ((st = ir_lex_expect(lx, '(', "after the descriptor kind")) != ARMJIT_OK) return st;
  if ((st = ir_lex_list(lx, ')', "the descriptor", prop_item, D)) != ARMJIT_OK) return st;
  const char *close = lx->p - 1;
  if (!ir_lex_at_eol(lx))
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "unexpected %s after the descriptor",
                ir_lex_here(lx, b, sizeof b));
  if ((st = finish_decl(D, kind_at, close)) != ARMJIT_OK) return st;
  if (D->d.kind == IR_DESCR_TOKEN) { /* the context's token of that name */
    char msg[200];
    D->d.token = ir_token_for_decl(D->ctx, name, D->d.args, D->d.nargs, D->d.type, msg,
                                   sizeof msg);
    if (!D->d.token) return ir_lex_err(lx, ARMJIT_E_INVALID, ir_lex_col_of(lx, kind_at), "%s", msg);
  }
  D->d.name = name;
  D->d.line = lx->line;
  int32_t id;
  st = ir_descr_add(D->t, &D->d, &id);
  if (st == ARMJIT_E_LIMIT)
    return ir_lex_err(lx, st, ir_lex_col_of(lx, kind_at), "too many descriptors (at most %u)", IR_MAX_VALUES);
  return st == ARMJIT_OK ? st : ir_lex_nomem(lx);
}

armjit_status ir_parse_descr_body(ir_lex *lx, armjit_ctx *ctx, armjit_trace *t, char *name) {
  decl D;
  memset(&D, 0, sizeof D);
  D.lx = lx;
  D.ctx = ctx;
  D.t = t;
  armjit_status st = parse_decl_body(&D, name);
  ajx_free(ctx, D.args); /* ir_descr_add keeps copies */
  return st;
}
