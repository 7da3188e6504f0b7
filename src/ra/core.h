/* SPDX-License-Identifier: MIT */
/* Register allocator core: register banks, requests with allowed-register
 * masks, locks and temporaries, the constant cache, victim choice and
 * spill slots.  It knows values only as numbers 0..nvals-1 with a storage
 * type each; it knows nothing of traces, blocks or ops.  A *policy* on top
 * (the trace allocator in alloc.c, or any other client) decides when
 * values are defined, used and dead, ranks spill victims, and says what
 * happens at calls and block boundaries.
 *
 * Inputs:
 *   - nvals and a type per value (ra/loc.h storage types: INT, REF,
 *     FLOAT, ARM_TY_I64, ARM_TY_F32), owned by the client and unchanged
 *     while the core lives;
 *   - a client: `move` emits `dst <- src` (spill store, reload,
 *     register-to-register), `victim_cost` ranks occupied registers for
 *     eviction (the highest goes first; e.g. the distance to the value's
 *     next use; a function of the value and the client's state, asked once
 *     per value of a candidate register), and the optional `spill_slot`
 *     names a slot a value should spill to (it is then pinned: kept
 *     reserved after the value dies);
 *   - per request an ra_req: the allowed registers (LuaJIT's `allow`
 *     idea: fixed ABI registers, even/odd pairs for LDRD, a subset the
 *     instruction can encode), a hint, which half of the bank to prefer
 *     (caller- or callee-saved), and whether a register locked by the
 *     current op but free again may be taken (a result reusing an operand
 *     that died).
 *
 * Registers (arm/target.h): core r0..r10 hold INT/REF values, I64 values
 * take an even/odd-free pair rN:rN+1 (N even unless `allow` says
 * otherwise); the VFP bank is kept as s-sized units s0..s29: a FLOAT value
 * takes d<k> = s2k:s2k+1, an F32 value one s register.  Register numbers in
 * the API are in each type's own numbering: r for INT/REF/I64 (the low
 * register of a pair), d for FLOAT, s for F32; `allow` masks use the same
 * numbering (0: every allocatable register of the type).
 *
 * Outputs: registers (locked for the current op), locations (ra_loc), and
 * the moves emitted through the client; a first failure (NOMEM, LIMIT, an
 * internal inconsistency) is kept in `status`/`why` (sticky, the client
 * checks once).
 *
 * Guarantees:
 *   - no two values ever share a storage unit (a pair or a d register
 *     covers both of its units);
 *   - every register returned satisfies the request's allow mask and the
 *     type's alignment;
 *   - a value evicted from its register is stored to its slot first
 *     unless it already owns one (values are written once, so a slot never
 *     goes stale); ra_core_use reloads it; a value's slot stays its slot
 *     until ra_core_free or ra_core_drop_slot;
 *   - locked registers (every register handed out since ra_core_end_op)
 *     and temporaries are never evicted; temporaries are never given to
 *     another request of the same op;
 *   - a cached constant lives only in a free register; taking any unit of
 *     the register drops it.
 *
 * Cost: every request is O(registers of the bank) plus the client's
 * callbacks, spill slots O(1) amortized (ra/frame.c); memory O(nvals). */
#ifndef ARMJIT_RA_CORE_H
#define ARMJIT_RA_CORE_H

#include "ra/frame.h"
#include "ra/loc.h"

/* Which half of a bank a request prefers. */
enum { RA_PREFER_ANY, RA_PREFER_CALLER, RA_PREFER_CALLEE };

typedef struct {
  uint32_t allow;  /* allowed registers (bit per register of the type's
                      numbering); 0 = every allocatable one */
  int hint;        /* preferred register, -1 none */
  uint8_t prefer;  /* RA_PREFER_* */
  bool dead_ok;    /* may take a register the current op locked that is free
                      again (an operand released as dying) */
} ra_req;

/* The default request: any register, no hint, no preference. */
static inline ra_req ra_req_any(void) {
  ra_req r = {0, -1, RA_PREFER_ANY, false};
  return r;
}

typedef struct {
  void (*move)(void *ud, ra_loc dst, ra_loc src);
  int64_t (*victim_cost)(void *ud, uint32_t v);
  int32_t (*spill_slot)(void *ud, uint32_t v);  /* may be NULL */
  void *move_ud;                                /* for move */
  void *policy_ud;                              /* for victim_cost, spill_slot */
} ra_client;

typedef struct {
  int32_t val;     /* value whose register covers this unit, -1 none */
  uint8_t ctype;   /* constant cached in the register starting here:
                      its storage type + 1, 0 none */
  uint64_t cbits;  /* its bits (a word zero-extended) */
  int32_t ctag;    /* the client's name for it */
} ra_unit;

typedef struct {
  armjit_ctx *ctx;
  ra_client cl;
  bool random;             /* ARMJIT_RANDOM_RA: random free/victim choice */
  uint32_t nvals;
  /* Per value, in one record (where a value is gets asked at random:
   * one cache line, not three): */
  struct ra_val {
    int32_t slot;          /* slot (negative fp offset), 0 none */
    int8_t reg;            /* register (type's numbering), -1 */
    uint8_t type;          /* storage type (copied from the types given) */
    uint8_t pinned;        /* its slot is never handed out again */
  } *val;
  ra_unit unit[2][ARM_NSINGLE]; /* [0] core r0..r10, [1] VFP s0..s29 */
  uint32_t lock[2], temp[2];    /* unit masks for the current op */
  uint32_t occ[2], cached[2];   /* unit masks: covered by a value / by a
                                   cached constant */
  ra_frame frame;
  armjit_status status;    /* first failure, ARMJIT_OK otherwise */
  char why[256];
} ra_core;

/* fixed_bytes: bytes below fp reserved before the first slot; types[v]:
 * value v's storage type (copied). */
armjit_status ra_core_init(ra_core *rc, armjit_ctx *ctx, uint32_t nvals, const uint8_t *types,
                           int32_t fixed_bytes, const ra_client *cl, armjit_error *err);
void ra_core_fini(ra_core *rc);
/* Record a failure (the first one is kept). */
void ra_core_fail(ra_core *rc, armjit_status st, const char *why);

/* ---- queries ---- */
/* v's register (type's numbering) or -1; its slot or 0. */
static inline int ra_core_reg(const ra_core *rc, uint32_t v) { return rc->val[v].reg; }
static inline int32_t ra_core_slot(const ra_core *rc, uint32_t v) { return rc->val[v].slot; }
/* The location of register r for a value of `type`. */
static inline ra_loc ra_core_reg_loc(int type, int r) {
  switch (type) {
  case ARMJIT_FLOAT: return ra_vreg(r);
  case ARM_TY_F32: return ra_sreg(r);
  case ARM_TY_I64: return ra_pair(r);
  default: return ra_reg(r, type);
  }
}
/* Where v is now: its register if it has one, else its slot, else
 * LOC_NONE. */
static inline ra_loc ra_core_where(const ra_core *rc, uint32_t v) {
  if (v >= rc->nvals) return ra_none();
  if (rc->val[v].reg >= 0) return ra_core_reg_loc(rc->val[v].type, rc->val[v].reg);
  if (rc->val[v].slot) return ra_stack(rc->val[v].slot, rc->val[v].type);
  return ra_none();
}
/* The value covering unit u of the bank (core: r<u>, VFP: s<u>), or -1. */
static inline int32_t ra_core_value_at(const ra_core *rc, bool vfp, int u) {
  return u >= 0 && u < (vfp ? ARM_NSINGLE : ARM_NCORE) ? rc->unit[vfp][u].val : -1;
}
/* Index of the lowest set bit of m (m != 0). */
static inline int ra_lowest_bit(uint32_t m) { return __builtin_ctz(m); }
/* Register r of `type` holds no value and is no temporary (a lock does
 * not matter). */
bool ra_core_is_free(const ra_core *rc, int type, int r);
/* Bytes below fp the frame needs (a multiple of 8). */
int32_t ra_core_frame_bytes(const ra_core *rc);

/* ---- registers for values ---- */
/* A free register for `type` satisfying rq (no eviction, no effect), or -1. */
int ra_core_pick_free(ra_core *rc, int type, const ra_req *rq);
/* v in a register allowed by rq, locked: its own if allowed, else moved
 * (reg->reg) or reloaded from its slot into one; a victim is evicted if
 * none is free. */
int ra_core_use(ra_core *rc, uint32_t v, const ra_req *rq);
/* A register for a new value v (evicting if needed), locked. */
int ra_core_def(ra_core *rc, uint32_t v, const ra_req *rq);
/* v goes in register r (a call result): occupants are evicted first. */
void ra_core_def_fixed(ra_core *rc, uint32_t v, int r);
/* v (which has no register) takes the free register r, with no move
 * (entry values, a block's incoming state); with `reload` v's value is
 * loaded there from its slot. */
void ra_core_assign(ra_core *rc, uint32_t v, int r, bool reload);
/* v moves from its register to the free register r (emits r <- old). */
void ra_core_move_to(ra_core *rc, uint32_t v, int r);
/* v leaves its register (stored to a slot first if it has none). */
void ra_core_spill(ra_core *rc, uint32_t v);
/* A locked temporary register of `type` holding no value. */
int ra_core_temp(ra_core *rc, int type, const ra_req *rq);
/* v is dead: its register is free, its slot given back (unless pinned). */
void ra_core_free(ra_core *rc, uint32_t v);
/* End of an op: every lock and temporary is released. */
static inline void ra_core_end_op(ra_core *rc) {
  rc->lock[0] = rc->lock[1] = 0;
  rc->temp[0] = rc->temp[1] = 0;
}

/* ---- slots ---- */
/* A fresh slot for v (which has none); returns its offset. */
int32_t ra_core_new_slot(ra_core *rc, uint32_t v);
/* v (which has none) owns the slot at off, claimed from the frame (a
 * bridge input in its parent's slot). */
void ra_core_set_slot(ra_core *rc, uint32_t v, int32_t off);
/* v forgets its slot (given back unless pinned). */
void ra_core_drop_slot(ra_core *rc, uint32_t v);
/* v's slot is never handed out again (a block's entry location). */
void ra_core_pin(ra_core *rc, uint32_t v);

/* ---- the constant cache ---- */
/* A free register of `type` caching `bits`, locked, or -1. */
int ra_core_const_reg(ra_core *rc, int type, uint64_t bits);
/* A free register (no eviction) that will cache `bits` (named `tag`),
 * locked; the caller loads it.  -1 when none is free. */
int ra_core_const_take(ra_core *rc, int type, const ra_req *rq, uint64_t bits, int32_t tag);
/* Does free register r of `type` still cache `bits`? */
bool ra_core_caches(const ra_core *rc, int type, int r, uint64_t bits);
/* The tag of the word constant cached in free core register r, if any. */
bool ra_core_cached_word(const ra_core *rc, int r, int32_t *tag);
/* Drop cached constants in the given units (core, VFP unit masks). */
void ra_core_forget(ra_core *rc, uint32_t core_units, uint32_t vfp_units);
/* A call clobbers these units: no value may be in them (an internal
 * failure otherwise) and their cached constants are dropped. */
void ra_core_clobber(ra_core *rc, uint32_t core_units, uint32_t vfp_units);

/* The VFP unit mask (s registers) of a mask of d registers d0..d15, e.g.
 * of ARM_VFP_CALLER; core register masks are unit masks already.  (Bit k
 * of dmask spreads to bits 2k and 2k+1; a constant argument folds.) */
static inline uint32_t ra_vfp_units_of_d(uint32_t dmask) {
  uint32_t x = dmask & 0xffffu;
  x = (x | (x << 8)) & 0x00ff00ffu;
  x = (x | (x << 4)) & 0x0f0f0f0fu;
  x = (x | (x << 2)) & 0x33333333u;
  x = (x | (x << 1)) & 0x55555555u;
  return x | (x << 1);
}

#endif
