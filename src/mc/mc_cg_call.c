/* SPDX-License-Identifier: MIT */
/* Calls from method-compiled code, with the AAPCS of the context's ABI
 * (arm/abi.c classifies; helpers take integers only, so both ABIs agree):
 *
 *   str   ..., [sp, #k]       stack arguments into the outgoing area at
 *                             the bottom of the frame (sp never moves)
 *   push  {rF}; push {rH}     call_ind: a target / hidden value in r0-r3
 *                             would be overwritten by the moves below
 *   ...one parallel move into r0-r3 / d0-d7 / s0-s15 (cycles through
 *      lr, d15; constants last)...
 *   vmov  r2, r3, dN          doubles / singles passed in core registers
 *                             (soft-float, helpers): after the move, which
 *                             reads the core registers' old values
 *   bl    f                   a function of the module (A32, in reach)
 *   movw/movt ip, #sym        an extern or an AEABI helper: C may be
 *   blx   ip                  Thumb, so never BL (a builtin helper: bl,
 *                             with checks around AEABI ones, helper_call)
 *   pop {ip}; pop {lr}; blx lr   call_ind (hidden in ip; a target in a
 *                             callee-saved register is used in place)
 *   result: r0, r0:r1, d0, s0 (or vmov from core registers) to its home
 *
 * Every value live after the call is in r4-r9, d8-d13 or a slot
 * (mc_ra.c), so nothing needs saving around it. */
#include "mc/mc_cg.h"

#include "arm/abi.h"

typedef struct {
  uint32_t n;
  uint8_t *ty;      /* classification types */
  abi_loc *loc;
  mir_ref *args;
  uint8_t small_ty[16];
  abi_loc small_loc[16];
  mir_ref small_args[16];
} call_args;

static bool args_init(mc_fn *c, call_args *a, uint32_t n) {
  a->n = n;
  if (n <= 16) {
    a->ty = a->small_ty;
    a->loc = a->small_loc;
    a->args = a->small_args;
    return true;
  }
  a->ty = ajx_alloc(c->ctx, n);
  a->loc = ajx_alloc(c->ctx, n * sizeof *a->loc);
  a->args = ajx_alloc(c->ctx, n * sizeof *a->args);
  if (a->ty && a->loc && a->args) return true;
  mc_fail(c, ARMJIT_E_NOMEM, "out of memory placing call arguments");
  return false;
}

static void args_free(mc_fn *c, call_args *a) {
  if (a->ty == a->small_ty) return;
  ajx_free(c->ctx, a->ty);
  ajx_free(c->ctx, a->loc);
  ajx_free(c->ctx, a->args);
}

/* The call's arguments (operands) and the types they are passed as. */
static bool call_signature(mc_fn *c, const mir_op *op, call_args *a) {
  const mir_ref *x = mir_args(c->fn, op);
  int h = mc_op_helper(c, op);
  if (h >= 0) {
    const mc_helper_info *hi = mc_helper_get((mc_helper)h);
    if (!args_init(c, a, hi->nargs)) return false;
    for (uint32_t k = 0; k < hi->nargs; k++) {
      a->ty[k] = hi->args[k];
      a->args[k] = x[k];
    }
    return true;
  }
  uint32_t first = op->opc == ARMJIT_MOP_CALL_IND ? 1 : 0;
  uint32_t n = op->nargs - first - ((op->flags & MIR_OP_HIDDEN) ? 1 : 0);
  if (!args_init(c, a, n)) return false;
  for (uint32_t k = 0; k < n; k++) {
    a->args[k] = x[first + k];
    a->ty[k] = mc_stype(mir_ref_type(c->fn, x[first + k]));
  }
  return true;
}

static armjit_abi call_abi(const mc_fn *c, const mir_op *op) {
  return mc_op_helper(c, op) >= 0 ? ARMJIT_ABI_SOFT : c->abi;
}

uint32_t mc_call_out_bytes(const mc_fn *c, const mir_op *op) {
  call_args a;
  if (!call_signature((mc_fn *)c, op, &a)) return 0;
  uint32_t bytes = abi_classify(call_abi(c, op), a.ty, a.n, a.loc);
  args_free((mc_fn *)c, &a);
  return bytes;
}

/* [sp, #off] <- operand r (any home, any constant), through ip / lr. */
static void store_stack_arg(mc_fn *c, mir_ref r, uint32_t off) {
  ra_loc l = mc_loc(c, r);
  int32_t o = (int32_t)off;
  if (l.kind == LOC_VREG) {
    mc_mem(c, l.type == ARMJIT_FLOAT ? MC_VSTR_D : MC_VSTR_S, (unsigned)l.n, A32_SP, o, MC_T0);
    return;
  }
  int words = ra_type_size(l.type) / 4;
  for (int h = 0; h < words; h++) {
    a32_reg w = mc_word(c, r, h, MC_T0);
    mc_mem(c, MC_STR, w, A32_SP, o + 4 * h, MC_T1);
  }
}

/* A VFP operand into core registers r<reg> (and r<reg+1> for a double). */
static void float_to_core(mc_fn *c, mir_ref r, unsigned reg, bool dbl) {
  ra_loc l = mc_loc(c, r);
  if (l.kind == LOC_VREG) {
    if (dbl) a32_vmov_d_to_core(c->b, A32_AL, (a32_reg)reg, (a32_reg)(reg + 1), (unsigned)l.n);
    else a32_vmov_s_to_core(c->b, A32_AL, (a32_reg)reg, (unsigned)l.n);
    return;
  }
  for (int h = 0; h < (dbl ? 2 : 1); h++) { /* a slot or a constant: load the words */
    a32_reg t = (a32_reg)(reg + h);
    (void)mc_word(c, r, h, t);
  }
}

/* call_ind's target or hidden value: in r0-r3 it is pushed before the
 * argument moves. */
static bool in_arg_reg(ra_loc l) { return l.kind == LOC_REG && l.n < ARM_NCORE_ARGS; }

static void take_result(mc_fn *c, const mir_op *op, armjit_abi abi, bool helper) {
  mir_ref v = op->result;
  if (v == MIR_NONE || c->home[v].kind == LOC_NONE) return;
  ra_loc h = c->home[v];
  uint8_t st = c->stype[v];
  bool vfp = ra_type_is_float(st);
  abi_loc r = abi_result(helper ? ARMJIT_ABI_SOFT : abi, st);
  if (vfp && (r.kind == ABI_CORE || r.kind == ABI_PAIR)) { /* bits in r0 (r1) */
    bool dbl = st == ARMJIT_FLOAT;
    if (h.kind == LOC_VREG) {
      if (dbl) a32_vmov_core_to_d(c->b, A32_AL, (unsigned)h.n, A32_R0, A32_R1);
      else a32_vmov_core_to_s(c->b, A32_AL, (unsigned)h.n, A32_R0);
    } else {
      mc_move(c, ra_stack(h.n, dbl ? ARM_TY_I64 : ARMJIT_INT), dbl ? ra_pair(0) : ra_reg(0, ARMJIT_INT));
    }
    return;
  }
  ra_loc src = r.kind == ABI_PAIR ? ra_pair(0)
               : r.kind == ABI_VFP ? ra_vreg(0)
               : r.kind == ABI_SREG ? ra_sreg(0)
                                    : ra_reg(0, st);
  mc_move(c, h, src);
}

/* An out-of-range float -> i64 conversion (AEABI leaves it undefined):
 * NaN -> 0, else MAX / MIN by the sign (signed) or all ones (unsigned;
 * negatives never get here).  ip holds the exponent, `hw` the word with
 * the sign and exponent (r1 for f64, r0 for f32); to `done`.
 *       movw  lr, #0x7ff                 ; (f32: 0xff) NaN or infinity?
 *       cmp   ip, lr
 *       bne   1f
 *       orrs  ip, r0, r1, lsl #12        ; f64's fraction (f32: lsls ip, r0, #9)
 *       movne r0, #0
 *       movne r1, #0
 *       bne   done                       ; NaN: 0
 *   1:  asr   lr, hw, #31                ; signed: r0:r1 = MAX + (x < 0)
 *       mvn   r0, lr
 *       eor   r1, r0, #0x80000000
 *       (unsigned: mvn r0, #0; mvn r1, #0)
 *       b     done                                                          */
static void f2i_saturate(mc_fn *c, bool f64, bool sign, a32_label done) {
  a32_buf *b = c->b;
  a32_label inf = a32_label_new(b);
  a32_reg hw = f64 ? A32_R1 : A32_R0;
  a32_movw(b, A32_AL, MC_T1, f64 ? 0x7ff : 0xff);
  a32_dp(b, A32_AL, A32_CMP, true, 0, MC_T0, a32_r(MC_T1));
  a32_b(b, A32_NE, inf);
  if (f64) a32_dp(b, A32_AL, A32_ORR, true, MC_T0, A32_R0, a32_rsi(A32_R1, A32_LSL, 12));
  else a32_shift_imm(b, A32_AL, A32_LSL, true, MC_T0, A32_R0, 9);
  a32_dp(b, A32_NE, A32_MOV, false, A32_R0, 0, a32_imm(0));
  a32_dp(b, A32_NE, A32_MOV, false, A32_R1, 0, a32_imm(0));
  a32_b(b, A32_NE, done);
  a32_label_bind(b, inf);
  if (sign) {
    a32_shift_imm(b, A32_AL, A32_ASR, false, MC_T1, hw, 31);
    a32_dp(b, A32_AL, A32_MVN, false, A32_R0, 0, a32_r(MC_T1));
    a32_dp(b, A32_AL, A32_EOR, false, A32_R1, A32_R0, a32_imm(0x80000000u));
  } else {
    a32_dp(b, A32_AL, A32_MVN, false, A32_R0, 0, a32_imm(0));
    a32_dp(b, A32_AL, A32_MVN, false, A32_R1, 0, a32_imm(0));
  }
  a32_b(b, A32_AL, done);
}

/* Helper h with its arguments in r0-r3 (the soft-float AAPCS), the result
 * to r0 / r0:r1.  A builtin copy is simply called (mc_mod_helper_call);
 * an AEABI function gets the checks of its fix kind (mc_helpers.h), which
 * keep the IR's meaning where the run-time ABI leaves it open or differs:
 *   DIV32  cmp r1, #0; moveq r0, #0; beq 1f; CALL; 1:          x / 0 = 0
 *   REM32  cmp r1, #0; beq 1f; CALL; mov r0, r1; 1:            x % 0 = x
 *   DIV64  orrs ip, r2, r3; moveq r0, #0; moveq r1, #0; beq 1f; CALL; 1:
 *   REM64  orrs ip, r2, r3; beq 1f; CALL; mov r0, r2; mov r1, r3; 1:
 *   SHIFT  and r2, r2, #63; CALL                               count & 63
 *   D2L .. F2UL (f64: hw = r1, exponent at bit 20, 11 bits, bias 1023;
 *          f32: hw = r0, at bit 23, 8 bits, bias 127)
 *          [unsigned: tst hw, #0x80000000; movne r0, #0; movne r1, #0;
 *           bne 1f]                                  negatives, -0: 0
 *          ubfx ip, hw, #at, #bits; movw lr, #(bias + 63, unsigned + 64)
 *          cmp ip, lr; blo 2f                        in range: AEABI's result
 *          (f2i_saturate); 2: CALL; 1:
 * MIN / -1 and MIN % -1 need nothing: libgcc's functions work on the
 * magnitudes and give MIN and 0, as the IR does (the tests check it). */
static void helper_call(mc_fn *c, mc_helper h) {
  a32_buf *b = c->b;
  mc_aeabi_fix fix = mc_mod_helper_aeabi(c->mm, h) ? mc_helper_get(h)->fix : MC_AE_NONE;
  a32_label done = a32_label_new(b);
  switch (fix) {
  case MC_AE_DIV32:
  case MC_AE_REM32:
    a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R1, a32_imm(0));
    if (fix == MC_AE_DIV32) a32_dp(b, A32_EQ, A32_MOV, false, A32_R0, 0, a32_imm(0));
    a32_b(b, A32_EQ, done);
    break;
  case MC_AE_DIV64:
  case MC_AE_REM64:
    a32_dp(b, A32_AL, A32_ORR, true, MC_T0, A32_R2, a32_r(A32_R3));
    if (fix == MC_AE_DIV64) {
      a32_dp(b, A32_EQ, A32_MOV, false, A32_R0, 0, a32_imm(0));
      a32_dp(b, A32_EQ, A32_MOV, false, A32_R1, 0, a32_imm(0));
    }
    a32_b(b, A32_EQ, done);
    break;
  case MC_AE_SHIFT: a32_dp(b, A32_AL, A32_AND, false, A32_R2, A32_R2, a32_imm(63)); break;
  case MC_AE_D2L:
  case MC_AE_D2UL:
  case MC_AE_F2L:
  case MC_AE_F2UL: {
    bool f64 = fix == MC_AE_D2L || fix == MC_AE_D2UL, sign = fix == MC_AE_D2L || fix == MC_AE_F2L;
    a32_reg hw = f64 ? A32_R1 : A32_R0;
    a32_label call = a32_label_new(b);
    if (!sign) {
      a32_dp(b, A32_AL, A32_TST, true, 0, hw, a32_imm(0x80000000u));
      a32_dp(b, A32_NE, A32_MOV, false, A32_R0, 0, a32_imm(0));
      a32_dp(b, A32_NE, A32_MOV, false, A32_R1, 0, a32_imm(0));
      a32_b(b, A32_NE, done);
    }
    a32_bitfield(b, A32_AL, A32_UBFX, MC_T0, hw, f64 ? 20 : 23, f64 ? 11 : 8);
    a32_movw(b, A32_AL, MC_T1, (f64 ? 1023 : 127) + (sign ? 63 : 64));
    a32_dp(b, A32_AL, A32_CMP, true, 0, MC_T0, a32_r(MC_T1));
    a32_b(b, A32_LO, call);
    f2i_saturate(c, f64, sign, done);
    a32_label_bind(b, call);
    break;
  }
  default: break;
  }
  mc_mod_helper_call(c->mm, b, c->sym, h);
  if (fix == MC_AE_REM32) a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R1));
  if (fix == MC_AE_REM64) {
    a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R2));
    a32_dp(b, A32_AL, A32_MOV, false, A32_R1, 0, a32_r(A32_R3));
  }
  a32_label_bind(b, done);
}

static void emit_call(mc_fn *c, const mir_op *op) {
  call_args a;
  if (!call_signature(c, op, &a)) return;
  int helper = mc_op_helper(c, op);
  armjit_abi abi = call_abi(c, op);
  abi_classify(abi, a.ty, a.n, a.loc);
  for (uint32_t k = 0; k < a.n; k++)
    if (a.loc[k].kind == ABI_STACK) store_stack_arg(c, a.args[k], a.loc[k].off);

  bool ind = op->opc == ARMJIT_MOP_CALL_IND;
  mir_ref fnp = ind ? mir_args(c->fn, op)[0] : MIR_NONE;
  mir_ref hid = ind && (op->flags & MIR_OP_HIDDEN) ? mir_args(c->fn, op)[op->nargs - 1] : MIR_NONE;
  bool push_fn = ind && in_arg_reg(mc_loc(c, fnp));
  bool push_hid = hid != MIR_NONE && in_arg_reg(mc_loc(c, hid));
  if (push_fn) a32_push(c->b, A32_AL, (uint16_t)(1u << mc_loc(c, fnp).n));
  if (push_hid) a32_push(c->b, A32_AL, (uint16_t)(1u << mc_loc(c, hid).n));

  /* register arguments: one parallel move; VFP values bound for core
   * registers afterwards */
  ra_loc sd[16], ss[16];
  ra_loc *dst = a.n <= 16 ? sd : ajx_alloc(c->ctx, a.n * sizeof *dst);
  ra_loc *src = a.n <= 16 ? ss : ajx_alloc(c->ctx, a.n * sizeof *src);
  if (!dst || !src) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory placing call arguments");
    goto out;
  }
  uint32_t m = 0;
  for (uint32_t k = 0; k < a.n; k++) {
    abi_loc l = a.loc[k];
    uint8_t vt = mc_stype(mir_ref_type(c->fn, a.args[k]));
    if (l.kind == ABI_STACK) continue;
    if ((l.kind == ABI_CORE || l.kind == ABI_PAIR) && ra_type_is_float(vt)) continue;
    ra_loc from = mc_loc(c, a.args[k]);
    if (l.kind == ABI_CORE && vt == ARM_TY_I64) { /* a helper's i32 count: the low word */
      vt = ARMJIT_INT;
      if (from.kind == LOC_REG) from = ra_reg(from.n, ARMJIT_INT);
      else if (from.kind == LOC_STACK) from = ra_stack(from.n, ARMJIT_INT);
    }
    switch (l.kind) {
    case ABI_CORE: dst[m] = ra_reg(l.reg, vt); break;
    case ABI_PAIR: dst[m] = ra_pair(l.reg); break;
    case ABI_VFP: dst[m] = ra_vreg(l.reg); break;
    default: dst[m] = ra_sreg(l.reg); break;
    }
    src[m++] = from;
  }
  mc_pmove(c, dst, src, m);
  for (uint32_t k = 0; k < a.n; k++) {
    abi_loc l = a.loc[k];
    uint8_t vt = mc_stype(mir_ref_type(c->fn, a.args[k]));
    if ((l.kind == ABI_CORE || l.kind == ABI_PAIR) && ra_type_is_float(vt))
      float_to_core(c, a.args[k], l.reg, vt == ARMJIT_FLOAT);
  }

  if (helper >= 0) {
    helper_call(c, (mc_helper)helper);
  } else if (!ind) {
    const mir_sym *s = &c->m->syms[op->sym];
    if (s->kind == MIR_SYM_FUNC) {
      /* a raw callee's d14/d15 clobbers: the prologue saves them */
      if (s->fn->raw && (s->fn->raw->clobbers & (ARMJIT_RAW_CLOBBER_D(14) | ARMJIT_RAW_CLOBBER_D(15))))
        mc_vscratch(c, 0);
      mc_mod_call(c->mm, c->b, c->sym, (uint32_t)op->sym);
    } else {
      a32_mov_sym_abs(c->b, A32_AL, MC_T0, mc_mod_sym(c->mm, (uint32_t)op->sym), 0);
      a32_blx(c->b, A32_AL, MC_T0);
    }
  } else {
    if (push_hid) a32_pop(c->b, A32_AL, (uint16_t)ARM_BIT(A32_IP));
    if (push_fn) a32_pop(c->b, A32_AL, (uint16_t)ARM_BIT(A32_LR));
    if (hid != MIR_NONE && !push_hid) {
      a32_reg r = mc_word(c, hid, 0, MC_T0);
      if (r != MC_T0) a32_dp(c->b, A32_AL, A32_MOV, false, MC_T0, 0, a32_r(r));
    }
    a32_reg target = MC_T1;
    if (!push_fn) {
      ra_loc fl = mc_loc(c, fnp);
      if (fl.kind == LOC_REG) target = (a32_reg)fl.n; /* r4-r9: no move wrote it */
      else (void)mc_word(c, fnp, 0, MC_T1);
    }
    a32_blx(c->b, A32_AL, target);
  }
  take_result(c, op, c->abi, helper >= 0);
out:
  if (dst != sd) ajx_free(c->ctx, dst);
  if (src != ss) ajx_free(c->ctx, src);
  args_free(c, &a);
}

void mc_lower_call(mc_fn *c, const mir_op *op) { emit_call(c, op); }

void mc_lower_helper(mc_fn *c, const mir_op *op, mc_helper h) {
  (void)h;
  emit_call(c, op);
}
