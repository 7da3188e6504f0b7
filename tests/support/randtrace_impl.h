/* Internals shared by the randtrace files (generator, builder, shrinker). */
#ifndef ARMJIT_TESTS_RANDTRACE_IMPL_H
#define ARMJIT_TESTS_RANDTRACE_IMPL_H

#include "randtrace.h"

bool rt_grow(void **arr, uint32_t *cap, uint32_t need, size_t esz);
int32_t rt_new_val(rt_trace *g, armjit_type ty);
/* Returns the constant reference, or 0 on out-of-memory. */
int32_t rt_add_const(rt_trace *g, armjit_type ty, armjit_value v);
int32_t rt_add_op(rt_trace *g, armjit_opcode opc, armjit_type rtype, const int32_t *a,
                  uint32_t na, const int32_t *list, uint32_t nlist, unsigned flags);

int32_t rt_rand_int(rt_rng *r);
double rt_rand_float(rt_rng *r);
uintptr_t rt_rand_ref(rt_rng *r);
armjit_value rt_rand_value(rt_rng *r, armjit_type ty);

/* Extra op flag: give the op a descr name when built. */
#define RT_OPF_NAMED (1u << 2)

/* Flip guard op i so it passes where it failed, given the value of its
 * first operand (probe).  Returns false when it cannot be repaired. */
bool rt_repair_guard(rt_trace *g, uint32_t i, const armjit_value *probe);
/* Index of the op of exit `exit_id` (guards and finishes in order), or -1. */
int32_t rt_exit_op(const rt_trace *g, int exit_id);
/* Frame capacity that fits the inputs and every exit (with probes). */
uint32_t rt_frame_cap(const rt_trace *g);

#endif
