/* SPDX-License-Identifier: MIT */
/* `armjit mc` (tools/cli_mc.c) driven in-process: run (compiled, and the
 * same output with --interp), dis, print, buffers as arguments, and the
 * errors (file:line:col, argument counts and types, unknown functions,
 * usage).  Expected output comes from the library (printer, interpreter). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armjit/mc.h"
#include "cli_run.h"

#define SUM ARMJIT_SOURCE_DIR "/examples/mc/sum.mir"

static void test_run(void **state) {
  (void)state;
  cli_result c = run_cli("mc", "run", SUM, "--call", "fib", "20", NULL);
  cli_result i = run_cli("mc", "run", SUM, "--call", "fib", "20", "--interp", NULL);
  assert_int_equal(c.rc, 0);
  assert_int_equal(i.rc, 0);
  assert_string_equal(c.out, "6765\n");
  assert_string_equal(c.out, i.out);
  free_result(&c);
  free_result(&i);
  /* an array object in a buffer: length 5 at offset 0, the ints from 8 */
  c = run_cli("mc", "run", SUM, "--alloc", "a=32:i32:5,0,1,2,3,4,5", "--call", "sum", "a+8", "5", NULL);
  assert_int_equal(c.rc, 0);
  assert_string_equal(c.out, "15\n");
  free_result(&c);
  /* random allocation and no IDIV print the same */
  c = run_cli("mc", "run", SUM, "--call", "fib", "15", "--random-ra", "7", "--no-idiv", NULL);
  assert_int_equal(c.rc, 0);
  assert_string_equal(c.out, "610\n");
  free_result(&c);
}

static const char typed[] =
    "func @mix(a: i64, b: f32, c: f64, d: ref) -> f64 {\n"
    "entry:\n"
    "  x = sitofp.f64 a\n"
    "  y = fext b\n"
    "  s = fadd.f64 x, y\n"
    "  t = fmul.f64 s, c\n"
    "  ret t\n"
    "}\n"
    "func @wide(a: i64) -> i64 {\n"
    "entry:\n"
    "  r = mul.i64 a, -3\n"
    "  ret r\n"
    "}\n"
    "func @nothing(a: i32) {\n"
    "entry:\n"
    "  ret\n"
    "}\n";

static void test_types(void **state) {
  (void)state;
  char *path = write_temp(typed);
  const char *const variants[2] = {NULL, "--interp"};
  for (int v = 0; v < 2; v++) {
    cli_result r = run_cli("mc", "run", path, "--call", "mix", "-7", "0.5", "2.25", "0x1000",
                           variants[v], NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "-14.625\n");
    free_result(&r);
    r = run_cli("mc", "run", path, "--call", "wide", "3000000000", variants[v], NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "-9000000000\n");
    free_result(&r);
    r = run_cli("mc", "run", path, "--call", "nothing", "1", variants[v], NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "(void)\n");
    free_result(&r);
  }
  unlink(path);
  free(path);
}

static void test_print_and_dis(void **state) {
  (void)state;
  /* print: what the library prints for the parsed module */
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e);
  char *text = slurp(SUM, NULL);
  armjit_module *m = armjit_module_parse(ctx, text, &e);
  assert_non_null(m);
  char *want = armjit_module_to_string(m);
  assert_non_null(want);
  cli_result r = run_cli("mc", "print", SUM, NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, want);
  free_result(&r);
  free(want);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(text);
  /* dis: every function, the prologue, each op's IR before its code */
  r = run_cli("mc", "dis", SUM, NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "# target: "));
  assert_non_null(strstr(r.out, "@sum: "));
  assert_non_null(strstr(r.out, "@fib: "));
  assert_non_null(strstr(r.out, "  # prologue\n"));
  assert_non_null(strstr(r.out, "  # x = call @fib(a)\n"));
  assert_non_null(strstr(r.out, "  # i6 = load.i32 p0, i2, 2, 0\n"));
  assert_non_null(strstr(r.out, "push {"));
  assert_non_null(strstr(r.out, "pop {"));
  assert_non_null(strstr(r.out, "ldr"));
  free_result(&r);
  /* another ABI and CPU: soft-float, no IDIV */
  r = run_cli("mc", "dis", SUM, "--abi", "soft", "--features", "vfpv3", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "# target: soft-float ABI, features: vfpv3,"));
  free_result(&r);
}

static void test_errors(void **state) {
  (void)state;
  char *bad = write_temp("func @f(a: i32) -> i32 {\nentry:\n  r = add.i32 a, q\n  ret r\n}\n");
  cli_result r = run_cli("mc", "run", bad, "--call", "f", "1", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, ":3:"));
  assert_non_null(strstr(r.err, "error:"));
  free_result(&r);
  unlink(bad);
  free(bad);
  r = run_cli("mc", "run", SUM, "--call", "fib", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "@fib takes 1 argument, --call gave 0"));
  free_result(&r);
  r = run_cli("mc", "run", SUM, "--call", "fib", "x7", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "argument 1 of @fib: 'x7' is no i32"));
  free_result(&r);
  r = run_cli("mc", "run", SUM, "--call", "nope", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "no function @nope"));
  free_result(&r);
  r = run_cli("mc", "run", SUM, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "missing --call NAME"));
  free_result(&r);
  r = run_cli("mc", "frob", SUM, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "unknown command 'frob'"));
  free_result(&r);
  r = run_cli("mc", "run", "/nonexistent/x.mir", "--call", "f", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "cannot open"));
  free_result(&r);
  r = run_cli("mc", "dis", SUM, "--abi", "medium", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "--abi is hard or soft"));
  free_result(&r);
  r = run_cli("mc", "--help", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "usage: armjit mc run FILE"));
  free_result(&r);
  r = run_cli("--help", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "armjit mc run|dis|print"));
  free_result(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_run),
      cmocka_unit_test(test_types),
      cmocka_unit_test(test_print_and_dis),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
