/* SPDX-License-Identifier: MIT */
/* The text parser (grammar in docs/ir.md).  It checks what only the text
 * has (syntax, names, where results and fail lists are written) and builds
 * the trace through the same raw appends as the builder; the validator then
 * checks the IR rules with a source map, so every error has line:column. */
#include "ir/descr_impl.h"
#include "ir/ir_impl.h"
#include "ir/lex.h"
#include "ir/sem.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  armjit_ctx *ctx;
  armjit_trace *t;
  armjit_error *err;
  const char *p, *ls;       /* cursor, start of the current line */
  uint32_t line;
  ir_namemap vars;          /* variable name -> value */
  /* source map under construction */
  uint32_t *refcol, caprefcol;
  uint32_t *rescol, caprescol;
  uint32_t *descrcol, capdescrcol;
  char **vname;
  uint32_t nvname, capvname;
  /* the operands of the current op */
  ir_ref *args;
  uint32_t *argcol, nargs, capargs, capargcol;
  ir_ref *fails;
  uint32_t *failcol, nfails, capfails, capfailcol;
  char *str;                /* the string of a debug_merge_point, decoded */
  uint32_t nstr, capstr;
} parser;

static armjit_status perr(parser *P, armjit_status code, uint32_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static armjit_status perr(parser *P, armjit_status code, uint32_t col, const char *fmt,
                          ...) {
  if (P->err) {
    P->err->code = code;
    P->err->line = (int)P->line;
    P->err->col = (int)col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err->msg, sizeof P->err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

static armjit_status nomem(parser *P) {
  return perr(P, ARMJIT_E_NOMEM, 0, "out of memory while parsing");
}

/* ---- lexing ------------------------------------------------------------------ */
static uint32_t col(const parser *P) { return (uint32_t)(P->p - P->ls) + 1; }
/* Spaces and a trailing comment; stops at the newline. */
static void skip_ws(parser *P) {
  skip_blanks(&P->p);
  if (*P->p == '#')
    while (*P->p && *P->p != '\n') P->p++;
}
static bool at_eol(parser *P) {
  skip_ws(P);
  return *P->p == '\n' || *P->p == 0;
}
static void next_line(parser *P) {
  while (*P->p && *P->p != '\n') P->p++;
  if (*P->p == '\n') {
    P->p++;
    P->line++;
    P->ls = P->p;
  }
}
/* Skip blank and comment-only lines; false at the end of the input. */
static bool next_content(parser *P) {
  for (;;) {
    skip_ws(P);
    if (*P->p == 0) return false;
    if (*P->p != '\n') return true;
    next_line(P);
  }
}

/* What the cursor is looking at, for messages. */
static const char *here(const parser *P, char *buf, size_t n) {
  char c = *P->p;
  if (c == 0) return "the end of the input";
  if (c == '\n') return "the end of the line";
  if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) snprintf(buf, n, "byte 0x%02x", (unsigned char)c);
  else snprintf(buf, n, "'%c'", c);
  return buf;
}

static armjit_status expect(parser *P, char c, const char *after) {
  skip_ws(P);
  if (*P->p == c) { P->p++; return ARMJIT_OK; }
  char b[16];
  return perr(P, ARMJIT_E_SYNTAX, col(P), "expected '%c' %s, got %s", c, after,
              here(P, b, sizeof b));
}

/* A name must not run into a stray byte ("i\xff"): report the byte itself
 * rather than whatever the truncated name would mean. */
static armjit_status check_name_end(parser *P, const char *end) {
  if (!is_stray(*end)) return ARMJIT_OK;
  return perr(P, ARMJIT_E_SYNTAX, (uint32_t)(end - P->ls) + 1, "unexpected byte 0x%02x",
              (unsigned char)*end);
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

/* Unsigned hex (after "0x") or decimal digits at *q, at most `max`. */
static bool scan_uint(const char **q, bool hex, uint64_t max, uint64_t *out, bool *range) {
  uint64_t v = 0;
  int nd = 0;
  *range = false;
  for (;; (*q)++, nd++) {
    int d = hex ? hexval(**q) : (is_digit(**q) ? **q - '0' : -1);
    if (d < 0) break;
    unsigned base = hex ? 16 : 10;
    if (v > (max - (uint64_t)d) / base) *range = true;
    else v = v * base + (uint64_t)d;
  }
  *out = v;
  return nd > 0;
}

static armjit_status parse_number(parser *P, ir_ref *out) {
  const char *s = P->p, *q = s;
  uint32_t c0 = col(P);
  bool neg = *q == '-';
  if (neg) q++;
  armjit_value v = {.bits = 0};
  if (neg && strncmp(q, "inf", 3) == 0 && !is_id(q[3])) {
    P->p = q + 3;
    v.f = -INFINITY;
    return add_const(P, ARMJIT_FLOAT, v, out);
  }
  if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
    q += 2;
    uint64_t u;
    bool range;
    if (!scan_uint(&q, true, UINT64_C(0xffffffff), &u, &range) || is_id(*q) || *q == '.')
      return malformed(P, s, q, c0);
    if (range || (neg && u > UINT64_C(0x80000000)))
      return perr(P, ARMJIT_E_SYNTAX, c0, "integer constant %.*s does not fit in 32 bits",
                  (int)(q - s), s);
    P->p = q;
    v.i = ir_sem_wrap(neg ? 0u - (uint32_t)u : (uint32_t)u);
    return add_const(P, ARMJIT_INT, v, out);
  }
  const char *m = q;
  while (is_digit(*q)) q++;
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
    P->p = q;
    v.f = d;
    return add_const(P, ARMJIT_FLOAT, v, out);
  }
  const char *d = m;
  uint64_t u;
  bool range;
  scan_uint(&d, false, UINT64_C(0xffffffff), &u, &range);
  if (range || u > (neg ? UINT64_C(0x80000000) : UINT64_C(0x7fffffff)))
    return perr(P, ARMJIT_E_SYNTAX, c0, "integer constant %.*s does not fit in 32 bits",
                (int)len, s);
  P->p = q;
  v.i = ir_sem_wrap(neg ? 0u - (uint32_t)u : (uint32_t)u);
  return add_const(P, ARMJIT_INT, v, out);
}

/* ref(ADDRESS): hex or decimal, up to the host's pointer width. */
static armjit_status parse_refconst(parser *P, uint32_t c0, ir_ref *out) {
  armjit_status st = expect(P, '(', "after ref");
  if (st != ARMJIT_OK) return st;
  skip_ws(P);
  const char *s = P->p, *q = s;
  bool hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
  if (hex) q += 2;
  uint64_t u;
  bool range;
  if (!scan_uint(&q, hex, (uint64_t)UINTPTR_MAX, &u, &range) || is_id(*q)) {
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
  P->p = q;
  st = expect(P, ')', "after the ref address");
  if (st != ARMJIT_OK) return st;
  armjit_value v = {.bits = 0};
  v.r = (uintptr_t)u;
  return add_const(P, ARMJIT_REF, v, out);
}

/* The descriptor parts of the text live in parse_descr.c; they read from
 * and advance the cursor through an ir_textpos. */
static ir_textpos textpos(const parser *P) {
  ir_textpos tp = {P->t, P->err, P->p, P->ls, P->line};
  return tp;
}

static armjit_status parse_sym(parser *P, ir_ref *out) {
  ir_textpos tp = textpos(P);
  armjit_status st = ir_parse_sym(&tp, out);
  P->p = tp.p;
  return st;
}

/* ---- names ------------------------------------------------------------------------ */
static armjit_status check_new_var(parser *P, const char *s, size_t n, uint32_t c0,
                                   armjit_type *ty) {
  if (word_is(s, n, "inf"))
    return perr(P, ARMJIT_E_SYNTAX, c0, "'inf' is a float constant, not a variable name");
  switch (s[0]) {
  case 'i': *ty = ARMJIT_INT; break;
  case 'p': *ty = ARMJIT_REF; break;
  case 'f': *ty = ARMJIT_FLOAT; break;
  default:
    return perr(P, ARMJIT_E_SYNTAX, c0,
                "variable name %.*s must start with its type: i (int), p (ref) or f (float)",
                (int)n, s);
  }
  const ir_name_ent *e = ir_names_find(&P->vars, s, n);
  if (e)
    return perr(P, ARMJIT_E_INVALID, c0, "variable %.*s redefined (first defined on line %u)",
                (int)n, s, e->line);
  return ARMJIT_OK;
}

static armjit_status name_var(parser *P, ir_ref v, const char *s, size_t n) {
  if (!ajx_grow(P->ctx, (void **)&P->vname, &P->capvname, (uint32_t)v + 1, sizeof *P->vname))
    return nomem(P);
  char *copy = ajx_alloc(P->ctx, n + 1);
  if (!copy) return nomem(P);
  memcpy(copy, s, n);
  copy[n] = 0;
  P->vname[v] = copy;
  P->nvname = (uint32_t)v + 1;
  if (!ir_names_put(P->ctx, &P->vars, copy, n, v, P->line)) return nomem(P);
  return ARMJIT_OK;
}

/* ---- operands ------------------------------------------------------------------ */
typedef struct {
  bool is_descr;
  ir_ref ref;
  uint32_t col;
  const char *name; /* descr=NAME */
  size_t len;
} item;

static armjit_status parse_item(parser *P, bool in_fail, item *it) {
  skip_ws(P);
  const char *s = P->p;
  uint32_t c0 = col(P);
  memset(it, 0, sizeof *it);
  it->col = c0;
  if (*s == '-' || *s == '.' || is_digit(*s)) return parse_number(P, &it->ref);
  size_t n = ident_len(s);
  if (!n) {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, c0, "expected a variable or constant, got %s",
                here(P, b, sizeof b));
  }
  const char *q = s + n;
  while (*q == ' ' || *q == '\t') q++;
  if (*q == '=') { /* keyword argument */
    if (in_fail)
      return perr(P, ARMJIT_E_SYNTAX, c0, "keyword arguments are not allowed in a fail-arg list");
    if (!word_is(s, n, "descr"))
      return perr(P, ARMJIT_E_SYNTAX, c0,
                  "unknown keyword argument '%.*s' (only descr= is allowed)", (int)n, s);
    P->p = q + 1;
    skip_ws(P);
    it->len = ident_len(P->p);
    if (!it->len) {
      char b[16];
      return perr(P, ARMJIT_E_SYNTAX, col(P), "expected a name after descr=, got %s",
                  here(P, b, sizeof b));
    }
    it->is_descr = true;
    it->name = P->p;
    P->p += it->len;
    return ARMJIT_OK;
  }
  P->p = s + n;
  armjit_value v = {.bits = 0};
  if (word_is(s, n, "null")) return add_const(P, ARMJIT_REF, v, &it->ref);
  if (word_is(s, n, "inf")) { v.f = INFINITY; return add_const(P, ARMJIT_FLOAT, v, &it->ref); }
  if (word_is(s, n, "nan")) { v.f = NAN; return add_const(P, ARMJIT_FLOAT, v, &it->ref); }
  if (word_is(s, n, "ref")) return parse_refconst(P, c0, &it->ref);
  if (word_is(s, n, "sym")) return parse_sym(P, &it->ref);
  armjit_status st = check_name_end(P, s + n);
  if (st != ARMJIT_OK) return st;
  const ir_name_ent *e = ir_names_find(&P->vars, s, n);
  if (!e) {
    if (s[0] != 'i' && s[0] != 'p' && s[0] != 'f') /* cannot be a variable at all */
      return perr(P, ARMJIT_E_SYNTAX, c0,
                  "variable name %.*s must start with its type: i (int), p (ref) or f (float)",
                  (int)n, s);
    return perr(P, ARMJIT_E_INVALID, c0, "use of undefined variable %.*s", (int)n, s);
  }
  it->ref = e->val;
  return ARMJIT_OK;
}

static armjit_status push(parser *P, ir_ref **refs, uint32_t **cols, uint32_t *n,
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

/* ---- lines ------------------------------------------------------------------------ */
static armjit_status parse_inputs(parser *P) {
  if (!next_content(P))
    return perr(P, ARMJIT_E_SYNTAX, col(P), "expected the inputargs list, e.g. [i0, f1]");
  if (*P->p != '[') {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, col(P),
                "the first line must be the inputargs list, e.g. [i0, f1]; got %s",
                here(P, b, sizeof b));
  }
  P->p++;
  skip_ws(P);
  if (*P->p == ']') {
    P->p++;
  } else {
    for (;;) {
      skip_ws(P);
      const char *s = P->p;
      uint32_t c0 = col(P);
      size_t n = ident_len(s);
      if (!n) {
        char b[16];
        return perr(P, ARMJIT_E_SYNTAX, c0, "expected an input variable name, got %s",
                    here(P, b, sizeof b));
      }
      armjit_type ty;
      armjit_status st = check_new_var(P, s, n, c0, &ty);
      if (st != ARMJIT_OK) return st;
      ir_ref v;
      st = ir_add_input(P->t, ty, &v);
      if (st == ARMJIT_E_LIMIT)
        return perr(P, st, c0, "too many inputs (at most %u)", IR_MAX_INPUTS);
      if (st != ARMJIT_OK) return nomem(P);
      P->p += n;
      st = name_var(P, v, s, n);
      if (st != ARMJIT_OK) return st;
      skip_ws(P);
      if (*P->p == ',') { P->p++; continue; }
      if (*P->p == ']') { P->p++; break; }
      char b[16];
      return perr(P, ARMJIT_E_SYNTAX, col(P), "expected ',' or ']' in the inputargs list, got %s",
                  here(P, b, sizeof b));
    }
  }
  if (!at_eol(P)) {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, col(P), "unexpected %s after the inputargs list",
                here(P, b, sizeof b));
  }
  return ARMJIT_OK;
}

typedef struct {
  const char *res;   /* result name, or NULL */
  size_t reslen;
  uint32_t rescol, opcol, failcol;
  int opc;
  bool has_fail;
  item descr;        /* .name NULL if none */
} opline;

/* A string literal (docs/ir.md): "..." with the escapes \\ \" \n \t \r and
 * \xHH (not \x00), decoded into P->str[0..nstr). */
static armjit_status parse_string(parser *P, const char *opname) {
  uint32_t c0 = col(P);
  if (*P->p != '"') {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, c0, "%s takes one string, e.g. %s(\"loop at line 12\"),"
                " got %s", opname, opname, here(P, b, sizeof b));
  }
  P->p++;
  P->nstr = 0;
  for (;;) {
    char c = *P->p;
    if (c == '"') { P->p++; return ARMJIT_OK; }
    if (c == 0 || c == '\n') return perr(P, ARMJIT_E_SYNTAX, c0, "unterminated string");
    uint32_t ce = col(P);
    P->p++;
    if (c == '\\') {
      char e = *P->p++;
      switch (e) {
      case '\\': case '"': c = e; break;
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'x': {
        int hi = hexval(P->p[0]), lo = hi < 0 ? -1 : hexval(P->p[1]);
        if (lo < 0) return perr(P, ARMJIT_E_SYNTAX, ce, "\\x needs two hex digits");
        if (hi == 0 && lo == 0)
          return perr(P, ARMJIT_E_SYNTAX, ce, "a string cannot hold \\x00");
        c = (char)(hi << 4 | lo);
        P->p += 2;
        break;
      }
      default:
        P->p--;
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

/* opname(args[, descr=NAME]) [fail args] */
static armjit_status parse_op_syntax(parser *P, opline *L) {
  memset(L, 0, sizeof *L);
  P->nargs = P->nfails = 0;
  const char *s = P->p;
  uint32_t c0 = col(P);
  size_t n = ident_len(s);
  if (!n) {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, c0, "expected an operation, got %s", here(P, b, sizeof b));
  }
  armjit_status st = check_name_end(P, s + n);
  if (st != ARMJIT_OK) return st;
  P->p += n;
  skip_ws(P);
  if (*P->p == '=') {
    L->res = s;
    L->reslen = n;
    L->rescol = c0;
    P->p++;
    skip_ws(P);
    s = P->p;
    c0 = col(P);
    n = ident_len(s);
    if (!n) {
      char b[16];
      return perr(P, ARMJIT_E_SYNTAX, c0, "expected an operation name after '=', got %s",
                  here(P, b, sizeof b));
    }
    st = check_name_end(P, s + n);
    if (st != ARMJIT_OK) return st;
    P->p += n;
  }
  L->opcol = c0;
  L->opc = ir_opcode_by_name(s, n);
  if (L->opc < 0) {
    int near = ir_opcode_closest(s, n);
    if (near >= 0)
      return perr(P, ARMJIT_E_SYNTAX, c0, "unknown operation '%.*s'; did you mean '%s'?",
                  (int)n, s, ir_info((unsigned)near)->name);
    return perr(P, ARMJIT_E_SYNTAX, c0, "unknown operation '%.*s'", (int)n, s);
  }
  st = expect(P, '(', "after the operation name");
  if (st != ARMJIT_OK) return st;
  skip_ws(P);
  if (ir_info((unsigned)L->opc)->flags & ARMJIT_OPF_TEXT) {
    st = parse_string(P, ir_info((unsigned)L->opc)->name);
    if (st == ARMJIT_OK) st = expect(P, ')', "after the string");
    if (st != ARMJIT_OK) return st;
  } else if (*P->p == ')') {
    P->p++;
  } else {
    for (;;) {
      item it;
      st = parse_item(P, false, &it);
      if (st != ARMJIT_OK) return st;
      if (it.is_descr) {
        if (L->descr.name)
          return perr(P, ARMJIT_E_SYNTAX, it.col, "descr= given twice");
        L->descr = it;
      } else {
        if (L->descr.name)
          return perr(P, ARMJIT_E_SYNTAX, it.col, "arguments must come before descr=");
        st = push(P, &P->args, &P->argcol, &P->nargs, &P->capargs, &P->capargcol,
                  IR_MAX_ARGS, &it, "arguments");
        if (st != ARMJIT_OK) return st;
      }
      skip_ws(P);
      if (*P->p == ',') { P->p++; continue; }
      if (*P->p == ')') { P->p++; break; }
      char b[16];
      return perr(P, ARMJIT_E_SYNTAX, col(P), "expected ',' or ')' in the argument list, got %s",
                  here(P, b, sizeof b));
    }
  }
  skip_ws(P);
  if (*P->p == '[') {
    L->has_fail = true;
    L->failcol = col(P);
    P->p++;
    skip_ws(P);
    if (*P->p == ']') {
      P->p++;
    } else {
      for (;;) {
        item it;
        st = parse_item(P, true, &it);
        if (st != ARMJIT_OK) return st;
        st = push(P, &P->fails, &P->failcol, &P->nfails, &P->capfails, &P->capfailcol,
                  IR_MAX_FAIL, &it, "fail args");
        if (st != ARMJIT_OK) return st;
        skip_ws(P);
        if (*P->p == ',') { P->p++; continue; }
        if (*P->p == ']') { P->p++; break; }
        char b[16];
        return perr(P, ARMJIT_E_SYNTAX, col(P), "expected ',' or ']' in the fail-arg list, got %s",
                    here(P, b, sizeof b));
      }
    }
  }
  if (!at_eol(P)) {
    char b[16];
    return perr(P, ARMJIT_E_SYNTAX, col(P),
                "unexpected %s after the operation (one operation per line)",
                here(P, b, sizeof b));
  }
  return ARMJIT_OK;
}

/* The line of the op a descr index entry names. */
static uint32_t descr_line(const armjit_trace *t, int32_t e) {
  uint32_t op = (e & 1) ? t->exits[e / 2].op : t->labels[e / 2].op;
  return t->ops[op].line;
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
    int32_t e = ir_descr_find(P->t, d->name, d->len);
    if (e < 0)
      return perr(P, ARMJIT_E_INVALID, d->col, "jump to unknown label %.*s", (int)d->len, d->name);
    if (e & 1)
      return perr(P, ARMJIT_E_INVALID, d->col,
                  "jump target %.*s is not a label (it names a guard or finish on line %u)",
                  (int)d->len, d->name, descr_line(P->t, e));
    *target = e / 2;
  } else if (d->name && !has_descr) {
    int32_t e = ir_descr_find(P->t, d->name, d->len);
    if (e >= 0)
      return perr(P, ARMJIT_E_INVALID, d->col, "descr name %.*s already used on line %u",
                  (int)d->len, d->name, descr_line(P->t, e));
    e = ir_descr_by_name(P->t, d->name, d->len);
    if (e >= 0)
      return perr(P, ARMJIT_E_INVALID, d->col, "descr name %.*s already used on line %u",
                  (int)d->len, d->name, P->t->descrs[e].line);
  }
  return ARMJIT_OK;
}

/* The result's type: from the op, and its name's prefix must agree. */
static armjit_status result_type(parser *P, const opline *L, armjit_type dres,
                                 armjit_type *rtype) {
  const ir_opinfo *in = ir_info((unsigned)L->opc);
  *rtype = ARMJIT_VOID;
  if (!L->res) return ARMJIT_OK;
  armjit_type named;
  armjit_status st = check_new_var(P, L->res, L->reslen, L->rescol, &named);
  if (st != ARMJIT_OK) return st;
  armjit_type gives;
  ir_sig_problem p;
  if (in->res == 'd') {
    gives = dres; /* given by the descriptor */
  } else if (!ir_check_sig(P->t, (unsigned)L->opc, P->args, P->nargs, &gives, &p)) {
    /* The validator reports the bad arguments; name the result anyway. */
    gives = in->res == 'i' ? ARMJIT_INT : in->res == 'r' ? ARMJIT_REF
          : in->res == 'f' ? ARMJIT_FLOAT
          : P->nargs ? ir_ref_type(P->t, P->args[0]) : named;
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
  for (uint32_t k = 0; k < op->nfail; k++) P->refcol[op->fail + k] = P->failcol[k];
  P->rescol[idx] = L->rescol;
  P->descrcol[idx] = L->descr.name ? L->descr.col : 0;
  return ARMJIT_OK;
}

/* descr=NAME of a memory or call op. */
static armjit_status descr_use(parser *P, const opline *L, int32_t *descr, armjit_type *dres) {
  ir_descr_use u = {(unsigned)L->opc, L->descr.name, L->descr.len, L->descr.col,
                    L->opcol, L->rescol, L->res != NULL};
  ir_textpos tp = textpos(P);
  return ir_parse_descr_use(&tp, &u, descr, dres);
}

/* "descr NAME = ..." declares a memory or call descriptor. */
static bool at_descr_decl(const parser *P) {
  size_t n = ident_len(P->p);
  return word_is(P->p, n, "descr") && (P->p[n] == ' ' || P->p[n] == '\t');
}

static armjit_status parse_descr_decl(parser *P) {
  ir_textpos tp = textpos(P);
  tp.p += 5;
  armjit_status st = ir_parse_descr_decl(&tp);
  P->p = tp.p;
  return st;
}

static armjit_status parse_op(parser *P) {
  opline L;
  int32_t target, descr = -1;
  armjit_type rtype, dres = ARMJIT_VOID;
  armjit_status st = parse_op_syntax(P, &L);
  if (st == ARMJIT_OK) st = check_op_shape(P, &L, &target);
  if (st == ARMJIT_OK && (ir_info((unsigned)L.opc)->flags & ARMJIT_OPF_DESCR))
    st = descr_use(P, &L, &descr, &dres);
  if (st == ARMJIT_OK) st = result_type(P, &L, dres, &rtype);
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
  ir_op *op = &t->ops[idx];
  op->line = P->line;
  op->col = L.opcol;
  op->descr = descr;
  st = record_srcmap(P, idx, &L);
  if (st == ARMJIT_OK && L.res) st = name_var(P, op->res, L.res, L.reslen);
  if (st != ARMJIT_OK || !L.descr.name || L.opc == ARMJIT_OP_JUMP || descr >= 0) return st;
  if (ir_name_descr(t, idx, L.descr.name, L.descr.len) != ARMJIT_OK) return nomem(P);
  return ARMJIT_OK;
}

static void parser_free(parser *P) {
  armjit_ctx *ctx = P->ctx;
  for (uint32_t v = 0; v < P->nvname; v++) ajx_free(ctx, P->vname[v]);
  ajx_free(ctx, P->vname);
  ajx_free(ctx, P->refcol);
  ajx_free(ctx, P->rescol);
  ajx_free(ctx, P->descrcol);
  ajx_free(ctx, P->args);
  ajx_free(ctx, P->argcol);
  ajx_free(ctx, P->fails);
  ajx_free(ctx, P->str);
  ajx_free(ctx, P->failcol);
  ir_names_free(ctx, &P->vars);
}

armjit_trace *armjit_trace_parse(armjit_ctx *ctx, const char *text, armjit_error *err) {
  if (!ctx || !text) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_trace_parse: %s is NULL", ctx ? "text" : "ctx");
    return NULL;
  }
  parser P;
  memset(&P, 0, sizeof P);
  P.ctx = ctx;
  P.err = err;
  P.p = P.ls = text;
  P.line = 1;
  P.t = armjit_trace_new(ctx);
  if (!P.t) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory while parsing");
    return NULL;
  }
  armjit_status st = ARMJIT_OK;
  while (st == ARMJIT_OK && next_content(&P) && at_descr_decl(&P)) {
    st = parse_descr_decl(&P);
    if (st == ARMJIT_OK) next_line(&P);
  }
  if (st == ARMJIT_OK) st = parse_inputs(&P);
  if (st == ARMJIT_OK) next_line(&P);
  while (st == ARMJIT_OK && next_content(&P)) {
    st = at_descr_decl(&P) ? parse_descr_decl(&P) : parse_op(&P);
    if (st == ARMJIT_OK) next_line(&P);
  }
  if (st == ARMJIT_OK) {
    ir_srcmap sm = {P.refcol, P.rescol, P.descrcol, P.vname, P.line, col(&P)};
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
