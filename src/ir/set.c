/* SPDX-License-Identifier: MIT */
/* Files of several traces (docs/ir.md §14): a loop, bridges on named
 * guards of earlier traces, other loops.  Each section is a trace in the
 * usual text form, parsed by parse.c with the section's first line
 * number, so errors point into the file:
 *
 *   --- loop NAME
 *   --- bridge NAME on PARENT.GUARD
 *
 * A file without a header line is one loop named "main". */
#include "ir/ir_impl.h"

#include <string.h>

static bool ident_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* An identifier at *p (advanced past it and following blanks). */
static size_t ident(const char **p) {
  const char *s = *p;
  size_t n = 0;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return 0;
  while (ident_char(s[n])) n++;
  *p = s + n;
  while (**p == ' ' || **p == '\t') (*p)++;
  return n;
}

static bool is_header(const char *line) { return strncmp(line, "--- ", 4) == 0; }

void armjit_set_free(armjit_ctx *ctx, armjit_set_entry *set, unsigned n) {
  if (!set) return;
  for (unsigned i = 0; i < n; i++) {
    ajx_free(ctx, (void *)set[i].name);
    armjit_trace_free(set[i].trace);
  }
  ajx_free(ctx, set);
}

static int find_entry(const armjit_set_entry *set, unsigned n, const char *s, size_t len) {
  for (unsigned i = 0; i < n; i++)
    if (strlen(set[i].name) == len && memcmp(set[i].name, s, len) == 0) return (int)i;
  return -1;
}

/* Header line `h` (line number `line`): fills e's name and parent. */
static armjit_status header(armjit_ctx *ctx, const char *h, uint32_t line,
                            armjit_set_entry *set, unsigned n, armjit_set_entry *e,
                            const char **guard, size_t *glen, armjit_error *err) {
  const char *p = h + 4, *word = p;
  size_t wl = ident(&p);
  bool bridge = wl == 6 && memcmp(word, "bridge", 6) == 0;
  if (!bridge && !(wl == 4 && memcmp(word, "loop", 4) == 0))
    return ajx_err_at(err, ARMJIT_E_SYNTAX, (int)line, 5,
                      "a section starts with \"--- loop NAME\" or \"--- bridge NAME on "
                      "PARENT.GUARD\"");
  const char *name = p;
  size_t nl = ident(&p);
  if (!nl)
    return ajx_err_at(err, ARMJIT_E_SYNTAX, (int)line, (int)(name - h) + 1,
                      "expected the trace's name");
  if (find_entry(set, n, name, nl) >= 0)
    return ajx_err_at(err, ARMJIT_E_INVALID, (int)line, (int)(name - h) + 1,
                      "a trace named %.*s is already in the file", (int)nl, name);
  e->parent = -1;
  e->exit_id = -1;
  *guard = NULL;
  if (bridge) {
    const char *on = p;
    if (ident(&p) != 2 || memcmp(on, "on", 2) != 0)
      return ajx_err_at(err, ARMJIT_E_SYNTAX, (int)line, (int)(on - h) + 1,
                        "expected \"on PARENT.GUARD\" after the bridge's name");
    const char *par = p;
    size_t pl = 0;
    while (ident_char(par[pl])) pl++;
    e->parent = find_entry(set, n, par, pl);
    if (!pl || e->parent < 0)
      return ajx_err_at(err, ARMJIT_E_INVALID, (int)line, (int)(par - h) + 1,
                        "no earlier trace is named %.*s", (int)pl, par);
    p = par + pl;
    if (*p != '.')
      return ajx_err_at(err, ARMJIT_E_SYNTAX, (int)line, (int)(p - h) + 1,
                        "expected \".GUARD\" (the guard's descr name)");
    p++;
    *guard = p;
    *glen = 0;
    while (ident_char(p[*glen])) (*glen)++;
    p += *glen;
    while (*p == ' ' || *p == '\t') p++;
  }
  if (*p && *p != '\n' && *p != '#')
    return ajx_err_at(err, ARMJIT_E_SYNTAX, (int)line, (int)(p - h) + 1,
                      "unexpected text after the section header");
  char *copy = ajx_alloc(ctx, nl + 1);
  if (!copy) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory parsing traces");
  memcpy(copy, name, nl);
  copy[nl] = 0;
  e->name = copy;
  return ARMJIT_OK;
}

armjit_status armjit_set_parse(armjit_ctx *ctx, const char *text, armjit_set_entry **out,
                               unsigned *nout, armjit_error *err) {
  if (!ctx || !text || !out || !nout)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_set_parse: NULL argument");
  *out = NULL;
  *nout = 0;
  /* Sections: headers and where each body starts. */
  unsigned n = 0, cap = 0;
  armjit_set_entry *set = NULL;
  const char *p = text;
  uint32_t line = 1;
  bool any_header = false;
  for (const char *q = text; *q; q++) {
    if (q == text || q[-1] == '\n') any_header |= is_header(q);
  }
  armjit_status st = ARMJIT_OK;
  if (!any_header) {
    set = ajx_calloc(ctx, 1, sizeof *set);
    char *nm = ajx_strdup(ctx, "main");
    if (!set || !nm) {
      ajx_free(ctx, set);
      ajx_free(ctx, nm);
      return ajx_err(err, ARMJIT_E_NOMEM, "out of memory parsing traces");
    }
    set[0].name = nm;
    set[0].parent = set[0].exit_id = -1;
    if (!(set[0].trace = ir_trace_parse(ctx, text, 1, false, err))) {
      armjit_set_free(ctx, set, 1);
      return err ? err->code : ARMJIT_E_SYNTAX;
    }
    *out = set;
    *nout = 1;
    return ARMJIT_OK;
  }
  /* Text before the first header may hold only blanks and comments. */
  while (*p && !is_header(p)) {
    const char *s = p;
    while (*s == ' ' || *s == '\t') s++;
    if (*s && *s != '\n' && *s != '#')
      return ajx_err_at(err, ARMJIT_E_SYNTAX, (int)line, (int)(s - p) + 1,
                        "text before the first \"--- loop\" or \"--- bridge\" header");
    const char *nl = strchr(p, '\n');
    if (!nl) { p += strlen(p); break; }
    p = nl + 1;
    line++;
  }
  char *body = NULL;
  while (*p && st == ARMJIT_OK) {
    /* p is at a header */
    if (!ajx_grow(ctx, (void **)&set, &cap, n + 1, sizeof *set)) {
      st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory parsing traces");
      break;
    }
    armjit_set_entry *e = &set[n];
    memset(e, 0, sizeof *e);
    const char *guard = NULL, *hp = p;
    size_t glen = 0;
    uint32_t hline = line;
    st = header(ctx, p, line, set, n, e, &guard, &glen, err);
    if (st != ARMJIT_OK) break;
    n++;
    const char *nl = strchr(p, '\n');
    p = nl ? nl + 1 : p + strlen(p);
    line++;
    const char *b = p;
    uint32_t bline = line;
    while (*p && !is_header(p)) {
      nl = strchr(p, '\n');
      p = nl ? nl + 1 : p + strlen(p);
      line++;
    }
    size_t len = (size_t)(p - b);
    if (!(body = ajx_alloc(ctx, len + 1))) {
      st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory parsing traces");
      break;
    }
    memcpy(body, b, len);
    body[len] = 0;
    e->trace = ir_trace_parse(ctx, body, bline, e->parent >= 0, err);
    ajx_free(ctx, body);
    if (!e->trace) {
      st = err ? err->code : ARMJIT_E_SYNTAX;
      break;
    }
    if (e->parent >= 0) {
      const armjit_trace *pt = set[e->parent].trace;
      int32_t x = ir_name_find(pt, guard, glen);
      if (x < 0 || !(x & 1) || pt->ops[pt->exits[x / 2].op].opc == ARMJIT_OP_FINISH) {
        st = ajx_err_at(err, ARMJIT_E_INVALID, (int)hline, (int)(guard - hp) + 1,
                        "%s has no guard named %.*s", set[e->parent].name, (int)glen, guard);
        break;
      }
      e->exit_id = x / 2;
      for (unsigned i = 0; i + 1 < n; i++)
        if (set[i].parent == e->parent && set[i].exit_id == e->exit_id) {
          st = ajx_err_at(err, ARMJIT_E_INVALID, (int)hline, 1,
                          "guard %.*s of %s already has a bridge (%s)", (int)glen, guard,
                          set[e->parent].name, set[i].name);
          break;
        }
      const ir_exit *x2 = &pt->exits[e->exit_id];
      if (st == ARMJIT_OK && x2->nvalues != e->trace->ninputs)
        st = ajx_err_at(err, ARMJIT_E_INVALID, (int)bline, 1,
                        "bridge %s has %u inputs but guard %.*s has %u fail args", e->name,
                        (unsigned)e->trace->ninputs, (int)glen, guard, (unsigned)x2->nvalues);
      for (uint32_t k = 0; st == ARMJIT_OK && k < x2->nvalues; k++)
        if ((armjit_type)e->trace->vtype[k] != x2->types[k])
          st = ajx_err_at(err, ARMJIT_E_TYPE, (int)bline, 1,
                          "type mismatch: input %u of bridge %s is %s, fail arg %u of guard "
                          "%.*s is %s", (unsigned)k + 1, e->name,
                          ir_type_name((armjit_type)e->trace->vtype[k]), (unsigned)k + 1,
                          (int)glen, guard, ir_type_name(x2->types[k]));
    }
  }
  if (st != ARMJIT_OK) {
    armjit_set_free(ctx, set, n);
    return st;
  }
  *out = set;
  *nout = n;
  ajx_err_clear(err);
  return ARMJIT_OK;
}
