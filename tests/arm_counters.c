/* SPDX-License-Identifier: MIT */
/* Counters (ARMJIT_COUNTERS): exact entry and label counts of loops (two
 * labels, a preamble), of a callee entered through call_assembler, of a
 * bridge, their cost, and that a context without the flag emits and
 * counts nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "armjit.h"
#include "sets.h"
#include "ir_support.h"

/* A preamble label P (reached once per entry) and the loop label L
 * (reached n + 1 times for input n: falling in, then every jump). */
static const char two_labels[] =
    "[i0, i1]\n"
    "label(i0, i1, descr=P)\n"
    "i2 = int_add(i1, 1)\n"
    "label(i0, i2, descr=L)\n"
    "i3 = int_gt(i0, 0)\n"
    "guard_true(i3, descr=done) [i2]\n"
    "i4 = int_sub(i0, 1)\n"
    "i5 = int_add(i2, i0)\n"
    "jump(i4, i5, descr=L)\n";

static void test_counts_exact(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(ARMJIT_COUNTERS, 0);
  armjit_trace *t = irs_parse(ctx, two_labels);
  armjit_loop *l = irs_compile(ctx, t);
  assert_int_equal(armjit_loop_nlabels(l), 2);
  assert_int_equal(armjit_loop_count(l, -1), 0);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
  static const int32_t ns[] = {0, 5, 17, 1};
  uint32_t entries = 0, loop = 0;
  for (unsigned k = 0; k < 4; k++) {
    f->values[0].i = ns[k];
    f->values[1].i = 0;
    armjit_error err;
    assert_int_equal(armjit_run(l, f, &err), 0);
    entries++;
    loop += (uint32_t)ns[k] + 1;
    assert_int_equal(armjit_loop_count(l, -1), entries);
    assert_int_equal(armjit_loop_count(l, 0), entries);
    assert_int_equal(armjit_loop_count(l, 1), loop);
  }
  assert_int_equal(armjit_loop_count(l, 2), 0); /* no such label */
  assert_int_equal(armjit_loop_count(l, -2), 0);
  armjit_frame_free(ctx, f);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* A callee entered through call_assembler counts one entry per call. */
static void test_counts_callee(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(ARMJIT_COUNTERS, 0);
  armjit_trace *t = irs_parse(ctx, "descr twice = token(args=[int], result=int)\n"
                               "[i0, i1]\n"
                               "label(i0, i1, descr=L)\n"
                               "i2 = int_gt(i0, 0)\n"
                               "guard_true(i2, descr=done) [i1]\n"
                               "i3 = call_assembler(i0, descr=twice)\n"
                               "i4 = int_add(i1, i3)\n"
                               "i5 = int_sub(i0, 1)\n"
                               "jump(i5, i4, descr=L)\n");
  armjit_trace *ct = irs_parse(ctx, "[i0]\ni1 = int_add(i0, i0)\nfinish(i1)\n");
  armjit_loop *cl = irs_compile(ctx, ct), *l = irs_compile(ctx, t);
  armjit_error err;
  assert_int_equal(armjit_token_set_loop(armjit_ctx_token(ctx, "twice"), cl, &err), ARMJIT_OK);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
  f->values[0].i = 10;
  f->values[1].i = 0;
  assert_int_equal(armjit_run(l, f, &err), 0);
  assert_int_equal(f->values[0].i, 2 * 55);
  assert_int_equal(armjit_loop_count(cl, -1), 10);
  assert_int_equal(armjit_loop_count(l, -1), 1);
  assert_int_equal(armjit_loop_count(l, 0), 11);
  armjit_frame_free(ctx, f);
  armjit_loop_free(l);
  armjit_loop_free(cl);
  armjit_trace_free(t);
  armjit_trace_free(ct);
  armjit_ctx_free(ctx);
}

/* A bridge counts how often its guard failed into it; the loop's label
 * counts the jumps back from the bridge too. */
static void test_counts_bridge(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(ARMJIT_COUNTERS, 0);
  armjit_error err;
  armjit_set_entry *set;
  unsigned n;
  assert_int_equal(armjit_set_parse(ctx, sets_sum_odd,
                                    &set, &n, &err),
                   ARMJIT_OK);
  armjit_loop *l[2];
  assert_int_equal(armjit_compile_set(ctx, set, n, l, &err), ARMJIT_OK);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l[0]));
  f->values[0].i = 0;
  f->values[1].i = 11;
  f->values[2].i = 0;
  assert_int_equal(armjit_run(l[0], f, &err), 0);
  assert_int_equal(f->values[1].i, 0 + 3 * 1 + 2 + 3 * 3 + 4 + 3 * 5 + 6 + 3 * 7 + 8 + 3 * 9 + 10);
  assert_int_equal(armjit_loop_count(l[1], -1), 5);  /* i0 = 1, 3, 5, 7, 9 */
  assert_int_equal(armjit_loop_count(l[0], -1), 1);
  assert_int_equal(armjit_loop_count(l[0], 0), 12); /* falling in, 6 jumps, 5 from the bridge */
  armjit_frame_free(ctx, f);
  armjit_loop_free(l[0]);
  armjit_set_free(ctx, set, n);
  armjit_ctx_free(ctx);
}

/* Five instructions per count (the entry and each label); without the
 * flag none, and nothing is counted.  Without counters L's loop is
 * rotated (cg_ctrl.c: its compare copied to the back edge, two words more
 * than the branch back); a counted label is not, the back edge must pass
 * its count. */
static void test_counters_cost(void **state) {
  (void)state;
  size_t size[2];
  for (int on = 0; on < 2; on++) {
    armjit_ctx *ctx = irs_ctx_with(on ? ARMJIT_COUNTERS : 0, 0);
    armjit_trace *t = irs_parse(ctx, two_labels);
    armjit_loop *l = irs_compile(ctx, t);
    armjit_loop_code(l, &size[on]);
    armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
    f->values[0].i = 3;
    f->values[1].i = 0;
    armjit_error err;
    assert_int_equal(armjit_run(l, f, &err), 0);
    assert_int_equal(armjit_loop_count(l, 1), on ? 4 : 0);
    armjit_frame_free(ctx, f);
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
  assert_int_equal(size[1] - size[0], 3 * 5 * 4 - 2 * 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts_exact),
      cmocka_unit_test(test_counts_callee),
      cmocka_unit_test(test_counts_bridge),
      cmocka_unit_test(test_counters_cost),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
