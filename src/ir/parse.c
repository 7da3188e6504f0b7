/* SPDX-License-Identifier: MIT */
/* The text parser (grammar in docs/ir.md §6.2 and §10.3).  It checks what
 * only the text has (syntax, names, where results and fail lists are
 * written) and builds the trace through the same raw appends as the
 * builder; the validator then checks the IR rules with a source map, so
 * every error has line:column.  All reading goes through the one cursor of
 * lex.h, every comma list through ir_lex_list.
 *
 *   [VAR, ...]                                   inputs
 *   [VAR =] OPNAME(OPERAND, ..., descr=NAME) [OPERAND, ...]
 *   descr NAME = KIND(PROP, PROP, ...)           a descriptor (parse_descr.c) */
#include "ir/parse.h"
#include "ir/token.h"
#include "ir/sem.h"
#include "util/sym.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  ir_lex lx;
  armjit_ctx *ctx;
  armjit_trace *t;
  ir_varmap vars;           /* variable name -> value */
  /* source map under construction */
  uint32_t *refcol, caprefcol;
  uint32_t *rescol, caprescol;
  uint32_t *descrcol, capdescrcol;
  ir_span *vname;           /* per value: its name (in the text, as the keys of vars) */
  uint32_t capvname;
  /* the operands of the current op */
  ir_ref *args;
  uint32_t *argcol, nargs, capargs, capargcol;
  ir_ref *fails;
  uint32_t *failcol, nfails, capfails, capfailcol;
  char *str;                /* the string of a debug_merge_point, decoded */
  uint32_t nstr, capstr;
  bool external;            /* a jump may name a label of another trace */
  ir_optab ops;             /* op names, hashed */
} parser;

#define perr(P, ...) ir_lex_err(&(P)->lx, __VA_ARGS__)
#define nomem(P) ir_lex_nomem(&(P)->lx)
static uint32_t col(const parser *P) { return ir_lex_col(&P->lx); }
static uint32_t col_of(const parser *P, const char *at) { return ir_lex_col_of(&P->lx, at); }
static const char *here(const parser *P, char *buf, size_t n) {
  return ir_lex_here(&P->lx, buf, n);
}

/* ---- constants ------------------------------------------------------------------ */
static armjit_status add_const(parser *P, armjit_type ty, armjit_value v, ir_ref *out) {
  armjit_status st = ir_add_const(P->t, ty, v, out);
  if (st == ARMJIT_E_LIMIT)
    return perr(P, st, col(P), "too many constants (at most %u)", IR_MAX_VALUES);
  return st == ARMJIT_OK ? st : nomem(P);
}

static armjit_status malformed(parser *P, const char *s, const char *end, uint32_t c0) {
  while (is_id(*end) || *end == '.') end++;
  return perr(P, ARMJIT_E_SYNTAX, c0, "malformed number '%.*s'", (int)(end - s), s);
}

static armjit_status parse_number(parser *P, ir_ref *out) {
  const char *s = P->lx.p, *q = s;
  uint32_t c0 = col(P);
  bool neg = *q == '-';
  if (neg) q++;
  armjit_value v = {.bits = 0};
  if (neg && strncmp(q, "inf", 3) == 0 && !is_id(q[3])) {
    P->lx.p = q + 3;
    v.f = -INFINITY;
    return add_const(P, ARMJIT_FLOAT, v, out);
  }
  if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
    q += 2;
    uint64_t u;
    bool range;
    if (!ir_lex_uint(&q, true, UINT64_C(0xffffffff), &u, &range) || is_id(*q) || *q == '.')
      return malformed(P, s, q, c0);
    if (range || (neg && u > UINT64_C(0x80000000)))
      return perr(P, ARMJIT_E_SYNTAX, c0, "integer constant %.*s does not fit in 32 bits",
                  (int)(q - s), s);
    P->lx.p = q;
    v.i = ir_sem_wrap(neg ? 0u - (uint32_t)u : (uint32_t)u);
    return add_const(P, ARMJIT_INT, v, out);
  }
  const char *m = q;
  uint64_t u = 0; /* the integer part, exact up to 19 digits */
  for (; is_digit(*q); q++) u = u * 10 + (uint64_t)(*q - '0');
  size_t nd = (size_t)(q - m);
  bool isfloat = false;
  if (*q == '.') {
    isfloat = true;
    q++;
    const char *f = q;
    while (is_digit(*q)) q++;
    nd += (size_t)(q - f);
  }
  if (nd == 0) return malformed(P, s, q, c0);
  if (*q == 'e' || *q == 'E') {
    const char *e = q + 1;
    if (*e == '+' || *e == '-') e++;
    if (!is_digit(*e)) return malformed(P, s, e, c0);
    while (is_digit(*e)) e++;
    q = e;
    isfloat = true;
  }
  if (is_id(*q) || *q == '.') return malformed(P, s, q, c0);
  size_t len = (size_t)(q - s);
  if (isfloat) {
    char buf[128];
    if (len >= sizeof buf)
      return perr(P, ARMJIT_E_SYNTAX, c0, "float constant too long (%zu characters)", len);
    memcpy(buf, s, len);
    buf[len] = 0;
    double d;
    if (!ir_parse_double(buf, &d)) return malformed(P, s, q, c0);
    if (isinf(d))
      return perr(P, ARMJIT_E_SYNTAX, c0, "float constant %s is out of range (use inf)", buf);
    P->lx.p = q;
    v.f = d;
    return add_const(P, ARMJIT_FLOAT, v, out);
  }
  bool range = false;
  if (nd > 19) { /* u wrapped: read again, saturating */
    const char *d = m;
    ir_lex_uint(&d, false, UINT64_C(0xffffffff), &u, &range);
  }
  if (range || u > (neg ? UINT64_C(0x80000000) : UINT64_C(0x7fffffff)))
    return perr(P, ARMJIT_E_SYNTAX, c0, "integer constant %.*s does not fit in 32 bits",
                (int)len, s);
  P->lx.p = q;
  v.i = ir_sem_wrap(neg ? 0u - (uint32_t)u : (uint32_t)u);
  return add_const(P, ARMJIT_INT, v, out);
}

/* ref(ADDRESS): hex or decimal, up to the host's pointer width. */
static armjit_status parse_refconst(parser *P, uint32_t c0, ir_ref *out) {
  armjit_status st = ir_lex_expect(&P->lx, '(', "after ref");
  if (st != ARMJIT_OK) return st;
  ir_lex_ws(&P->lx);
  const char *s = P->lx.p, *q = s;
  bool hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
  if (hex) q += 2;
  uint64_t u;
  bool range;
  if (!ir_lex_uint(&q, hex, (uint64_t)UINTPTR_MAX, &u, &range) || is_id(*q)) {
    const char *e = q;
    if (*e == '-' || *e == '+') e++;
    while (is_id(*e) || *e == '.') e++;
    char b[16];
    if (e == s)
      return perr(P, ARMJIT_E_SYNTAX, col(P),
                  "expected a ref address (0x hex digits or decimal digits), got %s",
                  here(P, b, sizeof b));
    return perr(P, ARMJIT_E_SYNTAX, col(P),
                "malformed ref address '%.*s' (0x hex digits or decimal digits, no sign)",
                (int)(e - s), s);
  }
  if (range)
    return perr(P, ARMJIT_E_SYNTAX, c0, "ref constant %.*s does not fit in a pointer",
                (int)(q - s), s);
  P->lx.p = q;
  st = ir_lex_expect(&P->lx, ')', "after the ref address");
  if (st != ARMJIT_OK) return st;
  armjit_value v = {.bits = 0};
  v.r = (uintptr_t)u;
  return add_const(P, ARMJIT_REF, v, out);
}

/* i64(N): decimal (optionally signed) or 0x hex (64 bits, optionally
 * signed), the cursor just after "i64". */
static armjit_status parse_i64const(parser *P, uint32_t c0, ir_ref *out) {
  armjit_status st = ir_lex_expect(&P->lx, '(', "after i64");
  if (st != ARMJIT_OK) return st;
  ir_lex_ws(&P->lx);
  const char *s = P->lx.p, *q = s;
  bool neg, hex;
  q = ir_lex_sign_base(q, &neg, &hex);
  uint64_t u;
  bool range;
  if (!ir_lex_uint(&q, hex, UINT64_MAX, &u, &range) || is_id(*q) || *q == '.')
    return malformed(P, s, q, col_of(P, s));
  uint64_t lim = neg ? UINT64_C(1) << 63 : hex ? UINT64_MAX : (UINT64_C(1) << 63) - 1;
  if (range || u > lim)
    return perr(P, ARMJIT_E_SYNTAX, c0, "i64 constant %.*s does not fit in 64 bits",
                (int)(q - s), s);
  P->lx.p = q;
  st = ir_lex_expect(&P->lx, ')', "after the i64 constant");
  if (st != ARMJIT_OK) return st;
  armjit_value v = {.bits = neg ? 0 - u : u};
  return add_const(P, ARMJIT_I64, v, out);
}

/* f32(X): X a float literal (as for float constants, or inf, -inf, nan)
 * that is exactly an f32, the cursor just after "f32". */
static armjit_status parse_f32const(parser *P, uint32_t c0, ir_ref *out) {
  armjit_status st = ir_lex_expect(&P->lx, '(', "after f32");
  if (st != ARMJIT_OK) return st;
  ir_lex_ws(&P->lx);
  const char *s = P->lx.p, *q = s;
  if (*q == '-' || *q == '+') q++;
  while (is_id(*q) || *q == '.' ||
         ((*q == '-' || *q == '+') && (q[-1] == 'e' || q[-1] == 'E')))
    q++;
  size_t len = (size_t)(q - s);
  char buf[128];
  if (len == 0 || len >= sizeof buf)
    return perr(P, ARMJIT_E_SYNTAX, col(P), "expected an f32 literal after f32(");
  memcpy(buf, s, len);
  buf[len] = 0;
  double d;
  const char *w = buf + (buf[0] == '-' || buf[0] == '+');
  if (strcmp(w, "inf") == 0) d = buf[0] == '-' ? -INFINITY : INFINITY;
  else if (strcmp(w, "nan") == 0 && buf[0] != '-' && buf[0] != '+') d = NAN;
  else if (!ir_parse_double(buf, &d) || strchr(buf, 'x') || strchr(buf, 'X') || isinf(d))
    return perr(P, ARMJIT_E_SYNTAX, col_of(P, s), "malformed f32 constant '%s'", buf);
  float f = (float)d;
  if (!isnan(d) && (double)f != d)
    return perr(P, ARMJIT_E_SYNTAX, c0, "f32 constant %s is not exactly an f32", buf);
  P->lx.p = q;
  st = ir_lex_expect(&P->lx, ')', "after the f32 constant");
  if (st != ARMJIT_OK) return st;
  armjit_value v = {.bits = 0};
  v.s = f;
  return add_const(P, ARMJIT_F32, v, out);
}

/* sym(NAME), the cursor just after "sym": a ref constant holding the
 * address registered under NAME (docs/ir.md §11.1). */
static armjit_status parse_sym(parser *P, ir_ref *out) {
  armjit_status st = ir_lex_expect(&P->lx, '(', "after sym");
  if (st != ARMJIT_OK) return st;
  ir_lex_ws(&P->lx);
  const char *s = P->lx.p;
  size_t n = ir_lex_name(&P->lx, &st);
  if (st != ARMJIT_OK) return st;
  if (!n) {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, col(P), "expected a symbol name, got %s",
                here(P, b, sizeof b));
  }
  P->lx.p += n;
  st = ir_lex_expect(&P->lx, ')', "after the symbol name");
  if (st != ARMJIT_OK) return st;
  armjit_value v = {.bits = 0};
  if (!ajx_sym_addr(P->ctx, s, n, &v.r))
    return perr(P, ARMJIT_E_INVALID, col_of(P, s),
                "unknown symbol %.*s (register it with armjit_ctx_add_symbol)", (int)n, s);
  st = ir_add_const(P->t, ARMJIT_REF, v, out);
  if (st == ARMJIT_E_LIMIT)
    return perr(P, st, col_of(P, s), "too many constants (at most %u)", IR_MAX_VALUES);
  return st == ARMJIT_OK ? st : nomem(P);
}

/* ---- names ------------------------------------------------------------------------ */
/* s[0..n) may name a new variable (num: its ident_len_num); *ty its type. */
static inline armjit_status check_new_var(parser *P, const char *s, size_t n, int64_t num,
                                          uint32_t c0, armjit_type *ty) {
  *ty = ARMJIT_VOID;
  if (word_is(s, n, "inf"))
    return perr(P, ARMJIT_E_SYNTAX, c0, "'inf' is a float constant, not a variable name");
  switch (s[0]) {
  case 'i': *ty = ARMJIT_INT; break;
  case 'p': *ty = ARMJIT_REF; break;
  case 'f': *ty = ARMJIT_FLOAT; break;
  case 'l': *ty = ARMJIT_I64; break;
  case 's': *ty = ARMJIT_F32; break;
  default:
    return perr(P, ARMJIT_E_SYNTAX, c0,
                "variable name %.*s must start with its type: i (int), p (ref), f (float), "
                "l (i64) or s (f32)", (int)n, s);
  }
  ir_var e;
  if (ir_vars_find(&P->vars, s, n, num, &e))
    return perr(P, ARMJIT_E_INVALID, c0, "variable %.*s redefined (first defined on line %u)",
                (int)n, s, e.line);
  return ARMJIT_OK;
}

/* Value v is named s[0..n), a token of the text (which outlives the parse);
 * num is its ident_len_num. */
static inline armjit_status name_var(parser *P, ir_ref v, const char *s, size_t n, int64_t num) {
  uint32_t had = P->capvname;
  if (!ajx_grow(P->ctx, (void **)&P->vname, &P->capvname, (uint32_t)v + 1, sizeof *P->vname))
    return nomem(P);
  if (P->capvname > had) memset(P->vname + had, 0, (P->capvname - had) * sizeof *P->vname);
  P->vname[v] = (ir_span){s, (uint32_t)n};
  if (!ir_vars_put(P->ctx, &P->vars, s, n, num, v, P->lx.line)) return nomem(P);
  return ARMJIT_OK;
}

/* The line of the op a name index entry (ir_name_find) names. */
static uint32_t name_line(const armjit_trace *t, int32_t e) {
  uint32_t op = (e & 1) ? t->exits[e / 2].op : t->labels[e / 2].op;
  return ir_op_line(t, op);
}

/* A new descr=NAME of a guard, finish or label, or a new descriptor's name:
 * no exit, label or descriptor has it yet. */
static armjit_status check_new_name(parser *P, const char *s, size_t n, uint32_t c0) {
  const armjit_trace *t = P->t;
  int32_t e = ir_name_find(t, s, n);
  if (e >= 0)
    return perr(P, ARMJIT_E_INVALID, c0, "descr name %.*s already used on line %u", (int)n, s,
                name_line(t, e));
  e = ir_descr_by_name(t, s, n);
  if (e >= 0)
    return perr(P, ARMJIT_E_INVALID, c0, "descr name %.*s already used on line %u", (int)n, s,
                t->descrs[e].line);
  return ARMJIT_OK;
}

/* ---- the inputs line --------------------------------------------------------------- */
static armjit_status input_item(ir_lex *lx, void *ud) {
  parser *P = ud;
  const char *s = lx->p;
  uint32_t c0 = col(P);
  int64_t num;
  size_t n = ident_len_num(s, &num);
  if (!n) {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, c0, "expected an input variable name, got %s",
                here(P, b, sizeof b));
  }
  armjit_type ty;
  armjit_status st = check_new_var(P, s, n, num, c0, &ty);
  if (st != ARMJIT_OK) return st;
  ir_ref v;
  st = ir_add_input(P->t, ty, &v);
  if (st == ARMJIT_E_LIMIT) return perr(P, st, c0, "too many inputs (at most %u)", IR_MAX_INPUTS);
  if (st != ARMJIT_OK) return nomem(P);
  lx->p += n;
  return name_var(P, v, s, n, num);
}

static armjit_status parse_inputs(parser *P) {
  if (!ir_lex_next_content(&P->lx))
    return perr(P, ARMJIT_E_SYNTAX, col(P), "expected the inputargs list, e.g. [i0, f1]");
  char b[16];
  if (*P->lx.p != '[')
    return perr(P, ARMJIT_E_SYNTAX, col(P),
                "the first line must be the inputargs list, e.g. [i0, f1]; got %s",
                here(P, b, sizeof b));
  P->lx.p++;
  armjit_status st = ir_lex_list(&P->lx, ']', "the inputargs list", input_item, P);
  if (st != ARMJIT_OK) return st;
  if (!ir_lex_at_eol(&P->lx))
    return perr(P, ARMJIT_E_SYNTAX, col(P), "unexpected %s after the inputargs list",
                here(P, b, sizeof b));
  return ARMJIT_OK;
}

/* ---- operands ------------------------------------------------------------------------ */
typedef struct {
  bool is_descr;
  ir_ref ref;
  uint32_t col;
  const char *name; /* descr=NAME */
  size_t len;
} item;

/* Does c end an operand (in a list)? */
static inline bool ends_item(char c) { return c == ',' || c == ')' || c == ']'; }

/* Any operand (parse_item below reads the common ones in line): out of
 * line, so that the in-line path stays small enough to be inlined. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static armjit_status parse_item_any(parser *P, bool in_fail, item *it) {
  const char *s = P->lx.p;
  uint32_t c0 = col(P);
  if (is_digit(s[*s == '-'])) { /* at most 9 digits (|u| < 10^9 fits) ending the item */
    const char *q = s + (*s == '-'), *end = q + 9;
    uint32_t u = 0;
    for (; q < end && is_digit(*q); q++) u = u * 10 + (uint32_t)(*q - '0');
    if (ends_item(*q)) {
      *it = (item){.col = c0};
      P->lx.p = q;
      armjit_value v = {.bits = 0};
      v.i = ir_sem_wrap(*s == '-' ? 0u - u : u);
      return add_const(P, ARMJIT_INT, v, &it->ref);
    }
  }
  memset(it, 0, sizeof *it);
  it->col = c0;
  if (*s == '-' || *s == '.' || is_digit(*s)) return parse_number(P, &it->ref);
  armjit_status st;
  int64_t num;
  size_t n = ir_lex_name_num(&P->lx, &st, &num);
  if (st != ARMJIT_OK) return st;
  char b[16];
  if (!n)
    return perr(P, ARMJIT_E_SYNTAX, c0, "expected a variable or constant, got %s",
                here(P, b, sizeof b));
  const char *q = s + n;
  while (*q == ' ' || *q == '\t') q++;
  if (*q == '=') { /* keyword argument */
    if (in_fail)
      return perr(P, ARMJIT_E_SYNTAX, c0, "keyword arguments are not allowed in a fail-arg list");
    if (!word_is(s, n, "descr"))
      return perr(P, ARMJIT_E_SYNTAX, c0,
                  "unknown keyword argument '%.*s' (only descr= is allowed)", (int)n, s);
    P->lx.p = q + 1;
    ir_lex_ws(&P->lx);
    it->len = ir_lex_name(&P->lx, &st);
    if (st != ARMJIT_OK) return st;
    if (!it->len)
      return perr(P, ARMJIT_E_SYNTAX, col(P), "expected a name after descr=, got %s",
                  here(P, b, sizeof b));
    it->is_descr = true;
    it->name = P->lx.p;
    P->lx.p += it->len;
    return ARMJIT_OK;
  }
  P->lx.p = s + n;
  ir_var e;
  /* The common case first: a numbered variable such as i12 (i64 and f32
   * are variables too unless a '(' makes them constants). */
  if (num >= 0 && s[n] != '(' && ir_vars_find(&P->vars, s, n, num, &e)) {
    it->ref = e.val;
    return ARMJIT_OK;
  }
  armjit_value v = {.bits = 0};
  if (word_is(s, n, "null")) return add_const(P, ARMJIT_REF, v, &it->ref);
  if (word_is(s, n, "inf")) { v.f = INFINITY; return add_const(P, ARMJIT_FLOAT, v, &it->ref); }
  if (word_is(s, n, "nan")) { v.f = NAN; return add_const(P, ARMJIT_FLOAT, v, &it->ref); }
  if (word_is(s, n, "ref")) return parse_refconst(P, c0, &it->ref);
  if (word_is(s, n, "sym")) return parse_sym(P, &it->ref);
  /* i64(...) and f32(...) are constants; i64 and f32 alone are variables
   * (int value 64, float value 32). */
  if (word_is(s, n, "i64") && s[n] == '(') return parse_i64const(P, c0, &it->ref);
  if (word_is(s, n, "f32") && s[n] == '(') return parse_f32const(P, c0, &it->ref);
  if (!ir_vars_find(&P->vars, s, n, num, &e)) {
    if (!strchr("ipfls", s[0])) /* cannot be a variable at all */
      return perr(P, ARMJIT_E_SYNTAX, c0,
                  "variable name %.*s must start with its type: i (int), p (ref), f (float), "
                  "l (i64) or s (f32)", (int)n, s);
    return perr(P, ARMJIT_E_INVALID, c0, "use of undefined variable %.*s", (int)n, s);
  }
  it->ref = e.val;
  return ARMJIT_OK;
}

/* One operand at the cursor.  The common case in line: a numbered
 * variable (i12) that is defined, followed by ',', ')' or ']'; anything
 * else is read from the start by parse_item_any. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline armjit_status parse_item(parser *P, bool in_fail, item *it) {
  const char *s = P->lx.p;
  int64_t num;
  size_t n = ident_len_num(s, &num);
  ir_var e;
  if (num >= 0 && ends_item(s[n]) &&
      ir_vars_find(&P->vars, s, n, num, &e)) {
    *it = (item){.ref = e.val, .col = col(P)};
    P->lx.p = s + n;
    return ARMJIT_OK;
  }
  return parse_item_any(P, in_fail, it);
}

/* Append it to an operand list (refs and cols, *n entries), at most
 * `limit` of them (else "too many WHAT").  The path that grows: */
static armjit_status push_grow(parser *P, ir_ref **refs, uint32_t **cols, uint32_t *n,
                               uint32_t *cap, uint32_t *capcol, uint32_t limit, const item *it,
                               const char *what) {
  if (*n >= limit)
    return perr(P, ARMJIT_E_LIMIT, it->col, "too many %s (at most %u)", what, limit);
  if (!ajx_grow(P->ctx, (void **)refs, cap, *n + 1, sizeof **refs) ||
      !ajx_grow(P->ctx, (void **)cols, capcol, *n + 1, sizeof **cols))
    return nomem(P);
  (*refs)[*n] = it->ref;
  (*cols)[*n] = it->col;
  (*n)++;
  return ARMJIT_OK;
}

static inline armjit_status push(parser *P, ir_ref **refs, uint32_t **cols, uint32_t *n,
                                 uint32_t *cap, uint32_t *capcol, uint32_t limit,
                                 const item *it, const char *what) {
  uint32_t k = *n;
  if (k >= *cap || k >= *capcol || k >= limit)
    return push_grow(P, refs, cols, n, cap, capcol, limit, it, what);
  (*refs)[k] = it->ref;
  (*cols)[k] = it->col;
  *n = k + 1;
  return ARMJIT_OK;
}

/* ---- op lines ------------------------------------------------------------------------ */
typedef struct {
  const char *res;   /* result name, or NULL */
  size_t reslen;
  int64_t resnum;    /* its ident_len_num */
  uint32_t rescol, opcol, failcol;
  int opc;
  bool has_fail;
  item descr;        /* .name NULL if none */
} opline;

typedef struct {
  parser *P;
  opline *L;
} op_ctx;

static armjit_status arg_item(ir_lex *lx, void *ud) {
  (void)lx;
  op_ctx *o = ud;
  item it;
  armjit_status st = parse_item(o->P, false, &it);
  if (st != ARMJIT_OK) return st;
  if (it.is_descr) {
    if (o->L->descr.name) return perr(o->P, ARMJIT_E_SYNTAX, it.col, "descr= given twice");
    o->L->descr = it;
    return ARMJIT_OK;
  }
  if (o->L->descr.name)
    return perr(o->P, ARMJIT_E_SYNTAX, it.col, "arguments must come before descr=");
  parser *P = o->P;
  return push(P, &P->args, &P->argcol, &P->nargs, &P->capargs, &P->capargcol, IR_MAX_ARGS, &it,
              "arguments");
}

static armjit_status fail_item(ir_lex *lx, void *ud) {
  (void)lx;
  parser *P = ud;
  item it;
  armjit_status st = parse_item(P, true, &it);
  if (st != ARMJIT_OK) return st;
  return push(P, &P->fails, &P->failcol, &P->nfails, &P->capfails, &P->capfailcol, IR_MAX_FAIL,
              &it, "fail args");
}

/* A string literal (docs/ir.md): "..." with the escapes \\ \" \n \t \r and
 * \xHH (not \x00), decoded into P->str[0..nstr). */
static armjit_status parse_string(parser *P, const char *opname) {
  uint32_t c0 = col(P);
  if (*P->lx.p != '"') {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, c0, "%s takes one string, e.g. %s(\"loop at line 12\"),"
                " got %s", opname, opname, here(P, b, sizeof b));
  }
  P->lx.p++;
  P->nstr = 0;
  for (;;) {
    char c = *P->lx.p;
    if (c == '"') { P->lx.p++; return ARMJIT_OK; }
    if (c == 0 || c == '\n') return perr(P, ARMJIT_E_SYNTAX, c0, "unterminated string");
    uint32_t ce = col(P);
    P->lx.p++;
    if (c == '\\') {
      char e = *P->lx.p++;
      switch (e) {
      case '\\': case '"': c = e; break;
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'x': {
        int hi = hexval(P->lx.p[0]), lo = hi < 0 ? -1 : hexval(P->lx.p[1]);
        if (lo < 0) return perr(P, ARMJIT_E_SYNTAX, ce, "\\x needs two hex digits");
        if (hi == 0 && lo == 0)
          return perr(P, ARMJIT_E_SYNTAX, ce, "a string cannot hold \\x00");
        c = (char)(hi << 4 | lo);
        P->lx.p += 2;
        break;
      }
      default:
        P->lx.p--;
        return perr(P, ARMJIT_E_SYNTAX, ce,
                    "unknown escape in a string (use \\\\ \\\" \\n \\t \\r \\xHH)");
      }
    }
    if (P->nstr >= IR_MAX_TEXT)
      return perr(P, ARMJIT_E_LIMIT, c0, "string longer than %u bytes", IR_MAX_TEXT);
    if (!ajx_grow(P->ctx, (void **)&P->str, &P->capstr, P->nstr + 1, 1)) return nomem(P);
    P->str[P->nstr++] = c;
  }
}

/* The op name at the cursor; unknown names suggest the closest op. */
static armjit_status op_name(parser *P, opline *L, const char *s, size_t n) {
  L->opc = ir_optab_find(&P->ops, s, n);
  if (L->opc >= 0) return ARMJIT_OK;
  int near = ir_opcode_closest(s, n);
  if (near >= 0)
    return perr(P, ARMJIT_E_SYNTAX, L->opcol, "unknown operation '%.*s'; did you mean '%s'?",
                (int)n, s, ir_info((unsigned)near)->name);
  return perr(P, ARMJIT_E_SYNTAX, L->opcol, "unknown operation '%.*s'", (int)n, s);
}

/* opname(args[, descr=NAME]) [fail args] */
static armjit_status parse_op_syntax(parser *P, opline *L) {
  memset(L, 0, sizeof *L);
  P->nargs = P->nfails = 0;
  const char *s = P->lx.p;
  uint32_t c0 = col(P);
  armjit_status st;
  int64_t num;
  size_t n = ir_lex_name_num(&P->lx, &st, &num);
  if (st != ARMJIT_OK) return st;
  char b[16];
  if (!n)
    return perr(P, ARMJIT_E_SYNTAX, c0, "expected an operation, got %s", here(P, b, sizeof b));
  P->lx.p += n;
  ir_lex_ws(&P->lx);
  if (*P->lx.p == '=') {
    L->res = s;
    L->reslen = n;
    L->resnum = num;
    L->rescol = c0;
    P->lx.p++;
    ir_lex_ws(&P->lx);
    s = P->lx.p;
    c0 = col(P);
    n = ir_lex_name(&P->lx, &st);
    if (st != ARMJIT_OK) return st;
    if (!n)
      return perr(P, ARMJIT_E_SYNTAX, c0, "expected an operation name after '=', got %s",
                  here(P, b, sizeof b));
    P->lx.p += n;
  }
  L->opcol = c0;
  if ((st = op_name(P, L, s, n)) != ARMJIT_OK) return st;
  if ((st = ir_lex_expect(&P->lx, '(', "after the operation name")) != ARMJIT_OK) return st;
  if (ir_info((unsigned)L->opc)->flags & ARMJIT_OPF_TEXT) {
    ir_lex_ws(&P->lx);
    st = parse_string(P, ir_info((unsigned)L->opc)->name);
    if (st == ARMJIT_OK) st = ir_lex_expect(&P->lx, ')', "after the string");
    if (st != ARMJIT_OK) return st;
  } else {
    op_ctx o = {P, L};
    if ((st = ir_lex_list(&P->lx, ')', "the argument list", arg_item, &o)) != ARMJIT_OK)
      return st;
  }
  ir_lex_ws(&P->lx);
  if (*P->lx.p == '[') {
    L->has_fail = true;
    L->failcol = col(P);
    P->lx.p++;
    if ((st = ir_lex_list(&P->lx, ']', "the fail-arg list", fail_item, P)) != ARMJIT_OK)
      return st;
    ir_lex_ws(&P->lx);
  }
  if (*P->lx.p != '\n' && *P->lx.p != 0)
    return perr(P, ARMJIT_E_SYNTAX, col(P),
                "unexpected %s after the operation (one operation per line)",
                here(P, b, sizeof b));
  return ARMJIT_OK;
}

/* Where results, fail lists and descr= may be written. */
static armjit_status check_op_shape(parser *P, const opline *L, int32_t *target) {
  const ir_opinfo *in = ir_info((unsigned)L->opc);
  bool guard = ir_is_guard((unsigned)L->opc);
  *target = -1;
  if (guard && !L->has_fail)
    return perr(P, ARMJIT_E_SYNTAX, L->opcol,
                "%s needs a fail-arg list after it, e.g. [i1, f2] or []", in->name);
  if (!guard && L->has_fail)
    return perr(P, ARMJIT_E_SYNTAX, L->failcol, "only guards take a fail-arg list");
  bool has_descr = (in->flags & ARMJIT_OPF_DESCR) != 0; /* memory and call ops */
  if (L->descr.name && !guard && L->opc != ARMJIT_OP_FINISH && L->opc != ARMJIT_OP_LABEL &&
      L->opc != ARMJIT_OP_JUMP && !has_descr)
    return perr(P, ARMJIT_E_SYNTAX, L->descr.col,
                "descr= is only allowed on guards, finish, label, jump and memory/call ops");
  if (in->res == 'v' && L->res)
    return perr(P, ARMJIT_E_SYNTAX, L->rescol, "%s has no result; it cannot be assigned to %.*s",
                in->name, (int)L->reslen, L->res);
  if (in->res != 'v' && in->res != 'd' && !L->res)
    return perr(P, ARMJIT_E_SYNTAX, L->opcol,
                "the result of %s must be assigned to a variable (e.g. i5 = %s(...))",
                in->name, in->name);
  const item *d = &L->descr;
  if (L->opc == ARMJIT_OP_JUMP) {
    if (!d->name)
      return perr(P, ARMJIT_E_SYNTAX, L->opcol, "jump needs descr=NAME of its target label");
    int32_t e = ir_name_find(P->t, d->name, d->len);
    if (e < 0 && P->external) {
      if (!(*target = ir_xlabel(P->t, d->name, d->len))) return nomem(P);
      return ARMJIT_OK;
    }
    if (e < 0)
      return perr(P, ARMJIT_E_INVALID, d->col, "jump to unknown label %.*s", (int)d->len, d->name);
    if (e & 1)
      return perr(P, ARMJIT_E_INVALID, d->col,
                  "jump target %.*s is not a label (it names a guard or finish on line %u)",
                  (int)d->len, d->name, name_line(P->t, e));
    *target = e / 2;
  } else if (d->name && !has_descr) {
    return check_new_name(P, d->name, d->len, d->col);
  }
  return ARMJIT_OK;
}

/* descr=NAME of a memory or call op: the descriptor, of a kind the op
 * accepts; whether the op is written with a result; *dres its type. */
static armjit_status descr_use(parser *P, const opline *L, int32_t *id, armjit_type *dres) {
  const ir_opinfo *in = ir_info((unsigned)L->opc);
  const item *u = &L->descr;
  unsigned kinds = ir_op_descr_kinds((unsigned)L->opc);
  char want[64];  /* made on the error paths only */
  if (!u->name) {
    ir_descr_kinds_text(kinds, want, sizeof want);
    return perr(P, ARMJIT_E_SYNTAX, L->opcol, "%s needs descr=NAME of %s descriptor", in->name,
                want);
  }
  *id = ir_descr_by_name(P->t, u->name, u->len);
  if (*id < 0)
    return perr(P, ARMJIT_E_INVALID, u->col,
                "unknown descr %.*s (declare it first: descr %.*s = ...)", (int)u->len, u->name,
                (int)u->len, u->name);
  const ir_descr *d = ir_descr_at(P->t, *id);
  if (!(kinds & (1u << d->kind))) {
    ir_descr_kinds_text(kinds, want, sizeof want);
    return perr(P, ARMJIT_E_INVALID, u->col,
                "descr %.*s is a %s descriptor, but %s needs %s descriptor", (int)u->len,
                u->name, ir_descr_kind_name(d->kind), in->name, want);
  }
  *dres = in->res == 'd' ? (armjit_type)d->type : ir_letter_type(in->res);
  if (*dres == ARMJIT_VOID && L->res)
    return perr(P, ARMJIT_E_SYNTAX, L->rescol,
                "%s with descr %.*s has no result (void); it cannot be assigned", in->name,
                (int)u->len, u->name);
  if (*dres != ARMJIT_VOID && !L->res)
    return perr(P, ARMJIT_E_SYNTAX, L->opcol, "the result of %s must be assigned to a variable",
                in->name);
  return ARMJIT_OK;
}

/* The result's type: from the op, and its name's prefix must agree.
 * *fits: the op has a result and fits its signature. */
static armjit_status result_type(parser *P, const opline *L, int32_t descr, armjit_type *rtype,
                                 bool *fits) {
  const ir_opinfo *in = ir_info((unsigned)L->opc);
  *rtype = ARMJIT_VOID;
  *fits = false;
  if (!L->res) return ARMJIT_OK;
  armjit_type named;
  armjit_status st = check_new_var(P, L->res, L->reslen, L->resnum, L->rescol, &named);
  if (st != ARMJIT_OK) return st;
  armjit_type gives;
  ir_sig_problem p;
  *fits = ir_sig_fits(P->t, (unsigned)L->opc, descr, P->args, P->nargs, &gives) ||
          ir_check_sig(P->t, NULL, (unsigned)L->opc, descr, P->args, P->nargs, &gives, &p);
  if (!*fits) {
    /* The validator reports the bad arguments; name the result anyway. */
    if (in->res == '*') gives = P->nargs ? ir_ref_type(P->t, P->args[0]) : named;
  }
  if (gives != named)
    return perr(P, ARMJIT_E_TYPE, L->rescol,
                "type prefix of variable %.*s does not match: %s gives %s, which needs prefix '%c'",
                (int)L->reslen, L->res, in->name, ir_type_name(gives), ir_type_letter(gives));
  *rtype = gives;
  return ARMJIT_OK;
}

static armjit_status record_srcmap(parser *P, uint32_t idx, const opline *L) {
  armjit_trace *t = P->t;
  const ir_op *op = &t->ops[idx];
  if (!ajx_grow(P->ctx, (void **)&P->refcol, &P->caprefcol, t->nrefs, sizeof *P->refcol) ||
      !ajx_grow(P->ctx, (void **)&P->rescol, &P->caprescol, idx + 1, sizeof *P->rescol) ||
      !ajx_grow(P->ctx, (void **)&P->descrcol, &P->capdescrcol, idx + 1, sizeof *P->descrcol))
    return nomem(P);
  for (uint32_t k = 0; k < op->nargs; k++) P->refcol[op->args + k] = P->argcol[k];
  for (uint32_t k = 0; k < op->nfail; k++) P->refcol[ir_fail_at(op) + k] = P->failcol[k];
  P->rescol[idx] = L->rescol;
  P->descrcol[idx] = L->descr.name ? L->descr.col : 0;
  return ARMJIT_OK;
}

static armjit_status parse_op(parser *P) {
  opline L;
  int32_t target, descr = -1;
  armjit_type rtype;
  armjit_status st = parse_op_syntax(P, &L);
  if (st == ARMJIT_OK) st = check_op_shape(P, &L, &target);
  if (st == ARMJIT_OK && (ir_info((unsigned)L.opc)->flags & ARMJIT_OPF_DESCR))
    st = descr_use(P, &L, &descr, &rtype);
  bool fits;
  if (st == ARMJIT_OK) st = result_type(P, &L, descr, &rtype, &fits);
  if (st != ARMJIT_OK) return st;
  armjit_trace *t = P->t;
  uint32_t idx;
  if (ir_info((unsigned)L.opc)->flags & ARMJIT_OPF_TEXT)
    st = ir_emit_text(t, (unsigned)L.opc, P->str, P->nstr, &idx);
  else
    st = ir_emit(t, (unsigned)L.opc, rtype, P->args, P->nargs, P->fails, P->nfails, target,
                 &idx);
  if (st == ARMJIT_E_LIMIT)
    return perr(P, st, L.opcol, "trace too large (at most %u ops)", IR_MAX_VALUES);
  if (st != ARMJIT_OK) return nomem(P);
  if (!ir_set_pos(t, idx, P->lx.line, L.opcol)) return nomem(P);
  ir_op *op = &t->ops[idx];
  op->descr = descr;
  /* A fitting signature need not be checked again by the validator
   * (t->sig_checked); one that does not fit is reported by it, located. */
  if (t->sig_checked == idx) {
    armjit_type gives = rtype;
    ir_sig_problem p;
    if (!L.res)
      fits = ir_sig_fits(t, op->opc, descr, P->args, P->nargs, &gives) ||
             ir_check_sig(t, NULL, op->opc, descr, P->args, P->nargs, &gives, &p);
    if (fits && gives == rtype) t->sig_checked = idx + 1;
  }
  st = record_srcmap(P, idx, &L);
  if (st == ARMJIT_OK && L.res) st = name_var(P, op->res, L.res, L.reslen, L.resnum);
  if (st != ARMJIT_OK || !L.descr.name || L.opc == ARMJIT_OP_JUMP || descr >= 0) return st;
  if (ir_set_name(t, idx, L.descr.name, L.descr.len) != ARMJIT_OK) return nomem(P);
  return ARMJIT_OK;
}

/* "descr NAME = KIND(...)" declares a memory or call descriptor. */
static bool at_descr_decl(const parser *P) {
  const char *p = P->lx.p;
  return p[0] == 'd' && p[1] == 'e' && p[2] == 's' && p[3] == 'c' && p[4] == 'r' &&
         (p[5] == ' ' || p[5] == '\t');
}

static armjit_status parse_descr_decl(parser *P) {
  P->lx.p += 5; /* "descr" */
  ir_lex_ws(&P->lx);
  const char *s = P->lx.p;
  armjit_status st;
  size_t n = ir_lex_name(&P->lx, &st);
  if (st != ARMJIT_OK) return st;
  if (!n) {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, col(P), "expected a descriptor name after 'descr', got %s",
                here(P, b, sizeof b));
  }
  if ((st = check_new_name(P, s, n, col(P))) != ARMJIT_OK) return st;
  P->lx.p += n;
  if ((st = ir_lex_expect(&P->lx, '=', "after the descriptor name")) != ARMJIT_OK) return st;
  char *name = ajx_alloc(P->ctx, n + 1);
  if (!name) return nomem(P);
  memcpy(name, s, n);
  name[n] = 0;
  st = ir_parse_descr_body(&P->lx, P->ctx, P->t, name);
  ajx_free(P->ctx, name);
  return st;
}

/* ---- the trace ---------------------------------------------------------------------- */
static void parser_free(parser *P) {
  armjit_ctx *ctx = P->ctx;
  ajx_free(ctx, P->vname);
  ajx_free(ctx, P->refcol);
  ajx_free(ctx, P->rescol);
  ajx_free(ctx, P->descrcol);
  ajx_free(ctx, P->args);
  ajx_free(ctx, P->argcol);
  ajx_free(ctx, P->fails);
  ajx_free(ctx, P->str);
  ajx_free(ctx, P->failcol);
  ir_vars_free(ctx, &P->vars);
}

/* Room for as many ops, op positions and values as the text has lines (at
 * most one each), two argument entries per line and a name per line, so a large
 * trace is read without regrowing its arrays. */
static bool reserve(parser *P, const char *text) {
  /* (a plain count over the whole text: one strchr per line costs more
   * than the parse of a short line) */
  size_t len = strlen(text), nl = 0, k = 0;
  for (; k + 64 <= len; k += 64) { /* (blocks of a fixed size vectorize) */
    unsigned block = 0;
    for (unsigned j = 0; j < 64; j++) block += text[k + j] == '\n';
    nl += block;
  }
  for (; k < len; k++) nl += text[k] == '\n';
  uint32_t lines = nl < IR_MAX_VALUES ? (uint32_t)nl + 1 : IR_MAX_VALUES;
  if (lines < 64) return true;
  if (!ajx_grow(P->ctx, (void **)&P->vname, &P->capvname, lines, sizeof *P->vname)) return false;
  memset(P->vname, 0, P->capvname * sizeof *P->vname);
  return ir_trace_reserve(P->t, lines, 2 * lines) &&
         ajx_grow(P->ctx, (void **)&P->t->pos, &P->t->cappos, lines, sizeof *P->t->pos) &&
         ir_vars_reserve(P->ctx, &P->vars, lines) &&
         ajx_grow(P->ctx, (void **)&P->rescol, &P->caprescol, lines, sizeof *P->rescol) &&
         ajx_grow(P->ctx, (void **)&P->descrcol, &P->capdescrcol, lines, sizeof *P->descrcol) &&
         ajx_grow(P->ctx, (void **)&P->refcol, &P->caprefcol, 2 * lines, sizeof *P->refcol);
}

armjit_trace *armjit_trace_parse(armjit_ctx *ctx, const char *text, armjit_error *err) {
  return ir_trace_parse(ctx, text, 1, false, err);
}

armjit_trace *ir_trace_parse(armjit_ctx *ctx, const char *text, uint32_t first_line,
                             bool external, armjit_error *err) {
  if (!ctx || !text) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_trace_parse: %s is NULL", ctx ? "text" : "ctx");
    return NULL;
  }
  parser P;
  memset(&P, 0, sizeof P);
  P.external = external;
  P.ctx = ctx;
  ir_optab_init(&P.ops);
  P.lx.ctx = ctx;
  P.lx.err = err;
  P.lx.p = P.lx.ls = text;
  P.lx.line = first_line;
  P.t = armjit_trace_new(ctx);
  if (!P.t) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory while parsing");
    return NULL;
  }
  armjit_status st = reserve(&P, text) ? ARMJIT_OK : nomem(&P);
  while (st == ARMJIT_OK && ir_lex_next_content(&P.lx) && at_descr_decl(&P)) {
    st = parse_descr_decl(&P);
    if (st == ARMJIT_OK) ir_lex_next_line(&P.lx);
  }
  if (st == ARMJIT_OK) st = parse_inputs(&P);
  if (st == ARMJIT_OK) ir_lex_next_line(&P.lx);
  while (st == ARMJIT_OK && ir_lex_next_content(&P.lx)) {
    st = at_descr_decl(&P) ? parse_descr_decl(&P) : parse_op(&P);
    if (st == ARMJIT_OK) ir_lex_next_line(&P.lx);
  }
  if (st == ARMJIT_OK) {
    ir_srcmap sm = {P.refcol, P.rescol, P.descrcol, P.vname, P.lx.line, col(&P)};
    st = ir_validate(P.t, err, &sm);
  }
  parser_free(&P);
  if (st != ARMJIT_OK) {
    armjit_trace_free(P.t);
    return NULL;
  }
  ajx_err_clear(err);
  return P.t;
}
