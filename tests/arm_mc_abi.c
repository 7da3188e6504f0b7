/* SPDX-License-Identifier: MIT */
/* The method compiler's calling convention against libffi's AAPCS in
 * this build's ABI (hard-float in armhf, soft-float in armel), both ways:
 *
 *   C --libffi call--> @jit_k(args) --call--> C @cfn_k(args reversed)
 *
 * For every mix of i32/i64/f32/f64/ref with 0-4 parameters, and sampled
 * signatures of 12, 20 and 40, with every result type: @jit_k receives
 * its arguments by the AAPCS (from ffi_call), passes them on reversed (a
 * permutation through the parallel move) to a C function (a libffi
 * closure) that records them, checks that sp is 8-byte aligned, and
 * returns a value the JIT returns in turn.  Each call is made through the
 * callee-saved sentinel harness (tests/support/sentinel.h), via an @adapt_k
 * function that loads the arguments from memory, so r4-r11 and d8-d15 are
 * checked across the whole chain.  A second set calls four hand-written
 * GCC-compiled C functions directly (back-filled singles, i64 pair
 * alignment, stack arguments).  The same signatures against GCC-compiled
 * code, both ways and in both ABIs, are tests/arm_mc_abi_gcc.c. */
#include "arm_mc_harness.h"
#include "sentinel.h"

#define MAXA 40

typedef struct {
  unsigned n;
  armjit_mtype p[MAXA], r;
} sig;

typedef struct {
  sig s;
  uint64_t got[MAXA];   /* what the closure received (its own order) */
  uint64_t ret;         /* what it returned */
  bool sp_ok, called;
  ffi_cif cif;
  ffi_type *ty[MAXA];
  ffi_closure *cl;
  void *code;
} cfn_rec;

static const char *tname(armjit_mtype t) {
  switch (t) {
  case ARMJIT_T_I32: return "i32";
  case ARMJIT_T_I64: return "i64";
  case ARMJIT_T_F32: return "f32";
  case ARMJIT_T_F64: return "f64";
  case ARMJIT_T_REF: return "ref";
  default: return "void";
  }
}
static unsigned tsize(armjit_mtype t) { return t == ARMJIT_T_I64 || t == ARMJIT_T_F64 ? 8 : 4; }

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

/* A random value of type t as its bits (finite floats, so bits survive any
 * path; ref: 32 bits). */
static uint64_t rnd_bits(armjit_mtype t) {
  uint64_t x = rnd();
  switch (t) {
  case ARMJIT_T_F32: {
    float f = (float)((int32_t)x) / 1024.0f;
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
  }
  case ARMJIT_T_F64: {
    double d = (double)(int64_t)x / 3.0;
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
  }
  case ARMJIT_T_I64: return x;
  default: return (uint32_t)x;
  }
}

static void handler(ffi_cif *cif, void *ret, void **args, void *ud) {
  (void)cif;
  cfn_rec *R = ud;
  uintptr_t sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  R->sp_ok = (sp & 7) == 0;
  R->called = true;
  uint64_t h = 0x12345;
  for (unsigned k = 0; k < R->s.n; k++) {
    uint64_t b = 0;
    memcpy(&b, args[k], tsize(R->s.p[R->s.n - 1 - k])); /* the C side takes them reversed */
    R->got[k] = b;
    h = h * 31 + b;
  }
  h ^= h >> 29;
  switch (R->s.r) {
  case ARMJIT_T_I32: *(ffi_sarg *)ret = (int32_t)h; R->ret = (uint32_t)h; break;
  case ARMJIT_T_REF: *(ffi_arg *)ret = (uint32_t)h; R->ret = (uint32_t)h; break;
  case ARMJIT_T_I64: *(int64_t *)ret = (int64_t)h; R->ret = h; break;
  case ARMJIT_T_F32: {
    float f = (float)(int32_t)h / 7.0f;
    memcpy(ret, &f, 4);
    uint32_t b;
    memcpy(&b, &f, 4);
    R->ret = b;
    break;
  }
  case ARMJIT_T_F64: {
    double d = (double)(int32_t)h / 7.0;
    memcpy(ret, &d, 8);
    memcpy(&R->ret, &d, 8);
    break;
  }
  default: break;
  }
}

static void make_closure(cfn_rec *R) {
  for (unsigned k = 0; k < R->s.n; k++) R->ty[k] = mch_ffi_type(R->s.p[R->s.n - 1 - k]);
  assert_int_equal(ffi_prep_cif(&R->cif, FFI_DEFAULT_ABI, R->s.n, mch_ffi_type(R->s.r), R->ty),
                   FFI_OK);
  R->cl = ffi_closure_alloc(sizeof(ffi_closure), &R->code);
  assert_non_null(R->cl);
  assert_int_equal(ffi_prep_closure_loc(R->cl, &R->cif, handler, R, R->code), FFI_OK);
}

static armjit_memk memk_of(armjit_mtype t) {
  switch (t) {
  case ARMJIT_T_I64: return ARMJIT_MEM_I64;
  case ARMJIT_T_F32: return ARMJIT_MEM_F32;
  case ARMJIT_T_F64: return ARMJIT_MEM_F64;
  case ARMJIT_T_REF: return ARMJIT_MEM_REF;
  default: return ARMJIT_MEM_I32;
  }
}

/* The text of @jit_k, @adapt_k and the extern @cfn_k of signature s. */
static void emit_sig(text_buf *t, unsigned k, const sig *s) {
  bool v = s->r == ARMJIT_T_VOID;
  tb(t, "extern @cfn_%u(", k);
  for (unsigned i = 0; i < s->n; i++) tb(t, "%s%s", i ? ", " : "", tname(s->p[s->n - 1 - i]));
  tb(t, ")%s%s\nfunc @jit_%u(", v ? "" : " -> ", v ? "" : tname(s->r), k);
  for (unsigned i = 0; i < s->n; i++) tb(t, "%sa%u: %s", i ? ", " : "", i, tname(s->p[i]));
  tb(t, ")%s%s {\nentry:\n  %scall @cfn_%u(", v ? "" : " -> ", v ? "" : tname(s->r), v ? "" : "r = ", k);
  for (unsigned i = 0; i < s->n; i++) tb(t, "%sa%u", i ? ", " : "", s->n - 1 - i);
  tb(t, ")\n  ret%s\n}\n", v ? "" : " r");
  tb(t, "func @adapt_%u(p: ref, q: ref) -> i32 {\nentry:\n", k);
  for (unsigned i = 0; i < s->n; i++)
    tb(t, "  x%u = load.%s p, %u\n", i, mir_memk(memk_of(s->p[i]))->name, 8 * i);
  tb(t, "  %scall @jit_%u(", v ? "" : "r = ", k);
  for (unsigned i = 0; i < s->n; i++) tb(t, "%sx%u", i ? ", " : "", i);
  tb(t, ")\n");
  if (!v) tb(t, "  store.%s q, 0, r\n", mir_memk(memk_of(s->r))->name);
  tb(t, "  ret 0\n}\n");
}

typedef struct {
  unsigned sigs, calls, direct;
} totals;

/* Compile the batch of signatures and check each one. */
static void run_batch(armjit_ctx *ctx, const sig *sigs, unsigned n, unsigned base, totals *tot) {
  cfn_rec *recs = calloc(n, sizeof *recs);
  assert_non_null(recs);
  text_buf t = {0};
  char name[32];
  for (unsigned k = 0; k < n; k++) {
    recs[k].s = sigs[k];
    make_closure(&recs[k]);
    snprintf(name, sizeof name, "cfn_%u", base + k);
    assert_int_equal(armjit_ctx_add_symbol(ctx, name, (uintptr_t)recs[k].code), ARMJIT_OK);
    emit_sig(&t, base + k, &sigs[k]);
  }
  armjit_module *m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  armjit_error err;
  armjit_code *h = ajt_sentinel_harness(ctx, &err);
  assert_non_null(h);
  for (unsigned k = 0; k < n; k++) {
    const sig *s = &sigs[k];
    cfn_rec *R = &recs[k];
    for (int rep = 0; rep < 2; rep++) {
      uint64_t in[MAXA], out[2] = {0, 0};
      armjit_mval av[MAXA];
      for (unsigned i = 0; i < s->n; i++) {
        in[i] = rnd_bits(s->p[i]);
        memset(&av[i], 0, sizeof av[i]);
        memcpy(&av[i], &in[i], tsize(s->p[i]));
      }
      /* through ffi_call */
      R->called = false;
      snprintf(name, sizeof name, "jit_%u", base + k);
      armjit_mval r = mch_call(c, m, name, av, s->n);
      assert_true(R->called);
      assert_true(R->sp_ok);
      for (unsigned i = 0; i < s->n; i++)
        if (R->got[s->n - 1 - i] != in[i])
          fail_msg("@%s argument %u (%s): C saw 0x%" PRIx64 ", passed 0x%" PRIx64, name, i,
                   tname(s->p[i]), R->got[s->n - 1 - i], in[i]);
      uint64_t rb = 0;
      memcpy(&rb, &r, tsize(s->r));
      if (s->r != ARMJIT_T_VOID && rb != R->ret)
        fail_msg("@%s result: 0x%" PRIx64 ", C returned 0x%" PRIx64, name, rb, R->ret);
      /* through the sentinel harness and @adapt */
      snprintf(name, sizeof name, "adapt_%u", base + k);
      uint32_t io[2] = {(uint32_t)(uintptr_t)in, (uint32_t)(uintptr_t)out};
      uint32_t changed = ajt_sentinel_entry(h)(armjit_mcode_symbol(c, name), io);
      if (changed) fail_msg("@%s changed callee-saved registers: mask 0x%x", name, changed);
      assert_true(R->sp_ok);
      for (unsigned i = 0; i < s->n; i++) assert_true(R->got[s->n - 1 - i] == in[i]);
      if (s->r != ARMJIT_T_VOID) {
        uint64_t o = 0;
        memcpy(&o, out, tsize(s->r));
        assert_true(o == R->ret);
      }
      tot->calls += 2;
    }
  }
  tot->sigs += n;
  armjit_code_free(h);
  armjit_mcode_free(c);
  armjit_module_free(m);
  for (unsigned k = 0; k < n; k++) ffi_closure_free(recs[k].cl);
  free(recs);
  free(t.p);
}

static void test_matrix(void **state) {
  (void)state;
  static const armjit_mtype all[5] = {ARMJIT_T_I32, ARMJIT_T_I64, ARMJIT_T_F32, ARMJIT_T_F64,
                                      ARMJIT_T_REF};
  static const armjit_mtype res[6] = {ARMJIT_T_VOID, ARMJIT_T_I32, ARMJIT_T_I64, ARMJIT_T_F32,
                                      ARMJIT_T_F64, ARMJIT_T_REF};
  armjit_ctx *ctx = mch_ctx(0);
  totals tot = {0, 0, 0};
  sig batch[64];
  unsigned nb = 0, serial = 0;
  /* every mix of 0..4 parameters */
  for (unsigned n = 0; n <= 4; n++) {
    unsigned count = 1;
    for (unsigned i = 0; i < n; i++) count *= 5;
    for (unsigned code = 0; code < count; code++) {
      sig *s = &batch[nb++];
      s->n = n;
      unsigned c = code;
      for (unsigned i = 0; i < n; i++, c /= 5) s->p[i] = all[c % 5];
      s->r = res[(code + n) % 6];
      if (nb == 64) {
        run_batch(ctx, batch, nb, serial, &tot);
        serial += nb;
        nb = 0;
      }
    }
  }
  /* sampled long signatures */
  static const unsigned lens[3] = {12, 20, 40};
  for (unsigned l = 0; l < 3; l++)
    for (unsigned k = 0; k < 24; k++) {
      sig *s = &batch[nb++];
      s->n = lens[l];
      for (unsigned i = 0; i < s->n; i++) s->p[i] = all[rnd() % 5];
      s->r = res[rnd() % 6];
      if (nb == 64) {
        run_batch(ctx, batch, nb, serial, &tot);
        serial += nb;
        nb = 0;
      }
    }
  if (nb) run_batch(ctx, batch, nb, serial, &tot);
  print_message("calling-convention cases (mc, %s-float): %u signatures, %u calls\n",
                armjit_ctx_abi(ctx) == ARMJIT_ABI_HARD ? "hard" : "soft", tot.sigs, tot.calls);
  armjit_ctx_free(ctx);
}

/* ---- GCC-compiled C functions called directly ------------------------------------- */
static float g_backfill(float a, double b, float c, int32_t d) { return a + (float)b * c + (float)d; }
static int64_t g_pairs(int32_t a, int64_t b, int32_t c, int64_t d) { return a + b * 3 + c * 5 + d * 7; }
static double g_stack(double a, float b, double c, float d, double e, float f, double g, float h,
                      double i, float j, int64_t k, int32_t l) {
  return a + b + c + d + e + f + g + h + i + j + (double)k + l;
}
static int32_t g_refs(void *a, int32_t b, void *c, int64_t d, void *e) {
  return (int32_t)((uintptr_t)a + (uintptr_t)b * 3 + (uintptr_t)c * 5 + (int32_t)d + (uintptr_t)e * 11);
}

static void test_gcc_direct(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "g_backfill", (uintptr_t)&g_backfill), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "g_pairs", (uintptr_t)&g_pairs), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "g_stack", (uintptr_t)&g_stack), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "g_refs", (uintptr_t)&g_refs), ARMJIT_OK);
  armjit_module *m = mch_parse(ctx,
      "extern @g_backfill(f32, f64, f32, i32) -> f32\n"
      "extern @g_pairs(i32, i64, i32, i64) -> i64\n"
      "extern @g_stack(f64, f32, f64, f32, f64, f32, f64, f32, f64, f32, i64, i32) -> f64\n"
      "extern @g_refs(ref, i32, ref, i64, ref) -> i32\n"
      "func @backfill(a: f32, b: f64, c: f32, d: i32) -> f32 {\nentry:\n"
      "  r = call @g_backfill(a, b, c, d)\n  ret r\n}\n"
      "func @pairs(a: i32, b: i64, c: i32, d: i64) -> i64 {\nentry:\n"
      "  r = call @g_pairs(c, d, a, b)\n  ret r\n}\n"
      "func @stack(a: f64, b: f32, c: f64, d: f32, e: f64, f: f32, g: f64, h: f32, i: f64, j: f32, k: i64, l: i32) -> f64 {\nentry:\n"
      "  r = call @g_stack(i, j, g, h, e, f, c, d, a, b, k, l)\n  ret r\n}\n"
      "func @refs(a: ref, b: i32, c: ref, d: i64, e: ref) -> i32 {\nentry:\n"
      "  r = call @g_refs(e, b, a, d, c)\n  ret r\n}\n");
  armjit_mcode *c = mch_load(m);
  float (*bf)(float, double, float, int32_t) =
      (float (*)(float, double, float, int32_t))armjit_mcode_symbol(c, "backfill");
  assert_true(bf(1.5f, 2.0, 3.0f, 4) == g_backfill(1.5f, 2.0, 3.0f, 4));
  int64_t (*pr)(int32_t, int64_t, int32_t, int64_t) =
      (int64_t (*)(int32_t, int64_t, int32_t, int64_t))armjit_mcode_symbol(c, "pairs");
  assert_true(pr(3, 1ll << 40, -5, -(1ll << 35)) == g_pairs(-5, -(1ll << 35), 3, 1ll << 40));
  double (*st)(double, float, double, float, double, float, double, float, double, float, int64_t,
               int32_t) = (double (*)(double, float, double, float, double, float, double, float,
                                      double, float, int64_t, int32_t))armjit_mcode_symbol(c, "stack");
  assert_true(st(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1ll << 33, -12) ==
              g_stack(9, 10, 7, 8, 5, 6, 3, 4, 1, 2, 1ll << 33, -12));
  int32_t (*rf)(void *, int32_t, void *, int64_t, void *) =
      (int32_t (*)(void *, int32_t, void *, int64_t, void *))armjit_mcode_symbol(c, "refs");
  int x, y, z;
  assert_int_equal(rf(&x, 7, &y, -9, &z), g_refs(&z, 7, &x, -9, &y));
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_matrix),
      cmocka_unit_test(test_gcc_direct),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
