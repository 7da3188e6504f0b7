/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bset.h"
#include "ir_support.h"

static uint32_t set_capacity(const bset *s) {
  uint32_t cap = 1;
  for (unsigned i = 0; i < s->n; i++) {
    const armjit_trace *t = s->set[i].trace;
    if (armjit_trace_ninputs(t) > cap) cap = armjit_trace_ninputs(t);
    for (unsigned k = 0; k < armjit_trace_nexits(t); k++) {
      armjit_exit_info x;
      if (armjit_trace_exit_info(t, (int)k, &x) == ARMJIT_OK && x.nvalues > cap) cap = x.nvalues;
    }
  }
  return cap;
}

bool bset_init(bset *s, armjit_ctx *ctx, armjit_set_entry *set, unsigned n, armjit_error *err) {
  memset(s, 0, sizeof *s);
  s->ctx = ctx;
  s->set = set;
  s->n = n;
  s->max_steps = 100000000u;
  s->loops = calloc(n ? n : 1, sizeof *s->loops);
  s->invalid = calloc(n ? n : 1, sizeof *s->invalid);
  assert_non_null(s->loops);
  assert_non_null(s->invalid);
  uint32_t cap = set_capacity(s);
  s->fi = armjit_frame_new(ctx, cap);
  s->fc = armjit_frame_new(ctx, cap);
  assert_non_null(s->fi);
  assert_non_null(s->fc);
  return armjit_compile_set(ctx, set, n, s->loops, err) == ARMJIT_OK;
}

void bset_init_text(bset *s, armjit_ctx *ctx, const char *text) {
  armjit_error err;
  armjit_set_entry *set;
  unsigned n;
  if (armjit_set_parse(ctx, text, &set, &n, &err) != ARMJIT_OK) {
    print_error("parse: %d:%d: %s\n", err.line, err.col, err.msg);
    fail();
  }
  if (!bset_init(s, ctx, set, n, &err)) {
    print_error("compile: %s\n", err.msg);
    fail();
  }
}

void bset_free(bset *s) {
  for (unsigned i = 0; i < s->n; i++)
    if (s->set[i].parent < 0 && s->loops[i]) armjit_loop_free(s->loops[i]);
  if (s->malloced) {
    for (unsigned i = 0; i < s->n; i++) armjit_trace_free(s->set[i].trace);
    free(s->set);
  } else {
    armjit_set_free(s->ctx, s->set, s->n);
  }
  armjit_frame_free(s->ctx, s->fi);
  armjit_frame_free(s->ctx, s->fc);
  free(s->loops);
  free(s->invalid);
  memset(s, 0, sizeof *s);
}

static unsigned root_of(const bset *s, unsigned i) {
  while (s->set[i].parent >= 0) i = (unsigned)s->set[i].parent;
  return i;
}

void bset_invalidate(bset *s, unsigned i) {
  armjit_error err;
  assert_int_equal(armjit_loop_invalidate(s->loops[i], &err), ARMJIT_OK);
  s->invalid[root_of(s, i)] = 1;
}

int bset_index(const bset *s, const armjit_loop *l) {
  for (unsigned i = 0; i < s->n; i++)
    if (s->loops[i] == l) return (int)i;
  return -1;
}

bool bset_compare(bset *s, unsigned start, const armjit_value *in, unsigned *entry, int *exit,
                  char *why, size_t n) {
  const armjit_trace *t0 = s->set[start].trace;
  unsigned nin = armjit_trace_ninputs(t0);
  armjit_error err;
  for (unsigned k = 0; k < nin; k++) s->fi->values[k] = s->fc->values[k] = in[k];
  unsigned ie = 0;
  if (s->before) s->before(s, false, s->ud);
  if (armjit_interpret_set(s->set, s->n, start, s->invalid, s->fi, s->max_steps, &ie, &err) !=
      ARMJIT_OK) {
    snprintf(why, n, "interpreter: %s", err.msg);
    return false;
  }
  if (s->after && !s->after(s, false, s->ud, why, n)) return false;
  if (s->before) s->before(s, true, s->ud);
  int id = armjit_run(s->loops[start], s->fc, &err);
  if (id >= 0 && s->after && !s->after(s, true, s->ud, why, n)) return false;
  armjit_exit_info x;
  if (id < 0 || armjit_run_exit_info(s->fc, &x) != ARMJIT_OK) {
    snprintf(why, n, "compiled run failed: %s", id < 0 ? err.msg : "no exit info");
    return false;
  }
  int ce = bset_index(s, x.trace);
  if (ce != (int)ie || (int)x.trace_exit != s->fi->exit_id) {
    snprintf(why, n, "exit: interpreter %s exit %d, compiled %s exit %u (id %d)",
             s->set[ie].name, s->fi->exit_id, ce >= 0 ? s->set[ce].name : "?", x.trace_exit, id);
    return false;
  }
  if (s->fc->nvalues != s->fi->nvalues || s->fc->nvalues != x.nvalues) {
    snprintf(why, n, "value count: interpreter %u, compiled %u", (unsigned)s->fi->nvalues,
             (unsigned)s->fc->nvalues);
    return false;
  }
  for (unsigned k = 0; k < x.nvalues; k++) {
    armjit_type ty = x.types[k];
    bool same = irs_value_same(ty, s->fi->values[k], s->fc->values[k]);
    if (!same) {
      snprintf(why, n, "exit %s.%u value %u: interpreter 0x%llx, compiled 0x%llx",
               s->set[ie].name, x.trace_exit, k, (unsigned long long)s->fi->values[k].bits,
               (unsigned long long)s->fc->values[k].bits);
      return false;
    }
  }
  if (entry) *entry = ie;
  if (exit) *exit = s->fi->exit_id;
  return true;
}

unsigned bset_run(bset *s, unsigned start, const armjit_value *in, int *exit) {
  char why[256];
  unsigned e = 0;
  if (!bset_compare(s, start, in, &e, exit, why, sizeof why)) {
    print_error("%s%s%s\n", s->what ? s->what : "", s->what ? ": " : "", why);
    fail();
  }
  return e;
}
