/* SPDX-License-Identifier: MIT */
/* The code arena (contract in execmem.h): one reserved region per context,
 * dual-mapped RX + RW when the platform allows, first-fit ranges with
 * coalescing free list, accounted against opts.code_limit. */
#include "rt/execmem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { CODE_ALIGN = 64 }; /* granule of the dual modes: one cache line */
static const uint32_t UDF_0 = 0xe7f000f0u; /* udf #0 (UDF, A1): fills freed code */

typedef struct {
  uint32_t off, len; /* bytes from the arena's start */
} extent;

struct ajx_arena {
  ajx_arena_mode mode;
  char *rx, *rw;     /* the views; rw == rx in MPROTECT mode */
  size_t size;       /* bytes of each view (whole pages) */
  size_t page;
  size_t granule;
  int fd;            /* the memory object, kept open for DUAL_REMAP only */
  extent *free;      /* free ranges sorted by offset, never adjacent */
  uint32_t nfree, cap;
  uint32_t live;     /* live ranges; nfree <= live + 1 <= cap always */
  size_t used;       /* bytes in live ranges */
};

const char *ajx_arena_mode_name(ajx_arena_mode m) {
  switch (m) {
  case AJX_ARENA_DUAL: return "dual mapping";
  case AJX_ARENA_DUAL_REMAP: return "dual mapping, RX pages remapped after writes";
  case AJX_ARENA_MPROTECT: return "mprotect flips";
  }
  return "unknown";
}

static size_t page_size(void) {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? (size_t)p : 4096;
}

static size_t round_up(size_t n, size_t unit) { return (n + unit - 1) / unit * unit; }

/* ---- making written bytes visible to instruction fetch ------------------- */

/* Map the RX pages covering [off, off + n) again over themselves: same
 * object, same offset, same protection.  A thread running there meanwhile
 * takes at most a page fault; the pages never become writable. */
static armjit_status remap_rx(ajx_arena *a, size_t off, size_t n, armjit_error *err) {
  size_t lo = off / a->page * a->page, hi = round_up(off + n, a->page);
  void *p = mmap(a->rx + lo, hi - lo, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED, a->fd,
                 (off_t)lo);
  if (p == MAP_FAILED)
    return ajx_err(err, ARMJIT_E_EXECMEM, "remapping %zu bytes of code failed: %s", hi - lo,
                   strerror(errno));
  return ARMJIT_OK;
}

/* ARMv7 data caches behave as physically indexed and tagged, so cleaning
 * by the RX addresses also cleans the lines written through the RW view;
 * the instruction cache may be virtually indexed, so it is invalidated by
 * the RX addresses, where the code runs. */
static armjit_status publish(ajx_arena *a, size_t off, size_t n, armjit_error *err) {
  __builtin___clear_cache(a->rx + off, a->rx + off + n);
  return a->mode == AJX_ARENA_DUAL_REMAP ? remap_rx(a, off, n, err) : ARMJIT_OK;
}

/* MPROTECT mode: the object's own pages (the granule is a page). */
static armjit_status flip(ajx_execmem *m, int prot, armjit_error *err) {
  if (mprotect(m->rx, m->size, prot) != 0)
    return ajx_err(err, ARMJIT_E_EXECMEM, "mprotect(%s) of %zu bytes of code failed: %s",
                   prot & PROT_EXEC ? "RX" : "RW", m->size, strerror(errno));
  return ARMJIT_OK;
}

/* ---- making the arena ------------------------------------------------------ */

#if defined(MFD_CLOEXEC)
#if defined(__arm__)
/* Run "mov r0, #imm; bx lr" written through the RW view at the arena's
 * start; returns what it returned, or -1 if it could not be published. */
static int probe_run(ajx_arena *a, uint32_t imm) {
  uint32_t *w = (uint32_t *)(void *)a->rw;
  w[0] = 0xe3a00000u | imm; /* mov r0, #imm (MOV (immediate), A1) */
  w[1] = 0xe12fff1eu;       /* bx lr (A8.8.27, A1) */
  if (publish(a, 0, 8, NULL) != ARMJIT_OK) return -1;
  int (*fn)(void);
  void *p = a->rx;
  memcpy(&fn, &p, sizeof fn);
  return fn();
}

/* Which dual mode really executes what the RW view wrote: the first run
 * translates (or caches) the code, the second shows whether a rewrite
 * is seen after a cache flush alone, the third whether remapping helps. */
static ajx_arena_mode probe(ajx_arena *a) {
  ajx_arena_mode mode = AJX_ARENA_MPROTECT;
  a->mode = AJX_ARENA_DUAL;
  if (probe_run(a, 1) == 1) {
    if (probe_run(a, 2) == 2) {
      mode = AJX_ARENA_DUAL;
    } else {
      a->mode = AJX_ARENA_DUAL_REMAP;
      if (probe_run(a, 3) == 3) mode = AJX_ARENA_DUAL_REMAP;
    }
  }
  memcpy(a->rw, &UDF_0, 4);
  memcpy(a->rw + 4, &UDF_0, 4);
  if (mode != AJX_ARENA_MPROTECT) {
    a->mode = mode;
    publish(a, 0, 8, NULL);
  }
  return mode;
}
#endif

/* One memfd mapped RX and RW.  false (nothing left mapped) when the
 * platform refuses any step. */
static bool map_dual(ajx_arena *a) {
  int fd = -1;
#if defined(MFD_EXEC)
  fd = memfd_create("armjit-code", MFD_CLOEXEC | MFD_EXEC); /* vm.memfd_noexec */
#endif
  if (fd < 0) fd = memfd_create("armjit-code", MFD_CLOEXEC);
  if (fd < 0) return false;
  if (ftruncate(fd, (off_t)a->size) != 0) {
    close(fd);
    return false;
  }
  void *rx = mmap(NULL, a->size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  void *rw = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (rx == MAP_FAILED || rw == MAP_FAILED) {
    if (rx != MAP_FAILED) munmap(rx, a->size);
    if (rw != MAP_FAILED) munmap(rw, a->size);
    close(fd);
    return false;
  }
  a->rx = rx;
  a->rw = rw;
  a->fd = fd;
  a->mode = AJX_ARENA_DUAL;
#if defined(__arm__)
  a->mode = probe(a);
#endif
  if (a->mode != AJX_ARENA_DUAL_REMAP) {
    close(fd);
    a->fd = -1;
  }
  if (a->mode == AJX_ARENA_MPROTECT) {
    munmap(rx, a->size);
    munmap(rw, a->size);
    a->rx = a->rw = NULL;
    return false;
  }
  return true;
}
#else
static bool map_dual(ajx_arena *a) {
  (void)a;
  return false; /* no memfd_create in this C library */
}
#endif

/* The fallback: address space only; pages get RW/RX as objects use them. */
static bool map_single(ajx_arena *a) {
  void *p = mmap(NULL, a->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return false;
  a->rx = a->rw = p;
  a->mode = AJX_ARENA_MPROTECT;
  return true;
}

static void arena_release(armjit_ctx *ctx) {
  ajx_arena *a = ctx->arena;
  if (!a) return;
  munmap(a->rx, a->size);
  if (a->rw != a->rx) munmap(a->rw, a->size);
  if (a->fd >= 0) close(a->fd);
  ajx_free(ctx, a->free);
  ajx_free(ctx, a);
  ctx->arena = NULL;
}

static armjit_status arena_get(armjit_ctx *ctx, ajx_arena **out, armjit_error *err) {
  if (ctx->arena) {
    *out = ctx->arena;
    return ARMJIT_OK;
  }
  ajx_arena *a = ajx_calloc(ctx, 1, sizeof *a);
  if (!a) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory allocating the code arena");
  a->page = page_size();
  a->size = round_up(ctx->opts.code_arena, a->page); /* whole pages already */
  a->fd = -1;
  if (!ajx_grow(ctx, (void **)&a->free, &a->cap, 2, sizeof *a->free)) {
    ajx_free(ctx, a);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory allocating the code arena");
  }
  bool dual = !(ctx->opts.flags & ARMJIT_CODE_MPROTECT); /* also from the environment */
  if (!(dual && map_dual(a)) && !map_single(a)) {
    int e = errno;
    size_t size = a->size;
    ajx_free(ctx, a->free);
    ajx_free(ctx, a);
    return ajx_err(err, ARMJIT_E_EXECMEM, "reserving %zu bytes for the code arena failed: %s",
                   size, strerror(e));
  }
  a->granule = a->mode == AJX_ARENA_MPROTECT ? a->page : CODE_ALIGN;
  a->free[0] = (extent){0, (uint32_t)a->size};
  a->nfree = 1;
  ctx->arena = a;
  ctx->arena_release = arena_release;
  *out = a;
  return ARMJIT_OK;
}

/* ---- ranges ---------------------------------------------------------------- */

armjit_status ajx_exec_alloc(armjit_ctx *ctx, size_t size, ajx_execmem *out,
                             armjit_error *err) {
  memset(out, 0, sizeof *out);
  if (size == 0) size = 1;
  size_t limit = ctx->opts.code_limit;
  if (size > limit || ctx->code_used > limit - size)
    return ajx_err(err, ARMJIT_E_LIMIT,
                   "code limit exceeded: %zu bytes in use, %zu more requested, limit %zu",
                   ctx->code_used, size, limit);
  ajx_arena *a = NULL;
  armjit_status st = arena_get(ctx, &a, err);
  if (st != ARMJIT_OK) return st;
  if (size > a->size)
    return ajx_err(err, ARMJIT_E_LIMIT,
                   "code arena exhausted: %zu bytes requested, the arena holds %zu "
                   "(armjit_options.code_arena)", size, a->size);
  size_t n = round_up(size, a->granule);
  if (ctx->code_used > limit - n) /* the rounding can cross the limit */
    return ajx_err(err, ARMJIT_E_LIMIT,
                   "code limit exceeded: %zu bytes in use, %zu more requested, limit %zu",
                   ctx->code_used, n, limit);
  /* After this range nfree <= live + 2: room for it now, so that freeing
   * never needs memory. */
  if (!ajx_grow(ctx, (void **)&a->free, &a->cap, a->live + 2, sizeof *a->free))
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory growing the code arena's free list");
  uint32_t i = 0, largest = 0;
  for (; i < a->nfree && a->free[i].len < n; i++)
    if (a->free[i].len > largest) largest = a->free[i].len;
  if (i == a->nfree)
    return ajx_err(err, ARMJIT_E_LIMIT,
                   "code arena exhausted: no free range of %zu bytes (%zu of %zu bytes in use, "
                   "largest free range %u; raise armjit_options.code_arena)",
                   n, a->used, a->size, (unsigned)largest);
  extent *e = &a->free[i];
  uint32_t off = e->off;
  e->off += (uint32_t)n;
  e->len -= (uint32_t)n;
  if (e->len == 0) {
    memmove(e, e + 1, (a->nfree - i - 1) * sizeof *e);
    a->nfree--;
  }
  a->live++;
  a->used += n;
  ctx->code_used += n;
  out->arena = a;
  out->rx = a->rx + off;
  out->rw = a->rw + off;
  out->size = n;
  return ARMJIT_OK;
}

/* Put [off, off + len) back, merged with the free neighbours.  Needs no
 * memory: the ranges are maximal, so nfree <= live + 1 <= cap. */
static void give_back(ajx_arena *a, uint32_t off, uint32_t len) {
  uint32_t lo = 0, hi = a->nfree; /* first free range after off */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (a->free[mid].off < off) lo = mid + 1; else hi = mid;
  }
  bool prev = lo > 0 && a->free[lo - 1].off + a->free[lo - 1].len == off;
  bool next = lo < a->nfree && off + len == a->free[lo].off;
  if (prev && next) {
    a->free[lo - 1].len += len + a->free[lo].len;
    memmove(&a->free[lo], &a->free[lo + 1], (a->nfree - lo - 1) * sizeof *a->free);
    a->nfree--;
  } else if (prev) {
    a->free[lo - 1].len += len;
  } else if (next) {
    a->free[lo].off = off;
    a->free[lo].len += len;
  } else {
    memmove(&a->free[lo + 1], &a->free[lo], (a->nfree - lo) * sizeof *a->free);
    a->free[lo] = (extent){off, len};
    a->nfree++;
  }
}

/* nwords words of UDF #0 at p (RW view): one word, then doubling copies
 * of what is filled already (a few memcpy calls instead of one per word). */
static void fill_udf(char *p, size_t nwords) {
  size_t n = nwords * 4, done = 4;
  if (!nwords) return;
  memcpy(p, &UDF_0, 4);
  while (done < n) {
    size_t k = done < n - done ? done : n - done;
    memcpy(p + done, p, k);
    done += k;
  }
}

void ajx_exec_free(armjit_ctx *ctx, ajx_execmem *m) {
  if (!m->arena) return;
  ajx_arena *a = m->arena;
  size_t off = (size_t)(m->rx - a->rx);
  if (a->mode == AJX_ARENA_MPROTECT) {
    /* Inaccessible, and its memory returned (zero pages on reuse). */
    mprotect(m->rx, m->size, PROT_NONE);
    madvise(m->rx, m->size, MADV_DONTNEED);
  } else {
    fill_udf(m->rw, m->size / 4);
    __builtin___clear_cache(m->rx, m->rx + m->size);
  }
  give_back(a, (uint32_t)off, (uint32_t)m->size);
  a->live--;
  a->used -= m->size;
  ctx->code_used -= m->size < ctx->code_used ? m->size : ctx->code_used;
  memset(m, 0, sizeof *m);
}

/* ---- writing ---------------------------------------------------------------- */

static armjit_status write_range(ajx_execmem *m, size_t off, const void *src, size_t n,
                                 bool word_stores, armjit_error *err) {
  ajx_arena *a = m->arena;
  if (!a || off > m->size || n > m->size - off)
    return ajx_err(err, ARMJIT_E_ARG, "code write of %zu bytes at offset %zu is outside the range",
                   n, off);
  if (n == 0) return ARMJIT_OK;
  armjit_status st;
  if (a->mode == AJX_ARENA_MPROTECT && (st = flip(m, PROT_READ | PROT_WRITE, err)) != ARMJIT_OK)
    return st;
  if (word_stores) {
    /* One aligned 32-bit store per word: never torn, never merged into a
     * wider write that could expose half of it. */
    uint32_t *dst = (uint32_t *)(void *)(m->rw + off);
    const uint32_t *w = src;
    for (size_t i = 0; i < n / 4; i++) __atomic_store_n(&dst[i], w[i], __ATOMIC_RELAXED);
  } else {
    memcpy(m->rw + off, src, n);
  }
  if (a->mode == AJX_ARENA_MPROTECT && (st = flip(m, PROT_READ | PROT_EXEC, err)) != ARMJIT_OK)
    return st;
  return publish(a, (size_t)(m->rx - a->rx) + off, n, err);
}

armjit_status ajx_exec_copy(ajx_execmem *m, size_t off, const void *src, size_t n,
                            armjit_error *err) {
  return write_range(m, off, src, n, false, err);
}

armjit_status ajx_exec_patch(ajx_execmem *m, size_t off, const uint32_t *words,
                             size_t nwords, armjit_error *err) {
  if (off % 4 || nwords > SIZE_MAX / 4)
    return ajx_err(err, ARMJIT_E_ARG, "code patch at offset %zu is not word aligned", off);
  return write_range(m, off, words, nwords * 4, true, err);
}

bool ajx_exec_info(const armjit_ctx *ctx, ajx_arena_info *out) {
  const ajx_arena *a = ctx->arena;
  memset(out, 0, sizeof *out);
  if (!a) return false;
  out->mode = a->mode;
  out->rx = a->rx;
  out->rw = a->rw;
  out->reserved = a->size;
  out->granule = a->granule;
  out->page = a->page;
  out->used = a->used;
  out->live = a->live;
  out->nfree = a->nfree;
  for (uint32_t i = 0; i < a->nfree; i++)
    if (a->free[i].len > out->largest_free) out->largest_free = a->free[i].len;
  return true;
}
