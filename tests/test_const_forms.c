/* SPDX-License-Identifier: MIT */
/* Constants that one instruction handles: masks x & (2^k - 1) as UBFX and
 * float constants that are VFP immediates as VMOV #imm (not a pool load).
 * The op's code is checked word by word (on any host: code generation is
 * portable); on ARM the loop also runs against the interpreter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "armjit.h"
#include "armjit/a32.h"
#include "ir_support.h"

static armjit_loop *compile(armjit_ctx *ctx, armjit_trace *t) {
  armjit_error err;
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  if (!l) fail_msg("compile: %s", err.msg);
  return l;
}

/* The words of op `op`'s code (up to the next op's code). */
static unsigned op_words(const armjit_loop *l, unsigned op, unsigned nops, uint32_t *w,
                         unsigned max) {
  size_t size;
  const uint8_t *code = armjit_loop_code(l, &size);
  long at = armjit_loop_op_offset(l, op), end = -1;
  assert_true(at >= 0);
  for (unsigned k = op + 1; k < nops && end < 0; k++) end = armjit_loop_op_offset(l, k);
  assert_true(end > at);
  unsigned n = 0;
  for (long o = at; o < end && n < max; o += 4) memcpy(&w[n++], code + o, 4);
  return n;
}

#if defined(__arm__)
/* Compiled and interpreted runs of t on in[0..n) give the same exit values. */
static void same_as_interp(armjit_ctx *ctx, armjit_trace *t, armjit_loop *l,
                           const armjit_value *in, unsigned n) {
  armjit_frame *a = armjit_frame_new(ctx, 8), *b = armjit_frame_new(ctx, 8);
  armjit_error err;
  for (unsigned k = 0; k < n; k++) a->values[k] = b->values[k] = in[k];
  assert_int_equal(armjit_interpret(t, a, 0, &err), ARMJIT_OK);
  assert_true(armjit_run(l, b, &err) >= 0);
  assert_int_equal(a->exit_id, b->exit_id);
  assert_int_equal(a->nvalues, b->nvalues);
  for (unsigned k = 0; k < a->nvalues; k++) assert_true(a->values[k].bits == b->values[k].bits);
  armjit_frame_free(ctx, a);
  armjit_frame_free(ctx, b);
}
#endif

static void masks_are_ubfx(void **state) {
  (void)state;
  static const struct { const char *mask; unsigned width; } cases[] = {
      {"1023", 10}, {"65535", 16}, {"8191", 13}, {"8388607", 23}, {"511", 9}};
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  assert_non_null(ctx);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "[i0]\ni1 = int_and(i0, %s)\ni2 = int_and(%s, i0)\nfinish(i1, i2)\n",
             cases[i].mask, cases[i].mask);
    armjit_trace *t = irs_parse(ctx, text);
    armjit_loop *l = compile(ctx, t);
    for (unsigned op = 0; op < 2; op++) {
      uint32_t w[8];
      unsigned n = op_words(l, op, 3, w, 8);
      assert_int_equal(n, 1); /* ubfx rd, rn, #0, #width: A8.8.246, lsb 0 */
      assert_int_equal(w[0] & 0x0fe0007fu, 0x07e00050u);
      assert_int_equal(((w[0] >> 16) & 31u) + 1, cases[i].width);
    }
#if defined(__arm__)
    static const int32_t xs[] = {0, 1, -1, 0x12345678, INT32_MIN, 1023, 1024};
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
      armjit_value v = {.bits = 0};
      v.i = xs[k];
      same_as_interp(ctx, t, l, &v, 1);
    }
#endif
    armjit_loop_free(l);
    armjit_trace_free(t);
  }
  /* 255 is an AND immediate, 0x7fffffff a BIC one: no UBFX there */
  armjit_trace *t = irs_parse(ctx, "[i0]\ni1 = int_and(i0, 255)\ni2 = int_and(i0, 2147483647)\nfinish(i1, i2)\n");
  armjit_loop *l = compile(ctx, t);
  for (unsigned op = 0; op < 2; op++) {
    uint32_t w[8];
    assert_int_equal(op_words(l, op, 3, w, 8), 1);
    assert_int_not_equal(w[0] & 0x0fe0007fu, 0x07e00050u);
  }
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

static void float_immediates_are_vmov(void **state) {
  (void)state;
  static const char *const imms[] = {"0.5", "1.0", "-1.0", "2.0", "31.0", "0.125", "-0.1875"};
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  assert_non_null(ctx);
  for (size_t i = 0; i < sizeof imms / sizeof imms[0]; i++) {
    char text[128];
    snprintf(text, sizeof text, "[f0]\nf1 = float_mul(f0, %s)\nfinish(f1)\n", imms[i]);
    armjit_trace *t = irs_parse(ctx, text);
    armjit_loop *l = compile(ctx, t);
    uint32_t w[8];
    unsigned n = op_words(l, 0, 2, w, 8);
    unsigned vmovs = 0, vldrs = 0;
    for (unsigned k = 0; k < n; k++) {
      vmovs += (w[k] & 0x0fb00ef0u) == 0x0eb00a00u; /* VMOV (immediate) A2 */
      vldrs += (w[k] & 0x0f300e00u) == 0x0d100a00u; /* VLDR */
    }
    assert_int_equal(vmovs, 1);
    assert_int_equal(vldrs, 0);
#if defined(__arm__)
    armjit_value v = {.f = 3.25};
    same_as_interp(ctx, t, l, &v, 1);
#endif
    armjit_loop_free(l);
    armjit_trace_free(t);
  }
  /* 0.1 is no immediate: it comes from the pool */
  armjit_trace *t = irs_parse(ctx, "[f0]\nf1 = float_mul(f0, 0.1)\nfinish(f1)\n");
  armjit_loop *l = compile(ctx, t);
  uint32_t w[8];
  unsigned n = op_words(l, 0, 2, w, 8), vldrs = 0;
  for (unsigned k = 0; k < n; k++) vldrs += (w[k] & 0x0f300e00u) == 0x0d100a00u;
  assert_int_equal(vldrs, 1);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(masks_are_ubfx),
      cmocka_unit_test(float_immediates_are_vmov),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
