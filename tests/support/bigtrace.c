/* SPDX-License-Identifier: MIT */
/* Deterministic pseudo-random loop traces (see bigtrace.h). */
#include "bigtrace.h"

#include <stdbool.h>
#include <stdlib.h>

typedef struct {
  armjit_trace *t;
  uint32_t rng;
  armjit_val *iv, *fv;   /* int and float values usable after the label */
  unsigned ni, nf;
} gen;

static uint32_t next(gen *g) {
  uint32_t x = g->rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return g->rng = x;
}

static unsigned pick(gen *g, unsigned n) { return next(g) % n; }

/* Constants along the immediate ladder, plus shift counts. */
static const int32_t ladder[] = {0, 1, -1, 2, 5, 31, 32, 255, -256, 0x3fc, 0xff00,
                                 (int32_t)0xff000000, 1001, -1001, 0x7fff, 0xffff,
                                 0x12345678, INT32_MAX, INT32_MIN};
static const double fladder[] = {0.0, -0.0, 1.0, 0.5, -2.5, 3.0, 0.1, 1e10, -7.25};

static armjit_val int_operand(gen *g) {
  unsigned r = pick(g, 20);
  if (r < 2) return armjit_const_int(g->t, ladder[pick(g, sizeof ladder / sizeof *ladder)]);
  if (r < 3) return armjit_const_int(g->t, (int32_t)next(g));
  if (r < 15 && g->ni > 16) return g->iv[g->ni - 1 - pick(g, 16)];
  return g->iv[pick(g, g->ni)];
}

static armjit_val float_operand(gen *g) {
  unsigned r = pick(g, 20);
  if (r < 2) return armjit_const_float(g->t, fladder[pick(g, sizeof fladder / sizeof *fladder)]);
  if (r < 15 && g->nf > 8) return g->fv[g->nf - 1 - pick(g, 8)];
  return g->fv[pick(g, g->nf)];
}

static armjit_val op2(gen *g, armjit_opcode op, armjit_val a, armjit_val b) {
  armjit_val args[2] = {a, b};
  return armjit_op(g->t, op, args, 2);
}

static armjit_val op1(gen *g, armjit_opcode op, armjit_val a) {
  return armjit_op(g->t, op, &a, 1);
}

static void push_int(gen *g, armjit_val v) { g->iv[g->ni++] = v; }
static void push_float(gen *g, armjit_val v) { g->fv[g->nf++] = v; }

/* A sample of live values and constants for a guard's fail args. */
static unsigned fail_sample(gen *g, armjit_val *out, unsigned max) {
  unsigned n = 2 + pick(g, max - 1);
  for (unsigned k = 0; k < n; k++) {
    unsigned r = pick(g, 8);
    out[k] = r < 5 ? int_operand(g) : r < 7 ? float_operand(g)
                                             : armjit_const_ref(g->t, 0x1000 + 8 * k);
  }
  return n;
}

static const armjit_opcode int_bin[] = {
    ARMJIT_OP_INT_ADD, ARMJIT_OP_INT_SUB, ARMJIT_OP_INT_MUL, ARMJIT_OP_INT_AND,
    ARMJIT_OP_INT_OR, ARMJIT_OP_INT_XOR, ARMJIT_OP_INT_LSHIFT, ARMJIT_OP_INT_RSHIFT,
    ARMJIT_OP_UINT_RSHIFT, ARMJIT_OP_INT_FLOORDIV, ARMJIT_OP_INT_MOD, ARMJIT_OP_INT_ADD,
    ARMJIT_OP_INT_SUB, ARMJIT_OP_INT_LT, ARMJIT_OP_INT_LE, ARMJIT_OP_INT_EQ,
    ARMJIT_OP_INT_NE, ARMJIT_OP_INT_GT, ARMJIT_OP_INT_GE, ARMJIT_OP_UINT_LT,
    ARMJIT_OP_UINT_LE, ARMJIT_OP_UINT_GT, ARMJIT_OP_UINT_GE};
static const armjit_opcode int_un[] = {ARMJIT_OP_INT_NEG, ARMJIT_OP_INT_INVERT,
                                       ARMJIT_OP_INT_IS_TRUE, ARMJIT_OP_INT_IS_ZERO,
                                       ARMJIT_OP_INT_FORCE_GE_ZERO};
static const armjit_opcode float_bin[] = {ARMJIT_OP_FLOAT_ADD, ARMJIT_OP_FLOAT_SUB,
                                          ARMJIT_OP_FLOAT_MUL, ARMJIT_OP_FLOAT_TRUEDIV};
static const armjit_opcode float_un[] = {ARMJIT_OP_FLOAT_NEG, ARMJIT_OP_FLOAT_ABS,
                                         ARMJIT_OP_FLOAT_SQRT};
static const armjit_opcode float_cmp[] = {ARMJIT_OP_FLOAT_LT, ARMJIT_OP_FLOAT_LE,
                                          ARMJIT_OP_FLOAT_EQ, ARMJIT_OP_FLOAT_NE,
                                          ARMJIT_OP_FLOAT_GT, ARMJIT_OP_FLOAT_GE};
#define PICK_OP(g, tab) ((tab)[pick(g, sizeof(tab) / sizeof(tab)[0])])

/* One op, or with room >= 4 a short sequence of at most 4 ops. */
static void emit_some(gen *g, unsigned room) {
  unsigned r = pick(g, 100);
  if (room < 4) r = r % 60; /* single ops only */
  armjit_val fail[12];
  if (r < 35) {
    push_int(g, op2(g, PICK_OP(g, int_bin), int_operand(g), int_operand(g)));
  } else if (r < 41) {
    push_int(g, op1(g, PICK_OP(g, int_un), int_operand(g)));
  } else if (r < 50) {
    push_float(g, op2(g, PICK_OP(g, float_bin), float_operand(g), float_operand(g)));
  } else if (r < 53) {
    push_float(g, op1(g, PICK_OP(g, float_un), float_operand(g)));
  } else if (r < 56) {
    push_int(g, op2(g, PICK_OP(g, float_cmp), float_operand(g), float_operand(g)));
  } else if (r < 58) {
    push_float(g, op1(g, ARMJIT_OP_CAST_INT_TO_FLOAT, int_operand(g)));
  } else if (r < 59) {
    push_int(g, op1(g, ARMJIT_OP_CAST_FLOAT_TO_INT, float_operand(g)));
  } else if (r < 60) {
    push_int(g, op1(g, ARMJIT_OP_SAME_AS, int_operand(g)));
  } else if (r < 75) {
    /* Overflow-checked op on operands too small to overflow. */
    static const armjit_opcode ovf[] = {ARMJIT_OP_INT_ADD_OVF, ARMJIT_OP_INT_SUB_OVF,
                                        ARMJIT_OP_INT_MUL_OVF};
    armjit_opcode op = PICK_OP(g, ovf);
    armjit_val a = op2(g, ARMJIT_OP_INT_AND, int_operand(g), armjit_const_int(g->t, 0x7fff));
    armjit_val b = int_operand(g);
    if (op == ARMJIT_OP_INT_MUL_OVF) {
      b = op2(g, ARMJIT_OP_INT_AND, b, armjit_const_int(g->t, 0xffff));
      push_int(g, b);
    }
    armjit_val v = op2(g, op, a, b);
    unsigned n = fail_sample(g, fail, 6);
    /* add/sub overflow only for the rare b near the int32 limits; such an
     * early exit is fine, the exit taken is compared too. */
    armjit_guard(g->t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, fail, n);
    push_int(g, a);
    push_int(g, v);
  } else if (r < 90) {
    /* A guard that practically never fails: x != some odd 32-bit value. */
    armjit_val c = op2(g, ARMJIT_OP_INT_NE, int_operand(g),
                       armjit_const_int(g->t, (int32_t)(next(g) | 0x40000001u)));
    unsigned n = fail_sample(g, fail, 10);
    armjit_guard(g->t, ARMJIT_OP_GUARD_TRUE, &c, 1, fail, n);
    push_int(g, c);
  } else {
    armjit_val c = op2(g, ARMJIT_OP_FLOAT_EQ, float_operand(g),
                       armjit_const_float(g->t, 1234.5678));
    unsigned n = fail_sample(g, fail, 10);
    armjit_guard(g->t, ARMJIT_OP_GUARD_FALSE, &c, 1, fail, n);
  }
}

armjit_trace *bt_build(armjit_ctx *ctx, unsigned nops, uint32_t seed) {
  if (nops < 64) nops = 64;
  gen g = {armjit_trace_new(ctx), seed ? seed : 1, NULL, NULL, 0, 0};
  g.iv = malloc((nops + BT_NINPUTS) * sizeof *g.iv);
  g.fv = malloc((nops + BT_NINPUTS) * sizeof *g.fv);
  if (!g.t || !g.iv || !g.fv) {
    armjit_trace_free(g.t);
    free(g.iv);
    free(g.fv);
    return NULL;
  }
  armjit_val in[BT_NINPUTS];
  for (unsigned k = 0; k < BT_NINTS; k++) push_int(&g, in[k] = armjit_input(g.t, ARMJIT_INT));
  for (unsigned k = 0; k < BT_NFLOATS; k++)
    push_float(&g, in[BT_NINTS + k] = armjit_input(g.t, ARMJIT_FLOAT));
  armjit_val count = in[BT_NINPUTS - 1] = armjit_input(g.t, ARMJIT_INT);
  int label = armjit_label(g.t, in, BT_NINPUTS);
  armjit_set_name(g.t, "loop");

  const unsigned tail = 4; /* int_sub, int_gt, guard_true, jump */
  while (armjit_trace_nops(g.t) + tail < nops)
    emit_some(&g, nops - tail - armjit_trace_nops(g.t));

  armjit_val one = armjit_const_int(g.t, 1), zero = armjit_const_int(g.t, 0);
  armjit_val c1 = op2(&g, ARMJIT_OP_INT_SUB, count, one);
  armjit_val more = op2(&g, ARMJIT_OP_INT_GT, c1, zero);
  armjit_val fail[24];
  unsigned n = fail_sample(&g, fail, 20);
  fail[n++] = c1;
  armjit_guard(g.t, ARMJIT_OP_GUARD_TRUE, &more, 1, fail, n);
  armjit_set_name(g.t, "done");
  armjit_val out[BT_NINPUTS];
  for (unsigned k = 0; k < BT_NINTS; k++) out[k] = g.iv[pick(&g, g.ni)];
  for (unsigned k = 0; k < BT_NFLOATS; k++) out[BT_NINTS + k] = g.fv[pick(&g, g.nf)];
  out[BT_NINPUTS - 1] = c1;
  armjit_jump(g.t, label, out, BT_NINPUTS);
  free(g.iv);
  free(g.fv);
  return g.t;
}

void bt_inputs(armjit_value in[BT_NINPUTS], uint32_t seed, int32_t trips) {
  gen g = {NULL, seed ? seed : 1, NULL, NULL, 0, 0};
  for (unsigned k = 0; k < BT_NINTS; k++) {
    in[k].bits = 0;
    in[k].i = (int32_t)(next(&g) >> (k * 3));
  }
  for (unsigned k = 0; k < BT_NFLOATS; k++) in[BT_NINTS + k].f = (double)(int32_t)next(&g) / 7.0;
  in[BT_NINPUTS - 1].bits = 0;
  in[BT_NINPUTS - 1].i = trips;
}
