/* SPDX-License-Identifier: MIT */
/* The trace container: creation, raw appends shared by the builder and the
 * parser, read-only queries (exits, counts) and the names of guards,
 * finishes and labels. */
#include "ir/ir_impl.h"
#include "ir/token.h"

#include <math.h>
#include <string.h>

const ir_ref ir_no_refs[1] = {IR_NONE};

/* A block of exit types; exits take consecutive runs of it. */
typedef struct ir_types_block {
  struct ir_types_block *next;
  uint32_t used, cap;
  armjit_type type[];
} ir_types_block;
enum { IR_TYPES_BLOCK = 4096 }; /* types per block, unless an exit needs more */

/* Room for n types of one exit, from the newest block or a new one of at
 * least `want` (NULL when out of memory; nothing changes then). */
static armjit_type *types_alloc(armjit_trace *t, uint32_t n, uint32_t want) {
  ir_types_block *b = t->tblocks;
  if (!b || b->cap - b->used < n) {
    uint32_t cap = want > n ? want : n;
    b = ajx_alloc(t->ctx, sizeof *b + (size_t)cap * sizeof b->type[0]);
    if (!b) return NULL;
    b->next = t->tblocks;
    b->used = 0;
    b->cap = cap;
    t->tblocks = b;
  }
  armjit_type *p = b->type + b->used;
  b->used += n;
  return p;
}

static bool index_all(const armjit_trace *t, ir_namemap *m);

armjit_trace *armjit_trace_new(armjit_ctx *ctx) {
  if (!ctx) return NULL;
  armjit_trace *t = ajx_calloc(ctx, 1, sizeof *t);
  if (!t) return NULL;
  t->ctx = ctx;
  return t;
}

static void trace_destroy(armjit_trace *t) {
  armjit_ctx *ctx = t->ctx;
  for (uint32_t i = 0; i < t->nexits; i++) ajx_free(ctx, t->exits[i].name);
  for (ir_types_block *b = t->tblocks, *next; b; b = next) {
    next = b->next;
    ajx_free(ctx, b);
  }
  for (uint32_t i = 0; i < t->nlabels; i++) ajx_free(ctx, t->labels[i].name);
  for (uint32_t i = 0; i < t->ntexts; i++) ajx_free(ctx, t->texts[i]);
  ajx_free(ctx, t->texts);
  for (uint32_t i = 0; i < t->nxlabels; i++) ajx_free(ctx, t->xlabels[i]);
  ajx_free(ctx, t->xlabels);
  ir_names_free(ctx, &t->name_index);
  ir_descrs_free(t);
  ajx_free(ctx, t->vtype);
  ajx_free(ctx, t->vdef);
  ajx_free(ctx, t->ops);
  ajx_free(ctx, t->pos);
  ajx_free(ctx, t->refs);
  ajx_free(ctx, t->consts);
  ajx_free(ctx, t->exits);
  ajx_free(ctx, t->labels);
  ajx_free(ctx, t->lent);
  ajx_free(ctx, t);
}

/* *arr (n items of esz bytes, room for *cap) at its exact size, when
 * the allocator can (shrinking in place, nothing is copied). */
static void shrink(armjit_ctx *ctx, void **arr, uint32_t n, uint32_t *cap, size_t esz) {
  if (!*arr || n == 0 || n >= *cap) return;
  void *p = ajx_realloc(ctx, *arr, (size_t)n * esz);
  if (!p) return;
  *arr = p;
  *cap = n;
}

void armjit_trace_free(armjit_trace *t) {
  if (!t) return;
  ir_tokens_forget_trace(t);
  if (!t->nlent) {
    trace_destroy(t);
    return;
  }
  /* Its borrowers free it; they keep it at its exact size meanwhile. */
  armjit_ctx *ctx = t->ctx;
  uint32_t cap_type = t->capvals, cap_def = t->capvals;
  shrink(ctx, (void **)&t->vtype, t->nvals, &cap_type, sizeof *t->vtype);
  shrink(ctx, (void **)&t->vdef, t->nvals, &cap_def, sizeof *t->vdef);
  t->capvals = cap_type < cap_def ? cap_type : cap_def;
  shrink(ctx, (void **)&t->ops, t->nops, &t->capops, sizeof *t->ops);
  shrink(ctx, (void **)&t->refs, t->nrefs, &t->caprefs, sizeof *t->refs);
  shrink(ctx, (void **)&t->consts, t->nconsts, &t->capconsts, sizeof *t->consts);
  shrink(ctx, (void **)&t->exits, t->nexits, &t->capexits, sizeof *t->exits);
  shrink(ctx, (void **)&t->pos, t->npos, &t->cappos, sizeof *t->pos);
  t->orphan = true;
}

bool ir_trace_lend(armjit_trace *t, armjit_trace **holder) {
  *holder = NULL;
  if (t->nlent == t->caplent &&
      !ajx_grow(t->ctx, (void **)&t->lent, &t->caplent, t->nlent + 1, sizeof *t->lent))
    return false;
  t->lent[t->nlent++] = holder;
  *holder = t;
  return true;
}

void ir_trace_unlend(armjit_trace **holder) {
  armjit_trace *t = *holder;
  *holder = NULL;
  if (!t) return;
  for (uint32_t k = 0; k < t->nlent; k++)
    if (t->lent[k] == holder) {
      t->lent[k] = t->lent[--t->nlent];
      break;
    }
  if (t->nlent) return;
  ajx_free(t->ctx, t->lent);  /* (a trace lent to nobody holds nothing for it) */
  t->lent = NULL;
  t->caplent = 0;
  if (t->orphan) trace_destroy(t);
}

void ir_trace_unshare(armjit_trace *t) {
  armjit_trace *c = ir_trace_copy(t);
  /* (the copy belongs to the borrowers alone: an orphan from the start) */
  for (uint32_t k = 0; k < t->nlent; k++) *t->lent[k] = c;
  if (c) {
    c->lent = t->lent;
    c->nlent = t->nlent;
    c->caplent = t->caplent;
    c->orphan = true;
  } else {
    ajx_free(t->ctx, t->lent);
  }
  t->lent = NULL;
  t->nlent = t->caplent = 0;
}

/* n items of size bytes from src in a fresh block (NULL for none). */
static bool dup_array(armjit_ctx *ctx, void **dst, const void *src, size_t n, size_t size) {
  *dst = NULL;
  if (!n) return true;
  if (!(*dst = ajx_alloc(ctx, n * size))) return false;
  memcpy(*dst, src, n * size);
  return true;
}

static bool dup_string(armjit_ctx *ctx, char **dst, const char *src) {
  *dst = NULL;
  return !src || (*dst = ajx_strdup(ctx, src)) != NULL;
}

armjit_trace *ir_trace_copy(const armjit_trace *t) {
  armjit_ctx *ctx = t->ctx;
  armjit_trace *c = armjit_trace_new(ctx);
  if (!c) return NULL;
  c->ninputs = t->ninputs;
  c->builder_err = t->builder_err;
  c->validated = t->validated;
  c->sig_checked = t->sig_checked;
  c->uses_checked = t->uses_checked;
  c->some_died = t->some_died;
  c->rules_checked = t->rules_checked;
  c->ruleless = t->ruleless;
  /* The flat arrays, each at its exact size.  A count is set as soon as
   * its array is there, so a failure half way frees what was copied. */
  bool ok = dup_array(ctx, (void **)&c->vtype, t->vtype, t->nvals, sizeof *t->vtype) &&
            dup_array(ctx, (void **)&c->vdef, t->vdef, t->nvals, sizeof *t->vdef) &&
            dup_array(ctx, (void **)&c->ops, t->ops, t->nops, sizeof *t->ops) &&
            dup_array(ctx, (void **)&c->pos, t->pos, t->npos, sizeof *t->pos) &&
            dup_array(ctx, (void **)&c->refs, t->refs, t->nrefs, sizeof *t->refs) &&
            dup_array(ctx, (void **)&c->consts, t->consts, t->nconsts, sizeof *t->consts);
  if (ok) {
    c->nvals = c->capvals = t->nvals;
    c->nops = c->capops = t->nops;
    c->npos = c->cappos = t->npos;
    c->nrefs = c->caprefs = t->nrefs;
    c->nconsts = c->capconsts = t->nconsts;
  }
  ok = ok && (!t->nexits || (c->exits = ajx_calloc(ctx, t->nexits, sizeof *c->exits)));
  uint64_t ntypes = 0; /* every exit's types in one block (when not huge) */
  for (uint32_t i = 0; ok && i < t->nexits; i++) ntypes += t->exits[i].nvalues;
  if (ntypes > (1u << 24)) ntypes = IR_TYPES_BLOCK;
  for (uint32_t i = 0; ok && i < t->nexits; i++) {
    const ir_exit *x = &t->exits[i];
    ir_exit *y = &c->exits[i];
    c->nexits = c->capexits = i + 1;
    y->op = x->op;
    y->nvalues = x->nvalues;
    ok = dup_string(ctx, &y->name, x->name) &&
         (!x->nvalues || (y->types = types_alloc(c, x->nvalues, (uint32_t)ntypes)) != NULL);
    if (ok && x->nvalues) memcpy(y->types, x->types, x->nvalues * sizeof *x->types);
  }
  ok = ok && (!t->nlabels || (c->labels = ajx_calloc(ctx, t->nlabels, sizeof *c->labels)));
  for (uint32_t i = 0; ok && i < t->nlabels; i++) {
    c->nlabels = c->caplabels = i + 1;
    c->labels[i].op = t->labels[i].op;
    ok = dup_string(ctx, &c->labels[i].name, t->labels[i].name);
  }
  ok = ok && (!t->ntexts || (c->texts = ajx_calloc(ctx, t->ntexts, sizeof *c->texts)));
  for (uint32_t i = 0; ok && i < t->ntexts; i++) {
    c->ntexts = c->captexts = i + 1;
    ok = dup_string(ctx, &c->texts[i], t->texts[i]);
  }
  ok = ok && (!t->nxlabels || (c->xlabels = ajx_calloc(ctx, t->nxlabels, sizeof *c->xlabels)));
  for (uint32_t i = 0; ok && i < t->nxlabels; i++) {
    c->nxlabels = c->capxlabels = i + 1;
    ok = dup_string(ctx, &c->xlabels[i], t->xlabels[i]);
  }
  int32_t id;
  for (uint32_t i = 0; ok && i < t->ndescrs; i++)
    ok = ir_descr_add(c, &t->descrs[i], &id) == ARMJIT_OK;
  ok = ok && index_all(c, &c->name_index);
  if (!ok) {
    armjit_trace_free(c);
    return NULL;
  }
  c->validated = t->validated;  /* ir_descr_add cleared it */
  return c;
}

bool ir_set_pos_slow(armjit_trace *t, uint32_t i, uint32_t line, uint32_t col) {
  ir_trace_will_change(t);
  if (!ajx_grow(t->ctx, (void **)&t->pos, &t->cappos, i + 1, sizeof *t->pos)) return false;
  for (; t->npos < i; t->npos++) t->pos[t->npos] = (ir_pos){0, 0};
  t->pos[i] = (ir_pos){line, col};
  if (t->npos <= i) t->npos = i + 1;
  return true;
}

/* Room for one more value (type and defining op). */
static armjit_status grow_vals(armjit_trace *t) {
  if (t->nvals >= IR_MAX_VALUES) return ARMJIT_E_LIMIT;
  uint32_t cap = t->capvals;
  if (!ajx_grow(t->ctx, (void **)&t->vtype, &cap, t->nvals + 1, sizeof *t->vtype))
    return ARMJIT_E_NOMEM;
  cap = t->capvals;
  if (!ajx_grow(t->ctx, (void **)&t->vdef, &cap, t->nvals + 1, sizeof *t->vdef))
    return ARMJIT_E_NOMEM;
  t->capvals = cap;
  return ARMJIT_OK;
}

bool ir_trace_reserve(armjit_trace *t, uint32_t nops, uint32_t nrefs) {
  armjit_ctx *ctx = t->ctx;
  if (nops > IR_MAX_VALUES) nops = IR_MAX_VALUES;
  uint32_t cap = t->capvals;
  if (!ajx_grow(ctx, (void **)&t->vtype, &cap, nops, sizeof *t->vtype)) return false;
  cap = t->capvals;
  if (!ajx_grow(ctx, (void **)&t->vdef, &cap, nops, sizeof *t->vdef)) return false;
  t->capvals = cap;
  return ajx_grow(ctx, (void **)&t->ops, &t->capops, nops, sizeof *t->ops) &&
         ajx_grow(ctx, (void **)&t->refs, &t->caprefs, nrefs, sizeof *t->refs);
}

armjit_status ir_add_input(armjit_trace *t, armjit_type type, ir_ref *out) {
  if (t->nops != 0) return ARMJIT_E_ARG;
  ir_trace_will_change(t);
  if (t->ninputs >= IR_MAX_INPUTS) return ARMJIT_E_LIMIT;
  armjit_status st = grow_vals(t);
  if (st != ARMJIT_OK) return st;
  uint32_t v = t->nvals++;
  t->vtype[v] = (uint8_t)type;
  t->vdef[v] = -1;
  t->ninputs++;
  t->validated = false;
  *out = (ir_ref)v;
  return ARMJIT_OK;
}

armjit_status ir_add_const(armjit_trace *t, armjit_type type, armjit_value v,
                           ir_ref *out) {
  if (t->nconsts >= IR_MAX_VALUES) return ARMJIT_E_LIMIT;
  ir_trace_will_change(t);
  if (!ajx_grow(t->ctx, (void **)&t->consts, &t->capconsts, t->nconsts + 1,
                sizeof *t->consts))
    return ARMJIT_E_NOMEM;
  ir_const c;
  memset(&c, 0, sizeof c);
  c.type = (uint8_t)type;
  switch (type) {
  case ARMJIT_INT: c.v.i = v.i; break;
  case ARMJIT_REF: c.v.r = v.r; break;
  case ARMJIT_I64: c.v.l = v.l; break;
  case ARMJIT_F32:
    if (isnan(v.s)) c.v.bits = IR_CANON_NAN32_BITS;
    else c.v.s = v.s;
    break;
  default:
    /* One NaN only: the text form cannot spell payloads, and every NaN
     * behaves the same in every op. */
    if (isnan(v.f)) c.v.bits = IR_CANON_NAN_BITS;
    else c.v.f = v.f;
    break;
  }
  t->consts[t->nconsts] = c;
  *out = IR_CONST(t->nconsts);
  t->nconsts++;
  return ARMJIT_OK;
}

/* Every allocation of ir_emit (see there), before anything changes: room
 * for one more op, refs[0..nrefs), a value when has_res, and for an exit
 * (its entry and the types of its nval values, filled in from vals into
 * *types) or a label. */
static inline armjit_status emit_alloc(armjit_trace *t, unsigned opc, uint32_t nrefs,
                                       bool has_res, const ir_ref *vals, uint32_t nval,
                                       armjit_type **types) {
  armjit_ctx *ctx = t->ctx;
  if (!ajx_grow(ctx, (void **)&t->ops, &t->capops, t->nops + 1, sizeof *t->ops) ||
      !ajx_grow(ctx, (void **)&t->refs, &t->caprefs, nrefs, sizeof *t->refs))
    return ARMJIT_E_NOMEM;
  if (has_res) {
    armjit_status st = grow_vals(t);
    if (st != ARMJIT_OK) return st;
  }
  *types = NULL;
  if (ir_is_exit(opc)) {
    if (!ajx_grow(ctx, (void **)&t->exits, &t->capexits, t->nexits + 1, sizeof *t->exits))
      return ARMJIT_E_NOMEM;
    if (nval) {
      *types = types_alloc(t, nval, IR_TYPES_BLOCK);
      if (!*types) return ARMJIT_E_NOMEM;
      for (uint32_t k = 0; k < nval; k++) (*types)[k] = ir_ref_type(t, vals[k]);
    }
  }
  if (opc == ARMJIT_OP_LABEL &&
      !ajx_grow(ctx, (void **)&t->labels, &t->caplabels, t->nlabels + 1, sizeof *t->labels))
    return ARMJIT_E_NOMEM;
  return ARMJIT_OK;
}

/* A plain op (no exit, no label) whose arrays have room calls no one:
 * emit_alloc runs for the others. */
armjit_status ir_emit(armjit_trace *t, unsigned opc, armjit_type rtype,
                      const ir_ref *args, uint32_t nargs, const ir_ref *fail,
                      uint32_t nfail, int32_t target, uint32_t *op_index) {
  if (t->nops >= IR_MAX_VALUES || nargs > IR_MAX_ARGS || nfail > IR_MAX_FAIL)
    return ARMJIT_E_LIMIT;
  uint32_t at = t->nrefs, nrefs = at + nargs + nfail; /* at <= UINT32_MAX / 2: no wrap */
  if (nrefs > UINT32_MAX / 2) return ARMJIT_E_LIMIT;
  bool has_res = rtype != ARMJIT_VOID;
  if (has_res && t->nvals >= IR_MAX_VALUES) return ARMJIT_E_LIMIT;
  ir_trace_will_change(t);
  unsigned fl = ir_info(opc)->flags;
  bool is_exit = (fl & ARMJIT_OPF_GUARD) || opc == ARMJIT_OP_FINISH;
  uint32_t nval = opc == ARMJIT_OP_FINISH ? nargs : nfail;
  armjit_type *types = NULL;
  if (is_exit || (fl & ARMJIT_OPF_LABEL) || t->nops >= t->capops || nrefs > t->caprefs ||
      (has_res && t->nvals >= t->capvals)) {
    armjit_status st = emit_alloc(t, opc, nrefs, has_res,
                                  opc == ARMJIT_OP_FINISH ? args : fail, nval, &types);
    if (st != ARMJIT_OK) return st;
  }

  uint32_t idx = t->nops++;
  ir_op *op = &t->ops[idx];
  *op = (ir_op){.opc = (uint16_t)opc, .type = (uint8_t)rtype, .res = IR_NONE,
                .nargs = (uint16_t)nargs, .args = at, .nfail = (uint16_t)nfail,
                .id = -1, .descr = -1};
  if (nrefs > at) { /* (no pool yet when no op had any) */
    ir_ref *dst = t->refs + at;
    for (uint32_t k = 0; k < nargs; k++) dst[k] = args[k];
    dst += nargs;
    for (uint32_t k = 0; k < nfail; k++) dst[k] = fail[k];
  }
  t->nrefs = nrefs;
  if (has_res) {
    uint32_t v = t->nvals++;
    t->vtype[v] = (uint8_t)rtype;
    t->vdef[v] = (int32_t)idx;
    op->res = (ir_ref)v;
  }
  if (is_exit) {
    ir_exit *e = &t->exits[t->nexits];
    e->op = idx;
    e->name = NULL;
    e->types = types;
    e->nvalues = nval;
    op->id = (int32_t)t->nexits++;
  } else if (opc == ARMJIT_OP_LABEL) {
    t->labels[t->nlabels].op = idx;
    t->labels[t->nlabels].name = NULL;
    op->id = (int32_t)t->nlabels++;
  } else if (opc == ARMJIT_OP_JUMP) {
    op->id = target;
  }
  t->validated = false;
  if (op_index) *op_index = idx;
  return ARMJIT_OK;
}

armjit_status ir_emit_plain_slow(armjit_trace *t, unsigned opc, armjit_type rtype,
                                 const ir_ref *args, uint32_t nargs, int32_t descr,
                                 ir_ref *res) {
  uint32_t idx;
  armjit_status st = ir_emit(t, opc, rtype, args, nargs, NULL, 0, -1, &idx);
  if (st != ARMJIT_OK) return st;
  t->ops[idx].descr = descr;
  *res = t->ops[idx].res;
  return ARMJIT_OK;
}

armjit_status ir_emit_text(armjit_trace *t, unsigned opc, const char *text, size_t n,
                           uint32_t *op_index) {
  if (n > IR_MAX_TEXT || t->ntexts >= IR_MAX_VALUES) return ARMJIT_E_LIMIT;
  ir_trace_will_change(t);
  if (!ajx_grow(t->ctx, (void **)&t->texts, &t->captexts, t->ntexts + 1, sizeof *t->texts))
    return ARMJIT_E_NOMEM;
  char *s = ajx_alloc(t->ctx, n + 1);
  if (!s) return ARMJIT_E_NOMEM;
  memcpy(s, text, n);
  s[n] = 0;
  uint32_t idx;
  armjit_status st = ir_emit(t, opc, ARMJIT_VOID, NULL, 0, NULL, 0, -1, &idx);
  if (st != ARMJIT_OK) {
    ajx_free(t->ctx, s);
    return st;
  }
  t->texts[t->ntexts] = s;
  t->ops[idx].id = (int32_t)t->ntexts++;
  if (op_index) *op_index = idx;
  return ARMJIT_OK;
}

/* ---- queries ------------------------------------------------------------- */

armjit_type armjit_val_type(const armjit_trace *t, armjit_val v) {
  if (!t || v == IR_NONE) return ARMJIT_VOID;
  if (IR_IS_CONST(v)) {
    return IR_CONST_INDEX(v) < t->nconsts ? ir_ref_type(t, v) : ARMJIT_VOID;
  }
  return (uint32_t)v < t->nvals ? ir_ref_type(t, v) : ARMJIT_VOID;
}

unsigned armjit_trace_ninputs(const armjit_trace *t) { return t ? t->ninputs : 0; }
unsigned armjit_trace_nops(const armjit_trace *t) { return t ? t->nops : 0; }
unsigned armjit_trace_nexits(const armjit_trace *t) { return t ? t->nexits : 0; }

armjit_status armjit_trace_exit_info(const armjit_trace *t, int exit_id,
                                     armjit_exit_info *info) {
  if (!t || !info || exit_id < 0 || (uint32_t)exit_id >= t->nexits)
    return ARMJIT_E_ARG;
  const ir_exit *e = &t->exits[exit_id];
  info->kind = t->ops[e->op].opc == ARMJIT_OP_FINISH ? ARMJIT_EXIT_FINISH
                                                     : ARMJIT_EXIT_GUARD;
  info->name = e->name;
  info->nvalues = e->nvalues;
  info->types = e->types;
  info->trace = NULL;
  info->trace_exit = (unsigned)exit_id;
  return ARMJIT_OK;
}

armjit_val armjit_trace_exit_value(const armjit_trace *t, int exit_id, unsigned k) {
  if (!t || exit_id < 0 || (uint32_t)exit_id >= t->nexits) return ARMJIT_NOVAL;
  uint32_t n;
  const ir_ref *refs = ir_exit_refs(t, &t->ops[t->exits[exit_id].op], &n);
  return k < n ? refs[k] : ARMJIT_NOVAL;
}

uint32_t ir_frame_capacity(const armjit_trace *t) {
  uint32_t cap = t->ninputs;
  for (uint32_t i = 0; i < t->nexits; i++)
    if (t->exits[i].nvalues > cap) cap = t->exits[i].nvalues;
  if (t->ctx->opts.flags & ARMJIT_INTERRUPTIBLE) /* interrupt exits: a label's values */
    for (uint32_t i = 0; i < t->nops; i++)
      if ((t->ops[i].opc == ARMJIT_OP_LABEL || t->ops[i].opc == ARMJIT_OP_JUMP) &&
          t->ops[i].nargs > cap)
        cap = t->ops[i].nargs;
  return cap;
}

bool ir_is_ident(const char *s) {
  if (!s) return false;
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
    return false;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

int32_t ir_name_find(const armjit_trace *t, const char *name, size_t len) {
  const ir_name_ent *e = ir_names_find(&t->name_index, name, len);
  return e ? e->val : -1;
}

bool ir_name_used(const armjit_trace *t, const char *name) {
  return ir_name_find(t, name, strlen(name)) >= 0 ||
         ir_descr_by_name(t, name, strlen(name)) >= 0; /* memory/call descriptors */
}

/* Index every current name into m (a fresh map). */
static bool index_all(const armjit_trace *t, ir_namemap *m) {
  for (uint32_t i = 0; i < t->nexits; i++) {
    const char *n = t->exits[i].name;
    if (n && !ir_names_put(t->ctx, m, n, strlen(n), (int32_t)(2 * i + 1), 0)) return false;
  }
  for (uint32_t i = 0; i < t->nlabels; i++) {
    const char *n = t->labels[i].name;
    if (n && !ir_names_put(t->ctx, m, n, strlen(n), (int32_t)(2 * i), 0)) return false;
  }
  return true;
}

armjit_status ir_set_name(armjit_trace *t, uint32_t op_index, const char *name,
                          size_t len) {
  ir_trace_will_change(t);
  const ir_op *op = &t->ops[op_index];
  bool label = op->opc == ARMJIT_OP_LABEL;
  char **slot = label ? &t->labels[op->id].name : &t->exits[op->id].name;
  char *copy = ajx_alloc(t->ctx, len + 1);
  if (!copy) return ARMJIT_E_NOMEM;
  memcpy(copy, name, len);
  copy[len] = 0;
  int32_t val = label ? 2 * op->id : 2 * op->id + 1;
  if (!*slot) {
    if (!ir_names_put(t->ctx, &t->name_index, copy, len, val, 0)) {
      ajx_free(t->ctx, copy);
      return ARMJIT_E_NOMEM;
    }
    *slot = copy;
    return ARMJIT_OK;
  }
  /* A rename (rare): rebuild the index, keeping the old state on failure. */
  char *old = *slot;
  ir_namemap m = {NULL, 0, 0};
  *slot = copy;
  if (!index_all(t, &m)) {
    *slot = old;
    ir_names_free(t->ctx, &m);
    ajx_free(t->ctx, copy);
    return ARMJIT_E_NOMEM;
  }
  ir_names_free(t->ctx, &t->name_index);
  t->name_index = m;
  ajx_free(t->ctx, old);
  return ARMJIT_OK;
}

int32_t ir_xlabel(armjit_trace *t, const char *name, size_t len) {
  for (uint32_t k = 0; k < t->nxlabels; k++)
    if (strlen(t->xlabels[k]) == len && memcmp(t->xlabels[k], name, len) == 0)
      return IR_XLABEL(k);
  ir_trace_will_change(t);
  if (t->nxlabels >= IR_MAX_VALUES ||
      !ajx_grow(t->ctx, (void **)&t->xlabels, &t->capxlabels, t->nxlabels + 1,
                sizeof *t->xlabels))
    return 0;
  char *s = ajx_alloc(t->ctx, len + 1);
  if (!s) return 0;
  memcpy(s, name, len);
  s[len] = 0;
  t->xlabels[t->nxlabels] = s;
  return IR_XLABEL(t->nxlabels++);
}

bool armjit_trace_resumable(const armjit_trace *t, int label) {
  if (!t || label < 0 || (uint32_t)label >= t->nlabels) return false;
  uint32_t at = t->labels[label].op;
  for (uint32_t i = 0; i < at; i++)
    if (t->ops[i].opc != ARMJIT_OP_DEBUG_MERGE_POINT) return false;
  const ir_op *op = &t->ops[at];
  if (op->nargs != t->ninputs) return false;
  const ir_ref *a = ir_args(t, op);
  for (uint32_t k = 0; k < op->nargs; k++)
    if (a[k] != (ir_ref)k) return false;
  return true;
}
