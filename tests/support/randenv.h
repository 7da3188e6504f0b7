/* SPDX-License-Identifier: MIT */
/* randenv — the world random traces with memory ops and calls run in.
 *
 * An arena of RT_NOBJS objects of RT_OBJ_SIZE bytes.  Every object has
 *   offset 0             a link: pointer to another object (only object
 *                        pointers are ever stored there)
 *   RT_CLASS_OFFSET      its class word (never written by traces)
 *   RT_DATA .. end       data that traces read and write at will
 * Traces get objects as ref inputs (printed "objK" in "# env-args:"), so
 * the text never holds an arena address and a trace reproduces in any
 * process.  The arena's first contents come from a seed.
 *
 * Helpers: C functions of many signatures (stack arguments, doubles after
 * odd ints, more than 8 doubles, ...) registered as symbols "rt_h_*" in a
 * context, plus "rt_ctx" (the context itself, for helpers that raise). */
#ifndef ARMJIT_TESTS_RANDENV_H
#define ARMJIT_TESTS_RANDENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armjit.h"

#define RT_NOBJS 6
#define RT_OBJ_SIZE 128
#define RT_CLASS_OFFSET 8  /* a pointer-sized word (8 bytes on the host) */
#define RT_DATA 16         /* first byte traces may write */
#define RT_NCLASSES 3
#define RT_NGCOBJS 7       /* GC objects a GC trace may get as inputs */

struct gcm;

/* GC traces (rt_trace.gc) also get a heap of the tests' moving collector
 * (gc_model.h, types of gc_cases.h): every reset empties it and allocates
 * the same RT_NGCOBJS input objects, old and young, at the same addresses
 * (printed "gcK" in "# env-args:"). */
typedef struct rt_env {
  uint8_t *arena;   /* RT_NOBJS * RT_OBJ_SIZE bytes, 16-aligned */
  uint8_t *image;   /* the contents every run starts from */
  uint8_t *after;   /* the contents after the oracle's run */
  void *block;      /* allocation holding the three */
  uint64_t seed;
  struct gcm *gc;   /* the collector, or NULL */
  uintptr_t gc_obj[RT_NGCOBJS]; /* the input objects after a reset */
} rt_env;

bool rt_env_init(rt_env *e, uint64_t seed);
/* Give e a collector with that window and collection period (gc_model.h). */
bool rt_env_add_gc(rt_env *e, uint32_t window, unsigned every);
void rt_env_free(rt_env *e);
/* arena := image, then objects' links and classes are what the seed says;
 * the collector's heap (if any) as described above. */
void rt_env_reset(rt_env *e);
uintptr_t rt_env_obj(const rt_env *e, unsigned k);
/* The kind (RT_K_GC(tid, len), randtrace.h) of GC input object k. */
uint8_t rt_env_gc_kind(unsigned k);
/* Class word values (RT_NCLASSES of them; object k has class k % 3). */
uintptr_t rt_env_class(unsigned k);
/* After two runs: the arena now vs e->after, floats' NaNs alike.  `why`
 * names the first differing byte offset. */
bool rt_env_same_memory(const rt_env *e, char *why, size_t n);

/* Options every context running env traces needs (the class offset). */
void rt_env_options(armjit_options *o);
/* Register the helper symbols and "rt_ctx" in ctx. */
armjit_status rt_env_register(armjit_ctx *ctx);

/* Helpers.  sig: one letter per argument, i int, f float, r plain ref,
 * o object pointer, c the context, t a force token; res: i r f or v. */
enum { RT_H_RAISES = 1u << 0, RT_H_FORCES = 1u << 1, RT_H_WRITES = 1u << 2,
       /* an int result of which only the low byte / halfword counts */
       RT_H_BYTE = 1u << 3, RT_H_HALF = 1u << 4, RT_H_SIGNED = 1u << 5 };
typedef struct {
  const char *name;
  void (*fn)(void);         /* the function (cast to its real type) */
  const char *sig;
  char res;
  unsigned flags;           /* RT_H_* */
} rt_helper;
extern const rt_helper rt_helpers[];
extern const unsigned rt_nhelpers;
uintptr_t rt_helper_addr(unsigned k);

#endif
