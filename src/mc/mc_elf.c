/* SPDX-License-Identifier: MIT */
/* ELF32 relocatable objects from a link input (mc_image.h): what
 * armjit_object_elf writes (mc.h; docs/object.md, "ELF objects").  Like
 * the flat-image linker it reads the object only through its view.
 *
 * The file (ELF for the Arm Architecture, AAELF32; System V gABI):
 *
 *   ELF header   ET_REL, EM_ARM, e_flags EF_ARM_EABI_VER5 | the float ABI
 *   [1..n]       the view's sections in its order: code SHF_ALLOC|EXECINSTR,
 *                rodata ALLOC, data ALLOC|WRITE (PROGBITS), bss NOBITS
 *   .note.GNU-stack  with ARMJIT_ELF_GNU_STACK: empty (no executable stack)
 *   .rel<sec>    per section with relocations: REL records, the addend in
 *                the relocated field (MOVW/MOVT imm16 = A, signed; B/BL
 *                imm24 = A / 4 with A holding the -8 of the PC; data word = A)
 *   .symtab      locals first (sh_info = the first global):
 *                  null, one STT_SECTION per section, $a/$d mapping
 *                  symbols, module-private symbols, targets made up for
 *                  section-relative references (".L<sec>.<off>", below);
 *                then the globals (weak ones among them): defined symbols, then the undefined
 *                ones (every name a relocation uses that the object does
 *                not define)
 *   .strtab, .shstrtab
 *   .ARM.attributes  one "aeabi" subsection, file scope (attributes())
 *
 * A relocation without a symbol (sym NULL: a place in section tsec, the
 * address of a function taken with a label) refers to the object's symbol
 * at that place when there is one and it is not weak (a weak one may
 * stand for another object's definition) (addend 0, a branch -8), else to the
 * section symbol with the offset as its addend, or, when the offset does
 * not fit a MOVW/MOVT field (32 KiB and more), to a local symbol made up
 * for the place. */
#include "mc/mc_image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "util/hash.h"

/* ---- ELF constants (gABI; AAELF32 §5) --------------------------------------------- */
enum {
  ET_REL = 1, EM_ARM = 40, EV_CURRENT = 1,
  SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8, SHT_REL = 9,
  SHT_ARM_ATTRIBUTES = 0x70000003,
  SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_INFO_LINK = 0x40,
  STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2,
  STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3,
  EHDR_SIZE = 52, SHDR_SIZE = 40, SYM_SIZE = 16, REL_SIZE = 8
};
#define EF_ARM_EABI_VER5 0x05000000u
#define EF_ARM_ABI_FLOAT_SOFT 0x200u
#define EF_ARM_ABI_FLOAT_HARD 0x400u

/* ---- bytes ------------------------------------------------------------------------ */
static void put32(ajx_sbuf *b, uint32_t v) {
  char w[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
  ajx_sb_add(b, w, 4);
}
static void put16(ajx_sbuf *b, uint32_t v) {
  char w[2] = {(char)v, (char)(v >> 8)};
  ajx_sb_add(b, w, 2);
}
static void put8(ajx_sbuf *b, uint32_t v) {
  char c = (char)v;
  ajx_sb_add(b, &c, 1);
}
static void put_uleb(ajx_sbuf *b, uint32_t v) {
  do {
    uint32_t byte = v & 0x7f;
    v >>= 7;
    put8(b, byte | (v ? 0x80u : 0u));
  } while (v);
}
static void pad_to(ajx_sbuf *b, size_t base, uint32_t align) {
  while ((b->len - base) % align) put8(b, 0);
}
static void patch32(ajx_sbuf *b, size_t at, uint32_t v) {
  if (b->failed) return;
  for (int k = 0; k < 4; k++) b->p[at + (size_t)k] = (char)(v >> (8 * k));
}
/* Offset of name in a string table (appended with its NUL). */
static uint32_t str_add(ajx_sbuf *t, const char *name) {
  uint32_t at = (uint32_t)t->len;
  ajx_sb_add(t, name, strlen(name) + 1);
  return at;
}

/* ---- .ARM.attributes ---------------------------------------------------------------- */
/* What arm-none-eabi-gcc -mcpu=cortex-a9 -marm -mfpu=vfpv3[-d16]
 * -mfloat-abi=hard|soft writes for the same code, less what armjit's code
 * does not use (Thumb, wchar_t, enums, unaligned accesses), so GNU ld
 * merges it with C objects of those flags without a word.  Addenda to the
 * ABI for the Arm Architecture, "build attributes". */
static void attributes(ajx_sbuf *b, armjit_abi abi, unsigned feats) {
  ajx_sbuf a;
  ajx_sb_init(&a, b->ctx);
  put_uleb(&a, 5), ajx_sb_add(&a, "7-A", 4);  /* Tag_CPU_name */
  put_uleb(&a, 6), put_uleb(&a, 10);          /* Tag_CPU_arch: ARMv7 */
  put_uleb(&a, 7), put_uleb(&a, 'A');         /* Tag_CPU_arch_profile: application */
  put_uleb(&a, 8), put_uleb(&a, 1);           /* Tag_ARM_ISA_use: yes */
  if (feats & A32_FEAT_VFPV3)                 /* Tag_FP_arch: VFPv3 (D32) / VFPv3-D16 */
    put_uleb(&a, 10), put_uleb(&a, feats & A32_FEAT_D32 ? 3 : 4);
  if (feats & A32_FEAT_NEON) put_uleb(&a, 12), put_uleb(&a, 1); /* Tag_Advanced_SIMD_arch: NEONv1 */
  put_uleb(&a, 24), put_uleb(&a, 1);          /* Tag_ABI_align_needed: 8-byte */
  put_uleb(&a, 25), put_uleb(&a, 1);          /* Tag_ABI_align_preserved: 8-byte */
  if (abi == ARMJIT_ABI_HARD) put_uleb(&a, 28), put_uleb(&a, 1); /* Tag_ABI_VFP_args: VFP registers */
  if (feats & A32_FEAT_IDIV) put_uleb(&a, 44), put_uleb(&a, 2);  /* Tag_DIV_use: SDIV/UDIV allowed */
  if (a.failed) b->failed = true;
  /* 'A', then the subsection: length, "aeabi", Tag_File (1) with its length */
  uint32_t file = 1 + 4 + (uint32_t)a.len;
  put8(b, 'A');
  put32(b, 4 + 6 + file);
  ajx_sb_add(b, "aeabi", 6);
  put8(b, 1);
  put32(b, file);
  if (a.len) ajx_sb_add(b, a.p, a.len);
  ajx_sb_free(&a);
}

/* ---- symbols ------------------------------------------------------------------------ */
typedef struct {
  uint32_t name;  /* .strtab offset */
  uint32_t value, size;
  uint8_t info;
  uint16_t shndx;
} esym;

/* Where a relocation points: the defined symbol j, the extern x, the
 * start of section s, or made-up local k (kind, index); the addend the
 * field then holds. */
enum { TGT_DEF, TGT_EXT, TGT_SEC, TGT_MADE };
typedef struct {
  uint8_t kind;
  uint32_t index;
  int32_t addend;
} etarget;

typedef struct {
  armjit_ctx *ctx;
  const mc_link_in *in;
  armjit_error *err;
  armjit_status st;
  /* names: open addressing over defined symbols (value j + 1) and externs
   * (value -(x + 1)) */
  int32_t *names;
  uint32_t names_cap;
  const char **ext;    /* externs in order of first use */
  uint32_t next;
  struct place { uint32_t sec, off, j; } *by_place; /* defined symbols by (sec, off), */
  uint32_t nplace;                                  /* but the weak ones */
  struct made { uint32_t sec, off; } *made; /* made-up locals */
  uint32_t nmade;
  etarget *tgt;        /* per relocation */
} elfw;

static int32_t *name_slot(elfw *w, const char *name) {
  uint32_t mask = w->names_cap - 1, h = ajx_hash(name, strlen(name)) & mask;
  for (;; h = (h + 1) & mask) {
    int32_t v = w->names[h];
    if (!v) return &w->names[h];
    const char *n = v > 0 ? w->in->sym[v - 1].name : w->ext[-v - 1];
    if (strcmp(n, name) == 0) return &w->names[h];
  }
}

static int place_cmp(const void *a, const void *b) {
  const struct place *x = a, *y = b;
  if (x->sec != y->sec) return x->sec < y->sec ? -1 : 1;
  if (x->off != y->off) return x->off < y->off ? -1 : 1;
  return x->j < y->j ? -1 : x->j > y->j;
}

/* The defined symbol at (sec, off), -1 if none (binary search). */
static int32_t sym_at(const elfw *w, uint32_t sec, uint32_t off) {
  uint32_t lo = 0, hi = w->nplace;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    const struct place *p = &w->by_place[mid];
    if (p->sec < sec || (p->sec == sec && p->off < off)) lo = mid + 1;
    else hi = mid;
  }
  if (lo < w->nplace && w->by_place[lo].sec == sec && w->by_place[lo].off == off)
    return (int32_t)w->by_place[lo].j;
  return -1;
}

static bool is_branch(a32_reloc_kind k) { return k == A32_RELOC_CALL || k == A32_RELOC_JUMP24; }
static bool is_movwt(a32_reloc_kind k) {
  return k == A32_RELOC_MOVW_ABS_NC || k == A32_RELOC_MOVT_ABS;
}

static const char *rel_where(const mc_link_in *in, const mc_lrel *r, char *buf, size_t cap) {
  snprintf(buf, cap, "%s+0x%x", in->sec[r->sec].name, (unsigned)r->at);
  return buf;
}

/* Every relocation's target (file comment); the externs and made-up
 * locals it needs.  ARMJIT_E_NOMEM, ARMJIT_E_LIMIT for an addend the REL
 * field cannot hold. */
static armjit_status targets(elfw *w) {
  const mc_link_in *in = w->in;
  w->names_cap = 16;
  while (w->names_cap < 2 * (in->nsym + in->nrel) + 2) w->names_cap *= 2;
  w->names = ajx_calloc(w->ctx, w->names_cap, sizeof *w->names);
  w->ext = ajx_calloc(w->ctx, in->nrel + 1, sizeof *w->ext);
  w->made = ajx_calloc(w->ctx, in->nrel + 1, sizeof *w->made);
  w->by_place = ajx_calloc(w->ctx, in->nsym + 1, sizeof *w->by_place);
  w->tgt = ajx_calloc(w->ctx, in->nrel + 1, sizeof *w->tgt);
  if (!w->names || !w->ext || !w->made || !w->by_place || !w->tgt)
    return ajx_err(w->err, ARMJIT_E_NOMEM, "out of memory writing the ELF object");
  for (uint32_t j = 0; j < in->nsym; j++) {
    int32_t *slot = name_slot(w, in->sym[j].name);
    if (*slot)
      return ajx_err(w->err, ARMJIT_E_INVALID, "symbol '%s' is defined twice", in->sym[j].name);
    *slot = (int32_t)j + 1;
    /* a weak symbol may stand for another object's definition: no place by it */
    if (!in->sym[j].weak) w->by_place[w->nplace++] = (struct place){in->sym[j].sec, in->sym[j].off, j};
  }
  if (w->nplace) qsort(w->by_place, w->nplace, sizeof *w->by_place, place_cmp);
  char where[160];
  for (uint32_t i = 0; i < in->nrel; i++) {
    const mc_lrel *r = &in->rel[i];
    etarget *t = &w->tgt[i];
    int32_t bias = is_branch(r->kind) ? -8 : 0;
    if (r->sym) {
      int32_t *slot = name_slot(w, r->sym);
      if (!*slot) {
        w->ext[w->next] = r->sym;
        *slot = -(int32_t)++w->next;
      }
      *t = *slot > 0 ? (etarget){TGT_DEF, (uint32_t)*slot - 1, r->addend}
                     : (etarget){TGT_EXT, (uint32_t)(-*slot - 1), r->addend};
    } else {
      uint32_t place = (uint32_t)(r->addend - bias);
      int32_t j = sym_at(w, r->tsec, place);
      if (j >= 0) *t = (etarget){TGT_DEF, (uint32_t)j, bias};
      else if (!is_movwt(r->kind) || (r->addend >= -32768 && r->addend <= 32767))
        *t = (etarget){TGT_SEC, r->tsec, r->addend};
      else {
        uint32_t k = 0;
        while (k < w->nmade && !(w->made[k].sec == r->tsec && w->made[k].off == place)) k++;
        if (k == w->nmade) w->made[w->nmade++] = (struct made){r->tsec, place};
        *t = (etarget){TGT_MADE, k, bias};
      }
    }
    if (is_movwt(r->kind) && (t->addend < -32768 || t->addend > 32767))
      return ajx_err(w->err, ARMJIT_E_LIMIT,
                     "relocation at %s to '%s': addend %d does not fit a MOVW/MOVT field "
                     "(-32768..32767)",
                     rel_where(in, r, where, sizeof where), r->sym ? r->sym : "(section)",
                     (int)t->addend);
    if (is_branch(r->kind) && (t->addend & 3))
      return ajx_err(w->err, ARMJIT_E_INVALID, "relocation at %s: branch addend %d is no "
                     "multiple of 4", rel_where(in, r, where, sizeof where), (int)t->addend);
  }
  return ARMJIT_OK;
}

/* The REL addend into the relocated field (A8.8.106/108 MOVW/MOVT A2:
 * imm4:imm12; A8.8.18/25 B/BL A1: imm24). */
static uint32_t field(uint32_t w, a32_reloc_kind k, int32_t a) {
  uint32_t u = (uint32_t)a;
  switch (k) {
  case A32_RELOC_MOVW_ABS_NC:
  case A32_RELOC_MOVT_ABS: return (w & 0xfff0f000u) | (u & 0xf000u) << 4 | (u & 0xfffu);
  case A32_RELOC_CALL:
  case A32_RELOC_JUMP24: return (w & 0xff000000u) | ((u >> 2) & 0xffffffu);
  default: return u;
  }
}

static uint32_t sec_type(const mc_lsec *s) { return s->kind == MC_LSEC_BSS ? SHT_NOBITS : SHT_PROGBITS; }
static uint32_t sec_flags(const mc_lsec *s) {
  switch (s->kind) {
  case MC_LSEC_CODE: return SHF_ALLOC | SHF_EXECINSTR;
  case MC_LSEC_RODATA: return SHF_ALLOC;
  default: return SHF_ALLOC | SHF_WRITE;
  }
}

typedef struct {
  uint32_t name, type, flags, offset, size, link, info, align, entsize;
} eshdr;

armjit_status mc_elf_write(armjit_ctx *ctx, const mc_link_in *in, unsigned flags,
                           ajx_sbuf *out, armjit_error *err) {
  elfw w;
  memset(&w, 0, sizeof w);
  w.ctx = ctx;
  w.in = in;
  w.err = err;
  ajx_sbuf strtab, shstr;
  ajx_sb_init(&strtab, ctx);
  ajx_sb_init(&shstr, ctx);
  esym *syms = NULL;
  eshdr *sh = NULL;
  uint32_t *def_index = NULL, *nrel = NULL;
  armjit_status st = targets(&w);
  if (st != ARMJIT_OK) goto done;

  /* the symbol table, locals first */
  uint32_t nmap = in->nmap + in->nsec, cap = 1 + in->nsec + nmap + in->nsym + w.nmade + w.next;
  syms = ajx_calloc(ctx, cap, sizeof *syms);
  def_index = ajx_calloc(ctx, in->nsym + 1, sizeof *def_index);
  nrel = ajx_calloc(ctx, in->nsec + 1, sizeof *nrel);
  sh = ajx_calloc(ctx, 2 * in->nsec + 7, sizeof *sh);
  if (!syms || !def_index || !nrel || !sh) {
    st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory writing the ELF object");
    goto done;
  }
  ajx_sb_add(&strtab, "", 1);
  ajx_sb_add(&shstr, "", 1);
  uint32_t ns = 1;
  for (uint32_t s = 0; s < in->nsec; s++)
    syms[ns++] = (esym){0, 0, 0, STB_LOCAL << 4 | STT_SECTION, (uint16_t)(1 + s)};
  uint32_t a_name = str_add(&strtab, "$a"), d_name = str_add(&strtab, "$d");
  for (uint32_t s = 0, m = 0; s < in->nsec; s++) {
    if (in->sec[s].kind != MC_LSEC_CODE) {
      while (m < in->nmap && in->map[m].sec == s) m++;
      continue;
    }
    int state = -1; /* 0 code, 1 data */
    if (!(m < in->nmap && in->map[m].sec == s && in->map[m].off == 0) && in->sec[s].size) {
      syms[ns++] = (esym){a_name, 0, 0, STB_LOCAL << 4 | STT_NOTYPE, (uint16_t)(1 + s)};
      state = 0;
    }
    for (; m < in->nmap && in->map[m].sec == s; m++) {
      const mc_lmap *e = &in->map[m];
      if (e->off >= in->sec[s].size || (int)e->data == state) continue;
      state = e->data;
      syms[ns++] = (esym){e->data ? d_name : a_name, e->off, 0, STB_LOCAL << 4 | STT_NOTYPE,
                          (uint16_t)(1 + s)};
    }
  }
  for (int global = 0; global < 2; global++) {
    if (global) {
      for (uint32_t k = 0; k < w.nmade; k++) {
        char name[160];
        snprintf(name, sizeof name, ".L%s.%x", in->sec[w.made[k].sec].name,
                 (unsigned)w.made[k].off);
        syms[ns++] = (esym){str_add(&strtab, name), w.made[k].off, 0,
                            STB_LOCAL << 4 | STT_NOTYPE, (uint16_t)(1 + w.made[k].sec)};
      }
    }
    uint32_t first_global = ns;
    for (uint32_t j = 0; j < in->nsym; j++) {
      const mc_lsym *d = &in->sym[j];
      if (d->local == (bool)global) continue;
      def_index[j] = ns;
      syms[ns++] = (esym){str_add(&strtab, d->name), d->off, d->size,
                          (uint8_t)((!global ? STB_LOCAL : d->weak ? STB_WEAK : STB_GLOBAL) << 4 |
                                    (d->type == MC_LSYM_FUNC ? STT_FUNC : STT_OBJECT)),
                          (uint16_t)(1 + d->sec)};
    }
    if (global) sh[0].info = first_global; /* kept here until .symtab's header */
  }
  uint32_t ext_base = ns;
  for (uint32_t x = 0; x < w.next; x++)
    syms[ns++] = (esym){str_add(&strtab, w.ext[x]), 0, 0, STB_GLOBAL << 4 | STT_NOTYPE, 0};
  uint32_t made_base = sh[0].info - w.nmade;

  /* the file: header, sections, section headers */
  size_t base = out->len;
  for (unsigned k = 0; k < EHDR_SIZE; k++) put8(out, 0);
  uint32_t nsh = 1;
  for (uint32_t s = 0; s < in->nsec; s++) {
    const mc_lsec *sec = &in->sec[s];
    uint32_t align = sec->align ? sec->align : 1;
    if (sec->kind == MC_LSEC_CODE && align < 4) align = 4;
    pad_to(out, base, align);
    eshdr *h = &sh[nsh++];
    *h = (eshdr){str_add(&shstr, sec->name), sec_type(sec), sec_flags(sec),
                 (uint32_t)(out->len - base), sec->size, 0, 0, align, 0};
    if (sec->kind == MC_LSEC_BSS || !sec->size) continue;
    size_t at = out->len;
    ajx_sb_add(out, (const char *)sec->bytes, sec->size);
    for (uint32_t i = 0; i < in->nrel && !out->failed; i++) {
      const mc_lrel *r = &in->rel[i];
      if (r->sec != s) continue;
      nrel[s]++;
      uint8_t *p = (uint8_t *)out->p + at + r->at;
      uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
      v = field(v, r->kind, w.tgt[i].addend);
      for (int b = 0; b < 4; b++) p[b] = (uint8_t)(v >> (8 * b));
    }
  }
  /* an empty .note.GNU-stack: the code needs no executable stack */
  if (flags & ARMJIT_ELF_GNU_STACK)
    sh[nsh++] = (eshdr){str_add(&shstr, ".note.GNU-stack"), SHT_PROGBITS, 0,
                      (uint32_t)(out->len - base), 0, 0, 0, 1, 0};
  uint32_t symtab_sh = nsh;
  for (uint32_t s = 0; s < in->nsec; s++) symtab_sh += nrel[s] != 0;
  for (uint32_t s = 0; s < in->nsec; s++) {
    if (!nrel[s]) continue;
    char name[160];
    snprintf(name, sizeof name, ".rel%s", in->sec[s].name);
    pad_to(out, base, 4);
    sh[nsh++] = (eshdr){str_add(&shstr, name), SHT_REL, SHF_INFO_LINK,
                        (uint32_t)(out->len - base), nrel[s] * REL_SIZE, symtab_sh, 1 + s, 4,
                        REL_SIZE};
    for (uint32_t i = 0; i < in->nrel; i++) {
      const mc_lrel *r = &in->rel[i];
      if (r->sec != s) continue;
      const etarget *t = &w.tgt[i];
      uint32_t idx = t->kind == TGT_DEF   ? def_index[t->index]
                     : t->kind == TGT_EXT ? ext_base + t->index
                     : t->kind == TGT_SEC ? 1 + t->index
                                          : made_base + t->index;
      put32(out, r->at);
      put32(out, idx << 8 | (uint32_t)r->kind);
    }
  }
  pad_to(out, base, 4);
  sh[nsh++] = (eshdr){str_add(&shstr, ".symtab"), SHT_SYMTAB, 0, (uint32_t)(out->len - base),
                      ns * SYM_SIZE, symtab_sh + 1, sh[0].info, 4, SYM_SIZE};
  for (uint32_t i = 0; i < ns; i++) {
    put32(out, syms[i].name);
    put32(out, syms[i].value);
    put32(out, syms[i].size);
    put8(out, syms[i].info);
    put8(out, 0);
    put16(out, syms[i].shndx);
  }
  sh[nsh++] = (eshdr){str_add(&shstr, ".strtab"), SHT_STRTAB, 0, (uint32_t)(out->len - base),
                      (uint32_t)strtab.len, 0, 0, 1, 0};
  if (strtab.failed) out->failed = true;
  else ajx_sb_add(out, strtab.p, strtab.len);
  size_t attr_at = out->len;
  attributes(out, armjit_ctx_abi(ctx), armjit_ctx_features(ctx));
  sh[nsh++] = (eshdr){str_add(&shstr, ".ARM.attributes"), SHT_ARM_ATTRIBUTES, 0,
                      (uint32_t)(attr_at - base), (uint32_t)(out->len - attr_at), 0, 0, 1, 0};
  uint32_t shstr_sh = nsh;
  sh[nsh++] = (eshdr){str_add(&shstr, ".shstrtab"), SHT_STRTAB, 0, (uint32_t)(out->len - base),
                      0, 0, 0, 1, 0};
  sh[shstr_sh].size = (uint32_t)shstr.len;
  if (shstr.failed) out->failed = true;
  else ajx_sb_add(out, shstr.p, shstr.len);
  pad_to(out, base, 4);
  uint32_t shoff = (uint32_t)(out->len - base);
  sh[0] = (eshdr){0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (uint32_t i = 0; i < nsh; i++) {
    const eshdr *h = &sh[i];
    put32(out, h->name), put32(out, h->type), put32(out, h->flags), put32(out, 0);
    put32(out, h->offset), put32(out, h->size), put32(out, h->link), put32(out, h->info);
    put32(out, h->align), put32(out, h->entsize);
  }
  if (out->failed) {
    st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory writing the ELF object");
    goto done;
  }
  /* the header (gABI "ELF Header"; AAELF32 §5.2 e_flags) */
  static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */,
                                    1 /* ELFDATA2LSB */, EV_CURRENT};
  memcpy(out->p + base, ident, sizeof ident);
  uint32_t eflags = EF_ARM_EABI_VER5 |
                   (armjit_ctx_abi(ctx) == ARMJIT_ABI_HARD ? EF_ARM_ABI_FLOAT_HARD
                                                           : EF_ARM_ABI_FLOAT_SOFT);
  patch32(out, base + 16, ET_REL | (uint32_t)EM_ARM << 16);
  patch32(out, base + 20, EV_CURRENT);
  patch32(out, base + 32, shoff);
  patch32(out, base + 36, eflags);
  patch32(out, base + 40, EHDR_SIZE | 0u << 16);           /* e_ehsize, e_phentsize */
  patch32(out, base + 44, 0 | (uint32_t)SHDR_SIZE << 16); /* e_phnum, e_shentsize */
  patch32(out, base + 48, nsh | shstr_sh << 16);           /* e_shnum, e_shstrndx */
  st = ARMJIT_OK;
done:
  ajx_sb_free(&strtab);
  ajx_sb_free(&shstr);
  ajx_free(ctx, syms);
  ajx_free(ctx, sh);
  ajx_free(ctx, def_index);
  ajx_free(ctx, nrel);
  ajx_free(ctx, w.names);
  ajx_free(ctx, w.ext);
  ajx_free(ctx, w.made);
  ajx_free(ctx, w.by_place);
  ajx_free(ctx, w.tgt);
  return st;
}

/* ---- the API (mc.h) ------------------------------------------------------------------- */
static armjit_status elf_of(const armjit_object *o, unsigned flags, ajx_sbuf *out,
                            armjit_error *err) {
  mc_link_in in;
  armjit_status st = mc_object_view(o, &in, err);
  if (st != ARMJIT_OK) return st;
  st = mc_elf_write(mc_object_ctx(o), &in, flags, out, err);
  mc_link_in_free(mc_object_ctx(o), &in);
  return st;
}

void *armjit_object_elf(const armjit_object *o, unsigned flags, size_t *size, armjit_error *err) {
  if (!o || !size) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_object_elf: %s is NULL", !o ? "object" : "size");
    return NULL;
  }
  ajx_sbuf b;
  ajx_sb_init(&b, mc_object_ctx(o));
  if (elf_of(o, flags, &b, err) != ARMJIT_OK) {
    ajx_sb_free(&b);
    return NULL;
  }
  size_t n = b.len;
  void *bytes = malloc(n ? n : 1);
  if (!bytes) ajx_err(err, ARMJIT_E_NOMEM, "out of memory writing the ELF object");
  else memcpy(bytes, b.p, n);
  ajx_sb_free(&b);
  if (bytes) {
    *size = n;
    ajx_err_clear(err);
  }
  return bytes;
}

armjit_status armjit_object_write_elf(const armjit_object *o, unsigned flags, FILE *out,
                                      armjit_error *err) {
  if (!o || !out)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_object_write_elf: %s is NULL",
                   !o ? "object" : "stream");
  ajx_sbuf b;
  ajx_sb_init(&b, mc_object_ctx(o));
  armjit_status st = elf_of(o, flags, &b, err);
  if (st == ARMJIT_OK && (fwrite(b.p, 1, b.len, out) != b.len || fflush(out) != 0))
    st = ajx_err(err, ARMJIT_E_ARG, "writing the ELF object failed: %s", strerror(errno));
  ajx_sb_free(&b);
  if (st == ARMJIT_OK) ajx_err_clear(err);
  return st;
}
