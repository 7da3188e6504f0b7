/* SPDX-License-Identifier: MIT */
/* a32_gen.c — the shared pieces of the a32 operand generators: random
 * numbers, text output, register/condition/shift spelling and the
 * combined encoder list. */
#include "a32_gen.h"

#include <stdio.h>
#include <string.h>

/* ---- random numbers ---------------------------------------------------- */
void a32g_seed(a32g_rng *r, uint64_t seed) { r->s = seed; }

uint64_t a32g_u64(a32g_rng *r) {
  uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

uint32_t a32g_u32(a32g_rng *r) { return (uint32_t)(a32g_u64(r) >> 32); }

uint32_t a32g_below(a32g_rng *r, uint32_t n) {
  return (uint32_t)(((a32g_u64(r) >> 32) * n) >> 32);
}

int32_t a32g_range(a32g_rng *r, int32_t lo, int32_t hi) {
  return (int32_t)((int64_t)lo + (int64_t)a32g_below(r, (uint32_t)((int64_t)hi - lo + 1)));
}

bool a32g_chance(a32g_rng *r, unsigned one_in) { return a32g_below(r, one_in) == 0; }

int32_t a32g_edgy(a32g_rng *r, int32_t lo, int32_t hi, const int32_t *edge,
                  size_t nedge) {
  if (nedge && a32g_chance(r, 4))
    return edge[a32g_below(r, (uint32_t)nedge)];
  return a32g_range(r, lo, hi);
}

a32_reg a32g_reg(a32g_rng *r, bool allow_pc) {
  return (a32_reg)a32g_below(r, allow_pc ? 16 : 15);
}

a32_reg a32g_reg_avoid(a32g_rng *r, uint16_t avoid) {
  avoid |= 1u << 15;
  for (;;) {
    unsigned x = a32g_below(r, 16);
    if (!(avoid & (1u << x)))
      return (a32_reg)x;
  }
}

a32_cond a32g_cond(a32g_rng *r) { return (a32_cond)a32g_below(r, 15); }

/* ---- text ---------------------------------------------------------------- */
void a32g_printf(a32g_out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t room = o->cap > o->len ? o->cap - o->len : 0;
  int n = vsnprintf(o->p + o->len, room, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= room) {
    o->overflow = true;
    o->len = o->cap ? o->cap - 1 : 0;
  } else {
    o->len += (size_t)n;
  }
}

const char *a32g_rname(unsigned r) {
  static const char *const names[16] = {"r0", "r1", "r2",  "r3",  "r4",  "r5",
                                        "r6", "r7", "r8",  "r9",  "r10", "r11",
                                        "r12", "sp", "lr", "pc"};
  return r < 16 ? names[r] : "r?";
}

const char *a32g_csuffix(a32_cond c) {
  /* hs/lo rather than cs/cc: capstone spells them so, and GNU as takes both. */
  static const char *const sfx[15] = {"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc",
                                      "hi", "ls", "ge", "lt", "gt", "le", ""};
  return (unsigned)c < 15 ? sfx[c] : "??";
}

void a32g_reglist(a32g_out *o, uint16_t mask) {
  const char *sep = "";
  a32g_printf(o, "{");
  for (unsigned i = 0; i < 16; i++)
    if (mask & (1u << i)) {
      a32g_printf(o, "%s%s", sep, a32g_rname(i));
      sep = ", ";
    }
  a32g_printf(o, "}");
}

void a32g_shift_text(a32g_out *o, a32_shift sh, unsigned n) {
  static const char *const names[4] = {"lsl", "lsr", "asr", "ror"};
  if (sh == A32_RRX)
    a32g_printf(o, ", rrx");
  else if ((unsigned)sh < 4 && !(sh == A32_LSL && n == 0))
    a32g_printf(o, ", %s #%u", names[sh], n);
}

void a32g_shift_imm(a32g_rng *r, a32_shift *sh, unsigned *n) {
  static const int32_t edge_lsl[] = {0, 1, 31}, edge_32[] = {1, 2, 31, 32},
                       edge_ror[] = {1, 2, 31};
  *sh = (a32_shift)a32g_below(r, 5);
  switch (*sh) {
  case A32_LSL:
    *n = (unsigned)a32g_edgy(r, 0, 31, edge_lsl, 3);
    break;
  case A32_LSR:
  case A32_ASR:
    *n = (unsigned)a32g_edgy(r, 1, 32, edge_32, 4);
    break;
  case A32_ROR:
    *n = (unsigned)a32g_edgy(r, 1, 31, edge_ror, 3);
    break;
  default:
    *n = 0;
    break;
  }
}

static uint32_t ror32(uint32_t v, unsigned n) {
  n &= 31;
  return n ? (v >> n) | (v << (32 - n)) : v;
}

uint32_t a32g_modimm(a32g_rng *r) {
  static const int32_t edge8[] = {0, 1, 0x80, 0xff, 0x7f};
  uint32_t imm8 = (uint32_t)a32g_edgy(r, 0, 255, edge8, 5);
  unsigned rot = a32g_chance(r, 4) ? (a32g_chance(r, 2) ? 0u : 15u) : a32g_below(r, 16);
  return ror32(imm8, 2 * rot);
}

bool a32g_is_modimm(uint32_t v) {
  for (unsigned rot = 0; rot < 32; rot += 2)
    if (ror32(v, 32 - rot) <= 0xff)  /* v == ror(imm8, rot) */
      return true;
  return false;
}

/* ---- the combined list ----------------------------------------------------- */
size_t a32g_encoder_total(void) {
  return a32g_core_count + a32g_mem_count + a32g_vfp_count + a32g_sys_count;
}

const a32g_encoder *a32g_encoder_at(size_t i) {
  if (i < a32g_core_count)
    return &a32g_core_encoders[i];
  i -= a32g_core_count;
  if (i < a32g_mem_count)
    return &a32g_mem_encoders[i];
  i -= a32g_mem_count;
  if (i < a32g_vfp_count)
    return &a32g_vfp_encoders[i];
  i -= a32g_vfp_count;
  if (i < a32g_sys_count)
    return &a32g_sys_encoders[i];
  return NULL;
}
