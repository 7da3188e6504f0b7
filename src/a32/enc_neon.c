/* SPDX-License-Identifier: MIT */
/* enc_neon.c — Advanced SIMD "three registers of the same length" (A7.4.1)
 * on 64-bit d registers (Q = 0):
 *   1111 001U 0 D size Vn Vd opc N Q M o1 Vm
 * (size is the lane width of the integer ops, sz = 0 the f32 lanes).
 * Always unconditional. */
#include "a32_internal.h"

static const struct {
  uint32_t bits;
  const char *name;
} neon3_ops[] = {
    [A32_NADD_I64] = {0xf2300800u, "vadd.i64"}, /* A8.8.282 VADD (int), size 11 */
    [A32_NSUB_I64] = {0xf3300800u, "vsub.i64"}, /* A8.8.414 VSUB (int), size 11 */
    [A32_NAND] = {0xf2000110u, "vand"},         /* A8.8.287 VAND (register) */
    [A32_NORR] = {0xf2200110u, "vorr"},         /* A8.8.376 VORR (register) */
    [A32_NEOR] = {0xf3000110u, "veor"},         /* A8.8.315 VEOR */
    [A32_NADD_I8] = {0xf2000800u, "vadd.i8"},   /* A8.8.282 VADD (int), size 00 */
    [A32_NADD_I16] = {0xf2100800u, "vadd.i16"}, /* A8.8.282 VADD (int), size 01 */
    [A32_NADD_I32] = {0xf2200800u, "vadd.i32"}, /* A8.8.282 VADD (int), size 10 */
    [A32_NSUB_I8] = {0xf3000800u, "vsub.i8"},   /* A8.8.414 VSUB (int), size 00 */
    [A32_NSUB_I16] = {0xf3100800u, "vsub.i16"}, /* A8.8.414 VSUB (int), size 01 */
    [A32_NSUB_I32] = {0xf3200800u, "vsub.i32"}, /* A8.8.414 VSUB (int), size 10 */
    [A32_NMUL_I8] = {0xf2000910u, "vmul.i8"},   /* A8.8.350 VMUL (int) A1, op = 0 */
    [A32_NMUL_I16] = {0xf2100910u, "vmul.i16"}, /* A8.8.350 VMUL (int) A1, op = 0 */
    [A32_NMUL_I32] = {0xf2200910u, "vmul.i32"}, /* A8.8.350 VMUL (int) A1, op = 0 */
    [A32_NADD_F32] = {0xf2000d00u, "vadd.f32"}, /* A8.8.283 VADD (fp) A1, sz = 0 */
    [A32_NSUB_F32] = {0xf2200d00u, "vsub.f32"}, /* A8.8.415 VSUB (fp) A1, sz = 0 */
    [A32_NMUL_F32] = {0xf3000d10u, "vmul.f32"}, /* A8.8.351 VMUL (fp) A1, sz = 0 */
};

/* "Two registers and a shift amount" (A7.4.4), 64-bit lanes (L = 1, Q = 0):
 *   1111 001U 1 D imm6 Vd opc L Q M 1 Vm
 * VSHL takes imm6 = n, VSHR imm6 = 64 - n. */
static const struct {
  uint32_t bits;
  const char *name;
  unsigned lo, hi;  /* the shifts it encodes */
} neon_shift_ops[] = {
    [A32_NSHL_I64] = {0xf2800590u, "vshl.i64", 1, 63},  /* A8.8.395 VSHL (immediate) A1 */
    [A32_NSHR_S64] = {0xf2800090u, "vshr.s64", 1, 64},  /* A8.8.398 VSHR A1, U = 0 */
    [A32_NSHR_U64] = {0xf3800090u, "vshr.u64", 1, 64},  /* A8.8.398 VSHR A1, U = 1 */
};

a32_status a32_neon_shift_imm(a32_buf *b, a32_neon_shift_op op, a32_vreg dd, a32_vreg dm,
                              unsigned n) {
  static const char who[] = "a32_neon_shift_imm";
  if (!b)
    return A32_ERR_ARG;
  if ((unsigned)op > A32_NSHR_U64)
    return a32_fail(b, A32_ERR_ARG, who, "bad NEON shift op %u", (unsigned)op);
  if (!(b->feats & A32_FEAT_NEON))
    return a32_fail(b, A32_ERR_FEATURE, who, "%s needs A32_FEAT_NEON", neon_shift_ops[op].name);
  if (n < neon_shift_ops[op].lo || n > neon_shift_ops[op].hi)
    return a32_fail(b, A32_ERR_IMM, who, "%s shifts by %u..%u, not %u", neon_shift_ops[op].name,
                    neon_shift_ops[op].lo, neon_shift_ops[op].hi, n);
  A32_TRY(a32_chk_vreg(b, who, true, dd));
  A32_TRY(a32_chk_vreg(b, who, true, dm));
  uint32_t imm6 = op == A32_NSHL_I64 ? n : 64 - n;
  return a32_put(b, neon_shift_ops[op].bits | imm6 << 16 | a32_vd_bits(true, dd) |
                        a32_vm_bits(true, dm));
}

a32_status a32_neon3(a32_buf *b, a32_neon_op op, a32_vreg dd, a32_vreg dn, a32_vreg dm) {
  static const char who[] = "a32_neon3";
  if (!b)
    return A32_ERR_ARG;
  if ((unsigned)op > A32_NMUL_F32)
    return a32_fail(b, A32_ERR_ARG, who, "bad NEON op %u", (unsigned)op);
  if (!(b->feats & A32_FEAT_NEON))
    return a32_fail(b, A32_ERR_FEATURE, who, "%s needs A32_FEAT_NEON",
                    neon3_ops[op].name);
  A32_TRY(a32_chk_vreg(b, who, true, dd));
  A32_TRY(a32_chk_vreg(b, who, true, dn));
  A32_TRY(a32_chk_vreg(b, who, true, dm));
  return a32_put(b, neon3_ops[op].bits | a32_vd_bits(true, dd) |
                        a32_vn_bits(true, dn) | a32_vm_bits(true, dm));
}
