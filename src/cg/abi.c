/* SPDX-License-Identifier: MIT */
/* AAPCS parameter passing (see abi.h).  The rule numbers are the
 * standard's stage C rules; only the cases our three types reach are
 * written out:
 *
 *   C.1  hard-float double, a free d register in d0-d7: the lowest free
 *        one.  (Only doubles exist, so the VFP registers fill in order and
 *        back-filling of single-precision holes never arises.)
 *   C.2  hard-float double, d0-d7 used up: no VFP register is available
 *        any more; the double goes to the stack (NSAA rounded up to 8).
 *        The core registers are not touched: a later int may still take
 *        r0-r3.
 *   C.3  a double passed in core registers (soft-float) is 8-byte
 *        aligned: NCRN rounds up to an even register, leaving r1 or r3
 *        unused.
 *   C.4  it fits in the core registers left: take them (int: 1, double 2).
 *   C.5  splitting between r3 and the stack cannot happen here: a double
 *        starts at an even NCRN (C.3), so it fits whole or NCRN is 4.
 *   C.6  NCRN = 4: once an argument goes to the stack, no later argument
 *        takes a core register (the skipped r3 is never back-filled).
 *   C.7  a double's stack slot is 8-byte aligned.
 *   C.8  copy to [NSAA] and advance NSAA by the size. */
#include "cg/abi.h"

uint32_t abi_classify(armjit_abi abi, const uint8_t *types, uint32_t n, abi_loc *out) {
  bool hard = abi == ARMJIT_ABI_HARD;
  uint32_t ncrn = 0, nsrn_d = 0, nsaa = 0;
  for (uint32_t k = 0; k < n; k++) {
    abi_loc l = {ABI_STACK, types[k], 0, 0};
    bool dbl = types[k] == ARMJIT_FLOAT;
    if (dbl && hard) {
      if (nsrn_d < 8) {                  /* C.1 */
        l.kind = ABI_VFP;
        l.reg = (uint8_t)nsrn_d++;
      } else {                           /* C.2 */
        nsaa = (nsaa + 7u) & ~7u;
        l.off = nsaa;
        nsaa += 8;
      }
      out[k] = l;
      continue;
    }
    uint32_t words = dbl ? 2 : 1;
    if (dbl) ncrn = (ncrn + 1u) & ~1u;   /* C.3 */
    if (ncrn + words <= 4) {             /* C.4 */
      l.kind = dbl ? ABI_PAIR : ABI_CORE;
      l.reg = (uint8_t)ncrn;
      ncrn += words;
    } else {
      ncrn = 4;                          /* C.6 */
      if (dbl) nsaa = (nsaa + 7u) & ~7u; /* C.7 */
      l.off = nsaa;                      /* C.8 */
      nsaa += 4 * words;
    }
    out[k] = l;
  }
  return (nsaa + 7u) & ~7u;
}

abi_loc abi_result(armjit_abi abi, armjit_type type) {
  abi_loc l = {ABI_CORE, (uint8_t)type, 0, 0};
  if (type == ARMJIT_VOID) l.kind = ABI_NONE;
  else if (type == ARMJIT_FLOAT) l.kind = abi == ARMJIT_ABI_HARD ? ABI_VFP : ABI_PAIR;
  return l;
}
