/* SPDX-License-Identifier: MIT */
/* Tokens (token.h): the context's list, signatures, the interpreter's
 * target and the descriptor that names a token in a trace. */
#include "ir/token.h"

#include <stdio.h>
#include <string.h>

#include "ir/ir_impl.h"
#include "util/err.h"

static void tokens_release(armjit_ctx *ctx) {
  for (armjit_token *k = ctx->tokens, *next; k; k = next) {
    next = k->next;
    ajx_free(ctx, k->name);
    ajx_free(ctx, k->args);
    ajx_free(ctx, k);
  }
  ctx->tokens = NULL;
}

static bool is_value_type(unsigned ty) { return ir_is_value_type(ty); }

armjit_token *armjit_ctx_token(const armjit_ctx *ctx, const char *name) {
  if (!ctx || !name) return NULL;
  for (armjit_token *k = ctx->tokens; k; k = k->next)
    if (strcmp(k->name, name) == 0) return k;
  return NULL;
}

/* A new token; the signature was checked. */
static armjit_token *token_add(armjit_ctx *ctx, const char *name, const uint8_t *args,
                               uint32_t nargs, uint8_t result) {
  armjit_token *k = ajx_calloc(ctx, 1, sizeof *k);
  if (!k) return NULL;
  k->ctx = ctx;
  k->name = ajx_strdup(ctx, name);
  k->args = ajx_alloc(ctx, nargs ? nargs : 1);
  if (!k->name || !k->args) {
    ajx_free(ctx, k->name);
    ajx_free(ctx, k->args);
    ajx_free(ctx, k);
    return NULL;
  }
  if (nargs) memcpy(k->args, args, nargs);
  k->nargs = nargs;
  k->result = result;
  k->next = ctx->tokens;
  ctx->tokens = k;
  ctx->tokens_release = tokens_release;
  return k;
}

armjit_token *armjit_token_new(armjit_ctx *ctx, const char *name, const armjit_type *args,
                               unsigned nargs, armjit_type result, armjit_error *err) {
  if (!ctx || !name) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_token_new: NULL %s", ctx ? "name" : "context");
    return NULL;
  }
  if (!ir_is_ident(name)) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_token_new: '%s' is not an identifier", name);
    return NULL;
  }
  if (armjit_ctx_token(ctx, name)) {
    ajx_err(err, ARMJIT_E_INVALID, "armjit_token_new: the context has a token '%s' already",
            name);
    return NULL;
  }
  if ((nargs && !args) || nargs > IR_MAX_INPUTS) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_token_new: %s", nargs > IR_MAX_INPUTS
            ? "too many arguments" : "args is NULL");
    return NULL;
  }
  if (!is_value_type(result) && result != ARMJIT_VOID) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_token_new: the result must be int, ref, float, i64, f32 or void");
    return NULL;
  }
  uint8_t *types = ajx_alloc(ctx, nargs ? nargs : 1);
  if (!types) {
    ajx_err(err, ARMJIT_E_NOMEM, "armjit_token_new: out of memory");
    return NULL;
  }
  for (unsigned k = 0; k < nargs; k++) {
    if (!is_value_type(args[k])) {
      ajx_free(ctx, types);
      ajx_err(err, ARMJIT_E_ARG, "armjit_token_new: argument %u must be int, ref, float, i64 or f32",
              k + 1);
      return NULL;
    }
    types[k] = (uint8_t)args[k];
  }
  armjit_token *tok = token_add(ctx, name, types, nargs, (uint8_t)result);
  ajx_free(ctx, types);
  if (!tok) ajx_err(err, ARMJIT_E_NOMEM, "armjit_token_new: out of memory");
  else ajx_err_clear(err);
  return tok;
}

armjit_token *armjit_ctx_token_next(const armjit_ctx *ctx, const armjit_token *prev) {
  if (!ctx) return NULL;
  return prev ? prev->next : ctx->tokens;
}

const char *armjit_token_name(const armjit_token *tok) { return tok ? tok->name : NULL; }
armjit_loop *armjit_token_loop(const armjit_token *tok) { return tok ? tok->loop : NULL; }
armjit_trace *armjit_token_trace(const armjit_token *tok) { return tok ? tok->trace : NULL; }

void armjit_ctx_set_assembler_helper(armjit_ctx *ctx, armjit_assembler_helper fn, void *ud) {
  if (!ctx) return;
  ctx->asm_helper = fn;
  ctx->asm_helper_ud = ud;
}

bool ir_token_check_inputs(const armjit_token *tok, uint32_t ninputs, const uint8_t *types,
                           char *msg, size_t n) {
  if (ninputs != tok->nargs) {
    snprintf(msg, n, "token %s takes %u argument%s, the target has %u input%s", tok->name,
             tok->nargs, tok->nargs == 1 ? "" : "s", ninputs, ninputs == 1 ? "" : "s");
    return false;
  }
  for (uint32_t k = 0; k < ninputs; k++)
    if (types[k] != tok->args[k]) {
      snprintf(msg, n, "token %s: argument %u is %s, the target's input %u is %s", tok->name,
               k + 1, ir_type_name((armjit_type)tok->args[k]), k,
               ir_type_name((armjit_type)types[k]));
      return false;
    }
  return true;
}

bool ir_token_check_finish(const armjit_token *tok, uint32_t exit_id, uint32_t nvalues,
                           const armjit_type *types, char *msg, size_t n) {
  bool vd = tok->result == ARMJIT_VOID;
  if (nvalues == (vd ? 0u : 1u) && (vd || types[0] == (armjit_type)tok->result)) return true;
  if (vd)
    snprintf(msg, n, "token %s returns void, but finish (exit %u) hands back %u value%s",
             tok->name, exit_id, nvalues, nvalues == 1 ? "" : "s");
  else
    snprintf(msg, n, "token %s returns one %s, but finish (exit %u) hands back %s", tok->name,
             ir_type_name((armjit_type)tok->result), exit_id,
             nvalues == 1 ? ir_type_name(types[0]) : nvalues ? "several values" : "none");
  return false;
}

armjit_status armjit_token_set_trace(armjit_token *tok, armjit_trace *t, armjit_error *err) {
  if (!tok) return ajx_err(err, ARMJIT_E_ARG, "armjit_token_set_trace: NULL token");
  if (!t) {
    tok->trace = NULL;
    ajx_err_clear(err);
    return ARMJIT_OK;
  }
  if (t->ctx != tok->ctx)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_token_set_trace: the trace is of another context");
  armjit_status st = armjit_trace_validate(t, err);
  if (st != ARMJIT_OK) return st;
  char msg[200];
  if (!ir_token_check_inputs(tok, t->ninputs, t->vtype, msg, sizeof msg))
    return ajx_err(err, ARMJIT_E_TYPE, "armjit_token_set_trace: %s", msg);
  for (uint32_t i = 0; i < t->nexits; i++) {
    const ir_exit *x = &t->exits[i];
    if (t->ops[x->op].opc != ARMJIT_OP_FINISH) continue;
    if (!ir_token_check_finish(tok, i, x->nvalues, x->types, msg, sizeof msg))
      return ajx_err(err, ARMJIT_E_TYPE, "armjit_token_set_trace: %s", msg);
  }
  tok->trace = t;
  ajx_err_clear(err);
  return ARMJIT_OK;
}

void ir_tokens_forget_trace(armjit_trace *t) {
  for (armjit_token *k = t->ctx->tokens; k; k = k->next)
    if (k->trace == t) k->trace = NULL;
}

armjit_token *ir_token_for_decl(armjit_ctx *ctx, const char *name, const uint8_t *args,
                                uint32_t nargs, uint8_t result, char *msg, size_t n) {
  armjit_token *k = armjit_ctx_token(ctx, name);
  if (!k) {
    k = token_add(ctx, name, args, nargs, result);
    if (!k) snprintf(msg, n, "out of memory");
    return k;
  }
  if (k->nargs == nargs && k->result == result && (!nargs || !memcmp(k->args, args, nargs)))
    return k;
  snprintf(msg, n, "the context's token %s has another signature (%u argument%s, result %s)",
           name, k->nargs, k->nargs == 1 ? "" : "s", ir_type_name((armjit_type)k->result));
  return NULL;
}

int armjit_descr_token(armjit_trace *t, armjit_token *tok) {
  static const char fn[] = "armjit_descr_token";
  if (!t) return -1;
  if (!tok) return ir_builder_fail(t, ARMJIT_E_ARG, "%s: NULL token", fn), -1;
  if (tok->ctx != t->ctx)
    return ir_builder_fail(t, ARMJIT_E_ARG, "%s: the token is of another context", fn), -1;
  int32_t have = ir_descr_by_name(t, tok->name, strlen(tok->name));
  if (have >= 0 && t->descrs[have].kind == IR_DESCR_TOKEN && t->descrs[have].token == tok)
    return have;
  if (ir_name_used(t, tok->name))
    return ir_builder_fail(t, ARMJIT_E_INVALID, "%s: the trace uses the name %s already", fn,
                           tok->name), -1;
  ir_descr d;
  memset(&d, 0, sizeof d);
  d.kind = IR_DESCR_TOKEN;
  d.type = tok->result;
  d.nargs = tok->nargs;
  d.args = tok->args;
  d.token = tok;
  d.name = tok->name;
  int32_t id;
  armjit_status st = ir_descr_add(t, &d, &id);
  if (st != ARMJIT_OK)
    return ir_builder_fail(t, st, "%s: %s", fn,
                           st == ARMJIT_E_NOMEM ? "out of memory" : "too many descriptors"), -1;
  return id;
}
