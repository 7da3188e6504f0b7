/* SPDX-License-Identifier: MIT */
/* Data symbols and sections of the method compiler (docs/mir.md, "data and
 * sections"): built through the API and printed as the text form (which
 * parses back to the same text), the builder's and the validator's errors,
 * the interpreter reading and writing data, and a flat image with data,
 * a named code section and words holding addresses, checked against the
 * linked symbol addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"

static armjit_ctx *new_ctx(void) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  return ctx;
}

static armjit_status validate(armjit_module *m, armjit_error *err) {
  return armjit_module_validate(m, err);
}

/* ---- the builder and the text form ------------------------------------------------ */
static void test_builder_text(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_module *m = armjit_module_new(ctx, NULL);
  armjit_mtype i32 = ARMJIT_T_I32;
  armjit_sym ext = armjit_extern(m, "ext", &i32, 1, ARMJIT_T_I32);
  armjit_sym f = armjit_func_new(m, "f", NULL, 0, ARMJIT_T_REF);
  armjit_sym g = armjit_func_new(m, "g", NULL, 0, ARMJIT_T_VOID);
  static const uint8_t bytes[12] = {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0x80};
  armjit_sym vt = armjit_data(m, "vt", ARMJIT_DATA_RODATA, NULL, 16, 4);
  armjit_sym cnt = armjit_data(m, "cnt", ARMJIT_DATA_DATA, bytes, 12, 8);
  armjit_sym zz = armjit_data(m, "zz", ARMJIT_DATA_BSS, NULL, 32, 16);
  assert_true(vt >= 0 && cnt >= 0 && zz >= 0);
  assert_int_equal(armjit_data_reloc(m, vt, 0, f, 0), ARMJIT_OK);
  assert_int_equal(armjit_data_reloc(m, vt, 8, ext, -4), ARMJIT_OK);
  assert_int_equal(armjit_data_reloc(m, vt, 4, g, 4), ARMJIT_OK); /* out of order: sorted */
  assert_int_equal(armjit_data_reloc(m, vt, 12, cnt, 8), ARMJIT_OK);
  assert_int_equal(armjit_sym_set_section(m, g, ".vectors"), ARMJIT_OK);
  assert_int_equal(armjit_sym_set_local(m, cnt, true), ARMJIT_OK);
  armjit_block b = armjit_func_entry(m, f);
  armjit_ret(m, b, armjit_addr(m, b, cnt, 4));
  armjit_ret(m, armjit_func_entry(m, g), ARMJIT_NOVAL);
  armjit_error err;
  if (validate(m, &err) != ARMJIT_OK) fail_msg("%s", err.msg);
  assert_true(armjit_sym_is_data(m, vt));
  assert_false(armjit_sym_is_data(m, f));
  assert_true(armjit_sym_is_local(m, cnt));
  assert_false(armjit_sym_is_local(m, vt));
  assert_string_equal(armjit_sym_section(m, vt), ".rodata");
  assert_string_equal(armjit_sym_section(m, cnt), ".data");
  assert_string_equal(armjit_sym_section(m, zz), ".bss");
  assert_string_equal(armjit_sym_section(m, f), ".text");
  assert_string_equal(armjit_sym_section(m, g), ".vectors");
  assert_null(armjit_sym_section(m, ext));
  char *text = armjit_module_to_string(m);
  assert_non_null(text);
  static const char want[] =
      "extern @ext(i32) -> i32\n"
      "func @f() -> ref {\n"
      "b0:\n"
      "  v0 = addr @cnt+4\n"
      "  ret v0\n"
      "}\n"
      "func @g() section(\".vectors\") {\n"
      "b0:\n"
      "  ret\n"
      "}\n"
      "data @vt rodata align 4 = [@f, @g+4, @ext-4, @cnt+8]\n"
      "data @cnt local data align 8 = [i32 0x04030201, zero 7, i8 0x80]\n"
      "data @zz bss align 16 size 32\n";
  assert_string_equal(text, want);
  armjit_module *m2 = armjit_module_parse(ctx, text, &err);
  if (!m2) fail_msg("%d:%d %s", err.line, err.col, err.msg);
  assert_int_equal(validate(m2, &err), ARMJIT_OK);
  char *text2 = armjit_module_to_string(m2);
  assert_string_equal(text, text2);
  free(text);
  free(text2);
  armjit_module_free(m2);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* ---- errors ------------------------------------------------------------------------- */
static void expect_err(armjit_module *m, armjit_status code, const char *msg) {
  armjit_error err;
  armjit_status st = validate(m, &err);
  if (st != code || !strstr(err.msg, msg))
    fail_msg("got %s \"%s\", expected %s \"%s\"", armjit_status_name(st), err.msg,
             armjit_status_name(code), msg);
  armjit_module_free(m);
}

static void test_errors(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  uint8_t one = 1;
  armjit_module *m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_data(m, "b", ARMJIT_DATA_BSS, &one, 1, 1), -1);
  expect_err(m, ARMJIT_E_ARG, "bss data has no initial bytes");
  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_data(m, "9x", ARMJIT_DATA_DATA, NULL, 1, 1), -1);
  expect_err(m, ARMJIT_E_ARG, "is not a C identifier");
  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_data(m, "big", ARMJIT_DATA_DATA, NULL, (1u << 24) + 1, 1), -1);
  expect_err(m, ARMJIT_E_LIMIT, "at most 16777216");
  m = armjit_module_new(ctx, NULL);
  armjit_sym d = armjit_data(m, "d", ARMJIT_DATA_DATA, NULL, 8, 1);
  assert_int_equal(armjit_sym_set_section(m, d, ".bss"), ARMJIT_E_ARG);
  expect_err(m, ARMJIT_E_ARG, "'.bss' is no section name");
  m = armjit_module_new(ctx, NULL);
  armjit_sym x = armjit_extern(m, "x", NULL, 0, ARMJIT_T_VOID);
  assert_int_equal(armjit_sym_set_section(m, x, ".s"), ARMJIT_E_ARG);
  expect_err(m, ARMJIT_E_ARG, "is not a function or data symbol");
  m = armjit_module_new(ctx, NULL);
  x = armjit_extern(m, "x", NULL, 0, ARMJIT_T_VOID);
  assert_int_equal(armjit_data_reloc(m, x, 0, x, 0), ARMJIT_E_ARG);
  expect_err(m, ARMJIT_E_ARG, "is not a data symbol");
  m = armjit_module_new(ctx, NULL);
  d = armjit_data(m, "d", ARMJIT_DATA_DATA, NULL, 8, 1);
  assert_int_equal(armjit_data_reloc(m, d, 0, 99, 0), ARMJIT_E_ARG);
  expect_err(m, ARMJIT_E_ARG, "target 99 is not a symbol");
  /* the validator's */
  m = armjit_module_new(ctx, NULL);
  armjit_data(m, "d", ARMJIT_DATA_DATA, NULL, 8, 3);
  expect_err(m, ARMJIT_E_INVALID, "@d: alignment 3 is no power of two");
  m = armjit_module_new(ctx, NULL);
  d = armjit_data(m, "d", ARMJIT_DATA_DATA, NULL, 8, 4);
  armjit_data_reloc(m, d, 6, d, 0);
  expect_err(m, ARMJIT_E_INVALID, "@d: word at offset 6: an address needs 4 aligned bytes");
  m = armjit_module_new(ctx, NULL);
  d = armjit_data(m, "d", ARMJIT_DATA_DATA, NULL, 8, 4);
  armjit_data_reloc(m, d, 4, d, 0);
  armjit_data_reloc(m, d, 4, d, 4);
  expect_err(m, ARMJIT_E_INVALID, "two addresses in the word at offset 4");
  m = armjit_module_new(ctx, NULL);
  d = armjit_data(m, "d", ARMJIT_DATA_BSS, NULL, 8, 4);
  armjit_data_reloc(m, d, 0, d, 0);
  expect_err(m, ARMJIT_E_INVALID, "bss data holds no addresses");
  m = armjit_module_new(ctx, NULL);
  d = armjit_data(m, "d", ARMJIT_DATA_RODATA, NULL, 8, 4);
  armjit_sym e = armjit_data(m, "e", ARMJIT_DATA_DATA, NULL, 8, 4);
  armjit_sym_set_section(m, d, ".t");
  armjit_sym_set_section(m, e, ".t");
  expect_err(m, ARMJIT_E_INVALID, "@e: section .t holds rodata (@d), not data");
  armjit_ctx_free(ctx);
}

/* ---- the interpreter ----------------------------------------------------------------- */
static const char counter_text[] =
    "data @cnt data align 4 = [i32 5, i32 7]\n"
    "data @tab rodata align 4 = [i32 10, i32 20, i32 30, i32 40]\n"
    "data @buf bss align 8 size 16\n"
    "func @step(i: i32) -> i32 {\n"
    "entry:\n"
    "  p = addr @tab\n"
    "  v = load.i32 p, i, 2, 0\n"
    "  c = addr @cnt\n"
    "  x = load.i32 c, 4\n"
    "  y = add.i32 v, x\n"
    "  store.i32 c, 4, y\n"
    "  b = addr @buf\n"
    "  store.i32 b, 8, y\n"
    "  z = load.i32 b, 8\n"
    "  ret z\n"
    "}\n";

static void test_interp(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, counter_text, &err);
  assert_non_null(m);
  assert_null(armjit_mc_interp_data(m, "cnt")); /* before the first run */
  armjit_mval arg = {.i32 = 2}, res;
  assert_int_equal(armjit_mc_interpret(m, "step", &arg, 1, &res, NULL, &err), ARMJIT_OK);
  assert_int_equal(res.i32, 37);
  arg.i32 = 3; /* the data stays from run to run */
  assert_int_equal(armjit_mc_interpret(m, "step", &arg, 1, &res, NULL, &err), ARMJIT_OK);
  assert_int_equal(res.i32, 77);
  const int32_t *cnt = armjit_mc_interp_data(m, "cnt");
  assert_non_null(cnt);
  assert_int_equal(cnt[0], 5);
  assert_int_equal(cnt[1], 77);
  const int32_t *buf = armjit_mc_interp_data(m, "buf");
  assert_int_equal(buf[2], 77);
  assert_int_equal(buf[0], 0);
  assert_null(armjit_mc_interp_data(m, "step"));
  /* a change to the module starts the data again */
  armjit_extern(m, "unused", NULL, 0, ARMJIT_T_VOID);
  assert_int_equal(armjit_mc_interpret(m, "step", &arg, 1, &res, NULL, &err), ARMJIT_OK);
  assert_int_equal(res.i32, 47);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* ---- a flat image ------------------------------------------------------------------------- */
static const char image_text[] =
    "extern @ext(i32) -> i32\n"
    "data @vt rodata align 4 = [@g, @f+4, @ext, @cnt, i32 7]\n"
    "data @cnt local data align 8 = [i64 -2, i8 1]\n"
    "data @buf bss align 16 size 64\n"
    "data @t data section(\".tables\") = [@buf+8]\n"
    "func @g(x: i32) -> i32 local {\n"
    "entry:\n"
    "  p = addr @cnt\n"
    "  v = load.i32 p, 0\n"
    "  w = add.i32 v, x\n"
    "  store.i32 p, 0, w\n"
    "  ret w\n"
    "}\n"
    "func @f() -> i32 section(\".vectors\") {\n"
    "entry:\n"
    "  r = call @g(3)\n"
    "  ret r\n"
    "}\n";

static bool only_ext(void *ud, const char *name, uint32_t *addr) {
  (void)ud;
  if (strcmp(name, "ext") != 0) return false;
  *addr = 0x40001;
  return true;
}

static uint32_t word_at(const void *p, uint32_t off) {
  uint32_t w;
  memcpy(&w, (const uint8_t *)p + off, 4);
  return w;
}

/* Does code (n bytes) hold a MOVW/MOVT pair loading v (A8.8.106/108)? */
static bool has_pair(const void *code, size_t n, uint32_t v) {
  for (size_t at = 0; at + 8 <= n; at += 4) {
    uint32_t w = word_at(code, (uint32_t)at), t = word_at(code, (uint32_t)at + 4);
    if ((w & 0x0ff00000u) != 0x03000000u || (t & 0x0ff00000u) != 0x03400000u) continue;
    uint32_t lo = (w >> 4 & 0xf000u) | (w & 0xfffu), hi = (t >> 4 & 0xf000u) | (t & 0xfffu);
    if ((hi << 16 | lo) == v) return true;
  }
  return false;
}

static void test_flat_image(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, image_text, &err);
  if (!m) fail_msg("%d:%d %s", err.line, err.col, err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("%s", err.msg);
  /* a named section must be placed */
  armjit_link_options lo = {.text = 0x8000};
  assert_int_equal(armjit_object_link(o, &lo, only_ext, NULL, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "needs an address"));
  armjit_section_addr place[] = {{".vectors", 0}, {".tables", 0x30000}};
  lo.data = 0x20000;
  lo.sections = place;
  lo.nsections = 2;
  if (armjit_object_link(o, &lo, only_ext, NULL, &err) != ARMJIT_OK) fail_msg("%s", err.msg);
  uint32_t g, f, cnt, buf, vt, t;
  assert_true(armjit_object_symbol_addr(o, "g", &g));
  assert_true(armjit_object_symbol_addr(o, "f", &f));
  assert_true(armjit_object_symbol_addr(o, "cnt", &cnt));
  assert_true(armjit_object_symbol_addr(o, "buf", &buf));
  assert_true(armjit_object_symbol_addr(o, "vt", &vt));
  assert_true(armjit_object_symbol_addr(o, "t", &t));
  assert_true(g >= 0x8000 && g < 0x9000);
  assert_true(f < 0x100); /* .vectors at 0 */
  assert_int_equal(cnt, 0x20000);
  assert_int_equal(t, 0x30000);
  uint32_t addr;
  size_t size;
  const void *ro = armjit_object_section(o, ".rodata", &addr, &size);
  assert_non_null(ro);
  assert_int_equal(addr, vt);
  assert_int_equal(size, 20);
  assert_int_equal(word_at(ro, 0), g);
  assert_int_equal(word_at(ro, 4), f + 4);
  assert_int_equal(word_at(ro, 8), 0x40001);
  assert_int_equal(word_at(ro, 12), cnt);
  assert_int_equal(word_at(ro, 16), 7);
  const uint8_t *data = armjit_object_section(o, ".data", &addr, &size);
  static const uint8_t cnt_bytes[9] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1};
  assert_int_equal(size, 9);
  assert_memory_equal(data, cnt_bytes, 9);
  assert_null(armjit_object_section(o, ".bss", &addr, &size));
  assert_int_equal(size, 64);
  assert_int_equal(addr, buf);
  assert_int_equal(addr % 16, 0);
  const void *tables = armjit_object_section(o, ".tables", &addr, &size);
  assert_int_equal(word_at(tables, 0), buf + 8);
  /* the code: g loads cnt's address, f (in .vectors) reaches g through ip */
  const void *text = armjit_object_section(o, ".text", NULL, &size);
  assert_true(has_pair(text, size, cnt));
  const void *vec = armjit_object_section(o, ".vectors", NULL, &size);
  assert_true(has_pair(vec, size, g));
  /* the listing shows the data after the code, words holding addresses named */
  char *lst = NULL;
  size_t lsz = 0;
  FILE *mem = open_memstream(&lst, &lsz);
  assert_non_null(mem);
  armjit_status st = armjit_object_dis(o, mem);
  fclose(mem);
  if (st == ARMJIT_OK) {
    static const char *const want[] = {"@vt: 20 bytes in .rodata\n",
                                       "  00000000: 00000000  .word @g\n",
                                       "  00000004: 00000004  .word @f+4\n",
                                       "  00000010: 00000007  .word\n",
                                       "@cnt: 9 bytes in .data\n",
                                       "  00000008: 01  .byte\n",
                                       "@buf: 64 bytes in .bss (zeros)\n",
                                       "@t: 4 bytes in .tables\n  00000000: 00000008  .word @buf+8\n"};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
      if (!strstr(lst, want[k])) fail_msg("the listing lacks \"%s\":\n%s", want[k], lst);
  } else {
    assert_int_equal(st, ARMJIT_E_UNSUPPORTED); /* no capstone */
  }
  free(lst);
  armjit_object_free(o);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* ---- out of memory anywhere ----------------------------------------------------------- */
typedef struct {
  long live, total, fail_after; /* fail_after -1: never */
} heap;

static void *h_alloc(void *ud, size_t n) {
  heap *h = ud;
  if (h->fail_after >= 0 && h->total >= h->fail_after) return NULL;
  void *p = malloc(n);
  if (p) h->live++, h->total++;
  return p;
}
static void *h_realloc(void *ud, void *p, size_t n) {
  heap *h = ud;
  if (h->fail_after >= 0 && h->total >= h->fail_after) return NULL;
  void *q = realloc(p, n);
  if (q) h->live += !p, h->total++;
  return q;
}
static void h_free(void *ud, void *p) {
  heap *h = ud;
  if (p) h->live--;
  free(p);
}

/* Every allocation failing in turn: parse, interpret, compile, write the
 * ELF object, link a flat image; each step fails with ARMJIT_E_NOMEM or
 * succeeds, nothing leaks. */
static void test_oom(void **state) {
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
  long base = h.live;
  unsigned failures = 0;
  for (long k = 0;; k++) {
    h.total = 0;
    h.fail_after = k;
    armjit_status st = ARMJIT_OK;
    armjit_module *m = armjit_module_parse(ctx, image_text, &err);
    armjit_module *m2 = armjit_module_parse(ctx, counter_text, &err);
    armjit_object *obj = NULL;
    void *elf = NULL;
    if (!m || !m2) st = err.code;
    armjit_mval a = {.i32 = 1}, r;
    if (st == ARMJIT_OK) st = armjit_mc_interpret(m2, "step", &a, 1, &r, NULL, &err);
    if (st == ARMJIT_OK && !(obj = armjit_module_compile(m, &err))) st = err.code;
    size_t size;
    if (st == ARMJIT_OK && !(elf = armjit_object_elf(obj, 0, &size, &err))) st = err.code;
    armjit_section_addr place[] = {{".vectors", 0}, {".tables", 0x30000}};
    armjit_link_options lo = {.text = 0x8000, .data = 0x20000, .sections = place, .nsections = 2};
    if (st == ARMJIT_OK) st = armjit_object_link(obj, &lo, only_ext, NULL, &err);
    free(elf);
    armjit_object_free(obj);
    armjit_module_free(m);
    armjit_module_free(m2);
    h.fail_after = -1;
    assert_int_equal(h.live, base);
    if (st == ARMJIT_OK) break;
    if (st != ARMJIT_E_NOMEM) fail_msg("allocation %ld failing: %s %s", k, armjit_status_name(st), err.msg);
    failures++;
  }
  assert_true(failures > 50);
  armjit_ctx_free(ctx);
  assert_int_equal(h.live, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oom),
      cmocka_unit_test(test_builder_text),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_interp),
      cmocka_unit_test(test_flat_image),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
