/* SPDX-License-Identifier: MIT */
/* The NaN a VFP arithmetic instruction returns, for the reference
 * interpreters: C leaves the NaN of `a * b` to the compiler (it may swap
 * the operands of a commutative op) and to the host (x86's default NaN
 * is negative), while the generated code gets the VFP's, so the
 * interpreters compute an op in C and then put the VFP's NaN in when the
 * result is one.  ARM ARM (ARMv7-A/R), pseudocode FPProcessNaNs,
 * FPProcessNaN and FPDefaultNaN, with FPSCR.DN = 0 (its reset value, and
 * what Linux gives a process):
 *   an operand that is a signalling NaN, the first such: it, made quiet;
 *   else an operand that is a quiet NaN, the first such: it;
 *   else (an invalid operation: 0/0, inf-inf, 0*inf, sqrt(-1)) the
 *   default NaN, 0x7ff80000_00000000 (f32: 0x7fc00000). */
#ifndef ARMJIT_ARM_FPNAN_H
#define ARMJIT_ARM_FPNAN_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The rule on the bits: x, y the operands' (nx, ny: NaNs), `quiet` the
 * format's quiet bit, `dflt` its default NaN. */
static inline uint64_t arm_fp_nan_pick(uint64_t x, bool nx, uint64_t y, bool ny,
                                       uint64_t quiet, uint64_t dflt) {
  if (nx && !(x & quiet)) return x | quiet;
  if (ny && !(y & quiet)) return y | quiet;
  if (nx) return x;
  if (ny) return y;
  return dflt;
}

/* r = a OP b as C computed it; the VFP's result. */
static inline double arm_fp_nan2(double r, double a, double b) {
  if (!isnan(r)) return r;
  uint64_t x, y;
  memcpy(&x, &a, 8);
  memcpy(&y, &b, 8);
  x = arm_fp_nan_pick(x, isnan(a), y, isnan(b), UINT64_C(1) << 51,
                      UINT64_C(0x7ff8000000000000));
  memcpy(&r, &x, 8);
  return r;
}
/* r = OP a (sqrt) as C computed it; the VFP's result. */
static inline double arm_fp_nan1(double r, double a) {
  return isnan(r) ? arm_fp_nan2(r, a, 0.0) : r;
}

/* The same for f32 operands. */
static inline float arm_fp_nan2f(float r, float a, float b) {
  if (!isnan(r)) return r;
  uint32_t x, y;
  memcpy(&x, &a, 4);
  memcpy(&y, &b, 4);
  x = (uint32_t)arm_fp_nan_pick(x, isnan(a), y, isnan(b), UINT32_C(1) << 22,
                                UINT32_C(0x7fc00000));
  memcpy(&r, &x, 4);
  return r;
}
static inline float arm_fp_nan1f(float r, float a) {
  return isnan(r) ? arm_fp_nan2f(r, a, 0.0f) : r;
}

#endif
