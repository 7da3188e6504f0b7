/* SPDX-License-Identifier: MIT */
/* The parser of the method IR's text form (docs/mir.md §3), on the trace
 * form's cursor (ir/lex.h: blanks, comments, names, line:column errors).
 *
 * Two passes.  Pass 1 reads the module's top-level lines (externs, the trap
 * line, function headers) and skips function bodies, so every symbol is
 * known before any body is read.  Pass 2 reads each body.  Inside a body a
 * value or block may be named before its definition (layout order need not
 * follow dominance), so operands naming values, branch targets and untyped
 * literals (whose type may depend on another operand's) are recorded as
 * pending and settled when the function's closing '}' is reached.  Result
 * types never depend on operands (mc_ops.h), so ops are made at once. */
#include "mc/mir_parse.h"
#include "mc/mir_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- names: open addressing over indices whose names live elsewhere -------------- */
static uint32_t nm_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static int64_t nm_find(const namemap *t, const char *s, size_t n, name_of_fn name_of,
                       const void *ud) {
  if (!t->cap) return -1;
  for (uint32_t i = nm_hash(s, n) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    if (!t->slot[i]) return -1;
    const char *nm = name_of(ud, t->slot[i] - 1);
    if (strlen(nm) == n && memcmp(nm, s, n) == 0) return t->slot[i] - 1;
  }
}

static bool nm_add(armjit_ctx *ctx, namemap *t, uint32_t idx, name_of_fn name_of,
                   const void *ud) {
  if (2 * (t->n + 1) > t->cap) {
    uint32_t nc = t->cap ? 2 * t->cap : 64;
    uint32_t *ns = ajx_calloc(ctx, nc, sizeof *ns);
    if (!ns) return false;
    for (uint32_t i = 0; i < t->cap; i++)
      if (t->slot[i]) {
        const char *nm = name_of(ud, t->slot[i] - 1);
        uint32_t j = nm_hash(nm, strlen(nm)) & (nc - 1);
        while (ns[j]) j = (j + 1) & (nc - 1);
        ns[j] = t->slot[i];
      }
    ajx_free(ctx, t->slot);
    t->slot = ns;
    t->cap = nc;
  }
  const char *nm = name_of(ud, idx);
  uint32_t j = nm_hash(nm, strlen(nm)) & (t->cap - 1);
  while (t->slot[j]) j = (j + 1) & (t->cap - 1);
  t->slot[j] = idx + 1;
  t->n++;
  return true;
}

void mp_nm_clear(namemap *t) {
  if (t->cap) memset(t->slot, 0, t->cap * sizeof *t->slot);
  t->n = 0;
}

static const char *val_name(const void *ud, uint32_t i) {
  return ((const mir_func *)ud)->vals[i].name;
}
static const char *blk_name(const void *ud, uint32_t i) {
  return ((const mir_func *)ud)->blocks[i].name;
}

/* ---- literals and operand items ---------------------------------------------------- */

armjit_status mp_raw(mparse *P, armjit_status st) {
  if (st == ARMJIT_E_NOMEM) return ir_lex_nomem(&P->lx);
  if (st == ARMJIT_E_LIMIT)
    return ir_lex_err(&P->lx, st, ir_lex_col(&P->lx), "more than %u items in a function",
                      MIR_MAX_ITEMS);
  return st;
}

static bool is_reserved(const char *s, size_t n) {
  static const char *const w[] = {"i32", "i64", "f32", "f64", "ref", "void", "inf", "nan"};
  for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
    if (word_is(s, n, w[k])) return true;
  return false;
}

static int type_of_word(const char *s, size_t n) {
  for (unsigned t = ARMJIT_T_I32; t < ARMJIT_T__COUNT; t++)
    if (word_is(s, n, mir_type_name(t))) return (int)t;
  return -1;
}

/* A name (C identifier, at most MIR_NAME_MAX bytes) at the cursor. */
armjit_status mp_name(mparse *P, const char *what, const char **s, uint32_t *n) {
  ir_lex_ws(&P->lx);
  armjit_status st;
  size_t len = ir_lex_name(&P->lx, &st);
  if (st != ARMJIT_OK) return st;
  if (!len) {
    char b[16];
    return SYNTAX(P, ir_lex_col(&P->lx), "expected %s, got %s", what,
                  ir_lex_here(&P->lx, b, sizeof b));
  }
  if (len > MIR_NAME_MAX)
    return SYNTAX(P, ir_lex_col(&P->lx), "%s is %zu bytes long, at most %d allowed", what, len,
                  MIR_NAME_MAX);
  *s = P->lx.p;
  *n = (uint32_t)len;
  P->lx.p += len;
  return ARMJIT_OK;
}

armjit_status mp_type_word(mparse *P, bool allow_void, uint8_t *t) {
  const char *s;
  uint32_t n, col;
  ir_lex_ws(&P->lx);
  col = ir_lex_col(&P->lx);
  armjit_status st = mp_name(P, "a type", &s, &n);
  if (st != ARMJIT_OK) return st;
  int ty = type_of_word(s, n);
  if (ty < 0 && !(allow_void && word_is(s, n, "void")))
    return SYNTAX(P, col, "unknown type '%.*s' (i32, i64, f32, f64 or ref)", (int)n, s);
  *t = ty < 0 ? ARMJIT_T_VOID : (uint8_t)ty;
  return ARMJIT_OK;
}

bool mp_at(mparse *P, char c) {
  ir_lex_ws(&P->lx);
  if (*P->lx.p != c) return false;
  P->lx.p++;
  return true;
}

armjit_status mp_end_of_line(mparse *P) {
  if (ir_lex_at_eol(&P->lx)) return ARMJIT_OK;
  char b[16];
  return SYNTAX(P, ir_lex_col(&P->lx), "expected the end of the line, got %s",
                ir_lex_here(&P->lx, b, sizeof b));
}

/* A literal at the cursor (after blanks); false (nothing consumed) if none
 * starts here. */
static armjit_status literal(mparse *P, lit *l, bool *found) {
  ir_lex *lx = &P->lx;
  const char *q = lx->p;
  memset(l, 0, sizeof *l);
  *found = false;
  if (*q == '-') { l->neg = true; q++; }
  if (strncmp(q, "inf", 3) == 0 && !is_id(q[3])) {
    l->kind = LIT_INF;
    lx->p = q + 3;
    *found = true;
    return ARMJIT_OK;
  }
  if (strncmp(q, "nan", 3) == 0 && !is_id(q[3])) {
    if (q[3] == ':') {
      const char *h = q + 4;
      if (h[0] != '0' || (h[1] != 'x' && h[1] != 'X'))
        return SYNTAX(P, ir_lex_col_of(lx, h), "expected 0x and the bits after 'nan:'");
      h += 2;
      bool range;
      if (!ir_lex_uint(&h, true, UINT64_MAX, &l->mag, &range) || range)
        return SYNTAX(P, ir_lex_col_of(lx, q), "bad NaN bits");
      l->kind = LIT_BITS;
      lx->p = h;
    } else {
      l->kind = LIT_NAN;
      lx->p = q + 3;
    }
    *found = true;
    return ARMJIT_OK;
  }
  if (!is_digit(*q)) return ARMJIT_OK;
  const char *start = lx->p;
  if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
    q += 2;
    if (!ir_lex_uint(&q, true, UINT64_MAX, &l->mag, &l->range))
      return SYNTAX(P, ir_lex_col_of(lx, q), "expected hex digits after 0x");
    l->kind = LIT_INT;
  } else {
    const char *d = q;
    ir_lex_uint(&q, false, UINT64_MAX, &l->mag, &l->range);
    bool fl = false;
    if (*q == '.') {
      fl = true;
      q++;
      if (!is_digit(*q)) return SYNTAX(P, ir_lex_col_of(lx, q), "expected digits after '.'");
      while (is_digit(*q)) q++;
    }
    if (*q == 'e' || *q == 'E') {
      const char *e = q + 1;
      if (*e == '+' || *e == '-') e++;
      if (is_digit(*e)) {
        fl = true;
        q = e;
        while (is_digit(*q)) q++;
      }
    }
    (void)d;
    l->kind = fl ? LIT_FLOAT : LIT_INT;
  }
  if (is_id(*q) || *q == '.')
    return SYNTAX(P, ir_lex_col_of(lx, q), "bad number: unexpected '%c'", *q);
  l->p = start;
  l->n = (uint32_t)(q - start);
  lx->p = q;
  *found = true;
  return ARMJIT_OK;
}

/* The bits of literal l as type t, or an error at col. */
static armjit_status lit_bits(mparse *P, const lit *l, uint8_t t, uint32_t line, uint32_t col,
                              uint64_t *bits) {
  bool flt = t == ARMJIT_T_F32 || t == ARMJIT_T_F64;
  uint32_t save = P->lx.line;
  P->lx.line = line;
  armjit_status st = ARMJIT_OK;
  if (!flt) {
    if (l->kind != LIT_INT) {
      st = ir_lex_err(&P->lx, ARMJIT_E_TYPE, col, "a float literal where %s is expected",
                      mir_type_name(t));
    } else {
      uint64_t lim_pos = t == ARMJIT_T_I32 ? 0xffffffffu
                         : t == ARMJIT_T_REF ? (uint64_t)UINTPTR_MAX
                                             : UINT64_MAX;
      uint64_t lim_neg = t == ARMJIT_T_I32 ? 0x80000000u
                         : t == ARMJIT_T_REF ? 0
                                             : 0x8000000000000000u;
      if (l->range || l->mag > (l->neg ? lim_neg : lim_pos))
        st = ir_lex_err(&P->lx, ARMJIT_E_SYNTAX, col, "literal out of range for %s",
                        mir_type_name(t));
      else
        *bits = l->neg ? (uint64_t)0 - l->mag : l->mag;
    }
  } else {
    double d = 0;
    float f = 0;
    bool single = t == ARMJIT_T_F32;
    switch (l->kind) {
    case LIT_INT:
      if (l->range) {
        st = ir_lex_err(&P->lx, ARMJIT_E_SYNTAX, col, "literal out of range");
        break;
      }
      if (single) f = l->neg ? -(float)l->mag : (float)l->mag;
      else d = l->neg ? -(double)l->mag : (double)l->mag;
      break;
    case LIT_FLOAT: {
      char buf[80];
      if (l->n >= sizeof buf) {
        st = ir_lex_err(&P->lx, ARMJIT_E_SYNTAX, col, "float literal too long");
        break;
      }
      memcpy(buf, l->p, l->n);
      buf[l->n] = 0;
      if (single) f = strtof(buf, NULL);
      else d = strtod(buf, NULL);
      break;
    }
    case LIT_INF:
      f = l->neg ? -INFINITY : INFINITY;
      d = l->neg ? -(double)INFINITY : (double)INFINITY;
      break;
    case LIT_NAN: break;
    default: break;
    }
    if (st == ARMJIT_OK) {
      if (l->kind == LIT_NAN) {
        *bits = single ? 0x7fc00000u : 0x7ff8000000000000u;
        if (l->neg) *bits |= single ? 0x80000000u : 0x8000000000000000u;
      } else if (l->kind == LIT_BITS) {
        if (single && l->mag > 0xffffffffu)
          st = ir_lex_err(&P->lx, ARMJIT_E_SYNTAX, col, "NaN bits wider than f32");
        *bits = l->mag;
      } else if (single) {
        uint32_t b;
        memcpy(&b, &f, 4);
        *bits = b;
      } else {
        memcpy(bits, &d, 8);
      }
    }
  }
  P->lx.line = save;
  return st;
}

/* An operand at the cursor: a name, a literal, or a typed literal. */
static armjit_status operand(mparse *P, item *it) {
  ir_lex *lx = &P->lx;
  ir_lex_ws(lx);
  memset(it, 0, sizeof *it);
  it->line = lx->line;
  it->col = ir_lex_col(lx);
  it->ref = MIR_NONE;
  bool found;
  armjit_status st = literal(P, &it->l, &found);
  if (st != ARMJIT_OK) return st;
  if (found) {
    it->kind = ITEM_LIT;
    return ARMJIT_OK;
  }
  const char *s;
  uint32_t n;
  char b[16];
  if (!is_id0(*lx->p))
    return SYNTAX(P, it->col, "expected an operand, got %s", ir_lex_here(lx, b, sizeof b));
  st = mp_name(P, "an operand", &s, &n);
  if (st != ARMJIT_OK) return st;
  int ty = type_of_word(s, n);
  if (ty >= 0) { /* a typed literal */
    ir_lex_ws(lx);
    uint32_t lcol = ir_lex_col(lx);
    st = literal(P, &it->l, &found);
    if (st != ARMJIT_OK) return st;
    if (!found)
      return SYNTAX(P, lcol, "expected a literal after the type %s, got %s", mir_type_name(ty),
                    ir_lex_here(lx, b, sizeof b));
    uint64_t bits;
    st = lit_bits(P, &it->l, (uint8_t)ty, it->line, lcol, &bits);
    if (st != ARMJIT_OK) return st;
    st = mir_add_const(P->m->ctx, P->fn, (uint8_t)ty, bits, &it->ref);
    if (st != ARMJIT_OK) return mp_raw(P, st);
    it->kind = ITEM_CONST;
    return ARMJIT_OK;
  }
  it->kind = ITEM_NAME;
  it->p = s;
  it->n = n;
  return ARMJIT_OK;
}

static armjit_status push_item(mparse *P, const item *it) {
  if (!ajx_grow(P->m->ctx, (void **)&P->items, &P->items_cap, P->nitems + 1, sizeof *P->items))
    return ir_lex_nomem(&P->lx);
  P->items[P->nitems++] = *it;
  return ARMJIT_OK;
}

static armjit_status item_cb(ir_lex *lx, void *ud) {
  (void)lx;
  mparse *P = ud;
  item it;
  armjit_status st = operand(P, &it);
  return st != ARMJIT_OK ? st : push_item(P, &it);
}

/* Items from..nitems as operands: their refs (names and untyped literals
 * MIR_NONE for now). */
static mir_ref *item_refs(mparse *P, uint32_t from) {
  uint32_t n = P->nitems - from;
  if (!ajx_grow(P->m->ctx, (void **)&P->refs, &P->refs_cap, n + 1, sizeof *P->refs)) return NULL;
  for (uint32_t k = 0; k < n; k++) P->refs[k] = P->items[from + k].ref;
  return P->refs;
}

/* Record the pending names and literals among items from..nitems, which
 * became operands at fn->operands[slot0 ...]. */
static armjit_status pend_items(mparse *P, uint32_t from, uint32_t slot0, uint32_t op,
                                int32_t edge) {
  for (uint32_t k = 0; from + k < P->nitems; k++) {
    const item *it = &P->items[from + k];
    if (it->kind == ITEM_CONST) continue;
    if (!ajx_grow(P->m->ctx, (void **)&P->pend, &P->pend_cap, P->npend + 1, sizeof *P->pend))
      return ir_lex_nomem(&P->lx);
    pending *pd = &P->pend[P->npend++];
    pd->slot = slot0 + k;
    pd->op = op;
    pd->k = k;
    pd->edge = edge;
    pd->it = *it;
  }
  return ARMJIT_OK;
}

/* An untyped integer literal item (shift, offset, code, key): its value. */
static armjit_status int_item(mparse *P, const item *it, int64_t lo, int64_t hi,
                              const char *what, int64_t *out) {
  uint32_t save = P->lx.line;
  P->lx.line = it->line;
  armjit_status st = ARMJIT_OK;
  if (it->kind != ITEM_LIT || it->l.kind != LIT_INT) {
    st = SYNTAX(P, it->col, "expected an integer literal for the %s", what);
  } else {
    bool ok = !it->l.range && it->l.mag <= (it->l.neg ? 0x8000000000000000u : (uint64_t)INT64_MAX);
    int64_t v = 0;
    if (ok)
      v = !it->l.neg ? (int64_t)it->l.mag
          : it->l.mag == 0x8000000000000000u ? INT64_MIN
                                              : -(int64_t)it->l.mag;
    if (!ok || v < lo || v > hi)
      st = SYNTAX(P, it->col, "%s out of range %lld..%lld", what, (long long)lo, (long long)hi);
    else
      *out = v;
  }
  P->lx.line = save;
  return st;
}

/* ---- ops ------------------------------------------------------------------------------ */
static int find_op(const char *s, size_t n) {
  for (unsigned k = 0; k < ARMJIT_MOP__COUNT; k++)
    if (word_is(s, n, mir_info(k)->name)) return (int)k;
  return -1;
}

static int find_suffix(const mir_opinfo *in, const char *s, size_t n) {
  for (unsigned sub = 0; sub < 32; sub++) {
    if (!mir_suffix_ok(in, sub)) continue;
    const char *nm = mir_suffix_name(in, sub);
    if (nm && word_is(s, n, nm)) return (int)sub;
  }
  return -1;
}

/* A branch target: NAME [ '(' operands ')' ], made edge k of op oi. */
static armjit_status target(mparse *P, uint32_t oi, uint32_t k, int32_t key) {
  const char *s;
  uint32_t n, line = P->lx.line;
  ir_lex_ws(&P->lx);
  uint32_t col = ir_lex_col(&P->lx);
  armjit_status st = mp_name(P, "a block name", &s, &n);
  if (st != ARMJIT_OK) return st;
  uint32_t from = P->nitems;
  if (mp_at(P, '(')) {
    st = ir_lex_list(&P->lx, ')', "block arguments", item_cb, P);
    if (st != ARMJIT_OK) return st;
  }
  mir_ref *refs = item_refs(P, from);
  if (!refs) return ir_lex_nomem(&P->lx);
  st = mir_set_edge(P->m->ctx, P->fn, oi, k, UINT32_MAX, key, refs, P->nitems - from);
  if (st != ARMJIT_OK) return mp_raw(P, st);
  uint32_t ei = P->fn->ops[oi].edges + k;
  st = pend_items(P, from, P->fn->edges[ei].args, oi, (int32_t)ei);
  if (st != ARMJIT_OK) return st;
  P->nitems = from;
  if (!ajx_grow(P->m->ctx, (void **)&P->tgt, &P->tgt_cap, P->ntgt + 1, sizeof *P->tgt))
    return ir_lex_nomem(&P->lx);
  P->tgt[P->ntgt++] = (pend_target){ei, s, n, line, col};
  return ARMJIT_OK;
}

static armjit_status sym_ref(mparse *P, int32_t *sym) {
  ir_lex_ws(&P->lx);
  uint32_t col = ir_lex_col(&P->lx);
  armjit_status st = ir_lex_expect(&P->lx, '@', "before a symbol");
  if (st != ARMJIT_OK) return st;
  const char *s;
  uint32_t n;
  st = mp_name(P, "a symbol name", &s, &n);
  if (st != ARMJIT_OK) return st;
  *sym = mir_find_sym(P->m, s, n);
  if (*sym < 0)
    return ir_lex_err(&P->lx, ARMJIT_E_INVALID, col, "undefined symbol @%.*s", (int)n, s);
  return ARMJIT_OK;
}

/* The immediates of an intrinsic: the first items (words or integers),
 * then its operands, which move to the front. */
static armjit_status hw_imms(mparse *P, mir_op *proto, item *its, uint32_t ni, uint32_t ocol) {
  const mir_opinfo *in = mir_info(proto->opc);
  int32_t dflt;
  if (ni == in->nfixed && mir_hw_imms_optional(proto->opc, &dflt)) {
    proto->imm[0] = dflt;
    return ARMJIT_OK;
  }
  if (ni != (uint32_t)in->nimm + in->nfixed)
    return SYNTAX(P, ocol, "%s takes %u immediate%s%s, got %u item%s", in->name,
                  (unsigned)in->nimm, in->nimm > 1 ? "s" : "",
                  in->nfixed ? (in->nfixed > 1 ? " and operands" : " and an operand") : "", ni,
                  ni == 1 ? "" : "s");
  for (unsigned k = 0; k < in->nimm; k++) {
    const item *it = &its[k];
    char msg[160];
    bool is_word = it->kind == ITEM_NAME;
    int64_t v = 0;
    if (!is_word) {
      if (it->kind != ITEM_LIT || it->l.kind != LIT_INT || it->l.range ||
          it->l.mag > 0xffffffffu || (it->l.neg && it->l.mag > 0x80000000u))
        return SYNTAX(P, it->col, "%s: expected an immediate (a number or a word)", in->name);
      v = it->l.neg ? -(int64_t)it->l.mag : (int64_t)it->l.mag;
    }
    if (!mir_hw_imm_parse(proto->opc, k, is_word, it->p, it->n, v, &proto->imm[k], msg,
                          sizeof msg)) {
      uint32_t save = P->lx.line;
      P->lx.line = it->line;
      armjit_status st = SYNTAX(P, it->col, "%s: %s", in->name, msg);
      P->lx.line = save;
      return st;
    }
  }
  memmove(its, its + in->nimm, in->nfixed * sizeof *its);
  return ARMJIT_OK;
}

/* One op line in block bi; `res` the result name (NULL: none). */
static armjit_status op_line(mparse *P, uint32_t bi, const char *res, uint32_t resn,
                             uint32_t line, uint32_t col) {
  mparse *const p = P;
  ir_lex *lx = &p->lx;
  const char *s;
  uint32_t n;
  ir_lex_ws(lx);
  uint32_t ocol = ir_lex_col(lx);
  armjit_status st = mp_name(p, "an op", &s, &n);
  if (st != ARMJIT_OK) return st;
  int opc = find_op(s, n);
  if (opc < 0) return SYNTAX(p, ocol, "unknown op '%.*s'", (int)n, s);
  const mir_opinfo *in = mir_info((unsigned)opc);
  mir_op proto;
  memset(&proto, 0, sizeof proto);
  proto.opc = (uint16_t)opc;
  proto.sym = -1;
  proto.line = line;
  proto.col = col;
  if (*lx->p == '.') {
    lx->p++;
    uint32_t scol = ir_lex_col(lx);
    st = mp_name(p, "a suffix", &s, &n);
    if (st != ARMJIT_OK) return st;
    int sub = in->suffix == ARMJIT_MSUF_NONE ? -1 : find_suffix(in, s, n);
    if (sub < 0) return SYNTAX(p, scol, "%s has no suffix '.%.*s'", in->name, (int)n, s);
    proto.sub = (uint8_t)sub;
  } else if (in->suffix != ARMJIT_MSUF_NONE && in->suffix != ARMJIT_MSUF_RES) {
    return SYNTAX(p, ir_lex_col(lx), "%s needs a suffix (%s.SUFFIX)", in->name, in->name);
  }
  proto.rtype = mir_result_type(p->m, proto.opc, proto.sub, -1);
  uint32_t from = p->nitems;
  uint32_t nedges = 0;
  int64_t imm;
  /* operands by shape */
  switch (opc) {
  case ARMJIT_MOP_ADDR: {
    st = sym_ref(p, &proto.sym);
    if (st != ARMJIT_OK) return st;
    ir_lex_ws(lx);
    if (*lx->p == '+' || *lx->p == '-') {
      bool neg = *lx->p == '-';
      lx->p++;
      item it;
      st = operand(p, &it);
      if (st != ARMJIT_OK) return st;
      if (it.kind == ITEM_LIT && it.l.kind == LIT_INT && !it.l.neg) it.l.neg = neg;
      else return SYNTAX(p, it.col, "expected an offset after '%c'", neg ? '-' : '+');
      st = int_item(p, &it, INT32_MIN, INT32_MAX, "offset", &imm);
      if (st != ARMJIT_OK) return st;
      proto.imm[0] = (int32_t)imm;
    }
    break;
  }
  case ARMJIT_MOP_CALL: {
    st = sym_ref(p, &proto.sym);
    if (st != ARMJIT_OK) return st;
    proto.rtype = mir_result_type(p->m, proto.opc, 0, proto.sym);
    st = ir_lex_expect(lx, '(', "before the call's arguments");
    if (st == ARMJIT_OK) st = ir_lex_list(lx, ')', "call arguments", item_cb, p);
    if (st != ARMJIT_OK) return st;
    break;
  }
  case ARMJIT_MOP_CALL_IND: {
    item it;
    st = operand(p, &it);
    if (st == ARMJIT_OK) st = push_item(p, &it);
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, '(', "before the call's arguments");
    if (st == ARMJIT_OK) st = ir_lex_list(lx, ')', "call arguments", item_cb, p);
    if (st != ARMJIT_OK) return st;
    ir_lex_ws(lx);
    if (strncmp(lx->p, "hidden", 6) == 0 && !is_id(lx->p[6])) {
      lx->p += 6;
      st = ir_lex_expect(lx, '=', "after hidden");
      if (st == ARMJIT_OK) st = operand(p, &it);
      if (st == ARMJIT_OK) st = push_item(p, &it);
      if (st != ARMJIT_OK) return st;
      proto.flags |= MIR_OP_HIDDEN;
    }
    break;
  }
  case ARMJIT_MOP_BR: nedges = 1; break;
  case ARMJIT_MOP_CBR: {
    item it;
    st = operand(p, &it);
    if (st == ARMJIT_OK) st = push_item(p, &it);
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, ',', "after cbr's condition");
    if (st != ARMJIT_OK) return st;
    nedges = 2;
    break;
  }
  case ARMJIT_MOP_SWITCH: {
    item it;
    st = operand(p, &it);
    if (st == ARMJIT_OK) st = push_item(p, &it);
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, ',', "after switch's value");
    if (st != ARMJIT_OK) return st;
    break; /* targets below, once the op exists */
  }
  case ARMJIT_MOP_RET:
  case ARMJIT_MOP_UNREACHABLE:
    if (!ir_lex_at_eol(lx)) {
      if (opc == ARMJIT_MOP_UNREACHABLE) return mp_end_of_line(p);
      item it;
      st = operand(p, &it);
      if (st == ARMJIT_OK) st = push_item(p, &it);
      if (st != ARMJIT_OK) return st;
    }
    break;
  default:
    if (!ir_lex_at_eol(lx)) {
      for (;;) {
        item it;
        st = operand(p, &it);
        if (st == ARMJIT_OK) st = push_item(p, &it);
        if (st != ARMJIT_OK) return st;
        if (!mp_at(p, ',')) break;
      }
    }
    break;
  }
  /* immediates out of the items */
  uint32_t ni = p->nitems - from;
  item *its = ni ? p->items + from : NULL;
  if (opc == ARMJIT_MOP_LOAD || opc == ARMJIT_MOP_STORE) {
    uint32_t extra = opc == ARMJIT_MOP_STORE;
    if (ni != 2 + extra && ni != 4 + extra)
      return SYNTAX(p, ocol, "%s takes base, offset%s or base, index, shift, offset%s", in->name,
                    extra ? ", value" : "", extra ? ", value" : "");
    bool idx = ni == 4 + extra;
    st = int_item(p, &its[idx ? 3 : 1], INT32_MIN, INT32_MAX, "offset", &imm);
    if (st != ARMJIT_OK) return st;
    proto.imm[1] = (int32_t)imm;
    if (idx) {
      st = int_item(p, &its[2], INT32_MIN, INT32_MAX, "shift", &imm);
      if (st != ARMJIT_OK) return st;
      proto.imm[0] = (int32_t)imm;
      if (extra) its[2] = its[4]; /* base, index, value */
    } else {
      memset(&its[1], 0, sizeof its[1]);
      its[1].kind = ITEM_CONST;
      st = mir_add_const(p->m->ctx, p->fn, ARMJIT_T_I32, 0, &its[1].ref);
      if (st != ARMJIT_OK) return mp_raw(p, st);
    }
    p->nitems = from + 2 + extra;
  } else if (mir_hw_has_imms((unsigned)opc)) {
    st = hw_imms(p, &proto, its, ni, ocol);
    if (st != ARMJIT_OK) return st;
    p->nitems = from + in->nfixed;
  } else if (in->flags & ARMJIT_MOPF_TRAP) {
    if (ni != (uint32_t)in->nfixed + 1)
      return SYNTAX(p, ocol, "%s takes %u operand%s and a trap code", in->name,
                    (unsigned)in->nfixed, in->nfixed > 1 ? "s" : "");
    st = int_item(p, &its[ni - 1], 0, 0xffffff, "trap code", &imm);
    if (st != ARMJIT_OK) return st;
    proto.imm[0] = (int32_t)imm;
    p->nitems--;
  } else if (!(in->flags & ARMJIT_MOPF_VAR) && !(in->flags & ARMJIT_MOPF_TERM) &&
             ni != in->nfixed) {
    return SYNTAX(p, ocol, "%s takes %u operand%s, got %u", in->name, (unsigned)in->nfixed,
                  in->nfixed == 1 ? "" : "s", ni);
  }
  ir_lex_ws(lx);
  if (strncmp(lx->p, "volatile", 8) == 0 && !is_id(lx->p[8])) {
    if (!(in->flags & (ARMJIT_MOPF_LOAD | ARMJIT_MOPF_STORE)))
      return SYNTAX(p, ir_lex_col(lx), "only loads and stores can be volatile");
    lx->p += 8;
    proto.flags |= MIR_OP_VOLATILE;
  }
  /* the result */
  if (res && proto.rtype == ARMJIT_T_VOID)
    return SYNTAX(p, col, "%s has no result to name", in->name);
  if (!res && proto.rtype != ARMJIT_T_VOID && opc != ARMJIT_MOP_CALL &&
      opc != ARMJIT_MOP_CALL_IND)
    return SYNTAX(p, ocol, "the result of %s needs a name (NAME = %s ...)", in->name, in->name);
  /* make the op; a call with an unnamed result still defines a value */
  mir_ref *refs = item_refs(p, from);
  if (!refs) return ir_lex_nomem(lx);
  if (opc == ARMJIT_MOP_SWITCH) { /* one edge per ':' of "[k: B, ...]", plus the default */
    uint32_t cases = 0;
    for (const char *q = lx->p; *q && *q != '\n' && *q != '#'; q++) cases += *q == ':';
    nedges = 1 + cases;
  }
  uint32_t oi;
  st = mir_add_op(p->m->ctx, p->fn, bi, &proto, refs, p->nitems - from, nedges, &oi);
  if (st != ARMJIT_OK) return mp_raw(p, st);
  st = pend_items(p, from, p->fn->ops[oi].args, oi, -1);
  if (st != ARMJIT_OK) return st;
  p->nitems = from;
  if (res) {
    mir_func *fn = p->fn;
    uint32_t v = (uint32_t)fn->ops[oi].result;
    char *nm = ajx_alloc(p->m->ctx, resn + 1);
    if (!nm) return ir_lex_nomem(lx);
    memcpy(nm, res, resn);
    nm[resn] = 0;
    fn->vals[v].name = nm;
    uint32_t save = lx->line;
    lx->line = line;
    if (nm_find(&p->vals, res, resn, val_name, fn) >= 0) {
      st = ir_lex_err(lx, ARMJIT_E_INVALID, col, "value %s defined twice", nm);
      lx->line = save;
      return st;
    }
    lx->line = save;
    if (!nm_add(p->m->ctx, &p->vals, v, val_name, fn)) return ir_lex_nomem(lx);
  }
  /* targets */
  if (opc == ARMJIT_MOP_BR) {
    st = target(p, oi, 0, 0);
  } else if (opc == ARMJIT_MOP_CBR) {
    st = target(p, oi, 0, 0);
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, ',', "between cbr's targets");
    if (st == ARMJIT_OK) st = target(p, oi, 1, 0);
  } else if (opc == ARMJIT_MOP_SWITCH) {
    st = target(p, oi, 0, 0);
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, ',', "after switch's default block");
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, '[', "before switch's cases");
    uint32_t k = 1;
    if (st == ARMJIT_OK && !mp_at(p, ']')) {
      for (;;) {
        item it;
        st = operand(p, &it);
        if (st != ARMJIT_OK) break;
        st = int_item(p, &it, INT32_MIN, 0xffffffffLL, "case key", &imm);
        if (st == ARMJIT_OK) st = ir_lex_expect(lx, ':', "after a case key");
        if (st != ARMJIT_OK) break;
        if (k >= p->fn->ops[oi].nedges) {
          st = SYNTAX(p, ir_lex_col(lx), "malformed case list");
          break;
        }
        st = target(p, oi, k++, (int32_t)(uint32_t)(uint64_t)imm);
        if (st != ARMJIT_OK) break;
        if (mp_at(p, ']')) break;
        st = ir_lex_expect(lx, ',', "or ']' in switch's cases");
        if (st != ARMJIT_OK) break;
      }
    }
    if (st == ARMJIT_OK && k != p->fn->ops[oi].nedges)
      st = SYNTAX(p, ocol, "malformed case list (':' where no case is)");
  }
  if (st != ARMJIT_OK) return st;
  return mp_end_of_line(p);
}

/* ---- blocks and functions ------------------------------------------------------------ */

armjit_status mp_param_cb(ir_lex *lx, void *ud) {
  param_list *pl = ud;
  mparse *P = pl->P;
  armjit_ctx *ctx = P->m->ctx;
  if (pl->n + 1 > pl->cap) {
    uint32_t nc = pl->cap ? 2 * pl->cap : 8;
    uint8_t *t = ajx_realloc(ctx, pl->types, nc);
    if (!t) return ir_lex_nomem(lx);
    pl->types = t;
    const char **nm = ajx_realloc(ctx, pl->names, nc * sizeof *nm);
    if (!nm) return ir_lex_nomem(lx);
    pl->names = nm;
    uint32_t *ln = ajx_realloc(ctx, pl->lens, nc * sizeof *ln);
    if (!ln) return ir_lex_nomem(lx);
    pl->lens = ln;
    uint32_t *cl = ajx_realloc(ctx, pl->cols, nc * sizeof *cl);
    if (!cl) return ir_lex_nomem(lx);
    pl->cols = cl;
    pl->cap = nc;
  }
  armjit_status st;
  if (pl->names_wanted) {
    pl->cols[pl->n] = ir_lex_col(lx);
    st = mp_name(P, "a parameter name", &pl->names[pl->n], &pl->lens[pl->n]);
    if (st != ARMJIT_OK) return st;
    if (is_reserved(pl->names[pl->n], pl->lens[pl->n]))
      return SYNTAX(P, pl->cols[pl->n], "'%.*s' is reserved, not a value name",
                    (int)pl->lens[pl->n], pl->names[pl->n]);
    st = ir_lex_expect(lx, ':', "after a parameter name");
    if (st != ARMJIT_OK) return st;
  }
  st = mp_type_word(P, false, &pl->types[pl->n]);
  if (st != ARMJIT_OK) return st;
  pl->n++;
  return ARMJIT_OK;
}

void mp_param_list_free(armjit_ctx *ctx, param_list *pl) {
  ajx_free(ctx, pl->types);
  ajx_free(ctx, (void *)pl->names);
  ajx_free(ctx, pl->lens);
  ajx_free(ctx, pl->cols);
}

/* Name the parameters of block bi after pl. */
armjit_status mp_name_params(mparse *P, uint32_t bi, const param_list *pl, uint32_t line) {
  mir_func *fn = P->fn;
  for (uint32_t k = 0; k < pl->n; k++) {
    uint32_t v = fn->blocks[bi].params[k];
    if (nm_find(&P->vals, pl->names[k], pl->lens[k], val_name, fn) >= 0) {
      uint32_t save = P->lx.line;
      P->lx.line = line;
      armjit_status st = ir_lex_err(&P->lx, ARMJIT_E_INVALID, pl->cols[k],
                                    "value %.*s defined twice", (int)pl->lens[k], pl->names[k]);
      P->lx.line = save;
      return st;
    }
    char *nm = ajx_alloc(P->m->ctx, pl->lens[k] + 1);
    if (!nm) return ir_lex_nomem(&P->lx);
    memcpy(nm, pl->names[k], pl->lens[k]);
    nm[pl->lens[k]] = 0;
    fn->vals[v].name = nm;
    if (!nm_add(P->m->ctx, &P->vals, v, val_name, fn)) return ir_lex_nomem(&P->lx);
  }
  return ARMJIT_OK;
}

/* A handler list "[catch TAG -> NAME, ...]" of block bi at the cursor
 * ('[' next); TAG is @sym or an integer (0: catch all). */
static armjit_status handler_list(mparse *P, uint32_t bi) {
  ir_lex *lx = &P->lx;
  lx->p++; /* '[' */
  mir_handler small[8], *h = small;
  uint32_t n = 0, cap = 8;
  armjit_status st = ARMJIT_OK;
  if (!mp_at(P, ']')) {
    for (;;) {
      const char *s;
      uint32_t len;
      ir_lex_ws(lx);
      uint32_t col = ir_lex_col(lx);
      st = mp_name(P, "catch", &s, &len);
      if (st == ARMJIT_OK && !word_is(s, len, "catch"))
        st = SYNTAX(P, col, "expected catch in a handler list, got '%.*s'", (int)len, s);
      if (st != ARMJIT_OK) break;
      if (n == cap) {
        mir_handler *nh = ajx_alloc(P->m->ctx, 2 * cap * sizeof *nh);
        if (!nh) { st = ir_lex_nomem(lx); break; }
        memcpy(nh, h, n * sizeof *h);
        if (h != small) ajx_free(P->m->ctx, h);
        h = nh;
        cap *= 2;
      }
      mir_handler *e = &h[n];
      memset(e, 0, sizeof *e);
      e->sym = -1;
      e->line = lx->line;
      e->col = col;
      ir_lex_ws(lx);
      if (*lx->p == '@') {
        st = sym_ref(P, &e->sym);
      } else {
        item it;
        int64_t v = 0;
        st = operand(P, &it);
        if (st == ARMJIT_OK) st = int_item(P, &it, INT32_MIN, 0xffffffffLL, "tag", &v);
        e->tag = (uint32_t)(uint64_t)v;
      }
      if (st == ARMJIT_OK) {
        ir_lex_ws(lx);
        if (lx->p[0] == '-' && lx->p[1] == '>') lx->p += 2;
        else st = SYNTAX(P, ir_lex_col(lx), "expected '->' before the handler block");
      }
      ir_lex_ws(lx);
      uint32_t tcol = ir_lex_col(lx);
      if (st == ARMJIT_OK) st = mp_name(P, "a handler block name", &s, &len);
      if (st != ARMJIT_OK) break;
      if (!ajx_grow(P->m->ctx, (void **)&P->htgt, &P->htgt_cap, P->nhtgt + 1, sizeof *P->htgt)) {
        st = ir_lex_nomem(lx);
        break;
      }
      P->htgt[P->nhtgt++] = (pend_target){P->fn->nhandlers + n, s, len, lx->line, tcol};
      n++;
      if (mp_at(P, ']')) break;
      st = ir_lex_expect(lx, ',', "or ']' in a handler list");
      if (st != ARMJIT_OK) break;
    }
  }
  if (st == ARMJIT_OK && (st = mir_set_handlers(P->m->ctx, P->fn, bi, h, n)) != ARMJIT_OK)
    st = mp_raw(P, st);
  if (h != small) ajx_free(P->m->ctx, h);
  return st;
}

static armjit_status settle(mparse *P);

/* One function body, the cursor on its first line; stops after '}'. */
armjit_status mp_body(mparse *P, uint32_t sym) {
  ir_lex *lx = &P->lx;
  mir_func *fn = P->fn = P->m->syms[sym].fn;
  mp_nm_clear(&P->vals);
  mp_nm_clear(&P->blocks);
  P->npend = P->ntgt = P->nitems = P->nhtgt = 0;
  for (uint32_t k = 0; k < fn->blocks[0].nparams; k++)
    if (!nm_add(P->m->ctx, &P->vals, fn->blocks[0].params[k], val_name, fn))
      return ir_lex_nomem(lx);
  int64_t cur = -1;
  for (;;) {
    if (!ir_lex_next_content(lx))
      return SYNTAX(P, 1, "missing '}' at the end of @%s", P->m->syms[sym].name);
    uint32_t line = lx->line, col = ir_lex_col(lx);
    if (*lx->p == '}') {
      lx->p++;
      armjit_status st = mp_end_of_line(P);
      if (st != ARMJIT_OK) return st;
      if (cur < 0) return SYNTAX(P, col, "@%s has no blocks", P->m->syms[sym].name);
      ir_lex_next_line(lx);
      return settle(P);
    }
    const char *s;
    uint32_t n;
    armjit_status st = mp_name(P, "a block header or an op", &s, &n);
    if (st != ARMJIT_OK) return st;
    ir_lex_ws(lx);
    char c = *lx->p;
    if (c == ':' || c == '(' || c == '[') { /* a block header */
      if (is_reserved(s, n)) return SYNTAX(P, col, "'%.*s' is reserved, not a block name", (int)n, s);
      if (nm_find(&P->blocks, s, n, blk_name, fn) >= 0)
        return ir_lex_err(lx, ARMJIT_E_INVALID, col, "block %.*s defined twice", (int)n, s);
      param_list pl = {P, NULL, NULL, NULL, NULL, 0, 0, true};
      uint32_t bi = 0;
      if (c == '(') {
        if (cur < 0) {
          return SYNTAX(P, ir_lex_col(lx),
                        "the entry block takes no parameter list (the function's are its own)");
        }
        lx->p++;
        st = ir_lex_list(lx, ')', "block parameters", mp_param_cb, &pl);
      }
      if (st == ARMJIT_OK && cur >= 0) {
        st = mir_add_block(P->m, fn, pl.types, pl.n, &bi);
        if (st != ARMJIT_OK) st = mp_raw(P, st);
      }
      if (st == ARMJIT_OK) st = mp_name_params(P, bi, &pl, line);
      mp_param_list_free(P->m->ctx, &pl);
      if (st != ARMJIT_OK) return st;
      ir_lex_ws(lx);
      if (*lx->p == '[' && (st = handler_list(P, bi)) != ARMJIT_OK) return st;
      st = ir_lex_expect(lx, ':', "after a block header");
      if (st == ARMJIT_OK) st = mp_end_of_line(P);
      if (st != ARMJIT_OK) return st;
      char *nm = ajx_alloc(P->m->ctx, n + 1);
      if (!nm) return ir_lex_nomem(lx);
      memcpy(nm, s, n);
      nm[n] = 0;
      fn->blocks[bi].name = nm;
      fn->blocks[bi].line = line;
      fn->blocks[bi].col = col;
      if (!nm_add(P->m->ctx, &P->blocks, bi, blk_name, fn)) return ir_lex_nomem(lx);
      cur = bi;
      ir_lex_next_line(lx);
      continue;
    }
    if (cur < 0) return SYNTAX(P, col, "expected the entry block's header (NAME:) first");
    if (c == '=') {
      if (is_reserved(s, n)) return SYNTAX(P, col, "'%.*s' is reserved, not a value name", (int)n, s);
      lx->p++;
      st = op_line(P, (uint32_t)cur, s, n, line, col);
    } else {
      lx->p = s; /* the word was the op */
      st = op_line(P, (uint32_t)cur, NULL, 0, line, col);
    }
    if (st != ARMJIT_OK) return st;
    ir_lex_next_line(lx);
  }
}

/* The end of a body: targets, names, then literals (which may look at the
 * types of named operands). */
static armjit_status settle(mparse *P) {
  mir_func *fn = P->fn;
  ir_lex *lx = &P->lx;
  uint32_t save = lx->line;
  armjit_status st = ARMJIT_OK;
  for (uint32_t k = 0; k < P->ntgt && st == ARMJIT_OK; k++) {
    const pend_target *t = &P->tgt[k];
    int64_t b = nm_find(&P->blocks, t->p, t->n, blk_name, fn);
    lx->line = t->line;
    if (b < 0) st = ir_lex_err(lx, ARMJIT_E_INVALID, t->col, "undefined block %.*s", (int)t->n, t->p);
    else fn->edges[t->edge].block = (uint32_t)b;
  }
  for (uint32_t k = 0; k < P->nhtgt && st == ARMJIT_OK; k++) {
    const pend_target *t = &P->htgt[k];
    int64_t b = nm_find(&P->blocks, t->p, t->n, blk_name, fn);
    lx->line = t->line;
    if (b < 0) st = ir_lex_err(lx, ARMJIT_E_INVALID, t->col, "undefined block %.*s", (int)t->n, t->p);
    else fn->handlers[t->edge].block = (uint32_t)b;
  }
  for (uint32_t k = 0; k < P->npend && st == ARMJIT_OK; k++) {
    const pending *pd = &P->pend[k];
    if (pd->it.kind != ITEM_NAME) continue;
    int64_t v = nm_find(&P->vals, pd->it.p, pd->it.n, val_name, fn);
    lx->line = pd->it.line;
    if (v < 0)
      st = ir_lex_err(lx, ARMJIT_E_INVALID, pd->it.col, "undefined value %.*s", (int)pd->it.n,
                      pd->it.p);
    else fn->operands[pd->slot] = (mir_ref)v;
  }
  for (uint32_t k = 0; k < P->npend && st == ARMJIT_OK; k++) {
    const pending *pd = &P->pend[k];
    if (pd->it.kind != ITEM_LIT) continue;
    bool flt = pd->it.l.kind != LIT_INT;
    uint8_t t;
    if (pd->edge >= 0) {
      const mir_edge *e = &fn->edges[pd->edge];
      const mir_block *tb = &fn->blocks[e->block];
      t = pd->k < tb->nparams ? fn->vals[tb->params[pd->k]].type
                              : (flt ? ARMJIT_T_F64 : ARMJIT_T_I32);
    } else {
      const mir_op *op = &fn->ops[pd->op];
      t = mir_literal_type(P->m, fn, op, mir_args(fn, op), op->nargs, pd->k, flt);
    }
    lx->line = pd->it.line;
    if (t == ARMJIT_T_VOID) { /* a float literal where an integer or a ref must be */
      const mir_op *op = &fn->ops[pd->op];
      uint8_t want = mir_literal_type(P->m, fn, op, mir_args(fn, op), op->nargs, pd->k, false);
      st = ir_lex_err(lx, ARMJIT_E_TYPE, pd->it.col, "a float literal where an %s is expected",
                      mir_type_name(want));
      break;
    }
    uint64_t bits;
    st = lit_bits(P, &pd->it.l, t, pd->it.line, pd->it.col, &bits);
    mir_ref r;
    if (st == ARMJIT_OK && (st = mir_add_const(P->m->ctx, fn, t, bits, &r)) != ARMJIT_OK)
      st = mp_raw(P, st);
    if (st == ARMJIT_OK) fn->operands[pd->slot] = r;
  }
  lx->line = save;
  return st;
}
