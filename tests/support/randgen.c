/* SPDX-License-Identifier: MIT */
/* randtrace: generating a trace into rt_trace, and repairing guards so
 * that runs go past them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "randtrace.h"
#include "randtrace_impl.h"

typedef rt_gen gen;

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const armjit_opcode int_bin[] = {
    ARMJIT_OP_INT_ADD, ARMJIT_OP_INT_SUB, ARMJIT_OP_INT_MUL, ARMJIT_OP_INT_FLOORDIV,
    ARMJIT_OP_INT_MOD, ARMJIT_OP_INT_AND, ARMJIT_OP_INT_OR, ARMJIT_OP_INT_XOR,
    ARMJIT_OP_INT_LSHIFT, ARMJIT_OP_INT_RSHIFT, ARMJIT_OP_UINT_RSHIFT};
static const armjit_opcode int_un[] = {ARMJIT_OP_INT_NEG, ARMJIT_OP_INT_INVERT,
                                       ARMJIT_OP_INT_FORCE_GE_ZERO};
static const armjit_opcode int_cmp[] = {
    ARMJIT_OP_INT_LT, ARMJIT_OP_INT_LE, ARMJIT_OP_INT_EQ, ARMJIT_OP_INT_NE,
    ARMJIT_OP_INT_GT, ARMJIT_OP_INT_GE, ARMJIT_OP_UINT_LT, ARMJIT_OP_UINT_LE,
    ARMJIT_OP_UINT_GT, ARMJIT_OP_UINT_GE};
static const armjit_opcode int_test[] = {ARMJIT_OP_INT_IS_TRUE, ARMJIT_OP_INT_IS_ZERO};
static const armjit_opcode int_ovf[] = {ARMJIT_OP_INT_ADD_OVF, ARMJIT_OP_INT_SUB_OVF,
                                        ARMJIT_OP_INT_MUL_OVF};
static const armjit_opcode float_bin[] = {ARMJIT_OP_FLOAT_ADD, ARMJIT_OP_FLOAT_SUB,
                                          ARMJIT_OP_FLOAT_MUL, ARMJIT_OP_FLOAT_TRUEDIV};
static const armjit_opcode float_un[] = {ARMJIT_OP_FLOAT_NEG, ARMJIT_OP_FLOAT_ABS,
                                         ARMJIT_OP_FLOAT_SQRT};
static const armjit_opcode float_cmp[] = {ARMJIT_OP_FLOAT_LT, ARMJIT_OP_FLOAT_LE,
                                          ARMJIT_OP_FLOAT_EQ, ARMJIT_OP_FLOAT_NE,
                                          ARMJIT_OP_FLOAT_GT, ARMJIT_OP_FLOAT_GE};
static const armjit_opcode ptr_cmp[] = {ARMJIT_OP_PTR_EQ, ARMJIT_OP_PTR_NE,
                                        ARMJIT_OP_INSTANCE_PTR_EQ, ARMJIT_OP_INSTANCE_PTR_NE};

static const int32_t shift_edges[] = {0, 1, 2, 7, 8, 15, 16, 24, 31, 32, 33, 63, 64, -1, 255, 256};

static armjit_opcode pick_op(gen *s, const armjit_opcode *ops, size_t n) {
  return ops[rt_below(s->r, (uint32_t)n)];
}

bool rt_g_avail_push(gen *s, int32_t v) {
  if (!rt_grow((void **)&s->avail, &s->capavail, s->navail + 1, sizeof *s->avail)) {
    s->oom = true;
    return false;
  }
  s->avail[s->navail++] = v;
  return true;
}

static int32_t *scratch(gen *s, uint32_t n) {
  if (!rt_grow((void **)&s->tmp, &s->captmp, n + 1, sizeof *s->tmp)) {
    s->oom = true;
    return NULL;
  }
  return s->tmp;
}

int32_t rt_g_const(gen *s, armjit_type ty, armjit_value v) {
  int32_t c = rt_add_const(s->g, ty, v);
  if (c == 0) {
    s->oom = true; /* generation is abandoned; any reference will do */
    return RT_CONST(0);
  }
  return c;
}

armjit_value rt_g_value(gen *s, armjit_type ty) {
  armjit_value v = rt_rand_value(s->r, ty);
  if (s->c->gc_pct && ty == ARMJIT_REF && v.r) v.r |= 1; /* a GC map may hold it */
  return v;
}

int32_t rt_g_rand_const(gen *s, armjit_type ty) { return rt_g_const(s, ty, rt_g_value(s, ty)); }

int32_t rt_g_sym_const(gen *s, int32_t sym) {
  int32_t c = rt_g_const(s, ARMJIT_REF, (armjit_value){.bits = 0});
  if (!s->oom) s->g->consts[RT_CONST_INDEX(c)].sym = sym;
  return c;
}

int32_t rt_g_int_const(gen *s, int32_t i) {
  armjit_value v;
  memset(&v, 0, sizeof v);
  v.i = i;
  return rt_g_const(s, ARMJIT_INT, v);
}

/* A variable of type ty and kind `kind` among the `window` most recent
 * available values (falling back to the newest such one), or -1. */
static int32_t pick(gen *s, armjit_type ty, uint8_t kind, uint32_t window) {
  const rt_trace *g = s->g;
  uint32_t lo = s->navail > window ? s->navail - window : 0, cnt = 0;
#define FITS(v) (g->vtype[v] == ty && g->vkind[v] == kind)
  for (uint32_t i = lo; i < s->navail; i++) cnt += FITS(s->avail[i]);
  if (cnt) {
    uint32_t k = rt_below(s->r, cnt);
    for (uint32_t i = lo; i < s->navail; i++)
      if (FITS(s->avail[i]) && k-- == 0) return s->avail[i];
  }
  for (uint32_t i = lo; i-- > 0;)
    if (FITS(s->avail[i])) return s->avail[i];
#undef FITS
  return -1;
}

int32_t rt_g_pick_var(gen *s, armjit_type ty, uint32_t window) {
  return pick(s, ty, RT_K_PLAIN, window);
}

int32_t rt_g_pick_obj(gen *s, uint32_t window) { return pick(s, ARMJIT_REF, RT_K_OBJ, window); }

int32_t rt_g_pick_kind(gen *s, armjit_type ty, uint8_t kind) {
  return pick(s, ty, kind, s->navail);
}

/* An operand of type ty: a constant (const_pct) or a recent variable. */
int32_t rt_g_operand(gen *s, armjit_type ty) {
  if (rt_chance(s->r, s->c->const_pct)) return rt_g_rand_const(s, ty);
  int32_t v = rt_g_pick_var(s, ty, s->c->live ? s->c->live : 1);
  return v >= 0 ? v : rt_g_rand_const(s, ty);
}

static armjit_type rand_type(gen *s) {
  if (s->c->wide_pct && rt_chance(s->r, s->c->wide_pct))
    return rt_chance(s->r, 60) ? ARMJIT_I64 : ARMJIT_F32;
  uint32_t k = rt_below(s->r, 100);
  if (k < s->c->float_pct) return ARMJIT_FLOAT;
  if (k < s->c->float_pct + s->c->ref_pct + 5) return ARMJIT_REF;
  return ARMJIT_INT;
}

/* Any value for a fail/finish list: mostly recent, sometimes old (keeps
 * values alive across the trace), sometimes a constant of any type. */
static int32_t list_elem(gen *s) {
  uint32_t k = rt_below(s->r, 10);
  if (k == 0 || s->navail == 0) {
    armjit_type ty = (armjit_type)rt_below(s->r, 3);
    if (s->c->wide_pct && rt_chance(s->r, s->c->wide_pct))
      ty = rt_chance(s->r, 50) ? ARMJIT_I64 : ARMJIT_F32;
    return rt_g_const(s, ty, rt_rand_value(s->r, ty));
  }
  if (k <= 2) return s->avail[rt_below(s->r, s->navail)];
  uint32_t w = s->c->live + 2;
  uint32_t lo = s->navail > w ? s->navail - w : 0;
  return s->avail[lo + rt_below(s->r, s->navail - lo)];
}

static uint32_t list_len(gen *s) {
  uint32_t m = s->c->max_fail;
  if (m == 0 || rt_chance(s->r, 10)) return 0;
  if (rt_chance(s->r, 80)) return rt_below(s->r, (m < 6 ? m : 6) + 1);
  return rt_below(s->r, m + 1);
}

/* Fill s->tmp with a fail list; returns its length. */
static uint32_t fail_list(gen *s) {
  uint32_t n = list_len(s);
  int32_t *l = scratch(s, n);
  if (!l) return 0;
  for (uint32_t i = 0; i < n; i++) l[i] = list_elem(s);
  if (n >= 2 && rt_chance(s->r, 20)) l[rt_below(s->r, n)] = l[rt_below(s->r, n)];
  return n;
}

/* Result type of an op from the public op table ('*' = first operand). */
static armjit_type res_type(const rt_trace *g, armjit_opcode opc, const int32_t *a) {
  static const char res[] = {
#define RT_RES(name, text, args, r, flags) r,
      ARMJIT_OPS(RT_RES)
#undef RT_RES
  };
  switch (res[opc]) {
  case 'i': return ARMJIT_INT;
  case 'r': return ARMJIT_REF;
  case 'f': return ARMJIT_FLOAT;
  case 'l': return ARMJIT_I64;
  case 's': return ARMJIT_F32;
  case '*': return rt_ref_type(g, a[0]);
  default: return ARMJIT_VOID;
  }
}

static unsigned maybe_named(gen *s) { return rt_chance(s->r, 15) ? RT_OPF_NAMED : 0; }

int32_t rt_g_emit_op(gen *s, armjit_opcode opc, armjit_type rtype, const int32_t *a,
                     uint32_t na, int32_t descr, uint8_t kind) {
  int32_t i = rt_add_op(s->g, opc, rtype, a, na, NULL, 0, 0);
  if (i < 0) { s->oom = true; return -1; }
  s->g->ops[i].descr = descr;
  if (s->g->ops[i].res >= 0) {
    s->g->vkind[s->g->ops[i].res] = kind;
    if (kind != RT_K_TOKEN && kind != RT_K_FN) rt_g_avail_push(s, s->g->ops[i].res);
  }
  return i;
}

/* Emit a value op; its result becomes available.  Returns the value id. */
int32_t rt_g_emit(gen *s, armjit_opcode opc, const int32_t *a, uint32_t na, unsigned flags) {
  armjit_type rt = res_type(s->g, opc, a);
  int32_t i = rt_add_op(s->g, opc, rt, a, na, NULL, 0, flags);
  if (i < 0) { s->oom = true; return -1; }
  int32_t v = s->g->ops[i].res;
  rt_g_avail_push(s, v);
  return v;
}

void rt_g_emit_guard(gen *s, armjit_opcode opc, const int32_t *a, uint32_t na,
                       unsigned flags) {
  uint32_t n = fail_list(s);
  if (s->oom) return;
  if (rt_add_op(s->g, opc, ARMJIT_VOID, a, na, s->tmp, n, flags | maybe_named(s)) < 0)
    s->oom = true;
}

/* ---- ops by family ---------------------------------------------------------- */
static int32_t shift_amount(gen *s) {
  if (rt_chance(s->r, 70)) {
    if (rt_chance(s->r, 70)) return rt_g_int_const(s, (int32_t)rt_below(s->r, 32));
    return rt_g_int_const(s, shift_edges[rt_below(s->r, N(shift_edges))]);
  }
  return rt_g_operand(s, ARMJIT_INT);
}

/* Divisors and multipliers a compiler may turn into shifts and adds:
 * powers of two and their negations and neighbours, small odd numbers. */
static int32_t strength_const(gen *s) {
  static const int32_t odd[] = {3, 5, 7, 9, 10, 15, 17, 100, -3, -5, -7, INT32_MIN, -1, 1};
  if (rt_chance(s->r, 30)) return rt_g_int_const(s, odd[rt_below(s->r, N(odd))]);
  int32_t p = (int32_t)(1u << rt_below(s->r, 31));
  switch (rt_below(s->r, 4)) {
  case 0: return rt_g_int_const(s, p);
  case 1: return rt_g_int_const(s, -p);
  case 2: return rt_g_int_const(s, p + 1);
  default: return rt_g_int_const(s, p - 1);
  }
}

static void gen_ovf(gen *s, unsigned flags) {
  int32_t a[2] = {rt_g_operand(s, ARMJIT_INT), rt_g_operand(s, ARMJIT_INT)};
  armjit_opcode opc = pick_op(s, int_ovf, N(int_ovf));
  /* small operands rarely overflow: bias toward big ones sometimes */
  if (rt_chance(s->r, 30)) a[1] = rt_g_int_const(s, rt_chance(s->r, 50) ? INT32_MAX : INT32_MIN);
  if (rt_add_op(s->g, opc, ARMJIT_INT, a, 2, NULL, 0, flags) < 0) { s->oom = true; return; }
  int32_t v = s->g->ops[s->g->nops - 1].res;
  rt_g_emit_guard(s, rt_chance(s->r, 75) ? ARMJIT_OP_GUARD_NO_OVERFLOW : ARMJIT_OP_GUARD_OVERFLOW,
             NULL, 0, flags);
  rt_g_avail_push(s, v); /* usable after the guard, whichever way it went */
}

static void gen_int(gen *s) {
  uint32_t k = rt_below(s->r, 100);
  int32_t a[2];
  if (k < 42) {
    armjit_opcode opc = pick_op(s, int_bin, N(int_bin));
    a[0] = rt_g_operand(s, ARMJIT_INT);
    if (opc == ARMJIT_OP_INT_LSHIFT || opc == ARMJIT_OP_INT_RSHIFT ||
        opc == ARMJIT_OP_UINT_RSHIFT)
      a[1] = shift_amount(s);
    else if (rt_chance(s->r, 30) && (opc == ARMJIT_OP_INT_FLOORDIV ||
                                     opc == ARMJIT_OP_INT_MOD || opc == ARMJIT_OP_INT_MUL))
      a[1] = strength_const(s); /* what a compiler may strength-reduce */
    else
      a[1] = rt_g_operand(s, ARMJIT_INT);
    if (rt_chance(s->r, 8)) a[1] = a[0]; /* x op x */
    rt_g_emit(s, opc, a, 2, 0);
  } else if (k < 54) {
    a[0] = rt_g_operand(s, ARMJIT_INT);
    rt_g_emit(s, pick_op(s, int_un, N(int_un)), a, 1, 0);
  } else if (k < 72) {
    a[0] = rt_g_operand(s, ARMJIT_INT);
    a[1] = rt_chance(s->r, 8) ? a[0] : rt_g_operand(s, ARMJIT_INT);
    rt_g_emit(s, pick_op(s, int_cmp, N(int_cmp)), a, 2, 0);
  } else if (k < 77) {
    a[0] = rt_g_operand(s, ARMJIT_INT);
    rt_g_emit(s, pick_op(s, int_test, N(int_test)), a, 1, 0);
  } else if (k < 87) {
    gen_ovf(s, 0);
  } else if (k < 90) {
    a[0] = rt_g_operand(s, ARMJIT_FLOAT);
    rt_g_emit(s, ARMJIT_OP_CAST_FLOAT_TO_INT, a, 1, 0);
  } else if (k < 97) { /* PyPy's low-level int ops (docs/ir.md §2.8) */
    static const int32_t bytes[] = {1, 2, 4};
    switch (rt_below(s->r, 3)) {
    case 0:
      a[0] = rt_g_operand(s, ARMJIT_INT);
      a[1] = rt_g_int_const(s, bytes[rt_below(s->r, 3)]);
      rt_g_emit(s, ARMJIT_OP_INT_SIGNEXT, a, 2, 0);
      break;
    case 1:
      a[0] = rt_g_operand(s, ARMJIT_INT);
      a[1] = rt_chance(s->r, 8) ? a[0] : rt_g_operand(s, ARMJIT_INT);
      rt_g_emit(s, ARMJIT_OP_UINT_MUL_HIGH, a, 2, 0);
      break;
    default:
      a[0] = rt_g_operand(s, ARMJIT_REF);
      rt_g_emit(s, ARMJIT_OP_CAST_PTR_TO_INT, a, 1, 0);
      break;
    }
  } else {
    a[0] = rt_g_operand(s, ARMJIT_INT);
    rt_g_emit(s, ARMJIT_OP_SAME_AS, a, 1, 0);
  }
}

static void gen_float(gen *s) {
  uint32_t k = rt_below(s->r, 100);
  int32_t a[2];
  if (k < 8) { /* acc + x * y: a multiply-accumulate when acc dies here */
    a[0] = rt_g_operand(s, ARMJIT_FLOAT);
    a[1] = rt_g_operand(s, ARMJIT_FLOAT);
    int32_t acc = rt_g_operand(s, ARMJIT_FLOAT);
    a[1] = rt_g_emit(s, ARMJIT_OP_FLOAT_MUL, a, 2, 0);
    a[0] = acc;
    if (a[1] >= 0) rt_g_emit(s, ARMJIT_OP_FLOAT_ADD, a, 2, 0);
  } else if (k < 45) {
    a[0] = rt_g_operand(s, ARMJIT_FLOAT);
    a[1] = rt_chance(s->r, 8) ? a[0] : rt_g_operand(s, ARMJIT_FLOAT);
    rt_g_emit(s, pick_op(s, float_bin, N(float_bin)), a, 2, 0);
  } else if (k < 65) {
    a[0] = rt_g_operand(s, ARMJIT_FLOAT);
    rt_g_emit(s, pick_op(s, float_un, N(float_un)), a, 1, 0);
  } else if (k < 80) {
    a[0] = rt_g_operand(s, ARMJIT_FLOAT);
    a[1] = rt_g_operand(s, ARMJIT_FLOAT);
    rt_g_emit(s, pick_op(s, float_cmp, N(float_cmp)), a, 2, 0);
  } else if (k < 90) {
    a[0] = rt_g_operand(s, ARMJIT_INT);
    rt_g_emit(s, ARMJIT_OP_CAST_INT_TO_FLOAT, a, 1, 0);
  } else {
    a[0] = rt_g_operand(s, ARMJIT_FLOAT);
    rt_g_emit(s, ARMJIT_OP_SAME_AS, a, 1, 0);
  }
}

/* i64 and f32: arithmetic, comparisons, shifts by edge counts, casts
 * both ways, bit casts. */
static const armjit_opcode llong_bin[] = {
    ARMJIT_OP_LLONG_ADD, ARMJIT_OP_LLONG_SUB, ARMJIT_OP_LLONG_MUL, ARMJIT_OP_LLONG_FLOORDIV,
    ARMJIT_OP_LLONG_MOD, ARMJIT_OP_LLONG_AND, ARMJIT_OP_LLONG_OR, ARMJIT_OP_LLONG_XOR};
static const armjit_opcode llong_shift[] = {ARMJIT_OP_LLONG_LSHIFT, ARMJIT_OP_LLONG_RSHIFT,
                                            ARMJIT_OP_ULLONG_RSHIFT};
static const armjit_opcode llong_cmp[] = {
    ARMJIT_OP_LLONG_LT, ARMJIT_OP_LLONG_LE, ARMJIT_OP_LLONG_EQ, ARMJIT_OP_LLONG_NE,
    ARMJIT_OP_LLONG_GT, ARMJIT_OP_LLONG_GE, ARMJIT_OP_ULLONG_LT, ARMJIT_OP_ULLONG_LE,
    ARMJIT_OP_ULLONG_GT, ARMJIT_OP_ULLONG_GE};
static const int32_t wide_shift_edges[] = {0, 1, 31, 32, 33, 63, 64, 65, 127, 255, 256, -1};

static void gen_wide(gen *s) {
  uint32_t k = rt_below(s->r, 100);
  int32_t a[2];
  if (k < 30) {
    a[0] = rt_g_operand(s, ARMJIT_I64);
    a[1] = rt_chance(s->r, 8) ? a[0] : rt_g_operand(s, ARMJIT_I64);
    rt_g_emit(s, pick_op(s, llong_bin, N(llong_bin)), a, 2, 0);
  } else if (k < 42) {
    a[0] = rt_g_operand(s, ARMJIT_I64);
    a[1] = rt_chance(s->r, 60)
               ? rt_g_int_const(s, wide_shift_edges[rt_below(s->r, N(wide_shift_edges))])
               : rt_g_operand(s, ARMJIT_INT);
    rt_g_emit(s, pick_op(s, llong_shift, N(llong_shift)), a, 2, 0);
  } else if (k < 48) {
    a[0] = rt_g_operand(s, ARMJIT_I64);
    rt_g_emit(s, rt_chance(s->r, 50) ? ARMJIT_OP_LLONG_NEG : ARMJIT_OP_LLONG_INVERT, a, 1, 0);
  } else if (k < 62) {
    a[0] = rt_g_operand(s, ARMJIT_I64);
    a[1] = rt_chance(s->r, 10) ? a[0] : rt_g_operand(s, ARMJIT_I64);
    rt_g_emit(s, pick_op(s, llong_cmp, N(llong_cmp)), a, 2, 0);
  } else if (k < 70) {
    a[0] = rt_g_operand(s, ARMJIT_INT);
    rt_g_emit(s, rt_chance(s->r, 50) ? ARMJIT_OP_LLONG_FROM_INT : ARMJIT_OP_LLONG_FROM_UINT, a,
              1, 0);
  } else if (k < 74) {
    a[0] = rt_g_operand(s, ARMJIT_I64);
    rt_g_emit(s, ARMJIT_OP_LLONG_TO_INT, a, 1, 0);
  } else if (k < 79) {
    bool to = rt_chance(s->r, 50);
    a[0] = rt_g_operand(s, to ? ARMJIT_I64 : ARMJIT_FLOAT);
    rt_g_emit(s, to ? ARMJIT_OP_LLONG_TO_FLOAT : ARMJIT_OP_LLONG_FROM_FLOAT, a, 1, 0);
  } else if (k < 84) {
    bool to = rt_chance(s->r, 50);
    a[0] = rt_g_operand(s, to ? ARMJIT_FLOAT : ARMJIT_I64);
    rt_g_emit(s, to ? ARMJIT_OP_CONVERT_FLOAT_BYTES_TO_LONGLONG
                    : ARMJIT_OP_CONVERT_LONGLONG_BYTES_TO_FLOAT, a, 1, 0);
  } else if (k < 95) {
    bool to = rt_chance(s->r, 55);
    a[0] = rt_g_operand(s, to ? ARMJIT_FLOAT : ARMJIT_F32);
    rt_g_emit(s, to ? ARMJIT_OP_CAST_FLOAT_TO_SINGLEFLOAT : ARMJIT_OP_CAST_SINGLEFLOAT_TO_FLOAT,
              a, 1, 0);
  } else {
    a[0] = rt_g_operand(s, rt_chance(s->r, 50) ? ARMJIT_I64 : ARMJIT_F32);
    rt_g_emit(s, ARMJIT_OP_SAME_AS, a, 1, 0);
  }
}

static void gen_ref(gen *s) {
  int32_t a[2] = {rt_g_operand(s, ARMJIT_REF), rt_g_operand(s, ARMJIT_REF)};
  if (rt_chance(s->r, 60)) {
    if (rt_chance(s->r, 20)) a[1] = a[0]; /* equal pointers */
    rt_g_emit(s, pick_op(s, ptr_cmp, N(ptr_cmp)), a, 2, 0);
  } else if (rt_chance(s->r, 25)) {
    a[0] = rt_g_operand(s, ARMJIT_INT);
    if (s->c->gc_pct) rt_g_emit_op(s, ARMJIT_OP_CAST_INT_TO_PTR, ARMJIT_REF, a, 1, -1, RT_K_RAW);
    else rt_g_emit(s, ARMJIT_OP_CAST_INT_TO_PTR, a, 1, 0);
  } else {
    rt_g_emit(s, ARMJIT_OP_SAME_AS, a, 1, 0);
  }
}

/* A comparison of the op mix's flavour, emitted right before its guard so
 * the compiler may fuse them. */
static int32_t fresh_cmp(gen *s) {
  int32_t a[2];
  uint32_t k = rt_below(s->r, 100);
  armjit_opcode opc;
  if (s->c->wide_pct && rt_chance(s->r, s->c->wide_pct)) {
    opc = pick_op(s, llong_cmp, N(llong_cmp));
    a[0] = rt_g_operand(s, ARMJIT_I64);
    a[1] = rt_g_operand(s, ARMJIT_I64);
  } else if (k < s->c->float_pct) {
    opc = pick_op(s, float_cmp, N(float_cmp));
    a[0] = rt_g_operand(s, ARMJIT_FLOAT);
    a[1] = rt_g_operand(s, ARMJIT_FLOAT);
  } else if (k < s->c->float_pct + s->c->ref_pct) {
    opc = pick_op(s, ptr_cmp, N(ptr_cmp));
    a[0] = rt_g_operand(s, ARMJIT_REF);
    a[1] = rt_g_operand(s, ARMJIT_REF);
  } else if (rt_chance(s->r, 15)) {
    opc = pick_op(s, int_test, N(int_test));
    a[0] = rt_g_operand(s, ARMJIT_INT);
    return rt_g_emit(s, opc, a, 1, 0);
  } else {
    opc = pick_op(s, int_cmp, N(int_cmp));
    a[0] = rt_g_operand(s, ARMJIT_INT);
    a[1] = rt_g_operand(s, ARMJIT_INT);
  }
  return rt_g_emit(s, opc, a, 2, 0);
}

static void gen_guard(gen *s) {
  uint32_t k = rt_below(s->r, 100);
  int32_t a[2];
  armjit_opcode tf = rt_chance(s->r, 50) ? ARMJIT_OP_GUARD_TRUE : ARMJIT_OP_GUARD_FALSE;
  if (k < 45) {
    a[0] = fresh_cmp(s);
    if (a[0] >= 0) rt_g_emit_guard(s, tf, a, 1, 0);
  } else if (k < 60) {
    a[0] = rt_chance(s->r, 3) ? rt_g_int_const(s, (int32_t)rt_below(s->r, 2)) : rt_g_operand(s, ARMJIT_INT);
    rt_g_emit_guard(s, tf, a, 1, 0);
  } else if (k < 80) {
    uint32_t t = rt_below(s->r, 100);
    armjit_type ty = t < 60 ? ARMJIT_INT : t < 85 ? ARMJIT_REF : ARMJIT_FLOAT;
    if (s->c->wide_pct && rt_chance(s->r, s->c->wide_pct))
      ty = rt_chance(s->r, 70) ? ARMJIT_I64 : ARMJIT_F32;
    a[0] = rt_g_pick_var(s, ty, s->c->live + 4);
    if (a[0] < 0) a[0] = rt_g_operand(s, ty);
    a[1] = rt_chance(s->r, 85) ? rt_g_rand_const(s, ty) : rt_g_operand(s, ty);
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_VALUE, a, 2, 0);
  } else if (k < 93) {
    a[0] = rt_chance(s->r, 5) ? rt_g_rand_const(s, ARMJIT_REF) : rt_g_operand(s, ARMJIT_REF);
    rt_g_emit_guard(s, rt_chance(s->r, 50) ? ARMJIT_OP_GUARD_NONNULL : ARMJIT_OP_GUARD_ISNULL, a,
               1, 0);
  } else if (k < 96) {
    gen_ovf(s, 0);
  } else if (k < 98) { /* fails after a forcing no guard_not_forced checked */
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_NOT_FORCED_2, NULL, 0, 0);
  } else { /* fails only once its loop is invalidated (bridge sets) */
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_NOT_INVALIDATED, NULL, 0, 0);
  }
}

static void gen_body_op(gen *s) {
  /* A source position now and then, between op groups (never between an
   * op and the guard that must follow it).  Chosen by position, not by the
   * random stream, so every other choice stays what it was. */
  if (s->g->nops % 29 == 7 &&
      rt_add_op(s->g, ARMJIT_OP_DEBUG_MERGE_POINT, ARMJIT_VOID, NULL, 0, NULL, 0, 0) < 0) {
    s->oom = true;
    return;
  }
  if (rt_chance(s->r, s->c->guard_pct)) { gen_guard(s); return; }
  uint32_t k = rt_below(s->r, 100);
  if (k < s->c->mem_pct) {
    if (rt_g_mem(s)) return;
  } else if (k < s->c->mem_pct + s->c->call_pct) {
    if (rt_g_call(s)) return;
  } else if (k < s->c->mem_pct + s->c->call_pct + s->c->gc_pct) {
    if (rt_g_gc(s)) return;
  }
  if (s->c->wide_pct && rt_chance(s->r, s->c->wide_pct)) { gen_wide(s); return; }
  k = rt_below(s->r, 100);
  if (k < s->c->float_pct) gen_float(s);
  else if (k < s->c->float_pct + s->c->ref_pct) gen_ref(s);
  else gen_int(s);
}

/* ---- the trip counter -------------------------------------------------------- */
/* Decrement the counter c and exit when it reaches 0, in one of several
 * shapes (fusable compare, plain int, ovf, unsigned compare).  Returns the
 * decremented counter. */
static int32_t gen_counter(gen *s, int32_t c) {
  const unsigned F = RT_OPF_COUNTER;
  int32_t a[2], c1 = -1;
  switch (rt_below(s->r, 6)) {
  case 0: /* c1 = c - 1; guard_true(c1 >= 0) */
    a[0] = c; a[1] = rt_g_int_const(s, 1);
    c1 = rt_g_emit(s, ARMJIT_OP_INT_SUB, a, 2, F);
    a[0] = c1; a[1] = rt_g_int_const(s, 0);
    a[0] = rt_g_emit(s, ARMJIT_OP_INT_GE, a, 2, F);
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_TRUE, a, 1, F);
    break;
  case 1: /* guard_true(c > 0); c1 = c - 1 */
    a[0] = c; a[1] = rt_g_int_const(s, 0);
    a[0] = rt_g_emit(s, ARMJIT_OP_INT_GT, a, 2, F);
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_TRUE, a, 1, F);
    a[0] = c; a[1] = rt_g_int_const(s, 1);
    c1 = rt_g_emit(s, ARMJIT_OP_INT_SUB, a, 2, F);
    break;
  case 2: /* guard_false(int_is_zero(c)); c1 = c + -1 */
    a[0] = c;
    a[0] = rt_g_emit(s, ARMJIT_OP_INT_IS_ZERO, a, 1, F);
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_FALSE, a, 1, F);
    a[0] = c; a[1] = rt_g_int_const(s, -1);
    c1 = rt_g_emit(s, ARMJIT_OP_INT_ADD, a, 2, F);
    break;
  case 3: /* guard_false(c <= 0); c1 = c - 1 */
    a[0] = c; a[1] = rt_g_int_const(s, 0);
    a[0] = rt_g_emit(s, ARMJIT_OP_INT_LE, a, 2, F);
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_FALSE, a, 1, F);
    a[0] = c; a[1] = rt_g_int_const(s, 1);
    c1 = rt_g_emit(s, ARMJIT_OP_INT_SUB, a, 2, F);
    break;
  case 4: /* guard_true(c) on the int itself */
    a[0] = c;
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_TRUE, a, 1, F);
    a[0] = c; a[1] = rt_g_int_const(s, 1);
    c1 = rt_g_emit(s, ARMJIT_OP_INT_SUB, a, 2, F);
    break;
  default: /* c1 = c -ovf 1 (never overflows); guard_true(uint c1 < 1000) */
    a[0] = c; a[1] = rt_g_int_const(s, 1);
    if (rt_add_op(s->g, ARMJIT_OP_INT_SUB_OVF, ARMJIT_INT, a, 2, NULL, 0, F) < 0) {
      s->oom = true;
      return -1;
    }
    c1 = s->g->ops[s->g->nops - 1].res;
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, F);
    rt_g_avail_push(s, c1);
    a[0] = c1; a[1] = rt_g_int_const(s, 1000);
    a[0] = rt_g_emit(s, ARMJIT_OP_UINT_LT, a, 2, F);
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_TRUE, a, 1, F);
    break;
  }
  return c1;
}

/* ---- jump arguments ------------------------------------------------------ */
static void shuffle(rt_rng *r, int32_t *a, uint32_t n) {
  for (uint32_t i = n; i > 1; i--) {
    uint32_t j = rt_below(r, i);
    int32_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
  }
}

static bool is_avail(const gen *s, int32_t v) {
  for (uint32_t i = 0; i < s->navail; i++)
    if (s->avail[i] == v) return true;
  return false;
}

/* jump args for the label args `largs` of type ty and kind `kind` (the
 * others are left alone): permutations of them (swaps, rotations, cycles
 * for the move resolver), fresh values and constants into loop-carried
 * slots.  Slots of objects (arena or GC) only ever get objects of their
 * kind; GC refs of unknown type get GC refs or null. */
static void jump_class(gen *s, const int32_t *largs, uint32_t n, armjit_type ty, uint8_t kind,
                       uint32_t mode, int32_t *out) {
  bool obj = kind == RT_K_OBJ || RT_K_IS_GC(kind), gcref = kind == RT_K_GCREF;
  uint32_t m = 0;
  int32_t *slots = malloc((n + 1) * sizeof *slots), *vals = malloc((n + 1) * sizeof *vals);
  if (!slots || !vals) { free(slots); free(vals); s->oom = true; return; }
  for (uint32_t j = 0; j < n; j++)
    if (largs[j] != s->g->counter && s->g->vtype[largs[j]] == ty &&
        s->g->vkind[largs[j]] == kind) {
      slots[m] = (int32_t)j;
      vals[m++] = largs[j];
    }
  if (mode == 1) shuffle(s->r, vals, m);
  if (mode == 2 && m > 1) { /* rotate by k */
    uint32_t k = 1 + rt_below(s->r, m - 1);
    for (uint32_t i = 0; i < m; i++) out[slots[i]] = vals[(i + k) % m];
    for (uint32_t i = 0; i < m; i++) vals[i] = out[slots[i]];
  }
  if (mode == 3 && m > 1) { /* a few swaps */
    for (uint32_t t = rt_below(s->r, 3) + 1; t > 0; t--) {
      uint32_t i = rt_below(s->r, m), j = rt_below(s->r, m);
      int32_t x = vals[i];
      vals[i] = vals[j];
      vals[j] = x;
    }
  }
  unsigned fresh = mode == 0 ? 70 : 20;
  for (uint32_t i = 0; i < m; i++) {
    int32_t v = vals[i];
    /* a jump back past a later label: that label's args are what's live */
    if (obj) {
      if (!is_avail(s, v) || rt_chance(s->r, fresh)) {
        int32_t w = pick(s, ARMJIT_REF, kind, s->navail);
        if (w >= 0) v = w;
      }
    } else if (gcref) {
      if (!is_avail(s, v) || rt_chance(s->r, fresh)) {
        int32_t w = pick(s, ARMJIT_REF, kind, s->navail);
        v = w >= 0 ? w : rt_g_const(s, ARMJIT_REF, (armjit_value){.bits = 0});
      }
    } else if (!is_avail(s, v) || rt_chance(s->r, fresh)) {
      if (!is_avail(s, v)) v = rt_g_rand_const(s, ty);
      if (rt_chance(s->r, s->c->const_pct + 10)) v = rt_g_rand_const(s, ty);
      else {
        int32_t w = rt_g_pick_var(s, ty, s->navail);
        if (w >= 0) v = w;
      }
    }
    out[slots[i]] = v;
  }
  free(slots);
  free(vals);
}

/* jump args for label args `largs`, class by class (type and kind); the
 * counter slot gets c1. */
static void jump_args(gen *s, const int32_t *largs, uint32_t n, int32_t c1, int32_t *out) {
  uint32_t mode = rt_below(s->r, 4);
  static const struct { armjit_type ty; uint8_t kind; } cls[] = {
      {ARMJIT_INT, RT_K_PLAIN}, {ARMJIT_REF, RT_K_PLAIN}, {ARMJIT_REF, RT_K_OBJ},
      {ARMJIT_FLOAT, RT_K_PLAIN}, {ARMJIT_I64, RT_K_PLAIN}, {ARMJIT_F32, RT_K_PLAIN}};
  for (unsigned c = 0; c < N(cls); c++) jump_class(s, largs, n, cls[c].ty, cls[c].kind, mode, out);
  /* GC traces: each kind of GC value, in the order they first appear */
  for (uint32_t j = 0; j < n && !s->oom; j++) {
    uint8_t kind = s->g->vkind[largs[j]];
    if (!RT_K_IS_GC(kind) && kind != RT_K_GCREF) continue;
    bool first = true;
    for (uint32_t i = 0; i < j && first; i++) first = s->g->vkind[largs[i]] != kind;
    if (first) jump_class(s, largs, n, ARMJIT_REF, kind, mode, out);
  }
  for (uint32_t j = 0; j < n; j++)
    if (largs[j] == s->g->counter) out[j] = c1;
}

/* ---- whole traces --------------------------------------------------------- */
/* A few ops on the inputs before the first label. */
static void gen_pre(gen *s) {
  rt_trace *g = s->g;
  uint32_t pre = rt_chance(s->r, 40) ? 1 + rt_below(s->r, 4) : 0;
  for (uint32_t i = 0; i < pre && !s->oom; i++) {
    uint32_t k = rt_below(s->r, 100);
    uint32_t before = g->nops;
    if (k < s->c->float_pct) gen_float(s);
    else if (k < s->c->float_pct + s->c->ref_pct) gen_ref(s);
    else if (rt_chance(s->r, 20)) gen_guard(s);
    else gen_int(s);
    for (uint32_t j = before; j < g->nops; j++) g->ops[j].flags |= RT_OPF_PRE;
  }
}

/* label(args): the counter (if any), most of the values that were label
 * args or inputs, some of the others, shuffled.  Only they stay available
 * after it.  Returns the label's op index, or -1. */
static int32_t gen_label(gen *s, int32_t prev_label) {
  rt_trace *g = s->g;
  int32_t *largs = scratch(s, s->navail);
  if (!largs) return -1;
  const rt_op *pl = prev_label >= 0 ? &g->ops[prev_label] : NULL;
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->navail; i++) {
    int32_t v = s->avail[i];
    bool carried = (uint32_t)v < g->ninputs;
    for (uint32_t k = 0; pl && k < pl->nlist && !carried; k++) carried = g->pool[pl->list + k] == v;
    bool keep = v == g->counter || g->vkind[v] == RT_K_OBJ || RT_K_IS_GC(g->vkind[v]);
    if (g->vkind[v] == RT_K_RAW) continue; /* a label arg is a GC reference */
    if (keep || rt_chance(s->r, carried ? 90 : 50)) largs[n++] = v;
  }
  shuffle(s->r, largs, n);
  s->navail = 0;
  for (uint32_t i = 0; i < n; i++) rt_g_avail_push(s, largs[i]);
  int32_t li = rt_add_op(g, ARMJIT_OP_LABEL, ARMJIT_VOID, NULL, 0, largs, n,
                         rt_chance(s->r, 80) ? RT_OPF_NAMED : 0);
  if (li < 0) s->oom = true;
  return li;
}

/* [inputs] pre label(L0) (body label(L1)) body+counter jump(L1 or L0) */
static void gen_loop(gen *s) {
  rt_trace *g = s->g;
  gen_pre(s);
  int32_t l0 = gen_label(s, -1), target = l0;
  if (l0 < 0) return;
  uint32_t nbody = s->c->nops;
  if (rt_chance(s->r, 20)) { /* a second label, as after a preamble */
    uint32_t n1 = rt_below(s->r, nbody / 2 + 1);
    for (uint32_t i = 0; i < n1 && !s->oom; i++) gen_body_op(s);
    nbody -= n1;
    int32_t l1 = gen_label(s, l0);
    if (l1 < 0) return;
    target = rt_chance(s->r, 70) ? l1 : l0;
  }
  /* The counter's test right after the label (head_pct): the loop header
   * that rotates (src/cg/cg_ctrl.c). */
  uint32_t at = s->c->head_pct && rt_chance(s->r, s->c->head_pct) ? 0
                                                                    : rt_below(s->r, nbody + 1);
  int32_t c1 = -1;
  for (uint32_t i = 0; i <= nbody && !s->oom; i++) {
    if (i == at) c1 = gen_counter(s, g->counter);
    if (i < nbody) gen_body_op(s);
  }
  if (s->oom) return;
  uint32_t n = g->ops[target].nlist;
  int32_t *jargs = malloc((n + 1) * sizeof *jargs);
  if (!jargs) { s->oom = true; return; }
  jump_args(s, g->pool + g->ops[target].list, n, c1, jargs);
  int32_t j = s->oom ? -1 : rt_add_op(g, ARMJIT_OP_JUMP, ARMJIT_VOID, NULL, 0, jargs, n, 0);
  if (j < 0) s->oom = true;
  else g->ops[j].target = target;
  free(jargs);
}

/* [inputs] (pre label(L)) body finish(args) */
static void gen_straight(gen *s) {
  if (rt_chance(s->r, 25)) {
    gen_pre(s);
    if (gen_label(s, -1) < 0) return;
  }
  for (uint32_t i = 0; i < s->c->nops && !s->oom; i++) gen_body_op(s);
  if (s->oom) return;
  uint32_t n = list_len(s);
  if (rt_chance(s->r, 30)) n += rt_below(s->r, 4);
  int32_t *l = scratch(s, n);
  if (!l) return;
  for (uint32_t i = 0; i < n; i++) l[i] = list_elem(s);
  if (rt_add_op(s->g, ARMJIT_OP_FINISH, ARMJIT_VOID, NULL, 0, l, n, maybe_named(s)) < 0)
    s->oom = true;
}

void rt_g_body_op(gen *s) { gen_body_op(s); }
void rt_g_loop(gen *s) { gen_loop(s); }
void rt_g_straight(gen *s) { gen_straight(s); }

static void repair(gen *s, armjit_ctx *ctx);

bool rt_generate(rt_rng *r, const rt_config *cfg, armjit_ctx *ctx, rt_trace *out) {
  memset(out, 0, sizeof *out);
  out->counter = -1;
  out->loop = cfg->loop;
  gen s = {.r = r, .c = cfg, .g = out};

  /* env traces get room for their object inputs */
  uint32_t nin = cfg->nargs + (cfg->loop ? 1 : 0) + (cfg->mem_pct || cfg->call_pct ? 3 : 0) +
                 (cfg->gc_pct ? 4 : 0);
  out->ninputs = nin;
  out->input = calloc(nin + 1, sizeof *out->input);
  out->input_dead = calloc(nin + 1, sizeof *out->input_dead);
  if (!out->input || !out->input_dead) s.oom = true;
  uint32_t cpos = cfg->loop ? rt_below(r, nin) : UINT32_MAX;
  /* memory and calls: 1 to 3 inputs are arena objects */
  out->env = cfg->mem_pct || cfg->call_pct || cfg->gc_pct;
  out->gc = cfg->gc_pct != 0;
  out->env_seed = rt_next(r);
  if (out->gc) {
    /* the collector: a window of a few objects and a collection every
     * slow-path call, or every second or third, or only when full */
    static const uint32_t windows[4] = {0, 48, 128, 512};
    out->gc_window = windows[rt_below(r, 4)];
    out->gc_every = out->gc_window ? 1 + rt_below(r, 3) : 0;
  }
  uint32_t nobj = out->env ? 1 + rt_below(r, 3) : 0;
  /* GC traces: 2 to 4 of the collector's input objects (randenv.h) */
  uint32_t ngc = cfg->gc_pct ? 2 + rt_below(r, 3) : 0;
  for (uint32_t i = 0; i < nin && !s.oom; i++) {
    bool obj = i != cpos && nobj && rt_chance(r, 50);
    bool gco = i != cpos && !obj && ngc && rt_chance(r, 60);
    armjit_type ty = i == cpos ? ARMJIT_INT : obj || gco ? ARMJIT_REF : rand_type(&s);
    int32_t v = rt_new_val(out, ty);
    if (v < 0) { s.oom = true; break; }
    memset(&out->input[i], 0, sizeof out->input[i]);
    if (i == cpos) {
      out->counter = v;
      out->input[i].i = (int32_t)rt_below(r, cfg->max_trip + 1);
    } else if (obj) {
      nobj--;
      out->vkind[v] = RT_K_OBJ;
      out->input[i].r = rt_below(r, RT_NOBJS); /* the object's index */
    } else if (gco) {
      ngc--;
      out->input[i].r = rt_below(r, RT_NGCOBJS); /* the object's index */
      out->vkind[v] = rt_env_gc_kind((unsigned)out->input[i].r);
    } else {
      out->input[i] = rt_g_value(&s, ty);
    }
    rt_g_avail_push(&s, v);
  }
  if (!s.oom) {
    if (cfg->loop) gen_loop(&s);
    else gen_straight(&s);
  }
  if (!s.oom && ctx && cfg->repair) repair(&s, ctx);
  free(s.avail);
  free(s.tmp);
  if (s.oom) rt_trace_clear(out);
  return !s.oom;
}

/* ---- repair ---------------------------------------------------------------- */
uint32_t rt_frame_cap(const rt_trace *g) {
  uint32_t cap = g->ninputs;
  for (uint32_t i = 0; i < g->nops; i++)
    if (g->ops[i].nlist + g->ops[i].na > cap) cap = g->ops[i].nlist + g->ops[i].na;
  return cap ? cap : 1;
}

/* The class word of a raised exception object (randenv.c's). */
static int32_t exc_class_const(rt_trace *g, uintptr_t exc) {
  armjit_value cls;
  memset(&cls, 0, sizeof cls);
  memcpy(&cls.r, (const void *)(exc + RT_CLASS_OFFSET), sizeof cls.r);
  return rt_add_const(g, ARMJIT_REF, cls);
}

bool rt_repair_guard(rt_trace *g, uint32_t i, const armjit_value *probe, uintptr_t exc) {
  rt_op *op = &g->ops[i];
  switch (op->opc) {
  case ARMJIT_OP_GUARD_TRUE: op->opc = ARMJIT_OP_GUARD_FALSE; return true;
  case ARMJIT_OP_GUARD_FALSE: op->opc = ARMJIT_OP_GUARD_TRUE; return true;
  case ARMJIT_OP_GUARD_NONNULL: op->opc = ARMJIT_OP_GUARD_ISNULL; return true;
  case ARMJIT_OP_GUARD_ISNULL: op->opc = ARMJIT_OP_GUARD_NONNULL; return true;
  case ARMJIT_OP_GUARD_NO_OVERFLOW: op->opc = ARMJIT_OP_GUARD_OVERFLOW; return true;
  case ARMJIT_OP_GUARD_OVERFLOW: op->opc = ARMJIT_OP_GUARD_NO_OVERFLOW; return true;
  case ARMJIT_OP_GUARD_VALUE: {
    armjit_type ty = rt_ref_type(g, op->a[0]);
    if (ty == ARMJIT_FLOAT && isnan(probe[0].f)) return false;
    if (ty == ARMJIT_F32 && isnan(probe[0].s)) return false;
    int32_t c = rt_add_const(g, ty, probe[0]);
    if (c == 0) return false;
    op->a[1] = c;
    return true;
  }
  case ARMJIT_OP_GUARD_CLASS:
  case ARMJIT_OP_GUARD_NONNULL_CLASS: {
    /* the object's class word (arena objects' classes never change) */
    if (probe[0].r == 0) return false;
    armjit_value cls;
    memset(&cls, 0, sizeof cls);
    memcpy(&cls.r, (const void *)(probe[0].r + RT_CLASS_OFFSET), sizeof cls.r);
    int32_t c = rt_add_const(g, ARMJIT_REF, cls);
    if (c == 0) return false;
    op->a[1] = c;
    return true;
  }
  case ARMJIT_OP_GUARD_NO_EXCEPTION: { /* catch it instead */
    if (!exc) return false;
    int32_t c = exc_class_const(g, exc);
    int32_t v = c == 0 ? -1 : rt_new_val(g, ARMJIT_REF);
    if (v < 0) return false;
    op = &g->ops[i];
    op->a[0] = c;
    op->na = 1;
    g->ops[i].opc = ARMJIT_OP_GUARD_EXCEPTION;
    g->ops[i].res = v;
    g->ops[i].rtype = ARMJIT_REF;
    return true;
  }
  case ARMJIT_OP_GUARD_EXCEPTION:
    if (exc) { /* another class: catch that one */
      int32_t c = exc_class_const(g, exc);
      if (c == 0) return false;
      g->ops[i].a[0] = c;
      return true;
    }
    /* nothing was raised: expect nothing (the unused result goes) */
    if (rt_value_used(g, op->res)) return false;
    op->na = 0;
    op->opc = ARMJIT_OP_GUARD_NO_EXCEPTION;
    op->res = -1;
    op->rtype = ARMJIT_VOID;
    return true;
  default:
    return false;
  }
}

/* Interpret the trace with probes; while it exits at a repairable guard,
 * make that guard pass and try again. */
static void repair(gen *s, armjit_ctx *ctx) {
  rt_trace *g = s->g;
  rt_env env;
  if (g->env && !rt_env_for(&env, g)) return;
  armjit_ctx *own = g->gc ? rt_ctx_new_env(NULL, &env) : NULL; /* with the collector */
  if (g->gc && !own) {
    rt_env_free(&env);
    return;
  }
  if (own) ctx = own;
  uint32_t rounds = 1 + rt_below(s->r, s->c->repair);
  for (uint32_t round = 0; round < rounds; round++) {
    armjit_trace *t = rt_build(ctx, g, true);
    if (!t) break;
    if (g->env) rt_env_reset(&env);
    armjit_clear_exception(ctx);
    armjit_frame *f = rt_frame(ctx, g, g->env ? &env : NULL, rt_frame_cap(g));
    armjit_error err;
    bool ok = f && armjit_interpret(t, f, 1000000, &err) == ARMJIT_OK;
    int32_t i = ok ? rt_exit_op(g, f->exit_id) : -1;
    bool fixed = false;
    if (i >= 0 && g->ops[i].opc != ARMJIT_OP_FINISH && !(g->ops[i].flags & RT_OPF_COUNTER))
      fixed = rt_repair_guard(g, (uint32_t)i, &f->values[g->ops[i].nlist],
                              armjit_exception(ctx));
    if (f) armjit_frame_free(ctx, f);
    armjit_trace_free(t);
    if (!fixed) break;
  }
  armjit_clear_exception(ctx);
  if (own) armjit_ctx_free(own);
  if (g->env) rt_env_free(&env);
}
