/* SPDX-License-Identifier: MIT */
/* The optional dependencies, either way: with capstone, armjit_disasm and
 * armjit_loop_dis decode; without it (ARMJIT_WITH_CAPSTONE=OFF) they print
 * one line saying why and return ARMJIT_E_UNSUPPORTED.  With libffi the
 * interpreter makes `call`s; without it (ARMJIT_WITH_LIBFFI=OFF) it refuses
 * them with ARMJIT_E_UNSUPPORTED and a message naming the op, while
 * compiling the same trace still works.  TEST_WITH_CAPSTONE and
 * TEST_WITH_LIBFFI say how the library was built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "armjit.h"

/* What a FILE * received, as a string (caller frees). */
static char *captured(FILE *f) {
  long n = ftell(f);
  assert_true(n >= 0);
  char *s = calloc(1, (size_t)n + 1);
  assert_non_null(s);
  rewind(f);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  return s;
}

static void disasm_either_way(void **state) {
  (void)state;
  const uint32_t code[] = {0xe3a01000, /* mov r1, #0 */ 0xe12fff1e /* bx lr */};
  FILE *f = tmpfile();
  assert_non_null(f);
  armjit_status st = armjit_disasm(code, sizeof code, 0x1000, f);
  char *out = captured(f);
  fclose(f);
#if TEST_WITH_CAPSTONE
  assert_int_equal(st, ARMJIT_OK);
  assert_non_null(strstr(out, "00001000: e3a01000  mov r1, #0"));
  assert_non_null(strstr(out, "00001004: e12fff1e  bx lr"));
#else
  assert_int_equal(st, ARMJIT_E_UNSUPPORTED);
  assert_non_null(strstr(out, "built without capstone"));
  assert_null(strstr(out, "mov"));
#endif
  free(out);
}

static int32_t twice_plus_one(int32_t x) { return 2 * x + 1; }

static const char *const call_trace = "descr C = call(args=[int], result=int)\n"
                                      "[p0, i1]\n"
                                      "i2 = call(p0, i1, descr=C)\n"
                                      "finish(i2)\n";

static void interpreter_calls_either_way(void **state) {
  (void)state;
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e);
  assert_non_null(ctx);
  armjit_trace *t = armjit_trace_parse(ctx, call_trace, &e);
  assert_non_null(t);
  armjit_frame *f = armjit_frame_new(ctx, 2);
  assert_non_null(f);
  f->values[0].r = (uintptr_t)&twice_plus_one;
  f->values[1].i = 20;
  memset(&e, 0, sizeof e);
  armjit_status st = armjit_interpret(t, f, 0, &e);
#if TEST_WITH_LIBFFI
  assert_int_equal(st, ARMJIT_OK);
  assert_int_equal(f->nvalues, 1);
  assert_int_equal(f->values[0].i, 41);
#else
  assert_int_equal(st, ARMJIT_E_UNSUPPORTED);
  assert_int_equal(e.code, ARMJIT_E_UNSUPPORTED);
  assert_non_null(strstr(e.msg, "call"));
  assert_non_null(strstr(e.msg, "libffi"));
#endif
  /* Compiling needs neither (code generation is plain C). */
  armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
  assert_non_null(loop);
  FILE *out = tmpfile();
  assert_non_null(out);
  st = armjit_loop_dis(loop, out);
  char *text = captured(out);
  fclose(out);
#if TEST_WITH_CAPSTONE
  assert_int_equal(st, ARMJIT_OK);
  assert_non_null(strstr(text, "# i2 = call("));
#else
  assert_int_equal(st, ARMJIT_E_UNSUPPORTED);
  assert_non_null(strstr(text, "built without capstone"));
#endif
  free(text);
  armjit_loop_free(loop);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(disasm_either_way),
      cmocka_unit_test(interpreter_calls_either_way),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
