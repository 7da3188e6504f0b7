/* SPDX-License-Identifier: MIT */
/* enc_vfp_mem.c — VFP loads and stores (A7.6): VLDR/VSTR and VPUSH/VPOP. */
#include "a32_internal.h"

/* A8.8.333 VLDR / A8.8.413 VSTR (A1 double, A2 single):
 *   cond 1101 U D 0 L Rn Vd 101 sz imm8, offset = imm8 * 4 */
static a32_status vldst(a32_buf *b, const char *who, bool load, a32_cond c,
                        bool dbl, a32_vreg vd, a32_reg rn, int32_t off) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_vreg(b, who, dbl, vd));
  A32_TRY(a32_chk_reg(b, who, "rn", rn, true));  /* pc: literal, fine in A32 */
  if (off % 4 != 0)
    return a32_fail(b, A32_ERR_ALIGN, who, "offset %ld is not a multiple of 4",
                    (long)off);
  if (off < -1020 || off > 1020)
    return a32_fail(b, A32_ERR_IMM, who, "offset %ld out of range (+-1020)", (long)off);
  uint32_t imm8 = (uint32_t)(off < 0 ? -off : off) / 4;
  return a32_put(b, a32_cond_bits(c) | 0x0d000a00u | (uint32_t)load << 20 |
                        (uint32_t)(off >= 0) << 23 | (dbl ? 0x100u : 0) |
                        (uint32_t)rn << 16 | a32_vd_bits(dbl, vd) | imm8);
}

a32_status a32_vldr(a32_buf *b, a32_cond c, bool dbl, a32_vreg vd, a32_reg rn,
                    int32_t off) {
  return vldst(b, "a32_vldr", true, c, dbl, vd, rn, off);
}
a32_status a32_vstr(a32_buf *b, a32_cond c, bool dbl, a32_vreg vd, a32_reg rn,
                    int32_t off) {
  return vldst(b, "a32_vstr", false, c, dbl, vd, rn, off);
}

/* A8.8.368 VPUSH = VSTMDB sp!, A8.8.367 VPOP = VLDMIA sp! (A1, doubles):
 *   cond 110 P U D W L 1101 Vd 1011 imm8, imm8 = 2 * count */
static a32_status vpushpop(a32_buf *b, const char *who, bool pop, a32_cond c,
                           a32_vreg first, unsigned count) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if (count < 1 || count > 16 || first > 31 || count > 32 - first)
    return a32_fail(b, A32_ERR_REGLIST, who,
                    "d%u + %u registers: need 1..16 registers within d0..d31",
                    first, count);
  if (first + count > 16 && !(b->feats & A32_FEAT_D32))
    return a32_fail(b, A32_ERR_FEATURE, who, "d%u..d%u need A32_FEAT_D32", first,
                    first + count - 1);
  return a32_put(b, a32_cond_bits(c) | (pop ? 0x0cbd0b00u : 0x0d2d0b00u) |
                        a32_vd_bits(true, first) | 2u * count);
}

a32_status a32_vpush(a32_buf *b, a32_cond c, a32_vreg first, unsigned count) {
  return vpushpop(b, "a32_vpush", false, c, first, count);
}
a32_status a32_vpop(a32_buf *b, a32_cond c, a32_vreg first, unsigned count) {
  return vpushpop(b, "a32_vpop", true, c, first, count);
}
