/* SPDX-License-Identifier: MIT */
/* An op's arguments against its signature in the op table, for every op;
 * shared by the builder (at the call) and the validator (with the source
 * map).  Signature letters: i r f l s a type, '*' any type but all '*' the same
 * (the first one fixes it), 'd' the value type of the op's descriptor, "."
 * a variadic list of any types, except for calls: the function address
 * then the arguments the call descriptor lists. */
#include "ir/ir_impl.h"

#include <stdio.h>
#include <string.h>

armjit_type ir_letter_type(char c) {
  switch (c) {
  case 'i': return ARMJIT_INT;
  case 'r': return ARMJIT_REF;
  case 'f': return ARMJIT_FLOAT;
  case 'l': return ARMJIT_I64;
  case 's': return ARMJIT_F32;
  default: return ARMJIT_VOID;
  }
}

static bool problem(ir_sig_problem *p, armjit_status code, int arg) {
  p->code = code;
  p->arg = arg;
  return false;
}

/* call / call_may_force: function address (ref or int), then the
 * descriptor's argument types; cond_call: its condition (an int) first. */
IR_NOINLINE static bool call_sig(const armjit_trace *t, const ir_srcmap *sm, unsigned opc,
                     int32_t descr, const ir_ref *args, uint32_t nargs, ir_sig_problem *p) {
  const ir_descr *d = ir_descr_at(t, descr);
  const char *op = ir_info(opc)->name;
  char dn[64], vn[64];
  if (d->kind == IR_DESCR_TOKEN) { /* call_assembler: no function */
    if (nargs != d->nargs) {
      ir_descr_desc(t, descr, dn, sizeof dn);
      snprintf(p->msg, sizeof p->msg,
               "wrong number of arguments: %s with token %s takes %u argument%s, got %u", op,
               dn, d->nargs, d->nargs == 1 ? "" : "s", nargs);
      return problem(p, ARMJIT_E_INVALID, -1);
    }
    for (uint32_t k = 0; k < d->nargs; k++) {
      armjit_type got = ir_ref_type(t, args[k]);
      if (got == (armjit_type)d->args[k]) continue;
      ir_val_name(t, sm, args[k], vn, sizeof vn);
      ir_descr_desc(t, descr, dn, sizeof dn);
      snprintf(p->msg, sizeof p->msg,
               "type mismatch: argument %u (%s) of %s is %s, but token %s says %s", k + 1, vn,
               op, ir_type_name(got), dn, ir_type_name((armjit_type)d->args[k]));
      return problem(p, ARMJIT_E_TYPE, (int)k);
    }
    return true;
  }
  /* cond_call: the condition first; cond_call_value: the value */
  bool valued = opc == ARMJIT_OP_COND_CALL_VALUE;
  uint32_t skip = opc == ARMJIT_OP_COND_CALL || valued;
  if (valued && d->type != ARMJIT_INT && d->type != ARMJIT_REF) {
    ir_descr_desc(t, descr, dn, sizeof dn);
    snprintf(p->msg, sizeof p->msg,
             "descr %s has a %s result: cond_call_value computes an int or a ref", dn,
             d->type == ARMJIT_VOID ? "void" : ir_type_name((armjit_type)d->type));
    return problem(p, ARMJIT_E_INVALID, -1);
  }
  if (nargs != d->nargs + 1 + skip) {
    ir_descr_desc(t, descr, dn, sizeof dn);
    snprintf(p->msg, sizeof p->msg,
             "wrong number of arguments: %s with descr %s takes %sthe function and %u "
             "argument%s, got %u value%s",
             op, dn, valued ? "the value, " : skip ? "the condition, " : "", d->nargs,
             d->nargs == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s");
    return problem(p, ARMJIT_E_INVALID, -1);
  }
  armjit_type want = valued ? (armjit_type)d->type : ARMJIT_INT;
  if (skip && ir_ref_type(t, args[0]) != want) {
    ir_val_name(t, sm, args[0], vn, sizeof vn);
    snprintf(p->msg, sizeof p->msg,
             "type mismatch: argument 1 (%s) of %s is %s, expected the %s (%s)", vn, op,
             ir_type_name(ir_ref_type(t, args[0])),
             valued ? "value, of the descriptor's result type" : "condition",
             ir_type_name(want));
    return problem(p, ARMJIT_E_TYPE, 0);
  }
  args += skip;
  armjit_type fty = ir_ref_type(t, args[0]);
  if (fty != ARMJIT_REF && fty != ARMJIT_INT) {
    ir_val_name(t, sm, args[0], vn, sizeof vn);
    snprintf(p->msg, sizeof p->msg,
             "type mismatch: argument %u (%s) of %s is %s, expected the function's "
             "address (ref or int)", 1 + skip, vn, op, ir_type_name(fty));
    return problem(p, ARMJIT_E_TYPE, (int)skip);
  }
  for (uint32_t k = 0; k < d->nargs; k++) {
    armjit_type got = ir_ref_type(t, args[k + 1]);
    if (got == (armjit_type)d->args[k]) continue;
    ir_val_name(t, sm, args[k + 1], vn, sizeof vn);
    ir_descr_desc(t, descr, dn, sizeof dn);
    snprintf(p->msg, sizeof p->msg,
             "type mismatch: argument %u (%s) of %s is %s, but descr %s says %s",
             k + 2 + skip, vn, op, ir_type_name(got), dn, ir_type_name((armjit_type)d->args[k]));
    return problem(p, ARMJIT_E_TYPE, (int)(k + 1 + skip));
  }
  return true;
}

/* The messages of ir_check_sig, out of its way (a check that passes makes
 * no text). */
static IR_COLD bool arity_problem(const ir_opinfo *in, uint32_t nargs, ir_sig_problem *p) {
  size_t want = strlen(in->args);
  snprintf(p->msg, sizeof p->msg, "wrong number of arguments: %s takes %zu argument%s, got %u",
           in->name, want, want == 1 ? "" : "s", nargs);
  return problem(p, ARMJIT_E_INVALID, -1);
}

/* Argument k is `got` where the signature letter c wants `w`. */
static IR_COLD bool type_problem(const armjit_trace *t, const ir_srcmap *sm,
                                 const ir_opinfo *in, int32_t descr, ir_ref arg, uint32_t k,
                                 char c, int star, armjit_type got, armjit_type w,
                                 ir_sig_problem *p) {
  char vn[64], dn[64];
  ir_val_name(t, sm, arg, vn, sizeof vn);
  int len = snprintf(p->msg, sizeof p->msg,
                     "type mismatch: argument %u (%s) of %s is %s, expected %s", k + 1, vn,
                     in->name, ir_type_name(got), ir_type_name(w));
  size_t at = len < 0 ? 0 : (size_t)len < sizeof p->msg ? (size_t)len : sizeof p->msg - 1;
  if (c == '*') {
    snprintf(p->msg + at, sizeof p->msg - at, " like argument %d", star + 1);
  } else if (c == 'd') {
    ir_descr_desc(t, descr, dn, sizeof dn);
    snprintf(p->msg + at, sizeof p->msg - at, " as descr %s", dn);
  }
  return problem(p, ARMJIT_E_TYPE, (int)k);
}

/* The signatures decoded at compile time, for ir_sig_fits: per op one row
 * of its letters as codes (a type + 1, SIG_STAR, SIG_DESCR), their number,
 * its result's code (0: void) and its form:
 *   SIG_FIXED  type letters only, for the arguments and the result
 *   SIG_MIXED  '*' or 'd' letters too (in the arguments or the result)
 *   SIG_LIST   variadic ('.'): any types
 *   SIG_CALL   variadic with a descriptor (calls): ir_check_sig decides */
enum { SIG_STAR = 0xfe, SIG_DESCR = 0xfd, SIG_MAX = 5 };
enum { SIG_FIXED, SIG_MIXED, SIG_LIST, SIG_CALL };
typedef struct {
  uint8_t form, n, res;
  uint8_t code[SIG_MAX];
} sig_row;
#define SIG_CODE(c)                                                                  \
  ((c) == 'i'   ? ARMJIT_INT + 1                                                     \
   : (c) == 'r' ? ARMJIT_REF + 1                                                     \
   : (c) == 'f' ? ARMJIT_FLOAT + 1                                                   \
   : (c) == 'l' ? ARMJIT_I64 + 1                                                     \
   : (c) == 's' ? ARMJIT_F32 + 1                                                     \
   : (c) == '*' ? SIG_STAR                                                           \
   : (c) == 'd' ? SIG_DESCR                                                          \
                : 0)
#define SIG_AT(s, k) SIG_CODE(IR_SIG_LETTER(s, k))
/* Does letter k, or the result, stand for '*' or 'd'? */
#define SIG_VAR(s, k) (SIG_AT(s, k) >= SIG_DESCR)
#define SIG_FORM(args, res, flags)                                                   \
  ((args)[0] == '.' ? (((flags) & ARMJIT_OPF_DESCR) ? SIG_CALL : SIG_LIST)           \
   : SIG_VAR(args, 0) || SIG_VAR(args, 1) || SIG_VAR(args, 2) || SIG_VAR(args, 3) ||  \
           SIG_VAR(args, 4) || SIG_CODE(res) >= SIG_DESCR                            \
       ? SIG_MIXED                                                                   \
       : SIG_FIXED)
static const sig_row sig_rows[ARMJIT_OP__COUNT] = {
#define SIG_ROW(name, text, args, res, flags)                                        \
  {SIG_FORM(args, res, flags), sizeof(args) - 1, SIG_CODE(res),                      \
   {SIG_AT(args, 0), SIG_AT(args, 1), SIG_AT(args, 2), SIG_AT(args, 3), SIG_AT(args, 4)}},
    ARMJIT_OPS(SIG_ROW)
#undef SIG_ROW
};
/* (a signature of more than SIG_MAX letters would not compile here) */
struct sig_fit_check {
#define SIG_FIT(name, text, args, res, flags) unsigned name : sizeof(args) <= SIG_MAX + 1 ? 1 : -1;
  ARMJIT_OPS(SIG_FIT)
#undef SIG_FIT
};

/* The type of handle r, or -1 when it names no variable or constant of t. */
static inline int val_type(const armjit_trace *t, ir_ref r) {
  return ir_ref_valid(t, r) ? (int)ir_ref_type(t, r) : -1;
}

/* ir_sig_fits of a SIG_MIXED op: the first '*' argument fixes the type of
 * the others, 'd' is the descriptor's value type. */
static bool fits_mixed(const armjit_trace *t, unsigned opc, int32_t descr,
                       const ir_ref *args, uint32_t nargs, armjit_type *res) {
  const sig_row *s = &sig_rows[opc];
  int dty = (ir_info(opc)->flags & ARMJIT_OPF_DESCR) ? (int)ir_descr_at(t, descr)->type
                                                     : ARMJIT_VOID;
  int star_ty = -1;
  for (uint32_t k = 0; k < nargs; k++) {
    int got = val_type(t, args[k]), w;
    unsigned c = s->code[k];
    if (got < 0) return false;
    if (c == SIG_STAR) {
      if (star_ty < 0) {
        star_ty = got;
        continue;
      }
      w = star_ty;
    } else {
      w = c == SIG_DESCR ? dty : (int)c - 1;
    }
    if (got != w) return false;
  }
  *res = s->res == SIG_STAR    ? (star_ty < 0 ? ARMJIT_VOID : (armjit_type)star_ty)
         : s->res == SIG_DESCR ? (armjit_type)dty
         : s->res              ? (armjit_type)(s->res - 1)
                               : ARMJIT_VOID;
  return true;
}

bool ir_sig_fits(const armjit_trace *t, unsigned opc, int32_t descr, const ir_ref *args,
                 uint32_t nargs, armjit_type *res) {
  const sig_row *s = &sig_rows[opc];
  if (s->form == SIG_FIXED) { /* most ops: one compare per argument */
    if (nargs != s->n) return false;
    for (uint32_t k = 0; k < nargs; k++)
      if (val_type(t, args[k]) + 1 != (int)s->code[k]) return false;
    *res = s->res ? (armjit_type)(s->res - 1) : ARMJIT_VOID;
    return true;
  }
  if (s->form == SIG_MIXED)
    return nargs == s->n && fits_mixed(t, opc, descr, args, nargs, res);
  if (s->form == SIG_CALL) return false;
  for (uint32_t k = 0; k < nargs; k++) /* SIG_LIST: any types */
    if (val_type(t, args[k]) < 0) return false;
  *res = s->res ? (armjit_type)(s->res - 1) : ARMJIT_VOID;
  return true;
}

bool ir_check_sig(const armjit_trace *t, const ir_srcmap *sm, unsigned opc, int32_t descr,
                  const ir_ref *args, uint32_t nargs, armjit_type *res, ir_sig_problem *p) {
  const ir_opinfo *in = ir_info(opc);
  const ir_descr *d = (in->flags & ARMJIT_OPF_DESCR) ? ir_descr_at(t, descr) : NULL;
  armjit_type dty = d ? (armjit_type)d->type : ARMJIT_VOID;
  p->code = ARMJIT_OK;
  p->arg = -1;
  p->msg[0] = 0;
  *res = in->res == 'd' ? dty : ir_letter_type(in->res);
  if (in->args[0] == '.') /* variadic lists take any types; calls follow the descr */
    return d ? call_sig(t, sm, opc, descr, args, nargs, p) : true;
  if (nargs != sig_rows[opc].n) return arity_problem(in, nargs, p);
  int star = -1;
  armjit_type star_ty = ARMJIT_VOID;
  for (uint32_t k = 0; k < nargs; k++) {
    armjit_type got = ir_ref_type(t, args[k]), w;
    char c = in->args[k];
    if (c == '*' && star < 0) {
      star = (int)k;
      star_ty = got;
      continue;
    }
    w = c == '*' ? star_ty : c == 'd' ? dty : ir_letter_type(c);
    if (got != w) return type_problem(t, sm, in, descr, args[k], k, c, star, got, w, p);
  }
  if (in->res == '*') *res = star_ty;
  return true;
}
