/* SPDX-License-Identifier: MIT */
/* Flat images: link an object's sections at fixed addresses (mc.h,
 * "flat images"; docs/object.md).  Works on the link input of mc_image.h
 * only, so it neither knows nor changes how the object keeps its code.
 *
 * Steps:
 *   1. targets   every relocation's symbol: defined by the object, else
 *                __start_SEC / __stop_SEC of a section SEC of the object
 *                (its start and end, as GNU ld defines them), else asked
 *                of the resolver once (or chained, or an error)
 *   2. layout    addresses of the sections; each code section grows by its
 *                pool (veneers, and for .text the chain's loader); as long
 *                as a branch needs a veneer its pool does not have yet,
 *                add it and lay out again (veneers are only added, so
 *                this ends)
 *   3. checks    alignment, overlap, the end of the address space
 *   4. apply     copy the bytes, patch every field, write the pools
 *
 * A pool, after the code of its section (aligned to 4):
 *
 *   veneer k:   movw ip, #:lower16:T     T = the branch target (odd: Thumb)
 *               movt ip, #:upper16:T
 *               bx   ip                  (lr untouched: BL's return works)
 *   loader:     __armjit_fixup (chained fixups only; emit_loader below)
 */
#include "mc/mc_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ctx.h"
#include "util/hash.h"

#define BRANCH_REACH (INT64_C(1) << 25) /* imm24 * 4: -2^25 .. 2^25 - 4 */
#define VENEER_BYTES 12u
#define CHAIN_END 0xffffu               /* the chain's terminator and limit */
#define LOADER_NAME "__armjit_fixup"

/* ---- words ------------------------------------------------------------------------- */
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void wr32(uint8_t *p, uint32_t w) {
  p[0] = (uint8_t)w;
  p[1] = (uint8_t)(w >> 8);
  p[2] = (uint8_t)(w >> 16);
  p[3] = (uint8_t)(w >> 24);
}
/* A8.8.106 MOVW / A8.8.108 MOVT A2: imm4 in bits 19:16, imm12 in 11:0. */
static uint32_t movwt_imm(uint32_t w) { return (w >> 4 & 0xf000u) | (w & 0xfffu); }
static uint32_t movwt_set(uint32_t w, uint32_t v) {
  return (w & 0xfff0f000u) | (v & 0xf000u) << 4 | (v & 0xfffu);
}
static bool is_movw(uint32_t w) { return (w & 0x0ff00000u) == 0x03000000u; }
static bool is_movt(uint32_t w) { return (w & 0x0ff00000u) == 0x03400000u; }

static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) & ~(a - 1); }

/* ---- the result -------------------------------------------------------------------- */
typedef struct {
  uint32_t target; /* index into targets, or UINT32_MAX - tsec for a section start */
  int32_t off;     /* destination = target + off (a branch's addend + 8) */
  uint32_t sec;    /* the code section whose pool holds it */
  uint32_t addr;   /* its address (after layout) */
  uint32_t dest;   /* where it jumps (after layout; odd: Thumb) */
} mc_veneer;

typedef struct {
  const char *name;
  int32_t addend;
} mc_chain_sym;

typedef struct {
  const char *name;
  mc_lsec_kind kind;
  uint32_t addr, size; /* size with the pool */
  uint32_t code_size;  /* without it */
  uint32_t nveneers;
  bool placed;         /* address given */
  uint8_t *bytes;      /* NULL for bss */
} mc_isec;

struct mc_image {
  mc_isec *sec;
  uint32_t nsec;
  uint32_t *order;     /* sections by address */
  const mc_lsym *syms; /* the object's symbols (its view's copy below) */
  uint32_t nsyms;
  mc_lsym *symcopy;
  mc_veneer *ven;
  uint32_t nven, capven;
  bool chained;
  uint32_t chain_sec, head, npairs, loader_off, loader_addr;
  mc_chain_sym *csym;
  uint32_t ncsym;
};

void mc_image_free(armjit_ctx *ctx, mc_image *img) {
  if (!img) return;
  for (uint32_t i = 0; img->sec && i < img->nsec; i++) ajx_free(ctx, img->sec[i].bytes);
  ajx_free(ctx, img->sec);
  ajx_free(ctx, img->order);
  ajx_free(ctx, img->symcopy);
  ajx_free(ctx, img->ven);
  ajx_free(ctx, img->csym);
  ajx_free(ctx, img);
}

/* ---- link state -------------------------------------------------------------------- */
typedef enum { T_DEFINED, T_EXTERN, T_CHAINED } tkind;

typedef struct {
  const char *name;
  tkind kind;
  uint32_t sec, off; /* T_DEFINED */
  uint32_t addr;     /* T_EXTERN */
  bool asked;        /* the resolver was asked */
} target;

typedef struct {
  armjit_ctx *ctx;
  const mc_link_in *in;
  const armjit_link_options *opt;
  armjit_error *err;
  mc_image *img;
  target *t;           /* distinct symbol names of the relocations and symbols */
  uint32_t nt, capt;
  uint32_t *hash;      /* open addressing: index + 1 into t, 0 = empty */
  uint32_t hcap;
  uint32_t *rtarget;   /* per relocation: its target (sym != NULL) */
  uint32_t text;       /* index of .text, or UINT32_MAX */
  uint8_t *loader;     /* the loader's code (emitted once the chain is known) */
  uint32_t loader_size;
} linker;

static armjit_status nomem(linker *l) {
  return ajx_err(l->err, ARMJIT_E_NOMEM, "armjit_object_link: out of memory");
}

/* "section+0xOFF (in f)" for messages: the symbol at or before it. */
static void where(const linker *l, uint32_t sec, uint32_t at, char *buf, size_t n) {
  const char *fn = NULL;
  uint32_t best = 0;
  for (uint32_t i = 0; i < l->in->nsym; i++) {
    const mc_lsym *s = &l->in->sym[i];
    if (s->sec == sec && s->off <= at && (!fn || s->off >= best)) {
      fn = s->name;
      best = s->off;
    }
  }
  if (fn) snprintf(buf, n, "%s+0x%x, in %s", l->in->sec[sec].name, (unsigned)at, fn);
  else snprintf(buf, n, "%s+0x%x", l->in->sec[sec].name, (unsigned)at);
}

/* The target named `name`, added (as an extern) when new; UINT32_MAX when
 * out of memory. */
static uint32_t target_of(linker *l, const char *name) {
  uint32_t h = ajx_hash(name, strlen(name));
  for (uint32_t i = h & (l->hcap - 1);; i = (i + 1) & (l->hcap - 1)) {
    uint32_t e = l->hash[i];
    if (!e) {
      if (!ajx_grow(l->ctx, (void **)&l->t, &l->capt, l->nt + 1, sizeof *l->t)) return UINT32_MAX;
      l->t[l->nt] = (target){name, T_EXTERN, 0, 0, 0, false};
      l->hash[i] = ++l->nt;
      return l->nt - 1;
    }
    if (strcmp(l->t[e - 1].name, name) == 0) return e - 1;
  }
}

static uint32_t sec_index(const mc_link_in *in, const char *name) {
  for (uint32_t i = 0; i < in->nsec; i++)
    if (strcmp(in->sec[i].name, name) == 0) return i;
  return UINT32_MAX;
}

/* Step 1. */
static armjit_status resolve_targets(linker *l, armjit_resolver resolve, void *ud) {
  const mc_link_in *in = l->in;
  uint32_t need = in->nsym + in->nrel + 1;
  l->hcap = 16;
  while (l->hcap < 2 * need) l->hcap *= 2;
  l->hash = ajx_calloc(l->ctx, l->hcap, sizeof *l->hash);
  l->rtarget = ajx_calloc(l->ctx, in->nrel ? in->nrel : 1, sizeof *l->rtarget);
  if (!l->hash || !l->rtarget) return nomem(l);
  for (uint32_t i = 0; i < in->nsym; i++) {
    uint32_t t = target_of(l, in->sym[i].name);
    if (t == UINT32_MAX) return nomem(l);
    if (in->sym[i].sec >= in->nsec)
      return ajx_err(l->err, ARMJIT_E_INVALID, "armjit_object_link: symbol '%s' has no section",
                     in->sym[i].name);
    l->t[t].kind = T_DEFINED;
    l->t[t].sec = in->sym[i].sec;
    l->t[t].off = in->sym[i].off;
  }
  uint32_t ndefined = l->nt;
  bool chain = l->opt->flags & ARMJIT_LINK_CHAIN_FIXUPS;
  for (uint32_t i = 0; i < in->nrel; i++) {
    const mc_lrel *r = &in->rel[i];
    if (r->sec >= in->nsec || (!r->sym && r->tsec >= in->nsec) ||
        (uint64_t)r->at + 4 > in->sec[r->sec].size || (r->at & 3) ||
        in->sec[r->sec].kind == MC_LSEC_BSS)
      return ajx_err(l->err, ARMJIT_E_INVALID, "armjit_object_link: relocation %u is malformed",
                     (unsigned)i);
    if (!r->sym) continue;
    uint32_t t = target_of(l, r->sym);
    if (t == UINT32_MAX) return nomem(l);
    l->rtarget[i] = t;
    if (t < ndefined || l->t[t].asked) continue;
    /* a new extern: a section's bounds, else ask once */
    l->t[t].asked = true;
    bool stop = strncmp(r->sym, "__stop_", 7) == 0;
    uint32_t bs = stop || strncmp(r->sym, "__start_", 8) == 0
                      ? sec_index(in, r->sym + (stop ? 7 : 8))
                      : UINT32_MAX;
    if (bs != UINT32_MAX) {
      l->t[t].kind = T_DEFINED;
      l->t[t].sec = bs;
      l->t[t].off = stop ? in->sec[bs].size : 0;
      continue;
    }
    uint32_t a = 0;
    if (resolve && resolve(ud, r->sym, &a)) {
      l->t[t].addr = a;
      continue;
    }
    /* Unknown: chained if every use is a MOVW/MOVT pair in .text. */
    bool pair = r->kind == A32_RELOC_MOVW_ABS_NC && i + 1 < in->nrel &&
                in->rel[i + 1].kind == A32_RELOC_MOVT_ABS && in->rel[i + 1].sec == r->sec &&
                in->rel[i + 1].at == r->at + 4 && in->rel[i + 1].sym &&
                strcmp(in->rel[i + 1].sym, r->sym) == 0 &&
                in->rel[i + 1].addend == r->addend;
    if (chain && pair && r->sec == l->text) {
      l->t[t].kind = T_CHAINED;
      continue;
    }
    char w[160];
    where(l, r->sec, r->at, w, sizeof w);
    return ajx_err(l->err, ARMJIT_E_INVALID, "armjit_object_link: symbol '%s' is unresolved (used at %s)%s",
                   r->sym, w,
                   chain && r->sec == l->text ? "; only MOVW/MOVT pairs can be chained" : "");
  }
  /* a chained symbol used other than by a pair is an error too */
  for (uint32_t i = 0; chain && i < in->nrel; i++) {
    const mc_lrel *r = &in->rel[i];
    if (!r->sym || l->t[l->rtarget[i]].kind != T_CHAINED) continue;
    bool ok = r->sec == l->text &&
              (r->kind == A32_RELOC_MOVW_ABS_NC ? i + 1 < in->nrel && in->rel[i + 1].at == r->at + 4 &&
                                                      in->rel[i + 1].kind == A32_RELOC_MOVT_ABS
               : r->kind == A32_RELOC_MOVT_ABS ? i > 0 && in->rel[i - 1].at + 4 == r->at &&
                                                     in->rel[i - 1].kind == A32_RELOC_MOVW_ABS_NC
                                               : false);
    if (!ok) {
      char w[160];
      where(l, r->sec, r->at, w, sizeof w);
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: symbol '%s' is unresolved (used at %s); only MOVW/MOVT "
                     "pairs in .text can be chained",
                     r->sym, w);
    }
  }
  return ARMJIT_OK;
}

/* The address a relocation's symbol stands for (S; for a section target
 * the section's start).  Chained targets have none. */
static uint32_t target_addr(const linker *l, const mc_lrel *r, uint32_t ri) {
  if (!r->sym) return l->img->sec[r->tsec].addr;
  const target *t = &l->t[l->rtarget[ri]];
  return t->kind == T_DEFINED ? l->img->sec[t->sec].addr + t->off : t->addr;
}

/* Can a B/BL at p reach dest?  The PC arithmetic wraps modulo 2^32. */
static bool in_reach(uint32_t p, uint32_t dest) {
  int32_t d = (int32_t)(dest - (p + 8));
  return d >= -BRANCH_REACH && d < BRANCH_REACH;
}

static bool is_branch(a32_reloc_kind k) { return k == A32_RELOC_CALL || k == A32_RELOC_JUMP24; }

/* ---- step 2: layout ---------------------------------------------------------------- */
static uint32_t pool_size(const linker *l, uint32_t s) {
  const mc_isec *is = &l->img->sec[s];
  uint32_t n = is->nveneers * VENEER_BYTES + (s == l->img->chain_sec && l->img->chained ? l->loader_size : 0);
  return n ? (align_up(is->code_size, 4) - is->code_size) + n : 0;
}

/* Addresses for every section, given the pools as they are. */
static armjit_status place(linker *l) {
  mc_image *img = l->img;
  const armjit_link_options *o = l->opt;
  for (uint32_t s = 0; s < img->nsec; s++) {
    img->sec[s].size = img->sec[s].code_size + pool_size(l, s);
    img->sec[s].placed = false;
  }
  for (unsigned i = 0; i < o->nsections; i++) {
    uint32_t s = o->sections[i].name ? sec_index(l->in, o->sections[i].name) : UINT32_MAX;
    if (s == UINT32_MAX)
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: sections[%u] names '%s', which the object does not have",
                     i, o->sections[i].name ? o->sections[i].name : "(null)");
    img->sec[s].addr = o->sections[i].addr;
    img->sec[s].placed = true;
  }
  /* .text, .rodata, the exception table, .data, .bss: given, or after the
   * one before */
  static const char *const chain[] = {".text", ".rodata", MC_EXC_TABLE, ".data", ".bss"};
  uint64_t cursor = o->text;
  for (unsigned k = 0; k < 5; k++) {
    uint32_t s = sec_index(l->in, chain[k]);
    if (s == UINT32_MAX) continue;
    mc_isec *is = &img->sec[s];
    uint32_t given = k == 0 ? o->text : k == 1 ? o->rodata : k == 2 ? 0 : k == 3 ? o->data : o->bss;
    if (!is->placed) {
      uint32_t al = l->in->sec[s].align ? l->in->sec[s].align : 1;
      if (k == 0 || given) is->addr = given;
      else if (align_up((uint32_t)cursor, al) < cursor || cursor > UINT32_MAX)
        return ajx_err(l->err, ARMJIT_E_INVALID,
                       "armjit_object_link: %s does not fit below 2^32 after the section before it",
                       chain[k]);
      else is->addr = align_up((uint32_t)cursor, al);
      is->placed = true;
    }
    cursor = (uint64_t)is->addr + is->size;
  }
  for (uint32_t s = 0; s < img->nsec; s++)
    if (!img->sec[s].placed)
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: section '%s' needs an address (armjit_link_options.sections)",
                     img->sec[s].name);
  return ARMJIT_OK;
}

/* Does the branch of record ri, as laid out now, need a veneer?  Sets
 * *why for the error when veneers are off. */
static bool needs_veneer(const linker *l, uint32_t ri, const char **why) {
  const mc_lrel *r = &l->in->rel[ri];
  uint32_t dest = target_addr(l, r, ri) + (uint32_t)r->addend + 8;
  uint32_t p = l->img->sec[r->sec].addr + r->at;
  if (dest & 1) {
    if (r->kind == A32_RELOC_JUMP24) {
      *why = "a B to a Thumb function";
      return true;
    }
    dest &= ~1u;
  }
  if (!in_reach(p, dest)) {
    *why = "beyond +-32 MiB";
    return true;
  }
  return false;
}

static uint32_t veneer_find(const mc_image *img, uint32_t sec, uint32_t target, int32_t off) {
  for (uint32_t v = 0; v < img->nven; v++)
    if (img->ven[v].sec == sec && img->ven[v].target == target && img->ven[v].off == off) return v;
  return UINT32_MAX;
}

static uint32_t rel_target_id(const linker *l, uint32_t ri) {
  const mc_lrel *r = &l->in->rel[ri];
  return r->sym ? l->rtarget[ri] : UINT32_MAX - r->tsec;
}

static armjit_status layout(linker *l) {
  mc_image *img = l->img;
  for (;;) {
    armjit_status st = place(l);
    if (st != ARMJIT_OK) return st;
    bool added = false;
    for (uint32_t i = 0; i < l->in->nrel; i++) {
      const mc_lrel *r = &l->in->rel[i];
      const char *why = NULL;
      if (!is_branch(r->kind) || !needs_veneer(l, i, &why)) continue;
      uint32_t id = rel_target_id(l, i);
      int32_t off = (int32_t)((uint32_t)r->addend + 8);
      if (veneer_find(img, r->sec, id, off) != UINT32_MAX) continue;
      if (l->opt->flags & ARMJIT_LINK_NO_VENEERS) {
        char w[160];
        where(l, r->sec, r->at, w, sizeof w);
        return ajx_err(l->err, ARMJIT_E_LIMIT,
                       "armjit_object_link: the branch at %s to '%s' (0x%08x) needs a veneer (%s), "
                       "and veneers are off",
                       w, r->sym ? r->sym : l->in->sec[r->tsec].name,
                       (unsigned)(target_addr(l, r, i) + (uint32_t)off), why);
      }
      if (l->in->sec[r->sec].kind != MC_LSEC_CODE)
        return ajx_err(l->err, ARMJIT_E_INVALID,
                       "armjit_object_link: a branch in data section '%s' needs a veneer",
                       l->in->sec[r->sec].name);
      if (!ajx_grow(l->ctx, (void **)&img->ven, &img->capven, img->nven + 1, sizeof *img->ven))
        return nomem(l);
      img->ven[img->nven++] = (mc_veneer){id, off, r->sec, 0, 0};
      img->sec[r->sec].nveneers++;
      added = true;
    }
    if (!added) break;
  }
  /* the veneers' addresses and destinations, and a last check: every
   * branch reaches its veneer (a section over 32 MiB would not) */
  uint32_t *next = ajx_calloc(l->ctx, img->nsec, sizeof *next);
  if (!next) return nomem(l);
  for (uint32_t s = 0; s < img->nsec; s++) next[s] = img->sec[s].addr + align_up(img->sec[s].code_size, 4);
  for (uint32_t v = 0; v < img->nven; v++) {
    mc_veneer *vn = &img->ven[v];
    vn->addr = next[vn->sec];
    next[vn->sec] += VENEER_BYTES;
  }
  if (img->chained) img->loader_addr = next[img->chain_sec];
  ajx_free(l->ctx, next);
  for (uint32_t i = 0; i < l->in->nrel; i++) {
    const mc_lrel *r = &l->in->rel[i];
    const char *why;
    if (!is_branch(r->kind) || !needs_veneer(l, i, &why)) continue;
    const mc_veneer *vn =
        &img->ven[veneer_find(img, r->sec, rel_target_id(l, i), (int32_t)((uint32_t)r->addend + 8))];
    if (!in_reach(img->sec[r->sec].addr + r->at, vn->addr))
      return ajx_err(l->err, ARMJIT_E_LIMIT,
                     "armjit_object_link: section '%s' is too large for its veneer pool to be in reach",
                     img->sec[r->sec].name);
  }
  for (uint32_t v = 0; v < img->nven; v++) {
    mc_veneer *vn = &img->ven[v];
    uint32_t base = vn->target >= l->nt ? img->sec[UINT32_MAX - vn->target].addr
                    : l->t[vn->target].kind == T_DEFINED
                        ? img->sec[l->t[vn->target].sec].addr + l->t[vn->target].off
                        : l->t[vn->target].addr;
    vn->dest = base + (uint32_t)vn->off;
  }
  return ARMJIT_OK;
}

/* ---- step 3: checks ------------------------------------------------------------------ */
static int by_addr_ctx_cmp(const mc_isec *sec, uint32_t a, uint32_t b) {
  if (sec[a].addr != sec[b].addr) return sec[a].addr < sec[b].addr ? -1 : 1;
  return a < b ? -1 : a > b;
}

static armjit_status check_layout(linker *l) {
  mc_image *img = l->img;
  for (uint32_t s = 0; s < img->nsec; s++) {
    const mc_isec *is = &img->sec[s];
    uint32_t al = l->in->sec[s].align ? l->in->sec[s].align : 1;
    if (is->kind == MC_LSEC_CODE && al < 4) al = 4;
    if (is->addr & (al - 1))
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: section '%s' at 0x%08x is misaligned (alignment %u)",
                     is->name, (unsigned)is->addr, (unsigned)al);
    if ((uint64_t)is->addr + is->size > (UINT64_C(1) << 32))
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: section '%s' at 0x%08x (%u bytes) passes the end of the "
                     "address space",
                     is->name, (unsigned)is->addr, (unsigned)is->size);
  }
  /* sort by address (insertion: few sections) */
  for (uint32_t s = 0; s < img->nsec; s++) {
    uint32_t j = s;
    img->order[j] = s;
    while (j > 0 && by_addr_ctx_cmp(img->sec, img->order[j - 1], s) > 0) {
      img->order[j] = img->order[j - 1];
      j--;
    }
    img->order[j] = s;
  }
  const mc_isec *prev = NULL;
  for (uint32_t k = 0; k < img->nsec; k++) {
    const mc_isec *is = &img->sec[img->order[k]];
    if (!is->size) continue;
    if (prev && (uint64_t)prev->addr + prev->size > is->addr)
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: sections '%s' (0x%08x..0x%08x) and '%s' (0x%08x..0x%08x) "
                     "overlap",
                     prev->name, (unsigned)prev->addr, (unsigned)(prev->addr + prev->size),
                     is->name, (unsigned)is->addr, (unsigned)(is->addr + is->size));
    prev = is;
  }
  return ARMJIT_OK;
}

/* ---- step 4: apply ------------------------------------------------------------------- */
/* The branch word w at p retargeted to `dest` (in reach: checked before):
 * odd (Thumb, CALL only) a BLX, else the same B<c>/BL<c>. */
static uint32_t branch_word(uint32_t w, uint32_t p, uint32_t dest) {
  uint32_t out = w;
  if (dest & 1) a32_encode_blx(&out, p, dest);
  else a32_encode_b(&out, (a32_cond)(w >> 28), (w >> 24 & 1) != 0, p, dest);
  return out;
}

static armjit_status apply(linker *l) {
  mc_image *img = l->img;
  const mc_link_in *in = l->in;
  for (uint32_t i = 0; i < in->nrel; i++) {
    const mc_lrel *r = &in->rel[i];
    uint8_t *at = img->sec[r->sec].bytes + r->at;
    uint32_t w = rd32(at);
    if (r->sym && l->t[l->rtarget[i]].kind == T_CHAINED) continue; /* see chain() */
    uint32_t sa = target_addr(l, r, i) + (uint32_t)r->addend;
    uint32_t p = img->sec[r->sec].addr + r->at;
    const char *why;
    switch (r->kind) {
    case A32_RELOC_CALL:
    case A32_RELOC_JUMP24: {
      uint32_t dest = sa + 8;
      if (needs_veneer(l, i, &why))
        dest = img->ven[veneer_find(img, r->sec, rel_target_id(l, i), (int32_t)((uint32_t)r->addend + 8))]
                   .addr;
      else if (dest & 2) {
        char wh[160];
        where(l, r->sec, r->at, wh, sizeof wh);
        return ajx_err(l->err, ARMJIT_E_INVALID,
                       "armjit_object_link: the branch at %s goes to 0x%08x, not an A32 address",
                       wh, (unsigned)dest);
      }
      if ((w & 0x0e000000u) != 0x0a000000u || (w >> 28) == 0xf)
        return ajx_err(l->err, ARMJIT_E_INVALID,
                       "armjit_object_link: relocation %u is not on a B/BL", (unsigned)i);
      wr32(at, branch_word(w, p, dest));
      break;
    }
    case A32_RELOC_MOVW_ABS_NC:
    case A32_RELOC_MOVT_ABS:
      if (!(r->kind == A32_RELOC_MOVW_ABS_NC ? is_movw(w) : is_movt(w)))
        return ajx_err(l->err, ARMJIT_E_INVALID,
                       "armjit_object_link: relocation %u is not on a MOVW/MOVT", (unsigned)i);
      wr32(at, movwt_set(w, r->kind == A32_RELOC_MOVT_ABS ? sa >> 16 : sa));
      break;
    case A32_RELOC_ABS32:
      wr32(at, sa);
      break;
    default:
      return ajx_err(l->err, ARMJIT_E_INVALID, "armjit_object_link: relocation %u has kind %d",
                     (unsigned)i, (int)r->kind);
    }
  }
  return ARMJIT_OK;
}

/* ---- chained fixups ---------------------------------------------------------------- */
/* The pairs to chain, their symbol numbers, the chain written into .text.
 * Symbols are numbered by first use, one per (name, addend). */
static armjit_status chain(linker *l) {
  mc_image *img = l->img;
  const mc_link_in *in = l->in;
  uint8_t *text = img->sec[l->text].bytes;
  uint32_t prev = CHAIN_END, capc = 0, last_at = 0;
  for (uint32_t i = 0; i < in->nrel; i++) {
    const mc_lrel *r = &in->rel[i];
    if (!r->sym || r->kind != A32_RELOC_MOVW_ABS_NC || l->t[l->rtarget[i]].kind != T_CHAINED) continue;
    uint32_t pos = r->at / 4;
    if (pos >= CHAIN_END) {
      char w[160];
      where(l, r->sec, r->at, w, sizeof w);
      return ajx_err(l->err, ARMJIT_E_LIMIT,
                     "armjit_object_link: the chained pair at %s is past word 65534 of .text", w);
    }
    if (img->npairs && r->at <= last_at)
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: relocations are not in offset order");
    uint32_t k = 0;
    while (k < img->ncsym &&
           !(strcmp(img->csym[k].name, r->sym) == 0 && img->csym[k].addend == r->addend))
      k++;
    if (k == img->ncsym) {
      if (k > CHAIN_END)
        return ajx_err(l->err, ARMJIT_E_LIMIT,
                       "armjit_object_link: more than 65536 chained symbols");
      if (!ajx_grow(l->ctx, (void **)&img->csym, &capc, k + 1, sizeof *img->csym)) return nomem(l);
      img->csym[img->ncsym++] = (mc_chain_sym){r->sym, r->addend};
    }
    uint8_t *w = text + r->at;
    if (!is_movw(rd32(w)) || !is_movt(rd32(w + 4)))
      return ajx_err(l->err, ARMJIT_E_INVALID,
                     "armjit_object_link: relocation %u is not on a MOVW/MOVT pair", (unsigned)i);
    wr32(w, movwt_set(rd32(w), prev));
    wr32(w + 4, movwt_set(rd32(w + 4), k));
    prev = pos;
    last_at = r->at;
    img->npairs++;
  }
  img->head = prev;
  return ARMJIT_OK;
}

/* The loader, for .text at `text` and the chain's head (docs/object.md):
 *
 *   __armjit_fixup:                     @ r0 = values[]
 *     push  {r4-r7}
 *     movw  r1, #:lower16:.text ; movt r1, #:upper16:.text
 *     movw  r2, #head                   @ position of the last pair
 *     movw  r7, #0xffff
 *   1: cmp  r2, r7 ;  beq 2f
 *     add   r2, r1, r2, lsl #2          @ its MOVW
 *     ldr   r3, [r2] ; ldr r4, [r2, #4] @ MOVW: previous position, MOVT: k
 *     r5 = imm16(r4) ; ldr r5, [r0, r5, lsl #2]   @ the value
 *     r6 = imm16(r3)                    @ the next position
 *     clear both imm16 fields, or in the value's halves
 *     str   r3, [r2] ; str r4, [r2, #4] ; mov r2, r6 ; b 1b
 *   2: pop  {r4-r7} ; bx lr
 *
 * imm16(w) = ((w & 0xf0000) >> 4) | (w << 20 >> 20).  No cache
 * maintenance: the caller cleans/invalidates when caches are on. */
static void imm16_of(a32_buf *b, a32_reg d, a32_reg w, a32_reg tmp) {
  a32_dp(b, A32_AL, A32_AND, false, d, w, a32_imm(0xf0000));
  a32_shift_imm(b, A32_AL, A32_LSL, false, tmp, w, 20);
  a32_shift_imm(b, A32_AL, A32_LSR, false, tmp, tmp, 20);
  a32_dp(b, A32_AL, A32_ORR, false, d, tmp, a32_rsi(d, A32_LSR, 4));
}

static void clear_imm16(a32_buf *b, a32_reg w) {
  a32_dp(b, A32_AL, A32_BIC, false, w, w, a32_imm(0xf0000));
  a32_dp(b, A32_AL, A32_BIC, false, w, w, a32_imm(0xf00));
  a32_dp(b, A32_AL, A32_BIC, false, w, w, a32_imm(0xff));
}

static armjit_status emit_loader(linker *l, uint32_t text, uint32_t head) {
  a32_buf *b = armjit_buf_new(l->ctx, 256, 4096);
  if (!b) return nomem(l);
  const a32_reg values = A32_R0, base = A32_R1, pos = A32_R2, mw = A32_R3, mt = A32_R4, v = A32_R5,
                nxt = A32_R6, end = A32_R7, t = A32_IP;
  a32_label loop = a32_label_new(b), done = a32_label_new(b);
  a32_push(b, A32_AL, 0xf0);
  a32_movw(b, A32_AL, base, text & 0xffffu);
  a32_movt(b, A32_AL, base, text >> 16);
  a32_movw(b, A32_AL, pos, head);
  a32_movw(b, A32_AL, end, CHAIN_END);
  a32_label_bind(b, loop);
  a32_dp(b, A32_AL, A32_CMP, true, 0, pos, a32_r(end));
  a32_b(b, A32_EQ, done);
  a32_dp(b, A32_AL, A32_ADD, false, pos, base, a32_rsi(pos, A32_LSL, 2));
  a32_ldst(b, A32_AL, A32_LDR, mw, a32_mem_imm(pos, 0));
  a32_ldst(b, A32_AL, A32_LDR, mt, a32_mem_imm(pos, 4));
  imm16_of(b, v, mt, t);
  a32_ldst(b, A32_AL, A32_LDR, v, a32_mem_reg(values, v, false, A32_LSL, 2, A32_IDX_OFFSET));
  imm16_of(b, nxt, mw, t);
  clear_imm16(b, mw);
  clear_imm16(b, mt);
  a32_shift_imm(b, A32_AL, A32_LSL, false, t, v, 20); /* MOVW: imm12 = v[11:0] */
  a32_dp(b, A32_AL, A32_ORR, false, mw, mw, a32_rsi(t, A32_LSR, 20));
  a32_dp(b, A32_AL, A32_AND, false, t, v, a32_imm(0xf000)); /* imm4 = v[15:12] */
  a32_dp(b, A32_AL, A32_ORR, false, mw, mw, a32_rsi(t, A32_LSL, 4));
  a32_shift_imm(b, A32_AL, A32_LSL, false, t, v, 4); /* MOVT: imm12 = v[27:16] */
  a32_dp(b, A32_AL, A32_ORR, false, mt, mt, a32_rsi(t, A32_LSR, 20));
  a32_shift_imm(b, A32_AL, A32_LSR, false, t, v, 28); /* imm4 = v[31:28] */
  a32_dp(b, A32_AL, A32_ORR, false, mt, mt, a32_rsi(t, A32_LSL, 16));
  a32_ldst(b, A32_AL, A32_STR, mw, a32_mem_imm(pos, 0));
  a32_ldst(b, A32_AL, A32_STR, mt, a32_mem_imm(pos, 4));
  a32_dp(b, A32_AL, A32_MOV, false, pos, 0, a32_r(nxt));
  a32_b(b, A32_AL, loop);
  a32_label_bind(b, done);
  a32_pop(b, A32_AL, 0xf0);
  a32_bx(b, A32_AL, A32_LR);
  armjit_status st = ARMJIT_OK;
  if (a32_buf_link(b, 0) != A32_OK) {
    st = ajx_err(l->err, ARMJIT_E_ASM, "armjit_object_link: the loader: %s", a32_buf_errmsg(b));
  } else {
    size_t n = a32_buf_size(b);
    if (!l->loader) l->loader = ajx_alloc(l->ctx, n);
    if (!l->loader) st = nomem(l);
    else memcpy(l->loader, a32_buf_data(b), n);
    l->loader_size = (uint32_t)n;
  }
  a32_buf_free(b);
  return st;
}

/* The pools' bytes: veneers (movw ip, #lo; movt ip, #hi; bx ip), then the
 * loader. */
static armjit_status write_pools(linker *l) {
  mc_image *img = l->img;
  if (img->nven) {
    a32_buf *b = armjit_buf_new(l->ctx, 12 * (size_t)img->nven, 0);
    if (!b) return nomem(l);
    for (uint32_t v = 0; v < img->nven; v++) {
      uint32_t dest = img->ven[v].dest;
      a32_movw(b, A32_AL, A32_IP, dest & 0xffffu);
      a32_movt(b, A32_AL, A32_IP, dest >> 16);
      a32_bx(b, A32_AL, A32_IP);
    }
    if (a32_buf_status(b) != A32_OK) {
      a32_buf_free(b);
      return nomem(l);
    }
    for (uint32_t v = 0; v < img->nven; v++) {
      const mc_veneer *vn = &img->ven[v];
      mc_isec *is = &img->sec[vn->sec];
      memcpy(is->bytes + (vn->addr - is->addr), a32_buf_data(b) + 12 * (size_t)v, 12);
    }
    a32_buf_free(b);
  }
  if (img->chained) {
    mc_isec *is = &img->sec[img->chain_sec];
    memcpy(is->bytes + (img->loader_addr - is->addr), l->loader, l->loader_size);
  }
  return ARMJIT_OK;
}

/* ---- the whole link ---------------------------------------------------------------- */
mc_image *mc_image_link(armjit_ctx *ctx, const mc_link_in *in, const armjit_link_options *opt,
                        armjit_resolver resolve, void *ud, armjit_error *err) {
  linker l;
  memset(&l, 0, sizeof l);
  l.ctx = ctx;
  l.in = in;
  l.opt = opt;
  l.err = err;
  l.text = sec_index(in, ".text");
  mc_image *img = l.img = ajx_calloc(ctx, 1, sizeof *img);
  armjit_status st = ARMJIT_OK;
  if (!img) goto nomem;
  img->nsec = in->nsec;
  img->sec = ajx_calloc(ctx, in->nsec ? in->nsec : 1, sizeof *img->sec);
  img->order = ajx_calloc(ctx, in->nsec ? in->nsec : 1, sizeof *img->order);
  img->symcopy = ajx_calloc(ctx, in->nsym ? in->nsym : 1, sizeof *img->symcopy);
  if (!img->sec || !img->order || !img->symcopy) goto nomem;
  if (in->nsym) memcpy(img->symcopy, in->sym, in->nsym * sizeof *in->sym);
  img->syms = img->symcopy;
  img->nsyms = in->nsym;
  for (uint32_t s = 0; s < in->nsec; s++) {
    const mc_lsec *ls = &in->sec[s];
    if (ls->align & (ls->align - 1)) {
      st = ajx_err(err, ARMJIT_E_INVALID, "armjit_object_link: section '%s' has alignment %u",
                   ls->name, (unsigned)ls->align);
      goto fail;
    }
    img->sec[s] = (mc_isec){ls->name, ls->kind, 0, ls->size, ls->size, 0, false, NULL};
  }
  if ((st = resolve_targets(&l, resolve, ud)) != ARMJIT_OK) goto fail;
  /* with the flag a .text always gets the loader, also for an empty
   * chain (head 0xffff: it returns at once), so a program may call it
   * whether or not anything was left unresolved */
  img->chained = (opt->flags & ARMJIT_LINK_CHAIN_FIXUPS) && l.text != UINT32_MAX;
  for (uint32_t t = 0; t < l.nt; t++)
    if (l.t[t].kind == T_CHAINED) img->chained = true;
  img->chain_sec = l.text;
  /* the loader's size does not depend on the head or the address */
  if (img->chained && (st = emit_loader(&l, 0, 0)) != ARMJIT_OK) goto fail;
  if ((st = layout(&l)) != ARMJIT_OK || (st = check_layout(&l)) != ARMJIT_OK) goto fail;
  for (uint32_t s = 0; s < in->nsec; s++) {
    mc_isec *is = &img->sec[s];
    if (is->kind == MC_LSEC_BSS) continue;
    is->bytes = ajx_calloc(ctx, is->size ? is->size : 1, 1);
    if (!is->bytes) goto nomem;
    if (in->sec[s].bytes && is->code_size) memcpy(is->bytes, in->sec[s].bytes, is->code_size);
  }
  if ((st = apply(&l)) != ARMJIT_OK) goto fail;
  if (img->chained) {
    if ((st = chain(&l)) != ARMJIT_OK ||
        (st = emit_loader(&l, img->sec[l.text].addr, img->head)) != ARMJIT_OK)
      goto fail;
  }
  if ((st = write_pools(&l)) != ARMJIT_OK) goto fail;
  goto done;
nomem:
  st = nomem(&l);
fail:
  mc_image_free(ctx, img);
  img = NULL;
done:
  ajx_free(ctx, l.t);
  ajx_free(ctx, l.hash);
  ajx_free(ctx, l.rtarget);
  ajx_free(ctx, l.loader);
  if (st == ARMJIT_OK) ajx_err_clear(err);
  return img;
}

/* ---- the API ----------------------------------------------------------------------- */
armjit_status armjit_object_link(armjit_object *o, const armjit_link_options *opt,
                                 armjit_resolver resolve, void *ud, armjit_error *err) {
  if (!o || !opt)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_object_link: %s is NULL", o ? "opt" : "object");
  if (opt->nsections && !opt->sections)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_object_link: nsections without sections");
  armjit_ctx *ctx = mc_object_ctx(o);
  armjit_error local;
  if (!err) err = &local;
  mc_link_in in;
  armjit_status st = mc_object_view(o, &in, err);
  if (st != ARMJIT_OK) return st;
  mc_image *img = mc_image_link(ctx, &in, opt, resolve, ud, err);
  mc_link_in_free(ctx, &in);
  if (!img) return err->code;
  mc_image **slot = mc_object_image_slot(o);
  mc_image_free(ctx, *slot);
  *slot = img;
  return ARMJIT_OK;
}

bool mc_image_section_at(const mc_image *img, unsigned i, armjit_linked_section *out) {
  if (!img || !out || i >= img->nsec) return false;
  const mc_isec *is = &img->sec[img->order[i]];
  *out = (armjit_linked_section){is->name, is->addr, is->size, is->bytes,
                                 is->kind == MC_LSEC_CODE, is->kind == MC_LSEC_BSS};
  return true;
}

const void *mc_image_section(const mc_image *img, const char *name, uint32_t *addr,
                             size_t *size) {
  for (uint32_t s = 0; img && name && s < img->nsec; s++) {
    const mc_isec *is = &img->sec[s];
    if (strcmp(is->name, name) != 0) continue;
    if (addr) *addr = is->addr;
    if (size) *size = is->size;
    return is->bytes;
  }
  if (size) *size = 0;
  return NULL;
}

bool mc_image_symbol(const mc_image *img, const char *name, uint32_t *addr) {
  if (!img || !name) return false;
  uint32_t a = 0;
  bool found = false;
  if (img->chained && strcmp(name, LOADER_NAME) == 0) {
    a = img->loader_addr;
    found = true;
  }
  for (uint32_t i = 0; !found && i < img->nsyms; i++)
    if (strcmp(img->syms[i].name, name) == 0) {
      a = img->sec[img->syms[i].sec].addr + img->syms[i].off;
      found = true;
    }
  if (found && addr) *addr = a;
  return found;
}

bool mc_image_chain(const mc_image *img, armjit_fixup_chain *out) {
  if (!img || !img->chained || !out) return false;
  *out = (armjit_fixup_chain){img->head, img->npairs, img->ncsym, img->loader_addr};
  return true;
}

const char *mc_image_chain_sym(const mc_image *img, unsigned k, int32_t *addend) {
  if (!img || k >= img->ncsym) return NULL;
  if (addend) *addend = img->csym[k].addend;
  return img->csym[k].name;
}

armjit_status armjit_image_patch_chain(void *text, size_t size, uint32_t head,
                                       const uint32_t *values, unsigned nvalues,
                                       armjit_error *err) {
  static const char who[] = "armjit_image_patch_chain";
  if (!text || (nvalues && !values)) return ajx_err(err, ARMJIT_E_ARG, "%s: NULL argument", who);
  uint8_t *p = text;
  /* check the whole chain first: positions strictly decrease, so it ends */
  for (int pass = 0; pass < 2; pass++) {
    uint32_t pos = head, last = UINT32_MAX;
    while (pos != CHAIN_END) {
      if (pos >= last || (uint64_t)pos * 4 + 8 > size)
        return ajx_err(err, ARMJIT_E_INVALID, "%s: chain position %u is out of order or past .text",
                       who, (unsigned)pos);
      uint32_t mw = rd32(p + 4 * pos), mt = rd32(p + 4 * pos + 4);
      if (!is_movw(mw) || !is_movt(mt) || movwt_imm(mt) >= nvalues)
        return ajx_err(err, ARMJIT_E_INVALID,
                       "%s: word %u is not a chained MOVW/MOVT pair (or its symbol is past the %u values)",
                       who, (unsigned)pos, nvalues);
      if (pass) {
        uint32_t v = values[movwt_imm(mt)];
        wr32(p + 4 * pos, movwt_set(mw, v));
        wr32(p + 4 * pos + 4, movwt_set(mt, v >> 16));
      }
      last = pos;
      pos = movwt_imm(mw);
    }
  }
  ajx_err_clear(err);
  return ARMJIT_OK;
}

armjit_status mc_image_print_map(const mc_image *img, FILE *out) {
  if (!img || !out) return ARMJIT_E_ARG;
  fprintf(out, "# section       address     size  kind\n");
  for (uint32_t k = 0; k < img->nsec; k++) {
    const mc_isec *is = &img->sec[img->order[k]];
    static const char *const kind[] = {"code", "rodata", "data", "bss"};
    fprintf(out, "section %-12s 0x%08x %8u  %s", is->name, (unsigned)is->addr, (unsigned)is->size,
            kind[is->kind]);
    if (is->nveneers) fprintf(out, ", %u veneers", (unsigned)is->nveneers);
    fprintf(out, "\n");
  }
  for (uint32_t i = 0; i < img->nsyms; i++)
    fprintf(out, "symbol  0x%08x %s\n", (unsigned)(img->sec[img->syms[i].sec].addr + img->syms[i].off),
            img->syms[i].name);
  for (uint32_t v = 0; v < img->nven; v++)
    fprintf(out, "veneer  0x%08x -> 0x%08x%s\n", (unsigned)img->ven[v].addr,
            (unsigned)img->ven[v].dest, img->ven[v].dest & 1 ? " (thumb)" : "");
  if (img->chained) {
    fprintf(out, "symbol  0x%08x %s\n", (unsigned)img->loader_addr, LOADER_NAME);
    fprintf(out, "chain   head %u, %u pairs, %u symbols\n", (unsigned)img->head,
            (unsigned)img->npairs, (unsigned)img->ncsym);
    for (uint32_t k = 0; k < img->ncsym; k++)
      fprintf(out, "chained %u %s%+d\n", (unsigned)k, img->csym[k].name, (int)img->csym[k].addend);
  }
  return ferror(out) ? ARMJIT_E_INVALID : ARMJIT_OK;
}

/* The public getters: the object's last link. */
static const mc_image *image_of(const armjit_object *o) { return o ? mc_object_image(o) : NULL; }

bool armjit_object_linked_section(const armjit_object *o, unsigned i, armjit_linked_section *out) {
  return mc_image_section_at(image_of(o), i, out);
}
const void *armjit_object_section(const armjit_object *o, const char *name, uint32_t *addr,
                                  size_t *size) {
  return mc_image_section(image_of(o), name, addr, size);
}
bool armjit_object_symbol_addr(const armjit_object *o, const char *name, uint32_t *addr) {
  return mc_image_symbol(image_of(o), name, addr);
}
bool armjit_object_chain(const armjit_object *o, armjit_fixup_chain *out) {
  return mc_image_chain(image_of(o), out);
}
const char *armjit_object_chain_sym(const armjit_object *o, unsigned k, int32_t *addend) {
  return mc_image_chain_sym(image_of(o), k, addend);
}
armjit_status armjit_object_print_map(const armjit_object *o, FILE *out) {
  return mc_image_print_map(image_of(o), out);
}
