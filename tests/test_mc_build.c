/* SPDX-License-Identifier: MIT */
/* The method IR's builder: a module built through the API runs; misuse
 * (bad handles, wrong types, bad names, NULL lists) gives the first error,
 * kept until validate reports it; every allocation goes through the
 * context's hooks and is given back; running out of memory anywhere fails
 * cleanly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"

#define T(x) ARMJIT_T_##x

static int setup(void **state) {
  armjit_error err;
  *state = armjit_ctx_new(NULL, &err);
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* sum of 0..n-1 with a loop, built by hand */
static armjit_module *build_sum(armjit_ctx *ctx) {
  armjit_module *m = armjit_module_new(ctx, NULL);
  armjit_mtype i = T(I32), ii[2] = {T(I32), T(I32)};
  armjit_sym f = armjit_func_new(m, "sum", &i, 1, T(I32));
  armjit_block e = armjit_func_entry(m, f);
  armjit_block loop = armjit_block_new(m, f, ii, 2);
  armjit_block done = armjit_block_new(m, f, &i, 1);
  armjit_val n = armjit_block_param(m, e, 0);
  armjit_val zero = armjit_mconst_i32(m, f, 0);
  armjit_val init[2] = {zero, zero};
  armjit_br(m, e, loop, init, 2);
  armjit_val k = armjit_block_param(m, loop, 0), acc = armjit_block_param(m, loop, 1);
  armjit_val c = armjit_icmp(m, loop, ARMJIT_ICC_SLT, k, n);
  armjit_val acc2 = armjit_op2(m, loop, ARMJIT_MOP_ADD, T(I32), acc, k);
  armjit_val k2 = armjit_op2(m, loop, ARMJIT_MOP_ADD, T(I32), k, armjit_mconst_i32(m, f, 1));
  armjit_val next[2] = {k2, acc2};
  armjit_cbr(m, loop, c, loop, next, 2, done, &acc, 1);
  armjit_ret(m, done, armjit_block_param(m, done, 0));
  return m;
}

static void test_build_and_run(void **state) {
  armjit_module *m = build_sum(*state);
  armjit_error err;
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  /* its text round-trips and runs the same */
  char *text = armjit_module_to_string(m);
  armjit_module *m2 = armjit_module_parse(*state, text, &err);
  assert_non_null(m2);
  char *text2 = armjit_module_to_string(m2);
  assert_string_equal(text, text2);
  armjit_mval a = {.bits = 0}, r;
  a.i32 = 10;
  assert_int_equal(armjit_mc_interpret(m2, "sum", &a, 1, &r, NULL, &err), ARMJIT_OK);
  assert_int_equal(r.i32, 45);
  free(text);
  free(text2);
  armjit_module_free(m2);
  assert_int_equal(armjit_mc_interpret(m, "sum", &a, 1, &r, NULL, &err), ARMJIT_OK);
  assert_int_equal(r.i32, 45);
  /* introspection */
  assert_int_equal(armjit_module_nsyms(m), 1);
  assert_int_equal(armjit_module_find(m, "sum"), 0);
  assert_int_equal(armjit_module_find(m, "nope"), -1);
  assert_string_equal(armjit_sym_name(m, 0), "sum");
  assert_null(armjit_sym_name(m, 1));
  assert_true(armjit_sym_is_func(m, 0));
  armjit_mtype p[4], res;
  assert_int_equal(armjit_sym_signature(m, 0, p, 4, &res), 1);
  assert_int_equal(p[0], T(I32));
  assert_int_equal(res, T(I32));
  assert_int_equal(armjit_sym_signature(m, 5, p, 4, &res), -1);
  assert_int_equal(armjit_mval_type(m, 0, 0), T(I32));
  assert_int_equal(armjit_mval_type(m, 0, 9999), T(VOID));
  assert_ptr_equal(armjit_module_ctx(m), *state);
  armjit_module_free(m);
}

/* Each misuse: the call's own return, then validate's report. */
typedef struct {
  const char *what;
  armjit_status code;
  const char *msg;
} misuse;

static void expect(armjit_module *m, const misuse *u) {
  armjit_error err;
  armjit_status st = armjit_module_validate(m, &err);
  if (st != u->code || !strstr(err.msg, u->msg))
    fail_msg("%s: got %s \"%s\", expected %s \"%s\"", u->what, armjit_status_name(st), err.msg,
             armjit_status_name(u->code), u->msg);
  /* the error stays: later valid calls do not clear or replace it */
  assert_int_equal(armjit_module_validate(m, &err), u->code);
  armjit_module_free(m);
}

static void test_misuse(void **state) {
  armjit_ctx *ctx = *state;
  armjit_mtype i = T(I32), l = T(I64);
  armjit_module *m;
  armjit_sym f;
  armjit_block e;

  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_block_new(m, 7, NULL, 0), -1);
  armjit_func_new(m, "later", NULL, 0, T(VOID)); /* fine, but the first error stays */
  expect(m, &(misuse){"bad function", ARMJIT_E_ARG, "armjit_block_new: 7 is not a function"});

  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_func_new(m, "9lives", NULL, 0, T(VOID)), -1);
  expect(m, &(misuse){"bad name", ARMJIT_E_ARG, "name '9lives' is not a C identifier"});

  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_extern(m, NULL, NULL, 0, T(VOID)), -1);
  expect(m, &(misuse){"NULL name", ARMJIT_E_ARG, "name NULL is not a C identifier"});

  m = armjit_module_new(ctx, NULL);
  armjit_extern(m, "e", NULL, 0, T(VOID));
  assert_int_equal(armjit_func_new(m, "e", NULL, 0, T(VOID)), -1);
  expect(m, &(misuse){"duplicate", ARMJIT_E_INVALID, "duplicate symbol @e"});

  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_func_new(m, "f", NULL, 2, T(VOID)), -1);
  expect(m, &(misuse){"NULL params", ARMJIT_E_ARG, "parameter list is NULL but its count is 2"});

  m = armjit_module_new(ctx, NULL);
  armjit_mtype bad = (armjit_mtype)42;
  assert_int_equal(armjit_func_new(m, "f", &bad, 1, T(VOID)), -1);
  expect(m, &(misuse){"bad type", ARMJIT_E_ARG, "parameter 1 has bad type 42"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &l, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_op2(m, e, ARMJIT_MOP_ADD, T(I32), armjit_block_param(m, e, 0),
                              armjit_mconst_i32(m, f, 1)),
                   ARMJIT_NOVAL);
  expect(m, &(misuse){"wrong type", ARMJIT_E_TYPE,
                      "armjit_emit: @f block 0, add.i32: operand 1 is i64, expected i32"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_op1(m, e, ARMJIT_MOP_NEG, T(I32), 12345), ARMJIT_NOVAL);
  expect(m, &(misuse){"bad value", ARMJIT_E_INVALID, "operand 1 (handle 12345) is not a value of @f"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_op1(m, e, ARMJIT_MOP_NEG, T(I32), ARMJIT_NOVAL), ARMJIT_NOVAL);
  expect(m, &(misuse){"NOVAL", ARMJIT_E_INVALID, "operand 1 is no value (ARMJIT_NOVAL)"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_op2(m, e, ARMJIT_MOP_ADD, T(F32), 0, 0), ARMJIT_NOVAL);
  expect(m, &(misuse){"bad suffix", ARMJIT_E_ARG, "armjit_emit: add: bad suffix 3"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_emit(m, e, ARMJIT_MOP_BR, 0, NULL, 0, NULL, 0, -1, 0), ARMJIT_NOVAL);
  expect(m, &(misuse){"terminator by emit", ARMJIT_E_ARG, "br has its own builder call"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_emit(m, e, (armjit_mop)999, 0, NULL, 0, NULL, 0, -1, 0), ARMJIT_NOVAL);
  expect(m, &(misuse){"bad op", ARMJIT_E_ARG, "unknown op 999"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_op2(m, e, ARMJIT_MOP_ADD, T(I32), 0, 0), 1);
  assert_int_equal(armjit_emit(m, e, ARMJIT_MOP_ADD, T(I32), (armjit_val[]){0, 0}, 2,
                               (int32_t[]){1}, 1, -1, 0),
                   ARMJIT_NOVAL);
  expect(m, &(misuse){"immediates", ARMJIT_E_ARG, "add takes 0 immediates, got 1"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_emit(m, e, ARMJIT_MOP_NEG, T(I32), (armjit_val[]){0}, 1, NULL, 0, -1,
                               ARMJIT_MOP_VOLATILE),
                   ARMJIT_NOVAL);
  expect(m, &(misuse){"volatile add", ARMJIT_E_ARG, "neg: bad flags 0x1"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  armjit_sym g = armjit_func_new(m, "g", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_br(m, e, armjit_func_entry(m, g), NULL, 0), ARMJIT_E_INVALID);
  expect(m, &(misuse){"cross-function branch", ARMJIT_E_INVALID, "belongs to @g, not @f"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_call(m, e, 3, NULL, 0), ARMJIT_NOVAL);
  expect(m, &(misuse){"bad callee", ARMJIT_E_ARG, "armjit_call: 3 is not a symbol"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_call(m, e, f, NULL, 0), ARMJIT_NOVAL);
  expect(m, &(misuse){"call arity", ARMJIT_E_INVALID, "0 arguments, @f takes 1"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_ret(m, e, ARMJIT_NOVAL), ARMJIT_E_TYPE);
  expect(m, &(misuse){"ret without value", ARMJIT_E_TYPE, "@f returns i32, so ret takes a value"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_switch(m, e, 0, e, NULL, NULL, 3), ARMJIT_E_ARG);
  expect(m, &(misuse){"switch lists", ARMJIT_E_ARG, "key or target list is NULL"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_store(m, e, ARMJIT_MEM_I64, 0, ARMJIT_NOVAL, 0, 0, 0, 0), ARMJIT_E_TYPE);
  expect(m, &(misuse){"an i32 stored as i64", ARMJIT_E_TYPE,
                      "store.i64: operand 3 is i32, expected i64"});

  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", &i, 1, T(I32));
  e = armjit_func_entry(m, f);
  assert_int_equal(armjit_check(m, e, ARMJIT_MOP_ADD, NULL, 0, 0), ARMJIT_E_ARG);
  expect(m, &(misuse){"check of a non-check", ARMJIT_E_ARG, "op 0 is not a check"});

  m = armjit_module_new(ctx, &(armjit_module_options){.trap = ARMJIT_TRAP_CALL, .trap_sym = NULL});
  expect(m, &(misuse){"trap without a symbol", ARMJIT_E_ARG, "trap mode call needs trap_sym"});

  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_mconst(m, 0, T(I32), 0), ARMJIT_NOVAL);
  expect(m, &(misuse){"const of no function", ARMJIT_E_ARG, "0 is not a function"});

  /* calls on NULL modules are refused, not crashes */
  assert_int_equal(armjit_func_new(NULL, "f", NULL, 0, T(VOID)), -1);
  assert_int_equal(armjit_br(NULL, 0, 0, NULL, 0), ARMJIT_E_ARG);
  armjit_error err;
  assert_int_equal(armjit_module_validate(NULL, &err), ARMJIT_E_ARG);
  assert_null(armjit_module_parse(ctx, NULL, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_int_equal(armjit_module_print(NULL, stdout), -1);
  armjit_module_free(NULL);
}

/* An i32 base is an absolute address: a valid store; the shift is checked. */
static void test_store_forms(void **state) {
  armjit_module *m = armjit_module_new(*state, NULL);
  armjit_mtype r = T(REF);
  armjit_sym f = armjit_func_new(m, "f", &r, 1, T(VOID));
  armjit_block e = armjit_func_entry(m, f);
  armjit_val p = armjit_block_param(m, e, 0);
  assert_int_equal(armjit_store(m, e, ARMJIT_MEM_U8, p, armjit_mconst_i32(m, f, 3), 2, 1,
                                armjit_mconst_i32(m, f, 0x1ab), 0),
                   ARMJIT_OK);
  assert_int_equal(armjit_store(m, e, ARMJIT_MEM_I32, p, armjit_mconst_i32(m, f, 1), 40, 0,
                                armjit_mconst_i32(m, f, 0), 0),
                   ARMJIT_E_INVALID);
  armjit_error err;
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "shift 40 out of range 0..31"));
  armjit_module_free(m);
}

/* Many symbols: each is found by name (the table grows), duplicates refused. */
static void test_many_symbols(void **state) {
  armjit_module *m = armjit_module_new(*state, NULL);
  char name[32];
  for (unsigned k = 0; k < 2000; k++) {
    snprintf(name, sizeof name, "s%u", k * 7919u);
    assert_int_equal(armjit_extern(m, name, NULL, 0, T(VOID)), (armjit_sym)k);
  }
  for (unsigned k = 0; k < 2000; k++) {
    snprintf(name, sizeof name, "s%u", k * 7919u);
    assert_int_equal(armjit_module_find(m, name), (armjit_sym)k);
    snprintf(name, sizeof name, "t%u", k);
    assert_int_equal(armjit_module_find(m, name), -1);
  }
  assert_int_equal(armjit_extern(m, "s7919", NULL, 0, T(VOID)), -1);
  armjit_error err;
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "duplicate symbol @s7919"));
  armjit_module_free(m);
}

/* ---- allocation: through the hooks, all given back, failures clean ---------------------- */
typedef struct {
  long live, total;
  long fail_after; /* -1: never */
} heap;

static void *h_alloc(void *ud, size_t n) {
  heap *h = ud;
  if (h->fail_after >= 0 && h->total >= h->fail_after) return NULL;
  void *p = malloc(n);
  if (p) { h->live++; h->total++; }
  return p;
}
static void *h_realloc(void *ud, void *p, size_t n) {
  heap *h = ud;
  if (h->fail_after >= 0 && h->total >= h->fail_after) return NULL;
  void *q = realloc(p, n);
  if (q) {
    if (!p) h->live++;
    h->total++;
  }
  return q;
}
static void h_free(void *ud, void *p) {
  heap *h = ud;
  if (p) h->live--;
  free(p);
}

static const char sample[] =
    "trap call @t\n"
    "extern @t(i32, ref, ref)\n"
    "func @g(a: i32, b: f64) -> f64 {\n"
    "entry:\n"
    "  check_nonzero a, 1\n"
    "  c = sitofp.f64 a\n"
    "  d = fadd.f64 c, b\n"
    "  switch a, x, [1: y, 2: y]\n"
    "x:\n"
    "  br z(d)\n"
    "y:\n"
    "  br z(1.5)\n"
    "z(r: f64):\n"
    "  ret r\n"
    "}\n"
    "func @h(n: i32) -> f64 {\n"
    "entry:\n"
    "  r = call @g(n, 2.0)\n"
    "  ret r\n"
    "}\n";

static void t_noop(int32_t c, void *pc, void *sp) {
  (void)c, (void)pc, (void)sp;
}

static void test_alloc_hooks(void **state) {
  (void)state;
  heap h = {0, 0, -1};
  armjit_options o = {0};
  o.alloc = h_alloc;
  o.realloc = h_realloc;
  o.free = h_free;
  o.ud = &h;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  armjit_ctx_add_symbol(ctx, "t", (uintptr_t)t_noop);
  long base = h.live;
  armjit_module *m = armjit_module_parse(ctx, sample, &err);
  assert_non_null(m);
  assert_true(h.live > base);
  armjit_mval a = {.bits = 0}, r;
  a.i32 = 1;
  assert_int_equal(armjit_mc_interpret(m, "h", &a, 1, &r, NULL, &err), ARMJIT_OK);
  assert_true(r.f64 == 1.5);
  char *s = armjit_module_to_string(m); /* malloc'd for the caller, not through the hooks */
  armjit_module_free(m);
  assert_int_equal(h.live, base);
  free(s);
  m = build_sum(ctx);
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  armjit_module_free(m);
  assert_int_equal(h.live, base);
  /* every allocation failing in turn: parse (then validate and run) never
   * crashes or leaks, and says "out of memory" */
  unsigned failures = 0;
  for (long k = 0;; k++) {
    h.total = 0;
    h.fail_after = k;
    m = armjit_module_parse(ctx, sample, &err);
    armjit_status st = m ? armjit_mc_interpret(m, "h", &a, 1, &r, NULL, &err) : err.code;
    armjit_module_free(m);
    h.fail_after = -1;
    assert_int_equal(h.live, base);
    if (st == ARMJIT_OK) break;
    assert_int_equal(st, ARMJIT_E_NOMEM);
    assert_non_null(strstr(err.msg, "out of memory"));
    failures++;
  }
  assert_true(failures > 20);
  /* and the same for the builder: the first failure is remembered */
  for (long k = 0;; k++) {
    h.total = 0;
    h.fail_after = k;
    m = build_sum(ctx);
    armjit_status st = m ? armjit_module_validate(m, &err) : ARMJIT_E_NOMEM;
    armjit_module_free(m);
    h.fail_after = -1;
    assert_int_equal(h.live, base);
    if (st == ARMJIT_OK) break;
    assert_int_equal(st, ARMJIT_E_NOMEM);
  }
  armjit_ctx_free(ctx);
  assert_int_equal(h.live, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_build_and_run, setup, teardown),
      cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_forms, setup, teardown),
      cmocka_unit_test_setup_teardown(test_many_symbols, setup, teardown),
      cmocka_unit_test(test_alloc_hooks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
