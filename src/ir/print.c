/* SPDX-License-Identifier: MIT */
/* The printer: a trace in the text form of docs/ir.md.  Its output parses
 * back to the same trace (same value numbers, exits, names, constants), so
 * printing that again gives the same text.  Everything is allocated through
 * the trace's context; only armjit_trace_to_string hands out a malloc'd
 * copy (the public contract says free()). */
#include "ir/descr_impl.h"
#include "ir/ir_impl.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ir_type_name(armjit_type ty) {
  switch (ty) {
  case ARMJIT_INT: return "int";
  case ARMJIT_REF: return "ref";
  case ARMJIT_FLOAT: return "float";
  default: return "void";
  }
}

char ir_type_letter(armjit_type ty) {
  return ty == ARMJIT_INT ? 'i' : ty == ARMJIT_REF ? 'p' : ty == ARMJIT_FLOAT ? 'f' : 'v';
}

/* Value names are formatted for every use the validator checks and every
 * operand of every compile (the annotated disassembly keeps the printed
 * trace), so the common cases avoid snprintf's per-call cost. */

/* snprintf(buf, n, "%s", s) for s of length len. */
static void put_trunc(char *buf, size_t n, const char *s, size_t len) {
  if (!n) return;
  if (len >= n) len = n - 1;
  memcpy(buf, s, len);
  buf[len] = 0;
}

/* snprintf(buf, n, "%c%" PRId32, letter, v), or without the letter when
 * it is 0. */
static void put_int(char *buf, size_t n, char letter, int32_t v) {
  char tmp[16];
  char *end = tmp + sizeof tmp, *p = end;
  uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
  do *--p = (char)('0' + u % 10); while (u /= 10);
  if (v < 0) *--p = '-';
  if (letter) *--p = letter;
  put_trunc(buf, n, p, (size_t)(end - p));
}

void ir_format_const(const ir_const *c, char *buf, size_t n) {
  switch ((armjit_type)c->type) {
  case ARMJIT_INT: put_int(buf, n, 0, c->v.i); break;
  case ARMJIT_REF:
    if (c->v.r == 0) snprintf(buf, n, "null");
    else snprintf(buf, n, "ref(0x%" PRIxPTR ")", c->v.r);
    break;
  default: ir_format_double(c->v.f, buf, n); break;
  }
}

void ir_val_name(const armjit_trace *t, const ir_srcmap *sm, ir_ref r, char *buf,
                 size_t n) {
  if (IR_IS_CONST(r)) {
    const ir_const *c = ir_const_of(t, r);
    if (c->type != ARMJIT_REF || !ir_format_sym(t, c->v.r, buf, n)) ir_format_const(c, buf, n);
  } else if (sm && sm->vname && sm->vname[r]) {
    put_trunc(buf, n, sm->vname[r], strlen(sm->vname[r]));
  } else {
    put_int(buf, n, ir_type_letter(ir_ref_type(t, r)), r);
  }
}

/* ---- a growing string ------------------------------------------------------ */
typedef struct {
  armjit_ctx *ctx;
  char *p;
  size_t len, cap;
  bool failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = ajx_realloc(b->ctx, b->p, cap);
    if (!p) { b->failed = true; return; }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

static void sb_puts(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_val(sbuf *b, const armjit_trace *t, ir_ref r) {
  char tmp[64];
  ir_val_name(t, NULL, r, tmp, sizeof tmp);
  sb_puts(b, tmp);
}

static void sb_list(sbuf *b, const armjit_trace *t, const ir_ref *refs, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) {
    if (k) sb_puts(b, ", ");
    sb_val(b, t, refs[k]);
  }
}

/* ---- label names ------------------------------------------------------------ */
/* A jump must name its label, so unnamed labels get a generated name "L<id>"
 * (with '_' appended until it clashes with no other name). */
static bool name_taken(const armjit_trace *t, char **gen, uint32_t ngen, const char *s) {
  if (ir_descr_name_used(t, s)) return true;
  for (uint32_t i = 0; i < ngen; i++)
    if (gen[i] && strcmp(gen[i], s) == 0) return true;
  return false;
}

static void free_names(const armjit_trace *t, char **gen) {
  for (uint32_t i = 0; i < t->nlabels; i++) ajx_free(t->ctx, gen[i]);
  ajx_free(t->ctx, gen);
}

static char **label_names(const armjit_trace *t) {
  char **gen = ajx_calloc(t->ctx, t->nlabels ? t->nlabels : 1, sizeof *gen);
  if (!gen) return NULL;
  for (uint32_t i = 0; i < t->nlabels; i++) {
    if (t->labels[i].name) continue;
    char tmp[64];
    int len = snprintf(tmp, sizeof tmp, "L%" PRIu32, i);
    while (name_taken(t, gen, i, tmp) && len + 1 < (int)sizeof tmp) {
      tmp[len++] = '_';
      tmp[len] = 0;
    }
    gen[i] = ajx_alloc(t->ctx, (size_t)len + 1);
    if (!gen[i]) {
      free_names(t, gen);
      return NULL;
    }
    memcpy(gen[i], tmp, (size_t)len + 1);
  }
  return gen;
}

static const char *label_name(const armjit_trace *t, char **gen, int32_t id) {
  return t->labels[id].name ? t->labels[id].name : gen[id];
}

/* A debug_merge_point string as a literal: "..." with \\ \" \n \t \r and
 * \xHH for the other control bytes (docs/ir.md). */
static void sb_string(sbuf *b, const char *s) {
  sb_puts(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    char esc[5] = {'\\', 0, 0, 0, 0};
    switch (c) {
    case '\\': case '"': esc[1] = (char)c; break;
    case '\n': esc[1] = 'n'; break;
    case '\t': esc[1] = 't'; break;
    case '\r': esc[1] = 'r'; break;
    default:
      if (c >= 0x20 && c != 0x7f) { sb_add(b, s, 1); continue; }
      esc[1] = 'x';
      esc[2] = "0123456789abcdef"[c >> 4];
      esc[3] = "0123456789abcdef"[c & 15];
    }
    sb_puts(b, esc);
  }
  sb_puts(b, "\"");
}

/* ---- the trace ----------------------------------------------------------------- */
char *ir_trace_text(const armjit_trace *t, size_t *len) {
  char **gen = label_names(t);
  if (!gen) return NULL;
  ir_descr_text dt; /* memory and call descriptors, declared first */
  if (!ir_descr_text_make(t, &dt)) {
    free_names(t, gen);
    return NULL;
  }
  sbuf b = {t->ctx, NULL, 0, 0, false};
  sb_puts(&b, dt.decls);
  sb_puts(&b, "[");
  for (uint32_t v = 0; v < t->ninputs; v++) {
    if (v) sb_puts(&b, ", ");
    sb_val(&b, t, (ir_ref)v);
  }
  sb_puts(&b, "]\n");
  for (uint32_t i = 0; i < t->nops; i++) {
    const ir_op *op = &t->ops[i];
    if (op->res != IR_NONE) {
      sb_val(&b, t, op->res);
      sb_puts(&b, " = ");
    }
    sb_puts(&b, ir_info(op->opc)->name);
    sb_puts(&b, "(");
    if (ir_info(op->opc)->flags & ARMJIT_OPF_TEXT) sb_string(&b, ir_op_text(t, op));
    sb_list(&b, t, ir_args(t, op), op->nargs);
    const char *descr = NULL;
    if (ir_is_exit(op->opc)) descr = t->exits[op->id].name;
    else if (op->opc == ARMJIT_OP_LABEL || op->opc == ARMJIT_OP_JUMP)
      descr = label_name(t, gen, op->id);
    else if (op->descr >= 0)
      descr = dt.names[op->descr];
    if (descr) {
      sb_puts(&b, op->nargs ? ", descr=" : "descr=");
      sb_puts(&b, descr);
    }
    sb_puts(&b, ")");
    if (ir_is_guard(op->opc)) {
      sb_puts(&b, " [");
      sb_list(&b, t, ir_fails(t, op), op->nfail);
      sb_puts(&b, "]");
    }
    sb_puts(&b, "\n");
  }
  free_names(t, gen);
  ir_descr_text_free(t, &dt);
  if (b.failed) { ajx_free(t->ctx, b.p); return NULL; }
  *len = b.len;
  return b.p;
}

char *armjit_trace_to_string(const armjit_trace *t) {
  size_t len;
  char *s = t ? ir_trace_text(t, &len) : NULL;
  char *copy = s ? malloc(len + 1) : NULL;
  if (copy) memcpy(copy, s, len + 1);
  if (s) ajx_free(t->ctx, s);
  return copy;
}

int armjit_trace_print(const armjit_trace *t, FILE *out) {
  if (!t || !out) return -1;
  size_t len;
  char *s = ir_trace_text(t, &len);
  if (!s) return -1;
  size_t w = fwrite(s, 1, len, out);
  ajx_free(t->ctx, s);
  return w == len && len <= INT_MAX ? (int)len : -1;
}
