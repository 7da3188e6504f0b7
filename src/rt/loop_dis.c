/* SPDX-License-Identifier: MIT */
/* armjit_loop_dis: capstone listing of a loop, annotated with the IR op
 * each instruction belongs to and the exit stubs. */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "rt/disasm.h"
#include "rt/loop.h"

enum { ANN_PROLOGUE, ANN_POOL, ANN_OP, ANN_PATCH, ANN_COLD, ANN_EXIT, ANN_COMMON };

typedef struct {
  uint32_t off;
  uint8_t kind;
  uint32_t index;
} annot;

typedef struct {
  const armjit_loop *l;
  const char *text;       /* the trace printed (NULL: ops by number) */
  const uint32_t *op_text;/* per op: the offset of its line in text */
  FILE *out;
  uint32_t base;
  const annot *a;
  uint32_t n, next;
} dis_state;

static int cmp_annot(const void *x, const void *y) {
  const annot *a = x, *b = y;
  if (a->off != b->off) return a->off < b->off ? -1 : 1;
  if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

static void print_annot(const dis_state *s, const annot *a) {
  const armjit_loop *l = s->l;
  switch (a->kind) {
  case ANN_PROLOGUE:
    if (l->parent)
      fprintf(s->out, "# bridge entry (its guard branches to +%u): the inputs are where the "
                      "guard left them%s\n", (unsigned)l->entry,
              l->entry == 0 ? "; sp moves down for its deeper frame" : "");
    else
      fprintf(s->out, "# prologue: save r4-r12, lr, d8-d15; load the inputs\n");
    break;
  case ANN_PATCH: {
    const ajx_loop_exit *e = &l->exits[a->index];
    if (e->bridge)
      fprintf(s->out, "# exit %u: patched: %s %s\n", (unsigned)a->index,
              e->nop && !l->root->invalidated ? "a nop until invalidated, then enters"
                                              : "enters", e->bridge->name);
    else
      fprintf(s->out, "# exit %u: %s\n", (unsigned)a->index,
              l->root->invalidated ? "invalidated: branches to its stub"
                                   : "a nop while the loop is valid");
    break;
  }
  case ANN_POOL:
    fprintf(s->out, "# float constant %s (%u doubles, data)\n",
            a->index || !l->head_pool ? "island: within VLDR reach of its loads, branched over"
                                      : "pool",
            (unsigned)(l->pools[a->index].bytes / 8));
    break;
  case ANN_OP:
    if (s->text) fprintf(s->out, "# %s\n", s->text + s->op_text[a->index]);
    else fprintf(s->out, "# op %u\n", (unsigned)a->index);
    break;
  case ANN_COLD:
    fprintf(s->out, "# cold paths: out of line, each returns to the body\n");
    break;
  case ANN_EXIT: {
    const ajx_loop_exit *e = &l->exits[a->index];
    const char *what = e->kind == ARMJIT_EXIT_FINISH ? "finish" : "guard";
    bool never = e->kind == ARMJIT_EXIT_GUARD && e->branch < 0;
    if (s->text) {
      /* the op name: the text up to its '(' after an optional "x = " */
      const char *t = s->text + s->op_text[e->op];
      const char *eq = strstr(t, " = ");
      const char *paren = strchr(t, '(');
      if (eq && paren && eq < paren) t = eq + 3;
      paren = strchr(t, '(');
      int len = paren ? (int)(paren - t) : (int)strlen(t);
      fprintf(s->out, "# exit %u (%.*s%s%s)%s\n", (unsigned)a->index, len, t,
              e->name ? " " : "", e->name ? e->name : "",
              never ? ": never taken, its guard is on constants"
              : e->bridge ? ": off the path, its guard enters the bridge" : "");
    } else {
      fprintf(s->out, "# exit %u (%s%s%s)%s\n", (unsigned)a->index, what, e->name ? " " : "",
              e->name ? e->name : "", never ? ": never taken" : "");
    }
    break;
  }
  default:
    fprintf(s->out, "# exit path: save all registers, call the exit helper, return\n");
    break;
  }
}

static int on_word(void *ud, uint32_t address, uint32_t word, const char *text) {
  dis_state *s = ud;
  uint32_t off = address - s->base;
  while (s->next < s->n && s->a[s->next].off <= off) print_annot(s, &s->a[s->next++]);
  if (ajx_loop_pool_at(s->l, off)) {
    char data[32];
    snprintf(data, sizeof data, ".word 0x%08x", (unsigned)word);
    text = data;
    ajx_disasm_print_line(s->out, address, word, text);
    return 0;
  }
  ajx_disasm_print_line(s->out, address, word, text);
  return 0;
}

/* The loop's trace printed (*text) and where each op's line starts in it
 * (*op_text), both allocated through the loop's context; both NULL when
 * the loop keeps no trace or memory runs out. */
static void print_listing(const armjit_loop *l, char **text, uint32_t **op_text) {
  const armjit_trace *t = l->listing;
  *text = NULL;
  *op_text = NULL;
  if (!t) return;
  size_t len;
  char *s = ir_trace_text(t, &len);
  uint32_t *at = ajx_alloc(l->ctx, (t->nops ? t->nops : 1) * sizeof *at);
  if (!s || !at || len > UINT32_MAX) goto drop;
  /* Descriptor declarations, the inputs line "[...]", one line per op. */
  uint32_t op = 0;
  bool in_ops = false;
  for (char *p = s; *p;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    if (in_ops) {
      if (op >= t->nops) goto drop;
      at[op++] = (uint32_t)(p - s);
    } else if (*p == '[') {
      in_ops = true;
    }
    if (!nl) break;
    p = nl + 1;
  }
  if (op == t->nops) {
    *text = s;
    *op_text = at;
    return;
  }
drop:
  ajx_free(l->ctx, s);
  ajx_free(l->ctx, at);
}

armjit_status armjit_loop_dis(const armjit_loop *loop, FILE *out) {
  if (!loop || !out) return ARMJIT_E_ARG;
  uint32_t n = 0, cap = loop->nops + 2 * loop->nexits + loop->nmps + loop->npools + 3;
  annot *a = ajx_alloc(loop->ctx, (size_t)cap * sizeof *a);
  if (!a) return ARMJIT_E_NOMEM;
  a[n++] = (annot){0, ANN_PROLOGUE, 0};
  for (uint32_t i = 0; i < loop->nops; i++)
    if (loop->op_off[i] >= 0) a[n++] = (annot){(uint32_t)loop->op_off[i], ANN_OP, i};
  /* A debug_merge_point has no code: it heads the code of the ops after it. */
  for (uint32_t k = 0; k < loop->nmps; k++) {
    uint32_t at = loop->cold_off;  /* the end of the body proper */
    for (uint32_t i = loop->mps[k].op + 1; i < loop->nops; i++)
      if (loop->op_off[i] >= 0) { at = (uint32_t)loop->op_off[i]; break; }
    a[n++] = (annot){at, ANN_OP, loop->mps[k].op};
  }
  for (uint32_t i = 0; i < loop->nexits; i++) /* not an interrupt exit no jump takes */
    if (loop->exits[i].branch >= 0 || loop->exits[i].kind == ARMJIT_EXIT_FINISH ||
        loop->exits[i].kind == ARMJIT_EXIT_GUARD) {
      const ajx_loop_exit *e = &loop->exits[i];
      a[n++] = (annot){e->stub, ANN_EXIT, i};
      if (e->branch >= 0 && (e->bridge || e->nop))
        a[n++] = (annot){(uint32_t)e->branch, ANN_PATCH, i};
    }
  if (loop->cold_off < loop->body_end) a[n++] = (annot){loop->cold_off, ANN_COLD, 0};
  a[n++] = (annot){loop->common, ANN_COMMON, 0};
  for (uint32_t i = 0; i < loop->npools; i++) a[n++] = (annot){loop->pools[i].off, ANN_POOL, i};
  qsort(a, n, sizeof *a, cmp_annot);
  size_t size;
  const void *code = armjit_loop_code(loop, &size);
  char *text;
  uint32_t *op_text;
  print_listing(loop, &text, &op_text);
  dis_state s = {loop, text, op_text, out, (uint32_t)(uintptr_t)code, a, n, 0};
  armjit_status st = ajx_disasm_each(code, size, s.base, on_word, &s);
  if (st == ARMJIT_E_UNSUPPORTED) ajx_disasm_unsupported(out);
  ajx_free(loop->ctx, text);
  ajx_free(loop->ctx, op_text);
  ajx_free(loop->ctx, a);
  return st;
}
