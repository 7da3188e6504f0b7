/* SPDX-License-Identifier: MIT */
/* Register pressure through the method compiler, compiled vs interpreted:
 * 40 live i32 and 20 live f64 values across a loop that calls C on every
 * iteration (they end up in callee-saved registers and slots); a function
 * of 30 parameters of mixed types, called from C and from compiled code;
 * i64 pairs under pressure (mul, shifts, compares, select); a frame beyond
 * the reach of ldr/str and vldr offsets.  Default,
 * random and no-IDIV allocation. */
#include "arm_mc_harness.h"


static unsigned flags_of(void **state) { return (unsigned)(uintptr_t)*state; }

static int32_t bump(int32_t x) { return x * 5 - 3; }

static void test_live_across_calls(void **state) {
  text_buf t = {0};
  tb(&t, "extern @bump(i32) -> i32\nfunc @press(n: i32, s: i32) -> f64 {\nentry:\n");
  for (int k = 0; k < 40; k++) tb(&t, "  v%d = mul.i32 s, %d\n", k, k * 3 + 1);
  for (int k = 0; k < 20; k++) tb(&t, "  w%d = sitofp.f64 v%d\n  f%d = fmul.f64 w%d, %d.25\n", k, k, k, k, k);
  tb(&t, "  br loop(0, 0, 0.0)\nloop(i: i32, acc: i32, facc: f64):\n");
  tb(&t, "  c = icmp.slt i, n\n  cbr c, body, done(acc, facc)\nbody:\n");
  tb(&t, "  b = call @bump(i)\n  a1 = add.i32 acc, b\n");
  /* a few of the live values used in the loop */
  tb(&t, "  a2 = add.i32 a1, v7\n  a3 = xor.i32 a2, v31\n  fa = fadd.f64 facc, f3\n  fb = fadd.f64 fa, f19\n");
  tb(&t, "  i1 = add.i32 i, 1\n  br loop(i1, a3, fb)\ndone(r: i32, fr: f64):\n");
  tb(&t, "  h0 = add.i32 r, 0\n");
  for (int k = 0; k < 40; k++) tb(&t, "  m%d = mul.i32 h%d, 33\n  h%d = add.i32 m%d, v%d\n", k, k, k + 1, k, k);
  tb(&t, "  g0 = sitofp.f64 h40\n  q0 = fadd.f64 g0, fr\n");
  for (int k = 0; k < 20; k++) tb(&t, "  p%d = fmul.f64 q%d, 0.5\n  q%d = fadd.f64 p%d, f%d\n", k, k, k + 1, k, k);
  tb(&t, "  ret q20\n}\n");
  armjit_ctx *ctx = mch_ctx(flags_of(state));
  assert_int_equal(armjit_ctx_add_symbol(ctx, "bump", (uintptr_t)&bump), ARMJIT_OK);
  armjit_module *m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  for (int n = 0; n < 20; n += 3)
    for (int s = -2; s <= 2; s++) {
      armjit_mval a[2] = {mch_i32(n), mch_i32(s * 1001)};
      mch_check(c, m, "press", a, 2);
    }
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(t.p);
}

static const char *const ty5[5] = {"i32", "i64", "f32", "f64", "ref"};

static void test_thirty_params(void **state) {
  text_buf t = {0};
  tb(&t, "func @thirty(");
  for (int k = 0; k < 30; k++) tb(&t, "%sp%d: %s", k ? ", " : "", k, ty5[(k * 7) % 5]);
  tb(&t, ") -> i64 {\nentry:\n  h0 = add.i64 0, 0\n");
  for (int k = 0; k < 30; k++) {
    const char *T = ty5[(k * 7) % 5];
    if (!strcmp(T, "i32")) tb(&t, "  x%d = sext_i64 p%d\n", k, k);
    else if (!strcmp(T, "i64")) tb(&t, "  x%d = add.i64 p%d, 0\n", k, k);
    else if (!strcmp(T, "ref")) tb(&t, "  y%d = ptr_to_int p%d\n  x%d = zext_i64 y%d\n", k, k, k, k);
    else tb(&t, "  x%d = fptosi.i64 p%d\n", k, k);
    tb(&t, "  m%d = mul.i64 h%d, 1000003\n  h%d = add.i64 m%d, x%d\n", k, k, k + 1, k, k);
  }
  tb(&t, "  ret h30\n}\nfunc @caller(s: i32) -> i64 {\nentry:\n");
  tb(&t, "  r = call @thirty(");
  for (int k = 0; k < 30; k++) {
    const char *T = ty5[(k * 7) % 5];
    if (!strcmp(T, "i32")) tb(&t, "%ss", k ? ", " : "");
    else if (!strcmp(T, "ref")) tb(&t, "%sref %d", k ? ", " : "", k * 4096);
    else if (T[0] == 'i') tb(&t, "%si64 %lld", k ? ", " : "", (long long)k * 0x100000001ll);
    else tb(&t, "%s%s %d.5", k ? ", " : "", T, k * 11);
  }
  tb(&t, ")\n  ret r\n}\n");
  armjit_ctx *ctx = mch_ctx(flags_of(state));
  armjit_module *m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  armjit_mval a[30];
  for (int rep = 0; rep < 4; rep++) {
    for (int k = 0; k < 30; k++) {
      const char *T = ty5[(k * 7) % 5];
      if (!strcmp(T, "i32")) a[k] = mch_i32(k * 1000 - rep * 77);
      else if (!strcmp(T, "i64")) a[k] = mch_i64(((int64_t)k << 35) - rep);
      else if (!strcmp(T, "f32")) a[k] = mch_f32((float)k * 1.5f - (float)rep);
      else if (!strcmp(T, "f64")) a[k] = mch_f64(k * 1e6 + rep);
      else a[k] = mch_ref((void *)(uintptr_t)(k * 64 + rep));
    }
    mch_check(c, m, "thirty", a, 30);
    armjit_mval s = mch_i32(rep * 13 - 20);
    mch_check(c, m, "caller", &s, 1);
  }
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(t.p);
}

static void test_i64_pressure(void **state) {
  text_buf t = {0};
  tb(&t, "func @p64(a: i64, b: i64, n: i32) -> i64 {\nentry:\n");
  for (int k = 0; k < 14; k++) tb(&t, "  v%d = mul.i64 a, %d\n  u%d = xor.i64 v%d, b\n", k, k * 2 + 3, k, k);
  tb(&t, "  br loop(0, a)\nloop(i: i32, acc: i64):\n  c = icmp.slt i, n\n  cbr c, body, done(acc)\nbody:\n");
  tb(&t, "  t1 = mul.i64 acc, u3\n  t2 = shl.i64 t1, 7\n  t3 = ushr.i64 u9, 33\n  t4 = shr.i64 t2, 45\n");
  tb(&t, "  t5 = add.i64 t3, t4\n  cc = icmp.slt t5, u12\n  t6 = select.i64 cc, t5, u1\n");
  tb(&t, "  sh = and.i64 acc, 63\n  t7 = shl.i64 t6, sh\n  t8 = sub.i64 t7, acc\n");
  tb(&t, "  i1 = add.i32 i, 1\n  br loop(i1, t8)\ndone(r: i64):\n  h0 = add.i64 r, 0\n");
  for (int k = 0; k < 14; k++)
    tb(&t, "  m%d = mul.i64 h%d, 31\n  g%d = add.i64 m%d, u%d\n  h%d = sub.i64 g%d, v%d\n", k, k, k, k, k, k + 1, k, k);
  tb(&t, "  ret h14\n}\n");
  armjit_ctx *ctx = mch_ctx(flags_of(state));
  armjit_module *m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  static const int64_t vals[] = {0, 1, -1, 0x123456789ll, INT64_MIN, INT64_MAX, -987654321012ll};
  for (int i = 0; i < 7; i++)
    for (int j = 0; j < 7; j++) {
      armjit_mval a[3] = {mch_i64(vals[i]), mch_i64(vals[j]), mch_i32(i + j)};
      mch_check(c, m, "p64", a, 3);
    }
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(t.p);
}


/* A frame beyond the immediate reach of ldr/str (4 KiB) and vldr (1 KiB):
 * 1,200 i32, 200 f64, 100 i64 and 100 f32 values live across calls, each
 * spilled, reloaded and combined after them, in a loop. */
static void test_far_frame(void **state) {
  text_buf t = {0};
  tb(&t, "extern @bump(i32) -> i32\nfunc @far(s: i32, n: i32) -> f64 {\nentry:\n");
  for (int k = 0; k < 1200; k++) tb(&t, "  v%d = add.i32 s, %d\n", k, k * 7);
  for (int k = 0; k < 200; k++) tb(&t, "  w%d = sitofp.f64 v%d\n", k, k);
  for (int k = 0; k < 100; k++) tb(&t, "  l%d = sext_i64 v%d\n  g%d = sitofp.f32 v%d\n", k, k + 200, k, k + 300);
  tb(&t, "  br loop(0, 0)\nloop(i: i32, acc: i32):\n  c = icmp.slt i, n\n  cbr c, body, done(acc)\n");
  tb(&t, "body:\n  b = call @bump(i)\n  a1 = add.i32 acc, b\n  a2 = add.i32 a1, v1199\n  i1 = add.i32 i, 1\n");
  tb(&t, "  br loop(i1, a2)\ndone(r: i32):\n  h0 = add.i32 r, 0\n");
  for (int k = 0; k < 1200; k++) tb(&t, "  h%d = xor.i32 h%d, v%d\n", k + 1, k, k);
  tb(&t, "  e0 = sext_i64 h1200\n");
  for (int k = 0; k < 100; k++) tb(&t, "  e%d = add.i64 e%d, l%d\n", k + 1, k, k);
  tb(&t, "  q0 = sitofp.f64 e100\n");
  for (int k = 0; k < 200; k++) tb(&t, "  q%d = fadd.f64 q%d, w%d\n", k + 1, k, k);
  tb(&t, "  z0 = fptrunc_dummy\n");
  /* the f32 values, widened */
  t.n -= strlen("  z0 = fptrunc_dummy\n");
  tb(&t, "  y0 = ftrunc q200\n");
  for (int k = 0; k < 100; k++) tb(&t, "  y%d = fadd.f32 y%d, g%d\n", k + 1, k, k);
  tb(&t, "  r2 = fext y100\n  r3 = fadd.f64 r2, q200\n  ret r3\n}\n");
  armjit_ctx *ctx = mch_ctx(flags_of(state));
  assert_int_equal(armjit_ctx_add_symbol(ctx, "bump", (uintptr_t)&bump), ARMJIT_OK);
  armjit_module *m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  for (int n = 0; n < 4; n++) {
    armjit_mval a[2] = {mch_i32(n * 100003 - 5), mch_i32(n)};
    mch_check(c, m, "far", a, 2);
  }
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(t.p);
}

int main(void) {
  static const unsigned modes[] = {0, ARMJIT_RANDOM_RA, ARMJIT_NO_IDIV};
  int rc = 0;
  for (int m = 0; m < 3; m++) {
    void *st = (void *)(uintptr_t)modes[m];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_live_across_calls, st),
        cmocka_unit_test_prestate(test_thirty_params, st),
        cmocka_unit_test_prestate(test_i64_pressure, st),
        cmocka_unit_test_prestate(test_far_frame, st),
    };
    rc |= cmocka_run_group_tests(tests, NULL, NULL);
  }
  return rc;
}
