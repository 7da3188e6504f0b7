/* SPDX-License-Identifier: MIT */
/* The runtime side of the opt-in loop controls (armjit.h): the stack
 * check's limit word, the interrupt word and its exits, the counters, and
 * runs that end without an exit of the loop (ARMJIT_EXIT_*). */
#include <string.h>

#include "ir/ir.h"
#include "rt/loop.h"

uint32_t ajx_interrupt_exits(const armjit_trace *t) {
  return (t->ctx->opts.flags & ARMJIT_INTERRUPTIBLE) ? t->nlabels : 0;
}

bool ajx_copy_interrupt_exits(armjit_loop *l, const armjit_trace *t) {
  armjit_ctx *ctx = l->ctx;
  for (uint32_t k = 0; k < l->nexits - t->nexits; k++) {
    const ir_op *lab = &t->ops[t->labels[k].op];
    const ir_ref *a = ir_args(t, lab);
    ajx_loop_exit *e = &l->exits[t->nexits + k];
    e->kind = ARMJIT_EXIT_INTERRUPT;
    e->op = t->labels[k].op;
    e->branch = -1;
    e->nvalues = lab->nargs;
    if (t->labels[k].name && !(e->name = ajx_strdup(ctx, t->labels[k].name))) return false;
    e->types = ajx_alloc(ctx, (lab->nargs ? lab->nargs : 1) * sizeof *e->types);
    if (!e->types) return false;
    for (uint32_t j = 0; j < lab->nargs; j++) e->types[j] = ir_ref_type(t, a[j]);
    l->emeta[t->nexits + k].nvalues = lab->nargs;
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
  else
    ajx_err(err, ARMJIT_E_INVALID, "a call_assembler could not continue: its token has no "
            "loop, or the callee left through a guard and no assembler helper is registered");
  return id;
}

unsigned armjit_loop_nlabels(const armjit_loop *loop) { return loop ? loop->nlabels : 0; }

uint32_t armjit_loop_count(const armjit_loop *loop, int label) {
  if (!loop || !loop->counters || label < -1 || (label >= 0 && (uint32_t)label >= loop->nlabels))
    return 0;
  return loop->counters[label + 1];
}
