/* SPDX-License-Identifier: MIT */
/* Compiling a trace into a loop and running it (public armjit_loop_* and
 * armjit_run). */
#include "rt/loop.h"

#include <stdlib.h>
#include <string.h>

#include "cg/cg.h"
#include "ir/ir.h"

void ajx_loop_destroy(armjit_loop *loop) {
  if (!loop) return;
  armjit_ctx *ctx = loop->ctx;
  ajx_tokens_forget_loop(loop);
  ajx_loop_debug_fini(loop);  /* before the code goes */
  armjit_code_free(loop->code);
  if (loop->exits)
    for (uint32_t i = 0; i < loop->nexits; i++) {
      ajx_free(ctx, loop->exits[i].name);
      if (i >= loop->ntrace_exits) ajx_free(ctx, loop->exits[i].types);
    }
  ajx_free(ctx, loop->trace_types);
  if (loop->labels)
    for (uint32_t i = 0; i < loop->nlabels; i++) {
      ajx_free(ctx, loop->labels[i].name);
      ajx_free(ctx, loop->labels[i].locs);
    }
  ajx_free(ctx, loop->labels);
  ajx_free(ctx, loop->targets);
  ajx_free(ctx, loop->members);
  ajx_free(ctx, loop->exits);
  ajx_free(ctx, loop->in_types);
  ajx_free(ctx, loop->counters);
  ajx_free(ctx, loop->emeta);
  ajx_free(ctx, loop->op_off);
  ajx_free(ctx, loop->cold);
  ajx_free(ctx, loop->gc_sites);
  ajx_free(ctx, loop->gc_maps);
  ajx_free(ctx, loop->rec);
  ajx_free(ctx, loop->consts);
  ajx_free(ctx, loop->pools);
  ir_trace_unlend(&loop->listing);
  ajx_free(ctx, loop);
}

/* Exit table and the helper's view of it (recovery offsets come later):
 * the trace's exits, then an interrupt exit per label when the context is
 * ARMJIT_INTERRUPTIBLE (ajx_interrupt_exits). */
static bool copy_exits(armjit_loop *l, const armjit_trace *t) {
  armjit_ctx *ctx = l->ctx;
  l->ntrace_exits = t->nexits;
  l->nexits = t->nexits + ajx_interrupt_exits(t);
  l->njumps = t->nxlabels;
  l->exits = ajx_calloc(ctx, l->nexits ? l->nexits : 1, sizeof *l->exits);
  l->emeta = ajx_calloc(ctx, l->nexits ? l->nexits : 1, sizeof *l->emeta);
  if (!l->exits || !l->emeta) return false;
  if (!ajx_copy_interrupt_exits(l, t)) return false;
  size_t ntypes = 0;
  for (uint32_t i = 0; i < t->nexits; i++) ntypes += t->exits[i].nvalues;
  if (!(l->trace_types = ajx_alloc(ctx, (ntypes ? ntypes : 1) * sizeof *l->trace_types)))
    return false;
  ntypes = 0;
  for (uint32_t i = 0; i < t->nexits; i++) {
    const ir_exit *x = &t->exits[i];
    ajx_loop_exit *e = &l->exits[i];
    e->kind = t->ops[x->op].opc == ARMJIT_OP_FINISH ? ARMJIT_EXIT_FINISH : ARMJIT_EXIT_GUARD;
    e->op = x->op;
    e->nvalues = x->nvalues;
    if (x->name && !(e->name = ajx_strdup(ctx, x->name))) return false;
    e->types = l->trace_types + ntypes;
    ntypes += x->nvalues;
    if (x->nvalues) memcpy(e->types, x->types, x->nvalues * sizeof *e->types);
    l->emeta[i].nvalues = x->nvalues;
    l->emeta[i].types = e->types;
  }
  l->meta.nexits = l->nexits;
  l->meta.exits = l->emeta;
  return true;
}

armjit_loop *ajx_loop_alloc(armjit_ctx *ctx, const armjit_trace *t, armjit_error *err) {
  armjit_loop *l = ajx_calloc(ctx, 1, sizeof *l);
  if (!l) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory allocating a loop");
    return NULL;
  }
  l->ctx = ctx;
  l->root = l;
  l->ninputs = t->ninputs;
  l->capacity = ir_frame_capacity(t);
  l->resumable = armjit_trace_resumable(t, 0);
  l->in_types = ajx_alloc(ctx, t->ninputs ? t->ninputs : 1);
  if (l->in_types && t->ninputs) memcpy(l->in_types, t->vtype, t->ninputs);
  if ((ctx->opts.flags & ARMJIT_COUNTERS) &&
      !(l->counters = ajx_calloc(ctx, 1 + (size_t)t->nlabels, sizeof *l->counters))) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory for the counters");
    ajx_loop_destroy(l);
    return NULL;
  }
  if (!l->in_types || !copy_exits(l, t)) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory copying the exit table");
    ajx_loop_destroy(l);
    return NULL;
  }
  return l;
}

/* The labels' names, code offsets and argument locations (taken from r). */
static bool keep_labels(armjit_loop *l, const armjit_trace *t, cg_result *r) {
  l->labels = ajx_calloc(l->ctx, t->nlabels ? t->nlabels : 1, sizeof *l->labels);
  if (!l->labels) return false;
  l->nlabels = t->nlabels;
  for (uint32_t i = 0; i < t->nlabels; i++) {
    ajx_loop_label *lb = &l->labels[i];
    lb->off = r->label_off[i];
    lb->nargs = t->ops[t->labels[i].op].nargs;
    lb->locs = r->label_locs[i];
    r->label_locs[i] = NULL;
    if (t->labels[i].name && !(lb->name = ajx_strdup(l->ctx, t->labels[i].name))) return false;
  }
  return true;
}

armjit_status ajx_loop_build(armjit_loop *l, const armjit_trace *t, armjit_trace *text,
                             const cg_bridge *bridge, armjit_error *err) {
  armjit_ctx *ctx = l->ctx;
  cg_env env;
  env.exit_helper = (uint32_t)(uintptr_t)ajx_exit_helper;
  env.exit_meta = (uint32_t)(uintptr_t)&l->meta;
  env.div_helper = (uint32_t)(uintptr_t)ajx_helper_floordiv;
  env.mod_helper = (uint32_t)(uintptr_t)ajx_helper_mod;
  env.llong_helper[CG_LH_DIV] = (uint32_t)(uintptr_t)ajx_helper_ldiv;
  env.llong_helper[CG_LH_MOD] = (uint32_t)(uintptr_t)ajx_helper_lmod;
  env.llong_helper[CG_LH_TO_FLOAT] = (uint32_t)(uintptr_t)ajx_helper_l2f;
  env.llong_helper[CG_LH_FROM_FLOAT] = (uint32_t)(uintptr_t)ajx_helper_f2l;
  env.memmove_fn = (uint32_t)(uintptr_t)&memmove;
  env.memset_fn = (uint32_t)(uintptr_t)&memset;
  env.exc_slot = (uint32_t)(uintptr_t)&ctx->exc;
  env.gc_top = ctx->opts.gc ? (uint32_t)(uintptr_t)&ctx->gc_top : 0;
  env.bridge = bridge;
  ajx_loop_env(l, &env);  /* call_assembler, stack check, interrupts, counters */
  cg_result r;
  armjit_status st = cg_compile(ctx, t, &env, &r, err);
  if (st != ARMJIT_OK) return st;
  if (bridge) l->code = armjit_code_new_with(ctx, r.buf, cg_bridge_resolve, (void *)bridge, err);
  else l->code = armjit_code_new(ctx, r.buf, err);
  if (!l->code) {
    cg_result_free(ctx, &r);
    return err ? err->code : ARMJIT_E_EXECMEM;
  }
  /* Take the arrays the loop keeps. */
  l->nops = r.nops;
  l->op_off = r.op_off;
  l->rec = r.rec;
  l->consts = r.consts;
  l->cold = r.cold;
  l->ncold = r.ncold;
  l->gc_sites = r.gc_sites;
  l->ngc_sites = r.ngc_sites;
  l->gc_maps = r.gc_maps;
  l->gc_map_bytes = r.gc_map_bytes;
  r.gc_sites = NULL;
  r.gc_maps = NULL;
  r.op_off = NULL;
  r.cold = NULL;
  r.rec = NULL;
  r.consts = NULL;
  l->rec_bytes = r.rec_bytes;
  l->fail_args = (size_t)r.fail_args;
  l->rec_maps = r.rec_maps;
  l->rec_shared = r.rec_shared;
  l->rec_unshared = (size_t)r.rec_unshared;
  l->cold_off = r.cold_off;
  l->body_end = r.body_end;
  l->common = r.common;
  l->pools = r.pools;
  l->npools = r.npools;
  l->head_pool = r.head_pool;
  r.pools = NULL;
  l->frame_bytes = r.frame_bytes;
  l->entry = r.entry;
  l->depth = r.frame_bytes;
  if (bridge && bridge->depth > l->depth) l->depth = bridge->depth;
  for (uint32_t i = 0; i < l->nexits; i++) {
    l->exits[i].branch = r.exits[i].branch;
    l->exits[i].stub = r.exits[i].stub;
    l->exits[i].nop = r.exits[i].nop;
    l->emeta[i].rec = r.exits[i].rec;
    l->emeta[i].rec_len = r.exits[i].rec_len;
  }
  l->meta.rec = l->rec;
  l->meta.consts = l->consts;
  l->meta.nconsts = r.nconsts;
  l->meta.stubs = (uintptr_t)armjit_code_entry(l->code) + r.body_end;
  ajx_dbg_frame frame = {true, r.saved_core, r.vfp_first, r.vfp_count,
                         r.push_end, r.vpush_end, r.fp_set};
  bool labels_ok = keep_labels(l, t, &r);
  cg_result_free(ctx, &r);
  if (!labels_ok) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory keeping the labels");
  /* The annotated listing prints the trace when it is asked for: lent,
   * copied only if it changes while the loop lives (out of memory, the
   * listing names ops by number). */
  if (!(ctx->opts.flags & ARMJIT_NO_LISTING)) ir_trace_lend(text, &l->listing);
  /* The code is final and executable: make it visible to debuggers. */
  return ajx_loop_debug_init(l, text, &frame, err);
}

armjit_loop *armjit_compile_loop(armjit_ctx *ctx, armjit_trace *t, armjit_error *err) {
  if (!ctx || !t) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_compile_loop: NULL %s", ctx ? "trace" : "context");
    return NULL;
  }
  /* Validated once per change: every builder call clears the flag. */
  if (!t->validated && armjit_trace_validate(t, err) != ARMJIT_OK) return NULL;
  /* A jump is final (the validator let none be anywhere but last). */
  uint32_t last = t->nops - 1;  /* (a valid trace has ops) */
  if (t->ops[last].opc == ARMJIT_OP_JUMP && ir_jump_is_external(&t->ops[last])) {
    ajx_err_at(err, ARMJIT_E_INVALID, (int)ir_op_line(t, last), (int)ir_op_col(t, last),
               "jump to label %s, which is not in this trace: only a bridge "
               "(armjit_compile_bridge) may jump to another trace",
               t->xlabels[IR_XLABEL_INDEX(t->ops[last].id)]);
    return NULL;
  }
  armjit_loop *l = ajx_loop_alloc(ctx, t, err);
  if (!l) return NULL;
  if (ajx_loop_build(l, t, t, NULL, err) != ARMJIT_OK) {
    ajx_loop_destroy(l);
    return NULL;
  }
  ajx_err_clear(err);
  return l;
}

uint32_t armjit_loop_frame_capacity(const armjit_loop *loop) {
  return loop ? ajx_family_capacity(loop->root) : 0;
}
unsigned armjit_loop_nexits(const armjit_loop *loop) { return loop ? loop->ntrace_exits : 0; }

armjit_status armjit_loop_exit_info(const armjit_loop *loop, int exit_id,
                                    armjit_exit_info *info) {
  if (!loop || !info || exit_id < 0) return ARMJIT_E_ARG;
  /* Ids past the loop's own exits are its bridges' (in its family). */
  const armjit_loop *m = ajx_family_member(loop->root, (uint32_t)exit_id);
  if (!m) return ARMJIT_E_ARG;
  uint32_t k = (uint32_t)exit_id - m->meta.id_base;
  const ajx_loop_exit *e = &m->exits[k];
  info->kind = e->kind;
  info->name = e->name;
  info->nvalues = e->nvalues;
  info->types = e->types;
  info->trace = m;
  info->trace_exit = k;
  return ARMJIT_OK;
}

int armjit_run(armjit_loop *loop, armjit_frame *f, armjit_error *err) {
  if (!loop || !f) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_run: NULL %s", loop ? "frame" : "loop");
    return -1;
  }
  if (loop->parent) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_run: a bridge runs only from its guard: run its loop");
    return -1;
  }
  uint32_t need = ajx_family_capacity(loop);
  if (f->capacity < need) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_run: the frame has %u value slots, the loop needs %u",
            (unsigned)f->capacity, (unsigned)need);
    return -1;
  }
#if defined(__arm__)
  int32_t (*entry)(armjit_frame *);
  void *p = armjit_code_entry(loop->code);
  memcpy(&entry, &p, sizeof entry);
  f->exit_id = -1;
  f->reserved[1] = 0;
  int32_t id = ajx_continue(f, entry(f));  /* (called here: debuggers see armjit_run) */
  if (id < 0) return ajx_run_ended(f, id, err);
  ajx_err_clear(err);
  return id;
#else
  ajx_err(err, ARMJIT_E_UNSUPPORTED, "compiled code can only run on ARM");
  return -1;
#endif
}

const void *armjit_loop_code(const armjit_loop *loop, size_t *size) {
  if (size) *size = loop ? armjit_code_size(loop->code) : 0;
  return loop ? armjit_code_entry(loop->code) : NULL;
}

long armjit_loop_op_offset(const armjit_loop *loop, unsigned op_index) {
  if (!loop || op_index >= loop->nops) return -1;
  return loop->op_off[op_index];
}

void armjit_loop_pool_stats(const armjit_loop *loop, armjit_pool_stats *out) {
  if (!out) return;
  memset(out, 0, sizeof *out);
  if (!loop) return;
  out->pools = loop->npools;
  out->islands = loop->npools - (loop->head_pool ? 1u : 0u);
  for (uint32_t i = 0; i < loop->npools; i++) out->bytes += loop->pools[i].bytes;
}

void armjit_loop_recovery_stats(const armjit_loop *loop, armjit_recovery_stats *out) {
  if (!out) return;
  memset(out, 0, sizeof *out);
  if (!loop) return;
  out->bytes = loop->rec_bytes;
  out->fail_args = loop->fail_args;
  out->maps = loop->rec_maps;
  out->shared = loop->rec_shared;
  out->unshared_bytes = loop->rec_unshared;
}
