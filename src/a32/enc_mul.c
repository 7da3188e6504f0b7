/* SPDX-License-Identifier: MIT */
/* enc_mul.c — multiply (A5.2.5) and divide (A5.4.4). */
#include "a32_internal.h"

/* A5.2.5 multiply and multiply accumulate:
 *   cond 0000 op S hi lo Rm 1001 Rn
 * 32-bit forms put Rd in `hi` and Ra in `lo`; long forms RdHi in `hi` and
 * RdLo in `lo`. */
static const struct {
  uint32_t bits;
  uint8_t has_s;  /* S bit exists (not MLS, UMAAL) */
  uint8_t is_long;
  uint8_t uses_ra; /* 32-bit form with accumulator */
  const char *name;
} mul_info[] = {
    [A32_MUL] = {0x00000090u, 1, 0, 0, "mul"},     /* A8.8.114 */
    [A32_MLA] = {0x00200090u, 1, 0, 1, "mla"},     /* A8.8.100 */
    [A32_MLS] = {0x00600090u, 0, 0, 1, "mls"},     /* A8.8.101 */
    [A32_UMAAL] = {0x00400090u, 0, 1, 0, "umaal"}, /* A8.8.255 */
    [A32_UMULL] = {0x00800090u, 1, 1, 0, "umull"}, /* A8.8.257 */
    [A32_UMLAL] = {0x00a00090u, 1, 1, 0, "umlal"}, /* A8.8.256 */
    [A32_SMULL] = {0x00c00090u, 1, 1, 0, "smull"}, /* A8.8.189 */
    [A32_SMLAL] = {0x00e00090u, 1, 1, 0, "smlal"}, /* A8.8.178 */
};

a32_status a32_mul(a32_buf *b, a32_cond c, a32_mul_op op, bool s, a32_reg rd,
                   a32_reg rn, a32_reg rm, a32_reg ra) {
  static const char who[] = "a32_mul";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_SMLAL)
    return a32_fail(b, A32_ERR_ARG, who, "bad multiply op %u", (unsigned)op);
  /* Every operand being pc is UNPREDICTABLE in this class. */
  bool is_long = mul_info[op].is_long;
  A32_TRY(a32_chk_reg(b, who, is_long ? "rdlo" : "rd", rd, false));
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));
  A32_TRY(a32_chk_reg(b, who, "rm", rm, false));
  if (is_long || mul_info[op].uses_ra)
    A32_TRY(a32_chk_reg(b, who, is_long ? "rdhi" : "ra", ra, false));
  else
    ra = 0;
  if (s && !mul_info[op].has_s)
    return a32_fail(b, A32_ERR_ARG, who, "%s has no flag-setting form",
                    mul_info[op].name);
  if (is_long && rd == ra)  /* dLo == dHi UNPREDICTABLE */
    return a32_fail(b, A32_ERR_REG, who, "%s: rdlo and rdhi must differ",
                    mul_info[op].name);
  unsigned hi = is_long ? ra : rd, lo = is_long ? rd : ra;
  return a32_put(b, a32_cond_bits(c) | mul_info[op].bits | (uint32_t)s << 20 |
                        (uint32_t)hi << 16 | (uint32_t)lo << 12 |
                        (uint32_t)rm << 8 | rn);
}

/* A8.8.165 SDIV / A8.8.248 UDIV, encoding A1:
 *   cond 0111 0U01 Rd 1111 Rm 0001 Rn  (optional in ARMv7-A) */
static a32_status div_emit(a32_buf *b, const char *who, uint32_t bits, a32_cond c,
                           a32_reg rd, a32_reg rn, a32_reg rm) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if (!(b->feats & A32_FEAT_IDIV))
    return a32_fail(b, A32_ERR_FEATURE, who, "needs A32_FEAT_IDIV");
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));
  A32_TRY(a32_chk_reg(b, who, "rm", rm, false));
  return a32_put(b, a32_cond_bits(c) | bits | (uint32_t)rd << 16 |
                        (uint32_t)rm << 8 | rn);
}

a32_status a32_sdiv(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rn, a32_reg rm) {
  return div_emit(b, "a32_sdiv", 0x0710f010u, c, rd, rn, rm);
}
a32_status a32_udiv(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rn, a32_reg rm) {
  return div_emit(b, "a32_udiv", 0x0730f010u, c, rd, rn, rm);
}
