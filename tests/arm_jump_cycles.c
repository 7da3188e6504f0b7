/* SPDX-License-Identifier: MIT */
/* Jumps whose arguments permute the label's arguments: the parallel move
 * at the loop back-edge must resolve cycles (rotations, swaps), fan-out,
 * constants into loop-carried positions, ints and floats together, with
 * enough values that some label arguments live in stack slots.  Each loop
 * runs for several trip counts and leaves through a guard listing every
 * carried value, so a wrong move shows as a wrong value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

enum { MAXV = 72 };
#define CONST_SRC (-1)

typedef struct {
  unsigned n;
  armjit_type ty[MAXV];
  int src[MAXV];       /* carried value k of the next iteration comes from
                          src[k], or is a constant (CONST_SRC) */
  bool bump[MAXV];     /* ... plus 1 (int) / 0.5 (float) */
} perm_spec;

static armjit_val bin(armjit_trace *t, armjit_opcode op, armjit_val a, armjit_val b) {
  armjit_val args[2] = {a, b};
  return armjit_op(t, op, args, 2);
}

static armjit_val constant_for(armjit_trace *t, armjit_type ty, unsigned k) {
  if (ty == ARMJIT_INT) return armjit_const_int(t, (int32_t)(0x1000 * k + 7));
  if (ty == ARMJIT_FLOAT) return armjit_const_float(t, -0.25 * k);
  return armjit_const_ref(t, k % 2 ? 0 : 0x2000 + 8 * k);
}

static armjit_trace *build_perm(armjit_ctx *ctx, const void *ud) {
  const perm_spec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val v[MAXV + 1], w[MAXV + 1];
  for (unsigned k = 0; k < s->n; k++) v[k] = armjit_input(t, s->ty[k]);
  v[s->n] = armjit_input(t, ARMJIT_INT);
  int label = armjit_label(t, v, s->n + 1);
  armjit_set_name(t, "L");
  armjit_val more = bin(t, ARMJIT_OP_INT_GT, v[s->n], armjit_const_int(t, 0));
  armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &more, 1, v, s->n + 1);
  armjit_set_name(t, "done");
  for (unsigned k = 0; k < s->n; k++) {
    if (s->src[k] == CONST_SRC) { w[k] = constant_for(t, s->ty[k], k); continue; }
    w[k] = v[s->src[k]];
    if (!s->bump[k]) continue;
    if (s->ty[k] == ARMJIT_INT) w[k] = bin(t, ARMJIT_OP_INT_ADD, w[k], armjit_const_int(t, 1));
    else if (s->ty[k] == ARMJIT_FLOAT)
      w[k] = bin(t, ARMJIT_OP_FLOAT_ADD, w[k], armjit_const_float(t, 0.5));
  }
  w[s->n] = bin(t, ARMJIT_OP_INT_SUB, v[s->n], armjit_const_int(t, 1));
  armjit_jump(t, label, w, s->n + 1);
  return t;
}

/* Distinct inputs, so any misplaced value is visible. */
static void run_perm(const perm_spec *s, int max_trips) {
  jc_case c;
  jc_init(&c, build_perm, s, ARMJIT_RANDOM_SEED);
  armjit_value in[MAXV + 1];
  for (unsigned k = 0; k < s->n; k++) {
    if (s->ty[k] == ARMJIT_INT) in[k] = irs_i((int32_t)(100 * k + 1));
    else if (s->ty[k] == ARMJIT_FLOAT) in[k] = irs_f(k + 0.125);
    else in[k] = irs_r(0x10000 + 16 * k);
  }
  for (int trips = 0; trips <= max_trips; trips++) {
    in[s->n] = irs_i(trips);
    assert_int_equal(jc_run(&c, in), 0);
    assert_int_equal(c.fi->nvalues, s->n + 1);
  }
  jc_free(&c);
}

static void init_spec(perm_spec *s, unsigned n, armjit_type ty) {
  memset(s, 0, sizeof *s);
  s->n = n;
  for (unsigned k = 0; k < n; k++) { s->ty[k] = ty; s->src[k] = (int)k; }
}

/* Rotate the positions of one type among themselves by `by`. */
static void rotate_type(perm_spec *s, armjit_type ty, unsigned by) {
  unsigned pos[MAXV], m = 0;
  for (unsigned k = 0; k < s->n; k++)
    if (s->ty[k] == ty) pos[m++] = k;
  for (unsigned j = 0; j < m; j++) s->src[pos[j]] = (int)pos[(j + by) % m];
}

/* Positions of one type take the values of the same type in reverse. */
static void reverse_type(perm_spec *s, armjit_type ty) {
  unsigned pos[MAXV], m = 0;
  for (unsigned k = 0; k < s->n; k++)
    if (s->ty[k] == ty) pos[m++] = k;
  for (unsigned j = 0; j < m; j++) s->src[pos[j]] = (int)pos[m - 1 - j];
}

static void test_rotate_10_ints(void **state) {
  (void)state;
  perm_spec s;
  init_spec(&s, 10, ARMJIT_INT);
  rotate_type(&s, ARMJIT_INT, 1);
  run_perm(&s, 12);
  rotate_type(&s, ARMJIT_INT, 9); /* the other direction */
  run_perm(&s, 12);
}

static void test_rotate_10_floats(void **state) {
  (void)state;
  perm_spec s;
  init_spec(&s, 10, ARMJIT_FLOAT);
  rotate_type(&s, ARMJIT_FLOAT, 3);
  run_perm(&s, 12);
}

static void test_pairwise_swaps(void **state) {
  (void)state;
  perm_spec s;
  init_spec(&s, 10, ARMJIT_INT);
  for (unsigned k = 0; k < 10; k++) s.src[k] = (int)(k ^ 1);
  run_perm(&s, 5);
  init_spec(&s, 8, ARMJIT_FLOAT);
  for (unsigned k = 0; k < 8; k++) s.src[k] = (int)(k ^ 1);
  run_perm(&s, 5);
}

/* Ints and floats interleaved, each type rotated (and a few bumped). */
static void test_mixed_int_float(void **state) {
  (void)state;
  perm_spec s;
  memset(&s, 0, sizeof s);
  s.n = 16;
  for (unsigned k = 0; k < s.n; k++) s.ty[k] = k % 2 ? ARMJIT_FLOAT : ARMJIT_INT;
  rotate_type(&s, ARMJIT_INT, 1);
  rotate_type(&s, ARMJIT_FLOAT, 5);
  s.bump[2] = s.bump[5] = true;
  run_perm(&s, 9);
  /* Refs join the cycle too. */
  for (unsigned k = 0; k < s.n; k += 4) s.ty[k] = ARMJIT_REF;
  rotate_type(&s, ARMJIT_INT, 1);
  rotate_type(&s, ARMJIT_REF, 1);
  run_perm(&s, 9);
}

/* More label arguments than registers: 40 ints (r0-r10 hold at most 11)
 * and 24 floats (d0-d14), so cycles run through stack slots. */
static void test_cycles_through_stack(void **state) {
  (void)state;
  perm_spec s;
  memset(&s, 0, sizeof s);
  s.n = 64;
  for (unsigned k = 0; k < s.n; k++) s.ty[k] = k % 8 < 5 ? ARMJIT_INT : ARMJIT_FLOAT;
  rotate_type(&s, ARMJIT_INT, 7);
  rotate_type(&s, ARMJIT_FLOAT, 1);
  for (unsigned k = 0; k < s.n; k += 9) s.bump[k] = true;
  run_perm(&s, 6);
  /* Reverse order: many 2-cycles, register<->slot and slot<->slot. */
  reverse_type(&s, ARMJIT_INT);
  reverse_type(&s, ARMJIT_FLOAT);
  memset(s.bump, 0, sizeof s.bump);
  run_perm(&s, 4);
}

/* Constants into loop-carried positions, between cycles and fan-out (one
 * value feeding two positions). */
static void test_constants_and_fanout(void **state) {
  (void)state;
  perm_spec s;
  memset(&s, 0, sizeof s);
  s.n = 18;
  for (unsigned k = 0; k < s.n; k++)
    s.ty[k] = k < 10 ? ARMJIT_INT : k < 15 ? ARMJIT_FLOAT : ARMJIT_REF;
  rotate_type(&s, ARMJIT_INT, 2);
  rotate_type(&s, ARMJIT_FLOAT, 1);
  rotate_type(&s, ARMJIT_REF, 1);
  s.src[3] = CONST_SRC;
  s.src[8] = CONST_SRC;
  s.src[11] = CONST_SRC;
  s.src[16] = CONST_SRC;
  s.src[5] = s.src[6]; /* fan-out */
  s.src[13] = 12;
  s.src[14] = 12;
  run_perm(&s, 7);
  /* Every position constant. */
  for (unsigned k = 0; k < s.n; k++) s.src[k] = CONST_SRC;
  run_perm(&s, 3);
}

/* Same pressure under many random allocator seeds: different register
 * choices give different move graphs. */
static void test_random_allocations(void **state) {
  (void)state;
  perm_spec s;
  memset(&s, 0, sizeof s);
  s.n = 30;
  for (unsigned k = 0; k < s.n; k++) s.ty[k] = k % 3 == 2 ? ARMJIT_FLOAT : ARMJIT_INT;
  rotate_type(&s, ARMJIT_INT, 3);
  rotate_type(&s, ARMJIT_FLOAT, 2);
  s.src[0] = CONST_SRC;
  for (uint32_t seed = 1; seed <= 12; seed++) {
    jc_case c;
    jc_init(&c, build_perm, &s, seed * 7919u);
    armjit_value in[MAXV + 1];
    for (unsigned k = 0; k < s.n; k++)
      in[k] = s.ty[k] == ARMJIT_INT ? irs_i((int32_t)(k * 3 + 1)) : irs_f(k * 0.5);
    for (int trips = 0; trips <= 4; trips++) {
      in[s.n] = irs_i(trips);
      jc_run(&c, in);
    }
    jc_free(&c);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rotate_10_ints),
      cmocka_unit_test(test_rotate_10_floats),
      cmocka_unit_test(test_pairwise_swaps),
      cmocka_unit_test(test_mixed_int_float),
      cmocka_unit_test(test_cycles_through_stack),
      cmocka_unit_test(test_constants_and_fanout),
      cmocka_unit_test(test_random_allocations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
