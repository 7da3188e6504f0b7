/* SPDX-License-Identifier: MIT */
/* enc_misc.c — miscellaneous and system instructions: CLZ, hints, BKPT,
 * UDF, SVC, coprocessor register transfers, barriers, the status register
 * moves MRS/MSR, CPS and SUBS pc. */
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

/* Hints, A5.2.11 "MSR (immediate), and hints": cond 0011 0010 0000 1111
 * 0000 op2 (NOP is this hint, not "mov r0, r0"). */
static const struct {
  uint8_t op2;
  const char *name;
} hint_ops[] = {
    [A32_HINT_NOP] = {0, "nop"},     /* A8.8.120 NOP A1 */
    [A32_HINT_YIELD] = {1, "yield"}, /* A8.8.426 YIELD A1 */
    [A32_HINT_WFE] = {2, "wfe"},     /* A8.8.424 WFE A1 */
    [A32_HINT_WFI] = {3, "wfi"},     /* A8.8.425 WFI A1 */
    [A32_HINT_SEV] = {4, "sev"},     /* A8.8.168 SEV A1 */
};

a32_status a32_hint(a32_buf *b, a32_cond c, a32_hint_op op) {
  static const char who[] = "a32_hint";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_HINT_SEV)
    return a32_fail(b, A32_ERR_ARG, who, "bad hint %u", (unsigned)op);
  return a32_put(b, a32_cond_bits(c) | 0x0320f000u | hint_ops[op].op2);
}

a32_status a32_nop(a32_buf *b, a32_cond c) { return a32_hint(b, c, A32_HINT_NOP); }

/* Exception generating with a 16-bit immediate, always cond AL:
 *   A8.8.24 BKPT A1:  1110 0001 0010 imm12 0111 imm4
 *   A8.8.247 UDF A1:  1110 0111 1111 imm12 1111 imm4 (permanently undefined) */
static a32_status imm16_emit(a32_buf *b, const char *who, uint32_t bits, uint32_t imm16) {
  if (!b)
    return A32_ERR_ARG;
  if (imm16 > 0xffff)
    return a32_fail(b, A32_ERR_IMM, who, "immediate 0x%x does not fit in 16 bits",
                    (unsigned)imm16);
  return a32_put(b, bits | (imm16 & 0xfff0u) << 4 | (imm16 & 0xfu));
}

a32_status a32_bkpt(a32_buf *b, uint32_t imm16) {
  return imm16_emit(b, "a32_bkpt", 0xe1200070u, imm16);
}
a32_status a32_udf(a32_buf *b, uint32_t imm16) {
  return imm16_emit(b, "a32_udf", 0xe7f000f0u, imm16);
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

/* B9.3.8 MRS A1: cond 0001 0R00 1111 Rd 0000 0000 0000 (R = 1: SPSR; at
 * application level, A8.8.109, R = 0 reads the APSR). */
static a32_status chk_psr(a32_buf *b, const char *who, a32_psr psr) {
  if ((unsigned)psr > A32_SPSR)
    return a32_fail(b, A32_ERR_ARG, who, "bad status register %u", (unsigned)psr);
  return A32_OK;
}

a32_status a32_mrs(a32_buf *b, a32_cond c, a32_reg rd, a32_psr psr) {
  static const char who[] = "a32_mrs";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(chk_psr(b, who, psr));
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));  /* d == 15 UNPREDICTABLE */
  return a32_put(b, a32_cond_bits(c) | 0x010f0000u | (uint32_t)psr << 22 |
                        (uint32_t)rd << 12);
}

/* MSR, mask in bits 19:16 (f s x c), R (bit 22) = 1 for the SPSR:
 *   B9.3.12 MSR (register) A1:  cond 0001 0R10 mask 1111 0000 0000 Rn
 *   B9.3.11 MSR (immediate) A1: cond 0011 0R10 mask 1111 imm12
 * (A8.8.112 / A8.8.111 are the application-level APSR forms, mask<3:2>.)
 * mask = 0 is UNPREDICTABLE (register) or the hint space (immediate). */
static a32_status msr_check(a32_buf *b, const char *who, a32_cond c, a32_psr psr,
                            unsigned mask) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(chk_psr(b, who, psr));
  if (mask == 0 || mask > 15)
    return a32_fail(b, A32_ERR_ARG, who, "field mask %u: need a non-empty subset of f s x c",
                    mask);
  return A32_OK;
}

a32_status a32_msr(a32_buf *b, a32_cond c, a32_psr psr, unsigned mask, a32_reg rn) {
  static const char who[] = "a32_msr";
  A32_TRY(msr_check(b, who, c, psr, mask));
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));  /* n == 15 UNPREDICTABLE */
  return a32_put(b, a32_cond_bits(c) | 0x0120f000u | (uint32_t)psr << 22 |
                        (uint32_t)mask << 16 | rn);
}

a32_status a32_msr_imm(a32_buf *b, a32_cond c, a32_psr psr, unsigned mask, uint32_t imm) {
  static const char who[] = "a32_msr_imm";
  A32_TRY(msr_check(b, who, c, psr, mask));
  int imm12 = a32_modimm(imm);
  if (imm12 < 0)
    return a32_fail(b, A32_ERR_IMM, who, "0x%x is not a modified immediate", (unsigned)imm);
  return a32_put(b, a32_cond_bits(c) | 0x0320f000u | (uint32_t)psr << 22 |
                        (uint32_t)mask << 16 | (uint32_t)imm12);
}

/* The modes B1.3.1 defines (a32.h A32_MODE_*); every other 5-bit value is
 * reserved and UNPREDICTABLE to switch to. */
bool a32_mode_valid(unsigned mode) {
  switch (mode) {
  case A32_MODE_USR: case A32_MODE_FIQ: case A32_MODE_IRQ: case A32_MODE_SVC:
  case A32_MODE_MON: case A32_MODE_ABT: case A32_MODE_HYP: case A32_MODE_UND:
  case A32_MODE_SYS:
    return true;
  default:
    return false;
  }
}

/* B9.3.2 CPS (ARM) A1: 1111 0001 0000 imod M 0 0000 0000 0 A I F 0 mode,
 * imod 10 = IE, 11 = ID, 00 = no mask change (then M = 1). */
a32_status a32_cps(a32_buf *b, a32_cps_op op, unsigned aif, unsigned mode) {
  static const char who[] = "a32_cps";
  static const uint32_t imod[] = {[A32_CPS_NONE] = 0, [A32_CPS_IE] = 2, [A32_CPS_ID] = 3};
  if (!b)
    return A32_ERR_ARG;
  if ((unsigned)op > A32_CPS_ID)
    return a32_fail(b, A32_ERR_ARG, who, "bad CPS effect %u", (unsigned)op);
  if (aif > 7 || (op == A32_CPS_NONE) != (aif == 0))
    return a32_fail(b, A32_ERR_ARG, who,
                    "interrupt mask 0x%x: need a non-empty subset of a, i, f with cpsie/cpsid, "
                    "none without",
                    aif);
  if (mode != A32_MODE_KEEP && !a32_mode_valid(mode))
    return a32_fail(b, A32_ERR_IMM, who, "0x%x is not a processor mode", mode);
  if (op == A32_CPS_NONE && mode == A32_MODE_KEEP)
    return a32_fail(b, A32_ERR_ARG, who, "neither a mask nor a mode change");
  return a32_put(b, 0xf1000000u | imod[op] << 18 | (uint32_t)(mode != A32_MODE_KEEP) << 17 |
                        aif << 6 | mode);
}

/* B9.3.20 SUBS PC, LR and related instructions (ARM), A1: the SUB
 * (immediate) encoding with S = 1 and Rd = pc. */
a32_status a32_subs_pc(a32_buf *b, a32_cond c, a32_reg rn, uint32_t imm) {
  if (!b)
    return A32_ERR_ARG;
  if (a32_modimm(imm) < 0)
    return a32_fail(b, A32_ERR_IMM, "a32_subs_pc", "0x%x is not a modified immediate",
                    (unsigned)imm);
  return a32_dp(b, c, A32_SUB, true, A32_PC, rn, a32_imm(imm));
}
