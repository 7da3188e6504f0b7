/* SPDX-License-Identifier: MIT */
/* enc_neon_mem.c — Advanced SIMD element and structure loads and stores
 * (A7.7): VLD1/VST1 of multiple single elements, 1 to 4 consecutive d
 * registers.  Always unconditional. */
#include "a32_internal.h"

/* 1111 0100 0 D L0 Rn Vd type size align Rm:
 *   L = 1: A8.8.320 VLD1 (multiple single elements) A1,
 *   L = 0: A8.8.404 VST1 (multiple single elements) A1. */
#define VLD1_BITS 0xf4200000u
#define VST1_BITS 0xf4000000u

/* type by register count, and the alignments (in bytes) each allows:
 * align = 11 is UNDEFINED for two registers, align<1> = 1 for one and
 * three. */
static const struct {
  uint32_t type;
  uint8_t max_align;
} vldst1_regs[5] = {
    [1] = {0x7u, 8}, [2] = {0xau, 16}, [3] = {0x6u, 8}, [4] = {0x2u, 32},
};

static a32_status vldst1(a32_buf *b, const char *who, bool load, unsigned esize,
                         a32_vreg first, unsigned n, a32_reg rn, unsigned align,
                         a32_reg rm) {
  if (!b)
    return A32_ERR_ARG;
  if (!(b->feats & A32_FEAT_NEON))
    return a32_fail(b, A32_ERR_FEATURE, who, "needs A32_FEAT_NEON");
  unsigned size;
  switch (esize) {
  case 8: size = 0; break;
  case 16: size = 1; break;
  case 32: size = 2; break;
  case 64: size = 3; break;
  default:
    return a32_fail(b, A32_ERR_ARG, who, "element size %u is not 8, 16, 32 or 64", esize);
  }
  if (n < 1 || n > 4)
    return a32_fail(b, A32_ERR_REGLIST, who, "%u registers: 1 to 4 allowed", n);
  A32_TRY(a32_chk_vreg(b, who, true, first));
  A32_TRY(a32_chk_vreg(b, who, true, first + n - 1));  /* d + regs > 32 UNPREDICTABLE */
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));       /* n == 15 UNPREDICTABLE */
  if (rm > 15)
    return a32_fail(b, A32_ERR_REG, who, "rm: register %u out of range", (unsigned)rm);
  unsigned a;
  switch (align) {
  case 0: a = 0; break;
  case 8: a = 1; break;
  case 16: a = 2; break;
  case 32: a = 3; break;
  default: a = 4; break;
  }
  if (a == 4 || align > vldst1_regs[n].max_align)
    return a32_fail(b, A32_ERR_ALIGN, who,
                    "alignment %u bytes is not allowed for %u registers (0, 8%s%s)",
                    align, n, n == 2 || n == 4 ? ", 16" : "", n == 4 ? ", 32" : "");
  return a32_put(b, (load ? VLD1_BITS : VST1_BITS) | a32_vd_bits(true, first) |
                        (uint32_t)rn << 16 | vldst1_regs[n].type << 8 |
                        (uint32_t)size << 6 | (uint32_t)a << 4 | rm);
}

a32_status a32_vld1(a32_buf *b, unsigned esize, a32_vreg first, unsigned n, a32_reg rn,
                    unsigned align, a32_reg rm) {
  return vldst1(b, "a32_vld1", true, esize, first, n, rn, align, rm);
}
a32_status a32_vst1(a32_buf *b, unsigned esize, a32_vreg first, unsigned n, a32_reg rn,
                    unsigned align, a32_reg rm) {
  return vldst1(b, "a32_vst1", false, esize, first, n, rn, align, rm);
}
