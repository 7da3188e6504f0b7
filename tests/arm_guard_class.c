/* SPDX-License-Identifier: MIT */
/* guard_class and guard_nonnull_class compiled against the interpreter:
 * class offsets near and far (the context's class_offset), the object and
 * the class as variables and constants (classes that are a modified
 * immediate, one only its negation is, and one that is neither), passing,
 * failing on the wrong class and, for nonnull_class, failing on null
 * without touching memory.  guard_value on refs and floats: NaN never
 * passes, -0.0 passes against 0.0. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

enum { ARENA = 64 };

typedef struct {
  armjit_opcode op;
  int32_t class_offset;
  bool p_const, c_const;
  uintptr_t p, cls;  /* the constants */
} gspec;

/* [p?, c?, x, f]
 * guard(p, c) [p, x, f, c]
 * finish(x, p) */
static armjit_trace *build_class(armjit_ctx *ctx, const void *ud) {
  const gspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val p = s->p_const ? armjit_const_ref(t, s->p) : armjit_input(t, ARMJIT_REF);
  armjit_val c = s->c_const ? armjit_const_ref(t, s->cls) : armjit_input(t, ARMJIT_REF);
  armjit_val x = armjit_input(t, ARMJIT_INT), f = armjit_input(t, ARMJIT_FLOAT);
  armjit_guard(t, s->op, (armjit_val[]){p, c}, 2, (armjit_val[]){p, x, f, c}, 4);
  armjit_finish(t, (armjit_val[]){x, p}, 2);
  return t;
}

/* Two objects whose class words hold k1 and k2, and null. */
static const uintptr_t classes[] = {0x100, (uintptr_t)0xffffff00u, (uintptr_t)0x8a5c1234u};

static void run_class(armjit_opcode op, int32_t off, uint32_t *obj, unsigned taken[2]) {
  /* obj[0], obj[1]: class words; p points class_offset before them */
  uintptr_t objs[3] = {(uintptr_t)&obj[0] - (uintptr_t)(intptr_t)off,
                       (uintptr_t)&obj[1] - (uintptr_t)(intptr_t)off, 0};
  unsigned nobj = op == ARMJIT_OP_GUARD_NONNULL_CLASS ? 3 : 2;
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.class_offset = off;
  for (unsigned kc = 0; kc < N_OF(classes); kc++) {
    obj[0] = (uint32_t)classes[kc];
    obj[1] = (uint32_t)classes[(kc + 1) % N_OF(classes)];
    for (int pc = 0; pc < 2; pc++)
      for (int cc = 0; cc < 2; cc++)
        for (unsigned po = 0; po < (pc ? nobj : 1); po++) {
          gspec s = {op, off, pc, cc, objs[po], classes[kc]};
          jc_case c;
          jc_init_opts(&c, build_class, &s, ARMJIT_RANDOM_SEED + kc, &o);
          for (unsigned pv = 0; pv < (pc ? 1 : nobj); pv++)
            for (unsigned cv = 0; cv < (cc ? 1 : N_OF(classes)); cv++) {
              armjit_value in[4];
              unsigned n = 0;
              if (!pc) in[n++] = irs_r(objs[pv]);
              if (!cc) in[n++] = irs_r(classes[cv]);
              in[n++] = irs_i(77);
              in[n++] = irs_f(-2.5);
              int id = jc_run(&c, in);
              assert_true(id == 0 || id == 1);
              taken[id]++;
              /* independent of the oracle */
              uintptr_t p = pc ? objs[po] : objs[pv], k = cc ? classes[kc] : classes[cv];
              bool pass = p != 0 && (p == objs[0] ? obj[0] : obj[1]) == k;
              assert_int_equal(id, pass ? 1 : 0);
            }
          jc_free(&c);
        }
  }
}

static const int32_t offsets[] = {0, 4, -8, 4092, 4096, -5000, 70000};

static void test_guard_class(void **state) {
  (void)state;
  uint32_t *obj = aligned_alloc(8, ARENA);
  assert_non_null(obj);
  for (unsigned k = 0; k < N_OF(offsets); k++) {
    unsigned taken[2] = {0, 0};
    run_class(ARMJIT_OP_GUARD_CLASS, offsets[k], obj, taken);
    assert_true(taken[0] > 0 && taken[1] > 0);
  }
  free(obj);
}

static void test_guard_nonnull_class(void **state) {
  (void)state;
  uint32_t *obj = aligned_alloc(8, ARENA);
  assert_non_null(obj);
  for (unsigned k = 0; k < N_OF(offsets); k++) {
    unsigned taken[2] = {0, 0};
    run_class(ARMJIT_OP_GUARD_NONNULL_CLASS, offsets[k], obj, taken);
    assert_true(taken[0] > 0 && taken[1] > 0);
  }
  free(obj);
}

/* ---- guard_value on refs and floats ------------------------------------------- */
typedef struct {
  armjit_type type;
  int kconst;        /* -1: both variables; else index of the constant */
} vspec;

static const uintptr_t rvals[] = {0, 0x10, (uintptr_t)0xffffffffu, (uintptr_t)0x8a5c1234u};
static double fval(unsigned k) {
  const double v[] = {0.0, -0.0, 1.5, -1e-310, INFINITY, NAN};
  if (k < N_OF(v)) return v[k];
  return irs_dbl(UINT64_C(0xfff0000000000123));  /* a negative NaN with payload */
}
enum { NF = 7 };

static armjit_value vval(armjit_type ty, unsigned k) {
  return ty == ARMJIT_REF ? irs_r(rvals[k]) : irs_f(fval(k));
}

/* [a, b?] guard_value(a, b | K) [a, b] ; finish(a) */
static armjit_trace *build_value(armjit_ctx *ctx, const void *ud) {
  const vspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val a = armjit_input(t, s->type), b;
  if (s->kconst < 0) b = armjit_input(t, s->type);
  else if (s->type == ARMJIT_REF) b = armjit_const_ref(t, rvals[s->kconst]);
  else b = armjit_const_float(t, fval((unsigned)s->kconst));
  armjit_guard(t, ARMJIT_OP_GUARD_VALUE, (armjit_val[]){a, b}, 2, (armjit_val[]){a, b}, 2);
  armjit_finish(t, &a, 1);
  return t;
}

static void check_value(armjit_type ty) {
  unsigned n = ty == ARMJIT_REF ? N_OF(rvals) : NF;
  unsigned taken[2] = {0, 0};
  for (int kc = -1; kc < (int)n; kc++) {
    vspec s = {ty, kc};
    jc_case c;
    jc_init(&c, build_value, &s, ARMJIT_RANDOM_SEED + (unsigned)(kc + 1));
    for (unsigned i = 0; i < n; i++)
      for (unsigned j = 0; j < (kc < 0 ? n : 1); j++) {
        armjit_value in[2] = {vval(ty, i), vval(ty, kc < 0 ? j : (unsigned)kc)};
        int id = jc_run(&c, in);
        taken[id]++;
        bool pass = ty == ARMJIT_REF ? in[0].r == in[1].r : in[0].f == in[1].f;
        assert_int_equal(id, pass ? 1 : 0);
      }
    jc_free(&c);
  }
  assert_true(taken[0] > 0 && taken[1] > 0);
}

static void test_guard_value_ref(void **state) {
  (void)state;
  check_value(ARMJIT_REF);
}

static void test_guard_value_float(void **state) {
  (void)state;
  /* 0.0 == -0.0 passes, NaN never does (not even against itself) */
  check_value(ARMJIT_FLOAT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_guard_class),
      cmocka_unit_test(test_guard_nonnull_class),
      cmocka_unit_test(test_guard_value_ref),
      cmocka_unit_test(test_guard_value_float),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
