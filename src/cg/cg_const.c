/* SPDX-License-Identifier: MIT */
/* The constant ladder: every way a trace constant reaches an instruction,
 * cheapest first.  Constants are rematerialized, never spilled; a free
 * register may cache one (ra/alloc.h), which costs nothing to drop.
 *
 * Core values (int, ref):
 *   1. a modified immediate in the instruction itself        add rd, rn, #k
 *   2. the inverse opcode with the transformed immediate     sub rd, rn, #-k
 *                                                            mvn / cmn / bic
 *   3. a register already caching the constant               (nothing)
 *   4. ADD/SUB of a modified immediate from a register       add rd, rk, #d
 *      caching a nearby constant (only when step 5 would
 *      need MOVW+MOVT)
 *   5. one load: MOV/MVN #imm, MOVW, or MOVW+MOVT            (a32_mov_imm32)
 *   Steps 1-2 are cg_op2, 3-5 cg_const_reg; moves of constants into a
 *   location (cg_move) take step 5 directly.  Absolute addresses that may
 *   be patched are always MOVW+MOVT (cg_load_addr).
 *
 * Floats (doubles):
 *   1. a register already caching the constant               (nothing)
 *   2. a VFP immediate (+-(16..31)/16 * 2^(-3..4))           vmov.f64 dd, #0.5
 *   3. VLDR from a pool within reach behind the load:        vldr dd, [pc, #-o]
 *      the pool after the prologue, or an island placed
 *      where none is (immediates stay out of both)
 *   Compares with +-0.0 use VCMP's zero form (cg_float.c). */
#include "cg/cg_internal.h"


/* ---- core: steps 1-2 (cg_op2) ------------------------------------------------ */
a32_operand cg_op2(cg *c, ir_ref r, a32_dp_op *op) {
  if (IR_IS_CONST(r)) {
    uint32_t v = cg_const_word(c->t, r);
    if (a32_modimm(v) >= 0) return a32_imm(v);
    a32_dp_op inv = *op;
    uint32_t w = v;
    if (a32_modimm_inverse(&inv, &w)) {
      *op = inv;
      return a32_imm(w);
    }
  }
  return a32_r(cg_reg(c, r));
}

/* ---- core: steps 3-5 ----------------------------------------------------------- */
void cg_load_int(cg *c, a32_reg rd, uint32_t v) { a32_mov_imm32(c->b, A32_AL, rd, v); }

void cg_load_addr(cg *c, a32_reg rd, uint32_t addr) {
  a32_movw(c->b, A32_AL, rd, addr & 0xffffu);
  a32_movt(c->b, A32_AL, rd, addr >> 16);
}

/* Step 4: v needs MOVW+MOVT but is a modified immediate away from a
 * constant another register caches: one ADD/SUB from that register. */
static bool load_by_delta(cg *c, a32_reg rd, uint32_t v) {
  if (a32_modimm(v) >= 0 || a32_modimm(~v) >= 0 || v <= 0xffffu) return false;
  for (int r = 0; r < ARM_NCORE; r++) {
    if (r == (int)rd) continue;  /* already marked as caching the new value */
    ir_ref k = ra_cached_const(&c->ra, r);
    if (k == IR_NONE || ra_storage_of(ir_ref_type(c->t, k)) == ARMJIT_FLOAT) continue;
    uint32_t d = v - cg_const_word(c->t, k);
    if (a32_modimm(d) >= 0) {
      a32_dp(c->b, A32_AL, A32_ADD, false, rd, (a32_reg)r, a32_imm(d));
      return true;
    }
    if (a32_modimm(0u - d) >= 0) {
      a32_dp(c->b, A32_AL, A32_SUB, false, rd, (a32_reg)r, a32_imm(0u - d));
      return true;
    }
  }
  return false;
}

a32_reg cg_const_reg(cg *c, ir_ref k) {
  int reg = ra_const_reg(&c->ra, k);
  if (reg >= 0) return (a32_reg)reg;  /* step 3 */
  uint32_t v = cg_const_word(c->t, k);
  reg = ra_const_take(&c->ra, k);
  if (reg < 0) reg = cg_scratch(c);
  if (reg < 0) reg = ra_temp(&c->ra, false);
  if (!load_by_delta(c, (a32_reg)reg, v)) cg_load_int(c, (a32_reg)reg, v);
  return (a32_reg)reg;
}

/* ---- floats: pools (step 3) ------------------------------------------------------ */
/* A double the code loads sits in the code behind the load, within
 * VLDR's reach (pc-relative, imm8 * 4: 1020 bytes back; the pc reads as
 * the VLDR's address + 8), in runs of data words (out->pools):
 *
 *   the pool      right after the prologue (a bridge's entry), branched
 *                 over once on entry: the constants of the first ops,
 *                 those whose code is likely within reach;
 *   an island     where a load finds no copy within reach: that constant
 *                 and the ones the next ops take that have no copy within
 *                 reach now (as many as the ops' code likely keeps in
 *                 reach), so the loads after it find them behind:
 *
 *                   b     1f                   the fall-through skips it
 *                   .word lo, hi, ...          the doubles (data)
 *               1:  vldr  d1, [pc, #-o]
 *
 * So every float constant that is no VFP immediate is one VLDR; an island
 * in a loop body costs a pass one B.  An island may sit anywhere between
 * two instructions (B sets no flags); code scans (the flags check,
 * cg_op.c) skip it through cg_pool_skip, and the listing and debug info
 * show it as data.  After the body (cold paths) an island holds only the
 * constant at hand. */

enum {
  POOL_REACH = ARM_VFP_REACH,  /* VLDR's offset range */
  POOL_HEAD_MAX = 96,  /* doubles in the pool after the prologue */
  ISLAND_MAX = 32,     /* doubles in one island: its far end stays in reach */
  OP_BYTES_GUESS = 8,  /* code bytes per op before any is lowered */
};

/* The placed copies by value: c->pool_hash maps a double's bits to the
 * index + 1 in c->pooled of its last placed copy (0: empty bucket; open
 * addressing, at most half full).  The last copy is the nearest behind
 * the code: if it is out of reach, all are. */
static uint32_t pool_bucket(const cg *c, uint64_t bits) {
  uint32_t mask = c->pool_hash_cap - 1, j = cg_bits_hash(bits) & mask;
  while (c->pool_hash[j] && c->pooled[c->pool_hash[j] - 1].bits != bits) j = (j + 1) & mask;
  return j;
}

/* Record c->pooled[i] as its value's last placed copy. */
static bool pool_hash_put(cg *c, uint32_t i) {
  if ((c->pool_hash_n + 1) * 2 > c->pool_hash_cap) {
    uint32_t ncap = c->pool_hash_cap ? c->pool_hash_cap * 2 : 256, *old = c->pool_hash;
    uint32_t oldcap = c->pool_hash_cap;
    if (!(c->pool_hash = ajx_calloc(c->ctx, ncap, sizeof *c->pool_hash))) {
      c->pool_hash = old;
      cg_fail(c, ARMJIT_E_NOMEM, "out of memory for the float constant pool");
      return false;
    }
    c->pool_hash_cap = ncap;
    for (uint32_t k = 0; k < oldcap; k++)
      if (old[k]) c->pool_hash[pool_bucket(c, c->pooled[old[k] - 1].bits)] = old[k];
    ajx_free(c->ctx, old);
  }
  uint32_t j = pool_bucket(c, c->pooled[i].bits);
  c->pool_hash_n += !c->pool_hash[j];
  c->pool_hash[j] = i + 1;
  return true;
}

/* The offset from a VLDR `ahead` bytes after the code's end to a copy of
 * bits within reach behind it; false when none. */
static bool pool_find(const cg *c, uint64_t bits, uint32_t ahead, int32_t *delta) {
  if (!c->pool_hash_cap) return false;
  uint32_t at = c->pool_hash[pool_bucket(c, bits)];
  if (!at) return false;
  int64_t d = (int64_t)c->pooled[at - 1].off - ((int64_t)a32_buf_size(c->b) + ahead + 8);
  if (d < -POOL_REACH) return false;
  *delta = (int32_t)d;
  return true;
}

static bool pool_add(cg *c, uint64_t bits, uint32_t first) {
  for (uint32_t i = first; i < c->npooled; i++)
    if (c->pooled[i].bits == bits) return true;
  if (!ajx_grow(c->ctx, (void **)&c->pooled, &c->pooled_cap, c->npooled + 1, sizeof *c->pooled)) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for the float constant pool");
    return false;
  }
  c->pooled[c->npooled++] = (struct cg_pooled){bits, 0};
  return true;
}

/* Per opcode: may an argument live in the VFP bank (ra_storage_of: a
 * float 'f', an i64 'l' or an f32 's', or a '*', 'd' or "." letter
 * standing for any type)?  The gatherer skips the other ops without
 * looking at their arguments. */
#define MAY_FLOAT_LETTER(c)                                                      \
  ((c) == 'f' || (c) == 'l' || (c) == 's' || (c) == '*' || (c) == 'd' || (c) == '.')
#define MAY_FLOAT_AT(s, k) MAY_FLOAT_LETTER(IR_SIG_LETTER(s, k))
#define MAY_FLOAT(name, text, args, res, flags)                                  \
  [ARMJIT_OP_##name] = MAY_FLOAT_AT(args, 0) || MAY_FLOAT_AT(args, 1) ||        \
                       MAY_FLOAT_AT(args, 2) || MAY_FLOAT_AT(args, 3) ||        \
                       MAY_FLOAT_AT(args, 4),
static const bool may_take_float[ARMJIT_OP__COUNT] = {ARMJIT_OPS(MAY_FLOAT)};
#undef MAY_FLOAT
#undef MAY_FLOAT_AT
#undef MAY_FLOAT_LETTER

/* Add to the run being gathered (c->pooled from `first`) the float
 * constants ops from op `from` on take that are no VFP immediate and have
 * no placed copy in reach of where the op's load will be (estimated at
 * `per_op` bytes an op), while the run has fewer than `max` and those
 * ops' code (at `per_op` bytes each) plus the run stays within reach. */
static void pool_gather(cg *c, uint32_t from, uint32_t first, uint32_t max, uint32_t per_op) {
  const armjit_trace *t = c->t;
  uint32_t span = 0;
  for (uint32_t i = from; i < t->nops && c->npooled - first < max; i++, span += per_op) {
    if (span + 8 * (c->npooled - first) > POOL_REACH - 64) break;
    const ir_op *op = &t->ops[i];
    if (!may_take_float[op->opc] || c->lv.dead[i]) continue;
    const ir_ref *a = ir_args(t, op);
    for (uint32_t k = 0; k < op->nargs && c->npooled - first < max; k++) {
      if (!IR_IS_CONST(a[k]) || ra_storage_of(ir_ref_type(t, a[k])) != ARMJIT_FLOAT) continue;
      uint64_t bits = cg_const_bits(ir_const_of(t, a[k]));
      int32_t d;
      /* (the op's load: after the island's B and words, and the code
       * of the ops before it) */
      uint32_t ahead = 4 + 8 * (c->npooled - first) + span;
      if (a32_vfp_imm8(true, bits) >= 0 || pool_find(c, bits, ahead, &d)) continue;
      if (!pool_add(c, bits, first)) return;
    }
  }
}

/* Place c->pooled[first..] here as one run of data words. */
static void pool_place(cg *c, uint32_t first) {
  cg_result *o = c->out;
  if (!ajx_grow(c->ctx, (void **)&o->pools, &c->pools_cap, o->npools + 1, sizeof *o->pools)) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for the float constant pool");
    return;
  }
  uint32_t at = (uint32_t)a32_buf_size(c->b);
  for (uint32_t i = first; i < c->npooled; i++) {
    c->pooled[i].off = (uint32_t)a32_buf_size(c->b);
    a32_word(c->b, (uint32_t)c->pooled[i].bits);
    a32_word(c->b, (uint32_t)(c->pooled[i].bits >> 32));
    if (!pool_hash_put(c, i)) return;
  }
  o->pools[o->npools++] = (cg_span){at, (uint32_t)a32_buf_size(c->b) - at};
}

void cg_emit_pool(cg *c) {
  pool_gather(c, 0, c->npooled, POOL_HEAD_MAX, OP_BYTES_GUESS);
  if (c->npooled == 0 || c->st != ARMJIT_OK) return;
  a32_label skip = a32_label_new(c->b);
  a32_b(c->b, A32_AL, skip);
  a32_align(c->b, 8);
  pool_place(c, 0);
  c->out->head_pool = c->st == ARMJIT_OK;
  a32_label_bind(c->b, skip);
}

/* An island here with bits, and in the body the constants the next ops
 * take (their code guessed at the average so far). */
static void pool_island(cg *c, uint64_t bits) {
  uint32_t first = c->npooled;
  if (!pool_add(c, bits, first)) return;
  if (!c->out->cold_off) { /* still in the body */
    uint32_t per_op = (uint32_t)(a32_buf_size(c->b) / (c->pos + 1));
    pool_gather(c, c->pos + 1, first, ISLAND_MAX, per_op > 4 ? per_op : 4);
  }
  if (c->st != ARMJIT_OK) return;
  a32_label skip = a32_label_new(c->b);
  a32_b(c->b, A32_AL, skip);
  pool_place(c, first);
  a32_label_bind(c->b, skip);
}

uint32_t cg_pool_skip(const cg *c, uint32_t off) {
  const cg_result *o = c->out;
  for (uint32_t i = o->npools; i-- > 0;) {
    if (o->pools[i].off > off) continue;
    return off < o->pools[i].off + o->pools[i].bytes ? o->pools[i].off + o->pools[i].bytes : off;
  }
  return off;
}

/* ---- floats: steps 2-3, and step 1 for operands ------------------------------------ */
void cg_load_float(cg *c, unsigned dd, uint64_t bits) {
  if (a32_vfp_imm8(true, bits) >= 0) {
    a32_vmov_imm(c->b, A32_AL, true, dd, bits);
    return;
  }
  int32_t delta;
  if (!pool_find(c, bits, 0, &delta)) {
    pool_island(c, bits);
    if (c->st != ARMJIT_OK) return;
    if (!pool_find(c, bits, 0, &delta)) {
      cg_fail(c, ARMJIT_E_INVALID, "float constant out of reach of its island (internal)");
      return;
    }
  }
  a32_vldr(c->b, A32_AL, true, dd, A32_PC, delta);
}

unsigned cg_const_vreg(cg *c, ir_ref k) {
  int reg = ra_const_reg(&c->ra, k);
  if (reg >= 0) return (unsigned)reg;  /* step 1 */
  reg = ra_const_take(&c->ra, k);
  if (reg < 0) reg = cg_dscratch(c);
  if (reg < 0) reg = ra_temp(&c->ra, true);
  cg_load_float(c, (unsigned)reg, cg_const_bits(ir_const_of(c->t, k)));
  return (unsigned)reg;
}
