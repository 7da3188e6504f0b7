/* randtrace — random valid traces for differential testing.
 *
 * A trace is first generated into a small description of our own
 * (rt_trace: ops over stable value ids), then built through the public
 * builder API.  Keeping our own form lets the generator repair guards
 * (flip the ones that exit too early, so runs go deep) and lets the
 * shrinker drop ops and fail args while a mismatch persists.
 *
 * Shapes:
 *   loop:      [inputs] (pre-label ops) label(args, descr=L) body jump(args')
 *              sometimes with a second label (jump to either one).  One
 *              label arg is a counter (input 0..max_trip): the body after
 *              the last label decrements it and a guard exits when it
 *              reaches 0, so every loop ends.
 *   straight:  [inputs] (pre-label ops label(args)) body finish(args)
 * Everything is a pure function of the seed and the config: no globals.
 */
#ifndef ARMJIT_TESTS_RANDTRACE_H
#define ARMJIT_TESTS_RANDTRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "armjit.h"

/* ---- PRNG (splitmix64: tiny, fast, good enough for test generation) ---- */
typedef struct { uint64_t s; } rt_rng;

void rt_rng_seed(rt_rng *r, uint64_t seed);
uint64_t rt_next(rt_rng *r);
/* Uniform in [0, n) (n > 0). */
uint32_t rt_below(rt_rng *r, uint32_t n);
/* True with probability pct/100. */
bool rt_chance(rt_rng *r, unsigned pct);
/* Seed of trace `index` of a run with seed `seed`: each trace is
 * reproducible on its own. */
uint64_t rt_trace_seed(uint64_t seed, uint64_t index);

/* ---- configuration -------------------------------------------------------- */
typedef struct {
  unsigned nops;        /* body ops to generate (guards included) */
  unsigned float_pct;   /* share of float ops, percent */
  unsigned ref_pct;     /* share of ref ops (ptr_eq, guard_nonnull, ...) */
  unsigned guard_pct;   /* guard density: percent of body ops that are guards */
  unsigned max_fail;    /* longest fail-arg list */
  unsigned const_pct;   /* percent of operands that are constants */
  unsigned live;        /* register pressure: operands come from the `live`
                           most recent values, so about that many stay live */
  unsigned nargs;       /* inputs / label args besides the counter */
  unsigned repair;      /* max guard-repair rounds (0: guards stay random) */
  unsigned max_trip;    /* loop counter starts in [0, max_trip] */
  bool loop;            /* loop (label ... jump) or straight line (finish) */
} rt_config;

/* A config with every knob at a random point of its useful range. */
void rt_config_random(rt_rng *r, rt_config *c);

/* ---- generated trace ------------------------------------------------------ */
enum {
  RT_OPF_COUNTER = 1u << 0, /* part of the trip-count machinery: keep */
  RT_OPF_PRE     = 1u << 1  /* before the label */
};

typedef struct {
  uint16_t opc;          /* armjit_opcode */
  uint8_t rtype;         /* result type, ARMJIT_VOID if none */
  uint8_t flags;         /* RT_OPF_* */
  bool dead;             /* removed by the shrinker */
  int32_t res;           /* value id defined, or -1 */
  int32_t a[2];          /* operands (value id >= 0, constant -1-k) */
  uint32_t na;
  uint32_t list, nlist;  /* fail args, or label/jump/finish args (pool) */
  int32_t target;        /* jump: op index of its label */
} rt_op;

typedef struct {
  armjit_type type;
  armjit_value v;
} rt_const;

typedef struct {
  uint32_t ninputs;
  uint32_t nvals, capvals;
  armjit_type *vtype;    /* per value id; ids 0..ninputs-1 are the inputs */
  armjit_value *input;   /* run inputs, ninputs of them */
  bool *input_dead;      /* input removed by the shrinker */

  uint32_t nops, capops;
  rt_op *ops;

  uint32_t nconsts, capconsts;
  rt_const *consts;

  uint32_t npool, cappool;
  int32_t *pool;

  int32_t counter;       /* counter value id (loops), else -1 */
  bool loop;
} rt_trace;

#define RT_CONST(k) (-1 - (int32_t)(k))
#define RT_IS_CONST(r) ((r) < 0)
#define RT_CONST_INDEX(r) ((uint32_t)(-1 - (r)))

/* Generate a trace.  When cfg->repair > 0, ctx is used to interpret it and
 * flip guards that exit early (pass NULL to skip repair).  Returns false
 * only on out-of-memory. */
bool rt_generate(rt_rng *r, const rt_config *cfg, armjit_ctx *ctx, rt_trace *out);
void rt_trace_clear(rt_trace *g);
bool rt_trace_copy(rt_trace *dst, const rt_trace *src);

/* Build it through the public API.  probe: append each guard's operands to
 * its fail list (used by repair to see why a guard failed). */
armjit_trace *rt_build(armjit_ctx *ctx, const rt_trace *g, bool probe);

/* A frame holding the run inputs of g (capacity >= cap, >= inputs). */
armjit_frame *rt_frame(armjit_ctx *ctx, const rt_trace *g, uint32_t cap);

/* Type of a value id or constant reference. */
armjit_type rt_ref_type(const rt_trace *g, int32_t ref);

/* Number of live (non-dead) inputs, and their values in order. */
uint32_t rt_ninputs(const rt_trace *g);

/* Print one value as the regression header does ("# args: ..."): ints in
 * decimal, refs in hex, floats exactly (%.17g, nan, inf, -0.0). */
void rt_print_value(FILE *out, armjit_type ty, armjit_value v);
/* "a b c": the live inputs, as a "# args:" line wants them. */
void rt_print_inputs(FILE *out, const rt_trace *g);

/* ---- shrinking ------------------------------------------------------------ */
/* Returns true when the candidate still shows the problem. */
typedef bool (*rt_pred)(const rt_trace *g, void *ud);
/* Drop ops, label args, fail args and inputs while pred holds; g is
 * replaced by the smallest trace found.  Returns the number of accepted
 * steps. */
unsigned rt_shrink(rt_trace *g, rt_pred pred, void *ud);

#endif
