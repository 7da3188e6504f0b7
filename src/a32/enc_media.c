/* SPDX-License-Identifier: MIT */
/* enc_media.c — media instructions (A5.4): extend with optional add and
 * rotation, byte/bit reversal (both A5.4.3 "packing, unpacking, saturation
 * and reversal") and bit-field extract, insert and clear (A5.4). */
#include "a32_internal.h"

/* A5.4.3 extend: cond 0110 1 op(3) Rn Rd rotate 00 0111 Rm; the forms
 * without add are the add forms with Rn = 1111. */
static const struct {
  uint32_t bits;
  uint8_t add;  /* uses rn */
  const char *name;
} extend_ops[] = {
    [A32_SXTB] = {0x06af0070u, 0, "sxtb"},       /* A8.8.233 SXTB A1 */
    [A32_SXTH] = {0x06bf0070u, 0, "sxth"},       /* A8.8.235 SXTH A1 */
    [A32_SXTB16] = {0x068f0070u, 0, "sxtb16"},   /* A8.8.234 SXTB16 A1 */
    [A32_UXTB] = {0x06ef0070u, 0, "uxtb"},       /* A8.8.274 UXTB A1 */
    [A32_UXTH] = {0x06ff0070u, 0, "uxth"},       /* A8.8.276 UXTH A1 */
    [A32_UXTB16] = {0x06cf0070u, 0, "uxtb16"},   /* A8.8.275 UXTB16 A1 */
    [A32_SXTAB] = {0x06a00070u, 1, "sxtab"},     /* A8.8.230 SXTAB A1 */
    [A32_SXTAH] = {0x06b00070u, 1, "sxtah"},     /* A8.8.232 SXTAH A1 */
    [A32_SXTAB16] = {0x06800070u, 1, "sxtab16"}, /* A8.8.231 SXTAB16 A1 */
    [A32_UXTAB] = {0x06e00070u, 1, "uxtab"},     /* A8.8.271 UXTAB A1 */
    [A32_UXTAH] = {0x06f00070u, 1, "uxtah"},     /* A8.8.273 UXTAH A1 */
    [A32_UXTAB16] = {0x06c00070u, 1, "uxtab16"}, /* A8.8.272 UXTAB16 A1 */
};

a32_status a32_extend(a32_buf *b, a32_cond c, a32_extend_op op, a32_reg rd, a32_reg rn,
                      a32_reg rm, unsigned rot) {
  static const char who[] = "a32_extend";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_UXTAB16)
    return a32_fail(b, A32_ERR_ARG, who, "bad extend op %u", (unsigned)op);
  /* d == 15 || m == 15 UNPREDICTABLE; n == 15 selects the form without add. */
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));
  A32_TRY(a32_chk_reg(b, who, "rm", rm, false));
  uint32_t w = a32_cond_bits(c) | extend_ops[op].bits | (uint32_t)rd << 12 | rm;
  if (extend_ops[op].add) {
    A32_TRY(a32_chk_reg(b, who, "rn", rn, false));
    w |= (uint32_t)rn << 16;
  }
  if (rot % 8 || rot > 24)
    return a32_fail(b, A32_ERR_IMM, who, "%s: rotation %u is not 0, 8, 16 or 24",
                    extend_ops[op].name, rot);
  return a32_put(b, w | (rot / 8) << 10);
}

/* A5.4.3 reversal: cond 0110 1o11 1111 Rd 1111 o011 Rm. */
static const uint32_t rev_bits[] = {
    [A32_REV] = 0x06bf0f30u,   /* A8.8.145 REV A1 */
    [A32_REV16] = 0x06bf0fb0u, /* A8.8.146 REV16 A1 */
    [A32_REVSH] = 0x06ff0fb0u, /* A8.8.147 REVSH A1 */
    [A32_RBIT] = 0x06ff0f30u,  /* A8.8.144 RBIT A1 */
};

a32_status a32_rev(a32_buf *b, a32_cond c, a32_rev_op op, a32_reg rd, a32_reg rm) {
  static const char who[] = "a32_rev";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_RBIT)
    return a32_fail(b, A32_ERR_ARG, who, "bad reversal op %u", (unsigned)op);
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));  /* d == 15 || m == 15 UNPREDICTABLE */
  A32_TRY(a32_chk_reg(b, who, "rm", rm, false));
  return a32_put(b, a32_cond_bits(c) | rev_bits[op] | (uint32_t)rd << 12 | rm);
}

/* A5.4 bit fields: cond 0111 1op hi Rd lsb op2 Rn, where hi is width - 1
 * for the extracts and the msb for BFI/BFC; BFC is BFI with Rn = 1111. */
static const struct {
  uint32_t bits;
  uint8_t extract; /* hi = width - 1 (else msb) */
  uint8_t uses_rn;
  const char *name;
} bitfield_ops[] = {
    [A32_UBFX] = {0x07e00050u, 1, 1, "ubfx"}, /* A8.8.246 UBFX A1 */
    [A32_SBFX] = {0x07a00050u, 1, 1, "sbfx"}, /* A8.8.164 SBFX A1 */
    [A32_BFI] = {0x07c00010u, 0, 1, "bfi"},   /* A8.8.20 BFI A1 */
    [A32_BFC] = {0x07c0001fu, 0, 0, "bfc"},   /* A8.8.19 BFC A1 */
};

a32_status a32_bitfield(a32_buf *b, a32_cond c, a32_bitfield_op op, a32_reg rd,
                        a32_reg rn, unsigned lsb, unsigned width) {
  static const char who[] = "a32_bitfield";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_BFC)
    return a32_fail(b, A32_ERR_ARG, who, "bad bit-field op %u", (unsigned)op);
  /* d == 15 UNPREDICTABLE; n == 15 UNPREDICTABLE (xBFX) or BFC (BFI). */
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));
  uint32_t w = a32_cond_bits(c) | bitfield_ops[op].bits | (uint32_t)rd << 12;
  if (bitfield_ops[op].uses_rn) {
    A32_TRY(a32_chk_reg(b, who, "rn", rn, false));
    w |= rn;
  }
  if (lsb > 31 || width < 1 || width > 32 - lsb)
    return a32_fail(b, A32_ERR_IMM, who,
                    "%s: lsb %u, width %u: need lsb 0..31 and width 1..32-lsb",
                    bitfield_ops[op].name, lsb, width);
  unsigned hi = bitfield_ops[op].extract ? width - 1 : lsb + width - 1;
  return a32_put(b, w | (uint32_t)hi << 16 | (uint32_t)lsb << 7);
}
