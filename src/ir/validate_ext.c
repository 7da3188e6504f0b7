/* SPDX-License-Identifier: MIT */
/* Validator rules of the descriptor, call, exception and forcing ops
 * (docs/ir.md §10-11): the op has a descriptor of the right kind, its
 * arguments fit it, and the ordering rules
 *   call_may_force            is directly followed by guard_not_forced;
 *   guard_not_forced          directly follows call_may_force;
 *   guard_(no_)exception      directly follows a call whose descriptor has
 *                             may_raise, or the guard_not_forced of such a
 *                             call_may_force;
 *   call                      has no may_force descriptor. */
#include "ir/descr_impl.h"

#include <stdarg.h>
#include <stdio.h>

static bool problem(ir_ext_problem *p, armjit_status code, ir_at_kind at, uint32_t idx,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static bool problem(ir_ext_problem *p, armjit_status code, ir_at_kind at, uint32_t idx,
                    const char *fmt, ...) {
  p->code = code;
  p->at = at;
  p->idx = idx;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->msg, sizeof p->msg, fmt, ap);
  va_end(ap);
  return false;
}

static bool check_descr(const armjit_trace *t, const ir_srcmap *sm, uint32_t i,
                        armjit_type *res, ir_ext_problem *p) {
  const ir_op *op = &t->ops[i];
  const char *name = ir_info(op->opc)->name;
  unsigned kinds = ir_op_descr_kinds(op->opc);
  char want[64], dn[64];
  ir_descr_kinds_text(kinds, want, sizeof want);
  if (op->descr < 0 || (uint32_t)op->descr >= t->ndescrs)
    return problem(p, ARMJIT_E_INVALID, IR_AT_OP, 0, "%s needs %s descriptor", name, want);
  const ir_descr *d = ir_descr_at(t, op->descr);
  ir_descr_desc(t, op->descr, dn, sizeof dn);
  if (!(kinds & (1u << d->kind)))
    return problem(p, ARMJIT_E_INVALID, IR_AT_DESCR, 0,
                   "descr %s is a %s descriptor, but %s needs %s descriptor", dn,
                   ir_descr_kind_name(d->kind), name, want);
  if (op->opc == ARMJIT_OP_ARRAYLEN_GC && !d->has_len)
    return problem(p, ARMJIT_E_INVALID, IR_AT_DESCR, 0,
                   "descr %s has no length (len=): arraylen_gc cannot read it", dn);
  if (op->opc == ARMJIT_OP_CALL && (d->flags & ARMJIT_CALL_MAY_FORCE))
    return problem(p, ARMJIT_E_INVALID, IR_AT_DESCR, 0,
                   "descr %s has may_force: call it with call_may_force followed by "
                   "guard_not_forced", dn);
  armjit_status code;
  int arg;
  if (!ir_check_descr_sig(t, sm, op->opc, op->descr, ir_args(t, op), op->nargs, res, &code,
                          &arg, p->msg, sizeof p->msg)) {
    p->code = code;
    p->at = arg < 0 ? IR_AT_OP : IR_AT_ARG;
    p->idx = arg < 0 ? 0 : (uint32_t)arg;
    return false;
  }
  return true;
}

/* Is op j a call (or call_may_force) whose descriptor has may_raise? */
static bool raising_call(const armjit_trace *t, uint32_t j) {
  const ir_op *op = &t->ops[j];
  if (op->opc != ARMJIT_OP_CALL && op->opc != ARMJIT_OP_CALL_MAY_FORCE) return false;
  return op->descr >= 0 && (ir_descr_at(t, op->descr)->flags & ARMJIT_CALL_MAY_RAISE);
}

static bool check_order(const armjit_trace *t, uint32_t i, ir_ext_problem *p) {
  unsigned opc = t->ops[i].opc;
  const char *name = ir_info(opc)->name;
  unsigned prev = i > 0 ? t->ops[i - 1].opc : ARMJIT_OP__COUNT;
  switch (opc) {
  case ARMJIT_OP_CALL_MAY_FORCE:
    if (i + 1 >= t->nops || t->ops[i + 1].opc != ARMJIT_OP_GUARD_NOT_FORCED)
      return problem(p, ARMJIT_E_INVALID, IR_AT_OP, 0,
                     "call_may_force must be followed by guard_not_forced");
    return true;
  case ARMJIT_OP_GUARD_NOT_FORCED:
    if (prev != ARMJIT_OP_CALL_MAY_FORCE)
      return problem(p, ARMJIT_E_INVALID, IR_AT_OP, 0,
                     "guard_not_forced may only directly follow call_may_force");
    return true;
  case ARMJIT_OP_GUARD_NO_EXCEPTION:
  case ARMJIT_OP_GUARD_EXCEPTION: {
    bool ok = i > 0 && (raising_call(t, i - 1) ||
                        (prev == ARMJIT_OP_GUARD_NOT_FORCED && i > 1 && raising_call(t, i - 2)));
    if (!ok)
      return problem(p, ARMJIT_E_INVALID, IR_AT_OP, 0,
                     "%s may only directly follow a call whose descr has may_raise "
                     "(or the guard_not_forced after such a call_may_force)", name);
    return true;
  }
  default:
    return true;
  }
}

bool ir_check_ext_op(const armjit_trace *t, const ir_srcmap *sm, uint32_t i,
                     armjit_type *res, ir_ext_problem *p) {
  const ir_op *op = &t->ops[i];
  if (ir_info(op->opc)->flags & ARMJIT_OPF_DESCR) {
    if (!check_descr(t, sm, i, res, p)) return false;
  } else {
    if (op->descr >= 0)
      return problem(p, ARMJIT_E_INVALID, IR_AT_DESCR, 0, "%s takes no descriptor",
                     ir_info(op->opc)->name);
    ir_sig_problem q;
    if (!ir_check_sig(t, op->opc, ir_args(t, op), op->nargs, res, &q)) {
      ir_sig_message(t, sm, op->opc, ir_args(t, op), op->nargs, &q, p->msg, sizeof p->msg);
      p->code = q.code;
      p->at = q.arg < 0 ? IR_AT_OP : IR_AT_ARG;
      p->idx = q.arg < 0 ? 0 : (uint32_t)q.arg;
      return false;
    }
  }
  return check_order(t, i, p);
}
