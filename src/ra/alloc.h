/* SPDX-License-Identifier: MIT */
/* Trace allocation policy: one forward pass over a trace (PyPy's shape),
 * on top of the allocator core (ra/core.h).  Lowering walks the ops in
 * order and asks, per op, for its arguments in registers (ra_use), for a
 * register for its result (ra_def) and for temporaries; this file turns
 * the trace into the core's requests and answers the core's questions:
 *   - next use: the victim cost is the distance to the value's next real
 *     use (live.h), so values only needed by exits go first, then values
 *     that already own a slot;
 *   - call positions: values live across a helper call prefer callee-saved
 *     registers, and ra_call_prepare empties the caller-saved ones;
 *   - the loop's label: its arguments' locations are pinned, and the final
 *     jump's label locations serve as hints (a result defined for a jump
 *     argument takes the label's register; a value spilled after its label
 *     argument died spills straight into the label's slot).
 *
 * The allocator never encodes instructions: moves it needs (spill store,
 * reload, register-to-register) go through the `move` callback that
 * lowering provides.  Constants never get a slot: a free register may
 * *cache* one (the cache is dropped for free when the register is needed).
 *
 * Register classes (arm/target.h): core r0..r10 (INT and REF values), VFP
 * d0..d14 (FLOAT).  fp, ip, lr and d15 are reserved. */
#ifndef ARMJIT_RA_ALLOC_H
#define ARMJIT_RA_ALLOC_H

#include "ra/core.h"
#include "ra/live.h"

typedef void (*ra_move_fn)(void *ud, ra_loc dst, ra_loc src);

typedef struct {
  ra_core core;            /* registers, slots, constant cache */
  armjit_ctx *ctx;
  const armjit_trace *t;
  const ra_live *lv;
  bool random;             /* ARMJIT_RANDOM_RA */
  uint32_t pos;            /* index of the op being lowered */

  uint8_t *types;          /* per value: its type (the core's type table) */
  uint32_t *cursor;        /* per value: memo for ra_next_real_use */
  int32_t *next_use;       /* per value: the real use at the cursor, INT32_MAX */
  ir_ref extra[2];         /* ra_extra_use of the current op, or IR_NONE */
  bool released;           /* ra_release_dying freed this op's dying arguments */

  const uint32_t *calls;   /* ascending op indices of helper calls */
  uint32_t ncalls;
  uint32_t next_call;      /* ra_begin_op: index of the first call after pos */
  int32_t next_call_pos;   /* ...and its op index (INT32_MAX: none) */
  bool began;              /* ra_begin_op was called: those two are kept */

  const ra_loc *jump_locs; /* locations of the final jump's label, or NULL */
  const ir_ref *jump_vals; /* that label's arguments (NULL: another trace's
                              label, whose slots are no hint) */
  uint32_t njump_locs;
} ra_state;

/* fixed_bytes: bytes below fp reserved before the first slot. */
armjit_status ra_init(ra_state *ra, armjit_ctx *ctx, const armjit_trace *t,
                      const ra_live *lv, int32_t fixed_bytes, ra_move_fn move,
                      void *ud, armjit_error *err);
void ra_fini(ra_state *ra);

/* The first failure (NOMEM, LIMIT, internal) and its message. */
static inline armjit_status ra_status(const ra_state *ra) { return ra->core.status; }
static inline const char *ra_why(const ra_state *ra) { return ra->core.why; }

/* Does v live in the VFP bank (a float, i64 or f32)? */
static inline bool ra_is_float(const ra_state *ra, ir_ref v) {
  return ra_storage_of(ir_ref_type(ra->t, v)) == ARMJIT_FLOAT;
}
/* Where v is now: a register if it has one, else its slot; a constant's
 * location for constants; LOC_NONE when v is not materialized anywhere. */
static inline ra_loc ra_where(const ra_state *ra, ir_ref v) {
  if (IR_IS_CONST(v))
    return ra_const((int32_t)IR_CONST_INDEX(v), ra_storage_of(ir_ref_type(ra->t, v)));
  if (v < 0 || (uint32_t)v >= ra->t->nvals) return ra_none();
  return ra_core_where(&ra->core, (uint32_t)v);
}

/* Begin op `pos`: clears the locks. */
void ra_begin_op(ra_state *ra, uint32_t pos);
/* Variable v in a register (reloaded if it was spilled), locked for this op. */
int ra_use(ra_state *ra, ir_ref v);
/* Release the registers (and slots) of values whose last use is this op,
 * so the result may reuse them.  Locks stay.  A second call in the same op
 * (ra_end_op's) looks at the extra uses only: nothing reads an argument
 * after the first. */
void ra_release_dying(ra_state *ra);
/* A register for the result v (hint: preferred register or -1), locked.
 * The jump hint (the register of the label argument v will be passed as)
 * is tried first. */
int ra_def(ra_state *ra, ir_ref v, int hint);
/* Put v in register r, which must be free (call results). */
void ra_def_fixed(ra_state *ra, ir_ref v, bool vfp, int r);
/* v is read by the current op although not one of its arguments (a folded
 * shift's source, a folded multiply's two operands; at most two per op):
 * released with the dying arguments when this is its last use (see
 * ra_live_extend for making it live that long). */
void ra_extra_use(ra_state *ra, ir_ref v);
/* End of op: free everything dead after it, unlock. */
void ra_end_op(ra_state *ra);

/* A register holding constant k (cached in a free register), or -1.
 * A hit is locked for this op. */
int ra_const_reg(ra_state *ra, ir_ref k);
/* A free register to load constant k into (no spilling), or -1; the caller
 * emits the load, the register is recorded as caching k and locked. */
int ra_const_take(ra_state *ra, ir_ref k);
/* Does register r (of k's bank) still cache constant k? */
bool ra_caches_const(const ra_state *ra, int r, ir_ref k);
/* ra_const_take for a constant held through a loop: when the trace calls
 * helpers, a callee-saved register (the calls keep it). */
int ra_const_hold(ra_state *ra, ir_ref k);
/* The constant free core register r caches, or IR_NONE. */
ir_ref ra_cached_const(const ra_state *ra, int r);
/* A locked temporary register of the class, spilling if necessary; it holds
 * no value (free again after the op). */
int ra_temp(ra_state *ra, bool vfp);
/* The same among the registers of `allow` (0: any). */
int ra_temp_in(ra_state *ra, bool vfp, uint32_t allow);

/* Before a helper call at the current op: values still needed after it
 * leave r0-r3 / d0-d7 (to a free callee-saved register, else their slot).
 * After the caller has moved the arguments and released the dying values,
 * ra_call_clobber forgets constants cached in clobbered registers. */
void ra_call_prepare(ra_state *ra);
void ra_call_clobber(ra_state *ra);

/* Entry: where input v is loaded (a free register, else a fresh slot);
 * the location is recorded.  Call in the order inputs should get
 * registers. */
ra_loc ra_place_input(ra_state *ra, ir_ref v);
/* Bridge entry: input v is where its guard left it, loc (a register of
 * its type, or a slot of the parent's frame, which is claimed); no code.
 * Call before anything else is allocated; locations must be distinct. */
void ra_place_at(ra_state *ra, ir_ref v, ra_loc loc);
/* Label: every value but `args` is dropped (IR rule), cached constants are
 * forgotten, and each argument's location is returned in locs (a register
 * when it has one; a spilled argument with more real uses is reloaded
 * into a free register when there is one).  args must be distinct
 * variables. */
void ra_label(ra_state *ra, const ir_ref *args, uint32_t n, ra_loc *locs);

/* Frame bytes below fp, rounded up to 8. */
int32_t ra_frame_bytes(const ra_state *ra);

#endif
