/* SPDX-License-Identifier: MIT */
/* call_assembler: a loop calling another compiled loop through a token
 * (the finish path, the guard path through the assembler helper, a token
 * with no loop, no helper), redirect after recompiling (and freeing the old
 * loop, or the new one), recursion, and the stack check stopping a
 * recursion that would overflow the stack.  Every run goes through the
 * compiled code and the interpreter, which must agree; the expected
 * results are computed here in C. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "armjit.h"
#include "ir_support.h"

/* A trace that is both targets of its token. */
typedef struct {
  armjit_trace *t;
  armjit_loop *l;
} target;

static target bind(armjit_ctx *ctx, const char *token, const char *text) {
  target x = {irs_parse(ctx, text), NULL};
  x.l = irs_compile(ctx, x.t);
  armjit_token *tok = armjit_ctx_token(ctx, token);
  assert_non_null(tok);
  armjit_error err;
  if (armjit_token_set_trace(tok, x.t, &err) != ARMJIT_OK) fail_msg("set_trace: %s", err.msg);
  if (armjit_token_set_loop(tok, x.l, &err) != ARMJIT_OK) fail_msg("set_loop: %s", err.msg);
  return x;
}

static void unbind(target *x) {
  armjit_loop_free(x->l);
  armjit_trace_free(x->t);
  x->l = NULL;
  x->t = NULL;
}

/* Run l compiled and t interpreted on the same int inputs; both must end
 * with the same exit and, for an exit of the loop, the same values.
 * Returns the exit id; *out (when not NULL) gets value 0. */
static int run_both(armjit_ctx *ctx, armjit_trace *t, armjit_loop *l, const int32_t *in,
                    unsigned n, armjit_value *out) {
  uint32_t cap = armjit_loop_frame_capacity(l);
  armjit_frame *fc = armjit_frame_new(ctx, cap), *fi = armjit_frame_new(ctx, cap);
  for (unsigned k = 0; k < n; k++) fc->values[k].bits = fi->values[k].bits = (uint32_t)in[k];
  armjit_error err;
  int id = armjit_run(l, fc, &err);
  armjit_status st = armjit_interpret(t, fi, 0, &err);
  assert_int_equal(fc->exit_id, id);
  assert_int_equal(fi->exit_id, id);
  if (id >= 0) {
    assert_int_equal(st, ARMJIT_OK);
    assert_int_equal(fc->nvalues, fi->nvalues);
    for (unsigned k = 0; k < fc->nvalues; k++) assert_true(fc->values[k].bits == fi->values[k].bits);
  } else {
    assert_int_not_equal(st, ARMJIT_OK);
    assert_int_equal(fc->nvalues, 0);
  }
  if (out) *out = fc->values[0];
  armjit_frame_free(ctx, fc);
  armjit_frame_free(ctx, fi);
  return id;
}

/* ---- the finish path ---------------------------------------------------------- */
/* sum over k = n..1 of sq(k) + (x += 0.5 k), values live across the call in
 * registers a call clobbers, a float argument and result. */
static const char caller_sum[] =
    "descr sq = token(args=[int, float], result=int)\n"
    "descr half = token(args=[float, int], result=float)\n"
    "[i0, i1, f2, i3]\n"
    "label(i0, i1, f2, i3, descr=L)\n"
    "i2 = int_gt(i0, 0)\n"
    "guard_true(i2, descr=done) [i1, f2, i3]\n"
    "f4 = cast_int_to_float(i0)\n"
    "i5 = call_assembler(i0, f4, descr=sq)\n"
    "f6 = call_assembler(f2, i0, descr=half)\n"
    "i7 = int_add(i1, i5)\n"
    "i8 = int_sub(i0, 1)\n"
    "i9 = int_add(i3, 1)\n"
    "jump(i8, i7, f6, i9, descr=L)\n";

static void test_finish_path(void **state) {
  (void)state;
  for (unsigned variant = 0; variant < 2; variant++) {
    armjit_ctx *ctx = irs_ctx_with(variant ? ARMJIT_RANDOM_RA : 0, 7 + variant);
    armjit_trace *t = irs_parse(ctx, caller_sum);  /* makes the tokens */
    target sq = bind(ctx, "sq",
                     "[i0, f1]\n"
                     "f2 = float_mul(f1, f1)\n"
                     "i3 = cast_float_to_int(f2)\n"
                     "i4 = int_add(i3, i0)\n"
                     "finish(i4)\n");
    target half = bind(ctx, "half",
                       "[f0, i1]\n"
                       "f2 = cast_int_to_float(i1)\n"
                       "f3 = float_mul(f2, 0.5)\n"
                       "f4 = float_add(f0, f3)\n"
                       "finish(f4)\n");
    armjit_loop *l = irs_compile(ctx, t);
    armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
    for (int32_t n = 0; n <= 40; n += 8) {
      int32_t in[4] = {n, 3, 0, 7}, want = 3;
      double x = 0.0;
      for (int32_t k = n; k > 0; k--) {
        want += k * k + k;
        x += 0.5 * k;
      }
      armjit_value v;
      assert_int_equal(run_both(ctx, t, l, in, 4, &v), 0);
      assert_int_equal(v.i, want);
      f->values[0].i = n;
      f->values[1].i = 3;
      f->values[2].f = 0.0;
      f->values[3].i = 7;
      armjit_error err;
      assert_int_equal(armjit_run(l, f, &err), 0);
      assert_true(f->values[1].f == x);
      assert_int_equal(f->values[2].i, 7 + n);
    }
    armjit_frame_free(ctx, f);
    armjit_loop_free(l);
    armjit_trace_free(t);
    unbind(&sq);
    unbind(&half);
    armjit_ctx_free(ctx);
  }
}

/* ---- the guard path through the assembler helper -------------------------------- */
typedef struct {
  armjit_token *tok;
  unsigned calls;
  int32_t last_exit;
} helper_state;

/* The op's result: the callee's first exit value times 1000 plus its exit id. */
static armjit_value helper(void *ud, armjit_token *tok, armjit_frame *f) {
  helper_state *s = ud;
  assert_ptr_equal(tok, s->tok);
  s->calls++;
  s->last_exit = f->exit_id;
  armjit_value v = {.bits = 0};
  v.i = (f->nvalues ? f->values[0].i : 0) * 1000 + f->exit_id;
  return v;
}

static const char callee_small[] =
    "[i0]\n"
    "i1 = int_lt(i0, 5)\n"
    "guard_true(i1, descr=big) [i0]\n"
    "i2 = int_eq(i0, 0)\n"
    "guard_false(i2, descr=zero) [i2, i0]\n"
    "i3 = int_add(i0, 100)\n"
    "finish(i3)\n";

static const char caller_one[] =
    "descr small = token(args=[int], result=int)\n"
    "[i0, i1]\n"
    "i2 = call_assembler(i0, descr=small)\n"
    "i3 = int_add(i2, i1)\n"
    "finish(i3, i2)\n";

static void test_guard_path(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(0, 0);
  armjit_trace *t = irs_parse(ctx, caller_one);
  target c = bind(ctx, "small", callee_small);
  helper_state hs = {armjit_ctx_token(ctx, "small"), 0, -1};
  armjit_loop *l = irs_compile(ctx, t);
  /* no helper: a callee leaving through a guard ends the run */
  int32_t in[2] = {9, 1};
  assert_int_equal(run_both(ctx, t, l, in, 2, NULL), ARMJIT_EXIT_CALL_FAILED);
  armjit_ctx_set_assembler_helper(ctx, helper, &hs);
  static const struct { int32_t x, want; unsigned calls; } cases[] = {
      {3, 103 + 1, 0},          /* finish */
      {9, 9 * 1000 + 0 + 1, 2}, /* guard big (exit 0), helper runs twice: compiled, interpreted */
      {0, 1 * 1000 + 1 + 1, 4}, /* guard zero (exit 1), its first value is i2 = 1 */
  };
  for (unsigned k = 0; k < 3; k++) {
    int32_t x[2] = {cases[k].x, 1};
    armjit_value v;
    assert_int_equal(run_both(ctx, t, l, x, 2, &v), 0);
    assert_int_equal(v.i, cases[k].want);
    assert_int_equal(hs.calls, cases[k].calls);
  }
  assert_int_equal(hs.last_exit, 1);
  /* a token with no loop (and no trace): the run ends */
  armjit_error err;
  assert_int_equal(armjit_token_set_loop(hs.tok, NULL, &err), ARMJIT_OK);
  assert_int_equal(armjit_token_set_trace(hs.tok, NULL, &err), ARMJIT_OK);
  assert_int_equal(run_both(ctx, t, l, in, 2, NULL), ARMJIT_EXIT_CALL_FAILED);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
  f->values[0].i = 3;
  assert_int_equal(armjit_run(l, f, &err), ARMJIT_EXIT_CALL_FAILED);
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "call_assembler"));
  armjit_frame_free(ctx, f);
  armjit_loop_free(l);
  armjit_trace_free(t);
  unbind(&c);
  armjit_ctx_free(ctx);
}

/* Signatures are checked where a target is bound. */
static void test_signatures(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(0, 0);
  armjit_type ints[2] = {ARMJIT_INT, ARMJIT_INT};
  armjit_error err;
  armjit_token *tok = armjit_token_new(ctx, "two", ints, 2, ARMJIT_INT, &err);
  assert_non_null(tok);
  assert_null(armjit_token_new(ctx, "two", ints, 1, ARMJIT_INT, &err));
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  assert_null(armjit_token_new(ctx, "not a name", ints, 1, ARMJIT_INT, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  armjit_trace *one = irs_parse(ctx, "[i0]\nfinish(i0)\n");
  armjit_trace *fl = irs_parse(ctx, "[i0, i1]\nf2 = cast_int_to_float(i0)\nfinish(f2)\n");
  armjit_trace *ok = irs_parse(ctx, "[i0, i1]\ni2 = int_add(i0, i1)\nfinish(i2)\n");
  armjit_loop *l1 = irs_compile(ctx, one), *lf = irs_compile(ctx, fl), *lo = irs_compile(ctx, ok);
  assert_int_equal(armjit_token_set_loop(tok, l1, &err), ARMJIT_E_TYPE);
  assert_non_null(strstr(err.msg, "2 arguments"));
  assert_int_equal(armjit_token_set_trace(tok, fl, &err), ARMJIT_E_TYPE);
  assert_non_null(strstr(err.msg, "finish"));
  assert_int_equal(armjit_token_set_loop(tok, lf, &err), ARMJIT_E_TYPE);
  assert_null(armjit_token_loop(tok));
  assert_int_equal(armjit_token_set_loop(tok, lo, &err), ARMJIT_OK);
  assert_ptr_equal(armjit_token_loop(tok), lo);
  /* a declaration must match the context's token */
  assert_null(armjit_trace_parse(ctx, "descr two = token(args=[int], result=int)\n[i0]\n"
                                      "i1 = call_assembler(i0, descr=two)\nfinish(i1)\n",
                                 &err));
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "another signature"));
  /* and call_assembler's arguments the token's */
  assert_null(armjit_trace_parse(ctx, "descr two = token(args=[int, int], result=int)\n"
                                      "[i0]\ni1 = call_assembler(i0, descr=two)\nfinish(i1)\n",
                                 &err));
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  /* freeing a loop unbinds it */
  armjit_loop_free(lo);
  assert_null(armjit_token_loop(tok));
  armjit_loop_free(l1);
  armjit_loop_free(lf);
  armjit_trace_free(one);
  armjit_trace_free(fl);
  armjit_trace_free(ok);
  armjit_ctx_free(ctx);
}

/* ---- redirect after recompiling ------------------------------------------------- */
static void test_redirect(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(0, 0);
  armjit_trace *t = irs_parse(ctx, caller_one);
  target a = bind(ctx, "small", "[i0]\ni1 = int_mul(i0, 2)\nfinish(i1)\n");
  armjit_loop *l = irs_compile(ctx, t);
  int32_t in[2] = {21, 0};
  armjit_value v;
  assert_int_equal(run_both(ctx, t, l, in, 2, &v), 0);
  assert_int_equal(v.i, 42);
  /* "recompile": another loop for the same token, with a deeper frame */
  armjit_trace *tb = irs_parse(ctx, "[i0]\n"
                                "i1 = int_mul(i0, 3)\n"
                                "i2 = int_lt(i1, -1000)\n"
                                "guard_false(i2) [i0, i1, i0, i1, i0, i1, i0, i1]\n"
                                "finish(i1)\n");
  armjit_loop *lb = irs_compile(ctx, tb);
  armjit_trace *bad = irs_parse(ctx, "[f0]\nfinish(1)\n");
  armjit_loop *lbad = irs_compile(ctx, bad);
  armjit_error err;
  assert_int_equal(armjit_loop_redirect(a.l, lbad, &err), ARMJIT_E_TYPE);
  assert_non_null(strstr(err.msg, "other inputs"));
  assert_ptr_equal(armjit_token_loop(armjit_ctx_token(ctx, "small")), a.l);
  assert_int_equal(armjit_loop_redirect(a.l, lb, &err), ARMJIT_OK);
  assert_int_equal(armjit_token_set_trace(armjit_ctx_token(ctx, "small"), tb, &err), ARMJIT_OK);
  assert_int_equal(run_both(ctx, t, l, in, 2, &v), 0);
  assert_int_equal(v.i, 63);
  /* the old loop may go: the calls keep reaching the new one */
  armjit_loop_free(a.l);
  a.l = NULL;
  assert_int_equal(run_both(ctx, t, l, in, 2, &v), 0);
  assert_int_equal(v.i, 63);
  /* the new one going unbinds the token: the run ends */
  armjit_loop_free(lb);
  armjit_trace_free(tb);
  assert_null(armjit_token_loop(armjit_ctx_token(ctx, "small")));
  assert_int_equal(run_both(ctx, t, l, in, 2, NULL), ARMJIT_EXIT_CALL_FAILED);
  armjit_loop_free(lbad);
  armjit_trace_free(bad);
  armjit_loop_free(l);
  armjit_trace_free(t);
  unbind(&a);
  armjit_ctx_free(ctx);
}

/* ---- recursion and the stack check ------------------------------------------------ */
/* sum(n) = n + sum(n - 1), sum(1) through the helper (the guard's value). */
static const char sum_rec[] =
    "descr sum = token(args=[int], result=int)\n"
    "[i0]\n"
    "i1 = int_le(i0, 1)\n"
    "guard_false(i1, descr=base) [i0]\n"
    "i2 = int_sub(i0, 1)\n"
    "i3 = call_assembler(i2, descr=sum)\n"
    "i4 = int_add(i3, i0)\n"
    "finish(i4)\n";

static armjit_value base_case(void *ud, armjit_token *tok, armjit_frame *f) {
  (void)ud;
  (void)tok;
  return f->values[0];
}

static void test_recursion_stack_check(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(ARMJIT_STACK_CHECK, 0);
  armjit_ctx_set_assembler_helper(ctx, base_case, NULL);
  target s = bind(ctx, "sum", sum_rec);
  /* no limit yet: a moderate recursion */
  int32_t n = 200;
  armjit_value v;
  assert_int_equal(run_both(ctx, s.t, s.l, &n, 1, &v), 1);
  assert_int_equal(v.i, 200 * 201 / 2);
  /* 256 KiB of stack below here: 100,000 levels would need megabytes */
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  armjit_ctx_set_stack_limit(ctx, sp - (256u << 10));
  assert_int_equal(run_both(ctx, s.t, s.l, &n, 1, &v), 1);
  assert_int_equal(v.i, 200 * 201 / 2);
  n = 100000;
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(s.l));
  f->values[0].i = n;
  armjit_error err;
  assert_int_equal(armjit_run(s.l, f, &err), ARMJIT_EXIT_STACK_OVERFLOW);
  assert_int_equal(f->exit_id, ARMJIT_EXIT_STACK_OVERFLOW);
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "stack limit"));
  f->values[0].i = n;
  assert_int_equal(armjit_interpret(s.t, f, 0, &err), ARMJIT_E_LIMIT);
  assert_int_equal(f->exit_id, ARMJIT_EXIT_STACK_OVERFLOW);
  /* the same loop runs again normally afterwards */
  f->values[0].i = 50;
  assert_int_equal(armjit_run(s.l, f, &err), 1);
  assert_int_equal(f->values[0].i, 50 * 51 / 2);
  /* a limit above sp stops the very first entry */
  armjit_ctx_set_stack_limit(ctx, sp + 4096);
  f->values[0].i = 5;
  assert_int_equal(armjit_run(s.l, f, &err), ARMJIT_EXIT_STACK_OVERFLOW);
  armjit_frame_free(ctx, f);
  unbind(&s);
  armjit_ctx_free(ctx);
}

/* The check costs five instructions at entry and nothing without the flag. */
static void test_stack_check_cost(void **state) {
  (void)state;
  long first[2];
  for (int on = 0; on < 2; on++) {
    armjit_ctx *ctx = irs_ctx_with(on ? ARMJIT_STACK_CHECK : 0, 0);
    armjit_trace *t = irs_parse(ctx, "[i0]\ni1 = int_add(i0, 1)\nfinish(i1)\n");
    armjit_loop *l = irs_compile(ctx, t);
    first[on] = armjit_loop_op_offset(l, 0);
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
  assert_int_equal(first[1] - first[0], 5 * 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_finish_path),
      cmocka_unit_test(test_guard_path),
      cmocka_unit_test(test_signatures),
      cmocka_unit_test(test_redirect),
      cmocka_unit_test(test_recursion_stack_check),
      cmocka_unit_test(test_stack_check_cost),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
