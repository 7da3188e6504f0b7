/* SPDX-License-Identifier: MIT */
/* `armjit mc image` (tools/cli_mc.c) in-process: the file it writes is the
 * linked .text of armjit_object_link with the same addresses and symbols,
 * --map lists sections, symbols and the chain, and its usage errors. */
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

static const char module_text[] =
    "extern @ext(i32) -> i32\n"
    "func @g(x: i32) -> i32 {\n"
    "entry:\n"
    "  y = call @ext(x)\n"
    "  ret y\n"
    "}\n"
    "func @f() -> ref {\n"
    "entry:\n"
    "  p = addr @g\n"
    "  ret p\n"
    "}\n";

static bool only_ext(void *ud, const char *name, uint32_t *addr) {
  (void)ud;
  if (strcmp(name, "ext") != 0) return false;
  *addr = 0x20001;
  return true;
}

static void test_image_file(void **state) {
  (void)state;
  char *mir = write_temp(module_text);
  char out[] = "/tmp/armjit_image_XXXXXX";
  int fd = mkstemp(out);
  assert_true(fd >= 0);
  close(fd);
  cli_result r = run_cli("mc", "image", mir, "--text", "0x8000", "--sym", "ext=0x20001", "--map",
                         "-o", out, NULL);
  if (r.rc) fail_msg("%s", r.err);
  assert_non_null(strstr(r.out, "section .text        0x00008000"));
  assert_non_null(strstr(r.out, "symbol  0x00008000 g\n"));
  size_t n;
  char *bin = slurp(out, &n);

  /* the same through the API */
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_module *m = armjit_module_parse(ctx, module_text, &err);
  assert_non_null(m);
  armjit_object *o = armjit_module_compile(m, &err);
  assert_non_null(o);
  armjit_link_options opt = {.text = 0x8000};
  assert_int_equal(armjit_object_link(o, &opt, only_ext, NULL, &err), ARMJIT_OK);
  size_t size;
  const void *text = armjit_object_section(o, ".text", NULL, &size);
  assert_int_equal(n, size);
  assert_memory_equal(bin, text, n);
  free(bin);
  free_result(&r);

  /* chained: the map shows the loader and the chained symbol */
  r = run_cli("mc", "image", mir, "--text", "0x8000", "--chain-fixups", "--map", "-o", out, NULL);
  if (r.rc) fail_msg("%s", r.err);
  assert_non_null(strstr(r.out, "__armjit_fixup"));
  assert_non_null(strstr(r.out, "chained 0 ext+0"));
  free_result(&r);

  /* errors */
  r = run_cli("mc", "image", mir, "--text", "0x8000", "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "symbol 'ext' is unresolved"));
  free_result(&r);
  r = run_cli("mc", "image", mir, "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "missing --text ADDR"));
  free_result(&r);
  r = run_cli("mc", "image", mir, "--text", "0x8000", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "missing -o OUT.bin"));
  free_result(&r);
  r = run_cli("mc", "image", mir, "--text", "zz", "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "--text needs an address, not 'zz'"));
  free_result(&r);
  char bad[] = "nothing";
  r = run_cli("mc", "image", mir, "--text", "0", "--sym", bad, "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "--sym needs NAME=ADDR"));
  free_result(&r);
  r = run_cli("mc", "image", mir, "--text", "0x8000", "--sym", "ext=1", "--section", ".vectors=0",
              "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "names '.vectors'"));
  free_result(&r);
  r = run_cli("mc", "image", "--help", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "objcopy -O binary"));
  free_result(&r);

  armjit_object_free(o);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  unlink(out);
  unlink(mir);
  free(mir);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_image_file)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
