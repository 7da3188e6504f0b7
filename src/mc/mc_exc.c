/* SPDX-License-Identifier: MIT */
/* Exceptions in compiled code (docs/design.md §11.5): throw points, the
 * handler entries, trap branches per trap mode, the module's function
 * table (a record in section armjit_fntab) and the subroutines generated
 * for them: the unwinder __armjit_unwind, its entry __armjit_throw and, for
 * trap mode svc, the SVC vector body __armjit_trap_svc, raw functions of
 * the run-time helpers' module (mc_exc_add_subrs), so an object gets them
 * like the other helpers: only those it uses (mc_link.c).  They read no
 * module-specific word: they walk every record from __start_armjit_fntab
 * to __stop_armjit_fntab (the linker collects the section of every module
 * into one array and defines the two symbols) and call the callbacks the
 * record of a frame names, so each module's copy is the same code, the
 * entries weak symbols, and any one serves an image of several modules.
 *
 * A record (words; code addresses absolute, R_ARM_ABS32 words):
 *
 *   rec:    size                              bytes of the record: the next one follows
 *           match, make, uncaught             the module's exc_match, exc_make,
 *                                             exc_uncaught (0: none)
 *           n
 *           { start, end, info } x n          one per function, of every code
 *                                             section; info: an offset from rec
 *   info:   sp_off                            body sp = fp - sp_off
 *           gpr_mask, gpr_off                 r0..r10 the prologue pushed,
 *                                             ascending from fp + gpr_off
 *           vfp_mask, vfp_off                 d0..d15 it saved, ascending
 *                                             from fp + vfp_off
 *           flags                             bit 0: no frame record
 *           nrows
 *           { start, end, handler, tag } x nrows
 *                                             tag: a symbol's address (ABS32) or
 *                                             a constant; 0 catches all
 *
 * The frame record {fp, lr} at fp holds the caller's fp and the return
 * address; the caller's sp is fp + 8 (docs/design.md §11.2). */
#include "mc/mc_cg.h"
#include "mc/mc_obj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- per function: what the table needs ------------------------------------------- */
typedef struct {
  uint32_t start, end, handler;
  int32_t sym;    /* tag symbol, -1 */
  uint32_t tag;
} mc_exc_row;

typedef struct {
  uint32_t start, end;          /* the function's code (buffer offsets) */
  uint32_t sp_off, gpr_mask, vfp_mask, flags;
  int32_t gpr_off, vfp_off;
  mc_exc_row *rows;
  uint32_t nrows;
} mc_exc_fn;

struct mc_exc {
  mc_exc_fn *fns;
  uint32_t nfns, cap;
  a32_label throw_l;            /* __armjit_throw among the module's helpers */
};


bool mc_exc_used(const armjit_module *m) {
  if (m->trap == ARMJIT_TRAP_SVC || m->trap == ARMJIT_TRAP_UDF || mir_trap_throws(m)) return true;
  for (uint32_t s = 0; s < m->nsyms; s++) {
    const mir_func *fn = m->syms[s].fn;
    for (uint32_t b = 0; fn && b < fn->nblocks; b++) {
      const mir_op *t = mir_term(fn, &fn->blocks[b]);
      if (fn->blocks[b].nhandlers || t->opc == ARMJIT_MOP_THROW || t->opc == ARMJIT_MOP_TRAP)
        return true;
    }
  }
  return false;
}

mc_exc *mc_exc_new(armjit_ctx *ctx, a32_label throw_l) {
  mc_exc *x = ajx_calloc(ctx, 1, sizeof *x);
  if (!x) return NULL;
  x->throw_l = throw_l;
  return x;
}

void mc_exc_free(armjit_ctx *ctx, mc_exc *x) {
  if (!x) return;
  for (uint32_t i = 0; i < x->nfns; i++) ajx_free(ctx, x->fns[i].rows);
  ajx_free(ctx, x->fns);
  ajx_free(ctx, x);
}

/* Go to the unwinder (r0-r2 set): a B/BL to it from .text; from a named
 * section, which may lie anywhere, movw/movt ip + bx ip (the unwinder
 * reads neither lr nor ip). */
static void goto_throw(mc_fn *c, bool link) {
  if (!c->m->syms[c->sym].section) {
    if (link) a32_bl(c->b, A32_AL, c->exc->throw_l);
    else a32_b(c->b, A32_AL, c->exc->throw_l);
    return;
  }
  a32_mov_label_abs(c->b, A32_AL, A32_IP, c->exc->throw_l);
  a32_bx(c->b, A32_AL, A32_IP);
}

/* Same handler list (tags and handlers, in order)? */
static bool same_list(const mir_func *fn, const mir_block *a, const mir_block *b) {
  if (a->nhandlers != b->nhandlers) return false;
  for (uint32_t k = 0; k < a->nhandlers; k++) {
    const mir_handler *x = &mir_handlers(fn, a)[k], *y = &mir_handlers(fn, b)[k];
    if (x->sym != y->sym || x->tag != y->tag || x->block != y->block) return false;
  }
  return true;
}

void mc_exc_fn_done(mc_fn *c, uint32_t start, uint32_t end) {
  mc_exc *x = c->exc;
  if (!x || c->st != ARMJIT_OK) return;
  if (!ajx_grow(c->ctx, (void **)&x->fns, &x->cap, x->nfns + 1, sizeof *x->fns)) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for the function table");
    return;
  }
  mc_exc_fn *f = &x->fns[x->nfns++];
  memset(f, 0, sizeof *f);
  f->start = start;
  f->end = end;
  f->sp_off = (uint32_t)c->frame + c->out;
  /* push {regs, fp, lr} ; add fp, sp, #fp_off ; vpush {d14, d15} ; vpush {d8..} */
  f->gpr_mask = c->push_mask & ARM_RANGE(0, 10);
  f->gpr_off = -(int32_t)c->fp_off;
  f->vfp_mask = c->vcount ? ARM_RANGE(c->vfirst, c->vfirst + c->vcount - 1) : 0;
  if (c->vscratch && c->vscratch_used) f->vfp_mask |= ARM_BIT(MC_D1) | ARM_BIT(MC_D0);
  f->vfp_off = -(int32_t)(c->fp_off + (c->vscratch ? 16 : 0) + 8 * c->vcount);
  /* naked and interrupt frames end the walk (no frame record of a caller) */
  f->flags = c->kind != ARMJIT_FK_NORMAL;
  /* rows: per run of consecutive blocks with one list, its entries */
  const mir_func *fn = c->fn;
  uint32_t n = 0;
  for (uint32_t b = 0; b < fn->nblocks; b++) n += fn->blocks[b].nhandlers;
  if (!n) return;
  f->rows = ajx_alloc(c->ctx, n * sizeof *f->rows);
  if (!f->rows) {
    mc_fail(c, ARMJIT_E_NOMEM, "out of memory for the function table");
    return;
  }
  for (uint32_t b = 0; b < fn->nblocks;) {
    const mir_block *bl = &fn->blocks[b];
    uint32_t e = b + 1;
    while (e < fn->nblocks && same_list(fn, bl, &fn->blocks[e])) e++;
    uint32_t from = c->blk_off[b], to = e < fn->nblocks ? c->blk_off[e] : *c->tail;
    for (uint32_t k = 0; k < bl->nhandlers && from < to; k++) {
      const mir_handler *h = &mir_handlers(fn, bl)[k];
      f->rows[f->nrows++] = (mc_exc_row){from, to,
                                         (uint32_t)a32_label_offset(c->b, c->blk_label[h->block]),
                                         h->sym, h->tag};
    }
    b = e;
  }
}

/* ---- in a function ---------------------------------------------------------------- */
/* The handler block's entry: the exception arrives in r0. */
void mc_exc_handler_entry(mc_fn *c, uint32_t bi) {
  const mir_block *b = &c->fn->blocks[bi];
  ra_loc h = c->home[b->params[0]];
  if (h.kind != LOC_NONE) mc_move(c, h, ra_reg(0, ARMJIT_REF));
}

bool mc_exc_fn_begin(mc_fn *c) {
  const mir_func *fn = c->fn;
  c->blk_off = ajx_calloc(c->ctx, fn->nblocks ? fn->nblocks : 1, sizeof *c->blk_off);
  if (!c->blk_off) return false;
  if (!fn->nhandlers) return true;
  if (!(c->hblk = ajx_calloc(c->ctx, fn->nblocks, 1))) return false;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t k = 0; k < fn->blocks[b].nhandlers; k++)
      c->hblk[mir_handlers(fn, &fn->blocks[b])[k].block] = 1;
  return true;
}

void mc_exc_block_start(mc_fn *c, uint32_t bi) {
  c->blk_off[bi] = (uint32_t)a32_buf_size(c->b);
  if (c->hblk && c->hblk[bi]) mc_exc_handler_entry(c, bi);
}


/* A check failing under `fail` traps with code. */
void mc_exc_trap_branch(mc_fn *c, a32_cond fail, uint32_t code) {
  switch (c->m->trap) {
  case ARMJIT_TRAP_SVC: a32_svc(c->b, fail, code); break; /* SVC, A8.8.228 */
  case ARMJIT_TRAP_UDF: {
    a32_label skip = a32_label_new(c->b);
    if (fail != A32_AL) a32_b(c->b, a32_cond_invert(fail), skip);
    a32_udf(c->b, code);
    a32_label_bind(c->b, skip);
    break;
  }
  default: a32_bl(c->b, fail, mc_trap_label(c, code)); break;
  }
}

/*   mov r0, p ; sub r1, pc, #8 (this instruction) ; mov r2, sp ; bl __armjit_throw
 * (from a named section: movw/movt ip, __armjit_throw ; bx ip) */
void mc_exc_lower_throw(mc_fn *c, const mir_op *op) {
  a32_reg r = mc_word(c, mir_args(c->fn, op)[0], 0, A32_R0);
  if (r != A32_R0) a32_dp(c->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(r));
  a32_dp(c->b, A32_AL, A32_SUB, false, A32_R1, A32_PC, a32_imm(8));
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_R2, 0, a32_r(A32_SP));
  goto_throw(c, true);
}

/* trap code: the trap, and a stop should its handler come back. */
void mc_exc_lower_trap(mc_fn *c, const mir_op *op) {
  mc_exc_trap_branch(c, A32_AL, (uint32_t)op->imm[0]);
  a32_udf(c->b, 0);
}

/* In a trap stub of mode call whose handler returned r0 (the stub's
 * frame: vpush {d0-d7} below push {r0-r3, ip, lr}): a non-null r0 is
 * thrown from the check (its bl<cc> is the stub's lr - 4).
 *     cmp r0, #0 ; beq 1f
 *     ldr r1, [sp, #84] ; sub r1, r1, #4 ; add r2, sp, #88 ; b __armjit_throw
 * 1:  */
void mc_exc_stub_throw(mc_fn *c) {
  if (!mir_trap_throws(c->m)) return;
  a32_label go_on = a32_label_new(c->b);
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  a32_b(c->b, A32_EQ, go_on);
  a32_ldst(c->b, A32_AL, A32_LDR, A32_R1, a32_mem_imm(A32_SP, 64 + 20));
  a32_dp(c->b, A32_AL, A32_SUB, false, A32_R1, A32_R1, a32_imm(4));
  a32_dp(c->b, A32_AL, A32_ADD, false, A32_R2, A32_SP, a32_imm(64 + 24));
  goto_throw(c, false);
  a32_label_bind(c->b, go_on);
}

/* ---- the module's code: the unwinder, the SVC body, the table ---------------------- */
static void dp_imm(a32_buf *b, a32_cond c, a32_dp_op op, bool s, a32_reg rd, a32_reg rn,
                   uint32_t imm) {
  a32_dp(b, c, op, s, rd, rn, a32_imm(imm));
}
static void ldr(a32_buf *b, a32_cond c, a32_reg rt, a32_mem mm) { a32_ldst(b, c, A32_LDR, rt, mm); }
static void str(a32_buf *b, a32_cond c, a32_reg rt, a32_mem mm) { a32_ldst(b, c, A32_STR, rt, mm); }

/* The unwinder's context on its own stack (112 bytes, from sp = r6):
 *   [0, 64)  d8-d15    [64, 96) r4-r11    of the frame being looked at
 *   [96]     resume mode: 0 bx, 1 subs pc (CPSR <- SPSR: from the SVC body)
 *   [100]    sp of the frame the last unwound one returns into (0: none)
 * Registers: r4 exc, r5 pc, r6 ctx, r7 info, r8 rows left, r9 row,
 * r10 frame pointer / saved handler, r11 the table. */
enum { CTX_R4 = 64, CTX_FP = 64 + 28, CTX_MODE = 96, CTX_SP = 100, CTX_BYTES = 112 };

typedef struct {
  a32_sym start, stop;          /* __start_armjit_fntab, __stop_armjit_fntab */
  a32_sym unwind;               /* __armjit_unwind */
} subr_syms;

/* Find the function of address `at` among the records: on `hit`, rec is
 * its record and ent its {start, end, info}; `miss` when no record has it.
 * Clobbers rec, cnt, ent, tmp and the flags.
 *         movw/movt rec, __start_armjit_fntab
 *  next:  movw/movt tmp, __stop_armjit_fntab ; cmp rec, tmp ; bhs miss
 *         ldr cnt, [rec, #16] ; add ent, rec, #20
 *  loop:  subs cnt, cnt, #1 ; blt skip
 *         ldr tmp, [ent] ; cmp at, tmp ; blo step
 *         ldr tmp, [ent, #4] ; cmp at, tmp ; blo hit
 *  step:  add ent, ent, #12 ; b loop
 *  skip:  ldr tmp, [rec] ; add rec, rec, tmp ; b next */
static void emit_find(a32_buf *b, const subr_syms *y, a32_reg at, a32_reg rec, a32_reg cnt,
                      a32_reg ent, a32_reg tmp, a32_label hit, a32_label miss) {
  a32_label next = a32_label_new(b), loop = a32_label_new(b), step = a32_label_new(b);
  a32_label skip = a32_label_new(b);
  a32_mov_sym_abs(b, A32_AL, rec, y->start, 0);
  a32_label_bind(b, next);
  a32_mov_sym_abs(b, A32_AL, tmp, y->stop, 0);
  a32_dp(b, A32_AL, A32_CMP, true, 0, rec, a32_r(tmp));
  a32_b(b, A32_HS, miss);
  ldr(b, A32_AL, cnt, a32_mem_imm(rec, 16));
  dp_imm(b, A32_AL, A32_ADD, false, ent, rec, 20);
  a32_label_bind(b, loop);
  dp_imm(b, A32_AL, A32_SUB, true, cnt, cnt, 1);
  a32_b(b, A32_LT, skip);
  ldr(b, A32_AL, tmp, a32_mem_imm(ent, 0));
  a32_dp(b, A32_AL, A32_CMP, true, 0, at, a32_r(tmp));
  a32_b(b, A32_LO, step);
  ldr(b, A32_AL, tmp, a32_mem_imm(ent, 4));
  a32_dp(b, A32_AL, A32_CMP, true, 0, at, a32_r(tmp));
  a32_b(b, A32_LO, hit);
  a32_label_bind(b, step);
  dp_imm(b, A32_AL, A32_ADD, false, ent, ent, 12);
  a32_b(b, A32_AL, loop);
  a32_label_bind(b, skip);
  ldr(b, A32_AL, tmp, a32_mem_imm(rec, 0));
  a32_dp(b, A32_AL, A32_ADD, false, rec, rec, a32_r(tmp));
  a32_b(b, A32_AL, next);
}

/*  __armjit_unwind(r0 exc, r1 pc, r2 sp, r3 resume mode):
 *         bic   ip, sp, #7 ; mov sp, ip ; sub sp, sp, #16
 *         push  {r4-r11} ; vpush {d8-d15}
 *         mov r4, r0 ; mov r5, r1 ; mov r6, sp ; str r3, [r6, #96] ; str 0, [r6, #100]
 *         mov r11, #0                                      (no record yet)
 *  frame: find pc (emit_find; none: uncaught); r11 = its record, r7 = its info
 *         rows in order: start <= pc < end and (tag 0, or the record's
 *           match(exc, tag) != 0) -> resume at the row's handler
 *         flags & 1: uncaught
 *         fp = ctx.r11; copy the pushed r4-r10 (gpr_mask, fp + gpr_off) and the saved
 *         d8-d15 (vfp_mask, fp + vfp_off) into ctx; ctx.sp = fp + 8;
 *         pc = [fp + 4] - 4; ctx.r11 = [fp]; next frame
 *  uncaught: the last record's uncaught(exc); ctx.sp == 0: udf; else resume at pc + 4
 *         (the return address) with sp = ctx.sp
 *  resume (r2 sp, ip target): ldr r1, [r6, #96] ; mov r0, r4 ; mov sp, r6
 *         vpop {d8-d15} ; pop {r4-r11} ; mov sp, r2 ; cmp r1, #0 ; bxeq ip ; subs pc, ip, #0 */
static void emit_unwind(a32_buf *b, const subr_syms *y) {
  a32_label frame = a32_label_new(b), found = a32_label_new(b), rows = a32_label_new(b);
  a32_label unwind = a32_label_new(b), uncaught = a32_label_new(b), resume = a32_label_new(b);
  a32_label take = a32_label_new(b), gl = a32_label_new(b), gn = a32_label_new(b);
  a32_label vl = a32_label_new(b), vn = a32_label_new(b);
  dp_imm(b, A32_AL, A32_BIC, false, A32_IP, A32_SP, 7);
  a32_dp(b, A32_AL, A32_MOV, false, A32_SP, 0, a32_r(A32_IP));
  dp_imm(b, A32_AL, A32_SUB, false, A32_SP, A32_SP, 16);
  a32_push(b, A32_AL, (uint16_t)ARM_RANGE(4, 11));
  a32_vpush(b, A32_AL, 8, 8);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R4, 0, a32_r(A32_R0));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R5, 0, a32_r(A32_R1));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R6, 0, a32_r(A32_SP));
  str(b, A32_AL, A32_R3, a32_mem_imm(A32_R6, CTX_MODE));
  dp_imm(b, A32_AL, A32_MOV, false, A32_R0, 0, 0);
  str(b, A32_AL, A32_R0, a32_mem_imm(A32_R6, CTX_SP));
  dp_imm(b, A32_AL, A32_MOV, false, A32_FP, 0, 0);
  /* find the function of pc */
  a32_label_bind(b, frame);
  emit_find(b, y, A32_R5, A32_R0, A32_R1, A32_R2, A32_R3, found, uncaught);
  a32_label_bind(b, found);
  a32_dp(b, A32_AL, A32_MOV, false, A32_FP, 0, a32_r(A32_R0));
  ldr(b, A32_AL, A32_R7, a32_mem_imm(A32_R2, 8));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R7, A32_R7, a32_r(A32_FP));
  /* its rows, in order */
  ldr(b, A32_AL, A32_R8, a32_mem_imm(A32_R7, 24));
  dp_imm(b, A32_AL, A32_ADD, false, A32_R9, A32_R7, 28);
  a32_label_bind(b, rows);
  dp_imm(b, A32_AL, A32_SUB, true, A32_R8, A32_R8, 1);
  a32_b(b, A32_LT, unwind);
  a32_ldm(b, A32_AL, A32_IA, A32_R9, true, (uint16_t)ARM_RANGE(0, 3));   /* start end handler tag */
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R5, a32_r(A32_R0));
  a32_b(b, A32_LO, rows);
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R5, a32_r(A32_R1));
  a32_b(b, A32_HS, rows);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R10, 0, a32_r(A32_R2));         /* the handler */
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R3, 0);
  a32_b(b, A32_EQ, take);
  ldr(b, A32_AL, A32_IP, a32_mem_imm(A32_FP, 4));                        /* the record's match */
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_IP, 0);
  a32_b(b, A32_EQ, rows);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R4));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R1, 0, a32_r(A32_R3));
  a32_blx(b, A32_AL, A32_IP);
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R0, 0);
  a32_b(b, A32_NE, take);
  a32_b(b, A32_AL, rows);
  /* resume in this frame at r10 */
  a32_label_bind(b, take);
  ldr(b, A32_AL, A32_R0, a32_mem_imm(A32_R6, CTX_FP));
  ldr(b, A32_AL, A32_R1, a32_mem_imm(A32_R7, 0));
  a32_dp(b, A32_AL, A32_SUB, false, A32_R2, A32_R0, a32_r(A32_R1));
  a32_dp(b, A32_AL, A32_MOV, false, A32_IP, 0, a32_r(A32_R10));
  a32_b(b, A32_AL, resume);
  /* no row: unwind the frame */
  a32_label_bind(b, unwind);
  ldr(b, A32_AL, A32_R0, a32_mem_imm(A32_R7, 20));
  dp_imm(b, A32_AL, A32_TST, true, 0, A32_R0, 1);
  a32_b(b, A32_NE, uncaught);
  ldr(b, A32_AL, A32_R10, a32_mem_imm(A32_R6, CTX_FP));
  ldr(b, A32_AL, A32_R1, a32_mem_imm(A32_R7, 4));
  ldr(b, A32_AL, A32_R2, a32_mem_imm(A32_R7, 8));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R2, A32_R10, a32_r(A32_R2));
  dp_imm(b, A32_AL, A32_MOV, false, A32_R3, 0, 0);
  dp_imm(b, A32_AL, A32_ADD, false, A32_IP, A32_R6, CTX_R4 - 16);  /* ctx.r[k] at ip + 4k */
  a32_label_bind(b, gl);                                          /* k = r3 in 0..10 */
  a32_dp(b, A32_AL, A32_MOV, true, A32_R1, 0, a32_rsi(A32_R1, A32_LSR, 1));
  a32_b(b, A32_CC, gn);
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R3, 4);
  ldr(b, A32_HS, A32_R0, a32_mem_imm(A32_R2, 0));
  str(b, A32_HS, A32_R0, a32_mem_reg(A32_IP, A32_R3, false, A32_LSL, 2, A32_IDX_OFFSET));
  dp_imm(b, A32_AL, A32_ADD, false, A32_R2, A32_R2, 4);
  a32_label_bind(b, gn);
  dp_imm(b, A32_AL, A32_ADD, false, A32_R3, A32_R3, 1);
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R3, 11);
  a32_b(b, A32_LT, gl);
  ldr(b, A32_AL, A32_R1, a32_mem_imm(A32_R7, 12));
  ldr(b, A32_AL, A32_R2, a32_mem_imm(A32_R7, 16));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R2, A32_R10, a32_r(A32_R2));
  dp_imm(b, A32_AL, A32_MOV, false, A32_R3, 0, 0);
  a32_label_bind(b, vl);                                          /* k = r3 in 0..15 */
  a32_dp(b, A32_AL, A32_MOV, true, A32_R1, 0, a32_rsi(A32_R1, A32_LSR, 1));
  a32_b(b, A32_CC, vn);
  a32_dp(b, A32_AL, A32_ADD, false, A32_IP, A32_R6, a32_rsi(A32_R3, A32_LSL, 3));
  ldr(b, A32_AL, A32_R0, a32_mem_post(A32_R2, 4));                /* ctx.d[k] at ip - 64 */
  str(b, A32_AL, A32_R0, a32_mem_imm(A32_IP, -64));
  ldr(b, A32_AL, A32_R0, a32_mem_post(A32_R2, 4));
  str(b, A32_AL, A32_R0, a32_mem_imm(A32_IP, -60));
  a32_label_bind(b, vn);
  dp_imm(b, A32_AL, A32_ADD, false, A32_R3, A32_R3, 1);
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R3, 16);
  a32_b(b, A32_LT, vl);
  dp_imm(b, A32_AL, A32_ADD, false, A32_R0, A32_R10, 8);
  str(b, A32_AL, A32_R0, a32_mem_imm(A32_R6, CTX_SP));
  ldr(b, A32_AL, A32_R0, a32_mem_imm(A32_R10, 4));
  dp_imm(b, A32_AL, A32_SUB, false, A32_R5, A32_R0, 4);
  ldr(b, A32_AL, A32_R0, a32_mem_imm(A32_R10, 0));
  str(b, A32_AL, A32_R0, a32_mem_imm(A32_R6, CTX_FP));
  a32_b(b, A32_AL, frame);
  /* nobody takes it: the uncaught of the last frame's record */
  a32_label_bind(b, uncaught);
  a32_label none = a32_label_new(b);
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_FP, 0);
  a32_b(b, A32_EQ, none);
  ldr(b, A32_AL, A32_IP, a32_mem_imm(A32_FP, 12));
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_IP, 0);
  a32_b(b, A32_EQ, none);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R4));
  a32_blx(b, A32_AL, A32_IP);
  a32_label_bind(b, none);
  ldr(b, A32_AL, A32_R2, a32_mem_imm(A32_R6, CTX_SP));
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R2, 0);
  a32_label out = a32_label_new(b);
  a32_b(b, A32_NE, out);
  a32_udf(b, 0); /* no frame to return into */
  a32_label_bind(b, out);
  dp_imm(b, A32_AL, A32_ADD, false, A32_IP, A32_R5, 4);
  /* resume: ip the target, r2 its sp */
  a32_label_bind(b, resume);
  ldr(b, A32_AL, A32_R1, a32_mem_imm(A32_R6, CTX_MODE));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R4));
  a32_dp(b, A32_AL, A32_MOV, false, A32_SP, 0, a32_r(A32_R6));
  a32_vpop(b, A32_AL, 8, 8);
  a32_pop(b, A32_AL, (uint16_t)ARM_RANGE(4, 11));
  a32_dp(b, A32_AL, A32_MOV, false, A32_SP, 0, a32_r(A32_R2));
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R1, 0);
  a32_bx(b, A32_EQ, A32_IP);
  dp_imm(b, A32_AL, A32_SUB, true, A32_PC, A32_IP, 0); /* SUBS PC, ip, #0 (B9.3.20): CPSR <- SPSR */
}

/*  __armjit_trap_svc, the SVC vector body (SVC mode: lr = the address after
 *  the svc, SPSR = the program's CPSR, sp = the program's sp):
 *         push  {r0-r3, ip, lr} ; vpush {d0-d7}
 *         sub   r1, lr, #4 ; find r1 (emit_find; none: back)
 *         ldr   ip, [record, #8] ; cmp ip, #0 ; beq back    (the module's make)
 *         ldr   r0, [lr, #-4] ; bic r0, r0, #0xff000000   (the svc's imm24)
 *         sub   r1, lr, #4 ; blx ip
 *         cmp   r0, #0 ; beq back
 *         ldr   r1, [sp, #84] ; sub r1, r1, #4 ; add r2, sp, #88 ; mov r3, #1
 *         b     __armjit_unwind                           (resume with subs pc)
 *  back:  vpop  {d0-d7} ; pop {r0-r3, ip, lr} ; movs pc, lr   (go on after the svc) */
static void emit_svc(a32_buf *b, const subr_syms *y) {
  a32_label back = a32_label_new(b), hit = a32_label_new(b);
  const uint16_t saved = (uint16_t)(ARM_RANGE(0, 3) | ARM_BIT(A32_IP) | ARM_BIT(A32_LR));
  a32_push(b, A32_AL, saved);
  a32_vpush(b, A32_AL, 0, 8);
  dp_imm(b, A32_AL, A32_SUB, false, A32_R1, A32_LR, 4);
  emit_find(b, y, A32_R1, A32_R0, A32_R2, A32_R3, A32_IP, hit, back);
  a32_label_bind(b, hit);
  ldr(b, A32_AL, A32_IP, a32_mem_imm(A32_R0, 8));
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_IP, 0);
  a32_b(b, A32_EQ, back);
  ldr(b, A32_AL, A32_R0, a32_mem_imm(A32_LR, -4));
  dp_imm(b, A32_AL, A32_BIC, false, A32_R0, A32_R0, 0xff000000u);
  dp_imm(b, A32_AL, A32_SUB, false, A32_R1, A32_LR, 4);
  a32_blx(b, A32_AL, A32_IP);
  dp_imm(b, A32_AL, A32_CMP, true, 0, A32_R0, 0);
  a32_b(b, A32_EQ, back);
  ldr(b, A32_AL, A32_R1, a32_mem_imm(A32_SP, 64 + 20));
  dp_imm(b, A32_AL, A32_SUB, false, A32_R1, A32_R1, 4);
  dp_imm(b, A32_AL, A32_ADD, false, A32_R2, A32_SP, 64 + 24);
  dp_imm(b, A32_AL, A32_MOV, false, A32_R3, 0, 1);
  a32_b_sym(b, A32_AL, y->unwind, 0);
  a32_label_bind(b, back);
  a32_vpop(b, A32_AL, 0, 8);
  a32_pop(b, A32_AL, saved);
  a32_dp(b, A32_AL, A32_MOV, true, A32_PC, 0, a32_r(A32_LR)); /* MOVS PC, LR: CPSR <- SPSR */
}

/*  __armjit_throw(r0 exc, r1 pc, r2 sp), what throws and trap stubs call:
 *         mov   r3, #0 ; b __armjit_unwind                (resume with bx) */
static void emit_throw(a32_buf *b, const subr_syms *y) {
  dp_imm(b, A32_AL, A32_MOV, false, A32_R3, 0, 0);
  a32_b_sym(b, A32_AL, y->unwind, 0);
}

/* The three as raw functions of h, in this order (the names of mc_exc.h;
 * the unwinder local, the two entries global). */
bool mc_exc_add_subrs(armjit_module *h, char *msg, size_t cap) {
  static void (*const emit[3])(a32_buf *, const subr_syms *) = {emit_unwind, emit_throw, emit_svc};
  static const char *const names[3] = {MC_EXC_UNWIND, MC_EXC_THROW, MC_EXC_SVC};
  static const armjit_mtype args[4] = {ARMJIT_T_REF, ARMJIT_T_I32, ARMJIT_T_REF, ARMJIT_T_I32};
  static const unsigned nargs[3] = {4, 3, 0};
  for (unsigned k = 0; k < 3; k++) {
    a32_buf *b = armjit_buf_new(h->ctx, 1024, 0);
    if (!b) {
      snprintf(msg, cap, "out of memory for %s", names[k]);
      return false;
    }
    subr_syms y = {a32_sym_new(b, "__start_" MC_EXC_TABLE), a32_sym_new(b, "__stop_" MC_EXC_TABLE),
                   a32_sym_new(b, MC_EXC_UNWIND)};
    emit[k](b, &y);
    armjit_raw_desc d = {.buf = b};
    armjit_sym s = armjit_raw_func(h, names[k], args, nargs[k], ARMJIT_T_VOID, &d);
    a32_buf_free(b);
    if (s < 0 || (k == 0 && armjit_sym_set_local(h, s, true) != ARMJIT_OK)) {
      snprintf(msg, cap, "%s: %s", names[k], h->builder_err.msg);
      return false;
    }
  }
  return true;
}
/* ---- the record ---------------------------------------------------------------------- */
typedef struct {
  armjit_object *o;
  uint8_t *p;
  uint32_t sec, at;  /* the record's section, the next word */
} recw;

static void rec_word(recw *w, uint32_t v) {
  uint8_t *q = w->p + w->at;
  q[0] = (uint8_t)v, q[1] = (uint8_t)(v >> 8), q[2] = (uint8_t)(v >> 16), q[3] = (uint8_t)(v >> 24);
  w->at += 4;
}
/* The address of symbol s of the module (0 for s < 0: the word holds 0). */
static void rec_sym(recw *w, int32_t s) {
  if (s >= 0)
    w->o->drel[w->o->ndrel++] = (mc_orel){w->sec, w->at, w->o->m->syms[s].name, 0, 0};
  rec_word(w, 0);
}
/* The address of buffer offset `off` in code section tsec. */
static void rec_place(recw *w, uint32_t tsec, uint32_t off) {
  int32_t a = (int32_t)(off - w->o->secs[tsec].start);
  w->o->drel[w->o->ndrel++] = (mc_orel){w->sec, w->at, NULL, a, tsec};
  rec_word(w, (uint32_t)a);
}

armjit_status mc_exc_table(armjit_object *o, mc_exc *x, armjit_error *err) {
  const armjit_module *m = o->m;
  uint32_t size = 20 + 12 * x->nfns, nrel = 3 + 2 * x->nfns;
  for (uint32_t i = 0; i < x->nfns; i++) size += 28 + 16 * x->fns[i].nrows, nrel += 4 * x->fns[i].nrows;
  mc_osec *secs = ajx_realloc(o->ctx, o->secs, (o->nsecs + 1) * sizeof *o->secs);
  if (secs) o->secs = secs;
  mc_orel *drel = secs ? ajx_realloc(o->ctx, o->drel, (o->ndrel + nrel + 1) * sizeof *o->drel) : NULL;
  if (drel) o->drel = drel;
  uint8_t *bytes = drel ? ajx_calloc(o->ctx, size, 1) : NULL;
  if (!bytes) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory for the function table");
  o->exc_sec = o->nsecs;
  o->secs[o->nsecs++] = (mc_osec){MC_EXC_TABLE, MC_LSEC_RODATA, 0, size, 4, bytes};
  recw w = {o, bytes, o->exc_sec, 0};
  rec_word(&w, size);
  rec_sym(&w, m->exc[MIR_EXC_MATCH].sym);
  rec_sym(&w, m->exc[MIR_EXC_MAKE].sym);
  rec_sym(&w, m->exc[MIR_EXC_UNCAUGHT].sym);
  rec_word(&w, x->nfns);
  uint32_t info = 20 + 12 * x->nfns;
  for (uint32_t i = 0; i < x->nfns; i++) {
    const mc_exc_fn *f = &x->fns[i];
    uint32_t sec = mc_obj_code_sec(o, f->start);
    rec_place(&w, sec, f->start);
    rec_place(&w, sec, f->end);
    rec_word(&w, info);
    info += 28 + 16 * f->nrows;
  }
  for (uint32_t i = 0; i < x->nfns; i++) {
    const mc_exc_fn *f = &x->fns[i];
    uint32_t sec = mc_obj_code_sec(o, f->start);
    rec_word(&w, f->sp_off);
    rec_word(&w, f->gpr_mask);
    rec_word(&w, (uint32_t)f->gpr_off);
    rec_word(&w, f->vfp_mask);
    rec_word(&w, (uint32_t)f->vfp_off);
    rec_word(&w, f->flags);
    rec_word(&w, f->nrows);
    for (uint32_t k = 0; k < f->nrows; k++) {
      const mc_exc_row *r = &f->rows[k];
      rec_place(&w, sec, r->start);
      rec_place(&w, sec, r->end);
      rec_place(&w, sec, r->handler);
      if (r->sym >= 0) rec_sym(&w, r->sym);
      else rec_word(&w, r->tag);
    }
  }
  return ARMJIT_OK;
}
