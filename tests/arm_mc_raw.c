/* SPDX-License-Identifier: MIT */
/* Raw functions and the interface dispatch stub under qemu-arm:
 *  - raw code written with the a32 assembler, called from compiled code
 *    and from C, calling a module function (CALL), reading extern data through
 *    MOVW/MOVT and a literal word (ABS32); compiled results against the
 *    interpreter running host implementations of the raw functions;
 *  - a declared clobber set (r4-r10, d8-d15): a compiled caller keeps 6
 *    ints and 6 doubles across the call, and keeps the AAPCS for its own
 *    C caller (the sentinel harness); without the declaration the harness
 *    sees the damage (the test can fail);
 *  - armjit_stub_itable: two classes with several interfaces, methods with
 *    stack arguments dispatched by call_ind hidden=key (r0-r3, the stack
 *    and lr reach the method unchanged), a class lacking an interface
 *    going to the miss function, r4-r11/d8-d15 intact; the interpreter's
 *    emulation of the stub gives the same results. */
#include "arm_mc_harness.h"
#include "sentinel.h"

/* ---- raw calls --------------------------------------------------------------------------- */
static int32_t c_table[4] = {11, 200, 3000, 40000};
static int32_t host_twice(int32_t x) { return 2 * x; }
static int32_t host_viaext(int32_t y) { return y + 1 + c_table[1] + y + c_table[2]; }

/* add r0, r0, r0 ; bx lr */
static void raw_twice(armjit_module *m) {
  a32_buf *b = a32_buf_new(0, 0);
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R0));
  a32_bx(b, A32_AL, A32_LR);
  armjit_raw_desc d = {.buf = b};
  static const armjit_mtype p[] = {ARMJIT_T_I32};
  assert_true(armjit_raw_func(m, "twice", p, 1, ARMJIT_T_I32, &d) >= 0);
  a32_buf_free(b);
}

/*   push {r4, lr} ; mov r4, r0 ; bl add1 ; add r0, r0, r4
 *   movw/movt r1, c_table+4 ; ldr r1, [r1] ; add r0, r0, r1
 *   ldr r2, [pc, #4] ; ldr r2, [r2] ; add r0, r0, r2 ; pop {r4, pc}
 *   .word c_table+8 */
static void raw_viaext(armjit_module *m) {
  a32_buf *b = a32_buf_new(0, 0);
  a32_sym add1 = a32_sym_new(b, "add1"), tab = a32_sym_new(b, "c_table");
  a32_push(b, A32_AL, 1u << 4 | 1u << 14);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R4, 0, a32_r(A32_R0));
  a32_bl_sym(b, A32_AL, add1, 0);
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R4));
  a32_mov_sym_abs(b, A32_AL, A32_R1, tab, 4);
  a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_imm(A32_R1, 0));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R1));
  a32_ldst(b, A32_AL, A32_LDR, A32_R2, a32_mem_imm(A32_PC, 8));
  a32_ldst(b, A32_AL, A32_LDR, A32_R2, a32_mem_imm(A32_R2, 0));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_r(A32_R2));
  a32_pop(b, A32_AL, 1u << 4 | 1u << 15);
  a32_word_sym(b, tab, 8);
  assert_int_equal(a32_buf_status(b), A32_OK);
  armjit_raw_desc d = {.buf = b};
  static const armjit_mtype p[] = {ARMJIT_T_I32};
  assert_true(armjit_raw_func(m, "viaext", p, 1, ARMJIT_T_I32, &d) >= 0);
  a32_buf_free(b);
}

static void test_raw_calls(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "c_table", (uintptr_t)c_table), ARMJIT_OK);
  armjit_module *m = armjit_module_new(ctx, NULL);
  static const armjit_mtype p[] = {ARMJIT_T_I32};
  armjit_extern(m, "c_table", NULL, 0, ARMJIT_T_VOID);
  /* @add1 (IR, A32): the raw code's BL goes to its label.  (C functions
   * may be Thumb: a BL from raw code cannot reach them on the host.) */
  armjit_sym add1 = armjit_func_new(m, "add1", p, 1, ARMJIT_T_I32);
  armjit_block e = armjit_func_entry(m, add1);
  armjit_ret(m, e, armjit_op2(m, e, ARMJIT_MOP_ADD, ARMJIT_T_I32, armjit_block_param(m, e, 0),
                              armjit_mconst_i32(m, add1, 1)));
  raw_twice(m);
  raw_viaext(m);
  /* func @f(x) { a = call @twice(x); b = call @viaext(a); ret b } — and
   * through the text form, so the parsed raw functions run too */
  char *body = armjit_module_to_string(m);
  text_buf t = {0};
  tb(&t, "%s", body);
  tb(&t, "func @f(x: i32) -> i32 {\nentry:\n  a = call @twice(x)\n  b = call @viaext(a)\n"
         "  ret b\n}\n");
  free(body);
  armjit_module_free(m);
  m = mch_parse(ctx, t.p);
  armjit_mcode *c = mch_load(m);
  int32_t (*twice)(int32_t) = (int32_t (*)(int32_t))armjit_mcode_symbol(c, "twice");
  int32_t (*viaext)(int32_t) = (int32_t (*)(int32_t))armjit_mcode_symbol(c, "viaext");
  assert_non_null(twice);
  assert_non_null(viaext);
  /* the interpreter runs @f with host implementations of the raw ones */
  armjit_mval a = mch_i32(5), r;
  armjit_error err;
  assert_int_equal(armjit_mc_interpret(m, "f", &a, 1, &r, NULL, &err), ARMJIT_E_INVALID);
  armjit_ctx_add_symbol(ctx, "twice", (uintptr_t)host_twice);
  armjit_ctx_add_symbol(ctx, "viaext", (uintptr_t)host_viaext);
  for (int32_t x = -3; x <= 40; x += 7) {
    assert_int_equal(twice(x), 2 * x);
    assert_int_equal(viaext(x), host_viaext(x));
    armjit_mval ax = mch_i32(x);
    (void)mch_check(c, m, "f", &ax, 1);
    assert_int_equal(mch_call(c, m, "f", &ax, 1).i32, host_viaext(2 * x));
  }
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(t.p);
}

/* ---- declared clobbers ------------------------------------------------------------------------ */
static void host_smash(void) {}

/* mov r4..r10, #0x55 + n ; vmov.f64 d8..d15, #-2 * (1 + n/16) ; bx lr */
static void raw_smash(armjit_module *m, const char *name, uint32_t clobbers) {
  a32_buf *b = a32_buf_new(0, 0);
  for (unsigned r = 4; r <= 10; r++)
    a32_dp(b, A32_AL, A32_MOV, false, (a32_reg)r, 0, a32_imm(0x55 + r));
  for (unsigned d = 8; d <= 15; d++) {
    double v = -2.0 * (1.0 + (double)d / 16); /* a VMOV immediate */
    uint64_t bits;
    memcpy(&bits, &v, 8);
    a32_vmov_imm(b, A32_AL, true, d, bits);
  }
  a32_bx(b, A32_AL, A32_LR);
  assert_int_equal(a32_buf_status(b), A32_OK);
  armjit_raw_desc d = {.buf = b, .clobbers = clobbers};
  assert_true(armjit_raw_func(m, name, NULL, 0, ARMJIT_T_VOID, &d) >= 0);
  a32_buf_free(b);
}

static char *keep_module(const char *callee) {
  text_buf t = {0};
  tb(&t, "func @keep(k: i32, j: i32) -> i32 {\nentry:\n  x = sitofp.f64 j\n");
  for (int i = 1; i <= 6; i++) tb(&t, "  a%d = mul.i32 k, %d\n", i, 7 * i + 1);
  for (int i = 1; i <= 6; i++) tb(&t, "  d%d = fmul.f64 x, %d.5\n", i, i);
  tb(&t, "  call @%s()\n", callee);
  tb(&t, "  s0 = add.i32 a1, a2\n");
  for (int i = 3; i <= 6; i++) tb(&t, "  s%d = add.i32 s%d, a%d\n", i - 2, i - 3, i);
  tb(&t, "  f0 = fadd.f64 d1, d2\n");
  for (int i = 3; i <= 6; i++) tb(&t, "  f%d = fadd.f64 f%d, d%d\n", i - 2, i - 3, i);
  tb(&t, "  fi = fptosi.i32 f4\n  r = add.i32 s4, fi\n  ret r\n}\n");
  return t.p;
}

static int32_t keep_ref(int32_t k, int32_t j) {
  int32_t s = 0;
  double f = 0;
  for (int i = 1; i <= 6; i++) s += k * (7 * i + 1);
  for (int i = 1; i <= 6; i++) f += (double)j * (i + 0.5);
  return s + (int32_t)f;
}

static void test_clobbers(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  armjit_error err;
  armjit_code *h = ajt_sentinel_harness(ctx, &err);
  assert_non_null(h);
  const uint32_t all = 0x07f0u | 0x00ff0000u; /* r4-r10, d8-d15 */
  for (int declared = 1; declared >= 0; declared--) {
    armjit_module *m = armjit_module_new(ctx, NULL);
    raw_smash(m, "smash", declared ? all : 0);
    char *head = armjit_module_to_string(m), *keep = keep_module("smash");
    armjit_module_free(m);
    text_buf t = {0};
    tb(&t, "%s%s", head, keep);
    free(head);
    free(keep);
    m = mch_parse(ctx, t.p);
    armjit_mcode *c = mch_load(m);
    armjit_ctx_add_symbol(ctx, "smash", (uintptr_t)host_smash);
    unsigned bad = 0;
    for (int32_t k = -2; k <= 9; k += 3) {
      int32_t j = 3 * k + 1;
      uint32_t io[2] = {(uint32_t)k, (uint32_t)j};
      uint32_t changed = ajt_sentinel_entry(h)(armjit_mcode_symbol(c, "keep"), io);
      if (declared) {
        assert_int_equal(changed, 0);
        assert_int_equal((int32_t)io[0], keep_ref(k, j));
        armjit_mval a[2] = {mch_i32(k), mch_i32(j)};
        assert_int_equal(mch_check(c, m, "keep", a, 2).i32, keep_ref(k, j));
      } else {
        bad += changed != 0 || (int32_t)io[0] != keep_ref(k, j);
      }
    }
    if (!declared) assert_true(bad > 0); /* undeclared clobbers are seen */
    armjit_mcode_free(c);
    armjit_module_free(m);
    free(t.p);
  }
  armjit_code_free(h);
  armjit_ctx_free(ctx);
}

/* ---- interface dispatch ----------------------------------------------------------------------- */
typedef struct {
  uint32_t hdr[2];
  const uint32_t *itab;  /* at offset 8 */
  uint32_t slot[6];      /* from offset 12 */
} cls;
typedef struct {
  const cls *c;          /* at offset 0 */
  int32_t v;
} obj;

#define KEY(id, idx) ((uint32_t)(id) << 16 | (uint32_t)(idx) * 4)
/* A: I5 at 12 (m1, m2), I2 at 20 (m3), I1 at 24 (m4, m5).
 * B: I5 at 20 (m8, m9), I1 at 12 (m6, m7); no I2. */
static const uint32_t itab_a[] = {5u << 16 | 12, 2u << 16 | 20, 1u << 16 | 24, 0};
static const uint32_t itab_b[] = {5u << 16 | 20, 1u << 16 | 12, 0};

static int32_t method_ref(int k, int32_t v, int32_t a) {
  int32_t b = a + 1, c = a + 2, d = a + 3, e = a + 4, f = a + 5;
  return k * 1000 + v + a - 2 * b + 3 * c - 4 * d + 5 * e - 6 * f;
}

static char *dispatch_module(void) {
  text_buf t = {0};
  for (int k = 1; k <= 9; k++)
    tb(&t,
       "func @m%d(this: ref, a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> i32 {\nentry:\n"
       "  v = load.i32 this, 4\n  x0 = add.i32 v, %d\n  x1 = add.i32 x0, a\n"
       "  y1 = mul.i32 b, 2\n  x2 = sub.i32 x1, y1\n  y2 = mul.i32 c, 3\n  x3 = add.i32 x2, y2\n"
       "  y3 = mul.i32 d, 4\n  x4 = sub.i32 x3, y3\n  y4 = mul.i32 e, 5\n  x5 = add.i32 x4, y4\n"
       "  y5 = mul.i32 f, 6\n  x6 = sub.i32 x5, y5\n  ret x6\n}\n",
       k, k * 1000);
  tb(&t, "func @nomethod(this: ref, a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> i32 {\n"
         "entry:\n  x = mul.i32 f, 10\n  y = add.i32 x, a\n  z = sub.i32 y, 1000000\n  ret z\n}\n");
  tb(&t, "func @dispatch(o: ref, key: i32, a: i32) -> i32 {\nentry:\n  p = addr @imdeleg\n"
         "  b = add.i32 a, 1\n  c = add.i32 a, 2\n  d = add.i32 a, 3\n  e = add.i32 a, 4\n"
         "  f = add.i32 a, 5\n  r = call_ind.i32 p(o, a, b, c, d, e, f) hidden=key\n  ret r\n}\n");
  tb(&t, "func @dispatch2(o: ref, key: i32) -> i32 {\nentry:\n  r = call @dispatch(o, key, 17)\n"
         "  ret r\n}\n");
  for (int k = 1; k <= 9; k++)
    tb(&t, "func @tok%d() -> ref {\nentry:\n  p = addr @m%d\n  ret p\n}\n", k, k);
  return t.p;
}

static void test_itable_dispatch(void **state) {
  (void)state;
  armjit_ctx *ctx = mch_ctx(0);
  /* the stub made in a module of its own and taken over in text form
   * (its miss branch names @nomethod, defined by the module below) */
  armjit_module *m0 = armjit_module_new(ctx, NULL);
  armjit_itable_layout l = {0, 8, armjit_extern(m0, "nomethod", NULL, 0, ARMJIT_T_VOID), 0};
  assert_true(armjit_stub_itable(m0, "imdeleg", &l) >= 0);
  char *stub = armjit_module_to_string(m0), *mods = dispatch_module();
  armjit_module_free(m0);
  text_buf t = {0};
  tb(&t, "%s%s", strstr(stub, "stub_itable @imdeleg"), mods);
  free(stub);
  free(mods);
  char *text = t.p;
  armjit_module *m = mch_parse(ctx, text);
  armjit_mcode *c = mch_load(m);
  static cls a, b;
  a.itab = itab_a;
  b.itab = itab_b;
  uint32_t *const slots[9] = {&a.slot[0], &a.slot[1], &a.slot[2], &a.slot[3], &a.slot[4],
                              &b.slot[0], &b.slot[1], &b.slot[2], &b.slot[3]};
  for (int k = 1; k <= 9; k++) {
    char nm[8];
    snprintf(nm, sizeof nm, "m%d", k);
    *slots[k - 1] = (uint32_t)(uintptr_t)armjit_mcode_symbol(c, nm);
    assert_true(*slots[k - 1] != 0);
  }
  obj oa = {&a, 70}, ob = {&b, -300};
  int32_t (*dispatch)(const obj *, uint32_t, int32_t) =
      (int32_t (*)(const obj *, uint32_t, int32_t))armjit_mcode_symbol(c, "dispatch");
  assert_non_null(dispatch);
  static const struct {
    int cls;        /* 0 a, 1 b */
    unsigned id, idx;
    int method;     /* 0: the miss */
  } cases[] = {
      {0, 5, 0, 1}, {0, 5, 1, 2}, {0, 2, 0, 3}, {0, 1, 0, 4}, {0, 1, 1, 5},
      {1, 1, 0, 6}, {1, 1, 1, 7}, {1, 5, 0, 8}, {1, 5, 1, 9},
      {1, 2, 0, 0}, {0, 3, 0, 0}, {0, 7, 0, 0}, {1, 4, 1, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (int32_t x = -5; x <= 25; x += 15) {
      const obj *o = cases[i].cls ? &ob : &oa;
      int32_t want = cases[i].method ? method_ref(cases[i].method, o->v, x)
                                     : 10 * (x + 5) + x - 1000000;
      int32_t got = dispatch(o, KEY(cases[i].id, cases[i].idx), x);
      if (got != want)
        fail_msg("class %c key %u.%u a=%d: got %d, want %d", cases[i].cls ? 'B' : 'A',
                 cases[i].id, cases[i].idx, x, got, want);
    }
  /* the interpreter emulates the stub: the same classes with the
   * interpreter's function tokens (addr @mK, run there) in the slots */
  armjit_error err;
  static cls ia, ib;
  ia = a;
  ib = b;
  uint32_t *const islots[9] = {&ia.slot[0], &ia.slot[1], &ia.slot[2], &ia.slot[3], &ia.slot[4],
                               &ib.slot[0], &ib.slot[1], &ib.slot[2], &ib.slot[3]};
  for (int k = 1; k <= 9; k++) {
    char nm[8];
    snprintf(nm, sizeof nm, "tok%d", k);
    armjit_mval tok;
    if (armjit_mc_interpret(m, nm, NULL, 0, &tok, NULL, &err) != ARMJIT_OK)
      fail_msg("%s: %s", nm, err.msg);
    *islots[k - 1] = (uint32_t)tok.ref;
  }
  obj ioa = {&ia, oa.v}, iob = {&ib, ob.v};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    armjit_mval args[3] = {mch_ref(cases[i].cls ? &iob : &ioa),
                           mch_i32((int32_t)KEY(cases[i].id, cases[i].idx)), mch_i32(9)}, r;
    if (armjit_mc_interpret(m, "dispatch", args, 3, &r, NULL, &err) != ARMJIT_OK)
      fail_msg("interpret dispatch: %s", err.msg);
    assert_int_equal(r.i32, dispatch(cases[i].cls ? &ob : &oa, KEY(cases[i].id, cases[i].idx), 9));
  }
  /* through the sentinel harness: r4-r11, d8-d15 come back */
  armjit_code *h = ajt_sentinel_harness(ctx, &err);
  assert_non_null(h);
  uint32_t io[2] = {(uint32_t)(uintptr_t)&ob, KEY(5, 1)};
  assert_int_equal(ajt_sentinel_entry(h)(armjit_mcode_symbol(c, "dispatch2"), io), 0);
  assert_int_equal((int32_t)io[0], method_ref(9, ob.v, 17));
  armjit_code_free(h);
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_raw_calls),
      cmocka_unit_test(test_clobbers),
      cmocka_unit_test(test_itable_dispatch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
