/* SPDX-License-Identifier: MIT */
/* Random valid modules of the method IR (mc_gen.h). */
#include "mc_gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the C side: helpers and the trap handler ------------------------------------------- */
/* The trap handler only counts; the harness resets it per run.  (A test
 * process runs its cases one at a time.) */
static uint64_t trap_sum;

/* With exceptions the handler's result is the exception of the check
 * (none for codes divisible by 4: execution goes on); without, the module
 * declares it void.  Exceptions are the small numbers 1..60. */
static uint64_t exc_events; /* exceptions made by traps + exc_match calls, never reset */

static void *mcg_trap(int32_t code, void *pc, void *sp) {
  (void)pc;
  (void)sp;
  trap_sum = trap_sum * 1000003u + (uint32_t)code + 1;
  exc_events += code % 4 != 0;
  return code % 4 ? (void *)(uintptr_t)(1 + (uint32_t)code % 60) : NULL;
}

uint64_t mc_gen_exc_events(void) { return exc_events; }

/* exc_match: exception e has tag t when t divides e. */
static int32_t mcg_match(void *e, void *t) {
  trap_sum = trap_sum * 31u + (uintptr_t)e * 7u + (uintptr_t)t;
  exc_events++;
  return (uintptr_t)t && (uintptr_t)e % (uintptr_t)t == 0;
}
static void mcg_uncaught(void *e) { trap_sum = trap_sum * 37u + (uintptr_t)e + 0x5000; }

uint64_t mc_gen_trap_sum(void) { return trap_sum; }

/* Float arguments hash NaN-insensitively (payloads are unspecified). */
static uint64_t fkey(double d) {
  if (d != d) return 0x7777;
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}

static int32_t mcg_h_ii(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a * 3u + ((uint32_t)b ^ 0x55u));
}
static int64_t mcg_h_ll(int64_t a, int32_t b) {
  return (int64_t)((uint64_t)a * 0x9e3779b97f4a7c15u + (uint64_t)(int64_t)b);
}
static double mcg_h_dd(double a, float b) { return a * 0.5 + (double)b; }
static float mcg_h_ff(float a) { return a * 2.0f - 1.0f; }
static int32_t mcg_h_many(int32_t a, int64_t b, float c, double d, void *e, int32_t f, int64_t g,
                          double h, int32_t i) {
  uint64_t x = (uint32_t)a;
  x = x * 31 + (uint64_t)b;
  x = x * 31 + fkey(c);
  x = x * 31 + fkey(d);
  x = x * 31 + (uint32_t)(uintptr_t)e;
  x = x * 31 + (uint32_t)f;
  x = x * 31 + (uint64_t)g;
  x = x * 31 + fkey(h);
  x = x * 31 + (uint32_t)i;
  return (int32_t)(uint32_t)(x ^ (x >> 32));
}
static void mcg_h_void(void *buf, int32_t v) {
  int32_t old;
  memcpy(&old, (uint8_t *)buf + MC_GEN_MEM - 8, 4);
  old = (int32_t)((uint32_t)old * 7u + (uint32_t)v);
  memcpy((uint8_t *)buf + MC_GEN_MEM - 8, &old, 4);
}

typedef struct {
  const char *name;
  void *fn;
  uint8_t nparams;
  armjit_mtype params[9];
  armjit_mtype result;
  unsigned needs; /* MC_GEN_NO_* bits that exclude it */
} helper;

#define T(x) ARMJIT_T_##x
static const helper helpers[] = {
    {"mcg_h_ii", (void *)mcg_h_ii, 2, {T(I32), T(I32)}, T(I32), 0},
    {"mcg_h_ll", (void *)mcg_h_ll, 2, {T(I64), T(I32)}, T(I64), MC_GEN_NO_I64},
    {"mcg_h_dd", (void *)mcg_h_dd, 2, {T(F64), T(F32)}, T(F64), MC_GEN_NO_FLOAT},
    {"mcg_h_ff", (void *)mcg_h_ff, 1, {T(F32)}, T(F32), MC_GEN_NO_FLOAT},
    {"mcg_h_many", (void *)mcg_h_many, 9,
     {T(I32), T(I64), T(F32), T(F64), T(REF), T(I32), T(I64), T(F64), T(I32)}, T(I32),
     MC_GEN_NO_I64 | MC_GEN_NO_FLOAT},
    {"mcg_h_void", (void *)mcg_h_void, 2, {T(REF), T(I32)}, T(VOID), MC_GEN_NO_MEM},
};
enum { NHELPERS = sizeof helpers / sizeof helpers[0] };

void mc_gen_register(armjit_ctx *ctx) {
  for (unsigned k = 0; k < NHELPERS; k++)
    armjit_ctx_add_symbol(ctx, helpers[k].name, (uintptr_t)helpers[k].fn);
  armjit_ctx_add_symbol(ctx, "mcg_trap", (uintptr_t)mcg_trap);
  armjit_ctx_add_symbol(ctx, "mcg_match", (uintptr_t)mcg_match);
  armjit_ctx_add_symbol(ctx, "mcg_uncaught", (uintptr_t)mcg_uncaught);
}

void mc_gen_reset(mc_gen_case *c) {
  memcpy(c->mem, c->init, MC_GEN_MEM);
  trap_sum = 0;
}

bool mc_gen_same(armjit_mtype t, armjit_mval a, armjit_mval b) {
  switch (t) {
  case T(VOID): return true;
  case T(I32): return a.i32 == b.i32;
  case T(I64): return a.i64 == b.i64;
  case T(F32): return (a.f32 != a.f32 && b.f32 != b.f32) || memcmp(&a.f32, &b.f32, 4) == 0;
  case T(F64): return (a.f64 != a.f64 && b.f64 != b.f64) || memcmp(&a.f64, &b.f64, 8) == 0;
  default: return a.ref == b.ref;
  }
}

/* ---- the generator --------------------------------------------------------------------- */
typedef struct {
  armjit_val v;
  armjit_mtype t;
} pval;

typedef struct {
  armjit_module *m;
  uint64_t rng;
  mc_gen_options o;
  armjit_sym *fsyms;            /* the generated functions */
  armjit_sym hsyms[NHELPERS];   /* -1 when excluded */
  armjit_sym trap;
  unsigned nfuncs, cur_fn;
  armjit_sym f;                 /* the function being built */
  armjit_val buf;               /* its buffer parameter */
  pval *pool;
  unsigned npool, pool_cap;
  unsigned nblocks, nops;
  unsigned total_blocks;
  bool oom;
  bool exc;                     /* exceptions: try regions, throw, trap */
  struct hlist { unsigned n; armjit_handler e[6]; } *hl; /* per block handle */
  unsigned hl_cap;
  armjit_sym tab, vt;           /* the data table and the function table, -1: none */
} gen;

static uint32_t rnd(gen *g) {
  uint64_t x = g->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  g->rng = x;
  return (uint32_t)((x * 0x2545F4914F6CDD1Du) >> 32);
}
static uint32_t below(gen *g, uint32_t n) { return n ? rnd(g) % n : 0; }
static bool chance(gen *g, unsigned pct) { return below(g, 100) < pct; }

static bool type_ok(const gen *g, armjit_mtype t) {
  if ((t == T(F32) || t == T(F64)) && (g->o.no & MC_GEN_NO_FLOAT)) return false;
  if (t == T(I64) && (g->o.no & MC_GEN_NO_I64)) return false;
  return t >= T(I32) && t <= T(REF);
}

static armjit_mtype rtype(gen *g) {
  for (;;) {
    static const armjit_mtype w[] = {T(I32), T(I32), T(I32), T(I64), T(F32), T(F64), T(REF)};
    armjit_mtype t = w[below(g, sizeof w / sizeof w[0])];
    if (type_ok(g, t)) return t;
  }
}

static void add_pool(gen *g, armjit_val v, armjit_mtype t) {
  if (v == ARMJIT_NOVAL) return;
  if (g->npool == g->pool_cap) {
    unsigned nc = g->pool_cap ? 2 * g->pool_cap : 64;
    pval *np = realloc(g->pool, nc * sizeof *np);
    if (!np) { g->oom = true; return; }
    g->pool = np;
    g->pool_cap = nc;
  }
  g->pool[g->npool++] = (pval){v, t};
}

/* ---- constants ---- */
static armjit_val const_of(gen *g, armjit_mtype t) {
  armjit_module *m = g->m;
  static const int32_t i32s[] = {0, 1, -1, 2, 3, 7, 31, 32, 33, 63, 64, 255, -128, 0x7fffffff,
                                 INT32_MIN, 0x10000, -65536, 12345, -7, 1000};
  static const int64_t i64s[] = {0, 1, -1, 2, 63, 64, 0x7fffffffffffffffLL, INT64_MIN,
                                 0x100000000LL, -0x100000000LL, 0xffffffffLL, 1000000007LL};
  static const double fs[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 3.0e9, -3.0e9, 1e300, 1e-310,
                              2147483648.0, 4294967296.5, 9.3e18, 1.9e19, 0.1, 100.25};
  switch (t) {
  case T(I32): {
    int32_t v = chance(g, 70) ? i32s[below(g, sizeof i32s / sizeof i32s[0])] : (int32_t)rnd(g);
    return armjit_mconst_i32(m, g->f, v);
  }
  case T(I64): {
    int64_t v = chance(g, 60) ? i64s[below(g, sizeof i64s / sizeof i64s[0])]
                              : (int64_t)(((uint64_t)rnd(g) << 32) | rnd(g));
    return armjit_mconst_i64(m, g->f, v);
  }
  case T(F32):
  case T(F64): {
    double d;
    unsigned pick = below(g, 20);
    if (pick < 16) d = fs[pick];
    else if (pick == 16) d = INFINITY;
    else if (pick == 17) d = -INFINITY;
    else if (pick == 18) d = NAN;
    else d = (double)(int32_t)rnd(g) / 64.0;
    if (t == T(F32) && d == 1e-310) return armjit_mconst_f32(m, g->f, 1e-40f); /* subnormal */
    return t == T(F32) ? armjit_mconst_f32(m, g->f, (float)d) : armjit_mconst_f64(m, g->f, d);
  }
  default: return armjit_mconst_ref(m, g->f, chance(g, 50) ? 0 : 0x1000);
  }
}

/* An operand of type t: a pool value (mostly) or a constant. */
static armjit_val pick(gen *g, armjit_mtype t) {
  if (!chance(g, 15)) {
    unsigned n = 0;
    for (unsigned k = 0; k < g->npool; k++) n += g->pool[k].t == t;
    if (n) {
      unsigned want = below(g, n);
      /* prefer recent values: they make longer dependency chains */
      for (unsigned k = g->npool; k-- > 0;)
        if (g->pool[k].t == t && want-- == 0) return g->pool[k].v;
    }
  }
  return const_of(g, t);
}

/* A float with NaN replaced by the default NaN, so its bits are defined. */
static armjit_val canon(gen *g, armjit_block b, armjit_val x, armjit_mtype t) {
  if (t != T(F32) && t != T(F64)) return x;
  armjit_val u = armjit_fcmp(g->m, b, ARMJIT_FCC_UNO, x, x);
  armjit_val n = t == T(F32) ? armjit_mconst_f32(g->m, g->f, NAN) : armjit_mconst_f64(g->m, g->f, NAN);
  g->nops += 2;
  return armjit_select(g->m, b, t, u, n, x);
}


/* ---- one random op into block b ---- */
static void mem_op(gen *g, armjit_block b) {
  static const armjit_memk ks[] = {ARMJIT_MEM_S8, ARMJIT_MEM_U8, ARMJIT_MEM_S16, ARMJIT_MEM_U16,
                                   ARMJIT_MEM_I32, ARMJIT_MEM_I64, ARMJIT_MEM_F32, ARMJIT_MEM_F64,
                                   ARMJIT_MEM_REF};
  static const unsigned sizes[] = {1, 1, 2, 2, 4, 8, 4, 8, 8};
  static const armjit_mtype rt[] = {T(I32), T(I32), T(I32), T(I32), T(I32), T(I64), T(F32),
                                    T(F64), T(REF)};
  unsigned k;
  do k = below(g, 9); while (!type_ok(g, rt[k]));
  unsigned size = sizes[k], lg = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  /* ref cells are 8 bytes apart so the same layout works for 4- and 8-byte refs */
  unsigned shift = lg + below(g, 4 - lg);
  armjit_val idx = ARMJIT_NOVAL, base = g->buf;
  /* the data table: index * 2^shift <= 120, offset <= 120, inside MC_GEN_TAB */
  bool tab = g->tab >= 0 && chance(g, 30);
  if (tab) {
    base = armjit_addr(g->m, b, g->tab, 0);
    g->nops++;
  }
  if (chance(g, 60)) {
    armjit_val x = pick(g, T(I32));
    idx = armjit_op2(g->m, b, ARMJIT_MOP_AND, T(I32), x,
                     armjit_mconst_i32(g->m, g->f, tab ? 15 : 63));
    g->nops++;
  }
  /* index * 2^shift <= 504; the offset keeps the access below MEM - 16 */
  int32_t off = (int32_t)(below(g, tab ? 16 : 63) * (1u << lg));
  if (ks[k] == ARMJIT_MEM_REF) off &= ~7;
  unsigned vol = chance(g, 10) ? ARMJIT_MOP_VOLATILE : 0;
  if (chance(g, 50)) {
    armjit_val v = armjit_load(g->m, b, ks[k], base, idx, idx == ARMJIT_NOVAL ? 0 : shift, off, vol);
    add_pool(g, v, rt[k]);
  } else {
    armjit_val v = canon(g, b, pick(g, rt[k]), rt[k]);
    armjit_store(g->m, b, ks[k], base, idx, idx == ARMJIT_NOVAL ? 0 : shift, off, v, vol);
  }
  g->nops++;
}

static void call_op(gen *g, armjit_block b) {
  armjit_module *m = g->m;
  armjit_val args[12];
  bool to_fn = g->cur_fn + 1 < g->nfuncs && chance(g, 60);
  if (to_fn) {
    unsigned j = g->cur_fn + 1 + below(g, g->nfuncs - g->cur_fn - 1);
    armjit_sym s = g->fsyms[j];
    armjit_mtype pt[12], res;
    int n = armjit_sym_signature(m, s, pt, 12, &res);
    args[0] = g->buf;
    for (int k = 1; k < n; k++) args[k] = pick(g, pt[k]);
    armjit_val r;
    if (g->vt >= 0 && chance(g, 30)) { /* through the function table */
      armjit_val t = armjit_addr(m, b, g->vt, 0);
      armjit_val p = armjit_load(m, b, ARMJIT_MEM_REF, t, ARMJIT_NOVAL, 0, (int32_t)(4 * (j - 1)), 0);
      r = armjit_call_ind(m, b, p, res, args, (unsigned)n, ARMJIT_NOVAL);
      g->nops += 2;
    } else if (chance(g, 30)) {
      armjit_val p = armjit_addr(m, b, s, 0); /* never in the pool: only call_ind sees it */
      r = armjit_call_ind(m, b, p, res, args, (unsigned)n,
                          chance(g, 30) ? pick(g, T(I32)) : ARMJIT_NOVAL);
      g->nops++;
    } else {
      r = armjit_call(m, b, s, args, (unsigned)n);
    }
    if (res != T(VOID)) add_pool(g, r, res);
    g->nops++;
    return;
  }
  unsigned n = 0, h;
  for (h = 0; h < NHELPERS; h++) n += g->hsyms[h] >= 0;
  if (!n) return;
  unsigned want = below(g, n);
  for (h = 0; h < NHELPERS; h++)
    if (g->hsyms[h] >= 0 && want-- == 0) break;
  const helper *hp = &helpers[h];
  for (unsigned k = 0; k < hp->nparams; k++)
    args[k] = hp->params[k] == T(REF) && (h == NHELPERS - 1 || chance(g, 50))
                  ? g->buf
                  : canon(g, b, pick(g, hp->params[k]), hp->params[k]);
  armjit_val r = armjit_call(m, b, g->hsyms[h], args, hp->nparams);
  if (hp->result != T(VOID)) add_pool(g, r, hp->result);
  g->nops++;
}

static void check_op(gen *g, armjit_block b) {
  armjit_val a[2];
  uint32_t code = below(g, 0x1000000);
  switch (below(g, 4)) {
  case 0:
    a[0] = chance(g, 50) ? g->buf : pick(g, T(REF));
    armjit_check(g->m, b, ARMJIT_MOP_CHECK_NULL, a, 1, code);
    break;
  case 1:
    a[0] = pick(g, T(I32));
    a[1] = chance(g, 50) ? armjit_mconst_i32(g->m, g->f, (int32_t)below(g, 100)) : pick(g, T(I32));
    armjit_check(g->m, b, ARMJIT_MOP_CHECK_INDEX, a, 2, code);
    break;
  case 2:
    a[0] = pick(g, type_ok(g, T(I64)) && chance(g, 40) ? T(I64) : T(I32));
    armjit_check(g->m, b, ARMJIT_MOP_CHECK_NONZERO, a, 1, code);
    break;
  default:
    a[0] = pick(g, T(I32));
    armjit_check(g->m, b, ARMJIT_MOP_TRAP_IF, a, 1, code);
    break;
  }
  g->nops++;
}

static void value_op(gen *g, armjit_block b) {
  armjit_module *m = g->m;
  armjit_val r = ARMJIT_NOVAL;
  armjit_mtype rt = T(I32);
  unsigned pickk = below(g, 14);
  bool fl = !(g->o.no & MC_GEN_NO_FLOAT);
  if ((pickk == 3 || pickk == 4 || pickk == 7) && !fl) pickk = 0;
  switch (pickk) {
  case 0: case 1: case 2: { /* integer binary / unary */
    static const armjit_mop ops[] = {ARMJIT_MOP_ADD, ARMJIT_MOP_SUB, ARMJIT_MOP_MUL, ARMJIT_MOP_AND,
                                     ARMJIT_MOP_OR, ARMJIT_MOP_XOR, ARMJIT_MOP_SHL, ARMJIT_MOP_SHR,
                                     ARMJIT_MOP_USHR, ARMJIT_MOP_SDIV, ARMJIT_MOP_SREM,
                                     ARMJIT_MOP_UDIV, ARMJIT_MOP_UREM, ARMJIT_MOP_NEG, ARMJIT_MOP_NOT};
    armjit_mop op = ops[below(g, sizeof ops / sizeof ops[0])];
    rt = type_ok(g, T(I64)) && chance(g, 35) ? T(I64) : T(I32);
    if (op == ARMJIT_MOP_NEG || op == ARMJIT_MOP_NOT) r = armjit_op1(m, b, op, rt, pick(g, rt));
    else r = armjit_op2(m, b, op, rt, pick(g, rt), pick(g, rt));
    break;
  }
  case 3: case 4: { /* float arithmetic */
    static const armjit_mop ops[] = {ARMJIT_MOP_FADD, ARMJIT_MOP_FSUB, ARMJIT_MOP_FMUL,
                                     ARMJIT_MOP_FDIV, ARMJIT_MOP_FREM, ARMJIT_MOP_FNEG,
                                     ARMJIT_MOP_FABS, ARMJIT_MOP_FSQRT};
    armjit_mop op = ops[below(g, sizeof ops / sizeof ops[0])];
    rt = chance(g, 50) ? T(F32) : T(F64);
    if (op >= ARMJIT_MOP_FNEG) r = armjit_op1(m, b, op, rt, pick(g, rt));
    else r = armjit_op2(m, b, op, rt, pick(g, rt), pick(g, rt));
    break;
  }
  case 5: { /* integer conversions */
    static const armjit_mop ops[] = {ARMJIT_MOP_SEXT8, ARMJIT_MOP_SEXT16, ARMJIT_MOP_ZEXT8,
                                     ARMJIT_MOP_ZEXT16, ARMJIT_MOP_SEXT_I64, ARMJIT_MOP_ZEXT_I64,
                                     ARMJIT_MOP_TRUNC_I32, ARMJIT_MOP_PTR_TO_INT,
                                     ARMJIT_MOP_INT_TO_REF};
    armjit_mop op = ops[below(g, sizeof ops / sizeof ops[0])];
    if ((op == ARMJIT_MOP_SEXT_I64 || op == ARMJIT_MOP_ZEXT_I64 || op == ARMJIT_MOP_TRUNC_I32) &&
        !type_ok(g, T(I64)))
      op = ARMJIT_MOP_SEXT8;
    switch (op) {
    case ARMJIT_MOP_SEXT_I64: case ARMJIT_MOP_ZEXT_I64: rt = T(I64); r = armjit_op1(m, b, op, 0, pick(g, T(I32))); break;
    case ARMJIT_MOP_TRUNC_I32: r = armjit_op1(m, b, op, 0, pick(g, T(I64))); break;
    case ARMJIT_MOP_PTR_TO_INT: r = armjit_op1(m, b, op, 0, pick(g, T(REF))); break;
    case ARMJIT_MOP_INT_TO_REF: rt = T(REF); r = armjit_op1(m, b, op, 0, pick(g, T(I32))); break;
    default: r = armjit_op1(m, b, op, 0, pick(g, T(I32))); break;
    }
    break;
  }
  case 6: { /* icmp */
    armjit_mtype t = rtype(g);
    if (t == T(F32) || t == T(F64)) t = T(I32);
    armjit_icc cc = (armjit_icc)below(g, ARMJIT_ICC__COUNT);
    if (t == T(REF)) cc = chance(g, 50) ? ARMJIT_ICC_EQ : ARMJIT_ICC_NE;
    r = armjit_icmp(m, b, cc, pick(g, t), pick(g, t));
    break;
  }
  case 7: { /* fcmp and float conversions */
    armjit_mtype ft = chance(g, 50) ? T(F32) : T(F64);
    switch (below(g, 7)) {
    case 0: case 1:
      r = armjit_fcmp(m, b, (armjit_fcc)below(g, ARMJIT_FCC__COUNT), pick(g, ft), pick(g, ft));
      break;
    case 2: { /* int -> float */
      armjit_mtype it = type_ok(g, T(I64)) && chance(g, 40) ? T(I64) : T(I32);
      rt = ft;
      r = armjit_op1(m, b, chance(g, 50) ? ARMJIT_MOP_SITOFP : ARMJIT_MOP_UITOFP, ft, pick(g, it));
      break;
    }
    case 3: { /* float -> int */
      rt = type_ok(g, T(I64)) && chance(g, 40) ? T(I64) : T(I32);
      r = armjit_op1(m, b, chance(g, 50) ? ARMJIT_MOP_FPTOSI : ARMJIT_MOP_FPTOUI, rt, pick(g, ft));
      break;
    }
    case 4:
      rt = ft == T(F32) ? T(F64) : T(F32);
      r = armjit_op1(m, b, ft == T(F32) ? ARMJIT_MOP_FEXT : ARMJIT_MOP_FTRUNC, 0, pick(g, ft));
      break;
    default: { /* bitcast both ways */
      bool wide = ft == T(F64);
      if (wide && !type_ok(g, T(I64))) { wide = false; ft = T(F32); }
      armjit_mtype it = wide ? T(I64) : T(I32);
      if (chance(g, 50)) {
        rt = it;
        r = armjit_op1(m, b, ARMJIT_MOP_BITCAST, it, canon(g, b, pick(g, ft), ft));
      } else {
        rt = ft;
        r = armjit_op1(m, b, ARMJIT_MOP_BITCAST, ft, pick(g, it));
      }
      break;
    }
    }
    break;
  }
  case 8: { /* select */
    rt = rtype(g);
    armjit_val a[3] = {pick(g, T(I32)), pick(g, rt), pick(g, rt)};
    r = armjit_select(m, b, rt, a[0], a[1], a[2]);
    break;
  }
  case 9: /* ptr_add on a ref (never dereferenced unless it is the buffer) */
    rt = T(REF);
    r = armjit_op2(m, b, ARMJIT_MOP_PTR_ADD, 0, pick(g, T(REF)), pick(g, T(I32)));
    break;
  case 10: case 11:
    if (!(g->o.no & MC_GEN_NO_MEM)) { mem_op(g, b); return; }
    r = armjit_op2(m, b, ARMJIT_MOP_ADD, T(I32), pick(g, T(I32)), pick(g, T(I32)));
    break;
  case 12:
    if (!(g->o.no & MC_GEN_NO_CALLS)) { call_op(g, b); return; }
    r = armjit_op2(m, b, ARMJIT_MOP_XOR, T(I32), pick(g, T(I32)), pick(g, T(I32)));
    break;
  default:
    if (!(g->o.no & MC_GEN_NO_CHECKS)) { check_op(g, b); return; }
    r = armjit_op2(m, b, ARMJIT_MOP_SUB, T(I32), pick(g, T(I32)), pick(g, T(I32)));
    break;
  }
  g->nops++;
  add_pool(g, r, rt);
}

static void straight(gen *g, armjit_block b) {
  unsigned n = below(g, g->o.max_ops + 1);
  for (unsigned k = 0; k < n; k++) value_op(g, b);
}

/* A new block with random parameters (their types in pt). */
static armjit_block new_block(gen *g, unsigned np, armjit_mtype *pt) {
  for (unsigned k = 0; k < np; k++) pt[k] = rtype(g);
  g->nblocks++;
  return armjit_block_new(g->m, g->f, pt, np);
}

static void args_for(gen *g, const armjit_mtype *pt, unsigned np, armjit_val *a) {
  for (unsigned k = 0; k < np; k++) a[k] = pick(g, pt[k]);
}

static void add_params(gen *g, armjit_block b, const armjit_mtype *pt, unsigned np) {
  for (unsigned k = 0; k < np; k++) add_pool(g, armjit_block_param(g->m, b, k), pt[k]);
}

static void region(gen *g, armjit_block *cur, unsigned depth);

/* Append handler entry (tag, h) to the lists of blocks [from, to). */
static void protect(gen *g, armjit_block from, armjit_block to, uint32_t tag, armjit_block h) {
  if ((unsigned)to > g->hl_cap) {
    unsigned nc = 2 * (unsigned)to + 16;
    struct hlist *n = realloc(g->hl, nc * sizeof *n);
    if (!n) { g->oom = true; return; }
    memset(n + g->hl_cap, 0, (nc - g->hl_cap) * sizeof *n);
    g->hl = n;
    g->hl_cap = nc;
  }
  for (armjit_block b = from; b < to; b++) {
    struct hlist *l = &g->hl[b];
    if (l->n < 6) l->e[l->n++] = (armjit_handler){-1, tag, h};
  }
}

/* Handler block h continues at join with arguments from the pool (h's
 * exception joins it as an i32: exceptions are small numbers, no
 * pointers). */
static void handler_arm(gen *g, armjit_block h, armjit_block join, const armjit_mtype *jt,
                        unsigned nj) {
  armjit_val e = armjit_block_param(g->m, h, 0);
  add_pool(g, armjit_op1(g->m, h, ARMJIT_MOP_PTR_TO_INT, 0, e), T(I32));
  straight(g, h);
  armjit_val ja[4];
  args_for(g, jt, nj, ja);
  armjit_br(g->m, h, join, ja, nj);
  g->nops += 2;
}

/* A try region: blocks from tb up to the join carry 1..2 handlers
 * (tagged 2..5 or catch all) before any list they already have. */
static void try_region(gen *g, armjit_block *cur, unsigned depth) {
  armjit_module *m = g->m;
  unsigned mark = g->npool;
  armjit_mtype tt[3], jt[4], rt = T(REF);
  armjit_val ta[3], ja[4];
  unsigned nt = below(g, 3), nj = below(g, 3);
  armjit_block tb = new_block(g, nt, tt);
  args_for(g, tt, nt, ta);
  armjit_br(m, *cur, tb, ta, nt);
  g->nops++;
  add_params(g, tb, tt, nt);
  unsigned mark2 = g->npool;
  armjit_block arm = tb;
  region(g, &arm, depth);
  armjit_block join = new_block(g, nj, jt);
  args_for(g, jt, nj, ja);
  armjit_br(m, arm, join, ja, nj);
  g->nops++;
  unsigned nh = 1 + below(g, 2);
  for (unsigned k = 0; k < nh; k++) {
    uint32_t tag = chance(g, 40) ? 0 : 2 + below(g, 4);
    g->nblocks++;
    armjit_block h = armjit_block_new(m, g->f, &rt, 1);
    protect(g, tb, join, tag, h);
    g->npool = mark2; /* what tb's header has: nothing of the protected ops */
    handler_arm(g, h, join, jt, nj);
  }
  g->npool = mark;
  add_params(g, join, jt, nj);
  *cur = join;
}

/* cbr to an arm that throws (throw, or trap with a code whose handler
 * returns an exception); *cur goes on in the other arm. */
static void throw_arm(gen *g, armjit_block *cur) {
  armjit_module *m = g->m;
  armjit_block t = new_block(g, 0, NULL), e = new_block(g, 0, NULL);
  armjit_cbr(m, *cur, pick(g, T(I32)), t, NULL, 0, e, NULL, 0);
  unsigned mark = g->npool;
  straight(g, t);
  if (chance(g, 50)) {
    armjit_val x = armjit_op2(m, t, ARMJIT_MOP_AND, T(I32), pick(g, T(I32)),
                              armjit_mconst_i32(m, g->f, 31));
    x = armjit_op2(m, t, ARMJIT_MOP_OR, T(I32), x, armjit_mconst_i32(m, g->f, 1));
    armjit_throw(m, t, armjit_op1(m, t, ARMJIT_MOP_INT_TO_REF, 0, x));
    g->nops += 3;
  } else {
    armjit_trap(m, t, 4 * below(g, 1000) + 1 + below(g, 3));
  }
  g->nops += 2;
  g->npool = mark;
  *cur = e;
}

/* A region starting in *cur; leaves *cur at the block where it ends. */
static void region(gen *g, armjit_block *cur, unsigned depth) {
  armjit_module *m = g->m;
  unsigned pieces = 1 + below(g, 3);
  for (unsigned p = 0; p < pieces; p++) {
    unsigned kind = depth == 0 || g->nblocks + 6 > g->o.max_blocks ? 0 : below(g, 5);
    if (kind == 3 && (g->o.no & MC_GEN_NO_LOOPS)) kind = 1;
    if (kind == 4 && (g->o.no & MC_GEN_NO_SWITCH)) kind = 2;
    if (g->exc && depth > 0 && g->nblocks + 8 <= g->o.max_blocks && chance(g, 25))
      kind = chance(g, 50) ? 5 : 6;
    straight(g, *cur);
    unsigned mark = g->npool;
    armjit_mtype jt[4], tt[3], et[3];
    armjit_val ja[4], ta[3], ea[3];
    switch (kind) {
    case 1:
    case 2: { /* if / else, or a one-armed if straight into the join (a critical edge) */
      unsigned nj = below(g, 4);
      armjit_block join = ARMJIT_NOVAL;
      armjit_val c = pick(g, T(I32));
      unsigned nt = below(g, 3), ne = below(g, 3);
      armjit_block t = new_block(g, nt, tt);
      bool one_armed = kind == 2 && chance(g, 50);
      armjit_block e = one_armed ? -1 : new_block(g, ne, et);
      join = new_block(g, nj, jt);
      args_for(g, tt, nt, ta);
      if (one_armed) {
        args_for(g, jt, nj, ja);
        armjit_cbr(m, *cur, c, t, ta, nt, join, ja, nj);
      } else {
        args_for(g, et, ne, ea);
        armjit_cbr(m, *cur, c, t, ta, nt, e, ea, ne);
      }
      g->nops++;
      armjit_block arm = t;
      add_params(g, t, tt, nt);
      region(g, &arm, depth - 1);
      args_for(g, jt, nj, ja);
      armjit_br(m, arm, join, ja, nj);
      g->nops++;
      g->npool = mark;
      if (!one_armed) {
        arm = e;
        add_params(g, e, et, ne);
        region(g, &arm, depth - 1);
        args_for(g, jt, nj, ja);
        armjit_br(m, arm, join, ja, nj);
        g->nops++;
        g->npool = mark;
      }
      add_params(g, join, jt, nj);
      *cur = join;
      break;
    }
    case 3: { /* a counted loop with carried values passed on rotated or swapped */
      unsigned nc = 1 + below(g, 3);
      armjit_mtype ht[4];
      ht[0] = T(I32);
      for (unsigned k = 1; k <= nc; k++) ht[k] = rtype(g);
      if (chance(g, 50)) /* same types, so that rotations keep them */
        for (unsigned k = 2; k <= nc; k++) ht[k] = ht[1];
      g->nblocks += 3;
      armjit_block h = armjit_block_new(m, g->f, ht, nc + 1);
      armjit_block body = armjit_block_new(m, g->f, NULL, 0);
      armjit_block exit = armjit_block_new(m, g->f, ht + 1, nc);
      armjit_val init[4];
      init[0] = armjit_mconst_i32(m, g->f, 0);
      args_for(g, ht + 1, nc, init + 1);
      armjit_br(m, *cur, h, init, nc + 1);
      armjit_val bound = chance(g, 50)
                             ? armjit_mconst_i32(m, g->f, (int32_t)below(g, 5))
                             : armjit_op2(m, h, ARMJIT_MOP_AND, T(I32), pick(g, T(I32)),
                                          armjit_mconst_i32(m, g->f, 3));
      armjit_val i = armjit_block_param(m, h, 0);
      armjit_val hv[4];
      for (unsigned k = 1; k <= nc; k++) hv[k] = armjit_block_param(m, h, k);
      armjit_val c = armjit_icmp(m, h, ARMJIT_ICC_SLT, i, bound);
      armjit_cbr(m, h, c, body, NULL, 0, exit, hv + 1, nc);
      g->nops += 4;
      add_pool(g, i, T(I32));
      for (unsigned k = 1; k <= nc; k++) add_pool(g, hv[k], ht[k]);
      armjit_block arm = body;
      region(g, &arm, depth - 1);
      armjit_val next[4];
      next[0] = armjit_op2(m, arm, ARMJIT_MOP_ADD, T(I32), i, armjit_mconst_i32(m, g->f, 1));
      bool same = true;
      for (unsigned k = 2; k <= nc; k++) same = same && ht[k] == ht[1];
      unsigned how = below(g, 3);
      for (unsigned k = 1; k <= nc; k++) {
        unsigned from = k;
        if (same && how == 1) from = k % nc + 1;                 /* rotate */
        else if (same && how == 2 && nc >= 2 && k <= 2) from = 3 - k; /* swap the first two */
        next[k] = chance(g, 70) ? hv[from] : pick(g, ht[k]);
      }
      armjit_br(m, arm, h, next, nc + 1);
      g->nops += 2;
      g->npool = mark;
      add_params(g, exit, ht + 1, nc);
      *cur = exit;
      break;
    }
    case 4: { /* a switch, dense or sparse; targets have no parameters */
      unsigned nc = 1 + below(g, 6);
      bool dense = chance(g, 50);
      /* all of 0..7 covered: the default cannot be reached (unreachable) */
      bool full = dense && chance(g, 30);
      if (full) nc = 8;
      armjit_val v = pick(g, T(I32));
      if (dense) {
        v = armjit_op2(m, *cur, ARMJIT_MOP_AND, T(I32), v, armjit_mconst_i32(m, g->f, 7));
        g->nops++;
      }
      int32_t keys[8];
      armjit_block tg[8];
      unsigned nj = below(g, 3);
      armjit_block join = new_block(g, nj, jt);
      armjit_block dflt = new_block(g, 0, NULL);
      for (unsigned k = 0; k < nc; k++) {
        keys[k] = dense ? (int32_t)k : (int32_t)(k * 1000003u + (rnd(g) & 0xff00u)) - 5000;
        tg[k] = new_block(g, 0, NULL);
      }
      armjit_switch(m, *cur, v, dflt, keys, tg, nc);
      g->nops++;
      for (unsigned k = 0; k <= nc; k++) {
        armjit_block arm = k == nc ? dflt : tg[k];
        if (k == nc && full) {
          armjit_unreachable(m, dflt);
          g->nops++;
          break;
        }
        region(g, &arm, depth > 1 ? depth - 2 : 0);
        args_for(g, jt, nj, ja);
        armjit_br(m, arm, join, ja, nj);
        g->nops++;
        g->npool = mark;
      }
      add_params(g, join, jt, nj);
      *cur = join;
      break;
    }
    case 5: try_region(g, cur, depth - 1); break;
    case 6: throw_arm(g, cur); break;
    default: break;
    }
  }
}

static void gen_func(gen *g, unsigned k) {
  armjit_module *m = g->m;
  g->cur_fn = k;
  g->f = g->fsyms[k];
  g->npool = 0;
  g->nblocks = 1;
  armjit_mtype pt[MC_GEN_MAX_ARGS], res;
  int n = armjit_sym_signature(m, g->f, pt, MC_GEN_MAX_ARGS, &res);
  armjit_block entry = armjit_func_entry(m, g->f);
  g->buf = armjit_block_param(m, entry, 0);
  for (int j = 1; j < n; j++) add_pool(g, armjit_block_param(m, entry, (unsigned)j), pt[j]);
  armjit_block cur = entry;
  unsigned params = g->npool;
  /* callees nest one level less, so loops around calls stay short */
  region(g, &cur, k == 0 || g->o.max_depth < 2 ? g->o.max_depth : g->o.max_depth - 1);
  straight(g, cur);
  armjit_ret(m, cur, res == T(VOID) ? ARMJIT_NOVAL : pick(g, res));
  g->nops++;
  if (g->exc && k == 0) { /* nothing leaves the entry function uncaught */
    armjit_mtype rt = T(REF);
    armjit_block h = armjit_block_new(m, g->f, &rt, 1);
    g->nblocks++;
    protect(g, entry, entry + 1, 0, h);
    protect(g, (armjit_block)g->nfuncs, h, 0, h); /* f0's other blocks: made first */
    g->npool = params;
    armjit_val e = armjit_block_param(m, h, 0);
    add_pool(g, armjit_op1(m, h, ARMJIT_MOP_PTR_TO_INT, 0, e), T(I32));
    armjit_ret(m, h, res == T(VOID) ? ARMJIT_NOVAL : pick(g, res));
    g->nops += 2;
  }
  g->total_blocks += g->nblocks;
}

armjit_status mc_gen(armjit_ctx *ctx, uint64_t seed, const mc_gen_options *o, mc_gen_case *c,
                     armjit_error *err) {
  memset(c, 0, sizeof *c);
  gen g;
  memset(&g, 0, sizeof g);
  if (o) g.o = *o;
  if (!g.o.max_funcs) g.o.max_funcs = 3;
  if (!g.o.max_blocks) g.o.max_blocks = 16;
  if (!g.o.max_ops) g.o.max_ops = 6;
  if (!g.o.max_depth) g.o.max_depth = 3;
  g.rng = seed * 0x9E3779B97F4A7C15u + 0x1234567u;
  if (!g.rng) g.rng = 1;
  g.exc = !(g.o.no & MC_GEN_NO_EXC);
  bool checks = !(g.o.no & MC_GEN_NO_CHECKS) || g.exc;
  armjit_module_options mo = {.trap = checks ? ARMJIT_TRAP_CALL : ARMJIT_TRAP_NONE,
                              .trap_sym = checks ? "mcg_trap" : NULL,
                              .exc_match = g.exc ? "mcg_match" : NULL,
                              .exc_uncaught = g.exc ? "mcg_uncaught" : NULL};
  g.m = c->m = armjit_module_new(ctx, &mo);
  if (!g.m) return ARMJIT_E_NOMEM;
  /* symbols: the trap handler, the exception callbacks, the helpers, the functions */
  if (checks) {
    armjit_mtype tp[3] = {T(I32), T(REF), T(REF)};
    g.trap = armjit_extern(g.m, "mcg_trap", tp, 3, g.exc ? T(REF) : T(VOID));
  }
  if (g.exc) {
    armjit_mtype mp[2] = {T(REF), T(REF)};
    armjit_extern(g.m, "mcg_match", mp, 2, T(I32));
    armjit_extern(g.m, "mcg_uncaught", mp, 1, T(VOID));
  }
  for (unsigned h = 0; h < NHELPERS; h++) {
    g.hsyms[h] = -1;
    if ((g.o.no & MC_GEN_NO_CALLS) || (helpers[h].needs & g.o.no)) continue;
    g.hsyms[h] = armjit_extern(g.m, helpers[h].name, helpers[h].params, helpers[h].nparams,
                               helpers[h].result);
  }
  g.nfuncs = 1 + below(&g, g.o.max_funcs);
  g.fsyms = calloc(g.nfuncs, sizeof *g.fsyms);
  c->mem = aligned_alloc(16, MC_GEN_MEM);
  if (!g.fsyms || !c->mem) {
    free(g.fsyms);
    return ARMJIT_E_NOMEM;
  }
  for (unsigned k = 0; k < g.nfuncs; k++) {
    armjit_mtype pt[MC_GEN_MAX_ARGS];
    unsigned np = 1 + below(&g, 7);
    pt[0] = T(REF);
    for (unsigned j = 1; j < np; j++) pt[j] = rtype(&g);
    armjit_mtype res = chance(&g, 15) ? T(VOID) : rtype(&g);
    char name[16];
    snprintf(name, sizeof name, "mcg_f%u", k);
    g.fsyms[k] = armjit_func_new(g.m, name, pt, np, res);
    if (k == 0) {
      c->nargs = np;
      memcpy(c->types, pt, np * sizeof *pt);
      c->result = res;
    }
  }
  /* the data: a table the code reads and writes, a function table */
  g.tab = g.vt = -1;
  c->tab = NULL;
  memset(c->tab_init, 0, sizeof c->tab_init);
  if (!(g.o.no & (MC_GEN_NO_DATA | MC_GEN_NO_MEM)) && chance(&g, 50)) {
    bool bss = chance(&g, 25);
    for (unsigned k = 0; !bss && k < MC_GEN_TAB; k++) c->tab_init[k] = (uint8_t)rnd(&g);
    g.tab = armjit_data(g.m, "mcg_tab", bss ? ARMJIT_DATA_BSS : ARMJIT_DATA_DATA,
                        bss ? NULL : c->tab_init, MC_GEN_TAB, 8);
    c->tab = "mcg_tab";
  }
  if (sizeof(uintptr_t) == 4 && !(g.o.no & (MC_GEN_NO_DATA | MC_GEN_NO_MEM | MC_GEN_NO_CALLS)) &&
      g.nfuncs > 1 && chance(&g, 60)) {
    g.vt = armjit_data(g.m, "mcg_vt", ARMJIT_DATA_RODATA, NULL, 4 * (g.nfuncs - 1), 4);
    for (unsigned k = 1; k < g.nfuncs; k++) armjit_data_reloc(g.m, g.vt, 4 * (k - 1), g.fsyms[k], 0);
  }
  for (unsigned k = 0; k < g.nfuncs; k++) gen_func(&g, k);
  for (unsigned b = 0; b < g.hl_cap; b++)
    if (g.hl[b].n) armjit_block_handlers(g.m, (armjit_block)b, g.hl[b].e, g.hl[b].n);
  free(g.hl);
  /* the entry's arguments and the buffer */
  c->entry = "mcg_f0";
  for (unsigned k = 0; k < MC_GEN_MEM; k++) c->init[k] = (uint8_t)rnd(&g);
  for (unsigned k = 0; k < c->nargs; k++) {
    armjit_mval v = {.bits = 0};
    switch (c->types[k]) {
    case T(I32): v.i32 = chance(&g, 50) ? (int32_t)below(&g, 10) - 3 : (int32_t)rnd(&g); break;
    case T(I64): v.i64 = (int64_t)(((uint64_t)rnd(&g) << 32) | rnd(&g)); break;
    case T(F32): v.f32 = (float)(int32_t)rnd(&g) / 256.0f; break;
    case T(F64): v.f64 = (double)(int32_t)rnd(&g) / 1024.0; break;
    default: v.ref = k == 0 ? (uintptr_t)c->mem : (chance(&g, 50) ? 0 : (uintptr_t)c->mem); break;
    }
    c->args[k] = v;
  }
  memcpy(c->mem, c->init, MC_GEN_MEM);
  c->nfuncs = g.nfuncs;
  c->nblocks = g.total_blocks;
  c->nops = g.nops;
  free(g.fsyms);
  free(g.pool);
  if (g.oom) return ARMJIT_E_NOMEM;
  return armjit_module_validate(g.m, err);
}

void mc_gen_free(mc_gen_case *c) {
  armjit_module_free(c->m);
  free(c->mem);
  c->m = NULL;
  c->mem = NULL;
}
