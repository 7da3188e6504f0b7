/* SPDX-License-Identifier: MIT */
/* disasm.h — capstone disassembly, one callback per instruction word, for
 * listings that interleave their own annotations (IR ops, exit stubs). */
#ifndef ARMJIT_RT_DISASM_H
#define ARMJIT_RT_DISASM_H

#include "armjit.h"

/* Called once per 4-byte word, in order.  text is "mnemonic operands", or
 * ".word 0x..." when capstone cannot decode the word (a trailing 1-3 bytes
 * come as ".byte ..." with word holding them little-endian).  Return
 * nonzero to stop early. */
typedef int (*ajx_disasm_fn)(void *ud, uint32_t address, uint32_t word,
                             const char *text);

/* ARMJIT_E_ARG for a NULL code pointer with size > 0 or a NULL fn;
 * ARMJIT_E_UNSUPPORTED when capstone cannot be opened or the library was
 * built without it (ARMJIT_WITH_CAPSTONE=OFF). */
armjit_status ajx_disasm_each(const void *code, size_t size, uint32_t address,
                              ajx_disasm_fn fn, void *ud);

/* The line a listing prints instead when ajx_disasm_each returned
 * ARMJIT_E_UNSUPPORTED: which of the two causes it was. */
void ajx_disasm_unsupported(FILE *out);

/* The line armjit_disasm prints for one word ("  %08x: %08x  text\n"). */
void ajx_disasm_print_line(FILE *out, uint32_t address, uint32_t word,
                           const char *text);

#endif
