/* SPDX-License-Identifier: MIT */
/* Random sets of loops and bridges (randset.h) in every build: each set
 * is built, validated, interpreted as a set from each loop
 * (armjit_interpret_set), compiled with every bridge attached
 * (armjit_compile_set), printed and parsed back (armjit_set_parse), and
 * freed loop by loop in a random order (a loop that bridges of another
 * loop jump into detaches them first).  On the host this runs the bridge
 * compiler under ASan/UBSan; the ARM builds also run the code
 * (arm_random_diff). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "randset.h"
#include "randtrace.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif
enum { NSETS = 300 };

static char *set_text(const armjit_set_entry *set, unsigned n) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  rs_print(f, set, n);
  fclose(f);
  return buf;
}

static void test_random_sets(void **state) {
  (void)state;
  armjit_ctx *gctx = rt_ctx_new(NULL);
  assert_non_null(gctx);
  rs_set *s = malloc(sizeof *s);
  assert_non_null(s);
  unsigned bridges = 0, compiled = 0, runs = 0;
  for (unsigned i = 0; i < NSETS; i++) {
    rt_rng r;
    rt_rng_seed(&r, rt_trace_seed(ARMJIT_RANDOM_SEED ^ 0xb51d6e5u, i));
    assert_true(rs_generate(&r, gctx, false, s));
    armjit_ctx *ctx = rt_ctx_new(NULL);
    assert_non_null(ctx);
    armjit_set_entry *set = rs_build(ctx, s);
    assert_non_null(set);
    armjit_error err;
    for (unsigned k = 0; k < s->n; k++) {
      if (armjit_trace_validate(set[k].trace, &err) != ARMJIT_OK) {
        fprintf(stderr, "set %u, trace %s: %s\n", i, set[k].name, err.msg);
        fail();
      }
      bridges += set[k].parent >= 0;
    }
    /* the interpreter: every loop ends (its counter), invalid or not */
    int *invalid = calloc(s->n, sizeof *invalid);
    armjit_frame *f = armjit_frame_new(ctx, 4096);
    assert_non_null(invalid);
    assert_non_null(f);
    s->inval.compiled = false;
    s->inval.flag = s->inval_entry >= 0 ? &invalid[s->inval_entry] : NULL;
    rs_bind_callee(s, ctx, set, NULL);
    for (unsigned l = 0; l < s->nloops; l++) {
      uint32_t n;
      armjit_value *in = rt_inputs(&s->g[l], NULL, &n);
      for (uint32_t k = 0; k < n; k++) f->values[k] = in[k];
      free(in);
      s->inval.fired = false;
      unsigned e;
      if (armjit_interpret_set(set, s->n, l, invalid, f, 10000000u, &e, &err) != ARMJIT_OK) {
        fprintf(stderr, "set %u from %s: %s\n", i, set[l].name, err.msg);
        fail();
      }
      assert_true(e < s->n);
      runs++;
    }
    /* the text form: printed and parsed back, the same traces */
    char *text = set_text(set, s->n);
    armjit_set_entry *back;
    unsigned nback;
    if (armjit_set_parse(ctx, text, &back, &nback, &err) != ARMJIT_OK) {
      fprintf(stderr, "set %u: %d:%d: %s\n%s", i, err.line, err.col, err.msg, text);
      fail();
    }
    assert_int_equal(nback, s->n);
    for (unsigned k = 0; k < s->n; k++) {
      assert_int_equal(back[k].parent, set[k].parent);
      assert_int_equal(back[k].exit_id, set[k].exit_id);
      assert_int_equal(armjit_trace_nops(back[k].trace), armjit_trace_nops(set[k].trace));
    }
    armjit_set_free(ctx, back, nback);
    free(text);
    /* compiled with the bridges attached, then freed loop by loop */
    armjit_loop *loops[RS_MAX];
    if (armjit_compile_set(ctx, set, s->n, loops, &err) != ARMJIT_OK) {
      fprintf(stderr, "set %u: %s\n", i, err.msg);
      fail();
    }
    compiled++;
    if (s->inval_entry >= 0)
      assert_int_equal(armjit_loop_invalidate(loops[s->inval_entry], &err), ARMJIT_OK);
    unsigned first = rt_below(&r, s->n);  /* every loop (a callee too), in a random order */
    for (unsigned k = 0; k < s->n; k++)
      if (set[(first + k) % s->n].parent < 0) armjit_loop_free(loops[(first + k) % s->n]);
    armjit_frame_free(ctx, f);
    free(invalid);
    for (unsigned k = 0; k < s->n; k++) armjit_trace_free(set[k].trace);
    free(set);
    armjit_ctx_free(ctx);
    rs_clear(s);
  }
  free(s);
  armjit_ctx_free(gctx);
  printf("bridge sets: %u generated, interpreted (%u runs), printed and parsed back, "
         "compiled (%u) and freed; %u bridges; seed %u\n",
         NSETS, runs, compiled, bridges, (unsigned)ARMJIT_RANDOM_SEED);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_sets)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
