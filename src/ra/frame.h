/* SPDX-License-Identifier: MIT */
/* Spill slots of a trace frame, addressed from fp with negative offsets.
 *
 * INT/REF values get 4-byte slots, FLOAT values 8-byte slots whose fp
 * offset is a multiple of 8.  Released slots are reused: a word is taken
 * from a half-used pair before a whole free pair is split, and two free
 * halves of a pair merge back into an 8-byte slot.  FLOAT values get a
 * free 8-byte slot within ARM_VFP_REACH bytes of fp (VLDR/VSTR's reach:
 * one instruction) before one beyond it; a word (LDR/STR reach 4095
 * bytes) splits a free 8-byte slot beyond that reach first, and one within
 * it only while the whole frame is, or when a word the frame grew by would
 * be beyond LDR/STR's reach (else the frame grows instead).  The
 * frame grows only when no free slot of the needed size may be handed
 * out; ra_frame_size is the byte count (multiple of 8) to patch into the
 * prologue.
 *
 * The allocator core (core.c) takes its slots from here: i64 values get
 * the 8-byte slots of FLOAT, f32 values the 4-byte slots of INT. */
#ifndef ARMJIT_RA_FRAME_H
#define ARMJIT_RA_FRAME_H

#include "arm/target.h"
#include "util/ctx.h"

/* Largest frame handed out (bytes below fp). */
#define RA_FRAME_LIMIT (64 * 1024 * 1024)

typedef struct {
  armjit_ctx *ctx;
  int32_t base;          /* bytes below fp reserved before the first slot */
  uint32_t nwords;       /* 4-byte words below base in the frame */
  uint32_t capwords;
  uint8_t *used;         /* per word: 1 used, 0 free */
  /* candidates, checked against `used` when popped (entries go stale when
   * a half is merged or split): word indices / even word indices */
  uint32_t *free4, *free8, *far8;
  uint32_t nfree4, cap4, nfree8, cap8, nfar8, capfar8;
} ra_frame;

/* fixed_bytes (>= 0) below fp are not handed out (saved registers, ...);
 * rounded up to 8 so 8-byte slots stay 8-aligned. */
armjit_status ra_frame_init(ra_frame *f, armjit_ctx *ctx, int32_t fixed_bytes,
                            armjit_error *err);
void ra_frame_fini(ra_frame *f);

/* A fresh slot for a value of `type` (ARMJIT_INT/REF/FLOAT): *off is its
 * lowest byte offset from fp (negative).  NOMEM or LIMIT on failure. */
armjit_status ra_frame_alloc(ra_frame *f, int type, int32_t *off, armjit_error *err);
/* Give a slot back.  E_ARG if it is not a slot of this type in use. */
armjit_status ra_frame_release(ra_frame *f, int32_t off, int type, armjit_error *err);
/* Claim a given slot (a bridge inherits its parent's spill slots); the
 * frame grows to cover it.  E_ARG if misaligned or already in use. */
armjit_status ra_frame_reserve(ra_frame *f, int32_t off, int type, armjit_error *err);
/* Take the word at fp offset off out of circulation for good: never
 * handed out by ra_frame_alloc or ra_frame_reserve, now or after it is
 * released (whoever holds it now keeps it and may release it as usual).
 * The frame grows to cover it.  E_ARG if misaligned. */
armjit_status ra_frame_keep(ra_frame *f, int32_t off, armjit_error *err);

/* Bytes below fp the frame needs: a multiple of 8, at least fixed_bytes. */
int32_t ra_frame_size(const ra_frame *f);

#endif
