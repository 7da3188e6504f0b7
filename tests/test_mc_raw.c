/* SPDX-License-Identifier: MIT */
/* Raw functions (armjit_raw_func, docs/mir.md "raw functions") on any
 * host: built from an a32 buffer and from words plus records, the text
 * form (print -> parse -> print, the same object bytes), every builder,
 * parser and validator rejection with its message, the interpreter's host
 * implementation rule, and a flat-image link whose words are checked
 * against encodings computed here (A8.8.25 BL, A8.8.106/108 MOVW/MOVT);
 * the interface dispatch stub's shape and text.  Execution is
 * arm_mc_raw.c's. */
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
  if (!ctx) fail_msg("context: %s", err.msg);
  return ctx;
}

static const armjit_mtype I1[] = {ARMJIT_T_I32};

/* @r(i32) -> i32 clobbers(r4):
 *    0  push {r4, lr}
 *    4  mov  r4, r0
 *    8  bl   ext              CALL  ext
 *   12  add  r0, r0, r4
 *   16  movw r1, tbl+8 ; movt  MOVW  tbl+8
 *   24  movw r2, L ; movt     MOVW  the function itself + 36
 *   32  pop  {r4, pc}
 *   36  L: .word tbl+4         ABS32 tbl+4 */
static armjit_sym build_r(armjit_module *m) {
  a32_buf *b = a32_buf_new(0, 0);
  assert_non_null(b);
  a32_sym ext = a32_sym_new(b, "ext"), tbl = a32_sym_new(b, "tbl");
  a32_label l = a32_label_new(b);
  a32_push(b, A32_AL, 1u << 4 | 1u << 14);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R4, 0, a32_r(A32_R0));
  a32_bl_sym(b, A32_AL, ext, 0);
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R4));
  a32_mov_sym_abs(b, A32_AL, A32_R1, tbl, 8);
  a32_mov_label_abs(b, A32_AL, A32_R2, l);
  a32_pop(b, A32_AL, 1u << 4 | 1u << 15);
  a32_label_bind(b, l);
  a32_word_sym(b, tbl, 4);
  assert_int_equal(a32_buf_status(b), A32_OK);
  armjit_raw_desc d = {.buf = b, .clobbers = ARMJIT_RAW_CLOBBER_R(4)};
  armjit_sym s = armjit_raw_func(m, "r", I1, 1, ARMJIT_T_I32, &d);
  a32_buf_free(b);
  return s;
}

static armjit_module *build_module(armjit_ctx *ctx) {
  armjit_module *m = armjit_module_new(ctx, NULL);
  assert_non_null(m);
  assert_true(armjit_extern(m, "ext", I1, 1, ARMJIT_T_I32) >= 0);
  assert_true(armjit_extern(m, "tbl", NULL, 0, ARMJIT_T_VOID) >= 0);
  armjit_sym r = build_r(m);
  assert_true(r >= 0);
  armjit_sym f = armjit_func_new(m, "f", I1, 1, ARMJIT_T_I32);
  armjit_block e = armjit_func_entry(m, f);
  armjit_val x = armjit_block_param(m, e, 0);
  armjit_val y = armjit_call(m, e, r, &x, 1);
  assert_int_equal(armjit_ret(m, e, y), ARMJIT_OK);
  armjit_error err;
  if (armjit_module_validate(m, &err) != ARMJIT_OK) fail_msg("validate: %s", err.msg);
  return m;
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint32_t movwt_imm(uint32_t w) { return (w >> 4 & 0xf000u) | (w & 0xfffu); }

typedef struct {
  const char *name;
  uint32_t addr;
} known;
static bool resolve(void *ud, const char *name, uint32_t *addr) {
  for (const known *k = ud; k->name; k++)
    if (strcmp(k->name, name) == 0) {
      *addr = k->addr;
      return true;
    }
  return false;
}

static void check_linked(armjit_module *m) {
  armjit_error err;
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("compile: %s", err.msg);
  static const known ext[] = {{"ext", 0x00200000u}, {"tbl", 0x30000000u}, {NULL, 0}};
  armjit_link_options opt;
  memset(&opt, 0, sizeof opt);
  opt.text = 0x00010000u;
  if (armjit_object_link(o, &opt, resolve, (void *)ext, &err) != ARMJIT_OK)
    fail_msg("link: %s", err.msg);
  uint32_t taddr, r;
  size_t size;
  const uint8_t *t = armjit_object_section(o, ".text", &taddr, &size);
  assert_non_null(t);
  assert_true(armjit_object_symbol_addr(o, "r", &r));
  const uint8_t *p = t + (r - taddr);
  assert_true(r - taddr + 40 <= size);
  assert_int_equal(rd32(p), 0xe92d4010u); /* push {r4, lr}: copied as is */
  uint32_t bl = rd32(p + 8);              /* bl ext: imm24 = (S - P - 8) / 4 */
  assert_int_equal(bl >> 24, 0xebu);
  assert_int_equal((r + 8 + 8 + ((uint32_t)((int32_t)(bl << 8) >> 6))), 0x00200000u);
  uint32_t v = movwt_imm(rd32(p + 16)) | movwt_imm(rd32(p + 20)) << 16;
  assert_int_equal(v, 0x30000008u);          /* tbl + 8 */
  assert_int_equal(rd32(p + 16) >> 12 & 15, 1); /* into r1 */
  v = movwt_imm(rd32(p + 24)) | movwt_imm(rd32(p + 28)) << 16;
  assert_int_equal(v, r + 36);               /* the word L of the function itself */
  assert_int_equal(rd32(p + 32), 0xe8bd8010u); /* pop {r4, pc} */
  assert_int_equal(rd32(p + 36), 0x30000004u); /* tbl + 4 */
  /* @f calls @r with a BL to its entry */
  uint32_t fa;
  assert_true(armjit_object_symbol_addr(o, "f", &fa));
  bool found = false;
  for (uint32_t a = fa; a + 4 <= taddr + size && !found; a += 4) {
    uint32_t w = rd32(t + (a - taddr));
    if (w >> 24 == 0xeb) found = a + 8 + (uint32_t)((int32_t)(w << 8) >> 6) == r;
  }
  assert_true(found);
  armjit_object_free(o);
}

/* ---- text round trip, object, link ------------------------------------------------------ */
static void test_build_print_parse(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_module *m = build_module(ctx);
  char *s1 = armjit_module_to_string(m);
  assert_non_null(s1);
  assert_non_null(strstr(s1, "raw @r(i32) -> i32 clobbers(r4) {\n"));
  assert_non_null(strstr(s1, "  ebfffffe call @ext-8\n"));
  assert_non_null(strstr(s1, "  e3001008 movw @tbl+8\n  e3401008\n"));
  assert_non_null(strstr(s1, " movw @r+36\n"));
  assert_non_null(strstr(s1, "  00000004 abs32 @tbl+4\n"));
  armjit_error err;
  armjit_module *m2 = armjit_module_parse(ctx, s1, &err);
  if (!m2) fail_msg("parse %d:%d: %s\n%s", err.line, err.col, err.msg, s1);
  assert_int_equal(armjit_module_validate(m2, &err), ARMJIT_OK);
  char *s2 = armjit_module_to_string(m2);
  assert_string_equal(s1, s2);
  assert_true(armjit_sym_is_raw(m2, armjit_module_find(m2, "r")));
  assert_false(armjit_sym_is_raw(m2, armjit_module_find(m2, "f")));
  uint32_t nw = 0, cl = 0;
  unsigned fl = 9;
  const uint32_t *w = armjit_raw_code(m2, armjit_module_find(m2, "r"), &nw, &cl, &fl);
  assert_non_null(w);
  assert_int_equal(nw, 10);
  assert_int_equal(cl, ARMJIT_RAW_CLOBBER_R(4));
  assert_int_equal(fl, 0);
  assert_null(armjit_raw_code(m2, armjit_module_find(m2, "f"), &nw, &cl, &fl));
  /* the same object bytes from both */
  armjit_object *o1 = armjit_module_compile(m, &err), *o2 = armjit_module_compile(m2, &err);
  assert_non_null(o1);
  assert_non_null(o2);
  assert_int_equal(armjit_object_size(o1), armjit_object_size(o2));
  check_linked(m);
  check_linked(m2);
  /* the listing names the raw code */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  armjit_status st = armjit_object_dis(o1, f);
  fclose(f);
  if (st == ARMJIT_OK) assert_non_null(strstr(buf, "@r: 40 bytes\n  # raw\n"));
  free(buf);
  armjit_object_free(o1);
  armjit_object_free(o2);
  free(s1);
  free(s2);
  armjit_module_free(m);
  armjit_module_free(m2);
  armjit_ctx_free(ctx);
}

/* Words and records instead of a buffer; jump24 to a module function. */
static void test_words_and_records(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_module *m = armjit_module_new(ctx, NULL);
  armjit_sym g = armjit_func_new(m, "g", NULL, 0, ARMJIT_T_I32);
  armjit_ret(m, armjit_func_entry(m, g), armjit_mconst_i32(m, g, 7));
  /* b g (the word's imm24 is rewritten to the addend: -8 / 4) */
  const uint32_t code[] = {0xe3a00001u, 0xea000000u};
  const armjit_raw_reloc rel[] = {{4, A32_RELOC_JUMP24, g, -8}};
  armjit_raw_desc d = {.code = code, .size = sizeof code, .relocs = rel, .nrelocs = 1,
                       .flags = ARMJIT_RAW_NOCALL};
  armjit_sym t = armjit_raw_func(m, "tail", NULL, 0, ARMJIT_T_I32, &d);
  assert_true(t >= 0);
  uint32_t nw;
  const uint32_t *w = armjit_raw_code(m, t, &nw, NULL, NULL);
  assert_int_equal(w[1], 0xeafffffeu);
  char *s = armjit_module_to_string(m);
  assert_non_null(strstr(s, "raw @tail() -> i32 nocall {\n  e3a00001\n  eafffffe jump24 @g-8\n}\n"));
  /* calling a nocall raw function is a validation error */
  armjit_sym h = armjit_func_new(m, "h", NULL, 0, ARMJIT_T_I32);
  armjit_block e = armjit_func_entry(m, h);
  armjit_ret(m, e, armjit_call(m, e, t, NULL, 0));
  armjit_error err;
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "nocall"));
  free(s);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* ---- the interpreter ------------------------------------------------------------------------- */
static int32_t host_r(int32_t x) { return 3 * x + 1; }

static void test_interpreter(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_module *m = build_module(ctx);
  armjit_mval a = {.i32 = 5}, r = {.bits = 0};
  armjit_error err;
  assert_int_equal(armjit_mc_interpret(m, "f", &a, 1, &r, NULL, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "@r is a raw function"));
  assert_int_equal(armjit_mc_interpret(m, "r", &a, 1, &r, NULL, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "raw function"));
  /* a host implementation under its name */
  assert_int_equal(armjit_ctx_add_symbol(ctx, "r", (uintptr_t)host_r), ARMJIT_OK);
  armjit_status st = armjit_mc_interpret(m, "f", &a, 1, &r, NULL, &err);
  if (st != ARMJIT_E_UNSUPPORTED) { /* (built without libffi) */
    assert_int_equal(st, ARMJIT_OK);
    assert_int_equal(r.i32, 16);
  }
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* ---- rejections -------------------------------------------------------------------------------- */
static void expect_bad(armjit_module *m, armjit_sym s, const char *part) {
  assert_int_equal(s, -1);
  armjit_error err;
  assert_int_not_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  if (!strstr(err.msg, part)) fail_msg("message '%s' lacks '%s'", err.msg, part);
}

static void test_builder_rejections(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  static const uint32_t movwt[] = {0xe3001000u, 0xe3401000u}; /* movw r1 / movt r1 */
  static const uint32_t movw_r2[] = {0xe3001000u, 0xe3402000u}; /* movt into r2 */
  static const uint32_t two[] = {0xe1a00000u, 0xe12fff1eu};
  static const uint32_t bl[] = {0xeb000000u};
  static const uint32_t b[] = {0xea000000u};
  struct {
    armjit_raw_desc d;
    const char *part;
    int sym; /* relocation target: 0 ext, 1 g, -1 none */
  } cases[] = {
      {{.code = two, .size = 6}, "a multiple of 4", -1},
      {{.code = two, .size = 0}, "a multiple of 4", -1},
      {{.code = NULL, .size = 8}, "at NULL", -1},
      {{.code = two, .size = 8, .clobbers = ARMJIT_RAW_CLOBBER_R(11)}, "only r4-r10", -1},
      {{.code = two, .size = 8, .clobbers = 1u << 13}, "only r4-r10", -1},
      {{.code = two, .size = 8, .clobbers = ARMJIT_RAW_CLOBBER_R(3)}, "only r4-r10", -1},
      {{.code = two, .size = 8, .flags = 2}, "unknown flags", -1},
      {{.code = two, .size = 8, .nrelocs = 1}, "relocations at NULL", -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    armjit_module *m = armjit_module_new(ctx, NULL);
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &cases[i].d), cases[i].part);
    armjit_module_free(m);
  }
  /* relocations: offset, kind, word, pairing, addend, target */
  struct {
    const uint32_t *code;
    uint32_t size;
    armjit_raw_reloc r;
    int target; /* 0 ext, 1 g, 2 itself */
    const char *part;
  } rc[] = {
      {two, 8, {2, A32_RELOC_ABS32, 0, 0}, 0, "not a word of the code"},
      {two, 8, {8, A32_RELOC_ABS32, 0, 0}, 0, "not a word of the code"},
      {two, 8, {0, A32_RELOC_MOVT_ABS, 0, 0}, 0, "kind 44"},
      {two, 8, {0, A32_RELOC_CALL, 0, -8}, 0, "needs a BL"},
      {b, 4, {0, A32_RELOC_CALL, 0, -8}, 0, "needs a BL"},
      {bl, 4, {0, A32_RELOC_JUMP24, 0, -8}, 0, "a B or a conditional BL"},
      {bl, 4, {0, A32_RELOC_CALL, 0, 2}, 0, "no branch offset"},
      {bl, 4, {0, A32_RELOC_CALL, 1, 0}, 1, "goes to its entry"},
      {bl, 4, {0, A32_RELOC_CALL, 2, 4}, 2, "outside the function"},
      {movwt, 4, {0, A32_RELOC_MOVW_ABS_NC, 0, 0}, 0, "MOVT of the same register"},
      {movw_r2, 8, {0, A32_RELOC_MOVW_ABS_NC, 0, 0}, 0, "MOVT of the same register"},
      {movwt, 8, {0, A32_RELOC_MOVW_ABS_NC, 0, 40000}, 0, "signed 16-bit"},
      {movwt, 8, {0, A32_RELOC_MOVW_ABS_NC, 1, 4}, 1, "(addend 0)"},
      {movwt, 8, {0, A32_RELOC_MOVW_ABS_NC, 2, 8}, 2, "outside the function"},
      {two, 8, {0, A32_RELOC_ABS32, 1, 0}, 1, "cannot hold the address of function"},
      {two, 8, {0, A32_RELOC_ABS32, 7, 0}, 3, "no symbol of the module"},
  };
  for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++) {
    armjit_module *m = armjit_module_new(ctx, NULL);
    armjit_sym ext = armjit_extern(m, "ext", NULL, 0, ARMJIT_T_VOID);
    armjit_sym g = armjit_func_new(m, "g", NULL, 0, ARMJIT_T_VOID);
    armjit_ret(m, armjit_func_entry(m, g), ARMJIT_NOVAL);
    armjit_raw_reloc r = rc[i].r;
    r.sym = rc[i].target == 0 ? ext : rc[i].target == 1 ? g : rc[i].target == 2 ? 2 : 7;
    armjit_raw_desc d = {.code = rc[i].code, .size = rc[i].size, .relocs = &r, .nrelocs = 1};
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d), rc[i].part);
    armjit_module_free(m);
  }
  /* two records on one word; a movw's record covers its movt */
  {
    armjit_module *m = armjit_module_new(ctx, NULL);
    armjit_sym ext = armjit_extern(m, "ext", NULL, 0, ARMJIT_T_VOID);
    armjit_raw_reloc r[] = {{0, A32_RELOC_MOVW_ABS_NC, ext, 0}, {4, A32_RELOC_ABS32, ext, 0}};
    armjit_raw_desc d = {.code = movwt, .size = 8, .relocs = r, .nrelocs = 2};
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d), "not after the one before");
    armjit_module_free(m);
  }
  /* a buffer naming no symbol of the module, with an error, empty */
  {
    armjit_module *m = armjit_module_new(ctx, NULL);
    a32_buf *bb = a32_buf_new(0, 0);
    a32_bl_sym(bb, A32_AL, a32_sym_new(bb, "nowhere"), 0);
    armjit_raw_desc d = {.buf = bb};
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d), "no symbol of the module");
    armjit_module_free(m);
    m = armjit_module_new(ctx, NULL);
    a32_movw(bb, A32_AL, A32_R0, 0x10000);
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d), "the buffer has an error");
    armjit_module_free(m);
    a32_buf_free(bb);
    m = armjit_module_new(ctx, NULL);
    bb = a32_buf_new(0, 0);
    d.buf = bb;
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d), "bytes of code");
    a32_buf_free(bb);
    armjit_module_free(m);
  }
  /* name and description */
  {
    armjit_module *m = armjit_module_new(ctx, NULL);
    armjit_raw_desc d = {.code = two, .size = 8};
    expect_bad(m, armjit_raw_func(m, "1x", NULL, 0, ARMJIT_T_VOID, &d), "not a C identifier");
    armjit_module_free(m);
    m = armjit_module_new(ctx, NULL);
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, NULL), "description is NULL");
    armjit_module_free(m);
    m = armjit_module_new(ctx, NULL);
    assert_true(armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d) >= 0);
    expect_bad(m, armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d), "duplicate symbol");
    armjit_module_free(m);
    /* raw functions have no blocks to build on */
    m = armjit_module_new(ctx, NULL);
    armjit_sym x = armjit_raw_func(m, "x", NULL, 0, ARMJIT_T_VOID, &d);
    assert_true(x >= 0);
    assert_int_equal(armjit_func_entry(m, x), -1);
    armjit_error err;
    assert_int_not_equal(armjit_module_validate(m, &err), ARMJIT_OK);
    armjit_module_free(m);
  }
  armjit_ctx_free(ctx);
}

static void test_parse_rejections(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  static const struct {
    const char *text;
    armjit_status code;
    int line, col;
    const char *part;
  } cases[] = {
      {"raw @x() {\n  e12fff1\n}\n", ARMJIT_E_SYNTAX, 2, 3, "8 hex digits"},
      {"raw @x() {\n  e12fff1e0\n}\n", ARMJIT_E_SYNTAX, 2, 3, "8 hex digits"},
      {"raw @x() {\n  call @x\n}\n", ARMJIT_E_SYNTAX, 2, 3, "follows the word"},
      {"raw @x() {\n  ebfffffe call @y\n}\n", ARMJIT_E_INVALID, 2, 18, "unknown symbol @y"},
      {"raw @x() {\n  ebfffffe jump @x\n}\n", ARMJIT_E_SYNTAX, 2, 12, "a relocation (call"},
      {"raw @x() {\n  e12fff1e abs32 @x\n}\n", ARMJIT_E_INVALID, 3, 1, "cannot hold the address"},
      {"raw @x() clobbers(r11) {\n  e12fff1e\n}\n", ARMJIT_E_SYNTAX, 1, 19, "r4-r10 or d8-d15"},
      {"raw @x() clobbers(r4, r4) {\n  e12fff1e\n}\n", ARMJIT_E_INVALID, 1, 23, "twice"},
      {"raw @x() nocall nocall {\n  e12fff1e\n}\n", ARMJIT_E_INVALID, 1, 17, "twice"},
      {"raw @x() naked {\n  e12fff1e\n}\n", ARMJIT_E_SYNTAX, 1, 10, "unknown raw function attribute"},
      {"raw @x() {\n}\n", ARMJIT_E_INVALID, 2, 1, "empty"},
      {"raw @x() {\n  e12fff1e\n", ARMJIT_E_SYNTAX, 1, 5, "missing '}'"},
      {"raw @x(a: i32) {\n  e12fff1e\n}\n", ARMJIT_E_SYNTAX, 1, 8, ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    armjit_error err;
    armjit_module *m = armjit_module_parse(ctx, cases[i].text, &err);
    if (m) fail_msg("case %zu parsed:\n%s", i, cases[i].text);
    if (err.code != cases[i].code || err.line != cases[i].line || err.col != cases[i].col ||
        !strstr(err.msg, cases[i].part))
      fail_msg("case %zu: got %d at %d:%d '%s', want %d at %d:%d '%s'", i, err.code, err.line,
               err.col, err.msg, cases[i].code, cases[i].line, cases[i].col, cases[i].part);
  }
  armjit_ctx_free(ctx);
}

/* A raw function's text: several words a line, comments, 0x, forward
 * symbols, d clobbers. */
static void test_parse_forms(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  const char *text =
      "raw @x(i32, f64) -> f64 clobbers(d8, r10, d15) {\n"
      "  0xe1a00000 e1a00000  # two nops\n"
      "\n"
      "  ebfffffe call @later-8 e12fff1e\n"
      "}\n"
      "extern @later()\n";
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("parse %d:%d: %s", err.line, err.col, err.msg);
  char *s = armjit_module_to_string(m);
  assert_string_equal(s,
                      "raw @x(i32, f64) -> f64 clobbers(r10, d8, d15) {\n"
                      "  e1a00000\n  e1a00000\n  ebfffffe call @later-8\n  e12fff1e\n}\n"
                      "extern @later()\n");
  free(s);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* A raw function in a named section: printed and parsed with it; a
 * branch from it to a function of .text cannot be one BL (compile error),
 * a movw pair can. */
static void test_sections(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  const char *text =
      "raw @vec() nocall section(\".vectors\") {\n"
      "  eafffffe jump24 @reset-8\n"
      "}\n"
      "func @reset() naked {\nentry:\n  halt\n}\n";
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("parse %d:%d: %s", err.line, err.col, err.msg);
  char *t = armjit_module_to_string(m);
  assert_non_null(strstr(t, "raw @vec() nocall section(\".vectors\") {\n"));
  armjit_module *m2 = armjit_module_parse(ctx, t, &err);
  assert_non_null(m2);
  char *t2 = armjit_module_to_string(m2);
  assert_string_equal(t, t2);
  assert_null(armjit_module_compile(m, &err));
  assert_int_equal(err.code, ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "leaves section .vectors"));
  free(t);
  free(t2);
  armjit_module_free(m);
  armjit_module_free(m2);
  m = armjit_module_parse(ctx,
                          "raw @vec() nocall section(\".vectors\") {\n"
                          "  e300c000 movw @reset\n  e340c000\n  e12fff1c\n}\n"
                          "func @reset() naked {\nentry:\n  halt\n}\n",
                          &err);
  assert_non_null(m);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("compile: %s", err.msg);
  armjit_object_free(o);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* ---- the interface dispatch stub --------------------------------------------------------------- */
static void test_itable_stub(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_module *m = armjit_module_new(ctx, NULL);
  armjit_sym miss = armjit_extern(m, "no_method", NULL, 0, ARMJIT_T_VOID);
  armjit_itable_layout l = {0, 8, miss, 0};
  armjit_sym s = armjit_stub_itable(m, "imdeleg", &l);
  assert_true(s >= 0);
  uint32_t nw, cl;
  unsigned fl;
  const uint32_t *w = armjit_raw_code(m, s, &nw, &cl, &fl);
  assert_non_null(w);
  assert_int_equal(fl, ARMJIT_RAW_NOCALL);
  assert_int_equal(cl, 0);
  assert_int_equal(nw, 16);
  assert_int_equal(w[0], 0xe92d000fu);  /* push {r0-r3} */
  assert_int_equal(w[1], 0xe5900000u);  /* ldr r0, [r0] */
  assert_int_equal(w[2], 0xe5901008u);  /* ldr r1, [r0, #8] */
  assert_int_equal(w[13], 0xe12fff1cu); /* bx ip */
  assert_int_equal(w[15], 0xeafffffeu); /* b no_method (REL addend -8) */
  char *t = armjit_module_to_string(m);
  assert_non_null(strstr(t, "stub_itable @imdeleg class 0 itable 8 miss @no_method\n"));
  armjit_error err;
  armjit_module *m2 = armjit_module_parse(ctx, t, &err);
  if (!m2) fail_msg("parse %d:%d: %s", err.line, err.col, err.msg);
  char *t2 = armjit_module_to_string(m2);
  assert_string_equal(t, t2);
  free(t);
  free(t2);
  armjit_module_free(m2);
  /* the udf miss and the rejections */
  armjit_itable_layout u = {-4, 12, -1, 0x1234};
  s = armjit_stub_itable(m, "imdeleg2", &u);
  assert_true(s >= 0);
  w = armjit_raw_code(m, s, &nw, NULL, NULL);
  assert_int_equal(w[1], 0xe5100004u);  /* ldr r0, [r0, #-4] */
  assert_int_equal(w[nw - 1], 0xe7f123f4u); /* udf #0x1234 */
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  armjit_itable_layout bad[] = {{4096, 0, -1, 0}, {0, -4096, -1, 0}, {0, 0, 99, 0}, {0, 0, -1, 0x10000}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    armjit_module *mb = armjit_module_new(ctx, NULL);
    assert_int_equal(armjit_stub_itable(mb, "x", &bad[i]), -1);
    assert_int_not_equal(armjit_module_validate(mb, &err), ARMJIT_OK);
    assert_non_null(strstr(err.msg, "armjit_stub_itable"));
    armjit_module_free(mb);
  }
  armjit_module *mb = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_stub_itable(mb, "x", NULL), -1);
  armjit_module_free(mb);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* The text request: the same code as the API's; its errors. */
static void test_itable_stub_text(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  armjit_error err;
  armjit_module *m = armjit_module_parse(
      ctx,
      "stub_itable @d class -4 itable 12 miss @later  # before its miss symbol\n"
      "stub_itable @u class 0 itable 0x8 udf 0x1234\n"
      "extern @later()\n",
      &err);
  if (!m) fail_msg("parse %d:%d: %s", err.line, err.col, err.msg);
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  armjit_module *m2 = armjit_module_new(ctx, NULL);
  armjit_sym later = armjit_extern(m2, "later", NULL, 0, ARMJIT_T_VOID);
  armjit_itable_layout l1 = {-4, 12, later, 0}, l2 = {0, 8, -1, 0x1234};
  armjit_sym d2 = armjit_stub_itable(m2, "d", &l1), u2 = armjit_stub_itable(m2, "u", &l2);
  const char *names[2] = {"d", "u"};
  armjit_sym api[2] = {d2, u2};
  for (int k = 0; k < 2; k++) {
    uint32_t n1, n2;
    unsigned f1;
    const uint32_t *w1 = armjit_raw_code(m, armjit_module_find(m, names[k]), &n1, NULL, &f1);
    const uint32_t *w2 = armjit_raw_code(m2, api[k], &n2, NULL, NULL);
    assert_non_null(w1);
    assert_int_equal(n1, n2);
    assert_memory_equal(w1, w2, 4 * n1);
    assert_int_equal(f1, ARMJIT_RAW_NOCALL);
  }
  /* printed as the requests, which parse back to the same text */
  char *t = armjit_module_to_string(m);
  assert_string_equal(t, "stub_itable @d class -4 itable 12 miss @later\n"
                         "stub_itable @u class 0 itable 8 udf 4660\n"
                         "extern @later()\n");
  armjit_module *m3 = armjit_module_parse(ctx, t, &err);
  assert_non_null(m3);
  char *t3 = armjit_module_to_string(m3);
  assert_string_equal(t, t3);
  free(t);
  free(t3);
  armjit_module_free(m3);
  armjit_module_free(m2);
  armjit_module_free(m);
  static const struct {
    const char *text;
    armjit_status code;
    int line, col;
    const char *part;
  } bad[] = {
      {"stub_itable @d klass 0 itable 8 udf 0\n", ARMJIT_E_SYNTAX, 1, 16, "expected 'class'"},
      {"stub_itable @d class 4096 itable 8 udf 0\n", ARMJIT_E_INVALID, 1, 22, "out of range"},
      {"stub_itable @d class 0 itable x udf 0\n", ARMJIT_E_SYNTAX, 1, 31, "an integer"},
      {"stub_itable @d class 0 itable 8 udf 65536\n", ARMJIT_E_INVALID, 1, 37, "out of range"},
      {"stub_itable @d class 0 itable 8 miss @nope\n", ARMJIT_E_INVALID, 1, 39, "unknown symbol"},
      {"stub_itable @d class 0 itable 8 udf 1 2\n", ARMJIT_E_SYNTAX, 1, 39, "end of the line"},
      {"stub_itable @d class 0 itable 8 udf 1\nextern @d()\n", ARMJIT_E_INVALID, 2, 8, "duplicate"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    armjit_module *mb = armjit_module_parse(ctx, bad[i].text, &err);
    if (mb) fail_msg("case %zu parsed", i);
    if (err.code != bad[i].code || err.line != bad[i].line || err.col != bad[i].col ||
        !strstr(err.msg, bad[i].part))
      fail_msg("case %zu: got %d at %d:%d '%s', want %d at %d:%d '%s'", i, err.code, err.line,
               err.col, err.msg, bad[i].code, bad[i].line, bad[i].col, bad[i].part);
  }
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_build_print_parse),
      cmocka_unit_test(test_words_and_records),
      cmocka_unit_test(test_interpreter),
      cmocka_unit_test(test_builder_rejections),
      cmocka_unit_test(test_parse_rejections),
      cmocka_unit_test(test_parse_forms),
      cmocka_unit_test(test_sections),
      cmocka_unit_test(test_itable_stub),
      cmocka_unit_test(test_itable_stub_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
