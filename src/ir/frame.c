/* SPDX-License-Identifier: MIT */
/* Caller-owned frames: a fixed 24-byte header, then the value slots.  The
 * compiled code addresses slots at fixed offsets, so the layout is checked
 * at compile time. */
#include "ir/ir.h"

#include <stddef.h>

_Static_assert(sizeof(armjit_value) == 8, "frame slots are 8 bytes");
_Static_assert(offsetof(armjit_frame, values) == 24, "frame header is 24 bytes");

armjit_frame *armjit_frame_new(armjit_ctx *ctx, uint32_t capacity) {
  if (!ctx) return NULL;
  /* 64-bit arithmetic: on 32-bit hosts the byte count can exceed size_t. */
  uint64_t bytes = sizeof(armjit_frame) + (uint64_t)capacity * sizeof(armjit_value);
  if (bytes > SIZE_MAX / 2) return NULL;
  armjit_frame *f = ajx_calloc(ctx, 1, (size_t)bytes);
  if (!f) return NULL;
  f->capacity = capacity;
  f->exit_id = -1;
  return f;
}

void armjit_frame_free(armjit_ctx *ctx, armjit_frame *f) {
  if (ctx && f) ajx_free(ctx, f);
}
