/* SPDX-License-Identifier: MIT */
/* mc_gen.h — random valid modules of the method IR, for differential tests
 * (compiled code against the reference interpreter) and for the text form.
 *
 * mc_gen(ctx, seed, options, &c) builds one module from a seed: functions
 * mcg_f0 ... mcg_f<N-1>, where f<k> may call f<j> only for j > k (so every
 * run ends), each taking the memory buffer as its first parameter (a ref)
 * and 0..6 more of any type.  Bodies are structured regions nested up to
 * max_depth: straight ops, if/else diamonds and one-armed ifs (critical
 * edges), loops with a counter and 1..3 carried values passed on in
 * rotated or swapped order (trip counts 0..4, fixed or from a parameter),
 * switches (dense and sparse keys; a dense one covering all of 0..7 has an
 * unreachable default), calls to other generated functions
 * (direct, and indirect through addr), calls to the C helpers below, and
 * every op of the IR on every type, and exceptions: try regions (blocks
 * whose handler lists name 1..2 handlers tagged 2..5 or catch all, nested,
 * the entry function's body under a catch all so nothing is uncaught),
 * arms ending in throw or trap, checks whose trap handler returns an
 * exception (the number 1 + code % 60, none for codes divisible by 4).
 * mcg_match (t divides e) and mcg_uncaught add to the trap sum.  Loads and stores touch only
 * mem[0 .. MC_GEN_MEM) through the buffer parameter, aligned, and in half
 * of the modules a data table too: mcg_tab (data or bss, MC_GEN_TAB bytes,
 * through addr @mcg_tab); on a 32-bit host some modules call through a
 * function table in rodata as well (mcg_vt: the addresses of mcg_f1...,
 * loaded and called with call_ind).  Checks trap
 * to the C handler mcg_trap, which counts (mc_gen_trap_sum).
 *
 * What the harness does per case:
 *   mc_gen_register(ctx) once per context (the helpers and mcg_trap);
 *   for each run: mc_gen_reset(&c) (buffer bytes and trap sum), run
 *   c.entry with c.args (types c.types; c.args[0].ref is c.mem), then
 *   compare the result (mc_gen_same), the buffer (memcmp of c.mem) and
 *   mc_gen_trap_sum() with the other run's.
 * Float results compare as "both NaN" or bit-equal: NaN payloads are
 * unspecified (docs/mir.md §2.2).  The generator makes NaN payloads
 * unobservable otherwise: a float is canonicalised (NaN -> the default NaN)
 * before a bitcast, a store, or a C helper call sees it.  Addresses of
 * functions (addr @f) only ever feed call_ind.
 */
#ifndef ARMJIT_TEST_MC_GEN_H
#define ARMJIT_TEST_MC_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armjit/mc.h"

enum {
  MC_GEN_NO_FLOAT  = 1u << 0, /* no f32 / f64 */
  MC_GEN_NO_I64    = 1u << 1, /* no i64 */
  MC_GEN_NO_CALLS  = 1u << 2, /* no calls (between functions or to C) */
  MC_GEN_NO_MEM    = 1u << 3, /* no loads / stores */
  MC_GEN_NO_CHECKS = 1u << 4, /* no check ops (no trap handler) */
  MC_GEN_NO_SWITCH = 1u << 5,
  MC_GEN_NO_LOOPS  = 1u << 6,
  MC_GEN_NO_EXC    = 1u << 7, /* no exceptions (try regions, throw, trap) */
  MC_GEN_NO_DATA   = 1u << 8  /* no data symbols */
};

typedef struct {
  unsigned max_funcs;  /* 0: 3 */
  unsigned max_blocks; /* per function, 0: 16 */
  unsigned max_ops;    /* per straight piece, 0: 6 */
  unsigned max_depth;  /* region nesting, 0: 3 */
  unsigned no;         /* MC_GEN_NO_* */
} mc_gen_options;

enum { MC_GEN_MEM = 1024, MC_GEN_MAX_ARGS = 8, MC_GEN_TAB = 256 };

typedef struct {
  armjit_module *m;
  const char *entry;                    /* "mcg_f0" */
  unsigned nargs;
  armjit_mtype types[MC_GEN_MAX_ARGS];  /* types[0] = ARMJIT_T_REF, the buffer */
  armjit_mval args[MC_GEN_MAX_ARGS];
  armjit_mtype result;                  /* may be ARMJIT_T_VOID */
  uint8_t *mem;                         /* MC_GEN_MEM bytes, 16-byte aligned */
  uint8_t init[MC_GEN_MEM];             /* its bytes before every run */
  unsigned nfuncs, nblocks, nops;       /* what was generated */
  const char *tab;                      /* a data table the code reads and writes
                                           (MC_GEN_TAB bytes), NULL: none */
  uint8_t tab_init[MC_GEN_TAB];         /* its bytes before the first run */
} mc_gen_case;

/* Build case c from seed (o may be NULL).  ARMJIT_OK, or the status of the
 * builder (a generator bug; the message in err). */
armjit_status mc_gen(armjit_ctx *ctx, uint64_t seed, const mc_gen_options *o, mc_gen_case *c,
                     armjit_error *err);
void mc_gen_free(mc_gen_case *c);

/* Register the C helpers and mcg_trap among ctx's symbols. */
void mc_gen_register(armjit_ctx *ctx);
/* Restore the buffer's initial bytes and zero the trap sum. */
void mc_gen_reset(mc_gen_case *c);
/* What the checks that trapped since the last reset add up to (codes
 * hashed with their order). */
uint64_t mc_gen_trap_sum(void);
/* Exceptions made by the trap handler plus exc_match calls, since the
 * process started (a measure of how much unwinding the runs did). */
uint64_t mc_gen_exc_events(void);
/* Two results of type t equal (NaN equals NaN). */
bool mc_gen_same(armjit_mtype t, armjit_mval a, armjit_mval b);

#endif
