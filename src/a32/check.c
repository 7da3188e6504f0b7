/* SPDX-License-Identifier: MIT */
/* check.c — operand checks shared by the encoders.  Each returns A32_OK or
 * records the error (with the emitter's name) and returns its code. */
#include "a32_internal.h"

a32_status a32_chk_cond_fail(a32_buf *b, const char *who, a32_cond c) {
  return a32_fail(b, A32_ERR_ARG, who, "bad condition %u", (unsigned)c);
}

a32_status a32_chk_reg_fail(a32_buf *b, const char *who, const char *what, unsigned r,
                            bool allow_pc) {
  if (r > 15)
    return a32_fail(b, A32_ERR_REG, who, "%s: register %u out of range (r0..r15)",
                    what, r);
  if (r == 15 && !allow_pc)
    return a32_fail(b, A32_ERR_REG, who, "%s must not be pc here (UNPREDICTABLE)",
                    what);
  return A32_OK;
}

a32_status a32_chk_vreg_rest(a32_buf *b, const char *who, bool dbl, unsigned v) {
  if (v > 31)
    return a32_fail(b, A32_ERR_REG, who, "%c%u out of range (%c0..%c31)",
                    dbl ? 'd' : 's', v, dbl ? 'd' : 's', dbl ? 'd' : 's');
  if (dbl && v > 15 && !(b->feats & A32_FEAT_D32))
    return a32_fail(b, A32_ERR_FEATURE, who, "d%u needs A32_FEAT_D32", v);
  return A32_OK;
}

/* Inverse of DecodeImmShift (A8.4.3): LSL #0..31 -> imm5 = n; LSR/ASR #1..32
 * -> imm5 = n mod 32; ROR #1..31 -> imm5 = n; RRX is ROR with imm5 = 0. */
a32_status a32_chk_shift_imm(a32_buf *b, const char *who, unsigned sh, unsigned n,
                             uint32_t *bits) {
  unsigned type, imm5;
  switch (sh) {
  case A32_LSL:
    if (n > 31)
      goto range;
    type = 0, imm5 = n;
    break;
  case A32_LSR:
  case A32_ASR:
    if (n < 1 || n > 32)
      goto range;
    type = sh, imm5 = n & 31;
    break;
  case A32_ROR:
    if (n < 1 || n > 31)
      goto range;
    type = 3, imm5 = n;
    break;
  case A32_RRX:
    type = 3, imm5 = 0;
    break;
  default:
    return a32_fail(b, A32_ERR_ARG, who, "bad shift type %u", sh);
  }
  *bits = (uint32_t)imm5 << 7 | (uint32_t)type << 5;
  return A32_OK;
range:
  return a32_fail(b, A32_ERR_IMM, who, "shift %s #%u out of range (%s)",
                  a32_shift_name((a32_shift)sh), n,
                  sh == A32_LSL ? "0..31" : sh == A32_ROR ? "1..31" : "1..32");
}
