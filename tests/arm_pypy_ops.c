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
static void check_zero(const char *item, int item_size, bool consts, int32_t base) {
  char text[8192];
  size_t n = 0;
  /* p + base is zbuf + 16 whatever the base: far ones need the address built */
  unsigned long p = (unsigned long)((uintptr_t)zbuf + 16 - (uintptr_t)(intptr_t)base);
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "descr A = array(base=%d, item=%d, %s)\n[i0, i1]\n", (int)base, item_size,
                        item);
  const char *ty = strstr(item, "float") ? "float" : strstr(item, "ref") ? "ref" : "int";
  char letter = ty[0] == 'f' ? 'f' : ty[0] == 'r' ? 'p' : 'i';
  for (int k = 0; k < 24; k++) {
    if (letter == 'f')
      n += (size_t)snprintf(text + n, sizeof text - n,
                            "setarrayitem_raw(ref(%#lx), %d, %d.5, descr=A)\n",
                            p, k, k + 1);
    else if (letter == 'p')
      n += (size_t)snprintf(text + n, sizeof text - n,
                            "setarrayitem_raw(ref(%#lx), %d, ref(%#x), descr=A)\n",
                            p, k, 0x1000u + 4u * (unsigned)k);
    else
      n += (size_t)snprintf(text + n, sizeof text - n,
                            "setarrayitem_raw(ref(%#lx), %d, %d, descr=A)\n",
                            p, k, (k + 1) * 0x01010101);
  }
  if (consts)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "zero_array(ref(%#lx), 3, 5, descr=A)\n"
                          "zero_array(ref(%#lx), 20, 0, descr=A)\n"
                          "zero_array(ref(%#lx), 21, -7, descr=A)\n"
                          "zero_array(ref(%#lx), 23, 1, descr=A)\n"
                          "i2 = int_and(i0, 15)\n"
                          "zero_array(ref(%#lx), i2, 2, descr=A)\n",
                          p, p, p, p, p);
  else
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "i2 = int_and(i0, 15)\ni3 = int_and(i1, 15)\ni4 = int_sub(i3, 4)\n"
                          "zero_array(ref(%#lx), i2, i4, descr=A)\n",
                          p);
  for (int k = 0; k < 24; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "%c%d = getarrayitem_raw(ref(%#lx), %d, descr=A)\n", letter, 10 + k,
                          p, k);
  n += (size_t)snprintf(text + n, sizeof text - n, "finish(");
  for (int k = 0; k < 24; k++)
    n += (size_t)snprintf(text + n, sizeof text - n, "%s%c%d", k ? ", " : "", letter, 10 + k);
  snprintf(text + n, sizeof text - n, ")\n");
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  c.what = item;
  for (int s0 = 0; s0 < 16; s0 += consts ? 5 : 1)
    for (int n0 = 0; n0 < 16; n0 += consts ? 16 : 3) {
      armjit_value in[2] = {irs_i(s0), irs_i(n0)};
      jc_run(&c, in);
      /* the items outside [start, start + n) keep their pattern */
      int start = consts ? 3 : s0, cnt = consts ? 5 : n0 - 4;
      for (int k = 0; k < 24; k++) {
        bool zeroed = (k >= start && k < start + cnt) ||
                      (consts && (k == 23 || (k >= s0 && k < s0 + 2)));
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
    static const int32_t bases[] = {16, 300, -8, 5000};
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
      check_zero(items[k].item, items[k].size, false, bases[b]);
      check_zero(items[k].item, items[k].size, true, bases[b]);
    }
  }
}

/* ---- cond_call ------------------------------------------------------------- */
static uint32_t cbuf[32] __attribute__((aligned(8)));

/* Every argument into buf's words (doubles and i64s as two), the call
 * counted in buf[15]. */
static void rec_all(uint32_t *buf, int32_t a, double b, int64_t c, double d, float e,
                    int32_t f, int32_t g, int32_t h, double k, int64_t l) {
  memcpy(&buf[0], &a, 4);
  memcpy(&buf[1], &b, 8);
  memcpy(&buf[3], &c, 8);
  memcpy(&buf[5], &d, 8);
  memcpy(&buf[7], &e, 4);
  memcpy(&buf[8], &f, 4);
  memcpy(&buf[9], &g, 4);
  memcpy(&buf[10], &h, 4);
  memcpy(&buf[11], &k, 8);
  memcpy(&buf[13], &l, 8);
  buf[15]++;
}

static void bump(uint32_t *buf, int32_t x) {
  buf[0]++;
  buf[1] += (uint32_t)x;
}

/* A call with every kind of argument (register pairs, back-filled
 * singles, stack words) made or not by the condition, values live across
 * it in every register class, the arguments read back. */
static void test_cond_call_args(void **state) {
  (void)state;
  char text[8192];
  size_t n = 0;
  unsigned long buf = (unsigned long)(uintptr_t)cbuf, fn = (unsigned long)(uintptr_t)&rec_all;
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "descr W = call(args=[ref, int, float, i64, float, f32, int, int, int, "
                        "float, i64])\n"
                        "descr S = array(base=0, item=4, int)\n"
                        "[i0, i1, f2, l3, f4, s5]\n");
  for (int k = 0; k < 16; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "setarrayitem_raw(ref(%#lx), %d, 0, descr=S)\n", buf, k);
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "i6 = int_and(i0, 1)\n"
                        "f7 = float_add(f2, f4)\n"
                        "i8 = int_add(i1, 7)\n"
                        "l9 = llong_add(l3, l3)\n"
                        "i10 = int_mul(i0, i1)\n"
                        "f11 = float_mul(f7, f2)\n"
                        "cond_call(i6, ref(%#lx), ref(%#lx), i1, f2, l3, f4, s5, i8, i0, 12345, "
                        "f7, l9, descr=W)\n",
                        fn, buf);
  for (int k = 0; k < 16; k++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "i%d = getarrayitem_raw(ref(%#lx), %d, descr=S)\n", 20 + k, buf, k);
  n += (size_t)snprintf(text + n, sizeof text - n, "finish(");
  for (int k = 0; k < 16; k++) n += (size_t)snprintf(text + n, sizeof text - n, "i%d, ", 20 + k);
  snprintf(text + n, sizeof text - n, "i0, i1, f2, l3, f4, s5, f7, i8, l9, i10, f11)\n");
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  for (int k = 0; k < 8; k++) {
    armjit_value in[6] = {irs_i(k * 3 - 4), irs_i(0x10001 * k), irs_f(1.5 * k - 2),
                          {.l = (int64_t)0x123456789ll * (k - 3)}, irs_f(-0.25 * k),
                          {.bits = 0}};
    in[5].s = (float)k + 0.5f;
    jc_run(&c, in);
    /* made exactly when the condition's bit is set, with the arguments */
    assert_int_equal(c.fi->values[15].i, (k * 3 - 4) & 1);
    if ((k * 3 - 4) & 1) {
      assert_int_equal(c.fi->values[0].i, 0x10001 * k);
      assert_int_equal(c.fi->values[10].i, 12345);
    }
  }
  jc_free(&c);
  /* constant conditions: never (no code), always */
  for (int always = 0; always < 2; always++) {
    snprintf(text, sizeof text,
             "descr B = call(args=[ref, int])\n"
             "descr S = array(base=0, item=4, int)\n"
             "[i0]\n"
             "setarrayitem_raw(ref(%#lx), 0, 0, descr=S)\n"
             "cond_call(%d, ref(%#lx), ref(%#lx), i0, descr=B)\n"
             "i1 = getarrayitem_raw(ref(%#lx), 0, descr=S)\n"
             "finish(i1, i0)\n",
             buf, always ? -7 : 0, (unsigned long)(uintptr_t)&bump, buf, buf);
    jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
    armjit_value in[1] = {irs_i(5)};
    jc_run(&c, in);
    assert_int_equal(c.fi->values[0].i, always);
    jc_free(&c);
  }
}

/* Compares right before the cond_call fuse into its branch: int, float
 * (NaN: unordered), i64. */
static void test_cond_call_fused(void **state) {
  (void)state;
  char text[2048];
  unsigned long buf = (unsigned long)(uintptr_t)cbuf, fn = (unsigned long)(uintptr_t)&bump;
  snprintf(text, sizeof text,
           "descr B = call(args=[ref, int])\n"
           "descr S = array(base=0, item=4, int)\n"
           "[i0, i1, f2, l3]\n"
           "setarrayitem_raw(ref(%#lx), 0, 0, descr=S)\n"
           "setarrayitem_raw(ref(%#lx), 1, 0, descr=S)\n"
           "i4 = int_lt(i0, i1)\n"
           "cond_call(i4, ref(%#lx), ref(%#lx), 1, descr=B)\n"
           "i5 = float_gt(f2, 1.5)\n"
           "cond_call(i5, ref(%#lx), ref(%#lx), 100, descr=B)\n"
           "i6 = float_ne(f2, f2)\n"
           "cond_call(i6, ref(%#lx), ref(%#lx), 1000, descr=B)\n"
           "i7 = ullong_lt(l3, i64(5))\n"
           "cond_call(i7, ref(%#lx), ref(%#lx), 10000, descr=B)\n"
           "i8 = getarrayitem_raw(ref(%#lx), 1, descr=S)\n"
           "finish(i8, i0, i1, f2, l3)\n",
           buf, buf, fn, buf, fn, buf, fn, buf, fn, buf, buf);
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  static const double fs[] = {0.0, 1.5, 2.0, -1e300, 0.0 / 0.0};
  for (int k = 0; k < 20; k++) {
    double f = fs[k % 5];
    armjit_value in[4] = {irs_i(k - 10), irs_i(k % 3 - 1), irs_f(f), {.l = (int64_t)k - 7}};
    jc_run(&c, in);
    int32_t want = ((k - 10) < (k % 3 - 1)) + 100 * (f > 1.5) + 1000 * (f != f) +
                   10000 * ((uint64_t)((int64_t)k - 7) < 5);
    assert_int_equal(c.fi->values[0].i, want);
  }
  jc_free(&c);
}

/* In a loop: called on every fourth iteration, the counts carried. */
static void test_cond_call_loop(void **state) {
  (void)state;
  char text[2048];
  unsigned long buf = (unsigned long)(uintptr_t)cbuf;
  snprintf(text, sizeof text,
           "descr B = call(args=[ref, int])\n"
           "descr S = array(base=0, item=4, int)\n"
           "[i0, f1]\n"
           "setarrayitem_raw(ref(%#lx), 0, 0, descr=S)\n"
           "setarrayitem_raw(ref(%#lx), 1, 0, descr=S)\n"
           "label(i0, f1, descr=L)\n"
           "i2 = int_and(i0, 3)\n"
           "i3 = int_is_zero(i2)\n"
           "f4 = float_add(f1, 0.5)\n"
           "cond_call(i3, ref(%#lx), ref(%#lx), i0, descr=B)\n"
           "i5 = getarrayitem_raw(ref(%#lx), 0, descr=S)\n"
           "i6 = getarrayitem_raw(ref(%#lx), 1, descr=S)\n"
           "i7 = int_sub(i0, 1)\n"
           "i8 = int_gt(i7, 0)\n"
           "guard_true(i8) [i5, i6, i7, f4]\n"
           "jump(i7, f4, descr=L)\n",
           buf, buf, (unsigned long)(uintptr_t)&bump, buf, buf, buf);
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  for (int n0 = 1; n0 < 40; n0 += 7) {
    armjit_value in[2] = {irs_i(n0), irs_f(0.0)};
    jc_run(&c, in);
    int calls = 0, sum = 0;
    for (int i = n0; i >= 1; i--)
      if ((i & 3) == 0) { calls++; sum += i; }
    assert_int_equal(c.fi->values[0].i, calls);
    assert_int_equal(c.fi->values[1].i, sum);
  }
  jc_free(&c);
}

/* ---- cond_call_value ------------------------------------------------------- */
/* The call counted in buf[16], every argument mixed into the result; the
 * upper bits of a narrow result are garbage the descriptor drops. */
static int32_t mix(uint32_t *buf, int32_t a, double b, int64_t c, float d, int32_t e,
                   int32_t f, int32_t g) {
  buf[16]++;
  return a * 7 + (int32_t)b + (int32_t)c + (int32_t)d * 3 + e - f + g * 5;
}
static uintptr_t pick(uint32_t *buf, uintptr_t p, int32_t k) {
  buf[16]++;
  return p + (uintptr_t)(4 * k);
}

/* r = cond_call_value(v, f, args...): computed out of line only when v is
 * 0 (or null), with values of every class live across, the result
 * narrowed as its descriptor says, used after the op and handed back; the
 * value among the arguments; constant values. */
static void test_cond_call_value(void **state) {
  (void)state;
  char text[4096];
  unsigned long buf = (unsigned long)(uintptr_t)cbuf;
  static const char *const results[] = {"result=int", "result=int, size=1, signed",
                                        "result=int, size=2"};
  for (size_t r = 0; r < 3; r++) {
    snprintf(text, sizeof text,
             "descr M = call(args=[ref, int, float, i64, f32, int, int, int], %s)\n"
             "descr S = array(base=0, item=4, int)\n"
             "[i0, i1, f2, l3, s4]\n"
             "setarrayitem_raw(ref(%#lx), 16, 0, descr=S)\n"
             "i5 = int_and(i0, 3)\n"
             "i6 = int_sub(i5, 1)\n"
             "f7 = float_mul(f2, 2.0)\n"
             "l8 = llong_add(l3, l3)\n"
             "i9 = int_add(i1, 1000)\n"
             "i10 = cond_call_value(i6, ref(%#lx), ref(%#lx), i1, f2, l3, s4, i6, i9, 77, "
             "descr=M)\n"
             "i11 = int_add(i10, i9)\n"
             "i12 = getarrayitem_raw(ref(%#lx), 16, descr=S)\n"
             "i13 = int_lt(i10, 0)\n"
             "guard_false(i13, descr=neg) [i10, i12, f7, l8, i1]\n"
             "finish(i10, i11, i12, f7, l8, i9, s4, i6)\n",
             results[r], buf, (unsigned long)(uintptr_t)&mix, buf, buf);
    jc_case c;
    jc_init_text(&c, text, ARMJIT_RANDOM_SEED + (uint32_t)r);
    c.what = results[r];
    for (int k = 0; k < 12; k++) {
      armjit_value in[5] = {irs_i(k * 5 - 3), irs_i(0x1001 * k - 40000), irs_f(2.5 * k - 9),
                            {.l = (int64_t)0x10000001ll * (k - 6)}, {.bits = 0}};
      in[4].s = (float)k * 0.75f - 2;
      jc_run(&c, in);
      bool called = (((k * 5 - 3) & 3) - 1) == 0;
      assert_int_equal(c.fi->values[c.fi->exit_id == 0 ? 1 : 2].i, called);
    }
    jc_free(&c);
  }
  /* ref: null computes; the value is also an argument */
  snprintf(text, sizeof text,
           "descr P = call(args=[ref, ref, int], result=ref)\n"
           "descr S = array(base=0, item=4, int)\n"
           "[p0, i1, f2]\n"
           "setarrayitem_raw(ref(%#lx), 16, 0, descr=S)\n"
           "f3 = float_add(f2, 1.0)\n"
           "p4 = cond_call_value(p0, ref(%#lx), ref(%#lx), p0, i1, descr=P)\n"
           "p5 = cond_call_value(p4, ref(%#lx), ref(%#lx), ref(%#lx), i1, descr=P)\n"
           "i6 = getarrayitem_raw(ref(%#lx), 16, descr=S)\n"
           "finish(p4, p5, i6, f3, p0, i1)\n",
           buf, (unsigned long)(uintptr_t)&pick, buf, (unsigned long)(uintptr_t)&pick, buf,
           buf, buf);
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  for (int k = 0; k < 6; k++) {
    armjit_value in[3] = {irs_r(k & 1 ? 0 : (uintptr_t)0x4000 * (uintptr_t)(k + 1)), irs_i(k),
                          irs_f(k * 0.5)};
    jc_run(&c, in);
    assert_int_equal(c.fi->values[2].i, k & 1);
  }
  jc_free(&c);
  /* constant values: 0 always calls (a branch), another never (no call) */
  snprintf(text, sizeof text,
           "descr M = call(args=[ref, int, float, i64, f32, int, int, int], result=int)\n"
           "descr S = array(base=0, item=4, int)\n"
           "[i0, f1]\n"
           "setarrayitem_raw(ref(%#lx), 16, 0, descr=S)\n"
           "i2 = cond_call_value(0, ref(%#lx), ref(%#lx), i0, f1, i64(5), f32(1.5), i0, 2, 3, "
           "descr=M)\n"
           "i3 = cond_call_value(-9, ref(%#lx), ref(%#lx), i0, f1, i64(5), f32(1.5), i0, 2, 3, "
           "descr=M)\n"
           "i4 = getarrayitem_raw(ref(%#lx), 16, descr=S)\n"
           "finish(i2, i3, i4, i0, f1)\n",
           buf, (unsigned long)(uintptr_t)&mix, buf, (unsigned long)(uintptr_t)&mix, buf, buf);
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  armjit_value in[2] = {irs_i(11), irs_f(-4.0)};
  jc_run(&c, in);
  assert_int_equal(c.fi->values[1].i, -9);
  assert_int_equal(c.fi->values[2].i, 1);
  jc_free(&c);
}

/* In a loop, a cache filled on first use: the call happens on the
 * iterations whose slot is still 0. */
static void test_cond_call_value_loop(void **state) {
  (void)state;
  char text[2048];
  unsigned long buf = (unsigned long)(uintptr_t)cbuf;
  snprintf(text, sizeof text,
           "descr M = call(args=[ref, int, float, i64, f32, int, int, int], result=int)\n"
           "descr S = array(base=0, item=4, int)\n"
           "[i0, i1]\n"
           "setarrayitem_raw(ref(%#lx), 16, 0, descr=S)\n"
           "label(i0, i1, descr=L)\n"
           "i2 = int_and(i0, 7)\n"
           "i3 = getarrayitem_raw(ref(%#lx), i2, descr=S)\n"
           "i4 = cond_call_value(i3, ref(%#lx), ref(%#lx), i2, 0.0, i64(0), f32(0.0), 0, 0, 1, "
           "descr=M)\n"
           "setarrayitem_raw(ref(%#lx), i2, i4, descr=S)\n"
           "i5 = int_add(i1, i4)\n"
           "i6 = int_sub(i0, 1)\n"
           "i7 = int_gt(i6, 0)\n"
           "guard_true(i7) [i5, i6]\n"
           "jump(i6, i5, descr=L)\n",
           buf, buf, (unsigned long)(uintptr_t)&mix, buf, buf);
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  for (int n0 = 1; n0 < 40; n0 += 6) {
    /* the interpreter fills the cache, the compiled runs find it: the sums agree */
    for (int k = 0; k < 8; k++) cbuf[k] = 0;
    armjit_value in[2] = {irs_i(n0), irs_i(0)};
    jc_run(&c, in);
  }
  jc_free(&c);
}

/* ---- guard_not_forced_2 ---------------------------------------------------- */
static void maybe_force(uintptr_t token, int32_t x) {
  if ((x & 3) == 1) armjit_force(token);
}

/* Forced by a plain call and by a cond_call, checked later (after other
 * ops, in a loop); the flag is read and cleared. */
static void test_not_forced_2(void **state) {
  (void)state;
  char text[2048];
  unsigned long fn = (unsigned long)(uintptr_t)&maybe_force;
  snprintf(text, sizeof text,
           "descr F = call(args=[ref, int])\n"
           "[i0, f1]\n"
           "p2 = force_token()\n"
           "label(i0, f1, p2, descr=L)\n"
           "call(ref(%#lx), p2, i0, descr=F)\n"
           "f3 = float_add(f1, 1.0)\n"
           "i4 = int_sub(i0, 1)\n"
           "i5 = int_and(i0, 8)\n"
           "cond_call(i5, ref(%#lx), p2, i4, descr=F)\n"
           "guard_not_forced_2(descr=forced) [i0, f3, i4]\n"
           "i6 = int_gt(i4, 0)\n"
           "guard_true(i6, descr=done) [i4, f3]\n"
           "jump(i4, f3, p2, descr=L)\n",
           fn, fn);
  jc_case c;
  jc_init_text(&c, text, ARMJIT_RANDOM_SEED);
  for (int n0 = 0; n0 < 40; n0 += 3) {
    armjit_value in[2] = {irs_i(n0), irs_f(0.5)};
    int id = jc_run(&c, in);
    /* the first iteration whose i0 or (with bit 3) i0 - 1 is 1 mod 4 exits */
    int want = -1;
    for (int i = n0; i >= 1 && want < 0; i--)
      if ((i & 3) == 1 || ((i & 8) && ((i - 1) & 3) == 1)) want = i;
    if (want >= 0) {
      assert_int_equal(id, 0);
      assert_int_equal(c.fi->values[0].i, want);
    } else {
      assert_int_equal(id, 1);
    }
  }
  jc_free(&c);
}

/* ---- guard_exception(class) ------------------------------------------------ */
/* The class words; an exception is the address that puts one at
 * class_offset (exc_off is the context's). */
static const uintptr_t exc_classes[2] = {0x100, 0x200};
static int32_t exc_off;

/* Each run starts with the slot empty (the interpreter's run and the
 * compiled ones share it): x % 3 == 1 raises class 0x100, == 2 class
 * 0x200, 0 nothing. */
static int32_t raise_by(uintptr_t ctx, int32_t x) {
  armjit_clear_exception((armjit_ctx *)ctx);
  int k = ((x % 3) + 3) % 3;
  if (k) armjit_raise((armjit_ctx *)ctx, (uintptr_t)&exc_classes[k - 1] - (uintptr_t)(intptr_t)exc_off);
  return x + 1;
}

static armjit_trace *parse_build(armjit_ctx *ctx, const void *ud) {
  armjit_error e;
  char text[1024];
  /* the context is an argument of the helper: its address per variant */
  snprintf(text, sizeof text, (const char *)ud, (unsigned long)(uintptr_t)ctx);
  armjit_trace *t = armjit_trace_parse(ctx, text, &e);
  if (!t) fail_msg("parse: %s at %d:%d\n%s", e.msg, e.line, e.col, text);
  return t;
}

static void test_guard_exception_class(void **state) {
  (void)state;
  static const int32_t offs[] = {0, 8, -4, 4092, 5000, -6000};
  char text[1024];
  for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++) {
    exc_off = offs[o];
    armjit_options opt;
    memset(&opt, 0, sizeof opt);
    opt.class_offset = offs[o];
    for (int variable = 0; variable < 2; variable++) {
      /* the class as a constant, or as a value in a register */
      snprintf(text, sizeof text,
               "descr R = call(args=[ref, int], result=int, may_raise)\n"
               "[i0, p1, f2]\n"
               "i3 = call(ref(%#lx), ref(%%#lx), i0, descr=R)\n"
               "p4 = guard_exception(%s, descr=other) [i0, i3, f2, p1]\n"
               "i5 = int_add(i3, i0)\n"
               "finish(p4, i5, f2, p1)\n",
               (unsigned long)(uintptr_t)&raise_by, variable ? "p1" : "ref(0x100)");
      jc_case c;
      jc_init_opts(&c, parse_build, text, ARMJIT_RANDOM_SEED + (uint32_t)o, &opt);
      for (int32_t x = -4; x < 8; x++)
        for (int k = 0; k < 3; k++) {
          uintptr_t cls = k < 2 ? exc_classes[k] : 0;
          armjit_value in[3] = {irs_i(x), irs_r(variable ? cls : 0x100), irs_f(x * 0.5)};
          int id = jc_run(&c, in);
          int r = ((x % 3) + 3) % 3;
          bool caught = r && exc_classes[r - 1] == (variable ? cls : 0x100);
          assert_int_equal(id, caught ? 1 : 0);
          if (caught)
            assert_true(c.fi->values[0].r ==
                        (uintptr_t)&exc_classes[r - 1] - (uintptr_t)(intptr_t)exc_off);
          if (!variable) break;
        }
      jc_free(&c);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_guard_exception_class),
      cmocka_unit_test(test_not_forced_2),
      cmocka_unit_test(test_cond_call_args),
      cmocka_unit_test(test_cond_call_loop),
      cmocka_unit_test(test_cond_call_value),
      cmocka_unit_test(test_cond_call_value_loop),
      cmocka_unit_test(test_cond_call_fused),
      cmocka_unit_test(test_signext),
      cmocka_unit_test(test_mul_high_pressure),
      cmocka_unit_test(test_narrow_results),
      cmocka_unit_test(test_zero_array),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
