/* SPDX-License-Identifier: MIT */
/* randtrace: shrinking a failing trace.  Greedy passes (drop an op, a fail
 * arg, a label arg, an input; lower the trip count; zero an input) each
 * kept only when the predicate still holds, repeated to a fixpoint. */
#include <stdlib.h>
#include <string.h>

#include "randtrace.h"
#include "randtrace_impl.h"

static bool is_guard(unsigned opc) { return opc != ARMJIT_OP_FINISH && rt_is_exit(opc); }

static bool is_call(unsigned opc) {
  return opc == ARMJIT_OP_CALL || opc == ARMJIT_OP_CALL_MAY_FORCE ||
         opc == ARMJIT_OP_COND_CALL || opc == ARMJIT_OP_COND_CALL_VALUE;
}

static bool is_exc_guard(unsigned opc) {
  return opc == ARMJIT_OP_GUARD_NO_EXCEPTION || opc == ARMJIT_OP_GUARD_EXCEPTION;
}

static int32_t zero_const(rt_trace *g, armjit_type ty) {
  armjit_value v;
  memset(&v, 0, sizeof v);
  return rt_add_const(g, ty, v);
}

/* Replace every use of value v by a zero constant.  False when v is a
 * label arg (label args must stay variables), a used pinned value (an
 * object or call target: zero would be dereferenced) or on out-of-memory. */
static bool replace_uses(rt_trace *g, int32_t v) {
  int32_t c = 0;
  if (RT_PINNED(g->vkind[v]) && rt_value_used(g, v)) return false;
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

/* Kill the guards that must directly follow call op `call`:
 * guard_not_forced after call_may_force, then an exception guard. */
static bool kill_call_guards(rt_trace *g, uint32_t call) {
  int32_t j = next_live(g, call);
  if (j >= 0 && g->ops[j].opc == ARMJIT_OP_GUARD_NOT_FORCED) {
    g->ops[j].dead = true;
    j = next_live(g, (uint32_t)j);
  }
  if (j >= 0 && is_exc_guard(g->ops[j].opc)) {
    if (g->ops[j].res >= 0 && !replace_uses(g, g->ops[j].res)) return false;
    g->ops[j].dead = true;
  }
  return true;
}

/* Remove op i (keeping the ovf+guard and call+guard pairing rules). */
static bool kill_op(rt_trace *g, uint32_t i) {
  rt_op *op = &g->ops[i];
  if (op->opc == ARMJIT_OP_GUARD_NOT_FORCED) { /* only with its call */
    int32_t j = prev_live(g, i);
    return j >= 0 && is_call(g->ops[j].opc) && kill_op(g, (uint32_t)j);
  }
  if (is_call(op->opc) && !kill_call_guards(g, i)) return false;
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

static bool in_list(const rt_trace *g, const rt_op *op, int32_t v) {
  for (uint32_t k = 0; k < op->nlist; k++)
    if (g->pool[op->list + k] == v) return true;
  return false;
}

/* Drop label arg k of label op L, and v from every later label (with the
 * matching args of the jumps to them); uses of v after L become zero. */
static bool drop_label_arg(rt_trace *c, uint32_t L, uint32_t k) {
  int32_t v = c->pool[c->ops[L].list + k];
  if (v == c->counter) return false;
  int32_t z = zero_const(c, c->vtype[v]);
  if (z == 0) return false;
  for (uint32_t i = L; i < c->nops; i++) {
    rt_op *op = &c->ops[i];
    if (op->dead || op->opc != ARMJIT_OP_LABEL) continue;
    for (uint32_t j = op->nlist; j-- > 0;) {
      if (c->pool[op->list + j] != v) continue;
      list_remove(c, op, j);
      for (uint32_t m = i + 1; m < c->nops; m++)
        if (!c->ops[m].dead && c->ops[m].opc == ARMJIT_OP_JUMP && c->ops[m].target == (int32_t)i)
          list_remove(c, &c->ops[m], j);
    }
  }
  for (uint32_t i = L + 1; i < c->nops; i++) {
    rt_op *op = &c->ops[i];
    if (op->dead || op->opc == ARMJIT_OP_LABEL) continue;
    for (uint32_t j = 0; j < op->na + op->nlist; j++) {
      int32_t *p = j < op->na ? &op->a[j] : &c->pool[op->list + j - op->na];
      if (*p != v) continue;
      if (RT_PINNED(c->vkind[v])) return false; /* an object stays an object */
      *p = z;
    }
  }
  return true;
}

static bool pass_label_args(shrinker *s) {
  bool progress = false;
  for (uint32_t L = 0; L < s->g->nops; L++) {
    if (s->g->ops[L].dead || s->g->ops[L].opc != ARMJIT_OP_LABEL) continue;
    for (uint32_t k = s->g->ops[L].nlist; k-- > 0;) {
      if (k >= s->g->ops[L].nlist) continue;
      rt_trace c;
      if (!rt_trace_copy(&c, s->g)) return progress;
      if (!drop_label_arg(&c, L, k)) { rt_trace_clear(&c); continue; }
      progress |= accept(s, &c);
    }
  }
  return progress;
}

/* A label no jump targets can go: before the next label everything
 * defined so far is live anyway. */
static bool pass_labels(shrinker *s) {
  bool progress = false;
  for (uint32_t L = 0; L < s->g->nops; L++) {
    if (s->g->ops[L].dead || s->g->ops[L].opc != ARMJIT_OP_LABEL) continue;
    bool target = false;
    for (uint32_t i = L + 1; i < s->g->nops; i++)
      target |= !s->g->ops[i].dead && s->g->ops[i].opc == ARMJIT_OP_JUMP &&
                s->g->ops[i].target == (int32_t)L;
    if (target) continue;
    rt_trace c;
    if (!rt_trace_copy(&c, s->g)) return progress;
    c.ops[L].dead = true;
    progress |= accept(s, &c);
  }
  return progress;
}

/* Op index defining v (-1 for inputs). */
static int32_t def_op(const rt_trace *g, int32_t v) {
  if ((uint32_t)v < g->ninputs) return -1;
  for (uint32_t i = 0; i < g->nops; i++)
    if (g->ops[i].res == v) return (int32_t)i;
  return -1;
}

/* May op j use variable v (label rule)? */
static bool live_at(const rt_trace *g, uint32_t j, int32_t v) {
  int32_t d = def_op(g, v);
  if (d >= (int32_t)j || (d >= 0 && g->ops[d].dead)) return false;
  for (uint32_t i = j; i-- > 0;) {
    const rt_op *op = &g->ops[i];
    if (op->dead || op->opc != ARMJIT_OP_LABEL) continue;
    return in_list(g, op, v) || d > (int32_t)i;
  }
  return true;
}

/* Operands become zero constants (their producers may then go). */
static bool pass_operands(shrinker *s) {
  bool progress = false;
  for (uint32_t i = 0; i < s->g->nops; i++) {
    const rt_op *op = &s->g->ops[i];
    if (op->dead || (op->flags & RT_OPF_COUNTER)) continue;
    /* operands, and a call's arguments (its list after the target) */
    uint32_t na = op->na, nl = is_call(op->opc) ? op->nlist : 0;
    for (uint32_t k = 0; k < na + nl; k++) {
      const rt_op *o = &s->g->ops[i];
      int32_t v = k < na ? o->a[k] : s->g->pool[o->list + k - na];
      if (RT_IS_CONST(v) || RT_PINNED(s->g->vkind[v]) || (k >= na && k == na)) continue;
      rt_trace c;
      if (!rt_trace_copy(&c, s->g)) return progress;
      int32_t z = zero_const(&c, c.vtype[v]);
      if (z == 0) { rt_trace_clear(&c); return progress; }
      if (k < na) c.ops[i].a[k] = z;
      else c.pool[c.ops[i].list + k - na] = z;
      progress |= accept(s, &c);
    }
  }
  return progress;
}

/* Jump args: the label's own arg (no move) or a zero constant. */
static bool pass_jump_args(shrinker *s) {
  bool progress = false;
  for (uint32_t j = 0; j < s->g->nops; j++) {
    const rt_op *op = &s->g->ops[j];
    if (op->dead || op->opc != ARMJIT_OP_JUMP || op->target < 0) continue;
    for (uint32_t k = 0; k < op->nlist; k++) {
      const rt_op *L = &s->g->ops[s->g->ops[j].target];
      int32_t la = s->g->pool[L->list + k], cur = s->g->pool[s->g->ops[j].list + k];
      if (la == s->g->counter || cur == la) continue;
      rt_trace c;
      if (!rt_trace_copy(&c, s->g)) return progress;
      if (live_at(&c, j, la)) {
        c.pool[c.ops[j].list + k] = la;
      } else if (!RT_IS_CONST(cur) && !RT_PINNED(c.vkind[la])) {
        int32_t z = zero_const(&c, c.vtype[la]);
        if (z == 0) { rt_trace_clear(&c); return progress; }
        c.pool[c.ops[j].list + k] = z;
      } else {
        rt_trace_clear(&c);
        continue;
      }
      progress |= accept(s, &c);
    }
  }
  return progress;
}

static bool pass_inputs(shrinker *s) {
  bool progress = false;
  for (uint32_t i = 0; i < s->g->ninputs; i++) {
    if (s->g->input_dead[i]) continue;
    rt_trace c;
    if (!rt_value_used(s->g, (int32_t)i)) {
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
    p |= pass_labels(&s);
    p |= pass_label_args(&s);
    p |= pass_jump_args(&s);
    p |= pass_operands(&s);
    p |= pass_inputs(&s);
    if (!p) break;
  }
  return s.steps;
}
