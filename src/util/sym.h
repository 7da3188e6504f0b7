/* SPDX-License-Identifier: MIT */
/* Symbols of a context: names for C function and object addresses, so the
 * text form can write sym(NAME) for them (armjit_ctx_add_symbol).  Names
 * are looked up by the parser and addresses by the printer, both hashed. */
#ifndef ARMJIT_UTIL_SYM_H
#define ARMJIT_UTIL_SYM_H

#include "util/ctx.h"

/* Longest symbol name: sym(NAME) must fit the printer's 64-byte operand
 * buffers. */
#define AJX_SYM_MAX 48

/* Address of the symbol name[0..len); false if there is none. */
bool ajx_sym_addr(const armjit_ctx *ctx, const char *name, size_t len, uintptr_t *addr);
/* The first name registered for addr, or NULL. */
const char *ajx_sym_name(const armjit_ctx *ctx, uintptr_t addr);
void ajx_syms_free(armjit_ctx *ctx);

#endif
