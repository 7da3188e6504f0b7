/* SPDX-License-Identifier: MIT */
/* The runtime side of the opt-in loop controls (armjit.h): the stack
 * check's limit word, the interrupt word and its exits, the counters, and
 * runs that end without an exit of the loop (ARMJIT_EXIT_*). */
#include <stddef.h>
#include <string.h>

#include "ir/ir.h"
#include "rt/loop.h"

/* Interrupt exits: one per label, then one per label of another trace
 * (a bridge's jumps back into a loop are back edges too). */
static uint32_t ninterrupts(const armjit_trace *t) {
  return (t->ctx->opts.flags & ARMJIT_INTERRUPTIBLE) ? t->nlabels + t->nxlabels : 0;
}

/* The jump to label x of another trace, or NULL. */
static const ir_op *xjump(const armjit_trace *t, uint32_t x, uint32_t *at) {
  for (uint32_t i = 0; i < t->nops; i++)
    if (t->ops[i].opc == ARMJIT_OP_JUMP && t->ops[i].id == IR_XLABEL(x)) {
      *at = i;
      return &t->ops[i];
    }
  return NULL;
}

uint32_t ajx_interrupt_exits(const armjit_trace *t) { return ninterrupts(t) + t->nxlabels; }

/* The jump exit of label x of another trace: the jump's values. */
static bool copy_jump_exit(armjit_loop *l, const armjit_trace *t, uint32_t x) {
  armjit_ctx *ctx = l->ctx;
  uint32_t id = t->nexits + ninterrupts(t) + x;
  ajx_loop_exit *e = &l->exits[id];
  const ir_op *jmp = xjump(t, x, &e->op);
  uint32_t n = jmp ? jmp->nargs : 0;
  e->kind = ARMJIT_EXIT_JUMP;
  e->branch = -1;
  e->nvalues = n;
  if (!(e->name = ajx_strdup(ctx, t->xlabels[x]))) return false;
  e->types = ajx_alloc(ctx, (n ? n : 1) * sizeof *e->types);
  if (!e->types) return false;
  for (uint32_t j = 0; j < n; j++) e->types[j] = ir_ref_type(t, ir_args(t, jmp)[j]);
  l->emeta[id].nvalues = n;
  l->emeta[id].types = e->types;
  return true;
}

bool ajx_copy_interrupt_exits(armjit_loop *l, const armjit_trace *t) {
  armjit_ctx *ctx = l->ctx;
  for (uint32_t x = 0; x < t->nxlabels; x++)
    if (!copy_jump_exit(l, t, x)) return false;
  for (uint32_t k = 0; k < ninterrupts(t); k++) {
    /* a label's values: its arguments, or a jump's to another trace's label */
    ajx_loop_exit *e = &l->exits[t->nexits + k];
    const ir_op *op;
    const char *name;
    uint32_t at = 0;
    if (k < t->nlabels) {
      at = t->labels[k].op;
      op = &t->ops[at];
      name = t->labels[k].name;
    } else {
      op = xjump(t, k - t->nlabels, &at);
      name = t->xlabels[k - t->nlabels];
    }
    uint32_t n = op ? op->nargs : 0;
    e->kind = ARMJIT_EXIT_INTERRUPT;
    e->op = at;
    e->branch = -1;
    e->nvalues = n;
    if (name && !(e->name = ajx_strdup(ctx, name))) return false;
    e->types = ajx_alloc(ctx, (n ? n : 1) * sizeof *e->types);
    if (!e->types) return false;
    for (uint32_t j = 0; j < n; j++) e->types[j] = ir_ref_type(t, ir_args(t, op)[j]);
    l->emeta[t->nexits + k].nvalues = n;
    l->emeta[t->nexits + k].types = e->types;
  }
  return true;
}

void ajx_loop_env(const armjit_loop *l, cg_env *env) {
  armjit_ctx *ctx = l->ctx;
  unsigned fl = ctx->opts.flags;
  env->callasm_fn = (uint32_t)(uintptr_t)ajx_call_assembler;
  env->stack_limit = (fl & ARMJIT_STACK_CHECK) ? (uint32_t)(uintptr_t)&ctx->stack_limit : 0;
  env->interrupt = (fl & ARMJIT_INTERRUPTIBLE) ? (uint32_t)(uintptr_t)&ctx->interrupt : 0;
  env->counters = l->counters ? (uint32_t)(uintptr_t)l->counters : 0;
}

int ajx_run_ended(armjit_frame *f, int32_t id, armjit_error *err) {
  f->exit_id = id;
  f->nvalues = 0;
  if (id == ARMJIT_EXIT_STACK_OVERFLOW)
    ajx_err(err, ARMJIT_E_LIMIT, "stack limit reached: a loop was entered with sp at or "
            "below the context's stack limit");
  else if (id == ARMJIT_EXIT_OUT_OF_MEMORY)
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory: the GC's malloc slow path returned NULL");
  else
    ajx_err(err, ARMJIT_E_INVALID, "a call_assembler could not continue: its token has no "
            "loop, or the callee left through a guard and no assembler helper is registered");
  return id;
}

unsigned armjit_loop_nlabels(const armjit_loop *loop) { return loop ? loop->nlabels : 0; }

/* ---- redirected jumps ------------------------------------------------------------- */
void ajx_note_jumps(armjit_loop *b, const armjit_trace *t, const armjit_loop *const *owners) {
  for (uint32_t x = 0; x < t->nxlabels; x++) {
    ajx_loop_exit *e = &b->exits[t->nexits + ninterrupts(t) + x];
    e->jump_to = owners[x];
    for (uint32_t i = 0; i < owners[x]->nlabels; i++)
      if (owners[x]->labels[i].name && strcmp(owners[x]->labels[i].name, t->xlabels[x]) == 0)
        e->jump_label = i;
  }
}

/* Does jump exit e of bridge b go to old's first label (directly, or
 * through an earlier redirect to old)? */
static bool jumps_into(const armjit_loop *b, const ajx_loop_exit *e, const armjit_loop *old) {
  if (e->kind != ARMJIT_EXIT_JUMP || b->root == old) return false;
  if (e->reenter) return e->reenter == old;
  return e->jump_to == old && e->jump_label == 0 && old->resumable;
}

/* Patch the NOP of jump exit k of b into a branch to its stub. */
static armjit_status patch_jump(armjit_loop *b, uint32_t k, armjit_error *err) {
  const ajx_loop_exit *e = &b->exits[k];
  uint32_t base = (uint32_t)(uintptr_t)armjit_code_entry(b->code), w;
  if (a32_encode_b(&w, A32_AL, false, base + (uint32_t)e->branch, base + e->stub) != A32_OK)
    return ajx_err(err, ARMJIT_E_LIMIT, "a jump's exit stub is out of branch reach");
  return armjit_code_patch(b->code, (size_t)e->branch, &w, 1, err);
}

/* b now jumps into new (a target, for freeing and frame capacity), and
 * into old only if some jump of it still goes there. */
static bool retarget_family(armjit_loop *b, armjit_loop *old, armjit_loop *new_loop) {
  bool still = false, has_new = false;
  for (uint32_t k = 0; k < b->nexits; k++) {
    const ajx_loop_exit *e = &b->exits[k];
    if (e->kind == ARMJIT_EXIT_JUMP && !e->reenter && e->jump_to->root == old) still = true;
  }
  for (uint32_t j = 0; j < b->ntargets; j++) has_new |= b->targets[j] == new_loop;
  for (uint32_t j = 0; j < b->ntargets; j++)
    if (b->targets[j] == old && !still) {
      old->jumpers--;
      if (has_new) {
        b->targets[j] = b->targets[--b->ntargets];
      } else {
        b->targets[j] = new_loop;
        new_loop->jumpers++;
      }
      return true;
    }
  if (has_new) return true;
  armjit_loop **t = ajx_realloc(b->ctx, b->targets, (b->ntargets + 1) * sizeof *t);
  if (!t) return false;
  b->targets = t;
  b->targets[b->ntargets++] = new_loop;
  new_loop->jumpers++;
  return true;
}

armjit_status ajx_redirect_jumps(armjit_loop *old, armjit_loop *new_loop, armjit_error *err) {
  static const char fn[] = "armjit_loop_redirect";
  ajx_dbg_kind kind;
  const void *obj;
  bool any = false;
  for (uint32_t i = 0; (obj = ajx_dbg_nth(old->ctx, i, &kind)); i++) {
    if (kind != AJX_DBG_LOOP) continue;
    const armjit_loop *b = obj;
    for (uint32_t k = 0; k < b->nexits && !any; k++) any = jumps_into(b, &b->exits[k], old);
  }
  if (!any) return ARMJIT_OK;
  if (!new_loop->resumable)
    return ajx_err(err, ARMJIT_E_INVALID,
                   "%s: bridges jump to the first label of %s, but %s cannot be entered "
                   "there (its first label must be its first op, taking its inputs in order)",
                   fn, armjit_loop_name(old), armjit_loop_name(new_loop));
  for (uint32_t i = 0; (obj = ajx_dbg_nth(old->ctx, i, &kind)); i++) {
    if (kind != AJX_DBG_LOOP) continue;
    armjit_loop *b = (armjit_loop *)obj;
    bool changed = false;
    for (uint32_t k = 0; k < b->nexits; k++) {
      ajx_loop_exit *e = &b->exits[k];
      if (!jumps_into(b, e, old)) continue;
      bool first = !e->reenter;
      e->reenter = new_loop;
      changed = true;
      armjit_status st = first ? patch_jump(b, k, err) : ARMJIT_OK;
      if (st != ARMJIT_OK) return st;
    }
    if (changed && !retarget_family(b, old, new_loop))
      return ajx_err(err, ARMJIT_E_NOMEM, "%s: out of memory", fn);
  }
  return ARMJIT_OK;
}

/* The loop a run that ended with id goes on in, or NULL. */
static armjit_loop *redirected(const armjit_frame *f, int32_t id) {
  if (id < 0 || !f->reserved[1]) return NULL;
  const ajx_loop_meta *m = (const ajx_loop_meta *)(uintptr_t)f->reserved[1];
  const armjit_loop *x =
      (const armjit_loop *)(const void *)((const char *)m - offsetof(armjit_loop, meta));
  uint32_t k = (uint32_t)id - m->id_base;
  if (k >= x->nexits || x->exits[k].kind != ARMJIT_EXIT_JUMP) return NULL;
  return x->exits[k].reenter;
}

int32_t ajx_enter(armjit_loop *l, armjit_frame *f) {
  int32_t (*entry)(armjit_frame *);
  void *p = armjit_code_entry(l->code);
  memcpy(&entry, &p, sizeof entry);
  f->exit_id = -1;
  f->reserved[1] = 0;
  return ajx_continue(f, entry(f));
}

int32_t ajx_continue(armjit_frame *f, int32_t id) {
  armjit_loop *l;
  while ((l = redirected(f, id))) { /* f->values hold the jump's values: l's inputs */
    if (f->capacity < ajx_family_capacity(l)) return ARMJIT_EXIT_CALL_FAILED;
    int32_t (*entry)(armjit_frame *);
    void *p = armjit_code_entry(l->code);
    memcpy(&entry, &p, sizeof entry);
    f->exit_id = -1;
    f->reserved[1] = 0;
    id = entry(f);
  }
  return id;
}

uint32_t armjit_loop_count(const armjit_loop *loop, int label) {
  if (!loop || !loop->counters || label < -1 || (label >= 0 && (uint32_t)label >= loop->nlabels))
    return 0;
  return loop->counters[label + 1];
}
