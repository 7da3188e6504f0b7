/* SPDX-License-Identifier: MIT */
/* Guard recovery data: for each exit, a byte string saying where each of
 * its values lives when the exit is taken.  Written by lowering (cg),
 * read by the exit helper (rt/exit.c).
 *
 * One unsigned LEB128 varint per value: (payload << 2) | tag.  The value
 * types come from the exit's type list, so the tag only says *where*:
 *   REG    payload = register number (core rN for int/ref, dN for float)
 *   SLOT   payload = -offset / 4 of a stack slot [fp + offset]
 *   CONST  payload = index into the loop's constant pool (frame bits)
 *   SMALL  payload = zigzag(int value), an int constant kept inline
 * Registers, the first 31 slot words, small ints in -16..15 and the first
 * 32 constants take one byte; two bytes cover 4096 slot words. */
#ifndef ARMJIT_CG_RECOVERY_H
#define ARMJIT_CG_RECOVERY_H

#include <stddef.h>
#include <stdint.h>

enum { REC_REG = 0, REC_SLOT = 1, REC_CONST = 2, REC_SMALL = 3 };

static inline uint32_t rec_zigzag(int32_t v) {
  return ((uint32_t)v << 1) ^ (v < 0 ? UINT32_MAX : 0u);
}
static inline int32_t rec_unzigzag(uint32_t u) {
  uint32_t m = (u >> 1) ^ (0u - (u & 1u));
  return m <= (uint32_t)INT32_MAX ? (int32_t)m : (int32_t)(m - UINT32_C(0x80000000)) - INT32_MAX - 1;
}

/* Bytes the varint of x takes. */
static inline unsigned rec_varint_len(uint64_t x) {
  unsigned n = 1;
  while (x >= 0x80) { x >>= 7; n++; }
  return n;
}
/* Write x at p (room for 10 bytes); returns the bytes written. */
static inline unsigned rec_put(uint8_t *p, uint64_t x) {
  unsigned n = 0;
  while (x >= 0x80) { p[n++] = (uint8_t)(x | 0x80); x >>= 7; }
  p[n++] = (uint8_t)x;
  return n;
}
/* Read one varint from [*p, end); false when it runs past end. */
static inline int rec_get(const uint8_t **p, const uint8_t *end, uint64_t *x) {
  uint64_t v = 0;
  for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
    uint8_t b = *(*p)++;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) { *x = v; return 1; }
  }
  return 0;
}

/* One value of a recovery string, decoded: where the value is. */
typedef struct {
  unsigned tag;     /* REC_* */
  uint32_t reg;     /* REG: rN (int/ref) or dN (float) */
  int32_t off;      /* SLOT: byte offset from fp (negative) */
  uint32_t index;   /* CONST: index into the constant pool */
  int32_t value;    /* SMALL: the int */
} rec_entry;

/* Decode the next value of a string [*p, end) into *e (a bridge reads
 * where its guard left each value); false when the string is malformed. */
static inline int rec_next(const uint8_t **p, const uint8_t *end, rec_entry *e) {
  uint64_t x;
  if (!rec_get(p, end, &x)) return 0;
  uint64_t payload = x >> 2;
  e->tag = (unsigned)(x & 3);
  e->reg = e->index = 0;
  e->off = e->value = 0;
  if (payload > UINT32_MAX) return 0;
  switch (e->tag) {
  case REC_REG: e->reg = (uint32_t)payload; break;
  case REC_SLOT:
    if (payload > (uint32_t)INT32_MAX / 4) return 0;
    e->off = -4 * (int32_t)payload;
    break;
  case REC_CONST: e->index = (uint32_t)payload; break;
  default: e->value = rec_unzigzag((uint32_t)payload); break;
  }
  return 1;
}

/* The save area the registers are read from: ARM_SAVE_* (arm/target.h). */

#endif
