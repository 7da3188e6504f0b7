/* SPDX-License-Identifier: MIT */
/* randset — random sets of traces for differential testing of bridges:
 * one or two loops (randtrace.h), then random bridges on random guards,
 * chains up to RS_MAX_DEPTH deep, each ending in one of the RS_END_*
 * ways, and sometimes a loop that is invalidated before its second run
 * or during a run (a helper it calls invalidates it when its trip
 * counter reaches a given value).
 *
 * Termination: every trace carries its family's trip counter (the loop's
 * counter is appended to a bridged guard's fail args when it is not one
 * of them).  A bridge that jumps to a label decrements it first and
 * leaves when it would go below 0, and every loop decrements it on each
 * iteration, so the counter falls on every label-to-label path and every
 * run ends.
 *
 * call_assembler: some sets get a callee loop (two ints in, a guard that
 * fails for some values, a finish) that loops call before their jump,
 * the result added into one of the values the jump carries.
 *
 * Adding a kind of trace or op: a new RS_END_* (the bridge's last ops are
 * written by end_* in randset.c), or a pass over the generated set before
 * it is built (like add_invalidation), which may insert ops into any
 * trace (appending an op and moving it before the final jump, as
 * move_before_jump does). */
#ifndef ARMJIT_TESTS_RANDSET_H
#define ARMJIT_TESTS_RANDSET_H

#include <stdbool.h>
#include <stdint.h>

#include "armjit.h"
#include "randenv.h"
#include "randtrace.h"

#define RS_MAX 8        /* traces in a set */
#define RS_MAX_DEPTH 3  /* bridges of bridges of bridges */

typedef enum {
  RS_END_LOOP,          /* a loop: the loop's own jump (or another loop's: none) */
  RS_END_FINISH,        /* a bridge that finishes */
  RS_END_OWN_LOOP,      /* a bridge with a label/jump loop of its own */
  RS_END_JUMP_HOME,     /* a bridge jumping to a label of its family's loop */
  RS_END_JUMP_OTHER,    /* a bridge jumping to a label of another loop */
  RS_END_COUNT
} rs_end;

/* Invalidation of one loop of the set. */
typedef enum { RS_INVAL_NONE, RS_INVAL_BEFORE, RS_INVAL_DURING } rs_inval_mode;

/* What the invalidating helper sees (its address is a constant of the
 * trace that calls it): the side running now and what to invalidate. */
typedef struct {
  int32_t at;            /* invalidate when the counter passed equals this */
  bool fired;            /* once per run */
  bool compiled;         /* the compiled side is running */
  armjit_loop *loop;     /* compiled: armjit_loop_invalidate(loop) */
  int *flag;             /* interpreted: *flag = 1 */
} rs_inval;

typedef struct {
  unsigned n, nloops;
  rt_trace g[RS_MAX];
  int parent[RS_MAX];    /* entry of the parent, -1 for a loop */
  uint32_t guard_op[RS_MAX]; /* bridge: the parent's guard op */
  int exit_id[RS_MAX];   /* bridge: that guard's exit number in the parent */
  rs_end end[RS_MAX];
  unsigned depth[RS_MAX];
  char name[RS_MAX][16]; /* l0, l1, b2, ... (labels are <name>_L<k>) */
  rs_inval_mode inval_mode;
  int inval_entry;       /* the loop invalidated, or -1 */
  rs_inval inval;        /* must not move after rs_generate: traces point to it */
  int callee;            /* the entry loops call with call_assembler, or -1 */
  char callee_text[320]; /* its trace (the text form) */
  /* A GC set: its traces have GC ops (rt_config.gc_pct) and run in env,
   * one collector's heap for the whole set (reset before each side of a
   * run: rt_env_reset); its bridges finish or loop on their own. */
  bool gc;
  rt_env env;
  armjit_ctx *gctx;      /* a context with env's collector (generation) */
} rs_set;

/* Generate a set (gctx: a context for guard repair of the loops), a GC
 * set when gc.  The set must stay where it is until it is cleared. */
bool rs_generate(rt_rng *r, armjit_ctx *gctx, bool gc, rs_set *s);
void rs_clear(rs_set *s);
/* Build every trace in ctx as a set (armjit_set_entry array, malloc'd
 * with its traces: hand it to bset_init, which frees it). */
armjit_set_entry *rs_build(armjit_ctx *ctx, const rs_set *s);
/* Bind the token of the calls to the callee's loop and trace and register
 * the assembler helper (a callee's guard: 3 * its first value + exit id). */
void rs_bind_callee(const rs_set *s, armjit_ctx *ctx, const armjit_set_entry *set,
                    armjit_loop *const *loops);
/* Print the set in the text form of armjit_set_parse. */
void rs_print(FILE *out, const armjit_set_entry *set, unsigned n);

/* Counts over generated sets, for the summary line. */
typedef struct {
  unsigned sets, bridges, depth3, ends[RS_END_COUNT], inval[3];
  unsigned callasm_sets, callasm_calls; /* sets with call_assembler, calls in them */
} rs_stats;
void rs_count(rs_stats *st, const rs_set *s);

#endif
