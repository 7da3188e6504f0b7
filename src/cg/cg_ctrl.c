/* SPDX-License-Identifier: MIT */
/* label and jump: a label fixes where its arguments live (the loop
 * header's register and slot map); a jump moves its arguments there in
 * parallel and branches back.
 *
 * Loop rotation.  A loop whose label is followed by a compare of label
 * arguments and a guard on it tests at its bottom instead of branching
 * back to the test, one branch per iteration instead of two:
 *
 *   L:    cmp   r0, r1          the header, as lowered
 *   site: bge   stub            the guard's exit branch (its patch site)
 *   body: ...
 *         <the jump's moves>    the label arguments now where L wants them
 *         cmp   r0, r1          the header's compare, copied
 *         blt   body            the guard passes: the next iteration
 *         b     site            it fails: the flags take the exit's branch
 *
 * The copy runs on the label arguments where the jump just put them, so it
 * computes what the header computes on the next iteration; the failing
 * path leaves through the guard's own branch (a bridge patched there is
 * entered the same way).  The compare's words are copied only when they
 * are constant loads, reloads from slots and the compare, writing no label
 * argument's register (header_copyable); else, and for a counted label
 * (ARMJIT_COUNTERS: the back edge must pass the count), the jump branches
 * back to L, or past the loads of the hoisted constants (below). */
#include "cg/cg_internal.h"

bool cg_rotate_header(cg *c, const ir_op *op) {
  (void)op;
  /* (a counted label's back edge must pass its count) */
  if (c->rot.label < 0 || c->pos < c->rot.label_pos + 2 || c->env->counters) return false;
  for (uint32_t i = c->rot.label_pos + 1; i + 1 < c->pos; i++)  /* ops that emit nothing */
    if (!c->lv.dead[i]) return false;
  int32_t cmp_at = c->out->op_off[c->pos - 1];
  if (cmp_at < 0 || (uint32_t)cmp_at != c->rot.head_off) return false;
  c->rot.cmp_off = (uint32_t)cmp_at;
  c->rot.site_off = (uint32_t)a32_buf_size(c->b);
  c->rot.site = a32_label_new(c->b);
  a32_label_bind(c->b, c->rot.site);
  return true;
}

void cg_rotate_header_done(cg *c, a32_cond fail_cc) {
  c->rot.body = a32_label_new(c->b);
  a32_label_bind(c->b, c->rot.body);
  c->rot.fail_cc = fail_cc;
  c->rot.ok = c->rot.site && c->rot.body;
}

/* May the header's compare code run again at the back edge?  `regs`: the
 * registers holding label arguments.  The words (ARM ARM A5.2, A5.3, cond
 * AL) load constants or reload label arguments from their slots into other
 * registers, then compare:
 *   MOVW/MOVT/MOV/MVN rd, #imm     (A8.8.102, A8.8.106, A8.8.115)
 *   LDR rd, [fp, #imm]             (A8.8.63)
 *   CMP/CMN/TST/TEQ rn, op2        (A8.8.37, A8.8.34, A8.8.240, A8.8.237)
 * with rd not a label argument's register (nor fp, sp, pc) and the
 * compare reading label arguments or what the words loaded.  At the back
 * edge only the label arguments are live, so the copy clobbers nothing,
 * and it leaves every register as the header left it for the body. */
static bool header_copyable(const cg *c, uint32_t regs) {
  uint32_t n = (c->rot.site_off - c->rot.cmp_off) / 4, loaded = 0;
  const uint32_t fixed = 1u << A32_FP | 1u << A32_SP | 1u << A32_PC;
  if (n == 0 || n > 4) return false;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t w = a32_buf_word(c->b, c->rot.cmp_off + 4 * i);
    uint32_t rn = w >> 16 & 15, rd = w >> 12 & 15, opc = w >> 21 & 15;
    bool imm = w >> 25 & 1;
    if (w >> 28 != 0xe) return false;
    if (i + 1 < n) {
      bool movw = (w >> 20 & 0xff) == 0x30, movt = (w >> 20 & 0xff) == 0x34;
      bool movimm = (w >> 26 & 3) == 0 && imm && (opc == 13 || opc == 15) && !(w >> 20 & 1);
      bool reload = (w & 0x0f700000u) == 0x05100000u && rn == A32_FP;
      if (!(movw || movt || movimm || reload) || ((regs | fixed) >> rd & 1u)) return false;
      if (movt && !(loaded >> rd & 1u)) return false;  /* keeps the low half */
      loaded |= 1u << rd;
      continue;
    }
    uint32_t readable = regs | loaded;
    if ((w >> 26 & 3) != 0 || opc < 8 || opc > 11 || !(w >> 20 & 1) || !(readable >> rn & 1u))
      return false;
    if (!imm && ((w >> 4 & 1) || !(readable >> (w & 15) & 1u))) return false;
  }
  return true;
}

/* The rotated back edge of a jump to the rotated label (after its moves). */
static bool rotate_back_edge(cg *c, const ir_op *op, const ra_loc *locs) {
  if (!c->rot.ok || c->rot.label != op->id) return false;
  uint32_t regs = 0;
  for (uint32_t k = 0; k < op->nargs; k++)
    if (locs[k].kind == LOC_REG) regs |= 1u << locs[k].n;
  if (!header_copyable(c, regs)) return false;
  for (uint32_t off = c->rot.cmp_off; off < c->rot.site_off; off += 4)
    a32_word(c->b, a32_buf_word(c->b, off));
  a32_b(c->b, a32_cond_invert(c->rot.fail_cc), c->rot.body);
  a32_b(c->b, A32_AL, c->rot.site);
  return true;
}

/* Loop-invariant constants.  The float constants the loop's ops take and
 * the functions its calls call (as constants) are loaded into free
 * registers right after the label and stay cached there, so the body finds
 * them in registers (cg_const_vreg, the call's BLX):
 *
 *   L:    vldr   d1, [pc, #o]   entry, and jumps from other traces
 *         vmov.f64 d2, #0.5
 *         movw   r7, #lo(f)     (callee-saved when the trace calls)
 *         movt   r7, #hi(f)
 *   head: ...                   the back edge comes here
 *
 * At most four floats and two functions, while the loop's values leave
 * room in the bank (its label arguments and the body's results: a bound
 * on its pressure).  The body may still take those registers (a cached
 * constant costs nothing to drop); the jump reloads any it lost, after its
 * moves (only the label's arguments are live then, and they are
 * elsewhere).  Not with ARMJIT_COUNTERS (the back edge must pass the
 * label's count). */
static bool hoistable(const ir_op *o, uint32_t k, ir_ref r, armjit_type ty) {
  if (!IR_IS_CONST(r)) return false;
  if (ty == ARMJIT_FLOAT) return true;
  return k == 0 && (ty == ARMJIT_INT || ty == ARMJIT_REF) &&
         (o->opc == ARMJIT_OP_CALL || o->opc == ARMJIT_OP_CALL_MAY_FORCE);
}

static void hoist_constants(cg *c, const ir_op *op) {
  const armjit_trace *t = c->t;
  c->hoist.label = -1;
  c->hoist.n = 0;
  int32_t j = c->lv.jump_op;
  if (c->env->counters || j < 0 || ir_jump_is_external(&t->ops[j]) || t->ops[j].id != op->id)
    return;
  const ir_ref *la = ir_args(t, op);
  uint32_t used[2] = {0, 0}, room[2];  /* core, VFP */
  for (uint32_t k = 0; k < op->nargs; k++) used[ra_is_float(&c->ra, la[k])]++;
  /* Counting stops once both banks are full: a long body leaves no room,
   * and neither loop below then walks it. */
  for (uint32_t i = c->pos + 1; i < (uint32_t)j && (used[0] < 9 || used[1] < 11); i++)
    if (!c->lv.dead[i] && t->ops[i].res >= 0) used[ra_is_float(&c->ra, t->ops[i].res)]++;
  room[0] = used[0] < 9 ? 9 - used[0] : 0;   /* of r0-r10 */
  room[1] = used[1] < 11 ? 11 - used[1] : 0; /* of d0-d14 */
  if (room[0] > 2) room[0] = 2;
  if (room[1] > 4) room[1] = 4;
  for (uint32_t i = c->pos + 1;
       i < (uint32_t)j && c->hoist.n < 4 && (room[0] || room[1]); i++) {
    if (c->lv.dead[i]) continue;
    const ir_op *o = &t->ops[i];
    const ir_ref *a = ir_args(t, o);
    for (uint32_t k = 0; k < o->nargs && c->hoist.n < 4; k++) {
      armjit_type ty = ir_ref_type(t, a[k]);
      if (!hoistable(o, k, a[k], ty)) continue;
      bool vfp = ty == ARMJIT_FLOAT;
      uint64_t bits = cg_const_bits(ir_const_of(t, a[k]));
      bool have = !room[vfp];
      for (uint32_t h = 0; h < c->hoist.n && !have; h++)
        have = ra_is_float(&c->ra, c->hoist.k[h]) == vfp &&
               cg_const_bits(ir_const_of(t, c->hoist.k[h])) == bits;
      if (have) continue;
      int r = ra_const_hold(&c->ra, a[k]);
      if (r < 0) continue;
      if (vfp) cg_load_float(c, (unsigned)r, bits);
      else cg_load_int(c, (a32_reg)r, (uint32_t)bits);
      room[vfp]--;
      c->hoist.k[c->hoist.n] = a[k];
      c->hoist.reg[c->hoist.n++] = r;
    }
  }
  if (!c->hoist.n) return;
  c->hoist.head = a32_label_new(c->b);
  a32_label_bind(c->b, c->hoist.head);
  c->hoist.label = (int32_t)op->id;
}

/* At the jump to the hoisting label, after its moves: the constants the
 * body took back; the back edge's target. */
static a32_label reload_hoisted(cg *c, const ir_op *op) {
  if (c->hoist.label != op->id) return c->label_at[op->id];
  for (uint32_t h = 0; h < c->hoist.n; h++) {
    ir_ref k = c->hoist.k[h];
    if (ra_caches_const(&c->ra, c->hoist.reg[h], k)) continue;
    uint64_t bits = cg_const_bits(ir_const_of(c->t, k));
    if (ra_is_float(&c->ra, k)) cg_load_float(c, (unsigned)c->hoist.reg[h], bits);
    else cg_load_int(c, (a32_reg)c->hoist.reg[h], (uint32_t)bits);
  }
  return c->hoist.head;
}

void cg_lower_label(cg *c, const ir_op *op) {
  c->fused = IR_NONE;
  ra_loc *locs = ajx_alloc(c->ctx, (op->nargs ? op->nargs : 1) * sizeof *locs);
  if (!locs) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for label locations");
    return;
  }
  c->label_locs[op->id] = locs;
  c->rot.label = (int32_t)op->id;
  c->rot.label_pos = c->pos;
  c->rot.ok = false;
  ra_label(&c->ra, ir_args(c->t, op), op->nargs, locs);
  for (uint32_t k = 0; k < op->nargs; k++)
    if (locs[k].kind == LOC_NONE) cg_fail(c, ARMJIT_E_INVALID, "label argument %u has no location (internal)", k);
  a32_label_bind(c->b, c->label_at[op->id]);
  c->out->label_off[op->id] = (uint32_t)a32_buf_size(c->b);
  cg_label_count(c, op);
  hoist_constants(c, op);
  c->rot.head_off = (uint32_t)a32_buf_size(c->b);
  /* Hints: values passed to the final jump prefer these registers. */
  if (c->lv.jump_op >= 0 && c->t->ops[c->lv.jump_op].id == op->id) {
    c->ra.jump_locs = locs;
    c->ra.jump_vals = ir_args(c->t, op);
    c->ra.njump_locs = op->nargs;
  }
}

void cg_lower_jump(cg *c, const ir_op *op) {
  if (ir_jump_is_external(op)) {
    cg_bridge_jump(c, op);
    return;
  }
  const ra_loc *dst = c->label_locs[op->id];
  if (!dst) {
    cg_fail(c, ARMJIT_E_INVALID, "jump to a label that is not compiled yet");
    return;
  }
  cg_interrupt_check(c, op);
  const ir_ref *a = ir_args(c->t, op);
  ra_loc *src = ajx_alloc(c->ctx, (op->nargs ? op->nargs : 1) * sizeof *src);
  if (!src) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for jump moves");
    return;
  }
  for (uint32_t k = 0; k < op->nargs; k++) src[k] = ra_where(&c->ra, a[k]);
  cg_parallel_move(c, dst, src, op->nargs);
  ajx_free(c->ctx, src);
  a32_label back = reload_hoisted(c, op);
  if (!rotate_back_edge(c, op, dst)) a32_b(c->b, A32_AL, back);
}
