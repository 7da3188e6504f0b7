/* SPDX-License-Identifier: MIT */
/* AAPCS argument classification (procedure call standard for the Arm
 * architecture, §6.5 "Parameter Passing"), for both variants a context may
 * ask for: the base standard (soft-float: doubles in core registers) and
 * the VFP variant (hard-float: doubles in d0-d7).  Pure: no code is
 * emitted here; cg_call.c places the arguments where this says.
 *
 * Types are the IR's: int (int32_t) and ref (a 32-bit pointer) take one
 * word, float is a double (8 bytes, 8-byte aligned). */
#ifndef ARMJIT_CG_ABI_H
#define ARMJIT_CG_ABI_H

#include <stdint.h>

#include "armjit.h"

typedef enum {
  ABI_NONE,   /* void result */
  ABI_CORE,   /* core register r<reg> (r0-r3) */
  ABI_VFP,    /* d<reg> (d0-d7), hard-float only */
  ABI_PAIR,   /* double in r<reg>:r<reg+1> (low word first), reg 0 or 2 */
  ABI_STACK   /* [sp, #off] at the call */
} abi_kind;

typedef struct {
  uint8_t kind;  /* abi_kind */
  uint8_t type;  /* armjit_type */
  uint8_t reg;
  uint32_t off;
} abi_loc;

/* Where each of the n arguments (types[k]: ARMJIT_INT, _REF or _FLOAT)
 * goes under `abi` (ARMJIT_ABI_HARD or ARMJIT_ABI_SOFT); out has n
 * entries.  Returns the bytes of outgoing stack arguments, rounded up to 8
 * so sp stays 8-byte aligned at the call. */
uint32_t abi_classify(armjit_abi abi, const uint8_t *types, uint32_t n, abi_loc *out);

/* Where the result of type `type` (ARMJIT_VOID: none) comes back:
 * r0, d0 (hard-float double) or r0:r1 (soft-float double). */
abi_loc abi_result(armjit_abi abi, armjit_type type);

#endif
