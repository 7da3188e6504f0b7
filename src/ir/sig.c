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

#if defined(__GNUC__)
#define IR_COLD __attribute__((cold, noinline))
#define IR_NOINLINE __attribute__((noinline))
#else
#define IR_COLD
#define IR_NOINLINE
#endif

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

/* The number of letters of each op's signature, from the op table. */
static const uint8_t sig_len[ARMJIT_OP__COUNT] = {
#define SIG_LEN(name, text, args, res, flags) sizeof(args) - 1,
    ARMJIT_OPS(SIG_LEN)
#undef SIG_LEN
};

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

/* The signatures decoded at compile time, for ir_sig_fits: per op its
 * letters as codes (a type + 1, SIG_STAR, SIG_DESCR; 0 ends the list) and
 * its result's (0: void). */
enum { SIG_STAR = 0xfe, SIG_DESCR = 0xfd, SIG_MAX = 5 };
#define SIG_CODE(c)                                                                  \
  ((c) == 'i'   ? ARMJIT_INT + 1                                                     \
   : (c) == 'r' ? ARMJIT_REF + 1                                                     \
   : (c) == 'f' ? ARMJIT_FLOAT + 1                                                   \
   : (c) == 'l' ? ARMJIT_I64 + 1                                                     \
   : (c) == 's' ? ARMJIT_F32 + 1                                                     \
   : (c) == '*' ? SIG_STAR                                                           \
   : (c) == 'd' ? SIG_DESCR                                                          \
                : 0)
#define SIG_AT(s, k) ((k) + 1 < sizeof(s) ? SIG_CODE((s)[(k) + 1 < sizeof(s) ? (k) : 0]) : 0)
static const uint8_t sig_code[ARMJIT_OP__COUNT][SIG_MAX + 1] = {
#define SIG_ROW(name, text, args, res, flags) \
  {SIG_AT(args, 0), SIG_AT(args, 1), SIG_AT(args, 2), SIG_AT(args, 3), SIG_AT(args, 4), 0},
    ARMJIT_OPS(SIG_ROW)
#undef SIG_ROW
};
static const uint8_t res_code[ARMJIT_OP__COUNT] = {
#define RES_ROW(name, text, args, res, flags) SIG_CODE(res),
    ARMJIT_OPS(RES_ROW)
#undef RES_ROW
};
/* (a signature of more than SIG_MAX letters would not compile here) */
struct sig_fit_check {
#define SIG_FIT(name, text, args, res, flags) unsigned name : sizeof(args) <= SIG_MAX + 1 ? 1 : -1;
  ARMJIT_OPS(SIG_FIT)
#undef SIG_FIT
};

bool ir_sig_fits(const armjit_trace *t, unsigned opc, int32_t descr, const ir_ref *args,
                 uint32_t nargs, armjit_type *res) {
  const ir_opinfo *in = ir_info(opc);
  unsigned rc = res_code[opc];
  if (in->args[0] == '.') { /* any list; calls: ir_check_sig decides */
    if (in->flags & ARMJIT_OPF_DESCR) return false;
    *res = rc ? (armjit_type)(rc - 1) : ARMJIT_VOID;
    return true;
  }
  if (nargs != sig_len[opc]) return false;
  armjit_type dty = (in->flags & ARMJIT_OPF_DESCR) ? (armjit_type)ir_descr_at(t, descr)->type
                                                   : ARMJIT_VOID;
  const uint8_t *code = sig_code[opc];
  armjit_type star_ty = ARMJIT_VOID;
  bool star = false;
  for (uint32_t k = 0; k < nargs; k++) {
    armjit_type got = ir_ref_type(t, args[k]), w;
    unsigned c = code[k];
    if (c == SIG_STAR) {
      if (!star) {
        star = true;
        star_ty = got;
        continue;
      }
      w = star_ty;
    } else {
      w = c == SIG_DESCR ? dty : (armjit_type)(c - 1);
    }
    if (got != w) return false;
  }
  *res = rc == SIG_STAR    ? star_ty
         : rc == SIG_DESCR ? dty
         : rc              ? (armjit_type)(rc - 1)
                           : ARMJIT_VOID;
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
  if (nargs != sig_len[opc]) return arity_problem(in, nargs, p);
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
