/* SPDX-License-Identifier: MIT */
/* Every int/float/ref operation of <armjit/opcodes.h>, compiled and
 * compared with the interpreter on edge values: operands as variables, as
 * the same variable twice, and as constants on the left, the right and
 * both sides.  The constants walk the immediate ladder (modified
 * immediates, values whose negation or complement is one, 16-bit, full
 * 32-bit), the floats the IEEE corners (NaN, infinities, -0.0, values just
 * inside and outside the int32 range for casts). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

typedef struct {
  const char *name, *args;
  char res;
  unsigned flags;
} opdesc;

static const opdesc ops[ARMJIT_OP__COUNT] = {
#define ROW(n, text, args, res, flags) {text, args, res, flags},
    ARMJIT_OPS(ROW)
#undef ROW
};

static const int32_t int_edges[] = {
    0, 1, -1, 2, -2, 3, 7, 31, 32, 33, -31, -32, 255, 256, 257, -255, -256, -257,
    0x3fc,                 /* modified immediate (0xff ror 30) */
    0xff00, 0x10000,       /* modified immediates */
    (int32_t)0xff000000,   /* modified immediate, negative */
    (int32_t)0xfffffeff,   /* ~0x100: complement is a modified immediate */
    1001, -1001,           /* 16-bit; negation is 16-bit */
    0x1234, 0x7fff, -0x8000, 0xffff, 46341, 0x12345,
    0x12345678, -0x12345678, 0x55555555, (int32_t)0xaaaaaaaa,
    INT32_MAX, INT32_MAX - 1, INT32_MIN, INT32_MIN + 1};
#define N_INT (sizeof int_edges / sizeof int_edges[0])

/* A smaller set for the constant-constant cases. */
static const int32_t int_few[] = {0, 1, -1, 31, 32, 255, -256, 0x12345678, INT32_MAX,
                                  INT32_MIN};
#define N_INT_FEW (sizeof int_few / sizeof int_few[0])

static double float_edge(unsigned k);
static const double float_vals[] = {
    0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 3.0, 31.0, 0.1, 1e10, -1e10, 1e300, -1e300,
    DBL_MAX, DBL_MIN, 5e-324, 0.49999999999999994, 2147483647.0, 2147483647.75,
    2147483648.0, -2147483648.0, -2147483648.75, -2147483649.0, 4294967296.0,
    9.3e18};
/* Plus: -0.0, +inf, -inf, quiet NaN, negative NaN with a payload. */
#define N_FLOAT (sizeof float_vals / sizeof float_vals[0] + 5)

static double float_edge(unsigned k) {
  size_t n = sizeof float_vals / sizeof float_vals[0];
  if (k < n) return float_vals[k];
  switch (k - n) {
  case 0: return -0.0;
  case 1: return INFINITY;
  case 2: return -INFINITY;
  case 3: return NAN;
  default: return irs_dbl(UINT64_C(0xfff8000000001234));
  }
}

static const double float_few[] = {0.0, -0.0, 1.0, -2.5, 1e300, INFINITY, -INFINITY, NAN};
#define N_FLOAT_FEW (sizeof float_few / sizeof float_few[0])

static const uintptr_t ref_edges[] = {0, 0x10, 0x1000, 0x7ffffffc, (uintptr_t)0x80000000u,
                                      (uintptr_t)0xfffffff0u};
#define N_REF (sizeof ref_edges / sizeof ref_edges[0])

/* ---- edge values by type ----------------------------------------------------- */

static unsigned n_edges(armjit_type ty, bool few) {
  if (ty == ARMJIT_INT) return few ? N_INT_FEW : N_INT;
  if (ty == ARMJIT_FLOAT) return few ? N_FLOAT_FEW : N_FLOAT;
  return N_REF;
}

static armjit_value edge(armjit_type ty, unsigned k, bool few) {
  if (ty == ARMJIT_INT) return irs_i(few ? int_few[k] : int_edges[k]);
  if (ty == ARMJIT_FLOAT) return irs_f(few ? float_few[k] : float_edge(k));
  return irs_r(ref_edges[k]);
}

static armjit_val constant(armjit_trace *t, armjit_type ty, armjit_value v) {
  if (ty == ARMJIT_INT) return armjit_const_int(t, v.i);
  if (ty == ARMJIT_FLOAT) return armjit_const_float(t, v.f);
  return armjit_const_ref(t, v.r);
}

static armjit_type letter_type(char c) {
  return c == 'i' ? ARMJIT_INT : c == 'f' ? ARMJIT_FLOAT : c == 'r' ? ARMJIT_REF : ARMJIT_VOID;
}

/* ---- trace shapes ------------------------------------------------------------ */

typedef enum {
  S_VARS,    /* every operand an inputarg */
  S_SAME,    /* binary op on one inputarg twice */
  S_CRIGHT,  /* op(x, c) for constants c[first..first+count) */
  S_CLEFT,   /* op(c, x) */
  S_CONST,   /* unary op(c), or binary op(c1, c2) over the small sets */
} shape;

typedef struct {
  armjit_opcode op;
  armjit_type ty;       /* operand type ('*' ops: chosen) */
  shape sh;
  unsigned first, count;
} spec;

static unsigned arity(armjit_opcode op) { return (unsigned)strlen(ops[op].args); }
static bool is_ovf(armjit_opcode op) { return ops[op].flags & ARMJIT_OPF_OVF; }

static armjit_type operand_type(armjit_opcode op, unsigned i, armjit_type star) {
  char c = ops[op].args[i];
  return c == '*' ? star : letter_type(c);
}

/* Emit op(a, b) (+ guard_no_overflow for _ovf ops, failing with `keep`). */
static armjit_val emit(armjit_trace *t, const spec *s, armjit_val a, armjit_val b,
                       const armjit_val *keep, unsigned nkeep) {
  armjit_val args[2] = {a, b};
  armjit_val r = armjit_op(t, s->op, args, arity(s->op));
  if (is_ovf(s->op)) armjit_guard(t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, keep, nkeep);
  return r;
}

static armjit_trace *build(armjit_ctx *ctx, const void *ud) {
  const spec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  if (!t) return NULL;
  armjit_type t0 = operand_type(s->op, 0, s->ty);
  armjit_type t1 = arity(s->op) > 1 ? operand_type(s->op, 1, s->ty) : ARMJIT_VOID;
  armjit_val res[N_INT * N_INT];
  unsigned nres = 0;
  switch (s->sh) {
  case S_VARS: {
    armjit_val in[2] = {armjit_input(t, t0), ARMJIT_NOVAL};
    if (arity(s->op) > 1) in[1] = armjit_input(t, t1);
    res[nres++] = emit(t, s, in[0], in[1], in, arity(s->op));
    break;
  }
  case S_SAME: {
    armjit_val x = armjit_input(t, t0);
    res[nres++] = emit(t, s, x, x, &x, 1);
    res[nres++] = x; /* still live after the op */
    break;
  }
  case S_CRIGHT:
  case S_CLEFT: {
    armjit_type xt = s->sh == S_CRIGHT ? t0 : t1, ct = s->sh == S_CRIGHT ? t1 : t0;
    armjit_val x = armjit_input(t, xt);
    for (unsigned k = s->first; k < s->first + s->count; k++) {
      armjit_val c = constant(t, ct, edge(ct, k, false));
      armjit_val keep[2] = {x, c};
      res[nres++] = s->sh == S_CRIGHT ? emit(t, s, x, c, keep, 2) : emit(t, s, c, x, keep, 2);
    }
    break;
  }
  case S_CONST:
    for (unsigned j = 0; j < n_edges(t0, true); j++) {
      armjit_val a = constant(t, t0, edge(t0, j, true));
      if (arity(s->op) == 1) { res[nres++] = emit(t, s, a, ARMJIT_NOVAL, &a, 1); continue; }
      for (unsigned k = 0; k < n_edges(t1, true); k++) {
        armjit_val b = constant(t, t1, edge(t1, k, true));
        armjit_val keep[2] = {a, b};
        res[nres++] = emit(t, s, a, b, keep, 2);
      }
    }
    break;
  }
  armjit_finish(t, res, nres);
  return t;
}

/* ---- running the shapes ------------------------------------------------------ */

static void check_shape(const spec *s) {
  jc_case c;
  char what[96];
  snprintf(what, sizeof what, "%s shape %d constants %u+%u", ops[s->op].name, (int)s->sh,
           s->first, s->count);
  jc_init(&c, build, s, ARMJIT_RANDOM_SEED + (uint32_t)s->op);
  c.what = what;
  unsigned nin = armjit_trace_ninputs(c.t[0]);
  if (nin == 0) {
    jc_run(&c, NULL);
  } else if (nin == 1) {
    armjit_type ty = armjit_val_type(c.t[0], 0);
    for (unsigned i = 0; i < n_edges(ty, false); i++) {
      armjit_value in[1] = {edge(ty, i, false)};
      jc_run(&c, in);
    }
  } else {
    armjit_type ta = armjit_val_type(c.t[0], 0), tb = armjit_val_type(c.t[0], 1);
    for (unsigned i = 0; i < n_edges(ta, false); i++)
      for (unsigned j = 0; j < n_edges(tb, false); j++) {
        armjit_value in[2] = {edge(ta, i, false), edge(tb, j, false)};
        jc_run(&c, in);
      }
  }
  jc_free(&c);
}

/* Constant shapes: all constants in one trace, except for _ovf ops whose
 * guard would leave at the first overflow and hide the later constants. */
static void check_const_side(armjit_opcode op, armjit_type ty, shape sh) {
  armjit_type ct = operand_type(op, sh == S_CRIGHT ? 1 : 0, ty);
  unsigned n = n_edges(ct, false);
  unsigned step = is_ovf(op) ? 1 : n;
  for (unsigned first = 0; first < n; first += step) {
    spec s = {op, ty, sh, first, step};
    check_shape(&s);
  }
}

static void check_op_type(armjit_opcode op, armjit_type ty) {
  spec s = {op, ty, S_VARS, 0, 0};
  check_shape(&s);
  s.sh = S_CONST;
  check_shape(&s);
  if (arity(op) == 2) {
    s.sh = S_SAME;
    check_shape(&s);
    check_const_side(op, ty, S_CRIGHT);
    check_const_side(op, ty, S_CLEFT);
  }
}

static void test_op(void **state) {
  armjit_opcode op = (armjit_opcode)(uintptr_t)*state;
  if (strchr(ops[op].args, '*')) {
    check_op_type(op, ARMJIT_INT);
    check_op_type(op, ARMJIT_FLOAT);
    check_op_type(op, ARMJIT_REF);
  } else {
    check_op_type(op, ARMJIT_VOID);
  }
}

/* Results feeding results: a chain through every pure int op keeps values
 * in registers across differently-shaped instructions. */
static armjit_trace *build_chain(armjit_ctx *ctx, const void *ud) {
  (void)ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val x = armjit_input(t, ARMJIT_INT), y = armjit_input(t, ARMJIT_INT);
  armjit_val res[ARMJIT_OP__COUNT + 2];
  unsigned n = 0;
  armjit_val acc = x;
  for (unsigned op = 0; op < ARMJIT_OP__COUNT; op++) {
    if (!(ops[op].flags & ARMJIT_OPF_PURE) || ops[op].res != 'i') continue;
    if (op == ARMJIT_OP_INT_SIGNEXT) continue;
    if (strspn(ops[op].args, "i") != strlen(ops[op].args)) continue;
    armjit_val args[2] = {acc, y};
    acc = armjit_op(t, (armjit_opcode)op, args, arity((armjit_opcode)op));
    res[n++] = acc;
    /* Keep operands small enough that shifts and divisions stay varied. */
    armjit_val m[2] = {acc, armjit_const_int(t, 0x3f)};
    acc = armjit_op(t, ARMJIT_OP_INT_AND, m, 2);
    armjit_val a2[2] = {acc, x};
    acc = armjit_op(t, ARMJIT_OP_INT_ADD, a2, 2);
  }
  res[n++] = x;
  res[n++] = y;
  armjit_finish(t, res, n);
  return t;
}

static void test_int_chain(void **state) {
  (void)state;
  jc_case c;
  jc_init(&c, build_chain, NULL, ARMJIT_RANDOM_SEED);
  for (unsigned i = 0; i < N_INT; i++)
    for (unsigned j = 0; j < N_INT; j += 3) {
      armjit_value in[2] = {irs_i(int_edges[i]), irs_i(int_edges[j])};
      jc_run(&c, in);
    }
  jc_free(&c);
}

int main(void) {
  struct CMUnitTest tests[ARMJIT_OP__COUNT + 1];
  size_t n = 0;
  for (unsigned op = 0; op < ARMJIT_OP__COUNT; op++) {
    unsigned f = ops[op].flags;
    if (!(f & (ARMJIT_OPF_PURE | ARMJIT_OPF_OVF))) continue; /* guards, control */
    /* i64 and f32 ops: their edge cases are arm_wide.c's */
    if (strpbrk(ops[op].args, "ls") || ops[op].res == 'l' || ops[op].res == 's') continue;
    /* int_signext's count is a constant 1, 2 or 4: arm_pypy_ops.c */
    if (op == ARMJIT_OP_INT_SIGNEXT) continue;
    struct CMUnitTest u = {ops[op].name, test_op, NULL, NULL, (void *)(uintptr_t)op};
    tests[n++] = u;
  }
  struct CMUnitTest chain = cmocka_unit_test(test_int_chain);
  tests[n++] = chain;
  return _cmocka_run_group_tests("arm_ops", tests, n, NULL, NULL);
}
