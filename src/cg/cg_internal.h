/* SPDX-License-Identifier: MIT */
/* Shared state of the lowering files (src/cg only). */
#ifndef ARMJIT_CG_INTERNAL_H
#define ARMJIT_CG_INTERNAL_H

#include "cg/cg.h"
#include "ra/alloc.h"
#include "ra/pmove.h"

/* The frame header below fp (ARM_FRAME_PTR_OFF, ARM_FORCE_OFF,
 * ARM_FIXED_BYTES) and the register roles are target facts: arm/target.h. */

typedef struct cg_cold cg_cold;
/* A value a cold call passes: where it was at the branch, its IR type. */
typedef struct { ra_loc loc; uint8_t type; } cg_cold_arg;

/* Steps of the per-op protocol (cg_op.c). */
typedef enum { CG_PHASE_OPERANDS, CG_PHASE_RELEASED, CG_PHASE_DEFINED } cg_phase;

typedef struct cg {
  armjit_ctx *ctx;
  const armjit_trace *t;
  const cg_env *env;
  a32_buf *b;
  ra_live lv;
  ra_state ra;
  cg_result *out;

  uint32_t pos;              /* op being lowered */
  unsigned busy;             /* scratch registers in use (CG_BUSY_*) */
  cg_phase phase;            /* of the per-op protocol (cg_op.c) */
  bool flags_live;           /* flags set for a later branch (cg_flags_set) */
  uint32_t flags_from;       /* offset just after the instruction setting them */

  ir_ref fused;              /* compare result living only in the flags */
  a32_cond fused_cc;         /* true when that compare is true */
  a32_cond ovf_cc;           /* after an *_ovf op: "overflow happened" */

  a32_label *label_at;       /* per trace label */
  ra_loc **label_locs;       /* per trace label: where its arguments live */
  /* Branches to exit stubs, "b<cc> ." until cg_emit_stubs aims them: stub
   * k is the word at body_end + 4k, known only once the body is done. */
  struct cg_stub_ref { uint32_t at, id; } *stub_refs;
  uint32_t nstub_refs, stub_refs_cap;
  a32_label abort_at;        /* leave the run with the ARMJIT_EXIT_* in r0 (cg_loopctl.c) */
  a32_label stack_at;        /* ... with ARMJIT_EXIT_STACK_OVERFLOW */
  a32_label oom_at;          /* ... with ARMJIT_EXIT_OUT_OF_MEMORY */
  bool abort_used, stack_used, oom_used;

  /* recovery strings, deduplicated through a direct-mapped table */
  uint32_t rec_cap;
  uint32_t *hash;            /* per entry: rec offset + 1 (0 empty), length */
  uint32_t hash_cap;
  uint32_t rec_end[2];       /* the entry of the string of no values */
  uint8_t *tmp;              /* one exit's string being built */
  uint32_t tmp_cap;
  /* the exits' constant pool (cg_result.consts): each value once */
  uint32_t *rc_of;           /* per trace constant: pool index + 1, 0 none */
  uint32_t *rc_hash;         /* pool index + 1 per bucket, 0 empty */
  uint32_t rc_hash_cap, consts_cap;

  ra_move *moves, *pm;       /* parallel move scratch */
  uint32_t moves_cap, pm_cap;

  uint8_t *folded;           /* per op: shift folded into the next op */
  /* Values known before lowering (cg_known.c): t points here, at the
   * trace with its own argument pool and constants. */
  armjit_trace known_t;
  ir_ref *known_refs;
  ir_const *known_consts;
  /* Float constants placed in the code (cg_const.c): every double, in
   * code order (its runs: out->pools). */
  struct cg_pooled { uint64_t bits; uint32_t off; } *pooled;
  uint32_t npooled, pooled_cap, pools_cap;
  uint32_t *pool_hash;       /* per bucket: pooled index + 1 of a value's last copy */
  uint32_t pool_hash_cap, pool_hash_n;
  cg_cold *cold;             /* cold paths to emit after the body (cg_cold.c) */
  uint32_t ncold, cold_cap;
  cg_cold_arg *cold_args;    /* cold calls' function and arguments (cg_condcall.c) */
  uint32_t ncold_args, cold_args_cap;
  size_t frame_patch;        /* offset of the SUB sizing the frame */
  struct cg_gc *gc;          /* GC maps and allocation plan (cg_gc.c), NULL: no GC */
  /* Loop-invariant constants (cg_ctrl.c): loaded after the label the
   * final jump goes to, cached in registers across the back edge. */
  struct {
    int32_t label;           /* label id, -1 none */
    uint32_t n;
    ir_ref k[4];             /* the constants */
    int reg[4];              /* the registers caching them */
    a32_label head;          /* after the loads: the back edge's target */
  } hoist;
  /* Loop rotation (cg_ctrl.c): the last label's header, when it is a
   * compare and the guard on it, copied to the back edge. */
  struct {
    int32_t label;           /* label id, -1 none */
    uint32_t label_pos;      /* its op index */
    uint32_t head_off;       /* where its code starts (after hoisted loads) */
    bool ok;                 /* header recorded: the fields below hold */
    uint32_t cmp_off;        /* the compare's code: [cmp_off, site_off) */
    uint32_t site_off;       /* the guard's branch, the exit's patch site */
    a32_cond fail_cc;        /* that branch's condition */
    a32_label site, body;    /* bound at the branch and just after it */
  } rot;
  armjit_status st;
  char msg[200];
} cg;

typedef void (*cg_fn)(cg *c, const ir_op *op);

/* Loop rotation (cg_ctrl.c).  cg_rotate_header: guard op (fused onto the
 * compare just before it) is the second live op after the label; if the pair
 * qualifies, binds the labels around the guard's branch: call it just
 * before the branch and cg_rotate_header_done just after. */
bool cg_rotate_header(cg *c, const ir_op *op);
void cg_rotate_header_done(cg *c, a32_cond fail_cc);

/* The driver in two halves (cg_compile is open, prologue, ops, cold
 * paths, stubs, close): cg_open sets up *c for trace t (liveness,
 * allocator, buffer, labels, shift folding); cg_close frees what *c owns
 * but not *out. */
armjit_status cg_open(cg *c, armjit_ctx *ctx, const armjit_trace *t, const cg_env *env,
                      cg_result *out, armjit_error *err);
void cg_close(cg *c);
/* Replace uses of values known before lowering (cg_known.c, contract
 * there); c->t then points at c->known_t.  Runs before the pre-pass. */
armjit_status cg_known_values(cg *c);

void cg_fail(cg *c, armjit_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- scratch registers (cg_scratch.c; the contract is written there) ---- */
/* Claimed-scratch bits of cg.busy (the registers: arm/target.h). */
/* The core scratch registers as assembler operands: ip and lr by role
 * (the contract for using them: cg_scratch.c). */
#define CG_IP ((a32_reg)ARM_SCRATCH1)
#define CG_LR ((a32_reg)ARM_SCRATCH2)
#define CG_BUSY_IP (1u << ARM_SCRATCH1)
#define CG_BUSY_LR (1u << ARM_SCRATCH2)
#define CG_BUSY_D15 (1u << 16)

/* ip, then lr, for the rest of this op; -1 when both are busy. */
int cg_scratch(cg *c);
/* d15 for the rest of this op; -1 when busy. */
int cg_dscratch(cg *c);
/* A core register for a moment, any time during an op: ip or lr when
 * free, else an allocatable register outside `avoid` (a mask of registers
 * the caller uses in the same instruction) saved with PUSH and restored
 * by cg_tmp_put, so every value survives. */
typedef struct { a32_reg r; bool pushed; } cg_tmp;
cg_tmp cg_tmp_get(cg *c, unsigned avoid);
void cg_tmp_put(cg *c, cg_tmp t);

/* ---- the constant ladder (cg_const.c) ---- */
/* (inline: asked for nearly every operand) */
static inline bool cg_is_const(ir_ref r) { return IR_IS_CONST(r); }
/* A hash of a constant's bits, for the tables that find constants by
 * value (the exits' pool, cg_exit.c; the placed doubles, cg_const.c). */
static inline uint32_t cg_bits_hash(uint64_t bits) {
  return (uint32_t)((bits * 0x9e3779b97f4a7c15u) >> 32);
}
/* The low 32 bits of constant k's frame bits (an int's or ref's word). */
static inline uint32_t cg_const_word(const armjit_trace *t, ir_ref k) {
  return (uint32_t)cg_const_bits(ir_const_of(t, k));
}
/* Load a constant into a core register / d register. */
void cg_load_int(cg *c, a32_reg rd, uint32_t v);
void cg_load_float(cg *c, unsigned dd, uint64_t bits);
/* An absolute address: always MOVW+MOVT (fixed size, patchable). */
void cg_load_addr(cg *c, a32_reg rd, uint32_t addr);
/* Constant k as an operand of the current op: a register caching it, else
 * loaded into a free register (then cached), the scratch, a temporary. */
a32_reg cg_const_reg(cg *c, ir_ref k);
unsigned cg_const_vreg(cg *c, ir_ref k);
/* Flexible second operand for *op (a modified immediate, possibly with the
 * inverse opcode, else a register). */
a32_operand cg_op2(cg *c, ir_ref r, a32_dp_op *op);
/* The float constant pool after the prologue. */
void cg_emit_pool(cg *c);
/* off, or the end of the pool run holding off: code scans skip data. */
uint32_t cg_pool_skip(const cg *c, uint32_t off);

/* ---- moves and memory (cg_move.c) ---- */
/* ldr/str/vldr/vstr reg, [base, #off] for any offset; a far offset needs
 * an address register (cg_tmp_get). */
typedef enum { CG_LDR, CG_STR, CG_VLDR, CG_VSTR, CG_VLDRS, CG_VSTRS /* s registers */ } cg_mem_kind;
void cg_mem(cg *c, cg_mem_kind k, unsigned reg, a32_reg base, int32_t off);
/* dst <- src for any locations (the allocator's move callback and the
 * parallel move output).  Stack<-stack and stack<-const go through a
 * scratch register. */
void cg_move(cg *c, ra_loc dst, ra_loc src);
void cg_move_cb(void *ud, ra_loc dst, ra_loc src);
/* Parallel assignment dsts[k] <- srcs[k] (jump, call arguments). */
void cg_parallel_move(cg *c, const ra_loc *dsts, const ra_loc *srcs, uint32_t n);

/* ---- the per-op protocol (cg_op.c; the contract is written there) ---- */
/* The driver, around each op's lowering (inline: once per op). */
static inline void cg_op_begin(cg *c, uint32_t pos) {
  c->pos = pos;
  c->busy = 0;
  c->phase = CG_PHASE_OPERANDS;
  ra_begin_op(&c->ra, pos);
}
static inline void cg_op_end(cg *c) { ra_end_op(&c->ra); }
/* Step 1: a value (variable or constant) in a core / d register.  In
 * debug builds, reading one after step 2 fails the compile
 * (cg_operand_late). */
void cg_operand_late(cg *c, ir_ref r);
static inline a32_reg cg_reg(cg *c, ir_ref r) {
#ifndef NDEBUG
  if (c->phase != CG_PHASE_OPERANDS) cg_operand_late(c, r);
#endif
  if (!IR_IS_CONST(r)) return (a32_reg)ra_use(&c->ra, r);
  return cg_const_reg(c, r);
}
static inline unsigned cg_vreg(cg *c, ir_ref r) {
#ifndef NDEBUG
  if (c->phase != CG_PHASE_OPERANDS) cg_operand_late(c, r);
#endif
  if (!IR_IS_CONST(r)) return (unsigned)ra_use(&c->ra, r);
  return cg_const_vreg(c, r);
}
/* Step 2: release the operands whose last use is this op. */
void cg_release(cg *c);
/* Step 3: the result's register (hint: preferred register or -1), after
 * step 2 (done here when the lowering has not). */
static inline int cg_def(cg *c, const ir_op *op, int hint) {
  if (c->phase == CG_PHASE_OPERANDS) cg_release(c);
  c->phase = CG_PHASE_DEFINED;
  return ra_def(&c->ra, op->res, hint);
}
/* Step 3 for a result a call left in register r (r0 or d0). */
void cg_def_fixed(cg *c, const ir_op *op, bool vfp, int r);
/* The result before step 2: it cannot take the register of an operand
 * that dies here (those are released when the op ends). */
int cg_def_keep(cg *c, const ir_op *op);

/* The flags between a compare and the branch that reads them: after the
 * instruction setting the flags, cg_flags_set; the branch (or conditional
 * instruction) reading them calls cg_flags_take, which in debug builds
 * fails the compile when any instruction emitted in between sets the
 * flags.  cg_exit_branch takes them itself. */
void cg_flags_set(cg *c);
void cg_flags_take(cg *c);
/* Does A32 instruction w write N, Z, C or V? */
bool cg_insn_sets_flags(uint32_t w);

/* ---- lowering, one function per op family (cg_int.c, cg_float.c,
 * cg_guard.c, cg_exit.c, cg_ctrl.c) ---- */
void cg_lower_int_binop(cg *c, const ir_op *op);
void cg_lower_int_mul(cg *c, const ir_op *op);
void cg_lower_int_div(cg *c, const ir_op *op);
void cg_lower_mul_high(cg *c, const ir_op *op);
void cg_lower_signext(cg *c, const ir_op *op);
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
void cg_lower_guard_class(cg *c, const ir_op *op);
void cg_lower_finish(cg *c, const ir_op *op);
void cg_lower_label(cg *c, const ir_op *op);
void cg_lower_jump(cg *c, const ir_op *op);

/* i64 and f32 (cg_wide.c) */
void cg_lower_llong_binop(cg *c, const ir_op *op);
void cg_lower_llong_unary(cg *c, const ir_op *op);
void cg_lower_llong_mul(cg *c, const ir_op *op);
void cg_lower_llong_shift(cg *c, const ir_op *op);
void cg_lower_llong_cmp(cg *c, const ir_op *op);
void cg_lower_llong_conv(cg *c, const ir_op *op);
void cg_lower_llong_call(cg *c, const ir_op *op);
/* Flags for guard_value: i64 x == y (EQ), f32 x == y (vcmp.f32: NE when
 * unordered). */
void cg_llong_compare_eq(cg *c, ir_ref x, ir_ref y);
void cg_f32_compare(cg *c, ir_ref x, ir_ref y);

/* A compare whose result only feeds the next guard is left in the flags. */
bool cg_fusable(cg *c, const ir_op *op);
/* Result of a compare into a register: 0/1 from the flags (cc = true). */
void cg_set_bool(cg *c, const ir_op *op, a32_cond cc);
/* vcmp x, y (or with #0.0) and vmrs: float flags into APSR. */
void cg_float_compare(cg *c, ir_ref x, ir_ref y);

/* ---- exits (cg_exit.c) ---- */
/* Encode exit `id`'s values where they are now. */
void cg_record_exit(cg *c, const ir_op *op, int32_t branch);
/* The same for exit `id` handing back refs[0..n) (interrupt exits). */
void cg_record_values(cg *c, uint32_t id, const ir_ref *refs, uint32_t n, int32_t branch);
/* The end of every guard: record the exit's values where they are now and
 * branch to its stub when fail_cc holds (the exit's one patch site). */
void cg_exit_branch(cg *c, const ir_op *op, a32_cond fail_cc);
/* The same for exit `id` handing back refs[0..n). */
void cg_exit_branch_values(cg *c, uint32_t id, const ir_ref *refs, uint32_t n,
                           a32_cond fail_cc);
void cg_emit_stubs(cg *c);

/* ---- folds into the next op: shifts, multiply-accumulate (cg_fold.c) ---- */
armjit_status cg_fold_shifts(cg *c);
/* Is r the result of an op folded into its user?  (Inline: asked for the
 * operands of every op that may take a fold.) */
static inline bool cg_folded(const cg *c, ir_ref r) {
  return !IR_IS_CONST(r) && c->t->vdef[r] >= 0 && c->folded[c->t->vdef[r]];
}
/* When r is the result of a folded shift: its source in a register with
 * the shift, as a flexible operand. */
bool cg_folded_shift(cg *c, ir_ref r, a32_operand *o);
static inline bool cg_folded_operand(cg *c, ir_ref r, a32_operand *o) {
  return cg_folded(c, r) && cg_folded_shift(c, r, o);
}
/* r is a float_mul folded into the float_add reading it (cg_fold.c):
 * its operands in *x, *y. */
bool cg_folded_mul(cg *c, ir_ref r, ir_ref *x, ir_ref *y);

/* ---- cold code (cg_cold.c; the emitted shape is drawn there) ---- */
typedef void (*cg_cold_fn)(cg *c, const cg_cold *k);
struct cg_cold {
  a32_label entry, resume;
  cg_cold_fn emit;           /* writes the path, without the branch back */
  uint32_t op;               /* op that branched */
  bool flags_live;           /* the fast path reads the flags after resuming */
  uint32_t arg[4];           /* what emit needs: registers, offsets, values */
};
/* In the fast path: b<cc> to a cold path that `emit` writes after the
 * body and that returns right after this branch.  Fill the record's arg;
 * NULL on out of memory (the compile has failed). */
cg_cold *cg_cold_branch(cg *c, a32_cond cc, cg_cold_fn emit);
/* After the body, before the exit stubs: every cold path in order. */
void cg_emit_cold(cg *c);

/* ---- bridges (cg_bridge.c; the emitted shape is drawn there) ---- */
/* Instead of the prologue: the sp adjustment patched by
 * cg_bridge_patch_frame, the float pool, the inputs placed. */
void cg_bridge_entry(cg *c);
void cg_bridge_patch_frame(cg *c);
/* A jump to a label of another trace. */
void cg_bridge_jump(cg *c, const ir_op *op);
/* guard_not_invalidated: a NOP patch site (cg_guard.c). */
void cg_lower_guard_not_invalidated(cg *c, const ir_op *op);

/* ---- entry (cg_entry.c) ---- */
void cg_prologue(cg *c);
void cg_patch_frame(cg *c);

/* ---- opt-in loop controls and call_assembler (cg_loopctl.c, cg_callasm.c) ---- */
/* Exits of the trace plus the interrupt exits (one per label when the
 * context is ARMJIT_INTERRUPTIBLE, ids from t->nexits on). */
uint32_t cg_nexits(const cg *c);
/* In the prologue, once sp is final: the stack check (ARMJIT_STACK_CHECK)
 * and the entry counter (ARMJIT_COUNTERS); nothing when not asked for. */
void cg_entry_checks(cg *c);
/* A bridge's entry counter, after its entry words (ARMJIT_COUNTERS). */
void cg_bridge_count(cg *c);
/* Right after a label is bound: its counter (ARMJIT_COUNTERS). */
void cg_label_count(cg *c, const ir_op *op);
/* At a jump, before its moves: the interrupt check (ARMJIT_INTERRUPTIBLE). */
void cg_interrupt_check(cg *c, const ir_op *op);
/* At a jump to a label of another trace, before its moves: the NOP that a
 * redirect of that trace turns into the branch to its jump exit. */
void cg_jump_site(cg *c, const ir_op *op);
/* b<cc> to the path that ends the run with the ARMJIT_EXIT_* in r0. */
void cg_abort_branch(cg *c, a32_cond cc);
/* b<cc> to the path that ends the run with ARMJIT_EXIT_OUT_OF_MEMORY (the
 * GC's malloc slow path returned NULL). */
void cg_oom_branch(cg *c, a32_cond cc);
/* After the exit path: the paths those branches reach. */
void cg_emit_abort(cg *c);
/* call_assembler (cg_callasm.c). */
void cg_lower_call_assembler(cg *c, const ir_op *op);

#endif
