/* SPDX-License-Identifier: MIT */
/* Data symbols and sections of the method IR (docs/mir.md, "data"): the
 * builder calls, the text form (parsed through the parser's cursor,
 * printed byte-exact), and the validator's rules.
 *
 * A data symbol is bytes (or zeros, for bss) with an alignment, in its
 * kind's section or a named one, with 32-bit words holding the address of
 * a symbol plus an addend (vtables, type descriptors, tables).  Functions
 * and data may be placed in named sections and made module-private
 * (local). */
#include "mc/mir_data.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DATA_MAX_SIZE (1u << 24)
#define DATA_MAX_ALIGN (1u << 16)
#define SECTION_NAME_MAX 63

static const char *const kind_word[] = {"rodata", "data", "bss"};
static const char *const kind_section[] = {".rodata", ".data", ".bss"};

bool mir_section_name_ok(const char *s, size_t n) {
  if (n < 2 || n > SECTION_NAME_MAX || s[0] != '.') return false;
  for (size_t i = 1; i < n; i++)
    if (!is_id(s[i]) && s[i] != '.' && s[i] != '$' && s[i] != '-') return false;
  static const char *const std[] = {".text", ".rodata", ".data", ".bss"};
  for (size_t k = 0; k < 4; k++)
    if (word_is(s, n, std[k])) return false;
  return true;
}

const char *mir_sym_section(const mir_sym *y) {
  if (y->section) return y->section;
  return y->kind == MIR_SYM_DATA ? kind_section[y->data->kind] : ".text";
}

void mir_data_free(armjit_ctx *ctx, mir_data *d) {
  if (!d) return;
  for (uint32_t i = 0; i < d->npending; i++) ajx_free(ctx, d->pending[i]);
  ajx_free(ctx, d->pending);
  ajx_free(ctx, d->bytes);
  ajx_free(ctx, d->relocs);
  ajx_free(ctx, d);
}

/* ---- building -------------------------------------------------------------------------- */
/* A new data symbol (no checks but room): ARMJIT_E_NOMEM / E_LIMIT. */
static armjit_status add_data(armjit_module *m, const char *name, size_t n, unsigned kind,
                              uint32_t size, uint32_t align, uint32_t *out) {
  mir_data *d = ajx_calloc(m->ctx, 1, sizeof *d);
  if (d && kind != ARMJIT_DATA_BSS && size && !(d->bytes = ajx_calloc(m->ctx, size, 1))) {
    ajx_free(m->ctx, d);
    d = NULL;
  }
  if (!d) return ARMJIT_E_NOMEM;
  d->kind = (uint8_t)kind;
  d->size = size;
  d->align = align;
  armjit_status st = mir_add_sym(m, MIR_SYM_DATA, name, n, NULL, 0, ARMJIT_T_VOID, out);
  if (st != ARMJIT_OK) mir_data_free(m->ctx, d);
  else m->syms[*out].data = d;
  return st;
}

static armjit_status add_reloc(armjit_module *m, mir_data *d, uint32_t off, int32_t sym,
                               int32_t addend, uint32_t line, uint32_t col) {
  if (!ajx_grow(m->ctx, (void **)&d->relocs, &d->relocs_cap, d->nrelocs + 1, sizeof *d->relocs))
    return ARMJIT_E_NOMEM;
  d->relocs[d->nrelocs++] = (mir_dreloc){off, sym, addend, line, col};
  m->validated = false;
  return ARMJIT_OK;
}

armjit_sym armjit_data(armjit_module *m, const char *name, armjit_data_kind kind,
                       const void *bytes, uint32_t size, uint32_t align) {
  static const char fn[] = "armjit_data";
  if (!m) return -1;
  if (!name || !mir_name_ok(name, strlen(name))) {
    mir_fail(m, ARMJIT_E_ARG, "%s: name %s%s%s is not a C identifier of at most %d bytes", fn,
             name ? "'" : "", name ? name : "NULL", name ? "'" : "", MIR_NAME_MAX);
    return -1;
  }
  if ((unsigned)kind > ARMJIT_DATA_BSS) {
    mir_fail(m, ARMJIT_E_ARG, "%s: @%s: bad kind %d", fn, name, (int)kind);
    return -1;
  }
  if (kind == ARMJIT_DATA_BSS && bytes) {
    mir_fail(m, ARMJIT_E_ARG, "%s: @%s: bss data has no initial bytes (pass NULL)", fn, name);
    return -1;
  }
  if (size > DATA_MAX_SIZE) {
    mir_fail(m, ARMJIT_E_LIMIT, "%s: @%s: %u bytes, at most %u", fn, name, size, DATA_MAX_SIZE);
    return -1;
  }
  if (mir_find_sym(m, name, strlen(name)) >= 0) {
    mir_fail(m, ARMJIT_E_INVALID, "%s: duplicate symbol @%s", fn, name);
    return -1;
  }
  uint32_t s;
  armjit_status st = add_data(m, name, strlen(name), kind, size, align, &s);
  if (st != ARMJIT_OK) {
    mir_fail(m, st, "%s: out of memory", fn);
    return -1;
  }
  if (bytes && size) memcpy(m->syms[s].data->bytes, bytes, size);
  return (armjit_sym)s;
}

static mir_sym *sym_of(armjit_module *m, const char *fn, armjit_sym s, bool data_only) {
  if (!m) return NULL;
  if (s < 0 || (uint32_t)s >= m->nsyms ||
      (data_only ? m->syms[s].kind != MIR_SYM_DATA : m->syms[s].kind == MIR_SYM_EXTERN)) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %d is not a %s of the module", fn, (int)s,
             data_only ? "data symbol" : "function or data symbol");
    return NULL;
  }
  return &m->syms[s];
}

armjit_status armjit_data_reloc(armjit_module *m, armjit_sym d, uint32_t off, armjit_sym target,
                                int32_t addend) {
  static const char fn[] = "armjit_data_reloc";
  mir_sym *y = sym_of(m, fn, d, true);
  if (!y) return m ? m->builder_err.code : ARMJIT_E_ARG;
  if (target < 0 || (uint32_t)target >= m->nsyms)
    return mir_fail(m, ARMJIT_E_ARG, "%s: @%s: target %d is not a symbol of the module", fn,
                    y->name, (int)target);
  if (add_reloc(m, y->data, off, target, addend, 0, 0) != ARMJIT_OK)
    return mir_fail(m, ARMJIT_E_NOMEM, "%s: out of memory", fn);
  return ARMJIT_OK;
}

armjit_status armjit_sym_set_section(armjit_module *m, armjit_sym s, const char *name) {
  static const char fn[] = "armjit_sym_set_section";
  mir_sym *y = sym_of(m, fn, s, false);
  if (!y) return m ? m->builder_err.code : ARMJIT_E_ARG;
  if (name && !mir_section_name_ok(name, strlen(name)))
    return mir_fail(m, ARMJIT_E_ARG,
                    "%s: @%s: '%s' is no section name ('.' and letters, digits, _ . $ -, at "
                    "most %d bytes; not .text, .rodata, .data or .bss)",
                    fn, y->name, name, SECTION_NAME_MAX);
  char *copy = name ? ajx_strdup(m->ctx, name) : NULL;
  if (name && !copy) return mir_fail(m, ARMJIT_E_NOMEM, "%s: out of memory", fn);
  ajx_free(m->ctx, y->section);
  y->section = copy;
  m->validated = false;
  return ARMJIT_OK;
}

armjit_status armjit_sym_set_local(armjit_module *m, armjit_sym s, bool local) {
  mir_sym *y = sym_of(m, "armjit_sym_set_local", s, false);
  if (!y) return m ? m->builder_err.code : ARMJIT_E_ARG;
  y->local = local;
  return ARMJIT_OK;
}

bool armjit_sym_is_data(const armjit_module *m, armjit_sym s) {
  return m && s >= 0 && (uint32_t)s < m->nsyms && m->syms[s].kind == MIR_SYM_DATA;
}

const char *armjit_sym_section(const armjit_module *m, armjit_sym s) {
  if (!m || s < 0 || (uint32_t)s >= m->nsyms || m->syms[s].kind == MIR_SYM_EXTERN) return NULL;
  return mir_sym_section(&m->syms[s]);
}

bool armjit_sym_is_local(const armjit_module *m, armjit_sym s) {
  return m && s >= 0 && (uint32_t)s < m->nsyms && m->syms[s].local;
}

/* ---- the text form: parsing -------------------------------------------------------------- */
#define SYNTAX(lx, col, ...) ir_lex_err((lx), ARMJIT_E_SYNTAX, (col), __VA_ARGS__)

/* *s and *n are set on every path (empty on error). */
static armjit_status word(ir_lex *lx, const char *what, const char **s, uint32_t *n) {
  *s = lx->p;
  *n = 0;
  ir_lex_ws(lx);
  armjit_status st;
  size_t len = ir_lex_name(lx, &st);
  if (st != ARMJIT_OK) return st;
  if (!len) {
    char b[16];
    return SYNTAX(lx, ir_lex_col(lx), "expected %s, got %s", what, ir_lex_here(lx, b, sizeof b));
  }
  *s = lx->p;
  *n = (uint32_t)len;
  lx->p += len;
  return ARMJIT_OK;
}

/* An integer: [-] decimal or 0x hex, in lo..hi. */
static armjit_status integer(ir_lex *lx, int64_t lo, int64_t hi, const char *what, int64_t *out) {
  ir_lex_ws(lx);
  uint32_t col = ir_lex_col(lx);
  const char *q = lx->p;
  bool neg = *q == '-';
  if (neg || *q == '+') q++;
  bool hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
  if (hex) q += 2;
  uint64_t v;
  bool range = false;
  if (!ir_lex_uint(&q, hex, UINT64_MAX, &v, &range) || is_id(*q)) {
    char b[16];
    return SYNTAX(lx, col, "expected %s, got %s", what, ir_lex_here(lx, b, sizeof b));
  }
  lx->p = q;
  if (range || (neg ? v > (uint64_t)-(lo + 1) + 1 : v > (uint64_t)hi))
    return ir_lex_err(lx, ARMJIT_E_SYNTAX, col, "%s out of range %lld..%lld", what,
                      (long long)lo, (long long)hi);
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return ARMJIT_OK;
}

armjit_status mir_parse_section(armjit_module *m, ir_lex *lx, char **out) {
  armjit_status st = ir_lex_expect(lx, '(', "after section");
  if (st == ARMJIT_OK) st = ir_lex_expect(lx, '"', "before the section's name");
  if (st != ARMJIT_OK) return st;
  uint32_t col = ir_lex_col(lx);
  const char *s = lx->p;
  while (*lx->p && *lx->p != '"' && *lx->p != '\n') lx->p++;
  size_t n = (size_t)(lx->p - s);
  if (*lx->p != '"') return SYNTAX(lx, col, "missing '\"' after the section's name");
  lx->p++;
  if (!mir_section_name_ok(s, n))
    return ir_lex_err(lx, ARMJIT_E_INVALID, col,
                      "'%.*s' is no section name ('.' and letters, digits, _ . $ -, at most %d "
                      "bytes; not .text, .rodata, .data or .bss)",
                      (int)n, s, SECTION_NAME_MAX);
  st = ir_lex_expect(lx, ')', "after the section's name");
  if (st != ARMJIT_OK) return st;
  char *c = ajx_alloc(m->ctx, n + 1);
  if (!c) return ir_lex_nomem(lx);
  memcpy(c, s, n);
  c[n] = 0;
  ajx_free(m->ctx, *out);
  *out = c;
  return ARMJIT_OK;
}

/* Items of a data line, appended as bytes (and relocations). */
typedef struct {
  armjit_module *m;
  uint8_t *b;
  uint32_t n, cap;
  mir_dreloc *rel;
  uint32_t nrel, rel_cap;
  char **names;        /* per relocation: its symbol's name, resolved at the end */
} items;

/* Append k bytes of v (little-endian; zeros past 8): ARMJIT_E_LIMIT past
 * DATA_MAX_SIZE, ARMJIT_E_NOMEM, reported at column col. */
static armjit_status put_bytes(ir_lex *lx, items *it, uint64_t v, uint32_t k, uint32_t col) {
  if (k > DATA_MAX_SIZE - it->n)
    return ir_lex_err(lx, ARMJIT_E_LIMIT, col, "more than %u bytes of data", DATA_MAX_SIZE);
  if (!ajx_grow(it->m->ctx, (void **)&it->b, &it->cap, it->n + k, 1)) return ir_lex_nomem(lx);
  for (uint32_t i = 0; i < k; i++) it->b[it->n++] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
  return ARMJIT_OK;
}

static armjit_status item_cb(ir_lex *lx, void *ud) {
  items *it = ud;
  uint32_t col = ir_lex_col(lx);
  if (*lx->p == '@') { /* a relocated word: @sym, @sym+off, @sym-off */
    lx->p++;
    const char *s;
    uint32_t n;
    armjit_status st = word(lx, "a symbol name", &s, &n);
    int64_t add = 0;
    if (st == ARMJIT_OK && (*lx->p == '+' || *lx->p == '-'))
      st = integer(lx, INT32_MIN, INT32_MAX, "an addend", &add);
    if (st != ARMJIT_OK) return st;
    uint32_t r = it->nrel;
    if (!ajx_grow(it->m->ctx, (void **)&it->rel, &it->rel_cap, r + 1, sizeof *it->rel))
      return ir_lex_nomem(lx);
    char **names = ajx_realloc(it->m->ctx, it->names, it->rel_cap * sizeof *it->names);
    if (!names) return ir_lex_nomem(lx);
    it->names = names;
    it->names[r] = ajx_alloc(it->m->ctx, n + 1);
    if (!it->names[r]) return ir_lex_nomem(lx);
    memcpy(it->names[r], s, n);
    it->names[r][n] = 0;
    it->rel[r] = (mir_dreloc){it->n, -1, (int32_t)add, lx->line, col};
    it->nrel++;
    return put_bytes(lx, it, 0, 4, col);
  }
  const char *s;
  uint32_t n;
  armjit_status st = word(lx, "a data item (i8, i16, i32, i64, f32, f64 VALUE, zero N or @sym)",
                          &s, &n);
  if (st != ARMJIT_OK) return st;
  static const struct { const char *w; uint32_t bytes; bool flt; } kinds[] = {
      {"i8", 1, false}, {"i16", 2, false}, {"i32", 4, false}, {"i64", 8, false},
      {"f32", 4, true}, {"f64", 8, true},  {"zero", 0, false}};
  size_t k = 0;
  while (k < sizeof kinds / sizeof kinds[0] && !word_is(s, n, kinds[k].w)) k++;
  if (k == sizeof kinds / sizeof kinds[0])
    return SYNTAX(lx, col, "unknown data item '%.*s' (i8, i16, i32, i64, f32, f64, zero or @sym)",
                  (int)n, s);
  uint64_t bits = 0;
  uint32_t bytes = kinds[k].bytes;
  if (kinds[k].flt) {
    ir_lex_ws(lx);
    uint32_t vcol = ir_lex_col(lx);
    char buf[64];
    size_t len = 0;
    while (len < sizeof buf - 1 && (is_id(lx->p[len]) || lx->p[len] == '.' ||
                                    ((lx->p[len] == '-' || lx->p[len] == '+') &&
                                     (len == 0 || lx->p[len - 1] == 'e' || lx->p[len - 1] == 'E'))))
      len++;
    memcpy(buf, lx->p, len);
    buf[len] = 0;
    char *end;
    double d = len ? strtod(buf, &end) : 0;
    if (!len || *end) return SYNTAX(lx, vcol, "expected a float, got '%s'", buf);
    lx->p += len;
    if (bytes == 4) {
      float f = (float)d;
      uint32_t u;
      memcpy(&u, &f, 4);
      bits = u;
    } else {
      memcpy(&bits, &d, 8);
    }
  } else if (!bytes) { /* zero N */
    int64_t v;
    st = integer(lx, 0, DATA_MAX_SIZE, "a byte count", &v);
    if (st != ARMJIT_OK) return st;
    bytes = (uint32_t)v;
  } else {
    int64_t v;
    int64_t lo = bytes == 8 ? INT64_MIN : -(INT64_C(1) << (8 * bytes - 1));
    int64_t hi = bytes == 8 ? INT64_MAX : (INT64_C(1) << (8 * bytes)) - 1;
    st = integer(lx, lo, hi, "the value", &v);
    if (st != ARMJIT_OK) return st;
    bits = (uint64_t)v;
  }
  return put_bytes(lx, it, bits, bytes, col);
}

static void items_free(items *it) {
  for (uint32_t i = 0; i < it->nrel; i++) ajx_free(it->m->ctx, it->names[i]);
  ajx_free(it->m->ctx, it->names);
  ajx_free(it->m->ctx, it->b);
  ajx_free(it->m->ctx, it->rel);
}

/* data @NAME [local] rodata|data|bss [section("S")] [align N] [size N] [= ITEM | = [ITEM, ...]] */
armjit_status mir_parse_data(armjit_module *m, ir_lex *lx, uint32_t col) {
  ir_lex_ws(lx);
  uint32_t ncol = ir_lex_col(lx); /* the '@', as for functions */
  armjit_status st = ir_lex_expect(lx, '@', "before the data's name");
  const char *s;
  uint32_t n;
  if (st == ARMJIT_OK) st = word(lx, "a symbol name", &s, &n);
  if (st != ARMJIT_OK) return st;
  if (n > MIR_NAME_MAX)
    return SYNTAX(lx, ncol, "a symbol name is %u bytes long, at most %d allowed", n, MIR_NAME_MAX);
  if (mir_find_sym(m, s, n) >= 0)
    return ir_lex_err(lx, ARMJIT_E_INVALID, ncol, "duplicate symbol @%.*s", (int)n, s);
  int kind = -1;
  bool local = false, have_size = false;
  int64_t align = 1, size = 0;
  char *section = NULL;
  items it;
  memset(&it, 0, sizeof it);
  it.m = m;
  bool init = false;
  for (;;) {
    ir_lex_ws(lx);
    if (ir_lex_at_eol(lx)) break;
    if (*lx->p == '=') {
      lx->p++;
      ir_lex_ws(lx);
      init = true;
      if (*lx->p == '[') {
        lx->p++;
        st = ir_lex_list(lx, ']', "data items", item_cb, &it);
      } else {
        st = item_cb(lx, &it);
      }
      if (st == ARMJIT_OK && !ir_lex_at_eol(lx)) {
        char b[16];
        st = SYNTAX(lx, ir_lex_col(lx), "expected the end of the line, got %s",
                    ir_lex_here(lx, b, sizeof b));
      }
      break;
    }
    uint32_t wcol = ir_lex_col(lx);
    const char *w;
    uint32_t wn;
    st = word(lx, "rodata, data, bss, local, section, align, size or '='", &w, &wn);
    if (st != ARMJIT_OK) break;
    int k = -1;
    for (int j = 0; j < 3; j++)
      if (word_is(w, wn, kind_word[j])) k = j;
    if (k >= 0) {
      if (kind >= 0) { st = ir_lex_err(lx, ARMJIT_E_SYNTAX, wcol, "a second data kind"); break; }
      kind = k;
    } else if (word_is(w, wn, "local")) {
      local = true;
    } else if (word_is(w, wn, "section")) {
      st = mir_parse_section(m, lx, &section);
    } else if (word_is(w, wn, "align")) {
      st = integer(lx, 1, DATA_MAX_ALIGN, "the alignment", &align);
      if (st == ARMJIT_OK && (align & (align - 1)))
        st = ir_lex_err(lx, ARMJIT_E_INVALID, wcol, "alignment %lld is no power of two",
                        (long long)align);
    } else if (word_is(w, wn, "size")) {
      st = integer(lx, 0, DATA_MAX_SIZE, "the size", &size);
      have_size = true;
    } else {
      st = SYNTAX(lx, wcol, "unknown data attribute '%.*s' (rodata, data, bss, local, section, "
                  "align, size)", (int)wn, w);
    }
    if (st != ARMJIT_OK) break;
  }
  if (st == ARMJIT_OK && kind < 0)
    st = SYNTAX(lx, col, "data @%.*s needs its kind: rodata, data or bss", (int)n, s);
  if (st == ARMJIT_OK && kind == ARMJIT_DATA_BSS && init)
    st = ir_lex_err(lx, ARMJIT_E_INVALID, col, "bss data @%.*s has no initial bytes (give its "
                    "size)", (int)n, s);
  if (st == ARMJIT_OK && have_size && init && (uint64_t)size < it.n)
    st = ir_lex_err(lx, ARMJIT_E_INVALID, col, "data @%.*s: size %lld is smaller than its %u "
                    "bytes", (int)n, s, (long long)size, it.n);
  uint32_t si = 0;
  if (st == ARMJIT_OK) {
    uint32_t total = have_size ? (uint32_t)size : it.n;
    st = add_data(m, s, n, (unsigned)kind, total, (uint32_t)align, &si);
    if (st != ARMJIT_OK) st = st == ARMJIT_E_NOMEM ? ir_lex_nomem(lx) : ir_lex_err(lx, st, col,
                                                                       "too many symbols");
  }
  if (st == ARMJIT_OK) {
    mir_sym *y = &m->syms[si];
    y->line = lx->line;
    y->col = ncol;
    y->local = local;
    y->section = section;
    section = NULL;
    if (it.n) memcpy(y->data->bytes, it.b, it.n);
    /* names of relocations are resolved once every symbol is known */
    for (uint32_t r = 0; r < it.nrel && st == ARMJIT_OK; r++) {
      st = add_reloc(m, y->data, it.rel[r].off, -1, it.rel[r].addend, it.rel[r].line,
                     it.rel[r].col);
      if (st == ARMJIT_OK) {
        /* keep the name in the unresolved reloc: sym = -(index into a name list) - 2 */
        y->data->relocs[y->data->nrelocs - 1].sym = -2 - (int32_t)r;
      }
    }
    if (st == ARMJIT_OK && it.nrel) {
      /* the names live on in a side array freed by mir_data_resolve */
      char **names = it.names;
      it.names = NULL;
      uint32_t nn = it.nrel;
      it.nrel = 0;
      y->data->pending = names;
      y->data->npending = nn;
    }
    if (st != ARMJIT_OK) st = ir_lex_nomem(lx);
  }
  ajx_free(m->ctx, section);
  items_free(&it);
  return st;
}

armjit_status mir_data_resolve(armjit_module *m, armjit_error *err) {
  armjit_status st = ARMJIT_OK;
  for (uint32_t s = 0; s < m->nsyms; s++) {
    mir_data *d = m->syms[s].data;
    if (!d || !d->npending) continue;
    for (uint32_t r = 0; r < d->nrelocs && st == ARMJIT_OK; r++) {
      mir_dreloc *x = &d->relocs[r];
      if (x->sym > -2) continue;
      const char *nm = d->pending[-2 - x->sym];
      x->sym = mir_find_sym(m, nm, strlen(nm));
      if (x->sym < 0)
        st = ajx_err_at(err, ARMJIT_E_INVALID, (int)x->line, (int)x->col,
                        "data @%s: @%s is not a symbol of the module", m->syms[s].name, nm);
    }
    for (uint32_t i = 0; i < d->npending; i++) ajx_free(m->ctx, d->pending[i]);
    ajx_free(m->ctx, d->pending);
    d->pending = NULL;
    d->npending = 0;
    if (st != ARMJIT_OK) return st;
  }
  return ARMJIT_OK;
}

/* ---- the text form: printing ----------------------------------------------------------- */
void mir_put_sym_attrs(ajx_sbuf *sb, const mir_sym *y) {
  if (y->local) ajx_sb_puts(sb, " local");
  if (y->section) ajx_sb_printf(sb, " section(\"%s\")", y->section);
}

/* Byte-exact items: a relocated word as @sym+addend; runs of 4 or more
 * zeros as zero N; aligned words as i32; the rest as i8. */
void mir_put_data(ajx_sbuf *sb, const armjit_module *m, const mir_sym *y) {
  const mir_data *d = y->data;
  ajx_sb_printf(sb, "data @%s%s %s", y->name, y->local ? " local" : "", kind_word[d->kind]);
  if (y->section) ajx_sb_printf(sb, " section(\"%s\")", y->section);
  if (d->align != 1) ajx_sb_printf(sb, " align %u", (unsigned)d->align);
  if (d->kind == ARMJIT_DATA_BSS || !d->size) {
    ajx_sb_printf(sb, " size %u\n", (unsigned)d->size);
    return;
  }
  ajx_sb_puts(sb, " = [");
  uint32_t r = 0;
  for (uint32_t off = 0; off < d->size;) {
    if (off) ajx_sb_puts(sb, ", ");
    while (r < d->nrelocs && d->relocs[r].off < off) r++;
    if (r < d->nrelocs && d->relocs[r].off == off && d->relocs[r].sym >= 0) {
      const mir_dreloc *x = &d->relocs[r];
      ajx_sb_printf(sb, "@%s", m->syms[x->sym].name);
      if (x->addend) ajx_sb_printf(sb, "%+d", (int)x->addend);
      off += 4;
      continue;
    }
    uint32_t limit = r < d->nrelocs && d->relocs[r].off > off ? d->relocs[r].off : d->size;
    uint32_t z = off;
    while (z < limit && !d->bytes[z]) z++;
    if (z - off >= 4) {
      ajx_sb_printf(sb, "zero %u", (unsigned)(z - off));
      off = z;
    } else if (off % 4 == 0 && off + 4 <= limit) {
      const uint8_t *p = d->bytes + off;
      ajx_sb_printf(sb, "i32 0x%08x",
                    (unsigned)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24));
      off += 4;
    } else {
      ajx_sb_printf(sb, "i8 0x%02x", (unsigned)d->bytes[off]);
      off++;
    }
  }
  ajx_sb_puts(sb, "]\n");
}

/* ---- the rules ---------------------------------------------------------------------------- */
static int dreloc_cmp(const void *a, const void *b) {
  const mir_dreloc *x = a, *y = b;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* ARMJIT_E_INVALID "@NAME: ..." at line:col (0: the symbol's). */
static armjit_status fail_at(armjit_error *err, const mir_sym *y, uint32_t line, uint32_t col,
                             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static armjit_status fail_at(armjit_error *err, const mir_sym *y, uint32_t line, uint32_t col,
                             const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!line) line = y->line, col = y->col;
  return ajx_err_at(err, ARMJIT_E_INVALID, (int)line, (int)col, "@%s: %s", y->name, msg);
}

/* What may share a named section: data of one kind, or functions and
 * rodata (a code section holds read-only data between its functions). */
static int sym_class(const mir_sym *y) { return y->kind == MIR_SYM_FUNC ? 3 : y->data->kind; }
static const char *class_name(int c) {
  static const char *const n[] = {"rodata", "data", "bss", "functions"};
  return n[c];
}
static bool classes_mix(int a, int b) {
  return a == b || (a == 3 && b == ARMJIT_DATA_RODATA) || (b == 3 && a == ARMJIT_DATA_RODATA);
}

armjit_status mir_validate_data(armjit_module *m, armjit_error *err) {
  for (uint32_t s = 0; s < m->nsyms; s++) {
    mir_sym *y = &m->syms[s];
    for (uint32_t t = 0; y->section && t < s; t++) {
      const mir_sym *o = &m->syms[t];
      if (!o->section || strcmp(o->section, y->section) != 0 ||
          classes_mix(sym_class(o), sym_class(y)))
        continue;
      return ajx_err_at(err, ARMJIT_E_INVALID, (int)y->line, (int)y->col,
                        "@%s: section %s holds %s (@%s), not %s: a section holds data of one "
                        "kind, or functions and rodata",
                        y->name, y->section, class_name(sym_class(o)), o->name,
                        class_name(sym_class(y)));
    }
    if (y->kind != MIR_SYM_DATA) continue;
    mir_data *d = y->data;
    if (!d->align || (d->align & (d->align - 1)) || d->align > DATA_MAX_ALIGN)
      return fail_at(err, y, 0, 0, "alignment %u is no power of two in 1..65536",
                     (unsigned)d->align);
    if (d->nrelocs && d->kind == ARMJIT_DATA_BSS)
      return fail_at(err, y, 0, 0, "bss data holds no addresses");
    if (d->nrelocs > 1) qsort(d->relocs, d->nrelocs, sizeof *d->relocs, dreloc_cmp);
    for (uint32_t r = 0; r < d->nrelocs; r++) {
      const mir_dreloc *x = &d->relocs[r];
      if (x->sym < 0 || (uint32_t)x->sym >= m->nsyms)
        return fail_at(err, y, x->line, x->col, "word at %u: no such symbol", (unsigned)x->off);
      if (x->off % 4 || x->off > d->size || d->size - x->off < 4)
        return fail_at(err, y, x->line, x->col,
                       "word at offset %u: an address needs 4 aligned bytes inside the data",
                       (unsigned)x->off);
      if (r && x->off == d->relocs[r - 1].off)
        return fail_at(err, y, x->line, x->col, "two addresses in the word at offset %u",
                       (unsigned)x->off);
    }
  }
  return ARMJIT_OK;
}
