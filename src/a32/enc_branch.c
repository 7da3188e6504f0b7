/* SPDX-License-Identifier: MIT */
/* enc_branch.c — B/BL by offset (A8.8.18, A8.8.25) and BX/BLX by register
 * (A8.8.27, A8.8.26).  Branches to labels are in label.c. */
#include "a32_internal.h"

#define BRANCH_MAX (INT64_C(1) << 25) /* ±32 MB from PC = branch + 8 */

a32_status a32_branch_word(a32_cond c, bool link, int64_t delta, uint32_t *w) {
  int64_t off = delta - 8;  /* the PC reads 8 bytes ahead in A32 */
  if ((delta & 3) != 0 || off < -BRANCH_MAX || off >= BRANCH_MAX)
    return A32_ERR_RANGE;
  /* cond 101L imm24, imm24 = offset / 4 */
  *w = a32_cond_bits(c) | 0x0a000000u | (uint32_t)link << 24 |
       ((uint32_t)(off / 4) & 0x00ffffffu);
  return A32_OK;
}

a32_status a32_b_rel(a32_buf *b, a32_cond c, bool link, int32_t offset) {
  const char *who = link ? "a32_b_rel (bl)" : "a32_b_rel";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  uint32_t w;
  if (a32_branch_word(c, link, offset, &w) != A32_OK)
    return a32_fail(b, A32_ERR_RANGE, who,
                    "offset %ld is misaligned or beyond +-32 MB", (long)offset);
  return a32_put(b, w);
}

a32_status a32_b_retarget(a32_buf *b, size_t at, size_t target) {
  static const char who[] = "a32_b_retarget";
  if (!b)
    return A32_ERR_ARG;
  if (at % 4 != 0 || at > b->size || b->size - at < 4)
    return a32_fail(b, A32_ERR_ARG, who, "no word of the buffer at 0x%zx", at);
  uint32_t old = a32_read_word(b, at), w;
  if ((old & 0x0e000000u) != 0x0a000000u || old >> 28 == 0xfu)  /* cond 101L imm24 */
    return a32_fail(b, A32_ERR_ARG, who, "the word at 0x%zx (0x%08x) is no B or BL", at,
                    (unsigned)old);
  int64_t delta = target >= at ? (int64_t)(target - at) : -(int64_t)(at - target);
  if (a32_branch_word((a32_cond)(old >> 28), (old >> 24) & 1, delta, &w) != A32_OK)
    return a32_fail(b, A32_ERR_RANGE, who,
                    "branch at 0x%zx cannot reach 0x%zx (misaligned or beyond +-32 MB)", at,
                    target);
  a32_write_word(b, at, w);
  return A32_OK;
}

a32_status a32_encode_b(uint32_t *word, a32_cond c, bool link, uint32_t from,
                        uint32_t to) {
  if (!word || (unsigned)c > A32_AL)
    return A32_ERR_ARG;
  /* Addresses wrap around the 4 GB space, as the PC arithmetic does. */
  uint32_t d = to - from;
  int64_t delta = d < 0x80000000u ? (int64_t)d : (int64_t)d - (INT64_C(1) << 32);
  return a32_branch_word(c, link, delta, word);
}

/* A8.8.25 BLX (immediate) A2: 1111 101H imm24, target = PC + imm24:H:0
 * (a Thumb function: the bit 0 of `to` is ignored). */
a32_status a32_encode_blx(uint32_t *word, uint32_t from, uint32_t to) {
  if (!word)
    return A32_ERR_ARG;
  uint32_t d = (to & ~1u) - from;
  int64_t off = (d < 0x80000000u ? (int64_t)d : (int64_t)d - (INT64_C(1) << 32)) - 8;
  if (off < -BRANCH_MAX || off >= BRANCH_MAX)
    return A32_ERR_RANGE;
  uint32_t u = (uint32_t)off;
  *word = 0xfa000000u | (u >> 1 & 1u) << 24 | (u >> 2 & 0x00ffffffu);
  return A32_OK;
}

/* cond 0001 0010 1111 1111 1111 00L1 Rm */
static a32_status bx_emit(a32_buf *b, const char *who, bool link, a32_cond c,
                          a32_reg rm) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  /* BX pc is merely deprecated; BLX pc is UNPREDICTABLE. */
  A32_TRY(a32_chk_reg(b, who, "rm", rm, !link));
  return a32_put(b, a32_cond_bits(c) | 0x012fff10u | (uint32_t)link << 5 | rm);
}

a32_status a32_bx(a32_buf *b, a32_cond c, a32_reg rm) {
  return bx_emit(b, "a32_bx", false, c, rm);
}
a32_status a32_blx(a32_buf *b, a32_cond c, a32_reg rm) {
  return bx_emit(b, "a32_blx", true, c, rm);
}
