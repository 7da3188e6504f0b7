/* SPDX-License-Identifier: MIT */
/* gc_model.h — a small moving collector for the tests and the CLI's
 * `--gc` (docs/ir.md §15).
 *
 * A copying nursery in two semispaces and a non-moving old space:
 *   - the nursery hands out `window` bytes between collections (the top
 *     word is set that far above free), so the slow path runs often;
 *   - a collection (every `every`-th slow-path call, and whenever the
 *     nursery is out of room) finds the roots through armjit_gc_walk_roots
 *     and the remembered old objects, marks the live young objects, and
 *     copies all of them into the other semispace in address order, so
 *     every live young object moves and the result does not depend on the
 *     order the roots were reported in (compiled code and the interpreter
 *     give the same heap, to the byte, from the same start);
 *   - old objects (gcm_old) have the write-barrier flag set; the barrier's
 *     slow path remembers the object and clears the flag.
 * Objects: a 2-byte type id at 0, the flags byte at 2, the class word at
 * GCM_CLASS_OFF (8, where randenv.h's arena objects have theirs, so one
 * context's class_offset serves both), fields from GCM_FIELDS (16).
 * Types are given as a table (gcm_type).  Odd words are tagged integers
 * (PyPy's tagged pointers), never references.  Everything is checked: a
 * field that points into the nursery but not at a live object's start
 * aborts, or, `lenient`, breaks the collector (`broken`, the message in
 * `error`): it collects no more and its slow path returns NULL, which
 * ends the run (docs/ir.md §15.2); a root that does (a raw pointer into
 * an object the GC maps should not have held) is counted in bad_roots and
 * left alone.  Lenient, a nursery still full after a collection also
 * makes the slow path return NULL (the message in `error`). */
#ifndef ARMJIT_TESTS_GC_MODEL_H
#define ARMJIT_TESTS_GC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armjit.h"

#define GCM_P ((int32_t)sizeof(uintptr_t))
#define GCM_TID_OFF 0
#define GCM_FLAGS_OFF 2
#define GCM_WB_FLAG 0x01u
#define GCM_CLASS_OFF 8
#define GCM_FIELDS 16
/* Arrays: the length at GCM_P, items from 2P (strs and unicodes: their
 * hash word at P, the length at 2P, items from 3P: PyPy's rstr). */
#define GCM_ARRAY_LEN GCM_P
#define GCM_ARRAY_BASE (2 * GCM_P)
#define GCM_STR_LEN (2 * GCM_P)
#define GCM_STR_BASE (3 * GCM_P)

typedef enum { GCM_FIXED, GCM_ARRAY, GCM_STR } gcm_kind;

typedef struct {
  gcm_kind kind;
  uint32_t size;            /* FIXED: the object's bytes (as new() allocates it) */
  uint32_t nrefs;           /* FIXED: ref fields, at refs[k] */
  int32_t refs[6];
  uint32_t item;            /* ARRAY / STR: item bytes */
  bool ref_items;           /* ARRAY: items are refs */
} gcm_type;

typedef struct gcm {
  armjit_gc_descr descr;    /* for armjit_options.gc */
  uintptr_t free, top;      /* the nursery words compiled code reads */
  armjit_ctx *ctx;          /* whose frames hold the roots (gcm_attach) */
  const gcm_type *types;    /* by type id */
  uint32_t ntypes;
  uint32_t window;          /* bytes between collections */
  unsigned every;           /* collect on every k-th slow-path call (0: only when full) */
  /* Out of memory on purpose: slow-path call number fail_at and every later
   * one returns NULL (0: never), after armjit_raise(ctx, oom_value) when
   * that is not 0 (docs/ir.md §15.2). */
  uint64_t fail_at;
  uintptr_t oom_value;
  bool lenient;             /* set after gcm_init: errors are reported, not aborts */
  bool broken;
  char error[160];          /* lenient: what went wrong, "" when nothing */
  /* statistics */
  uint64_t slow_calls, collections, moved, roots, wb_calls, remembered_n;
  /* the array barrier's slow-path calls (also counted in wb_calls) and a
   * hash of the indices they were given, in order */
  uint64_t wb_array_calls, wb_index_hash;
  uint64_t bad_roots;        /* roots into the nursery that are no object's start */
  /* internals */
  uint8_t *space[2];
  uint32_t cap;
  uint32_t hw[2];           /* each space is zero from this offset on */
  int cur;
  uint8_t *old;
  uint32_t old_used, old_cap;
  uintptr_t *remembered;
  uint32_t nremembered, remembered_cap;
  uint8_t *mark;
  uintptr_t *fwd;
  uintptr_t **rootv;
  uint32_t nroots, roots_cap;
  uintptr_t *stack;
  uint32_t nstack, stack_cap;
} gcm;

/* A collector with `cap`-byte semispaces and an old space of old_cap
 * bytes; types[tid] describes type id tid.  false when out of memory
 * (g is then empty).  Strict (not lenient) until the caller says so. */
bool gcm_init(gcm *g, const gcm_type *types, uint32_t ntypes, uint32_t cap, uint32_t old_cap,
              uint32_t window, unsigned every);
void gcm_fini(gcm *g);
/* The context whose frames armjit_gc_walk_roots walks. */
static inline void gcm_attach(gcm *g, armjit_ctx *ctx) { g->ctx = ctx; }
/* Back to an empty nursery and old space, zeroed, statistics cleared:
 * the same state every time. */
void gcm_reset(gcm *g);
/* Allocate in the nursery (as the slow path would) / in the old space
 * (flag set), header written: fixed types ignore len.  A bad type or
 * length, or no room: aborts, or (lenient) 0. */
uintptr_t gcm_new(gcm *g, uint32_t tid, int32_t len);
uintptr_t gcm_old(gcm *g, uint32_t tid, int32_t len);
/* A collection now (also from a helper a trace calls: gcm_collect_fn). */
void gcm_collect(gcm *g);
void gcm_collect_fn(gcm *g);
/* Is p the start of a live nursery object / of an old object? */
bool gcm_is_young(const gcm *g, uintptr_t p);
bool gcm_is_old(const gcm *g, uintptr_t p);
/* The object's bytes (from its type and length). */
uint32_t gcm_size(const gcm *g, uintptr_t p);
/* Walk the whole heap and check every header and every ref field (0, an
 * old object or a young object's start); false with a message. */
bool gcm_verify(const gcm *g, char *why, size_t n);
/* The nursery in use [start, free) and the old space, for comparing two
 * runs byte for byte. */
const uint8_t *gcm_nursery(const gcm *g, uint32_t *bytes);
const uint8_t *gcm_old_space(const gcm *g, uint32_t *bytes);

#endif
