/* SPDX-License-Identifier: MIT */
/* Data of loaded method-compiled code (ARM): armjit_object_load puts the
 * data in memory next to the code.  A module with counters (.data), a
 * table (.rodata), a buffer (.bss), a vtable of function addresses called
 * with call_ind, a word holding a C function's address, and a function in
 * a named section runs compiled and interpreted, call after call, with the
 * same results and the same data; the loaded data is reached by name.
 * Rodata in a code section lies between its functions. */
#include "arm_mc_harness.h"

static int32_t c_twice(int32_t x) { return 2 * x; }

static const char text[] =
    "extern @c_twice(i32) -> i32\n"
    "data @cnt data align 4 = [i32 5, i32 7]\n"
    "data @tab rodata align 4 = [i32 10, i32 20, i32 30, i32 40]\n"
    "data @buf bss align 8 size 16\n"
    "data @vt rodata = [@inc, @dbl, @c_twice]\n"
    "data @small local data align 1 = [i8 3, i16 0x1234]\n"
    "func @inc(x: i32) -> i32 local {\n"
    "entry:\n"
    "  y = add.i32 x, 1\n"
    "  ret y\n"
    "}\n"
    "func @dbl(x: i32) -> i32 section(\".fast\") {\n"
    "entry:\n"
    "  c = addr @cnt\n"
    "  k = load.i32 c, 0\n"
    "  y = add.i32 x, x\n"
    "  z = add.i32 y, k\n"
    "  ret z\n"
    "}\n"
    "func @step(i: i32) -> i32 {\n"
    "entry:\n"
    "  j = and.i32 i, 3\n"
    "  p = addr @tab\n"
    "  v = load.i32 p, j, 2, 0\n"
    "  c = addr @cnt\n"
    "  x = load.i32 c, 4\n"
    "  y = add.i32 v, x\n"
    "  store.i32 c, 4, y\n"
    "  b = addr @buf\n"
    "  store.i32 b, 8, y\n"
    "  k = urem.i32 i, 3\n"
    "  t = addr @vt\n"
    "  fp = load.ref t, k, 2, 0\n"
    "  r = call_ind.i32 fp(y)\n"
    "  s = addr @small\n"
    "  h = load.u16 s, 1\n"
    "  q = add.i32 r, h\n"
    "  ret q\n"
    "}\n"
    "func @via_fast(x: i32) -> i32 {\n"
    "entry:\n"
    "  r = call @dbl(x)\n"
    "  ret r\n"
    "}\n";

static void test_loaded_data(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "c_twice", (uintptr_t)&c_twice), ARMJIT_OK);
  armjit_module *m = mch_parse(ctx, text);
  armjit_error err;
  armjit_mcode *code = armjit_module_load(m, &err);
  if (!code) fail_msg("%s", err.msg);
  int32_t (*step)(int32_t) = (int32_t (*)(int32_t))(uintptr_t)armjit_mcode_symbol(code, "step");
  int32_t (*via)(int32_t) = (int32_t (*)(int32_t))(uintptr_t)armjit_mcode_symbol(code, "via_fast");
  int32_t *cnt = armjit_mcode_symbol(code, "cnt");
  const uint32_t *vt = armjit_mcode_symbol(code, "vt");
  const int32_t *buf = armjit_mcode_symbol(code, "buf");
  assert_true(step && via && cnt && vt && buf);
  assert_int_equal((uintptr_t)buf % 8, 0);
  assert_int_equal(cnt[0], 5);
  assert_int_equal(cnt[1], 7);
  assert_int_equal(vt[0], (uint32_t)(uintptr_t)armjit_mcode_symbol(code, "inc"));
  assert_int_equal(vt[1], (uint32_t)(uintptr_t)armjit_mcode_symbol(code, "dbl"));
  assert_int_equal(vt[2], (uint32_t)(uintptr_t)&c_twice);
  for (int32_t i = 0; i < 12; i++) {
    armjit_mval a = {.i32 = i}, want;
    if (armjit_mc_interpret(m, "step", &a, 1, &want, NULL, &err) != ARMJIT_OK)
      fail_msg("interpret: %s", err.msg);
    int32_t got = step(i);
    assert_int_equal(got, want.i32);
    const int32_t *icnt = armjit_mc_interp_data(m, "cnt"), *ibuf = armjit_mc_interp_data(m, "buf");
    assert_memory_equal(icnt, cnt, 8);
    assert_memory_equal(ibuf, buf, 16);
  }
  /* a call into the named section; the data it reads */
  cnt[0] = 100;
  assert_int_equal(via(4), 108);
  armjit_mcode_free(code);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* An extern the data names must be known before loading. */
static void test_unknown_extern(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  armjit_module *m = mch_parse(ctx, "extern @nowhere()\ndata @p rodata = [@nowhere]\n"
                                    "func @f() -> ref {\nentry:\n  p = addr @p\n  ret p\n}\n");
  armjit_error err;
  assert_null(armjit_module_load(m, &err));
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "unresolved symbol 'nowhere'"));
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* Data in a code section: a table in .vec between two functions of it
 * (declaration order), 16-aligned, holding a function's and a data
 * word's address; a .rodata word holding the table's address.  Loaded,
 * the words hold the loaded addresses, the code reads the table by its
 * label, and the results equal the interpreter's. */
static const char vec_text[] =
    "data @cnt data align 4 = [i32 5, i32 7]\n"
    "func @first() -> i32 section(\".vec\") {\nentry:\n  ret 1\n}\n"
    "data @ftab rodata section(\".vec\") align 16 = [i32 3, @first, @cnt+4, i8 9]\n"
    "data @pt rodata = [@ftab+8]\n"
    "func @sum() -> i32 section(\".vec\") {\n"
    "entry:\n"
    "  t = addr @ftab\n"
    "  a = load.i32 t, 0\n"
    "  fp = load.ref t, 8\n"
    "  b = load.i32 fp, 0\n"
    "  c = load.u8 t, 12\n"
    "  f = load.ref t, 4\n"
    "  d = call_ind.i32 f()\n"
    "  x = add.i32 a, b\n"
    "  y = add.i32 x, c\n"
    "  z = add.i32 y, d\n"
    "  ret z\n"
    "}\n";

static void test_code_section_data(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  armjit_module *m = mch_parse(ctx, vec_text);
  armjit_error err;
  armjit_mcode *code = armjit_module_load(m, &err);
  if (!code) fail_msg("%s", err.msg);
  int32_t (*sum)(void) = (int32_t (*)(void))(uintptr_t)armjit_mcode_symbol(code, "sum");
  const uint32_t *ftab = armjit_mcode_symbol(code, "ftab"), *pt = armjit_mcode_symbol(code, "pt");
  const uint8_t *first = armjit_mcode_symbol(code, "first");
  int32_t *cnt = armjit_mcode_symbol(code, "cnt");
  assert_true(sum && ftab && pt && first && cnt);
  assert_int_equal((uintptr_t)ftab % 16, 0);
  assert_true((const uint8_t *)ftab > first && (const uint8_t *)ftab < (const uint8_t *)sum);
  assert_int_equal(ftab[0], 3);
  assert_int_equal(ftab[1], (uint32_t)(uintptr_t)first);
  assert_int_equal(ftab[2], (uint32_t)(uintptr_t)&cnt[1]);
  assert_int_equal(pt[0], (uint32_t)(uintptr_t)&ftab[2]);
  armjit_mval want;
  if (armjit_mc_interpret(m, "sum", NULL, 0, &want, NULL, &err) != ARMJIT_OK)
    fail_msg("interpret: %s", err.msg);
  assert_int_equal(want.i32, 3 + 7 + 9 + 1);
  assert_int_equal(sum(), want.i32);
  cnt[1] = 100;
  assert_int_equal(sum(), 3 + 100 + 9 + 1);
  armjit_mcode_free(code);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_loaded_data),
      cmocka_unit_test(test_unknown_extern),
      cmocka_unit_test(test_code_section_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
