/* SPDX-License-Identifier: MIT */
/* Context internals shared by every layer: allocation through the user's
 * hooks, error reporting, options.  The lowest layer: includes nothing of
 * ours but the public headers. */
#ifndef ARMJIT_UTIL_CTX_H
#define ARMJIT_UTIL_CTX_H

#include "armjit.h"

#include <stdarg.h>

struct armjit_ctx {
  armjit_options opts;   /* as given, defaults filled in */
  unsigned features;     /* A32_FEAT_* in use */
  armjit_abi abi;        /* ARMJIT_ABI_HARD or ARMJIT_ABI_SOFT */
  size_t code_used;      /* bytes of code arena ranges in use */
  uint32_t rng;          /* ARMJIT_RANDOM_RA state (per context) */
  /* The pending exception, 0 = none (util/exc.c).  Compiled code reads and
   * clears it at this fixed address: &ctx->exc. */
  uintptr_t exc;
  struct ajx_symtab *syms; /* armjit_ctx_add_symbol (util/sym.c) */
  /* The code arena (rt/execmem.c), made on first use.  rt sets
   * arena_release with it, so that freeing the context needs no rt header. */
  struct ajx_arena *arena;
  void (*arena_release)(armjit_ctx *ctx);
  /* Live code objects for armjit_lookup_pc and the count that numbers
   * their symbols (rt/debuginfo.c); NULL while none is live. */
  struct ajx_dbg_list *dbg;
  uint32_t code_serial;
  /* call_assembler: the context's tokens (ir/token.c; ir sets
   * tokens_release with the first one) and the assembler helper. */
  struct armjit_token *tokens;
  void (*tokens_release)(armjit_ctx *ctx);
  armjit_assembler_helper asm_helper;
  void *asm_helper_ud;
  /* Words compiled code reads at these fixed addresses: the lowest sp a
   * loop may start with (ARMJIT_STACK_CHECK, 0 none) and the interrupt
   * word (ARMJIT_INTERRUPTIBLE). */
  uintptr_t stack_limit;
  uint32_t interrupt;
  /* The GC descriptor (a copy of *opts.gc; opts.gc points here) and the
   * innermost record of the chain of active frames that may hold GC
   * references (docs/design.md §13): compiled code links and unlinks its
   * frames at this fixed address, the interpreter its runs. */
  armjit_gc_descr gc;
  uintptr_t gc_top;
};

void *ajx_alloc(armjit_ctx *ctx, size_t n);          /* NULL on exhaustion */
void *ajx_calloc(armjit_ctx *ctx, size_t count, size_t size);
void *ajx_realloc(armjit_ctx *ctx, void *p, size_t n);
void ajx_free(armjit_ctx *ctx, void *p);
char *ajx_strdup(armjit_ctx *ctx, const char *s);

/* Grow *arr (element size `esz`) so that it holds at least `need` elements;
 * *cap is updated.  Returns false on exhaustion (arr unchanged).  Inline:
 * most calls find room (every append of the builder, parser and
 * assembler), only growing calls the allocator (ajx_grow_slow). */
bool ajx_grow_slow(armjit_ctx *ctx, void **arr, uint32_t *cap, uint32_t need, size_t esz);
static inline bool ajx_grow(armjit_ctx *ctx, void **arr, uint32_t *cap, uint32_t need,
                            size_t esz) {
  return need <= *cap || ajx_grow_slow(ctx, arr, cap, need, esz);
}

/* The error recorder of util/err.h on an armjit_error (util/err.c): fill
 * err (when not NULL; when `sticky`, only if it holds no error yet) with
 * code, position (0 = none) and "PREFIX: message" (prefix may be NULL);
 * return code. */
armjit_status ajx_errv(armjit_error *err, bool sticky, armjit_status code, int line,
                       int col, const char *prefix, const char *fmt, va_list ap);
/* Fill err (if not NULL) and return code.  printf-style message. */
armjit_status ajx_err(armjit_error *err, armjit_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
armjit_status ajx_err_at(armjit_error *err, armjit_status code, int line, int col,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static inline void ajx_err_clear(armjit_error *err) {
  if (err) { err->code = ARMJIT_OK; err->line = err->col = 0; err->msg[0] = 0; }
}

/* Per-context xorshift random number (ARMJIT_RANDOM_RA). */
uint32_t ajx_rand(armjit_ctx *ctx);

#endif
