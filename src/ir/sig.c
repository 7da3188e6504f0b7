/* SPDX-License-Identifier: MIT */
/* Checking an op's arguments against its signature in the op table;
 * shared by the builder (at the call) and the validator (text input). */
#include "ir/ir_impl.h"

#include <stdio.h>
#include <string.h>

static armjit_type letter_type(char c) {
  return c == 'i' ? ARMJIT_INT : c == 'r' ? ARMJIT_REF : c == 'f' ? ARMJIT_FLOAT
                                                                   : ARMJIT_VOID;
}

bool ir_check_sig(const armjit_trace *t, unsigned opc, const ir_ref *args,
                  uint32_t nargs, armjit_type *res, ir_sig_problem *p) {
  const ir_opinfo *in = ir_info(opc);
  p->code = ARMJIT_OK;
  p->arg = -1;
  p->got = p->want = ARMJIT_VOID;
  p->want_from = -1;
  *res = ARMJIT_VOID;
  if (in->args[0] == '.') { /* variadic lists take any types */
    *res = letter_type(in->res);
    return true;
  }
  size_t want = strlen(in->args);
  if (nargs != want) {
    p->code = ARMJIT_E_INVALID;
    return false;
  }
  int star = -1;
  armjit_type star_ty = ARMJIT_VOID;
  for (uint32_t k = 0; k < nargs; k++) {
    armjit_type ty = ir_ref_type(t, args[k]);
    armjit_type w;
    int from = -1;
    if (in->args[k] == '*') {
      if (star < 0) { star = (int)k; star_ty = ty; continue; }
      w = star_ty;
      from = star;
    } else {
      w = letter_type(in->args[k]);
    }
    if (ty != w) {
      p->code = ARMJIT_E_TYPE;
      p->arg = (int)k;
      p->got = ty;
      p->want = w;
      p->want_from = from;
      return false;
    }
  }
  *res = in->res == '*' ? star_ty : letter_type(in->res);
  return true;
}

void ir_sig_message(const armjit_trace *t, const ir_srcmap *sm, unsigned opc,
                    const ir_ref *args, uint32_t nargs, const ir_sig_problem *p,
                    char *buf, size_t n) {
  const ir_opinfo *in = ir_info(opc);
  if (p->arg < 0) {
    size_t want = strlen(in->args);
    snprintf(buf, n, "wrong number of arguments: %s takes %zu argument%s, got %u",
             in->name, want, want == 1 ? "" : "s", nargs);
    return;
  }
  char name[64];
  ir_val_name(t, sm, args[p->arg], name, sizeof name);
  if (p->want_from >= 0)
    snprintf(buf, n,
             "type mismatch: argument %d (%s) of %s is %s, expected %s like argument %d",
             p->arg + 1, name, in->name, ir_type_name(p->got), ir_type_name(p->want),
             p->want_from + 1);
  else
    snprintf(buf, n, "type mismatch: argument %d (%s) of %s is %s, expected %s",
             p->arg + 1, name, in->name, ir_type_name(p->got), ir_type_name(p->want));
}
