/* SPDX-License-Identifier: MIT */
/* The kernel suite compiled by gcc (kernels_gcc.c). */
#ifndef ARMJIT_BENCH_KERNELS_GCC_H
#define ARMJIT_BENCH_KERNELS_GCC_H

#include <stdint.h>

int32_t kg_f(int32_t i);
int32_t kg_int_sum(int32_t n);
double kg_float_rec(int32_t n);
int32_t kg_array_sum(const int32_t *a, int32_t n);
int32_t kg_call_loop(int32_t n);
int64_t kg_i64_mix(int32_t n);

#endif
