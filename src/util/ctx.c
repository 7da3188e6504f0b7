/* SPDX-License-Identifier: MIT */
/* Context: options, allocation hooks, errors. */
#include "util/ctx.h"
#include "util/sym.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *def_alloc(void *ud, size_t n) { (void)ud; return malloc(n); }
static void *def_realloc(void *ud, void *p, size_t n) { (void)ud; return realloc(p, n); }
static void def_free(void *ud, void *p) { (void)ud; free(p); }

const char *armjit_status_name(armjit_status s) {
  static const char *const names[] = {
      "ok", "out of memory", "syntax error", "type error", "invalid trace",
      "bad argument", "limit exceeded", "assembler error", "unsupported",
      "executable memory error"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown status";
}

armjit_ctx *armjit_ctx_new(const armjit_options *opts, armjit_error *err) {
  armjit_options o;
  if (opts) o = *opts; else memset(&o, 0, sizeof o);
  int hooks = (o.alloc != NULL) + (o.realloc != NULL) + (o.free != NULL);
  if (hooks != 0 && hooks != 3) {
    ajx_err(err, ARMJIT_E_ARG, "allocator hooks: give alloc, realloc and free, or none");
    return NULL;
  }
  if (o.abi != ARMJIT_ABI_DEFAULT && o.abi != ARMJIT_ABI_HARD && o.abi != ARMJIT_ABI_SOFT) {
    ajx_err(err, ARMJIT_E_ARG, "unknown ABI %d", (int)o.abi);
    return NULL;
  }
  if (o.gc) {
    const armjit_gc_descr *g = o.gc;
    const char *why = g->tid_size != 2 && g->tid_size != 4 ? "tid_size must be 2 or 4"
                      : !g->wb_flag ? "wb_flag must not be 0"
                      : !g->nursery_free || !g->nursery_top ? "the nursery's free and top addresses are needed"
                      : !g->malloc_slowpath || !g->wb_slowpath ? "malloc_slowpath and wb_slowpath are needed"
                      : NULL;
    if (why) {
      ajx_err(err, ARMJIT_E_ARG, "GC descriptor: %s", why);
      return NULL;
    }
  }
  if (!hooks) { o.alloc = def_alloc; o.realloc = def_realloc; o.free = def_free; }
  armjit_ctx *ctx = o.alloc(o.ud, sizeof *ctx);
  if (!ctx) { ajx_err(err, ARMJIT_E_NOMEM, "out of memory allocating the context"); return NULL; }
  memset(ctx, 0, sizeof *ctx);
  ctx->opts = o;
  if (o.gc) {
    ctx->gc = *o.gc;
    ctx->opts.gc = &ctx->gc;
  }
  if (ctx->opts.code_arena > ARMJIT_CODE_ARENA_MAX) {
    ajx_err(err, ARMJIT_E_ARG, "code_arena: %zu bytes is more than the %zu a branch reaches",
            ctx->opts.code_arena, (size_t)ARMJIT_CODE_ARENA_MAX);
    o.free(o.ud, ctx);
    return NULL;
  }
  if (ctx->opts.code_arena == 0) ctx->opts.code_arena = (size_t)16 << 20;
  size_t pg = sysconf(_SC_PAGESIZE) > 0 ? (size_t)sysconf(_SC_PAGESIZE) : 4096;
  ctx->opts.code_arena = (ctx->opts.code_arena + pg - 1) / pg * pg; /* whole pages */
  if (ctx->opts.code_limit == 0) ctx->opts.code_limit = ctx->opts.code_arena;
  if (o.abi == ARMJIT_ABI_DEFAULT) {
#if defined(__ARM_PCS_VFP)
    ctx->abi = ARMJIT_ABI_HARD;
#elif defined(__arm__)
    ctx->abi = ARMJIT_ABI_SOFT;
#else
    ctx->abi = ARMJIT_ABI_HARD; /* cross code generation defaults to armhf */
#endif
  } else {
    ctx->abi = o.abi;
  }
  if (o.flags & ARMJIT_FEATURES_SET) {
    ctx->features = o.features & A32_FEAT_ALL;
  } else {
    ctx->features = armjit_detect_features();
    if (!ctx->features) ctx->features = A32_FEAT_VFPV3; /* baseline off-target */
  }
  ctx->features |= A32_FEAT_VFPV3;
  if (o.flags & ARMJIT_NO_IDIV) ctx->features &= ~(unsigned)A32_FEAT_IDIV;
  ctx->rng = o.seed ? o.seed : 0x9e3779b9u;
  const char *perf = getenv("ARMJIT_PERF_MAP");
  if (perf && strcmp(perf, "1") == 0) ctx->opts.flags |= ARMJIT_PERF_MAP;
  const char *mprot = getenv("ARMJIT_CODE_MPROTECT");
  if (mprot && strcmp(mprot, "1") == 0) ctx->opts.flags |= ARMJIT_CODE_MPROTECT;
  ajx_err_clear(err);
  return ctx;
}

void armjit_ctx_free(armjit_ctx *ctx) {
  if (!ctx) return;
  ajx_syms_free(ctx);
  if (ctx->tokens_release) ctx->tokens_release(ctx);
  if (ctx->arena_release) ctx->arena_release(ctx);
  ctx->opts.free(ctx->opts.ud, ctx);
}

unsigned armjit_ctx_features(const armjit_ctx *ctx) { return ctx->features; }
armjit_abi armjit_ctx_abi(const armjit_ctx *ctx) { return ctx->abi; }

void armjit_ctx_set_stack_limit(armjit_ctx *ctx, uintptr_t lowest_sp) {
  if (ctx) ctx->stack_limit = lowest_sp;
}

uint32_t *armjit_ctx_interrupt_word(armjit_ctx *ctx) { return ctx ? &ctx->interrupt : NULL; }

void *ajx_alloc(armjit_ctx *ctx, size_t n) { return ctx->opts.alloc(ctx->opts.ud, n ? n : 1); }

void *ajx_calloc(armjit_ctx *ctx, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return NULL;
  void *p = ajx_alloc(ctx, count * size);
  if (p) memset(p, 0, count * size != 0 ? count * size : 1);
  return p;
}

void *ajx_realloc(armjit_ctx *ctx, void *p, size_t n) {
  return ctx->opts.realloc(ctx->opts.ud, p, n ? n : 1);
}

void ajx_free(armjit_ctx *ctx, void *p) {
  if (p) ctx->opts.free(ctx->opts.ud, p);
}

char *ajx_strdup(armjit_ctx *ctx, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = ajx_alloc(ctx, n);
  if (d) memcpy(d, s, n);
  return d;
}

bool ajx_grow_slow(armjit_ctx *ctx, void **arr, uint32_t *cap, uint32_t need, size_t esz) {
  if (need <= *cap) return true;
  uint64_t ncap = *cap ? *cap : 8;
  while (ncap < need) ncap *= 2;
  if (ncap > UINT32_MAX || ncap * esz > SIZE_MAX / 2) return false;
  void *p = ajx_realloc(ctx, *arr, (size_t)ncap * esz);
  if (!p) return false;
  *arr = p;
  *cap = (uint32_t)ncap;
  return true;
}

uint32_t ajx_rand(armjit_ctx *ctx) {
  uint32_t x = ctx->rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  ctx->rng = x;
  return x;
}
