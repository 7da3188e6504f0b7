/* SPDX-License-Identifier: MIT */
/* buf.c — the code buffer: its allocator, storage and growth, the sticky
 * first error, raw words, alignment and patch mode.  Labels and fixups live
 * in label.c, symbols and relocations in reloc.c. */
#include "a32_internal.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A32_NOP_AL 0xe320f000u /* A8.8.120 NOP A1 (the v6K hint), cond AL */

static void *std_alloc(void *ud, size_t n) { (void)ud; return malloc(n); }
static void *std_realloc(void *ud, void *p, size_t n) { (void)ud; return realloc(p, n); }
static void std_free(void *ud, void *p) { (void)ud; free(p); }

void *a32_mem_alloc(a32_buf *b, size_t n) { return b->al.alloc(b->al.ud, n ? n : 1); }
void *a32_mem_realloc(a32_buf *b, void *p, size_t n) {
  return b->al.realloc(b->al.ud, p, n ? n : 1);
}
void a32_mem_free(a32_buf *b, void *p) {
  if (p)
    b->al.free(b->al.ud, p);
}

a32_buf *a32_buf_new_with(const a32_allocator *al, size_t initial_bytes,
                          size_t max_bytes) {
  static const a32_allocator std = {std_alloc, std_realloc, std_free, NULL};
  if (!al)
    al = &std;
  if (!al->alloc || !al->realloc || !al->free)
    return NULL;
  a32_buf *b = al->alloc(al->ud, sizeof *b);
  if (!b)
    return NULL;
  memset(b, 0, sizeof *b);
  b->al = *al;
  b->limited = max_bytes != 0;
  b->max = max_bytes & ~(size_t)3;  /* whole words only */
  b->feats = A32_FEAT_ALL;
  b->err = A32_OK;
  size_t cap = (initial_bytes + 3) & ~(size_t)3;
  if (b->limited && cap > b->max)
    cap = b->max;
  if (cap) {
    b->data = a32_mem_alloc(b, cap);
    if (!b->data) {
      a32_mem_free(b, b);
      return NULL;
    }
    b->cap = cap;
  }
  return b;
}

a32_buf *a32_buf_new(size_t initial_bytes, size_t max_bytes) {
  return a32_buf_new_with(NULL, initial_bytes, max_bytes);
}

void a32_buf_free(a32_buf *b) {
  if (!b)
    return;
  a32_mem_free(b, b->data);
  a32_mem_free(b, b->labels);
  a32_mem_free(b, b->bfix);
  a32_mem_free(b, b->afix);
  for (size_t i = 0; i < b->nsyms; i++)
    a32_mem_free(b, b->syms[i].name);
  a32_mem_free(b, b->syms);
  a32_mem_free(b, b->relocs);
  a32_mem_free(b, b);
}

void a32_buf_set_features(a32_buf *b, unsigned feats) {
  if (b)
    b->feats = feats & A32_FEAT_ALL;
}
unsigned a32_buf_features(const a32_buf *b) { return b ? b->feats : 0; }

size_t a32_buf_size(const a32_buf *b) { return b ? b->size : 0; }
const uint8_t *a32_buf_data(const a32_buf *b) { return b ? b->data : NULL; }

uint32_t a32_read_word(const a32_buf *b, size_t off) {
  const uint8_t *p = b->data + off;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
uint32_t a32_buf_word(const a32_buf *b, size_t offset) {
  if (!b || offset > b->size || b->size - offset < 4)
    return 0;
  return a32_read_word(b, offset);
}

a32_status a32_buf_status(const a32_buf *b) { return b ? b->err : A32_ERR_ARG; }
const char *a32_buf_errmsg(const a32_buf *b) {
  return b && b->err != A32_OK ? b->msg : "";
}
void a32_buf_clear_error(a32_buf *b) {
  if (b) {
    b->err = A32_OK;
    b->msg[0] = '\0';
  }
}

a32_status a32_fail(a32_buf *b, a32_status s, const char *who, const char *fmt,
                    ...) {
  if (!b)
    return s;
  va_list ap;
  va_start(ap, fmt);
  if (ajx_record(b->msg, sizeof b->msg, b->err != A32_OK, who, fmt, ap))
    b->err = s;
  va_end(ap);
  return s;
}

bool a32_grow_array(a32_buf *b, void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap : 8;
  while (n < need) {
    if (n > SIZE_MAX / 2 / elem)
      return false;
    n *= 2;
  }
  void *q = *p ? a32_mem_realloc(b, *p, n * elem) : a32_mem_alloc(b, n * elem);
  if (!q)
    return false;
  *p = q;
  *cap = n;
  return true;
}

size_t a32_pos(const a32_buf *b) { return b->patching ? b->patch_pos : b->size; }

a32_status a32_reserve(a32_buf *b, size_t nwords) {
  if (!b)
    return A32_ERR_ARG;
  if (nwords > SIZE_MAX / 8)
    return a32_fail(b, A32_ERR_NOMEM, "a32_buf", "%zu words do not fit in memory",
                    nwords);
  size_t bytes = nwords * 4;
  if (b->patching) {
    if (b->patch_pos > b->size || b->size - b->patch_pos < bytes)
      return a32_fail(b, A32_ERR_RANGE, "a32_buf",
                      "patching %zu bytes at 0x%zx runs past the end (0x%zx)",
                      bytes, b->patch_pos, b->size);
    return A32_OK;
  }
  if (b->limited && (b->size > b->max || b->max - b->size < bytes))
    return a32_fail(b, A32_ERR_FULL, "a32_buf",
                    "buffer full: %zu more bytes at 0x%zx exceed max_bytes %zu",
                    bytes, b->size, b->max);
  if (b->size + bytes <= b->cap)
    return A32_OK;
  size_t need = b->size + bytes, cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  if (b->limited && cap > b->max)
    cap = b->max;
  uint8_t *d = b->data ? a32_mem_realloc(b, b->data, cap) : a32_mem_alloc(b, cap);
  if (!d)
    return a32_fail(b, A32_ERR_NOMEM, "a32_buf", "cannot grow the buffer to %zu bytes",
                    cap);
  b->data = d;
  b->cap = cap;
  return A32_OK;
}

a32_status a32_putn(a32_buf *b, const uint32_t *w, size_t n) {
  A32_TRY(a32_reserve(b, n));
  for (size_t i = 0; i < n; i++) {
    if (b->patching) {
      a32_fixups_forget(b, b->patch_pos);
      a32_relocs_forget(b, b->patch_pos);
      a32_write_word(b, b->patch_pos, w[i]);
      b->patch_pos += 4;
    } else {
      a32_write_word(b, b->size, w[i]);
      b->size += 4;
    }
  }
  return A32_OK;
}

a32_status a32_word(a32_buf *b, uint32_t w) { return a32_put(b, w); }

a32_status a32_align(a32_buf *b, unsigned align) {
  if (!b)
    return A32_ERR_ARG;
  if (align < 4 || (align & (align - 1)) != 0)
    return a32_fail(b, A32_ERR_ARG, "a32_align",
                    "alignment %u is not a power of two >= 4", align);
  size_t pos = a32_pos(b);
  size_t pad = (align - pos % align) % align / 4;
  A32_TRY(a32_reserve(b, pad));
  if (b->patching) {
    for (size_t i = 0; i < pad; i++)
      A32_TRY(a32_put(b, A32_NOP_AL));  /* cannot fail after the reserve */
  } else {
    for (size_t i = 0; i < pad; i++, b->size += 4)
      a32_write_word(b, b->size, A32_NOP_AL);
  }
  return A32_OK;
}

a32_status a32_buf_patch_begin(a32_buf *b, size_t offset) {
  if (!b)
    return A32_ERR_ARG;
  if (offset % 4)
    return a32_fail(b, A32_ERR_ALIGN, "a32_buf_patch_begin",
                    "offset 0x%zx is not a multiple of 4", offset);
  if (offset > b->size)
    return a32_fail(b, A32_ERR_RANGE, "a32_buf_patch_begin",
                    "offset 0x%zx is past the end (0x%zx)", offset, b->size);
  b->patching = true;
  b->patch_pos = offset;
  return A32_OK;
}

void a32_buf_patch_end(a32_buf *b) {
  if (b)
    b->patching = false;
}
