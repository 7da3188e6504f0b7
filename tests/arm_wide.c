/* SPDX-License-Identifier: MIT */
/* i64 and f32 compiled: every op's edge cases (wide_cases.h) compiled and
 * run against the expected values and the interpreter, with and without
 * NEON and with random register choices; 8- and 4-byte memory; values
 * in fail args, label arguments and spill slots under register pressure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir_support.h"
#include "wide_cases.h"

static void edges_in(unsigned flags, unsigned features) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.features = features;
  o.seed = 12345;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  if (!ctx) fail_msg("context: %s", err.msg);
  unsigned n = wc_run_all(ctx, true);
  printf("i64/f32 edge cases (flags 0x%x, features 0x%x): %u runs\n", flags, features, n);
  armjit_ctx_free(ctx);
}

static void test_edges(void **state) {
  (void)state;
  edges_in(0, 0);
}

/* Without NEON every i64 op takes the core-register path. */
static void test_edges_no_neon(void **state) {
  (void)state;
  edges_in(ARMJIT_FEATURES_SET, A32_FEAT_VFPV3 | A32_FEAT_D32);
}

static void test_edges_random_ra(void **state) {
  (void)state;
  edges_in(ARMJIT_RANDOM_RA, 0);
}

/* Compiled and interpreted runs of `text` on `in` agree. */
static void same_run(armjit_ctx *ctx, const char *text, const armjit_value *in) {
  armjit_trace *t = irs_parse(ctx, text);
  armjit_frame *want = irs_run(ctx, t, in, 0);
  armjit_loop *loop = irs_compile(ctx, t);
  armjit_frame *got = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop) + 4);
  assert_non_null(got);
  for (unsigned k = 0; k < armjit_trace_ninputs(t); k++) got->values[k] = in[k];
  armjit_error err;
  if (armjit_run(loop, got, &err) < 0) fail_msg("run: %s", err.msg);
  irs_assert_frames_equal(t, want, got);
  armjit_frame_free(ctx, got);
  armjit_frame_free(ctx, want);
  armjit_loop_free(loop);
  armjit_trace_free(t);
}

/* 8-byte int and 4-byte float fields and array items, loads and stores,
 * constant and variable indices, offsets beyond VLDR's reach. */
static void test_memory(void **state) {
  armjit_ctx *ctx = *state;
  static uint8_t buf[4096] __attribute__((aligned(8)));
  memset(buf, 0, sizeof buf);
  char text[2048];
  snprintf(text, sizeof text,
           "descr q = field(offset=8, i64)\n"
           "descr far = field(offset=2048, i64)\n"
           "descr a = array(base=16, item=8, i64)\n"
           "descr h = array(base=4, item=4, f32)\n"
           "descr hf = field(offset=3000, f32)\n"
           "[p0, l1, s2, i3]\n"
           "setfield_raw(p0, l1, descr=q)\n"
           "setfield_raw(p0, i64(-2), descr=far)\n"
           "setarrayitem_raw(p0, i3, l1, descr=a)\n"
           "setarrayitem_raw(p0, 7, i64(0x123456789abcdef0), descr=a)\n"
           "setarrayitem_raw(p0, i3, s2, descr=h)\n"
           "setfield_raw(p0, f32(-1.5), descr=hf)\n"
           "l4 = getfield_raw(p0, descr=q)\n"
           "l5 = getfield_raw(p0, descr=far)\n"
           "l6 = getarrayitem_raw(p0, i3, descr=a)\n"
           "l7 = getarrayitem_raw(p0, 7, descr=a)\n"
           "s8 = getarrayitem_raw(p0, i3, descr=h)\n"
           "s9 = getfield_raw(p0, descr=hf)\n"
           "s10 = getarrayitem_raw(p0, 0, descr=h)\n"
           "finish(l4, l5, l6, l7, s8, s9, s10)\n");
  armjit_value in[4];
  memset(in, 0, sizeof in);
  in[0].r = (uintptr_t)buf;
  in[1].l = INT64_MIN + 5;
  in[2].s = 1e-40f; /* a subnormal f32 */
  in[3].i = 3;
  same_run(ctx, text, in);
  int64_t v;
  memcpy(&v, buf + 16 + 3 * 8, 8);
  assert_true(v == INT64_MIN + 5);
  float f;
  memcpy(&f, buf + 3000, 4);
  assert_true(f == -1.5f);
}

/* A loop carrying i64 and f32 label arguments (sums, shifted and
 * converted), a guard exiting with them, and enough live values that
 * some live in slots. */
static void test_loop_and_pressure(void **state) {
  armjit_ctx *ctx = *state;
  char text[8192];
  size_t n = 0;
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "[i0, l1, s2, f3]\nlabel(i0, l1, s2, f3, descr=L)\n");
  /* 20 i64 values live across the loop body: more than d0-d14 */
  for (int k = 0; k < 20; k++)
    n += (size_t)snprintf(text + n, sizeof text - n, "l%d = llong_add(l1, i64(%d))\n", 10 + k,
                          k * 977);
  n += (size_t)snprintf(text + n, sizeof text - n, "l40 = llong_mul(l10, l29)\n");
  for (int k = 11; k < 29; k++)
    n += (size_t)snprintf(text + n, sizeof text - n, "l%d = llong_xor(l%d, l%d)\n", 30 + k,
                          k == 11 ? 40 : 30 + k - 1, k);
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "f60 = cast_singlefloat_to_float(s2)\n"
                        "f61 = float_add(f60, f3)\n"
                        "s62 = cast_float_to_singlefloat(f61)\n"
                        "i63 = int_sub(i0, 1)\n"
                        "i64 = int_gt(i63, 0)\n"
                        "guard_true(i64) [l58, s62, l1, i63, l10, l29]\n"
                        "l65 = llong_lshift(l58, i63)\n"
                        "jump(i63, l65, s62, f3, descr=L)\n");
  armjit_value in[4];
  memset(in, 0, sizeof in);
  in[0].i = 9;
  in[1].l = 0x0123456789abcdefLL;
  in[2].s = 0.1f;
  in[3].f = 0.25;
  same_run(ctx, text, in);
}

/* A bridge on a guard whose fail args are i64 and f32 values. */
static void test_bridge(void **state) {
  armjit_ctx *ctx = *state;
  armjit_set_entry *set;
  unsigned n;
  armjit_error err;
  const char *text = "--- loop main\n"
                     "[l0, s1]\n"
                     "l2 = llong_add(l0, i64(0x100000000))\n"
                     "i3 = llong_gt(l2, i64(0x500000000))\n"
                     "guard_false(i3, descr=g) [l2, s1, l0]\n"
                     "finish(l2)\n"
                     "--- bridge b on main.g\n"
                     "[l0, s1, l2]\n"
                     "l3 = llong_sub(l0, l2)\n"
                     "f4 = cast_singlefloat_to_float(s1)\n"
                     "finish(l3, f4, s1)\n";
  if (armjit_set_parse(ctx, text, &set, &n, &err) != ARMJIT_OK) fail_msg("parse: %s", err.msg);
  armjit_loop *loops[2];
  if (armjit_compile_set(ctx, set, n, loops, &err) != ARMJIT_OK) fail_msg("compile: %s", err.msg);
  armjit_frame *f = armjit_frame_new(ctx, 8);
  f->values[0].l = 0x500000000LL;
  f->values[1].bits = 0;
  f->values[1].s = -2.5f;
  int id = armjit_run(loops[0], f, &err);
  assert_true(id >= 0);
  assert_int_equal(f->nvalues, 3);
  assert_true(f->values[0].l == 0x100000000LL);
  assert_true(f->values[1].f == -2.5);
  assert_true(f->values[2].s == -2.5f);
  armjit_frame_free(ctx, f);
  armjit_loop_free(loops[0]);
  armjit_set_free(ctx, set, n);
}

/* call_assembler with i64 and f32 arguments and an i64 result. */
static void test_call_assembler(void **state) {
  armjit_ctx *ctx = *state;
  static const armjit_type args[2] = {ARMJIT_I64, ARMJIT_F32};
  armjit_error err;
  armjit_token *tok = armjit_token_new(ctx, "wide_callee", args, 2, ARMJIT_I64, &err);
  if (!tok) fail_msg("token: %s", err.msg);
  armjit_trace *callee = irs_parse(ctx, "[l0, s1]\n"
                                        "f2 = cast_singlefloat_to_float(s1)\n"
                                        "l3 = llong_from_float(f2)\n"
                                        "l4 = llong_add(l0, l3)\n"
                                        "finish(l4)\n");
  armjit_loop *cl = irs_compile(ctx, callee);
  assert_int_equal(armjit_token_set_loop(tok, cl, &err), ARMJIT_OK);
  assert_int_equal(armjit_token_set_trace(tok, callee, &err), ARMJIT_OK);
  armjit_value in[2];
  memset(in, 0, sizeof in);
  in[0].l = INT64_MAX - 1;
  in[1].s = 0.5f;
  same_run(ctx,
           "descr wide_callee = token(args=[i64, f32], result=i64)\n"
           "[l0, s1]\n"
           "l2 = call_assembler(l0, f32(2.5), descr=wide_callee)\n"
           "l3 = call_assembler(l2, s1, descr=wide_callee)\n"
           "finish(l2, l3, s1)\n",
           in);
  armjit_token_set_trace(tok, NULL, &err);
  armjit_token_set_loop(tok, NULL, &err);
  armjit_loop_free(cl);
  armjit_trace_free(callee);
}

static int setup(void **state) {
  *state = armjit_ctx_new(NULL, NULL);
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_edges),
      cmocka_unit_test(test_edges_no_neon),
      cmocka_unit_test(test_edges_random_ra),
      cmocka_unit_test(test_memory),
      cmocka_unit_test(test_loop_and_pressure),
      cmocka_unit_test(test_bridge),
      cmocka_unit_test(test_call_assembler),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
