/* SPDX-License-Identifier: MIT */
/* wide_cases — the per-op edge cases of the i64 and f32 ops (docs/ir.md
 * §2.6, §2.7) as data, and one runner for them: each case as a trace with
 * its operands as inputs, as constants, and (two operands) one of each
 * both ways, interpreted, and (on
 * ARM) compiled and run, every result checked against the expected one. */
#ifndef ARMJIT_TESTS_WIDE_CASES_H
#define ARMJIT_TESTS_WIDE_CASES_H

#include <stdbool.h>

#include "armjit.h"

typedef struct {
  armjit_type ty;
  armjit_value v;
} wc_val;

typedef struct {
  armjit_opcode op;
  unsigned n;          /* operands */
  wc_val a[2];
  wc_val want;         /* NaN results: any NaN */
} wc_case;

extern const wc_case wc_cases[];
extern const unsigned wc_ncases;

/* Run every case (interpreted; compiled too when `compile`) in ctx; fails
 * the cmocka test at the first wrong result, naming the case.  Returns
 * the number of traces run. */
unsigned wc_run_all(armjit_ctx *ctx, bool compile);

#endif
