/* SPDX-License-Identifier: MIT */
/* Compilation without running (every build; under ASan/UBSan on the host):
 * big traces in every allocator mode, determinism of ARMJIT_RANDOM_RA,
 * op offsets, recovery data size, the annotated listing, the recovery
 * decoder, and armjit_run's refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigtrace.h"
#include "arm/target.h"
#include "cg/recovery.h"
#include "ir_support.h"
#include "rt/exit.h"

static armjit_ctx *ctx_with(unsigned flags, uint32_t seed) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.seed = seed;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

static armjit_loop *compile_or_fail(armjit_ctx *ctx, armjit_trace *t) {
  armjit_error err;
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  if (!l) fail_msg("compile: %s (%s)", err.msg, armjit_status_name(err.code));
  return l;
}

/* Ops that emit code start at increasing offsets inside the body. */
static void check_offsets(const armjit_loop *l, unsigned nops) {
  size_t size;
  armjit_loop_code(l, &size);
  long last = 0;
  unsigned emitted = 0;
  for (unsigned i = 0; i < nops; i++) {
    long off = armjit_loop_op_offset(l, i);
    if (off < 0) continue;
    assert_true(off > last || (emitted == 0 && off >= last));
    assert_true((size_t)off < size);
    assert_int_equal(off % 4, 0);
    last = off;
    emitted++;
  }
  assert_true(emitted > nops / 2);
  assert_int_equal(armjit_loop_op_offset(l, nops), -1);
}

static void test_big_traces_all_modes(void **state) {
  (void)state;
  static const unsigned flags[] = {0, ARMJIT_RANDOM_RA, ARMJIT_NO_IDIV,
                                   ARMJIT_RANDOM_RA | ARMJIT_NO_IDIV};
  for (unsigned m = 0; m < 4; m++) {
    armjit_ctx *ctx = ctx_with(flags[m], 77 + m);
    unsigned nops = m == 0 ? 10000 : 2000;
    armjit_trace *t = bt_build(ctx, nops, 5 + m);
    assert_non_null(t);
    armjit_loop *l = compile_or_fail(ctx, t);
    check_offsets(l, nops);
    armjit_recovery_stats rs;
    armjit_loop_recovery_stats(l, &rs);
    size_t bytes = rs.bytes, nfail = rs.fail_args;
    assert_true(nfail > 0);
    assert_true(bytes <= 2 * nfail);
    assert_int_equal(armjit_loop_nexits(l), armjit_trace_nexits(t));
    armjit_loop_free(l);
    armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
}

static void code_of(armjit_ctx *ctx, uint32_t seed, uint8_t **bytes, size_t *size) {
  armjit_trace *t = bt_build(ctx, 600, seed);
  armjit_loop *l = compile_or_fail(ctx, t);
  const void *code = armjit_loop_code(l, size);
  *bytes = malloc(*size);
  assert_non_null(*bytes);
  memcpy(*bytes, code, *size);
  armjit_loop_free(l);
  armjit_trace_free(t);
}

/* Addresses baked into the code (exit helper, metadata) differ between
 * compiles; compare with MOVW/MOVT words masked. */
static bool same_code(const uint8_t *a, size_t na, const uint8_t *b, size_t nb) {
  if (na != nb) return false;
  for (size_t off = 0; off < na; off += 4) {
    uint32_t x, y;
    memcpy(&x, a + off, 4);
    memcpy(&y, b + off, 4);
    if ((x & 0x0ff00000u) == 0x03000000u || (x & 0x0ff00000u) == 0x03400000u) {
      x &= 0xfff0f000u;
      y &= 0xfff0f000u;
    }
    if (x != y) return false;
  }
  return true;
}

static void test_random_ra_is_deterministic(void **state) {
  (void)state;
  uint8_t *a, *b, *c;
  size_t na, nb, nc;
  armjit_ctx *x = ctx_with(ARMJIT_RANDOM_RA, 1234), *y = ctx_with(ARMJIT_RANDOM_RA, 1234);
  armjit_ctx *z = ctx_with(ARMJIT_RANDOM_RA, 999);
  code_of(x, 3, &a, &na);
  code_of(y, 3, &b, &nb);
  code_of(z, 3, &c, &nc);
  assert_true(same_code(a, na, b, nb));
  assert_false(same_code(a, na, c, nc));
  free(a);
  free(b);
  free(c);
  armjit_ctx_free(x);
  armjit_ctx_free(y);
  armjit_ctx_free(z);
}

static void test_listing_is_annotated(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0, 0);
  armjit_trace *t = irs_parse(ctx,
                              "descr F = field(offset=4, size=4, int)\n"
                              "[i0, i1, p2]\n"
                              "label(i0, i1, p2, descr=L)\n"
                              "debug_merge_point(\"top\")\n"
                              "i3 = int_add(i0, 1)\n"
                              "i4 = int_lt(i3, i1)\n"
                              "guard_true(i4, descr=done) [i3, i1]\n"
                              "setfield_gc(p2, i3, descr=F)\n"
                              "jump(i3, i1, p2, descr=L)\n");
  armjit_loop *l = compile_or_fail(ctx, t);
  /* The loop's listing is the trace as it was compiled, printed only
   * now: the trace may be gone. */
  armjit_trace_free(t);
  t = NULL;
  char *text = irs_listing(l);
  assert_non_null(strstr(text, "# prologue"));
  assert_non_null(strstr(text, "# i3 = int_add(i0, 1)\n"));
  assert_non_null(strstr(text, "add r"));
  assert_non_null(strstr(text, "# guard_true(i4, descr=done) [i3, i1]\n"));
  assert_non_null(strstr(text, "# exit 0 (guard_true done)\n"));
  assert_non_null(strstr(text, "# setfield_gc(p2, i3, descr=F)\n"));
  assert_non_null(strstr(text, "# debug_merge_point(\"top\")\n"));
  assert_non_null(strstr(text, "# exit path"));
  assert_non_null(strstr(text, "blx ip"));
  /* the annotation comes right before the op's first instruction */
  const char *at = strstr(text, "# i3 = int_add(i0, 1)\n");
  assert_non_null(strstr(at, "\n") + 1);
  assert_non_null(strstr(strstr(at, "\n") + 1, "add"));
  free(text);
  assert_int_equal(armjit_loop_dis(NULL, stdout), ARMJIT_E_ARG);
  armjit_loop_free(l);
  armjit_ctx_free(ctx);
  /* ARMJIT_NO_LISTING: the same code, listed without the op lines */
  ctx = ctx_with(ARMJIT_NO_LISTING, 0);
  t = irs_parse(ctx, "[i0, i1]\nlabel(i0, i1, descr=L)\ni2 = int_add(i0, 1)\n"
                     "i3 = int_lt(i2, i1)\nguard_true(i3, descr=done) [i2, i1]\n"
                     "jump(i2, i1, descr=L)\n");
  l = compile_or_fail(ctx, t);
  text = irs_listing(l);
  assert_null(strstr(text, "# i2 = int_add(i0, 1)\n"));
  assert_non_null(strstr(text, "add r"));
  assert_non_null(strstr(text, "# exit path"));
  free(text);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* Loop l lists exactly `want` (irs_listing). */
static void expect_listing(const armjit_loop *l, const char *want) {
  char *now = irs_listing(l);
  assert_string_equal(now, want);
  free(now);
}

static const char listed_trace[] = "descr F = field(offset=4, size=4, int)\n"
                                   "[i0, i1, p2]\n"
                                   "label(i0, i1, p2, descr=L)\n"
                                   "i3 = int_add(i0, 1)\n"
                                   "i4 = int_lt(i3, i1)\n"
                                   "guard_true(i4, descr=done) [i3, i1]\n"
                                   "setfield_gc(p2, i3, descr=F)\n"
                                   "jump(i3, i1, p2, descr=L)\n";

/* A loop lists the trace as it was when compiled, whatever happens to
 * the trace later (the trace is lent, not copied: it changes, every loop
 * it is lent to gets a copy first; freed, it lives on for them), and
 * with several loops and either order of freeing. */
static void test_listing_is_the_trace_compiled(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0, 0);
  armjit_trace *t = irs_parse(ctx, listed_trace);
  armjit_loop *a = compile_or_fail(ctx, t), *a2 = compile_or_fail(ctx, t);
  char *ta = irs_listing(a), *ta2 = irs_listing(a2);
  assert_non_null(strstr(ta, "# setfield_gc(p2, i3, descr=F)\n"));
  /* a change: both loops keep listing the trace as it was */
  assert_int_equal(armjit_descr_set_name(t, 0, "G"), ARMJIT_OK);
  expect_listing(a, ta);
  expect_listing(a2, ta2);
  /* a loop compiled after it lists it; changes of other kinds (a
   * descriptor, a constant, an op) leave that listing alone too */
  armjit_loop *b = compile_or_fail(ctx, t);
  char *tb = irs_listing(b);
  assert_non_null(strstr(tb, "# setfield_gc(p2, i3, descr=G)\n"));
  armjit_field_descr fd = {8, 4, false, ARMJIT_INT};
  assert_true(armjit_descr_field(t, &fd) >= 0);
  assert_true(armjit_const_int(t, 7) != ARMJIT_NOVAL);
  armjit_val args[2] = {0, 1};
  assert_true(armjit_op(t, ARMJIT_OP_INT_ADD, args, 2) != ARMJIT_NOVAL);
  expect_listing(b, tb);
  /* the trace freed first, then the loops one by one */
  armjit_trace_free(t);
  expect_listing(a, ta);
  armjit_loop_free(a);
  expect_listing(a2, ta2);
  armjit_loop_free(a2);
  expect_listing(b, tb);
  armjit_loop_free(b);
  /* a loop freed first, its trace changed and freed after; a trace freed
   * with its loop still listing it, unchanged */
  t = irs_parse(ctx, listed_trace);
  a = compile_or_fail(ctx, t);
  armjit_loop_free(a);
  assert_int_equal(armjit_descr_set_name(t, 0, "H"), ARMJIT_OK);
  armjit_trace_free(t);
  t = irs_parse(ctx, listed_trace);
  a = compile_or_fail(ctx, t);
  armjit_trace_free(t);
  char *now = irs_listing(a);
  assert_non_null(strstr(now, "# setfield_gc(p2, i3, descr=F)\n"));
  free(now);
  armjit_loop_free(a);
  free(ta);
  free(ta2);
  free(tb);
  armjit_ctx_free(ctx);
}

/* Recovery strings of every location kind decode to the right values. */
static void test_recovery_decode(void **state) {
  (void)state;
  uint32_t save[ARM_SAVE_WORDS];
  for (unsigned i = 0; i < ARM_SAVE_WORDS; i++) save[i] = 0x1000u + i;
  uint8_t stack[8200];
  for (unsigned i = 0; i < sizeof stack; i++) stack[i] = (uint8_t)(i * 7 + 1);
  const uint8_t *fp = stack + sizeof stack;
  uint64_t consts[40];
  for (unsigned k = 0; k < 40; k++) consts[k] = 0xabcd000000000000ull + k;
  armjit_type types[9] = {ARMJIT_INT, ARMJIT_FLOAT, ARMJIT_INT, ARMJIT_FLOAT, ARMJIT_REF,
                          ARMJIT_INT, ARMJIT_INT, ARMJIT_FLOAT, ARMJIT_INT};
  static const struct { unsigned kind; uint32_t payload; } codes[9] = {
      {REC_K_CORE, 3},                     /* r3 */
      {REC_K_VFP, 14},                     /* d14 */
      {REC_K_ISLOT, 2000},                 /* [fp, #-8000] (two bytes) */
      {REC_K_FSLOT, 4},                    /* [fp, #-16], 8 bytes */
      {REC_K_CONST, 39},                   /* pool (two bytes) */
      {REC_K_SMALL, (uint32_t)-8},
      {REC_K_SMALL, 7},
      {REC_K_CONST, 0},
      {REC_K_CORE, 12}};                   /* ip (r12) */
  uint8_t rec[64];
  uint32_t len = 0;
  for (unsigned k = 0; k < 9; k++) len += rec_put(rec + len, codes[k].kind, codes[k].payload);
  rec[len++] = REC_B_END;
  assert_int_equal(rec_put(rec + len, REC_K_CORE, 3), 1);
  assert_int_equal(rec_put(rec + len, REC_K_ISLOT, 95), 1);
  assert_int_equal(rec_put(rec + len, REC_K_ISLOT, 2000), 2);
  assert_int_equal(rec_put(rec + len, REC_K_ISLOT, 70000), 4);
  /* the C reader's view: (tag, location) per value, then the end */
  const uint8_t *p = rec;
  rec_entry re;
  assert_true(rec_next(&p, rec + len, &re));
  assert_true(re.tag == REC_REG && re.reg == 3 && re.kind == REC_K_CORE);
  assert_true(rec_next(&p, rec + len, &re));
  assert_true(re.tag == REC_REG && re.reg == 14 && re.kind == REC_K_VFP);
  assert_true(rec_next(&p, rec + len, &re));
  assert_true(re.tag == REC_SLOT && re.off == -8000);
  for (unsigned k = 3; k < 9; k++) assert_true(rec_next(&p, rec + len, &re));
  assert_true(re.tag == REC_REG && re.reg == 12);
  assert_false(rec_next(&p, rec + len, &re));
  ajx_exit_meta em = {0, len, 9, types};
  ajx_loop_meta m = {1, &em, rec, consts, 40, 0, 0};
  armjit_value out[9];
  assert_true(ajx_exit_decode(&m, 0, save, fp, out));
  assert_true(out[0].bits == 0x1000u + ARM_SAVE_R0 + 3);
  uint64_t d14;
  memcpy(&d14, save + 28, 8);
  assert_true(out[1].bits == d14);
  uint32_t w;
  memcpy(&w, fp - 8000, 4);
  assert_true(out[2].bits == w);
  uint64_t dw;
  memcpy(&dw, fp - 16, 8);
  assert_true(out[3].bits == dw);
  assert_true(out[4].bits == consts[39]);
  assert_true(out[5].bits == (uint32_t)-8);
  assert_true(out[6].bits == 7u);
  assert_true(out[7].bits == consts[0]);
  assert_true(out[8].bits == 0x1000u + ARM_SAVE_R0 + 12);
  /* malformed: truncated string, bad exit id, pool index out of range,
   * a slot of the wrong width for its type */
  em.rec_len = len - 1;
  assert_false(ajx_exit_decode(&m, 0, save, fp, out));
  em.rec_len = len;
  assert_false(ajx_exit_decode(&m, 1, save, fp, out));
  m.nconsts = 39;
  assert_false(ajx_exit_decode(&m, 0, save, fp, out));
  m.nconsts = 40;
  types[3] = ARMJIT_INT;
  assert_false(ajx_exit_decode(&m, 0, save, fp, out));
}

static void test_run_refusals(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0, 0);
  armjit_trace *t = irs_parse(ctx, "[i0, f0]\nfinish(f0, i0, 1, 2)\n");
  armjit_loop *l = compile_or_fail(ctx, t);
  assert_int_equal(armjit_loop_frame_capacity(l), 4);
  armjit_error err;
  armjit_frame *small = armjit_frame_new(ctx, 3), *f = armjit_frame_new(ctx, 4);
  assert_int_equal(armjit_run(l, small, &err), -1);
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_int_equal(armjit_run(NULL, f, &err), -1);
  assert_int_equal(err.code, ARMJIT_E_ARG);
#if !defined(__arm__)
  assert_int_equal(armjit_run(l, f, &err), -1);
  assert_int_equal(err.code, ARMJIT_E_UNSUPPORTED);
#endif
  armjit_exit_info info;
  assert_int_equal(armjit_loop_exit_info(l, 0, &info), ARMJIT_OK);
  assert_int_equal(info.kind, ARMJIT_EXIT_FINISH);
  assert_int_equal(info.nvalues, 4);
  assert_int_equal(info.types[0], ARMJIT_FLOAT);
  assert_int_equal(armjit_loop_exit_info(l, 1, &info), ARMJIT_E_ARG);
  assert_null(armjit_compile_loop(ctx, NULL, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  armjit_frame_free(ctx, small);
  armjit_frame_free(ctx, f);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* Allocation failures anywhere in compilation give ARMJIT_E_NOMEM and
 * leak nothing (ASan checks the leaks on the host). */
typedef struct {
  long left;     /* allocations still allowed; < 0: unlimited */
  unsigned failed;
} oom_budget;

static bool oom_take(oom_budget *b) {
  if (b->left < 0) return true;
  if (b->left == 0) { b->failed++; return false; }
  b->left--;
  return true;
}
static void *oom_alloc(void *ud, size_t n) { return oom_take(ud) ? malloc(n) : NULL; }
static void *oom_realloc(void *ud, void *p, size_t n) { return oom_take(ud) ? realloc(p, n) : NULL; }
static void oom_free(void *ud, void *p) { (void)ud; free(p); }

static void test_out_of_memory(void **state) {
  (void)state;
  oom_budget budget = {-1, 0};
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.alloc = oom_alloc;
  o.realloc = oom_realloc;
  o.free = oom_free;
  o.ud = &budget;
  o.flags = ARMJIT_NO_IDIV;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  armjit_trace *t = bt_build(ctx, 200, 9);
  assert_non_null(t);
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_OK);
  long n;
  for (n = 0;; n++) {
    budget.left = n;
    budget.failed = 0;
    armjit_loop *l = armjit_compile_loop(ctx, t, &err);
    budget.left = -1;
    if (l) {
      armjit_loop_free(l);
      break;
    }
    assert_true(budget.failed > 0);
    if (err.code != ARMJIT_E_NOMEM) fail_msg("budget %ld: %s (%s)", n, err.msg, armjit_status_name(err.code));
    assert_true(n < 100000);
  }
  assert_true(n > 10);
  armjit_trace_free(t);

  /* The copy a change makes for the loops a trace is lent to: out of
   * memory, the change is made all the same (or fails as it would) and
   * the loop lists no ops; nothing leaks. */
  for (n = 0;; n++) {
    t = armjit_trace_parse(ctx, listed_trace, &err);
    assert_non_null(t);
    armjit_loop *l = armjit_compile_loop(ctx, t, &err);
    assert_non_null(l);
    budget.left = n;
    budget.failed = 0;
    armjit_status st = armjit_descr_set_name(t, 0, "G");
    budget.left = -1;
    assert_true(st == ARMJIT_OK || st == ARMJIT_E_NOMEM);
    char *text = irs_listing(l);
    bool listed = strstr(text, "# setfield_gc(p2, i3, descr=F)\n") != NULL;
    free(text);
    armjit_trace_free(t);
    armjit_loop_free(l);
    if (!budget.failed) {
      assert_true(listed);
      break;
    }
    if (!listed) assert_true(n < 100);
    assert_true(n < 1000);
  }
  assert_true(n > 0);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_big_traces_all_modes),
      cmocka_unit_test(test_random_ra_is_deterministic),
      cmocka_unit_test(test_listing_is_annotated),
      cmocka_unit_test(test_listing_is_the_trace_compiled),
      cmocka_unit_test(test_recovery_decode),
      cmocka_unit_test(test_run_refusals),
      cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
