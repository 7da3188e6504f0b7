/* SPDX-License-Identifier: MIT */
/* The validator of the method IR (docs/mir.md §4) and the analysis a
 * backend reads afterwards (mir.h: preds, succs, reverse postorder,
 * dominators, loop depth, use counts).  Per function:
 *   1. block shape: not empty, one terminator, last;
 *   2. every op's operands (mir_check_operands), every edge's target and
 *      arguments;
 *   3. the CFG: successors, predecessors, reverse postorder (every block
 *      reachable), immediate dominators (Cooper, Harvey and Kennedy, "A
 *      Simple, Fast Dominance Algorithm", 2001), the dominator tree
 *      numbered in preorder so "a dominates b" is an interval test;
 *   4. SSA: each use dominated by its definition;
 *   5. natural loops: a back edge u -> h (h dominates u) makes h a header
 *      and every block reaching u without passing h its body;
 *   6. exceptions: handler lists (handler blocks with one ref parameter,
 *      no branch to them, tags), and no use of an op result of a
 *      protected block where only its handlers lead (an exception leaves
 *      the block before any of its results may exist).
 * Handler entries are CFG edges (block -> handler) for 3 and 4.
 * Cost: O(ops + operands + edges · log) per function, plus the loop
 * bodies. */
#include "mc/mir_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  armjit_module *m;
  mir_func *fn;
  armjit_error *err;
  uint32_t *pos;         /* op index -> position in its block */
  uint32_t *pre, *post;  /* dominator tree preorder interval per block */
} vctx;

static const char *fname(const vctx *v) { return v->m->syms[v->fn->sym].name; }

static void block_name(const mir_func *fn, uint32_t b, char *buf, size_t cap) {
  if (fn->blocks[b].name) snprintf(buf, cap, "%s", fn->blocks[b].name);
  else snprintf(buf, cap, "b%u", b);
}

static armjit_status fail_block(vctx *v, armjit_status code, uint32_t b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static armjit_status fail_block(vctx *v, armjit_status code, uint32_t b, const char *fmt, ...) {
  char bn[MIR_NAME_MAX + 16], msg[200];
  block_name(v->fn, b, bn, sizeof bn);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  const mir_block *bl = &v->fn->blocks[b];
  return ajx_err_at(v->err, code, (int)bl->line, (int)bl->col, "@%s block %s: %s", fname(v),
                    bn, msg);
}

static armjit_status fail_op(vctx *v, armjit_status code, uint32_t oi, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static armjit_status fail_op(vctx *v, armjit_status code, uint32_t oi, const char *fmt, ...) {
  const mir_op *op = &v->fn->ops[oi];
  char bn[MIR_NAME_MAX + 16], on[48], msg[200];
  block_name(v->fn, op->block, bn, sizeof bn);
  mir_op_text(op, on, sizeof on);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ajx_err_at(v->err, code, (int)op->line, (int)op->col, "@%s block %s, op %u (%s): %s",
                    fname(v), bn, v->pos ? v->pos[oi] + 1 : 0, on, msg);
}

static void value_name(const mir_func *fn, uint32_t x, char *buf, size_t cap) {
  if (fn->vals[x].name) snprintf(buf, cap, "%s", fn->vals[x].name);
  else snprintf(buf, cap, "v%u", x);
}

/* ---- 1 and 2: shape, operands, edges ------------------------------------------------- */
static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static armjit_status check_edges(vctx *v, uint32_t oi) {
  mir_func *fn = v->fn;
  const mir_op *op = &fn->ops[oi];
  const mir_edge *e = mir_edges(fn, op);
  char bn[MIR_NAME_MAX + 16];
  for (uint32_t k = 0; k < op->nedges; k++) {
    if (e[k].block >= fn->nblocks)
      return fail_op(v, ARMJIT_E_INVALID, oi, "branch to a block of another function");
    block_name(fn, e[k].block, bn, sizeof bn);
    if (e[k].block == 0)
      return fail_op(v, ARMJIT_E_INVALID, oi, "branch to the entry block %s", bn);
    const mir_block *t = &fn->blocks[e[k].block];
    if (e[k].nargs != t->nparams)
      return fail_op(v, ARMJIT_E_INVALID, oi, "%u arguments for block %s, which has %u parameters",
                     e[k].nargs, bn, t->nparams);
    const mir_ref *a = mir_edge_args(fn, &e[k]);
    for (uint32_t j = 0; j < e[k].nargs; j++) {
      uint8_t ty = mir_ref_type_safe(fn, a[j]);
      if (ty == ARMJIT_T_VOID)
        return fail_op(v, ARMJIT_E_INVALID, oi, "argument %u for block %s is not a value of @%s",
                       j + 1, bn, fname(v));
      uint8_t want = fn->vals[t->params[j]].type;
      if (ty != want)
        return fail_op(v, ARMJIT_E_TYPE, oi, "argument %u for block %s is %s, its parameter is %s",
                       j + 1, bn, mir_type_name(ty), mir_type_name(want));
    }
  }
  if (op->opc == ARMJIT_MOP_SWITCH && op->nedges > 2) {
    uint32_t n = op->nedges - 1;
    int32_t *keys = ajx_alloc(v->m->ctx, n * sizeof *keys);
    if (!keys) return ajx_err(v->err, ARMJIT_E_NOMEM, "out of memory validating");
    for (uint32_t k = 0; k < n; k++) keys[k] = e[k + 1].key;
    qsort(keys, n, sizeof *keys, cmp_i32);
    for (uint32_t k = 1; k < n; k++)
      if (keys[k] == keys[k - 1]) {
        int32_t d = keys[k];
        ajx_free(v->m->ctx, keys);
        return fail_op(v, ARMJIT_E_INVALID, oi, "duplicate switch key %d", (int)d);
      }
    ajx_free(v->m->ctx, keys);
  }
  return ARMJIT_OK;
}

static armjit_status check_local(vctx *v, bool *has_checks) {
  mir_func *fn = v->fn;
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const mir_block *bl = &fn->blocks[b];
    for (uint32_t p = 0; p < bl->nops; p++) v->pos[bl->ops[p]] = p;
  }
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const mir_block *bl = &fn->blocks[b];
    if (bl->nops == 0) return fail_block(v, ARMJIT_E_INVALID, b, "empty block (no terminator)");
    for (uint32_t p = 0; p < bl->nops; p++) {
      uint32_t oi = bl->ops[p];
      const mir_op *op = &fn->ops[oi];
      const mir_opinfo *in = mir_info(op->opc);
      bool term = (in->flags & ARMJIT_MOPF_TERM) != 0;
      if (term && p + 1 < bl->nops)
        return fail_op(v, ARMJIT_E_INVALID, bl->ops[p + 1], "op after the terminator %s",
                       in->name);
      if (!term && p + 1 == bl->nops)
        return fail_op(v, ARMJIT_E_INVALID, oi, "the block does not end in a terminator");
      if (in->flags & ARMJIT_MOPF_TRAP) *has_checks = true;
      armjit_status code;
      char msg[200];
      if (!mir_check_operands(v->m, fn, op, mir_args(fn, op), op->nargs, &code, msg, sizeof msg))
        return fail_op(v, code, oi, "%s", msg);
      if (term) {
        armjit_status st = check_edges(v, oi);
        if (st != ARMJIT_OK) return st;
      }
    }
  }
  return ARMJIT_OK;
}

/* The function's kind and attributes against its body (mir_kinds.c). */
static armjit_status check_kind(vctx *v) {
  uint32_t oi;
  char msg[240];
  armjit_status st = mir_kinds_check(v->m, v->fn, &oi, msg, sizeof msg);
  if (st == ARMJIT_OK) st = mir_raw_check_calls(v->m, v->fn, &oi, msg, sizeof msg);
  if (st == ARMJIT_OK) return st;
  if (oi != UINT32_MAX) return fail_op(v, st, oi, "%s", msg);
  const mir_sym *s = &v->m->syms[v->fn->sym];
  return ajx_err_at(v->err, st, (int)s->line, (int)s->col, "@%s: %s", s->name, msg);
}

/* ---- 3: CFG, reverse postorder, dominators ----------------------------------------------- */
static armjit_status build_cfg(vctx *v) {
  mir_func *fn = v->fn;
  armjit_ctx *ctx = v->m->ctx;
  uint32_t nb = fn->nblocks, ne = 0;
  for (uint32_t b = 0; b < nb; b++) ne += mir_term(fn, &fn->blocks[b])->nedges + fn->blocks[b].nhandlers;
  ajx_free(ctx, fn->analysis);
  ajx_free(ctx, fn->rpo);
  fn->analysis = ajx_alloc(ctx, (2 * (size_t)ne + 1) * sizeof *fn->analysis);
  fn->rpo = ajx_alloc(ctx, nb * sizeof *fn->rpo);
  uint32_t *stack = ajx_alloc(ctx, nb * sizeof *stack);
  uint32_t *next = ajx_alloc(ctx, nb * sizeof *next);
  if (!fn->analysis || !fn->rpo || !stack || !next) {
    ajx_free(ctx, stack);
    ajx_free(ctx, next);
    return ajx_err(v->err, ARMJIT_E_NOMEM, "out of memory validating");
  }
  /* successors in edge order; predecessors counted, then placed */
  uint32_t *s = fn->analysis, *pr = fn->analysis + ne;
  for (uint32_t b = 0; b < nb; b++) {
    mir_block *bl = &fn->blocks[b];
    const mir_op *t = mir_term(fn, bl);
    bl->succs = s;
    bl->nsuccs = t->nedges + bl->nhandlers;
    for (uint32_t k = 0; k < t->nedges; k++) *s++ = mir_edges(fn, t)[k].block;
    for (uint32_t k = 0; k < bl->nhandlers; k++) *s++ = mir_handlers(fn, bl)[k].block;
    bl->npreds = 0;
  }
  for (uint32_t b = 0; b < nb; b++)
    for (uint32_t k = 0; k < fn->blocks[b].nsuccs; k++) fn->blocks[fn->blocks[b].succs[k]].npreds++;
  for (uint32_t b = 0; b < nb; b++) {
    fn->blocks[b].preds = pr;
    pr += fn->blocks[b].npreds;
    fn->blocks[b].npreds = 0;
  }
  for (uint32_t b = 0; b < nb; b++)
    for (uint32_t k = 0; k < fn->blocks[b].nsuccs; k++) {
      mir_block *t = &fn->blocks[fn->blocks[b].succs[k]];
      t->preds[t->npreds++] = b;
    }
  /* postorder by an explicit DFS, then reversed */
  for (uint32_t b = 0; b < nb; b++) {
    fn->blocks[b].rpo_index = UINT32_MAX;
    next[b] = 0;
  }
  uint32_t sp = 0, npost = 0;
  stack[sp++] = 0;
  fn->blocks[0].rpo_index = 0; /* visited mark for now */
  while (sp) {
    uint32_t b = stack[sp - 1];
    mir_block *bl = &fn->blocks[b];
    if (next[b] < bl->nsuccs) {
      uint32_t t = bl->succs[next[b]++];
      if (fn->blocks[t].rpo_index == UINT32_MAX) {
        fn->blocks[t].rpo_index = 0;
        stack[sp++] = t;
      }
    } else {
      fn->rpo[npost++] = b;
      sp--;
    }
  }
  ajx_free(ctx, stack);
  ajx_free(ctx, next);
  for (uint32_t b = 0; b < nb; b++)
    if (fn->blocks[b].rpo_index == UINT32_MAX)
      return fail_block(v, ARMJIT_E_INVALID, b, "not reachable from the entry");
  for (uint32_t i = 0; i < npost / 2; i++) {
    uint32_t t = fn->rpo[i];
    fn->rpo[i] = fn->rpo[npost - 1 - i];
    fn->rpo[npost - 1 - i] = t;
  }
  for (uint32_t i = 0; i < nb; i++) fn->blocks[fn->rpo[i]].rpo_index = i;
  return ARMJIT_OK;
}

static uint32_t intersect(const mir_func *fn, uint32_t a, uint32_t b) {
  while (a != b) {
    while (fn->blocks[a].rpo_index > fn->blocks[b].rpo_index) a = fn->blocks[a].idom;
    while (fn->blocks[b].rpo_index > fn->blocks[a].rpo_index) b = fn->blocks[b].idom;
  }
  return a;
}

static armjit_status dominators(vctx *v) {
  mir_func *fn = v->fn;
  armjit_ctx *ctx = v->m->ctx;
  uint32_t nb = fn->nblocks;
  for (uint32_t b = 0; b < nb; b++) fn->blocks[b].idom = UINT32_MAX;
  fn->blocks[0].idom = 0;
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t i = 1; i < nb; i++) {
      uint32_t b = fn->rpo[i], nd = UINT32_MAX;
      const mir_block *bl = &fn->blocks[b];
      for (uint32_t k = 0; k < bl->npreds; k++) {
        uint32_t p = bl->preds[k];
        if (fn->blocks[p].idom == UINT32_MAX) continue;
        nd = nd == UINT32_MAX ? p : intersect(fn, p, nd);
      }
      if (nd != fn->blocks[b].idom) {
        fn->blocks[b].idom = nd;
        changed = true;
      }
    }
  }
  /* the dominator tree in preorder: children lists by counting sort */
  uint32_t *first = ajx_calloc(ctx, nb + 1, sizeof *first);
  uint32_t *kids = ajx_alloc(ctx, nb * sizeof *kids);
  uint32_t *stack = ajx_alloc(ctx, nb * sizeof *stack);
  uint32_t *iter = ajx_alloc(ctx, nb * sizeof *iter);
  v->pre = ajx_alloc(ctx, nb * sizeof *v->pre);
  v->post = ajx_alloc(ctx, nb * sizeof *v->post);
  if (!first || !kids || !stack || !iter || !v->pre || !v->post) {
    ajx_free(ctx, first);
    ajx_free(ctx, kids);
    ajx_free(ctx, stack);
    ajx_free(ctx, iter);
    return ajx_err(v->err, ARMJIT_E_NOMEM, "out of memory validating");
  }
  for (uint32_t b = 1; b < nb; b++) first[fn->blocks[b].idom + 1]++;
  for (uint32_t b = 0; b < nb; b++) first[b + 1] += first[b];
  for (uint32_t b = 0; b < nb; b++) iter[b] = first[b];
  for (uint32_t b = 1; b < nb; b++) kids[iter[fn->blocks[b].idom]++] = b;
  uint32_t sp = 0, clock = 0;
  stack[sp++] = 0;
  iter[0] = first[0];
  v->pre[0] = clock++;
  while (sp) {
    uint32_t b = stack[sp - 1];
    if (iter[b] < first[b + 1]) {
      uint32_t c = kids[iter[b]++];
      iter[c] = first[c];
      v->pre[c] = clock++;
      stack[sp++] = c;
    } else {
      v->post[b] = clock++;
      sp--;
    }
  }
  ajx_free(ctx, first);
  ajx_free(ctx, kids);
  ajx_free(ctx, stack);
  ajx_free(ctx, iter);
  return ARMJIT_OK;
}

static inline bool dominates(const vctx *v, uint32_t a, uint32_t b) {
  return v->pre[a] <= v->pre[b] && v->post[b] <= v->post[a];
}

/* ---- 4: SSA dominance, use counts -------------------------------------------------------- */
static armjit_status check_use(vctx *v, uint32_t oi, mir_ref r, bool at_end, const char *what,
                               uint32_t k) {
  if (MIR_IS_CONST(r)) return ARMJIT_OK;
  mir_func *fn = v->fn;
  const mir_op *op = &fn->ops[oi];
  mir_value *x = &fn->vals[r];
  x->nuses++;
  bool ok;
  if (x->block != op->block) ok = dominates(v, x->block, op->block);
  else ok = x->is_param || at_end || v->pos[x->def] < v->pos[oi];
  if (ok) return ARMJIT_OK;
  char vn[MIR_NAME_MAX + 16];
  value_name(fn, (uint32_t)r, vn, sizeof vn);
  return fail_op(v, ARMJIT_E_INVALID, oi, "%s %u: %s is used where its definition does not dominate",
                 what, k + 1, vn);
}

static armjit_status check_ssa(vctx *v) {
  mir_func *fn = v->fn;
  for (uint32_t x = 0; x < fn->nvals; x++) fn->vals[x].nuses = 0;
  for (uint32_t oi = 0; oi < fn->nops; oi++) {
    const mir_op *op = &fn->ops[oi];
    const mir_ref *a = mir_args(fn, op);
    for (uint32_t k = 0; k < op->nargs; k++) {
      armjit_status st = check_use(v, oi, a[k], false, "operand", k);
      if (st != ARMJIT_OK) return st;
    }
    const mir_edge *e = mir_edges(fn, op);
    for (uint32_t j = 0; j < op->nedges; j++)
      for (uint32_t k = 0; k < e[j].nargs; k++) {
        armjit_status st = check_use(v, oi, fn->operands[e[j].args + k], true, "block argument", k);
        if (st != ARMJIT_OK) return st;
      }
  }
  return ARMJIT_OK;
}

/* ---- 5: natural loops -------------------------------------------------------------------- */
static armjit_status loops(vctx *v) {
  mir_func *fn = v->fn;
  armjit_ctx *ctx = v->m->ctx;
  uint32_t nb = fn->nblocks;
  for (uint32_t b = 0; b < nb; b++) {
    fn->blocks[b].loop_depth = 0;
    fn->blocks[b].loop_header = UINT32_MAX;
  }
  uint32_t *mark = NULL, *work = NULL;
  for (uint32_t h = 0; h < nb; h++) {
    const mir_block *hb = &fn->blocks[h];
    bool header = false;
    for (uint32_t k = 0; k < hb->npreds && !header; k++)
      header = dominates(v, h, hb->preds[k]);
    if (!header) continue;
    if (!mark) {
      mark = ajx_alloc(ctx, nb * sizeof *mark);
      work = ajx_alloc(ctx, nb * sizeof *work);
      if (!mark || !work) {
        ajx_free(ctx, mark);
        ajx_free(ctx, work);
        return ajx_err(v->err, ARMJIT_E_NOMEM, "out of memory validating");
      }
      for (uint32_t b = 0; b < nb; b++) mark[b] = UINT32_MAX;
    }
    uint32_t n = 0;
    mark[h] = h;
    for (uint32_t k = 0; k < hb->npreds; k++) {
      uint32_t u = hb->preds[k];
      if (dominates(v, h, u) && mark[u] != h) { mark[u] = h; work[n++] = u; }
    }
    /* the body: every block reaching a back edge's source without passing h */
    for (uint32_t i = 0; i < n; i++) {
      const mir_block *bl = &fn->blocks[work[i]];
      for (uint32_t k = 0; k < bl->npreds; k++) {
        uint32_t p = bl->preds[k];
        if (mark[p] != h) { mark[p] = h; work[n++] = p; }
      }
    }
    work[n++] = h;
    for (uint32_t i = 0; i < n; i++) {
      mir_block *bl = &fn->blocks[work[i]];
      bl->loop_depth++;
      /* innermost: the header deepest in the dominator tree */
      if (bl->loop_header == UINT32_MAX || dominates(v, bl->loop_header, h)) bl->loop_header = h;
    }
  }
  ajx_free(ctx, mark);
  ajx_free(ctx, work);
  return ARMJIT_OK;
}

/* ---- 6: exceptions ----------------------------------------------------------------------- */
/* What the module's functions need of the module: checks (trap handler),
 * tags (exc_match), udf's code limit. */
typedef struct {
  bool checks, tags;
  uint32_t max_code;
  const char *code_fn;
  uint32_t code_line, code_col;
} mod_needs;

/* Handler lists of fn: shapes, and no branch to a handler block. */
static armjit_status check_handlers(vctx *v, mod_needs *need) {
  mir_func *fn = v->fn;
  char bn[MIR_NAME_MAX + 16];
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const mir_block *bl = &fn->blocks[b];
    if (bl->nhandlers && fn->kind == ARMJIT_FK_NAKED)
      return fail_block(v, ARMJIT_E_INVALID, b, "a handler list in a naked function (no frame)");
    for (uint32_t k = 0; k < bl->nhandlers; k++) {
      const mir_handler *h = &mir_handlers(fn, bl)[k];
      if (h->block >= fn->nblocks)
        return fail_block(v, ARMJIT_E_INVALID, b, "handler %u is a block of another function", k + 1);
      block_name(fn, h->block, bn, sizeof bn);
      const mir_block *hb = &fn->blocks[h->block];
      if (h->block == 0)
        return fail_block(v, ARMJIT_E_INVALID, b, "handler %u is the entry block %s", k + 1, bn);
      if (hb->nparams != 1 || fn->vals[hb->params[0]].type != ARMJIT_T_REF)
        return fail_block(v, ARMJIT_E_INVALID, b,
                          "handler block %s must have exactly one parameter, a ref (the exception)",
                          bn);
      if (h->sym >= 0 && (uint32_t)h->sym >= v->m->nsyms)
        return fail_block(v, ARMJIT_E_INVALID, b, "handler %u: no symbol %d in the module", k + 1,
                          (int)h->sym);
      if (h->sym >= 0 || h->tag) need->tags = true;
    }
  }
  uint8_t *is_h = NULL;
  if (fn->nhandlers) {
    if (!(is_h = ajx_calloc(v->m->ctx, fn->nblocks, 1)))
      return ajx_err(v->err, ARMJIT_E_NOMEM, "out of memory validating");
    for (uint32_t b = 0; b < fn->nblocks; b++)
      for (uint32_t k = 0; k < fn->blocks[b].nhandlers; k++)
        is_h[mir_handlers(fn, &fn->blocks[b])[k].block] = 1;
  }
  for (uint32_t oi = 0; oi < fn->nops; oi++) {
    const mir_op *op = &fn->ops[oi];
    const mir_edge *e = mir_edges(fn, op);
    for (uint32_t k = 0; k < op->nedges && is_h; k++)
      if (is_h[e[k].block]) {
        ajx_free(v->m->ctx, is_h);
        block_name(fn, e[k].block, bn, sizeof bn);
        return fail_op(v, ARMJIT_E_INVALID, oi,
                       "branch to block %s, a handler block (only exceptions enter it)", bn);
      }
    if ((mir_info(op->opc)->flags & ARMJIT_MOPF_TRAP) && (uint32_t)op->imm[0] > need->max_code) {
      need->max_code = (uint32_t)op->imm[0];
      need->code_fn = fname(v);
      need->code_line = op->line;
      need->code_col = op->col;
    }
  }
  ajx_free(v->m->ctx, is_h);
  return ARMJIT_OK;
}

/* An exception leaves a protected block D before D's op results exist:
 * none may be used where a handler of D leads without passing D again.
 * Per D: mark what its handlers reach (not entering D), scan those uses. */
static armjit_status check_handler_uses(vctx *v) {
  mir_func *fn = v->fn;
  armjit_ctx *ctx = v->m->ctx;
  uint32_t nb = fn->nblocks;
  uint32_t *mark = NULL, *work = NULL;
  armjit_status st = ARMJIT_OK;
  for (uint32_t d = 0; d < nb && st == ARMJIT_OK; d++) {
    const mir_block *db = &fn->blocks[d];
    if (!db->nhandlers) continue;
    if (!mark) {
      mark = ajx_alloc(ctx, nb * sizeof *mark);
      work = ajx_alloc(ctx, nb * sizeof *work);
      if (!mark || !work) {
        st = ajx_err(v->err, ARMJIT_E_NOMEM, "out of memory validating");
        break;
      }
      for (uint32_t b = 0; b < nb; b++) mark[b] = UINT32_MAX;
    }
    uint32_t n = 0;
    mark[d] = d;
    for (uint32_t k = 0; k < db->nhandlers; k++) {
      uint32_t h = mir_handlers(fn, db)[k].block;
      if (mark[h] != d) { mark[h] = d; work[n++] = h; }
    }
    for (uint32_t i = 0; i < n; i++) {
      const mir_block *bl = &fn->blocks[work[i]];
      for (uint32_t k = 0; k < bl->nsuccs; k++)
        if (mark[bl->succs[k]] != d) { mark[bl->succs[k]] = d; work[n++] = bl->succs[k]; }
    }
    for (uint32_t i = 0; i < n && st == ARMJIT_OK; i++) {
      const mir_block *bl = &fn->blocks[work[i]];
      for (uint32_t p = 0; p < bl->nops && st == ARMJIT_OK; p++) {
        uint32_t oi = bl->ops[p];
        const mir_op *op = &fn->ops[oi];
        const mir_edge *e = mir_edges(fn, op);
        for (uint32_t k = 0; k < op->nargs + op->nedges && st == ARMJIT_OK; k++) {
          uint32_t na = k < op->nargs ? 1 : e[k - op->nargs].nargs;
          const mir_ref *a = k < op->nargs ? mir_args(fn, op) + k : mir_edge_args(fn, &e[k - op->nargs]);
          for (uint32_t j = 0; j < na; j++) {
            mir_ref r = a[j];
            if (MIR_IS_CONST(r) || fn->vals[r].is_param || fn->vals[r].block != d) continue;
            char vn[MIR_NAME_MAX + 16], bn[MIR_NAME_MAX + 16];
            value_name(fn, (uint32_t)r, vn, sizeof vn);
            block_name(fn, d, bn, sizeof bn);
            st = fail_op(v, ARMJIT_E_INVALID, oi,
                         "%s is used where an exception from block %s leads (a handler runs "
                         "before %s exists)",
                         vn, bn, vn);
            break;
          }
        }
      }
    }
  }
  ajx_free(ctx, mark);
  ajx_free(ctx, work);
  return st;
}

/* Callback k of the module: resolved, with its signature. */
static armjit_status check_exc_sym(armjit_module *m, unsigned k, bool needed, const char *why,
                                   armjit_error *err) {
  static const uint8_t sig[MIR_EXC__COUNT][3] = {
      {ARMJIT_T_REF, ARMJIT_T_REF, ARMJIT_T_I32},  /* exc_match(ref, ref) -> i32 */
      {ARMJIT_T_I32, ARMJIT_T_REF, ARMJIT_T_REF},  /* exc_make(i32, ref) -> ref */
      {ARMJIT_T_REF, ARMJIT_T_VOID, ARMJIT_T_VOID} /* exc_uncaught(ref) -> void */
  };
  static const char *const sigtext[MIR_EXC__COUNT] = {"(ref, ref) -> i32", "(i32, ref) -> ref",
                                                      "(ref) -> void"};
  mir_exc_sym *x = &m->exc[k];
  x->sym = -1;
  if (!x->name) {
    if (needed)
      return ajx_err(err, ARMJIT_E_INVALID, "the module %s but names no %s (%s @NAME)", why,
                     mir_exc_word(k), mir_exc_word(k));
    return ARMJIT_OK;
  }
  int32_t s = mir_find_sym(m, x->name, strlen(x->name));
  if (s < 0)
    return ajx_err_at(err, ARMJIT_E_INVALID, (int)x->line, (int)x->col,
                      "%s @%s is not a symbol of the module", mir_exc_word(k), x->name);
  const mir_sym *y = &m->syms[s];
  uint32_t np = k == MIR_EXC_UNCAUGHT ? 1 : 2;
  bool ok = y->nparams == np && y->result == sig[k][2];
  for (uint32_t j = 0; ok && j < np; j++) ok = y->params[j] == sig[k][j];
  if (!ok)
    return ajx_err_at(err, ARMJIT_E_INVALID, (int)x->line, (int)x->col,
                      "%s @%s must have the signature %s", mir_exc_word(k), x->name, sigtext[k]);
  x->sym = s;
  return ARMJIT_OK;
}

static armjit_status check_exc(armjit_module *m, const mod_needs *need, armjit_error *err) {
  if (m->trap == ARMJIT_TRAP_UDF && need->max_code > 0xffff)
    return ajx_err_at(err, ARMJIT_E_INVALID, (int)need->code_line, (int)need->code_col,
                      "@%s: trap code %u out of range 0..0xffff for trap mode udf", need->code_fn,
                      (unsigned)need->max_code);
  bool mk = need->checks && (m->trap == ARMJIT_TRAP_SVC || m->trap == ARMJIT_TRAP_UDF);
  armjit_status st = check_exc_sym(m, MIR_EXC_MATCH, need->tags, "has handlers with tags", err);
  if (st == ARMJIT_OK)
    st = check_exc_sym(m, MIR_EXC_MAKE, mk, "traps in mode svc or udf", err);
  if (st == ARMJIT_OK) st = check_exc_sym(m, MIR_EXC_UNCAUGHT, false, "", err);
  return st;
}

static armjit_status check_trap(armjit_module *m, bool has_checks, armjit_error *err) {
  m->trap_sym = -1;
  if (m->trap == ARMJIT_TRAP_SVC || m->trap == ARMJIT_TRAP_UDF) return ARMJIT_OK;
  if (m->trap == ARMJIT_TRAP_NONE) {
    if (has_checks)
      return ajx_err(err, ARMJIT_E_INVALID,
                     "the module has check ops but no trap handler (trap call @NAME)");
    return ARMJIT_OK;
  }
  int32_t s = mir_find_sym(m, m->trap_name, strlen(m->trap_name));
  if (s < 0)
    return ajx_err_at(err, ARMJIT_E_INVALID, (int)m->trap_line, (int)m->trap_col,
                      "trap handler @%s is not a symbol of the module", m->trap_name);
  const mir_sym *y = &m->syms[s];
  if (y->nparams != 3 || y->params[0] != ARMJIT_T_I32 || y->params[1] != ARMJIT_T_REF ||
      y->params[2] != ARMJIT_T_REF ||
      (y->result != ARMJIT_T_VOID && y->result != ARMJIT_T_REF))
    return ajx_err_at(err, ARMJIT_E_INVALID, (int)m->trap_line, (int)m->trap_col,
                      "trap handler @%s must have the signature (i32, ref, ref) -> void "
                      "or -> ref",
                      m->trap_name);
  m->trap_sym = s;
  return ARMJIT_OK;
}

armjit_status mir_validate(armjit_module *m, armjit_error *err) {
  bool has_checks = false;
  mod_needs need = {false, false, 0, NULL, 0, 0};
  for (uint32_t s = 0; s < m->nsyms; s++) {
    mir_func *fn = m->syms[s].fn;
    if (!fn) continue;
    if (fn->raw) continue; /* checked when it was made (mir_raw.c) */
    vctx v = {m, fn, err, NULL, NULL, NULL};
    v.pos = ajx_alloc(m->ctx, (fn->nops + 1) * sizeof *v.pos);
    if (!v.pos) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory validating");
    armjit_status st = check_local(&v, &has_checks);
    if (st == ARMJIT_OK) st = check_kind(&v);
    if (st == ARMJIT_OK) st = check_handlers(&v, &need);
    if (st == ARMJIT_OK) st = build_cfg(&v);
    if (st == ARMJIT_OK) st = dominators(&v);
    if (st == ARMJIT_OK) st = check_ssa(&v);
    if (st == ARMJIT_OK) st = check_handler_uses(&v);
    if (st == ARMJIT_OK) st = loops(&v);
    ajx_free(m->ctx, v.pos);
    ajx_free(m->ctx, v.pre);
    ajx_free(m->ctx, v.post);
    if (st != ARMJIT_OK) return st;
  }
  need.checks = has_checks;
  armjit_status st = check_trap(m, has_checks, err);
  if (st == ARMJIT_OK) st = check_exc(m, &need, err);
  return st == ARMJIT_OK ? mir_validate_data(m, err) : st;
}

armjit_status armjit_module_validate(armjit_module *m, armjit_error *err) {
  ajx_err_clear(err);
  if (!m) return ajx_err(err, ARMJIT_E_ARG, "armjit_module_validate: module is NULL");
  if (m->builder_err.code != ARMJIT_OK) {
    if (err) *err = m->builder_err;
    return m->builder_err.code;
  }
  if (m->validated) return ARMJIT_OK;
  mir_interp_data_free(m); /* the module changed: the interpreter's data starts again */
  armjit_status st = mir_validate(m, err);
  m->validated = st == ARMJIT_OK;
  return st;
}
