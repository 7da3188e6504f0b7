/* SPDX-License-Identifier: MIT */
/* The benchmark's mixed trace (see mixtrace.h). */
#include "mixtrace.h"

#include <stdlib.h>

typedef struct {
  armjit_trace *t;
  uint32_t rng;
  armjit_val *iv, *fv;
  unsigned ni, nf;
  armjit_val obj, arr;
  int fint, fflt, aint, call;   /* descriptors */
} gen;

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
  if (r < 3) return armjit_const_int(g->t, ladder[pick(g, sizeof ladder / sizeof *ladder)]);
  if (r < 13 && g->ni > 12) return g->iv[g->ni - 1 - pick(g, 12)];
  return g->iv[pick(g, g->ni)];
}

static armjit_val float_operand(gen *g) {
  unsigned r = pick(g, 16);
  if (r < 2) return armjit_const_float(g->t, (double)(1 + pick(g, 9)) * 0.25);
  if (r < 13 && g->nf > 6) return g->fv[g->nf - 1 - pick(g, 6)];
  return g->fv[pick(g, g->nf)];
}

static armjit_val op2(gen *g, armjit_opcode op, armjit_val a, armjit_val b) {
  armjit_val args[2] = {a, b};
  return armjit_op(g->t, op, args, 2);
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
      armjit_op_descr(g->t, ARMJIT_OP_SETFIELD_GC, a, 2, g->fint);
    } else if (pick(g, 2)) {
      push_int(g, armjit_op_descr(g->t, ARMJIT_OP_GETFIELD_GC, a, 1, g->fint));
    } else {
      push_float(g, armjit_op_descr(g->t, ARMJIT_OP_GETFIELD_GC, a, 1, g->fflt));
    }
  } else if (r < 46) {                     /* masked array index, load or store */
    armjit_val i = op2(g, ARMJIT_OP_INT_AND, int_operand(g), armjit_const_int(g->t, 1023));
    a[0] = g->arr;
    a[1] = i;
    if (pick(g, 3) == 0) {
      a[2] = int_operand(g);
      armjit_op_descr(g->t, ARMJIT_OP_SETARRAYITEM_RAW, a, 3, g->aint);
    } else {
      push_int(g, armjit_op_descr(g->t, ARMJIT_OP_GETARRAYITEM_RAW, a, 2, g->aint));
    }
  } else if (r < 62) {                     /* compare + guard */
    armjit_val c = op2(g, PICK_OP(g, int_cmp), int_operand(g), int_operand(g));
    unsigned n = fail_sample(g, fail);
    armjit_guard(g->t, pick(g, 2) ? ARMJIT_OP_GUARD_TRUE : ARMJIT_OP_GUARD_FALSE, &c, 1, fail, n);
    push_int(g, c);
  } else if (r < 76) {
    push_float(g, op2(g, PICK_OP(g, float_bin), float_operand(g), float_operand(g)));
  } else if (r < 79) {                     /* int f(int, int) */
    a[0] = armjit_const_ref(g->t, 0x10000 + 16 * pick(g, 8));
    a[1] = int_operand(g);
    a[2] = int_operand(g);
    push_int(g, armjit_op_descr(g->t, ARMJIT_OP_CALL, a, 3, g->call));
  } else if (r < 84) {
    push_float(g, armjit_op(g->t, ARMJIT_OP_CAST_INT_TO_FLOAT, (a[0] = int_operand(g), a), 1));
  } else if (r < 92) {                     /* overflow-checked add + guard */
    armjit_val x = op2(g, ARMJIT_OP_INT_AND, int_operand(g), armjit_const_int(g->t, 0xffff));
    armjit_val v = op2(g, ARMJIT_OP_INT_ADD_OVF, x, int_operand(g));
    unsigned n = fail_sample(g, fail);
    armjit_guard(g->t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, fail, n);
    push_int(g, x);
    push_int(g, v);
  } else {
    push_int(g, op2(g, ARMJIT_OP_INT_AND, int_operand(g), armjit_const_int(g->t, 1023)));
  }
}

armjit_trace *mix_build(armjit_ctx *ctx, unsigned nops, uint32_t seed) {
  if (nops < 64) nops = 64;
  gen g = {armjit_trace_new(ctx), seed ? seed : 1, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0};
  g.iv = malloc((nops + 16) * sizeof *g.iv);
  g.fv = malloc((nops + 16) * sizeof *g.fv);
  if (!g.t || !g.iv || !g.fv) {
    armjit_trace_free(g.t);
    free(g.iv);
    free(g.fv);
    return NULL;
  }
  g.fint = armjit_descr_field(g.t, &(armjit_field_descr){8, 4, true, ARMJIT_INT});
  g.fflt = armjit_descr_field(g.t, &(armjit_field_descr){16, 8, false, ARMJIT_FLOAT});
  g.aint = armjit_descr_array(g.t, &(armjit_array_descr){0, 4, true, ARMJIT_INT, false, 0});
  static const armjit_type ii[2] = {ARMJIT_INT, ARMJIT_INT};
  g.call = armjit_descr_call(g.t, &(armjit_call_descr){ii, 2, ARMJIT_INT, 0});
  enum { NI = 6, NF = 2, NIN = 2 + NI + NF + 1 };
  armjit_val in[NIN];
  in[0] = g.obj = armjit_input(g.t, ARMJIT_REF);
  in[1] = g.arr = armjit_input(g.t, ARMJIT_REF);
  for (unsigned k = 0; k < NI; k++) push_int(&g, in[2 + k] = armjit_input(g.t, ARMJIT_INT));
  for (unsigned k = 0; k < NF; k++) push_float(&g, in[2 + NI + k] = armjit_input(g.t, ARMJIT_FLOAT));
  armjit_val count = in[NIN - 1] = armjit_input(g.t, ARMJIT_INT);
  int label = armjit_label(g.t, in, NIN);
  const unsigned tail = 4, longest = 4;
  while (armjit_trace_nops(g.t) + tail + longest < nops) emit_some(&g);
  armjit_val c1 = op2(&g, ARMJIT_OP_INT_SUB, count, armjit_const_int(g.t, 1));
  armjit_val more = op2(&g, ARMJIT_OP_INT_GT, c1, armjit_const_int(g.t, 0));
  armjit_val fail[12];
  unsigned n = fail_sample(&g, fail);
  armjit_guard(g.t, ARMJIT_OP_GUARD_TRUE, &more, 1, fail, n);
  armjit_val out[NIN];
  out[0] = g.obj;
  out[1] = g.arr;
  for (unsigned k = 0; k < NI; k++) out[2 + k] = g.iv[pick(&g, g.ni)];
  for (unsigned k = 0; k < NF; k++) out[2 + NI + k] = g.fv[pick(&g, g.nf)];
  out[NIN - 1] = c1;
  armjit_jump(g.t, label, out, NIN);
  free(g.iv);
  free(g.fv);
  return g.t;
}
