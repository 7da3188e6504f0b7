/* SPDX-License-Identifier: MIT */
/* enc_block.c — block transfers (A5.5): LDM/STM, their system-level "^"
 * forms, SRS/RFE and PUSH/POP. */
#include "a32_internal.h"

/* P and U by addressing mode: cond 100 P U 0 W L Rn register_list */
static const uint32_t block_pu[] = {
    [A32_IA] = 0x00800000u, /* A8.8.58 LDM / A8.8.199 STM */
    [A32_IB] = 0x01800000u, /* A8.8.61 LDMIB / A8.8.202 STMIB */
    [A32_DA] = 0x00000000u, /* A8.8.59 LDMDA / A8.8.200 STMDA */
    [A32_DB] = 0x01000000u, /* A8.8.60 LDMDB / A8.8.201 STMDB */
};

static unsigned lowest_bit(uint16_t mask) {
  unsigned i = 0;
  while (!(mask & (1u << i)))
    i++;
  return i;
}

/* cond 100 P U S W L Rn register_list; S (bit 22) selects the "^" forms:
 *   B9.3.5 LDM (exception return): L = 1, pc in the list;
 *   B9.3.6 LDM (User registers) / B9.3.17 STM (User registers): no pc
 *     (LDM), W = 0. */
static a32_status block_emit(a32_buf *b, const char *who, bool load, bool caret, a32_cond c,
                             a32_block_mode m, a32_reg rn, bool wb, uint16_t mask) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)m > A32_DB)
    return a32_fail(b, A32_ERR_ARG, who, "bad addressing mode %u", (unsigned)m);
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));  /* n == 15 UNPREDICTABLE */
  if (mask == 0)
    return a32_fail(b, A32_ERR_REGLIST, who, "empty register list");
  /* LDM: wback with Rn in the list is UNPREDICTABLE (v7); STM: it stores an
   * UNKNOWN value unless Rn is the lowest register. */
  if (wb && (mask & (1u << rn)) && (load || lowest_bit(mask) != (unsigned)rn))
    return a32_fail(b, A32_ERR_REGLIST, who,
                    "writeback base %s is in the register list", a32_reg_name(rn));
  if (caret && wb && !(load && (mask & (1u << A32_PC))))
    return a32_fail(b, A32_ERR_ARG, who,
                    "the user-register form (no pc) has no writeback (UNPREDICTABLE)");
  return a32_put(b, a32_cond_bits(c) | 0x08000000u | block_pu[m] |
                        (uint32_t)caret << 22 | (uint32_t)wb << 21 |
                        (uint32_t)load << 20 | (uint32_t)rn << 16 | mask);
}

a32_status a32_ldm(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                   bool wb, uint16_t mask) {
  return block_emit(b, "a32_ldm", true, false, c, m, rn, wb, mask);
}
a32_status a32_stm(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                   bool wb, uint16_t mask) {
  return block_emit(b, "a32_stm", false, false, c, m, rn, wb, mask);
}
a32_status a32_ldm_caret(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                         bool wb, uint16_t mask) {
  return block_emit(b, "a32_ldm_caret", true, true, c, m, rn, wb, mask);
}
a32_status a32_stm_caret(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                         uint16_t mask) {
  return block_emit(b, "a32_stm_caret", false, true, c, m, rn, false, mask);
}

/* Return state, unconditional, P and U as above:
 *   B9.3.16 SRS (ARM) A1: 1111 100P U1W0 1101 0000 0101 000 mode
 *   B9.3.13 RFE A1:       1111 100P U0W1 Rn   0000 1010 0000 0000 */
a32_status a32_srs(a32_buf *b, a32_block_mode m, bool wb, unsigned mode) {
  static const char who[] = "a32_srs";
  if (!b)
    return A32_ERR_ARG;
  if ((unsigned)m > A32_DB)
    return a32_fail(b, A32_ERR_ARG, who, "bad addressing mode %u", (unsigned)m);
  if (!a32_mode_valid(mode))
    return a32_fail(b, A32_ERR_IMM, who, "0x%x is not a processor mode", mode);
  return a32_put(b, 0xf84d0500u | block_pu[m] | (uint32_t)wb << 21 | mode);
}

a32_status a32_rfe(a32_buf *b, a32_block_mode m, a32_reg rn, bool wb) {
  static const char who[] = "a32_rfe";
  if (!b)
    return A32_ERR_ARG;
  if ((unsigned)m > A32_DB)
    return a32_fail(b, A32_ERR_ARG, who, "bad addressing mode %u", (unsigned)m);
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));  /* n == 15 UNPREDICTABLE */
  return a32_put(b, 0xf8100a00u | block_pu[m] | (uint32_t)wb << 21 | (uint32_t)rn << 16);
}

/* A8.8.133 PUSH = STMDB sp!, A8.8.131 POP = LDMIA sp!; a single register
 * uses encoding A2 instead (STR rt, [sp, #-4]! / LDR rt, [sp], #4), as the
 * ARM ARM prescribes and GNU as emits. */
static a32_status pushpop(a32_buf *b, const char *who, bool pop, a32_cond c,
                          uint16_t mask) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if (mask == 0)
    return a32_fail(b, A32_ERR_REGLIST, who, "empty register list");
  if (mask & (1u << A32_SP))
    return a32_fail(b, A32_ERR_REGLIST, who, "sp may not be in the list");
  if (!pop && (mask & (1u << A32_PC)))
    return a32_fail(b, A32_ERR_REGLIST, who, "pc may not be pushed");
  if ((mask & (mask - 1)) == 0) {
    a32_reg rt = (a32_reg)lowest_bit(mask);
    return pop ? a32_ldst(b, c, A32_LDR, rt, a32_mem_post(A32_SP, 4))
               : a32_ldst(b, c, A32_STR, rt, a32_mem_pre(A32_SP, -4));
  }
  return block_emit(b, who, pop, false, c, pop ? A32_IA : A32_DB, A32_SP, true, mask);
}

a32_status a32_push(a32_buf *b, a32_cond c, uint16_t mask) {
  return pushpop(b, "a32_push", false, c, mask);
}
a32_status a32_pop(a32_buf *b, a32_cond c, uint16_t mask) {
  return pushpop(b, "a32_pop", true, c, mask);
}
