/* SPDX-License-Identifier: MIT */
/* Lowering of a validated trace into one A32 code buffer: prologue, body
 * (one forward pass that allocates registers and selects instructions
 * together), out-of-line cold paths, exit stubs and the shared exit path.
 * The runtime (rt/loop.c) links the buffer into executable memory.
 *
 * cg knows nothing of the runtime: every address the generated code uses
 * (the C helpers it calls, memmove, the exception slot, the runtime's
 * per-loop metadata) is a parameter (cg_env); src/cg takes no address of
 * its own.  Call targets of `call` ops are trace constants. */
#ifndef ARMJIT_CG_CG_H
#define ARMJIT_CG_CG_H

#include "ir/ir.h"
#include "ra/loc.h"

/* A label of another trace that a bridge's jump goes to (its loop's, or
 * another loop's): where its code is and where its arguments live. */
typedef struct {
  uint32_t addr;         /* absolute address of the label's first instruction */
  const ra_loc *locs;    /* per argument: its register or slot */
  uint32_t nargs;
  int32_t depth;         /* bytes below fp that its trace's slots use: sp
                            is moved down to fp - depth when it is higher */
} cg_xlabel;

/* Compiling a bridge (cg_env.bridge): it has no prologue and runs on its
 * parent's frame, starting with every input where the guard left it. */
typedef struct {
  const ra_loc *inputs;  /* per input: REG/VREG/STACK in the parent's frame;
                            CONST k (k: a constant of the trace) or a
                            location already taken by an earlier input:
                            the input is placed afresh and loaded from
                            there (only inputs that are label arguments;
                            others are rewritten to the constant or the
                            earlier input before compiling); LOC_NONE:
                            unused */
  const int32_t *same_as;   /* per input: an earlier input at the same
                               location, or -1 */
  int32_t depth;         /* bytes below fp sp is at when the guard fails */
  const cg_xlabel *xlabels; /* per external label of the trace */
  uint32_t nxlabels;
} cg_bridge;

/* The i64 helpers of cg_env.llong_helper. */
enum { CG_LH_DIV, CG_LH_MOD, CG_LH_TO_FLOAT, CG_LH_FROM_FLOAT };

/* Addresses baked into the code as constants (MOVW/MOVT, or the shortest
 * load for memmove, which is never patched). */
typedef struct {
  uint32_t exit_helper;  /* int32_t fn(const uint32_t *save, uint32_t stub_lr,
                                       const uint8_t *fp, const void *meta) */
  uint32_t exit_meta;    /* its last argument */
  uint32_t div_helper;   /* int32_t fn(int32_t, int32_t): int_floordiv */
  uint32_t mod_helper;   /* int32_t fn(int32_t, int32_t): int_mod */
  uint32_t memmove_fn;   /* void *fn(void *, const void *, size_t):
                            copystrcontent / copyunicodecontent */
  uint32_t memset_fn;    /* void *fn(void *, int, size_t): zero_array */
  uint32_t exc_slot;     /* the pending-exception word (uintptr_t, 0 none),
                            fixed for the context's lifetime */
  const cg_bridge *bridge; /* NULL: a loop (with a prologue) */
  uint32_t callasm_fn;   /* int32_t fn(armjit_token *, armjit_frame *):
                            call_assembler's trampoline */
  /* Opt-in checks (0: not emitted): the stack limit word (uintptr_t) the
   * entry compares sp with; the interrupt word every jump reads; the
   * counters (uint32_t: entries, then one per label). */
  uint32_t stack_limit;
  uint32_t interrupt;
  uint32_t counters;
  /* i64 ops done in C (cg_wide.c): 64-bit fn(64-bit[, 64-bit]) with
   * integer arguments and result (a double as its bits), CG_LH_* */
  uint32_t llong_helper[4];
  /* The context's chain of active frames (ctx->gc_top), 0 without a GC
   * descriptor: then no GC op compiles and no frame is linked. */
  uint32_t gc_top;
} cg_env;

typedef struct {
  uint32_t op;           /* index of the guard / finish op */
  int32_t branch;        /* guard: offset of its b<cc> (the patch site);
                            finish, and a guard that never fails (on
                            constants, cg_guard.c): -1 */
  uint32_t stub;         /* offset of the exit stub (bl exit_common);
                            finish: its b in the body */
  uint32_t rec;          /* recovery string: rec[rec .. rec+rec_len) */
  uint32_t rec_len;
  bool nop;              /* the patch site is a NOP, not a b<cc>
                            (guard_not_invalidated) */
} cg_exit;

/* A run of data words in the code: [off, off + bytes). */
typedef struct {
  uint32_t off, bytes;
} cg_span;

typedef struct {
  a32_buf *buf;          /* the code; owned by the result */
  int32_t *op_off;       /* per op: offset of its first instruction, -1 none */
  uint32_t nops;
  cg_exit *exits;        /* per exit id */
  uint32_t nexits;
  uint8_t *rec;          /* recovery strings, deduplicated */
  uint32_t rec_bytes;
  uint64_t fail_args;    /* values covered by the recovery strings */
  uint32_t rec_maps;     /* exits with at least one value */
  uint32_t rec_shared;   /* of those, exits whose string was already there */
  uint64_t rec_unshared; /* bytes of their strings without sharing */
  uint64_t *consts;      /* the exits' constant pool: frame bits of each
                            constant value an exit hands back, once */
  uint32_t nconsts;
  uint32_t cold_off;     /* cold paths: [cold_off, body_end), after the body */
  uint32_t *cold;        /* two words per cold path, in code order: its
                            offset, and the op that branches to it */
  uint32_t ncold;
  uint32_t body_end;     /* offset where the exit stubs start */
  uint32_t common;       /* offset of the shared exit path */
  cg_span *pools;        /* float constants (data, not code), in code
                            order: the pool after the prologue, then the
                            islands in the code (cg_const.c) */
  uint32_t npools;
  bool head_pool;        /* pools[0] is the pool after the prologue */
  int32_t frame_bytes;   /* spill area below fp */
  uint32_t nlabels;      /* per label of the trace: where its code starts */
  uint32_t *label_off;   /* and where its arguments live (bridges of this */
  ra_loc **label_locs;   /* or other traces jump there) */
  uint32_t entry;        /* bridge: where its guard's branch goes (the sp
                            adjustment before it is skipped when the
                            bridge's frame is not deeper) */
  /* The frame the prologue builds, for unwind information: push
   * {saved_core} ends at push_end, vpush {d<vfp_first>..} (vfp_count
   * registers) at vpush_end, and from fp_set on fp = sp.  The CFA is
   * fp + 4 * (popcount(saved_core) + 2 * vfp_count) from there to the
   * end of the code. */
  uint16_t saved_core;
  uint8_t vfp_first, vfp_count;
  uint32_t push_end, vpush_end, fp_set;
  /* GC maps (cg_gc.c, docs/design.md §13): per GC point, in code order,
   * two words: the offset of its return address and the offset of its
   * map in gc_maps (a ULEB128 count, then the frame words holding live GC
   * references as ULEB128 deltas of -offset/4 from fp, ascending). */
  uint32_t *gc_sites;
  uint32_t ngc_sites;
  uint8_t *gc_maps;
  uint32_t gc_map_bytes;
} cg_result;

armjit_status cg_compile(armjit_ctx *ctx, const armjit_trace *t, const cg_env *env,
                         cg_result *out, armjit_error *err);
void cg_result_free(armjit_ctx *ctx, cg_result *r);

/* The resolver to link a bridge's code with (ud: its cg_bridge): the
 * addresses of the labels of other traces it jumps to. */
bool cg_bridge_resolve(void *ud, a32_sym sym, const char *name, uint32_t *addr);

/* Frame bits a constant is written as (ints zero-extended).  Inline: the
 * lowering asks for nearly every constant operand. */
static inline uint64_t cg_const_bits(const ir_const *k) {
  switch (k->type) {
  case ARMJIT_INT: return (uint32_t)k->v.i;
  case ARMJIT_REF: return (uint64_t)k->v.r;
  default: return k->v.bits;
  }
}

#endif
