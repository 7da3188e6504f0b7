/* SPDX-License-Identifier: MIT */
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
  unsigned mem_pct;     /* share of memory ops (field, array, str, copy, class
                           guards) on arena objects; needs an rt_env */
  unsigned call_pct;    /* share of calls of randenv's helpers (with their
                           exception and force guards) */
  unsigned wide_pct;    /* share of i64 and f32 ops (and of inputs, label
                           args and fail args of those types); 0 in
                           rt_config_random, so callers opt in */
  unsigned head_pct;    /* percent of loops whose counter test comes right
                           after the label, the header that rotates
                           (src/cg/cg_ctrl.c); 0 in rt_config_random */
  unsigned gc_pct;      /* share of GC ops (docs/ir.md §15) on objects of the
                           tests' moving collector (randgc.c); needs an
                           rt_env with a collector; 0 in rt_config_random */
  bool loop;            /* loop (label ... jump) or straight line (finish) */
} rt_config;

/* A config with every knob at a random point of its useful range. */
void rt_config_random(rt_rng *r, rt_config *c);

/* ---- generated trace ------------------------------------------------------ */
enum {
  RT_OPF_COUNTER = 1u << 0, /* part of the trip-count machinery: keep */
  RT_OPF_PRE     = 1u << 1  /* before the label */
};

/* Kinds of values beyond their type.  Pinned kinds are never replaced by
 * a constant (the shrinker would make the trace touch address 0).
 * In GC traces (gc_pct) every ref a GC map may hold is a GC object, null,
 * an arena object, a class or exception word or a tagged (odd) word; the
 * others are RT_K_RAW and never reach a label or a GC object's field. */
enum {
  RT_K_PLAIN = 0,
  RT_K_OBJ,     /* ref: an arena object (memory ops may use it) */
  RT_K_FN,      /* ref: a helper's address (call target) */
  RT_K_TOKEN,   /* ref: a force token (only ever passed to a helper) */
  RT_K_RAW,     /* ref, GC traces: no GC reference (a raw load, an address
                   made from an int: maybe into a GC object) */
  RT_K_GCREF,   /* ref: a GC object of unknown type, or null (a load) */
  RT_K_GC0 = 16 /* ref: a GC object of a known type: RT_K_GC(tid, len) */
};
/* A GC object of type tid (gc_cases.h) and length len (arrays and
 * strings: 0 .. 6, -1 unknown). */
#define RT_K_GC(tid, len) ((uint8_t)(RT_K_GC0 + (tid) * 8 + (len) + 1))
#define RT_K_IS_GC(k) ((k) >= RT_K_GC0)
#define RT_K_GC_TID(k) ((unsigned)((k) - RT_K_GC0) / 8)
#define RT_K_GC_LEN(k) ((int32_t)(((k) - RT_K_GC0) % 8) - 1)
#define RT_PINNED(k) ((k) == RT_K_OBJ || (k) == RT_K_FN || RT_K_IS_GC(k))

#define RT_MAXA 5
typedef struct {
  uint16_t opc;          /* armjit_opcode */
  uint8_t rtype;         /* result type, ARMJIT_VOID if none */
  uint8_t flags;         /* RT_OPF_* */
  bool dead;             /* removed by the shrinker */
  int32_t res;           /* value id defined, or -1 */
  int32_t a[RT_MAXA];    /* operands (value id >= 0, constant -1-k) */
  uint32_t na;
  uint32_t list, nlist;  /* fail args, label/jump/finish args, or a call's
                            function and arguments (pool) */
  int32_t target;        /* jump: op index of its label, or
                            RT_TARGET_EXTERNAL: the label named xlabel of
                            another trace (a bridge's jump, randset.h) */
  int32_t descr;         /* memory/call ops: index into descrs, else -1 */
} rt_op;

typedef struct {
  armjit_type type;
  armjit_value v;
  int32_t sym;           /* 0; k+1: helper k's address; RT_SYM_*: a symbol */
} rt_const;
/* Constants that are symbols of the context (rt_ctx_new_env registers
 * them): the context itself, the collector, its collecting function. */
#define RT_SYM_CTX (-1)
#define RT_SYM_GCM (-2)     /* "rt_gcm": the trace's collector (gcm *) */
#define RT_SYM_COLLECT (-3) /* "gcm_collect": gcm_collect_fn(gcm *) */

#define RT_TARGET_EXTERNAL (-2)

enum { RT_D_FIELD, RT_D_ARRAY, RT_D_INTERIOR, RT_D_STR, RT_D_UNICODE, RT_D_CALL, RT_D_XCALL,
       RT_D_TOKEN /* call_assembler: the context's token RT_TOKEN (int, int) -> int */ };
#define RT_TOKEN "rs_callee"
typedef struct {
  uint8_t kind;          /* RT_D_* */
  union {
    armjit_field_descr field;
    armjit_array_descr array;
    armjit_interior_descr interior;
    armjit_str_descr str;
    unsigned helper;     /* RT_D_CALL: index into rt_helpers */
    struct {             /* RT_D_XCALL: a function of the test's own (its */
      const char *sig;   /* address is a ref constant of the call): */
      char res;          /* argument letters (i r f) and result (v i r f) */
    } xcall;
  } u;
} rt_descr;

typedef struct {
  uint32_t ninputs;
  uint32_t nvals, capvals;
  armjit_type *vtype;    /* per value id; ids 0..ninputs-1 are the inputs */
  uint8_t *vkind;        /* per value id: RT_K_* */
  armjit_value *input;   /* run inputs, ninputs of them (objects: .r is the
                            object's index; rt_inputs makes it an address) */
  bool *input_dead;      /* input removed by the shrinker */

  uint32_t nops, capops;
  rt_op *ops;

  uint32_t nconsts, capconsts;
  rt_const *consts;

  uint32_t npool, cappool;
  int32_t *pool;

  uint32_t ndescrs, capdescrs;
  rt_descr *descrs;

  int32_t counter;       /* counter value id (loops), else -1 */
  bool loop;
  bool env;              /* uses memory or calls: runs need an rt_env */
  bool gc;               /* has GC ops: the rt_env needs a collector */
  uint32_t gc_window;    /* the collector's window and collection period */
  uint32_t gc_every;     /* (gc_model.h), chosen with the trace */
  char label_prefix[12]; /* label names: <prefix>L, <prefix>L1, ... */
  char xlabel[32];       /* the external jump's label (RT_TARGET_EXTERNAL) */
  uint64_t env_seed;     /* the arena contents it was generated for */
} rt_trace;

#define RT_CONST(k) (-1 - (int32_t)(k))
#define RT_IS_CONST(r) ((r) < 0)
#define RT_CONST_INDEX(r) ((uint32_t)(-1 - (r)))

/* Generate a trace.  When cfg->repair > 0, ctx is used to interpret it and
 * flip guards that exit early (pass NULL to skip repair); ctx must come
 * from rt_ctx_new when memory ops or calls are enabled.  Returns false
 * only on out-of-memory. */
bool rt_generate(rt_rng *r, const rt_config *cfg, armjit_ctx *ctx, rt_trace *out);
void rt_trace_clear(rt_trace *g);
bool rt_trace_copy(rt_trace *dst, const rt_trace *src);

/* Build it through the public API.  probe: append each guard's operands to
 * its fail list (used by repair to see why a guard failed). */
armjit_trace *rt_build(armjit_ctx *ctx, const rt_trace *g, bool probe);

struct rt_env;
/* A context for random traces: `base` options (may be NULL) plus what
 * memory and call traces need (class offset, helper symbols). */
armjit_ctx *rt_ctx_new(const armjit_options *base);
/* The same for running traces in env (may be NULL): with env's collector
 * (if any) as the GC descriptor, attached to the context, and its
 * symbols (RT_SYM_GCM, RT_SYM_COLLECT). */
armjit_ctx *rt_ctx_new_env(const armjit_options *base, struct rt_env *env);

/* The world g runs in: rt_env_init with g's seed, and a collector for a
 * GC trace.  False on out-of-memory. */
bool rt_env_for(struct rt_env *e, const rt_trace *g);

/* The live inputs of g as run values (objects as addresses in env, which
 * may be NULL for traces without env); caller frees.  *n gets the count. */
armjit_value *rt_inputs(const rt_trace *g, const struct rt_env *env, uint32_t *n);
/* A frame holding them (capacity >= cap, >= inputs). */
armjit_frame *rt_frame(armjit_ctx *ctx, const rt_trace *g, const struct rt_env *env,
                       uint32_t cap);
/* Is op a guard or finish (an exit)? */
bool rt_is_exit(unsigned opc);
/* Index of the op of exit `exit_id`, or -1. */
int32_t rt_exit_op(const rt_trace *g, int exit_id);

/* Does g have an i64 or f32 value (variable or constant)? */
bool rt_uses_wide(const rt_trace *g);
/* How many ops of g are of the ARMJIT_OPS_PYPY group (docs/ir.md §2.8). */
uint32_t rt_count_pypy_ops(const rt_trace *g);
/* The values the compiler knows before lowering (src/cg/cg_known.c) that
 * the trace gives it: guard_true/guard_false on an int value and
 * guard_value(x, constant) on an int or i64 x, the value used again
 * (after the guard or in its own fail args), and int ops of two constants
 * or with an identity constant (x + 0, x & -1, ...). */
uint32_t rt_count_known(const rt_trace *g);
/* Live float and i64 ops every argument of which is a constant: the ones
 * the compiler computes itself (src/cg/cg_known.c). */
uint32_t rt_count_const_wide(const rt_trace *g);
/* float_add(acc, float_mul(x, y)) right after the multiply, the product
 * and acc (a variable) used there for the last time: the compiler's vmla
 * (src/cg/cg_fold.c). */
uint32_t rt_count_mla(const rt_trace *g);

/* How many ops of g are GC ops (docs/ir.md §15: allocations, barriers,
 * keepalive). */
uint32_t rt_count_gc_ops(const rt_trace *g);

/* Type of a value id or constant reference. */
armjit_type rt_ref_type(const rt_trace *g, int32_t ref);

/* Number of live (non-dead) inputs, and their values in order. */
uint32_t rt_ninputs(const rt_trace *g);

/* Print one value as the regression header does ("# args: ..."): ints in
 * decimal, refs in hex, floats exactly (%.17g, nan, inf, -0.0). */
void rt_print_value(FILE *out, armjit_type ty, armjit_value v);
/* "a b c": the live inputs, as a "# args:" line wants them (arena objects
 * as objK: "# env-args:"). */
void rt_print_inputs(FILE *out, const rt_trace *g);
/* The regression-file header: "# env-seed: N" and "# env-args: ..." for
 * env traces, "# args: ..." for the others. */
void rt_print_args_header(FILE *out, const rt_trace *g);

/* ---- shrinking ------------------------------------------------------------ */
/* Returns true when the candidate still shows the problem. */
typedef bool (*rt_pred)(const rt_trace *g, void *ud);
/* Drop ops, label args, fail args and inputs while pred holds; g is
 * replaced by the smallest trace found.  Returns the number of accepted
 * steps. */
unsigned rt_shrink(rt_trace *g, rt_pred pred, void *ud);

#endif
