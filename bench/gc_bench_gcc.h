/* SPDX-License-Identifier: MIT */
/* The allocation kernel of gc_bench.c in C (gcc -O2): nodes of 16 bytes
 * (type id 1 at 0, flags at 2, value at 8, next at 12) bumped from
 * *free up to *top, the slow path beyond. */
#ifndef ARMJIT_BENCH_GC_BENCH_GCC_H
#define ARMJIT_BENCH_GC_BENCH_GCC_H

#include <stdint.h>

uintptr_t gb_alloc_list(int32_t n, uintptr_t *free_p, uintptr_t *top_p,
                        void *(*slow)(void *, uint32_t), void (*wb)(void *, void *));

#endif
