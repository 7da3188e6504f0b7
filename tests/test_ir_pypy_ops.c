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

#include <math.h>
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

/* ---- narrow call results (docs/ir.md §11.1) -------------------------------- */
static int32_t ident(int32_t x) { return x; }

static void test_narrow_results(void **state) {
  armjit_ctx *ctx = *state;
  assert_int_equal(armjit_ctx_add_symbol(ctx, "ident", (uintptr_t)&ident), ARMJIT_OK);
  static const int32_t xs[] = {0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
                               0x12345680, -1, INT32_MIN, INT32_MAX, 0x00018001};
  static const struct { const char *props; int size; bool sgn; } ds[] = {
      {", size=1, signed", 1, true}, {", size=1", 1, false}, {", size=2, signed", 2, true},
      {", size=2", 2, false},        {", size=4", 4, false}, {"", 4, false},
      {", size=4, signed", 4, true},
  };
  for (size_t d = 0; d < sizeof ds / sizeof ds[0]; d++) {
    char text[256];
    snprintf(text, sizeof text,
             "descr C = call(args=[int], result=int%s)\n[i0]\n"
             "i1 = call(sym(ident), i0, descr=C)\nfinish(i1)\n", ds[d].props);
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
      armjit_value in = irs_i(xs[k]);
      int32_t got = run1(ctx, text, &in).i;
      uint32_t u = (uint32_t)xs[k];
      int32_t want = ds[d].size == 1 ? (ds[d].sgn ? (int8_t)u : (int32_t)(u & 0xff))
                     : ds[d].size == 2 ? (ds[d].sgn ? (int16_t)u : (int32_t)(u & 0xffff))
                                       : xs[k];
      if (got != want)
        fail_msg("call result%s of %#x: %#x, want %#x", ds[d].props, (unsigned)u,
                 (unsigned)got, (unsigned)want);
    }
  }
  /* the API's fields, printed as the text form's properties */
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_type it = ARMJIT_INT;
  armjit_call_descr cd = {&it, 1, ARMJIT_INT,
                          ARMJIT_CALL_RESULT_HALF | ARMJIT_CALL_RESULT_SIGNED};
  int di = armjit_descr_call(t, &cd);
  assert_true(di >= 0);
  armjit_val a[2] = {armjit_const_ref(t, (uintptr_t)&ident), armjit_input(t, ARMJIT_INT)};
  armjit_val r = armjit_op_descr(t, ARMJIT_OP_CALL, a, 2, di);
  armjit_finish(t, &r, 1);
  char *s = irs_print(t);
  assert_non_null(strstr(s, "call(args=[int], result=int, size=2, signed)"));
  assert_non_null(strstr(s, "call(sym(ident), i0, descr="));
  free(s);
  armjit_value in = irs_i(0x00018001);
  armjit_frame *f = irs_run(ctx, t, &in, 0);
  assert_int_equal(f->values[0].i, -32767);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  /* bad widths: text, then API (the first misuse is the one reported) */
  irs_expect_error(ctx, "descr C = call(args=[int], result=float, size=1)\n[]\nfinish()\n",
                   ARMJIT_E_INVALID, 1, 42, "int results only", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int], result=int, size=3)\n[]\nfinish()\n",
                   ARMJIT_E_INVALID, 1, 40, "1, 2 or 4 bytes", NULL);
  irs_expect_error(ctx, "descr C = call(args=[], signed)\n[]\nfinish()\n", ARMJIT_E_INVALID,
                   1, 25, "int results only", NULL);
  irs_expect_error(ctx, "descr C = call(args=[], result=int, size=2, size=2)\n[]\nfinish()\n",
                   ARMJIT_E_SYNTAX, 1, 45, "size given twice", NULL);
  t = armjit_trace_new(ctx);
  armjit_call_descr bad = {&it, 1, ARMJIT_REF, ARMJIT_CALL_RESULT_BYTE};
  assert_int_equal(armjit_descr_call(t, &bad), -1);
  armjit_call_descr both = {&it, 1, ARMJIT_INT, ARMJIT_CALL_RESULT_BYTE | ARMJIT_CALL_RESULT_HALF};
  assert_int_equal(armjit_descr_call(t, &both), -1);
  armjit_error err;
  armjit_finish(t, NULL, 0);
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_E_ARG); /* builder misuse */
  assert_non_null(strstr(err.msg, "armjit_descr_call: a result size and sign apply to int "
                                  "results only"));
  armjit_trace_free(t);
}

/* ---- zero_array (docs/ir.md §10.2) ---------------------------------------- */
static void test_zero_array(void **state) {
  armjit_ctx *ctx = *state;
  int16_t buf[40];
  for (int k = 0; k < 40; k++) buf[k] = (int16_t)(k + 1);
  char text[512];
  /* items 2 .. 2+n-1 of the array at buf + 8 bytes (item 0 is buf[4]) */
  snprintf(text, sizeof text,
           "descr A = array(base=8, item=2, signed, int)\n[i0, i1]\n"
           "zero_array(ref(%#lx), i0, i1, descr=A)\nfinish()\n",
           (unsigned long)(uintptr_t)buf);
  static const struct { int32_t start, n; } cases[] = {{2, 3}, {0, 1}, {5, 0}, {7, -1},
                                                       {1, INT32_MIN}, {0, 30}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    for (int k = 0; k < 40; k++) buf[k] = (int16_t)(k + 1);
    armjit_value in[2] = {irs_i(cases[c].start), irs_i(cases[c].n)};
    armjit_trace *t = irs_parse(ctx, text);
    armjit_frame_free(ctx, irs_run(ctx, t, in, 0));
    armjit_trace_free(t);
    for (int k = 0; k < 40; k++) {
      int item = k - 4;
      bool zero = item >= cases[c].start && item < cases[c].start + cases[c].n;
      if ((buf[k] == 0) != zero)
        fail_msg("zero_array(%d, %d): buf[%d] = %d", (int)cases[c].start, (int)cases[c].n, k,
                 buf[k]);
    }
  }
  /* 8-byte items: doubles become +0.0 */
  double d[6] = {1, 2, 3, 4, 5, 6};
  snprintf(text, sizeof text,
           "descr D = array(base=0, item=8, float)\n[]\n"
           "zero_array(ref(%#lx), 1, 2, descr=D)\nfinish()\n",
           (unsigned long)(uintptr_t)d);
  armjit_trace *t = irs_parse(ctx, text);
  armjit_frame_free(ctx, irs_run(ctx, t, NULL, 0));
  armjit_trace_free(t);
  assert_true(d[0] == 1 && d[3] == 4 && d[1] == 0 && d[2] == 0 && !signbit(d[1]));
  /* its rules: an array descriptor, (ref, int, int) */
  irs_expect_error(ctx, "descr F = field(offset=0, size=4, int)\n[p0]\nzero_array(p0, 0, 1, descr=F)\n"
                        "finish()\n", ARMJIT_E_INVALID, 3, 22, "zero_array", "array", NULL);
  irs_expect_error(ctx, "descr A = array(base=0, int, item=4)\n[p0]\n"
                        "zero_array(p0, 0, descr=A)\nfinish()\n", ARMJIT_E_INVALID, 3, 1,
                   "wrong number of arguments", NULL);
  irs_expect_error(ctx, "descr A = array(base=0, int, item=4)\n[p0]\n"
                        "zero_array(p0, 0, 1.5, descr=A)\nfinish()\n", ARMJIT_E_TYPE, 3, 19,
                   "argument 3", NULL);
  irs_expect_error(ctx, "[p0]\nzero_array(p0, 0, 1)\nfinish()\n", ARMJIT_E_SYNTAX, 2, 1,
                   "needs descr=", NULL);
}

/* ---- cond_call (docs/ir.md §11.5) ------------------------------------------ */
static void note(int32_t *p, int32_t x) {
  p[0]++;
  p[1] = x;
}
static void raiser(armjit_ctx *ctx, int32_t x) { armjit_raise(ctx, (uintptr_t)(uint32_t)x); }

static void test_cond_call(void **state) {
  armjit_ctx *ctx = *state;
  assert_int_equal(armjit_ctx_add_symbol(ctx, "note", (uintptr_t)&note), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "raiser", (uintptr_t)&raiser), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "the_ctx", (uintptr_t)ctx), ARMJIT_OK);
  int32_t box[2] = {0, 0};
  char text[512];
  snprintf(text, sizeof text,
           "descr N = call(args=[ref, int])\n[i0, i1]\n"
           "cond_call(i0, sym(note), ref(%#lx), i1, descr=N)\nfinish(i1)\n",
           (unsigned long)(uintptr_t)box);
  static const int32_t conds[] = {0, 1, -1, 2, INT32_MIN, 0};
  int32_t calls = 0;
  for (size_t k = 0; k < sizeof conds / sizeof conds[0]; k++) {
    armjit_value in[2] = {irs_i(conds[k]), irs_i(100 + (int32_t)k)};
    run1(ctx, text, in);
    if (conds[k]) {
      calls++;
      assert_int_equal(box[1], 100 + (int32_t)k);
    }
    assert_int_equal(box[0], calls); /* made exactly when the condition is not 0 */
  }
  /* an exception only when the call is made; the guard sees the slot */
  armjit_trace *t = irs_parse(ctx, "descr R = call(args=[ref, int], may_raise)\n[i0, i1]\n"
                                   "cond_call(i0, sym(raiser), sym(the_ctx), i1, descr=R)\n"
                                   "guard_no_exception(descr=raised) [i1]\n"
                                   "finish(i0, descr=quiet)\n");
  armjit_value in[2] = {irs_i(0), irs_i(0x50)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 1);
  armjit_frame_free(ctx, f);
  in[0] = irs_i(3);
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  assert_true(armjit_exception(ctx) == 0x50);
  armjit_clear_exception(ctx);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  /* rules */
  irs_expect_error(ctx, "descr C = call(args=[int], result=int)\n[i0]\n"
                        "cond_call(i0, sym(note), i0, descr=C)\nfinish()\n",
                   ARMJIT_E_INVALID, 3, 30, "has a result", "result=void", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int], may_force)\n[i0]\n"
                        "cond_call(i0, sym(note), i0, descr=C)\nfinish()\n",
                   ARMJIT_E_INVALID, 3, 30, "may_force", "cond_call", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int])\n[f0, i1]\n"
                        "cond_call(f0, sym(note), i1, descr=C)\nfinish()\n",
                   ARMJIT_E_TYPE, 3, 11, "the condition (int)", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int])\n[i0, i1]\n"
                        "cond_call(i0, sym(note), descr=C)\nfinish()\n",
                   ARMJIT_E_INVALID, 3, 1, "takes the condition, the function and 1 argument",
                   NULL);
  irs_expect_error(ctx, "descr C = call(args=[int])\n[i0, f1]\n"
                        "cond_call(i0, sym(note), f1, descr=C)\nfinish()\n",
                   ARMJIT_E_TYPE, 3, 26, "argument 3", "descr C says int", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int])\n[i0, f1]\n"
                        "cond_call(i0, f1, i0, descr=C)\nfinish()\n",
                   ARMJIT_E_TYPE, 3, 15, "argument 2", "function's address", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int])\n[i0]\n"
                        "cond_call(i0, sym(note), i0, descr=C)\nguard_no_exception() []\n"
                        "finish()\n",
                   ARMJIT_E_INVALID, 4, 1, "may_raise", NULL);
}

/* ---- cond_call_value (docs/ir.md §11.5) ------------------------------------ */
/* Counts its calls in p[0]; returns x * 3 + 1 (or, narrowed, a word whose
 * upper bits are garbage). */
static int32_t triple(int32_t *p, int32_t x) {
  p[0]++;
  return x * 3 + 1;
}
static uintptr_t box_of(int32_t *p) {
  p[0]++;
  return (uintptr_t)(p + 1);
}
static int32_t raise_zero(armjit_ctx *ctx, int32_t x) {
  armjit_raise(ctx, (uintptr_t)(uint32_t)x);
  return 0;
}

static void test_cond_call_value(void **state) {
  armjit_ctx *ctx = *state;
  assert_int_equal(armjit_ctx_add_symbol(ctx, "triple", (uintptr_t)&triple), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "box_of", (uintptr_t)&box_of), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "raise_zero", (uintptr_t)&raise_zero),
                   ARMJIT_OK);
  armjit_ctx_add_symbol(ctx, "the_ctx", (uintptr_t)ctx);
  int32_t box[4] = {0, 0, 0, 0};
  char text[512];
  /* int: the value, or the call's result when it is 0 */
  snprintf(text, sizeof text,
           "descr T = call(args=[ref, int], result=int)\n[i0, i1]\n"
           "i2 = cond_call_value(i0, sym(triple), ref(%#lx), i1, descr=T)\nfinish(i2, i0)\n",
           (unsigned long)(uintptr_t)box);
  static const int32_t vals[] = {0, 1, -1, INT32_MIN, 0, 7};
  int32_t calls = 0;
  for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
    armjit_value in[2] = {irs_i(vals[k]), irs_i(100 + (int32_t)k)};
    armjit_value r = run1(ctx, text, in);
    calls += vals[k] == 0;
    assert_int_equal(box[0], calls); /* called exactly when the value is 0 */
    assert_int_equal(r.i, vals[k] ? vals[k] : 3 * (100 + (int32_t)k) + 1);
  }
  /* a narrow result, sign-extended as the descriptor says */
  snprintf(text, sizeof text,
           "descr T = call(args=[ref, int], result=int, size=1, signed)\n[i0, i1]\n"
           "i2 = cond_call_value(i0, sym(triple), ref(%#lx), i1, descr=T)\nfinish(i2)\n",
           (unsigned long)(uintptr_t)box);
  armjit_value in[2] = {irs_i(0), irs_i(0x2a)}; /* 3 * 42 + 1 = 127; 43: 130 = -126 */
  assert_int_equal(run1(ctx, text, in).i, 127);
  in[1] = irs_i(43);
  assert_int_equal(run1(ctx, text, in).i, -126);
  /* ref: null computes, anything else is kept */
  snprintf(text, sizeof text,
           "descr B = call(args=[ref], result=ref)\n[p0]\n"
           "p1 = cond_call_value(p0, sym(box_of), ref(%#lx), descr=B)\nfinish(p1)\n",
           (unsigned long)(uintptr_t)box);
  box[0] = 0;
  in[0] = irs_r(0);
  assert_true(run1(ctx, text, in).r == (uintptr_t)(box + 1));
  in[0] = irs_r(0x1234);
  assert_true(run1(ctx, text, in).r == 0x1234);
  assert_int_equal(box[0], 1);
  /* constant values: 0 always calls, another never */
  snprintf(text, sizeof text,
           "descr T = call(args=[ref, int], result=int)\n[i0]\n"
           "i1 = cond_call_value(0, sym(triple), ref(%#lx), i0, descr=T)\n"
           "i2 = cond_call_value(-5, sym(triple), ref(%#lx), i0, descr=T)\nfinish(i1, i2)\n",
           (unsigned long)(uintptr_t)box, (unsigned long)(uintptr_t)box);
  box[0] = 0;
  in[0] = irs_i(2);
  armjit_trace *t = irs_parse(ctx, text);
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->values[0].i, 7);
  assert_int_equal(f->values[1].i, -5);
  assert_int_equal(box[0], 1);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  /* may_raise: guard_no_exception may follow; the slot is untouched when
   * no call is made */
  t = irs_parse(ctx, "descr R = call(args=[ref, int], result=int, may_raise)\n[i0, i1]\n"
                     "i2 = cond_call_value(i0, sym(raise_zero), sym(the_ctx), i1, descr=R)\n"
                     "guard_no_exception(descr=raised) [i1]\n"
                     "finish(i2, descr=quiet)\n");
  in[0] = irs_i(9);
  in[1] = irs_i(0x60);
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 1);
  assert_int_equal(f->values[0].i, 9);
  armjit_frame_free(ctx, f);
  in[0] = irs_i(0);
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  assert_true(armjit_exception(ctx) == 0x60);
  armjit_clear_exception(ctx);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  /* the text form round trips */
  armjit_trace_free(irs_roundtrip(ctx, "descr T = call(args=[ref, int], result=int)\n"
                                      "[i0, p1]\n"
                                      "i2 = cond_call_value(i0, sym(triple), p1, i0, descr=T)\n"
                                      "finish(i2)\n"));
  /* rules */
  irs_expect_error(ctx, "descr C = call(args=[int])\n[i0]\n"
                        "cond_call_value(i0, sym(triple), i0, descr=C)\nfinish()\n",
                   ARMJIT_E_INVALID, 3, 1, "void result", "an int or a ref", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int], result=float)\n[f0]\n"
                        "f1 = cond_call_value(f0, sym(triple), 1, descr=C)\nfinish(f1)\n",
                   ARMJIT_E_INVALID, 3, 6, "float result", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int], result=int)\n[p0]\n"
                        "i1 = cond_call_value(p0, sym(triple), 1, descr=C)\nfinish(i1)\n",
                   ARMJIT_E_TYPE, 3, 22, "expected the value", "(int)", NULL);
  irs_expect_error(ctx, "descr C = call(args=[int], result=int)\n[i0]\n"
                        "i1 = cond_call_value(i0, sym(triple), descr=C)\nfinish(i1)\n",
                   ARMJIT_E_INVALID, 3, 6, "takes the value, the function and 1 argument",
                   NULL);
  irs_expect_error(ctx, "descr C = call(args=[int], result=int, may_force)\n[i0]\n"
                        "i1 = cond_call_value(i0, sym(triple), i0, descr=C)\nfinish(i1)\n",
                   ARMJIT_E_INVALID, 3, 43, "may_force", "cond_call_value", NULL);
}

/* ---- guard_not_forced_2 (docs/ir.md §11.3) --------------------------------- */
static void force_if(uintptr_t token, int32_t x) {
  if (x) armjit_force(token);
}

static void test_not_forced_2(void **state) {
  armjit_ctx *ctx = *state;
  assert_int_equal(armjit_ctx_add_symbol(ctx, "force_if", (uintptr_t)&force_if), ARMJIT_OK);
  armjit_trace *t = irs_parse(ctx, "descr F = call(args=[ref, int])\n[i0, i1]\n"
                                   "p2 = force_token()\n"
                                   "call(sym(force_if), p2, i0, descr=F)\n"
                                   "i3 = int_add(i0, i1)\n"
                                   "guard_not_forced_2(descr=first) [i3]\n"
                                   "cond_call(i1, sym(force_if), p2, i1, descr=F)\n"
                                   "guard_not_forced_2(descr=second) [i3, i1]\n"
                                   "finish(i3, descr=done)\n");
  static const struct { int32_t x, y; int exit; } cases[] = {
      {0, 0, 2}, {1, 0, 0}, {0, 5, 1}, {1, 5, 0}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    armjit_value in[2] = {irs_i(cases[k].x), irs_i(cases[k].y)};
    armjit_frame *f = irs_run(ctx, t, in, 0);
    assert_int_equal(f->exit_id, cases[k].exit);
    assert_int_equal(f->values[0].i, cases[k].x + cases[k].y);
    armjit_frame_free(ctx, f);
  }
  armjit_trace_free(t);
  /* read and clear: a second check after one that failed into a bridge
   * would pass; here, two in a row after one forcing */
  t = irs_parse(ctx, "descr F = call(args=[ref, int])\n[i0]\n"
                     "p2 = force_token()\n"
                     "call(sym(force_if), p2, 1, descr=F)\n"
                     "guard_not_forced_2() [i0]\n"
                     "finish(i0)\n");
  armjit_value in = irs_i(3);
  armjit_frame *f = irs_run(ctx, t, &in, 0);
  assert_int_equal(f->exit_id, 0);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  irs_expect_error(ctx, "[i0]\nguard_not_forced_2(i0) [i0]\nfinish()\n", ARMJIT_E_INVALID, 2, 1,
                   "wrong number of arguments", NULL);
  irs_expect_error(ctx, "[i0]\nguard_not_forced_2()\nfinish()\n", ARMJIT_E_SYNTAX, 2, 1,
                   "fail-arg list", NULL);
}

/* ---- guard_exception(class) (docs/ir.md §11.2) ------------------------------ */
static void raise_value(armjit_ctx *ctx, uintptr_t v) {
  if (v) armjit_raise(ctx, v);
}

static void test_guard_exception_class(void **state) {
  (void)state;
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.class_offset = 12;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "raise_value", (uintptr_t)&raise_value),
                   ARMJIT_OK);
  /* two objects: their class words at offset 12 */
  uintptr_t a[4] = {0, 0, 0, 0}, b[4] = {0, 0, 0, 0};
  memcpy((char *)a + 12, &(uintptr_t){0x700}, sizeof(uintptr_t));
  memcpy((char *)b + 12, &(uintptr_t){0x800}, sizeof(uintptr_t));
  char text[512];
  snprintf(text, sizeof text,
           "descr R = call(args=[ref, ref], may_raise)\n[p0, i1]\n"
           "call(sym(raise_value), ref(%#lx), p0, descr=R)\n"
           "p2 = guard_exception(ref(0x700), descr=uncaught) [i1]\n"
           "finish(p2, i1, descr=caught)\n",
           (unsigned long)(uintptr_t)ctx);
  armjit_trace *t = irs_parse(ctx, text);
  /* of class 0x700: caught, the slot emptied */
  armjit_value in[2] = {irs_r((uintptr_t)a), irs_i(1)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 1);
  assert_true(f->values[0].r == (uintptr_t)a);
  assert_true(armjit_exception(ctx) == 0);
  armjit_frame_free(ctx, f);
  /* another class: the exit, the slot kept */
  in[0] = irs_r((uintptr_t)b);
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  assert_true(armjit_exception(ctx) == (uintptr_t)b);
  armjit_clear_exception(ctx);
  armjit_frame_free(ctx, f);
  /* none pending: the exit, nothing read */
  in[0] = irs_r(0);
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  assert_true(armjit_exception(ctx) == 0);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
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
  t = irs_roundtrip(*state, "descr C = call(args=[int, float], result=int, size=1, signed)\n"
                            "descr U = call(args=[], result=int, size=2, may_raise)\n"
                            "descr A = array(base=8, item=2, signed, int)\n"
                            "[p0, i1]\n"
                            "i2 = call(p0, i1, 1.0, descr=C)\n"
                            "i3 = call(p0, descr=U)\n"
                            "guard_no_exception() [i2]\n"
                            "zero_array(p0, i2, i3, descr=A)\n"
                            "finish(i3)\n");
  s = irs_print(t);
  assert_non_null(strstr(s, "call(args=[int, float], result=int, size=1, signed)"));
  assert_non_null(strstr(s, "call(args=[], result=int, size=2, may_raise)"));
  assert_non_null(strstr(s, "zero_array(p0, i2, i3, descr=A)"));
  free(s);
  armjit_trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_signext),      cmocka_unit_test(test_mul_high),
      cmocka_unit_test(test_ptr_casts),    cmocka_unit_test(test_instance_ptr),
      cmocka_unit_test(test_signext_rules), cmocka_unit_test(test_narrow_results),
      cmocka_unit_test(test_zero_array),   cmocka_unit_test(test_cond_call),
      cmocka_unit_test(test_cond_call_value),
      cmocka_unit_test(test_not_forced_2), cmocka_unit_test(test_guard_exception_class),
      cmocka_unit_test(test_roundtrip),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
