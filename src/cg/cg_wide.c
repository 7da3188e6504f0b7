/* SPDX-License-Identifier: MIT */
/* Lowering of the i64 and f32 ops (docs/ir.md §2.6, §2.7).
 *
 * Both types live in d registers (ra/loc.h ra_storage_of): an i64 is a
 * whole dN (low word in s2N, high in s2N+1), an f32 is s2N.  What NEON
 * does in one instruction stays in the d register:
 *   llong_add/sub/and/or/xor   vadd.i64 / vsub.i64 / vand / vorr / veor dd, dn, dm
 *   llong_neg                  veor d15, d15, d15; vsub.i64 dd, d15, dn
 * Everything else (and the above on a CPU without NEON) moves the words
 * to core registers (temporaries), computes there and moves back:
 *   vmov xl, xh, dn; vmov yl, yh, dm; <core sequence>; vmov dd, rl, rh
 * Division, modulo and the i64<->double conversions call C helpers
 * (cg_env.llong_helper: r0:r1, r2:r3 -> r0:r1 under either ABI).
 * docs/design.md §12 has the measurements behind this split. */
#include "cg/cg_call.h"

static bool have_neon(const cg *c) { return (c->ctx->features & A32_FEAT_NEON) != 0; }

/* A locked core temporary: ip or lr when free, else one from the allocator. */
static a32_reg temp(cg *c) {
  int r = cg_scratch(c);
  if (r < 0) r = ra_temp(&c->ra, false);
  return (a32_reg)r;
}

/* The two words of an i64 operand (already in d register dn) in core
 * temporaries. */
static void halves(cg *c, unsigned dn, a32_reg *lo, a32_reg *hi) {
  *lo = temp(c);
  *hi = temp(c);
  a32_vmov_d_to_core(c->b, A32_AL, *lo, *hi, dn);
}

static unsigned def_d(cg *c, const ir_op *op) { return (unsigned)cg_def(c, op, -1); }

/* ---- add sub and or xor ------------------------------------------------------ */
void cg_lower_llong_binop(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  unsigned dn = cg_vreg(c, a[0]), dm = cg_vreg(c, a[1]);
  if (have_neon(c)) {
    a32_neon_op nop = op->opc == ARMJIT_OP_LLONG_ADD   ? A32_NADD_I64
                      : op->opc == ARMJIT_OP_LLONG_SUB ? A32_NSUB_I64
                      : op->opc == ARMJIT_OP_LLONG_AND ? A32_NAND
                      : op->opc == ARMJIT_OP_LLONG_OR  ? A32_NORR
                                                       : A32_NEOR;
    unsigned dd = def_d(c, op);
    a32_neon3(c->b, nop, dd, dn, dm);
    return;
  }
  a32_reg xl, xh, yl, yh;
  halves(c, dn, &xl, &xh);
  halves(c, dm, &yl, &yh);
  a32_dp_op lo_op, hi_op;
  bool carry = true;
  switch (op->opc) {
  case ARMJIT_OP_LLONG_ADD: lo_op = A32_ADD; hi_op = A32_ADC; break;
  case ARMJIT_OP_LLONG_SUB: lo_op = A32_SUB; hi_op = A32_SBC; break;
  case ARMJIT_OP_LLONG_AND: lo_op = hi_op = A32_AND; carry = false; break;
  case ARMJIT_OP_LLONG_OR: lo_op = hi_op = A32_ORR; carry = false; break;
  default: lo_op = hi_op = A32_EOR; carry = false; break;
  }
  a32_dp(c->b, A32_AL, lo_op, carry, xl, xl, a32_r(yl));
  a32_dp(c->b, A32_AL, hi_op, false, xh, xh, a32_r(yh));
  unsigned dd = def_d(c, op);
  a32_vmov_core_to_d(c->b, A32_AL, dd, xl, xh);
}

/* ---- neg invert --------------------------------------------------------------- */
void cg_lower_llong_unary(cg *c, const ir_op *op) {
  unsigned dn = cg_vreg(c, ir_args(c->t, op)[0]);
  if (op->opc == ARMJIT_OP_LLONG_NEG && have_neon(c) && cg_dscratch(c) >= 0) {
    unsigned dd = def_d(c, op);
    a32_neon3(c->b, A32_NEOR, ARM_DSCRATCH, ARM_DSCRATCH, ARM_DSCRATCH);
    a32_neon3(c->b, A32_NSUB_I64, dd, ARM_DSCRATCH, dn);
    return;
  }
  a32_reg lo, hi;
  halves(c, dn, &lo, &hi);
  if (op->opc == ARMJIT_OP_LLONG_NEG) {
    a32_dp(c->b, A32_AL, A32_RSB, true, lo, lo, a32_imm(0));
    a32_dp(c->b, A32_AL, A32_RSC, false, hi, hi, a32_imm(0));
  } else {
    a32_dp(c->b, A32_AL, A32_MVN, false, lo, 0, a32_r(lo));
    a32_dp(c->b, A32_AL, A32_MVN, false, hi, 0, a32_r(hi));
  }
  unsigned dd = def_d(c, op);
  a32_vmov_core_to_d(c->b, A32_AL, dd, lo, hi);
}

/* ---- mul ---------------------------------------------------------------------- */
/* The low 64 bits of x*y:
 *   umull rl, rh, xl, yl; mla rh, xl, yh, rh; mla rh, xh, yl, rh */
void cg_lower_llong_mul(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  unsigned dn = cg_vreg(c, a[0]), dm = cg_vreg(c, a[1]);
  a32_reg xl, xh, yl, yh;
  halves(c, dn, &xl, &xh);
  halves(c, dm, &yl, &yh);
  a32_reg rl = temp(c), rh = temp(c);
  a32_mul(c->b, A32_AL, A32_UMULL, false, rl, xl, yl, rh);
  a32_mul(c->b, A32_AL, A32_MLA, false, rh, xl, yh, rh);
  a32_mul(c->b, A32_AL, A32_MLA, false, rh, xh, yl, rh);
  unsigned dd = def_d(c, op);
  a32_vmov_core_to_d(c->b, A32_AL, dd, rl, rh);
}

/* ---- shifts ------------------------------------------------------------------- */
/* By c = n & 255 in core registers; register-specified shifts take the
 * low byte of the count and give 0 (LSL, LSR) or the sign (ASR) from 32
 * on, which covers c >= 64 too.  With t = 32 - c and u = c - 32 (their low
 * bytes are >= 32, shifting everything out, whenever they are negative):
 *   lshift   hi = hi << c | lo >> t | lo << u;  lo = lo << c
 *   urshift  lo = lo >> c | hi << t | hi >> u;  hi = hi >> c
 *   rshift   lo = lo >> c | hi << t | (u >= 0 ? hi asr u : 0);  hi = hi asr c
 * (c = 32: both of lshift's terms are lo, OR-ed twice: still lo.) */
/* rd = rn <sh> #n for n in 0..32 (LSR/ASR #32 encode; #0 is a move). */
static void shift_imm(cg *c, a32_shift sh, a32_reg rd, a32_reg rn, unsigned n) {
  if (n == 0) a32_dp(c->b, A32_AL, A32_MOV, false, rd, 0, a32_r(rn));
  else a32_shift_imm(c->b, A32_AL, sh, false, rd, rn, n);
}

/* A constant count c (its low byte), in core registers:
 *   c < 32   lshift: hi = hi << c | lo >> (32 - c); lo <<= c
 *            rshift/urshift: lo = lo >> c | hi << (32 - c); hi = hi >>/asr c
 *   c >= 32  the word that stays, shifted by c - 32 (64 and more: by 32,
 *            which leaves 0 or the sign); the other word 0 or the sign */
static void shift_const(cg *c, const ir_op *op, unsigned n) {
  const ir_ref *a = ir_args(c->t, op);
  unsigned dn = cg_vreg(c, a[0]);
  a32_reg lo, hi;
  halves(c, dn, &lo, &hi);
  bool left = op->opc == ARMJIT_OP_LLONG_LSHIFT, arith = op->opc == ARMJIT_OP_LLONG_RSHIFT;
  a32_shift own = left ? A32_LSL : arith ? A32_ASR : A32_LSR;
  a32_reg src = left ? lo : hi, dst = left ? hi : lo; /* bits cross from src into dst */
  if (n == 0) {
  } else if (n < 32) {
    shift_imm(c, own == A32_ASR ? A32_LSR : own, dst, dst, n);
    a32_dp(c->b, A32_AL, A32_ORR, false, dst, dst,
           a32_rsi(src, left ? A32_LSR : A32_LSL, 32 - n));
    shift_imm(c, own, src, src, n);
  } else {
    unsigned k = n > 64 ? 32 : n - 32;
    if (k == 32 && !arith) a32_dp(c->b, A32_AL, A32_MOV, false, dst, 0, a32_imm(0));
    else shift_imm(c, own, dst, src, k);
    if (arith) shift_imm(c, A32_ASR, src, src, 31);
    else a32_dp(c->b, A32_AL, A32_MOV, false, src, 0, a32_imm(0));
  }
  unsigned dd = def_d(c, op);
  a32_vmov_core_to_d(c->b, A32_AL, dd, lo, hi);
}

void cg_lower_llong_shift(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  if (cg_is_const(a[1])) {
    shift_const(c, op, cg_const_word(c->t, a[1]) & 0xffu);
    return;
  }
  a32_reg t = (a32_reg)temp(c);  /* claimed first: ip, before a constant count takes it */
  unsigned dn = cg_vreg(c, a[0]);
  a32_reg rn = cg_reg(c, a[1]);
  a32_reg lo, hi;
  halves(c, dn, &lo, &hi);
  a32_reg n = temp(c);
  a32_dp(c->b, A32_AL, A32_AND, false, n, rn, a32_imm(255));
  bool left = op->opc == ARMJIT_OP_LLONG_LSHIFT;
  a32_reg src = left ? lo : hi, dst = left ? hi : lo; /* the word bits cross into */
  a32_shift out = left ? A32_LSL : A32_LSR, in = left ? A32_LSR : A32_LSL;
  a32_shift own = op->opc == ARMJIT_OP_LLONG_RSHIFT ? A32_ASR : out;
  a32_shift_reg(c->b, A32_AL, out, false, dst, dst, n);                 /* dst op= c */
  a32_dp(c->b, A32_AL, A32_RSB, false, t, n, a32_imm(32));              /* t = 32 - c */
  a32_dp(c->b, A32_AL, A32_ORR, false, dst, dst, a32_rsr(src, in, t));
  if (op->opc == ARMJIT_OP_LLONG_RSHIFT) {
    a32_dp(c->b, A32_AL, A32_SUB, true, t, n, a32_imm(32));             /* u = c - 32 */
    a32_dp(c->b, A32_GE, A32_ORR, false, dst, dst, a32_rsr(src, A32_ASR, t));
  } else {
    a32_dp(c->b, A32_AL, A32_SUB, false, t, n, a32_imm(32));
    a32_dp(c->b, A32_AL, A32_ORR, false, dst, dst, a32_rsr(src, out, t));
  }
  a32_shift_reg(c->b, A32_AL, own, false, src, src, n);                 /* src op= c */
  unsigned dd = def_d(c, op);
  a32_vmov_core_to_d(c->b, A32_AL, dd, lo, hi);
}

/* ---- comparisons -------------------------------------------------------------- */
/* Flags for x ? y: signed/unsigned order by cmp xl, yl; sbcs xh, xh, yh
 * (LT/GE, LO/HS of the 64-bit difference); equality by cmp xh, yh;
 * cmpeq xl, yl. */
static void compare(cg *c, ir_ref x, ir_ref y, bool eq) {
  unsigned dn = cg_vreg(c, x), dm = cg_vreg(c, y);
  a32_reg xl, xh, yl, yh;
  halves(c, dn, &xl, &xh);
  halves(c, dm, &yl, &yh);
  if (eq) {
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, xh, a32_r(yh));
    a32_dp(c->b, A32_EQ, A32_CMP, true, 0, xl, a32_r(yl));
  } else {
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, xl, a32_r(yl));
    a32_dp(c->b, A32_AL, A32_SBC, true, xh, xh, a32_r(yh));
  }
}

void cg_llong_compare_eq(cg *c, ir_ref x, ir_ref y) { compare(c, x, y, true); }

void cg_lower_llong_cmp(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  ir_ref x = a[0], y = a[1];
  a32_cond cc;
  bool eq = false, swap = false;
  switch (op->opc) {
  case ARMJIT_OP_LLONG_LT: cc = A32_LT; break;
  case ARMJIT_OP_LLONG_GE: cc = A32_GE; break;
  case ARMJIT_OP_LLONG_GT: cc = A32_LT; swap = true; break;  /* y < x */
  case ARMJIT_OP_LLONG_LE: cc = A32_GE; swap = true; break;  /* y >= x */
  case ARMJIT_OP_ULLONG_LT: cc = A32_LO; break;
  case ARMJIT_OP_ULLONG_GE: cc = A32_HS; break;
  case ARMJIT_OP_ULLONG_GT: cc = A32_LO; swap = true; break;
  case ARMJIT_OP_ULLONG_LE: cc = A32_HS; swap = true; break;
  case ARMJIT_OP_LLONG_EQ: cc = A32_EQ; eq = true; break;
  default: cc = A32_NE; eq = true; break;
  }
  if (swap) { ir_ref t = x; x = y; y = t; }
  compare(c, x, y, eq);
  cg_set_bool(c, op, cc);
}

/* ---- conversions -------------------------------------------------------------- */
void cg_lower_llong_conv(cg *c, const ir_op *op) {
  ir_ref x = ir_args(c->t, op)[0];
  switch (op->opc) {
  case ARMJIT_OP_LLONG_FROM_INT:
  case ARMJIT_OP_LLONG_FROM_UINT: {
    /* vmov dd, rx, <sign or 0> */
    a32_reg t = temp(c);
    a32_reg rn = cg_reg(c, x);
    if (op->opc == ARMJIT_OP_LLONG_FROM_INT)
      a32_dp(c->b, A32_AL, A32_MOV, false, t, 0, a32_rsi(rn, A32_ASR, 31));
    else
      a32_dp(c->b, A32_AL, A32_MOV, false, t, 0, a32_imm(0));
    unsigned dd = def_d(c, op);
    a32_vmov_core_to_d(c->b, A32_AL, dd, rn, t);
    return;
  }
  case ARMJIT_OP_LLONG_TO_INT: {  /* vmov rd, s2n: the low word */
    unsigned dn = cg_vreg(c, x);
    a32_reg rd = (a32_reg)cg_def(c, op, -1);
    a32_vmov_s_to_core(c->b, A32_AL, rd, 2 * dn);
    return;
  }
  case ARMJIT_OP_CAST_FLOAT_TO_SINGLEFLOAT: {  /* vcvt.f32.f64 s2d, dn */
    unsigned dn = cg_vreg(c, x);
    unsigned dd = def_d(c, op);
    a32_vcvt(c->b, A32_AL, A32_CVT_F32_F64, 2 * dd, dn);
    return;
  }
  case ARMJIT_OP_CAST_SINGLEFLOAT_TO_FLOAT: {  /* vcvt.f64.f32 dd, s2n */
    unsigned dn = cg_vreg(c, x);
    unsigned dd = def_d(c, op);
    a32_vcvt(c->b, A32_AL, A32_CVT_F64_F32, dd, 2 * dn);
    return;
  }
  default:  /* the bit casts: the same 64 bits, as same_as */
    cg_lower_same_as(c, op);
    return;
  }
}

/* f32 x == y for guard_value: vcmp.f32 s2x, s2y; vmrs (unordered: NE). */
void cg_f32_compare(cg *c, ir_ref x, ir_ref y) {
  unsigned dn = cg_vreg(c, x), dm = cg_vreg(c, y);
  a32_vfp(c->b, A32_AL, A32_VCMP, false, 2 * dn, 0, 2 * dm);
  a32_vmrs_apsr(c->b, A32_AL);
}

/* ---- C helpers ---------------------------------------------------------------- */
/* llong_floordiv / llong_mod / llong_to_float / llong_from_float:
 *   vmov r0, r1, dx; [vmov r2, r3, dy]; movw/movt ip, helper; blx ip;
 *   vmov dd, r0, r1
 * Values that live on across the call leave r0-r3 and d0-d7 first
 * (ra_call_prepare); the operands are read from wherever that left them. */
void cg_lower_llong_call(cg *c, const ir_op *op) {
  const ir_ref *a = ir_args(c->t, op);
  unsigned h;
  switch (op->opc) {
  case ARMJIT_OP_LLONG_FLOORDIV: h = CG_LH_DIV; break;
  case ARMJIT_OP_LLONG_MOD: h = CG_LH_MOD; break;
  case ARMJIT_OP_LLONG_TO_FLOAT: h = CG_LH_TO_FLOAT; break;
  default: h = CG_LH_FROM_FLOAT; break;
  }
  ra_call_prepare(&c->ra);
  /* from where they are: i64s are never in core registers, so the loads
   * into r0-r3 cannot overwrite an operand */
  for (uint32_t k = 0; k < op->nargs; k++) cg_load_pair(c, 2 * k, ra_where(&c->ra, a[k]));
  cg_release(c);
  ra_call_clobber(&c->ra);
  cg_load_addr(c, CG_IP, c->env->llong_helper[h]);
  a32_blx(c->b, A32_AL, CG_IP);
  unsigned dd = (unsigned)cg_def(c, op, -1);
  a32_vmov_core_to_d(c->b, A32_AL, dd, A32_R0, A32_R1);
}
