/* SPDX-License-Identifier: MIT */
/* armjit_loop_redirect and jumps: a bridge of loop a jumps into loop b
 * (PyPy's test_jump_to_other_loop); after b is "recompiled" as b2 and
 * redirected, the bridge's jump enters b2 (its patch site turned from a
 * NOP into a branch), also after b is freed; freeing b2 frees the bridge
 * (a's guard exits again).  A new loop that cannot be entered at its label
 * is refused while jumps need it.  Results are computed in C. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "armjit.h"
#include "sets.h"
#include "rt/loop.h"


/* b recompiled: another computation on the same inputs. */
static const char *const B2 =
    "[f0, i1, i2]\n"
    "label(f0, i1, i2, descr=LB2)\n"
    "f3 = float_add(f0, 0.5)\n"
    "i4 = int_add(i1, 2)\n"
    "i5 = int_lt(i4, i2)\n"
    "guard_true(i5, descr=b2done) [f3, i4, i2]\n"
    "jump(f3, i4, i2, descr=LB2)\n";

/* Not enterable at its label: a preamble first. */
static const char *const B3 =
    "[f0, i1, i2]\n"
    "i3 = int_add(i1, 0)\n"
    "label(f0, i3, i2, descr=LB3)\n"
    "guard_true(i3) [f0, i3, i2]\n"
    "finish(f0, i3, i2)\n";

static uint32_t word_at(const armjit_loop *l, int32_t off) {
  uint32_t w;
  memcpy(&w, (const uint8_t *)armjit_code_entry(l->code) + off, 4);
  return w;
}

/* The jump exit of bridge ab (kind ARMJIT_EXIT_JUMP). */
static const ajx_loop_exit *jump_exit(const armjit_loop *b) {
  for (uint32_t k = 0; k < b->nexits; k++)
    if (b->exits[k].kind == ARMJIT_EXIT_JUMP) return &b->exits[k];
  fail_msg("the bridge has no jump exit");
  return NULL;
}

static int run_a(armjit_ctx *ctx, armjit_loop *a, armjit_exit_info *x, armjit_frame **fp) {
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(a));
  f->values[0].i = 0;
  f->values[1].i = 0;
  armjit_error err;
  int id = armjit_run(a, f, &err);
  assert_true(id >= 0);
  assert_int_equal(armjit_run_exit_info(f, x), ARMJIT_OK);
  *fp = f;
  return id;
}

static void test_redirect_jump(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  armjit_set_entry *set;
  unsigned n;
  assert_int_equal(armjit_set_parse(ctx, sets_other_loop, &set, &n, &err), ARMJIT_OK);
  armjit_loop *l[3];
  assert_int_equal(armjit_compile_set(ctx, set, n, l, &err), ARMJIT_OK);
  armjit_loop *a = l[0], *b = l[1], *ab = l[2];
  const ajx_loop_exit *je = jump_exit(ab);
  assert_int_equal(word_at(ab, je->branch), 0xe320f000u); /* a NOP until redirected */
  armjit_frame *f;
  armjit_exit_info x;
  /* a reaches 10 (i1 = 20), the bridge jumps into b with (20.0, 0, 15) */
  run_a(ctx, a, &x, &f);
  assert_ptr_equal(x.trace, b);
  double want = 20.0;
  for (int k = 0; k < 15; k++) want *= 1.5;
  assert_true(f->values[0].f == want);
  assert_int_equal(f->values[1].i, 15);
  armjit_frame_free(ctx, f);

  armjit_trace *t2 = armjit_trace_parse(ctx, B2, &err), *t3 = armjit_trace_parse(ctx, B3, &err);
  assert_non_null(t2);
  assert_non_null(t3);
  armjit_loop *b2 = armjit_compile_loop(ctx, t2, &err), *b3 = armjit_compile_loop(ctx, t3, &err);
  assert_non_null(b2);
  assert_non_null(b3);
  assert_int_equal(armjit_loop_redirect(b, b3, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "cannot be entered"));
  assert_int_equal(word_at(ab, je->branch), 0xe320f000u); /* nothing changed */
  assert_int_equal(armjit_loop_redirect(b, b2, &err), ARMJIT_OK);
  assert_int_equal(word_at(ab, je->branch) >> 24, 0xeau); /* b: to the jump exit */
  /* now (20.0, 0, 15) enter b2: +0.5 and +2 per iteration until 16 */
  for (int round = 0; round < 2; round++) {
    int id = run_a(ctx, a, &x, &f);
    assert_ptr_equal(x.trace, b2);
    assert_int_equal(x.kind, ARMJIT_EXIT_GUARD);
    assert_int_equal(id, 0);
    assert_true(f->values[0].f == 20.0 + 0.5 * 8);
    assert_int_equal(f->values[1].i, 16);
    assert_int_equal(f->values[2].i, 15);
    armjit_frame_free(ctx, f);
    if (round == 0) armjit_loop_free(b); /* the old loop may go */
  }
  /* the new one going frees the bridge that jumps into it */
  armjit_loop_free(b2);
  run_a(ctx, a, &x, &f);
  assert_ptr_equal(x.trace, a);
  assert_int_equal(f->values[0].i, 10);
  assert_int_equal(f->values[1].i, 20);
  armjit_frame_free(ctx, f);
  armjit_loop_free(b3);
  armjit_loop_free(a);
  armjit_trace_free(t2);
  armjit_trace_free(t3);
  armjit_set_free(ctx, set, n);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_redirect_jump),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
