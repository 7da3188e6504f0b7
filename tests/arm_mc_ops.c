/* SPDX-License-Identifier: MIT */
/* Every value op of the method IR on its edge values, compiled vs
 * interpreted: i32/i64 MIN/MAX, shifts by 0/31/32/63/64 (variable and
 * constant counts), division by 0, -1 and powers of two, f32/f64 NaN, ±0,
 * ±inf, subnormals, saturating conversions, every compare (materialized and
 * fused into a cbr), select, loads and stores of every kind with near and
 * far offsets.  Also run with randomized allocation and without IDIV. */
#include "arm_mc_harness.h"

/* ---- building the text ----------------------------------------------------------- */

static const int32_t v32[] = {0, 1, -1, 2, 3, 7, -7, 31, 32, 33, 63, 64, 255, 256, 0x7fff,
                              -0x8000, 0x12345678, (int32_t)0x87654321, INT32_MAX, INT32_MIN,
                              INT32_MIN + 1, 1 << 16, -(1 << 20)};
#define N32 (sizeof v32 / sizeof v32[0])
static const int64_t v64[] = {0, 1, -1, 2, 7, -7, 31, 32, 33, 63, 64, 65, 0xffffffffll,
                              0x100000000ll, -0x100000000ll, 0x123456789abcdefll,
                              (int64_t)0xfedcba9876543210ull, INT64_MAX, INT64_MIN,
                              INT64_MIN + 1, INT32_MIN, INT32_MAX, 1ll << 40};
#define N64 (sizeof v64 / sizeof v64[0])

static float f32_of(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }
static double f64_of(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }

static double vf64(int k) {
  static const uint64_t bits[] = {0, 0x8000000000000000ull, 0x7ff0000000000000ull,
                                  0xfff0000000000000ull, 0x7ff8000000000000ull,
                                  0x0000000000000001ull, 0x800fffffffffffffull,
                                  0x7fefffffffffffffull};
  static const double plain[] = {1.0, -1.5, 2.75, 1e10, -3e9, 4294967296.5, 2147483647.9,
                                 -2147483648.7, 9.3e18, 1.9e19, -9.3e18, 0.5, -0.5, 3.0e-310};
  if (k < 8) return f64_of(bits[k]);
  return plain[k - 8];
}
#define NF 22
static float vf32(int k) {
  static const uint32_t bits[] = {0, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 1u,
                                  0x807fffffu, 0x7f7fffffu};
  if (k < 8) return f32_of(bits[k]);
  return (float)vf64(k);
}

static const char *const ibin[] = {"add", "sub", "mul", "and", "or", "xor", "shl", "shr",
                                   "ushr", "sdiv", "srem", "udiv", "urem"};
#define NIBIN (sizeof ibin / sizeof ibin[0])
static const char *const fbin[] = {"fadd", "fsub", "fmul", "fdiv", "frem"};
static const char *const funi[] = {"fneg", "fabs", "fsqrt"};
static const char *const iccs[] = {"eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"};
static const char *const fccs[] = {"oeq", "one", "olt", "ole", "ogt", "oge", "ord",
                                   "ueq", "une", "ult", "ule", "ugt", "uge", "uno"};
/* constant second operands (modified immediates and not) */
static const char *const k32[] = {"0", "1", "-1", "31", "32", "33", "255", "0x1234", "-256",
                                  "0x7fffffff", "-2147483648", "4"};
static const char *const k64[] = {"0", "1", "-1", "31", "32", "33", "63", "64", "0xff00000000",
                                  "-4294967296", "9223372036854775807", "8"};

typedef struct {
  armjit_ctx *ctx;
  armjit_module *m;
  armjit_mcode *c;
  unsigned checks;
} fixture;

static void fx_open(fixture *f, unsigned flags, const char *text) {
  f->ctx = mch_ctx(flags);
  f->m = mch_parse(f->ctx, text);
  f->c = mch_load(f->m);
}
static void fx_close(fixture *f) {
  armjit_mcode_free(f->c);
  armjit_module_free(f->m);
  armjit_ctx_free(f->ctx);
}

static unsigned flags_of(void **state) { return (unsigned)(uintptr_t)*state; }

/* ---- integers --------------------------------------------------------------------- */
static void test_int_binops(void **state) {
  text_buf t = {0};
  for (size_t o = 0; o < NIBIN; o++)
    for (int w = 0; w < 2; w++) {
      const char *ty = w ? "i64" : "i32";
      tb(&t, "func @%s_%s(x: %s, y: %s) -> %s {\nentry:\n  r = %s.%s x, y\n  ret r\n}\n",
                ibin[o], ty, ty, ty, ty, ibin[o], ty);
      for (size_t k = 0; k < 12; k++)
        tb(&t, "func @%s_%s_k%zu(x: %s) -> %s {\nentry:\n  r = %s.%s x, %s\n  ret r\n}\n",
                  ibin[o], ty, k, ty, ty, ibin[o], ty, w ? k64[k] : k32[k]);
      tb(&t, "func @%s_%s_kx(y: %s) -> %s {\nentry:\n  r = %s.%s %s, y\n  ret r\n}\n",
                ibin[o], ty, ty, ty, ibin[o], ty, w ? "-81985529216486896" : "-123456789");
    }
  for (int w = 0; w < 2; w++) {
    const char *ty = w ? "i64" : "i32";
    tb(&t, "func @neg_%s(x: %s) -> %s {\nentry:\n  r = neg.%s x\n  ret r\n}\n", ty, ty, ty, ty);
    tb(&t, "func @not_%s(x: %s) -> %s {\nentry:\n  r = not.%s x\n  ret r\n}\n", ty, ty, ty, ty);
  }
  fixture f;
  fx_open(&f, flags_of(state), t.p);
  char name[64];
  unsigned n = 0;
  for (size_t o = 0; o < NIBIN; o++) {
    for (size_t i = 0; i < N32; i++) {
      for (size_t j = 0; j < N32; j++) {
        armjit_mval a[2] = {mch_i32(v32[i]), mch_i32(v32[j])};
        snprintf(name, sizeof name, "%s_i32", ibin[o]);
        mch_check(f.c, f.m, name, a, 2), n++;
      }
      for (size_t k = 0; k < 12; k++) {
        armjit_mval a = mch_i32(v32[i]);
        snprintf(name, sizeof name, "%s_i32_k%zu", ibin[o], k);
        mch_check(f.c, f.m, name, &a, 1), n++;
      }
      armjit_mval a = mch_i32(v32[i]);
      snprintf(name, sizeof name, "%s_i32_kx", ibin[o]);
      mch_check(f.c, f.m, name, &a, 1), n++;
    }
    for (size_t i = 0; i < N64; i++) {
      for (size_t j = 0; j < N64; j++) {
        armjit_mval a[2] = {mch_i64(v64[i]), mch_i64(v64[j])};
        snprintf(name, sizeof name, "%s_i64", ibin[o]);
        mch_check(f.c, f.m, name, a, 2), n++;
      }
      for (size_t k = 0; k < 12; k++) {
        armjit_mval a = mch_i64(v64[i]);
        snprintf(name, sizeof name, "%s_i64_k%zu", ibin[o], k);
        mch_check(f.c, f.m, name, &a, 1), n++;
      }
      armjit_mval a = mch_i64(v64[i]);
      snprintf(name, sizeof name, "%s_i64_kx", ibin[o]);
      mch_check(f.c, f.m, name, &a, 1), n++;
    }
  }
  for (size_t i = 0; i < N32; i++) {
    armjit_mval a = mch_i32(v32[i]);
    mch_check(f.c, f.m, "neg_i32", &a, 1);
    mch_check(f.c, f.m, "not_i32", &a, 1);
  }
  for (size_t i = 0; i < N64; i++) {
    armjit_mval a = mch_i64(v64[i]);
    mch_check(f.c, f.m, "neg_i64", &a, 1);
    mch_check(f.c, f.m, "not_i64", &a, 1);
  }
  /* a few exact values, not only agreement */
  armjit_mval a[2] = {mch_i32(INT32_MIN), mch_i32(-1)};
  assert_int_equal(mch_call(f.c, f.m, "sdiv_i32", a, 2).i32, INT32_MIN);
  assert_int_equal(mch_call(f.c, f.m, "srem_i32", a, 2).i32, 0);
  a[1] = mch_i32(0);
  assert_int_equal(mch_call(f.c, f.m, "sdiv_i32", a, 2).i32, 0);
  assert_int_equal(mch_call(f.c, f.m, "srem_i32", a, 2).i32, INT32_MIN);
  armjit_mval b[2] = {mch_i64(1), mch_i64(64)};
  assert_true(mch_call(f.c, f.m, "shl_i64", b, 2).i64 == 1);
  b[1] = mch_i64(63);
  assert_true(mch_call(f.c, f.m, "shl_i64", b, 2).i64 == INT64_MIN);
  print_message("int ops: %u cases compared\n", n);
  fx_close(&f);
  free(t.p);
}

/* ---- floats ------------------------------------------------------------------------ */
static void test_float_ops(void **state) {
  text_buf t = {0};
  for (int w = 0; w < 2; w++) {
    const char *ty = w ? "f64" : "f32";
    for (size_t o = 0; o < 5; o++)
      tb(&t, "func @%s_%s(x: %s, y: %s) -> %s {\nentry:\n  r = %s.%s x, y\n  ret r\n}\n",
                fbin[o], ty, ty, ty, ty, fbin[o], ty);
    for (size_t o = 0; o < 3; o++)
      tb(&t, "func @%s_%s(x: %s) -> %s {\nentry:\n  r = %s.%s x\n  ret r\n}\n", funi[o], ty,
                ty, ty, funi[o], ty);
    tb(&t, "func @fadd_%s_k(x: %s) -> %s {\nentry:\n  r = fadd.%s x, 0.1\n  ret r\n}\n", ty,
              ty, ty, ty);
  }
  fixture f;
  fx_open(&f, flags_of(state), t.p);
  char name[64];
  unsigned n = 0;
  for (int w = 0; w < 2; w++)
    for (int i = 0; i < NF; i++) {
      armjit_mval x = w ? mch_f64(vf64(i)) : mch_f32(vf32(i));
      for (size_t o = 0; o < 3; o++) {
        snprintf(name, sizeof name, "%s_%s", funi[o], w ? "f64" : "f32");
        mch_check(f.c, f.m, name, &x, 1), n++;
      }
      snprintf(name, sizeof name, "fadd_%s_k", w ? "f64" : "f32");
      mch_check(f.c, f.m, name, &x, 1), n++;
      for (int j = 0; j < NF; j++) {
        armjit_mval a[2] = {x, w ? mch_f64(vf64(j)) : mch_f32(vf32(j))};
        for (size_t o = 0; o < 5; o++) {
          snprintf(name, sizeof name, "%s_%s", fbin[o], w ? "f64" : "f32");
          mch_check(f.c, f.m, name, a, 2), n++;
        }
      }
    }
  print_message("float ops: %u cases compared\n", n);
  fx_close(&f);
  free(t.p);
}

/* ---- conversions -------------------------------------------------------------------- */
static void test_conversions(void **state) {
  static const struct { const char *name, *from, *to; } cv[] = {
      {"sext8", "i32", "i32"},          {"sext16", "i32", "i32"},
      {"zext8", "i32", "i32"},          {"zext16", "i32", "i32"},
      {"sext_i64", "i32", "i64"},       {"zext_i64", "i32", "i64"},
      {"trunc_i32", "i64", "i32"},      {"sitofp.f32", "i32", "f32"},
      {"sitofp.f64", "i32", "f64"},     {"uitofp.f32", "i32", "f32"},
      {"uitofp.f64", "i32", "f64"},     {"sitofp.f32", "i64", "f32"},
      {"sitofp.f64", "i64", "f64"},     {"uitofp.f32", "i64", "f32"},
      {"uitofp.f64", "i64", "f64"},     {"fptosi.i32", "f32", "i32"},
      {"fptosi.i32", "f64", "i32"},     {"fptoui.i32", "f32", "i32"},
      {"fptoui.i32", "f64", "i32"},     {"fptosi.i64", "f32", "i64"},
      {"fptosi.i64", "f64", "i64"},     {"fptoui.i64", "f32", "i64"},
      {"fptoui.i64", "f64", "i64"},     {"fext", "f32", "f64"},
      {"ftrunc", "f64", "f32"},         {"bitcast.f32", "i32", "f32"},
      {"bitcast.i32", "f32", "i32"},    {"bitcast.f64", "i64", "f64"},
      {"bitcast.i64", "f64", "i64"},    {"int_to_ref", "i32", "ref"},
      {"ptr_to_int", "ref", "i32"}};
  size_t ncv = sizeof cv / sizeof cv[0];
  text_buf t = {0};
  for (size_t k = 0; k < ncv; k++)
    tb(&t, "func @c%zu(x: %s) -> %s {\nentry:\n  r = %s x\n  ret r\n}\n", k, cv[k].from,
              cv[k].to, cv[k].name);
  fixture f;
  fx_open(&f, flags_of(state), t.p);
  unsigned n = 0;
  char name[16];
  for (size_t k = 0; k < ncv; k++) {
    snprintf(name, sizeof name, "c%zu", k);
    const char *from = cv[k].from;
    size_t cnt = from[0] == 'f' ? NF : from[1] == '6' ? N64 : N32;
    for (size_t i = 0; i < cnt; i++) {
      armjit_mval x;
      if (strcmp(from, "i32") == 0) x = mch_i32(v32[i]);
      else if (strcmp(from, "i64") == 0) x = mch_i64(v64[i]);
      else if (strcmp(from, "f32") == 0) x = mch_f32(vf32((int)i));
      else if (strcmp(from, "f64") == 0) x = mch_f64(vf64((int)i));
      else x = mch_ref((void *)(uintptr_t)(uint32_t)v32[i]);
      mch_check(f.c, f.m, name, &x, 1), n++;
    }
  }
  /* saturation, exactly */
  armjit_mval x = mch_f64(1e300);
  assert_int_equal(mch_call(f.c, f.m, "c16", &x, 1).i32, INT32_MAX);
  x = mch_f64(f64_of(0x7ff8000000000000ull));
  assert_int_equal(mch_call(f.c, f.m, "c16", &x, 1).i32, 0);
  x = mch_f64(-1e300);
  assert_true(mch_call(f.c, f.m, "c20", &x, 1).i64 == INT64_MIN);
  x = mch_f64(-3.5);
  assert_int_equal(mch_call(f.c, f.m, "c18", &x, 1).i32, 0);
  print_message("conversions: %u cases compared\n", n);
  fx_close(&f);
  free(t.p);
}

/* ---- compares and select ------------------------------------------------------------------ */
static void test_compares(void **state) {
  text_buf t = {0};
  for (int w = 0; w < 2; w++)
    for (size_t k = 0; k < 10; k++) {
      const char *ty = w ? "i64" : "i32";
      tb(&t, "func @i%s_%s(x: %s, y: %s) -> i32 {\nentry:\n  r = icmp.%s x, y\n  ret r\n}\n",
                iccs[k], ty, ty, ty, iccs[k]);
      tb(&t,
                "func @bi%s_%s(x: %s, y: %s) -> i32 {\nentry:\n  c = icmp.%s x, y\n"
                "  cbr c, t, e\nt:\n  ret 1\ne:\n  ret 0\n}\n",
                iccs[k], ty, ty, ty, iccs[k]);
      tb(&t, "func @ki%s_%s(x: %s) -> i32 {\nentry:\n  r = icmp.%s x, %s\n  ret r\n}\n",
                iccs[k], ty, ty, iccs[k], w ? "-4294967296" : "-1");
    }
  for (int w = 0; w < 2; w++)
    for (size_t k = 0; k < 14; k++) {
      const char *ty = w ? "f64" : "f32";
      tb(&t, "func @f%s_%s(x: %s, y: %s) -> i32 {\nentry:\n  r = fcmp.%s x, y\n  ret r\n}\n",
                fccs[k], ty, ty, ty, fccs[k]);
      tb(&t,
                "func @bf%s_%s(x: %s, y: %s) -> i32 {\nentry:\n  c = fcmp.%s x, y\n"
                "  cbr c, t, e\nt:\n  ret 1\ne:\n  ret 0\n}\n",
                fccs[k], ty, ty, ty, fccs[k]);
    }
  tb(&t, "func @ieq_ref(x: ref, y: ref) -> i32 {\nentry:\n  r = icmp.eq x, y\n  ret r\n}\n");
  static const char *const sel[] = {"i32", "i64", "f32", "f64", "ref"};
  for (int k = 0; k < 5; k++)
    tb(&t, "func @sel_%s(c: i32, x: %s, y: %s) -> %s {\nentry:\n  r = select.%s c, x, y\n  ret r\n}\n",
              sel[k], sel[k], sel[k], sel[k], sel[k]);
  fixture f;
  fx_open(&f, flags_of(state), t.p);
  unsigned n = 0;
  char name[32];
  for (size_t k = 0; k < 10; k++) {
    for (size_t i = 0; i < N32; i++)
      for (size_t j = 0; j < N32; j += 2) {
        armjit_mval a[2] = {mch_i32(v32[i]), mch_i32(v32[j])};
        snprintf(name, sizeof name, "i%s_i32", iccs[k]);
        mch_check(f.c, f.m, name, a, 2), n++;
        snprintf(name, sizeof name, "bi%s_i32", iccs[k]);
        mch_check(f.c, f.m, name, a, 2), n++;
      }
    for (size_t i = 0; i < N64; i++)
      for (size_t j = 0; j < N64; j += 2) {
        armjit_mval a[2] = {mch_i64(v64[i]), mch_i64(v64[j])};
        snprintf(name, sizeof name, "i%s_i64", iccs[k]);
        mch_check(f.c, f.m, name, a, 2), n++;
        snprintf(name, sizeof name, "bi%s_i64", iccs[k]);
        mch_check(f.c, f.m, name, a, 2), n++;
      }
    for (size_t i = 0; i < N64; i++) {
      armjit_mval a = mch_i64(v64[i]);
      snprintf(name, sizeof name, "ki%s_i64", iccs[k]);
      mch_check(f.c, f.m, name, &a, 1), n++;
      a = mch_i32(v32[i % N32]);
      snprintf(name, sizeof name, "ki%s_i32", iccs[k]);
      mch_check(f.c, f.m, name, &a, 1), n++;
    }
  }
  for (size_t k = 0; k < 14; k++)
    for (int w = 0; w < 2; w++)
      for (int i = 0; i < NF; i++)
        for (int j = 0; j < NF; j += 3) {
          armjit_mval a[2] = {w ? mch_f64(vf64(i)) : mch_f32(vf32(i)),
                              w ? mch_f64(vf64(j)) : mch_f32(vf32(j))};
          snprintf(name, sizeof name, "f%s_%s", fccs[k], w ? "f64" : "f32");
          mch_check(f.c, f.m, name, a, 2), n++;
          snprintf(name, sizeof name, "bf%s_%s", fccs[k], w ? "f64" : "f32");
          mch_check(f.c, f.m, name, a, 2), n++;
        }
  for (int c = -1; c <= 1; c++) {
    armjit_mval a[3] = {mch_i32(c), mch_i32(11), mch_i32(22)};
    mch_check(f.c, f.m, "sel_i32", a, 3);
    a[1] = mch_i64(INT64_MIN), a[2] = mch_i64(5);
    mch_check(f.c, f.m, "sel_i64", a, 3);
    a[1] = mch_f32(vf32(4)), a[2] = mch_f32(-0.0f);
    mch_check(f.c, f.m, "sel_f32", a, 3);
    a[1] = mch_f64(vf64(6)), a[2] = mch_f64(2.5);
    mch_check(f.c, f.m, "sel_f64", a, 3);
    a[1] = mch_ref(&n), a[2] = mch_ref(NULL);
    mch_check(f.c, f.m, "sel_ref", a, 3);
    n += 5;
  }
  armjit_mval r[2] = {mch_ref(&n), mch_ref(&n)};
  assert_int_equal(mch_check(f.c, f.m, "ieq_ref", r, 2).i32, 1);
  print_message("compares and select: %u cases compared\n", n);
  fx_close(&f);
  free(t.p);
}

/* ---- memory -------------------------------------------------------------------------------- */
static void test_memory(void **state) {
  static const struct { const char *k, *ty; } kinds[] = {
      {"s8", "i32"}, {"u8", "i32"}, {"s16", "i32"}, {"u16", "i32"}, {"i32", "i32"},
      {"i64", "i64"}, {"f32", "f32"}, {"f64", "f64"}, {"ref", "ref"}};
  static const int32_t offs[] = {0, 8, -8, 248, 1016, 1024, 4088, 4096, 20000};
  text_buf t = {0};
  for (size_t k = 0; k < 9; k++)
    for (size_t o = 0; o < 9; o++) {
      tb(&t, "func @ld_%s_%zu(p: ref, i: i32) -> %s {\nentry:\n  r = load.%s p, i, 3, %d\n  ret r\n}\n",
                kinds[k].k, o, kinds[k].ty, kinds[k].k, offs[o]);
      tb(&t, "func @ldk_%s_%zu(p: ref) -> %s {\nentry:\n  r = load.%s p, %d\n  ret r\n}\n",
                kinds[k].k, o, kinds[k].ty, kinds[k].k, offs[o]);
      tb(&t,
                "func @st_%s_%zu(p: ref, i: i32, v: %s) {\nentry:\n  store.%s p, i, 3, %d, v\n  ret\n}\n",
                kinds[k].k, o, kinds[k].ty, kinds[k].k, offs[o]);
    }
  fixture f;
  fx_open(&f, flags_of(state), t.p);
  static uint8_t mem[2][48000] __attribute__((aligned(16)));
  unsigned n = 0;
  char name[32];
  for (size_t k = 0; k < 9; k++)
    for (size_t o = 0; o < 9; o++)
      for (int idx = 0; idx < 3; idx++) {
        for (size_t i = 0; i < sizeof mem[0]; i++) mem[0][i] = (uint8_t)(i * 37 + 11);
        uint8_t *base = mem[0] + 24000;
        armjit_mval a[3] = {mch_ref(base), mch_i32(idx - 1)};
        snprintf(name, sizeof name, "ld_%s_%zu", kinds[k].k, o);
        mch_check(f.c, f.m, name, a, 2), n++;
        snprintf(name, sizeof name, "ldk_%s_%zu", kinds[k].k, o);
        mch_check(f.c, f.m, name, a, 1), n++;
        /* store: compiled into mem[0], interpreted into mem[1], compare */
        memcpy(mem[1], mem[0], sizeof mem[0]);
        armjit_mval v;
        switch (kinds[k].ty[0] == 'r' ? 'r' : kinds[k].ty[1]) {
        case '3': v = kinds[k].ty[0] == 'f' ? mch_f32(-1.25f) : mch_i32((int32_t)0x89abcdef); break;
        case '6': v = kinds[k].ty[0] == 'f' ? mch_f64(-1e-300) : mch_i64((int64_t)0x0123456789abcdefll); break;
        default: v = mch_ref((void *)(uintptr_t)0x11223344u); break;
        }
        a[2] = v;
        snprintf(name, sizeof name, "st_%s_%zu", kinds[k].k, o);
        mch_call(f.c, f.m, name, a, 3);
        a[0] = mch_ref(mem[1] + 24000);
        mch_interp(f.m, name, a, 3);
        if (strcmp(kinds[k].k, "ref") == 0 && sizeof(void *) == 4)
          assert_memory_equal(mem[0], mem[1], sizeof mem[0]);
        else if (strcmp(kinds[k].k, "ref") != 0)
          assert_memory_equal(mem[0], mem[1], sizeof mem[0]);
        n++;
      }
  print_message("memory: %u cases compared\n", n);
  fx_close(&f);
  free(t.p);
}

int main(void) {
  static const unsigned modes[] = {0, ARMJIT_RANDOM_RA, ARMJIT_NO_IDIV};
  int rc = 0;
  for (int m = 0; m < 3; m++) {
    void *st = (void *)(uintptr_t)modes[m];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_int_binops, st),
        cmocka_unit_test_prestate(test_float_ops, st),
        cmocka_unit_test_prestate(test_conversions, st),
        cmocka_unit_test_prestate(test_compares, st),
        cmocka_unit_test_prestate(test_memory, st),
    };
    print_message("allocation mode %s\n", m == 0 ? "default" : m == 1 ? "random" : "no IDIV");
    rc |= cmocka_run_group_tests(tests, NULL, NULL);
  }
  return rc;
}
