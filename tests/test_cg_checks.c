/* SPDX-License-Identifier: MIT */
/* The code generator's own checks (src/cg/cg_op.c, cg_cold.c):
 *   - which A32 instructions write the condition flags, over every
 *     instruction class the code generator emits plus the system ones;
 *   - the flags invariant (nothing between a compare and the branch
 *     reading it sets the flags) trips on a flag-setting instruction and
 *     not on the move / spill / constant paths;
 *   - the per-op protocol trips on an operand read after the result;
 *   - a guard branching on flags nothing set is refused;
 *   - cold code is placed after the loop body and listed as such.
 * The tripping checks exist in debug builds only (no NDEBUG). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/cg_internal.h"
#include "ir_support.h"

/* ---- the flag-setting classifier ------------------------------------------- */
typedef struct {
  const char *what;
  bool sets;
} insn_case;

/* Emits the instructions in the order of `cases`. */
static const insn_case cases[] = {
    {"adds r0, r1, #1", true},        {"add r0, r1, #1", false},
    {"subs r0, r1, r2", true},        {"sub r0, r1, r2, lsl #3", false},
    {"rsbs r0, r1, #0", true},        {"rsb r0, r1, #0", false},
    {"cmp r0, #0", true},             {"cmn r0, #5", true},
    {"tst r0, r1", true},             {"teq r0, r1", true},
    {"movs r0, r1", true},            {"mov r0, r1", false},
    {"mvn r0, #0", false},            {"bic r0, r1, r1, asr #31", false},
    {"lsls r0, r1, #2", true},        {"lsl r0, r1, r2", false},
    {"ands r0, r1, r2, lsl r3", true},
    {"movw ip, #0x1234", false},      {"movt ip, #0x5678", false},
    {"mul r0, r1, r2", false},        {"muls r0, r1, r2", true},
    {"mls r0, r1, r2, r3", false},    {"smull r0, r1, r2, r3", false},
    {"smulls r0, r1, r2, r3", true},  {"mla r0, r1, r2, r3", false},
    {"sdiv r0, r1, r2", false},       {"clz r0, r1", false},
    {"ldr r0, [fp, #-4]", false},     {"str r0, [fp, #-4]", false},
    {"ldr r0, [r1, -ip]", false},     {"ldrb r0, [r1, #3]", false},
    {"ldrh r0, [r1, #2]", false},     {"ldrsh r0, [r1, r2]", false},
    {"ldrsb r0, [r1, #1]", false},    {"strh r0, [r1, #2]", false},
    {"push {r4}", false},             {"pop {r4}", false},
    {"ldrex r0, [r1]", false},        {"strex r2, r0, [r1]", false},
    {"vldr d1, [pc, #16]", false},    {"vstr d15, [fp, #-8]", false},
    {"vadd.f64 d0, d1, d2", false},   {"vcmp.f64 d0, d1", false},
    {"vcmp.f64 d0, #0", false},       {"vmov d15, ip, lr", false},
    {"vmov r0, s30", false},          {"vcvt.s32.f64 s30, d1", false},
    {"vmrs APSR_nzcv, fpscr", true},  {"b .", false},
    {"bne .", false},                 {"blx ip", false},
    {"bx lr", false},                 {"nop", false},
    {"dmb ish", false},
    /* raw encodings (ARM DDI 0406C) */
    {"msr APSR_nzcvq, r0", true},     {"msr CPSR_c, r0", false},
    {"msr APSR_nzcvq, #0xf0000000", true},
    {"mrs r0, APSR", false},          {"msr SPSR_f, r0", false},
    {"qadd r0, r1, r2", false},       {"smlabb r0, r1, r2, r3", false},
    {"mrc p15, 0, APSR_nzcv, c0, c0, 0", true},
    {"mrc p15, 0, r0, c13, c0, 3", false},
    {"ldrd r0, r1, [r2]", false},     {"strd r0, r1, [r2]", false},
    {"svc #0", false},
};

static void emit_cases(a32_buf *b) {
  a32_label here = a32_label_new(b);
  a32_label_bind(b, here);
  a32_dp(b, A32_AL, A32_ADD, true, A32_R0, A32_R1, a32_imm(1));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_imm(1));
  a32_dp(b, A32_AL, A32_SUB, true, A32_R0, A32_R1, a32_r(A32_R2));
  a32_dp(b, A32_AL, A32_SUB, false, A32_R0, A32_R1, a32_rsi(A32_R2, A32_LSL, 3));
  a32_dp(b, A32_AL, A32_RSB, true, A32_R0, A32_R1, a32_imm(0));
  a32_dp(b, A32_AL, A32_RSB, false, A32_R0, A32_R1, a32_imm(0));
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  a32_dp(b, A32_AL, A32_CMN, true, 0, A32_R0, a32_imm(5));
  a32_dp(b, A32_AL, A32_TST, true, 0, A32_R0, a32_r(A32_R1));
  a32_dp(b, A32_AL, A32_TEQ, true, 0, A32_R0, a32_r(A32_R1));
  a32_dp(b, A32_AL, A32_MOV, true, A32_R0, 0, a32_r(A32_R1));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R1));
  a32_dp(b, A32_AL, A32_MVN, false, A32_R0, 0, a32_imm(0));
  a32_dp(b, A32_AL, A32_BIC, false, A32_R0, A32_R1, a32_rsi(A32_R1, A32_ASR, 31));
  a32_shift_imm(b, A32_AL, A32_LSL, true, A32_R0, A32_R1, 2);
  a32_shift_reg(b, A32_AL, A32_LSL, false, A32_R0, A32_R1, A32_R2);
  a32_dp(b, A32_AL, A32_AND, true, A32_R0, A32_R1, a32_rsr(A32_R2, A32_LSL, A32_R3));
  a32_movw(b, A32_AL, A32_IP, 0x1234);
  a32_movt(b, A32_AL, A32_IP, 0x5678);
  a32_mul(b, A32_AL, A32_MUL, false, A32_R0, A32_R1, A32_R2, 0);
  a32_mul(b, A32_AL, A32_MUL, true, A32_R0, A32_R1, A32_R2, 0);
  a32_mul(b, A32_AL, A32_MLS, false, A32_R0, A32_R1, A32_R2, A32_R3);
  a32_mul(b, A32_AL, A32_SMULL, false, A32_R0, A32_R2, A32_R3, A32_R1);
  a32_mul(b, A32_AL, A32_SMULL, true, A32_R0, A32_R2, A32_R3, A32_R1);
  a32_mul(b, A32_AL, A32_MLA, false, A32_R0, A32_R1, A32_R2, A32_R3);
  a32_sdiv(b, A32_AL, A32_R0, A32_R1, A32_R2);
  a32_clz(b, A32_AL, A32_R0, A32_R1);
  a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_FP, -4));
  a32_ldst(b, A32_AL, A32_STR, A32_R0, a32_mem_imm(A32_FP, -4));
  a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_reg(A32_R1, A32_IP, true, A32_LSL, 0, A32_IDX_OFFSET));
  a32_ldst(b, A32_AL, A32_LDRB, A32_R0, a32_mem_imm(A32_R1, 3));
  a32_ldst(b, A32_AL, A32_LDRH, A32_R0, a32_mem_imm(A32_R1, 2));
  a32_ldst(b, A32_AL, A32_LDRSH, A32_R0, a32_mem_reg(A32_R1, A32_R2, false, A32_LSL, 0, A32_IDX_OFFSET));
  a32_ldst(b, A32_AL, A32_LDRSB, A32_R0, a32_mem_imm(A32_R1, 1));
  a32_ldst(b, A32_AL, A32_STRH, A32_R0, a32_mem_imm(A32_R1, 2));
  a32_push(b, A32_AL, 1u << 4);
  a32_pop(b, A32_AL, 1u << 4);
  a32_ldrex(b, A32_AL, A32_R0, A32_R1);
  a32_strex(b, A32_AL, A32_R2, A32_R0, A32_R1);
  a32_vldr(b, A32_AL, true, 1, A32_PC, 16);
  a32_vstr(b, A32_AL, true, 15, A32_FP, -8);
  a32_vfp(b, A32_AL, A32_VADD, true, 0, 1, 2);
  a32_vfp(b, A32_AL, A32_VCMP, true, 0, 0, 1);
  a32_vcmp_zero(b, A32_AL, false, true, 0);
  a32_vmov_core_to_d(b, A32_AL, 15, A32_IP, A32_LR);
  a32_vmov_s_to_core(b, A32_AL, A32_R0, 30);
  a32_vcvt(b, A32_AL, A32_CVT_S32_F64, 30, 1);
  a32_vmrs_apsr(b, A32_AL);
  a32_b(b, A32_AL, here);
  a32_b(b, A32_NE, here);
  a32_blx(b, A32_AL, A32_IP);
  a32_bx(b, A32_AL, A32_LR);
  a32_nop(b, A32_AL);
  a32_dmb(b, 0xb);
  a32_word(b, 0xE128F000u); /* A8.8.112 MSR APSR_nzcvq, r0 (mask 0b10) */
  a32_word(b, 0xE121F000u); /* MSR CPSR_c, r0 (mask 0b0001, system level) */
  a32_word(b, 0xE328F20Fu); /* A8.8.111 MSR APSR_nzcvq, #0xf0000000 */
  a32_word(b, 0xE10F0000u); /* A8.8.109 MRS r0, APSR */
  a32_word(b, 0xE168F000u); /* B9.3.12 MSR SPSR_f, r0 */
  a32_word(b, 0xE1020051u); /* A8.8.118 QADD r0, r1, r2 (writes Q only) */
  a32_word(b, 0xE1003281u); /* A8.8.176 SMLABB r0, r1, r2, r3 (Q only) */
  a32_word(b, 0xEE10FF10u); /* A8.8.108 MRC p15, 0, APSR_nzcv, c0, c0, 0 */
  a32_word(b, 0xEE1D0F70u); /* MRC p15, 0, r0, c13, c0, 3 (TPIDRURO) */
  a32_word(b, 0xE1C200D0u); /* A8.8.72 LDRD r0, r1, [r2]: bit 20 clear */
  a32_word(b, 0xE1C200F0u); /* A8.8.210 STRD r0, r1, [r2] */
  a32_word(b, 0xEF000000u); /* A8.8.228 SVC #0 */
}

static void test_flag_classifier(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(1024, 0);
  assert_non_null(b);
  emit_cases(b);
  a32_buf_link(b, 0x10000);
  assert_int_equal(a32_buf_status(b), A32_OK);
  size_t n = sizeof cases / sizeof cases[0];
  assert_int_equal(a32_buf_size(b), 4 * n);
  unsigned wrong = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t w = a32_buf_word(b, 4 * i);
    if (cg_insn_sets_flags(w) != cases[i].sets) {
      print_error("%s (0x%08x): expected %s\n", cases[i].what, (unsigned)w,
                  cases[i].sets ? "sets the flags" : "leaves the flags");
      wrong++;
    }
  }
  assert_int_equal(wrong, 0);
  /* conditional forms keep their class; unconditional space never sets */
  assert_true(cg_insn_sets_flags(0x10910002u));  /* addsne r0, r1, r2 */
  assert_false(cg_insn_sets_flags(0x00810002u)); /* addeq r0, r1, r2 */
  assert_false(cg_insn_sets_flags(0xF57FF05Fu)); /* dmb sy */
  assert_false(cg_insn_sets_flags(0xF1010000u)); /* setend */
  a32_buf_free(b);
}

/* ---- checks on a code generator set up for a small trace -------------------- */
static const cg_env fake_env = {0x11110000u, 0x22220000u, 0x33330000u, 0x44440000u,
                                0x55550000u, 0x5555a000u, 0x66660000u, NULL, 0x77770000u,
                                0, 0, 0,
                                {0x88880000u, 0x99990000u, 0xaaaa0000u, 0xbbbb0000u}, 0};

typedef struct {
  armjit_ctx *ctx;
  armjit_trace *t;
  cg c;
  cg_result out;
} fixture;

static void fx_open(fixture *x, const char *text) {
  x->ctx = irs_ctx();
  x->t = irs_parse(x->ctx, text);
  armjit_error err;
  assert_int_equal(armjit_trace_validate(x->t, &err), ARMJIT_OK);
  assert_int_equal(cg_open(&x->c, x->ctx, x->t, &fake_env, &x->out, &err), ARMJIT_OK);
  cg_prologue(&x->c);
  cg_emit_pool(&x->c);
  assert_int_equal(x->c.st, ARMJIT_OK);
}

static void fx_close(fixture *x) {
  cg_close(&x->c);
  cg_result_free(x->ctx, &x->out);
  armjit_trace_free(x->t);
  armjit_ctx_free(x->ctx);
}

static const char *two_adds =
    "[i0, i1]\n"
    "i2 = int_add(i0, i1)\n"
    "i3 = int_lt(i2, 100)\n"
    "guard_true(i3, descr=g) [i2]\n"
    "finish(i2, i1)\n";

static void test_flags_check_trips(void **state) {
  (void)state;
#ifdef NDEBUG
  skip();
#else
  fixture x;
  fx_open(&x, two_adds);
  cg *c = &x.c;
  cg_op_begin(c, 0);
  /* the move, spill and constant paths leave the flags alone, even a
   * far frame access that has to push a register */
  cg_flags_set(c);
  cg_load_int(c, A32_R0, 0x12345678u);
  cg_load_int(c, A32_R1, 0xffffff00u);
  cg_load_float(c, 2, 0x400921fb54442d18ull);
  cg_load_addr(c, A32_R2, 0xdeadbeefu);
  c->busy |= CG_BUSY_IP | CG_BUSY_LR;
  cg_mem(c, CG_LDR, A32_R3, A32_FP, -70000);
  cg_mem(c, CG_VSTR, 4, A32_FP, -70000);
  cg_move(c, ra_stack(-16, ARMJIT_INT), ra_reg(A32_R5, ARMJIT_INT));
  cg_move(c, ra_stack(-24, ARMJIT_FLOAT), ra_stack(-32, ARMJIT_FLOAT));
  cg_flags_take(c);
  assert_int_equal(c->st, ARMJIT_OK);
  /* a flag-setting instruction in between trips it */
  cg_flags_set(c);
  cg_load_int(c, A32_R0, 7);
  a32_dp(c->b, A32_AL, A32_ADD, true, A32_R0, A32_R0, a32_imm(1));
  cg_load_int(c, A32_R1, 8);
  cg_flags_take(c);
  assert_int_equal(c->st, ARMJIT_E_INVALID);
  assert_non_null(strstr(c->msg, "sets the flags between a compare and the branch"));
  fx_close(&x);
#endif
}

static void test_guard_without_flags_is_refused(void **state) {
  (void)state;
  fixture x;
  fx_open(&x, two_adds);
  cg *c = &x.c;
  cg_op_begin(c, 2);
  cg_exit_branch(c, &x.t->ops[2], A32_NE);  /* nothing set the flags */
  assert_int_equal(c->st, ARMJIT_E_INVALID);
  assert_non_null(strstr(c->msg, "guard branches on flags nothing set"));
  fx_close(&x);
}

static void test_operand_after_result_trips(void **state) {
  (void)state;
#ifdef NDEBUG
  skip();
#else
  fixture x;
  fx_open(&x, two_adds);
  cg *c = &x.c;
  const ir_op *op = &x.t->ops[0];
  const ir_ref *a = ir_args(x.t, op);
  /* in order: operands, result */
  cg_op_begin(c, 0);
  cg_reg(c, a[0]);
  cg_reg(c, a[1]);
  cg_def(c, op, -1);
  assert_int_equal(c->st, ARMJIT_OK);
  cg_op_end(c);
  /* the next op reads an operand after defining its result */
  op = &x.t->ops[1];
  a = ir_args(x.t, op);
  cg_op_begin(c, 1);
  cg_def(c, op, -1);
  cg_reg(c, a[0]);
  assert_int_equal(c->st, ARMJIT_E_INVALID);
  assert_non_null(strstr(c->msg, "read after the dying operands were released"));
  fx_close(&x);
#endif
}

/* ---- cold code in a compiled loop -------------------------------------------- */
static int32_t forcer(void *token, int32_t x) {
  (void)token;
  return x + 1;
}

static void test_cold_code_after_body(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  assert_int_equal(armjit_ctx_add_symbol(ctx, "forcer", (uintptr_t)forcer), ARMJIT_OK);
  armjit_trace *t = irs_parse(ctx,
                              "descr CF = call(args=[ref, int], result=int, may_force)\n"
                              "[i0]\n"
                              "label(i0, descr=L)\n"
                              "p1 = force_token()\n"
                              "i2 = call_may_force(sym(forcer), p1, i0, descr=CF)\n"
                              "guard_not_forced(descr=forced) [i0]\n"
                              "i3 = int_lt(i2, 100)\n"
                              "guard_true(i3, descr=done) [i2]\n"
                              "jump(i2, descr=L)\n");
  armjit_error err;
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  assert_non_null(l);
  char *text = irs_listing(l);
  /* listing order: the guard, the jump back (end of the body), the cold
   * path clearing the force flag and branching back, then the stubs */
  const char *guard = strstr(text, "# guard_not_forced(descr=forced) [i0]\n");
  const char *jump = strstr(text, "# jump(i2, descr=L)\n");
  const char *cold = strstr(text, "# cold paths: out of line, each returns to the body\n");
  const char *exit0 = strstr(text, "# exit 0 (");
  assert_non_null(guard);
  assert_non_null(jump);
  assert_non_null(cold);
  assert_non_null(exit0);
  assert_true(guard < jump && jump < cold && cold < exit0);
  /* the guard's fast path: the flag read and compared, two branches */
  const char *g = strstr(guard, "\n") + 1;
  assert_true(strstr(g, "ldr ip, [fp, #-8]") < jump);
  assert_true(strstr(g, "cmp ip, #0") < jump);
  assert_true(strstr(g, "bne") < jump);
  assert_true(strstr(g, "str ip, [fp, #-8]") > cold);  /* not in the body */
  /* the cold path: clear, store, branch back */
  const char *k = strstr(cold, "\n") + 1;
  const char *mov = strstr(k, "mov ip, #0"), *str = strstr(k, "str ip, [fp, #-8]");
  assert_true(mov && mov < exit0);
  assert_true(str && mov < str && str < exit0);
  assert_non_null(strstr(str, "\n"));
  const char *back = strstr(strstr(str, "\n") + 1, " b ");
  assert_true(back && back < exit0);
  free(text);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flag_classifier),
      cmocka_unit_test(test_flags_check_trips),
      cmocka_unit_test(test_guard_without_flags_is_refused),
      cmocka_unit_test(test_operand_after_result_trips),
      cmocka_unit_test(test_cold_code_after_body),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
