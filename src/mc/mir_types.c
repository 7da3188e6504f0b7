/* SPDX-License-Identifier: MIT */
/* The typing rules of the method IR, read from the op table's letters
 * (armjit/mc_ops.h): what each operand must be, what each op gives.  The
 * builder, the parser (to type literals) and the validator all ask here. */
#include "mc/mir_impl.h"

#include <stdio.h>
#include <string.h>

#define TB(t) (1u << (t))
#define INTS (TB(ARMJIT_T_I32) | TB(ARMJIT_T_I64))
#define FLTS (TB(ARMJIT_T_F32) | TB(ARMJIT_T_F64))
#define ALL (INTS | FLTS | TB(ARMJIT_T_REF))

uint8_t mir_ref_type_safe(const mir_func *fn, mir_ref r) {
  if (r == MIR_NONE) return ARMJIT_T_VOID;
  if (MIR_IS_CONST(r))
    return MIR_CONST_INDEX(r) < fn->nconsts ? fn->consts[MIR_CONST_INDEX(r)].type
                                            : ARMJIT_T_VOID;
  return (uint32_t)r < fn->nvals ? fn->vals[r].type : ARMJIT_T_VOID;
}

static uint8_t letter_type(char c, unsigned sub) {
  switch (c) {
  case 't': return (uint8_t)sub;
  case 'i': return ARMJIT_T_I32;
  case 'l': return ARMJIT_T_I64;
  case 'f': return ARMJIT_T_F32;
  case 'd': return ARMJIT_T_F64;
  case 'r': return ARMJIT_T_REF;
  case 'm': return sub < ARMJIT_MEM__COUNT ? mir_memk(sub)->reg_type : ARMJIT_T_VOID;
  case 'B':
    switch (sub) {
    case ARMJIT_T_I32: return ARMJIT_T_F32;
    case ARMJIT_T_F32: return ARMJIT_T_I32;
    case ARMJIT_T_I64: return ARMJIT_T_F64;
    case ARMJIT_T_F64: return ARMJIT_T_I64;
    default: return ARMJIT_T_VOID;
    }
  default: return ARMJIT_T_VOID;
  }
}

static unsigned letter_alts(char c) {
  switch (c) {
  case 'a': return TB(ARMJIT_T_I32) | TB(ARMJIT_T_REF);
  case 'I': return INTS;
  case 'F': return FLTS;
  case 'C': return INTS | TB(ARMJIT_T_REF);
  default: return 0;
  }
}

uint8_t mir_result_type(const armjit_module *m, unsigned opc, unsigned sub, int32_t sym) {
  const mir_opinfo *in = mir_info(opc);
  if (in->result == 'v') return ARMJIT_T_VOID;
  if (in->result == 'c')
    return sym >= 0 && (uint32_t)sym < m->nsyms ? m->syms[sym].result : ARMJIT_T_VOID;
  if (in->result == 't' && in->suffix == ARMJIT_MSUF_RES) return (uint8_t)sub;
  return letter_type(in->result, sub);
}

uint8_t mir_operand_type(const armjit_module *m, const mir_func *fn, const mir_op *op,
                         const mir_ref *args, uint32_t n, uint32_t k, unsigned *alts) {
  const mir_opinfo *in = mir_info(op->opc);
  *alts = 0;
  if (k < in->nfixed) {
    char c = in->operands[k];
    unsigned a = letter_alts(c);
    if (!a) return letter_type(c, op->sub);
    if (c != 'a') /* a shared letter: the first peer whose type is known decides */
      for (uint32_t j = 0; j < in->nfixed && j < n; j++) {
        if (j == k || in->operands[j] != c) continue;
        uint8_t t = mir_ref_type_safe(fn, args[j]);
        if (t != ARMJIT_T_VOID && (a & TB(t))) return t;
      }
    *alts = a;
    return ARMJIT_T_VOID;
  }
  switch (op->opc) {
  case ARMJIT_MOP_CALL: {
    const mir_sym *s = op->sym >= 0 && (uint32_t)op->sym < m->nsyms ? &m->syms[op->sym] : NULL;
    if (s && k < s->nparams) return s->params[k];
    return ARMJIT_T_VOID;
  }
  case ARMJIT_MOP_CALL_IND:
    if ((op->flags & MIR_OP_HIDDEN) && k + 1 == n) *alts = TB(ARMJIT_T_I32) | TB(ARMJIT_T_REF);
    else *alts = ALL;
    return ARMJIT_T_VOID;
  case ARMJIT_MOP_RET: {
    uint8_t r = m->syms[fn->sym].result;
    return k == 0 ? r : ARMJIT_T_VOID;
  }
  default: return ARMJIT_T_VOID;
  }
}

uint8_t mir_literal_type(const armjit_module *m, const mir_func *fn, const mir_op *op,
                         const mir_ref *args, uint32_t n, uint32_t k, bool is_float) {
  mir_ref masked[4];
  uint32_t nf = mir_info(op->opc)->nfixed;
  for (uint32_t j = 0; j < nf && j < n && j < 4; j++)
    masked[j] = MIR_IS_CONST(args[j]) ? MIR_NONE : args[j];
  unsigned alts;
  uint8_t t = mir_operand_type(m, fn, op, k < nf ? masked : args, n, k, &alts);
  if (t != ARMJIT_T_VOID) {
    if (is_float && t != ARMJIT_T_F32 && t != ARMJIT_T_F64) return ARMJIT_T_VOID;
    return t;
  }
  if (!is_float && (alts & TB(ARMJIT_T_I32))) return ARMJIT_T_I32;
  if (alts & TB(ARMJIT_T_F64)) return ARMJIT_T_F64;
  return ARMJIT_T_VOID;
}

void mir_op_text(const mir_op *op, char *buf, size_t cap) {
  const mir_opinfo *in = mir_info(op->opc);
  const char *s = mir_suffix_name(in, op->sub);
  snprintf(buf, cap, "%s%s%s", in->name, s ? "." : "", s ? s : "");
}

static bool bad(armjit_status *code, armjit_status c, char *msg, size_t cap, const char *fmt,
                ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static bool bad(armjit_status *code, armjit_status c, char *msg, size_t cap, const char *fmt,
                ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, cap, fmt, ap);
  va_end(ap);
  *code = c;
  return false;
}

static void alts_text(unsigned alts, char *buf, size_t cap) {
  buf[0] = 0;
  size_t len = 0;
  for (unsigned t = ARMJIT_T_I32; t < ARMJIT_T__COUNT; t++)
    if (alts & TB(t)) {
      int w = snprintf(buf + len, cap - len, "%s%s", len ? " or " : "", mir_type_name(t));
      if (w < 0 || (size_t)w >= cap - len) break;
      len += (size_t)w;
    }
}

bool mir_check_operands(const armjit_module *m, const mir_func *fn, const mir_op *op,
                        const mir_ref *args, uint32_t nargs, armjit_status *code, char *msg,
                        size_t cap) {
  const mir_opinfo *in = mir_info(op->opc);
  if (!mir_suffix_ok(in, op->sub))
    return bad(code, ARMJIT_E_TYPE, msg, cap, "bad suffix %u", op->sub);
  if (!mir_hw_imms_ok(op, msg, cap)) {
    *code = ARMJIT_E_INVALID;
    return false;
  }
  /* how many operands */
  uint32_t want = in->nfixed;
  const mir_sym *callee = NULL;
  if (op->opc == ARMJIT_MOP_CALL || op->opc == ARMJIT_MOP_ADDR) {
    if (op->sym < 0 || (uint32_t)op->sym >= m->nsyms)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "no symbol %d in the module", (int)op->sym);
    callee = &m->syms[op->sym];
  }
  if (op->opc == ARMJIT_MOP_CALL) {
    if (callee->kind == MIR_SYM_DATA)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "@%s is data, not a function", callee->name);
    want = callee->nparams;
    if (nargs != want)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "%u arguments, @%s takes %u", nargs,
                 callee->name, want);
  } else if (op->opc == ARMJIT_MOP_CALL_IND) {
    uint32_t min = 1 + ((op->flags & MIR_OP_HIDDEN) ? 1 : 0);
    if (nargs < min)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "needs a target%s",
                 (op->flags & MIR_OP_HIDDEN) ? " and a hidden value" : "");
  } else if (op->opc == ARMJIT_MOP_RET) {
    want = m->syms[fn->sym].result == ARMJIT_T_VOID ? 0 : 1;
    if (nargs != want)
      return bad(code, ARMJIT_E_TYPE, msg, cap, "@%s returns %s, so ret takes %s",
                 m->syms[fn->sym].name, mir_type_name(m->syms[fn->sym].result),
                 want ? "a value" : "no value");
  } else if (nargs != want) {
    return bad(code, ARMJIT_E_INVALID, msg, cap, "%u operands, it takes %u", nargs, want);
  }
  /* each operand */
  for (uint32_t k = 0; k < nargs; k++) {
    mir_ref r = args[k];
    uint8_t t = mir_ref_type_safe(fn, r);
    if (r == MIR_NONE)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "operand %u is no value (ARMJIT_NOVAL)", k + 1);
    if (t == ARMJIT_T_VOID)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "operand %u (handle %ld) is not a value of @%s",
                 k + 1, (long)r, m->syms[fn->sym].name);
    unsigned alts;
    uint8_t want_t = mir_operand_type(m, fn, op, args, nargs, k, &alts);
    if (want_t != ARMJIT_T_VOID ? t != want_t : !(alts & TB(t))) {
      char e[40];
      if (want_t != ARMJIT_T_VOID) snprintf(e, sizeof e, "%s", mir_type_name(want_t));
      else alts_text(alts, e, sizeof e);
      if (op->opc == ARMJIT_MOP_CALL)
        return bad(code, ARMJIT_E_TYPE, msg, cap, "argument %u of @%s is %s, expected %s", k + 1,
                   callee->name, mir_type_name(t), e);
      return bad(code, ARMJIT_E_TYPE, msg, cap, "operand %u is %s, expected %s", k + 1,
                 mir_type_name(t), e);
    }
  }
  /* op-specific rules */
  switch (op->opc) {
  case ARMJIT_MOP_ICMP:
    if (nargs == 2 && mir_ref_type_safe(fn, args[0]) == ARMJIT_T_REF &&
        op->sub != ARMJIT_ICC_EQ && op->sub != ARMJIT_ICC_NE)
      return bad(code, ARMJIT_E_TYPE, msg, cap, "refs compare only with eq and ne");
    break;
  case ARMJIT_MOP_LOAD:
  case ARMJIT_MOP_STORE:
    if (op->imm[0] < 0 || op->imm[0] > 31)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "shift %d out of range 0..31", (int)op->imm[0]);
    break;
  case ARMJIT_MOP_CHECK_NULL:
  case ARMJIT_MOP_CHECK_INDEX:
  case ARMJIT_MOP_CHECK_NONZERO:
  case ARMJIT_MOP_TRAP_IF:
  case ARMJIT_MOP_TRAP:
    if ((uint32_t)op->imm[0] > 0xffffffu)
      return bad(code, ARMJIT_E_INVALID, msg, cap, "trap code %u out of range 0..0xffffff",
                 (unsigned)(uint32_t)op->imm[0]);
    break;
  default: break;
  }
  return true;
}
