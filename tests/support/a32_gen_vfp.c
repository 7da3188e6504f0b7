/* SPDX-License-Identifier: MIT */
/* a32_gen_vfp.c — generators for the VFP and NEON emitters: loads/stores,
 * vpush/vpop, arithmetic (multiply-accumulate included), compares,
 * conversions, core<->VFP moves, VMRS, the 64-bit NEON three-register ops
 * and VLD1/VST1.  Registers span d0..d31 and
 * s0..s31 (the buffer has every feature). */
#include "a32_gen.h"

#include <string.h>

#define R(x) a32g_rname(x)
#define C(c) a32g_csuffix(c)

static a32_vreg vreg(a32g_rng *r) {
  static const int32_t edge[] = {0, 1, 15, 16, 30, 31};
  return (a32_vreg)a32g_edgy(r, 0, 31, edge, 6);
}

/* VLDR/VSTR: offsets are multiples of 4 up to +-1020.  VSTR to a pc base is
 * deprecated (GNU as warns), VLDR from pc is the literal form. */
static a32_status gen_vldst(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o, bool load) {
  static const int32_t edge[] = {0, 1, -1, 255, -255, 254, -254};
  bool dbl = i % 2;
  a32_cond c = a32g_cond(r);
  a32_vreg vd = vreg(r);
  a32_reg rn = load && a32g_chance(r, 10) ? A32_PC : a32g_reg(r, false);
  int32_t off = a32g_edgy(r, -255, 255, edge, 7) * 4;
  a32g_printf(o, "%s%s %c%u, [%s, #%ld]", load ? "vldr" : "vstr", C(c), dbl ? 'd' : 's',
              vd, R(rn), (long)off);
  return load ? a32_vldr(b, c, dbl, vd, rn, off) : a32_vstr(b, c, dbl, vd, rn, off);
}
static a32_status gen_vldr(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  return gen_vldst(r, i, b, o, true);
}
static a32_status gen_vstr(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  return gen_vldst(r, i, b, o, false);
}

static a32_status gen_vpushpop(a32g_rng *r, a32_buf *b, a32g_out *o, bool pop) {
  a32_cond c = a32g_cond(r);
  unsigned count = 1 + a32g_below(r, 16);
  if (a32g_chance(r, 4))
    count = a32g_chance(r, 2) ? 1 : 16;
  unsigned first = a32g_below(r, 32 - count + 1);
  a32g_printf(o, "%s%s {d%u", pop ? "vpop" : "vpush", C(c), first);
  if (count > 1)
    a32g_printf(o, "-d%u", first + count - 1);
  a32g_printf(o, "}");
  return pop ? a32_vpop(b, c, first, count) : a32_vpush(b, c, first, count);
}
static a32_status gen_vpush(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_vpushpop(r, b, o, false);
}
static a32_status gen_vpop(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_vpushpop(r, b, o, true);
}

/* Variant = op (15) x precision. */
static a32_status gen_vfp(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[15] = {"vadd",  "vsub",  "vmul",  "vdiv",  "vmov",
                                        "vneg",  "vabs",  "vsqrt", "vcmp",  "vcmpe",
                                        "vmla",  "vmls",  "vnmla", "vnmls", "vnmul"};
  a32_vfp_op op = (a32_vfp_op)(i % 15);
  bool dbl = (i / 15) % 2;
  a32_cond c = a32g_cond(r);
  a32_vreg vd = vreg(r), vn = vreg(r), vm = vreg(r);
  char k = dbl ? 'd' : 's';
  a32g_printf(o, "%s%s.%s %c%u, ", names[op], C(c), dbl ? "f64" : "f32", k, vd);
  if (op <= A32_VDIV || op >= A32_VMLA)  /* three registers */
    a32g_printf(o, "%c%u, ", k, vn);
  else
    vn = a32g_below(r, 64);  /* ignored: anything goes */
  a32g_printf(o, "%c%u", k, vm);
  return a32_vfp(b, c, op, dbl, vd, vn, vm);
}

static a32_status gen_vcmp_zero(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  bool e = i % 2, dbl = (i / 2) % 2;
  a32_cond c = a32g_cond(r);
  a32_vreg vd = vreg(r);
  a32g_printf(o, "vcmp%s%s.%s %c%u, #0", e ? "e" : "", C(c), dbl ? "f64" : "f32",
              dbl ? 'd' : 's', vd);
  return a32_vcmp_zero(b, c, e, dbl, vd);
}

/* VMOV #imm: every one of the 256 immediates, both precisions. */
static a32_status gen_vmov_imm(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  bool dbl = (i / 256) % 2;
  unsigned imm8 = i % 256;
  a32_cond c = a32g_cond(r);
  a32_vreg vd = vreg(r);
  /* the value: +-(16 + imm8<3:0>)/16 * 2^e, e = imm8<6:4> read as -3..4 */
  int e = (int)((imm8 >> 4) & 7u);
  e = e >= 4 ? e - 8 : e;
  e += 1; /* b6 = 0 gives exponents 1..4, b6 = 1 gives -3..0 */
  double v = (16.0 + (imm8 & 15u)) / 16.0;
  for (int k = 0; k < e; k++) v *= 2.0;
  for (int k = 0; k > e; k--) v /= 2.0;
  if (imm8 & 0x80u) v = -v;
  uint64_t bits;
  if (dbl) {
    memcpy(&bits, &v, 8);
  } else {
    float f = (float)v;
    uint32_t w;
    memcpy(&w, &f, 4);
    bits = w;
  }
  a32g_printf(o, "vmov%s.%s %c%u, #%.9g", C(c), dbl ? "f64" : "f32", dbl ? 'd' : 's', vd, v);
  return a32_vmov_imm(b, c, dbl, vd, bits);
}

/* Core registers: anything but pc (sp is fine in A32). */
static a32_status gen_vmov_cs(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_vreg sn = vreg(r);
  a32_reg rt = a32g_reg(r, false);
  a32g_printf(o, "vmov%s s%u, %s", C(c), sn, R(rt));
  return a32_vmov_core_to_s(b, c, sn, rt);
}
static a32_status gen_vmov_sc(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_vreg sn = vreg(r);
  a32_reg rt = a32g_reg(r, false);
  a32g_printf(o, "vmov%s %s, s%u", C(c), R(rt), sn);
  return a32_vmov_s_to_core(b, c, rt, sn);
}
static a32_status gen_vmov_cd(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_vreg dm = vreg(r);
  a32_reg rt = a32g_reg(r, false), rt2 = a32g_reg(r, false);  /* may be equal */
  a32g_printf(o, "vmov%s d%u, %s, %s", C(c), dm, R(rt), R(rt2));
  return a32_vmov_core_to_d(b, c, dm, rt, rt2);
}
static a32_status gen_vmov_dc(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_vreg dm = vreg(r);
  a32_reg rt = a32g_reg(r, false);
  a32_reg rt2 = a32g_reg_avoid(r, (uint16_t)(1u << rt));
  a32g_printf(o, "vmov%s %s, %s, d%u", C(c), R(rt), R(rt2), dm);
  return a32_vmov_d_to_core(b, c, rt, rt2, dm);
}

static a32_status gen_vcvt(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const struct {
    const char *types;
    char d, m;
  } cvt[10] = {
      [A32_CVT_F64_S32] = {"f64.s32", 'd', 's'}, [A32_CVT_F64_U32] = {"f64.u32", 'd', 's'},
      [A32_CVT_S32_F64] = {"s32.f64", 's', 'd'}, [A32_CVT_U32_F64] = {"u32.f64", 's', 'd'},
      [A32_CVT_F32_S32] = {"f32.s32", 's', 's'}, [A32_CVT_F32_U32] = {"f32.u32", 's', 's'},
      [A32_CVT_S32_F32] = {"s32.f32", 's', 's'}, [A32_CVT_U32_F32] = {"u32.f32", 's', 's'},
      [A32_CVT_F64_F32] = {"f64.f32", 'd', 's'}, [A32_CVT_F32_F64] = {"f32.f64", 's', 'd'},
  };
  a32_cvt_op op = (a32_cvt_op)(i % 10);
  a32_cond c = a32g_cond(r);
  a32_vreg vd = vreg(r), vm = vreg(r);
  a32g_printf(o, "vcvt%s.%s %c%u, %c%u", C(c), cvt[op].types, cvt[op].d, vd, cvt[op].m,
              vm);
  return a32_vcvt(b, c, op, vd, vm);
}

static a32_status gen_vmrs(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32g_printf(o, "vmrs%s APSR_nzcv, fpscr", C(c));
  return a32_vmrs_apsr(b, c);
}

static a32_status gen_neon3(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[17] = {
      "vadd.i64", "vsub.i64", "vand",     "vorr",     "veor",     "vadd.i8",
      "vadd.i16", "vadd.i32", "vsub.i8",  "vsub.i16", "vsub.i32", "vmul.i8",
      "vmul.i16", "vmul.i32", "vadd.f32", "vsub.f32", "vmul.f32"};
  a32_neon_op op = (a32_neon_op)(i % 17);
  a32_vreg dd = vreg(r), dn = vreg(r), dm = vreg(r);
  a32g_printf(o, "%s d%u, d%u, d%u", names[op], dd, dn, dm);
  return a32_neon3(b, op, dd, dn, dm);
}

static a32_status gen_neon_shift(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[3] = {"vshl.i64", "vshr.s64", "vshr.u64"};
  a32_neon_shift_op op = (a32_neon_shift_op)(i % 3);
  unsigned n = 1 + (i / 3) % (op == A32_NSHL_I64 ? 63 : 64);
  a32_vreg dd = vreg(r), dm = vreg(r);
  a32g_printf(o, "%s d%u, d%u, #%u", names[op], dd, dm, n);
  return a32_neon_shift_imm(b, op, dd, dm, n);
}

/* VLD1/VST1: variant = element size (4) x register count (4) x writeback
 * (none, "!", register); alignments drawn from those the count allows. */
static a32_status gen_vldst1(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o, bool load) {
  static const unsigned max_align[5] = {0, 8, 16, 8, 32};
  unsigned esize = 8u << (i % 4), n = 1 + (i / 4) % 4, wb = (i / 16) % 3;
  unsigned first = a32g_below(r, 32 - n + 1);
  unsigned align = 0;
  unsigned choice = a32g_below(r, 4);
  if (choice > 0 && (4u << choice) <= max_align[n])
    align = 4u << choice;  /* 8, 16, 32 */
  a32_reg rn = a32g_reg(r, false);
  a32_reg rm = wb == 0 ? A32_PC : wb == 1 ? A32_SP : a32g_reg_avoid(r, 1u << A32_SP);
  a32g_printf(o, "%s.%u {d%u", load ? "vld1" : "vst1", esize, first);
  if (n > 1)
    a32g_printf(o, "-d%u", first + n - 1);
  a32g_printf(o, "}, [%s", R(rn));
  if (align)
    a32g_printf(o, ":%u", 8 * align);
  a32g_printf(o, "]%s", wb == 1 ? "!" : "");
  if (wb == 2)
    a32g_printf(o, ", %s", R(rm));
  return load ? a32_vld1(b, esize, first, n, rn, align, rm)
              : a32_vst1(b, esize, first, n, rn, align, rm);
}
static a32_status gen_vld1(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  return gen_vldst1(r, i, b, o, true);
}
static a32_status gen_vst1(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  return gen_vldst1(r, i, b, o, false);
}

const a32g_encoder a32g_vfp_encoders[] = {
    {"a32_vldr", gen_vldr, 2000},
    {"a32_vstr", gen_vstr, 2000},
    {"a32_vpush", gen_vpush, 1000},
    {"a32_vpop", gen_vpop, 1000},
    {"a32_vfp", gen_vfp, 12000},
    {"a32_vcmp_zero", gen_vcmp_zero, 1000},
    {"a32_vmov_imm", gen_vmov_imm, 1024},
    {"a32_vmov_core_to_s", gen_vmov_cs, 1000},
    {"a32_vmov_s_to_core", gen_vmov_sc, 1000},
    {"a32_vmov_core_to_d", gen_vmov_cd, 1000},
    {"a32_vmov_d_to_core", gen_vmov_dc, 1000},
    {"a32_vcvt", gen_vcvt, 4000},
    {"a32_vmrs_apsr", gen_vmrs, 300},
    {"a32_neon3", gen_neon3, 3400},
    {"a32_neon_shift_imm", gen_neon_shift, 600},
    {"a32_vld1", gen_vld1, 1200},
    {"a32_vst1", gen_vst1, 1200},
};
const size_t a32g_vfp_count = sizeof a32g_vfp_encoders / sizeof a32g_vfp_encoders[0];
