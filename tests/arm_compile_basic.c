/* SPDX-License-Identifier: MIT */
/* Hand-written traces compiled and run, each compared with the reference
 * interpreter in three contexts (default, ARMJIT_RANDOM_RA, no SDIV):
 * counting and float loops, guard exits, finish with constants of every
 * type, compare+guard fusion, SDIV and helper division, values live
 * across helper calls, frames beyond the immediate offset ranges. */
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
#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

static const char counting_loop[] =
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "i2 = int_add(i0, 1)\n"
    "i3 = int_lt(i2, i1)\n"
    "guard_true(i3, descr=done) [i2, i1]\n"
    "jump(i2, i1, descr=L)\n";

static void test_counting_loop(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c, counting_loop, ARMJIT_RANDOM_SEED);
  const int32_t starts[] = {0, -5, 100, 2147483640};
  const int32_t ends[] = {10, 1, 100, 2147483647};
  for (unsigned k = 0; k < 4; k++) {
    armjit_value in[2] = {irs_i(starts[k]), irs_i(ends[k])};
    assert_int_equal(jc_run(&c, in), 0);
  }
  /* The loop body is add, cmp, b<cc>, b: the compare is fused into the
   * guard's branch (one instruction each), the jump needs no moves. */
  armjit_loop *l = c.loop[JC_DEFAULT];
  long add = armjit_loop_op_offset(l, 1), cmp = armjit_loop_op_offset(l, 2);
  long guard = armjit_loop_op_offset(l, 3), jump = armjit_loop_op_offset(l, 4);
  assert_true(add >= 0);
  assert_int_equal(cmp - add, 4);
  assert_int_equal(guard - cmp, 4);
  assert_int_equal(jump - guard, 4);
  assert_int_equal(armjit_loop_op_offset(l, 0), -1); /* the label emits nothing here */
  jc_free(&c);
}

/* Not fusable: the compare's result is also an operand after the guard
 * (of int_floordiv, whose operands are not replaced by known values), so
 * it needs a register (mov #0, mov<cc> #1) and the guard tests it.  In
 * the guard's fail args it is the constant 0 (src/cg/cg_known.c). */
static void test_unfused_compare(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0, i1]\n"
               "label(i0, i1, descr=L)\n"
               "i2 = int_add(i0, 1)\n"
               "i3 = int_lt(i2, i1)\n"
               "guard_true(i3) [i2, i3]\n"
               "i4 = int_floordiv(i2, i3)\n"
               "jump(i4, i1, descr=L)\n",
               ARMJIT_RANDOM_SEED);
  armjit_value in[2] = {irs_i(3), irs_i(9)};
  assert_int_equal(jc_run(&c, in), 0);
  assert_int_equal(c.fc->values[1].i, 0);
  armjit_loop *l = c.loop[JC_DEFAULT];
  assert_int_equal(armjit_loop_op_offset(l, 3) - armjit_loop_op_offset(l, 2), 12);
  assert_int_equal(armjit_loop_op_offset(l, 4) - armjit_loop_op_offset(l, 3), 8);
  jc_free(&c);
}

static void test_float_loop(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[in, ilim, fsum, fx]\n"
               "label(in, ilim, fsum, fx, descr=L)\n"
               "fy = float_mul(fx, 1.5)\n"
               "fs = float_add(fsum, fy)\n"
               "fx2 = float_sub(fx, 0.25)\n"
               "fq = float_truediv(fs, 3.0)\n"
               "fr = float_sqrt(fq)\n"
               "fa = float_abs(fx2)\n"
               "fn = float_neg(fa)\n"
               "in2 = int_add(in, 1)\n"
               "ib = float_lt(fs, 1000000.0)\n"
               "guard_true(ib, descr=big) [in2, fs, fx2, fr]\n"
               "ic = int_lt(in2, ilim)\n"
               "guard_true(ic, descr=done) [in2, fs, fx2, fr, fn]\n"
               "jump(in2, ilim, fs, fx2, descr=L)\n",
               ARMJIT_RANDOM_SEED);
  const double xs[] = {1.0, -3.5, 1e5, 0.0};
  for (unsigned k = 0; k < 4; k++) {
    armjit_value in[4] = {irs_i(0), irs_i(20), irs_f(0.5), irs_f(xs[k])};
    jc_run(&c, in);
  }
  armjit_value in[4] = {irs_i(0), irs_i(5), irs_f(NAN), irs_f(2.0)};
  assert_int_equal(jc_run(&c, in), 0); /* NaN < x is false: leaves at once */
  jc_free(&c);
}

/* Float ops of constants are folded (src/cg/cg_known.c) into the
 * constant the VFP would compute, NaN bits included: they emit nothing,
 * and the finish hands back exactly the VFP's bits (which the comparison
 * with the interpreter, taking any NaN as any NaN, would not see). */
static void test_float_folding(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[f0, i0]\n"
               "f1 = float_add(0.25, 0.75)\n"    /* 1.0 */
               "f2 = float_mul(f1, 3.0)\n"       /* 3.0 */
               "f3 = float_sqrt(f2)\n"
               "f4 = float_neg(f3)\n"            /* -sqrt(3) */
               "i1 = cast_float_to_int(f4)\n"    /* -1 */
               "f5 = cast_int_to_float(7)\n"
               "f6 = float_truediv(0.0, 0.0)\n"  /* the default NaN */
               "f7 = float_neg(nan)\n"           /* a negative quiet NaN */
               "f8 = float_add(1.0, f7)\n"       /* that NaN: an operand's */
               "f9 = float_sqrt(-1.0)\n"         /* the default NaN */
               "i2 = float_ne(f8, f8)\n"         /* 1 */
               "i3 = float_lt(f5, f2)\n"         /* 0 */
               "i4 = cast_float_to_int(1e10)\n"  /* saturated */
               "f10 = float_add(f0, f4)\n"
               "i5 = int_add(i0, i1)\n"
               "finish(f10, i5, f6, f8, f9, i2, i3, i4, f5, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  const double xs[] = {0.0, 1.5, -1e300, NAN};
  for (unsigned k = 0; k < 4; k++) {
    armjit_value in[2] = {irs_f(xs[k]), irs_i((int32_t)k * 1000 - 1)};
    assert_int_equal(jc_run(&c, in), 0);
    const armjit_value *v = c.fc->values;
    assert_int_equal(v[1].i, (int32_t)k * 1000 - 2);
    assert_true(v[2].bits == UINT64_C(0x7ff8000000000000));
    assert_true(v[3].bits == UINT64_C(0xfff8000000000000));
    assert_true(v[4].bits == UINT64_C(0x7ff8000000000000));
    assert_int_equal(v[5].i, 1);
    assert_int_equal(v[6].i, 0);
    assert_int_equal(v[7].i, INT32_MAX);
    assert_true(v[8].f == 7.0);
    assert_true(c.fi->values[3].bits == v[3].bits); /* the interpreter agrees */
  }
  for (unsigned op = 0; op < 13; op++)  /* folded: no code */
    assert_int_equal(armjit_loop_op_offset(c.loop[JC_DEFAULT], op), -1);
  assert_true(armjit_loop_op_offset(c.loop[JC_DEFAULT], 13) >= 0);
  jc_free(&c);
}

/* So do the int ops of one constant. */
static void test_int_unary_folding(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0]\n"
               "i1 = int_neg(-2147483648)\n"  /* wraps: INT32_MIN */
               "i2 = int_invert(i1)\n"        /* INT32_MAX */
               "i3 = int_force_ge_zero(-5)\n" /* 0 */
               "i4 = int_is_zero(i3)\n"       /* 1 */
               "i5 = int_is_true(i2)\n"       /* 1 */
               "i6 = int_add(i0, i5)\n"
               "finish(i6, i1, i2, i3, i4, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  armjit_value in[1] = {irs_i(41)};
  assert_int_equal(jc_run(&c, in), 0);
  const armjit_value *v = c.fc->values;
  assert_int_equal(v[0].i, 42);
  assert_int_equal(v[1].i, INT32_MIN);
  assert_int_equal(v[2].i, INT32_MAX);
  assert_int_equal(v[3].i, 0);
  assert_int_equal(v[4].i, 1);
  for (unsigned op = 0; op < 5; op++)  /* folded: no code */
    assert_int_equal(armjit_loop_op_offset(c.loop[JC_DEFAULT], op), -1);
  jc_free(&c);
}

/* After guard_value(x, k) x is k; a guard on a constant emits nothing
 * when it never fails (its exit stays: a bridge on it compiles and never
 * runs) and a plain branch when it always does. */
static void test_static_guards(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0, i1]\n"
               "guard_value(i0, 7, descr=seven) [i0, i1]\n"
               "i2 = int_add(i0, 1)\n"                      /* 8 */
               "i3 = int_lt(i2, 9)\n"                       /* 1 */
               "guard_true(i3, descr=never) [i1]\n"
               "guard_value(i2, 8, descr=never2) [i1]\n"
               "i4 = int_add(i1, i2)\n"
               "guard_nonnull(ref(0x1000), descr=never3) [i4]\n"
               "guard_isnull(null, descr=never4) [i4]\n"
               "guard_false(i3, descr=always) [i4, i2]\n"
               "finish(i4, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  for (int32_t x = 5; x < 10; x++) {
    armjit_value in[2] = {irs_i(x), irs_i(100)};
    int id = jc_run(&c, in);
    assert_int_equal(id, x == 7 ? 5 : 0);
    if (x == 7) {
      assert_int_equal(c.fc->values[0].i, 108);
      assert_int_equal(c.fc->values[1].i, 8);
    }
  }
  armjit_loop *l = c.loop[JC_DEFAULT];
  assert_true(armjit_loop_op_offset(l, 0) >= 0);   /* guard_value(i0, 7) */
  for (unsigned op = 1; op < 5; op++)              /* known, folded, never fail */
    assert_int_equal(armjit_loop_op_offset(l, op), -1);
  long add = armjit_loop_op_offset(l, 5), always = armjit_loop_op_offset(l, 8);
  assert_int_equal(armjit_loop_op_offset(l, 6), -1);  /* nonnull, isnull on constants */
  assert_int_equal(armjit_loop_op_offset(l, 7), -1);
  assert_int_equal(always - add, 4);               /* one add, then a b */
  /* a bridge on a guard that never fails: compiled, never entered */
  armjit_error err;
  armjit_trace *bt = armjit_trace_parse(c.ctx[JC_DEFAULT], "[i0]\nfinish(i0)\n", &err);
  assert_non_null(bt);
  armjit_loop *b = armjit_compile_bridge(c.ctx[JC_DEFAULT], l, 1, bt, &err);
  assert_non_null(b);
  armjit_trace_free(bt);
  armjit_value in[2] = {irs_i(7), irs_i(1)};
  assert_int_equal(jc_run(&c, in), 5);
  jc_free(&c);
}

/* After guard_true(int_eq(x, k)) or guard_false(int_ne(x, k)) x is k. */
static void test_equal_guards(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0, i1, l0]\n"
               "i2 = int_eq(i0, 3)\n"
               "guard_true(i2, descr=not3) [i0]\n"
               "i4 = int_ne(100, i1)\n"
               "guard_false(i4, descr=not100) [i1, i0]\n"
               "i3 = int_mul(i0, i1)\n"                  /* 300 */
               "i5 = int_add(i3, i1)\n"                  /* 400 */
               "i6 = llong_eq(l0, i64(-7))\n"
               "guard_true(i6, descr=notm7) [i5]\n"
               "l1 = llong_add(l0, i64(10))\n"           /* 3 */
               "finish(i5, l1, i0, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  const int32_t xs[] = {3, 4}, ys[] = {100, 99};
  const int64_t ls[] = {-7, 7};
  for (unsigned k = 0; k < 8; k++) {
    armjit_value in[3] = {irs_i(xs[k & 1]), irs_i(ys[k >> 1 & 1]), {.l = ls[k >> 2]}};
    int id = jc_run(&c, in);
    assert_int_equal(id, k == 0 ? 3 : k & 1 ? 0 : k & 2 ? 1 : 2);
    if (k == 0) {
      assert_int_equal(c.fc->values[0].i, 400);
      assert_true(c.fc->values[1].l == 3);
      assert_int_equal(c.fc->values[2].i, 3);
    }
  }
  armjit_loop *l = c.loop[JC_DEFAULT];
  assert_int_equal(armjit_loop_op_offset(l, 4), -1);  /* i3, i5 and l1 folded */
  assert_int_equal(armjit_loop_op_offset(l, 5), -1);
  assert_int_equal(armjit_loop_op_offset(l, 8), -1);
  jc_free(&c);
}

/* After guard_true(int_is_zero(x)) or guard_false(int_is_true(x)) x is 0. */
static void test_zero_guards(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0, i1]\n"
               "i2 = int_is_zero(i0)\n"
               "guard_true(i2, descr=nonzero) [i0]\n"
               "i3 = int_add(i0, i1)\n"     /* i1 */
               "i4 = int_is_true(i1)\n"
               "guard_false(i4, descr=true) [i1, i3]\n"
               "i5 = int_mul(i1, 7)\n"      /* 0 */
               "finish(i3, i5, i0, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  const int32_t xs[] = {0, 1, -1}, ys[] = {0, 5, INT32_MIN};
  for (unsigned x = 0; x < 3; x++)
    for (unsigned y = 0; y < 3; y++) {
      armjit_value in[2] = {irs_i(xs[x]), irs_i(ys[y])};
      assert_int_equal(jc_run(&c, in), x ? 0 : y ? 1 : 2);
    }
  armjit_loop *l = c.loop[JC_DEFAULT];
  assert_int_equal(armjit_loop_op_offset(l, 2), -1);  /* i0 + i1 is i1 */
  assert_int_equal(armjit_loop_op_offset(l, 5), -1);  /* 0 * 7 */
  jc_free(&c);
}

/* i64 ops of constants fold the same way (wrap-around, x/0 = 0). */
static void test_llong_folding(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[l0]\n"
               "l1 = llong_add(i64(0x7fffffffffffffff), i64(1))\n"  /* INT64_MIN */
               "l2 = llong_mul(l1, i64(-1))\n"                      /* INT64_MIN */
               "l3 = llong_floordiv(i64(7), i64(0))\n"              /* 0 */
               "l4 = llong_invert(l3)\n"                            /* -1 */
               "l5 = llong_neg(l4)\n"                               /* 1 */
               "i1 = ullong_lt(l4, l5)\n"                           /* 0 */
               "i2 = llong_lt(l4, l5)\n"                            /* 1 */
               "l6 = llong_xor(l0, l2)\n"
               "finish(l6, l3, l4, l5, i1, i2, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  const int64_t xs[] = {0, -1, INT64_MAX, 12345678901234};
  for (unsigned k = 0; k < 4; k++) {
    armjit_value in[1] = {{.l = xs[k]}};
    assert_int_equal(jc_run(&c, in), 0);
    const armjit_value *v = c.fc->values;
    assert_true(v[0].l == (int64_t)((uint64_t)xs[k] ^ (UINT64_C(1) << 63)));
    assert_true(v[1].l == 0 && v[2].l == -1 && v[3].l == 1);
    assert_int_equal(v[4].i, 0);
    assert_int_equal(v[5].i, 1);
  }
  for (unsigned op = 0; op < 7; op++)  /* folded: no code */
    assert_int_equal(armjit_loop_op_offset(c.loop[JC_DEFAULT], op), -1);
  assert_true(armjit_loop_op_offset(c.loop[JC_DEFAULT], 7) >= 0);
  jc_free(&c);
}

/* Every float compare fused with guard_true and guard_false, on ordered
 * and unordered inputs: a NaN operand must take the NaN-correct path. */
static void test_float_compare_fusion(void **state) {
  (void)state;
  static const char *const cmps[] = {"float_lt", "float_le", "float_gt",
                                     "float_ge", "float_eq", "float_ne"};
  const double vals[] = {1.0, 2.0, -0.0, 0.0, NAN, INFINITY};
  for (unsigned k = 0; k < 6; k++) {
    for (int want = 0; want < 2; want++) {
      char text[512];
      snprintf(text, sizeof text,
               "[fa, fb]\n"
               "ic = %s(fa, fb)\n"
               "%s(ic, descr=g) [fa, fb]\n"
               "id = %s(fa, 0.0)\n"
               "%s(id, descr=h) [fb]\n"
               "finish(fa, descr=out)\n",
               cmps[k], want ? "guard_true" : "guard_false", cmps[k],
               want ? "guard_false" : "guard_true");
      jc_case c;
      jc_init_text(&c, text, ARMJIT_RANDOM_SEED + k);
      for (unsigned x = 0; x < 6; x++)
        for (unsigned y = 0; y < 6; y++) {
          armjit_value in[2] = {irs_f(vals[x]), irs_f(vals[y])};
          jc_run(&c, in);
        }
      /* fused: the compare is vcmp + vmrs, the guard one branch */
      armjit_loop *l = c.loop[JC_DEFAULT];
      assert_int_equal(armjit_loop_op_offset(l, 1) - armjit_loop_op_offset(l, 0), 8);
      assert_int_equal(armjit_loop_op_offset(l, 2) - armjit_loop_op_offset(l, 1), 4);
      jc_free(&c);
    }
  }
}

static void test_guard_exit_values(void **state) {
  (void)state;
  /* Values from registers, spill slots and constants at several guards. */
  jc_case c;
  jc_init_text(&c,
               "[i0, i1, i2, f0, p0]\n"
               "label(i0, i1, i2, f0, p0, descr=L)\n"
               "i3 = int_mul(i0, i1)\n"
               "i4 = int_sub(1000, i3)\n"
               "i5 = int_xor(i4, 0x5555)\n"
               "guard_value(i2, 7, descr=seven) [i3, i4, 7, f0, p0, -3, 1.25]\n"
               "i6 = int_add_ovf(i5, i0)\n"
               "guard_no_overflow(descr=ovf) [i5, i0, i6, null]\n"
               "i7 = int_and(i6, 0xff00)\n"
               "guard_nonnull(p0, descr=nn) [i7]\n"
               "f1 = cast_int_to_float(i7)\n"
               "f2 = float_add(f0, f1)\n"
               "i8 = cast_float_to_int(f2)\n"
               "i9 = int_is_zero(i8)\n"
               "guard_false(i9, descr=z) [i8, f2, f1, i7, i6, i5, i4, i3]\n"
               "i10 = int_sub(i0, 1)\n"
               "i11 = int_gt(i10, 0)\n"
               "guard_true(i11, descr=end) [i10, f2, p0]\n"
               "jump(i10, i1, i2, f2, p0, descr=L)\n",
               ARMJIT_RANDOM_SEED);
  struct { int32_t a, b, c; double f; uintptr_t p; } cases[] = {
      {5, 3, 7, 0.5, 0x1000},        {5, 3, 8, 0.5, 0x1000},
      {2147483000, 0, 7, 0.0, 0x10}, {3, -1000, 7, -1e12, 0x10},
      {4, 2, 7, 1.5, 0},             {1, 0, 7, 0.0, 4}};
  for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    armjit_value in[5] = {irs_i(cases[k].a), irs_i(cases[k].b), irs_i(cases[k].c),
                          irs_f(cases[k].f), irs_r(cases[k].p)};
    jc_run(&c, in);
  }
  jc_free(&c);
}

/* finish hands back constants of every type and encoding size. */
static void test_finish_constants(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0, f0, p0]\n"
               "finish(i0, 0, -1, 15, -16, 16, 1000, -100000, 2147483647, -2147483648,"
               " null, ref(0x12345678), ref(0xfffffffc), 1.5, -0.0, nan, inf, -inf, 0.1,"
               " f0, p0, 3.0, 1.5, i0, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  armjit_value in[3] = {irs_i(-42), irs_f(2.75), irs_r(0xabcdef0)};
  assert_int_equal(jc_run(&c, in), 0);
  assert_int_equal(c.fc->nvalues, 24);
  assert_int_equal(c.fc->values[6].i, 1000);
  assert_true(c.fc->values[12].r == (uintptr_t)0xfffffffcu);
  assert_true(isnan(c.fc->values[15].f));
  armjit_recovery_stats rs;
  armjit_loop_recovery_stats(c.loop[JC_DEFAULT], &rs);
  size_t bytes = rs.bytes, nfail = rs.fail_args;
  assert_int_equal(nfail, 24);
  assert_true(bytes <= 2 * nfail);
  jc_free(&c);
}

static const char division[] =
    "[i0, i1]\n"
    "i2 = int_floordiv(i0, i1)\n"
    "i3 = int_mod(i0, i1)\n"
    "i4 = int_floordiv(i0, 7)\n"
    "i5 = int_mod(i0, -3)\n"
    "i6 = int_floordiv(100, i1)\n"
    "i7 = int_mod(i1, 0)\n"
    "finish(i2, i3, i4, i5, i6, i7, descr=out)\n";

static bool has_word(const armjit_loop *l, uint32_t mask, uint32_t pattern) {
  size_t size;
  const uint8_t *code = armjit_loop_code(l, &size);
  for (size_t off = 0; off + 4 <= size; off += 4) {
    uint32_t w;
    memcpy(&w, code + off, 4);
    if ((w & mask) == pattern) return true;
  }
  return false;
}

#define SDIV_MASK 0x0ff0f0f0u
#define SDIV_BITS 0x0710f010u

static void test_division_paths(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c, division, ARMJIT_RANDOM_SEED);
  const int32_t pairs[][2] = {{7, 2},   {-7, 2},         {7, -2}, {-7, -2},
                              {5, 0},   {INT32_MIN, -1}, {INT32_MIN, 1},
                              {0, 3},   {INT32_MAX, -1}, {-1, INT32_MIN}};
  for (unsigned k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
    armjit_value in[2] = {irs_i(pairs[k][0]), irs_i(pairs[k][1])};
    assert_int_equal(jc_run(&c, in), 0);
  }
  /* The helper path never uses SDIV; the default one does when the CPU
   * has it (qemu's models differ). */
  assert_false(has_word(c.loop[JC_NO_IDIV], SDIV_MASK, SDIV_BITS));
  bool idiv = (armjit_ctx_features(c.ctx[JC_DEFAULT]) & A32_FEAT_IDIV) != 0;
  assert_int_equal(has_word(c.loop[JC_DEFAULT], SDIV_MASK, SDIV_BITS), idiv);
  jc_free(&c);
}

/* Many ints and floats live across helper calls: they must survive in
 * callee-saved registers or slots (the call clobbers r0-r3, d0-d7). */
static void test_values_across_calls(void **state) {
  (void)state;
  char text[4096];
  int n = 0;
  n += snprintf(text + n, sizeof text - (size_t)n, "[");
  for (int k = 0; k < 12; k++) n += snprintf(text + n, sizeof text - (size_t)n, "i%d, ", k);
  for (int k = 0; k < 12; k++) n += snprintf(text + n, sizeof text - (size_t)n, "f%d, ", k);
  n += snprintf(text + n, sizeof text - (size_t)n, "ia, ib]\nlabel(");
  for (int k = 0; k < 12; k++) n += snprintf(text + n, sizeof text - (size_t)n, "i%d, f%d, ", k, k);
  n += snprintf(text + n, sizeof text - (size_t)n, "ia, ib, descr=L)\n");
  n += snprintf(text + n, sizeof text - (size_t)n,
                "iq = int_floordiv(ia, ib)\n"
                "ir = int_mod(ia, iq)\n"
                "fz = cast_int_to_float(ir)\n");
  for (int k = 0; k < 12; k++)
    n += snprintf(text + n, sizeof text - (size_t)n,
                  "ij%d = int_add(i%d, iq)\nfg%d = float_add(f%d, fz)\n", k, k, k, k);
  n += snprintf(text + n, sizeof text - (size_t)n,
                "ib2 = int_sub(ib, 1)\nic = int_gt(ib2, 0)\nguard_true(ic, descr=end) [iq, ir");
  for (int k = 0; k < 12; k++) n += snprintf(text + n, sizeof text - (size_t)n, ", ij%d, fg%d", k, k);
  n += snprintf(text + n, sizeof text - (size_t)n, "]\njump(");
  for (int k = 0; k < 12; k++) n += snprintf(text + n, sizeof text - (size_t)n, "ij%d, fg%d, ", k, k);
  n += snprintf(text + n, sizeof text - (size_t)n, "ia, ib2, descr=L)\n");
  assert_true(n < (int)sizeof text);
  for (uint32_t seed = 0; seed < 4; seed++) {
    jc_case c;
    jc_init_text(&c, text, ARMJIT_RANDOM_SEED * 10 + seed);
    armjit_value in[26];
    for (int k = 0; k < 12; k++) {
      in[k] = irs_i(k * 1000 - 3 + (int32_t)seed);
      in[12 + k] = irs_f(k * 0.75 - 2.0);
    }
    in[24] = irs_i(1000003 + (int32_t)seed);
    in[25] = irs_i(5);
    assert_int_equal(jc_run(&c, in), 0);
    jc_free(&c);
  }
}

/* More carried values than fit in the immediate offsets of LDR (4095)
 * and VLDR (1020): frame accesses, jump moves and exit recovery all go
 * through the far-offset paths.  The second size puts float slots past
 * 256 KiB, where the offset is no longer one modified immediate plus a
 * VLDR offset (cg_move.c, mem_far). */
/* rec: recovery bytes per fail arg at most (slot numbers past a few
 * thousand take the long codes). */
typedef struct { unsigned ints, floats, rec; } far_size;

static armjit_trace *build_far(armjit_ctx *ctx, const void *ud) {
  const far_size *z = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  unsigned n = z->ints + z->floats;
  armjit_val *v = calloc(n + 1, sizeof *v), *w = calloc(n + 1, sizeof *w);
  assert_non_null(v);
  assert_non_null(w);
  for (unsigned k = 0; k < n; k++) v[k] = armjit_input(t, k < z->ints ? ARMJIT_INT : ARMJIT_FLOAT);
  v[n] = armjit_input(t, ARMJIT_INT);
  int label = armjit_label(t, v, n + 1);
  armjit_val one = armjit_const_int(t, 1), half = armjit_const_float(t, 0.5);
  for (unsigned k = 0; k < n; k++) {
    /* each new value depends on its neighbour, so the old ones stay live */
    armjit_val a[2] = {v[k], v[(k + 1) % z->ints]};
    if (k < z->ints) {
      if (k % 2) a[1] = one;
      w[k] = armjit_op(t, ARMJIT_OP_INT_ADD, a, 2);
    } else {
      armjit_val b[2] = {v[k], half};
      w[k] = armjit_op(t, ARMJIT_OP_FLOAT_MUL, b, 2);
    }
  }
  armjit_val a[2] = {v[n], one};
  w[n] = armjit_op(t, ARMJIT_OP_INT_SUB, a, 2);
  armjit_val z0[2] = {w[n], armjit_const_int(t, 0)};
  armjit_val ok = armjit_op(t, ARMJIT_OP_INT_GT, z0, 2);
  armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &ok, 1, w, n + 1);
  armjit_jump(t, label, w, n + 1);
  free(v);
  free(w);
  return t;
}

static void run_far(far_size z) {
  jc_case c;
  jc_init(&c, build_far, &z, ARMJIT_RANDOM_SEED);
  unsigned n = z.ints + z.floats;
  armjit_value *in = calloc(n + 1, sizeof *in);
  assert_non_null(in);
  for (unsigned k = 0; k < n; k++) in[k] = k < z.ints ? irs_i((int32_t)k * 3) : irs_f(k * 1.25);
  in[n] = irs_i(3);
  assert_int_equal(jc_run(&c, in), 0);
  free(in);
  armjit_recovery_stats rs;
  armjit_loop_recovery_stats(c.loop[JC_DEFAULT], &rs);
  size_t bytes = rs.bytes, nfail = rs.fail_args;
  assert_int_equal(nfail, n + 1);
  assert_true(bytes <= z.rec * nfail);
  jc_free(&c);
}

static void test_far_frame(void **state) {
  (void)state;
  run_far((far_size){1100, 160, 2});
  run_far((far_size){8, 33500, 4});
}

/* Random register allocation on a pressure loop, several seeds. */
static void test_random_ra_seeds(void **state) {
  (void)state;
  for (uint32_t seed = 1; seed <= 12; seed++) {
    jc_case c;
    jc_init_text(&c,
                 "[i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, f0, f1, f2]\n"
                 "label(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, f0, f1, f2, descr=L)\n"
                 "ia0 = int_add(i0, i1)\n"
                 "ia1 = int_sub(i2, ia0)\n"
                 "ia2 = int_mul(i3, ia1)\n"
                 "ia3 = int_xor(i4, ia2)\n"
                 "ia4 = int_lshift(i5, i6)\n"
                 "ia5 = int_rshift(ia3, 3)\n"
                 "ia6 = uint_rshift(i7, i8)\n"
                 "ia7 = int_or(i9, ia6)\n"
                 "ia8 = int_and(i10, ia7)\n"
                 "ia9 = int_floordiv(ia8, i11)\n"
                 "fg0 = float_add(f0, f1)\n"
                 "fg1 = float_mul(fg0, f2)\n"
                 "fg2 = cast_int_to_float(ia9)\n"
                 "fg3 = float_sub(fg1, fg2)\n"
                 "ic0 = int_sub(i12, 1)\n"
                 "ic1 = int_ge(ic0, 0)\n"
                 "guard_true(ic1, descr=end) [ia0, ia1, ia2, ia3, ia4, ia5, ia6, ia7, ia8, ia9, fg0, fg1, fg2, fg3, i0]\n"
                 "jump(ia1, ia2, ia3, ia4, ia5, ia6, ia7, ia8, ia9, i0, i1, i2, ic0, fg1, fg3, fg0, descr=L)\n",
                 seed);
    armjit_value in[16];
    for (int k = 0; k < 13; k++) in[k] = irs_i(k * 7919 + (int32_t)seed);
    in[11] = irs_i(3);
    in[12] = irs_i(6);
    in[13] = irs_f(1.5);
    in[14] = irs_f(-0.25);
    in[15] = irs_f(0.5);
    jc_run(&c, in);
    jc_free(&c);
  }
}

/* A shift by a constant whose only use is the next add/sub/and/or/xor
 * becomes that op's shifted operand: the shift emits nothing. */
static void test_shift_folding(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0, i1, i2]\n"
               "i3 = int_lshift(i1, 2)\n"
               "i4 = int_add(i0, i3)\n"
               "i5 = uint_rshift(i4, 3)\n"
               "i6 = int_sub(i5, i2)\n"
               "i7 = int_rshift(i2, 31)\n"
               "i8 = int_sub(i7, i6)\n"
               "i9 = int_lshift(i8, 33)\n"      /* count >= 32: not folded */
               "i10 = int_xor(i8, i9)\n"
               "i11 = int_rshift(i0, 5)\n"
               "i12 = int_add_ovf(i11, i1)\n"
               "guard_no_overflow(descr=ovf) [i4, i0]\n"
               "finish(i4, i6, i8, i10, i12, i1, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  const int32_t vals[] = {0, 1, -1, 12345, -98765, INT32_MAX, INT32_MIN, 0x40000000};
  for (unsigned x = 0; x < 8; x++)
    for (unsigned y = 0; y < 8; y++) {
      armjit_value in[3] = {irs_i(vals[x]), irs_i(vals[y]), irs_i(vals[(x + y) % 8])};
      jc_run(&c, in);
    }
  armjit_loop *l = c.loop[JC_DEFAULT];
  assert_int_equal(armjit_loop_op_offset(l, 0), -1);  /* lshift folded */
  assert_int_equal(armjit_loop_op_offset(l, 2), -1);  /* uint_rshift folded */
  assert_int_equal(armjit_loop_op_offset(l, 4), -1);  /* int_rshift folded */
  assert_true(armjit_loop_op_offset(l, 6) >= 0);      /* shift by 33: a mov #0 */
  assert_int_equal(armjit_loop_op_offset(l, 8), -1);  /* folded into adds */
  assert_int_equal(armjit_loop_op_offset(l, 3) - armjit_loop_op_offset(l, 1), 4);
  jc_free(&c);
}

/* The constant ladder on ops without an immediate form (mul) and with one
 * (and/or/xor/add/sub/cmp): values nearby a constant a register caches
 * cost one ADD/SUB, repeated ones nothing, inverse opcodes and MOVW the
 * rest. */
static void test_constant_ladder(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c,
               "[i0, i1]\n"
               "i2 = int_mul(i0, 305419896)\n"    /* 0x12345678: MOVW+MOVT */
               "i3 = int_mul(i1, 305419900)\n"    /* +4: ADD from the cached one */
               "i4 = int_mul(i2, 305419640)\n"    /* -260: SUB */
               "i5 = int_mul(i3, 305419896)\n"    /* cached: nothing */
               "i6 = int_and(i4, -256)\n"         /* BIC #255 */
               "i7 = int_add(i5, -1020)\n"        /* SUB #1020 */
               "i8 = int_or(i6, 65535)\n"         /* MOVW */
               "i9 = int_xor(i7, i8)\n"
               "i10 = int_sub(-2147483648, i9)\n" /* RSB #0x80000000 */
               "i11 = int_lt(i10, -100)\n"        /* CMN #100 */
               "guard_false(i11, descr=neg) [i2, i3, i4, i5, i6, i7, i8, i9, i10]\n"
               "finish(i2, i3, i4, i5, i6, i7, i8, i9, i10, descr=out)\n",
               ARMJIT_RANDOM_SEED);
  const int32_t vals[] = {0, 1, -1, 7, 12345, -98765, INT32_MAX, INT32_MIN};
  for (unsigned x = 0; x < 8; x++)
    for (unsigned y = 0; y < 8; y++) {
      armjit_value in[2] = {irs_i(vals[x]), irs_i(vals[y])};
      jc_run(&c, in);
    }
  armjit_loop *l = c.loop[JC_DEFAULT];
  assert_int_equal(armjit_loop_op_offset(l, 2) - armjit_loop_op_offset(l, 1), 8);  /* add; mul */
  assert_int_equal(armjit_loop_op_offset(l, 3) - armjit_loop_op_offset(l, 2), 8);  /* sub; mul */
  assert_int_equal(armjit_loop_op_offset(l, 4) - armjit_loop_op_offset(l, 3), 4);  /* mul */
  assert_int_equal(armjit_loop_op_offset(l, 5) - armjit_loop_op_offset(l, 4), 4);  /* bic */
  assert_int_equal(armjit_loop_op_offset(l, 6) - armjit_loop_op_offset(l, 5), 4);  /* sub */
  assert_int_equal(armjit_loop_op_offset(l, 10) - armjit_loop_op_offset(l, 9), 4); /* cmn */
  jc_free(&c);
}

static void test_run_errors(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_trace *t = armjit_trace_parse(ctx, counting_loop, &err);
  assert_non_null(t);
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  assert_non_null(l);
  assert_int_equal(armjit_loop_frame_capacity(l), 2);
  armjit_frame *f = armjit_frame_new(ctx, 1);
  assert_int_equal(armjit_run(l, f, &err), -1);
  assert_int_equal(err.code, ARMJIT_E_ARG);
  armjit_frame_free(ctx, f);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counting_loop),
      cmocka_unit_test(test_unfused_compare),
      cmocka_unit_test(test_float_loop),
      cmocka_unit_test(test_float_compare_fusion),
      cmocka_unit_test(test_guard_exit_values),
      cmocka_unit_test(test_finish_constants),
      cmocka_unit_test(test_division_paths),
      cmocka_unit_test(test_values_across_calls),
      cmocka_unit_test(test_far_frame),
      cmocka_unit_test(test_random_ra_seeds),
      cmocka_unit_test(test_shift_folding),
      cmocka_unit_test(test_float_folding),
      cmocka_unit_test(test_llong_folding),
      cmocka_unit_test(test_int_unary_folding),
      cmocka_unit_test(test_static_guards),
      cmocka_unit_test(test_equal_guards),
      cmocka_unit_test(test_zero_guards),
      cmocka_unit_test(test_constant_ladder),
      cmocka_unit_test(test_run_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
