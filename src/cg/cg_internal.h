/* SPDX-License-Identifier: MIT */
/* Shared state of the lowering files (src/cg only). */
#ifndef ARMJIT_CG_INTERNAL_H
#define ARMJIT_CG_INTERNAL_H

#include "cg/cg.h"
#include "ra/alloc.h"
#include "ra/pmove.h"

/* The frame header below fp (ARM_FRAME_PTR_OFF, ARM_FORCE_OFF,
 * ARM_FIXED_BYTES) and the register roles are target facts: arm/target.h. */

typedef struct cg {
  armjit_ctx *ctx;
  const armjit_trace *t;
  const cg_env *env;
  a32_buf *b;
  ra_live lv;
  ra_state ra;
  cg_result *out;

  uint32_t pos;              /* op being lowered */
  unsigned busy;             /* scratch registers in use: bit 12 ip, bit 14 lr */

  ir_ref fused;              /* compare result living only in the flags */
  a32_cond fused_cc;         /* true when that compare is true */
  a32_cond ovf_cc;           /* after an *_ovf op: "overflow happened" */

  a32_label *label_at;       /* per trace label */
  ra_loc **label_locs;       /* per trace label: where its arguments live */
  a32_label *stub_at;        /* per exit */
  a32_label common;          /* shared exit path */

  /* recovery strings, deduplicated through an open-addressing table */
  uint32_t rec_cap;
  uint32_t *hash;            /* rec offset + 1 per bucket, 0 empty */
  uint32_t hash_cap, hash_n;
  uint8_t *tmp;              /* one exit's string being built */
  uint32_t tmp_cap;

  ra_move *moves, *pm;       /* parallel move scratch */
  uint32_t moves_cap, pm_cap;

  uint8_t *folded;           /* per op: shift folded into the next op */
  uint64_t pool[96];         /* float constant pool (cg_pool.c) */
  uint32_t pool_n, pool_off;
  size_t frame_patch;        /* offset of the MOVW/MOVT pair sizing the frame */
  armjit_status st;
  char msg[200];
} cg;

typedef void (*cg_fn)(cg *c, const ir_op *op);

void cg_fail(cg *c, armjit_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- moves and memory (cg_move.c) ---- */
/* ldr/str/vldr/vstr reg, [base, #off] for any offset; a far offset needs
 * an address register: a free scratch, else one pushed and popped. */
typedef enum { CG_LDR, CG_STR, CG_VLDR, CG_VSTR } cg_mem_kind;
void cg_mem(cg *c, cg_mem_kind k, unsigned reg, a32_reg base, int32_t off);
/* dst <- src for any locations (the allocator's move callback and the
 * parallel move output).  Stack<-stack and stack<-const go through a
 * scratch register. */
void cg_move(cg *c, ra_loc dst, ra_loc src);
void cg_move_cb(void *ud, ra_loc dst, ra_loc src);
/* Load a constant into a core register / d register. */
void cg_load_int(cg *c, a32_reg rd, uint32_t v);
void cg_load_float(cg *c, unsigned dd, uint64_t bits);
/* An absolute address: always MOVW+MOVT (fixed size, patchable). */
void cg_load_addr(cg *c, a32_reg rd, uint32_t addr);
/* Scratch core register (ip, then lr) for this op, or -1 when both busy. */
int cg_scratch(cg *c);
/* Parallel assignment dsts[k] <- srcs[k] (jump, call arguments). */
void cg_parallel_move(cg *c, const ra_loc *dsts, const ra_loc *srcs, uint32_t n);

/* ---- operands (cg_operand.c) ---- */
uint32_t cg_const_word(const armjit_trace *t, ir_ref k);
/* Value (variable or constant) in a core register; constants reuse a
 * register caching them, else load into a free register or a scratch. */
a32_reg cg_reg(cg *c, ir_ref r);
unsigned cg_vreg(cg *c, ir_ref r);
/* Flexible second operand for *op (a modified immediate, possibly with the
 * inverse opcode, else a register). */
a32_operand cg_op2(cg *c, ir_ref r, a32_dp_op *op);
bool cg_is_const(ir_ref r);

/* ---- lowering, one function per op (cg_int.c, cg_float.c, cg_exit.c,
 * cg_ctrl.c) ---- */
void cg_lower_int_binop(cg *c, const ir_op *op);
void cg_lower_int_mul(cg *c, const ir_op *op);
void cg_lower_int_div(cg *c, const ir_op *op);
void cg_lower_shift(cg *c, const ir_op *op);
void cg_lower_int_unary(cg *c, const ir_op *op);
void cg_lower_int_cmp(cg *c, const ir_op *op);
void cg_lower_ovf(cg *c, const ir_op *op);
void cg_lower_same_as(cg *c, const ir_op *op);
void cg_lower_float_binop(cg *c, const ir_op *op);
void cg_lower_float_unary(cg *c, const ir_op *op);
void cg_lower_float_cmp(cg *c, const ir_op *op);
void cg_lower_cast(cg *c, const ir_op *op);
void cg_lower_guard(cg *c, const ir_op *op);
void cg_lower_finish(cg *c, const ir_op *op);
void cg_lower_label(cg *c, const ir_op *op);
void cg_lower_jump(cg *c, const ir_op *op);

/* A compare whose result only feeds the next guard is left in the flags. */
bool cg_fusable(cg *c, const ir_op *op);
/* Result of a compare into a register: 0/1 from the flags (cc = true). */
void cg_set_bool(cg *c, const ir_op *op, a32_cond cc);
/* vcmp x, y (or with #0.0) and vmrs: float flags into APSR. */
void cg_float_compare(cg *c, ir_ref x, ir_ref y);

/* ---- exits (cg_exit.c) ---- */
/* Encode exit `id`'s values where they are now. */
void cg_record_exit(cg *c, const ir_op *op, int32_t branch);
void cg_emit_stubs(cg *c);

/* ---- shift folding (cg_fold.c) ---- */
armjit_status cg_fold_shifts(cg *c);
/* When r is the result of a folded shift: its source in a register with
 * the shift, as a flexible operand. */
bool cg_folded_operand(cg *c, ir_ref r, a32_operand *o);

/* ---- float constant pool (cg_pool.c) ---- */
void cg_emit_pool(cg *c);
/* VLDR dd from the pool when bits is there and within reach. */
bool cg_pool_load(cg *c, unsigned dd, uint64_t bits);

/* ---- entry (cg_entry.c) ---- */
void cg_prologue(cg *c);
void cg_patch_frame(cg *c);

#endif
