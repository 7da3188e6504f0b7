/* SPDX-License-Identifier: MIT */
/* Random differential testing of the GC ops (docs/ir.md §15): random
 * traces that allocate (single objects and groups, arrays and strings of
 * constant and variable length), store references into young and old
 * objects through the write barrier, load them back, call a helper that
 * collects, keep values alive, leave through guards whose fail args hold
 * references (some through cond_call, out of line), and loop carrying
 * references through labels — compiled and
 * interpreted from the same state of the tests' moving collector
 * (gc_model.h: every slow-path call, or every few, moves every live
 * object), compared exit, values and heap byte for byte (gc_diff.h).
 * Under both ABIs, with the default and the random register allocator.
 * ARMJIT_COUNT=N traces per ABI (default 2000); ARMJIT_SEED=S. */
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

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

typedef struct { uint64_t s; } rng;
static uint32_t rnd(rng *r) {
  r->s ^= r->s << 13;
  r->s ^= r->s >> 7;
  r->s ^= r->s << 17;
  return (uint32_t)(r->s >> 11);
}
static uint32_t below(rng *r, uint32_t n) { return rnd(r) % n; }

/* What the generator knows of a ref variable. */
typedef enum { K_NODE, K_PAIR, K_BIG, K_REFS, K_INTS, K_STR, K_UNI, K_ANY } kind;

typedef struct {
  char type;      /* 'i' or 'p' */
  kind k;
  int32_t len;    /* arrays and strings: the length, -1 unknown */
} var;

enum { MAXV = 160 };

typedef struct {
  rng r;
  char *buf;
  size_t n, cap;
  var v[MAXV];
  int nv;
  int first_body;     /* vars before it are the label's (loops) */
  unsigned ops, allocs, groups_multi, wbs, calls, cond_calls, guards, loads, stores;
} gen;

static void emit(gen *g, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (g->n + (size_t)need + 1 > g->cap) {
    g->cap = (g->n + (size_t)need + 1) * 2;
    g->buf = realloc(g->buf, g->cap);
  }
  va_start(ap, fmt);
  vsnprintf(g->buf + g->n, g->cap - g->n, fmt, ap);
  va_end(ap);
  g->n += (size_t)need;
}

static int newvar(gen *g, char type, kind k, int32_t len) {
  g->v[g->nv] = (var){type, k, len};
  return g->nv++;
}

/* A random variable of the type (and, for refs, one of the kinds in
 * mask; 0: any), or -1. */
static int pick(gen *g, char type, unsigned mask) {
  int cand[MAXV], n = 0;
  for (int i = 0; i < g->nv; i++)
    if (g->v[i].type == type && (type == 'i' || !mask || (mask >> g->v[i].k & 1u))) cand[n++] = i;
  return n ? cand[below(&g->r, (uint32_t)n)] : -1;
}

static void ref_operand(gen *g, char *out, size_t n) {
  int p = pick(g, 'p', 0);
  if (p < 0 || below(&g->r, 8) == 0) snprintf(out, n, "null");
  else snprintf(out, n, "p%d", p);
}

static void alloc(gen *g) {
  int k = (int)below(&g->r, 9);
  int res;
  g->allocs++;
  switch (k) {
  case 0: case 1:
    res = newvar(g, 'p', K_NODE, -1);
    emit(g, "p%d = new(%u, %d)\n", res, gct_size(GCT_NODE), GCT_NODE);
    break;
  case 2:
    res = newvar(g, 'p', K_PAIR, -1);
    emit(g, "p%d = new_with_vtable(%u, %d, ref(0x%x))\n", res, gct_size(GCT_PAIR), GCT_PAIR,
         0x1000 + 16 * below(&g->r, 4));
    break;
  case 3:
    res = newvar(g, 'p', K_BIG, -1);
    emit(g, "p%d = new(%u, %d)\n", res, gct_size(GCT_BIG), GCT_BIG);
    break;
  case 4: case 5: case 6: case 7: case 8: {
    static const kind kinds[5] = {K_REFS, K_REFS, K_INTS, K_STR, K_UNI};
    static const int tids[5] = {GCT_REFS, GCT_REFS, GCT_INTS, GCT_STR, GCT_UNI};
    static const char *const ops[5] = {"new_array", "new_array", "new_array", "newstr",
                                       "newunicode"};
    static const char *const ds[5] = {"A", "A", "I", "S", "U"};
    int j = k - 4;
    int iv = pick(g, 'i', 0);
    if (iv >= 0 && below(&g->r, 3) == 0) {  /* a variable length in 0 .. 7 */
      int m = newvar(g, 'i', K_ANY, -1);
      emit(g, "i%d = int_and(i%d, 7)\n", m, iv);
      res = newvar(g, 'p', kinds[j], -1);
      emit(g, "p%d = %s(i%d, %d, descr=%s)\n", res, ops[j], m, tids[j], ds[j]);
    } else {
      int32_t len = (int32_t)below(&g->r, 6);
      res = newvar(g, 'p', kinds[j], len);
      emit(g, "p%d = %s(%d, %d, descr=%s)\n", res, ops[j], len, tids[j], ds[j]);
    }
    break;
  }
  }
}

/* Store a ref into an object that holds refs (barrier first). */
static void store_ref(gen *g) {
  int o = pick(g, 'p', 1u << K_NODE | 1u << K_PAIR | 1u << K_BIG | 1u << K_REFS);
  if (o < 0) return;
  var *ov = &g->v[o];
  if (ov->k == K_REFS && ov->len <= 0) return;
  char val[16];
  ref_operand(g, val, sizeof val);
  g->stores++;
  g->wbs++;
  if (ov->k == K_REFS) {
    int32_t idx = (int32_t)below(&g->r, (uint32_t)ov->len);
    emit(g, "cond_call_gc_wb_array(p%d, %d)\n", o, idx);
    emit(g, "setarrayitem_gc(p%d, %d, %s, descr=A)\n", o, idx, val);
    return;
  }
  static const char *const f[3][2] = {{"N", "N"}, {"PL", "PR"}, {"B", "B"}};
  emit(g, "cond_call_gc_wb(p%d)\n", o);
  emit(g, "setfield_gc(p%d, %s, descr=%s)\n", o, val,
       f[ov->k == K_NODE ? 0 : ov->k == K_PAIR ? 1 : 2][below(&g->r, 2)]);
}

static void store_int(gen *g) {
  int o = pick(g, 'p', 1u << K_NODE | 1u << K_BIG | 1u << K_INTS | 1u << K_STR | 1u << K_UNI);
  int iv = pick(g, 'i', 0);
  if (o < 0 || iv < 0) return;
  var *ov = &g->v[o];
  g->stores++;
  switch (ov->k) {
  case K_NODE: emit(g, "setfield_gc(p%d, i%d, descr=V)\n", o, iv); break;
  case K_BIG: emit(g, "setfield_gc(p%d, i%d, descr=W)\n", o, iv); break;
  default:
    if (ov->len <= 0) return;
    emit(g, "%s(p%d, %d, i%d, descr=%s)\n",
         ov->k == K_INTS ? "setarrayitem_gc" : ov->k == K_STR ? "strsetitem" : "unicodesetitem", o,
         (int)below(&g->r, (uint32_t)ov->len), iv,
         ov->k == K_INTS ? "I" : ov->k == K_STR ? "S" : "U");
    break;
  }
}

static void load(gen *g) {
  int o = pick(g, 'p', 1u << K_NODE | 1u << K_PAIR | 1u << K_BIG | 1u << K_REFS | 1u << K_INTS |
                           1u << K_STR);
  if (o < 0) return;
  var *ov = &g->v[o];
  g->loads++;
  switch (ov->k) {
  case K_NODE:
    if (below(&g->r, 2)) {
      int r = newvar(g, 'p', K_ANY, -1);
      emit(g, "p%d = getfield_gc(p%d, descr=N)\n", r, o);
    } else {
      int r = newvar(g, 'i', K_ANY, -1);
      emit(g, "i%d = getfield_gc(p%d, descr=V)\n", r, o);
    }
    break;
  case K_PAIR: {
    int r = newvar(g, 'p', K_ANY, -1);
    emit(g, "p%d = getfield_gc(p%d, descr=%s)\n", r, o, below(&g->r, 2) ? "PL" : "PR");
    break;
  }
  case K_BIG: {
    int r = newvar(g, 'p', K_ANY, -1);
    emit(g, "p%d = getfield_gc(p%d, descr=B)\n", r, o);
    break;
  }
  case K_REFS: case K_INTS: case K_STR: {
    if (ov->len < 0 || below(&g->r, 3) == 0) {
      int r = newvar(g, 'i', K_ANY, -1);
      emit(g, "i%d = %s(p%d, descr=%s)\n", r, ov->k == K_STR ? "strlen" : "arraylen_gc", o,
           ov->k == K_REFS ? "A" : ov->k == K_INTS ? "I" : "S");
    } else if (ov->len > 0) {
      char t = ov->k == K_REFS ? 'p' : 'i';
      int r = newvar(g, t, K_ANY, -1);
      emit(g, "%c%d = %s(p%d, %d, descr=%s)\n", t, r,
           ov->k == K_STR ? "strgetitem" : "getarrayitem_gc", o,
           (int)below(&g->r, (uint32_t)ov->len), ov->k == K_REFS ? "A" : ov->k == K_INTS ? "I" : "S");
    }
    break;
  }
  default: break;
  }
}

/* Values for a fail list or finish: some refs and ints. */
static void values(gen *g, unsigned n) {
  for (unsigned k = 0; k < n; k++) {
    char t = below(&g->r, 3) ? 'p' : 'i';
    int v = pick(g, t, 0);
    if (v < 0) v = pick(g, t == 'p' ? 'i' : 'p', 0);
    emit(g, "%s%c%d", k ? ", " : "", g->v[v].type, v);
  }
}

static void body_op(gen *g) {
  g->ops++;
  switch (below(&g->r, 12)) {
  case 0: case 1: {  /* an allocation burst: groups */
    unsigned n = 1 + below(&g->r, 4);
    if (n > 1) g->groups_multi++;
    for (unsigned k = 0; k < n; k++) alloc(g);
    break;
  }
  case 2: alloc(g); break;
  case 3: case 4: store_ref(g); break;
  case 5: store_int(g); break;
  case 6: case 7: load(g); break;
  case 8: {
    g->calls++;
    int cv = pick(g, 'i', 0);
    if (cv >= 0 && below(&g->r, 2)) {  /* out of line, when the int is not 0 */
      g->cond_calls++;
      emit(g, "cond_call(i%d, sym(gcm_collect), sym(GCM), descr=C)\n", cv);
    } else {
      emit(g, "call(sym(gcm_collect), sym(GCM), descr=C)\n");
    }
    break;
  }
  case 9: {
    int v = pick(g, 'p', 0);
    if (v >= 0) emit(g, "keepalive(p%d)\n", v);
    break;
  }
  case 10: {
    int a = pick(g, 'i', 0), b = pick(g, 'i', 0);
    if (a < 0) break;
    int c = newvar(g, 'i', K_ANY, -1);
    emit(g, "i%d = int_lt(i%d, i%d)\n", c, a, b);
    g->guards++;
    emit(g, "guard_%s(i%d) [", below(&g->r, 2) ? "true" : "false", c);
    values(g, below(&g->r, 6));
    emit(g, "]\n");
    break;
  }
  default: {
    int a = pick(g, 'p', 0), b = pick(g, 'p', 0);
    if (a < 0) break;
    int c = newvar(g, 'i', K_ANY, -1);
    emit(g, "i%d = ptr_eq(p%d, p%d)\n", c, a, b);
    break;
  }
  }
}

/* Inputs: i0, i1 (small ints), p2 an old node, p3 an old ref array of 4,
 * p4 a young node (gc_setup). */
static void gen_trace(gen *g, bool loop) {
  g->n = 0;
  g->nv = 0;
  char decls[1024];
  emit(g, "%s", gct_decls(decls, sizeof decls));
  newvar(g, 'i', K_ANY, -1);
  newvar(g, 'i', K_ANY, -1);
  newvar(g, 'p', K_NODE, -1);
  newvar(g, 'p', K_REFS, 4);
  newvar(g, 'p', K_NODE, -1);
  emit(g, "[i0, i1, p2, p3, p4]\n");
  int carry = -1, cnt = 0;
  if (loop) {
    /* label(counter, i1, p2, p3, p4, carry): the carry is any ref */
    cnt = newvar(g, 'i', K_ANY, -1);
    emit(g, "i%d = int_and(i0, 3)\n", cnt);
    carry = newvar(g, 'p', K_ANY, -1);
    emit(g, "p%d = same_as(p4)\n", carry);
    emit(g, "label(i%d, i1, p2, p3, p4, p%d, descr=top)\n", cnt, carry);
    /* after the label only its arguments are live */
    g->v[0].type = 'x';
  }
  unsigned n = 4 + below(&g->r, 24);
  for (unsigned k = 0; k < n && g->nv < MAXV - 8; k++) body_op(g);
  if (loop) {
    int d = newvar(g, 'i', K_ANY, -1);
    emit(g, "i%d = int_sub(i%d, 1)\n", d, cnt);
    int c = newvar(g, 'i', K_ANY, -1);
    emit(g, "i%d = int_ge(i%d, 0)\n", c, d);
    g->guards++;
    emit(g, "guard_true(i%d, descr=out) [", c);
    values(g, 1 + below(&g->r, 6));
    emit(g, "]\n");
    int nc = pick(g, 'p', 0);
    emit(g, "jump(i%d, i1, p2, p3, p4, p%d, descr=top)\n", d, nc);
  } else {
    emit(g, "finish(");
    values(g, below(&g->r, 7));
    emit(g, ")\n");
  }
}

/* The same heap every time: old objects first, then a young node whose
 * next is another young node. */
static void gc_setup(gcm *g, const armjit_trace *t, armjit_value *in, void *ud) {
  (void)t;
  const int32_t *ints = ud;
  uintptr_t old = gcm_old(g, GCT_NODE, 0), arr = gcm_old(g, GCT_REFS, 4);
  uintptr_t y2 = gcm_new(g, GCT_NODE, 0), y1 = gcm_new(g, GCT_NODE, 0);
  memcpy((void *)(y1 + GCT_NEXT), &y2, sizeof y2);
  int32_t v = 41;
  memcpy((void *)(y2 + GCT_VALUE), &v, 4);
  in[0] = irs_i(ints[0]);
  in[1] = irs_i(ints[1]);
  in[2] = irs_r(old);
  in[3] = irs_r(arr);
  in[4] = irs_r(y1);
}

static unsigned count_from_env(void) {
  const char *s = getenv("ARMJIT_COUNT");
  return s && *s ? (unsigned)strtoul(s, NULL, 10) : 2000;
}

static void test_random_gc(void **state) {
  (void)state;
  const char *se = getenv("ARMJIT_SEED");
  uint64_t seed = se && *se ? strtoull(se, NULL, 10) : (uint64_t)ARMJIT_RANDOM_SEED;
  unsigned count = count_from_env();
  gen g;
  memset(&g, 0, sizeof g);
  uint64_t collections = 0, moved = 0, slow = 0, wbcalls = 0;
  unsigned loops = 0, guard_exits = 0, mismatches = 0, total = 0;
  size_t sites = 0, map_bytes = 0;
  for (int abi = 0; abi < 2; abi++) {
    unsigned done = 0;
    for (int fl = 0; fl < 2; fl++) {
      gcm c;
      gcm_init(&c, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, 0, 0);
      armjit_ctx *ctx = gct_ctx(&c, fl ? ARMJIT_RANDOM_RA : 0,
                                abi ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD);
      armjit_ctx_add_symbol(ctx, "GCM", (uintptr_t)&c);
      for (unsigned k = 0; k < count / 2; k++) {
        g.r.s = seed * 0x9e3779b97f4a7c15ull + (uint64_t)(abi * 2 + fl) * 1000003u + k + 1;
        bool loop = below(&g.r, 2) == 0;
        /* the collector: a window of a few objects and a collection every
         * slow-path call, or every third, or only when full */
        static const uint32_t windows[4] = {0, 48, 128, 512};
        c.window = windows[below(&g.r, 4)];
        c.every = c.window ? 1 + below(&g.r, 3) : 0;
        gen_trace(&g, loop);
        armjit_error err;
        armjit_trace *t = armjit_trace_parse(ctx, g.buf, &err);
        if (!t) fail_msg("trace %u does not parse: %d:%d %s\n%s", k, err.line, err.col, err.msg,
                         g.buf);
        armjit_loop *l = armjit_compile_loop(ctx, t, &err);
        if (!l) fail_msg("trace %u does not compile: %s\n%s", k, err.msg, g.buf);
        armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l) + 1);
        int32_t ints[2] = {(int32_t)below(&g.r, 9) - 2, (int32_t)below(&g.r, 9) - 2};
        char why[300];
        gcd_result r;
        if (!gcd_compare(&c, t, l, gc_setup, ints, f, &r, why, sizeof why)) {
          mismatches++;
          fail_msg("abi %d flags %d trace %u (seed %llu): %s\n%s", abi, fl, k,
                   (unsigned long long)seed, why, g.buf);
        }
        armjit_gc_map_stats ms;
        armjit_loop_gc_stats(l, &ms);
        sites += ms.sites;
        map_bytes += ms.map_bytes;
        collections += r.collections;
        moved += r.moved;
        slow += r.slow_calls;
        wbcalls += r.wb_calls;
        loops += loop;
        armjit_exit_info info;
        if (armjit_loop_exit_info(l, f->exit_id, &info) == ARMJIT_OK &&
            info.kind == ARMJIT_EXIT_GUARD)
          guard_exits++;
        armjit_frame_free(ctx, f);
        armjit_loop_free(l);
        armjit_trace_free(t);
        done++;
        total++;
      }
      armjit_ctx_free(ctx);
      gcm_fini(&c);
    }
    printf("random GC traces, %s ABI: %u compiled and interpreted, 0 mismatches\n",
           abi ? "soft-float" : "hard-float", done);
  }
  printf("random GC: %u traces (%u loops, %u left by a guard), %u ops: %u allocations "
         "(%u bursts of 2-4), %u barriers, %u calls that collect (%u cond_call), %u guards; "
         "the collector: "
         "%llu slow-path calls, %llu collections, %llu objects moved, %llu barrier slow "
         "paths; %zu GC points, %.2f map bytes each\n",
         total, loops, guard_exits, g.ops, g.allocs, g.groups_multi,
         g.wbs, g.calls, g.cond_calls, g.guards, (unsigned long long)slow, (unsigned long long)collections,
         (unsigned long long)moved, (unsigned long long)wbcalls, sites,
         sites ? (double)map_bytes / (double)sites : 0.0);
  assert_int_equal(mismatches, 0);
  assert_true(collections > count / 2);
  assert_true(moved > collections);
  assert_true(wbcalls > 0);
  assert_true(guard_exits > 0);
  free(g.buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_gc)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
