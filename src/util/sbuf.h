/* SPDX-License-Identifier: MIT */
/* The library's one growable string buffer, allocating through the
 * context's hooks.  A failed allocation makes the buffer `failed`: later
 * appends do nothing, so a writer checks once at the end. */
#ifndef ARMJIT_UTIL_SBUF_H
#define ARMJIT_UTIL_SBUF_H

#include "util/ctx.h"

#include <string.h>

typedef struct {
  armjit_ctx *ctx;
  char *p;           /* NUL-terminated once anything was added */
  size_t len, cap;
  bool failed;
} ajx_sbuf;

static inline void ajx_sb_init(ajx_sbuf *b, armjit_ctx *ctx) {
  b->ctx = ctx;
  b->p = NULL;
  b->len = b->cap = 0;
  b->failed = false;
}
/* Room for `extra` more bytes and the terminator; false (and `failed`)
 * when it cannot be had. */
bool ajx_sb_grow(ajx_sbuf *b, size_t extra);
/* Appends are inline: the printers call them for every token. */
static inline void ajx_sb_add(ajx_sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap && !ajx_sb_grow(b, n)) return;
  if (b->failed) return;
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}
static inline void ajx_sb_puts(ajx_sbuf *b, const char *s) { ajx_sb_add(b, s, strlen(s)); }
void ajx_sb_printf(ajx_sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The text as a malloc'd string (for APIs whose caller frees with free());
 * NULL when the buffer failed or malloc does.  The buffer is left empty. */
char *ajx_sb_take_malloced(ajx_sbuf *b);
void ajx_sb_free(ajx_sbuf *b);

#endif
