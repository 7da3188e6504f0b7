/* SPDX-License-Identifier: MIT */
/* Exceptions in compiled code under qemu-arm (trap mode call): checks
 * (null, index, divide by zero) and throw, caught one and two frames up
 * by tagged handlers (exc_match) or catch alls, nested ranges, values live
 * into handlers in callee-saved registers and slots of the unwound frames
 * (r4-r9 and d8-d13 in every frame), uncaught exceptions through
 * exc_uncaught back to the C caller with its callee-saved registers
 * intact (the sentinel harness), every case against the interpreter. */
#include "arm_mc_harness.h"
#include "sentinel.h"

/* Exceptions are small numbers; exception e has tag t when t divides e. */
static char trail[256];
static void note(char what, uint32_t a, uint32_t b) {
  size_t n = strlen(trail);
  if (n + 24 < sizeof trail) snprintf(trail + n, sizeof trail - n, "%c%u/%u ", what, a, b);
}
static void *c_trap(int32_t code, void *pc, void *sp) {
  (void)sp;
  note('t', (uint32_t)code, pc != NULL);
  return code % 4 ? (void *)(uintptr_t)code : NULL;
}
static int32_t c_match(void *e, void *t) {
  note('m', (uint32_t)(uintptr_t)e, (uint32_t)(uintptr_t)t);
  return (uintptr_t)t && (uintptr_t)e % (uintptr_t)t == 0;
}
static void c_uncaught(void *e) { note('u', (uint32_t)(uintptr_t)e, 0); }

#define HEAD                               \
  "trap call @c_trap\n"                    \
  "exc_match @c_match\n"                   \
  "exc_uncaught @c_uncaught\n"             \
  "extern @c_trap(i32, ref, ref) -> ref\n" \
  "extern @c_match(ref, ref) -> i32\n"     \
  "extern @c_uncaught(ref)\n"

/* top keeps six i32 and six f64 across the call and into its handlers;
 * mid keeps six more of each across its call to leaf (so both frames use
 * r4-r9 and d8-d13, and mid's saves hold top's values); leaf traps or
 * throws by k. */
static void values(text_buf *t, const char *p, const char *k, const char *x) {
  for (int i = 1; i <= 6; i++) tb(t, "  %sa%d = mul.i32 %s, %d\n", p, i, k, 7 * i + 1);
  for (int i = 1; i <= 6; i++) tb(t, "  %sd%d = fmul.f64 %s, %d.5\n", p, i, x, i);
}
/* into = the six i32 of prefix v plus the truncated sum of its six f64
 * (temporaries named with prefix p). */
static void sum(text_buf *t, const char *v, const char *p, const char *into) {
  tb(t, "  %ss0 = add.i32 %sa1, %sa2\n", p, v, v);
  for (int i = 3; i <= 6; i++) tb(t, "  %ss%d = add.i32 %ss%d, %sa%d\n", p, i - 2, p, i - 3, v, i);
  tb(t, "  %sf0 = fadd.f64 %sd1, %sd2\n", p, v, v);
  for (int i = 3; i <= 6; i++) tb(t, "  %sf%d = fadd.f64 %sf%d, %sd%d\n", p, i - 2, p, i - 3, v, i);
  tb(t, "  %sfi = fptosi.i32 %sf4\n", p, p);
  tb(t, "  %s = add.i32 %ss4, %sfi\n", into, p, p);
}

static char *frames_module(void) {
  text_buf t = {0};
  tb(&t, HEAD);
  tb(&t, "func @top(k: i32, p: ref, x: f64) -> i32 {\nentry:\n");
  values(&t, "t", "k", "x");
  tb(&t, "  br try\n");
  tb(&t, "try [catch 3 -> h3, catch 0 -> hall]:\n");
  tb(&t, "  r = call @mid(k, p, x)\n");
  tb(&t, "  br done(r)\n");
  tb(&t, "done(r2: i32):\n");
  sum(&t, "t", "x", "tv");
  tb(&t, "  tr = add.i32 tv, r2\n  ret tr\n");
  tb(&t, "h3(e: ref):\n  ev = ptr_to_int e\n");
  sum(&t, "t", "u", "uv");
  tb(&t, "  ew = mul.i32 ev, 1000\n  er = add.i32 uv, ew\n  ret er\n");
  tb(&t, "hall(e2: ref):\n  ev2 = ptr_to_int e2\n");
  sum(&t, "t", "w", "wv");
  tb(&t, "  ew2 = mul.i32 ev2, -1000\n  er2 = add.i32 wv, ew2\n  ret er2\n");
  tb(&t, "}\n");
  tb(&t, "func @mid(k: i32, p: ref, x: f64) -> i32 {\nentry:\n");
  values(&t, "m", "k", "x");
  tb(&t, "  br try\n");
  tb(&t, "try [catch 7 -> h7]:\n");
  tb(&t, "  r = call @leaf(k, p, x)\n");
  sum(&t, "m", "y", "mv");
  tb(&t, "  mr = add.i32 mv, r\n  ret mr\n");
  tb(&t, "h7(e: ref):\n");
  sum(&t, "m", "n", "nv");
  tb(&t, "  nr = sub.i32 0, nv\n  ret nr\n");
  tb(&t, "}\n");
  tb(&t, "func @leaf(k: i32, p: ref, x: f64) -> i32 {\n"
         "entry:\n"
         "  switch k, other, [0: null, 1: index, 2: zero, 3: thr, 4: thr7]\n"
         "null:\n  check_null p, 21\n  ret 1\n"
         "index:\n  check_index k, 1, 10\n  ret 2\n"
         "zero:\n  z = sub.i32 k, 2\n  check_nonzero z, 30\n  q = sdiv.i32 k, z\n  ret q\n"
         "thr:\n  e = int_to_ref 9\n  throw e\n"
         "thr7:\n  e7 = int_to_ref 14\n  throw e7\n"
         "other:\n  check_index k, 100, 8\n  ret 5\n"   /* 8: the handler returns null */
         "}\n");
  /* nested ranges in one function, and the uncaught path */
  tb(&t, "func @nest(k: i32) -> i32 {\n"
         "entry:\n  j = add.i32 k, 100\n  br outer\n"
         "outer [catch 0 -> ho]:\n  c = icmp.eq k, 0\n  cbr c, o0, inner\n"
         "o0 [catch 0 -> ho]:\n  trap 22\n"
         "inner [catch 5 -> hi, catch 0 -> ho]:\n  c1 = icmp.eq k, 1\n  cbr c1, i1, i2\n"
         "i1 [catch 5 -> hi, catch 0 -> ho]:\n  trap 15\n"
         "i2 [catch 5 -> hi, catch 0 -> ho]:\n  check_nonzero 0, 33\n  ret 0\n"
         "hi(e: ref) [catch 0 -> ho]:\n  v = ptr_to_int e\n  w = add.i32 v, j\n"
         "  d = icmp.eq k, 1\n  cbr d, again, out(w)\n"
         "again [catch 0 -> ho]:\n  throw e\n"
         "out(r: i32):\n  ret r\n"
         "ho(e2: ref):\n  v2 = ptr_to_int e2\n  w2 = sub.i32 j, v2\n  ret w2\n"
         "}\n");
  tb(&t, "func @lost(p: ref, q: ref) -> i32 {\n"
         "entry:\n  r = call @leaf(3, p, 1.0)\n  ret r\n}\n");
  return t.p;
}

static int setup(void **state) {
  armjit_ctx *ctx = mch_ctx(0);
  armjit_ctx_add_symbol(ctx, "c_trap", (uintptr_t)c_trap);
  armjit_ctx_add_symbol(ctx, "c_match", (uintptr_t)c_match);
  armjit_ctx_add_symbol(ctx, "c_uncaught", (uintptr_t)c_uncaught);
  *state = ctx;
  return 0;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* Compiled and interpreted agree, callbacks included (pc: 1 compiled, 0
 * interpreted, so the traces compare with it masked). */
static int32_t both(armjit_mcode *c, armjit_module *m, const char *f, const armjit_mval *a,
                    unsigned n) {
  trail[0] = 0;
  armjit_mval got = mch_call(c, m, f, a, n);
  char seen[sizeof trail];
  strcpy(seen, trail);
  trail[0] = 0;
  armjit_mval want = mch_interp(m, f, a, n);
  for (char *s = seen; (s = strchr(s, 't')) != NULL; s++) { /* t<code>/1 -> t<code>/0 */
    char *sl = strchr(s, '/');
    if (sl && sl[1] == '1') sl[1] = '0';
  }
  assert_string_equal(seen, trail);
  if (got.i32 != want.i32) fail_msg("@%s: compiled %d, interpreted %d", f, got.i32, want.i32);
  return got.i32;
}

static void test_frames(void **state) {
  armjit_ctx *ctx = *state;
  char *text = frames_module();
  armjit_module *m = mch_parse(ctx, text);
  armjit_mcode *c = mch_load(m);
  static int32_t dummy;
  for (int32_t k = 0; k <= 6; k++) {
    armjit_mval a[3] = {mch_i32(k), mch_ref(k == 0 ? NULL : &dummy), mch_f64(2.0 + k)};
    int32_t r = both(c, m, "top", a, 3);
    /* what took it: k 0 (20.. 21 -> all), 1 (10 -> all), 2 (30 -> h3), 3 (9 -> h3),
     * 4 (14 -> mid's 7), 5, 6 (no exception; code 8 goes on) */
    if (k == 2 || k == 3) assert_true(r > 1000 * 9 - 100000 && (r / 1000) != 0);
    print_message("top(%d) = %d\n", k, r);
  }
  for (int32_t k = 0; k <= 3; k++) {
    armjit_mval a[1] = {mch_i32(k)};
    print_message("nest(%d) = %d\n", k, both(c, m, "nest", a, 1));
  }
  /* uncaught: exc_uncaught, then back in C with r4-r11, d8-d15 intact */
  armjit_error err;
  armjit_code *h = ajt_sentinel_harness(ctx, &err);
  assert_non_null(h);
  static int32_t cell;
  uint32_t io[2] = {(uint32_t)(uintptr_t)&cell, 0};
  trail[0] = 0;
  uint32_t changed = ajt_sentinel_entry(h)(armjit_mcode_symbol(c, "lost"), io);
  assert_int_equal(changed, 0);
  assert_string_equal(trail, "u9/0 ");
  armjit_code_free(h);
  armjit_mval la[2] = {mch_ref(&cell), mch_ref(NULL)}, r;
  armjit_interp_options io2 = {0, 0, 0};
  trail[0] = 0;
  assert_int_equal(armjit_mc_interpret(m, "lost", la, 2, &r, &io2, &err), ARMJIT_E_INVALID);
  assert_string_equal(trail, "u9/0 ");
  armjit_mcode_free(c);
  armjit_module_free(m);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_frames, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
