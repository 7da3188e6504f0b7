/* SPDX-License-Identifier: MIT */
/* One function: frame, prologue, blocks in layout order, terminators and
 * their edge moves, the one epilogue, the trap stubs (docs/design.md §11.2).
 *
 *         .word ... (8-aligned)               float constants VMOV cannot encode
 *   f:    push  {r4..r10 used, [r3], fp, lr}
 *         add   fp, sp, #4*(pushed - 2)        frame record: [fp] = fp, [fp+4] = lr
 *         vpush {d14, d15}                     float functions: the VFP scratch
 *                                              (sub sp, sp, #16 when unused)
 *         vpush {d8..dK}                       used callee-saved VFP registers
 *         sub   sp, sp, #N                     slots + outgoing area (8-aligned)
 *         ...parameters to their homes (one parallel move)...
 *   b0:   ...ops...
 *         b<cc> b2 / bl<cc> trap stub / b epilogue ...
 *   edge stubs (after a terminator whose edge needs moves):
 *         ...parallel move...; b target
 *   epi:  sub   sp, fp, #4*(pushed - 2) + 16 + 8*K
 *         vpop  {d8..dK}
 *         vpop  {d14, d15}                     (add sp, sp, #16 when unused)
 *         pop   {r4..r10 used, [r3], fp, pc}
 *   trap stub (one per trap code; a failing check bl<cc>s here):
 *         push  {r0-r3, ip, lr}; vpush {d0-d7}
 *         mov   r0, #code; mov r1, lr (after the check's bl); add r2, sp, #88 (the body's sp)
 *         movw/movt ip, #trap_sym; blx ip
 *         [-> ref handler: a non-null r0 goes to the unwinder, mc_exc.c]
 *         vpop  {d0-d7}; pop {r0-r3, ip, pc}   (every register as it was)
 *
 * A check therefore clobbers nothing but the flags, and values live across
 * it stay where they are. */
#include "mc/mc_cg.h"

#include <stdlib.h>
#include <string.h>

#include "arm/abi.h"

/* ---- frame ------------------------------------------------------------------------ */
static void sub_sp(mc_fn *c, a32_reg rd, a32_reg rn, uint32_t bytes) {
  if (a32_modimm(bytes) >= 0) {
    a32_dp(c->b, A32_AL, A32_SUB, false, rd, rn, a32_imm(bytes));
    return;
  }
  a32_mov_imm32(c->b, A32_AL, MC_T0, bytes);
  a32_dp(c->b, A32_AL, A32_SUB, false, rd, rn, a32_r(MC_T0));
}

/* vmrs ip, fpscr / vmsr fpscr, ip */
static void fpscr_to_ip(mc_fn *c) { a32_vmrs(c->b, A32_AL, A32_IP, A32_FPSCR); }
static void ip_to_fpscr(mc_fn *c) { a32_vmsr(c->b, A32_AL, A32_FPSCR, A32_IP); }

/* The exception return: ldmia sp!, {regs, pc}^ (CPSR = SPSR). */
static void ldm_exc_return(mc_fn *c, uint32_t regs) {
  a32_ldm_caret(c->b, A32_AL, A32_IA, A32_SP, true, (uint16_t)((regs & 0x7fffu) | ARM_BIT(A32_PC)));
}

static void prologue(mc_fn *c) {
  const mir_fkind_info *k = mir_fkind(c->kind);
  if (c->kind == ARMJIT_FK_NAKED) return;
  if (k->lr_adjust) /* lr = the return address */
    a32_dp(c->b, A32_AL, A32_SUB, false, A32_LR, A32_LR, a32_imm(k->lr_adjust));
  a32_push(c->b, A32_AL, (uint16_t)c->push_mask);
  a32_dp(c->b, A32_AL, A32_ADD, false, A32_FP, A32_SP, a32_imm(c->fp_off));
  if (c->vscratch) {
    c->vscratch_at = a32_buf_size(c->b);
    a32_vpush(c->b, A32_AL, MC_D1, 2); /* becomes sub sp, sp, #16 when unused */
  }
  if (c->vcount) a32_vpush(c->b, A32_AL, c->vfirst, c->vcount);
  if (c->vsave) { /* save_vfp: d0-d7, d16-d31, FPSCR (in an 8-byte slot) */
    a32_vpush(c->b, A32_AL, 0, 8);
    if (c->vsave_d32) a32_vpush(c->b, A32_AL, 16, 16);
    fpscr_to_ip(c);
    a32_ldst(c->b, A32_AL, A32_STR, MC_T0, a32_mem_pre(A32_SP, -8));
  }
  uint32_t body = (uint32_t)(c->frame - c->fixed) + c->out;
  if (body) sub_sp(c, A32_SP, A32_SP, body);
}

static void epilogue(mc_fn *c) {
  a32_label_bind(c->b, c->epilogue);
  if (c->kind == ARMJIT_FK_NAKED) return; /* never returns (validator) */
  bool skip = c->vscratch && !c->vscratch_used; /* d14, d15 untouched: no save */
  bool below = c->vcount || c->vsave;           /* saves below d14, d15 */
  uint32_t body = (uint32_t)(c->frame - c->fixed) + c->out;
  uint32_t k = (uint32_t)c->fixed;              /* sp to the lowest save, then up */
  if (skip && !below) k -= 16;                  /* straight to the pushed registers */
  if ((uint32_t)c->fixed + body != k) sub_sp(c, A32_SP, A32_FP, k);
  if (c->vsave) {
    a32_ldst(c->b, A32_AL, A32_LDR, MC_T0, a32_mem_post(A32_SP, 8));
    ip_to_fpscr(c);
    if (c->vsave_d32) a32_vpop(c->b, A32_AL, 16, 16);
    a32_vpop(c->b, A32_AL, 0, 8);
  }
  if (c->vcount) a32_vpop(c->b, A32_AL, c->vfirst, c->vcount);
  if (c->vscratch && c->vscratch_used) a32_vpop(c->b, A32_AL, MC_D1, 2);
  if (skip) {
    if (below) a32_dp(c->b, A32_AL, A32_ADD, false, A32_SP, A32_SP, a32_imm(16));
    a32_buf_patch_begin(c->b, c->vscratch_at);
    a32_dp(c->b, A32_AL, A32_SUB, false, A32_SP, A32_SP, a32_imm(16));
    a32_buf_patch_end(c->b);
  }
  uint32_t pop = (c->push_mask & ~ARM_BIT(A32_LR)) | ARM_BIT(A32_PC);
  if (mir_fkind(c->kind)->interrupt) ldm_exc_return(c, pop);
  else a32_pop(c->b, A32_AL, (uint16_t)pop);
}

/* Parameters from their AAPCS places to their homes. */
static void entry_moves(mc_fn *c) {
  const mir_sym *self = &c->m->syms[c->sym];
  const mir_block *entry = &c->fn->blocks[0];
  uint32_t n = entry->nparams;
  if (!n) return;
  uint8_t *ty = ajx_alloc(c->ctx, n);
  abi_loc *loc = ajx_alloc(c->ctx, n * sizeof *loc);
  ra_loc *dst = ajx_alloc(c->ctx, n * sizeof *dst), *src = ajx_alloc(c->ctx, n * sizeof *src);
  if (!ty || !loc || !dst || !src) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory placing parameters");
    goto out;
  }
  for (uint32_t k = 0; k < n; k++) ty[k] = mc_stype(self->params[k]);
  abi_classify(c->abi, ty, n, loc);
  uint32_t m = 0;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t v = entry->params[k];
    ra_loc h = c->home[v];
    abi_loc l = loc[k];
    if (h.kind == LOC_NONE) continue;
    ra_loc s;
    switch (l.kind) {
    case ABI_CORE:
      if (ty[k] == ARM_TY_F32) { /* soft-float single in a core register */
        if (h.kind == LOC_VREG) {
          a32_vmov_core_to_s(c->b, A32_AL, (unsigned)h.n, (a32_reg)l.reg);
          continue;
        }
        s = ra_reg(l.reg, ARMJIT_INT);
        h = ra_stack(h.n, ARMJIT_INT);
      } else {
        s = ra_reg(l.reg, ty[k]);
      }
      break;
    case ABI_PAIR:
      if (ty[k] == ARMJIT_FLOAT) { /* soft-float double in a core pair */
        if (h.kind == LOC_VREG) {
          a32_vmov_core_to_d(c->b, A32_AL, (unsigned)h.n, (a32_reg)l.reg, (a32_reg)(l.reg + 1));
          continue;
        }
        h = ra_stack(h.n, ARM_TY_I64);
      }
      s = ra_pair(l.reg);
      break;
    case ABI_VFP: s = ra_vreg(l.reg); break;
    case ABI_SREG: s = ra_sreg(l.reg); break;
    default: /* the caller's outgoing area */
      if (c->kind == ARMJIT_FK_NAKED) {
        mc_fail(c, ARMJIT_E_INVALID,
                "naked function @%s: parameter %u is passed on the stack (no frame to read it)",
                self->name, k + 1);
        goto out;
      }
      s = ra_stack((int32_t)(8 + l.off), ty[k]);
      break;
    }
    if (s.kind == LOC_STACK && h.kind == LOC_STACK && s.type != h.type) s.type = h.type;
    dst[m] = h;
    src[m++] = s;
  }
  mc_pmove(c, dst, src, m);
out:
  ajx_free(c->ctx, ty);
  ajx_free(c->ctx, loc);
  ajx_free(c->ctx, dst);
  ajx_free(c->ctx, src);
}

/* ---- edges ------------------------------------------------------------------------ */
static bool edge_moves(mc_fn *c, const mir_edge *e) {
  const mir_block *t = &c->fn->blocks[e->block];
  for (uint32_t k = 0; k < e->nargs; k++) {
    mir_ref r = c->fn->operands[e->args + k];
    ra_loc d = c->home[t->params[k]];
    if (d.kind == LOC_NONE) continue;
    if (MIR_IS_CONST(r) || !ra_loc_same(d, c->home[r])) return true;
  }
  return false;
}

static void do_edge_moves(mc_fn *c, const mir_edge *e) {
  const mir_block *t = &c->fn->blocks[e->block];
  uint32_t n = e->nargs;
  if (!n) return;
  ra_loc small_d[16], small_s[16];
  ra_loc *dst = n <= 16 ? small_d : ajx_alloc(c->ctx, n * sizeof *dst);
  ra_loc *src = n <= 16 ? small_s : ajx_alloc(c->ctx, n * sizeof *src);
  if (!dst || !src) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for edge moves");
  } else {
    uint32_t m = 0;
    for (uint32_t k = 0; k < n; k++) {
      ra_loc d = c->home[t->params[k]];
      if (d.kind == LOC_NONE) continue;
      dst[m] = d;
      src[m++] = mc_loc(c, c->fn->operands[e->args + k]);
    }
    mc_pmove(c, dst, src, m);
  }
  if (dst != small_d) ajx_free(c->ctx, dst);
  if (src != small_s) ajx_free(c->ctx, src);
}

/* Where a branch along e goes: the target, or a stub doing its moves. */
static a32_label edge_label(mc_fn *c, const mir_edge *e) {
  if (!edge_moves(c, e)) return c->blk_label[e->block];
  if (!ajx_grow(c->ctx, (void **)&c->stubs, &c->stubs_cap, c->nstubs + 1, sizeof *c->stubs)) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for edge stubs");
    return c->blk_label[e->block];
  }
  a32_label l = a32_label_new(c->b);
  c->stubs[c->nstubs].l = l;
  c->stubs[c->nstubs++].e = e;
  return l;
}

static void flush_stubs(mc_fn *c) {
  for (uint32_t i = 0; i < c->nstubs; i++) {
    a32_label_bind(c->b, c->stubs[i].l);
    do_edge_moves(c, c->stubs[i].e);
    a32_b(c->b, A32_AL, c->blk_label[c->stubs[i].e->block]);
  }
  c->nstubs = 0;
}

static bool is_next(const mc_fn *c, uint32_t block) { return block == c->cur_block + 1; }

/* ---- terminators ------------------------------------------------------------------ */
static void lower_br(mc_fn *c, const mir_op *op) {
  const mir_edge *e = mir_edges(c->fn, op);
  do_edge_moves(c, e);
  if (!is_next(c, e->block)) a32_b(c->b, A32_AL, c->blk_label[e->block]);
}

static void lower_cbr(mc_fn *c, const mir_op *op, const mir_op *fused) {
  const mir_edge *e = mir_edges(c->fn, op);
  a32_cond cc = A32_NE, cc2 = A32_AL;
  if (fused) {
    mc_compare_flags(c, fused, &cc, &cc2);
  } else {
    a32_reg r = mc_word(c, mir_args(c->fn, op)[0], 0, MC_T0);
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, r, a32_imm(0));
  }
  a32_label lt = edge_label(c, &e[0]), lf = edge_label(c, &e[1]);
  bool plain_t = lt == c->blk_label[e[0].block], plain_f = lf == c->blk_label[e[1].block];
  if (cc2 == A32_AL && plain_t && !c->nstubs && is_next(c, e[0].block)) {
    a32_b(c->b, a32_cond_invert(cc), lf); /* fall into the then block */
    return;
  }
  a32_b(c->b, cc, lt);
  if (cc2 != A32_AL) a32_b(c->b, cc2, lt);
  if (!(plain_f && !c->nstubs && is_next(c, e[1].block))) a32_b(c->b, A32_AL, lf);
}

typedef struct {
  int32_t key;
  uint32_t block;
} sw_case;

static int cmp_case(const void *a, const void *b) {
  int32_t x = ((const sw_case *)a)->key, y = ((const sw_case *)b)->key;
  return x < y ? -1 : x > y;
}

static void cmp_key(mc_fn *c, a32_reg v, int32_t key) {
  a32_dp_op op = A32_CMP;
  uint32_t k = (uint32_t)key;
  if (a32_modimm_inverse(&op, &k)) {
    a32_dp(c->b, A32_AL, op, true, 0, v, a32_imm(k));
    return;
  }
  a32_mov_imm32(c->b, A32_AL, MC_T1, (uint32_t)key);
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, v, a32_r(MC_T1));
}

/* Balanced compare tree over cs[lo, hi] (sorted), default dflt. */
static void sw_tree(mc_fn *c, a32_reg v, const sw_case *cs, uint32_t lo, uint32_t hi, a32_label dflt) {
  if (hi - lo < 3) {
    for (uint32_t i = lo; i <= hi; i++) {
      cmp_key(c, v, cs[i].key);
      a32_b(c->b, A32_EQ, c->blk_label[cs[i].block]);
    }
    a32_b(c->b, A32_AL, dflt);
    return;
  }
  uint32_t mid = lo + (hi - lo) / 2;
  a32_label left = a32_label_new(c->b);
  cmp_key(c, v, cs[mid].key);
  a32_b(c->b, A32_EQ, c->blk_label[cs[mid].block]);
  a32_b(c->b, A32_LT, left);
  sw_tree(c, v, cs, mid + 1, hi, dflt);
  a32_label_bind(c->b, left);
  sw_tree(c, v, cs, lo, mid - 1, dflt);
}

/* A dense switch: a table of branches indexed by v - min.
 *     sub   ip, v, #min
 *     cmp   ip, #n ; bhs default
 *     add   pc, pc, ip, lsl #2      pc reads as this + 8: the table
 *     nop
 *     b     case_min ... b case_max  (holes: b default) */
static void sw_table(mc_fn *c, a32_reg v, const sw_case *cs, uint32_t n, a32_label dflt) {
  int32_t min = cs[0].key;
  uint32_t range = (uint32_t)cs[n - 1].key - (uint32_t)min + 1;
  mc_add_imm(c, MC_T0, v, (int32_t)(0u - (uint32_t)min), MC_T1);
  if (a32_modimm(range) >= 0) {
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, MC_T0, a32_imm(range));
  } else {
    a32_mov_imm32(c->b, A32_AL, MC_T1, range);
    a32_dp(c->b, A32_AL, A32_CMP, true, 0, MC_T0, a32_r(MC_T1));
  }
  a32_b(c->b, A32_HS, dflt);
  a32_dp(c->b, A32_AL, A32_ADD, false, A32_PC, A32_PC, a32_rsi(MC_T0, A32_LSL, 2));
  a32_nop(c->b, A32_AL);
  uint32_t i = 0;
  for (uint32_t k = 0; k < range; k++) {
    if (i < n && (uint32_t)cs[i].key - (uint32_t)min == k) {
      a32_b(c->b, A32_AL, c->blk_label[cs[i].block]);
      i++;
    } else {
      a32_b(c->b, A32_AL, dflt);
    }
  }
}

static void lower_switch(mc_fn *c, const mir_op *op) {
  const mir_edge *e = mir_edges(c->fn, op);
  uint32_t n = op->nedges - 1;
  a32_label dflt = c->blk_label[e[0].block];
  a32_reg v = mc_word(c, mir_args(c->fn, op)[0], 0, MC_T0);
  if (!n) {
    a32_b(c->b, A32_AL, dflt);
    return;
  }
  sw_case *cs = ajx_alloc(c->ctx, n * sizeof *cs);
  if (!cs) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory lowering a switch");
    return;
  }
  for (uint32_t k = 0; k < n; k++) {
    cs[k].key = e[k + 1].key;
    cs[k].block = e[k + 1].block;
  }
  qsort(cs, n, sizeof *cs, cmp_case);
  uint64_t range = (uint64_t)((int64_t)cs[n - 1].key - cs[0].key) + 1;
  if (n >= 4 && range <= 3u * n && range <= 65536) sw_table(c, v, cs, n, dflt);
  else sw_tree(c, v, cs, 0, n - 1, dflt);
  ajx_free(c->ctx, cs);
}

static void lower_ret(mc_fn *c, const mir_op *op) {
  if (op->nargs) {
    mir_ref r = mir_args(c->fn, op)[0];
    uint8_t st = mc_stype(mir_ref_type(c->fn, r));
    abi_loc l = abi_result(c->abi, st);
    ra_loc src = mc_loc(c, r);
    if (l.kind == ABI_PAIR && st == ARMJIT_FLOAT) { /* soft-float double: r0:r1 */
      if (src.kind == LOC_VREG) a32_vmov_d_to_core(c->b, A32_AL, A32_R0, A32_R1, (unsigned)src.n);
      else if (src.kind == LOC_STACK) mc_move(c, ra_pair(0), ra_stack(src.n, ARM_TY_I64));
      else mc_load_const(c, ra_pair(0), mc_konst(c, r));
    } else if (l.kind == ABI_CORE && st == ARM_TY_F32) { /* soft-float single: r0 */
      if (src.kind == LOC_VREG) a32_vmov_s_to_core(c->b, A32_AL, A32_R0, (unsigned)src.n);
      else if (src.kind == LOC_STACK) mc_move(c, ra_reg(0, ARMJIT_INT), ra_stack(src.n, ARMJIT_INT));
      else mc_load_const(c, ra_reg(0, ARMJIT_INT), mc_konst(c, r));
    } else {
      ra_loc dst = l.kind == ABI_PAIR ? ra_pair(0)
                   : l.kind == ABI_VFP ? ra_vreg(0)
                   : l.kind == ABI_SREG ? ra_sreg(0)
                                        : ra_reg(0, st);
      mc_move(c, dst, src);
    }
  }
  if (c->cur_block + 1 != c->fn->nblocks) a32_b(c->b, A32_AL, c->epilogue);
}

static void lower_term(mc_fn *c, const mir_op *op, const mir_op *fused) {
  switch (op->opc) {
  case ARMJIT_MOP_BR: lower_br(c, op); break;
  case ARMJIT_MOP_CBR: lower_cbr(c, op, fused); break;
  case ARMJIT_MOP_SWITCH: lower_switch(c, op); break;
  case ARMJIT_MOP_RET: lower_ret(c, op); break;
  case ARMJIT_MOP_THROW: mc_exc_lower_throw(c, op); break;
  case ARMJIT_MOP_TRAP: mc_exc_lower_trap(c, op); break;
  case ARMJIT_MOP_UNREACHABLE: a32_bkpt(c->b, 0); break;
  default: mc_lower_hw(c, op); break; /* halt, jump_to, exc_return */
  }
  flush_stubs(c);
}

/* ---- trap stubs ------------------------------------------------------------------- */
a32_label mc_trap_label(mc_fn *c, uint32_t code) {
  for (uint32_t i = 0; i < c->ntraps; i++)
    if (c->trap_code[i] == code) return c->trap_label[i];
  uint32_t cap = c->traps_cap;
  if (!ajx_grow(c->ctx, (void **)&c->trap_code, &cap, c->ntraps + 1, sizeof *c->trap_code) ||
      !ajx_grow(c->ctx, (void **)&c->trap_label, &c->traps_cap, c->ntraps + 1,
                sizeof *c->trap_label)) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for trap stubs");
    return 0;
  }
  c->trap_code[c->ntraps] = code;
  return c->trap_label[c->ntraps++] = a32_label_new(c->b);
}

static void trap_stubs(mc_fn *c) {
  const uint16_t saved = (uint16_t)(ARM_RANGE(A32_R0, A32_R3) | ARM_BIT(A32_IP));
  for (uint32_t i = 0; i < c->ntraps; i++) {
    a32_label_bind(c->b, c->trap_label[i]);
    a32_push(c->b, A32_AL, (uint16_t)(saved | ARM_BIT(A32_LR)));
    a32_vpush(c->b, A32_AL, 0, 8);
    a32_mov_imm32(c->b, A32_AL, A32_R0, c->trap_code[i]);
    a32_dp(c->b, A32_AL, A32_MOV, false, A32_R1, 0, a32_r(A32_LR));
    a32_dp(c->b, A32_AL, A32_ADD, false, A32_R2, A32_SP, a32_imm(24 + 64));
    int32_t ts = c->m->trap_sym;
    if (ts >= 0 && c->m->syms[ts].kind == MIR_SYM_FUNC) {
      mc_mod_call(c->mm, c->b, c->sym, (uint32_t)ts);
    } else if (ts >= 0) {
      a32_mov_sym_abs(c->b, A32_AL, MC_T0, mc_mod_sym(c->mm, (uint32_t)ts), 0);
      a32_blx(c->b, A32_AL, MC_T0);
    } else {
      a32_bkpt(c->b, 1);
    }
    mc_exc_stub_throw(c);
    a32_vpop(c->b, A32_AL, 0, 8);
    a32_pop(c->b, A32_AL, (uint16_t)(saved | ARM_BIT(A32_PC)));
  }
}

/* ---- the function ----------------------------------------------------------------- */
static void emit_body(mc_fn *c) {
  const mir_func *fn = c->fn;
  prologue(c);
  entry_moves(c);
  for (uint32_t bi = 0; bi < fn->nblocks && c->st == ARMJIT_OK; bi++) {
    const mir_block *b = &fn->blocks[bi];
    c->cur_block = bi;
    a32_label_bind(c->b, c->blk_label[bi]);
    mc_exc_block_start(c, bi);
    for (uint32_t k = 0; k < b->nops; k++) {
      uint32_t opi = b->ops[k];
      const mir_op *op = &fn->ops[opi];
      c->op_off[opi] = (uint32_t)a32_buf_size(c->b);
      if (k + 1 == b->nops) {
        const mir_op *fused = k && c->lv.fused[b->ops[k - 1]] ? &fn->ops[b->ops[k - 1]] : NULL;
        lower_term(c, op, fused);
        break;
      }
      if (c->lv.fused[opi]) continue;
      if ((mir_info(op->opc)->flags & ARMJIT_MOPF_PURE) && op->result != MIR_NONE &&
          fn->vals[op->result].nuses == 0)
        continue;
      if (mir_info(op->opc)->flags & ARMJIT_MOPF_CALL) mc_lower_call(c, op);
      else if (mc_op_helper(c, op) >= 0) mc_lower_helper(c, op, (mc_helper)mc_op_helper(c, op));
      else mc_lower_op(c, op);
    }
  }
  *c->tail = (uint32_t)a32_buf_size(c->b);
  epilogue(c);
  trap_stubs(c);
}

armjit_status mc_fn_compile(mc_mod *mm, const armjit_module *m, uint32_t sym, a32_buf *b,
                            uint32_t *op_off, uint32_t *tail, uint32_t *entry, char *msg,
                            size_t cap) {
  mc_fn c;
  memset(&c, 0, sizeof c);
  c.mm = mm;
  c.m = m;
  c.fn = mir_fn(m, sym);
  c.sym = sym;
  c.ctx = m->ctx;
  c.b = b;
  c.abi = m->ctx->abi;
  c.idiv = mc_ctx_idiv(m->ctx);
  c.op_off = op_off;
  c.tail = tail;
  c.kind = c.fn->kind;
  c.exc = mc_mod_exc(mm);
  const mir_func *fn = c.fn;
  c.stype = ajx_calloc(c.ctx, fn->nvals ? fn->nvals : 1, 1);
  c.blk_label = ajx_calloc(c.ctx, fn->nblocks ? fn->nblocks : 1, sizeof *c.blk_label);
  c.pool_off = ajx_calloc(c.ctx, fn->nconsts ? fn->nconsts : 1, sizeof *c.pool_off);
  if (!c.stype || !c.blk_label || !c.pool_off || !mc_exc_fn_begin(&c)) {
    mc_fail(&c, ARMJIT_E_NOMEM, "out of memory compiling @%s", m->syms[sym].name);
    goto out;
  }
  for (uint32_t v = 0; v < fn->nvals; v++) c.stype[v] = mc_stype(fn->vals[v].type);
  if (mc_live_build(&c) != ARMJIT_OK || mc_ra_run(&c) != ARMJIT_OK) goto out;
  for (uint32_t bi = 0; bi < fn->nblocks; bi++) c.blk_label[bi] = a32_label_new(b);
  c.epilogue = a32_label_new(b);
  mc_emit_pool(&c);
  *entry = (uint32_t)a32_buf_size(b);
  a32_label_bind(b, mc_mod_label(mm, sym));
  emit_body(&c);
  mc_exc_fn_done(&c, *entry, (uint32_t)a32_buf_size(b));
out:
  if (c.st != ARMJIT_OK) snprintf(msg, cap, "@%s: %s", m->syms[sym].name, c.msg);
  mc_live_free(&c);
  ajx_free(c.ctx, c.stype);
  ajx_free(c.ctx, c.home);
  ajx_free(c.ctx, c.blk_label);
  ajx_free(c.ctx, c.pool_off);
  ajx_free(c.ctx, c.blk_off);
  ajx_free(c.ctx, c.hblk);
  ajx_free(c.ctx, c.trap_code);
  ajx_free(c.ctx, c.trap_label);
  ajx_free(c.ctx, c.stubs);
  ajx_free(c.ctx, c.mv);
  ajx_free(c.ctx, c.pm);
  return c.st;
}
