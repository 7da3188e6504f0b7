/* SPDX-License-Identifier: MIT */
/* The GC ops compiled (docs/ir.md §15, docs/design.md §13), run under the
 * tests' moving collector and compared with the interpreter from the same
 * collector state: exits, values and the heap byte for byte (gc_diff.h).
 * Allocation fast and slow paths (a collection every slow-path call, so
 * every live object moves), merged allocations, arrays and strings, the
 * write barrier on old and young objects, collections during a call with
 * refs in registers, in slots and in the fail args of a later exit (the
 * exit hands back the moved addresses), keepalive, raw refs kept out of
 * the maps, in the default allocator and with ARMJIT_RANDOM_RA, under the
 * context's ABI and the other one. */
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


typedef struct {
  const char *body;         /* after the descriptor declarations */
  gcd_setup_fn setup;
  uint32_t window;          /* collector: bytes between collections */
  unsigned every;
  unsigned sites;           /* GC points the loop must have (0: not checked) */
  bool no_array_wb;         /* a descriptor without wb_array_slowpath */
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
      if (gc->no_array_wb) g.descr.wb_array_slowpath = NULL;
      armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], abi ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD);
      armjit_ctx_add_symbol(ctx, "GCM", (uintptr_t)&g); /* the collector, for gcm_collect */
      armjit_trace *t = irs_parse(ctx, text);
      armjit_loop *loop = irs_compile(ctx, t);
      armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop) + 4);
      char why[300];
      gcd_result r;
      if (!gcd_compare(&g, t, loop, gc->setup, a, f, &r, why, sizeof why))
        fail_msg("abi %d flags %u: %s\n%s", abi, ctx_flags[fl], why, gc->body);
      if (check) check(&g, f);
      armjit_gc_map_stats ms;
      armjit_loop_gc_stats(loop, &ms);
      if (gc->sites) assert_int_equal(ms.sites, gc->sites);
      if (abi == 0 && fl == 0) {
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
    assert_int_equal(gct_rd_i32(p, GCT_VALUE), k);
    p = gct_rd_ref(p, GCT_NEXT);
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
  gc_case c = {list, setup_inputs, 3 * gct_size(GCT_NODE), 1, 2, false};
  setup_args a = {{NODES, 0, 0, 0}, 0};
  run_case(&c, &a, check_list);
}

/* A group of fixed-size objects, a constant-length array and string, and
 * variable-length ones, then their fields: headers and offsets as the
 * interpreter writes them; a collection between groups.  Five GC points:
 * the four consecutive allocations p2..p5 merged into one nursery bump,
 * the three variable-length ones, and p9. */
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
  gc_case c = {body, setup_inputs, 64, 1, 5, false};
  setup_args a = {{7, 33, 0, 0}, 0};
  run_case(&c, &a, NULL);
  c.window = 0; /* all fast paths */
  c.every = 0;
  run_case(&c, &a, NULL);
}

/* The barrier on old objects (the slow path, once per object) and young
 * ones (never), the array variant with a variable index (2) and a
 * constant one (3): its slow path gets the index; without an array slow
 * path in the descriptor, wb_slowpath is called instead.  The old
 * objects' fields are updated by the collections after. */
static void check_wb(gcm *g, armjit_frame *f) {
  (void)f;
  assert_int_equal(g->wb_calls, 3);
  assert_int_equal(g->wb_array_calls, 2);
  assert_int_equal(g->wb_index_hash, (2 + 1) * 1000003u + 3 + 1); /* gc_model.c */
}
static void check_wb_plain(gcm *g, armjit_frame *f) {
  (void)f;
  assert_int_equal(g->wb_calls, 3);
  assert_int_equal(g->wb_array_calls, 0);
}

static void test_write_barrier(void **state) {
  (void)state;
  static char body[2048];
  snprintf(body, sizeof body,
           "[p0, p1, i2, p7]\n"
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
           "cond_call_gc_wb_array(p7, 3)\n"
           "setarrayitem_gc(p7, 3, p3, descr=A)\n"
           "p4 = new(%u, %d)\n"
           "p5 = new(%u, %d)\n"
           "setfield_gc(p5, p4, descr=N)\n"
           "p6 = new(%u, %d)\n"
           "finish(p4, p5)\n",
           gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE),
           GCT_NODE, gct_size(GCT_NODE), GCT_NODE);
  gc_case c = {body, setup_inputs, 2 * gct_size(GCT_NODE), 1, 0, false};
  setup_args a = {{2, 0, 0, 0}, 1};
  run_case(&c, &a, check_wb);
  c.no_array_wb = true;
  run_case(&c, &a, check_wb_plain);
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
    assert_int_equal(gct_rd_i32(p, GCT_VALUE), 100 + k);
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
  gc_case c = {body, setup_inputs, 0, 0, 0, false};
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

/* keepalive(p1) after two collecting calls keeps p1 a root through both
 * (no other later op names it, nothing reaches it): each moves it with
 * p2; after the keepalive a third collection moves p2 alone.  p3 (of the
 * same allocation group) is never used, so never moved. */
static void check_keepalive(gcm *g, armjit_frame *f) {
  assert_int_equal(g->collections, 3);
  assert_int_equal(g->moved, 2 + 2 + 1); /* p3 is dead: never moved */
  assert_true(gcm_is_young(g, f->values[0].r));
  assert_int_equal(gct_rd_i32(f->values[0].r, GCT_VALUE), 2);
}

static void test_keepalive(void **state) {
  (void)state;
  static char body[2048];
  snprintf(body, sizeof body,
           "[i0]\n"
           "p1 = new(%u, %d)\n"
           "p2 = new(%u, %d)\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p1, i0, descr=V)\n"
           "setfield_gc(p2, 2, descr=V)\n"
           "call(sym(gcm_collect), sym(GCM), descr=C)\n"
           "call(sym(gcm_collect), sym(GCM), descr=C)\n"
           "keepalive(p1)\n"
           "call(sym(gcm_collect), sym(GCM), descr=C)\n"
           "finish(p2)\n",
           gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE),
           GCT_NODE);
  gc_case c = {body, setup_inputs, 0, 0, 3 + 1, false}; /* the calls, one allocation group */
  setup_args a = {{5, 0, 0, 0}, 0};
  run_case(&c, &a, check_keepalive);
}

/* Compare two heaps and frames of the compiled and interpreted runs of
 * a set / a call_assembler pair, made by run(g, interp?, f). */
typedef struct {
  uint8_t *nursery, *old;
  uint32_t nb, ob;
  uint64_t coll, moved;
} heap_copy;

static void copy_heap(const gcm *g, heap_copy *h) {
  const uint8_t *p = gcm_nursery(g, &h->nb);
  h->nursery = malloc(h->nb + 1);
  memcpy(h->nursery, p, h->nb);
  p = gcm_old_space(g, &h->ob);
  h->old = malloc(h->ob + 1);
  memcpy(h->old, p, h->ob);
  h->coll = g->collections;
  h->moved = g->moved;
}

static void assert_same_heaps(const heap_copy *a, const heap_copy *b) {
  assert_int_equal(a->nb, b->nb);
  assert_int_equal(a->ob, b->ob);
  assert_memory_equal(a->nursery, b->nursery, a->nb);
  assert_memory_equal(a->old, b->old, a->ob);
  assert_int_equal(a->coll, b->coll);
  assert_int_equal(a->moved, b->moved);
}

static void free_heap(heap_copy *h) {
  free(h->nursery);
  free(h->old);
}

/* A loop whose odd iterations fail into a bridge that allocates, calls a
 * collecting helper and jumps back: GC points in the bridge (on the
 * loop's frame) and in the loop. */
static void test_bridge(void **state) {
  (void)state;
  char decls[1024], text[8192];
  gct_decls(decls, sizeof decls);
  snprintf(text, sizeof text,
           "--- loop main\n%s"
           "[i0, p1]\n"
           "label(i0, p1, descr=top)\n"
           "i2 = int_gt(i0, 0)\n"
           "guard_true(i2, descr=done) [p1]\n"
           "i3 = int_and(i0, 1)\n"
           "guard_false(i3, descr=odd) [i0, p1]\n"
           "p4 = new(%u, %d)\n"
           "setfield_gc(p4, i0, descr=V)\n"
           "setfield_gc(p4, p1, descr=N)\n"
           "i5 = int_sub(i0, 1)\n"
           "jump(i5, p4, descr=top)\n"
           "--- bridge b on main.odd\n%s"
           "[i0, p1]\n"
           "p2 = new_with_vtable(%u, %d, ref(0x5550))\n"
           "setfield_gc(p2, p1, descr=PL)\n"
           "call(sym(gcm_collect), sym(GCM), descr=C)\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, i0, descr=V)\n"
           "setfield_gc(p3, p2, descr=N)\n"
           "i4 = int_sub(i0, 1)\n"
           "jump(i4, p3, descr=top)\n",
           decls, gct_size(GCT_NODE), GCT_NODE, decls, gct_size(GCT_PAIR), GCT_PAIR,
           gct_size(GCT_NODE), GCT_NODE);
  for (int fl = 0; fl < 2; fl++) {
    gcm g;
    gcm_init(&g, gct_types, GCT_NTYPES, 1 << 18, 1 << 12, 2 * gct_size(GCT_NODE), 1);
    armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], ARMJIT_ABI_DEFAULT);
    armjit_ctx_add_symbol(ctx, "GCM", (uintptr_t)&g);
    armjit_set_entry *set;
    unsigned n;
    armjit_error err;
    if (armjit_set_parse(ctx, text, &set, &n, &err) != ARMJIT_OK)
      fail_msg("%d:%d %s", err.line, err.col, err.msg);
    armjit_loop *out[2];
    if (armjit_compile_set(ctx, set, n, out, &err) != ARMJIT_OK) fail_msg("%s", err.msg);
    armjit_frame *fi = armjit_frame_new(ctx, 8), *fc = armjit_frame_new(ctx, 8);
    gcm_reset(&g);
    fi->values[0] = irs_i(40);
    fi->values[1] = irs_r(0);
    unsigned entry;
    if (armjit_interpret_set(set, n, 0, NULL, fi, 0, &entry, &err) != ARMJIT_OK)
      fail_msg("%s", err.msg);
    heap_copy hi, hc;
    copy_heap(&g, &hi);
    gcm_reset(&g);
    fc->values[0] = irs_i(40);
    fc->values[1] = irs_r(0);
    assert_int_equal(armjit_run(out[0], fc, &err), 0);
    copy_heap(&g, &hc);
    assert_same_heaps(&hi, &hc);
    assert_int_equal(fi->values[0].r, fc->values[0].r);
    assert_true(g.collections >= 20);
    /* the list: 1 (node) -> pair -> 2 (node) -> 3 -> pair -> ... */
    uintptr_t p = fc->values[0].r;
    int nodes = 0;
    while (p) {
      if (gcm_size(&g, p) == gct_size(GCT_PAIR) && *(uint16_t *)p == GCT_PAIR) {
        assert_int_equal(gct_rd_ref(p, GCM_CLASS_OFF), 0x5550);
        p = gct_rd_ref(p, GCT_LEFT);
        continue;
      }
      assert_int_equal(gct_rd_i32(p, GCT_VALUE), ++nodes);
      p = gct_rd_ref(p, GCT_NEXT);
    }
    assert_int_equal(nodes, 40);
    armjit_gc_map_stats ms;
    armjit_loop_gc_stats(out[1], &ms);
    assert_int_equal(ms.sites, 3);  /* the bridge: two allocations, a call */
    free_heap(&hi);
    free_heap(&hc);
    armjit_frame_free(ctx, fi);
    armjit_frame_free(ctx, fc);
    armjit_loop_free(out[0]);
    armjit_set_free(ctx, set, n);
    armjit_ctx_free(ctx);
    gcm_fini(&g);
  }
}

/* call_assembler into a loop that allocates and collects: the caller's
 * references live across the call are roots of the caller's frame, the
 * callee's of its own (two compiled frames in the chain). */
static void test_call_assembler(void **state) {
  (void)state;
  char decls[1024], callee[2048], caller[2048];
  gct_decls(decls, sizeof decls);
  snprintf(callee, sizeof callee,
           "%s[i0]\n"
           "p1 = new(%u, %d)\n"
           "setfield_gc(p1, i0, descr=V)\n"
           "call(sym(gcm_collect), sym(GCM), descr=C)\n"
           "finish(p1)\n",
           decls, gct_size(GCT_NODE), GCT_NODE);
  snprintf(caller, sizeof caller,
           "%sdescr mk = token(args=[int], result=ref)\n"
           "[i0, p1]\n"
           "label(i0, p1, descr=top)\n"
           "i2 = int_gt(i0, 0)\n"
           "guard_true(i2, descr=done) [p1]\n"
           "p3 = new(%u, %d)\n"
           "p4 = call_assembler(i0, descr=mk)\n"
           "setfield_gc(p3, p4, descr=PL)\n"
           "setfield_gc(p3, p1, descr=PR)\n"
           "i5 = int_sub(i0, 1)\n"
           "jump(i5, p3, descr=top)\n",
           decls, gct_size(GCT_PAIR), GCT_PAIR);
  for (int fl = 0; fl < 2; fl++) {
    gcm g;
    gcm_init(&g, gct_types, GCT_NTYPES, 1 << 18, 1 << 12, 0, 0);
    armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], ARMJIT_ABI_DEFAULT);
    armjit_ctx_add_symbol(ctx, "GCM", (uintptr_t)&g);
    armjit_type targs[1] = {ARMJIT_INT};
    armjit_error err;
    armjit_token *tok = armjit_token_new(ctx, "mk", targs, 1, ARMJIT_REF, &err);
    assert_non_null(tok);
    armjit_trace *ct = irs_parse(ctx, callee), *t = irs_parse(ctx, caller);
    armjit_loop *cl = irs_compile(ctx, ct), *l = irs_compile(ctx, t);
    assert_int_equal(armjit_token_set_trace(tok, ct, &err), ARMJIT_OK);
    assert_int_equal(armjit_token_set_loop(tok, cl, &err), ARMJIT_OK);
    armjit_frame *fi = armjit_frame_new(ctx, 4), *fc = armjit_frame_new(ctx, 4);
    gcm_reset(&g);
    fi->values[0] = irs_i(25);
    fi->values[1] = irs_r(0);
    if (armjit_interpret(t, fi, 0, &err) != ARMJIT_OK) fail_msg("%s", err.msg);
    heap_copy hi, hc;
    copy_heap(&g, &hi);
    gcm_reset(&g);
    fc->values[0] = irs_i(25);
    fc->values[1] = irs_r(0);
    assert_int_equal(armjit_run(l, fc, &err), 0);
    copy_heap(&g, &hc);
    assert_same_heaps(&hi, &hc);
    assert_int_equal(fi->values[0].r, fc->values[0].r);
    assert_int_equal(g.collections, 25);
    uintptr_t p = fc->values[0].r;
    for (int32_t k = 1; k <= 25; k++) {
      assert_true(gcm_is_young(&g, p));
      assert_int_equal(gct_rd_i32(gct_rd_ref(p, GCT_LEFT), GCT_VALUE), k);
      p = gct_rd_ref(p, GCT_RIGHT);
    }
    assert_int_equal(p, 0);
    free_heap(&hi);
    free_heap(&hc);
    armjit_frame_free(ctx, fi);
    armjit_frame_free(ctx, fc);
    armjit_loop_free(l);
    armjit_loop_free(cl);
    armjit_trace_free(t);
    armjit_trace_free(ct);
    armjit_ctx_free(ctx);
    gcm_fini(&g);
  }
}

/* cond_call_value with a ref result under the collector: the call (made
 * only for a null value) collects and returns a new node; refs live
 * across it, in registers and slots, are updated; the result is a GC
 * reference of its own (it survives the next collection). */
static uintptr_t collect_new(gcm *g) {
  gcm_collect(g);
  uintptr_t p = gcm_new(g, GCT_NODE, 0);
  memcpy((void *)(p + GCT_VALUE), &(int32_t){77}, 4);
  return p;
}

static void test_cond_call_value(void **state) {
  (void)state;
  char decls[1024], text[4096];
  snprintf(text, sizeof text,
           "%sdescr K = call(args=[ref], result=ref)\n"
           "[p0, i1]\n"
           "p2 = new(%u, %d)\n"
           "setfield_gc(p2, i1, descr=V)\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, p2, descr=N)\n"
           "p4 = cond_call_value(p0, sym(collect_new), sym(GCM), descr=K)\n"
           "call(sym(gcm_collect), sym(GCM), descr=C)\n"
           "i5 = getfield_gc(p4, descr=V)\n"
           "p6 = getfield_gc(p3, descr=N)\n"
           "i7 = getfield_gc(p6, descr=V)\n"
           "finish(p3, p4, i5, i7)\n",
           gct_decls(decls, sizeof decls), gct_size(GCT_NODE), GCT_NODE, gct_size(GCT_NODE),
           GCT_NODE);
  for (int abi = 0; abi < 2; abi++)
    for (int fl = 0; fl < 2; fl++) {
      gcm g;
      gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
      armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], abi ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD);
      armjit_ctx_add_symbol(ctx, "GCM", (uintptr_t)&g);
      armjit_ctx_add_symbol(ctx, "collect_new", (uintptr_t)&collect_new);
      armjit_trace *t = irs_parse(ctx, text);
      armjit_loop *l = irs_compile(ctx, t);
      armjit_frame *fi = armjit_frame_new(ctx, 4), *fc = armjit_frame_new(ctx, 4);
      armjit_error err;
      for (int null = 0; null < 2; null++) {
        uintptr_t old = 0;
        heap_copy hi, hc;
        armjit_frame *fs[2] = {fi, fc};
        for (int run = 0; run < 2; run++) {
          gcm_reset(&g);
          old = gcm_old(&g, GCT_NODE, 0);
          memcpy((void *)(old + GCT_VALUE), &(int32_t){-3}, 4);
          armjit_frame *f = fs[run];
          f->values[0] = irs_r(null ? 0 : old);
          f->values[1] = irs_i(41);
          if (run == 0) assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_OK);
          else assert_int_equal(armjit_run(l, f, &err), 0);
          copy_heap(&g, run ? &hc : &hi);
          assert_int_equal(g.collections, null ? 2 : 1);
          assert_true(gcm_is_young(&g, f->values[0].r));
          assert_int_equal(f->values[2].i, null ? 77 : -3);
          assert_int_equal(f->values[3].i, 41);
          if (null) assert_true(gcm_is_young(&g, f->values[1].r));
          else assert_int_equal(f->values[1].r, old);
        }
        assert_same_heaps(&hi, &hc);
        assert_int_equal(fi->values[0].r, fc->values[0].r);
        assert_int_equal(fi->values[1].r, fc->values[1].r);
        free_heap(&hi);
        free_heap(&hc);
      }
      armjit_frame_free(ctx, fi);
      armjit_frame_free(ctx, fc);
      armjit_loop_free(l);
      armjit_trace_free(t);
      armjit_ctx_free(ctx);
      gcm_fini(&g);
    }
}

/* The malloc slow path returns NULL (docs/ir.md §15.2): the run ends with
 * ARMJIT_EXIT_OUT_OF_MEMORY, compiled and interpreted, directly and from
 * inside a call_assembler's callee, with the exception the slow path
 * raised pending and the heap as the interpreter leaves it. */
enum { OOM_AT = 7, OOM_VALUE = 0x5a0 };

/* Run t (loop l) from gcm_reset with inputs in[0..n): both end out of
 * memory at the same point. */
static void expect_oom(gcm *g, armjit_ctx *ctx, armjit_trace *t, armjit_loop *l,
                       const armjit_value *in, unsigned n) {
  armjit_frame *fi = armjit_frame_new(ctx, 8), *fc = armjit_frame_new(ctx, 8);
  armjit_error err;
  heap_copy hi, hc;
  gcm_reset(g);
  memcpy(fi->values, in, n * sizeof *in);
  assert_int_equal(armjit_interpret(t, fi, 0, &err), ARMJIT_E_NOMEM);
  assert_int_equal(fi->exit_id, ARMJIT_EXIT_OUT_OF_MEMORY);
  assert_non_null(strstr(err.msg, "malloc slow path returned NULL"));
  assert_int_equal(armjit_exception(ctx), OOM_VALUE);
  assert_int_equal(g->slow_calls, OOM_AT);
  armjit_clear_exception(ctx);
  copy_heap(g, &hi);
  gcm_reset(g);
  memcpy(fc->values, in, n * sizeof *in);
  assert_int_equal(armjit_run(l, fc, &err), ARMJIT_EXIT_OUT_OF_MEMORY);
  assert_int_equal(fc->exit_id, ARMJIT_EXIT_OUT_OF_MEMORY);
  assert_int_equal(fc->nvalues, 0);
  assert_int_equal(err.code, ARMJIT_E_NOMEM);
  assert_non_null(strstr(err.msg, "malloc slow path returned NULL"));
  assert_int_equal(armjit_exception(ctx), OOM_VALUE);
  assert_int_equal(g->slow_calls, OOM_AT);
  armjit_clear_exception(ctx);
  copy_heap(g, &hc);
  assert_same_heaps(&hi, &hc);
  free_heap(&hi);
  free_heap(&hc);
  /* every frame left the chain: a collection now finds no roots */
  uint64_t roots = g->roots;
  gcm_collect(g);
  assert_int_equal(g->roots, roots);
  armjit_frame_free(ctx, fi);
  armjit_frame_free(ctx, fc);
}

static void test_out_of_memory(void **state) {
  (void)state;
  char decls[1024], list[2048], callee[2048], caller[2048];
  gct_decls(decls, sizeof decls);
  /* a list of nodes, and a ref array per node (a variable length) */
  snprintf(list, sizeof list,
           "%s[i0, p1]\n"
           "label(i0, p1, descr=top)\n"
           "i2 = int_gt(i0, 0)\n"
           "guard_true(i2, descr=done) [p1, i0]\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, p1, descr=N)\n"
           "p4 = new_array(i0, %d, descr=A)\n"
           "setfield_gc(p3, i0, descr=V)\n"
           "i5 = int_sub(i0, 1)\n"
           "jump(i5, p3, descr=top)\n",
           decls, gct_size(GCT_NODE), GCT_NODE, GCT_REFS);
  snprintf(callee, sizeof callee,
           "%s[i0]\n"
           "p1 = new(%u, %d)\n"
           "setfield_gc(p1, i0, descr=V)\n"
           "finish(p1)\n",
           decls, gct_size(GCT_NODE), GCT_NODE);
  snprintf(caller, sizeof caller,
           "%sdescr mk = token(args=[int], result=ref)\n"
           "[i0, p1]\n"
           "label(i0, p1, descr=top)\n"
           "i2 = int_gt(i0, 0)\n"
           "guard_true(i2, descr=done) [p1]\n"
           "p4 = call_assembler(i0, descr=mk)\n"
           "p3 = new(%u, %d)\n"
           "setfield_gc(p3, p4, descr=PL)\n"
           "setfield_gc(p3, p1, descr=PR)\n"
           "i5 = int_sub(i0, 1)\n"
           "jump(i5, p3, descr=top)\n",
           decls, gct_size(GCT_PAIR), GCT_PAIR);
  for (int abi = 0; abi < 2; abi++)
    for (int fl = 0; fl < 2; fl++) {
      gcm g;
      /* a window of one node: nearly every allocation takes the slow path */
      gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, gct_size(GCT_NODE), 2);
      g.fail_at = OOM_AT;
      g.oom_value = OOM_VALUE;
      armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], abi ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD);
      armjit_value in[2] = {irs_i(50), irs_r(0)};
      armjit_trace *t = irs_parse(ctx, list);
      armjit_loop *l = irs_compile(ctx, t);
      expect_oom(&g, ctx, t, l, in, 2);
      armjit_loop_free(l);
      armjit_trace_free(t);
      /* out of memory in a call_assembler's callee ends the caller's run */
      armjit_type targs[1] = {ARMJIT_INT};
      armjit_error err;
      armjit_token *tok = armjit_token_new(ctx, "mk", targs, 1, ARMJIT_REF, &err);
      assert_non_null(tok);
      armjit_trace *ct = irs_parse(ctx, callee);
      t = irs_parse(ctx, caller);
      armjit_loop *cl = irs_compile(ctx, ct);
      l = irs_compile(ctx, t);
      assert_int_equal(armjit_token_set_trace(tok, ct, &err), ARMJIT_OK);
      assert_int_equal(armjit_token_set_loop(tok, cl, &err), ARMJIT_OK);
      expect_oom(&g, ctx, t, l, in, 2);
      armjit_loop_free(l);
      armjit_loop_free(cl);
      armjit_trace_free(t);
      armjit_trace_free(ct);
      armjit_ctx_free(ctx);
      gcm_fini(&g);
    }
}

/* Compiled: a ref from getfield_raw stays out of the maps (its copy keeps
 * the old address), one from getfield_gc and the input are updated. */
static void test_raw_refs(void **state) {
  (void)state;
  char decls[1024], text[4096];
  snprintf(text, sizeof text,
           "%sdescr RAW = field(offset=0, ref)\n"
           "[p0, p1]\n"
           "p2 = getfield_raw(p0, descr=RAW)\n"
           "p3 = getfield_gc(p0, descr=RAW)\n"
           "call(sym(gcm_collect), sym(GCM), descr=C)\n"
           "finish(p1, p2, p3)\n",
           gct_decls(decls, sizeof decls));
  for (int fl = 0; fl < 2; fl++) {
    gcm g;
    gcm_init(&g, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
    armjit_ctx *ctx = gct_ctx(&g, ctx_flags[fl], ARMJIT_ABI_DEFAULT);
    armjit_ctx_add_symbol(ctx, "GCM", (uintptr_t)&g);
    armjit_trace *t = irs_parse(ctx, text);
    armjit_loop *l = irs_compile(ctx, t);
    armjit_frame *f = armjit_frame_new(ctx, 4);
    uintptr_t y = gcm_new(&g, GCT_NODE, 0);
    uintptr_t raw[1] = {y};
    f->values[0] = irs_r((uintptr_t)raw);
    f->values[1] = irs_r(y);
    armjit_error err;
    assert_int_equal(armjit_run(l, f, &err), 0);
    assert_int_equal(g.collections, 1);
    assert_int_not_equal(f->values[0].r, y);
    assert_true(gcm_is_young(&g, f->values[0].r));
    assert_int_equal(f->values[1].r, y);
    assert_int_equal(f->values[2].r, f->values[0].r);
    armjit_frame_free(ctx, f);
    armjit_loop_free(l);
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
      cmocka_unit_test(test_bridge),
      cmocka_unit_test(test_call_assembler),
      cmocka_unit_test(test_raw_refs),
      cmocka_unit_test(test_keepalive),
      cmocka_unit_test(test_out_of_memory),
      cmocka_unit_test(test_cond_call_value),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
