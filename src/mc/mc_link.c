/* SPDX-License-Identifier: MIT */
/* Modules: compile every function into one buffer (functions call each
 * other with BL to their labels), keep the result as an object (code,
 * function ranges, per-op offsets for listings), and load it: link it at
 * its place in the context's code arena, resolving externs from the
 * context's symbols and the helpers (mc_helpers.h) from the library
 * itself, then hand out function pointers by name. */
#include "mc/mc_cg.h"
#include "mc/mc_image.h"
#include "util/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt/disasm.h"
#include "util/sym.h"

struct mc_mod {
  const armjit_module *m;
  armjit_ctx *ctx;
  a32_buf *b;
  a32_label *label; /* per module symbol: functions' labels */
  a32_sym *sym;     /* per module symbol: externs' symbols, 0 until used */
  a32_sym helper[MC_NHELPERS];
  mc_exc *exc;      /* exceptions: the table and the unwinder, NULL: none */
};

typedef struct {
  char *name;
  uint32_t start, end; /* byte range in the code (its constant pool first) */
  uint32_t entry;      /* its first instruction */
  uint32_t tail;       /* the epilogue */
  uint32_t sym;
  uint32_t *op_off;    /* per op of the function */
} mc_fnrec;

struct armjit_object {
  armjit_ctx *ctx;
  const armjit_module *m;
  a32_buf *b;
  mc_fnrec *fns;
  uint32_t nfns;
  mc_image *img; /* the last armjit_object_link */
  uint32_t exc_off[3]; /* __armjit_throw, __armjit_trap_svc, __armjit_fntab; UINT32_MAX */
};

static const char *const exc_names[3] = {"__armjit_throw", "__armjit_trap_svc", "__armjit_fntab"};

struct armjit_mcode {
  armjit_object *o;
  armjit_code *code;
};

a32_label mc_mod_label(mc_mod *mm, uint32_t s) { return mm->label[s]; }
mc_exc *mc_mod_exc(mc_mod *mm) { return mm->exc; }

a32_sym mc_mod_sym(mc_mod *mm, uint32_t s) {
  if (!mm->sym[s]) mm->sym[s] = a32_sym_new(mm->b, mm->m->syms[s].name);
  return mm->sym[s];
}

a32_sym mc_mod_helper_sym(mc_mod *mm, mc_helper h) {
  if (!mm->helper[h]) mm->helper[h] = a32_sym_new(mm->b, mc_helper_get(h)->name);
  return mm->helper[h];
}

void armjit_object_free(armjit_object *o) {
  if (!o) return;
  for (uint32_t i = 0; i < o->nfns; i++) {
    ajx_free(o->ctx, o->fns[i].name);
    ajx_free(o->ctx, o->fns[i].op_off);
  }
  ajx_free(o->ctx, o->fns);
  mc_image_free(o->ctx, o->img);
  if (o->b) a32_buf_free(o->b);
  ajx_free(o->ctx, o);
}

armjit_object *armjit_module_compile(armjit_module *m, armjit_error *err) {
  if (!m) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_module_compile: module is NULL");
    return NULL;
  }
  if (armjit_module_validate(m, err) != ARMJIT_OK) return NULL;
  armjit_ctx *ctx = m->ctx;
  armjit_object *o = ajx_calloc(ctx, 1, sizeof *o);
  mc_mod mm;
  memset(&mm, 0, sizeof mm);
  mm.m = m;
  mm.ctx = ctx;
  uint32_t nf = 0;
  for (uint32_t s = 0; s < m->nsyms; s++) nf += m->syms[s].kind == MIR_SYM_FUNC;
  if (!o) goto nomem;
  o->ctx = ctx;
  o->m = m;
  o->b = mm.b = armjit_buf_new(ctx, 4096, 16u << 20);
  o->fns = ajx_calloc(ctx, nf ? nf : 1, sizeof *o->fns);
  mm.label = ajx_calloc(ctx, m->nsyms ? m->nsyms : 1, sizeof *mm.label);
  mm.sym = ajx_calloc(ctx, m->nsyms ? m->nsyms : 1, sizeof *mm.sym);
  if (!o->b || !o->fns || !mm.label || !mm.sym) goto nomem;
  if (mc_exc_used(m) && !(mm.exc = mc_exc_new(ctx, mm.b))) goto nomem;
  for (uint32_t s = 0; s < m->nsyms; s++)
    if (m->syms[s].kind == MIR_SYM_FUNC) mm.label[s] = a32_label_new(mm.b);
  for (uint32_t s = 0; s < m->nsyms; s++) {
    if (m->syms[s].kind != MIR_SYM_FUNC) continue;
    mc_fnrec *f = &o->fns[o->nfns++];
    const mir_func *fn = mir_fn(m, s);
    f->sym = s;
    f->name = ajx_strdup(ctx, m->syms[s].name);
    f->op_off = ajx_calloc(ctx, fn->nops ? fn->nops : 1, sizeof *f->op_off);
    if (!f->name || !f->op_off) goto nomem;
    f->start = (uint32_t)a32_buf_size(mm.b);
    char msg[240];
    armjit_status st = mc_fn_compile(&mm, m, s, mm.b, f->op_off, &f->tail, &f->entry, msg, sizeof msg);
    if (st != ARMJIT_OK) {
      ajx_err(err, st, "%s", msg);
      goto fail;
    }
    f->end = (uint32_t)a32_buf_size(mm.b);
  }
  o->exc_off[0] = o->exc_off[1] = o->exc_off[2] = UINT32_MAX;
  if (mm.exc) mc_exc_emit(&mm, mm.b, m, mm.exc, o->exc_off);
  if (a32_buf_status(mm.b) != A32_OK) {
    ajx_err(err, a32_buf_status(mm.b) == A32_ERR_NOMEM ? ARMJIT_E_NOMEM
                 : a32_buf_status(mm.b) == A32_ERR_FULL  ? ARMJIT_E_LIMIT
                                                         : ARMJIT_E_ASM,
            "code generation failed: %s", a32_buf_errmsg(mm.b));
    goto fail;
  }
  ajx_free(ctx, mm.label);
  ajx_free(ctx, mm.sym);
  mc_exc_free(ctx, mm.exc);
  ajx_err_clear(err);
  return o;
nomem:
  ajx_err(err, ARMJIT_E_NOMEM, "out of memory compiling the module");
fail:
  ajx_free(ctx, mm.label);
  ajx_free(ctx, mm.sym);
  mc_exc_free(ctx, mm.exc);
  armjit_object_free(o);
  return NULL;
}

size_t armjit_object_size(const armjit_object *o) { return o ? a32_buf_size(o->b) : 0; }

/* ---- the view for linkers (mc_image.h) ----------------------------------------------- */
/* One section, .text: the code buffer.  Its relocations are the buffer's
 * records (externs and helpers, by name) and its label pairs (addr of a
 * function: .text plus the function's offset); its symbols the functions
 * at their entries. */
armjit_ctx *mc_object_ctx(const armjit_object *o) { return o->ctx; }
mc_image **mc_object_image_slot(armjit_object *o) { return &o->img; }
const mc_image *mc_object_image(const armjit_object *o) { return o->img; }

static int lrel_cmp(const void *a, const void *b) {
  const mc_lrel *x = a, *y = b;
  if (x->sec != y->sec) return x->sec < y->sec ? -1 : 1;
  return x->at < y->at ? -1 : x->at > y->at;
}

void mc_link_in_free(armjit_ctx *ctx, mc_link_in *in) {
  ajx_free(ctx, in->sec);
  ajx_free(ctx, in->rel);
  ajx_free(ctx, in->sym);
  ajx_free(ctx, in->map);
  memset(in, 0, sizeof *in);
}

armjit_status mc_object_view(const armjit_object *o, mc_link_in *in, armjit_error *err) {
  memset(in, 0, sizeof *in);
  size_t nr = a32_buf_nrelocs(o->b), nl = a32_buf_nlabel_refs(o->b);
  in->sec = ajx_calloc(o->ctx, 1, sizeof *in->sec);
  in->rel = ajx_calloc(o->ctx, nr + 2 * nl + 1, sizeof *in->rel);
  in->sym = ajx_calloc(o->ctx, o->nfns + 4, sizeof *in->sym);
  in->map = ajx_calloc(o->ctx, 2 * o->nfns + 4, sizeof *in->map);
  if (!in->sec || !in->rel || !in->sym || !in->map) {
    mc_link_in_free(o->ctx, in);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory linking the module");
  }
  uint32_t size = (uint32_t)a32_buf_size(o->b);
  in->sec[0] = (mc_lsec){".text", MC_LSEC_CODE, a32_buf_data(o->b), size, 4};
  in->nsec = 1;
  for (size_t i = 0; i < nr; i++) {
    a32_reloc r;
    if (a32_buf_reloc(o->b, i, &r))
      in->rel[in->nrel++] = (mc_lrel){0, (uint32_t)r.offset, r.kind, r.name, 0, r.addend};
  }
  for (size_t i = 0; i < nl; i++) {
    size_t at, target;
    if (!a32_buf_label_ref(o->b, i, &at, &target)) continue;
    in->rel[in->nrel++] = (mc_lrel){0, (uint32_t)at, A32_RELOC_MOVW_ABS_NC, NULL, 0, (int32_t)target};
    in->rel[in->nrel++] = (mc_lrel){0, (uint32_t)at + 4, A32_RELOC_MOVT_ABS, NULL, 0, (int32_t)target};
  }
  qsort(in->rel, in->nrel, sizeof *in->rel, lrel_cmp);
  /* a function: its float constants (data) from start, code from entry to end */
  for (uint32_t i = 0; i < o->nfns; i++) {
    const mc_fnrec *f = &o->fns[i];
    in->sym[in->nsym++] = (mc_lsym){f->name, 0, f->entry, f->end - f->entry, MC_LSYM_FUNC, false};
    if (f->entry > f->start) in->map[in->nmap++] = (mc_lmap){0, f->start, true};
    in->map[in->nmap++] = (mc_lmap){0, f->entry, false};
  }
  /* what exceptions add to the code, in this order: two functions and a table */
  for (unsigned k = 0; k < 3; k++) {
    if (o->exc_off[k] == UINT32_MAX) continue;
    uint32_t end = size;
    for (unsigned j = k + 1; j < 3 && end == size; j++)
      if (o->exc_off[j] != UINT32_MAX) end = o->exc_off[j];
    bool table = k == 2;
    in->sym[in->nsym++] = (mc_lsym){exc_names[k], 0, o->exc_off[k], end - o->exc_off[k],
                                    table ? MC_LSYM_OBJECT : MC_LSYM_FUNC, false};
    in->map[in->nmap++] = (mc_lmap){0, o->exc_off[k], table};
  }
  return ARMJIT_OK;
}

/* ---- loading ----------------------------------------------------------------------- */
#if defined(__arm__)
static bool resolve(void *ud, a32_sym sym, const char *name, uint32_t *addr) {
  (void)sym;
  armjit_ctx *ctx = ud;
  int h = mc_helper_by_name(name);
  if (h >= 0) {
    *addr = (uint32_t)mc_helper_get((mc_helper)h)->addr;
    return true;
  }
  uintptr_t a;
  if (!ajx_sym_addr(ctx, name, strlen(name), &a)) return false;
  *addr = (uint32_t)a;
  return true;
}
#endif

armjit_mcode *armjit_object_load(armjit_object *o, armjit_error *err) {
  if (!o) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_object_load: object is NULL");
    return NULL;
  }
#if !defined(__arm__)
  ajx_err(err, ARMJIT_E_UNSUPPORTED,
          "loading method-compiled code needs an ARM Linux host (this is not one); "
          "the object can still be listed");
  return NULL;
#else
  /* every extern must be known before anything is linked */
  for (size_t i = 0; i < a32_buf_nrelocs(o->b); i++) {
    a32_reloc r;
    uint32_t a;
    if (a32_buf_reloc(o->b, i, &r) && !resolve(o->ctx, r.sym, r.name, &a)) {
      ajx_err(err, ARMJIT_E_INVALID,
              "unresolved symbol '%s': register it with armjit_ctx_add_symbol before loading",
              r.name);
      return NULL;
    }
  }
  armjit_mcode *c = ajx_calloc(o->ctx, 1, sizeof *c);
  if (!c) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory loading the module");
    return NULL;
  }
  c->code = armjit_code_new_with(o->ctx, o->b, resolve, o->ctx, err);
  if (!c->code) {
    ajx_free(o->ctx, c);
    return NULL;
  }
  c->o = o;
  return c;
#endif
}

armjit_mcode *armjit_module_load(armjit_module *m, armjit_error *err) {
  armjit_object *o = armjit_module_compile(m, err);
  if (!o) return NULL;
  armjit_mcode *c = armjit_object_load(o, err);
  if (!c) armjit_object_free(o);
  return c;
}

void armjit_mcode_free(armjit_mcode *c) {
  if (!c) return;
  armjit_ctx *ctx = c->o->ctx;
  armjit_code_free(c->code);
  armjit_object_free(c->o);
  ajx_free(ctx, c);
}

static const mc_fnrec *find_fn(const armjit_object *o, const char *name) {
  for (uint32_t i = 0; o && name && i < o->nfns; i++)
    if (strcmp(o->fns[i].name, name) == 0) return &o->fns[i];
  return NULL;
}

void *armjit_mcode_symbol(const armjit_mcode *c, const char *name) {
  const mc_fnrec *f = c ? find_fn(c->o, name) : NULL;
  if (f) return (uint8_t *)armjit_code_entry(c->code) + f->entry;
  for (unsigned k = 0; c && name && k < 3; k++) /* what exceptions add to the code */
    if (c->o->exc_off[k] != UINT32_MAX && strcmp(name, exc_names[k]) == 0)
      return (uint8_t *)armjit_code_entry(c->code) + c->o->exc_off[k];
  return NULL;
}

const armjit_object *armjit_mcode_object(const armjit_mcode *c) { return c ? c->o : NULL; }

/* ---- listings ---------------------------------------------------------------------- */
static int dis_line(void *ud, uint32_t address, uint32_t word, const char *text) {
  ajx_disasm_print_line(ud, address, word, text);
  return 0;
}

static armjit_status dis_range(const armjit_object *o, uint32_t base, uint32_t from, uint32_t to,
                               FILE *out) {
  if (to <= from) return ARMJIT_OK;
  return ajx_disasm_each(a32_buf_data(o->b) + from, to - from, base + from, dis_line, out);
}

/* Per function: the prologue, then each op's IR text (block labels
 * before their first op) and the instructions it became, then the
 * epilogue and the stubs. */
static armjit_status dis(const armjit_object *o, const void *code, FILE *out) {
  if (!o || !out) return ARMJIT_E_ARG;
  uint32_t base = (uint32_t)(uintptr_t)code;
  const armjit_module *m = o->m;
  for (uint32_t i = 0; i < o->nfns; i++) {
    const mc_fnrec *f = &o->fns[i];
    const mir_func *fn = mir_fn(m, f->sym);
    fprintf(out, "@%s: %u bytes\n", f->name, f->end - f->start);
    uint32_t pos = f->start;
    armjit_status st = ARMJIT_OK;
    if (f->entry > pos) {
      fprintf(out, "  # float constants\n");
      for (; pos < f->entry; pos += 4)
        fprintf(out, "  %08x: %08x  .word\n", base + pos, a32_buf_word(o->b, pos));
    }
    fprintf(out, "  # prologue\n");
    for (uint32_t bi = 0; bi < fn->nblocks && st == ARMJIT_OK; bi++) {
      const mir_block *b = &fn->blocks[bi];
      for (uint32_t k = 0; k < b->nops && st == ARMJIT_OK; k++) {
        uint32_t at = f->op_off[b->ops[k]];
        if (at > pos) st = dis_range(o, base, pos, at, out);
        if (at > pos) pos = at;
        if (k == 0) {
          if (b->name) fprintf(out, "%s:\n", b->name);
          else fprintf(out, "b%u:\n", bi);
        }
        ajx_sbuf sb;
        ajx_sb_init(&sb, o->ctx);
        mir_put_op(&sb, m, fn, &fn->ops[b->ops[k]]);
        fprintf(out, "  # %s\n", sb.p && !sb.failed ? sb.p : "?");
        ajx_sb_free(&sb);
      }
    }
    if (st == ARMJIT_OK && f->tail > pos) {
      st = dis_range(o, base, pos, f->tail, out);
      pos = f->tail;
    }
    if (st == ARMJIT_OK && f->end > pos) {
      fprintf(out, "  # epilogue and stubs\n");
      st = dis_range(o, base, pos, f->end, out);
    }
    if (st == ARMJIT_E_UNSUPPORTED) ajx_disasm_unsupported(out);
    if (st != ARMJIT_OK) return st;
  }
  return ARMJIT_OK;
}

armjit_status armjit_object_dis(const armjit_object *o, FILE *out) { return dis(o, NULL, out); }

armjit_status armjit_mcode_dis(const armjit_mcode *c, FILE *out) {
  if (!c) return ARMJIT_E_ARG;
  return dis(c->o, armjit_code_entry(c->code), out);
}
