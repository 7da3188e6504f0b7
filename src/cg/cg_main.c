/* SPDX-License-Identifier: MIT */
/* The compile driver of the code generator: longevity pre-pass, then one
 * forward pass in which allocation and instruction selection go op by op
 * (allocation decisions live in src/ra, instruction choice here), then
 * exit stubs and the frame size patch. */
#include "cg/cg_internal.h"
#include "cg/cg_call.h"
#include "cg/cg_gc.h"
#include "cg/cg_mem.h"
#include "util/err.h"

#include <stdarg.h>
#include <string.h>

/* debug_merge_point: text for listings and pc lookup only, no code. */
static void lower_nothing(cg *c, const ir_op *op) {
  (void)c;
  (void)op;
}

static const cg_fn lower[ARMJIT_OP__COUNT] = {
    [ARMJIT_OP_DEBUG_MERGE_POINT] = lower_nothing,
    [ARMJIT_OP_INT_ADD] = cg_lower_int_binop,
    [ARMJIT_OP_INT_SUB] = cg_lower_int_binop,
    [ARMJIT_OP_INT_AND] = cg_lower_int_binop,
    [ARMJIT_OP_INT_OR] = cg_lower_int_binop,
    [ARMJIT_OP_INT_XOR] = cg_lower_int_binop,
    [ARMJIT_OP_INT_MUL] = cg_lower_int_mul,
    [ARMJIT_OP_INT_FLOORDIV] = cg_lower_int_div,
    [ARMJIT_OP_INT_MOD] = cg_lower_int_div,
    [ARMJIT_OP_INT_LSHIFT] = cg_lower_shift,
    [ARMJIT_OP_INT_RSHIFT] = cg_lower_shift,
    [ARMJIT_OP_UINT_RSHIFT] = cg_lower_shift,
    [ARMJIT_OP_INT_NEG] = cg_lower_int_unary,
    [ARMJIT_OP_INT_INVERT] = cg_lower_int_unary,
    [ARMJIT_OP_INT_FORCE_GE_ZERO] = cg_lower_int_unary,
    [ARMJIT_OP_INT_LT] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_LE] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_EQ] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_NE] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_GT] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_GE] = cg_lower_int_cmp,
    [ARMJIT_OP_UINT_LT] = cg_lower_int_cmp,
    [ARMJIT_OP_UINT_LE] = cg_lower_int_cmp,
    [ARMJIT_OP_UINT_GT] = cg_lower_int_cmp,
    [ARMJIT_OP_UINT_GE] = cg_lower_int_cmp,
    [ARMJIT_OP_PTR_EQ] = cg_lower_int_cmp,
    [ARMJIT_OP_PTR_NE] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_IS_TRUE] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_IS_ZERO] = cg_lower_int_cmp,
    [ARMJIT_OP_INT_ADD_OVF] = cg_lower_ovf,
    [ARMJIT_OP_INT_SUB_OVF] = cg_lower_ovf,
    [ARMJIT_OP_INT_MUL_OVF] = cg_lower_ovf,
    [ARMJIT_OP_FLOAT_ADD] = cg_lower_float_binop,
    [ARMJIT_OP_FLOAT_SUB] = cg_lower_float_binop,
    [ARMJIT_OP_FLOAT_MUL] = cg_lower_float_binop,
    [ARMJIT_OP_FLOAT_TRUEDIV] = cg_lower_float_binop,
    [ARMJIT_OP_FLOAT_NEG] = cg_lower_float_unary,
    [ARMJIT_OP_FLOAT_ABS] = cg_lower_float_unary,
    [ARMJIT_OP_FLOAT_SQRT] = cg_lower_float_unary,
    [ARMJIT_OP_FLOAT_LT] = cg_lower_float_cmp,
    [ARMJIT_OP_FLOAT_LE] = cg_lower_float_cmp,
    [ARMJIT_OP_FLOAT_EQ] = cg_lower_float_cmp,
    [ARMJIT_OP_FLOAT_NE] = cg_lower_float_cmp,
    [ARMJIT_OP_FLOAT_GT] = cg_lower_float_cmp,
    [ARMJIT_OP_FLOAT_GE] = cg_lower_float_cmp,
    [ARMJIT_OP_CAST_FLOAT_TO_INT] = cg_lower_cast,
    [ARMJIT_OP_CAST_INT_TO_FLOAT] = cg_lower_cast,
    [ARMJIT_OP_SAME_AS] = cg_lower_same_as,
    [ARMJIT_OP_GUARD_TRUE] = cg_lower_guard,
    [ARMJIT_OP_GUARD_FALSE] = cg_lower_guard,
    [ARMJIT_OP_GUARD_VALUE] = cg_lower_guard,
    [ARMJIT_OP_GUARD_NONNULL] = cg_lower_guard,
    [ARMJIT_OP_GUARD_ISNULL] = cg_lower_guard,
    [ARMJIT_OP_GUARD_NO_OVERFLOW] = cg_lower_guard,
    [ARMJIT_OP_GUARD_OVERFLOW] = cg_lower_guard,
    [ARMJIT_OP_LABEL] = cg_lower_label,
    [ARMJIT_OP_JUMP] = cg_lower_jump,
    [ARMJIT_OP_FINISH] = cg_lower_finish,
    [ARMJIT_OP_GETFIELD_GC] = cg_lower_mem,
    [ARMJIT_OP_GETFIELD_RAW] = cg_lower_mem,
    [ARMJIT_OP_SETFIELD_GC] = cg_lower_mem,
    [ARMJIT_OP_SETFIELD_RAW] = cg_lower_mem,
    [ARMJIT_OP_GETARRAYITEM_GC] = cg_lower_mem,
    [ARMJIT_OP_GETARRAYITEM_RAW] = cg_lower_mem,
    [ARMJIT_OP_SETARRAYITEM_GC] = cg_lower_mem,
    [ARMJIT_OP_SETARRAYITEM_RAW] = cg_lower_mem,
    [ARMJIT_OP_GETINTERIORFIELD_GC] = cg_lower_mem,
    [ARMJIT_OP_SETINTERIORFIELD_GC] = cg_lower_mem,
    [ARMJIT_OP_ARRAYLEN_GC] = cg_lower_mem,
    [ARMJIT_OP_RAW_LOAD] = cg_lower_mem,
    [ARMJIT_OP_RAW_STORE] = cg_lower_mem,
    [ARMJIT_OP_STRLEN] = cg_lower_mem,
    [ARMJIT_OP_STRGETITEM] = cg_lower_mem,
    [ARMJIT_OP_STRSETITEM] = cg_lower_mem,
    [ARMJIT_OP_UNICODELEN] = cg_lower_mem,
    [ARMJIT_OP_UNICODEGETITEM] = cg_lower_mem,
    [ARMJIT_OP_UNICODESETITEM] = cg_lower_mem,
    [ARMJIT_OP_COPYSTRCONTENT] = cg_lower_copy_content,
    [ARMJIT_OP_COPYUNICODECONTENT] = cg_lower_copy_content,
    [ARMJIT_OP_GUARD_CLASS] = cg_lower_guard_class,
    [ARMJIT_OP_GUARD_NONNULL_CLASS] = cg_lower_guard_class,
    [ARMJIT_OP_CALL] = cg_lower_call,
    [ARMJIT_OP_CALL_MAY_FORCE] = cg_lower_call,
    [ARMJIT_OP_CALL_ASSEMBLER] = cg_lower_call_assembler,
    [ARMJIT_OP_FORCE_TOKEN] = cg_lower_force_token,
    [ARMJIT_OP_GUARD_NOT_FORCED] = cg_lower_guard_rt,
    [ARMJIT_OP_GUARD_NO_EXCEPTION] = cg_lower_guard_rt,
    [ARMJIT_OP_GUARD_EXCEPTION] = cg_lower_guard_rt,
    [ARMJIT_OP_GUARD_NOT_INVALIDATED] = cg_lower_guard_not_invalidated,
    [ARMJIT_OP_LLONG_ADD] = cg_lower_llong_binop,
    [ARMJIT_OP_LLONG_SUB] = cg_lower_llong_binop,
    [ARMJIT_OP_LLONG_AND] = cg_lower_llong_binop,
    [ARMJIT_OP_LLONG_OR] = cg_lower_llong_binop,
    [ARMJIT_OP_LLONG_XOR] = cg_lower_llong_binop,
    [ARMJIT_OP_LLONG_MUL] = cg_lower_llong_mul,
    [ARMJIT_OP_LLONG_FLOORDIV] = cg_lower_llong_call,
    [ARMJIT_OP_LLONG_MOD] = cg_lower_llong_call,
    [ARMJIT_OP_LLONG_LSHIFT] = cg_lower_llong_shift,
    [ARMJIT_OP_LLONG_RSHIFT] = cg_lower_llong_shift,
    [ARMJIT_OP_ULLONG_RSHIFT] = cg_lower_llong_shift,
    [ARMJIT_OP_LLONG_NEG] = cg_lower_llong_unary,
    [ARMJIT_OP_LLONG_INVERT] = cg_lower_llong_unary,
    [ARMJIT_OP_LLONG_LT] = cg_lower_llong_cmp,
    [ARMJIT_OP_LLONG_LE] = cg_lower_llong_cmp,
    [ARMJIT_OP_LLONG_EQ] = cg_lower_llong_cmp,
    [ARMJIT_OP_LLONG_NE] = cg_lower_llong_cmp,
    [ARMJIT_OP_LLONG_GT] = cg_lower_llong_cmp,
    [ARMJIT_OP_LLONG_GE] = cg_lower_llong_cmp,
    [ARMJIT_OP_ULLONG_LT] = cg_lower_llong_cmp,
    [ARMJIT_OP_ULLONG_LE] = cg_lower_llong_cmp,
    [ARMJIT_OP_ULLONG_GT] = cg_lower_llong_cmp,
    [ARMJIT_OP_ULLONG_GE] = cg_lower_llong_cmp,
    [ARMJIT_OP_LLONG_FROM_INT] = cg_lower_llong_conv,
    [ARMJIT_OP_LLONG_FROM_UINT] = cg_lower_llong_conv,
    [ARMJIT_OP_LLONG_TO_INT] = cg_lower_llong_conv,
    [ARMJIT_OP_LLONG_TO_FLOAT] = cg_lower_llong_call,
    [ARMJIT_OP_LLONG_FROM_FLOAT] = cg_lower_llong_call,
    [ARMJIT_OP_CONVERT_FLOAT_BYTES_TO_LONGLONG] = cg_lower_llong_conv,
    [ARMJIT_OP_CONVERT_LONGLONG_BYTES_TO_FLOAT] = cg_lower_llong_conv,
    [ARMJIT_OP_CAST_FLOAT_TO_SINGLEFLOAT] = cg_lower_llong_conv,
    [ARMJIT_OP_CAST_SINGLEFLOAT_TO_FLOAT] = cg_lower_llong_conv,
    [ARMJIT_OP_INT_SIGNEXT] = cg_lower_signext,
    [ARMJIT_OP_UINT_MUL_HIGH] = cg_lower_mul_high,
    [ARMJIT_OP_CAST_INT_TO_PTR] = cg_lower_same_as,  /* the same 32 bits */
    [ARMJIT_OP_CAST_PTR_TO_INT] = cg_lower_same_as,
    [ARMJIT_OP_INSTANCE_PTR_EQ] = cg_lower_int_cmp,
    [ARMJIT_OP_INSTANCE_PTR_NE] = cg_lower_int_cmp,
    [ARMJIT_OP_ZERO_ARRAY] = cg_lower_zero_array,
    [ARMJIT_OP_COND_CALL] = cg_lower_cond_call,
    [ARMJIT_OP_COND_CALL_VALUE] = cg_lower_cond_call_value,
    [ARMJIT_OP_GUARD_NOT_FORCED_2] = cg_lower_guard_rt,
    [ARMJIT_OP_NEW] = cg_lower_gc_alloc,
    [ARMJIT_OP_NEW_WITH_VTABLE] = cg_lower_gc_alloc,
    [ARMJIT_OP_NEW_ARRAY] = cg_lower_gc_alloc,
    [ARMJIT_OP_NEWSTR] = cg_lower_gc_alloc,
    [ARMJIT_OP_NEWUNICODE] = cg_lower_gc_alloc,
    [ARMJIT_OP_COND_CALL_GC_WB] = cg_lower_gc_wb,
    [ARMJIT_OP_COND_CALL_GC_WB_ARRAY] = cg_lower_gc_wb,
    [ARMJIT_OP_KEEPALIVE] = lower_nothing, /* its use keeps the value in the maps */
};

void cg_fail(cg *c, armjit_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (ajx_record(c->msg, sizeof c->msg, c->st != ARMJIT_OK, NULL, fmt, ap)) c->st = st;
  va_end(ap);
}

void cg_result_free(armjit_ctx *ctx, cg_result *r) {
  if (r->buf) a32_buf_free(r->buf);
  ajx_free(ctx, r->op_off);
  ajx_free(ctx, r->cold);
  ajx_free(ctx, r->exits);
  ajx_free(ctx, r->rec);
  ajx_free(ctx, r->consts);
  ajx_free(ctx, r->pools);
  if (r->label_locs)
    for (uint32_t i = 0; i < r->nlabels; i++) ajx_free(ctx, r->label_locs[i]);
  ajx_free(ctx, r->label_locs);
  ajx_free(ctx, r->label_off);
  ajx_free(ctx, r->gc_sites);
  ajx_free(ctx, r->gc_maps);
  memset(r, 0, sizeof *r);
}

static void cg_cleanup(cg *c) {
  if (c->label_locs)
    for (uint32_t i = 0; i < c->t->nlabels; i++) ajx_free(c->ctx, c->label_locs[i]);
  ajx_free(c->ctx, c->label_locs);
  ajx_free(c->ctx, c->label_at);
  ajx_free(c->ctx, c->stub_refs);
  ajx_free(c->ctx, c->folded);
  ajx_free(c->ctx, c->known_refs);
  ajx_free(c->ctx, c->known_consts);
  ajx_free(c->ctx, c->pooled);
  ajx_free(c->ctx, c->pool_hash);
  ajx_free(c->ctx, c->hash);
  ajx_free(c->ctx, c->tmp);
  ajx_free(c->ctx, c->rc_of);
  ajx_free(c->ctx, c->rc_hash);
  ajx_free(c->ctx, c->moves);
  ajx_free(c->ctx, c->pm);
  ajx_free(c->ctx, c->cold);
  ajx_free(c->ctx, c->cold_args);
  ajx_free(c->ctx, (void *)c->ra.calls);
  cg_gc_close(c);
  ra_fini(&c->ra);
  ra_live_free(c->ctx, &c->lv);
}

/* Ops that call C (cg_op_calls_c): values live across them prefer
 * callee-saved registers.  One pass, the list grown as calls are found. */
static armjit_status find_calls(cg *c) {
  uint32_t *calls = NULL, n = 0, cap = 0;
  for (uint32_t i = 0; i < c->t->nops; i++) {
    if (c->lv.dead[i] || !cg_op_calls_c(c, c->t->ops[i].opc)) continue;
    if (!ajx_grow(c->ctx, (void **)&calls, &cap, n + 1, sizeof *calls)) {
      ajx_free(c->ctx, calls);
      return ARMJIT_E_NOMEM;
    }
    calls[n++] = i;
  }
  c->ra.calls = calls;
  c->ra.ncalls = n;
  return ARMJIT_OK;
}

static armjit_status setup(cg *c, cg_result *o, armjit_error *err) {
  const armjit_trace *t = c->t;
  armjit_ctx *ctx = c->ctx;
  o->nops = t->nops;
  o->nexits = cg_nexits(c);
  o->op_off = ajx_alloc(ctx, (t->nops ? t->nops : 1) * sizeof *o->op_off);
  o->exits = ajx_calloc(ctx, o->nexits ? o->nexits : 1, sizeof *o->exits);
  c->label_at = ajx_alloc(ctx, (t->nlabels ? t->nlabels : 1) * sizeof *c->label_at);
  c->label_locs = ajx_calloc(ctx, t->nlabels ? t->nlabels : 1, sizeof *c->label_locs);
  o->label_off = ajx_calloc(ctx, t->nlabels ? t->nlabels : 1, sizeof *o->label_off);
  /* Room for one branch per exit, the usual most. */
  c->stub_refs_cap = o->nexits ? o->nexits : 1;
  c->stub_refs = ajx_alloc(ctx, c->stub_refs_cap * sizeof *c->stub_refs);
  /* Room for the usual code size up front (about 8-10 bytes per op, more
   * with many exits), so that growing seldom copies the buffer. */
  o->buf = armjit_buf_new(ctx, 4096 + (size_t)t->nops * 12, ctx->opts.code_limit);
  if (!o->op_off || !o->exits || !c->label_at || !c->label_locs || !o->label_off ||
      !c->stub_refs || !o->buf || find_calls(c) != ARMJIT_OK)
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory setting up code generation");
  a32_buf_set_features(o->buf, ctx->features);
  c->b = o->buf;
  if (t->nops) memset(o->op_off, 0xff, t->nops * sizeof *o->op_off);  /* -1: no code */
  for (uint32_t i = 0; i < t->nlabels; i++) c->label_at[i] = a32_label_new(c->b);
  for (uint32_t i = 0; i < o->nexits; i++) o->exits[i].branch = -1;
  c->abort_at = a32_label_new(c->b);
  c->stack_at = a32_label_new(c->b);
  c->oom_at = a32_label_new(c->b);
  return ARMJIT_OK;
}

static armjit_status status_of(cg *c, armjit_error *err) {
  if (c->st != ARMJIT_OK) return ajx_err(err, c->st, "%s", c->msg);
  if (ra_status(&c->ra) != ARMJIT_OK) return ajx_err(err, ra_status(&c->ra), "%s", ra_why(&c->ra));
  a32_status as = a32_buf_status(c->b);
  if (as == A32_ERR_FULL)
    return ajx_err(err, ARMJIT_E_LIMIT, "code exceeds the code limit: %s", a32_buf_errmsg(c->b));
  if (as == A32_ERR_NOMEM)
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the assembler");
  if (as != A32_OK) return ajx_err(err, ARMJIT_E_ASM, "assembler: %s", a32_buf_errmsg(c->b));
  return ARMJIT_OK;
}

armjit_status cg_open(cg *c, armjit_ctx *ctx, const armjit_trace *t, const cg_env *env,
                      cg_result *out, armjit_error *err) {
  memset(out, 0, sizeof *out);
  memset(c, 0, sizeof *c);
  c->ctx = ctx;
  c->t = t;
  c->env = env;
  c->out = out;
  c->fused = IR_NONE;
  c->rot.label = -1;
  c->hoist.label = -1;
  c->ovf_cc = A32_VS;
  if (cg_known_values(c) != ARMJIT_OK)
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory finding known values");
  t = c->t;
  armjit_status st = ra_live_build(ctx, t, &c->lv, err);
  if (st != ARMJIT_OK) return st;
  st = ra_init(&c->ra, ctx, t, &c->lv, cg_gc_fixed_bytes(env), cg_move_cb, c, err);
  if (st == ARMJIT_OK) st = setup(c, out, err);
  if (st == ARMJIT_OK && cg_gc_open(c) != ARMJIT_OK)
    st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory planning the allocations");
  if (st == ARMJIT_OK && cg_fold_shifts(c) != ARMJIT_OK)
    st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory folding shifts");
  return st;
}

void cg_close(cg *c) { cg_cleanup(c); }

armjit_status cg_compile(armjit_ctx *ctx, const armjit_trace *t, const cg_env *env,
                         cg_result *out, armjit_error *err) {
  cg c;
  armjit_status st = cg_open(&c, ctx, t, env, out, err);
  if (st != ARMJIT_OK) goto done;

  if (env->bridge) {
    cg_bridge_entry(&c);  /* the pool too */
  } else {
    cg_prologue(&c);
    cg_emit_pool(&c);
  }
  /* Nothing is emitted between two ops: one op's end is the next one's
   * start. */
  size_t start = a32_buf_size(c.b);
  for (uint32_t i = 0; i < t->nops; i++) {
    if (c.lv.dead[i] || c.folded[i]) continue;  /* unused pure op, folded shift */
    const ir_op *op = &t->ops[i];
    cg_fn fn = lower[op->opc];
    if (!fn) {
      cg_fail(&c, ARMJIT_E_UNSUPPORTED, "op %s is not supported by the code generator",
              ir_info(op->opc)->name);
      break;
    }
    cg_op_begin(&c, i);
    fn(&c, op);
    cg_op_end(&c);
    size_t end = a32_buf_size(c.b);
    if (end > start) out->op_off[i] = (int32_t)start;
    start = end;
    if (c.st != ARMJIT_OK || ra_status(&c.ra) != ARMJIT_OK || a32_buf_status(c.b) != A32_OK) break;
  }
  if (c.st == ARMJIT_OK && ra_status(&c.ra) == ARMJIT_OK) {
    cg_emit_cold(&c);
    cg_emit_stubs(&c);
    cg_emit_abort(&c);
    if (env->bridge) cg_bridge_patch_frame(&c);
    else cg_patch_frame(&c);
  }
  st = status_of(&c, err);
  if (st == ARMJIT_OK) { /* the label table goes with the result */
    out->label_locs = c.label_locs;
    out->nlabels = t->nlabels;
    c.label_locs = NULL;
  }
done:
  cg_close(&c);
  if (st != ARMJIT_OK) cg_result_free(ctx, out);
  return st;
}
