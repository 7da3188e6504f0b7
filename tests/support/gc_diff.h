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

/* The collector's state after a run: its heap's bytes and its counts. */
typedef struct {
  uint8_t *nursery, *old;
  uint32_t nbytes, obytes;
  uint64_t slow, coll, moved, wb, roots, bad_roots;
  uint64_t wb_array, wb_index_hash; /* the array barrier's calls and their indices */
  bool verified;            /* gcm_verify held */
  char why[200];            /* what it found when not */
} gcd_snap;

/* Take a snapshot of g (the heap is also verified); free it with
 * gcd_snap_free. */
void gcd_take(const gcm *g, gcd_snap *s);
void gcd_snap_free(gcd_snap *s);
/* The interpreted run's snapshot i against the compiled run's c: both
 * heaps verified, no bad roots, the same counts (slow-path calls,
 * collections, moved objects, barrier slow paths; the array barrier's
 * calls with the same indices) and the same bytes.
 * false with a message in why. */
bool gcd_same(const gcd_snap *i, const gcd_snap *c, char *why, size_t n);

/* Make the inputs (after the collector was reset): objects in the heap,
 * values in in[]. */
typedef void (*gcd_setup_fn)(gcm *g, const armjit_trace *t, armjit_value *in, void *ud);

typedef struct {
  uint64_t slow_calls, collections, moved, wb_calls, wb_array_calls, roots_interp, roots_compiled;
  int32_t exit_id;
} gcd_result;

/* Interpret t, then run loop (compiled from t in g's context) from the
 * same state; compare.  false with a message in why.  The heap of the
 * compiled run stays in g; f (capacity >= the trace's) holds its exit. */
bool gcd_compare(gcm *g, armjit_trace *t, armjit_loop *loop, gcd_setup_fn setup, void *ud,
                 armjit_frame *f, gcd_result *res, char *why, size_t n);

#endif
