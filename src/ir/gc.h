/* SPDX-License-Identifier: MIT */
/* The GC ops' meaning, shared by the validator, the interpreter and
 * lowering so that all three agree to the byte (docs/ir.md §15):
 *   - the allocation plan: sizes, and which consecutive allocations are
 *     taken from the nursery in one step (a group) at which offsets;
 *   - which ref values are GC references (roots when live at a GC point);
 *   - the liveness rule the maps use (the allocator's: src/ra/live.c);
 *   - the interpreter's record in the context's chain of active frames.
 *
 * A group: a maximal run of consecutive ops that are new, new_with_vtable
 * or new_array/newstr/newunicode with a constant length, cut so that a
 * group has at most IR_GC_GROUP_OPS ops and IR_GC_GROUP_BYTES bytes (an
 * allocation bigger than that is a group of its own).  A variable-length
 * allocation is always a group of its own. */
#ifndef ARMJIT_IR_GC_H
#define ARMJIT_IR_GC_H

#include "ir/descr.h"

#define IR_GC_GROUP_OPS 8u
#define IR_GC_GROUP_BYTES 4096u
/* Largest constant size / length-derived size of one allocation. */
#define IR_GC_MAX_SIZE 0x3ffffff8u

/* Per op of the trace (ir_gc_plan): for an allocation op, its place in
 * its group; every other op has first == -1. */
typedef struct {
  int32_t first;    /* op index of its group's first op, -1: not an allocation */
  uint32_t off;     /* byte offset of the object from the group's base */
  uint32_t total;   /* first op of a group: the group's bytes (0: variable
                       length, computed at run time) */
  uint32_t last;    /* first op of a group: index of its last op */
} ir_gc_slot;

/* Is opc an allocation (new, new_with_vtable, new_array, newstr, newunicode)? */
bool ir_gc_is_alloc(unsigned opc);
/* Bytes of allocation op `op` with length len (ignored by new and
 * new_with_vtable): rounded up to 8, computed modulo 2^32 (a length
 * beyond the documented range gives a meaningless size). */
uint32_t ir_gc_size(const armjit_trace *t, const ir_op *op, int32_t len);
/* Fill plan[0 .. t->nops) (validated trace). */
void ir_gc_plan(const armjit_trace *t, ir_gc_slot *plan);

/* The validator's GC rule for op i (docs/ir.md §15.5): false with a
 * message and the argument it is about (-1: the op) when it breaks one. */
bool ir_gc_check_op(const armjit_trace *t, uint32_t i, int *arg, char *msg, size_t n);

/* Per variable: is it a GC reference?  A ref that is a label argument
 * (the jumps may give it any ref), or a ref that is not the result of a
 * raw load (getfield_raw, getarrayitem_raw, raw_load), force_token,
 * cast_int_to_ptr, or a same_as of a constant or of such a value. */
void ir_gc_refs(const armjit_trace *t, uint8_t *is_gc);

/* last_use[v] for every value, by the allocator's rule: the last op
 * naming v (argument or fail arg), not counting pure ops whose result is
 * unused (they are dead and emit nothing); -1 when none.  A GC reference
 * v is live at GC point i when it is defined before op i and
 * last_use[v] > i. */
void ir_gc_last_uses(const armjit_trace *t, int32_t *last_use);

/* The chain of active frames (ctx->gc_top): each record starts with the
 * previous record's address and a tag word.  Compiled frames keep theirs
 * in the frame header (tag: the return address of the GC point the frame
 * is stopped at, a multiple of 4; arm/target.h); an interpreter run keeps
 * one on the C stack, tagged with its state's address + 1. */
typedef struct {
  uintptr_t prev;
  uintptr_t tag;
} ir_gc_record;
/* For an interpreter record (tag & 1): report its live GC references. */
size_t ir_interp_gc_roots(const ir_gc_record *rec, armjit_gc_root_fn fn, void *ud);

#endif
