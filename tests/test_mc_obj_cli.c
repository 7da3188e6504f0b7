/* SPDX-License-Identifier: MIT */
/* `armjit mc obj` (tools/cli_mc.c) in-process: the file it writes is
 * armjit_object_elf's for the same ABI and features, --gnu-stack adds the
 * note, and its errors (usage, bad module, unwritable output). */
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
    "}\n";

static bool has(const char *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0) return true;
  return false;
}

static void test_obj_file(void **state) {
  (void)state;
  char *mir = write_temp(module_text);
  char out[] = "/tmp/armjit_obj_XXXXXX";
  int fd = mkstemp(out);
  assert_true(fd >= 0);
  close(fd);
  for (int soft = 0; soft < 2; soft++) {
    cli_result r = run_cli("mc", "obj", mir, "--abi", soft ? "soft" : "hard", "--features",
                           "vfpv3,d32", "-o", out, NULL);
    if (r.rc) fail_msg("%s", r.err);
    free_result(&r);
    size_t n;
    char *file = slurp(out, &n);

    armjit_options opt;
    memset(&opt, 0, sizeof opt);
    opt.abi = soft ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD;
    opt.flags = ARMJIT_FEATURES_SET;
    opt.features = A32_FEAT_VFPV3 | A32_FEAT_D32;
    armjit_error err;
    armjit_ctx *ctx = armjit_ctx_new(&opt, &err);
    assert_non_null(ctx);
    armjit_module *m = armjit_module_parse(ctx, module_text, &err);
    assert_non_null(m);
    armjit_object *o = armjit_module_compile(m, &err);
    assert_non_null(o);
    size_t size;
    void *elf = armjit_object_elf(o, 0, &size, &err);
    assert_non_null(elf);
    assert_int_equal(size, n);
    assert_memory_equal(elf, file, n);
    assert_memory_equal(file, "\177ELF", 4);
    uint32_t flags;
    memcpy(&flags, file + 36, 4); /* e_flags, little-endian host assumed by the test */
    assert_int_equal(flags, soft ? 0x05000200u : 0x05000400u);
    assert_false(has(file, n, ".note.GNU-stack"));
    free(elf);
    free(file);
    armjit_object_free(o);
    armjit_module_free(m);
    armjit_ctx_free(ctx);
  }
  cli_result r = run_cli("mc", "obj", mir, "--gnu-stack", "-o", out, NULL);
  if (r.rc) fail_msg("%s", r.err);
  free_result(&r);
  size_t n;
  char *file = slurp(out, &n);
  assert_true(has(file, n, ".note.GNU-stack"));
  free(file);

  /* errors */
  r = run_cli("mc", "obj", mir, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "missing -o OUT.o"));
  free_result(&r);
  r = run_cli("mc", "obj", "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "missing FILE"));
  free_result(&r);
  r = run_cli("mc", "obj", mir, "--abi", "medium", "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "--abi is hard or soft, not 'medium'"));
  free_result(&r);
  r = run_cli("mc", "obj", mir, "--bogus", "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "unexpected argument '--bogus'"));
  free_result(&r);
  r = run_cli("mc", "obj", mir, "-o", "/nonexistent-dir/x.o", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "/nonexistent-dir/x.o: error: cannot write: No such file"));
  free_result(&r);
  r = run_cli("mc", "obj", "/nonexistent-dir/in.mir", "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "cannot open"));
  free_result(&r);
  char *bad = write_temp("func @f() -> i32 {\nentry:\n  ret nothing\n}\n");
  r = run_cli("mc", "obj", bad, "-o", out, NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, ":3:"));
  free_result(&r);
  unlink(bad);
  free(bad);
  r = run_cli("mc", "obj", "--help", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "ELF32 relocatable object"));
  free_result(&r);
  r = run_cli("mc", "--help", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "armjit mc obj FILE"));
  free_result(&r);

  unlink(out);
  unlink(mir);
  free(mir);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_obj_file)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
