/* SPDX-License-Identifier: MIT */
/* call_assembler at run time: binding tokens to loops, redirect, and the
 * trampoline compiled code calls (loop.h). */
#include <string.h>

#include "ir/token.h"
#include "rt/loop.h"
#include "util/err.h"

/* Does loop l fit tok's signature?  msg says why not. */
static bool loop_fits(const armjit_token *tok, const armjit_loop *l, char *msg, size_t n) {
  if (!ir_token_check_inputs(tok, l->ninputs, l->in_types, msg, n)) return false;
  for (uint32_t i = 0; i < l->ntrace_exits; i++) {
    const ajx_loop_exit *e = &l->exits[i];
    if (e->kind == ARMJIT_EXIT_FINISH &&
        !ir_token_check_finish(tok, i, e->nvalues, e->types, msg, n))
      return false;
  }
  return true;
}

armjit_status armjit_token_set_loop(armjit_token *tok, armjit_loop *loop, armjit_error *err) {
  if (!tok) return ajx_err(err, ARMJIT_E_ARG, "armjit_token_set_loop: NULL token");
  if (loop && loop->ctx != tok->ctx)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_token_set_loop: the loop is of another context");
  char msg[200];
  if (loop && !loop_fits(tok, loop, msg, sizeof msg))
    return ajx_err(err, ARMJIT_E_TYPE, "armjit_token_set_loop: %s", msg);
  tok->loop = loop;
  ajx_err_clear(err);
  return ARMJIT_OK;
}

void ajx_tokens_forget_loop(armjit_loop *l) {
  for (armjit_token *k = l->ctx->tokens; k; k = k->next)
    if (k->loop == l) k->loop = NULL;
}

armjit_status armjit_loop_redirect(armjit_loop *old, armjit_loop *new_loop, armjit_error *err) {
  static const char fn[] = "armjit_loop_redirect";
  if (!old || !new_loop) return ajx_err(err, ARMJIT_E_ARG, "%s: NULL loop", fn);
  if (old->ctx != new_loop->ctx)
    return ajx_err(err, ARMJIT_E_ARG, "%s: the loops are of different contexts", fn);
  if (old == new_loop) {
    ajx_err_clear(err);
    return ARMJIT_OK;
  }
  if (old->ninputs != new_loop->ninputs ||
      (old->ninputs && memcmp(old->in_types, new_loop->in_types, old->ninputs)))
    return ajx_err(err, ARMJIT_E_TYPE, "%s: %s takes other inputs than %s (%u and %u values"
                   "%s)", fn, armjit_loop_name(new_loop), armjit_loop_name(old),
                   (unsigned)new_loop->ninputs, (unsigned)old->ninputs,
                   old->ninputs == new_loop->ninputs ? ", other types" : "");
  if (old->parent || new_loop->parent)
    return ajx_err(err, ARMJIT_E_ARG, "%s: redirect loops, not bridges", fn);
  char msg[200];
  for (armjit_token *k = old->ctx->tokens; k; k = k->next)
    if (k->loop == old && !loop_fits(k, new_loop, msg, sizeof msg))
      return ajx_err(err, ARMJIT_E_TYPE, "%s: %s", fn, msg);
  armjit_status st = ajx_redirect_jumps(old, new_loop, err);
  if (st != ARMJIT_OK) return st;
  for (armjit_token *k = old->ctx->tokens; k; k = k->next)
    if (k->loop == old) k->loop = new_loop;
  ajx_err_clear(err);
  return ARMJIT_OK;
}

/* Runs from compiled code only (ARM); it compiles everywhere. */
int32_t ajx_call_assembler(armjit_token *tok, armjit_frame *f) {
  armjit_loop *l = tok->loop;
  if (!l) return ARMJIT_EXIT_CALL_FAILED;
  armjit_ctx *ctx = l->ctx;
  /* A redirect may have bound a loop that needs a larger frame than the
   * caller built: run it on one from the heap (a slow path). */
  armjit_frame *run = f;
  if (f->capacity < l->capacity) {
    run = armjit_frame_new(ctx, l->capacity);
    if (!run) return ARMJIT_EXIT_CALL_FAILED;
    memcpy(run->values, f->values, (size_t)l->ninputs * sizeof *f->values);
  }
  int32_t id = ajx_enter(l, run);
  armjit_value v = {.bits = 0};
  if (id >= 0) {
    /* the trace that took the exit: l, a bridge of it, or another loop */
    const ajx_loop_meta *m = (const ajx_loop_meta *)(uintptr_t)run->reserved[1];
    const armjit_loop *x =
        (const armjit_loop *)(const void *)((const char *)m - offsetof(armjit_loop, meta));
    uint32_t k = (uint32_t)id - m->id_base;
    if (k < x->nexits && x->exits[k].kind == ARMJIT_EXIT_FINISH) {
      if (run->nvalues) v = run->values[0];
      id = 0;
    } else if (ctx->asm_helper) {
      v = ctx->asm_helper(ctx->asm_helper_ud, tok, run);
      id = 0;
    } else {
      id = ARMJIT_EXIT_CALL_FAILED;
    }
  }
  f->values[0] = v;
  if (run != f) armjit_frame_free(ctx, run);
  return id;
}
