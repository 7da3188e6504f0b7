/* SPDX-License-Identifier: MIT */
/* AAPCS parameter passing (see abi.h).  The rule numbers are the
 * standard's stage C rules (§6.5.3 "Parameter marshaling"); stages A and
 * B add nothing for our types (no composites, nothing larger than 8
 * bytes, no variadic calls).  NCRN: next core register, NSAA: next
 * stacked argument address (as an offset from sp at the call).
 *
 * The VFP variant (hard-float) keeps the VFP argument registers as a mask
 * of free single-precision registers s0-s15; d<k> is the pair
 * s<2k>:s<2k+1>.  Its rules for a VFP CPRC (a double or an f32):
 *
 *   C.1  there are enough consecutive free registers of the argument's
 *        kind: take the lowest-numbered such sequence.  A double needs a
 *        free d register (an even-aligned S pair); an f32 takes the
 *        lowest free S register, which may be the upper half of a d
 *        register whose lower half an earlier f32 took, or a hole an
 *        earlier double skipped: back-filling, e.g. (f32, f64, f32) is
 *        s0, d1, s1.
 *   C.2  otherwise every VFP argument register still free becomes
 *        unavailable (no later f32 back-fills), NSAA is rounded up to
 *        the argument's alignment (8 for a double, 4 for an f32), the
 *        argument is copied there and NSAA advances by its size.  The
 *        core registers are not touched: a later int may still take
 *        r0-r3.
 *
 * Every other argument (ints, refs, i64; doubles and f32 under
 * soft-float) goes through the core rules:
 *
 *   C.3  an 8-byte aligned argument (i64, soft-float double) rounds NCRN
 *        up to an even register, leaving r1 or r3 unused.
 *   C.4  it fits in the core registers left: take them (one word: 1,
 *        i64/double: 2, low word in the lower register).
 *   C.5  splitting between r3 and the stack cannot happen: the only
 *        two-word arguments are 8-byte aligned, so by C.3 they start at an
 *        even NCRN and fit whole or NCRN is already 4.
 *   C.6  NCRN = 4: once an argument goes to the stack, no later argument
 *        takes a core register (a skipped r3 is never back-filled).
 *   C.7  an 8-byte aligned argument's stack slot is 8-byte aligned.
 *   C.8  copy to [NSAA] and advance NSAA by the size. */
#include "arm/abi.h"

#include "arm/target.h"

/* Bytes (4 or 8) an argument of `type` takes. */
static uint32_t arg_size(int type) {
  return type == ARMJIT_FLOAT || type == ARM_TY_I64 ? 8u : 4u;
}

uint32_t abi_classify(armjit_abi abi, const uint8_t *types, uint32_t n, abi_loc *out) {
  bool hard = abi == ARMJIT_ABI_HARD;
  uint32_t ncrn = 0, nsaa = 0;
  uint32_t sfree = ARM_RANGE(0, 2 * ARM_NVFP_ARGS - 1); /* free s0-s15 */
  for (uint32_t k = 0; k < n; k++) {
    int ty = types[k];
    abi_loc l = {ABI_STACK, types[k], 0, 0};
    uint32_t size = arg_size(ty);
    bool vfp_cprc = hard && (ty == ARMJIT_FLOAT || ty == ARM_TY_F32);
    if (vfp_cprc) {
      /* C.1: lowest free single, or lowest free aligned pair */
      uint32_t step = size / 4, need = step == 2 ? 3u : 1u;
      for (uint32_t s = 0; s < 2 * ARM_NVFP_ARGS; s += step)
        if ((sfree >> s & need) == need) {
          sfree &= ~(need << s);
          l.kind = step == 2 ? ABI_VFP : ABI_SREG;
          l.reg = (uint8_t)(step == 2 ? s / 2 : s);
          break;
        }
      if (l.kind == ABI_STACK) {          /* C.2 */
        sfree = 0;
        nsaa = (nsaa + size - 1) & ~(size - 1);
        l.off = nsaa;
        nsaa += size;
      }
      out[k] = l;
      continue;
    }
    uint32_t words = size / 4;
    if (words == 2) ncrn = (ncrn + 1u) & ~1u;      /* C.3 */
    if (ncrn + words <= ARM_NCORE_ARGS) {           /* C.4 (C.5 never) */
      l.kind = words == 2 ? ABI_PAIR : ABI_CORE;
      l.reg = (uint8_t)ncrn;
      ncrn += words;
    } else {
      ncrn = ARM_NCORE_ARGS;                        /* C.6 */
      if (words == 2) nsaa = (nsaa + 7u) & ~7u;     /* C.7 */
      l.off = nsaa;                                 /* C.8 */
      nsaa += size;
    }
    out[k] = l;
  }
  return (nsaa + 7u) & ~7u;
}

abi_loc abi_result(armjit_abi abi, int type) {
  bool hard = abi == ARMJIT_ABI_HARD;
  abi_loc l = {ABI_CORE, (uint8_t)type, 0, 0};
  if (type == ARMJIT_VOID) l.kind = ABI_NONE;
  else if (type == ARM_TY_I64) l.kind = ABI_PAIR;
  else if (type == ARMJIT_FLOAT) l.kind = hard ? ABI_VFP : ABI_PAIR;
  else if (type == ARM_TY_F32) l.kind = hard ? ABI_SREG : ABI_CORE;
  return l;
}
