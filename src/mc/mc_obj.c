/* SPDX-License-Identifier: MIT */
/* An object's data sections (laid out from the module's data symbols) and
 * the view of the whole object for linkers (mc_image.h): the flat-image
 * linker and the ELF writer read nothing else.  Layout: mc_obj.h. */
#include "mc/mc_obj.h"

#include <stdlib.h>
#include <string.h>


uint32_t mc_obj_sec(const armjit_object *o, const char *name) {
  for (uint32_t i = 0; i < o->nsecs; i++)
    if (strcmp(o->secs[i].name, name) == 0) return i;
  return UINT32_MAX;
}

bool mc_obj_alloc_data(armjit_object *o) {
  const armjit_module *m = o->m;
  uint32_t nd = 0, nr = 0;
  for (uint32_t s = 0; s < m->nsyms; s++)
    if (m->syms[s].kind == MIR_SYM_DATA) nd++, nr += m->syms[s].data->nrelocs;
  o->data = ajx_calloc(o->ctx, nd + 1, sizeof *o->data);
  o->drel = ajx_calloc(o->ctx, nr + 1, sizeof *o->drel);
  return o->data && o->drel;
}

/* The word at p holding addend a (REL: the addend in the word itself, AAELF). */
static void put_addend(uint8_t *p, int32_t addend) {
  uint32_t a = (uint32_t)addend;
  p[0] = (uint8_t)a, p[1] = (uint8_t)(a >> 8), p[2] = (uint8_t)(a >> 16), p[3] = (uint8_t)(a >> 24);
}

void mc_obj_emit_data(armjit_object *o, a32_buf *b, uint32_t sec, uint32_t s, a32_label l) {
  const mir_sym *y = &o->m->syms[s];
  const mir_data *md = y->data;
  uint32_t from = (uint32_t)a32_buf_size(b) - o->secs[sec].start, al = md->align;
  if (md->nrelocs && al < 4) al = 4;
  while ((a32_buf_size(b) - o->secs[sec].start) & (al - 1)) a32_word(b, 0);
  uint32_t off = (uint32_t)a32_buf_size(b) - o->secs[sec].start;
  o->data[o->ndata++] = (mc_odata){s, sec, off, from};
  a32_label_bind(b, l);
  uint32_t r = 0;
  for (uint32_t at = 0; at < md->size; at += 4) {
    uint8_t w[4] = {0, 0, 0, 0};
    if (r < md->nrelocs && md->relocs[r].off == at) {
      const mir_dreloc *x = &md->relocs[r++];
      o->drel[o->ndrel++] = (mc_orel){sec, off + at, o->m->syms[x->sym].name, x->addend, 0};
      put_addend(w, x->addend);
    } else {
      if (md->bytes) memcpy(w, md->bytes + at, md->size - at < 4 ? md->size - at : 4);
    }
    a32_word(b, (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24);
  }
}

uint32_t mc_obj_code_sec(const armjit_object *o, uint32_t at) {
  uint32_t s = 0;
  for (uint32_t i = 1; i < o->ncode; i++)
    if (o->secs[i].start <= at) s = i;
  return s;
}

void mc_obj_free_data(armjit_object *o) {
  for (uint32_t i = o->ncode; i < o->nsecs; i++) ajx_free(o->ctx, o->secs[i].bytes);
  ajx_free(o->ctx, o->data);
  ajx_free(o->ctx, o->drel);
  o->data = NULL;
  o->drel = NULL;
  o->ndata = o->ndrel = 0;
}

/* Is data symbol y in a code section of o (placed by mc_obj_emit_data)? */
static bool in_code(const armjit_object *o, const mir_sym *y) {
  uint32_t sec = y->section ? mc_obj_sec(o, y->section) : UINT32_MAX;
  return sec < o->ncode;
}

/* Sections in the order .rodata, .data, .bss, then named ones as the
 * module first names them; each symbol after the one before, aligned. */
armjit_status mc_obj_layout_data(armjit_object *o, armjit_error *err) {
  const armjit_module *m = o->m;
  uint32_t nd = 0;
  for (uint32_t s = 0; s < m->nsyms; s++)
    nd += m->syms[s].kind == MIR_SYM_DATA && !in_code(o, &m->syms[s]);
  if (!nd) return ARMJIT_OK;
  uint32_t first = o->ndata; /* the data laid out here */
  mc_osec *secs = ajx_realloc(o->ctx, o->secs, (o->nsecs + nd + 3) * sizeof *o->secs);
  if (!secs) goto nomem;
  o->secs = secs;
  static const mc_lsec_kind kinds[] = {MC_LSEC_RODATA, MC_LSEC_DATA, MC_LSEC_BSS};
  for (unsigned k = 0; k <= ARMJIT_DATA_BSS; k++) /* the standard sections, in this order */
    for (uint32_t s = 0; s < m->nsyms; s++) {
      const mir_sym *y = &m->syms[s];
      if (y->kind == MIR_SYM_DATA && !y->section && y->data->kind == k) {
        o->secs[o->nsecs++] = (mc_osec){mir_sym_section(y), kinds[k], 0, 0, 1, NULL};
        break;
      }
    }
  for (uint32_t s = 0; s < m->nsyms; s++) { /* the named ones */
    const mir_sym *y = &m->syms[s];
    if (y->kind == MIR_SYM_DATA && y->section && mc_obj_sec(o, y->section) == UINT32_MAX)
      o->secs[o->nsecs++] = (mc_osec){y->section, kinds[y->data->kind], 0, 0, 1, NULL};
  }
  /* symbols in module order within their section */
  uint64_t *size = ajx_calloc(o->ctx, o->nsecs, sizeof *size);
  if (!size) goto nomem;
  for (uint32_t s = 0; s < m->nsyms; s++) {
    const mir_sym *y = &m->syms[s];
    if (y->kind != MIR_SYM_DATA || in_code(o, y)) continue;
    uint32_t sec = mc_obj_sec(o, mir_sym_section(y));
    uint32_t al = y->data->align;
    if (y->data->nrelocs && al < 4) al = 4; /* linkers want words aligned */
    if (al > o->secs[sec].align) o->secs[sec].align = al;
    uint64_t off = (size[sec] + al - 1) & ~(uint64_t)(al - 1);
    o->data[o->ndata++] = (mc_odata){s, sec, (uint32_t)off, (uint32_t)off};
    size[sec] = off + y->data->size;
    if (size[sec] > UINT32_MAX) {
      ajx_free(o->ctx, size);
      return ajx_err(err, ARMJIT_E_LIMIT, "section %s is larger than 4 GiB", o->secs[sec].name);
    }
  }
  for (uint32_t i = o->ncode; i < o->nsecs; i++) {
    o->secs[i].size = (uint32_t)size[i];
    if (o->secs[i].kind != MC_LSEC_BSS && size[i] &&
        !(o->secs[i].bytes = ajx_calloc(o->ctx, (size_t)size[i], 1))) {
      ajx_free(o->ctx, size);
      goto nomem;
    }
  }
  ajx_free(o->ctx, size);
  for (uint32_t k = first; k < o->ndata; k++) {
    const mc_odata *d = &o->data[k];
    const mir_data *md = m->syms[d->sym].data;
    mc_osec *sec = &o->secs[d->sec];
    if (sec->bytes && md->size) memcpy(sec->bytes + d->off, md->bytes, md->size);
    for (uint32_t r = 0; r < md->nrelocs; r++) {
      const mir_dreloc *x = &md->relocs[r];
      o->drel[o->ndrel++] = (mc_orel){d->sec, d->off + x->off, m->syms[x->sym].name, x->addend, 0};
      put_addend(sec->bytes + d->off + x->off, x->addend);
    }
  }
  return ARMJIT_OK;
nomem:
  return ajx_err(err, ARMJIT_E_NOMEM, "out of memory laying out the module's data");
}

/* ---- the view for linkers (mc_image.h) ----------------------------------------------- */
/* Sections: the code ones (ranges of the buffer), then the data ones.
 * Relocations: the buffer's records (externs, helpers, data, by name) and
 * its label pairs (addr of a function: its section plus offset), then the
 * data words (of data sections and of code sections holding data).
 * Symbols: the functions at their entries, what exceptions add, the data.
 * Mapping: $d for constant pools, the exception table and data in code
 * sections, $a for each function's entry and what exceptions add. */
armjit_ctx *mc_object_ctx(const armjit_object *o) { return o->ctx; }
mc_image **mc_object_image_slot(armjit_object *o) { return &o->img; }
const mc_image *mc_object_image(const armjit_object *o) { return o->img; }

static int lrel_cmp(const void *a, const void *b) {
  const mc_lrel *x = a, *y = b;
  if (x->sec != y->sec) return x->sec < y->sec ? -1 : 1;
  return x->at < y->at ? -1 : x->at > y->at;
}

static int lmap_cmp(const void *a, const void *b) {
  const mc_lmap *x = a, *y = b;
  if (x->sec != y->sec) return x->sec < y->sec ? -1 : 1;
  return x->off < y->off ? -1 : x->off > y->off;
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
  in->sec = ajx_calloc(o->ctx, o->nsecs + 1, sizeof *in->sec);
  in->rel = ajx_calloc(o->ctx, nr + 2 * nl + o->ndrel + 1, sizeof *in->rel);
  in->sym = ajx_calloc(o->ctx, o->nfns + o->ndata + 4, sizeof *in->sym);
  in->map = ajx_calloc(o->ctx, 2 * o->nfns + o->ndata + 4, sizeof *in->map);
  if (!in->sec || !in->rel || !in->sym || !in->map) {
    mc_link_in_free(o->ctx, in);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory linking the module");
  }
  const uint8_t *code = a32_buf_data(o->b);
  for (uint32_t i = 0; i < o->nsecs; i++) {
    const mc_osec *s = &o->secs[i];
    in->sec[i] = (mc_lsec){s->name, s->kind, i < o->ncode ? code + s->start : s->bytes, s->size,
                           s->align};
  }
  in->nsec = o->nsecs;
  for (size_t i = 0; i < nr; i++) {
    a32_reloc r;
    if (!a32_buf_reloc(o->b, i, &r)) continue;
    uint32_t sec = mc_obj_code_sec(o, (uint32_t)r.offset);
    in->rel[in->nrel++] =
        (mc_lrel){sec, (uint32_t)r.offset - o->secs[sec].start, r.kind, r.name, 0, r.addend};
  }
  for (size_t i = 0; i < nl; i++) {
    size_t at, target;
    if (!a32_buf_label_ref(o->b, i, &at, &target)) continue;
    uint32_t sec = mc_obj_code_sec(o, (uint32_t)at), tsec = mc_obj_code_sec(o, (uint32_t)target);
    uint32_t a = (uint32_t)at - o->secs[sec].start;
    int32_t t = (int32_t)((uint32_t)target - o->secs[tsec].start);
    in->rel[in->nrel++] = (mc_lrel){sec, a, A32_RELOC_MOVW_ABS_NC, NULL, tsec, t};
    in->rel[in->nrel++] = (mc_lrel){sec, a + 4, A32_RELOC_MOVT_ABS, NULL, tsec, t};
  }
  for (uint32_t i = 0; i < o->ndrel; i++) {
    const mc_orel *r = &o->drel[i];
    in->rel[in->nrel++] = (mc_lrel){r->sec, r->at, A32_RELOC_ABS32, r->target, r->tsec, r->addend};
  }
  qsort(in->rel, in->nrel, sizeof *in->rel, lrel_cmp);
  /* a function: its float constants (data) from start, code from entry to end */
  for (uint32_t i = 0; i < o->nfns; i++) {
    const mc_fnrec *f = &o->fns[i];
    uint32_t base = o->secs[f->sec].start;
    /* the helpers' global functions are the same in every object: weak */
    bool local = f->m->syms[f->sym].local, helper = f->m == o->helpers;
    in->sym[in->nsym++] = (mc_lsym){f->name, f->sec, f->entry - base, f->end - f->entry,
                                    MC_LSYM_FUNC, local, helper && !local};
    if (f->entry > f->start) in->map[in->nmap++] = (mc_lmap){f->sec, f->start - base, true};
    in->map[in->nmap++] = (mc_lmap){f->sec, f->entry - base, false};
  }
  if (o->exc_sec != UINT32_MAX)
    in->sym[in->nsym++] = (mc_lsym){MC_EXC_RECORD, o->exc_sec, 0, o->secs[o->exc_sec].size,
                                    MC_LSYM_OBJECT, true, false};
  for (uint32_t k = 0; k < o->ndata; k++) /* data in code sections, its padding included */
    if (o->data[k].sec < o->ncode) in->map[in->nmap++] = (mc_lmap){o->data[k].sec, o->data[k].from, true};
  qsort(in->map, in->nmap, sizeof *in->map, lmap_cmp);
  for (uint32_t k = 0; k < o->ndata; k++) {
    const mc_odata *d = &o->data[k];
    const mir_sym *y = &o->m->syms[d->sym];
    in->sym[in->nsym++] =
        (mc_lsym){y->name, d->sec, d->off, y->data->size, MC_LSYM_OBJECT, y->local, false};
  }
  return ARMJIT_OK;
}
