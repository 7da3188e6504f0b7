/* SPDX-License-Identifier: MIT */
/* Bridges (armjit_compile_bridge), modelled on PyPy's runner tests: a
 * bridge that jumps back to its loop's label, one with a deeper frame,
 * a bridge of a bridge, one that finishes, one that jumps to another
 * loop; fail args in registers, slots and constants, ints and floats,
 * duplicates; a guard with 1,000 fail args.  Every run is compared with
 * the interpreter running the same set (bset.h) and with the result
 * computed in C; the guard's branch must go straight to the bridge. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bset.h"
#include "sets.h"
#include "ir_support.h"
#include "cg/recovery.h"
#include "rt/loop.h"

static armjit_ctx *new_ctx(unsigned flags, uint32_t seed) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.seed = seed;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

/* The guard's patch site branches to the bridge's entry, keeping its
 * condition; b<cc> at `from` decodes to its target. */
static uint32_t branch_target(uint32_t w, uint32_t from) {
  int32_t off = (int32_t)(w << 8) >> 6;
  return from + 8 + (uint32_t)off;
}

static void assert_guard_enters(const armjit_loop *parent, unsigned k, const armjit_loop *b) {
  const ajx_loop_exit *e = &parent->exits[k];
  assert_true(e->branch >= 0);
  uint32_t from = (uint32_t)(uintptr_t)armjit_code_entry(parent->code) + (uint32_t)e->branch;
  uint32_t w;
  memcpy(&w, (const uint8_t *)armjit_code_entry(parent->code) + e->branch, 4);
  assert_int_equal((w >> 24) & 0xf, 0xa); /* still a B */
  assert_int_equal(branch_target(w, from),
                   (uint32_t)(uintptr_t)armjit_code_entry(b->code) + b->entry);
}



static void test_bridge_jumps_to_label(void **state) {
  (void)state;
  for (unsigned variant = 0; variant < 4; variant++) {
    armjit_ctx *ctx = new_ctx(variant ? ARMJIT_RANDOM_RA : 0, 7 + variant);
    bset s;
    bset_init_text(&s, ctx, sets_sum_odd);
    assert_guard_enters(s.loops[0], 1, s.loops[1]);
    assert_ptr_equal(armjit_loop_parent(s.loops[1]), s.loops[0]);
    for (int32_t n = 0; n < 40; n += 7) {
      armjit_value in[3] = {irs_i(0), irs_i(n), irs_i(0)};
      int exit;
      assert_int_equal(bset_run(&s, 0, in, &exit), 0);
      assert_int_equal(exit, 0);
      assert_int_equal(s.fc->values[1].i, sets_sum_odd_ref(0, n));
      assert_int_equal(s.fc->exit_id, 0);
    }
    bset_free(&s);
    armjit_ctx_free(ctx);
  }
}

/* A bridge with many values live at once needs more slots than its loop;
 * it finishes with all of them. */
static void test_bridge_deeper_frame(void **state) {
  (void)state;
  char text[8192];
  size_t o = 0;
  o += (size_t)snprintf(text + o, sizeof text - o,
                        "--- loop main\n[i0, i1]\nlabel(i0, i1, descr=L)\n"
                        "i2 = int_lt(i0, 100)\nguard_true(i2, descr=out) [i0, i1]\n"
                        "i3 = int_add(i0, 1)\ni4 = int_add(i1, i0)\njump(i3, i4, descr=L)\n"
                        "--- bridge wide on main.out\n[i0, i1]\n");
  enum { W = 40 };
  for (int k = 0; k < W; k++)
    o += (size_t)snprintf(text + o, sizeof text - o, "i%d = int_add(i%d, %d)\n", k + 2,
                          k % 2, k * 7 + 1);
  for (int k = 0; k < W; k++)
    o += (size_t)snprintf(text + o, sizeof text - o, "f%d = cast_int_to_float(i%d)\n",
                          W + 2 + k, k + 2);
  o += (size_t)snprintf(text + o, sizeof text - o, "finish(");
  for (int k = 0; k < W; k++)
    o += (size_t)snprintf(text + o, sizeof text - o, "i%d, f%d%s", k + 2, W + 2 + k,
                          k + 1 < W ? ", " : ")\n");
  for (unsigned variant = 0; variant < 2; variant++) {
    armjit_ctx *ctx = new_ctx(variant ? ARMJIT_RANDOM_RA : 0, 3);
    bset s;
    bset_init_text(&s, ctx, text);
    const armjit_loop *b = s.loops[1];
    assert_true(b->frame_bytes > s.loops[0]->depth);  /* deeper than its loop */
    assert_int_equal(b->depth, b->frame_bytes);
    assert_true(b->entry < 4);  /* the guard enters at the sp adjustment */
    /* ... one instruction that sets sp = fp - FRAME: sub sp, fp, #FRAME */
    uint32_t w;
    memcpy(&w, (const uint8_t *)armjit_code_entry(b->code) + b->entry, 4);
    assert_int_equal(w & 0x0ffff000u, 0x024bd000u);
    assert_int_equal(a32_modimm_ceil((uint32_t)b->frame_bytes), (uint32_t)b->frame_bytes);
    armjit_value in[2] = {irs_i(0), irs_i(5)};
    int exit;
    assert_int_equal(bset_run(&s, 0, in, &exit), 1);
    int32_t i1 = 5 + 99 * 100 / 2;
    for (int k = 0; k < W; k++) {
      int32_t v = (k % 2 ? i1 : 100) + k * 7 + 1;
      assert_int_equal(s.fc->values[2 * k].i, v);
      assert_true(s.fc->values[2 * k + 1].f == (double)v);
    }
    armjit_exit_info x;
    assert_int_equal(armjit_run_exit_info(s.fc, &x), ARMJIT_OK);
    assert_ptr_equal(x.trace, b);
    assert_int_equal(x.kind, ARMJIT_EXIT_FINISH);
    assert_int_equal(s.fc->exit_id, armjit_loop_exit_id(b, 0));
    assert_int_equal(s.fc->exit_id, 1); /* after the loop's exit */
    bset_free(&s);
    armjit_ctx_free(ctx);
  }
}

/* A bridge of a bridge of a bridge, the last jumping back to the loop. */
static const char *const CHAIN =
    "--- loop main\n"
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "i2 = int_lt(i0, 60)\n"
    "guard_true(i2, descr=done) [i0, i1]\n"
    "i3 = int_and(i0, 1)\n"
    "guard_false(i3, descr=odd) [i1, i0]\n"
    "i4 = int_add(i1, 1)\n"
    "i5 = int_add(i0, 1)\n"
    "jump(i5, i4, descr=L)\n"
    "--- bridge b1 on main.odd\n"
    "[i1, i0]\n"
    "i2 = int_and(i0, 2)\n"
    "guard_false(i2, descr=two) [i0, i1, 5]\n"
    "i3 = int_add(i1, 10)\n"
    "i4 = int_add(i0, 1)\n"
    "jump(i4, i3, descr=L)\n"
    "--- bridge b2 on b1.two\n"
    "[i0, i1, i2]\n"
    "i3 = int_and(i0, 4)\n"
    "guard_false(i3, descr=four) [i1, i0]\n"
    "i4 = int_mul(i2, 20)\n"
    "i5 = int_add(i1, i4)\n"
    "i6 = int_add(i0, 1)\n"
    "jump(i6, i5, descr=L)\n"
    "--- bridge b3 on b2.four\n"
    "[i0, i1]\n"
    "i2 = int_add(i0, 1000)\n"
    "i3 = int_add(i1, 1)\n"
    "jump(i3, i2, descr=L)\n";

static void test_bridge_of_bridge(void **state) {
  (void)state;
  for (unsigned variant = 0; variant < 3; variant++) {
    armjit_ctx *ctx = new_ctx(variant ? ARMJIT_RANDOM_RA : 0, 11 * variant);
    bset s;
    bset_init_text(&s, ctx, CHAIN);
    assert_guard_enters(s.loops[1], 0, s.loops[2]);
    assert_guard_enters(s.loops[2], 0, s.loops[3]);
    int32_t acc = 0;
    for (int32_t i = 0; i < 60; i++)
      acc += !(i & 1) ? 1 : !(i & 2) ? 10 : !(i & 4) ? 100 : 1000;
    armjit_value in[2] = {irs_i(0), irs_i(0)};
    assert_int_equal(bset_run(&s, 0, in, NULL), 0);
    assert_int_equal(s.fc->values[1].i, acc);
    /* Exit ids: the family numbers every trace's exits in one space. */
    assert_int_equal(armjit_loop_exit_id(s.loops[1], 0), 2);
    assert_int_equal(armjit_loop_exit_id(s.loops[2], 0), 3);
    assert_int_equal(armjit_loop_exit_id(s.loops[3], 0), -1); /* no exits */
    armjit_exit_info x;
    assert_int_equal(armjit_loop_exit_info(s.loops[0], 3, &x), ARMJIT_OK);
    assert_ptr_equal(x.trace, s.loops[2]);
    assert_int_equal(x.trace_exit, 0);
    assert_string_equal(x.name, "four");
    assert_int_equal(armjit_loop_exit_info(s.loops[3], 2, &x), ARMJIT_OK); /* any member */
    assert_ptr_equal(x.trace, s.loops[1]);
    assert_int_equal(armjit_loop_exit_info(s.loops[0], 4, &x), ARMJIT_E_ARG);
    bset_free(&s);
    armjit_ctx_free(ctx);
  }
}

/* A bridge that finishes: its exit, numbered after its loop's. */
static void test_bridge_finishes(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx(0, 0);
  bset s;
  bset_init_text(&s, ctx,
                 "--- loop main\n[i0]\nlabel(i0, descr=L)\ni1 = int_add(i0, 3)\n"
                 "i2 = int_gt(i1, 50)\nguard_false(i2, descr=big) [i1, i0]\njump(i1, descr=L)\n"
                 "--- bridge fin on main.big\n[i0, i1]\ni2 = int_sub(i0, i1)\n"
                 "f3 = cast_int_to_float(i0)\nfinish(f3, i2, 77, 2.5, descr=end)\n");
  armjit_value in[1] = {irs_i(1)};
  int exit;
  assert_int_equal(bset_run(&s, 0, in, &exit), 1);
  assert_int_equal(exit, 0);
  assert_true(s.fc->values[0].f == 52.0);
  assert_int_equal(s.fc->values[1].i, 3);
  assert_int_equal(s.fc->values[2].i, 77);
  assert_true(s.fc->values[3].f == 2.5);
  armjit_exit_info x;
  assert_int_equal(armjit_run_exit_info(s.fc, &x), ARMJIT_OK);
  assert_string_equal(x.name, "end");
  assert_int_equal(armjit_run(s.loops[0], s.fc, NULL), 1);
  bset_free(&s);
  armjit_ctx_free(ctx);
}

/* A bridge of loop A jumps into loop B (PyPy's test_jump_to_other_loop);
 * B's exits are reported in B's numbering. */

static void test_bridge_jumps_to_other_loop(void **state) {
  (void)state;
  for (unsigned variant = 0; variant < 3; variant++) {
    armjit_ctx *ctx = new_ctx(variant ? ARMJIT_RANDOM_RA : 0, 5 + variant);
    bset s;
    bset_init_text(&s, ctx, sets_other_loop);
    armjit_value in[2] = {irs_i(0), irs_i(0)};
    int exit;
    assert_int_equal(bset_run(&s, 0, in, &exit), 1); /* left through loop b */
    assert_int_equal(exit, 0);
    double f = 20.0;
    for (int k = 1; k < 15; k++) f *= 1.5;
    assert_true(s.fc->values[0].f == f * 1.5);
    assert_int_equal(s.fc->values[1].i, 15);
    assert_int_equal(s.loops[1]->jumpers, 1);
    /* Loop b still runs on its own. */
    armjit_value in2[3] = {irs_f(1.0), irs_i(0), irs_i(2)};
    assert_int_equal(bset_run(&s, 1, in2, &exit), 1);
    bset_free(&s);
    armjit_ctx_free(ctx);
  }
}

/* Freeing: a bridge detaches (its guard exits again); freeing a loop that
 * another loop's bridge jumps into frees that bridge first. */
static void test_bridge_free(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx(0, 0);
  armjit_error err;
  armjit_set_entry *set;
  unsigned n;
  assert_int_equal(armjit_set_parse(ctx, sets_other_loop, &set, &n, &err), ARMJIT_OK);
  armjit_loop *l[3];
  assert_int_equal(armjit_compile_set(ctx, set, n, l, &err), ARMJIT_OK);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l[0]));
  f->values[0].i = 0;
  f->values[1].i = 0;
  assert_int_equal(armjit_run(l[0], f, &err), 0); /* b's exit 0 */
  armjit_exit_info x;
  assert_int_equal(armjit_run_exit_info(f, &x), ARMJIT_OK);
  assert_ptr_equal(x.trace, l[1]);
  armjit_loop_free(l[1]);  /* detaches ab from a's guard, then frees b */
  f->values[0].i = 0;
  f->values[1].i = 0;
  assert_int_equal(armjit_run(l[0], f, &err), 0);
  assert_int_equal(armjit_run_exit_info(f, &x), ARMJIT_OK);
  assert_ptr_equal(x.trace, l[0]);  /* a's own guard exit again */
  assert_int_equal(f->values[0].i, 10);
  assert_int_equal(f->values[1].i, 20);
  /* A bridge freed alone: its guard exits again, and takes a new bridge. */
  armjit_trace *bt = armjit_trace_parse(ctx, "[i0, i1]\nfinish(i1, i0)\n", &err);
  armjit_loop *b = armjit_compile_bridge(ctx, l[0], 0, bt, &err);
  assert_non_null(b);
  f->values[0].i = 0;
  assert_int_equal(armjit_run(l[0], f, &err), 1); /* ab had no exits */
  armjit_loop_free(b);
  f->values[0].i = 0;
  assert_int_equal(armjit_run(l[0], f, &err), 0);
  b = armjit_compile_bridge(ctx, l[0], 0, bt, &err);
  assert_non_null(b);
  f->values[0].i = 0;
  f->values[1].i = 0;
  assert_int_equal(armjit_run(l[0], f, &err), 2); /* ids are not reused */
  assert_int_equal(f->values[0].i, 20);
  armjit_trace_free(bt);
  armjit_loop_free(l[0]);
  armjit_frame_free(ctx, f);
  armjit_set_free(ctx, set, n);
  armjit_ctx_free(ctx);
}

/* Fail args everywhere: registers, slots (under pressure), int and float
 * constants, duplicates of ints and floats, some of them label arguments
 * of a loop of the bridge's own. */
static void test_bridge_fail_args(void **state) {
  (void)state;
  char text[8192];
  size_t o = 0;
  enum { P = 24 };
#define PUT(...) (o += (size_t)snprintf(text + o, sizeof text - o, __VA_ARGS__))
  PUT("--- loop main\n[i0, f1]\n");
  for (int k = 0; k < P; k++) PUT("i%d = int_add(i0, %d)\n", 2 + k, k);
  PUT("f%d = float_add(f1, 0.5)\ni%d = int_gt(i0, 3)\n", 2 + P, 3 + P);
  PUT("guard_false(i%d, descr=g) [i0, f1, 7, 2.5, i0, f%d, f1", 3 + P, 2 + P);
  for (int k = 0; k < P; k++) PUT(", i%d", 2 + k);
  PUT(", -100000, 3]\nfinish(i0, f1, descr=pass)\n");
  /* The bridge's inputs: i0 f1 i2=7 f3=2.5 i4=i0 f5 f6=f1 i7.. (P) then
   * two int constants.  The P values are summed, then a loop of its own
   * carries constants and duplicates as label arguments. */
  PUT("--- bridge b on main.g\n[i0, f1, i2, f3, i4, f5, f6");
  for (int k = 0; k < P; k++) PUT(", i%d", 7 + k);
  int c1 = 7 + P, c2 = 8 + P, v = 9 + P;
  PUT(", i%d, i%d]\n", c1, c2);
  PUT("i%d = int_add(i7, i8)\n", v);
  for (int k = 2; k < P; k++, v++) PUT("i%d = int_add(i%d, i%d)\n", v + 1, v, 7 + k);
  int sum = v++;
  PUT("label(i0, i2, i4, f5, f6, f3, i%d, i%d, i%d, descr=own)\n", c1, c2, sum);
  int a = v++, b2 = v++, fc = v++, cmp = v++;
  PUT("i%d = int_add(i0, i2)\ni%d = int_add(i4, 1)\nf%d = float_add(f5, f3)\n", a, b2, fc);
  PUT("i%d = int_lt(i%d, 20)\n", cmp, b2);
  PUT("guard_true(i%d, descr=own_done) [i%d, i2, f%d, f6, f3, i%d, i%d, i%d, i4, i0]\n", cmp, a,
      fc, c1, c2, sum);
  PUT("jump(i%d, i2, i%d, f%d, f6, f3, i%d, i%d, i%d, descr=own)\n", a, b2, fc, c1, c2, sum);
#undef PUT
  for (unsigned variant = 0; variant < 6; variant++) {
    armjit_ctx *ctx = new_ctx(variant ? ARMJIT_RANDOM_RA : 0, 100 + variant);
    bset s;
    s.what = text;
    bset_init_text(&s, ctx, text);
    /* The guard's values: somewhere in registers and somewhere in slots. */
    const armjit_loop *m = s.loops[0];
    const ajx_exit_meta *em = &m->emeta[0];
    const uint8_t *p = m->rec + em->rec, *end = p + em->rec_len;
    unsigned tags[4] = {0, 0, 0, 0};
    rec_entry e;
    while (p < end && rec_next(&p, end, &e)) tags[e.tag]++;
    assert_true(tags[REC_REG] > 0);
    assert_true(tags[REC_CONST] + tags[REC_SMALL] >= 4);
    if (variant == 0) assert_true(tags[REC_SLOT] > 0);
    for (int32_t a = 0; a < 8; a++) {
      armjit_value in[2] = {irs_i(a), irs_f(a * 0.25)};
      bset_run(&s, 0, in, NULL);
    }
    bset_free(&s);
    armjit_ctx_free(ctx);
  }
}

/* A guard with 1,000 fail args, bridged: the bridge sums them. */
static void test_bridge_1000_fail_args(void **state) {
  (void)state;
  enum { N = 1000 };
  size_t cap = 64 * N + 4096, o = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  o += (size_t)snprintf(text + o, cap - o, "--- loop main\n[i0]\n");
  for (int k = 1; k < N; k++)
    o += (size_t)snprintf(text + o, cap - o, "i%d = int_add(i%d, %d)\n", k, k - 1, k);
  o += (size_t)snprintf(text + o, cap - o, "i%d = int_gt(i0, 0)\nguard_false(i%d, descr=g) [",
                        N, N);
  for (int k = 0; k < N; k++)
    o += (size_t)snprintf(text + o, cap - o, "%si%d", k ? ", " : "", (k * 7) % N);
  o += (size_t)snprintf(text + o, cap - o, "]\nfinish(i%d, descr=pass)\n", N - 1);
  o += (size_t)snprintf(text + o, cap - o, "--- bridge sum on main.g\n[");
  for (int k = 0; k < N; k++) o += (size_t)snprintf(text + o, cap - o, "%si%d", k ? ", " : "", k);
  o += (size_t)snprintf(text + o, cap - o, "]\ni%d = int_add(i0, i1)\n", N);
  for (int k = 2; k < N; k++)
    o += (size_t)snprintf(text + o, cap - o, "i%d = int_add(i%d, i%d)\n", N + k - 1, N + k - 2, k);
  o += (size_t)snprintf(text + o, cap - o, "finish(i%d, i0, i%d, descr=total)\n", 2 * N - 2,
                        N - 1);
  armjit_ctx *ctx = new_ctx(0, 0);
  bset s;
  bset_init_text(&s, ctx, text);
  for (int32_t a = 0; a < 3; a++) {
    armjit_value in[1] = {irs_i(a)};
    int exit;
    unsigned e = bset_run(&s, 0, in, &exit);
    if (a > 0) {  /* the guard fails: into the bridge */
      uint32_t sum = 0;
      for (int k = 0; k < N; k++) {
        int j = (k * 7) % N;
        sum += (uint32_t)a + (uint32_t)(j * (j + 1) / 2);
      }
      assert_int_equal(e, 1);
      assert_int_equal((uint32_t)s.fc->values[0].i, sum);
      assert_int_equal(s.fc->values[1].i, a);
    } else {
      assert_int_equal(e, 0);
    }
  }
  bset_free(&s);
  armjit_ctx_free(ctx);
  free(text);
}

/* Bad input: clear errors, nothing attached. */
static void test_bridge_errors(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx(0, 0);
  armjit_error err;
  armjit_trace *t = armjit_trace_parse(
      ctx, "[i0, f1]\nlabel(i0, f1, descr=L)\ni2 = int_lt(i0, 9)\n"
           "guard_true(i2, descr=g) [i0, f1]\ni3 = int_add(i0, 1)\njump(i3, f1, descr=L)\n",
      &err);
  assert_non_null(t);
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  assert_non_null(l);
  struct { const char *text; int exit; armjit_status code; const char *msg; } bad[] = {
      {"[i0]\nfinish(i0)\n", 0, ARMJIT_E_INVALID, "1 inputs but guard 0"},
      {"[i0, i1]\nfinish(i0)\n", 0, ARMJIT_E_TYPE, "input 2 is int, but fail arg 2"},
      {"[i0, f1]\nfinish(i0)\n", 2, ARMJIT_E_ARG, "not an exit of"},
      {"[i0, f1]\nfinish(i0)\n", -1, ARMJIT_E_ARG, "not an exit of"},
  };
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    armjit_trace *b = armjit_trace_parse(ctx, bad[i].text, &err);
    assert_non_null(b);
    assert_null(armjit_compile_bridge(ctx, l, bad[i].exit, b, &err));
    irs_expect_err(&err, bad[i].code, bad[i].msg, NULL);
    armjit_trace_free(b);
  }
  armjit_trace *ft = armjit_trace_parse(ctx, "[i0]\nfinish(i0)\n", &err);
  armjit_loop *fl = armjit_compile_loop(ctx, ft, &err);
  assert_null(armjit_compile_bridge(ctx, fl, 0, ft, &err));
  irs_expect_err(&err, ARMJIT_E_ARG, "is a finish", NULL);
  armjit_loop_free(fl);
  armjit_trace_free(ft);
  /* Jumps to labels: unknown, wrong count, wrong types. */
  armjit_trace *b = armjit_trace_new(ctx);
  armjit_val i0 = armjit_input(b, ARMJIT_INT);
  (void)armjit_input(b, ARMJIT_FLOAT);
  armjit_val a1[1] = {i0};
  assert_int_equal(armjit_jump_to(b, "nowhere", a1, 1), ARMJIT_OK);
  assert_null(armjit_compile_bridge(ctx, l, 0, b, &err));
  irs_expect_err(&err, ARMJIT_E_INVALID, "unknown label nowhere", NULL);
  assert_null(armjit_compile_loop(ctx, b, &err));
  irs_expect_err(&err, ARMJIT_E_INVALID, "only a bridge", NULL);
  armjit_trace_free(b);
  b = armjit_trace_new(ctx);
  i0 = armjit_input(b, ARMJIT_INT);
  (void)armjit_input(b, ARMJIT_FLOAT);
  assert_int_equal(armjit_jump_to(b, "L", a1, 1), ARMJIT_OK);
  assert_null(armjit_compile_bridge(ctx, l, 0, b, &err));
  irs_expect_err(&err, ARMJIT_E_INVALID, "passes 1 values but label L", NULL);
  armjit_trace_free(b);
  b = armjit_trace_new(ctx);
  i0 = armjit_input(b, ARMJIT_INT);
  (void)armjit_input(b, ARMJIT_FLOAT);
  armjit_val a2[2] = {i0, i0};
  assert_int_equal(armjit_jump_to(b, "L", a2, 2), ARMJIT_OK);
  assert_null(armjit_compile_bridge(ctx, l, 0, b, &err));
  irs_expect_err(&err, ARMJIT_E_TYPE, "argument 2 is int", "is float", NULL);
  armjit_trace_free(b);
  assert_int_equal(armjit_jump_to(NULL, "L", a2, 2), ARMJIT_E_ARG);
  /* A second bridge on one guard. */
  b = armjit_trace_parse(ctx, "[i0, f1]\nfinish(f1, i0)\n", &err);
  armjit_loop *br = armjit_compile_bridge(ctx, l, 0, b, &err);
  assert_non_null(br);
  assert_null(armjit_compile_bridge(ctx, l, 0, b, &err));
  irs_expect_err(&err, ARMJIT_E_INVALID, "already has a bridge", NULL);
  assert_int_equal(armjit_run(br, NULL, &err), -1);
  armjit_frame *f = armjit_frame_new(ctx, 4);
  assert_int_equal(armjit_run(br, f, &err), -1);
  irs_expect_err(&err, ARMJIT_E_ARG, "a bridge runs only from its guard", NULL);
  assert_null(armjit_compile_bridge(NULL, l, 0, b, &err));
  assert_null(armjit_compile_bridge(ctx, NULL, 0, b, &err));
  assert_null(armjit_compile_bridge(ctx, l, 0, NULL, &err));
  armjit_frame_free(ctx, f);
  armjit_trace_free(b);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bridge_jumps_to_label),
      cmocka_unit_test(test_bridge_deeper_frame),
      cmocka_unit_test(test_bridge_of_bridge),
      cmocka_unit_test(test_bridge_finishes),
      cmocka_unit_test(test_bridge_jumps_to_other_loop),
      cmocka_unit_test(test_bridge_free),
      cmocka_unit_test(test_bridge_fail_args),
      cmocka_unit_test(test_bridge_1000_fail_args),
      cmocka_unit_test(test_bridge_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
