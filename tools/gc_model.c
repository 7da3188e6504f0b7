/* SPDX-License-Identifier: MIT */
/* gc_model.c — the moving collector of the tests and the CLI (gc_model.h). */
#include "gc_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken rule: abort, or (lenient) keep the first message and stop. */
static void die(gcm *g, const char *what, uintptr_t p) {
  if (!g->lenient) {
    fprintf(stderr, "gc_model: %s (%#lx)\n", what, (unsigned long)p);
    abort();
  }
  if (!g->broken) snprintf(g->error, sizeof g->error, "%s (%#lx)", what, (unsigned long)p);
  g->broken = true;
}

static bool push(gcm *g, uintptr_t **v, uint32_t *n, uint32_t *cap, uintptr_t x) {
  if (*n == *cap) {
    uint32_t nc = *cap ? *cap * 2 : 64;
    uintptr_t *nv = realloc(*v, nc * sizeof **v);
    if (!nv) { die(g, "out of memory", 0); return false; }
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = x;
  return true;
}

static uint16_t tid_of(uintptr_t p) {
  uint16_t t;
  memcpy(&t, (const void *)(p + GCM_TID_OFF), 2);
  return t;
}
static int32_t len_at(uintptr_t p, int32_t off) {
  int32_t n;
  memcpy(&n, (const void *)(p + (uintptr_t)off), 4);
  return n;
}
static uintptr_t word(uintptr_t addr) {
  uintptr_t w;
  memcpy(&w, (const void *)addr, sizeof w);
  return w;
}

static uint32_t size_of(const gcm *g, uint32_t tid, int32_t len) {
  if (tid >= g->ntypes) return 0;
  const gcm_type *ty = &g->types[tid];
  uint64_t n = ty->kind == GCM_FIXED   ? ty->size
               : ty->kind == GCM_ARRAY ? (uint64_t)GCM_ARRAY_BASE + (uint64_t)(uint32_t)len * ty->item
                                       : (uint64_t)GCM_STR_BASE + (uint64_t)(uint32_t)len * ty->item;
  return n > 0x3ffffff8u ? 0 : (uint32_t)((n + 7u) & ~7u);
}

uint32_t gcm_size(const gcm *g, uintptr_t p) {
  uint32_t tid = tid_of(p);
  if (tid >= g->ntypes) return 0;
  gcm_kind k = g->types[tid].kind;
  return size_of(g, tid, k == GCM_FIXED ? 0 : len_at(p, k == GCM_ARRAY ? GCM_ARRAY_LEN : GCM_STR_LEN));
}

/* The addresses of p's ref fields: fn(g, &field). */
static void each_ref(gcm *g, uintptr_t p, void (*fn)(gcm *, uintptr_t *)) {
  const gcm_type *ty = &g->types[tid_of(p)];
  if (ty->kind == GCM_FIXED) {
    for (uint32_t k = 0; k < ty->nrefs; k++) fn(g, (uintptr_t *)(p + (uintptr_t)ty->refs[k]));
  } else if (ty->kind == GCM_ARRAY && ty->ref_items) {
    int32_t n = len_at(p, GCM_ARRAY_LEN);
    for (int32_t i = 0; i < n; i++)
      fn(g, (uintptr_t *)(p + GCM_ARRAY_BASE + (uintptr_t)i * ty->item));
  }
}

static uintptr_t from_start(const gcm *g) { return (uintptr_t)g->space[g->cur]; }

bool gcm_is_old(const gcm *g, uintptr_t p) {
  return p >= (uintptr_t)g->old && p < (uintptr_t)g->old + g->old_used;
}
static bool in_nursery(const gcm *g, uintptr_t p) {
  return p >= from_start(g) && p < g->free;
}

bool gcm_is_young(const gcm *g, uintptr_t p) {
  if (!in_nursery(g, p)) return false;
  for (uintptr_t q = from_start(g); q < g->free;) {
    if (q == p) return true;
    uint32_t s = gcm_size(g, q);
    if (!s) return false;
    q += s;
  }
  return false;
}

static void on_root(void *ud, uintptr_t *root) {
  gcm *g = ud;
  if (g->nroots == g->roots_cap) {
    uint32_t nc = g->roots_cap ? 2 * g->roots_cap : 64;
    uintptr_t **nv = realloc(g->rootv, nc * sizeof *nv);
    if (!nv) { die(g, "out of memory", 0); return; }
    g->rootv = nv;
    g->roots_cap = nc;
  }
  g->rootv[g->nroots++] = root;
}

/* mark[] per 8 bytes of the nursery: MARK_START at every object's start
 * (set first), MARK_LIVE once reached. */
enum { MARK_LIVE = 1, MARK_START = 2 };

/* Is p (in the nursery) the start of an object? */
static bool at_start(const gcm *g, uintptr_t p) {
  uintptr_t d = p - from_start(g);
  return d % 8 == 0 && (g->mark[d / 8] & MARK_START);
}

static void mark_ref(gcm *g, uintptr_t *field) {
  uintptr_t p = *field;
  if (!in_nursery(g, p)) return;
  if (!at_start(g, p)) { die(g, "a reference into the middle of an object", p); return; }
  uint32_t i = (uint32_t)((p - from_start(g)) / 8);
  if (g->mark[i] & MARK_LIVE) return;
  g->mark[i] |= MARK_LIVE;
  push(g, &g->stack, &g->nstack, &g->stack_cap, p);
}

static void forward_ref(gcm *g, uintptr_t *field) {
  uintptr_t p = *field;
  if (!in_nursery(g, p)) return;
  uintptr_t to = g->fwd[(p - from_start(g)) / 8];
  if (!to) { die(g, "a reference to an object that was not copied", p); return; }
  *field = to;
}

static void set_top(gcm *g) {
  uintptr_t end = (uintptr_t)g->space[g->cur] + g->cap;
  g->top = g->window && g->free + g->window < end ? g->free + g->window : end;
}

void gcm_collect(gcm *g) {
  if (g->broken) return;
  g->collections++;
  g->nroots = 0;
  if (g->ctx) g->roots += armjit_gc_walk_roots(g->ctx, on_root, g);
  uintptr_t start = from_start(g);
  uint32_t words = (uint32_t)(g->free - start) / 8;  /* the nursery in use */
  memset(g->mark, 0, words);
  memset(g->fwd, 0, words * sizeof *g->fwd);
  for (uintptr_t q = start; q < g->free;) {
    uint32_t s = gcm_size(g, q);
    if (!s || s > g->free - q) { die(g, "a nursery object with a bad header", q); return; }
    g->mark[(q - start) / 8] = MARK_START;
    q += s;
  }
  /* tagged words are no references; a word into the nursery that is no
   * object's start should not have been a root: count it, leave it */
  uint32_t kept = 0;
  for (uint32_t k = 0; k < g->nroots; k++) {
    uintptr_t p = *g->rootv[k];
    if (p & 1) continue;
    if (in_nursery(g, p) && !at_start(g, p)) {
      g->bad_roots++;
      continue;
    }
    g->rootv[kept++] = g->rootv[k];
  }
  g->nroots = kept;
  g->nstack = 0;
  for (uint32_t k = 0; k < g->nroots; k++) mark_ref(g, g->rootv[k]);
  for (uint32_t k = 0; k < g->nremembered; k++) each_ref(g, g->remembered[k], mark_ref);
  while (g->nstack && !g->broken) each_ref(g, g->stack[--g->nstack], mark_ref);
  if (g->broken) return; /* nothing has moved */
  /* copy the marked objects in address order */
  uint8_t *to = g->space[1 - g->cur];
  uint32_t used = (uint32_t)(g->free - start);
  if (used > g->hw[g->cur]) g->hw[g->cur] = used;
  memset(to, 0, g->hw[1 - g->cur]);
  uintptr_t dst = (uintptr_t)to;
  for (uintptr_t q = start; q < g->free;) {
    uint32_t s = gcm_size(g, q);
    uint32_t i = (uint32_t)((q - start) / 8);
    if (g->mark[i] & MARK_LIVE) {
      memcpy((void *)dst, (const void *)q, s);
      g->fwd[i] = dst;
      dst += s;
      g->moved++;
    }
    q += s;
  }
  for (uint32_t k = 0; k < g->nroots; k++) forward_ref(g, g->rootv[k]);
  for (uint32_t k = 0; k < g->nremembered; k++) each_ref(g, g->remembered[k], forward_ref);
  for (uintptr_t q = (uintptr_t)to; q < dst; q += gcm_size(g, q)) each_ref(g, q, forward_ref);
  memset(g->space[g->cur], 0xa5, g->hw[g->cur]); /* stale addresses read garbage */
  g->cur = 1 - g->cur;
  g->free = dst;
  g->hw[g->cur] = (uint32_t)(dst - (uintptr_t)to);
  set_top(g);
}

void gcm_collect_fn(gcm *g) { gcm_collect(g); }

static void *malloc_slowpath(void *ud, uint32_t size) {
  gcm *g = ud;
  g->slow_calls++;
  if (g->broken || (g->fail_at && g->slow_calls >= g->fail_at)) {
    if (!g->broken && g->oom_value && g->ctx) armjit_raise(g->ctx, g->oom_value);
    return NULL;
  }
  bool collected = false;
  if (g->every && g->slow_calls % g->every == 0) {
    gcm_collect(g);
    collected = true;
  }
  uintptr_t end = (uintptr_t)g->space[g->cur] + g->cap;
  if (end - g->free < size && !collected) gcm_collect(g);
  end = (uintptr_t)g->space[g->cur] + g->cap;
  if (g->broken) return NULL;
  if (end - g->free < size) {
    if (!g->lenient) die(g, "the nursery is full", size);
    snprintf(g->error, sizeof g->error, "out of memory: %u bytes do not fit in the nursery "
             "after a collection", (unsigned)size);
    return NULL;
  }
  uintptr_t p = g->free;
  g->free += size;
  set_top(g);
  return (void *)p;
}

static void remember(gcm *g, void *obj) {
  uintptr_t p = (uintptr_t)obj;
  g->wb_calls++;
  if (!gcm_is_old(g, p)) { die(g, "write barrier slow path on an object that is not old", p); return; }
  uint8_t *flags = (uint8_t *)(p + GCM_FLAGS_OFF);
  if (!(*flags & GCM_WB_FLAG)) { die(g, "write barrier slow path with the flag clear", p); return; }
  *flags &= (uint8_t)~GCM_WB_FLAG;
  if (push(g, &g->remembered, &g->nremembered, &g->remembered_cap, p)) g->remembered_n++;
}

static void wb_slowpath(void *ud, void *obj) { remember(ud, obj); }
static void wb_array_slowpath(void *ud, void *obj, int32_t index) {
  gcm *g = ud;
  g->wb_array_calls++;
  g->wb_index_hash = g->wb_index_hash * 1000003u + (uint32_t)index + 1u;
  remember(g, obj);
}

bool gcm_init(gcm *g, const gcm_type *types, uint32_t ntypes, uint32_t cap, uint32_t old_cap,
              uint32_t window, unsigned every) {
  memset(g, 0, sizeof *g);
  g->types = types;
  g->ntypes = ntypes;
  g->cap = (cap + 7u) & ~7u;
  g->old_cap = (old_cap + 7u) & ~7u;
  g->window = window;
  g->every = every;
  for (int k = 0; k < 2; k++) g->space[k] = calloc(g->cap ? g->cap : 1, 1);
  g->old = calloc(g->old_cap ? g->old_cap : 1, 1);
  g->mark = calloc(g->cap / 8 + 1, 1);
  g->fwd = calloc(g->cap / 8 + 1, sizeof *g->fwd);
  if (!g->space[0] || !g->space[1] || !g->old || !g->mark || !g->fwd) {
    gcm_fini(g);
    return false;
  }
  g->hw[0] = g->hw[1] = g->cap;
  g->descr.tid_offset = GCM_TID_OFF;
  g->descr.tid_size = 2;
  g->descr.flags_offset = GCM_FLAGS_OFF;
  g->descr.wb_flag = GCM_WB_FLAG;
  g->descr.nursery_free = (uintptr_t)&g->free;
  g->descr.nursery_top = (uintptr_t)&g->top;
  g->descr.malloc_slowpath = malloc_slowpath;
  g->descr.wb_slowpath = wb_slowpath;
  g->descr.wb_array_slowpath = wb_array_slowpath;
  g->descr.ud = g;
  gcm_reset(g);
  return true;
}

void gcm_reset(gcm *g) {
  uint32_t used = (uint32_t)(g->free - from_start(g));
  if (g->free && used > g->hw[g->cur]) g->hw[g->cur] = used;
  for (int k = 0; k < 2; k++) {
    memset(g->space[k], 0, g->hw[k]);
    g->hw[k] = 0;
  }
  g->cur = 0;
  memset(g->old, 0, g->old_used);
  g->old_used = 0;
  g->nremembered = 0;
  g->free = (uintptr_t)g->space[0];
  set_top(g);
  g->slow_calls = g->collections = g->moved = g->roots = g->wb_calls = g->remembered_n = 0;
  g->wb_array_calls = g->wb_index_hash = 0;
  g->bad_roots = 0;
  g->broken = false;
  g->error[0] = '\0';
}

void gcm_fini(gcm *g) {
  free(g->space[0]);
  free(g->space[1]);
  free(g->old);
  free(g->mark);
  free(g->fwd);
  free(g->remembered);
  free(g->rootv);
  free(g->stack);
  memset(g, 0, sizeof *g);
}

static void header(const gcm *g, uintptr_t p, uint32_t tid, int32_t len) {
  uint16_t t = (uint16_t)tid;
  memcpy((void *)(p + GCM_TID_OFF), &t, 2);
  gcm_kind k = g->types[tid].kind;
  if (k != GCM_FIXED) memcpy((void *)(p + (k == GCM_ARRAY ? GCM_ARRAY_LEN : GCM_STR_LEN)), &len, 4);
}

uintptr_t gcm_new(gcm *g, uint32_t tid, int32_t len) {
  uint32_t s = size_of(g, tid, len);
  uintptr_t end = (uintptr_t)g->space[g->cur] + g->cap;
  if (!s || end - g->free < s) {
    die(g, "gcm_new: bad type or length, or the nursery is full", tid);
    return 0;
  }
  uintptr_t p = g->free;
  g->free += s;
  set_top(g);
  header(g, p, tid, len);
  return p;
}

uintptr_t gcm_old(gcm *g, uint32_t tid, int32_t len) {
  uint32_t s = size_of(g, tid, len);
  if (!s || g->old_cap - g->old_used < s) {
    die(g, "gcm_old: bad type or the old space is full", tid);
    return 0;
  }
  uintptr_t p = (uintptr_t)g->old + g->old_used;
  g->old_used += s;
  header(g, p, tid, len);
  *(uint8_t *)(p + GCM_FLAGS_OFF) = GCM_WB_FLAG;
  return p;
}

static bool ref_ok(const gcm *g, uintptr_t p) {
  return p == 0 || gcm_is_old(g, p) || gcm_is_young(g, p);
}

bool gcm_verify(const gcm *g, char *why, size_t n) {
  uintptr_t regions[2][2] = {{from_start(g), g->free},
                             {(uintptr_t)g->old, (uintptr_t)g->old + g->old_used}};
  for (int r = 0; r < 2; r++)
    for (uintptr_t q = regions[r][0]; q < regions[r][1];) {
      uint32_t s = gcm_size(g, q);
      if (!s) {
        snprintf(why, n, "object at %#lx: bad header (type id %u)", (unsigned long)q, tid_of(q));
        return false;
      }
      const gcm_type *ty = &g->types[tid_of(q)];
      uint32_t nf = ty->kind == GCM_FIXED ? ty->nrefs
                    : ty->kind == GCM_ARRAY && ty->ref_items ? (uint32_t)len_at(q, GCM_ARRAY_LEN)
                                                             : 0;
      for (uint32_t k = 0; k < nf; k++) {
        uintptr_t at = ty->kind == GCM_FIXED ? q + (uintptr_t)ty->refs[k]
                                             : q + GCM_ARRAY_BASE + (uintptr_t)k * ty->item;
        if (!ref_ok(g, word(at))) {
          snprintf(why, n, "object at %#lx (type %u): field at +%lu holds %#lx, no object",
                   (unsigned long)q, tid_of(q), (unsigned long)(at - q),
                   (unsigned long)word(at));
          return false;
        }
      }
      q += s;
    }
  return true;
}

const uint8_t *gcm_nursery(const gcm *g, uint32_t *bytes) {
  *bytes = (uint32_t)(g->free - from_start(g));
  return g->space[g->cur];
}

const uint8_t *gcm_old_space(const gcm *g, uint32_t *bytes) {
  *bytes = g->old_used;
  return g->old;
}
