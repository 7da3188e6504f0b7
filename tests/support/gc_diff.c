/* SPDX-License-Identifier: MIT */
/* gc_diff.c — see gc_diff.h. */
#include "gc_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir_support.h"

void gcd_take(const gcm *g, gcd_snap *s) {
  memset(s, 0, sizeof *s);
  const uint8_t *p = gcm_nursery(g, &s->nbytes);
  s->nursery = malloc(s->nbytes ? s->nbytes : 1);
  if (s->nursery) memcpy(s->nursery, p, s->nbytes);
  p = gcm_old_space(g, &s->obytes);
  s->old = malloc(s->obytes ? s->obytes : 1);
  if (s->old) memcpy(s->old, p, s->obytes);
  s->slow = g->slow_calls;
  s->coll = g->collections;
  s->moved = g->moved;
  s->wb = g->wb_calls;
  s->wb_array = g->wb_array_calls;
  s->wb_index_hash = g->wb_index_hash;
  s->roots = g->roots;
  s->bad_roots = g->bad_roots;
  s->verified = gcm_verify(g, s->why, sizeof s->why);
}

void gcd_snap_free(gcd_snap *s) {
  free(s->nursery);
  free(s->old);
  memset(s, 0, sizeof *s);
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

bool gcd_same(const gcd_snap *i, const gcd_snap *c, char *why, size_t n) {
  if (!i->nursery || !i->old || !c->nursery || !c->old) {
    snprintf(why, n, "out of memory");
    return false;
  }
  if (!i->verified || !c->verified) {
    snprintf(why, n, "heap after the %s run: %s", i->verified ? "compiled" : "interpreted",
             i->verified ? c->why : i->why);
    return false;
  }
  if (i->bad_roots || c->bad_roots) {
    snprintf(why, n, "roots that are no object's start (a raw pointer in the GC maps): %llu "
             "interpreted, %llu compiled", (unsigned long long)i->bad_roots,
             (unsigned long long)c->bad_roots);
    return false;
  }
  if (i->slow != c->slow || i->coll != c->coll || i->moved != c->moved || i->wb != c->wb) {
    snprintf(why, n,
             "collector counts (slow, collections, moved, barriers): interpreted %llu %llu "
             "%llu %llu, compiled %llu %llu %llu %llu",
             (unsigned long long)i->slow, (unsigned long long)i->coll,
             (unsigned long long)i->moved, (unsigned long long)i->wb,
             (unsigned long long)c->slow, (unsigned long long)c->coll,
             (unsigned long long)c->moved, (unsigned long long)c->wb);
    return false;
  }
  if (i->wb_array != c->wb_array || i->wb_index_hash != c->wb_index_hash) {
    snprintf(why, n, "the array write barrier's slow-path calls: %llu interpreted, %llu "
             "compiled%s", (unsigned long long)i->wb_array, (unsigned long long)c->wb_array,
             i->wb_array == c->wb_array ? ", given other indices" : "");
    return false;
  }
  return same_bytes("nursery", i->nursery, i->nbytes, c->nursery, c->nbytes, why, n) &&
         same_bytes("old space", i->old, i->obytes, c->old, c->obytes, why, n);
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
  gcd_snap si;
  gcd_take(g, &si);

  gcm_reset(g);
  setup(g, t, in, ud);
  memcpy(f->values, in, nin * sizeof *in);
  int id = si.verified ? armjit_run(loop, f, &err) : -1;
  gcd_snap sc;
  gcd_take(g, &sc);
  char v[200];
  bool ok = true;
  if (si.verified && id < 0) {
    snprintf(why, n, "armjit_run: %s", err.msg);
    ok = false;
  }
  if (ok && si.verified && sc.verified && !irs_frames_equal(t, fi, f, v, sizeof v)) {
    snprintf(why, n, "exit: %s", v);
    ok = false;
  }
  ok = ok && gcd_same(&si, &sc, why, n);
  if (res) {
    res->slow_calls = sc.slow;
    res->collections = sc.coll;
    res->moved = sc.moved;
    res->wb_calls = sc.wb;
    res->wb_array_calls = sc.wb_array;
    res->roots_interp = si.roots;
    res->roots_compiled = sc.roots;
    res->exit_id = f->exit_id;
  }
  gcd_snap_free(&si);
  gcd_snap_free(&sc);
  armjit_frame_free(ctx, fi);
  return ok;
}
