/* SPDX-License-Identifier: MIT */
/* The printer: a trace in the text form of docs/ir.md.  Its output parses
 * back to the same trace (same value numbers, exits, names, constants), so
 * printing that again gives the same text.  Descriptors come first, one
 * "descr NAME = KIND(...)" line each in id order (so parsing the text gives
 * the same ids), in the canonical property order
 *   field(offset=O, size=S[, signed], TYPE)
 *   array(base=B, item=S[, signed], TYPE[, len=L])
 *   interior(base=B, item=I[, len=L], offset=O, size=S[, signed], TYPE)
 *   str(base=B, item=1, len=L)      unicode(base=B, item=S, len=L)
 *   call(args=[T, ...], result=T[, size=S][, signed][, may_raise][, may_force])
 * size/item are left out for refs: the pointer size is the machine's, and
 * text without it reads the same on 32- and 64-bit hosts.  Ref constants
 * that are registered symbols print as sym(NAME).
 *
 * Everything is allocated through the trace's context; only
 * armjit_trace_to_string hands out a malloc'd copy (the public contract
 * says free()). */
#include "ir/ir_impl.h"
#include "util/sbuf.h"
#include "util/sym.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  case ARMJIT_I64: snprintf(buf, n, "i64(%" PRId64 ")", c->v.l); break;
  case ARMJIT_F32: {
    char d[40];
    ir_format_double((double)c->v.s, d, sizeof d);
    snprintf(buf, n, "f32(%s)", d);
    break;
  }
  default: ir_format_double(c->v.f, buf, n); break;
  }
}

void ir_val_name(const armjit_trace *t, const ir_srcmap *sm, ir_ref r, char *buf,
                 size_t n) {
  if (IR_IS_CONST(r)) {
    const ir_const *c = ir_const_of(t, r);
    const char *sym = c->type == ARMJIT_REF && c->v.r ? ajx_sym_name(t->ctx, c->v.r) : NULL;
    if (sym) snprintf(buf, n, "sym(%s)", sym);
    else ir_format_const(c, buf, n);
  } else if (sm && sm->vname && sm->vname[r].s) {
    put_trunc(buf, n, sm->vname[r].s, sm->vname[r].len);
  } else {
    put_int(buf, n, ir_type_letter(ir_ref_type(t, r)), r);
  }
}

/* ---- pieces -------------------------------------------------------------------- */
static void sb_val(ajx_sbuf *b, const armjit_trace *t, ir_ref r) {
  char tmp[64];
  if (!IR_IS_CONST(r)) { /* a variable: its type letter and number */
    char *end = tmp + sizeof tmp, *p = end;
    uint32_t u = (uint32_t)r;
    do *--p = (char)('0' + u % 10); while (u /= 10);
    *--p = ir_type_letter(ir_ref_type(t, r));
    ajx_sb_add(b, p, (size_t)(end - p));
    return;
  }
  ir_val_name(t, NULL, r, tmp, sizeof tmp);
  ajx_sb_puts(b, tmp);
}

static void sb_list(ajx_sbuf *b, const armjit_trace *t, const ir_ref *refs, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) {
    if (k) ajx_sb_puts(b, ", ");
    sb_val(b, t, refs[k]);
  }
}

/* ---- label names ------------------------------------------------------------ */
/* A jump must name its label, so unnamed labels get a generated name "L<id>"
 * (with '_' appended until it clashes with no other name). */
static bool name_taken(const armjit_trace *t, char **gen, uint32_t ngen, const char *s) {
  if (ir_name_used(t, s)) return true;
  for (uint32_t i = 0; i < ngen; i++)
    if (gen[i] && strcmp(gen[i], s) == 0) return true;
  return false;
}

static void free_names(const armjit_trace *t, char **gen, uint32_t n) {
  if (!gen) return;
  for (uint32_t i = 0; i < n; i++) ajx_free(t->ctx, gen[i]);
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
      free_names(t, gen, i);
      return NULL;
    }
    memcpy(gen[i], tmp, (size_t)len + 1);
  }
  return gen;
}

static const char *label_name(const armjit_trace *t, char **gen, int32_t id) {
  if (id < 0) return t->xlabels[IR_XLABEL_INDEX(id)]; /* another trace's label */
  return t->labels[id].name ? t->labels[id].name : gen[id];
}

/* A debug_merge_point string as a literal: "..." with \\ \" \n \t \r and
 * \xHH for the other control bytes (docs/ir.md). */
static void sb_string(ajx_sbuf *b, const char *s) {
  ajx_sb_puts(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    char esc[5] = {'\\', 0, 0, 0, 0};
    switch (c) {
    case '\\': case '"': esc[1] = (char)c; break;
    case '\n': esc[1] = 'n'; break;
    case '\t': esc[1] = 't'; break;
    case '\r': esc[1] = 'r'; break;
    default:
      if (c >= 0x20 && c != 0x7f) { ajx_sb_add(b, s, 1); continue; }
      esc[1] = 'x';
      esc[2] = "0123456789abcdef"[c >> 4];
      esc[3] = "0123456789abcdef"[c & 15];
    }
    ajx_sb_puts(b, esc);
  }
  ajx_sb_puts(b, "\"");
}

/* ---- descriptors ------------------------------------------------------------- */
/* ", size=S[, signed], TYPE" with `key` for the size. */
static void put_value(ajx_sbuf *b, const ir_descr *d, const char *key, uint32_t size) {
  if (d->type != ARMJIT_REF) ajx_sb_printf(b, ", %s=%" PRIu32, key, size);
  ajx_sb_printf(b, "%s, %s", d->is_signed ? ", signed" : "", ir_type_name((armjit_type)d->type));
}

static void put_decl(ajx_sbuf *b, const ir_descr *d, const char *name) {
  ajx_sb_printf(b, "descr %s = %s(", name, ir_descr_kind_name(d->kind));
  switch ((ir_descr_kind)d->kind) {
  case IR_DESCR_FIELD:
    ajx_sb_printf(b, "offset=%" PRId32, d->offset);
    put_value(b, d, "size", d->size);
    break;
  case IR_DESCR_ARRAY:
    ajx_sb_printf(b, "base=%" PRId32, d->base);
    put_value(b, d, "item", d->item_size);
    if (d->has_len) ajx_sb_printf(b, ", len=%" PRId32, d->len_offset);
    break;
  case IR_DESCR_INTERIOR:
    ajx_sb_printf(b, "base=%" PRId32 ", item=%" PRIu32, d->base, d->item_size);
    if (d->has_len) ajx_sb_printf(b, ", len=%" PRId32, d->len_offset);
    ajx_sb_printf(b, ", offset=%" PRId32, d->offset);
    put_value(b, d, "size", d->size);
    break;
  case IR_DESCR_STR:
  case IR_DESCR_UNICODE:
    ajx_sb_printf(b, "base=%" PRId32 ", item=%" PRIu32 ", len=%" PRId32, d->base, d->item_size,
                  d->len_offset);
    break;
  default:
    ajx_sb_puts(b, "args=[");
    for (uint32_t k = 0; k < d->nargs; k++)
      ajx_sb_printf(b, "%s%s", k ? ", " : "", ir_type_name((armjit_type)d->args[k]));
    ajx_sb_printf(b, "], result=%s", ir_type_name((armjit_type)d->type));
    if (d->size) ajx_sb_printf(b, ", size=%u", (unsigned)d->size);
    if (d->is_signed) ajx_sb_puts(b, ", signed");
    if (d->flags & ARMJIT_CALL_MAY_RAISE) ajx_sb_puts(b, ", may_raise");
    if (d->flags & ARMJIT_CALL_MAY_FORCE) ajx_sb_puts(b, ", may_force");
    break;
  }
  ajx_sb_puts(b, ")\n");
}

/* Each descriptor's name: its own, or D<id> with '_' appended until no
 * exit, label or descriptor has it (generated names never clash with each
 * other: their digits differ).  Generated ones are allocated. */
static char **descr_names(const armjit_trace *t) {
  char **names = ajx_calloc(t->ctx, t->ndescrs ? t->ndescrs : 1, sizeof *names);
  if (!names) return NULL;
  for (uint32_t i = 0; i < t->ndescrs; i++) {
    if (t->descrs[i].name) continue;
    char tmp[64];
    int len = snprintf(tmp, sizeof tmp, "D%" PRIu32, i);
    while (ir_name_used(t, tmp) && len + 1 < (int)sizeof tmp) {
      tmp[len++] = '_';
      tmp[len] = 0;
    }
    names[i] = ajx_alloc(t->ctx, (size_t)len + 1);
    if (!names[i]) {
      free_names(t, names, i);
      return NULL;
    }
    memcpy(names[i], tmp, (size_t)len + 1);
  }
  return names;
}

static const char *descr_name(const armjit_trace *t, char **gen, int32_t id) {
  return t->descrs[id].name ? t->descrs[id].name : gen[id];
}

/* ---- the trace ----------------------------------------------------------------- */
/* The whole text into b (b->failed on exhaustion). */
static void print_trace(const armjit_trace *t, ajx_sbuf *b) {
  char **gen = label_names(t), **dgen = descr_names(t);
  if (!gen || !dgen) {
    b->failed = true;
    goto out;
  }
  for (uint32_t i = 0; i < t->ndescrs; i++)
    put_decl(b, &t->descrs[i], descr_name(t, dgen, (int32_t)i));
  ajx_sb_puts(b, "[");
  for (uint32_t v = 0; v < t->ninputs; v++) {
    if (v) ajx_sb_puts(b, ", ");
    sb_val(b, t, (ir_ref)v);
  }
  ajx_sb_puts(b, "]\n");
  for (uint32_t i = 0; i < t->nops; i++) {
    const ir_op *op = &t->ops[i];
    if (op->res != IR_NONE) {
      sb_val(b, t, op->res);
      ajx_sb_puts(b, " = ");
    }
    ajx_sb_puts(b, ir_info(op->opc)->name);
    ajx_sb_puts(b, "(");
    if (ir_info(op->opc)->flags & ARMJIT_OPF_TEXT) sb_string(b, ir_op_text(t, op));
    sb_list(b, t, ir_args(t, op), op->nargs);
    const char *name = NULL; /* written descr=NAME */
    if (ir_is_exit(op->opc)) name = t->exits[op->id].name;
    else if (op->opc == ARMJIT_OP_LABEL || op->opc == ARMJIT_OP_JUMP)
      name = label_name(t, gen, op->id);
    else if (op->descr >= 0)
      name = descr_name(t, dgen, op->descr);
    if (name) {
      ajx_sb_puts(b, op->nargs ? ", descr=" : "descr=");
      ajx_sb_puts(b, name);
    }
    ajx_sb_puts(b, ")");
    if (ir_is_guard(op->opc)) {
      ajx_sb_puts(b, " [");
      sb_list(b, t, ir_fails(t, op), op->nfail);
      ajx_sb_puts(b, "]");
    }
    ajx_sb_puts(b, "\n");
  }
out:
  free_names(t, gen, t->nlabels);
  free_names(t, dgen, t->ndescrs);
}

char *ir_trace_text(const armjit_trace *t, size_t *len) {
  ajx_sbuf b;
  ajx_sb_init(&b, t->ctx);
  print_trace(t, &b);
  if (b.failed) {
    ajx_sb_free(&b);
    return NULL;
  }
  *len = b.len;
  return b.p; /* never NULL: the text has at least the inputs line */
}

char *armjit_trace_to_string(const armjit_trace *t) {
  if (!t) return NULL;
  ajx_sbuf b;
  ajx_sb_init(&b, t->ctx);
  print_trace(t, &b);
  return ajx_sb_take_malloced(&b);
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
