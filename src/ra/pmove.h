/* SPDX-License-Identifier: MIT */
/* Parallel move resolver: turns "all these dsts get their srcs' values at
 * once" (a jump to a label, the arguments of a call) into a sequence of
 * primitive moves that lowering emits one after another.
 *
 * Input rules (violations make ra_pmove_resolve return false):
 *   - dst is a REG, VREG or STACK location; src any of those or a CONST
 *     (with part RA_PART_ALL).
 *   - type, with its storage (ra/loc.h): INT/REF (core register, 4-byte
 *     slot), ARM_TY_I64 (core pair rN:rN+1, 8-byte slot), FLOAT (d
 *     register, 8-byte slot) or ARM_TY_F32 (s register, 4-byte slot); src
 *     and dst of a move have the same storage class (INT and REF mix).
 *   - all dsts disjoint as storage (ra_loc_eq: s4 and d2 overlap, so do r3
 *     and the pair r2:r3); a src may feed several dsts; moves with
 *     src == dst are dropped.  A src may overlap dsts of other moves in
 *     any way (d1 read while s2 is written, the pair r1:r2 read while r2:r3
 *     is written): every src is read before it is overwritten.
 *   - no stack slot partially overlaps a dst slot (different offset or
 *     size but intersecting bytes); overlapping srcs that are only read
 *     are fine.  An I64 slot counts as two words (so may coincide with
 *     word slots), and so does a FLOAT slot of a move outside d16-d31
 *     when the set has any I64 or F32 move.
 *   - in a set with an I64 or F32 move, no FLOAT move goes between d16-d31
     and d0-d15 (d16-d31 have no s halves, so such a move cannot be split
     the way the other doubles are, see below).
   - stack offsets are multiples of 4 (LDR/VLDR reach).
 *   - reserved registers never appear: ip (r12), sp, lr (r14), pc, d15 and
 *     its halves s30/s31 neither as src nor dst (nor as either half of a
 *     pair); fp (r11) not as dst (it addresses the slots).
 *
 * Output: primitive moves `dst <- src`, executed in order, of these forms
 * only (r = core register, d = d register, s = s register, S = stack
 * slot, K = constant or one word of one):
 *     r <- r   r <- S   r <- K   S <- r
 *     d <- d   d <- S   d <- K   S <- d
 *     s <- s   s <- S   s <- K   S <- s
 * never S <- S or S <- K, and never a pair: an I64 move becomes two word
 * moves (low words first in the input order; constants as
 * ra_const_part(k, INT, RA_PART_LO / _HI)).  When the set has an I64 or
 * F32 move, every FLOAT move with no side in d16-d31 is also moved as its
 * two s-register halves (s2k / s2k+1 for dk, the low word at the lower
 * address; constants as F32 parts): then no two locations in the graph
 * overlap without being equal.  Every output move's src and dst carry a
 * type; a core register moved with type FLOAT or F32 never occurs.
 * Guarantees:
 *   - afterwards every dst holds the ORIGINAL value of its src;
 *   - nothing else is written except the scratch registers: ip for
 *     stack->stack and constant->stack of words, lr to break word cycles,
 *     d15 to break double cycles and for double stack->stack/const->stack,
 *     s30 (d15's low half) the same for f32;
 *   - while d15 or s30 holds a cycle's value, a float stack->stack move is
 *     emitted as 32-bit word copies through ip: `ip <- S(off, INT)`,
 *     `S'(off', INT) <- ip` (then the same for off+4 and off'+4 for a
 *     double).  Those are plain int moves on the words of the slots (no
 *     marker);
 *   - constant loads come last, after every register/stack move;
 *   - O(n log n) time, no allocation; at most 4n' moves are produced,
 *     where n' <= 2n counts the moves after the splits above (n' = n for
 *     a set of INT, REF and FLOAT moves only).
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

/* Capacity `out` must have for n input moves: room for the at most 8n
 * output moves plus 4n entries the resolver uses as working memory (so it
 * needs no allocator). */
#define RA_PMOVE_CAP(n) (12u * (unsigned)(n))
/* Largest n accepted (keeps RA_PMOVE_CAP from overflowing). */
#define RA_PMOVE_MAX_N (0x7fffffffu / 12u)

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
