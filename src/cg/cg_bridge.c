/* SPDX-License-Identifier: MIT */
/* Bridges: a trace compiled to continue where one of its parent's guards
 * fails (cg_env.bridge).  It has no prologue: it runs on the parent's
 * machine frame (same fp, same frame header) and starts with each input
 * where the guard left it, in the parent's register or slot, so entering
 * it costs nothing but the guard's branch:
 *
 *   entry:   sub  sp, fp, #FRAME    only when the bridge needs more slots
 *                                     than sp leaves room for (else the
 *                                     guard branches past it); FRAME is
 *                                     rounded up to a modified immediate
 *            [b over the float pool]
 *            ...body...               its own label/jump loop, finish,
 *                                     guards with their own stubs, or
 *            ...jump moves...       a jump to another trace's label:
 *            [sub sp, fp, #DEPTH]     sp low enough for the target's slots
 *            b    <label address>
 *
 * The frame below fp stays the parent's: the bridge claims the parent's
 * slots that hold its inputs and may reuse the others (they hold values
 * the bridge does not receive, which are dead on this path).  Its exits go
 * through its own stubs and exit path (which restore from fp like every
 * loop's). */
#include "cg/cg_internal.h"

#include <stdio.h>
#include <stdlib.h>

enum { ENTRY_WORDS = 1 };

void cg_bridge_entry(cg *c) {
  const cg_bridge *br = c->env->bridge;
  cg_result *o = c->out;
  /* The frame shape for debuggers: fp is set from the first word. */
  o->saved_core = ARM_ENTRY_PUSH;
  o->vfp_first = ARM_ENTRY_VSAVE_FIRST;
  o->vfp_count = ARM_ENTRY_VSAVE_N;
  o->push_end = o->vpush_end = o->fp_set = 0;
  c->frame_patch = a32_buf_size(c->b);
  for (unsigned k = 0; k < ENTRY_WORDS; k++) a32_nop(c->b, A32_AL);
  cg_emit_pool(c);
  cg_bridge_count(c);

  uint32_t n = c->t->ninputs;
  /* A second copy stands for the first when the first is not used. */
  int32_t *src = ajx_alloc(c->ctx, (n ? n : 1) * sizeof *src);
  if (!src) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory placing the inputs");
    return;
  }
  for (uint32_t v = 0; v < n; v++) {
    int32_t u = br->same_as[v];
    src[v] = u < 0 ? -1 : src[u] >= 0 ? src[u] : u;
    if (src[v] >= 0 && !c->lv.nuses[src[v]] && c->lv.nuses[v]) {
      for (uint32_t w = 0; w < v; w++)  /* v is the copy the others use */
        if (src[w] == src[v]) src[w] = (int32_t)v;
      src[src[v]] = (int32_t)v;
      src[v] = -1;
    }
  }
  /* Inputs where the guard left them, then the ones that need a place of
   * their own (a constant or a second copy that is a label argument). */
  for (uint32_t v = 0; v < n; v++) {
    ra_loc l = br->inputs[v];
    if (!c->lv.nuses[v] || l.kind == LOC_NONE || l.kind == LOC_CONST || src[v] >= 0) continue;
    ra_place_at(&c->ra, (ir_ref)v, l);
  }
  for (uint32_t v = 0; v < n; v++) {
    ra_loc l = br->inputs[v];
    if (!c->lv.nuses[v] || l.kind == LOC_NONE) continue;
    if (l.kind != LOC_CONST && src[v] < 0) continue;
    ra_loc dst = ra_place_input(&c->ra, (ir_ref)v);
    cg_move(c, dst, l);
  }
  ajx_free(c->ctx, src);
  /* The slots of the labels it jumps to are never handed out to its own
   * values, not even after an input that sits in one dies and gives its
   * slot back: a value of ours in a slot partly overlapping a label's
   * could not be moved there in parallel (cg_bridge_jump copies the
   * inputs that do to fresh slots, which must lie outside them too). */
  for (uint32_t k = 0; k < br->nxlabels; k++)
    for (uint32_t a = 0; a < br->xlabels[k].nargs; a++) {
      ra_loc l = br->xlabels[k].locs[a];
      if (l.kind != LOC_STACK) continue;
      for (int32_t w = 0; w < ra_type_size(l.type); w += 4) {
        armjit_error e;
        if (ra_frame_keep(&c->ra.core.frame, l.n + w, &e) != ARMJIT_OK) {
          cg_fail(c, e.code, "%s", e.msg);
          return;
        }
      }
    }
  /* Values passed to a final jump to another trace prefer the registers
   * of its label's arguments. */
  if (c->lv.jump_op >= 0) {
    const ir_op *j = &c->t->ops[c->lv.jump_op];
    if (ir_jump_is_external(j)) {
      const cg_xlabel *xl = &br->xlabels[IR_XLABEL_INDEX(j->id)];
      c->ra.jump_locs = xl->locs;
      c->ra.jump_vals = NULL;
      c->ra.njump_locs = xl->nargs;
    }
  }
}

/* sp = fp - bytes (no flags set).  Every frame size is a modified
 * immediate (cg_patch_frame and cg_bridge_patch_frame round them). */
static void set_sp(cg *c, uint32_t bytes) {
  a32_dp(c->b, A32_AL, A32_SUB, false, A32_SP, A32_FP, a32_imm(a32_modimm_ceil(bytes)));
}

void cg_bridge_patch_frame(cg *c) {
  const cg_bridge *br = c->env->bridge;
  uint32_t need = (uint32_t)ra_frame_bytes(&c->ra), frame = a32_modimm_ceil(need);
  cg_result *o = c->out;
  if (!frame && need) {
    cg_fail(c, ARMJIT_E_LIMIT, "the bridge's frame needs %u bytes of stack", (unsigned)need);
    return;
  }
  o->frame_bytes = (int32_t)frame;
  size_t at = c->frame_patch;
  o->entry = (uint32_t)(at + 4 * ENTRY_WORDS);
  if ((int32_t)frame <= br->depth) return;  /* sp is low enough already */
  o->entry = (uint32_t)at;
  if (a32_buf_patch_begin(c->b, at) != A32_OK) return;
  a32_dp(c->b, A32_AL, A32_SUB, false, A32_SP, A32_FP, a32_imm(frame));
  a32_buf_patch_end(c->b);
}

void cg_bridge_jump(cg *c, const ir_op *op) {
  const cg_bridge *br = c->env->bridge;
  uint32_t k = IR_XLABEL_INDEX(op->id);
  if (!br || k >= c->t->nxlabels) {
    cg_fail(c, ARMJIT_E_INVALID, "jump to label %s of another trace: only a bridge may",
            k < c->t->nxlabels ? c->t->xlabels[k] : "?");
    return;
  }
  const cg_xlabel *xl = &br->xlabels[k];
  if (xl->nargs != op->nargs) {
    cg_fail(c, ARMJIT_E_INVALID, "jump to %s passes %u values, its label has %u (internal)",
            c->t->xlabels[k], (unsigned)op->nargs, (unsigned)xl->nargs);
    return;
  }
  cg_interrupt_check(c, op);  /* a back edge too (ARMJIT_INTERRUPTIBLE) */
  cg_jump_site(c, op);        /* a redirect of the target patches it */
  const ir_ref *a = ir_args(c->t, op);
  ra_loc *src = ajx_alloc(c->ctx, (op->nargs ? op->nargs : 1) * sizeof *src);
  if (!src) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for jump moves");
    return;
  }
  for (uint32_t i = 0; i < op->nargs; i++) src[i] = ra_where(&c->ra, a[i]);
  /* An input still in a slot of the parent's that partly overlaps one of
   * the label's (another loop's frame is laid out differently) is copied
   * to a slot of its own first. */
  for (uint32_t i = 0; i < op->nargs; i++) {
    if (src[i].kind != LOC_STACK) continue;
    bool partial = false;
    for (uint32_t j = 0; j < op->nargs && !partial; j++)
      partial = xl->locs[j].kind == LOC_STACK && ra_loc_eq(src[i], xl->locs[j]) &&
                !ra_loc_same(src[i], xl->locs[j]);
    if (!partial) continue;
    int32_t off;
    armjit_error e;
    if (ra_frame_alloc(&c->ra.core.frame, ra_type_size(src[i].type) == 8 ? ARMJIT_FLOAT : ARMJIT_INT,
                       &off, &e) != ARMJIT_OK) {
      cg_fail(c, e.code, "%s", e.msg);
      break;
    }
    ra_loc fresh = ra_stack(off, src[i].type);
    cg_move(c, fresh, src[i]);
    src[i] = fresh;
  }
  cg_parallel_move(c, xl->locs, src, op->nargs);
  ajx_free(c->ctx, src);
  /* sp only moves down here: a deeper frame of our own is dead now. */
  if (xl->depth > br->depth) set_sp(c, (uint32_t)xl->depth);
  char name[24];
  snprintf(name, sizeof name, "xlabel%u", (unsigned)k);
  a32_sym s = a32_sym_new(c->b, name);
  if (s) a32_b_sym(c->b, A32_AL, s, 0);
}

bool cg_bridge_resolve(void *ud, a32_sym sym, const char *name, uint32_t *addr) {
  (void)sym;
  const cg_bridge *br = ud;
  unsigned k;
  char tail;
  if (sscanf(name, "xlabel%u%c", &k, &tail) != 1 || k >= br->nxlabels) return false;
  *addr = br->xlabels[k].addr;
  return true;
}
