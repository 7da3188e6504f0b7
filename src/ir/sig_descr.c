/* SPDX-License-Identifier: MIT */
/* Signatures of descriptor ops: the op table's letters with 'd' replaced by
 * the descriptor's value type, and for calls the function address followed
 * by the arguments the call descriptor lists.  Shared by the builder and the
 * validator. */
#include "ir/descr_impl.h"

#include <stdio.h>
#include <string.h>

static armjit_type letter_type(char c) {
  return c == 'i' ? ARMJIT_INT : c == 'r' ? ARMJIT_REF : c == 'f' ? ARMJIT_FLOAT
                                                                   : ARMJIT_VOID;
}

static bool call_sig(const armjit_trace *t, const ir_srcmap *sm, unsigned opc, int32_t id,
                     const ir_ref *args, uint32_t nargs, armjit_status *code, int *arg,
                     char *msg, size_t n) {
  const ir_descr *d = ir_descr_at(t, id);
  const char *op = ir_info(opc)->name;
  char dn[64], vn[64];
  ir_descr_desc(t, id, dn, sizeof dn);
  if (nargs != d->nargs + 1) {
    *code = ARMJIT_E_INVALID;
    *arg = -1;
    snprintf(msg, n,
             "wrong number of arguments: %s with descr %s takes the function and %u "
             "argument%s, got %u value%s",
             op, dn, d->nargs, d->nargs == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s");
    return false;
  }
  armjit_type fty = ir_ref_type(t, args[0]);
  if (fty != ARMJIT_REF && fty != ARMJIT_INT) {
    *code = ARMJIT_E_TYPE;
    *arg = 0;
    ir_val_name(t, sm, args[0], vn, sizeof vn);
    snprintf(msg, n, "type mismatch: argument 1 (%s) of %s is %s, expected the function's "
             "address (ref or int)", vn, op, ir_type_name(fty));
    return false;
  }
  for (uint32_t k = 0; k < d->nargs; k++) {
    armjit_type got = ir_ref_type(t, args[k + 1]);
    if (got == (armjit_type)d->args[k]) continue;
    *code = ARMJIT_E_TYPE;
    *arg = (int)k + 1;
    ir_val_name(t, sm, args[k + 1], vn, sizeof vn);
    snprintf(msg, n, "type mismatch: argument %u (%s) of %s is %s, but descr %s says %s",
             k + 2, vn, op, ir_type_name(got), dn, ir_type_name((armjit_type)d->args[k]));
    return false;
  }
  return true;
}

bool ir_check_descr_sig(const armjit_trace *t, const ir_srcmap *sm, unsigned opc,
                        int32_t id, const ir_ref *args, uint32_t nargs, armjit_type *res,
                        armjit_status *code, int *arg, char *msg, size_t n) {
  const ir_opinfo *in = ir_info(opc);
  const ir_descr *d = ir_descr_at(t, id);
  armjit_type dty = (armjit_type)d->type;
  *res = in->res == 'd' ? dty : letter_type(in->res);
  if (in->args[0] == '.')
    return call_sig(t, sm, opc, id, args, nargs, code, arg, msg, n);
  size_t want = strlen(in->args);
  if (nargs != want) {
    *code = ARMJIT_E_INVALID;
    *arg = -1;
    snprintf(msg, n, "wrong number of arguments: %s takes %zu argument%s, got %u", in->name,
             want, want == 1 ? "" : "s", nargs);
    return false;
  }
  for (uint32_t k = 0; k < nargs; k++) {
    bool from_descr = in->args[k] == 'd';
    armjit_type w = from_descr ? dty : letter_type(in->args[k]);
    armjit_type got = ir_ref_type(t, args[k]);
    if (got == w) continue;
    char vn[64], dn[64];
    ir_val_name(t, sm, args[k], vn, sizeof vn);
    ir_descr_desc(t, id, dn, sizeof dn);
    *code = ARMJIT_E_TYPE;
    *arg = (int)k;
    snprintf(msg, n, "type mismatch: argument %u (%s) of %s is %s, expected %s%s%s", k + 1,
             vn, in->name, ir_type_name(got), ir_type_name(w),
             from_descr ? " as descr " : "", from_descr ? dn : "");
    return false;
  }
  return true;
}
