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
/* traces that need the CLI's buffers and built-in symbols */
#define CLI_EXAMPLE(name) ARMJIT_SOURCE_DIR "/examples/cli/" name
#define BRIDGE_EXAMPLE(name) ARMJIT_SOURCE_DIR "/examples/bridges/" name
#define GC_EXAMPLE(name) ARMJIT_SOURCE_DIR "/examples/gc/" name

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
  /* The message, then the offending line and a caret under the column. */
  snprintf(want, sizeof want, "%s:%d:%d: error: %s\n    4 | i2 = int_frob(i1)\n      | %*s^\n",
           path, e.line, e.col, e.msg, e.col - 1, "");
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
    /* "[position] variable = value": count.ir's lists name variables */
    armjit_val src = armjit_trace_exit_value(t, f->exit_id, k);
    assert_true(src >= 0);
    n += snprintf(buf + n, 512 - (size_t)n, "[%u] i%d = %d\n", k, src, f->values[k].i);
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

/* i64 and f32 inputs from --args (decimal, hex, negative; an f32 rounded
 * from the decimal) and their values printed back: i64s in decimal, f32s
 * as the shortest decimal of the single. */
static void test_run_wide(void **state) {
  (void)state;
  char *path = write_temp("[l0, s1, l2]\n"
                          "l3 = llong_add(l0, l2)\n"
                          "f4 = cast_singlefloat_to_float(s1)\n"
                          "finish(l3, s1, f4, f32(-0.0), i64(-9223372036854775808))\n");
  cli_result r = run_cli("run", path, "--interp", "--args", "0x7fffffffffffffff", "0.1", "1",
                         NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.err, "");
  assert_string_equal(r.out, "exit 0 (finish)\n"
                             "[0] l3 = -9223372036854775808\n"
                             "[1] s1 = 0.1\n"
                             "[2] f4 = 0.10000000149011612\n"
                             "[3] -0.0 (constant)\n"
                             "[4] -9223372036854775808 (constant)\n");
  free_result(&r);
  r = run_cli("run", path, "--interp", "--args", "9223372036854775808", "0.1", "1", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "is not a valid i64"));
  free_result(&r);
  remove(path);
  free(path);
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

/* A trace of 400 distinct float constants (no VFP immediates): the
 * listing marks the islands past the pool's reach and prints their words
 * as data. */
static void test_dis_islands(void **state) {
  (void)state;
  size_t cap = 64 * 1024, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  n += (size_t)snprintf(text + n, cap - n, "[f0]\n");
  for (unsigned k = 0; k < 400; k++)
    n += (size_t)snprintf(text + n, cap - n, "f%u = float_mul(f%u, %.17g)\n", k + 1, k,
                          1.0 + (k + 1) / 997.0);
  snprintf(text + n, cap - n, "finish(f400)\n");
  char *path = write_temp(text);
  cli_result r = run_cli("dis", path, NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "# float constant pool ("));
  unsigned islands = 0;
  for (const char *p = r.out; (p = strstr(p, "# float constant island")); p++, islands++) {
    const char *line = strchr(p, '\n'), *end = line ? strchr(line + 1, '\n') : NULL;
    assert_non_null(end);
    const char *word = strstr(line, ".word 0x");
    assert_true(word && word < end);
  }
  assert_true(islands >= 5); /* 3.2 KB of constants, 32 doubles an island */
  remove(path);
  free(path);
  free(text);
  free_result(&r);
}

/* Compiled runs print what the interpreter prints, in every mode. */
static void test_run_compiled_matches_interp(void **state) {
  (void)state;
  const char *files[] = {EXAMPLE("count.ir"), EXAMPLE("float_loop.ir"),
                         EXAMPLE("guard_exit.ir"), CLI_EXAMPLE("array_sum.ir"),
                         CLI_EXAMPLE("divide.ir")};
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
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
    /* Off ARM the compiled code cannot run: a clear error, status 1,
     * that says how to run it instead. */
    cli_result rc = run_cli("run", files[k], NULL);
    assert_int_equal(rc.rc, 1);
    assert_string_equal(rc.out, "");
    assert_non_null(strstr(rc.err, "compiled code runs only on ARM"));
    assert_non_null(strstr(rc.err, "--interp"));
    assert_non_null(strstr(rc.err, "qemu-arm -L /usr/arm-linux-gnueabihf"));
    free_result(&rc);
#endif
    free_result(&ri);
  }
}

/* `help COMMAND`, `COMMAND --help` and --version. */
static void test_command_help(void **state) {
  (void)state;
  const char *cmds[] = {"run", "dis", "print", "symbols", "help"};
  for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
    char want[64];
    snprintf(want, sizeof want, "usage: armjit %s", cmds[k]);
    cli_result a = run_cli("help", cmds[k], NULL);
    cli_result b = run_cli(cmds[k], "--help", NULL);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    assert_memory_equal(a.out, want, strlen(want));
    assert_string_equal(a.out, b.out);
    assert_string_equal(a.err, "");
    free_result(&a);
    free_result(&b);
  }
  cli_result r = run_cli("help", "frobnicate", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "armjit: error: "));
  free_result(&r);
  r = run_cli("help", "run", NULL);
  assert_non_null(strstr(r.out, "--alloc NAME=SPEC"));
  assert_non_null(strstr(r.out, "--max-steps N"));
  free_result(&r);
  r = run_cli("help", "dis", NULL);
  assert_non_null(strstr(r.out, "--abi hard|soft"));
  assert_non_null(strstr(r.out, "--features LIST"));
  free_result(&r);
  r = run_cli("--version", NULL);
  assert_int_equal(r.rc, 0);
  char want[64];
  snprintf(want, sizeof want, "armjit %s\n", armjit_version());
  assert_memory_equal(r.out, want, strlen(want));
  free_result(&r);
}

/* Every built-in function is listed with a descriptor that parses and is
 * registered under its name; the objects are too. */
static void test_symbols(void **state) {
  (void)state;
  cli_result r = run_cli("symbols", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.err, "");
  const char *names[] = {"abs", "memset", "memcpy", "memmove", "strlen", "fputc",
                         "print_int", "checked_div", "armjit_raise", "out", "ctx"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    char want[64];
    snprintf(want, sizeof want, "\n  %s ", names[k]);
    assert_non_null(strstr(r.out, want));
  }
  unsigned ndescr = 0;
  const char *objects = strstr(r.out, "\nObjects:");
  assert_non_null(objects);
  for (const char *p = strstr(r.out, "call("); p && p < objects; p = strstr(p + 1, "call(")) {
    const char *end = strstr(p, ")  ");
    assert_non_null(end);
    char text[256];
    snprintf(text, sizeof text, "descr D = %.*s\n[]\nfinish()\n", (int)(end + 1 - p), p);
    armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
    armjit_error e;
    armjit_trace *t = armjit_trace_parse(ctx, text, &e);
    if (!t) fail_msg("%s: %s", text, e.msg);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
    ndescr++;
  }
  assert_true(ndescr >= 10);
  /* A trace may name any of them: sym(NAME) resolves. */
  char *path = write_temp("descr P = call(args=[ref, int])\n[i0]\n"
                          "call(sym(print_int), sym(out), i0, descr=P)\n"
                          "p1 = same_as(sym(abs))\np2 = same_as(sym(ctx))\nfinish(i0)\n");
  r.rc = 0;
  free_result(&r);
  r = run_cli("print", path, NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "call(sym(print_int), sym(out), i0, descr=P)"));
  free_result(&r);
  r = run_cli("run", path, "--interp", "--args", "-42", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, "-42\nexit 0 (finish)\n[0] i0 = -42\n");
  free_result(&r);
  remove(path);
  free(path);
}

/* array_sum.ir: the '# alloc:' buffers, the ref input by symbol name, the
 * print_int calls and the '# dump:' line, against the same sums in C. */
static char *expected_array_sum(const int32_t *a, int n, int nsums) {
  char *buf = malloc(1024);
  int len = 0;
  int32_t sum = 0, sums[64] = {0};
  for (int k = 0; k < n; k++) {
    sum = (int32_t)((uint32_t)sum + (uint32_t)a[k]); /* wraps like int_add */
    sums[k] = sum;
    len += snprintf(buf + len, 1024 - (size_t)len, "%d\n", sum);
  }
  len += snprintf(buf + len, 1024 - (size_t)len,
                  "exit 0 (guard done)\n[0] i3 = %d\n[1] i2 = %d\ndump sums (%d bytes, i32):",
                  sum, n, nsums * 4);
  for (int k = 0; k < nsums; k++) len += snprintf(buf + len, 1024 - (size_t)len, " %d", sums[k]);
  snprintf(buf + len, 1024 - (size_t)len, "\n");
  return buf;
}

static void test_alloc_and_dump(void **state) {
  (void)state;
  const int32_t file_a[] = {3, 1, 4, 1, 5}; /* the file's '# alloc:' line */
  char *want = expected_array_sum(file_a, 5, 5);
  cli_result r = run_cli("run", CLI_EXAMPLE("array_sum.ir"), "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.err, "");
  assert_string_equal(r.out, want);
  free_result(&r);
  free(want);
  /* --alloc replaces the file's buffer of that name, keeps the others;
   * --args names it; --dump replaces the file's dumps. */
  const int32_t a2[] = {-7, 100000, 0x7fffffff, 2};
  r = run_cli("run", CLI_EXAMPLE("array_sum.ir"), "--interp", "--alloc",
              "a=32:i32:-7,100000,0x7fffffff,2", "--args", "a", "4", "--dump", "a:hex", "--dump",
              "sums:i32", NULL);
  assert_int_equal(r.rc, 0);
  want = expected_array_sum(a2, 4, 5);
  char *dump_a = strstr(r.out, "dump a (32 bytes):\n  00000000  f9 ff ff ff a0 86 01 00  "
                               "ff ff ff 7f 02 00 00 00\n  00000010  00 00 00 00");
  assert_non_null(dump_a);
  /* everything but the hex dump of a equals the C computation */
  char *dump_sums = strstr(r.out, "dump sums");
  assert_non_null(dump_sums);
  char *got = malloc(strlen(r.out) + 1);
  size_t head = (size_t)(dump_a - r.out);
  memcpy(got, r.out, head);
  strcpy(got + head, dump_sums);
  /* the wrapped sum is what a 32-bit add gives */
  assert_non_null(strstr(want, "\n-2147383656\n"));
  assert_string_equal(got, want);
  free(got);
  free(want);
  free_result(&r);
  /* Formats: u8, i8, u16, i16, u32, f64, str. */
  char *path = write_temp("# alloc: b=u8:1,255,0x80,0 f=f64:1.5,-0.0 s=str:Hi\\there\n"
                          "[]\nfinish()\n");
  r = run_cli("run", path, "--interp", "--dump", "b", "--dump", "b:u8", "--dump", "b:i8",
              "--dump", "b:u16",
              "--dump", "b:i16", "--dump", "b:u32", "--dump", "b:i32", "--dump", "f:f64",
              "--dump", "s:str", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, "exit 0 (finish)\n"
                             "dump b (4 bytes):\n  00000000  01 ff 80 00\n"
                             "dump b (4 bytes, u8): 1 255 128 0\n"
                             "dump b (4 bytes, i8): 1 -1 -128 0\n"
                             "dump b (4 bytes, u16): 65281 128\n"
                             "dump b (4 bytes, i16): -255 128\n"
                             "dump b (4 bytes, u32): 8453889\n"
                             "dump b (4 bytes, i32): 8453889\n"
                             "dump f (16 bytes, f64): 1.5 -0.0\n"
                             "dump s (9 bytes, str): \"Hi\\\\there\"\n");
  free_result(&r);
  remove(path);
  free(path);
}

static void test_alloc_errors(void **state) {
  (void)state;
  const char *bad[][2] = {
      {"a", "is not NAME=SPEC"},
      {"=8", "is not NAME=SPEC"},
      {"a=0", "size '0' is not 1 .."},
      {"a=999999999999", "is not 1 .."},
      {"a=8:q32:1", "expected TYPE:VALUES"},
      {"a=8:i32", "expected TYPE:VALUES"},
      {"a=4:i32:1,2", "the values need 8 bytes, the buffer has 4"},
      {"a=u8:256", "'256' is not a valid u8"},
      {"a=i8:-129", "'-129' is not a valid i8"},
      {"a=i16:1,,2", "'' is not a valid i16"},
      {"a=f64:x", "'x' is not a valid f64"},
      {"abs=8", "the name is taken"},
      {"1a=8", "not a C identifier"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    cli_result r = run_cli("run", EXAMPLE("count.ir"), "--interp", "--alloc", bad[k][0], NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out, "");
    if (!strstr(r.err, bad[k][1])) fail_msg("--alloc %s: %s", bad[k][0], r.err);
    free_result(&r);
  }
  cli_result r = run_cli("run", EXAMPLE("count.ir"), "--interp", "--dump", "nope", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "--dump nope: no --alloc buffer has that name"));
  free_result(&r);
  r = run_cli("run", EXAMPLE("count.ir"), "--interp", "--alloc", "x=4", "--dump", "x:q", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "unknown format"));
  free_result(&r);
  /* A ref input that is neither an address nor a symbol. */
  r = run_cli("run", CLI_EXAMPLE("array_sum.ir"), "--interp", "--args", "nosuch", "1", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "input 0 'nosuch' (from --args) is not a valid ref"));
  free_result(&r);
}

/* A helper that raises: the guard exit, then the pending exception. */
static void test_exception_from_helper(void **state) {
  (void)state;
  int32_t sum = 0, d = 3;
  for (; d != 0; d--) sum += 1000 / d;
  char want[256];
  snprintf(want, sizeof want,
           "exit 0 (guard raised)\n[0] i1 = %d\n[1] i2 = %d\npending exception: 0x1\n", d, sum);
  cli_result r = run_cli("run", CLI_EXAMPLE("divide.ir"), "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, want);
  free_result(&r);
}

/* guard_exit.ir lists [i1, i0, 1.0]: positions, variables, a constant. */
static void test_exit_value_sources(void **state) {
  (void)state;
  /* the API the CLI prints from */
  char *text = slurp(EXAMPLE("guard_exit.ir"));
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  armjit_trace *t = armjit_trace_parse(ctx, text, NULL);
  assert_non_null(t);
  assert_int_equal(armjit_trace_exit_value(t, 0, 0), 1);
  assert_int_equal(armjit_trace_exit_value(t, 0, 1), 0);
  armjit_val c = armjit_trace_exit_value(t, 0, 2);
  assert_true(c < 0 && c != ARMJIT_NOVAL);
  assert_int_equal(armjit_val_type(t, c), ARMJIT_FLOAT);
  assert_int_equal(armjit_trace_exit_value(t, 1, 0), 0); /* overflow: [i0, i1] */
  assert_int_equal(armjit_trace_exit_value(t, 0, 3), ARMJIT_NOVAL);
  assert_int_equal(armjit_trace_exit_value(t, 2, 0), ARMJIT_NOVAL);
  assert_int_equal(armjit_trace_exit_value(t, -1, 0), ARMJIT_NOVAL);
  assert_int_equal(armjit_trace_exit_value(NULL, 0, 0), ARMJIT_NOVAL);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  free(text);
  cli_result r = run_cli("run", EXAMPLE("guard_exit.ir"), "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, "exit 0 (guard reached_one)\n[0] i1 = 111\n[1] i0 = 1\n"
                             "[2] 1.0 (constant)\n");
  free_result(&r);
}

/* --max-steps limits the interpreter and is refused for compiled runs. */
static void test_max_steps(void **state) {
  (void)state;
  char *path = write_temp("[i0]\nlabel(i0, descr=L)\ni1 = int_add(i0, 1)\njump(i1, descr=L)\n");
  cli_result r = run_cli("run", path, "--interp", "--max-steps", "1000", "--args", "0", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "step limit of 1000 ops exceeded"));
  free_result(&r);
  r = run_cli("run", path, "--max-steps", "1000", "--args", "0", NULL);
  assert_int_equal(r.rc, 1);
  assert_string_equal(r.out, "");
  assert_non_null(strstr(r.err, "--max-steps limits the interpreter (--interp)"));
  free_result(&r);
  remove(path);
  free(path);
}

/* --max-iterations stops an endless loop (compiled on ARM, and interpreted)
 * with the label's values, and a trace that does not resume is refused;
 * --counters prints the compiled loop's counts. */
static void test_max_iterations(void **state) {
  (void)state;
  char *path = write_temp("[i0, i1]\nlabel(i0, i1, descr=L)\ni2 = int_add(i0, 1)\n"
                          "i3 = int_add(i1, i2)\njump(i2, i3, descr=L)\n");
  static const char want[] = "exit 0 (interrupt) after 1000 iterations: the label's values\n"
                             "[0] 1000\n[1] 500500\n";
  cli_result r = run_cli("run", path, "--interp", "--max-iterations", "1000", "--args", "0",
                         "0", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, want);
  free_result(&r);
#if defined(__arm__)
  r = run_cli("run", path, "--max-iterations", "1000", "--counters", "--args", "0", "0", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, want));
  assert_non_null(strstr(r.out, "entries 1000, label 0 1000\n"));
  free_result(&r);
#endif
  r = run_cli("run", path, "--max-iterations", "0", "--args", "0", "0", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "--max-iterations needs a number above 0"));
  free_result(&r);
  remove(path);
  free(path);
  path = write_temp("[i0]\ni1 = int_add(i0, 1)\nlabel(i1, descr=L)\ni2 = int_add(i1, 1)\n"
                    "jump(i2, descr=L)\n");
  r = run_cli("run", path, "--interp", "--max-iterations", "5", "--args", "0", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "must start with its label"));
  free_result(&r);
  remove(path);
  free(path);
}

/* A file's tokens call its own loop; recursion too deep for the stack ends
 * with the stack limit error instead of a crash. */
static void test_call_assembler_recursion(void **state) {
  (void)state;
  const char *path = EXAMPLE("sum_rec.ir");
  for (int compiled = 0; compiled < 2; compiled++) {
#if !defined(__arm__)
    if (compiled) break;
#endif
    const char *mode = compiled ? "--counters" : "--interp";
    cli_result r = run_cli("run", path, mode, "--args", "100", NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "exit 1 (finish)\n[0] i4 = 5050\n"));
    free_result(&r);
    r = run_cli("run", path, mode, "--args", "10000000", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "stack limit reached"));
    free_result(&r);
  }
}

/* In a file of several traces, token NAME calls the loop named NAME. */
static void test_call_assembler_set(void **state) {
  (void)state;
  char *path = write_temp("--- loop main\ndescr sq = token(args=[int], result=int)\n"
                          "[i0, i1]\nlabel(i0, i1, descr=L)\ni2 = int_gt(i0, 0)\n"
                          "guard_true(i2, descr=done) [i1]\ni3 = call_assembler(i0, descr=sq)\n"
                          "i4 = int_add(i1, i3)\ni5 = int_sub(i0, 1)\njump(i5, i4, descr=L)\n"
                          "--- loop sq\n[i0]\ni1 = int_mul(i0, i0)\ni2 = int_lt(i1, 50)\n"
                          "guard_true(i2, descr=big) [i1]\nfinish(i1)\n");
  for (int compiled = 0; compiled < 2; compiled++) {
#if !defined(__arm__)
    if (compiled) break;
#endif
    /* squares of 1..10; those from 64 on come back through the helper */
    cli_result r = run_cli("run", path, compiled ? "--counters" : "--interp", "--args", "10", "0",
                           NULL);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "[0] i1 = 385\n"));
    if (compiled) assert_non_null(strstr(r.out, "loop2 entries 10\n"));
    free_result(&r);
  }
  remove(path);
  free(path);
}

/* dis chooses the target on any host: the header line says which, and
 * SDIV appears exactly when the features have IDIV. */
static void test_dis_target(void **state) {
  (void)state;
  char *path = write_temp("[i0, i1]\ni2 = int_floordiv(i0, i1)\nfinish(i2)\n");
  struct {
    const char *opt, *val, *head;
    bool sdiv;
  } cases[] = {
      {"--cpu", "generic", "# target: hard-float ABI, features: vfpv3\n", false},
      {"--cpu", "cortex-a9", "# target: hard-float ABI, features: vfpv3 d32 neon\n", false},
      {"--cpu", "cortex-a15", "# target: hard-float ABI, features: vfpv3 d32 neon idiv\n", true},
      {"--features", "idiv", "# target: hard-float ABI, features: vfpv3 idiv\n", true},
      {"--features", "none", "# target: hard-float ABI, features: vfpv3\n", false},
      {"--abi", "soft", "# target: soft-float ABI, features: ", false},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    /* the ABI given, so the header does not depend on the build's default */
    cli_result r = k == 5 ? run_cli("dis", path, "--abi", "soft", "--cpu", "generic", NULL)
                          : run_cli("dis", path, "--abi", "hard", cases[k].opt, cases[k].val, NULL);
    assert_int_equal(r.rc, 0);
    assert_memory_equal(r.out, cases[k].head, strlen(cases[k].head));
    assert_int_equal(strstr(r.out, "sdiv") != NULL, cases[k].sdiv);
    free_result(&r);
  }
  /* Without --abi: the ABI this build was compiled for (hard-float off ARM). */
  cli_result d = run_cli("dis", path, NULL);
  assert_int_equal(d.rc, 0);
#if defined(__arm__) && !defined(__ARM_PCS_VFP)
  assert_memory_equal(d.out, "# target: soft-float ABI", 24);
#else
  assert_memory_equal(d.out, "# target: hard-float ABI", 24);
#endif
  free_result(&d);
  const char *bad[][3] = {{"--cpu", "pentium", "unknown CPU"},
                          {"--features", "neon,mmx", "unknown feature 'mmx'"},
                          {"--abi", "medium", "--abi takes hard or soft"}};
  for (size_t k = 0; k < 3; k++) {
    cli_result r = run_cli("dis", path, bad[k][0], bad[k][1], NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, bad[k][2]));
    free_result(&r);
  }
  cli_result r = run_cli("dis", path, "--cpu", "max", "--features", "idiv", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "not both"));
  free_result(&r);
  r = run_cli("run", path, "--cpu", "max", NULL); /* run keeps this CPU */
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "option does not apply: --cpu"));
  free_result(&r);
  remove(path);
  free(path);
}

/* The caret lines up under a tab-indented token. */
static void test_caret_with_tabs(void **state) {
  (void)state;
  char *path = write_temp("[i0]\n\ti1 = int_add(i0,\tq)\nfinish(i1)\n");
  cli_result r = run_cli("print", path, NULL);
  assert_int_equal(r.rc, 1);
  char *src = strstr(r.err, "\n    2 | \ti1 = int_add(i0,\tq)\n      | \t");
  assert_non_null(src);
  const char *caret = strchr(src + 1, '\n') + 1;
  caret = strchr(caret, '|') + 2;
  /* under the q: the tab, 16 spaces for "i1 = int_add(i0,", a tab */
  assert_string_equal(caret, "\t                \t^\n");
  free_result(&r);
  remove(path);
  free(path);
}

/* The CLI examples print and read back: print(parse(print(file))) is
 * print(file), with the built-in and buffer symbols written sym(NAME). */
static void test_cli_examples_roundtrip(void **state) {
  (void)state;
  const char *files[] = {CLI_EXAMPLE("array_sum.ir"), CLI_EXAMPLE("divide.ir")};
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
    cli_result a = run_cli("print", files[k], NULL);
    assert_int_equal(a.rc, 0);
    assert_non_null(strstr(a.out, "sym("));
    /* keep the header lines: the buffers must exist when it is read back */
    char *orig = slurp(files[k]);
    size_t head = 0;
    while (orig[head] == '#') head += strcspn(orig + head, "\n") + 1;
    char *both = malloc(head + strlen(a.out) + 1);
    memcpy(both, orig, head);
    strcpy(both + head, a.out);
    char *path = write_temp(both);
    cli_result b = run_cli("print", path, NULL);
    assert_int_equal(b.rc, 0);
    assert_string_equal(b.out, a.out);
    free_result(&a);
    free_result(&b);
    remove(path);
    free(path);
    free(both);
    free(orig);
  }
}

/* GC traces under the CLI's collector (--gc, '# gc:'): the list example
 * interpreted and compiled alike, refs printed by their place in the
 * heap, the collector's counts; the nursery running out; a broken heap;
 * bad words. */
static void test_gc(void **state) {
  (void)state;
  const char *want = "exit 0 (guard done)\n"
                     "[0] p2 = nursery+32000\n"
                     "[1] i4 = 500500\n"
                     "[2] p1 = old+0\n"
                     "gc: 7 slow-path calls, 7 collections, 3605 objects moved, 1 barrier call; "
                     "nursery 32032 bytes in use, old space 24\n";
  cli_result r = run_cli("run", GC_EXAMPLE("list.ir"), "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, want);
  assert_string_equal(r.err, "");
  free_result(&r);
  /* every 3rd slow path collects: fewer collections, the same list */
  r = run_cli("run", GC_EXAMPLE("list.ir"), "--interp", "--gc", "every=3", "--args", "10", NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "[1] i4 = 55\n"));
  assert_non_null(strstr(r.out, "gc: 0 slow-path calls, 0 collections"));
  free_result(&r);
#if defined(__arm__)
  const char *modes[][2] = {{NULL, NULL}, {"--random-ra", "7"}, {"--no-idiv", NULL}};
  for (size_t m = 0; m < 3; m++) {
    r = run_cli("run", GC_EXAMPLE("list.ir"), modes[m][0], modes[m][1], NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, want);
    free_result(&r);
  }
#endif
  /* the live list does not fit: the run ends out of memory, with why */
  const char *run_modes[] = {"--interp", NULL};
  for (int m = 0; m < 2; m++) {
#if !defined(__arm__)
    if (!run_modes[m]) continue;
#endif
    r = run_cli("run", GC_EXAMPLE("list.ir"), "--gc", "nursery=16384", run_modes[m], NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "error: out of memory: the GC's malloc slow path returned NULL"));
    assert_non_null(strstr(r.err, "gc: out of memory: 32 bytes do not fit in the nursery"));
    assert_non_null(strstr(r.out, "gc: 4 slow-path calls, 4 collections"));
    free_result(&r);
  }
  /* a ref field that points into the middle of an object: the collection
   * stops, the run goes on, and the report says what broke (or the
   * heap check after the run does) */
  char *path = write_temp("# gc: type=1:fixed:32:24\n"
                          "descr N = field(offset=24, ref)\n"
                          "descr C = call(args=[ref])\n"
                          "[]\n"
                          "p0 = new(32, 1)\n"
                          "i1 = cast_ptr_to_int(p0)\n"
                          "i2 = int_add(i1, 8)\n"
                          "p3 = cast_int_to_ptr(i2)\n"
                          "setfield_gc(p0, p3, descr=N)\n"
                          "call(sym(gc_collect), sym(gc), descr=C)\n"
                          "finish(p0)\n");
  for (int m = 0; m < 2; m++) {
#if !defined(__arm__)
    if (!run_modes[m]) continue;
#endif
    r = run_cli("run", path, run_modes[m], NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "[0] p0 = nursery+0\n"));
    /* (on a 64-bit host the int cast cuts the address: a ref to no object) */
    assert_non_null(strstr(r.err, sizeof(uintptr_t) == 4
                                      ? "gc: a reference into the middle of an object"
                                      : "gc: the heap is broken: object at"));
    free_result(&r);
  }
  remove(path);
  free(path);
  /* dis and print take the collector too; without one the GC ops are errors */
  r = run_cli("dis", GC_EXAMPLE("list.ir"), NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "# p5 = new(32, 1)"));
  free_result(&r);
  r = run_cli("print", GC_EXAMPLE("list.ir"), NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "cond_call_gc_wb(p1)"));
  free_result(&r);
  path = write_temp("[]\np0 = new(16, 1)\nfinish(p0)\n");
  r = run_cli("run", path, "--interp", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "needs the context's GC descriptor"));
  free_result(&r);
  /* bad words, from the command line and from the file's line */
  static const char *const bad[][2] = {
      {"type=0:fixed:16", "TID 1 .. 1023"},
      {"type=1:blob:4", "the kind is fixed, array or str"},
      {"type=1:fixed:16:2", "ref offsets"},
      {"type=1:array:2:ref", "only an array of 4-byte items may say :ref"},
      {"nursery=8", "a size of 64 bytes"},
      {"bogus=1", "the keys are nursery, old, window, every and type"},
      {"every", "expected KEY=VALUE"},
      {"window=100000", "is larger than the nursery"},
      {"type=1:fixed:16:24", "each field inside the object"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    r = run_cli("run", path, "--interp", "--gc", bad[k][0], NULL);
    assert_int_equal(r.rc, 1);
    if (!strstr(r.err, bad[k][1])) fail_msg("--gc %s: %s", bad[k][0], r.err);
    free_result(&r);
  }
  remove(path);
  free(path);
  path = write_temp("# gc: type=1:fixed:16 type=1:str:1\n[]\nfinish()\n");
  r = run_cli("run", path, "--interp", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, ":1: error: gc word 'type=1:str:1': the type id is declared twice"));
  free_result(&r);
  remove(path);
  free(path);
  r = run_cli("symbols", NULL);
  assert_non_null(strstr(r.out, "gc_collect"));
  assert_non_null(strstr(r.out, "gc_old"));
  free_result(&r);
}

/* A file of several traces: the loop runs with its bridges, in the
 * interpreter and compiled alike; dis lists every trace with the guard's
 * branch patched; print writes the sections back. */
static const char *const SET_TEXT =
    "# args: 3 0\n"
    "--- loop main\n"
    "[i0, i1]\n"
    "label(i0, i1, descr=top)\n"
    "i2 = int_gt(i0, 0)\n"
    "guard_true(i2, descr=zero) [i1, i0]\n"
    "i3 = int_sub(i0, 1)\n"
    "i4 = int_add(i1, 10)\n"
    "jump(i3, i4, descr=top)\n"
    "--- bridge out on main.zero\n"
    "[i0, i1]\n"
    "i2 = int_mul(i0, 2)\n"
    "i3 = int_lt(i2, 100)\n"
    "guard_true(i3, descr=big) [i2]\n"
    "finish(i2, i1, descr=end)\n";

static void test_sets(void **state) {
  (void)state;
  char *path = write_temp(SET_TEXT);
  const char *want = "exit 2 (finish end) of out\n[0] i2 = 60\n[1] i1 = 0\n";
  cli_result r = run_cli("run", path, "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, want);
  free_result(&r);
  r = run_cli("run", path, "--interp", "--args", "9", "0", NULL);
  assert_string_equal(r.out, "exit 1 (guard big) of out\n[0] i2 = 180\n");
  free_result(&r);
  r = run_cli("run", BRIDGE_EXAMPLE("sum_odd.ir"), "--interp", NULL);
  assert_int_equal(r.rc, 0);
  assert_string_equal(r.out, "exit 0 (guard done) of main\n[0] i0 = 20\n[1] i2 = 390\n");
#if defined(__arm__)
  const char *files[] = {path, BRIDGE_EXAMPLE("sum_odd.ir")};
  for (size_t k = 0; k < 2; k++) {
    cli_result ri = run_cli("run", files[k], "--interp", NULL);
    const char *modes[][2] = {{NULL, NULL}, {"--random-ra", "7"}};
    for (size_t m = 0; m < 2; m++) {
      cli_result rc = run_cli("run", files[k], modes[m][0], modes[m][1], NULL);
      assert_int_equal(rc.rc, 0);
      assert_string_equal(rc.out, ri.out);
      free_result(&rc);
    }
    free_result(&ri);
  }
#endif
  free_result(&r);
  r = run_cli("dis", path, NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "==== loop main"));
  assert_non_null(strstr(r.out, "==== bridge out (bridge"));
  assert_non_null(strstr(r.out, "on guard zero of main"));
  assert_non_null(strstr(r.out, "# exit 0: patched: enters bridge"));
  assert_non_null(strstr(r.out, "# bridge entry (its guard branches to +"));
  free_result(&r);
  r = run_cli("print", path, NULL);
  assert_int_equal(r.rc, 0);
  assert_non_null(strstr(r.out, "--- loop main\n[i0, i1]\n"));
  assert_non_null(strstr(r.out, "--- bridge out on main.zero\n[i0, i1]\n"));
  free_result(&r);
  remove(path);
  free(path);
  /* Errors point into the file. */
  path = write_temp("--- loop a\n[i0]\nfinish(i0)\n--- bridge b on a.nope\n[i0]\nfinish(i0)\n");
  r = run_cli("run", path, "--interp", "--args", "1", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, ":4:"));
  assert_non_null(strstr(r.err, "a has no guard named nope"));
  free_result(&r);
  remove(path);
  free(path);
  path = write_temp("--- loop a\n[i0]\ni1 = int_add(i0, 1)\n"
                    "guard_true(i1, descr=g) [i1]\nfinish(i0)\n"
                    "--- bridge b on a.g\n[f0]\nfinish(f0)\n");
  r = run_cli("run", path, "--interp", "--args", "1", NULL);
  assert_int_equal(r.rc, 1);
  assert_non_null(strstr(r.err, "type mismatch: input 1 of bridge b is float"));
  free_result(&r);
  remove(path);
  free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_syntax_error_position),
      cmocka_unit_test(test_print),
      cmocka_unit_test(test_run_interp),
      cmocka_unit_test(test_run_wide),
      cmocka_unit_test(test_bad_args),
      cmocka_unit_test(test_dis),
      cmocka_unit_test(test_run_compiled_matches_interp),
      cmocka_unit_test(test_command_help),
      cmocka_unit_test(test_symbols),
      cmocka_unit_test(test_alloc_and_dump),
      cmocka_unit_test(test_alloc_errors),
      cmocka_unit_test(test_exception_from_helper),
      cmocka_unit_test(test_exit_value_sources),
      cmocka_unit_test(test_max_steps),
      cmocka_unit_test(test_max_iterations),
      cmocka_unit_test(test_call_assembler_recursion),
      cmocka_unit_test(test_call_assembler_set),
      cmocka_unit_test(test_dis_target),
      cmocka_unit_test(test_dis_islands),
      cmocka_unit_test(test_caret_with_tabs),
      cmocka_unit_test(test_cli_examples_roundtrip),
      cmocka_unit_test(test_sets),
      cmocka_unit_test(test_gc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
