/* SPDX-License-Identifier: MIT */
/* Random differential testing: random traces (tests/support/randtrace.h)
 * compiled and run, compared with the reference interpreter.
 *
 * The whole set runs with normal register allocation and again with
 * ARMJIT_RANDOM_RA (seeded per trace); a slice also runs with
 * ARMJIT_NO_IDIV (division through the helper).  Each trace gets a fresh
 * context, so a single trace reproduces on its own:
 *   ARMJIT_SEED=S ARMJIT_INDEX=i arm_random_diff
 * Env: ARMJIT_SEED (default ARMJIT_RANDOM_SEED), ARMJIT_COUNT (default
 * ARMJIT_DIFF_COUNT), ARMJIT_INDEX (one trace only), ARMJIT_SHRINK=0
 * (don't minimize mismatches), ARMJIT_VERBOSE=1 (print every trace),
 * ARMJIT_NO_CALLS=1 / ARMJIT_NO_MEM=1 (leave calls / memory ops out),
 * ARMJIT_SETS (bridge sets), ARMJIT_GC_COUNT (GC traces: GC ops mixed in,
 * run under the tests' moving collector, docs/random-testing.md).
 * Crashes and hangs of compiled code count as mismatches.
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
#include "bset.h"
#include "gc_diff.h"
#include "randdiff.h"
#include "randenv.h"
#include "randset.h"
#include "randtrace.h"

#ifndef ARMJIT_SET_COUNT
#define ARMJIT_SET_COUNT 2000 /* bridge sets per run (env ARMJIT_SETS) */
#endif
#ifndef ARMJIT_GC_COUNT
#define ARMJIT_GC_COUNT 2000 /* GC traces per run (env ARMJIT_GC_COUNT) */
#endif

enum { M_NORMAL, M_RANDOM_RA, M_NO_IDIV, M_COUNT };
/* no-IDIV: a CPU without SDIV/UDIV and without NEON (division helpers,
 * the i64 ops' core-register sequences) */
static const char *const mode_name[M_COUNT] = {"normal RA", "random RA", "no-IDIV no-NEON"};

#define MAX_STEPS 10000000u
#define MAX_REPORTS 3
#define TIMEOUT_S 2 /* per isolated run: normal runs take milliseconds */
#define HANG_S 10   /* the same in the main run (a loaded machine: be generous) */

typedef struct {
  uint64_t seed;
  unsigned count, noidiv_count;
  long only;             /* ARMJIT_INDEX, or -1 */
  bool shrink, verbose, no_calls, no_mem;
  unsigned done[M_COUNT];
  unsigned env_done[M_COUNT]; /* of those, traces with memory ops or calls */
  unsigned wide_done[M_COUNT]; /* of those, traces with i64 or f32 values */
  unsigned pypy_done[M_COUNT]; /* ... with ops of the ARMJIT_OPS_PYPY group */
  unsigned long pypy_ops[M_COUNT]; /* how many such ops they have */
  unsigned known_done;         /* traces with values known before lowering */
  unsigned long known;         /* how many (rt_count_known) */
  unsigned wide_known_done;    /* traces with float or i64 ops of constants */
  unsigned long wide_known;    /* how many (rt_count_const_wide) */
  unsigned mla_done;           /* traces with float_add(acc, float_mul) */
  unsigned long mla;           /* how many (rt_count_mla) */
  unsigned island_done[M_COUNT]; /* ... whose code has float constant islands */
  unsigned long islands[M_COUNT];  /* how many islands they have */
  unsigned mismatches;
  double seconds;
  unsigned nsets;        /* bridge sets to compare */
  unsigned sets_done[2]; /* per allocation mode (normal, random) */
  unsigned set_runs, set_mismatches;
  unsigned exits_in_bridge, exits_elsewhere, inval_fired; /* how deep runs went */
  rs_stats stats;
  double set_seconds;
  /* GC traces (test_random_gc) */
  unsigned ngc;          /* to compare */
  unsigned gc_done[2];   /* per allocation mode (normal, random) */
  unsigned gc_with_ops, gc_wide, gc_pypy, gc_env, gc_loops, gc_mismatches;
  unsigned long gc_ops;
  uint64_t gc_slow, gc_collections, gc_moved, gc_wb;
  size_t gc_sites, gc_map_bytes;
  unsigned gc_sets;      /* GC bridge sets that agreed */
  unsigned gc_set_bridges, gc_set_bridge_exits; /* their bridges with GC ops, runs left from one */
  uint64_t gc_set_collections, gc_set_moved;
  double gc_seconds;
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
  if (mode == M_NO_IDIV) {
    o.flags = ARMJIT_NO_IDIV | ARMJIT_FEATURES_SET;
    o.features = armjit_detect_features() & ~(unsigned)A32_FEAT_NEON;
  }
  return o;
}

/* Compiled code that faults or never exits would take the whole run down
 * before any report.  While a run is armed, the signal handler jumps back
 * to it (the crash counts as a mismatch and is shrunk in child processes);
 * outside a run it restores the default action.  A handler can only reach
 * static data: this is the test's one piece of mutable global state. */
static struct {
  sigjmp_buf jb;
  volatile sig_atomic_t armed;
} crash;

static void on_crash(int sig) {
  if (crash.armed) {
    crash.armed = 0;
    siglongjmp(crash.jb, sig);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

/* rt_diff_run, surviving crashes and hangs of the compiled code: then
 * RT_DIFF with d->why saying so and *crashed set (d is left unfreed: the
 * library may be mid-operation, so its memory is leaked, not touched). */
static rt_verdict guarded_run(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                              uint32_t n, rt_env *env, rt_diff *d, bool *crashed) {
  *crashed = false;
  int sig = sigsetjmp(crash.jb, 1);
  if (sig) {
    alarm(0);
    memset(d, 0, sizeof *d);
    if (sig == SIGALRM)
      snprintf(d->why, sizeof d->why, "compiled code did not exit within %d s", HANG_S);
    else
      snprintf(d->why, sizeof d->why, "crashed with signal %d (%s)", sig, strsignal(sig));
    *crashed = true;
    return RT_DIFF;
  }
  crash.armed = 1;
  alarm(HANG_S);
  rt_verdict v = rt_diff_run(ctx, t, in, n, env, MAX_STEPS, d);
  alarm(0);
  crash.armed = 0;
  return v;
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
  rt_env env;
  bool has_env = g.env && rt_env_for(&env, &g);
  armjit_ctx *ctx = rt_ctx_new_env(&fo, has_env ? &env : NULL);
  if (ctx && g.env == has_env) {
    fprintf(stderr, "---- minimized in %u steps (%u predicate runs) ----\n", steps, pred.calls);
    fprintf(stderr, "# seed %llu index %u (%s)\n", (unsigned long long)p->seed, index,
            mode_name[mode]);
    if (o->flags & ARMJIT_RANDOM_RA) fprintf(stderr, "# ra-seed: %u\n", (unsigned)fo.seed);
    rt_print_regress(stderr, ctx, &g, NULL);
    fprintf(stderr, "---- end ----\n");
    armjit_trace *t = rt_build(ctx, &g, false);
    uint32_t n;
    armjit_value *in = rt_inputs(&g, has_env ? &env : NULL, &n);
    if (t && in && !crashed) {
      rt_diff d;
      if (rt_diff_run(ctx, t, in, n, has_env ? &env : NULL, MAX_STEPS, &d) == RT_DIFF)
        rt_diff_report(stderr, t, &g, in, n, &d, true);
      rt_diff_free(ctx, &d);
    }
    free(in);
    if (t) armjit_trace_free(t);
  }
  if (ctx) armjit_ctx_free(ctx);
  if (has_env) rt_env_free(&env);
  rt_trace_clear(&g);
}

/* One trace in one mode.  Returns false on a mismatch. */
static bool check_one(params *p, const rt_trace *g, unsigned index, int mode,
                      uint64_t tseed) {
  armjit_options o = mode_options(mode, tseed);
  armjit_error err;
  rt_env env, *e = NULL;
  if (g->env) {
    assert_true(rt_env_for(&env, g));
    e = &env;
  }
  armjit_ctx *ctx = rt_ctx_new_env(&o, e);
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
  armjit_value *in = rt_inputs(g, e, &n);
  assert_non_null(in);
  if (p->verbose) {
    fprintf(stderr, "== index %u (%s)\n", index, mode_name[mode]);
    rt_print_args_header(stderr, g);
    armjit_trace_print(t, stderr);
  }
  rt_diff d;
  bool crashed;
  rt_verdict v = guarded_run(ctx, t, in, n, e, &d, &crashed);
  if (v == RT_ORACLE) {
    fprintf(stderr, "seed %llu index %u: interpreter failed: %s\n",
            (unsigned long long)p->seed, index, d.ierr.msg);
    armjit_trace_print(t, stderr);
    fail();
  }
  armjit_pool_stats ps;
  armjit_loop_pool_stats(d.loop, &ps); /* zero when it did not compile */
  p->island_done[mode] += ps.islands != 0;
  p->islands[mode] += ps.islands;
  bool ok = v == RT_SAME;
  if (ok && g->gc) {
    p->gc_slow += d.gc_slow;
    p->gc_collections += d.gc_collections;
    p->gc_moved += d.gc_moved;
    p->gc_wb += d.gc_wb;
    armjit_gc_map_stats ms;
    armjit_loop_gc_stats(d.loop, &ms);
    p->gc_sites += ms.sites;
    p->gc_map_bytes += ms.map_bytes;
  }
  if (!ok) {
    p->mismatches++;
    fprintf(stderr, "MISMATCH seed %llu index %u (%s): %s\n", (unsigned long long)p->seed,
            index, mode_name[mode], d.why);
    if (p->mismatches <= MAX_REPORTS) {
      fprintf(stderr, "==== seed %llu index %u (%s): ", (unsigned long long)p->seed, index,
              mode_name[mode]);
      if (crashed) {
        fprintf(stderr, "mismatch: %s\n", d.why);
        rt_print_args_header(stderr, g);
        armjit_trace_print(t, stderr);
      } else {
        rt_diff_report(stderr, t, g, in, n, &d, true);
      }
      if (p->shrink) shrink_and_print(p, g, &o, index, mode, crashed);
    }
  }
  if (crashed) { /* leak the context and arena: they may be mid-operation */
    free(in);
    return ok;
  }
  rt_diff_free(ctx, &d);
  free(in);
  if (e) rt_env_free(e);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  return ok;
}

static void test_random_diff(void **state) {
  params *p = *state;
  /* here, not in main: cmocka installs its own handlers around each test */
  static const int sigs[] = {SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGALRM};
  void (*old[5])(int);
  for (int k = 0; k < 5; k++) old[k] = signal(sigs[k], on_crash);
  armjit_ctx *gctx = rt_ctx_new(NULL); /* generation and guard repair */
  assert_non_null(gctx);
  clock_t t0 = clock();
  for (unsigned i = 0; i < p->count; i++) {
    if (p->only >= 0 && (long)i != p->only) continue;
    uint64_t tseed = rt_trace_seed(p->seed, i);
    rt_rng r;
    rt_rng_seed(&r, tseed);
    rt_config cfg;
    rt_config_random(&r, &cfg);
    if (p->no_calls) cfg.call_pct = 0;
    if (p->no_mem) cfg.mem_pct = 0;
    if (rt_chance(&r, 55)) cfg.wide_pct = 10 + rt_below(&r, 40); /* i64 and f32 */
    cfg.head_pct = 25;  /* loops that rotate */
    if (rt_chance(&r, 3)) { /* long float code: constants far from the pool (islands) */
      cfg.nops = 200 + rt_below(&r, 400);
      cfg.float_pct = 40 + rt_below(&r, 50);
      cfg.const_pct = 20 + rt_below(&r, 30);
    }
    rt_trace g;
    assert_true(rt_generate(&r, &cfg, gctx, &g));
    bool wide = rt_uses_wide(&g);
    uint32_t npypy = rt_count_pypy_ops(&g), nknown = rt_count_known(&g);
    p->known_done += nknown != 0;
    p->known += nknown;
    uint32_t nwk = rt_count_const_wide(&g);
    p->wide_known_done += nwk != 0;
    p->wide_known += nwk;
    uint32_t nmla = rt_count_mla(&g);
    p->mla_done += nmla != 0;
    p->mla += nmla;
    for (int m = 0; m < M_COUNT; m++) {
      if (m == M_NO_IDIV && i >= p->noidiv_count && p->only < 0) continue;
      check_one(p, &g, i, m, tseed);
      p->done[m]++;
      if (g.env) p->env_done[m]++;
      if (wide) p->wide_done[m]++;
      if (npypy) p->pypy_done[m]++;
      p->pypy_ops[m] += npypy;
    }
    rt_trace_clear(&g);
  }
  p->seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
  armjit_ctx_free(gctx);
  for (int k = 0; k < 5; k++) signal(sigs[k], old[k]);
  assert_int_equal(p->mismatches, 0);
  /* a full run exercises the islands (about 1 trace in 40 has them) */
  if (p->only < 0 && p->count >= 1000) assert_true(p->island_done[M_NORMAL] > 0);
}

/* ---- GC traces ------------------------------------------------------------- */
/* The shared generator with GC ops mixed in (randgc.c) — with i64 and f32,
 * PyPy's ops, memory ops and calls — run under the tests' moving collector
 * (gc_model.h) in both runs: exit, values, arena and heap compared byte
 * for byte, and the collector's counts.  Normal and random allocation
 * alternate. */
static void test_random_gc(void **state) {
  params *p = *state;
  /* and SIGABRT: the collector aborts on a broken heap */
  static const int sigs[] = {SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGALRM, SIGABRT};
  void (*old[6])(int);
  for (int k = 0; k < 6; k++) old[k] = signal(sigs[k], on_crash);
  armjit_ctx *gctx = rt_ctx_new(NULL);
  assert_non_null(gctx);
  unsigned before = p->mismatches;
  clock_t t0 = clock();
  /* until ngc traces with GC ops ran (the few without any run too) */
  for (unsigned i = 0; p->only >= 0 ? i <= (unsigned long)p->only
                                    : p->gc_with_ops < p->ngc && i < 2 * p->ngc;
       i++) {
    if (p->only >= 0 && (long)i != p->only) continue;
    uint64_t tseed = rt_trace_seed(p->seed ^ 0x6c6c6c6cu, i);
    rt_rng r;
    rt_rng_seed(&r, tseed);
    rt_config cfg;
    rt_config_random(&r, &cfg);
    cfg.gc_pct = 30 + rt_below(&r, 30);
    if (rt_chance(&r, 70)) cfg.wide_pct = 10 + rt_below(&r, 30);
    if (cfg.mem_pct + cfg.call_pct == 0 && rt_chance(&r, 50)) {
      cfg.mem_pct = rt_below(&r, 25);
      cfg.call_pct = rt_below(&r, 15);
    }
    if (p->no_calls) cfg.call_pct = 0;
    if (p->no_mem) cfg.mem_pct = 0;
    /* the nursery holds what stays live: no huge traces */
    if (cfg.nops < 8 || cfg.nops > 120) cfg.nops = 8 + rt_below(&r, 60);
    if (cfg.live > 40) cfg.live = 40;
    if (cfg.nargs > 20) cfg.nargs = 20;
    if (cfg.max_fail > 30) cfg.max_fail = 30;
    cfg.head_pct = 25;
    rt_trace g;
    assert_true(rt_generate(&r, &cfg, gctx, &g));
    int mode = i % 2 ? M_RANDOM_RA : M_NORMAL;
    uint32_t ngcops = rt_count_gc_ops(&g);
    check_one(p, &g, i, mode, tseed);
    p->gc_done[mode == M_RANDOM_RA]++;
    if (ngcops) {
      p->gc_with_ops++;
      p->gc_ops += ngcops;
      p->gc_wide += rt_uses_wide(&g);
      p->gc_pypy += rt_count_pypy_ops(&g) != 0;
      p->gc_env += cfg.mem_pct + cfg.call_pct != 0;
      p->gc_loops += g.loop;
    }
    rt_trace_clear(&g);
  }
  p->gc_seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
  p->gc_mismatches = p->mismatches - before;
  armjit_ctx_free(gctx);
  for (int k = 0; k < 6; k++) signal(sigs[k], old[k]);
  assert_int_equal(p->gc_mismatches, 0);
  if (p->only < 0 && p->ngc >= 100) { /* the collector really ran and moved */
    assert_true(p->gc_with_ops >= p->ngc); /* ngc traces that have GC ops */
    /* mixed with the other new features */
    assert_true(p->gc_wide > 0 && p->gc_pypy > 0 && p->gc_env > 0 && p->gc_loops > 0);
    assert_true(p->gc_collections > p->ngc / 4);
    assert_true(p->gc_moved > p->gc_collections);
    assert_true(p->gc_wb > 0);
  }
}

/* ---- sets of loops and bridges (randset.h) -------------------------------- */
/* A set's runs: the set, and for a GC set the heap after the interpreted
 * side of the current run and the collector's counts so far. */
typedef struct {
  rs_set *s;
  gcd_snap heap;
  uint64_t collections, moved;
} set_run;

static void set_before(bset *b, bool compiled, void *ud) {
  set_run *run = ud;
  rs_set *s = run->s;
  if (s->gc) rt_env_reset(&s->env); /* both sides from the same heap */
  s->inval.compiled = compiled;
  s->inval.fired = false;
  if (s->inval_entry >= 0) {
    s->inval.loop = b->loops[s->inval_entry];
    s->inval.flag = &b->invalid[s->inval_entry];
  }
}

/* A GC set: the heap after the compiled side must be the interpreted
 * side's (gcd_same). */
static bool set_after(bset *b, bool compiled, void *ud, char *why, size_t n) {
  (void)b;
  set_run *run = ud;
  if (!run->s->gc) return true;
  if (!compiled) {
    gcd_snap_free(&run->heap);
    gcd_take(run->s->env.gc, &run->heap);
    return true;
  }
  gcd_snap c;
  gcd_take(run->s->env.gc, &c);
  bool same = gcd_same(&run->heap, &c, why, n);
  run->collections += c.coll;
  run->moved += c.moved;
  gcd_snap_free(&c);
  return same;
}

/* bset_compare, surviving crashes and hangs of the compiled code. */
static bool guarded_compare(bset *b, unsigned l, const armjit_value *in, unsigned *entry,
                            char *why, size_t n) {
  int sig = sigsetjmp(crash.jb, 1);
  if (sig) {
    alarm(0);
    snprintf(why, n, "%s", sig == SIGALRM ? "compiled code did not exit" : strsignal(sig));
    return false;
  }
  crash.armed = 1;
  alarm(HANG_S);
  bool ok = bset_compare(b, l, in, entry, NULL, why, n);
  alarm(0);
  crash.armed = 0;
  return ok;
}

/* A set's runs in one allocation mode: each loop from its inputs, and for
 * a set with invalidation every loop again afterwards.  false: mismatch. */
static bool check_set(params *p, rs_set *s, unsigned index, int mode, uint64_t sseed) {
  armjit_options o = mode_options(mode, sseed);
  rt_env *env = s->gc ? &s->env : NULL;
  armjit_ctx *ctx = rt_ctx_new_env(&o, env);
  assert_non_null(ctx);
  armjit_set_entry *set = rs_build(ctx, s);
  assert_non_null(set);
  bset b;
  armjit_error err;
  bool compiled = bset_init(&b, ctx, set, s->n, &err);
  if (compiled) rs_bind_callee(s, ctx, set, b.loops); /* call_assembler's token */
  b.malloced = true;
  b.max_steps = MAX_STEPS;
  set_run run;
  memset(&run, 0, sizeof run);
  run.s = s;
  b.before = set_before;
  b.after = set_after;
  b.ud = &run;
  char why[320] = "";
  bool ok = compiled;
  if (!compiled) snprintf(why, sizeof why, "compiling the set failed: %s", err.msg);
  for (unsigned round = 0; ok && round < (s->inval_mode ? 2u : 1u); round++) {
    if (round && s->inval_mode == RS_INVAL_BEFORE) bset_invalidate(&b, (unsigned)s->inval_entry);
    for (unsigned l = 0; ok && l < s->nloops; l++) {
      uint32_t n;
      if (env) rt_env_reset(env); /* the GC inputs' addresses */
      armjit_value *in = rt_inputs(&s->g[l], env, &n);
      assert_non_null(in);
      unsigned e = l;
      ok = guarded_compare(&b, l, in, &e, why, sizeof why);
      p->set_runs++;
      if (ok && s->parent[e] >= 0) p->exits_in_bridge++;
      else if (ok && e != l) p->exits_elsewhere++;
      if (ok && s->parent[e] >= 0 && s->gc) p->gc_set_bridge_exits++;
      p->inval_fired += s->inval.fired;
      free(in);
    }
  }
  if (!ok) {
    p->set_mismatches++;
    fprintf(stderr, "MISMATCH bridge set seed %llu index %u (%s): %s\n",
            (unsigned long long)p->seed, index, mode_name[mode], why);
    if (p->set_mismatches <= MAX_REPORTS) {
      if (s->inval_mode)
        fprintf(stderr, "# loop %s invalidated %s\n", s->name[s->inval_entry],
                s->inval_mode == RS_INVAL_BEFORE ? "before its second run" : "during a run");
      rs_print(stderr, set, s->n);
    }
  }
  if (ok && s->gc) {
    p->gc_sets++;
    for (unsigned i = 0; i < s->n; i++)
      p->gc_set_bridges += s->parent[i] >= 0 && rt_count_gc_ops(&s->g[i]) != 0;
    p->gc_set_collections += run.collections;
    p->gc_set_moved += run.moved;
  }
  gcd_snap_free(&run.heap);
  bset_free(&b);
  armjit_ctx_free(ctx);
  return ok;
}

static void test_bridge_sets(void **state) {
  params *p = *state;
  /* and SIGABRT: the collector of GC sets aborts on a broken heap */
  static const int sigs[] = {SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGALRM, SIGABRT};
  void (*old[6])(int);
  for (int k = 0; k < 6; k++) old[k] = signal(sigs[k], on_crash);
  armjit_ctx *gctx = rt_ctx_new(NULL);
  assert_non_null(gctx);
  clock_t t0 = clock();
  rs_set *s = malloc(sizeof *s);
  assert_non_null(s);
  for (unsigned i = 0; i < p->nsets; i++) {
    if (p->only >= 0 && (long)i != p->only) continue;
    uint64_t sseed = rt_trace_seed(p->seed ^ 0x5e75e75eu, i);
    rt_rng r;
    rt_rng_seed(&r, sseed);
    assert_true(rs_generate(&r, gctx, i % 4 == 3, s)); /* a quarter: GC sets */
    rs_count(&p->stats, s);
    int mode = i % 2 ? M_RANDOM_RA : M_NORMAL;
    check_set(p, s, i, mode, sseed);
    p->sets_done[mode == M_RANDOM_RA]++;
    rs_clear(s);
  }
  free(s);
  p->set_seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
  armjit_ctx_free(gctx);
  for (int k = 0; k < 6; k++) signal(sigs[k], old[k]);
  assert_int_equal(p->set_mismatches, 0);
}

int main(void) {
  params p;
  memset(&p, 0, sizeof p);
  p.seed = env_u64("ARMJIT_SEED", ARMJIT_RANDOM_SEED);
  p.count = (unsigned)env_u64("ARMJIT_COUNT", ARMJIT_DIFF_COUNT);
  p.noidiv_count = p.count / 4 ? p.count / 4 : p.count;
  p.nsets = (unsigned)env_u64("ARMJIT_SETS", ARMJIT_SET_COUNT);
  p.ngc = (unsigned)env_u64("ARMJIT_GC_COUNT", ARMJIT_GC_COUNT);
  const char *only = getenv("ARMJIT_INDEX");
  p.only = only && *only ? strtol(only, NULL, 0) : -1;
  const char *sh = getenv("ARMJIT_SHRINK");
  p.shrink = !(sh && strcmp(sh, "0") == 0);
  p.no_calls = env_u64("ARMJIT_NO_CALLS", 0) != 0;
  p.no_mem = env_u64("ARMJIT_NO_MEM", 0) != 0;
  const char *vb = getenv("ARMJIT_VERBOSE");
  p.verbose = vb && strcmp(vb, "0") != 0;

  const struct CMUnitTest tests[] = {
      cmocka_unit_test_prestate(test_random_diff, &p),
      cmocka_unit_test_prestate(test_bridge_sets, &p),
      cmocka_unit_test_prestate(test_random_gc, &p),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  printf("random traces: %.1f s cpu\n", p.seconds);
  printf("random traces with memory ops or calls: %u (%s), %u (%s), %u (%s)\n",
         p.env_done[M_NORMAL], mode_name[M_NORMAL], p.env_done[M_RANDOM_RA],
         mode_name[M_RANDOM_RA], p.env_done[M_NO_IDIV], mode_name[M_NO_IDIV]);
  printf("random traces with i64 or f32 values: %u (%s), %u (%s), %u (%s)\n",
         p.wide_done[M_NORMAL], mode_name[M_NORMAL], p.wide_done[M_RANDOM_RA],
         mode_name[M_RANDOM_RA], p.wide_done[M_NO_IDIV], mode_name[M_NO_IDIV]);
  printf("random traces with PyPy's low-level ops (ARMJIT_OPS_PYPY): %u (%s), %u (%s), %u (%s); "
         "%lu such ops\n",
         p.pypy_done[M_NORMAL], mode_name[M_NORMAL], p.pypy_done[M_RANDOM_RA],
         mode_name[M_RANDOM_RA], p.pypy_done[M_NO_IDIV], mode_name[M_NO_IDIV],
         p.pypy_ops[M_NORMAL] + p.pypy_ops[M_RANDOM_RA] + p.pypy_ops[M_NO_IDIV]);
  printf("random traces with values known before lowering (guarded ints and i64s used again, int ops "
         "of constants or identities): %u; %lu such values\n", p.known_done, p.known);
  printf("random traces with float or i64 ops of constants (computed by the compiler): %u; "
         "%lu such ops\n", p.wide_known_done, p.wide_known);
  printf("random traces with float_add(acc, float_mul(x, y)), acc and the product dying there: %u; "
         "%lu such pairs\n", p.mla_done, p.mla);
  printf("random traces with float constant islands: %u (%s), %u (%s), %u (%s); %lu islands\n",
         p.island_done[M_NORMAL], mode_name[M_NORMAL], p.island_done[M_RANDOM_RA],
         mode_name[M_RANDOM_RA], p.island_done[M_NO_IDIV], mode_name[M_NO_IDIV],
         p.islands[M_NORMAL] + p.islands[M_RANDOM_RA] + p.islands[M_NO_IDIV]);
  printf("random traces: %u compared (%s), %u (%s), %u (%s); mismatches: %u; seed: %llu\n",
         p.done[M_NORMAL], mode_name[M_NORMAL], p.done[M_RANDOM_RA], mode_name[M_RANDOM_RA],
         p.done[M_NO_IDIV], mode_name[M_NO_IDIV], p.mismatches, (unsigned long long)p.seed);
  const rs_stats *st = &p.stats;
  printf("bridge sets: %u compared (%u normal RA, %u random RA), %u runs, %.1f s cpu; "
         "%u bridges (%u at depth 3; ends: %u finish, %u own loop, %u to their loop, "
         "%u to another loop); invalidated: %u before a run, %u during (%u runs invalidated "
         "their loop); runs leaving from a bridge: %u, from another loop: %u; mismatches: %u; "
         "seed: %llu\n",
         p.sets_done[0] + p.sets_done[1], p.sets_done[0], p.sets_done[1], p.set_runs,
         p.set_seconds, st->bridges, st->depth3, st->ends[RS_END_FINISH],
         st->ends[RS_END_OWN_LOOP], st->ends[RS_END_JUMP_HOME], st->ends[RS_END_JUMP_OTHER],
         st->inval[RS_INVAL_BEFORE], st->inval[RS_INVAL_DURING], p.inval_fired,
         p.exits_in_bridge, p.exits_elsewhere, p.set_mismatches,
         (unsigned long long)p.seed);
  printf("random GC traces: %u compared (%u normal RA, %u random RA), %u with GC ops (%lu of "
         "them), of those %u with i64 or f32, %u with PyPy's ops, %u with memory ops or "
         "calls, %u loops; the collector: %llu slow-path calls, %llu collections, %llu "
         "objects moved, %llu barrier slow paths; %zu GC points, %.2f map bytes each; "
         "mismatches: %u; seed: %llu\n",
         p.gc_done[0] + p.gc_done[1], p.gc_done[0], p.gc_done[1], p.gc_with_ops, p.gc_ops,
         p.gc_wide, p.gc_pypy, p.gc_env, p.gc_loops, (unsigned long long)p.gc_slow,
         (unsigned long long)p.gc_collections, (unsigned long long)p.gc_moved,
         (unsigned long long)p.gc_wb, p.gc_sites,
         p.gc_sites ? (double)p.gc_map_bytes / (double)p.gc_sites : 0.0, p.gc_mismatches,
         (unsigned long long)p.seed);
  printf("random GC traces: %.1f s cpu\n", p.gc_seconds);
  printf("random GC bridge sets: %u of the bridge sets above (loops and bridges with GC ops, "
         "one heap): %u bridges with GC ops, %u runs leaving from a bridge, %llu collections, "
         "%llu objects moved (their mismatches counted above)\n",
         p.gc_sets, p.gc_set_bridges, p.gc_set_bridge_exits,
         (unsigned long long)p.gc_set_collections, (unsigned long long)p.gc_set_moved);
  printf("bridge sets with call_assembler: %u sets, %u calls (their mismatches counted above)\n",
         st->callasm_sets, st->callasm_calls);
  return rc;
}
