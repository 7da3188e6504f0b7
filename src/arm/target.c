/* SPDX-License-Identifier: MIT */
/* Condition-code maps (see target.h). */
#include "arm/target.h"

a32_cond arm_cc_int(arm_cmp k) {
  static const a32_cond cc[ARM_NCMP] = {
      [ARM_CMP_EQ] = A32_EQ,  [ARM_CMP_NE] = A32_NE,  /* Z */
      [ARM_CMP_LT] = A32_LT,  [ARM_CMP_LE] = A32_LE,  /* N != V, Z or N != V */
      [ARM_CMP_GT] = A32_GT,  [ARM_CMP_GE] = A32_GE,  /* !Z and N == V, N == V */
      [ARM_CMP_ULT] = A32_LO, [ARM_CMP_ULE] = A32_LS, /* !C, !C or Z */
      [ARM_CMP_UGT] = A32_HI, [ARM_CMP_UGE] = A32_HS, /* C and !Z, C */
  };
  return (unsigned)k < ARM_NCMP ? cc[k] : A32_AL;
}

/* VCMP flags as VMRS copies them to APSR: less N=1 C=0,
 * equal Z=1 C=1, greater C=1, unordered C=1 V=1. */
a32_cond arm_cc_float(arm_cmp k) {
  static const a32_cond cc[ARM_NCMP] = {
      [ARM_CMP_EQ] = A32_EQ, [ARM_CMP_NE] = A32_NE,
      [ARM_CMP_LT] = A32_MI, /* N: less only */
      [ARM_CMP_LE] = A32_LS, /* !C or Z: less or equal, not unordered */
      [ARM_CMP_GT] = A32_GT, /* !Z and N == V: greater only */
      [ARM_CMP_GE] = A32_GE, /* N == V: greater or equal */
      [ARM_CMP_ULT] = A32_AL, [ARM_CMP_ULE] = A32_AL,
      [ARM_CMP_UGT] = A32_AL, [ARM_CMP_UGE] = A32_AL,
  };
  return (unsigned)k < ARM_NCMP ? cc[k] : A32_AL;
}

a32_cond arm_cc_swap(a32_cond c) {
  switch (c) {
  case A32_LT: return A32_GT;
  case A32_GT: return A32_LT;
  case A32_LE: return A32_GE;
  case A32_GE: return A32_LE;
  case A32_LO: return A32_HI;
  case A32_HI: return A32_LO;
  case A32_LS: return A32_HS;
  case A32_HS: return A32_LS;
  default: return c;
  }
}
