/* SPDX-License-Identifier: MIT */
/* execmem.h — executable memory with W^X: a mapping is either writable
 * (while code is copied or patched) or executable (while it runs), never
 * both.  Internal to the library; used by code objects and compiled loops.
 * Every mapping counts against the context's code_limit. */
#ifndef ARMJIT_RT_EXECMEM_H
#define ARMJIT_RT_EXECMEM_H

#include "util/ctx.h"

typedef struct {
  void *base;   /* page-aligned start, NULL when not mapped */
  size_t size;  /* mapped bytes (whole pages) */
} ajx_execmem;

/* Map size bytes (rounded up to pages) read+write, not executable.  Counts
 * against ctx->opts.code_limit via ctx->code_used (ARMJIT_E_LIMIT with a
 * message when exceeded); ARMJIT_E_EXECMEM when mmap fails. */
armjit_status ajx_exec_alloc(armjit_ctx *ctx, size_t size, ajx_execmem *out,
                             armjit_error *err);
/* mprotect RX, then flush the instruction cache over the whole mapping. */
armjit_status ajx_exec_make_rx(ajx_execmem *m, armjit_error *err);
/* mprotect RW for patching (not executable meanwhile). */
armjit_status ajx_exec_make_rw(ajx_execmem *m, armjit_error *err);
/* Unmap and return the bytes to the context's quota.  m may be unmapped. */
void ajx_exec_free(armjit_ctx *ctx, ajx_execmem *m);

#endif
