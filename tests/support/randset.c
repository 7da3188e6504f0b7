/* SPDX-License-Identifier: MIT */
/* randset: random sets of loops and bridges (randset.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "randset.h"
#include "randtrace_impl.h"

/* ---- small pieces ------------------------------------------------------------------ */
static int32_t find_in_list(const rt_trace *g, const rt_op *op, int32_t v) {
  for (uint32_t k = 0; k < op->nlist; k++)
    if (g->pool[op->list + k] == v) return (int32_t)k;
  return -1;
}

/* Append v to op's list (its list moves to the end of the pool). */
static bool list_append(rt_trace *g, uint32_t opi, int32_t v) {
  rt_op *op = &g->ops[opi];
  uint32_t n = op->nlist;
  if (!rt_grow((void **)&g->pool, &g->cappool, g->npool + n + 1, sizeof *g->pool)) return false;
  memmove(g->pool + g->npool, g->pool + op->list, n * sizeof *g->pool);
  g->pool[g->npool + n] = v;
  op->list = g->npool;
  op->nlist = n + 1;
  g->npool += n + 1;
  return true;
}

static int exit_number(const rt_trace *g, uint32_t opi) {
  int n = 0;
  for (uint32_t i = 0; i < opi; i++) n += !g->ops[i].dead && rt_is_exit(g->ops[i].opc);
  return n;
}

/* Labels of trace g: op indices into out (at most max); their count. */
static unsigned labels_of(const rt_trace *g, uint32_t *out, unsigned max) {
  unsigned n = 0;
  for (uint32_t i = 0; i < g->nops && n < max; i++)
    if (!g->ops[i].dead && g->ops[i].opc == ARMJIT_OP_LABEL) out[n++] = i;
  return n;
}

/* Every label gets a name, <trace>_L<k>, unique in the set. */
static void name_labels(rt_trace *g, const char *trace) {
  for (uint32_t i = 0; i < g->nops; i++)
    if (g->ops[i].opc == ARMJIT_OP_LABEL) g->ops[i].flags |= RT_OPF_NAMED;
  size_t n = strlen(trace);
  if (n > sizeof g->label_prefix - 2) n = sizeof g->label_prefix - 2;
  memmove(g->label_prefix, trace, n);
  g->label_prefix[n] = '_';
  g->label_prefix[n + 1] = 0;
}

static void label_name(const rt_trace *g, uint32_t opi, char *buf, size_t n) {
  int k = 0;
  for (uint32_t j = 0; j < opi; j++) k += !g->ops[j].dead && g->ops[j].opc == ARMJIT_OP_LABEL;
  if (k) snprintf(buf, n, "%sL%d", g->label_prefix, k);
  else snprintf(buf, n, "%sL", g->label_prefix);
}

/* Insert op (already appended at the end of g->ops) before g's final
 * jump. */
static void move_before_jump(rt_trace *g) {
  uint32_t n = g->nops;
  if (n < 2 || g->ops[n - 2].opc != ARMJIT_OP_JUMP) return;
  rt_op j = g->ops[n - 2];
  g->ops[n - 2] = g->ops[n - 1];
  g->ops[n - 1] = j;
  /* jump targets are op indices: the label is before both, unchanged */
}

/* ---- bridges -------------------------------------------------------------------------- */
typedef struct {
  rs_end end;
  char label[32];            /* jumps: the target label's name */
  const armjit_type *types;  /* its argument types */
  uint32_t nargs;
  int32_t cpos;              /* where its counter goes */
} end_spec;

/* The counter decremented and checked (leave when it would go below 0),
 * then the jump to another trace's label. */
static void end_jump(rt_gen *s, const end_spec *e) {
  rt_trace *g = s->g;
  int32_t a[2] = {g->counter, rt_g_int_const(s, 1)};
  int32_t c1 = rt_g_emit(s, ARMJIT_OP_INT_SUB, a, 2, RT_OPF_COUNTER);
  a[0] = c1;
  a[1] = rt_g_int_const(s, 0);
  a[0] = rt_g_emit(s, ARMJIT_OP_INT_GE, a, 2, RT_OPF_COUNTER);
  rt_g_emit_guard(s, ARMJIT_OP_GUARD_TRUE, a, 1, RT_OPF_COUNTER);
  if (s->oom) return;
  int32_t *args = malloc((e->nargs + 1) * sizeof *args);
  if (!args) { s->oom = true; return; }
  for (uint32_t k = 0; k < e->nargs; k++) {
    int32_t v = -1;
    if ((int32_t)k == e->cpos) v = c1;
    else if (rt_chance(s->r, 75)) v = rt_g_pick_var(s, e->types[k], s->c->live + 4);
    if (v < 0 || (v >= 0 && rt_ref_type(g, v) != e->types[k])) v = rt_g_rand_const(s, e->types[k]);
    args[k] = v;
  }
  int32_t j = s->oom ? -1 : rt_add_op(g, ARMJIT_OP_JUMP, ARMJIT_VOID, NULL, 0, args, e->nargs, 0);
  free(args);
  if (j < 0) { s->oom = true; return; }
  g->ops[j].target = RT_TARGET_EXTERNAL;
  snprintf(g->xlabel, sizeof g->xlabel, "%s", e->label);
}

/* A bridge with inputs of the given types and kinds, input cpos its
 * counter. */
static bool gen_bridge(rt_rng *r, const rt_config *cfg, const armjit_type *types,
                       const uint8_t *kinds, uint32_t n, uint32_t cpos, const end_spec *e,
                       rt_trace *out) {
  memset(out, 0, sizeof *out);
  out->counter = -1;
  out->loop = e->end == RS_END_OWN_LOOP;
  rt_gen s = {.r = r, .c = cfg, .g = out};
  out->ninputs = n;
  out->input = calloc(n + 1, sizeof *out->input);
  out->input_dead = calloc(n + 1, sizeof *out->input_dead);
  if (!out->input || !out->input_dead) s.oom = true;
  for (uint32_t i = 0; i < n && !s.oom; i++) {
    int32_t v = rt_new_val(out, types[i]);
    if (v < 0 || !rt_g_avail_push(&s, v)) s.oom = true;
    else out->vkind[v] = kinds[i];
  }
  out->gc = out->env = cfg->gc_pct != 0;
  out->counter = (int32_t)cpos;
  if (!s.oom) {
    if (e->end == RS_END_FINISH) {
      rt_g_straight(&s);
    } else if (e->end == RS_END_OWN_LOOP) {
      rt_g_loop(&s);
    } else {
      for (unsigned i = 0; i < cfg->nops && !s.oom; i++) rt_g_body_op(&s);
      end_jump(&s, e);
    }
  }
  free(s.avail);
  free(s.tmp);
  if (s.oom) rt_trace_clear(out);
  return !s.oom;
}

static unsigned root_of(const rs_set *s, unsigned i) {
  while (s->parent[i] >= 0) i = (unsigned)s->parent[i];
  return i;
}

static bool has_bridge(const rs_set *s, unsigned p, uint32_t op) {
  for (unsigned i = 0; i < s->n; i++)
    if (s->parent[i] == (int)p && s->guard_op[i] == op) return true;
  return false;
}

/* A jump target: a label of loop `l`. */
static bool pick_label(rt_rng *r, const rs_set *s, unsigned l, end_spec *e,
                       armjit_type *types) {
  const rt_trace *g = &s->g[l];
  uint32_t labs[8];
  unsigned nl = labels_of(g, labs, 8);
  if (!nl) return false;
  uint32_t li = labs[rt_below(r, nl)];
  const rt_op *op = &g->ops[li];
  label_name(g, li, e->label, sizeof e->label);
  e->nargs = op->nlist;
  for (uint32_t k = 0; k < op->nlist; k++) types[k] = rt_ref_type(g, g->pool[op->list + k]);
  e->types = types;
  e->cpos = find_in_list(g, op, g->counter);
  return e->cpos >= 0;
}

/* The guard a run of the set so far leaves at (from a random loop, on
 * its inputs), when it can take a bridge: so that bridges are reached. */
static bool reached_guard(rt_rng *r, armjit_ctx *ctx, rs_set *s, unsigned *p,
                          uint32_t *gi) {
  armjit_set_entry *set = rs_build(ctx, s);
  if (!set) return false;
  unsigned l = rt_below(r, s->nloops), e = 0;
  uint32_t n;
  rt_env *env = s->gc ? (rt_env *)&s->env : NULL;
  if (env) rt_env_reset(env);
  armjit_value *in = rt_inputs(&s->g[l], env, &n);
  armjit_frame *f = armjit_frame_new(ctx, 1024);
  bool ok = false;
  if (in && f) {
    for (uint32_t k = 0; k < n && k < 1024; k++) f->values[k] = in[k];
    ok = armjit_interpret_set(set, s->n, l, NULL, f, 1000000, &e, NULL) == ARMJIT_OK;
  }
  if (ok) {
    int32_t op = rt_exit_op(&s->g[e], f->exit_id);
    ok = op >= 0 && s->g[e].ops[op].opc != ARMJIT_OP_FINISH && s->depth[e] < RS_MAX_DEPTH &&
         !has_bridge(s, e, (uint32_t)op);
    *p = e;
    *gi = (uint32_t)op;
  }
  armjit_frame_free(ctx, f);
  free(in);
  for (unsigned i = 0; i < s->n; i++) armjit_trace_free(set[i].trace);
  free(set);
  return ok;
}

static bool add_bridge(rt_rng *r, armjit_ctx *ctx, rs_set *s) {
  unsigned p;
  uint32_t gi;
  if (!rt_chance(r, 60) || !reached_guard(r, s->gc ? s->gctx : ctx, s, &p, &gi)) {
    unsigned cands[RS_MAX], nc = 0;
    for (unsigned i = 0; i < s->n; i++)
      if (s->depth[i] < RS_MAX_DEPTH) cands[nc++] = i;
    p = cands[rt_below(r, nc)];
    rt_trace *pg = &s->g[p];
    /* a guard of p without a bridge */
    uint32_t guards[256], ng = 0;
    for (uint32_t i = 0; i < pg->nops && ng < 256; i++) {
      unsigned opc = pg->ops[i].opc;
      if (!pg->ops[i].dead && rt_is_exit(opc) && opc != ARMJIT_OP_FINISH && !has_bridge(s, p, i))
        guards[ng++] = i;
    }
    if (!ng) return true;
    gi = guards[rt_below(r, ng)];
  }
  rt_trace *pg = &s->g[p];
  if (find_in_list(pg, &pg->ops[gi], pg->counter) < 0 && !list_append(pg, gi, pg->counter))
    return false;
  /* a bridge's ref inputs are GC references: no raw ref among them */
  for (uint32_t k = 0; k < pg->ops[gi].nlist; k++) {
    int32_t *v = &pg->pool[pg->ops[gi].list + k];
    if (*v >= 0 && pg->vkind[*v] == RT_K_RAW) {
      int32_t c = rt_add_const(pg, ARMJIT_REF, (armjit_value){.bits = 0});
      if (!c) return false;
      v = &pg->pool[pg->ops[gi].list + k];
      *v = c;
    }
  }
  pg->ops[gi].flags |= RT_OPF_NAMED;
  const rt_op *gop = &pg->ops[gi];
  uint32_t n = gop->nlist;
  armjit_type *types = malloc((n + 1) * sizeof *types);
  uint8_t *kinds = malloc(n + 1);
  armjit_type ltypes[1024];
  if (!types || !kinds) {
    free(types);
    free(kinds);
    return false;
  }
  for (uint32_t k = 0; k < n; k++) {
    int32_t v = pg->pool[gop->list + k];
    types[k] = rt_ref_type(pg, v);
    kinds[k] = RT_IS_CONST(v) ? RT_K_PLAIN : pg->vkind[v];
  }
  uint32_t cpos = (uint32_t)find_in_list(pg, gop, pg->counter);
  end_spec e;
  memset(&e, 0, sizeof e);
  unsigned root = root_of(s, p), other = s->nloops > 1 ? (root == 0 ? 1u : 0u) : root;
  do {
    e.end = (rs_end)(RS_END_FINISH + rt_below(r, s->gc ? 2 : 4));
  } while (e.end == RS_END_JUMP_OTHER && s->nloops < 2);
  if ((e.end == RS_END_JUMP_HOME || e.end == RS_END_JUMP_OTHER) &&
      (!pick_label(r, s, e.end == RS_END_JUMP_HOME ? root : other, &e, ltypes) ||
       e.nargs > 1024))
    e.end = RS_END_FINISH;
  rt_config cfg;
  rt_config_random(r, &cfg);
  cfg.mem_pct = cfg.call_pct = 0;
  if (rt_chance(r, 30)) cfg.wide_pct = 10 + rt_below(r, 30); /* i64 and f32 */
  if (s->gc) cfg.gc_pct = 20 + rt_below(r, 25);
  cfg.loop = e.end == RS_END_OWN_LOOP;
  if (cfg.nops > 30) cfg.nops = 30;
  cfg.head_pct = 25; /* loops that rotate */
  unsigned i = s->n;
  bool ok = gen_bridge(r, &cfg, types, kinds, n, cpos, &e, &s->g[i]);
  free(types);
  free(kinds);
  if (!ok) return false;
  s->parent[i] = (int)p;
  s->guard_op[i] = gi;
  s->exit_id[i] = exit_number(pg, gi);
  s->end[i] = e.end;
  s->depth[i] = s->depth[p] + 1;
  snprintf(s->name[i], sizeof s->name[i], "b%u", i);
  name_labels(&s->g[i], s->name[i]);
  s->n++;
  return true;
}

/* ---- invalidation ---------------------------------------------------------------------- */
static void rs_inval_helper(rs_inval *c, int32_t counter) {
  if (c->fired || counter != c->at) return;
  c->fired = true;
  if (c->compiled) armjit_loop_invalidate(c->loop, NULL);
  else *c->flag = 1;
}

/* Before loop l's jump: (during a run: the helper call, then)
 * guard_not_invalidated with the counter among its fail args. */
static bool add_invalidation(rt_rng *r, rs_set *s, unsigned l) {
  rt_trace *g = &s->g[l];
  if (!g->nops || g->ops[g->nops - 1].opc != ARMJIT_OP_JUMP) return true;
  rt_gen gs = {.r = r, .g = g};
  rt_config cfg;
  memset(&cfg, 0, sizeof cfg);
  gs.c = &cfg;
  if (s->inval_mode == RS_INVAL_DURING) {
    armjit_value fv, cv;
    fv.bits = 0;
    fv.r = (uintptr_t)rs_inval_helper;
    cv.bits = 0;
    cv.r = (uintptr_t)&s->inval;
    rt_descr d;
    memset(&d, 0, sizeof d);
    d.kind = RT_D_XCALL;
    d.u.xcall.sig = "ri";
    d.u.xcall.res = 'v';
    int32_t di = rt_add_descr(g, &d);
    int32_t list[3] = {rt_g_const(&gs, ARMJIT_REF, fv), rt_g_const(&gs, ARMJIT_REF, cv),
                       g->counter};
    if (di < 0 || !list[0] || !list[1]) return false;
    if (rt_add_op(g, ARMJIT_OP_CALL, ARMJIT_VOID, NULL, 0, list, 3, 0) < 0) return false;
    g->ops[g->nops - 1].descr = di;
    move_before_jump(g);
    s->inval.at = (int32_t)rt_below(r, 12);
  }
  /* its fail args: the counter and some of the values the jump passes */
  const rt_op *j = &g->ops[g->nops - 1];
  int32_t fl[4] = {g->counter, g->counter, g->counter, g->counter};
  uint32_t nf = 1 + rt_below(r, 4);
  for (uint32_t k = 1; k < nf && j->nlist; k++) fl[k] = g->pool[j->list + rt_below(r, j->nlist)];
  if (rt_add_op(g, ARMJIT_OP_GUARD_NOT_INVALIDATED, ARMJIT_VOID, NULL, 0, fl, nf, RT_OPF_NAMED) < 0)
    return false;
  move_before_jump(g);
  free(gs.avail);
  free(gs.tmp);
  return true;
}

/* ---- call_assembler ------------------------------------------------------------------- */
/* Loop l calls the callee before its jump: iR = call_assembler(counter,
 * v), and the jump carries v + iR instead of v (never the counter, so
 * every run still ends).  false only when out of memory; a loop with no
 * other int to carry gets no call. */
static bool add_call(rt_rng *r, rs_set *s, unsigned l, unsigned *ncalls) {
  rt_trace *g = &s->g[l];
  if (!g->nops || g->ops[g->nops - 1].opc != ARMJIT_OP_JUMP || g->counter < 0) return true;
  const rt_op *j = &g->ops[g->nops - 1];
  if (j->target < 0 || (uint32_t)j->target >= g->nops) return true;
  const rt_op *lab = &g->ops[j->target];
  int32_t pos[64];
  uint32_t np = 0;
  for (uint32_t k = 0; k < j->nlist && k < lab->nlist && np < 64; k++) {
    int32_t v = g->pool[j->list + k];
    /* not the counter's next value: the counter must fall */
    if (v >= 0 && g->pool[lab->list + k] != g->counter && g->vtype[v] == ARMJIT_INT)
      pos[np++] = (int32_t)k;
  }
  if (!np) return true;
  uint32_t p = (uint32_t)pos[rt_below(r, np)];
  int32_t v = g->pool[j->list + p];
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = RT_D_TOKEN;
  int32_t di = -1;
  for (uint32_t k = 0; k < g->ndescrs && di < 0; k++)
    if (g->descrs[k].kind == RT_D_TOKEN) di = (int32_t)k;
  if (di < 0 && (di = rt_add_descr(g, &d)) < 0) return false;
  int32_t args[2] = {g->counter, v};
  int32_t ci = rt_add_op(g, ARMJIT_OP_CALL_ASSEMBLER, ARMJIT_INT, NULL, 0, args, 2, 0);
  if (ci < 0) return false;
  g->ops[ci].descr = di;
  int32_t res = g->ops[ci].res;
  move_before_jump(g);
  int32_t sum[2] = {v, res};
  int32_t ai = rt_add_op(g, ARMJIT_OP_INT_ADD, ARMJIT_INT, sum, 2, NULL, 0, 0);
  if (ai < 0) return false;
  int32_t out = g->ops[ai].res;
  move_before_jump(g);
  j = &g->ops[g->nops - 1];
  g->pool[j->list + p] = out;
  ++*ncalls;
  return true;
}

/* The callee: (a, b) -> (a + b) * K, leaving through its guard when
 * (a + b) & M == X (then the helper gives 3 * (a + b) + 0). */
static bool add_callee(rt_rng *r, rs_set *s) {
  if (s->n >= RS_MAX) return true;
  unsigned c = s->n++;
  s->callee = (int)c;
  s->parent[c] = -1;
  s->end[c] = RS_END_LOOP;
  snprintf(s->name[c], sizeof s->name[c], "c%u", c);
  snprintf(s->callee_text, sizeof s->callee_text,
           "[i0, i1]\n"
           "i2 = int_add(i0, i1)\n"
           "i3 = int_and(i2, %u)\n"
           "i4 = int_ne(i3, %u)\n"
           "guard_true(i4, descr=g) [i2, i0]\n"
           "i5 = int_mul(i2, %d)\n"
           "finish(i5)\n",
           1u + rt_below(r, 7), rt_below(r, 3), (int)rt_below(r, 2000) - 1000);
  unsigned ncalls = 0;
  for (unsigned l = 0; l < s->nloops; l++)
    if (rt_chance(r, 70) && !add_call(r, s, l, &ncalls)) return false;
  return true;
}

static armjit_value rs_callee_helper(void *ud, armjit_token *tok, armjit_frame *f) {
  (void)ud;
  (void)tok;
  armjit_value v = {.bits = 0};
  v.i = (int32_t)((uint32_t)(f->nvalues ? f->values[0].i : 0) * 3u + (uint32_t)f->exit_id);
  return v;
}

void rs_bind_callee(const rs_set *s, armjit_ctx *ctx, const armjit_set_entry *set,
                    armjit_loop *const *loops) {
  armjit_token *tok = armjit_ctx_token(ctx, RT_TOKEN);
  if (s->callee < 0 || !tok) return;
  armjit_token_set_trace(tok, set[s->callee].trace, NULL);
  if (loops) armjit_token_set_loop(tok, loops[s->callee], NULL);
  armjit_ctx_set_assembler_helper(ctx, rs_callee_helper, NULL);
}

/* ---- sets ------------------------------------------------------------------------------- */
void rs_clear(rs_set *s) {
  for (unsigned i = 0; i < s->n; i++) rt_trace_clear(&s->g[i]);
  s->n = 0;
  if (s->gctx) armjit_ctx_free(s->gctx);
  if (s->gc) rt_env_free(&s->env);
  s->gctx = NULL;
  s->gc = false;
}

bool rs_generate(rt_rng *r, armjit_ctx *gctx, bool gc, rs_set *s) {
  memset(s, 0, sizeof *s);
  s->inval_entry = -1;
  s->callee = -1;
  s->nloops = rt_chance(r, 40) ? 2 : 1;
  for (unsigned i = 0; i < s->nloops; i++) {
    rt_config cfg;
    rt_config_random(r, &cfg);
    cfg.loop = true;
    cfg.mem_pct = cfg.call_pct = 0;
    if (rt_chance(r, 30)) cfg.wide_pct = 10 + rt_below(r, 30); /* i64 and f32 */
    if (cfg.nops > 40) cfg.nops = 40;
    if (cfg.max_trip > 20) cfg.max_trip = 20;
    cfg.head_pct = 25; /* loops that rotate */
    if (gc) {
      cfg.gc_pct = 20 + rt_below(r, 25);
      if (cfg.nargs > 20) cfg.nargs = 20;
      if (cfg.live > 40) cfg.live = 40;
    }
    if (!rt_generate(r, &cfg, gctx, &s->g[i])) { rs_clear(s); return false; }
    s->parent[i] = -1;
    s->end[i] = RS_END_LOOP;
    snprintf(s->name[i], sizeof s->name[i], "l%u", i);
    name_labels(&s->g[i], s->name[i]);
    s->n++;
  }
  /* the heap the whole set runs in, and a context with its collector for
   * the runs that choose where bridges go */
  if (gc) {
    if (!rt_env_for(&s->env, &s->g[0])) { rs_clear(s); return false; }
    s->gc = true;
    s->gctx = rt_ctx_new_env(NULL, &s->env);
    if (!s->gctx) { rs_clear(s); return false; }
  }
  unsigned nb = 1 + rt_below(r, RS_MAX - s->nloops);
  for (unsigned k = 0; k < nb && s->n < RS_MAX; k++)
    if (!add_bridge(r, gctx, s)) { rs_clear(s); return false; }
  if (rt_chance(r, 35)) {
    s->inval_mode = rt_chance(r, 50) ? RS_INVAL_DURING : RS_INVAL_BEFORE;
    s->inval_entry = (int)rt_below(r, s->nloops);
    if (!add_invalidation(r, s, (unsigned)s->inval_entry)) { rs_clear(s); return false; }
  }
  if (rt_chance(r, 30) && !add_callee(r, s)) { rs_clear(s); return false; }
  return true;
}

armjit_set_entry *rs_build(armjit_ctx *ctx, const rs_set *s) {
  armjit_set_entry *e = calloc(s->n ? s->n : 1, sizeof *e);
  if (!e) return NULL;
  for (unsigned i = 0; i < s->n; i++) {
    e[i].name = s->name[i];
    e[i].trace = (int)i == s->callee ? armjit_trace_parse(ctx, s->callee_text, NULL)
                                     : rt_build(ctx, &s->g[i], false);
    e[i].parent = s->parent[i];
    e[i].exit_id = s->parent[i] >= 0 ? s->exit_id[i] : -1;
    if (!e[i].trace) {
      for (unsigned j = 0; j < i; j++) armjit_trace_free(e[j].trace);
      free(e);
      return NULL;
    }
  }
  return e;
}

void rs_print(FILE *out, const armjit_set_entry *set, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    if (set[i].parent < 0) {
      fprintf(out, "--- loop %s\n", set[i].name);
    } else {
      armjit_exit_info x;
      armjit_trace_exit_info(set[set[i].parent].trace, set[i].exit_id, &x);
      fprintf(out, "--- bridge %s on %s.%s\n", set[i].name, set[set[i].parent].name,
              x.name ? x.name : "?");
    }
    armjit_trace_print(set[i].trace, out);
  }
}

void rs_count(rs_stats *st, const rs_set *s) {
  st->sets++;
  for (unsigned i = 0; i < s->n; i++) {
    st->ends[s->end[i]]++;
    if (s->parent[i] >= 0) st->bridges++;
    if (s->depth[i] == 3) st->depth3++;
  }
  st->inval[s->inval_mode]++;
  if (s->callee < 0) return;
  st->callasm_sets++;
  for (unsigned i = 0; i < s->nloops; i++)
    for (uint32_t k = 0; k < s->g[i].nops; k++)
      st->callasm_calls += s->g[i].ops[k].opc == ARMJIT_OP_CALL_ASSEMBLER;
}
