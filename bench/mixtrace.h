/* SPDX-License-Identifier: MIT */
/* mixtrace — the benchmark's "realistic mix" loop trace of a given size,
 * built through the API (deterministic for a seed).  Of its ops about
 * 25 % are int arithmetic, 19 % memory (field and array loads and stores,
 * array indexes masked with int_and), 14 % guards with 2-10 fail args
 * (each after its compare, another ~14 %), 12 % float arithmetic, 3 %
 * calls, the rest casts, masks and overflow checks:
 *   [p0, p1, i2..i7, f8..f9, i10]     object, int array, 6 ints, 2 floats, trips
 *   label(all inputs)
 *   ... ~nops ops ...
 *   guard_true(count > 0) [...]
 *   jump(...)
 * The trace is compiled only, never run: the pointers need not be valid. */
#ifndef ARMJIT_BENCH_MIXTRACE_H
#define ARMJIT_BENCH_MIXTRACE_H

#include <stdint.h>

#include "armjit.h"

/* The trace has about `nops` ops (nops >= 64); NULL on allocation failure. */
armjit_trace *mix_build(armjit_ctx *ctx, unsigned nops, uint32_t seed);

/* The same trace in two steps, so that a benchmark can time the builder's
 * calls apart from the generator's random choices: a plan is the list of
 * builder calls mix_build makes (made by running it once), and
 * mix_replay makes those calls, and nothing else, on a new trace in ctx.
 * The replay gives the trace of mix_build(ctx, nops, seed); it returns
 * NULL when out of memory or when a call returns other than it did when
 * the plan was made. */
typedef struct mix_plan mix_plan;
mix_plan *mix_plan_new(armjit_ctx *ctx, unsigned nops, uint32_t seed);
armjit_trace *mix_replay(armjit_ctx *ctx, const mix_plan *plan);
void mix_plan_free(mix_plan *plan);

#endif
