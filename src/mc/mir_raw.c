/* SPDX-License-Identifier: MIT */
/* Raw functions (armjit/mc.h, docs/mir.md "raw functions"): a function
 * symbol whose body is A32 words plus relocations instead of blocks.  Here:
 * the builder (armjit_raw_func, both input forms), the checks every body
 * passes (one place for the builder and the parser), the text form of the
 * header and body, and the validator's rule for calls.  Code generation
 * copies the words (mc_subr.c).
 *
 * Text form:
 *   raw @name(TYPES) -> TYPE [clobbers(r4, d8, ...)] [nocall] {
 *     e92d4010
 *     ebfffffe call @g-8        # a word, then its relocation: kind @sym±A
 *     e3000000 movw @table      # covers the movt in the next word
 *     e3400000
 *   }
 * Words are 8 hex digits (an optional 0x), any number per line; a
 * relocation follows its word.  The words are printed as stored (the
 * addend in their relocated field), one per line. */
#include "ir/lex.h"
#include "mc/mir_impl.h"

#include <stdarg.h>

#include <stdio.h>
#include <string.h>

#define RAW_MAX_BYTES (16u << 20)
#define CLOBBER_ALLOWED (0x07f0u | 0x00ff0000u) /* r4-r10, d8-d15 */

static const struct {
  const char *word;
  uint8_t kind; /* a32_reloc_kind */
} reloc_words[] = {
    {"call", A32_RELOC_CALL},
    {"jump24", A32_RELOC_JUMP24},
    {"movw", A32_RELOC_MOVW_ABS_NC},
    {"abs32", A32_RELOC_ABS32},
};

static const char *reloc_word(unsigned kind) {
  for (size_t k = 0; k < sizeof reloc_words / sizeof reloc_words[0]; k++)
    if (reloc_words[k].kind == kind) return reloc_words[k].word;
  return NULL;
}

void mir_raw_free(armjit_ctx *ctx, mir_raw *r) {
  if (!r) return;
  ajx_free(ctx, r->words);
  ajx_free(ctx, r->relocs);
  ajx_free(ctx, r);
}

/* ---- the checks ------------------------------------------------------------------------ */
static bool fail(char *msg, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static bool fail(char *msg, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, cap, fmt, ap);
  va_end(ap);
  return false;
}

static bool is_movw(uint32_t w) { return (w & 0x0ff00000u) == 0x03000000u; } /* A8.8.106 A2 */
static bool is_movt(uint32_t w) { return (w & 0x0ff00000u) == 0x03400000u; } /* A8.8.108 */
static bool is_branch(uint32_t w) { return (w & 0x0e000000u) == 0x0a000000u && w >> 28 != 0xf; }

/* Check relocation r of raw function `self` (words w[0..n)) and write its
 * addend into the word(s) (a32.h's REL fields).  false with msg. */
static bool reloc_fix(const armjit_module *m, uint32_t self, uint32_t *w, uint32_t n,
                      const mir_raw_reloc *r, char *msg, size_t cap) {
  if (r->offset % 4 || r->offset / 4 >= n)
    return fail(msg, cap, "relocation at offset %u: not a word of the code (%u bytes)",
                r->offset, 4 * n);
  if (r->sym < 0 || (uint32_t)r->sym >= m->nsyms)
    return fail(msg, cap, "relocation at offset %u: %d is no symbol of the module", r->offset,
                (int)r->sym);
  const char *kname = reloc_word(r->kind);
  if (!kname)
    return fail(msg, cap, "relocation at offset %u: kind %u is not CALL, JUMP24, MOVW_ABS_NC or "
                "ABS32", r->offset, (unsigned)r->kind);
  uint32_t i = r->offset / 4, x = w[i];
  const mir_sym *t = &m->syms[r->sym];
  bool self_ref = (uint32_t)r->sym == self, fn_ref = t->kind == MIR_SYM_FUNC && !self_ref;
  int64_t a = r->addend;
  switch (r->kind) {
  case A32_RELOC_CALL:
  case A32_RELOC_JUMP24: {
    bool bl = (x & 0x0f000000u) == 0x0b000000u, al = x >> 28 == 0xe;
    if (!is_branch(x) || (r->kind == A32_RELOC_CALL) != (bl && al))
      return fail(msg, cap, "relocation at offset %u: %s needs %s, the word is %08x", r->offset,
                  kname, r->kind == A32_RELOC_CALL ? "a BL (cond al)" : "a B or a conditional BL",
                  (unsigned)x);
    if (a % 4 || a < -(INT64_C(1) << 25) || a >= (INT64_C(1) << 25))
      return fail(msg, cap, "relocation at offset %u: addend %lld is no branch offset",
                  r->offset, (long long)a);
    if (fn_ref && a != -8)
      return fail(msg, cap, "relocation at offset %u: a branch to function @%s goes to its "
                  "entry (addend -8)", r->offset, t->name);
    if (self_ref && (a + 8 < 0 || a + 8 >= 4 * (int64_t)n))
      return fail(msg, cap, "relocation at offset %u: the target %lld is outside the function",
                  r->offset, (long long)(a + 8));
    w[i] = (x & 0xff000000u) | ((uint32_t)(a >> 2) & 0x00ffffffu);
    return true;
  }
  case A32_RELOC_MOVW_ABS_NC: {
    uint32_t y = i + 1 < n ? w[i + 1] : 0;
    if (!is_movw(x) || i + 1 >= n || !is_movt(y) || (x ^ y) & 0xf000f000u || (x >> 12 & 15) == 15)
      return fail(msg, cap, "relocation at offset %u: movw needs a MOVW and the MOVT of the "
                  "same register and condition after it", r->offset);
    if (a < -32768 || a > 32767)
      return fail(msg, cap, "relocation at offset %u: addend %lld is not a signed 16-bit REL "
                  "addend", r->offset, (long long)a);
    if (fn_ref && a != 0)
      return fail(msg, cap, "relocation at offset %u: movw of function @%s takes its entry "
                  "(addend 0)", r->offset, t->name);
    if (self_ref && (a < 0 || a >= 4 * (int64_t)n))
      return fail(msg, cap, "relocation at offset %u: the target %lld is outside the function",
                  r->offset, (long long)a);
    uint32_t v = (uint32_t)a & 0xffffu;
    w[i] = (x & 0xfff0f000u) | (v & 0xf000u) << 4 | (v & 0xfffu);
    w[i + 1] = (y & 0xfff0f000u) | (v & 0xf000u) << 4 | (v & 0xfffu);
    return true;
  }
  default: /* ABS32 */
    if (t->kind == MIR_SYM_FUNC)
      return fail(msg, cap, "relocation at offset %u: a data word cannot hold the address of "
                  "function @%s (use movw)", r->offset, t->name);
    w[i] = (uint32_t)r->addend;
    return true;
  }
}

/* A complete body: words, relocations sorted and one per word (a MOVW's
 * covering its MOVT too), fields rewritten.  false with msg. */
static bool body_fix(const armjit_module *m, uint32_t self, mir_raw *raw, char *msg, size_t cap) {
  if (raw->nwords == 0) return fail(msg, cap, "the code is empty");
  if (raw->clobbers & ~(uint32_t)CLOBBER_ALLOWED)
    return fail(msg, cap, "clobbers 0x%x: only r4-r10 and d8-d15 may be declared (sp, fp and pc "
                "must be kept)", (unsigned)(raw->clobbers & ~(uint32_t)CLOBBER_ALLOWED));
  if (raw->flags & ~(uint32_t)ARMJIT_RAW_NOCALL)
    return fail(msg, cap, "unknown flags 0x%x",
                (unsigned)(raw->flags & ~(uint32_t)ARMJIT_RAW_NOCALL));
  uint32_t next = 0; /* first word offset not yet covered */
  for (uint32_t k = 0; k < raw->nrelocs; k++) {
    const mir_raw_reloc *r = &raw->relocs[k];
    if (k && r->offset < next)
      return fail(msg, cap, "relocation at offset %u: not after the one before (sorted, one per "
                  "word; a movw covers its movt)", r->offset);
    if (!reloc_fix(m, self, raw->words, raw->nwords, r, msg, cap)) return false;
    next = r->offset + (r->kind == A32_RELOC_MOVW_ABS_NC ? 8 : 4);
  }
  return true;
}

/* ---- the builder ------------------------------------------------------------------------ */
static bool raw_grow_relocs(armjit_ctx *ctx, mir_raw *raw, uint32_t *cap) {
  return ajx_grow(ctx, (void **)&raw->relocs, cap, raw->nrelocs + 1, sizeof *raw->relocs);
}

/* An a32 buffer's bytes and records as a body (symbols by name; label
 * address pairs: to the function itself). */
bool mir_raw_from_buf(armjit_module *m, uint32_t self, const a32_buf *b, mir_raw *raw,
                      char *msg, size_t cap) {
  if (a32_buf_status(b) != A32_OK)
    return fail(msg, cap, "the buffer has an error: %s", a32_buf_errmsg(b));
  size_t size = a32_buf_size(b);
  if (size == 0 || size > RAW_MAX_BYTES)
    return fail(msg, cap, "%zu bytes of code (4 .. %u)", size, RAW_MAX_BYTES);
  raw->nwords = (uint32_t)(size / 4);
  if (!(raw->words = ajx_alloc(m->ctx, size))) return fail(msg, cap, "out of memory");
  memcpy(raw->words, a32_buf_data(b), size);
  uint32_t rcap = 0;
  size_t nr = a32_buf_nrelocs(b), nl = a32_buf_nlabel_refs(b), ir = 0, il = 0;
  while (ir < nr || il < nl) {
    a32_reloc r;
    size_t at = SIZE_MAX, target = 0;
    bool have_r = ir < nr && a32_buf_reloc(b, ir, &r);
    while (il < nl && !a32_buf_label_ref(b, il, &at, &target)) il++, at = SIZE_MAX;
    mir_raw_reloc x;
    if (have_r && (at == SIZE_MAX || r.offset < at)) {
      ir++;
      if (r.kind == A32_RELOC_MOVT_ABS && raw->nrelocs &&
          raw->relocs[raw->nrelocs - 1].kind == A32_RELOC_MOVW_ABS_NC &&
          raw->relocs[raw->nrelocs - 1].offset + 4 == r.offset)
        continue; /* the MOVW's record covers it */
      int32_t s = mir_find_sym(m, r.name, strlen(r.name));
      if (s < 0 || (uint32_t)s == self)
        return fail(msg, cap, "the buffer refers to '%s', %s", r.name,
                    s < 0 ? "no symbol of the module" : "the function itself (use a label)");
      x = (mir_raw_reloc){(uint32_t)r.offset, (uint8_t)r.kind, s, r.addend};
    } else if (at != SIZE_MAX) {
      il++;
      x = (mir_raw_reloc){(uint32_t)at, A32_RELOC_MOVW_ABS_NC, (int32_t)self, (int32_t)target};
    } else {
      break;
    }
    if (!raw_grow_relocs(m->ctx, raw, &rcap)) return fail(msg, cap, "out of memory");
    raw->relocs[raw->nrelocs++] = x;
  }
  return true;
}

static bool from_words(armjit_module *m, const armjit_raw_desc *d, mir_raw *raw, char *msg,
                       size_t cap) {
  if (!d->code || d->size == 0 || d->size % 4 || d->size > RAW_MAX_BYTES)
    return fail(msg, cap, "code of %u bytes%s: a multiple of 4, 4 .. %u", (unsigned)d->size,
                d->code ? "" : " at NULL", RAW_MAX_BYTES);
  if (d->nrelocs && !d->relocs) return fail(msg, cap, "%u relocations at NULL", d->nrelocs);
  raw->nwords = d->size / 4;
  raw->words = ajx_alloc(m->ctx, d->size);
  raw->relocs = d->nrelocs ? ajx_alloc(m->ctx, d->nrelocs * sizeof *raw->relocs) : NULL;
  if (!raw->words || (d->nrelocs && !raw->relocs)) return fail(msg, cap, "out of memory");
  memcpy(raw->words, d->code, d->size);
  for (unsigned k = 0; k < d->nrelocs; k++) {
    const armjit_raw_reloc *r = &d->relocs[k];
    raw->relocs[k] = (mir_raw_reloc){r->offset, (uint8_t)r->kind, r->sym, r->addend};
  }
  raw->nrelocs = d->nrelocs;
  return true;
}

armjit_status mir_raw_attach(armjit_module *m, uint32_t s, mir_raw *raw, char *msg, size_t cap) {
  if (!body_fix(m, s, raw, msg, cap)) return ARMJIT_E_INVALID;
  mir_raw_free(m->ctx, m->syms[s].fn->raw);
  m->syms[s].fn->raw = raw;
  m->validated = false;
  return ARMJIT_OK;
}

armjit_sym armjit_raw_func(armjit_module *m, const char *name, const armjit_mtype *params,
                           unsigned nparams, armjit_mtype result, const armjit_raw_desc *d) {
  static const char who[] = "armjit_raw_func";
  if (!m) return -1;
  if (!d) {
    mir_fail(m, ARMJIT_E_ARG, "%s: the description is NULL", who);
    return -1;
  }
  uint32_t self = m->nsyms;
  char msg[200] = "";
  mir_raw *raw = ajx_calloc(m->ctx, 1, sizeof *raw);
  if (!raw) {
    mir_fail(m, ARMJIT_E_NOMEM, "%s: out of memory", who);
    return -1;
  }
  raw->clobbers = d->clobbers;
  raw->flags = d->flags;
  bool ok = d->buf ? mir_raw_from_buf(m, self, d->buf, raw, msg, sizeof msg)
                   : from_words(m, d, raw, msg, sizeof msg);
  if (!ok) {
    mir_fail(m, ARMJIT_E_ARG, "%s: @%s: %s", who, name ? name : "?", msg);
    mir_raw_free(m->ctx, raw);
    return -1;
  }
  armjit_sym s = mir_build_sym(m, who, MIR_SYM_FUNC, name, params, nparams, result, false);
  if (s >= 0 && mir_raw_attach(m, (uint32_t)s, raw, msg, sizeof msg) != ARMJIT_OK) {
    /* the symbol stays, without code: the module is unusable now */
    mir_fail(m, ARMJIT_E_ARG, "%s: @%s: %s", who, name, msg);
    s = -1;
  }
  if (s < 0) mir_raw_free(m->ctx, raw);
  return s;
}

bool armjit_sym_is_raw(const armjit_module *m, armjit_sym s) {
  return m && s >= 0 && (uint32_t)s < m->nsyms && m->syms[s].fn && m->syms[s].fn->raw;
}

const uint32_t *armjit_raw_code(const armjit_module *m, armjit_sym s, uint32_t *nwords,
                                uint32_t *clobbers, unsigned *flags) {
  if (!armjit_sym_is_raw(m, s)) return NULL;
  const mir_raw *r = m->syms[s].fn->raw;
  if (nwords) *nwords = r->nwords;
  if (clobbers) *clobbers = r->clobbers;
  if (flags) *flags = r->flags;
  return r->words;
}

/* ---- validation --------------------------------------------------------------------------- */
armjit_status mir_raw_check_calls(const armjit_module *m, const mir_func *fn, uint32_t *bad_op,
                                  char *msg, size_t cap) {
  for (uint32_t oi = 0; oi < fn->nops; oi++) {
    const mir_op *op = &fn->ops[oi];
    if (op->opc != ARMJIT_MOP_CALL || op->sym < 0) continue;
    const mir_func *t = m->syms[op->sym].fn;
    if (t && t->raw && (t->raw->flags & ARMJIT_RAW_NOCALL)) {
      *bad_op = oi;
      snprintf(msg, cap, "@%s is a raw function without an AAPCS entry (nocall): reach it with "
               "addr and call_ind", m->syms[op->sym].name);
      return ARMJIT_E_INVALID;
    }
  }
  return ARMJIT_OK;
}

/* ---- text ---------------------------------------------------------------------------------- */
void mir_raw_put_attrs(ajx_sbuf *sb, const mir_raw *r) {
  if (r->clobbers) {
    const char *sep = "";
    ajx_sb_puts(sb, " clobbers(");
    for (unsigned k = 4; k <= 10; k++)
      if (r->clobbers & ARMJIT_RAW_CLOBBER_R(k)) ajx_sb_printf(sb, "%sr%u", sep, k), sep = ", ";
    for (unsigned k = 8; k <= 15; k++)
      if (r->clobbers & ARMJIT_RAW_CLOBBER_D(k)) ajx_sb_printf(sb, "%sd%u", sep, k), sep = ", ";
    ajx_sb_puts(sb, ")");
  }
  if (r->flags & ARMJIT_RAW_NOCALL) ajx_sb_puts(sb, " nocall");
}

void mir_raw_put_body(ajx_sbuf *sb, const armjit_module *m, const mir_raw *r) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < r->nwords; i++) {
    ajx_sb_printf(sb, "  %08x", (unsigned)r->words[i]);
    if (k < r->nrelocs && r->relocs[k].offset == 4 * i) {
      const mir_raw_reloc *x = &r->relocs[k++];
      ajx_sb_printf(sb, " %s @%s", reloc_word(x->kind), m->syms[x->sym].name);
      if (x->addend) ajx_sb_printf(sb, "%+ld", (long)x->addend);
    }
    ajx_sb_puts(sb, "\n");
  }
}

/* "clobbers(r4, d8)" / "nocall" after the signature; false: not one of
 * them (nothing consumed). */
armjit_status mir_raw_parse_attr(ir_lex *lx, const char *s, size_t n, uint32_t col, mir_raw *r,
                                 bool *taken) {
  *taken = true;
  if (word_is(s, n, "nocall")) {
    if (r->flags & ARMJIT_RAW_NOCALL)
      return ir_lex_err(lx, ARMJIT_E_INVALID, col, "nocall given twice");
    r->flags |= ARMJIT_RAW_NOCALL;
    return ARMJIT_OK;
  }
  if (!word_is(s, n, "clobbers")) {
    *taken = false;
    return ARMJIT_OK;
  }
  armjit_status st = ir_lex_expect(lx, '(', "after clobbers");
  while (st == ARMJIT_OK) {
    ir_lex_ws(lx);
    uint32_t rc = ir_lex_col(lx);
    size_t len = ir_lex_name(lx, &st);
    if (st != ARMJIT_OK) return st;
    const char *p = lx->p;
    unsigned num = 0;
    bool ok = len >= 2 && len <= 3 && (p[0] == 'r' || p[0] == 'd');
    for (size_t k = 1; ok && k < len; k++) {
      ok = is_digit(p[k]);
      num = 10 * num + (unsigned)(p[k] - '0');
    }
    uint32_t bit = 0;
    if (ok && p[0] == 'r' && num >= 4 && num <= 10) bit = ARMJIT_RAW_CLOBBER_R(num);
    if (ok && p[0] == 'd' && num >= 8 && num <= 15) bit = ARMJIT_RAW_CLOBBER_D(num);
    if (!bit)
      return ir_lex_err(lx, ARMJIT_E_SYNTAX, rc,
                        "expected a register r4-r10 or d8-d15, got '%.*s'", (int)(len ? len : 1),
                        p);
    if (r->clobbers & bit)
      return ir_lex_err(lx, ARMJIT_E_INVALID, rc, "%.*s listed twice", (int)len, p);
    r->clobbers |= bit;
    lx->p += len;
    ir_lex_ws(lx);
    if (*lx->p == ')') {
      lx->p++;
      return ARMJIT_OK;
    }
    st = ir_lex_expect(lx, ',', "between registers");
  }
  return st;
}

/* An instruction word at p: 8 hex digits (after an optional 0x) and no
 * more of a name. */
static bool word_at(const char *p) {
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
  for (int k = 0; k < 8; k++)
    if (hexval(p[k]) < 0) return false;
  return !is_id(p[8]);
}

static armjit_status add_word(ir_lex *lx, armjit_module *m, mir_raw *raw, uint32_t *cap,
                              uint32_t col) {
  const char *q = lx->p;
  if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) q += 2;
  uint64_t u;
  bool range;
  ir_lex_uint(&q, true, UINT64_C(0xffffffff), &u, &range);
  if (raw->nwords >= RAW_MAX_BYTES / 4)
    return ir_lex_err(lx, ARMJIT_E_LIMIT, col, "more than %u bytes of code", RAW_MAX_BYTES);
  if (!ajx_grow(m->ctx, (void **)&raw->words, cap, raw->nwords + 1, sizeof *raw->words))
    return ir_lex_nomem(lx);
  raw->words[raw->nwords++] = (uint32_t)u;
  lx->p = q;
  return ARMJIT_OK;
}

/* "KIND @SYM[+-N]" after a word: its relocation. */
static armjit_status add_reloc(ir_lex *lx, armjit_module *m, mir_raw *raw, uint32_t *cap,
                               uint32_t col) {
  armjit_status st;
  size_t len = ir_lex_name(lx, &st);
  if (st != ARMJIT_OK) return st;
  int kind = -1;
  for (size_t k = 0; k < sizeof reloc_words / sizeof reloc_words[0]; k++)
    if (word_is(lx->p, len, reloc_words[k].word)) kind = reloc_words[k].kind;
  if (kind < 0)
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, col,
                      "expected an instruction word (8 hex digits) or a relocation (call, jump24, "
                      "movw, abs32), got '%.*s'",
                      (int)(len ? len : 1), lx->p);
  uint32_t at = 4 * (raw->nwords - 1);
  if (!raw->nwords || (raw->nrelocs && raw->relocs[raw->nrelocs - 1].offset == at))
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, col, "a relocation follows the word it patches");
  lx->p += len;
  st = ir_lex_expect(lx, '@', "before the symbol's name");
  if (st != ARMJIT_OK) return st;
  uint32_t scol = ir_lex_col(lx);
  len = ir_lex_name(lx, &st);
  if (st != ARMJIT_OK) return st;
  int32_t s = len ? mir_find_sym(m, lx->p, len) : -1;
  if (s < 0)
    return ir_lex_err(lx, ARMJIT_E_INVALID, scol, "unknown symbol @%.*s", (int)len, lx->p);
  lx->p += len;
  int64_t a = 0;
  if (*lx->p == '+' || *lx->p == '-') {
    bool neg = *lx->p++ == '-', range = false;
    uint64_t u;
    const char *q = lx->p;
    bool hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
    if (hex) q += 2;
    if (!ir_lex_uint(&q, hex, UINT64_C(0x80000000), &u, &range) || range || (!neg && u > INT32_MAX))
      return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "expected a 32-bit addend");
    lx->p = q;
    a = neg ? -(int64_t)u : (int64_t)u;
  }
  if (!raw_grow_relocs(m->ctx, raw, cap)) return ir_lex_nomem(lx);
  raw->relocs[raw->nrelocs++] = (mir_raw_reloc){at, (uint8_t)kind, s, (int32_t)a};
  return ARMJIT_OK;
}

/* The body lines after the header up to the '}' line (the cursor at the
 * first body line); relocation symbols by name among m's. */
armjit_status mir_raw_parse_body(ir_lex *lx, armjit_module *m, uint32_t self) {
  mir_raw *raw = m->syms[self].fn->raw;
  const char *name = m->syms[self].name;
  uint32_t wcap = 0, rcap = 0, hline = lx->line;
  for (;;) {
    if (!ir_lex_next_content(lx)) {
      lx->line = hline;
      return ir_lex_err(lx, ARMJIT_E_SYNTAX, 1, "missing '}' at the end of @%s", name);
    }
    while (!ir_lex_at_eol(lx)) {
      uint32_t col = ir_lex_col(lx);
      armjit_status st;
      if (*lx->p == '}') {
        lx->p++;
        if (!ir_lex_at_eol(lx))
          return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "expected the end of the line");
        char msg[200];
        if (!body_fix(m, self, raw, msg, sizeof msg))
          return ir_lex_err(lx, ARMJIT_E_INVALID, col, "@%s: %s", name, msg);
        m->validated = false;
        return ARMJIT_OK;
      }
      st = word_at(lx->p) ? add_word(lx, m, raw, &wcap, col) : add_reloc(lx, m, raw, &rcap, col);
      if (st != ARMJIT_OK) return st;
    }
    ir_lex_next_line(lx);
  }
}
