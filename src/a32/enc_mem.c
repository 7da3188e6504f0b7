/* SPDX-License-Identifier: MIT */
/* enc_mem.c — single loads and stores: word/byte (A5.3), halfword, signed
 * and dual ("extra load/store", A5.2.8), and exclusives (A5.2.10). */
#include "a32_internal.h"

enum {
  LS_WORD_BYTE, /* cond 01 I P U B W L Rn Rt imm12 | imm5 type 0 Rm */
  LS_EXTRA,     /* cond 000 P U I W L Rn Rt imm4H 1 op2 1 imm4L|Rm */
  LS_DUAL       /* LS_EXTRA with Rt even and Rt2 = Rt + 1 */
};

static const struct {
  uint32_t bits;  /* opcode bits (L, B or op2) */
  uint8_t cls;
  uint8_t pc_ok;  /* Rt may be pc */
  const char *name;
} ldst_info[] = {
    [A32_LDR] = {0x04100000u, LS_WORD_BYTE, 1, "ldr"},    /* A8.8.63/66 */
    [A32_STR] = {0x04000000u, LS_WORD_BYTE, 1, "str"},    /* A8.8.204/205 */
    [A32_LDRB] = {0x04500000u, LS_WORD_BYTE, 0, "ldrb"},  /* A8.8.68/70 */
    [A32_STRB] = {0x04400000u, LS_WORD_BYTE, 0, "strb"},  /* A8.8.206/207 */
    [A32_LDRH] = {0x001000b0u, LS_EXTRA, 0, "ldrh"},      /* A8.8.80/82 */
    [A32_STRH] = {0x000000b0u, LS_EXTRA, 0, "strh"},      /* A8.8.217/218 */
    [A32_LDRSB] = {0x001000d0u, LS_EXTRA, 0, "ldrsb"},    /* A8.8.84/86 */
    [A32_LDRSH] = {0x001000f0u, LS_EXTRA, 0, "ldrsh"},    /* A8.8.88/90 */
    [A32_LDRD] = {0x000000d0u, LS_DUAL, 0, "ldrd"},       /* A8.8.72/74 */
    [A32_STRD] = {0x000000f0u, LS_DUAL, 0, "strd"},       /* A8.8.209/210 */
};

/* P and W by index mode (A5.3): offset P=1 W=0, pre P=1 W=1, post P=0
 * W=0 (P=0 W=1 would be the unprivileged LDRT/STRT forms). */
static const uint32_t index_pw[] = {
    [A32_IDX_OFFSET] = 0x01000000u,
    [A32_IDX_PRE] = 0x01200000u,
    [A32_IDX_POST] = 0x00000000u,
};

/* Every form, every check (a32_ldst's common form is below). */
A32_NOINLINE static a32_status ldst_checked(a32_buf *b, a32_cond c, a32_ldst_op op, a32_reg rt,
                               a32_mem m) {
  static const char who[] = "a32_ldst";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_STRD)
    return a32_fail(b, A32_ERR_ARG, who, "bad load/store op %u", (unsigned)op);
  if (m.index > A32_IDX_POST)
    return a32_fail(b, A32_ERR_ARG, who, "bad index mode %u", m.index);
  const char *name = ldst_info[op].name;
  unsigned cls = ldst_info[op].cls;
  bool wback = m.index != A32_IDX_OFFSET;

  A32_TRY(a32_chk_reg(b, who, "rt", rt, ldst_info[op].pc_ok));
  A32_TRY(a32_chk_reg(b, who, "rn", m.rn, !wback));  /* wback && n == 15 */
  if (cls == LS_DUAL && ((rt & 1) || rt == A32_LR))
    return a32_fail(b, A32_ERR_PAIR, who, "%s: rt %s must be even and not lr",
                    name, a32_reg_name(rt));
  if (wback && (m.rn == rt || (cls == LS_DUAL && m.rn == rt + 1)))
    return a32_fail(b, A32_ERR_REG, who,
                    "%s: writeback base %s overlaps the transfer register", name,
                    a32_reg_name(m.rn));

  uint32_t bits = ldst_info[op].bits | index_pw[m.index] |
                  (uint32_t)m.rn << 16 | (uint32_t)rt << 12;
  if (m.is_reg) {
    A32_TRY(a32_chk_reg(b, who, "rm", m.rm, false));  /* m == 15 */
    if (!m.sub)
      bits |= 1u << 23;  /* U */
    if (cls == LS_WORD_BYTE) {
      uint32_t sh;
      A32_TRY(a32_chk_shift_imm(b, who, m.shift, m.amount, &sh));
      bits |= 0x02000000u | sh | m.rm;  /* I = 1: register offset */
    } else {
      if (m.shift != A32_LSL || m.amount != 0)
        return a32_fail(b, A32_ERR_ARG, who,
                        "%s takes no shifted register offset", name);
      if (op == A32_LDRD && (m.rm == rt || m.rm == rt + 1))
        return a32_fail(b, A32_ERR_REG, who,
                        "ldrd: offset register overlaps rt/rt2 (UNPREDICTABLE)");
      bits |= m.rm;  /* bit 22 = 0: register offset */
    }
  } else {
    int32_t lim = cls == LS_WORD_BYTE ? 4095 : 255;
    if (m.off < -lim || m.off > lim)
      return a32_fail(b, A32_ERR_IMM, who, "%s: offset %ld out of range (+-%ld)",
                      name, (long)m.off, (long)lim);
    /* LDR pc, [pc, #off] loads the PC from Align(PC, 4) + off: a
     * misaligned address is UNPREDICTABLE (A8.8.64). */
    if (op == A32_LDR && rt == A32_PC && m.rn == A32_PC && (m.off & 3))
      return a32_fail(b, A32_ERR_ALIGN, who,
                      "ldr pc, [pc, #%ld]: the loaded address must be word aligned",
                      (long)m.off);
    uint32_t mag = (uint32_t)(m.off < 0 ? -m.off : m.off);
    if (m.off >= 0)
      bits |= 1u << 23;  /* U */
    if (cls == LS_WORD_BYTE)
      bits |= mag;
    else
      bits |= 1u << 22 | (mag & 0xf0u) << 4 | (mag & 0xfu);  /* imm4H:imm4L */
  }
  return a32_put(b, a32_cond_bits(c) | bits);
}

a32_status a32_ldst(a32_buf *b, a32_cond c, a32_ldst_op op, a32_reg rt, a32_mem m) {
  /* The common form, first and without the checks it passes by
   * construction: a word or byte transfer at [rn, #+-imm12], no writeback,
   * neither register pc (what the code generator's frame and field
   * accesses emit).  cond 010 P=1 U B W=0 L Rn Rt imm12. */
  if (b && (unsigned)c <= A32_AL && (unsigned)op <= A32_STRB && !m.is_reg &&
      m.index == A32_IDX_OFFSET && rt < A32_PC && m.rn < A32_PC && m.off >= -4095 &&
      m.off <= 4095) {
    uint32_t u = m.off >= 0 ? 1u << 23 : 0u;
    uint32_t mag = (uint32_t)(m.off < 0 ? -m.off : m.off);
    return a32_put(b, a32_cond_bits(c) | ldst_info[op].bits | index_pw[A32_IDX_OFFSET] | u |
                          (uint32_t)m.rn << 16 | (uint32_t)rt << 12 | mag);
  }
  return ldst_checked(b, c, op, rt, m);
}

/* A8.8.75 LDREX A1: cond 0001 1001 Rn Rt 1111 1001 1111 */
a32_status a32_ldrex(a32_buf *b, a32_cond c, a32_reg rt, a32_reg rn) {
  static const char who[] = "a32_ldrex";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_reg(b, who, "rt", rt, false));
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));
  return a32_put(b, a32_cond_bits(c) | 0x01900f9fu | (uint32_t)rn << 16 |
                        (uint32_t)rt << 12);
}

/* A8.8.212 STREX A1: cond 0001 1000 Rn Rd 1111 1001 Rt */
a32_status a32_strex(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rt, a32_reg rn) {
  static const char who[] = "a32_strex";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));
  A32_TRY(a32_chk_reg(b, who, "rt", rt, false));
  A32_TRY(a32_chk_reg(b, who, "rn", rn, false));
  if (rd == rt || rd == rn)  /* d == n || d == t UNPREDICTABLE */
    return a32_fail(b, A32_ERR_REG, who, "status register %s must differ from rt and rn",
                    a32_reg_name(rd));
  return a32_put(b, a32_cond_bits(c) | 0x01800f90u | (uint32_t)rn << 16 |
                        (uint32_t)rd << 12 | rt);
}
