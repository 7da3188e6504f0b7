/* SPDX-License-Identifier: MIT */
/* randtrace: the generator.  See randtrace.h for the shapes produced. */
#include "randtrace.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gc_model.h"
#include "randenv.h"
#include "randtrace_impl.h"

/* ---- PRNG ------------------------------------------------------------------ */
void rt_rng_seed(rt_rng *r, uint64_t seed) { r->s = seed; }

uint64_t rt_next(rt_rng *r) {
  uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

uint32_t rt_below(rt_rng *r, uint32_t n) { return (uint32_t)((rt_next(r) >> 32) % n); }
bool rt_chance(rt_rng *r, unsigned pct) { return rt_below(r, 100) < pct; }

uint64_t rt_trace_seed(uint64_t seed, uint64_t index) {
  rt_rng r;
  rt_rng_seed(&r, seed ^ (index * UINT64_C(0xd1b54a32d192ed03)));
  return rt_next(&r);
}

/* ---- config ------------------------------------------------------------------ */
void rt_config_random(rt_rng *r, rt_config *c) {
  memset(c, 0, sizeof *c);
  /* Mostly small traces (fast, easy to read when they fail), some big
   * ones for register pressure and long fail lists. */
  c->nops = rt_chance(r, 70) ? 1 + rt_below(r, 30) : 30 + rt_below(r, 120);
  c->float_pct = rt_below(r, 4) == 0 ? 0 : rt_below(r, 70);
  c->ref_pct = rt_below(r, 15);
  c->guard_pct = rt_below(r, 35);
  c->max_fail = rt_chance(r, 80) ? rt_below(r, 8) : rt_below(r, 40);
  c->const_pct = rt_below(r, 45);
  c->live = rt_chance(r, 60) ? 2 + rt_below(r, 10) : 10 + rt_below(r, 40);
  c->nargs = rt_chance(r, 70) ? rt_below(r, 8) : rt_below(r, 30);
  c->repair = rt_chance(r, 75) ? 1 + rt_below(r, 12) : 0;
  c->max_trip = 50;
  if (rt_chance(r, 40)) { /* memory and calls: a trace in an rt_env */
    c->mem_pct = rt_below(r, 40);
    c->call_pct = rt_below(r, 4) == 0 ? 0 : rt_below(r, 20);
  }
  c->loop = rt_chance(r, 70);
  if (rt_chance(r, 2)) { /* huge: spill areas beyond LDR/VLDR immediate reach */
    c->nops = 300 + rt_below(r, 1200);
    c->live = 100 + rt_below(r, 900);
    c->float_pct = 20 + rt_below(r, 70);
    c->nargs = 20 + rt_below(r, 80);
    c->max_fail = 20 + rt_below(r, 120);
    c->guard_pct = rt_below(r, 8);
    c->const_pct = rt_below(r, 15);
    if (rt_chance(r, 25)) { /* giant: spill slots beyond LDR's 4 KiB reach */
      c->nops = 2000 + rt_below(r, 2500);
      c->live = 1500 + rt_below(r, 3000);
      c->float_pct = rt_below(r, 50);
    }
  }
}

/* ---- growable arrays ------------------------------------------------------- */
bool rt_grow(void **arr, uint32_t *cap, uint32_t need, size_t esz) {
  if (need <= *cap) return true;
  uint32_t n = *cap ? *cap : 16;
  while (n < need) n *= 2;
  void *p = realloc(*arr, (size_t)n * esz);
  if (!p) return false;
  *arr = p;
  *cap = n;
  return true;
}

void rt_trace_clear(rt_trace *g) {
  free(g->vtype);
  free(g->vkind);
  free(g->descrs);
  free(g->input);
  free(g->input_dead);
  free(g->ops);
  free(g->consts);
  free(g->pool);
  memset(g, 0, sizeof *g);
  g->counter = -1;
}

static void *dup_mem(const void *p, size_t n) {
  if (n == 0) return NULL;
  void *q = malloc(n);
  if (q) memcpy(q, p, n);
  return q;
}

bool rt_trace_copy(rt_trace *dst, const rt_trace *src) {
  rt_trace d = *src;
  d.capvals = src->nvals;
  d.capops = src->nops;
  d.capconsts = src->nconsts;
  d.cappool = src->npool;
  d.capdescrs = src->ndescrs;
  d.vtype = dup_mem(src->vtype, src->nvals * sizeof *src->vtype);
  d.vkind = dup_mem(src->vkind, src->nvals * sizeof *src->vkind);
  d.descrs = dup_mem(src->descrs, src->ndescrs * sizeof *src->descrs);
  d.input = dup_mem(src->input, src->ninputs * sizeof *src->input);
  d.input_dead = dup_mem(src->input_dead, src->ninputs * sizeof *src->input_dead);
  d.ops = dup_mem(src->ops, src->nops * sizeof *src->ops);
  d.consts = dup_mem(src->consts, src->nconsts * sizeof *src->consts);
  d.pool = dup_mem(src->pool, src->npool * sizeof *src->pool);
  if ((src->nvals && (!d.vtype || !d.vkind)) || (src->ndescrs && !d.descrs) ||
      (src->ninputs && (!d.input || !d.input_dead)) ||
      (src->nops && !d.ops) || (src->nconsts && !d.consts) || (src->npool && !d.pool)) {
    rt_trace_clear(&d);
    return false;
  }
  *dst = d;
  return true;
}

bool rt_uses_wide(const rt_trace *g) {
  for (uint32_t v = 0; v < g->nvals; v++)
    if (g->vtype[v] == ARMJIT_I64 || g->vtype[v] == ARMJIT_F32) return true;
  for (uint32_t k = 0; k < g->nconsts; k++)
    if (g->consts[k].type == ARMJIT_I64 || g->consts[k].type == ARMJIT_F32) return true;
  return false;
}

uint32_t rt_count_pypy_ops(const rt_trace *g) {
  static const bool pypy[ARMJIT_OP__COUNT] = {
#define RT_PYPY(name, text, args, r, flags) [ARMJIT_OP_##name] = true,
      ARMJIT_OPS_PYPY(RT_PYPY)
#undef RT_PYPY
  };
  uint32_t n = 0;
  for (uint32_t i = 0; i < g->nops; i++) n += !g->ops[i].dead && pypy[g->ops[i].opc];
  return n;
}

static bool rt_in_list(const rt_trace *g, const rt_op *op, int32_t v) {
  for (uint32_t k = 0; k < op->nlist; k++)
    if (g->pool[op->list + k] == v) return true;
  return false;
}

static bool rt_uses(const rt_trace *g, const rt_op *op, int32_t v) {
  for (uint32_t k = 0; k < op->na; k++)
    if (op->a[k] == v) return true;
  return rt_in_list(g, op, v);
}

/* The int ops of two ints the compiler folds (ir_sem_int2's). */
static bool rt_folds(unsigned opc) {
  switch (opc) {
  case ARMJIT_OP_INT_ADD: case ARMJIT_OP_INT_SUB: case ARMJIT_OP_INT_MUL:
  case ARMJIT_OP_INT_AND: case ARMJIT_OP_INT_OR: case ARMJIT_OP_INT_XOR:
  case ARMJIT_OP_INT_LSHIFT: case ARMJIT_OP_INT_RSHIFT: case ARMJIT_OP_UINT_RSHIFT:
  case ARMJIT_OP_INT_LT: case ARMJIT_OP_INT_LE: case ARMJIT_OP_INT_EQ: case ARMJIT_OP_INT_NE:
  case ARMJIT_OP_INT_GT: case ARMJIT_OP_INT_GE: case ARMJIT_OP_UINT_LT: case ARMJIT_OP_UINT_LE:
  case ARMJIT_OP_UINT_GT: case ARMJIT_OP_UINT_GE:
    return true;
  default:
    return false;
  }
}

static bool rt_identity(unsigned opc, int32_t k, bool first) {
  switch (opc) {
  case ARMJIT_OP_INT_ADD: case ARMJIT_OP_INT_OR: case ARMJIT_OP_INT_XOR: return k == 0;
  case ARMJIT_OP_INT_SUB: case ARMJIT_OP_INT_LSHIFT: case ARMJIT_OP_INT_RSHIFT:
  case ARMJIT_OP_UINT_RSHIFT: return k == 0 && !first;
  case ARMJIT_OP_INT_AND: return k == -1;
  case ARMJIT_OP_INT_MUL: return k == 1;
  default: return false;
  }
}

uint32_t rt_count_known(const rt_trace *g) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < g->nops; i++) {
    const rt_op *op = &g->ops[i];
    if (op->dead) continue;
    bool gv = op->opc == ARMJIT_OP_GUARD_VALUE && op->na == 2 && RT_IS_CONST(op->a[1]);
    if (op->opc == ARMJIT_OP_GUARD_TRUE || op->opc == ARMJIT_OP_GUARD_FALSE || gv) {
      int32_t v = op->a[0];
      if (v < 0 || (g->vtype[v] != ARMJIT_INT && !(gv && g->vtype[v] == ARMJIT_I64))) continue;
      bool used = !gv && rt_in_list(g, op, v);  /* (x is not k at its own exit) */
      for (uint32_t j = i + 1; j < g->nops && !used && g->ops[j].opc != ARMJIT_OP_LABEL; j++)
        used = !g->ops[j].dead && rt_uses(g, &g->ops[j], v);
      n += used;
    } else if (op->na == 2 && rt_folds(op->opc)) {
      bool k0 = RT_IS_CONST(op->a[0]), k1 = RT_IS_CONST(op->a[1]);
      int32_t v0 = k0 ? g->consts[RT_CONST_INDEX(op->a[0])].v.i : 0;
      int32_t v1 = k1 ? g->consts[RT_CONST_INDEX(op->a[1])].v.i : 0;
      n += (k0 && k1) || (k0 && rt_identity(op->opc, v0, true)) ||
           (k1 && rt_identity(op->opc, v1, false));
    }
  }
  return n;
}

/* The float and i64 ops the compiler folds when their arguments are all
 * constants. */
static bool rt_folds_wide(unsigned opc) {
  switch (opc) {
  case ARMJIT_OP_FLOAT_ADD: case ARMJIT_OP_FLOAT_SUB: case ARMJIT_OP_FLOAT_MUL:
  case ARMJIT_OP_FLOAT_TRUEDIV: case ARMJIT_OP_FLOAT_NEG: case ARMJIT_OP_FLOAT_ABS:
  case ARMJIT_OP_FLOAT_SQRT: case ARMJIT_OP_FLOAT_LT: case ARMJIT_OP_FLOAT_LE:
  case ARMJIT_OP_FLOAT_EQ: case ARMJIT_OP_FLOAT_NE: case ARMJIT_OP_FLOAT_GT:
  case ARMJIT_OP_FLOAT_GE: case ARMJIT_OP_CAST_FLOAT_TO_INT: case ARMJIT_OP_CAST_INT_TO_FLOAT:
  case ARMJIT_OP_LLONG_ADD: case ARMJIT_OP_LLONG_SUB: case ARMJIT_OP_LLONG_MUL:
  case ARMJIT_OP_LLONG_FLOORDIV: case ARMJIT_OP_LLONG_MOD: case ARMJIT_OP_LLONG_AND:
  case ARMJIT_OP_LLONG_OR: case ARMJIT_OP_LLONG_XOR: case ARMJIT_OP_LLONG_NEG:
  case ARMJIT_OP_LLONG_INVERT: case ARMJIT_OP_LLONG_LT: case ARMJIT_OP_LLONG_LE:
  case ARMJIT_OP_LLONG_EQ: case ARMJIT_OP_LLONG_NE: case ARMJIT_OP_LLONG_GT:
  case ARMJIT_OP_LLONG_GE: case ARMJIT_OP_ULLONG_LT: case ARMJIT_OP_ULLONG_LE:
  case ARMJIT_OP_ULLONG_GT: case ARMJIT_OP_ULLONG_GE:
    return true;
  default:
    return false;
  }
}

uint32_t rt_count_const_wide(const rt_trace *g) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < g->nops; i++) {
    const rt_op *op = &g->ops[i];
    if (op->dead || !op->na || !rt_folds_wide(op->opc)) continue;
    bool all = true;
    for (uint32_t k = 0; k < op->na; k++) all = all && RT_IS_CONST(op->a[k]);
    n += all;
  }
  return n;
}

uint32_t rt_count_mla(const rt_trace *g) {
  uint32_t n = 0;
  for (uint32_t i = 0; i + 1 < g->nops; i++) {
    const rt_op *m = &g->ops[i], *u = &g->ops[i + 1];
    if (m->dead || u->dead || m->opc != ARMJIT_OP_FLOAT_MUL || u->opc != ARMJIT_OP_FLOAT_ADD ||
        u->a[1] != m->res || u->a[0] == m->res)
      continue;
    bool more = RT_IS_CONST(u->a[0]);  /* the product or acc used again */
    for (uint32_t j = i + 2; j < g->nops && !more; j++)
      more = !g->ops[j].dead &&
             (rt_uses(g, &g->ops[j], m->res) || rt_uses(g, &g->ops[j], u->a[0]));
    n += !more;
  }
  return n;
}

uint32_t rt_count_gc_ops(const rt_trace *g) {
  static const bool gc[ARMJIT_OP__COUNT] = {
#define RT_GC(name, text, args, r, flags) [ARMJIT_OP_##name] = true,
      ARMJIT_OPS_GC(RT_GC)
#undef RT_GC
  };
  uint32_t n = 0;
  for (uint32_t i = 0; i < g->nops; i++) n += !g->ops[i].dead && gc[g->ops[i].opc];
  return n;
}

armjit_type rt_ref_type(const rt_trace *g, int32_t ref) {
  return RT_IS_CONST(ref) ? g->consts[RT_CONST_INDEX(ref)].type : g->vtype[ref];
}

/* ---- trace pieces ------------------------------------------------------------ */
int32_t rt_new_val(rt_trace *g, armjit_type ty) {
  uint32_t cap = g->capvals;
  if (!rt_grow((void **)&g->vtype, &g->capvals, g->nvals + 1, sizeof *g->vtype)) return -1;
  if (g->capvals != cap || !g->vkind) { /* vkind follows vtype's capacity */
    uint8_t *k = realloc(g->vkind, g->capvals * sizeof *k);
    if (!k) return -1;
    g->vkind = k;
  }
  g->vtype[g->nvals] = ty;
  g->vkind[g->nvals] = RT_K_PLAIN;
  return (int32_t)g->nvals++;
}

int32_t rt_add_descr(rt_trace *g, const rt_descr *d) {
  if (!rt_grow((void **)&g->descrs, &g->capdescrs, g->ndescrs + 1, sizeof *g->descrs))
    return -1;
  g->descrs[g->ndescrs] = *d;
  return (int32_t)g->ndescrs++;
}

int32_t rt_add_const(rt_trace *g, armjit_type ty, armjit_value v) {
  if (!rt_grow((void **)&g->consts, &g->capconsts, g->nconsts + 1, sizeof *g->consts))
    return 0; /* 0 is never a constant reference: callers check */
  g->consts[g->nconsts].type = ty;
  g->consts[g->nconsts].v = v;
  g->consts[g->nconsts].sym = 0;
  return RT_CONST(g->nconsts++);
}

/* Append op; returns its index or -1 (out of memory). */
int32_t rt_add_op(rt_trace *g, armjit_opcode opc, armjit_type rtype, const int32_t *a,
                  uint32_t na, const int32_t *list, uint32_t nlist, unsigned flags) {
  if (!rt_grow((void **)&g->ops, &g->capops, g->nops + 1, sizeof *g->ops)) return -1;
  if (!rt_grow((void **)&g->pool, &g->cappool, g->npool + nlist, sizeof *g->pool)) return -1;
  rt_op *op = &g->ops[g->nops];
  memset(op, 0, sizeof *op);
  op->opc = (uint16_t)opc;
  op->rtype = (uint8_t)rtype;
  op->flags = (uint8_t)flags;
  op->res = -1;
  op->target = -1;
  op->descr = -1;
  for (uint32_t i = 0; i < na; i++) op->a[i] = a[i];
  op->na = na;
  op->list = g->npool;
  op->nlist = nlist;
  if (nlist) memcpy(g->pool + g->npool, list, nlist * sizeof *list);
  g->npool += nlist;
  if (rtype != ARMJIT_VOID) {
    int32_t v = rt_new_val(g, rtype);
    if (v < 0) return -1;
    g->ops[g->nops].res = v;
  }
  return (int32_t)g->nops++;
}

/* ---- random values ------------------------------------------------------------ */
static const int32_t int_edges[] = {
    0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, 64, INT32_MAX, INT32_MIN, INT32_MIN + 1,
    INT32_MAX - 1, 0xff, 0x100, 0x101, 0xff00, 0xffff, 0x10000, 0x10001, 0xfffe,
    (int32_t)0xff000000u, (int32_t)0xf000000fu, 0x3fc, 0x12345678, -256, -255, -257,
    0x7fff, 0x8000, -0x8000, (int32_t)0xffff0000u, 0x00ff00ff, 0xabcd, 0x55555555,
    (int32_t)0xaaaaaaaau, 100, 1000, 4095, 4096, 4097, 0x1fe, 0x102, -1000, 46341,
    65536 * 3 + 7};

static const double float_edges[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.0, 3.0, 0.1, -2.5, 1e10, -1e10, NAN, -NAN,
    INFINITY, -INFINITY, DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, 4.9e-324, 2147483647.0,
    2147483648.0, -2147483648.0, -2147483649.0, 2147483647.5, -2147483648.5,
    -2147483647.9, 4294967296.0, 0.125, 31.0, 1.0 / 3.0, 123456.789, 1e-300, 0.99999,
    -0.99999, 16.0, 0.0625};

static const uint32_t ref_edges[] = {0, 4, 8, 0x1000, 0x10000, 0x7ffffffc, 0x80000000u,
                                     0xfffffffcu, 0xdeadbeecu, 0xffff, 0x12345678};

int32_t rt_rand_int(rt_rng *r) {
  switch (rt_below(r, 10)) {
  case 0: case 1: case 2: case 3:
    return int_edges[rt_below(r, sizeof int_edges / sizeof int_edges[0])];
  case 4: case 5: case 6:
    return (int32_t)rt_below(r, 601) - 300;
  case 7: { /* powers of two and their neighbours */
    uint32_t p = 1u << rt_below(r, 32);
    return (int32_t)(p + (uint32_t)rt_below(r, 3) - 1u);
  }
  default:
    return (int32_t)(uint32_t)rt_next(r);
  }
}

double rt_rand_float(rt_rng *r) {
  switch (rt_below(r, 10)) {
  case 0: case 1: case 2: case 3:
    return float_edges[rt_below(r, sizeof float_edges / sizeof float_edges[0])];
  case 4: case 5:
    return (double)((int32_t)rt_below(r, 201) - 100);
  case 6: case 7:
    return ((double)rt_below(r, 2000001) - 1000000.0) / 1000.0;
  case 8: {
    uint64_t bits = rt_next(r);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
  }
  default:
    return (double)rt_rand_int(r);
  }
}

uintptr_t rt_rand_ref(rt_rng *r) {
  switch (rt_below(r, 4)) {
  case 0: case 1:
    return ref_edges[rt_below(r, sizeof ref_edges / sizeof ref_edges[0])];
  case 2:
    return (uintptr_t)((uint32_t)rt_next(r) & ~3u);
  default:
    return (uintptr_t)(uint32_t)rt_next(r);
  }
}

/* i64: edges, small, sign-extended ints, words in either half, any bits. */
static int64_t rand_i64(rt_rng *r) {
  static const uint64_t edges[] = {0, 1, UINT64_MAX, UINT64_C(1) << 63,
                                   (UINT64_C(1) << 63) - 1, UINT64_C(0xffffffff),
                                   UINT64_C(0x100000000), UINT64_C(0x80000000),
                                   UINT64_C(0xffffffff80000000), UINT64_C(0x7fffffff)};
  uint64_t u;
  switch (rt_below(r, 8)) {
  case 0: case 1: u = edges[rt_below(r, sizeof edges / sizeof edges[0])]; break;
  case 2: u = (uint64_t)((int64_t)rt_below(r, 601) - 300); break;
  case 3: u = (uint64_t)(int64_t)rt_rand_int(r); break;
  case 4: u = (uint64_t)(uint32_t)rt_rand_int(r) << 32 | (uint32_t)rt_rand_int(r); break;
  case 5: u = (UINT64_C(1) << rt_below(r, 64)) + rt_below(r, 3) - 1; break;
  default: u = rt_next(r); break;
  }
  int64_t l;
  memcpy(&l, &u, sizeof l);
  return l;
}

/* f32: the float's edges rounded, subnormals, any bits. */
static float rand_f32(rt_rng *r) {
  static const uint32_t edges[] = {0x00000001u, 0x007fffffu, 0x00800000u, 0x7f7fffffu,
                                   0x80000001u, 0x3f800000u, 0x7f800000u, 0xff800000u,
                                   0x7fc00000u, 0x80000000u};
  uint32_t b;
  switch (rt_below(r, 6)) {
  case 0: b = edges[rt_below(r, sizeof edges / sizeof edges[0])]; break;
  case 1: b = (uint32_t)rt_next(r); break;
  default: {
    float f = (float)rt_rand_float(r);
    return f;
  }
  }
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

armjit_value rt_rand_value(rt_rng *r, armjit_type ty) {
  armjit_value v;
  memset(&v, 0, sizeof v);
  if (ty == ARMJIT_INT) v.i = rt_rand_int(r);
  else if (ty == ARMJIT_REF) v.r = rt_rand_ref(r);
  else if (ty == ARMJIT_I64) v.l = rand_i64(r);
  else if (ty == ARMJIT_F32) v.s = rand_f32(r);
  else v.f = rt_rand_float(r);
  return v;
}

/* ---- frames and printing ---------------------------------------------------- */
uint32_t rt_ninputs(const rt_trace *g) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < g->ninputs; i++) n += !g->input_dead[i];
  return n;
}

armjit_value *rt_inputs(const rt_trace *g, const rt_env *env, uint32_t *n) {
  armjit_value *v = calloc(g->ninputs + 1, sizeof *v);
  uint32_t k = 0;
  if (v)
    for (uint32_t i = 0; i < g->ninputs; i++) {
      if (g->input_dead[i]) continue;
      v[k] = g->input[i];
      if (g->vkind[i] == RT_K_OBJ) v[k].r = env ? rt_env_obj(env, (unsigned)g->input[i].r) : 0;
      if (RT_K_IS_GC(g->vkind[i])) v[k].r = env && env->gc ? env->gc_obj[g->input[i].r] : 0;
      k++;
    }
  *n = k;
  return v;
}

armjit_frame *rt_frame(armjit_ctx *ctx, const rt_trace *g, const rt_env *env, uint32_t cap) {
  uint32_t n;
  armjit_value *in = rt_inputs(g, env, &n);
  armjit_frame *f = in ? armjit_frame_new(ctx, cap > n ? cap : (n ? n : 1)) : NULL;
  if (f && n) memcpy(f->values, in, n * sizeof *in);
  free(in);
  return f;
}

bool rt_value_used(const rt_trace *g, int32_t v) {
  for (uint32_t i = 0; i < g->nops; i++) {
    const rt_op *op = &g->ops[i];
    if (op->dead) continue;
    for (uint32_t k = 0; k < op->na; k++)
      if (op->a[k] == v) return true;
    for (uint32_t k = 0; k < op->nlist; k++)
      if (g->pool[op->list + k] == v) return true;
  }
  return false;
}

bool rt_is_exit(unsigned opc) {
  static const unsigned flags[] = {
#define RT_FLAGS(name, text, args, res, fl) fl,
      ARMJIT_OPS(RT_FLAGS)
#undef RT_FLAGS
  };
  return opc == ARMJIT_OP_FINISH || (opc < ARMJIT_OP__COUNT && (flags[opc] & ARMJIT_OPF_GUARD));
}

int32_t rt_exit_op(const rt_trace *g, int exit_id) {
  int n = 0;
  for (uint32_t i = 0; i < g->nops; i++)
    if (!g->ops[i].dead && rt_is_exit(g->ops[i].opc) && n++ == exit_id) return (int32_t)i;
  return -1;
}

armjit_ctx *rt_ctx_new_env(const armjit_options *base, rt_env *env) {
  armjit_options o;
  if (base) o = *base;
  else memset(&o, 0, sizeof o);
  rt_env_options(&o);
  gcm *gc = env ? env->gc : NULL;
  if (gc) o.gc = &gc->descr;
  armjit_ctx *ctx = armjit_ctx_new(&o, NULL);
  armjit_status st = ctx ? rt_env_register(ctx) : ARMJIT_E_NOMEM;
  if (gc && st == ARMJIT_OK) {
    gcm_attach(gc, ctx);
    st = armjit_ctx_add_symbol(ctx, "rt_gcm", (uintptr_t)gc);
    if (st == ARMJIT_OK)
      st = armjit_ctx_add_symbol(ctx, "gcm_collect", (uintptr_t)&gcm_collect_fn);
  }
  if (ctx && st != ARMJIT_OK) {
    armjit_ctx_free(ctx);
    return NULL;
  }
  return ctx;
}

armjit_ctx *rt_ctx_new(const armjit_options *base) { return rt_ctx_new_env(base, NULL); }

bool rt_env_for(rt_env *e, const rt_trace *g) {
  if (!rt_env_init(e, g->env_seed)) return false;
  if (g->gc && !rt_env_add_gc(e, g->gc_window, g->gc_every)) {
    rt_env_free(e);
    return false;
  }
  return true;
}

void rt_print_value(FILE *out, armjit_type ty, armjit_value v) {
  if (ty == ARMJIT_INT) {
    fprintf(out, "%d", (int)v.i);
  } else if (ty == ARMJIT_I64) {
    fprintf(out, "%lld", (long long)v.l);
  } else if (ty == ARMJIT_F32) {
    armjit_value d = {.f = (double)v.s};
    rt_print_value(out, ARMJIT_FLOAT, d); /* exact: every f32 is a double */
  } else if (ty == ARMJIT_REF) {
    fprintf(out, "0x%llx", (unsigned long long)v.r);
  } else if (isnan(v.f)) {
    fprintf(out, "nan");
  } else if (isinf(v.f)) {
    fprintf(out, v.f < 0 ? "-inf" : "inf");
  } else {
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v.f);
    /* keep a '.' or exponent so the text says "float" */
    if (!strpbrk(buf, ".e")) strcat(buf, ".0");
    fputs(buf, out);
  }
}

void rt_print_inputs(FILE *out, const rt_trace *g) {
  bool first = true;
  for (uint32_t i = 0; i < g->ninputs; i++) {
    if (g->input_dead[i]) continue;
    if (!first) fputc(' ', out);
    first = false;
    if (g->vkind[i] == RT_K_OBJ) fprintf(out, "obj%u", (unsigned)g->input[i].r);
    else if (RT_K_IS_GC(g->vkind[i])) fprintf(out, "gc%u", (unsigned)g->input[i].r);
    else rt_print_value(out, g->vtype[i], g->input[i]);
  }
}

void rt_print_args_header(FILE *out, const rt_trace *g) {
  if (g->env) fprintf(out, "# env-seed: %llu\n# env-args: ", (unsigned long long)g->env_seed);
  else fprintf(out, "# args: ");
  rt_print_inputs(out, g);
  fputc('\n', out);
}
