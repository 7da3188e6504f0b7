/* SPDX-License-Identifier: MIT */
/* test_alloc_hooks.c — nothing that armjit_compile_loop allocates bypasses
 * the context's allocator hooks.
 *
 * This test is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=free (tests/CMakeLists.txt), so every call to those functions from
 * the library's objects and from this file goes through the __wrap_*
 * counters below.  The context's hooks call __real_* directly and count on
 * their own.  For several traces (guards, floats, memory and call
 * descriptors, a call; the loop lists its trace)
 * the window parse + compile + free must show hook traffic and no wrapped
 * call at all.  A plain a32_buf_new outside the window is the
 * positive control: it must reach __wrap_malloc, or the wrapping would prove
 * nothing.
 *
 * Not counted: armjit_loop_dis (capstone allocates with its own malloc; its
 * cs_opt_mem hooks are process-wide and carry no context, so they cannot
 * be routed to one context's hooks) and libc internals (qsort may allocate
 * inside libc, where --wrap does not reach). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "armjit.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

/* Calls that reached libc through the wrappers (test-local state). */
static size_t wrapped;

void *__wrap_malloc(size_t n) {
  wrapped++;
  return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m) {
  wrapped++;
  return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n) {
  wrapped++;
  return __real_realloc(p, n);
}
void __wrap_free(void *p) {
  if (p) wrapped++;
  __real_free(p);
}

typedef struct {
  size_t allocs, reallocs, frees, live;
} hooks;

static void *h_alloc(void *ud, size_t n) {
  hooks *h = ud;
  h->allocs++;
  h->live++;
  return __real_malloc(n);
}
static void *h_realloc(void *ud, void *p, size_t n) {
  hooks *h = ud;
  h->reallocs++;
  if (!p) h->live++;
  return __real_realloc(p, n);
}
static void h_free(void *ud, void *p) {
  hooks *h = ud;
  h->frees++;
  h->live--;
  __real_free(p);
}

static const char *const traces[] = {
    /* guards, a named loop */
    "[i0, i1]\n"
    "label(i0, i1, descr=loop)\n"
    "i2 = int_eq(i0, 1)\n"
    "guard_false(i2, descr=reached_one) [i1, i0, 1.0]\n"
    "i3 = int_mul_ovf(i0, 3)\n"
    "guard_no_overflow(descr=overflow) [i0, i1]\n"
    "i4 = int_add(i3, 1)\n"
    "i5 = int_add(i1, 1)\n"
    "jump(i4, i5, descr=loop)\n",
    /* floats */
    "[f0, i1]\n"
    "label(f0, i1, descr=L)\n"
    "f2 = float_mul(f0, 1.5)\n"
    "i3 = int_sub(i1, 1)\n"
    "i4 = int_gt(i3, 0)\n"
    "guard_true(i4) [f2, i3]\n"
    "jump(f2, i3, descr=L)\n",
    /* memory descriptors and a call */
    "descr F = field(offset=4, size=4, int)\n"
    "descr A = array(base=8, item=4, int, len=0)\n"
    "descr C = call(args=[int, int], result=int)\n"
    "[p0, i1]\n"
    "i2 = getfield_gc(p0, descr=F)\n"
    "i3 = getarrayitem_gc(p0, i1, descr=A)\n"
    "i4 = call(sym(helper), i2, i3, descr=C)\n"
    "setfield_gc(p0, i4, descr=F)\n"
    "finish(i4, i2)\n",
};

static int helper(int a, int b) { return a + b; }

static void test_compile_uses_only_the_hooks(void **state) {
  (void)state;
  hooks h = {0};
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.alloc = h_alloc;
  o.realloc = h_realloc;
  o.free = h_free;
  o.ud = &h;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "helper", (uintptr_t)helper), ARMJIT_OK);

  for (size_t i = 0; i < sizeof traces / sizeof traces[0]; i++) {
    size_t before = h.allocs + h.reallocs;
    wrapped = 0;
    armjit_trace *t = armjit_trace_parse(ctx, traces[i], &err);
    if (!t) fail_msg("trace %zu: %s", i, err.msg);
    armjit_loop *l = armjit_compile_loop(ctx, t, &err);
    if (!l) fail_msg("trace %zu: %s", i, err.msg);
    armjit_loop_free(l);
    armjit_trace_free(t);
    size_t seen = wrapped;
    if (seen != 0) fail_msg("trace %zu: %zu allocator calls bypassed the hooks", i, seen);
    assert_true(h.allocs + h.reallocs > before + 10);
  }

  /* The annotated listing (kept at compile time) is there; dis itself is
   * outside the counted window (capstone). */
  armjit_trace *t = armjit_trace_parse(ctx, traces[2], &err);
  assert_non_null(t);
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  assert_non_null(l);
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(armjit_loop_dis(l, f), ARMJIT_OK);
  char line[256];
  bool annotated = false;
  rewind(f);
  while (fgets(line, sizeof line, f))
    annotated |= strstr(line, "# i4 = call(sym(helper), i2, i3, descr=C)") != NULL;
  fclose(f);
  assert_true(annotated);
  armjit_loop_free(l);
  armjit_trace_free(t);

  /* A buffer from the context allocates through the hooks as well. */
  wrapped = 0;
  size_t before = h.allocs;
  a32_buf *b = armjit_buf_new(ctx, 0, 0);
  assert_non_null(b);
  a32_sym s = a32_sym_new(b, "x");
  assert_int_equal(a32_bl_sym(b, A32_AL, s, 0), A32_OK);
  a32_buf_free(b);
  assert_int_equal(wrapped, 0);
  assert_true(h.allocs > before);

  armjit_ctx_free(ctx);
  assert_int_equal(h.live, 0); /* and nothing leaked */
}

/* The positive control: a buffer made without a context uses malloc, and
 * the wrappers see it, so the zero above means something. */
static void test_wrapping_reaches_the_library(void **state) {
  (void)state;
  wrapped = 0;
  a32_buf *b = a32_buf_new(64, 0);
  assert_non_null(b);
  a32_buf_free(b);
  assert_true(wrapped >= 4); /* two mallocs, two frees */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wrapping_reaches_the_library),
      cmocka_unit_test(test_compile_uses_only_the_hooks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
