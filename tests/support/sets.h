/* SPDX-License-Identifier: MIT */
/* sets.h — trace sets (loops and bridges in the text form of docs/ir.md)
 * that several tests run, each with what it computes. */
#ifndef ARMJIT_TEST_SETS_H
#define ARMJIT_TEST_SETS_H

#include <stdint.h>

/* Loop `main` over [i0, i1) with the sum in i2, labelled L: adds i for
 * even i; for odd i its guard_false `odd` [i0, i1, i2] fails into bridge
 * `odd`, which adds 3*i and jumps back to L.  guard_true `done` [i0, i2]
 * leaves when i0 reaches i1. */
extern const char sets_sum_odd[];
/* What sets_sum_odd leaves in i2, started from i2 = 0. */
int32_t sets_sum_odd_ref(int32_t a, int32_t b);

/* Loop `a` (label LA over [i0, i1]: i0 += 1, i1 += 2 while i0 < 10; exit
 * `ten` [i0, i1]), loop `b` (label LB over [f0, i1, i2]: f0 *= 1.5,
 * i1 += 1 while i1 < i2; exit `bdone` [f3, i4, i2]) and bridge `ab` on
 * a.ten that jumps to LB with (float(i1), 0, i0 + 5): a bridge of one
 * loop entering another (PyPy's test_jump_to_other_loop). */
extern const char sets_other_loop[];

#endif
