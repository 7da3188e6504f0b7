/* SPDX-License-Identifier: MIT */
/* Execution tests of the raw assembler: small functions built with the
 * public a32_* emitters, materialized with armjit_code_new and called from
 * C.  The oracle is the same computation in C (or the architecture's
 * documented result where C has none).  Runs in both ABI builds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "sentinel.h"

#define MAX_CODES 64

typedef struct {
  armjit_ctx *ctx;
  a32_buf *b;
  armjit_code *codes[MAX_CODES];
  unsigned ncodes;
} T;

static int setup(void **state) {
  T *t = calloc(1, sizeof *t);
  armjit_error err;
  t->ctx = armjit_ctx_new(NULL, &err);
  if (!t->ctx) return -1;
  t->b = armjit_buf_new(t->ctx, 0, 0); /* the context's hooks and features */
  *state = t;
  return 0;
}

static int teardown(void **state) {
  T *t = *state;
  for (unsigned i = 0; i < t->ncodes; i++) armjit_code_free(t->codes[i]);
  a32_buf_free(t->b);
  armjit_ctx_free(t->ctx);
  free(t);
  return 0;
}

/* Materialize what was emitted into t->b (entry = byte offset `entry`) and
 * start a fresh buffer for the next function. */
static void *jit_at(T *t, size_t entry) {
  if (a32_buf_status(t->b) != A32_OK) fail_msg("assembler: %s", a32_buf_errmsg(t->b));
  armjit_error err;
  armjit_code *c = armjit_code_new(t->ctx, t->b, &err);
  if (!c) fail_msg("armjit_code_new: %s", err.msg);
  assert_true(t->ncodes < MAX_CODES);
  t->codes[t->ncodes++] = c;
  a32_buf_free(t->b);
  t->b = armjit_buf_new(t->ctx, 0, 0);
  return (char *)armjit_code_entry(c) + entry;
}
static void *jit(T *t) { return jit_at(t, 0); }

#define FN(type, p) ((type)(uintptr_t)(p))
typedef int32_t (*fn_i_i)(int32_t);
typedef int32_t (*fn_i_ii)(int32_t, int32_t);
typedef uint32_t (*fn_u_uuu)(uint32_t, uint32_t, uint32_t);
typedef uint32_t (*fn_u_v)(void);
typedef void (*fn_v_pp)(void *, const void *);
typedef int32_t (*fn_i_pp)(const void *, const void *);

static void ret(T *t) { a32_bx(t->b, A32_AL, A32_LR); }

/* ---- constants ------------------------------------------------------- */

static const uint32_t consts[] = {
    0, 1, 42, 255, 256, 0xff0, 0xff000000u, 0xf000000fu, 0x104, /* modified imm */
    0xffffffffu, 0xfffffffeu, 0xffffff00u, 0x00ffffffu,          /* MVN */
    0x101, 0x1234, 0xffff, 0xabcd,                               /* MOVW */
    0x12345678u, 0x80000001u, 0xdeadbeefu, 0x10000u + 0x101,     /* MOVW+MOVT */
    (uint32_t)-1000, (uint32_t)-65536, (uint32_t)INT32_MIN, (uint32_t)INT32_MAX};

static void test_mov_imm32(void **state) {
  T *t = *state;
  for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
    uint32_t v = consts[i];
    assert_int_equal(a32_mov_imm32(t->b, A32_AL, A32_R0, v), A32_OK);
    /* One word whenever one of MOV, MVN, MOVW can do it. */
    bool one = a32_modimm(v) >= 0 || a32_modimm(~v) >= 0 || v <= 0xffff;
    assert_int_equal(a32_buf_size(t->b), one ? 4 : 8);
    ret(t);
    uint32_t got = FN(fn_u_v, jit(t))();
    if (got != v) fail_msg("mov_imm32(0x%08x) returned 0x%08x", v, got);
  }
}

static void test_mov_forms(void **state) {
  T *t = *state;
  /* Each form by hand: MOV, MVN (modified immediate), MOVW, MOVW+MOVT. */
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0x3fc00)); ret(t);
  assert_int_equal(FN(fn_u_v, jit(t))(), 0x3fc00u);
  a32_dp(t->b, A32_AL, A32_MVN, false, A32_R0, 0, a32_imm(0xff)); ret(t);
  assert_int_equal(FN(fn_u_v, jit(t))(), ~(uint32_t)0xff);
  a32_movw(t->b, A32_AL, A32_R0, 0xbeef); ret(t);
  assert_int_equal(FN(fn_u_v, jit(t))(), 0xbeefu);
  /* MOVT keeps the low half: load a junk low half first. */
  a32_mov_imm32(t->b, A32_AL, A32_R0, 0xffffffffu);
  a32_movt(t->b, A32_AL, A32_R0, 0x1234); ret(t);
  assert_int_equal(FN(fn_u_v, jit(t))(), 0x1234ffffu);
  a32_movw(t->b, A32_AL, A32_R0, 0xfffe);
  a32_movt(t->b, A32_AL, A32_R0, 0xffff); ret(t); /* -2 */
  assert_int_equal(FN(fn_i_ii, jit(t))(0, 0), -2);
  /* Unencodable immediates are refused, not silently truncated. */
  assert_int_equal(a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0x101)),
                   A32_ERR_IMM);
  a32_buf_clear_error(t->b);
}

/* ---- arithmetic with shifted operands ---------------------------------- */

static uint32_t asr32(uint32_t x, unsigned n) {
  if (n >= 32) return (x >> 31) ? 0xffffffffu : 0;
  return (x >> n) | ((x >> 31) && n ? ~(0xffffffffu >> n) : 0);
}
static uint32_t lsl_reg(uint32_t x, uint32_t s) { s &= 0xff; return s >= 32 ? 0 : x << s; }
static uint32_t lsr_reg(uint32_t x, uint32_t s) { s &= 0xff; return s >= 32 ? 0 : x >> s; }
static uint32_t ror32(uint32_t x, unsigned n) { n &= 31; return n ? (x >> n) | (x << (32 - n)) : x; }

static const uint32_t vals[] = {0, 1, 7, 0x80, 0x7fffffffu, 0x80000000u, 0xffffffffu,
                                0x12345678u, 0xdeadbeefu, (uint32_t)-12345};

static void test_shifted_operands(void **state) {
  T *t = *state;
  /* f(a, b) = a + (b lsl 3) */
  a32_dp(t->b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_rsi(A32_R1, A32_LSL, 3)); ret(t);
  fn_u_uuu add_lsl = FN(fn_u_uuu, jit(t));
  /* f(a, b) = a - (b asr 5) */
  a32_dp(t->b, A32_AL, A32_SUB, false, A32_R0, A32_R0, a32_rsi(A32_R1, A32_ASR, 5)); ret(t);
  fn_u_uuu sub_asr = FN(fn_u_uuu, jit(t));
  /* f(a, b) = (b lsr 1) - a  (RSB: operand minus rn) */
  a32_dp(t->b, A32_AL, A32_RSB, false, A32_R0, A32_R0, a32_rsi(A32_R1, A32_LSR, 1)); ret(t);
  fn_u_uuu rsb_lsr = FN(fn_u_uuu, jit(t));
  /* f(a, b) = a ^ (b ror 13) */
  a32_dp(t->b, A32_AL, A32_EOR, false, A32_R0, A32_R0, a32_rsi(A32_R1, A32_ROR, 13)); ret(t);
  fn_u_uuu eor_ror = FN(fn_u_uuu, jit(t));
  /* f(a, b) = a & ~(b asr 32) (ASR #32 is encodable: all sign bits) */
  a32_dp(t->b, A32_AL, A32_BIC, false, A32_R0, A32_R0, a32_rsi(A32_R1, A32_ASR, 32)); ret(t);
  fn_u_uuu bic_asr32 = FN(fn_u_uuu, jit(t));
  /* f(a, b) = a * b + a  (MLA) */
  a32_mul(t->b, A32_AL, A32_MLA, false, A32_R0, A32_R0, A32_R1, A32_R0); ret(t);
  fn_u_uuu mla = FN(fn_u_uuu, jit(t));
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
    for (size_t j = 0; j < sizeof vals / sizeof vals[0]; j++) {
      uint32_t a = vals[i], b = vals[j];
      assert_int_equal(add_lsl(a, b, 0), a + (b << 3));
      assert_int_equal(sub_asr(a, b, 0), a - asr32(b, 5));
      assert_int_equal(rsb_lsr(a, b, 0), (b >> 1) - a);
      assert_int_equal(eor_ror(a, b, 0), a ^ ror32(b, 13));
      assert_int_equal(bic_asr32(a, b, 0), a & ~asr32(b, 32));
      assert_int_equal(mla(a, b, 0), a * b + a);
    }
}

static void test_register_shifted_operands(void **state) {
  T *t = *state;
  /* f(a, b, s) = a + (b lsl s) ; a - (b lsr s) ; a | (b asr s) ; b ror s */
  a32_dp(t->b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_rsr(A32_R1, A32_LSL, A32_R2)); ret(t);
  fn_u_uuu add_lsl = FN(fn_u_uuu, jit(t));
  a32_dp(t->b, A32_AL, A32_SUB, false, A32_R0, A32_R0, a32_rsr(A32_R1, A32_LSR, A32_R2)); ret(t);
  fn_u_uuu sub_lsr = FN(fn_u_uuu, jit(t));
  a32_dp(t->b, A32_AL, A32_ORR, false, A32_R0, A32_R0, a32_rsr(A32_R1, A32_ASR, A32_R2)); ret(t);
  fn_u_uuu orr_asr = FN(fn_u_uuu, jit(t));
  a32_shift_reg(t->b, A32_AL, A32_ROR, false, A32_R0, A32_R1, A32_R2); ret(t);
  fn_u_uuu ror = FN(fn_u_uuu, jit(t));
  /* Only the low byte of the shift register counts; >= 32 shifts out all. */
  static const uint32_t shifts[] = {0, 1, 4, 31, 32, 33, 255, 256, 0x101};
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
      uint32_t a = 0x1111u, b = vals[i], s = shifts[k];
      assert_int_equal(add_lsl(a, b, s), a + lsl_reg(b, s));
      assert_int_equal(sub_lsr(a, b, s), a - lsr_reg(b, s));
      assert_int_equal(orr_asr(a, b, s), a | asr32(b, s & 0xff));
      assert_int_equal(ror(a, b, s), ror32(b, s & 0xff));
    }
}

/* ---- compare and conditional execution --------------------------------- */

static void test_conditional_execution(void **state) {
  T *t = *state;
  /* smax(a, b) */
  a32_dp(t->b, A32_AL, A32_CMP, true, 0, A32_R0, a32_r(A32_R1));
  a32_dp(t->b, A32_LT, A32_MOV, false, A32_R0, 0, a32_r(A32_R1)); ret(t);
  fn_i_ii smax = FN(fn_i_ii, jit(t));
  /* umin(a, b) */
  a32_dp(t->b, A32_AL, A32_CMP, true, 0, A32_R0, a32_r(A32_R1));
  a32_dp(t->b, A32_HI, A32_MOV, false, A32_R0, 0, a32_r(A32_R1)); ret(t);
  fn_u_uuu umin = FN(fn_u_uuu, jit(t));
  /* sign(a): -1, 0, 1 */
  a32_dp(t->b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  a32_dp(t->b, A32_GT, A32_MOV, false, A32_R0, 0, a32_imm(1));
  a32_dp(t->b, A32_LT, A32_MVN, false, A32_R0, 0, a32_imm(0)); ret(t);
  fn_i_i sign = FN(fn_i_i, jit(t));
  /* (a + b overflows) ? 1 : 0, through ADDS and VS */
  a32_dp(t->b, A32_AL, A32_ADD, true, A32_R0, A32_R0, a32_r(A32_R1));
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  a32_dp(t->b, A32_VS, A32_MOV, false, A32_R0, 0, a32_imm(1)); ret(t);
  fn_i_ii ovf = FN(fn_i_ii, jit(t));
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
    for (size_t j = 0; j < sizeof vals / sizeof vals[0]; j++) {
      int32_t a = (int32_t)vals[i], b = (int32_t)vals[j];
      assert_int_equal(smax(a, b), a > b ? a : b);
      assert_int_equal(umin(vals[i], vals[j], 0), vals[i] < vals[j] ? vals[i] : vals[j]);
      int32_t sum;
      assert_int_equal(ovf(a, b), __builtin_add_overflow(a, b, &sum));
    }
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
    int32_t a = (int32_t)vals[i];
    assert_int_equal(sign(a), (a > 0) - (a < 0));
  }
}

/* ---- loops and branches -------------------------------------------------- */

static void test_loop_sum(void **state) {
  T *t = *state;
  /* sum(n) = 1 + 2 + ... + n with a backward branch; 0 for n <= 0 */
  a32_label loop = a32_label_new(t->b), done = a32_label_new(t->b);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R1, 0, a32_imm(0));
  a32_dp(t->b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  a32_b(t->b, A32_LE, done);
  a32_label_bind(t->b, loop);
  a32_dp(t->b, A32_AL, A32_ADD, false, A32_R1, A32_R1, a32_r(A32_R0));
  a32_dp(t->b, A32_AL, A32_SUB, true, A32_R0, A32_R0, a32_imm(1));
  a32_b(t->b, A32_NE, loop);
  a32_label_bind(t->b, done);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R1)); ret(t);
  fn_i_i sum = FN(fn_i_i, jit(t));
  static const int32_t ns[] = {-5, 0, 1, 2, 10, 100, 1000, 65535};
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
    uint32_t expect = 0;
    for (int32_t k = 1; k <= ns[i]; k++) expect += (uint32_t)k;
    assert_int_equal((uint32_t)sum(ns[i]), expect);
  }
}

/* Padding that returns 0 from wherever a wrong branch lands in it. */
static void pad(a32_buf *b, size_t bytes) {
  for (size_t i = 0; i < bytes; i += 8) {
    a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
    a32_bx(b, A32_AL, A32_LR);
  }
}

static void far_branches(T *t, size_t gap) {
  /* Forward: b over the gap. */
  a32_label l = a32_label_new(t->b);
  a32_b(t->b, A32_AL, l);
  pad(t->b, gap);
  a32_label_bind(t->b, l);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(11)); ret(t);
  assert_true(a32_buf_size(t->b) > gap);
  assert_int_equal(FN(fn_u_v, jit(t))(), 11);

  /* Backward: the entry is after the gap, the target before it. */
  l = a32_label_new(t->b);
  a32_label_bind(t->b, l);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(22)); ret(t);
  pad(t->b, gap);
  size_t entry = a32_buf_size(t->b);
  a32_b(t->b, A32_AL, l);
  assert_int_equal(FN(fn_u_v, jit_at(t, entry))(), 22);

  /* Conditional forward and a BL there and back: f(x) = x ? 33 : 44 + 1 */
  a32_label yes = a32_label_new(t->b), sub = a32_label_new(t->b);
  a32_push(t->b, A32_AL, 1u << A32_R4 | 1u << A32_LR);
  a32_dp(t->b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  a32_b(t->b, A32_NE, yes);
  a32_bl(t->b, A32_AL, sub);                  /* r0 = 44 */
  a32_dp(t->b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_imm(1));
  a32_pop(t->b, A32_AL, 1u << A32_R4 | 1u << A32_PC);
  pad(t->b, gap);
  a32_label_bind(t->b, yes);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(33));
  a32_pop(t->b, A32_AL, 1u << A32_R4 | 1u << A32_PC);
  pad(t->b, gap);
  a32_label_bind(t->b, sub);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(44)); ret(t);
  fn_i_i f = FN(fn_i_i, jit(t));
  assert_int_equal(f(1), 33);
  assert_int_equal(f(0), 45);
}

static void test_far_branches_4k(void **state) { far_branches(*state, 5000); }
static void test_far_branches_1m(void **state) { far_branches(*state, (size_t)3 << 19); }

/* ---- calls into C --------------------------------------------------------- */

static int32_t c_callee(int32_t a, int32_t b) { return a * 10 + b; }

/* Call fn through a register with args (r0, r1) after a prologue that
 * keeps sp 8-byte aligned; the function may be Thumb, hence BLX reg. */
static void emit_call2(a32_buf *b, const void *fn) {
  a32_push(b, A32_AL, 1u << A32_R4 | 1u << A32_LR);
  a32_mov_imm32(b, A32_AL, A32_IP, (uint32_t)(uintptr_t)fn);
  a32_blx(b, A32_AL, A32_IP);
  a32_pop(b, A32_AL, 1u << A32_R4 | 1u << A32_PC);
}

static void test_call_c_function(void **state) {
  T *t = *state;
  /* f(x) = c_callee(x, 3) + 1 */
  a32_push(t->b, A32_AL, 1u << A32_R4 | 1u << A32_LR);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R1, 0, a32_imm(3));
  a32_mov_imm32(t->b, A32_AL, A32_IP, (uint32_t)(uintptr_t)c_callee);
  a32_blx(t->b, A32_AL, A32_IP);
  a32_dp(t->b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_imm(1));
  a32_pop(t->b, A32_AL, 1u << A32_R4 | 1u << A32_PC);
  fn_i_i f = FN(fn_i_i, jit(t));
  for (int32_t x = -3; x < 4; x++) assert_int_equal(f(x), c_callee(x, 3) + 1);
}

/* ---- division ------------------------------------------------------------ */

/* The documented ARM results where C has none: x/0 = 0, INT_MIN/-1 = INT_MIN. */
static int32_t div_helper(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (a == INT32_MIN && b == -1) return INT32_MIN;
  return a / b;
}
static uint32_t udiv_ref(uint32_t a, uint32_t b) { return b ? a / b : 0; }

static const int32_t divs[][2] = {{7, 2},  {-7, 2}, {7, -2},         {-7, -2},      {0, 5},
                                  {5, 0},  {1, 1},  {INT32_MIN, -1}, {INT32_MIN, 1},
                                  {INT32_MAX, 7},    {-100000, 333}};

static void test_division(void **state) {
  T *t = *state;
  /* Through a C helper: the path used when the CPU has no SDIV. */
  emit_call2(t->b, (const void *)div_helper);
  fn_i_ii via_helper = FN(fn_i_ii, jit(t));
  for (size_t i = 0; i < sizeof divs / sizeof divs[0]; i++)
    assert_int_equal(via_helper(divs[i][0], divs[i][1]), div_helper(divs[i][0], divs[i][1]));

  if (!(armjit_detect_features() & A32_FEAT_IDIV)) {
    print_message("division: CPU has no SDIV/UDIV; tested the C helper path only\n");
    return;
  }
  print_message("division: CPU has SDIV/UDIV; tested hardware and C helper paths\n");
  a32_sdiv(t->b, A32_AL, A32_R0, A32_R0, A32_R1); ret(t);
  fn_i_ii sdiv = FN(fn_i_ii, jit(t));
  a32_udiv(t->b, A32_AL, A32_R0, A32_R0, A32_R1); ret(t);
  fn_u_uuu udiv = FN(fn_u_uuu, jit(t));
  for (size_t i = 0; i < sizeof divs / sizeof divs[0]; i++) {
    int32_t a = divs[i][0], b = divs[i][1];
    assert_int_equal(sdiv(a, b), div_helper(a, b));
    assert_int_equal(udiv((uint32_t)a, (uint32_t)b, 0), udiv_ref((uint32_t)a, (uint32_t)b));
  }
}

static void test_idiv_refused_without_feature(void **state) {
  T *t = *state;
  a32_buf_set_features(t->b, A32_FEAT_VFPV3);
  assert_int_equal(a32_sdiv(t->b, A32_AL, A32_R0, A32_R0, A32_R1), A32_ERR_FEATURE);
  assert_int_equal(a32_buf_size(t->b), 0);
  a32_buf_clear_error(t->b);
}

/* ---- frame through fp with negative offsets ------------------------------ */

static void test_fp_frame(void **state) {
  T *t = *state;
  a32_buf *b = t->b;
  /* f(a, b) = a - b + (int8_t)a + (int16_t)b + (uint8_t)b, via stack slots */
  a32_push(b, A32_AL, 1u << A32_FP | 1u << A32_LR);
  a32_dp(b, A32_AL, A32_MOV, false, A32_FP, 0, a32_r(A32_SP));
  a32_dp(b, A32_AL, A32_SUB, false, A32_SP, A32_SP, a32_imm(24));
  a32_ldst(b, A32_AL, A32_STR, A32_R0, a32_mem_imm(A32_FP, -4));
  a32_ldst(b, A32_AL, A32_STR, A32_R1, a32_mem_imm(A32_FP, -8));
  a32_ldst(b, A32_AL, A32_STRD, A32_R0, a32_mem_imm(A32_FP, -16));
  a32_ldst(b, A32_AL, A32_STRB, A32_R0, a32_mem_imm(A32_FP, -17));
  a32_ldst(b, A32_AL, A32_STRH, A32_R1, a32_mem_imm(A32_FP, -20));
  a32_ldst(b, A32_AL, A32_STRB, A32_R1, a32_mem_imm(A32_FP, -21));
  /* clobber the argument registers so the result must come from memory */
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R1, 0, a32_imm(0));
  a32_ldst(b, A32_AL, A32_LDRD, A32_R2, a32_mem_imm(A32_FP, -16));
  a32_dp(b, A32_AL, A32_SUB, false, A32_R0, A32_R2, a32_r(A32_R3));
  a32_ldst(b, A32_AL, A32_LDR, A32_R2, a32_mem_imm(A32_FP, -4));
  a32_ldst(b, A32_AL, A32_LDR, A32_R3, a32_mem_imm(A32_FP, -8));
  a32_dp(b, A32_AL, A32_SUB, false, A32_R1, A32_R2, a32_r(A32_R3));
  a32_dp(b, A32_AL, A32_SUB, false, A32_R0, A32_R0, a32_r(A32_R1)); /* 0 if both agree */
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R1));
  a32_ldst(b, A32_AL, A32_LDRSB, A32_R2, a32_mem_imm(A32_FP, -17));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R2));
  a32_ldst(b, A32_AL, A32_LDRSH, A32_R2, a32_mem_imm(A32_FP, -20));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R2));
  a32_ldst(b, A32_AL, A32_LDRB, A32_R2, a32_mem_imm(A32_FP, -21));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R2));
  a32_dp(b, A32_AL, A32_MOV, false, A32_SP, 0, a32_r(A32_FP));
  a32_pop(b, A32_AL, 1u << A32_FP | 1u << A32_PC);
  fn_i_ii f = FN(fn_i_ii, jit(t));
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
    for (size_t j = 0; j < sizeof vals / sizeof vals[0]; j++) {
      uint32_t a = vals[i], c = vals[j];
      uint32_t expect = a - c + (uint32_t)(int32_t)(int8_t)(a & 0xff) +
                        (uint32_t)(int32_t)(int16_t)(c & 0xffff) + (c & 0xff);
      assert_int_equal((uint32_t)f((int32_t)a, (int32_t)c), expect);
    }
}

/* ---- VFP ------------------------------------------------------------------ */

static void test_vfp_f64(void **state) {
  T *t = *state;
  a32_buf *b = t->b;
  /* out[0..6] = a+b, a-b, a*b, a/b, sqrt(a), -a, |b|; in = {a, b} */
  a32_vldr(b, A32_AL, true, 0, A32_R1, 0);
  a32_vldr(b, A32_AL, true, 1, A32_R1, 8);
  static const a32_vfp_op bin[] = {A32_VADD, A32_VSUB, A32_VMUL, A32_VDIV};
  for (unsigned k = 0; k < 4; k++) {
    a32_vfp(b, A32_AL, bin[k], true, 2, 0, 1);
    a32_vstr(b, A32_AL, true, 2, A32_R0, (int32_t)(8 * k));
  }
  a32_vfp(b, A32_AL, A32_VSQRT, true, 3, 0, 0); a32_vstr(b, A32_AL, true, 3, A32_R0, 32);
  a32_vfp(b, A32_AL, A32_VNEG, true, 4, 0, 0);  a32_vstr(b, A32_AL, true, 4, A32_R0, 40);
  a32_vfp(b, A32_AL, A32_VABS, true, 5, 0, 1);  a32_vstr(b, A32_AL, true, 5, A32_R0, 48);
  ret(t);
  fn_v_pp f = FN(fn_v_pp, jit(t));
  static const double in[][2] = {{1.5, 2.25}, {-3.0, 7.0}, {2.0, -0.0}, {1e300, 1e-300},
                                 {0.1, 0.2},  {-1.0, 3.0}, {INFINITY, -INFINITY}};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    double a = in[i][0], c = in[i][1], out[7];
    volatile double va = a, vc = c; /* no constant folding in the oracle */
    double expect[7] = {va + vc, va - vc, va * vc, va / vc, sqrt(va), -va, fabs(vc)};
    f(out, in[i]);
    for (int k = 0; k < 7; k++) {
      if (isnan(expect[k])) { assert_true(isnan(out[k])); continue; }
      if (memcmp(&out[k], &expect[k], 8))
        fail_msg("f64 case %zu op %d: got %a expected %a", i, k, out[k], expect[k]);
    }
  }
}

static void test_vfp_f32(void **state) {
  T *t = *state;
  a32_buf *b = t->b;
  /* the same in single precision: s0 = a, s1 = b */
  a32_vldr(b, A32_AL, false, 0, A32_R1, 0);
  a32_vldr(b, A32_AL, false, 1, A32_R1, 4);
  static const a32_vfp_op bin[] = {A32_VADD, A32_VSUB, A32_VMUL, A32_VDIV};
  for (unsigned k = 0; k < 4; k++) {
    a32_vfp(b, A32_AL, bin[k], false, 2 + k, 0, 1);
    a32_vstr(b, A32_AL, false, 2 + k, A32_R0, (int32_t)(4 * k));
  }
  a32_vfp(b, A32_AL, A32_VSQRT, false, 17, 0, 0); a32_vstr(b, A32_AL, false, 17, A32_R0, 16);
  a32_vfp(b, A32_AL, A32_VNEG, false, 30, 0, 0);  a32_vstr(b, A32_AL, false, 30, A32_R0, 20);
  a32_vfp(b, A32_AL, A32_VABS, false, 31, 0, 1);  a32_vstr(b, A32_AL, false, 31, A32_R0, 24);
  ret(t);
  fn_v_pp f = FN(fn_v_pp, jit(t));
  static const float in[][2] = {{1.5f, 2.25f}, {-3.0f, 7.0f}, {0.1f, 0.2f}, {3e38f, 10.0f},
                                {2.0f, -0.0f}};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    float out[7];
    volatile float va = in[i][0], vc = in[i][1];
    float expect[7] = {va + vc, va - vc, va * vc, va / vc, sqrtf(va), -va, fabsf(vc)};
    f(out, in[i]);
    for (int k = 0; k < 7; k++)
      if (memcmp(&out[k], &expect[k], 4))
        fail_msg("f32 case %zu op %d: got %a expected %a", i, k, out[k], expect[k]);
  }
}

typedef struct {
  int32_t i;
  uint32_t u;
  double d;
  float f;
  int32_t pad;
} cvt_in;
typedef struct {
  double d_of_i, d_of_u, d_of_f;
  int32_t i_of_d;
  uint32_t u_of_d;
  float f_of_i, f_of_d;
  int32_t i_of_f;
  int32_t pad;
} cvt_out;

static void test_vcvt(void **state) {
  T *t = *state;
  a32_buf *b = t->b;
#define OFF(s, m) (int32_t) offsetof(s, m)
  a32_vldr(b, A32_AL, false, 0, A32_R1, OFF(cvt_in, i));
  a32_vcvt(b, A32_AL, A32_CVT_F64_S32, 1, 0);
  a32_vstr(b, A32_AL, true, 1, A32_R0, OFF(cvt_out, d_of_i));
  a32_vcvt(b, A32_AL, A32_CVT_F32_S32, 2, 0);
  a32_vstr(b, A32_AL, false, 2, A32_R0, OFF(cvt_out, f_of_i));
  a32_vldr(b, A32_AL, false, 3, A32_R1, OFF(cvt_in, u));
  a32_vcvt(b, A32_AL, A32_CVT_F64_U32, 2, 3);
  a32_vstr(b, A32_AL, true, 2, A32_R0, OFF(cvt_out, d_of_u));
  a32_vldr(b, A32_AL, true, 3, A32_R1, OFF(cvt_in, d));
  a32_vcvt(b, A32_AL, A32_CVT_S32_F64, 9, 3);
  a32_vstr(b, A32_AL, false, 9, A32_R0, OFF(cvt_out, i_of_d));
  a32_vcvt(b, A32_AL, A32_CVT_U32_F64, 9, 3);
  a32_vstr(b, A32_AL, false, 9, A32_R0, OFF(cvt_out, u_of_d));
  a32_vcvt(b, A32_AL, A32_CVT_F32_F64, 9, 3);
  a32_vstr(b, A32_AL, false, 9, A32_R0, OFF(cvt_out, f_of_d));
  a32_vldr(b, A32_AL, false, 10, A32_R1, OFF(cvt_in, f));
  a32_vcvt(b, A32_AL, A32_CVT_F64_F32, 6, 10);
  a32_vstr(b, A32_AL, true, 6, A32_R0, OFF(cvt_out, d_of_f));
  a32_vcvt(b, A32_AL, A32_CVT_S32_F32, 11, 10);
  a32_vstr(b, A32_AL, false, 11, A32_R0, OFF(cvt_out, i_of_f));
  ret(t);
  fn_v_pp f = FN(fn_v_pp, jit(t));
  static const cvt_in ins[] = {{0, 0, 0.0, 0.0f, 0},
                               {-7, 7, -2.75, 2.75f, 0},
                               {123456789, 4000000000u, 3.999, -3.999f, 0},
                               {INT32_MIN, 0xffffffffu, 1e9, 1.5e9f, 0},
                               {16777217, 16777217, 0.1, 0.1f, 0}};
  for (size_t k = 0; k < sizeof ins / sizeof ins[0]; k++) {
    const cvt_in *in = &ins[k];
    cvt_out o;
    memset(&o, 0, sizeof o);
    f(&o, in);
    volatile cvt_in v = *in;
    assert_true(o.d_of_i == (double)v.i);
    assert_true(o.d_of_u == (double)v.u);
    assert_true(o.f_of_i == (float)v.i);  /* rounds to nearest */
    assert_true(o.d_of_f == (double)v.f);
    assert_true(o.f_of_d == (float)v.d);
    assert_int_equal(o.i_of_d, (int32_t)v.d); /* truncates */
    assert_int_equal(o.i_of_f, (int32_t)v.f);
    if (v.d >= 0) assert_int_equal(o.u_of_d, (uint32_t)v.d);
    else assert_int_equal(o.u_of_d, 0); /* VCVT saturates, C is undefined */
  }
}

static void test_vcmp_conditional(void **state) {
  T *t = *state;
  a32_buf *b = t->b;
  /* cmp(a, b): 1 if a > b, -1 if a < b, 0 if equal, 2 if unordered */
  a32_vldr(b, A32_AL, true, 0, A32_R0, 0);
  a32_vldr(b, A32_AL, true, 1, A32_R1, 0);
  a32_vfp(b, A32_AL, A32_VCMP, true, 0, 0, 1);
  a32_vmrs_apsr(b, A32_AL);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  a32_dp(b, A32_GT, A32_MOV, false, A32_R0, 0, a32_imm(1));
  a32_dp(b, A32_MI, A32_MVN, false, A32_R0, 0, a32_imm(0));
  a32_dp(b, A32_VS, A32_MOV, false, A32_R0, 0, a32_imm(2));
  ret(t);
  fn_i_pp cmp = FN(fn_i_pp, jit(t));
  /* is_neg(a): a < 0.0 via VCMP #0 in single precision */
  a32_vldr(b = t->b, A32_AL, false, 5, A32_R0, 0);
  a32_vcmp_zero(b, A32_AL, false, false, 5);
  a32_vmrs_apsr(b, A32_AL);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  a32_dp(b, A32_LT, A32_MOV, false, A32_R0, 0, a32_imm(1)); /* LT is also unordered */
  a32_dp(b, A32_VS, A32_MOV, false, A32_R0, 0, a32_imm(0));
  ret(t);
  fn_i_pp is_neg = FN(fn_i_pp, jit(t));
  static const double xs[] = {-1.0, 0.0, -0.0, 1.0, 2.5, NAN, INFINITY, -INFINITY};
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    for (size_t j = 0; j < sizeof xs / sizeof xs[0]; j++) {
      double a = xs[i], c = xs[j];
      int expect = a > c ? 1 : a < c ? -1 : a == c ? 0 : 2;
      assert_int_equal(cmp(&a, &c), expect);
    }
    float f = (float)xs[i];
    assert_int_equal(is_neg(&f, NULL), f < 0.0f);
  }
}

/* A double passed and returned the way this build's ABI says: d0/d1 under
 * hard-float, r0:r1 / r2:r3 under soft-float. */
typedef double (*fn_d_dd)(double, double);
static void test_double_native_abi(void **state) {
  T *t = *state;
  a32_buf *b = t->b;
#if defined(__ARM_PCS_VFP)
  assert_int_equal(armjit_ctx_abi(t->ctx), ARMJIT_ABI_HARD);
  print_message("double ABI: hard-float (d0, d1 -> d0)\n");
#else
  assert_int_equal(armjit_ctx_abi(t->ctx), ARMJIT_ABI_SOFT);
  print_message("double ABI: soft-float (r0:r1, r2:r3 -> r0:r1)\n");
  a32_vmov_core_to_d(b, A32_AL, 0, A32_R0, A32_R1);
  a32_vmov_core_to_d(b, A32_AL, 1, A32_R2, A32_R3);
#endif
  /* f(a, b) = a * b + a */
  a32_vfp(b, A32_AL, A32_VMUL, true, 2, 0, 1);
  a32_vfp(b, A32_AL, A32_VADD, true, 0, 2, 0);
#if !defined(__ARM_PCS_VFP)
  a32_vmov_d_to_core(b, A32_AL, A32_R0, A32_R1, 0);
#endif
  ret(t);
  fn_d_dd f = FN(fn_d_dd, jit(t));
  static const double in[][2] = {{1.5, 2.0}, {-0.1, 3.3}, {1e10, 1e-10}};
  for (size_t i = 0; i < 3; i++) {
    volatile double a = in[i][0], c = in[i][1];
    double prod = a * c; /* separate statement: no fused multiply-add */
    double expect = prod + a;
    double got = f(a, c);
    assert_memory_equal(&got, &expect, sizeof got);
  }
}

/* ---- atomics ---------------------------------------------------------------- */

typedef int32_t (*fn_i_p)(int32_t *);
typedef struct {
  fn_i_p inc;
  int32_t *counter;
  int n;
} inc_job;

static void *inc_thread(void *arg) {
  inc_job *j = arg;
  for (int i = 0; i < j->n; i++) j->inc(j->counter);
  return NULL;
}

static void test_ldrex_strex(void **state) {
  T *t = *state;
  a32_buf *b = t->b;
  /* atomic ++*p, returns the new value */
  a32_label again = a32_label_new(b);
  a32_dmb(b, 11);
  a32_label_bind(b, again);
  a32_ldrex(b, A32_AL, A32_R1, A32_R0);
  a32_dp(b, A32_AL, A32_ADD, false, A32_R1, A32_R1, a32_imm(1));
  a32_strex(b, A32_AL, A32_R2, A32_R1, A32_R0);
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R2, a32_imm(0));
  a32_b(b, A32_NE, again);
  a32_dmb(b, 11);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R1));
  ret(t);
  fn_i_p inc = FN(fn_i_p, jit(t));
  int32_t counter = 41;
  assert_int_equal(inc(&counter), 42);
  assert_int_equal(counter, 42);
  /* Two threads racing: no increment may be lost. */
  counter = 0;
  inc_job j = {inc, &counter, 20000};
  pthread_t th[2];
  for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&th[i], NULL, inc_thread, &j), 0);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  assert_int_equal(counter, 2 * j.n);
}

/* ---- NEON -------------------------------------------------------------------- */

static void test_neon_i64(void **state) {
  T *t = *state;
  if (!(armjit_ctx_features(t->ctx) & A32_FEAT_NEON)) {
    print_message("NEON: not available on this CPU; skipped\n");
    skip();
  }
  print_message("NEON: available; vadd.i64/vsub.i64/veor tested\n");
  a32_buf *b = t->b;
  a32_vldr(b, A32_AL, true, 0, A32_R1, 0);
  a32_vldr(b, A32_AL, true, 1, A32_R1, 8);
  a32_neon3(b, A32_NADD_I64, 2, 0, 1);
  a32_vstr(b, A32_AL, true, 2, A32_R0, 0);
  a32_neon3(b, A32_NSUB_I64, 3, 0, 1);
  a32_vstr(b, A32_AL, true, 3, A32_R0, 8);
  a32_neon3(b, A32_NEOR, 4, 0, 1);
  a32_vstr(b, A32_AL, true, 4, A32_R0, 16);
  ret(t);
  fn_v_pp f = FN(fn_v_pp, jit(t));
  static const uint64_t in[][2] = {{1, 2},
                                   {0xffffffffu, 1},  /* carry across the halves */
                                   {0, 1},            /* borrow across the halves */
                                   {0xffffffffffffffffull, 0xffffffffffffffffull},
                                   {0x123456789abcdef0ull, 0x0fedcba987654321ull}};
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    uint64_t out[3];
    f(out, in[i]);
    assert_true(out[0] == in[i][0] + in[i][1]);
    assert_true(out[1] == in[i][0] - in[i][1]);
    assert_true(out[2] == (in[i][0] ^ in[i][1]));
  }
}

/* ---- patching ---------------------------------------------------------------- */

static void test_patch(void **state) {
  T *t = *state;
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(1));
  ret(t);
  fn_u_v f = FN(fn_u_v, jit(t));
  armjit_code *code = t->codes[t->ncodes - 1];
  assert_int_equal(f(), 1);
  /* The new word comes from the assembler too. */
  a32_buf *nb = a32_buf_new(0, 0);
  a32_dp(nb, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(2));
  uint32_t w = a32_buf_word(nb, 0);
  a32_buf_free(nb);
  armjit_error err;
  assert_int_equal(armjit_code_patch(code, 0, &w, 1, &err), ARMJIT_OK);
  assert_int_equal(f(), 2);
  /* out of bounds and misaligned patches are refused, code unchanged */
  assert_int_equal(armjit_code_patch(code, 8, &w, 1, &err), ARMJIT_E_ARG);
  assert_true(err.msg[0] != 0);
  assert_int_equal(armjit_code_patch(code, 2, &w, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(f(), 2);
}

/* ---- callee-saved registers ----------------------------------------------- */

static void test_callee_saved(void **state) {
  T *t = *state;
  armjit_error err;
  armjit_code *h = ajt_sentinel_harness(t->ctx, &err);
  if (!h) fail_msg("harness: %s", err.msg);
  t->codes[t->ncodes++] = h;
  ajt_sentinel_fn harness = ajt_sentinel_entry(h);
  a32_buf *b = t->b;

  /* Good: uses r4-r11 and d8-d9, saving them.  f(a, b) = a + 2*b */
  a32_push(b, A32_AL, 0x4ff0 | 1u << A32_IP);  /* r4-r11, ip, lr: 8-byte aligned */
  a32_vpush(b, A32_AL, 8, 2);
  for (unsigned r = 4; r <= 11; r++) a32_dp(b, A32_AL, A32_MOV, false, (a32_reg)r, 0, a32_r(A32_R1));
  a32_vmov_core_to_d(b, A32_AL, 8, A32_R0, A32_R1);
  a32_vmov_core_to_d(b, A32_AL, 9, A32_R1, A32_R0);
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R4));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R11));
  a32_vpop(b, A32_AL, 8, 2);
  a32_pop(b, A32_AL, 0x8ff0 | 1u << A32_IP);
  const void *good = jit(t);
  uint32_t io[2] = {5, 100};
  assert_int_equal(harness(good, io), 0);
  assert_int_equal(io[0], 205);

  /* Bad ones: the harness must notice (so a passing check means something). */
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R7, 0, a32_imm(0)); ret(t);
  const void *bad_r7 = jit(t);
  io[0] = 1;
  assert_int_equal(harness(bad_r7, io), 1u << 7);
  a32_vmov_core_to_d(t->b, A32_AL, 13, A32_R0, A32_R0); ret(t);
  const void *bad_d13 = jit(t);
  assert_int_equal(harness(bad_d13, io), AJT_SENTINEL_D(13));
}

/* ---- symbols: two code objects linked against each other ---------------- */

static const uint32_t sym_table[2] = {1000, 20000};

typedef struct {
  uint32_t f, tab;
  unsigned calls;
} link_syms;

static bool resolve_link_syms(void *ud, a32_sym sym, const char *name, uint32_t *addr) {
  link_syms *l = ud;
  (void)sym;
  l->calls++;
  if (strcmp(name, "f") == 0 && l->f) *addr = l->f;
  else if (strcmp(name, "tab") == 0 && l->tab) *addr = l->tab;
  else return false;
  return true;
}

/* g(x) calls into another code object by symbol (BL, BL+8, BLNE), loads
 * tab[1] by MOVW/MOVT tab+4 and tab[0] through a .word tab literal, and
 * tail-calls f by B.  With f(x) = x + 3 at f and x + 100 at f + 8:
 *   y = (f+8)(f(x)); if (y != 0) y = f(y); return f(y + tab[1] + tab[0]) */
static void emit_g(a32_buf *b) {
  a32_sym f = a32_sym_new(b, "f"), tab = a32_sym_new(b, "tab");
  a32_push(b, A32_AL, 1u << A32_R4 | 1u << A32_LR);
  a32_bl_sym(b, A32_AL, f, 0);                     /* bl   f             R_ARM_CALL   */
  a32_bl_sym(b, A32_AL, f, 8);                     /* bl   f+8                        */
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  a32_bl_sym(b, A32_NE, f, 0);                     /* blne f             R_ARM_JUMP24 */
  a32_mov_sym_abs(b, A32_AL, A32_R1, tab, 4);      /* movw/movt r1, tab+4             */
  a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_imm(A32_R1, 0));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R1));
  size_t ldr_at = a32_buf_size(b);                 /* ldr r2, lit  (pc + 8 + 12)      */
  a32_ldst(b, A32_AL, A32_LDR, A32_R2, a32_mem_imm(A32_PC, 12));
  a32_ldst(b, A32_AL, A32_LDR, A32_R2, a32_mem_imm(A32_R2, 0));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R2));
  a32_pop(b, A32_AL, 1u << A32_R4 | 1u << A32_LR);
  a32_b_sym(b, A32_AL, f, 0);                      /* b    f  (tail call) R_ARM_JUMP24 */
  assert_int_equal(a32_buf_size(b), ldr_at + 20);
  a32_word_sym(b, tab, 0);                         /* lit: .word tab     R_ARM_ABS32  */
}

static int32_t g_ref(int32_t x) {
  int32_t r = x + 3 + 100;
  if (r != 0) r += 3;
  return r + (int32_t)sym_table[1] + (int32_t)sym_table[0] + 3;
}

static void test_link_symbols(void **state) {
  T *t = *state;
  a32_dp(t->b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_imm(3));
  ret(t);
  a32_dp(t->b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_imm(100));
  ret(t);
  void *f = jit(t);

  a32_buf *b = armjit_buf_new(t->ctx, 0, 0);
  assert_non_null(b);
  emit_g(b);
  assert_int_equal(a32_buf_status(b), A32_OK);
  assert_int_equal(a32_buf_nrelocs(b), 7);

  /* Unresolved: the code object is refused and the symbol named. */
  armjit_error err;
  link_syms l = {(uint32_t)(uintptr_t)f, 0, 0};
  assert_null(armjit_code_new_with(t->ctx, b, resolve_link_syms, &l, &err));
  assert_int_equal(err.code, ARMJIT_E_ASM);
  assert_non_null(strstr(err.msg, "'tab'"));
  a32_buf_clear_error(b);

  /* Through the resolver. */
  l.tab = (uint32_t)(uintptr_t)sym_table;
  l.calls = 0;
  armjit_code *c = armjit_code_new_with(t->ctx, b, resolve_link_syms, &l, &err);
  if (!c) fail_msg("%s", err.msg);
  assert_int_equal(l.calls, 2);
  fn_i_i g = FN(fn_i_i, armjit_code_entry(c));
  static const int32_t xs[] = {0, 5, -106, -103, 1 << 20, -(1 << 20)};
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
    assert_int_equal(g(xs[i]), g_ref(xs[i]));
  armjit_code_free(c);

  /* Through the context's symbol table (the default), same buffer linked
   * again at another address. */
  assert_int_equal(armjit_ctx_add_symbol(t->ctx, "f", (uintptr_t)f), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(t->ctx, "tab", (uintptr_t)sym_table), ARMJIT_OK);
  c = armjit_code_new(t->ctx, b, &err);
  if (!c) fail_msg("%s", err.msg);
  g = FN(fn_i_i, armjit_code_entry(c));
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
    assert_int_equal(g(xs[i]), g_ref(xs[i]));
  armjit_code_free(c);
  a32_buf_free(b);
}

/* ---- media, status register, multiply-accumulate, VLD1/VST1 -------------- */

static uint32_t bswap_ref(uint32_t x) {
  return x >> 24 | (x >> 8 & 0xff00u) | (x << 8 & 0xff0000u) | x << 24;
}
static uint32_t rbit_ref(uint32_t x) {
  uint32_t r = 0;
  for (int i = 0; i < 32; i++) r |= ((x >> i) & 1u) << (31 - i);
  return r;
}

static void test_media(void **state) {
  T *t = *state;
  static const uint32_t xs[] = {0, 1, 0x80, 0xff, 0x8000, 0x12345678u, 0x89abcdefu,
                                0xffffffffu, 0x7fffffffu, 0x00ff8001u};
  /* r0 = uxtab(r1, r0 ror 8) */
  a32_extend(t->b, A32_AL, A32_UXTAB, A32_R0, A32_R1, A32_R0, 8); ret(t);
  fn_i_ii uxtab = FN(fn_i_ii, jit(t));
  a32_extend(t->b, A32_AL, A32_SXTH, A32_R0, 0, A32_R0, 16); ret(t);
  fn_i_i sxth16 = FN(fn_i_i, jit(t));
  a32_rev(t->b, A32_AL, A32_REV, A32_R0, A32_R0); ret(t);
  fn_i_i rev = FN(fn_i_i, jit(t));
  a32_rev(t->b, A32_AL, A32_REVSH, A32_R0, A32_R0); ret(t);
  fn_i_i revsh = FN(fn_i_i, jit(t));
  a32_rev(t->b, A32_AL, A32_RBIT, A32_R0, A32_R0); ret(t);
  fn_i_i rbit = FN(fn_i_i, jit(t));
  a32_bitfield(t->b, A32_AL, A32_SBFX, A32_R0, A32_R0, 4, 9); ret(t);
  fn_i_i sbfx = FN(fn_i_i, jit(t));
  a32_bitfield(t->b, A32_AL, A32_UBFX, A32_R0, A32_R0, 31, 1); ret(t);
  fn_i_i ubfx = FN(fn_i_i, jit(t));
  /* r0 = bfi(r0, r1, 8, 12) then bfc(r0, 0, 4) */
  a32_bitfield(t->b, A32_AL, A32_BFI, A32_R0, A32_R1, 8, 12);
  a32_bitfield(t->b, A32_AL, A32_BFC, A32_R0, 0, 0, 4); ret(t);
  fn_i_ii bfi = FN(fn_i_ii, jit(t));
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    uint32_t x = xs[i], y = xs[(i + 3) % (sizeof xs / sizeof xs[0])];
    assert_int_equal((uint32_t)uxtab((int32_t)x, (int32_t)y), y + ((x >> 8) & 0xffu));
    assert_int_equal(sxth16((int32_t)x), (int32_t)(int16_t)(x >> 16));
    assert_int_equal((uint32_t)rev((int32_t)x), bswap_ref(x));
    assert_int_equal(revsh((int32_t)x), (int32_t)(int16_t)((x & 0xffu) << 8 | (x >> 8 & 0xffu)));
    assert_int_equal((uint32_t)rbit((int32_t)x), rbit_ref(x));
    assert_int_equal(sbfx((int32_t)x), ((int32_t)(x << 19)) >> 23);
    assert_int_equal(ubfx((int32_t)x), (int32_t)(x >> 31));
    uint32_t want = ((x & ~0x000fff00u) | ((y & 0xfffu) << 8)) & ~0xfu;
    assert_int_equal((uint32_t)bfi((int32_t)x, (int32_t)y), want);
  }
}

/* MSR APSR_nzcvq then MRS: the flags read back and steer a condition. */
static void test_msr_mrs(void **state) {
  T *t = *state;
  a32_msr(t->b, A32_AL, A32_CPSR, A32_APSR_NZCVQ, A32_R0);
  a32_mrs(t->b, A32_AL, A32_R1, A32_CPSR);
  a32_dp(t->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  a32_dp(t->b, A32_EQ, A32_ORR, false, A32_R0, A32_R0, a32_imm(1)); /* Z */
  a32_dp(t->b, A32_MI, A32_ORR, false, A32_R0, A32_R0, a32_imm(2)); /* N */
  a32_bitfield(t->b, A32_AL, A32_UBFX, A32_R1, A32_R1, 28, 4);
  a32_dp(t->b, A32_AL, A32_ORR, false, A32_R0, A32_R0, a32_rsi(A32_R1, A32_LSL, 4));
  ret(t);
  fn_i_i f = FN(fn_i_i, jit(t));
  for (uint32_t nzcv = 0; nzcv < 16; nzcv++) {
    uint32_t got = (uint32_t)f((int32_t)(nzcv << 28));
    assert_int_equal(got >> 4, nzcv);
    assert_int_equal(got & 1u, (nzcv >> 2) & 1u);
    assert_int_equal((got >> 1) & 1u, nzcv >> 3);
  }
}

/* dst[i] = a[i] * b[i] + dst[i] as doubles (VMLA), and VNMUL; through
 * VLD1/VST1 of two d registers with writeback. */
typedef void (*fn_v_ppp)(double *, const double *, const double *);
static void test_vmla_vld1(void **state) {
  T *t = *state;
  if (!(armjit_ctx_features(t->ctx) & A32_FEAT_NEON)) skip();
  a32_buf *b = t->b;
  a32_vld1(b, 64, 0, 2, A32_R0, 0, A32_PC);  /* d0, d1 = dst[0..1] */
  a32_vld1(b, 64, 2, 2, A32_R1, 0, A32_SP);  /* d2, d3 = a[0..1], r1 += 16 */
  a32_vld1(b, 64, 4, 2, A32_R2, 0, A32_PC);  /* d4, d5 = b[0..1] */
  a32_vfp(b, A32_AL, A32_VMLA, true, 0, 2, 4);
  a32_vfp(b, A32_AL, A32_VMLA, true, 1, 3, 5);
  a32_vfp(b, A32_AL, A32_VNMUL, true, 6, 2, 4);
  a32_vst1(b, 64, 0, 2, A32_R0, 0, A32_PC);
  a32_vldr(b, A32_AL, true, 7, A32_R1, -16); /* r1 moved by the writeback */
  a32_vfp(b, A32_AL, A32_VSUB, true, 6, 6, 7);
  a32_vstr(b, A32_AL, true, 6, A32_R2, 16);  /* b[2] = -(a0*b0) - a[0] */
  ret(t);
  fn_v_ppp f = FN(fn_v_ppp, jit(t));
  double dst[2] = {1.5, -2.0}, a[2] = {3.0, 0.25}, bb[3] = {-4.0, 8.0, 0};
  f(dst, a, bb);
  assert_true(dst[0] == 1.5 + 3.0 * -4.0);
  assert_true(dst[1] == -2.0 + 0.25 * 8.0);
  assert_true(bb[2] == -(3.0 * -4.0) - 3.0);
}

int main(void) {
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T_(test_mov_imm32),         T_(test_mov_forms),
      T_(test_shifted_operands),  T_(test_register_shifted_operands),
      T_(test_conditional_execution), T_(test_loop_sum),
      T_(test_far_branches_4k),   T_(test_far_branches_1m),
      T_(test_call_c_function),   T_(test_division),
      T_(test_idiv_refused_without_feature), T_(test_fp_frame),
      T_(test_vfp_f64),           T_(test_vfp_f32),
      T_(test_vcvt),              T_(test_vcmp_conditional),
      T_(test_double_native_abi), T_(test_ldrex_strex),
      T_(test_neon_i64),          T_(test_patch),
      T_(test_callee_saved),      T_(test_link_symbols),
      T_(test_media),             T_(test_msr_mrs),
      T_(test_vmla_vld1),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
