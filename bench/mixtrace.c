/* SPDX-License-Identifier: MIT */
/* The benchmark's mixed trace (see mixtrace.h).  The generator draws its
 * random choices and builds the trace through the API; every builder call
 * goes through one of the rec_* functions below, which also write it to a
 * plan when one is being made.  mix_replay repeats a plan's calls. */
#include "mixtrace.h"

#include <stdlib.h>
#include <string.h>

/* One builder call of a plan: what, with which values, and what it
 * returned when the plan was made (the replay gives the same). */
typedef enum { S_INPUT, S_CONST_INT, S_CONST_REF, S_CONST_FLOAT, S_OP, S_OP_DESCR, S_GUARD,
               S_LABEL, S_JUMP } step_kind;
typedef struct {
  uint8_t kind;               /* step_kind */
  uint16_t op;                /* armjit_opcode; S_INPUT: the armjit_type */
  uint16_t n, nfail;          /* values at vals[at..at+n), fail args after them */
  int32_t descr;              /* S_OP_DESCR: descriptor; S_JUMP: label */
  uint32_t at;
  int64_t res;                /* the call's result */
  union { int32_t i; uintptr_t r; double f; } k; /* a constant's value */
} step;

struct mix_plan {
  step *steps;
  armjit_val *vals;
  size_t nsteps, capsteps, nvals, capvals;
  bool nomem;
};

typedef struct {
  armjit_trace *t;
  uint32_t rng;
  armjit_val *iv, *fv;
  unsigned ni, nf;
  armjit_val obj, arr;
  int fint, fflt, aint, call;   /* descriptors */
  mix_plan *plan;               /* the plan being made, or NULL */
} gen;

/* ---- the builder calls, recorded when making a plan ------------------------- */
static bool grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return true;
  size_t n = *cap ? *cap * 2 : 1024;
  while (n < need) n *= 2;
  void *q = realloc(*p, n * size);
  if (!q) return false;
  *p = q;
  *cap = n;
  return true;
}

/* Record a call of kind k with values a[0..n) and fail args f[0..nf). */
static step *record(gen *g, step_kind k, unsigned op, const armjit_val *a, unsigned n,
                    const armjit_val *f, unsigned nf) {
  mix_plan *p = g->plan;
  if (!p || p->nomem) return NULL;
  if (!grow((void **)&p->steps, &p->capsteps, p->nsteps + 1, sizeof *p->steps) ||
      !grow((void **)&p->vals, &p->capvals, p->nvals + n + nf, sizeof *p->vals)) {
    p->nomem = true;
    return NULL;
  }
  step *s = &p->steps[p->nsteps++];
  memset(s, 0, sizeof *s);
  s->kind = (uint8_t)k;
  s->op = (uint16_t)op;
  s->n = (uint16_t)n;
  s->nfail = (uint16_t)nf;
  s->descr = -1;
  s->at = (uint32_t)p->nvals;
  if (n) memcpy(p->vals + p->nvals, a, n * sizeof *a);
  if (nf) memcpy(p->vals + p->nvals + n, f, nf * sizeof *f);
  p->nvals += n + nf;
  return s;
}

static armjit_val rec_input(gen *g, armjit_type ty) {
  armjit_val v = armjit_input(g->t, ty);
  step *s = record(g, S_INPUT, ty, NULL, 0, NULL, 0);
  if (s) s->res = v;
  return v;
}

static armjit_val rec_const_int(gen *g, int32_t x) {
  armjit_val v = armjit_const_int(g->t, x);
  step *s = record(g, S_CONST_INT, 0, NULL, 0, NULL, 0);
  if (s) { s->k.i = x; s->res = v; }
  return v;
}

static armjit_val rec_const_ref(gen *g, uintptr_t x) {
  armjit_val v = armjit_const_ref(g->t, x);
  step *s = record(g, S_CONST_REF, 0, NULL, 0, NULL, 0);
  if (s) { s->k.r = x; s->res = v; }
  return v;
}

static armjit_val rec_const_float(gen *g, double x) {
  armjit_val v = armjit_const_float(g->t, x);
  step *s = record(g, S_CONST_FLOAT, 0, NULL, 0, NULL, 0);
  if (s) { s->k.f = x; s->res = v; }
  return v;
}

static armjit_val rec_op(gen *g, armjit_opcode op, const armjit_val *a, unsigned n) {
  armjit_val v = armjit_op(g->t, op, a, n);
  step *s = record(g, S_OP, op, a, n, NULL, 0);
  if (s) s->res = v;
  return v;
}

static armjit_val rec_op_descr(gen *g, armjit_opcode op, const armjit_val *a, unsigned n,
                               int descr) {
  armjit_val v = armjit_op_descr(g->t, op, a, n, descr);
  step *s = record(g, S_OP_DESCR, op, a, n, NULL, 0);
  if (s) { s->descr = descr; s->res = v; }
  return v;
}

static int rec_guard(gen *g, armjit_opcode op, const armjit_val *a, unsigned n,
                     const armjit_val *f, unsigned nf) {
  int v = armjit_guard(g->t, op, a, n, f, nf);
  step *s = record(g, S_GUARD, op, a, n, f, nf);
  if (s) s->res = v;
  return v;
}

static int rec_label(gen *g, const armjit_val *a, unsigned n) {
  int v = armjit_label(g->t, a, n);
  step *s = record(g, S_LABEL, 0, a, n, NULL, 0);
  if (s) s->res = v;
  return v;
}

static armjit_status rec_jump(gen *g, int label, const armjit_val *a, unsigned n) {
  armjit_status v = armjit_jump(g->t, label, a, n);
  step *s = record(g, S_JUMP, 0, a, n, NULL, 0);
  if (s) { s->descr = label; s->res = v; }
  return v;
}

/* The descriptors, made first (by the generator and the replay alike). */
static const armjit_field_descr field_int = {8, 4, true, ARMJIT_INT};
static const armjit_field_descr field_float = {16, 8, false, ARMJIT_FLOAT};
static const armjit_array_descr array_int = {0, 4, true, ARMJIT_INT, false, 0};
static const armjit_type call_args[2] = {ARMJIT_INT, ARMJIT_INT};
static const armjit_call_descr call_ii = {call_args, 2, ARMJIT_INT, 0};

static void add_descrs(armjit_trace *t, int *fint, int *fflt, int *aint, int *call) {
  *fint = armjit_descr_field(t, &field_int);
  *fflt = armjit_descr_field(t, &field_float);
  *aint = armjit_descr_array(t, &array_int);
  *call = armjit_descr_call(t, &call_ii);
}

/* ---- the generator ---------------------------------------------------------- */

static uint32_t next(gen *g) {
  uint32_t x = g->rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return g->rng = x;
}

static unsigned pick(gen *g, unsigned n) { return next(g) % n; }

static const int32_t ladder[] = {0, 1, -1, 2, 7, 31, 255, 1023, -256, 0xff00, 1000, 0x12345};

static armjit_val int_operand(gen *g) {
  unsigned r = pick(g, 16);
  if (r < 3) return rec_const_int(g, ladder[pick(g, sizeof ladder / sizeof *ladder)]);
  if (r < 13 && g->ni > 12) return g->iv[g->ni - 1 - pick(g, 12)];
  return g->iv[pick(g, g->ni)];
}

static armjit_val float_operand(gen *g) {
  unsigned r = pick(g, 16);
  if (r < 2) return rec_const_float(g, (double)(1 + pick(g, 9)) * 0.25);
  if (r < 13 && g->nf > 6) return g->fv[g->nf - 1 - pick(g, 6)];
  return g->fv[pick(g, g->nf)];
}

static armjit_val op2(gen *g, armjit_opcode op, armjit_val a, armjit_val b) {
  armjit_val args[2] = {a, b};
  return rec_op(g, op, args, 2);
}

static void push_int(gen *g, armjit_val v) { g->iv[g->ni++] = v; }
static void push_float(gen *g, armjit_val v) { g->fv[g->nf++] = v; }

static unsigned fail_sample(gen *g, armjit_val *out) {
  unsigned n = 2 + pick(g, 9); /* 2..10 */
  for (unsigned k = 0; k < n; k++) out[k] = pick(g, 5) < 4 ? int_operand(g) : float_operand(g);
  return n;
}

static const armjit_opcode int_bin[] = {
    ARMJIT_OP_INT_ADD, ARMJIT_OP_INT_SUB, ARMJIT_OP_INT_MUL, ARMJIT_OP_INT_AND,
    ARMJIT_OP_INT_OR,  ARMJIT_OP_INT_XOR, ARMJIT_OP_INT_LSHIFT, ARMJIT_OP_INT_ADD,
    ARMJIT_OP_INT_SUB, ARMJIT_OP_UINT_RSHIFT};
static const armjit_opcode float_bin[] = {ARMJIT_OP_FLOAT_ADD, ARMJIT_OP_FLOAT_SUB,
                                          ARMJIT_OP_FLOAT_MUL, ARMJIT_OP_FLOAT_ADD};
static const armjit_opcode int_cmp[] = {ARMJIT_OP_INT_LT, ARMJIT_OP_INT_NE, ARMJIT_OP_INT_GE,
                                        ARMJIT_OP_UINT_LT};
#define PICK_OP(g, tab) ((tab)[pick(g, sizeof(tab) / sizeof(tab)[0])])

static void emit_some(gen *g) {
  unsigned r = pick(g, 100);
  armjit_val a[3], fail[12];
  if (r < 30) {
    push_int(g, op2(g, PICK_OP(g, int_bin), int_operand(g), int_operand(g)));
  } else if (r < 38) {                     /* field load / store */
    a[0] = g->obj;
    if (pick(g, 3) == 0) {
      a[1] = int_operand(g);
      rec_op_descr(g, ARMJIT_OP_SETFIELD_GC, a, 2, g->fint);
    } else if (pick(g, 2)) {
      push_int(g, rec_op_descr(g, ARMJIT_OP_GETFIELD_GC, a, 1, g->fint));
    } else {
      push_float(g, rec_op_descr(g, ARMJIT_OP_GETFIELD_GC, a, 1, g->fflt));
    }
  } else if (r < 46) {                     /* masked array index, load or store */
    armjit_val i = op2(g, ARMJIT_OP_INT_AND, int_operand(g), rec_const_int(g, 1023));
    a[0] = g->arr;
    a[1] = i;
    if (pick(g, 3) == 0) {
      a[2] = int_operand(g);
      rec_op_descr(g, ARMJIT_OP_SETARRAYITEM_RAW, a, 3, g->aint);
    } else {
      push_int(g, rec_op_descr(g, ARMJIT_OP_GETARRAYITEM_RAW, a, 2, g->aint));
    }
  } else if (r < 62) {                     /* compare + guard */
    armjit_val c = op2(g, PICK_OP(g, int_cmp), int_operand(g), int_operand(g));
    unsigned n = fail_sample(g, fail);
    rec_guard(g, pick(g, 2) ? ARMJIT_OP_GUARD_TRUE : ARMJIT_OP_GUARD_FALSE, &c, 1, fail, n);
    push_int(g, c);
  } else if (r < 76) {
    push_float(g, op2(g, PICK_OP(g, float_bin), float_operand(g), float_operand(g)));
  } else if (r < 79) {                     /* int f(int, int) */
    a[0] = rec_const_ref(g, 0x10000 + 16 * pick(g, 8));
    a[1] = int_operand(g);
    a[2] = int_operand(g);
    push_int(g, rec_op_descr(g, ARMJIT_OP_CALL, a, 3, g->call));
  } else if (r < 84) {
    push_float(g, rec_op(g, ARMJIT_OP_CAST_INT_TO_FLOAT, (a[0] = int_operand(g), a), 1));
  } else if (r < 92) {                     /* overflow-checked add + guard */
    armjit_val x = op2(g, ARMJIT_OP_INT_AND, int_operand(g), rec_const_int(g, 0xffff));
    armjit_val v = op2(g, ARMJIT_OP_INT_ADD_OVF, x, int_operand(g));
    unsigned n = fail_sample(g, fail);
    rec_guard(g, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, fail, n);
    push_int(g, x);
    push_int(g, v);
  } else {
    push_int(g, op2(g, ARMJIT_OP_INT_AND, int_operand(g), rec_const_int(g, 1023)));
  }
}

/* The trace of mix_build, its calls written to `plan` when not NULL. */
static armjit_trace *generate(armjit_ctx *ctx, unsigned nops, uint32_t seed, mix_plan *plan) {
  if (nops < 64) nops = 64;
  gen g = {armjit_trace_new(ctx), seed ? seed : 1, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, plan};
  g.iv = malloc((nops + 16) * sizeof *g.iv);
  g.fv = malloc((nops + 16) * sizeof *g.fv);
  if (!g.t || !g.iv || !g.fv) {
    armjit_trace_free(g.t);
    free(g.iv);
    free(g.fv);
    return NULL;
  }
  add_descrs(g.t, &g.fint, &g.fflt, &g.aint, &g.call);
  enum { NI = 6, NF = 2, NIN = 2 + NI + NF + 1 };
  armjit_val in[NIN];
  in[0] = g.obj = rec_input(&g, ARMJIT_REF);
  in[1] = g.arr = rec_input(&g, ARMJIT_REF);
  for (unsigned k = 0; k < NI; k++) push_int(&g, in[2 + k] = rec_input(&g, ARMJIT_INT));
  for (unsigned k = 0; k < NF; k++) push_float(&g, in[2 + NI + k] = rec_input(&g, ARMJIT_FLOAT));
  armjit_val count = in[NIN - 1] = rec_input(&g, ARMJIT_INT);
  int label = rec_label(&g, in, NIN);
  const unsigned tail = 4, longest = 4;
  while (armjit_trace_nops(g.t) + tail + longest < nops) emit_some(&g);
  armjit_val c1 = op2(&g, ARMJIT_OP_INT_SUB, count, rec_const_int(&g, 1));
  armjit_val more = op2(&g, ARMJIT_OP_INT_GT, c1, rec_const_int(&g, 0));
  armjit_val fail[12];
  unsigned n = fail_sample(&g, fail);
  rec_guard(&g, ARMJIT_OP_GUARD_TRUE, &more, 1, fail, n);
  armjit_val out[NIN];
  out[0] = g.obj;
  out[1] = g.arr;
  for (unsigned k = 0; k < NI; k++) out[2 + k] = g.iv[pick(&g, g.ni)];
  for (unsigned k = 0; k < NF; k++) out[2 + NI + k] = g.fv[pick(&g, g.nf)];
  out[NIN - 1] = c1;
  rec_jump(&g, label, out, NIN);
  free(g.iv);
  free(g.fv);
  return g.t;
}

armjit_trace *mix_build(armjit_ctx *ctx, unsigned nops, uint32_t seed) {
  return generate(ctx, nops, seed, NULL);
}

mix_plan *mix_plan_new(armjit_ctx *ctx, unsigned nops, uint32_t seed) {
  mix_plan *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  armjit_trace *t = generate(ctx, nops, seed, p);
  armjit_error e;
  bool ok = t && !p->nomem && armjit_trace_validate(t, &e) == ARMJIT_OK;
  armjit_trace_free(t);
  if (!ok) {
    mix_plan_free(p);
    return NULL;
  }
  return p;
}

void mix_plan_free(mix_plan *p) {
  if (!p) return;
  free(p->steps);
  free(p->vals);
  free(p);
}

armjit_trace *mix_replay(armjit_ctx *ctx, const mix_plan *p) {
  armjit_trace *t = armjit_trace_new(ctx);
  if (!t) return NULL;
  int fint, fflt, aint, call;
  add_descrs(t, &fint, &fflt, &aint, &call);
  const armjit_val *vals = p->vals;
  for (size_t i = 0; i < p->nsteps; i++) {
    const step *s = &p->steps[i];
    const armjit_val *a = vals + s->at;
    int64_t v;
    switch ((step_kind)s->kind) {
    case S_INPUT: v = armjit_input(t, (armjit_type)s->op); break;
    case S_CONST_INT: v = armjit_const_int(t, s->k.i); break;
    case S_CONST_REF: v = armjit_const_ref(t, s->k.r); break;
    case S_CONST_FLOAT: v = armjit_const_float(t, s->k.f); break;
    case S_OP: v = armjit_op(t, (armjit_opcode)s->op, a, s->n); break;
    case S_OP_DESCR: v = armjit_op_descr(t, (armjit_opcode)s->op, a, s->n, s->descr); break;
    case S_GUARD: v = armjit_guard(t, (armjit_opcode)s->op, a, s->n, a + s->n, s->nfail); break;
    case S_LABEL: v = armjit_label(t, a, s->n); break;
    default: v = armjit_jump(t, s->descr, a, s->n); break;
    }
    if (v != s->res) { /* not the trace the plan was made from */
      armjit_trace_free(t);
      return NULL;
    }
  }
  return t;
}
