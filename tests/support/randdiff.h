/* SPDX-License-Identifier: MIT */
/* randdiff — one differential run: interpret a trace (the oracle), compile
 * and run it on the same inputs, compare exit id and values (irs_frames_equal).
 * Used by the random differential test, the regression traces and the
 * shrinker's predicate.  Needs ARM to run compiled code. */
#ifndef ARMJIT_TESTS_RANDDIFF_H
#define ARMJIT_TESTS_RANDDIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "armjit.h"
#include "randenv.h"
#include "randtrace.h"

typedef enum {
  RT_SAME,    /* compiled code agrees with the interpreter */
  RT_DIFF,    /* it does not, or compiling/running failed */
  RT_ORACLE   /* the interpreter itself failed (bad test input) */
} rt_verdict;

typedef struct {
  armjit_error ierr;     /* interpreter error (RT_ORACLE) */
  armjit_error cerr;     /* compile or run error */
  armjit_frame *fi;      /* interpreter result */
  armjit_frame *fc;      /* compiled-code result (NULL if not run) */
  armjit_loop *loop;     /* NULL if compiling failed */
  uintptr_t exc_i, exc_c;/* pending exception after each run */
  /* GC traces: the collector's counts in the compiled run (the same as
   * the interpreter's when RT_SAME) */
  uint64_t gc_slow, gc_collections, gc_moved, gc_wb;
  char why[320];         /* what differs */
} rt_diff;

/* Compare on inputs in[0..nin), and for traces with memory and calls (env
 * not NULL) also the arena afterwards and the pending exception, and for
 * GC traces the collector's heap and counts (gc_diff.h).  ctx must come
 * from rt_ctx_new_env(.., env) for those.  Free d with rt_diff_free. */
rt_verdict rt_diff_run(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                       uint32_t nin, rt_env *env, uint64_t max_steps, rt_diff *d);
void rt_diff_free(armjit_ctx *ctx, rt_diff *d);

/* The same in a child process, so that compiled code that crashes or
 * never exits (timeout_s seconds) becomes an RT_DIFF instead of taking the
 * test down; `why` (may be NULL) says which signal or timeout.  Results
 * are not returned: rerun with rt_diff_run for details unless it crashed. */
rt_verdict rt_diff_run_isolated(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                                uint32_t nin, rt_env *env, uint64_t max_steps,
                                unsigned timeout_s, char *why, size_t n);

/* The mismatch in full: what differs, the args header (g's when given,
 * else in[] as "# args:"), the trace text, both results, and the
 * disassembly when `dis` and the loop compiled. */
void rt_diff_report(FILE *out, armjit_trace *t, const rt_trace *g, const armjit_value *in,
                    uint32_t nin, const rt_diff *d, bool dis);

/* Shrink predicate: does the trace still differ when built and compiled
 * in a fresh context with these options?  With ARMJIT_RANDOM_RA and
 * ra_seeds, "differs under any of these allocator seeds": a trace that
 * shrinks keeps failing under some seed even when the allocator's random
 * choices shift. */
typedef struct {
  armjit_options opts;
  const uint32_t *ra_seeds;
  unsigned n_ra_seeds;
  uint64_t max_steps;
  unsigned timeout_s;    /* != 0: run each candidate isolated (crash/hang) */
  unsigned calls;        /* predicate evaluations (statistics) */
} rt_diff_pred;
bool rt_diff_still_fails(const rt_trace *g, void *ud); /* ud: rt_diff_pred */

/* The ARMJIT_RANDOM_RA seeds tests/arm_regress.c runs every regression
 * trace with (k < RT_REGRESS_SEEDS); a file may add its own with a
 * "# ra-seed: N" line. */
#define RT_REGRESS_SEEDS 8
uint32_t rt_regress_seed(unsigned k);

/* Print g as a regression file: "# args:" header then the trace text. */
void rt_print_regress(FILE *out, armjit_ctx *ctx, const rt_trace *g, const char *comment);

#endif
