/* SPDX-License-Identifier: MIT */
/* Validating traces built by API.  The builder checks each op's own rules
 * as the op after it is appended (ir.h: t->rules_checked), so that
 * armjit_trace_validate of a trace built op by op only checks its last
 * op; a rule broken anywhere stops those marks, and the validator walks
 * the trace then.  Every case here is validated twice: as built, and with
 * the builder's marks cleared (the validator's walk over every op): both
 * must give the same status and message.  (Debug builds walk always, and
 * report a trace the builder passed that the walk does not.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "armjit.h"
#include "ir/ir.h"
#include "ir_support.h"

/* Validate t as built, then again with the builder's marks cleared; both
 * must give `code` and, when not OK, a message containing `frag`. */
static void expect(armjit_trace *t, armjit_status code, const char *frag) {
  armjit_error e1, e2;
  armjit_status s1 = armjit_trace_validate(t, &e1);
  if (s1 != code) fail_msg("as built: status %d (%s), want %d", s1, e1.msg, code);
  if (code != ARMJIT_OK && !strstr(e1.msg, frag))
    fail_msg("as built: message \"%s\" lacks \"%s\"", e1.msg, frag);
  t->rules_checked = 0;
  t->validated = false;
  armjit_status s2 = armjit_trace_validate(t, &e2);
  assert_int_equal(s2, s1);
  if (code != ARMJIT_OK) assert_string_equal(e2.msg, e1.msg);
}

/* A new trace of one int input, *i0. */
static armjit_trace *int_input(armjit_ctx *ctx, armjit_val *i0) {
  armjit_trace *t = armjit_trace_new(ctx);
  *i0 = armjit_input(t, ARMJIT_INT);
  return t;
}

static armjit_val op2(armjit_trace *t, armjit_opcode op, armjit_val a, armjit_val b) {
  armjit_val v[2] = {a, b};
  return armjit_op(t, op, v, 2);
}

/* The last op: i0 + 1 with overflow check, nothing after it. */
static void test_last_op(void **state) {
  armjit_ctx *ctx = *state;
  armjit_val i0;
  armjit_trace *t = int_input(ctx, &i0);
  op2(t, ARMJIT_OP_INT_ADD_OVF, i0, armjit_const_int(t, 1));
  expect(t, ARMJIT_E_INVALID, "must be followed by guard_no_overflow or guard_overflow");
  armjit_trace_free(t);

  /* ends with a label, or with an op that is not final */
  t = int_input(ctx, &i0);
  armjit_label(t, &i0, 1);
  expect(t, ARMJIT_E_INVALID, "the trace must end with jump or finish");
  armjit_trace_free(t);
  t = int_input(ctx, &i0);
  op2(t, ARMJIT_OP_INT_ADD, i0, i0);
  expect(t, ARMJIT_E_INVALID, "the trace must end with jump or finish");
  armjit_trace_free(t);

  /* an empty trace */
  t = armjit_trace_new(ctx);
  expect(t, ARMJIT_E_INVALID, "the trace must end with jump or finish");
  armjit_trace_free(t);
}

/* Rules that look at the next op, broken in the middle of the trace. */
static void test_next_op(void **state) {
  armjit_ctx *ctx = *state;
  armjit_val i0;
  armjit_trace *t = int_input(ctx, &i0);
  armjit_val i1 = op2(t, ARMJIT_OP_INT_MUL_OVF, i0, i0);
  armjit_val i2 = op2(t, ARMJIT_OP_INT_ADD, i1, i0);
  armjit_finish(t, &i2, 1);
  expect(t, ARMJIT_E_INVALID, "int_mul_ovf must be followed by guard_no_overflow");
  armjit_trace_free(t);

  /* finish, then more */
  t = int_input(ctx, &i0);
  armjit_finish(t, &i0, 1);
  i1 = op2(t, ARMJIT_OP_INT_ADD, i0, i0);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "nothing may follow finish");
  armjit_trace_free(t);

  /* valid, validated, then appended to: validated again */
  t = int_input(ctx, &i0);
  armjit_finish(t, &i0, 1);
  expect(t, ARMJIT_OK, NULL);
  armjit_finish(t, &i0, 1);
  expect(t, ARMJIT_E_INVALID, "nothing may follow finish");
  armjit_trace_free(t);

  /* parsed, then built on: the parsed op is checked like any other */
  t = irs_parse(ctx, "[i0]\nfinish(i0)\n");
  i0 = 0;
  i1 = op2(t, ARMJIT_OP_INT_ADD, i0, i0);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "nothing may follow finish");
  armjit_trace_free(t);

  /* call_may_force without its guard, last and in the middle */
  for (int last = 0; last < 2; last++) {
    t = int_input(ctx, &i0);
    armjit_type at = ARMJIT_INT;
    armjit_call_descr cd = {&at, 1, ARMJIT_INT, ARMJIT_CALL_MAY_FORCE};
    int d = armjit_descr_call(t, &cd);
    armjit_val a[2] = {armjit_const_ref(t, 0x1000), i0};
    i1 = armjit_op_descr(t, ARMJIT_OP_CALL_MAY_FORCE, a, 2, d);
    if (!last) armjit_finish(t, &i1, 1);
    expect(t, ARMJIT_E_INVALID, "call_may_force must be followed by guard_not_forced");
    armjit_trace_free(t);
  }
}

/* Rules that look at the op before, and at descriptors. */
static void test_op_before(void **state) {
  armjit_ctx *ctx = *state;
  armjit_val i0;
  armjit_trace *t = int_input(ctx, &i0);
  armjit_val i1 = op2(t, ARMJIT_OP_INT_ADD, i0, i0);
  armjit_guard(t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, &i0, 1);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "may only directly follow an overflow-checked op");
  armjit_trace_free(t);

  /* an exception guard after a call that does not raise */
  t = int_input(ctx, &i0);
  armjit_type at = ARMJIT_INT;
  armjit_call_descr cd = {&at, 1, ARMJIT_INT, 0};
  int d = armjit_descr_call(t, &cd);
  armjit_val a[2] = {armjit_const_ref(t, 0x1000), i0};
  i1 = armjit_op_descr(t, ARMJIT_OP_CALL, a, 2, d);
  armjit_guard(t, ARMJIT_OP_GUARD_NO_EXCEPTION, NULL, 0, &i0, 1);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "may only directly follow a call whose descr has may_raise");
  armjit_trace_free(t);

  /* a may_force descriptor on a plain call, in the middle */
  t = int_input(ctx, &i0);
  cd.flags = ARMJIT_CALL_MAY_FORCE;
  d = armjit_descr_call(t, &cd);
  a[0] = armjit_const_ref(t, 0x1000);
  a[1] = i0;
  i1 = armjit_op_descr(t, ARMJIT_OP_CALL, a, 2, d);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "call it with call_may_force followed by guard_not_forced");
  armjit_trace_free(t);
}

/* Labels and jumps: distinct variables, matching types; labels of more
 * arguments than the builder compares pairwise. */
static void test_labels(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val in[2] = {armjit_input(t, ARMJIT_INT), armjit_input(t, ARMJIT_INT)};
  armjit_val twice[2] = {in[0], in[0]};
  armjit_label(t, twice, 2);
  armjit_finish(t, in, 1);
  expect(t, ARMJIT_E_INVALID, "label arguments must be distinct");
  armjit_trace_free(t);

  t = armjit_trace_new(ctx);
  in[0] = armjit_input(t, ARMJIT_INT);
  armjit_val withk[2] = {in[0], armjit_const_int(t, 7)};
  armjit_label(t, withk, 2);
  armjit_finish(t, in, 1);
  expect(t, ARMJIT_E_INVALID, "label arguments must be variables");
  armjit_trace_free(t);

  /* a jump whose types do not match its label's */
  t = armjit_trace_new(ctx);
  armjit_val v[2] = {armjit_input(t, ARMJIT_INT), armjit_input(t, ARMJIT_FLOAT)};
  int l = armjit_label(t, v, 2);
  armjit_val swapped[2] = {v[1], v[0]};
  armjit_jump(t, l, swapped, 2);
  expect(t, ARMJIT_E_TYPE, "type mismatch: jump argument 1");
  armjit_trace_free(t);

  /* 70 arguments: valid, then one listed twice */
  for (int dup = 0; dup < 2; dup++) {
    t = armjit_trace_new(ctx);
    armjit_val many[70];
    for (int k = 0; k < 70; k++) many[k] = armjit_input(t, ARMJIT_INT);
    if (dup) many[69] = many[3];
    l = armjit_label(t, many, 70);
    if (dup) many[69] = many[68];
    armjit_jump(t, l, many, 70);
    expect(t, dup ? ARMJIT_E_INVALID : ARMJIT_OK, "label arguments must be distinct");
    armjit_trace_free(t);
  }

  /* a loop that keeps every rule: only its last op is left to check */
  t = armjit_trace_new(ctx);
  in[0] = armjit_input(t, ARMJIT_INT);
  in[1] = armjit_input(t, ARMJIT_INT);
  l = armjit_label(t, in, 2);
  armjit_val s = op2(t, ARMJIT_OP_INT_ADD_OVF, in[0], in[1]);
  armjit_guard(t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, in, 2);
  armjit_val c = op2(t, ARMJIT_OP_INT_LT, s, armjit_const_int(t, 100));
  armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &c, 1, &s, 1);
  armjit_val next[2] = {s, in[1]};
  armjit_jump(t, l, next, 2);
  assert_int_equal(t->rules_checked, armjit_trace_nops(t) - 1);
  expect(t, ARMJIT_OK, NULL);
  armjit_trace_free(t);
}

static int setup(void **state) {
  *state = irs_ctx();
  return 0;
}

static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_last_op),
      cmocka_unit_test(test_next_op),
      cmocka_unit_test(test_op_before),
      cmocka_unit_test(test_labels),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
