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

#endif
