/* SPDX-License-Identifier: MIT */
/* ARM target facts: the register file and the role of each register, the
 * save masks of the entry and the exit path, the frame header below fp,
 * the exit save area, and the condition-code maps.  Everything else in the
 * library names these facts; no other file spells a register mask, a frame
 * offset or a scratch register as a number.  The argument classifier of
 * the procedure call standard is next door (arm/abi.h).
 *
 * Register file (ARMv7-A A32, VFPv3; d16-d31 are never allocated):
 *
 *   r0-r3    allocatable, caller-saved, argument / result registers
 *   r4-r10   allocatable, callee-saved
 *   r11 fp   frame base of a compiled loop (never allocated)
 *   r12 ip   scratch 1: stack->stack and constant->stack copies, addresses
 *   r13 sp   stack pointer
 *   r14 lr   scratch 2: breaks core move cycles (saved at entry)
 *   r15 pc
 *   d0-d7    allocatable, caller-saved, VFP argument / result registers
 *            (s0-s15 for single precision)
 *   d8-d14   allocatable, callee-saved (AAPCS §6.1.2: d8-d15)
 *   d15      VFP scratch: breaks float cycles, float stack copies; its
 *            low half s30 carries int<->float conversions
 *
 * Both ABIs (hard- and soft-float) save d8-d15 at entry: soft-float code
 * may still use the VFP, and the callee-saved rule is the same. */
#ifndef ARMJIT_ARM_TARGET_H
#define ARMJIT_ARM_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "armjit.h"

/* ---- value storage types ------------------------------------------------- */
/* Besides armjit_type's INT and REF (one word, a core register) and FLOAT
 * (a double: a d register, 8 bytes): storage types the target can hold,
 * pass and move although the IR has no values of them yet (kept clear of
 * armjit_type's values). */
enum {
  ARM_TY_I64 = 16, /* int64_t: a core register pair, 8 bytes (8-aligned) */
  ARM_TY_F32 = 17  /* float: an s register, one word */
};

/* Reach of a load/store's immediate offset, in bytes either way: LDR/STR
 * (imm12, A8.8.63) and VLDR/VSTR (imm8 * 4, A8.8.333). */
enum { ARM_WORD_REACH = 4095, ARM_VFP_REACH = 1020 };

/* ---- registers and roles ----------------------------------------------- */
enum {
  ARM_NCORE = 11,        /* allocatable core registers r0..r10 */
  ARM_NVFP = 15,         /* allocatable d registers d0..d14 */
  ARM_NSINGLE = 2 * 15,  /* allocatable s registers s0..s29 (halves of d0..d14) */
  ARM_FP = A32_FP,       /* frame base */
  ARM_SCRATCH1 = A32_IP, /* core scratch: copies through memory, addresses */
  ARM_SCRATCH2 = A32_LR, /* core scratch: breaks cycles */
  ARM_DSCRATCH = 15,     /* d15: VFP scratch */
  ARM_SSCRATCH = 30,     /* s30: low half of d15, conversions */
  ARM_NCORE_ARGS = 4,    /* r0-r3 carry arguments (AAPCS §6.5) */
  ARM_NVFP_ARGS = 8      /* d0-d7 / s0-s15 carry arguments (hard-float) */
};

/* Mask of registers lo..hi (inclusive) of a bank. */
#define ARM_RANGE(lo, hi) (((2u << (hi)) - 1u) & ~((1u << (lo)) - 1u))
#define ARM_BIT(r) (1u << (r))

/* Allocatable registers a helper call clobbers (AAPCS §6.1.1: r0-r3, ip
 * and lr are caller-saved; ip and lr are scratch anyway), and d0-d7
 * (§6.1.2). */
#define ARM_CORE_CALLER ARM_RANGE(A32_R0, A32_R3)
#define ARM_VFP_CALLER ARM_RANGE(0, 7)
/* Is allocatable register r of the bank preserved across a call? */
static inline int arm_callee_saved(int vfp, int r) {
  return !(((vfp ? ARM_VFP_CALLER : ARM_CORE_CALLER) >> r) & 1u);
}

/* ---- save masks ---------------------------------------------------------- */
/* Entry: push {r4-r12, lr} (ip only keeps sp 8-aligned: ten words), then
 * vpush {d8-d15}; the shared exit path leaves with vpop {d8-d15} and
 * pop {r4-r12, pc}. */
#define ARM_ENTRY_PUSH (ARM_RANGE(A32_R4, A32_IP) | ARM_BIT(A32_LR))
#define ARM_ENTRY_POP (ARM_RANGE(A32_R4, A32_IP) | ARM_BIT(A32_PC))
enum { ARM_ENTRY_VSAVE_FIRST = 8, ARM_ENTRY_VSAVE_N = 8 }; /* d8..d15 */

/* The shared exit path saves every register the recovery data may name:
 * push {r0-r12, lr} (14 words), then vpush {d0-d15} (32 words). */
#define ARM_EXIT_PUSH (ARM_RANGE(A32_R0, A32_IP) | ARM_BIT(A32_LR))
enum { ARM_EXIT_VSAVE_FIRST = 0, ARM_EXIT_VSAVE_N = 16 };

/* ---- the exit save area --------------------------------------------------- */
/* As the exit helper sees it (sp after both pushes), in 32-bit words:
 * d0-d15 first (vpush is lower), then r0-r12 and lr.  Word index of dN's
 * low half is ARM_SAVE_D0 + 2N, of rN ARM_SAVE_R0 + N (N <= 12; lr at
 * ARM_SAVE_R0 + 13). */
enum {
  ARM_SAVE_D0 = 0,
  ARM_SAVE_R0 = 2 * ARM_EXIT_VSAVE_N,
  ARM_SAVE_WORDS = ARM_SAVE_R0 + 14
};
/* Highest register number a recovery string may name: core r0..r14
 * (r13/r14 are never value registers, but the area covers them), d0..d15. */
enum { ARM_SAVE_MAX_CORE = 14, ARM_SAVE_MAX_VFP = ARM_EXIT_VSAVE_N - 1 };

/* ---- the frame header below fp --------------------------------------------- */
/* fp = sp after the entry pushes (8-aligned).  Below it:
 *   [fp, #-4]  the armjit_frame pointer of this run (exit helper, entry)
 *   [fp, #-8]  the force flag (force_token's address points here)
 * spill slots start below ARM_FIXED_BYTES. */
enum {
  ARM_FRAME_PTR_OFF = -4,
  ARM_FORCE_OFF = -8,
  ARM_FIXED_BYTES = 8
};
/* In a context with a GC descriptor the header is longer (docs/design.md
 * §13): the frame's record in the chain of active frames, and a save word
 * per allocatable core register where a GC point stores the GC references
 * registers hold (the GC map names them, the collector updates them, the
 * code reloads them):
 *   [fp, #-12] the return address of the GC point the frame is stopped at
 *   [fp, #-16] the previous record of the chain (ctx->gc_top points here)
 *   [fp, #-20 - 4N]  rN's save word, N = 0 .. ARM_NCORE - 1
 * spill slots start below ARM_GC_FIXED_BYTES. */
enum {
  ARM_GC_SITE_OFF = -12,
  ARM_GC_PREV_OFF = -16,
  ARM_GC_SAVE_OFF = -20,
  ARM_GC_FIXED_BYTES = 64
};
#define ARM_GC_SAVE(r) ((int32_t)ARM_GC_SAVE_OFF - 4 * (int32_t)(r))
_Static_assert(-ARM_GC_SAVE(10) + 4 <= ARM_GC_FIXED_BYTES && ARM_GC_FIXED_BYTES % 8 == 0,
               "the GC header holds every save word");
/* The caller's armjit_frame: values[k] at this offset + k * ARM_VALUE_SIZE. */
#define ARM_FRAME_VALUES ((int32_t)offsetof(armjit_frame, values))
#define ARM_VALUE_SIZE ((int32_t)sizeof(armjit_value))

/* ---- condition codes -------------------------------------------------------- */
/* Comparisons the lowering asks for, independent of the IR's opcodes. */
typedef enum {
  ARM_CMP_EQ, ARM_CMP_NE,
  ARM_CMP_LT, ARM_CMP_LE, ARM_CMP_GT, ARM_CMP_GE,     /* signed / ordered */
  ARM_CMP_ULT, ARM_CMP_ULE, ARM_CMP_UGT, ARM_CMP_UGE, /* unsigned (ints) */
  ARM_NCMP
} arm_cmp;

/* After CMP a, b (ARM ARM A8.3, condition codes): the condition true when `a cmp b`. */
a32_cond arm_cc_int(arm_cmp k);
/* After VCMP a, b; VMRS APSR_nzcv, fpscr (ARM ARM A8.3): the condition true
 * when `a cmp b` for ordered operands and false when either is NaN
 * (unordered sets C and V: LT is MI, LE is LS).  NE is true for NaN, as
 * in C.  Unsigned kinds are not float comparisons (returns AL). */
a32_cond arm_cc_float(arm_cmp k);
/* The condition of `b op a` given the one of `a op b` (operands swapped):
 * LT<->GT, LE<->GE, LO<->HI, LS<->HS; EQ, NE and the others unchanged. */
a32_cond arm_cc_swap(a32_cond cc);

#endif
