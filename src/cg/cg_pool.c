/* SPDX-License-Identifier: MIT */
/* Float constant pool: the trace's float constants as doubles right after
 * the prologue (branched over once on entry), so a constant costs one
 * pc-relative VLDR instead of MOVW/MOVT pairs and a VMOV.  VLDR reaches
 * 1020 bytes, so code further away falls back to building the constant in
 * core registers.  Constants are still rematerialized, never spilled. */
#include "cg/cg_internal.h"

/* Most doubles the pool holds: 127 fill the VLDR reach. */
#define POOL_MAX 96u

static bool pool_has(const cg *c, uint64_t bits) {
  for (uint32_t i = 0; i < c->pool_n; i++)
    if (c->pool[i] == bits) return true;
  return false;
}

void cg_emit_pool(cg *c) {
  const armjit_trace *t = c->t;
  c->pool_n = 0;
  for (uint32_t i = 0; i < t->nops && c->pool_n < POOL_MAX; i++) {
    if (c->lv.dead[i]) continue;
    const ir_op *op = &t->ops[i];
    const ir_ref *a = ir_args(t, op);
    for (uint32_t k = 0; k < op->nargs && c->pool_n < POOL_MAX; k++) {
      if (!IR_IS_CONST(a[k]) || ir_ref_type(t, a[k]) != ARMJIT_FLOAT) continue;
      uint64_t bits = cg_const_bits(ir_const_of(t, a[k]));
      if (!pool_has(c, bits)) c->pool[c->pool_n++] = bits;
    }
  }
  if (!c->pool_n) return;
  a32_label skip = a32_label_new(c->b);
  a32_b(c->b, A32_AL, skip);
  a32_align(c->b, 8);
  c->pool_off = (uint32_t)a32_buf_size(c->b);
  for (uint32_t i = 0; i < c->pool_n; i++) {
    a32_word(c->b, (uint32_t)c->pool[i]);
    a32_word(c->b, (uint32_t)(c->pool[i] >> 32));
  }
  c->out->pool_off = c->pool_off;
  c->out->pool_bytes = 8 * c->pool_n;
  a32_label_bind(c->b, skip);
}

bool cg_pool_load(cg *c, unsigned dd, uint64_t bits) {
  for (uint32_t i = 0; i < c->pool_n; i++) {
    if (c->pool[i] != bits) continue;
    /* pc reads as the VLDR's address + 8 */
    int64_t delta = (int64_t)(c->pool_off + 8 * i) - ((int64_t)a32_buf_size(c->b) + 8);
    if (delta < -1020 || delta > 1020) return false;
    a32_vldr(c->b, A32_AL, true, dd, A32_PC, (int32_t)delta);
    return true;
  }
  return false;
}
