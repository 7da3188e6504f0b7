/* SPDX-License-Identifier: MIT */
/* The descriptor parts of the text form (docs/ir.md §10.3):
 *
 *   descr NAME = KIND(PROP, PROP, ...)
 *     KIND  field | array | interior | str | unicode | call
 *     PROP  offset=N | size=N | base=N | item=N | len=N      (N: int32)
 *           signed | unsigned | int | ref | float
 *           args=[TYPE, ...] | result=TYPE|void | may_raise | may_force
 *
 * plus sym(NAME) operands and the descr=NAME of descriptor ops.  parse.c
 * calls in here with its cursor; errors carry line:column. */
#include "ir/descr_impl.h"
#include "ir/lex.h"
#include "util/sym.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static armjit_status terr(ir_textpos *tp, armjit_status code, const char *at,
                          const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static armjit_status terr(ir_textpos *tp, armjit_status code, const char *at,
                          const char *fmt, ...) {
  if (tp->err) {
    tp->err->code = code;
    tp->err->line = (int)tp->line;
    tp->err->col = (int)(at - tp->ls) + 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tp->err->msg, sizeof tp->err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* Blanks only; unlike parse.c's skip_ws it leaves a '#' comment alone. */
static void skip_ws(ir_textpos *tp) { skip_blanks(&tp->p); }

/* What the cursor is looking at, for messages. */
static const char *here(const char *p, char *buf, size_t n) {
  if (*p == 0) return "the end of the input";
  if (*p == '\n') return "the end of the line";
  if (*p == '#') return "a comment";
  if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
    snprintf(buf, n, "byte 0x%02x", (unsigned char)*p);
  else
    snprintf(buf, n, "'%c'", *p);
  return buf;
}

static armjit_status expect(ir_textpos *tp, char c, const char *after) {
  skip_ws(tp);
  if (*tp->p == c) {
    tp->p++;
    return ARMJIT_OK;
  }
  char b[16];
  return terr(tp, ARMJIT_E_SYNTAX, tp->p, "expected '%c' %s, got %s", c, after,
              here(tp->p, b, sizeof b));
}

/* ---- descriptor declarations ------------------------------------------------ */

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
    [IR_DESCR_CALL] = 1u << IR_DK_ARGS | 1u << IR_DK_RESULT | 1u << IR_DK_FLAGS,
};
static const unsigned required[IR_DESCR__COUNT] = {
    [IR_DESCR_FIELD] = 1u << IR_DK_OFFSET | 1u << IR_DK_TYPE,
    [IR_DESCR_ARRAY] = 1u << IR_DK_BASE | 1u << IR_DK_TYPE,
    [IR_DESCR_INTERIOR] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_OFFSET |
                          1u << IR_DK_TYPE,
    [IR_DESCR_STR] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_LEN,
    [IR_DESCR_UNICODE] = 1u << IR_DK_BASE | 1u << IR_DK_ITEM | 1u << IR_DK_LEN,
    [IR_DESCR_CALL] = 0,
};

typedef struct {
  ir_descr d;
  unsigned seen;                 /* ir_descr_key bits given */
  const char *at[IR_DK__COUNT];  /* where each was given */
  uint8_t *args;                 /* call argument types being read */
  uint32_t capargs;
} decl;

/* [-](0xHEX | DIGITS) fitting an int32. */
static armjit_status parse_int32(ir_textpos *tp, int32_t *out) {
  const char *s = tp->p, *q = s;
  bool neg = *q == '-';
  if (neg) q++;
  bool hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
  if (hex) q += 2;
  uint64_t v = 0;
  int nd = 0;
  for (;; q++, nd++) {
    int dv = hexval(*q);
    if (dv < 0 || (!hex && dv > 9)) break;
    if (v <= UINT64_C(0x100000000)) v = v * (hex ? 16 : 10) + (uint64_t)dv;
  }
  if (!nd || is_id(*q)) {
    while (is_id(*q)) q++;
    return terr(tp, ARMJIT_E_SYNTAX, s, "expected an integer, got '%.*s'", (int)(q - s), s);
  }
  if (v > (neg ? UINT64_C(0x80000000) : UINT64_C(0x7fffffff)))
    return terr(tp, ARMJIT_E_SYNTAX, s, "%.*s does not fit in 32 bits", (int)(q - s), s);
  tp->p = q;
  *out = neg ? (int32_t)(0 - (int64_t)v) : (int32_t)v;
  return ARMJIT_OK;
}

/* int | ref | float, and void when allowed. */
static armjit_status parse_type(ir_textpos *tp, bool void_ok, uint8_t *out) {
  skip_ws(tp);
  size_t n = ident_len(tp->p);
  const char *s = tp->p;
  if (word_is(s, n, "int")) *out = ARMJIT_INT;
  else if (word_is(s, n, "ref")) *out = ARMJIT_REF;
  else if (word_is(s, n, "float")) *out = ARMJIT_FLOAT;
  else if (void_ok && word_is(s, n, "void")) *out = ARMJIT_VOID;
  else {
    char b[16];
    if (!n) return terr(tp, ARMJIT_E_SYNTAX, s, "expected a type, got %s", here(s, b, sizeof b));
    return terr(tp, ARMJIT_E_SYNTAX, s, "unknown type '%.*s' (int, ref, float%s)", (int)n, s,
                void_ok ? " or void" : "");
  }
  tp->p += n;
  return ARMJIT_OK;
}

static armjit_status parse_args(ir_textpos *tp, decl *D) {
  armjit_status st = expect(tp, '[', "to start the argument types");
  if (st != ARMJIT_OK) return st;
  skip_ws(tp);
  if (*tp->p == ']') {
    tp->p++;
    return ARMJIT_OK;
  }
  for (;;) {
    if (D->d.nargs >= IR_MAX_ARGS - 1)
      return terr(tp, ARMJIT_E_LIMIT, tp->p, "too many call arguments (at most %u)",
                  IR_MAX_ARGS - 1);
    if (!ajx_grow(tp->t->ctx, (void **)&D->args, &D->capargs, D->d.nargs + 1, 1))
      return terr(tp, ARMJIT_E_NOMEM, tp->p, "out of memory while parsing");
    st = parse_type(tp, false, &D->args[D->d.nargs]);
    if (st != ARMJIT_OK) return st;
    D->d.nargs++;
    skip_ws(tp);
    if (*tp->p == ',') { tp->p++; continue; }
    if (*tp->p == ']') { tp->p++; return ARMJIT_OK; }
    char b[16];
    return terr(tp, ARMJIT_E_SYNTAX, tp->p, "expected ',' or ']' in the argument types, got %s",
                here(tp->p, b, sizeof b));
  }
}

/* One PROP; `s` is its word (length n), the cursor is after it. */
static armjit_status parse_prop(ir_textpos *tp, decl *D, const char *s, size_t n) {
  ir_descr *d = &D->d;
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
    else if (word_is(s, n, "int") || word_is(s, n, "ref") || word_is(s, n, "float"))
      key = IR_DK_TYPE;
    else if (word_is(s, n, "may_raise") || word_is(s, n, "may_force")) key = IR_DK_FLAGS;
    else
      return terr(tp, ARMJIT_E_SYNTAX, s, "unknown descriptor property '%.*s'", (int)n, s);
  }
  const char *kind = ir_descr_kind_name(d->kind);
  if (!(allowed[d->kind] & (1u << key)))
    return terr(tp, ARMJIT_E_SYNTAX, s, "%.*s is not a property of %s descriptors", (int)n, s,
                kind);
  unsigned bit = 1u << key;
  if (key == IR_DK_FLAGS) /* each flag once */
    bit = word_is(s, n, "may_raise") ? ARMJIT_CALL_MAY_RAISE : ARMJIT_CALL_MAY_FORCE;
  if (key == IR_DK_FLAGS ? (d->flags & bit) != 0 : (D->seen & bit) != 0)
    return terr(tp, ARMJIT_E_SYNTAX, s, "%s given twice",
                key == IR_DK_TYPE ? "the type" : key == IR_DK_SIGN ? "signedness"
                : key == IR_DK_FLAGS ? (bit == ARMJIT_CALL_MAY_RAISE ? "may_raise" : "may_force")
                : key_names[key]);
  D->seen |= 1u << key;
  D->at[key] = s;
  if (!is_kv) {
    if (key == IR_DK_SIGN) d->is_signed = word_is(s, n, "signed");
    else if (key == IR_DK_TYPE) d->type = word_is(s, n, "int") ? ARMJIT_INT
                                        : word_is(s, n, "ref") ? ARMJIT_REF : ARMJIT_FLOAT;
    else d->flags |= bit;
    return ARMJIT_OK;
  }
  armjit_status st = expect(tp, '=', "after the property name");
  if (st != ARMJIT_OK) return st;
  skip_ws(tp);
  if (key == IR_DK_ARGS) return parse_args(tp, D);
  if (key == IR_DK_RESULT) return parse_type(tp, true, &d->type);
  const char *vs = tp->p;
  int32_t v = 0;
  st = parse_int32(tp, &v);
  if (st != ARMJIT_OK) return st;
  switch (key) {
  case IR_DK_OFFSET: d->offset = v; break;
  case IR_DK_BASE: d->base = v; break;
  case IR_DK_LEN: d->len_offset = v; d->has_len = true; break;
  default: /* size, item */
    if (v <= 0) return terr(tp, ARMJIT_E_INVALID, vs, "%s must be positive, not %ld",
                            key_names[key], (long)v);
    if (key == IR_DK_SIZE) d->size = (uint32_t)v;
    else d->item_size = (uint32_t)v;
    break;
  }
  return ARMJIT_OK;
}

/* Required properties present, natural sizes filled in, the rules of
 * ir_descr_check; errors at the property concerned. */
static armjit_status finish_decl(ir_textpos *tp, decl *D, const char *kind_at,
                                 const char *close) {
  ir_descr *d = &D->d;
  unsigned need = required[d->kind];
  if (d->kind == IR_DESCR_FIELD || d->kind == IR_DESCR_INTERIOR)
    if ((D->seen & (1u << IR_DK_TYPE)) && d->type == ARMJIT_INT) need |= 1u << IR_DK_SIZE;
  if (d->kind == IR_DESCR_ARRAY && (D->seen & (1u << IR_DK_TYPE)) && d->type == ARMJIT_INT)
    need |= 1u << IR_DK_ITEM;
  for (unsigned k = 0; k < IR_DK__COUNT; k++)
    if ((need & (1u << k)) && !(D->seen & (1u << k)))
      return terr(tp, ARMJIT_E_INVALID, close, "%s descriptor needs %s%s",
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
    return terr(tp, ARMJIT_E_INVALID, D->at[bad] ? D->at[bad] : kind_at, "%s", msg);
  }
  return ARMJIT_OK;
}

/* The line a guard/finish/label name was given on (ir_descr_find entry). */
static uint32_t exit_label_line(const armjit_trace *t, int32_t e) {
  uint32_t op = (e & 1) ? t->exits[e / 2].op : t->labels[e / 2].op;
  return t->ops[op].line;
}

static armjit_status check_name(ir_textpos *tp, const char *s, size_t n) {
  const armjit_trace *t = tp->t;
  int32_t id = ir_descr_by_name(t, s, n);
  if (id >= 0)
    return terr(tp, ARMJIT_E_INVALID, s, "descr name %.*s already used on line %u", (int)n, s,
                t->descrs[id].line);
  int32_t e = ir_descr_find(t, s, n);
  if (e >= 0)
    return terr(tp, ARMJIT_E_INVALID, s, "descr name %.*s already used on line %u", (int)n, s,
                exit_label_line(t, e));
  return ARMJIT_OK;
}

static armjit_status parse_decl_body(ir_textpos *tp, decl *D, char *name) {
  skip_ws(tp);
  const char *kind_at = tp->p;
  size_t n = ident_len(tp->p);
  unsigned kind = IR_DESCR__COUNT;
  for (unsigned k = 0; k < IR_DESCR__COUNT; k++)
    if (word_is(tp->p, n, ir_descr_kind_name(k))) kind = k;
  if (kind == IR_DESCR__COUNT) {
    char b[16];
    if (!n)
      return terr(tp, ARMJIT_E_SYNTAX, tp->p, "expected a descriptor kind after '=', got %s",
                  here(tp->p, b, sizeof b));
    return terr(tp, ARMJIT_E_SYNTAX, tp->p,
                "unknown descriptor kind '%.*s' (field, array, interior, str, unicode or call)",
                (int)n, tp->p);
  }
  tp->p += n;
  D->d.kind = (uint8_t)kind;
  D->at[IR_DK_KIND] = kind_at;
  armjit_status st = expect(tp, '(', "after the descriptor kind");
  if (st != ARMJIT_OK) return st;
  skip_ws(tp);
  while (*tp->p != ')') {
    skip_ws(tp);
    const char *s = tp->p;
    size_t len = ident_len(s);
    if (!len) {
      char b[16];
      return terr(tp, ARMJIT_E_SYNTAX, s, "expected a descriptor property, got %s",
                  here(s, b, sizeof b));
    }
    tp->p += len;
    st = parse_prop(tp, D, s, len);
    if (st != ARMJIT_OK) return st;
    skip_ws(tp);
    if (*tp->p == ',') { tp->p++; skip_ws(tp); continue; }
    if (*tp->p != ')') {
      char b[16];
      return terr(tp, ARMJIT_E_SYNTAX, tp->p, "expected ',' or ')' in the descriptor, got %s",
                  here(tp->p, b, sizeof b));
    }
  }
  const char *close = tp->p++;
  skip_ws(tp);
  if (*tp->p != '\n' && *tp->p != 0 && *tp->p != '#') {
    char b[16];
    return terr(tp, ARMJIT_E_SYNTAX, tp->p, "unexpected %s after the descriptor",
                here(tp->p, b, sizeof b));
  }
  st = finish_decl(tp, D, kind_at, close);
  if (st != ARMJIT_OK) return st;
  D->d.name = name;
  D->d.line = tp->line;
  int32_t id;
  st = ir_descr_add(tp->t, &D->d, &id);
  if (st == ARMJIT_E_LIMIT)
    return terr(tp, st, kind_at, "too many descriptors (at most %u)", IR_MAX_VALUES);
  if (st != ARMJIT_OK) return terr(tp, st, kind_at, "out of memory while parsing");
  return ARMJIT_OK;
}

armjit_status ir_parse_descr_decl(ir_textpos *tp) {
  skip_ws(tp);
  const char *s = tp->p;
  size_t n = ident_len(s);
  if (!n) {
    char b[16];
    return terr(tp, ARMJIT_E_SYNTAX, s, "expected a descriptor name after 'descr', got %s",
                here(s, b, sizeof b));
  }
  armjit_status st = check_name(tp, s, n);
  if (st != ARMJIT_OK) return st;
  tp->p += n;
  st = expect(tp, '=', "after the descriptor name");
  if (st != ARMJIT_OK) return st;
  char *name = ajx_alloc(tp->t->ctx, n + 1);
  if (!name) return terr(tp, ARMJIT_E_NOMEM, s, "out of memory while parsing");
  memcpy(name, s, n);
  name[n] = 0;
  decl D;
  memset(&D, 0, sizeof D);
  st = parse_decl_body(tp, &D, name);
  ajx_free(tp->t->ctx, D.args); /* ir_descr_add keeps copies */
  ajx_free(tp->t->ctx, name);
  return st;
}

/* ---- operands and uses ----------------------------------------------------- */

armjit_status ir_parse_sym(ir_textpos *tp, ir_ref *out) {
  armjit_status st = expect(tp, '(', "after sym");
  if (st != ARMJIT_OK) return st;
  skip_ws(tp);
  const char *s = tp->p;
  size_t n = ident_len(s);
  if (!n) {
    char b[16];
    return terr(tp, ARMJIT_E_SYNTAX, s, "expected a symbol name, got %s", here(s, b, sizeof b));
  }
  tp->p += n;
  st = expect(tp, ')', "after the symbol name");
  if (st != ARMJIT_OK) return st;
  armjit_value v = {.bits = 0};
  if (!ajx_sym_addr(tp->t->ctx, s, n, &v.r))
    return terr(tp, ARMJIT_E_INVALID, s,
                "unknown symbol %.*s (register it with armjit_ctx_add_symbol)", (int)n, s);
  st = ir_add_const(tp->t, ARMJIT_REF, v, out);
  if (st == ARMJIT_E_LIMIT)
    return terr(tp, st, s, "too many constants (at most %u)", IR_MAX_VALUES);
  if (st != ARMJIT_OK) return terr(tp, st, s, "out of memory while parsing");
  return ARMJIT_OK;
}

static const char *col_ptr(const ir_textpos *tp, uint32_t col) {
  return tp->ls + (col ? col - 1 : 0);
}

armjit_status ir_parse_descr_use(ir_textpos *tp, const ir_descr_use *u, int32_t *id,
                                 armjit_type *rtype) {
  const armjit_trace *t = tp->t;
  const ir_opinfo *in = ir_info(u->opc);
  unsigned kinds = ir_op_descr_kinds(u->opc);
  char want[64];
  ir_descr_kinds_text(kinds, want, sizeof want);
  if (!u->name)
    return terr(tp, ARMJIT_E_SYNTAX, col_ptr(tp, u->opcol), "%s needs descr=NAME of %s descriptor",
                in->name, want);
  *id = ir_descr_by_name(t, u->name, u->len);
  if (*id < 0)
    return terr(tp, ARMJIT_E_INVALID, col_ptr(tp, u->col),
                "unknown descr %.*s (declare it first: descr %.*s = ...)", (int)u->len, u->name,
                (int)u->len, u->name);
  const ir_descr *d = ir_descr_at(t, *id);
  if (!(kinds & (1u << d->kind)))
    return terr(tp, ARMJIT_E_INVALID, col_ptr(tp, u->col),
                "descr %.*s is a %s descriptor, but %s needs %s descriptor", (int)u->len,
                u->name, ir_descr_kind_name(d->kind), in->name, want);
  *rtype = in->res == 'd' ? (armjit_type)d->type
         : in->res == 'i' ? ARMJIT_INT : in->res == 'r' ? ARMJIT_REF
         : in->res == 'f' ? ARMJIT_FLOAT : ARMJIT_VOID;
  if (*rtype == ARMJIT_VOID && u->has_res)
    return terr(tp, ARMJIT_E_SYNTAX, col_ptr(tp, u->rescol),
                "%s with descr %.*s has no result (void); it cannot be assigned", in->name,
                (int)u->len, u->name);
  if (*rtype != ARMJIT_VOID && !u->has_res)
    return terr(tp, ARMJIT_E_SYNTAX, col_ptr(tp, u->opcol),
                "the result of %s must be assigned to a variable", in->name);
  return ARMJIT_OK;
}
