/* SPDX-License-Identifier: MIT */
/* The GC ops in the IR (docs/ir.md §15): text round trip, the validator's
 * rules, and the reference interpreter under the tests' moving collector
 * (gc_model.h): allocation fast and slow paths with collections that move
 * every live object, merged allocations, headers of arrays and strings,
 * the write barrier on old and young objects, a collection during a call.
 * Expected values come from walking the heap the run leaves. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "gc_cases.h"
#include "ir_support.h"

static uint16_t rd_tid(uintptr_t p) {
  uint16_t v;
  memcpy(&v, (const void *)(p + GCM_TID_OFF), 2);
  return v;
}

static void verify(const gcm *g) {
  char why[200];
  if (!gcm_verify(g, why, sizeof why)) fail_msg("heap: %s", why);
}

/* decls + body, parsed in ctx */
static armjit_trace *parse_gc(armjit_ctx *ctx, const char *body) {
  char decls[1024], text[8192];
  snprintf(text, sizeof text, "%s%s", gct_decls(decls, sizeof decls), body);
  return irs_parse(ctx, text);
}

static void test_roundtrip(void **state) {
  (void)state;
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  char decls[1024], text[4096];
  snprintf(text, sizeof text,
           "%s[p0, i1]\n"
           "p2 = new(%u, 1)\n"
           "p3 = new_with_vtable(%u, 2, ref(0x1234))\n"
           "p4 = new_array(i1, 3, descr=A)\n"
           "p5 = newstr(7, 5, descr=S)\n"
           "p6 = newunicode(i1, 6, descr=U)\n"
           "cond_call_gc_wb(p0)\n"
           "setfield_gc(p0, p2, descr=N)\n"
           "cond_call_gc_wb_array(p4, 0)\n"
           "cond_call_gc_wb_array(p4, i1)\n"
           "keepalive(p3)\n"
           "keepalive(i1)\n"
           "finish(p2, p4, p5, p6)\n",
           gct_decls(decls, sizeof decls), gct_size(GCT_NODE), gct_size(GCT_PAIR));
  armjit_trace *t = irs_roundtrip(ctx, text);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  gcm_fini(&g);
}

static void test_errors(void **state) {
  (void)state;
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  irs_expect_error(ctx, "[i0]\np1 = new(i0, 1)\nfinish(p1)\n", ARMJIT_E_INVALID, 2, 10,
                   "size of new", "constant", NULL);
  irs_expect_error(ctx, "[]\np1 = new(0, 1)\nfinish(p1)\n", ARMJIT_E_INVALID, 2, 10, "from 1",
                   NULL);
  irs_expect_error(ctx, "[i0]\np1 = new(16, i0)\nfinish(p1)\n", ARMJIT_E_INVALID, 2, 14,
                   "type id", NULL);
  irs_expect_error(ctx, "[]\np1 = new(16, 70000)\nfinish(p1)\n", ARMJIT_E_INVALID, 2, 14,
                   "fits in 2 bytes", NULL);
  irs_expect_error(ctx, "[p0]\np1 = new_with_vtable(16, 1, p0)\nfinish(p1)\n", ARMJIT_E_INVALID,
                   2, 29, "class of new_with_vtable", NULL);
  irs_expect_error(ctx,
                   "descr A = array(base=8, item=4, int, len=4)\n[]\n"
                   "p1 = new_array(-1, 3, descr=A)\nfinish(p1)\n",
                   ARMJIT_E_INVALID, 3, 16, "length of new_array is -1", NULL);
  irs_expect_error(ctx,
                   "descr A = array(base=8, item=4, int)\n[i0]\n"
                   "p1 = new_array(i0, 3, descr=A)\nfinish(p1)\n",
                   ARMJIT_E_INVALID, 3, 6, "with a length", NULL);
  irs_expect_error(ctx, "[i0]\ncond_call_gc_wb(i0)\nfinish()\n", ARMJIT_E_TYPE, 2, 17, NULL);
  armjit_ctx_free(ctx);

  /* without a GC descriptor */
  ctx = irs_ctx();
  irs_expect_error(ctx, "[]\np1 = new(16, 1)\nfinish(p1)\n", ARMJIT_E_INVALID, 2, 6,
                   "new needs the context's GC descriptor", NULL);
  irs_expect_error(ctx, "[p0]\ncond_call_gc_wb(p0)\nfinish()\n", ARMJIT_E_INVALID, 2, 1,
                   "cond_call_gc_wb needs the context's GC descriptor", NULL);
  armjit_ctx_free(ctx);

  /* a bad descriptor */
  armjit_gc_descr bad = g.descr;
  bad.tid_size = 3;
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.gc = &bad;
  armjit_error err;
  assert_null(armjit_ctx_new(&o, &err));
  irs_expect_err(&err, ARMJIT_E_ARG, "tid_size", NULL);
  bad = g.descr;
  bad.malloc_slowpath = NULL;
  assert_null(armjit_ctx_new(&o, &err));
  irs_expect_err(&err, ARMJIT_E_ARG, "malloc_slowpath", NULL);
  gcm_fini(&g);
}

/* Build a list of n nodes (values n .. 1, the head's is 1) with a
 * collection every few allocations; every node moves many times. */
static void test_list(void **state) {
  (void)state;
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 4 * gct_size(GCT_NODE), 1);
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  char body[1024];
  snprintf(body, sizeof body,
           "[i0, p1]\n"
           "label(i0, p1, descr=L)\n"
           "i2 = int_gt(i0, 0)\n"
           "guard_true(i2, descr=done) [p1, i0]\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, i0, descr=V)\n"
           "cond_call_gc_wb(p3)\n"
           "setfield_gc(p3, p1, descr=N)\n"
           "i4 = int_sub(i0, 1)\n"
           "jump(i4, p3, descr=L)\n",
           gct_size(GCT_NODE), GCT_NODE);
  armjit_trace *t = parse_gc(ctx, body);
  enum { NODES = 200 };
  armjit_value in[2] = {irs_i(NODES), irs_r(0)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  uintptr_t p = f->values[0].r;
  for (int32_t k = 1; k <= NODES; k++) {
    assert_true(gcm_is_young(&g, p));
    assert_int_equal(rd_tid(p), GCT_NODE);
    assert_int_equal(gct_rd_i32(p, GCT_VALUE), k);
    p = gct_rd_ref(p, GCT_NEXT);
  }
  assert_int_equal(p, 0);
  verify(&g);
  assert_true(g.collections >= NODES / 5 - 1); /* a window of 4 after each */
  assert_true(g.moved > (uint64_t)NODES * 10);  /* every node moved many times */
  assert_int_equal(g.wb_calls, 0);              /* young objects: no barrier */
  print_message("list of %d: %llu slow-path calls, %llu collections, %llu objects moved\n",
                NODES, (unsigned long long)g.slow_calls, (unsigned long long)g.collections,
                (unsigned long long)g.moved);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  gcm_fini(&g);
}

/* Allocations of one group are adjacent; arrays and strings get their
 * type ids and lengths, and zeroed items. */
static void test_layouts(void **state) {
  (void)state;
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  char body[1024];
  snprintf(body, sizeof body,
           "[i0]\n"
           "p1 = new(%u, %d)\n"
           "p2 = new_with_vtable(%u, %d, ref(0x4444))\n"
           "p3 = new_array(3, %d, descr=A)\n"
           "p4 = newstr(5, %d, descr=S)\n"
           "p5 = newunicode(i0, %d, descr=U)\n"
           "p6 = new_array(i0, %d, descr=I)\n"
           "finish(p1, p2, p3, p4, p5, p6)\n",
           gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_PAIR), GCT_PAIR, GCT_REFS, GCT_STR,
           GCT_UNI, GCT_INTS);
  armjit_trace *t = parse_gc(ctx, body);
  armjit_value in[1] = {irs_i(9)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  uintptr_t p[6];
  for (int k = 0; k < 6; k++) p[k] = f->values[k].r;
  /* one group of four: adjacent */
  assert_int_equal(p[1], p[0] + gct_size(GCT_NODE));
  assert_int_equal(p[2], p[1] + gct_size(GCT_PAIR));
  assert_int_equal(p[3], p[2] + ((GCM_ARRAY_BASE + 3 * GCM_P + 7) & ~7));
  assert_int_equal(gct_rd_ref(p[1], GCM_CLASS_OFF), 0x4444);
  assert_int_equal(gct_rd_i32(p[2], GCM_ARRAY_LEN), 3);
  assert_int_equal(gct_rd_i32(p[3], GCM_STR_LEN), 5);
  assert_int_equal(gct_rd_i32(p[4], GCM_STR_LEN), 9);
  assert_int_equal(gct_rd_i32(p[5], GCM_ARRAY_LEN), 9);
  static const uint16_t tids[6] = {GCT_NODE, GCT_PAIR, GCT_REFS, GCT_STR, GCT_UNI, GCT_INTS};
  for (int k = 0; k < 6; k++) {
    assert_int_equal(rd_tid(p[k]), tids[k]);
    assert_int_equal(gcm_size(&g, p[k]) % 8, 0);
  }
  for (int k = 0; k < 9; k++) assert_int_equal(gct_rd_i32(p[5], GCM_ARRAY_BASE + 4 * k), 0);
  /* the variable-length ones follow (a group each) */
  assert_int_equal(p[4], p[3] + gcm_size(&g, p[3]));
  assert_int_equal(p[5], p[4] + gcm_size(&g, p[4]));
  assert_int_equal(g.free, p[5] + gcm_size(&g, p[5]));
  verify(&g);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  gcm_fini(&g);
}

/* The barrier calls the slow path for an old object (once: it clears the
 * flag), never for a young one; the old object's field is a root the
 * collector updates.  The array barrier's slow path gets the index; a
 * descriptor without one (plain) calls wb_slowpath instead. */
static void write_barrier(bool plain) {
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 2 * gct_size(GCT_NODE), 1);
  if (plain) g.descr.wb_array_slowpath = NULL;
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  char body[1024];
  snprintf(body, sizeof body,
           "[p0, p1]\n"
           "p2 = new(%u, %d)\n"
           "setfield_gc(p2, 77, descr=V)\n"
           "cond_call_gc_wb(p0)\n"
           "setfield_gc(p0, p2, descr=N)\n"
           "cond_call_gc_wb(p0)\n"
           "cond_call_gc_wb(p2)\n"
           "cond_call_gc_wb_array(p1, 1)\n"
           "setarrayitem_gc(p1, 1, p2, descr=A)\n"
           "p3 = new(%u, %d)\n"
           "p4 = new(%u, %d)\n"
           "p5 = new(%u, %d)\n"
           "finish(p3)\n",
           gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE),
           GCT_NODE, gct_size(GCT_NODE), GCT_NODE);
  armjit_trace *t = parse_gc(ctx, body);
  uintptr_t old = gcm_old(&g, GCT_NODE, 0), arr = gcm_old(&g, GCT_REFS, 4);
  armjit_value in[2] = {irs_r(old), irs_r(arr)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(g.wb_calls, 2);       /* old and arr, once each */
  assert_int_equal(g.wb_array_calls, plain ? 0 : 1);
  assert_int_equal(g.wb_index_hash, plain ? 0 : 1 + 1); /* index 1 (gc_model.c) */
  assert_true(g.collections >= 1);       /* p3..p5 did not fit */
  uintptr_t young = gct_rd_ref(old, GCT_NEXT);
  assert_true(gcm_is_young(&g, young));  /* moved, and the old object knows */
  assert_int_equal(gct_rd_i32(young, GCT_VALUE), 77);
  assert_int_equal(gct_rd_ref(arr, GCM_ARRAY_BASE + GCM_P), young);
  assert_int_equal(*(uint8_t *)(old + GCM_FLAGS_OFF) & GCM_WB_FLAG, 0);
  verify(&g);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  gcm_fini(&g);
}

static void test_write_barrier(void **state) {
  (void)state;
  write_barrier(false);
  write_barrier(true);
}

/* A collection inside a call: the refs live after it are moved and the
 * exit hands back the new addresses; keepalive keeps p1 a root. */
static void test_collect_in_call(void **state) {
  (void)state;
  if (!TEST_WITH_LIBFFI) skip();
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  char body[1024];
  snprintf(body, sizeof body,
           "[i0]\n"
           "p1 = new(%u, %d)\n"
           "setfield_gc(p1, i0, descr=V)\n"
           "p2 = new(%u, %d)\n"
           "setfield_gc(p2, p1, descr=N)\n"
           "p3 = new(%u, %d)\n"
           "call(sym(gcm_collect), ref(%#lx), descr=C)\n"
           "keepalive(p1)\n"
           "i4 = int_add(i0, 1)\n"
           "guard_false(i4, descr=g) [p2]\n"
           "finish(p2)\n",
           gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE),
           GCT_NODE, (unsigned long)(uintptr_t)&g);
  armjit_trace *t = parse_gc(ctx, body);
  armjit_value in[1] = {irs_i(5)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(f->exit_id, 0);
  assert_int_equal(g.collections, 1);
  assert_int_equal(g.roots, 2);      /* p1 (keepalive) and p2; p3 is dead */
  assert_int_equal(g.moved, 2);
  uintptr_t p2 = f->values[0].r;
  assert_true(gcm_is_young(&g, p2));
  assert_int_equal(gct_rd_i32(gct_rd_ref(p2, GCT_NEXT), GCT_VALUE), 5);
  verify(&g);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  gcm_fini(&g);
}

/* The slow path returns NULL (docs/ir.md §15.2): the run ends with
 * ARMJIT_E_NOMEM and exit id ARMJIT_EXIT_OUT_OF_MEMORY, no values, the
 * slow path's exception pending, and no header written at address 0. */
static void test_out_of_memory(void **state) {
  (void)state;
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, gct_size(GCT_NODE), 0);
  g.fail_at = 3;
  g.oom_value = 0x770;
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  char body[1024];
  snprintf(body, sizeof body,
           "[i0, p1]\n"
           "label(i0, p1, descr=L)\n"
           "i2 = int_gt(i0, 0)\n"
           "guard_true(i2, descr=done) [p1, i0]\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, p1, descr=N)\n"
           "i4 = int_sub(i0, 1)\n"
           "jump(i4, p3, descr=L)\n",
           gct_size(GCT_NODE), GCT_NODE);
  armjit_trace *t = parse_gc(ctx, body);
  armjit_frame *f = armjit_frame_new(ctx, 4);
  f->values[0] = irs_i(10);
  f->values[1] = irs_r(0);
  armjit_error err;
  assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_E_NOMEM);
  assert_int_equal(err.code, ARMJIT_E_NOMEM);
  assert_non_null(strstr(err.msg, "malloc slow path returned NULL"));
  assert_int_equal(f->exit_id, ARMJIT_EXIT_OUT_OF_MEMORY);
  assert_int_equal(f->nvalues, 0);
  assert_int_equal(armjit_exception(ctx), 0x770);
  assert_int_equal(g.slow_calls, 3);
  verify(&g);
  /* a window of one node: fast, slow, fast, slow, fast, then NULL */
  uint32_t used;
  gcm_nursery(&g, &used);
  assert_int_equal(used, 5 * gct_size(GCT_NODE));
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  gcm_fini(&g);
}

/* A ref read by getfield_raw is no GC reference: the collection moves
 * the object (its root, input p2, is updated) but not the raw copy. */
static void test_raw_refs(void **state) {
  (void)state;
  if (!TEST_WITH_LIBFFI) skip();
  gcm g;
  gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
  armjit_ctx *ctx = gct_ctx(&g, 0, ARMJIT_ABI_DEFAULT);
  char body[1024];
  snprintf(body, sizeof body,
           "descr RAW = field(offset=0, ref)\n"
           "[p0, p1]\n"
           "p2 = getfield_raw(p0, descr=RAW)\n"
           "p3 = getfield_gc(p0, descr=RAW)\n"
           "call(sym(gcm_collect), ref(%#lx), descr=C)\n"
           "finish(p1, p2, p3)\n",
           (unsigned long)(uintptr_t)&g);
  armjit_trace *t = parse_gc(ctx, body);
  uintptr_t y = gcm_new(&g, GCT_NODE, 0);
  uintptr_t raw[1] = {y};
  armjit_value in[2] = {irs_r((uintptr_t)raw), irs_r(y)};
  armjit_frame *f = irs_run(ctx, t, in, 0);
  assert_int_equal(g.collections, 1);
  assert_int_not_equal(f->values[0].r, y);  /* moved: the input was a root */
  assert_true(gcm_is_young(&g, f->values[0].r));
  assert_int_equal(f->values[1].r, y);      /* the raw load's copy was not */
  assert_int_equal(f->values[2].r, f->values[0].r); /* a _gc load's copy was */
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  gcm_fini(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),   cmocka_unit_test(test_errors),
      cmocka_unit_test(test_list),        cmocka_unit_test(test_layouts),
      cmocka_unit_test(test_write_barrier), cmocka_unit_test(test_collect_in_call),
      cmocka_unit_test(test_raw_refs),    cmocka_unit_test(test_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
