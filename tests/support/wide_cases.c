/* SPDX-License-Identifier: MIT */
/* The i64 and f32 edge cases (wide_cases.h). */
#include "wide_cases.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define LL(x) {ARMJIT_I64, {.l = (int64_t)(x)}}
#define UL(x) {ARMJIT_I64, {.bits = (uint64_t)(x)}}
#define II(x) {ARMJIT_INT, {.i = (int32_t)(x)}}
#define FF(x) {ARMJIT_FLOAT, {.f = (x)}}
#define SB(x) {ARMJIT_F32, {.bits = (uint32_t)(x)}} /* an f32 by its bits */
#define OP(o) ARMJIT_OP_##o
#define MIN64 INT64_MIN
#define MAX64 INT64_MAX

const wc_case wc_cases[] = {
    /* add / sub: carries and borrows across the word boundary, wrapping */
    {OP(LLONG_ADD), 2, {LL(MAX64), LL(1)}, LL(MIN64)},
    {OP(LLONG_ADD), 2, {LL(MIN64), LL(-1)}, LL(MAX64)},
    {OP(LLONG_ADD), 2, {UL(0xffffffffu), LL(1)}, UL(0x100000000)},
    {OP(LLONG_ADD), 2, {LL(-5), LL(3)}, LL(-2)},
    {OP(LLONG_SUB), 2, {LL(MIN64), LL(1)}, LL(MAX64)},
    {OP(LLONG_SUB), 2, {UL(0x100000000), LL(1)}, UL(0xffffffffu)},
    {OP(LLONG_SUB), 2, {LL(0), LL(MIN64)}, LL(MIN64)},
    /* mul: low 64 bits */
    {OP(LLONG_MUL), 2, {LL(MAX64), LL(MAX64)}, LL(1)},
    {OP(LLONG_MUL), 2, {LL(MIN64), LL(-1)}, LL(MIN64)},
    {OP(LLONG_MUL), 2, {UL(0xffffffffu), UL(0xffffffffu)}, UL(0xfffffffe00000001)},
    {OP(LLONG_MUL), 2, {LL(-3), LL(5)}, LL(-15)},
    {OP(LLONG_MUL), 2, {UL(0x100000000), UL(0x100000000)}, LL(0)},
    {OP(LLONG_MUL), 2, {UL(0x123456789), LL(-0x10000001)}, UL(0xedcba9864cba9877)},
    /* floordiv / mod: truncating, /0 and MIN/-1 as for int */
    {OP(LLONG_FLOORDIV), 2, {LL(-7), LL(2)}, LL(-3)},
    {OP(LLONG_FLOORDIV), 2, {LL(MIN64), LL(-1)}, LL(MIN64)},
    {OP(LLONG_FLOORDIV), 2, {LL(5), LL(0)}, LL(0)},
    {OP(LLONG_FLOORDIV), 2, {UL(0x123456789abcdef0), LL(16)}, UL(0x0123456789abcdef)},
    {OP(LLONG_MOD), 2, {LL(-7), LL(2)}, LL(-1)},
    {OP(LLONG_MOD), 2, {LL(MIN64), LL(-1)}, LL(0)},
    {OP(LLONG_MOD), 2, {LL(5), LL(0)}, LL(5)},
    {OP(LLONG_MOD), 2, {LL(7), LL(-2)}, LL(1)},
    /* bitwise */
    {OP(LLONG_AND), 2, {UL(0xff00ff00ff00ff00), UL(0x0ff00ff00ff00ff0)}, UL(0x0f000f000f000f00)},
    {OP(LLONG_OR), 2, {UL(0xff00ff00ff00ff00), UL(0x0ff00ff00ff00ff0)}, UL(0xfff0fff0fff0fff0)},
    {OP(LLONG_XOR), 2, {UL(0xff00ff00ff00ff00), UL(0x0ff00ff00ff00ff0)}, UL(0xf0f0f0f0f0f0f0f0)},
    {OP(LLONG_INVERT), 1, {LL(0)}, LL(-1)},
    {OP(LLONG_INVERT), 1, {UL(0xffffffffu)}, UL(0xffffffff00000000)},
    {OP(LLONG_NEG), 1, {LL(MIN64)}, LL(MIN64)},
    {OP(LLONG_NEG), 1, {LL(1)}, LL(-1)},
    {OP(LLONG_NEG), 1, {UL(0x100000000)}, UL(0xffffffff00000000)},
    /* shifts: 0, 31, 32, 63, 64, the count's low byte */
    {OP(LLONG_LSHIFT), 2, {LL(1), II(0)}, LL(1)},
    {OP(LLONG_LSHIFT), 2, {LL(1), II(31)}, UL(0x80000000u)},
    {OP(LLONG_LSHIFT), 2, {LL(1), II(32)}, UL(0x100000000)},
    {OP(LLONG_LSHIFT), 2, {LL(1), II(63)}, LL(MIN64)},
    {OP(LLONG_LSHIFT), 2, {LL(1), II(64)}, LL(0)},
    {OP(LLONG_LSHIFT), 2, {LL(1), II(256)}, LL(1)},
    {OP(LLONG_LSHIFT), 2, {LL(1), II(-1)}, LL(0)},
    {OP(LLONG_LSHIFT), 2, {UL(0x180000001), II(1)}, UL(0x300000002)},
    {OP(LLONG_LSHIFT), 2, {UL(0x89abcdef), II(33)}, UL(0x13579bde00000000)},
    {OP(LLONG_RSHIFT), 2, {LL(MIN64), II(63)}, LL(-1)},
    {OP(LLONG_RSHIFT), 2, {LL(MIN64), II(64)}, LL(-1)},
    {OP(LLONG_RSHIFT), 2, {LL(MAX64), II(64)}, LL(0)},
    {OP(LLONG_RSHIFT), 2, {LL(MIN64), II(32)}, UL(0xffffffff80000000)},
    {OP(LLONG_RSHIFT), 2, {UL(0x7fffffff00000000), II(31)}, UL(0xfffffffe)},
    {OP(LLONG_RSHIFT), 2, {LL(-5), II(0)}, LL(-5)},
    {OP(LLONG_RSHIFT), 2, {LL(MIN64), II(31)}, UL(0xffffffff00000000)},
    {OP(LLONG_RSHIFT), 2, {UL(0x8000000180000000), II(1)}, UL(0xc0000000c0000000)},
    {OP(ULLONG_RSHIFT), 2, {LL(MIN64), II(0)}, LL(MIN64)},
    {OP(ULLONG_RSHIFT), 2, {LL(MIN64), II(63)}, LL(1)},
    {OP(ULLONG_RSHIFT), 2, {LL(MIN64), II(64)}, LL(0)},
    {OP(ULLONG_RSHIFT), 2, {LL(MIN64), II(32)}, UL(0x80000000u)},
    {OP(ULLONG_RSHIFT), 2, {LL(-1), II(31)}, UL(0x1ffffffff)},
    {OP(ULLONG_RSHIFT), 2, {LL(MIN64), II(1)}, UL(0x4000000000000000)},
    {OP(ULLONG_RSHIFT), 2, {LL(-1), II(288)}, UL(0xffffffffu)}, /* 288 & 255 = 32 */
    /* comparisons: the high words decide unless equal; low words unsigned */
    {OP(LLONG_LT), 2, {LL(-1), LL(0)}, II(1)},
    {OP(ULLONG_LT), 2, {LL(-1), LL(0)}, II(0)},
    {OP(LLONG_LT), 2, {UL(0x100000000), UL(0xffffffffu)}, II(0)},
    {OP(LLONG_LT), 2, {UL(0xffffffffu), UL(0x100000000)}, II(1)},
    {OP(LLONG_LT), 2, {UL(0x80000000u), UL(0x7fffffffu)}, II(0)},
    {OP(LLONG_LT), 2, {LL(-2), LL(-1)}, II(1)},
    {OP(LLONG_EQ), 2, {UL(0x100000001), UL(0x100000000)}, II(0)},
    {OP(LLONG_EQ), 2, {UL(0x200000000), UL(0x100000000)}, II(0)},
    {OP(LLONG_EQ), 2, {LL(MIN64), LL(MIN64)}, II(1)},
    {OP(LLONG_NE), 2, {UL(0x100000001), UL(0x100000000)}, II(1)},
    {OP(LLONG_NE), 2, {LL(7), LL(7)}, II(0)},
    {OP(LLONG_LE), 2, {LL(MIN64), LL(MIN64)}, II(1)},
    {OP(LLONG_LE), 2, {LL(0), LL(-1)}, II(0)},
    {OP(LLONG_GT), 2, {LL(MAX64), LL(MIN64)}, II(1)},
    {OP(LLONG_GT), 2, {LL(-1), LL(-2)}, II(1)},
    {OP(LLONG_GE), 2, {LL(MIN64), LL(MAX64)}, II(0)},
    {OP(LLONG_GE), 2, {UL(0x100000000), UL(0x100000000)}, II(1)},
    {OP(ULLONG_LE), 2, {LL(MAX64), LL(MIN64)}, II(1)},
    {OP(ULLONG_LE), 2, {UL(0x100000001), UL(0x100000000)}, II(0)},
    {OP(ULLONG_GT), 2, {LL(MIN64), LL(MAX64)}, II(1)},
    {OP(ULLONG_GT), 2, {UL(0xffffffffu), UL(0x100000000)}, II(0)},
    {OP(ULLONG_GE), 2, {LL(0), LL(0)}, II(1)},
    {OP(ULLONG_GE), 2, {LL(0), LL(1)}, II(0)},
    /* int <-> i64 */
    {OP(LLONG_FROM_INT), 1, {II(-1)}, LL(-1)},
    {OP(LLONG_FROM_INT), 1, {II(INT32_MIN)}, UL(0xffffffff80000000)},
    {OP(LLONG_FROM_UINT), 1, {II(-1)}, UL(0xffffffffu)},
    {OP(LLONG_FROM_UINT), 1, {II(INT32_MIN)}, UL(0x80000000u)},
    {OP(LLONG_TO_INT), 1, {UL(0x1ffffffff)}, II(-1)},
    {OP(LLONG_TO_INT), 1, {UL(0x100000000)}, II(0)},
    {OP(LLONG_TO_INT), 1, {LL(MIN64)}, II(0)},
    /* float <-> i64: round to nearest even one way, truncate and saturate
     * the other */
    {OP(LLONG_TO_FLOAT), 1, {LL(MAX64)}, FF(9223372036854775808.0)},
    {OP(LLONG_TO_FLOAT), 1, {LL(MIN64)}, FF(-9223372036854775808.0)},
    {OP(LLONG_TO_FLOAT), 1, {UL(0x20000000000001)}, FF(9007199254740992.0)},
    {OP(LLONG_TO_FLOAT), 1, {UL(0x20000000000003)}, FF(9007199254740996.0)},
    {OP(LLONG_TO_FLOAT), 1, {LL(-1)}, FF(-1.0)},
    {OP(LLONG_TO_FLOAT), 1, {UL(0xffffffffu)}, FF(4294967295.0)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(1e19)}, LL(MAX64)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(-1e19)}, LL(MIN64)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(NAN)}, LL(0)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(INFINITY)}, LL(MAX64)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(-INFINITY)}, LL(MIN64)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(-2.9)}, LL(-2)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(-9223372036854775808.0)}, LL(MIN64)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(9223372036854774784.0)}, LL(9223372036854774784)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(4294967296.5)}, UL(0x100000000)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(-0.0)}, LL(0)},
    {OP(LLONG_FROM_FLOAT), 1, {FF(0x1p63)}, LL(MAX64)},              /* 2^63: just out of range */
    {OP(LLONG_FROM_FLOAT), 1, {FF(-0x1.0000000000001p63)}, LL(MIN64)}, /* below -2^63 */
    /* bit casts */
    {OP(CONVERT_FLOAT_BYTES_TO_LONGLONG), 1, {FF(-0.0)}, LL(MIN64)},
    {OP(CONVERT_FLOAT_BYTES_TO_LONGLONG), 1, {FF(1.0)}, UL(0x3ff0000000000000)},
    {OP(CONVERT_LONGLONG_BYTES_TO_FLOAT), 1, {UL(0x7ff0000000000000)}, FF(INFINITY)},
    {OP(CONVERT_LONGLONG_BYTES_TO_FLOAT), 1, {UL(1)}, FF(4.9406564584124654e-324)},
    /* double -> f32: round to nearest even, overflow to inf, subnormals */
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(0.1)}, SB(0x3dcccccdu)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(1e40)}, SB(0x7f800000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(-1e40)}, SB(0xff800000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(1e-46)}, SB(0)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(-1e-46)}, SB(0x80000000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(1.401298464324817e-45)}, SB(1)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(1.1754942106924411e-38)}, SB(0x007fffffu)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(-0.0)}, SB(0x80000000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(NAN)}, SB(0x7fc00000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(3.4028234663852886e38)}, SB(0x7f7fffffu)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(16777217.0)}, SB(0x4b800000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(16777219.0)}, SB(0x4b800002u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(4.9406564584124654e-324)}, SB(0)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(INFINITY)}, SB(0x7f800000u)},
    /* the overflow boundary: the largest f32 + half an ulp is a tie, and
     * rounds to even (the infinity); just below it, to the largest f32 */
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(0x1.ffffffp+127)}, SB(0x7f800000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(-0x1.ffffffp+127)}, SB(0xff800000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(0x1.fffffefffffffp+127)}, SB(0x7f7fffffu)},
    /* the underflow boundary: half the smallest subnormal is a tie (to
     * 0, sign kept), a bit more rounds up; 1.5 subnormals ties to 2 */
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(0x1p-150)}, SB(0)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(-0x1p-150)}, SB(0x80000000u)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(0x1.0000000000001p-150)}, SB(1)},
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(0x1.8p-149)}, SB(2)},
    /* a normal tie: 1 + 3 * 2^-24 goes to the even 1 + 2^-22 */
    {OP(CAST_FLOAT_TO_SINGLEFLOAT), 1, {FF(0x1.000003p0)}, SB(0x3f800002u)},
    {OP(CAST_SINGLEFLOAT_TO_FLOAT), 1, {SB(1)}, FF(1.401298464324817e-45)},
    {OP(CAST_SINGLEFLOAT_TO_FLOAT), 1, {SB(0x80000000u)}, FF(-0.0)},
    {OP(CAST_SINGLEFLOAT_TO_FLOAT), 1, {SB(0xff800000u)}, FF(-INFINITY)},
    {OP(CAST_SINGLEFLOAT_TO_FLOAT), 1, {SB(0x7f7fffffu)}, FF(3.4028234663852886e38)},
    {OP(CAST_SINGLEFLOAT_TO_FLOAT), 1, {SB(0x7fc00000u)}, FF(NAN)},
    {OP(CAST_SINGLEFLOAT_TO_FLOAT), 1, {SB(0x3dcccccdu)}, FF(0.10000000149011612)},
    /* same_as keeps every bit */
    {OP(SAME_AS), 1, {UL(0x8000000000000001)}, UL(0x8000000000000001)},
    {OP(SAME_AS), 1, {SB(0x80000001u)}, SB(0x80000001u)},
};
const unsigned wc_ncases = sizeof wc_cases / sizeof wc_cases[0];

static bool same(const wc_val *want, armjit_value got) {
  switch (want->ty) {
  case ARMJIT_INT: return (uint32_t)got.bits == (uint32_t)want->v.i;
  case ARMJIT_FLOAT:
    if (isnan(want->v.f)) return isnan(got.f);
    return got.bits == want->v.bits;
  case ARMJIT_F32:
    if (isnan(want->v.s)) return isnan(got.s);
    return (uint32_t)got.bits == (uint32_t)want->v.bits;
  default: return got.bits == want->v.bits;
  }
}

static armjit_val constant(armjit_trace *t, const wc_val *x) {
  switch (x->ty) {
  case ARMJIT_INT: return armjit_const_int(t, x->v.i);
  case ARMJIT_FLOAT: return armjit_const_float(t, x->v.f);
  case ARMJIT_I64: return armjit_const_i64(t, x->v.l);
  default: return armjit_const_f32(t, x->v.s);
  }
}

/* Which operands are constants: none, all, and for two operands each one
 * alone (a variable shifted by a constant count, a constant by a
 * variable one). */
static const unsigned const_masks[] = {0u, 3u, 2u, 1u};
static const char *const mask_name[] = {"input", "constant", "input, constant",
                                        "constant, input"};

static bool is_const(unsigned mask, unsigned k) { return (mask >> k) & 1u; }

/* op(operands) with operand k a constant when bit k of mask is set, else
 * an input (the inputs in operand order), its result handed back by a
 * finish. */
static armjit_trace *build(armjit_ctx *ctx, const wc_case *c, unsigned mask) {
  armjit_trace *t = armjit_trace_new(ctx);
  assert_non_null(t);
  armjit_val a[2];
  for (unsigned k = 0; k < c->n; k++)
    a[k] = is_const(mask, k) ? ARMJIT_NOVAL : armjit_input(t, c->a[k].ty);
  for (unsigned k = 0; k < c->n; k++)
    if (is_const(mask, k)) a[k] = constant(t, &c->a[k]);
  armjit_val r = armjit_op(t, c->op, a, c->n);
  armjit_finish(t, &r, 1);
  armjit_error err;
  if (armjit_trace_validate(t, &err) != ARMJIT_OK) fail_msg("case build: %s", err.msg);
  return t;
}

static void check(const wc_case *c, unsigned i, unsigned m, const char *how,
                  const armjit_frame *f) {
  if (f->exit_id != 0 || f->nvalues != 1)
    fail_msg("case %u (op %d, %s operands, %s): exit %d with %u values", i, (int)c->op,
             mask_name[m], how, (int)f->exit_id, (unsigned)f->nvalues);
  if (!same(&c->want, f->values[0]))
    fail_msg("case %u (op %d, %s operands, %s): got 0x%016llx, want 0x%016llx", i, (int)c->op,
             mask_name[m], how, (unsigned long long)f->values[0].bits,
             (unsigned long long)c->want.v.bits);
}

/* The case's inputs into f: the operands that are not constants. */
static void set_inputs(const wc_case *c, unsigned mask, armjit_frame *f) {
  unsigned n = 0;
  for (unsigned k = 0; k < c->n; k++)
    if (!is_const(mask, k)) f->values[n++] = c->a[k].v;
}

unsigned wc_run_all(armjit_ctx *ctx, bool compile) {
  unsigned runs = 0;
  for (unsigned i = 0; i < wc_ncases; i++) {
    const wc_case *c = &wc_cases[i];
    for (unsigned m = 0; m < (c->n == 2 ? 4u : 2u); m++) {
      unsigned mask = const_masks[m];
      armjit_trace *t = build(ctx, c, mask);
      armjit_frame *f = armjit_frame_new(ctx, 4);
      assert_non_null(f);
      armjit_error err;
      set_inputs(c, mask, f);
      if (armjit_interpret(t, f, 0, &err) != ARMJIT_OK) fail_msg("case %u: %s", i, err.msg);
      check(c, i, m, "interpreted", f);
      runs++;
      if (compile) {
        armjit_loop *loop = armjit_compile_loop(ctx, t, &err);
        if (!loop) fail_msg("case %u (op %d): compile: %s", i, (int)c->op, err.msg);
        set_inputs(c, mask, f);
        if (armjit_run(loop, f, &err) < 0) fail_msg("case %u: run: %s", i, err.msg);
        check(c, i, m, "compiled", f);
        armjit_loop_free(loop);
        runs++;
      }
      armjit_frame_free(ctx, f);
      armjit_trace_free(t);
    }
  }
  return runs;
}
