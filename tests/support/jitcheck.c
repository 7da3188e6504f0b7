/* SPDX-License-Identifier: MIT */
/* Differential checks: compiled code vs the reference interpreter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jitcheck.h"

/* Slots past the frame's declared capacity, to catch stray writes. */
enum { CANARY_SLOTS = 2 };
static const uint64_t canary = UINT64_C(0x5a5a5a5aa5a5a5a5);

/* Compiled code that never exits (a loop counter lost in a move) would
 * hang the test until ctest's timeout, with no report.  While a run is
 * armed, SIGALRM jumps back to jc_run, which reports the case.  A signal
 * handler can only reach static data: this is the one piece of mutable
 * global state here. */
enum { HANG_S = 30 };
static struct {
  sigjmp_buf jb;
  volatile sig_atomic_t armed;
} hang;

static void on_alarm(int sig) {
  if (hang.armed) {
    hang.armed = 0;
    siglongjmp(hang.jb, sig);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static const char *const variant_name[JC_NVARIANTS] = {"default", "random-ra",
                                                       "no-idiv"};

void jc_value_fmt(armjit_type ty, armjit_value v, char *buf, size_t n) {
  switch (ty) {
  /* The whole slot when its upper half is not zero (docs/ir.md §5). */
  case ARMJIT_INT:
  case ARMJIT_REF:
    if (ty == ARMJIT_INT) snprintf(buf, n, "%" PRId32, v.i);
    else snprintf(buf, n, "0x%" PRIxPTR, v.r);
    if (sizeof(uintptr_t) < 8 && v.bits >> 32) {
      size_t len = strlen(buf);
      snprintf(buf + len, n - len, " [slot 0x%016" PRIx64 "]", v.bits);
    }
    break;
  case ARMJIT_FLOAT:
    snprintf(buf, n, "%.17g [0x%016" PRIx64 "]", v.f, v.bits);
    break;
  case ARMJIT_I64: snprintf(buf, n, "%" PRId64 " [0x%016" PRIx64 "]", v.l, v.bits); break;
  case ARMJIT_F32:
    snprintf(buf, n, "%.9g [0x%08" PRIx32 "]", (double)v.s, (uint32_t)v.bits);
    break;
  default: snprintf(buf, n, "?"); break;
  }
}

static void fail_with(const armjit_error *e, const char *what) {
  fail_msg("%s: %s (%s) at %d:%d", what, e->msg, armjit_status_name(e->code), e->line,
           e->col);
}

static uint32_t trace_capacity(const armjit_trace *t) {
  uint32_t cap = armjit_trace_ninputs(t);
  for (unsigned k = 0; k < armjit_trace_nexits(t); k++) {
    armjit_exit_info info;
    assert_int_equal(armjit_trace_exit_info(t, (int)k, &info), ARMJIT_OK);
    if (info.nvalues > cap) cap = info.nvalues;
  }
  return cap;
}

void jc_init(jc_case *c, jc_build_fn build, const void *ud, uint32_t seed) {
  jc_init_opts(c, build, ud, seed, NULL);
}

void jc_init_opts(jc_case *c, jc_build_fn build, const void *ud, uint32_t seed,
                  const armjit_options *base) {
  memset(c, 0, sizeof *c);
  c->max_steps = 100000000;
  armjit_error e;
  for (int v = 0; v < JC_NVARIANTS; v++) {
    armjit_options o;
    memset(&o, 0, sizeof o);
    if (base) o = *base;
    if (v == JC_RANDOM_RA) { o.flags = ARMJIT_RANDOM_RA; o.seed = c->seed = seed ? seed : 1; }
    if (v == JC_NO_IDIV) o.flags = ARMJIT_NO_IDIV;
    c->ctx[v] = armjit_ctx_new(&o, &e);
    if (!c->ctx[v]) fail_with(&e, "armjit_ctx_new");
    c->t[v] = build(c->ctx[v], ud);
    if (!c->t[v]) fail_msg("building the trace failed");
    if (armjit_trace_validate(c->t[v], &e) != ARMJIT_OK) {
      armjit_trace_print(c->t[v], stderr);
      fail_with(&e, "validate");
    }
    c->loop[v] = armjit_compile_loop(c->ctx[v], c->t[v], &e);
    if (!c->loop[v]) {
      armjit_trace_print(c->t[v], stderr);
      fail_msg("compile (%s): %s (%s)", variant_name[v], e.msg, armjit_status_name(e.code));
    }
    uint32_t lc = armjit_loop_frame_capacity(c->loop[v]);
    assert_true(lc >= trace_capacity(c->t[v]));
    if (lc > c->cap) c->cap = lc;
    assert_int_equal(armjit_loop_nexits(c->loop[v]), armjit_trace_nexits(c->t[v]));
  }
  if (c->cap == 0) c->cap = 1;
  c->fi = armjit_frame_new(c->ctx[0], c->cap);
  c->fc = armjit_frame_new(c->ctx[0], c->cap + CANARY_SLOTS);
  assert_non_null(c->fi);
  assert_non_null(c->fc);
  c->fc->capacity = c->cap; /* the canary slots are ours */
}

static armjit_trace *parse_text(armjit_ctx *ctx, const void *ud) {
  armjit_error e;
  armjit_trace *t = armjit_trace_parse(ctx, ud, &e);
  if (!t) {
    fprintf(stderr, "%s\n", (const char *)ud);
    fail_with(&e, "parse");
  }
  return t;
}

void jc_init_text(jc_case *c, const char *text, uint32_t seed) {
  jc_init(c, parse_text, text, seed);
}

void jc_free(jc_case *c) {
  if (c->fc) c->fc->capacity = c->cap + CANARY_SLOTS;
  armjit_frame_free(c->ctx[0], c->fi);
  armjit_frame_free(c->ctx[0], c->fc);
  for (int v = 0; v < JC_NVARIANTS; v++) {
    armjit_loop_free(c->loop[v]);
    armjit_trace_free(c->t[v]);
    armjit_ctx_free(c->ctx[v]);
  }
  memset(c, 0, sizeof *c);
}

static void dump_mismatch(const jc_case *c, int v, const armjit_value *in,
                          const armjit_exit_info *info) {
  char buf[64];
  const armjit_trace *t = c->t[0];
  fprintf(stderr, "---- mismatch (%s variant, random-ra seed %" PRIu32 ")%s%s\n",
          variant_name[v], c->seed, c->what ? ": " : "", c->what ? c->what : "");
  armjit_trace_print(t, stderr);
  for (unsigned i = 0; i < armjit_trace_ninputs(t); i++) {
    armjit_type ty = armjit_val_type(t, (armjit_val)i);
    jc_value_fmt(ty, in[i], buf, sizeof buf);
    fprintf(stderr, "  input %u = %s\n", i, buf);
  }
  fprintf(stderr, "  interpreter exit %d, compiled exit %d\n", c->fi->exit_id,
          c->fc->exit_id);
  if (c->fi->exit_id != c->fc->exit_id || !info) return;
  for (unsigned k = 0; k < info->nvalues; k++) {
    char b2[64];
    jc_value_fmt(info->types[k], c->fi->values[k], buf, sizeof buf);
    jc_value_fmt(info->types[k], c->fc->values[k], b2, sizeof b2);
    bool eq = irs_value_same(info->types[k], c->fi->values[k], c->fc->values[k]);
    fprintf(stderr, "  %s value %u: interp %s, compiled %s\n", eq ? "  " : "!!", k, buf, b2);
  }
}

int jc_run(jc_case *c, const armjit_value *in) {
  armjit_error e;
  unsigned nin = armjit_trace_ninputs(c->t[0]);
  memcpy(c->fi->values, in, nin * sizeof *in);
  c->fi->exit_id = -1;
  if (armjit_interpret(c->t[0], c->fi, c->max_steps, &e) != ARMJIT_OK)
    fail_with(&e, "interpret");
  armjit_exit_info ti;
  assert_int_equal(armjit_trace_exit_info(c->t[0], c->fi->exit_id, &ti), ARMJIT_OK);
  assert_int_equal(c->fi->nvalues, ti.nvalues);

  for (int v = 0; v < JC_NVARIANTS; v++) {
    for (unsigned k = 0; k < CANARY_SLOTS; k++) c->fc->values[c->cap + k].bits = canary;
    for (unsigned k = nin; k < c->cap; k++) c->fc->values[k].bits = canary;
    memcpy(c->fc->values, in, nin * sizeof *in);
    c->fc->exit_id = -1;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, &old);
    if (sigsetjmp(hang.jb, 1)) {
      sigaction(SIGALRM, &old, NULL);
      dump_mismatch(c, v, in, NULL);
      fail_msg("compiled code did not exit within %d s (%s)", HANG_S, variant_name[v]);
    }
    hang.armed = 1;
    alarm(HANG_S);
    int id = armjit_run(c->loop[v], c->fc, &e);
    alarm(0);
    hang.armed = 0;
    sigaction(SIGALRM, &old, NULL);
    if (id < 0) fail_with(&e, "armjit_run");
    assert_int_equal(id, c->fc->exit_id);
    for (unsigned k = 0; k < CANARY_SLOTS; k++)
      if (c->fc->values[c->cap + k].bits != canary)
        fail_msg("compiled code wrote past the frame capacity (%s)", variant_name[v]);
    armjit_exit_info ci;
    if (id != c->fi->exit_id) {
      dump_mismatch(c, v, in, NULL);
      fail_msg("exit id: interpreter %d, compiled %d (%s)", c->fi->exit_id, id,
               variant_name[v]);
    }
    assert_int_equal(armjit_loop_exit_info(c->loop[v], id, &ci), ARMJIT_OK);
    assert_int_equal(ci.kind, ti.kind);
    assert_int_equal(ci.nvalues, ti.nvalues);
    assert_true((ci.name == NULL) == (ti.name == NULL));
    if (ci.name) assert_string_equal(ci.name, ti.name);
    assert_int_equal(c->fc->nvalues, ti.nvalues);
    for (unsigned k = 0; k < ti.nvalues; k++) {
      assert_int_equal(ci.types[k], ti.types[k]);
      if (!irs_value_same(ti.types[k], c->fi->values[k], c->fc->values[k])) {
        dump_mismatch(c, v, in, &ti);
        fail_msg("exit %d value %u differs (%s)", id, k, variant_name[v]);
      }
    }
  }
  c->runs++;
  return c->fi->exit_id;
}
