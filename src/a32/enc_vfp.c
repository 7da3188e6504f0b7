/* SPDX-License-Identifier: MIT */
/* enc_vfp.c — VFP data processing (A7.5), conversions, core<->VFP moves
 * (A7.8) and the VFP system register moves VMRS/VMSR. */
#include "a32_internal.h"

/* A7.5 floating-point data processing, sz (bit 8) = 0 here:
 *   3-register: cond 1110 opc1 D opc2=Vn Vd 101 sz N opc3 M 0 Vm
 *   2-register: cond 1110 1D11 opc2 Vd 101 sz opc3 M 0 Vm (Vn field = opc2) */
static const struct {
  uint32_t bits;
  uint8_t three; /* uses vn */
} vfp_ops[] = {
    [A32_VADD] = {0x0e300a00u, 1}, /* vadd: A8.8.283 VADD (fp) A2 */
    [A32_VSUB] = {0x0e300a40u, 1}, /* vsub: A8.8.415 VSUB (fp) A2 */
    [A32_VMUL] = {0x0e200a00u, 1}, /* vmul: A8.8.351 VMUL (fp) A2 */
    [A32_VDIV] = {0x0e800a00u, 1}, /* vdiv: A8.8.309 VDIV */
    [A32_VMOV] = {0x0eb00a40u, 0}, /* vmov: A8.8.340 VMOV (register) A2 */
    [A32_VNEG] = {0x0eb10a40u, 0}, /* vneg: A8.8.355 VNEG A2 */
    [A32_VABS] = {0x0eb00ac0u, 0}, /* vabs: A8.8.280 VABS A2 */
    [A32_VSQRT] = {0x0eb10ac0u, 0}, /* vsqrt: A8.8.401 VSQRT */
    [A32_VCMP] = {0x0eb40a40u, 0}, /* vcmp: A8.8.302 VCMP A1, E = 0 */
    [A32_VCMPE] = {0x0eb40ac0u, 0}, /* vcmpe: A8.8.302 VCMP A1, E = 1 */
    [A32_VMLA] = {0x0e000a00u, 1}, /* vmla: A8.8.337 VMLA (fp) A2, op = 0 */
    [A32_VMLS] = {0x0e000a40u, 1}, /* vmls: A8.8.337 VMLS (fp) A2, op = 1 */
    [A32_VNMLA] = {0x0e100a40u, 1}, /* vnmla: A8.8.356 VNMLA A1, op = 1 */
    [A32_VNMLS] = {0x0e100a00u, 1}, /* vnmls: A8.8.356 VNMLS A1, op = 0 */
    [A32_VNMUL] = {0x0e200a40u, 1}, /* vnmul: A8.8.356 VNMUL A2 */
};

#define VFP_SZ_DOUBLE 0x00000100u

a32_status a32_vfp(a32_buf *b, a32_cond c, a32_vfp_op op, bool dbl, a32_vreg vd,
                   a32_vreg vn, a32_vreg vm) {
  static const char who[] = "a32_vfp";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_VNMUL)
    return a32_fail(b, A32_ERR_ARG, who, "bad VFP op %u", (unsigned)op);
  A32_TRY(a32_chk_vreg(b, who, dbl, vd));
  A32_TRY(a32_chk_vreg(b, who, dbl, vm));
  uint32_t w = a32_cond_bits(c) | vfp_ops[op].bits | (dbl ? VFP_SZ_DOUBLE : 0) |
               a32_vd_bits(dbl, vd) | a32_vm_bits(dbl, vm);
  if (vfp_ops[op].three) {
    A32_TRY(a32_chk_vreg(b, who, dbl, vn));
    w |= a32_vn_bits(dbl, vn);
  }
  return a32_put(b, w);
}

/* A8.8.302 VCMP{E} A2: cond 1110 1D11 0101 Vd 101 sz E1 00 0000 */
a32_status a32_vcmp_zero(a32_buf *b, a32_cond c, bool e, bool dbl, a32_vreg vd) {
  static const char who[] = "a32_vcmp_zero";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_vreg(b, who, dbl, vd));
  return a32_put(b, a32_cond_bits(c) | 0x0eb50a40u | (uint32_t)e << 7 |
                        (dbl ? VFP_SZ_DOUBLE : 0) | a32_vd_bits(dbl, vd));
}

/* A8.8.339 VMOV (immediate) A2: cond 1110 1D11 imm4H Vd 101 sz 0000 imm4L,
 * the value VFPExpandImm(imm8) (A7.5.1): sign imm8<7>, exponent
 * NOT(imm8<6>) : Replicate(imm8<6>, 8 (double) or 5 (single)) : imm8<5:4>,
 * fraction imm8<3:0> followed by zeros. */
int a32_vfp_imm8(bool dbl, uint64_t bits) {
  unsigned ebits = dbl ? 11 : 8, fbits = dbl ? 52 : 23;
  if (!dbl && bits >> 32) return -1;
  uint64_t frac = bits & ((UINT64_C(1) << fbits) - 1);
  uint32_t exp = (uint32_t)(bits >> fbits) & ((1u << ebits) - 1);
  uint32_t sign = (uint32_t)(bits >> (fbits + ebits)) & 1u;
  if (frac & ((UINT64_C(1) << (fbits - 4)) - 1)) return -1; /* only 4 fraction bits */
  uint32_t b6 = (exp >> (ebits - 2)) & 1u;
  uint32_t rep = b6 ? (1u << (ebits - 3)) - 1 : 0;          /* the replicated bits */
  if ((exp >> (ebits - 1)) != (b6 ^ 1u) || ((exp >> 2) & ((1u << (ebits - 3)) - 1)) != rep)
    return -1;
  return (int)(sign << 7 | b6 << 6 | (exp & 3u) << 4 | (uint32_t)(frac >> (fbits - 4)));
}

a32_status a32_vmov_imm(a32_buf *b, a32_cond c, bool dbl, a32_vreg vd, uint64_t bits) {
  static const char who[] = "a32_vmov_imm";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_vreg(b, who, dbl, vd));
  int imm8 = a32_vfp_imm8(dbl, bits);
  if (imm8 < 0)
    return a32_fail(b, A32_ERR_IMM, who, "0x%016llx is not a VFP immediate",
                    (unsigned long long)bits);
  return a32_put(b, a32_cond_bits(c) | 0x0eb00a00u | (dbl ? VFP_SZ_DOUBLE : 0) |
                        ((uint32_t)imm8 >> 4) << 16 | ((uint32_t)imm8 & 15u) |
                        a32_vd_bits(dbl, vd));
}

/* A8.8.343 VMOV (between ARM core register and single-precision register):
 *   cond 1110 000 op Vn Rt 1010 N 00 1 0000 (op = 1: to core) */
static a32_status vmov_s(a32_buf *b, const char *who, bool to_core, a32_cond c,
                         a32_vreg sn, a32_reg rt) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_vreg(b, who, false, sn));
  A32_TRY(a32_chk_reg(b, who, "rt", rt, false));  /* t == 15 UNPREDICTABLE */
  return a32_put(b, a32_cond_bits(c) | 0x0e000a10u | (uint32_t)to_core << 20 |
                        a32_vn_bits(false, sn) | (uint32_t)rt << 12);
}

a32_status a32_vmov_core_to_s(a32_buf *b, a32_cond c, a32_vreg sn, a32_reg rt) {
  return vmov_s(b, "a32_vmov_core_to_s", false, c, sn, rt);
}
a32_status a32_vmov_s_to_core(a32_buf *b, a32_cond c, a32_reg rt, a32_vreg sn) {
  return vmov_s(b, "a32_vmov_s_to_core", true, c, sn, rt);
}

/* A8.8.345 VMOV (between two ARM core registers and a doubleword register):
 *   cond 1100 010 op Rt2 Rt 1011 00 M 1 Vm (op = 1: to core) */
static a32_status vmov_d(a32_buf *b, const char *who, bool to_core, a32_cond c,
                         a32_vreg dm, a32_reg rt, a32_reg rt2) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_vreg(b, who, true, dm));
  A32_TRY(a32_chk_reg(b, who, "rt", rt, false));
  A32_TRY(a32_chk_reg(b, who, "rt2", rt2, false));
  if (to_core && rt == rt2)  /* to_arm_registers && t == t2 UNPREDICTABLE */
    return a32_fail(b, A32_ERR_REG, who, "rt and rt2 must differ");
  return a32_put(b, a32_cond_bits(c) | 0x0c400b10u | (uint32_t)to_core << 20 |
                        (uint32_t)rt2 << 16 | (uint32_t)rt << 12 |
                        a32_vm_bits(true, dm));
}

a32_status a32_vmov_core_to_d(a32_buf *b, a32_cond c, a32_vreg dm, a32_reg rt,
                              a32_reg rt2) {
  return vmov_d(b, "a32_vmov_core_to_d", false, c, dm, rt, rt2);
}
a32_status a32_vmov_d_to_core(a32_buf *b, a32_cond c, a32_reg rt, a32_reg rt2,
                              a32_vreg dm) {
  return vmov_d(b, "a32_vmov_d_to_core", true, c, dm, rt, rt2);
}

/* Conversions, all cond 1110 1D11 1opc2 Vd 101 sz op 1 M 0 Vm:
 *   A8.8.306 VCVT (between floating-point and integer): opc2 = 000 for
 *     int -> fp (op = 1: signed source, sz = destination precision), 101 /
 *     100 for fp -> signed / unsigned (op = 1: round toward zero, the
 *     "vcvt" and not the "vcvtr" form; sz = source precision);
 *   A8.8.307 VCVT (between double and single): 1D11 0111 ... sz 1 1, sz =
 *     source precision. */
static const struct {
  uint32_t bits;
  uint8_t d_dbl, m_dbl; /* which operands are d registers */
} cvt_ops[] = {
    [A32_CVT_F64_S32] = {0x0eb80bc0u, 1, 0}, /* vcvt.f64.s32 */
    [A32_CVT_F64_U32] = {0x0eb80b40u, 1, 0}, /* vcvt.f64.u32 */
    [A32_CVT_S32_F64] = {0x0ebd0bc0u, 0, 1}, /* vcvt.s32.f64 */
    [A32_CVT_U32_F64] = {0x0ebc0bc0u, 0, 1}, /* vcvt.u32.f64 */
    [A32_CVT_F32_S32] = {0x0eb80ac0u, 0, 0}, /* vcvt.f32.s32 */
    [A32_CVT_F32_U32] = {0x0eb80a40u, 0, 0}, /* vcvt.f32.u32 */
    [A32_CVT_S32_F32] = {0x0ebd0ac0u, 0, 0}, /* vcvt.s32.f32 */
    [A32_CVT_U32_F32] = {0x0ebc0ac0u, 0, 0}, /* vcvt.u32.f32 */
    [A32_CVT_F64_F32] = {0x0eb70ac0u, 1, 0}, /* vcvt.f64.f32 */
    [A32_CVT_F32_F64] = {0x0eb70bc0u, 0, 1}, /* vcvt.f32.f64 */
};

a32_status a32_vcvt(a32_buf *b, a32_cond c, a32_cvt_op op, a32_vreg vd, a32_vreg vm) {
  static const char who[] = "a32_vcvt";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_CVT_F32_F64)
    return a32_fail(b, A32_ERR_ARG, who, "bad conversion %u", (unsigned)op);
  bool dd = cvt_ops[op].d_dbl, md = cvt_ops[op].m_dbl;
  A32_TRY(a32_chk_vreg(b, who, dd, vd));
  A32_TRY(a32_chk_vreg(b, who, md, vm));
  return a32_put(b, a32_cond_bits(c) | cvt_ops[op].bits | a32_vd_bits(dd, vd) |
                        a32_vm_bits(md, vm));
}

/* VFP system register transfers, cond 1110 111L reg Rt 1010 0001 0000:
 *   A8.8.348 VMRS A1 (L = 1; Rt = 1111 with FPSCR: APSR_nzcv <- flags),
 *   A8.8.349 VMSR A1 (L = 0); the registers other than FPSCR are the
 *   system-level B9.3.21 / B9.3.22 forms. */
static const struct {
  uint8_t readable, writable;
  const char *name;
} vfp_sysregs[] = {
    [A32_FPSID] = {1, 1, "fpsid"}, /* a write is ignored (or UNPREDICTABLE) */
    [A32_FPSCR] = {1, 1, "fpscr"},
    [A32_MVFR1] = {1, 0, "mvfr1"},
    [A32_MVFR0] = {1, 0, "mvfr0"},
    [A32_FPEXC] = {1, 1, "fpexc"},
};

static a32_status vfp_sys_emit(a32_buf *b, const char *who, bool load, a32_cond c,
                               a32_reg rt, a32_vfp_sysreg reg) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)reg >= sizeof vfp_sysregs / sizeof vfp_sysregs[0] || !vfp_sysregs[reg].name)
    return a32_fail(b, A32_ERR_ARG, who, "bad VFP system register %u", (unsigned)reg);
  if (!load && !vfp_sysregs[reg].writable)
    return a32_fail(b, A32_ERR_ARG, who, "%s is read only", vfp_sysregs[reg].name);
  A32_TRY(a32_chk_reg(b, who, "rt", rt, load && reg == A32_FPSCR));
  return a32_put(b, a32_cond_bits(c) | 0x0ee00a10u | (uint32_t)load << 20 |
                        (uint32_t)reg << 16 | (uint32_t)rt << 12);
}

a32_status a32_vmrs(a32_buf *b, a32_cond c, a32_reg rt, a32_vfp_sysreg reg) {
  return vfp_sys_emit(b, "a32_vmrs", true, c, rt, reg);
}
a32_status a32_vmsr(a32_buf *b, a32_cond c, a32_vfp_sysreg reg, a32_reg rt) {
  return vfp_sys_emit(b, "a32_vmsr", false, c, rt, reg);
}
a32_status a32_vmrs_apsr(a32_buf *b, a32_cond c) {
  return vfp_sys_emit(b, "a32_vmrs_apsr", true, c, A32_PC, A32_FPSCR);
}
