/* SPDX-License-Identifier: MIT */
/* A compiled loop: its code, exit table and metadata (internal layout,
 * shared with future bridge/patching code in src/rt). */
#ifndef ARMJIT_RT_LOOP_H
#define ARMJIT_RT_LOOP_H

#include "rt/debuginfo.h"
#include "rt/exit.h"
#include "util/ctx.h"

typedef struct {
  armjit_exit_kind kind;
  char *name;             /* its name (armjit_set_name) or NULL */
  uint32_t nvalues;
  armjit_type *types;
  uint32_t op;            /* guard / finish op index */
  int32_t branch;         /* guard: offset of its conditional branch (patch site) */
  uint32_t stub;          /* offset of its exit stub */
} ajx_loop_exit;

/* A debug_merge_point of the trace: its op index and text. */
typedef struct {
  uint32_t op;
  char *text;
} ajx_merge_point;

struct armjit_loop {
  armjit_ctx *ctx;
  armjit_code *code;
  uint32_t capacity;      /* frame slots a run needs */
  uint32_t ninputs;
  uint32_t nops;
  int32_t *op_off;        /* per op: first instruction offset or -1 */
  uint32_t nexits;
  ajx_loop_exit *exits;
  ajx_exit_meta *emeta;   /* per exit, for the exit helper */
  ajx_loop_meta meta;     /* its address is baked into the code */
  uint8_t *rec;
  uint64_t *consts;
  size_t rec_bytes, fail_args, rec_maps, rec_shared, rec_unshared;
  uint32_t cold_off;      /* cold paths (after the body) start here */
  uint32_t *cold;         /* per cold path: its offset, the op it belongs to */
  uint32_t ncold;
  uint32_t body_end;      /* exit stubs start here */
  uint32_t common;        /* shared exit path */
  uint32_t pool_off, pool_bytes; /* float constant pool (data) */
  int32_t frame_bytes;
  char *text;             /* the trace printed, one op per line (or NULL) */
  uint32_t *op_text;      /* per op: offset of its line in text */
  /* Debugging and profiling (loop_debug.c). */
  char *name;             /* symbol: loop<N>[_<label>] */
  ajx_merge_point *mps;   /* debug_merge_points in op order */
  uint32_t nmps;
  ajx_gdbjit_entry *gdb;  /* registration with gdb, or NULL */
  bool listed;            /* in the context's list for armjit_lookup_pc */
};

/* Once the code is final and executable: name the loop, keep its merge
 * points, register it with gdb (unless ARMJIT_NO_GDB_JIT; only where the
 * code can run), append it to the perf map (ARMJIT_PERF_MAP) and list it
 * for armjit_lookup_pc.  frame: the prologue's shape. */
armjit_status ajx_loop_debug_init(armjit_loop *l, const armjit_trace *t,
                                  const ajx_dbg_frame *frame, armjit_error *err);
/* Undo ajx_loop_debug_init (any part of it); before the code is freed. */
void ajx_loop_debug_fini(armjit_loop *l);
/* The debug description of l (ranges and data spans in caller arrays of
 * at least nexits + 2 and 1 entries; names point into *names, allocated
 * from the context; free it with ajx_free). */
armjit_status ajx_loop_debug_object(const armjit_loop *l, const ajx_dbg_frame *frame,
                                    ajx_dbg_object *o, ajx_dbg_range *ranges,
                                    ajx_dbg_span *data, char **names);
/* Fill info for byte offset off of l's code (armjit_lookup_pc). */
void ajx_loop_lookup(const armjit_loop *l, uint32_t off, armjit_pc_info *info);

#endif
