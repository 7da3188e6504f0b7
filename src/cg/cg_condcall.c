/* SPDX-License-Identifier: MIT */
/* cond_call(c, f, args..., descr=C) (docs/ir.md §11.5): f(args) only when
 * c is not 0, out of line.  The fast path is a test and a not-taken
 * branch; the call lives in cold code (cg_cold.c) that keeps every
 * register, so nothing is moved out of r0-r3 / d0-d7 for a call that
 * mostly does not happen:
 *
 *   cmp    rc, #0              (a compare right before, used only here,
 *   bne    cold_k               fuses: cmp x, y; b<cc> cold_k)
 * resume_k:
 *   ...
 * cold_k:                      (after the loop body)
 *   push   {r0, r1, r2, r3}
 *   vpush  {d0-d7}
 *   sub    sp, sp, #STACK      the call of cg_call.c from the locations the
 *   ...                        arguments had at the branch (a pair source in
 *   blx    ip                  d0-d7 is read from its saved copy)
 *   add    sp, sp, #STACK
 *   vpop   {d0-d7}
 *   pop    {r0, r1, r2, r3}
 *   b      resume_k
 *
 * 16 + 64 bytes keep sp 8-byte aligned.  r4-r10 and d8-d15 are the
 * callee's to keep; ip and lr are scratch everywhere.  The flags are not
 * live after the op (the branch is their last reader).
 *
 * r = cond_call_value(v, f, args..., descr=C) (§11.5): r is v unless v is
 * 0, else f(args):
 *   movs   rd, rv              (rd is no argument's register: the cold
 *   beq    cold_k               call reads them after this)
 * resume_k:
 * cold_k:
 *   push / vpush / call as above
 *   (sxtb ... r0, r0           a narrow int result)
 *   mov    ip, r0
 *   vpop   {d0-d7}
 *   str    ip, [sp, #4*rd]     rd in r0-r3: the pop gives it the result
 *   pop    {r0, r1, r2, r3}
 *   (mov   rd, ip              rd in r4-r10)
 *   b      resume_k */
#include "cg/cg_call.h"
#include "cg/cg_gc.h"

#include "ir/descr.h"

#include <string.h>

enum { SAVED_CORE = 0xf, SAVED_D = 8 }; /* r0-r3, d0-d7 */

static void emit_cold_call(cg *c, const cg_cold *k) {
  const cg_cold_arg *ca = c->cold_args + k->arg[0];
  uint32_t n = k->arg[1];
  ra_loc small_locs[16], *locs = small_locs;
  uint8_t small_types[16], *types = small_types;
  if (n > 16) {
    locs = ajx_alloc(c->ctx, n * sizeof *locs);
    types = ajx_alloc(c->ctx, n);
    if (!locs || !types) {
      ajx_free(c->ctx, locs);
      ajx_free(c->ctx, types);
      cg_fail(c, ARMJIT_E_NOMEM, "out of memory for a cold call");
      return;
    }
  }
  for (uint32_t j = 0; j < n; j++) {
    locs[j] = ca[1 + j].loc;
    types[j] = ca[1 + j].type;
  }
  int rd = (int)(k->arg[3] & 0xffu) - 1;  /* the result's register, or -1 */
  cg_gc_cold_save(c, k->arg[2]);  /* with a GC: a GC point (cg_gc.c) */
  a32_push(c->b, A32_AL, SAVED_CORE);
  a32_vpush(c->b, A32_AL, 0, SAVED_D);
  cg_call_at(c, ca[0].loc, locs, types, n, 0, k->arg[2]);
  if (rd >= 0) {
    cg_extend_result(c, ir_descr_at(c->t, (int32_t)(k->arg[3] >> 8)), A32_R0);
    a32_dp(c->b, A32_AL, A32_MOV, false, CG_IP, 0, a32_r(A32_R0));
  }
  a32_vpop(c->b, A32_AL, 0, SAVED_D);
  if (rd >= 0 && rd < 4) a32_ldst(c->b, A32_AL, A32_STR, CG_IP, a32_mem_imm(A32_SP, 4 * rd));
  a32_pop(c->b, A32_AL, SAVED_CORE);
  cg_gc_cold_reload(c, k->arg[2]);
  if (rd >= 4) a32_dp(c->b, A32_AL, A32_MOV, false, (a32_reg)rd, 0, a32_r(CG_IP));
  if (locs != small_locs) {
    ajx_free(c->ctx, locs);
    ajx_free(c->ctx, types);
  }
}

bool cg_cold_call(cg *c, a32_cond cc, ra_loc fn, const ra_loc *locs, const uint8_t *types,
                  uint32_t n, int rd, const ir_descr *d) {
  uint32_t first = c->ncold_args;
  if (!ajx_grow(c->ctx, (void **)&c->cold_args, &c->cold_args_cap, first + n + 1,
                sizeof *c->cold_args)) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for a cold call");
    return false;
  }
  c->cold_args[first].loc = fn;
  c->cold_args[first].type = ARMJIT_REF;
  for (uint32_t j = 0; j < n; j++) {
    c->cold_args[first + 1 + j].loc = locs[j];
    c->cold_args[first + 1 + j].type = types[j];
  }
  c->ncold_args = first + n + 1;
  uint32_t gc_site = cg_gc_cold_site(c);
  cg_cold *k = cg_cold_branch(c, cc, emit_cold_call);
  if (!k) return false;
  k->arg[0] = first;
  k->arg[1] = n;
  k->arg[2] = gc_site;
  k->arg[3] = rd >= 0 ? (uint32_t)(rd + 1) | (uint32_t)(d - c->t->descrs) << 8 : 0;
  return true;
}

void cg_lower_cond_call(cg *c, const ir_op *op) {
  const ir_descr *d = ir_descr_at(c->t, op->descr);
  const ir_ref *a = ir_args(c->t, op);
  uint32_t n = op->nargs - 2;
  a32_cond cc = A32_AL;
  if (a[0] == c->fused && c->fused != IR_NONE) {
    cc = c->fused_cc;
    c->fused = IR_NONE;
    cg_flags_take(c);  /* by the branch cg_cold_call emits next */
  } else if (cg_is_const(a[0])) {
    if (cg_const_word(c->t, a[0]) == 0) return;  /* never called: no code */
  } else {
    a32_reg rc = cg_reg(c, a[0]);
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, rc, a32_imm(0));
    cg_flags_set(c);
    cg_flags_take(c);  /* by the branch cg_cold_call emits next */
    cc = A32_NE;
  }
  ra_loc small[16], *locs = n > 16 ? ajx_alloc(c->ctx, n * sizeof *locs) : small;
  if (!locs) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for cond_call");
    return;
  }
  for (uint32_t j = 0; j < n; j++) locs[j] = ra_where(&c->ra, a[2 + j]);
  cg_cold_call(c, cc, ra_where(&c->ra, a[1]), locs, d->args, n, -1, NULL);
  if (locs != small) ajx_free(c->ctx, locs);
}

void cg_lower_cond_call_value(cg *c, const ir_op *op) {
  const ir_descr *d = ir_descr_at(c->t, op->descr);
  const ir_ref *a = ir_args(c->t, op);
  uint32_t n = op->nargs - 2;
  a32_cond cc = A32_EQ;
  int rv = cg_is_const(a[0]) ? -1 : (int)cg_reg(c, a[0]);
  /* not a dying argument's register: the cold call reads them all */
  a32_reg rd = (a32_reg)cg_def_keep(c, op);
  if (rv < 0) {
    uint32_t v = cg_const_word(c->t, a[0]);
    cg_load_int(c, rd, v);
    if (v != 0) return;  /* never called: no code */
    cc = A32_AL;         /* always called */
  } else {
    a32_dp(c->b, A32_AL, A32_MOV, true, rd, 0, a32_r((a32_reg)rv));
    cg_flags_set(c);
    cg_flags_take(c);  /* by the branch cg_cold_call emits next */
  }
  ra_loc small[16], *locs = n > 16 ? ajx_alloc(c->ctx, n * sizeof *locs) : small;
  if (!locs) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for cond_call_value");
    return;
  }
  /* where the arguments are after the result's allocation (a victim it
   * spilled is read from its slot) */
  for (uint32_t j = 0; j < n; j++) locs[j] = ra_where(&c->ra, a[2 + j]);
  cg_cold_call(c, cc, ra_where(&c->ra, a[1]), locs, d->args, n, (int)rd, d);
  if (locs != small) ajx_free(c->ctx, locs);
}
