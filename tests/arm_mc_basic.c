/* SPDX-License-Identifier: MIT */
/* Method compiler basics on ARM: the spec's @sum with its checks, calls
 * between module functions (recursion, mutual recursion), a call to a C
 * extern, every result compared with the reference interpreter. */
#include "arm_mc_harness.h"

static int32_t c_helper(int32_t x) { return x * 3 + 1; }

static int trap_count;
static int32_t trap_last;
static void on_trap(int32_t code, void *pc, void *sp) {
  (void)pc;
  (void)sp;
  trap_count++;
  trap_last = code;
}

static const char sum_text[] =
    "extern @c_helper(i32) -> i32\n"
    "func @sum(p0: ref, i1: i32) -> i32 {\n"
    "entry:\n"
    "  br loop(0, 0)\n"
    "loop(i2: i32, i3: i32):\n"
    "  i4 = icmp.slt i2, i1\n"
    "  cbr i4, body, done(i3)\n"
    "body:\n"
    "  check_null p0, 20\n"
    "  i5 = load.u16 p0, -8\n"
    "  check_index i2, i5, 10\n"
    "  i6 = load.i32 p0, i2, 2, 0\n"
    "  i7 = add.i32 i3, i6\n"
    "  i8 = add.i32 i2, 1\n"
    "  br loop(i8, i7)\n"
    "done(i9: i32):\n"
    "  ret i9\n"
    "}\n"
    "func @f(i0: i32) -> i32 {\n"
    "entry:\n"
    "  i1 = call @c_helper(i0)\n"
    "  ret i1\n"
    "}\n"
    "trap call @on_trap\n"
    "extern @on_trap(i32, ref, ref)\n";

static void test_sum(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "c_helper", (uintptr_t)&c_helper), ARMJIT_OK);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "on_trap", (uintptr_t)&on_trap), ARMJIT_OK);
  armjit_module *m = mch_parse(ctx, sum_text);
  armjit_mcode *c = mch_load(m);
  /* an array object: u16 length at -8, the ints from 0 */
  struct { uint16_t len; uint16_t pad[3]; int32_t v[6]; } obj = {5, {0, 0, 0}, {1, 2, 3, 4, 5, 6}};
  armjit_mval a[2] = {mch_ref(obj.v), mch_i32(5)};
  assert_int_equal(mch_check(c, m, "sum", a, 2).i32, 15);
  a[1] = mch_i32(0);
  assert_int_equal(mch_check(c, m, "sum", a, 2).i32, 0);
  /* past the length: the index check traps (the handler returns) */
  trap_count = 0;
  a[1] = mch_i32(6);
  int32_t (*sum)(void *, int32_t) = (int32_t(*)(void *, int32_t))armjit_mcode_symbol(c, "sum");
  assert_int_equal(sum(obj.v, 6), 21);
  assert_int_equal(trap_count, 1);
  assert_int_equal(trap_last, 10);
  a[0] = mch_i32(7);
  assert_int_equal(mch_check(c, m, "f", a, 1).i32, 22);
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

static const char rec_text[] =
    "func @fib(n: i32) -> i32 {\n"
    "entry:\n"
    "  c = icmp.slt n, 2\n"
    "  cbr c, small, big\n"
    "small:\n"
    "  ret n\n"
    "big:\n"
    "  a = sub.i32 n, 1\n"
    "  x = call @fib(a)\n"
    "  b = sub.i32 n, 2\n"
    "  y = call @fib(b)\n"
    "  s = add.i32 x, y\n"
    "  ret s\n"
    "}\n"
    "func @ack(m: i32, n: i32) -> i32 {\n"
    "entry:\n"
    "  z = icmp.eq m, 0\n"
    "  cbr z, m0, mpos\n"
    "m0:\n"
    "  r = add.i32 n, 1\n"
    "  ret r\n"
    "mpos:\n"
    "  zn = icmp.eq n, 0\n"
    "  m1 = sub.i32 m, 1\n"
    "  cbr zn, n0, npos\n"
    "n0:\n"
    "  r2 = call @ack(m1, 1)\n"
    "  ret r2\n"
    "npos:\n"
    "  n1 = sub.i32 n, 1\n"
    "  inner = call @ack(m, n1)\n"
    "  r3 = call @ack(m1, inner)\n"
    "  ret r3\n"
    "}\n"
    "func @is_even(n: i64) -> i32 {\n"
    "entry:\n"
    "  z = icmp.eq n, 0\n"
    "  cbr z, yes, no\n"
    "yes:\n"
    "  ret 1\n"
    "no:\n"
    "  m = sub.i64 n, 1\n"
    "  r = call @is_odd(m)\n"
    "  ret r\n"
    "}\n"
    "func @is_odd(n: i64) -> i32 {\n"
    "entry:\n"
    "  z = icmp.eq n, 0\n"
    "  cbr z, yes, no\n"
    "yes:\n"
    "  ret 0\n"
    "no:\n"
    "  m = sub.i64 n, 1\n"
    "  r = call @is_even(m)\n"
    "  ret r\n"
    "}\n";

static void test_recursion(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  armjit_module *m = mch_parse(ctx, rec_text);
  armjit_mcode *c = mch_load(m);
  static const int32_t fib[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610};
  for (int n = 0; n < 16; n++) {
    armjit_mval a = mch_i32(n);
    assert_int_equal(mch_check(c, m, "fib", &a, 1).i32, fib[n]);
  }
  for (int i = 0; i <= 3; i++)
    for (int j = 0; j <= 3; j++) {
      armjit_mval a[2] = {mch_i32(i), mch_i32(j)};
      mch_check(c, m, "ack", a, 2);
    }
  armjit_mval a[2] = {mch_i32(2), mch_i32(3)};
  assert_int_equal(mch_call(c, m, "ack", a, 2).i32, 9);
  for (int64_t n = 0; n < 40; n += 7) {
    armjit_mval x = mch_i64(n);
    assert_int_equal(mch_check(c, m, "is_even", &x, 1).i32, n % 2 == 0);
  }
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}


/* Loading: an extern nobody registered, and a full code arena. */
static void test_load_errors(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  armjit_module *m = mch_parse(ctx,
                               "extern @nothere(i32) -> i32\n"
                               "func @g(a: i32) -> i32 {\nentry:\n  r = call @nothere(a)\n  ret r\n}\n");
  armjit_error err;
  assert_null(armjit_module_load(m, &err));
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "nothere"));
  armjit_module_free(m);
  armjit_ctx_free(ctx);

  armjit_options o;
  memset(&o, 0, sizeof o);
  o.code_limit = 4096;
  ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  char *text = malloc(200000);
  assert_non_null(text);
  size_t n = (size_t)sprintf(text, "func @big(a: i32) -> i32 {\nentry:\n  v0 = add.i32 a, 1\n");
  for (int k = 1; k < 3000; k++) n += (size_t)sprintf(text + n, "  v%d = mul.i32 v%d, v%d\n", k, k - 1, k / 2);
  sprintf(text + n, "  ret v2999\n}\n");
  m = mch_parse(ctx, text);
  armjit_object *obj = armjit_module_compile(m, &err);
  assert_non_null(obj);
  assert_true(armjit_object_size(obj) > 4096);
  assert_null(armjit_object_load(obj, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  armjit_object_free(obj);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sum),
      cmocka_unit_test(test_recursion),
      cmocka_unit_test(test_load_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
