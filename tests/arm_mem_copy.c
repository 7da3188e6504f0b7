/* SPDX-License-Identifier: MIT */
/* copystrcontent / copyunicodecontent compiled against the interpreter:
 * str and unicode (2 and 4 bytes), overlapping ranges in one buffer
 * (forward and backward: memmove semantics), lengths 0, negative and
 * positive, every operand as a variable or a constant; values of every
 * type that live across the call must survive it (memcheck.h compares
 * the memory after each run too). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "memcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

enum { BASE = 8 };

/* copy(src, dst, srcstart, dststart, n): which operands are constants */
enum { K_SRC = 1, K_DST = 2, K_SS = 4, K_DS = 8, K_N = 16 };

typedef struct {
  uint32_t item;        /* 1: str, 2/4: unicode */
  unsigned kmask;
  uintptr_t src, dst;
  int32_t ss, ds, n;
} cspec;

static armjit_trace *build_copy(armjit_ctx *ctx, const void *ud) {
  const cspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val a[5];
  a[0] = s->kmask & K_SRC ? armjit_const_ref(t, s->src) : armjit_input(t, ARMJIT_REF);
  a[1] = s->kmask & K_DST ? armjit_const_ref(t, s->dst) : armjit_input(t, ARMJIT_REF);
  a[2] = s->kmask & K_SS ? armjit_const_int(t, s->ss) : armjit_input(t, ARMJIT_INT);
  a[3] = s->kmask & K_DS ? armjit_const_int(t, s->ds) : armjit_input(t, ARMJIT_INT);
  a[4] = s->kmask & K_N ? armjit_const_int(t, s->n) : armjit_input(t, ARMJIT_INT);
  /* values that must survive the call */
  armjit_val li = armjit_input(t, ARMJIT_INT), lf = armjit_input(t, ARMJIT_FLOAT),
             lr = armjit_input(t, ARMJIT_REF);
  armjit_val sum = armjit_op(t, ARMJIT_OP_INT_ADD, (armjit_val[]){li, a[4]}, 2);
  armjit_val fs = armjit_op(t, ARMJIT_OP_FLOAT_ADD, (armjit_val[]){lf, lf}, 2);
  int d = s->item == 1 ? armjit_descr_str(t, &(armjit_str_descr){BASE, 1, 0})
                       : armjit_descr_unicode(t, &(armjit_str_descr){BASE, s->item, 0});
  armjit_op_descr(t, s->item == 1 ? ARMJIT_OP_COPYSTRCONTENT : ARMJIT_OP_COPYUNICODECONTENT,
                  a, 5, d);
  armjit_val out[8] = {li, lf, lr, sum, fs, a[0], a[2], a[4]};
  armjit_finish(t, out, 8);
  return t;
}

static void run_copy(const cspec *s, mc_arena *a) {
  jc_case c;
  jc_init(&c, build_copy, s, ARMJIT_RANDOM_SEED + s->kmask);
  armjit_value in[8];
  unsigned n = 0;
  if (!(s->kmask & K_SRC)) in[n++] = irs_r(s->src);
  if (!(s->kmask & K_DST)) in[n++] = irs_r(s->dst);
  if (!(s->kmask & K_SS)) in[n++] = irs_i(s->ss);
  if (!(s->kmask & K_DS)) in[n++] = irs_i(s->ds);
  if (!(s->kmask & K_N)) in[n++] = irs_i(s->n);
  in[n++] = irs_i(-12345);
  in[n++] = irs_f(0.1);
  in[n++] = irs_r((uintptr_t)0xcafef00du);
  assert_int_equal(mc_run(&c, in, &a->r, 1), 0);
  /* independent of the oracle: the copy happened (or did not) */
  const uint8_t *src = a->init + (s->src - (uintptr_t)a->mem) + BASE + s->ss * (int32_t)s->item;
  const uint8_t *dst = a->mem + (s->dst - (uintptr_t)a->mem) + BASE + s->ds * (int32_t)s->item;
  if (s->n > 0) assert_memory_equal(dst, src, (size_t)s->n * s->item);
  else assert_memory_equal(a->mem, a->init, MC_ARENA);
  jc_free(&c);
}

static void test_copy_content(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 151, 7);
  uintptr_t m = (uintptr_t)a.mem;
  /* src, dst offsets in the arena; starts; lengths */
  static const struct { uint32_t so, doff; int32_t ss, ds; } places[] = {
      {0, 0, 0, 3},     /* same buffer, copy forward over itself */
      {0, 0, 5, 1},     /* backward */
      {0, 0, 7, 7},     /* src == dst */
      {0, 256, 2, 9},   /* disjoint */
      {256, 512, 100, -100}, /* negative start */
  };
  static const int32_t lens[] = {0, -1, -100, INT32_MIN, 1, 2, 5, 17, 40};
  static const uint32_t items[] = {1, 2, 4};
  static const unsigned masks[] = {0, K_N, K_SS | K_DS, K_SRC | K_DST,
                                   K_SRC | K_DST | K_SS | K_DS | K_N};
  for (unsigned it = 0; it < N_OF(items); it++)
    for (unsigned p = 0; p < N_OF(places); p++)
      for (unsigned l = 0; l < N_OF(lens); l++)
        for (unsigned mk = 0; mk < N_OF(masks); mk++) {
          cspec s = {items[it], masks[mk], m + places[p].so, m + places[p].doff,
                     places[p].ss, places[p].ds, lens[l]};
          run_copy(&s, &a);
        }
  mc_arena_free(&a);
}

/* Many values of every type live across two copies: caller-saved
 * registers are clobbered by memmove, so they must be moved or spilled. */
enum { NLIVE = 14 };

typedef struct {
  uintptr_t mem;
} pspec;

static armjit_trace *build_pressure(armjit_ctx *ctx, const void *ud) {
  const pspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val p = armjit_input(t, ARMJIT_REF), n = armjit_input(t, ARMJIT_INT);
  int di = armjit_descr_array(t, &(armjit_array_descr){0, 4, true, ARMJIT_INT, false, 0});
  int df = armjit_descr_array(t, &(armjit_array_descr){0, 8, false, ARMJIT_FLOAT, false, 0});
  int dh = armjit_descr_array(t, &(armjit_array_descr){0, 2, true, ARMJIT_INT, false, 0});
  int ds = armjit_descr_str(t, &(armjit_str_descr){BASE, 1, 0});
  armjit_val iv[NLIVE], fv[NLIVE], out[3 * NLIVE + 1];
  unsigned no = 0;
  for (int k = 0; k < NLIVE; k++) {
    armjit_val idx = armjit_const_int(t, k);
    iv[k] = armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_GC, (armjit_val[]){p, idx}, 2, k & 1 ? di : dh);
    fv[k] = armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_GC,
                            (armjit_val[]){p, armjit_const_int(t, 16 + k)}, 2, df);
  }
  armjit_val cp = armjit_const_ref(t, s->mem);
  armjit_op_descr(t, ARMJIT_OP_COPYSTRCONTENT,
                  (armjit_val[]){cp, p, armjit_const_int(t, 600), n, n}, 5, ds);
  /* store them back elsewhere (variable index), reversed */
  for (int k = 0; k < NLIVE; k++) {
    armjit_val idx = armjit_op(t, ARMJIT_OP_INT_ADD, (armjit_val[]){n, armjit_const_int(t, k)}, 2);
    armjit_op_descr(t, ARMJIT_OP_SETARRAYITEM_RAW, (armjit_val[]){p, idx, iv[NLIVE - 1 - k]}, 3, di);
    armjit_op_descr(t, ARMJIT_OP_SETARRAYITEM_RAW,
                    (armjit_val[]){cp, idx, fv[NLIVE - 1 - k]}, 3, df);
  }
  armjit_op_descr(t, ARMJIT_OP_COPYSTRCONTENT,
                  (armjit_val[]){p, cp, n, armjit_const_int(t, 700), n}, 5, ds);
  for (int k = 0; k < NLIVE; k++) {
    out[no++] = iv[k];
    out[no++] = fv[k];
  }
  out[no++] = p;
  armjit_finish(t, out, no);
  return t;
}

static void test_pressure_across_copies(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 151, 7);
  /* p at the start of the arena; the copies and stores land past the
   * loaded items (ints up to byte 56, floats bytes 128..240) */
  pspec s = {(uintptr_t)a.mem};
  jc_case c;
  jc_init(&c, build_pressure, &s, ARMJIT_RANDOM_SEED);
  static const int32_t ns[] = {0, 40, 64};
  for (unsigned k = 0; k < N_OF(ns); k++) {
    armjit_value in[2] = {irs_r((uintptr_t)a.mem), irs_i(ns[k])};
    assert_int_equal(mc_run(&c, in, &a.r, 1), 0);
  }
  jc_free(&c);
  mc_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_copy_content),
      cmocka_unit_test(test_pressure_across_copies),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
