/* SPDX-License-Identifier: MIT */
/* Where a value lives: a core register, a VFP register, a stack slot in the
 * trace frame, or a trace constant (rematerialized, never stored).  Shared
 * by the register allocator, the parallel move resolver and lowering.
 *
 * Storage size follows the value's type: INT and REF take a core register
 * or a 4-byte slot, FLOAT a d register or an 8-byte slot. */
#ifndef ARMJIT_RA_LOC_H
#define ARMJIT_RA_LOC_H

#include <stdbool.h>
#include <stdint.h>

#include "arm/target.h"
#include "armjit.h"

typedef enum { LOC_NONE, LOC_REG, LOC_VREG, LOC_STACK, LOC_CONST } ra_loc_kind;

typedef struct {
  uint8_t kind;   /* ra_loc_kind */
  uint8_t type;   /* armjit_type of the value */
  uint16_t pad;   /* always 0 (so locations compare with memcmp too) */
  int32_t n;      /* REG: r0..r15; VREG: d0..d31; STACK: byte offset from
                     fp (negative; the slot is [n, n+size)); CONST: index k
                     of the trace constant (ir_ref IR_CONST(k)) */
} ra_loc;

/* Fixed roles (fp addresses the frame, ip and lr are the core scratch
 * registers, d15 the VFP scratch): ARM_FP, ARM_SCRATCH1, ARM_SCRATCH2,
 * ARM_DSCRATCH in arm/target.h. */

static inline ra_loc ra_loc_make(ra_loc_kind kind, int type, int32_t n) {
  ra_loc l;
  l.kind = (uint8_t)kind;
  l.type = (uint8_t)type;
  l.pad = 0;
  l.n = n;
  return l;
}
static inline ra_loc ra_none(void) { return ra_loc_make(LOC_NONE, ARMJIT_VOID, 0); }
/* type: ARMJIT_INT or ARMJIT_REF */
static inline ra_loc ra_reg(int r, int type) { return ra_loc_make(LOC_REG, type, r); }
static inline ra_loc ra_vreg(int d) { return ra_loc_make(LOC_VREG, ARMJIT_FLOAT, d); }
static inline ra_loc ra_stack(int32_t off, int type) {
  return ra_loc_make(LOC_STACK, type, off);
}
static inline ra_loc ra_const(int32_t k, int type) {
  return ra_loc_make(LOC_CONST, type, k);
}

static inline bool ra_type_is_float(int type) { return type == ARMJIT_FLOAT; }
/* Bytes of storage a value of this type takes in a stack slot. */
static inline int32_t ra_type_size(int type) { return ra_type_is_float(type) ? 8 : 4; }

/* Same storage: same register, same constant, or stack slots whose byte
 * ranges intersect (an overlap that is not identity is a conflict; the
 * move resolver rejects it).  The value type does not matter. */
static inline bool ra_loc_eq(ra_loc a, ra_loc b) {
  if (a.kind != b.kind) return false;
  if (a.kind != LOC_STACK) return a.n == b.n;
  int64_t a0 = a.n, a1 = a0 + ra_type_size(a.type);
  int64_t b0 = b.n, b1 = b0 + ra_type_size(b.type);
  return a0 < b1 && b0 < a1;
}

/* Exactly the same storage (for stack slots: same offset and size). */
static inline bool ra_loc_same(ra_loc a, ra_loc b) {
  if (a.kind != b.kind || a.n != b.n) return false;
  return a.kind != LOC_STACK || ra_type_size(a.type) == ra_type_size(b.type);
}

#endif
