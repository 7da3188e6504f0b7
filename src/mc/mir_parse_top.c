/* SPDX-License-Identifier: MIT */
/* The method IR's text form, pass 1 (mir_parse.c has the overview): the
 * module's top-level lines (externs, data, the trap and exception lines,
 * function and raw headers with their attributes), then each body read
 * by pass 2, and the entry point armjit_module_parse. */
#include "mc/mir_parse.h"
#include "mc/mir_data.h"

#include <stdlib.h>
#include <string.h>

/* ---- function attributes: words between the signature and '{' ------------------------ */
typedef armjit_status (*attr_fn)(mparse *P, mir_func *fn, uint32_t col);

static armjit_status set_kind(mparse *P, mir_func *fn, int kind, uint32_t col) {
  if (fn->kind != ARMJIT_FK_NORMAL)
    return ir_lex_err(&P->lx, ARMJIT_E_INVALID, col, "a second function kind (already %s)",
                      mir_fkind(fn->kind)->name);
  fn->kind = (uint8_t)kind;
  return ARMJIT_OK;
}

static armjit_status attr_naked(mparse *P, mir_func *fn, uint32_t col) {
  return set_kind(P, fn, ARMJIT_FK_NAKED, col);
}

/* interrupt(irq | fiq | svc | undef | pabt | dabt) */
static armjit_status attr_interrupt(mparse *P, mir_func *fn, uint32_t col) {
  armjit_status st = ir_lex_expect(&P->lx, '(', "after interrupt");
  const char *s;
  uint32_t n;
  ir_lex_ws(&P->lx);
  uint32_t kcol = ir_lex_col(&P->lx);
  if (st == ARMJIT_OK) st = mp_name(P, "an interrupt kind", &s, &n);
  if (st != ARMJIT_OK) return st;
  int k = mir_fkind_find(s, n);
  if (k < 0 || !mir_fkind((unsigned)k)->interrupt)
    return SYNTAX(P, kcol, "unknown interrupt kind '%.*s' (irq, fiq, svc, undef, pabt, dabt)",
                  (int)n, s);
  st = ir_lex_expect(&P->lx, ')', "after the interrupt kind");
  return st != ARMJIT_OK ? st : set_kind(P, fn, k, col);
}

/* local; section("NAME") (mir_data.c) */
static armjit_status attr_local(mparse *P, mir_func *fn, uint32_t col) {
  (void)col;
  P->m->syms[fn->sym].local = true;
  return ARMJIT_OK;
}
static armjit_status attr_section(mparse *P, mir_func *fn, uint32_t col) {
  (void)col;
  return mir_parse_section(P->m, &P->lx, &P->m->syms[fn->sym].section);
}

/* Attributes with a syntax of their own; the plain flags are mir_kinds.c's
 * (mir_fattr_find). */
static const struct {
  const char *word;
  attr_fn parse;
} func_attrs[] = {
    {"naked", attr_naked},
    {"interrupt", attr_interrupt},
    {"local", attr_local},
    {"section", attr_section},
};

static armjit_status attributes(mparse *P, mir_func *fn) {
  ir_lex *lx = &P->lx;
  for (;;) {
    ir_lex_ws(lx);
    if (*lx->p == '{' || ir_lex_at_eol(lx)) return ARMJIT_OK;
    uint32_t col = ir_lex_col(lx);
    const char *s;
    uint32_t n;
    armjit_status st = mp_name(P, "a function attribute or '{'", &s, &n);
    if (st != ARMJIT_OK) return st;
    attr_fn parse = NULL;
    for (size_t k = 0; k < sizeof func_attrs / sizeof func_attrs[0] && !parse; k++)
      if (word_is(s, n, func_attrs[k].word)) parse = func_attrs[k].parse;
    if (parse) {
      st = parse(P, fn, col);
      if (st != ARMJIT_OK) return st;
      continue;
    }
    const mir_fattr *a = mir_fattr_find(s, n);
    if (!a) return SYNTAX(P, col, "unknown function attribute '%.*s'", (int)n, s);
    if (fn->attrs & a->flag)
      return ir_lex_err(lx, ARMJIT_E_INVALID, col, "attribute %s given twice", a->name);
    fn->attrs |= (uint8_t)a->flag;
  }
}

/* ---- pass 1: the top level ---------------------------------------------------------------- */
/* The header words of a raw function (clobbers(...), nocall, local,
 * section(...)) up to '{'. */
static armjit_status raw_attributes(mparse *P, mir_func *fn) {
  mir_raw *r = fn->raw;
  ir_lex *lx = &P->lx;
  for (;;) {
    ir_lex_ws(lx);
    if (*lx->p == '{' || ir_lex_at_eol(lx)) return ARMJIT_OK;
    uint32_t col = ir_lex_col(lx);
    const char *s;
    uint32_t n;
    bool taken;
    armjit_status st = mp_name(P, "clobbers, nocall or '{'", &s, &n);
    if (st == ARMJIT_OK && (word_is(s, n, "local") || word_is(s, n, "section"))) {
      st = word_is(s, n, "local") ? attr_local(P, fn, col) : attr_section(P, fn, col);
      if (st != ARMJIT_OK) return st;
      continue;
    }
    if (st == ARMJIT_OK) st = mir_raw_parse_attr(lx, s, n, col, r, &taken);
    if (st != ARMJIT_OK) return st;
    if (!taken) return SYNTAX(P, col, "unknown raw function attribute '%.*s'", (int)n, s);
  }
}

/* extern / func / raw (is_raw: a raw function, its body words) */
static armjit_status sym_decl(mparse *P, bool is_func, bool is_raw) {
  ir_lex *lx = &P->lx;
  ir_lex_ws(lx);
  uint32_t col = ir_lex_col(lx);
  armjit_status st = ir_lex_expect(lx, '@', is_func ? "before the function's name" : "before the extern's name");
  const char *s;
  uint32_t n;
  if (st == ARMJIT_OK) st = mp_name(P, "a symbol name", &s, &n);
  if (st != ARMJIT_OK) return st;
  if (mir_find_sym(P->m, s, n) >= 0)
    return ir_lex_err(lx, ARMJIT_E_INVALID, col, "duplicate symbol @%.*s", (int)n, s);
  param_list pl = {P, NULL, NULL, NULL, NULL, 0, 0, is_func && !is_raw};
  st = ir_lex_expect(lx, '(', "before the parameters");
  if (st == ARMJIT_OK) st = ir_lex_list(lx, ')', "parameters", mp_param_cb, &pl);
  uint8_t result = ARMJIT_T_VOID;
  if (st == ARMJIT_OK) {
    ir_lex_ws(lx);
    if (lx->p[0] == '-' && lx->p[1] == '>') {
      lx->p += 2;
      st = mp_type_word(P, true, &result);
    }
  }
  uint32_t si = 0;
  if (st == ARMJIT_OK) {
    st = mir_add_sym(P->m, is_func ? MIR_SYM_FUNC : MIR_SYM_EXTERN, s, n, pl.types, pl.n, result, &si);
    if (st != ARMJIT_OK) st = mp_raw(P, st);
  }
  if (st == ARMJIT_OK) {
    P->m->syms[si].line = lx->line;
    P->m->syms[si].col = col;
  }
  if (st == ARMJIT_OK && is_raw) {
    mir_raw *r = ajx_calloc(P->m->ctx, 1, sizeof *r);
    if (!r) st = ir_lex_nomem(lx);
    else P->m->syms[si].fn->raw = r;
    if (st == ARMJIT_OK) st = raw_attributes(P, P->m->syms[si].fn);
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, '{', "after the raw function's signature");
    if (st == ARMJIT_OK) st = mp_end_of_line(P);
  } else if (st == ARMJIT_OK && is_func) {
    uint32_t b;
    P->fn = P->m->syms[si].fn;
    st = mir_add_block(P->m, P->fn, pl.types, pl.n, &b);
    if (st != ARMJIT_OK) st = mp_raw(P, st);
    mp_nm_clear(&P->vals);
    if (st == ARMJIT_OK) st = mp_name_params(P, 0, &pl, lx->line);
    if (st == ARMJIT_OK) st = attributes(P, P->fn);
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, '{', "after the function's signature");
    if (st == ARMJIT_OK) st = mp_end_of_line(P);
  } else if (st == ARMJIT_OK) {
    st = mp_end_of_line(P);
  }
  mp_param_list_free(P->m->ctx, &pl);
  if (st != ARMJIT_OK || !is_func) return st;
  /* remember the body and skip to its '}' */
  uint32_t hline = lx->line;
  ir_lex_next_line(lx);
  if (!ajx_grow(P->m->ctx, (void **)&P->bodies, &P->bodies_cap, P->nbodies + 1, sizeof *P->bodies))
    return ir_lex_nomem(lx);
  P->bodies[P->nbodies++] = (body_pos){lx->p, lx->ls, lx->line, si};
  for (;;) {
    if (!ir_lex_next_content(lx)) {
      lx->line = hline;
      return SYNTAX(P, col, "missing '}' at the end of @%.*s", (int)n, s);
    }
    if (*lx->p == '}') {
      lx->p++;
      st = mp_end_of_line(P);
      if (st != ARMJIT_OK) return st;
      ir_lex_next_line(lx);
      return ARMJIT_OK;
    }
    ir_lex_next_line(lx);
  }
}

/* "stub_itable @NAME ..." (docs/mir.md §2.13): the symbol now, a
 * placeholder body; the rest of the line in pass 2 (mir_stub_parse), when
 * the miss symbol is known wherever it is defined. */
static armjit_status stub_decl(mparse *P) {
  ir_lex *lx = &P->lx;
  ir_lex_ws(lx);
  uint32_t col = ir_lex_col(lx);
  const char *s;
  uint32_t n, si;
  armjit_status st = ir_lex_expect(lx, '@', "before the stub's name");
  if (st == ARMJIT_OK) st = mp_name(P, "a symbol name", &s, &n);
  if (st != ARMJIT_OK) return st;
  if (mir_find_sym(P->m, s, n) >= 0)
    return ir_lex_err(lx, ARMJIT_E_INVALID, col, "duplicate symbol @%.*s", (int)n, s);
  st = mir_add_sym(P->m, MIR_SYM_FUNC, s, n, NULL, 0, ARMJIT_T_VOID, &si);
  if (st != ARMJIT_OK) return mp_raw(P, st);
  P->m->syms[si].line = lx->line;
  P->m->syms[si].col = col;
  mir_raw *r = ajx_calloc(P->m->ctx, 1, sizeof *r);
  if (!r) return ir_lex_nomem(lx);
  r->flags = MIR_RAW_STUB_PENDING;
  P->m->syms[si].fn->raw = r;
  if (!ajx_grow(P->m->ctx, (void **)&P->bodies, &P->bodies_cap, P->nbodies + 1, sizeof *P->bodies))
    return ir_lex_nomem(lx);
  P->bodies[P->nbodies++] = (body_pos){lx->p, lx->ls, lx->line, si};
  return ARMJIT_OK;
}

static armjit_status trap_decl(mparse *P) {
  ir_lex *lx = &P->lx;
  const char *s;
  uint32_t n;
  ir_lex_ws(lx);
  uint32_t col = ir_lex_col(lx);
  armjit_status st = mp_name(P, "a trap mode (call)", &s, &n);
  if (st != ARMJIT_OK) return st;
  if (P->m->trap != ARMJIT_TRAP_NONE)
    return ir_lex_err(lx, ARMJIT_E_INVALID, col, "a second trap line");
  P->m->trap_line = lx->line;
  P->m->trap_col = col;
  if (word_is(s, n, "svc") || word_is(s, n, "udf")) {
    P->m->trap = word_is(s, n, "svc") ? ARMJIT_TRAP_SVC : ARMJIT_TRAP_UDF;
    return mp_end_of_line(P);
  }
  if (!word_is(s, n, "call")) return SYNTAX(P, col, "unknown trap mode '%.*s'", (int)n, s);
  st = ir_lex_expect(lx, '@', "before the trap handler's name");
  ir_lex_ws(lx);
  P->m->trap_col = ir_lex_col(lx);
  if (st == ARMJIT_OK) st = mp_name(P, "a symbol name", &s, &n);
  if (st != ARMJIT_OK) return st;
  P->m->trap = ARMJIT_TRAP_CALL;
  P->m->trap_name = ajx_alloc(P->m->ctx, n + 1);
  if (!P->m->trap_name) return ir_lex_nomem(lx);
  memcpy(P->m->trap_name, s, n);
  P->m->trap_name[n] = 0;
  return mp_end_of_line(P);
}

/* "exc_match @NAME" (and exc_make, exc_uncaught), the word k read. */
static armjit_status exc_decl(mparse *P, unsigned k, uint32_t col) {
  ir_lex *lx = &P->lx;
  if (P->m->exc[k].name)
    return ir_lex_err(lx, ARMJIT_E_INVALID, col, "a second %s line", mir_exc_word(k));
  armjit_status st = ir_lex_expect(lx, '@', "before the symbol's name");
  uint32_t scol = ir_lex_col(lx);
  const char *s;
  uint32_t n;
  if (st == ARMJIT_OK) st = mp_name(P, "a symbol name", &s, &n);
  if (st != ARMJIT_OK) return st;
  if (mir_exc_set(P->m, k, s, n, lx->line, scol) != ARMJIT_OK) return ir_lex_nomem(lx);
  return mp_end_of_line(P);
}

static int exc_word(const char *s, uint32_t n) {
  for (unsigned k = 0; k < MIR_EXC__COUNT; k++)
    if (word_is(s, n, mir_exc_word(k))) return (int)k;
  return -1;
}

static armjit_status top_level(mparse *P) {
  ir_lex *lx = &P->lx;
  while (ir_lex_next_content(lx)) {
    const char *s;
    uint32_t n, col = ir_lex_col(lx);
    armjit_status st = mp_name(P, "extern, func, raw, data or trap", &s, &n);
    if (st != ARMJIT_OK) return st;
    if (word_is(s, n, "extern")) st = sym_decl(P, false, false);
    else if (word_is(s, n, "func")) { st = sym_decl(P, true, false); if (st == ARMJIT_OK) continue; }
    else if (word_is(s, n, "raw")) { st = sym_decl(P, true, true); if (st == ARMJIT_OK) continue; }
    else if (word_is(s, n, "stub_itable")) st = stub_decl(P);
    else if (word_is(s, n, "trap")) st = trap_decl(P);
    else if (exc_word(s, n) >= 0) st = exc_decl(P, (unsigned)exc_word(s, n), col);
    else if (word_is(s, n, "data")) st = mir_parse_data(P->m, lx, col);
    else return SYNTAX(P, col, "expected extern, func, data or trap, got '%.*s'", (int)n, s);
    if (st != ARMJIT_OK) return st;
    ir_lex_next_line(lx);
  }
  return ARMJIT_OK;
}

armjit_module *armjit_module_parse(armjit_ctx *ctx, const char *text, armjit_error *err) {
  ajx_err_clear(err);
  if (!ctx || !text) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_module_parse: %s is NULL", ctx ? "text" : "ctx");
    return NULL;
  }
  armjit_module *m = armjit_module_new(ctx, NULL);
  if (!m) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory while parsing");
    return NULL;
  }
  mparse P;
  memset(&P, 0, sizeof P);
  P.lx.ctx = ctx;
  P.lx.err = err;
  P.lx.p = P.lx.ls = text;
  P.lx.line = 1;
  P.m = m;
  armjit_status st = top_level(&P);
  if (st == ARMJIT_OK) st = mir_data_resolve(m, err);
  for (uint32_t k = 0; st == ARMJIT_OK && k < P.nbodies; k++) {
    P.lx.p = P.bodies[k].body;
    P.lx.ls = P.bodies[k].ls;
    P.lx.line = P.bodies[k].line;
    const mir_raw *r = m->syms[P.bodies[k].sym].fn->raw;
    st = !r ? mp_body(&P, P.bodies[k].sym)
         : r->flags & MIR_RAW_STUB_PENDING ? mir_stub_parse(&P.lx, m, P.bodies[k].sym)
                                           : mir_raw_parse_body(&P.lx, m, P.bodies[k].sym);
  }
  ajx_free(ctx, P.vals.slot);
  ajx_free(ctx, P.blocks.slot);
  ajx_free(ctx, P.pend);
  ajx_free(ctx, P.tgt);
  ajx_free(ctx, P.items);
  ajx_free(ctx, P.refs);
  ajx_free(ctx, P.bodies);
  ajx_free(ctx, P.htgt);
  if (st != ARMJIT_OK) {
    armjit_module_free(m);
    return NULL;
  }
  m->validated = false;
  return m;
}
