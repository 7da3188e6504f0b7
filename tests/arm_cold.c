/* SPDX-License-Identifier: MIT */
/* Cold code (src/cg/cg_cold.c) executed: a function built with the code
 * generator's own buffer whose fast path branches to two cold paths that
 * return.  Checks that each cold path runs exactly when its condition
 * holds, that the fast path continues after it with the registers the
 * cold path left and the flags it did not touch, and that the cold code
 * sits after the function's body.
 *
 *   int32_t f(int32_t x):
 *     push  {r4, lr}
 *     mov   r4, r0
 *     cmp   r0, #100
 *     bhs   cold0          x >= 100 (unsigned): r4 += 1000
 *   resume0:
 *     addhs r4, r4, #1     the flags survive the cold path
 *     cmp   r0, #50
 *     blo   cold1          x < 50: r4 -= 7
 *   resume1:
 *     add   r0, r4, #2
 *     pop   {r4, pc}       end of the body
 *   cold0: add r4, r4, #1000; b resume0
 *   cold1: sub r4, r4, #7;    b resume1
 *
 * and a compiled loop whose guard_not_forced clears the force flag in a
 * cold path: the forced iteration exits, against the interpreter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cg/cg_internal.h"
#include "ir_support.h"

static const cg_env no_env;

static void add_const(cg *c, const cg_cold *k) {
  a32_dp_op op = k->arg[2] ? A32_SUB : A32_ADD;
  a32_dp(c->b, A32_AL, op, false, (a32_reg)k->arg[0], (a32_reg)k->arg[0], a32_imm(k->arg[1]));
}

static int32_t expect(int32_t x) {
  int32_t r = x;
  if ((uint32_t)x >= 100) r += 1000 + 1;
  if ((uint32_t)x < 50) r -= 7;
  return r + 2;
}

static void test_cold_paths_return(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  armjit_trace *t = irs_parse(ctx, "[i0]\nfinish(i0)\n");
  armjit_error err;
  cg c;
  cg_result out;
  assert_int_equal(cg_open(&c, ctx, t, &no_env, &out, &err), ARMJIT_OK);
  a32_buf *b = c.b;
  a32_push(b, A32_AL, 1u << A32_R4 | 1u << A32_LR);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R4, 0, a32_r(A32_R0));
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(100));
  cg_flags_set(&c);
  cg_cold *k = cg_cold_branch(&c, A32_HS, add_const);
  assert_non_null(k);
  k->arg[0] = A32_R4;
  k->arg[1] = 1000;
  size_t resume0 = a32_buf_size(b);
  cg_flags_take(&c);
  a32_dp(b, A32_HS, A32_ADD, false, A32_R4, A32_R4, a32_imm(1));
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(50));
  cg_flags_set(&c);
  k = cg_cold_branch(&c, A32_LO, add_const);
  assert_non_null(k);
  k->arg[0] = A32_R4;
  k->arg[1] = 7;
  k->arg[2] = 1;
  cg_flags_take(&c);
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R4, a32_imm(2));
  a32_pop(b, A32_AL, 1u << A32_R4 | 1u << A32_PC);
  size_t body_end = a32_buf_size(b);
  cg_emit_cold(&c);
  assert_int_equal(c.st, ARMJIT_OK);
  assert_int_equal(a32_buf_status(b), A32_OK);

  /* placement: both cold paths after the body, in order, each ending in
   * a branch back */
  assert_int_equal(out.cold_off, body_end);
  assert_int_equal(a32_buf_size(b), body_end + 4 * 4);
  assert_true(a32_buf_word(b, resume0 - 4) >> 28 == A32_HS);  /* bhs cold0 */

  armjit_code *code = armjit_code_new(ctx, b, &err);
  assert_non_null(code);
  int32_t (*f)(int32_t) = (int32_t(*)(int32_t))armjit_code_entry(code);
  static const int32_t xs[] = {0, 5, 49, 50, 51, 99, 100, 101, 1000, -1, -100, INT32_MIN, INT32_MAX};
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) assert_int_equal(f(xs[i]), expect(xs[i]));
  armjit_code_free(code);
  cg_close(&c);
  cg_result_free(ctx, &out);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* ---- guard_not_forced's cold path -------------------------------------------- */
static int32_t force_at_7(uintptr_t token, int32_t x) {
  if (x == 7) armjit_force(token);
  return x + 1;
}

/* Run the compiled loop and the interpreter from i0 = x: same exit, same
 * values. */
static int run_both(armjit_ctx *ctx, armjit_trace *t, armjit_loop *l, int32_t x,
                    int32_t *v0) {
  armjit_value in[1] = {irs_i(x)};
  armjit_frame *want = irs_run(ctx, t, in, 0);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
  assert_non_null(f);
  f->values[0] = in[0];
  armjit_error err;
  int id = armjit_run(l, f, &err);
  assert_int_equal(id, want->exit_id);
  irs_assert_frames_equal(t, want, f);
  *v0 = f->values[0].i;
  armjit_frame_free(ctx, f);
  armjit_frame_free(ctx, want);
  return id;
}

static void test_force_flag_cleared_cold(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  assert_int_equal(armjit_ctx_add_symbol(ctx, "force_at_7", (uintptr_t)force_at_7), ARMJIT_OK);
  armjit_trace *t = irs_parse(ctx,
                              "descr CF = call(args=[ref, int], result=int, may_force)\n"
                              "[i0]\n"
                              "label(i0, descr=L)\n"
                              "p1 = force_token()\n"
                              "i2 = call_may_force(sym(force_at_7), p1, i0, descr=CF)\n"
                              "guard_not_forced(descr=forced) [i0, i2]\n"
                              "i3 = int_lt(i2, 20)\n"
                              "guard_true(i3, descr=done) [i2]\n"
                              "jump(i2, descr=L)\n");
  armjit_error err;
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  assert_non_null(l);
  for (int round = 0; round < 2; round++) {
    int32_t v0 = 0;
    /* from 0: iterations 0..6 pass the guard (the flag stays clear), the
     * call with 7 forces: the cold path runs and the guard exits */
    assert_int_equal(run_both(ctx, t, l, 0, &v0), 0);
    assert_int_equal(v0, 7);
    /* from 8 nothing forces: the loop runs to the other exit */
    assert_int_equal(run_both(ctx, t, l, 8, &v0), 1);
    assert_int_equal(v0, 20);
  }
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cold_paths_return),
      cmocka_unit_test(test_force_flag_cleared_cold),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
