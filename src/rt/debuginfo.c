/* SPDX-License-Identifier: MIT */
/* The context's list of live code objects (armjit_lookup_pc). */
#include "rt/debuginfo.h"

#include "rt/loop.h"

typedef struct {
  uintptr_t start;
  size_t size;
  ajx_dbg_kind kind;
  const void *obj;
} dbg_rec;

struct ajx_dbg_list {
  uint32_t n, cap;
  dbg_rec *recs;
};

uint32_t ajx_dbg_serial(armjit_ctx *ctx) { return ++ctx->code_serial; }

bool ajx_dbg_add(armjit_ctx *ctx, uintptr_t start, size_t size, ajx_dbg_kind kind,
                 const void *obj) {
  if (!ctx->dbg && !(ctx->dbg = ajx_calloc(ctx, 1, sizeof *ctx->dbg))) return false;
  struct ajx_dbg_list *l = ctx->dbg;
  if (!ajx_grow(ctx, (void **)&l->recs, &l->cap, l->n + 1, sizeof *l->recs)) {
    if (!l->n) ajx_dbg_remove(ctx, NULL);
    return false;
  }
  l->recs[l->n++] = (dbg_rec){start, size, kind, obj};
  return true;
}

/* Drops obj; the list itself goes with its last object, so a context whose
 * loops are all freed holds nothing here. */
void ajx_dbg_remove(armjit_ctx *ctx, const void *obj) {
  struct ajx_dbg_list *l = ctx->dbg;
  if (!l) return;
  for (uint32_t i = 0; i < l->n; i++)
    if (l->recs[i].obj == obj) {
      l->recs[i] = l->recs[--l->n];
      break;
    }
  if (l->n) return;
  ajx_free(ctx, l->recs);
  ajx_free(ctx, l);
  ctx->dbg = NULL;
}

const void *ajx_dbg_nth(const armjit_ctx *ctx, uint32_t i, ajx_dbg_kind *kind) {
  const struct ajx_dbg_list *l = ctx->dbg;
  if (!l || i >= l->n) return NULL;
  *kind = l->recs[i].kind;
  return l->recs[i].obj;
}

bool armjit_lookup_pc(const armjit_ctx *ctx, uintptr_t pc, armjit_pc_info *info) {
  if (!ctx || !info || !ctx->dbg) return false;
  const struct ajx_dbg_list *l = ctx->dbg;
  for (uint32_t i = 0; i < l->n; i++) {
    const dbg_rec *r = &l->recs[i];
    if (pc < r->start || pc - r->start >= r->size) continue;
    switch (r->kind) {
    case AJX_DBG_LOOP:
      ajx_loop_lookup(r->obj, (uint32_t)(pc - r->start), info);
      return true;
    }
  }
  return false;
}
