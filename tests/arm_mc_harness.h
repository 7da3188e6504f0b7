/* SPDX-License-Identifier: MIT */
/* Shared by the method compiler's ARM tests (tests/arm_mc_*.c): parse a
 * module, compile and load it, call a function of it through libffi with
 * the module's signature, run the same function in the reference
 * interpreter, and compare (floats: bits, or "both NaN").  Header-only:
 * static functions, each test file includes it once. */
#ifndef ARMJIT_TEST_ARM_MC_HARNESS_H
#define ARMJIT_TEST_ARM_MC_HARNESS_H

#include <ffi.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "armjit/mc.h"
#include "mc/mir.h"

/* A growing text buffer the tests write modules into: tb(&t, fmt, ...)
 * appends; t.p is NUL-terminated; free(t.p) when done. */
typedef struct {
  char *p;
  size_t n, cap;
} text_buf;
static inline void tb(text_buf *t, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int k = vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    if ((size_t)k < t->cap - t->n) {
      t->n += (size_t)k;
      return;
    }
    t->cap = t->cap * 2 + (size_t)k + 256;
    t->p = realloc(t->p, t->cap);
    assert_non_null(t->p);
  }
}

static inline armjit_ctx *mch_ctx(unsigned flags) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.seed = 12345;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  if (!ctx) fail_msg("context: %s", err.msg);
  return ctx;
}

static inline armjit_module *mch_parse(armjit_ctx *ctx, const char *text) {
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("parse %d:%d: %s\n%s", err.line, err.col, err.msg, text);
  if (armjit_module_validate(m, &err) != ARMJIT_OK)
    fail_msg("validate %d:%d: %s\n%s", err.line, err.col, err.msg, text);
  return m;
}

static inline armjit_mcode *mch_load(armjit_module *m) {
  armjit_error err;
  armjit_mcode *c = armjit_module_load(m, &err);
  if (!c) fail_msg("compile/load: %s", err.msg);
  return c;
}

static inline ffi_type *mch_ffi_type(unsigned t) {
  switch (t) {
  case ARMJIT_T_I32: return &ffi_type_sint32;
  case ARMJIT_T_I64: return &ffi_type_sint64;
  case ARMJIT_T_F32: return &ffi_type_float;
  case ARMJIT_T_F64: return &ffi_type_double;
  case ARMJIT_T_REF: return &ffi_type_pointer;
  default: return &ffi_type_void;
  }
}

/* The signature of function `name` (asserted to exist). */
static inline int mch_sig(const armjit_module *m, const char *name, armjit_mtype *params, unsigned cap,
                   armjit_mtype *res) {
  armjit_sym s = armjit_module_find(m, name);
  assert_true(s >= 0);
  int n = armjit_sym_signature(m, s, params, cap, res);
  assert_true(n >= 0 && (unsigned)n <= cap);
  return n;
}

/* Call fn (compiled code of signature params -> res) with args. */
static inline armjit_mval mch_ffi_call(void *fn, const armjit_mtype *params, unsigned n,
                                armjit_mtype res, const armjit_mval *args) {
  ffi_type *ty[64];
  void *av[64];
  union { int32_t i; int64_t l; float f; double d; void *p; ffi_arg a; uint64_t bits; } in[64], out;
  assert_true(n <= 64);
  for (unsigned k = 0; k < n; k++) {
    ty[k] = mch_ffi_type(params[k]);
    switch (params[k]) {
    case ARMJIT_T_I32: in[k].i = args[k].i32; break;
    case ARMJIT_T_I64: in[k].l = args[k].i64; break;
    case ARMJIT_T_F32: in[k].f = args[k].f32; break;
    case ARMJIT_T_F64: in[k].d = args[k].f64; break;
    default: in[k].p = (void *)args[k].ref; break;
    }
    av[k] = &in[k];
  }
  ffi_cif cif;
  assert_int_equal(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, n, mch_ffi_type(res), ty), FFI_OK);
  memset(&out, 0, sizeof out);
  ffi_call(&cif, FFI_FN(fn), &out, av);
  armjit_mval r;
  memset(&r, 0, sizeof r);
  switch (res) {
  case ARMJIT_T_I32: r.i32 = (int32_t)out.a; break;
  case ARMJIT_T_I64: r.i64 = out.l; break;
  case ARMJIT_T_F32: r.f32 = out.f; break;
  case ARMJIT_T_F64: r.f64 = out.d; break;
  case ARMJIT_T_REF: r.ref = (uintptr_t)out.p; break;
  default: break;
  }
  return r;
}

static inline armjit_mval mch_call(const armjit_mcode *c, const armjit_module *m, const char *name,
                            const armjit_mval *args, unsigned n) {
  armjit_mtype p[64], res;
  int np = mch_sig(m, name, p, 64, &res);
  assert_int_equal((unsigned)np, n);
  void *fn = armjit_mcode_symbol(c, name);
  assert_non_null(fn);
  return mch_ffi_call(fn, p, n, res, args);
}

static inline armjit_mval mch_interp(armjit_module *m, const char *name, const armjit_mval *args,
                              unsigned n) {
  armjit_mval r;
  memset(&r, 0, sizeof r);
  armjit_error err;
  armjit_interp_options o = {10000000, 0, 0};
  armjit_status st = armjit_mc_interpret(m, name, args, n, &r, &o, &err);
  if (st != ARMJIT_OK) fail_msg("interpret @%s: %s", name, err.msg);
  return r;
}

/* Equal as the type's bits; floats: also both NaN. */
static inline bool mch_same(armjit_mtype t, armjit_mval a, armjit_mval b) {
  switch (t) {
  case ARMJIT_T_I32: return a.i32 == b.i32;
  case ARMJIT_T_I64: return a.i64 == b.i64;
  case ARMJIT_T_F32: {
    uint32_t x, y;
    memcpy(&x, &a.f32, 4);
    memcpy(&y, &b.f32, 4);
    return x == y || (isnan(a.f32) && isnan(b.f32));
  }
  case ARMJIT_T_F64: {
    uint64_t x, y;
    memcpy(&x, &a.f64, 8);
    memcpy(&y, &b.f64, 8);
    return x == y || (isnan(a.f64) && isnan(b.f64));
  }
  case ARMJIT_T_REF: return (uint32_t)a.ref == (uint32_t)b.ref;
  default: return true;
  }
}

static inline void mch_print_val(char *buf, size_t cap, armjit_mtype t, armjit_mval v) {
  switch (t) {
  case ARMJIT_T_I32: snprintf(buf, cap, "%" PRId32, v.i32); break;
  case ARMJIT_T_I64: snprintf(buf, cap, "%" PRId64, v.i64); break;
  case ARMJIT_T_F32: snprintf(buf, cap, "%.9g", (double)v.f32); break;
  case ARMJIT_T_F64: snprintf(buf, cap, "%.17g", v.f64); break;
  case ARMJIT_T_REF: snprintf(buf, cap, "0x%" PRIxPTR, v.ref); break;
  default: snprintf(buf, cap, "void"); break;
  }
}

/* Compiled and interpreted @name(args) agree; returns the result. */
static inline armjit_mval mch_check(const armjit_mcode *c, armjit_module *m, const char *name,
                             const armjit_mval *args, unsigned n) {
  armjit_mtype p[64], res;
  mch_sig(m, name, p, 64, &res);
  armjit_mval got = mch_call(c, m, name, args, n);
  armjit_mval want = mch_interp(m, name, args, n);
  if (!mch_same(res, got, want)) {
    char g[64], w[64], a[256] = "";
    mch_print_val(g, sizeof g, res, got);
    mch_print_val(w, sizeof w, res, want);
    for (unsigned k = 0; k < n && strlen(a) < 200; k++) {
      char one[64];
      mch_print_val(one, sizeof one, p[k], args[k]);
      strcat(a, k ? ", " : "");
      strcat(a, one);
    }
    fail_msg("@%s(%s): compiled %s, interpreted %s", name, a, g, w);
  }
  return got;
}

static inline armjit_mval mch_i32(int32_t v) { armjit_mval x; memset(&x, 0, sizeof x); x.i32 = v; return x; }
static inline armjit_mval mch_i64(int64_t v) { armjit_mval x; memset(&x, 0, sizeof x); x.i64 = v; return x; }
static inline armjit_mval mch_f32(float v) { armjit_mval x; memset(&x, 0, sizeof x); x.f32 = v; return x; }
static inline armjit_mval mch_f64(double v) { armjit_mval x; memset(&x, 0, sizeof x); x.f64 = v; return x; }
static inline armjit_mval mch_ref(const void *p) {
  armjit_mval x;
  memset(&x, 0, sizeof x);
  x.ref = (uintptr_t)p;
  return x;
}

#endif
