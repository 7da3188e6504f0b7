/* randtrace: shrinking a failing trace.  Greedy passes (drop an op, a fail
 * arg, a label arg, an input; lower the trip count; zero an input) each
 * kept only when the predicate still holds, repeated to a fixpoint. */
#include <stdlib.h>
#include <string.h>

#include "randtrace.h"
#include "randtrace_impl.h"

static bool is_guard(unsigned opc) {
  return opc >= ARMJIT_OP_GUARD_TRUE && opc <= ARMJIT_OP_GUARD_OVERFLOW;
}

static int32_t zero_const(rt_trace *g, armjit_type ty) {
  armjit_value v;
  memset(&v, 0, sizeof v);
  return rt_add_const(g, ty, v);
}

/* Replace every use of value v by a zero constant.  False when v is a
 * label arg (label args must stay variables) or on out-of-memory. */
static bool replace_uses(rt_trace *g, int32_t v) {
  int32_t c = 0;
  for (uint32_t i = 0; i < g->nops; i++) {
    rt_op *op = &g->ops[i];
    if (op->dead) continue;
    for (uint32_t k = 0; k < op->nlist; k++)
      if (g->pool[op->list + k] == v && op->opc == ARMJIT_OP_LABEL) return false;
  }
  for (uint32_t i = 0; i < g->nops; i++) {
    rt_op *op = &g->ops[i];
    if (op->dead) continue;
    for (uint32_t k = 0; k < op->na + op->nlist; k++) {
      int32_t *p = k < op->na ? &op->a[k] : &g->pool[op->list + k - op->na];
      if (*p != v) continue;
      if (c == 0 && (c = zero_const(g, g->vtype[v])) == 0) return false;
      *p = c;
    }
  }
  return true;
}

static int32_t next_live(const rt_trace *g, uint32_t i) {
  for (uint32_t j = i + 1; j < g->nops; j++)
    if (!g->ops[j].dead) return (int32_t)j;
  return -1;
}

static int32_t prev_live(const rt_trace *g, uint32_t i) {
  for (uint32_t j = i; j-- > 0;)
    if (!g->ops[j].dead) return (int32_t)j;
  return -1;
}

static bool is_ovf(unsigned opc) {
  return opc == ARMJIT_OP_INT_ADD_OVF || opc == ARMJIT_OP_INT_SUB_OVF ||
         opc == ARMJIT_OP_INT_MUL_OVF;
}

static armjit_opcode plain_of(unsigned opc) {
  return opc == ARMJIT_OP_INT_ADD_OVF ? ARMJIT_OP_INT_ADD
         : opc == ARMJIT_OP_INT_SUB_OVF ? ARMJIT_OP_INT_SUB
                                         : ARMJIT_OP_INT_MUL;
}

/* Remove op i (keeping the ovf+guard pairing rule). */
static bool kill_op(rt_trace *g, uint32_t i) {
  rt_op *op = &g->ops[i];
  if (op->res >= 0 && !replace_uses(g, op->res)) return false;
  if (is_ovf(op->opc)) {
    int32_t j = next_live(g, i);
    if (j >= 0 && (g->ops[j].opc == ARMJIT_OP_GUARD_NO_OVERFLOW ||
                   g->ops[j].opc == ARMJIT_OP_GUARD_OVERFLOW))
      g->ops[j].dead = true;
  }
  if (op->opc == ARMJIT_OP_GUARD_NO_OVERFLOW || op->opc == ARMJIT_OP_GUARD_OVERFLOW) {
    int32_t j = prev_live(g, i);
    if (j >= 0 && is_ovf(g->ops[j].opc)) g->ops[j].opc = (uint16_t)plain_of(g->ops[j].opc);
  }
  op->dead = true;
  return true;
}

static void list_remove(rt_trace *g, rt_op *op, uint32_t k) {
  int32_t *l = g->pool + op->list;
  memmove(l + k, l + k + 1, (op->nlist - k - 1) * sizeof *l);
  op->nlist--;
}

static bool used(const rt_trace *g, int32_t v) {
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

typedef struct {
  rt_trace *g;
  rt_pred pred;
  void *ud;
  unsigned steps;
} shrinker;

/* Try the candidate: keep it when the predicate holds. */
static bool accept(shrinker *s, rt_trace *cand) {
  if (s->pred(cand, s->ud)) {
    rt_trace_clear(s->g);
    *s->g = *cand;
    s->steps++;
    return true;
  }
  rt_trace_clear(cand);
  return false;
}

static bool pass_ops(shrinker *s) {
  bool progress = false;
  for (uint32_t i = s->g->nops; i-- > 0;) {
    const rt_op *op = &s->g->ops[i];
    if (op->dead || op->opc == ARMJIT_OP_LABEL || op->opc == ARMJIT_OP_JUMP ||
        op->opc == ARMJIT_OP_FINISH || (op->flags & RT_OPF_COUNTER))
      continue;
    rt_trace c;
    if (!rt_trace_copy(&c, s->g)) return progress;
    if (!kill_op(&c, i)) { rt_trace_clear(&c); continue; }
    progress |= accept(s, &c);
  }
  return progress;
}

static bool pass_lists(shrinker *s) {
  bool progress = false;
  for (uint32_t i = 0; i < s->g->nops; i++) {
    const rt_op *op = &s->g->ops[i];
    if (op->dead || !(is_guard(op->opc) || op->opc == ARMJIT_OP_FINISH)) continue;
    if (op->nlist > 1) { /* all at once first */
      rt_trace c;
      if (!rt_trace_copy(&c, s->g)) return progress;
      c.ops[i].nlist = 0;
      if (accept(s, &c)) { progress = true; continue; }
    }
    for (uint32_t k = s->g->ops[i].nlist; k-- > 0;) {
      rt_trace c;
      if (!rt_trace_copy(&c, s->g)) return progress;
      list_remove(&c, &c.ops[i], k);
      progress |= accept(s, &c);
    }
  }
  return progress;
}

static bool pass_label_args(shrinker *s) {
  bool progress = false;
  int32_t L = -1, J = -1;
  for (uint32_t i = 0; i < s->g->nops; i++) {
    if (s->g->ops[i].dead) continue;
    if (s->g->ops[i].opc == ARMJIT_OP_LABEL) L = (int32_t)i;
    if (s->g->ops[i].opc == ARMJIT_OP_JUMP) J = (int32_t)i;
  }
  if (L < 0) return false;
  for (uint32_t k = s->g->ops[L].nlist; k-- > 0;) {
    int32_t v = s->g->pool[s->g->ops[L].list + k];
    if (v == s->g->counter) continue;
    rt_trace c;
    if (!rt_trace_copy(&c, s->g)) return progress;
    list_remove(&c, &c.ops[L], k);
    if (J >= 0) list_remove(&c, &c.ops[J], k);
    /* uses before the label stay; uses after it become constants */
    bool ok = true;
    for (uint32_t i = (uint32_t)L + 1; i < c.nops && ok; i++) {
      rt_op *op = &c.ops[i];
      if (op->dead) continue;
      for (uint32_t j = 0; j < op->na + op->nlist; j++) {
        int32_t *p = j < op->na ? &op->a[j] : &c.pool[op->list + j - op->na];
        if (*p != v) continue;
        int32_t z = zero_const(&c, c.vtype[v]);
        if (z == 0) { ok = false; break; }
        *p = z;
      }
    }
    if (!ok) { rt_trace_clear(&c); return progress; }
    progress |= accept(s, &c);
  }
  return progress;
}

static bool pass_inputs(shrinker *s) {
  bool progress = false;
  for (uint32_t i = 0; i < s->g->ninputs; i++) {
    if (s->g->input_dead[i]) continue;
    rt_trace c;
    if (!used(s->g, (int32_t)i)) {
      if (!rt_trace_copy(&c, s->g)) return progress;
      c.input_dead[i] = true;
      progress |= accept(s, &c);
      continue;
    }
    /* simpler input values: 0, then the trip count halved */
    armjit_value z;
    memset(&z, 0, sizeof z);
    if (memcmp(&s->g->input[i], &z, sizeof z) == 0) continue;
    if (!rt_trace_copy(&c, s->g)) return progress;
    if ((int32_t)i == s->g->counter && c.input[i].i > 1) c.input[i].i /= 2;
    else c.input[i] = z;
    progress |= accept(s, &c);
  }
  return progress;
}

unsigned rt_shrink(rt_trace *g, rt_pred pred, void *ud) {
  shrinker s = {.g = g, .pred = pred, .ud = ud};
  for (unsigned round = 0; round < 20; round++) {
    bool p = pass_ops(&s);
    p |= pass_lists(&s);
    p |= pass_label_args(&s);
    p |= pass_inputs(&s);
    if (!p) break;
  }
  return s.steps;
}
