/* SPDX-License-Identifier: MIT */
/* Where a value lives: a core register (or an even/odd-free pair of them),
 * a VFP register (d or s), a stack slot in the frame, or a constant
 * (rematerialized, never stored).  Shared by the register allocator, the
 * parallel move resolver and lowering.
 *
 * Storage follows the value's type (arm/target.h):
 *   INT, REF     one core register rN            or a 4-byte slot
 *   ARM_TY_I64   the core pair rN:rN+1 (N low)   or an 8-byte slot
 *   FLOAT        a d register dN                 or an 8-byte slot
 *   ARM_TY_F32   an s register sN (half of d N/2) or a 4-byte slot
 * so the storage two locations occupy may overlap without being the same:
 * s5 is the upper half of d2, r3 the upper half of the pair r2:r3, the
 * word at fp-12 the upper half of the 8-byte slot at fp-16. */
#ifndef ARMJIT_RA_LOC_H
#define ARMJIT_RA_LOC_H

#include <stdbool.h>
#include <stdint.h>

#include "arm/target.h"
#include "armjit.h"

typedef enum { LOC_NONE, LOC_REG, LOC_VREG, LOC_STACK, LOC_CONST } ra_loc_kind;

/* Which part of a constant a CONST location means (resolver output only:
 * a 64-bit constant moved as two words). */
enum { RA_PART_ALL = 0, RA_PART_LO = 1, RA_PART_HI = 2 };

typedef struct {
  uint8_t kind;   /* ra_loc_kind */
  uint8_t type;   /* storage type: armjit_type, ARM_TY_I64 or ARM_TY_F32 */
  uint16_t part;  /* CONST: RA_PART_*; 0 for every other kind (so locations
                     compare with memcmp too) */
  int32_t n;      /* REG: r0..r15 (I64: the low register of rN:rN+1);
                     VREG: d0..d31 (FLOAT) or s0..s31 (F32); STACK: byte
                     offset from fp (negative; the slot is [n, n+size));
                     CONST: index k of the constant */
} ra_loc;

/* Fixed roles (fp addresses the frame, ip and lr are the core scratch
 * registers, d15 / s30 the VFP scratch): ARM_FP, ARM_SCRATCH1,
 * ARM_SCRATCH2, ARM_DSCRATCH, ARM_SSCRATCH in arm/target.h. */

static inline ra_loc ra_loc_make(ra_loc_kind kind, int type, int32_t n) {
  ra_loc l;
  l.kind = (uint8_t)kind;
  l.type = (uint8_t)type;
  l.part = 0;
  l.n = n;
  return l;
}
static inline ra_loc ra_none(void) { return ra_loc_make(LOC_NONE, ARMJIT_VOID, 0); }
/* type: ARMJIT_INT or ARMJIT_REF */
static inline ra_loc ra_reg(int r, int type) { return ra_loc_make(LOC_REG, type, r); }
/* An i64 in rN (low word) and rN+1 (high word). */
static inline ra_loc ra_pair(int r) { return ra_loc_make(LOC_REG, ARM_TY_I64, r); }
static inline ra_loc ra_vreg(int d) { return ra_loc_make(LOC_VREG, ARMJIT_FLOAT, d); }
static inline ra_loc ra_sreg(int s) { return ra_loc_make(LOC_VREG, ARM_TY_F32, s); }
static inline ra_loc ra_stack(int32_t off, int type) {
  return ra_loc_make(LOC_STACK, type, off);
}
static inline ra_loc ra_const(int32_t k, int type) {
  return ra_loc_make(LOC_CONST, type, k);
}
/* One word of a 64-bit constant k (part RA_PART_LO or RA_PART_HI), typed
 * as the word it is moved as (INT in core registers and slots, F32 in s
 * registers). */
static inline ra_loc ra_const_part(int32_t k, int type, int part) {
  ra_loc l = ra_loc_make(LOC_CONST, type, k);
  l.part = (uint16_t)part;
  return l;
}

/* Where the trace JIT keeps an IR value of type `irtype`: i64 and f32
 * values live in the VFP bank as floats do (a d register, an 8-byte
 * slot; an f32 in the low half, s2k of dk), so moves, spills, labels,
 * exits and bridges treat all three alike (docs/design.md §12). */
static inline int ra_storage_of(int irtype) {
  return irtype == ARMJIT_I64 || irtype == ARMJIT_F32 ? ARMJIT_FLOAT : irtype;
}

/* Values of the type live in the VFP bank (FLOAT, F32). */
static inline bool ra_type_is_float(int type) {
  return type == ARMJIT_FLOAT || type == ARM_TY_F32;
}
/* Bytes of storage a value of this type takes (its slot size). */
static inline int32_t ra_type_size(int type) {
  return type == ARMJIT_FLOAT || type == ARM_TY_I64 ? 8 : 4;
}

/* The storage units a register location covers, as [lo, hi) in a unit
 * numbering per bank: core r<k> is unit k; VFP s<k> is unit k, d<k> units
 * 2k and 2k+1 (d16-d31 have no s halves but follow the same numbering). */
static inline void ra_loc_units(ra_loc l, int32_t *lo, int32_t *hi) {
  if (l.kind == LOC_VREG && l.type == ARMJIT_FLOAT) {
    *lo = 2 * l.n;
    *hi = 2 * l.n + 2;
  } else if (l.kind == LOC_VREG) {
    *lo = l.n;
    *hi = l.n + 1;
  } else if (l.kind == LOC_STACK) {
    *lo = l.n;
    *hi = l.n + ra_type_size(l.type);
  } else {
    *lo = l.n;
    *hi = l.n + (l.type == ARM_TY_I64 ? 2 : 1);
  }
}

/* Storage that overlaps: registers or stack bytes in common, or the same
 * constant.  The value type does not matter beyond the size it implies. */
static inline bool ra_loc_eq(ra_loc a, ra_loc b) {
  if (a.kind != b.kind) return false;
  if (a.kind == LOC_CONST || a.kind == LOC_NONE) return a.n == b.n && a.part == b.part;
  int32_t a0, a1, b0, b1;
  ra_loc_units(a, &a0, &a1);
  ra_loc_units(b, &b0, &b1);
  return a0 < b1 && b0 < a1;
}

/* Exactly the same storage (same registers or the same slot bytes; the
 * same part of the same constant). */
static inline bool ra_loc_same(ra_loc a, ra_loc b) {
  if (a.kind != b.kind) return false;
  if (a.kind == LOC_CONST || a.kind == LOC_NONE) return a.n == b.n && a.part == b.part;
  int32_t a0, a1, b0, b1;
  ra_loc_units(a, &a0, &a1);
  ra_loc_units(b, &b0, &b1);
  return a0 == b0 && a1 == b1;
}

#endif
