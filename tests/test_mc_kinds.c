/* SPDX-License-Identifier: MIT */
/* Function kinds (naked, interrupt(kind)), their attributes (save_vfp,
 * assume_no_vfp, no_frame_slots) and the hardware intrinsics, on the IR
 * side: text round trips, the builder calls, every validator and compile
 * rule with its status and message, and the interpreter's answer for the
 * intrinsics it runs and those it cannot. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"

static int setup(void **state) {
  armjit_error err;
  *state = armjit_ctx_new(NULL, &err);
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* Every intrinsic and every attribute once. */
static const char every[] =
    "extern @tick(i32)\n"
    "func @isr() interrupt(irq) save_vfp {\n"
    "entry:\n"
    "  i0 = load.i32 -118488820, 0 volatile\n"
    "  call @tick(i0)\n"
    "  x = load.i64 4096, 0 volatile\n"
    "  store.i64 4096, 8, x volatile\n"
    "  ret\n"
    "}\n"
    "func @f1() interrupt(fiq) assume_no_vfp {\n"
    "entry:\n"
    "  ret\n"
    "}\n"
    "func @f2() interrupt(svc) no_frame_slots {\n"
    "entry:\n"
    "  ret\n"
    "}\n"
    "func @f3() interrupt(undef) {\nentry:\n  ret\n}\n"
    "func @f4() interrupt(pabt) {\nentry:\n  ret\n}\n"
    "func @f5() interrupt(dabt) {\nentry:\n  ret\n}\n"
    "func @f6(a: f64) -> f64 save_vfp {\nentry:\n  ret a\n}\n"
    "func @reset() naked {\n"
    "entry:\n"
    "  i7 = get_lr\n"
    "  i9 = get_reg 12\n"
    "  cps_mode svc\n"
    "  cps_mode sys\n"
    "  cpsid aif\n"
    "  cpsie i\n"
    "  i0 = mrc 15, 0, 1, 0, 2\n"
    "  i1 = or.i32 i0, 15728640\n"
    "  mcr 15, 0, 1, 0, 2, i1\n"
    "  isb sy\n"
    "  dmb ish\n"
    "  dsb 5\n"
    "  i2 = mrs cpsr\n"
    "  i3 = mrs spsr\n"
    "  msr cpsr_fc, i2\n"
    "  msr spsr_fsxc, i3\n"
    "  i4 = vmrs fpscr\n"
    "  vmsr fpexc, i4\n"
    "  wfi\n"
    "  wfe\n"
    "  sev\n"
    "  nop\n"
    "  svc 66\n"
    "  bkpt 3\n"
    "  udf 7\n"
    "  raw 0xe320f003\n"
    "  i5 = get_sp\n"
    "  i6 = get_fp\n"
    "  i8 = get_pc\n"
    "  set_sp i5\n"
    "  set_fp i6\n"
    "  set_lr i7\n"
    "  set_reg 3, i9\n"
    "  i10 = bit_test 4096, 3\n"
    "  cbr i10, a, b\n"
    "a:\n"
    "  halt\n"
    "b:\n"
    "  cbr i10, c, d\n"
    "c:\n"
    "  jump_to i8\n"
    "d:\n"
    "  exc_return 4, i7\n"
    "}\n";

static void test_round_trip(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, every, &err);
  if (!m) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
  if (armjit_module_validate(m, &err) != ARMJIT_OK) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
  char *t = armjit_module_to_string(m);
  assert_non_null(t);
  assert_string_equal(t, every);
  free(t);
  armjit_sym s = armjit_module_find(m, "isr");
  assert_int_equal(armjit_func_kind(m, s), ARMJIT_FK_IRQ);
  assert_int_equal(armjit_func_flags(m, s), ARMJIT_FUNC_SAVE_VFP);
  assert_int_equal(armjit_func_kind(m, armjit_module_find(m, "reset")), ARMJIT_FK_NAKED);
  assert_int_equal(armjit_func_kind(m, armjit_module_find(m, "f6")), ARMJIT_FK_NORMAL);
  armjit_module_free(m);
  /* the barrier option may be left out (sy) */
  m = armjit_module_parse(ctx, "func @f() {\nentry:\n  dmb\n  ret\n}\n", &err);
  assert_non_null(m);
  t = armjit_module_to_string(m);
  assert_non_null(strstr(t, "  dmb sy\n"));
  free(t);
  armjit_module_free(m);
}

/* The same module through the builder. */
static void test_builder(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_module *m = armjit_module_new(ctx, NULL);
  armjit_sym f = armjit_func_new(m, "isr", NULL, 0, ARMJIT_T_VOID);
  assert_int_equal(armjit_func_set_kind(m, f, ARMJIT_FK_SVC), ARMJIT_OK);
  assert_int_equal(armjit_func_set_flags(m, f, ARMJIT_FUNC_SAVE_VFP | ARMJIT_FUNC_NO_FRAME_SLOTS),
                   ARMJIT_OK);
  armjit_block b = armjit_func_entry(m, f);
  int32_t cp[5] = {15, 0, 1, 0, 2};
  armjit_val v = armjit_emit(m, b, ARMJIT_MOP_MRC, 0, NULL, 0, cp, 5, -1, 0);
  assert_int_not_equal(v, ARMJIT_NOVAL);
  int32_t psr = ARMJIT_PSR_SPSR | ARMJIT_PSR_C | ARMJIT_PSR_F;
  armjit_emit(m, b, ARMJIT_MOP_MSR, 0, &v, 1, &psr, 1, -1, 0);
  int32_t opt = 11;
  armjit_emit(m, b, ARMJIT_MOP_DSB, 0, NULL, 0, &opt, 1, -1, 0);
  assert_int_equal(armjit_ret(m, b, ARMJIT_NOVAL), ARMJIT_OK);
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  char *t = armjit_module_to_string(m);
  assert_string_equal(t, "func @isr() interrupt(svc) save_vfp no_frame_slots {\n"
                         "b0:\n"
                         "  v0 = mrc 15, 0, 1, 0, 2\n"
                         "  msr spsr_fc, v0\n"
                         "  dsb ish\n"
                         "  ret\n"
                         "}\n");
  free(t);
  /* an intrinsic terminator through armjit_emit */
  armjit_sym g = armjit_func_new(m, "stop", NULL, 0, ARMJIT_T_VOID);
  armjit_func_set_kind(m, g, ARMJIT_FK_NAKED);
  armjit_emit(m, armjit_func_entry(m, g), ARMJIT_MOP_HALT, 0, NULL, 0, NULL, 0, -1, 0);
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  /* bad kinds, flags, handles */
  assert_int_equal(armjit_func_set_kind(m, f, (armjit_fkind)99), ARMJIT_E_ARG);
  armjit_module_free(m);
  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", NULL, 0, ARMJIT_T_VOID);
  assert_int_equal(armjit_func_set_flags(m, f, 0x80), ARMJIT_E_ARG);
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_E_ARG);
  assert_non_null(strstr(err.msg, "unknown flags"));
  armjit_module_free(m);
  m = armjit_module_new(ctx, NULL);
  assert_int_equal(armjit_func_set_kind(m, 7, ARMJIT_FK_NAKED), ARMJIT_E_ARG);
  armjit_module_free(m);
  /* a field out of range is the builder's error already */
  m = armjit_module_new(ctx, NULL);
  f = armjit_func_new(m, "f", NULL, 0, ARMJIT_T_VOID);
  int32_t big = 0x1000000;
  armjit_emit(m, armjit_func_entry(m, f), ARMJIT_MOP_SVC, 0, NULL, 0, &big, 1, -1, 0);
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "bad svc number"));
  armjit_module_free(m);
}

typedef struct {
  const char *text;
  armjit_status code;
  int line, col;
  const char *msg; /* a part of the message */
} bad_case;

static const bad_case bad[] = {
    /* attributes (parser) */
    {"func @f() bogus {\nentry:\n  ret\n}\n", ARMJIT_E_SYNTAX, 1, 11, "unknown function attribute 'bogus'"},
    {"func @f() interrupt(nmi) {\nentry:\n  ret\n}\n", ARMJIT_E_SYNTAX, 1, 21, "unknown interrupt kind"},
    {"func @f() interrupt(naked) {\nentry:\n  ret\n}\n", ARMJIT_E_SYNTAX, 1, 21, "unknown interrupt kind"},
    {"func @f() interrupt irq {\nentry:\n  ret\n}\n", ARMJIT_E_SYNTAX, 1, 21, "expected '(' after interrupt"},
    {"func @f() naked interrupt(irq) {\nentry:\n  halt\n}\n", ARMJIT_E_INVALID, 1, 17, "a second function kind"},
    {"func @f() save_vfp save_vfp {\nentry:\n  ret\n}\n", ARMJIT_E_INVALID, 1, 20, "given twice"},
    /* immediates (parser) */
    {"func @f() {\nentry:\n  i0 = mrc 16, 0, 1, 0, 2\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 12, "bad coprocessor (0..15)"},
    {"func @f() {\nentry:\n  i0 = mrc 15, 8, 1, 0, 2\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 16, "bad opc1 (0..7)"},
    {"func @f() {\nentry:\n  i0 = mrc 15, 0, 1, 0\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 8, "takes 5 immediates"},
    {"func @f() {\nentry:\n  i0 = mrs apsr\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 12, "bad status register"},
    {"func @f(a: i32) {\nentry:\n  msr cpsr_q, a\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 7, "fields"},
    {"func @f(a: i32) {\nentry:\n  msr cpsr_cc, a\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 7, "fields"},
    {"func @f() {\nentry:\n  cpsid x\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 9, "interrupt mask"},
    {"func @f() {\nentry:\n  cps_mode 0x14\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 12, "processor mode"},
    {"func @f(a: i32) {\nentry:\n  vmsr mvfr0, a\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 8, "read-only"},
    {"func @f() {\nentry:\n  dmb 16\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 7, "barrier option (0..15)"},
    {"func @f() {\nentry:\n  svc 0x1000000\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 7, "svc number"},
    {"func @f() {\nentry:\n  bkpt 65536\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 8, "bkpt number"},
    {"func @f() naked {\nentry:\n  set_reg 15, 0\n  halt\n}\n", ARMJIT_E_SYNTAX, 3, 11, "jump_to"},
    {"func @f() {\nentry:\n  raw 0x100000000\n  ret\n}\n", ARMJIT_E_SYNTAX, 3, 7, "expected an immediate"},
    /* validator: kinds */
    {"func @f(a: i32) interrupt(irq) {\nentry:\n  ret\n}\n", ARMJIT_E_INVALID, 1, 6, "takes no parameters"},
    {"func @f() -> i32 interrupt(fiq) {\nentry:\n  ret 0\n}\n", ARMJIT_E_INVALID, 1, 6, "returns nothing"},
    {"func @f() naked save_vfp {\nentry:\n  halt\n}\n", ARMJIT_E_INVALID, 1, 6, "no frame to save"},
    {"func @f() interrupt(irq) save_vfp assume_no_vfp {\nentry:\n  ret\n}\n", ARMJIT_E_INVALID, 1, 6, "contradict"},
    {"func @f() assume_no_vfp {\nentry:\n  ret\n}\n", ARMJIT_E_INVALID, 1, 6, "for interrupt functions"},
    {"func @f() naked {\nentry:\n  ret\n}\n", ARMJIT_E_INVALID, 3, 3, "cannot return"},
    {"func @g() {\nentry:\n  ret\n}\nfunc @f() interrupt(irq) {\nentry:\n  call @g()\n  ret\n}\n",
     ARMJIT_E_INVALID, 7, 3, "calls @g: that needs save_vfp"},
    {"func @f() interrupt(svc) {\nentry:\n  x = load.f64 4096, 0\n  ret\n}\n", ARMJIT_E_INVALID, 3, 3, "f64 result"},
    {"func @f() interrupt(irq) {\nentry:\n  x = load.i32 4096, 0\n  call_ind x()\n  ret\n}\n",
     ARMJIT_E_INVALID, 4, 3, "indirect call"},
    {"func @f() interrupt(irq) {\nentry:\n  store.f32 4096, 0, 1.0\n  ret\n}\n", ARMJIT_E_INVALID, 3, 3, "f32 operand"},
    {"func @f() {\nentry:\n  i0 = get_reg 3\n  ret\n}\n", ARMJIT_E_INVALID, 3, 3, "only allowed in naked"},
    {"func @f() {\nentry:\n  set_sp 0\n  ret\n}\n", ARMJIT_E_INVALID, 3, 3, "only allowed in naked"},
    {"func @f(p: ref) {\nentry:\n  jump_to p\n}\n", ARMJIT_E_INVALID, 3, 3, "only allowed in naked"},
    {"func @f() {\nentry:\n  i0 = mrc 10, 7, 0, 0, 0\n  ret\n}\n", ARMJIT_E_INVALID, 3, 3, "vmrs"},
    /* naked: ip, lr, r10 are read before anything may use them as scratch */
    {"func @f() naked {\nentry:\n  store.i32 4096, 0, 5\n  l = get_lr\n  jump_to l\n}\n",
     ARMJIT_E_INVALID, 4, 3, "get_lr of ip, lr or r10 in a naked function must come first"},
    {"func @f() naked {\nentry:\n  a = get_reg 14\n  br n\nn:\n  b = get_reg 12\n  halt\n}\n",
     ARMJIT_E_INVALID, 6, 3, "get_reg of ip, lr or r10"},
    {"func @f() naked {\nentry:\n  a = get_reg 3\n  b = get_reg 10\n  halt\n}\n",
     ARMJIT_E_INVALID, 4, 3, "must come first in the entry block"},
};

static void test_errors(void **state) {
  armjit_ctx *ctx = *state;
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    const bad_case *b = &bad[k];
    armjit_error err;
    armjit_module *m = armjit_module_parse(ctx, b->text, &err);
    if (m) {
      armjit_status st = armjit_module_validate(m, &err);
      armjit_module_free(m);
      if (st == ARMJIT_OK) fail_msg("case %zu accepted:\n%s", k, b->text);
    }
    if (err.code != b->code || err.line != b->line || err.col != b->col ||
        !strstr(err.msg, b->msg))
      fail_msg("case %zu: got %d at %d:%d '%s', want %d at %d:%d '%s'", k, (int)err.code, err.line,
               err.col, err.msg, (int)b->code, b->line, b->col, b->msg);
  }
}

/* Rules found while compiling: frame slots a function may not have. */
static void test_compile_errors(void **state) {
  armjit_ctx *ctx = *state;
  static const struct {
    const char *text, *msg;
  } cases[] = {
      /* twelve values live at once: more than the allocatable registers */
      {"func @f() no_frame_slots {\nentry:\n"
       "  a0 = load.i32 4096, 0 volatile\n  a1 = load.i32 4096, 4 volatile\n"
       "  a2 = load.i32 4096, 8 volatile\n  a3 = load.i32 4096, 12 volatile\n"
       "  a4 = load.i32 4096, 16 volatile\n  a5 = load.i32 4096, 20 volatile\n"
       "  a6 = load.i32 4096, 24 volatile\n  a7 = load.i32 4096, 28 volatile\n"
       "  a8 = load.i32 4096, 32 volatile\n  a9 = load.i32 4096, 36 volatile\n"
       "  b0 = load.i32 4096, 40 volatile\n  b1 = load.i32 4096, 44 volatile\n"
       "  store.i32 4096, 0, a0\n  store.i32 4096, 0, a1\n  store.i32 4096, 0, a2\n"
       "  store.i32 4096, 0, a3\n  store.i32 4096, 0, a4\n  store.i32 4096, 0, a5\n"
       "  store.i32 4096, 0, a6\n  store.i32 4096, 0, a7\n  store.i32 4096, 0, a8\n"
       "  store.i32 4096, 0, a9\n  store.i32 4096, 0, b0\n  store.i32 4096, 0, b1\n"
       "  ret\n}\n",
       "no_frame_slots but needs"},
      {"func @f() naked {\nentry:\n"
       "  a0 = load.i32 4096, 0 volatile\n  a1 = load.i32 4096, 4 volatile\n"
       "  a2 = load.i32 4096, 8 volatile\n  a3 = load.i32 4096, 12 volatile\n"
       "  a4 = load.i32 4096, 16 volatile\n  a5 = load.i32 4096, 20 volatile\n"
       "  a6 = load.i32 4096, 24 volatile\n  a7 = load.i32 4096, 28 volatile\n"
       "  a8 = load.i32 4096, 32 volatile\n  a9 = load.i32 4096, 36 volatile\n"
       "  b0 = load.i32 4096, 40 volatile\n  b1 = load.i32 4096, 44 volatile\n"
       "  store.i32 4096, 0, a0\n  store.i32 4096, 0, a1\n  store.i32 4096, 0, a2\n"
       "  store.i32 4096, 0, a3\n  store.i32 4096, 0, a4\n  store.i32 4096, 0, a5\n"
       "  store.i32 4096, 0, a6\n  store.i32 4096, 0, a7\n  store.i32 4096, 0, a8\n"
       "  store.i32 4096, 0, a9\n  store.i32 4096, 0, b0\n  store.i32 4096, 0, b1\n"
       "  halt\n}\n",
       "naked function @f needs frame slots"},
      {"extern @g(i32, i32, i32, i32, i32)\n"
       "func @f() naked {\nentry:\n  call @g(1, 2, 3, 4, 5)\n  halt\n}\n",
       "outgoing stack argument area"},
      {"func @f(a: i32, b: i32, c: i32, d: i32, e: i32) naked {\nentry:\n  halt\n}\n",
       "parameter 5 is passed on the stack"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    armjit_error err;
    armjit_module *m = armjit_module_parse(ctx, cases[k].text, &err);
    if (!m) fail_msg("case %zu: %s", k, err.msg);
    armjit_object *o = armjit_module_compile(m, &err);
    if (o) fail_msg("case %zu compiled", k);
    if (err.code != ARMJIT_E_INVALID || !strstr(err.msg, cases[k].msg))
      fail_msg("case %zu: %d '%s'", k, (int)err.code, err.msg);
    armjit_module_free(m);
  }
}

/* The interpreter runs bit_test, barriers and hints, and refuses the
 * machine's own, naming the op. */
static void test_interpreter(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  static uint32_t word = 0x00000120u; /* bits 5 and 8 */
  char text[600];
  /* the address of `word` as a ref constant */
  snprintf(text, sizeof text,
           "func @f(n: i32) -> i32 {\nentry:\n"
           "  dmb ish\n  dsb\n  isb\n  nop\n  sev\n"
           "  b = bit_test ref 0x%llx, n\n"
           "  ret b\n}\n"
           "func @g() -> i32 {\nentry:\n  x = mrs cpsr\n  ret x\n}\n",
           (unsigned long long)(uintptr_t)&word);
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("%s", err.msg);
  for (int32_t n = 0; n < 40; n++) {
    armjit_mval a = {.i32 = n}, r;
    assert_int_equal(armjit_mc_interpret(m, "f", &a, 1, &r, NULL, &err), ARMJIT_OK);
    assert_int_equal(r.i32, (int32_t)((word >> (n & 31)) & 1));
  }
  armjit_mval r;
  assert_int_equal(armjit_mc_interpret(m, "g", NULL, 0, &r, NULL, &err), ARMJIT_E_UNSUPPORTED);
  assert_non_null(strstr(err.msg, "mrs"));
  armjit_module_free(m);
}

/* ---- compiled code ------------------------------------------------------------------------ */
/* The words of a one-module object linked for TEXT (every extern at
 * 0x1000), little-endian, whatever the host; *n words.  Exits the test on
 * failure. */
static bool any_at(void *ud, const char *name, uint32_t *addr) {
  (void)ud;
  (void)name;
  *addr = 0x1000;
  return true;
}

static uint32_t *compiled_words(armjit_ctx *ctx, const char *text, uint32_t at, size_t *n) {
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("%s", err.msg);
  armjit_link_options opt = {.text = at};
  if (armjit_object_link(o, &opt, any_at, NULL, &err) != ARMJIT_OK) fail_msg("%s", err.msg);
  uint32_t addr;
  size_t size;
  const uint8_t *p = armjit_object_section(o, ".text", &addr, &size);
  assert_non_null(p);
  assert_int_equal(addr, at);
  *n = size / 4;
  uint32_t *w = malloc(size);
  assert_non_null(w);
  for (size_t i = 0; i < *n; i++)
    w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
           (uint32_t)p[4 * i + 3] << 24;
  armjit_object_free(o);
  armjit_module_free(m);
  return w;
}

/* An instruction, with the fields that depend on register allocation
 * masked out: word & mask == want. */
typedef struct {
  uint32_t want, mask;
  const char *what;
} insn;

/* Each of want[] in order (others may lie between them). */
static void expect_in_order(const uint32_t *w, size_t n, const insn *want, size_t nwant,
                            const char *fn) {
  size_t i = 0;
  for (size_t k = 0; k < nwant; k++) {
    while (i < n && (w[i] & want[k].mask) != want[k].want) i++;
    if (i == n) fail_msg("%s: no %s (0x%08x) after the ones before it", fn, want[k].what, want[k].want);
    i++;
  }
}

static unsigned popcount(uint32_t x) {
  unsigned n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

/* Every interrupt kind's entry and exit (docs/design.md §11.2): the lr
 * adjustment (ARM ARM B1.8.3: irq, fiq, pabt 4, dabt 8, svc and undef
 * none), the push of r0-r3, ip, fp, lr and the used registers, an even
 * count (FIQ: r8-r12 are banked, so only r0-r7 and lr), fp at the saved
 * fp, get_lr reading the adjusted lr's slot, and the exception return
 * ldm sp!, {..., pc}^ with the same list. */
static void test_interrupt_frames(void **state) {
  armjit_ctx *ctx = *state;
  static const struct {
    const char *kind;
    uint32_t adjust;
    bool banked;
  } kinds[] = {{"irq", 4, false},  {"fiq", 4, true},  {"svc", 0, false},
               {"undef", 0, false}, {"pabt", 4, false}, {"dabt", 8, false}};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    char text[256];
    snprintf(text, sizeof text,
             "func @h() interrupt(%s) {\nentry:\n  l = get_lr\n  store.i32 4096, 0, l volatile\n"
             "  ret\n}\n",
             kinds[k].kind);
    size_t n, i = 0;
    uint32_t *w = compiled_words(ctx, text, 0x8000, &n);
    const char *kn = kinds[k].kind;
    assert_true(n >= 5);
    if (kinds[k].adjust) {
      if (w[0] != (0xe24ee000u | kinds[k].adjust)) /* sub lr, lr, #adjust */
        fail_msg("%s: first word 0x%08x, want sub lr, lr, #%u", kn, w[0], kinds[k].adjust);
      i = 1;
    }
    if ((w[i] & 0xffff0000u) != 0xe92d0000u) fail_msg("%s: 0x%08x is no push", kn, w[i]);
    uint32_t mask = w[i] & 0xffffu;
    if ((mask & 0x400fu) != 0x400fu) fail_msg("%s: push 0x%04x lacks r0-r3 or lr", kn, mask);
    if (popcount(mask) & 1) fail_msg("%s: push 0x%04x: odd count (sp not 8-aligned)", kn, mask);
    if (kinds[k].banked && (mask & 0x1f00u)) fail_msg("%s: push 0x%04x has banked r8-r12", kn, mask);
    if (!kinds[k].banked && (mask & 0x1800u) != 0x1800u)
      fail_msg("%s: push 0x%04x lacks fp or ip", kn, mask);
    uint32_t add = w[i + 1]; /* add fp, sp, #k */
    if ((add & 0xffffff00u) != 0xe28db000u) fail_msg("%s: 0x%08x is no add fp, sp, #k", kn, add);
    uint32_t fpk = add & 0xffu;
    assert_int_equal(fpk, kinds[k].banked ? 0 : 4 * popcount(mask & 0x7ffu));
    uint32_t ld = w[i + 2]; /* ldr rd, [fp, #lr's slot] */
    if ((ld & 0xffff0000u) != 0xe59b0000u) fail_msg("%s: get_lr is 0x%08x", kn, ld);
    assert_int_equal(ld & 0xfffu, 4 * popcount(mask & 0x3fffu) - fpk);
    uint32_t ret = 0xe8fd0000u | (mask & ~0x4000u) | 0x8000u; /* ldm sp!, {..., pc}^ */
    if (w[n - 1] != ret) fail_msg("%s: last word 0x%08x, want 0x%08x", kn, w[n - 1], ret);
    free(w);
  }
  /* save_vfp: d0-d7 and FPSCR around the body of an IRQ handler that calls */
  size_t n;
  uint32_t *w = compiled_words(ctx,
                               "extern @tick(i32)\n"
                               "func @h() interrupt(irq) save_vfp {\nentry:\n"
                               "  i0 = load.i32 -118488820, 0 volatile\n  call @tick(i0)\n  ret\n}\n",
                               0x8000, &n);
  static const insn saves[] = {
      {0xe24ee004u, ~0u, "sub lr, lr, #4"},       {0xe92d0000u, 0xffff0000u, "push"},
      {0xed2d0b10u, ~0u, "vpush {d0-d7}"},         {0xeef1ca10u, ~0u, "vmrs ip, fpscr"},
      {0xe52dc008u, ~0u, "str ip, [sp, #-8]!"},    {0xe12fff3cu, ~0u, "blx ip"},
      {0xe49dc008u, ~0u, "ldr ip, [sp], #8"},      {0xeee1ca10u, ~0u, "vmsr fpscr, ip"},
      {0xecbd0b10u, ~0u, "vpop {d0-d7}"},          {0xe8fd8000u, 0xffff8000u, "ldm sp!, {..., pc}^"},
  };
  expect_in_order(w, n, saves, sizeof saves / sizeof saves[0], "irq save_vfp");
  free(w);
  /* a normal function with save_vfp saves them too */
  w = compiled_words(ctx, "func @f(a: f64) -> f64 save_vfp {\nentry:\n  ret a\n}\n", 0x8000, &n);
  static const insn nsaves[] = {
      {0xed2d0b10u, ~0u, "vpush {d0-d7}"}, {0xeef1ca10u, ~0u, "vmrs ip, fpscr"},
      {0xeee1ca10u, ~0u, "vmsr fpscr, ip"}, {0xecbd0b10u, ~0u, "vpop {d0-d7}"},
      {0xe8bd8000u, 0xffff8000u, "pop {..., pc}"},
  };
  expect_in_order(w, n, nsaves, sizeof nsaves / sizeof nsaves[0], "save_vfp");
  free(w);
}

/* Each intrinsic's instruction (docs/mir.md §2.12; encodings ARM ARM
 * A8.8, register fields masked), in program order, and a naked function
 * has no prologue. */
static void test_intrinsic_code(void **state) {
  armjit_ctx *ctx = *state;
  size_t n;
  uint32_t *w = compiled_words(ctx,
                               "func @reset() naked {\nentry:\n"
                               "  i7 = get_lr\n  i9 = get_reg 12\n"
                               "  cps_mode svc\n  cps_mode sys\n  cpsid aif\n  cpsie i\n"
                               "  i0 = mrc 15, 0, 1, 0, 2\n  mcr 15, 0, 1, 0, 2, i9\n"
                               "  isb sy\n  dmb ish\n  dsb 5\n"
                               "  i2 = mrs cpsr\n  i3 = mrs spsr\n  msr cpsr_fc, i2\n"
                               "  msr spsr_fsxc, i3\n  i4 = vmrs fpscr\n  vmsr fpexc, i4\n"
                               "  wfi\n  wfe\n  sev\n  nop\n  svc 66\n  bkpt 3\n  udf 7\n"
                               "  raw 0xe320f0f0\n"
                               "  i5 = get_sp\n  i6 = get_fp\n  i8 = get_pc\n"
                               "  set_sp i5\n  set_fp i6\n  set_lr i7\n  set_reg 3, i0\n"
                               "  i10 = bit_test 4096, 3\n  cbr i10, a, b\n"
                               "a:\n  halt\n"
                               "b:\n  cbr i10, c, d\n"
                               "c:\n  jump_to i8\n"
                               "d:\n  exc_return 4, i7\n}\n",
                               0x8000, &n);
  static const insn hw[] = {
      {0xe1a0000eu, 0xffff0fffu, "mov r, lr (get_lr, naked)"},
      {0xe1a0000cu, 0xffff0fffu, "mov r, ip (get_reg 12)"},
      {0xf1020013u, ~0u, "cps #0x13"},
      {0xf102001fu, ~0u, "cps #0x1f"},
      {0xf10c01c0u, ~0u, "cpsid aif"},
      {0xf1080080u, ~0u, "cpsie i"},
      {0xee110f50u, 0xffff0fffu, "mrc p15, 0, r, c1, c0, 2"},
      {0xee010f50u, 0xffff0fffu, "mcr p15, 0, r, c1, c0, 2"},
      {0xf57ff06fu, ~0u, "isb sy"},
      {0xf57ff05bu, ~0u, "dmb ish"},
      {0xf57ff045u, ~0u, "dsb #5"},
      {0xe10f0000u, 0xffff0fffu, "mrs r, cpsr"},
      {0xe14f0000u, 0xffff0fffu, "mrs r, spsr"},
      {0xe129f000u, 0xfffffff0u, "msr cpsr_fc, r"},
      {0xe16ff000u, 0xfffffff0u, "msr spsr_fsxc, r"},
      {0xeef10a10u, 0xffff0fffu, "vmrs r, fpscr"},
      {0xeee80a10u, 0xffff0fffu, "vmsr fpexc, r"},
      {0xe320f003u, ~0u, "wfi"},
      {0xe320f002u, ~0u, "wfe"},
      {0xe320f004u, ~0u, "sev"},
      {0xe320f000u, ~0u, "nop"},
      {0xef000042u, ~0u, "svc #66"},
      {0xe1200073u, ~0u, "bkpt #3"},
      {0xe7f000f7u, ~0u, "udf #7"},
      {0xe320f0f0u, ~0u, "the raw word"},
      {0xe1a0000du, 0xffff0fffu, "mov r, sp (get_sp)"},
      {0xe1a0000bu, 0xffff0fffu, "mov r, fp (get_fp)"},
      {0xe24f0008u, 0xffff0fffu, "sub r, pc, #8 (get_pc)"},
      {0xe1a0d000u, 0xfffffff0u, "mov sp, r (set_sp)"},
      {0xe1a0b000u, 0xfffffff0u, "mov fp, r (set_fp)"},
      {0xe1a0e000u, 0xfffffff0u, "mov lr, r (set_lr)"},
      {0xe1a03000u, 0xfffffff0u, "mov r3, r (set_reg 3)"},
      {0xe59cc000u, ~0u, "ldr ip, [ip] (bit_test)"},
      {0xe1a0c1acu, ~0u, "lsr ip, ip, #3"},
      {0xe20c0001u, 0xffff0fffu, "and r, ip, #1"},
      {0xeafffffeu, ~0u, "b . (halt)"},
      {0xe12fff10u, 0xfffffff0u, "bx r (jump_to)"},
      {0xe250f004u, 0xfff0ffffu, "subs pc, r, #4 (exc_return)"},
  };
  expect_in_order(w, n, hw, sizeof hw / sizeof hw[0], "naked");
  /* naked: the first word is the first op's, the last the exc_return */
  assert_int_equal(w[0] & 0xffff0fffu, 0xe1a0000eu);
  assert_int_equal(w[n - 1] & 0xfff0ffffu, 0xe250f004u);
  free(w);

  /* volatile accesses of 1, 2, 4 and 8 bytes: one instruction of that width
   * each, an 8-byte one as two words, the lower address first */
  w = compiled_words(ctx,
                     "func @vol(p: i32, q: i32) {\nentry:\n"
                     "  a = load.u8 p, 1 volatile\n  b = load.s8 p, 2 volatile\n"
                     "  c = load.u16 p, 4 volatile\n  d = load.s16 p, 6 volatile\n"
                     "  e = load.i32 p, 8 volatile\n  f = load.i64 p, 16 volatile\n"
                     "  store.u8 q, 1, a volatile\n  store.u16 q, 2, b volatile\n"
                     "  store.i32 q, 4, c volatile\n  store.i64 q, 8, f volatile\n"
                     "  store.i32 q, 16, d volatile\n  store.i32 q, 20, e volatile\n"
                     "  ret\n}\n",
                     0x8000, &n);
  static const insn vol[] = {
      {0xe5d00001u, 0xfff00fffu, "ldrb [p, #1]"},  {0xe1d000d2u, 0xfff00fffu, "ldrsb [p, #2]"},
      {0xe1d000b4u, 0xfff00fffu, "ldrh [p, #4]"},  {0xe1d000f6u, 0xfff00fffu, "ldrsh [p, #6]"},
      {0xe5900008u, 0xfff00fffu, "ldr [p, #8]"},   {0xe5900010u, 0xfff00fffu, "ldr [p, #16]"},
      {0xe5900014u, 0xfff00fffu, "ldr [p, #20]"},  {0xe5c00001u, 0xfff00fffu, "strb [q, #1]"},
      {0xe1c000b2u, 0xfff00fffu, "strh [q, #2]"},  {0xe5800004u, 0xfff00fffu, "str [q, #4]"},
      {0xe5800008u, 0xfff00fffu, "str [q, #8]"},   {0xe580000cu, 0xfff00fffu, "str [q, #12]"},
  };
  expect_in_order(w, n, vol, sizeof vol / sizeof vol[0], "volatile");
  free(w);
  /* the base dying into the low word of the result: still low word first */
  w = compiled_words(ctx, "func @ld(p: i32) -> i64 {\nentry:\n  f = load.i64 p, 0 volatile\n  ret f\n}\n",
                     0x8000, &n);
  static const insn v64[] = {{0xe5900000u, 0xfff00fffu, "ldr [p]"},
                             {0xe5900004u, 0xfff00fffu, "ldr [p, #4]"}};
  expect_in_order(w, n, v64, 2, "volatile i64");
  free(w);

  /* bit casts are register moves; addr @f the linked address */
  w = compiled_words(ctx,
                     "func @casts(x: f64, y: f32, p: i32) {\nentry:\n"
                     "  a = bitcast.i64 x\n  b = bitcast.i32 y\n  c = bitcast.f64 a\n"
                     "  d = bitcast.f32 b\n  e = addr @casts\n"
                     "  store.i64 p, 0, a volatile\n  store.i32 p, 8, b volatile\n"
                     "  store.f64 p, 16, c volatile\n  store.f32 p, 24, d volatile\n"
                     "  store.ref p, 28, e volatile\n  ret\n}\n",
                     0x00345670, &n);
  static const insn casts[] = {
      {0xec500b10u, 0xfff00fd0u, "vmov r, r, d"}, {0xee100a10u, 0xfff00f7fu, "vmov r, s"},
      {0xec400b10u, 0xfff00fd0u, "vmov d, r, r"}, {0xee000a10u, 0xfff00f7fu, "vmov s, r"},
      {0xe3050670u, 0xffff0fffu, "movw r, #0x5670"}, {0xe3400034u, 0xffff0fffu, "movt r, #0x34"},
  };
  expect_in_order(w, n, casts, sizeof casts / sizeof casts[0], "casts");
  free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_builder, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_compile_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_interpreter, setup, teardown),
      cmocka_unit_test_setup_teardown(test_interrupt_frames, setup, teardown),
      cmocka_unit_test_setup_teardown(test_intrinsic_code, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
