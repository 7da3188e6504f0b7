/* SPDX-License-Identifier: MIT */
/* A compiled loop: its code, exit table and metadata (internal layout,
 * shared with future bridge/patching code in src/rt). */
#ifndef ARMJIT_RT_LOOP_H
#define ARMJIT_RT_LOOP_H

#include "rt/exit.h"
#include "util/ctx.h"

typedef struct {
  armjit_exit_kind kind;
  char *name;             /* descr name or NULL */
  uint32_t nvalues;
  armjit_type *types;
  uint32_t op;            /* guard / finish op index */
  int32_t branch;         /* guard: offset of its conditional branch (patch site) */
  uint32_t stub;          /* offset of its exit stub */
} ajx_loop_exit;

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
  size_t rec_bytes, fail_args;
  uint32_t body_end;      /* exit stubs start here */
  uint32_t common;        /* shared exit path */
  uint32_t pool_off, pool_bytes; /* float constant pool (data) */
  int32_t frame_bytes;
  char *text;             /* the trace printed, one op per line (or NULL) */
  uint32_t *op_text;      /* per op: offset of its line in text */
};

#endif
