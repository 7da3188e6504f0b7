/* SPDX-License-Identifier: MIT */
/* Folds of an op into the next one, which is then its only use; the
 * folded op emits nothing and its operands stay live one op longer.
 *
 * Shifts: a shift by a constant feeding an add/sub/and/or/xor (or
 * add/sub with overflow check) becomes that op's shifted operand:
 * int_add(x, int_lshift(y, 2)) is `add rd, rx, ry, lsl #2`.
 *
 * Multiply-accumulate: float_add(acc, float_mul(x, y)), acc a value that
 * dies there, is `vmla.f64 dacc, dx, dy` with the result in acc's
 * register.  VFP VMLA computes D[d] = FPAdd(D[d], FPMul(D[n], D[m])),
 * both steps rounded (ARM ARM, VMLA (floating-point), Operation; not the
 * fused VFMA), so it gives the bits of `vmul t, dx, dy; vadd d, dacc, t`,
 * NaN propagation and signs of zero included, as long as the accumulator
 * is FPAdd's first operand as in the IR op.  float_add(float_mul(x, y),
 * acc) is left alone (with two NaNs FPAdd returns its first operand's),
 * and so is VMLS: it negates the product with FPNeg, which flips the sign
 * of a NaN product where `vsub` keeps it. */
#include "cg/cg_internal.h"

static bool shift_op(unsigned opc) {
  return opc == ARMJIT_OP_INT_LSHIFT || opc == ARMJIT_OP_INT_RSHIFT ||
         opc == ARMJIT_OP_UINT_RSHIFT;
}

static bool takes_shifted(unsigned opc) {
  switch (opc) {
  case ARMJIT_OP_INT_ADD: case ARMJIT_OP_INT_SUB: case ARMJIT_OP_INT_AND:
  case ARMJIT_OP_INT_OR: case ARMJIT_OP_INT_XOR: case ARMJIT_OP_INT_ADD_OVF:
  case ARMJIT_OP_INT_SUB_OVF:
    return true;
  default:
    return false;
  }
}

/* A shift folded into the op after it (its result that op's shifted
 * operand). */
static bool folds_shift(const cg *c, const ir_op *s, const ir_op *u) {
  const armjit_trace *t = c->t;
  if (!shift_op(s->opc) || !takes_shifted(u->opc)) return false;
  const ir_ref *a = ir_args(t, s);
  if (IR_IS_CONST(a[0]) || !IR_IS_CONST(a[1]) || c->lv.nuses[s->res] != 1) return false;
  unsigned n = cg_const_word(t, a[1]) & 0xffu;
  if (n == 0 || n > 31) return false;
  const ir_ref *b = ir_args(t, u);
  return b[0] == s->res || b[1] == s->res;
}

/* A float_mul folded into the float_add after it (a VMLA). */
static bool folds_mul(const cg *c, uint32_t i, const ir_op *m, const ir_op *u) {
  const armjit_trace *t = c->t;
  if (m->opc != ARMJIT_OP_FLOAT_MUL || u->opc != ARMJIT_OP_FLOAT_ADD ||
      c->lv.nuses[m->res] != 1)
    return false;
  const ir_ref *b = ir_args(t, u);
  return b[1] == m->res && b[0] != m->res && !IR_IS_CONST(b[0]) &&
         c->lv.last_use[b[0]] == (int32_t)(i + 1);
}

/* One walk for both folds: a shift's operands are ints and a multiply's
 * floats, so extending one kind's lives never changes the other's test. */
armjit_status cg_fold_shifts(cg *c) {
  const armjit_trace *t = c->t;
  c->folded = ajx_calloc(c->ctx, t->nops ? t->nops : 1, 1);
  if (!c->folded) return ARMJIT_E_NOMEM;
  for (uint32_t i = 0; i + 1 < t->nops; i++) {
    const ir_op *s = &t->ops[i], *u = &t->ops[i + 1];
    if (!shift_op(s->opc) && s->opc != ARMJIT_OP_FLOAT_MUL) continue;  /* most ops */
    if (c->lv.dead[i] || c->lv.dead[i + 1]) continue;
    if (folds_shift(c, s, u)) {
      c->folded[i] = 1;
      ra_live_extend(&c->lv, ir_args(t, s)[0], i + 1);
    } else if (folds_mul(c, i, s, u)) {
      const ir_ref *a = ir_args(t, s);
      c->folded[i] = 1;
      ra_live_extend(&c->lv, a[0], i + 1);
      ra_live_extend(&c->lv, a[1], i + 1);
    }
  }
  return ARMJIT_OK;
}

bool cg_folded_mul(cg *c, ir_ref r, ir_ref *x, ir_ref *y) {
  if (!cg_folded(c, r)) return false;
  const ir_op *m = &c->t->ops[c->t->vdef[r]];
  if (m->opc != ARMJIT_OP_FLOAT_MUL) return false;
  *x = ir_args(c->t, m)[0];
  *y = ir_args(c->t, m)[1];
  return true;
}

/* r is folded (cg_folded_operand asked): an int operand folded is a
 * shift's result (a float_mul's is a float). */
bool cg_folded_shift(cg *c, ir_ref r, a32_operand *o) {
  const ir_op *s = &c->t->ops[c->t->vdef[r]];
  const ir_ref *a = ir_args(c->t, s);
  a32_shift sh = s->opc == ARMJIT_OP_INT_LSHIFT   ? A32_LSL
                 : s->opc == ARMJIT_OP_INT_RSHIFT ? A32_ASR
                                                  : A32_LSR;
  *o = a32_rsi(cg_reg(c, a[0]), sh, cg_const_word(c->t, a[1]) & 0xffu);
  ra_extra_use(&c->ra, a[0]);  /* its last use may be here, not at the shift */
  return true;
}
