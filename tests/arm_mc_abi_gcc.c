/* SPDX-License-Identifier: MIT */
/* The method compiler's calling convention against GCC's, in both ABIs
 * (the build's own and the other one, through GCC's pcs attribute: every
 * ARM build checks hard-float and soft-float code).
 *
 * arm_mc_abi_matrix.h (generated at build time by scripts/gen_mc_abi_matrix.py)
 * holds, for the signatures tests/arm_mc_abi.c covers (every mix of 0-4
 * parameters over i32/i64/f32/f64/ref with a result type each, and
 * sampled signatures of 12, 20 and 40 parameters), GCC-compiled C code:
 * a fold f_k that checks sp % 8 == 0 at its entry and folds the bits of
 * its parameters (position-sensitive) into a result of its type, the
 * direct C call of f_k (the oracle), and a C caller c_k that calls a
 * function pointer of the signature.  Per signature the module has
 *
 *   @call_k(p, q): loads known values from p, calls the extern @f_k with
 *                  them (JIT code calling C), stores its result at q;
 *   @fold_k(args): passes its parameters on to @f_k and returns its
 *                  result (C calling JIT code, from c_k).
 *
 * Both are called through the callee-saved sentinel harness
 * (tests/support/sentinel.h: r4-r11 and d8-d15 must come back unchanged;
 * for @fold_k the harness calls c_k, which calls @fold_k), and each result
 * must have the bits of the direct C call with the same values; f_k must
 * have run exactly once per call, never with sp misaligned. */
#include "arm_mc_harness.h"
#include "sentinel.h"

#define MAXA 40

typedef struct {
  const void *fn;
  const uint64_t *in;
  uint64_t *out;
} mc_job;

typedef struct {
  const char *params; /* i l f d r per parameter */
  char res;           /* the same, or v */
  uintptr_t fn;       /* f_k */
  uint64_t (*direct)(const uint64_t *in);
  uint32_t (*caller)(const mc_job *j);
} mc_entry;

/* Test-only state the folds report through (their signatures are fixed). */
static uint64_t mc_sink;    /* the hash of the last void fold */
static unsigned mc_calls;   /* fold entries */
static unsigned mc_bad_sp;  /* fold entries with sp not 8-byte aligned */

static uint64_t mc_mix(uint64_t h, uint64_t x) {
  h ^= x + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
  return h * UINT64_C(0xff51afd7ed558ccd);
}
/* sp at its caller's call site: a fold that calls it is not a leaf, so
 * GCC keeps sp at its calls 8-byte aligned relative to its own entry. */
__attribute__((naked, noinline)) static uintptr_t mc_sp_at_call(void) {
  __asm__ volatile("mov r0, sp\n\tbx lr");
}
#define MC_SP()                            \
  do {                                     \
    mc_calls++;                            \
    if (mc_sp_at_call() & 7) mc_bad_sp++;  \
  } while (0)
static uint64_t mc_bits_i(int32_t x) { return (uint32_t)x; }
static uint64_t mc_bits_l(int64_t x) { return (uint64_t)x; }
static uint64_t mc_bits_f(float x) {
  uint32_t b;
  memcpy(&b, &x, 4);
  return b;
}
static uint64_t mc_bits_d(double x) {
  uint64_t b;
  memcpy(&b, &x, 8);
  return b;
}
static uint64_t mc_bits_r(uintptr_t x) { return (uint32_t)x; }
static int32_t mc_in_i(uint64_t b) { return (int32_t)(uint32_t)b; }
static int64_t mc_in_l(uint64_t b) { return (int64_t)b; }
static float mc_in_f(uint64_t b) {
  uint32_t u = (uint32_t)b;
  float x;
  memcpy(&x, &u, 4);
  return x;
}
static double mc_in_d(uint64_t b) {
  double x;
  memcpy(&x, &b, 8);
  return x;
}
static uintptr_t mc_in_r(uint64_t b) { return (uintptr_t)(uint32_t)b; }
/* Tags keep a value's type in the fold (an i32 and a ref of the same bits
 * fold differently). */
#define MC_i(x) h = mc_mix(h, mc_bits_i(x))
#define MC_l(x) h = mc_mix(h, mc_bits_l(x) ^ UINT64_C(0x1111000000000000))
#define MC_f(x) h = mc_mix(h, mc_bits_f(x) ^ UINT64_C(0x2222000000000000))
#define MC_d(x) h = mc_mix(h, mc_bits_d(x) ^ UINT64_C(0x3333000000000000))
#define MC_r(x) h = mc_mix(h, mc_bits_r(x) ^ UINT64_C(0x5555000000000000))
static int32_t mc_ret_i(uint64_t h) { return (int32_t)(uint32_t)(h >> 17); }
static int64_t mc_ret_l(uint64_t h) { return (int64_t)(h ^ (h >> 31)); }
static float mc_ret_f(uint64_t h) { return (float)(int32_t)(h >> 32) / 64.0f; }
static double mc_ret_d(uint64_t h) { return (double)(int64_t)(h >> 12) / 4096.0 - 1e12; }
static uintptr_t mc_ret_r(uint64_t h) { return (uintptr_t)(uint32_t)(h >> 23); }

/* The C callers call compiled code as a direct call of a declaration of
 * its signature whose symbol is mc_jump: a jump to mc_target that keeps
 * every argument register and sp (it uses only ip, which AAPCS leaves to
 * veneers), so the compiled code sees GCC's call. */
__attribute__((used)) static const void *mc_target;
__asm__(".text\n"
        ".arm\n"
        ".p2align 2\n"
        ".type mc_jump, %function\n"
        "mc_jump:\n"
        "  ldr ip, 1f\n"
        "0: add ip, pc, ip\n"  /* pc reads as 0b + 8 */
        "  ldr ip, [ip]\n"
        "  bx ip\n"
        "1: .word mc_target - (0b + 8)\n"
        ".size mc_jump, . - mc_jump\n");

/* The build's own convention, then the other one. */
#if defined(__ARM_PCS_VFP)
#define OTHER_PCS __attribute__((pcs("aapcs")))
#define NATIVE_ABI ARMJIT_ABI_HARD
#define OTHER_ABI ARMJIT_ABI_SOFT
#else
#define OTHER_PCS __attribute__((pcs("aapcs-vfp")))
#define NATIVE_ABI ARMJIT_ABI_SOFT
#define OTHER_ABI ARMJIT_ABI_HARD
#endif

#define CM_ATTR
#define CM(x) mcn_##x
#include "arm_mc_abi_matrix.h"
#undef CM_ATTR
#undef CM
#define CM_ATTR OTHER_PCS
#define CM(x) mco_##x
#include "arm_mc_abi_matrix.h"
#undef CM_ATTR
#undef CM

#define NSIG (sizeof mcn_table / sizeof mcn_table[0])

static const char *tname(char c) {
  switch (c) {
  case 'i': return "i32";
  case 'l': return "i64";
  case 'f': return "f32";
  case 'd': return "f64";
  case 'r': return "ref";
  default: return "void";
  }
}
static const char *memname(char c) {
  switch (c) {
  case 'i': return mir_memk(ARMJIT_MEM_I32)->name;
  case 'l': return mir_memk(ARMJIT_MEM_I64)->name;
  case 'f': return mir_memk(ARMJIT_MEM_F32)->name;
  case 'd': return mir_memk(ARMJIT_MEM_F64)->name;
  default: return mir_memk(ARMJIT_MEM_REF)->name;
  }
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}
/* A known value of type c as its bits (finite floats; 32-bit types in the
 * low word, the high word of their slot random: loads must not see it). */
static uint64_t value_bits(char c) {
  uint64_t x = rnd();
  switch (c) {
  case 'f': return (x & UINT64_C(0xffffffff00000000)) | mc_bits_f((float)(int32_t)x / 1024.0f);
  case 'd': return mc_bits_d((double)(int64_t)x / 3.0);
  default: return x;
  }
}
/* The same value as a fold sees it (32-bit types: the low word). */
static uint64_t seen_bits(char c, uint64_t b) { return c == 'l' || c == 'd' ? b : (uint32_t)b; }

/* The text of the extern @f_k and of @call_k and @fold_k. */
static void emit_sig(text_buf *t, unsigned k, const mc_entry *e) {
  size_t n = strlen(e->params);
  bool v = e->res == 'v';
  const char *arrow = v ? "" : " -> ", *rt = v ? "" : tname(e->res);
  tb(t, "extern @f_%u(", k);
  for (size_t i = 0; i < n; i++) tb(t, "%s%s", i ? ", " : "", tname(e->params[i]));
  tb(t, ")%s%s\n", arrow, rt);
  tb(t, "func @call_%u(p: ref, q: ref) -> i32 {\nentry:\n", k);
  for (size_t i = 0; i < n; i++) tb(t, "  x%zu = load.%s p, %zu\n", i, memname(e->params[i]), 8 * i);
  tb(t, "  %scall @f_%u(", v ? "" : "r = ", k);
  for (size_t i = 0; i < n; i++) tb(t, "%sx%zu", i ? ", " : "", i);
  tb(t, ")\n");
  if (!v) tb(t, "  store.%s q, 0, r\n", memname(e->res));
  tb(t, "  ret 0\n}\n");
  tb(t, "func @fold_%u(", k);
  for (size_t i = 0; i < n; i++) tb(t, "%sa%zu: %s", i ? ", " : "", i, tname(e->params[i]));
  tb(t, ")%s%s {\nentry:\n  %scall @f_%u(", arrow, rt, v ? "" : "r = ", k);
  for (size_t i = 0; i < n; i++) tb(t, "%sa%zu", i ? ", " : "", i);
  tb(t, ")\n  ret%s\n}\n", v ? "" : " r");
}

typedef struct {
  unsigned sigs, cases, calls;
} totals;

static uint64_t result_bits(char res, const uint64_t *out) {
  return res == 'v' ? mc_sink : seen_bits(res, out[0]);
}

/* Compile a batch of the table and check each signature both ways. */
static void run_batch(armjit_ctx *ctx, const mc_entry *tab, unsigned base, unsigned n,
                      totals *tot) {
  text_buf t = {0};
  char name[32];
  for (unsigned k = base; k < base + n; k++) {
    snprintf(name, sizeof name, "f_%u", k);
    assert_int_equal(armjit_ctx_add_symbol(ctx, name, tab[k].fn), ARMJIT_OK);
    emit_sig(&t, k, &tab[k]);
  }
  armjit_module *m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  armjit_error err;
  armjit_code *h = ajt_sentinel_harness(ctx, &err);
  assert_non_null(h);
  ajt_sentinel_fn sentinel = ajt_sentinel_entry(h);
  for (unsigned k = base; k < base + n; k++) {
    const mc_entry *e = &tab[k];
    size_t np = strlen(e->params);
    for (int rep = 0; rep < 2; rep++) {
      uint64_t in[MAXA], out[2];
      for (size_t i = 0; i < np; i++) in[i] = value_bits(e->params[i]);
      mc_sink = 0;
      uint64_t want = e->direct(in);
      /* JIT code calling C */
      snprintf(name, sizeof name, "call_%u", k);
      out[0] = out[1] = 0;
      mc_sink = 0;
      mc_calls = 0;
      uint32_t io[2] = {(uint32_t)(uintptr_t)in, (uint32_t)(uintptr_t)out};
      uint32_t changed = sentinel(armjit_mcode_symbol(c, name), io);
      if (changed) fail_msg("@%s changed callee-saved registers: mask 0x%x", name, changed);
      if (mc_calls != 1) fail_msg("@%s: the fold ran %u times", name, mc_calls);
      if (result_bits(e->res, out) != want)
        fail_msg("@%s (%s -> %c): 0x%" PRIx64 ", C's own call 0x%" PRIx64, name, e->params, e->res,
                 result_bits(e->res, out), want);
      /* C calling JIT code */
      snprintf(name, sizeof name, "fold_%u", k);
      mc_job job = {armjit_mcode_symbol(c, name), in, out};
      assert_non_null(job.fn);
      out[0] = out[1] = 0;
      mc_sink = 0;
      mc_calls = 0;
      io[0] = (uint32_t)(uintptr_t)&job;
      io[1] = 0;
      changed = sentinel((const void *)e->caller, io);
      if (changed) fail_msg("C caller of @%s: callee-saved registers changed: mask 0x%x", name, changed);
      if (mc_calls != 1) fail_msg("@%s: the fold ran %u times", name, mc_calls);
      if (result_bits(e->res, out) != want)
        fail_msg("@%s (%s -> %c) called from C: 0x%" PRIx64 ", C's own call 0x%" PRIx64, name,
                 e->params, e->res, result_bits(e->res, out), want);
      tot->calls += 2;
    }
    tot->cases += 2;
  }
  tot->sigs += n;
  armjit_code_free(h);
  armjit_mcode_free(c);
  armjit_module_free(m);
  free(t.p);
}

static void run_abi(armjit_abi abi, const mc_entry *tab, totals *tot) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.abi = abi;
  o.seed = 12345;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  if (!ctx) fail_msg("context: %s", err.msg);
  assert_int_equal(armjit_ctx_abi(ctx), abi);
  for (unsigned base = 0; base < NSIG; base += 64)
    run_batch(ctx, tab, base, NSIG - base < 64 ? (unsigned)(NSIG - base) : 64, tot);
  armjit_ctx_free(ctx);
}

static void test_gcc_matrix(void **state) {
  (void)state;
  assert_int_equal(NSIG, sizeof mco_table / sizeof mco_table[0]);
  mc_bad_sp = 0;
  totals nat = {0, 0, 0}, oth = {0, 0, 0};
  run_abi(NATIVE_ABI, mcn_table, &nat);
  run_abi(OTHER_ABI, mco_table, &oth);
  assert_int_equal(mc_bad_sp, 0);
  print_message("calling-convention cases (mc, gcc, %s-float): %u signatures, %u cases, %u calls\n",
                NATIVE_ABI == ARMJIT_ABI_HARD ? "hard" : "soft", nat.sigs, nat.cases, nat.calls);
  print_message("calling-convention cases (mc, gcc, %s-float): %u signatures, %u cases, %u calls\n",
                OTHER_ABI == ARMJIT_ABI_HARD ? "hard" : "soft", oth.sigs, oth.cases, oth.calls);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gcc_matrix),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
