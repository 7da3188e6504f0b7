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

/* ---- narrow call results ---------------------------------------------------- */
/* The word it returns has every bit of x: a descriptor with size=1 or 2
 * must ignore the upper ones. */
static int32_t ident(int32_t x) { return x; }
static int32_t ident2(int32_t x, double d) { return x ^ (int32_t)d; }

static void test_narrow_results(void **state) {
  (void)state;
  static const char *const descrs[] = {
      "call(args=[int], result=int, size=1, signed)", "call(args=[int], result=int, size=1)",
      "call(args=[int], result=int, size=2, signed)", "call(args=[int], result=int, size=2)",
      "call(args=[int], result=int, size=4, signed)", "call(args=[int], result=int)",
  };
  for (size_t k = 0; k < sizeof descrs / sizeof descrs[0]; k++) {
    char text[1024];
    /* the result alone, live across a second call, and as a fail arg */
    snprintf(text, sizeof text,
             "descr C = %s\n"
             "descr D = call(args=[int, float], result=int, size=%c%s)\n"
             "[i0, f1]\n"
             "i2 = call(ref(%#lx), i0, descr=C)\n"
             "i3 = call(ref(%#lx), i2, f1, descr=D)\n"
             "i4 = int_add(i3, i2)\n"
             "i5 = int_lt(i4, 0)\n"
             "guard_false(i5) [i2, i3, i0]\n"
             "finish(i2, i3, i4)\n",
             descrs[k], k % 2 ? '1' : '2', k % 3 ? "" : ", signed",
             (unsigned long)(uintptr_t)&ident, (unsigned long)(uintptr_t)&ident2);
    jc_case c;
    jc_init_text(&c, text, ARMJIT_RANDOM_SEED + (uint32_t)k);
    c.what = descrs[k];
    for (size_t i = 0; i < N_INT; i++)
      for (int f = 0; f < 3; f++) {
        armjit_value in[2] = {irs_i(int_edges[i]), irs_f(f == 0 ? 0.0 : f == 1 ? 257.0 : -3e4)};
        jc_run(&c, in);
      }
    jc_free(&c);
  }
}

/* ---- zero_array --------------------------------------------------------------- */
static uint8_t zbuf[512] __attribute__((aligned(8)));

/* Every item of a 24-item array set to a pattern, then zero_array(start,
 * n) with start in 0..15 and n in -4..11 (variables) or constants, then
 * every item read back: a run depends on nothing an earlier run left. */
static void check_zero(const char *item, int item_size, bool consts) {
  char text[8192];
  size_t n = 0;
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "descr A = array(base=16, item=%d, %s)\n[i0, i1]\n", item_size, item);
  const char *ty = strstr(item, "float") ? "float" : strstr(item, "ref") ? "ref" : "int";
  char letter = ty[0] == 'f' ? 'f' : ty[0] == 'r' ? 'p' : 'i';
  for (int k = 0; k < 24; k++) {
    if (letter == 'f')
      n += (size_t)snprintf(text + n, sizeof text - n,
                            "setarrayitem_raw(ref(%#lx), %d, %d.5, descr=A)\n",
                            (unsigned long)(uintptr_t)zbuf, k, k + 1);
    else if (letter == 'p')
      n += (size_t)snprintf(text + n, sizeof text - n,
                            "setarrayitem_raw(ref(%#lx), %d, ref(%#x), descr=A)\n",
                            (unsigned long)(uintptr_t)zbuf, k, 0x1000u + 4u * (unsigned)k);
    else
      n += (size_t)snprintf(text + n, sizeof text - n,
                            "setarrayitem_raw(ref(%#lx), %d, %d, descr=A)\n",
                            (unsigned long)(uintptr_t)zbuf, k, (k + 1) * 0x01010101);
  }
  if (consts)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "zero_array(ref(%#lx), 3, 5, descr=A)\n"
                          "zero_array(ref(%#lx), 20, 0, descr=A)\n"
                          "zero_array(ref(%#lx), 21, -7, descr=A)\n"
                          "zero_array(ref(%#lx), 23, 1, descr=A)\n",
                          (unsigned long)(uintptr_t)zbuf, (unsigned long)(uintptr_t)zbuf,
                          (unsigned long)(uintptr_t)zbuf, (unsigned long)(uintptr_t)zbuf);
  else
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "i2 = int_and(i0, 15)\ni3 = int_and(i1, 15)\ni4 = int_sub(i3, 4)\n"
                          "zero_array(ref(%#lx), i2, i4, descr=A)\n",
                          (unsigned long)(uintptr_t)zbuf);
  for (int k = 0; k < 24; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "%c%d = getarrayitem_raw(ref(%#lx), %d, descr=A)\n", letter, 10 + k,
                          (unsigned long)(uintptr_t)zbuf, k);
  n += (size_t)snprintf(text + n, sizeof text - n, "finish(");
  for (int k = 0; k < 24; k++)
    n += (size_t)snprintf(text + n, sizeof text - n, "%s%c%d", k ? ", " : "", letter, 10 + k);
  snprintf(text + n, sizeof text - n, ")\n");
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  c.what = item;
  for (int s0 = 0; s0 < 16; s0 += consts ? 16 : 1)
    for (int n0 = 0; n0 < 16; n0 += consts ? 16 : 3) {
      armjit_value in[2] = {irs_i(s0), irs_i(n0)};
      jc_run(&c, in);
      /* the items outside [start, start + n) keep their pattern */
      int start = consts ? 3 : s0, cnt = consts ? 5 : n0 - 4;
      for (int k = 0; k < 24; k++) {
        bool zeroed = (k >= start && k < start + cnt) || (consts && k == 23);
        assert_int_equal(c.fi->values[k].bits == 0, zeroed);
      }
    }
  jc_free(&c);
}

static void test_zero_array(void **state) {
  (void)state;
  static const struct { const char *item; int size; } items[] = {
      {"signed, int", 1}, {"int", 1}, {"signed, int", 2}, {"int", 2}, {"int", 4},
      {"float", 8}, {"ref", 4},
  };
  for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
    check_zero(items[k].item, items[k].size, false);
    check_zero(items[k].item, items[k].size, true);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_signext),
      cmocka_unit_test(test_mul_high_pressure),
      cmocka_unit_test(test_narrow_results),
      cmocka_unit_test(test_zero_array),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
