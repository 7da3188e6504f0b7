/* SPDX-License-Identifier: MIT */
/* Interruptible loops (ARMJIT_INTERRUPTIBLE): with the interrupt word
 * clear a loop runs as without the flag; with it set every jump leaves
 * through its label's interrupt exit with the label's values, and
 * re-entering with them resumes the loop, so an interrupted and resumed
 * run ends exactly like an uninterrupted one (checked against the
 * uninterrupted compiled run, the interpreter, and C).  Also: a word set
 * by another thread stops an endless loop; many carried values of every
 * type (some in slots) survive; a bridge's jump back into its loop is
 * interrupted too; the check's cost. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "armjit.h"
#include "sets.h"
#include "ir_support.h"

/* Carried ints, floats and refs; leaves when i0 reaches 0. */
static const char mixed[] =
    "[i0, i1, f2, p3, i4, f5, i6, i7, i8, i9, i10, i11, i12, i13, f14, f15, f16]\n"
    "label(i0, i1, f2, p3, i4, f5, i6, i7, i8, i9, i10, i11, i12, i13, f14, f15, f16, "
    "descr=L)\n"
    "i20 = int_gt(i0, 0)\n"
    "guard_true(i20, descr=done) [i1, f2, p3, i4, f5, i6, i7, i8, i9, i10, i11, i12, i13, "
    "f14, f15, f16]\n"
    "i21 = int_sub(i0, 1)\n"
    "i22 = int_add(i1, i0)\n"
    "f23 = float_mul(f2, 1.5)\n"
    "i24 = int_xor(i4, i22)\n"
    "f25 = float_add(f5, f2)\n"
    "i26 = int_add(i6, 3)\n"
    "i27 = int_mul(i7, 5)\n"
    "i28 = int_sub(i8, i9)\n"
    "i29 = int_add(i9, i10)\n"
    "i30 = int_lshift(i10, 1)\n"
    "i31 = int_add(i11, i12)\n"
    "i32 = int_add(i12, 7)\n"
    "i33 = int_xor(i13, i21)\n"
    "f34 = float_sub(f14, f16)\n"
    "f35 = float_add(f15, 0.25)\n"
    "f36 = float_mul(f16, -1.0)\n"
    "jump(i21, i22, f23, p3, i24, f25, i26, i27, i28, i29, i30, i31, i32, i33, f34, f35, f36, "
    "descr=L)\n";
enum { NIN = 17 };

static void inputs(armjit_frame *f, int32_t n) {
  for (unsigned k = 0; k < NIN; k++) f->values[k].bits = 0;
  f->values[0].i = n;
  f->values[1].i = 1;
  f->values[2].f = 0.75;
  f->values[3].r = (uintptr_t)0x1234560;
  f->values[5].f = -2.0;
  for (unsigned k = 6; k < 14; k++) f->values[k].i = (int32_t)(k * 977);
  f->values[14].f = 3.0;
  f->values[15].f = 0.5;
  f->values[16].f = 1e10;
}

static void same_values(const armjit_frame *a, const armjit_frame *b) {
  assert_int_equal(a->exit_id, b->exit_id);
  assert_int_equal(a->nvalues, b->nvalues);
  for (unsigned k = 0; k < a->nvalues; k++)
    if (a->values[k].bits != b->values[k].bits)
      fail_msg("value %u differs: %#llx vs %#llx", k, (unsigned long long)a->values[k].bits,
               (unsigned long long)b->values[k].bits);
}

/* Interrupted at every jump and resumed, compiled and interpreted, in
 * step; the end equals the uninterrupted run of a plain context. */
static void test_interrupt_resume(void **state) {
  (void)state;
  armjit_ctx *plain = irs_ctx_with(0, 0);
  armjit_trace *tp = irs_parse(plain, mixed);
  armjit_loop *lp = irs_compile(plain, tp);
  for (unsigned variant = 0; variant < 2; variant++) {
    armjit_ctx *ctx = irs_ctx_with(ARMJIT_INTERRUPTIBLE | (variant ? ARMJIT_RANDOM_RA : 0), 3);
    armjit_trace *t = irs_parse(ctx, mixed);
    armjit_loop *l = irs_compile(ctx, t);
    assert_true(armjit_trace_resumable(t, 0));
    uint32_t cap = armjit_loop_frame_capacity(l);
    armjit_frame *want = armjit_frame_new(plain, armjit_loop_frame_capacity(lp));
    armjit_frame *fc = armjit_frame_new(ctx, cap), *fi = armjit_frame_new(ctx, cap);
    unsigned iid = armjit_loop_nexits(l); /* label 0's interrupt exit */
    armjit_exit_info info;
    assert_int_equal(armjit_loop_exit_info(l, (int)iid, &info), ARMJIT_OK);
    assert_int_equal(info.kind, ARMJIT_EXIT_INTERRUPT);
    assert_string_equal(info.name, "L");
    assert_int_equal(info.nvalues, NIN);
    assert_int_equal(info.types[2], ARMJIT_FLOAT);
    assert_int_equal(info.types[3], ARMJIT_REF);
    uint32_t *word = armjit_ctx_interrupt_word(ctx);
    for (int32_t n = 0; n <= 30; n += 10) {
      armjit_error err;
      inputs(want, n);
      assert_int_equal(armjit_run(lp, want, &err), 0);
      /* the word clear: no interruption */
      *word = 0;
      inputs(fc, n);
      assert_int_equal(armjit_run(l, fc, &err), 0);
      same_values(fc, want);
      /* set: one iteration per run, resumed from the exit's values */
      *word = 1;
      inputs(fc, n);
      inputs(fi, n);
      unsigned runs = 0;
      for (;;) {
        int id = armjit_run(l, fc, &err);
        assert_int_equal(armjit_interpret(t, fi, 0, &err), ARMJIT_OK);
        same_values(fc, fi);
        runs++;
        if (id != (int)iid) break;
        assert_int_equal(fc->nvalues, NIN);
        assert_int_equal(fc->values[0].i, n - (int32_t)runs);
      }
      assert_int_equal(runs, (unsigned)n + 1);
      same_values(fc, want);
    }
    *word = 0;
    armjit_frame_free(plain, want);
    armjit_frame_free(ctx, fc);
    armjit_frame_free(ctx, fi);
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
  armjit_loop_free(lp);
  armjit_trace_free(tp);
  armjit_ctx_free(plain);
}

/* Another thread stops an endless loop; the values it hands back are a
 * consistent state (i1 = 0 + 1 + ... + i0 - 1 modulo 2^32). */
static void *set_later(void *ud) {
  struct timespec d = {0, 20 * 1000 * 1000};
  nanosleep(&d, NULL);
  __atomic_store_n((uint32_t *)ud, 1u, __ATOMIC_SEQ_CST);
  return NULL;
}

static void test_interrupt_from_thread(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(ARMJIT_INTERRUPTIBLE, 0);
  armjit_trace *t = irs_parse(ctx, "[i0, i1]\nlabel(i0, i1, descr=L)\ni2 = int_add(i1, i0)\n"
                               "i3 = int_add(i0, 1)\njump(i3, i2, descr=L)\n");
  armjit_loop *l = irs_compile(ctx, t);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l));
  f->values[0].i = 0;
  f->values[1].i = 0;
  uint32_t *word = armjit_ctx_interrupt_word(ctx);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, set_later, word), 0);
  armjit_error err;
  int id = armjit_run(l, f, &err);
  pthread_join(th, NULL);
  assert_int_equal(id, 0); /* the trace has no exits: label 0's interrupt exit is 0 */
  uint32_t i0 = (uint32_t)f->values[0].i;
  assert_true(i0 > 0);
  assert_int_equal((uint32_t)f->values[1].i, (uint32_t)((uint64_t)i0 * (i0 - 1) / 2));
  armjit_frame_free(ctx, f);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* A bridge's jump back into its loop is a back edge too: with the word
 * set, the run stops at the loop's jump or at the bridge's, each through
 * its own interrupt exit with the label's values, compiled and
 * interpreted alike; re-entering the loop each time ends as an
 * uninterrupted run. */

static void test_interrupt_bridge(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx_with(ARMJIT_INTERRUPTIBLE, 0);
  armjit_error err;
  armjit_set_entry *set;
  unsigned n;
  assert_int_equal(armjit_set_parse(ctx, sets_sum_odd, &set, &n, &err), ARMJIT_OK);
  armjit_loop *l[2];
  assert_int_equal(armjit_compile_set(ctx, set, n, l, &err), ARMJIT_OK);
  uint32_t cap = armjit_loop_frame_capacity(l[0]);
  armjit_frame *fc = armjit_frame_new(ctx, cap), *fi = armjit_frame_new(ctx, cap);
  *armjit_ctx_interrupt_word(ctx) = 1;
  const int32_t top = 9;
  int32_t in[3] = {0, top, 0};
  for (unsigned k = 0; k < 3; k++) fc->values[k].i = fi->values[k].i = in[k];
  unsigned runs = 0, from_bridge = 0;
  for (;;) {
    int id = armjit_run(l[0], fc, &err);
    assert_true(id >= 0);
    unsigned which = 9;
    assert_int_equal(armjit_interpret_set(set, n, 0, NULL, fi, 0, &which, &err), ARMJIT_OK);
    armjit_exit_info x;
    assert_int_equal(armjit_run_exit_info(fc, &x), ARMJIT_OK);
    assert_ptr_equal(x.trace, l[which]);          /* the same trace ... */
    assert_int_equal(x.trace_exit, fi->exit_id);  /* ... and exit of it */
    assert_int_equal(fc->nvalues, fi->nvalues);
    for (unsigned k = 0; k < fc->nvalues; k++) assert_int_equal(fc->values[k].i, fi->values[k].i);
    runs++;
    if (x.kind != ARMJIT_EXIT_INTERRUPT) break;
    assert_string_equal(x.name, "L");
    from_bridge += which == 1;
    assert_int_equal(fc->values[0].i, (int32_t)runs); /* one iteration per run */
  }
  assert_int_equal(fc->values[1].i, sets_sum_odd_ref(0, top));
  assert_int_equal(runs, (unsigned)top + 1);
  assert_int_equal(from_bridge, (unsigned)top / 2);
  *armjit_ctx_interrupt_word(ctx) = 0;
  armjit_frame_free(ctx, fc);
  armjit_frame_free(ctx, fi);
  armjit_loop_free(l[0]);
  armjit_set_free(ctx, set, n);
  armjit_ctx_free(ctx);
}

/* The check is five instructions at the jump and a one-word exit stub
 * (`bl` to the shared exit path); without the flag nothing. */
static void test_interrupt_cost(void **state) {
  (void)state;
  size_t size[2];
  for (int on = 0; on < 2; on++) {
    armjit_ctx *ctx = irs_ctx_with(on ? ARMJIT_INTERRUPTIBLE : 0, 0);
    armjit_trace *t = irs_parse(ctx, "[i0]\nlabel(i0, descr=L)\ni1 = int_add(i0, 1)\n"
                                 "jump(i1, descr=L)\n");
    armjit_loop *l = irs_compile(ctx, t);
    armjit_loop_code(l, &size[on]);
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
  assert_int_equal(size[1] - size[0], (5 + 1) * 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_interrupt_resume),
      cmocka_unit_test(test_interrupt_from_thread),
      cmocka_unit_test(test_interrupt_bridge),
      cmocka_unit_test(test_interrupt_cost),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
