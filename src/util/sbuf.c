/* SPDX-License-Identifier: MIT */
/* The growable string buffer (util/sbuf.h). */
#include "util/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(ajx_sbuf *b, size_t extra) {
  if (b->failed) return false;
  if (extra > SIZE_MAX / 4 - b->len) { b->failed = true; return false; }
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  char *p = ajx_realloc(b->ctx, b->p, cap);
  if (!p) { b->failed = true; return false; }
  b->p = p;
  b->cap = cap;
  return true;
}

bool ajx_sb_grow(ajx_sbuf *b, size_t extra) { return reserve(b, extra); }

void ajx_sb_printf(ajx_sbuf *b, const char *fmt, ...) {
  if (!reserve(b, 0)) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  if (n < 0) { b->failed = true; return; }
  if ((size_t)n >= b->cap - b->len) { /* did not fit: grow and format again */
    if (!reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

char *ajx_sb_take_malloced(ajx_sbuf *b) {
  char *s = NULL;
  if (reserve(b, 0) && (s = malloc(b->len + 1)) != NULL) {
    memcpy(s, b->p, b->len);
    s[b->len] = 0;
  }
  ajx_sb_free(b);
  return s;
}

void ajx_sb_free(ajx_sbuf *b) {
  ajx_free(b->ctx, b->p);
  ajx_sb_init(b, b->ctx);
}
