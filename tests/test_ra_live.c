/* SPDX-License-Identifier: MIT */
/* The longevity pre-pass (ra/live.h) against a plain reference computed
 * here from the trace: dead pure ops, use counts, last uses, the real-use
 * lists, the final jump's positions and the per-op die lists (the values
 * an op is the last use of, in the order the op names them), before and
 * after ra_live_extend.  One hand-written trace with its answers spelled
 * out, then random traces (tests/support/randtrace.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "ir/ir.h"
#include "ir_support.h"
#include "ra/live.h"
#include "randenv.h"
#include "randtrace.h"

static bool weak_user(unsigned opc) {
  return opc == ARMJIT_OP_LABEL || opc == ARMJIT_OP_JUMP || opc == ARMJIT_OP_FINISH ||
         opc == ARMJIT_OP_KEEPALIVE;
}

/* The die list of op i, in the op's order. */
static uint32_t die_list(const ra_live *lv, uint32_t i, uint32_t *out) {
  uint32_t n = 0;
  for (uint32_t k = lv->die_start[i + 1]; k > lv->die_start[i];) out[n++] = lv->die[--k];
  return n;
}

/* The values op i names (arguments, then fail args) whose last use is op
 * i, each once, in that order. */
static uint32_t ref_die_list(const armjit_trace *t, const int32_t *last, uint32_t i,
                             uint32_t *out) {
  const ir_op *op = &t->ops[i];
  uint32_t n = 0;
  for (int part = 0; part < 2; part++) {
    const ir_ref *a = part ? ir_fails(t, op) : ir_args(t, op);
    uint32_t na = part ? op->nfail : op->nargs;
    for (uint32_t k = 0; k < na; k++) {
      if (a[k] < 0 || last[a[k]] != (int32_t)i) continue;
      bool seen = false;
      for (uint32_t j = 0; j < n; j++) seen |= out[j] == (uint32_t)a[k];
      if (!seen) out[n++] = (uint32_t)a[k];
    }
  }
  return n;
}

/* Everything ra_live_build says, against the reference; dead ops are
 * taken from lv after checking each is a pure op whose result no live op
 * reads. */
static void check_live(const armjit_trace *t, const ra_live *lv) {
  uint32_t nv = t->nvals, nops = t->nops;
  assert_int_equal(lv->nvals, nv);
  assert_int_equal(lv->nops, nops);
  int32_t *last = malloc((nv ? nv : 1) * sizeof *last);
  uint32_t *nuses = calloc(nv ? nv : 1, sizeof *nuses);
  uint32_t *list = malloc((nv ? nv : 1) * sizeof *list);
  uint32_t *ref = malloc((nv ? nv : 1) * sizeof *ref);
  assert_true(last && nuses && list && ref);
  for (uint32_t v = 0; v < nv; v++) last[v] = -1;
  int32_t jump = -1;
  for (uint32_t i = 0; i < nops; i++) {
    const ir_op *op = &t->ops[i];
    if (lv->dead[i]) {
      assert_true(ir_info(op->opc)->flags & ARMJIT_OPF_PURE);
      assert_true(op->res >= 0);
      continue;
    }
    if (op->opc == ARMJIT_OP_JUMP) jump = (int32_t)i;
    const ir_ref *a = ir_args(t, op), *f = ir_fails(t, op);
    for (uint32_t k = 0; k < op->nargs; k++)
      if (a[k] >= 0) { last[a[k]] = (int32_t)i; nuses[a[k]]++; }
    for (uint32_t k = 0; k < op->nfail; k++)
      if (f[k] >= 0) { last[f[k]] = (int32_t)i; nuses[f[k]]++; }
  }
  for (uint32_t i = 0; i < nops; i++)
    if (lv->dead[i]) assert_int_equal(nuses[t->ops[i].res], 0);
  assert_int_equal(lv->jump_op, jump);
  for (uint32_t v = 0; v < nv; v++) {
    assert_int_equal(lv->last_use[v], last[v]);
    assert_int_equal(lv->nuses[v], nuses[v]);
    /* real uses: positions of non-weak live ops naming v as an argument */
    uint32_t k = lv->real_start[v];
    for (uint32_t i = 0; i < nops; i++) {
      const ir_op *op = &t->ops[i];
      if (lv->dead[i] || weak_user(op->opc)) continue;
      const ir_ref *a = ir_args(t, op);
      for (uint32_t j = 0; j < op->nargs; j++)
        if (a[j] == (ir_ref)v) {
          assert_true(k < lv->real_start[v + 1]);
          assert_int_equal(lv->real[k++], i);
        }
    }
    assert_int_equal(k, lv->real_start[v + 1]);
  }
  if (jump >= 0) {
    const ir_op *op = &t->ops[jump];
    const ir_ref *a = ir_args(t, op);
    for (uint32_t v = 0; v < nv; v++) {
      int32_t first = -1;
      for (uint32_t k = 0; k < op->nargs && first < 0; k++)
        if (a[k] == (ir_ref)v) first = (int32_t)k;
      assert_int_equal(lv->jump_pos[v], first);
    }
  }
  assert_int_equal(lv->die_start[nops], nv + 1);  /* the lists fill die's end */
  for (uint32_t i = 0; i < nops; i++) {
    assert_true(lv->die_start[i] <= lv->die_start[i + 1]);
    assert_false(lv->rescan[i]);
    uint32_t n = die_list(lv, i, list);
    uint32_t m = lv->dead[i] ? 0 : ref_die_list(t, last, i, ref);
    assert_int_equal(n, m);
    for (uint32_t k = 0; k < n; k++) assert_int_equal(list[k], ref[k]);
  }
  free(last);
  free(nuses);
  free(list);
  free(ref);
}

/* A trace with the answers written out: a chain of dead code, a value
 * named twice by one op, fail args dying at their guard, weak uses. */
static void test_hand_written(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  armjit_trace *t = irs_parse(ctx,
                              "[i0, i1, i2]\n"
                              "i3 = int_add(i0, i1)\n"     /* op 0 */
                              "i4 = int_mul(i3, 3)\n"      /* op 1: dead */
                              "i5 = int_sub(i4, 1)\n"      /* op 2: dead (i5 unused) */
                              "i6 = int_add(i3, i3)\n"     /* op 3: i3 dies, listed once */
                              "i7 = int_lt(i6, i2)\n"      /* op 4 */
                              "guard_true(i7) [i1, i6]\n"  /* op 5: i7, then i1 die */
                              "finish(i6, i2)\n");         /* op 6: i6, i2 die */
  ra_live lv;
  armjit_error err;
  assert_int_equal(ra_live_build(ctx, t, &lv, &err), ARMJIT_OK);
  check_live(t, &lv);
  const bool dead[7] = {false, true, true, false, false, false, false};
  for (int i = 0; i < 7; i++) assert_int_equal(lv.dead[i], dead[i]);
  static const uint32_t want[7][3] = {{0}, {0}, {0}, {3}, {0}, {7, 1}, {6, 2}};
  static const uint32_t nwant[7] = {1, 0, 0, 1, 0, 2, 2};
  uint32_t list[8];
  for (uint32_t i = 0; i < 7; i++) {
    assert_int_equal(die_list(&lv, i, list), nwant[i]);
    for (uint32_t k = 0; k < nwant[i]; k++) assert_int_equal(list[k], want[i][k]);
  }
  /* i6's real uses: ops 4 (int_lt) only; the guard's fail arg and the
   * finish are weak */
  assert_int_equal(lv.real_start[7] - lv.real_start[6], 1);
  assert_int_equal(lv.real[lv.real_start[6]], 4);
  assert_int_equal(lv.last_use[6], 6);

  /* i3 read again at op 4 (a folded operand): op 3 keeps listing it (its
   * last use is no longer op 3), op 4 is marked for a rescan */
  ra_live_extend(&lv, 3, 4);
  assert_int_equal(lv.last_use[3], 4);
  assert_true(lv.rescan[4]);
  assert_false(lv.rescan[3]);
  assert_int_equal(die_list(&lv, 3, list), 1);
  assert_int_equal(list[0], 3);
  /* not earlier, not out of range */
  ra_live_extend(&lv, 3, 2);
  assert_int_equal(lv.last_use[3], 4);
  assert_false(lv.rescan[2]);
  ra_live_extend(&lv, 2, 99);
  assert_int_equal(lv.last_use[2], 99);
  ra_live_free(ctx, &lv);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

static void test_random_traces(void **state) {
  (void)state;
  armjit_ctx *ctx = rt_ctx_new(NULL);
  assert_non_null(ctx);
  for (unsigned i = 0; i < 300; i++) {
    rt_rng r;
    rt_rng_seed(&r, rt_trace_seed(ARMJIT_RANDOM_SEED, i));
    rt_config cfg;
    rt_config_random(&r, &cfg);
    cfg.repair = 0;
    if (rt_chance(&r, 50)) cfg.wide_pct = 10 + rt_below(&r, 40);
    rt_trace g;
    assert_true(rt_generate(&r, &cfg, NULL, &g));
    armjit_trace *t = rt_build(ctx, &g, false);
    assert_non_null(t);
    armjit_error err;
    assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_OK);
    ra_live lv;
    assert_int_equal(ra_live_build(ctx, t, &lv, &err), ARMJIT_OK);
    check_live(t, &lv);
    ra_live_free(ctx, &lv);
    armjit_trace_free(t);
    rt_trace_clear(&g);
  }
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_written),
      cmocka_unit_test(test_random_traces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
