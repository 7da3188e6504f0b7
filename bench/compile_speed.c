/* SPDX-License-Identifier: MIT */
/* compile_speed — how fast armjit turns a trace into code, in ns per IR op.
 *
 *   compile_speed [REPS]            timings (default REPS 20)
 *   compile_speed --once PATH OPS   one run of PATH on an OPS-op trace inside
 *                                   bench_once(), for callgrind's
 *                                   --toggle-collect=bench_once
 *
 * The trace is the mixed trace of mixtrace.h at 1,000, 10,000 and 100,000
 * ops, made from NTRACES seeds (2 at 100,000 ops) that the runs of a size
 * take in turn: a CPU's branch predictor learns the branches of one trace
 * compiled again and again (one 1,000-op trace measured 15 % faster, its
 * compile alone 20 %), which a JIT's workload, never the same trace
 * twice, does not see.  Paths:
 *   api    build it through the API (mix_replay of its plan: the builder
 *          calls only; the generator's random choices are made before the
 *          clock starts) + armjit_trace_validate + armjit_compile_loop
 *          (+ freeing both)
 *   parse  armjit_trace_parse of its text (armjit_trace_to_string)
 *   text   parse + validate + compile
 *   nolist api in a context with ARMJIT_NO_LISTING (no listing kept)
 *   gen    (--once only) api with the trace made by mix_build inside the
 *          run: the generator's own work counted too
 * What is timed is exactly bench_once(); the trace's text and plan are made
 * before (and the plan's replay checked to print as mix_build's trace).
 * Each is timed REPS times (100k ops: REPS / 5, at least 3) with
 * CLOCK_MONOTONIC.  Compiling needs no ARM CPU, so this runs on the host as
 * a cross code generator too.  One line per size and path:
 *   ops=N path=P reps=R median_ns_per_op=X min_ns_per_op=Y code_bytes_per_op=Z
 *       faults_per_op=F
 * (F: the minor page faults of the REPS runs per op, getrusage: fresh
 * memory the C library took from the kernel for a run, typically after
 * giving it back at the end of the one before; they cost time that
 * callgrind's count does not see) and per size the compiled loop's recovery data (armjit_recovery_stats):
 *   recovery ops=N bytes=B fail_args=F maps=M shared=S
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "armjit.h"
#include "mixtrace.h"

enum { SEED = 12345, NTRACES = 8 };
typedef enum { P_API, P_PARSE, P_TEXT, P_NOLIST, P_GEN } path;
static const char *const path_names[] = {"api", "parse", "text", "nolist", "gen"};

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long minor_faults(void) {
  struct rusage u;
  return getrusage(RUSAGE_SELF, &u) == 0 ? u.ru_minflt : 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One run of path p; *code gets the loop's code size (paths that compile).
 * Returns 0 on success. */
__attribute__((noinline)) int bench_once(armjit_ctx *ctx, path p, unsigned nops,
                                         const char *text, const mix_plan *plan,
                                         size_t *code) {
  armjit_error e;
  armjit_trace *t = p == P_API || p == P_NOLIST ? mix_replay(ctx, plan)
                    : p == P_GEN                ? mix_build(ctx, nops, SEED)
                                                : armjit_trace_parse(ctx, text, &e);
  if (!t) return 1;
  int rc = 0;
  if (p != P_PARSE) {
    armjit_loop *loop = NULL;
    if (armjit_trace_validate(t, &e) != ARMJIT_OK ||
        !(loop = armjit_compile_loop(ctx, t, &e))) {
      fprintf(stderr, "compile_speed: %s: %s (%s)\n", path_names[p], e.msg,
              armjit_status_name(e.code));
      rc = 1;
    } else {
      armjit_loop_code(loop, code);
    }
    armjit_loop_free(loop);
  }
  armjit_trace_free(t);
  return rc;
}

/* The text of the nops-op trace of `seed` (free() it), and its exact op
 * count. */
static char *trace_text(armjit_ctx *ctx, unsigned nops, uint32_t seed, unsigned *real) {
  armjit_trace *t = mix_build(ctx, nops, seed);
  char *s = t ? armjit_trace_to_string(t) : NULL;
  if (t) *real = armjit_trace_nops(t);
  armjit_trace_free(t);
  return s;
}

/* The plan of the nops-op trace of `seed`, whose replay prints as `text`
 * (the trace of mix_build); NULL if not. */
static mix_plan *trace_plan(armjit_ctx *ctx, unsigned nops, uint32_t seed, const char *text) {
  mix_plan *plan = mix_plan_new(ctx, nops, seed);
  armjit_trace *t = plan ? mix_replay(ctx, plan) : NULL;
  char *s = t ? armjit_trace_to_string(t) : NULL;
  bool same = s && strcmp(s, text) == 0;
  free(s);
  armjit_trace_free(t);
  if (!same) {
    fprintf(stderr, "compile_speed: the replayed trace differs from mix_build's\n");
    mix_plan_free(plan);
    return NULL;
  }
  return plan;
}

/* The recovery data of the compiled nops-op trace:
 *   recovery ops=N bytes=B fail_args=F maps=M shared=S */
static int recovery(armjit_ctx *ctx, unsigned nops) {
  armjit_error e;
  armjit_trace *t = mix_build(ctx, nops, SEED);
  armjit_loop *loop = t && armjit_trace_validate(t, &e) == ARMJIT_OK
                          ? armjit_compile_loop(ctx, t, &e) : NULL;
  if (loop) {
    armjit_recovery_stats s;
    armjit_loop_recovery_stats(loop, &s);
    printf("recovery ops=%u bytes=%zu fail_args=%zu maps=%zu shared=%zu\n",
           armjit_trace_nops(t), s.bytes, s.fail_args, s.maps, s.shared);
  }
  armjit_loop_free(loop);
  armjit_trace_free(t);
  return loop ? 0 : 1;
}

static int bench(armjit_ctx *ctx, armjit_ctx *nolist, unsigned nops, unsigned reps) {
  unsigned k = nops >= 50000 ? 2 : NTRACES, real[NTRACES];
  char *text[NTRACES] = {NULL};
  mix_plan *plan[NTRACES] = {NULL};
  double *ns = malloc(reps * sizeof *ns);
  int rc = ns ? 0 : 1;
  for (unsigned i = 0; i < k && rc == 0; i++) {
    real[i] = nops;
    text[i] = trace_text(ctx, nops, SEED + i, &real[i]);
    plan[i] = text[i] ? trace_plan(ctx, nops, SEED + i, text[i]) : NULL;
    if (!plan[i]) rc = 1;
  }
  for (int p = P_API; p <= P_NOLIST && rc == 0; p++) {
    size_t code = 0, c = 0;
    long f0 = minor_faults();
    double ops = 0;
    for (unsigned r = 0; r < reps && rc == 0; r++) {
      unsigned i = r % k;
      double t0 = now_ns();
      rc = bench_once(p == P_NOLIST ? nolist : ctx, (path)p, nops, text[i], plan[i], &c);
      ns[r] = (now_ns() - t0) / real[i];
      ops += real[i];
      if (i == 0) code = c;  /* (the code of the first seed's trace) */
    }
    if (rc) break;
    double faults = (double)(minor_faults() - f0) / ops;
    qsort(ns, reps, sizeof *ns, cmp_double);
    printf("ops=%u path=%s reps=%u median_ns_per_op=%.1f min_ns_per_op=%.1f "
           "code_bytes_per_op=%.2f faults_per_op=%.3f\n",
           real[0], path_names[p], reps, ns[reps / 2], ns[0],
           p == P_PARSE ? 0.0 : (double)code / real[0], faults);
  }
  free(ns);
  for (unsigned i = 0; i < k; i++) {
    free(text[i]);
    mix_plan_free(plan[i]);
  }
  return rc || recovery(ctx, nops);
}

static int usage(void) {
  fprintf(stderr, "usage: compile_speed [REPS]   (1..100000)\n"
                  "       compile_speed --once api|parse|text|nolist|gen OPS\n");
  return 1;
}

int main(int argc, char **argv) {
  armjit_error e;
  armjit_options o = {0};
  o.flags = ARMJIT_NO_LISTING;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e), *nolist = ctx ? armjit_ctx_new(&o, &e) : NULL;
  if (!nolist) {
    fprintf(stderr, "compile_speed: %s\n", e.msg);
    armjit_ctx_free(ctx);
    return 1;
  }
  int rc;
  if (argc == 4 && strcmp(argv[1], "--once") == 0) {
    int p = -1;
    for (int k = P_API; k <= P_GEN; k++)
      if (strcmp(argv[2], path_names[k]) == 0) p = k;
    unsigned long n = strtoul(argv[3], NULL, 10);
    if (p < 0 || n < 64 || n > 1000000) {
      armjit_ctx_free(ctx);
      armjit_ctx_free(nolist);
      return usage();
    }
    unsigned real = (unsigned)n;
    char *text = trace_text(ctx, (unsigned)n, SEED, &real);
    mix_plan *plan = text ? trace_plan(ctx, (unsigned)n, SEED, text) : NULL;
    size_t code = 0;
    rc = plan ? bench_once(p == P_NOLIST ? nolist : ctx, (path)p, (unsigned)n, text, plan, &code)
              : 1;
    if (rc == 0) printf("ops=%u path=%s\n", real, argv[2]);
    free(text);
    mix_plan_free(plan);
  } else {
    unsigned reps = 20;
    char *end = NULL;
    unsigned long v = argc == 2 ? strtoul(argv[1], &end, 10) : reps;
    if (argc > 2 || (end && *end) || v == 0 || v > 100000) {
      armjit_ctx_free(ctx);
      armjit_ctx_free(nolist);
      return usage();
    }
    reps = (unsigned)v;
    rc = bench(ctx, nolist, 1000, reps) || bench(ctx, nolist, 10000, reps) ||
         bench(ctx, nolist, 100000, reps / 5 > 3 ? reps / 5 : 3);
  }
  armjit_ctx_free(ctx);
  armjit_ctx_free(nolist);
  return rc;
}
