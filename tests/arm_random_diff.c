/* Random differential testing: random traces (tests/support/randtrace.h)
 * compiled and run, compared with the reference interpreter.
 *
 * The whole set runs with normal register allocation and again with
 * ARMJIT_RANDOM_RA (seeded per trace); a slice also runs with
 * ARMJIT_NO_IDIV (division through the helper).  Each trace gets a fresh
 * context, so a single trace reproduces on its own:
 *   ARMJIT_SEED=S ARMJIT_INDEX=i arm_random_diff
 * Env: ARMJIT_SEED (default ARMJIT_RANDOM_SEED), ARMJIT_COUNT (default
 * ARMJIT_RANDOM_COUNT), ARMJIT_INDEX (one trace only), ARMJIT_SHRINK=0
 * (don't minimize mismatches), ARMJIT_VERBOSE=1 (print every trace),
 * ARMJIT_ISOLATE=1 (run each trace in a child process, so crashes and
 * hangs are shrunk like mismatches; on by default with ARMJIT_INDEX).
 * The first few mismatches are printed in full (trace, inputs, both
 * results, disassembly) and minimized into a regression-file form. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "armjit.h"
#include "randdiff.h"
#include "randtrace.h"

enum { M_NORMAL, M_RANDOM_RA, M_NO_IDIV, M_COUNT };
static const char *const mode_name[M_COUNT] = {"normal RA", "random RA", "no-IDIV"};

#define MAX_STEPS 10000000u
#define MAX_REPORTS 3
#define TIMEOUT_S 2 /* per isolated run: normal runs take milliseconds */

typedef struct {
  uint64_t seed;
  unsigned count, noidiv_count;
  long only;             /* ARMJIT_INDEX, or -1 */
  bool shrink, verbose, isolate;
  unsigned done[M_COUNT];
  unsigned mismatches;
  double seconds;
} params;

static uint64_t env_u64(const char *name, uint64_t def) {
  const char *s = getenv(name);
  return s && *s ? strtoull(s, NULL, 0) : def;
}

static armjit_options mode_options(int mode, uint64_t trace_seed) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  if (mode == M_RANDOM_RA) {
    o.flags = ARMJIT_RANDOM_RA;
    o.seed = (uint32_t)trace_seed | 1u;
  }
  if (mode == M_NO_IDIV) o.flags = ARMJIT_NO_IDIV;
  return o;
}

/* Compiled code that faults or never exits kills the process before any
 * report, so a signal handler names the trace (and prints its text).  A
 * handler can only reach static data: this is the test's one piece of
 * mutable global state. */
static struct {
  char line[200];
  char *text;
} crash;

static void put(const char *s) {
  if (write(2, s, strlen(s)) < 0) return;
}

static void on_crash(int sig) {
  put(sig == SIGALRM ? "\n*** timeout (compiled code loops?) " : "\n*** crash ");
  put(crash.line);
  if (crash.text) put(crash.text);
  signal(sig, SIG_DFL);
  raise(sig == SIGALRM ? SIGABRT : sig);
}

static void arm_crash_report(const params *p, unsigned index, int mode, armjit_trace *t) {
  snprintf(crash.line, sizeof crash.line,
           "in seed %llu index %u (%s); rerun: ARMJIT_SEED=%llu ARMJIT_INDEX=%u\n",
           (unsigned long long)p->seed, index, mode_name[mode], (unsigned long long)p->seed,
           index);
  free(crash.text);
  crash.text = armjit_trace_to_string(t);
  alarm(60);
}

static void disarm_crash_report(void) {
  alarm(0);
  free(crash.text);
  crash.text = NULL;
}

/* Minimize g while it still mismatches, and print it as a regression file
 * (tests/traces/regress_NNN.ir form) followed by its full report.  Under
 * ARMJIT_RANDOM_RA the trace may fail under its own seed or any of the
 * seeds arm_regress uses. */
static void shrink_and_print(params *p, const rt_trace *g0, const armjit_options *o,
                             unsigned index, int mode, bool crashed) {
  rt_trace g;
  if (!rt_trace_copy(&g, g0)) return;
  uint32_t seeds[RT_REGRESS_SEEDS + 1];
  seeds[0] = o->seed;
  for (unsigned k = 0; k < RT_REGRESS_SEEDS; k++) seeds[k + 1] = rt_regress_seed(k);
  rt_diff_pred pred = {.opts = *o, .ra_seeds = seeds, .n_ra_seeds = RT_REGRESS_SEEDS + 1,
                       .max_steps = MAX_STEPS, .timeout_s = TIMEOUT_S};
  unsigned steps = rt_shrink(&g, rt_diff_still_fails, &pred);
  /* the first seed it fails with, for the report */
  armjit_options fo = *o;
  if (o->flags & ARMJIT_RANDOM_RA) {
    rt_diff_pred one = pred;
    one.n_ra_seeds = 1;
    for (unsigned k = 0; k <= RT_REGRESS_SEEDS; k++) {
      one.ra_seeds = &seeds[k];
      if (rt_diff_still_fails(&g, &one)) { fo.seed = seeds[k]; break; }
    }
  }
  armjit_ctx *ctx = armjit_ctx_new(&fo, NULL);
  if (ctx) {
    fprintf(stderr, "---- minimized in %u steps (%u predicate runs) ----\n", steps, pred.calls);
    fprintf(stderr, "# seed %llu index %u (%s)\n", (unsigned long long)p->seed, index,
            mode_name[mode]);
    if (o->flags & ARMJIT_RANDOM_RA) fprintf(stderr, "# ra-seed: %u\n", (unsigned)fo.seed);
    rt_print_regress(stderr, ctx, &g, NULL);
    fprintf(stderr, "---- end ----\n");
    armjit_trace *t = rt_build(ctx, &g, false);
    uint32_t n;
    armjit_value *in = rt_inputs(&g, &n);
    if (t && in && !crashed) {
      rt_diff d;
      if (rt_diff_run(ctx, t, in, n, MAX_STEPS, &d) == RT_DIFF)
        rt_diff_report(stderr, t, in, n, &d, true);
      rt_diff_free(ctx, &d);
    }
    free(in);
    if (t) armjit_trace_free(t);
    armjit_ctx_free(ctx);
  }
  rt_trace_clear(&g);
}

/* One trace in one mode.  Returns false on a mismatch. */
static bool check_one(params *p, const rt_trace *g, unsigned index, int mode,
                      uint64_t tseed) {
  armjit_options o = mode_options(mode, tseed);
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  armjit_trace *t = rt_build(ctx, g, false);
  assert_non_null(t);
  if (armjit_trace_validate(t, &err) != ARMJIT_OK) {
    fprintf(stderr, "seed %llu index %u: generated trace is invalid: %s\n",
            (unsigned long long)p->seed, index, err.msg);
    armjit_trace_print(t, stderr);
    fail();
  }
  uint32_t n;
  armjit_value *in = rt_inputs(g, &n);
  assert_non_null(in);
  if (p->verbose) {
    fprintf(stderr, "== index %u (%s)\n# args: ", index, mode_name[mode]);
    rt_print_inputs(stderr, g);
    fputc('\n', stderr);
    armjit_trace_print(t, stderr);
  }
  rt_diff d;
  memset(&d, 0, sizeof d);
  rt_verdict v = RT_DIFF;
  bool crashed = false;
  if (p->isolate) { /* a crash or hang becomes a mismatch that can be shrunk */
    char why[sizeof d.why];
    v = rt_diff_run_isolated(ctx, t, in, n, MAX_STEPS, TIMEOUT_S, why, sizeof why);
    crashed = v == RT_DIFF && strncmp(why, "exit status", 11) != 0;
    if (crashed) snprintf(d.why, sizeof d.why, "%s", why);
  }
  if (!crashed && (!p->isolate || v != RT_SAME)) {
    arm_crash_report(p, index, mode, t);
    v = rt_diff_run(ctx, t, in, n, MAX_STEPS, &d);
    disarm_crash_report();
  }
  if (v == RT_ORACLE) {
    fprintf(stderr, "seed %llu index %u: interpreter failed: %s\n",
            (unsigned long long)p->seed, index, d.ierr.msg);
    armjit_trace_print(t, stderr);
    fail();
  }
  bool ok = v == RT_SAME;
  if (!ok) {
    p->mismatches++;
    fprintf(stderr, "MISMATCH seed %llu index %u (%s): %s\n", (unsigned long long)p->seed,
            index, mode_name[mode], d.why);
    if (p->mismatches <= MAX_REPORTS) {
      fprintf(stderr, "==== seed %llu index %u (%s): ", (unsigned long long)p->seed, index,
              mode_name[mode]);
      if (crashed) {
        fprintf(stderr, "mismatch: %s\n# args: ", d.why);
        rt_print_inputs(stderr, g);
        fputc('\n', stderr);
        armjit_trace_print(t, stderr);
      } else {
        rt_diff_report(stderr, t, in, n, &d, true);
      }
      if (p->shrink) shrink_and_print(p, g, &o, index, mode, crashed);
    }
  }
  rt_diff_free(ctx, &d);
  free(in);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  return ok;
}

static void test_random_diff(void **state) {
  params *p = *state;
  armjit_ctx *gctx = armjit_ctx_new(NULL, NULL); /* generation and guard repair */
  assert_non_null(gctx);
  clock_t t0 = clock();
  for (unsigned i = 0; i < p->count; i++) {
    if (p->only >= 0 && (long)i != p->only) continue;
    uint64_t tseed = rt_trace_seed(p->seed, i);
    rt_rng r;
    rt_rng_seed(&r, tseed);
    rt_config cfg;
    rt_config_random(&r, &cfg);
    rt_trace g;
    assert_true(rt_generate(&r, &cfg, gctx, &g));
    for (int m = 0; m < M_COUNT; m++) {
      if (m == M_NO_IDIV && i >= p->noidiv_count && p->only < 0) continue;
      check_one(p, &g, i, m, tseed);
      p->done[m]++;
    }
    rt_trace_clear(&g);
  }
  p->seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
  armjit_ctx_free(gctx);
  assert_int_equal(p->mismatches, 0);
}

int main(void) {
  params p;
  memset(&p, 0, sizeof p);
  p.seed = env_u64("ARMJIT_SEED", ARMJIT_RANDOM_SEED);
  p.count = (unsigned)env_u64("ARMJIT_COUNT", ARMJIT_RANDOM_COUNT);
  p.noidiv_count = p.count / 4 ? p.count / 4 : p.count;
  const char *only = getenv("ARMJIT_INDEX");
  p.only = only && *only ? strtol(only, NULL, 0) : -1;
  const char *sh = getenv("ARMJIT_SHRINK");
  p.shrink = !(sh && strcmp(sh, "0") == 0);
  const char *iso = getenv("ARMJIT_ISOLATE");
  p.isolate = p.only >= 0 || (iso && strcmp(iso, "0") != 0);
  const char *vb = getenv("ARMJIT_VERBOSE");
  p.verbose = vb && strcmp(vb, "0") != 0;

  signal(SIGSEGV, on_crash);
  signal(SIGILL, on_crash);
  signal(SIGBUS, on_crash);
  signal(SIGFPE, on_crash);
  signal(SIGALRM, on_crash);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_prestate(test_random_diff, &p),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  printf("random traces: %.1f s cpu\n", p.seconds);
  printf("random traces: %u compared (%s), %u (%s), %u (%s); mismatches: %u; seed: %llu\n",
         p.done[M_NORMAL], mode_name[M_NORMAL], p.done[M_RANDOM_RA], mode_name[M_RANDOM_RA],
         p.done[M_NO_IDIV], mode_name[M_NO_IDIV], p.mismatches, (unsigned long long)p.seed);
  return rc;
}
