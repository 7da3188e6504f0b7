/* SPDX-License-Identifier: MIT */
/* Internals shared by the randtrace files (generator, builder, shrinker). */
#ifndef ARMJIT_TESTS_RANDTRACE_IMPL_H
#define ARMJIT_TESTS_RANDTRACE_IMPL_H

#include "randtrace.h"
#include "randenv.h"

bool rt_grow(void **arr, uint32_t *cap, uint32_t need, size_t esz);
int32_t rt_new_val(rt_trace *g, armjit_type ty);
/* Returns the constant reference, or 0 on out-of-memory. */
int32_t rt_add_const(rt_trace *g, armjit_type ty, armjit_value v);
int32_t rt_add_descr(rt_trace *g, const rt_descr *d);  /* index or -1 */
int32_t rt_add_op(rt_trace *g, armjit_opcode opc, armjit_type rtype, const int32_t *a,
                  uint32_t na, const int32_t *list, uint32_t nlist, unsigned flags);

int32_t rt_rand_int(rt_rng *r);
double rt_rand_float(rt_rng *r);
uintptr_t rt_rand_ref(rt_rng *r);
armjit_value rt_rand_value(rt_rng *r, armjit_type ty);

/* Generation state (randgen.c; randmem.c adds memory ops and calls).
 * `avail` holds the value ids usable at this point, in definition order
 * (reset to the label args at a label). */
typedef struct rt_gen {
  rt_rng *r;
  const rt_config *c;
  rt_trace *g;
  int32_t *avail;
  uint32_t navail, capavail;
  int32_t *tmp;          /* scratch list */
  uint32_t captmp;
  bool oom;
} rt_gen;

bool rt_g_avail_push(rt_gen *s, int32_t v);
int32_t rt_g_const(rt_gen *s, armjit_type ty, armjit_value v);
int32_t rt_g_rand_const(rt_gen *s, armjit_type ty);
int32_t rt_g_int_const(rt_gen *s, int32_t i);
/* A ref constant that is a symbol: helper k's address (k + 1) or RT_SYM_*. */
int32_t rt_g_sym_const(rt_gen *s, int32_t sym);
/* A random value of type ty; in GC traces a ref is 0 or tagged (odd). */
armjit_value rt_g_value(rt_gen *s, armjit_type ty);
/* A plain variable of type ty among the `window` newest available values
 * (else the newest one), or -1. */
int32_t rt_g_pick_var(rt_gen *s, armjit_type ty, uint32_t window);
/* The same for a ref of kind RT_K_OBJ. */
int32_t rt_g_pick_obj(rt_gen *s, uint32_t window);
/* A constant (const_pct) or a recent plain variable of type ty. */
int32_t rt_g_operand(rt_gen *s, armjit_type ty);
/* Append an op with result type rtype (ARMJIT_VOID: none) and descriptor
 * (-1: none); a result of kind RT_K_PLAIN or RT_K_OBJ becomes available.
 * Returns the op index, or -1. */
int32_t rt_g_emit_op(rt_gen *s, armjit_opcode opc, armjit_type rtype, const int32_t *a,
                     uint32_t na, int32_t descr, uint8_t kind);
int32_t rt_g_emit(rt_gen *s, armjit_opcode opc, const int32_t *a, uint32_t na, unsigned flags);
void rt_g_emit_guard(rt_gen *s, armjit_opcode opc, const int32_t *a, uint32_t na,
                     unsigned flags);
/* Whole pieces of randgen.c, for generators of other shapes (randset.c):
 * one body op, a loop (label, body with the counter, jump) and a straight
 * line (body, finish) over the values available now. */
void rt_g_body_op(rt_gen *s);
void rt_g_loop(rt_gen *s);
void rt_g_straight(rt_gen *s);
/* Memory ops and calls (randmem.c); false when none fits (no object). */
bool rt_g_mem(rt_gen *s);
bool rt_g_call(rt_gen *s);
/* GC ops on the collector's objects (randgc.c); false when none fits. */
bool rt_g_gc(rt_gen *s);
/* A variable of kind `kind` among the available values (any, not only
 * recent ones), or -1. */
int32_t rt_g_pick_kind(rt_gen *s, armjit_type ty, uint8_t kind);

/* Extra op flag: give the op a descr name when built. */
#define RT_OPF_NAMED (1u << 2)

/* Flip guard op i so it passes where it failed, given the value of its
 * first operand (probe).  Returns false when it cannot be repaired. */
/* exc: the exception pending when the guard failed (0: none). */
bool rt_repair_guard(rt_trace *g, uint32_t i, const armjit_value *probe, uintptr_t exc);
/* Is value v used by a live op? */
bool rt_value_used(const rt_trace *g, int32_t v);
/* Frame capacity that fits the inputs and every exit (with probes). */
uint32_t rt_frame_cap(const rt_trace *g);

#endif
