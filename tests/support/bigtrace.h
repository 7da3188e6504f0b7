/* SPDX-License-Identifier: MIT */
/* bigtrace.h — deterministic pseudo-random loop traces of a given size, for
 * register-pressure tests and the compile-speed benchmark (no cmocka here:
 * bench/ links this file on its own).
 *
 * Shape:
 *   [i0..i7, f8..f11, i12]            12 loop values and a trip count
 *   label(all inputs)
 *   ... ~nops ops: int and float arithmetic, comparisons, shifts, casts,
 *       divisions, _ovf ops with their guard, guards that (almost) never
 *       fail, each listing a sample of live values and constants ...
 *   guard_true(count > 0) [...]       the loop exit
 *   jump(8 ints, 4 floats, count - 1)
 * Operands come mostly from recent results and sometimes from anywhere in
 * the loop body, so live ranges are short and long. */
#ifndef ARMJIT_TEST_BIGTRACE_H
#define ARMJIT_TEST_BIGTRACE_H

#include <stdint.h>

#include "armjit.h"

enum { BT_NINTS = 8, BT_NFLOATS = 4, BT_NINPUTS = BT_NINTS + BT_NFLOATS + 1 };

/* The trace has exactly `nops` ops (nops >= 64); NULL on allocation failure. */
armjit_trace *bt_build(armjit_ctx *ctx, unsigned nops, uint32_t seed);

/* Inputs for bt_build traces: varied values and `trips` iterations. */
void bt_inputs(armjit_value in[BT_NINPUTS], uint32_t seed, int32_t trips);

#endif
