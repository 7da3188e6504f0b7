/* SPDX-License-Identifier: MIT */
/* GC integration (cg_gc.h; docs/ir.md §15, docs/design.md §13).
 *
 * The frame's record (prologue; unlinked on every way out):
 *   movw  ip, #lo(&ctx->gc_top)
 *   movt  ip, #hi(&ctx->gc_top)
 *   ldr   lr, [ip]
 *   str   lr, [fp, #-16]          previous record
 *   sub   lr, fp, #16
 *   str   lr, [ip]                this frame's record is the innermost
 *
 * A GC point (a call that may collect, or a slow path): every GC
 * reference live after it and held in a register rN is stored to rN's
 * save word, the return address goes to the site word, and the GC map
 * of the return address names the save words and the slots of the live
 * GC references; after the call the registers are reloaded (the
 * collector may have changed the words):
 *   str   r5, [fp, #-40]          save word of r5 (a live GC reference)
 *   add   lr, pc, #4              the return address
 *   str   lr, [fp, #-12]
 *   blx   ip                      map: {fp-40, the refs' slots}
 *   ldr   r5, [fp, #-40]
 *
 * An allocation group (ir/gc.h), T bytes in all:
 *   movw  ip, #lo(&free)
 *   movt  ip, #hi(&free)
 *   ldr   rd, [ip]                the group's base: the nursery's free
 *   add   lr, rd, #T              (variable length: rd + the size in a temp)
 *   str   lr, [ip]                free += T
 *   ldr   ip, [ip, #top-free]     (or movw/movt + ldr when far)
 *   cmp   lr, ip
 *   bhi   cold                    past the top: the slow path
 * resume:
 *   mov   ip, #tid; strh ip, [rd, #off + tid_offset]     every header word of
 *   ...   (length, class)                                 the group
 * and each later op of the group is `add rK, rd, #off`.
 * cold:
 *   (GC registers to their save words)
 *   movw/movt ip, #&free; str rd, [ip]   the bump undone: the slow path sees
 *                                        the nursery as it was
 *   push  {r0-r3 that matter, lr}        (an even count: sp stays 8-aligned)
 *   vpush {d0-d7}                        when the VFP bank is in use
 *   mov   r1, #T; movw/movt r0, #ud; movw/movt ip, #malloc_slowpath
 *   (site word) blx ip
 *   movs  ip, r0
 *   beq   oom_exit                NULL: the run ends (cg_loopctl.c)
 *   vpop, pop, (GC registers reloaded)
 *   mov   rd, ip
 *   b     resume
 *
 * cond_call_gc_wb(p) / cond_call_gc_wb_array(p, i):
 *   ldrb  ip, [rp, #flags_offset]
 *   tst   ip, #wb_flag
 *   bne   cold                    r0 = ud, r1 = p (, r2 = i), call the slow
 *                                 path as above, b resume */
#include "cg/cg_gc.h"

#include "ir/gc.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  uint32_t words, nwords;  /* the map: frame offsets in gc->words[words ..] */
  uint16_t gc_regs;        /* registers holding live GC references */
  uint16_t push;           /* cold paths: core registers saved around the call */
  bool vfp;                /* cold paths: d0-d7 saved around the call */
} gc_site;

struct cg_gc {
  ir_gc_slot *plan;        /* per op */
  uint8_t *is_gc;          /* per value: a GC reference (ir_gc_refs) */
  ir_ref *cand;            /* GC references defined so far that may be live */
  uint32_t ncand, cand_cap;
  uint32_t next_val;       /* values below it were considered for cand */
  gc_site *sites;
  uint32_t nsites, sites_cap;
  int32_t *words;
  uint32_t nwords, words_cap;
  uint32_t sites_cap_out, maps_cap_out;
  uint32_t last_map, last_map_len; /* the previous map in gc_maps (sharing) */
};

int32_t cg_gc_fixed_bytes(const cg_env *env) {
  return env->gc_top ? ARM_GC_FIXED_BYTES : ARM_FIXED_BYTES;
}

armjit_status cg_gc_open(cg *c) {
  if (!c->env->gc_top) return ARMJIT_OK;
  struct cg_gc *g = ajx_calloc(c->ctx, 1, sizeof *g);
  if (!g) return ARMJIT_E_NOMEM;
  c->gc = g;
  const armjit_trace *t = c->t;
  g->plan = ajx_alloc(c->ctx, (t->nops ? t->nops : 1) * sizeof *g->plan);
  g->is_gc = ajx_alloc(c->ctx, t->nvals ? t->nvals : 1);
  if (!g->plan || !g->is_gc) return ARMJIT_E_NOMEM;
  ir_gc_plan(t, g->plan);
  ir_gc_refs(t, g->is_gc);
  /* a group's later ops read its base (the first op's result) */
  for (uint32_t i = 0; i < t->nops; i++)
    if (g->plan[i].first == (int32_t)i && g->plan[i].last > i)
      ra_live_extend(&c->lv, t->ops[i].res, g->plan[i].last);
  return ARMJIT_OK;
}

void cg_gc_close(cg *c) {
  struct cg_gc *g = c->gc;
  if (!g) return;
  ajx_free(c->ctx, g->plan);
  ajx_free(c->ctx, g->is_gc);
  ajx_free(c->ctx, g->cand);
  ajx_free(c->ctx, g->sites);
  ajx_free(c->ctx, g->words);
  ajx_free(c->ctx, g);
  c->gc = NULL;
}

/* ---- the frame's record ---------------------------------------------------------- */
void cg_gc_link(cg *c) {
  if (!c->gc) return;
  a32_buf *b = c->b;
  cg_load_addr(c, CG_IP, c->env->gc_top);
  a32_ldst(b, A32_AL, A32_LDR, CG_LR, a32_mem_imm(CG_IP, 0));
  a32_ldst(b, A32_AL, A32_STR, CG_LR, a32_mem_imm(A32_FP, ARM_GC_PREV_OFF));
  a32_dp(b, A32_AL, A32_SUB, false, CG_LR, A32_FP, a32_imm((uint32_t)-ARM_GC_PREV_OFF));
  a32_ldst(b, A32_AL, A32_STR, CG_LR, a32_mem_imm(CG_IP, 0));
}

void cg_gc_unlink(cg *c) {
  if (!c->gc) return;
  a32_ldst(c->b, A32_AL, A32_LDR, CG_LR, a32_mem_imm(A32_FP, ARM_GC_PREV_OFF));
  cg_load_addr(c, CG_IP, c->env->gc_top);
  a32_ldst(c->b, A32_AL, A32_STR, CG_LR, a32_mem_imm(CG_IP, 0));
}

/* ---- GC maps --------------------------------------------------------------------- */
static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x < y) - (x > y); /* descending: ascending -offset */
}

static bool push_word(cg *c, int32_t w) {
  struct cg_gc *g = c->gc;
  if (!ajx_grow(c->ctx, (void **)&g->words, &g->words_cap, g->nwords + 1, sizeof *g->words))
    return false;
  g->words[g->nwords++] = w;
  return true;
}

/* The GC references live after the current op (defined before it, last
 * use after it) where they are now: a site record.  `cold`: the site is
 * a slow path, which also saves r0-r3 (but `keep`, a register the path
 * writes itself) and the VFP argument bank around its call. */
static uint32_t capture(cg *c, bool cold, int keep) {
  struct cg_gc *g = c->gc;
  const armjit_trace *t = c->t;
  const ra_core *rc = &c->ra.core;
  uint32_t pos = c->pos;
  while (g->next_val < t->nvals && t->vdef[g->next_val] < (int32_t)pos) {
    ir_ref v = (ir_ref)g->next_val++;
    if (!g->is_gc[v]) continue;
    if (!ajx_grow(c->ctx, (void **)&g->cand, &g->cand_cap, g->ncand + 1, sizeof *g->cand))
      goto nomem;
    g->cand[g->ncand++] = v;
  }
  if (!ajx_grow(c->ctx, (void **)&g->sites, &g->sites_cap, g->nsites + 1, sizeof *g->sites))
    goto nomem;
  gc_site *s = &g->sites[g->nsites];
  memset(s, 0, sizeof *s);
  s->words = g->nwords;
  for (uint32_t k = 0; k < g->ncand;) {
    ir_ref v = g->cand[k];
    if (c->lv.last_use[v] <= (int32_t)pos) {  /* dead from here on */
      g->cand[k] = g->cand[--g->ncand];
      continue;
    }
    k++;
    int r = ra_core_reg(rc, (uint32_t)v);
    int32_t slot = ra_core_slot(rc, (uint32_t)v);
    if (r >= 0) {
      s->gc_regs |= (uint16_t)(1u << r);
      if (!push_word(c, ARM_GC_SAVE(r))) goto nomem;
    }
    if (slot && !push_word(c, slot)) goto nomem;
  }
  s->nwords = g->nwords - s->words;
  if (s->nwords > 1) qsort(g->words + s->words, s->nwords, sizeof *g->words, cmp_i32);
  if (cold) {
    uint16_t m = (uint16_t)(ARM_CORE_CALLER & ~(uint32_t)s->gc_regs);
    if (keep >= 0) m &= (uint16_t)~(1u << keep);
    if (__builtin_popcount(m) & 1) m |= (uint16_t)(1u << A32_LR);
    s->push = m;
    s->vfp = ((rc->occ[1] | rc->cached[1]) & ra_vfp_units_of_d(ARM_VFP_CALLER)) != 0;
  }
  return g->nsites++;
nomem:
  cg_fail(c, ARMJIT_E_NOMEM, "out of memory for the GC maps");
  return 0;
}

static unsigned uleb(uint8_t *p, uint32_t v) {
  unsigned n = 0;
  do {
    uint8_t b = (uint8_t)(v & 0x7fu);
    v >>= 7;
    p[n++] = (uint8_t)(b | (v ? 0x80u : 0));
  } while (v);
  return n;
}

/* The site's return address is the current offset: its map goes out
 * (shared with the previous site's when equal). */
static void record(cg *c, const gc_site *s) {
  struct cg_gc *g = c->gc;
  cg_result *o = c->out;
  uint32_t need = 5 * (s->nwords + 1);
  if (!ajx_grow(c->ctx, (void **)&o->gc_maps, &g->maps_cap_out, o->gc_map_bytes + need, 1) ||
      !ajx_grow(c->ctx, (void **)&o->gc_sites, &g->sites_cap_out, 2 * (o->ngc_sites + 1),
                sizeof *o->gc_sites)) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for the GC maps");
    return;
  }
  uint8_t *p = o->gc_maps + o->gc_map_bytes;
  unsigned n = uleb(p, s->nwords);
  uint32_t prev = 0;
  for (uint32_t k = 0; k < s->nwords; k++) {
    uint32_t w = (uint32_t)(-g->words[s->words + k] / 4);
    n += uleb(p + n, w - prev);
    prev = w;
  }
  uint32_t at = o->gc_map_bytes;
  if (o->ngc_sites && g->last_map_len == n && memcmp(o->gc_maps + g->last_map, p, n) == 0) {
    at = g->last_map;
  } else {
    g->last_map = at;
    g->last_map_len = n;
    o->gc_map_bytes += n;
  }
  o->gc_sites[2 * o->ngc_sites] = (uint32_t)a32_buf_size(c->b);
  o->gc_sites[2 * o->ngc_sites + 1] = at;
  o->ngc_sites++;
}

static void save_regs(cg *c, const gc_site *s, a32_ldst_op op) {
  for (int r = 0; r < ARM_NCORE; r++)
    if (s->gc_regs >> r & 1u)
      a32_ldst(c->b, A32_AL, op, (a32_reg)r, a32_mem_imm(A32_FP, ARM_GC_SAVE(r)));
}

/* The save stores, the site word, the BLX and the map.  `target` is not
 * lr. */
static void site_blx(cg *c, const gc_site *s, a32_reg target) {
  save_regs(c, s, A32_STR);
  /* lr = the address after the BLX: pc reads 8 ahead of the ADD */
  a32_dp(c->b, A32_AL, A32_ADD, false, CG_LR, A32_PC, a32_imm(4));
  a32_ldst(c->b, A32_AL, A32_STR, CG_LR, a32_mem_imm(A32_FP, ARM_GC_SITE_OFF));
  a32_blx(c->b, A32_AL, target);
  record(c, s);
}

void cg_gc_blx(cg *c, a32_reg target) {
  if (!c->gc) {
    a32_blx(c->b, A32_AL, target);
    return;
  }
  uint32_t k = capture(c, false, -1);
  if (c->st != ARMJIT_OK) return;
  gc_site s = c->gc->sites[k];
  site_blx(c, &s, target);
  save_regs(c, &s, A32_LDR);
}

/* Cold GC points of other files: sites are numbered from 1 there. */
uint32_t cg_gc_cold_site(cg *c) {
  if (!c->gc) return 0;
  return capture(c, false, -1) + 1;
}

void cg_gc_cold_save(cg *c, uint32_t site) {
  if (!site) return;
  gc_site s = c->gc->sites[site - 1];
  save_regs(c, &s, A32_STR);
}

void cg_gc_cold_blx(cg *c, uint32_t site, a32_reg target) {
  if (!site) {
    a32_blx(c->b, A32_AL, target);
    return;
  }
  gc_site s = c->gc->sites[site - 1];
  s.gc_regs = 0;  /* stored already (cg_gc_cold_save) */
  site_blx(c, &s, target);
}

void cg_gc_cold_reload(cg *c, uint32_t site) {
  if (!site) return;
  gc_site s = c->gc->sites[site - 1];
  save_regs(c, &s, A32_LDR);
}

/* ---- slow paths in cold code ------------------------------------------------------ */
static void cold_save(cg *c, const gc_site *s) {
  if (s->push) a32_push(c->b, A32_AL, s->push);
  if (s->vfp) a32_vpush(c->b, A32_AL, 0, ARM_NVFP_ARGS);
}

static void cold_restore(cg *c, const gc_site *s) {
  if (s->vfp) a32_vpop(c->b, A32_AL, 0, ARM_NVFP_ARGS);
  if (s->push) a32_pop(c->b, A32_AL, s->push);
}

/* arg: site, result register, size (a constant, or the register holding
 * it), whether the size is a register. */
static void cold_alloc(cg *c, const cg_cold *k) {
  const armjit_gc_descr *g = &c->ctx->gc;
  gc_site s = c->gc->sites[k->arg[0]];
  a32_reg rd = (a32_reg)k->arg[1];
  save_regs(c, &s, A32_STR);
  cg_load_addr(c, CG_IP, (uint32_t)g->nursery_free);
  a32_ldst(c->b, A32_AL, A32_STR, rd, a32_mem_imm(CG_IP, 0));
  cold_save(c, &s);
  if (k->arg[3]) {
    if (k->arg[2] != A32_R1)
      a32_dp(c->b, A32_AL, A32_MOV, false, A32_R1, 0, a32_r((a32_reg)k->arg[2]));
  } else {
    cg_load_int(c, A32_R1, k->arg[2]);
  }
  cg_load_addr(c, A32_R0, (uint32_t)(uintptr_t)g->ud);
  cg_load_addr(c, CG_IP, (uint32_t)(uintptr_t)g->malloc_slowpath);
  /* (save_regs again inside site_blx: the words are stored twice when a
   * GC register is also an argument register; harmless) */
  gc_site only_site = s;
  only_site.gc_regs = 0;
  site_blx(c, &only_site, CG_IP);
  a32_dp(c->b, A32_AL, A32_MOV, true, CG_IP, 0, a32_r(A32_R0));
  cg_oom_branch(c, A32_EQ); /* out of memory: the run ends (docs/ir.md §15.2) */
  cold_restore(c, &s);
  save_regs(c, &s, A32_LDR);
  a32_dp(c->b, A32_AL, A32_MOV, false, rd, 0, a32_r(CG_IP));
}

/* arg: site, p's register, the index (a register or constant), whether
 * the index is a register (2) or a constant (1); 0: cond_call_gc_wb. */
static void cold_wb(cg *c, const cg_cold *k) {
  const armjit_gc_descr *g = &c->ctx->gc;
  gc_site s = c->gc->sites[k->arg[0]];
  save_regs(c, &s, A32_STR);
  cold_save(c, &s);
  a32_dp(c->b, A32_AL, A32_MOV, false, CG_IP, 0, a32_r((a32_reg)k->arg[1]));
  bool array = k->arg[3] != 0 && g->wb_array_slowpath;
  if (array) {
    if (k->arg[3] == 2) a32_dp(c->b, A32_AL, A32_MOV, false, CG_LR, 0, a32_r((a32_reg)k->arg[2]));
    else cg_load_int(c, CG_LR, k->arg[2]);
  }
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_R1, 0, a32_r(CG_IP));
  if (array) a32_dp(c->b, A32_AL, A32_MOV, false, A32_R2, 0, a32_r(CG_LR));
  cg_load_addr(c, A32_R0, (uint32_t)(uintptr_t)g->ud);
  cg_load_addr(c, CG_IP, array ? (uint32_t)(uintptr_t)g->wb_array_slowpath
                               : (uint32_t)(uintptr_t)g->wb_slowpath);
  gc_site only_site = s;
  only_site.gc_regs = 0;
  site_blx(c, &only_site, CG_IP);
  cold_restore(c, &s);
  save_regs(c, &s, A32_LDR);
}

/* ---- the ops ------------------------------------------------------------------------ */
/* str/strh/strb `val` at [base, #off], for any offset (lr forms far
 * addresses; val is not lr). */
static void store_at(cg *c, a32_ldst_op op, a32_reg val, a32_reg base, int32_t off) {
  int32_t lim = op == A32_STRH ? 255 : ARM_WORD_REACH;
  if (off >= -lim && off <= lim) {
    a32_ldst(c->b, A32_AL, op, val, a32_mem_imm(base, off));
    return;
  }
  cg_load_int(c, CG_LR, (uint32_t)off);
  a32_dp(c->b, A32_AL, A32_ADD, false, CG_LR, base, a32_r(CG_LR));
  a32_ldst(c->b, A32_AL, op, val, a32_mem_imm(CG_LR, 0));
}

/* rd = rn + k (k any constant; ip carries it when not an immediate). */
static void add_const(cg *c, a32_reg rd, a32_reg rn, uint32_t k) {
  if (a32_modimm(k) >= 0) {
    a32_dp(c->b, A32_AL, A32_ADD, false, rd, rn, a32_imm(k));
    return;
  }
  cg_load_int(c, CG_IP, k);
  a32_dp(c->b, A32_AL, A32_ADD, false, rd, rn, a32_r(CG_IP));
}

/* The header words of allocation op j at [rd, #off] (ip and lr are free). */
static void headers(cg *c, uint32_t j, a32_reg rd, uint32_t off, int rlen) {
  const armjit_trace *t = c->t;
  const armjit_gc_descr *g = &c->ctx->gc;
  const ir_op *op = &t->ops[j];
  const ir_ref *a = ir_args(t, op);
  cg_load_int(c, CG_IP, (uint32_t)ir_const_of(t, a[1])->v.i);
  store_at(c, g->tid_size == 2 ? A32_STRH : A32_STR, CG_IP, rd, (int32_t)off + g->tid_offset);
  if (op->descr >= 0) {
    int32_t lo = (int32_t)off + ir_descr_at(t, op->descr)->len_offset;
    if (rlen >= 0) {
      store_at(c, A32_STR, (a32_reg)rlen, rd, lo);
    } else {
      cg_load_int(c, CG_IP, (uint32_t)ir_const_of(t, a[0])->v.i);
      store_at(c, A32_STR, CG_IP, rd, lo);
    }
  }
  if (op->opc == ARMJIT_OP_NEW_WITH_VTABLE) {
    cg_load_int(c, CG_IP, cg_const_word(t, a[2]));
    store_at(c, A32_STR, CG_IP, rd, (int32_t)off + c->ctx->opts.class_offset);
  }
}

void cg_lower_gc_alloc(cg *c, const ir_op *op) {
  const armjit_trace *t = c->t;
  const armjit_gc_descr *g = &c->ctx->gc;
  const ir_gc_slot *s = &c->gc->plan[c->pos];
  const ir_ref *a = ir_args(t, op);
  if (s->first != (int32_t)c->pos) {  /* a later op of a group: base + offset */
    ir_ref base = t->ops[s->first].res;
    a32_reg rb = cg_reg(c, base);
    ra_extra_use(&c->ra, base);
    a32_reg rd = (a32_reg)cg_def(c, op, -1);
    add_const(c, rd, rb, s->off);
    return;
  }
  bool var = s->total == 0;
  int rlen = -1, rs = -1;
  a32_reg rd;
  if (var) {
    rlen = cg_reg(c, a[0]);
    rs = ra_temp(&c->ra, false);
    rd = (a32_reg)cg_def_keep(c, op);  /* not rlen's register: the header reads it */
    const ir_descr *d = ir_descr_at(t, op->descr);
    uint32_t item = d->item_size;
    if ((item & (item - 1)) == 0) {
      unsigned sh = (unsigned)__builtin_ctz(item);
      a32_dp(c->b, A32_AL, A32_MOV, false, (a32_reg)rs, 0, a32_rsi((a32_reg)rlen, A32_LSL, sh));
    } else {
      cg_load_int(c, CG_IP, item);
      a32_mul(c->b, A32_AL, A32_MUL, false, (a32_reg)rs, (a32_reg)rlen, CG_IP, 0);
    }
    add_const(c, (a32_reg)rs, (a32_reg)rs, (uint32_t)d->base + 7u);
    a32_dp(c->b, A32_AL, A32_BIC, false, (a32_reg)rs, (a32_reg)rs, a32_imm(7));
  } else {
    rd = (a32_reg)cg_def(c, op, -1);
  }
  cg_load_addr(c, CG_IP, (uint32_t)g->nursery_free);
  a32_ldst(c->b, A32_AL, A32_LDR, rd, a32_mem_imm(CG_IP, 0));
  if (var) {
    a32_dp(c->b, A32_AL, A32_ADD, false, CG_LR, rd, a32_r((a32_reg)rs));
  } else if (a32_modimm(s->total) >= 0) {
    a32_dp(c->b, A32_AL, A32_ADD, false, CG_LR, rd, a32_imm(s->total));
  } else {
    cg_load_int(c, CG_LR, s->total);
    a32_dp(c->b, A32_AL, A32_ADD, false, CG_LR, rd, a32_r(CG_LR));
  }
  a32_ldst(c->b, A32_AL, A32_STR, CG_LR, a32_mem_imm(CG_IP, 0));
  int64_t delta = (int64_t)g->nursery_top - (int64_t)g->nursery_free;
  if (delta >= -ARM_WORD_REACH && delta <= ARM_WORD_REACH) {
    a32_ldst(c->b, A32_AL, A32_LDR, CG_IP, a32_mem_imm(CG_IP, (int32_t)delta));
  } else {
    cg_load_addr(c, CG_IP, (uint32_t)g->nursery_top);
    a32_ldst(c->b, A32_AL, A32_LDR, CG_IP, a32_mem_imm(CG_IP, 0));
  }
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, CG_LR, a32_r(CG_IP));
  uint32_t site = capture(c, true, rd);
  cg_cold *k = cg_cold_branch(c, A32_HI, cold_alloc);
  if (!k) return;
  k->arg[0] = site;
  k->arg[1] = (uint32_t)rd;
  k->arg[2] = var ? (uint32_t)rs : s->total;
  k->arg[3] = var;
  for (uint32_t j = c->pos; j <= s->last; j++) headers(c, j, rd, c->gc->plan[j].off, rlen);
}

void cg_lower_gc_wb(cg *c, const ir_op *op) {
  const armjit_gc_descr *g = &c->ctx->gc;
  const ir_ref *a = ir_args(c->t, op);
  a32_reg rp = cg_reg(c, a[0]);
  uint32_t ikind = 0, ival = 0;
  if (op->opc == ARMJIT_OP_COND_CALL_GC_WB_ARRAY) {
    if (IR_IS_CONST(a[1])) {
      ikind = 1;
      ival = cg_const_word(c->t, a[1]);
    } else {
      ikind = 2;
      ival = (uint32_t)cg_reg(c, a[1]);
    }
  }
  cg_release(c);
  store_at(c, A32_LDRB, CG_IP, rp, g->flags_offset); /* (a load: same ranges) */
  a32_dp(c->b, A32_AL, A32_TST, true, 0, CG_IP, a32_imm(g->wb_flag));
  uint32_t site = capture(c, true, -1);
  cg_cold *k = cg_cold_branch(c, A32_NE, cold_wb);
  if (!k) return;
  k->arg[0] = site;
  k->arg[1] = (uint32_t)rp;
  k->arg[2] = ival;
  k->arg[3] = ikind;
}
