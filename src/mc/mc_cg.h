/* SPDX-License-Identifier: MIT */
/* The method compiler's code generator (the back half): what its files
 * share.  docs/design.md §11 explains the design; in short:
 *
 *   mc_live.c    positions, liveness over the CFG, live intervals, calls
 *   mc_ra.c      linear scan over the intervals with the allocator core:
 *                one home (register or slot) per value for its whole life
 *   mc_emit.c    operands and results through homes and scratch registers,
 *                moves, parallel moves, frame memory at any offset
 *   mc_cg.c      a function: frame, prologue/epilogue, blocks, branches,
 *                switch, edge moves, trap stubs
 *   mc_cg_ops.c  the value ops (int, i64, float, conversions, compares,
 *                select, memory, addresses, checks)
 *   mc_cg_call.c calls: module functions (BL), externs and helpers (BLX)
 *   mc_cg_hw.c   the hardware intrinsics (system instructions, registers)
 *   mc_exc.c     exceptions: throw points, handler entries, traps per trap
 *                mode, the function table and the unwinder
 *   mc_link.c    modules: compile, objects, load, symbols, disassembly,
 *                the view of an object for linkers (mc_image.h)
 *   mc_image.c   flat images: layout, relocations, veneers, chained fixups
 *
 * Scratch registers (never allocated; a lowering names them explicitly):
 *   ip (MC_T0), lr (MC_T1)   operands and results that live in slots or
 *                            are constants, addresses; the parallel move
 *                            resolver also uses them (stack copies, cycles)
 *   r10 (MC_T2)              a third one for the few lowerings that need
 *                            it and for frame accesses beyond the
 *                            immediate reach; saved only when the function
 *                            uses it (mc_fn.t2)
 *   d15/s30 (MC_D0/MC_S0), d14/s28 (MC_D1/MC_S1)   the VFP ones
 * Allocatable: r0-r9 (pairs r0:r1 .. r8:r9), d0-d13 (s0-s27). */
#ifndef ARMJIT_MC_CG_H
#define ARMJIT_MC_CG_H

#include "mc/mc_helpers.h"
#include "mc/mir.h"
#include "ra/core.h"
#include "ra/loc.h"
#include "ra/pmove.h"

#define MC_T0 ((a32_reg)ARM_SCRATCH1) /* ip */
#define MC_T1 ((a32_reg)ARM_SCRATCH2) /* lr */
#define MC_T2 A32_R10
#define MC_D0 ((unsigned)ARM_DSCRATCH) /* d15 */
#define MC_D1 14u                      /* d14 */
#define MC_S0 ((unsigned)ARM_SSCRATCH) /* s30 */
#define MC_S1 28u                      /* s28 = low half of d14 */

/* Allocatable registers per storage type (type's numbering), and the
 * callee-saved subsets a value crossing a call may take. */
#define MC_CORE_ALLOW ARM_RANGE(0, 9)
#define MC_PAIR_ALLOW (ARM_RANGE(0, 8) & 0x55555555u)
#define MC_D_ALLOW ARM_RANGE(0, 13)
#define MC_S_ALLOW ARM_RANGE(0, 27)
#define MC_CORE_KEEP ARM_RANGE(4, 9)
#define MC_PAIR_KEEP (ARM_RANGE(4, 8) & 0x55555555u)
#define MC_D_KEEP ARM_RANGE(8, 13)
#define MC_S_KEEP ARM_RANGE(16, 27)

/* Frame reach without an address register: LDR/STR ±4095, VLDR ±1020. */
#define MC_NEAR_BYTES 1016

/* ---- positions and intervals (mc_live.c) ---------------------------------------- */
/* Each block is a header slot (its parameters are defined there) followed
 * by its ops; slot i has use position 2i and definition position 2i+1. */
typedef struct {
  uint32_t nslots;
  uint32_t *blk_slot;   /* per block: its header slot */
  uint32_t *start, *end;/* per value: interval [start, end] in positions */
  uint32_t *weight;     /* per value: spill weight (uses x 8^loop depth) */
  int32_t *partner;     /* per value: a value to share a register with, -1 */
  int8_t *abi_hint;     /* per value: preferred register (type numbering), -1 */
  uint32_t *calls;      /* use positions of calls, ascending */
  uint32_t ncalls;
  uint8_t *fused;       /* per op: compare fused into the cbr after it */
  uint8_t *nohome;      /* per value: never materialized (a fused compare) */
  uint8_t *keep;        /* per value: live into a handler block (one home the
                           unwinder restores: callee-saved register or slot) */
  uint32_t max_out;     /* largest outgoing stack argument area (bytes) */
  uint32_t *clob_pos;   /* ops writing registers the allocator owns (set_reg in
                           naked functions, calls of raw functions with a
                           clobber set): their use positions ... */
  uint32_t *clob_core;  /* ... the core registers (bit mask) ... */
  uint32_t *clob_d;     /* ... and the d registers each writes */
  uint32_t nclob;
  uint32_t clob_all_core, clob_all_d; /* their union: the frame saves the
                           callee-saved ones among them */
  bool needs_t2;        /* some lowering uses r10 */
} mc_live;

/* ---- one function's code generation ---------------------------------------------- */
typedef struct mc_mod mc_mod;

typedef struct {
  mc_mod *mm;
  const armjit_module *m;
  const mir_func *fn;
  uint32_t sym;
  armjit_ctx *ctx;
  a32_buf *b;
  armjit_abi abi;
  bool idiv;
  mc_live lv;
  uint8_t *stype;       /* per value: storage type (ra/loc.h) */
  ra_loc *home;         /* per value: its register or slot */
  /* frame (docs/design.md §11.2; the function table reads these) */
  uint8_t kind;         /* armjit_fkind */
  uint32_t push_mask;   /* core registers pushed (normal: with fp, lr; interrupt:
                           with r0-r3, ip, lr; naked: none) */
  unsigned npush;
  uint32_t fp_off;      /* fp = sp after the core push + fp_off (normal: at the
                           saved fp, 4 * (npush - 2)) */
  uint32_t vsave;       /* save_vfp: bytes of d0-d7 (d16-d31) and FPSCR, 0: none */
  bool vsave_d32;       /* ... with d16-d31 */
  unsigned vfirst, vcount; /* vpush {d<vfirst> .. } */
  bool vscratch;        /* the frame has room for d14, d15 (float functions) */
  bool vscratch_used;   /* the code writes d14/d15 (or their s halves) */
  size_t vscratch_at;   /* offset of their vpush, patched when unused */
  int32_t fixed;        /* bytes below fp taken by saves: fp_off, d14/d15, d8-d13,
                           the save_vfp area (in that order downward) */
  int32_t frame;        /* bytes below fp before the outgoing area */
  uint32_t out;         /* outgoing area bytes */
  bool t2;              /* r10 is saved and usable */
  /* labels */
  a32_label *blk_label;
  a32_label epilogue;
  uint32_t cur_block;   /* block being emitted */
  /* trap stubs (one per code) */
  uint32_t *trap_code;
  a32_label *trap_label;
  uint32_t ntraps, traps_cap;
  /* edge stubs pending after the current terminator */
  struct mc_stub { a32_label l; const mir_edge *e; } *stubs;
  uint32_t nstubs, stubs_cap;
  /* parallel moves */
  ra_move *mv, *pm;
  uint32_t mv_cap, pm_cap;
  /* float constants before the entry (mc_emit_pool): per constant its
   * offset, -1 none */
  int32_t *pool_off;
  uint32_t pool_bytes;
  /* per op: offset of its first instruction (listings) */
  uint32_t *op_off;
  /* exceptions (mc_exc.c): the module's state (NULL: the module has none),
   * per block its code offset, per block 1 for handler blocks */
  struct mc_exc *exc;
  uint32_t *blk_off;
  uint8_t *hblk;
  uint32_t *tail;       /* out: offset of the epilogue */
  armjit_status st;
  char msg[200];
} mc_fn;

void mc_fail(mc_fn *c, armjit_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The storage type (ra/loc.h) of a method IR type. */
static inline uint8_t mc_stype(unsigned t) {
  switch (t) {
  case ARMJIT_T_I64: return ARM_TY_I64;
  case ARMJIT_T_F32: return ARM_TY_F32;
  case ARMJIT_T_F64: return ARMJIT_FLOAT;
  case ARMJIT_T_REF: return ARMJIT_REF;
  default: return ARMJIT_INT;
  }
}

/* The helper op lowers to (a call), or -1 when it is inlined; the same
 * for an op of fn compiled with or without SDIV/UDIV (mc_fn_idiv). */
int mc_op_helper(const mc_fn *c, const mir_op *op);
int mc_op_helper_of(const mir_func *fn, const mir_op *op, bool idiv);
/* Does the context's code use SDIV/UDIV? */
bool mc_ctx_idiv(const armjit_ctx *ctx);
/* Does the op call (a call op or a helper)? */
bool mc_op_calls(const mc_fn *c, const mir_op *op);

armjit_status mc_live_build(mc_fn *c);
void mc_live_free(mc_fn *c);
/* Registers and slots for every value (c->home), and the frame. */
armjit_status mc_ra_run(mc_fn *c);

/* ---- emission helpers (mc_emit.c) ---------------------------------------------- */
static inline const mir_const *mc_konst(const mc_fn *c, mir_ref r) {
  return &c->fn->consts[MIR_CONST_INDEX(r)];
}
/* ldr/str/vldr/vstr (dbl: d, else s) reg, [base, #off] at any offset;
 * `spare` is a core register free to clobber (-1: none; core loads use
 * their own destination). */
typedef enum { MC_LDR, MC_STR, MC_VLDR_D, MC_VSTR_D, MC_VLDR_S, MC_VSTR_S } mc_memop;
void mc_mem(mc_fn *c, mc_memop k, unsigned reg, a32_reg base, int32_t off, int spare);
/* Word `half` (0 low, 1 high; 0 for 32-bit values) of operand r in a
 * core register: its home register, or loaded into tmp. */
a32_reg mc_word(mc_fn *c, mir_ref r, int half, a32_reg tmp);
/* The register a word result goes to: its home register, or tmp. */
a32_reg mc_dst(mc_fn *c, mir_ref v, int half, a32_reg tmp);
/* Store the result word from reg to v's slot when v lives in one;
 * `spare` as for mc_mem. */
void mc_done(mc_fn *c, mir_ref v, int half, a32_reg reg, int spare);
/* A float operand in a VFP register (d for f64, s for f32); constants and
 * slot values are loaded into tmp (a d or s number), spare as for mc_mem. */
unsigned mc_freg(mc_fn *c, mir_ref r, unsigned tmp, int spare);
unsigned mc_fdst(mc_fn *c, mir_ref v, unsigned tmp);
void mc_fdone(mc_fn *c, mir_ref v, unsigned reg, int spare);
/* A VFP scratch register (MC_D0, MC_D1, MC_S0, MC_S1) is used: d14/d15
 * must be saved (every use goes through here). */
static inline unsigned mc_vscratch(mc_fn *c, unsigned reg) {
  c->vscratch_used = true;
  return reg;
}
/* The home of value v / the location of operand r (constants: LOC_CONST). */
ra_loc mc_loc(const mc_fn *c, mir_ref r);
/* Load constant k into a location (registers, slots; uses ip, lr). */
void mc_load_const(mc_fn *c, ra_loc dst, const mir_const *k);
/* One move between locations (the allocator's and the resolver's forms,
 * plus whole i64 pairs). */
void mc_move(mc_fn *c, ra_loc dst, ra_loc src);
/* dsts[k] <- srcs[k] all at once; srcs may be LOC_CONST (operands of fn,
 * ra_loc.n = the constant index), loaded last. */
void mc_pmove(mc_fn *c, const ra_loc *dsts, const ra_loc *srcs, uint32_t n);
/* The pool of float constants VMOV cannot encode, at the current
 * position (the function's entry follows it). */
void mc_emit_pool(mc_fn *c);
/* rd = rn + imm (any value) through `spare` when imm is no modified
 * immediate. */
void mc_add_imm(mc_fn *c, a32_reg rd, a32_reg rn, int32_t imm, a32_reg spare);

/* ---- lowering (mc_cg_ops.c, mc_cg_call.c, mc_cg_hw.c) ------------------------------ */
void mc_lower_op(mc_fn *c, const mir_op *op);
/* The intrinsics (mc_ops.h's intrinsics group); terminators among them too. */
void mc_lower_hw(mc_fn *c, const mir_op *op);
/* The core registers (bit mask) op writes beyond what a call or its
 * result clobbers: set_reg's register, a raw function's declared clobbers
 * (*dregs: its d registers); 0 for other ops. */
uint32_t mc_op_clobbers(const mc_fn *c, const mir_op *op, uint32_t *dregs);
void mc_lower_call(mc_fn *c, const mir_op *op);
void mc_lower_helper(mc_fn *c, const mir_op *op, mc_helper h);
/* A compare (icmp/fcmp) into the flags: *cc and, for the two float
 * conditions needing two (one, ueq), *cc2 (else A32_AL) hold when true. */
void mc_compare_flags(mc_fn *c, const mir_op *op, a32_cond *cc, a32_cond *cc2);
/* The label of the trap stub for code in this function. */
a32_label mc_trap_label(mc_fn *c, uint32_t code);
/* Outgoing stack bytes a call op needs. */
uint32_t mc_call_out_bytes(const mc_fn *c, const mir_op *op);

/* ---- exceptions (mc_exc.c) ------------------------------------------------------ */
typedef struct mc_exc mc_exc;
/* Does the module throw or catch anything (table and unwinder needed)? */
bool mc_exc_used(const armjit_module *m);
/* The state of a module that does: throws and trap stubs go to throw_l
 * (__armjit_throw among its helpers). */
mc_exc *mc_exc_new(armjit_ctx *ctx, a32_label throw_l);
void mc_exc_free(armjit_ctx *ctx, mc_exc *x);
/* In a function: the block's start (a handler block: the exception from
 * r0 to its parameter's home); a check's trap under `fail`; throw; trap;
 * a trap stub's throw path; the function's table entry at its end. */
bool mc_exc_fn_begin(mc_fn *c);
void mc_exc_block_start(mc_fn *c, uint32_t bi);
void mc_exc_trap_branch(mc_fn *c, a32_cond fail, uint32_t code);
void mc_exc_lower_throw(mc_fn *c, const mir_op *op);
void mc_exc_lower_trap(mc_fn *c, const mir_op *op);
void mc_exc_stub_throw(mc_fn *c);
void mc_exc_fn_done(mc_fn *c, uint32_t start, uint32_t end);
/* The subroutines exceptions need, added to the helpers' module h as raw
 * functions (compiled into an object like the other helpers when it needs
 * them, mc_link.c):
 *   MC_EXC_UNWIND  the unwinder (r0 exc, r1 pc, r2 sp, r3 resume mode), local
 *   MC_EXC_THROW   its entry for throws, trap stubs and a user's vector
 *                  (r0-r2; resumes with bx), global
 *   MC_EXC_SVC     the SVC vector body of trap mode svc, global
 * The two global ones are the same code in every object (they read only
 * the linker's __start_/__stop_armjit_fntab): weak symbols, one serves an
 * image of several objects.  False with msg when out of memory. */
#define MC_EXC_UNWIND "__armjit_unwind"
#define MC_EXC_THROW "__armjit_throw"
#define MC_EXC_SVC "__armjit_trap_svc"
bool mc_exc_add_subrs(armjit_module *h, char *msg, size_t cap);

/* ---- the module side (mc_link.c) ---------------------------------------------- */
/* The a32 symbol for module symbol s (made on first use). */
a32_sym mc_mod_sym(mc_mod *mm, uint32_t s);
/* The module's exception state (NULL: none). */
mc_exc *mc_mod_exc(mc_mod *mm);
/* The label of module function s, or of data s in a code section (0 for
 * other data and externs: they are reached by symbol). */
a32_label mc_mod_label(mc_mod *mm, uint32_t s);
/* Call module function s from code of function `from` (UINT32_MAX: the
 * module's own code in .text): BL to its label in the same section, else
 * movw/movt ip, #s ; blx ip (sections may be placed apart; ip is free at
 * calls). */
void mc_mod_call(mc_mod *mm, a32_buf *b, uint32_t from, uint32_t s);
/* Call helper h (its arguments in place) from code of function `from`
 * (UINT32_MAX: the module's own code in .text): the builtin copy in .text
 * (BL from .text, else movw/movt ip + blx ip), or under ARMJIT_AEABI_HELPERS
 * its AEABI function (movw/movt ip, #sym; blx ip: libgcc may be Thumb). */
void mc_mod_helper_call(mc_mod *mm, a32_buf *b, uint32_t from, mc_helper h);
/* Is helper h an AEABI call here (its checks are the caller's)? */
bool mc_mod_helper_aeabi(const mc_mod *mm, mc_helper h);
/* Compile function `sym` of m into b: its constant pool, then its code at
 * its label (*entry gets the offset); op_off[op] gets each op's first
 * offset, *tail the epilogue's; on failure msg names it. */
armjit_status mc_fn_compile(mc_mod *mm, const armjit_module *m, uint32_t sym, a32_buf *b,
                            uint32_t *op_off, uint32_t *tail, uint32_t *entry, char *msg,
                            size_t cap);

#endif
