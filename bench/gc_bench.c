/* SPDX-License-Identifier: MIT */
/* gc_bench — allocation under a GC descriptor, in guest instructions per
 * allocation, run under qemu-arm with the counting plugin like kernels.c
 * (bench/run.sh joins the "win K ..." lines with the plugin's counts):
 *   win K gc NAME armjit|gcc ITER
 * Kernels (allocate and link a list of ITER nodes: new, two setfields,
 * the write barrier of the new node):
 *   alloc_list       every allocation on the fast path (a nursery big
 *                    enough for all of them)
 *   alloc_list_slow  a nursery of 16 nodes: every 16th allocation calls
 *                    the slow path, which starts the nursery afresh (no
 *                    collection: the cost of the call and its GC map)
 * and the same loop in C with an inline bump (gc_bench_gcc.c, gcc -O2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "count_marks.h"
#include "gc_bench_gcc.h"

enum { N = 1000 };

static uintptr_t nursery_free, nursery_top, nursery_start;
static uint32_t window;  /* bytes handed out per slow-path call (0: all) */

static void *slowpath(void *ud, uint32_t size) {
  (void)ud;
  nursery_free = nursery_start;  /* start afresh: a benchmark, nothing reads the list */
  uintptr_t p = nursery_free;
  nursery_free += size;
  nursery_top = nursery_free + window;
  return (void *)p;
}
static void wb(void *ud, void *obj) {
  (void)ud;
  (void)obj;
}

static const char list_trace[] =
    "descr V = field(offset=8, size=4, int)\n"
    "descr X = field(offset=12, ref)\n"
    "[i0, i1, p2]\n"
    "label(i0, i1, p2, descr=loop)\n"
    "i3 = int_lt(i0, i1)\n"
    "guard_true(i3, descr=done) [p2]\n"
    "p4 = new(16, 1)\n"
    "setfield_gc(p4, i0, descr=V)\n"
    "cond_call_gc_wb(p4)\n"
    "setfield_gc(p4, p2, descr=X)\n"
    "i5 = int_add(i0, 1)\n"
    "jump(i5, i1, p4, descr=loop)\n";

static void die(const char *what, const armjit_error *e) {
  fprintf(stderr, "gc_bench: %s: %s\n", what, e ? e->msg : "failed");
  exit(1);
}

static unsigned nwin;
static uint8_t *heap;

static void reset(uint32_t w) {
  window = w;
  nursery_start = nursery_free = (uintptr_t)heap;
  nursery_top = nursery_free + (w ? w : 16u * 4 * N);
  memset(heap, 0, 16u * 4 * N);
}

int main(void) {
  heap = calloc(4 * N, 16);
  armjit_gc_descr gc = {0, 2, 2, 1, (uintptr_t)&nursery_free, (uintptr_t)&nursery_top,
                        slowpath, wb, NULL, NULL};
  armjit_options o = {0};
  o.gc = &gc;
  o.class_offset = 4;
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(&o, &e);
  if (!ctx || !heap) die("context", &e);
  armjit_trace *t = armjit_trace_parse(ctx, list_trace, &e);
  if (!t) die("parse", &e);
  armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
  if (!loop) die("compile", &e);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
  size_t size;
  armjit_loop_code(loop, &size);
  printf("size alloc_list %zu\n", size);
  static const struct { const char *name; uint32_t window; } ks[2] = {
      {"alloc_list", 0}, {"alloc_list_slow", 16 * 16}};
  for (int k = 0; k < 2; k++)
    for (int32_t n = N; n <= 2 * N; n += N) {
      reset(ks[k].window);
      f->values[0].bits = 0;
      f->values[1].bits = (uint32_t)n;
      f->values[2].bits = 0;
      printf("win %u gc %s armjit %d\n", nwin++, ks[k].name, (int)n);
      count_start();
      int x = armjit_run(loop, f, &e);
      count_stop();
      if (x != 0) die("run", &e);
      reset(ks[k].window);
      printf("win %u gc %s gcc %d\n", nwin++, ks[k].name, (int)n);
      count_start();
      uintptr_t head = gb_alloc_list(n, &nursery_free, &nursery_top, slowpath, wb);
      count_stop();
      if (!head) die("gcc run", NULL);
    }
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  free(heap);
  return 0;
}
