/* SPDX-License-Identifier: MIT */
/* imm.c — A32 modified immediates (A5.2.4): an 8-bit value rotated right
 * by an even amount. */
#include "a32_internal.h"

static uint32_t rol32(uint32_t v, unsigned n) {
  return n ? (v << n) | (v >> (32 - n)) : v;
}

static unsigned ctz32(uint32_t v) { /* v != 0 */
#if defined(__GNUC__)
  return (unsigned)__builtin_ctz(v);
#else
  unsigned n = 0;
  while (!(v & 1u)) { v >>= 1; n++; }
  return n;
#endif
}

int a32_modimm(uint32_t v) {
  /* The smallest rotation wins, as GNU as and the ARM ARM's canonical
   * encoding choose: imm12 = rot:imm8 with v = ROR(imm8, 2*rot). */
  if (v <= 0xff) return (int)v; /* rotation 0: most constants */
  /* Rotations 1-3: the 8 bits may wrap from bit 31 to bit 0; v fits
   * rotation r when no bit lies outside ROR(0xff, 2r). */
  if (!(v & ~0xc000003fu)) return (int)(1u << 8 | rol32(v, 2));
  if (!(v & ~0xf000000fu)) return (int)(2u << 8 | rol32(v, 4));
  if (!(v & ~0xfc000003u)) return (int)(3u << 8 | rol32(v, 6));
  /* Rotations 4-15 place the 8 bits at an even bit s = 32 - 2*rot (8..24)
   * without wrapping; the smallest rotation is the highest s, the even
   * bit at or below the lowest set one. */
  unsigned s = ctz32(v) & ~1u;
  if (v >> s > 0xff) return -1;
  return (int)((32 - s) / 2 << 8 | v >> s);
}

uint32_t a32_modimm_ceil(uint32_t v) {
  if (v > 0xff000000u) return 0;
  unsigned s = 0;
  while (((uint64_t)v + ((1u << s) - 1)) >> s > 0xff) s += 2;
  return (uint32_t)((((uint64_t)v + ((1u << s) - 1)) >> s) << s);
}

/* The opcode that computes the same result from the transformed value:
 * x + v == x - (-v); x + v + C == x - ~v - !C; CMP x, v sets the flags of
 * CMN x, -v (v != 0, and 0 is always encodable); x & v == x & ~(~v);
 * v == ~(~v).  EOR, RSB, RSC, TST, TEQ and ORR have none. */
enum { INV_NONE, INV_NEGATE, INV_COMPLEMENT };
static const struct {
  uint8_t how;     /* INV_* */
  uint8_t inverse; /* a32_dp_op */
} inverse_of[16] = {
    [A32_AND] = {INV_COMPLEMENT, A32_BIC}, [A32_BIC] = {INV_COMPLEMENT, A32_AND},
    [A32_ADD] = {INV_NEGATE, A32_SUB},     [A32_SUB] = {INV_NEGATE, A32_ADD},
    [A32_ADC] = {INV_COMPLEMENT, A32_SBC}, [A32_SBC] = {INV_COMPLEMENT, A32_ADC},
    [A32_CMP] = {INV_NEGATE, A32_CMN},     [A32_CMN] = {INV_NEGATE, A32_CMP},
    [A32_MOV] = {INV_COMPLEMENT, A32_MVN}, [A32_MVN] = {INV_COMPLEMENT, A32_MOV},
};

bool a32_modimm_inverse(a32_dp_op *op, uint32_t *v) {
  if (!op || !v || (unsigned)*op > A32_MVN)
    return false;
  if (a32_modimm(*v) >= 0)
    return true;
  unsigned how = inverse_of[*op].how;
  if (how == INV_NONE)
    return false;
  uint32_t w = how == INV_NEGATE ? 0u - *v : ~*v;
  if (a32_modimm(w) < 0)
    return false;
  *op = (a32_dp_op)inverse_of[*op].inverse;
  *v = w;
  return true;
}
