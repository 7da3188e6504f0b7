/* SPDX-License-Identifier: MIT */
/* AAPCS argument classification (procedure call standard for the Arm
 * architecture, §6.5 "Parameter Passing"), for both variants a context may
 * ask for: the base standard (soft-float: floating-point values in core
 * registers) and the VFP variant (hard-float: d0-d7 / s0-s15).  Pure: no
 * code is emitted here; cg_call.c places the arguments where this says.
 *
 * Argument types: the IR's int (int32_t) and ref (a 32-bit pointer) take
 * one word, float is a double (8 bytes, 8-byte aligned).  Two more the
 * target can pass although the IR has no value of them yet:
 * ARM_TY_I64 (int64_t: 8 bytes, 8-byte aligned, never in VFP registers)
 * and ARM_TY_F32 (float: one word; an S register under hard-float). */
#ifndef ARMJIT_ARM_ABI_H
#define ARMJIT_ARM_ABI_H

#include <stdint.h>

#include "arm/target.h"

typedef enum {
  ABI_NONE,   /* void result */
  ABI_CORE,   /* one word in core register r<reg> (r0-r3) */
  ABI_VFP,    /* double in d<reg> (d0-d7), hard-float only */
  ABI_PAIR,   /* 8 bytes in r<reg>:r<reg+1> (low word first), reg 0 or 2:
                 an i64, or a double under soft-float */
  ABI_SREG,   /* f32 in s<reg> (s0-s15), hard-float only */
  ABI_STACK   /* [sp, #off] at the call */
} abi_kind;

typedef struct {
  uint8_t kind;  /* abi_kind */
  uint8_t type;  /* armjit_type, ARM_TY_I64 or ARM_TY_F32 */
  uint8_t reg;
  uint32_t off;
} abi_loc;

/* Where each of the n arguments (types[k]: ARMJIT_INT, _REF, _FLOAT,
 * ARM_TY_I64 or ARM_TY_F32) goes under `abi` (ARMJIT_ABI_HARD or
 * ARMJIT_ABI_SOFT); out has n entries.  Returns the bytes of outgoing
 * stack arguments, rounded up to 8 so sp stays 8-byte aligned at the
 * call.  Cost: O(n), no allocation. */
uint32_t abi_classify(armjit_abi abi, const uint8_t *types, uint32_t n, abi_loc *out);

/* Where the result of type `type` (ARMJIT_VOID: none) comes back
 * (AAPCS §6.5, result return): r0 for a word (and a soft-float f32),
 * r0:r1 for an i64 and a soft-float double, d0 / s0 under hard-float. */
abi_loc abi_result(armjit_abi abi, int type);

#endif
