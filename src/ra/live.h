/* SPDX-License-Identifier: MIT */
/* Longevity pre-pass: for every value, where it is used.  The forward
 * allocator asks "is v still needed after op i?" (last_use) and "when is v
 * next needed in a register?" (real uses) to pick spill victims, and
 * "which values die at op i?" (the die lists) to free them after it.
 *
 * A *real* use needs the value in a register: an argument of an ordinary op
 * or guard.  Fail args, label, jump and finish args are *weak* uses: the
 * value may sit in a stack slot or be a constant there, so a value whose
 * remaining uses are all weak is the cheapest spill victim. */
#ifndef ARMJIT_RA_LIVE_H
#define ARMJIT_RA_LIVE_H

#include "ir/ir.h"

typedef struct {
  uint32_t nvals, nops;
  int32_t *last_use;     /* per value: last op using it (any use), -1 none */
  uint32_t *nuses;       /* per value: uses of any kind (counted per slot)
                          * (both have a scratch entry [nvals]: ignore it) */
  uint32_t *real_start;  /* per value + 1: real uses of v are */
  uint32_t *real;        /*   real[real_start[v] .. real_start[v+1]), ascending */
  int32_t *jump_pos;     /* per value: first position in the final jump, -1 */
  int32_t jump_op;       /* index of the final jump, -1 if the trace finishes */
  bool *dead;            /* per op: pure op whose result is never used */
  /* per op + 1: the values op i is the last use of, as ra_live_build found
   * them: die[die_start[i] .. die_start[i+1]), last first (read from the
   * end down, they come in the order op i names them: arguments, then
   * fail args; each once).  A value ra_live_extend moved away stays
   * listed (check last_use); one it moved to op i is not listed there:
   * rescan[i] says op i has such values.  The lists fill the end of die
   * (nvals + 1 entries): die_start[nops] is nvals + 1. */
  uint32_t *die_start;
  uint32_t *die;
  bool *rescan;
} ra_live;

armjit_status ra_live_build(armjit_ctx *ctx, const armjit_trace *t, ra_live *lv,
                            armjit_error *err);
void ra_live_free(armjit_ctx *ctx, ra_live *lv);

/* First real use of v at an op index >= pos, or INT32_MAX when none.
 * *cursor is a per-value memo that only moves forward (callers ask with
 * non-decreasing pos). */
static inline int32_t ra_next_real_use(const ra_live *lv, uint32_t *cursor, ir_ref v,
                                       uint32_t pos) {
  uint32_t end = lv->real_start[v + 1];
  uint32_t c = *cursor;
  while (c < end && lv->real[c] < pos) c++;
  *cursor = c;
  return c < end ? (int32_t)lv->real[c] : INT32_MAX;
}

/* v is also read at op pos although pos does not name it (a folded
 * shift's source, read by the op the shift folds into): its last use
 * becomes at least pos (and rescan[pos] is set).  Call before allocation
 * starts. */
void ra_live_extend(ra_live *lv, ir_ref v, uint32_t pos);

#endif
