/* SPDX-License-Identifier: MIT */
/* The run-time helpers method-compiled code calls (mc_helpers.c), as one
 * table: id, the symbol name the relocation records carry (resolved by the
 * loader, mc_link.c), the C function, its argument and result storage
 * types (integers only: floats travel as their bits, so the call is the
 * same under both ABIs).  The lowering calls:
 *   SDIV32..UREM32  i32 division without IDIV (ARMJIT_NO_IDIV or a CPU
 *                   without SDIV/UDIV, e.g. Cortex-A9)
 *   SDIV64..UREM64  i64 division, always
 *   SHL64..USHR64   i64 shifts by a variable count
 *   D2L..UL2F       conversions between i64 and f32/f64
 *   FMOD, FMODF     frem */
#ifndef ARMJIT_MC_HELPERS_H
#define ARMJIT_MC_HELPERS_H

#include <stdint.h>

#include "arm/target.h"

#define MC_W ARMJIT_INT
#define MC_L ARM_TY_I64

/*  X(id,     name,                  function,     nargs, arg0, arg1, result) */
#define MC_HELPERS(X)                                                  \
  X(SDIV32, "__armjit_mc_sdiv32", mc_h_sdiv32, 2, MC_W, MC_W, MC_W)    \
  X(SREM32, "__armjit_mc_srem32", mc_h_srem32, 2, MC_W, MC_W, MC_W)    \
  X(UDIV32, "__armjit_mc_udiv32", mc_h_udiv32, 2, MC_W, MC_W, MC_W)    \
  X(UREM32, "__armjit_mc_urem32", mc_h_urem32, 2, MC_W, MC_W, MC_W)    \
  X(SDIV64, "__armjit_mc_sdiv64", mc_h_sdiv64, 2, MC_L, MC_L, MC_L)    \
  X(SREM64, "__armjit_mc_srem64", mc_h_srem64, 2, MC_L, MC_L, MC_L)    \
  X(UDIV64, "__armjit_mc_udiv64", mc_h_udiv64, 2, MC_L, MC_L, MC_L)    \
  X(UREM64, "__armjit_mc_urem64", mc_h_urem64, 2, MC_L, MC_L, MC_L)    \
  X(SHL64, "__armjit_mc_shl64", mc_h_shl64, 2, MC_L, MC_W, MC_L)       \
  X(SHR64, "__armjit_mc_shr64", mc_h_shr64, 2, MC_L, MC_W, MC_L)       \
  X(USHR64, "__armjit_mc_ushr64", mc_h_ushr64, 2, MC_L, MC_W, MC_L)    \
  X(D2L, "__armjit_mc_d2l", mc_h_d2l, 1, MC_L, MC_W, MC_L)             \
  X(D2UL, "__armjit_mc_d2ul", mc_h_d2ul, 1, MC_L, MC_W, MC_L)          \
  X(F2L, "__armjit_mc_f2l", mc_h_f2l, 1, MC_W, MC_W, MC_L)             \
  X(F2UL, "__armjit_mc_f2ul", mc_h_f2ul, 1, MC_W, MC_W, MC_L)          \
  X(L2D, "__armjit_mc_l2d", mc_h_l2d, 1, MC_L, MC_W, MC_L)             \
  X(UL2D, "__armjit_mc_ul2d", mc_h_ul2d, 1, MC_L, MC_W, MC_L)          \
  X(L2F, "__armjit_mc_l2f", mc_h_l2f, 1, MC_L, MC_W, MC_W)             \
  X(UL2F, "__armjit_mc_ul2f", mc_h_ul2f, 1, MC_L, MC_W, MC_W)          \
  X(FMOD, "__armjit_mc_fmod", mc_h_fmod, 2, MC_L, MC_L, MC_L)          \
  X(FMODF, "__armjit_mc_fmodf", mc_h_fmodf, 2, MC_W, MC_W, MC_W)

typedef enum {
#define MC_H_ENUM(id, name, fn, n, a0, a1, r) MC_H_##id,
  MC_HELPERS(MC_H_ENUM)
#undef MC_H_ENUM
  MC_NHELPERS
} mc_helper;

typedef struct {
  const char *name;
  uintptr_t addr;     /* the function (0 where it cannot run: never on a host) */
  uint8_t nargs;
  uint8_t args[2];    /* storage types: ARMJIT_INT or ARM_TY_I64 */
  uint8_t result;
} mc_helper_info;

/* The table entry of helper h; NULL for an out-of-range id. */
const mc_helper_info *mc_helper_get(mc_helper h);
/* The helper named `name` (a relocation's symbol), or -1. */
int mc_helper_by_name(const char *name);

int32_t mc_h_sdiv32(int32_t a, int32_t b);
int32_t mc_h_srem32(int32_t a, int32_t b);
uint32_t mc_h_udiv32(uint32_t a, uint32_t b);
uint32_t mc_h_urem32(uint32_t a, uint32_t b);
int64_t mc_h_sdiv64(int64_t a, int64_t b);
int64_t mc_h_srem64(int64_t a, int64_t b);
uint64_t mc_h_udiv64(uint64_t a, uint64_t b);
uint64_t mc_h_urem64(uint64_t a, uint64_t b);
uint64_t mc_h_shl64(uint64_t a, uint32_t n);
int64_t mc_h_shr64(int64_t a, uint32_t n);
uint64_t mc_h_ushr64(uint64_t a, uint32_t n);
int64_t mc_h_d2l(uint64_t bits);
uint64_t mc_h_d2ul(uint64_t bits);
int64_t mc_h_f2l(uint32_t bits);
uint64_t mc_h_f2ul(uint32_t bits);
uint64_t mc_h_l2d(int64_t v);
uint64_t mc_h_ul2d(uint64_t v);
uint32_t mc_h_l2f(int64_t v);
uint32_t mc_h_ul2f(uint64_t v);
uint64_t mc_h_fmod(uint64_t a, uint64_t b);
uint32_t mc_h_fmodf(uint32_t a, uint32_t b);

#endif
