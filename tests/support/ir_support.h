/* SPDX-License-Identifier: MIT */
/* ir_support.h — test helpers for the IR layer: parse-or-fail, round trips,
 * expected errors, interpreter runs, frame comparison.  Failures fail the
 * current cmocka test with the library's message. */
#ifndef ARMJIT_TESTS_IR_SUPPORT_H
#define ARMJIT_TESTS_IR_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armjit.h"

static inline armjit_value irs_i(int32_t i) { armjit_value v; v.bits = 0; v.i = i; return v; }
static inline armjit_value irs_f(double f) { armjit_value v; v.f = f; return v; }
static inline armjit_value irs_r(uintptr_t r) { armjit_value v; v.bits = 0; v.r = r; return v; }
/* A double from its bits (NaN payloads, -0.0) and back. */
double irs_dbl(uint64_t bits);
uint64_t irs_bits(double d);

/* A default context (fails the test if it cannot be made). */
armjit_ctx *irs_ctx(void);

/* A context with these option flags and random seed (fails the test if it
 * cannot be made). */
armjit_ctx *irs_ctx_with(unsigned flags, uint32_t seed);

/* Parse `text` or fail the test, printing the error with line:column. */
armjit_trace *irs_parse(armjit_ctx *ctx, const char *text);
/* Compile `t` into a loop or fail the test with the error. */
armjit_loop *irs_compile(armjit_ctx *ctx, armjit_trace *t);
/* The printed trace (malloc'd; free()). */
char *irs_print(const armjit_trace *t);
/* The loop's annotated listing, armjit_loop_dis (malloc'd; free()). */
char *irs_listing(const armjit_loop *l);

/* parse(text) -> print -> parse -> print: both prints are equal, and both
 * traces agree on exits (ids, kinds, names, types), value types and
 * constants (bitwise).  Returns the first parsed trace. */
armjit_trace *irs_roundtrip(armjit_ctx *ctx, const char *text);
/* Two traces have the same exits, value types, ops and constants. */
void irs_assert_same_trace(const armjit_trace *a, const armjit_trace *b);

/* Parsing `text` fails with `code` at line:col and the message contains
 * every string of the NULL-terminated list. */
void irs_expect_error(armjit_ctx *ctx, const char *text, armjit_status code, int line,
                      int col, ...);
/* err holds `code` and a message with every string of the NULL-terminated list. */
void irs_expect_err(const armjit_error *err, armjit_status code, ...);

/* Interpret t on inputs in[0..ninputs) (step limit max_steps, 0 = none);
 * the run must succeed.  Returns a frame sized for the trace (free with
 * armjit_frame_free(ctx, f)). */
armjit_frame *irs_run(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                      uint64_t max_steps);

/* Value equality as differential tests need it: floats bitwise except any
 * NaN equals any NaN; ints and refs exactly. */
bool irs_value_same(armjit_type ty, armjit_value a, armjit_value b);
/* Same exit id, value count and values.  With t, values compare by the
 * exit's types (ints and refs by the whole 8-byte slot); without it every
 * slot compares bitwise with NaN == NaN.  `why` says what differs. */
bool irs_frames_equal(const armjit_trace *t, const armjit_frame *a, const armjit_frame *b,
                      char *why, size_t n);
void irs_assert_frames_equal(const armjit_trace *t, const armjit_frame *a,
                             const armjit_frame *b);

#endif
