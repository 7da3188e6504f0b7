/* SPDX-License-Identifier: MIT */
/* Printing descriptors: one "descr NAME = KIND(...)" line each, in id order
 * (so parsing the text gives the same ids), and sym(NAME) for ref constants
 * that are registered symbols.  Canonical property order:
 *   field(offset=O, size=S[, signed], TYPE)
 *   array(base=B, item=S[, signed], TYPE[, len=L])
 *   interior(base=B, item=I[, len=L], offset=O, size=S[, signed], TYPE)
 *   str(base=B, item=1, len=L)      unicode(base=B, item=S, len=L)
 *   call(args=[T, ...], result=T[, may_raise][, may_force])
 * size/item are left out for refs: the pointer size is the machine's, and
 * text without it reads the same on 32- and 64-bit hosts. */
#include "ir/descr_impl.h"
#include "util/sym.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  armjit_ctx *ctx;
  char *p;
  size_t len, cap;
  bool failed;
} tbuf;

static void put(tbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(tbuf *b, const char *fmt, ...) {
  if (b->failed) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) { b->failed = true; return; }
    if (b->p && b->len + (size_t)n < b->cap) { b->len += (size_t)n; return; }
    size_t cap = b->cap ? b->cap : 256;
    while (cap <= b->len + (size_t)n) cap *= 2;
    char *p = ajx_realloc(b->ctx, b->p, cap);
    if (!p) { b->failed = true; return; }
    b->p = p;
    b->cap = cap;
  }
}

/* ", size=S[, signed], TYPE" with `key` for the size. */
static void put_value(tbuf *b, const ir_descr *d, const char *key, uint32_t size) {
  if (d->type != ARMJIT_REF) put(b, ", %s=%" PRIu32, key, size);
  put(b, "%s, %s", d->is_signed ? ", signed" : "", ir_type_name((armjit_type)d->type));
}

static void put_decl(tbuf *b, const ir_descr *d, const char *name) {
  put(b, "descr %s = %s(", name, ir_descr_kind_name(d->kind));
  switch ((ir_descr_kind)d->kind) {
  case IR_DESCR_FIELD:
    put(b, "offset=%" PRId32, d->offset);
    put_value(b, d, "size", d->size);
    break;
  case IR_DESCR_ARRAY:
    put(b, "base=%" PRId32, d->base);
    put_value(b, d, "item", d->item_size);
    if (d->has_len) put(b, ", len=%" PRId32, d->len_offset);
    break;
  case IR_DESCR_INTERIOR:
    put(b, "base=%" PRId32 ", item=%" PRIu32, d->base, d->item_size);
    if (d->has_len) put(b, ", len=%" PRId32, d->len_offset);
    put(b, ", offset=%" PRId32, d->offset);
    put_value(b, d, "size", d->size);
    break;
  case IR_DESCR_STR:
  case IR_DESCR_UNICODE:
    put(b, "base=%" PRId32 ", item=%" PRIu32 ", len=%" PRId32, d->base, d->item_size,
        d->len_offset);
    break;
  default:
    put(b, "args=[");
    for (uint32_t k = 0; k < d->nargs; k++)
      put(b, "%s%s", k ? ", " : "", ir_type_name((armjit_type)d->args[k]));
    put(b, "], result=%s", ir_type_name((armjit_type)d->type));
    if (d->flags & ARMJIT_CALL_MAY_RAISE) put(b, ", may_raise");
    if (d->flags & ARMJIT_CALL_MAY_FORCE) put(b, ", may_force");
    break;
  }
  put(b, ")\n");
}

/* D<id>, with '_' appended until no exit, label or descriptor has it.
 * Generated names never clash with each other: their digits differ. */
static char *gen_name(const armjit_trace *t, uint32_t id) {
  char tmp[64];
  int len = snprintf(tmp, sizeof tmp, "D%" PRIu32, id);
  while (ir_descr_name_used(t, tmp) && len + 1 < (int)sizeof tmp) {
    tmp[len++] = '_';
    tmp[len] = 0;
  }
  char *s = ajx_alloc(t->ctx, (size_t)len + 1);
  if (s) memcpy(s, tmp, (size_t)len + 1);
  return s;
}

bool ir_descr_text_make(const armjit_trace *t, ir_descr_text *out) {
  out->names = ajx_calloc(t->ctx, t->ndescrs ? t->ndescrs : 1, sizeof *out->names);
  out->decls = NULL;
  if (!out->names) return false;
  tbuf b = {t->ctx, NULL, 0, 0, false};
  put(&b, "%s", "");
  for (uint32_t i = 0; i < t->ndescrs && !b.failed; i++) {
    const ir_descr *d = &t->descrs[i];
    out->names[i] = d->name ? d->name : gen_name(t, i);
    if (!out->names[i]) b.failed = true;
    else put_decl(&b, d, out->names[i]);
  }
  out->decls = b.p;
  if (b.failed) {
    ir_descr_text_free(t, out);
    return false;
  }
  return true;
}

void ir_descr_text_free(const armjit_trace *t, ir_descr_text *dt) {
  if (dt->names)
    for (uint32_t i = 0; i < t->ndescrs; i++)
      if (dt->names[i] != t->descrs[i].name) ajx_free(t->ctx, dt->names[i]);
  ajx_free(t->ctx, dt->names);
  ajx_free(t->ctx, dt->decls);
  dt->names = NULL;
  dt->decls = NULL;
}

bool ir_format_sym(const armjit_trace *t, uintptr_t addr, char *buf, size_t n) {
  const char *name = addr ? ajx_sym_name(t->ctx, addr) : NULL;
  if (!name) return false;
  snprintf(buf, n, "sym(%s)", name);
  return true;
}
