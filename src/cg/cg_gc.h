/* SPDX-License-Identifier: MIT */
/* GC integration in compiled code (cg_gc.c; docs/ir.md §15, docs/design.md
 * §13): the frame's record in the context's chain of active frames, GC
 * maps at every GC point, the allocation and write-barrier ops.  Active
 * only when cg_env.gc_top is set (the context has a GC descriptor). */
#ifndef ARMJIT_CG_GC_H
#define ARMJIT_CG_GC_H

#include "cg/cg_internal.h"

/* Bytes below fp the frame header takes (arm/target.h). */
int32_t cg_gc_fixed_bytes(const cg_env *env);
/* In cg_open, before allocation: the allocation plan (ir/gc.h) and the
 * group bases kept live over their groups.  ARMJIT_E_NOMEM. */
armjit_status cg_gc_open(cg *c);
void cg_gc_close(cg *c);
/* Prologue, once sp is final: link the frame into the chain. */
void cg_gc_link(cg *c);
/* Every way out of the run (the exit path, the abort path): unlink it.
 * Uses ip and lr; r0 is kept. */
void cg_gc_unlink(cg *c);
/* The BLX of a call that may collect (call, call_may_force,
 * call_assembler), at the moment every argument is in place: with a GC,
 * the live GC references in registers go to their save words, the
 * frame's site word gets the return address, the map is recorded, and
 * the registers are reloaded after the call.  Without a GC, a32_blx. */
void cg_gc_blx(cg *c, a32_reg target);
/* A GC point in cold code that saves r0-r3 and d0-d7 itself (cond_call,
 * cg_condcall.c): at the branch, its record (0: no GC); in the cold path,
 * the GC registers to their save words before the pushes, the BLX with
 * the site word and the map, the reloads after the pops. */
uint32_t cg_gc_cold_site(cg *c);
void cg_gc_cold_save(cg *c, uint32_t site);
void cg_gc_cold_blx(cg *c, uint32_t site, a32_reg target);
void cg_gc_cold_reload(cg *c, uint32_t site);
/* The ops. */
void cg_lower_gc_alloc(cg *c, const ir_op *op);
void cg_lower_gc_wb(cg *c, const ir_op *op);

#endif
