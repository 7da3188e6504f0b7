/* SPDX-License-Identifier: MIT */
/* Executable memory and code objects: the code arena (every object within
 * branch reach of every other, objects packed per page, freed space
 * reused, exhaustion), W^X of every mapping the arena makes in
 * /proc/self/maps, the per-context code limit, linking, patch bounds and
 * error paths.  The arena tests run twice: with the dual mapping and with
 * the mprotect fallback (ARMJIT_CODE_MPROTECT).  Nothing here executes
 * generated code (arm_code_arena.c does), so it runs in every build (under
 * ASan on the host, under qemu-arm for the ARM builds). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena_maps.h"
#include "armjit.h"
#include "rt/execmem.h"

static const unsigned MODE_DUAL = 0, MODE_MPROTECT = ARMJIT_CODE_MPROTECT;

static size_t page(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static a32_buf *small_buf(unsigned nwords) {
  a32_buf *b = a32_buf_new(0, 0);
  for (unsigned i = 0; i < nwords; i++)
    a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_imm(i & 0xff));
  a32_bx(b, A32_AL, A32_LR);
  return b;
}

/* A context in the variant's mode (the test's state: MODE_DUAL or
 * MODE_MPROTECT) with the given arena size and limit (0 = defaults). */
static armjit_ctx *mode_ctx(void **state, size_t arena, size_t limit) {
  armjit_options o = {0};
  o.flags = *(const unsigned *)*state;
  o.code_arena = arena;
  o.code_limit = limit;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

static armjit_code *new_code(armjit_ctx *ctx, unsigned nwords) {
  armjit_error err;
  a32_buf *b = small_buf(nwords);
  armjit_code *c = armjit_code_new(ctx, b, &err);
  if (!c) print_message("armjit_code_new: %s\n", err.msg);
  assert_non_null(c);
  a32_buf_free(b);
  return c;
}

/* The arena exists, in the mode asked for: the fallback when forced; the
 * plain dual mapping on the host (no probe runs there).  An ARM build may
 * pick either dual mode (qemu-user needs the remapping one), or the
 * fallback where the platform refuses a dual mapping; arm_code_arena.c
 * checks that choice against what the platform can do. */
static void arena_info(const armjit_ctx *ctx, void **state, ajx_arena_info *info) {
  assert_true(ajx_exec_info(ctx, info));
  if (*(const unsigned *)*state & ARMJIT_CODE_MPROTECT || arena_env_forces_mprotect()) {
    assert_int_equal(info->mode, AJX_ARENA_MPROTECT);
    assert_ptr_equal(info->rx, info->rw);
    assert_int_equal(info->granule, info->page);
  } else {
#if !defined(__arm__)
    assert_int_equal(info->mode, AJX_ARENA_DUAL);
#endif
  }
  if (info->mode != AJX_ARENA_MPROTECT) {
    assert_ptr_not_equal(info->rx, info->rw);
    assert_int_equal(info->granule, 64);
  }
}

/* W^X over every mapping of the process, and in detail over the arena's
 * views: the executable view is never writable, the writable view never
 * executable.  Returns the number of mappings the arena occupies. */
static int check_wx(const armjit_ctx *ctx) {
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  arena_maps m;
  arena_maps_scan(&info, &m);
  assert_int_equal(m.wx, 0);
  assert_int_equal(m.rx_writable, 0);
  assert_int_equal(m.rw_executable, 0);
  /* (qemu-user lists no PROT_NONE pages: a fallback arena with no live
   * object may show no mapping at all.) */
  if (info.mode != AJX_ARENA_MPROTECT || info.live) assert_true(m.rx_lines >= 1);
  if (info.mode != AJX_ARENA_MPROTECT) assert_true(m.rw_lines >= 1);
  if (info.mode == AJX_ARENA_DUAL) {
    /* One mapping per view however many objects: nothing is ever
     * mprotected, so the kernel never splits them. */
    assert_int_equal(m.rx_lines, 1);
    assert_int_equal(m.rw_lines, 1);
  }
  return m.rx_lines + m.rw_lines;
}

static void test_no_writable_executable_mapping(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0, 0);
  armjit_error err;
  armjit_code *codes[4];
  for (unsigned i = 0; i < 4; i++) codes[i] = new_code(ctx, 1 + i * 500);
  uint32_t w = 0xe1a00000u; /* mov r0, r0 */
  assert_int_equal(armjit_code_patch(codes[2], 8, &w, 1, &err), ARMJIT_OK);
  assert_memory_equal((char *)armjit_code_entry(codes[2]) + 8, &w, 4);
  ajx_arena_info info;
  arena_info(ctx, state, &info);
  for (unsigned i = 0; i < 4; i++) {
    char perms[5];
    arena_maps_perms((uintptr_t)armjit_code_entry(codes[i]), perms);
    assert_memory_equal(perms, "r-x", 3); /* executable, not writable */
    assert_int_equal(perms[3], info.mode == AJX_ARENA_MPROTECT ? 'p' : 's');
    if (info.mode != AJX_ARENA_MPROTECT) {
      /* The same bytes, writable and not executable, at another address. */
      const char *rw = info.rw + ((const char *)armjit_code_entry(codes[i]) - info.rx);
      arena_maps_perms((uintptr_t)rw, perms);
      assert_string_equal(perms, "rw-s");
      assert_memory_equal(rw, armjit_code_entry(codes[i]), armjit_code_size(codes[i]));
    }
  }
  print_message("%s: %d mappings for 4 code objects\n", ajx_arena_mode_name(info.mode),
                check_wx(ctx));
  for (unsigned i = 0; i < 4; i++) armjit_code_free(codes[i]);
  check_wx(ctx);
  armjit_ctx_free(ctx);
}

static void test_code_limit(void **state) {
  (void)state;
  size_t pg = page();
  armjit_options o = {0};
  o.code_limit = 3 * pg;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  a32_buf *b = small_buf((unsigned)(pg / 4 - 1)); /* exactly one page of code */
  armjit_code *c[3];
  for (int i = 0; i < 3; i++) {
    c[i] = armjit_code_new(ctx, b, &err);
    assert_non_null(c[i]);
  }
  assert_int_equal(ctx->code_used, 3 * pg);
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "limit"));
  /* Freeing returns the quota. */
  armjit_code_free(c[1]);
  assert_int_equal(ctx->code_used, 2 * pg);
  c[1] = armjit_code_new(ctx, b, &err);
  assert_non_null(c[1]);
  for (int i = 0; i < 3; i++) armjit_code_free(c[i]);
  assert_int_equal(ctx->code_used, 0);
  a32_buf_free(b);

  /* One request larger than the whole limit. */
  b = small_buf((unsigned)(4 * pg / 4));
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  assert_int_equal(ctx->code_used, 0);
  a32_buf_free(b);

  /* The internal API rounds to the granule and accounts the same way. */
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  size_t g = info.granule;
  ajx_execmem m, m2, too_big;
  assert_int_equal(ajx_exec_alloc(ctx, 1, &m, &err), ARMJIT_OK);
  assert_int_equal(m.size, g);
  assert_int_equal(ajx_exec_alloc(ctx, SIZE_MAX - 2, &too_big, &err), ARMJIT_E_LIMIT);
  assert_null(too_big.rx);
  assert_int_equal(ajx_exec_alloc(ctx, pg + 1, &m2, &err), ARMJIT_OK);
  assert_int_equal(m2.size, (pg + 1 + g - 1) / g * g);
  assert_int_equal(ctx->code_used, g + m2.size);
  /* Written through the writable view, read back through the executable. */
  static const uint32_t words[4] = {0xe1a00000u, 0xe1a01001u, 0xe1a02002u, 0xe12fff1eu};
  uint32_t w = 0xe3a00007u;
  assert_int_equal(ajx_exec_copy(&m2, 0, words, sizeof words, &err), ARMJIT_OK);
  assert_int_equal(ajx_exec_patch(&m2, 4, &w, 1, &err), ARMJIT_OK);
  assert_memory_equal(m2.rx, words, 4);
  assert_memory_equal(m2.rx + 4, &w, 4);
  assert_memory_equal(m2.rx + 8, words + 2, 8);
  assert_int_equal(ajx_exec_copy(&m2, m2.size - 4, words, 8, &err), ARMJIT_E_ARG);
  assert_int_equal(ajx_exec_patch(&m2, 2, &w, 1, &err), ARMJIT_E_ARG);
  ajx_exec_free(ctx, &m2);
  assert_null(m2.rx);
  ajx_exec_free(ctx, &m2); /* idempotent */
  assert_int_equal(ctx->code_used, g);
  ajx_exec_free(ctx, &m);
  assert_int_equal(ctx->code_used, 0);
  armjit_ctx_free(ctx);
}

static void test_code_copies_and_links(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  a32_buf *b = a32_buf_new(0, 0);
  a32_label data = a32_label_new(b);
  a32_mov_label_abs(b, A32_AL, A32_R0, data);
  a32_bx(b, A32_AL, A32_LR);
  a32_label_bind(b, data);
  a32_word(b, 0x12345678u);
  armjit_code *c = armjit_code_new(ctx, b, &err);
  assert_non_null(c);
  assert_int_equal(armjit_code_size(c), a32_buf_size(b));
  /* Copied after linking, so the bytes equal the linked buffer. */
  assert_memory_equal(armjit_code_entry(c), a32_buf_data(b), a32_buf_size(b));
  /* The MOVW/MOVT pair holds the label's final address. */
  uint32_t w[2];
  memcpy(w, armjit_code_entry(c), 8);
  uint32_t lo = ((w[0] >> 4) & 0xf000u) | (w[0] & 0xfffu);
  uint32_t hi = ((w[1] >> 4) & 0xf000u) | (w[1] & 0xfffu);
  uint32_t expect = (uint32_t)(uintptr_t)armjit_code_entry(c) + 12;
  assert_int_equal(hi << 16 | lo, expect);
  armjit_code_free(c);
  a32_buf_free(b);
  armjit_ctx_free(ctx);
}

static void test_code_errors(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  /* A buffer in error state is refused with its message. */
  a32_buf *b = small_buf(2);
  assert_int_not_equal(a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0x101)), A32_OK);
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_ASM);
  assert_non_null(strstr(err.msg, a32_buf_errmsg(b)));
  a32_buf_free(b);
  /* A label never bound fails at link time. */
  b = a32_buf_new(0, 0);
  a32_b(b, A32_AL, a32_label_new(b));
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_ASM);
  assert_int_equal(ctx->code_used, 0); /* the range was returned */
  a32_buf_free(b);
  /* Empty buffer, NULL arguments. */
  b = a32_buf_new(0, 0);
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_null(armjit_code_new(ctx, NULL, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_null(armjit_code_new(NULL, b, NULL));
  a32_buf_free(b);
  /* Patch bounds: past the end, straddling the end, misaligned, NULL. */
  b = small_buf(3); /* 4 words */
  armjit_code *c = armjit_code_new(ctx, b, &err);
  assert_non_null(c);
  uint32_t w[2] = {0xe1a00000u, 0xe1a00000u};
  assert_int_equal(armjit_code_patch(c, 16, w, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, 12, w, 2, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, 1, w, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, SIZE_MAX - 3, w, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, 0, NULL, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(NULL, 0, w, 1, &err), ARMJIT_E_ARG);
  assert_memory_equal(armjit_code_entry(c), a32_buf_data(b), 16); /* untouched */
  assert_int_equal(armjit_code_patch(c, 8, w, 2, &err), ARMJIT_OK); /* last two */
  assert_memory_equal((char *)armjit_code_entry(c) + 8, w, 8);
  armjit_code_free(c);
  armjit_code_free(NULL);
  a32_buf_free(b);
  armjit_ctx_free(ctx);
  /* An arena a branch could not span is refused up front. */
  armjit_options o = {0};
  o.code_arena = ARMJIT_CODE_ARENA_MAX + 1;
  assert_null(armjit_ctx_new(&o, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_non_null(strstr(err.msg, "code_arena"));
  o.code_arena = ARMJIT_CODE_ARENA_MAX;
  ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  assert_int_equal(ctx->opts.code_limit, ARMJIT_CODE_ARENA_MAX); /* 0 = the arena */
  armjit_ctx_free(ctx);
}

/* Allocation through the context's hooks: counted, and failure is clean. */
typedef struct { int live; int fail_after; } counting;
static void *c_alloc(void *ud, size_t n) {
  counting *c = ud;
  if (c->fail_after == 0) return NULL;
  if (c->fail_after > 0) c->fail_after--;
  c->live++;
  return malloc(n);
}
static void *c_realloc(void *ud, void *p, size_t n) {
  counting *c = ud;
  if (c->fail_after == 0) return NULL;
  if (c->fail_after > 0) c->fail_after--;
  if (!p) c->live++;
  return realloc(p, n);
}
static void c_free(void *ud, void *p) {
  counting *c = ud;
  c->live--;
  free(p);
}

static armjit_ctx *counting_ctx(counting *cnt) {
  armjit_options o = {0};
  o.alloc = c_alloc; o.realloc = c_realloc; o.free = c_free; o.ud = cnt;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

static void test_code_uses_context_allocator(void **state) {
  (void)state;
  counting cnt = {0, -1};
  armjit_ctx *ctx = counting_ctx(&cnt);
  armjit_error err;
  a32_buf *b = small_buf(1);
  armjit_code *c = armjit_code_new(ctx, b, &err);
  assert_non_null(c);
  assert_int_equal(cnt.live, 4); /* context + arena + its free list + code object */
  armjit_code_free(c);
  assert_int_equal(cnt.live, 3); /* the arena stays for reuse */
  cnt.fail_after = 0;
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_NOMEM);
  assert_int_equal(ctx->code_used, 0);
  armjit_ctx_free(ctx);
  assert_int_equal(cnt.live, 0);

  /* Every allocation of the first code object failing in turn: the code
   * object, the arena, its free list.  Nothing leaks, nothing is mapped
   * that is not released with the context. */
  for (int k = 0; k < 3; k++) {
    cnt.fail_after = -1;
    ctx = counting_ctx(&cnt);
    cnt.fail_after = k;
    assert_null(armjit_code_new(ctx, b, &err));
    assert_int_equal(err.code, ARMJIT_E_NOMEM);
    assert_non_null(strstr(err.msg, "out of memory"));
    assert_int_equal(ctx->code_used, 0);
    cnt.fail_after = -1;
    c = armjit_code_new(ctx, b, &err); /* works again */
    assert_non_null(c);
    armjit_code_free(c);
    armjit_ctx_free(ctx);
    assert_int_equal(cnt.live, 0);
  }
  /* Growing the free list fails (it starts with room for 8 ranges, enough
   * for 7 live objects): reported, the arena unchanged. */
  cnt.fail_after = -1;
  ctx = counting_ctx(&cnt);
  armjit_code *keep[7];
  for (int i = 0; i < 7; i++) {
    keep[i] = armjit_code_new(ctx, b, &err);
    assert_non_null(keep[i]);
  }
  int before = cnt.live;
  cnt.fail_after = 1; /* the code object, then not the free list */
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_NOMEM);
  assert_non_null(strstr(err.msg, "free list"));
  assert_int_equal(cnt.live, before);
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.live, 7);
  cnt.fail_after = -1;
  armjit_code *more = armjit_code_new(ctx, b, &err); /* grows now */
  assert_non_null(more);
  armjit_code_free(more);
  for (int i = 0; i < 7; i++) armjit_code_free(keep[i]);
  armjit_ctx_free(ctx);
  assert_int_equal(cnt.live, 0);
  a32_buf_free(b);
}

/* ---- the arena ---------------------------------------------------------------- */

/* Many code objects of one context: all inside the arena, so the farthest
 * pair is still in B/BL reach (−32 MiB + 8 … +32 MiB + 4 from the branch). */
static void test_arena_reach(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0, 0);
  enum { N = 200 };
  armjit_code *c[N];
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  unsigned last = 0;
  for (unsigned i = 0; i < N; i++) {
    c[i] = new_code(ctx, 1 + (i * 37) % 300);
    uintptr_t e = (uintptr_t)armjit_code_entry(c[i]);
    if (e < lo) lo = e;
    if (e > hi) { hi = e; last = i; }
  }
  ajx_arena_info info;
  arena_info(ctx, state, &info);
  assert_int_equal(info.live, N);
  assert_true(info.reserved <= ARMJIT_CODE_ARENA_MAX);
  for (unsigned i = 0; i < N; i++) {
    uintptr_t e = (uintptr_t)armjit_code_entry(c[i]);
    assert_true(e >= (uintptr_t)info.rx);
    assert_true(e + armjit_code_size(c[i]) <= (uintptr_t)info.rx + info.reserved);
  }
  /* The farthest pair, both directions: from the last word of the highest
   * object back to the lowest, and from the lowest forward to it. */
  intptr_t far_end = (intptr_t)(hi + armjit_code_size(c[last]) - 4);
  assert_true((intptr_t)lo - far_end >= -((intptr_t)1 << 25) + 8);
  assert_true(far_end - (intptr_t)lo <= ((intptr_t)1 << 25) + 4);
#if defined(__arm__)
  uint32_t w;
  assert_int_equal(a32_encode_b(&w, A32_AL, true, (uint32_t)far_end, (uint32_t)lo), A32_OK);
  assert_int_equal(a32_encode_b(&w, A32_AL, false, (uint32_t)lo, (uint32_t)far_end), A32_OK);
#endif
  print_message("%s: %u objects span %zu KiB in %d mappings\n", ajx_arena_mode_name(info.mode),
                (unsigned)N, (size_t)(hi - lo) / 1024, check_wx(ctx));
  for (unsigned i = 0; i < N; i++) armjit_code_free(c[i]);
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.nfree, 1); /* everything coalesced again */
  assert_int_equal(info.largest_free, info.reserved);
  check_wx(ctx);
  armjit_ctx_free(ctx);
}

static const char small_loop[] =
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "i2 = int_add(i0, 1)\n"
    "i3 = int_lt(i2, i1)\n"
    "guard_true(i3, descr=done) [i2, i1]\n"
    "jump(i2, i1, descr=L)\n";

/* Small objects share pages (dual modes) and are granule-aligned; in the
 * mprotect fallback each object has pages of its own. */
static void test_arena_packing(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0, 0);
  enum { N = 32 };
  armjit_code *c[N];
  for (unsigned i = 0; i < N; i++) c[i] = new_code(ctx, 7); /* 32 bytes each */
  ajx_arena_info info;
  arena_info(ctx, state, &info);
  unsigned pages = 1;
  for (unsigned i = 0; i < N; i++) {
    uintptr_t e = (uintptr_t)armjit_code_entry(c[i]);
    assert_int_equal(e % info.granule, 0);
    if (i == 0) continue;
    uintptr_t prev = (uintptr_t)armjit_code_entry(c[i - 1]);
    assert_int_equal(e - prev, info.granule); /* first fit in a fresh arena */
    if (e / info.page != prev / info.page) pages++;
  }
  if (info.mode == AJX_ARENA_MPROTECT) {
    assert_int_equal(pages, N);
  } else {
    assert_int_equal(pages, (N * 64 + info.page - 1) / info.page);
    assert_true(info.page / 64 >= 2); /* several objects per page */
  }
  print_message("%s: %u objects of 32 bytes on %u pages\n", ajx_arena_mode_name(info.mode),
                (unsigned)N, pages);
  for (unsigned i = 0; i < N; i++) armjit_code_free(c[i]);

  /* Compiled small loops (the loops of the compile tests). */
  armjit_error err;
  armjit_loop *l[N];
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  size_t bytes = 0;
  for (unsigned i = 0; i < N; i++) {
    armjit_trace *t = armjit_trace_parse(ctx, small_loop, &err);
    assert_non_null(t);
    l[i] = armjit_compile_loop(ctx, t, &err);
    assert_non_null(l[i]);
    armjit_trace_free(t);
    size_t size;
    uintptr_t e = (uintptr_t)armjit_loop_code(l[i], &size);
    bytes += size;
    if (e < lo) lo = e;
    if (e + size > hi) hi = e + size;
  }
  size_t span_pages = (hi - 1) / info.page - lo / info.page + 1;
  print_message("%s: %u small loops (%zu bytes each) on %zu pages: %.1f per page\n",
                ajx_arena_mode_name(info.mode), (unsigned)N, bytes / N, span_pages,
                (double)N / (double)span_pages);
  if (info.mode == AJX_ARENA_MPROTECT) assert_int_equal(span_pages, N);
  else assert_true(span_pages < N / 4);
  for (unsigned i = 0; i < N; i++) armjit_loop_free(l[i]);
  armjit_ctx_free(ctx);
}

/* Freed ranges come back: the same address for the same size, and
 * neighbours coalesce into one range that a larger object then fills. */
static void test_arena_reuse(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0, 0);
  armjit_code *a = new_code(ctx, 20), *b = new_code(ctx, 40), *c = new_code(ctx, 20);
  ajx_arena_info info;
  arena_info(ctx, state, &info);
  assert_int_equal(info.nfree, 1);
  char *pa = armjit_code_entry(a), *pb = armjit_code_entry(b), *pc = armjit_code_entry(c);
  assert_true(pa < pb && pb < pc);
  armjit_code_free(b);
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.nfree, 2); /* b's hole and the tail */
  b = new_code(ctx, 40);
  assert_ptr_equal(armjit_code_entry(b), pb);
  armjit_code_free(a);
  armjit_code_free(b);
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.nfree, 2); /* a and b merged, and the tail */
  size_t csize = (armjit_code_size(c) + info.granule - 1) / info.granule * info.granule;
  assert_int_equal(info.largest_free, info.reserved - (size_t)(pc - info.rx) - csize);
  /* One object as large as a and b together fills their merged range. */
  size_t both = (size_t)(pc - pa);
  a = new_code(ctx, (unsigned)(both / 4 - 1));
  assert_ptr_equal(armjit_code_entry(a), pa);
  armjit_code_free(a);
  armjit_code_free(c);
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.nfree, 1);
  assert_int_equal(info.used, 0);
  assert_int_equal(ctx->code_used, 0);
  armjit_ctx_free(ctx);
}

/* Random allocate/free against a model: ranges never overlap, stay inside
 * the arena and granule-aligned, and freeing everything leaves one range. */
static void test_arena_model(void **state) {
  armjit_ctx *ctx = mode_ctx(state, (size_t)256 << 10, 0);
  enum { SLOTS = 64, STEPS = 3000 };
  ajx_execmem m[SLOTS];
  memset(m, 0, sizeof m);
  uint32_t x = 12345;
  armjit_error err;
  unsigned fails = 0;
  for (unsigned step = 0; step < STEPS; step++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    unsigned s = x % SLOTS;
    if (m[s].rx) {
      ajx_exec_free(ctx, &m[s]);
      continue;
    }
    size_t size = 1 + (x >> 8) % 12000;
    armjit_status st = ajx_exec_alloc(ctx, size, &m[s], &err);
    if (st != ARMJIT_OK) {
      assert_int_equal(st, ARMJIT_E_LIMIT);
      fails++;
      continue;
    }
    ajx_arena_info info;
    assert_true(ajx_exec_info(ctx, &info));
    assert_true(m[s].size >= size && m[s].size % info.granule == 0);
    assert_true(m[s].rx >= info.rx && m[s].rx + m[s].size <= info.rx + info.reserved);
    assert_int_equal((size_t)(m[s].rx - info.rx) % info.granule, 0);
    assert_int_equal(m[s].rw - info.rw, m[s].rx - info.rx);
    for (unsigned o = 0; o < SLOTS; o++)
      if (o != s && m[o].rx)
        assert_true(m[o].rx + m[o].size <= m[s].rx || m[s].rx + m[s].size <= m[o].rx);
    size_t used = 0;
    for (unsigned o = 0; o < SLOTS; o++) used += m[o].size;
    assert_int_equal(info.used, used);
    assert_int_equal(ctx->code_used, used);
  }
  for (unsigned s = 0; s < SLOTS; s++) ajx_exec_free(ctx, &m[s]);
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.nfree, 1);
  assert_int_equal(info.live, 0);
  print_message("%s: %u steps, %u refused for lack of room\n", ajx_arena_mode_name(info.mode),
                (unsigned)STEPS, fails);
  armjit_ctx_free(ctx);
}

/* A tiny arena: full is ARMJIT_E_LIMIT naming the arena, fragmentation is
 * reported with the largest free range, and freeing makes room again. */
static void test_arena_exhaustion(void **state) {
  size_t pg = page();
  armjit_ctx *ctx = mode_ctx(state, 4 * pg, 0);
  assert_int_equal(ctx->opts.code_limit, 4 * pg); /* 0 = the arena's size */
  armjit_error err;
  ajx_execmem m[4], extra;
  for (int i = 0; i < 4; i++) assert_int_equal(ajx_exec_alloc(ctx, pg, &m[i], &err), ARMJIT_OK);
  ajx_arena_info info;
  arena_info(ctx, state, &info);
  assert_int_equal(info.reserved, 4 * pg);
  assert_int_equal(info.nfree, 0);
  /* Full: the internal call and the public one. */
  armjit_options o = ctx->opts;
  ctx->opts.code_limit = SIZE_MAX; /* the arena, not the quota, is what is full */
  assert_int_equal(ajx_exec_alloc(ctx, 1, &extra, &err), ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "code arena exhausted"));
  assert_null(extra.rx);
  a32_buf *b = small_buf(3);
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "code arena exhausted"));
  /* Two free pages that are not neighbours do not make a two-page range. */
  ajx_exec_free(ctx, &m[0]);
  ajx_exec_free(ctx, &m[2]);
  assert_int_equal(ajx_exec_alloc(ctx, 2 * pg, &extra, &err), ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "largest free range"));
  char expect[64];
  snprintf(expect, sizeof expect, "largest free range %zu", pg);
  assert_non_null(strstr(err.msg, expect));
  /* Freeing the page between them does. */
  ajx_exec_free(ctx, &m[1]);
  assert_int_equal(ajx_exec_alloc(ctx, 2 * pg, &extra, &err), ARMJIT_OK);
  assert_ptr_equal(extra.rx, info.rx);
  armjit_code *c = armjit_code_new(ctx, b, &err); /* the page after it */
  assert_non_null(c);
  assert_ptr_equal(armjit_code_entry(c), info.rx + 2 * pg);
  /* Larger than the whole arena. */
  assert_int_equal(ajx_exec_alloc(ctx, 5 * pg, &m[0], &err), ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "the arena holds"));
  armjit_code_free(c);
  ajx_exec_free(ctx, &extra);
  ajx_exec_free(ctx, &m[3]);
  ctx->opts = o;
  a32_buf_free(b);
  armjit_ctx_free(ctx);

  /* An arena of one byte is one page. */
  ctx = mode_ctx(state, 1, 0);
  assert_int_equal(ajx_exec_alloc(ctx, pg, &m[0], &err), ARMJIT_OK);
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.reserved, pg);
  assert_int_equal(ajx_exec_alloc(ctx, 1, &m[1], &err), ARMJIT_E_LIMIT);
  ajx_exec_free(ctx, &m[0]);
  armjit_ctx_free(ctx);
}

/* Patching writes through the writable view: the executable view's
 * mapping is unchanged (never writable, never split), and the new words
 * are what the executable view holds. */
static void test_patch_keeps_rx_view(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0, 0);
  armjit_code *c[3] = {new_code(ctx, 30), new_code(ctx, 30), new_code(ctx, 30)};
  ajx_arena_info info;
  arena_info(ctx, state, &info);
  arena_maps before, after;
  arena_maps_scan(&info, &before);
  char perms_before[5], perms_after[5];
  arena_maps_perms((uintptr_t)armjit_code_entry(c[1]), perms_before);
  armjit_error err;
  for (uint32_t k = 0; k < 50; k++) {
    uint32_t w[2] = {0xe3a00000u | k, 0xe1a00000u}; /* mov r0, #k; nop */
    size_t off = 4 * (k % 29);
    assert_int_equal(armjit_code_patch(c[1], off, w, 2, &err), ARMJIT_OK);
    assert_memory_equal((char *)armjit_code_entry(c[1]) + off, w, 8);
  }
  arena_maps_perms((uintptr_t)armjit_code_entry(c[1]), perms_after);
  assert_string_equal(perms_before, perms_after);
  assert_memory_equal(perms_after, "r-x", 3);
  arena_maps_scan(&info, &after);
  assert_int_equal(after.rx_writable, 0);
  assert_int_equal(after.wx, 0);
  if (info.mode == AJX_ARENA_DUAL) assert_int_equal(after.rx_lines, before.rx_lines);
  /* Neighbours are untouched. */
  a32_buf *b = small_buf(30);
  assert_memory_equal(armjit_code_entry(c[0]), a32_buf_data(b), a32_buf_size(b));
  assert_memory_equal(armjit_code_entry(c[2]), a32_buf_data(b), a32_buf_size(b));
  a32_buf_free(b);
  check_wx(ctx);
  for (int i = 0; i < 3; i++) armjit_code_free(c[i]);
  armjit_ctx_free(ctx);
}

/* Freed code traps: UDF words in the dual modes, no access in the fallback. */
static void test_freed_range_traps(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0, 0);
  armjit_code *keep = new_code(ctx, 5), *c = new_code(ctx, 100);
  const uint32_t *p = armjit_code_entry(c);
  size_t n = armjit_code_size(c) / 4;
  ajx_arena_info info;
  arena_info(ctx, state, &info);
  armjit_code_free(c);
  if (info.mode == AJX_ARENA_MPROTECT) {
    /* Not readable: the kernel refuses to copy from it (qemu-user does not
     * list PROT_NONE pages in /proc/self/maps, so ask write(2)). */
    char perms[5];
    arena_maps_perms((uintptr_t)p, perms);
    assert_true(perms[0] == 0 || strcmp(perms, "---p") == 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    errno = 0;
    assert_int_equal(write(fds[1], p, 4), -1);
    assert_int_equal(errno, EFAULT);
    close(fds[0]);
    close(fds[1]);
  } else {
    for (size_t i = 0; i < n; i++) assert_int_equal(p[i], 0xe7f000f0u); /* udf #0 */
  }
  check_wx(ctx);
  armjit_code_free(keep);
  armjit_ctx_free(ctx);
}

/* ARMJIT_CODE_MPROTECT=1 in the environment forces the fallback too. */
static void test_env_forces_fallback(void **state) {
  (void)state;
  const char *old = getenv("ARMJIT_CODE_MPROTECT");
  char *saved = old ? strdup(old) : NULL;
  setenv("ARMJIT_CODE_MPROTECT", "1", 1);
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  armjit_code *c = new_code(ctx, 3);
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.mode, AJX_ARENA_MPROTECT);
  armjit_code_free(c);
  armjit_ctx_free(ctx);
  setenv("ARMJIT_CODE_MPROTECT", "0", 1); /* "0" does not */
  ctx = armjit_ctx_new(NULL, &err);
  c = new_code(ctx, 3);
  assert_true(ajx_exec_info(ctx, &info));
#if !defined(__arm__)
  assert_int_equal(info.mode, AJX_ARENA_DUAL);
#endif
  armjit_code_free(c);
  armjit_ctx_free(ctx);
  if (saved) setenv("ARMJIT_CODE_MPROTECT", saved, 1);
  else unsetenv("ARMJIT_CODE_MPROTECT");
  free(saved);
}

#define BOTH(f)                                                                         \
  cmocka_unit_test_prestate(f, (void *)&MODE_DUAL),                                     \
      cmocka_unit_test_prestate(f, (void *)&MODE_MPROTECT)

int main(void) {
  const struct CMUnitTest tests[] = {
      BOTH(test_no_writable_executable_mapping),
      cmocka_unit_test(test_code_limit),
      cmocka_unit_test(test_code_copies_and_links),
      cmocka_unit_test(test_code_errors),
      cmocka_unit_test(test_code_uses_context_allocator),
      BOTH(test_arena_reach),
      BOTH(test_arena_packing),
      BOTH(test_arena_reuse),
      BOTH(test_arena_model),
      BOTH(test_arena_exhaustion),
      BOTH(test_patch_keeps_rx_view),
      BOTH(test_freed_range_traps),
      cmocka_unit_test(test_env_forces_fallback),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
