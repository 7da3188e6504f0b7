/* SPDX-License-Identifier: MIT */
/* sentinel.h — ABI conformance harness for generated code.
 *
 * The harness is itself generated code: it fills the callee-saved
 * registers r4-r11 and d8-d15 with known values, calls fn(io[0], io[1])
 * (core argument registers r0, r1), stores fn's r0 result into io[0] and
 * returns a mask of the registers whose value changed: bit i for ri
 * (4..11), bit 16+i for d(8+i).  0 means the function kept the AAPCS. */
#ifndef ARMJIT_TEST_SENTINEL_H
#define ARMJIT_TEST_SENTINEL_H

#include <stdint.h>

#include "armjit.h"

typedef uint32_t (*ajt_sentinel_fn)(const void *fn, uint32_t *io);

#define AJT_SENTINEL_D(i) (1u << (16 + (i) - 8)) /* mask bit of d8..d15 */

/* Build the harness in ctx (free with armjit_code_free).  NULL + err on
 * failure. */
armjit_code *ajt_sentinel_harness(armjit_ctx *ctx, armjit_error *err);

/* The harness entry as a callable function pointer. */
ajt_sentinel_fn ajt_sentinel_entry(const armjit_code *harness);

#endif
