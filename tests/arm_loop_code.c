/* SPDX-License-Identifier: MIT */
/* The code of loops (src/cg/cg_ctrl.c): rotation and hoisted constants.
 *
 * Rotation: a loop whose label is followed by a
 * compare of label arguments and a guard on it tests at the bottom.  The
 * back edge is the copied compare and one conditional branch back past
 * the header; leaving falls through to the guard's own branch.  Checked:
 * the shape of the code, runs that leave at the top (the first test) and
 * at the bottom against the reference interpreter and C, a bridge on the
 * rotated guard entered from the bottom, and headers that must not rotate
 * (the compare's value is a fail arg; the compare needs a constant loaded;
 * a counted label).
 *
 * Hoisted constants: the float recurrence's constants are loaded once
 * after the label and stay in registers (its body is two VFP instructions);
 * with random register choices the body loses them and the jump reloads
 * them; every run is checked bit for bit against C.  A call loop's
 * function stays in a callee-saved register (BLX of it, no MOVW/MOVT). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "armjit.h"
#include "ir_support.h"

/* s += i for i in [i0, i1): exit "done" with [i2, i0]. */
static const char sum_loop[] =
    "[i0, i1, i2]\n"
    "label(i0, i1, i2, descr=loop)\n"
    "i3 = int_lt(i0, i1)\n"
    "guard_true(i3, descr=done) [i2, i0]\n"
    "i4 = int_add(i2, i0)\n"
    "i5 = int_add(i0, 1)\n"
    "jump(i5, i1, i4, descr=loop)\n";

static uint32_t word_at(const armjit_loop *l, int32_t off) {
  size_t n;
  const uint8_t *p = armjit_loop_code(l, &n);
  uint32_t w;
  assert_true(off >= 0 && (size_t)off + 4 <= n);
  memcpy(&w, p + off, 4);
  return w;
}

/* The jump's code ends with a conditional B and an unconditional one
 * (rotated), or with only an unconditional B (not rotated). */
static bool rotated(const armjit_loop *l, unsigned jump_op) {
  int32_t at = armjit_loop_op_offset(l, jump_op);
  assert_true(at >= 0);
  uint32_t w = word_at(l, at);
  while ((w & 0x0f000000u) != 0x0a000000u) w = word_at(l, at += 4); /* the first B */
  return w >> 28 != 0xe && (word_at(l, at + 4) & 0xff000000u) == 0xea000000u;
}

/* Runs l on (i0, i1, 0) and checks the exit and its values against C. */
static void run_sum(armjit_ctx *ctx, armjit_loop *l, int32_t i0, int32_t i1, int want_exit,
                    int32_t extra) {
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
  f->values[0].i = i0;
  f->values[1].i = i1;
  f->values[2].i = 0;
  armjit_error err;
  int32_t s = 0, i = i0;
  for (; i < i1; i++) s += i;
  assert_int_equal(armjit_run(l, f, &err), want_exit);
  assert_int_equal(f->values[0].i, s + extra);
  assert_int_equal(f->values[1].i, i);
  armjit_frame_free(ctx, f);
}

static void test_rotated_runs(void **state) {
  (void)state;
  for (int random_ra = 0; random_ra < 2; random_ra++) {
    armjit_ctx *ctx = irs_ctx_with(random_ra ? ARMJIT_RANDOM_RA : 0, 77);
    armjit_trace *t = irs_parse(ctx, sum_loop);
    armjit_loop *l = irs_compile(ctx, t);
    if (!random_ra) assert_true(rotated(l, 5));
    run_sum(ctx, l, 0, 0, 0, 0);      /* leaves at the top */
    run_sum(ctx, l, 5, 3, 0, 0);
    run_sum(ctx, l, 0, 1, 0, 0);      /* one iteration, leaves at the bottom */
    run_sum(ctx, l, -7, 100, 0, 0);
    /* the interpreter agrees */
    armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
    f->values[0].i = 3;
    f->values[1].i = 40;
    f->values[2].i = 0;
    armjit_error err;
    assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_OK);
    assert_int_equal(f->exit_id, 0);
    int32_t s = f->values[0].i, i = f->values[1].i;
    f->values[0].i = 3;
    f->values[1].i = 40;
    f->values[2].i = 0;
    assert_int_equal(armjit_run(l, f, &err), 0);
    assert_int_equal(f->values[0].i, s);
    assert_int_equal(f->values[1].i, i);
    armjit_frame_free(ctx, f);
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
}

/* A bridge on the rotated guard: the bottom's failing compare enters it
 * through the guard's branch, the same as the top's. */
static void test_bridge_on_rotated_guard(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(0, 0);
  armjit_trace *t = irs_parse(ctx, sum_loop);
  armjit_loop *l = irs_compile(ctx, t);
  assert_true(rotated(l, 5));
  armjit_error err;
  armjit_trace *bt = armjit_trace_parse(ctx, "[i0, i1]\ni2 = int_add(i0, 1000)\n"
                                             "finish(i2, i1)\n", &err);
  assert_non_null(bt);
  armjit_loop *b = armjit_compile_bridge(ctx, l, 0, bt, &err);
  assert_non_null(b);
  int bridge_exit = armjit_loop_nexits(l); /* the bridge's finish: the next id */
  run_sum(ctx, l, 0, 0, bridge_exit, 1000);  /* from the top */
  run_sum(ctx, l, 0, 6, bridge_exit, 1000);  /* from the bottom */
  armjit_loop_free(b);
  run_sum(ctx, l, 0, 6, 0, 0);               /* the guard's own exit again */
  armjit_trace_free(bt);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

static void test_not_rotated(void **state) {
  (void)state;
  static const struct {
    const char *text;
    unsigned jump_op;
    unsigned flags;
  } cases[] = {
      /* the compare's value is an operand after the guard: it needs a
       * register (int_floordiv's are not replaced by known values) */
      {"[i0, i1, i2]\nlabel(i0, i1, i2, descr=loop)\ni3 = int_lt(i0, i1)\n"
       "guard_true(i3, descr=done) [i2, i0]\ni4 = int_add(i2, i0)\ni7 = int_floordiv(i4, i3)\n"
       "i5 = int_add(i0, 1)\njump(i5, i1, i7, descr=loop)\n", 6, 0},
      /* a counted label: the back edge must pass its count */
      {"[i0, i1, i2]\nlabel(i0, i1, i2, descr=loop)\ni3 = int_lt(i0, i1)\n"
       "guard_true(i3, descr=done) [i2, i0]\ni4 = int_add(i2, i0)\n"
       "i5 = int_add(i0, 1)\njump(i5, i1, i4, descr=loop)\n", 5, ARMJIT_COUNTERS},
      /* an op between the label and the compare */
      {"[i0, i1, i2]\nlabel(i0, i1, i2, descr=loop)\ni3 = int_neg(i0)\ni7 = int_neg(i3)\n"
       "i6 = int_lt(i7, i1)\nguard_true(i6, descr=done) [i2, i0]\ni4 = int_add(i2, i0)\n"
       "i5 = int_add(i0, 1)\njump(i5, i1, i4, descr=loop)\n", 7, 0},
  };
  for (unsigned k = 0; k < sizeof cases / sizeof *cases; k++) {
    armjit_ctx *ctx = irs_ctx_with(cases[k].flags, 0);
    armjit_trace *t = irs_parse(ctx, cases[k].text);
    armjit_loop *l = irs_compile(ctx, t);
    assert_false(rotated(l, cases[k].jump_op));
    run_sum(ctx, l, 2, 9, 0, 0);
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
}

/* Known values (src/cg/cg_known.c) make these rotate: the compare in its
 * own guard's fail args is 0 there, so it lives in the flags only, and
 * int_add(i0, 0) before the compare is i0 and emits nothing. */
static void test_known_values_rotate(void **state) {
  (void)state;
  static const struct {
    const char *text;
    unsigned jump_op;
  } cases[] = {
      {"[i0, i1, i2]\nlabel(i0, i1, i2, descr=loop)\ni3 = int_lt(i0, i1)\n"
       "guard_true(i3, descr=done) [i2, i0, i3]\ni4 = int_add(i2, i0)\n"
       "i5 = int_add(i0, 1)\njump(i5, i1, i4, descr=loop)\n", 5},
      {"[i0, i1, i2]\nlabel(i0, i1, i2, descr=loop)\ni3 = int_add(i0, 0)\n"
       "i6 = int_lt(i3, i1)\nguard_true(i6, descr=done) [i2, i0]\ni4 = int_add(i2, i0)\n"
       "i5 = int_add(i0, 1)\njump(i5, i1, i4, descr=loop)\n", 6},
  };
  for (unsigned k = 0; k < sizeof cases / sizeof *cases; k++) {
    armjit_ctx *ctx = irs_ctx_with(0, 0);
    armjit_trace *t = irs_parse(ctx, cases[k].text);
    armjit_loop *l = irs_compile(ctx, t);
    assert_true(rotated(l, cases[k].jump_op));
    run_sum(ctx, l, 2, 9, 0, 0);
    if (k == 0) { /* the exit hands back i3 = 0 */
      armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
      f->values[0].i = 5;
      f->values[1].i = 5;
      f->values[2].i = 0;
      armjit_error err;
      assert_int_equal(armjit_run(l, f, &err), 0);
      assert_int_equal(f->nvalues, 3);
      assert_int_equal(f->values[2].i, 0);
      assert_int_equal(f->values[1].i, 5);
      armjit_frame_free(ctx, f);
    }
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
}

/* float_add(acc, float_mul(x, y)) with acc dying there is one vmla.f64
 * (src/cg/cg_fold.c), and its sums are the bits of C's multiply and add;
 * float_add(float_mul(x, y), acc) keeps vmul and vadd. */
static void test_vmla(void **state) {
  (void)state;
  static const char *const text[2] = {
      "[i0, i1, f2, f3]\nlabel(i0, i1, f2, f3, descr=loop)\ni4 = int_lt(i0, i1)\n"
      "guard_true(i4, descr=done) [f2]\nf5 = float_mul(f3, f3)\nf6 = float_add(f2, f5)\n"
      "f7 = float_add(f3, 0.75)\ni8 = int_add(i0, 1)\njump(i8, i1, f6, f7, descr=loop)\n",
      "[i0, i1, f2, f3]\nlabel(i0, i1, f2, f3, descr=loop)\ni4 = int_lt(i0, i1)\n"
      "guard_true(i4, descr=done) [f2]\nf5 = float_mul(f3, f3)\nf6 = float_add(f5, f2)\n"
      "f7 = float_add(f3, 0.75)\ni8 = int_add(i0, 1)\njump(i8, i1, f6, f7, descr=loop)\n"};
  for (int k = 0; k < 2; k++) {
    armjit_ctx *ctx = irs_ctx_with(0, 0);
    armjit_trace *t = irs_parse(ctx, text[k]);
    armjit_loop *l = irs_compile(ctx, t);
    /* VMLA.F64 (A8.8.337, encoding A2): cond 1110 0D00 Vn Vd 1011 N0M0 Vm */
    bool mla = (word_at(l, (int32_t)armjit_loop_op_offset(l, 4)) & 0x0fb00f50u) == 0x0e000b00u;
    assert_int_equal(mla, k == 0);
    assert_int_equal(armjit_loop_op_offset(l, 3) < 0, k == 0);  /* the folded multiply */
    armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
    f->values[0].i = 0;
    f->values[1].i = 50;
    f->values[2].f = 0.1;
    f->values[3].f = -3.3;
    double s = 0.1, x = -3.3;
    for (int i = 0; i < 50; i++) {
      volatile double p = x * x;  /* rounded, as VMLA rounds the product */
      s = s + p;
      x = x + 0.75;
    }
    armjit_error err;
    assert_int_equal(armjit_run(l, f, &err), 0);
    assert_memory_equal(&f->values[0].f, &s, sizeof s);
    armjit_frame_free(ctx, f);
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
}

/* The compare with a constant that needs a register (movw/movt, cmp):
 * the copy at the back edge loads it again. */
static void test_constant_header(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(0, 0);
  armjit_trace *t = irs_parse(ctx,
                              "[i0, i1, i2]\n"
                              "label(i0, i1, i2, descr=loop)\n"
                              "i3 = int_lt(i0, 70000)\n"
                              "guard_true(i3, descr=done) [i2, i0]\n"
                              "i4 = int_add(i2, 1)\n"
                              "i5 = int_add(i0, 7)\n"
                              "jump(i5, i1, i4, descr=loop)\n");
  armjit_loop *l = irs_compile(ctx, t);
  assert_true(rotated(l, 5));
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
  f->values[0].i = 0;
  f->values[1].i = 0;
  f->values[2].i = 0;
  armjit_error err;
  assert_int_equal(armjit_run(l, f, &err), 0);
  assert_int_equal(f->values[0].i, (70000 + 6) / 7);
  assert_int_equal(f->values[1].i, (70000 + 6) / 7 * 7);
  armjit_frame_free(ctx, f);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

static const char float_rec[] =
    "[i0, i1, f2]\n"
    "label(i0, i1, f2, descr=loop)\n"
    "i3 = int_lt(i0, i1)\n"
    "guard_true(i3, descr=done) [f2]\n"
    "f4 = float_mul(f2, 0.999999)\n"
    "f5 = float_add(f4, 0.5)\n"
    "i6 = int_add(i0, 1)\n"
    "jump(i6, i1, f5, descr=loop)\n";

static void test_hoisted_float_constants(void **state) {
  (void)state;
  for (uint32_t seed = 0; seed < 6; seed++) {
    armjit_ctx *ctx = irs_ctx_with(seed ? ARMJIT_RANDOM_RA : 0, seed);
    armjit_trace *t = irs_parse(ctx, float_rec);
    armjit_loop *l = irs_compile(ctx, t);
    if (!seed) {
      /* float_mul and float_add: one instruction each, no constant loads */
      for (unsigned op = 3; op <= 4; op++)
        assert_int_equal(armjit_loop_op_offset(l, op + 1) - armjit_loop_op_offset(l, op), 4);
      assert_true(rotated(l, 6));
    }
    for (int32_t n = 0; n < 300; n += 37) {
      armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
      f->values[0].i = 0;
      f->values[1].i = n;
      f->values[2].f = 1.0;
      armjit_error err;
      assert_int_equal(armjit_run(l, f, &err), 0);
      volatile double x = 1.0;
      for (int32_t i = 0; i < n; i++) x = x * 0.999999 + 0.5;
      uint64_t a, b;
      double got = f->values[0].f, want = x;
      memcpy(&a, &got, 8);
      memcpy(&b, &want, 8);
      assert_true(a == b);
      armjit_frame_free(ctx, f);
    }
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
}

static int32_t twice_plus_one(int32_t x) { return 2 * x + 1; }

static void test_hoisted_call_target(void **state) {
  (void)state;
  for (uint32_t seed = 0; seed < 4; seed++) {
    armjit_ctx *ctx = irs_ctx_with(seed ? ARMJIT_RANDOM_RA : 0, seed);
    assert_int_equal(armjit_ctx_add_symbol(ctx, "tpo", (uintptr_t)twice_plus_one), ARMJIT_OK);
    armjit_trace *t = irs_parse(ctx,
                                "descr C = call(args=[int], result=int)\n"
                                "[i0, i1, i2]\n"
                                "label(i0, i1, i2, descr=loop)\n"
                                "i3 = int_lt(i0, i1)\n"
                                "guard_true(i3, descr=done) [i2, i0]\n"
                                "i4 = call(sym(tpo), i0, descr=C)\n"
                                "i5 = int_add(i2, i4)\n"
                                "i6 = int_add(i0, 1)\n"
                                "jump(i6, i1, i5, descr=loop)\n");
    armjit_loop *l = irs_compile(ctx, t);
    if (!seed) {
      /* the call: the argument's move and BLX of a register other than ip */
      long at = armjit_loop_op_offset(l, 3), end = armjit_loop_op_offset(l, 4);
      assert_true(at >= 0 && end - at <= 8);
      uint32_t blx = word_at(l, (int32_t)(end - 4));
      assert_int_equal(blx & 0x0ffffff0u, 0x012fff30u);
      assert_true((blx & 15u) >= 4 && (blx & 15u) <= 10);
    }
    for (int32_t n = 0; n < 50; n += 7) {
      armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
      f->values[0].i = 0;
      f->values[1].i = n;
      f->values[2].i = 0;
      armjit_error err;
      assert_int_equal(armjit_run(l, f, &err), 0);
      int32_t s = 0;
      for (int32_t i = 0; i < n; i++) s += twice_plus_one(i);
      assert_int_equal(f->values[0].i, s);
      armjit_frame_free(ctx, f);
    }
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rotated_runs),
      cmocka_unit_test(test_bridge_on_rotated_guard),
      cmocka_unit_test(test_not_rotated),
      cmocka_unit_test(test_known_values_rotate),
      cmocka_unit_test(test_vmla),
      cmocka_unit_test(test_constant_header),
      cmocka_unit_test(test_hoisted_float_constants),
      cmocka_unit_test(test_hoisted_call_target),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
