/* SPDX-License-Identifier: MIT */
/* The shared pieces of src/util: the one error recorder (first error wins,
 * prefix, truncation), the string buffer (growth, printf, exhaustion
 * through the context's hooks) and the hash (FNV-1a reference values). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/sbuf.h"

static bool record(char *msg, size_t cap, bool keep, const char *prefix, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bool r = ajx_record(msg, cap, keep, prefix, fmt, ap);
  va_end(ap);
  return r;
}

static void test_record(void **state) {
  (void)state;
  char msg[16];
  assert_true(record(msg, sizeof msg, false, NULL, "x=%d", 42));
  assert_string_equal(msg, "x=42");
  /* an error is recorded: a sticky recorder keeps it */
  assert_false(record(msg, sizeof msg, true, NULL, "later"));
  assert_string_equal(msg, "x=42");
  assert_true(record(msg, sizeof msg, false, "a32_add", "bad %s", "reg"));
  assert_string_equal(msg, "a32_add: bad re"); /* truncated, terminated */
  assert_true(record(msg, 6, false, "a_long_prefix", "m"));
  assert_string_equal(msg, "a_lon");
  assert_false(record(NULL, 0, false, NULL, "nowhere"));

  armjit_error err;
  ajx_err_clear(&err);
  assert_int_equal(ajx_err_at(&err, ARMJIT_E_SYNTAX, 3, 7, "first %d", 1), ARMJIT_E_SYNTAX);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.col, 7);
  assert_string_equal(err.msg, "first 1");
  /* ajx_err replaces (each call reports its own failure) */
  assert_int_equal(ajx_err(&err, ARMJIT_E_ARG, "second"), ARMJIT_E_ARG);
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_int_equal(err.line, 0);
  assert_string_equal(err.msg, "second");
  assert_int_equal(ajx_err(NULL, ARMJIT_E_LIMIT, "dropped"), ARMJIT_E_LIMIT);
}

/* The builder's recorder is the sticky form: the first misuse stays. */
static void test_record_sticky_builder(void **state) {
  armjit_ctx *ctx = *state;
  armjit_trace *t = armjit_trace_new(ctx);
  assert_int_equal(armjit_input(t, (armjit_type)9), ARMJIT_NOVAL);
  assert_int_equal(armjit_jump(t, 5, NULL, 0), ARMJIT_E_ARG);
  armjit_error err;
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_E_ARG);
  assert_non_null(strstr(err.msg, "armjit_input: bad type 9"));
  armjit_trace_free(t);
}

/* Allocation hooks that fail after `budget` allocations. */
typedef struct { int budget; } hooks_ud;
static void *h_alloc(void *ud, size_t n) {
  hooks_ud *h = ud;
  return h->budget-- > 0 ? malloc(n) : NULL;
}
static void *h_realloc(void *ud, void *p, size_t n) {
  hooks_ud *h = ud;
  return h->budget-- > 0 ? realloc(p, n) : NULL;
}
static void h_free(void *ud, void *p) { (void)ud; free(p); }

static void test_sbuf(void **state) {
  armjit_ctx *ctx = *state;
  ajx_sbuf b;
  ajx_sb_init(&b, ctx);
  char *s = ajx_sb_take_malloced(&b); /* nothing added: the empty string */
  assert_string_equal(s, "");
  free(s);
  ajx_sb_puts(&b, "abc");
  ajx_sb_add(&b, "defgh", 2);
  ajx_sb_printf(&b, "[%d]", -5);
  assert_string_equal(b.p, "abcde[-5]");
  assert_int_equal(b.len, 9);
  /* a printf that needs more than the first 256 bytes, and many appends */
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  ajx_sb_printf(&b, "<%s>", big);
  assert_int_equal(b.len, 9 + 2 + 599);
  assert_int_equal(b.p[10], 'x');
  assert_int_equal(b.p[b.len - 1], '>');
  for (int k = 0; k < 1000; k++) ajx_sb_puts(&b, "0123456789");
  assert_int_equal(b.len, 610 + 10000);
  assert_int_equal(strlen(b.p), b.len);
  assert_false(b.failed);
  s = ajx_sb_take_malloced(&b);
  assert_int_equal(strlen(s), 10610);
  assert_null(b.p);
  free(s);

  /* exhaustion: the buffer fails once and stays failed */
  hooks_ud h = {2};
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.alloc = h_alloc;
  o.realloc = h_realloc;
  o.free = h_free;
  o.ud = &h;
  armjit_ctx *small = armjit_ctx_new(&o, NULL); /* uses one allocation */
  assert_non_null(small);
  ajx_sb_init(&b, small);
  ajx_sb_puts(&b, "fits");           /* the second */
  assert_false(b.failed);
  ajx_sb_printf(&b, "%s", big);      /* needs to grow: refused */
  assert_true(b.failed);
  h.budget = 100;
  ajx_sb_puts(&b, "ignored");
  assert_true(b.failed);
  assert_null(ajx_sb_take_malloced(&b));
  armjit_ctx_free(small);
}

static void test_hash(void **state) {
  (void)state;
  /* FNV-1a 32-bit reference values */
  assert_int_equal(ajx_hash("", 0), 0x811c9dc5u);
  assert_int_equal(ajx_hash("a", 1), 0xe40c292cu);
  assert_int_equal(ajx_hash("foobar", 6), 0xbf9cf968u);
  /* bytes, not characters: high bytes are not sign-extended */
  assert_int_equal(ajx_hash("\xff", 1), (0x811c9dc5u ^ 0xffu) * 16777619u);
}

static int setup(void **state) {
  *state = armjit_ctx_new(NULL, NULL);
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_record),
      cmocka_unit_test(test_record_sticky_builder),
      cmocka_unit_test(test_sbuf),
      cmocka_unit_test(test_hash),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
