/* SPDX-License-Identifier: MIT */
/* The exit helper: called by a loop's shared exit path with the saved
 * registers, it decodes the taken exit's recovery string and writes the
 * exit's values into the caller's frame. */
#ifndef ARMJIT_RT_EXIT_H
#define ARMJIT_RT_EXIT_H

#include "armjit.h"

typedef struct {
  uint32_t rec, rec_len;       /* recovery string in ajx_loop_meta.rec */
  uint32_t nvalues;
  const armjit_type *types;
} ajx_exit_meta;

/* Per compiled loop; its address is baked into the loop's code. */
typedef struct ajx_loop_meta {
  uint32_t nexits;
  const ajx_exit_meta *exits;
  const uint8_t *rec;
  const uint64_t *consts;      /* frame bits of each trace constant */
  uint32_t nconsts;
  uint32_t id_base;            /* exit k is reported as id_base + k: a
                                  bridge's exits follow its loop's */
  uintptr_t stubs;             /* address of exit 0's stub: exit k's is
                                  stubs + 4k, a `bl` to the exit path */
} ajx_loop_meta;

/* Decode one recovery string into out[0..nvalues).  save: the register
 * save area (recovery.h layout); fp: the loop's frame base.  Returns false
 * on a malformed string (which compiled code never produces). */
bool ajx_exit_decode(const ajx_loop_meta *m, uint32_t exit_id, const uint32_t *save,
                     const uint8_t *fp, armjit_value *out);

#if defined(__arm__)
/* The exit path's decoder (A32, rt/exit.c): the values of recovery string
 * rec into out, as ajx_exit_decode would for a well-formed string. */
void ajx_exit_copy(armjit_value *out, const uint8_t *rec, const uint32_t *save,
                   const uint8_t *fp, const uint64_t *consts);
#endif

/* Called from generated code (AAPCS) with stub_lr, the return address
 * of exit k's stub (m->stubs + 4k + 4): fills the armjit_frame stored at
 * [fp, #ARM_FRAME_PTR_OFF] and returns m->id_base + k (also in
 * f->exit_id), with the address of m in f->reserved[1] (which trace the
 * exit belongs to).  It also stores sp mod 8 as seen at the
 * call (save is the caller's sp) in f->reserved[0]: 0 when the generated
 * code kept the stack 8-aligned, which the ABI tests check. */
int32_t ajx_exit_helper(const uint32_t *save, uintptr_t stub_lr, const uint8_t *fp,
                        const ajx_loop_meta *m);

/* Division helpers for CPUs without SDIV (same results as SDIV/MLS). */
int32_t ajx_helper_floordiv(int32_t x, int32_t y);
int32_t ajx_helper_mod(int32_t x, int32_t y);
/* The i64 ops without an instruction sequence (docs/ir.md §2.6), with
 * integer arguments and results only (r0:r1, r2:r3 -> r0:r1 under either
 * ABI): a double travels as its bits. */
int64_t ajx_helper_ldiv(int64_t x, int64_t y);
int64_t ajx_helper_lmod(int64_t x, int64_t y);
uint64_t ajx_helper_l2f(int64_t x);  /* llong_to_float: the double's bits */
int64_t ajx_helper_f2l(uint64_t d);  /* llong_from_float of the double's bits */

#endif
