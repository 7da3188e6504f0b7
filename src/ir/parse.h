/* SPDX-License-Identifier: MIT */
/* What the trace text parser (parse.c) shares with its parts. */
#ifndef ARMJIT_IR_PARSE_H
#define ARMJIT_IR_PARSE_H

#include "ir/lex.h"

/* Parses a descriptor declaration's KIND(PROP, ...) at lx's cursor (after
 * "descr NAME =") and adds it to t under `name` (copied).  Errors carry
 * line:column through lx; ARMJIT_E_NOMEM on exhaustion. */
armjit_status ir_parse_descr_body(ir_lex *lx, armjit_ctx *ctx, armjit_trace *t, char *name);

#endif
