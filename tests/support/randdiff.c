/* SPDX-License-Identifier: MIT */
/* randdiff: compiled vs interpreted, one run. */
#include "randdiff.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gc_diff.h"
#include "ir_support.h"
#include "randenv.h"
#include "randframe.h"

/* Frame slots a run of t needs: its inputs and its largest exit. */
static uint32_t trace_cap(const armjit_trace *t) {
  uint32_t cap = armjit_trace_ninputs(t);
  unsigned n = armjit_trace_nexits(t);
  for (unsigned e = 0; e < n; e++) {
    armjit_exit_info info;
    if (armjit_trace_exit_info(t, (int)e, &info) == ARMJIT_OK && info.nvalues > cap)
      cap = info.nvalues;
  }
  return cap ? cap : 1;
}

static armjit_frame *frame_with(armjit_ctx *ctx, uint32_t cap, const armjit_value *in,
                                uint32_t nin) {
  armjit_frame *f = armjit_frame_new(ctx, cap > nin ? cap : nin);
  if (f && nin) memcpy(f->values, in, nin * sizeof *in);
  return f;
}

static rt_verdict compare_runs(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                               uint32_t nin, rt_env *env, rt_diff *d, gcd_snap *heap);

rt_verdict rt_diff_run(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                       uint32_t nin, rt_env *env, uint64_t max_steps, rt_diff *d) {
  memset(d, 0, sizeof *d);
  uint32_t cap = trace_cap(t);
  d->fi = frame_with(ctx, cap, in, nin);
  if (!d->fi) {
    snprintf(d->ierr.msg, sizeof d->ierr.msg, "out of memory");
    return RT_ORACLE;
  }
  /* both runs start from the same memory and no pending exception */
  if (env) rt_env_reset(env);
  armjit_clear_exception(ctx);
  armjit_status ist = armjit_interpret(t, d->fi, max_steps, &d->ierr);
  d->exc_i = armjit_exception(ctx);
  if (env) memcpy(env->after, env->arena, RT_NOBJS * RT_OBJ_SIZE);
  /* the collector's heap after the interpreter (it must be sound) */
  gcd_snap heap;
  memset(&heap, 0, sizeof heap);
  if (env && env->gc && ist == ARMJIT_OK) {
    gcd_take(env->gc, &heap);
    if (!heap.verified) {
      snprintf(d->ierr.msg, sizeof d->ierr.msg, "the heap after the interpreter: %s", heap.why);
      ist = ARMJIT_E_INVALID;
    }
  }
  if (env) rt_env_reset(env);
  armjit_clear_exception(ctx);
  rt_verdict v = ist != ARMJIT_OK ? RT_ORACLE : compare_runs(ctx, t, in, nin, env, d, &heap);
  gcd_snap_free(&heap);
  return v;
}

/* The compiled run after the interpreter's (d->fi, and heap for GC
 * traces), compared. */
static rt_verdict compare_runs(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                               uint32_t nin, rt_env *env, rt_diff *d, gcd_snap *heap) {
  uint32_t cap = trace_cap(t);

  d->loop = armjit_compile_loop(ctx, t, &d->cerr);
  if (!d->loop) {
    snprintf(d->why, sizeof d->why, "compile failed: %s: %s",
             armjit_status_name(d->cerr.code), d->cerr.msg);
    return RT_DIFF;
  }
  uint32_t lcap = armjit_loop_frame_capacity(d->loop);
  d->fc = frame_with(ctx, lcap > cap ? lcap : cap, in, nin);
  if (!d->fc) {
    snprintf(d->why, sizeof d->why, "out of memory");
    return RT_DIFF;
  }
  int e = armjit_run(d->loop, d->fc, &d->cerr);
  d->exc_c = armjit_exception(ctx);
  armjit_clear_exception(ctx);
  if (e < 0) {
    snprintf(d->why, sizeof d->why, "run failed: %s: %s", armjit_status_name(d->cerr.code),
             d->cerr.msg);
    return RT_DIFF;
  }
  if (e != d->fc->exit_id) {
    snprintf(d->why, sizeof d->why, "armjit_run returned %d but frame says exit %d", e,
             (int)d->fc->exit_id);
    return RT_DIFF;
  }
  char why[160];
  if (!irs_frames_equal(t, d->fi, d->fc, why, sizeof why)) {
    snprintf(d->why, sizeof d->why, "interpreter vs compiled: %s", why);
    return RT_DIFF;
  }
  if (env && !rt_env_same_memory(env, why, sizeof why)) {
    snprintf(d->why, sizeof d->why, "interpreter vs compiled: %s", why);
    return RT_DIFF;
  }
  if (env && env->gc) {
    gcd_snap c;
    gcd_take(env->gc, &c);
    d->gc_slow = c.slow;
    d->gc_collections = c.coll;
    d->gc_moved = c.moved;
    d->gc_wb = c.wb;
    bool same = gcd_same(heap, &c, why, sizeof why);
    gcd_snap_free(&c);
    if (!same) {
      snprintf(d->why, sizeof d->why, "interpreter vs compiled: %s", why);
      return RT_DIFF;
    }
  }
  if (d->exc_i != d->exc_c) {
    snprintf(d->why, sizeof d->why,
             "interpreter vs compiled: pending exception 0x%llx vs 0x%llx",
             (unsigned long long)d->exc_i, (unsigned long long)d->exc_c);
    return RT_DIFF;
  }
  return RT_SAME;
}

rt_verdict rt_diff_run_isolated(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                                uint32_t nin, rt_env *env, uint64_t max_steps,
                                unsigned timeout_s, char *why, size_t n) {
  if (!why) n = 0;
  fflush(NULL); /* nothing buffered may be written twice */
  pid_t pid = fork();
  if (pid < 0) {
    if (n) snprintf(why, n, "fork failed");
    return RT_ORACLE;
  }
  if (pid == 0) {
    /* the child: default signal actions, and SIGALRM ends a hang */
    int sigs[] = {SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGALRM, SIGABRT};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) signal(sigs[k], SIG_DFL);
    alarm(timeout_s);
    rt_diff d;
    rt_verdict v = rt_diff_run(ctx, t, in, nin, env, max_steps, &d);
    _exit((int)v);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) <= RT_ORACLE) {
    if (n) snprintf(why, n, "exit status %d", WEXITSTATUS(status));
    return (rt_verdict)WEXITSTATUS(status);
  }
  if (n) {
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
      snprintf(why, n, "compiled code did not exit within %u s", timeout_s);
    else if (WIFSIGNALED(status))
      snprintf(why, n, "crashed with signal %d (%s)", WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    else
      snprintf(why, n, "child exited with status %d", WEXITSTATUS(status));
  }
  return RT_DIFF;
}

void rt_diff_free(armjit_ctx *ctx, rt_diff *d) {
  if (d->fi) armjit_frame_free(ctx, d->fi);
  if (d->fc) armjit_frame_free(ctx, d->fc);
  if (d->loop) armjit_loop_free(d->loop);
  memset(d, 0, sizeof *d);
}

void rt_diff_report(FILE *out, armjit_trace *t, const rt_trace *g, const armjit_value *in,
                    uint32_t nin, const rt_diff *d, bool dis) {
  fprintf(out, "mismatch: %s\n", d->why);
  if (g) {
    rt_print_args_header(out, g);
  } else {
    fprintf(out, "# args: ");
    for (uint32_t k = 0; k < nin; k++) {
      if (k) fputc(' ', out);
      rt_print_value(out, armjit_val_type(t, (armjit_val)k), in[k]);
    }
    fputc('\n', out);
  }
  armjit_trace_print(t, out);
  fprintf(out, "interpreter: ");
  rt_print_frame(out, t, d->fi);
  if (d->fc && d->fc->exit_id >= 0) {
    fprintf(out, "compiled:    ");
    rt_print_frame(out, t, d->fc);
  }
  if (dis && d->loop) {
    fprintf(out, "disassembly:\n");
    armjit_loop_dis(d->loop, out);
  }
  fflush(out);
}

uint32_t rt_regress_seed(unsigned k) { return (k + 1) * 0x9e3779b9u; }

static bool fails_with(const rt_trace *g, const armjit_options *o, uint64_t max_steps,
                       unsigned timeout_s) {
  rt_env env;
  if (g->env && !rt_env_for(&env, g)) return false;
  rt_env *e = g->env ? &env : NULL;
  armjit_ctx *ctx = rt_ctx_new_env(o, e);
  if (!ctx) {
    if (e) rt_env_free(e);
    return false;
  }
  bool fails = false;
  armjit_trace *t = rt_build(ctx, g, false);
  uint32_t n;
  armjit_value *in = rt_inputs(g, e, &n);
  if (t && in && armjit_trace_validate(t, NULL) == ARMJIT_OK) {
    if (timeout_s) {
      fails = rt_diff_run_isolated(ctx, t, in, n, e, max_steps, timeout_s, NULL, 0) == RT_DIFF;
    } else {
      rt_diff d;
      fails = rt_diff_run(ctx, t, in, n, e, max_steps, &d) == RT_DIFF;
      rt_diff_free(ctx, &d);
    }
  }
  if (e) rt_env_free(e);
  free(in);
  if (t) armjit_trace_free(t);
  armjit_ctx_free(ctx);
  return fails;
}

bool rt_diff_still_fails(const rt_trace *g, void *ud) {
  rt_diff_pred *p = ud;
  p->calls++;
  if (!(p->opts.flags & ARMJIT_RANDOM_RA) || p->n_ra_seeds == 0)
    return fails_with(g, &p->opts, p->max_steps, p->timeout_s);
  armjit_options o = p->opts;
  for (unsigned k = 0; k < p->n_ra_seeds; k++) {
    o.seed = p->ra_seeds[k];
    if (fails_with(g, &o, p->max_steps, p->timeout_s)) return true;
  }
  return false;
}

void rt_print_regress(FILE *out, armjit_ctx *ctx, const rt_trace *g, const char *comment) {
  if (comment) fprintf(out, "# %s\n", comment);
  rt_print_args_header(out, g);
  armjit_trace *t = rt_build(ctx, g, false);
  if (t) {
    armjit_trace_print(t, out);
    armjit_trace_free(t);
  }
}
