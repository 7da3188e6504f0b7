/* SPDX-License-Identifier: MIT */
/* Register allocator state for one forward pass over a trace (PyPy's
 * shape): lowering walks the ops in order and asks, per op, for its
 * arguments in registers (ra_use), for a register for its result (ra_def)
 * and for temporaries; the allocator picks registers, chooses spill
 * victims (furthest next real use, values only needed by exits first,
 * values that already own a slot next) and hands out stack slots.
 *
 * The allocator never encodes instructions: moves it needs (spill store,
 * reload, register-to-register) go through the `move` callback that
 * lowering provides.  Constants never get a slot: a free register may
 * *cache* one (the cache is dropped for free when the register is needed).
 *
 * Register classes: core r0..r10 (INT and REF values), VFP d0..d14
 * (FLOAT).  fp, ip, lr and d15 are reserved (loc.h). */
#ifndef ARMJIT_RA_ALLOC_H
#define ARMJIT_RA_ALLOC_H

#include "ra/frame.h"
#include "ra/live.h"
#include "ra/loc.h"

/* Bank sizes (ARM_NCORE, ARM_NVFP) and the caller-saved masks
 * (ARM_CORE_CALLER, ARM_VFP_CALLER) are target facts: arm/target.h. */

typedef void (*ra_move_fn)(void *ud, ra_loc dst, ra_loc src);

typedef struct {
  int32_t val;   /* value in the register, -1 when free */
  ir_ref cnst;   /* while free: constant it still holds, else IR_NONE */
} ra_regstate;

typedef struct {
  armjit_ctx *ctx;
  const armjit_trace *t;
  const ra_live *lv;
  bool random;             /* ARMJIT_RANDOM_RA */
  uint32_t pos;            /* index of the op being lowered */

  int8_t *reg;             /* per value: register, -1 none */
  int32_t *slot;           /* per value: stack slot (negative fp offset), 0 none */
  uint8_t *pinned;         /* per value: its slot is a label location, never
                              reused (a jump writes it while other slots are
                              live, and the move resolver needs slots that
                              either coincide or are disjoint) */
  uint32_t *cursor;        /* per value: memo for ra_next_real_use */
  ra_regstate core[ARM_NCORE], vfp[ARM_NVFP];
  uint32_t lock_core, lock_vfp;  /* registers the current op relies on */
  ir_ref extra;            /* ra_extra_use of the current op, or IR_NONE */
  uint32_t temp_core, temp_vfp;  /* temporaries of the current op (the
                                    result may not take them) */

  const uint32_t *calls;   /* ascending op indices of helper calls */
  uint32_t ncalls;

  const ra_loc *jump_locs; /* locations of the final jump's label, or NULL */
  const ir_ref *jump_vals; /* that label's arguments */
  uint32_t njump_locs;

  ra_frame frame;          /* spill slots */

  ra_move_fn move;
  void *ud;
  armjit_status status;    /* first failure (NOMEM, LIMIT), OK otherwise */
  char why[256];
} ra_state;

/* fixed_bytes: bytes below fp reserved before the first slot. */
armjit_status ra_init(ra_state *ra, armjit_ctx *ctx, const armjit_trace *t,
                      const ra_live *lv, int32_t fixed_bytes, ra_move_fn move,
                      void *ud, armjit_error *err);
void ra_fini(ra_state *ra);

static inline bool ra_is_float(const ra_state *ra, ir_ref v) {
  return ir_ref_type(ra->t, v) == ARMJIT_FLOAT;
}
/* Where v is now: a register if it has one, else its slot; a constant's
 * location for constants; LOC_NONE when v is not materialized anywhere. */
ra_loc ra_where(const ra_state *ra, ir_ref v);

/* Begin op `pos`: clears the locks. */
void ra_begin_op(ra_state *ra, uint32_t pos);
/* Variable v in a register (reloaded if it was spilled), locked for this op. */
int ra_use(ra_state *ra, ir_ref v);
/* Release the registers (and slots) of values whose last use is this op,
 * so the result may reuse them.  Locks stay. */
void ra_release_dying(ra_state *ra);
/* A register for the result v (hint: preferred register or -1), locked.
 * The jump hint (the register of the label argument v will be passed as)
 * is tried first. */
int ra_def(ra_state *ra, ir_ref v, int hint);
/* Put v in register r, which must be free (call results). */
void ra_def_fixed(ra_state *ra, ir_ref v, bool vfp, int r);
/* v is read by the current op although not one of its arguments (a folded
 * shift's source): released with the dying arguments when this is its
 * last use. */
void ra_extra_use(ra_state *ra, ir_ref v);
/* End of op: free everything dead after it, unlock. */
void ra_end_op(ra_state *ra);

/* A register holding constant k (cached in a free register), or -1.
 * A hit is locked for this op. */
int ra_const_reg(ra_state *ra, ir_ref k);
/* A free register to load constant k into (no spilling), or -1; the caller
 * emits the load, the register is recorded as caching k and locked. */
int ra_const_take(ra_state *ra, ir_ref k);
/* The constant free core register r caches, or IR_NONE. */
ir_ref ra_cached_const(const ra_state *ra, int r);
/* A locked temporary register of the class, spilling if necessary; it holds
 * no value (free again after the op). */
int ra_temp(ra_state *ra, bool vfp);

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
/* Label: every value but `args` is dropped (IR rule), cached constants are
 * forgotten, and each argument's location is returned in locs (a register
 * when it has one; a spilled argument with more real uses is reloaded
 * into a free register when there is one).  args must be distinct
 * variables. */
void ra_label(ra_state *ra, const ir_ref *args, uint32_t n, ra_loc *locs);

/* Frame bytes below fp, rounded up to 8. */
int32_t ra_frame_bytes(const ra_state *ra);

#endif
