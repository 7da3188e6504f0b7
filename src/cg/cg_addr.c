/* SPDX-License-Identifier: MIT */
/* Address arithmetic of memory ops (cg_addr.h). */
#include "cg/cg_addr.h"

int32_t cg_i32(uint32_t u) {
  return u <= (uint32_t)INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

bool cg_pow2(uint32_t v, unsigned *k) {
  if (!v || (v & (v - 1))) return false;
  unsigned n = 0;
  while (!(v & 1)) { v >>= 1; n++; }
  *k = n;
  return true;
}

bool cg_form_fits(cg_form f, int32_t off) {
  switch (f) {
  case CG_FORM_WORD: return off >= -ARM_WORD_REACH && off <= ARM_WORD_REACH;
  case CG_FORM_HALF: return off >= -255 && off <= 255;
  default: return off >= -ARM_VFP_REACH && off <= ARM_VFP_REACH && off % 4 == 0;
  }
}

/* Bits of an offset the immediate field of form f holds. */
static uint32_t imm_mask(cg_form f) {
  return f == CG_FORM_WORD ? 0xfffu : f == CG_FORM_HALF ? 0xffu : 0x3fcu;
}

/* Rotated 8-bit chunks (each a modified immediate) that sum to v. */
static unsigned chunks(uint32_t v, uint32_t out[4]) {
  unsigned n = 0;
  while (v) {
    unsigned b = 0;
    while (!(v >> b & 1)) b++;
    b &= ~1u;  /* rotations are by even amounts */
    uint32_t ch = v & (0xffu << b);
    out[n++] = ch;
    v &= ~ch;
  }
  return n;
}

void cg_add_const(cg *c, a32_reg rd, a32_reg rn, uint32_t k) {
  if (k == 0) {
    if (rd != rn) a32_dp(c->b, A32_AL, A32_MOV, false, rd, 0, a32_r(rn));
    return;
  }
  uint32_t neg = 0u - k, part[4];
  bool sub = chunks(neg, part) < chunks(k, part);
  unsigned n = chunks(sub ? neg : k, part);
  if (n > 2 && rd != CG_IP && rn != CG_IP) {
    /* MOVW(+MOVT) then one ADD beats three or four chunks */
    a32_mov_imm32(c->b, A32_AL, CG_IP, sub ? neg : k);
    a32_dp(c->b, A32_AL, sub ? A32_SUB : A32_ADD, false, rd, rn, a32_r(CG_IP));
    return;
  }
  for (unsigned i = 0; i < n; i++)
    a32_dp(c->b, A32_AL, sub ? A32_SUB : A32_ADD, false, rd, i ? rd : rn, a32_imm(part[i]));
}

a32_mem cg_addr_const(cg *c, cg_form f, a32_reg rb, uint32_t off) {
  int32_t s = cg_i32(off);
  if (cg_form_fits(f, s)) return a32_mem_imm(rb, s);
  bool neg = s < 0;
  uint32_t mag = neg ? 0u - off : off, mask = imm_mask(f);
  uint32_t hi = mag & ~mask, lo = mag & mask;
  if (f == CG_FORM_VFP && (mag & 3u)) {
    hi = mag;  /* VLDR needs a multiple of 4: the whole offset goes in ip */
    lo = 0;
  }
  a32_dp_op dop = neg ? A32_SUB : A32_ADD;
  int32_t slo = neg ? -(int32_t)lo : (int32_t)lo;
  /* ADD ip, rb, #hi; [ip, #lo]: 70000 = 0x11000 + 0x170 */
  if (a32_modimm(hi) >= 0) {
    a32_dp(c->b, A32_AL, dop, false, CG_IP, rb, a32_imm(hi));
    return a32_mem_imm(CG_IP, slo);
  }
  if (rb != CG_IP) {
    a32_mov_imm32(c->b, A32_AL, CG_IP, mag);
    if (f != CG_FORM_VFP) return a32_mem_reg(rb, CG_IP, neg, A32_LSL, 0, A32_IDX_OFFSET);
    a32_dp(c->b, A32_AL, dop, false, CG_IP, rb, a32_r(CG_IP));
    return a32_mem_imm(CG_IP, 0);
  }
  /* ip is the base already: add the high part to it in place */
  cg_add_const(c, CG_IP, CG_IP, neg ? 0u - hi : hi);
  return a32_mem_imm(CG_IP, slo);
}

/* item = m * 2^k with m odd: rd = rn * m in one instruction when m is
 * 2^j + 1 or 2^j - 1 (or nothing to do when m = 1). */
static bool odd_factor(cg *c, a32_reg rd, a32_reg rn, uint32_t item, unsigned *k) {
  unsigned n = 0;
  while (!(item & 1)) { item >>= 1; n++; }
  *k = n;
  unsigned j;
  if (cg_pow2(item - 1, &j)) {
    a32_dp(c->b, A32_AL, A32_ADD, false, rd, rn, a32_rsi(rn, A32_LSL, j));
    return true;
  }
  if (item < UINT32_MAX && cg_pow2(item + 1, &j) && j < 32) {
    a32_dp(c->b, A32_AL, A32_RSB, false, rd, rn, a32_rsi(rn, A32_LSL, j));
    return true;
  }
  return false;
}

a32_mem cg_addr_index(cg *c, cg_form f, a32_reg rb, a32_reg ri, uint32_t item,
                      uint32_t off) {
  unsigned k;
  a32_reg idx = ri;
  if (!cg_pow2(item, &k)) {
    if (!odd_factor(c, CG_IP, ri, item, &k)) {
      /* ip = ri * item + rb */
      a32_mov_imm32(c->b, A32_AL, CG_IP, item);
      a32_mul(c->b, A32_AL, A32_MLA, false, CG_IP, ri, CG_IP, rb);
      return cg_addr_const(c, f, CG_IP, off);
    }
    idx = CG_IP;
  }
  /* rb + (idx << k) + off */
  if (off == 0 && f == CG_FORM_WORD)
    return a32_mem_reg(rb, idx, false, A32_LSL, k, A32_IDX_OFFSET);
  if (off == 0 && f == CG_FORM_HALF && k == 0)
    return a32_mem_reg(rb, idx, false, A32_LSL, 0, A32_IDX_OFFSET);
  a32_dp(c->b, A32_AL, A32_ADD, false, CG_IP, rb, a32_rsi(idx, A32_LSL, k));
  return cg_addr_const(c, f, CG_IP, off);
}
