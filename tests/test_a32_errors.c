/* SPDX-License-Identifier: MIT */
/* test_a32_errors.c — every operand rejection of the A32 encoder returns its
 * status, writes nothing and leaves a message; plus the buffer machinery:
 * labels and branch fixups, MOVW/MOVT address fixups and link, patching,
 * growth and the size limit; symbol relocations (records, REL addends,
 * link through a resolver, its errors) and the buffer's allocator.
 * Expected words were checked against GNU as (-march=armv7-a
 * -mfpu=neon-vfpv4). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "armjit/a32.h"

/* ---- helpers ------------------------------------------------------------- */

static int setup(void **state) {
  a32_buf *b = a32_buf_new(0, 0);
  if (!b)
    return -1;
  /* Something already in the buffer, so "nothing written" is meaningful. */
  a32_nop(b, A32_AL);
  a32_nop(b, A32_AL);
  *state = b;
  return 0;
}

static int teardown(void **state) {
  a32_buf_free(*state);
  return 0;
}

/* Run `call`, then check: it returned `want`, the buffer's size and bytes
 * are unchanged, the buffer's status is `want` and its message is not
 * empty.  The error is cleared afterwards. */
static void check_reject(a32_buf *b, a32_status got, a32_status want, size_t size_before,
                         const uint8_t *snap, const char *what) {
  if (got != want)
    fail_msg("%s: returned %s, want %s", what, a32_status_name(got), a32_status_name(want));
  assert_int_equal(a32_buf_size(b), size_before);
  assert_memory_equal(a32_buf_data(b), snap, size_before);
  assert_int_equal(a32_buf_status(b), want);
  assert_non_null(a32_buf_errmsg(b));
  assert_true(strlen(a32_buf_errmsg(b)) > 0);
  a32_buf_clear_error(b);
  assert_int_equal(a32_buf_status(b), A32_OK);
  assert_string_equal(a32_buf_errmsg(b), "");
}

#define REJECT(b, want, call)                                              \
  do {                                                                     \
    size_t size_ = a32_buf_size(b);                                        \
    uint8_t *snap_ = malloc(size_ ? size_ : 1);                            \
    assert_non_null(snap_);                                                \
    if (size_)                                                             \
      memcpy(snap_, a32_buf_data(b), size_);                               \
    a32_status got_ = (call);                                              \
    check_reject((b), got_, (want), size_, snap_, #call);                  \
    free(snap_);                                                           \
  } while (0)

#define ACCEPT(b, call) assert_int_equal((call), A32_OK)

/* ---- data processing ----------------------------------------------------- */

static void test_dp_immediate(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_IMM, a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_imm(0x101)));
  /* The message names the value and the opcode. */
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_imm(0x101));
  assert_non_null(strstr(a32_buf_errmsg(b), "0x101"));
  assert_non_null(strstr(a32_buf_errmsg(b), "add"));
  a32_buf_clear_error(b);
  REJECT(b, A32_ERR_IMM, a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0xffff)));
  REJECT(b, A32_ERR_IMM, a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0x1fe00001)));
  ACCEPT(b, a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_imm(0xff000000)));
}

static void test_dp_shift_amounts(void **state) {
  a32_buf *b = *state;
  static const struct { a32_shift sh; unsigned bad[3]; } cases[] = {
      {A32_LSL, {32, 33, 255}},
      {A32_LSR, {0, 33, 100}},
      {A32_ASR, {0, 33, 64}},
      {A32_ROR, {0, 32, 33}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (size_t j = 0; j < 3; j++) {
      a32_shift sh = cases[i].sh;
      unsigned n = cases[i].bad[j];
      REJECT(b, A32_ERR_IMM,
             a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_rsi(A32_R2, sh, n)));
      REJECT(b, A32_ERR_IMM, a32_shift_imm(b, A32_AL, sh, false, A32_R0, A32_R1, n));
    }
  /* a32_shift_imm must not truncate a large amount into range. */
  REJECT(b, A32_ERR_IMM, a32_shift_imm(b, A32_AL, A32_LSL, false, A32_R0, A32_R1, 256));
  /* The edges that are fine. */
  ACCEPT(b, a32_shift_imm(b, A32_AL, A32_LSL, false, A32_R0, A32_R1, 31));
  ACCEPT(b, a32_shift_imm(b, A32_AL, A32_LSR, false, A32_R0, A32_R1, 32));
  ACCEPT(b, a32_shift_imm(b, A32_AL, A32_ASR, false, A32_R0, A32_R1, 32));
  ACCEPT(b, a32_shift_imm(b, A32_AL, A32_ROR, false, A32_R0, A32_R1, 31));
  ACCEPT(b, a32_shift_imm(b, A32_AL, A32_RRX, false, A32_R0, A32_R1, 77));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 8), 0xe1a00fe1u); /* ror r0, r1, #31 */
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe1a00061u); /* rrx r0, r1 */
  ACCEPT(b, a32_shift_imm(b, A32_AL, A32_LSR, false, A32_R0, A32_R1, 32));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe1a00021u); /* lsr r0, r1, #32 */
}

static void test_dp_registers(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REG, a32_dp(b, A32_AL, A32_ADD, false, (a32_reg)16, A32_R1, a32_r(A32_R2)));
  REJECT(b, A32_ERR_REG, a32_dp(b, A32_AL, A32_ADD, false, A32_R0, (a32_reg)16, a32_r(A32_R2)));
  REJECT(b, A32_ERR_REG, a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_r((a32_reg)16)));
  /* Register-shifted register: no operand may be pc. */
  REJECT(b, A32_ERR_REG,
         a32_dp(b, A32_AL, A32_ADD, false, A32_PC, A32_R1, a32_rsr(A32_R2, A32_LSL, A32_R3)));
  REJECT(b, A32_ERR_REG,
         a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_PC, a32_rsr(A32_R2, A32_LSL, A32_R3)));
  REJECT(b, A32_ERR_REG,
         a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_rsr(A32_PC, A32_LSL, A32_R3)));
  REJECT(b, A32_ERR_REG,
         a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_rsr(A32_R2, A32_LSL, A32_PC)));
  REJECT(b, A32_ERR_REG, a32_shift_reg(b, A32_AL, A32_LSL, false, A32_PC, A32_R1, A32_R2));
  REJECT(b, A32_ERR_REG, a32_shift_reg(b, A32_AL, A32_LSL, false, A32_R0, A32_PC, A32_R2));
  REJECT(b, A32_ERR_REG, a32_shift_reg(b, A32_AL, A32_LSL, false, A32_R0, A32_R1, A32_PC));
  /* pc is fine in the other forms; ignored operands are not checked. */
  ACCEPT(b, a32_dp(b, A32_AL, A32_ADD, false, A32_PC, A32_PC, a32_r(A32_PC)));
  ACCEPT(b, a32_dp(b, A32_AL, A32_MOV, false, A32_R0, (a32_reg)99, a32_imm(1)));
  ACCEPT(b, a32_dp(b, A32_AL, A32_CMP, false, (a32_reg)99, A32_R0, a32_imm(1)));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe3500001u); /* cmp r0, #1 */
}

static void test_dp_bad_args(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_ARG, a32_dp(b, (a32_cond)15, A32_ADD, false, A32_R0, A32_R1, a32_r(A32_R2)));
  REJECT(b, A32_ERR_ARG, a32_dp(b, A32_AL, (a32_dp_op)16, false, A32_R0, A32_R1, a32_r(A32_R2)));
  REJECT(b, A32_ERR_ARG,
         a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_rsi(A32_R2, (a32_shift)5, 1)));
  a32_operand bad = a32_r(A32_R2);
  bad.kind = 3;
  REJECT(b, A32_ERR_ARG, a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, bad));
  REJECT(b, A32_ERR_ARG,
         a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_rsr(A32_R2, A32_RRX, A32_R3)));
  REJECT(b, A32_ERR_ARG, a32_shift_reg(b, A32_AL, A32_RRX, false, A32_R0, A32_R1, A32_R2));
}

static void test_wide_moves(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_IMM, a32_movw(b, A32_AL, A32_R0, 0x10000));
  REJECT(b, A32_ERR_IMM, a32_movt(b, A32_AL, A32_R0, 0x10000));
  REJECT(b, A32_ERR_REG, a32_movw(b, A32_AL, A32_PC, 1));
  REJECT(b, A32_ERR_REG, a32_movt(b, A32_AL, A32_PC, 1));
  REJECT(b, A32_ERR_REG, a32_mov_imm32(b, A32_AL, A32_PC, 0x12345678));
  REJECT(b, A32_ERR_REG, a32_mov_imm32(b, A32_AL, (a32_reg)16, 1));
  REJECT(b, A32_ERR_ARG, a32_mov_imm32(b, (a32_cond)15, A32_R0, 1));
  /* The four choices. */
  size_t at = a32_buf_size(b);
  ACCEPT(b, a32_mov_imm32(b, A32_AL, A32_R0, 0xff000000u));
  ACCEPT(b, a32_mov_imm32(b, A32_AL, A32_R0, 0xfffffffeu));
  ACCEPT(b, a32_mov_imm32(b, A32_AL, A32_R0, 0xbeef));
  ACCEPT(b, a32_mov_imm32(b, A32_EQ, A32_R3, 0x12345680));
  assert_int_equal(a32_buf_size(b), at + 20);
  assert_int_equal(a32_buf_word(b, at), 0xe3a004ffu);      /* mov r0, #0xff000000 */
  assert_int_equal(a32_buf_word(b, at + 4), 0xe3e00001u);  /* mvn r0, #1 */
  assert_int_equal(a32_buf_word(b, at + 8), 0xe30b0eefu);  /* movw r0, #0xbeef */
  assert_int_equal(a32_buf_word(b, at + 12), 0x03053680u); /* movweq r3, #0x5680 */
  assert_int_equal(a32_buf_word(b, at + 16), 0x03413234u); /* movteq r3, #0x1234 */
}

/* ---- multiply, divide, clz ------------------------------------------------ */

static void test_multiply(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REG, a32_mul(b, A32_AL, A32_MUL, false, A32_PC, A32_R1, A32_R2, 0));
  REJECT(b, A32_ERR_REG, a32_mul(b, A32_AL, A32_MUL, false, A32_R0, A32_PC, A32_R2, 0));
  REJECT(b, A32_ERR_REG, a32_mul(b, A32_AL, A32_MUL, false, A32_R0, A32_R1, A32_PC, 0));
  REJECT(b, A32_ERR_REG, a32_mul(b, A32_AL, A32_MLA, false, A32_R0, A32_R1, A32_R2, A32_PC));
  REJECT(b, A32_ERR_REG, a32_mul(b, A32_AL, A32_UMULL, false, A32_R0, A32_R1, A32_R2, A32_PC));
  REJECT(b, A32_ERR_REG, a32_mul(b, A32_AL, A32_MUL, false, (a32_reg)16, A32_R1, A32_R2, 0));
  /* RdLo == RdHi */
  REJECT(b, A32_ERR_REG, a32_mul(b, A32_AL, A32_SMULL, false, A32_R3, A32_R1, A32_R2, A32_R3));
  /* MLS and UMAAL have no S bit; bad op */
  REJECT(b, A32_ERR_ARG, a32_mul(b, A32_AL, A32_MLS, true, A32_R0, A32_R1, A32_R2, A32_R3));
  REJECT(b, A32_ERR_ARG, a32_mul(b, A32_AL, A32_UMAAL, true, A32_R0, A32_R1, A32_R2, A32_R3));
  REJECT(b, A32_ERR_ARG, a32_mul(b, A32_AL, (a32_mul_op)8, false, A32_R0, A32_R1, A32_R2, A32_R3));
  /* MUL ignores ra entirely. */
  ACCEPT(b, a32_mul(b, A32_AL, A32_MUL, false, A32_R0, A32_R1, A32_R2, (a32_reg)99));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe0000291u); /* mul r0, r1, r2 */
}

static void test_divide_and_clz(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REG, a32_sdiv(b, A32_AL, A32_PC, A32_R1, A32_R2));
  REJECT(b, A32_ERR_REG, a32_sdiv(b, A32_AL, A32_R0, A32_PC, A32_R2));
  REJECT(b, A32_ERR_REG, a32_udiv(b, A32_AL, A32_R0, A32_R1, A32_PC));
  REJECT(b, A32_ERR_REG, a32_clz(b, A32_AL, A32_PC, A32_R1));
  REJECT(b, A32_ERR_REG, a32_clz(b, A32_AL, A32_R0, A32_PC));
  a32_buf_set_features(b, A32_FEAT_ALL & ~A32_FEAT_IDIV);
  assert_int_equal(a32_buf_features(b), A32_FEAT_ALL & ~A32_FEAT_IDIV);
  REJECT(b, A32_ERR_FEATURE, a32_sdiv(b, A32_AL, A32_R0, A32_R1, A32_R2));
  REJECT(b, A32_ERR_FEATURE, a32_udiv(b, A32_AL, A32_R0, A32_R1, A32_R2));
  a32_buf_set_features(b, A32_FEAT_ALL);
  ACCEPT(b, a32_sdiv(b, A32_AL, A32_R0, A32_R1, A32_R2));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe710f211u); /* sdiv r0, r1, r2 */
}

/* ---- loads and stores ----------------------------------------------------- */

static void test_ldst_offsets(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_IMM, a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_R1, 4096)));
  REJECT(b, A32_ERR_IMM, a32_ldst(b, A32_AL, A32_STRB, A32_R0, a32_mem_imm(A32_R1, -4096)));
  REJECT(b, A32_ERR_IMM, a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_R1, INT32_MIN)));
  ACCEPT(b, a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_R1, -4095)));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe5110fffu);
  REJECT(b, A32_ERR_IMM, a32_ldst(b, A32_AL, A32_LDRH, A32_R0, a32_mem_imm(A32_R1, 256)));
  REJECT(b, A32_ERR_IMM, a32_ldst(b, A32_AL, A32_LDRSB, A32_R0, a32_mem_pre(A32_R1, -256)));
  REJECT(b, A32_ERR_IMM, a32_ldst(b, A32_AL, A32_LDRD, A32_R0, a32_mem_post(A32_R2, 300)));
  ACCEPT(b, a32_ldst(b, A32_AL, A32_LDRH, A32_R0, a32_mem_imm(A32_R1, -255)));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe1510fbfu);
  /* halfword/dual/signed take a plain register only */
  REJECT(b, A32_ERR_ARG,
         a32_ldst(b, A32_AL, A32_STRH, A32_R0,
                  a32_mem_reg(A32_R1, A32_R2, false, A32_LSL, 1, A32_IDX_OFFSET)));
  REJECT(b, A32_ERR_ARG,
         a32_ldst(b, A32_AL, A32_LDRD, A32_R0,
                  a32_mem_reg(A32_R1, A32_R2, false, A32_ASR, 4, A32_IDX_OFFSET)));
  /* word/byte register offsets check their shift */
  REJECT(b, A32_ERR_IMM,
         a32_ldst(b, A32_AL, A32_LDR, A32_R0,
                  a32_mem_reg(A32_R1, A32_R2, false, A32_LSR, 0, A32_IDX_OFFSET)));
  REJECT(b, A32_ERR_IMM,
         a32_ldst(b, A32_AL, A32_LDR, A32_R0,
                  a32_mem_reg(A32_R1, A32_R2, false, A32_LSL, 32, A32_IDX_OFFSET)));
  /* LDR pc, [pc, #off] must load from a word-aligned address */
  REJECT(b, A32_ERR_ALIGN, a32_ldst(b, A32_AL, A32_LDR, A32_PC, a32_mem_imm(A32_PC, 6)));
}

static void test_ldst_registers(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_LDR, (a32_reg)16, a32_mem_imm(A32_R1, 0)));
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm((a32_reg)16, 0)));
  REJECT(b, A32_ERR_REG,
         a32_ldst(b, A32_AL, A32_LDR, A32_R0,
                  a32_mem_reg(A32_R1, (a32_reg)16, false, A32_LSL, 0, A32_IDX_OFFSET)));
  REJECT(b, A32_ERR_REG,
         a32_ldst(b, A32_AL, A32_LDR, A32_R0,
                  a32_mem_reg(A32_R1, A32_PC, false, A32_LSL, 0, A32_IDX_OFFSET)));
  /* writeback with rn == rt or rn == pc */
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_pre(A32_R1, 4)));
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_STR, A32_R1, a32_mem_post(A32_R1, 4)));
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_pre(A32_PC, 4)));
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_LDRH, A32_R0, a32_mem_post(A32_PC, 4)));
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_LDRD, A32_R2, a32_mem_pre(A32_R3, 8)));
  /* byte/halfword/dual with rt = pc */
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_LDRB, A32_PC, a32_mem_imm(A32_R1, 0)));
  REJECT(b, A32_ERR_REG, a32_ldst(b, A32_AL, A32_STRH, A32_PC, a32_mem_imm(A32_R1, 0)));
  /* LDRD register offset overlapping the pair */
  REJECT(b, A32_ERR_REG,
         a32_ldst(b, A32_AL, A32_LDRD, A32_R2,
                  a32_mem_reg(A32_R1, A32_R3, false, A32_LSL, 0, A32_IDX_OFFSET)));
  /* the pair itself */
  REJECT(b, A32_ERR_PAIR, a32_ldst(b, A32_AL, A32_LDRD, A32_R1, a32_mem_imm(A32_R4, 0)));
  REJECT(b, A32_ERR_PAIR, a32_ldst(b, A32_AL, A32_STRD, A32_R3, a32_mem_imm(A32_R4, 0)));
  REJECT(b, A32_ERR_PAIR, a32_ldst(b, A32_AL, A32_LDRD, A32_LR, a32_mem_imm(A32_R4, 0)));
  /* bad enums */
  REJECT(b, A32_ERR_ARG, a32_ldst(b, A32_AL, (a32_ldst_op)10, A32_R0, a32_mem_imm(A32_R1, 0)));
  a32_mem m = a32_mem_imm(A32_R1, 0);
  m.index = 3;
  REJECT(b, A32_ERR_ARG, a32_ldst(b, A32_AL, A32_LDR, A32_R0, m));
  REJECT(b, A32_ERR_ARG, a32_ldst(b, (a32_cond)16, A32_LDR, A32_R0, a32_mem_imm(A32_R1, 0)));
  ACCEPT(b, a32_ldst(b, A32_AL, A32_STRD, A32_R2, a32_mem_pre(A32_R4, -8)));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe16420f8u); /* strd r2, r3, [r4, #-8]! */
}

static void test_block(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REGLIST, a32_ldm(b, A32_AL, A32_IA, A32_R0, false, 0));
  REJECT(b, A32_ERR_REGLIST, a32_stm(b, A32_AL, A32_DB, A32_R0, true, 0));
  REJECT(b, A32_ERR_REG, a32_ldm(b, A32_AL, A32_IA, A32_PC, false, 0x3));
  REJECT(b, A32_ERR_REG, a32_stm(b, A32_AL, A32_IA, (a32_reg)16, false, 0x3));
  REJECT(b, A32_ERR_REGLIST, a32_ldm(b, A32_AL, A32_IA, A32_R1, true, 0x6));
  REJECT(b, A32_ERR_REGLIST, a32_stm(b, A32_AL, A32_IA, A32_R2, true, 0x6));
  REJECT(b, A32_ERR_ARG, a32_ldm(b, A32_AL, (a32_block_mode)4, A32_R0, false, 0x6));
  ACCEPT(b, a32_stm(b, A32_AL, A32_IA, A32_R1, true, 0x6)); /* base is lowest: defined */
  REJECT(b, A32_ERR_REGLIST, a32_push(b, A32_AL, 0));
  REJECT(b, A32_ERR_REGLIST, a32_pop(b, A32_AL, 0));
  REJECT(b, A32_ERR_REGLIST, a32_push(b, A32_AL, 1u << A32_SP | 0x10));
  REJECT(b, A32_ERR_REGLIST, a32_pop(b, A32_AL, 1u << A32_SP));
  REJECT(b, A32_ERR_REGLIST, a32_push(b, A32_AL, 1u << A32_PC | 0x10));
  REJECT(b, A32_ERR_ARG, a32_push(b, (a32_cond)15, 0x10));
  size_t at = a32_buf_size(b);
  ACCEPT(b, a32_push(b, A32_AL, 0x4ff0));
  ACCEPT(b, a32_pop(b, A32_AL, 0x8ff0));
  ACCEPT(b, a32_push(b, A32_AL, 0x10));
  ACCEPT(b, a32_pop(b, A32_AL, 0x10));
  assert_int_equal(a32_buf_word(b, at), 0xe92d4ff0u);      /* push {r4-r11, lr} */
  assert_int_equal(a32_buf_word(b, at + 4), 0xe8bd8ff0u);  /* pop {r4-r11, pc} */
  assert_int_equal(a32_buf_word(b, at + 8), 0xe52d4004u);  /* push {r4} = str r4, [sp, #-4]! */
  assert_int_equal(a32_buf_word(b, at + 12), 0xe49d4004u); /* pop {r4} = ldr r4, [sp], #4 */
}

static void test_exclusive(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REG, a32_ldrex(b, A32_AL, A32_PC, A32_R1));
  REJECT(b, A32_ERR_REG, a32_ldrex(b, A32_AL, A32_R0, A32_PC));
  REJECT(b, A32_ERR_REG, a32_strex(b, A32_AL, A32_PC, A32_R1, A32_R2));
  REJECT(b, A32_ERR_REG, a32_strex(b, A32_AL, A32_R0, A32_PC, A32_R2));
  REJECT(b, A32_ERR_REG, a32_strex(b, A32_AL, A32_R0, A32_R1, A32_PC));
  REJECT(b, A32_ERR_REG, a32_strex(b, A32_AL, A32_R1, A32_R1, A32_R2));
  REJECT(b, A32_ERR_REG, a32_strex(b, A32_AL, A32_R2, A32_R1, A32_R2));
  ACCEPT(b, a32_strex(b, A32_AL, A32_R0, A32_R1, A32_R2));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe1820f91u);
}

/* ---- branches ---------------------------------------------------------------- */

static void test_branch_ranges(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_RANGE, a32_b_rel(b, A32_AL, false, (1 << 25) + 8));
  REJECT(b, A32_ERR_RANGE, a32_b_rel(b, A32_AL, true, -(1 << 25) + 4));
  REJECT(b, A32_ERR_RANGE, a32_b_rel(b, A32_AL, false, 6));
  REJECT(b, A32_ERR_RANGE, a32_b_rel(b, A32_AL, false, INT32_MIN));
  REJECT(b, A32_ERR_ARG, a32_b_rel(b, (a32_cond)15, false, 8));
  ACCEPT(b, a32_b_rel(b, A32_AL, false, (1 << 25) + 4));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xea7fffffu);
  ACCEPT(b, a32_b_rel(b, A32_AL, true, -(1 << 25) + 8));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xeb800000u);
  REJECT(b, A32_ERR_REG, a32_blx(b, A32_AL, A32_PC));
  REJECT(b, A32_ERR_REG, a32_bx(b, A32_AL, (a32_reg)16));

  uint32_t w = 0x12345678;
  assert_int_equal(a32_encode_b(&w, A32_AL, false, 0x1000, 0x1000 + (1 << 25) + 8), A32_ERR_RANGE);
  assert_int_equal(a32_encode_b(&w, A32_AL, false, 0x1000, 0x1002), A32_ERR_RANGE);
  assert_int_equal(a32_encode_b(&w, (a32_cond)15, false, 0x1000, 0x1008), A32_ERR_ARG);
  assert_int_equal(a32_encode_b(NULL, A32_AL, false, 0x1000, 0x1008), A32_ERR_ARG);
  assert_int_equal(w, 0x12345678);
  /* wrapping around the address space */
  assert_int_equal(a32_encode_b(&w, A32_NE, true, 0xfffffffcu, 0x4), A32_OK);
  assert_int_equal(w, 0x1b000000u); /* blne .+8 */
  assert_int_equal(a32_encode_b(&w, A32_AL, false, 0x4, 0xfffffff8u), A32_OK);
  assert_int_equal(w, 0xeafffffbu); /* b .-12 */
}

static void test_labels_rejections(void **state) {
  a32_buf *b = *state;
  a32_label l = a32_label_new(b);
  assert_true(l != 0);
  REJECT(b, A32_ERR_LABEL, a32_b(b, A32_AL, 0));
  REJECT(b, A32_ERR_LABEL, a32_bl(b, A32_AL, l + 100));
  REJECT(b, A32_ERR_LABEL, a32_mov_label_abs(b, A32_AL, A32_R0, l + 1));
  REJECT(b, A32_ERR_REG, a32_mov_label_abs(b, A32_AL, A32_PC, l));
  REJECT(b, A32_ERR_LABEL, a32_label_bind(b, l + 1));
  REJECT(b, A32_ERR_ARG, a32_b(b, (a32_cond)15, l));
  ACCEPT(b, a32_label_bind(b, l));
  REJECT(b, A32_ERR_LABEL, a32_label_bind(b, l));
}

static void test_link_unbound(void **state) {
  a32_buf *b = *state;
  a32_label l = a32_label_new(b);
  ACCEPT(b, a32_b(b, A32_AL, l));
  REJECT(b, A32_ERR_LABEL, a32_buf_link(b, 0x8000));

  a32_buf *c = a32_buf_new(0, 0);
  a32_label m = a32_label_new(c);
  ACCEPT(c, a32_mov_label_abs(c, A32_AL, A32_R0, m));
  REJECT(c, A32_ERR_LABEL, a32_buf_link(c, 0x8000));
  ACCEPT(c, a32_label_bind(c, m));
  ACCEPT(c, a32_buf_link(c, 0x8000));
  a32_buf_free(c);
}

static void test_branch_fixup_out_of_range(void **state) {
  (void)state;
  /* Forward: the fixup fails when the label is bound 64 MB later. */
  a32_buf *b = a32_buf_new(0, 0);
  a32_label l = a32_label_new(b);
  ACCEPT(b, a32_b(b, A32_AL, l));
  uint32_t placeholder = a32_buf_word(b, 0);
  ACCEPT(b, a32_align(b, 1u << 26));
  assert_int_equal(a32_buf_size(b), (size_t)1 << 26);
  assert_int_equal(a32_label_bind(b, l), A32_ERR_RANGE);
  assert_true(strlen(a32_buf_errmsg(b)) > 0);
  assert_int_equal(a32_buf_word(b, 0), placeholder);
  a32_buf_clear_error(b);
  a32_buf_free(b);
  /* Backward: a branch 32 MB + 8 back is refused at once. */
  a32_buf *c = a32_buf_new(0, 0);
  a32_label k = a32_label_new(c);
  ACCEPT(c, a32_label_bind(c, k));
  ACCEPT(c, a32_nop(c, A32_AL));
  ACCEPT(c, a32_align(c, 1u << 25)); /* the next branch is at 32 MB */
  assert_int_equal(a32_buf_size(c), (size_t)1 << 25);
  REJECT(c, A32_ERR_RANGE, a32_b(c, A32_AL, k));
  a32_buf_free(c);
}

/* ---- system ----------------------------------------------------------------------- */

static void test_system(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_IMM, a32_bkpt(b, 0x10000));
  REJECT(b, A32_ERR_IMM, a32_dmb(b, 16));
  REJECT(b, A32_ERR_IMM, a32_dsb(b, 99));
  REJECT(b, A32_ERR_IMM, a32_isb(b, 16));
  REJECT(b, A32_ERR_ARG, a32_nop(b, (a32_cond)15));
  REJECT(b, A32_ERR_REG, a32_mcr(b, A32_AL, 15, 0, A32_PC, 7, 5, 4));
  REJECT(b, A32_ERR_IMM, a32_mcr(b, A32_AL, 16, 0, A32_R0, 7, 5, 4));
  REJECT(b, A32_ERR_IMM, a32_mrc(b, A32_AL, 15, 8, A32_R0, 7, 5, 4));
  REJECT(b, A32_ERR_IMM, a32_mrc(b, A32_AL, 15, 0, A32_R0, 16, 5, 4));
  REJECT(b, A32_ERR_IMM, a32_mrc(b, A32_AL, 15, 0, A32_R0, 7, 16, 4));
  REJECT(b, A32_ERR_IMM, a32_mrc(b, A32_AL, 15, 0, A32_R0, 7, 5, 8));
  REJECT(b, A32_ERR_ARG, a32_mrc(b, A32_AL, 10, 0, A32_R0, 7, 5, 4));
  REJECT(b, A32_ERR_ARG, a32_mcr(b, A32_AL, 11, 0, A32_R0, 7, 5, 4));
  ACCEPT(b, a32_mrc(b, A32_AL, 15, 0, A32_R0, 13, 0, 3));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xee1d0f70u); /* mrc p15,0,r0,c13,c0,3 */
  ACCEPT(b, a32_bkpt(b, 0xabcd));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe12abc7du);
  ACCEPT(b, a32_dmb(b, 11));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xf57ff05bu);
}

/* ---- VFP and NEON ------------------------------------------------------------------- */

static void test_vfp_registers(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REG, a32_vfp(b, A32_AL, A32_VADD, true, 32, 0, 1));
  REJECT(b, A32_ERR_REG, a32_vfp(b, A32_AL, A32_VADD, true, 0, 32, 1));
  REJECT(b, A32_ERR_REG, a32_vfp(b, A32_AL, A32_VADD, false, 0, 1, 32));
  REJECT(b, A32_ERR_REG, a32_vcmp_zero(b, A32_AL, false, false, 32));
  REJECT(b, A32_ERR_REG, a32_vmov_imm(b, A32_AL, false, 32, 0x3f800000u));
  REJECT(b, A32_ERR_IMM, a32_vmov_imm(b, A32_AL, true, 0, 0));            /* 0.0 */
  REJECT(b, A32_ERR_IMM, a32_vmov_imm(b, A32_AL, true, 0, 0x3fb999999999999aull)); /* 0.1 */
  REJECT(b, A32_ERR_IMM, a32_vmov_imm(b, A32_AL, true, 0, 0x4040000000000000ull)); /* 32.0 */
  REJECT(b, A32_ERR_IMM, a32_vmov_imm(b, A32_AL, false, 0, 0x3f800000ull << 32)); /* high bits */
  assert_int_equal(a32_vfp_imm8(true, 0x3fe0000000000000ull), 0x60);    /* 0.5 */
  assert_int_equal(a32_vfp_imm8(true, 0xbff0000000000000ull), 0xf0);    /* -1.0 */
  assert_int_equal(a32_vfp_imm8(false, 0x40000000u), 0x00);             /* 2.0f */
  assert_int_equal(a32_vfp_imm8(true, 0x403f000000000000ull), 0x3f);    /* 31.0 */
  REJECT(b, A32_ERR_REG, a32_vcvt(b, A32_AL, A32_CVT_S32_F64, 32, 0));
  REJECT(b, A32_ERR_REG, a32_vcvt(b, A32_AL, A32_CVT_F64_S32, 0, 32));
  REJECT(b, A32_ERR_REG, a32_vmov_core_to_s(b, A32_AL, 32, A32_R0));
  REJECT(b, A32_ERR_REG, a32_vmov_core_to_s(b, A32_AL, 3, A32_PC));
  REJECT(b, A32_ERR_REG, a32_vmov_s_to_core(b, A32_AL, A32_PC, 3));
  REJECT(b, A32_ERR_REG, a32_vmov_core_to_d(b, A32_AL, 3, A32_PC, A32_R1));
  REJECT(b, A32_ERR_REG, a32_vmov_d_to_core(b, A32_AL, A32_R0, A32_PC, 3));
  REJECT(b, A32_ERR_REG, a32_vmov_d_to_core(b, A32_AL, A32_R1, A32_R1, 3));
  REJECT(b, A32_ERR_REG, a32_vmov_core_to_d(b, A32_AL, 32, A32_R0, A32_R1));
  /* d16..d31 need D32 */
  a32_buf_set_features(b, A32_FEAT_VFPV3);
  REJECT(b, A32_ERR_FEATURE, a32_vfp(b, A32_AL, A32_VADD, true, 16, 0, 1));
  REJECT(b, A32_ERR_FEATURE, a32_vfp(b, A32_AL, A32_VMOV, true, 0, 0, 31));
  REJECT(b, A32_ERR_FEATURE, a32_vldr(b, A32_AL, true, 17, A32_R0, 0));
  REJECT(b, A32_ERR_FEATURE, a32_vcvt(b, A32_AL, A32_CVT_F64_F32, 16, 0));
  REJECT(b, A32_ERR_FEATURE, a32_vmov_d_to_core(b, A32_AL, A32_R0, A32_R1, 20));
  REJECT(b, A32_ERR_FEATURE, a32_vpush(b, A32_AL, 8, 9));
  ACCEPT(b, a32_vfp(b, A32_AL, A32_VADD, false, 31, 30, 29)); /* s31 is fine */
  ACCEPT(b, a32_vpush(b, A32_AL, 8, 8));
  a32_buf_set_features(b, A32_FEAT_ALL);
  ACCEPT(b, a32_vfp(b, A32_AL, A32_VADD, true, 16, 0, 31));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xee700b2fu); /* vadd.f64 d16, d0, d31 */
  /* bad enums */
  REJECT(b, A32_ERR_ARG, a32_vfp(b, A32_AL, (a32_vfp_op)15, true, 0, 0, 0));
  REJECT(b, A32_ERR_REG, a32_vfp(b, A32_AL, A32_VMLA, true, 0, 32, 0));
  REJECT(b, A32_ERR_ARG, a32_vcvt(b, A32_AL, (a32_cvt_op)10, 0, 0));
  REJECT(b, A32_ERR_ARG, a32_vmrs_apsr(b, (a32_cond)15));
  REJECT(b, A32_ERR_ARG, a32_vfp(b, (a32_cond)15, A32_VADD, true, 0, 0, 0));
}

static void test_vfp_memory(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_ALIGN, a32_vldr(b, A32_AL, true, 0, A32_R0, 2));
  REJECT(b, A32_ERR_ALIGN, a32_vstr(b, A32_AL, false, 0, A32_R0, -6));
  REJECT(b, A32_ERR_IMM, a32_vldr(b, A32_AL, true, 0, A32_R0, 1024));
  REJECT(b, A32_ERR_IMM, a32_vstr(b, A32_AL, false, 0, A32_R0, -1024));
  REJECT(b, A32_ERR_REG, a32_vldr(b, A32_AL, true, 0, (a32_reg)16, 0));
  REJECT(b, A32_ERR_REG, a32_vstr(b, A32_AL, false, 32, A32_R0, 0));
  ACCEPT(b, a32_vldr(b, A32_AL, true, 1, A32_R2, -1020));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xed121bffu); /* vldr d1, [r2, #-1020] */
  REJECT(b, A32_ERR_REGLIST, a32_vpush(b, A32_AL, 8, 0));
  REJECT(b, A32_ERR_REGLIST, a32_vpush(b, A32_AL, 0, 17));
  REJECT(b, A32_ERR_REGLIST, a32_vpop(b, A32_AL, 30, 3));
  REJECT(b, A32_ERR_REGLIST, a32_vpop(b, A32_AL, 32, 1));
  REJECT(b, A32_ERR_REGLIST, a32_vpop(b, A32_AL, 0xffffffffu, 2));
  ACCEPT(b, a32_vpush(b, A32_AL, 8, 8));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xed2d8b10u); /* vpush {d8-d15} */
  ACCEPT(b, a32_vpop(b, A32_AL, 16, 16));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xecfd0b20u); /* vpop {d16-d31} */
}

static void test_neon(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REG, a32_neon3(b, A32_NADD_I64, 32, 0, 0));
  REJECT(b, A32_ERR_REG, a32_neon3(b, A32_NAND, 0, 32, 0));
  REJECT(b, A32_ERR_REG, a32_neon3(b, A32_NEOR, 0, 0, 32));
  REJECT(b, A32_ERR_ARG, a32_neon3(b, (a32_neon_op)17, 0, 0, 0));
  REJECT(b, A32_ERR_REG, a32_neon3(b, A32_NMUL_F32, 32, 0, 0));
  /* VLD1/VST1 */
  REJECT(b, A32_ERR_ARG, a32_vld1(b, 12, 0, 1, A32_R0, 0, A32_PC));
  REJECT(b, A32_ERR_REGLIST, a32_vld1(b, 8, 0, 0, A32_R0, 0, A32_PC));
  REJECT(b, A32_ERR_REGLIST, a32_vst1(b, 8, 0, 5, A32_R0, 0, A32_PC));
  REJECT(b, A32_ERR_REG, a32_vld1(b, 32, 30, 3, A32_R0, 0, A32_PC));
  REJECT(b, A32_ERR_REG, a32_vld1(b, 32, 0, 1, A32_PC, 0, A32_PC));
  REJECT(b, A32_ERR_REG, a32_vld1(b, 32, 0, 1, A32_R0, 0, (a32_reg)16));
  REJECT(b, A32_ERR_ALIGN, a32_vld1(b, 32, 0, 1, A32_R0, 16, A32_PC));
  REJECT(b, A32_ERR_ALIGN, a32_vst1(b, 32, 0, 2, A32_R0, 32, A32_PC));
  REJECT(b, A32_ERR_ALIGN, a32_vst1(b, 32, 0, 3, A32_R0, 16, A32_PC));
  REJECT(b, A32_ERR_ALIGN, a32_vld1(b, 32, 0, 4, A32_R0, 4, A32_PC));
  ACCEPT(b, a32_vld1(b, 64, 28, 4, A32_R0, 32, A32_SP));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xf460c2fdu); /* vld1.64 {d28-d31}, [r0:256]! */
  a32_buf_set_features(b, A32_FEAT_ALL & ~A32_FEAT_NEON);
  REJECT(b, A32_ERR_FEATURE, a32_neon3(b, A32_NADD_I64, 0, 1, 2));
  REJECT(b, A32_ERR_FEATURE, a32_vld1(b, 8, 0, 1, A32_R0, 0, A32_PC));
  a32_buf_set_features(b, A32_FEAT_ALL);
  ACCEPT(b, a32_neon3(b, A32_NSUB_I64, 17, 1, 31));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xf371182fu); /* vsub.i64 d17, d1, d31 */
}

/* ---- buffer ---------------------------------------------------------------------------- */

static void test_sticky_first_error(void **state) {
  a32_buf *b = *state;
  assert_int_equal(a32_movw(b, A32_AL, A32_R0, 0x10000), A32_ERR_IMM);
  char first[256];
  strncpy(first, a32_buf_errmsg(b), sizeof first - 1);
  first[sizeof first - 1] = '\0';
  /* A later error returns its own code but does not replace the first. */
  assert_int_equal(a32_ldm(b, A32_AL, A32_IA, A32_R0, false, 0), A32_ERR_REGLIST);
  assert_int_equal(a32_buf_status(b), A32_ERR_IMM);
  assert_string_equal(a32_buf_errmsg(b), first);
  /* Emitters keep working. */
  size_t at = a32_buf_size(b);
  ACCEPT(b, a32_nop(b, A32_AL));
  assert_int_equal(a32_buf_size(b), at + 4);
  assert_int_equal(a32_buf_status(b), A32_ERR_IMM);
  a32_buf_clear_error(b);
}

static void test_align_and_patch_rejections(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_ARG, a32_align(b, 0));
  REJECT(b, A32_ERR_ARG, a32_align(b, 2));
  REJECT(b, A32_ERR_ARG, a32_align(b, 12));
  size_t end = a32_buf_size(b);
  REJECT(b, A32_ERR_ALIGN, a32_buf_patch_begin(b, 2));
  REJECT(b, A32_ERR_RANGE, a32_buf_patch_begin(b, end + 4));
  /* Patching past the end */
  ACCEPT(b, a32_buf_patch_begin(b, end - 4));
  REJECT(b, A32_ERR_RANGE, a32_mov_imm32(b, A32_AL, A32_R0, 0x12345678));
  ACCEPT(b, a32_word(b, 0xdeadbeef));
  REJECT(b, A32_ERR_RANGE, a32_word(b, 0));
  a32_buf_patch_end(b);
  assert_int_equal(a32_buf_size(b), end);
  assert_int_equal(a32_buf_word(b, end - 4), 0xdeadbeef);
}

static void test_full(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(4, 8);
  assert_non_null(b);
  ACCEPT(b, a32_nop(b, A32_AL));
  /* Two words do not fit in the 4 bytes left: nothing is written. */
  REJECT(b, A32_ERR_FULL, a32_mov_imm32(b, A32_AL, A32_R0, 0x12345678));
  REJECT(b, A32_ERR_FULL, a32_align(b, 16));
  ACCEPT(b, a32_word(b, 0x11223344));
  REJECT(b, A32_ERR_FULL, a32_word(b, 0x55667788));
  REJECT(b, A32_ERR_FULL, a32_nop(b, A32_AL));
  assert_int_equal(a32_buf_size(b), 8);
  assert_int_equal(a32_buf_word(b, 4), 0x11223344);
  a32_buf_free(b);

  /* max_bytes not a multiple of 4: whole words only. */
  b = a32_buf_new(0, 3);
  REJECT(b, A32_ERR_FULL, a32_nop(b, A32_AL));
  a32_buf_free(b);
}

static void test_growth(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(4, 0);
  for (uint32_t i = 0; i < 5000; i++)
    ACCEPT(b, a32_word(b, i * 2654435761u));
  assert_int_equal(a32_buf_size(b), 20000);
  for (uint32_t i = 0; i < 5000; i++)
    assert_int_equal(a32_buf_word(b, i * 4), i * 2654435761u);
  /* Little-endian bytes. */
  assert_int_equal(a32_buf_data(b)[4], (uint8_t)2654435761u);
  assert_int_equal(a32_buf_word(b, 20000), 0); /* out of range reads 0 */
  ACCEPT(b, a32_align(b, 64));
  assert_int_equal(a32_buf_size(b) % 64, 0);
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe320f000u);
  a32_buf_free(b);
}

static void test_branch_fixups(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(0, 0);
  a32_label fwd = a32_label_new(b), back = a32_label_new(b);
  assert_false(a32_label_bound(b, fwd));
  assert_int_equal(a32_label_offset(b, fwd), (size_t)-1);
  ACCEPT(b, a32_label_bind(b, back));                 /* 0 */
  ACCEPT(b, a32_b(b, A32_AL, fwd));                   /* 0: b fwd (forward) */
  ACCEPT(b, a32_bl(b, A32_EQ, fwd));                  /* 4: bleq fwd */
  ACCEPT(b, a32_b(b, A32_NE, back));                  /* 8: bne back */
  ACCEPT(b, a32_label_bind(b, fwd));                  /* 12 */
  ACCEPT(b, a32_bl(b, A32_AL, back));                 /* 12: bl back */
  assert_true(a32_label_bound(b, fwd));
  assert_int_equal(a32_label_offset(b, fwd), 12);
  assert_int_equal(a32_buf_word(b, 0), 0xea000001u);  /* b .+12 */
  assert_int_equal(a32_buf_word(b, 4), 0x0b000000u);  /* bleq .+8 */
  assert_int_equal(a32_buf_word(b, 8), 0x1afffffcu);  /* bne .-8 */
  assert_int_equal(a32_buf_word(b, 12), 0xebfffffbu); /* bl .-12 */
  ACCEPT(b, a32_buf_link(b, 0));
  a32_buf_free(b);
}

/* a32_b_rel(..., 0) placeholders re-aimed once their targets are known,
 * forward and back, keeping cond and L; words that are no B/BL, offsets
 * outside the buffer and unreachable or misaligned targets are refused. */
static void test_branch_retarget(void **state) {
  a32_buf *b = *state;
  size_t o = a32_buf_size(b);
  ACCEPT(b, a32_b_rel(b, A32_NE, false, 0));            /* o: bne . */
  ACCEPT(b, a32_b_rel(b, A32_AL, true, 0));             /* o+4: bl . */
  ACCEPT(b, a32_nop(b, A32_AL));                        /* o+8 */
  assert_int_equal(a32_buf_word(b, o), 0x1afffffeu);
  ACCEPT(b, a32_b_retarget(b, o, o + 8));
  ACCEPT(b, a32_b_retarget(b, o + 4, o));
  assert_int_equal(a32_buf_word(b, o), 0x1a000000u);    /* bne .+8 */
  assert_int_equal(a32_buf_word(b, o + 4), 0xebfffffdu);/* bl .-4 */
  ACCEPT(b, a32_b_retarget(b, o, o + 0x1000));          /* beyond the end: allowed */
  assert_int_equal(a32_buf_word(b, o), 0x1a0003feu);
  REJECT(b, A32_ERR_ARG, a32_b_retarget(b, o + 8, o));  /* a NOP */
  REJECT(b, A32_ERR_ARG, a32_b_retarget(b, o + 12, o)); /* past the end */
  REJECT(b, A32_ERR_ARG, a32_b_retarget(b, o + 2, o));  /* misaligned word */
  REJECT(b, A32_ERR_RANGE, a32_b_retarget(b, o, o + 6));/* misaligned target */
  REJECT(b, A32_ERR_RANGE, a32_b_retarget(b, o, o + ((size_t)1 << 25) + 8));
  assert_int_equal(a32_buf_word(b, o), 0x1a0003feu);    /* unchanged by the refusals */
  ACCEPT(b, a32_b_retarget(b, o, o + ((size_t)1 << 25) + 4));
  assert_int_equal(a32_buf_word(b, o), 0x1a7fffffu);
  assert_int_equal(a32_b_retarget(NULL, 0, 0), A32_ERR_ARG);
}

static void test_patch(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(0, 0);
  for (int i = 0; i < 4; i++)
    ACCEPT(b, a32_nop(b, A32_AL));
  ACCEPT(b, a32_buf_patch_begin(b, 4));
  ACCEPT(b, a32_mov_imm32(b, A32_AL, A32_R0, 0x12345678)); /* overwrites 4 and 8 */
  a32_buf_patch_end(b);
  assert_int_equal(a32_buf_size(b), 16);
  assert_int_equal(a32_buf_word(b, 0), 0xe320f000u);
  assert_int_equal(a32_buf_word(b, 4), 0xe3050678u);
  assert_int_equal(a32_buf_word(b, 8), 0xe3410234u);
  assert_int_equal(a32_buf_word(b, 12), 0xe320f000u);
  ACCEPT(b, a32_nop(b, A32_NE)); /* appending again */
  assert_int_equal(a32_buf_size(b), 20);
  assert_int_equal(a32_buf_word(b, 16), 0x1320f000u);

  /* Patching over a pending branch drops its fixup... */
  a32_label l = a32_label_new(b);
  ACCEPT(b, a32_b(b, A32_AL, l)); /* 20 */
  ACCEPT(b, a32_b(b, A32_AL, l)); /* 24 */
  ACCEPT(b, a32_buf_patch_begin(b, 20));
  ACCEPT(b, a32_nop(b, A32_AL));
  a32_buf_patch_end(b);
  /* ...and a branch emitted while patching is fixed up like any other. */
  ACCEPT(b, a32_nop(b, A32_AL)); /* 28 */
  ACCEPT(b, a32_buf_patch_begin(b, 28));
  ACCEPT(b, a32_b(b, A32_GT, l));
  a32_buf_patch_end(b);
  ACCEPT(b, a32_label_bind(b, l)); /* 32 */
  assert_int_equal(a32_buf_word(b, 20), 0xe320f000u);
  assert_int_equal(a32_buf_word(b, 24), 0xea000000u);
  assert_int_equal(a32_buf_word(b, 28), 0xcaffffffu);
  ACCEPT(b, a32_buf_link(b, 0));
  a32_buf_free(b);
}

static void test_mov_label_abs(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(0, 0);
  a32_label l = a32_label_new(b);
  ACCEPT(b, a32_mov_label_abs(b, A32_AL, A32_R0, l)); /* 0, 4 */
  ACCEPT(b, a32_label_bind(b, l));                    /* 8 */
  ACCEPT(b, a32_mov_label_abs(b, A32_EQ, A32_R3, l)); /* 8, 12: backward */
  ACCEPT(b, a32_buf_link(b, 0x10000));
  assert_int_equal(a32_buf_word(b, 0), 0xe3000008u);  /* movw r0, #8 */
  assert_int_equal(a32_buf_word(b, 4), 0xe3400001u);  /* movt r0, #1 */
  assert_int_equal(a32_buf_word(b, 8), 0x03000008u | 3u << 12);
  assert_int_equal(a32_buf_word(b, 12), 0x03400001u | 3u << 12);
  /* Link again for another address. */
  ACCEPT(b, a32_buf_link(b, 0x12345678));
  assert_int_equal(a32_buf_word(b, 0), 0xe3050680u);  /* movw r0, #0x5680 */
  assert_int_equal(a32_buf_word(b, 4), 0xe3410234u);  /* movt r0, #0x1234 */
  assert_int_equal(a32_buf_word(b, 8), 0x03053680u);  /* movweq r3, #0x5680 */
  assert_int_equal(a32_buf_word(b, 12), 0x03413234u); /* movteq r3, #0x1234 */
  /* Overwriting the pair while patching drops its fixup. */
  ACCEPT(b, a32_buf_patch_begin(b, 0));
  ACCEPT(b, a32_word(b, 0));
  ACCEPT(b, a32_word(b, 0));
  a32_buf_patch_end(b);
  ACCEPT(b, a32_buf_link(b, 0));
  assert_int_equal(a32_buf_word(b, 0), 0);
  assert_int_equal(a32_buf_word(b, 4), 0);
  assert_int_equal(a32_buf_word(b, 8), 0x03003008u);
  a32_buf_free(b);
}

/* ---- symbols and relocations --------------------------------------------- */

static void test_sym_rejections(void **state) {
  a32_buf *b = *state;
  a32_sym f = a32_sym_new(b, "f");
  assert_int_not_equal(f, 0);
  assert_string_equal(a32_sym_name(b, f), "f");
  assert_null(a32_sym_name(b, f + 1));
  assert_null(a32_sym_name(b, 0));
  /* A name is required. */
  assert_int_equal(a32_sym_new(b, ""), 0);
  assert_int_equal(a32_buf_status(b), A32_ERR_ARG);
  a32_buf_clear_error(b);
  assert_int_equal(a32_sym_new(b, NULL), 0);
  assert_int_equal(a32_buf_status(b), A32_ERR_ARG);
  a32_buf_clear_error(b);
  /* Unknown handles. */
  REJECT(b, A32_ERR_SYMBOL, a32_bl_sym(b, A32_AL, 0, 0));
  REJECT(b, A32_ERR_SYMBOL, a32_b_sym(b, A32_AL, f + 1, 0));
  REJECT(b, A32_ERR_SYMBOL, a32_mov_sym_abs(b, A32_AL, A32_R0, 7, 0));
  REJECT(b, A32_ERR_SYMBOL, a32_word_sym(b, f + 1, 0));
  /* Branch offsets: multiples of 4 within imm24 (A = off - 8). */
  REJECT(b, A32_ERR_ALIGN, a32_bl_sym(b, A32_AL, f, 2));
  REJECT(b, A32_ERR_RANGE, a32_b_sym(b, A32_AL, f, (1 << 25) + 8));
  REJECT(b, A32_ERR_RANGE, a32_b_sym(b, A32_AL, f, -(1 << 25) + 4));
  REJECT(b, A32_ERR_ARG, a32_b_sym(b, (a32_cond)15, f, 0));
  /* MOVW/MOVT: signed 16-bit REL addend, rd not pc. */
  REJECT(b, A32_ERR_IMM, a32_mov_sym_abs(b, A32_AL, A32_R0, f, 32768));
  REJECT(b, A32_ERR_IMM, a32_mov_sym_abs(b, A32_AL, A32_R0, f, -32769));
  REJECT(b, A32_ERR_REG, a32_mov_sym_abs(b, A32_AL, A32_PC, f, 0));
  assert_int_equal(a32_buf_nrelocs(b), 0);
  /* The extremes are accepted. */
  ACCEPT(b, a32_b_sym(b, A32_AL, f, (1 << 25) + 4));
  ACCEPT(b, a32_b_sym(b, A32_AL, f, -(1 << 25) + 8));
  ACCEPT(b, a32_mov_sym_abs(b, A32_AL, A32_R0, f, -32768));
  ACCEPT(b, a32_mov_sym_abs(b, A32_AL, A32_R0, f, 32767));
  assert_int_equal(a32_buf_nrelocs(b), 6);
}

typedef struct {
  const char *name[4];
  uint32_t addr[4];
  unsigned calls;
} resolver_table;

static bool table_resolve(void *ud, a32_sym sym, const char *name, uint32_t *addr) {
  resolver_table *t = ud;
  (void)sym;
  t->calls++;
  for (int i = 0; i < 4 && t->name[i]; i++)
    if (strcmp(t->name[i], name) == 0) {
      *addr = t->addr[i];
      return true;
    }
  return false;
}

static void expect_reloc(const a32_buf *b, size_t i, size_t off, a32_reloc_kind kind,
                         const char *name, int32_t addend) {
  a32_reloc r;
  assert_true(a32_buf_reloc(b, i, &r));
  assert_int_equal(r.offset, off);
  assert_int_equal(r.kind, kind);
  assert_string_equal(r.name, name);
  assert_string_equal(a32_sym_name(b, r.sym), name);
  assert_int_equal(r.addend, addend);
}

static void test_sym_records_and_link(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(0, 0);
  a32_sym f = a32_sym_new(b, "f"), tab = a32_sym_new(b, "tab");
  ACCEPT(b, a32_bl_sym(b, A32_AL, f, 0));               /* 0  */
  ACCEPT(b, a32_bl_sym(b, A32_NE, f, 4));               /* 4  */
  ACCEPT(b, a32_b_sym(b, A32_GT, f, -8));               /* 8  */
  ACCEPT(b, a32_mov_sym_abs(b, A32_AL, A32_R3, tab, 4)); /* 12, 16 */
  ACCEPT(b, a32_word_sym(b, tab, -100));                /* 20 */
  /* Before link the words carry their REL addends, as GNU as writes them:
   * bl sym / blne sym+4 / bgt sym-8 / movw, movt r3, #:lower16:/:upper16:
   * tab+4 / .word tab-100. */
  assert_int_equal(a32_buf_word(b, 0), 0xebfffffeu);
  assert_int_equal(a32_buf_word(b, 4), 0x1bffffffu);
  assert_int_equal(a32_buf_word(b, 8), 0xcafffffcu);
  assert_int_equal(a32_buf_word(b, 12), 0xe3003004u);
  assert_int_equal(a32_buf_word(b, 16), 0xe3403004u);
  assert_int_equal(a32_buf_word(b, 20), 0xffffff9cu);
  assert_int_equal(a32_buf_nrelocs(b), 6);
  expect_reloc(b, 0, 0, A32_RELOC_CALL, "f", -8);
  expect_reloc(b, 1, 4, A32_RELOC_JUMP24, "f", -4);
  expect_reloc(b, 2, 8, A32_RELOC_JUMP24, "f", -16);
  expect_reloc(b, 3, 12, A32_RELOC_MOVW_ABS_NC, "tab", 4);
  expect_reloc(b, 4, 16, A32_RELOC_MOVT_ABS, "tab", 4);
  expect_reloc(b, 5, 20, A32_RELOC_ABS32, "tab", -100);
  a32_reloc r;
  assert_false(a32_buf_reloc(b, 6, &r));
  assert_int_equal(A32_RELOC_ABS32, 2); /* the ELF type numbers */
  assert_int_equal(A32_RELOC_CALL, 28);
  assert_int_equal(A32_RELOC_JUMP24, 29);
  assert_int_equal(A32_RELOC_MOVW_ABS_NC, 43);
  assert_int_equal(A32_RELOC_MOVT_ABS, 44);

  /* Link at 0x10000 with f at 0x20000 and tab at 0x1234fff0. */
  resolver_table t = {{"f", "tab"}, {0x20000, 0x1234fff0u}, 0};
  ACCEPT(b, a32_buf_link_syms(b, 0x10000, table_resolve, &t));
  assert_int_equal(t.calls, 2); /* once per symbol */
  assert_int_equal(a32_buf_word(b, 0), 0xeb003ffeu);  /* bl 0x20000 from 0x10000 */
  assert_int_equal(a32_buf_word(b, 4), 0x1b003ffeu);  /* blne 0x20004 from 0x10004 */
  assert_int_equal(a32_buf_word(b, 8), 0xca003ffau);  /* bgt 0x1fff8 from 0x10008 */
  assert_int_equal(a32_buf_word(b, 12), 0xe30f3ff4u); /* movw r3, #0xfff4 */
  assert_int_equal(a32_buf_word(b, 16), 0xe3413234u); /* movt r3, #0x1234 */
  assert_int_equal(a32_buf_word(b, 20), 0x1234ff8cu);
  /* Again for another address: the fields come from the records. */
  t.addr[0] = 0x10000;
  t.addr[1] = 0xfffc;
  ACCEPT(b, a32_buf_link_syms(b, 0x20000, table_resolve, &t));
  assert_int_equal(a32_buf_word(b, 0), 0xebffbffeu);
  assert_int_equal(a32_buf_word(b, 12), 0xe3003000u); /* 0xfffc + 4 = 0x10000 */
  assert_int_equal(a32_buf_word(b, 16), 0xe3403001u);
  assert_int_equal(a32_buf_word(b, 20), 0x0000ff98u);

  /* Unresolved: named, nothing changes. */
  uint8_t snap[24];
  memcpy(snap, a32_buf_data(b), sizeof snap);
  t.name[1] = "other";
  assert_int_equal(a32_buf_link_syms(b, 0x10000, table_resolve, &t), A32_ERR_SYMBOL);
  assert_non_null(strstr(a32_buf_errmsg(b), "'tab'"));
  assert_memory_equal(a32_buf_data(b), snap, sizeof snap);
  a32_buf_clear_error(b);
  assert_int_equal(a32_buf_link(b, 0x10000), A32_ERR_SYMBOL); /* no resolver */
  assert_non_null(strstr(a32_buf_errmsg(b), "'f'"));
  a32_buf_clear_error(b);
  /* Out of reach: f 32 MiB away; nothing changes either. */
  t.name[1] = "tab";
  t.addr[0] = 0x10000 + (1u << 25) + 8;
  assert_int_equal(a32_buf_link_syms(b, 0x10000, table_resolve, &t), A32_ERR_RANGE);
  assert_non_null(strstr(a32_buf_errmsg(b), "'f'"));
  assert_memory_equal(a32_buf_data(b), snap, sizeof snap);
  a32_buf_clear_error(b);
  /* The last reachable target works, from both sides and across 0. */
  t.addr[0] = 0x10000 + (1u << 25) + 4;
  ACCEPT(b, a32_buf_link_syms(b, 0x10000, table_resolve, &t));
  assert_int_equal(a32_buf_word(b, 0), 0xeb7fffffu);
  t.addr[0] = 0xfff00000u;
  ACCEPT(b, a32_buf_link_syms(b, 0x10000, table_resolve, &t));
  assert_int_equal(a32_buf_word(b, 0), 0xebfbbffeu); /* back 0x110000 bytes */
  /* A Thumb address cannot be reached by B/BL. */
  t.addr[0] = 0x20001;
  assert_int_equal(a32_buf_link_syms(b, 0x10000, table_resolve, &t), A32_ERR_ALIGN);
  a32_buf_clear_error(b);

  /* Patching over a word drops its record; a reference emitted while
   * patching is inserted in offset order. */
  ACCEPT(b, a32_buf_patch_begin(b, 4));
  ACCEPT(b, a32_nop(b, A32_AL));
  a32_buf_patch_end(b);
  assert_int_equal(a32_buf_nrelocs(b), 5);
  expect_reloc(b, 1, 8, A32_RELOC_JUMP24, "f", -16);
  ACCEPT(b, a32_buf_patch_begin(b, 4));
  ACCEPT(b, a32_word_sym(b, f, 12));
  a32_buf_patch_end(b);
  assert_int_equal(a32_buf_nrelocs(b), 6);
  expect_reloc(b, 1, 4, A32_RELOC_ABS32, "f", 12);
  expect_reloc(b, 2, 8, A32_RELOC_JUMP24, "f", -16);
  assert_int_equal(a32_buf_word(b, 4), 12);
  a32_buf_free(b);
}

/* Labels are checked before symbols, and a label error leaves the
 * relocated words alone. */
static void test_sym_link_with_labels(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(0, 0);
  a32_sym f = a32_sym_new(b, "f");
  a32_label l = a32_label_new(b);
  ACCEPT(b, a32_mov_label_abs(b, A32_AL, A32_R0, l)); /* 0, 4 */
  ACCEPT(b, a32_b_sym(b, A32_AL, f, 0));              /* 8 */
  resolver_table t = {{"f"}, {0x1000}, 0};
  assert_int_equal(a32_buf_link_syms(b, 0x2000, table_resolve, &t), A32_ERR_LABEL);
  assert_int_equal(t.calls, 0);
  assert_int_equal(a32_buf_word(b, 8), 0xeafffffeu);
  a32_buf_clear_error(b);
  ACCEPT(b, a32_label_bind(b, l));
  ACCEPT(b, a32_buf_link_syms(b, 0x2000, table_resolve, &t));
  assert_int_equal(a32_buf_word(b, 0), 0xe302000cu); /* movw r0, #0x200c */
  assert_int_equal(a32_buf_word(b, 8), 0xeafffbfcu);           /* b 0x1000 from 0x2008 */
  a32_buf_free(b);
}

/* ---- the buffer's allocator ------------------------------------------------ */
typedef struct {
  size_t allocs, reallocs, frees, live;
  size_t fail_after; /* 0: never fail */
} count_hooks;

static void *ch_alloc(void *ud, size_t n) {
  count_hooks *h = ud;
  if (h->fail_after && h->allocs + h->reallocs >= h->fail_after)
    return NULL;
  h->allocs++;
  h->live++;
  return malloc(n);
}
static void *ch_realloc(void *ud, void *p, size_t n) {
  count_hooks *h = ud;
  assert_non_null(p); /* the contract: only blocks from alloc */
  if (h->fail_after && h->allocs + h->reallocs >= h->fail_after)
    return NULL;
  h->reallocs++;
  return realloc(p, n);
}
static void ch_free(void *ud, void *p) {
  count_hooks *h = ud;
  assert_non_null(p);
  h->frees++;
  h->live--;
  free(p);
}

/* Everything a buffer allocates, with everything in use. */
static a32_status fill_buffer(a32_buf *b) {
  a32_sym s = a32_sym_new(b, "a_symbol_name");
  a32_label l = a32_label_new(b);
  for (int i = 0; i < 40; i++) {
    a32_b(b, A32_AL, l);
    a32_mov_label_abs(b, A32_AL, A32_R0, l);
    a32_bl_sym(b, A32_AL, s, 0);
    a32_word_sym(b, s, i);
    a32_label_new(b);
  }
  a32_label_bind(b, l);
  return a32_buf_status(b);
}

static void test_allocator_hooks(void **state) {
  (void)state;
  count_hooks h = {0};
  a32_allocator al = {ch_alloc, ch_realloc, ch_free, &h};
  a32_buf *b = a32_buf_new_with(&al, 16, 0);
  assert_non_null(b);
  assert_int_equal(fill_buffer(b), A32_OK);
  assert_true(h.allocs >= 6); /* buffer, code, labels, fixups x2, syms, name, relocs */
  assert_true(h.reallocs > 0);
  a32_buf_free(b);
  assert_int_equal(h.live, 0);
  assert_int_equal(h.frees, h.allocs);

  /* Every allocation failing in turn: a clean A32_ERR_NOMEM, no leak. */
  size_t total = h.allocs + h.reallocs;
  for (size_t k = 1; k <= total; k++) {
    count_hooks f = {0, 0, 0, 0, k};
    a32_allocator fal = {ch_alloc, ch_realloc, ch_free, &f};
    a32_buf *fb = a32_buf_new_with(&fal, 16, 0);
    if (fb) {
      a32_status st = fill_buffer(fb);
      assert_true(st == A32_OK || st == A32_ERR_NOMEM);
      a32_buf_free(fb);
    }
    assert_int_equal(f.live, 0);
  }

  /* All three hooks or none. */
  a32_allocator half = {ch_alloc, NULL, ch_free, &h};
  assert_null(a32_buf_new_with(&half, 0, 0));
  b = a32_buf_new_with(NULL, 0, 0);
  assert_non_null(b);
  a32_buf_free(b);
}

/* ---- media and status registers ------------------------------------------ */
static void test_media(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_ARG, a32_extend(b, A32_AL, (a32_extend_op)12, A32_R0, 0, A32_R1, 0));
  REJECT(b, A32_ERR_IMM, a32_extend(b, A32_AL, A32_SXTB, A32_R0, 0, A32_R1, 4));
  REJECT(b, A32_ERR_IMM, a32_extend(b, A32_AL, A32_SXTB, A32_R0, 0, A32_R1, 32));
  REJECT(b, A32_ERR_REG, a32_extend(b, A32_AL, A32_UXTH, A32_PC, 0, A32_R1, 0));
  REJECT(b, A32_ERR_REG, a32_extend(b, A32_AL, A32_UXTH, A32_R0, 0, A32_PC, 0));
  REJECT(b, A32_ERR_REG, a32_extend(b, A32_AL, A32_UXTAB, A32_R0, A32_PC, A32_R1, 0));
  ACCEPT(b, a32_extend(b, A32_AL, A32_UXTH, A32_R0, A32_PC, A32_R1, 16)); /* rn ignored */
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe6ff0871u);  /* uxth r0, r1, ror #16 */
  REJECT(b, A32_ERR_ARG, a32_rev(b, A32_AL, (a32_rev_op)4, A32_R0, A32_R1));
  REJECT(b, A32_ERR_REG, a32_rev(b, A32_AL, A32_REV, A32_R0, A32_PC));
  REJECT(b, A32_ERR_ARG, a32_bitfield(b, A32_AL, (a32_bitfield_op)4, A32_R0, A32_R1, 0, 1));
  REJECT(b, A32_ERR_IMM, a32_bitfield(b, A32_AL, A32_UBFX, A32_R0, A32_R1, 0, 0));
  REJECT(b, A32_ERR_IMM, a32_bitfield(b, A32_AL, A32_SBFX, A32_R0, A32_R1, 32, 1));
  REJECT(b, A32_ERR_IMM, a32_bitfield(b, A32_AL, A32_BFI, A32_R0, A32_R1, 1, 32));
  REJECT(b, A32_ERR_IMM, a32_bitfield(b, A32_AL, A32_BFC, A32_R0, 0, 31, 2));
  REJECT(b, A32_ERR_REG, a32_bitfield(b, A32_AL, A32_BFC, A32_PC, 0, 0, 1));
  REJECT(b, A32_ERR_REG, a32_bitfield(b, A32_AL, A32_UBFX, A32_R0, A32_PC, 0, 1));
  REJECT(b, A32_ERR_REG, a32_bitfield(b, A32_AL, A32_BFI, A32_R0, A32_PC, 0, 1));
  ACCEPT(b, a32_bitfield(b, A32_AL, A32_BFC, A32_R3, A32_PC, 4, 8)); /* rn ignored */
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe7cb321fu);  /* bfc r3, #4, #8 */
}

static void test_svc_mrs_msr(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_IMM, a32_svc(b, A32_AL, 0x1000000));
  REJECT(b, A32_ERR_ARG, a32_svc(b, (a32_cond)15, 0));
  REJECT(b, A32_ERR_REG, a32_mrs(b, A32_AL, A32_PC, A32_CPSR));
  REJECT(b, A32_ERR_REG, a32_mrs(b, A32_AL, A32_PC, A32_SPSR));
  REJECT(b, A32_ERR_ARG, a32_mrs(b, A32_AL, A32_R0, (a32_psr)2));
  REJECT(b, A32_ERR_ARG, a32_msr(b, A32_AL, A32_CPSR, 0, A32_R0));
  REJECT(b, A32_ERR_ARG, a32_msr(b, A32_AL, A32_SPSR, 16, A32_R0));
  REJECT(b, A32_ERR_ARG, a32_msr(b, A32_AL, (a32_psr)2, A32_PSR_C, A32_R0));
  REJECT(b, A32_ERR_REG, a32_msr(b, A32_AL, A32_CPSR, A32_APSR_NZCVQ, A32_PC));
  REJECT(b, A32_ERR_REG, a32_msr(b, A32_AL, A32_SPSR, A32_PSR_F, (a32_reg)16));
  REJECT(b, A32_ERR_ARG, a32_msr_imm(b, A32_AL, A32_CPSR, 0, 0));  /* the hint space */
  REJECT(b, A32_ERR_IMM, a32_msr_imm(b, A32_AL, A32_CPSR, A32_APSR_G, 0x101));
  REJECT(b, A32_ERR_IMM, a32_msr_imm(b, A32_AL, A32_SPSR, A32_PSR_C, 0x102));
  ACCEPT(b, a32_msr(b, A32_NE, A32_CPSR, A32_APSR_NZCVQ | A32_APSR_G, A32_R2));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0x112cf002u);  /* msrne APSR_nzcvqg, r2 */
  ACCEPT(b, a32_mrs(b, A32_AL, A32_R0, A32_SPSR));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe14f0000u);  /* mrs r0, SPSR */
  ACCEPT(b, a32_msr(b, A32_AL, A32_SPSR, 15, A32_R1));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe16ff001u);  /* msr SPSR_fsxc, r1 */
}

static void test_hints_udf_cps(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_ARG, a32_hint(b, A32_AL, (a32_hint_op)5));
  REJECT(b, A32_ERR_ARG, a32_hint(b, (a32_cond)15, A32_HINT_WFI));
  ACCEPT(b, a32_hint(b, A32_NE, A32_HINT_WFI));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0x1320f003u);  /* wfine */
  REJECT(b, A32_ERR_IMM, a32_udf(b, 0x10000));
  ACCEPT(b, a32_udf(b, 0xffff));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe7ffffffu);  /* udf #65535 */
  REJECT(b, A32_ERR_ARG, a32_cps(b, (a32_cps_op)3, A32_CPS_I, A32_MODE_KEEP));
  REJECT(b, A32_ERR_ARG, a32_cps(b, A32_CPS_IE, 0, A32_MODE_KEEP));     /* empty mask */
  REJECT(b, A32_ERR_ARG, a32_cps(b, A32_CPS_ID, 8, A32_MODE_KEEP));     /* not a, i, f */
  REJECT(b, A32_ERR_ARG, a32_cps(b, A32_CPS_NONE, A32_CPS_I, A32_MODE_SVC)); /* mask, no effect */
  REJECT(b, A32_ERR_ARG, a32_cps(b, A32_CPS_NONE, 0, A32_MODE_KEEP));   /* nothing to do */
  REJECT(b, A32_ERR_IMM, a32_cps(b, A32_CPS_NONE, 0, 0x14));            /* reserved mode */
  REJECT(b, A32_ERR_IMM, a32_cps(b, A32_CPS_ID, A32_CPS_I, 0x20));
  ACCEPT(b, a32_cps(b, A32_CPS_ID, A32_CPS_I | A32_CPS_F, A32_MODE_SVC));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xf10e00d3u);  /* cpsid if, #19 */
  REJECT(b, A32_ERR_IMM, a32_subs_pc(b, A32_AL, A32_LR, 0x101));
  REJECT(b, A32_ERR_ARG, a32_subs_pc(b, (a32_cond)15, A32_LR, 4));
  ACCEPT(b, a32_subs_pc(b, A32_AL, A32_LR, 4));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe25ef004u);  /* subs pc, lr, #4 */
}

static void test_exception_return(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_REGLIST, a32_ldm_caret(b, A32_AL, A32_IA, A32_R0, false, 0));
  REJECT(b, A32_ERR_ARG, a32_ldm_caret(b, A32_AL, A32_IA, A32_R0, true, 0x0006)); /* User, wb */
  REJECT(b, A32_ERR_REGLIST, a32_ldm_caret(b, A32_AL, A32_IA, A32_R0, true, 0x8001));
  REJECT(b, A32_ERR_REG, a32_ldm_caret(b, A32_AL, A32_IA, A32_PC, false, 0x8001));
  REJECT(b, A32_ERR_ARG, a32_ldm_caret(b, A32_AL, (a32_block_mode)4, A32_R0, false, 1));
  REJECT(b, A32_ERR_REGLIST, a32_stm_caret(b, A32_AL, A32_DB, A32_R0, 0));
  REJECT(b, A32_ERR_REG, a32_stm_caret(b, A32_AL, A32_DB, A32_PC, 2));
  ACCEPT(b, a32_ldm_caret(b, A32_AL, A32_IA, A32_SP, true, 0x800f));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe8fd800fu);  /* ldm sp!, {r0-r3, pc}^ */
  ACCEPT(b, a32_stm_caret(b, A32_AL, A32_DB, A32_R0, 0x4002));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xe9404002u);  /* stmdb r0, {r1, lr}^ */
  REJECT(b, A32_ERR_IMM, a32_srs(b, A32_DB, true, 0x15));
  REJECT(b, A32_ERR_IMM, a32_srs(b, A32_DB, true, A32_MODE_KEEP));
  REJECT(b, A32_ERR_ARG, a32_srs(b, (a32_block_mode)4, true, A32_MODE_SVC));
  ACCEPT(b, a32_srs(b, A32_DB, true, A32_MODE_SVC));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xf96d0513u);  /* srsdb sp!, #19 */
  REJECT(b, A32_ERR_REG, a32_rfe(b, A32_IA, A32_PC, true));
  REJECT(b, A32_ERR_ARG, a32_rfe(b, (a32_block_mode)9, A32_R0, true));
  ACCEPT(b, a32_rfe(b, A32_IA, A32_R0, true));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xf8b00a00u);  /* rfeia r0! */
}

/* BLX (immediate) without a buffer: H from bit 1, bit 0 of the target
 * ignored, the reach of imm24:H. */
static void test_encode_blx(void **state) {
  (void)state;
  uint32_t w = 0;
  assert_int_equal(a32_encode_blx(NULL, 0, 0), A32_ERR_ARG);
  assert_int_equal(a32_encode_blx(&w, 0x1000, 0x1006 | 1), A32_OK);
  assert_int_equal(w, 0xfbffffffu); /* blx .+6 */
  assert_int_equal(a32_encode_blx(&w, 0x1000, 0x1008), A32_OK);
  assert_int_equal(w, 0xfa000000u); /* blx .+8 */
  w = 7;
  assert_int_equal(a32_encode_blx(&w, 0, (1u << 25) + 8), A32_ERR_RANGE);
  assert_int_equal(a32_encode_blx(&w, 1u << 26, (1u << 26) - (1u << 25) + 6), A32_ERR_RANGE);
  assert_int_equal(w, 7); /* untouched */
  assert_int_equal(a32_encode_blx(&w, 0, (1u << 25) + 6), A32_OK);
  assert_int_equal(w, 0xfb7fffffu);
}

static void test_vfp_sysregs(void **state) {
  a32_buf *b = *state;
  REJECT(b, A32_ERR_ARG, a32_vmrs(b, A32_AL, A32_R0, (a32_vfp_sysreg)2));
  REJECT(b, A32_ERR_ARG, a32_vmrs(b, A32_AL, A32_R0, (a32_vfp_sysreg)9));
  REJECT(b, A32_ERR_REG, a32_vmrs(b, A32_AL, A32_PC, A32_FPEXC));  /* only FPSCR -> flags */
  REJECT(b, A32_ERR_REG, a32_vmrs(b, A32_AL, (a32_reg)16, A32_FPSCR));
  REJECT(b, A32_ERR_ARG, a32_vmsr(b, A32_AL, A32_MVFR0, A32_R0));  /* read only */
  REJECT(b, A32_ERR_ARG, a32_vmsr(b, A32_AL, A32_MVFR1, A32_R0));
  REJECT(b, A32_ERR_REG, a32_vmsr(b, A32_AL, A32_FPSCR, A32_PC));
  ACCEPT(b, a32_vmrs(b, A32_AL, A32_R0, A32_FPEXC));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xeef80a10u);  /* vmrs r0, fpexc */
  ACCEPT(b, a32_vmsr(b, A32_AL, A32_FPEXC, A32_R0));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xeee80a10u);  /* vmsr fpexc, r0 */
  ACCEPT(b, a32_vmrs(b, A32_AL, A32_PC, A32_FPSCR));
  assert_int_equal(a32_buf_word(b, a32_buf_size(b) - 4), 0xeef1fa10u);  /* vmrs APSR_nzcv, fpscr */
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal(a32_status_name(A32_ERR_PAIR), "A32_ERR_PAIR");
  assert_string_equal(a32_status_name(A32_ERR_SYMBOL), "A32_ERR_SYMBOL");
  assert_string_equal(a32_reg_name(A32_R10), "r10");
  assert_string_equal(a32_reg_name(A32_IP), "ip");
  assert_string_equal(a32_reg_name(A32_PC), "pc");
  assert_string_equal(a32_cond_name(A32_HS), "cs");
  assert_string_equal(a32_cond_name(A32_AL), "");
  assert_string_equal(a32_shift_name(A32_RRX), "rrx");
  assert_non_null(a32_status_name((a32_status)99));
  assert_non_null(a32_reg_name((a32_reg)99));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_dp_immediate, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dp_shift_amounts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dp_registers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dp_bad_args, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wide_moves, setup, teardown),
      cmocka_unit_test_setup_teardown(test_multiply, setup, teardown),
      cmocka_unit_test_setup_teardown(test_divide_and_clz, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ldst_offsets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ldst_registers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_block, setup, teardown),
      cmocka_unit_test_setup_teardown(test_exclusive, setup, teardown),
      cmocka_unit_test_setup_teardown(test_branch_ranges, setup, teardown),
      cmocka_unit_test_setup_teardown(test_labels_rejections, setup, teardown),
      cmocka_unit_test_setup_teardown(test_link_unbound, setup, teardown),
      cmocka_unit_test(test_branch_fixup_out_of_range),
      cmocka_unit_test_setup_teardown(test_system, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vfp_registers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vfp_memory, setup, teardown),
      cmocka_unit_test_setup_teardown(test_neon, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sticky_first_error, setup, teardown),
      cmocka_unit_test_setup_teardown(test_align_and_patch_rejections, setup, teardown),
      cmocka_unit_test(test_full),
      cmocka_unit_test(test_growth),
      cmocka_unit_test(test_branch_fixups),
      cmocka_unit_test_setup_teardown(test_branch_retarget, setup, teardown),
      cmocka_unit_test(test_patch),
      cmocka_unit_test(test_mov_label_abs),
      cmocka_unit_test_setup_teardown(test_media, setup, teardown),
      cmocka_unit_test_setup_teardown(test_svc_mrs_msr, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hints_udf_cps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_exception_return, setup, teardown),
      cmocka_unit_test_setup_teardown(test_vfp_sysregs, setup, teardown),
      cmocka_unit_test(test_encode_blx),
      cmocka_unit_test_setup_teardown(test_sym_rejections, setup, teardown),
      cmocka_unit_test(test_sym_records_and_link),
      cmocka_unit_test(test_sym_link_with_labels),
      cmocka_unit_test(test_allocator_hooks),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
