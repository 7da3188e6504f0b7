/* SPDX-License-Identifier: MIT */
/* Guard recovery data: for each exit, a byte string saying where each of
 * its values lives when the exit is taken.  Written by lowering
 * (cg_exit.c), read by the exit path (rt/exit.c) and by anything that
 * needs an exit's locations (rec_next below; one decoder for every C
 * reader).
 *
 * One code per value, then REC_B_END.  The string carries no types and
 * no count (the exit's type list has both); a guard whose string a
 * recent guard has shares that copy (cg_exit.c, rec_intern).  Codes, by
 * first byte:
 *   0x00-0x0f  CORE   core register rN (int, ref), N = b & 15
 *   0x10-0x1f  VFP    VFP register dN (float), N = b & 15
 *   0x20-0x7f  ISLOT  4-byte slot [fp - 4 * s] (int, ref), s = b - 0x20
 *   0x80-0x9f  FSLOT  8-byte slot [fp - 4 * s] (float), s = b - 0x80
 *   0xa0-0xbf  CONST  the loop's constant pool, entry b - 0xa0
 *   0xc0-0xcf  SMALL  an int in -8..7: b's low 4 bits, sign-extended
 *   0xd0-0xef  LONG2  v = b - 0xd0: kind v >> 3 (0 ISLOT, 1 FSLOT,
 *                     2 CONST), payload (v & 7) << 8 | the next byte
 *   0xf0-0xf2  LONGV  kind b - 0xf0 as for LONG2, payload the unsigned
 *                     LEB128 (32 bits at most) that follows
 *   0xff       END
 * So a value takes one byte in a register, one of the first 96 int slot
 * words (32 float), the first 32 constants or as a small int, and two
 * bytes up to slot word and constant 2047.
 *
 * The exit path on ARM decodes with a table-dispatched A32 loop
 * (rt/exit.c, ajx_exit_copy: one dispatch on the code's high nibble per
 * value, no type test); rec_next is the portable decoder every C reader
 * uses. */
#ifndef ARMJIT_CG_RECOVERY_H
#define ARMJIT_CG_RECOVERY_H

#include <stddef.h>
#include <stdint.h>

/* Where a value is, as rec_put takes it and rec_entry.kind says it. */
enum { REC_K_CORE, REC_K_VFP, REC_K_ISLOT, REC_K_FSLOT, REC_K_CONST, REC_K_SMALL };
enum {
  REC_B_CORE = 0x00, REC_B_VFP = 0x10, REC_B_ISLOT = 0x20, REC_B_FSLOT = 0x80,
  REC_B_CONST = 0xa0, REC_B_SMALL = 0xc0, REC_B_LONG2 = 0xd0, REC_B_LONGV = 0xf0,
  REC_B_END = 0xff,
  REC_SMALL_MIN = -8, REC_SMALL_MAX = 7,
  REC_CODE_MAX = 6                /* bytes one code takes at most */
};

/* Write the code of (kind, payload) at p (room for REC_CODE_MAX bytes);
 * returns the bytes written.  SMALL takes the int (REC_SMALL_MIN..MAX)
 * as payload, CORE and VFP a register number 0..15. */
static inline unsigned rec_put(uint8_t *p, unsigned kind, uint32_t payload) {
  static const uint8_t base[] = {REC_B_CORE, REC_B_VFP, REC_B_ISLOT, REC_B_FSLOT, REC_B_CONST};
  static const uint8_t span[] = {16, 16, 96, 32, 32};
  if (kind == REC_K_SMALL) {
    p[0] = (uint8_t)(REC_B_SMALL | (payload & 15u));
    return 1;
  }
  if (payload < span[kind]) {
    p[0] = (uint8_t)(base[kind] + payload);
    return 1;
  }
  unsigned lk = kind - REC_K_ISLOT; /* 0 ISLOT, 1 FSLOT, 2 CONST */
  if (payload < 2048) {
    p[0] = (uint8_t)(REC_B_LONG2 + (lk << 3 | payload >> 8));
    p[1] = (uint8_t)payload;
    return 2;
  }
  unsigned n = 0;
  p[n++] = (uint8_t)(REC_B_LONGV + lk);
  while (payload >= 0x80) { p[n++] = (uint8_t)(payload | 0x80); payload >>= 7; }
  p[n++] = (uint8_t)payload;
  return n;
}

/* ---- the decoder --------------------------------------------------------- */
/* Where one value of an exit is. */
enum { REC_REG = 0, REC_SLOT = 1, REC_CONST = 2, REC_SMALL = 3 };
typedef struct {
  unsigned tag;     /* REC_* */
  unsigned kind;    /* REC_K_* (CORE/VFP, ISLOT/FSLOT say the width) */
  uint32_t reg;     /* REG: rN (int/ref) or dN (float) */
  int32_t off;      /* SLOT: byte offset from fp (negative) */
  uint32_t index;   /* CONST: index into the constant pool */
  int32_t value;    /* SMALL: the int */
} rec_entry;

/* Decode the next value of a string [*p, end) into *e; false at the
 * string's end (REC_B_END) or when it is malformed. */
static inline int rec_next(const uint8_t **p, const uint8_t *end, rec_entry *e) {
  e->tag = e->kind = 0;
  e->reg = e->index = 0;
  e->off = e->value = 0;
  if (*p >= end) return 0;
  unsigned b = *(*p)++, kind;
  uint32_t payload;
  if (b < REC_B_VFP) { kind = REC_K_CORE; payload = b & 15u; }
  else if (b < REC_B_ISLOT) { kind = REC_K_VFP; payload = b & 15u; }
  else if (b < REC_B_FSLOT) { kind = REC_K_ISLOT; payload = b - REC_B_ISLOT; }
  else if (b < REC_B_CONST) { kind = REC_K_FSLOT; payload = b - REC_B_FSLOT; }
  else if (b < REC_B_SMALL) { kind = REC_K_CONST; payload = b - REC_B_CONST; }
  else if (b < REC_B_LONG2) { kind = REC_K_SMALL; payload = b & 15u; }
  else if (b < REC_B_LONGV) {
    unsigned v = b - REC_B_LONG2;
    if (v >> 3 > 2 || *p >= end) return 0;
    kind = REC_K_ISLOT + (v >> 3);
    payload = (v & 7u) << 8 | *(*p)++;
  } else if (b <= REC_B_LONGV + 2) {
    kind = REC_K_ISLOT + (b - REC_B_LONGV);
    payload = 0;
    for (unsigned shift = 0;; shift += 7) {
      if (*p >= end || shift > 28) return 0;
      unsigned c = *(*p)++;
      payload |= (uint32_t)(c & 0x7f) << shift;
      if (!(c & 0x80)) break;
    }
  } else {
    return 0; /* END (or a code never written) */
  }
  e->kind = kind;
  switch (kind) {
  case REC_K_CORE:
  case REC_K_VFP:
    e->tag = REC_REG;
    e->reg = payload;
    break;
  case REC_K_ISLOT:
  case REC_K_FSLOT:
    if (payload > (uint32_t)INT32_MAX / 4) return 0;
    e->tag = REC_SLOT;
    e->off = -4 * (int32_t)payload;
    break;
  case REC_K_CONST:
    e->tag = REC_CONST;
    e->index = payload;
    break;
  default:
    e->tag = REC_SMALL;
    e->value = (int32_t)(payload ^ 8u) - 8;
    break;
  }
  return 1;
}

/* After the last value: does [p, end) hold just the end code? */
static inline int rec_at_end(const uint8_t *p, const uint8_t *end) {
  return p + 1 == end && *p == REC_B_END;
}

/* The save area the registers are read from: ARM_SAVE_* (arm/target.h). */

#endif
