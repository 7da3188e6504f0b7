/* SPDX-License-Identifier: MIT */
/* Differential checks with memory (memcheck.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memcheck.h"

static const char *const variant_name[JC_NVARIANTS] = {"default", "random-ra",
                                                       "no-idiv"};

static void reset(const mc_region *r, unsigned nr) {
  for (unsigned k = 0; k < nr; k++) memcpy(r[k].p, r[k].init, r[k].n);
}

static void dump(const jc_case *c, const armjit_value *in) {
  const armjit_trace *t = c->t[0];
  char buf[64];
  armjit_trace_print(t, stderr);
  for (unsigned i = 0; i < armjit_trace_ninputs(t); i++) {
    jc_value_fmt(armjit_val_type(t, (armjit_val)i), in[i], buf, sizeof buf);
    fprintf(stderr, "  input %u = %s\n", i, buf);
  }
}

int mc_run(jc_case *c, const armjit_value *in, const mc_region *r, unsigned nr) {
  armjit_error e;
  const armjit_trace *t = c->t[0];
  unsigned nin = armjit_trace_ninputs(t);
  size_t total = 0;
  for (unsigned k = 0; k < nr; k++) total += r[k].n;
  uint8_t *want = malloc(total ? total : 1);
  assert_non_null(want);

  reset(r, nr);
  memcpy(c->fi->values, in, nin * sizeof *in);
  if (armjit_interpret(c->t[0], c->fi, c->max_steps, &e) != ARMJIT_OK) {
    dump(c, in);
    fail_msg("interpret: %s", e.msg);
  }
  for (size_t k = 0, at = 0; k < nr; at += r[k].n, k++) memcpy(want + at, r[k].p, r[k].n);

  for (int v = 0; v < JC_NVARIANTS; v++) {
    reset(r, nr);
    memcpy(c->fc->values, in, nin * sizeof *in);
    c->fc->exit_id = -1;
    int id = armjit_run(c->loop[v], c->fc, &e);
    if (id < 0) fail_msg("armjit_run (%s): %s", variant_name[v], e.msg);
    char why[256];
    if (!irs_frames_equal(t, c->fi, c->fc, why, sizeof why)) {
      dump(c, in);
      fail_msg("%s%s%s (%s variant)", c->what ? c->what : "", c->what ? ": " : "", why,
               variant_name[v]);
    }
    for (size_t k = 0, at = 0; k < nr; at += r[k].n, k++) {
      const uint8_t *got = r[k].p;
      for (size_t i = 0; i < r[k].n; i++) {
        if (got[i] == want[at + i]) continue;
        dump(c, in);
        fail_msg("%s%sregion %zu byte %zu: interpreter 0x%02x, compiled 0x%02x (%s variant)",
                 c->what ? c->what : "", c->what ? ": " : "", k, i, want[at + i], got[i],
                 variant_name[v]);
      }
    }
  }
  free(want);
  c->runs++;
  return c->fi->exit_id;
}

void mc_arena_init(mc_arena *a, unsigned mul, unsigned add) {
  a->mem = aligned_alloc(16, MC_ARENA);
  assert_non_null(a->mem);
  for (unsigned k = 0; k < MC_ARENA; k++) a->init[k] = (uint8_t)(k * mul + add);
  a->r.p = a->mem;
  a->r.n = MC_ARENA;
  a->r.init = a->init;
}

void mc_arena_free(mc_arena *a) { free(a->mem); }
