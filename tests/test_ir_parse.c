/* SPDX-License-Identifier: MIT */
/* IR text form and builder: parse/print round trips covering every op,
 * every parser/validator error with its position, builder misuse, and the
 * same trace built by the API and parsed from text. */
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
#include "ir/ir_impl.h"
#include "ir/lex.h"
#include "ir_support.h"

static int setup(void **state) {
  *state = irs_ctx();
  return 0;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* ---- round trips -------------------------------------------------------------- */
static const char *const traces[] = {
    /* 0: the counting loop of the docs */
    "# a counting loop\n"
    "[i0, i1, f2]\n"
    "label(i0, i1, f2, descr=L)\n"
    "i3 = int_add(i0, 1)\n"
    "i4 = int_lt(i3, i1)\n"
    "guard_true(i4, descr=g1) [i3, f2]\n"
    "f5 = float_mul(f2, 1.5)\n"
    "jump(i3, i1, f5, descr=L)\n",
    /* 1: integer arithmetic */
    "[i0, i1]\n"
    "i2 = int_add(i0, i1)\n"
    "i3 = int_sub(i2, -7)\n"
    "i4 = int_mul(i3, 0x10)\n"
    "i5 = int_floordiv(i4, i1)\n"
    "i6 = int_mod(i5, 3)\n"
    "i7 = int_and(i6, 0xff)\n"
    "i8 = int_or(i7, -2147483648)\n"
    "i9 = int_xor(i8, 2147483647)\n"
    "i10 = int_lshift(i9, 31)\n"
    "i11 = int_rshift(i10, 255)\n"
    "i12 = uint_rshift(i11, 0)\n"
    "i13 = int_neg(i12)\n"
    "i14 = int_invert(i13)\n"
    "finish(i14, i0, 0xffffffff, -0x80000000, descr=done)\n",
    /* 2: integer comparisons feeding guards */
    "[i0, i1]\n"
    "i2 = int_lt(i0, i1)\n"
    "guard_true(i2) [i0]\n"
    "i3 = int_le(i0, i1)\n"
    "i4 = int_eq(i0, i1)\n"
    "guard_false(i4) []\n"
    "i5 = int_ne(i3, 0)\n"
    "i6 = int_gt(i5, i1)\n"
    "i7 = int_ge(i6, i0)\n"
    "i8 = uint_lt(i7, i0)\n"
    "i9 = uint_le(i8, -1)\n"
    "i10 = uint_gt(i9, 1)\n"
    "i11 = uint_ge(i10, i1)\n"
    "i12 = int_is_true(i11)\n"
    "i13 = int_is_zero(i12)\n"
    "i14 = int_force_ge_zero(i13)\n"
    "finish(i14)\n",
    /* 3: overflow-checked ops with both guards */
    "[i0, i1]\n"
    "i2 = int_add_ovf(i0, i1)\n"
    "guard_no_overflow(descr=add_ok) [i0, i1]\n"
    "i3 = int_sub_ovf(i2, 1)\n"
    "guard_overflow() [i2]\n"
    "i4 = int_mul_ovf(i3, i3)\n"
    "guard_no_overflow() []\n"
    "finish(i4)\n",
    /* 4: float arithmetic and special constants */
    "[f0, f1]\n"
    "f2 = float_add(f0, f1)\n"
    "f3 = float_sub(f2, -0.0)\n"
    "f4 = float_mul(f3, 0.1)\n"
    "f5 = float_truediv(f4, 1e300)\n"
    "f6 = float_neg(f5)\n"
    "f7 = float_abs(f6)\n"
    "f8 = float_sqrt(f7)\n"
    "f9 = float_add(f8, inf)\n"
    "f10 = float_add(f9, -inf)\n"
    "f11 = float_mul(f10, nan)\n"
    "finish(f11, 5e-324, 2.5, -1.7976931348623157e308, 0.0, 3.0)\n",
    /* 5: float comparisons and casts */
    "[f0, f1, i2]\n"
    "i3 = float_lt(f0, f1)\n"
    "i4 = float_le(f0, f1)\n"
    "i5 = float_eq(f0, f1)\n"
    "i6 = float_ne(f0, f1)\n"
    "i7 = float_gt(f0, f1)\n"
    "i8 = float_ge(f0, f1)\n"
    "i9 = cast_float_to_int(f0)\n"
    "f10 = cast_int_to_float(i2)\n"
    "guard_value(f10, 2.0, descr=gv) [i3, i4, i5, i6, i7, i8, i9]\n"
    "finish(f10)\n",
    /* 6: refs, same_as on every type, guard_value on every type */
    "[p0, p1, i2, f3]\n"
    "i4 = ptr_eq(p0, p1)\n"
    "i5 = ptr_ne(p0, null)\n"
    "guard_nonnull(p0) [p0]\n"
    "guard_isnull(p1) [p1, null, ref(0x1234)]\n"
    "p6 = same_as(p0)\n"
    "i7 = same_as(i2)\n"
    "f8 = same_as(f3)\n"
    "guard_value(p6, ref(0xdeadbeef)) []\n"
    "guard_value(i7, 42) [i4, i5]\n"
    "guard_value(f8, -0.0) [f8]\n"
    "finish(p6, i7, f8)\n",
    /* 7: a preamble and two labels */
    "[i0, p1]\n"
    "i2 = int_add(i0, 1)\n"
    "label(i2, p1, descr=pre)\n"
    "i3 = int_sub(i2, 1)\n"
    "label(i3, p1, descr=loop)\n"
    "i4 = int_add(i3, 1)\n"
    "guard_false(i4, descr=g) [p1]\n"
    "jump(i4, p1, descr=loop)\n",
    /* 8: nothing in, nothing out */
    "[]\n"
    "finish()\n",
    /* 9: free-style names, spacing and comments */
    "  # leading comment\n"
    "\n"
    "[i_count ,f_acc,p_obj]   # inputs\n"
    "label( i_count , f_acc , p_obj , descr = top )\n"
    "\t\n"
    "i_next=int_sub(i_count,1)# no spaces\n"
    "i_more = int_gt(i_next, 0)\n"
    "guard_true(i_more, descr=out) [i_next, f_acc, p_obj]\n"
    "f_new = float_add(f_acc, .5)\n"
    "jump(i_next, f_new, p_obj, descr=top)\n",
    /* 10: an unnamed label and an unnamed finish */
    "[i0]\n"
    "label(i0)\n"
    "i1 = int_add(i0, 1)\n"
    "finish(i1)\n",
    /* 11: jump back to the first of two labels, constants in the jump */
    "[i0, f1]\n"
    "label(i0, f1, descr=A)\n"
    "i2 = int_add(i0, 1)\n"
    "guard_true(i2) [i2, f1]\n"
    "label(i2, f1, descr=B)\n"
    "i3 = int_sub(i2, 2)\n"
    "guard_true(i3, descr=exit_b) [i3]\n"
    "jump(-1, 1.25, descr=A)\n",
    /* 12: memory and call ops by descriptor, exceptions, forcing, classes */
    "descr F = field(offset=4, size=2, signed, int)\n"
    "descr A = array(base=8, item=8, float, len=4)\n"
    "descr I = interior(base=8, item=16, len=4, offset=8, size=8, float)\n"
    "descr S = str(base=12, item=1, len=8)\n"
    "descr U = unicode(base=12, item=4, len=8)\n"
    "descr C = call(args=[int, float, ref], result=float, may_raise)\n"
    "descr CF = call(args=[ref], result=void, may_raise, may_force)\n"
    "[p0, i1, f2]\n"
    "i3 = getfield_gc(p0, descr=F)\n"
    "i4 = getfield_raw(p0, descr=F)\n"
    "setfield_gc(p0, i3, descr=F)\n"
    "setfield_raw(p0, -1, descr=F)\n"
    "f5 = getarrayitem_gc(p0, i1, descr=A)\n"
    "f6 = getarrayitem_raw(p0, 3, descr=A)\n"
    "setarrayitem_gc(p0, i1, f5, descr=A)\n"
    "setarrayitem_raw(p0, 0, f6, descr=A)\n"
    "f7 = getinteriorfield_gc(p0, i1, descr=I)\n"
    "setinteriorfield_gc(p0, i1, f7, descr=I)\n"
    "i8 = arraylen_gc(p0, descr=A)\n"
    "f9 = raw_load(p0, 16, descr=A)\n"
    "raw_store(p0, i1, f9, descr=A)\n"
    "i10 = strlen(p0, descr=S)\n"
    "i11 = strgetitem(p0, i1, descr=S)\n"
    "strsetitem(p0, i1, 65, descr=S)\n"
    "i12 = unicodelen(p0, descr=U)\n"
    "i13 = unicodegetitem(p0, 0, descr=U)\n"
    "unicodesetitem(p0, i1, i13, descr=U)\n"
    "copystrcontent(p0, p0, 0, 1, i10, descr=S)\n"
    "copyunicodecontent(p0, p0, i1, 0, 2, descr=U)\n"
    "f14 = call(ref(0x1000), i1, f2, p0, descr=C)\n"
    "guard_no_exception() [i1]\n"
    "p15 = force_token()\n"
    "call_may_force(ref(0x2000), p15, descr=CF)\n"
    "guard_not_forced() [i1, f14]\n"
    "p16 = guard_exception(ref(0x3000), descr=exc) [i1]\n"
    "guard_class(p0, ref(0x3000)) [p0]\n"
    "guard_nonnull_class(p16, ref(0x3000)) [p16]\n"
    "guard_not_invalidated(descr=inv) [i1, p16]\n"
    "finish(i3, i4, i8, i11, i12, f14, p16)\n",
    /* call_assembler through a token (the context's, made by the declaration) */
    "descr rt_fact = token(args=[int, float], result=int)\n"
    "[i0, f1]\n"
    "i2 = call_assembler(i0, f1, descr=rt_fact)\n"
    "i3 = call_assembler(i2, 1.5, descr=rt_fact)\n"
    "finish(i3)\n",
    /* debug_merge_point: a source position, with every escape */
    "[i0]\n"
    "debug_merge_point(\"loop at line 12\")\n"
    "label(i0, descr=L)\n"
    "debug_merge_point(\"say \\\"hi\\\"\\t\\\\ \\x01 \\n # not a comment\")\n"
    "i1 = int_sub(i0, 1)\n"
    "keepalive(i1)\n"
    "guard_true(i1) [i1]\n"
    "jump(i1, descr=L)\n",
    /* i64 and f32: every op, constants at the edges, memory of both */
    "descr q = field(offset=8, i64)\n"
    "descr h = array(base=4, item=4, f32)\n"
    "[l0, l1, i2, f3, s4, p5]\n"
    "label(l0, l1, i2, f3, s4, p5, descr=L)\n"
    "l6 = llong_add(l0, i64(-9223372036854775808))\n"
    "l7 = llong_sub(l6, l1)\n"
    "l8 = llong_mul(l7, i64(0x7fffffffffffffff))\n"
    "l9 = llong_floordiv(l8, l1)\n"
    "l10 = llong_mod(l9, i64(-3))\n"
    "l11 = llong_and(l10, l0)\n"
    "l12 = llong_or(l11, l1)\n"
    "l13 = llong_xor(l12, i64(0))\n"
    "l14 = llong_lshift(l13, i2)\n"
    "l15 = llong_rshift(l14, 63)\n"
    "l16 = ullong_rshift(l15, 64)\n"
    "l17 = llong_neg(l16)\n"
    "l18 = llong_invert(l17)\n"
    "i19 = llong_lt(l18, l0)\n"
    "i20 = llong_le(l18, l0)\n"
    "i21 = llong_eq(l18, l0)\n"
    "i22 = llong_ne(l18, l0)\n"
    "i23 = llong_gt(l18, l0)\n"
    "i24 = llong_ge(l18, l0)\n"
    "i25 = ullong_lt(l18, l0)\n"
    "i26 = ullong_le(l18, l0)\n"
    "i27 = ullong_gt(l18, l0)\n"
    "i28 = ullong_ge(l18, l0)\n"
    "l29 = llong_from_int(i2)\n"
    "l30 = llong_from_uint(i2)\n"
    "i31 = llong_to_int(l30)\n"
    "f32 = llong_to_float(l29)\n"
    "l33 = llong_from_float(f3)\n"
    "l34 = convert_float_bytes_to_longlong(f32)\n"
    "f35 = convert_longlong_bytes_to_float(l34)\n"
    "s36 = cast_float_to_singlefloat(f35)\n"
    "f37 = cast_singlefloat_to_float(s4)\n"
    "l38 = getfield_raw(p5, descr=q)\n"
    "s39 = getarrayitem_raw(p5, 1, descr=h)\n"
    "guard_value(s36, f32(-0.0)) [l38, s39, f32(1.401298464324817e-45), f32(nan), f32(-inf)]\n"
    "guard_value(l33, i64(7)) [i19, i20, i21, i22, i23, i24, i25, i26, i27, i28, i31, f37]\n"
    "jump(l6, l7, i2, f3, s36, p5, descr=L)\n",
    /* the low-level ops of PyPy's backend */
    "[i0, p1]\n"
    "i2 = int_signext(i0, 1)\n"
    "i3 = int_signext(i2, 2)\n"
    "i4 = uint_mul_high(i3, -1)\n"
    "p5 = cast_int_to_ptr(i4)\n"
    "i6 = cast_ptr_to_int(p1)\n"
    "i7 = instance_ptr_eq(p5, p1)\n"
    "guard_true(i7) [i6]\n"
    "i8 = instance_ptr_ne(p5, null)\n"
    "finish(i8)\n",
    /* zero_array; narrow call results */
    "descr A = array(base=8, item=2, signed, int)\n"
    "descr C = call(args=[int], result=int, size=1, signed)\n"
    "[p0, i1]\n"
    "i2 = call(p0, i1, descr=C)\n"
    "zero_array(p0, i1, i2, descr=A)\n"
    "finish()\n",
    /* cond_call, then an exception guard */
    "descr W = call(args=[ref, float], may_raise)\n"
    "[p0, i1, f2]\n"
    "cond_call(i1, p0, p0, f2, descr=W)\n"
    "guard_no_exception() [i1]\n"
    "cond_call(0, p0, null, 1.5, descr=W)\n"
    "guard_not_forced_2() [p0, f2]\n"
    "finish()\n",
    /* cond_call_value, int (narrow) and ref, then an exception guard */
    "descr V = call(args=[ref, int], result=int, size=2, may_raise)\n"
    "descr R = call(args=[ref], result=ref)\n"
    "[p0, i1]\n"
    "i2 = cond_call_value(i1, p0, p0, i1, descr=V)\n"
    "guard_no_exception() [i2]\n"
    "p3 = cond_call_value(null, p0, p0, descr=R)\n"
    "finish(i2, p3)\n",
};
enum { NTRACES = sizeof traces / sizeof traces[0] };

static void test_roundtrip_all(void **state) {
  armjit_ctx *ctx = *state;
  bool seen[ARMJIT_OP__COUNT] = {false};
  for (int i = 0; i < NTRACES; i++) {
    armjit_trace *t = irs_roundtrip(ctx, traces[i]);
    for (uint32_t k = 0; k < t->nops; k++) seen[t->ops[k].opc] = true;
    armjit_trace_free(t);
  }
  for (int op = 0; op < ARMJIT_OP__COUNT; op++)  /* (GC ops need a GC: test_gc_ir.c) */
    if (!seen[op] && !(ir_info(op)->flags & ARMJIT_OPF_GC))
      fail_msg("op %s is in no round-trip trace", ir_info(op)->name);
}

/* The printer's exact text for a trace with user names and comments. */
static void test_print_canonical(void **state) {
  armjit_trace *t = irs_parse(*state, traces[9]);
  char *s = irs_print(t);
  assert_string_equal(s,
                      "[i0, f1, p2]\n"
                      "label(i0, f1, p2, descr=top)\n"
                      "i3 = int_sub(i0, 1)\n"
                      "i4 = int_gt(i3, 0)\n"
                      "guard_true(i4, descr=out) [i3, f1, p2]\n"
                      "f5 = float_add(f1, 0.5)\n"
                      "jump(i3, f5, p2, descr=top)\n");
  free(s);
  armjit_trace_free(t);
}

/* Constants survive exactly, including -0.0, the extremes and subnormals. */
static void test_constants_exact(void **state) {
  armjit_trace *t = irs_parse(*state, traces[4]);
  char *s = irs_print(t);
  assert_non_null(strstr(s, "float_sub(f2, -0.0)"));
  assert_non_null(strstr(s, "float_mul(f10, nan)"));
  assert_non_null(strstr(s, "finish(f11, 4.9406564584124654e-324, 2.5, "
                            "-1.7976931348623157e+308, 0.0, 3.0)"));
  uint32_t found = 0;
  for (uint32_t k = 0; k < t->nconsts; k++)
    if (t->consts[k].type == ARMJIT_FLOAT && t->consts[k].v.bits == 0x8000000000000000ull)
      found++;
  assert_int_equal(found, 1);
  free(s);
  armjit_trace_free(t);
  t = irs_parse(*state, traces[1]);
  s = irs_print(t);
  assert_non_null(strstr(s, "finish(i14, i0, -1, -2147483648, descr=done)"));
  free(s);
  armjit_trace_free(t);
}

/* Decimal int constants on both sides of 9 digits (read in line up to
 * there), with a sign, leading zeros and at the limits, as their values. */
static void test_int_constants(void **state) {
  static const struct { const char *text; int32_t v; } cases[] = {
      {"0", 0},          {"-0", 0},           {"7", 7},
      {"007", 7},        {"999999999", 999999999}, {"-999999999", -999999999},
      {"1000000000", 1000000000}, {"-1000000000", -1000000000},
      {"0000000000012", 12}, {"2147483647", INT32_MAX}, {"-2147483648", INT32_MIN},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char text[128];
    snprintf(text, sizeof text, "[i0]\ni1 = int_add(i0, %s)\nguard_true(i1) [%s]\nfinish(i1)\n",
             cases[k].text, cases[k].text);
    armjit_trace *t = irs_parse(*state, text);
    assert_int_equal(t->nconsts, 2); /* an argument and a fail arg */
    for (uint32_t c = 0; c < 2; c++) {
      assert_int_equal(t->consts[c].type, ARMJIT_INT);
      assert_int_equal(t->consts[c].v.i, cases[k].v);
    }
    armjit_trace_free(t);
  }
}

static void test_exit_info(void **state) {
  armjit_trace *t = irs_parse(*state, traces[0]);
  assert_int_equal(armjit_trace_nexits(t), 1);
  armjit_exit_info info;
  assert_int_equal(armjit_trace_exit_info(t, 0, &info), ARMJIT_OK);
  assert_int_equal(info.kind, ARMJIT_EXIT_GUARD);
  assert_string_equal(info.name, "g1");
  assert_int_equal(info.nvalues, 2);
  assert_int_equal(info.types[0], ARMJIT_INT);
  assert_int_equal(info.types[1], ARMJIT_FLOAT);
  assert_int_equal(armjit_trace_exit_info(t, 1, &info), ARMJIT_E_ARG);
  assert_int_equal(armjit_trace_exit_info(t, -1, &info), ARMJIT_E_ARG);
  armjit_trace_free(t);

  /* guards and finishes share one numbering, in trace order */
  t = irs_parse(*state, traces[6]);
  assert_int_equal(armjit_trace_nexits(t), 6);
  static const unsigned nvals[] = {1, 3, 0, 2, 1, 3};
  for (int e = 0; e < 6; e++) {
    assert_int_equal(armjit_trace_exit_info(t, e, &info), ARMJIT_OK);
    assert_int_equal(info.kind, e == 5 ? ARMJIT_EXIT_FINISH : ARMJIT_EXIT_GUARD);
    assert_null(info.name);
    assert_int_equal(info.nvalues, nvals[e]);
  }
  assert_int_equal(info.types[0], ARMJIT_REF);
  assert_int_equal(info.types[2], ARMJIT_FLOAT);
  armjit_trace_free(t);
}

/* armjit_trace_print writes what armjit_trace_to_string returns. */
static void test_print_to_file(void **state) {
  armjit_trace *t = irs_parse(*state, traces[0]);
  char *s = irs_print(t);
  FILE *f = tmpfile();
  assert_non_null(f);
  int n = armjit_trace_print(t, f);
  assert_int_equal(n, (int)strlen(s));
  rewind(f);
  char buf[1024];
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  buf[got] = 0;
  assert_string_equal(buf, s);
  fclose(f);
  assert_int_equal(armjit_trace_print(NULL, stdout), -1);
  assert_int_equal(armjit_trace_print(t, NULL), -1);
  assert_null(armjit_trace_to_string(NULL));
  free(s);
  armjit_trace_free(t);
}

/* ---- parser and validator errors ------------------------------------------------ */
#define E(text, code, line, col, ...) \
  irs_expect_error(ctx, text, ARMJIT_E_##code, line, col, __VA_ARGS__, (const char *)NULL)

static void test_errors_syntax(void **state) {
  armjit_ctx *ctx = *state;
  E("", SYNTAX, 1, 1, "inputargs");
  E("# only a comment\n\n", SYNTAX, 3, 1, "inputargs");
  E("i1 = int_add(1, 2)\n", SYNTAX, 1, 1, "inputargs");
  E("[i0\nfinish()\n", SYNTAX, 1, 4, "expected ',' or ']'");
  E("[i0] x\nfinish()\n", SYNTAX, 1, 6, "unexpected", "'x'");
  E("[x0]\nfinish()\n", SYNTAX, 1, 2, "x0", "must start with");
  E("[inf]\nfinish()\n", SYNTAX, 1, 2, "inf", "constant");
  E("[i0]\ni1 = int_foo(i0)\nfinish(i1)\n", SYNTAX, 2, 6, "unknown operation", "int_foo");
  E("[i0]\ni1 = int_add i0, 1)\nfinish(i1)\n", SYNTAX, 2, 14, "expected '('");
  E("[i0]\ni1 = int_add(i0, 1\nfinish(i1)\n", SYNTAX, 2, 19, "expected ',' or ')'");
  E("[i0]\ni1 = int_add(i0, )\nfinish(i1)\n", SYNTAX, 2, 18, "expected a variable or constant");
  E("[i0]\ni1 = int_add(i0, 1) i2 = int_add(i0, 2)\nfinish(i1)\n", SYNTAX, 2, 21,
    "unexpected", "one operation per line");
  E("[i0]\nint_add(i0, 1)\nfinish(i0)\n", SYNTAX, 2, 1, "must be assigned", "int_add");
  E("[i0]\ni1 = guard_true(i0) []\nfinish(i0)\n", SYNTAX, 2, 1, "no result", "i1");
  E("[i0]\ni1 = int_add(i0, 1) [i0]\nfinish(i1)\n", SYNTAX, 2, 21, "only guards");
  E("[i0]\nguard_true(i0)\nfinish(i0)\n", SYNTAX, 2, 1, "fail-arg list", "guard_true");
  E("[i0]\nguard_true(i0) [i0, descr=x]\nfinish(i0)\n", SYNTAX, 2, 21, "not allowed",
    "fail-arg list");
  E("[i0]\nfinish(i0, foo=3)\n", SYNTAX, 2, 12, "unknown keyword", "foo");
  E("[i0]\ni1 = int_add(i0, 1, descr=d)\nfinish(i1)\n", SYNTAX, 2, 21, "descr=", "only");
  E("[i0]\nfinish(descr=a, i0)\n", SYNTAX, 2, 17, "before descr=");
  E("[i0]\nfinish(i0, descr=a, descr=b)\n", SYNTAX, 2, 21, "twice");
  E("[i0]\nfinish(i0, descr=)\n", SYNTAX, 2, 18, "expected a name");
  E("[i0]\nlabel(i0, descr=L)\njump(i0)\n", SYNTAX, 3, 1, "jump needs descr");
  E("[i0]\ni1 = int_add(i0, 2147483648)\nfinish(i1)\n", SYNTAX, 2, 18, "2147483648",
    "32 bits");
  E("[i0]\ni1 = int_add(i0, -2147483649)\nfinish(i1)\n", SYNTAX, 2, 18, "32 bits");
  E("[i0]\ni1 = int_add(i0, 0x100000000)\nfinish(i1)\n", SYNTAX, 2, 18, "32 bits");
  E("[i0]\ni1 = int_add(i0, 12abc)\nfinish(i1)\n", SYNTAX, 2, 18, "malformed", "12abc");
  E("[i0]\ni1 = int_add(i0, 0x)\nfinish(i1)\n", SYNTAX, 2, 18, "malformed");
  E("[f0]\nf1 = float_add(f0, 1e)\nfinish(f1)\n", SYNTAX, 2, 20, "malformed");
  E("[f0]\nf1 = float_add(f0, 1.5.2)\nfinish(f1)\n", SYNTAX, 2, 20, "malformed");
  E("[f0]\nf1 = float_add(f0, 1e400)\nfinish(f1)\n", SYNTAX, 2, 20, "out of range");
  E("[p0]\ni1 = ptr_eq(p0, ref(zz))\nfinish(i1)\n", SYNTAX, 2, 21, "malformed");
  E("[p0]\ni1 = ptr_eq(p0, ref 5)\nfinish(i1)\n", SYNTAX, 2, 21, "expected '('");
  E("[i0]\nfinish(i0) $\n", SYNTAX, 2, 12, "unexpected", "'$'");
}

/* Defects a fuzzer found: blanks are exactly space, tab and \r (docs/ir.md
 * §6.2); a stray byte is reported where it is; a ref address with a sign
 * names what it read; an operand without a type letter gets the type-letter
 * message of §8. */
static void test_errors_fuzz_found(void **state) {
  armjit_ctx *ctx = *state;
  E("[i0]\ni1 =\fint_add(i0, 1)\nfinish(i1)\n", SYNTAX, 2, 5, "expected an operation",
    "byte 0x0c");
  E("[i0]\ni1 = int_add(i0,\v1)\nfinish(i1)\n", SYNTAX, 2, 17, "byte 0x0b");
  E("\f[i0]\nfinish(i0)\n", SYNTAX, 1, 1, "inputargs", "byte 0x0c");
  E("[i0]\nfinish(i0)\v\n", SYNTAX, 2, 11, "unexpected", "byte 0x0b");
  /* \r and tabs still are blanks */
  armjit_trace *t = irs_parse(ctx, "[i0]\r\n\ti1 =\tint_add(i0,\r1)\r\nfinish(i1)\r\n");
  assert_int_equal(armjit_trace_nops(t), 2);
  armjit_trace_free(t);
  E("[i0]\ni\xff\xfe = int_add(i0, 1)\nfinish(i0)\n", SYNTAX, 2, 2, "unexpected byte 0xff");
  E("[i0]\ni1 = int_add\x80(i0, 1)\nfinish(i1)\n", SYNTAX, 2, 13, "unexpected byte 0x80");
  E("[i0]\ni1 = int_add(i0\xc3, 1)\nfinish(i1)\n", SYNTAX, 2, 16, "unexpected byte 0xc3");
  E("[i0]\nfinish(ref(-1))\n", SYNTAX, 2, 12, "malformed ref address '-1'", "no sign");
  E("[i0]\nfinish(ref(0x1g))\n", SYNTAX, 2, 12, "malformed ref address '0x1g'");
  E("[i0]\nfinish(ref())\n", SYNTAX, 2, 12, "expected a ref address", "')'");
  E("[i0]\nfinish(x0)\n", SYNTAX, 2, 8, "variable name x0 must start with its type");
  E("[i0]\nguard_true(i0) [None]\nfinish(i0)\n", SYNTAX, 2, 17, "None",
    "must start with its type", "i (int), p (ref), f (float), l (i64) or s (f32)");
  E("[i0]\ni1 = int_add(i0, y)\nfinish(i1)\n", SYNTAX, 2, 18, "variable name y");
  /* a name with a type letter still is an undefined variable */
  E("[i0]\nfinish(p3)\n", INVALID, 2, 8, "use of undefined variable p3");
}

/* Unknown op names suggest the closest op name when it is close. */
static void test_errors_did_you_mean(void **state) {
  armjit_ctx *ctx = *state;
  E("[i0]\ni1 = int_ad(i0, 1)\nfinish(i1)\n", SYNTAX, 2, 6, "unknown operation 'int_ad'",
    "did you mean 'int_add'?");
  E("[i0]\ni1 = itn_add(i0, 1)\nfinish(i1)\n", SYNTAX, 2, 6, "did you mean 'int_add'?");
  E("[i0]\ni1 = INT_ADD(i0, 1)\nfinish(i1)\n", SYNTAX, 2, 6, "did you mean 'int_add'?");
  E("[f0]\nf1 = float_mull(f0, f0)\nfinish(f1)\n", SYNTAX, 2, 6,
    "did you mean 'float_mul'?");
  E("[i0]\nguard_ture(i0) []\nfinish(i0)\n", SYNTAX, 2, 1, "did you mean 'guard_true'?");
  E("[i0]\nfinsh(i0)\n", SYNTAX, 2, 1, "did you mean 'finish'?");
  E("[p0]\ni1 = getfield_gcc(p0, descr=d)\nfinish(i1)\n", SYNTAX, 2, 6,
    "did you mean 'getfield_gc'?");
  /* nothing close: no suggestion */
  armjit_error err;
  assert_null(armjit_trace_parse(ctx, "[i0]\ni1 = int_wxyz(i0)\nfinish(i1)\n", &err));
  assert_non_null(strstr(err.msg, "unknown operation 'int_wxyz'"));
  assert_null(strstr(err.msg, "did you mean"));
  assert_null(armjit_trace_parse(ctx, "[i0]\nfrobnicate(i0)\nfinish(i0)\n", &err));
  assert_null(strstr(err.msg, "did you mean"));
  assert_null(armjit_trace_parse(ctx, "[i0]\nx(i0)\nfinish(i0)\n", &err));
  assert_string_equal(err.msg, "unknown operation 'x'");
  /* every op is suggested for some typo of it: a 'z' inserted somewhere
   * (other positions may be as close to another op: int_nez / int_neg) */
  char text[128], want[96];
  for (int op = 0; op < ARMJIT_OP__COUNT; op++) {
    const char *name = ir_info(op)->name;
    size_t len = strlen(name);
    snprintf(want, sizeof want, "did you mean '%s'?", name);
    bool found = false;
    for (size_t k = 0; k <= len && !found; k++) {
      snprintf(text, sizeof text, "[i0]\n%.*sz%s(i0)\nfinish(i0)\n", (int)k, name, name + k);
      assert_null(armjit_trace_parse(ctx, text, &err));
      assert_non_null(strstr(err.msg, "did you mean"));
      found = strstr(err.msg, want) != NULL;
    }
    if (!found) fail_msg("no typo of %s suggests it", name);
  }
}

static void test_errors_names_types(void **state) {
  armjit_ctx *ctx = *state;
  E("[i0]\ni1 = int_add(i0, i9)\nfinish(i1)\n", INVALID, 2, 18, "undefined", "i9");
  E("[i0]\ni1 = int_add(i2, 1)\ni2 = int_add(i0, 1)\nfinish(i1)\n", INVALID, 2, 14,
    "undefined", "i2");
  E("[i0]\nguard_true(i0) [i0, i7]\nfinish(i0)\n", INVALID, 2, 21, "undefined", "i7");
  E("[i0, f1, i0]\nfinish()\n", INVALID, 1, 10, "redefined", "i0", "line 1");
  E("[i0]\ni1 = int_add(i0, 1)\ni1 = int_add(i0, 2)\nfinish(i1)\n", INVALID, 3, 1,
    "redefined", "i1", "line 2");
  E("[i0]\nf1 = int_add(i0, 1)\nfinish(f1)\n", TYPE, 2, 1, "prefix", "f1", "int");
  E("[f0]\np1 = same_as(f0)\nfinish(p1)\n", TYPE, 2, 1, "prefix", "p1", "float");
  E("[i0]\nq1 = int_add(i0, 1)\nfinish(q1)\n", SYNTAX, 2, 1, "q1", "must start with");
  E("[i0, f1]\ni2 = int_add(i0, f1)\nfinish(i2)\n", TYPE, 2, 18, "type mismatch",
    "argument 2", "f1", "float", "expected int");
  E("[i0]\nf1 = float_neg(i0)\nfinish(f1)\n", TYPE, 2, 16, "argument 1", "i0", "int",
    "expected float");
  E("[i0]\nguard_value(i0, 1.5) []\nfinish(i0)\n", TYPE, 2, 17, "argument 2", "1.5",
    "float", "like argument 1");
  E("[p0]\nguard_nonnull(p0, p0) []\nfinish(p0)\n", INVALID, 2, 1,
    "wrong number of arguments", "guard_nonnull", "1 argument", "got 2");
  E("[i0]\ni1 = int_add(i0)\nfinish(i1)\n", INVALID, 2, 6, "wrong number", "2 arguments");
  E("[i0]\ni1 = same_as()\nfinish(i1)\n", INVALID, 2, 6, "wrong number", "same_as");
  E("[i0]\ni1 = int_add(i0, 1, 2)\nfinish(i1)\n", INVALID, 2, 6, "got 3");
}

/* Names that share a number (i5, f5), differ only by leading zeros (i5,
 * i05) or have numbers past any table (i999999999) are distinct variables,
 * each bound to its own value. */
static void test_numbered_names(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_trace *t = armjit_trace_parse(
      ctx,
      "[i5, f5, i05, p5, f999999999, i999999999, p900]\n"
      "i6 = int_add(i5, i05)\nf6 = float_add(f5, f999999999)\n"
      "i7 = int_add(i6, i999999999)\ni8 = ptr_eq(p5, p900)\n"
      "finish(i7, f6, i8)\n",
      &err);
  if (!t) fail_msg("%s", err.msg);
  assert_int_equal(armjit_trace_nops(t), 5);
  armjit_trace_free(t);
  E("[i5, f5]\nf6 = float_neg(i5)\nfinish(f6)\n", TYPE, 2, 16, "argument 1", "i5", "int");
  E("[i5, f5]\ni6 = int_neg(f5)\nfinish(i6)\n", TYPE, 2, 14, "argument 1", "f5", "float");
  E("[i05, i5, f5, i05]\nfinish()\n", INVALID, 1, 15, "redefined", "i05", "line 1");
  E("[i5, f5]\ni9 = int_add(i5, 1)\nf9 = float_neg(f5)\nf9 = float_neg(f5)\nfinish()\n",
    INVALID, 4, 1, "redefined", "f9", "line 3");
  E("[i5]\nfinish(f5)\n", INVALID, 2, 8, "use of undefined variable f5");
  E("[i999999999]\nfinish(i99999999)\n", INVALID, 2, 8, "undefined", "i99999999");
}

/* The op-name table (ir_optab) finds every op by its name, and agrees
 * with the linear search (ir_opcode_by_name) on prefixes, names with a
 * byte changed or added, and names of no op. */
static void test_op_name_table(void **state) {
  (void)state;
  ir_optab tab;
  ir_optab_init(&tab);
  for (int i = 0; i < ARMJIT_OP__COUNT; i++) {
    const char *name = ir_info((unsigned)i)->name;
    size_t n = strlen(name);
    assert_int_equal(ir_optab_find(&tab, name, n), i);
    char buf[64];
    assert_true(n + 2 < sizeof buf);
    for (size_t k = 0; k < n; k++) /* every prefix */
      assert_int_equal(ir_optab_find(&tab, name, k), ir_opcode_by_name(name, k));
    for (size_t k = 0; k < n; k++) { /* one byte changed */
      memcpy(buf, name, n);
      buf[k] = buf[k] == 'x' ? 'y' : 'x';
      assert_int_equal(ir_optab_find(&tab, buf, n), ir_opcode_by_name(buf, n));
    }
    memcpy(buf, name, n); /* one byte added */
    buf[n] = 'a';
    assert_int_equal(ir_optab_find(&tab, buf, n + 1), ir_opcode_by_name(buf, n + 1));
  }
  assert_int_equal(ir_optab_find(&tab, "", 0), -1);
  assert_int_equal(ir_optab_find(&tab, "x", 1), -1);
  assert_int_equal(ir_optab_find(&tab, "int_addx", 7), ARMJIT_OP_INT_ADD);
}

/* ir_parse_double reads short decimals without strtod: it must give
 * strtod's double for every form, and leave other forms to it. */
static void test_parse_double_short(void **state) {
  (void)state;
  uint32_t x = 12345;
  for (int k = 0; k < 200000; k++) {
    char buf[40];
    size_t n = 0;
    x = x * 1103515245u + 12345u;
    if (x >> 31) buf[n++] = '-';
    unsigned nd = (x >> 16) % 18, dot = (x >> 8) % (nd + 2);
    for (unsigned i = 0; i < nd; i++) {
      if (i == dot) buf[n++] = '.';
      x = x * 1103515245u + 12345u;
      buf[n++] = (char)('0' + (x >> 16) % 10);
    }
    if (dot == nd && (x & 1)) buf[n++] = '.';
    buf[n] = 0;
    char *end;
    double want = strtod(buf, &end), got = 0;
    bool ok = end != buf && *end == 0;
    assert_int_equal(ir_parse_double(buf, &got), ok);
    if (ok && memcmp(&got, &want, sizeof got) != 0)
      fail_msg("%s: %a, strtod %a", buf, got, want);
  }
  double d;
  assert_true(ir_parse_double("0.1", &d) && d == 0.1);
  assert_true(ir_parse_double("-0.0", &d) && d == 0 && signbit(d));
  assert_true(ir_parse_double("123456789012345.6", &d) && d == 123456789012345.6);
  assert_true(ir_parse_double("1.5e3", &d) && d == 1500);
  assert_false(ir_parse_double("1.2.3", &d));
  assert_false(ir_parse_double("-", &d));
  assert_false(ir_parse_double(".", &d));
}

/* The lexer's byte classes (one table) are the ones its grammar names. */
static void test_lex_classes(void **state) {
  (void)state;
  for (int b = 0; b < 256; b++) {
    char c = (char)b;
    bool letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
    bool digit = b >= '0' && b <= '9';
    assert_int_equal(is_id0(c), letter);
    assert_int_equal(is_id(c), letter || digit);
    assert_int_equal(is_blank(c), b == ' ' || b == '\t' || b == '\r');
    bool stray = (b < 0x20 && b != '\t' && b != '\r' && b != '\n' && b != 0) || b >= 0x7f;
    assert_int_equal(is_stray(c), stray);
  }
}

static void test_errors_control(void **state) {
  armjit_ctx *ctx = *state;
  E("[i0, i1]\nlabel(i0, descr=L)\ni3 = int_add(i0, i1)\njump(i3, descr=L)\n", INVALID,
    3, 18, "i1 is not live after label L: not one of its arguments");
  E("[i0]\ni1 = int_add(i0, 1)\nlabel(i0, descr=L)\nfinish(i1)\n", INVALID, 4, 8,
    "i1 is not live after label L");
  E("[i0]\ni1 = int_add(i0, 1)\nlabel(i0, descr=L)\nguard_true(i0) [i1]\nfinish(i0)\n",
    INVALID, 4, 17, "i1", "not live");
  E("[i0]\nlabel(i0, 1, descr=L)\njump(i0, 1, descr=L)\n", INVALID, 2, 11, "label",
    "constant");
  E("[i0]\nlabel(i0, i0, descr=L)\njump(i0, i0, descr=L)\n", INVALID, 2, 11, "distinct",
    "i0");
  E("[i0]\nlabel(i0, descr=L)\njump(i0, descr=M)\n", INVALID, 3, 10, "unknown label", "M");
  E("[i0]\nguard_true(i0, descr=g) []\njump(i0, descr=g)\n", INVALID, 3, 10, "not a label",
    "line 2");
  E("[i0, i1]\nlabel(i0, i1, descr=L)\njump(i0, descr=L)\n", INVALID, 3, 1,
    "jump passes 1 values", "label L has 2 arguments");
  E("[i0, f1]\nlabel(i0, f1, descr=L)\njump(i0, i0, descr=L)\n", TYPE, 3, 10,
    "type mismatch", "jump argument 2", "i0", "int", "f1", "float");
  E("[i0]\nguard_no_overflow() []\nfinish(i0)\n", INVALID, 2, 1, "guard_no_overflow",
    "overflow-checked");
  E("[i0]\ni1 = int_add(i0, 1)\nguard_overflow() []\nfinish(i0)\n", INVALID, 3, 1,
    "guard_overflow", "overflow-checked");
  E("[i0]\ni1 = int_mul_ovf(i0, 3)\ni2 = int_add(i1, 1)\nguard_no_overflow() []\n"
    "finish(i2)\n",
    INVALID, 2, 6, "int_mul_ovf", "must be followed by guard_no_overflow");
  E("[i0]\ni1 = int_sub_ovf(i0, 3)\n", INVALID, 2, 6, "int_sub_ovf", "must be followed");
  E("[i0]\ni1 = int_add(i0, 1)\n", INVALID, 3, 1, "must end with jump or finish");
  E("[i0]\ni1 = int_add(i0, 1)", INVALID, 2, 20, "must end with jump or finish");
  E("[i0]\n", INVALID, 2, 1, "must end");
  E("[i0]\nfinish(i0)\ni1 = int_add(i0, 1)\n", INVALID, 3, 6, "nothing may follow finish");
  E("[i0]\nfinish(i0)\nfinish(i0)\n", INVALID, 3, 1, "nothing may follow finish");
  E("[i0]\nlabel(i0, descr=L)\njump(i0, descr=L)\nfinish(i0)\n", INVALID, 4, 1,
    "nothing may follow jump");
  E("[i0]\nguard_true(i0, descr=x) []\nfinish(i0, descr=x)\n", INVALID, 3, 12,
    "descr name x already used", "line 2");
  E("[i0]\nlabel(i0, descr=x)\nlabel(i0, descr=x)\njump(i0, descr=x)\n", INVALID, 3, 11,
    "already used");
}

/* Many operands: limits are errors at the first operand past the limit. */
static void test_errors_limits(void **state) {
  armjit_ctx *ctx = *state;
  size_t cap = 800000;
  char *s = malloc(cap);
  assert_non_null(s);
  /* 65536 fail args */
  size_t n = (size_t)snprintf(s, cap, "[i0]\nguard_true(i0) [");
  for (int k = 0; k < 65536; k++) n += (size_t)snprintf(s + n, cap - n, k ? ", i0" : "i0");
  snprintf(s + n, cap - n, "]\nfinish(i0)\n");
  E(s, LIMIT, 2, (int)(17 + 4 * 65535), "too many fail args", "65535");
  /* 65536 arguments of a finish */
  n = (size_t)snprintf(s, cap, "[i0]\nfinish(");
  for (int k = 0; k < 65536; k++) n += (size_t)snprintf(s + n, cap - n, k ? ", 1" : "1");
  snprintf(s + n, cap - n, ")\n");
  E(s, LIMIT, 2, (int)(8 + 3 * 65535), "too many arguments");
  /* 65536 inputs; exactly 65535 are fine */
  n = (size_t)snprintf(s, cap, "[");
  size_t col65536 = 0;
  for (int k = 0; k < 65536; k++) {
    if (k == 65535) col65536 = n + (k ? 2 : 0) + 1;
    n += (size_t)snprintf(s + n, cap - n, k ? ", i%d" : "i%d", k);
  }
  snprintf(s + n, cap - n, "]\nfinish()\n");
  E(s, LIMIT, 1, (int)col65536, "too many inputs");
  n = (size_t)snprintf(s, cap, "[");
  for (int k = 0; k < 65535; k++) n += (size_t)snprintf(s + n, cap - n, k ? ", i%d" : "i%d", k);
  snprintf(s + n, cap - n, "]\nfinish(i65534)\n");
  armjit_trace *t = irs_parse(ctx, s);
  assert_int_equal(armjit_trace_ninputs(t), 65535);
  armjit_trace_free(t);
  free(s);
}

static void test_parse_bad_args(void **state) {
  armjit_error err;
  assert_null(armjit_trace_parse(*state, NULL, &err));
  irs_expect_err(&err, ARMJIT_E_ARG, "NULL", (const char *)NULL);
  assert_null(armjit_trace_parse(NULL, "[]\nfinish()\n", &err));
  irs_expect_err(&err, ARMJIT_E_ARG, "NULL", (const char *)NULL);
  /* errors without an error struct are fine */
  assert_null(armjit_trace_parse(*state, "[i0]\n", NULL));
}

/* ---- builder ---------------------------------------------------------------------- */
static void expect_builder_err(armjit_trace *t, armjit_status code, const char *w1,
                               const char *w2) {
  armjit_error err;
  assert_int_equal(armjit_trace_validate(t, &err), code);
  irs_expect_err(&err, code, w1, w2, (const char *)NULL);
  armjit_trace_free(t);
}

static void test_builder_misuse(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t;
  armjit_val a[3];

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, NULL, 2), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "armjit_op", "NULL");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = 12345;
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, a, 2), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "argument 2", "not a value");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = -77; /* a constant index that does not exist */
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, a, 2), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "argument 2", "not a value");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = ARMJIT_NOVAL;
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, a, 2), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "ARMJIT_NOVAL", "argument 2");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = armjit_const_float(t, 1.0);
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, a, 2), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_TYPE, "argument 2", "expected int");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, a, 1), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_INVALID, "wrong number of arguments", "int_add");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_op(t, ARMJIT_OP_GUARD_TRUE, a, 1), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "guard_true", "armjit_guard");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_op(t, ARMJIT_OP_JUMP, a, 1), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "jump", "armjit_jump");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_op(t, (armjit_opcode)9999, a, 1), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "unknown opcode", "9999");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_INT_ADD, a, 1, NULL, 0), -1);
  expect_builder_err(t, ARMJIT_E_ARG, "int_add", "not a guard");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, a, 1, NULL, 2), -1);
  expect_builder_err(t, ARMJIT_E_ARG, "fail arg", "NULL");

  t = armjit_trace_new(ctx);
  assert_int_equal(armjit_input(t, ARMJIT_VOID), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "armjit_input", "type");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = armjit_op(t, ARMJIT_OP_INT_NEG, a, 1);
  assert_int_equal(armjit_input(t, ARMJIT_INT), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "armjit_input", "before any operation");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_jump(t, 0, a, 1), ARMJIT_E_ARG);
  expect_builder_err(t, ARMJIT_E_ARG, "armjit_jump", "unknown label 0");

  /* names: bad syntax, nothing to name, duplicates */
  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_set_name(t, "x"), ARMJIT_E_ARG);
  expect_builder_err(t, ARMJIT_E_ARG, "last op", "guard, finish or label");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, a, 1, a, 1), 0);
  assert_int_equal(armjit_set_name(t, "no spaces"), ARMJIT_E_ARG);
  expect_builder_err(t, ARMJIT_E_ARG, "no spaces", "not a name");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, a, 1, a, 1), 0);
  assert_int_equal(armjit_set_name(t, "g"), ARMJIT_OK);
  assert_int_equal(armjit_set_name(t, "g"), ARMJIT_OK); /* same op: fine */
  assert_int_equal(armjit_finish(t, a, 1), 1);
  assert_int_equal(armjit_set_name(t, "g"), ARMJIT_E_INVALID);
  expect_builder_err(t, ARMJIT_E_INVALID, "g", "already used");

  /* one call's checks keep their order, however they are done: the
   * handles (arguments, then fail args) before the signature */
  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_FLOAT);
  a[1] = 12345;
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, a, 1, &a[1], 1), -1);
  expect_builder_err(t, ARMJIT_E_ARG, "fail arg 1", "not a value");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = ARMJIT_NOVAL;
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_NEG, a, 2), ARMJIT_NOVAL);
  expect_builder_err(t, ARMJIT_E_ARG, "argument 2", "ARMJIT_NOVAL");

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = armjit_const_float(t, 1.5);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &a[1], 1, a, 1), -1);
  expect_builder_err(t, ARMJIT_E_TYPE, "armjit_guard", "expected int");

  /* the first misuse is the one reported */
  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, a, 1), ARMJIT_NOVAL);
  assert_int_equal(armjit_op(t, ARMJIT_OP_INT_ADD, NULL, 2), ARMJIT_NOVAL);
  assert_int_equal(armjit_finish(t, a, 1), 0);
  expect_builder_err(t, ARMJIT_E_INVALID, "wrong number", "int_add");

  /* too many arguments */
  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  armjit_val *many = calloc(65536, sizeof *many);
  assert_non_null(many);
  for (int k = 0; k < 65536; k++) many[k] = a[0];
  assert_int_equal(armjit_finish(t, many, 65536), -1);
  free(many);
  expect_builder_err(t, ARMJIT_E_LIMIT, "65536", "at most 65535");

  /* a NULL trace is refused without a crash */
  assert_int_equal(armjit_input(NULL, ARMJIT_INT), ARMJIT_NOVAL);
  assert_int_equal(armjit_const_int(NULL, 1), ARMJIT_NOVAL);
  assert_int_equal(armjit_op(NULL, ARMJIT_OP_INT_ADD, a, 2), ARMJIT_NOVAL);
  assert_int_equal(armjit_guard(NULL, ARMJIT_OP_GUARD_TRUE, a, 1, a, 1), -1);
  assert_int_equal(armjit_label(NULL, a, 1), -1);
  assert_int_equal(armjit_jump(NULL, 0, a, 1), ARMJIT_E_ARG);
  assert_int_equal(armjit_finish(NULL, a, 1), -1);
  assert_int_equal(armjit_set_name(NULL, "x"), ARMJIT_E_ARG);
  assert_int_equal(armjit_val_type(NULL, 0), ARMJIT_VOID);
  armjit_error err;
  assert_int_equal(armjit_trace_validate(NULL, &err), ARMJIT_E_ARG);
  armjit_trace_free(NULL);
  assert_null(armjit_trace_new(NULL));
}

/* Rules that span ops are the validator's, for API traces too (no line). */
static void test_builder_rules(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_val a[2];
  armjit_trace *t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = armjit_const_int(t, 3);
  assert_int_equal(armjit_label(t, a, 2), 0);
  assert_int_equal(armjit_jump(t, 0, a, 2), ARMJIT_OK);
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_E_INVALID);
  irs_expect_err(&err, ARMJIT_E_INVALID, "op 0 (label)", "constant", (const char *)NULL);
  assert_int_equal(err.line, 0);
  armjit_trace_free(t);

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  a[1] = armjit_op(t, ARMJIT_OP_INT_ADD_OVF, (armjit_val[]){a[0], a[0]}, 2);
  assert_int_equal(armjit_finish(t, a, 2), 0);
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_E_INVALID);
  irs_expect_err(&err, ARMJIT_E_INVALID, "op 0 (int_add_ovf)", "must be followed",
                 (const char *)NULL);
  armjit_trace_free(t);

  t = armjit_trace_new(ctx);
  a[0] = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_E_INVALID);
  irs_expect_err(&err, ARMJIT_E_INVALID, "must end with jump or finish", (const char *)NULL);
  armjit_trace_free(t);
}

/* The loop rule for API traces: a value a label does not list is dead after
 * it, however many values it lists (the builder's view of the uses,
 * t->uses_checked, must not hide it; release builds rely on that view). */
static void test_builder_liveness(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_val in[2], v[3];
  static const char *const want[][2] = {
      {"i1 is not live after label", NULL},          /* label(i0): fewer */
      {"listed twice", "i0"},                         /* label(i0, i0): as many */
      {"not a constant", NULL},                       /* label(i0, 7): as many */
      {"i1 is not live after label", NULL},           /* 2nd label(i0, i2): fewer */
      {NULL, NULL},                                   /* label(i0, i1): fine */
  };
  for (int k = 0; k < 5; k++) {
    armjit_trace *t = armjit_trace_new(ctx);
    in[0] = armjit_input(t, ARMJIT_INT);
    in[1] = armjit_input(t, ARMJIT_INT);
    armjit_val lab[2] = {in[0], k == 1 ? in[0] : k == 2 ? armjit_const_int(t, 7) : in[1]};
    assert_int_equal(armjit_label(t, lab, k == 0 ? 1 : 2), 0);
    if (k == 3) {
      v[0] = armjit_op(t, ARMJIT_OP_INT_ADD, in, 2);
      assert_int_equal(armjit_label(t, (armjit_val[]){in[0], v[0]}, 2), 1);
    }
    v[1] = armjit_op(t, ARMJIT_OP_INT_ADD, (armjit_val[]){in[1], in[0]}, 2);
    assert_true(v[1] >= 0);
    v[2] = armjit_op(t, ARMJIT_OP_INT_ADD, (armjit_val[]){v[1], in[0]}, 2);
    assert_int_equal(armjit_jump(t, k == 3 ? 1 : 0, (armjit_val[]){in[0], v[2]}, k == 0 ? 1 : 2),
                     ARMJIT_OK);
    armjit_status st = armjit_trace_validate(t, &err);
    if (want[k][0]) {
      assert_int_equal(st, ARMJIT_E_INVALID);
      irs_expect_err(&err, ARMJIT_E_INVALID, want[k][0], want[k][1], (const char *)NULL);
    } else {
      assert_int_equal(st, ARMJIT_OK);
    }
    armjit_trace_free(t);
  }
}

/* The counting loop built by the API prints exactly like the parsed text. */
static void test_builder_equals_text(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val i0 = armjit_input(t, ARMJIT_INT), i1 = armjit_input(t, ARMJIT_INT);
  armjit_val f2 = armjit_input(t, ARMJIT_FLOAT);
  assert_int_equal(armjit_val_type(t, f2), ARMJIT_FLOAT);
  int L = armjit_label(t, (armjit_val[]){i0, i1, f2}, 3);
  assert_int_equal(L, 0);
  assert_int_equal(armjit_set_name(t, "L"), ARMJIT_OK);
  armjit_val i3 = armjit_op(t, ARMJIT_OP_INT_ADD, (armjit_val[]){i0, armjit_const_int(t, 1)}, 2);
  armjit_val i4 = armjit_op(t, ARMJIT_OP_INT_LT, (armjit_val[]){i3, i1}, 2);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &i4, 1, (armjit_val[]){i3, f2}, 2), 0);
  assert_int_equal(armjit_set_name(t, "g1"), ARMJIT_OK);
  armjit_val f5 =
      armjit_op(t, ARMJIT_OP_FLOAT_MUL, (armjit_val[]){f2, armjit_const_float(t, 1.5)}, 2);
  assert_int_equal(armjit_val_type(t, f5), ARMJIT_FLOAT);
  assert_int_equal(armjit_jump(t, L, (armjit_val[]){i3, i1, f5}, 3), ARMJIT_OK);
  armjit_error err;
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_OK);
  assert_int_equal(armjit_trace_ninputs(t), 3);
  assert_int_equal(armjit_trace_nops(t), 6);

  armjit_trace *p = irs_parse(ctx, traces[0]);
  char *a = irs_print(t), *b = irs_print(p);
  assert_string_equal(a, b);
  irs_assert_same_trace(t, p);
  free(a);
  free(b);
  armjit_trace_free(p);
  armjit_trace_free(t);
}

/* Unnamed labels get generated names that clash with nothing. */
static void test_generated_label_names(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val i0 = armjit_input(t, ARMJIT_INT);
  armjit_val one = armjit_const_int(t, 1);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &i0, 1, NULL, 0), 0);
  assert_int_equal(armjit_set_name(t, "L0"), ARMJIT_OK);
  assert_int_equal(armjit_label(t, &i0, 1), 0);
  armjit_val i1 = armjit_op(t, ARMJIT_OP_INT_SUB, (armjit_val[]){i0, one}, 2);
  assert_int_equal(armjit_jump(t, 0, &i1, 1), ARMJIT_OK);
  char *s = irs_print(t);
  assert_string_equal(s,
                      "[i0]\n"
                      "guard_true(i0, descr=L0) []\n"
                      "label(i0, descr=L0_)\n"
                      "i1 = int_sub(i0, 1)\n"
                      "jump(i1, descr=L0_)\n");
  armjit_trace *p = irs_roundtrip(ctx, s);
  irs_assert_same_trace(t, p);
  armjit_trace_free(p);
  free(s);
  armjit_trace_free(t);
}

/* Renaming frees the old name for other ops and takes the new one. */
static void test_descr_rename(void **state) {
  armjit_trace *t = armjit_trace_new(*state);
  armjit_val i0 = armjit_input(t, ARMJIT_INT);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &i0, 1, NULL, 0), 0);
  assert_int_equal(armjit_set_name(t, "a"), ARMJIT_OK);
  assert_int_equal(armjit_set_name(t, "b"), ARMJIT_OK);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_FALSE, &i0, 1, NULL, 0), 1);
  assert_int_equal(armjit_set_name(t, "a"), ARMJIT_OK);
  assert_int_equal(armjit_finish(t, NULL, 0), 2);
  assert_int_equal(armjit_set_name(t, "b"), ARMJIT_E_INVALID);
  char *s = irs_print(t);
  assert_string_equal(s, "[i0]\nguard_true(i0, descr=b) []\nguard_false(i0, descr=a) []\n"
                         "finish()\n");
  free(s);
  armjit_trace_free(t);
}

/* NaN constants are stored as the one canonical NaN (what "nan" parses to). */
static void test_nan_const_canonical(void **state) {
  armjit_trace *t = armjit_trace_new(*state);
  armjit_val c = armjit_const_float(t, irs_dbl(0xfff4000000000123ull));
  assert_true(IR_IS_CONST(c));
  assert_int_equal(ir_const_of(t, c)->v.bits, 0x7ff8000000000000ull);
  armjit_trace_free(t);
  t = irs_parse(*state, "[]\nfinish(nan)\n");
  assert_int_equal(t->consts[0].v.bits, 0x7ff8000000000000ull);
  armjit_trace_free(t);
}

/* Allocation failure at every point of parsing and interpreting: a clean
 * ARMJIT_E_NOMEM, no crash, no leak (ASan checks the leaks). */
typedef struct { long budget; } alloc_budget;
static void *b_alloc(void *ud, size_t n) {
  alloc_budget *b = ud;
  return b->budget-- > 0 ? malloc(n) : NULL;
}
static void *b_realloc(void *ud, void *p, size_t n) {
  alloc_budget *b = ud;
  return b->budget-- > 0 ? realloc(p, n) : NULL;
}
static void b_free(void *ud, void *p) { (void)ud; free(p); }

static void test_out_of_memory(void **state) {
  (void)state;
  alloc_budget b = {1 << 30};
  armjit_options o = {0};
  o.alloc = b_alloc;
  o.realloc = b_realloc;
  o.free = b_free;
  o.ud = &b;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  bool parsed = false;
  for (long k = 0; k < 10000 && !parsed; k++) {
    b.budget = k;
    armjit_trace *t = armjit_trace_parse(ctx, traces[11], &err);
    if (!t) {
      assert_int_equal(err.code, ARMJIT_E_NOMEM);
      continue;
    }
    parsed = true;
    b.budget = 1 << 30;
    armjit_frame *f = armjit_frame_new(ctx, 4);
    assert_non_null(f);
    /* the interpreter's own allocations */
    for (long j = 0;; j++) {
      b.budget = j;
      f->values[0] = irs_i(1);
      f->values[1] = irs_f(0.5);
      armjit_status st = armjit_interpret(t, f, 0, &err);
      if (st == ARMJIT_OK) break;
      assert_int_equal(st, ARMJIT_E_NOMEM);
    }
    b.budget = 1 << 30;
    armjit_frame_free(ctx, f);
    armjit_trace_free(t);
  }
  assert_true(parsed);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_all),
      cmocka_unit_test(test_print_canonical),
      cmocka_unit_test(test_constants_exact),
      cmocka_unit_test(test_int_constants),
      cmocka_unit_test(test_exit_info),
      cmocka_unit_test(test_print_to_file),
      cmocka_unit_test(test_errors_syntax),
      cmocka_unit_test(test_errors_fuzz_found),
      cmocka_unit_test(test_errors_did_you_mean),
      cmocka_unit_test(test_errors_names_types),
      cmocka_unit_test(test_numbered_names),
      cmocka_unit_test(test_op_name_table),
      cmocka_unit_test(test_parse_double_short),
      cmocka_unit_test(test_lex_classes),
      cmocka_unit_test(test_errors_control),
      cmocka_unit_test(test_errors_limits),
      cmocka_unit_test(test_parse_bad_args),
      cmocka_unit_test(test_builder_misuse),
      cmocka_unit_test(test_builder_rules),
      cmocka_unit_test(test_builder_liveness),
      cmocka_unit_test(test_builder_equals_text),
      cmocka_unit_test(test_generated_label_names),
      cmocka_unit_test(test_descr_rename),
      cmocka_unit_test(test_nan_const_canonical),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
