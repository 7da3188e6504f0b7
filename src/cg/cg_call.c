/* SPDX-License-Identifier: MIT */
/* call / call_may_force: a C call with the AAPCS of the context's ABI.
 *
 *   (values live after the call leave r0-r3 / d0-d7: ra_call_prepare)
 *   sub   sp, sp, #STACK        outgoing area, a multiple of 8 (abi.c)
 *   str   ..., [sp, #k]         stack arguments, read from their
 *                               locations before anything is moved
 *   mov   ip, rF                the function, if r0-r3 will be overwritten
 *   ...parallel move into r0-r3 / d0-d7 (argument registers may hold
 *      other arguments: the resolver orders the moves and breaks cycles)
 *   vmov  r2, r3, dN            soft-float doubles into core pairs, last:
 *                               the resolved moves read the pairs' old values
 *   movw/movt ip, #fn           (or ldr ip from the function's slot; or
 *                               nothing: a callee-saved register caching
 *                               it, a loop's hoisted constant)
 *   blx   ip                    C may be Thumb: never BL (blx r4-r10 when
 *                               the function is in a callee-saved register)
 *   add   sp, sp, #STACK
 *   result in r0, d0 or r0:r1 (soft-float double: vmov into a d register)
 *
 * sp is 8-byte aligned in the body (cg_entry.c), so it is at the BLX. */
#include "cg/cg_call.h"
#include "cg/cg_gc.h"

#include "arm/abi.h"
#include "ir/descr.h"

static void adjust_sp(cg *c, a32_dp_op op, uint32_t bytes) {
  if (!bytes) return;
  if (a32_modimm(bytes) >= 0) {
    a32_dp(c->b, A32_AL, op, false, A32_SP, A32_SP, a32_imm(bytes));
    return;
  }
  cg_load_int(c, CG_IP, bytes);  /* ip is free before and after the call */
  a32_dp(c->b, A32_AL, op, false, A32_SP, A32_SP, a32_r(CG_IP));
}

/* [sp, #off] <- src.  ip (ints) and d15 (floats) carry values that are
 * not in a register; lr stays free for far offsets, so cg_mem never
 * pushes (a push would move sp under the sp-relative stores). */
void cg_store_stack_arg(cg *c, ra_loc src, uint32_t off) {
  int32_t o = (int32_t)off;
  bool f = src.type == ARMJIT_FLOAT;  /* 8 bytes (a double, an i64); an f32 is 4 */
  unsigned saved = c->busy;
  c->busy |= CG_BUSY_IP;
  switch (src.kind) {
  case LOC_REG: cg_mem(c, CG_STR, (unsigned)src.n, A32_SP, o); break;
  case LOC_VREG:
    cg_mem(c, src.type == ARM_TY_F32 ? CG_VSTRS : CG_VSTR, (unsigned)src.n, A32_SP, o);
    break;
  case LOC_STACK:
    if (f) {
      cg_mem(c, CG_VLDR, ARM_DSCRATCH, A32_FP, src.n);
      cg_mem(c, CG_VSTR, ARM_DSCRATCH, A32_SP, o);
    } else {
      cg_mem(c, CG_LDR, CG_IP, A32_FP, src.n);
      cg_mem(c, CG_STR, CG_IP, A32_SP, o);
    }
    break;
  case LOC_CONST: {
    uint64_t bits = cg_const_bits(&c->t->consts[src.n]);
    cg_load_int(c, CG_IP, (uint32_t)bits);
    cg_mem(c, CG_STR, CG_IP, A32_SP, o);
    if (f) {
      cg_load_int(c, CG_IP, (uint32_t)(bits >> 32));
      cg_mem(c, CG_STR, CG_IP, A32_SP, o + 4);
    }
    break;
  }
  default:
    cg_fail(c, ARMJIT_E_INVALID, "call argument has no location (internal)");
    break;
  }
  c->busy = saved;
}

/* The classifier's type for an IR type: i64 and f32 are its ARM_TY_*. */
static uint8_t abi_type_of(unsigned irtype) {
  return irtype == ARMJIT_I64 ? ARM_TY_I64 : irtype == ARMJIT_F32 ? ARM_TY_F32 : (uint8_t)irtype;
}

/* An f32 value's location as the single it is: s2n of its dn, the low
 * word of its slot, its constant's low word. */
static ra_loc f32_view(ra_loc l) {
  switch (l.kind) {
  case LOC_VREG: return ra_sreg(2 * l.n);
  case LOC_STACK: return ra_stack(l.n, ARM_TY_F32);
  case LOC_CONST: return ra_const(l.n, ARM_TY_F32);
  default: return l;
  }
}

/* r<reg> <- an f32 (soft-float argument). */
static void load_f32_core(cg *c, unsigned reg, ra_loc src) {
  switch (src.kind) {
  case LOC_VREG: a32_vmov_s_to_core(c->b, A32_AL, (a32_reg)reg, 2 * (unsigned)src.n); break;
  case LOC_STACK: cg_mem(c, CG_LDR, reg, A32_FP, src.n); break;
  case LOC_CONST: cg_load_int(c, (a32_reg)reg, (uint32_t)cg_const_bits(&c->t->consts[src.n])); break;
  default: cg_fail(c, ARMJIT_E_INVALID, "f32 argument has no location (internal)"); break;
  }
}

void cg_load_pair(cg *c, unsigned lo, ra_loc src) {
  a32_reg r0 = (a32_reg)lo, r1 = (a32_reg)(lo + 1);
  switch (src.kind) {
  case LOC_VREG: a32_vmov_d_to_core(c->b, A32_AL, r0, r1, (unsigned)src.n); break;
  case LOC_STACK:
    cg_mem(c, CG_LDR, r0, A32_FP, src.n);
    cg_mem(c, CG_LDR, r1, A32_FP, src.n + 4);
    break;
  case LOC_CONST: {
    uint64_t bits = cg_const_bits(&c->t->consts[src.n]);
    cg_load_int(c, r0, (uint32_t)bits);
    cg_load_int(c, r1, (uint32_t)(bits >> 32));
    break;
  }
  default:
    cg_fail(c, ARMJIT_E_INVALID, "double argument has no location (internal)");
    break;
  }
}

typedef struct {
  abi_loc *locs;
  ra_loc *args;             /* where each argument is */
  ra_loc *dst, *src;
  uint8_t *types;           /* the arguments' storage types (abi_type_of) */
  ra_loc *early;            /* pair arguments moved out of the way (keep_pair_sources) */
  abi_loc small_locs[16];
  ra_loc small_args[16], small_dst[16], small_src[16], small_early[16];
  uint8_t small_types[16];
} call_scratch;

static bool scratch_init(cg *c, call_scratch *s, uint32_t n) {
  if (n <= 16) {
    s->locs = s->small_locs;
    s->args = s->small_args;
    s->dst = s->small_dst;
    s->src = s->small_src;
    s->types = s->small_types;
    s->early = s->small_early;
    return true;
  }
  s->locs = ajx_alloc(c->ctx, n * sizeof *s->locs);
  s->args = ajx_alloc(c->ctx, n * sizeof *s->args);
  s->dst = ajx_alloc(c->ctx, n * sizeof *s->dst);
  s->src = ajx_alloc(c->ctx, n * sizeof *s->src);
  s->types = ajx_alloc(c->ctx, n * sizeof *s->types);
  s->early = ajx_calloc(c->ctx, n, sizeof *s->early);
  if (s->locs && s->args && s->dst && s->src && s->types && s->early) return true;
  cg_fail(c, ARMJIT_E_NOMEM, "out of memory placing call arguments");
  return false;
}

static void scratch_free(cg *c, call_scratch *s) {
  if (s->locs == s->small_locs) return;
  ajx_free(c->ctx, s->locs);
  ajx_free(c->ctx, s->args);
  ajx_free(c->ctx, s->dst);
  ajx_free(c->ctx, s->src);
  ajx_free(c->ctx, s->types);
  ajx_free(c->ctx, s->early);
}

/* Hard-float: the core pairs are loaded after the parallel move into
 * r0-r3 / s0-s15, which may overwrite the d register an i64 argument is
 * in (i64 then double: r0:r1 <- d0, d0 <- the double).  Such a source is
 * copied first into a temporary outside the VFP argument registers the
 * move writes: s.early[k].  Before any source location is taken: the
 * temporary may spill a value. */
static void keep_pair_sources(cg *c, call_scratch *s, const ir_ref *a, uint32_t n) {
  uint32_t written = 0; /* d registers the parallel move writes */
  for (uint32_t k = 0; k < n; k++) {
    if (s->locs[k].kind == ABI_VFP) written |= 1u << s->locs[k].reg;
    if (s->locs[k].kind == ABI_SREG) written |= 1u << (s->locs[k].reg / 2);
  }
  for (uint32_t k = 0; k < n; k++) {
    if (s->locs[k].kind != ABI_PAIR) continue;
    ra_loc src = ra_where(&c->ra, a[k + 1]);
    if (src.kind != LOC_VREG || !(written >> src.n & 1u)) continue;
    /* (its victim, if any, is outside `written`: not this source) */
    int d = ra_temp_in(&c->ra, true, ARM_RANGE(0, ARM_NVFP - 1) & ~written);
    cg_move(c, ra_vreg(d), src);
    s->early[k] = ra_vreg(d);
  }
}

void cg_extend_result(cg *c, const ir_descr *d, a32_reg r) {
  if (d->type != ARMJIT_INT || (d->size != 1 && d->size != 2)) return;
  a32_extend_op x = d->size == 1 ? (d->is_signed ? A32_SXTB : A32_UXTB)
                                 : (d->is_signed ? A32_SXTH : A32_UXTH);
  a32_extend(c->b, A32_AL, x, r, 0, r, 0);
}

static void take_result(cg *c, const ir_op *op, abi_loc res) {
  if (res.kind == ABI_CORE && res.type == ARM_TY_F32) {  /* soft-float: r0 */
    unsigned dd = (unsigned)cg_def(c, op, -1);
    a32_vmov_core_to_s(c->b, A32_AL, 2 * dd, A32_R0);
    return;
  }
  switch (res.kind) {
  case ABI_CORE: cg_def_fixed(c, op, false, A32_R0); break;
  case ABI_VFP: cg_def_fixed(c, op, true, 0); break;
  case ABI_PAIR: {  /* a soft-float double, an i64 */
    /* any d register: r0:r1 are not disturbed by a spill the choice needs */
    unsigned dd = (unsigned)cg_def(c, op, -1);
    a32_vmov_core_to_d(c->b, A32_AL, dd, A32_R0, A32_R1);
    break;
  }
  case ABI_SREG: cg_def_fixed(c, op, true, 0); break;  /* s0 is d0's low half */
  default: break;
  }
}

/* Everything of the call before the BLX, from the arguments' locations
 * srcs[0..n) (the function is fn): sp lowered by `stack`, the stack
 * arguments stored, the register ones moved, pairs and soft-float singles
 * loaded.  Pair sources in d0-d7, which the parallel move may overwrite
 * under hard-float, come from a copy: s->early[k] when set, else (cold
 * code, saved_d >= 0) the word pair at [sp, #stack + saved_d + 8*dn]
 * where the caller saved d0-d7.  fn_reg >= 0: a callee-saved register
 * that holds the (constant) function already.  Returns the register to
 * BLX. */
static a32_reg marshal(cg *c, call_scratch *s, uint32_t n, uint32_t stack, ra_loc fn,
                       int fn_reg, const ra_loc *srcs, int32_t saved_d) {
  adjust_sp(c, A32_SUB, stack);
  for (uint32_t k = 0; k < n; k++)
    if (s->locs[k].kind == ABI_STACK)
      cg_store_stack_arg(c, s->locs[k].type == ARM_TY_F32 ? f32_view(srcs[k]) : srcs[k],
                         s->locs[k].off);

  /* The function in an argument register would be overwritten: take it
   * into ip first (the resolver never writes ip when every destination
   * is a register). */
  bool fn_early = fn.kind == LOC_REG && fn.n < 4;
  if (fn_early) {
    cg_move(c, ra_reg(CG_IP, fn.type), fn);
    c->busy |= CG_BUSY_IP;
  }

  uint32_t m = 0;
  for (uint32_t k = 0; k < n; k++) {
    abi_loc l = s->locs[k];
    ra_loc src = srcs[k];
    if (l.kind == ABI_CORE && l.type != ARM_TY_F32) s->dst[m] = ra_reg(l.reg, l.type);
    else if (l.kind == ABI_VFP) s->dst[m] = ra_vreg(l.reg);
    else if (l.kind == ABI_SREG) { s->dst[m] = ra_sreg(l.reg); src = f32_view(src); }
    else continue;
    s->src[m++] = src;
  }
  cg_parallel_move(c, s->dst, s->src, m);
  for (uint32_t k = 0; k < n; k++) {
    if (s->locs[k].kind == ABI_PAIR) {
      ra_loc src = s->early[k].kind ? s->early[k] : srcs[k];
      if (saved_d >= 0 && src.kind == LOC_VREG && src.n < 8) {
        int32_t off = (int32_t)stack + saved_d + 8 * src.n;
        cg_mem(c, CG_LDR, s->locs[k].reg, A32_SP, off);
        cg_mem(c, CG_LDR, s->locs[k].reg + 1, A32_SP, off + 4);
      } else {
        cg_load_pair(c, s->locs[k].reg, src);
      }
    } else if (s->locs[k].kind == ABI_CORE && s->locs[k].type == ARM_TY_F32) {
      load_f32_core(c, s->locs[k].reg, srcs[k]);
    }
  }

  if (fn_early) return CG_IP;
  if (fn_reg >= 0) return (a32_reg)fn_reg;
  if (fn.kind == LOC_CONST) cg_load_addr(c, CG_IP, cg_const_word(c->t, -1 - fn.n));
  else if (fn.kind == LOC_REG) return (a32_reg)fn.n;  /* r4-r10: no move wrote it */
  else cg_move(c, ra_reg(CG_IP, fn.type), fn);
  return CG_IP;
}

void cg_lower_call(cg *c, const ir_op *op) {
  const ir_descr *d = ir_descr_at(c->t, op->descr);
  const ir_ref *a = ir_args(c->t, op);
  uint32_t n = op->nargs - 1;
  armjit_abi abi = c->ctx->abi;
  call_scratch s = {0};  /* (gcc -O2 cannot see scratch_init fill it) */
  if (!scratch_init(c, &s, n)) return;
  for (uint32_t k = 0; k < n; k++) s.types[k] = abi_type_of(d->args[k]);
  uint32_t stack = abi_classify(abi, s.types, n, s.locs);

  ra_call_prepare(&c->ra);
  if (abi == ARMJIT_ABI_HARD) keep_pair_sources(c, &s, a, n);
  ra_loc fn = ra_where(&c->ra, a[0]);
  for (uint32_t k = 0; k < n; k++) s.args[k] = ra_where(&c->ra, a[k + 1]);
  /* A constant function a callee-saved register caches (a loop's hoisted
   * constant, cg_ctrl.c): the argument moves write r0-r3 only. */
  int fn_reg = -1;
  for (int r = 0; r < ARM_NCORE && fn.kind == LOC_CONST && fn_reg < 0; r++)
    if (!(ARM_CORE_CALLER >> r & 1u) && ra_caches_const(&c->ra, r, a[0])) fn_reg = r;
  a32_reg target = marshal(c, &s, n, stack, fn, fn_reg, s.args, -1);
  cg_release(c);
  ra_call_clobber(&c->ra);
  cg_gc_blx(c, target);  /* a GC point: the maps (cg_gc.c) */
  adjust_sp(c, A32_ADD, stack);
  c->busy = 0;
  cg_extend_result(c, d, A32_R0);
  take_result(c, op, abi_result(abi, abi_type_of(d->type)));
  scratch_free(c, &s);
}

void cg_call_at(cg *c, ra_loc fn, const ra_loc *locs, const uint8_t *types, uint32_t n,
                int32_t saved_d, uint32_t gc_site) {
  armjit_abi abi = c->ctx->abi;
  call_scratch s = {0};
  if (!scratch_init(c, &s, n)) return;
  for (uint32_t k = 0; k < n; k++) {
    s.types[k] = abi_type_of(types[k]);
    s.args[k] = locs[k];
  }
  uint32_t stack = abi_classify(abi, s.types, n, s.locs);
  a32_reg target = marshal(c, &s, n, stack, fn, -1, s.args, saved_d);
  cg_gc_cold_blx(c, gc_site, target);
  adjust_sp(c, A32_ADD, stack);
  c->busy = 0;
  scratch_free(c, &s);
}
