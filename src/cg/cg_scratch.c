/* SPDX-License-Identifier: MIT */
/* Scratch registers: the registers lowering may write without asking the
 * allocator.  The allocator never hands them out (ra/alloc.h), so they
 * never hold a value from one op to the next.
 *
 * Contract
 *   ip (r12)  The first scratch of an op.  A lowering claims it with
 *             cg_scratch *before* it asks for operands when it needs it
 *             for its own instructions (address arithmetic in cg_addr.c
 *             writes ip only and relies on this; a constant operand
 *             would otherwise be loaded into ip).  Also used, outside any
 *             op's claims, by: the prologue (frame size, force flag), the
 *             exit stubs (exit id), the shared exit path, the call
 *             sequence (function address, sp adjustment), memmove.
 *   lr (r14)  The second scratch (cg_scratch when ip is taken).  Free in
 *             the body: the prologue saved the return address.
 *   d15       The float scratch (cg_dscratch): a float constant operand
 *             when no allocatable d register is free, stack<-stack and
 *             stack<-constant float moves, stack float arguments, the
 *             entry's slot inputs.  Its low half s30 is the conversion
 *             register of cast_int_to_float / cast_float_to_int.
 *   resolver  The parallel move resolver (ra/pmove.h) breaks cycles with
 *             ip, lr and d15: while its moves are emitted all three are
 *             busy (cg_parallel_move), so frame accesses inside them
 *             take a pushed register instead.
 *
 * Guarantees
 *   - `busy` is cleared when each op begins (cg_op_begin): a claim lasts
 *     one op.  cg_scratch and cg_dscratch fail (-1) rather than hand out
 *     a register twice; the caller then asks the allocator (ra_temp).
 *   - cg_tmp_get never fails and preserves every register: when ip and lr
 *     are busy it pushes an allocatable register and cg_tmp_put pops it.
 *     A push moves sp, so code addressing relative to sp (the stack
 *     arguments of a call) keeps ip or lr free for it.
 *   - No scratch path sets the flags (cg_op.c checks it between a
 *     compare and its guard in debug builds).
 *   - r0-r10 and d0-d14 are written only as the allocator decides; the
 *     scratch paths touch them only through cg_tmp_get's push/pop. */
#include "cg/cg_internal.h"

int cg_scratch(cg *c) {
  if (!(c->busy & CG_BUSY_IP)) { c->busy |= CG_BUSY_IP; return ARM_SCRATCH1; }
  if (!(c->busy & CG_BUSY_LR)) { c->busy |= CG_BUSY_LR; return ARM_SCRATCH2; }
  return -1;
}

int cg_dscratch(cg *c) {
  if (c->busy & CG_BUSY_D15) return -1;
  c->busy |= CG_BUSY_D15;
  return ARM_DSCRATCH;
}

cg_tmp cg_tmp_get(cg *c, unsigned avoid) {
  cg_tmp t = {CG_IP, false};
  unsigned no = c->busy | avoid;
  if (!(no & CG_BUSY_IP)) { t.r = CG_IP; c->busy |= CG_BUSY_IP; return t; }
  if (!(no & CG_BUSY_LR)) { t.r = CG_LR; c->busy |= CG_BUSY_LR; return t; }
  for (unsigned r = 0; r < ARM_NCORE; r++)
    if (!(avoid >> r & 1)) { t.r = (a32_reg)r; break; }
  t.pushed = true;
  a32_push(c->b, A32_AL, (uint16_t)(1u << t.r));
  return t;
}

void cg_tmp_put(cg *c, cg_tmp t) {
  if (t.pushed) a32_pop(c->b, A32_AL, (uint16_t)(1u << t.r));
  else c->busy &= ~(1u << t.r);
}
