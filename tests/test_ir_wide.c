/* SPDX-License-Identifier: MIT */
/* i64 and f32 in the IR: every op's edge cases interpreted (the compiled
 * side is arm_wide.c), and the text form of the new types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir_support.h"
#include "wide_cases.h"

static int setup(void **state) {
  *state = armjit_ctx_new(NULL, NULL);
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

static void test_edges_interpreted(void **state) {
  unsigned n = wc_run_all(*state, false);
  printf("i64/f32 edge cases: %u cases, %u interpreted runs\n", wc_ncases, n);
}

/* Constants print as i64(N) / f32(X) and read back bit for bit; i64 and
 * f32 alone are still variable names. */
static void test_text(void **state) {
  armjit_trace *t = irs_roundtrip(*state,
                                  "[l0, s1, i64, f32]\n"
                                  "l2 = llong_add(l0, i64(-9223372036854775808))\n"
                                  "l3 = llong_xor(l2, i64(0xffffffffffffffff))\n"
                                  "s4 = same_as(f32(-1.5))\n"
                                  "finish(l3, s4, s1, i64, f32, f32(1.4012984643248171e-45), f32(nan), f32(-inf))\n");
  char *s = irs_print(t);
  assert_string_equal(s, "[l0, s1, i2, f3]\n"
                         "l4 = llong_add(l0, i64(-9223372036854775808))\n"
                         "l5 = llong_xor(l4, i64(-1))\n"
                         "s6 = same_as(f32(-1.5))\n"
                         "finish(l5, s6, s1, i2, f3, f32(1.4012984643248171e-45), f32(nan), "
                         "f32(-inf))\n");
  free(s);
  armjit_trace_free(t);
}

static void test_text_errors(void **state) {
  irs_expect_error(*state, "[]\nfinish(i64(9223372036854775808))\n", ARMJIT_E_SYNTAX, 2, 8,
                   "does not fit in 64 bits", NULL);
  irs_expect_error(*state, "[]\nfinish(f32(0.1))\n", ARMJIT_E_SYNTAX, 2, 8,
                   "is not exactly an f32", NULL);
  irs_expect_error(*state, "[]\nfinish(f32(1e39))\n", ARMJIT_E_SYNTAX, 2, 8,
                   "is not exactly an f32", NULL);
  irs_expect_error(*state, "[l0]\nl1 = llong_add(l0, 1)\nfinish(l1)\n", ARMJIT_E_TYPE, 2, 20,
                   "is int", "i64", NULL);
  irs_expect_error(*state, "[l0]\ni1 = llong_add(l0, l0)\nfinish(i1)\n", ARMJIT_E_TYPE, 2, 1,
                   "i64", NULL);
  irs_expect_error(*state, "descr d = field(offset=0, size=4, i64)\n[p0]\nfinish(p0)\n",
                   ARMJIT_E_INVALID, 1, 27, "an i64 in memory has 8 bytes", NULL);
}

/* Exits hand back all 64 bits of an i64 and the f32's bits in the low
 * word (high word 0 from the interpreter). */
static void test_frames(void **state) {
  armjit_trace *t = irs_parse(*state, "[l0, s1]\nfinish(l0, s1)\n");
  armjit_value in[2];
  memset(in, 0, sizeof in);
  in[0].bits = UINT64_C(0x8000000100000002);
  in[1].bits = UINT64_C(0xdeadbeef3f800000); /* the high word is ignored */
  armjit_frame *f = irs_run(*state, t, in, 0);
  assert_int_equal(f->values[0].bits, UINT64_C(0x8000000100000002));
  assert_int_equal(f->values[1].bits, UINT64_C(0x3f800000));
  assert_true(f->values[1].s == 1.0f);
  armjit_frame_free(*state, f);
  armjit_trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_edges_interpreted),
      cmocka_unit_test(test_text),
      cmocka_unit_test(test_text_errors),
      cmocka_unit_test(test_frames),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
