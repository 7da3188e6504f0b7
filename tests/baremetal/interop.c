/* SPDX-License-Identifier: MIT */
/* C (arm-none-eabi-gcc, hard-float AAPCS) and armjit's objects calling
 * each other (interop.mir): doubles, floats (back-filled s registers),
 * an i64, stack arguments, a Thumb function, and calls nested through both
 * (C -> IR -> C).  The runtime's bm_puts prints C's strings.
 * uart: interop: ir -> c c_mix ok
 * uart: interop: ir -> c thumb ok
 * uart: interop: c -> ir poly ok
 * uart: interop: c -> ir scale ok
 * uart: interop: c -> ir i64 ok
 * uart: interop: c -> ir stack args ok
 */
#include <stdint.h>

void bm_puts(const char *s);
double mir_poly(double x, float f, int k);
float mir_scale(float a, float b, double c, float d);
int64_t mir_lmix(int64_t a, int32_t b, int64_t c);
double mir_many(int a, double b, int c, int d, int e, float f, double g, int h, double i,
                double j, double k, double l, double m, double n, float o);

double c_mix(double x, float f, int k, double y) { return x * 2.0 + (double)(f * 3.0f) + k + y; }

__attribute__((target("thumb"), noinline)) int c_thumb(int a, float b) {
  return a * 10 + (int)(b * 4.0f);
}

static int bad;

static void check(int ok, const char *what) {
  bm_puts("interop: c -> ir ");
  bm_puts(what);
  bm_puts(ok ? " ok\n" : " WRONG\n");
  bad += !ok;
}

/* Inputs through volatiles, so that gcc computes the expected values at
 * run time with the same operations. */
int c_entry(void) {
  volatile double x = 0.5, c = 0.25, b = -1.5, g = 2.5, i = 0.125, j = 3.0, k = -2.0, l = 8.0;
  volatile double m = 0.0625, n = 100.0;
  volatile float f = 1.25f, a = 1.5f, bb = 2.0f, d = 0.5f, ff = -4.5f, o = 0.75f;
  volatile int kk = 4;
  check(mir_poly(x, f, kk) == x * x + (double)(f * 2.0f) * kk + c_mix(x, f, kk, 0.25), "poly");
  check(mir_scale(a, bb, c, d) == a * bb + (float)c - d, "scale");
  volatile int64_t la = 0x100000001LL, lc = -3;
  check(mir_lmix(la, -7, lc) == la * 3 + -7 - lc, "i64");
  check(mir_many(1, b, 2, 3, 4, ff, g, 5, i, j, k, l, m, n, o) ==
            1 + b + 2 + 3 + 4 + ff + g + 5 + i + j + k + l + m + n + o,
        "stack args");
  return bad;
}
