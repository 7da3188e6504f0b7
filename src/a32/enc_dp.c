/* SPDX-License-Identifier: MIT */
/* enc_dp.c — data-processing instructions (A5.2): the three operand
 * classes (immediate, immediate-shifted register, register-shifted
 * register), shifts as MOV aliases, MOVW/MOVT and 32-bit constants. */
#include "a32_internal.h"

/* Which of Rd/Rn an opcode uses; a32_dp_op values are the 4-bit opcodes
 * of bits 24:21 (A5.2.1). */
enum { DP_BINARY, DP_TEST, DP_MOVE };
static const uint8_t dp_form[16] = {
    [A32_AND] = DP_BINARY, [A32_EOR] = DP_BINARY, [A32_SUB] = DP_BINARY,
    [A32_RSB] = DP_BINARY, [A32_ADD] = DP_BINARY, [A32_ADC] = DP_BINARY,
    [A32_SBC] = DP_BINARY, [A32_RSC] = DP_BINARY,
    [A32_TST] = DP_TEST,   [A32_TEQ] = DP_TEST,   [A32_CMP] = DP_TEST,
    [A32_CMN] = DP_TEST,   /* S always 1, Rd = 0000 */
    [A32_ORR] = DP_BINARY, [A32_MOV] = DP_MOVE,   /* Rn = 0000 */
    [A32_BIC] = DP_BINARY, [A32_MVN] = DP_MOVE,
};

/* The second operand with a full-width shift amount (the public struct
 * keeps it in 8 bits, a32_shift_imm takes an unsigned). */
typedef struct {
  unsigned kind, rm, shift, amount;
  uint32_t imm;
} op2_t;

/* Shared class emitter.  Operand classes (A5.2.1-A5.2.3):
 *   imm: cond 001 opcode S Rn Rd rot4 imm8
 *   reg: cond 000 opcode S Rn Rd imm5 type 0 Rm
 *   rsr: cond 000 opcode S Rn Rd Rs 0 type 1 Rm   (no operand may be pc) */
A32_NOINLINE static a32_status dp_emit(a32_buf *b, const char *who, a32_cond c, a32_dp_op op,
                          bool s, unsigned rd, unsigned rn, op2_t o) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if ((unsigned)op > A32_MVN)
    return a32_fail(b, A32_ERR_ARG, who, "bad data-processing opcode %u", (unsigned)op);
  unsigned form = dp_form[op];
  bool rsr = o.kind == A32_OP_RSR;
  if (form == DP_TEST) {
    s = true;
    rd = 0;
  } else {
    A32_TRY(a32_chk_reg(b, who, "rd", rd, !rsr));
  }
  if (form == DP_MOVE)
    rn = 0;
  else
    A32_TRY(a32_chk_reg(b, who, "rn", rn, !rsr));

  uint32_t bits;
  switch (o.kind) {
  case A32_OP_IMM: {
    int imm12 = a32_modimm(o.imm);
    if (imm12 < 0)
      return a32_fail(b, A32_ERR_IMM, who,
                      "immediate 0x%x is not a modified immediate for %s",
                      (unsigned)o.imm, a32_dp_op_name(op));
    bits = 0x02000000u | (uint32_t)imm12;
    break;
  }
  case A32_OP_REG:
    A32_TRY(a32_chk_reg(b, who, "rm", o.rm, true));
    A32_TRY(a32_chk_shift_imm(b, who, o.shift, o.amount, &bits));
    bits |= o.rm;
    break;
  case A32_OP_RSR:
    A32_TRY(a32_chk_reg(b, who, "rm", o.rm, false));
    A32_TRY(a32_chk_reg(b, who, "rs", o.amount, false));
    if (o.shift > A32_ROR)
      return a32_fail(b, A32_ERR_ARG, who, "%s cannot shift by a register",
                      o.shift == A32_RRX ? "rrx" : "bad shift type");
    bits = (uint32_t)o.amount << 8 | (uint32_t)o.shift << 5 | 0x10u | o.rm;
    break;
  default:
    return a32_fail(b, A32_ERR_ARG, who, "bad operand kind %u", o.kind);
  }
  return a32_put(b, a32_cond_bits(c) | (uint32_t)op << 21 | (uint32_t)s << 20 |
                        (uint32_t)rn << 16 | (uint32_t)rd << 12 | bits);
}

/* a32_dp past its first test (out of line: the common forms then need no
 * saved registers): a rotated modified immediate, else every check. */
A32_NOINLINE static a32_status dp_rest(a32_buf *b, a32_cond c, a32_dp_op op, bool s,
                                       a32_reg rd, a32_reg rn, const a32_operand *op2) {
  int imm12;
  if (b && (unsigned)c <= A32_AL && (unsigned)op <= A32_MVN && rd < A32_PC && rn < A32_PC &&
      op2->kind == A32_OP_IMM && (imm12 = a32_modimm(op2->imm)) >= 0) {
    if (dp_form[op] == DP_TEST) { s = true; rd = 0; }
    if (dp_form[op] == DP_MOVE) rn = 0;
    return a32_put(b, a32_cond_bits(c) | (uint32_t)op << 21 | (uint32_t)s << 20 |
                          (uint32_t)rn << 16 | (uint32_t)rd << 12 | 0x02000000u |
                          (uint32_t)imm12);
  }
  op2_t o = {op2->kind, op2->rm, op2->shift, op2->amount, op2->imm};
  return dp_emit(b, "a32_dp", c, op, s, rd, rn, o);
}

a32_status a32_dp(a32_buf *b, a32_cond c, a32_dp_op op, bool s, a32_reg rd,
                  a32_reg rn, a32_operand op2) {
  /* The common forms first, without the checks they pass by construction
   * (no register pc; a plain register or an 8-bit immediate): the code
   * generator's every add, mov and cmp.  A rotated immediate next
   * (dp_rest), then the general emitter. */
  if (b && (unsigned)c <= A32_AL && (unsigned)op <= A32_MVN && rd < A32_PC && rn < A32_PC) {
    uint32_t bits;
    if (op2.kind == A32_OP_REG && op2.rm < A32_PC && op2.shift == A32_LSL && op2.amount == 0)
      bits = op2.rm;
    else if (op2.kind == A32_OP_IMM && op2.imm <= 0xffu)  /* rotation 0: imm12 = imm8 */
      bits = 0x02000000u | op2.imm;
    else
      return dp_rest(b, c, op, s, rd, rn, &op2);
    if (dp_form[op] == DP_TEST) { s = true; rd = 0; }
    if (dp_form[op] == DP_MOVE) rn = 0;
    return a32_put(b, a32_cond_bits(c) | (uint32_t)op << 21 | (uint32_t)s << 20 |
                          (uint32_t)rn << 16 | (uint32_t)rd << 12 | bits);
  }
  return dp_rest(b, c, op, s, rd, rn, &op2);
}

/* A8.8.94 LSL (imm) etc. are MOV rd, rm, <shift> #n. */
a32_status a32_shift_imm(a32_buf *b, a32_cond c, a32_shift sh, bool s,
                         a32_reg rd, a32_reg rm, unsigned n) {
  op2_t o = {A32_OP_REG, rm, sh, sh == A32_RRX ? 0 : n, 0};
  return dp_emit(b, "a32_shift_imm", c, A32_MOV, s, rd, 0, o);
}

/* A8.8.95 LSL (register) etc. are MOV rd, rm, <shift> rs. */
a32_status a32_shift_reg(a32_buf *b, a32_cond c, a32_shift sh, bool s,
                         a32_reg rd, a32_reg rm, a32_reg rs) {
  op2_t o = {A32_OP_RSR, rm, sh, rs, 0};
  return dp_emit(b, "a32_shift_reg", c, A32_MOV, s, rd, 0, o);
}

static a32_status movwt(a32_buf *b, const char *who, a32_cond c, bool top,
                        a32_reg rd, uint32_t imm16) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));  /* d == 15 UNPREDICTABLE */
  if (imm16 > 0xffff)
    return a32_fail(b, A32_ERR_IMM, who, "immediate 0x%x does not fit in 16 bits",
                    (unsigned)imm16);
  return a32_put(b, a32_movwt_word(c, top, rd, imm16));
}

a32_status a32_movw(a32_buf *b, a32_cond c, a32_reg rd, uint32_t imm16) {
  return movwt(b, "a32_movw", c, false, rd, imm16);
}
a32_status a32_movt(a32_buf *b, a32_cond c, a32_reg rd, uint32_t imm16) {
  return movwt(b, "a32_movt", c, true, rd, imm16);
}

a32_status a32_mov_imm32(a32_buf *b, a32_cond c, a32_reg rd, uint32_t v) {
  static const char who[] = "a32_mov_imm32";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  /* pc is refused whatever the value, so that the answer does not depend
   * on which form the constant happens to need. */
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));
  /* MOV / MVN (immediate) A1, the immediate class of A5.2.3 with S = 0,
   * Rn = 0000: cond 0011 1x10 0000 Rd imm12 (the word dp_emit builds,
   * without repeating the checks passed above). */
  int imm12 = a32_modimm(v);
  a32_dp_op op = A32_MOV;
  if (imm12 < 0 && (imm12 = a32_modimm(~v)) >= 0) op = A32_MVN;
  if (imm12 >= 0)
    return a32_put(b, a32_cond_bits(c) | (uint32_t)op << 21 | 0x02000000u |
                          (uint32_t)rd << 12 | (uint32_t)imm12);
  if (v <= 0xffff)
    return a32_put(b, a32_movwt_word(c, false, rd, v));
  return a32_put2(b, a32_movwt_word(c, false, rd, v & 0xffff),
                  a32_movwt_word(c, true, rd, v >> 16));
}
