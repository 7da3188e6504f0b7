/* SPDX-License-Identifier: MIT */
/* a32_gen_core.c — generators for the integer emitters: data processing,
 * shifts, wide moves, multiply/divide, CLZ, branches and the media
 * instructions (extend, reverse, bit fields).  Operands are valid for the architecture (ARMv7-A ARM ARM
 * constraints, no UNPREDICTABLE or deprecated forms GNU as warns about). */
#include "a32_gen.h"

#define R(x) a32g_rname(x)
#define C(c) a32g_csuffix(c)

/* ---- data processing ----------------------------------------------------- */
static const char *const dp_names[16] = {"and", "eor", "sub", "rsb", "add", "adc",
                                         "sbc", "rsc", "tst", "teq", "cmp", "cmn",
                                         "orr", "mov", "bic", "mvn"};

/* Variant = op (16) x operand form (imm, reg, shifted reg, reg-shifted reg)
 * x S. */
static a32_status gen_dp(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_dp_op op = (a32_dp_op)(i % 16);
  unsigned form = (i / 16) % 4;
  bool s = (i / 64) % 2;
  bool test = op >= A32_TST && op <= A32_CMN, move = op == A32_MOV || op == A32_MVN;
  bool rsr = form == 3;
  a32_cond c = a32g_cond(r);
  /* pc is a valid Rd/Rn/Rm except in the register-shifted form; keep it
   * rare so that the other registers get most of the samples. */
  bool pc_ok = !rsr && a32g_chance(r, 8);
  a32_reg rd = a32g_reg(r, pc_ok), rn = a32g_reg(r, pc_ok);
  a32_operand op2;
  a32_shift sh = A32_LSL;
  unsigned n = 0;
  switch (form) {
  case 0:
    op2 = a32_imm(a32g_modimm(r));
    /* GNU as turns "add rd, pc, #v" into a pc-relative fixup and fails
     * ("invalid constant after fixup") when -v is not encodable. */
    while (op == A32_ADD && !s && rn == A32_PC && op2.imm > 0x80000000u)
      op2.imm = a32g_modimm(r);
    break;
  case 1:
    op2 = a32_r(a32g_reg(r, pc_ok));
    break;
  case 2:
    a32g_shift_imm(r, &sh, &n);
    op2 = a32_rsi(a32g_reg(r, pc_ok), sh, n);
    break;
  default:
    sh = (a32_shift)a32g_below(r, 4);
    op2 = a32_rsr(a32g_reg(r, false), sh, a32g_reg(r, false));
    break;
  }
  a32g_printf(o, "%s%s%s ", dp_names[op], s && !test ? "s" : "", C(c));
  if (!test)
    a32g_printf(o, "%s, ", R(rd));
  if (!move)
    a32g_printf(o, "%s, ", R(rn));
  if (form == 0) {
    a32g_printf(o, "#%u", (unsigned)op2.imm);
  } else if (form == 3) {
    static const char *const sn[4] = {"lsl", "lsr", "asr", "ror"};
    a32g_printf(o, "%s, %s %s", R(op2.rm), sn[sh], R(op2.amount));
  } else {
    a32g_printf(o, "%s", R(op2.rm));
    a32g_shift_text(o, sh, n);
  }
  return a32_dp(b, c, op, s, rd, rn, op2);
}

static const char *const shift_names[5] = {"lsl", "lsr", "asr", "ror", "rrx"};

static a32_status gen_shift_imm(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_cond c = a32g_cond(r);
  bool s = (i / 5) % 2;
  a32_shift sh;
  unsigned n;
  do
    a32g_shift_imm(r, &sh, &n);
  while (sh != (a32_shift)(i % 5));
  a32_reg rd = a32g_reg(r, false), rm = a32g_reg(r, a32g_chance(r, 8));
  a32g_printf(o, "%s%s%s %s, %s", shift_names[sh], s ? "s" : "", C(c), R(rd), R(rm));
  if (sh != A32_RRX)
    a32g_printf(o, ", #%u", n);
  /* RRX ignores n: pass garbage to check that. */
  return a32_shift_imm(b, c, sh, s, rd, rm, sh == A32_RRX ? a32g_u32(r) % 64 : n);
}

static a32_status gen_shift_reg(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_cond c = a32g_cond(r);
  a32_shift sh = (a32_shift)(i % 4);
  bool s = (i / 4) % 2;
  a32_reg rd = a32g_reg(r, false), rm = a32g_reg(r, false), rs = a32g_reg(r, false);
  a32g_printf(o, "%s%s%s %s, %s, %s", shift_names[sh], s ? "s" : "", C(c), R(rd),
              R(rm), R(rs));
  return a32_shift_reg(b, c, sh, s, rd, rm, rs);
}

static const int32_t edge16[] = {0, 1, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0x8000,
                                 0xfffe, 0xffff};

static a32_status gen_movw(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false);
  uint32_t v = (uint32_t)a32g_edgy(r, 0, 0xffff, edge16, 10);
  a32g_printf(o, "movw%s %s, #%u", C(c), R(rd), (unsigned)v);
  return a32_movw(b, c, rd, v);
}

static a32_status gen_movt(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false);
  uint32_t v = (uint32_t)a32g_edgy(r, 0, 0xffff, edge16, 10);
  a32g_printf(o, "movt%s %s, #%u", C(c), R(rd), (unsigned)v);
  return a32_movt(b, c, rd, v);
}

/* The documented choice (MOV/MVN immediate, else MOVW, else MOVW+MOVT):
 * for the one-word cases GNU as makes the same choice from "mov rd, #v". */
static a32_status gen_mov_imm32(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false);
  uint32_t v;
  switch (i % 6) {
  case 0: v = a32g_modimm(r); break;
  case 1: v = ~a32g_modimm(r); break;
  case 2: v = a32g_u32(r) & 0xffff; break;
  case 3: v = (uint32_t)edge16[a32g_below(r, 10)] * 0x10001u ^ a32g_u32(r) % 3; break;
  default: v = a32g_u32(r); break;
  }
  if (a32g_is_modimm(v) || a32g_is_modimm(~v) || v <= 0xffff)
    a32g_printf(o, "mov%s %s, #%u", C(c), R(rd), (unsigned)v);
  else
    a32g_printf(o, "movw%s %s, #%u\nmovt%s %s, #%u", C(c), R(rd),
                (unsigned)(v & 0xffff), C(c), R(rd), (unsigned)(v >> 16));
  return a32_mov_imm32(b, c, rd, v);
}

/* ---- multiply and divide ------------------------------------------------- */
static a32_status gen_mul(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[8] = {"mul",   "mla",   "mls",   "umaal",
                                       "umull", "umlal", "smull", "smlal"};
  a32_mul_op op = (a32_mul_op)(i % 8);
  bool s = (i / 8) % 2 && op != A32_MLS && op != A32_UMAAL;
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false), rn = a32g_reg(r, false), rm = a32g_reg(r, false);
  a32_reg ra = a32g_reg(r, false);
  a32g_printf(o, "%s%s%s ", names[op], s ? "s" : "", C(c));
  switch (op) {
  case A32_MUL:
    a32g_printf(o, "%s, %s, %s", R(rd), R(rn), R(rm));
    ra = (a32_reg)a32g_below(r, 16);  /* ignored: anything goes */
    break;
  case A32_MLA:
  case A32_MLS:
    a32g_printf(o, "%s, %s, %s, %s", R(rd), R(rn), R(rm), R(ra));
    break;
  default:  /* long: rd = RdLo, ra = RdHi, distinct */
    ra = a32g_reg_avoid(r, (uint16_t)(1u << rd));
    a32g_printf(o, "%s, %s, %s, %s", R(rd), R(ra), R(rn), R(rm));
    break;
  }
  return a32_mul(b, c, op, s, rd, rn, rm, ra);
}

static a32_status gen_div(a32g_rng *r, a32_buf *b, a32g_out *o, bool u) {
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false), rn = a32g_reg(r, false), rm = a32g_reg(r, false);
  a32g_printf(o, "%s%s %s, %s, %s", u ? "udiv" : "sdiv", C(c), R(rd), R(rn), R(rm));
  return u ? a32_udiv(b, c, rd, rn, rm) : a32_sdiv(b, c, rd, rn, rm);
}
static a32_status gen_sdiv(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_div(r, b, o, false);
}
static a32_status gen_udiv(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_div(r, b, o, true);
}

static a32_status gen_clz(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false), rm = a32g_reg(r, false);
  a32g_printf(o, "clz%s %s, %s", C(c), R(rd), R(rm));
  return a32_clz(b, c, rd, rm);
}

/* ---- branches --------------------------------------------------------------- */
/* Byte offsets from the branch to its target: PC+8 plus imm24*4, so
 * -2^25+8 .. 2^25+4. */
#define B_MIN (-(INT32_C(1) << 25) + 8)
#define B_MAX ((INT32_C(1) << 25) + 4)

static int32_t branch_delta(a32g_rng *r) {
  static const int32_t edge[] = {B_MIN, B_MIN + 4, B_MAX, B_MAX - 4, 0, 4, 8, -4, -8};
  if (a32g_chance(r, 4))
    return edge[a32g_below(r, sizeof edge / sizeof edge[0])];
  if (a32g_chance(r, 3))
    return a32g_range(r, -256, 256) * 4;
  return a32g_range(r, B_MIN / 4, B_MAX / 4) * 4;
}

static void branch_text(a32g_out *o, bool link, a32_cond c, int64_t delta) {
  a32g_printf(o, "b%s%s .%c%lld", link ? "l" : "", C(c), delta < 0 ? '-' : '+',
              (long long)(delta < 0 ? -delta : delta));
}

static a32_status gen_b_rel(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  bool link = i % 2;
  a32_cond c = a32g_cond(r);
  int32_t d = branch_delta(r);
  branch_text(o, link, c, d);
  return a32_b_rel(b, c, link, d);
}

/* a32_encode_b from absolute addresses, wrapping around 4 GB included; the
 * word goes into the buffer through a32_word. */
static a32_status gen_encode_b(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  bool link = i % 2;
  a32_cond c = a32g_cond(r);
  int32_t d = branch_delta(r);
  uint32_t from = a32g_u32(r) & ~3u;
  if (a32g_chance(r, 4))  /* near 0 or the top of memory: targets wrap */
    from = 4 * a32g_below(r, 64) - (a32g_chance(r, 2) ? 256u : 0u);
  uint32_t to = from + (uint32_t)d;
  branch_text(o, link, c, d);
  uint32_t w = 0;
  a32_status st = a32_encode_b(&w, c, link, from, to);
  return st != A32_OK ? st : a32_word(b, w);
}

/* a32_encode_blx: halfword targets (H = bit 1 of the offset), bit 0 set
 * or not (a Thumb address either way). */
static a32_status gen_encode_blx(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  int32_t d = branch_delta(r) + (i % 2 ? 2 : 0);
  if (d > B_MAX) d -= 4;
  uint32_t from = a32g_u32(r) & ~3u;
  uint32_t to = from + (uint32_t)d + (a32g_chance(r, 2) ? 1u : 0u);
  a32g_printf(o, "blx .%c%lld", d < 0 ? '-' : '+', (long long)(d < 0 ? -(int64_t)d : d));
  uint32_t w = 0;
  a32_status st = a32_encode_blx(&w, from, to);
  return st != A32_OK ? st : a32_word(b, w);
}

static a32_status gen_bx(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rm = a32g_reg(r, false);  /* bx pc: valid but GNU as warns */
  a32g_printf(o, "bx%s %s", C(c), R(rm));
  return a32_bx(b, c, rm);
}

static a32_status gen_blx(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rm = a32g_reg(r, false);
  a32g_printf(o, "blx%s %s", C(c), R(rm));
  return a32_blx(b, c, rm);
}

/* ---- media ------------------------------------------------------------------ */
/* Extends: variant = op (12); rotations cycle 0, 8, 16, 24. */
static a32_status gen_extend(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[12] = {"sxtb",  "sxth",  "sxtb16",  "uxtb",
                                        "uxth",  "uxtb16", "sxtab",  "sxtah",
                                        "sxtab16", "uxtab", "uxtah", "uxtab16"};
  a32_extend_op op = (a32_extend_op)(i % 12);
  unsigned rot = 8 * ((i / 12) % 4);
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false), rn = a32g_reg(r, false), rm = a32g_reg(r, false);
  a32g_printf(o, "%s%s %s, ", names[op], C(c), R(rd));
  if (op >= A32_SXTAB)
    a32g_printf(o, "%s, ", R(rn));
  else
    rn = (a32_reg)a32g_below(r, 16);  /* ignored: anything goes */
  a32g_printf(o, "%s", R(rm));
  if (rot)
    a32g_printf(o, ", ror #%u", rot);
  return a32_extend(b, c, op, rd, rn, rm, rot);
}

static a32_status gen_rev(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[4] = {"rev", "rev16", "revsh", "rbit"};
  a32_rev_op op = (a32_rev_op)(i % 4);
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false), rm = a32g_reg(r, false);
  a32g_printf(o, "%s%s %s, %s", names[op], C(c), R(rd), R(rm));
  return a32_rev(b, c, op, rd, rm);
}

/* Bit fields: every (lsb, width) edge of the 32-bit word occurs. */
static a32_status gen_bitfield(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[4] = {"ubfx", "sbfx", "bfi", "bfc"};
  static const int32_t edge[] = {0, 1, 31};
  a32_bitfield_op op = (a32_bitfield_op)(i % 4);
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false), rn = a32g_reg(r, false);
  unsigned lsb = (unsigned)a32g_edgy(r, 0, 31, edge, 3);
  int32_t wedge[] = {1, (int32_t)(32 - lsb)};
  unsigned width = (unsigned)a32g_edgy(r, 1, (int32_t)(32 - lsb), wedge, 2);
  a32g_printf(o, "%s%s %s, ", names[op], C(c), R(rd));
  if (op == A32_BFC)
    rn = (a32_reg)a32g_below(r, 16);  /* ignored */
  else
    a32g_printf(o, "%s, ", R(rn));
  a32g_printf(o, "#%u, #%u", lsb, width);
  return a32_bitfield(b, c, op, rd, rn, lsb, width);
}

const a32g_encoder a32g_core_encoders[] = {
    {"a32_dp", gen_dp, 24000},
    {"a32_shift_imm", gen_shift_imm, 3000},
    {"a32_shift_reg", gen_shift_reg, 2000},
    {"a32_movw", gen_movw, 1000},
    {"a32_movt", gen_movt, 1000},
    {"a32_mov_imm32", gen_mov_imm32, 3000},
    {"a32_mul", gen_mul, 4000},
    {"a32_sdiv", gen_sdiv, 1000},
    {"a32_udiv", gen_udiv, 1000},
    {"a32_clz", gen_clz, 1000},
    {"a32_b_rel", gen_b_rel, 3000},
    {"a32_encode_b", gen_encode_b, 2000},
    {"a32_encode_blx", gen_encode_blx, 1000},
    {"a32_bx", gen_bx, 500},
    {"a32_blx", gen_blx, 500},
    {"a32_extend", gen_extend, 2400},
    {"a32_rev", gen_rev, 800},
    {"a32_bitfield", gen_bitfield, 2000},
};
const size_t a32g_core_count = sizeof a32g_core_encoders / sizeof a32g_core_encoders[0];
