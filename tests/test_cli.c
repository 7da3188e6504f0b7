/* SPDX-License-Identifier: MIT */
/* The armjit CLI (tools/cli.c) driven in-process: output formats, exit
 * status, error messages with file:line:col.  Expected output is derived
 * from the library API (parser errors, interpreter results, printer), and
 * on ARM compiled runs must print exactly what --interp prints. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "cli.h"

#ifndef ARMJIT_SOURCE_DIR
#error "ARMJIT_SOURCE_DIR must name the source tree"
#endif
#define EXAMPLE(name) ARMJIT_SOURCE_DIR "/examples/traces/" name

typedef struct {
  int rc;
  char *out, *err;
} cli_result;

/* Run the CLI on a NULL-terminated argument list. */
static cli_result run_cli(const char *arg0, ...) {
  char *argv[32];
  int argc = 0;
  argv[argc++] = "armjit";
  va_list ap;
  va_start(ap, arg0);
  for (const char *a = arg0; a; a = va_arg(ap, const char *)) argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  cli_result r;
  size_t no, ne;
  FILE *out = open_memstream(&r.out, &no), *err = open_memstream(&r.err, &ne);
  assert_non_null(out);
  assert_non_null(err);
  r.rc = armjit_cli_main(argc, argv, out, err);
  fclose(out);
  fclose(err);
  return r;
}

static void free_result(cli_result *r) {
  free(r->out);
  free(r->err);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  return s;
}

static char *write_temp(const char *text) {
  static const char tmpl[] = "/tmp/armjit_cli_XXXXXX";
  char *path = malloc(sizeof tmpl);
  assert_non_null(path);
  memcpy(path, tmpl, sizeof tmpl);
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  return path;
}

static void test_help(void **state) {
  (void)state;
  cli_result r = run_cli("--help", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "usage: armjit run FILE"));
  assert_string_equal(r.err, "");
  free_result(&r);
}

static void test_usage_errors(void **state) {
  (void)state;
  const char *cases[][5] = {
      {NULL},                                  /* no command */
      {"frobnicate", EXAMPLE("count.ir"), NULL},
      {"run", NULL},                           /* no FILE */
      {"run", EXAMPLE("count.ir"), "--bogus", NULL},
      {"run", "a.ir", "b.ir", NULL},
      {"run", EXAMPLE("count.ir"), "--random-ra", NULL},
      {"run", EXAMPLE("count.ir"), "--random-ra", "x1", NULL},
      {"print", EXAMPLE("count.ir"), "--interp", NULL},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    cli_result r = run_cli(cases[k][0], cases[k][1], cases[k][2], cases[k][3], cases[k][4], NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "armjit: error: "));
    free_result(&r);
  }
}

static void test_missing_file(void **state) {
  (void)state;
  cli_result r = run_cli("run", "no/such/file.ir", "--interp", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "no/such/file.ir: error: cannot open"));
  free_result(&r);
}

/* The message is the parser's, at the parser's line and column. */
static void test_syntax_error_position(void **state) {
  (void)state;
  const char *text = "# a comment\n[i0]\ni1 = int_add(i0, 1)\ni2 = int_frob(i1)\nfinish(i2)\n";
  char *path = write_temp(text);
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  armjit_error e;
  assert_null(armjit_trace_parse(ctx, text, &e));
  assert_int_equal(e.line, 4);
  char want[512];
  snprintf(want, sizeof want, "%s:%d:%d: error: %s\n", path, e.line, e.col, e.msg);
  cli_result r = run_cli("print", path, NULL);
  assert_int_equal(r.rc, 1);
  assert_string_equal(r.out, "");
  assert_string_equal(r.err, want);
  free_result(&r);
  /* A validation error (undefined variable) is located too. */
  FILE *f = fopen(path, "w");
  fputs("[i0]\ni1 = int_add(i0, i7)\nfinish(i1)\n", f);
  fclose(f);
  r = run_cli("run", path, "--interp", "--args", "1", NULL);
  assert_int_equal(r.rc, 1);
  snprintf(want, sizeof want, "%s:2:", path);
  assert_memory_equal(r.err, want, strlen(want));
  free_result(&r);
  remove(path);
  free(path);
  armjit_ctx_free(ctx);
}

static void test_print(void **state) {
  (void)state;
  char *text = slurp(EXAMPLE("guard_exit.ir"));
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  armjit_trace *t = armjit_trace_parse(ctx, text, NULL);
  assert_non_null(t);
  char *want = armjit_trace_to_string(t);
  cli_result r = run_cli("print", EXAMPLE("guard_exit.ir"), NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, want);
  free_result(&r);
  free(want);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  free(text);
}

/* count.ir's result through the API: exit id, name, and int values. */
static char *expected_count(int32_t start, int32_t limit, int32_t sum) {
  char *text = slurp(EXAMPLE("count.ir"));
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  armjit_trace *t = armjit_trace_parse(ctx, text, NULL);
  assert_non_null(t);
  armjit_frame *f = armjit_frame_new(ctx, 8);
  f->values[0].i = start;
  f->values[1].i = limit;
  f->values[2].i = sum;
  assert_int_equal(armjit_interpret(t, f, 0, NULL), ARMJIT_OK);
  armjit_exit_info info;
  assert_int_equal(armjit_trace_exit_info(t, f->exit_id, &info), ARMJIT_OK);
  char *buf = malloc(512);
  int n = snprintf(buf, 512, "exit %d (%s %s)\n", f->exit_id,
                   info.kind == ARMJIT_EXIT_GUARD ? "guard" : "finish", info.name);
  for (unsigned k = 0; k < info.nvalues; k++) {
    assert_int_equal(info.types[k], ARMJIT_INT);
    n += snprintf(buf + n, 512 - (size_t)n, "i%u = %d\n", k, f->values[k].i);
  }
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  free(text);
  return buf;
}

static void test_run_interp(void **state) {
  (void)state;
  /* Values from the file's '# args:' line (0 10 0). */
  char *want = expected_count(0, 10, 0);
  cli_result r = run_cli("run", EXAMPLE("count.ir"), "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.err, "");
  assert_string_equal(r.out, want);
  free_result(&r);
  free(want);
  /* --args overrides them; negative and hex values are values. */
  want = expected_count(-5, 0x10, 100);
  r = run_cli("run", EXAMPLE("count.ir"), "--args", "-5", "0x10", "100", "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, want);
  free_result(&r);
  free(want);
}

static void test_bad_args(void **state) {
  (void)state;
  const char *counts[][5] = {
      {"--args", NULL},
      {"--args", "1", "2", NULL},
      {"--args", "1", "2", "3", "4"},
  };
  for (size_t k = 0; k < 3; k++) {
    cli_result r = run_cli("run", EXAMPLE("count.ir"), "--interp", counts[k][0], counts[k][1],
                           counts[k][2], counts[k][3], counts[k][4], NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "the trace takes 3 input values (int, int, int)"));
    free_result(&r);
  }
  const char *bad[] = {"x", "1.5", "4294967296", "-2147483649", "", "0x", " 1"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    cli_result r = run_cli("run", EXAMPLE("count.ir"), "--interp", "--args", "1", bad[k], "3",
                           NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "is not a valid int"));
    free_result(&r);
  }
  cli_result r = run_cli("run", EXAMPLE("float_loop.ir"), "--interp", "--args", "1", "2",
                         "one", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "input 2 'one' (from --args) is not a valid float"));
  free_result(&r);
}

static void test_dis(void **state) {
  (void)state;
  cli_result r = run_cli("dis", EXAMPLE("count.ir"), NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.err, "");
  assert_true(strlen(r.out) > 0);
  free_result(&r);
}

/* Compiled runs print what the interpreter prints, in every mode. */
static void test_run_compiled_matches_interp(void **state) {
  (void)state;
  const char *files[] = {EXAMPLE("count.ir"), EXAMPLE("float_loop.ir"),
                         EXAMPLE("guard_exit.ir")};
  for (size_t k = 0; k < 3; k++) {
    cli_result ri = run_cli("run", files[k], "--interp", NULL);
    assert_int_equal(ri.rc, 0);
#if defined(__arm__)
    const char *modes[][2] = {{NULL, NULL}, {"--no-idiv", NULL}, {"--random-ra", "7"}};
    for (size_t m = 0; m < 3; m++) {
      cli_result rc = run_cli("run", files[k], modes[m][0], modes[m][1], NULL);
      assert_int_equal(rc.rc, 0);
      assert_string_equal(rc.out, ri.out);
      free_result(&rc);
    }
#else
    /* Off ARM the compiled code cannot run: a clear error, status 1. */
    cli_result rc = run_cli("run", files[k], NULL);
    assert_int_equal(rc.rc, 1);
    assert_string_equal(rc.out, "");
    assert_true(strlen(rc.err) > 0);
    free_result(&rc);
#endif
    free_result(&ri);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_syntax_error_position),
      cmocka_unit_test(test_print),
      cmocka_unit_test(test_run_interp),
      cmocka_unit_test(test_bad_args),
      cmocka_unit_test(test_dis),
      cmocka_unit_test(test_run_compiled_matches_interp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
