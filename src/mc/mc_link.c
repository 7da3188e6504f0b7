/* SPDX-License-Identifier: MIT */
/* Modules: compile every function into one buffer, section by section
 * (functions of one section call each other with BL to their labels),
 * keep the result as an object (mc_obj.h: code sections, function ranges,
 * per-op offsets for listings, data sections), and load it: the data into
 * memory of the context's allocator, the code linked at its place in the
 * context's code arena, resolving data by name, externs from the context's
 * symbols, then hand out function and data pointers by name.  The
 * run-time helpers the code calls (mc_helpers.h) are compiled into .text
 * from the builtin helpers' module, or called as AEABI functions. */
#include "mc/mc_obj.h"
#include "mc/mc_subr.h"
#include "mc/mir_impl.h"
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
  a32_sym helper[MC_NHELPERS]; /* AEABI functions' symbols, 0 until used */
  mc_exc *exc;      /* exceptions: the table and the unwinder, NULL: none */
  bool aeabi;       /* ARMJIT_AEABI_HELPERS (never for the helpers' own calls) */
  /* the builtin helpers: the mc_mod of their module (itself for that one),
   * NULL when the code calls none; there, each helper's function */
  struct mc_mod *hm;
  int32_t hsym[MC_NHELPERS];
};

struct armjit_mcode {
  armjit_object *o;
  armjit_code *code;
  void **data_mem;    /* per data section: its allocation (NULL for empty) */
  uintptr_t *data_at; /* per data section: its address */
};

a32_label mc_mod_label(mc_mod *mm, uint32_t s) { return mm->label[s]; }

void mc_mod_call(mc_mod *mm, a32_buf *b, uint32_t from, uint32_t s) {
  const char *here = from == UINT32_MAX ? ".text" : mir_sym_section(&mm->m->syms[from]);
  if (strcmp(here, mir_sym_section(&mm->m->syms[s])) == 0) {
    a32_bl(b, A32_AL, mm->label[s]);
  } else {
    a32_mov_label_abs(b, A32_AL, A32_IP, mm->label[s]);
    a32_blx(b, A32_AL, A32_IP);
  }
}
mc_exc *mc_mod_exc(mc_mod *mm) { return mm->exc; }

a32_sym mc_mod_sym(mc_mod *mm, uint32_t s) {
  if (!mm->sym[s]) mm->sym[s] = a32_sym_new(mm->b, mm->m->syms[s].name);
  return mm->sym[s];
}

bool mc_mod_helper_aeabi(const mc_mod *mm, mc_helper h) {
  return mm->aeabi && mc_helper_get(h)->aeabi;
}

void mc_mod_helper_call(mc_mod *mm, a32_buf *b, uint32_t from, mc_helper h) {
  const mc_helper_info *hi = mc_helper_get(h);
  const mc_mod *hm = mm->hm;
  if (mc_mod_helper_aeabi(mm, h) || !hm || hm->hsym[h] < 0) {
    /* (without a builtin copy, which the module's scan always makes, the
     * name stays undefined) */
    if (!mm->helper[h]) mm->helper[h] = a32_sym_new(b, mm->aeabi && hi->aeabi ? hi->aeabi : hi->name);
    a32_mov_sym_abs(b, A32_AL, A32_IP, mm->helper[h], 0);
    a32_blx(b, A32_AL, A32_IP);
    return;
  }
  a32_label l = hm->label[hm->hsym[h]];
  const char *here = from == UINT32_MAX ? ".text" : mir_sym_section(&mm->m->syms[from]);
  if (strcmp(here, ".text") == 0) {
    a32_bl(b, A32_AL, l);
  } else {
    a32_mov_label_abs(b, A32_AL, A32_IP, l);
    a32_blx(b, A32_AL, A32_IP);
  }
}

/* ---- the builtin helpers -------------------------------------------------------------- */
/* The helpers the code of m calls: need[h] (only the builtin ones). */
static bool scan_helpers(const armjit_module *m, bool idiv, bool aeabi, bool *need) {
  bool any = false;
  for (uint32_t s = 0; s < m->nsyms; s++) {
    if (m->syms[s].kind != MIR_SYM_FUNC || m->syms[s].fn->raw) continue;
    const mir_func *fn = m->syms[s].fn;
    for (uint32_t i = 0; i < fn->nops; i++) {
      int h = mc_op_helper_of(fn, &fn->ops[i], idiv);
      if (h < 0 || (aeabi && mc_helper_get((mc_helper)h)->aeabi)) continue;
      any = need[h] = true;
    }
  }
  return any;
}

/* The helpers' mc_mod for an object whose code needs the builtin helpers
 * `need`: their module (o->helpers), a label per function, and want[s]
 * for the functions to compile — the needed helpers and everything they
 * call, directly or through helpers of their own.  ARMJIT_E_NOMEM;
 * ARMJIT_E_INVALID when the object's module has a symbol of a helper's
 * name. */
static armjit_status helpers_begin(armjit_object *o, mc_mod *mm, mc_mod *hm, const bool *need,
                                   const char *const *more, bool **want, armjit_error *err) {
  armjit_ctx *ctx = o->ctx;
  char msg[200];
  armjit_module *h = o->helpers = mc_builtin_module(ctx, msg, sizeof msg);
  if (!h) return ajx_err(err, ARMJIT_E_NOMEM, "%s", msg);
  for (uint32_t s = 0; s < h->nsyms; s++) { /* an extern may name a global one */
    int32_t u = mir_find_sym(o->m, h->syms[s].name, strlen(h->syms[s].name));
    if (u >= 0 && (o->m->syms[u].kind != MIR_SYM_EXTERN || h->syms[s].local))
      return ajx_err(err, ARMJIT_E_INVALID,
                     "@%s: the name of a run-time helper armjit adds to the object "
                     "(names __armjit_* are armjit's)", h->syms[s].name);
  }
  memset(hm, 0, sizeof *hm);
  hm->m = h;
  hm->ctx = ctx;
  hm->b = mm->b;
  hm->hm = hm;
  hm->label = ajx_calloc(ctx, h->nsyms, sizeof *hm->label);
  hm->sym = ajx_calloc(ctx, h->nsyms, sizeof *hm->sym);
  *want = ajx_calloc(ctx, h->nsyms, sizeof **want);
  if (!hm->label || !hm->sym || !*want)
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory for the run-time helpers");
  for (int k = 0; k < MC_NHELPERS; k++) {
    const char *name = mc_helper_get((mc_helper)k)->name;
    hm->hsym[k] = mir_find_sym(h, name, strlen(name));
    if (need[k] && hm->hsym[k] >= 0) (*want)[hm->hsym[k]] = true;
  }
  for (; *more; more++) {
    int32_t s = mir_find_sym(h, *more, strlen(*more));
    if (s >= 0) (*want)[s] = true;
  }
  for (uint32_t s = 0; s < h->nsyms; s++)
    if (h->syms[s].kind == MIR_SYM_FUNC) hm->label[s] = a32_label_new(mm->b);
  bool idiv = mc_ctx_idiv(ctx), grew = true;
  while (grew) { /* the closure over calls and the helpers' own helpers */
    grew = false;
    for (uint32_t s = 0; s < h->nsyms; s++) {
      if (!(*want)[s]) continue;
      const mir_func *fn = h->syms[s].fn;
      for (uint32_t i = 0; fn->raw && i < fn->raw->nrelocs; i++) {
        int32_t t = fn->raw->relocs[i].sym;
        if (h->syms[t].kind == MIR_SYM_FUNC && !(*want)[t]) grew = (*want)[t] = true;
      }
      for (uint32_t i = 0; i < fn->nops; i++) {
        const mir_op *op = &fn->ops[i];
        int k = mc_op_helper_of(fn, op, idiv);
        int32_t t = op->opc == ARMJIT_MOP_CALL ? op->sym : k >= 0 ? hm->hsym[k] : -1;
        if (t >= 0 && !(*want)[t]) grew = (*want)[t] = true;
      }
    }
  }
  mm->hm = hm;
  return ARMJIT_OK;
}

void armjit_object_free(armjit_object *o) {
  if (!o) return;
  for (uint32_t i = 0; i < o->nfns; i++) {
    ajx_free(o->ctx, o->fns[i].name);
    ajx_free(o->ctx, o->fns[i].op_off);
  }
  ajx_free(o->ctx, o->fns);
  mc_obj_free_data(o);
  ajx_free(o->ctx, o->secs);
  mc_image_free(o->ctx, o->img);
  armjit_module_free(o->helpers);
  if (o->b) a32_buf_free(o->b);
  ajx_free(o->ctx, o);
}

/* Compile function s of mm's module into section sec as the object's
 * next function record. */
static armjit_status compile_fn(armjit_object *o, mc_mod *mm, uint32_t s, uint32_t sec,
                                armjit_error *err) {
  const armjit_module *m = mm->m;
  mc_fnrec *f = &o->fns[o->nfns++];
  const mir_func *fn = mir_fn(m, s);
  f->m = m;
  f->sym = s;
  f->sec = sec;
  f->name = ajx_strdup(o->ctx, m->syms[s].name);
  f->op_off = ajx_calloc(o->ctx, fn->nops ? fn->nops : 1, sizeof *f->op_off);
  if (!f->name || !f->op_off) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory compiling the module");
  f->start = (uint32_t)a32_buf_size(mm->b);
  char msg[240];
  armjit_status st = fn->raw ? mc_raw_emit(mm, m, s, mm->b, &f->entry, msg, sizeof msg)
                             : mc_fn_compile(mm, m, s, mm->b, f->op_off, &f->tail, &f->entry, msg,
                                             sizeof msg);
  if (st != ARMJIT_OK) return ajx_err(err, st, "%s", msg);
  f->end = (uint32_t)a32_buf_size(mm->b);
  if (fn->raw) f->tail = f->end;
  return ARMJIT_OK;
}

armjit_object *armjit_module_compile(armjit_module *m, armjit_error *err) {
  if (!m) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_module_compile: module is NULL");
    return NULL;
  }
  if (armjit_module_validate(m, err) != ARMJIT_OK) return NULL;
  armjit_ctx *ctx = m->ctx;
  armjit_object *o = ajx_calloc(ctx, 1, sizeof *o);
  mc_mod mm, hm;
  memset(&mm, 0, sizeof mm);
  memset(&hm, 0, sizeof hm);
  bool *want = NULL, need[MC_NHELPERS] = {false};
  mm.m = m;
  mm.ctx = ctx;
  mm.aeabi = (ctx->opts.flags & ARMJIT_AEABI_HELPERS) != 0;
  uint32_t nf = 0, nh = 0;
  for (uint32_t s = 0; s < m->nsyms; s++) nf += m->syms[s].kind == MIR_SYM_FUNC;
  if (!o) goto nomem;
  o->ctx = ctx;
  o->m = m;
  o->b = mm.b = armjit_buf_new(ctx, 4096, 16u << 20);
  mm.label = ajx_calloc(ctx, m->nsyms ? m->nsyms : 1, sizeof *mm.label);
  mm.sym = ajx_calloc(ctx, m->nsyms ? m->nsyms : 1, sizeof *mm.sym);
  if (!o->b || !mm.label || !mm.sym) goto nomem;
  /* the exception subroutines the module needs (mc_exc_add_subrs) */
  bool exc = mc_exc_used(m);
  const char *more[3] = {NULL, NULL, NULL};
  if (exc) more[0] = MC_EXC_THROW;
  if (exc && m->trap == ARMJIT_TRAP_SVC && m->exc[MIR_EXC_MAKE].sym >= 0) more[1] = MC_EXC_SVC;
  if ((scan_helpers(m, mc_ctx_idiv(ctx), mm.aeabi, need) || exc) &&
      helpers_begin(o, &mm, &hm, need, more, &want, err) != ARMJIT_OK)
    goto fail;
  for (uint32_t s = 0; mm.hm && s < o->helpers->nsyms; s++) nh += want[s];
  o->fns = ajx_calloc(ctx, nf + nh ? nf + nh : 1, sizeof *o->fns);
  if (!o->fns) goto nomem;
  if (exc && !(mm.exc = mc_exc_new(ctx, hm.label[mir_find_sym(hm.m, MC_EXC_THROW,
                                                               strlen(MC_EXC_THROW))])))
    goto nomem;
  if (!mc_obj_alloc_data(o)) goto nomem;
  /* .text: its functions, then the helpers (what exceptions add among
   * them); then each named code section with its functions and rodata
   * (mc_obj.h) */
  o->secs = ajx_calloc(ctx, nf + 1, sizeof *o->secs);
  if (!o->secs) goto nomem;
  o->secs[o->ncode++] = (mc_osec){".text", MC_LSEC_CODE, 0, 0, 4, NULL};
  o->nsecs = 1;
  for (uint32_t s = 0; s < m->nsyms; s++)
    if (m->syms[s].kind == MIR_SYM_FUNC && m->syms[s].section &&
        mc_obj_sec(o, m->syms[s].section) == UINT32_MAX) {
      o->secs[o->ncode++] = (mc_osec){m->syms[s].section, MC_LSEC_CODE, 0, 0, 4, NULL};
      o->nsecs = o->ncode;
    }
  for (uint32_t s = 0; s < m->nsyms; s++) {
    uint32_t sec = m->syms[s].section ? mc_obj_sec(o, m->syms[s].section) : UINT32_MAX;
    if (m->syms[s].kind == MIR_SYM_FUNC || sec != UINT32_MAX) mm.label[s] = a32_label_new(mm.b);
    uint32_t al = m->syms[s].kind == MIR_SYM_DATA ? m->syms[s].data->align : 0;
    if (sec != UINT32_MAX && al > o->secs[sec].align) o->secs[sec].align = al;
  }
  o->exc_sec = UINT32_MAX;
  for (uint32_t sec = 0; sec < o->ncode; sec++) {
    while (a32_buf_size(mm.b) & (o->secs[sec].align - 1)) a32_word(mm.b, 0);
    o->secs[sec].start = (uint32_t)a32_buf_size(mm.b);
    for (uint32_t s = 0; s < m->nsyms; s++) {
      if (m->syms[s].kind == MIR_SYM_EXTERN || strcmp(mir_sym_section(&m->syms[s]), o->secs[sec].name))
        continue;
      if (m->syms[s].kind == MIR_SYM_DATA) {
        mc_obj_emit_data(o, mm.b, sec, s, mm.label[s]);
        continue;
      }
      if (compile_fn(o, &mm, s, sec, err) != ARMJIT_OK) goto fail;
    }
    for (uint32_t s = 0; sec == 0 && mm.hm && s < o->helpers->nsyms; s++)
      if (want[s] && compile_fn(o, &hm, s, 0, err) != ARMJIT_OK) goto fail;
    o->secs[sec].size = (uint32_t)a32_buf_size(mm.b) - o->secs[sec].start;
  }
  if (a32_buf_status(mm.b) != A32_OK) {
    ajx_err(err, a32_buf_status(mm.b) == A32_ERR_NOMEM ? ARMJIT_E_NOMEM
                 : a32_buf_status(mm.b) == A32_ERR_FULL  ? ARMJIT_E_LIMIT
                                                         : ARMJIT_E_ASM,
            "code generation failed: %s", a32_buf_errmsg(mm.b));
    goto fail;
  }
  if (mc_obj_layout_data(o, err) != ARMJIT_OK) goto fail;
  if (mm.exc && mc_exc_table(o, mm.exc, err) != ARMJIT_OK) goto fail;
  ajx_err_clear(err);
  goto out;
nomem:
  ajx_err(err, ARMJIT_E_NOMEM, "out of memory compiling the module");
fail:
  armjit_object_free(o);
  o = NULL;
out:
  ajx_free(ctx, mm.label);
  ajx_free(ctx, mm.sym);
  ajx_free(ctx, hm.label);
  ajx_free(ctx, hm.sym);
  ajx_free(ctx, want);
  mc_exc_free(ctx, mm.exc);
  return o;
}

size_t armjit_object_size(const armjit_object *o) { return o ? a32_buf_size(o->b) : 0; }

/* ---- loading ----------------------------------------------------------------------- */
static const mc_fnrec *find_fn(const armjit_object *o, const char *name) {
  for (uint32_t i = 0; o && name && i < o->nfns; i++)
    if (strcmp(o->fns[i].name, name) == 0) return &o->fns[i];
  return NULL;
}

/* A data symbol of the object by name: its section and offset. */
static const mc_odata *find_data(const armjit_object *o, const char *name) {
  for (uint32_t i = 0; o && name && i < o->ndata; i++)
    if (strcmp(o->m->syms[o->data[i].sym].name, name) == 0) return &o->data[i];
  return NULL;
}

#if defined(__arm__)
typedef struct {
  const armjit_object *o;
  const uintptr_t *data_at; /* per section (data ones) */
} loader;

/* __start_SEC / __stop_SEC of a data section SEC of o, as GNU ld defines
 * them for sections named by C identifiers: the start and the end of the
 * placed section (the unwinder finds the function table so). */
static bool section_bound(const loader *L, const char *name, uint32_t *addr) {
  bool stop = strncmp(name, "__stop_", 7) == 0;
  if (!stop && strncmp(name, "__start_", 8) != 0) return false;
  uint32_t s = mc_obj_sec(L->o, name + (stop ? 7 : 8));
  if (s == UINT32_MAX || s < L->o->ncode) return false;
  *addr = (uint32_t)L->data_at[s] + (stop ? L->o->secs[s].size : 0);
  return true;
}

/* Data of the object, section bounds, then the context's symbols. */
static bool resolve(void *ud, a32_sym sym, const char *name, uint32_t *addr) {
  (void)sym;
  const loader *L = ud;
  if (section_bound(L, name, addr)) return true;
  const mc_odata *d = find_data(L->o, name);
  if (d && d->sec < L->o->ncode) return false; /* in the code being placed: by label only */
  if (d) {
    *addr = (uint32_t)(L->data_at[d->sec] + d->off);
    return true;
  }
  uintptr_t a;
  if (!ajx_sym_addr(L->o->ctx, name, strlen(name), &a)) return false;
  *addr = (uint32_t)a;
  return true;
}

static void free_data(armjit_ctx *ctx, armjit_mcode *c, uint32_t nsecs) {
  for (uint32_t i = 0; c->data_mem && i < nsecs; i++) ajx_free(ctx, c->data_mem[i]);
  ajx_free(ctx, c->data_mem);
  ajx_free(ctx, c->data_at);
}

/* The data sections in the context's memory, aligned, with their bytes
 * (the words holding addresses are written after the code is placed). */
static armjit_status place_data(armjit_object *o, armjit_mcode *c, armjit_error *err) {
  c->data_mem = ajx_calloc(o->ctx, o->nsecs, sizeof *c->data_mem);
  c->data_at = ajx_calloc(o->ctx, o->nsecs, sizeof *c->data_at);
  if (!c->data_mem || !c->data_at) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory loading the module");
  for (uint32_t i = o->ncode; i < o->nsecs; i++) {
    const mc_osec *s = &o->secs[i];
    size_t need = (size_t)s->size + s->align;
    uint8_t *p = c->data_mem[i] = ajx_calloc(o->ctx, need, 1);
    if (!p) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory for the module's %s", s->name);
    uintptr_t at = ((uintptr_t)p + s->align - 1) & ~(uintptr_t)(s->align - 1);
    c->data_at[i] = at;
    if (s->bytes) memcpy((void *)at, s->bytes, s->size);
  }
  return ARMJIT_OK;
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
  armjit_mcode *c = ajx_calloc(o->ctx, 1, sizeof *c);
  if (!c) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory loading the module");
    return NULL;
  }
  c->o = o;
  loader L = {o, NULL};
  if (place_data(o, c, err) != ARMJIT_OK) goto fail;
  L.data_at = c->data_at;
  /* every extern must be known before anything is linked */
  for (size_t i = 0; i < a32_buf_nrelocs(o->b) + o->ndrel; i++) {
    a32_reloc r;
    uint32_t a;
    const char *name = NULL;
    if (i < a32_buf_nrelocs(o->b)) name = a32_buf_reloc(o->b, i, &r) ? r.name : NULL;
    else if (!find_fn(o, o->drel[i - a32_buf_nrelocs(o->b)].target))
      name = o->drel[i - a32_buf_nrelocs(o->b)].target;
    const mc_odata *d = name ? find_data(o, name) : NULL;
    if (d && d->sec < o->ncode && i < a32_buf_nrelocs(o->b)) {
      ajx_err(err, ARMJIT_E_UNSUPPORTED,
              "@%s in code section %s is referenced by symbol (a raw function's word or an "
              "exception tag): loading reaches data in code sections only by label",
              name, o->secs[d->sec].name);
      goto fail;
    }
    if (name && !d && !resolve(&L, 0, name, &a)) {
      ajx_err(err, ARMJIT_E_INVALID,
              "unresolved symbol '%s': register it with armjit_ctx_add_symbol before loading",
              name);
      goto fail;
    }
  }
  c->code = armjit_code_new_with(o->ctx, o->b, resolve, &L, err);
  if (!c->code) goto fail;
  for (uint32_t i = 0; i < o->ncode; i++)
    if ((uintptr_t)armjit_code_entry(c->code) % o->secs[i].align) {
      ajx_err(err, ARMJIT_E_UNSUPPORTED,
              "section %s wants %u-byte alignment, more than the code arena gives", o->secs[i].name,
              (unsigned)o->secs[i].align);
      goto fail;
    }
  /* the words holding addresses: functions at their loaded entry; in code
   * sections written through the arena */
  for (uint32_t i = 0; i < o->ndrel; i++) {
    const mc_orel *r = &o->drel[i];
    uint32_t a = 0;
    const void *f = r->target ? armjit_mcode_symbol(c, r->target) : NULL;
    if (!r->target) a = (uint32_t)(uintptr_t)armjit_code_entry(c->code) + o->secs[r->tsec].start;
    else if (f) a = (uint32_t)(uintptr_t)f;
    else (void)resolve(&L, 0, r->target, &a);
    a += (uint32_t)r->addend;
    if (r->sec >= o->ncode) memcpy((void *)(c->data_at[r->sec] + r->at), &a, 4);
    else if (armjit_code_patch(c->code, o->secs[r->sec].start + r->at, &a, 1, err) != ARMJIT_OK)
      goto fail;
  }
  return c;
fail:
  armjit_code_free(c->code);
  free_data(o->ctx, c, o->nsecs);
  ajx_free(o->ctx, c);
  return NULL;
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
  for (uint32_t i = 0; c->data_mem && i < c->o->nsecs; i++) ajx_free(ctx, c->data_mem[i]);
  ajx_free(ctx, c->data_mem);
  ajx_free(ctx, c->data_at);
  armjit_code_free(c->code);
  armjit_object_free(c->o);
  ajx_free(ctx, c);
}


void *armjit_mcode_symbol(const armjit_mcode *c, const char *name) {
  const mc_fnrec *f = c ? find_fn(c->o, name) : NULL;
  if (f) return (uint8_t *)armjit_code_entry(c->code) + f->entry;
  if (c && name && c->o->exc_sec != UINT32_MAX && c->data_at && strcmp(name, MC_EXC_RECORD) == 0)
    return (void *)c->data_at[c->o->exc_sec];
  const mc_odata *d = c ? find_data(c->o, name) : NULL;
  if (d && d->sec < c->o->ncode)
    return (uint8_t *)armjit_code_entry(c->code) + c->o->secs[d->sec].start + d->off;
  if (d && c->data_at) return (void *)(c->data_at[d->sec] + d->off);
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
  for (uint32_t i = 0; i < o->nfns; i++) {
    const mc_fnrec *f = &o->fns[i];
    const armjit_module *m = f->m;
    const mir_func *fn = mir_fn(m, f->sym);
    fprintf(out, "@%s: %u bytes\n", f->name, f->end - f->start);
    uint32_t pos = f->start;
    armjit_status st = ARMJIT_OK;
    if (fn->raw) { /* machine code, no IR */
      fprintf(out, "  # raw\n");
      st = dis_range(o, base, f->start, f->end, out);
      if (st == ARMJIT_E_UNSUPPORTED) ajx_disasm_unsupported(out);
      if (st != ARMJIT_OK) return st;
      continue;
    }
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

/* Per data symbol, after the code: its words (a word holding an address
 * as .word @sym+addend, a tail of bytes as .byte), at section offsets
 * (data_at NULL) or the loaded addresses.
 *   @vt: 8 bytes in .rodata
 *     00000000: 00000000  .word @f
 *     00000004: 00000004  .word @cnt+4 */
static void dis_data(const armjit_object *o, const uintptr_t *data_at, const uint8_t *code,
                     FILE *out) {
  for (uint32_t k = 0; k < o->ndata; k++) {
    const mc_odata *d = &o->data[k];
    const mc_osec *sec = &o->secs[d->sec];
    const mir_sym *y = &o->m->syms[d->sym];
    bool in_code = d->sec < o->ncode; /* in the code: its bytes there */
    uint32_t size = y->data->size;
    uint32_t base = in_code    ? (data_at ? (uint32_t)(uintptr_t)(code + sec->start) : 0)
                    : data_at ? (uint32_t)data_at[d->sec]
                              : 0;
    fprintf(out, "@%s: %u bytes in %s%s\n", y->name, (unsigned)size, sec->name,
            sec->bytes || in_code ? "" : " (zeros)");
    const uint8_t *p = in_code ? code + sec->start
                       : data_at ? (const uint8_t *)data_at[d->sec]
                                 : sec->bytes;
    for (uint32_t off = 0; p && off < size; off += 4) {
      uint32_t at = d->off + off;
      if (size - off < 4) {
        fprintf(out, "  %08x:", (unsigned)(base + at));
        for (uint32_t i = off; i < size; i++) fprintf(out, " %02x", p[d->off + i]);
        fprintf(out, "  .byte\n");
        break;
      }
      uint32_t w;
      memcpy(&w, p + at, 4);
      fprintf(out, "  %08x: %08x  .word", (unsigned)(base + at), (unsigned)w);
      for (uint32_t r = 0; r < o->ndrel; r++)
        if (o->drel[r].sec == d->sec && o->drel[r].at == at && o->drel[r].target) {
          fprintf(out, " @%s", o->drel[r].target);
          if (o->drel[r].addend) fprintf(out, "%+d", (int)o->drel[r].addend);
        }
      fputc('\n', out);
    }
  }
}

armjit_status armjit_object_dis(const armjit_object *o, FILE *out) {
  armjit_status st = dis(o, NULL, out);
  if (st == ARMJIT_OK) dis_data(o, NULL, a32_buf_data(o->b), out);
  return st;
}

armjit_status armjit_mcode_dis(const armjit_mcode *c, FILE *out) {
  if (!c) return ARMJIT_E_ARG;
  armjit_status st = dis(c->o, armjit_code_entry(c->code), out);
  if (st == ARMJIT_OK) dis_data(c->o, c->data_at, armjit_code_entry(c->code), out);
  return st;
}
