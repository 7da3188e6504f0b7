/* SPDX-License-Identifier: MIT */
/* Run-time helpers of method-compiled code: the operations the lowering
 * does not inline (mc_helpers.h names them and says when each is used).
 * Every helper takes and returns integers only (floats as their bits), so
 * the call is the same under the hard- and the soft-float ABI whichever
 * one this library was built for.  The semantics are docs/mir.md's: total
 * division, shift counts & 63, saturating float->int with NaN -> 0. */
#include "mc/mc_helpers.h"
#include "mc/mir_sem.h"

#include <math.h>
#include <string.h>

static double d_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
static uint64_t bits_of_d(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static float f_of(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
static uint32_t bits_of_f(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

int32_t mc_h_sdiv32(int32_t a, int32_t b) { return mir_sem_i32(ARMJIT_MOP_SDIV, a, b); }
int32_t mc_h_srem32(int32_t a, int32_t b) { return mir_sem_i32(ARMJIT_MOP_SREM, a, b); }
uint32_t mc_h_udiv32(uint32_t a, uint32_t b) {
  return (uint32_t)mir_sem_i32(ARMJIT_MOP_UDIV, (int32_t)a, (int32_t)b);
}
uint32_t mc_h_urem32(uint32_t a, uint32_t b) {
  return (uint32_t)mir_sem_i32(ARMJIT_MOP_UREM, (int32_t)a, (int32_t)b);
}
int64_t mc_h_sdiv64(int64_t a, int64_t b) { return mir_sem_i64(ARMJIT_MOP_SDIV, a, b); }
int64_t mc_h_srem64(int64_t a, int64_t b) { return mir_sem_i64(ARMJIT_MOP_SREM, a, b); }
uint64_t mc_h_udiv64(uint64_t a, uint64_t b) {
  return (uint64_t)mir_sem_i64(ARMJIT_MOP_UDIV, (int64_t)a, (int64_t)b);
}
uint64_t mc_h_urem64(uint64_t a, uint64_t b) {
  return (uint64_t)mir_sem_i64(ARMJIT_MOP_UREM, (int64_t)a, (int64_t)b);
}
uint64_t mc_h_shl64(uint64_t a, uint32_t n) {
  return (uint64_t)mir_sem_i64(ARMJIT_MOP_SHL, (int64_t)a, (int64_t)n);
}
int64_t mc_h_shr64(int64_t a, uint32_t n) { return mir_sem_i64(ARMJIT_MOP_SHR, a, (int64_t)n); }
uint64_t mc_h_ushr64(uint64_t a, uint32_t n) {
  return (uint64_t)mir_sem_i64(ARMJIT_MOP_USHR, (int64_t)a, (int64_t)n);
}

int64_t mc_h_d2l(uint64_t bits) { return mir_sem_fptosi64(d_of(bits)); }
uint64_t mc_h_d2ul(uint64_t bits) { return mir_sem_fptoui64(d_of(bits)); }
int64_t mc_h_f2l(uint32_t bits) { return mir_sem_fptosi64((double)f_of(bits)); }
uint64_t mc_h_f2ul(uint32_t bits) { return mir_sem_fptoui64((double)f_of(bits)); }

/* int -> float, round to nearest (one rounding, straight to the type) */
uint64_t mc_h_l2d(int64_t v) { return bits_of_d((double)v); }
uint64_t mc_h_ul2d(uint64_t v) { return bits_of_d((double)v); }
uint32_t mc_h_l2f(int64_t v) { return bits_of_f((float)v); }
uint32_t mc_h_ul2f(uint64_t v) { return bits_of_f((float)v); }

uint64_t mc_h_fmod(uint64_t a, uint64_t b) {
  return bits_of_d(mir_sem_f64(ARMJIT_MOP_FREM, d_of(a), d_of(b)));
}
uint32_t mc_h_fmodf(uint32_t a, uint32_t b) {
  return bits_of_f(mir_sem_f32(ARMJIT_MOP_FREM, f_of(a), f_of(b)));
}

static const mc_helper_info helpers[MC_NHELPERS] = {
#define MC_H_ROW(id, nm, fn, n, a0, a1, r) {nm, (uintptr_t)&fn, n, {a0, a1}, r},
    MC_HELPERS(MC_H_ROW)
#undef MC_H_ROW
};

const mc_helper_info *mc_helper_get(mc_helper h) {
  return (unsigned)h < MC_NHELPERS ? &helpers[h] : NULL;
}

int mc_helper_by_name(const char *name) {
  for (int i = 0; i < MC_NHELPERS; i++)
    if (strcmp(helpers[i].name, name) == 0) return i;
  return -1;
}
