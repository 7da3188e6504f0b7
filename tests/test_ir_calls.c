/* SPDX-License-Identifier: MIT */
/* Calls, exceptions and forcing in the reference interpreter, and the text
 * form and validation of descriptors.
 *
 * Calls: C helpers of 0 to 20 arguments mixing int, ref and float (every
 * AAPCS corner the two ARM ABIs have: doubles after an odd number of ints,
 * more than 8 doubles, stack arguments) and every result type are called
 * through traces and the result compared with calling the helper directly
 * from C.  Exceptions are raised by helpers; forcing is done by a helper
 * from the token the trace handed it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "ir/descr.h"
#include "ir_support.h"

/* ---- helpers: every argument feeds a hash, the result is derived from it ---- */
static uint64_t mix(uint64_t h, uint64_t x) {
  h ^= x + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
  return h * UINT64_C(0xff51afd7ed558ccd);
}
static uint64_t dbits(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}
static int32_t as_i32(uint64_t h) {
  uint32_t u = (uint32_t)(h >> 13);
  int32_t i;
  memcpy(&i, &u, 4);
  return i;
}
static double as_f64(uint64_t h) { return (double)(int64_t)(h >> 12) / 4096.0 - 1e12; }
static uintptr_t as_ref(uint64_t h) { return (uintptr_t)(h ^ (h >> 29)); }

#define I(x) h = mix(h, (uint32_t)(x))
#define R(x) h = mix(h, (uint64_t)(x))
#define F(x) h = mix(h, dbits(x))
typedef int32_t i32;
typedef uintptr_t ref;

static i32 c0(void) { return -42; }
static double c1(double a) { uint64_t h = 1; F(a); return as_f64(h); }
static ref c2(i32 a, ref b) { uint64_t h = 2; I(a); R(b); return as_ref(h); }
static double c3(double a, i32 b, double c) { uint64_t h = 3; F(a); I(b); F(c); return as_f64(h); }
static i32 c4(i32 a, i32 b, i32 c, i32 d) { uint64_t h = 4; I(a); I(b); I(c); I(d); return as_i32(h); }
static double c5(i32 a, double b, i32 c, double d, ref e) {
  uint64_t h = 5; I(a); F(b); I(c); F(d); R(e); return as_f64(h);
}
static i32 c6(double a, double b, double c, double d, double e, double f) {
  uint64_t h = 6; F(a); F(b); F(c); F(d); F(e); F(f); return as_i32(h);
}
static ref c7(ref a, double b, i32 c, double d, ref e, double f, i32 g) {
  uint64_t h = 7; R(a); F(b); I(c); F(d); R(e); F(f); I(g); return as_ref(h);
}
static double c8(double a, double b, double c, double d, double e, double f, double g, double k) {
  uint64_t h = 8; F(a); F(b); F(c); F(d); F(e); F(f); F(g); F(k); return as_f64(h);
}
static i32 c9(double a, double b, double c, double d, double e, double f, double g, double k,
              double l) {
  uint64_t h = 9; F(a); F(b); F(c); F(d); F(e); F(f); F(g); F(k); F(l); return as_i32(h);
}
static double c10(i32 a, i32 b, double c, i32 d, i32 e, double f, ref g, ref k, double l,
                  double m) {
  uint64_t h = 10; I(a); I(b); F(c); I(d); I(e); F(f); R(g); R(k); F(l); F(m); return as_f64(h);
}
/* void: the hash goes to *out (the last argument) */
static void c11(double a, i32 b, double c, double d, i32 e, i32 f, ref g, double k, i32 l,
                double m, ref out) {
  uint64_t h = 11; F(a); I(b); F(c); F(d); I(e); I(f); R(g); F(k); I(l); F(m);
  memcpy((void *)out, &h, 8);
}
static i32 c12(ref a, i32 b, double c, ref d, i32 e, double f, ref g, i32 k, double l, ref m,
               i32 n, double o) {
  uint64_t h = 12; R(a); I(b); F(c); R(d); I(e); F(f); R(g); I(k); F(l); R(m); I(n); F(o);
  return as_i32(h);
}
static double c20(i32 a0, double a1, i32 a2, double a3, i32 a4, double a5, i32 a6, double a7,
                  i32 a8, double a9, i32 a10, double a11, i32 a12, double a13, i32 a14,
                  double a15, i32 a16, double a17, i32 a18, double a19) {
  uint64_t h = 20; I(a0); F(a1); I(a2); F(a3); I(a4); F(a5); I(a6); F(a7); I(a8); F(a9);
  I(a10); F(a11); I(a12); F(a13); I(a14); F(a15); I(a16); F(a17); I(a18); F(a19);
  return as_f64(h);
}
static void v1(ref out) { uint64_t h = 0x5151; memcpy((void *)out, &h, 8); }

/* Direct C calls of the same helpers, from an argument array. */
typedef armjit_value (*direct_fn)(const armjit_value *a);
static armjit_value ri(i32 x) { return irs_i(x); }
static armjit_value rr(ref x) { return irs_r(x); }
static armjit_value rf(double x) { return irs_f(x); }
#define AI(k) a[k].i
#define AR(k) a[k].r
#define AF(k) a[k].f
static armjit_value d0(const armjit_value *a) { (void)a; return ri(c0()); }
static armjit_value d1(const armjit_value *a) { return rf(c1(AF(0))); }
static armjit_value d2(const armjit_value *a) { return rr(c2(AI(0), AR(1))); }
static armjit_value d3(const armjit_value *a) { return rf(c3(AF(0), AI(1), AF(2))); }
static armjit_value d4(const armjit_value *a) { return ri(c4(AI(0), AI(1), AI(2), AI(3))); }
static armjit_value d5(const armjit_value *a) { return rf(c5(AI(0), AF(1), AI(2), AF(3), AR(4))); }
static armjit_value d6(const armjit_value *a) {
  return ri(c6(AF(0), AF(1), AF(2), AF(3), AF(4), AF(5)));
}
static armjit_value d7(const armjit_value *a) {
  return rr(c7(AR(0), AF(1), AI(2), AF(3), AR(4), AF(5), AI(6)));
}
static armjit_value d8(const armjit_value *a) {
  return rf(c8(AF(0), AF(1), AF(2), AF(3), AF(4), AF(5), AF(6), AF(7)));
}
static armjit_value d9(const armjit_value *a) {
  return ri(c9(AF(0), AF(1), AF(2), AF(3), AF(4), AF(5), AF(6), AF(7), AF(8)));
}
static armjit_value d10(const armjit_value *a) {
  return rf(c10(AI(0), AI(1), AF(2), AI(3), AI(4), AF(5), AR(6), AR(7), AF(8), AF(9)));
}
static armjit_value d11(const armjit_value *a) {
  c11(AF(0), AI(1), AF(2), AF(3), AI(4), AI(5), AR(6), AF(7), AI(8), AF(9), AR(10));
  return irs_i(0);
}
static armjit_value d12(const armjit_value *a) {
  return ri(c12(AR(0), AI(1), AF(2), AR(3), AI(4), AF(5), AR(6), AI(7), AF(8), AR(9), AI(10),
                AF(11)));
}
static armjit_value d20(const armjit_value *a) {
  return rf(c20(AI(0), AF(1), AI(2), AF(3), AI(4), AF(5), AI(6), AF(7), AI(8), AF(9), AI(10),
                AF(11), AI(12), AF(13), AI(14), AF(15), AI(16), AF(17), AI(18), AF(19)));
}
static armjit_value dv1(const armjit_value *a) { v1(AR(0)); return irs_i(0); }

typedef struct {
  const char *name;
  uintptr_t fn;
  const char *args;    /* i r f per argument */
  char res;            /* i r f v */
  direct_fn direct;
} helper;

#define H(n, a, r) {#n, (uintptr_t)n, a, r, NULL}
static helper helpers[] = {
    H(c0, "", 'i'),         H(c1, "f", 'f'),          H(c2, "ir", 'r'),
    H(c3, "fif", 'f'),      H(c4, "iiii", 'i'),       H(c5, "ififr", 'f'),
    H(c6, "ffffff", 'i'),   H(c7, "rfifrfi", 'r'),    H(c8, "ffffffff", 'f'),
    H(c9, "fffffffff", 'i'), H(c10, "iifiifrrff", 'f'), H(c11, "fiffiirfifr", 'v'),
    H(c12, "rifrifrifrif", 'i'), H(c20, "ifififififififififif", 'f'), H(v1, "r", 'v'),
};
enum { NHELPERS = sizeof helpers / sizeof helpers[0] };
static const direct_fn directs[NHELPERS] = {d0, d1, d2, d3, d4, d5, d6, d7,
                                            d8, d9, d10, d11, d12, d20, dv1};

static armjit_type type_of(char c) {
  return c == 'i' ? ARMJIT_INT : c == 'r' ? ARMJIT_REF : c == 'f' ? ARMJIT_FLOAT : ARMJIT_VOID;
}
static const char *type_word(char c) {
  return c == 'i' ? "int" : c == 'r' ? "ref" : c == 'f' ? "float" : "void";
}

static uint64_t rng_next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Arguments: edge values and noise; refs that are void outputs point at out. */
static armjit_value arg_value(char c, uint64_t *s, unsigned k) {
  static const int32_t ints[] = {0, 1, -1, INT32_MIN, INT32_MAX, 255, -256};
  static const double dbls[] = {0.0, -0.0, 1.5, -2.25, 1e300, -1e-300, 5e-324};
  uint64_t x = rng_next(s);
  if (c == 'i') return irs_i(x % 3 == 0 ? ints[(x >> 8) % 7] : as_i32(x));
  if (c == 'r') return irs_r(as_ref(x) | (k & 1));
  return irs_f(x % 3 == 0 ? dbls[(x >> 8) % 7] : as_f64(x));
}

static int ctx_setup(void **state) {
  armjit_ctx *ctx = irs_ctx();
  for (unsigned k = 0; k < NHELPERS; k++) {
    helpers[k].direct = directs[k];
    assert_int_equal(armjit_ctx_add_symbol(ctx, helpers[k].name, helpers[k].fn), ARMJIT_OK);
  }
  *state = ctx;
  return 0;
}
static int ctx_teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* The text of a trace calling helper h with all inputs, finishing with
 * the result. */
static char *call_text(const helper *h) {
  static char buf[2048];
  size_t n = 0, cap = sizeof buf;
  n += (size_t)snprintf(buf + n, cap - n, "descr C = call(args=[");
  for (size_t k = 0; h->args[k]; k++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", k ? ", " : "", type_word(h->args[k]));
  n += (size_t)snprintf(buf + n, cap - n, "], result=%s)\n[", type_word(h->res));
  for (size_t k = 0; h->args[k]; k++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%c%zu", k ? ", " : "",
                          h->args[k] == 'r' ? 'p' : h->args[k], k);
  n += (size_t)snprintf(buf + n, cap - n, "]\n");
  if (h->res != 'v') n += (size_t)snprintf(buf + n, cap - n, "%cres = ", h->res == 'r' ? 'p' : h->res);
  n += (size_t)snprintf(buf + n, cap - n, "call(sym(%s)", h->name);
  for (size_t k = 0; h->args[k]; k++)
    n += (size_t)snprintf(buf + n, cap - n, ", %c%zu", h->args[k] == 'r' ? 'p' : h->args[k], k);
  n += (size_t)snprintf(buf + n, cap - n, ", descr=C)\nfinish(%s)\n",
                        h->res == 'v' ? "" : h->res == 'r' ? "pres" : h->res == 'i' ? "ires"
                                                                                  : "fres");
  return buf;
}

/* Compare one interpreted call with the direct one.  Void helpers write a
 * hash through their last (ref) argument: both runs get their own word. */
static void check_call(armjit_ctx *ctx, armjit_trace *t, const helper *h, armjit_value *in,
                       const armjit_value *inputs, unsigned ninputs) {
  size_t na = strlen(h->args);
  uint64_t out_trace = 0, out_direct = 0;
  armjit_value args[20];
  memcpy(args, in, na * sizeof *args);
  armjit_value inp[20];
  memcpy(inp, inputs, ninputs * sizeof *inp);
  if (h->res == 'v') {
    args[na - 1] = irs_r((uintptr_t)&out_direct);
    for (unsigned k = 0; k < ninputs; k++)
      if (inp[k].r == in[na - 1].r) inp[k] = irs_r((uintptr_t)&out_trace);
  }
  armjit_value want = h->direct(args);
  armjit_frame *f = irs_run(ctx, t, inp, 0);
  if (h->res == 'v') {
    assert_int_equal(f->nvalues, 0);
    if (out_trace != out_direct)
      fail_msg("%s: wrote 0x%llx, direct call 0x%llx", h->name, (unsigned long long)out_trace,
               (unsigned long long)out_direct);
  } else if (!irs_value_same(type_of(h->res), f->values[0], want)) {
    fail_msg("%s: interpreted 0x%llx, direct 0x%llx", h->name,
             (unsigned long long)f->values[0].bits, (unsigned long long)want.bits);
  }
  armjit_frame_free(ctx, f);
}

/* Every helper from text, arguments as inputs. */
static void test_calls_text(void **state) {
  armjit_ctx *ctx = *state;
  uint64_t s = 88172645463325252u;
  for (unsigned k = 0; k < NHELPERS; k++) {
    const helper *h = &helpers[k];
    armjit_trace *t = irs_roundtrip(ctx, call_text(h));
    size_t na = strlen(h->args);
    for (unsigned rep = 0; rep < 25; rep++) {
      armjit_value in[20];
      for (size_t j = 0; j < na; j++) in[j] = arg_value(h->args[j], &s, (unsigned)j);
      check_call(ctx, t, h, in, in, (unsigned)na);
    }
    armjit_trace_free(t);
  }
}

/* Every helper through the builder, every other argument a constant; the
 * function address a ref constant (and an int where pointers are 32-bit). */
static void test_calls_api(void **state) {
  armjit_ctx *ctx = *state;
  uint64_t s = 0x1234567;
  for (unsigned k = 0; k < NHELPERS; k++)
    for (unsigned rep = 0; rep < 10; rep++) {
      const helper *h = &helpers[k];
      size_t na = strlen(h->args);
      armjit_value in[20], inputs[20];
      unsigned ninputs = 0;
      for (size_t j = 0; j < na; j++) in[j] = arg_value(h->args[j], &s, (unsigned)j);
      armjit_trace *t = armjit_trace_new(ctx);
      armjit_type types[20];
      for (size_t j = 0; j < na; j++) types[j] = type_of(h->args[j]);
      armjit_call_descr cd = {types, (unsigned)na, type_of(h->res), 0};
      int d = armjit_descr_call(t, &cd);
      armjit_val a[21];
      bool int_fn = sizeof(uintptr_t) == 4 && rep % 2;
      a[0] = int_fn ? armjit_const_int(t, (int32_t)(uint32_t)h->fn) : armjit_const_ref(t, h->fn);
      for (size_t j = 0; j < na; j++) {
        bool cst = (j + rep) % 2 && !(h->res == 'v' && j == na - 1);
        if (!cst) {
          a[j + 1] = armjit_input(t, types[j]);
          inputs[ninputs++] = in[j];
        } else {
          a[j + 1] = types[j] == ARMJIT_INT ? armjit_const_int(t, in[j].i)
                   : types[j] == ARMJIT_REF ? armjit_const_ref(t, in[j].r)
                                            : armjit_const_float(t, in[j].f);
        }
      }
      armjit_val r = armjit_op_descr(t, ARMJIT_OP_CALL, a, (unsigned)na + 1, d);
      armjit_finish(t, &r, h->res == 'v' ? 0 : 1);
      check_call(ctx, t, h, in, inputs, ninputs);
      armjit_trace_free(t);
    }
}

/* ---- exceptions ----------------------------------------------------------------- */
/* Exception objects: the class word (class_offset 0) is all there is. */
static const uintptr_t exc_objs[2] = {0x5000, 0x6000};

/* Raises for x < 0: an exception of class 0x5000 when x is odd, 0x6000
 * when even. */
static i32 raiser(ref ctx, i32 x) {
  if (x < 0) armjit_raise((armjit_ctx *)ctx, (uintptr_t)&exc_objs[(x & 1) == 0]);
  return x * 2;
}

static void test_exceptions(void **state) {
  armjit_ctx *ctx = *state;
  assert_int_equal(armjit_ctx_add_symbol(ctx, "raiser", (uintptr_t)raiser), ARMJIT_OK);
  armjit_trace *no_exc = irs_roundtrip(
      ctx,
      "descr C = call(args=[ref, int], result=int, may_raise)\n"
      "[p0, i1]\n"
      "i2 = call(sym(raiser), p0, i1, descr=C)\n"
      "guard_no_exception(descr=raised) [i1, i2]\n"
      "finish(i2, descr=done)\n");
  armjit_trace *catch = irs_roundtrip(
      ctx,
      "descr C = call(args=[ref, int], result=int, may_raise)\n"
      "[p0, i1]\n"
      "i2 = call(sym(raiser), p0, i1, descr=C)\n"
      "p3 = guard_exception(ref(0x5000), descr=none) [i2]\n"
      "finish(p3, i2, descr=caught)\n");
  static const int32_t xs[] = {0, 5, -1, -7, 1000000000, -100000};
  for (unsigned k = 0; k < sizeof xs / sizeof xs[0]; k++) {
    int32_t x = xs[k];
    bool raises = x < 0, odd = (x & 1) != 0;
    uintptr_t exc = raises ? (uintptr_t)&exc_objs[!odd] : 0;
    armjit_value in[2] = {irs_r((uintptr_t)ctx), irs_i(x)};

    armjit_frame *f = irs_run(ctx, no_exc, in, 0);
    assert_int_equal(f->exit_id, raises ? 0 : 1);
    if (raises) {
      assert_int_equal(f->values[0].i, x);
      assert_int_equal(f->values[1].i, x * 2); /* the call's result is kept */
    }
    /* guard_no_exception does not clear: the caller handles it */
    assert_true(armjit_exception(ctx) == exc);
    armjit_clear_exception(ctx);
    armjit_frame_free(ctx, f);

    f = irs_run(ctx, catch, in, 0);
    bool caught = raises && odd; /* of class 0x5000: the other class is not caught */
    assert_int_equal(f->exit_id, caught ? 1 : 0);
    if (caught) {
      assert_true(f->values[0].r == exc);
      assert_int_equal(f->values[1].i, x * 2);
    } else {
      assert_int_equal(f->values[0].i, x * 2);
    }
    /* caught: cleared; not caught: left for the caller */
    assert_true(armjit_exception(ctx) == (caught ? 0 : exc));
    armjit_clear_exception(ctx);
    armjit_frame_free(ctx, f);
  }
  armjit_trace_free(no_exc);
  armjit_trace_free(catch);

  /* the API of the slot */
  assert_int_equal(armjit_raise(ctx, 0), ARMJIT_E_ARG);
  assert_int_equal(armjit_raise(NULL, 1), ARMJIT_E_ARG);
  assert_int_equal(armjit_raise(ctx, 7), ARMJIT_OK);
  assert_int_equal(armjit_raise(ctx, 9), ARMJIT_OK); /* the later one wins */
  assert_true(armjit_exception(ctx) == 9);
  armjit_clear_exception(ctx);
  assert_true(armjit_exception(ctx) == 0);
}

/* ---- forcing ---------------------------------------------------------------------- */
static i32 forcer(ref token, i32 x) {
  if (x > 10) armjit_force(token);
  return x + 1;
}

static i32 force_and_raise(ref ctx, ref token, i32 x) {
  if (x % 2) armjit_force(token);
  if (x % 3 == 0) armjit_raise((armjit_ctx *)ctx, 0x77);
  return -x;
}

static void test_forcing(void **state) {
  armjit_ctx *ctx = *state;
  assert_int_equal(armjit_ctx_add_symbol(ctx, "forcer", (uintptr_t)forcer), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "force_and_raise", (uintptr_t)force_and_raise),
                   ARMJIT_OK);
  /* A loop: each iteration hands the helper the token; at i > 10 it forces
   * and guard_not_forced exits with the values of that iteration. */
  armjit_trace *t = irs_roundtrip(
      ctx,
      "descr CF = call(args=[ref, int], result=int, may_force)\n"
      "[i0, f1]\n"
      "label(i0, f1, descr=L)\n"
      "p2 = force_token()\n"
      "i3 = call_may_force(sym(forcer), p2, i0, descr=CF)\n"
      "guard_not_forced(descr=forced) [i0, f1, i3, p2]\n"
      "f4 = float_add(f1, 0.5)\n"
      "i5 = int_lt(i3, 100)\n"
      "guard_true(i5, descr=never) []\n"
      "jump(i3, f4, descr=L)\n");
  armjit_value in[2] = {irs_i(0), irs_f(1.0)};
  armjit_frame *f = irs_run(ctx, t, in, 1000);
  assert_int_equal(f->exit_id, 0);
  assert_int_equal(f->nvalues, 4);
  assert_int_equal(f->values[0].i, 11);   /* the first i0 > 10 */
  assert_true(f->values[1].f == 1.0 + 11 * 0.5);
  assert_int_equal(f->values[2].i, 12);   /* the call's result is kept */
  assert_true(f->values[3].r != 0);       /* the token: an address */
  armjit_frame_free(ctx, f);
  /* never forced: the flag starts clear in every activation */
  in[0] = irs_i(-200);
  f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  assert_int_equal(f->values[0].i, 11);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);

  /* call_may_force + guard_not_forced + guard_no_exception */
  t = irs_roundtrip(
      ctx,
      "descr CF = call(args=[ref, ref, int], result=int, may_raise, may_force)\n"
      "[p0, i1]\n"
      "p2 = force_token()\n"
      "i3 = call_may_force(sym(force_and_raise), p0, p2, i1, descr=CF)\n"
      "guard_not_forced(descr=forced) [i1, i3]\n"
      "guard_no_exception(descr=raised) [i3]\n"
      "finish(i3)\n");
  for (int32_t x = 0; x < 12; x++) {
    armjit_value in2[2] = {irs_r((uintptr_t)ctx), irs_i(x)};
    f = irs_run(ctx, t, in2, 0);
    int want_exit = x % 2 ? 0 : x % 3 == 0 ? 1 : 2;
    assert_int_equal(f->exit_id, want_exit);
    if (want_exit == 0) {
      assert_int_equal(f->values[0].i, x);
      assert_int_equal(f->values[1].i, -x);
    } else {
      assert_int_equal(f->values[0].i, -x);
    }
    assert_true(armjit_exception(ctx) == (x % 3 == 0 ? 0x77u : 0u));
    armjit_clear_exception(ctx);
    armjit_frame_free(ctx, f);
  }
  armjit_trace_free(t);
  armjit_force(0); /* a null token is ignored */
}

/* ---- guard_class, guard_nonnull_class, guard_value on refs and floats -------- */
static void test_guard_class(void **state) {
  (void)state;
  static const int32_t offsets[] = {0, 8, -16, 4096};
  for (unsigned k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
    armjit_options o;
    memset(&o, 0, sizeof o);
    o.class_offset = offsets[k];
    armjit_error err;
    armjit_ctx *ctx = armjit_ctx_new(&o, &err);
    assert_non_null(ctx);
    static uintptr_t obj[2048];
    uintptr_t *p = obj + 1024;
    uintptr_t cls_a = 0xa000, cls_b = 0xb000;
    memcpy((char *)p + offsets[k], &cls_a, sizeof cls_a);
    armjit_trace *t = irs_roundtrip(ctx,
                                    "[p0, p1]\n"
                                    "guard_nonnull_class(p0, p1, descr=nn) [p0]\n"
                                    "guard_class(p0, ref(0xa000), descr=ga) [p1]\n"
                                    "guard_value(p1, ref(0xa000), descr=gv) [p1]\n"
                                    "finish(p0)\n");
    struct { uintptr_t obj, cls; int exit; } cases[] = {
        {(uintptr_t)p, cls_a, 3}, {(uintptr_t)p, cls_b, 0}, {0, cls_a, 0}};
    for (unsigned c = 0; c < 3; c++) {
      armjit_value in[2] = {irs_r(cases[c].obj), irs_r(cases[c].cls)};
      armjit_frame *f = irs_run(ctx, t, in, 0);
      assert_int_equal(f->exit_id, cases[c].exit);
      armjit_frame_free(ctx, f);
    }
    armjit_trace_free(t);
    /* guard_class fails on another class; guard_value on floats compares numerically */
    t = irs_roundtrip(ctx,
                      "[p0, f1]\n"
                      "guard_class(p0, ref(0xb000)) [p0]\n"
                      "finish(f1)\n");
    armjit_value in[2] = {irs_r((uintptr_t)p), irs_f(0)};
    armjit_frame *f = irs_run(ctx, t, in, 0);
    assert_int_equal(f->exit_id, 0);
    armjit_frame_free(ctx, f);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
  armjit_ctx *ctx = irs_ctx();
  armjit_trace *t = irs_roundtrip(ctx,
                                  "[f0]\n"
                                  "guard_value(f0, -0.0) [f0]\n"
                                  "finish(f0)\n");
  static const double fs[] = {0.0, -0.0, 1.0, NAN};
  for (unsigned k = 0; k < 4; k++) {
    armjit_value in[1] = {irs_f(fs[k])};
    armjit_frame *f = irs_run(ctx, t, in, 0);
    assert_int_equal(f->exit_id, k < 2 ? 1 : 0);
    armjit_frame_free(ctx, f);
  }
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* ---- symbols -------------------------------------------------------------------- */
static void test_symbols(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  uintptr_t a;
  assert_false(armjit_ctx_symbol(ctx, "nothing", &a));
  assert_int_equal(armjit_ctx_add_symbol(ctx, "x", 0x10), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "x", 0x10), ARMJIT_OK);  /* same again */
  assert_int_equal(armjit_ctx_add_symbol(ctx, "x", 0x20), ARMJIT_E_INVALID);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "alias", 0x10), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "1x", 1), ARMJIT_E_ARG);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "", 1), ARMJIT_E_ARG);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "a-b", 1), ARMJIT_E_ARG);
  assert_int_equal(armjit_ctx_add_symbol(ctx, NULL, 1), ARMJIT_E_ARG);
  char longname[64];
  memset(longname, 'n', sizeof longname - 1);
  longname[63] = 0;
  assert_int_equal(armjit_ctx_add_symbol(ctx, longname, 1), ARMJIT_E_ARG);
  longname[48] = 0;
  assert_int_equal(armjit_ctx_add_symbol(ctx, longname, 0x30), ARMJIT_OK);
  /* many symbols: the indexes grow */
  for (unsigned k = 0; k < 500; k++) {
    char name[16];
    snprintf(name, sizeof name, "s%u", k);
    assert_int_equal(armjit_ctx_add_symbol(ctx, name, 0x1000 + k * 8), ARMJIT_OK);
  }
  for (unsigned k = 0; k < 500; k += 37) {
    char name[16];
    snprintf(name, sizeof name, "s%u", k);
    assert_true(armjit_ctx_symbol(ctx, name, &a));
    assert_true(a == 0x1000 + k * 8);
  }
  assert_true(armjit_ctx_symbol(ctx, "x", &a) && a == 0x10);
  /* ref constants print as the first name of their address */
  armjit_trace *t = irs_roundtrip(ctx,
                                  "[]\n"
                                  "finish(sym(alias), sym(x), sym(s7), ref(0x11), null)\n");
  char *s = irs_print(t);
  assert_string_equal(s, "[]\nfinish(sym(x), sym(x), sym(s7), ref(0x11), null)\n");
  free(s);
  armjit_trace_free(t);
  char text[128];
  snprintf(text, sizeof text, "[]\nfinish(sym(%s))\n", longname);
  t = irs_roundtrip(ctx, text);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* ---- text form of descriptors --------------------------------------------------- */
static const char *const descr_text =
    "# every kind, in every spelling\n"
    "descr F8 = field(offset=-1, size=1, signed, int)\n"
    "descr F16 = field(size=2, offset=0x10, unsigned, int)\n"
    "descr F32 = field(int, size=4, offset=-4096)\n"
    "descr FR = field(offset=8, ref)\n"
    "descr FF = field(offset=16, size=8, float)\n"
    "descr A = array(base=8, item=8, float, len=4)\n"
    "descr AR = array(base=0, ref)\n"
    "descr A16 = array(base=4, item=2, signed, int)\n"
    "descr I = interior(base=8, item=16, len=4, offset=8, size=8, float)\n"
    "descr IR = interior(base=8, item=24, offset=0, ref)\n"
    "descr S = str(base=12, item=1, len=8)\n"
    "descr U = unicode(base=12, item=4, len=8)\n"
    "descr U2 = unicode(len=-4, item=2, base=0)\n"
    "descr C0 = call()\n"
    "descr C = call(args=[int, float, ref], result=float, may_raise)\n"
    "descr CV = call(may_force, args=[ref], result=void, may_raise)\n"
    "[p0, i1]\n"
    "descr LATE = field(offset=100, size=1, int)   # declared between ops\n"
    "i2 = getfield_gc(p0, descr=LATE)\n"
    "call(ref(0x1234), descr=C0)\n"
    "finish(i2)\n";

static void test_descr_text(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = irs_roundtrip(ctx, descr_text);
  char *s = irs_print(t);
  assert_string_equal(
      s,
      "descr F8 = field(offset=-1, size=1, signed, int)\n"
      "descr F16 = field(offset=16, size=2, int)\n"
      "descr F32 = field(offset=-4096, size=4, int)\n"
      "descr FR = field(offset=8, ref)\n"
      "descr FF = field(offset=16, size=8, float)\n"
      "descr A = array(base=8, item=8, float, len=4)\n"
      "descr AR = array(base=0, ref)\n"
      "descr A16 = array(base=4, item=2, signed, int)\n"
      "descr I = interior(base=8, item=16, len=4, offset=8, size=8, float)\n"
      "descr IR = interior(base=8, item=24, offset=0, ref)\n"
      "descr S = str(base=12, item=1, len=8)\n"
      "descr U = unicode(base=12, item=4, len=8)\n"
      "descr U2 = unicode(base=0, item=2, len=-4)\n"
      "descr C0 = call(args=[], result=void)\n"
      "descr C = call(args=[int, float, ref], result=float, may_raise)\n"
      "descr CV = call(args=[ref], result=void, may_raise, may_force)\n"
      "descr LATE = field(offset=100, size=1, int)\n"
      "[p0, i1]\n"
      "i2 = getfield_gc(p0, descr=LATE)\n"
      "call(ref(0x1234), descr=C0)\n"
      "finish(i2)\n");
  free(s);
  assert_int_equal(armjit_trace_ndescrs(t), 17);
  /* what the code generator reads */
  const ir_descr *d = ir_descr_at(t, 9); /* IR */
  assert_int_equal(d->kind, IR_DESCR_INTERIOR);
  assert_int_equal(d->size, sizeof(uintptr_t));
  assert_int_equal(d->item_size, 24);
  assert_false(d->has_len);
  armjit_trace_free(t);
}

/* API-built descriptors print with generated names that avoid every other
 * name, and read back to the same descriptors. */
static void test_descr_api_roundtrip(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val p = armjit_input(t, ARMJIT_REF);
  armjit_field_descr fd = {12, 2, true, ARMJIT_INT};
  int d0 = armjit_descr_field(t, &fd);
  armjit_array_descr ad = {8, 0, false, ARMJIT_FLOAT, true, 4};
  int d1 = armjit_descr_array(t, &ad);
  armjit_type args[2] = {ARMJIT_REF, ARMJIT_INT};
  armjit_call_descr cd = {args, 2, ARMJIT_INT, ARMJIT_CALL_MAY_RAISE};
  int d2 = armjit_descr_call(t, &cd);
  armjit_str_descr sd = {12, 2, 8};
  int d3 = armjit_descr_unicode(t, &sd);
  assert_int_equal(armjit_descr_set_name(t, d3, "D0"), ARMJIT_OK); /* taken by name */
  armjit_val v = armjit_op_descr(t, ARMJIT_OP_GETFIELD_GC, &p, 1, d0);
  armjit_val a2[2] = {p, v};
  armjit_val f = armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_GC, a2, 2, d1);
  armjit_val ca[3] = {armjit_const_ref(t, 0x4000), p, v};
  armjit_val r = armjit_op_descr(t, ARMJIT_OP_CALL, ca, 3, d2);
  int gx = -1;
  armjit_val e = armjit_guard_exception(t, armjit_const_ref(t, 0x3000), &r, 1, &gx);
  assert_int_equal(gx, 0);
  armjit_val u = armjit_op_descr(t, ARMJIT_OP_UNICODELEN, &p, 1, d3);
  armjit_val fin[5] = {v, f, r, e, u};
  armjit_finish(t, fin, 5);
  armjit_error err;
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_OK);
  char *s = irs_print(t);
  assert_string_equal(s,
                      "descr D0_ = field(offset=12, size=2, signed, int)\n"
                      "descr D1 = array(base=8, item=8, float, len=4)\n"
                      "descr D2 = call(args=[ref, int], result=int, may_raise)\n"
                      "descr D0 = unicode(base=12, item=2, len=8)\n"
                      "[p0]\n"
                      "i1 = getfield_gc(p0, descr=D0_)\n"
                      "f2 = getarrayitem_gc(p0, i1, descr=D1)\n"
                      "i3 = call(ref(0x4000), p0, i1, descr=D2)\n"
                      "p4 = guard_exception(ref(0x3000)) [i3]\n"
                      "i5 = unicodelen(p0, descr=D0)\n"
                      "finish(i1, f2, i3, p4, i5)\n");
  armjit_trace *t2 = irs_roundtrip(ctx, s);
  irs_assert_same_trace(t, t2);
  for (uint32_t i = 0; i < armjit_trace_nops(t); i++)
    assert_int_equal(t->ops[i].descr, t2->ops[i].descr);
  free(s);
  armjit_trace_free(t2);
  armjit_trace_free(t);
}

/* ---- errors: text ----------------------------------------------------------------- */
static void test_descr_text_errors(void **state) {
  armjit_ctx *ctx = *state;
#define E irs_expect_error
  /* declarations */
  E(ctx, "descr F = field(offset=4, size=3, int)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 27,
    "1, 2 or 4 bytes, not 3", NULL);
  E(ctx, "descr F = field(offset=4, size=4, float)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 27,
    "8-byte double", NULL);
  E(ctx, "descr F = field(offset=4, size=2, signed, ref)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1,
    27, "pointer size", NULL);
  E(ctx, "descr F = field(offset=4, signed, float)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 27,
    "signed applies to int", NULL);
  E(ctx, "descr F = field(offset=4, size=0, int)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 32,
    "size must be positive", NULL);
  E(ctx, "descr F = field(offset=4, int)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 30,
    "field descriptor needs size=", NULL);
  E(ctx, "descr F = field(size=4, int)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 28,
    "needs offset=", NULL);
  E(ctx, "descr F = field(offset=4, size=4)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 33,
    "needs a type", NULL);
  E(ctx, "descr F = field(offset=4, offset=8, size=4, int)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1,
    27, "offset given twice", NULL);
  E(ctx, "descr F = field(offset=4, size=4, int, float)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1,
    40, "the type given twice", NULL);
  E(ctx, "descr F = field(offset=4, len=4, size=4, int)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1,
    27, "len is not a property of field", NULL);
  E(ctx, "descr F = field(offset=4, colour=4)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 27,
    "unknown descriptor property 'colour'", NULL);
  E(ctx, "descr F = fjeld(offset=4)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 11,
    "unknown descriptor kind 'fjeld'", NULL);
  E(ctx, "descr F = field(offset=99999999999, size=4, int)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1,
    24, "does not fit in 32 bits", NULL);
  E(ctx, "descr F = field(offset=4x, size=4, int)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 24,
    "expected an integer", NULL);
  E(ctx, "descr F field(offset=4)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 9, "expected '='", NULL);
  E(ctx, "descr = field(offset=4)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 7,
    "expected a descriptor name", NULL);
  E(ctx, "descr F = field(offset=4, size=4, int) x\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 40,
    "unexpected 'x' after the descriptor", NULL);
  E(ctx, "descr F = field(offset=4, size=4, int\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 38,
    "expected ',' or ')'", NULL);
  E(ctx, "descr I = interior(base=0, item=8, offset=4, size=8, float)\n[]\nfinish()\n",
    ARMJIT_E_INVALID, 1, 36, "does not fit in an item of 8 bytes", NULL);
  E(ctx, "descr S = str(base=0, item=2, len=0)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 23,
    "use unicode", NULL);
  E(ctx, "descr U = unicode(base=0, item=3, len=0)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 27,
    "2 or 4 bytes", NULL);
  E(ctx, "descr S = str(base=0, item=1)\n[]\nfinish()\n", ARMJIT_E_INVALID, 1, 29, "needs len=",
    NULL);
  E(ctx, "descr C = call(args=[int, double])\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 27,
    "unknown type 'double'", NULL);
  E(ctx, "descr C = call(result=char)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 23,
    "unknown type 'char' (int, ref, float, i64, f32 or void)", NULL);
  E(ctx, "descr C = call(may_raise, may_raise)\n[]\nfinish()\n", ARMJIT_E_SYNTAX, 1, 27,
    "may_raise given twice", NULL);
  E(ctx, "descr C = call()\ndescr C = call()\n[]\nfinish()\n", ARMJIT_E_INVALID, 2, 7,
    "descr name C already used on line 1", NULL);
  E(ctx, "[]\nguard_true(1, descr=g) []\ndescr g = call()\nfinish()\n", ARMJIT_E_INVALID, 3, 7,
    "descr name g already used on line 2", NULL);
  E(ctx, "descr g = call()\n[]\nguard_true(1, descr=g) []\nfinish()\n", ARMJIT_E_INVALID, 3, 15,
    "descr name g already used on line 1", NULL);
  /* uses */
  E(ctx, "[p0]\ni1 = getfield_gc(p0, descr=F)\nfinish(i1)\n", ARMJIT_E_INVALID, 2, 22,
    "unknown descr F", NULL);
  E(ctx, "[p0]\ni1 = getfield_gc(p0)\nfinish(i1)\n", ARMJIT_E_SYNTAX, 2, 6,
    "getfield_gc needs descr=NAME of a field descriptor", NULL);
  E(ctx, "descr A = array(base=0, item=4, int)\n[p0]\ni1 = getfield_gc(p0, descr=A)\nfinish(i1)\n",
    ARMJIT_E_INVALID, 3, 22, "descr A is a array descriptor, but getfield_gc needs a field", NULL);
  E(ctx, "descr F = field(offset=0, size=4, int)\n[p0]\ni1 = arraylen_gc(p0, descr=F)\nfinish(i1)\n",
    ARMJIT_E_INVALID, 3, 22, "needs an array or interior descriptor", NULL);
  E(ctx, "descr A = array(base=0, item=4, int)\n[p0]\ni1 = arraylen_gc(p0, descr=A)\nfinish(i1)\n",
    ARMJIT_E_INVALID, 3, 22, "has no length", NULL);
  E(ctx, "descr F = field(offset=0, size=4, int)\n[p0]\nf1 = getfield_gc(p0, descr=F)\nfinish(f1)\n",
    ARMJIT_E_TYPE, 3, 1, "type prefix of variable f1", NULL);
  E(ctx, "descr F = field(offset=0, size=4, int)\n[p0, f1]\nsetfield_gc(p0, f1, descr=F)\nfinish()\n",
    ARMJIT_E_TYPE, 3, 17, "argument 2 (f1) of setfield_gc is float, expected int as descr F", NULL);
  E(ctx, "descr F = field(offset=0, size=4, int)\n[i0]\ni1 = getfield_gc(i0, descr=F)\nfinish(i1)\n",
    ARMJIT_E_TYPE, 3, 18, "argument 1 (i0) of getfield_gc is int, expected ref", NULL);
  E(ctx, "[p0]\ni1 = int_add(1, 2, descr=X)\nfinish(i1)\n", ARMJIT_E_SYNTAX, 2, 20,
    "descr= is only allowed on", NULL);
  E(ctx, "[p0]\ni1 = getfield_gc(p0, sym(nope), descr=F)\nfinish(i1)\n", ARMJIT_E_INVALID, 2, 26,
    "unknown symbol nope", NULL);
  E(ctx, "[]\nfinish(sym(3))\n", ARMJIT_E_SYNTAX, 2, 12, "expected a symbol name", NULL);
  /* calls */
  const char *C = "descr C = call(args=[int, float], result=int, may_raise)\n";
  char buf[512];
#define WITH(body) (snprintf(buf, sizeof buf, "%s%s", C, body), buf)
  E(ctx, WITH("[i0]\ni1 = call(ref(0x10), i0, descr=C)\nfinish(i1)\n"), ARMJIT_E_INVALID, 3, 6,
    "call with descr C takes the function and 2 arguments, got 2 values", NULL);
  E(ctx, WITH("[i0, f1]\ni2 = call(ref(0x10), f1, f1, descr=C)\nfinish(i2)\n"), ARMJIT_E_TYPE, 3,
    22, "argument 2 (f1) of call is float, but descr C says int", NULL);
  E(ctx, WITH("[i0, f1]\ni2 = call(f1, i0, f1, descr=C)\nfinish(i2)\n"), ARMJIT_E_TYPE, 3, 11,
    "expected the function's address", NULL);
  E(ctx, WITH("[i0, f1]\ncall(ref(0x10), i0, f1, descr=C)\nfinish()\n"), ARMJIT_E_SYNTAX, 3, 1,
    "the result of call must be assigned", NULL);
  E(ctx, "descr V = call()\n[]\ni0 = call(ref(0x10), descr=V)\nfinish()\n", ARMJIT_E_SYNTAX, 3, 1,
    "has no result (void)", NULL);
  E(ctx, "descr V = call(may_force)\n[]\ncall(ref(0x10), descr=V)\nfinish()\n", ARMJIT_E_INVALID,
    3, 17, "descr V has may_force", NULL);
  E(ctx, "descr V = call(may_force)\n[]\ncall_may_force(ref(0x10), descr=V)\nfinish()\n",
    ARMJIT_E_INVALID, 3, 1, "call_may_force must be followed by guard_not_forced", NULL);
  E(ctx, "[]\nguard_not_forced() []\nfinish()\n", ARMJIT_E_INVALID, 2, 1,
    "guard_not_forced may only directly follow call_may_force", NULL);
  E(ctx, "descr V = call()\n[]\ncall(ref(0x10), descr=V)\nguard_no_exception() []\nfinish()\n",
    ARMJIT_E_INVALID, 4, 1, "guard_no_exception may only directly follow a call whose descr has may_raise",
    NULL);
  E(ctx, "descr V = call(may_raise)\n[]\ncall(ref(0x10), descr=V)\ni0 = int_add(1, 1)\n"
         "p1 = guard_exception(null) []\nfinish()\n",
    ARMJIT_E_INVALID, 5, 6, "guard_exception may only directly follow", NULL);
  E(ctx, "descr V = call(may_force)\n[]\ncall_may_force(ref(0x10), descr=V)\n"
         "guard_not_forced() []\nguard_no_exception() []\nfinish()\n",
    ARMJIT_E_INVALID, 5, 1, "guard_no_exception may only directly follow", NULL);
  E(ctx, "[]\nguard_exception(null) []\nfinish()\n", ARMJIT_E_SYNTAX, 2, 1,
    "the result of guard_exception must be assigned", NULL);
  E(ctx, "descr V = call(may_raise)\n[]\ncall(ref(0x10), descr=V)\n"
         "p0 = guard_exception(null) [p0]\nfinish()\n",
    ARMJIT_E_INVALID, 4, 29, "use of undefined variable p0", NULL);
  E(ctx, "descr V = call(may_raise)\n[]\ncall(ref(0x10), descr=V)\n"
         "p0 = guard_exception() []\nfinish()\n",
    ARMJIT_E_INVALID, 4, 6, "wrong number of arguments", "guard_exception takes 1", NULL);
  E(ctx, "descr V = call(may_raise)\n[i0]\ncall(ref(0x10), descr=V)\n"
         "p0 = guard_exception(i0) []\nfinish()\n",
    ARMJIT_E_TYPE, 4, 22, "argument 1 (i0) of guard_exception is int, expected ref", NULL);
#undef WITH
#undef E
}

/* ---- errors: builder ------------------------------------------------------------- */
static void expect_builder_error(armjit_trace *t, armjit_status code, const char *word) {
  armjit_error err;
  assert_int_equal(armjit_trace_validate(t, &err), code);
  if (!strstr(err.msg, word)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, word);
  armjit_trace_free(t);
}

static void test_descr_api_errors(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_field_descr bad = {0, 3, false, ARMJIT_INT};
  assert_int_equal(armjit_descr_field(t, &bad), -1);
  expect_builder_error(t, ARMJIT_E_ARG, "armjit_descr_field: an int in memory has 1, 2 or 4");

  t = armjit_trace_new(ctx);
  armjit_field_descr badty = {0, 4, false, (armjit_type)9};
  assert_int_equal(armjit_descr_field(t, &badty), -1);
  expect_builder_error(t, ARMJIT_E_ARG, "the value type must be int, ref, float, i64 or f32");

  t = armjit_trace_new(ctx);
  assert_int_equal(armjit_descr_array(t, NULL), -1);
  expect_builder_error(t, ARMJIT_E_ARG, "descriptor is NULL");

  t = armjit_trace_new(ctx);
  armjit_type at[1] = {ARMJIT_VOID};
  armjit_call_descr cd = {at, 1, ARMJIT_INT, 0};
  assert_int_equal(armjit_descr_call(t, &cd), -1);
  expect_builder_error(t, ARMJIT_E_ARG, "argument 1: the type must be int, ref, float, i64 or f32");

  t = armjit_trace_new(ctx);
  armjit_call_descr cf = {NULL, 0, ARMJIT_INT, 0x80};
  assert_int_equal(armjit_descr_call(t, &cf), -1);
  expect_builder_error(t, ARMJIT_E_ARG, "unknown call flags");

  t = armjit_trace_new(ctx);
  armjit_val p = armjit_input(t, ARMJIT_REF);
  assert_true(armjit_op(t, ARMJIT_OP_GETFIELD_GC, &p, 1) == ARMJIT_NOVAL);
  expect_builder_error(t, ARMJIT_E_ARG, "getfield_gc needs a descriptor: use armjit_op_descr");

  t = armjit_trace_new(ctx);
  p = armjit_input(t, ARMJIT_REF);
  armjit_field_descr fd = {0, 4, false, ARMJIT_INT};
  int d = armjit_descr_field(t, &fd);
  assert_true(armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_GC, &p, 1, d) == ARMJIT_NOVAL);
  expect_builder_error(t, ARMJIT_E_INVALID, "getarrayitem_gc needs an array descriptor; descr #0 is a field");

  t = armjit_trace_new(ctx);
  p = armjit_input(t, ARMJIT_REF);
  assert_true(armjit_op_descr(t, ARMJIT_OP_GETFIELD_GC, &p, 1, 5) == ARMJIT_NOVAL);
  expect_builder_error(t, ARMJIT_E_ARG, "unknown descriptor 5");

  t = armjit_trace_new(ctx);
  p = armjit_input(t, ARMJIT_REF);
  d = armjit_descr_field(t, &fd);
  assert_true(armjit_op_descr(t, ARMJIT_OP_INT_ADD, &p, 1, d) == ARMJIT_NOVAL);
  expect_builder_error(t, ARMJIT_E_ARG, "int_add takes no descriptor");

  t = armjit_trace_new(ctx);
  armjit_val i = armjit_input(t, ARMJIT_INT);
  d = armjit_descr_field(t, &fd);
  assert_true(armjit_op_descr(t, ARMJIT_OP_GETFIELD_GC, &i, 1, d) == ARMJIT_NOVAL);
  expect_builder_error(t, ARMJIT_E_TYPE, "argument 1 (i0) of getfield_gc is int, expected ref");

  t = armjit_trace_new(ctx);
  assert_int_equal(armjit_guard(t, ARMJIT_OP_GUARD_EXCEPTION, NULL, 0, NULL, 0), -1);
  expect_builder_error(t, ARMJIT_E_ARG, "use armjit_guard_exception");

  /* the ordering rules hold for API-built traces too */
  t = armjit_trace_new(ctx);
  int ge;
  armjit_guard_exception(t, armjit_const_ref(t, 0), NULL, 0, &ge);
  armjit_finish(t, NULL, 0);
  expect_builder_error(t, ARMJIT_E_INVALID, "op 0 (guard_exception): guard_exception may only");

  t = armjit_trace_new(ctx);
  d = armjit_descr_field(t, &fd);
  assert_int_equal(armjit_descr_set_name(t, d, "x y"), ARMJIT_E_ARG);
  expect_builder_error(t, ARMJIT_E_ARG, "is not a name");

  t = armjit_trace_new(ctx);
  d = armjit_descr_field(t, &fd);
  int d2 = armjit_descr_field(t, &fd);
  assert_int_equal(armjit_descr_set_name(t, d, "F"), ARMJIT_OK);
  assert_int_equal(armjit_descr_set_name(t, d, "F"), ARMJIT_OK);
  assert_int_equal(armjit_descr_set_name(t, d, "G"), ARMJIT_OK); /* rename */
  assert_int_equal(armjit_descr_set_name(t, d2, "F"), ARMJIT_OK);
  armjit_finish(t, NULL, 0);
  assert_int_equal(armjit_set_name(t, "G"), ARMJIT_E_INVALID);
  expect_builder_error(t, ARMJIT_E_INVALID, "descr name G is already used");
}

/* ---- out of memory: every allocation of these paths may fail ------------------ */
typedef struct { long budget; } alloc_budget;
static void *b_alloc(void *ud, size_t n) {
  alloc_budget *b = ud;
  return b->budget-- > 0 ? malloc(n) : NULL;
}
static void *b_realloc(void *ud, void *p, size_t n) {
  alloc_budget *b = ud;
  return b->budget-- > 0 ? realloc(p, n) : NULL;
}
static void b_free(void *ud, void *p) { (void)ud; free(p); }

static void test_out_of_memory(void **state) {
  (void)state;
  alloc_budget b = {1L << 30};
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.alloc = b_alloc;
  o.realloc = b_realloc;
  o.free = b_free;
  o.ud = &b;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  /* symbols */
  for (long k = 0;; k++) {
    b.budget = k;
    armjit_status st = armjit_ctx_add_symbol(ctx, "c20", (uintptr_t)c20);
    if (st == ARMJIT_OK) break;
    assert_int_equal(st, ARMJIT_E_NOMEM);
  }
  b.budget = 1L << 30;
  for (unsigned k = 0; k < NHELPERS; k++)
    assert_int_equal(armjit_ctx_add_symbol(ctx, helpers[k].name, helpers[k].fn), ARMJIT_OK);
  /* parsing descriptors, symbols and calls; then the interpreter (a call of
   * 20 arguments takes the heap path) */
  static const char mem_text[] =
      "descr F = field(offset=0, size=1, int)\n"
      "descr C = call(args=[ref], result=void)\n"
      "[p0]\n"
      "i1 = getfield_gc(p0, descr=F)\n"
      "call(sym(v1), p0, descr=C)\n"
      "finish(i1)\n";
  const char *texts[3] = {descr_text, call_text(&helpers[13]), mem_text};
  for (int which = 0; which < 3; which++) {
    char text[4096];
    snprintf(text, sizeof text, "%s", texts[which]);
    armjit_trace *t = NULL;
    for (long k = 0; !t; k++) {
      b.budget = k;
      t = armjit_trace_parse(ctx, text, &err);
      if (!t) assert_int_equal(err.code, ARMJIT_E_NOMEM);
    }
    b.budget = 1L << 30;
    armjit_frame *f = armjit_frame_new(ctx, 20);
    uint64_t word = 5;
    for (long k = 0; which > 0; k++) {
      for (unsigned j = 0; j < 20; j++) f->values[j] = j % 2 ? irs_f(j) : irs_i((int32_t)j);
      if (which == 2) f->values[0] = irs_r((uintptr_t)&word);
      b.budget = k;
      armjit_status st = armjit_interpret(t, f, 0, &err);
      if (st == ARMJIT_OK) break;
      assert_int_equal(st, ARMJIT_E_NOMEM);
    }
    b.budget = 1L << 30;
    if (which == 2) assert_true(word == 0x5151 && f->values[0].i == 5);
    armjit_frame_free(ctx, f);
    armjit_trace_free(t);
  }
  /* the builder: descriptors, names, ops */
  for (long k = 0;; k++) {
    armjit_trace *t = armjit_trace_new(ctx);
    if (!t) { b.budget = k + 1; continue; }
    b.budget = k;
    armjit_type types[20];
    for (unsigned j = 0; j < 20; j++) types[j] = j % 2 ? ARMJIT_FLOAT : ARMJIT_INT;
    armjit_call_descr cd = {types, 20, ARMJIT_FLOAT, 0};
    int d = armjit_descr_call(t, &cd);
    armjit_descr_set_name(t, d, "C");
    armjit_val a[21];
    a[0] = armjit_const_ref(t, (uintptr_t)c20);
    for (unsigned j = 0; j < 20; j++)
      a[j + 1] = j % 2 ? armjit_const_float(t, j) : armjit_const_int(t, (int32_t)j);
    armjit_val r = armjit_op_descr(t, ARMJIT_OP_CALL, a, 21, d);
    armjit_finish(t, &r, 1);
    armjit_status st = armjit_trace_validate(t, &err);
    b.budget = 1L << 30;
    armjit_trace_free(t);
    if (st == ARMJIT_OK) break;
    assert_int_equal(st, ARMJIT_E_NOMEM);
  }
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_calls_text, ctx_setup, ctx_teardown),
      cmocka_unit_test_setup_teardown(test_calls_api, ctx_setup, ctx_teardown),
      cmocka_unit_test_setup_teardown(test_exceptions, ctx_setup, ctx_teardown),
      cmocka_unit_test_setup_teardown(test_forcing, ctx_setup, ctx_teardown),
      cmocka_unit_test(test_guard_class),
      cmocka_unit_test(test_symbols),
      cmocka_unit_test_setup_teardown(test_descr_text, ctx_setup, ctx_teardown),
      cmocka_unit_test_setup_teardown(test_descr_api_roundtrip, ctx_setup, ctx_teardown),
      cmocka_unit_test_setup_teardown(test_descr_text_errors, ctx_setup, ctx_teardown),
      cmocka_unit_test_setup_teardown(test_descr_api_errors, ctx_setup, ctx_teardown),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
