/* SPDX-License-Identifier: MIT */
/* IR test helpers (see ir_support.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "ir_support.h"

double irs_dbl(uint64_t bits) {
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

uint64_t irs_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

armjit_ctx *irs_ctx(void) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  if (!ctx) fail_msg("armjit_ctx_new: %s", err.msg);
  return ctx;
}

armjit_ctx *irs_ctx_with(unsigned flags, uint32_t seed) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.seed = seed;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  if (!ctx) fail_msg("armjit_ctx_new: %s", err.msg);
  return ctx;
}

armjit_loop *irs_compile(armjit_ctx *ctx, armjit_trace *t) {
  armjit_error err;
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  if (!l) fail_msg("armjit_compile_loop: %s (%s)", err.msg, armjit_status_name(err.code));
  return l;
}

armjit_trace *irs_parse(armjit_ctx *ctx, const char *text) {
  armjit_error err;
  armjit_trace *t = armjit_trace_parse(ctx, text, &err);
  if (!t) fail_msg("parse error %d:%d: %s (%s)\n%s", err.line, err.col, err.msg,
                   armjit_status_name(err.code), text);
  assert_int_equal(err.code, ARMJIT_OK);
  return t;
}

char *irs_print(const armjit_trace *t) {
  char *s = armjit_trace_to_string(t);
  if (!s) fail_msg("armjit_trace_to_string failed");
  return s;
}

char *irs_listing(const armjit_loop *l) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out) fail_msg("open_memstream failed");
  armjit_status st = armjit_loop_dis(l, out);
  fclose(out);
  if (st != ARMJIT_OK) fail_msg("armjit_loop_dis: %s", armjit_status_name(st));
  return text;
}

static bool const_same(const armjit_trace *a, ir_ref ra, const armjit_trace *b, ir_ref rb) {
  const ir_const *ca = ir_const_of(a, ra), *cb = ir_const_of(b, rb);
  if (ca->type != cb->type) return false;
  switch ((armjit_type)ca->type) {
  case ARMJIT_INT: return ca->v.i == cb->v.i;
  case ARMJIT_REF: return ca->v.r == cb->v.r;
  default: return ca->v.bits == cb->v.bits;
  }
}

static void refs_same(const armjit_trace *a, const ir_ref *ra, const armjit_trace *b,
                      const ir_ref *rb, uint32_t n, uint32_t op) {
  for (uint32_t k = 0; k < n; k++) {
    bool ca = IR_IS_CONST(ra[k]), cb = IR_IS_CONST(rb[k]);
    if (ca != cb || (ca ? !const_same(a, ra[k], b, rb[k]) : ra[k] != rb[k]))
      fail_msg("op %u: operand %u differs", op, k);
  }
}

void irs_assert_same_trace(const armjit_trace *a, const armjit_trace *b) {
  assert_int_equal(a->ninputs, b->ninputs);
  assert_int_equal(a->nvals, b->nvals);
  assert_memory_equal(a->vtype, b->vtype, a->nvals);
  assert_int_equal(a->nops, b->nops);
  for (uint32_t i = 0; i < a->nops; i++) {
    const ir_op *x = &a->ops[i], *y = &b->ops[i];
    assert_int_equal(x->opc, y->opc);
    assert_int_equal(x->type, y->type);
    assert_int_equal(x->res, y->res);
    assert_int_equal(x->id, y->id);
    assert_int_equal(x->nargs, y->nargs);
    assert_int_equal(x->nfail, y->nfail);
    refs_same(a, ir_args(a, x), b, ir_args(b, y), x->nargs, i);
    refs_same(a, ir_fails(a, x), b, ir_fails(b, y), x->nfail, i);
  }
  assert_int_equal(armjit_trace_nexits(a), armjit_trace_nexits(b));
  for (int e = 0; e < (int)armjit_trace_nexits(a); e++) {
    armjit_exit_info ia, ib;
    assert_int_equal(armjit_trace_exit_info(a, e, &ia), ARMJIT_OK);
    assert_int_equal(armjit_trace_exit_info(b, e, &ib), ARMJIT_OK);
    assert_int_equal(ia.kind, ib.kind);
    assert_int_equal(ia.nvalues, ib.nvalues);
    if (ia.nvalues) assert_memory_equal(ia.types, ib.types, ia.nvalues * sizeof *ia.types);
    if (!ia.name || !ib.name) assert_true(ia.name == ib.name);
    else assert_string_equal(ia.name, ib.name);
  }
  assert_int_equal(a->nlabels, b->nlabels);
}

armjit_trace *irs_roundtrip(armjit_ctx *ctx, const char *text) {
  armjit_trace *t1 = irs_parse(ctx, text);
  char *p1 = irs_print(t1);
  armjit_trace *t2 = irs_parse(ctx, p1);
  char *p2 = irs_print(t2);
  if (strcmp(p1, p2) != 0) fail_msg("print differs after reparse:\n%s---\n%s", p1, p2);
  irs_assert_same_trace(t1, t2);
  free(p1);
  free(p2);
  armjit_trace_free(t2);
  return t1;
}

static void check_words(const armjit_error *err, va_list ap) {
  for (const char *w = va_arg(ap, const char *); w; w = va_arg(ap, const char *))
    if (!strstr(err->msg, w)) fail_msg("message \"%s\" lacks \"%s\"", err->msg, w);
}

void irs_expect_error(armjit_ctx *ctx, const char *text, armjit_status code, int line,
                      int col, ...) {
  armjit_error err;
  armjit_trace *t = armjit_trace_parse(ctx, text, &err);
  if (t) {
    armjit_trace_free(t);
    fail_msg("parsed, but expected error %s:\n%s", armjit_status_name(code), text);
  }
  if (err.code != code || err.line != line || err.col != col)
    fail_msg("got %s at %d:%d (%s), expected %s at %d:%d\n%s",
             armjit_status_name(err.code), err.line, err.col, err.msg,
             armjit_status_name(code), line, col, text);
  va_list ap;
  va_start(ap, col);
  check_words(&err, ap);
  va_end(ap);
}

void irs_expect_err(const armjit_error *err, armjit_status code, ...) {
  if (err->code != code)
    fail_msg("got %s (%s), expected %s", armjit_status_name(err->code), err->msg,
             armjit_status_name(code));
  va_list ap;
  va_start(ap, code);
  check_words(err, ap);
  va_end(ap);
}

armjit_frame *irs_run(armjit_ctx *ctx, armjit_trace *t, const armjit_value *in,
                      uint64_t max_steps) {
  armjit_error err;
  assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_OK);
  uint32_t cap = armjit_trace_ninputs(t);
  for (int e = 0; e < (int)armjit_trace_nexits(t); e++) {
    armjit_exit_info info;
    assert_int_equal(armjit_trace_exit_info(t, e, &info), ARMJIT_OK);
    if (info.nvalues > cap) cap = info.nvalues;
  }
  armjit_frame *f = armjit_frame_new(ctx, cap);
  assert_non_null(f);
  for (uint32_t k = 0; k < armjit_trace_ninputs(t); k++) f->values[k] = in[k];
  armjit_status st = armjit_interpret(t, f, max_steps, &err);
  if (st != ARMJIT_OK) fail_msg("interpret: %s (%s)", err.msg, armjit_status_name(st));
  return f;
}

bool irs_value_same(armjit_type ty, armjit_value a, armjit_value b) {
  if (ty == ARMJIT_FLOAT && isnan(a.f) && isnan(b.f)) return true;
  /* an f32 is its low word (compiled code leaves the high word unspecified) */
  if (ty == ARMJIT_F32) return (isnan(a.s) && isnan(b.s)) || (uint32_t)a.bits == (uint32_t)b.bits;
  return a.bits == b.bits;
}

bool irs_frames_equal(const armjit_trace *t, const armjit_frame *a, const armjit_frame *b,
                      char *why, size_t n) {
  if (!why) n = 0;
  if (a->exit_id != b->exit_id || a->nvalues != b->nvalues) {
    if (n) snprintf(why, n, "exit %d with %u values vs exit %d with %u values",
                    (int)a->exit_id, (unsigned)a->nvalues, (int)b->exit_id,
                    (unsigned)b->nvalues);
    return false;
  }
  armjit_exit_info info = {0};
  if (t && armjit_trace_exit_info(t, a->exit_id, &info) != ARMJIT_OK) {
    if (n) snprintf(why, n, "trace has no exit %d", (int)a->exit_id);
    return false;
  }
  for (uint32_t k = 0; k < a->nvalues; k++) {
    armjit_type ty = t ? (k < info.nvalues ? info.types[k] : ARMJIT_VOID) : ARMJIT_FLOAT;
    if (!irs_value_same(ty, a->values[k], b->values[k])) {
      if (n) snprintf(why, n, "value %u (%s): 0x%016llx vs 0x%016llx", (unsigned)k,
                      t ? (ty == ARMJIT_INT ? "int" : ty == ARMJIT_REF ? "ref"
                           : ty == ARMJIT_I64 ? "i64" : ty == ARMJIT_F32 ? "f32" : "float")
                        : "untyped",
                      (unsigned long long)a->values[k].bits,
                      (unsigned long long)b->values[k].bits);
      return false;
    }
  }
  return true;
}

void irs_assert_frames_equal(const armjit_trace *t, const armjit_frame *a,
                             const armjit_frame *b) {
  char why[160];
  if (!irs_frames_equal(t, a, b, why, sizeof why)) fail_msg("frames differ: %s", why);
}
