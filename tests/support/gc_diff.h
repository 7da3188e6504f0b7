/* SPDX-License-Identifier: MIT */
/* gc_diff.h — compiled code against the interpreter under the tests'
 * moving collector: the same trace from the same collector state (reset,
 * then the same setup) must give the same exit, the same values and the
 * same heap, byte for byte (the collector's result does not depend on the
 * order roots are reported in, gc_model.h), and the same counts of
 * slow-path calls, collections, moved objects and barrier calls. */
#ifndef ARMJIT_TESTS_GC_DIFF_H
#define ARMJIT_TESTS_GC_DIFF_H

#include "gc_model.h"

/* Make the inputs (after the collector was reset): objects in the heap,
 * values in in[]. */
typedef void (*gcd_setup_fn)(gcm *g, const armjit_trace *t, armjit_value *in, void *ud);

typedef struct {
  uint64_t slow_calls, collections, moved, wb_calls, roots_interp, roots_compiled;
  int32_t exit_id;
} gcd_result;

/* Interpret t, then run loop (compiled from t in g's context) from the
 * same state; compare.  false with a message in why.  The heap of the
 * compiled run stays in g; f (capacity >= the trace's) holds its exit. */
bool gcd_compare(gcm *g, armjit_trace *t, armjit_loop *loop, gcd_setup_fn setup, void *ud,
                 armjit_frame *f, gcd_result *res, char *why, size_t n);

#endif
