/* SPDX-License-Identifier: MIT */
/* Compiled C calls under both ARM ABIs (AAPCS hard- and soft-float).
 *
 * The calling-convention matrix: every helper of arm_calls_helpers.h (every
 * int/ref/float mix of 0-3 arguments, int/float mixes of 4-6, every
 * int/float/i64/f32 mix of 0-4 with each int/float/i64/f32/void result,
 * corner cases and seeded samples of 5-12
 * (see scripts/gen_call_matrix.py), three long lists
 * (up to 700 arguments, past the reach of VSTR and STR offsets),
 * every result type, and 1- and 2-byte results, signed and unsigned,
 * after every int/float/i64/f32 mix of 0-2 arguments and a sample of
 * 3-8) is called from compiled code, with the arguments as
 * variables or constants and the function as a constant or a variable,
 * and the result compared with the C compiler's own direct call of the
 * same function with the same values (and with the interpreter).  The
 * helpers exist twice: in the build's calling convention and, through
 * GCC's pcs attribute, in the other one, so a context of either ABI calls
 * real C code of its convention.  Every helper also checks that sp is
 * 8-byte aligned on entry.
 *
 * Then (each differential against the interpreter, jitcheck.h, in both
 * ABIs): results fed into further calls, 40 ints and 20 floats live
 * across a call, calls whose arguments are the argument registers'
 * current occupants permuted, a loop calling a helper every iteration,
 * and the function address as an int or ref variable or constant. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jitcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

typedef int32_t i32;
typedef uintptr_t ref;
typedef int64_t i64;

/* ---- what the generated helpers use ---------------------------------------- */
/* Test-only state the helpers report through (their signatures are fixed). */
static uint64_t cm_sink;    /* the hash of the last void helper */
static unsigned cm_bad_sp;  /* helper entries with sp not 8-byte aligned */

static uint64_t cm_mix(uint64_t h, uint64_t x) {
  h ^= x + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
  return h * UINT64_C(0xff51afd7ed558ccd);
}
static uint64_t cm_dbits(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}
static uint64_t cm_sbits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b ^ UINT64_C(0x7777000000000000);
}
/* sp at its caller's call site.  A helper that calls it is not a leaf, so
 * GCC keeps sp at its calls 8-byte aligned relative to its own entry:
 * misaligned here exactly when the helper was entered misaligned.  (A
 * leaf may push an odd number of words, so reading sp in the body would
 * not tell.) */
__attribute__((naked, noinline)) static uintptr_t cm_sp_at_call(void) {
  __asm__ volatile("mov r0, sp\n\tbx lr");
}
#define CM_SP()                       \
  do {                                \
    if (cm_sp_at_call() & 7) cm_bad_sp++; \
  } while (0)
#define CM_I(x) h = cm_mix(h, (uint32_t)(x))
#define CM_R(x) h = cm_mix(h, (uint64_t)(x) ^ UINT64_C(0x5555000000000000))
#define CM_F(x) h = cm_mix(h, cm_dbits(x))
#define CM_L(x) h = cm_mix(h, (uint64_t)(x) ^ UINT64_C(0x3333000000000000))
#define CM_S(x) h = cm_mix(h, cm_sbits(x))
static i32 cm_ret_i(uint64_t h) { return (i32)(uint32_t)(h >> 17); }
static ref cm_ret_r(uint64_t h) { return (ref)(h >> 23); }
static double cm_ret_f(uint64_t h) { return (double)(int64_t)(h >> 12) / 4096.0 - 1e12; }
static i64 cm_ret_l(uint64_t h) { return (i64)(h ^ (h << 29)); }
static float cm_ret_s(uint64_t h) { return (float)(int32_t)(h >> 40) / 64.0f; }
static armjit_value cm_vl(i64 x) { armjit_value v = {.l = x}; return v; }
static armjit_value cm_vs(float x) {
  armjit_value v = {.bits = 0};
  v.s = x;
  return v;
}
static armjit_value cm_vi(i32 x) { return irs_i(x); }
static armjit_value cm_vr(ref x) { return irs_r(x); }
static armjit_value cm_vf(double x) { return irs_f(x); }

typedef struct {
  const char *args;   /* i r f l s per argument */
  char res;           /* i r f l s v, or b B h H: an int8_t uint8_t int16_t uint16_t */
  uintptr_t fn;
  armjit_value (*direct)(const armjit_value *a);
} cm_entry;

/* The build's own convention, then the other one. */
#if defined(__ARM_PCS_VFP)
#define OTHER_PCS __attribute__((pcs("aapcs")))
#define NATIVE_ABI ARMJIT_ABI_HARD
#define OTHER_ABI ARMJIT_ABI_SOFT
#else
#define OTHER_PCS __attribute__((pcs("aapcs-vfp")))
#define NATIVE_ABI ARMJIT_ABI_SOFT
#define OTHER_ABI ARMJIT_ABI_HARD
#endif

#define CM_ATTR
#define CM(x) cmn_##x
#include "arm_calls_matrix.h"
#undef CM_ATTR
#undef CM
#define CM_ATTR OTHER_PCS
#define CM(x) cmo_##x
#include "arm_calls_matrix.h"
#undef CM_ATTR
#undef CM

enum { NMATRIX = sizeof cmn_table / sizeof cmn_table[0], MAXARGS = 700 };

static const cm_entry *table_of(armjit_abi abi) {
  return abi == NATIVE_ABI ? cmn_table : cmo_table;
}
static const char *abi_name(armjit_abi abi) {
  return abi == ARMJIT_ABI_HARD ? "hard-float" : "soft-float";
}

/* The helper with this signature (it must exist in the table). */
static const cm_entry *helper(armjit_abi abi, const char *args, char res) {
  const cm_entry *tab = table_of(abi);
  for (unsigned k = 0; k < NMATRIX; k++)
    if (tab[k].res == res && strcmp(tab[k].args, args) == 0) return &tab[k];
  fail_msg("no helper (%s) -> %c in arm_calls_matrix.h", args, res);
  return NULL;
}

static armjit_type type_of(char c) {
  switch (c) {
  case 'i': case 'b': case 'B': case 'h': case 'H': return ARMJIT_INT;
  case 'r': return ARMJIT_REF;
  case 'f': return ARMJIT_FLOAT;
  case 'l': return ARMJIT_I64;
  case 's': return ARMJIT_F32;
  default: return ARMJIT_VOID;
  }
}

/* ---- values ---------------------------------------------------------------- */
static uint64_t rng_next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Edge values and noise.  NaN only as the canonical quiet NaN: constants
 * are stored with that one (docs/ir.md §6.3). */
static armjit_value gen_value(char c, uint64_t *s) {
  static const int32_t ints[] = {0, 1, -1, INT32_MIN, INT32_MAX, 255, -256, 0x8000};
  static const uint32_t refs[] = {0, 1, 0xffffffffu, 0x80000000u, 0x1000};
  static const uint64_t dbls[] = {
      0, UINT64_C(0x8000000000000000), UINT64_C(0x3ff8000000000000),
      UINT64_C(0xc002000000000000), UINT64_C(0x7e37e43c8800759c), 1,
      UINT64_C(0x7ff0000000000000), UINT64_C(0xfff0000000000000),
      UINT64_C(0x7ff8000000000000), UINT64_C(0x000fffffffffffff)};
  uint64_t x = rng_next(s);
  bool edge = x % 4 == 0;
  unsigned pick = (unsigned)(x >> 40);
  if (c == 'i') return irs_i(edge ? ints[pick % 8] : (i32)(uint32_t)(x >> 7));
  if (c == 'r') return irs_r(edge ? refs[pick % 5] : (ref)(uint32_t)(x >> 11));
  if (c == 'l') {
    static const uint64_t longs[] = {0, 1, UINT64_MAX, UINT64_C(1) << 63, (UINT64_C(1) << 63) - 1,
                                     UINT64_C(0xffffffff), UINT64_C(0x100000000)};
    return cm_vl((i64)(edge ? longs[pick % 7] : x * UINT64_C(0x9e3779b97f4a7c15)));
  }
  if (c == 's') {
    static const uint32_t singles[] = {0, 0x80000000u, 0x3f800000u, 0x7f800000u, 0xff800000u,
                                       0x7fc00000u, 1u, 0x7f7fffffu};
    uint32_t b = edge ? singles[pick % 8] : (uint32_t)(x >> 9);
    float f;
    memcpy(&f, &b, 4);
    if (f != f) memcpy(&f, &singles[5], 4); /* NaN only as the canonical one */
    return cm_vs(f);
  }
  if (edge) return irs_f(irs_dbl(dbls[pick % 10]));
  return irs_f((double)(int64_t)(x >> 3) / 65536.0);
}

static armjit_val constant(armjit_trace *t, char c, armjit_value v) {
  if (c == 'i') return armjit_const_int(t, v.i);
  if (c == 'r') return armjit_const_ref(t, v.r);
  if (c == 'l') return armjit_const_i64(t, v.l);
  if (c == 's') return armjit_const_f32(t, v.s);
  return armjit_const_float(t, v.f);
}

/* ---- the matrix --------------------------------------------------------------- */
typedef struct {
  const cm_entry *e;
  bool fn_var;        /* the function is input 0, else a constant */
  unsigned pattern;   /* argument k is a constant when pattern && (k+pattern)%3 == 0 */
  const armjit_value *vals;
} cm_spec;

static bool arg_is_const(const cm_spec *s, unsigned k) {
  return s->pattern && (k + s->pattern) % 3 == 0;
}

static armjit_trace *build_matrix(armjit_ctx *ctx, const cm_spec *s) {
  armjit_trace *t = armjit_trace_new(ctx);
  assert_non_null(t);
  unsigned n = (unsigned)strlen(s->e->args);
  armjit_type types[MAXARGS];
  armjit_val args[MAXARGS + 1];
  for (unsigned k = 0; k < n; k++) types[k] = type_of(s->e->args[k]);
  /* a narrow result (b B h H: int8_t uint8_t int16_t uint16_t) */
  char rc = s->e->res;
  unsigned narrow = rc == 'b' || rc == 'B'   ? ARMJIT_CALL_RESULT_BYTE
                    : rc == 'h' || rc == 'H' ? ARMJIT_CALL_RESULT_HALF
                                             : 0u;
  if (rc == 'b' || rc == 'h') narrow |= ARMJIT_CALL_RESULT_SIGNED;
  armjit_call_descr cd = {types, n, type_of(rc), narrow};
  int d = armjit_descr_call(t, &cd);
  args[0] = s->fn_var ? armjit_input(t, ARMJIT_REF) : armjit_const_ref(t, s->e->fn);
  for (unsigned k = 0; k < n; k++)
    args[k + 1] = arg_is_const(s, k) ? constant(t, s->e->args[k], s->vals[k])
                                     : armjit_input(t, types[k]);
  armjit_val r = armjit_op_descr(t, ARMJIT_OP_CALL, args, n + 1, d);
  if (s->e->res == 'v') armjit_finish(t, NULL, 0);
  else armjit_finish(t, &r, 1);
  return t;
}

typedef struct {
  armjit_ctx *ctx[2][2];   /* [native, other][default, random RA] */
  unsigned cases;          /* calling-convention cases checked */
} cc_state;

static void fail_case(armjit_trace *t, const cm_spec *s, armjit_abi abi, const char *who,
                      armjit_value want, armjit_value got, const char *why) {
  char a[64], b[64];
  armjit_trace_print(t, stderr);
  jc_value_fmt(type_of(s->e->res == 'v' ? 'f' : s->e->res), want, a, sizeof a);
  jc_value_fmt(type_of(s->e->res == 'v' ? 'f' : s->e->res), got, b, sizeof b);
  fail_msg("%s call (%s) -> %c, %s: %s: C says %s, got %s", abi_name(abi), s->e->args,
           s->e->res, who, why, a, b);
}

/* Interpret and run compiled (default and random RA) code for one case;
 * each result (or a void helper's sink) must equal the direct C call's. */
static void check_case(cc_state *st, armjit_abi abi, const cm_spec *s) {
  unsigned n = (unsigned)strlen(s->e->args);
  cm_sink = 0;
  armjit_value want = s->e->direct(s->vals);
  if (s->e->res == 'v') want.bits = cm_sink;
  armjit_type rty = s->e->res == 'v' ? ARMJIT_FLOAT : type_of(s->e->res);

  armjit_value in[MAXARGS + 1];
  unsigned nin = 0;
  if (s->fn_var) in[nin++] = irs_r(s->e->fn);
  for (unsigned k = 0; k < n; k++)
    if (!arg_is_const(s, k)) in[nin++] = s->vals[k];

  int ai = abi == NATIVE_ABI ? 0 : 1;
  for (int v = 0; v < 3; v++) {
    armjit_ctx *ctx = st->ctx[ai][v == 2];
    armjit_trace *t = build_matrix(ctx, s);
    armjit_error e;
    armjit_frame *f = armjit_frame_new(ctx, nin + 1);
    assert_non_null(f);
    memcpy(f->values, in, nin * sizeof *in);
    cm_sink = 0;
    cm_bad_sp = 0;
    armjit_loop *loop = NULL;
    const char *who = v == 0 ? "interpreter" : v == 1 ? "compiled" : "compiled (random RA)";
    if (v == 0) {
      if (armjit_interpret(t, f, 0, &e) != ARMJIT_OK) fail_msg("interpret: %s", e.msg);
    } else {
      loop = armjit_compile_loop(ctx, t, &e);
      if (!loop) {
        armjit_trace_print(t, stderr);
        fail_msg("compile (%s): %s", abi_name(abi), e.msg);
      }
      if (armjit_run(loop, f, &e) != 0) fail_msg("run: %s", e.msg);
    }
    armjit_value got = s->e->res == 'v' ? (armjit_value){.bits = cm_sink} : f->values[0];
    if (!irs_value_same(rty, want, got)) fail_case(t, s, abi, who, want, got, "result");
    if (cm_bad_sp) fail_case(t, s, abi, who, want, got, "sp not 8-byte aligned in the helper");
    armjit_loop_free(loop);
    armjit_frame_free(ctx, f);
    armjit_trace_free(t);
  }
  st->cases++;
}

static void matrix(cc_state *st, armjit_abi abi) {
  const cm_entry *tab = table_of(abi);
  uint64_t rng = UINT64_C(0x2545f4914f6cdd1d) ^ (uint64_t)ARMJIT_RANDOM_SEED;
  armjit_value vals[MAXARGS];
  for (unsigned i = 0; i < NMATRIX; i++) {
    unsigned n = (unsigned)strlen(tab[i].args);
    /* all variables with a constant function; then mixed constants with
     * the function in a register (input 0, so r0: it must leave before
     * the arguments arrive) */
    for (unsigned form = 0; form < 2; form++) {
      for (unsigned k = 0; k < n; k++) vals[k] = gen_value(tab[i].args[k], &rng);
      cm_spec s = {&tab[i], form == 1, form == 1 ? 1u + i % 3u : 0u, vals};
      check_case(st, abi, &s);
    }
  }
}

static void test_matrix_native(void **state) { matrix(*state, NATIVE_ABI); }
static void test_matrix_other(void **state) { matrix(*state, OTHER_ABI); }

/* ---- differential tests against the interpreter, in both ABIs ---------------- */
static armjit_trace *parse_build(armjit_ctx *ctx, const void *ud) {
  armjit_error e;
  armjit_trace *t = armjit_trace_parse(ctx, ud, &e);
  if (!t) {
    fprintf(stderr, "%s\n", (const char *)ud);
    fail_msg("parse: %s at %d:%d", e.msg, e.line, e.col);
  }
  return t;
}

static void jc_text(jc_case *c, armjit_abi abi, const char *text) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.abi = abi;
  jc_init_opts(c, parse_build, text, ARMJIT_RANDOM_SEED, &o);
}

/* "ref(0x...)" of a helper: text traces name functions by address. */
static const char *fn_text(char *buf, size_t n, const cm_entry *e) {
  snprintf(buf, n, "ref(0x%" PRIxPTR ")", e->fn);
  return buf;
}

static void run_random(jc_case *c, const char *sig, unsigned runs, uint64_t seed) {
  armjit_value in[128];
  for (unsigned r = 0; r < runs; r++) {
    for (unsigned k = 0; sig[k]; k++) in[k] = gen_value(sig[k], &seed);
    jc_run(c, in);
  }
}

/* Results feed the next call's arguments (and stay live across calls). */
static void nested(armjit_abi abi) {
  char a[40], b[40], d[40], text[1024];
  snprintf(text, sizeof text,
           "descr A = call(args=[int, float, int], result=float)\n"
           "descr B = call(args=[float, int], result=int)\n"
           "descr C = call(args=[int, ref, float], result=ref)\n"
           "[i0, f1, p2]\n"
           "f3 = call(%s, i0, f1, i0, descr=A)\n"
           "i4 = call(%s, f3, i0, descr=B)\n"
           "p5 = call(%s, i4, p2, f3, descr=C)\n"
           "f6 = call(%s, i4, f3, i4, descr=A)\n"
           "i7 = call(%s, f6, i4, descr=B)\n"
           "finish(p5, f6, i7, i4, f3, i0, f1, p2)\n",
           fn_text(a, sizeof a, helper(abi, "ifi", 'f')), fn_text(b, sizeof b, helper(abi, "fi", 'i')),
           fn_text(d, sizeof d, helper(abi, "irf", 'r')), a, b);
  jc_case c;
  jc_text(&c, abi, text);
  run_random(&c, "ifr", 20, 7);
  jc_free(&c);
}
static void test_nested(void **state) {
  (void)state;
  nested(NATIVE_ABI);
  nested(OTHER_ABI);
}

/* 40 ints and 20 floats computed before a call (so they occupy every
 * allocatable register, r0-r10 and d0-d14), used after it. */
typedef struct { armjit_abi abi; const cm_entry *h; } live_spec;

static armjit_trace *build_live(armjit_ctx *ctx, const void *ud) {
  const live_spec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val in[60], v[60], fin[64];
  for (int k = 0; k < 40; k++) in[k] = armjit_input(t, ARMJIT_INT);
  for (int k = 40; k < 60; k++) in[k] = armjit_input(t, ARMJIT_FLOAT);
  for (int k = 0; k < 60; k++) {
    armjit_val ops[2] = {in[k], k < 40 ? armjit_const_int(t, k + 1)
                                       : armjit_const_float(t, 0.5 + k)};
    v[k] = armjit_op(t, k < 40 ? ARMJIT_OP_INT_ADD : ARMJIT_OP_FLOAT_ADD, ops, 2);
  }
  armjit_type ty[3] = {ARMJIT_INT, ARMJIT_FLOAT, ARMJIT_INT};
  armjit_call_descr cd = {ty, 3, ARMJIT_FLOAT, 0};
  int d = armjit_descr_call(t, &cd);
  armjit_val args[4] = {armjit_const_ref(t, s->h->fn), v[3], v[45], v[7]};
  armjit_val r = armjit_op_descr(t, ARMJIT_OP_CALL, args, 4, d);
  /* real uses after the call: sums over all of them */
  armjit_val si = v[0], sf = r;
  for (int k = 1; k < 40; k++) {
    armjit_val ops[2] = {si, v[k]};
    si = armjit_op(t, ARMJIT_OP_INT_XOR, ops, 2);
  }
  for (int k = 40; k < 60; k++) {
    armjit_val ops[2] = {sf, v[k]};
    sf = armjit_op(t, ARMJIT_OP_FLOAT_SUB, ops, 2);
  }
  unsigned nf = 0;
  fin[nf++] = si;
  fin[nf++] = sf;
  fin[nf++] = r;
  for (int k = 0; k < 60; k++) fin[nf++] = v[k];
  armjit_finish(t, fin, nf);
  return t;
}

static void live_across(armjit_abi abi) {
  live_spec s = {abi, helper(abi, "ifi", 'f')};
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.abi = abi;
  jc_case c;
  jc_init_opts(&c, build_live, &s, ARMJIT_RANDOM_SEED, &o);
  char sig[61];
  for (int k = 0; k < 60; k++) sig[k] = k < 40 ? 'i' : 'f';
  sig[60] = 0;
  run_random(&c, sig, 5, 11);
  jc_free(&c);
}
static void test_live_across(void **state) {
  (void)state;
  live_across(NATIVE_ABI);
  live_across(OTHER_ABI);
}

/* The inputs land in r0-r3 / d0-d7 in order (first used first); each call
 * passes them permuted, so the argument moves form cycles (PyPy's
 * test_call_argument_spilling).  Some arguments stay live after the call. */
static void permuted(armjit_abi abi) {
  char h4[40], h3[40], f4[40], f8[40], m[40], text[2048];
  fn_text(h4, sizeof h4, helper(abi, "iiii", 'i'));
  fn_text(h3, sizeof h3, helper(abi, "iri", 'i'));
  fn_text(f4, sizeof f4, helper(abi, "ffff", 'f'));
  fn_text(f8, sizeof f8, helper(abi, "ffffffff", 'f'));
  fn_text(m, sizeof m, helper(abi, "fif", 'f'));
  snprintf(text, sizeof text,
           "descr H4 = call(args=[int, int, int, int], result=int)\n"
           "descr H3 = call(args=[int, ref, int], result=int)\n"
           "descr F4 = call(args=[float, float, float, float], result=float)\n"
           "descr F8 = call(args=[float, float, float, float, float, float, float, float], result=float)\n"
           "descr M = call(args=[float, int, float], result=float)\n"
           "[i0, i1, i2, i3, f4, f5, f6, f7, f8, f9, f10, f11]\n"
           "i12 = call(%s, i3, i0, i1, i2, descr=H4)\n"
           "i13 = call(%s, i1, i0, i3, i2, descr=H4)\n"
           "p14 = same_as(ref(0x1234))\n"
           "i15 = call(%s, i13, p14, i12, descr=H3)\n"
           "f16 = call(%s, f7, f6, f5, f4, descr=F4)\n"
           "f17 = call(%s, f11, f10, f9, f8, f7, f6, f5, f4, descr=F8)\n"
           "f18 = call(%s, f17, i15, f16, descr=M)\n"
           "f19 = call(%s, f5, f4, f17, f16, descr=F4)\n"
           "finish(i12, i13, i15, f16, f17, f18, f19, i0, i3, f4, f11)\n",
           h4, h4, h3, f4, f8, m, f4);
  jc_case c;
  jc_text(&c, abi, text);
  run_random(&c, "iiiiffffffff", 10, 13);
  jc_free(&c);

  /* only argument registers, every value dies at the call: a pure cycle */
  snprintf(text, sizeof text,
           "descr H4 = call(args=[int, int, int, int], result=int)\n"
           "descr M = call(args=[float, int, float], result=float)\n"
           "[i0, i1, i2, i3, f4, f5]\n"
           "f6 = call(%s, f5, i3, f4, descr=M)\n"
           "i7 = call(%s, i1, i2, i3, i0, descr=H4)\n"
           "finish(i7, f6)\n",
           m, h4);
  jc_text(&c, abi, text);
  run_random(&c, "iiiiff", 10, 17);
  jc_free(&c);
}
static void test_permuted_arguments(void **state) {
  (void)state;
  permuted(NATIVE_ABI);
  permuted(OTHER_ABI);
}

/* A loop that calls a helper every iteration; the result is loop-carried. */
static void loop_calls(armjit_abi abi) {
  char h[40], text[1024];
  snprintf(text, sizeof text,
           "descr A = call(args=[int, float, int], result=float)\n"
           "[i0, i1, f2]\n"
           "label(i0, i1, f2, descr=L)\n"
           "f3 = call(%s, i0, f2, i1, descr=A)\n"
           "i4 = int_add(i0, 1)\n"
           "i5 = int_lt(i4, i1)\n"
           "guard_true(i5, descr=done) [i4, f3, f2]\n"
           "jump(i4, i1, f3, descr=L)\n",
           fn_text(h, sizeof h, helper(abi, "ifi", 'f')));
  jc_case c;
  jc_text(&c, abi, text);
  armjit_value in[3] = {irs_i(0), irs_i(200), irs_f(0.25)};
  assert_int_equal(jc_run(&c, in), 0);
  assert_int_equal(c.fi->values[0].i, 200);
  in[1] = irs_i(-5);
  jc_run(&c, in);
  jc_free(&c);
}
static void test_loop(void **state) {
  (void)state;
  loop_calls(NATIVE_ABI);
  loop_calls(OTHER_ABI);
}

/* The function as an int or ref input (in r0 or r1, among the argument
 * registers) and as an int constant. */
static void fn_variable(armjit_abi abi) {
  const cm_entry *h = helper(abi, "ifi", 'f');
  char text[1024];
  snprintf(text, sizeof text,
           "descr A = call(args=[int, float, int], result=float)\n"
           "[p0, i1, i2, f3]\n"
           "f4 = call(i1, i2, f3, i2, descr=A)\n"
           "f5 = call(p0, i1, f4, i2, descr=A)\n"
           "f6 = call(0x%" PRIx32 ", i2, f5, i2, descr=A)\n"
           "f7 = call(p0, i1, f6, i1, descr=A)\n"
           "finish(f4, f5, f6, f7)\n",
           (uint32_t)h->fn);
  jc_case c;
  jc_text(&c, abi, text);
  uint64_t seed = 19;
  for (int r = 0; r < 5; r++) {
    armjit_value in[4] = {irs_r(h->fn), irs_i((i32)(uint32_t)h->fn), gen_value('i', &seed),
                          gen_value('f', &seed)};
    jc_run(&c, in);
  }
  jc_free(&c);
}
static void test_function_variable(void **state) {
  (void)state;
  fn_variable(NATIVE_ABI);
  fn_variable(OTHER_ABI);
}

/* ---- setup ------------------------------------------------------------------ */
static armjit_ctx *make_ctx(armjit_abi abi, bool random) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.abi = abi;
  if (random) {
    o.flags = ARMJIT_RANDOM_RA;
    o.seed = ARMJIT_RANDOM_SEED;
  }
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(&o, &e);
  if (!ctx) fail_msg("armjit_ctx_new: %s", e.msg);
  return ctx;
}

static int setup(void **state) {
  cc_state *st = calloc(1, sizeof *st);
  if (!st) return -1;
  for (int a = 0; a < 2; a++)
    for (int r = 0; r < 2; r++) st->ctx[a][r] = make_ctx(a ? OTHER_ABI : NATIVE_ABI, r);
  *state = st;
  return 0;
}

static int teardown(void **state) {
  cc_state *st = *state;
  printf("calling-convention cases: %u\n", st->cases);
  for (int a = 0; a < 2; a++)
    for (int r = 0; r < 2; r++) armjit_ctx_free(st->ctx[a][r]);
  free(st);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_matrix_native),
      cmocka_unit_test(test_matrix_other),
      cmocka_unit_test(test_nested),
      cmocka_unit_test(test_live_across),
      cmocka_unit_test(test_permuted_arguments),
      cmocka_unit_test(test_loop),
      cmocka_unit_test(test_function_variable),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
