/* SPDX-License-Identifier: MIT */
/* The kernel suite as C, compiled by the cross gcc with the flags the
 * benchmark compares against (bench/CMakeLists.txt sets them on this
 * file): the same loops bench/kernels.c compiles with armjit. */
#include "kernels_gcc.h"

/* The call loop's callee, shared with the armjit kernel: never inlined or
 * specialised into its caller. */
__attribute__((noinline, noipa)) int32_t kg_f(int32_t i) { return (i ^ (i >> 3)) + 1; }

__attribute__((noinline, noipa)) int32_t kg_int_sum(int32_t n) {
  int32_t s = 0;
  for (int32_t i = 0; i < n; i++) s += i;
  return s;
}

__attribute__((noinline, noipa)) double kg_float_rec(int32_t n) {
  double x = 1.0;
  for (int32_t i = 0; i < n; i++) x = x * 0.999999 + 0.5;
  return x;
}

__attribute__((noinline, noipa)) int32_t kg_array_sum(const int32_t *a, int32_t n) {
  int32_t s = 0;
  for (int32_t i = 0; i < n; i++) s += a[i];
  return s;
}

__attribute__((noinline, noipa)) int32_t kg_call_loop(int32_t n) {
  int32_t s = 0;
  for (int32_t i = 0; i < n; i++) s += kg_f(i);
  return s;
}

__attribute__((noinline, noipa)) int64_t kg_i64_mix(int32_t n) {
  uint64_t s = 0; /* unsigned: wraps as llong_* do */
  for (int32_t i = 0; i < n; i++) s = ((s + (uint64_t)(int64_t)i) * 3u) ^ UINT64_C(0x5555555555555555);
  return (int64_t)s;
}
