/* SPDX-License-Identifier: MIT */
/* Executable memory: mmap'd pages flipped between RW and RX (never both),
 * accounted per context against opts.code_limit. */
#include "rt/execmem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (size_t)p : 4096;
}

armjit_status ajx_exec_alloc(armjit_ctx *ctx, size_t size, ajx_execmem *out,
                             armjit_error *err) {
  out->base = NULL;
  out->size = 0;
  size_t pg = page_size();
  if (size == 0) size = 1;
  if (size > SIZE_MAX - pg)
    return ajx_err(err, ARMJIT_E_LIMIT, "executable memory: %zu bytes is too large", size);
  size_t rounded = (size + pg - 1) / pg * pg;
  size_t limit = ctx->opts.code_limit;
  if (ctx->code_used > limit || rounded > limit - ctx->code_used)
    return ajx_err(err, ARMJIT_E_LIMIT,
                   "code limit exceeded: %zu bytes in use, %zu more requested, limit %zu",
                   ctx->code_used, rounded, limit);
  void *p = mmap(NULL, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return ajx_err(err, ARMJIT_E_EXECMEM, "mmap of %zu bytes failed: %s", rounded,
                   strerror(errno));
  ctx->code_used += rounded;
  out->base = p;
  out->size = rounded;
  return ARMJIT_OK;
}

armjit_status ajx_exec_make_rx(ajx_execmem *m, armjit_error *err) {
  if (mprotect(m->base, m->size, PROT_READ | PROT_EXEC) != 0)
    return ajx_err(err, ARMJIT_E_EXECMEM, "mprotect(RX) failed: %s", strerror(errno));
  /* The data cache holds the new words; the instruction cache may still
   * hold the old ones (ARM caches are not coherent for this). */
  char *b = m->base;
  __builtin___clear_cache(b, b + m->size);
  return ARMJIT_OK;
}

armjit_status ajx_exec_make_rw(ajx_execmem *m, armjit_error *err) {
  if (mprotect(m->base, m->size, PROT_READ | PROT_WRITE) != 0)
    return ajx_err(err, ARMJIT_E_EXECMEM, "mprotect(RW) failed: %s", strerror(errno));
  return ARMJIT_OK;
}

void ajx_exec_free(armjit_ctx *ctx, ajx_execmem *m) {
  if (!m->base) return;
  munmap(m->base, m->size);
  ctx->code_used -= m->size < ctx->code_used ? m->size : ctx->code_used;
  m->base = NULL;
  m->size = 0;
}
