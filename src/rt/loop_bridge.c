/* SPDX-License-Identifier: MIT */
/* Bridges, families and invalidation (public armjit_compile_bridge,
 * armjit_loop_invalidate, armjit_loop_free, armjit_run_exit_info).
 *
 * A bridge is compiled from a trace whose inputs are the fail args of one
 * guard of its parent (a loop or a bridge).  The guard's recovery string
 * says where each fail arg is when the guard fails; the bridge starts with
 * its inputs exactly there (cg_bridge.c).  Fail args that are constants,
 * and second copies of a value, are not locations of their own: the
 * bridge is compiled from a view of its trace in which such an input is
 * replaced by the constant or by the first copy (unless it is a label
 * argument, which must be a variable of its own: then it is loaded at the
 * entry).
 *
 * Attaching retargets the guard's b<cc> from its stub to the bridge's
 * entry (one word, through the code arena's writable view), so a thread
 * running the parent meanwhile takes either the old or the new path.
 *
 * Exit ids: a family numbers its exits in one space: the loop's exits
 * 0..n-1, then each bridge's in the order the bridges were compiled
 * (meta.id_base).  Ids of a freed bridge are not reused. */
#include "rt/loop.h"

#include <string.h>

#include "cg/recovery.h"
#include "ir/ir.h"

/* ---- families ---------------------------------------------------------------------- */
const armjit_loop *ajx_family_member(const armjit_loop *root, uint32_t id) {
  if (id < root->nexits) return root;
  uint32_t lo = 0, hi = root->nmembers;  /* members are sorted by id_base */
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (root->members[mid]->meta.id_base <= id) lo = mid + 1;
    else hi = mid;
  }
  if (!lo) return NULL;
  const armjit_loop *m = root->members[lo - 1];
  return id - m->meta.id_base < m->nexits - m->njumps ? m : NULL;
}

uint32_t ajx_family_capacity(const armjit_loop *root) {
  /* root->capacity covers the family (kept when bridges attach); the
   * families its bridges jump into: a short walk (they are few), only
   * when there are such bridges, so armjit_run stays O(1) otherwise. */
  uint32_t cap = root->capacity;
  if (!root->njumping) return cap;
  const armjit_loop *stack[64];
  const armjit_loop *seen[256];
  uint32_t ns = 0, nseen = 0;
  stack[ns++] = root;
  seen[nseen++] = root;
  while (ns) {
    const armjit_loop *r = stack[--ns];
    if (r->capacity > cap) cap = r->capacity;
    for (uint32_t i = 0; i < r->nmembers; i++) {
      const armjit_loop *m = r->members[i];
      for (uint32_t j = 0; j < m->ntargets; j++) {
        const armjit_loop *t = m->targets[j];
        bool known = false;
        for (uint32_t k = 0; k < nseen && !known; k++) known = seen[k] == t;
        if (known || nseen == 256 || ns == 64) continue;
        seen[nseen++] = t;
        stack[ns++] = t;
      }
    }
  }
  return cap;
}

/* The word at byte offset off of l's code. */
static uint32_t code_word(const armjit_loop *l, uint32_t off) {
  uint32_t w;
  memcpy(&w, (const uint8_t *)armjit_code_entry(l->code) + off, 4);
  return w;
}

/* Point exit k's patch site of l at `to` (a bridge's entry, or l's own stub
 * when `to` is NULL); an invalidation site of a valid family stays a NOP. */
static armjit_status retarget(armjit_loop *l, uint32_t k, armjit_error *err) {
  const ajx_loop_exit *e = &l->exits[k];
  if (e->branch < 0) return ARMJIT_OK;
  uint32_t from = (uint32_t)(uintptr_t)armjit_code_entry(l->code) + (uint32_t)e->branch, w;
  if (e->nop && !l->root->invalidated) {
    w = 0xe320f000u; /* nop (ARM ARM A8.8.119, A1) */
  } else {
    uint32_t to = e->bridge ? (uint32_t)(uintptr_t)armjit_code_entry(e->bridge->code) +
                                  e->bridge->entry
                            : (uint32_t)(uintptr_t)armjit_code_entry(l->code) + e->stub;
    a32_cond cc = e->nop ? A32_AL : (a32_cond)(code_word(l, (uint32_t)e->branch) >> 28);
    if (a32_encode_b(&w, cc, false, from, to) != A32_OK)
      return ajx_err(err, ARMJIT_E_LIMIT, "a guard's branch cannot reach its target");
  }
  return armjit_code_patch(l->code, (size_t)e->branch, &w, 1, err);
}

static bool add_member(armjit_loop *root, armjit_loop *b) {
  if (!ajx_grow(root->ctx, (void **)&root->members, &root->capmembers, root->nmembers + 1,
                sizeof *root->members))
    return false;
  root->members[root->nmembers++] = b;
  return true;
}

static void remove_member(armjit_loop *root, const armjit_loop *b) {
  for (uint32_t i = 0; i < root->nmembers; i++)
    if (root->members[i] == b) {
      memmove(root->members + i, root->members + i + 1,
              (root->nmembers - i - 1) * sizeof *root->members);
      root->nmembers--;
      return;
    }
}

/* Free bridge b and the bridges attached to it (no unpatching). */
static void free_subtree(armjit_loop *b) {
  for (uint32_t k = 0; k < b->nexits; k++)
    if (b->exits[k].bridge) free_subtree(b->exits[k].bridge);
  armjit_loop **targets = b->targets;
  uint32_t nt = b->ntargets;
  b->targets = NULL;
  armjit_ctx *ctx = b->ctx;
  remove_member(b->root, b);
  if (nt) b->root->njumping--;
  ajx_loop_destroy(b);
  for (uint32_t j = 0; j < nt; j++) targets[j]->jumpers--;
  ajx_free(ctx, targets);
}

/* A bridge of another family that jumps into root's, or NULL. */
static armjit_loop *a_jumper(const armjit_loop *root) {
  ajx_dbg_kind kind;
  const void *obj;
  for (uint32_t i = 0; (obj = ajx_dbg_nth(root->ctx, i, &kind)); i++) {
    if (kind != AJX_DBG_LOOP) continue;
    armjit_loop *l = (armjit_loop *)obj;
    for (uint32_t j = 0; j < l->ntargets; j++)
      if (l->targets[j] == root) return l;
  }
  return NULL;
}

void ajx_family_free(armjit_loop *root) {
  for (uint32_t k = 0; k < root->nexits; k++)
    if (root->exits[k].bridge) free_subtree(root->exits[k].bridge);
  ajx_loop_destroy(root);
}

void armjit_loop_free(armjit_loop *loop) {
  if (!loop) return;
  if (loop->parent) {  /* detach: the guard goes back to its stub */
    armjit_loop *p = loop->parent;
    p->exits[loop->parent_exit].bridge = NULL;
    retarget(p, loop->parent_exit, NULL);
    free_subtree(loop);
    return;
  }
  /* Bridges of other loops that jump here go first (detached, so their
   * guards exit to the caller again). */
  for (armjit_loop *j; loop->jumpers && (j = a_jumper(loop));) armjit_loop_free(j);
  ajx_family_free(loop);
}

/* ---- resolving labels of other traces ------------------------------------------------ */
static const ajx_loop_label *find_in(const armjit_loop *l, const char *name) {
  for (uint32_t i = 0; i < l->nlabels; i++)
    if (l->labels[i].name && strcmp(l->labels[i].name, name) == 0) return &l->labels[i];
  return NULL;
}

/* The trace of root's family holding label `name`, or NULL. */
static const armjit_loop *find_family(const armjit_loop *root, const char *name,
                                      const ajx_loop_label **lb) {
  if ((*lb = find_in(root, name))) return root;
  for (uint32_t i = 0; i < root->nmembers; i++)
    if ((*lb = find_in(root->members[i], name))) return root->members[i];
  return NULL;
}

/* Resolve label `name` for a bridge of family `root`: its own family
 * first, then the other live loops of the context (there it must be
 * unique). */
static armjit_status resolve_label(armjit_ctx *ctx, const armjit_loop *root, const char *name,
                                   const armjit_loop **owner, const ajx_loop_label **lb,
                                   armjit_error *err) {
  if ((*owner = find_family(root, name, lb))) return ARMJIT_OK;
  ajx_dbg_kind kind;
  const void *obj;
  for (uint32_t i = 0; (obj = ajx_dbg_nth(ctx, i, &kind)); i++) {
    if (kind != AJX_DBG_LOOP) continue;
    const armjit_loop *l = obj;
    if (l->parent || l == root) continue;
    const ajx_loop_label *x;
    const armjit_loop *o = find_family(l, name, &x);
    if (!o) continue;
    if (*owner && (*owner)->root != l)
      return ajx_err(err, ARMJIT_E_INVALID,
                     "jump to label %s: the name is a label of %s and of %s; name labels "
                     "uniquely", name, armjit_loop_name((*owner)->root), armjit_loop_name(l));
    *owner = o;
    *lb = x;
  }
  if (!*owner)
    return ajx_err(err, ARMJIT_E_INVALID,
                   "jump to unknown label %s: no loop of the context has a label of that name",
                   name);
  return ARMJIT_OK;
}

/* ---- compiling a bridge ---------------------------------------------------------------- */
typedef struct {
  armjit_ctx *ctx;
  ra_loc *inputs;
  int32_t *same_as;
  cg_xlabel *xl;
  const armjit_loop **xowner;
  armjit_trace view;       /* the trace with constant / duplicate inputs replaced */
  ir_ref *refs;
  ir_const *consts;
} bridge_build;

static void build_free(bridge_build *bb) {
  ajx_free(bb->ctx, bb->inputs);
  ajx_free(bb->ctx, bb->same_as);
  ajx_free(bb->ctx, bb->xl);
  ajx_free(bb->ctx, (void *)bb->xowner);
  ajx_free(bb->ctx, bb->refs);
  ajx_free(bb->ctx, bb->consts);
}

static const char *type_name(armjit_type t) {
  switch (t) {
  case ARMJIT_INT: return "int";
  case ARMJIT_REF: return "ref";
  case ARMJIT_FLOAT: return "float";
  case ARMJIT_I64: return "i64";
  case ARMJIT_F32: return "f32";
  default: return "void";
  }
}

/* Where each input is on entry (from the guard's recovery string), and
 * the view of the trace the bridge is compiled from. */
static armjit_status entry_state(bridge_build *bb, const armjit_loop *p, uint32_t k,
                                 const armjit_trace *t, armjit_error *err) {
  armjit_ctx *ctx = bb->ctx;
  uint32_t n = t->ninputs;
  const ajx_exit_meta *em = &p->emeta[k];
  bb->inputs = ajx_alloc(ctx, (n ? n : 1) * sizeof *bb->inputs);
  bb->same_as = ajx_alloc(ctx, (n ? n : 1) * sizeof *bb->same_as);
  bb->refs = ajx_alloc(ctx, (t->nrefs ? t->nrefs : 1) * sizeof *bb->refs);
  bb->consts = ajx_alloc(ctx, ((size_t)t->nconsts + n + 1) * sizeof *bb->consts);
  ir_ref *map = ajx_alloc(ctx, (n ? n : 1) * sizeof *map);
  uint8_t *in_label = ajx_calloc(ctx, n ? n : 1, 1);
  armjit_status st = ARMJIT_OK;
  if (!bb->inputs || !bb->same_as || !bb->refs || !bb->consts || !map || !in_label) {
    st = ajx_err(err, ARMJIT_E_NOMEM, "out of memory compiling a bridge");
    goto out;
  }
  if (t->nrefs) memcpy(bb->refs, t->refs, t->nrefs * sizeof *bb->refs);
  if (t->nconsts) memcpy(bb->consts, t->consts, t->nconsts * sizeof *bb->consts);
  uint32_t nconsts = t->nconsts;
  for (uint32_t i = 0; i < t->nops; i++) {
    const ir_op *op = &t->ops[i];
    if (op->opc != ARMJIT_OP_LABEL) continue;
    const ir_ref *a = ir_args(t, op);
    for (uint32_t j = 0; j < op->nargs; j++)
      if (a[j] >= 0 && (uint32_t)a[j] < n) in_label[a[j]] = 1;
  }
  const uint8_t *p0 = p->rec + em->rec, *end = p0 + em->rec_len;
  bool rewrite = false;
  for (uint32_t v = 0; v < n; v++) {
    rec_entry e;
    armjit_type ty = (armjit_type)t->vtype[v];
    map[v] = (ir_ref)v;
    bb->same_as[v] = -1;
    if (!rec_next(&p0, end, &e)) {
      st = ajx_err(err, ARMJIT_E_INVALID, "the guard's recovery data is malformed (internal)");
      goto out;
    }
    int sty = ra_storage_of(ty);
    bool f = sty == ARMJIT_FLOAT;
    switch (e.tag) {
    case REC_REG: bb->inputs[v] = f ? ra_vreg((int)e.reg) : ra_reg((int)e.reg, ty); break;
    case REC_SLOT: bb->inputs[v] = ra_stack(e.off, sty); break;
    default: {  /* a constant: one of the view's */
      ir_const c;
      memset(&c, 0, sizeof c);
      c.type = (uint8_t)ty;
      if (e.tag == REC_SMALL) c.v.i = e.value;
      else if (e.index < p->meta.nconsts) c.v.bits = p->meta.consts[e.index];
      if (ty == ARMJIT_INT && e.tag == REC_CONST) c.v.bits = (uint32_t)c.v.bits;
      bb->consts[nconsts] = c;
      bb->inputs[v] = ra_const((int32_t)nconsts, sty);
      if (!in_label[v]) {
        map[v] = IR_CONST(nconsts);
        rewrite = true;
      }
      nconsts++;
      continue;
    }
    }
    /* A second copy of a value: the first one stands for it. */
    for (uint32_t u = 0; u < v; u++)
      if (bb->inputs[u].kind == bb->inputs[v].kind && bb->same_as[u] < 0 &&
          bb->inputs[u].kind != LOC_CONST && ra_loc_same(bb->inputs[u], bb->inputs[v])) {
        if (in_label[v]) {
          bb->same_as[v] = (int32_t)u;
        } else {
          map[v] = (ir_ref)u;
          rewrite = true;
        }
        break;
      }
  }
  if (!rec_at_end(p0, end)) {
    st = ajx_err(err, ARMJIT_E_INVALID, "the guard's recovery data is malformed (internal)");
    goto out;
  }
  for (uint32_t i = 0; rewrite && i < t->nrefs; i++) {
    ir_ref r = bb->refs[i];
    if (r >= 0 && (uint32_t)r < n) bb->refs[i] = map[r];
  }
  bb->view = *t;
  bb->view.refs = bb->refs;
  bb->view.consts = bb->consts;
  bb->view.nconsts = nconsts;
  bb->view.capconsts = nconsts;
out:
  ajx_free(ctx, map);
  ajx_free(ctx, in_label);
  return st;
}

/* The labels of other traces the bridge jumps to, checked against its
 * jumps. */
static armjit_status external_labels(bridge_build *bb, const armjit_loop *root,
                                     const armjit_trace *t, armjit_error *err) {
  armjit_ctx *ctx = bb->ctx;
  uint32_t nx = t->nxlabels;
  bb->xl = ajx_calloc(ctx, nx ? nx : 1, sizeof *bb->xl);
  bb->xowner = ajx_calloc(ctx, nx ? nx : 1, sizeof *bb->xowner);
  if (!bb->xl || !bb->xowner) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory compiling a bridge");
  for (uint32_t k = 0; k < nx; k++) {
    const ajx_loop_label *lb;
    armjit_status st = resolve_label(ctx, root, t->xlabels[k], &bb->xowner[k], &lb, err);
    if (st != ARMJIT_OK) return st;
    const armjit_loop *o = bb->xowner[k];
    bb->xl[k].addr = (uint32_t)(uintptr_t)armjit_code_entry(o->code) + lb->off;
    bb->xl[k].locs = lb->locs;
    bb->xl[k].nargs = lb->nargs;
    bb->xl[k].depth = o->depth;
  }
  for (uint32_t i = 0; i < t->nops; i++) {
    const ir_op *op = &t->ops[i];
    if (op->opc != ARMJIT_OP_JUMP || !ir_jump_is_external(op)) continue;
    uint32_t k = IR_XLABEL_INDEX(op->id);
    const cg_xlabel *x = &bb->xl[k];
    if (op->nargs != x->nargs)
      return ajx_err_at(err, ARMJIT_E_INVALID, (int)ir_op_line(t, i), (int)ir_op_col(t, i),
                        "jump passes %u values but label %s (of %s) has %u arguments",
                        (unsigned)op->nargs, t->xlabels[k], armjit_loop_name(bb->xowner[k]),
                        (unsigned)x->nargs);
    const ir_ref *a = ir_args(t, op);
    for (uint32_t j = 0; j < op->nargs; j++) {
      /* the label's locations know the storage only (i64 and f32 share the
       * float's); the label's own trace checked the rest */
      armjit_type want = x->locs[j].type, got = ir_ref_type(t, a[j]);
      if (want != (armjit_type)ra_storage_of(got))
        return ajx_err_at(err, ARMJIT_E_TYPE, (int)ir_op_line(t, i), (int)ir_op_col(t, i),
                          "type mismatch: jump argument %u is %s, but argument %u of label %s "
                          "is %s", (unsigned)j + 1, type_name(got), (unsigned)j + 1,
                          t->xlabels[k], type_name(want));
    }
  }
  return ARMJIT_OK;
}

armjit_loop *armjit_compile_bridge(armjit_ctx *ctx, armjit_loop *parent, int exit_id,
                                   armjit_trace *t, armjit_error *err) {
  if (!ctx || !parent || !t) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_compile_bridge: NULL %s",
            !ctx ? "context" : !parent ? "parent" : "trace");
    return NULL;
  }
  armjit_loop *root = parent->root;
  if (parent->ctx != ctx) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_compile_bridge: the parent belongs to another context");
    return NULL;
  }
  if (exit_id < 0 || ajx_family_member(root, (uint32_t)exit_id) != parent) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_compile_bridge: exit %d is not an exit of %s", exit_id,
            armjit_loop_name(parent));
    return NULL;
  }
  uint32_t k = (uint32_t)exit_id - parent->meta.id_base;
  ajx_loop_exit *e = &parent->exits[k];
  if (e->kind != ARMJIT_EXIT_GUARD) {
    ajx_err(err, ARMJIT_E_ARG, "armjit_compile_bridge: exit %d of %s is a finish, not a guard",
            exit_id, armjit_loop_name(parent));
    return NULL;
  }
  if (e->bridge) {
    ajx_err(err, ARMJIT_E_INVALID,
            "armjit_compile_bridge: guard %d%s%s of %s already has a bridge (%s)", exit_id,
            e->name ? " " : "", e->name ? e->name : "", armjit_loop_name(parent),
            armjit_loop_name(e->bridge));
    return NULL;
  }
  if (armjit_trace_validate(t, err) != ARMJIT_OK) return NULL;
  if (t->ninputs != e->nvalues) {
    ajx_err(err, ARMJIT_E_INVALID,
            "the bridge has %u inputs but guard %d of %s has %u fail args",
            (unsigned)t->ninputs, exit_id, armjit_loop_name(parent), (unsigned)e->nvalues);
    return NULL;
  }
  for (uint32_t v = 0; v < t->ninputs; v++)
    if ((armjit_type)t->vtype[v] != e->types[v]) {
      ajx_err(err, ARMJIT_E_TYPE,
              "type mismatch: bridge input %u is %s, but fail arg %u of guard %d is %s",
              (unsigned)v + 1, type_name((armjit_type)t->vtype[v]), (unsigned)v + 1, exit_id,
              type_name(e->types[v]));
      return NULL;
    }
  bridge_build bb;
  memset(&bb, 0, sizeof bb);
  bb.ctx = ctx;
  armjit_loop *b = NULL;
  if (entry_state(&bb, parent, k, t, err) != ARMJIT_OK ||
      external_labels(&bb, root, t, err) != ARMJIT_OK)
    goto fail;
  /* Families this bridge jumps into (each counted once). */
  armjit_loop *targets[64];
  uint32_t nt = 0;
  for (uint32_t x = 0; x < t->nxlabels; x++) {
    armjit_loop *o = bb.xowner[x]->root;
    bool known = o == root;
    for (uint32_t j = 0; j < nt && !known; j++) known = targets[j] == o;
    if (known) continue;
    if (nt == 64) {
      ajx_err(err, ARMJIT_E_LIMIT, "a bridge may jump into at most 64 other loops");
      goto fail;
    }
    targets[nt++] = o;
  }
  cg_bridge br;
  br.inputs = bb.inputs;
  br.same_as = bb.same_as;
  br.depth = parent->depth;
  br.xlabels = bb.xl;
  br.nxlabels = t->nxlabels;
  if (!(b = ajx_loop_alloc(ctx, t, err))) goto fail;
  b->root = root;
  b->parent = parent;
  b->parent_exit = k;
  b->meta.id_base = root->next_id ? root->next_id : root->nexits;
  if (nt && !(b->targets = ajx_alloc(ctx, nt * sizeof *b->targets))) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory compiling a bridge");
    goto fail;
  }
  if (ajx_loop_build(b, &bb.view, t, &br, err) != ARMJIT_OK || !add_member(root, b)) {
    if (err && err->code == ARMJIT_OK) ajx_err(err, ARMJIT_E_NOMEM, "out of memory");
    goto fail;
  }
  root->next_id = b->meta.id_base + b->nexits - b->njumps;
  ajx_note_jumps(b, t, bb.xowner);
  if (b->capacity > root->capacity) root->capacity = b->capacity;
  for (uint32_t j = 0; j < nt; j++) {
    b->targets[j] = targets[j];
    targets[j]->jumpers++;
  }
  b->ntargets = nt;
  if (nt) root->njumping++;
  /* An invalidated family: the bridge's own invalidation guards fail. */
  for (uint32_t x = 0; x < b->nexits && root->invalidated; x++)
    if (b->exits[x].nop) retarget(b, x, NULL);
  e->bridge = b;
  if (retarget(parent, k, err) != ARMJIT_OK) {
    e->bridge = NULL;
    armjit_loop_free(b);
    b = NULL;
    goto fail;
  }
  build_free(&bb);
  ajx_err_clear(err);
  return b;
fail:
  if (b) ajx_loop_destroy(b);
  build_free(&bb);
  return NULL;
}

/* ---- invalidation -------------------------------------------------------------------- */
armjit_status armjit_loop_invalidate(armjit_loop *loop, armjit_error *err) {
  if (!loop) return ajx_err(err, ARMJIT_E_ARG, "armjit_loop_invalidate: NULL loop");
  armjit_loop *root = loop->root;
  if (root->invalidated) return ARMJIT_OK;
  root->invalidated = true;
  armjit_status st = ARMJIT_OK;
  for (uint32_t i = 0; i <= root->nmembers; i++) {
    armjit_loop *m = i == root->nmembers ? root : root->members[i];
    for (uint32_t x = 0; x < m->nexits; x++)
      if (m->exits[x].nop && st == ARMJIT_OK) st = retarget(m, x, err);
  }
  return st;
}

bool armjit_loop_is_invalidated(const armjit_loop *loop) {
  return loop && loop->root->invalidated;
}

/* ---- queries ------------------------------------------------------------------------ */
int armjit_loop_exit_id(const armjit_loop *loop, unsigned k) {
  if (!loop || k >= loop->nexits - loop->njumps) return -1;
  return (int)(loop->meta.id_base + k);
}

const armjit_loop *armjit_loop_parent(const armjit_loop *loop) {
  return loop ? loop->parent : NULL;
}

armjit_status armjit_run_exit_info(const armjit_frame *f, armjit_exit_info *info) {
  if (!f || !info || !f->reserved[1] || f->exit_id < 0) return ARMJIT_E_ARG;
  const ajx_loop_meta *m = (const ajx_loop_meta *)(uintptr_t)f->reserved[1];
  const armjit_loop *l =
      (const armjit_loop *)(const void *)((const char *)m - offsetof(armjit_loop, meta));
  return armjit_loop_exit_info(l, f->exit_id, info);
}

/* ---- sets ----------------------------------------------------------------------------- */
armjit_status armjit_compile_set(armjit_ctx *ctx, const armjit_set_entry *set, unsigned n,
                                 armjit_loop **out, armjit_error *err) {
  if (!ctx || (n && (!set || !out)))
    return ajx_err(err, ARMJIT_E_ARG, "armjit_compile_set: NULL argument");
  armjit_status st = ARMJIT_OK;
  unsigned i;
  for (i = 0; i < n && st == ARMJIT_OK; i++) {
    out[i] = NULL;
    if (set[i].parent < 0) {
      out[i] = armjit_compile_loop(ctx, set[i].trace, err);
    } else if (set[i].parent >= (int)i) {
      ajx_err(err, ARMJIT_E_ARG, "armjit_compile_set: entry %u: its parent must come first", i);
    } else {
      armjit_loop *p = out[set[i].parent];
      out[i] = armjit_compile_bridge(ctx, p, armjit_loop_exit_id(p, (unsigned)set[i].exit_id),
                                     set[i].trace, err);
    }
    if (!out[i]) st = err && err->code != ARMJIT_OK ? err->code : ARMJIT_E_INVALID;
  }
  if (st == ARMJIT_OK) return ARMJIT_OK;
  for (unsigned j = 0; j + 1 < i; j++)
    if (set[j].parent < 0) armjit_loop_free(out[j]);
  for (unsigned j = 0; j < n; j++) out[j] = NULL;
  return st;
}
