/* SPDX-License-Identifier: MIT */
/* gc_cases.c — see gc_cases.h. */
#include "gc_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const gcm_type gct_types[GCT_NTYPES] = {
    [GCT_NODE] = {GCM_FIXED, GCM_FIELDS + 2 * GCM_P, 1, {GCT_NEXT}, 0, false},
    [GCT_PAIR] = {GCM_FIXED, GCM_FIELDS + 2 * GCM_P, 2, {GCT_LEFT, GCT_RIGHT}, 0, false},
    [GCT_REFS] = {GCM_ARRAY, 0, 0, {0}, GCM_P, true},
    [GCT_INTS] = {GCM_ARRAY, 0, 0, {0}, 4, false},
    [GCT_STR] = {GCM_STR, 0, 0, {0}, 1, false},
    [GCT_UNI] = {GCM_STR, 0, 0, {0}, 4, false},
    [GCT_BIG] = {GCM_FIXED, GCM_FIELDS + 6 * GCM_P, 1, {GCT_BIG_REF}, 0, false},
    [GCT_WIDE] = {GCM_FIXED, GCT_WIDE_REF + GCM_P, 1, {GCT_WIDE_REF}, 0, false},
};

uint32_t gct_size(uint32_t tid) { return gct_types[tid].size; }

const char *gct_decls(char *buf, size_t n) {
  snprintf(buf, n,
           "descr V = field(offset=%d, size=4, int)\n"
           "descr N = field(offset=%d, ref)\n"
           "descr PL = field(offset=%d, ref)\n"
           "descr PR = field(offset=%d, ref)\n"
           "descr A = array(base=%d, item=%d, ref, len=%d)\n"
           "descr I = array(base=%d, item=4, int, len=%d)\n"
           "descr S = str(base=%d, item=1, len=%d)\n"
           "descr U = unicode(base=%d, item=4, len=%d)\n"
           "descr B = field(offset=%d, ref)\n"
           "descr W = field(offset=%d, size=4, int)\n"
           "descr C = call(args=[ref], result=void)\n",
           GCT_VALUE, GCT_NEXT, GCT_LEFT, GCT_RIGHT, GCM_ARRAY_BASE, GCM_P, GCM_ARRAY_LEN,
           GCM_ARRAY_BASE, GCM_ARRAY_LEN, GCM_STR_BASE, GCM_STR_LEN, GCM_STR_BASE, GCM_STR_LEN,
           GCT_BIG_REF, GCM_FIELDS);
  return buf;
}

armjit_ctx *gct_ctx(gcm *g, unsigned flags, armjit_abi abi) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.abi = abi;
  o.flags = flags;
  o.class_offset = GCM_CLASS_OFF;
  o.gc = &g->descr;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  if (!ctx) {
    fprintf(stderr, "gct_ctx: %s\n", err.msg);
    abort();
  }
  armjit_ctx_add_symbol(ctx, "gcm_collect", (uintptr_t)&gcm_collect_fn);
  gcm_attach(g, ctx);
  return ctx;
}
