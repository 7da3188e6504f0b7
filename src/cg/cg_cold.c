/* SPDX-License-Identifier: MIT */
/* Cold code: out-of-line paths that return.  A rarely taken path costs the
 * fast path one not-taken conditional branch; its instructions sit after
 * the loop body, out of the way of the hot loop, and end with a branch
 * back to the instruction after that conditional branch.
 *
 *   body:     ...
 *             b<cc>  cold_k         cg_cold_branch: the only fast-path cost
 *   resume_k: ...                   the fast path continues here
 *             ...
 *             b      loop           end of the loop body (jump / finish)
 *   cold_k:   ...                   k->emit(c, k), in cg_emit_cold
 *             b      resume_k
 *   cold_k+1: ...
 *   stubs:    bl exit_common ...  (one word per exit)
 *
 * A cold path is emitted after the body, when the allocator has moved on:
 * it may use only what its record captured at the branch (registers,
 * offsets, constants in k->arg) and the scratch registers ip and lr (the
 * emit function claims nothing: the op that branched has finished).  It
 * must return with every other register as it found it, and when the
 * flags were live at the branch (the fast path reads them after resuming)
 * it must not set them: debug builds scan it like the code between a
 * compare and its guard (cg_op.c). */
#include "cg/cg_internal.h"

#include <string.h>

cg_cold *cg_cold_branch(cg *c, a32_cond cc, cg_cold_fn emit) {
  if (!ajx_grow(c->ctx, (void **)&c->cold, &c->cold_cap, c->ncold + 1, sizeof *c->cold)) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for cold code");
    return NULL;
  }
  cg_cold *k = &c->cold[c->ncold++];
  memset(k, 0, sizeof *k);
  k->entry = a32_label_new(c->b);
  k->resume = a32_label_new(c->b);
  k->emit = emit;
  k->op = c->pos;
  k->flags_live = c->flags_live;
  a32_b(c->b, cc, k->entry);
  a32_label_bind(c->b, k->resume);
  return k;
}

void cg_emit_cold(cg *c) {
  c->out->cold_off = (uint32_t)a32_buf_size(c->b);
  if (c->ncold) {
    /* Where each path starts and whose it is (armjit_lookup_pc). */
    c->out->cold = ajx_alloc(c->ctx, (size_t)c->ncold * 2 * sizeof *c->out->cold);
    if (!c->out->cold) {
      cg_fail(c, ARMJIT_E_NOMEM, "out of memory for cold code");
      return;
    }
    c->out->ncold = c->ncold;
  }
  for (uint32_t i = 0; i < c->ncold && c->st == ARMJIT_OK; i++) {
    cg_cold *k = &c->cold[i];
    a32_label_bind(c->b, k->entry);
    c->out->cold[2 * i] = (uint32_t)a32_buf_size(c->b);
    c->out->cold[2 * i + 1] = k->op;
    bool live = c->flags_live;
    uint32_t from = c->flags_from;
    c->busy = 0;
    c->pos = k->op;
    if (k->flags_live) cg_flags_set(c);
    k->emit(c, k);
    if (k->flags_live) cg_flags_take(c);
    c->flags_live = live;
    c->flags_from = from;
    a32_b(c->b, A32_AL, k->resume);
  }
  c->busy = 0;
}
