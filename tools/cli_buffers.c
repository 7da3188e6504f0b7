/* SPDX-License-Identifier: MIT */
/* The CLI's memory buffers: --alloc NAME=SPEC makes them (registered as
 * symbols), --dump NAME[:FMT] prints them after a run. */
#include <inttypes.h>

#include "cli_impl.h"

void armjit_cli_bufs_free(cli_bufs *b) {
  for (int k = 0; k < b->n; k++) { free(b->v[k].name); free(b->v[k].mem); }
  free(b->v);
}

/* Element types of --alloc values and --dump formats. */
typedef struct {
  const char *name;
  unsigned size;   /* bytes; 0 for str */
  bool is_signed, is_float;
} elem_type;
static const elem_type elem_types[] = {
    {"u8", 1, false, false},  {"i8", 1, true, false},  {"u16", 2, false, false},
    {"i16", 2, true, false},  {"u32", 4, false, false}, {"i32", 4, true, false},
    {"f64", 8, false, true},  {"str", 0, false, false},
};

static const elem_type *find_elem(const char *s, size_t n) {
  for (size_t k = 0; k < sizeof elem_types / sizeof elem_types[0]; k++)
    if (strlen(elem_types[k].name) == n && memcmp(elem_types[k].name, s, n) == 0)
      return &elem_types[k];
  return NULL;
}

#define MAX_BUFFER ((uint64_t)1 << 26) /* 64 MiB */

/* One value of type e into dst; false when it does not parse or fit. */
static bool store_elem(const elem_type *e, const char *s, unsigned char *dst) {
  if (e->is_float) {
    double d;
    if (!parse_float(s, &d)) return false;
    memcpy(dst, &d, 8);
    return true;
  }
  int64_t lo = e->is_signed ? -((int64_t)1 << (e->size * 8 - 1)) : 0;
  int64_t hi = e->is_signed ? ((int64_t)1 << (e->size * 8 - 1)) - 1
                            : (int64_t)(((uint64_t)1 << (e->size * 8)) - 1);
  int64_t v;
  if (!parse_range(s, lo, hi, &v)) return false;
  uint32_t u = (uint32_t)v;
  uint16_t h = (uint16_t)u;
  uint8_t b = (uint8_t)u;
  memcpy(dst, e->size == 4 ? (void *)&u : e->size == 2 ? (void *)&h : (void *)&b, e->size);
  return true;
}

/* NAME=SPEC (see ALLOC_HELP) into a new buffer; a message and false on error. */
static bool make_buffer(const char *arg, cli_buf *out, const char *where, FILE *err) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg) {
    fprintf(err, "%s: error: --alloc '%s' is not NAME=SPEC\n", where, arg);
    return false;
  }
  const char *spec = eq + 1;
  uint64_t size = 0;
  bool sized = isdigit((unsigned char)*spec);
  if (sized) {
    size_t n = strcspn(spec, ":");
    char num[24];
    if (n >= sizeof num) n = sizeof num - 1;
    memcpy(num, spec, n);
    num[n] = '\0';
    if (!parse_u64(num, MAX_BUFFER, &size) || size == 0) {
      fprintf(err, "%s: error: --alloc %s: size '%s' is not 1 .. %" PRIu64 " bytes\n", where,
              arg, num, MAX_BUFFER);
      return false;
    }
    spec += strcspn(spec, ":");
    spec += *spec == ':';
  }
  const elem_type *e = NULL;
  const char *vals = NULL;
  if (*spec) {
    size_t n = strcspn(spec, ":");
    if (!spec[n] || !(e = find_elem(spec, n))) {
      fprintf(err,
              "%s: error: --alloc %s: expected TYPE:VALUES after the size, TYPE one of u8 "
              "i8 u16 i16 u32 i32 f64 str\n",
              where, arg);
      return false;
    }
    vals = spec + n + 1;
  }
  /* Count the values to size the buffer. */
  uint64_t need = 0;
  if (e && e->size == 0) need = strlen(vals) + 1;
  else if (e) {
    uint64_t count = 1;
    for (const char *p = vals; *p; p++) count += *p == ',';
    need = count * e->size;
  }
  if (!sized) size = need;
  if (need > size) {
    fprintf(err, "%s: error: --alloc %s: the values need %" PRIu64 " bytes, the buffer has %" PRIu64
                 "\n", where, arg, need, size);
    return false;
  }
  out->name = malloc((size_t)(eq - arg) + 1);
  out->mem = calloc((size_t)((size + 7) & ~(uint64_t)7), 1);
  out->size = (size_t)size;
  if (!out->name || !out->mem) {
    free(out->name);
    free(out->mem);
    fprintf(err, "%s: error: out of memory for --alloc %s\n", where, arg);
    return false;
  }
  memcpy(out->name, arg, (size_t)(eq - arg));
  out->name[eq - arg] = '\0';
  if (e && e->size == 0) memcpy(out->mem, vals, strlen(vals));
  else if (e) {
    unsigned char *dst = out->mem;
    for (const char *p = vals;; dst += e->size) {
      size_t n = strcspn(p, ",");
      char one[64];
      bool ok = n < sizeof one;
      if (ok) { memcpy(one, p, n); one[n] = '\0'; ok = store_elem(e, one, dst); }
      if (!ok) {
        fprintf(err, "%s: error: --alloc %s: '%.*s' is not a valid %s\n", where, out->name,
                (int)n, p, e->name);
        free(out->name);
        free(out->mem);
        return false;
      }
      if (!p[n]) break;
      p += n + 1;
    }
  }
  return true;
}

/* Where a word list came from, for messages: "FILE:LINE" or "armjit". */
static void words_where(const cli_words *w, const char *file, char *buf, size_t n) {
  if (w->line) snprintf(buf, n, "%s:%d", file, w->line);
  else snprintf(buf, n, "armjit");
}

static bool same_name(const char *spec, const char *other) {
  size_t n = strcspn(spec, "=");
  return strncmp(spec, other, n) == 0 && other[n] == '=';
}

int armjit_cli_make_buffers(const cli_words *file_w, const cli_words *cmd_w, const char *file,
                        armjit_ctx *ctx, cli_bufs *b, FILE *err) {
  int nf = file_w->n > 0 ? file_w->n : 0, nc = cmd_w->n > 0 ? cmd_w->n : 0;
  if (nf + nc == 0) return 0;
  b->v = calloc((size_t)(nf + nc), sizeof *b->v);
  if (!b->v) { fprintf(err, "armjit: error: out of memory\n"); return 1; }
  for (int k = 0; k < nf + nc; k++) {
    const cli_words *w = k < nf ? file_w : cmd_w;
    const char *spec = k < nf ? file_w->v[k] : cmd_w->v[k - nf];
    bool replaced = false;
    for (int j = 0; k < nf && j < nc; j++) replaced |= same_name(spec, cmd_w->v[j]);
    if (replaced) continue;
    char where[512];
    words_where(w, file, where, sizeof where);
    if (!make_buffer(spec, &b->v[b->n], where, err)) return 1;
    cli_buf *nb = &b->v[b->n++];
    armjit_status st = armjit_ctx_add_symbol(ctx, nb->name, (uintptr_t)nb->mem);
    if (st != ARMJIT_OK) {
      fprintf(err, "%s: error: --alloc %s: %s\n", where, nb->name,
              st == ARMJIT_E_INVALID ? "the name is taken (a built-in or another buffer)"
                                     : "the name is not a C identifier of at most 48 characters");
      return 1;
    }
  }
  return 0;
}

static void dump_buffer(FILE *out, const cli_buf *b, const elem_type *e) {
  fprintf(out, "dump %s (%zu bytes%s%s):", b->name, b->size, e ? ", " : "", e ? e->name : "");
  if (!e) {
    for (size_t k = 0; k < b->size; k++) {
      if (k % 16 == 0) fprintf(out, "\n  %08zx ", k);
      fprintf(out, "%s%02x", k % 16 == 8 ? "  " : " ", b->mem[k]);
    }
    fputc('\n', out);
    return;
  }
  fputc(' ', out);
  if (e->size == 0) {
    fputc('"', out);
    for (size_t k = 0; k < b->size && b->mem[k]; k++) {
      unsigned char c = b->mem[k];
      if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
      else if (c == '\n') fputs("\\n", out);
      else if (c >= 32 && c < 127) fputc(c, out);
      else fprintf(out, "\\x%02x", c);
    }
    fputs("\"\n", out);
    return;
  }
  for (size_t k = 0; k + e->size <= b->size; k += e->size) {
    if (k) fputc(' ', out);
    const unsigned char *p = b->mem + k;
    if (e->is_float) {
      double d;
      memcpy(&d, p, 8);
      print_float(out, d);
    } else {
      uint32_t u = 0;
      uint16_t h;
      if (e->size == 4) memcpy(&u, p, 4);
      else if (e->size == 2) { memcpy(&h, p, 2); u = h; }
      else u = *p;
      int64_t v = u;
      if (e->is_signed && (u >> (e->size * 8 - 1)) & 1) v -= (int64_t)1 << (e->size * 8);
      fprintf(out, "%" PRId64, v);
    }
  }
  fputc('\n', out);
}

int armjit_cli_dump_buffers(const cli_words *w, const char *file, const cli_bufs *b, FILE *out,
                        FILE *err, bool check_only) {
  for (int k = 0; k < (w->n > 0 ? w->n : 0); k++) {
    const char *s = w->v[k];
    size_t n = strcspn(s, ":");
    const cli_buf *buf = NULL;
    for (int j = 0; j < b->n; j++)
      if (strlen(b->v[j].name) == n && memcmp(b->v[j].name, s, n) == 0) buf = &b->v[j];
    const elem_type *e = NULL; /* NULL: hex */
    if (s[n] && strcmp(s + n + 1, "hex") != 0 && !(e = find_elem(s + n + 1, strlen(s + n + 1)))) {
      fprintf(err, "%s: error: --dump %s: unknown format (hex u8 i8 u16 i16 u32 i32 f64 str)\n",
              file, s);
      return 1;
    }
    if (!buf) {
      fprintf(err, "%s: error: --dump %.*s: no --alloc buffer has that name\n", file, (int)n, s);
      return 1;
    }
    if (!check_only) dump_buffer(out, buf, e);
  }
  return 0;
}

