/* SPDX-License-Identifier: MIT */
/* enc_misc.c — miscellaneous and system instructions: CLZ, NOP, BKPT,
 * coprocessor register transfers, barriers, SVC and the status register
 * moves MRS/MSR. */
#include "a32_internal.h"

/* A8.8.33 CLZ A1: cond 0001 0110 1111 Rd 1111 0001 Rm */
a32_status a32_clz(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rm) {
  static const char who[] = "a32_clz";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));
  A32_TRY(a32_chk_reg(b, who, "rm", rm, false));
  return a32_put(b, a32_cond_bits(c) | 0x016f0f10u | (uint32_t)rd << 12 | rm);
}

/* A8.8.120 NOP A1: the ARMv6K hint cond 0011 0010 0000 1111 0000 0000 0000,
 * not "mov r0, r0". */
a32_status a32_nop(a32_buf *b, a32_cond c) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, "a32_nop", c));
  return a32_put(b, a32_cond_bits(c) | 0x0320f000u);
}

/* A8.8.24 BKPT A1: 1110 0001 0010 imm12 0111 imm4 (always cond AL). */
a32_status a32_bkpt(a32_buf *b, uint32_t imm16) {
  if (!b)
    return A32_ERR_ARG;
  if (imm16 > 0xffff)
    return a32_fail(b, A32_ERR_IMM, "a32_bkpt", "immediate 0x%x does not fit in 16 bits",
                    (unsigned)imm16);
  return a32_put(b, 0xe1200070u | (imm16 & 0xfff0u) << 4 | (imm16 & 0xfu));
}

/* A8.8.98 MCR / A8.8.107 MRC A1:
 *   cond 1110 opc1 L CRn Rt coproc opc2 1 CRm */
static a32_status coproc_emit(a32_buf *b, const char *who, bool load, a32_cond c,
                              unsigned coproc, unsigned opc1, a32_reg rt,
                              unsigned crn, unsigned crm, unsigned opc2) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  /* MRC to pc transfers the flags (APSR_nzcv); MCR from pc is UNPREDICTABLE. */
  A32_TRY(a32_chk_reg(b, who, "rt", rt, load));
  if (coproc > 15 || opc1 > 7 || crn > 15 || crm > 15 || opc2 > 7)
    return a32_fail(b, A32_ERR_IMM, who,
                    "field out of range (p%u, opc1 %u, c%u, c%u, opc2 %u)", coproc,
                    opc1, crn, crm, opc2);
  if ((coproc & 0xe) == 10)  /* 101x: the space of VFP/NEON VMOV/VMRS */
    return a32_fail(b, A32_ERR_ARG, who,
                    "coprocessor p%u is the floating-point space", coproc);
  return a32_put(b, a32_cond_bits(c) | 0x0e000010u | (uint32_t)load << 20 |
                        (uint32_t)opc1 << 21 | (uint32_t)crn << 16 |
                        (uint32_t)rt << 12 | (uint32_t)coproc << 8 |
                        (uint32_t)opc2 << 5 | crm);
}

a32_status a32_mcr(a32_buf *b, a32_cond c, unsigned coproc, unsigned opc1,
                   a32_reg rt, unsigned crn, unsigned crm, unsigned opc2) {
  return coproc_emit(b, "a32_mcr", false, c, coproc, opc1, rt, crn, crm, opc2);
}
a32_status a32_mrc(a32_buf *b, a32_cond c, unsigned coproc, unsigned opc1,
                   a32_reg rt, unsigned crn, unsigned crm, unsigned opc2) {
  return coproc_emit(b, "a32_mrc", true, c, coproc, opc1, rt, crn, crm, opc2);
}

/* A8.8.43 DMB, A8.8.44 DSB, A8.8.53 ISB (unconditional):
 *   1111 0101 0111 1111 1111 0000 01op option */
static a32_status barrier_emit(a32_buf *b, const char *who, uint32_t bits,
                               unsigned option) {
  if (!b)
    return A32_ERR_ARG;
  if (option > 15)
    return a32_fail(b, A32_ERR_IMM, who, "option %u out of range (0..15)", option);
  return a32_put(b, bits | option);
}

a32_status a32_dmb(a32_buf *b, unsigned option) {
  return barrier_emit(b, "a32_dmb", 0xf57ff050u, option);
}
a32_status a32_dsb(a32_buf *b, unsigned option) {
  return barrier_emit(b, "a32_dsb", 0xf57ff040u, option);
}
a32_status a32_isb(a32_buf *b, unsigned option) {
  return barrier_emit(b, "a32_isb", 0xf57ff060u, option);
}

/* A8.8.228 SVC A1: cond 1111 imm24 */
a32_status a32_svc(a32_buf *b, a32_cond c, uint32_t imm24) {
  static const char who[] = "a32_svc";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if (imm24 > 0xffffffu)
    return a32_fail(b, A32_ERR_IMM, who, "immediate 0x%x does not fit in 24 bits",
                    (unsigned)imm24);
  return a32_put(b, a32_cond_bits(c) | 0x0f000000u | imm24);
}

/* A8.8.109 MRS A1: cond 0001 0000 1111 Rd 0000 0000 0000 (R = 0) */
a32_status a32_mrs(a32_buf *b, a32_cond c, a32_reg rd) {
  static const char who[] = "a32_mrs";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));  /* d == 15 UNPREDICTABLE */
  return a32_put(b, a32_cond_bits(c) | 0x010f0000u | (uint32_t)rd << 12);
}

/* MSR, R = 0, mask in bits 19:16 (f s x c):
 *   A8.8.112 MSR (register) A1:  cond 0001 0010 mask 1111 0000 0000 Rn
 *   A8.8.111 MSR (immediate) A1: cond 0011 0010 mask 1111 imm12
 * mask<3:2> is the application-level APSR form; mask<1:0> (x, c) are the
 * system-level CPSR fields of the same encodings.  mask = 0 is
 * UNPREDICTABLE (register) or the hint space (immediate). */
static a32_status msr_check(a32_buf *b, const char *who, a32_cond c, unsigned mask) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if (mask == 0 || mask > 15)
    return a32_fail(b, A32_ERR_ARG, who, "field mask %u: need a non-empty subset of f s x c",
                    mask);
  return A32_OK;
}

a32_status a32_msr(a32_buf *b, a32_cond c, unsigned mask, a32_reg rn) {
  static const char who[] = "a32_msr";
  A32_TRY(msr_check(b, who, c, mask));
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));  /* n == 15 UNPREDICTABLE */
  return a32_put(b, a32_cond_bits(c) | 0x0120f000u | (uint32_t)mask << 16 | rn);
}

a32_status a32_msr_imm(a32_buf *b, a32_cond c, unsigned mask, uint32_t imm) {
  static const char who[] = "a32_msr_imm";
  A32_TRY(msr_check(b, who, c, mask));
  int imm12 = a32_modimm(imm);
  if (imm12 < 0)
    return a32_fail(b, A32_ERR_IMM, who, "0x%x is not a modified immediate", (unsigned)imm);
  return a32_put(b, a32_cond_bits(c) | 0x0320f000u | (uint32_t)mask << 16 | (uint32_t)imm12);
}
