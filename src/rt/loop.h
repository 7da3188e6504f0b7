/* SPDX-License-Identifier: MIT */
/* A compiled loop: its code, exit table and metadata (internal layout,
 * shared with future bridge/patching code in src/rt). */
#ifndef ARMJIT_RT_LOOP_H
#define ARMJIT_RT_LOOP_H

#include "cg/cg.h"
#include "rt/debuginfo.h"
#include "ra/loc.h"
#include "rt/exit.h"
#include "util/ctx.h"

typedef struct {
  armjit_exit_kind kind;
  char *name;             /* its name (armjit_set_name) or NULL */
  uint32_t nvalues;
  armjit_type *types;
  uint32_t op;            /* guard / finish op index */
  int32_t branch;         /* guard: offset of its conditional branch (patch site);
                             -1: none (a finish; a guard that never fails, on
                             constants: a bridge on it never runs) */
  uint32_t stub;          /* offset of its exit stub */
  bool nop;               /* the patch site is a NOP (guard_not_invalidated) */
  armjit_loop *bridge;    /* the bridge attached to this guard, or NULL */
  /* ARMJIT_EXIT_JUMP: the bridge's jump to label jump_label of jump_to,
   * and once redirected the loop the run enters instead (loop_ctl.c). */
  const armjit_loop *jump_to;
  uint32_t jump_label;
  armjit_loop *reenter;
} ajx_loop_exit;

/* A label of the trace: where bridges jumping to it go. */
typedef struct {
  char *name;             /* NULL: unnamed (no bridge can name it) */
  uint32_t off;           /* its code */
  uint32_t nargs;
  ra_loc *locs;           /* where its arguments live */
} ajx_loop_label;

/* A debug_merge_point of the trace: its op index and text. */
typedef struct {
  uint32_t op;
  char *text;
} ajx_merge_point;

struct armjit_loop {
  armjit_ctx *ctx;
  armjit_code *code;
  uint32_t capacity;      /* frame slots a run needs */
  uint32_t ninputs;
  uint8_t *in_types;      /* armjit_type per input (tokens, redirect) */
  uint32_t *counters;     /* ARMJIT_COUNTERS: entries, then one per label; else NULL */
  uint32_t nops;
  int32_t *op_off;        /* per op: first instruction offset or -1 */
  uint32_t nexits;         /* the trace's exits, then (ARMJIT_INTERRUPTIBLE) one
                              interrupt exit per label */
  uint32_t ntrace_exits;   /* the trace's exits (armjit_loop_nexits) */
  uint32_t njumps;         /* the last njumps exits are jump exits (ARMJIT_EXIT_JUMP):
                              never the exit of a run, so outside the family's
                              numbering (ajx_enter knows them by their trace) */
  bool resumable;          /* label 0 is the first op and takes the inputs in order */
  ajx_loop_exit *exits;
  armjit_type *trace_types; /* the types of the trace's exits, one block (their
                               exits[i].types point in it; the other exits own
                               theirs) */
  ajx_exit_meta *emeta;   /* per exit, for the exit helper */
  ajx_loop_meta meta;     /* its address is baked into the code */
  uint8_t *rec;
  uint64_t *consts;
  size_t rec_bytes, fail_args, rec_maps, rec_shared, rec_unshared;
  uint32_t cold_off;      /* cold paths (after the body) start here */
  uint32_t *cold;         /* per cold path: its offset, the op it belongs to */
  uint32_t ncold;
  uint32_t body_end;      /* exit stubs start here */
  /* GC maps (rt/gcmap.c; the encoding: cg/cg.h cg_result) */
  uint32_t *gc_sites;     /* per GC point, by code offset: return offset, map offset */
  uint32_t ngc_sites;
  uint8_t *gc_maps;
  uint32_t gc_map_bytes;
  uint32_t common;        /* shared exit path */
  cg_span *pools;         /* float constants (data) in code order: the pool
                             after the prologue, the islands (cg_result) */
  uint32_t npools;
  bool head_pool;         /* pools[0] is the pool after the prologue */
  int32_t frame_bytes;
  armjit_trace *listing;  /* the trace, lent (ir_trace_lend), printed by
                             armjit_loop_dis (NULL: ARMJIT_NO_LISTING or
                             out of memory) */
  /* Debugging and profiling (loop_debug.c). */
  char *name;             /* symbol: loop<N>[_<label>] */
  ajx_merge_point *mps;   /* debug_merge_points in op order */
  uint32_t nmps;
  ajx_gdbjit_entry *gdb;  /* registration with gdb, or NULL */
  bool listed;            /* in the context's list for armjit_lookup_pc */
  /* Labels, bridges and invalidation (loop_bridge.c).  A loop and the
   * bridges attached to it, to any depth, are a *family*; the loop is its
   * root and owns them. */
  ajx_loop_label *labels;
  uint32_t nlabels;
  armjit_loop *root;      /* the family's loop (itself for a loop) */
  armjit_loop *parent;    /* bridge: the trace whose guard enters it */
  uint32_t parent_exit;   /* bridge: that guard's exit (parent's numbering) */
  uint32_t entry;         /* bridge: offset its guard branches to */
  int32_t depth;          /* bytes below fp of sp in the body (>= frame_bytes) */
  armjit_loop **targets;  /* bridge: roots of other families it jumps to */
  uint32_t ntargets;
  /* root only */
  armjit_loop **members;  /* every live trace of the family, by id_base */
  uint32_t nmembers, capmembers;
  uint32_t next_id;       /* the next bridge's first exit id */
  uint32_t jumpers;       /* bridges of other families jumping into this one */
  uint32_t njumping;      /* bridges of this family jumping into others */
  bool invalidated;       /* armjit_loop_invalidate was called */
};

/* Compile t as a loop (env.bridge NULL) or a bridge into l (set up by
 * ajx_loop_alloc): code generation, the code object, the tables; `text`
 * is the trace as its user gave it (for a bridge, t is a view of it),
 * lent to l as its listing. */
armjit_loop *ajx_loop_alloc(armjit_ctx *ctx, const armjit_trace *t, armjit_error *err);
armjit_status ajx_loop_build(armjit_loop *l, const armjit_trace *t, armjit_trace *text,
                             const cg_bridge *bridge, armjit_error *err);
/* Free l's own memory and code (not its bridges). */
void ajx_loop_destroy(armjit_loop *l);
/* Free a whole family (root) and every bridge of it. */
void ajx_family_free(armjit_loop *root);
/* The trace of root's family that exit `id` (family numbering) belongs
 * to, or NULL. */
const armjit_loop *ajx_family_member(const armjit_loop *root, uint32_t id);
/* Frame slots a run of loop needs: its family's and those of the
 * families its bridges jump to. */
uint32_t ajx_family_capacity(const armjit_loop *root);

/* Stack check, interrupts, counters, redirected jumps (rt/loop_ctl.c). */
/* Exits a trace compiled from t has after the trace's own: an interrupt
 * exit per label when the context is ARMJIT_INTERRUPTIBLE, then a jump
 * exit per label of another trace (ARMJIT_EXIT_JUMP, bridges only). */
uint32_t ajx_interrupt_exits(const armjit_trace *t);
/* Fill l->exits / l->emeta for them (kind, name, types, op). */
bool ajx_copy_interrupt_exits(armjit_loop *l, const armjit_trace *t);
/* Bridge b jumps to labels of owners[k] (per label of another trace). */
void ajx_note_jumps(armjit_loop *b, const armjit_trace *t, const armjit_loop *const *owners);
/* Point the jumps of other families' bridges at old's first label to
 * new_loop (armjit_loop_redirect); ARMJIT_E_INVALID when new cannot be
 * entered that way, nothing changed. */
armjit_status ajx_redirect_jumps(armjit_loop *old, armjit_loop *new_loop, armjit_error *err);
/* Run loop l on f: its entry, then while the run leaves through a
 * redirected jump, the entry of the loop it goes to.  The exit id (family
 * numbering of the trace in f->reserved[1]) or an ARMJIT_EXIT_*. */
int32_t ajx_enter(armjit_loop *l, armjit_frame *f);
/* After an entry returned id: the same, or where a redirected jump leads. */
int32_t ajx_continue(armjit_frame *f, int32_t id);
/* The addresses cg_env takes for call_assembler, the stack check, the
 * interrupt word and l's counters (0 when the context does not ask). */
void ajx_loop_env(const armjit_loop *l, cg_env *env);
/* A run that ended with ARMJIT_EXIT_* `id` < 0: f and err say so. */
int ajx_run_ended(armjit_frame *f, int32_t id, armjit_error *err);

/* call_assembler (rt/callasm.c): a freed loop is no token's target. */
void ajx_tokens_forget_loop(armjit_loop *l);
/* The trampoline compiled code calls for call_assembler: runs tok's loop
 * on f (the callee frame the caller built on its stack: capacity and the
 * arguments as inputs) and leaves the op's result in f->values[0].
 * Returns 0, or the ARMJIT_EXIT_* that ends the caller's run. */
int32_t ajx_call_assembler(armjit_token *tok, armjit_frame *f);

/* Once the code is final and executable: name the loop, keep its merge
 * points, register it with gdb (unless ARMJIT_NO_GDB_JIT; only where the
 * code can run), append it to the perf map (ARMJIT_PERF_MAP) and list it
 * for armjit_lookup_pc.  frame: the prologue's shape. */
armjit_status ajx_loop_debug_init(armjit_loop *l, const armjit_trace *t,
                                  const ajx_dbg_frame *frame, armjit_error *err);
/* Undo ajx_loop_debug_init (any part of it); before the code is freed. */
void ajx_loop_debug_fini(armjit_loop *l);
/* The debug description of l (ranges and data spans in caller arrays of
 * at least nexits + 2 and npools entries; names point into *names, allocated
 * from the context; free it with ajx_free). */
armjit_status ajx_loop_debug_object(const armjit_loop *l, const ajx_dbg_frame *frame,
                                    ajx_dbg_object *o, ajx_dbg_range *ranges,
                                    ajx_dbg_span *data, char **names);
/* Is byte offset off of l's code in one of its float constant pools? */
bool ajx_loop_pool_at(const armjit_loop *l, uint32_t off);
/* Fill info for byte offset off of l's code (armjit_lookup_pc). */
void ajx_loop_lookup(const armjit_loop *l, uint32_t off, armjit_pc_info *info);

#endif
