/* SPDX-License-Identifier: MIT */
/* Entry: int32_t entry(armjit_frame *f), AAPCS.
 *
 *   push  {r4-r12, lr}      callee-saved core regs (+ip to keep 8 alignment)
 *   vpush {d8-d15}          callee-saved VFP regs, under both ABIs
 *   mov   fp, sp            fp: frame base, 8-aligned
 *   sub   sp, sp, #FRAME    patched once allocation knows the frame size,
 *                           rounded up to a modified immediate (at most
 *                           1/63 more, exact up to 1,020 bytes)
 *   ...with a GC: the frame linked into the context's chain (cg_gc.c)
 *   ...opt-in: the stack check and the entry counter (cg_loopctl.c)
 *   str   r0, [fp, #-4]     the frame pointer f, for the exit helper
 *   mov   ip, #0            the force flag starts clear (cg_rt.c)
 *   str   ip, [fp, #-8]
 *   mov   lr, r0            f while the inputs are loaded
 *   ...loads of the inputs into their registers / slots... */
#include "cg/cg_call.h"
#include "cg/cg_gc.h"

#include <stdlib.h>

typedef struct { int32_t key; uint32_t v; } input_order;

static int cmp_order(const void *a, const void *b) {
  const input_order *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return (x->v > y->v) - (x->v < y->v);
}

void cg_prologue(cg *c) {
  a32_buf *b = c->b;
  cg_result *o = c->out;
  o->saved_core = ARM_ENTRY_PUSH;
  o->vfp_first = ARM_ENTRY_VSAVE_FIRST;
  o->vfp_count = ARM_ENTRY_VSAVE_N;
  a32_push(b, A32_AL, o->saved_core);
  o->push_end = (uint32_t)a32_buf_size(b);
  a32_vpush(b, A32_AL, o->vfp_first, o->vfp_count);
  o->vpush_end = (uint32_t)a32_buf_size(b);
  a32_dp(b, A32_AL, A32_MOV, false, A32_FP, 0, a32_r(A32_SP));
  o->fp_set = (uint32_t)a32_buf_size(b);
  c->frame_patch = a32_buf_size(b);
  a32_dp(b, A32_AL, A32_SUB, false, A32_SP, A32_SP, a32_imm(0));
  cg_gc_link(c);  /* with a GC: before anything can leave the run */
  cg_entry_checks(c);
  a32_ldst(b, A32_AL, A32_STR, A32_R0, a32_mem_imm(A32_FP, ARM_FRAME_PTR_OFF));
  a32_dp(b, A32_AL, A32_MOV, false, CG_IP, 0, a32_imm(0));
  a32_ldst(b, A32_AL, A32_STR, CG_IP, a32_mem_imm(A32_FP, ARM_FORCE_OFF));
  a32_dp(b, A32_AL, A32_MOV, false, CG_LR, 0, a32_r(A32_R0));

  /* Inputs used soonest get registers first. */
  uint32_t n = c->t->ninputs, m = 0;
  input_order *ord = ajx_alloc(c->ctx, (n ? n : 1) * sizeof *ord);
  ra_loc *loc = ajx_alloc(c->ctx, (n ? n : 1) * sizeof *loc);
  if (!ord || !loc) {
    ajx_free(c->ctx, ord);
    ajx_free(c->ctx, loc);
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory placing the inputs");
    return;
  }
  for (uint32_t v = 0; v < n; v++) {
    if (!c->lv.nuses[v]) continue;
    uint32_t s = c->lv.real_start[v], e = c->lv.real_start[v + 1];
    ord[m].key = s < e ? (int32_t)c->lv.real[s] : INT32_MAX;
    ord[m].v = v;
    m++;
  }
  qsort(ord, m, sizeof *ord, cmp_order);
  for (uint32_t i = 0; i < m; i++) loc[i] = ra_place_input(&c->ra, (ir_ref)ord[i].v);

  /* Slot inputs first, while every allocatable register is still free;
   * ip, lr (holding f) and d15 carry them. */
  c->busy = CG_BUSY_IP | CG_BUSY_LR;
  for (int pass = 0; pass < 2; pass++) {
    for (uint32_t i = 0; i < m; i++) {
      bool on_stack = loc[i].kind == LOC_STACK;
      if (on_stack != (pass == 0)) continue;
      int32_t off = ARM_FRAME_VALUES + ARM_VALUE_SIZE * (int32_t)ord[i].v;
      bool f = loc[i].type == ARMJIT_FLOAT;
      if (on_stack) {
        unsigned tmp = f ? (unsigned)ARM_DSCRATCH : (unsigned)ARM_SCRATCH1;
        cg_mem(c, f ? CG_VLDR : CG_LDR, tmp, CG_LR, off);
        cg_mem(c, f ? CG_VSTR : CG_STR, tmp, A32_FP, loc[i].n);
      } else {
        cg_mem(c, f ? CG_VLDR : CG_LDR, (unsigned)loc[i].n, CG_LR, off);
      }
    }
  }
  c->busy = 0;
  ajx_free(c->ctx, ord);
  ajx_free(c->ctx, loc);
}

/* The frame is what sp moves by: every later use of the loop's depth
 * (its bridges, jumps into it) sees the rounded size. */
void cg_patch_frame(cg *c) {
  uint32_t need = (uint32_t)ra_frame_bytes(&c->ra), frame = a32_modimm_ceil(need);
  if (!frame && need) {
    cg_fail(c, ARMJIT_E_LIMIT, "the frame needs %u bytes of stack", (unsigned)need);
    return;
  }
  c->out->frame_bytes = (int32_t)frame;
  if (a32_buf_patch_begin(c->b, c->frame_patch) != A32_OK) return;
  a32_dp(c->b, A32_AL, A32_SUB, false, A32_SP, A32_SP, a32_imm(frame));
  a32_buf_patch_end(c->b);
}
