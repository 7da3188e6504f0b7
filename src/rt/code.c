/* SPDX-License-Identifier: MIT */
/* Code objects: an assembler buffer linked for its final address and
 * copied into a range of the context's code arena (public armjit_code_*
 * API; the arena, its views and patching are in execmem.c). */
#include "rt/execmem.h"
#include "util/sym.h"

#include <string.h>

struct armjit_code {
  armjit_ctx *ctx;
  ajx_execmem mem;
  size_t size;      /* bytes of code (mem.size is rounded to the arena's granule) */
};

static void *hook_alloc(void *ud, size_t n) { return ajx_alloc(ud, n); }
static void *hook_realloc(void *ud, void *p, size_t n) { return ajx_realloc(ud, p, n); }
static void hook_free(void *ud, void *p) { ajx_free(ud, p); }

a32_buf *armjit_buf_new(armjit_ctx *ctx, size_t initial_bytes, size_t max_bytes) {
  if (!ctx) return NULL;
  const a32_allocator al = {hook_alloc, hook_realloc, hook_free, ctx};
  a32_buf *b = a32_buf_new_with(&al, initial_bytes, max_bytes);
  if (b) a32_buf_set_features(b, ctx->features);
  return b;
}

/* The default resolver: the context's symbol table.  Addresses are 32-bit:
 * on a 64-bit host (where the code never runs) they are truncated. */
static bool ctx_resolve(void *ud, a32_sym sym, const char *name, uint32_t *addr) {
  (void)sym;
  uintptr_t a;
  if (!ajx_sym_addr(ud, name, strlen(name), &a)) return false;
  *addr = (uint32_t)a;
  return true;
}

armjit_code *armjit_code_new(armjit_ctx *ctx, a32_buf *buf, armjit_error *err) {
  return armjit_code_new_with(ctx, buf, NULL, NULL, err);
}

armjit_code *armjit_code_new_with(armjit_ctx *ctx, a32_buf *buf, a32_resolve_fn resolve,
                                  void *ud, armjit_error *err) {
  if (!ctx || !buf) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_code_new: NULL %s", ctx ? "buffer" : "context");
    return NULL;
  }
  if (a32_buf_status(buf) != A32_OK) {
    ajx_err(err, ARMJIT_E_ASM, "assembler buffer has an error: %s", a32_buf_errmsg(buf));
    return NULL;
  }
  size_t size = a32_buf_size(buf);
  if (size == 0) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_code_new: the buffer is empty");
    return NULL;
  }
  armjit_code *code = ajx_alloc(ctx, sizeof *code);
  if (!code) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory allocating a code object");
    return NULL;
  }
  code->ctx = ctx;
  code->size = size;
  if (ajx_exec_alloc(ctx, size, &code->mem, err) != ARMJIT_OK) goto fail;
  /* Absolute addresses (MOVW/MOVT) are 32-bit: on a 64-bit host the code
   * can never run, so the truncated address is only for display. */
  if (!resolve) {
    resolve = ctx_resolve;
    ud = ctx;
  }
  if (a32_buf_link_syms(buf, (uint32_t)(uintptr_t)code->mem.rx, resolve, ud) != A32_OK) {
    ajx_err(err, ARMJIT_E_ASM, "linking the code failed: %s", a32_buf_errmsg(buf));
    goto fail;
  }
  if (ajx_exec_copy(&code->mem, 0, a32_buf_data(buf), size, err) != ARMJIT_OK) goto fail;
  ajx_err_clear(err);
  return code;
fail:
  ajx_exec_free(ctx, &code->mem);
  ajx_free(ctx, code);
  return NULL;
}

void *armjit_code_entry(const armjit_code *code) { return code ? code->mem.rx : NULL; }
size_t armjit_code_size(const armjit_code *code) { return code ? code->size : 0; }

armjit_status armjit_code_patch(armjit_code *code, size_t offset, const uint32_t *words,
                                size_t nwords, armjit_error *err) {
  if (!code || (!words && nwords))
    return ajx_err(err, ARMJIT_E_ARG, "armjit_code_patch: NULL %s", code ? "words" : "code");
  if (offset % 4)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_code_patch: offset %zu is not word aligned",
                   offset);
  if (offset > code->size || nwords > (code->size - offset) / 4)
    return ajx_err(err, ARMJIT_E_ARG,
                   "armjit_code_patch: %zu words at offset %zu overrun the code (%zu bytes)",
                   nwords, offset, code->size);
  if (nwords == 0) return ARMJIT_OK;
  return ajx_exec_patch(&code->mem, offset, words, nwords, err);
}

void armjit_code_free(armjit_code *code) {
  if (!code) return;
  armjit_ctx *ctx = code->ctx;
  ajx_exec_free(ctx, &code->mem);
  ajx_free(ctx, code);
}
