/* SPDX-License-Identifier: MIT */
/* Lowering of C calls (AAPCS, hard- and soft-float as the context says),
 * the exception guards and forcing (docs/ir.md §11-12).  Registered in
 * cg_main.c's table. */
#ifndef ARMJIT_CG_CALL_H
#define ARMJIT_CG_CALL_H

#include "cg/cg_internal.h"
#include "ir/descr.h"

/* The force flag of the activation (force_token's address) is the frame
 * header word [fp, #ARM_FORCE_OFF] (arm/target.h), zeroed by the prologue. */

/* call, call_may_force (cg_call.c) */
void cg_lower_call(cg *c, const ir_op *op);
/* [sp, #off] <- a value wherever it is (ip and d15 carry it; never pushes,
 * so sp stays where the stores address from). */
void cg_store_stack_arg(cg *c, ra_loc src, uint32_t off);
/* r<lo>:r<lo+1> <- a 64-bit value (a soft-float double, an i64) from a d
 * register, a slot or a constant, low word first. */
void cg_load_pair(cg *c, unsigned lo, ra_loc src);
/* The call of cg_lower_call without the allocator, for cold code:
 * fn(args), argument k of IR type types[k] at locs[k] (locations as the
 * fast path left them; nothing may have moved since), sp 8-byte aligned.
 * saved_d: the sp offset where d0-d7 were saved (the copy a pair
 * argument is read from when the moves overwrite its d register).
 * Clobbers r0-r3, ip, lr, d0-d7 and the flags; a result stays in r0 / d0.
 * gc_site: the GC point's record (cg_gc_cold_site) whose map the BLX
 * gets, 0 for none. */
void cg_call_at(cg *c, ra_loc fn, const ra_loc *locs, const uint8_t *types, uint32_t n,
                int32_t saved_d, uint32_t gc_site);

/* A 1- or 2-byte int result of descriptor d in r: the callee's upper bits
 * do not count (sxtb/uxtb/sxth/uxth r, r); nothing for other results. */
void cg_extend_result(cg *c, const ir_descr *d, a32_reg r);

/* A call out of line (cg_condcall.c): b<cc> to cold code that saves r0-r3
 * and d0-d7, calls fn(args) as cg_call_at does, restores them and returns
 * right after the branch, so every register and the allocator's state are
 * what they were (no value moves for the call; the fast path pays the
 * branch only) but `rd`: with rd >= 0 (a core register) the call's result
 * (d: its descriptor, for a narrow int's extension) is in rd on the way
 * back.  No flags live (the callee sets them).  fn and locs: where the
 * function and the arguments are now (ra_where after the last allocation
 * of the op); types their IR types.  False on out of memory (the compile
 * has failed). */
bool cg_cold_call(cg *c, a32_cond cc, ra_loc fn, const ra_loc *locs, const uint8_t *types,
                  uint32_t n, int rd, const ir_descr *d);
/* cond_call, cond_call_value (cg_condcall.c) */
void cg_lower_cond_call(cg *c, const ir_op *op);
void cg_lower_cond_call_value(cg *c, const ir_op *op);

/* force_token, guard_not_forced (and _2), guard_no_exception, guard_exception
 * (cg_rt.c) */
void cg_lower_force_token(cg *c, const ir_op *op);
void cg_lower_guard_rt(cg *c, const ir_op *op);

/* Does op `opc` call C in this context (so values live across it belong
 * in callee-saved registers)?  call, call_may_force, the string copies
 * (memmove), zero_array (memset), the i64 helpers of cg_wide.c and,
 * without SDIV, int_floordiv / int_mod.  Inline: the driver asks for every
 * op. */
static inline bool cg_op_calls_c(const cg *c, unsigned opc) {
  switch (opc) {
  case ARMJIT_OP_CALL:
  case ARMJIT_OP_CALL_MAY_FORCE:
  case ARMJIT_OP_CALL_ASSEMBLER:
  case ARMJIT_OP_COPYSTRCONTENT:
  case ARMJIT_OP_COPYUNICODECONTENT:
  case ARMJIT_OP_ZERO_ARRAY:
    return true;
  case ARMJIT_OP_INT_FLOORDIV:
  case ARMJIT_OP_INT_MOD:
    return !(c->ctx->features & A32_FEAT_IDIV);
  case ARMJIT_OP_LLONG_FLOORDIV:  /* the i64 helpers (cg_wide.c) */
  case ARMJIT_OP_LLONG_MOD:
  case ARMJIT_OP_LLONG_TO_FLOAT:
  case ARMJIT_OP_LLONG_FROM_FLOAT:
    return true;
  default:
    return false;
  }
}

#endif
