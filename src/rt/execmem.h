/* SPDX-License-Identifier: MIT */
/* execmem.h — the code arena: every code object of a context lives in one
 * reserved region, so a B/BL from any code object reaches any other.
 * Internal to the library; used by code objects (and through them by
 * compiled loops).
 *
 * Contract
 *   Region  one reservation per context, made on the first allocation:
 *           opts.code_arena bytes rounded up to pages, at most
 *           ARMJIT_CODE_ARENA_MAX, so any two instructions in it are
 *           within B/BL reach (−32 MiB + 8 … +32 MiB + 4 from the branch).
 *   Views   DUAL: one memory object (memfd) mapped twice, read+execute
 *           (rx, where code runs) and read+write (rw, where it is
 *           written); neither view is ever writable and executable.
 *           DUAL_REMAP: the same, for platforms (qemu-user) whose
 *           instruction fetch does not see writes through the other view
 *           after a cache flush: every write is followed by mapping the
 *           touched RX pages again over themselves (MAP_FIXED, same
 *           protection), which discards stale translations and never
 *           makes them writable.  MPROTECT: the fallback when no dual
 *           mapping can be had, or when asked for (ARMJIT_CODE_MPROTECT,
 *           or the environment variable ARMJIT_CODE_MPROTECT=1): one
 *           view whose pages flip RW (while written) and RX (while run).
 *           The mode is chosen when the arena is made; on ARM a two-word
 *           probe checks that the chosen dual mode really runs what was
 *           written through the RW view, and falls back if it does not.
 *   Ranges  first fit, lowest address first; sizes rounded up to the
 *           granule (64 bytes, a cache line, in the dual modes: many
 *           objects share a page; a page in MPROTECT mode, so flipping one
 *           object's pages never stops another object).  Freed ranges are
 *           coalesced with their neighbours and reused.  Freed bytes are
 *           overwritten with UDF (dual) or made inaccessible (MPROTECT),
 *           so a stale branch into them traps.
 *   Limits  ctx->code_used counts the bytes of live ranges against
 *           opts.code_limit; both a full quota and a full arena are
 *           ARMJIT_E_LIMIT with a message naming which.
 *   Memory  bookkeeping (the arena and its free list) goes through the
 *           context's allocator hooks; pages are committed by the kernel
 *           on first touch and kept for reuse until the context is freed.
 *   Threads none of these calls may run concurrently on one context.
 *           ajx_exec_patch changes no page protection in the dual modes,
 *           so other threads may run any code meanwhile.
 */
#ifndef ARMJIT_RT_EXECMEM_H
#define ARMJIT_RT_EXECMEM_H

#include "util/ctx.h"

typedef enum { AJX_ARENA_DUAL, AJX_ARENA_DUAL_REMAP, AJX_ARENA_MPROTECT } ajx_arena_mode;

typedef struct ajx_arena ajx_arena;

/* One range of the arena. */
typedef struct {
  ajx_arena *arena; /* NULL when not allocated */
  char *rx;         /* first byte in the executable view (where it runs) */
  char *rw;         /* the same byte in the writable view (== rx in MPROTECT) */
  size_t size;      /* bytes reserved: the request rounded up to the granule */
} ajx_execmem;

/* Reserve size bytes (rounded up to the granule).  The range is not
 * executable-and-writable in any view; write it with ajx_exec_copy.
 * ARMJIT_E_LIMIT (code_limit reached, or no free range that large),
 * ARMJIT_E_NOMEM (bookkeeping), ARMJIT_E_EXECMEM (no mapping at all). */
armjit_status ajx_exec_alloc(armjit_ctx *ctx, size_t size, ajx_execmem *out,
                             armjit_error *err);
/* Copy n bytes to m at byte offset off (off + n <= m->size) and make them
 * visible to instruction fetch at m->rx + off. */
armjit_status ajx_exec_copy(ajx_execmem *m, size_t off, const void *src, size_t n,
                            armjit_error *err);
/* The same for nwords words at a 4-aligned offset, each written by one
 * aligned 32-bit store (what patching promises to be atomic). */
armjit_status ajx_exec_patch(ajx_execmem *m, size_t off, const uint32_t *words,
                             size_t nwords, armjit_error *err);
/* Return the range to the arena and its bytes to the quota.  m may be
 * unallocated (then nothing happens). */
void ajx_exec_free(armjit_ctx *ctx, ajx_execmem *m);

/* The arena's state, for tests and statistics. */
typedef struct {
  ajx_arena_mode mode;
  const char *rx, *rw;  /* the views (rw == rx in MPROTECT mode) */
  size_t reserved;      /* bytes of address space of each view */
  size_t granule;       /* allocation unit and alignment */
  size_t page;
  size_t used;          /* bytes in live ranges */
  size_t largest_free;  /* the largest free range */
  uint32_t live;        /* live ranges */
  uint32_t nfree;       /* free ranges (after coalescing) */
} ajx_arena_info;

/* false when the context has no arena yet (nothing was allocated). */
bool ajx_exec_info(const armjit_ctx *ctx, ajx_arena_info *out);
const char *ajx_arena_mode_name(ajx_arena_mode m);

#endif
