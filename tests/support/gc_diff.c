/* SPDX-License-Identifier: MIT */
/* gc_diff.c — see gc_diff.h. */
#include "gc_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_support.h"

typedef struct {
  uint8_t *nursery, *old;
  uint32_t nbytes, obytes;
  uint64_t slow, coll, moved, wb, roots;
} snapshot;

static void take(const gcm *g, snapshot *s) {
  const uint8_t *p = gcm_nursery(g, &s->nbytes);
  s->nursery = malloc(s->nbytes ? s->nbytes : 1);
  memcpy(s->nursery, p, s->nbytes);
  p = gcm_old_space(g, &s->obytes);
  s->old = malloc(s->obytes ? s->obytes : 1);
  memcpy(s->old, p, s->obytes);
  s->slow = g->slow_calls;
  s->coll = g->collections;
  s->moved = g->moved;
  s->wb = g->wb_calls;
  s->roots = g->roots;
}

static bool same_bytes(const char *what, const uint8_t *a, uint32_t na, const uint8_t *b,
                       uint32_t nb, char *why, size_t n) {
  if (na != nb) {
    snprintf(why, n, "%s: %u bytes interpreted, %u compiled", what, na, nb);
    return false;
  }
  for (uint32_t k = 0; k < na; k++)
    if (a[k] != b[k]) {
      snprintf(why, n, "%s: byte %u is %#x interpreted, %#x compiled", what, k, a[k], b[k]);
      return false;
    }
  return true;
}

bool gcd_compare(gcm *g, armjit_trace *t, armjit_loop *loop, gcd_setup_fn setup, void *ud,
                 armjit_frame *f, gcd_result *res, char *why, size_t n) {
  armjit_ctx *ctx = g->ctx;
  uint32_t cap = f->capacity;
  armjit_frame *fi = armjit_frame_new(ctx, cap);
  armjit_value in[64];
  uint32_t nin = armjit_trace_ninputs(t);
  if (nin > 64 || !fi) {
    snprintf(why, n, "too many inputs");
    armjit_frame_free(ctx, fi);
    return false;
  }
  gcm_reset(g);
  setup(g, t, in, ud);
  memcpy(fi->values, in, nin * sizeof *in);
  armjit_error err;
  armjit_status st = armjit_interpret(t, fi, 1000000, &err);
  if (st != ARMJIT_OK) {
    snprintf(why, n, "interpreter: %s", err.msg);
    armjit_frame_free(ctx, fi);
    return false;
  }
  snapshot si;
  take(g, &si);
  char v[200];
  bool ok = gcm_verify(g, v, sizeof v);
  if (!ok) snprintf(why, n, "heap after the interpreter: %s", v);

  gcm_reset(g);
  setup(g, t, in, ud);
  memcpy(f->values, in, nin * sizeof *in);
  int id = ok ? armjit_run(loop, f, &err) : -1;
  snapshot sc;
  take(g, &sc);
  if (ok && id < 0) {
    snprintf(why, n, "armjit_run: %s", err.msg);
    ok = false;
  }
  if (ok && !gcm_verify(g, v, sizeof v)) {
    snprintf(why, n, "heap after the compiled run: %s", v);
    ok = false;
  }
  if (ok && !irs_frames_equal(t, fi, f, v, sizeof v)) {
    snprintf(why, n, "exit: %s", v);
    ok = false;
  }
  if (ok && (si.slow != sc.slow || si.coll != sc.coll || si.moved != sc.moved || si.wb != sc.wb)) {
    snprintf(why, n,
             "collector counts (slow, collections, moved, barriers): interpreted %llu %llu "
             "%llu %llu, compiled %llu %llu %llu %llu",
             (unsigned long long)si.slow, (unsigned long long)si.coll,
             (unsigned long long)si.moved, (unsigned long long)si.wb,
             (unsigned long long)sc.slow, (unsigned long long)sc.coll,
             (unsigned long long)sc.moved, (unsigned long long)sc.wb);
    ok = false;
  }
  ok = ok && same_bytes("nursery", si.nursery, si.nbytes, sc.nursery, sc.nbytes, why, n) &&
       same_bytes("old space", si.old, si.obytes, sc.old, sc.obytes, why, n);
  if (res) {
    res->slow_calls = sc.slow;
    res->collections = sc.coll;
    res->moved = sc.moved;
    res->wb_calls = sc.wb;
    res->roots_interp = si.roots;
    res->roots_compiled = sc.roots;
    res->exit_id = f->exit_id;
  }
  free(si.nursery);
  free(si.old);
  free(sc.nursery);
  free(sc.old);
  armjit_frame_free(ctx, fi);
  return ok;
}
