/* SPDX-License-Identifier: MIT */
/* jitcheck.h — differential checks of compiled traces against the
 * reference interpreter (the oracle).
 *
 * A case is built once per context variant (default, randomized register
 * allocation, no SDIV/UDIV), compiled in each, and every run compares the
 * compiled exit id and values with the interpreter's (irs_value_same: whole
 * 8-byte slots bit-exactly, except that any NaN matches any NaN).  A mismatch fails
 * the current cmocka test after printing the trace, the inputs and both
 * results to stderr.
 *
 * Only ARM builds can run compiled code (tests/arm_*.c use this). */
#ifndef ARMJIT_TEST_JITCHECK_H
#define ARMJIT_TEST_JITCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "armjit.h"
#include "ir_support.h"

enum { JC_DEFAULT, JC_RANDOM_RA, JC_NO_IDIV, JC_NVARIANTS };

/* Builds the trace of a case in ctx; NULL fails the test. */
typedef armjit_trace *(*jc_build_fn)(armjit_ctx *ctx, const void *ud);

typedef struct {
  armjit_ctx *ctx[JC_NVARIANTS];
  armjit_trace *t[JC_NVARIANTS];
  armjit_loop *loop[JC_NVARIANTS];
  armjit_frame *fi;      /* interpreter frame: values of the last run */
  armjit_frame *fc;      /* compiled-code frame */
  uint32_t cap;          /* value slots a run needs */
  uint64_t max_steps;    /* interpreter limit (default 100M) */
  unsigned runs;         /* compared runs so far */
  const char *what;      /* optional label printed on mismatch */
  uint32_t seed;         /* of the random-allocation variant */
} jc_case;

/* Build, validate and compile the case in every variant (`seed` drives the
 * random allocator).  Failures fail the test with the error message. */
void jc_init(jc_case *c, jc_build_fn build, const void *ud, uint32_t seed);
/* The same with every variant's options starting from *base (e.g. its
 * class_offset); the variant then sets its own flags and seed. */
void jc_init_opts(jc_case *c, jc_build_fn build, const void *ud, uint32_t seed,
                  const armjit_options *base);
/* The same for a trace in text form. */
void jc_init_text(jc_case *c, const char *text, uint32_t seed);
void jc_free(jc_case *c);

/* Run the interpreter and every compiled variant on `in` (ninputs values)
 * and compare.  Returns the exit id; c->fi->values hold the exit's values. */
int jc_run(jc_case *c, const armjit_value *in);

/* Short printable form ("42", "0x10", "-0 [0x8000000000000000]"). */
void jc_value_fmt(armjit_type ty, armjit_value v, char *buf, size_t n);

#endif
