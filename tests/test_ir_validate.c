/* SPDX-License-Identifier: MIT */
/* Validating traces built by API.  The builder checks each op's own rules
 * as the op after it is appended (ir.h: t->rules_checked), so that
 * armjit_trace_validate of a trace built op by op only checks its last
 * op; a rule broken anywhere stops those marks, and the validator walks
 * the trace then.  Every case here is validated twice: as built, and with
 * the builder's marks cleared (the validator's walk over every op): both
 * must give the same status and message: every rule broken at the end and
 * in the middle, and 3,000 traces of random builder calls (about half of
 * them valid, half spared the walk as built).  (Debug builds walk always,
 * and report a trace the builder passed that the walk does not.) */
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
#include "randtrace.h"

/* Validate t as built, then again with the builder's marks cleared (the
 * validator's walk): the same status and, when not OK, the same message,
 * else the test fails with the trace.  Returns the status (*e: its error). */
static armjit_status both_ways(armjit_trace *t, armjit_error *e) {
  armjit_error walked;
  armjit_status built = armjit_trace_validate(t, e);
  t->rules_checked = 0;
  t->validated = false;
  armjit_status st = armjit_trace_validate(t, &walked);
  if (st != built || (built != ARMJIT_OK && strcmp(e->msg, walked.msg) != 0)) {
    char *text = armjit_trace_to_string(t);
    fail_msg("as built %d \"%s\", walked %d \"%s\":\n%s", built, built ? e->msg : "", st,
             st ? walked.msg : "", text ? text : "(no text)");
  }
  return built;
}

/* both_ways gives `code` and, when not OK, a message containing `frag`;
 * t is freed. */
static void expect(armjit_trace *t, armjit_status code, const char *frag) {
  armjit_error e;
  armjit_status st = both_ways(t, &e);
  if (st != code) fail_msg("status %d (%s), want %d", st, st ? e.msg : "", code);
  if (code != ARMJIT_OK && !strstr(e.msg, frag))
    fail_msg("message \"%s\" lacks \"%s\"", e.msg, frag);
  armjit_trace_free(t);
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

  /* ends with a label, or with an op that is not final */
  t = int_input(ctx, &i0);
  armjit_label(t, &i0, 1);
  expect(t, ARMJIT_E_INVALID, "the trace must end with jump or finish");
  t = int_input(ctx, &i0);
  op2(t, ARMJIT_OP_INT_ADD, i0, i0);
  expect(t, ARMJIT_E_INVALID, "the trace must end with jump or finish");

  /* an empty trace */
  t = armjit_trace_new(ctx);
  expect(t, ARMJIT_E_INVALID, "the trace must end with jump or finish");
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

  /* finish, then more */
  t = int_input(ctx, &i0);
  armjit_finish(t, &i0, 1);
  i1 = op2(t, ARMJIT_OP_INT_ADD, i0, i0);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "nothing may follow finish");

  /* valid, validated, then appended to: validated again */
  t = int_input(ctx, &i0);
  armjit_finish(t, &i0, 1);
  armjit_error e;
  assert_int_equal(both_ways(t, &e), ARMJIT_OK);
  armjit_finish(t, &i0, 1);
  expect(t, ARMJIT_E_INVALID, "nothing may follow finish");

  /* parsed, then built on: the parsed op is checked like any other */
  t = irs_parse(ctx, "[i0]\nfinish(i0)\n");
  i0 = 0;
  i1 = op2(t, ARMJIT_OP_INT_ADD, i0, i0);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "nothing may follow finish");

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

  /* a may_force descriptor on a plain call, in the middle */
  t = int_input(ctx, &i0);
  cd.flags = ARMJIT_CALL_MAY_FORCE;
  d = armjit_descr_call(t, &cd);
  a[0] = armjit_const_ref(t, 0x1000);
  a[1] = i0;
  i1 = armjit_op_descr(t, ARMJIT_OP_CALL, a, 2, d);
  armjit_finish(t, &i1, 1);
  expect(t, ARMJIT_E_INVALID, "call it with call_may_force followed by guard_not_forced");
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

  t = armjit_trace_new(ctx);
  in[0] = armjit_input(t, ARMJIT_INT);
  armjit_val withk[2] = {in[0], armjit_const_int(t, 7)};
  armjit_label(t, withk, 2);
  armjit_finish(t, in, 1);
  expect(t, ARMJIT_E_INVALID, "label arguments must be variables");

  /* a jump whose types do not match its label's */
  t = armjit_trace_new(ctx);
  armjit_val v[2] = {armjit_input(t, ARMJIT_INT), armjit_input(t, ARMJIT_FLOAT)};
  int l = armjit_label(t, v, 2);
  armjit_val swapped[2] = {v[1], v[0]};
  armjit_jump(t, l, swapped, 2);
  expect(t, ARMJIT_E_TYPE, "type mismatch: jump argument 1");

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
}

/* ---- random builder calls: as built and walked, the same verdict ---- */
/* A handle of type ty from vals (or a constant), at random. */
static armjit_val pick(armjit_trace *t, rt_rng *s, const armjit_val *vals,
                       const armjit_type *types, unsigned n, armjit_type ty) {
  for (unsigned tries = 0; tries < 8 && n; tries++) {
    unsigned k = rt_below(s, n);
    if (types[k] == ty) return vals[k];
  }
  return ty == ARMJIT_FLOAT ? armjit_const_float(t, 1.5) : armjit_const_int(t, (int32_t)(rt_below(s, 5)));
}

/* Up to 14 builder calls drawn from the ops with rules that span ops (and
 * plain ones between): overflow ops and guards, compares and guards,
 * calls of each kind and their guards, labels (some listing a value twice
 * or a constant), jumps, finishes, merge points; each trace validated as
 * built and walked (both_ways).  Both kinds of verdict must
 * come up, and traces the walk is spared. */
static void test_random_calls(void **state) {
  armjit_ctx *ctx = *state;
  rt_rng rng;
  rt_rng_seed(&rng, 20261204);
  unsigned ok = 0, bad = 0, spared = 0;
  for (unsigned n = 0; n < 3000; n++) {
    armjit_trace *t = armjit_trace_new(ctx);
    armjit_val vals[64];
    armjit_type types[64];
    unsigned nv = 0;
    for (unsigned k = 0; k < 3; k++) types[nv] = ARMJIT_INT, vals[nv++] = armjit_input(t, ARMJIT_INT);
    types[nv] = ARMJIT_FLOAT, vals[nv++] = armjit_input(t, ARMJIT_FLOAT);
    armjit_type at = ARMJIT_INT;
    static const unsigned flags[3] = {0, ARMJIT_CALL_MAY_RAISE, ARMJIT_CALL_MAY_FORCE};
    int label = -1;
    unsigned len = 1 + rt_below(&rng, 14);
    for (unsigned i = 0; i < len && nv < 60; i++) {
      armjit_val a = pick(t, &rng, vals, types, nv, ARMJIT_INT);
      armjit_val b = pick(t, &rng, vals, types, nv, ARMJIT_INT);
      armjit_val f[3] = {vals[rt_below(&rng, nv)], vals[rt_below(&rng, nv)], a};
      unsigned nf = rt_below(&rng, 4);
      armjit_val r = ARMJIT_NOVAL;
      armjit_type rt = ARMJIT_INT;
      switch (rt_below(&rng, 15)) {
      case 0: r = op2(t, ARMJIT_OP_INT_ADD, a, b); break;
      case 1: /* mostly with its guard */
        r = op2(t, ARMJIT_OP_INT_ADD_OVF, a, b);
        if (rt_below(&rng, 4)) armjit_guard(t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, f, nf);
        break;
      case 2:
        if (rt_below(&rng, 4) == 0) armjit_guard(t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, f, nf);
        break;
      case 3: r = op2(t, ARMJIT_OP_INT_LT, a, b); break;
      case 4: armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &a, 1, f, nf); break;
      case 5: case 6: { /* mostly with the guards its descriptor asks for */
        unsigned fl = flags[rt_below(&rng, 3)];
        armjit_call_descr cd = {&at, 1, ARMJIT_INT, fl};
        int d = armjit_descr_call(t, &cd);
        armjit_val ca[2] = {armjit_const_ref(t, 0x1000), a};
        bool forcing = (fl & ARMJIT_CALL_MAY_FORCE) ? rt_below(&rng, 4) != 0 : rt_below(&rng, 4) == 0;
        r = armjit_op_descr(t, forcing ? ARMJIT_OP_CALL_MAY_FORCE : ARMJIT_OP_CALL, ca, 2, d);
        if (forcing && rt_below(&rng, 4)) armjit_guard(t, ARMJIT_OP_GUARD_NOT_FORCED, NULL, 0, f, nf);
        if ((fl & ARMJIT_CALL_MAY_RAISE) && rt_below(&rng, 4))
          armjit_guard(t, ARMJIT_OP_GUARD_NO_EXCEPTION, NULL, 0, f, nf);
        break;
      }
      case 7:
        if (rt_below(&rng, 4) == 0) armjit_guard(t, ARMJIT_OP_GUARD_NOT_FORCED, NULL, 0, f, nf);
        break;
      case 8:
        if (rt_below(&rng, 4) == 0) armjit_guard(t, ARMJIT_OP_GUARD_NO_EXCEPTION, NULL, 0, f, nf);
        break;
      case 9: { /* every value, or some, maybe one twice, maybe a constant */
        armjit_val la[64];
        unsigned m = rt_below(&rng, 4) ? nv : 1 + rt_below(&rng, nv);
        for (unsigned k = 0; k < m; k++) la[k] = vals[k];
        if (m > 1 && rt_below(&rng, 5) == 0) la[m - 1] = la[0];
        if (rt_below(&rng, 7) == 0) la[0] = armjit_const_int(t, 3);
        label = armjit_label(t, la, m);
        break;
      }
      case 10: case 11: /* mostly the end */
        if (label >= 0 && rt_below(&rng, 2)) {
          armjit_val ja[64];
          for (unsigned k = 0; k < nv; k++) ja[k] = vals[rt_below(&rng, 3) ? k : rt_below(&rng, nv)];
          armjit_jump(t, label, ja, nv - (rt_below(&rng, 4) == 0));
        } else {
          armjit_finish(t, f, nf);
        }
        if (rt_below(&rng, 4)) i = len;
        break;
      case 12: armjit_debug_merge_point(t, "here"); break;
      case 13: {
        armjit_val x = pick(t, &rng, vals, types, nv, ARMJIT_FLOAT);
        r = op2(t, ARMJIT_OP_FLOAT_ADD, x, x);
        rt = ARMJIT_FLOAT;
        break;
      }
      default: r = op2(t, ARMJIT_OP_INT_SUB, a, armjit_const_int(t, 1)); break;
      }
      if (r >= 0) types[nv] = rt, vals[nv++] = r;
    }
    /* the end, mostly; now and then an op after it */
    uint32_t m = armjit_trace_nops(t);
    bool ended = m && (t->ops[m - 1].opc == ARMJIT_OP_FINISH || t->ops[m - 1].opc == ARMJIT_OP_JUMP);
    if (ended ? rt_below(&rng, 8) == 0 : rt_below(&rng, 4) != 0) armjit_finish(t, vals, 1);
    uint32_t nops = armjit_trace_nops(t);
    spared += nops && t->uses_checked == nops && t->rules_checked + 1 >= nops;
    armjit_error e;
    if (both_ways(t, &e) == ARMJIT_OK) ok++;
    else bad++;
    armjit_trace_free(t);
  }
  print_message("random builder calls: %u valid, %u invalid, %u spared the walk\n", ok, bad,
                spared);
  assert_true(ok > 300 && bad > 300 && spared > 300);
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
      cmocka_unit_test(test_random_calls),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
