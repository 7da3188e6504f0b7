/* SPDX-License-Identifier: MIT */
/* Liveness over the CFG and live intervals (docs/design.md §11.1).
 *
 * Positions: blocks in layout order, each a header slot (its parameters
 * are defined there) and then one slot per op; slot i reads its operands at
 * 2i and defines its result at 2i+1.  A value's interval is the hull of
 * its definition, its uses and every block it is live into (from the
 * block's first position) or out of (to its last), so a value live around
 * a loop covers the whole loop in layout order.  Live-in/out sets come
 * from the usual backward dataflow, iterated to a fixed point (irreducible
 * flow needs nothing special).  Branch arguments are uses of the
 * terminator; block parameters are definitions of the header.
 *
 * Also here: which ops call (their use positions, for the call-crossing
 * rule), the spill weights (8^loop depth per use), register hints
 * (a block argument and its parameter are partners; parameters and call
 * results prefer their AAPCS registers), compares fused into the cbr that
 * follows them (their operands are then used at the cbr), pure ops whose
 * result is unused (no interval: nothing is emitted), and the largest
 * outgoing stack area. */
#include "mc/mc_cg.h"

#include <string.h>

#include "arm/abi.h"

bool mc_ctx_idiv(const armjit_ctx *ctx) {
  return (ctx->features & A32_FEAT_IDIV) && !(ctx->opts.flags & ARMJIT_NO_IDIV);
}

int mc_op_helper(const mc_fn *c, const mir_op *op) { return mc_op_helper_of(c->fn, op, c->idiv); }

int mc_op_helper_of(const mir_func *fn, const mir_op *op, bool idiv) {
  bool i64 = op->sub == ARMJIT_T_I64;
  switch (op->opc) {
  case ARMJIT_MOP_SDIV: return i64 ? MC_H_SDIV64 : idiv ? -1 : MC_H_SDIV32;
  case ARMJIT_MOP_SREM: return i64 ? MC_H_SREM64 : idiv ? -1 : MC_H_SREM32;
  case ARMJIT_MOP_UDIV: return i64 ? MC_H_UDIV64 : idiv ? -1 : MC_H_UDIV32;
  case ARMJIT_MOP_UREM: return i64 ? MC_H_UREM64 : idiv ? -1 : MC_H_UREM32;
  case ARMJIT_MOP_SHL:
  case ARMJIT_MOP_SHR:
  case ARMJIT_MOP_USHR:
    if (!i64 || MIR_IS_CONST(mir_args(fn, op)[1])) return -1;
    return op->opc == ARMJIT_MOP_SHL ? MC_H_SHL64 : op->opc == ARMJIT_MOP_SHR ? MC_H_SHR64 : MC_H_USHR64;
  case ARMJIT_MOP_SITOFP:
  case ARMJIT_MOP_UITOFP: {
    if (mir_ref_type(fn, mir_args(fn, op)[0]) != ARMJIT_T_I64) return -1;
    bool s = op->opc == ARMJIT_MOP_SITOFP, d = op->sub == ARMJIT_T_F64;
    return d ? (s ? MC_H_L2D : MC_H_UL2D) : (s ? MC_H_L2F : MC_H_UL2F);
  }
  case ARMJIT_MOP_FPTOSI:
  case ARMJIT_MOP_FPTOUI: {
    if (!i64) return -1;
    bool s = op->opc == ARMJIT_MOP_FPTOSI;
    bool d = mir_ref_type(fn, mir_args(fn, op)[0]) == ARMJIT_T_F64;
    return d ? (s ? MC_H_D2L : MC_H_D2UL) : (s ? MC_H_F2L : MC_H_F2UL);
  }
  case ARMJIT_MOP_FREM: return op->sub == ARMJIT_T_F64 ? MC_H_FMOD : MC_H_FMODF;
  default: return -1;
  }
}

bool mc_op_calls(const mc_fn *c, const mir_op *op) {
  return (mir_info(op->opc)->flags & ARMJIT_MOPF_CALL) || mc_op_helper(c, op) >= 0;
}

/* Lowerings that use r10 besides ip and lr (mc_cg_ops.c). */
static bool op_needs_t2(const mc_fn *c, const mir_op *op) {
  if (mc_op_helper(c, op) >= 0) return false;
  bool i64 = op->sub == ARMJIT_T_I64;
  switch (op->opc) {
  case ARMJIT_MOP_MUL:
  case ARMJIT_MOP_SHL:
  case ARMJIT_MOP_SHR:
  case ARMJIT_MOP_USHR: return i64;
  case ARMJIT_MOP_SREM:
  case ARMJIT_MOP_UREM: return true;
  default: return false;
  }
}

/* An op emits nothing: a pure op whose result nobody uses, or a compare
 * fused into its cbr. */
static bool op_skipped(const mc_fn *c, uint32_t opi) {
  const mir_op *op = &c->fn->ops[opi];
  if (c->lv.fused[opi]) return true;
  return (mir_info(op->opc)->flags & ARMJIT_MOPF_PURE) && op->result != MIR_NONE &&
         c->fn->vals[op->result].nuses == 0;
}

static bool alloc_all(mc_fn *c) {
  const mir_func *fn = c->fn;
  armjit_ctx *ctx = c->ctx;
  mc_live *lv = &c->lv;
  uint32_t nv = fn->nvals ? fn->nvals : 1;
  lv->nslots = fn->nblocks + fn->nops;
  lv->blk_slot = ajx_calloc(ctx, fn->nblocks ? fn->nblocks : 1, sizeof *lv->blk_slot);
  lv->start = ajx_calloc(ctx, nv, sizeof *lv->start);
  lv->end = ajx_calloc(ctx, nv, sizeof *lv->end);
  lv->weight = ajx_calloc(ctx, nv, sizeof *lv->weight);
  lv->partner = ajx_calloc(ctx, nv, sizeof *lv->partner);
  lv->abi_hint = ajx_calloc(ctx, nv, sizeof *lv->abi_hint);
  lv->calls = ajx_calloc(ctx, fn->nops ? fn->nops : 1, sizeof *lv->calls);
  lv->fused = ajx_calloc(ctx, fn->nops ? fn->nops : 1, 1);
  lv->nohome = ajx_calloc(ctx, nv, 1);
  lv->keep = ajx_calloc(ctx, nv, 1);
  return lv->keep && lv->nohome && lv->blk_slot && lv->start && lv->end && lv->weight && lv->partner && lv->abi_hint &&
         lv->calls && lv->fused;
}

void mc_live_free(mc_fn *c) {
  mc_live *lv = &c->lv;
  ajx_free(c->ctx, lv->blk_slot);
  ajx_free(c->ctx, lv->start);
  ajx_free(c->ctx, lv->end);
  ajx_free(c->ctx, lv->weight);
  ajx_free(c->ctx, lv->partner);
  ajx_free(c->ctx, lv->abi_hint);
  ajx_free(c->ctx, lv->calls);
  ajx_free(c->ctx, lv->clob_pos);
  ajx_free(c->ctx, lv->clob_core);
  ajx_free(c->ctx, lv->clob_d);
  ajx_free(c->ctx, lv->fused);
  ajx_free(c->ctx, lv->nohome);
  ajx_free(c->ctx, lv->keep);
  memset(lv, 0, sizeof *lv);
}

/* Visit the value operands op reads (fused compares: also the compare's). */
typedef void (*use_fn)(mc_fn *c, uint32_t v, void *ud);
static void each_use(mc_fn *c, const mir_op *op, use_fn f, void *ud) {
  const mir_func *fn = c->fn;
  const mir_ref *a = mir_args(fn, op);
  for (uint32_t k = 0; k < op->nargs; k++)
    if (a[k] >= 0) f(c, (uint32_t)a[k], ud);
  const mir_edge *e = mir_edges(fn, op);
  for (uint32_t k = 0; k < op->nedges; k++)
    for (uint32_t j = 0; j < e[k].nargs; j++) {
      mir_ref r = fn->operands[e[k].args + j];
      if (r >= 0) f(c, (uint32_t)r, ud);
    }
}

static void gen_use(mc_fn *c, uint32_t v, void *ud) {
  (void)c;
  uint64_t **p = ud;
  uint64_t *gen = p[0], *kill = p[1];
  if (!(kill[v / 64] >> (v % 64) & 1)) gen[v / 64] |= 1ull << (v % 64);
}

typedef struct {
  uint32_t pos, w;
} use_at;

static void end_use(mc_fn *c, uint32_t v, void *ud) {
  use_at *u = ud;
  if (c->lv.nohome[v]) return;
  if (c->lv.end[v] < u->pos) c->lv.end[v] = u->pos;
  if (c->lv.start[v] > u->pos) c->lv.start[v] = u->pos;
  c->lv.weight[v] += u->w;
}

static void def_at(mc_fn *c, uint32_t v, uint32_t pos) {
  if (c->lv.nohome[v]) return;
  if (c->lv.start[v] > pos) c->lv.start[v] = pos;
  if (c->lv.end[v] < pos) c->lv.end[v] = pos;
}

static void set_partner(mc_fn *c, uint32_t a, uint32_t b) {
  if (c->lv.partner[a] < 0) c->lv.partner[a] = (int32_t)b;
  if (c->lv.partner[b] < 0) c->lv.partner[b] = (int32_t)a;
}

/* Register a value prefers for an AAPCS location (type numbering). */
static int8_t abi_reg(abi_loc l) {
  switch (l.kind) {
  case ABI_CORE:
    return l.type == ARM_TY_F32 ? -1 : (int8_t)l.reg; /* soft f32: its VFP home is elsewhere */
  case ABI_PAIR: return l.type == ARM_TY_I64 ? (int8_t)l.reg : -1;
  case ABI_VFP:
  case ABI_SREG: return (int8_t)l.reg;
  default: return -1;
  }
}

armjit_status mc_live_build(mc_fn *c) {
  const mir_func *fn = c->fn;
  mc_live *lv = &c->lv;
  if (!alloc_all(c)) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for liveness");
    return c->st;
  }
  for (uint32_t v = 0; v < fn->nvals; v++) {
    lv->start[v] = UINT32_MAX;
    lv->partner[v] = -1;
    lv->abi_hint[v] = -1;
  }
  /* slots, fused compares, calls, t2 */
  uint32_t slot = 0;
  for (uint32_t bi = 0; bi < fn->nblocks; bi++) {
    const mir_block *b = &fn->blocks[bi];
    lv->blk_slot[bi] = slot;
    slot += 1 + b->nops;
    if (b->nops >= 2) {
      const mir_op *t = mir_term(fn, b);
      uint32_t ci = b->ops[b->nops - 2];
      const mir_op *cmp = &fn->ops[ci];
      if (t->opc == ARMJIT_MOP_CBR && (mir_info(cmp->opc)->flags & ARMJIT_MOPF_CMP) &&
          cmp->result != MIR_NONE && mir_args(fn, t)[0] == cmp->result &&
          fn->vals[cmp->result].nuses == 1) {
        lv->fused[ci] = 1;
        lv->nohome[cmp->result] = 1;
      }
    }
    for (uint32_t k = 0; k < b->nops; k++) {
      const mir_op *op = &fn->ops[b->ops[k]];
      if (op_skipped(c, b->ops[k])) continue;
      if (mc_op_calls(c, op)) {
        lv->calls[lv->ncalls++] = 2 * (lv->blk_slot[bi] + 1 + k);
        uint32_t o = mc_call_out_bytes(c, op);
        if (o > lv->max_out) lv->max_out = o;
      }
      if (op_needs_t2(c, op)) lv->needs_t2 = true;
      uint32_t dregs, core = mc_op_clobbers(c, op, &dregs);
      if (core | dregs) {
        if (!lv->clob_pos) { /* rare: room for every op at once */
          lv->clob_pos = ajx_calloc(c->ctx, fn->nops, sizeof *lv->clob_pos);
          lv->clob_core = ajx_calloc(c->ctx, fn->nops, sizeof *lv->clob_core);
          lv->clob_d = ajx_calloc(c->ctx, fn->nops, sizeof *lv->clob_d);
          if (!lv->clob_pos || !lv->clob_core || !lv->clob_d) {
            mc_fail(c, ARMJIT_E_NOMEM, "out of memory for liveness");
            return c->st;
          }
        }
        lv->clob_pos[lv->nclob] = 2 * (lv->blk_slot[bi] + 1 + k);
        lv->clob_core[lv->nclob] = core;
        lv->clob_d[lv->nclob++] = dregs;
        lv->clob_all_core |= core;
        lv->clob_all_d |= dregs;
      }
    }
  }

  /* gen/kill and the dataflow */
  uint32_t W = (fn->nvals + 63) / 64;
  if (!W) W = 1;
  size_t nb = fn->nblocks;
  uint64_t *bits = ajx_calloc(c->ctx, 4 * nb * W, sizeof *bits);
  if (!bits) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for liveness");
    return c->st;
  }
  uint64_t *gen = bits, *kill = bits + nb * W, *in = bits + 2 * nb * W, *out = bits + 3 * nb * W;
  for (uint32_t bi = 0; bi < fn->nblocks; bi++) {
    const mir_block *b = &fn->blocks[bi];
    uint64_t *g = gen + bi * W, *kl = kill + bi * W;
    for (uint32_t k = 0; k < b->nparams; k++) kl[b->params[k] / 64] |= 1ull << (b->params[k] % 64);
    uint64_t *p[2] = {g, kl};
    for (uint32_t k = 0; k < b->nops; k++) {
      uint32_t opi = b->ops[k];
      const mir_op *op = &fn->ops[opi];
      if (op_skipped(c, opi) && !lv->fused[opi]) continue;
      each_use(c, op, gen_use, p);
      if (op->result != MIR_NONE) kl[op->result / 64] |= 1ull << (op->result % 64);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t bi = fn->nblocks; bi-- > 0;) {
      const mir_block *b = &fn->blocks[bi];
      uint64_t *o = out + bi * W, *i = in + bi * W;
      const mir_op *t = mir_term(fn, b);
      const mir_edge *e = mir_edges(fn, t);
      for (uint32_t s = 0; s < t->nedges; s++) {
        const uint64_t *si = in + (size_t)e[s].block * W;
        for (uint32_t w = 0; w < W; w++) o[w] |= si[w];
      }
      /* a handler's live-ins are live through the protected block */
      for (uint32_t s = 0; s < b->nhandlers; s++) {
        const uint64_t *si = in + (size_t)mir_handlers(fn, b)[s].block * W;
        for (uint32_t w = 0; w < W; w++) o[w] |= si[w];
      }
      for (uint32_t w = 0; w < W; w++) {
        uint64_t n = gen[bi * W + w] | (o[w] & ~kill[bi * W + w]);
        if (n != i[w]) {
          i[w] = n;
          changed = true;
        }
      }
    }
  }

  /* values live into a handler keep one home the unwinder restores */
  for (uint32_t bi = 0; bi < fn->nblocks; bi++) {
    const mir_block *b = &fn->blocks[bi];
    for (uint32_t s = 0; s < b->nhandlers; s++) {
      const uint64_t *si = in + (size_t)mir_handlers(fn, b)[s].block * W;
      for (uint32_t x = 0; x < W; x++)
        for (uint64_t mm = si[x]; mm; mm &= mm - 1) lv->keep[64 * x + (uint32_t)__builtin_ctzll(mm)] = 1;
    }
  }

  /* intervals, weights, partners */
  for (uint32_t bi = 0; bi < fn->nblocks; bi++) {
    const mir_block *b = &fn->blocks[bi];
    uint32_t h = lv->blk_slot[bi];
    uint32_t first = 2 * h, last = 2 * (h + b->nops) + 1;
    uint32_t depth = b->loop_depth > 5 ? 5 : b->loop_depth;
    uint32_t w = 1u << (3 * depth);
    for (uint32_t x = 0; x < W; x++) {
      for (uint64_t m = in[bi * W + x]; m; m &= m - 1) {
        uint32_t v = 64 * x + (uint32_t)__builtin_ctzll(m);
        def_at(c, v, first);
      }
      for (uint64_t m = out[bi * W + x]; m; m &= m - 1) {
        uint32_t v = 64 * x + (uint32_t)__builtin_ctzll(m);
        def_at(c, v, last);
      }
    }
    for (uint32_t k = 0; k < b->nparams; k++) {
      def_at(c, b->params[k], 2 * h + 1);
      lv->weight[b->params[k]] += w;
    }
    for (uint32_t k = 0; k < b->nops; k++) {
      uint32_t opi = b->ops[k];
      const mir_op *op = &fn->ops[opi];
      uint32_t s = h + 1 + k;
      if (lv->fused[opi]) {
        /* the compare is emitted with the cbr: its operands are used there */
        use_at u = {2 * (s + 1), w};
        each_use(c, op, end_use, &u);
        continue;
      }
      if (op_skipped(c, opi)) continue;
      use_at u = {2 * s, w};
      each_use(c, op, end_use, &u);
      if (op->result != MIR_NONE) {
        def_at(c, (uint32_t)op->result, 2 * s + 1);
        lv->weight[op->result] += w;
      }
      const mir_edge *e = mir_edges(fn, op);
      for (uint32_t j = 0; j < op->nedges; j++) {
        const mir_block *t = &fn->blocks[e[j].block];
        for (uint32_t a = 0; a < e[j].nargs; a++) {
          mir_ref r = fn->operands[e[j].args + a];
          if (r >= 0) set_partner(c, (uint32_t)r, t->params[a]);
        }
      }
    }
  }
  ajx_free(c->ctx, bits);

  /* AAPCS hints: entry parameters, call results */
  const mir_sym *self = &c->m->syms[c->sym];
  const mir_block *entry = &fn->blocks[0];
  if (self->nparams <= 64) {
    uint8_t ty[64];
    abi_loc loc[64];
    for (uint32_t k = 0; k < self->nparams; k++) ty[k] = mc_stype(self->params[k]);
    abi_classify(c->abi, ty, self->nparams, loc);
    for (uint32_t k = 0; k < self->nparams && k < entry->nparams; k++)
      lv->abi_hint[entry->params[k]] = abi_reg(loc[k]);
  }
  for (uint32_t i = 0; i < fn->nops; i++) {
    const mir_op *op = &fn->ops[i];
    if (op->result == MIR_NONE || !mc_op_calls(c, op)) continue;
    bool helper = mc_op_helper(c, op) >= 0;
    uint8_t st = c->stype[op->result];
    abi_loc r = abi_result(helper ? ARMJIT_ABI_SOFT : c->abi, st);
    if (helper && ra_type_is_float(st)) continue; /* arrives as bits in core registers */
    lv->abi_hint[op->result] = abi_reg(r);
  }
  return c->st;
}
