/* SPDX-License-Identifier: MIT */
/* The method IR's reference interpreter, op by op, against results the
 * test computes in its own C (docs/mir.md §2): every op on every type with
 * the edge values (MIN/MAX, shifts 0/31/32/63/64, division by 0, -1 and
 * powers of two, NaN, ±0, ±inf, subnormals, saturating conversions), then
 * memory, calls, checks, control flow and the interpreter's limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"

#define T(x) ARMJIT_T_##x

static armjit_ctx *ctx_new(void) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  if (!ctx) fail_msg("armjit_ctx_new: %s", err.msg);
  return ctx;
}

static int setup(void **state) {
  *state = ctx_new();
  return 0;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* Every module of this file also round-trips through the text form:
 * print, parse, print gives the same text. */
static void round_trip(armjit_ctx *ctx, const armjit_module *m) {
  char *a = armjit_module_to_string(m);
  assert_non_null(a);
  armjit_error err;
  armjit_module *m2 = armjit_module_parse(ctx, a, &err);
  if (!m2) fail_msg("reparse %d:%d: %s\n%s", err.line, err.col, err.msg, a);
  char *b = armjit_module_to_string(m2);
  assert_non_null(b);
  assert_string_equal(a, b);
  free(a);
  free(b);
  armjit_module_free(m2);
}

/* ---- a one-op function: r = op.sub(a[, b]) --------------------------------------------- */
typedef struct {
  armjit_module *m;
  unsigned nparams;
} onefn;

static onefn make1(armjit_ctx *ctx, armjit_mop op, unsigned sub, const armjit_mtype *pt,
                   unsigned np, armjit_mtype rt) {
  onefn f;
  f.m = armjit_module_new(ctx, NULL);
  f.nparams = np;
  armjit_sym s = armjit_func_new(f.m, "f", pt, np, rt);
  armjit_block b = armjit_func_entry(f.m, s);
  armjit_val a[3];
  for (unsigned k = 0; k < np; k++) a[k] = armjit_block_param(f.m, b, k);
  armjit_val r = armjit_emit(f.m, b, op, sub, a, np, NULL, 0, -1, 0);
  armjit_ret(f.m, b, r);
  armjit_error err;
  if (armjit_module_validate(f.m, &err) != ARMJIT_OK) fail_msg("validate: %s", err.msg);
  round_trip(ctx, f.m);
  return f;
}

static armjit_mval run1(onefn *f, armjit_mval x, armjit_mval y) {
  armjit_mval a[2] = {x, y}, r;
  armjit_error err;
  armjit_status st = armjit_mc_interpret(f->m, "f", a, f->nparams, &r, NULL, &err);
  if (st != ARMJIT_OK) fail_msg("interpret: %s", err.msg);
  return r;
}

static armjit_mval vi32(int32_t v) { armjit_mval x = {.bits = 0}; x.i32 = v; return x; }
static armjit_mval vi64(int64_t v) { armjit_mval x = {.bits = 0}; x.i64 = v; return x; }
static armjit_mval vf32(float v) { armjit_mval x = {.bits = 0}; x.f32 = v; return x; }
static armjit_mval vf64(double v) { armjit_mval x = {.bits = 0}; x.f64 = v; return x; }

static const int32_t I32S[] = {0, 1, -1, 2, 3, 7, -7, 31, 32, 33, 63, 64, 1024, 65536,
                               0x55555555, INT32_MIN, INT32_MAX, INT32_MIN + 1};
static const int64_t I64S[] = {0, 1, -1, 2, 7, -7, 31, 32, 63, 64, 65, INT64_MIN, INT64_MAX,
                               INT64_MIN + 1, 0x100000000LL, -0x100000000LL, 1LL << 40,
                               0x5555555555555555LL};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The test's own integer semantics. */
static int32_t ref_i32(armjit_mop op, int32_t x, int32_t y) {
  uint32_t a = (uint32_t)x, b = (uint32_t)y;
  switch (op) {
  case ARMJIT_MOP_ADD: return (int32_t)(a + b);
  case ARMJIT_MOP_SUB: return (int32_t)(a - b);
  case ARMJIT_MOP_MUL: return (int32_t)(uint32_t)((uint64_t)a * b);
  case ARMJIT_MOP_AND: return x & y;
  case ARMJIT_MOP_OR: return x | y;
  case ARMJIT_MOP_XOR: return x ^ y;
  case ARMJIT_MOP_SHL: return (int32_t)(uint32_t)((uint64_t)a << (b % 32));
  case ARMJIT_MOP_SHR: return (int32_t)((int64_t)x >> (b % 32));
  case ARMJIT_MOP_USHR: return (int32_t)(uint32_t)((uint64_t)a >> (b % 32));
  case ARMJIT_MOP_SDIV: return y == 0 ? 0 : (int32_t)(int64_t)((int64_t)x / (int64_t)y);
  case ARMJIT_MOP_SREM: return y == 0 ? x : (int32_t)((int64_t)x % (int64_t)y);
  case ARMJIT_MOP_UDIV: return b ? (int32_t)(a / b) : 0;
  case ARMJIT_MOP_UREM: return b ? (int32_t)(a % b) : x;
  default: fail_msg("op %d", (int)op); return 0;
  }
}

/* i64 by 128-bit-free formulas: division through the magnitudes. */
static int64_t ref_i64(armjit_mop op, int64_t x, int64_t y) {
  uint64_t a = (uint64_t)x, b = (uint64_t)y;
  uint64_t ma = x < 0 ? 0 - a : a, mb = y < 0 ? 0 - b : b;
  switch (op) {
  case ARMJIT_MOP_ADD: return (int64_t)(a + b);
  case ARMJIT_MOP_SUB: return (int64_t)(a - b);
  case ARMJIT_MOP_MUL: return (int64_t)(a * b);
  case ARMJIT_MOP_AND: return x & y;
  case ARMJIT_MOP_OR: return x | y;
  case ARMJIT_MOP_XOR: return x ^ y;
  case ARMJIT_MOP_SHL: return (int64_t)(a << (b % 64));
  case ARMJIT_MOP_SHR: {
    unsigned s = (unsigned)(b % 64);
    uint64_t r = a >> s;
    if (x < 0 && s) r |= ~(uint64_t)0 << (64 - s);
    return (int64_t)r;
  }
  case ARMJIT_MOP_USHR: return (int64_t)(a >> (b % 64));
  case ARMJIT_MOP_SDIV: {
    if (!y) return 0;
    uint64_t q = ma / mb; /* MIN / -1: the magnitude 2^63 wraps back to MIN */
    return (int64_t)((x < 0) != (y < 0) ? 0 - q : q);
  }
  case ARMJIT_MOP_SREM: {
    if (!y) return x;
    uint64_t r = ma % mb;
    return (int64_t)(x < 0 ? 0 - r : r);
  }
  case ARMJIT_MOP_UDIV: return b ? (int64_t)(a / b) : 0;
  case ARMJIT_MOP_UREM: return b ? (int64_t)(a % b) : x;
  default: fail_msg("op %d", (int)op); return 0;
  }
}

static void test_int_binary(void **state) {
  static const armjit_mop ops[] = {ARMJIT_MOP_ADD, ARMJIT_MOP_SUB, ARMJIT_MOP_MUL,
                                   ARMJIT_MOP_AND, ARMJIT_MOP_OR, ARMJIT_MOP_XOR,
                                   ARMJIT_MOP_SHL, ARMJIT_MOP_SHR, ARMJIT_MOP_USHR,
                                   ARMJIT_MOP_SDIV, ARMJIT_MOP_SREM, ARMJIT_MOP_UDIV,
                                   ARMJIT_MOP_UREM};
  unsigned checked = 0;
  for (unsigned o = 0; o < N(ops); o++) {
    armjit_mtype p32[2] = {T(I32), T(I32)}, p64[2] = {T(I64), T(I64)};
    onefn f = make1(*state, ops[o], T(I32), p32, 2, T(I32));
    for (unsigned i = 0; i < N(I32S); i++)
      for (unsigned j = 0; j < N(I32S); j++) {
        int32_t got = run1(&f, vi32(I32S[i]), vi32(I32S[j])).i32;
        int32_t want = ref_i32(ops[o], I32S[i], I32S[j]);
        if (got != want)
          fail_msg("op %u .i32 (%d, %d): %d, expected %d", o, I32S[i], I32S[j], got, want);
        checked++;
      }
    armjit_module_free(f.m);
    f = make1(*state, ops[o], T(I64), p64, 2, T(I64));
    for (unsigned i = 0; i < N(I64S); i++)
      for (unsigned j = 0; j < N(I64S); j++) {
        int64_t got = run1(&f, vi64(I64S[i]), vi64(I64S[j])).i64;
        int64_t want = ref_i64(ops[o], I64S[i], I64S[j]);
        if (got != want)
          fail_msg("op %u .i64 (%" PRId64 ", %" PRId64 "): %" PRId64 ", expected %" PRId64, o,
                   I64S[i], I64S[j], got, want);
        checked++;
      }
    armjit_module_free(f.m);
  }
  assert_int_equal(checked, N(ops) * (N(I32S) * N(I32S) + N(I64S) * N(I64S)));
}

/* The rules the docs spell out, as literal cases. */
static void test_int_edges(void **state) {
  struct { armjit_mop op; int32_t x, y, want; } c32[] = {
      {ARMJIT_MOP_SDIV, INT32_MIN, -1, INT32_MIN}, {ARMJIT_MOP_SREM, INT32_MIN, -1, 0},
      {ARMJIT_MOP_SDIV, 7, 0, 0},                 {ARMJIT_MOP_SREM, 7, 0, 7},
      {ARMJIT_MOP_UDIV, -1, 0, 0},                {ARMJIT_MOP_UREM, -1, 0, -1},
      {ARMJIT_MOP_SDIV, -7, 2, -3},               {ARMJIT_MOP_SREM, -7, 2, -1},
      {ARMJIT_MOP_UDIV, -8, 4, 0x3ffffffe},       {ARMJIT_MOP_SHL, 1, 32, 1},
      {ARMJIT_MOP_SHL, 1, 31, INT32_MIN},         {ARMJIT_MOP_SHR, INT32_MIN, 31, -1},
      {ARMJIT_MOP_USHR, INT32_MIN, 31, 1},        {ARMJIT_MOP_SHR, -16, 64, -16},
      {ARMJIT_MOP_USHR, -16, 33, 0x7ffffff8},     {ARMJIT_MOP_ADD, INT32_MAX, 1, INT32_MIN},
      {ARMJIT_MOP_MUL, 65536, 65536, 0},
  };
  armjit_mtype p32[2] = {T(I32), T(I32)};
  for (unsigned k = 0; k < N(c32); k++) {
    onefn f = make1(*state, c32[k].op, T(I32), p32, 2, T(I32));
    assert_int_equal(run1(&f, vi32(c32[k].x), vi32(c32[k].y)).i32, c32[k].want);
    armjit_module_free(f.m);
  }
  struct { armjit_mop op; int64_t x, y, want; } c64[] = {
      {ARMJIT_MOP_SDIV, INT64_MIN, -1, INT64_MIN}, {ARMJIT_MOP_SREM, INT64_MIN, -1, 0},
      {ARMJIT_MOP_SDIV, 5, 0, 0},                 {ARMJIT_MOP_UREM, 5, 0, 5},
      {ARMJIT_MOP_SHL, 1, 63, INT64_MIN},         {ARMJIT_MOP_SHL, 1, 64, 1},
      {ARMJIT_MOP_SHR, INT64_MIN, 63, -1},        {ARMJIT_MOP_USHR, -1, 32, 0xffffffffLL},
      {ARMJIT_MOP_SHL, 3, 32, 0x300000000LL},     {ARMJIT_MOP_UDIV, -2, 2, INT64_MAX},
  };
  armjit_mtype p64[2] = {T(I64), T(I64)};
  for (unsigned k = 0; k < N(c64); k++) {
    onefn f = make1(*state, c64[k].op, T(I64), p64, 2, T(I64));
    assert_true(run1(&f, vi64(c64[k].x), vi64(c64[k].y)).i64 == c64[k].want);
    armjit_module_free(f.m);
  }
  /* neg and not */
  armjit_mtype q32 = T(I32), q64 = T(I64);
  onefn fn = make1(*state, ARMJIT_MOP_NEG, T(I32), &q32, 1, T(I32));
  onefn fo = make1(*state, ARMJIT_MOP_NOT, T(I32), &q32, 1, T(I32));
  for (unsigned i = 0; i < N(I32S); i++) {
    assert_int_equal(run1(&fn, vi32(I32S[i]), vi32(0)).i32, (int32_t)(0u - (uint32_t)I32S[i]));
    assert_int_equal(run1(&fo, vi32(I32S[i]), vi32(0)).i32, (int32_t)~(uint32_t)I32S[i]);
  }
  armjit_module_free(fn.m);
  armjit_module_free(fo.m);
  fn = make1(*state, ARMJIT_MOP_NEG, T(I64), &q64, 1, T(I64));
  fo = make1(*state, ARMJIT_MOP_NOT, T(I64), &q64, 1, T(I64));
  for (unsigned i = 0; i < N(I64S); i++) {
    assert_true(run1(&fn, vi64(I64S[i]), vi64(0)).i64 == (int64_t)(0u - (uint64_t)I64S[i]));
    assert_true(run1(&fo, vi64(I64S[i]), vi64(0)).i64 == (int64_t)~(uint64_t)I64S[i]);
  }
  armjit_module_free(fn.m);
  armjit_module_free(fo.m);
}

/* ---- floats ----------------------------------------------------------------------------- */
static const double F64S[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, -2.5, 3.7, -3.7, 1e10, -1e10,
                              4.9e-324, -4.9e-324, 2.2250738585072014e-308, DBL_MAX, -DBL_MAX,
                              2147483647.5, 2147483648.0, -2147483648.5, -2147483649.0,
                              4294967295.5, 4294967296.0, 9.2233720368547758e18,
                              -9.2233720368547758e18, 1.8446744073709552e19, 1e300, INFINITY,
                              -INFINITY, NAN};
static const float F32S[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 1.5f, -2.5f, 3.7f, -3.7f, 1e10f,
                             -1e10f, 1.4e-45f, -1.4e-45f, 1.17549435e-38f, FLT_MAX, -FLT_MAX,
                             2147483648.0f, -2147483648.0f, -2147483904.0f, 4294967296.0f,
                             9.2233720e18f, 1.8446744e19f, 3e38f, INFINITY, -INFINITY, NAN};

static bool same64(double a, double b) {
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, 8) == 0;
}
static bool same32(float a, float b) {
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, 4) == 0;
}

static double ref_f64(armjit_mop op, double x, double y) {
  switch (op) {
  case ARMJIT_MOP_FADD: return x + y;
  case ARMJIT_MOP_FSUB: return x - y;
  case ARMJIT_MOP_FMUL: return x * y;
  case ARMJIT_MOP_FDIV: return x / y;
  default: return fmod(x, y);
  }
}
static float ref_f32(armjit_mop op, float x, float y) {
  switch (op) {
  case ARMJIT_MOP_FADD: return x + y;
  case ARMJIT_MOP_FSUB: return x - y;
  case ARMJIT_MOP_FMUL: return x * y;
  case ARMJIT_MOP_FDIV: return x / y;
  default: return fmodf(x, y);
  }
}

static void test_float_arith(void **state) {
  static const armjit_mop ops[] = {ARMJIT_MOP_FADD, ARMJIT_MOP_FSUB, ARMJIT_MOP_FMUL,
                                   ARMJIT_MOP_FDIV, ARMJIT_MOP_FREM};
  armjit_mtype pd[2] = {T(F64), T(F64)}, pf[2] = {T(F32), T(F32)};
  for (unsigned o = 0; o < N(ops); o++) {
    onefn f = make1(*state, ops[o], T(F64), pd, 2, T(F64));
    for (unsigned i = 0; i < N(F64S); i++)
      for (unsigned j = 0; j < N(F64S); j++) {
        double got = run1(&f, vf64(F64S[i]), vf64(F64S[j])).f64;
        double want = ref_f64(ops[o], F64S[i], F64S[j]);
        if (!same64(got, want))
          fail_msg("op %u .f64 (%a, %a): %a, expected %a", o, F64S[i], F64S[j], got, want);
      }
    armjit_module_free(f.m);
    f = make1(*state, ops[o], T(F32), pf, 2, T(F32));
    for (unsigned i = 0; i < N(F32S); i++)
      for (unsigned j = 0; j < N(F32S); j++) {
        float got = run1(&f, vf32(F32S[i]), vf32(F32S[j])).f32;
        float want = ref_f32(ops[o], F32S[i], F32S[j]);
        if (!same32(got, want))
          fail_msg("op %u .f32 (%a, %a): %a, expected %a", o, (double)F32S[i], (double)F32S[j],
                   (double)got, (double)want);
      }
    armjit_module_free(f.m);
  }
  /* spelled-out cases: signed zeros, infinities, subnormals survive */
  onefn f = make1(*state, ARMJIT_MOP_FADD, T(F64), pd, 2, T(F64));
  assert_true(signbit(run1(&f, vf64(-0.0), vf64(-0.0)).f64));
  assert_false(signbit(run1(&f, vf64(-0.0), vf64(0.0)).f64));
  assert_true(run1(&f, vf64(4.9e-324), vf64(4.9e-324)).f64 == 9.9e-324); /* no flush to zero */
  assert_true(isnan(run1(&f, vf64(INFINITY), vf64(-INFINITY)).f64));
  armjit_module_free(f.m);
  f = make1(*state, ARMJIT_MOP_FREM, T(F64), pd, 2, T(F64));
  assert_true(run1(&f, vf64(-7.5), vf64(2.0)).f64 == -1.5);
  assert_true(isnan(run1(&f, vf64(1.0), vf64(0.0)).f64));
  armjit_module_free(f.m);
}

static void test_float_unary(void **state) {
  armjit_mtype d = T(F64), s = T(F32);
  onefn neg = make1(*state, ARMJIT_MOP_FNEG, T(F64), &d, 1, T(F64));
  onefn abs_ = make1(*state, ARMJIT_MOP_FABS, T(F64), &d, 1, T(F64));
  onefn sq = make1(*state, ARMJIT_MOP_FSQRT, T(F64), &d, 1, T(F64));
  for (unsigned i = 0; i < N(F64S); i++) {
    uint64_t b;
    memcpy(&b, &F64S[i], 8);
    assert_true(run1(&neg, vf64(F64S[i]), vf64(0)).bits == (b ^ 0x8000000000000000u));
    assert_true(run1(&abs_, vf64(F64S[i]), vf64(0)).bits == (b & ~0x8000000000000000u));
    assert_true(same64(run1(&sq, vf64(F64S[i]), vf64(0)).f64, sqrt(F64S[i])));
  }
  /* the sign of a NaN flips exactly */
  armjit_mval nan_neg = {.bits = 0xfff8000000000123u};
  assert_true(run1(&neg, nan_neg, vf64(0)).bits == 0x7ff8000000000123u);
  assert_true(run1(&abs_, nan_neg, vf64(0)).bits == 0x7ff8000000000123u);
  assert_true(signbit(run1(&sq, vf64(-0.0), vf64(0)).f64));
  armjit_module_free(neg.m);
  armjit_module_free(abs_.m);
  armjit_module_free(sq.m);
  neg = make1(*state, ARMJIT_MOP_FNEG, T(F32), &s, 1, T(F32));
  abs_ = make1(*state, ARMJIT_MOP_FABS, T(F32), &s, 1, T(F32));
  sq = make1(*state, ARMJIT_MOP_FSQRT, T(F32), &s, 1, T(F32));
  for (unsigned i = 0; i < N(F32S); i++) {
    uint32_t b;
    memcpy(&b, &F32S[i], 4);
    armjit_mval r = run1(&neg, vf32(F32S[i]), vf32(0));
    uint32_t rb;
    memcpy(&rb, &r.f32, 4);
    assert_int_equal(rb, b ^ 0x80000000u);
    assert_int_equal(r.bits >> 32, 0); /* the rest of the union is zero */
    r = run1(&abs_, vf32(F32S[i]), vf32(0));
    memcpy(&rb, &r.f32, 4);
    assert_int_equal(rb, b & 0x7fffffffu);
    assert_true(same32(run1(&sq, vf32(F32S[i]), vf32(0)).f32, sqrtf(F32S[i])));
  }
  armjit_module_free(neg.m);
  armjit_module_free(abs_.m);
  armjit_module_free(sq.m);
}

/* ---- conversions ------------------------------------------------------------------------- */
/* Saturating truncation, computed on long double-free terms: compare with
 * the exact bounds as doubles. */
static int64_t sat_s(double d, int bits) {
  if (isnan(d)) return 0;
  double lo = bits == 32 ? -2147483648.0 : -9223372036854775808.0;
  double hi = bits == 32 ? 2147483648.0 : 9223372036854775808.0; /* exclusive */
  if (d <= lo) return bits == 32 ? INT32_MIN : INT64_MIN;
  if (d >= hi) return bits == 32 ? INT32_MAX : INT64_MAX;
  return (int64_t)trunc(d);
}
static uint64_t sat_u(double d, int bits) {
  if (isnan(d) || d <= -1.0) return 0;
  double hi = bits == 32 ? 4294967296.0 : 18446744073709551616.0;
  if (d >= hi) return bits == 32 ? UINT32_MAX : UINT64_MAX;
  if (d < 1.0) return 0;
  return (uint64_t)trunc(d);
}

static void test_float_to_int(void **state) {
  armjit_mtype from[2] = {T(F32), T(F64)};
  for (unsigned f = 0; f < 2; f++)
    for (unsigned to = 0; to < 2; to++)
      for (unsigned u = 0; u < 2; u++) {
        armjit_mtype rt = to ? T(I64) : T(I32);
        onefn fn = make1(*state, u ? ARMJIT_MOP_FPTOUI : ARMJIT_MOP_FPTOSI, rt, &from[f], 1, rt);
        unsigned n = f ? N(F64S) : N(F32S);
        for (unsigned i = 0; i < n; i++) {
          double d = f ? F64S[i] : (double)F32S[i];
          armjit_mval x = f ? vf64(d) : vf32((float)d);
          armjit_mval r = run1(&fn, x, x);
          int bits = to ? 64 : 32;
          if (u) {
            uint64_t want = sat_u(d, bits);
            uint64_t got = to ? (uint64_t)r.i64 : (uint32_t)r.i32;
            if (got != want) fail_msg("fptoui %a to i%d: %" PRIu64 ", expected %" PRIu64, d, bits, got, want);
          } else {
            int64_t want = sat_s(d, bits);
            int64_t got = to ? r.i64 : r.i32;
            if (got != want) fail_msg("fptosi %a to i%d: %" PRId64 ", expected %" PRId64, d, bits, got, want);
          }
        }
        armjit_module_free(fn.m);
      }
}

static void test_int_to_float(void **state) {
  armjit_mtype ti[2] = {T(I32), T(I64)};
  for (unsigned w = 0; w < 2; w++)
    for (unsigned to = 0; to < 2; to++)
      for (unsigned u = 0; u < 2; u++) {
        armjit_mtype rt = to ? T(F64) : T(F32);
        onefn fn = make1(*state, u ? ARMJIT_MOP_UITOFP : ARMJIT_MOP_SITOFP, rt, &ti[w], 1, rt);
        unsigned n = w ? N(I64S) : N(I32S);
        for (unsigned i = 0; i < n; i++) {
          armjit_mval x = w ? vi64(I64S[i]) : vi32(I32S[i]);
          armjit_mval r = run1(&fn, x, x);
          if (to) {
            double want = w ? (u ? (double)(uint64_t)I64S[i] : (double)I64S[i])
                            : (u ? (double)(uint32_t)I32S[i] : (double)I32S[i]);
            assert_true(memcmp(&r.f64, &want, 8) == 0);
          } else {
            float want = w ? (u ? (float)(uint64_t)I64S[i] : (float)I64S[i])
                           : (u ? (float)(uint32_t)I32S[i] : (float)I32S[i]);
            assert_true(memcmp(&r.f32, &want, 4) == 0);
          }
        }
        armjit_module_free(fn.m);
      }
  /* rounding to nearest even: 2^24 + 1 is not an f32 */
  armjit_mtype i = T(I32);
  onefn fn = make1(*state, ARMJIT_MOP_SITOFP, T(F32), &i, 1, T(F32));
  assert_true(run1(&fn, vi32(16777217), vi32(0)).f32 == 16777216.0f);
  assert_true(run1(&fn, vi32(16777219), vi32(0)).f32 == 16777220.0f);
  armjit_module_free(fn.m);
}

static void test_int_conversions(void **state) {
  armjit_mtype i = T(I32), l = T(I64), r = T(REF);
  struct { armjit_mop op; armjit_mtype *p; armjit_mtype rt; } cv[] = {
      {ARMJIT_MOP_SEXT8, &i, T(I32)},     {ARMJIT_MOP_SEXT16, &i, T(I32)},
      {ARMJIT_MOP_ZEXT8, &i, T(I32)},     {ARMJIT_MOP_ZEXT16, &i, T(I32)},
      {ARMJIT_MOP_SEXT_I64, &i, T(I64)},  {ARMJIT_MOP_ZEXT_I64, &i, T(I64)},
  };
  for (unsigned k = 0; k < N(cv); k++) {
    onefn fn = make1(*state, cv[k].op, 0, cv[k].p, 1, cv[k].rt);
    for (unsigned j = 0; j < N(I32S); j++) {
      int32_t x = I32S[j];
      armjit_mval got = run1(&fn, vi32(x), vi32(0));
      switch (k) {
      case 0: assert_int_equal(got.i32, (int8_t)(x & 0xff)); break;
      case 1: assert_int_equal(got.i32, (int16_t)(x & 0xffff)); break;
      case 2: assert_int_equal(got.i32, x & 0xff); break;
      case 3: assert_int_equal(got.i32, x & 0xffff); break;
      case 4: assert_true(got.i64 == (int64_t)x); break;
      default: assert_true(got.i64 == (int64_t)(uint32_t)x); break;
      }
    }
    armjit_module_free(fn.m);
  }
  onefn tr = make1(*state, ARMJIT_MOP_TRUNC_I32, 0, &l, 1, T(I32));
  for (unsigned j = 0; j < N(I64S); j++)
    assert_int_equal(run1(&tr, vi64(I64S[j]), vi64(0)).i32,
                     (int32_t)(uint32_t)((uint64_t)I64S[j] & 0xffffffffu));
  armjit_module_free(tr.m);
  /* f32 <-> f64 */
  armjit_mtype s = T(F32), d = T(F64);
  onefn fe = make1(*state, ARMJIT_MOP_FEXT, 0, &s, 1, T(F64));
  onefn ft = make1(*state, ARMJIT_MOP_FTRUNC, 0, &d, 1, T(F32));
  for (unsigned j = 0; j < N(F32S); j++)
    assert_true(same64(run1(&fe, vf32(F32S[j]), vf32(0)).f64, (double)F32S[j]));
  for (unsigned j = 0; j < N(F64S); j++)
    assert_true(same32(run1(&ft, vf64(F64S[j]), vf64(0)).f32, (float)F64S[j]));
  assert_true(isinf(run1(&ft, vf64(1e300), vf64(0)).f32));
  armjit_module_free(fe.m);
  armjit_module_free(ft.m);
  /* bitcasts keep the bits, NaN payloads included */
  onefn b1 = make1(*state, ARMJIT_MOP_BITCAST, T(I64), &d, 1, T(I64));
  onefn b2 = make1(*state, ARMJIT_MOP_BITCAST, T(F64), &l, 1, T(F64));
  onefn b3 = make1(*state, ARMJIT_MOP_BITCAST, T(I32), &s, 1, T(I32));
  onefn b4 = make1(*state, ARMJIT_MOP_BITCAST, T(F32), &i, 1, T(F32));
  armjit_mval nanp = {.bits = 0x7ff0000000000001u};
  assert_true(run1(&b1, nanp, nanp).i64 == 0x7ff0000000000001);
  assert_true(run1(&b2, vi64(0x7ff4000000000000), vi64(0)).bits == 0x7ff4000000000000u);
  assert_int_equal(run1(&b3, vf32(-1.0f), vf32(0)).i32, (int32_t)0xbf800000u);
  armjit_mval fb = run1(&b4, vi32(0x7f800001), vi32(0));
  uint32_t fbits;
  memcpy(&fbits, &fb.f32, 4);
  assert_int_equal(fbits, 0x7f800001u);
  armjit_module_free(b1.m);
  armjit_module_free(b2.m);
  armjit_module_free(b3.m);
  armjit_module_free(b4.m);
  /* refs and ints */
  onefn pi = make1(*state, ARMJIT_MOP_PTR_TO_INT, 0, &r, 1, T(I32));
  onefn ip = make1(*state, ARMJIT_MOP_INT_TO_REF, 0, &i, 1, T(REF));
  armjit_mval p = {.bits = 0};
  p.ref = 0x12345678u;
  assert_int_equal(run1(&pi, p, p).i32, 0x12345678);
  assert_true(run1(&ip, vi32(-1), vi32(0)).ref == (uintptr_t)0xffffffffu);
  armjit_module_free(pi.m);
  armjit_module_free(ip.m);
}

/* ---- comparisons and select ---------------------------------------------------------------- */
static bool ref_icmp(armjit_icc cc, int64_t x, int64_t y, uint64_t ux, uint64_t uy) {
  switch (cc) {
  case ARMJIT_ICC_EQ: return x == y;
  case ARMJIT_ICC_NE: return x != y;
  case ARMJIT_ICC_SLT: return x < y;
  case ARMJIT_ICC_SLE: return x <= y;
  case ARMJIT_ICC_SGT: return x > y;
  case ARMJIT_ICC_SGE: return x >= y;
  case ARMJIT_ICC_ULT: return ux < uy;
  case ARMJIT_ICC_ULE: return ux <= uy;
  case ARMJIT_ICC_UGT: return ux > uy;
  default: return ux >= uy;
  }
}

static void test_icmp(void **state) {
  armjit_mtype p32[2] = {T(I32), T(I32)}, p64[2] = {T(I64), T(I64)}, pr[2] = {T(REF), T(REF)};
  for (unsigned cc = 0; cc < ARMJIT_ICC__COUNT; cc++) {
    onefn f = make1(*state, ARMJIT_MOP_ICMP, cc, p32, 2, T(I32));
    for (unsigned i = 0; i < N(I32S); i++)
      for (unsigned j = 0; j < N(I32S); j++)
        assert_int_equal(run1(&f, vi32(I32S[i]), vi32(I32S[j])).i32,
                         ref_icmp(cc, I32S[i], I32S[j], (uint32_t)I32S[i], (uint32_t)I32S[j]));
    armjit_module_free(f.m);
    f = make1(*state, ARMJIT_MOP_ICMP, cc, p64, 2, T(I32));
    for (unsigned i = 0; i < N(I64S); i++)
      for (unsigned j = 0; j < N(I64S); j++)
        assert_int_equal(run1(&f, vi64(I64S[i]), vi64(I64S[j])).i32,
                         ref_icmp(cc, I64S[i], I64S[j], (uint64_t)I64S[i], (uint64_t)I64S[j]));
    armjit_module_free(f.m);
  }
  for (unsigned cc = ARMJIT_ICC_EQ; cc <= ARMJIT_ICC_NE; cc++) {
    onefn f = make1(*state, ARMJIT_MOP_ICMP, cc, pr, 2, T(I32));
    armjit_mval a = {.bits = 0}, b = {.bits = 0};
    a.ref = 16;
    b.ref = 16;
    assert_int_equal(run1(&f, a, b).i32, cc == ARMJIT_ICC_EQ);
    b.ref = 0;
    assert_int_equal(run1(&f, a, b).i32, cc == ARMJIT_ICC_NE);
    armjit_module_free(f.m);
  }
}

static bool ref_fcmp(armjit_fcc cc, double x, double y) {
  bool u = isunordered(x, y);
  switch (cc) {
  case ARMJIT_FCC_OEQ: return !u && x == y;
  case ARMJIT_FCC_ONE: return !u && (x < y || x > y);
  case ARMJIT_FCC_OLT: return isless(x, y);
  case ARMJIT_FCC_OLE: return islessequal(x, y);
  case ARMJIT_FCC_OGT: return isgreater(x, y);
  case ARMJIT_FCC_OGE: return isgreaterequal(x, y);
  case ARMJIT_FCC_ORD: return !u;
  case ARMJIT_FCC_UEQ: return u || x == y;
  case ARMJIT_FCC_UNE: return !(x == y);
  case ARMJIT_FCC_ULT: return !isgreaterequal(x, y);
  case ARMJIT_FCC_ULE: return !isgreater(x, y);
  case ARMJIT_FCC_UGT: return !islessequal(x, y);
  case ARMJIT_FCC_UGE: return !isless(x, y);
  default: return u;
  }
}

static void test_fcmp(void **state) {
  armjit_mtype pd[2] = {T(F64), T(F64)}, pf[2] = {T(F32), T(F32)};
  for (unsigned cc = 0; cc < ARMJIT_FCC__COUNT; cc++) {
    onefn f = make1(*state, ARMJIT_MOP_FCMP, cc, pd, 2, T(I32));
    for (unsigned i = 0; i < N(F64S); i++)
      for (unsigned j = 0; j < N(F64S); j++)
        assert_int_equal(run1(&f, vf64(F64S[i]), vf64(F64S[j])).i32,
                         ref_fcmp(cc, F64S[i], F64S[j]));
    armjit_module_free(f.m);
    f = make1(*state, ARMJIT_MOP_FCMP, cc, pf, 2, T(I32));
    for (unsigned i = 0; i < N(F32S); i++)
      for (unsigned j = 0; j < N(F32S); j++)
        assert_int_equal(run1(&f, vf32(F32S[i]), vf32(F32S[j])).i32,
                         ref_fcmp(cc, F32S[i], F32S[j]));
    armjit_module_free(f.m);
  }
}

static void test_select(void **state) {
  for (armjit_mtype t = T(I32); t <= T(REF); t++) {
    armjit_module *m = armjit_module_new(*state, NULL);
    armjit_mtype pt[3] = {T(I32), t, t};
    armjit_sym s = armjit_func_new(m, "f", pt, 3, t);
    armjit_block b = armjit_func_entry(m, s);
    armjit_val r = armjit_select(m, b, t, armjit_block_param(m, b, 0), armjit_block_param(m, b, 1),
                                 armjit_block_param(m, b, 2));
    armjit_ret(m, b, r);
    armjit_mval a[3] = {vi32(5), {.bits = 0x7ff8000000000077u}, {.bits = 0}};
    a[2].i32 = 9;
    if (t == T(I32) || t == T(F32) || t == T(REF)) a[1].bits &= t == T(REF) && sizeof(uintptr_t) == 8 ? ~0ull : 0xffffffffu;
    armjit_mval out;
    armjit_error err;
    assert_int_equal(armjit_mc_interpret(m, "f", a, 3, &out, NULL, &err), ARMJIT_OK);
    assert_true(out.bits == a[1].bits);
    a[0].i32 = 0;
    assert_int_equal(armjit_mc_interpret(m, "f", a, 3, &out, NULL, &err), ARMJIT_OK);
    assert_true(out.bits == a[2].bits);
    armjit_module_free(m);
  }
}

/* ---- the text form runs too: memory, calls, checks, control ------------------------------ */
static armjit_module *parse_ok(armjit_ctx *ctx, const char *text) {
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("parse %d:%d: %s\n%s", err.line, err.col, err.msg, text);
  if (armjit_module_validate(m, &err) != ARMJIT_OK)
    fail_msg("validate %d:%d: %s\n%s", err.line, err.col, err.msg, text);
  round_trip(ctx, m);
  return m;
}

static armjit_mval call_mod(armjit_module *m, const char *fn, const armjit_mval *a, unsigned n) {
  armjit_mval r;
  armjit_error err;
  armjit_status st = armjit_mc_interpret(m, fn, a, n, &r, NULL, &err);
  if (st != ARMJIT_OK) fail_msg("interpret @%s: %s", fn, err.msg);
  return r;
}

static armjit_mval vref(const void *p) { armjit_mval x = {.bits = 0}; x.ref = (uintptr_t)p; return x; }

static void test_memory(void **state) {
  armjit_module *m = parse_ok(*state,
      "func @ld(p: ref, i: i32) -> i64 {\n"
      "entry:\n"
      "  a = load.s8 p, 1\n"
      "  b = load.u8 p, 1\n"
      "  c = load.s16 p, i, 1, 2\n"
      "  d = load.u16 p, i, 1, 2\n"
      "  e = load.i32 p, i, 2, -4 volatile\n"
      "  f = load.i64 p, 8\n"
      "  s1 = add.i32 a, b\n"
      "  s2 = add.i32 c, d\n"
      "  s3 = xor.i32 s1, s2\n"
      "  s4 = xor.i32 s3, e\n"
      "  w = sext_i64 s4\n"
      "  r = add.i64 w, f\n"
      "  ret r\n"
      "}\n"
      "func @st(p: ref, v: i64, x: f64, y: f32, q: ref) {\n"
      "entry:\n"
      "  store.i64 p, 0, v\n"
      "  store.f64 p, 8, x\n"
      "  store.f32 p, 1, 2, 16, y volatile\n"
      "  store.s8 p, 24, 0x1ff\n"
      "  store.u16 p, 26, -2\n"
      "  store.ref p, 32, q\n"
      "  t = trunc_i32 v\n"
      "  store.s16 p, 4, 1, 36, t\n"
      "  ret\n"
      "}\n");
  uint8_t buf[64];
  for (unsigned k = 0; k < 64; k++) buf[k] = (uint8_t)(k * 37 + 0x81);
  armjit_mval a[5] = {vref(buf), vi32(3)};
  int8_t s8 = (int8_t)buf[1];
  int16_t s16;
  uint16_t u16;
  int32_t i32;
  int64_t i64;
  memcpy(&s16, buf + 2 + 6, 2);
  memcpy(&u16, buf + 2 + 6, 2);
  memcpy(&i32, buf + 12 - 4, 4);
  memcpy(&i64, buf + 8, 8);
  int32_t want = (int32_t)((uint32_t)(s8 + buf[1]) ^ (uint32_t)(s16 + u16) ^ (uint32_t)i32);
  assert_true(call_mod(m, "ld", a, 2).i64 == (int64_t)((uint64_t)(int64_t)want + (uint64_t)i64));
  uint8_t out[64], exp[64];
  memset(out, 0xee, sizeof out);
  memset(exp, 0xee, sizeof exp);
  int64_t v = 0x0102030405060708;
  double x = -2.5;
  float y = 0.75f;
  a[0] = vref(out);
  a[1] = vi64(v);
  a[2] = vf64(x);
  a[3] = vf32(y);
  a[4] = vref(buf);
  memcpy(exp, &v, 8);
  memcpy(exp + 8, &x, 8);
  memcpy(exp + 16 + 4, &y, 4);
  exp[24] = 0xff;
  exp[26] = 0xfe;
  exp[27] = 0xff;
  uintptr_t q = (uintptr_t)buf;
  memcpy(exp + 32, &q, sizeof q);
  int16_t t16 = 0x0708;
  memcpy(exp + 44, &t16, 2); /* (4 << 1) + 36 */
  call_mod(m, "st", a, 5);
  assert_memory_equal(out, exp, sizeof out);
  armjit_module_free(m);
}

static int32_t seen_code;
static unsigned ntraps;
static void on_trap(int32_t code, void *pc, void *sp) {
  seen_code = code;
  ntraps++;
  assert_null(pc); /* the interpreter passes 0 for both */
  assert_null(sp);
}
static int64_t mix(int32_t a, int64_t b, float c, double d, void *e, int32_t f, int64_t g,
                   float h, double i, int32_t j) {
  return a + b * 3 + (int64_t)(c * 4) + (int64_t)(d * 8) + (e ? 1000 : 0) + f + g + (int64_t)h +
         (int64_t)i + j;
}
static float half(float x) { return x / 2; }

static void test_calls(void **state) {
  armjit_ctx *ctx = *state;
  armjit_ctx_add_symbol(ctx, "mix", (uintptr_t)mix);
  armjit_ctx_add_symbol(ctx, "half", (uintptr_t)half);
  armjit_module *m = parse_ok(ctx,
      "extern @mix(i32, i64, f32, f64, ref, i32, i64, f32, f64, i32) -> i64\n"
      "extern @half(f32) -> f32\n"
      "func @fib(n: i32) -> i32 {\n"
      "entry:\n"
      "  c = icmp.slt n, 2\n"
      "  cbr c, small, big\n"
      "small:\n"
      "  ret n\n"
      "big:\n"
      "  a = sub.i32 n, 1\n"
      "  b = sub.i32 n, 2\n"
      "  fa = call @fib(a)\n"
      "  fb = call @fib(b)\n"
      "  s = add.i32 fa, fb\n"
      "  ret s\n"
      "}\n"
      "func @even(n: i32) -> i32 {\n"
      "entry:\n"
      "  z = icmp.eq n, 0\n"
      "  cbr z, yes, no\n"
      "yes:\n"
      "  ret 1\n"
      "no:\n"
      "  k = sub.i32 n, 1\n"
      "  r = call @odd(k)\n"
      "  ret r\n"
      "}\n"
      "func @odd(n: i32) -> i32 {\n"
      "entry:\n"
      "  z = icmp.eq n, 0\n"
      "  cbr z, yes, no\n"
      "yes:\n"
      "  ret 0\n"
      "no:\n"
      "  k = sub.i32 n, 1\n"
      "  r = call @even(k)\n"
      "  ret r\n"
      "}\n"
      "func @c(p: ref) -> i64 {\n"
      "entry:\n"
      "  r = call @mix(1, i64 2, 3.5, 4.25, p, 6, 7, 8.0, 9.0, 10)\n"
      "  h = addr @half\n"
      "  x = call_ind.f32 h(f32 5.0) hidden=3\n"
      "  xi = fptosi.i64 x\n"
      "  g = addr @fib\n"
      "  y = call_ind.i32 g(10)\n"
      "  yi = sext_i64 y\n"
      "  s = add.i64 r, xi\n"
      "  t = add.i64 s, yi\n"
      "  ret t\n"
      "}\n");
  assert_int_equal(call_mod(m, "fib", (armjit_mval[]){vi32(15)}, 1).i32, 610);
  assert_int_equal(call_mod(m, "even", (armjit_mval[]){vi32(101)}, 1).i32, 0);
  assert_int_equal(call_mod(m, "odd", (armjit_mval[]){vi32(101)}, 1).i32, 1);
  int64_t want = mix(1, 2, 3.5f, 4.25, &want, 6, 7, 8.0f, 9.0, 10) + 2 + 55;
  assert_true(call_mod(m, "c", (armjit_mval[]){vref(&want)}, 1).i64 == want);
  /* depth limit: a clear error, not a crash */
  armjit_interp_options o = {.max_depth = 100};
  armjit_error err;
  armjit_mval r;
  assert_int_equal(armjit_mc_interpret(m, "even", (armjit_mval[]){vi32(1000)}, 1, &r, &o, &err),
                   ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "nested deeper than 100"));
  /* deep recursion within the default limit costs no C stack */
  assert_int_equal(call_mod(m, "even", (armjit_mval[]){vi32(9000)}, 1).i32, 1);
  armjit_module_free(m);
  /* an extern nobody registered */
  m = parse_ok(ctx, "extern @nobody() -> i32\nfunc @f() -> i32 {\nentry:\n  r = call @nobody()\n  ret r\n}\n");
  assert_int_equal(armjit_mc_interpret(m, "f", NULL, 0, &r, NULL, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "@nobody is not among the context's symbols"));
  armjit_module_free(m);
}

static void test_checks(void **state) {
  armjit_ctx *ctx = *state;
  armjit_ctx_add_symbol(ctx, "on_trap", (uintptr_t)on_trap);
  armjit_module *m = parse_ok(ctx,
      "trap call @on_trap\n"
      "extern @on_trap(i32, ref, ref)\n"
      "func @f(p: ref, i: i32, n: i32, d: i64, c: i32) -> i32 {\n"
      "entry:\n"
      "  check_null p, 20\n"
      "  check_index i, n, 10\n"
      "  check_nonzero d, 30\n"
      "  trap_if c, 0xffffff\n"
      "  ret 7\n"
      "}\n");
  struct { uintptr_t p; int32_t i, n; int64_t d; int32_t c, code; unsigned traps; } cs[] = {
      {16, 0, 1, 1, 0, -1, 0},         {0, 0, 1, 1, 0, 20, 1},       {16, 1, 1, 1, 0, 10, 1},
      {16, -1, 5, 1, 0, 10, 1},        {16, 4, 5, 0, 0, 30, 1},      {16, 4, 5, 1, 1, 0xffffff, 1},
      {0, 9, 3, 0, -1, 0xffffff, 4},   {16, 2, -1, 0x100000000LL, 0, -1, 0},
  };
  for (unsigned k = 0; k < N(cs); k++) {
    armjit_mval a[5] = {{.bits = 0}, vi32(cs[k].i), vi32(cs[k].n), vi64(cs[k].d), vi32(cs[k].c)};
    a[0].ref = cs[k].p;
    seen_code = -1;
    ntraps = 0;
    /* after the handler returns, the function goes on and returns 7 */
    assert_int_equal(call_mod(m, "f", a, 5).i32, 7);
    assert_int_equal(seen_code, cs[k].code);
    assert_int_equal(ntraps, cs[k].traps);
  }
  armjit_module_free(m);
  /* a trap handler that is a function of the module */
  m = parse_ok(ctx,
      "trap call @h\n"
      "func @h(code: i32, pc: ref, sp: ref) {\n"
      "entry:\n"
      "  ret\n"
      "}\n"
      "func @f(x: i32) -> i32 {\n"
      "entry:\n"
      "  check_nonzero x, 5\n"
      "  ret x\n"
      "}\n");
  assert_int_equal(call_mod(m, "f", (armjit_mval[]){vi32(0)}, 1).i32, 0);
  armjit_module_free(m);
}

static void test_control(void **state) {
  armjit_module *m = parse_ok(*state,
      "func @sw(v: i32) -> i32 {\n"
      "entry:\n"
      "  switch v, d, [0: a, 1: b, -5: c, 1000000: c]\n"
      "a:\n"
      "  ret 10\n"
      "b:\n"
      "  ret 11\n"
      "c:\n"
      "  ret 12\n"
      "d:\n"
      "  ret 13\n"
      "}\n"
      "func @rot(n: i32) -> i32 {\n"
      "entry:\n"
      "  br loop(0, 1, 2, 3)\n"
      "loop(i: i32, x: i32, y: i32, z: i32):\n"
      "  c = icmp.slt i, n\n"
      "  cbr c, body, done\n"
      "body:\n"
      "  j = add.i32 i, 1\n"
      "  br loop(j, y, z, x)\n"
      "done:\n"
      "  a = mul.i32 x, 100\n"
      "  b = mul.i32 y, 10\n"
      "  s = add.i32 a, b\n"
      "  t = add.i32 s, z\n"
      "  ret t\n"
      "}\n"
      "func @forever() {\n"
      "entry:\n"
      "  br l\n"
      "l:\n"
      "  br l\n"
      "}\n"
      "func @dead(x: i32) -> i32 {\n"
      "entry:\n"
      "  cbr x, ok, bad\n"
      "ok:\n"
      "  ret x\n"
      "bad:\n"
      "  unreachable\n"
      "}\n");
  static const int32_t keys[][2] = {{0, 10}, {1, 11}, {-5, 12}, {1000000, 12}, {2, 13}, {-1, 13}};
  for (unsigned k = 0; k < N(keys); k++)
    assert_int_equal(call_mod(m, "sw", (armjit_mval[]){vi32(keys[k][0])}, 1).i32, keys[k][1]);
  /* (x, y, z) rotates left each round */
  assert_int_equal(call_mod(m, "rot", (armjit_mval[]){vi32(0)}, 1).i32, 123);
  assert_int_equal(call_mod(m, "rot", (armjit_mval[]){vi32(1)}, 1).i32, 231);
  assert_int_equal(call_mod(m, "rot", (armjit_mval[]){vi32(5)}, 1).i32, 312);
  /* the step limit ends an endless loop */
  armjit_interp_options o = {.max_steps = 5000};
  armjit_error err;
  armjit_mval r;
  assert_int_equal(armjit_mc_interpret(m, "forever", NULL, 0, &r, &o, &err), ARMJIT_E_LIMIT);
  assert_int_equal(o.steps, 5000);
  assert_non_null(strstr(err.msg, "@forever block l: step limit of 5000 ops reached"));
  assert_int_equal(call_mod(m, "dead", (armjit_mval[]){vi32(4)}, 1).i32, 4);
  assert_int_equal(armjit_mc_interpret(m, "dead", (armjit_mval[]){vi32(0)}, 1, &r, NULL, &err),
                   ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "@dead block bad: reached unreachable"));
  /* bad calls of the interpreter itself */
  assert_int_equal(armjit_mc_interpret(m, "nope", NULL, 0, &r, NULL, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_mc_interpret(m, "sw", NULL, 0, &r, NULL, &err), ARMJIT_E_ARG);
  armjit_module_free(m);
}

/* The examples of the documentation, exactly as written there. */
static int32_t c_helper(int32_t x) { return x * 2 + 1; }

static void test_doc_examples(void **state) {
  armjit_ctx *ctx = *state;
  armjit_ctx_add_symbol(ctx, "c_helper", (uintptr_t)c_helper);
  armjit_ctx_add_symbol(ctx, "on_trap", (uintptr_t)on_trap);
  FILE *f = fopen(ARMJIT_SOURCE_DIR "/docs/mir.md", "r");
  assert_non_null(f);
  static char doc[1 << 16];
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  fclose(f);
  doc[n] = 0;
  const char *start = strstr(doc, "### 3.1 Example\n\n```\n");
  assert_non_null(start);
  start = strchr(start, '`') + 4;
  const char *end = strstr(start, "```");
  assert_non_null(end);
  char *text = calloc(1, (size_t)(end - start) + 1);
  assert_non_null(text);
  memcpy(text, start, (size_t)(end - start));
  armjit_module *m = parse_ok(ctx, text);
  int32_t arr[2 + 6] = {4, 0, 5, 7, 9, 11, 13, 15}; /* a length (u16 at -8), then items */
  armjit_mval a[2] = {vref(arr + 2), vi32(4)};
  assert_int_equal(call_mod(m, "sum", a, 2).i32, 5 + 7 + 9 + 11);
  /* i = 4 is beyond the length 4: check_index traps, the handler returns, the loop goes on */
  a[1] = vi32(5);
  ntraps = 0;
  assert_int_equal(call_mod(m, "sum", a, 2).i32, 5 + 7 + 9 + 11 + 13);
  assert_int_equal(ntraps, 1);
  assert_int_equal(call_mod(m, "f", (armjit_mval[]){vi32(20)}, 1).i32, 41);
  armjit_module_free(m);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_int_binary, setup, teardown),
      cmocka_unit_test_setup_teardown(test_int_edges, setup, teardown),
      cmocka_unit_test_setup_teardown(test_float_arith, setup, teardown),
      cmocka_unit_test_setup_teardown(test_float_unary, setup, teardown),
      cmocka_unit_test_setup_teardown(test_float_to_int, setup, teardown),
      cmocka_unit_test_setup_teardown(test_int_to_float, setup, teardown),
      cmocka_unit_test_setup_teardown(test_int_conversions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_icmp, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fcmp, setup, teardown),
      cmocka_unit_test_setup_teardown(test_select, setup, teardown),
      cmocka_unit_test_setup_teardown(test_memory, setup, teardown),
      cmocka_unit_test_setup_teardown(test_calls, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_control, setup, teardown),
      cmocka_unit_test_setup_teardown(test_doc_examples, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
