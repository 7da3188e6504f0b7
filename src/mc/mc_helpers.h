/* SPDX-License-Identifier: MIT */
/* The run-time helpers method-compiled code calls, as one table: id, the
 * symbol name, its argument and result storage types (integers only:
 * floats travel as their bits, so the call is the same under both ABIs),
 * and what the AEABI mode calls instead (docs/object.md, "Run-time
 * helpers").  The lowering calls:
 *   SDIV32..UREM32  i32 division without IDIV (ARMJIT_NO_IDIV or a CPU
 *                   without SDIV/UDIV, e.g. Cortex-A9)
 *   SDIV64..UREM64  i64 division, always
 *   SHL64..USHR64   i64 shifts by a variable count
 *   D2L..UL2F       conversions between i64 and f32/f64
 *   FMOD, FMODF     frem
 * Builtin (the default): the object carries its own copy of each helper it
 * calls, compiled from the method IR of mc_builtin.c.  AEABI
 * (ARMJIT_AEABI_HELPERS): calls to the run-time ABI function `aeabi` of
 * libgcc, with the checks `fix` names around it where that function's
 * results differ from the IR's (mc_cg_call.c); FMOD and FMODF have none
 * and stay builtin. */
#ifndef ARMJIT_MC_HELPERS_H
#define ARMJIT_MC_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "arm/target.h"
#include "armjit/mc.h"

#define MC_W ARMJIT_INT
#define MC_L ARM_TY_I64

/* The checks around an AEABI call (its arguments in r0-r3 before, the
 * result in r0 / r0:r1 after):
 *   DIV32, REM32  x / 0 = 0, x % 0 = x without calling; the remainder of
 *                 __aeabi_[u]idivmod from r1
 *   DIV64, REM64  the same for i64; the remainder from r2:r3
 *   SHIFT         the count & 63 (AEABI leaves counts over 63 undefined)
 *   F2I           NaN -> 0 and saturation outside the range (signed,
 *                 unsigned; f64 bits in r0:r1 or f32 bits in r0)
 *   NONE          the results agree */
typedef enum {
  MC_AE_NONE, MC_AE_DIV32, MC_AE_REM32, MC_AE_DIV64, MC_AE_REM64, MC_AE_SHIFT,
  MC_AE_D2L, MC_AE_D2UL, MC_AE_F2L, MC_AE_F2UL
} mc_aeabi_fix;

/*  X(id,     name,                  nargs, arg0, arg1, result, aeabi,            fix) */
#define MC_HELPERS(X)                                                                    \
  X(SDIV32, "__armjit_mc_sdiv32", 2, MC_W, MC_W, MC_W, "__aeabi_idiv", MC_AE_DIV32)      \
  X(SREM32, "__armjit_mc_srem32", 2, MC_W, MC_W, MC_W, "__aeabi_idivmod", MC_AE_REM32)   \
  X(UDIV32, "__armjit_mc_udiv32", 2, MC_W, MC_W, MC_W, "__aeabi_uidiv", MC_AE_DIV32)     \
  X(UREM32, "__armjit_mc_urem32", 2, MC_W, MC_W, MC_W, "__aeabi_uidivmod", MC_AE_REM32)  \
  X(SDIV64, "__armjit_mc_sdiv64", 2, MC_L, MC_L, MC_L, "__aeabi_ldivmod", MC_AE_DIV64)   \
  X(SREM64, "__armjit_mc_srem64", 2, MC_L, MC_L, MC_L, "__aeabi_ldivmod", MC_AE_REM64)   \
  X(UDIV64, "__armjit_mc_udiv64", 2, MC_L, MC_L, MC_L, "__aeabi_uldivmod", MC_AE_DIV64)  \
  X(UREM64, "__armjit_mc_urem64", 2, MC_L, MC_L, MC_L, "__aeabi_uldivmod", MC_AE_REM64)  \
  X(SHL64, "__armjit_mc_shl64", 2, MC_L, MC_W, MC_L, "__aeabi_llsl", MC_AE_SHIFT)        \
  X(SHR64, "__armjit_mc_shr64", 2, MC_L, MC_W, MC_L, "__aeabi_lasr", MC_AE_SHIFT)        \
  X(USHR64, "__armjit_mc_ushr64", 2, MC_L, MC_W, MC_L, "__aeabi_llsr", MC_AE_SHIFT)      \
  X(D2L, "__armjit_mc_d2l", 1, MC_L, MC_W, MC_L, "__aeabi_d2lz", MC_AE_D2L)              \
  X(D2UL, "__armjit_mc_d2ul", 1, MC_L, MC_W, MC_L, "__aeabi_d2ulz", MC_AE_D2UL)          \
  X(F2L, "__armjit_mc_f2l", 1, MC_W, MC_W, MC_L, "__aeabi_f2lz", MC_AE_F2L)              \
  X(F2UL, "__armjit_mc_f2ul", 1, MC_W, MC_W, MC_L, "__aeabi_f2ulz", MC_AE_F2UL)          \
  X(L2D, "__armjit_mc_l2d", 1, MC_L, MC_W, MC_L, "__aeabi_l2d", MC_AE_NONE)              \
  X(UL2D, "__armjit_mc_ul2d", 1, MC_L, MC_W, MC_L, "__aeabi_ul2d", MC_AE_NONE)           \
  X(L2F, "__armjit_mc_l2f", 1, MC_L, MC_W, MC_W, "__aeabi_l2f", MC_AE_NONE)              \
  X(UL2F, "__armjit_mc_ul2f", 1, MC_L, MC_W, MC_W, "__aeabi_ul2f", MC_AE_NONE)           \
  X(FMOD, "__armjit_mc_fmod", 2, MC_L, MC_L, MC_L, NULL, MC_AE_NONE)                     \
  X(FMODF, "__armjit_mc_fmodf", 2, MC_W, MC_W, MC_W, NULL, MC_AE_NONE)

typedef enum {
#define MC_H_ENUM(id, name, n, a0, a1, r, ae, fix) MC_H_##id,
  MC_HELPERS(MC_H_ENUM)
#undef MC_H_ENUM
  MC_NHELPERS
} mc_helper;

typedef struct {
  const char *name;
  const char *aeabi;  /* NULL: none (builtin in either mode) */
  mc_aeabi_fix fix;
  uint8_t nargs;
  uint8_t args[2];    /* storage types: ARMJIT_INT or ARM_TY_I64 */
  uint8_t result;
} mc_helper_info;

/* The table entry of helper h; NULL for an out-of-range id. */
const mc_helper_info *mc_helper_get(mc_helper h);
/* The helper named `name`, or -1. */
int mc_helper_by_name(const char *name);

/* The builtin helpers as a module of the context (mc_builtin.c): one
 * local function per helper, named as the table says, plus the local
 * functions they share (named __armjit_mc_*), and the subroutines of
 * exceptions (mc_exc_add_subrs, mc_cg.h).  NULL when out of memory, msg
 * saying so. */
armjit_module *mc_builtin_module(armjit_ctx *ctx, char *msg, size_t cap);

#endif
