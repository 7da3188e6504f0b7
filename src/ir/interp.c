/* SPDX-License-Identifier: MIT */
/* The reference interpreter: the semantic oracle compiled code is compared
 * with.  Plain portable C (it runs on the host and under qemu-arm); every
 * op's meaning comes from sem.h so there is one definition of it. */
#include "ir/descr_impl.h"
#include "ir/ir.h"
#include "ir/sem.h"

#include <inttypes.h>
#include <math.h>

typedef struct {
  const armjit_trace *t;
  armjit_value *vals;     /* one per value number */
  ir_interp_rt rt;        /* force flag of this activation (interp_ext.c) */
} interp;

static inline armjit_value get(const interp *in, ir_ref r) {
  return IR_IS_CONST(r) ? in->t->consts[IR_CONST_INDEX(r)].v : in->vals[r];
}
static inline int32_t geti(const interp *in, ir_ref r) { return get(in, r).i; }
static inline double getf(const interp *in, ir_ref r) { return get(in, r).f; }
static inline uintptr_t getr(const interp *in, ir_ref r) { return get(in, r).r; }

static inline armjit_value mki(int32_t i) {
  armjit_value v = {.bits = 0};
  v.i = i;
  return v;
}
static inline armjit_value mkf(double d) {
  armjit_value v = {.f = d};
  return v;
}

/* Frame slots are written whole: ints zero-extended, refs as they are. */
static void write_exit(const interp *in, armjit_frame *f, int32_t exit_id,
                       const ir_ref *refs, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) {
    armjit_value v = get(in, refs[k]);
    switch (ir_ref_type(in->t, refs[k])) {
    case ARMJIT_INT: f->values[k].bits = (uint32_t)v.i; break;
    case ARMJIT_REF: f->values[k].bits = (uintptr_t)v.r; break;
    default: f->values[k].bits = v.bits; break; /* bits: NaN payloads kept */
    }
  }
  f->nvalues = n;
  f->exit_id = exit_id;
}

static bool guard_passes(const interp *in, const ir_op *op, const ir_ref *a, bool ovf) {
  switch (op->opc) {
  case ARMJIT_OP_GUARD_TRUE: return geti(in, a[0]) != 0;
  case ARMJIT_OP_GUARD_FALSE: return geti(in, a[0]) == 0;
  case ARMJIT_OP_GUARD_NONNULL: return getr(in, a[0]) != 0;
  case ARMJIT_OP_GUARD_ISNULL: return getr(in, a[0]) == 0;
  case ARMJIT_OP_GUARD_NO_OVERFLOW: return !ovf;
  case ARMJIT_OP_GUARD_OVERFLOW: return ovf;
  case ARMJIT_OP_GUARD_VALUE:
    switch (ir_ref_type(in->t, a[0])) {
    case ARMJIT_INT: return geti(in, a[0]) == geti(in, a[1]);
    case ARMJIT_REF: return getr(in, a[0]) == getr(in, a[1]);
    default: return getf(in, a[0]) == getf(in, a[1]); /* NaN never passes */
    }
  default: return false;
  }
}

/* The result of a value op (anything but guards and control). */
static armjit_value eval(const interp *in, const ir_op *op, const ir_ref *a, bool *ovf) {
#define I(k) geti(in, a[k])
#define F(k) getf(in, a[k])
  switch ((armjit_opcode)op->opc) {
  case ARMJIT_OP_INT_ADD: return mki(ir_sem_add(I(0), I(1)));
  case ARMJIT_OP_INT_SUB: return mki(ir_sem_sub(I(0), I(1)));
  case ARMJIT_OP_INT_MUL: return mki(ir_sem_mul(I(0), I(1)));
  case ARMJIT_OP_INT_FLOORDIV: return mki(ir_sem_floordiv(I(0), I(1)));
  case ARMJIT_OP_INT_MOD: return mki(ir_sem_mod(I(0), I(1)));
  case ARMJIT_OP_INT_AND: return mki(I(0) & I(1));
  case ARMJIT_OP_INT_OR: return mki(I(0) | I(1));
  case ARMJIT_OP_INT_XOR: return mki(I(0) ^ I(1));
  case ARMJIT_OP_INT_LSHIFT: return mki(ir_sem_lshift(I(0), I(1)));
  case ARMJIT_OP_INT_RSHIFT: return mki(ir_sem_rshift(I(0), I(1)));
  case ARMJIT_OP_UINT_RSHIFT: return mki(ir_sem_urshift(I(0), I(1)));
  case ARMJIT_OP_INT_NEG: return mki(ir_sem_neg(I(0)));
  case ARMJIT_OP_INT_INVERT: return mki(~I(0));
  case ARMJIT_OP_INT_LT: return mki(I(0) < I(1));
  case ARMJIT_OP_INT_LE: return mki(I(0) <= I(1));
  case ARMJIT_OP_INT_EQ: return mki(I(0) == I(1));
  case ARMJIT_OP_INT_NE: return mki(I(0) != I(1));
  case ARMJIT_OP_INT_GT: return mki(I(0) > I(1));
  case ARMJIT_OP_INT_GE: return mki(I(0) >= I(1));
  case ARMJIT_OP_UINT_LT: return mki((uint32_t)I(0) < (uint32_t)I(1));
  case ARMJIT_OP_UINT_LE: return mki((uint32_t)I(0) <= (uint32_t)I(1));
  case ARMJIT_OP_UINT_GT: return mki((uint32_t)I(0) > (uint32_t)I(1));
  case ARMJIT_OP_UINT_GE: return mki((uint32_t)I(0) >= (uint32_t)I(1));
  case ARMJIT_OP_PTR_EQ: return mki(getr(in, a[0]) == getr(in, a[1]));
  case ARMJIT_OP_PTR_NE: return mki(getr(in, a[0]) != getr(in, a[1]));
  case ARMJIT_OP_INT_IS_TRUE: return mki(I(0) != 0);
  case ARMJIT_OP_INT_IS_ZERO: return mki(I(0) == 0);
  case ARMJIT_OP_INT_FORCE_GE_ZERO: return mki(I(0) < 0 ? 0 : I(0));
  case ARMJIT_OP_INT_ADD_OVF: return mki(ir_sem_add_ovf(I(0), I(1), ovf));
  case ARMJIT_OP_INT_SUB_OVF: return mki(ir_sem_sub_ovf(I(0), I(1), ovf));
  case ARMJIT_OP_INT_MUL_OVF: return mki(ir_sem_mul_ovf(I(0), I(1), ovf));
  case ARMJIT_OP_FLOAT_ADD: return mkf(F(0) + F(1));
  case ARMJIT_OP_FLOAT_SUB: return mkf(F(0) - F(1));
  case ARMJIT_OP_FLOAT_MUL: return mkf(F(0) * F(1));
  case ARMJIT_OP_FLOAT_TRUEDIV: return mkf(F(0) / F(1));
  case ARMJIT_OP_FLOAT_NEG: return mkf(ir_sem_fneg(F(0)));
  case ARMJIT_OP_FLOAT_ABS: return mkf(ir_sem_fabs(F(0)));
  case ARMJIT_OP_FLOAT_SQRT: return mkf(sqrt(F(0)));
  case ARMJIT_OP_FLOAT_LT: return mki(F(0) < F(1));
  case ARMJIT_OP_FLOAT_LE: return mki(F(0) <= F(1));
  case ARMJIT_OP_FLOAT_EQ: return mki(F(0) == F(1));
  case ARMJIT_OP_FLOAT_NE: return mki(F(0) != F(1));
  case ARMJIT_OP_FLOAT_GT: return mki(F(0) > F(1));
  case ARMJIT_OP_FLOAT_GE: return mki(F(0) >= F(1));
  case ARMJIT_OP_CAST_FLOAT_TO_INT: return mki(ir_sem_f2i(F(0)));
  case ARMJIT_OP_CAST_INT_TO_FLOAT: return mkf((double)I(0));
  case ARMJIT_OP_SAME_AS: return get(in, a[0]);
  default: return mki(0); /* guards and control are handled by the caller */
  }
#undef I
#undef F
}

/* Largest jump argument count: the scratch space of parallel assignment. */
static uint32_t max_jump_args(const armjit_trace *t) {
  uint32_t m = 0;
  for (uint32_t i = 0; i < t->nops; i++)
    if (t->ops[i].opc == ARMJIT_OP_JUMP && t->ops[i].nargs > m) m = t->ops[i].nargs;
  return m;
}

static armjit_status run(interp *in, armjit_frame *f, uint64_t max_steps,
                         armjit_value *tmp, armjit_error *err) {
  const armjit_trace *t = in->t;
  bool ovf = false;
  uint64_t steps = 0;
  uint32_t pc = 0;
  for (;;) {
    if (max_steps && steps >= max_steps)
      return ajx_err(err, ARMJIT_E_LIMIT, "step limit of %" PRIu64 " ops exceeded",
                     max_steps);
    steps++;
    const ir_op *op = &t->ops[pc];
    const ir_ref *a = ir_args(t, op);
    switch ((armjit_opcode)op->opc) {
    case ARMJIT_OP_LABEL: break;
    case ARMJIT_OP_DEBUG_MERGE_POINT: break;  /* no effect */
    case ARMJIT_OP_FINISH:
      write_exit(in, f, op->id, a, op->nargs);
      return ARMJIT_OK;
    case ARMJIT_OP_JUMP: {
      const ir_op *lab = &t->ops[t->labels[op->id].op];
      const ir_ref *la = ir_args(t, lab);
      /* Parallel assignment: read every source before writing any target. */
      for (uint32_t k = 0; k < op->nargs; k++) tmp[k] = get(in, a[k]);
      for (uint32_t k = 0; k < op->nargs; k++) in->vals[la[k]] = tmp[k];
      pc = t->labels[op->id].op + 1;
      continue;
    }
    default:
      if (ir_is_ext_op(op->opc)) { /* memory, calls, exceptions, forcing */
        bool pass;
        armjit_value v;
        armjit_status st = ir_interp_ext(t, op, in->vals, &in->rt, &v, &pass, err);
        if (st != ARMJIT_OK) return st;
        if (!pass) {
          write_exit(in, f, op->id, ir_fails(t, op), op->nfail);
          return ARMJIT_OK;
        }
        if (op->res != IR_NONE) in->vals[op->res] = v;
      } else if (ir_is_guard(op->opc)) {
        if (!guard_passes(in, op, a, ovf)) {
          write_exit(in, f, op->id, ir_fails(t, op), op->nfail);
          return ARMJIT_OK;
        }
      } else {
        armjit_value v = eval(in, op, a, &ovf);
        if (op->res != IR_NONE) in->vals[op->res] = v;
      }
      break;
    }
    pc++;
  }
}

armjit_status armjit_interpret(armjit_trace *t, armjit_frame *f, uint64_t max_steps,
                               armjit_error *err) {
  if (!t || !f)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_interpret: %s is NULL", t ? "frame" : "trace");
  if (!t->validated) {
    armjit_status st = armjit_trace_validate(t, err);
    if (st != ARMJIT_OK) return st;
  }
  f->exit_id = -1;
  f->nvalues = 0;
  uint32_t need = ir_frame_capacity(t);
  if (f->capacity < need)
    return ajx_err(err, ARMJIT_E_ARG,
                   "frame has %" PRIu32 " value slots, the trace needs %" PRIu32
                   " (its inputs and the values of its largest exit)",
                   f->capacity, need);
  interp in = {t, NULL, {0}};
  uint32_t ntmp = max_jump_args(t);
  in.vals = ajx_calloc(t->ctx, (size_t)t->nvals + ntmp, sizeof *in.vals);
  if (!in.vals) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
  for (uint32_t v = 0; v < t->ninputs; v++) {
    switch ((armjit_type)t->vtype[v]) {
    case ARMJIT_INT: in.vals[v] = mki(f->values[v].i); break;
    case ARMJIT_REF: in.vals[v].r = f->values[v].r; break;
    default: in.vals[v].bits = f->values[v].bits; break;
    }
  }
  armjit_status st = run(&in, f, max_steps, in.vals + t->nvals, err);
  ajx_free(t->ctx, in.vals);
  if (st == ARMJIT_OK) ajx_err_clear(err);
  return st;
}
