/* SPDX-License-Identifier: MIT */
/* The low-level ops of PyPy's backend (docs/ir.md §2.8) in the
 * interpreter, against the spec: every expected value is written from
 * the text of the spec, with the edge cases it names; the validator's
 * rules for them; their text form round trip.  Compiled code is compared
 * with these on ARM (arm_pypy_ops.c, arm_ops.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_support.h"

static int setup(void **state) {
  *state = irs_ctx();
  return 0;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* The first exit value of `text` run on inputs in[]. */
static armjit_value run1(armjit_ctx *ctx, const char *text, const armjit_value *in) {
  armjit_trace *t = irs_parse(ctx, text);
  armjit_frame *f = irs_run(ctx, t, in, 0);
  armjit_value v = f->values[0];
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  return v;
}

/* op(x, k) with x an input and again with x a constant. */
static int32_t signext(armjit_ctx *ctx, int32_t x, int bytes) {
  char text[160];
  snprintf(text, sizeof text, "[i0]\ni1 = int_signext(i0, %d)\nfinish(i1)\n", bytes);
  armjit_value in = irs_i(x);
  int32_t a = run1(ctx, text, &in).i;
  snprintf(text, sizeof text, "[]\ni1 = int_signext(%d, %d)\nfinish(i1)\n", (int)x, bytes);
  int32_t b = run1(ctx, text, NULL).i;
  assert_int_equal(a, b);
  return a;
}

static void test_signext(void **state) {
  armjit_ctx *ctx = *state;
  static const struct { int32_t x; int n; int32_t want; } cases[] = {
      {0x80, 1, -128},        {0x17f, 1, 127},           {0x7f, 1, 127},
      {-1, 1, -1},            {0xff, 1, -1},             {0x100, 1, 0},
      {0x12345681, 1, -127},  {0, 1, 0},                 {INT32_MIN, 1, 0},
      {0x8000, 2, -32768},    {0x7fff, 2, 32767},        {0x1ffff, 2, -1},
      {0x12348001, 2, -32767}, {-65536, 2, 0},           {INT32_MAX, 2, -1},
      {INT32_MIN, 4, INT32_MIN}, {0x80, 4, 0x80},        {-5, 4, -5},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    int32_t got = signext(ctx, cases[k].x, cases[k].n);
    if (got != cases[k].want)
      fail_msg("int_signext(%d, %d) = %d, want %d", (int)cases[k].x, cases[k].n, (int)got,
               (int)cases[k].want);
  }
}

static void test_mul_high(void **state) {
  armjit_ctx *ctx = *state;
  static const struct { uint32_t x, y, want; } cases[] = {
      {0, 0, 0},
      {0xffffffffu, 0xffffffffu, 0xfffffffeu}, /* (2^32-1)^2 = 2^64 - 2^33 + 1 */
      {0x80000000u, 2, 1},
      {0x10000, 0x10000, 1},
      {0xffff, 0xffff, 0},
      {0x12345678u, 0x9abcdef0u, 0x0b00ea4eu},
      {0xffffffffu, 1, 0},
      {0x80000000u, 0x80000000u, 0x40000000u},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    armjit_value in[2] = {irs_i((int32_t)cases[k].x), irs_i((int32_t)cases[k].y)};
    armjit_value v = run1(ctx, "[i0, i1]\ni2 = uint_mul_high(i0, i1)\nfinish(i2)\n", in);
    if ((uint32_t)v.i != cases[k].want)
      fail_msg("uint_mul_high(%#x, %#x) = %#x, want %#x", (unsigned)cases[k].x,
               (unsigned)cases[k].y, (unsigned)v.i, (unsigned)cases[k].want);
    /* both orders, and a constant operand */
    armjit_value sw[2] = {in[1], in[0]};
    assert_int_equal(run1(ctx, "[i0, i1]\ni2 = uint_mul_high(i1, i0)\nfinish(i2)\n", sw).i,
                     v.i);
  }
}

static void test_ptr_casts(void **state) {
  armjit_ctx *ctx = *state;
  static const int32_t ints[] = {0, 1, -1, 0x1000, INT32_MIN, INT32_MAX};
  for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
    armjit_value in = irs_i(ints[k]);
    armjit_value p = run1(ctx, "[i0]\np1 = cast_int_to_ptr(i0)\nfinish(p1)\n", &in);
    /* the int's 32 bits, unsigned, as an address */
    assert_true(p.r == (uintptr_t)(uint32_t)ints[k]);
    armjit_value back = run1(
        ctx, "[i0]\np1 = cast_int_to_ptr(i0)\ni2 = cast_ptr_to_int(p1)\nfinish(i2)\n", &in);
    assert_int_equal(back.i, ints[k]);
  }
  /* the low 32 bits of a ref */
  armjit_value pin = irs_r((uintptr_t)0x89abcdefu);
  assert_int_equal(run1(ctx, "[p0]\ni1 = cast_ptr_to_int(p0)\nfinish(i1)\n", &pin).i,
                   (int32_t)0x89abcdefu);
  if (sizeof(uintptr_t) > 4) {
    pin = irs_r((uintptr_t)UINT64_C(0x1234567800000010));
    assert_int_equal(run1(ctx, "[p0]\ni1 = cast_ptr_to_int(p0)\nfinish(i1)\n", &pin).i, 0x10);
  }
  assert_int_equal(run1(ctx, "[]\ni1 = cast_ptr_to_int(ref(0x7ffffffc))\nfinish(i1)\n", NULL).i,
                   0x7ffffffc);
}

static void test_instance_ptr(void **state) {
  armjit_ctx *ctx = *state;
  static const uintptr_t refs[] = {0, 0x10, 0x10, 0xfffffff0u};
  for (size_t a = 0; a < 4; a++)
    for (size_t b = 0; b < 4; b++) {
      armjit_value in[2] = {irs_r(refs[a]), irs_r(refs[b])};
      armjit_value eq = run1(ctx, "[p0, p1]\ni2 = instance_ptr_eq(p0, p1)\nfinish(i2)\n", in);
      armjit_value ne = run1(ctx, "[p0, p1]\ni2 = instance_ptr_ne(p0, p1)\nfinish(i2)\n", in);
      assert_int_equal(eq.i, refs[a] == refs[b]);
      assert_int_equal(ne.i, refs[a] != refs[b]);
    }
  /* fused with a guard: the exit is taken exactly when they differ */
  armjit_trace *t = irs_parse(ctx, "[p0, p1]\ni2 = instance_ptr_eq(p0, p1)\n"
                                   "guard_true(i2, descr=differ) [p0]\nfinish(p1, descr=same)\n");
  armjit_value in[2] = {irs_r(0x10), irs_r(0x20)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  armjit_frame_free(ctx, f);
  in[1] = in[0];
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 1);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
}

static void test_signext_rules(void **state) {
  armjit_ctx *ctx = *state;
  irs_expect_error(ctx, "[i0, i1]\ni2 = int_signext(i0, i1)\nfinish(i2)\n", ARMJIT_E_INVALID,
                   2, 22, "int_signext", "constant 1, 2 or 4", NULL);
  irs_expect_error(ctx, "[i0]\ni2 = int_signext(i0, 3)\nfinish(i2)\n", ARMJIT_E_INVALID, 2,
                   22, "constant 1, 2 or 4", NULL);
  irs_expect_error(ctx, "[i0]\ni2 = int_signext(i0, 8)\nfinish(i2)\n", ARMJIT_E_INVALID, 2,
                   22, "constant 1, 2 or 4", NULL);
  irs_expect_error(ctx, "[p0]\ni2 = int_signext(p0, 1)\nfinish(i2)\n", ARMJIT_E_TYPE, 2, 18,
                   "int_signext", "ref", NULL);
  irs_expect_error(ctx, "[i0]\np2 = cast_int_to_ptr(i0, 1)\nfinish(p2)\n", ARMJIT_E_INVALID, 2,
                   6, "wrong number of arguments", NULL);
  irs_expect_error(ctx, "[i0]\ni2 = instance_ptr_eq(i0, i0)\nfinish(i2)\n", ARMJIT_E_TYPE, 2,
                   22, "instance_ptr_eq", "expected ref", NULL);
  /* the builder: the same rule, reported by validation */
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val x = armjit_input(t, ARMJIT_INT);
  armjit_val a[2] = {x, x};
  armjit_val r = armjit_op(t, ARMJIT_OP_INT_SIGNEXT, a, 2);
  assert_true(r >= 0);
  armjit_finish(t, &r, 1);
  armjit_error err;
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "constant 1, 2 or 4"));
  armjit_trace_free(t);
}

static void test_roundtrip(void **state) {
  armjit_trace *t = irs_roundtrip(*state,
                                  "[i0, p1, i2]\n"
                                  "i3 = int_signext(i0, 1)\n"
                                  "i4 = int_signext(i3, 2)\n"
                                  "i5 = int_signext(i4, 4)\n"
                                  "i6 = uint_mul_high(i5, -1)\n"
                                  "p7 = cast_int_to_ptr(i6)\n"
                                  "i8 = cast_ptr_to_int(p1)\n"
                                  "i9 = instance_ptr_eq(p7, p1)\n"
                                  "i10 = instance_ptr_ne(p7, null)\n"
                                  "finish(i9, i10, i8, p7)\n");
  char *s = irs_print(t);
  assert_non_null(strstr(s, "i3 = int_signext(i0, 1)\n"));
  assert_non_null(strstr(s, "p7 = cast_int_to_ptr(i6)\n"));
  free(s);
  armjit_trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_signext),      cmocka_unit_test(test_mul_high),
      cmocka_unit_test(test_ptr_casts),    cmocka_unit_test(test_instance_ptr),
      cmocka_unit_test(test_signext_rules), cmocka_unit_test(test_roundtrip),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
