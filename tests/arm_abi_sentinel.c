/* SPDX-License-Identifier: MIT */
/* ABI conformance of compiled loops, checked mechanically: an assembly
 * harness (built with the a32 assembler) fills r4-r11 and d8-d15 with
 * sentinels, calls a loop's entry with its frame, and reports which
 * callee-saved registers changed and sp before and after the call.
 * Loops exit through guards and finish, under register pressure, with
 * floats, with helper calls (no SDIV) and with random allocation.  The
 * exit helper also reports the stack alignment it saw (f->reserved[0]). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ir_support.h"

/* io[0]: the argument (frame pointer) in, entry's r0 out; io[1]: sp
 * before the call; io[2]: sp after it. */
typedef struct {
  armjit_code *code;
  uint32_t io[4];
} harness;

static uint32_t core_sentinel(unsigned r) { return 0xc0de0000u | r * 0x111u; }
static uint32_t vfp_word(unsigned d, unsigned half) { return 0x7ff10000u ^ (d << 8) ^ (half << 4) ^ 0x5u; }

/* uint32_t harness(const void *fn): returns the changed-register mask,
 * bit r for r4..r11, bit 16+d-8 for d8..d15. */
static void harness_build(harness *h, armjit_ctx *ctx) {
  a32_buf *b = a32_buf_new(0, 0);
  assert_non_null(b);
  uint32_t io = (uint32_t)(uintptr_t)h->io;
  a32_push(b, A32_AL, 0x4ff0);  /* r4-r11, lr: 9 words ... */
  a32_push(b, A32_AL, 0x0008);  /* ... + r3: sp stays 8-aligned */
  a32_vpush(b, A32_AL, 8, 8);
  for (unsigned d = 8; d < 16; d++) {
    a32_mov_imm32(b, A32_AL, A32_R2, vfp_word(d, 0));
    a32_mov_imm32(b, A32_AL, A32_R3, vfp_word(d, 1));
    a32_vmov_core_to_d(b, A32_AL, d, A32_R2, A32_R3);
  }
  a32_dp(b, A32_AL, A32_MOV, false, A32_IP, 0, a32_r(A32_R0));
  a32_mov_imm32(b, A32_AL, A32_R1, io);
  a32_ldst(b, A32_AL, A32_STR, A32_SP, a32_mem_imm(A32_R1, 4));
  a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_R1, 0));
  for (unsigned r = 4; r <= 11; r++) a32_mov_imm32(b, A32_AL, (a32_reg)r, core_sentinel(r));
  a32_blx(b, A32_AL, A32_IP);
  /* record sp and the result, then recover sp even if it was broken */
  a32_mov_imm32(b, A32_AL, A32_R1, io);
  a32_ldst(b, A32_AL, A32_STR, A32_SP, a32_mem_imm(A32_R1, 8));
  a32_ldst(b, A32_AL, A32_STR, A32_R0, a32_mem_imm(A32_R1, 0));
  a32_ldst(b, A32_AL, A32_LDR, A32_SP, a32_mem_imm(A32_R1, 4));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  for (unsigned r = 4; r <= 11; r++) {
    a32_mov_imm32(b, A32_AL, A32_IP, core_sentinel(r));
    a32_dp(b, A32_AL, A32_CMP, true, 0, (a32_reg)r, a32_r(A32_IP));
    a32_dp(b, A32_NE, A32_ORR, false, A32_R0, A32_R0, a32_imm(1u << r));
  }
  for (unsigned d = 8; d < 16; d++) {
    a32_vmov_d_to_core(b, A32_AL, A32_R2, A32_R3, d);
    for (unsigned half = 0; half < 2; half++) {
      a32_mov_imm32(b, A32_AL, A32_IP, vfp_word(d, half));
      a32_dp(b, A32_AL, A32_CMP, true, 0, half ? A32_R3 : A32_R2, a32_r(A32_IP));
      a32_dp(b, A32_NE, A32_ORR, false, A32_R0, A32_R0, a32_imm(1u << (16 + d - 8)));
    }
  }
  a32_vpop(b, A32_AL, 8, 8);
  a32_pop(b, A32_AL, 0x0008);
  a32_pop(b, A32_AL, 0x8ff0);
  armjit_error err;
  h->code = armjit_code_new(ctx, b, &err);
  a32_buf_free(b);
  if (!h->code) fail_msg("harness: %s", err.msg);
}

/* Run `loop` on f through the harness; check the ABI; return the exit. */
static int run_checked(harness *h, armjit_loop *loop, armjit_frame *f) {
  uint32_t (*fn)(const void *);
  void *entry = armjit_code_entry(h->code);
  memcpy(&fn, &entry, sizeof fn);
  h->io[0] = (uint32_t)(uintptr_t)f;
  f->reserved[0] = 0xff;
  uint32_t changed = fn(armjit_loop_code(loop, NULL));
  if (changed) fail_msg("callee-saved registers changed: mask 0x%08x", changed);
  assert_int_equal(h->io[1], h->io[2]);      /* sp preserved */
  assert_int_equal(h->io[1] & 7, 0);         /* the harness itself is aligned */
  assert_int_equal(f->reserved[0], 0);       /* sp 8-aligned at the exit helper call */
  assert_int_equal((int32_t)h->io[0], f->exit_id);
  return f->exit_id;
}

typedef struct {
  const char *text;
  unsigned flags;
  int32_t ints[16];
  double floats[16];
} abi_case;

/* Compile in a context with `flags`, run through the harness and through
 * the interpreter: same exit, same values, registers intact. */
static void check_case(const abi_case *k) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = k->flags;
  o.seed = 12345;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  harness h;
  memset(&h, 0, sizeof h);
  harness_build(&h, ctx);
  armjit_trace *t = irs_parse(ctx, k->text);
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  if (!l) fail_msg("compile: %s", err.msg);
  uint32_t cap = armjit_loop_frame_capacity(l);
  armjit_frame *f = armjit_frame_new(ctx, cap), *g = armjit_frame_new(ctx, cap);
  unsigned ni = 0, nf = 0;
  for (unsigned v = 0; v < armjit_trace_ninputs(t); v++) {
    armjit_value x = armjit_val_type(t, (armjit_val)v) == ARMJIT_FLOAT
                         ? irs_f(k->floats[nf++ % 16])
                         : irs_i(k->ints[ni++ % 16]);
    f->values[v] = g->values[v] = x;
  }
  assert_int_equal(armjit_interpret(t, g, 10000000, &err), ARMJIT_OK);
  int id = run_checked(&h, l, f);
  assert_int_equal(id, g->exit_id);
  assert_int_equal(f->nvalues, g->nvalues);
  for (unsigned v = 0; v < f->nvalues; v++) assert_true(f->values[v].bits == g->values[v].bits);
  armjit_frame_free(ctx, f);
  armjit_frame_free(ctx, g);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_code_free(h.code);
  armjit_ctx_free(ctx);
}

static const char guard_loop[] =
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "i2 = int_add(i0, 3)\n"
    "i3 = int_lt(i2, i1)\n"
    "guard_true(i3, descr=done) [i2, i1]\n"
    "jump(i2, i1, descr=L)\n";

/* 14 ints and 16 floats carried: every allocatable register in use,
 * values spill, and the callee-saved ones (r4-r10, d8-d14) are written. */
static const char pressure_loop[] =
    "[i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, in,"
    " f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15]\n"
    "label(i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, in,"
    " f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, descr=L)\n"
    "ia0 = int_add(i0, i1)\nia1 = int_xor(i1, i2)\nia2 = int_sub(i2, i3)\n"
    "ia3 = int_mul(i3, i4)\nia4 = int_or(i4, i5)\nia5 = int_and(i5, i6)\n"
    "ia6 = int_add(i6, i7)\nia7 = int_sub(i7, i8)\nia8 = int_xor(i8, i9)\n"
    "ia9 = int_add(i9, i10)\nia10 = int_mul(i10, i11)\nia11 = int_add(i11, i12)\n"
    "ia12 = int_sub(i12, i0)\n"
    "fa0 = float_add(f0, f1)\nfa1 = float_mul(f1, f2)\nfa2 = float_sub(f2, f3)\n"
    "fa3 = float_add(f3, f4)\nfa4 = float_mul(f4, f5)\nfa5 = float_sub(f5, f6)\n"
    "fa6 = float_add(f6, f7)\nfa7 = float_mul(f7, f8)\nfa8 = float_sub(f8, f9)\n"
    "fa9 = float_add(f9, f10)\nfa10 = float_mul(f10, f11)\nfa11 = float_sub(f11, f12)\n"
    "fa12 = float_add(f12, f13)\nfa13 = float_mul(f13, f14)\nfa14 = float_sub(f14, f15)\n"
    "fa15 = float_add(f15, f0)\n"
    "in2 = int_sub(in, 1)\n"
    "ic = int_gt(in2, 0)\n"
    "guard_true(ic, descr=done) [ia0, ia1, ia2, ia3, ia4, ia5, ia6, ia7, ia8, ia9, ia10,"
    " ia11, ia12, fa0, fa1, fa2, fa3, fa4, fa5, fa6, fa7, fa8, fa9, fa10, fa11, fa12, fa13,"
    " fa14, fa15]\n"
    "jump(ia0, ia1, ia2, ia3, ia4, ia5, ia6, ia7, ia8, ia9, ia10, ia11, ia12, in2,"
    " fa0, fa1, fa2, fa3, fa4, fa5, fa6, fa7, fa8, fa9, fa10, fa11, fa12, fa13, fa14, fa15,"
    " descr=L)\n";

static const char finish_trace[] =
    "[i0, i1, f0, f1]\n"
    "i2 = int_floordiv(i0, i1)\n"
    "i3 = int_mod(i0, i1)\n"
    "f2 = float_mul(f0, f1)\n"
    "f3 = cast_int_to_float(i2)\n"
    "f4 = float_add(f2, f3)\n"
    "finish(i2, i3, f4, f0, 7, 2.5, descr=out)\n";

static const abi_case cases[] = {
    {guard_loop, 0, {0, 100}, {0}},
    {pressure_loop, 0, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 4}, {0.5, 1.5, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
    {pressure_loop, ARMJIT_RANDOM_RA, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
    {pressure_loop, ARMJIT_NO_IDIV, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2}, {0.25}},
    {finish_trace, 0, {-100, 7}, {1.5, -2.0}},
    {finish_trace, ARMJIT_NO_IDIV, {-100, 7}, {1.5, -2.0}},
    {finish_trace, ARMJIT_NO_IDIV | ARMJIT_RANDOM_RA, {2147483647, -3}, {1e300, 1e10}},
};

static void test_callee_saved_intact(void **state) {
  (void)state;
  for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) check_case(&cases[k]);
}

/* The exits of one loop, each taken in turn: guards early and late in the
 * body and the finish. */
static void test_every_exit(void **state) {
  (void)state;
  static const char text[] =
      "[i0, i1, f0]\n"
      "label(i0, i1, f0, descr=L)\n"
      "i2 = int_add(i0, 1)\n"
      "guard_value(i1, 5, descr=g0) [i2, f0]\n"
      "f1 = float_add(f0, 1.0)\n"
      "i3 = float_gt(f1, 10.0)\n"
      "guard_false(i3, descr=g1) [f1, i2]\n"
      "i4 = int_ge(i2, 20)\n"
      "guard_false(i4, descr=g2) [i2]\n"
      "i5 = int_eq(i2, 15)\n"
      "guard_false(i5, descr=g3) [i2, f1, i1]\n"
      "jump(i2, i1, f1, descr=L)\n";
  abi_case k = {text, 0, {0, 5}, {0.0}};
  check_case(&k);        /* g1: f grows past 10 first */
  k.ints[1] = 4;
  check_case(&k);        /* g0 */
  k.floats[0] = -100.0;
  k.ints[1] = 5;
  check_case(&k);        /* g3 at 15 */
  k.ints[0] = 16;
  check_case(&k);        /* g2 at 20 */
  k.flags = ARMJIT_RANDOM_RA | ARMJIT_NO_IDIV;
  check_case(&k);
}

/* ---- C calls (cg_call.c) ---- */
/* sp at the caller's call site.  misaligned() calls it, so it is no leaf
 * and GCC keeps its calls 8-aligned relative to its own entry: the result
 * is sp % 8 when misaligned() was entered. */
__attribute__((naked, noinline)) static uintptr_t sp_at_call(void) {
  __asm__ volatile("mov r0, sp\n\tbx lr");
}
static int32_t misaligned(void) { return (int32_t)(sp_at_call() & 7); }
/* Five ints: one (hard-float) or three (soft-float) go on the stack. */
static double call_f5(double a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f) {
  return misaligned() * 1e6 + a * 0.5 + (b - c) + (d - e) + f;
}
static int32_t call_i3(int32_t a, int32_t b, int32_t c) {
  return misaligned() * 1000 + (a ^ b ^ c);
}

/* A loop calling C with ints, floats and stack arguments, values live
 * across the calls in callee-saved registers: r4-r11, d8-d15 and sp are
 * kept, and every helper is entered with sp 8-aligned (a misaligned
 * entry changes its result, which the interpreter's libffi calls get
 * right). */
static void test_calls_keep_abi(void **state) {
  (void)state;
  char text[1024];
  snprintf(text, sizeof text,
           "descr A = call(args=[float, int, int, int, int, int], result=float)\n"
           "descr B = call(args=[int, int, int], result=int)\n"
           "[i0, i1, f0, f1, f2]\n"
           "label(i0, i1, f0, f1, f2, descr=L)\n"
           "f3 = call(ref(0x%lx), f0, i0, i1, i0, i1, i0, descr=A)\n"
           "i2 = call(ref(0x%lx), i0, i1, 7, descr=B)\n"
           "f4 = float_add(f1, f3)\n"
           "f5 = float_mul(f2, 1.5)\n"
           "i3 = int_add(i0, 1)\n"
           "i4 = int_lt(i3, 10)\n"
           "guard_true(i4, descr=done) [i3, i2, f3, f4, f5, f0, i1]\n"
           "jump(i3, i2, f4, f5, f3, descr=L)\n",
           (unsigned long)(uintptr_t)call_f5, (unsigned long)(uintptr_t)call_i3);
  abi_case k = {text, 0, {0, 3}, {0.25, -1.5, 2.0}};
  check_case(&k);
  k.flags = ARMJIT_RANDOM_RA;
  check_case(&k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_callee_saved_intact),
      cmocka_unit_test(test_every_exit),
      cmocka_unit_test(test_calls_keep_abi),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
