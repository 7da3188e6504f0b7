/* SPDX-License-Identifier: MIT */
/* Values known before lowering: a forward walk over the trace, before the
 * longevity pre-pass, that replaces uses of a value whose value is known
 * by that value.  Known are
 *
 *   after guard_true(c), c a compare (0/1):   c is 1
 *   after guard_false(x), any int x:          x is 0
 *   after guard_value(x, k), x an int or i64, k a constant: x is k
 *   after guard_true(int_eq(x, k)) or guard_false(int_ne(x, k)) (and the
 *   llong ones), k a constant, the compare made since the last label:
 *                                             x is k
 *   after guard_true(int_is_zero(x)) or guard_false(int_is_true(x)), the
 *   same:                                     x is 0
 *   at guard_true(x)'s own exit, any int x:   x is 0
 *   at guard_false(c)'s own exit, c a compare: c is 1
 *     (a compare: made by a compare op since the last label; a label's
 *     argument is whatever the jump passes, 0/1 or not)
 *   an int op of constants (ir_sem_int2, ir_sem_int1): the constant it
 *   computes
 *   a float or i64 op of constants (ir_sem_float2, ir_sem_fcmp,
 *   ir_sem_llong2, ir_sem_lcmp, float_neg, float_abs, float_sqrt,
 *   cast_float_to_int, cast_int_to_float, llong_neg, llong_invert): the
 *   constant it computes, with the bits the VFP would give (ir/sem.h)
 *   x + 0, x - 0, x | 0, x ^ 0, x << 0, x >> 0, x & -1, x * 1, x | x, x & x:
 *                                             x
 *
 * and the uses replaced are the arguments of the ops that take a constant
 * wherever they take an int, a float or an i64 (their arithmetic,
 * compares and casts, memory ops, calls: takes_consts), the fail args of
 * guards, the arguments of jump and finish, and those of guard_true,
 * guard_false and guard_value: such a guard on constants only never fails
 * (it emits nothing) or always does (a plain branch to its exit;
 * cg_guard.c).  A compare whose other uses all go is then fused into its
 * guard (one `cmp; b<cc>` instead of `cmp; mov; mov<cc>; cmp #0; b<cc>`),
 * and an op whose uses all go is dead for the pre-pass (ra_live_build).  A label
 * forgets everything: after it, its arguments are the loop's variables.
 * Labels' own arguments are never replaced.
 *
 * The walk works on a copy of the trace header with copies of the
 * argument pool and the constant table (made first: nearly every trace has
 * a guard on a compare, which makes a constant), which every later stage
 * of the compile reads instead of the trace. */
#include "cg/cg_internal.h"
#include "ir/sem.h"

#include <string.h>

/* Ops whose arguments may be constants or values alike; folds: the op
 * is one the walk folds (ir_sem_int2's, is_const_binary's or
 * is_const_unary's: the caller has asked already). */
static bool takes_consts(unsigned opc, unsigned flags, bool folds) {
  if (folds) return true;
  if ((flags & (ARMJIT_OPF_LOAD | ARMJIT_OPF_STORE)) && !(flags & ARMJIT_OPF_GC)) return true;
  switch (opc) {
  case ARMJIT_OP_INT_ADD_OVF: case ARMJIT_OP_INT_SUB_OVF: case ARMJIT_OP_INT_MUL_OVF:
  case ARMJIT_OP_INT_NEG: case ARMJIT_OP_INT_INVERT: case ARMJIT_OP_INT_FORCE_GE_ZERO:
  case ARMJIT_OP_INT_IS_TRUE: case ARMJIT_OP_INT_IS_ZERO: case ARMJIT_OP_CAST_INT_TO_FLOAT:
  case ARMJIT_OP_CALL: case ARMJIT_OP_CALL_MAY_FORCE:
  case ARMJIT_OP_JUMP: case ARMJIT_OP_FINISH:  /* not constant-taking: replaced all the same */
    return true;
  default:
    return false;
  }
}

typedef struct {
  cg *c;
  armjit_trace *t;      /* the copy (c->known_t) */
  const armjit_trace *orig;
  ir_ref *map;          /* per ref of the trace as given, value or constant:
                           what it is replaced by, itself when nothing
                           (indexed by the ref: the constants below 0) */
  ir_ref *map_base;     /* (the allocation: map - nconsts) */
  uint32_t *set;        /* values with a replacement (to forget at labels) */
  uint32_t nset;
  ir_ref k[2];          /* the constants 0 and 1, once made */
  int32_t label;        /* index of the last label passed, -1 none */
  bool nomem;
  uint8_t cls[ARMJIT_OP__COUNT];  /* per opcode: what the walk does (op_class) */
} kw;

/* What the walk does with an op, by opcode (made once per walk from the
 * predicates above, so the walk does not ask them again per op). */
enum {
  K_LABEL = 1,    /* forget everything */
  K_GUARD,        /* rewrite its fail args; K_REWRITE too: its args */
  K_INT2,         /* an ir_sem_int2 op: args rewritten, result folded (fold) */
  K_OTHER,        /* is_const_binary's or is_const_unary's: args rewritten,
                     result folded (fold_consts) */
  K_KIND = 7,     /* (mask: the kind above, 0 none) */
  K_REWRITE = 8,  /* flag: the args are rewritten (takes_consts) */
};

/* The copy's own refs and consts. */
static bool copy_arrays(kw *w) {
  armjit_ctx *ctx = w->c->ctx;
  const armjit_trace *o = w->orig;
  ir_ref *refs = ajx_alloc(ctx, (o->nrefs ? o->nrefs : 1) * sizeof *refs);
  /* Room for every constant the walk can make (0, 1 and one per value
   * folded), so the table is never copied again; only the part used is
   * touched. */
  uint32_t room = o->nconsts + o->nvals + 2;
  ir_const *consts = ajx_alloc(ctx, (size_t)room * sizeof *consts);
  if (!refs || !consts) {
    ajx_free(ctx, refs);
    ajx_free(ctx, consts);
    w->nomem = true;
    return false;
  }
  if (o->nrefs) memcpy(refs, o->refs, o->nrefs * sizeof *refs);
  if (o->nconsts) memcpy(consts, o->consts, o->nconsts * sizeof *consts);
  w->t->refs = refs;
  w->t->consts = consts;
  w->t->capconsts = room;
  w->c->known_refs = refs;
  w->c->known_consts = consts;
  return true;
}

/* A new entry of the copy's table, of type `type`, all bits 0 (the
 * caller sets its value); NULL out of memory. */
static ir_const *new_const(kw *w, armjit_type type, ir_ref *r) {
  armjit_trace *t = w->t;
  if (t->nconsts == t->capconsts) {
    uint32_t cap = t->capconsts * 2;
    ir_const *n = ajx_realloc(w->c->ctx, t->consts, cap * sizeof *n);
    if (!n) { w->nomem = true; return NULL; }
    t->consts = w->c->known_consts = n;
    t->capconsts = cap;
  }
  ir_const *k = &t->consts[t->nconsts];
  memset(k, 0, sizeof *k);
  k->type = type;
  *r = IR_CONST(t->nconsts++);
  return k;
}

/* The int constant v (0 and 1 once: int_const looks those up first). */
static ir_ref new_int_const(kw *w, int32_t v) {
  ir_ref r = IR_NONE;
  ir_const *k = new_const(w, ARMJIT_INT, &r);
  if (!k) return IR_NONE;
  k->v.i = v;
  if (v == 0 || v == 1) w->k[v] = r;
  return r;
}
static inline ir_ref int_const(kw *w, int32_t v) {
  if ((v == 0 || v == 1) && w->k[v] != IR_NONE) return w->k[v];
  return new_int_const(w, v);
}

static void know(kw *w, ir_ref v, ir_ref to) {
  if (to == IR_NONE || to == v) return;
  if (w->map[v] == v) w->set[w->nset++] = (uint32_t)v;
  w->map[v] = to;
}

/* Replace known values in refs [at, at+n) of the copy: one load each, no
 * test (a ref nothing is known of maps to itself); what is looked up is
 * the trace's own ref there, never one the walk made. */
static inline void rewrite(kw *w, uint32_t at, uint32_t n) {
  ir_ref *refs = w->t->refs + at;
  const ir_ref *orig = ir_refs_at(w->orig, at), *map = w->map;
  for (uint32_t k = 0; k < n; k++) refs[k] = map[orig[k]];
}

/* rewrite, with `except` (a value) replaced by `as` instead. */
static void rewrite_except(kw *w, uint32_t at, uint32_t n, ir_ref except, ir_ref as) {
  ir_ref *refs = w->t->refs + at;
  const ir_ref *orig = ir_refs_at(w->orig, at), *map = w->map;
  for (uint32_t k = 0; k < n; k++) refs[k] = orig[k] == except ? as : map[orig[k]];
}

/* The ops of one argument fold_consts folds. */
static bool is_const_unary(unsigned opc) {
  int32_t i;
  return ir_sem_int1(opc, 0, &i) || opc == ARMJIT_OP_FLOAT_NEG ||
         opc == ARMJIT_OP_FLOAT_ABS || opc == ARMJIT_OP_FLOAT_SQRT ||
         opc == ARMJIT_OP_CAST_FLOAT_TO_INT || opc == ARMJIT_OP_CAST_INT_TO_FLOAT ||
         opc == ARMJIT_OP_LLONG_NEG || opc == ARMJIT_OP_LLONG_INVERT;
}

/* The float and i64 ops of two arguments fold_consts folds. */
static bool is_const_binary(unsigned opc) {
  int32_t i;
  double d;
  int64_t l;
  return ir_sem_float2(opc, 0, 0, &d) || ir_sem_fcmp(opc, 0, 0, &i) ||
         ir_sem_llong2(opc, 0, 0, &l) || ir_sem_lcmp(opc, 0, 0, &i);
}

/* v is 0 or 1: the result of a compare since the last label.  (A value
 * from before it is a label argument here: what its compare made holds
 * in the first iteration only.) */
static bool is_cmp(const kw *w, ir_ref v) {
  const armjit_trace *t = w->orig;
  return v >= 0 && t->vdef[v] > w->label &&
         (ir_info(t->ops[t->vdef[v]].opc)->flags & ARMJIT_OPF_CMP) != 0;
}

/* After guard_true(c), c = int_eq(x, k) or llong_eq(x, k) made since the
 * last label, k a constant (either side): x is k; so after guard_false
 * of int_ne or llong_ne; and x is 0 after guard_true(int_is_zero(x)) or
 * guard_false(int_is_true(x)). */
static void equal_after(kw *w, const ir_op *op, ir_ref c) {
  if ((op->opc != ARMJIT_OP_GUARD_TRUE && op->opc != ARMJIT_OP_GUARD_FALSE) || c < 0 ||
      !is_cmp(w, c))
    return;
  const ir_op *cmp = &w->orig->ops[w->orig->vdef[c]];
  if (cmp->opc == (op->opc == ARMJIT_OP_GUARD_TRUE ? ARMJIT_OP_INT_IS_ZERO
                                                   : ARMJIT_OP_INT_IS_TRUE)) {
    ir_ref x = ir_refs_at(w->t, cmp->args)[0];
    if (x >= 0) know(w, x, int_const(w, 0));
    return;
  }
  bool eq = cmp->opc == ARMJIT_OP_INT_EQ || cmp->opc == ARMJIT_OP_LLONG_EQ;
  bool ne = cmp->opc == ARMJIT_OP_INT_NE || cmp->opc == ARMJIT_OP_LLONG_NE;
  if (!(op->opc == ARMJIT_OP_GUARD_TRUE ? eq : ne)) return;
  const ir_ref *a = ir_refs_at(w->t, cmp->args);  /* (after replacement) */
  if (a[0] >= 0 && IR_IS_CONST(a[1])) know(w, a[0], a[1]);
  else if (a[1] >= 0 && IR_IS_CONST(a[0])) know(w, a[1], a[0]);
}

/* A new constant of type `type` and value x (a float or an i64). */
static ir_ref value_const(kw *w, armjit_type type, armjit_value x) {
  ir_ref r = IR_NONE;
  ir_const *k = new_const(w, type, &r);
  if (k) k->v = x;
  return r;
}
static ir_ref float_const(kw *w, double d) {
  return value_const(w, ARMJIT_FLOAT, (armjit_value){.f = d});
}
static ir_ref llong_const(kw *w, int64_t l) {
  return value_const(w, ARMJIT_I64, (armjit_value){.l = l});
}

/* What op `op` of is_const_unary's or is_const_binary's (arguments a,
 * after replacement) is known to be: a constant when its arguments are
 * (ir/sem.h computes it); IR_NONE. */
static ir_ref fold_consts(kw *w, const ir_op *op, const ir_ref *a) {
  const armjit_trace *t = w->t;
  for (uint32_t k = 0; k < op->nargs; k++)
    if (!IR_IS_CONST(a[k])) return IR_NONE;
  armjit_value x = ir_const_of(t, a[0])->v, y = {.bits = 0};
  if (op->nargs == 2) y = ir_const_of(t, a[1])->v;
  double d;
  int64_t l;
  int32_t i;
  switch (op->opc) {
  case ARMJIT_OP_FLOAT_NEG: return float_const(w, ir_sem_fneg(x.f));
  case ARMJIT_OP_FLOAT_ABS: return float_const(w, ir_sem_fabs(x.f));
  case ARMJIT_OP_FLOAT_SQRT: return float_const(w, ir_sem_fsqrt(x.f));
  case ARMJIT_OP_CAST_FLOAT_TO_INT: return int_const(w, ir_sem_f2i(x.f));
  case ARMJIT_OP_CAST_INT_TO_FLOAT: return float_const(w, (double)x.i);
  case ARMJIT_OP_LLONG_NEG: return llong_const(w, ir_sem_lneg(x.l));
  case ARMJIT_OP_LLONG_INVERT: return llong_const(w, ~x.l);
  default:
    if (ir_sem_int1(op->opc, x.i, &i)) return int_const(w, i);
    if (ir_sem_float2(op->opc, x.f, y.f, &d)) return float_const(w, d);
    if (ir_sem_fcmp(op->opc, x.f, y.f, &i)) return int_const(w, i);
    if (ir_sem_llong2(op->opc, x.l, y.l, &l)) return llong_const(w, l);
    if (ir_sem_lcmp(op->opc, x.l, y.l, &i)) return int_const(w, i);
    return IR_NONE;
  }
}

/* What int op `op` of a and b (after replacement) is known to be. */
static ir_ref fold(kw *w, const ir_op *op, ir_ref a, ir_ref b) {
  const armjit_trace *t = w->t;
  bool ka = IR_IS_CONST(a), kb = IR_IS_CONST(b);
  int32_t va = ka ? ir_const_of(t, a)->v.i : 0, vb = kb ? ir_const_of(t, b)->v.i : 0, r;
  if (ka && kb) return ir_sem_int2(op->opc, va, vb, &r) ? int_const(w, r) : IR_NONE;
  switch (op->opc) {
  case ARMJIT_OP_INT_ADD: case ARMJIT_OP_INT_OR: case ARMJIT_OP_INT_XOR:
    if (kb && vb == 0) return a;
    if (ka && va == 0) return b;
    if (op->opc == ARMJIT_OP_INT_OR && a == b) return a;
    return IR_NONE;
  case ARMJIT_OP_INT_SUB: case ARMJIT_OP_INT_LSHIFT: case ARMJIT_OP_INT_RSHIFT:
  case ARMJIT_OP_UINT_RSHIFT:
    return kb && vb == 0 ? a : IR_NONE;
  case ARMJIT_OP_INT_AND:
    if (kb && vb == -1) return a;
    if (ka && va == -1) return b;
    return a == b ? a : IR_NONE;
  case ARMJIT_OP_INT_MUL:
    if (kb && vb == 1) return a;
    return ka && va == 1 ? b : IR_NONE;
  default:
    return IR_NONE;
  }
}

/* Guard op: its fail args rewritten (at its own exit, what failing it
 * says), then what passing it teaches. */
static void guard(kw *w, const ir_op *op) {
  const armjit_trace *o = w->orig;
  ir_ref g = IR_NONE, at_exit = IR_NONE, after = IR_NONE;
  if (op->opc == ARMJIT_OP_GUARD_VALUE) {  /* x == k after it, k a constant */
    const ir_ref *x = ir_args(o, op), *k = ir_refs_at(w->t, op->args);
    int u = x[0] >= 0 && IR_IS_CONST(k[1]) ? 0 : x[1] >= 0 && IR_IS_CONST(k[0]) ? 1 : -1;
    if (u >= 0 && (o->vtype[x[u]] == ARMJIT_INT || o->vtype[x[u]] == ARMJIT_I64)) {
      g = x[u];
      after = k[1 - u];
    }
  }
  if (op->opc == ARMJIT_OP_GUARD_TRUE || op->opc == ARMJIT_OP_GUARD_FALSE) {
    g = ir_args(o, op)[0];
    bool cmp = is_cmp(w, g), want = op->opc == ARMJIT_OP_GUARD_TRUE;
    if (g >= 0 && o->vtype[g] == ARMJIT_INT) {
      if (want || cmp) at_exit = int_const(w, want ? 0 : 1);
      if (!want || cmp) after = int_const(w, want ? 1 : 0);
    }
  }
  if (at_exit == IR_NONE) rewrite(w, ir_fail_at(op), op->nfail);
  else rewrite_except(w, ir_fail_at(op), op->nfail, g, at_exit);
  if (after != IR_NONE) know(w, g, after);
  equal_after(w, op, g);
}

static uint8_t op_class(unsigned opc) {
  unsigned flags = ir_info(opc)->flags;
  if (opc == ARMJIT_OP_LABEL) return K_LABEL;
  if (flags & ARMJIT_OPF_GUARD) {  /* none is an ir_sem_int2 op */
    bool value_guard = opc == ARMJIT_OP_GUARD_TRUE || opc == ARMJIT_OP_GUARD_FALSE ||
                       opc == ARMJIT_OP_GUARD_VALUE;
    return K_GUARD | (value_guard || takes_consts(opc, flags, false) ? K_REWRITE : 0);
  }
  bool int2 = ir_sem_int2(opc, 0, 1, &(int32_t){0});
  bool other = !int2 && (is_const_binary(opc) || is_const_unary(opc));
  return (int2 ? K_INT2 : other ? K_OTHER : 0) |
         (takes_consts(opc, flags, int2 || other) ? K_REWRITE : 0);
}

armjit_status cg_known_values(cg *c) {
  const armjit_trace *o = c->t;
  kw w = {c, &c->known_t, o, NULL, NULL, NULL, 0, {IR_NONE, IR_NONE}, -1, false, {0}};
  c->known_t = *o;
  size_t below = o->nconsts, nmap = below + o->nvals;
  w.map_base = ajx_alloc(c->ctx, (nmap ? nmap : 1) * sizeof *w.map_base);
  w.set = ajx_alloc(c->ctx, (o->nvals ? o->nvals : 1) * sizeof *w.set);
  if (!w.map_base || !w.set || !copy_arrays(&w)) {
    ajx_free(c->ctx, w.map_base);
    ajx_free(c->ctx, w.set);
    return ARMJIT_E_NOMEM;
  }
  w.map = w.map_base + below;
  for (size_t k = 0; k < nmap; k++) w.map_base[k] = (ir_ref)((int64_t)k - (int64_t)below);
  for (unsigned opc = 0; opc < ARMJIT_OP__COUNT; opc++) w.cls[opc] = op_class(opc);
  for (uint32_t i = 0; i < o->nops && !w.nomem; i++) {
    const ir_op *op = &o->ops[i];
    unsigned cls = w.cls[op->opc];
    if (!cls) continue;
    if (cls == K_LABEL) {
      while (w.nset) {
        uint32_t v = w.set[--w.nset];
        w.map[v] = (ir_ref)v;
      }
      w.label = (int32_t)i;
      continue;
    }
    if (cls & K_REWRITE) rewrite(&w, op->args, op->nargs);
    if ((cls & K_KIND) == K_GUARD) {
      guard(&w, op);
      continue;
    }
    if (op->res < 0 || (cls & K_KIND) == 0) continue;
    const ir_ref *a = ir_refs_at(w.t, op->args);
    if ((cls & K_KIND) == K_INT2 && op->nargs == 2 && op->type == ARMJIT_INT)
      know(&w, op->res, fold(&w, op, a[0], a[1]));
    else if ((cls & K_KIND) == K_OTHER)
      know(&w, op->res, fold_consts(&w, op, a));
  }
  ajx_free(c->ctx, w.map_base);
  ajx_free(c->ctx, w.set);
  if (w.nomem) return ARMJIT_E_NOMEM;
  c->t = &c->known_t;
  return ARMJIT_OK;
}
