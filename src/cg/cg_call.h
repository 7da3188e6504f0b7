/* SPDX-License-Identifier: MIT */
/* Lowering of C calls (AAPCS, hard- and soft-float as the context says),
 * the exception guards and forcing (docs/ir.md §11-12).  Registered in
 * cg_main.c's table. */
#ifndef ARMJIT_CG_CALL_H
#define ARMJIT_CG_CALL_H

#include "cg/cg_internal.h"

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
/* force_token, guard_not_forced, guard_no_exception, guard_exception
 * (cg_rt.c) */
void cg_lower_force_token(cg *c, const ir_op *op);
void cg_lower_guard_rt(cg *c, const ir_op *op);

/* Does op `opc` call C in this context (so values live across it belong
 * in callee-saved registers)?  call, call_may_force, the string copies
 * (memmove), zero_array (memset) and, without SDIV, int_floordiv / int_mod. */
bool cg_op_calls_c(const cg *c, unsigned opc);

#endif
