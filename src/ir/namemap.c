/* SPDX-License-Identifier: MIT */
/* A small string -> int map (open addressing, util/hash.h) for the
 * parser's variable names and the names of exits, labels and descriptors.
 * Keys point into storage the caller keeps alive; lookups take (pointer,
 * length) so tokens need no copying. */
#include "ir/ir_impl.h"
#include "util/hash.h"

#include <string.h>

/* Names are short (i12, L, done): compared in line, not through memcmp. */
static bool same(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

static ir_name_ent *find_slot(ir_name_ent *e, uint32_t cap, const char *s, size_t n) {
  uint32_t i = ajx_hash(s, n) & (cap - 1);
  while (e[i].key && !(e[i].len == n && same(e[i].key, s, n)))
    i = (i + 1) & (cap - 1);
  return &e[i];
}

const ir_name_ent *ir_names_find(const ir_namemap *m, const char *s, size_t n) {
  if (!m->cap) return NULL;
  const ir_name_ent *e = find_slot(m->e, m->cap, s, n);
  return e->key ? e : NULL;
}

bool ir_names_reserve(armjit_ctx *ctx, ir_namemap *m, uint32_t n) {
  if (m->cap || n < 32) return true;
  uint32_t cap = 64;
  while (cap / 2 < n + 1 && cap < (1u << 30)) cap *= 2;
  if (!(m->e = ajx_calloc(ctx, cap, sizeof *m->e))) return false;
  m->cap = cap;
  return true;
}

bool ir_names_put(armjit_ctx *ctx, ir_namemap *m, const char *key, size_t n,
                  int32_t val, uint32_t line) {
  if ((m->n + 1) * 2 > m->cap) { /* keep the load under one half */
    uint32_t cap = m->cap ? m->cap * 2 : 64;
    ir_name_ent *e = ajx_calloc(ctx, cap, sizeof *e);
    if (!e) return false;
    for (uint32_t i = 0; i < m->cap; i++)
      if (m->e[i].key) *find_slot(e, cap, m->e[i].key, m->e[i].len) = m->e[i];
    ajx_free(ctx, m->e);
    m->e = e;
    m->cap = cap;
  }
  ir_name_ent *e = find_slot(m->e, m->cap, key, n);
  if (!e->key) m->n++;
  e->key = key;
  e->len = (uint32_t)n;
  e->val = val;
  e->line = line;
  return true;
}

void ir_names_free(armjit_ctx *ctx, ir_namemap *m) {
  ajx_free(ctx, m->e);
  m->e = NULL;
  m->cap = m->n = 0;
}
