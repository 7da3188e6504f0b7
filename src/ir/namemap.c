/* SPDX-License-Identifier: MIT */
/* A small string -> int map (open addressing, util/hash.h) for the
 * names of exits, labels and descriptors, and the parser's variable names
 * (the same map behind a table indexed by number, ir_varmap).
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

/* ---- variable names ---------------------------------------------------------- */
enum { VARS_LIMIT = 1024 };  /* the table's numbers without ir_vars_reserve */

static uint32_t vars_limit(const ir_varmap *m) { return m->limit ? m->limit : VARS_LIMIT; }

/* Entries [0, need) of the number table exist (new ones empty). */
static bool vars_grow(armjit_ctx *ctx, ir_varmap *m, uint32_t need) {
  uint32_t had = m->capnum;
  if (!ajx_grow(ctx, (void **)&m->num, &m->capnum, need, sizeof *m->num)) return false;
  if (m->capnum > had) memset(m->num + had, 0, (size_t)(m->capnum - had) * sizeof *m->num);
  return true;
}

bool ir_vars_find_map(const ir_varmap *m, const char *s, size_t n, ir_var *out) {
  const ir_name_ent *e = ir_names_find(&m->map, s, n);
  if (!e) return false;
  out->val = e->val;
  out->line = e->line;
  return true;
}

bool ir_vars_reserve(armjit_ctx *ctx, ir_varmap *m, uint32_t n) {
  if (m->capnum || n > (UINT32_MAX - VARS_LIMIT) / 2) return true;
  m->limit = 2 * n + VARS_LIMIT;
  if (!(m->num = ajx_calloc(ctx, n, sizeof *m->num))) return false;
  m->capnum = n;
  return true;
}

bool ir_vars_put_slow(armjit_ctx *ctx, ir_varmap *m, const char *key, size_t n, int64_t num,
                      ir_ref val, uint32_t line) {
  uint32_t letter = (unsigned char)key[0];
  if (num >= 0 && num < vars_limit(m) && val >= 0 && (uint32_t)val <= 0xffffffu) {
    if (!vars_grow(ctx, m, (uint32_t)num + 1)) return false;
    ir_var_slot *e = &m->num[num];
    if (!e->tag || e->tag >> 24 == letter) {
      *e = (ir_var_slot){letter << 24 | (uint32_t)val, line};
      return true;
    }
  }
  return ir_names_put(ctx, &m->map, key, n, val, line);
}

void ir_vars_free(armjit_ctx *ctx, ir_varmap *m) {
  ir_names_free(ctx, &m->map);
  ajx_free(ctx, m->num);
  m->num = NULL;
  m->capnum = m->limit = 0;
}
