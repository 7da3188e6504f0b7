/* SPDX-License-Identifier: MIT */
/* The public builder API.  Each call checks what only it can see (handles,
 * NULL arrays, the op's signature) and never aborts: the first misuse is
 * kept in t->builder_err, and the call returns ARMJIT_NOVAL / -1.  Rules
 * that span ops (labels, overflow guards, the final op) are left to the
 * validator, which also runs on parsed traces.  The builder API of
 * descriptors themselves is in descr.c. */
#include "ir/ir_impl.h"

#include <stdarg.h>
#include <string.h>

armjit_status ir_builder_fail(armjit_trace *t, armjit_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ajx_errv(&t->builder_err, true, code, 0, 0, NULL, fmt, ap);
  va_end(ap);
  t->validated = false;
  return code;
}

/* A failed raw append (memory or a limit). */
static armjit_status emit_err(armjit_trace *t, const char *fn, armjit_status st) {
  if (st == ARMJIT_E_NOMEM) return ir_builder_fail(t, st, "%s: out of memory", fn);
  return ir_builder_fail(t, st, "%s: trace size limit exceeded", fn);
}

/* Op idx (just appended) had its signature checked, as had every op
 * before it: the validator skips the check (t->sig_checked); its
 * handles name values defined before it, live if no value has died (the
 * validator skips its uses: t->uses_checked); and the op before it, its
 * next op there now, has its own rules checked (t->rules_checked), unless
 * it has none, as this call knew when it was appended (t->ruleless).
 * `rules`: op idx has rules of its own or a descriptor, as its builder
 * call knows (validate.c's has_rules). */
static inline void mark_checked(armjit_trace *t, uint32_t idx, bool rules) {
  if (t->sig_checked == idx) t->sig_checked = idx + 1;
  if (t->uses_checked == idx && !t->some_died) t->uses_checked = idx + 1;
  if (t->rules_checked + 1 == idx && (t->ruleless == idx || ir_rules_hold(t, idx - 1)))
    t->rules_checked = idx;
  t->ruleless = rules || idx >= t->sig_checked ? 0 : idx + 1;
}

/* The rules of a plain op or guard of opcode op (no descriptor). */
static inline bool own_rules(armjit_opcode op) {
  return (ir_op_rules[op] & ~IR_RULE_GUARD) != 0;
}

/* Every handle in refs[0..n) names an existing variable or constant. */
static armjit_status check_refs(armjit_trace *t, const char *fn, const char *what,
                                const ir_ref *refs, unsigned n, unsigned limit) {
  if (n > limit)
    return ir_builder_fail(t, ARMJIT_E_LIMIT, "%s: %u %ss, at most %u allowed", fn, n,
                           what, limit);
  if (n && !refs)
    return ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s list is NULL but its count is %u", fn,
                           what, n);
  for (unsigned k = 0; k < n; k++) {
    ir_ref r = refs[k];
    if (!ir_ref_valid(t, r)) {
      if (r == IR_NONE)
        return ir_builder_fail(t, ARMJIT_E_ARG,
                               "%s: %s %u is ARMJIT_NOVAL (from a failed call?)", fn, what,
                               k + 1);
      return ir_builder_fail(t, ARMJIT_E_ARG,
                             "%s: %s %u is not a value of this trace (handle %ld)", fn,
                             what, k + 1, (long)r);
    }
  }
  return ARMJIT_OK;
}

static bool check_sig(armjit_trace *t, const char *fn, unsigned opc, int32_t descr,
                      const ir_ref *args, unsigned nargs, armjit_type *res) {
  if (ir_sig_fits(t, opc, descr, args, nargs, res)) return true;
  ir_sig_problem p;
  if (ir_check_sig(t, NULL, opc, descr, args, nargs, res, &p)) return true;
  ir_builder_fail(t, p.code, "%s: op %u: %s", fn, t->nops, p.msg);
  return false;
}

/* Every handle in refs[0..n) is good (check_refs without the message). */
static bool refs_valid(const armjit_trace *t, const ir_ref *refs, unsigned n, unsigned limit) {
  if (n > limit || (n && !refs)) return false;
  for (unsigned k = 0; k < n; k++)
    if (!ir_ref_valid(t, refs[k])) return false;
  return true;
}

/* The checks of an op's values: check_refs of its arguments and, for a
 * guard, of its fail args, then check_sig; false after the first that fails, with its
 * message.  All well (the common case), it is one pass over the arguments:
 * ir_sig_fits rejects handles that name nothing too. */
static IR_NOINLINE bool check_values_one_by_one(armjit_trace *t, const char *fn, unsigned opc,
                                                int32_t descr, const ir_ref *args,
                                                unsigned nargs, bool guard, const ir_ref *fail,
                                                unsigned nfail, armjit_type *res) {
  return check_refs(t, fn, "argument", args, nargs, IR_MAX_ARGS) == ARMJIT_OK &&
         (!guard || check_refs(t, fn, "fail arg", fail, nfail, IR_MAX_FAIL) == ARMJIT_OK) &&
         check_sig(t, fn, opc, descr, args, nargs, res);
}

static inline bool check_values(armjit_trace *t, const char *fn, unsigned opc, int32_t descr,
                                const ir_ref *args, unsigned nargs, bool guard,
                                const ir_ref *fail, unsigned nfail, armjit_type *res) {
  if (nargs <= IR_MAX_ARGS && (args || !nargs) &&
      ir_sig_fits(t, opc, descr, args, nargs, res) &&
      (!guard || refs_valid(t, fail, nfail, IR_MAX_FAIL)))
    return true;
  return check_values_one_by_one(t, fn, opc, descr, args, nargs, guard, fail, nfail, res);
}

static bool check_opc(armjit_trace *t, const char *fn, armjit_opcode op) {
  if ((unsigned)op >= ARMJIT_OP__COUNT) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: unknown opcode %d", fn, (int)op);
    return false;
  }
  return true;
}

armjit_val armjit_input(armjit_trace *t, armjit_type type) {
  if (!t) return ARMJIT_NOVAL;
  if (!ir_is_value_type(type)) {
    ir_builder_fail(t, ARMJIT_E_ARG, "armjit_input: bad type %d (int, ref, float, i64 or f32)",
                    (int)type);
    return ARMJIT_NOVAL;
  }
  ir_ref r;
  armjit_status st = ir_add_input(t, type, &r);
  if (st == ARMJIT_E_ARG) {
    ir_builder_fail(t, st, "armjit_input: inputs must be declared before any operation");
    return ARMJIT_NOVAL;
  }
  if (st == ARMJIT_E_LIMIT) {
    ir_builder_fail(t, st, "armjit_input: more than %u inputs", IR_MAX_INPUTS);
    return ARMJIT_NOVAL;
  }
  if (st != ARMJIT_OK) { emit_err(t, "armjit_input", st); return ARMJIT_NOVAL; }
  return r;
}

static armjit_val add_const(armjit_trace *t, armjit_type ty, armjit_value v) {
  if (!t) return ARMJIT_NOVAL;
  ir_ref r;
  armjit_status st = ir_add_const(t, ty, v, &r);
  if (st != ARMJIT_OK) { emit_err(t, "armjit_const", st); return ARMJIT_NOVAL; }
  return r;
}

armjit_val armjit_const_int(armjit_trace *t, int32_t v) {
  armjit_value x = {.bits = 0};
  x.i = v;
  return add_const(t, ARMJIT_INT, x);
}

armjit_val armjit_const_ref(armjit_trace *t, uintptr_t v) {
  armjit_value x = {.bits = 0};
  x.r = v;
  return add_const(t, ARMJIT_REF, x);
}

armjit_val armjit_const_float(armjit_trace *t, double v) {
  armjit_value x = {.f = v};
  return add_const(t, ARMJIT_FLOAT, x);
}

armjit_val armjit_const_i64(armjit_trace *t, int64_t v) {
  armjit_value x = {.bits = 0};
  x.l = v;
  return add_const(t, ARMJIT_I64, x);
}

armjit_val armjit_const_f32(armjit_trace *t, float v) {
  armjit_value x = {.bits = 0};
  x.s = v;
  return add_const(t, ARMJIT_F32, x);
}

armjit_val armjit_op(armjit_trace *t, armjit_opcode op, const armjit_val *args,
                     unsigned nargs) {
  static const char fn[] = "armjit_op";
  if (!t) return ARMJIT_NOVAL;
  if (!check_opc(t, fn, op)) return ARMJIT_NOVAL;
  unsigned fl = ir_info(op)->flags;
  if (fl & (ARMJIT_OPF_GUARD | ARMJIT_OPF_LABEL | ARMJIT_OPF_FINAL)) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s needs armjit_%s", fn, ir_info(op)->name,
                    (fl & ARMJIT_OPF_GUARD) ? "guard"
                    : op == ARMJIT_OP_LABEL ? "label"
                    : op == ARMJIT_OP_JUMP  ? "jump"
                                            : "finish");
    return ARMJIT_NOVAL;
  }
  if (fl & ARMJIT_OPF_DESCR) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s needs a descriptor: use armjit_op_descr", fn,
                    ir_info(op)->name);
    return ARMJIT_NOVAL;
  }
  if (fl & ARMJIT_OPF_TEXT) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s carries a text: use armjit_debug_merge_point",
                    fn, ir_info(op)->name);
    return ARMJIT_NOVAL;
  }
  armjit_type res;
  if (!check_values(t, fn, op, -1, args, nargs, false, NULL, 0, &res)) return ARMJIT_NOVAL;
  armjit_val v;
  armjit_status st = ir_emit_plain(t, op, res, args, nargs, -1, &v);
  if (st != ARMJIT_OK) { emit_err(t, fn, st); return ARMJIT_NOVAL; }
  mark_checked(t, t->nops - 1, own_rules(op));
  return v;
}

int armjit_guard(armjit_trace *t, armjit_opcode op, const armjit_val *args,
                 unsigned nargs, const armjit_val *fail, unsigned nfail) {
  static const char fn[] = "armjit_guard";
  if (!t) return -1;
  if (!check_opc(t, fn, op)) return -1;
  if (!ir_is_guard(op)) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s is not a guard", fn, ir_info(op)->name);
    return -1;
  }
  if (op == ARMJIT_OP_GUARD_EXCEPTION) { /* the one guard with a result */
    ir_builder_fail(t, ARMJIT_E_ARG,
                    "%s: guard_exception has a result: use armjit_guard_exception", fn);
    return -1;
  }
  armjit_type res;
  if (!check_values(t, fn, op, -1, args, nargs, true, fail, nfail, &res)) return -1;
  uint32_t idx;
  armjit_status st = ir_emit(t, op, ARMJIT_VOID, args, nargs, fail, nfail, -1, &idx);
  if (st != ARMJIT_OK) { emit_err(t, fn, st); return -1; }
  mark_checked(t, idx, own_rules(op));
  return t->ops[idx].id;
}

int armjit_label(armjit_trace *t, const armjit_val *args, unsigned nargs) {
  static const char fn[] = "armjit_label";
  if (!t) return -1;
  if (ARMJIT_OK != check_refs(t, fn, "argument", args, nargs, IR_MAX_ARGS)) return -1;
  bool lists_all = nargs == t->nvals; /* (see t->uses_checked) */
  uint32_t idx;
  armjit_status st = ir_emit(t, ARMJIT_OP_LABEL, ARMJIT_VOID, args, nargs, NULL, 0,
                             -1, &idx);
  if (st != ARMJIT_OK) { emit_err(t, fn, st); return -1; }
  mark_checked(t, idx, true); /* variadic, no result */
  if (!lists_all) t->some_died = true;
  return t->ops[idx].id;
}

armjit_status armjit_jump(armjit_trace *t, int label, const armjit_val *args,
                          unsigned nargs) {
  static const char fn[] = "armjit_jump";
  if (!t) return ARMJIT_E_ARG;
  if (label < 0 || (uint32_t)label >= t->nlabels)
    return ir_builder_fail(t, ARMJIT_E_ARG, "%s: unknown label %d", fn, label);
  armjit_status st = check_refs(t, fn, "argument", args, nargs, IR_MAX_ARGS);
  if (st != ARMJIT_OK) return st;
  uint32_t idx;
  st = ir_emit(t, ARMJIT_OP_JUMP, ARMJIT_VOID, args, nargs, NULL, 0, label, &idx);
  if (st != ARMJIT_OK) return emit_err(t, fn, st);
  mark_checked(t, idx, true); /* variadic, no result */
  return ARMJIT_OK;
}

armjit_status armjit_jump_to(armjit_trace *t, const char *label, const armjit_val *args,
                             unsigned nargs) {
  static const char fn[] = "armjit_jump_to";
  if (!t) return ARMJIT_E_ARG;
  if (!label || !ir_is_ident(label))
    return ir_builder_fail(t, ARMJIT_E_ARG, "%s: the label name must be an identifier", fn);
  armjit_status st = check_refs(t, fn, "argument", args, nargs, IR_MAX_ARGS);
  if (st != ARMJIT_OK) return st;
  int32_t id = ir_xlabel(t, label, strlen(label));
  if (!id) return emit_err(t, fn, ARMJIT_E_NOMEM);
  uint32_t idx;
  st = ir_emit(t, ARMJIT_OP_JUMP, ARMJIT_VOID, args, nargs, NULL, 0, id, &idx);
  if (st != ARMJIT_OK) return emit_err(t, fn, st);
  mark_checked(t, idx, true);
  return ARMJIT_OK;
}

int armjit_finish(armjit_trace *t, const armjit_val *args, unsigned nargs) {
  static const char fn[] = "armjit_finish";
  if (!t) return -1;
  if (ARMJIT_OK != check_refs(t, fn, "argument", args, nargs, IR_MAX_ARGS)) return -1;
  uint32_t idx;
  armjit_status st = ir_emit(t, ARMJIT_OP_FINISH, ARMJIT_VOID, args, nargs, NULL, 0,
                             -1, &idx);
  if (st != ARMJIT_OK) { emit_err(t, fn, st); return -1; }
  mark_checked(t, idx, true); /* variadic, no result */
  return t->ops[idx].id;
}

armjit_status armjit_debug_merge_point(armjit_trace *t, const char *text) {
  static const char fn[] = "armjit_debug_merge_point";
  if (!t) return ARMJIT_E_ARG;
  if (!text) return ir_builder_fail(t, ARMJIT_E_ARG, "%s: NULL text", fn);
  size_t n = strlen(text);
  if (n > IR_MAX_TEXT)
    return ir_builder_fail(t, ARMJIT_E_LIMIT, "%s: text of %zu bytes (at most %u)", fn, n,
                           IR_MAX_TEXT);
  uint32_t idx;
  armjit_status st = ir_emit_text(t, ARMJIT_OP_DEBUG_MERGE_POINT, text, n, &idx);
  if (st != ARMJIT_OK) return emit_err(t, fn, st);
  mark_checked(t, idx, own_rules(ARMJIT_OP_DEBUG_MERGE_POINT)); /* no arguments, no result */
  return ARMJIT_OK;
}

armjit_status armjit_set_name(armjit_trace *t, const char *name) {
  static const char fn[] = "armjit_set_name";
  if (!t) return ARMJIT_E_ARG;
  if (!ir_is_ident(name))
    return ir_builder_fail(t, ARMJIT_E_ARG,
                           "%s: '%s' is not a name ([A-Za-z_][A-Za-z0-9_]*)", fn,
                           name ? name : "(null)");
  const ir_op *last = t->nops ? &t->ops[t->nops - 1] : NULL;
  if (!last || !(ir_is_exit(last->opc) || last->opc == ARMJIT_OP_LABEL))
    return ir_builder_fail(t, ARMJIT_E_ARG,
                           "%s: the last op is not a guard, finish or label", fn);
  const char *cur = last->opc == ARMJIT_OP_LABEL ? t->labels[last->id].name
                                                 : t->exits[last->id].name;
  if (cur && strcmp(cur, name) == 0) return ARMJIT_OK;
  if (ir_name_used(t, name))
    return ir_builder_fail(t, ARMJIT_E_INVALID, "%s: descr name %s is already used", fn,
                           name);
  if (ir_set_name(t, t->nops - 1, name, strlen(name)) != ARMJIT_OK)
    return ir_builder_fail(t, ARMJIT_E_NOMEM, "%s: out of memory", fn);
  return ARMJIT_OK;
}

/* ---- descriptor ops and guard_exception ------------------------------------- */
armjit_val armjit_op_descr(armjit_trace *t, armjit_opcode op, const armjit_val *args,
                           unsigned nargs, int descr) {
  static const char fn[] = "armjit_op_descr";
  if (!t) return ARMJIT_NOVAL;
  if (!check_opc(t, fn, op)) return ARMJIT_NOVAL;
  const char *name = ir_info(op)->name;
  unsigned kinds = ir_op_descr_kinds(op);
  if (!kinds) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: %s takes no descriptor", fn, name);
    return ARMJIT_NOVAL;
  }
  if (descr < 0 || (uint32_t)descr >= t->ndescrs) {
    ir_builder_fail(t, ARMJIT_E_ARG, "%s: unknown descriptor %d", fn, descr);
    return ARMJIT_NOVAL;
  }
  if (!(kinds & (1u << t->descrs[descr].kind))) {
    char want[64], dn[64];
    ir_descr_kinds_text(kinds, want, sizeof want);
    ir_descr_desc(t, descr, dn, sizeof dn);
    ir_builder_fail(t, ARMJIT_E_INVALID,
                    "%s: %s needs %s descriptor; descr %s is a %s descriptor", fn, name,
                    want, dn, ir_descr_kind_name(t->descrs[descr].kind));
    return ARMJIT_NOVAL;
  }
  armjit_type res;
  if (!check_values(t, fn, op, descr, args, nargs, false, NULL, 0, &res)) return ARMJIT_NOVAL;
  armjit_val v;
  armjit_status st = ir_emit_plain(t, op, res, args, nargs, descr, &v);
  if (st != ARMJIT_OK) { emit_err(t, fn, st); return ARMJIT_NOVAL; }
  mark_checked(t, t->nops - 1, true); /* (a descriptor) */
  return v;
}

armjit_val armjit_guard_exception(armjit_trace *t, armjit_val cls, const armjit_val *fail,
                                  unsigned nfail, int *exit_id) {
  static const char fn[] = "armjit_guard_exception";
  if (exit_id) *exit_id = -1;
  if (!t) return ARMJIT_NOVAL;
  armjit_type res;
  if (!check_values(t, fn, ARMJIT_OP_GUARD_EXCEPTION, -1, &cls, 1, true, fail, nfail, &res))
    return ARMJIT_NOVAL;
  uint32_t idx;
  armjit_status st = ir_emit(t, ARMJIT_OP_GUARD_EXCEPTION, ARMJIT_REF, &cls, 1, fail, nfail,
                             -1, &idx);
  if (st != ARMJIT_OK) { emit_err(t, fn, st); return ARMJIT_NOVAL; }
  mark_checked(t, idx, own_rules(ARMJIT_OP_GUARD_EXCEPTION));
  if (exit_id) *exit_id = t->ops[idx].id;
  return t->ops[idx].res;
}
