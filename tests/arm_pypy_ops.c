/* SPDX-License-Identifier: MIT */
/* The low-level ops of PyPy's backend (docs/ir.md §2.8), compiled and
 * compared with the interpreter (jitcheck) on edge values, in every
 * allocation variant.  uint_mul_high, the ptr casts and instance_ptr_eq/ne
 * also run through arm_ops.c's every-shape matrix; int_signext, whose
 * count must be a constant, is here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

static const int32_t int_edges[] = {0,      1,       -1,         0x7f,       0x80,
                                    0xff,   0x100,   0x17f,      0x7fff,     0x8000,
                                    0xffff, 0x10000, 0x12348081, INT32_MAX,  INT32_MIN,
                                    -128,   -129,    -32768,     -32769,     0x5a5aa5a5};
#define N_INT (sizeof int_edges / sizeof int_edges[0])

/* int_signext in each width, as a variable (live after it or dying),
 * chained, and on a constant; fused into nothing else. */
static void test_signext(void **state) {
  (void)state;
  static const char *const texts[] = {
      "[i0]\ni1 = int_signext(i0, 1)\ni2 = int_signext(i0, 2)\ni3 = int_signext(i0, 4)\n"
      "finish(i1, i2, i3, i0)\n",
      "[i0]\ni1 = int_signext(i0, 1)\nfinish(i1)\n",
      "[i0]\ni1 = int_signext(i0, 2)\ni2 = int_signext(i1, 1)\ni3 = int_add(i2, i1)\n"
      "finish(i3)\n",
      "[i0]\ni1 = int_signext(i0, 4)\ni2 = int_signext(-129, 1)\ni3 = int_signext(0x18000, 2)\n"
      "finish(i1, i2, i3)\n",
      /* the result as a guard's operand and a fail arg */
      "[i0]\ni1 = int_signext(i0, 1)\ni2 = int_lt(i1, 0)\nguard_false(i2) [i1, i0]\n"
      "finish(i1)\n",
  };
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    jc_case c;
    jc_init_text(&c, texts[k], ARMJIT_RANDOM_SEED + (uint32_t)k);
    c.what = texts[k];
    for (size_t i = 0; i < N_INT; i++) {
      armjit_value in[1] = {irs_i(int_edges[i])};
      jc_run(&c, in);
    }
    jc_free(&c);
  }
}

/* Many results live at once: uint_mul_high needs a scratch for the low
 * word, which must not be a register holding a live value. */
static void test_mul_high_pressure(void **state) {
  (void)state;
  char text[4096];
  size_t n = 0;
  n += (size_t)snprintf(text + n, sizeof text - n, "[i0, i1]\n");
  for (int k = 0; k < 14; k++)
    n += (size_t)snprintf(text + n, sizeof text - n, "i%d = uint_mul_high(i%d, i%d)\n", k + 2,
                          k + 1, k == 0 ? 0 : k);
  n += (size_t)snprintf(text + n, sizeof text - n, "finish(");
  for (int k = 0; k < 16; k++)
    n += (size_t)snprintf(text + n, sizeof text - n, "%si%d", k ? ", " : "", k);
  snprintf(text + n, sizeof text - n, ")\n");
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  for (size_t i = 0; i < N_INT; i++)
    for (size_t j = 0; j < N_INT; j += 3) {
      armjit_value in[2] = {irs_i(int_edges[i]), irs_i(int_edges[j])};
      jc_run(&c, in);
    }
  jc_free(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_signext),
      cmocka_unit_test(test_mul_high_pressure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
