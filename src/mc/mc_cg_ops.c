/* SPDX-License-Identifier: MIT */
/* Lowering of the value ops of the method IR (docs/mir.md), one function
 * per family.  Operands come through mc_word / mc_freg (their home
 * register, or loaded into the scratch register named), results through
 * mc_dst / mc_fdst and mc_done / mc_fdone (mc_emit.c).  A result may share
 * the register of an operand that dies at the op, so every sequence reads
 * an operand before the instruction that could overwrite it; i64 pairs are
 * aligned (rN:rN+1, N even), so two pairs are equal or disjoint.
 *
 * Representative sequences (operands in registers):
 *   add.i64    adds rl, al, bl ; adc rh, ah, bh
 *   mul.i64    mul r10, al, bh ; mla r10, ah, bl, r10 ; umull ip, lr, al, bl ; add rh, lr, r10
 *   shl.i32    and lr, b, #31 ; lsl r, a, lr          (count & 31)
 *   srem.i32   sdiv r10, a, b ; mls r, r10, b, a     (SDIV: x/0 = 0, MIN/-1 = MIN)
 *   icmp.slt   cmp a, b ; mov r, #0 ; movlt r, #1
 *   icmp.slt (i64)  cmp al, bl ; sbcs ip, ah, bh ; ... lt
 *   fcmp.one   vcmp.f64 a, b ; vmrs APSR_nzcv, fpscr ; mov r, #0 ; movmi r, #1 ; movgt r, #1
 *   fptosi.i32 vcvt.s32.f64 s30, d ; vmov r, s30     (VCVT saturates, NaN -> 0)
 *   select     cmp c, #0 ; mov r, b ; movne r, a
 *   load.u16 p, i, 1, 8   add ip, p, i, lsl #1 ; ldrh r, [ip, #8]
 *   check_index i, n      cmp i, n ; blhs trap_stub */
#include "mc/mc_cg.h"

#define A(k) (mir_args(c->fn, op)[k])

/* r10 when the frame is far (it is then saved), else none: the spare
 * register of frame accesses beyond the immediate reach. */
static int spare(const mc_fn *c) { return c->t2 ? MC_T2 : -1; }

static bool is64(const mc_fn *c, mir_ref r) { return mir_ref_type(c->fn, r) == ARMJIT_T_I64; }

/* The flexible operand for word `half` of y: an immediate when it
 * encodes (inverse opcodes allowed when `inverse`), else a register. */
static a32_operand op2_of(mc_fn *c, mir_ref y, int half, a32_dp_op *op, bool inverse, a32_reg tmp) {
  if (MIR_IS_CONST(y)) {
    const mir_const *k = mc_konst(c, y);
    uint32_t w = half ? (uint32_t)(k->bits >> 32) : (uint32_t)k->bits;
    if (a32_modimm(w) >= 0) return a32_imm(w);
    a32_dp_op inv = *op;
    if (inverse && a32_modimm_inverse(&inv, &w)) {
      *op = inv;
      return a32_imm(w);
    }
  }
  return a32_r(mc_word(c, y, half, tmp));
}

/* ---- integers ------------------------------------------------------------------ */
static void dp2(mc_fn *c, const mir_op *op, a32_dp_op dop) {
  a32_reg a = mc_word(c, A(0), 0, MC_T0);
  a32_operand o = op2_of(c, A(1), 0, &dop, true, MC_T1);
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_dp(c->b, A32_AL, dop, false, d, a, o);
  mc_done(c, op->result, 0, d, spare(c));
}

/* add/sub/and/or/xor on i64, word by word (the carry flows through adds/adc). */
static void dp2_64(mc_fn *c, const mir_op *op, a32_dp_op lo, a32_dp_op hi, bool s) {
  for (int h = 0; h < 2; h++) {
    a32_dp_op dop = h ? hi : lo;
    a32_reg a = mc_word(c, A(0), h, MC_T0);
    a32_operand o = op2_of(c, A(1), h, &dop, false, MC_T1);
    a32_reg d = mc_dst(c, op->result, h, MC_T0);
    a32_dp(c->b, A32_AL, dop, s && !h, d, a, o);
    mc_done(c, op->result, h, d, spare(c));
  }
}

static void lower_mul(mc_fn *c, const mir_op *op) {
  if (op->sub != ARMJIT_T_I64) {
    a32_reg a = mc_word(c, A(0), 0, MC_T0), b = mc_word(c, A(1), 0, MC_T1);
    a32_reg d = mc_dst(c, op->result, 0, MC_T0);
    a32_mul(c->b, A32_AL, A32_MUL, false, d, a, b, 0);
    mc_done(c, op->result, 0, d, spare(c));
    return;
  }
  /* lo*lo as 64 bits plus the two cross products in the high word */
  a32_reg a = mc_word(c, A(0), 0, MC_T0), b = mc_word(c, A(1), 1, MC_T1);
  a32_mul(c->b, A32_AL, A32_MUL, false, MC_T2, a, b, 0);
  a = mc_word(c, A(0), 1, MC_T0);
  b = mc_word(c, A(1), 0, MC_T1);
  a32_mul(c->b, A32_AL, A32_MLA, false, MC_T2, a, b, MC_T2);
  a = mc_word(c, A(0), 0, MC_T0);
  b = mc_word(c, A(1), 0, MC_T1);
  a32_mul(c->b, A32_AL, A32_UMULL, false, MC_T0, a, b, MC_T1);
  a32_dp(c->b, A32_AL, A32_ADD, false, MC_T1, MC_T1, a32_r(MC_T2));
  for (int h = 0; h < 2; h++) {
    a32_reg t = h ? MC_T1 : MC_T0;
    a32_reg d = mc_dst(c, op->result, h, t);
    if (d != t) a32_dp(c->b, A32_AL, A32_MOV, false, d, 0, a32_r(t));
    mc_done(c, op->result, h, d, MC_T2);
  }
}

static a32_shift shift_kind(unsigned opc) {
  return opc == ARMJIT_MOP_SHL ? A32_LSL : opc == ARMJIT_MOP_SHR ? A32_ASR : A32_LSR;
}

static void mov_shift(mc_fn *c, a32_reg d, a32_reg a, a32_shift sh, unsigned k) {
  if (k == 0) {
    if (d != a) a32_dp(c->b, A32_AL, A32_MOV, false, d, 0, a32_r(a));
  } else {
    a32_shift_imm(c->b, A32_AL, sh, false, d, a, k);
  }
}

static void lower_shift32(mc_fn *c, const mir_op *op) {
  a32_shift sh = shift_kind(op->opc);
  a32_reg a = mc_word(c, A(0), 0, MC_T0);
  if (MIR_IS_CONST(A(1))) {
    unsigned k = (unsigned)mc_konst(c, A(1))->bits & 31u;
    a32_reg d = mc_dst(c, op->result, 0, MC_T0);
    mov_shift(c, d, a, sh, k);
    mc_done(c, op->result, 0, d, spare(c));
    return;
  }
  a32_reg n = mc_word(c, A(1), 0, MC_T1);
  a32_dp(c->b, A32_AL, A32_AND, false, MC_T1, n, a32_imm(31));
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_shift_reg(c->b, A32_AL, sh, false, d, a, MC_T1);
  mc_done(c, op->result, 0, d, spare(c));
}

/* i64 shift by a constant k (0..63); variable counts call a helper. */
static void lower_shift64(mc_fn *c, const mir_op *op) {
  unsigned k = (unsigned)mc_konst(c, A(1))->bits & 63u;
  mir_ref x = A(0), v = op->result;
  if (k == 0) {
    for (int h = 0; h < 2; h++) {
      a32_reg a = mc_word(c, x, h, MC_T0), d = mc_dst(c, v, h, MC_T0);
      if (d != a) a32_dp(c->b, A32_AL, A32_MOV, false, d, 0, a32_r(a));
      mc_done(c, v, h, d, MC_T2);
    }
    return;
  }
  unsigned op_ = op->opc;
  if (k < 32) {
    if (op_ == ARMJIT_MOP_SHL) {
      /* hi' = hi << k | lo >> (32-k) (r10);  lo' = lo << k */
      a32_reg hr = mc_word(c, x, 1, MC_T1);
      a32_shift_imm(c->b, A32_AL, A32_LSL, false, MC_T2, hr, k);
      a32_reg lr_ = mc_word(c, x, 0, MC_T0);
      a32_dp(c->b, A32_AL, A32_ORR, false, MC_T2, MC_T2, a32_rsi(lr_, A32_LSR, 32 - k));
      a32_reg dl = mc_dst(c, v, 0, MC_T0);
      a32_shift_imm(c->b, A32_AL, A32_LSL, false, dl, lr_, k);
      mc_done(c, v, 0, dl, MC_T1);
      a32_reg dh = mc_dst(c, v, 1, MC_T2);
      if (dh != MC_T2) a32_dp(c->b, A32_AL, A32_MOV, false, dh, 0, a32_r(MC_T2));
      mc_done(c, v, 1, dh, MC_T1);
    } else {
      /* lo' = lo >> k | hi << (32-k) (r10);  hi' = hi >>(s/u) k */
      a32_reg lr_ = mc_word(c, x, 0, MC_T0);
      a32_shift_imm(c->b, A32_AL, A32_LSR, false, MC_T2, lr_, k);
      a32_reg hr = mc_word(c, x, 1, MC_T1);
      a32_dp(c->b, A32_AL, A32_ORR, false, MC_T2, MC_T2, a32_rsi(hr, A32_LSL, 32 - k));
      a32_reg dh = mc_dst(c, v, 1, MC_T1);
      a32_shift_imm(c->b, A32_AL, op_ == ARMJIT_MOP_SHR ? A32_ASR : A32_LSR, false, dh, hr, k);
      mc_done(c, v, 1, dh, MC_T0);
      a32_reg dl = mc_dst(c, v, 0, MC_T2);
      if (dl != MC_T2) a32_dp(c->b, A32_AL, A32_MOV, false, dl, 0, a32_r(MC_T2));
      mc_done(c, v, 0, dl, MC_T0);
    }
    return;
  }
  k -= 32;
  if (op_ == ARMJIT_MOP_SHL) { /* hi' = lo << k, lo' = 0 */
    a32_reg lr_ = mc_word(c, x, 0, MC_T0);
    a32_reg dh = mc_dst(c, v, 1, MC_T1);
    mov_shift(c, dh, lr_, A32_LSL, k);
    mc_done(c, v, 1, dh, MC_T2);
    a32_reg dl = mc_dst(c, v, 0, MC_T0);
    a32_mov_imm32(c->b, A32_AL, dl, 0);
    mc_done(c, v, 0, dl, MC_T2);
  } else { /* lo' = hi >> k, hi' = 0 or the sign */
    bool s = op_ == ARMJIT_MOP_SHR;
    a32_reg hr = mc_word(c, x, 1, MC_T1);
    a32_reg dl = mc_dst(c, v, 0, MC_T0);
    mov_shift(c, dl, hr, s ? A32_ASR : A32_LSR, k);
    mc_done(c, v, 0, dl, MC_T2);
    a32_reg dh = mc_dst(c, v, 1, MC_T1);
    if (s) a32_shift_imm(c->b, A32_AL, A32_ASR, false, dh, hr, 31);
    else a32_mov_imm32(c->b, A32_AL, dh, 0);
    mc_done(c, v, 1, dh, MC_T2);
  }
}

/* i32 division with SDIV/UDIV (total: the instructions give x/0 = 0 and
 * MIN/-1 = MIN; x%0 = x - 0 and MIN%-1 = 0 follow from MLS). */
static void lower_div32(mc_fn *c, const mir_op *op) {
  bool s = op->opc == ARMJIT_MOP_SDIV || op->opc == ARMJIT_MOP_SREM;
  bool rem = op->opc == ARMJIT_MOP_SREM || op->opc == ARMJIT_MOP_UREM;
  a32_reg a = mc_word(c, A(0), 0, MC_T0), b = mc_word(c, A(1), 0, MC_T1);
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_reg q = rem ? MC_T2 : d;
  if (s) a32_sdiv(c->b, A32_AL, q, a, b);
  else a32_udiv(c->b, A32_AL, q, a, b);
  if (rem) a32_mul(c->b, A32_AL, A32_MLS, false, d, q, b, a);
  mc_done(c, op->result, 0, d, rem ? (int)MC_T1 : spare(c));
}

static void lower_unary_int(mc_fn *c, const mir_op *op) {
  bool neg = op->opc == ARMJIT_MOP_NEG;
  int words = op->sub == ARMJIT_T_I64 ? 2 : 1;
  for (int h = 0; h < words; h++) {
    a32_reg a = mc_word(c, A(0), h, MC_T0);
    a32_reg d = mc_dst(c, op->result, h, MC_T0);
    if (neg) a32_dp(c->b, A32_AL, h ? A32_RSC : A32_RSB, words == 2 && !h, d, a, a32_imm(0));
    else a32_dp(c->b, A32_AL, A32_MVN, false, d, 0, a32_r(a));
    mc_done(c, op->result, h, d, spare(c));
  }
}

/* ---- compares -------------------------------------------------------------------- */
static const a32_cond icc_cond[ARMJIT_ICC__COUNT] = {
    [ARMJIT_ICC_EQ] = A32_EQ,  [ARMJIT_ICC_NE] = A32_NE,  [ARMJIT_ICC_SLT] = A32_LT,
    [ARMJIT_ICC_SLE] = A32_LE, [ARMJIT_ICC_SGT] = A32_GT, [ARMJIT_ICC_SGE] = A32_GE,
    [ARMJIT_ICC_ULT] = A32_LO, [ARMJIT_ICC_ULE] = A32_LS, [ARMJIT_ICC_UGT] = A32_HI,
    [ARMJIT_ICC_UGE] = A32_HS};

/* After VCMP; VMRS (ARM ARM A8.3 and the VCMP flag table: equal ZC,
 * less N, greater C, unordered CV): the conditions true for each
 * predicate, a second one where one is not enough. */
static const a32_cond fcc_cond[ARMJIT_FCC__COUNT][2] = {
    [ARMJIT_FCC_OEQ] = {A32_EQ, A32_AL}, [ARMJIT_FCC_ONE] = {A32_MI, A32_GT},
    [ARMJIT_FCC_OLT] = {A32_MI, A32_AL}, [ARMJIT_FCC_OLE] = {A32_LS, A32_AL},
    [ARMJIT_FCC_OGT] = {A32_GT, A32_AL}, [ARMJIT_FCC_OGE] = {A32_GE, A32_AL},
    [ARMJIT_FCC_ORD] = {A32_VC, A32_AL}, [ARMJIT_FCC_UEQ] = {A32_EQ, A32_VS},
    [ARMJIT_FCC_UNE] = {A32_NE, A32_AL}, [ARMJIT_FCC_ULT] = {A32_LT, A32_AL},
    [ARMJIT_FCC_ULE] = {A32_LE, A32_AL}, [ARMJIT_FCC_UGT] = {A32_HI, A32_AL},
    [ARMJIT_FCC_UGE] = {A32_PL, A32_AL}, [ARMJIT_FCC_UNO] = {A32_VS, A32_AL}};

void mc_compare_flags(mc_fn *c, const mir_op *op, a32_cond *cc, a32_cond *cc2) {
  *cc2 = A32_AL;
  mir_ref x = A(0), y = A(1);
  if (op->opc == ARMJIT_MOP_FCMP) {
    bool dbl = mir_ref_type(c->fn, x) == ARMJIT_T_F64;
    unsigned a = mc_freg(c, x, dbl ? MC_D0 : MC_S0, MC_T0);
    unsigned b = mc_freg(c, y, dbl ? MC_D1 : MC_S1, MC_T0);
    a32_vfp(c->b, A32_AL, A32_VCMP, dbl, a, 0, b);
    a32_vmrs_apsr(c->b, A32_AL);
    *cc = fcc_cond[op->sub][0];
    *cc2 = fcc_cond[op->sub][1];
    return;
  }
  unsigned icc = op->sub;
  if (!is64(c, x)) {
    a32_reg a = mc_word(c, x, 0, MC_T0);
    a32_dp_op dop = A32_CMP;
    a32_operand o = op2_of(c, y, 0, &dop, true, MC_T1);
    a32_dp(c->b, A32_AL, dop, true, 0, a, o);
    *cc = icc_cond[icc];
    return;
  }
  if (icc == ARMJIT_ICC_EQ || icc == ARMJIT_ICC_NE) {
    for (int h = 0; h < 2; h++) {
      a32_dp_op dop = A32_CMP;
      a32_reg a = mc_word(c, x, h, MC_T0);
      a32_operand o = op2_of(c, y, h, &dop, false, MC_T1);
      a32_dp(c->b, h ? A32_EQ : A32_AL, dop, true, 0, a, o);
    }
    *cc = icc_cond[icc];
    return;
  }
  /* ordered: lo with cmp, hi with sbcs: the flags of x - y as 64 bits
   * (N, V right; Z not).  gt / le swap the operands. */
  bool swap = icc == ARMJIT_ICC_SGT || icc == ARMJIT_ICC_SLE || icc == ARMJIT_ICC_UGT ||
              icc == ARMJIT_ICC_ULE;
  mir_ref p = swap ? y : x, q = swap ? x : y;
  for (int h = 0; h < 2; h++) {
    a32_dp_op dop = h ? A32_SBC : A32_CMP;
    a32_reg a = mc_word(c, p, h, MC_T0);
    a32_operand o = op2_of(c, q, h, &dop, false, MC_T1);
    a32_dp(c->b, A32_AL, dop, true, MC_T0, a, o);
  }
  switch (icc) {
  case ARMJIT_ICC_SLT: case ARMJIT_ICC_SGT: *cc = A32_LT; break;
  case ARMJIT_ICC_SGE: case ARMJIT_ICC_SLE: *cc = A32_GE; break;
  case ARMJIT_ICC_ULT: case ARMJIT_ICC_UGT: *cc = A32_LO; break;
  default: *cc = A32_HS; break;
  }
}

static void lower_cmp(mc_fn *c, const mir_op *op) {
  a32_cond cc, cc2;
  mc_compare_flags(c, op, &cc, &cc2);
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_dp(c->b, A32_AL, A32_MOV, false, d, 0, a32_imm(0));
  a32_dp(c->b, cc, A32_MOV, false, d, 0, a32_imm(1));
  if (cc2 != A32_AL) a32_dp(c->b, cc2, A32_MOV, false, d, 0, a32_imm(1));
  mc_done(c, op->result, 0, d, spare(c));
}

static void lower_select(mc_fn *c, const mir_op *op) {
  a32_reg cr = mc_word(c, A(0), 0, MC_T0);
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, cr, a32_imm(0));
  unsigned t = op->sub;
  if (t == ARMJIT_T_F32 || t == ARMJIT_T_F64) {
    bool dbl = t == ARMJIT_T_F64;
    unsigned a = mc_freg(c, A(1), dbl ? MC_D0 : MC_S0, MC_T0);
    unsigned b = mc_freg(c, A(2), dbl ? MC_D1 : MC_S1, MC_T0);
    unsigned d = mc_fdst(c, op->result, dbl ? MC_D0 : MC_S0);
    if (d == a) {
      a32_vfp(c->b, A32_EQ, A32_VMOV, dbl, d, 0, b);
    } else if (d == b) {
      a32_vfp(c->b, A32_NE, A32_VMOV, dbl, d, 0, a);
    } else {
      a32_vfp(c->b, A32_AL, A32_VMOV, dbl, d, 0, b);
      a32_vfp(c->b, A32_NE, A32_VMOV, dbl, d, 0, a);
    }
    mc_fdone(c, op->result, d, MC_T0);
    return;
  }
  int words = t == ARMJIT_T_I64 ? 2 : 1;
  for (int h = 0; h < words; h++) {
    a32_reg a = mc_word(c, A(1), h, MC_T0), b = mc_word(c, A(2), h, MC_T1);
    a32_reg d = mc_dst(c, op->result, h, MC_T0);
    if (d == a) {
      a32_dp(c->b, A32_EQ, A32_MOV, false, d, 0, a32_r(b));
    } else if (d == b) {
      a32_dp(c->b, A32_NE, A32_MOV, false, d, 0, a32_r(a));
    } else {
      a32_dp(c->b, A32_AL, A32_MOV, false, d, 0, a32_r(b));
      a32_dp(c->b, A32_NE, A32_MOV, false, d, 0, a32_r(a));
    }
    mc_done(c, op->result, h, d, spare(c));
  }
}

/* ---- floats ------------------------------------------------------------------------ */
static void lower_fbin(mc_fn *c, const mir_op *op, a32_vfp_op vop) {
  bool dbl = op->sub == ARMJIT_T_F64;
  unsigned a = mc_freg(c, A(0), dbl ? MC_D0 : MC_S0, MC_T0);
  unsigned b = mc_freg(c, A(1), dbl ? MC_D1 : MC_S1, MC_T0);
  unsigned d = mc_fdst(c, op->result, dbl ? MC_D0 : MC_S0);
  a32_vfp(c->b, A32_AL, vop, dbl, d, a, b);
  mc_fdone(c, op->result, d, MC_T0);
}

static void lower_funary(mc_fn *c, const mir_op *op, a32_vfp_op vop) {
  bool dbl = op->sub == ARMJIT_T_F64;
  unsigned a = mc_freg(c, A(0), dbl ? MC_D0 : MC_S0, MC_T0);
  unsigned d = mc_fdst(c, op->result, dbl ? MC_D0 : MC_S0);
  a32_vfp(c->b, A32_AL, vop, dbl, d, 0, a);
  mc_fdone(c, op->result, d, MC_T0);
}

/* ---- conversions ------------------------------------------------------------------- */
static void copy_word(mc_fn *c, const mir_op *op, int half) {
  a32_reg a = mc_word(c, A(0), half, MC_T0);
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  if (d != a) a32_dp(c->b, A32_AL, A32_MOV, false, d, 0, a32_r(a));
  mc_done(c, op->result, 0, d, spare(c));
}

static void lower_extend(mc_fn *c, const mir_op *op, a32_extend_op e) {
  a32_reg a = mc_word(c, A(0), 0, MC_T0);
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_extend(c->b, A32_AL, e, d, 0, a, 0);
  mc_done(c, op->result, 0, d, spare(c));
}

/* sext_i64 / zext_i64: the low word, then the high word from it. */
static void lower_to64(mc_fn *c, const mir_op *op, bool sign) {
  a32_reg a = mc_word(c, A(0), 0, MC_T0);
  a32_reg dl = mc_dst(c, op->result, 0, MC_T0);
  if (dl != a) a32_dp(c->b, A32_AL, A32_MOV, false, dl, 0, a32_r(a));
  mc_done(c, op->result, 0, dl, MC_T1);
  a32_reg dh = mc_dst(c, op->result, 1, MC_T1);
  if (sign) a32_shift_imm(c->b, A32_AL, A32_ASR, false, dh, dl, 31);
  else a32_mov_imm32(c->b, A32_AL, dh, 0);
  mc_done(c, op->result, 1, dh, MC_T0);
}

static void lower_itof(mc_fn *c, const mir_op *op) {
  bool s = op->opc == ARMJIT_MOP_SITOFP, dbl = op->sub == ARMJIT_T_F64;
  a32_reg a = mc_word(c, A(0), 0, MC_T0);
  a32_vmov_core_to_s(c->b, A32_AL, mc_vscratch(c, MC_S0), a);
  unsigned d = mc_fdst(c, op->result, dbl ? MC_D1 : MC_S1);
  a32_cvt_op cv = dbl ? (s ? A32_CVT_F64_S32 : A32_CVT_F64_U32) : (s ? A32_CVT_F32_S32 : A32_CVT_F32_U32);
  a32_vcvt(c->b, A32_AL, cv, d, MC_S0);
  mc_fdone(c, op->result, d, MC_T0);
}

static void lower_ftoi(mc_fn *c, const mir_op *op) {
  bool s = op->opc == ARMJIT_MOP_FPTOSI;
  bool dbl = mir_ref_type(c->fn, A(0)) == ARMJIT_T_F64;
  unsigned a = mc_freg(c, A(0), dbl ? MC_D1 : MC_S1, MC_T0);
  a32_cvt_op cv = dbl ? (s ? A32_CVT_S32_F64 : A32_CVT_U32_F64) : (s ? A32_CVT_S32_F32 : A32_CVT_U32_F32);
  a32_vcvt(c->b, A32_AL, cv, mc_vscratch(c, MC_S0), a);
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  a32_vmov_s_to_core(c->b, A32_AL, d, MC_S0);
  mc_done(c, op->result, 0, d, spare(c));
}

static void lower_fconv(mc_fn *c, const mir_op *op, bool ext) {
  unsigned a = mc_freg(c, A(0), ext ? MC_S0 : MC_D0, MC_T0);
  unsigned d = mc_fdst(c, op->result, ext ? MC_D1 : MC_S1);
  a32_vcvt(c->b, A32_AL, ext ? A32_CVT_F64_F32 : A32_CVT_F32_F64, d, a);
  mc_fdone(c, op->result, d, MC_T0);
}

static void lower_bitcast(mc_fn *c, const mir_op *op) {
  switch (op->sub) {
  case ARMJIT_T_F32: {
    a32_reg a = mc_word(c, A(0), 0, MC_T0);
    unsigned d = mc_fdst(c, op->result, MC_S0);
    a32_vmov_core_to_s(c->b, A32_AL, d, a);
    mc_fdone(c, op->result, d, MC_T0);
    return;
  }
  case ARMJIT_T_I32: {
    unsigned a = mc_freg(c, A(0), MC_S0, MC_T0);
    a32_reg d = mc_dst(c, op->result, 0, MC_T0);
    a32_vmov_s_to_core(c->b, A32_AL, d, a);
    mc_done(c, op->result, 0, d, spare(c));
    return;
  }
  case ARMJIT_T_F64: {
    a32_reg lo = mc_word(c, A(0), 0, MC_T0), hi = mc_word(c, A(0), 1, MC_T1);
    unsigned d = mc_fdst(c, op->result, MC_D0);
    a32_vmov_core_to_d(c->b, A32_AL, d, lo, hi);
    mc_fdone(c, op->result, d, MC_T0);
    return;
  }
  default: {
    unsigned a = mc_freg(c, A(0), MC_D0, MC_T0);
    a32_reg lo = mc_dst(c, op->result, 0, MC_T0), hi = mc_dst(c, op->result, 1, MC_T1);
    a32_vmov_d_to_core(c->b, A32_AL, lo, hi, a);
    mc_done(c, op->result, 0, lo, MC_T2);
    mc_done(c, op->result, 1, hi, MC_T2);
    return;
  }
  }
}

/* ---- memory ------------------------------------------------------------------------- */
typedef struct {
  a32_ldst_op ld, st;
  int32_t reach;  /* immediate offsets -reach..reach */
  bool shifted;   /* register offset with a shift */
} memform;

static memform form_of(unsigned k) {
  switch (k) {
  case ARMJIT_MEM_S8: return (memform){A32_LDRSB, A32_STRB, 255, false};
  case ARMJIT_MEM_U8: return (memform){A32_LDRB, A32_STRB, 4095, true};
  case ARMJIT_MEM_S16: return (memform){A32_LDRSH, A32_STRH, 255, false};
  case ARMJIT_MEM_U16: return (memform){A32_LDRH, A32_STRH, 255, false};
  case ARMJIT_MEM_I64: return (memform){A32_LDR, A32_STR, 4091, false};
  case ARMJIT_MEM_F32:
  case ARMJIT_MEM_F64: return (memform){A32_LDR, A32_STR, 1020, false};
  default: return (memform){A32_LDR, A32_STR, 4095, true};
  }
}

/* The address of a load/store in *base + *off (ip holds it when it had to
 * be computed); lr is free afterwards. */
static void mem_address(mc_fn *c, const mir_op *op, memform f, bool fp, a32_reg *base,
                        int32_t *off) {
  int32_t o = op->imm[1];
  unsigned sh = (unsigned)op->imm[0];
  a32_reg b = mc_word(c, A(0), 0, MC_T0);
  bool has_index = op->opc == ARMJIT_MOP_LOAD ? op->nargs > 1 : op->nargs > 2;
  if (has_index && MIR_IS_CONST(A(1))) { /* a constant index folds into the offset */
    o = (int32_t)((uint32_t)o + ((uint32_t)mc_konst(c, A(1))->bits << sh));
    has_index = false;
  }
  if (has_index) {
    a32_reg i = mc_word(c, A(1), 0, MC_T1);
    a32_dp(c->b, A32_AL, A32_ADD, false, MC_T0, b, a32_rsi(i, A32_LSL, sh));
    b = MC_T0;
  }
  if (o < -f.reach || o > f.reach || (fp && o % 4)) {
    mc_add_imm(c, MC_T0, b, o, MC_T1);
    b = MC_T0;
    o = 0;
  }
  *base = b;
  *off = o;
}

static void lower_load(mc_fn *c, const mir_op *op) {
  unsigned k = op->sub;
  memform f = form_of(k);
  mir_ref v = op->result;
  if (k == ARMJIT_MEM_F32 || k == ARMJIT_MEM_F64) {
    a32_reg b;
    int32_t o;
    mem_address(c, op, f, true, &b, &o);
    bool dbl = k == ARMJIT_MEM_F64;
    unsigned d = mc_fdst(c, v, dbl ? MC_D0 : MC_S0);
    a32_vldr(c->b, A32_AL, dbl, d, b, o);
    mc_fdone(c, v, d, MC_T1);
    return;
  }
  if (f.shifted && op->nargs > 1 && !MIR_IS_CONST(A(1)) && op->imm[1] == 0) { /* ldr d, [b, i, lsl #s] */
    a32_reg b = mc_word(c, A(0), 0, MC_T0), i = mc_word(c, A(1), 0, MC_T1);
    a32_reg d = mc_dst(c, v, 0, MC_T0);
    a32_ldst(c->b, A32_AL, f.ld, d,
             a32_mem_reg(b, i, false, A32_LSL, (unsigned)op->imm[0], A32_IDX_OFFSET));
    mc_done(c, v, 0, d, MC_T1);
    return;
  }
  a32_reg b;
  int32_t o;
  mem_address(c, op, f, false, &b, &o);
  if (k != ARMJIT_MEM_I64) {
    a32_reg d = mc_dst(c, v, 0, MC_T0);
    a32_ldst(c->b, A32_AL, f.ld, d, a32_mem_imm(b, o));
    mc_done(c, v, 0, d, MC_T1);
    return;
  }
  if (c->home[v].kind == LOC_REG) {
    a32_reg dl = (a32_reg)c->home[v].n, dh = (a32_reg)(c->home[v].n + 1);
    if (dl == b && (op->flags & MIR_OP_VOLATILE)) { /* the word order is part of a volatile */
      a32_dp(c->b, A32_AL, A32_MOV, false, MC_T0, 0, a32_r(b)); /* access: the base to ip */
      b = MC_T0;
    }
    if (dl == b) { /* the base dies into the low word: load the high one first */
      a32_ldst(c->b, A32_AL, A32_LDR, dh, a32_mem_imm(b, o + 4));
      a32_ldst(c->b, A32_AL, A32_LDR, dl, a32_mem_imm(b, o));
    } else {
      a32_ldst(c->b, A32_AL, A32_LDR, dl, a32_mem_imm(b, o));
      a32_ldst(c->b, A32_AL, A32_LDR, dh, a32_mem_imm(b, o + 4));
    }
    return;
  }
  for (int h = 0; h < 2; h++) { /* into the slot word by word through lr */
    a32_ldst(c->b, A32_AL, A32_LDR, MC_T1, a32_mem_imm(b, o + 4 * h));
    mc_done(c, v, h, MC_T1, spare(c));
  }
}

static void lower_store(mc_fn *c, const mir_op *op) {
  unsigned k = op->sub;
  memform f = form_of(k);
  mir_ref val = A(op->nargs - 1);
  bool fp = k == ARMJIT_MEM_F32 || k == ARMJIT_MEM_F64;
  a32_reg b;
  int32_t o;
  mem_address(c, op, f, fp, &b, &o);
  if (fp) {
    bool dbl = k == ARMJIT_MEM_F64;
    unsigned r = mc_freg(c, val, dbl ? MC_D0 : MC_S0, MC_T1);
    a32_vstr(c->b, A32_AL, dbl, r, b, o);
    return;
  }
  int words = k == ARMJIT_MEM_I64 ? 2 : 1;
  for (int h = 0; h < words; h++) {
    a32_reg r = mc_word(c, val, h, MC_T1);
    a32_ldst(c->b, A32_AL, f.st, r, a32_mem_imm(b, o + 4 * h));
  }
}

static void lower_addr(mc_fn *c, const mir_op *op) {
  a32_reg d = mc_dst(c, op->result, 0, MC_T0);
  int32_t off = op->imm[0];
  uint32_t sym = (uint32_t)op->sym;
  a32_label l = mc_mod_label(c->mm, sym);
  if (l) { /* a function of the module, or data in a code section: its label */
    a32_mov_label_abs(c->b, A32_AL, d, l);
    mc_add_imm(c, d, d, off, d == MC_T1 ? MC_T0 : MC_T1);
  } else if (off >= -32768 && off <= 32767) {
    a32_mov_sym_abs(c->b, A32_AL, d, mc_mod_sym(c->mm, sym), off);
  } else {
    a32_mov_sym_abs(c->b, A32_AL, d, mc_mod_sym(c->mm, sym), 0);
    mc_add_imm(c, d, d, off, d == MC_T1 ? MC_T0 : MC_T1);
  }
  mc_done(c, op->result, 0, d, MC_T1);
}

/* ---- checks (the trap per trap mode: mc_exc.c) --------------------------------------------------------- */
static void lower_check(mc_fn *c, const mir_op *op) {
  a32_cond fail;
  switch (op->opc) {
  case ARMJIT_MOP_CHECK_INDEX: {
    a32_reg i = mc_word(c, A(0), 0, MC_T0);
    a32_dp_op dop = A32_CMP;
    a32_operand o = op2_of(c, A(1), 0, &dop, true, MC_T1);
    a32_dp(c->b, A32_AL, dop, true, 0, i, o);
    fail = A32_HS;
    break;
  }
  case ARMJIT_MOP_CHECK_NONZERO:
    if (is64(c, A(0))) {
      a32_reg lo = mc_word(c, A(0), 0, MC_T0), hi = mc_word(c, A(0), 1, MC_T1);
      a32_dp(c->b, A32_AL, A32_ORR, true, MC_T0, lo, a32_r(hi));
      fail = A32_EQ;
      break;
    }
    /* fall through */
  case ARMJIT_MOP_CHECK_NULL:
  case ARMJIT_MOP_TRAP_IF: {
    a32_reg r = mc_word(c, A(0), 0, MC_T0);
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, r, a32_imm(0));
    fail = op->opc == ARMJIT_MOP_TRAP_IF ? A32_NE : A32_EQ;
    break;
  }
  default: return;
  }
  mc_exc_trap_branch(c, fail, (uint32_t)op->imm[0]);
}

/* ---- the table ------------------------------------------------------------------------- */
void mc_lower_op(mc_fn *c, const mir_op *op) {
  bool i64 = op->sub == ARMJIT_T_I64;
  switch (op->opc) {
  case ARMJIT_MOP_ADD: i64 ? dp2_64(c, op, A32_ADD, A32_ADC, true) : dp2(c, op, A32_ADD); break;
  case ARMJIT_MOP_SUB: i64 ? dp2_64(c, op, A32_SUB, A32_SBC, true) : dp2(c, op, A32_SUB); break;
  case ARMJIT_MOP_AND: i64 ? dp2_64(c, op, A32_AND, A32_AND, false) : dp2(c, op, A32_AND); break;
  case ARMJIT_MOP_OR: i64 ? dp2_64(c, op, A32_ORR, A32_ORR, false) : dp2(c, op, A32_ORR); break;
  case ARMJIT_MOP_XOR: i64 ? dp2_64(c, op, A32_EOR, A32_EOR, false) : dp2(c, op, A32_EOR); break;
  case ARMJIT_MOP_PTR_ADD: dp2(c, op, A32_ADD); break;
  case ARMJIT_MOP_MUL: lower_mul(c, op); break;
  case ARMJIT_MOP_SHL:
  case ARMJIT_MOP_SHR:
  case ARMJIT_MOP_USHR: i64 ? lower_shift64(c, op) : lower_shift32(c, op); break;
  case ARMJIT_MOP_SDIV:
  case ARMJIT_MOP_SREM:
  case ARMJIT_MOP_UDIV:
  case ARMJIT_MOP_UREM: lower_div32(c, op); break;
  case ARMJIT_MOP_NEG:
  case ARMJIT_MOP_NOT: lower_unary_int(c, op); break;
  case ARMJIT_MOP_FADD: lower_fbin(c, op, A32_VADD); break;
  case ARMJIT_MOP_FSUB: lower_fbin(c, op, A32_VSUB); break;
  case ARMJIT_MOP_FMUL: lower_fbin(c, op, A32_VMUL); break;
  case ARMJIT_MOP_FDIV: lower_fbin(c, op, A32_VDIV); break;
  case ARMJIT_MOP_FNEG: lower_funary(c, op, A32_VNEG); break;
  case ARMJIT_MOP_FABS: lower_funary(c, op, A32_VABS); break;
  case ARMJIT_MOP_FSQRT: lower_funary(c, op, A32_VSQRT); break;
  case ARMJIT_MOP_SEXT8: lower_extend(c, op, A32_SXTB); break;
  case ARMJIT_MOP_SEXT16: lower_extend(c, op, A32_SXTH); break;
  case ARMJIT_MOP_ZEXT8: lower_extend(c, op, A32_UXTB); break;
  case ARMJIT_MOP_ZEXT16: lower_extend(c, op, A32_UXTH); break;
  case ARMJIT_MOP_SEXT_I64: lower_to64(c, op, true); break;
  case ARMJIT_MOP_ZEXT_I64: lower_to64(c, op, false); break;
  case ARMJIT_MOP_TRUNC_I32:
  case ARMJIT_MOP_PTR_TO_INT:
  case ARMJIT_MOP_INT_TO_REF: copy_word(c, op, 0); break;
  case ARMJIT_MOP_SITOFP:
  case ARMJIT_MOP_UITOFP: lower_itof(c, op); break;
  case ARMJIT_MOP_FPTOSI:
  case ARMJIT_MOP_FPTOUI: lower_ftoi(c, op); break;
  case ARMJIT_MOP_FEXT: lower_fconv(c, op, true); break;
  case ARMJIT_MOP_FTRUNC: lower_fconv(c, op, false); break;
  case ARMJIT_MOP_BITCAST: lower_bitcast(c, op); break;
  case ARMJIT_MOP_ICMP:
  case ARMJIT_MOP_FCMP: lower_cmp(c, op); break;
  case ARMJIT_MOP_SELECT: lower_select(c, op); break;
  case ARMJIT_MOP_LOAD: lower_load(c, op); break;
  case ARMJIT_MOP_STORE: lower_store(c, op); break;
  case ARMJIT_MOP_ADDR: lower_addr(c, op); break;
  case ARMJIT_MOP_CHECK_NULL:
  case ARMJIT_MOP_CHECK_INDEX:
  case ARMJIT_MOP_CHECK_NONZERO:
  case ARMJIT_MOP_TRAP_IF: lower_check(c, op); break;
  default: mc_lower_hw(c, op); break; /* the intrinsics */
  }
}
