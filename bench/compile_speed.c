/* SPDX-License-Identifier: MIT */
/* compile_speed — how fast armjit_compile_loop is, in ns per IR op.
 *
 * usage: compile_speed [REPS]      (default 20)
 *
 * For traces of 1,000 and 10,000 ops (tests/support/bigtrace.c) the trace
 * is built once and compiled REPS times; only the armjit_compile_loop call
 * is timed (CLOCK_MONOTONIC).  Compiling needs no ARM CPU, so this runs on
 * the host as a cross code generator too.  One line per size:
 *   ops=10000 reps=20 median_ns_per_op=... min_ns_per_op=... code_bytes_per_op=...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "armjit.h"
#include "bigtrace.h"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int bench(armjit_ctx *ctx, unsigned nops, unsigned reps) {
  armjit_trace *t = bt_build(ctx, nops, 12345);
  armjit_error e;
  if (!t || armjit_trace_validate(t, &e) != ARMJIT_OK) {
    fprintf(stderr, "compile_speed: building the %u-op trace failed\n", nops);
    armjit_trace_free(t);
    return 1;
  }
  double *ns = malloc(reps * sizeof *ns);
  size_t code = 0;
  int rc = ns ? 0 : 1;
  for (unsigned r = 0; r < reps && rc == 0; r++) {
    double t0 = now_ns();
    armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
    double t1 = now_ns();
    if (!loop) {
      fprintf(stderr, "compile_speed: compile failed: %s (%s)\n", e.msg,
              armjit_status_name(e.code));
      rc = 1;
      break;
    }
    armjit_loop_code(loop, &code);
    armjit_loop_free(loop);
    ns[r] = (t1 - t0) / nops;
  }
  if (rc == 0) {
    qsort(ns, reps, sizeof *ns, cmp_double);
    printf("ops=%u reps=%u median_ns_per_op=%.1f min_ns_per_op=%.1f code_bytes_per_op=%.2f\n",
           nops, reps, ns[reps / 2], ns[0], (double)code / nops);
  }
  free(ns);
  armjit_trace_free(t);
  return rc;
}

int main(int argc, char **argv) {
  unsigned reps = 20;
  if (argc > 1) {
    char *end;
    unsigned long v = strtoul(argv[1], &end, 10);
    if (*end || v == 0 || v > 100000) {
      fprintf(stderr, "usage: compile_speed [REPS]   (1..100000)\n");
      return 1;
    }
    reps = (unsigned)v;
  }
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e);
  if (!ctx) {
    fprintf(stderr, "compile_speed: %s\n", e.msg);
    return 1;
  }
  int rc = bench(ctx, 1000, reps) || bench(ctx, 10000, reps);
  armjit_ctx_free(ctx);
  return rc;
}
