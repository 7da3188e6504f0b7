/* SPDX-License-Identifier: MIT */
/* Tokens: what call_assembler calls (armjit.h, docs/ir.md §13).  A token
 * belongs to its context (a list, freed with it) and carries a signature
 * and two targets: the compiled loop (read by the call trampoline in
 * rt/callasm.c) and the trace the interpreter runs.  The compiled side
 * (binding loops, redirect, the trampoline) is in src/rt; this part knows
 * only traces. */
#ifndef ARMJIT_IR_TOKEN_H
#define ARMJIT_IR_TOKEN_H

#include "ir/ir.h"

struct armjit_token {
  armjit_ctx *ctx;
  struct armjit_token *next;  /* the context's list */
  char *name;
  uint32_t nargs;
  uint8_t *args;              /* armjit_type per argument */
  uint8_t result;             /* armjit_type, ARMJIT_VOID for none */
  armjit_trace *trace;        /* the interpreter's target, or NULL */
  armjit_loop *loop;          /* the compiled target, or NULL */
};

/* Does a target fit tok's signature?  Its inputs (types per input), and
 * each of its finishes (exit id, values): one value of the result type,
 * none for void.  On a mismatch they write why into msg and return false. */
bool ir_token_check_inputs(const armjit_token *tok, uint32_t ninputs, const uint8_t *types,
                           char *msg, size_t n);
bool ir_token_check_finish(const armjit_token *tok, uint32_t exit_id, uint32_t nvalues,
                           const armjit_type *types, char *msg, size_t n);

/* The token named name for a declaration "descr NAME = token(...)": the
 * context's, whose signature must be the declared one, else a new one.
 * NULL with msg filled on a mismatch or out of memory. */
armjit_token *ir_token_for_decl(armjit_ctx *ctx, const char *name, const uint8_t *args,
                                uint32_t nargs, uint8_t result, char *msg, size_t n);

/* A freed trace is no token's target any more. */
void ir_tokens_forget_trace(armjit_trace *t);

#endif
