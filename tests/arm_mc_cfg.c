/* SPDX-License-Identifier: MIT */
/* Control-flow shapes through the method compiler, compiled vs
 * interpreted: diamonds, nested loops, irreducible flow, critical edges
 * (both sides of a cbr need moves), switches of 1, 3, 50 and 1,000 cases
 * (dense: a jump table; sparse: a compare tree), block-parameter swaps and
 * rotations of every type (pairs, s registers, more values than registers:
 * stack to stack).  Default, random and no-IDIV allocation. */
#include "arm_mc_harness.h"


static unsigned flags_of(void **state) { return (unsigned)(uintptr_t)*state; }

static const char shapes[] =
    "func @diamond(x: i32, y: i32) -> i32 {\n"
    "entry:\n"
    "  c = icmp.sgt x, y\n"
    "  cbr c, l, r\n"
    "l:\n"
    "  d = sub.i32 x, y\n"
    "  br join(d, x)\n"
    "r:\n"
    "  m = mul.i32 y, 2\n"
    "  br join(m, y)\n"
    "join(v: i32, w: i32):\n"
    "  s = add.i32 v, w\n"
    "  ret s\n"
    "}\n"
    "func @nested(n: i32) -> i64 {\n"
    "entry:\n"
    "  br outer(0, i64 0)\n"
    "outer(i: i32, acc: i64):\n"
    "  c = icmp.slt i, n\n"
    "  cbr c, inner_pre, done(acc)\n"
    "inner_pre:\n"
    "  br inner(0, acc)\n"
    "inner(j: i32, a2: i64):\n"
    "  c2 = icmp.slt j, i\n"
    "  cbr c2, body, next(a2)\n"
    "body:\n"
    "  p = mul.i32 i, j\n"
    "  pl = sext_i64 p\n"
    "  sq = mul.i64 pl, pl\n"
    "  a3 = add.i64 a2, sq\n"
    "  j1 = add.i32 j, 1\n"
    "  br inner(j1, a3)\n"
    "next(a4: i64):\n"
    "  i1 = add.i32 i, 1\n"
    "  br outer(i1, a4)\n"
    "done(r: i64):\n"
    "  ret r\n"
    "}\n"
    /* irreducible: a and b enter each other, both entered from entry */
    "func @irr(n: i32, k: i32) -> i32 {\n"
    "entry:\n"
    "  odd = and.i32 n, 1\n"
    "  cbr odd, a(n, 0), b(n, 1)\n"
    "a(x: i32, acc: i32):\n"
    "  t = mul.i32 x, 3\n"
    "  acc2 = add.i32 acc, t\n"
    "  x2 = sub.i32 x, 1\n"
    "  stop = icmp.sle x2, 0\n"
    "  cbr stop, out(acc2), a_next\n"
    "a_next:\n"
    "  bit = and.i32 x2, k\n"
    "  cbr bit, b(x2, acc2), a(x2, acc2)\n"
    "b(y: i32, acc3: i32):\n"
    "  u = xor.i32 acc3, y\n"
    "  y2 = sub.i32 y, 2\n"
    "  stop2 = icmp.sle y2, 0\n"
    "  cbr stop2, out(u), b_next\n"
    "b_next:\n"
    "  bit2 = and.i32 y2, 2\n"
    "  cbr bit2, a(y2, u), b(y2, u)\n"
    "out(r: i32):\n"
    "  ret r\n"
    "}\n"
    /* critical edges: both sides of the cbr pass swapped arguments */
    "func @crit(x: i32, y: i32, n: i32) -> i32 {\n"
    "entry:\n"
    "  br loop(x, y, n)\n"
    "loop(a: i32, b: i32, i: i32):\n"
    "  i1 = sub.i32 i, 1\n"
    "  c = icmp.sgt i1, 0\n"
    "  bit = and.i32 i, 1\n"
    "  s = add.i32 a, bit\n"
    "  cbr c, loop(b, s, i1), done(s, b)\n"
    "done(p: i32, q: i32):\n"
    "  m = mul.i32 p, 31\n"
    "  r = add.i32 m, q\n"
    "  ret r\n"
    "}\n"
    /* rotations and swaps of every type */
    "func @rot(n: i32, x: i64, y: i64, f: f32, g: f32, h: f32, d: f64, e: f64) -> f64 {\n"
    "entry:\n"
    "  br loop(n, x, y, f, g, h, d, e, 0, 1, 2, 3)\n"
    "loop(i: i32, a: i64, b: i64, p: f32, q: f32, r: f32, u: f64, v: f64, k0: i32, k1: i32, k2: i32, k3: i32):\n"
    "  i1 = sub.i32 i, 1\n"
    "  c = icmp.sgt i1, 0\n"
    "  cbr c, loop(i1, b, a, q, r, p, v, u, k1, k2, k3, k0), done(a, b, p, q, r, u, v, k0, k3)\n"
    "done(a2: i64, b2: i64, p2: f32, q2: f32, r2: f32, u2: f64, v2: f64, m0: i32, m3: i32):\n"
    "  ad = sitofp.f64 a2\n"
    "  bd = sitofp.f64 b2\n"
    "  pd = fext p2\n"
    "  qd = fext q2\n"
    "  rd = fext r2\n"
    "  m0d = sitofp.f64 m0\n"
    "  m3d = sitofp.f64 m3\n"
    "  s1 = fmul.f64 ad, 2.0\n"
    "  s2 = fadd.f64 s1, bd\n"
    "  s3 = fmul.f64 s2, 3.0\n"
    "  s4 = fadd.f64 s3, pd\n"
    "  s5 = fmul.f64 s4, 5.0\n"
    "  s6 = fadd.f64 s5, qd\n"
    "  s7 = fmul.f64 s6, 7.0\n"
    "  s8 = fadd.f64 s7, rd\n"
    "  s9 = fmul.f64 s8, 11.0\n"
    "  s10 = fadd.f64 s9, u2\n"
    "  s11 = fmul.f64 s10, 13.0\n"
    "  s12 = fadd.f64 s11, v2\n"
    "  s13 = fmul.f64 s12, 17.0\n"
    "  s14 = fadd.f64 s13, m0d\n"
    "  s15 = fmul.f64 s14, 19.0\n"
    "  s16 = fadd.f64 s15, m3d\n"
    "  ret s16\n"
    "}\n";

static void test_shapes(void **state) {
  armjit_ctx *ctx = mch_ctx(flags_of(state));
  armjit_module *m = mch_parse(ctx, shapes);
  armjit_mcode *c = mch_load(m);
  unsigned n = 0;
  for (int x = -3; x <= 3; x++)
    for (int y = -3; y <= 3; y++) {
      armjit_mval a[3] = {mch_i32(x * 1000), mch_i32(y * 77), mch_i32(x + 5)};
      mch_check(c, m, "diamond", a, 2);
      mch_check(c, m, "crit", a, 3);
      n += 2;
    }
  for (int k = 0; k < 30; k += 3) {
    armjit_mval a = mch_i32(k);
    mch_check(c, m, "nested", &a, 1), n++;
  }
  armjit_mval a = mch_i32(30);
  assert_true(mch_call(c, m, "nested", &a, 1).i64 > 0);
  for (int x = 0; x < 40; x++)
    for (int k = 0; k < 8; k++) {
      armjit_mval b[2] = {mch_i32(x), mch_i32(k)};
      mch_check(c, m, "irr", b, 2), n++;
    }
  for (int i = 1; i < 14; i++) {
    armjit_mval r[8] = {mch_i32(i),         mch_i64(1234567890123ll), mch_i64(-77),
                        mch_f32(1.5f),      mch_f32(-2.25f),          mch_f32(1e-3f),
                        mch_f64(3.0e100),   mch_f64(-0.125)};
    mch_check(c, m, "rot", r, 8), n++;
  }
  print_message("cfg shapes: %u calls compared\n", n);
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* switch with n cases: keys dense (base + k) or sparse (spread), each
 * target returns its own value, the default -1. */
static void switch_text(text_buf *t, const char *name, const int32_t *keys, unsigned n) {
  tb(t, "func @%s(v: i32) -> i32 {\nentry:\n  switch v, dflt, [", name);
  for (unsigned k = 0; k < n; k++) tb(t, "%s%d: c%u", k ? ", " : "", keys[k], k);
  tb(t, "]\n");
  for (unsigned k = 0; k < n; k++) tb(t, "c%u:\n  ret %d\n", k, (int32_t)(k * 7 + 3));
  tb(t, "dflt:\n  ret -1\n}\n");
}

static void test_switch(void **state) {
  static const unsigned sizes[] = {1, 3, 50, 1000};
  text_buf t = {0};
  int32_t *keys[8];
  for (unsigned s = 0; s < 4; s++) {
    unsigned n = sizes[s];
    keys[2 * s] = malloc(n * sizeof(int32_t));
    keys[2 * s + 1] = malloc(n * sizeof(int32_t));
    for (unsigned k = 0; k < n; k++) {
      keys[2 * s][k] = (int32_t)(n - 1 - k) - 5;                  /* dense, given descending */
      keys[2 * s + 1][k] = (int32_t)(k * 2654435761u) >> 3;       /* sparse */
    }
    char name[32];
    snprintf(name, sizeof name, "dense%u", n);
    switch_text(&t, name, keys[2 * s], n);
    snprintf(name, sizeof name, "sparse%u", n);
    switch_text(&t, name, keys[2 * s + 1], n);
  }
  armjit_ctx *ctx = mch_ctx(flags_of(state));
  armjit_module *m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  unsigned calls = 0;
  for (unsigned s = 0; s < 4; s++) {
    unsigned n = sizes[s];
    char name[32];
    for (int w = 0; w < 2; w++) {
      snprintf(name, sizeof name, "%s%u", w ? "sparse" : "dense", n);
      const int32_t *ks = keys[2 * s + w];
      for (unsigned k = 0; k < n; k += (n > 60 ? 7 : 1)) {
        armjit_mval a = mch_i32(ks[k]);
        assert_int_equal(mch_check(c, m, name, &a, 1).i32, (int32_t)(k * 7 + 3));
        a = mch_i32(ks[k] + 1);
        mch_check(c, m, name, &a, 1);
        calls += 2;
      }
      static const int32_t odd[] = {INT32_MIN, INT32_MAX, -6, -4, 0, 995, 996, 1 << 30};
      for (unsigned k = 0; k < 8; k++) {
        armjit_mval a = mch_i32(odd[k]);
        mch_check(c, m, name, &a, 1), calls++;
      }
    }
  }
  print_message("switch: %u calls compared\n", calls);
  for (int k = 0; k < 8; k++) free(keys[k]);
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(t.p);
}

/* A loop passing N values of mixed types around in a rotation: with N
 * above the register count, parameters live in slots and the edge moves
 * go stack to stack, with cycles. */
static void test_wide_rotation(void **state) {
  static const char *const ty[5] = {"i32", "i64", "f32", "f64", "ref"};
  for (unsigned N = 8; N <= 48; N += 20) {
    text_buf t = {0};
    tb(&t, "func @wide(n: i32) -> i32 {\nentry:\n  br loop(n");
    for (unsigned k = 0; k < N; k++) {
      const char *T = ty[k % 4];
      if (T[0] == 'f') tb(&t, ", %s %u.5", T, k);
      else tb(&t, ", %s %u", T, k * 3 + 1);
    }
    tb(&t, ")\nloop(i: i32");
    for (unsigned k = 0; k < N; k++) tb(&t, ", x%u: %s", k, ty[k % 4]);
    tb(&t, "):\n  i1 = sub.i32 i, 1\n  c = icmp.sgt i1, 0\n  cbr c, loop(i1");
    /* rotate by 4 within each type class (types repeat every 4) */
    for (unsigned k = 0; k < N; k++) tb(&t, ", x%u", (k + 4) % N);
    tb(&t, "), done");
    tb(&t, "\ndone:\n");
    /* fold everything into one i32 */
    tb(&t, "  h0 = add.i32 i, 0\n");
    for (unsigned k = 0; k < N; k++) {
      const char *T = ty[k % 4];
      if (T[1] == '3' && T[0] == 'i') tb(&t, "  w%u = add.i32 x%u, 0\n", k, k);
      else if (T[0] == 'i') tb(&t, "  w%u = trunc_i32 x%u\n", k, k);
      else if (T[1] == '3') tb(&t, "  w%u = fptosi.i32 x%u\n", k, k);
      else tb(&t, "  w%u = fptosi.i32 x%u\n", k, k);
      tb(&t, "  m%u = mul.i32 h%u, 31\n  h%u = add.i32 m%u, w%u\n", k, k, k + 1, k, k);
    }
    tb(&t, "  ret h%u\n}\n", N);
    armjit_ctx *ctx = mch_ctx(flags_of(state));
    armjit_module *m = mch_parse(ctx, t.p);
    armjit_mcode *c = mch_load(m);
    for (int i = 1; i < 12; i++) {
      armjit_mval a = mch_i32(i);
      mch_check(c, m, "wide", &a, 1);
    }
    armjit_mcode_free(c);
    armjit_module_free(m);
    armjit_ctx_free(ctx);
    free(t.p);
  }
}

int main(void) {
  static const unsigned modes[] = {0, ARMJIT_RANDOM_RA, ARMJIT_NO_IDIV};
  int rc = 0;
  for (int m = 0; m < 3; m++) {
    void *st = (void *)(uintptr_t)modes[m];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_shapes, st),
        cmocka_unit_test_prestate(test_switch, st),
        cmocka_unit_test_prestate(test_wide_rotation, st),
    };
    rc |= cmocka_run_group_tests(tests, NULL, NULL);
  }
  return rc;
}
