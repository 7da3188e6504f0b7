/* SPDX-License-Identifier: MIT */
/* The semantics of the value ops (docs/ir.md), as portable C without
 * undefined or implementation-defined behaviour.  The interpreter uses
 * them; so may constant folding and the runtime helpers (division without
 * SDIV), so that every path computes the same bits as ARM hardware. */
#ifndef ARMJIT_IR_SEM_H
#define ARMJIT_IR_SEM_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arm/fpnan.h"
#include "armjit/opcodes.h"

/* uint32 -> int32 two's complement without an implementation-defined cast. */
static inline int32_t ir_sem_wrap(uint32_t u) {
  return u <= (uint32_t)INT32_MAX ? (int32_t)u
                                  : (int32_t)(u - UINT32_C(0x80000000)) - INT32_MAX - 1;
}

static inline int32_t ir_sem_add(int32_t x, int32_t y) { return ir_sem_wrap((uint32_t)x + (uint32_t)y); }
static inline int32_t ir_sem_sub(int32_t x, int32_t y) { return ir_sem_wrap((uint32_t)x - (uint32_t)y); }
static inline int32_t ir_sem_mul(int32_t x, int32_t y) { return ir_sem_wrap((uint32_t)x * (uint32_t)y); }
static inline int32_t ir_sem_neg(int32_t x) { return ir_sem_wrap(0u - (uint32_t)x); }

/* SDIV: truncates toward zero; x/0 = 0; INT_MIN/-1 = INT_MIN. */
static inline int32_t ir_sem_floordiv(int32_t x, int32_t y) {
  if (y == 0) return 0;
  if (y == -1) return ir_sem_neg(x);
  return x / y;
}
/* x - (x/y)*y with the quotient above: x%0 = x, INT_MIN%-1 = 0. */
static inline int32_t ir_sem_mod(int32_t x, int32_t y) {
  if (y == 0) return x;
  if (y == -1) return 0;
  return x % y;
}

/* Register-specified shifts use the low byte of the count. */
static inline int32_t ir_sem_lshift(int32_t x, int32_t n) {
  uint32_t c = (uint32_t)n & 0xffu;
  return c >= 32 ? 0 : ir_sem_wrap((uint32_t)x << c);
}
static inline int32_t ir_sem_rshift(int32_t x, int32_t n) {
  uint32_t c = (uint32_t)n & 0xffu, u = (uint32_t)x;
  if (c >= 32) return x < 0 ? -1 : 0;
  return ir_sem_wrap(x < 0 ? ~(~u >> c) : u >> c);
}
static inline int32_t ir_sem_urshift(int32_t x, int32_t n) {
  uint32_t c = (uint32_t)n & 0xffu;
  return c >= 32 ? 0 : ir_sem_wrap((uint32_t)x >> c);
}

/* Overflow-checked ops: wrapped result, *ovf set when the exact result
 * does not fit in 32 bits. */
static inline int32_t ir_sem_add_ovf(int32_t x, int32_t y, bool *ovf) {
  int64_t s = (int64_t)x + y;
  *ovf = s < INT32_MIN || s > INT32_MAX;
  return ir_sem_add(x, y);
}
static inline int32_t ir_sem_sub_ovf(int32_t x, int32_t y, bool *ovf) {
  int64_t s = (int64_t)x - y;
  *ovf = s < INT32_MIN || s > INT32_MAX;
  return ir_sem_sub(x, y);
}
static inline int32_t ir_sem_mul_ovf(int32_t x, int32_t y, bool *ovf) {
  int64_t p = (int64_t)x * y;
  *ovf = p < INT32_MIN || p > INT32_MAX;
  return ir_sem_mul(x, y);
}

/* The int ops of two int operands that always compute a value (no
 * overflow flag, no division): *out = x op y, true; false for any other
 * opcode.  The interpreter evaluates these through it, and lowering folds
 * them when both operands are constants (src/cg/cg_known.c). */
static inline bool ir_sem_int2(unsigned opc, int32_t x, int32_t y, int32_t *out) {
  uint32_t ux = (uint32_t)x, uy = (uint32_t)y;
  switch (opc) {
  case ARMJIT_OP_INT_ADD: *out = ir_sem_add(x, y); return true;
  case ARMJIT_OP_INT_SUB: *out = ir_sem_sub(x, y); return true;
  case ARMJIT_OP_INT_MUL: *out = ir_sem_mul(x, y); return true;
  case ARMJIT_OP_INT_AND: *out = x & y; return true;
  case ARMJIT_OP_INT_OR: *out = x | y; return true;
  case ARMJIT_OP_INT_XOR: *out = x ^ y; return true;
  case ARMJIT_OP_INT_LSHIFT: *out = ir_sem_lshift(x, y); return true;
  case ARMJIT_OP_INT_RSHIFT: *out = ir_sem_rshift(x, y); return true;
  case ARMJIT_OP_UINT_RSHIFT: *out = ir_sem_urshift(x, y); return true;
  case ARMJIT_OP_INT_LT: *out = x < y; return true;
  case ARMJIT_OP_INT_LE: *out = x <= y; return true;
  case ARMJIT_OP_INT_EQ: *out = x == y; return true;
  case ARMJIT_OP_INT_NE: *out = x != y; return true;
  case ARMJIT_OP_INT_GT: *out = x > y; return true;
  case ARMJIT_OP_INT_GE: *out = x >= y; return true;
  case ARMJIT_OP_UINT_LT: *out = ux < uy; return true;
  case ARMJIT_OP_UINT_LE: *out = ux <= uy; return true;
  case ARMJIT_OP_UINT_GT: *out = ux > uy; return true;
  case ARMJIT_OP_UINT_GE: *out = ux >= uy; return true;
  default: return false;
  }
}

/* int_signext: the low `bytes` bytes (1 or 2) sign-extended; 4 keeps x. */
static inline int32_t ir_sem_signext(int32_t x, int32_t bytes) {
  uint32_t u = (uint32_t)x;
  if (bytes == 1) return (int32_t)(u & 0xffu) - (u & 0x80u ? 0x100 : 0);
  if (bytes == 2) return (int32_t)(u & 0xffffu) - (u & 0x8000u ? 0x10000 : 0);
  return x;
}
/* An int call result of `size` bytes (1, 2; 0 or 4 the whole word): the
 * low bytes of the returned word, sign- or zero-extended. */
static inline int32_t ir_sem_call_result(uint32_t w, uint32_t size, bool is_signed) {
  if (size == 1) w = is_signed && (w & 0x80u) ? w | ~UINT32_C(0xff) : w & 0xffu;
  else if (size == 2) w = is_signed && (w & 0x8000u) ? w | ~UINT32_C(0xffff) : w & 0xffffu;
  return ir_sem_wrap(w);
}
/* uint_mul_high: bits 63..32 of the unsigned 64-bit product. */
static inline int32_t ir_sem_umulh(int32_t x, int32_t y) {
  return ir_sem_wrap((uint32_t)(((uint64_t)(uint32_t)x * (uint32_t)y) >> 32));
}

/* Sign-bit operations work on the bits (NaN and -0.0 included). */
static inline double ir_sem_fneg(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  b ^= UINT64_C(1) << 63;
  memcpy(&d, &b, 8);
  return d;
}
static inline double ir_sem_fabs(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  b &= ~(UINT64_C(1) << 63);
  memcpy(&d, &b, 8);
  return d;
}

/* The int ops of one int operand: *out = op x, true; false for any other
 * opcode (the interpreter evaluates through it; lowering folds constants
 * with it, src/cg/cg_known.c). */
static inline bool ir_sem_int1(unsigned opc, int32_t x, int32_t *out) {
  switch (opc) {
  case ARMJIT_OP_INT_NEG: *out = ir_sem_neg(x); return true;
  case ARMJIT_OP_INT_INVERT: *out = ~x; return true;
  case ARMJIT_OP_INT_IS_TRUE: *out = x != 0; return true;
  case ARMJIT_OP_INT_IS_ZERO: *out = x == 0; return true;
  case ARMJIT_OP_INT_FORCE_GE_ZERO: *out = x < 0 ? 0 : x; return true;
  default: return false;
  }
}

/* The float ops of two float operands: *out = x op y, rounded to nearest
 * as the VFP does, with the VFP's NaN (arm/fpnan.h), true; false for any
 * other opcode.  The interpreter evaluates these through it, and lowering
 * folds them when both operands are constants (src/cg/cg_known.c). */
static inline bool ir_sem_float2(unsigned opc, double x, double y, double *out) {
  switch (opc) {
  case ARMJIT_OP_FLOAT_ADD: *out = arm_fp_nan2(x + y, x, y); return true;
  case ARMJIT_OP_FLOAT_SUB: *out = arm_fp_nan2(x - y, x, y); return true;
  case ARMJIT_OP_FLOAT_MUL: *out = arm_fp_nan2(x * y, x, y); return true;
  case ARMJIT_OP_FLOAT_TRUEDIV: *out = arm_fp_nan2(x / y, x, y); return true;
  default: return false;
  }
}

/* The float compares: *out = 0 or 1 (false on NaN but for float_ne), true;
 * false for any other opcode. */
static inline bool ir_sem_fcmp(unsigned opc, double x, double y, int32_t *out) {
  switch (opc) {
  case ARMJIT_OP_FLOAT_LT: *out = x < y; return true;
  case ARMJIT_OP_FLOAT_LE: *out = x <= y; return true;
  case ARMJIT_OP_FLOAT_EQ: *out = x == y; return true;
  case ARMJIT_OP_FLOAT_NE: *out = x != y; return true;
  case ARMJIT_OP_FLOAT_GT: *out = x > y; return true;
  case ARMJIT_OP_FLOAT_GE: *out = x >= y; return true;
  default: return false;
  }
}

/* VSQRT.F64 (its NaN: the default NaN for a negative operand). */
static inline double ir_sem_fsqrt(double d) { return arm_fp_nan1(sqrt(d), d); }

/* VCVT.S32.F64: truncate toward zero, saturate, NaN -> 0. */
static inline int32_t ir_sem_f2i(double d) {
  if (isnan(d)) return 0;
  if (!(d < 2147483648.0)) return INT32_MAX;
  if (!(d > -2147483649.0)) return INT32_MIN;
  return (int32_t)d;
}

/* ---- i64 (wrap-around, two's complement; docs/ir.md §6) ---------------- */
static inline int64_t ir_sem_wrap64(uint64_t u) {
  return u <= (uint64_t)INT64_MAX ? (int64_t)u
                                  : (int64_t)(u - (UINT64_C(1) << 63)) - INT64_MAX - 1;
}
static inline int64_t ir_sem_ladd(int64_t x, int64_t y) { return ir_sem_wrap64((uint64_t)x + (uint64_t)y); }
static inline int64_t ir_sem_lsub(int64_t x, int64_t y) { return ir_sem_wrap64((uint64_t)x - (uint64_t)y); }
static inline int64_t ir_sem_lmul(int64_t x, int64_t y) { return ir_sem_wrap64((uint64_t)x * (uint64_t)y); }
static inline int64_t ir_sem_lneg(int64_t x) { return ir_sem_wrap64(0u - (uint64_t)x); }
/* As the 32-bit ops: truncating, x/0 = 0, INT64_MIN/-1 = INT64_MIN. */
static inline int64_t ir_sem_ldiv(int64_t x, int64_t y) {
  if (y == 0) return 0;
  if (y == -1) return ir_sem_lneg(x);
  return x / y;
}
/* x%0 = x, INT64_MIN%-1 = 0; the sign of x. */
static inline int64_t ir_sem_lmod(int64_t x, int64_t y) {
  if (y == 0) return x;
  if (y == -1) return 0;
  return x % y;
}
/* The i64 ops of two i64 operands: *out = x op y, true; false for any
 * other opcode (the interpreter evaluates through it; lowering folds
 * constants with it, src/cg/cg_known.c). */
static inline bool ir_sem_llong2(unsigned opc, int64_t x, int64_t y, int64_t *out) {
  switch (opc) {
  case ARMJIT_OP_LLONG_ADD: *out = ir_sem_ladd(x, y); return true;
  case ARMJIT_OP_LLONG_SUB: *out = ir_sem_lsub(x, y); return true;
  case ARMJIT_OP_LLONG_MUL: *out = ir_sem_lmul(x, y); return true;
  case ARMJIT_OP_LLONG_FLOORDIV: *out = ir_sem_ldiv(x, y); return true;
  case ARMJIT_OP_LLONG_MOD: *out = ir_sem_lmod(x, y); return true;
  case ARMJIT_OP_LLONG_AND: *out = x & y; return true;
  case ARMJIT_OP_LLONG_OR: *out = x | y; return true;
  case ARMJIT_OP_LLONG_XOR: *out = x ^ y; return true;
  default: return false;
  }
}

/* The i64 compares: *out = 0 or 1, true; false for any other opcode. */
static inline bool ir_sem_lcmp(unsigned opc, int64_t x, int64_t y, int32_t *out) {
  uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
  switch (opc) {
  case ARMJIT_OP_LLONG_LT: *out = x < y; return true;
  case ARMJIT_OP_LLONG_LE: *out = x <= y; return true;
  case ARMJIT_OP_LLONG_EQ: *out = x == y; return true;
  case ARMJIT_OP_LLONG_NE: *out = x != y; return true;
  case ARMJIT_OP_LLONG_GT: *out = x > y; return true;
  case ARMJIT_OP_LLONG_GE: *out = x >= y; return true;
  case ARMJIT_OP_ULLONG_LT: *out = ux < uy; return true;
  case ARMJIT_OP_ULLONG_LE: *out = ux <= uy; return true;
  case ARMJIT_OP_ULLONG_GT: *out = ux > uy; return true;
  case ARMJIT_OP_ULLONG_GE: *out = ux >= uy; return true;
  default: return false;
  }
}

/* The count is the low byte of the int, as for the 32-bit shifts: 64 and
 * more shift everything out. */
static inline int64_t ir_sem_llshift(int64_t x, int32_t n) {
  uint32_t c = (uint32_t)n & 0xffu;
  return c >= 64 ? 0 : ir_sem_wrap64((uint64_t)x << c);
}
static inline int64_t ir_sem_lrshift(int64_t x, int32_t n) {
  uint32_t c = (uint32_t)n & 0xffu;
  uint64_t u = (uint64_t)x;
  if (c >= 64) return x < 0 ? -1 : 0;
  return ir_sem_wrap64(x < 0 ? ~(~u >> c) : u >> c);
}
static inline int64_t ir_sem_lurshift(int64_t x, int32_t n) {
  uint32_t c = (uint32_t)n & 0xffu;
  return c >= 64 ? 0 : ir_sem_wrap64((uint64_t)x >> c);
}
/* The low 32 bits. */
static inline int32_t ir_sem_l2i(int64_t x) { return ir_sem_wrap((uint32_t)(uint64_t)x); }
/* Truncate toward zero, saturate, NaN -> 0 (as cast_float_to_int). */
static inline int64_t ir_sem_f2l(double d) {
  if (isnan(d)) return 0;
  if (!(d < 9223372036854775808.0)) return INT64_MAX;
  if (!(d >= -9223372036854775808.0)) return INT64_MIN;
  return (int64_t)d;
}
/* Round to nearest, ties to even (exact up to 2^53). */
static inline double ir_sem_l2f(int64_t x) { return (double)x; }
static inline int64_t ir_sem_dbits(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return ir_sem_wrap64(b);
}
static inline double ir_sem_bitsd(int64_t x) {
  uint64_t b = (uint64_t)x;
  double d;
  memcpy(&d, &b, 8);
  return d;
}

#endif
