/* SPDX-License-Identifier: MIT */
/* The symbol table of a context: an array of entries and two open-addressing
 * indexes over it (by name, by address), rebuilt whenever they grow. */
#include "util/sym.h"
#include "util/hash.h"

#include <string.h>

typedef struct {
  char *name;
  uintptr_t addr;
} sym_ent;

struct ajx_symtab {
  sym_ent *e;
  uint32_t n, cap;
  uint32_t *by_name, *by_addr;  /* entry index + 1, 0 = empty */
  uint32_t mask;                /* index size - 1 (a power of two) */
};

static uint32_t hash_name(const char *s, size_t n) { return ajx_hash(s, n); }

static uint32_t hash_addr(uintptr_t a) {
  uint64_t x = (uint64_t)a * UINT64_C(0x9e3779b97f4a7c15);
  return (uint32_t)(x >> 32);
}

static bool name_is(const sym_ent *e, const char *s, size_t n) {
  return strlen(e->name) == n && memcmp(e->name, s, n) == 0;
}

/* Index entry k; by_addr keeps the first entry of each address. */
static void index_ent(struct ajx_symtab *st, uint32_t k) {
  const sym_ent *e = &st->e[k];
  uint32_t i = hash_name(e->name, strlen(e->name)) & st->mask;
  while (st->by_name[i]) i = (i + 1) & st->mask;
  st->by_name[i] = k + 1;
  for (i = hash_addr(e->addr) & st->mask; st->by_addr[i]; i = (i + 1) & st->mask)
    if (st->e[st->by_addr[i] - 1].addr == e->addr) return;
  st->by_addr[i] = k + 1;
}

/* Room for one more entry, indexes at most half full. */
static bool grow(armjit_ctx *ctx, struct ajx_symtab *st) {
  if (!ajx_grow(ctx, (void **)&st->e, &st->cap, st->n + 1, sizeof *st->e)) return false;
  if (st->by_name && (st->n + 1) * 2 <= st->mask + 1) return true;
  uint32_t size = st->by_name ? (st->mask + 1) * 2 : 64;
  uint32_t *bn = ajx_calloc(ctx, size, sizeof *bn);
  uint32_t *ba = ajx_calloc(ctx, size, sizeof *ba);
  if (!bn || !ba) {
    ajx_free(ctx, bn);
    ajx_free(ctx, ba);
    return false;
  }
  ajx_free(ctx, st->by_name);
  ajx_free(ctx, st->by_addr);
  st->by_name = bn;
  st->by_addr = ba;
  st->mask = size - 1;
  for (uint32_t k = 0; k < st->n; k++) index_ent(st, k);
  return true;
}

static const sym_ent *find(const struct ajx_symtab *st, const char *s, size_t n) {
  if (!st || !st->by_name) return NULL; /* no index yet: its first growth failed */
  for (uint32_t i = hash_name(s, n) & st->mask; st->by_name[i]; i = (i + 1) & st->mask)
    if (name_is(&st->e[st->by_name[i] - 1], s, n)) return &st->e[st->by_name[i] - 1];
  return NULL;
}

static bool valid_name(const char *s) {
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(n > 0 && c >= '0' && c <= '9')) return false;
  }
  return n > 0 && n <= AJX_SYM_MAX;
}

armjit_status armjit_ctx_add_symbol(armjit_ctx *ctx, const char *name, uintptr_t addr) {
  if (!ctx || !name) return ARMJIT_E_ARG;
  if (!valid_name(name)) return ARMJIT_E_ARG;
  struct ajx_symtab *st = ctx->syms;
  const sym_ent *old = find(st, name, strlen(name));
  if (old) return old->addr == addr ? ARMJIT_OK : ARMJIT_E_INVALID;
  if (!st) {
    st = ajx_calloc(ctx, 1, sizeof *st);
    if (!st) return ARMJIT_E_NOMEM;
    ctx->syms = st;
  }
  char *copy = ajx_strdup(ctx, name);
  if (!copy || !grow(ctx, st)) {
    ajx_free(ctx, copy);
    return ARMJIT_E_NOMEM;
  }
  st->e[st->n].name = copy;
  st->e[st->n].addr = addr;
  index_ent(st, st->n++);
  return ARMJIT_OK;
}

bool armjit_ctx_symbol(const armjit_ctx *ctx, const char *name, uintptr_t *addr) {
  return ctx && name && ajx_sym_addr(ctx, name, strlen(name), addr);
}

bool ajx_sym_addr(const armjit_ctx *ctx, const char *name, size_t len, uintptr_t *addr) {
  const sym_ent *e = find(ctx->syms, name, len);
  if (e && addr) *addr = e->addr;
  return e != NULL;
}

const char *ajx_sym_name(const armjit_ctx *ctx, uintptr_t addr) {
  const struct ajx_symtab *st = ctx->syms;
  if (!st || !st->by_addr) return NULL;
  for (uint32_t i = hash_addr(addr) & st->mask; st->by_addr[i]; i = (i + 1) & st->mask)
    if (st->e[st->by_addr[i] - 1].addr == addr) return st->e[st->by_addr[i] - 1].name;
  return NULL;
}

void ajx_syms_free(armjit_ctx *ctx) {
  struct ajx_symtab *st = ctx->syms;
  if (!st) return;
  for (uint32_t k = 0; k < st->n; k++) ajx_free(ctx, st->e[k].name);
  ajx_free(ctx, st->e);
  ajx_free(ctx, st->by_name);
  ajx_free(ctx, st->by_addr);
  ajx_free(ctx, st);
  ctx->syms = NULL;
}
