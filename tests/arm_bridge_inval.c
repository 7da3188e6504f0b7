/* SPDX-License-Identifier: MIT */
/* Invalidation (guard_not_invalidated, armjit_loop_invalidate) with
 * bridges attached, and patching code that another thread is running:
 *   - before a run: every guard_not_invalidated of the loop and of its
 *     bridges fails from then on (into its bridge when it has one), also
 *     in bridges compiled afterwards; while valid the site is one NOP;
 *   - during a run: a helper called by the loop invalidates it, the next
 *     guard_not_invalidated fails (compared with the interpreter, whose
 *     flag the same helper sets);
 *   - from another thread: a second thread runs a long loop while this
 *     one attaches a bridge to it and then invalidates it; the thread
 *     goes through the bridge and leaves at the invalidation guard, and
 *     /proc/self/maps shows no writable+executable page at any point. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena_maps.h"
#include "bset.h"
#include "ir_support.h"
#include "rt/execmem.h"
#include "rt/loop.h"

static const char *const INV =
    "--- loop main\n"
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "guard_not_invalidated(descr=inv) [i0, i1]\n"
    "i2 = int_add(i0, 1)\n"
    "i3 = int_lt(i2, 50)\n"
    "guard_true(i3, descr=done) [i2, i1]\n"
    "i4 = int_and(i2, 7)\n"
    "guard_true(i4, descr=eight) [i2, i1]\n"
    "i5 = int_add(i1, 1)\n"
    "jump(i2, i5, descr=L)\n"
    "--- bridge b on main.eight\n"
    "[i0, i1]\n"
    "i2 = int_add(i1, 100)\n"
    "guard_not_invalidated(descr=binv) [i0, i2, 3]\n"
    "jump(i0, i2, descr=L)\n";

static uint32_t word_at(const armjit_loop *l, int32_t off) {
  uint32_t w;
  memcpy(&w, (const uint8_t *)armjit_code_entry(l->code) + off, 4);
  return w;
}

static void test_invalidate_before_run(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  bset s;
  bset_init_text(&s, ctx, INV);
  armjit_loop *main_l = s.loops[0];
  assert_true(main_l->exits[0].nop);
  assert_int_equal(word_at(main_l, main_l->exits[0].branch), 0xe320f000u); /* nop */
  armjit_value in[2] = {irs_i(0), irs_i(0)};
  int exit;
  assert_int_equal(bset_run(&s, 0, in, &exit), 0);
  assert_int_equal(exit, 1); /* done */
  assert_int_equal(s.fc->values[1].i, 43 + 6 * 100);
  assert_false(armjit_loop_is_invalidated(main_l));

  bset_invalidate(&s, 1); /* through the bridge: the whole family */
  assert_true(armjit_loop_is_invalidated(main_l));
  assert_int_equal((word_at(main_l, main_l->exits[0].branch) >> 24) & 0xff, 0xea); /* b */
  assert_int_equal(bset_run(&s, 0, in, &exit), 0);
  assert_int_equal(exit, 0); /* inv, at once */
  assert_int_equal(s.fc->values[0].i, 0);
  armjit_value in7[2] = {irs_i(7), irs_i(5)};
  assert_int_equal(bset_run(&s, 0, in7, &exit), 0);
  assert_int_equal(exit, 0);
  /* The bridge's own guard_not_invalidated is a branch now too. */
  const armjit_loop *b = s.loops[1];
  assert_true(b->exits[0].nop);
  assert_int_equal((word_at(b, b->exits[0].branch) >> 24) & 0xff, 0xea);
  /* A bridge on the invalidation guard itself: taken now. */
  armjit_error err;
  armjit_trace *bt = armjit_trace_parse(ctx, "[i0, i1]\ni2 = int_mul(i1, 3)\nfinish(i0, i2)\n",
                                        &err);
  assert_non_null(bt);
  armjit_loop *ib = armjit_compile_bridge(ctx, main_l, 0, bt, &err);
  assert_non_null(ib);
  armjit_value in2[2] = {irs_i(4), irs_i(5)};
  for (unsigned k = 0; k < 2; k++) s.fc->values[k] = in2[k];
  int id = armjit_run(main_l, s.fc, &err);
  assert_int_equal(id, armjit_loop_exit_id(ib, 0));
  assert_int_equal(s.fc->values[1].i, 15);
  /* Bridges compiled after the invalidation are invalid from the start. */
  armjit_trace *bt2 = armjit_trace_parse(
      ctx, "[i0, i1]\nguard_not_invalidated(descr=late) [i1]\nfinish(i0)\n", &err);
  armjit_loop *b2 = armjit_compile_bridge(ctx, main_l, armjit_loop_exit_id(main_l, 1), bt2, &err);
  assert_non_null(b2);
  assert_int_equal((word_at(b2, b2->exits[0].branch) >> 24) & 0xff, 0xea);
  in2[0] = irs_i(49);
  for (unsigned k = 0; k < 2; k++) s.fc->values[k] = in2[k];
  armjit_loop_free(ib); /* inv exits to the caller again */
  id = armjit_run(main_l, s.fc, &err);
  assert_int_equal(id, 0);
  armjit_trace_free(bt);
  armjit_trace_free(bt2);
  bset_free(&s);
  armjit_ctx_free(ctx);
}

/* ---- during a run: a helper invalidates the loop at iteration `at` ---- */
typedef struct {
  bset *s;
  int32_t at;
  bool compiled;
} inval_cookie;

static int32_t inval_at(inval_cookie *c, int32_t i) {
  if (i == c->at) {
    if (c->compiled) armjit_loop_invalidate(c->s->loops[0], NULL);
    else c->s->invalid[0] = 1;
  }
  return i;
}

static void before_run(bset *s, bool compiled, void *ud) {
  inval_cookie *c = ud;
  c->compiled = compiled;
  /* each side starts valid: a fresh compile for the compiled side */
  (void)s;
}

static const char *const MID =
    "--- loop main\n"
    "descr C = call(args=[ref, int], result=int)\n"
    "[p0, i1, i2]\n"
    "label(p0, i1, i2, descr=L)\n"
    "i3 = call(sym(inval_at), p0, i1, descr=C)\n"
    "guard_not_invalidated(descr=inv) [i3, i2]\n"
    "i4 = int_add(i1, 1)\n"
    "i5 = int_lt(i4, 40)\n"
    "guard_true(i5, descr=done) [i4, i2]\n"
    "i6 = int_and(i4, 3)\n"
    "guard_true(i6, descr=four) [p0, i4, i2]\n"
    "i7 = int_add(i2, 2)\n"
    "jump(p0, i4, i7, descr=L)\n"
    "--- bridge b on main.four\n"
    "descr C = call(args=[ref, int], result=int)\n"
    "[p0, i1, i2]\n"
    "i3 = int_add(i2, 1000)\n"
    "i4 = call(sym(inval_at), p0, i3, descr=C)\n"
    "guard_not_invalidated(descr=binv) [i1, i4]\n"
    "jump(p0, i1, i3, descr=L)\n";

static void test_invalidate_during_run(void **state) {
  (void)state;
  for (int32_t at = 0; at < 44; at += 5) {
    armjit_ctx *ctx = irs_ctx();
    assert_int_equal(armjit_ctx_add_symbol(ctx, "inval_at", (uintptr_t)inval_at), ARMJIT_OK);
    bset s;
    bset_init_text(&s, ctx, MID);
    inval_cookie c = {&s, at, false};
    s.before = before_run;
    s.ud = &c;
    armjit_value in[3] = {irs_r((uintptr_t)&c), irs_i(0), irs_i(0)};
    unsigned e;
    int exit;
    e = bset_run(&s, 0, in, &exit);
    if (at < 40) {
      assert_int_equal(exit, 0);
      assert_int_equal(s.fc->values[0].i, at % 1000);
    } else {
      assert_int_equal(e, 0);
      assert_int_equal(exit, 1); /* done, never invalidated */
    }
    bset_free(&s);
    armjit_ctx_free(ctx);
  }
}

/* ---- another thread runs the loop while it is patched ---- */
static const char *const LONG =
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "guard_not_invalidated(descr=inv) [i0, i1]\n"
    "i2 = int_add(i0, 1)\n"
    "i3 = int_lt(i2, 1000000000)\n"
    "guard_true(i3, descr=done) [i2, i1]\n"
    "i4 = int_and(i2, 255)\n"
    "guard_true(i4, descr=tick) [i2, i1]\n"
    "jump(i2, i1, descr=L)\n";

typedef struct {
  armjit_loop *loop;
  armjit_frame *f;
  int id;
} runner;

static void *run_thread(void *p) {
  runner *r = p;
  armjit_error err;
  r->f->values[0].i = 1;
  r->f->values[1].i = 0;
  r->id = armjit_run(r->loop, r->f, &err);
  return NULL;
}

static void nap(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void check_maps(armjit_ctx *ctx) {
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  arena_maps m;
  arena_maps_scan(&info, &m);
  assert_int_equal(m.wx, 0);
  assert_int_equal(m.rx_writable, 0);
  assert_int_equal(m.rw_executable, 0);
}

static void test_patch_while_running(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  armjit_error err;
  armjit_trace *t = irs_parse(ctx, LONG);
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  assert_non_null(l);
  /* Without a bridge, `tick` leaves at 256: attach one first that counts
   * ticks and jumps back, so the loop runs until invalidated. */
  armjit_trace *bt = armjit_trace_new(ctx);
  armjit_val i0 = armjit_input(bt, ARMJIT_INT), i1 = armjit_input(bt, ARMJIT_INT);
  armjit_val one = armjit_const_int(bt, 1), a[2] = {i1, one};
  armjit_val i2 = armjit_op(bt, ARMJIT_OP_INT_ADD, a, 2);
  volatile int32_t progress = 0;  /* the ticks so far, stored by the bridge */
  armjit_field_descr fd = {0, 4, true, ARMJIT_INT};
  int fdi = armjit_descr_field(bt, &fd);
  armjit_val sa[2] = {armjit_const_ref(bt, (uintptr_t)&progress), i2};
  armjit_op_descr(bt, ARMJIT_OP_SETFIELD_RAW, sa, 2, fdi);
  armjit_val j[2] = {i0, i2};
  assert_int_equal(armjit_jump_to(bt, "L", j, 2), ARMJIT_OK);
  runner r = {l, armjit_frame_new(ctx, armjit_loop_frame_capacity(l)), -1};
  check_maps(ctx);
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  if (info.mode == AJX_ARENA_MPROTECT) {
    /* the fallback makes a page unexecutable while it is patched: the
     * header rules out running code being patched there */
    print_message("arena in %s mode: no patching while a thread runs\n",
                  ajx_arena_mode_name(info.mode));
    armjit_frame_free(ctx, r.f);
    armjit_trace_free(bt);
    armjit_trace_free(t);
    armjit_loop_free(l);
    armjit_ctx_free(ctx);
    skip();
  }
  print_message("arena in %s mode\n", ajx_arena_mode_name(info.mode));
  armjit_loop *b = armjit_compile_bridge(ctx, l, 2, bt, &err);
  assert_non_null(b);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, run_thread, &r), 0);
  for (int k = 0; k < 2000 && progress < 2; k++) nap(10);
  assert_true(progress >= 2);  /* it runs, through the bridge */
  check_maps(ctx);
  /* a second bridge, on `done`: patched while the thread is in the loop */
  armjit_trace *dt = irs_parse(ctx, "[i0, i1]\nfinish(i1, i0, descr=never)\n");
  armjit_loop *d = armjit_compile_bridge(ctx, l, 1, dt, &err);
  assert_non_null(d);
  check_maps(ctx);
  int32_t seen = progress;
  for (int k = 0; k < 2000 && progress < seen + 2; k++) nap(10);
  assert_true(progress >= seen + 2);  /* and goes on running after the patch */
  assert_int_equal(armjit_loop_invalidate(l, &err), ARMJIT_OK);
  check_maps(ctx);
  assert_int_equal(pthread_join(th, NULL), 0);
  assert_int_equal(r.id, 0); /* inv */
  int32_t iter = r.f->values[0].i, ticks = r.f->values[1].i;
  print_message("the thread left at iteration %d after %d ticks through the bridge\n", iter,
                ticks);
  assert_true(iter > 256);
  assert_true(iter < 1000000000);
  assert_int_equal(ticks, iter / 256);
  assert_true(ticks >= progress);
  armjit_frame_free(ctx, r.f);
  armjit_trace_free(dt);
  armjit_trace_free(bt);
  armjit_trace_free(t);
  armjit_loop_free(l);
  check_maps(ctx);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_invalidate_before_run),
      cmocka_unit_test(test_invalidate_during_run),
      cmocka_unit_test(test_patch_while_running),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
