/* SPDX-License-Identifier: MIT */
/* Parallel move resolver: turns "all these dsts get their srcs' values at
 * once" (a jump to a label, the arguments of a call) into a sequence of
 * primitive moves that lowering emits one after another.
 *
 * Input rules (violations make ra_pmove_resolve return false):
 *   - dst is a REG, VREG or STACK location; src any of those or a CONST.
 *   - type is INT/REF (core register, 4-byte slot) or FLOAT (d register,
 *     8-byte slot); src and dst of a move are both float or both not.
 *   - all dsts distinct (as storage, ra_loc_eq); a src may feed several
 *     dsts; moves with src == dst are dropped.
 *   - no stack slot partially overlaps a dst slot (different offset or
 *     size but intersecting bytes); overlapping srcs that are only read
 *     are fine.
 *   - stack offsets are multiples of 4 (LDR/VLDR reach).
 *   - reserved registers never appear: ip (r12), sp, lr (r14), pc and d15
 *     neither as src nor dst; fp (r11) not as dst (it addresses the slots).
 *
 * Output: primitive moves `dst <- src`, executed in order, of these forms
 * only (r = core register, d = d register, S = stack slot, K = constant):
 *     r <- r   r <- S   r <- K   S <- r
 *     d <- d   d <- S   d <- K   S <- d
 * never S <- S or S <- K.  Every output move's src and dst carry a type;
 * a core register or slot moved with type FLOAT never occurs.  Guarantees:
 *   - afterwards every dst holds the ORIGINAL value of its src;
 *   - nothing else is written except the scratch registers: ip for
 *     stack->stack and constant->stack of ints, lr to break int cycles,
 *     d15 to break float cycles and for float stack->stack/const->stack;
 *   - while d15 holds a float cycle's value, a float stack->stack move is
 *     emitted as two 32-bit word copies through ip: `ip <- S(off, INT)`,
 *     `S'(off', INT) <- ip`, then the same for off+4 and off'+4.  Those are
 *     plain int moves on the two halves of the 8-byte slots (no marker);
 *   - constant loads come last, after every register/stack move;
 *   - O(n log n) time, no allocation; at most 4n moves are produced.
 *
 * Not covered: a double passed in a core register pair (soft-float calls).
 * Resolve the other moves first (they read the pair's old values), then
 * VMOV the doubles in; this is right as long as no resolved move writes a
 * double's src (true for d registers, which soft-float calls never target).
 */
#ifndef ARMJIT_RA_PMOVE_H
#define ARMJIT_RA_PMOVE_H

#include <stdbool.h>

#include "ra/loc.h"

typedef struct {
  ra_loc dst, src;
} ra_move;

/* Capacity `out` must have for n input moves: room for the at most 4n
 * output moves plus n entries the resolver uses as working memory (so it
 * needs no allocator). */
#define RA_PMOVE_CAP(n) (5u * (unsigned)(n))
/* Largest n accepted (keeps RA_PMOVE_CAP from overflowing). */
#define RA_PMOVE_MAX_N (0x7fffffffu / 5u)

/* Resolve n moves into out[0 .. *nout).  cap_out must be at least
 * RA_PMOVE_CAP(n); out must not alias moves.  Returns false (with *nout =
 * 0) on input that breaks the rules above or a too small cap_out. */
bool ra_pmove_resolve(const ra_move *moves, unsigned n, ra_move *out,
                      unsigned *nout, unsigned cap_out);

/* The same; on failure *why (if why is not NULL) names the broken rule
 * and *bad (if not NULL) the index of the offending move (or -1), for the
 * caller's error message. */
bool ra_pmove_resolve_ex(const ra_move *moves, unsigned n, ra_move *out,
                         unsigned *nout, unsigned cap_out, const char **why,
                         int *bad);

#endif
