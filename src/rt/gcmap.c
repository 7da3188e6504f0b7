/* SPDX-License-Identifier: MIT */
/* Finding the roots (armjit_gc_walk_roots; docs/design.md §13): the
 * context's chain of active frames, innermost first.  A compiled frame's
 * record is in its frame header (arm/target.h): the previous record and
 * the return address of the GC point the frame is stopped at.  That
 * address names the code object (the context's list of live code,
 * rt/debuginfo.c) and, by binary search in its site table, the map: the
 * frame words (fp-relative) that hold live GC references.  An interpreter
 * run's record (odd tag) is walked by the interpreter (ir/gc.h). */
#include "ir/gc.h"
#include "rt/loop.h"

#include <string.h>

static uint32_t uleb(const uint8_t **p) {
  uint32_t v = 0;
  unsigned sh = 0;
  uint8_t b;
  do {
    b = *(*p)++;
    v |= (uint32_t)(b & 0x7fu) << sh;
    sh += 7;
  } while ((b & 0x80u) && sh < 35);
  return v;
}

/* The loop whose code holds pc, or NULL. */
static const armjit_loop *loop_at(const armjit_ctx *ctx, uintptr_t pc) {
  ajx_dbg_kind kind;
  const void *obj;
  for (uint32_t i = 0; (obj = ajx_dbg_nth(ctx, i, &kind)) != NULL; i++) {
    if (kind != AJX_DBG_LOOP) continue;
    const armjit_loop *l = obj;
    size_t size;
    uintptr_t start = (uintptr_t)armjit_loop_code(l, &size);
    if (pc >= start && pc - start < size) return l;
  }
  return NULL;
}

/* The map of the GC point returning to offset off of l, or NULL. */
static const uint8_t *map_at(const armjit_loop *l, uint32_t off) {
  uint32_t lo = 0, hi = l->ngc_sites;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    uint32_t at = l->gc_sites[2 * mid];
    if (at == off) return l->gc_maps + l->gc_sites[2 * mid + 1];
    if (at < off) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static size_t compiled_roots(const armjit_ctx *ctx, const ir_gc_record *rec,
                             armjit_gc_root_fn fn, void *ud) {
  uintptr_t fp = (uintptr_t)rec - (uintptr_t)(intptr_t)ARM_GC_PREV_OFF;
  const armjit_loop *l = loop_at(ctx, rec->tag);
  if (!l) return 0;
  size_t size;
  uintptr_t start = (uintptr_t)armjit_loop_code(l, &size);
  const uint8_t *p = map_at(l, (uint32_t)(rec->tag - start));
  if (!p) return 0;
  uint32_t n = uleb(&p), w = 0;
  for (uint32_t k = 0; k < n; k++) {
    w += uleb(&p);
    fn(ud, (uintptr_t *)(fp - 4u * (uintptr_t)w));
  }
  return n;
}

size_t armjit_gc_walk_roots(armjit_ctx *ctx, armjit_gc_root_fn fn, void *ud) {
  if (!ctx || !fn) return 0;
  size_t n = 0;
  for (uintptr_t r = ctx->gc_top; r;) {
    const ir_gc_record *rec = (const ir_gc_record *)r;
    n += (rec->tag & 1u) ? ir_interp_gc_roots(rec, fn, ud) : compiled_roots(ctx, rec, fn, ud);
    r = rec->prev;
  }
  return n;
}

void armjit_loop_gc_stats(const armjit_loop *loop, armjit_gc_map_stats *out) {
  memset(out, 0, sizeof *out);
  if (!loop) return;
  out->sites = loop->ngc_sites;
  out->map_bytes = loop->gc_map_bytes;
  out->table_bytes = (size_t)loop->ngc_sites * 2 * sizeof *loop->gc_sites;
}
