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
