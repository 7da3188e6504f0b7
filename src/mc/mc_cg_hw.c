/* SPDX-License-Identifier: MIT */
/* Lowering of the hardware intrinsics (armjit/mc_ops.h, docs/mir.md
 * "intrinsics"): each is one instruction or a short fixed sequence, with
 * its operands and result through mc_word / mc_dst like every other op.
 * The immediates are architecture encodings (mir_hw.c checked them).
 *
 *   bit_test a, n      ldr ip, [a] ; lsr ip, ip, #n ; and r, ip, #1
 *   mrc 15,0,1,0,2     mrc p15, 0, r, c1, c0, 2
 *   mrs spsr           mrs r, spsr
 *   msr cpsr_fc, v     msr cpsr_fc, v
 *   cpsid if           cpsid if
 *   cps_mode svc       cps #0x13
 *   vmrs fpexc         vmrs r, fpexc
 *   dmb ish            dmb ish
 *   get_lr             ldr r, [fp, #lr slot]   (the return address; naked: mov r, lr)
 *   get_pc             sub r, pc, #8            (this instruction's address)
 *   set_reg 3, v       mov r3, v                (naked functions)
 *   halt               b .
 *   jump_to p          bx p
 *   exc_return 4, p    subs pc, p, #4           (CPSR = SPSR) */
#include "mc/mc_cg.h"

#define A(k) (mir_args(c->fn, op)[k])

uint32_t mc_op_clobbers(const mc_fn *c, const mir_op *op, uint32_t *dregs) {
  *dregs = 0;
  if (op->opc == ARMJIT_MOP_SET_REG) return ARM_BIT(op->imm[0]);
  if (op->opc != ARMJIT_MOP_CALL || !c->m->syms[op->sym].fn || !c->m->syms[op->sym].fn->raw)
    return 0;
  uint32_t cl = c->m->syms[op->sym].fn->raw->clobbers;
  *dregs = (cl >> 16) << 8; /* ARMJIT_RAW_CLOBBER_D(8) is bit 16 */
  return cl & 0xffffu;
}

/* Word result r of op from register src (a mov unless it is already there). */
static void result_from(mc_fn *c, const mir_op *op, a32_reg src) {
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  if (d != src) a32_dp(c->b, A32_AL, A32_MOV, false, d, 0, a32_r(src));
  mc_done(c, op->result, 0, d, MC_T1);
}

static void lower_bit_test(mc_fn *c, const mir_op *op) {
  a32_reg a = mc_word(c, A(0), 0, MC_T0);
  a32_ldst(c->b, A32_AL, A32_LDR, MC_T0, a32_mem_imm(a, 0));
  if (MIR_IS_CONST(A(1))) {
    unsigned n = (unsigned)mc_konst(c, A(1))->bits & 31;
    if (n) a32_shift_imm(c->b, A32_AL, A32_LSR, false, MC_T0, MC_T0, n);
  } else {
    a32_reg n = mc_word(c, A(1), 0, MC_T1);
    a32_dp(c->b, A32_AL, A32_AND, false, MC_T1, n, a32_imm(31));
    a32_shift_reg(c->b, A32_AL, A32_LSR, false, MC_T0, MC_T0, MC_T1);
  }
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_dp(c->b, A32_AL, A32_AND, false, d, MC_T0, a32_imm(1));
  mc_done(c, op->result, 0, d, MC_T1);
}

/* The return address: where lr was saved (normal: the frame record's
 * [fp, #4]; interrupt: its slot of the push), or lr itself (naked). */
static void lower_get_lr(mc_fn *c, const mir_op *op) {
  if (c->kind == ARMJIT_FK_NAKED) {
    result_from(c, op, A32_LR);
    return;
  }
  int32_t off = 4 * __builtin_popcount(c->push_mask & (ARM_BIT(A32_LR) - 1)) - (int32_t)c->fp_off;
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_ldst(c->b, A32_AL, A32_LDR, d, a32_mem_imm(A32_FP, off));
  mc_done(c, op->result, 0, d, MC_T1);
}

static void lower_get_reg(mc_fn *c, const mir_op *op, unsigned n) {
  if (n == A32_PC) { /* sub r, pc, #8: this instruction's address */
    a32_reg d = mc_dst(c, op->result, 0, MC_T0);
    a32_dp(c->b, A32_AL, A32_SUB, false, d, A32_PC, a32_imm(8));
    mc_done(c, op->result, 0, d, MC_T1);
    return;
  }
  result_from(c, op, (a32_reg)n);
}

static void set_reg(mc_fn *c, const mir_op *op, unsigned n) {
  a32_reg v = mc_word(c, A(0), 0, n == MC_T0 ? MC_T1 : MC_T0);
  if (v != (a32_reg)n) a32_dp(c->b, A32_AL, A32_MOV, false, (a32_reg)n, 0, a32_r(v));
}

void mc_lower_hw(mc_fn *c, const mir_op *op) {
  const int32_t *im = op->imm;
  switch (op->opc) {
  case ARMJIT_MOP_BIT_TEST: lower_bit_test(c, op); break;
  case ARMJIT_MOP_MRC: {
    a32_reg d = mc_dst(c, op->result, 0, MC_T0);
    a32_mrc(c->b, A32_AL, (unsigned)im[0], (unsigned)im[1], d, (unsigned)im[2], (unsigned)im[3],
            (unsigned)im[4]);
    mc_done(c, op->result, 0, d, MC_T1);
    break;
  }
  case ARMJIT_MOP_MCR: {
    a32_reg v = mc_word(c, A(0), 0, MC_T0);
    a32_mcr(c->b, A32_AL, (unsigned)im[0], (unsigned)im[1], v, (unsigned)im[2], (unsigned)im[3],
            (unsigned)im[4]);
    break;
  }
  case ARMJIT_MOP_MRS: {
    a32_reg d = mc_dst(c, op->result, 0, MC_T0);
    a32_mrs(c->b, A32_AL, d, im[0] & ARMJIT_PSR_SPSR ? A32_SPSR : A32_CPSR);
    mc_done(c, op->result, 0, d, MC_T1);
    break;
  }
  case ARMJIT_MOP_MSR: {
    a32_reg v = mc_word(c, A(0), 0, MC_T0);
    unsigned mask = (unsigned)im[0] & 15;
    a32_msr(c->b, A32_AL, im[0] & ARMJIT_PSR_SPSR ? A32_SPSR : A32_CPSR, mask, v);
    break;
  }
  case ARMJIT_MOP_CPSIE: a32_cps(c->b, A32_CPS_IE, (unsigned)im[0], A32_MODE_KEEP); break;
  case ARMJIT_MOP_CPSID: a32_cps(c->b, A32_CPS_ID, (unsigned)im[0], A32_MODE_KEEP); break;
  case ARMJIT_MOP_CPS_MODE: a32_cps(c->b, A32_CPS_NONE, 0, (unsigned)im[0]); break;
  case ARMJIT_MOP_VMRS: {
    a32_reg d = mc_dst(c, op->result, 0, MC_T0);
    a32_vmrs(c->b, A32_AL, d, (a32_vfp_sysreg)im[0]);
    mc_done(c, op->result, 0, d, MC_T1);
    break;
  }
  case ARMJIT_MOP_VMSR:
    a32_vmsr(c->b, A32_AL, (a32_vfp_sysreg)im[0], mc_word(c, A(0), 0, MC_T0));
    break;
  case ARMJIT_MOP_DMB: a32_dmb(c->b, (unsigned)im[0]); break;
  case ARMJIT_MOP_DSB: a32_dsb(c->b, (unsigned)im[0]); break;
  case ARMJIT_MOP_ISB: a32_isb(c->b, (unsigned)im[0]); break;
  case ARMJIT_MOP_NOP: a32_nop(c->b, A32_AL); break;
  case ARMJIT_MOP_WFE: a32_hint(c->b, A32_AL, A32_HINT_WFE); break;
  case ARMJIT_MOP_WFI: a32_hint(c->b, A32_AL, A32_HINT_WFI); break;
  case ARMJIT_MOP_SEV: a32_hint(c->b, A32_AL, A32_HINT_SEV); break;
  case ARMJIT_MOP_SVC: a32_svc(c->b, A32_AL, (uint32_t)im[0]); break;
  case ARMJIT_MOP_BKPT: a32_bkpt(c->b, (uint32_t)im[0]); break;
  case ARMJIT_MOP_UDF: a32_udf(c->b, (uint32_t)im[0]); break;
  case ARMJIT_MOP_RAW: a32_word(c->b, (uint32_t)im[0]); break; /* the user's word */
  case ARMJIT_MOP_GET_SP: result_from(c, op, A32_SP); break;
  case ARMJIT_MOP_GET_FP: result_from(c, op, A32_FP); break;
  case ARMJIT_MOP_GET_LR: lower_get_lr(c, op); break;
  case ARMJIT_MOP_GET_PC: lower_get_reg(c, op, A32_PC); break;
  case ARMJIT_MOP_GET_REG: lower_get_reg(c, op, (unsigned)im[0]); break;
  case ARMJIT_MOP_SET_SP: set_reg(c, op, A32_SP); break;
  case ARMJIT_MOP_SET_FP: set_reg(c, op, A32_FP); break;
  case ARMJIT_MOP_SET_LR: set_reg(c, op, A32_LR); break;
  case ARMJIT_MOP_SET_REG: set_reg(c, op, (unsigned)im[0]); break;
  case ARMJIT_MOP_HALT: a32_b_rel(c->b, A32_AL, false, 0); break;
  case ARMJIT_MOP_JUMP_TO: a32_bx(c->b, A32_AL, mc_word(c, A(0), 0, MC_T0)); break;
  case ARMJIT_MOP_EXC_RETURN:
    a32_subs_pc(c->b, A32_AL, mc_word(c, A(0), 0, MC_T0), (uint32_t)im[0]);
    break;
  default:
    mc_fail(c, ARMJIT_E_INVALID, "op %s has no lowering (internal)", mir_info(op->opc)->name);
    break;
  }
}
