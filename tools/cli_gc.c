/* SPDX-License-Identifier: MIT */
/* The CLI's garbage collector (--gc WORD, '# gc:' lines): the moving
 * nursery of gc_model.h, lenient (a broken heap or a full nursery ends the
 * run with a message, never an abort), its object types from the words,
 * and the symbols a trace uses to reach it. */
#include <inttypes.h>

#include "cli_impl.h"

#define GC_MAX_SPACE ((uint64_t)1 << 26) /* 64 MiB */
#define GC_MAX_TID 1023u

static bool gc_error(FILE *err, const char *where, const char *word, const char *why) {
  fprintf(err, "%s: error: gc word '%s': %s\n", where, word, why);
  return false;
}

/* Comma-separated byte offsets of ref fields into ty->refs. */
static bool parse_refs(const char *s, gcm_type *ty) {
  while (*s) {
    size_t n = strcspn(s, ",");
    char num[24];
    uint64_t off;
    if (n == 0 || n >= sizeof num) return false;
    memcpy(num, s, n);
    num[n] = '\0';
    if (ty->nrefs == sizeof ty->refs / sizeof ty->refs[0] || !parse_u64(num, ty->size, &off) ||
        off % GCM_P || off < (uint64_t)GCM_FIELDS || off + (uint64_t)GCM_P > ty->size)
      return false;
    ty->refs[ty->nrefs++] = (int32_t)off;
    s += n + (s[n] == ',');
  }
  return true;
}

/* type=TID:fixed:SIZE[:OFF,...] | type=TID:array:ITEM[:ref] | type=TID:str:ITEM */
static bool parse_type(cli_gc *gc, const char *word, const char *spec, const char *where,
                       FILE *err) {
  char buf[128];
  if (strlen(spec) >= sizeof buf) return gc_error(err, where, word, "too long");
  strcpy(buf, spec);
  char *parts[4] = {0};
  int np = 0;
  for (char *p = buf; np < 4;) {
    parts[np++] = p;
    char *c = strchr(p, ':');
    if (!c) break;
    *c = '\0';
    p = c + 1;
  }
  uint64_t tid, n;
  if (np < 3 || !parse_u64(parts[0], GC_MAX_TID, &tid) || tid == 0)
    return gc_error(err, where, word,
                    "expected type=TID:fixed:SIZE[:OFF,...], type=TID:array:ITEM[:ref] or "
                    "type=TID:str:ITEM, TID 1 .. 1023");
  if (tid < gc->ntypes && gc->types[tid].size + gc->types[tid].item)
    return gc_error(err, where, word, "the type id is declared twice");
  if (tid >= gc->ntypes) {
    gcm_type *nt = realloc(gc->types, (size_t)(tid + 1) * sizeof *nt);
    if (!nt) return gc_error(err, where, word, "out of memory");
    memset(nt + gc->ntypes, 0, (size_t)(tid + 1 - gc->ntypes) * sizeof *nt);
    gc->types = nt;
    gc->ntypes = (uint32_t)tid + 1;
  }
  gcm_type *ty = &gc->types[tid];
  if (strcmp(parts[1], "fixed") == 0) {
    if (!parse_u64(parts[2], 0x3ffffff8u, &n) || n < (uint64_t)GCM_P)
      return gc_error(err, where, word, "a fixed type's size is 4 .. 0x3ffffff8 bytes");
    ty->kind = GCM_FIXED;
    ty->size = (uint32_t)n;
    if (np == 4 && !parse_refs(parts[3], ty))
      return gc_error(err, where, word,
                      "ref offsets: at most 6, multiples of a pointer's size from 16 (after "
                      "the header and the class word), each field inside the object");
    return true;
  }
  bool array = strcmp(parts[1], "array") == 0;
  if (!array && strcmp(parts[1], "str") != 0)
    return gc_error(err, where, word, "the kind is fixed, array or str");
  if (!parse_u64(parts[2], 8, &n) || (n != 1 && n != 2 && n != 4 && n != 8) ||
      (!array && n == 8))
    return gc_error(err, where, word, "the item size is 1, 2, 4 or 8 bytes (str: 1, 2 or 4)");
  ty->kind = array ? GCM_ARRAY : GCM_STR;
  ty->item = (uint32_t)n;
  if (np == 4) {
    if (!array || strcmp(parts[3], "ref") != 0 || n != (uint64_t)GCM_P)
      return gc_error(err, where, word, "only an array of 4-byte items may say :ref");
    ty->ref_items = true;
  }
  return true;
}

static bool parse_word(cli_gc *gc, const char *word, const char *where, FILE *err,
                       uint64_t *sizes, uint64_t *every) {
  static const char *const keys[] = {"nursery", "old", "window"};
  const char *eq = strchr(word, '=');
  if (!eq) return gc_error(err, where, word, "expected KEY=VALUE");
  size_t kl = (size_t)(eq - word);
  if (kl == 4 && memcmp(word, "type", 4) == 0) return parse_type(gc, word, eq + 1, where, err);
  if (kl == 5 && memcmp(word, "every", 5) == 0) {
    if (!parse_u64(eq + 1, UINT32_MAX, every))
      return gc_error(err, where, word, "every=K takes a number (0: collect only when full)");
    return true;
  }
  for (int k = 0; k < 3; k++)
    if (strlen(keys[k]) == kl && memcmp(word, keys[k], kl) == 0) {
      if (!parse_u64(eq + 1, GC_MAX_SPACE, &sizes[k]) || (k < 2 && sizes[k] < 64))
        return gc_error(err, where, word, "a size of 64 bytes .. 64 MiB (window: 0 .. 64 MiB)");
      return true;
    }
  return gc_error(err, where, word, "the keys are nursery, old, window, every and type");
}

int armjit_cli_gc_make(const cli_words *file_w, const cli_words *cmd_w, const char *file,
                       cli_gc *gc, FILE *err) {
  memset(gc, 0, sizeof *gc);
  int nf = file_w->n > 0 ? file_w->n : 0, nc = cmd_w->n > 0 ? cmd_w->n : 0;
  if (nf + nc == 0) return 0;
  uint64_t sizes[3] = {1u << 16, 1u << 16, 0}, every = 1;
  for (int k = 0; k < nf + nc; k++) {
    char where[512];
    if (k < nf) snprintf(where, sizeof where, "%s:%d", file, file_w->line);
    else snprintf(where, sizeof where, "armjit");
    if (!parse_word(gc, k < nf ? file_w->v[k] : cmd_w->v[k - nf], where, err, sizes, &every))
      return 1;
  }
  if (sizes[2] > sizes[0]) {
    fprintf(err, "%s: error: gc: the window (%" PRIu64 " bytes) is larger than the nursery (%"
                 PRIu64 ")\n", file, sizes[2], sizes[0]);
    return 1;
  }
  if (!gcm_init(&gc->g, gc->types, gc->ntypes, (uint32_t)sizes[0], (uint32_t)sizes[1],
                (uint32_t)sizes[2], (unsigned)every)) {
    fprintf(err, "%s: error: out of memory for the collector\n", file);
    return 1;
  }
  gc->g.lenient = true;
  gc->on = true;
  return 0;
}

void armjit_cli_gc_options(cli_gc *gc, armjit_options *o) {
  if (!gc->on) return;
  o->gc = &gc->g.descr;
  o->class_offset = GCM_CLASS_OFF;
}

/* The trace's ways to the collector (listed by `armjit symbols`). */
static uintptr_t gc_old_fn(gcm *g, int32_t tid, int32_t len) {
  return tid > 0 ? gcm_old(g, (uint32_t)tid, len) : 0;
}

typedef struct {
  const char *name;
  void (*fn)(void);
  const char *descr, *what;
} gc_builtin;
#define FN(f) ((void (*)(void))(f))
static const gc_builtin gc_builtins[] = {
    {"gc_collect", FN(gcm_collect_fn), "call(args=[ref])",
     "gc_collect(sym(gc)): a collection now (every live young object moves)"},
    {"gc_old", FN(gc_old_fn), "call(args=[ref, int, int], result=ref)",
     "gc_old(sym(gc), tid, len): an old object (write-barrier flag set); null when it does "
     "not fit"},
};
#undef FN

int armjit_cli_gc_attach(cli_gc *gc, armjit_ctx *ctx, FILE *err) {
  if (!gc->on) return 0;
  gcm_attach(&gc->g, ctx);
  armjit_status st = armjit_ctx_add_symbol(ctx, "gc", (uintptr_t)&gc->g);
  for (size_t k = 0; st == ARMJIT_OK && k < sizeof gc_builtins / sizeof gc_builtins[0]; k++)
    st = armjit_ctx_add_symbol(ctx, gc_builtins[k].name, (uintptr_t)gc_builtins[k].fn);
  if (st != ARMJIT_OK) {
    fprintf(err, "armjit: error: cannot register the collector's symbols\n");
    return 1;
  }
  return 0;
}

void armjit_cli_gc_list_symbols(FILE *out) {
  fputs("With a collector (--gc, '# gc:' lines), also:\n", out);
  for (size_t k = 0; k < sizeof gc_builtins / sizeof gc_builtins[0]; k++)
    fprintf(out, "  %-13s %-52s %s\n", gc_builtins[k].name, gc_builtins[k].descr,
            gc_builtins[k].what);
  fprintf(out, "  %-13s %s\n", "gc", "the collector (pass it to the functions above)");
}

bool armjit_cli_gc_where(const cli_gc *gc, uintptr_t p, const char **space, uintptr_t *off) {
  if (!gc || !gc->on || !p) return false;
  uint32_t n;
  const uint8_t *base = gcm_nursery(&gc->g, &n);
  if (p >= (uintptr_t)base && p < (uintptr_t)base + n) {
    *space = "nursery";
    *off = p - (uintptr_t)base;
    return true;
  }
  base = gcm_old_space(&gc->g, &n);
  if (p >= (uintptr_t)base && p < (uintptr_t)base + n) {
    *space = "old";
    *off = p - (uintptr_t)base;
    return true;
  }
  return false;
}

int armjit_cli_gc_report(const cli_gc *gc, FILE *out, FILE *err, const char *file) {
  if (!gc->on) return 0;
  const gcm *g = &gc->g;
  uint32_t young, old;
  gcm_nursery(g, &young);
  gcm_old_space(g, &old);
  fprintf(out,
          "gc: %" PRIu64 " slow-path call%s, %" PRIu64 " collection%s, %" PRIu64
          " objects moved, %" PRIu64 " barrier call%s; nursery %" PRIu32 " bytes in use, old "
          "space %" PRIu32 "\n",
          g->slow_calls, g->slow_calls == 1 ? "" : "s", g->collections,
          g->collections == 1 ? "" : "s", g->moved, g->wb_calls, g->wb_calls == 1 ? "" : "s",
          young, old);
  char why[200];
  if (g->error[0]) {
    fprintf(err, "%s: error: gc: %s\n", file, g->error);
    return 1;
  }
  if (!gcm_verify(g, why, sizeof why)) {
    fprintf(err, "%s: error: gc: the heap is broken: %s\n", file, why);
    return 1;
  }
  return 0;
}

void armjit_cli_gc_free(cli_gc *gc) {
  if (gc->on) gcm_fini(&gc->g);
  free(gc->types);
  memset(gc, 0, sizeof *gc);
}
