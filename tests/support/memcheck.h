/* SPDX-License-Identifier: MIT */
/* memcheck.h — differential checks of traces that read and write memory.
 *
 * Like jc_run (jitcheck.h), but before the interpreter and before each
 * compiled variant the given memory regions are reset to their initial
 * bytes, and after each compiled run every region must hold exactly the
 * bytes the interpreter left there (as well as the same exit and values).
 * So a store that writes too many bytes, the wrong bytes or the wrong
 * place fails, and so does a load from the wrong place. */
#ifndef ARMJIT_TEST_MEMCHECK_H
#define ARMJIT_TEST_MEMCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "jitcheck.h"

typedef struct {
  void *p;           /* the memory the trace may touch */
  size_t n;
  const void *init;  /* its bytes before every run */
} mc_region;

/* A 16-byte aligned scratch arena with a known byte pattern (byte k is
 * k*mul + add, so sign and zero extension show) and its region. */
enum { MC_ARENA = 1024 };
typedef struct {
  uint8_t *mem;
  uint8_t init[MC_ARENA];
  mc_region r;
} mc_arena;
void mc_arena_init(mc_arena *a, unsigned mul, unsigned add);
void mc_arena_free(mc_arena *a);

/* Returns the exit id (the interpreter's; every variant must agree). */
int mc_run(jc_case *c, const armjit_value *in, const mc_region *r, unsigned nr);

#endif
