/* SPDX-License-Identifier: MIT */
/* Exceptions in the method IR (docs/mir.md §2.10) as the reference
 * interpreter runs them: throw and traps caught frames up, handlers in
 * order with exc_match, catch all, nested ranges, exc_uncaught, trap
 * handlers that return an exception, trap modes svc/udf through exc_make,
 * and the builder calls. */
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

/* what the C callbacks saw (one test at a time) */
static char trail[512];
static void note(const char *fmt, uintptr_t a, uintptr_t b) {
  size_t n = strlen(trail);
  snprintf(trail + n, sizeof trail - n, fmt, (unsigned long)a, (unsigned long)b);
}
/* exc_match: an exception "is" a tag when tag divides it */
static int32_t c_match(void *exc, void *tag) {
  note("m%lu/%lu ", (uintptr_t)exc, (uintptr_t)tag);
  return (uintptr_t)tag && (uintptr_t)exc % (uintptr_t)tag == 0;
}
static void c_uncaught(void *exc) { note("u%lu%.0lu ", (uintptr_t)exc, 0); }
/* trap handler returning the exception 1000 + code, except for code 0 */
static void *c_trap(int32_t code, void *pc, void *sp) {
  (void)pc, (void)sp;
  note("t%lu%.0lu ", (uintptr_t)code, 0);
  return code ? (void *)(uintptr_t)(1000 + code) : NULL;
}

static int setup(void **state) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  if (!ctx) fail_msg("armjit_ctx_new: %s", err.msg);
  armjit_ctx_add_symbol(ctx, "c_match", (uintptr_t)c_match);
  armjit_ctx_add_symbol(ctx, "c_uncaught", (uintptr_t)c_uncaught);
  armjit_ctx_add_symbol(ctx, "c_trap", (uintptr_t)c_trap);
  *state = ctx;
  return 0;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

static armjit_module *parse_ok(armjit_ctx *ctx, const char *text) {
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("parse %d:%d: %s\n%s", err.line, err.col, err.msg, text);
  if (armjit_module_validate(m, &err) != ARMJIT_OK)
    fail_msg("validate %d:%d: %s\n%s", err.line, err.col, err.msg, text);
  return m;
}

/* Run f(x) (one i32): the status; *r the i32 result. */
static armjit_status run1(armjit_module *m, const char *f, int32_t x, int32_t *r,
                          armjit_error *err) {
  armjit_mval a = {.bits = 0}, res = {.bits = 0};
  a.i32 = x;
  trail[0] = 0;
  armjit_status st = armjit_mc_interpret(m, f, &a, 1, &res, NULL, err);
  *r = res.i32;
  return st;
}

/* The header every module of this file starts with. */
#define HEAD                                 \
  "trap call @c_trap\n"                      \
  "exc_match @c_match\n"                     \
  "exc_uncaught @c_uncaught\n"               \
  "extern @c_trap(i32, ref, ref) -> ref\n"   \
  "extern @c_match(ref, ref) -> i32\n"       \
  "extern @c_uncaught(ref)\n"

/* Thrown three frames down, caught by the first handler that takes it:
 * handlers are tried in order, frame by frame, with exc_match for tags. */
static const char frames[] = HEAD
    "func @top(x: i32) -> i32 {\n"
    "entry:\n"
    "  y = add.i32 x, 1\n"
    "  br try(y)\n"
    "try(k: i32) [catch 3 -> h3, catch 0 -> hall]:\n"
    "  r = call @mid(k)\n"
    "  ret r\n"
    "h3(e: ref):\n"
    "  v = ptr_to_int e\n"
    "  w = mul.i32 k, 100\n"      /* k, live into the handler, kept */
    "  z = add.i32 v, w\n"
    "  ret z\n"
    "hall(e2: ref):\n"
    "  ret -1\n"
    "}\n"
    "func @mid(k: i32) -> i32 {\n"
    "entry [catch 5 -> h5]:\n"
    "  r = call @leaf(k)\n"
    "  ret r\n"
    "h5(e: ref):\n"
    "  ret 5\n"
    "}\n"
    "func @leaf(k: i32) -> i32 {\n"
    "entry:\n"
    "  c = icmp.eq k, 8\n"
    "  cbr c, no, yes\n"
    "no:\n"
    "  ret 42\n"
    "yes:\n"
    "  e = int_to_ref k\n"
    "  throw e\n"
    "}\n";

static void test_frames(void **state) {
  armjit_module *m = parse_ok(*state, frames);
  armjit_error err;
  int32_t r;
  /* k = 8: no exception */
  assert_int_equal(run1(m, "top", 7, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 42);
  assert_string_equal(trail, "");
  /* k = 10: mid's tag 5 takes it */
  assert_int_equal(run1(m, "top", 9, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 5);
  assert_string_equal(trail, "m10/5 ");
  /* k = 6: not 5, then top's tag 3 */
  assert_int_equal(run1(m, "top", 5, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 6 + 600);
  assert_string_equal(trail, "m6/5 m6/3 ");
  /* k = 7: the catch all (no exc_match for tag 0) */
  assert_int_equal(run1(m, "top", 6, &r, &err), ARMJIT_OK);
  assert_int_equal(r, -1);
  assert_string_equal(trail, "m7/5 m7/3 ");
  /* leaf alone: uncaught */
  assert_int_equal(run1(m, "leaf", 11, &r, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "uncaught exception 0xb"));
  assert_non_null(strstr(err.msg, "@leaf block yes"));
  assert_string_equal(trail, "u11 ");
  armjit_module_free(m);
}

/* Checks and trap throw what the trap handler returns (null: go on);
 * nested ranges: the inner block's list first, the handler's own list
 * for what the handler throws. */
static const char traps[] = HEAD
    "func @f(x: i32) -> i32 {\n"
    "entry [catch 0 -> outer]:\n"
    "  check_index x, 10, 0\n"         /* code 0: the handler returns null */
    "  cbr x, inner, zero\n"
    "zero:\n"
    "  trap 0\n"                       /* returns: the run stops */
    "inner [catch 1007 -> h7, catch 1001 -> h1, catch 0 -> outer]:\n"
    "  check_nonzero x, 7\n"
    "  c = icmp.eq x, 1\n"
    "  cbr c, one, two\n"
    "one [catch 1007 -> h7, catch 1001 -> h1, catch 0 -> outer]:\n"
    "  trap 1\n"
    "two [catch 1007 -> h7, catch 1001 -> h1, catch 0 -> outer]:\n"
    "  check_index x, 3, 2\n"
    "  ret x\n"
    "h7(e: ref):\n"
    "  ret 70\n"
    "h1(e1: ref) [catch 1 -> rethrown]:\n"
    "  throw e1\n"
    "rethrown(e2: ref):\n"
    "  v = ptr_to_int e2\n"
    "  ret v\n"
    "outer(e3: ref):\n"
    "  v3 = ptr_to_int e3\n"
    "  w3 = sub.i32 0, v3\n"
    "  ret w3\n"
    "}\n";

static void test_traps(void **state) {
  armjit_module *m = parse_ok(*state, traps);
  armjit_error err;
  int32_t r;
  assert_int_equal(run1(m, "f", 2, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 2);
  assert_string_equal(trail, "");
  /* x = 1: trap 1 -> exception 1001: h1 (tag 1001), throws again: h1's
   * own list (tag 1) */
  assert_int_equal(run1(m, "f", 1, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 1001);
  assert_string_equal(trail, "t1 m1001/1007 m1001/1001 m1001/1 ");
  /* x = 4: check_index code 2 -> 1002: not inner's, outer's catch all */
  assert_int_equal(run1(m, "f", 4, &r, &err), ARMJIT_OK);
  assert_int_equal(r, -1002);
  assert_string_equal(trail, "t2 m1002/1007 m1002/1001 ");
  /* x = 12: code 0 returns null, execution goes on; x = 0: trap 0 */
  assert_int_equal(run1(m, "f", 12, &r, &err), ARMJIT_OK);
  assert_int_equal(r, -1002);
  assert_string_equal(trail, "t0 t2 m1002/1007 m1002/1001 ");
  assert_int_equal(run1(m, "f", 0, &r, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "the trap handler returned from trap 0"));
  armjit_module_free(m);
}

/* Trap mode svc in the interpreter: exc_make(code, 0) is thrown; the
 * callbacks may be module functions; an exception must not leave one. */
static void test_svc_and_callbacks(void **state) {
  armjit_module *m = parse_ok(*state,
      "trap svc\n"
      "exc_make @make\n"
      "exc_match @match\n"
      "func @make(code: i32, pc: ref) -> ref {\n"
      "entry:\n"
      "  c = add.i32 code, 500\n"
      "  r = int_to_ref c\n"
      "  ret r\n"
      "}\n"
      "func @match(e: ref, tag: ref) -> i32 {\n"
      "entry:\n"
      "  z = icmp.eq tag, ref 99\n"
      "  cbr z, bad, good\n"
      "bad:\n"
      "  throw e\n"
      "good:\n"
      "  r = icmp.eq e, tag\n"
      "  ret r\n"
      "}\n"
      "func @f(x: i32) -> i32 {\n"
      "entry [catch 501 -> h1, catch 530 -> h30, catch 0 -> h0]:\n"
      "  check_nonzero x, 30\n"
      "  c = icmp.eq x, 1\n"
      "  cbr c, one, other\n"
      "one [catch 501 -> h1]:\n"
      "  trap 1\n"
      "other:\n"
      "  ret x\n"
      "h1(e1: ref):\n"
      "  ret 1\n"
      "h30(e30: ref):\n"
      "  ret 30\n"
      "h0(e0: ref):\n"
      "  ret 0\n"
      "}\n"
      "func @g(x: i32) -> i32 {\n"
      "entry [catch 99 -> h]:\n"
      "  trap 3\n"
      "h(e: ref):\n"
      "  ret 0\n"
      "}\n");
  armjit_error err;
  int32_t r;
  assert_int_equal(run1(m, "f", 0, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 30);
  assert_int_equal(run1(m, "f", 1, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 1);
  assert_int_equal(run1(m, "f", 5, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 5);
  assert_int_equal(run1(m, "g", 5, &r, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "thrown out of a callback"));
  armjit_module_free(m);
}

/* The builder: handler lists, throw, trap; misuse is remembered. */
static void test_builder(void **state) {
  armjit_ctx *ctx = *state;
  armjit_module *m = armjit_module_new(ctx, &(armjit_module_options){
      .trap = ARMJIT_TRAP_SVC, .exc_make = "mk", .exc_match = "c_match"});
  armjit_mtype mp[2] = {T(I32), T(REF)}, xp[2] = {T(REF), T(REF)}, r1 = T(REF);
  armjit_sym mk = armjit_func_new(m, "mk", mp, 2, T(REF));
  armjit_val cv = armjit_block_param(m, armjit_func_entry(m, mk), 0);
  armjit_val cr = armjit_op1(m, armjit_func_entry(m, mk), ARMJIT_MOP_INT_TO_REF, 0, cv);
  assert_int_equal(armjit_ret(m, armjit_func_entry(m, mk), cr), ARMJIT_OK);
  armjit_sym tag = armjit_extern(m, "c_match", xp, 2, T(I32));
  armjit_mtype fp[1] = {T(I32)};
  armjit_sym f = armjit_func_new(m, "f", fp, 1, T(I32));
  armjit_block e = armjit_func_entry(m, f), t = armjit_block_new(m, f, NULL, 0);
  armjit_block h = armjit_block_new(m, f, &r1, 1), h2 = armjit_block_new(m, f, &r1, 1);
  armjit_handler hl[2] = {{tag, 0, h}, {-1, 0, h2}};
  assert_int_equal(armjit_block_handlers(m, e, hl, 2), ARMJIT_OK);
  assert_int_equal(armjit_block_handlers(m, t, hl + 1, 1), ARMJIT_OK);
  armjit_val x = armjit_block_param(m, e, 0);
  assert_int_equal(armjit_check(m, e, ARMJIT_MOP_CHECK_NONZERO, &x, 1, 4), ARMJIT_OK);
  assert_int_equal(armjit_br(m, e, t, NULL, 0), ARMJIT_OK);
  assert_int_equal(armjit_trap(m, t, 9), ARMJIT_OK);
  armjit_val hp = armjit_block_param(m, h, 0);
  assert_int_equal(armjit_throw(m, h, hp), ARMJIT_OK);
  armjit_val hv = armjit_op1(m, h2, ARMJIT_MOP_PTR_TO_INT, 0, armjit_block_param(m, h2, 0));
  assert_int_equal(armjit_ret(m, h2, hv), ARMJIT_OK);
  armjit_error err;
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  char *s = armjit_module_to_string(m);
  assert_non_null(strstr(s, "exc_match @c_match\nexc_make @mk\n"));
  assert_non_null(strstr(s, "b0 [catch @c_match -> b2, catch 0 -> b3]:\n"));
  assert_non_null(strstr(s, "b1 [catch 0 -> b3]:\n  trap 9\n"));
  assert_non_null(strstr(s, "  throw v"));
  armjit_module *m2 = armjit_module_parse(ctx, s, &err);
  assert_non_null(m2);
  char *s2 = armjit_module_to_string(m2);
  assert_string_equal(s, s2);
  free(s);
  free(s2);
  armjit_module_free(m2);
  int32_t r;
  /* x = 0: exc 4 (tag c_match: no, c_match does not divide 4), catch all */
  assert_int_equal(run1(m, "f", 0, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 4);
  assert_int_equal(run1(m, "f", 3, &r, &err), ARMJIT_OK);
  assert_int_equal(r, 9);
  /* misuse */
  armjit_sym g = armjit_func_new(m, "g", NULL, 0, T(VOID));
  armjit_handler bad[1] = {{-1, 0, armjit_func_entry(m, g)}};
  assert_int_equal(armjit_block_handlers(m, e, bad, 1), ARMJIT_E_INVALID);
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "belongs to @g, not @f"));
  armjit_module_free(m);
  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_block_handlers(m, 12345, NULL, 0), ARMJIT_E_ARG);
  assert_int_equal(armjit_throw(m, -1, 0), ARMJIT_E_ARG);
  armjit_module_free(m);
  m = armjit_module_new(ctx, &(armjit_module_options){.exc_uncaught = "not an id"});
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_E_ARG);
  armjit_module_free(m);
}

/* ---- compiled code's shape (any host: linked, not run) --------------------------------- */
static bool resolve_any(void *ud, const char *name, uint32_t *addr) {
  (void)ud, (void)name;
  *addr = 0x8000;
  return true;
}

/* Link the module's code at 0x10000: its words (n of them), or fail. */
static const uint32_t *linked_text(armjit_object *o, size_t *n) {
  armjit_error err;
  armjit_link_options lo = {0x10000, 0, 0, 0, NULL, 0, 0};
  if (armjit_object_link(o, &lo, resolve_any, NULL, &err) != ARMJIT_OK)
    fail_msg("link: %s", err.msg);
  size_t size = 0;
  const uint32_t *w = armjit_object_section(o, ".text", NULL, &size);
  assert_non_null(w);
  *n = size / 4;
  return w;
}

static bool has_word(const uint32_t *w, size_t n, uint32_t x) {
  for (size_t i = 0; i < n; i++)
    if (w[i] == x) return true;
  return false;
}

/* Trap mode svc: checks are svc<cc> #code (SVC, A8.8.228: cond 1111 imm24);
 * __armjit_trap_svc saves r0-r3, ip, lr, returns with movs pc, lr or
 * resumes a handler with subs pc, ip, #0; mode udf: udf #code under a
 * branch (A8.8.247: e7f000f0 | imm12 << 8 | imm4). */
static void test_code_shape(void **state) {
  armjit_ctx *ctx = *state;
  armjit_module *m = parse_ok(ctx,
      "trap svc\n"
      "exc_make @mk\n"
      "extern @mk(i32, ref) -> ref\n"
      "func @f(p: ref, x: i32) -> i32 {\n"
      "entry [catch 0 -> h]:\n"
      "  check_null p, 20\n"
      "  check_index x, 10, 0xabcdef\n"
      "  ret x\n"
      "h(e: ref):\n"
      "  ret 0\n"
      "}\n");
  armjit_error err;
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("compile: %s", err.msg);
  size_t n;
  const uint32_t *w = linked_text(o, &n);
  assert_true(has_word(w, n, 0x0f000000u | 20));        /* svceq #20 */
  assert_true(has_word(w, n, 0x2f000000u | 0xabcdef));  /* svchs #0xabcdef */
  uint32_t at = 0;
  assert_true(armjit_object_symbol_addr(o, "__armjit_trap_svc", &at));
  assert_true(armjit_object_symbol_addr(o, "__armjit_throw", &at));
  assert_true(armjit_object_symbol_addr(o, "__armjit_fntab", &at));
  assert_true(has_word(w, n, 0xe92d500fu)); /* push {r0-r3, ip, lr} */
  assert_true(has_word(w, n, 0xe1b0f00eu)); /* movs pc, lr */
  assert_true(has_word(w, n, 0xe25cf000u)); /* subs pc, ip, #0 */
  /* the table: the module's record in its own section, after .rodata by
   * default: one function with one row, absolute addresses */
  uint32_t tab_at, f_at;
  size_t tab_size;
  const uint32_t *tab = armjit_object_section(o, "armjit_fntab", &tab_at, &tab_size);
  assert_non_null(tab);
  assert_int_equal(at, tab_at);
  assert_true(tab_at >= 0x10000 + 4 * n);
  assert_int_equal(tab[0], tab_size);       /* the record's size */
  assert_int_equal(tab[1], 0);              /* no exc_match */
  assert_int_equal(tab[2], 0x8000);         /* exc_make: the extern */
  assert_int_equal(tab[3], 0);              /* no exc_uncaught */
  assert_int_equal(tab[4], 1);              /* one function */
  assert_true(armjit_object_symbol_addr(o, "f", &f_at));
  assert_int_equal(tab[5], f_at);           /* start .. end */
  assert_true(tab[6] > f_at && tab[6] <= 0x10000 + 4 * n);
  const uint32_t *info = (const uint32_t *)((const uint8_t *)tab + tab[7]);
  assert_int_equal(info[6], 1);             /* rows */
  assert_true(info[7] >= f_at && info[7] < info[8] && info[8] <= tab[6]); /* the try range */
  assert_true(info[9] >= info[8] && info[9] < tab[6]); /* the handler */
  assert_int_equal(info[7 + 3], 0);         /* catch all */
  /* the link defines the section's bounds for the unwinder: its MOVW/MOVT
   * pairs load them */
  bool start = false, stop = false;
  for (size_t i = 0; i + 1 < n; i++) {
    if ((w[i] & 0x0ff00000u) != 0x03000000u || (w[i + 1] & 0x0ff00000u) != 0x03400000u) continue;
    uint32_t v = ((w[i] >> 4 & 0xf000u) | (w[i] & 0xfffu)) |
                 ((w[i + 1] >> 4 & 0xf000u) | (w[i + 1] & 0xfffu)) << 16;
    start |= v == tab_at;
    stop |= v == tab_at + tab_size;
  }
  assert_true(start && stop);
  armjit_object_free(o);
  armjit_module_free(m);
  m = parse_ok(ctx,
      "trap udf\n"
      "exc_make @mk\n"
      "extern @mk(i32, ref) -> ref\n"
      "func @f(x: i32) -> i32 {\n"
      "entry:\n"
      "  check_nonzero x, 0x1234\n"
      "  ret x\n"
      "}\n");
  o = armjit_module_compile(m, &err);
  if (!o) fail_msg("compile: %s", err.msg);
  w = linked_text(o, &n);
  assert_true(has_word(w, n, 0xe7f123f4u)); /* udf #0x1234 */
  assert_false(armjit_object_symbol_addr(o, "__armjit_trap_svc", &at));
  assert_true(armjit_object_symbol_addr(o, "__armjit_throw", &at)); /* for the user's vector */
  armjit_object_free(o);
  armjit_module_free(m);
}

/* The exception subroutines come with the run-time helpers, only when
 * used: none for a module that only divides (its helpers alone), the
 * unwinder with __armjit_throw for one that throws; a module may name
 * __armjit_throw as an extern (a vector calling it) but not define an
 * armjit subroutine's name. */
static void test_subroutines_when_used(void **state) {
  armjit_ctx *ctx = *state;
  uint32_t at = 0;
  size_t n;
  armjit_error err;
  armjit_module *m = parse_ok(ctx,
      "func @d(a: i64, b: i64) -> i64 {\n"
      "entry:\n"
      "  q = sdiv.i64 a, b\n"
      "  ret q\n"
      "}\n");
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("compile: %s", err.msg);
  assert_non_null(linked_text(o, &n)); /* (symbols are the linked image's) */
  assert_true(armjit_object_symbol_addr(o, "__armjit_mc_sdiv64", &at));
  assert_false(armjit_object_symbol_addr(o, "__armjit_throw", &at));
  assert_false(armjit_object_symbol_addr(o, "__armjit_unwind", &at));
  assert_false(armjit_object_symbol_addr(o, "__armjit_fntab", &at));
  armjit_object_free(o);
  armjit_module_free(m);
  m = parse_ok(ctx,
      "extern @__armjit_throw(ref, i32, ref)\n"
      "func @t(p: ref) {\n"
      "entry:\n"
      "  throw p\n"
      "}\n");
  o = armjit_module_compile(m, &err);
  if (!o) fail_msg("compile: %s", err.msg);
  assert_non_null(linked_text(o, &n)); /* (symbols are the linked image's) */
  assert_true(armjit_object_symbol_addr(o, "__armjit_throw", &at));
  assert_true(armjit_object_symbol_addr(o, "__armjit_unwind", &at));
  assert_false(armjit_object_symbol_addr(o, "__armjit_trap_svc", &at));
  assert_false(armjit_object_symbol_addr(o, "__armjit_mc_sdiv64", &at));
  armjit_object_free(o);
  armjit_module_free(m);
  m = parse_ok(ctx,
      "func @__armjit_unwind(p: ref) {\n"
      "entry:\n"
      "  throw p\n"
      "}\n");
  assert_null(armjit_module_compile(m, &err));
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "__armjit_unwind"));
  armjit_module_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_frames, setup, teardown),
      cmocka_unit_test_setup_teardown(test_traps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_svc_and_callbacks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_builder, setup, teardown),
      cmocka_unit_test_setup_teardown(test_code_shape, setup, teardown),
      cmocka_unit_test_setup_teardown(test_subroutines_when_used, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
