/* SPDX-License-Identifier: MIT */
/* The reference interpreter against the spec (docs/ir.md): every op on
 * edge values, every guard passing and failing, loops with parallel
 * assignment, the step limit and frame checks.  Expected values are
 * written from the spec (ARM semantics); there is no other oracle. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "ir_support.h"

#define IMIN INT32_MIN
#define IMAX INT32_MAX
#define NAN_BITS 0x7ff8000000000000ull
#define NEG_NAN_BITS 0xfff8000000000000ull
#define NEG_ZERO_BITS 0x8000000000000000ull

static int setup(void **state) {
  *state = irs_ctx();
  return 0;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

static armjit_type letter(char c) {
  return c == 'i' ? ARMJIT_INT : c == 'r' ? ARMJIT_REF : ARMJIT_FLOAT;
}

/* One op on its operands, as inputs and again as constants: both runs must
 * agree (NaNs aside) and the first run's exit slot is returned whole. */
static armjit_value eval(armjit_ctx *ctx, armjit_opcode op, const char *sig, armjit_value a,
                         armjit_value b) {
  const armjit_value in[2] = {a, b};
  unsigned n = (unsigned)strlen(sig);
  armjit_value slot[2];
  armjit_type rty = ARMJIT_VOID;
  for (int asconst = 0; asconst < 2; asconst++) {
    armjit_trace *t = armjit_trace_new(ctx);
    armjit_val args[2];
    for (unsigned k = 0; k < n; k++) {
      armjit_type ty = letter(sig[k]);
      if (!asconst) args[k] = armjit_input(t, ty);
      else if (ty == ARMJIT_INT) args[k] = armjit_const_int(t, in[k].i);
      else if (ty == ARMJIT_REF) args[k] = armjit_const_ref(t, in[k].r);
      else args[k] = armjit_const_float(t, in[k].f);
    }
    armjit_val r = armjit_op(t, op, args, n);
    rty = armjit_val_type(t, r);
    assert_int_equal(armjit_finish(t, &r, 1), 0);
    armjit_frame *f = irs_run(ctx, t, in, 0);
    assert_int_equal(f->exit_id, 0);
    assert_int_equal(f->nvalues, 1);
    slot[asconst] = f->values[0];
    armjit_frame_free(ctx, f);
    armjit_trace_free(t);
  }
  if (!irs_value_same(rty, slot[0], slot[1]))
    fail_msg("inputs give 0x%016llx, constants give 0x%016llx",
             (unsigned long long)slot[0].bits, (unsigned long long)slot[1].bits);
  return slot[0];
}

/* Int results fill the whole slot: upper 32 bits zero. */
static void check_int(armjit_value got, int32_t want, const char *what, int line) {
  if (got.bits != (uint64_t)(uint32_t)want)
    fail_msg("line %d: %s = 0x%016llx, want %d", line, what, (unsigned long long)got.bits,
             (int)want);
}
static void check_float(armjit_value got, uint64_t want, const char *what, int line) {
  bool ok = got.bits == want || (isnan(got.f) && isnan(irs_dbl(want)));
  if (!ok)
    fail_msg("line %d: %s = %.17g (0x%016llx), want %.17g (0x%016llx)", line, what, got.f,
             (unsigned long long)got.bits, irs_dbl(want), (unsigned long long)want);
}

#define II(op, x, y, want)                                                           \
  check_int(eval(ctx, ARMJIT_OP_##op, "ii", irs_i(x), irs_i(y)), want, #op "(" #x ", " #y ")", \
            __LINE__)
#define I1(op, x, want) \
  check_int(eval(ctx, ARMJIT_OP_##op, "i", irs_i(x), irs_i(0)), want, #op "(" #x ")", __LINE__)
#define FF(op, x, y, wantbits)                                                        \
  check_float(eval(ctx, ARMJIT_OP_##op, "ff", irs_f(x), irs_f(y)), wantbits,             \
              #op "(" #x ", " #y ")", __LINE__)
#define F1(op, x, wantbits) \
  check_float(eval(ctx, ARMJIT_OP_##op, "f", irs_f(x), irs_f(0)), wantbits, #op "(" #x ")", __LINE__)
#define FFI(op, x, y, want)                                                          \
  check_int(eval(ctx, ARMJIT_OP_##op, "ff", irs_f(x), irs_f(y)), want, #op "(" #x ", " #y ")", \
            __LINE__)
#define FI(op, x, want) \
  check_int(eval(ctx, ARMJIT_OP_##op, "f", irs_f(x), irs_f(0)), want, #op "(" #x ")", __LINE__)
#define B(d) irs_bits(d)

static void test_int_arith(void **state) {
  armjit_ctx *ctx = *state;
  II(INT_ADD, IMAX, 1, IMIN);
  II(INT_ADD, -1, 1, 0);
  II(INT_ADD, IMIN, -1, IMAX);
  II(INT_ADD, IMIN, IMIN, 0);
  II(INT_SUB, IMIN, 1, IMAX);
  II(INT_SUB, 0, IMIN, IMIN);
  II(INT_SUB, -1, IMAX, IMIN);
  II(INT_MUL, 0x10000, 0x10000, 0);
  II(INT_MUL, IMIN, -1, IMIN);
  II(INT_MUL, -1, -1, 1);
  II(INT_MUL, 46341, 46341, -2147479015);
  II(INT_MUL, IMAX, IMAX, 1);
  I1(INT_NEG, IMIN, IMIN);
  I1(INT_NEG, 0, 0);
  I1(INT_NEG, 1, -1);
  I1(INT_NEG, IMAX, -IMAX);
  I1(INT_INVERT, 0, -1);
  I1(INT_INVERT, IMIN, IMAX);
  I1(INT_INVERT, -1, 0);
}

/* Truncating division like SDIV: x/0 = 0, x%0 = x, INT_MIN/-1 = INT_MIN. */
static void test_int_div(void **state) {
  armjit_ctx *ctx = *state;
  II(INT_FLOORDIV, 7, 2, 3);
  II(INT_FLOORDIV, -7, 2, -3);
  II(INT_FLOORDIV, 7, -2, -3);
  II(INT_FLOORDIV, -7, -2, 3);
  II(INT_FLOORDIV, 5, 0, 0);
  II(INT_FLOORDIV, 0, 0, 0);
  II(INT_FLOORDIV, IMIN, 0, 0);
  II(INT_FLOORDIV, IMIN, -1, IMIN);
  II(INT_FLOORDIV, IMIN, 1, IMIN);
  II(INT_FLOORDIV, 1, IMIN, 0);
  II(INT_FLOORDIV, IMIN, IMIN, 1);
  II(INT_FLOORDIV, IMAX, -1, -IMAX);
  II(INT_MOD, 7, 2, 1);
  II(INT_MOD, -7, 2, -1);
  II(INT_MOD, 7, -2, 1);
  II(INT_MOD, -7, -2, -1);
  II(INT_MOD, 5, 0, 5);
  II(INT_MOD, -5, 0, -5);
  II(INT_MOD, IMIN, 0, IMIN);
  II(INT_MOD, IMIN, -1, 0);
  II(INT_MOD, IMIN, IMAX, -1);
  II(INT_MOD, IMAX, IMIN, IMAX);
  II(INT_MOD, 0, -1, 0);
}

static void test_int_bits(void **state) {
  armjit_ctx *ctx = *state;
  II(INT_AND, 0xF0F0, 0xFF00, 0xF000);
  II(INT_AND, -1, IMIN, IMIN);
  II(INT_OR, 0xF0F0, 0xFF00, 0xFFF0);
  II(INT_OR, IMIN, 1, IMIN + 1);
  II(INT_XOR, 0xF0F0, 0xFF00, 0x0FF0);
  II(INT_XOR, -1, IMAX, IMIN);
  /* shifts take the count's low byte, like a register-specified shift */
  II(INT_LSHIFT, 1, 0, 1);
  II(INT_LSHIFT, 1, 31, IMIN);
  II(INT_LSHIFT, 1, 32, 0);
  II(INT_LSHIFT, 1, 255, 0);
  II(INT_LSHIFT, 1, 256, 1);
  II(INT_LSHIFT, 1, 257, 2);
  II(INT_LSHIFT, 3, -1, 0);
  II(INT_LSHIFT, -1, 31, IMIN);
  II(INT_LSHIFT, 0x40000000, 1, IMIN);
  II(INT_LSHIFT, IMIN, 1, 0);
  II(INT_RSHIFT, IMIN, 31, -1);
  II(INT_RSHIFT, IMIN, 32, -1);
  II(INT_RSHIFT, IMAX, 32, 0);
  II(INT_RSHIFT, IMAX, 31, 0);
  II(INT_RSHIFT, -1, 255, -1);
  II(INT_RSHIFT, 5, 255, 0);
  II(INT_RSHIFT, -8, 1, -4);
  II(INT_RSHIFT, -7, 1, -4);
  II(INT_RSHIFT, 8, 256, 8);
  II(INT_RSHIFT, IMIN, 0, IMIN);
  II(INT_RSHIFT, IMIN, 1, -0x40000000);
  II(UINT_RSHIFT, IMIN, 31, 1);
  II(UINT_RSHIFT, -1, 1, IMAX);
  II(UINT_RSHIFT, -1, 32, 0);
  II(UINT_RSHIFT, -1, 255, 0);
  II(UINT_RSHIFT, -1, 0, -1);
  II(UINT_RSHIFT, -1, 256, -1);
  II(UINT_RSHIFT, IMIN, 1, 0x40000000);
}

static void test_int_compare(void **state) {
  armjit_ctx *ctx = *state;
  II(INT_LT, -1, 0, 1);
  II(INT_LT, 0, 0, 0);
  II(INT_LT, IMIN, IMAX, 1);
  II(INT_LE, 5, 5, 1);
  II(INT_LE, 6, 5, 0);
  II(INT_EQ, IMIN, IMIN, 1);
  II(INT_EQ, 0, -1, 0);
  II(INT_NE, 0, -1, 1);
  II(INT_NE, 7, 7, 0);
  II(INT_GT, IMIN, IMAX, 0);
  II(INT_GT, 1, 0, 1);
  II(INT_GE, IMAX, IMAX, 1);
  II(INT_GE, -1, 0, 0);
  II(UINT_LT, -1, 0, 0);
  II(UINT_LT, 0, -1, 1);
  II(UINT_LE, 0, -1, 1);
  II(UINT_LE, -1, -1, 1);
  II(UINT_GT, IMIN, IMAX, 1);
  II(UINT_GT, 1, 1, 0);
  II(UINT_GE, 0, -1, 0);
  II(UINT_GE, IMIN, IMIN, 1);
  I1(INT_IS_TRUE, 0, 0);
  I1(INT_IS_TRUE, IMIN, 1);
  I1(INT_IS_TRUE, -1, 1);
  I1(INT_IS_ZERO, 0, 1);
  I1(INT_IS_ZERO, 1, 0);
  I1(INT_IS_ZERO, IMIN, 0);
  I1(INT_FORCE_GE_ZERO, -1, 0);
  I1(INT_FORCE_GE_ZERO, IMIN, 0);
  I1(INT_FORCE_GE_ZERO, 0, 0);
  I1(INT_FORCE_GE_ZERO, 5, 5);
  I1(INT_FORCE_GE_ZERO, IMAX, IMAX);
  I1(SAME_AS, IMIN, IMIN);
  I1(SAME_AS, -1, -1);
}

static void test_refs(void **state) {
  armjit_ctx *ctx = *state;
  uintptr_t big = (uintptr_t)0x80001234u;
  check_int(eval(ctx, ARMJIT_OP_PTR_EQ, "rr", irs_r(big), irs_r(big)), 1, "ptr_eq", __LINE__);
  check_int(eval(ctx, ARMJIT_OP_PTR_EQ, "rr", irs_r(big), irs_r(0)), 0, "ptr_eq", __LINE__);
  check_int(eval(ctx, ARMJIT_OP_PTR_NE, "rr", irs_r(0), irs_r(0)), 0, "ptr_ne", __LINE__);
  check_int(eval(ctx, ARMJIT_OP_PTR_NE, "rr", irs_r(1), irs_r(0)), 1, "ptr_ne", __LINE__);
  armjit_value v = eval(ctx, ARMJIT_OP_SAME_AS, "r", irs_r(big), irs_r(0));
  assert_true(v.bits == (uint64_t)big);
}

/* i2 = OP(i0, i1); guard_no_overflow / guard_overflow; exit 0 = guard. */
static void check_ovf(armjit_ctx *ctx, const char *op, int32_t x, int32_t y, bool ovf,
                      int32_t wrapped, int line) {
  for (int g = 0; g < 2; g++) {
    char text[256];
    snprintf(text, sizeof text,
             "[i0, i1]\ni2 = %s(i0, i1)\n%s() [i2]\nfinish(i2)\n", op,
             g ? "guard_overflow" : "guard_no_overflow");
    armjit_trace *t = irs_parse(ctx, text);
    armjit_value in[2] = {irs_i(x), irs_i(y)};
    armjit_frame *f = irs_run(ctx, t, in, 0);
    int want_exit = (g == 0) == ovf ? 0 : 1; /* the guard fails: exit 0 */
    if (f->exit_id != want_exit)
      fail_msg("line %d: %s(%d, %d) with %s took exit %d", line, op, x, y,
               g ? "guard_overflow" : "guard_no_overflow", (int)f->exit_id);
    check_int(f->values[0], wrapped, op, line);
    armjit_frame_free(ctx, f);
    armjit_trace_free(t);
  }
}
#define OVF(op, x, y, ovf, wrapped) check_ovf(ctx, #op, x, y, ovf, wrapped, __LINE__)

static void test_ovf(void **state) {
  armjit_ctx *ctx = *state;
  OVF(int_add_ovf, IMAX, 1, true, IMIN);
  OVF(int_add_ovf, IMIN, -1, true, IMAX);
  OVF(int_add_ovf, -1, IMIN, true, IMAX);
  OVF(int_add_ovf, IMAX, 0, false, IMAX);
  OVF(int_add_ovf, 1, -1, false, 0);
  OVF(int_add_ovf, IMIN, IMAX, false, -1);
  OVF(int_sub_ovf, IMIN, 1, true, IMAX);
  OVF(int_sub_ovf, 0, IMIN, true, IMIN);
  OVF(int_sub_ovf, -1, IMIN, false, IMAX);
  OVF(int_sub_ovf, IMAX, -1, true, IMIN);
  OVF(int_sub_ovf, 5, 7, false, -2);
  OVF(int_mul_ovf, 46341, 46341, true, -2147479015);
  OVF(int_mul_ovf, 46340, 46340, false, 2147395600);
  OVF(int_mul_ovf, IMIN, -1, true, IMIN);
  OVF(int_mul_ovf, IMIN, 1, false, IMIN);
  OVF(int_mul_ovf, -65536, 32768, false, IMIN);
  OVF(int_mul_ovf, 65536, 32768, true, IMIN);
  OVF(int_mul_ovf, 0x10000, 0x10000, true, 0); /* low word 0, still overflow */
  OVF(int_mul_ovf, 0, IMIN, false, 0);
}

static void test_float_arith(void **state) {
  armjit_ctx *ctx = *state;
  FF(FLOAT_ADD, 1.5, 2.25, B(3.75));
  FF(FLOAT_ADD, INFINITY, -INFINITY, NAN_BITS);
  FF(FLOAT_ADD, -0.0, -0.0, NEG_ZERO_BITS);
  FF(FLOAT_ADD, 0.0, -0.0, 0);
  FF(FLOAT_ADD, 1e308, 1e308, B(INFINITY));
  FF(FLOAT_ADD, NAN, 1.0, NAN_BITS);
  FF(FLOAT_SUB, 0.0, 0.0, 0);
  FF(FLOAT_SUB, -0.0, 0.0, NEG_ZERO_BITS);
  FF(FLOAT_SUB, INFINITY, INFINITY, NAN_BITS);
  FF(FLOAT_SUB, 1.0, 0x1p-53, 0x3fefffffffffffffull);
  FF(FLOAT_MUL, -0.0, 5.0, NEG_ZERO_BITS);
  FF(FLOAT_MUL, INFINITY, 0.0, NAN_BITS);
  FF(FLOAT_MUL, 0.1, 3.0, 0x3fd3333333333334ull);
  FF(FLOAT_MUL, 0x1p-1074, 0.5, 0); /* subnormal rounds to even: 0 */
  FF(FLOAT_TRUEDIV, 1.0, 0.0, B(INFINITY));
  FF(FLOAT_TRUEDIV, -1.0, 0.0, B(-INFINITY));
  FF(FLOAT_TRUEDIV, 1.0, -0.0, B(-INFINITY));
  FF(FLOAT_TRUEDIV, 0.0, 0.0, NAN_BITS);
  FF(FLOAT_TRUEDIV, 1.0, 3.0, 0x3fd5555555555555ull);
  F1(FLOAT_NEG, 0.0, NEG_ZERO_BITS);
  F1(FLOAT_NEG, -0.0, 0);
  F1(FLOAT_NEG, INFINITY, B(-INFINITY));
  F1(FLOAT_NEG, 2.5, B(-2.5));
  F1(FLOAT_ABS, -0.0, 0);
  F1(FLOAT_ABS, -INFINITY, B(INFINITY));
  F1(FLOAT_ABS, -2.5, B(2.5));
  F1(FLOAT_ABS, 2.5, B(2.5));
  F1(FLOAT_SQRT, 4.0, B(2.0));
  F1(FLOAT_SQRT, 2.0, 0x3ff6a09e667f3bcdull);
  F1(FLOAT_SQRT, -1.0, NAN_BITS);
  F1(FLOAT_SQRT, -0.0, NEG_ZERO_BITS);
  F1(FLOAT_SQRT, INFINITY, B(INFINITY));
  F1(FLOAT_SQRT, -INFINITY, NAN_BITS);
  F1(SAME_AS, -0.0, NEG_ZERO_BITS);
}

/* neg/abs work on the sign bit of NaNs too; same_as keeps every bit. */
static void test_float_nan_bits(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_parse(ctx, "[f0]\nf1 = float_neg(f0)\nf2 = float_abs(f0)\n"
                                   "f3 = same_as(f0)\nfinish(f1, f2, f3)\n");
  static const uint64_t nans[] = {NAN_BITS, NEG_NAN_BITS, 0x7ff0000000000001ull,
                                  0xfff8000000012345ull};
  for (unsigned k = 0; k < 4; k++) {
    armjit_value in = irs_f(irs_dbl(nans[k]));
    armjit_frame *f = irs_run(ctx, t, &in, 0);
    assert_int_equal(f->values[0].bits, nans[k] ^ NEG_ZERO_BITS);
    assert_int_equal(f->values[1].bits, nans[k] & ~NEG_ZERO_BITS);
    assert_int_equal(f->values[2].bits, nans[k]);
    armjit_frame_free(ctx, f);
  }
  armjit_trace_free(t);
}

/* Which NaN an arithmetic op returns is the VFP's (docs/ir.md, Floats),
 * on any host: the first signalling operand made quiet, else the first
 * quiet one, else the default NaN. */
static void test_float_nan_results(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_parse(ctx, "[f0, f1]\n"
                                   "f2 = float_add(f0, f1)\nf3 = float_sub(f1, f0)\n"
                                   "f4 = float_mul(f0, f1)\nf5 = float_truediv(f1, f0)\n"
                                   "f6 = float_sqrt(f0)\nfinish(f2, f3, f4, f5, f6)\n");
  const uint64_t qa = 0x7fffffffbfffffffull, qb = 0xfff8000000000000ull, /* quiet */
                 sa = 0x7ff0000000000001ull, sb = 0xfff4000000000000ull, /* signalling */
                 quiet = 1ull << 51, dflt = 0x7ff8000000000000ull;
  const struct { uint64_t x, y, xy, yx, sq; } c[] = {
      {qa, qb, qa, qb, qa},                       /* two quiet: the first */
      {qa, sb, sb | quiet, sb | quiet, qa},       /* a signalling one wins */
      {sa, qb, sa | quiet, sa | quiet, sa | quiet},
      {sa, sb, sa | quiet, sb | quiet, sa | quiet},
      {0x3ff0000000000000ull, qb, qb, qb, 0x3ff0000000000000ull}, /* 1.0 */
      {0xfff0000000000000ull, 0x0000000000000000ull, dflt, dflt, dflt}, /* -inf, 0 */
  };
  for (unsigned k = 0; k < sizeof c / sizeof *c; k++) {
    armjit_value in[2] = {irs_f(irs_dbl(c[k].x)), irs_f(irs_dbl(c[k].y))};
    armjit_frame *f = irs_run(ctx, t, in, 0);
    /* f2 = x + y, f3 = y - x, f4 = x * y, f5 = y / x, f6 = sqrt(x) */
    uint64_t add = f->values[0].bits, sub = f->values[1].bits, mul = f->values[2].bits,
             div = f->values[3].bits, sq = f->values[4].bits;
    if (isnan(irs_dbl(add))) assert_int_equal(add, c[k].xy);
    if (isnan(irs_dbl(mul))) assert_int_equal(mul, c[k].xy);
    if (isnan(irs_dbl(sub))) assert_int_equal(sub, c[k].yx);
    if (isnan(irs_dbl(div))) assert_int_equal(div, c[k].yx);
    assert_int_equal(sq, c[k].sq);
    armjit_frame_free(ctx, f);
  }
  armjit_trace_free(t);
}

static void test_float_compare(void **state) {
  armjit_ctx *ctx = *state;
  static const armjit_opcode ops[] = {ARMJIT_OP_FLOAT_LT, ARMJIT_OP_FLOAT_LE,
                                      ARMJIT_OP_FLOAT_EQ, ARMJIT_OP_FLOAT_NE,
                                      ARMJIT_OP_FLOAT_GT, ARMJIT_OP_FLOAT_GE};
  /* expected lt le eq ne gt ge */
  static const struct { double x, y; int r[6]; } cases[] = {
      {1.0, 2.0, {1, 1, 0, 1, 0, 0}},
      {2.0, 1.0, {0, 0, 0, 1, 1, 1}},
      {1.5, 1.5, {0, 1, 1, 0, 0, 1}},
      {-0.0, 0.0, {0, 1, 1, 0, 0, 1}},
      {NAN, 1.0, {0, 0, 0, 1, 0, 0}},
      {1.0, NAN, {0, 0, 0, 1, 0, 0}},
      {NAN, NAN, {0, 0, 0, 1, 0, 0}},
      {-INFINITY, INFINITY, {1, 1, 0, 1, 0, 0}},
      {INFINITY, INFINITY, {0, 1, 1, 0, 0, 1}},
      {0x1p-1074, 0.0, {0, 0, 0, 1, 1, 1}},
  };
  for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++)
    for (unsigned k = 0; k < 6; k++) {
      char what[64];
      snprintf(what, sizeof what, "case %u op %u", c, k);
      check_int(eval(ctx, ops[k], "ff", irs_f(cases[c].x), irs_f(cases[c].y)),
                cases[c].r[k], what, __LINE__);
    }
}

/* VCVT.S32.F64 truncates toward zero and saturates; NaN gives 0. */
static void test_casts(void **state) {
  armjit_ctx *ctx = *state;
  FI(CAST_FLOAT_TO_INT, 1.9, 1);
  FI(CAST_FLOAT_TO_INT, -1.9, -1);
  FI(CAST_FLOAT_TO_INT, 0.5, 0);
  FI(CAST_FLOAT_TO_INT, -0.5, 0);
  FI(CAST_FLOAT_TO_INT, -0.0, 0);
  FI(CAST_FLOAT_TO_INT, 2147483647.0, IMAX);
  FI(CAST_FLOAT_TO_INT, 2147483647.9, IMAX);
  FI(CAST_FLOAT_TO_INT, 2147483648.0, IMAX);
  FI(CAST_FLOAT_TO_INT, 2147483648.5, IMAX);
  FI(CAST_FLOAT_TO_INT, -2147483648.0, IMIN);
  FI(CAST_FLOAT_TO_INT, -2147483648.9, IMIN);
  FI(CAST_FLOAT_TO_INT, -2147483649.0, IMIN);
  FI(CAST_FLOAT_TO_INT, -2147483647.5, -2147483647);
  FI(CAST_FLOAT_TO_INT, 1e10, IMAX);
  FI(CAST_FLOAT_TO_INT, -1e10, IMIN);
  FI(CAST_FLOAT_TO_INT, INFINITY, IMAX);
  FI(CAST_FLOAT_TO_INT, -INFINITY, IMIN);
  FI(CAST_FLOAT_TO_INT, NAN, 0);
  FI(CAST_FLOAT_TO_INT, 0x1p-1074, 0);
  check_float(eval(ctx, ARMJIT_OP_CAST_INT_TO_FLOAT, "i", irs_i(IMIN), irs_i(0)),
              B(-2147483648.0), "cast_int_to_float(INT_MIN)", __LINE__);
  check_float(eval(ctx, ARMJIT_OP_CAST_INT_TO_FLOAT, "i", irs_i(IMAX), irs_i(0)),
              B(2147483647.0), "cast_int_to_float(INT_MAX)", __LINE__);
  check_float(eval(ctx, ARMJIT_OP_CAST_INT_TO_FLOAT, "i", irs_i(-1), irs_i(0)), B(-1.0),
              "cast_int_to_float(-1)", __LINE__);
  check_float(eval(ctx, ARMJIT_OP_CAST_INT_TO_FLOAT, "i", irs_i(0), irs_i(0)), 0,
              "cast_int_to_float(0)", __LINE__);
}

/* ---- guards ------------------------------------------------------------------------ */
/* A frame whose slots hold garbage, so exits must write whole slots. */
static armjit_frame *dirty_frame(armjit_ctx *ctx, uint32_t cap, const armjit_value *in,
                                 unsigned n) {
  armjit_frame *f = armjit_frame_new(ctx, cap);
  assert_non_null(f);
  for (uint32_t k = 0; k < cap; k++) f->values[k].bits = 0xa5a5a5a5a5a5a5a5ull;
  for (unsigned k = 0; k < n; k++) f->values[k] = in[k];
  return f;
}

/* `guard` (text, operands i0/p0/f0 and a constant or a second input) then
 * finish(7): exit 0 when the guard fails (with fail args [i9-style]). */
static int guard_exit(armjit_ctx *ctx, const char *inputs, const char *guard,
                      const armjit_value *in, unsigned nin) {
  char text[256];
  snprintf(text, sizeof text, "[%s]\n%s [%s, 99]\nfinish(7)\n", inputs, guard, inputs);
  armjit_trace *t = irs_parse(ctx, text);
  armjit_frame *f = dirty_frame(ctx, nin + 1, in, nin);
  armjit_error err;
  assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_OK);
  int id = f->exit_id;
  if (id == 0) { /* fail args: the inputs, then the constant */
    assert_int_equal(f->nvalues, nin + 1);
    for (unsigned k = 0; k < nin; k++) assert_true(f->values[k].bits == in[k].bits);
    assert_true(f->values[nin].bits == 99);
  } else {
    assert_int_equal(id, 1);
    assert_int_equal(f->nvalues, 1);
    assert_true(f->values[0].bits == 7);
  }
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  return id;
}

#define PASS(inputs, guard, ...)                                               \
  do {                                                                         \
    armjit_value in_[] = {__VA_ARGS__};                                        \
    assert_int_equal(guard_exit(ctx, inputs, guard, in_, sizeof in_ / sizeof in_[0]), 1); \
  } while (0)
#define FAIL(inputs, guard, ...)                                               \
  do {                                                                         \
    armjit_value in_[] = {__VA_ARGS__};                                        \
    assert_int_equal(guard_exit(ctx, inputs, guard, in_, sizeof in_ / sizeof in_[0]), 0); \
  } while (0)

static void test_guards(void **state) {
  armjit_ctx *ctx = *state;
  PASS("i0", "guard_true(i0)", irs_i(1));
  PASS("i0", "guard_true(i0)", irs_i(-1));
  PASS("i0", "guard_true(i0)", irs_i(IMIN));
  FAIL("i0", "guard_true(i0)", irs_i(0));
  PASS("i0", "guard_false(i0)", irs_i(0));
  FAIL("i0", "guard_false(i0)", irs_i(1));
  FAIL("i0", "guard_false(i0)", irs_i(IMIN));
  PASS("i0, i1", "guard_value(i0, i1)", irs_i(5), irs_i(5));
  PASS("i0, i1", "guard_value(i0, i1)", irs_i(IMIN), irs_i(IMIN));
  FAIL("i0, i1", "guard_value(i0, i1)", irs_i(5), irs_i(6));
  PASS("i0", "guard_value(i0, -2147483648)", irs_i(IMIN));
  FAIL("i0", "guard_value(i0, -1)", irs_i(IMAX));
  PASS("p0, p1", "guard_value(p0, p1)", irs_r(0x1234), irs_r(0x1234));
  FAIL("p0, p1", "guard_value(p0, p1)", irs_r(0x1234), irs_r(0x1238));
  PASS("p0", "guard_value(p0, ref(0x1000))", irs_r(0x1000));
  PASS("f0, f1", "guard_value(f0, f1)", irs_f(1.5), irs_f(1.5));
  PASS("f0, f1", "guard_value(f0, f1)", irs_f(0.0), irs_f(-0.0)); /* numerically equal */
  PASS("f0, f1", "guard_value(f0, f1)", irs_f(INFINITY), irs_f(INFINITY));
  FAIL("f0, f1", "guard_value(f0, f1)", irs_f(1.5), irs_f(2.5));
  FAIL("f0, f1", "guard_value(f0, f1)", irs_f(NAN), irs_f(NAN)); /* NaN never passes */
  FAIL("f0", "guard_value(f0, nan)", irs_f(NAN));
  PASS("f0", "guard_value(f0, -0.0)", irs_f(0.0));
  PASS("p0", "guard_nonnull(p0)", irs_r(0x1234));
  FAIL("p0", "guard_nonnull(p0)", irs_r(0));
  PASS("p0", "guard_isnull(p0)", irs_r(0));
  FAIL("p0", "guard_isnull(p0)", irs_r(1));
  /* mixed-type fail args keep their slots' full bits */
  FAIL("i0, p1, f2", "guard_true(i0)", irs_i(0), irs_r(0xabc), irs_f(-0.0));
  FAIL("i0, f1", "guard_false(i0)", irs_i(-1), irs_f(irs_dbl(0x7ff0000000000abcull)));
}

/* ---- control flow ---------------------------------------------------------------- */
static const char sum_loop[] =
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "i2 = int_add(i1, i0)\n"
    "i3 = int_sub(i0, 1)\n"
    "i4 = int_gt(i3, 0)\n"
    "guard_true(i4, descr=done) [i2, i3]\n"
    "jump(i3, i2, descr=L)\n";

static void test_loop(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_parse(ctx, sum_loop);
  armjit_value in[2] = {irs_i(10), irs_i(0)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  assert_int_equal(f->nvalues, 2);
  assert_int_equal(f->values[0].i, 55);
  assert_int_equal(f->values[1].i, 0);
  armjit_frame_free(ctx, f);
  /* The frame may be reused: a second run starts from the new inputs. */
  in[0] = irs_i(1000);
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->values[0].i, 500500);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
}

/* jump assigns all label args at once: a swap must not clobber. */
static void test_jump_parallel(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_parse(ctx,
                              "[i0, i1, i2]\n"
                              "label(i0, i1, i2, descr=L)\n"
                              "i3 = int_sub(i2, 1)\n"
                              "guard_true(i3, descr=out) [i0, i1]\n"
                              "jump(i1, i0, i3, descr=L)\n");
  for (int32_t n = 1; n <= 4; n++) {
    armjit_value in[3] = {irs_i(11), irs_i(22), irs_i(n)};
    armjit_frame *f = irs_run(ctx, t, in, 0);
    assert_int_equal(f->exit_id, 0);
    bool swapped = (n - 1) % 2 == 1;
    assert_int_equal(f->values[0].i, swapped ? 22 : 11);
    assert_int_equal(f->values[1].i, swapped ? 11 : 22);
    armjit_frame_free(ctx, f);
  }
  armjit_trace_free(t);
}

/* A jump back to the first of two labels, with constants as jump args. */
static void test_two_labels(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_parse(ctx,
                              "[i0, f1]\n"
                              "label(i0, f1, descr=A)\n"
                              "f2 = float_add(f1, 1.0)\n"
                              "guard_false(i0, descr=a_exit) [i0, f2]\n"
                              "label(i0, f2, descr=B)\n"
                              "jump(7, f2, descr=A)\n");
  armjit_value in[2] = {irs_i(0), irs_f(0.5)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  /* first pass: guard passes (i0 = 0), jump sets i0 = 7; second pass fails */
  assert_int_equal(f->exit_id, 0);
  assert_int_equal(f->values[0].i, 7);
  assert_true(f->values[1].f == 2.5);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
}

/* Steps are ops executed: the label once, then 5 per iteration, the last
 * iteration 4 (it leaves at the guard). */
static void test_step_limit(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_parse(ctx, sum_loop);
  armjit_value in[2] = {irs_i(10), irs_i(0)};
  armjit_frame *f = armjit_frame_new(ctx, 2);
  armjit_error err;
  f->values[0] = in[0];
  f->values[1] = in[1];
  assert_int_equal(armjit_interpret(t, f, 50, &err), ARMJIT_OK);
  assert_int_equal(f->values[0].i, 55);
  f->values[0] = in[0];
  f->values[1] = in[1];
  assert_int_equal(armjit_interpret(t, f, 49, &err), ARMJIT_E_LIMIT);
  irs_expect_err(&err, ARMJIT_E_LIMIT, "step limit", "49", (const char *)NULL);
  assert_int_equal(f->exit_id, -1);
  assert_int_equal(f->nvalues, 0);
  armjit_trace_free(t);

  t = irs_parse(ctx, "[i0]\nlabel(i0, descr=L)\ni1 = int_add(i0, 1)\njump(i1, descr=L)\n");
  assert_int_equal(armjit_interpret(t, f, 100000, &err), ARMJIT_E_LIMIT);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
}

static void test_frame_checks(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_trace *t = irs_parse(ctx, "[i0, i1]\nfinish(i0)\n");
  armjit_frame *f = armjit_frame_new(ctx, 1);
  assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_E_ARG);
  irs_expect_err(&err, ARMJIT_E_ARG, "frame has 1", "needs 2", (const char *)NULL);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);

  /* an exit with more values than inputs decides the size */
  t = irs_parse(ctx, "[i0]\nguard_true(i0) [i0, i0, i0]\nfinish(i0)\n");
  f = armjit_frame_new(ctx, 2);
  assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_E_ARG);
  irs_expect_err(&err, ARMJIT_E_ARG, "needs 3", (const char *)NULL);
  armjit_frame_free(ctx, f);
  f = armjit_frame_new(ctx, 3);
  assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_OK);
  assert_int_equal(f->exit_id, 0);
  assert_int_equal(f->nvalues, 3);
  assert_int_equal(armjit_interpret(NULL, f, 0, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_interpret(t, NULL, 0, &err), ARMJIT_E_ARG);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
}

/* An invalid trace is refused with the validator's error. */
static void test_interpret_invalid(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val i0 = armjit_input(t, ARMJIT_INT);
  (void)armjit_op(t, ARMJIT_OP_INT_NEG, &i0, 1); /* no final op */
  armjit_frame *f = armjit_frame_new(ctx, 4);
  assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_E_INVALID);
  irs_expect_err(&err, ARMJIT_E_INVALID, "jump or finish", (const char *)NULL);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
}

/* The smallest traces: no op has an argument, so the trace has no
 * argument pool at all.  Validating, printing, interpreting and compiling
 * them must not do arithmetic on the missing pool (clang's UBSan flags
 * NULL + 0). */
static void test_no_arguments(void **state) {
  armjit_ctx *ctx = *state;
  static const char *const texts[] = {"[]\nfinish()\n", "[i0]\nfinish()\n"};
  for (unsigned k = 0; k < 2; k++) {
    armjit_trace *t = irs_parse(ctx, texts[k]);
    assert_int_equal(t->nrefs, 0);
    char *s = irs_print(t);
    assert_string_equal(s, texts[k]);
    free(s);
    armjit_value in[1] = {irs_i(7)};
    armjit_frame *f = irs_run(ctx, t, in, 0);
    assert_int_equal(f->exit_id, 0);
    assert_int_equal(f->nvalues, 0);
    armjit_frame_free(ctx, f);
    armjit_error err;
    armjit_loop *loop = armjit_compile_loop(ctx, t, &err);
    if (!loop) fail_msg("compile: %s", err.msg);
    assert_int_equal(armjit_loop_nexits(loop), 1);
    armjit_loop_free(loop);
    armjit_trace_free(t);
  }
  /* by the builder: finish with no values, and a NULL list of none */
  armjit_trace *t = armjit_trace_new(ctx);
  assert_int_equal(armjit_finish(t, NULL, 0), 0);
  assert_int_equal(armjit_trace_validate(t, NULL), ARMJIT_OK);
  armjit_exit_info info;
  assert_int_equal(armjit_trace_exit_info(t, 0, &info), ARMJIT_OK);
  assert_int_equal(info.nvalues, 0);
  armjit_frame *f = irs_run(ctx, t, NULL, 0);
  assert_int_equal(f->exit_id, 0);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
}

static void test_frame_new(void **state) {
  armjit_ctx *ctx = *state;
  armjit_frame *f = armjit_frame_new(ctx, 5);
  assert_non_null(f);
  assert_int_equal(f->capacity, 5);
  assert_int_equal(f->nvalues, 0);
  assert_int_equal(f->exit_id, -1);
  for (int k = 0; k < 5; k++) assert_true(f->values[k].bits == 0);
  assert_true((char *)&f->values[0] - (char *)f == 24);
  armjit_frame_free(ctx, f);
  f = armjit_frame_new(ctx, 0);
  assert_non_null(f);
  armjit_frame_free(ctx, f);
  assert_null(armjit_frame_new(NULL, 1));
  armjit_frame_free(ctx, NULL);
}

/* The frame comparison helper of tests/support: NaN == NaN, else bitwise. */
static void test_frames_equal_helper(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_parse(ctx, "[i0, f1]\nfinish(i0, f1)\n");
  armjit_frame *a = armjit_frame_new(ctx, 2), *b = armjit_frame_new(ctx, 2);
  a->exit_id = b->exit_id = 0;
  a->nvalues = b->nvalues = 2;
  a->values[0] = b->values[0] = irs_i(-1);
  a->values[1] = irs_f(irs_dbl(NAN_BITS));
  b->values[1] = irs_f(irs_dbl(NEG_NAN_BITS | 5));
  assert_true(irs_frames_equal(t, a, b, NULL, 0));
  assert_true(irs_frames_equal(NULL, a, b, NULL, 0));
  b->values[1] = irs_f(-0.0);
  a->values[1] = irs_f(0.0);
  char why[160];
  assert_false(irs_frames_equal(t, a, b, why, sizeof why));
  assert_non_null(strstr(why, "value 1"));
  a->values[1] = b->values[1];
  b->values[0].bits = 0xffffffffffffffffull; /* an int slot with dirty upper bits */
  assert_false(irs_frames_equal(t, a, b, why, sizeof why));
  b->values[0] = a->values[0];
  b->exit_id = 1;
  assert_false(irs_frames_equal(t, a, b, why, sizeof why));
  armjit_frame_free(ctx, a);
  armjit_frame_free(ctx, b);
  armjit_trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_int_arith),      cmocka_unit_test(test_int_div),
      cmocka_unit_test(test_int_bits),       cmocka_unit_test(test_int_compare),
      cmocka_unit_test(test_refs),           cmocka_unit_test(test_ovf),
      cmocka_unit_test(test_float_arith),    cmocka_unit_test(test_float_nan_bits),
      cmocka_unit_test(test_float_nan_results),
      cmocka_unit_test(test_float_compare),  cmocka_unit_test(test_casts),
      cmocka_unit_test(test_guards),         cmocka_unit_test(test_loop),
      cmocka_unit_test(test_jump_parallel),  cmocka_unit_test(test_two_labels),
      cmocka_unit_test(test_step_limit),     cmocka_unit_test(test_frame_checks),
      cmocka_unit_test(test_interpret_invalid), cmocka_unit_test(test_frame_new),
      cmocka_unit_test(test_frames_equal_helper), cmocka_unit_test(test_no_arguments),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
