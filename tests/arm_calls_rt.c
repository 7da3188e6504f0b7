/* SPDX-License-Identifier: MIT */
/* Exceptions and forcing in compiled code, under both ABIs, against the
 * interpreter (docs/ir.md §11.2-11.3).
 *
 * Helpers raise with armjit_raise (the trace passes them its context) and
 * force with armjit_force (the trace passes them its force_token).  The
 * exception slot belongs to the context and persists between runs, so
 * each case runs a *sequence* of inputs without clearing it in between,
 * once interpreted and once compiled (default and random register
 * allocation), each in a context of its own, and compares after every
 * step the exit, its values and the slot. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

typedef int32_t i32;
typedef uintptr_t ref;

#if defined(__ARM_PCS_VFP)
#define OTHER_PCS __attribute__((pcs("aapcs")))
#define NATIVE_ABI ARMJIT_ABI_HARD
#define OTHER_ABI ARMJIT_ABI_SOFT
#else
#define OTHER_PCS __attribute__((pcs("aapcs-vfp")))
#define NATIVE_ABI ARMJIT_ABI_SOFT
#define OTHER_ABI ARMJIT_ABI_HARD
#endif

/* Exception objects: their class word (class_offset 0), 0x1000 for even
 * v, 0x1001 for odd v. */
static const uintptr_t exc_objs[2] = {0x1000, 0x1001};

/* raiser: raises exc_objs[v & 1] when v % 3 == 0.  forcer: forces when
 * v % 4 == 1.  both: forces when v & 1, raises when v & 2. */
#define RT_HELPERS(ATTR, P)                                                     \
  static ATTR double P##raiser(ref ctx, i32 v, double f) {                      \
    if (v % 3 == 0) armjit_raise((armjit_ctx *)ctx, (uintptr_t)&exc_objs[v & 1]); \
    return f * 2.0 + v;                                                         \
  }                                                                             \
  static ATTR i32 P##forcer(double f, ref token, i32 v) {                       \
    if (v % 4 == 1) armjit_force(token);                                        \
    return v * 7 + (f < 0 ? -1 : 1);                                            \
  }                                                                             \
  static ATTR void P##both(ref ctx, ref token, i32 v) {                         \
    if (v & 1) armjit_force(token);                                             \
    if (v & 2) armjit_raise((armjit_ctx *)ctx, 0x2000u + (uint32_t)v);          \
  }
RT_HELPERS(, n_)
RT_HELPERS(OTHER_PCS, o_)

typedef struct {
  uintptr_t raiser, forcer, both;
} rt_fns;

static rt_fns fns_of(armjit_abi abi) {
  rt_fns f;
  if (abi == NATIVE_ABI) {
    f.raiser = (uintptr_t)n_raiser; f.forcer = (uintptr_t)n_forcer; f.both = (uintptr_t)n_both;
  } else {
    f.raiser = (uintptr_t)o_raiser; f.forcer = (uintptr_t)o_forcer; f.both = (uintptr_t)o_both;
  }
  return f;
}

/* A trace text with placeholders: CTX is replaced by the context's
 * address, RAISER / FORCER / BOTH by the helpers'. */
static armjit_trace *parse_for(armjit_ctx *ctx, armjit_abi abi, const char *tmpl) {
  rt_fns f = fns_of(abi);
  char text[4096], *o = text;
  size_t room = sizeof text;
  for (const char *p = tmpl; *p;) {
    const char *names[] = {"CTX", "RAISER", "FORCER", "BOTH"};
    uintptr_t vals[] = {(uintptr_t)ctx, f.raiser, f.forcer, f.both};
    int hit = -1;
    for (int k = 0; k < 4; k++)
      if (strncmp(p, names[k], strlen(names[k])) == 0) hit = k;
    int w;
    if (hit >= 0) {
      w = snprintf(o, room, "ref(0x%" PRIxPTR ")", vals[hit]);
      p += strlen(names[hit]);
    } else {
      w = snprintf(o, room, "%c", *p++);
    }
    assert_true(w > 0 && (size_t)w < room);
    o += w;
    room -= (size_t)w;
  }
  armjit_error e;
  armjit_trace *t = armjit_trace_parse(ctx, text, &e);
  if (!t) {
    fprintf(stderr, "%s\n", text);
    fail_msg("parse: %s at %d:%d", e.msg, e.line, e.col);
  }
  return t;
}

enum { MAXSTEPS = 16, MAXVALS = 16 };

typedef struct {
  int exit_id;
  uint32_t nvalues;
  armjit_value v[MAXVALS];
  uintptr_t slot;        /* the exception slot after the step */
} step_result;

/* Run the inputs in order in one context: interpreted (mode 0) or
 * compiled (1: default, 2: random register allocation). */
static void run_steps(armjit_abi abi, int mode, const char *tmpl, const armjit_value *in,
                      unsigned nin, unsigned nsteps, step_result *out) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.abi = abi;
  if (mode == 2) {
    o.flags = ARMJIT_RANDOM_RA;
    o.seed = ARMJIT_RANDOM_SEED;
  }
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(&o, &e);
  assert_non_null(ctx);
  armjit_trace *t = parse_for(ctx, abi, tmpl);
  armjit_loop *loop = NULL;
  if (mode) {
    loop = armjit_compile_loop(ctx, t, &e);
    if (!loop) {
      armjit_trace_print(t, stderr);
      fail_msg("compile: %s", e.msg);
    }
  }
  armjit_frame *f = armjit_frame_new(ctx, MAXVALS);
  assert_non_null(f);
  for (unsigned s = 0; s < nsteps; s++) {
    memcpy(f->values, in + s * nin, nin * sizeof *in);
    if (mode) {
      if (armjit_run(loop, f, &e) < 0) fail_msg("run: %s", e.msg);
    } else if (armjit_interpret(t, f, 1000000, &e) != ARMJIT_OK) {
      fail_msg("interpret: %s", e.msg);
    }
    out[s].exit_id = f->exit_id;
    out[s].nvalues = f->nvalues;
    assert_true(f->nvalues <= MAXVALS);
    memcpy(out[s].v, f->values, f->nvalues * sizeof *f->values);
    out[s].slot = armjit_exception(ctx);
  }
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* Every step of the compiled runs equals the interpreter's; returns the
 * interpreter's results for the caller's own expectations. */
static void check(armjit_abi abi, const char *tmpl, const armjit_value *in, unsigned nin,
                  unsigned nsteps, step_result *want) {
  assert_true(nsteps <= MAXSTEPS);
  run_steps(abi, 0, tmpl, in, nin, nsteps, want);
  for (int mode = 1; mode <= 2; mode++) {
    step_result got[MAXSTEPS];
    run_steps(abi, mode, tmpl, in, nin, nsteps, got);
    for (unsigned s = 0; s < nsteps; s++) {
      const char *what = mode == 1 ? "compiled" : "compiled (random RA)";
      if (got[s].exit_id != want[s].exit_id || got[s].nvalues != want[s].nvalues)
        fail_msg("%s, step %u: exit %d with %u values, interpreter exit %d with %u\n%s",
                 what, s, got[s].exit_id, got[s].nvalues, want[s].exit_id, want[s].nvalues,
                 tmpl);
      for (unsigned k = 0; k < want[s].nvalues; k++)
        if (got[s].v[k].bits != want[s].v[k].bits)
          fail_msg("%s, step %u: value %u is 0x%016" PRIx64 ", interpreter 0x%016" PRIx64
                   "\n%s",
                   what, s, k, got[s].v[k].bits, want[s].v[k].bits, tmpl);
      if (got[s].slot != want[s].slot)
        fail_msg("%s, step %u: exception slot 0x%" PRIxPTR ", interpreter 0x%" PRIxPTR "\n%s",
                 what, s, got[s].slot, want[s].slot, tmpl);
    }
  }
}

/* guard_no_exception passes (slot 0) and fails (the slot keeps the
 * value); a pending exception makes the next run's guard fail too. */
static const char no_exc_text[] =
    "descr R = call(args=[ref, int, float], result=float, may_raise)\n"
    "[i0, f1, p2]\n"
    "f3 = call(RAISER, CTX, i0, f1, descr=R)\n"
    "guard_no_exception(descr=exc) [i0, f3, p2, 5, f1]\n"
    "f4 = float_add(f3, f1)\n"
    "finish(f4, i0, p2)\n";

static void test_guard_no_exception(void **state) {
  (void)state;
  for (int a = 0; a < 2; a++) {
    armjit_abi abi = a ? OTHER_ABI : NATIVE_ABI;
    /* i0: 1 passes, 3 raises, then 4 would pass but 3's exception is
     * still pending, ... */
    const i32 iv[] = {1, 3, 4, 5, 6, 7};
    armjit_value in[6 * 3];
    for (unsigned s = 0; s < 6; s++) {
      in[3 * s] = irs_i(iv[s]);
      in[3 * s + 1] = irs_f(0.25 * s - 1);
      in[3 * s + 2] = irs_r(0x1000u * s + 8);
    }
    step_result r[6];
    check(abi, no_exc_text, in, 3, 6, r);
    /* the oracle's own story, so the test cannot pass vacuously */
    assert_int_equal(r[0].exit_id, 1);
    assert_int_equal(r[0].slot, 0);
    assert_int_equal(r[1].exit_id, 0);
    assert_true(r[1].slot == (uintptr_t)&exc_objs[1]);
    assert_int_equal(r[2].exit_id, 0);
  }
}

/* guard_exception(0x1001): catches an exception of that class and clears
 * the slot; fails (slot 0) when nothing was raised and (slot kept) when
 * the exception has another class. */
static const char exc_text[] =
    "descr R = call(args=[ref, int, float], result=float, may_raise)\n"
    "[i0, f1]\n"
    "f3 = call(RAISER, CTX, i0, f1, descr=R)\n"
    "p4 = guard_exception(ref(0x1001), descr=noexc) [i0, f3, f1]\n"
    "finish(p4, f3, i0)\n";

static void test_guard_exception(void **state) {
  (void)state;
  for (int a = 0; a < 2; a++) {
    armjit_abi abi = a ? OTHER_ABI : NATIVE_ABI;
    const i32 iv[] = {3, 1, 6, 6, 2, 9};
    armjit_value in[6 * 2];
    for (unsigned s = 0; s < 6; s++) {
      in[2 * s] = irs_i(iv[s]);
      in[2 * s + 1] = irs_f(1.5 * s);
    }
    step_result r[6];
    check(abi, exc_text, in, 2, 6, r);
    assert_int_equal(r[0].exit_id, 1);
    assert_true(r[0].v[0].r == (uintptr_t)&exc_objs[1]);
    assert_int_equal(r[0].slot, 0);
    assert_int_equal(r[1].exit_id, 0);
    assert_int_equal(r[1].slot, 0);
    /* 6 raises the other class: not caught, the slot keeps it */
    assert_int_equal(r[2].exit_id, 0);
    assert_true(r[2].slot == (uintptr_t)&exc_objs[0]);
  }
}

/* Forcing from inside the helper: guard_not_forced exits with exactly
 * its fail args; unforced runs continue; each run starts unforced. */
static const char force_text[] =
    "descr F = call(args=[float, ref, int], result=int, may_force)\n"
    "[i0, f1, p2]\n"
    "p3 = force_token()\n"
    "i4 = call_may_force(FORCER, f1, p3, i0, descr=F)\n"
    "guard_not_forced(descr=forced) [i0, f1, p2, i4, 7, -0.0, i0]\n"
    "i5 = int_add(i4, 1)\n"
    "finish(i5, f1, p2)\n";

/* A loop: the token is loop-carried; the forced iteration's values come
 * back. */
static const char force_loop_text[] =
    "descr F = call(args=[float, ref, int], result=int, may_force)\n"
    "[i0, i1, f2]\n"
    "p3 = force_token()\n"
    "label(i0, i1, f2, p3, descr=L)\n"
    "i4 = call_may_force(FORCER, f2, p3, i0, descr=F)\n"
    "guard_not_forced(descr=forced) [i0, i4, f2, i1]\n"
    "i5 = int_add(i0, 1)\n"
    "f6 = float_add(f2, 0.5)\n"
    "i7 = int_lt(i5, i1)\n"
    "guard_true(i7, descr=end) [i5, f6]\n"
    "jump(i5, i1, f6, p3, descr=L)\n";

/* Forced by a plain call; a later call_may_force's guard sees it. */
static const char force_late_text[] =
    "descr P = call(args=[float, ref, int], result=int)\n"
    "descr F = call(args=[float, ref, int], result=int, may_force)\n"
    "[i0, f1]\n"
    "p2 = force_token()\n"
    "i3 = call(FORCER, f1, p2, i0, descr=P)\n"
    "i4 = call_may_force(FORCER, f1, p2, 0, descr=F)\n"
    "guard_not_forced(descr=forced) [i3, i4, f1]\n"
    "finish(i3, i4)\n";

/* Forcing and raising from one call: the force guard comes first, the
 * exception stays pending. */
static const char force_raise_text[] =
    "descr B = call(args=[ref, ref, int], result=void, may_raise, may_force)\n"
    "[i0, f1]\n"
    "p2 = force_token()\n"
    "call_may_force(BOTH, CTX, p2, i0, descr=B)\n"
    "guard_not_forced(descr=forced) [i0, f1]\n"
    "guard_no_exception(descr=exc) [f1, i0]\n"
    "finish(i0, f1)\n";

static void test_forcing(void **state) {
  (void)state;
  for (int a = 0; a < 2; a++) {
    armjit_abi abi = a ? OTHER_ABI : NATIVE_ABI;
    step_result r[MAXSTEPS];

    const i32 iv[] = {1, 2, 5, 0, 9, 4};
    armjit_value in[6 * 3];
    for (unsigned s = 0; s < 6; s++) {
      in[3 * s] = irs_i(iv[s]);
      in[3 * s + 1] = irs_f(s & 1 ? -2.5 : 3.0);
      in[3 * s + 2] = irs_r(0x40u + s);
    }
    check(abi, force_text, in, 3, 6, r);
    assert_int_equal(r[0].exit_id, 0);  /* forced */
    assert_int_equal(r[0].nvalues, 7);
    assert_int_equal(r[1].exit_id, 1);  /* not forced: the flag started clear */

    armjit_value lin[3 * 3] = {irs_i(2), irs_i(20), irs_f(0.5),   /* forced at i0 = 5 */
                               irs_i(6), irs_i(8), irs_f(-1.0),   /* runs to the end */
                               irs_i(0), irs_i(3), irs_f(2.0)};   /* forced at 1 */
    check(abi, force_loop_text, lin, 3, 3, r);
    assert_int_equal(r[0].exit_id, 0);
    assert_int_equal(r[0].v[0].i, 5);
    assert_int_equal(r[1].exit_id, 1);

    armjit_value fin[3 * 2] = {irs_i(1), irs_f(1.0), irs_i(2), irs_f(-1.0), irs_i(5),
                               irs_f(0.0)};
    check(abi, force_late_text, fin, 2, 3, r);
    assert_int_equal(r[0].exit_id, 0);
    assert_int_equal(r[1].exit_id, 1);

    armjit_value bin[5 * 2];
    for (unsigned s = 0; s < 5; s++) {
      bin[2 * s] = irs_i((i32)s);  /* 0 none, 1 force, 2 raise, 3 both, 4 none */
      bin[2 * s + 1] = irs_f(s * 0.5);
    }
    check(abi, force_raise_text, bin, 2, 5, r);
    assert_int_equal(r[1].exit_id, 0);
    assert_int_equal(r[2].exit_id, 1);
    assert_int_equal(r[2].slot, 0x2002);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_guard_no_exception),
      cmocka_unit_test(test_guard_exception),
      cmocka_unit_test(test_forcing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
