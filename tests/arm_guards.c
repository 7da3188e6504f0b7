/* SPDX-License-Identifier: MIT */
/* Every guard kind, passing and failing: guard_true/false on plain values
 * and fused with every comparison (operands as variables and constants),
 * guard_value on ints, refs and floats, guard_nonnull/isnull, and
 * guard_(no_)overflow after each _ovf op.  Each exit must hand back exactly
 * its fail args (variables, constants of every type, duplicates, the
 * comparison result itself), with the right exit id, kind and name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

#define NO_OP ARMJIT_OP__COUNT

/* Operand placement for the op that feeds the guard. */
typedef enum { VARS, CONST_RIGHT, CONST_LEFT, CONST_BOTH } placement;

typedef struct {
  armjit_opcode guard;
  armjit_opcode pre;    /* comparison or _ovf op feeding the guard, or NO_OP */
  armjit_type ty;       /* operand type */
  unsigned arity;       /* operands of `pre` (or of the guard when NO_OP) */
  placement place;
  armjit_value k;       /* the constant operand (left one for CONST_BOTH) */
  armjit_value k2;      /* right constant for CONST_BOTH */
} gspec;

static armjit_val constant(armjit_trace *t, armjit_type ty, armjit_value v) {
  if (ty == ARMJIT_INT) return armjit_const_int(t, v.i);
  if (ty == ARMJIT_FLOAT) return armjit_const_float(t, v.f);
  return armjit_const_ref(t, v.r);
}

/* [a, b?, x, y, z]  (x int, y float, z ref: extra values for fail args)
 * r = pre(a, b)
 * guard(r | a, b | ...) [a, r, 42, -0.0, null, ref(0x10), x, y, z, a, b, 1.5]
 * finish(r, a, x) */
static armjit_trace *build_guard(armjit_ctx *ctx, const void *ud) {
  const gspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val a = armjit_input(t, s->ty), b = ARMJIT_NOVAL;
  if (s->arity == 2) b = armjit_input(t, s->ty);
  armjit_val x = armjit_input(t, ARMJIT_INT), y = armjit_input(t, ARMJIT_FLOAT),
             z = armjit_input(t, ARMJIT_REF);
  if (s->place == CONST_RIGHT) b = constant(t, s->ty, s->k);
  if (s->place == CONST_LEFT || s->place == CONST_BOTH) a = constant(t, s->ty, s->k);
  if (s->place == CONST_BOTH && s->arity == 2) b = constant(t, s->ty, s->k2);
  armjit_val ops[2] = {a, b}, r = ARMJIT_NOVAL;
  if (s->pre != NO_OP) r = armjit_op(t, s->pre, ops, s->arity);

  armjit_val gargs[2];
  unsigned ng = 0;
  if (s->guard == ARMJIT_OP_GUARD_TRUE || s->guard == ARMJIT_OP_GUARD_FALSE)
    gargs[ng++] = r != ARMJIT_NOVAL ? r : a;
  else if (s->guard == ARMJIT_OP_GUARD_VALUE) { gargs[ng++] = a; gargs[ng++] = b; }
  else if (s->guard == ARMJIT_OP_GUARD_NONNULL || s->guard == ARMJIT_OP_GUARD_ISNULL)
    gargs[ng++] = a;

  armjit_val fail[16];
  unsigned nf = 0;
  fail[nf++] = a;
  if (r != ARMJIT_NOVAL) fail[nf++] = r;   /* a fused compare must materialize */
  fail[nf++] = armjit_const_int(t, 42);
  fail[nf++] = armjit_const_float(t, -0.0);
  fail[nf++] = armjit_const_ref(t, 0);
  fail[nf++] = armjit_const_ref(t, 0x10);
  fail[nf++] = x;
  fail[nf++] = y;
  fail[nf++] = z;
  fail[nf++] = a;                          /* duplicate */
  if (b != ARMJIT_NOVAL) fail[nf++] = b;
  fail[nf++] = armjit_const_float(t, 1.5);
  armjit_guard(t, s->guard, gargs, ng, fail, nf);
  armjit_set_name(t, "g");
  armjit_val out[3] = {r != ARMJIT_NOVAL ? r : a, a, x};
  armjit_finish(t, out, 3);
  armjit_set_name(t, "ok");
  return t;
}

static const int32_t ivals[] = {0, 1, -1, 2, 5, 255, -256, 0x12345678, INT32_MAX, INT32_MIN};
static const double fvals[] = {0.0, -0.0, 1.5, -1.0, 1e300, INFINITY, -INFINITY, NAN};
static const uintptr_t rvals[] = {0, 0x10, 0x1000, (uintptr_t)0xfffffff0u};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static unsigned nvals(armjit_type ty) {
  return ty == ARMJIT_INT ? N_OF(ivals) : ty == ARMJIT_FLOAT ? N_OF(fvals) : N_OF(rvals);
}

static armjit_value val(armjit_type ty, unsigned k) {
  return ty == ARMJIT_INT ? irs_i(ivals[k]) : ty == ARMJIT_FLOAT ? irs_f(fvals[k]) : irs_r(rvals[k]);
}

/* Runs every operand combination; returns how many runs took the guard
 * exit (0) and how many the finish (1), so callers can check both happen. */
static void run_guard(const gspec *s, unsigned taken[2]) {
  jc_case c;
  jc_init(&c, build_guard, s, ARMJIT_RANDOM_SEED + (uint32_t)s->guard * 64 + (uint32_t)s->pre);
  unsigned nin = armjit_trace_ninputs(c.t[0]), nops = nin - 3;
  armjit_value in[5];
  unsigned n = nvals(s->ty);
  unsigned limit = nops == 2 ? n * n : nops == 1 ? n : 1;
  for (unsigned i = 0; i < limit; i++) {
    unsigned p = 0;
    if (nops >= 1) in[p++] = val(s->ty, nops == 2 ? i / n : i);
    if (nops == 2) in[p++] = val(s->ty, i % n);
    in[p++] = irs_i((int32_t)(i * 1000 + 3));
    in[p++] = irs_f(i * 0.25 - 2.0);
    in[p++] = irs_r(0x5000 + 4 * i);
    int id = jc_run(&c, in);
    assert_true(id == 0 || id == 1);
    taken[id]++;
    if (id == 0) {
      /* Independent of the oracle: the listed constants come back as is. */
      armjit_exit_info info;
      assert_int_equal(armjit_loop_exit_info(c.loop[0], 0, &info), ARMJIT_OK);
      assert_int_equal(info.kind, ARMJIT_EXIT_GUARD);
      assert_string_equal(info.name, "g");
      unsigned k = s->pre != NO_OP ? 2 : 1;
      assert_int_equal(c.fc->values[k].i, 42);
      assert_int_equal(c.fc->values[k + 1].bits, UINT64_C(0x8000000000000000));
      assert_int_equal(c.fc->values[k + 2].r, 0);
      assert_int_equal(c.fc->values[k + 3].r, 0x10);
      assert_int_equal(c.fc->values[k + 4].i, in[p - 3].i);
      assert_true(c.fc->values[c.fc->nvalues - 1].f == 1.5);
    }
  }
  jc_free(&c);
}

static void test_guard_true_false_plain(void **state) {
  (void)state;
  for (int g = 0; g < 2; g++) {
    gspec s = {g ? ARMJIT_OP_GUARD_FALSE : ARMJIT_OP_GUARD_TRUE, NO_OP, ARMJIT_INT, 1, VARS,
               {0}, {0}};
    unsigned taken[2] = {0, 0};
    run_guard(&s, taken);
    assert_true(taken[0] > 0 && taken[1] > 0);
  }
}

static const armjit_opcode int_cmps[] = {
    ARMJIT_OP_INT_LT, ARMJIT_OP_INT_LE, ARMJIT_OP_INT_EQ, ARMJIT_OP_INT_NE,
    ARMJIT_OP_INT_GT, ARMJIT_OP_INT_GE, ARMJIT_OP_UINT_LT, ARMJIT_OP_UINT_LE,
    ARMJIT_OP_UINT_GT, ARMJIT_OP_UINT_GE, ARMJIT_OP_INT_IS_TRUE, ARMJIT_OP_INT_IS_ZERO};
static const armjit_opcode float_cmps[] = {ARMJIT_OP_FLOAT_LT, ARMJIT_OP_FLOAT_LE,
                                           ARMJIT_OP_FLOAT_EQ, ARMJIT_OP_FLOAT_NE,
                                           ARMJIT_OP_FLOAT_GT, ARMJIT_OP_FLOAT_GE};
static const armjit_opcode ptr_cmps[] = {ARMJIT_OP_PTR_EQ, ARMJIT_OP_PTR_NE};

/* Each comparison under guard_true and guard_false, with variables and
 * with each of `nk` constants on either side. */
static void check_cmps(const armjit_opcode *cmps, unsigned ncmp, armjit_type ty,
                       const armjit_value *ks, unsigned nk) {
  for (unsigned i = 0; i < ncmp; i++) {
    bool unary = cmps[i] == ARMJIT_OP_INT_IS_TRUE || cmps[i] == ARMJIT_OP_INT_IS_ZERO;
    for (int g = 0; g < 2; g++) {
      unsigned taken[2] = {0, 0};
      gspec s = {g ? ARMJIT_OP_GUARD_FALSE : ARMJIT_OP_GUARD_TRUE, cmps[i], ty,
                 unary ? 1 : 2, VARS, {0}, {0}};
      run_guard(&s, taken);
      assert_true(taken[0] > 0 && taken[1] > 0);
      if (unary) continue;
      for (unsigned k = 0; k < nk; k++) {
        s.k = ks[k];
        s.place = CONST_RIGHT;
        run_guard(&s, taken);
        s.place = CONST_LEFT;
        run_guard(&s, taken);
      }
    }
  }
}

static void test_guard_int_compare(void **state) {
  (void)state;
  const armjit_value ks[] = {irs_i(0), irs_i(5), irs_i(-1), irs_i(255), irs_i(-256),
                             irs_i(0x12345678), irs_i(INT32_MIN)};
  check_cmps(int_cmps, N_OF(int_cmps), ARMJIT_INT, ks, N_OF(ks));
}

static void test_guard_float_compare(void **state) {
  (void)state;
  const armjit_value ks[] = {irs_f(0.0), irs_f(-0.0), irs_f(1.5), irs_f(NAN), irs_f(INFINITY)};
  check_cmps(float_cmps, N_OF(float_cmps), ARMJIT_FLOAT, ks, N_OF(ks));
}

static void test_guard_ptr_compare(void **state) {
  (void)state;
  const armjit_value ks[] = {irs_r(0), irs_r(0x10), irs_r((uintptr_t)0xfffffff0u)};
  check_cmps(ptr_cmps, N_OF(ptr_cmps), ARMJIT_REF, ks, N_OF(ks));
}

static void check_guard_value(armjit_type ty, const armjit_value *ks, unsigned nk) {
  unsigned taken[2] = {0, 0};
  gspec s = {ARMJIT_OP_GUARD_VALUE, NO_OP, ty, 2, VARS, {0}, {0}};
  run_guard(&s, taken);
  assert_true(taken[0] > 0 && taken[1] > 0);
  for (unsigned k = 0; k < nk; k++) {
    s.k = ks[k];
    s.place = CONST_RIGHT;
    run_guard(&s, taken);
    s.place = CONST_LEFT;
    run_guard(&s, taken);
  }
}

static void test_guard_value_int(void **state) {
  (void)state;
  const armjit_value ks[] = {irs_i(0), irs_i(1), irs_i(-1), irs_i(255), irs_i(-256), irs_i(1001),
                             irs_i(0x12345678), irs_i(INT32_MAX), irs_i(INT32_MIN)};
  check_guard_value(ARMJIT_INT, ks, N_OF(ks));
}

static void test_guard_value_ref(void **state) {
  (void)state;
  const armjit_value ks[] = {irs_r(0), irs_r(0x10), irs_r(0x1000), irs_r((uintptr_t)0xfffffff0u)};
  check_guard_value(ARMJIT_REF, ks, N_OF(ks));
}

static void test_guard_value_float(void **state) {
  (void)state;
  const armjit_value ks[] = {irs_f(0.0), irs_f(-0.0), irs_f(1.5), irs_f(NAN), irs_f(-INFINITY)};
  check_guard_value(ARMJIT_FLOAT, ks, N_OF(ks));
}

static void test_guard_null(void **state) {
  (void)state;
  const armjit_opcode g[2] = {ARMJIT_OP_GUARD_NONNULL, ARMJIT_OP_GUARD_ISNULL};
  for (int k = 0; k < 2; k++) {
    unsigned taken[2] = {0, 0};
    gspec s = {g[k], NO_OP, ARMJIT_REF, 1, VARS, {0}, {0}};
    run_guard(&s, taken);
    assert_true(taken[0] > 0 && taken[1] > 0);
  }
}

static void test_guard_overflow(void **state) {
  (void)state;
  const armjit_opcode ovf[] = {ARMJIT_OP_INT_ADD_OVF, ARMJIT_OP_INT_SUB_OVF,
                               ARMJIT_OP_INT_MUL_OVF};
  const armjit_opcode g[2] = {ARMJIT_OP_GUARD_NO_OVERFLOW, ARMJIT_OP_GUARD_OVERFLOW};
  const armjit_value ks[] = {irs_i(1), irs_i(-1), irs_i(2), irs_i(0x10000), irs_i(INT32_MIN)};
  for (unsigned i = 0; i < N_OF(ovf); i++)
    for (int k = 0; k < 2; k++) {
      unsigned taken[2] = {0, 0};
      gspec s = {g[k], ovf[i], ARMJIT_INT, 2, VARS, {0}, {0}};
      run_guard(&s, taken);
      assert_true(taken[0] > 0 && taken[1] > 0);
      for (unsigned c = 0; c < N_OF(ks); c++) {
        s.k = ks[c];
        s.place = CONST_RIGHT;
        run_guard(&s, taken);
        s.place = CONST_LEFT;
        run_guard(&s, taken);
      }
    }
}

/* Guards whose operands are all constants: they always pass or always
 * fail, and the compiler must still take the right exit with the values. */
static void test_guard_constant_operands(void **state) {
  (void)state;
  static const armjit_opcode plain[] = {ARMJIT_OP_GUARD_TRUE, ARMJIT_OP_GUARD_FALSE};
  for (unsigned g = 0; g < 2; g++)
    for (unsigned k = 0; k < 4; k++) {
      unsigned taken[2] = {0, 0};
      gspec s = {plain[g], NO_OP, ARMJIT_INT, 1, CONST_BOTH, val(ARMJIT_INT, k), {0}};
      run_guard(&s, taken);
    }
  static const armjit_opcode nulls[] = {ARMJIT_OP_GUARD_NONNULL, ARMJIT_OP_GUARD_ISNULL};
  for (unsigned g = 0; g < 2; g++)
    for (unsigned k = 0; k < 2; k++) {
      unsigned taken[2] = {0, 0};
      gspec s = {nulls[g], NO_OP, ARMJIT_REF, 1, CONST_BOTH, val(ARMJIT_REF, k), {0}};
      run_guard(&s, taken);
    }
  /* guard_value and fused comparisons of two constants, equal or not. */
  const armjit_type tys[3] = {ARMJIT_INT, ARMJIT_FLOAT, ARMJIT_REF};
  for (unsigned ti = 0; ti < 3; ti++)
    for (unsigned i = 0; i < 3; i++)
      for (unsigned j = 0; j < 3; j++) {
        unsigned taken[2] = {0, 0};
        gspec s = {ARMJIT_OP_GUARD_VALUE, NO_OP, tys[ti], 2, CONST_BOTH, val(tys[ti], i),
                   val(tys[ti], j)};
        run_guard(&s, taken);
      }
  static const struct { armjit_opcode op; armjit_type ty; } cmps[] = {
      {ARMJIT_OP_INT_LT, ARMJIT_INT},       {ARMJIT_OP_UINT_GE, ARMJIT_INT},
      {ARMJIT_OP_INT_EQ, ARMJIT_INT},       {ARMJIT_OP_FLOAT_LE, ARMJIT_FLOAT},
      {ARMJIT_OP_FLOAT_NE, ARMJIT_FLOAT},   {ARMJIT_OP_PTR_EQ, ARMJIT_REF},
      {ARMJIT_OP_INT_ADD_OVF, ARMJIT_INT},  {ARMJIT_OP_INT_MUL_OVF, ARMJIT_INT}};
  for (unsigned c = 0; c < sizeof cmps / sizeof cmps[0]; c++) {
    bool ovf = cmps[c].op == ARMJIT_OP_INT_ADD_OVF || cmps[c].op == ARMJIT_OP_INT_MUL_OVF;
    armjit_type ty = cmps[c].ty;
    for (unsigned i = 0; i < nvals(ty); i += 3)
      for (unsigned j = 0; j < nvals(ty); j += 2) {
        unsigned taken[2] = {0, 0};
        gspec s = {ovf ? ARMJIT_OP_GUARD_NO_OVERFLOW : ARMJIT_OP_GUARD_TRUE, cmps[c].op, ty, 2,
                   CONST_BOTH, val(ty, i), val(ty, j)};
        run_guard(&s, taken);
      }
  }
}

/* Several exits: ids in trace order (guards and finishes share them),
 * kinds, names (or none), value counts and types; each exit taken. */
static const char exits_text[] =
    "[i0, f1, p2]\n"
    "i3 = int_add(i0, 1)\n"
    "guard_true(i0, descr=first) [i0, i0, 7, f1, p2]\n"
    "i4 = int_eq(i0, 1)\n"
    "guard_false(i4) [f1, i3]\n"
    "guard_nonnull(p2, descr=third) []\n"
    "i5 = int_eq(i0, 2)\n"
    "guard_false(i5, descr=fourth) [p2, 2.5, i5, i3]\n"
    "finish(i3, f1, descr=end)\n";

static void test_exit_ids_and_names(void **state) {
  (void)state;
  jc_case c;
  jc_init_text(&c, exits_text, ARMJIT_RANDOM_SEED);
  static const struct {
    armjit_exit_kind kind;
    const char *name;
    unsigned n;
    armjit_type types[5];
  } want[] = {
      {ARMJIT_EXIT_GUARD, "first", 5,
       {ARMJIT_INT, ARMJIT_INT, ARMJIT_INT, ARMJIT_FLOAT, ARMJIT_REF}},
      {ARMJIT_EXIT_GUARD, NULL, 2, {ARMJIT_FLOAT, ARMJIT_INT}},
      {ARMJIT_EXIT_GUARD, "third", 0, {0}},
      {ARMJIT_EXIT_GUARD, "fourth", 4, {ARMJIT_REF, ARMJIT_FLOAT, ARMJIT_INT, ARMJIT_INT}},
      {ARMJIT_EXIT_FINISH, "end", 2, {ARMJIT_INT, ARMJIT_FLOAT}},
  };
  assert_int_equal(armjit_loop_nexits(c.loop[0]), N_OF(want));
  for (unsigned e = 0; e < N_OF(want); e++) {
    armjit_exit_info info;
    assert_int_equal(armjit_loop_exit_info(c.loop[0], (int)e, &info), ARMJIT_OK);
    assert_int_equal(info.kind, want[e].kind);
    if (want[e].name) assert_string_equal(info.name, want[e].name);
    else assert_null(info.name);
    assert_int_equal(info.nvalues, want[e].n);
    for (unsigned k = 0; k < want[e].n; k++) assert_int_equal(info.types[k], want[e].types[k]);
  }
  armjit_exit_info bad;
  assert_int_not_equal(armjit_loop_exit_info(c.loop[0], (int)N_OF(want), &bad), ARMJIT_OK);
  assert_int_not_equal(armjit_loop_exit_info(c.loop[0], -1, &bad), ARMJIT_OK);

  /* i0 = 0 -> first; 1 -> second; null p2 -> third; 2 -> fourth; 5 -> end. */
  const struct { int32_t i; uintptr_t p; int exit; } runs[] = {
      {0, 0x10, 0}, {1, 0x10, 1}, {3, 0, 2}, {2, 0x10, 3}, {5, 0x10, 4}, {-1, 0x20, 4}};
  for (unsigned k = 0; k < N_OF(runs); k++) {
    armjit_value in[3] = {irs_i(runs[k].i), irs_f(-3.5), irs_r(runs[k].p)};
    assert_int_equal(jc_run(&c, in), runs[k].exit);
  }
  /* The first exit hands back exactly [i0, i0, 7, f1, p2]. */
  armjit_value in[3] = {irs_i(0), irs_f(-3.5), irs_r(0x1234)};
  assert_int_equal(jc_run(&c, in), 0);
  assert_int_equal(c.fc->values[0].i, 0);
  assert_int_equal(c.fc->values[1].i, 0);
  assert_int_equal(c.fc->values[2].i, 7);
  assert_true(c.fc->values[3].f == -3.5);
  assert_int_equal(c.fc->values[4].r, 0x1234);
  jc_free(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_guard_true_false_plain),
      cmocka_unit_test(test_guard_int_compare),
      cmocka_unit_test(test_guard_float_compare),
      cmocka_unit_test(test_guard_ptr_compare),
      cmocka_unit_test(test_guard_value_int),
      cmocka_unit_test(test_guard_value_ref),
      cmocka_unit_test(test_guard_value_float),
      cmocka_unit_test(test_guard_null),
      cmocka_unit_test(test_guard_overflow),
      cmocka_unit_test(test_guard_constant_operands),
      cmocka_unit_test(test_exit_ids_and_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
