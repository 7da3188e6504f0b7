/* SPDX-License-Identifier: MIT */
/* The GC ops compiled (docs/ir.md §15, docs/design.md §13), run under the
 * tests' moving collector and compared with the interpreter from the same
 * collector state: exits, values and the heap byte for byte (gc_diff.h).
 * Allocation fast and slow paths (a collection every slow-path call, so
 * every live object moves), merged allocations, arrays and strings, the
 * write barrier on old and young objects, collections during a call with
 * refs in registers, in slots and in the fail args of a later exit (the
 * exit hands back the moved addresses), in the default allocator and
 * with ARMJIT_RANDOM_RA, under the context's ABI and the other one. */
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
#include "gc_diff.h"
#include "ir_support.h"

static uintptr_t rd_ref(uintptr_t p, int32_t off) {
  uintptr_t v;
  memcpy(&v, (const void *)(p + (uintptr_t)off), sizeof v);
  return v;
}
static int32_t rd_i32(uintptr_t p, int32_t off) {
  int32_t v;
  memcpy(&v, (const void *)(p + (uintptr_t)off), 4);
  return v;
}

typedef struct {
  const char *body;         /* after the descriptor declarations */
  gcd_setup_fn setup;
  uint32_t window;          /* collector: bytes between collections */
  unsigned every;
} gc_case;

typedef struct {
  int32_t ints[4];
  int nold;                 /* p inputs after the ints: old nodes, then an old ref array */
} setup_args;

/* Inputs by type: ints from a->ints, refs: old objects (nodes, then a
 * ref array of 4). */
static void setup_inputs(gcm *g, const armjit_trace *t, armjit_value *in, void *ud) {
  const setup_args *a = ud;
  unsigned ni = 0, nr = 0;
  for (unsigned k = 0; k < armjit_trace_ninputs(t); k++) {
    if (armjit_val_type(t, (armjit_val)k) == ARMJIT_INT) {
      in[k] = irs_i(a->ints[ni++ % 4]);
    } else {
      uintptr_t p = (int)nr < a->nold ? gcm_old(g, GCT_NODE, 0) : gcm_old(g, GCT_REFS, 4);
      nr++;
      in[k] = irs_r(p);
    }
  }
}

static const unsigned ctx_flags[2] = {0, ARMJIT_RANDOM_RA};

/* Run the case in every context (allocator default / random, both ABIs);
 * returns the last compiled exit's frame values through *out (copied). */
static void run_case(const gc_case *gc, setup_args *a, void (*check)(gcm *, armjit_frame *)) {
  char decls[1024], text[16384];
  snprintf(text, sizeof text, "%s%s", gct_decls(decls, sizeof decls), gc->body);
  for (int abi = 0; abi < 2; abi++)
    for (int fl = 0; fl < 2; fl++) {
      gcm g;
      gcm_init(&g, gct_types, GCT_NTYPES, 1 << 18, 1 << 14, gc->window, gc->every);
      armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], abi ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD);
      armjit_trace *t = irs_parse(ctx, text);
      armjit_loop *loop = irs_compile(ctx, t);
      armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop) + 4);
      char why[300];
      gcd_result r;
      if (!gcd_compare(&g, t, loop, gc->setup, a, f, &r, why, sizeof why))
        fail_msg("abi %d flags %u: %s\n%s", abi, ctx_flags[fl], why, gc->body);
      if (check) check(&g, f);
      if (abi == 0 && fl == 0) {
        armjit_gc_map_stats ms;
        armjit_loop_gc_stats(loop, &ms);
        print_message("  %llu slow-path calls, %llu collections, %llu moved, %llu barrier "
                      "calls; %zu GC points, %zu map bytes + %zu table bytes\n",
                      (unsigned long long)r.slow_calls, (unsigned long long)r.collections,
                      (unsigned long long)r.moved, (unsigned long long)r.wb_calls, ms.sites,
                      ms.map_bytes, ms.table_bytes);
      }
      armjit_frame_free(ctx, f);
      armjit_loop_free(loop);
      armjit_trace_free(t);
      armjit_ctx_free(ctx);
      gcm_fini(&g);
    }
}

enum { NODES = 300 };

static void check_list(gcm *g, armjit_frame *f) {
  uintptr_t p = f->values[0].r;
  for (int32_t k = 1; k <= NODES; k++) {
    assert_true(gcm_is_young(g, p));
    assert_int_equal(rd_i32(p, GCT_VALUE), k);
    p = rd_ref(p, GCT_NEXT);
  }
  assert_int_equal(p, 0);
  assert_true(g->collections > NODES / 8);
}

static void test_list(void **state) {
  (void)state;
  static char list[1024];
  snprintf(list, sizeof list,
           "[i0]\n"
           "p1 = same_as(null)\n"
           "label(i0, p1, descr=loop)\n"
           "i2 = int_gt(i0, 0)\n"
           "guard_true(i2, descr=done) [p1, i0]\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, i0, descr=V)\n"
           "cond_call_gc_wb(p3)\n"
           "setfield_gc(p3, p1, descr=N)\n"
           "i4 = int_sub(i0, 1)\n"
           "jump(i4, p3, descr=loop)\n",
           gct_size(GCT_NODE), GCT_NODE);
  gc_case c = {list, setup_inputs, 3 * gct_size(GCT_NODE), 1};
  setup_args a = {{NODES, 0, 0, 0}, 0};
  run_case(&c, &a, check_list);
}

/* A group of fixed-size objects, a constant-length array and string, and
 * variable-length ones, then their fields: headers and offsets as the
 * interpreter writes them; a collection between groups. */
static void test_layouts(void **state) {
  (void)state;
  static char body[2048];
  snprintf(body, sizeof body,
           "[i0, i1]\n"
           "p2 = new(%u, %d)\n"
           "p3 = new_with_vtable(%u, %d, ref(0x4444))\n"
           "p4 = new_array(3, %d, descr=A)\n"
           "p5 = newstr(5, %d, descr=S)\n"
           "setfield_gc(p3, p2, descr=PL)\n"
           "setarrayitem_gc(p4, 2, p3, descr=A)\n"
           "strsetitem(p5, 4, 120, descr=S)\n"
           "p6 = newunicode(i0, %d, descr=U)\n"
           "unicodesetitem(p6, 1, 0x10ffff, descr=U)\n"
           "p7 = new_array(i1, %d, descr=I)\n"
           "p8 = new_array(i0, %d, descr=A)\n"
           "setarrayitem_gc(p8, 0, p4, descr=A)\n"
           "p9 = new(%u, %d)\n"
           "setfield_gc(p9, p5, descr=B)\n"
           "setfield_gc(p9, i1, descr=W)\n"
           "finish(p2, p3, p4, p5, p6, p7, p8, p9)\n",
           gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_PAIR), GCT_PAIR, GCT_REFS, GCT_STR,
           GCT_UNI, GCT_INTS, GCT_REFS, gct_size(GCT_BIG), GCT_BIG);
  gc_case c = {body, setup_inputs, 64, 1};
  setup_args a = {{7, 33, 0, 0}, 0};
  run_case(&c, &a, NULL);
  c.window = 0; /* all fast paths */
  c.every = 0;
  run_case(&c, &a, NULL);
}

/* The barrier on old objects (the slow path, once per object) and young
 * ones (never), the array variant with a constant and a variable index;
 * the old objects' fields are updated by the collections after. */
static void check_wb(gcm *g, armjit_frame *f) {
  (void)f;
  assert_int_equal(g->wb_calls, 2);
}

static void test_write_barrier(void **state) {
  (void)state;
  static char body[2048];
  snprintf(body, sizeof body,
           "[p0, p1, i2]\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, 77, descr=V)\n"
           "cond_call_gc_wb(p0)\n"
           "setfield_gc(p0, p3, descr=N)\n"
           "cond_call_gc_wb(p0)\n"
           "cond_call_gc_wb(p3)\n"
           "cond_call_gc_wb_array(p1, i2)\n"
           "setarrayitem_gc(p1, i2, p3, descr=A)\n"
           "cond_call_gc_wb_array(p1, 3)\n"
           "setarrayitem_gc(p1, 3, p3, descr=A)\n"
           "p4 = new(%u, %d)\n"
           "p5 = new(%u, %d)\n"
           "setfield_gc(p5, p4, descr=N)\n"
           "p6 = new(%u, %d)\n"
           "finish(p4, p5)\n",
           gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE),
           GCT_NODE, gct_size(GCT_NODE), GCT_NODE);
  gc_case c = {body, setup_inputs, 2 * gct_size(GCT_NODE), 1};
  setup_args a = {{1, 0, 0, 0}, 1};
  run_case(&c, &a, check_wb);
}

/* Twenty refs live across a call that collects: more than the registers
 * hold, so some are in slots and some in callee-saved registers; a guard
 * after the call hands all of them back.  The values must be the moved
 * objects (each node holds its number). */
static void check_many(gcm *g, armjit_frame *f) {
  assert_int_equal(f->exit_id, 0);
  assert_true(g->collections >= 2);
  for (int k = 0; k < 20; k++) {
    uintptr_t p = f->values[k].r;
    assert_true(gcm_is_young(g, p));
    assert_int_equal(rd_i32(p, GCT_VALUE), 100 + k);
  }
}

static void test_refs_across_call(void **state) {
  (void)state;
  static char body[8192];
  size_t n = 0;
  n += (size_t)snprintf(body + n, sizeof body - n, "[i0]\n");
  for (int k = 0; k < 20; k++)
    n += (size_t)snprintf(body + n, sizeof body - n,
                          "p%d = new(%u, %d)\nsetfield_gc(p%d, %d, descr=V)\n", 10 + k,
                          gct_size(GCT_NODE), GCT_NODE, 10 + k, 100 + k);
  n += (size_t)snprintf(body + n, sizeof body - n,
                        "call(sym(gcm_collect), ref(GCM), descr=C)\n"
                        "p40 = new(%u, %d)\n"
                        "call(sym(gcm_collect), ref(GCM), descr=C)\n"
                        "guard_true(i0, descr=g) [",
                        gct_size(GCT_NODE), GCT_NODE);
  for (int k = 0; k < 20; k++)
    n += (size_t)snprintf(body + n, sizeof body - n, "%sp%d", k ? ", " : "", 10 + k);
  snprintf(body + n, sizeof body - n, "]\nfinish(p40)\n");
  gc_case c = {body, setup_inputs, 0, 0};
  setup_args a = {{0, 0, 0, 0}, 0};
  /* ref(GCM): the collector's address, patched per context below */
  char decls[1024], text[16384];
  for (int abi = 0; abi < 2; abi++)
    for (int fl = 0; fl < 2; fl++) {
      gcm g;
      gcm_init(&g, gct_types, GCT_NTYPES, 1 << 18, 1 << 14, c.window, c.every);
      armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], abi ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD);
      armjit_ctx_add_symbol(ctx, "GCM", (uintptr_t)&g);
      snprintf(text, sizeof text, "%s%s", gct_decls(decls, sizeof decls), body);
      for (char *q = strstr(text, "ref(GCM)"); q; q = strstr(q, "ref(GCM)")) memcpy(q, "sym(GCM)", 8);
      armjit_trace *t = irs_parse(ctx, text);
      armjit_loop *loop = irs_compile(ctx, t);
      armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
      char why[300];
      gcd_result r;
      if (!gcd_compare(&g, t, loop, setup_inputs, &a, f, &r, why, sizeof why))
        fail_msg("abi %d flags %u: %s", abi, ctx_flags[fl], why);
      check_many(&g, f);
      assert_true(r.roots_compiled >= 20);
      armjit_gc_map_stats ms;
      armjit_loop_gc_stats(loop, &ms);
      assert_int_equal(ms.sites, 2 + 21); /* the calls, the allocations' slow paths */
      if (abi == 0 && fl == 0)
        print_message("  20 refs across 2 calls: %llu roots reported (interpreter %llu), "
                      "%zu map bytes for 23 GC points\n",
                      (unsigned long long)r.roots_compiled,
                      (unsigned long long)r.roots_interp, ms.map_bytes);
      armjit_frame_free(ctx, f);
      armjit_loop_free(loop);
      armjit_trace_free(t);
      armjit_ctx_free(ctx);
      gcm_fini(&g);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_list),
      cmocka_unit_test(test_layouts),
      cmocka_unit_test(test_write_barrier),
      cmocka_unit_test(test_refs_across_call),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
