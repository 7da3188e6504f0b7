/* SPDX-License-Identifier: MIT */
/* a32_gen_mem.c — generators for loads and stores: single (all ten ops,
 * every addressing form), block transfers, push/pop and exclusives. */
#include "a32_gen.h"

#define R(x) a32g_rname(x)
#define C(c) a32g_csuffix(c)

static const char *const ldst_names[10] = {"ldr",  "str",  "ldrb",  "strb",  "ldrh",
                                           "strh", "ldrsb", "ldrsh", "ldrd", "strd"};

/* Variant = op (10) x {immediate, register} x {offset, pre, post}.  The
 * constraints are the ARM ARM's (A8.8.x): no writeback to pc or to a
 * transfer register, no pc offset register, no pc Rt for the byte/half/
 * dual forms, LDRD offset register distinct from Rt/Rt2. */
static a32_status gen_ldst(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_ldst_op op = (a32_ldst_op)(i % 10);
  bool is_reg = (i / 10) % 2;
  a32_index idx = (a32_index)((i / 20) % 3);
  bool wide = op <= A32_STRB, dual = op >= A32_LDRD;
  bool wback = idx != A32_IDX_OFFSET;
  a32_cond c = a32g_cond(r);

  a32_reg rt;
  uint16_t xfer;  /* registers transferred */
  if (dual) {
    rt = (a32_reg)(2 * a32g_below(r, 7));  /* r0..r12, even */
    xfer = (uint16_t)(3u << rt);
  } else {
    rt = a32g_reg(r, (op == A32_LDR || op == A32_STR) && a32g_chance(r, 8));
    xfer = (uint16_t)(1u << rt);
  }
  /* pc as a base only without writeback (literal forms), and not for
   * STR/STRB with an immediate (deprecated: GNU as warns). */
  bool pc_base = !wback && !(!is_reg && (op == A32_STR || op == A32_STRB));
  a32_reg rn = wback ? a32g_reg_avoid(r, xfer)
                     : pc_base && a32g_chance(r, 10) ? A32_PC : a32g_reg(r, false);
  a32_mem m;
  if (is_reg) {
    a32_reg rm = a32g_reg_avoid(r, op == A32_LDRD ? xfer : 0);
    bool sub = a32g_chance(r, 2);
    a32_shift sh = A32_LSL;
    unsigned n = 0;
    if (wide && !a32g_chance(r, 4))
      a32g_shift_imm(r, &sh, &n);
    m = a32_mem_reg(rn, rm, sub, sh, n, idx);
  } else {
    int32_t lim = wide ? 4095 : 255;
    const int32_t edge[] = {0, 1, -1, 4, -4, lim, -lim, lim - 1, -(lim - 1)};
    m = a32_mem_imm(rn, a32g_edgy(r, -lim, lim, edge, 9));
    m.index = (uint8_t)idx;
    if (rt == A32_PC && rn == A32_PC)
      m.off = m.off / 4 * 4;  /* LDR pc, [pc, #x] must load from an aligned word */
  }

  a32g_printf(o, "%s%s %s, ", ldst_names[op], C(c), R(rt));
  if (dual)
    a32g_printf(o, "%s, ", R(rt + 1));
  if (is_reg) {
    const char *sign = m.sub ? "-" : "";
    if (idx == A32_IDX_POST)
      a32g_printf(o, "[%s], %s%s", R(rn), sign, R(m.rm));
    else
      a32g_printf(o, "[%s, %s%s", R(rn), sign, R(m.rm));
    a32g_shift_text(o, (a32_shift)m.shift, m.amount);
  } else if (idx == A32_IDX_POST) {
    a32g_printf(o, "[%s], #%ld", R(rn), (long)m.off);
  } else if (m.off == 0 && a32g_chance(r, 2) && idx == A32_IDX_OFFSET) {
    a32g_printf(o, "[%s", R(rn));
  } else {
    a32g_printf(o, "[%s, #%ld", R(rn), (long)m.off);
  }
  if (idx != A32_IDX_POST)
    a32g_printf(o, "]%s", idx == A32_IDX_PRE ? "!" : "");
  return a32_ldst(b, c, op, rt, m);
}

/* ---- block transfers --------------------------------------------------------- */
static uint16_t random_list(a32g_rng *r) {
  uint16_t mask;
  switch (a32g_below(r, 4)) {
  case 0: mask = (uint16_t)(1u << a32g_below(r, 16)); break;           /* one */
  case 1: mask = (uint16_t)(a32g_u32(r) & a32g_u32(r)); break;          /* sparse */
  case 2: mask = (uint16_t)(0xffffu >> a32g_below(r, 16)); break;      /* r0..rk */
  default: mask = (uint16_t)a32g_u32(r); break;
  }
  return mask ? mask : 1;
}

static unsigned lowest(uint16_t mask) {
  unsigned k = 0;
  while (!(mask & (1u << k)))
    k++;
  return k;
}

/* Variant = mode (4) x writeback.  With writeback, LDM may not load its
 * base (UNPREDICTABLE in ARMv7) and STM may store it only as the lowest
 * register. */
static a32_status gen_block(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o, bool load) {
  static const char *const modes[4] = {"", "ib", "da", "db"};
  a32_block_mode mode = (a32_block_mode)(i % 4);
  bool wb = (i / 4) % 2;
  a32_cond c = a32g_cond(r);
  a32_reg rn = a32g_chance(r, 6) ? A32_SP : a32g_reg(r, false);
  uint16_t mask = random_list(r);
  if (wb && (mask & (1u << rn)) && (load || lowest(mask) != (unsigned)rn)) {
    mask = (uint16_t)(mask & ~(1u << rn));
    if (!mask)
      mask = (uint16_t)(1u << (rn == 0 ? 1 : 0));
  }
  a32g_printf(o, "%s%s%s %s%s, ", load ? "ldm" : "stm", modes[mode], C(c), R(rn),
              wb ? "!" : "");
  a32g_reglist(o, mask);
  return load ? a32_ldm(b, c, mode, rn, wb, mask) : a32_stm(b, c, mode, rn, wb, mask);
}
static a32_status gen_ldm(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  return gen_block(r, i, b, o, true);
}
static a32_status gen_stm(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  return gen_block(r, i, b, o, false);
}

/* PUSH/POP lists never hold sp; PUSH never pc.  Single registers are
 * assembled by GNU as as STR/LDR with writeback, as a32.h promises. */
static a32_status gen_pushpop(a32g_rng *r, a32_buf *b, a32g_out *o, bool pop) {
  a32_cond c = a32g_cond(r);
  uint16_t forbid = (uint16_t)(1u << A32_SP | (pop ? 0u : 1u << A32_PC));
  uint16_t mask = (uint16_t)(random_list(r) & ~forbid);
  if (!mask)
    mask = (uint16_t)(1u << a32g_reg_avoid(r, forbid));
  a32g_printf(o, "%s%s ", pop ? "pop" : "push", C(c));
  a32g_reglist(o, mask);
  return pop ? a32_pop(b, c, mask) : a32_push(b, c, mask);
}
static a32_status gen_push(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_pushpop(r, b, o, false);
}
static a32_status gen_pop(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_pushpop(r, b, o, true);
}

/* ---- exclusives ---------------------------------------------------------------- */
static a32_status gen_ldrex(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rt = a32g_reg(r, false), rn = a32g_reg(r, false);
  a32g_printf(o, "ldrex%s %s, [%s]", C(c), R(rt), R(rn));
  return a32_ldrex(b, c, rt, rn);
}

static a32_status gen_strex(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rt = a32g_reg(r, false), rn = a32g_reg(r, false);
  a32_reg rd = a32g_reg_avoid(r, (uint16_t)(1u << rt | 1u << rn));
  a32g_printf(o, "strex%s %s, %s, [%s]", C(c), R(rd), R(rt), R(rn));
  return a32_strex(b, c, rd, rt, rn);
}

const a32g_encoder a32g_mem_encoders[] = {
    {"a32_ldst", gen_ldst, 24000},
    {"a32_ldm", gen_ldm, 3000},
    {"a32_stm", gen_stm, 3000},
    {"a32_push", gen_push, 1500},
    {"a32_pop", gen_pop, 1500},
    {"a32_ldrex", gen_ldrex, 1000},
    {"a32_strex", gen_strex, 1000},
};
const size_t a32g_mem_count = sizeof a32g_mem_encoders / sizeof a32g_mem_encoders[0];
