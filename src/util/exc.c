/* SPDX-License-Identifier: MIT */
/* Exceptions and forcing: the runtime state that calls out of a trace
 * (compiled or interpreted) use to talk back to it.  docs/ir.md §11.
 *
 * Where compiled code finds it (fixed for the lifetime of the object):
 *   exception slot  one uintptr_t per context at &ctx->exc (util/ctx.h);
 *                   0 = no exception pending, else the raised value.
 *                   guard_no_exception fails when it is non-zero;
 *                   guard_exception(cls) fails when it is zero or the
 *                   value's class word (at class_offset) is not cls, else
 *                   its result is the value and it stores 0 back.
 *   force flag      one uintptr_t per running trace activation; force_token
 *                   gives its address (the interpreter: a word of its own
 *                   state; compiled code: a word of the trace's stack frame,
 *                   zeroed on entry).  armjit_force(token) stores 1 there;
 *                   guard_not_forced (and guard_not_forced_2) reads it,
 *                   stores 0 and fails when the value read was non-zero.
 * Neither is synchronised: a context's exception slot is shared by every
 * thread running traces of that context. */
#include "util/ctx.h"

armjit_status armjit_raise(armjit_ctx *ctx, uintptr_t value) {
  if (!ctx || value == 0) return ARMJIT_E_ARG;
  ctx->exc = value; /* a later raise replaces an unhandled earlier one */
  return ARMJIT_OK;
}

uintptr_t armjit_exception(const armjit_ctx *ctx) { return ctx ? ctx->exc : 0; }

void armjit_clear_exception(armjit_ctx *ctx) {
  if (ctx) ctx->exc = 0;
}

void armjit_force(uintptr_t token) {
  if (token) *(uintptr_t *)token = 1;
}
