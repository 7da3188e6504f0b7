/* SPDX-License-Identifier: MIT */
/* Register pressure: more live values than registers, carried across loops
 * and listed by guards, so values live in spill slots, move between slots
 * and registers at jumps, and are recovered from everywhere at exits.
 * Every case is compared with the interpreter (tests/support/jitcheck.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "bigtrace.h"
#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

static armjit_val bin(armjit_trace *t, armjit_opcode op, armjit_val a, armjit_val b) {
  armjit_val args[2] = {a, b};
  return armjit_op(t, op, args, 2);
}

/* Loop over `n` carried values of type ty plus a trip count.  Each
 * iteration: leave through the guard (listing every carried value, in
 * reverse order, and the count) when the count runs out; else
 * v'[k] = f(v[k], v[k+1]), so every old value stays live until the next
 * one is computed. */
typedef struct {
  armjit_type ty;
  unsigned n;
} carry_spec;

static armjit_trace *build_carry(armjit_ctx *ctx, const void *ud) {
  const carry_spec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val v[64], w[64], fail[65];
  for (unsigned k = 0; k < s->n; k++) v[k] = armjit_input(t, s->ty);
  v[s->n] = armjit_input(t, ARMJIT_INT);
  int label = armjit_label(t, v, s->n + 1);
  armjit_val cnt = bin(t, ARMJIT_OP_INT_SUB, v[s->n], armjit_const_int(t, 1));
  armjit_val ok = bin(t, ARMJIT_OP_INT_GE, cnt, armjit_const_int(t, 0));
  for (unsigned k = 0; k < s->n; k++) fail[k] = v[s->n - 1 - k];
  fail[s->n] = cnt;
  armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &ok, 1, fail, s->n + 1);
  armjit_set_name(t, "out");
  for (unsigned k = 0; k < s->n; k++) {
    armjit_val next = v[(k + 1) % s->n];
    if (s->ty == ARMJIT_INT) {
      armjit_val x = bin(t, ARMJIT_OP_INT_XOR, next, armjit_const_int(t, (int32_t)(k * 0x1001)));
      w[k] = bin(t, ARMJIT_OP_INT_ADD, v[k], x);
    } else {
      armjit_val x = bin(t, ARMJIT_OP_FLOAT_MUL, v[k], armjit_const_float(t, 0.5));
      w[k] = bin(t, ARMJIT_OP_FLOAT_ADD, x, next);
    }
  }
  w[s->n] = cnt;
  armjit_jump(t, label, w, s->n + 1);
  return t;
}

static void check_carry(armjit_type ty, unsigned n) {
  carry_spec s = {ty, n};
  jc_case c;
  jc_init(&c, build_carry, &s, ARMJIT_RANDOM_SEED);
  armjit_value in[65];
  for (int32_t trips = 0; trips < 6; trips += 1 + trips) {
    for (unsigned k = 0; k < n; k++)
      in[k] = ty == ARMJIT_INT ? irs_i((int32_t)(k * 0x01010101u)) : irs_f(k * 1.25 - 3.0);
    in[n] = irs_i(trips);
    assert_int_equal(jc_run(&c, in), 0);
    assert_int_equal(c.fi->nvalues, n + 1);
    assert_int_equal(c.fi->values[n].i, -1);
  }
  jc_free(&c);
}

static void test_40_live_ints(void **state) {
  (void)state;
  check_carry(ARMJIT_INT, 40);
}

static void test_20_live_floats(void **state) {
  (void)state;
  check_carry(ARMJIT_FLOAT, 20);
}

/* 30 inputargs cycling int, float, ref; the first int counts the trips.
 * Ints grow, floats scale, refs rotate among the ref positions. */
enum { MIXED = 30 };

static armjit_type mixed_type(unsigned k) {
  static const armjit_type cyc[3] = {ARMJIT_INT, ARMJIT_FLOAT, ARMJIT_REF};
  return cyc[k % 3];
}

static armjit_trace *build_mixed(armjit_ctx *ctx, const void *ud) {
  (void)ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val v[MIXED], w[MIXED], fail[MIXED];
  for (unsigned k = 0; k < MIXED; k++) v[k] = armjit_input(t, mixed_type(k));
  int label = armjit_label(t, v, MIXED);
  armjit_val more = bin(t, ARMJIT_OP_INT_GT, v[0], armjit_const_int(t, 0));
  for (unsigned k = 0; k < MIXED; k++) fail[k] = v[MIXED - 1 - k];
  armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &more, 1, fail, MIXED);
  for (unsigned k = 0; k < MIXED; k++) {
    switch (mixed_type(k)) {
    case ARMJIT_INT:
      w[k] = bin(t, k == 0 ? ARMJIT_OP_INT_SUB : ARMJIT_OP_INT_ADD, v[k],
                 armjit_const_int(t, k == 0 ? 1 : (int32_t)k));
      break;
    case ARMJIT_FLOAT:
      w[k] = bin(t, ARMJIT_OP_FLOAT_MUL, v[k], armjit_const_float(t, 1.5));
      break;
    default:
      w[k] = v[(k + 3) % MIXED]; /* the next ref position */
      break;
    }
  }
  armjit_jump(t, label, w, MIXED);
  return t;
}

static void test_30_mixed_inputargs(void **state) {
  (void)state;
  jc_case c;
  jc_init(&c, build_mixed, NULL, ARMJIT_RANDOM_SEED);
  armjit_value in[MIXED];
  for (int32_t trips = 0; trips <= 7; trips += 1 + trips / 2) {
    for (unsigned k = 0; k < MIXED; k++) {
      switch (mixed_type(k)) {
      case ARMJIT_INT: in[k] = irs_i(k == 0 ? trips : (int32_t)(k * 1000)); break;
      case ARMJIT_FLOAT: in[k] = irs_f(k / 4.0); break;
      default: in[k] = irs_r(0x10000 + k * 16); break;
      }
    }
    assert_int_equal(jc_run(&c, in), 0);
    assert_int_equal(c.fi->nvalues, MIXED);
  }
  jc_free(&c);
}

/* Two guards with the same 1,000 fail args: inputs, computed values,
 * constants of every type, many duplicates. */
enum { NFAIL = 1000, G_INTS = 10, G_FLOATS = 5, G_REFS = 3 };

static armjit_trace *build_big_guard(armjit_ctx *ctx, const void *ud) {
  (void)ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val iv[G_INTS + 20], fv[G_FLOATS + 10], rv[G_REFS];
  for (unsigned k = 0; k < G_INTS; k++) iv[k] = armjit_input(t, ARMJIT_INT);
  for (unsigned k = 0; k < G_FLOATS; k++) fv[k] = armjit_input(t, ARMJIT_FLOAT);
  for (unsigned k = 0; k < G_REFS; k++) rv[k] = armjit_input(t, ARMJIT_REF);
  armjit_val x = armjit_input(t, ARMJIT_INT), y = armjit_input(t, ARMJIT_INT);
  for (unsigned k = 0; k < 20; k++)
    iv[G_INTS + k] = bin(t, ARMJIT_OP_INT_MUL, iv[k % G_INTS], iv[(k + G_INTS + k / 3) % (G_INTS + k)]);
  for (unsigned k = 0; k < 10; k++)
    fv[G_FLOATS + k] = bin(t, ARMJIT_OP_FLOAT_SUB, fv[k % G_FLOATS], fv[(k * 3) % (G_FLOATS + k)]);
  armjit_val *fail = malloc(NFAIL * sizeof *fail);
  assert_non_null(fail);
  for (unsigned k = 0; k < NFAIL; k++) {
    switch (k % 7) {
    case 0: case 3: fail[k] = iv[(k * 7) % (G_INTS + 20)]; break;
    case 1: fail[k] = fv[(k * 5) % (G_FLOATS + 10)]; break;
    case 2: fail[k] = rv[k % G_REFS]; break;
    case 4: fail[k] = armjit_const_int(t, (int32_t)(k * 0x9e3779b9u)); break;
    case 5: fail[k] = armjit_const_float(t, k * -0.375); break;
    default: fail[k] = armjit_const_ref(t, (k & 8) ? 0 : 0x4000 + k); break;
    }
  }
  armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &x, 1, fail, NFAIL);
  armjit_set_name(t, "g_x");
  armjit_guard(t, ARMJIT_OP_GUARD_FALSE, &y, 1, fail, NFAIL);
  armjit_set_name(t, "g_y");
  free(fail);
  armjit_val out[3] = {iv[G_INTS + 19], fv[G_FLOATS + 9], rv[0]};
  armjit_finish(t, out, 3);
  armjit_set_name(t, "passed");
  return t;
}

static void test_guard_1000_fail_args(void **state) {
  (void)state;
  jc_case c;
  jc_init(&c, build_big_guard, NULL, ARMJIT_RANDOM_SEED);
  armjit_value in[G_INTS + G_FLOATS + G_REFS + 2];
  unsigned n = 0;
  for (unsigned k = 0; k < G_INTS; k++) in[n++] = irs_i((int32_t)(k * 12345 - 40000));
  for (unsigned k = 0; k < G_FLOATS; k++) in[n++] = irs_f(k * 0.7 - 1.0);
  for (unsigned k = 0; k < G_REFS; k++) in[n++] = irs_r(0x8000 + k * 4);
  const int32_t xy[4][2] = {{1, 0}, {0, 0}, {1, 1}, {0, 1}};
  const int expect[4] = {2, 0, 1, 0};
  for (int k = 0; k < 4; k++) {
    in[n] = irs_i(xy[k][0]);
    in[n + 1] = irs_i(xy[k][1]);
    assert_int_equal(jc_run(&c, in), expect[k]);
  }
  /* Both guards list the same values: their exits must agree. */
  in[n] = irs_i(0);
  jc_run(&c, in);
  armjit_value *first = malloc(NFAIL * sizeof *first);
  assert_non_null(first);
  for (unsigned k = 0; k < NFAIL; k++) first[k] = c.fi->values[k];
  in[n] = irs_i(1);
  in[n + 1] = irs_i(1);
  assert_int_equal(jc_run(&c, in), 1);
  armjit_exit_info info;
  assert_int_equal(armjit_loop_exit_info(c.loop[0], 1, &info), ARMJIT_OK);
  for (unsigned k = 0; k < NFAIL; k++)
    assert_true(irs_value_same(info.types[k], first[k], c.fc->values[k]));
  free(first);
  jc_free(&c);
}

typedef struct {
  unsigned nops;
  uint32_t seed;
} big_spec;

static armjit_trace *build_big(armjit_ctx *ctx, const void *ud) {
  const big_spec *s = ud;
  return bt_build(ctx, s->nops, s->seed);
}

static void check_big(unsigned nops, uint32_t seed) {
  big_spec s = {nops, seed};
  jc_case c;
  jc_init(&c, build_big, &s, ARMJIT_RANDOM_SEED + seed);
  assert_int_equal(armjit_trace_nops(c.t[0]), nops);
  armjit_value in[BT_NINPUTS];
  for (int32_t trips = 1; trips <= 3; trips += 2) {
    bt_inputs(in, seed * 31 + (uint32_t)trips, trips);
    jc_run(&c, in);
  }
  jc_free(&c);
}

static void test_10000_op_trace(void **state) {
  (void)state;
  check_big(10000, ARMJIT_RANDOM_SEED);
}

static void test_1000_op_traces(void **state) {
  (void)state;
  for (uint32_t seed = 1; seed <= 8; seed++) check_big(1000, ARMJIT_RANDOM_SEED * 100 + seed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_40_live_ints),
      cmocka_unit_test(test_20_live_floats),
      cmocka_unit_test(test_30_mixed_inputargs),
      cmocka_unit_test(test_guard_1000_fail_args),
      cmocka_unit_test(test_1000_op_traces),
      cmocka_unit_test(test_10000_op_trace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
