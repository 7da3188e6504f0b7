/* SPDX-License-Identifier: MIT */
/* Raw functions into the object, and the generated interface dispatch
 * stub (mc_subr.h). */
#include "mc/mc_subr.h"
#include "mc/mir_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- raw functions -------------------------------------------------------------------------- */
/* A label inside the raw function (a relocation to itself) and the offset
 * it is bound at. */
typedef struct {
  uint32_t at;
  a32_label l;
} self_label;

static int self_cmp(const void *a, const void *b) {
  const self_label *x = a, *y = b;
  return x->at < y->at ? -1 : x->at > y->at;
}

/* Where relocation r (to the function itself) points. */
static uint32_t self_target(const mir_raw_reloc *r) {
  return (uint32_t)(r->kind == A32_RELOC_MOVW_ABS_NC ? r->addend : r->addend + 8);
}

/* Each word as it is, or for a relocated one what a compiled reference
 * emits (mir_raw.c checked kinds, targets and addends):
 *   CALL / JUMP24  b<c>/bl<c> to the label of a module function (or of
 *                  the offset inside this one), else to the symbol
 *   MOVW + MOVT    the label's address pair, else the symbol's
 *   ABS32          the symbol's word                                      */
armjit_status mc_raw_emit(mc_mod *mm, const armjit_module *m, uint32_t sym, a32_buf *b,
                          uint32_t *entry, char *msg, size_t cap) {
  const mir_raw *r = m->syms[sym].fn->raw;
  armjit_ctx *ctx = m->ctx;
  uint32_t nself = 0;
  for (uint32_t k = 0; k < r->nrelocs; k++) nself += (uint32_t)r->relocs[k].sym == sym;
  self_label *sl = nself ? ajx_calloc(ctx, nself, sizeof *sl) : NULL;
  a32_label *lab = nself ? ajx_calloc(ctx, r->nrelocs, sizeof *lab) : NULL;
  if (nself && (!sl || !lab)) {
    ajx_free(ctx, sl);
    ajx_free(ctx, lab);
    snprintf(msg, cap, "@%s: out of memory", m->syms[sym].name);
    return ARMJIT_E_NOMEM;
  }
  for (uint32_t k = 0, j = 0; k < r->nrelocs; k++)
    if ((uint32_t)r->relocs[k].sym == sym) {
      lab[k] = a32_label_new(b);
      sl[j++] = (self_label){self_target(&r->relocs[k]), lab[k]};
    }
  if (nself) qsort(sl, nself, sizeof *sl, self_cmp);

  *entry = (uint32_t)a32_buf_size(b);
  a32_label_bind(b, mc_mod_label(mm, sym));
  uint32_t k = 0, j = 0;
  for (uint32_t i = 0; i < r->nwords; i++) {
    for (; j < nself && sl[j].at == 4 * i; j++) a32_label_bind(b, sl[j].l);
    uint32_t w = r->words[i];
    if (k >= r->nrelocs || r->relocs[k].offset != 4 * i) {
      a32_word(b, w);
      continue;
    }
    const mir_raw_reloc *x = &r->relocs[k];
    const mir_sym *t = &m->syms[x->sym];
    bool here = (uint32_t)x->sym == sym, fn = t->kind == MIR_SYM_FUNC;
    a32_label tl = here ? lab[k] : fn ? mc_mod_label(mm, (uint32_t)x->sym) : 0;
    a32_cond c = (a32_cond)(w >> 28);
    if (fn && !here && x->kind != A32_RELOC_MOVW_ABS_NC &&
        strcmp(mir_sym_section(t), mir_sym_section(&m->syms[sym])) != 0) {
      snprintf(msg, cap, "@%s: the branch at offset %u to @%s leaves section %s (use movw and bx)",
               m->syms[sym].name, (unsigned)x->offset, t->name, mir_sym_section(&m->syms[sym]));
      ajx_free(ctx, sl);
      ajx_free(ctx, lab);
      return ARMJIT_E_INVALID;
    }
    switch (x->kind) {
    case A32_RELOC_CALL:
    case A32_RELOC_JUMP24: {
      bool link = (w >> 24 & 1) != 0;
      if (tl) link ? a32_bl(b, c, tl) : a32_b(b, c, tl);
      else if (link) a32_bl_sym(b, c, mc_mod_sym(mm, (uint32_t)x->sym), x->addend + 8);
      else a32_b_sym(b, c, mc_mod_sym(mm, (uint32_t)x->sym), x->addend + 8);
      break;
    }
    case A32_RELOC_MOVW_ABS_NC: {
      a32_reg rd = (a32_reg)(w >> 12 & 15);
      if (tl) a32_mov_label_abs(b, c, rd, tl);
      else a32_mov_sym_abs(b, c, rd, mc_mod_sym(mm, (uint32_t)x->sym), x->addend);
      for (; j < nself && sl[j].at == 4 * (i + 1); j++) a32_label_bind(b, sl[j].l);
      i++; /* the MOVT */
      break;
    }
    default: a32_word_sym(b, mc_mod_sym(mm, (uint32_t)x->sym), x->addend); break;
    }
    k++;
  }
  ajx_free(ctx, sl);
  ajx_free(ctx, lab);
  return ARMJIT_OK;
}

/* ---- interface dispatch ------------------------------------------------------------------- */
/* Deep's imDelegIiMm for armjit_itable_layout (mc.h), clobbering only ip
 * and the flags:
 *
 *       push  {r0-r3}
 *       ldr   r0, [r0, #class_offset]   ; the receiver's class
 *       ldr   r1, [r0, #itable_offset]  ; its interface table
 *   1:  ldr   r2, [r1], #4              ; an entry: id << 16 | offset
 *       lsr   r3, r2, #16
 *       cmp   r3, ip, lsr #16
 *       bhi   1b                        ; an id above the key's: on
 *       bne   2f                        ; below it (0 ends the table): a miss
 *       sxth  r2, r2                    ; the interface's offset in the class
 *       add   r2, r0, r2
 *       uxth  r3, ip                    ; the method's slot
 *       ldr   ip, [r2, r3]              ; the method
 *       pop   {r0-r3}
 *       bx    ip                        ; lr, sp and the arguments as on entry
 *   2:  pop   {r0-r3}
 *       b     miss                      ; or udf #miss_code                   */
static a32_status emit_itable(a32_buf *b, const armjit_itable_layout *l, a32_sym miss) {
  const uint16_t r0_r3 = 0x000f;
  a32_label loop = a32_label_new(b), out = a32_label_new(b);
  a32_push(b, A32_AL, r0_r3);
  a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_R0, l->class_offset));
  a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_imm(A32_R0, l->itable_offset));
  a32_label_bind(b, loop);
  a32_ldst(b, A32_AL, A32_LDR, A32_R2, a32_mem_post(A32_R1, 4));
  a32_shift_imm(b, A32_AL, A32_LSR, false, A32_R3, A32_R2, 16);
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R3, a32_rsi(A32_IP, A32_LSR, 16));
  a32_b(b, A32_HI, loop);
  a32_b(b, A32_NE, out);
  a32_extend(b, A32_AL, A32_SXTH, A32_R2, 0, A32_R2, 0);
  a32_dp(b, A32_AL, A32_ADD, false, A32_R2, A32_R0, a32_r(A32_R2));
  a32_extend(b, A32_AL, A32_UXTH, A32_R3, 0, A32_IP, 0);
  a32_ldst(b, A32_AL, A32_LDR, A32_IP,
           a32_mem_reg(A32_R2, A32_R3, false, A32_LSL, 0, A32_IDX_OFFSET));
  a32_pop(b, A32_AL, r0_r3);
  a32_bx(b, A32_AL, A32_IP);
  a32_label_bind(b, out);
  a32_pop(b, A32_AL, r0_r3);
  if (miss) a32_b_sym(b, A32_AL, miss, 0);
  else a32_udf(b, l->miss_code);
  return a32_buf_status(b);
}

/* The layout's checks (msg: what is wrong). */
static bool layout_ok(const armjit_module *m, const armjit_itable_layout *l, char *msg,
                      size_t cap) {
  if (l->class_offset < -4095 || l->class_offset > 4095 || l->itable_offset < -4095 ||
      l->itable_offset > 4095) {
    snprintf(msg, cap, "offsets %d and %d: each must be within -4095..4095", (int)l->class_offset,
             (int)l->itable_offset);
    return false;
  }
  if (l->miss < -1 || (l->miss >= 0 && (uint32_t)l->miss >= m->nsyms)) {
    snprintf(msg, cap, "miss %d is not a symbol of the module (-1: udf)", (int)l->miss);
    return false;
  }
  if (l->miss < 0 && l->miss_code > 0xffff) {
    snprintf(msg, cap, "miss_code 0x%x does not fit udf's 16 bits", (unsigned)l->miss_code);
    return false;
  }
  return true;
}

/* The stub's code as the body of raw function symbol s (no code yet). */
static armjit_status stub_body(armjit_module *m, uint32_t s, const armjit_itable_layout *l,
                               char *msg, size_t cap) {
  if (!layout_ok(m, l, msg, cap)) return ARMJIT_E_ARG;
  a32_buf *b = armjit_buf_new(m->ctx, 128, 0);
  mir_raw *raw = ajx_calloc(m->ctx, 1, sizeof *raw);
  armjit_status st = ARMJIT_OK;
  if (!b || !raw) {
    snprintf(msg, cap, "out of memory");
    st = ARMJIT_E_NOMEM;
  } else if (emit_itable(b, l, l->miss >= 0 ? a32_sym_new(b, m->syms[l->miss].name) : 0) !=
             A32_OK) {
    snprintf(msg, cap, "%s", a32_buf_errmsg(b));
    st = a32_buf_status(b) == A32_ERR_NOMEM ? ARMJIT_E_NOMEM : ARMJIT_E_ARG;
  } else if (!mir_raw_from_buf(m, s, b, raw, msg, cap)) {
    st = ARMJIT_E_NOMEM;
  } else {
    raw->flags = ARMJIT_RAW_NOCALL;
    raw->is_stub = true;
    raw->stub = *l;
    st = mir_raw_attach(m, s, raw, msg, cap);
    if (st == ARMJIT_OK) raw = NULL; /* the module's now */
  }
  mir_raw_free(m->ctx, raw);
  if (b) a32_buf_free(b);
  return st;
}

armjit_sym armjit_stub_itable(armjit_module *m, const char *name, const armjit_itable_layout *l) {
  static const char who[] = "armjit_stub_itable";
  if (!m) return -1;
  char msg[200];
  if (!l || !layout_ok(m, l, msg, sizeof msg)) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %s", who, l ? msg : "the layout is NULL");
    return -1;
  }
  armjit_sym s = mir_build_sym(m, who, MIR_SYM_FUNC, name, NULL, 0, ARMJIT_T_VOID, false);
  if (s < 0) return -1;
  armjit_status st = stub_body(m, (uint32_t)s, l, msg, sizeof msg);
  if (st != ARMJIT_OK) {
    mir_fail(m, st, "%s: @%s: %s", who, name, msg);
    return -1;
  }
  return s;
}

/* "class N itable N (miss @SYM | udf N)" (docs/mir.md §2.13). */
static armjit_status stub_int(ir_lex *lx, const char *what, int64_t lo, int64_t hi, int32_t *v) {
  ir_lex_ws(lx);
  uint32_t col = ir_lex_col(lx);
  const char *q = lx->p;
  bool neg = *q == '-', range = false;
  if (neg) q++;
  bool hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
  if (hex) q += 2;
  uint64_t u;
  if (!ir_lex_uint(&q, hex, UINT64_C(0xffffffff), &u, &range) || is_id(*q))
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, col, "expected the %s (an integer)", what);
  int64_t x = neg ? -(int64_t)u : (int64_t)u;
  if (range || x < lo || x > hi)
    return ir_lex_err(lx, ARMJIT_E_INVALID, col, "%s out of range %lld..%lld", what,
                      (long long)lo, (long long)hi);
  lx->p = q;
  *v = (int32_t)x;
  return ARMJIT_OK;
}

static armjit_status stub_word(ir_lex *lx, const char *w) {
  ir_lex_ws(lx);
  uint32_t col = ir_lex_col(lx);
  armjit_status st;
  size_t n = ir_lex_name(lx, &st);
  if (st != ARMJIT_OK) return st;
  if (!word_is(lx->p, n, w)) {
    char b[16];
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, col, "expected '%s', got %s", w,
                      n ? "another word" : ir_lex_here(lx, b, sizeof b));
  }
  lx->p += n;
  return ARMJIT_OK;
}

armjit_status mir_stub_parse(ir_lex *lx, armjit_module *m, uint32_t self) {
  armjit_itable_layout l = {0, 0, -1, 0};
  int32_t code = 0;
  armjit_status st = stub_word(lx, "class");
  if (st == ARMJIT_OK) st = stub_int(lx, "class offset", -4095, 4095, &l.class_offset);
  if (st == ARMJIT_OK) st = stub_word(lx, "itable");
  if (st == ARMJIT_OK) st = stub_int(lx, "interface table offset", -4095, 4095, &l.itable_offset);
  if (st != ARMJIT_OK) return st;
  ir_lex_ws(lx);
  uint32_t col = ir_lex_col(lx);
  if (lx->p[0] == 'u') {
    st = stub_word(lx, "udf");
    if (st == ARMJIT_OK) st = stub_int(lx, "udf number", 0, 0xffff, &code);
    l.miss_code = (uint32_t)code;
  } else {
    st = stub_word(lx, "miss");
    if (st == ARMJIT_OK) st = ir_lex_expect(lx, '@', "before the miss symbol's name");
    if (st != ARMJIT_OK) return st;
    col = ir_lex_col(lx);
    size_t n = ir_lex_name(lx, &st);
    if (st != ARMJIT_OK) return st;
    l.miss = n ? mir_find_sym(m, lx->p, n) : -1;
    if (l.miss < 0)
      return ir_lex_err(lx, ARMJIT_E_INVALID, col, "unknown symbol @%.*s", (int)(n ? n : 1), lx->p);
    lx->p += n;
  }
  if (st == ARMJIT_OK && !ir_lex_at_eol(lx))
    st = ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "expected the end of the line");
  if (st != ARMJIT_OK) return st;
  char msg[200]; /* (the body replaces the pass-1 placeholder) */
  st = stub_body(m, self, &l, msg, sizeof msg);
  if (st != ARMJIT_OK) return ir_lex_err(lx, st, col, "@%s: %s", m->syms[self].name, msg);
  return ARMJIT_OK;
}
