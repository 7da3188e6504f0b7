/* SPDX-License-Identifier: MIT */
/* The validator: every IR rule of docs/ir.md that spans more than one
 * builder call.  Parsed traces are validated with a source map, so each
 * error points at the offending token.  Besides uses, labels, jumps and
 * overflow guards, the rules of descriptor, call, exception and forcing ops
 * (docs/ir.md §10-11): the op has a descriptor of the right kind, its
 * arguments fit it, and
 *   call_may_force            is directly followed by guard_not_forced;
 *   guard_not_forced          directly follows call_may_force;
 *   guard_(no_)exception      directly follows a call whose descriptor has
 *                             may_raise, or the guard_not_forced of such a
 *                             call_may_force;
 *   call                      has no may_force descriptor. */
#include "ir/gc.h"
#include "ir/ir_impl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef NDEBUG
#define IR_CHECK_AGAIN 1
#else
#define IR_CHECK_AGAIN 0
#endif

typedef struct {
  const armjit_trace *t;
  armjit_error *err;
  const ir_srcmap *sm;
} vctx;

static void position(const vctx *c, uint32_t opi, ir_at_kind at, uint32_t idx,
                     int *line, int *col) {
  const armjit_trace *t = c->t;
  const ir_srcmap *sm = c->sm;
  *line = *col = 0;
  if (at == IR_AT_END) {
    if (sm) { *line = (int)sm->end_line; *col = (int)sm->end_col; }
    return;
  }
  const ir_op *op = &t->ops[opi];
  *line = (int)ir_op_line(t, opi);
  *col = (int)ir_op_col(t, opi);
  if (!sm) return;
  uint32_t col2 = 0;
  switch (at) {
  case IR_AT_RES: col2 = sm->rescol[opi]; break;
  case IR_AT_ARG: col2 = sm->refcol[op->args + idx]; break;
  case IR_AT_FAIL: col2 = sm->refcol[ir_fail_at(op) + idx]; break;
  case IR_AT_DESCR: col2 = sm->descrcol[opi]; break;
  default: break;
  }
  if (col2) *col = (int)col2;
}

static armjit_status verr(const vctx *c, armjit_status code, uint32_t opi,
                          ir_at_kind at, uint32_t idx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static armjit_status verr(const vctx *c, armjit_status code, uint32_t opi,
                          ir_at_kind at, uint32_t idx, const char *fmt, ...) {
  if (!c->err) return code;
  int line, col;
  position(c, opi, at, idx, &line, &col);
  /* Without a source position, say which op. */
  char who[64];
  bool say_op = line == 0 && at != IR_AT_END;
  if (say_op)
    snprintf(who, sizeof who, "op %" PRIu32 " (%s)", opi, ir_info(c->t->ops[opi].opc)->name);
  va_list ap;
  va_start(ap, fmt);
  ajx_errv(c->err, false, code, line, col, say_op ? who : NULL, fmt, ap);
  va_end(ap);
  return code;
}

static void label_desc(const armjit_trace *t, int32_t id, char *buf, size_t n) {
  if (t->labels[id].name) snprintf(buf, n, "%s", t->labels[id].name);
  else snprintf(buf, n, "L%" PRId32, id);
}

/* Regions: region r is the stretch after the r-th label (0: before any).
 * A variable is live in region r when it was defined there or is an
 * argument of the label that starts r.  Per value, the one region it can
 * be live in now: the region of its definition (inputs: 0), or the region
 * of the latest label that lists it; -1 before its definition.  A use in
 * region cur is good when live[v] == cur. */
typedef struct {
  int32_t *live;
  int32_t cur;
} liveness;

/* The message of a use check_use rejects (out of its way: names are
 * formatted on the error paths only, and only for in-range values, as a
 * value number past the table has no type to print). */
static IR_COLD armjit_status use_error(const vctx *c, const liveness *lv, uint32_t opi,
                                       ir_at_kind at, uint32_t k, ir_ref r) {
  const armjit_trace *t = c->t;
  char name[64];
  if (r < 0 || (uint32_t)r >= t->nvals) {
    snprintf(name, sizeof name, "#%ld", (long)r);
    return verr(c, ARMJIT_E_INVALID, opi, at, k, "use of undefined variable %s", name);
  }
  ir_val_name(t, c->sm, r, name, sizeof name);
  if (t->vdef[r] >= (int32_t)opi)
    return verr(c, ARMJIT_E_INVALID, opi, at, k, "use of undefined variable %s", name);
  char lab[64];
  label_desc(t, lv->cur - 1, lab, sizeof lab);
  return verr(c, ARMJIT_E_INVALID, opi, at, k,
              "%s is not live after label %s: not one of its arguments", name, lab);
}

/* A constant, or a variable live here (above). */
static inline bool use_ok(const armjit_trace *t, const liveness *lv, ir_ref r) {
  return r < 0 ? r != IR_NONE : (uint32_t)r < t->nvals && lv->live[r] == lv->cur;
}

/* Every use of refs[0..n) (the arguments or the fail args of op opi). */
static inline armjit_status check_uses(const vctx *c, const liveness *lv, uint32_t opi,
                                       ir_at_kind at, const ir_ref *refs, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    if (!use_ok(c->t, lv, refs[k])) return use_error(c, lv, opi, at, k, refs[k]);
  return ARMJIT_OK;
}

static armjit_status check_label(const vctx *c, liveness *lv, uint32_t opi,
                                 const ir_op *op) {
  const armjit_trace *t = c->t;
  const ir_ref *a = ir_args(t, op);
  int32_t next = lv->cur + 1;
  for (uint32_t k = 0; k < op->nargs; k++) {
    bool is_const = IR_IS_CONST(a[k]);
    if (!is_const && lv->live[a[k]] != next) { /* (listed already: next) */
      lv->live[a[k]] = next;
      continue;
    }
    char name[64];
    ir_val_name(t, c->sm, a[k], name, sizeof name);
    if (is_const)
      return verr(c, ARMJIT_E_INVALID, opi, IR_AT_ARG, k,
                  "label arguments must be variables, not a constant (%s)", name);
    return verr(c, ARMJIT_E_INVALID, opi, IR_AT_ARG, k,
                "label arguments must be distinct: %s is listed twice", name);
  }
  lv->cur = next;
  return ARMJIT_OK;
}

static armjit_status check_jump(const vctx *c, uint32_t opi, const ir_op *op) {
  const armjit_trace *t = c->t;
  /* A jump to another trace's label: checked when it is resolved. */
  if (ir_jump_is_external(op) && IR_XLABEL_INDEX(op->id) < t->nxlabels) return ARMJIT_OK;
  if (op->id < 0 || (uint32_t)op->id >= t->nlabels || t->labels[op->id].op >= opi)
    return verr(c, ARMJIT_E_INVALID, opi, IR_AT_DESCR, 0, "jump to unknown label");
  const ir_op *lab = &t->ops[t->labels[op->id].op];
  char lname[64];
  if (lab->nargs != op->nargs) {
    label_desc(t, op->id, lname, sizeof lname);
    return verr(c, ARMJIT_E_INVALID, opi, IR_AT_OP, 0,
                "jump passes %" PRIu32 " values but label %s has %" PRIu32 " arguments",
                op->nargs, lname, lab->nargs);
  }
  const ir_ref *ja = ir_args(t, op), *la = ir_args(t, lab);
  for (uint32_t k = 0; k < op->nargs; k++) {
    armjit_type jt = ir_ref_type(t, ja[k]), lt = ir_ref_type(t, la[k]);
    if (jt == lt) continue;
    char jn[64], ln[64];
    label_desc(t, op->id, lname, sizeof lname);
    ir_val_name(t, c->sm, ja[k], jn, sizeof jn);
    ir_val_name(t, c->sm, la[k], ln, sizeof ln);
    return verr(c, ARMJIT_E_TYPE, opi, IR_AT_ARG, k,
                "type mismatch: jump argument %" PRIu32 " (%s) is %s, but argument %"
                PRIu32 " of label %s (%s) is %s",
                k + 1, jn, ir_type_name(jt), k + 1, lname, ln, ir_type_name(lt));
  }
  return ARMJIT_OK;
}

/* A descriptor op: a descriptor of a kind it accepts, that it can use. */
static armjit_status check_descr(const vctx *c, uint32_t i) {
  const armjit_trace *t = c->t;
  const ir_op *op = &t->ops[i];
  const char *name = ir_info(op->opc)->name;
  unsigned kinds = ir_op_descr_kinds(op->opc);
  /* The texts are made on the error paths only. */
  char want[64], dn[64];
  if (op->descr < 0 || (uint32_t)op->descr >= t->ndescrs) {
    ir_descr_kinds_text(kinds, want, sizeof want);
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_OP, 0, "%s needs %s descriptor", name, want);
  }
  const ir_descr *d = ir_descr_at(t, op->descr);
  bool bad_kind = !(kinds & (1u << d->kind));
  bool no_len = op->opc == ARMJIT_OP_ARRAYLEN_GC && !d->has_len;
  bool cond = op->opc == ARMJIT_OP_COND_CALL || op->opc == ARMJIT_OP_COND_CALL_VALUE;
  bool forcing = (op->opc == ARMJIT_OP_CALL || cond) && (d->flags & ARMJIT_CALL_MAY_FORCE);
  bool valued = op->opc == ARMJIT_OP_COND_CALL && d->type != ARMJIT_VOID;
  if (!bad_kind && !no_len && !forcing && !valued) return ARMJIT_OK;
  ir_descr_desc(t, op->descr, dn, sizeof dn);
  if (bad_kind) {
    ir_descr_kinds_text(kinds, want, sizeof want);
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_DESCR, 0,
                "descr %s is a %s descriptor, but %s needs %s descriptor", dn,
                ir_descr_kind_name(d->kind), name, want);
  }
  if (no_len)
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_DESCR, 0,
                "descr %s has no length (len=): arraylen_gc cannot read it", dn);
  if (valued)
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_DESCR, 0,
                "descr %s has a result: cond_call makes only calls without one (result=void)",
                dn);
  if (cond)
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_DESCR, 0,
                "descr %s has may_force: %s cannot be followed by guard_not_forced", dn, name);
  return verr(c, ARMJIT_E_INVALID, i, IR_AT_DESCR, 0,
              "descr %s has may_force: call it with call_may_force followed by "
              "guard_not_forced", dn);
}

/* Is op j a call (call_may_force, cond_call) whose descriptor has may_raise? */
static bool raising_call(const armjit_trace *t, uint32_t j) {
  const ir_op *op = &t->ops[j];
  if (op->opc != ARMJIT_OP_CALL && op->opc != ARMJIT_OP_CALL_MAY_FORCE &&
      op->opc != ARMJIT_OP_COND_CALL && op->opc != ARMJIT_OP_COND_CALL_VALUE)
    return false;
  return op->descr >= 0 && (ir_descr_at(t, op->descr)->flags & ARMJIT_CALL_MAY_RAISE);
}

/* The ordering rules of forcing and exceptions (above). */
static armjit_status check_order(const vctx *c, uint32_t i) {
  const armjit_trace *t = c->t;
  unsigned opc = t->ops[i].opc;
  unsigned prev = i > 0 ? t->ops[i - 1].opc : ARMJIT_OP__COUNT;
  switch (opc) {
  case ARMJIT_OP_CALL_MAY_FORCE:
    if (i + 1 >= t->nops || t->ops[i + 1].opc != ARMJIT_OP_GUARD_NOT_FORCED)
      return verr(c, ARMJIT_E_INVALID, i, IR_AT_OP, 0,
                  "call_may_force must be followed by guard_not_forced");
    return ARMJIT_OK;
  case ARMJIT_OP_GUARD_NOT_FORCED:
    if (prev != ARMJIT_OP_CALL_MAY_FORCE)
      return verr(c, ARMJIT_E_INVALID, i, IR_AT_OP, 0,
                  "guard_not_forced may only directly follow call_may_force");
    return ARMJIT_OK;
  case ARMJIT_OP_GUARD_NO_EXCEPTION:
  case ARMJIT_OP_GUARD_EXCEPTION: {
    bool ok = i > 0 && (raising_call(t, i - 1) ||
                        (prev == ARMJIT_OP_GUARD_NOT_FORCED && i > 1 && raising_call(t, i - 2)));
    if (!ok)
      return verr(c, ARMJIT_E_INVALID, i, IR_AT_OP, 0,
                  "%s may only directly follow a call whose descr has may_raise "
                  "(or the guard_not_forced after such a call_may_force)",
                  ir_info(opc)->name);
    return ARMJIT_OK;
  }
  default:
    return ARMJIT_OK;
  }
}

/* Operands that must be constants: int_signext's byte count. */
static armjit_status check_const_operands(const vctx *c, uint32_t i) {
  const armjit_trace *t = c->t;
  const ir_op *op = &t->ops[i];
  if (op->opc != ARMJIT_OP_INT_SIGNEXT) return ARMJIT_OK;
  ir_ref n = ir_args(t, op)[1];
  int32_t bytes = IR_IS_CONST(n) ? t->consts[IR_CONST_INDEX(n)].v.i : 0;
  if (bytes == 1 || bytes == 2 || bytes == 4) return ARMJIT_OK;
  return verr(c, ARMJIT_E_INVALID, i, IR_AT_ARG, 1,
              "int_signext takes the byte count as a constant 1, 2 or 4");
}

static bool is_ovf_guard(unsigned opc) {
  return opc == ARMJIT_OP_GUARD_NO_OVERFLOW || opc == ARMJIT_OP_GUARD_OVERFLOW;
}

/* The rules only some ops have, per op (from the op table): most ops have
 * none, and skip them with one test (check_op). */
enum {
  R_DESCR = 1u << 0,  /* check_descr */
  R_ORDER = 1u << 1,  /* check_order: forcing and exception ops */
  R_CONST = 1u << 2,  /* check_const_operands: int_signext */
  R_GC = 1u << 3,     /* ir_gc_check_op */
  R_OVF = 1u << 4,    /* int_*_ovf: followed by an overflow guard */
  R_OVF_GUARD = 1u << 5, /* guard_(no_)overflow: after an int_*_ovf */
  R_LABEL = 1u << 6,  /* check_label */
  R_JUMP = 1u << 7,   /* check_jump */
  R_FINAL = 1u << 8,  /* jump, finish: nothing may follow */
  R_GUARD = 1u << 9,  /* a guard: may have fail args (no rule of its own) */
};
#define OP_RULES(name, text, args, res, flags)                                       \
  (((flags) & ARMJIT_OPF_DESCR ? R_DESCR : 0u) | ((flags) & ARMJIT_OPF_GC ? R_GC : 0u) | \
   ((flags) & ARMJIT_OPF_OVF ? R_OVF : 0u) |                                          \
   (ARMJIT_OP_##name == ARMJIT_OP_CALL_MAY_FORCE ||                                   \
            ARMJIT_OP_##name == ARMJIT_OP_GUARD_NOT_FORCED ||                         \
            ARMJIT_OP_##name == ARMJIT_OP_GUARD_NO_EXCEPTION ||                       \
            ARMJIT_OP_##name == ARMJIT_OP_GUARD_EXCEPTION                             \
        ? R_ORDER : 0u) |                                                            \
   (ARMJIT_OP_##name == ARMJIT_OP_INT_SIGNEXT ? R_CONST : 0u) |                       \
   (ARMJIT_OP_##name == ARMJIT_OP_GUARD_NO_OVERFLOW ||                                \
            ARMJIT_OP_##name == ARMJIT_OP_GUARD_OVERFLOW                              \
        ? R_OVF_GUARD : 0u) |                                                        \
   (ARMJIT_OP_##name == ARMJIT_OP_LABEL ? R_LABEL : 0u) |                             \
   (ARMJIT_OP_##name == ARMJIT_OP_JUMP ? R_JUMP : 0u) |                               \
   ((flags) & ARMJIT_OPF_FINAL ? R_FINAL : 0u) | ((flags) & ARMJIT_OPF_GUARD ? R_GUARD : 0u)),
const uint16_t ir_op_rules[ARMJIT_OP__COUNT] = {ARMJIT_OPS(OP_RULES)};
#undef OP_RULES

/* check_label's verdict, without its liveness or a message, for the
 * builder (ir_rules_hold: the label's arguments are handles of this trace):
 * distinct variables, looked for pairwise up to 64 of them (a longer label
 * is left to the validator's walk). */
static armjit_status label_args_ok(const armjit_trace *t, const ir_op *op) {
  const ir_ref *a = ir_args(t, op);
  if (op->nargs > 64) return ARMJIT_E_INVALID;
  for (uint32_t k = 0; k < op->nargs; k++) {
    if (IR_IS_CONST(a[k])) return ARMJIT_E_INVALID;
    for (uint32_t j = 0; j < k; j++)
      if (a[j] == a[k]) return ARMJIT_E_INVALID;
  }
  return ARMJIT_OK;
}

/* The rules of op i after its uses, in this order (the first broken one
 * is reported; an op after a final op is reported right after the final
 * op's rules).  lv NULL: for ir_rules_hold, no message made (c->err NULL). */
static armjit_status check_rules(const vctx *c, liveness *lv, uint32_t i) {
  const armjit_trace *t = c->t;
  const ir_op *op = &t->ops[i];
  const ir_opinfo *in = ir_info(op->opc);
  unsigned rules = ir_op_rules[op->opc];
  armjit_status st;
  if (rules & R_DESCR) {
    if ((st = check_descr(c, i)) != ARMJIT_OK) return st;
  } else if (op->descr >= 0) {
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_DESCR, 0, "%s takes no descriptor", in->name);
  }
  armjit_type res = (armjit_type)op->type;
  ir_sig_problem p;
  /* The builder checked the signatures of the ops it appended (debug
   * builds check again, as a test that it did). */
  const ir_ref *a = ir_args(t, op);
  if ((i >= t->sig_checked || IR_CHECK_AGAIN) &&
      !ir_sig_fits(t, op->opc, op->descr, a, op->nargs, &res) &&
      !ir_check_sig(t, c->sm, op->opc, op->descr, a, op->nargs, &res, &p))
    return verr(c, p.code, i, p.arg < 0 ? IR_AT_OP : IR_AT_ARG,
                p.arg < 0 ? 0 : (uint32_t)p.arg, "%s", p.msg);
  if ((rules & R_ORDER) && (st = check_order(c, i)) != ARMJIT_OK) return st;
  if ((rules & R_CONST) && (st = check_const_operands(c, i)) != ARMJIT_OK) return st;
  if (rules & R_GC) {
    int arg;
    char msg[200];
    if (!ir_gc_check_op(t, i, &arg, msg, sizeof msg))
      return verr(c, ARMJIT_E_INVALID, i, arg < 0 ? IR_AT_OP : IR_AT_ARG,
                  arg < 0 ? 0 : (uint32_t)arg, "%s", msg);
  }
  if (res != (armjit_type)op->type)
    return verr(c, ARMJIT_E_TYPE, i, IR_AT_RES, 0,
                "type mismatch: %s gives %s, but its result is %s", in->name,
                ir_type_name(res), ir_type_name((armjit_type)op->type));
  if (op->nfail && !(rules & R_GUARD))
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_FAIL, 0,
                "only guards have fail args");

  if ((rules & R_OVF) && (i + 1 >= t->nops || !is_ovf_guard(t->ops[i + 1].opc)))
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_OP, 0,
                "%s must be followed by guard_no_overflow or guard_overflow", in->name);
  if ((rules & R_OVF_GUARD) &&
      (i == 0 || !(ir_info(t->ops[i - 1].opc)->flags & ARMJIT_OPF_OVF)))
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_OP, 0,
                "%s may only directly follow an overflow-checked op (int_*_ovf)", in->name);
  if ((rules & R_LABEL) &&
      (st = lv ? check_label(c, lv, i, op) : label_args_ok(t, op)) != ARMJIT_OK)
    return st;
  if ((rules & R_JUMP) && (st = check_jump(c, i, op)) != ARMJIT_OK) return st;
  /* (an unknown op next is reported as that) */
  if ((rules & R_FINAL) && i + 1 < t->nops && t->ops[i + 1].opc < ARMJIT_OP__COUNT)
    return verr(c, ARMJIT_E_INVALID, i + 1, IR_AT_OP, 0,
                "nothing may follow %s: it ends the trace", in->name);
  return ARMJIT_OK;
}

_Static_assert(R_GUARD == IR_RULE_GUARD, "ir_impl.h spells R_GUARD");

/* Has op i (of a known opcode) anything for check_rules to check: a rule
 * of its own, a descriptor, its signature not checked on the way in, or
 * fail args while not a guard?  Most ops of a built or parsed trace have
 * not.  (The builder knows it of each op it appends: ruleless.) */
static inline bool has_rules(const armjit_trace *t, uint32_t i) {
  const ir_op *op = &t->ops[i];
  unsigned rules = ir_op_rules[op->opc];
  return IR_CHECK_AGAIN || (rules & ~(unsigned)R_GUARD) || op->descr >= 0 ||
         i >= t->sig_checked || (op->nfail && !(rules & R_GUARD));
}

bool ir_rules_hold(const armjit_trace *t, uint32_t i) {
  vctx c = {t, NULL, NULL};
  return t->ops[i].opc < ARMJIT_OP__COUNT && check_rules(&c, NULL, i) == ARMJIT_OK;
}

/* Every rule of op i: the checks every op has (its opcode, its counts, its
 * uses), then check_rules when the op has rules (has_rules). */
static inline armjit_status check_op(const vctx *c, liveness *lv, uint32_t i) {
  const armjit_trace *t = c->t;
  const ir_op *op = &t->ops[i];
  if (op->opc >= ARMJIT_OP__COUNT)
    return verr(c, ARMJIT_E_INVALID, i, IR_AT_OP, 0, "unknown op %u", op->opc);
  armjit_status st;
  /* The builder saw that the uses of its ops are live (debug builds
   * check again, as a test that it did). */
  if (i >= t->uses_checked || IR_CHECK_AGAIN) {
    if ((st = check_uses(c, lv, i, IR_AT_ARG, ir_args(t, op), op->nargs)) != ARMJIT_OK)
      return st;
    if (op->nfail &&
        (st = check_uses(c, lv, i, IR_AT_FAIL, ir_fails(t, op), op->nfail)) != ARMJIT_OK)
      return st;
  }
  if (has_rules(t, i) && (st = check_rules(c, lv, i)) != ARMJIT_OK) return st;
  if (op->res != IR_NONE) lv->live[op->res] = lv->cur;
  return ARMJIT_OK;
}

armjit_status ir_validate(armjit_trace *t, armjit_error *err, const ir_srcmap *sm) {
  vctx c = {t, err, sm};
  if (t->builder_err.code != ARMJIT_OK) {
    if (err) *err = t->builder_err;
    return t->builder_err.code;
  }
  liveness lv = {NULL, 0};
  armjit_status st = ARMJIT_OK;
  /* Built op by op with every check passed on the way in (ir.h: all but
   * the last op's own rules, which look at the next op): the last op's
   * rules and the end are all that is left.  (A label there, or a check
   * short of the end, takes the walk.  Debug builds walk always, and
   * report a trace the builder passed that the walk does not: a test of
   * the builder's marks.) */
  uint32_t n = t->nops;
  armjit_status built = ARMJIT_E_ARG;  /* (not built so) */
  if (n && t->uses_checked == n && t->rules_checked >= n - 1 &&
      t->ops[n - 1].opc != ARMJIT_OP_LABEL) {
    built = t->rules_checked == n - 1 && has_rules(t, n - 1) ? check_rules(&c, NULL, n - 1)
                                                             : ARMJIT_OK;
    st = built;
    if (!IR_CHECK_AGAIN) goto end;
  }
  lv.live = ajx_alloc(t->ctx, (t->nvals ? t->nvals : 1) * sizeof *lv.live);
  if (!lv.live) {
    st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory validating the trace");
    goto out;
  }
  for (uint32_t v = 0; v < t->nvals; v++) lv.live[v] = v < t->ninputs ? 0 : -1;
  st = ARMJIT_OK;
  for (uint32_t i = 0; i < t->nops && st == ARMJIT_OK; i++) st = check_op(&c, &lv, i);
  if (built == ARMJIT_OK && st != ARMJIT_OK)
    st = verr(&c, ARMJIT_E_INVALID, 0, IR_AT_END, 0,
              "the builder passed ops the validator does not (internal)");
end:
  if (st == ARMJIT_OK &&
      (t->nops == 0 || !(ir_info(t->ops[t->nops - 1].opc)->flags & ARMJIT_OPF_FINAL)))
    st = verr(&c, ARMJIT_E_INVALID, 0, IR_AT_END, 0,
              "the trace must end with jump or finish");
out:
  ajx_free(t->ctx, lv.live);
  if (st == ARMJIT_OK) {
    t->validated = true;
    ajx_err_clear(err);
  }
  return st;
}

armjit_status armjit_trace_validate(armjit_trace *t, armjit_error *err) {
  if (!t) return ajx_err(err, ARMJIT_E_ARG, "armjit_trace_validate: trace is NULL");
  if (t->validated) { /* every change clears the flag */
    ajx_err_clear(err);
    return ARMJIT_OK;
  }
  return ir_validate(t, err, NULL);
}
