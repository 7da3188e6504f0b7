/* SPDX-License-Identifier: MIT */
/* The meaning of every value op of the method IR (docs/mir.md §2), once:
 * the interpreter evaluates with these, and code generation may fold
 * constants with them.  Plain C with no undefined behaviour for any input:
 * wrapping through unsigned arithmetic, shift counts masked, division
 * total, float-to-int conversions saturating. */
#ifndef ARMJIT_MC_MIR_SEM_H
#define ARMJIT_MC_MIR_SEM_H

#include "arm/fpnan.h"
#include "mc/mir.h"

#include <math.h>
#include <string.h>

/* i32 and i64 binary ops (add ... urem); 0 for any other opcode. */
static inline int32_t mir_sem_i32(unsigned opc, int32_t x, int32_t y) {
  uint32_t a = (uint32_t)x, b = (uint32_t)y;
  switch (opc) {
  case ARMJIT_MOP_ADD: return (int32_t)(a + b);
  case ARMJIT_MOP_SUB: return (int32_t)(a - b);
  case ARMJIT_MOP_MUL: return (int32_t)(a * b);
  case ARMJIT_MOP_AND: return (int32_t)(a & b);
  case ARMJIT_MOP_OR: return (int32_t)(a | b);
  case ARMJIT_MOP_XOR: return (int32_t)(a ^ b);
  case ARMJIT_MOP_SHL: return (int32_t)(a << (b & 31));
  case ARMJIT_MOP_SHR: /* arithmetic: complement, shift, complement for negatives */
    return x < 0 ? (int32_t)~(~a >> (b & 31)) : (int32_t)(a >> (b & 31));
  case ARMJIT_MOP_USHR: return (int32_t)(a >> (b & 31));
  case ARMJIT_MOP_SDIV:
    if (y == 0) return 0;
    if (x == INT32_MIN && y == -1) return INT32_MIN;
    return x / y;
  case ARMJIT_MOP_SREM:
    if (y == 0) return x;
    if (x == INT32_MIN && y == -1) return 0;
    return x % y;
  case ARMJIT_MOP_UDIV: return b == 0 ? 0 : (int32_t)(a / b);
  case ARMJIT_MOP_UREM: return b == 0 ? x : (int32_t)(a % b);
  default: return 0;
  }
}

static inline int64_t mir_sem_i64(unsigned opc, int64_t x, int64_t y) {
  uint64_t a = (uint64_t)x, b = (uint64_t)y;
  switch (opc) {
  case ARMJIT_MOP_ADD: return (int64_t)(a + b);
  case ARMJIT_MOP_SUB: return (int64_t)(a - b);
  case ARMJIT_MOP_MUL: return (int64_t)(a * b);
  case ARMJIT_MOP_AND: return (int64_t)(a & b);
  case ARMJIT_MOP_OR: return (int64_t)(a | b);
  case ARMJIT_MOP_XOR: return (int64_t)(a ^ b);
  case ARMJIT_MOP_SHL: return (int64_t)(a << (b & 63));
  case ARMJIT_MOP_SHR: return x < 0 ? (int64_t)~(~a >> (b & 63)) : (int64_t)(a >> (b & 63));
  case ARMJIT_MOP_USHR: return (int64_t)(a >> (b & 63));
  case ARMJIT_MOP_SDIV:
    if (y == 0) return 0;
    if (x == INT64_MIN && y == -1) return INT64_MIN;
    return x / y;
  case ARMJIT_MOP_SREM:
    if (y == 0) return x;
    if (x == INT64_MIN && y == -1) return 0;
    return x % y;
  case ARMJIT_MOP_UDIV: return b == 0 ? 0 : (int64_t)(a / b);
  case ARMJIT_MOP_UREM: return b == 0 ? x : (int64_t)(a % b);
  default: return 0;
  }
}

/* Float binary ops (fadd ... frem), NaNs as the VFP makes them
 * (arm/fpnan.h; frem is fmod's, as the code calls it). */
static inline double mir_sem_f64(unsigned opc, double x, double y) {
  switch (opc) {
  case ARMJIT_MOP_FADD: return arm_fp_nan2(x + y, x, y);
  case ARMJIT_MOP_FSUB: return arm_fp_nan2(x - y, x, y);
  case ARMJIT_MOP_FMUL: return arm_fp_nan2(x * y, x, y);
  case ARMJIT_MOP_FDIV: return arm_fp_nan2(x / y, x, y);
  case ARMJIT_MOP_FREM: return fmod(x, y);
  default: return 0;
  }
}
static inline float mir_sem_f32(unsigned opc, float x, float y) {
  switch (opc) {
  case ARMJIT_MOP_FADD: return arm_fp_nan2f(x + y, x, y);
  case ARMJIT_MOP_FSUB: return arm_fp_nan2f(x - y, x, y);
  case ARMJIT_MOP_FMUL: return arm_fp_nan2f(x * y, x, y);
  case ARMJIT_MOP_FDIV: return arm_fp_nan2f(x / y, x, y);
  case ARMJIT_MOP_FREM: return fmodf(x, y);
  default: return 0;
  }
}

/* Saturating float -> int, toward zero, NaN -> 0 (an f32 widens exactly). */
static inline int32_t mir_sem_fptosi32(double d) {
  if (d != d) return 0;
  if (d >= 2147483648.0) return INT32_MAX;
  if (d <= -2147483649.0) return INT32_MIN;
  return (int32_t)d;
}
static inline int64_t mir_sem_fptosi64(double d) {
  if (d != d) return 0;
  if (d >= 9223372036854775808.0) return INT64_MAX;
  if (d < -9223372036854775808.0) return INT64_MIN;
  return (int64_t)d;
}
static inline uint32_t mir_sem_fptoui32(double d) {
  if (!(d > -1.0)) return 0; /* also NaN */
  if (d >= 4294967296.0) return UINT32_MAX;
  return (uint32_t)d;
}
static inline uint64_t mir_sem_fptoui64(double d) {
  if (!(d > -1.0)) return 0;
  if (d >= 18446744073709551616.0) return UINT64_MAX;
  return (uint64_t)d;
}

static inline bool mir_sem_icmp(unsigned cc, int64_t x, int64_t y, bool wide) {
  uint64_t a = wide ? (uint64_t)x : (uint32_t)x, b = wide ? (uint64_t)y : (uint32_t)y;
  switch (cc) {
  case ARMJIT_ICC_EQ: return x == y;
  case ARMJIT_ICC_NE: return x != y;
  case ARMJIT_ICC_SLT: return x < y;
  case ARMJIT_ICC_SLE: return x <= y;
  case ARMJIT_ICC_SGT: return x > y;
  case ARMJIT_ICC_SGE: return x >= y;
  case ARMJIT_ICC_ULT: return a < b;
  case ARMJIT_ICC_ULE: return a <= b;
  case ARMJIT_ICC_UGT: return a > b;
  case ARMJIT_ICC_UGE: return a >= b;
  default: return false;
  }
}

static inline bool mir_sem_fcmp(unsigned cc, double x, double y) {
  bool un = x != x || y != y;
  switch (cc) {
  case ARMJIT_FCC_OEQ: return !un && x == y;
  case ARMJIT_FCC_ONE: return !un && x != y;
  case ARMJIT_FCC_OLT: return !un && x < y;
  case ARMJIT_FCC_OLE: return !un && x <= y;
  case ARMJIT_FCC_OGT: return !un && x > y;
  case ARMJIT_FCC_OGE: return !un && x >= y;
  case ARMJIT_FCC_ORD: return !un;
  case ARMJIT_FCC_UEQ: return un || x == y;
  case ARMJIT_FCC_UNE: return un || x != y;
  case ARMJIT_FCC_ULT: return un || x < y;
  case ARMJIT_FCC_ULE: return un || x <= y;
  case ARMJIT_FCC_UGT: return un || x > y;
  case ARMJIT_FCC_UGE: return un || x >= y;
  case ARMJIT_FCC_UNO: return un;
  default: return false;
  }
}

#endif
