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

static inline double arm_fp_nan_bits64(uint64_t b) {
  double d;
  memcpy(&d, &b, 8);
  return d;
}

/* r = a OP b as C computed it; the VFP's result. */
static inline double arm_fp_nan2(double r, double a, double b) {
  if (!isnan(r)) return r;
  const uint64_t quiet = UINT64_C(1) << 51;
  uint64_t x, y;
  memcpy(&x, &a, 8);
  memcpy(&y, &b, 8);
  bool nx = isnan(a), ny = isnan(b);
  if (nx && !(x & quiet)) return arm_fp_nan_bits64(x | quiet);
  if (ny && !(y & quiet)) return arm_fp_nan_bits64(y | quiet);
  if (nx) return a;
  if (ny) return b;
  return arm_fp_nan_bits64(UINT64_C(0x7ff8000000000000));
}
/* r = OP a (sqrt) as C computed it; the VFP's result. */
static inline double arm_fp_nan1(double r, double a) {
  return isnan(r) ? arm_fp_nan2(r, a, 0.0) : r;
}

static inline float arm_fp_nan_bits32(uint32_t b) {
  float f;
  memcpy(&f, &b, 4);
  return f;
}
static inline float arm_fp_nan2f(float r, float a, float b) {
  if (!isnan(r)) return r;
  const uint32_t quiet = UINT32_C(1) << 22;
  uint32_t x, y;
  memcpy(&x, &a, 4);
  memcpy(&y, &b, 4);
  bool nx = isnan(a), ny = isnan(b);
  if (nx && !(x & quiet)) return arm_fp_nan_bits32(x | quiet);
  if (ny && !(y & quiet)) return arm_fp_nan_bits32(y | quiet);
  if (nx) return a;
  if (ny) return b;
  return arm_fp_nan_bits32(UINT32_C(0x7fc00000));
}
static inline float arm_fp_nan1f(float r, float a) {
  return isnan(r) ? arm_fp_nan2f(r, a, 0.0f) : r;
}

#endif
