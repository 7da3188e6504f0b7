/* SPDX-License-Identifier: MIT */
/* The method IR's tables (from armjit/mc_ops.h), modules and symbols, and
 * the raw appends the builder and the parser share (mir_impl.h). */
#include "mc/mir_impl.h"
#include "util/hash.h"

#include <string.h>

static const mir_opinfo opinfo[ARMJIT_MOP__COUNT] = {
#define MIR_INFO_(N, t, s, a, r, n, f) {t, s, sizeof(a) - 1, a, r, n, f},
    ARMJIT_MOPS(MIR_INFO_)
#undef MIR_INFO_
};

const mir_opinfo *mir_info(unsigned opc) { return &opinfo[opc]; }

const char *mir_type_name(unsigned t) {
  static const char *const n[ARMJIT_T__COUNT] = {"void", "i32", "i64", "f32", "f64", "ref"};
  return t < ARMJIT_T__COUNT ? n[t] : "?";
}

const char *mir_icc_name(unsigned cc) {
  static const char *const n[] = {
#define MIR_NAME_(N, t) t,
      ARMJIT_ICCS(MIR_NAME_)};
  return cc < ARMJIT_ICC__COUNT ? n[cc] : "?";
}

const char *mir_fcc_name(unsigned cc) {
  static const char *const n[] = {ARMJIT_FCCS(MIR_NAME_)};
#undef MIR_NAME_
  return cc < ARMJIT_FCC__COUNT ? n[cc] : "?";
}

static const mir_memkinfo memkinfo[ARMJIT_MEM__COUNT] = {
#define MIR_MEMK_(N, t, b, s, r) {t, b, s, r},
    ARMJIT_MEMKS(MIR_MEMK_)
#undef MIR_MEMK_
};

const mir_memkinfo *mir_memk(unsigned k) { return &memkinfo[k]; }

const char *mir_suffix_name(const mir_opinfo *in, unsigned sub) {
  switch (in->suffix) {
  case ARMJIT_MSUF_NONE: return NULL;
  case ARMJIT_MSUF_ICC: return mir_icc_name(sub);
  case ARMJIT_MSUF_FCC: return mir_fcc_name(sub);
  case ARMJIT_MSUF_MEM: return sub < ARMJIT_MEM__COUNT ? memkinfo[sub].name : "?";
  case ARMJIT_MSUF_RES: return sub == ARMJIT_T_VOID ? NULL : mir_type_name(sub);
  default: return mir_type_name(sub);
  }
}

bool mir_suffix_ok(const mir_opinfo *in, unsigned sub) {
  switch (in->suffix) {
  case ARMJIT_MSUF_NONE: return sub == 0;
  case ARMJIT_MSUF_INT: return sub == ARMJIT_T_I32 || sub == ARMJIT_T_I64;
  case ARMJIT_MSUF_FLT: return sub == ARMJIT_T_F32 || sub == ARMJIT_T_F64;
  case ARMJIT_MSUF_BITS: return sub >= ARMJIT_T_I32 && sub <= ARMJIT_T_F64;
  case ARMJIT_MSUF_ICC: return sub < ARMJIT_ICC__COUNT;
  case ARMJIT_MSUF_FCC: return sub < ARMJIT_FCC__COUNT;
  case ARMJIT_MSUF_MEM: return sub < ARMJIT_MEM__COUNT;
  case ARMJIT_MSUF_ANY: return sub >= ARMJIT_T_I32 && sub < ARMJIT_T__COUNT;
  case ARMJIT_MSUF_RES: return sub < ARMJIT_T__COUNT;
  default: return false;
  }
}

/* ---- modules ----------------------------------------------------------------------- */
armjit_module *armjit_module_new(armjit_ctx *ctx, const armjit_module_options *o) {
  if (!ctx) return NULL;
  armjit_module *m = ajx_calloc(ctx, 1, sizeof *m);
  if (!m) return NULL;
  m->ctx = ctx;
  m->trap_sym = -1;
  for (unsigned k = 0; k < MIR_EXC__COUNT; k++) m->exc[k].sym = -1;
  if (o) mir_exc_options(m, o);
  if (o) {
    if ((unsigned)o->trap > ARMJIT_TRAP_UDF) {
      mir_fail(m, ARMJIT_E_ARG, "armjit_module_new: unknown trap mode %d", (int)o->trap);
    } else {
      m->trap = (uint8_t)o->trap;
      if (o->trap == ARMJIT_TRAP_CALL) {
        if (!o->trap_sym || !mir_name_ok(o->trap_sym, strlen(o->trap_sym)))
          mir_fail(m, ARMJIT_E_ARG,
                   "armjit_module_new: trap mode call needs trap_sym, a C identifier of at "
                   "most %d bytes",
                   MIR_NAME_MAX);
        else if (!(m->trap_name = ajx_strdup(ctx, o->trap_sym)))
          mir_fail(m, ARMJIT_E_NOMEM, "armjit_module_new: out of memory");
      }
    }
  }
  return m;
}

void mir_func_free(armjit_ctx *ctx, mir_func *fn) {
  if (!fn) return;
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    ajx_free(ctx, fn->blocks[b].params);
    ajx_free(ctx, fn->blocks[b].ops);
    ajx_free(ctx, (void *)fn->blocks[b].name);
  }
  for (uint32_t v = 0; v < fn->nvals; v++) ajx_free(ctx, (void *)fn->vals[v].name);
  ajx_free(ctx, fn->blocks);
  ajx_free(ctx, fn->vals);
  ajx_free(ctx, fn->ops);
  ajx_free(ctx, fn->operands);
  ajx_free(ctx, fn->edges);
  ajx_free(ctx, fn->consts);
  ajx_free(ctx, fn->handlers);
  ajx_free(ctx, fn->rpo);
  ajx_free(ctx, fn->analysis);
  mir_raw_free(ctx, fn->raw);
  ajx_free(ctx, fn);
}

void armjit_module_free(armjit_module *m) {
  if (!m) return;
  armjit_ctx *ctx = m->ctx;
  for (uint32_t s = 0; s < m->nsyms; s++) {
    ajx_free(ctx, m->syms[s].name);
    ajx_free(ctx, m->syms[s].params);
    mir_func_free(ctx, m->syms[s].fn);
    mir_data_free(ctx, m->syms[s].data);
    ajx_free(ctx, m->syms[s].section);
  }
  mir_interp_data_free(m);
  ajx_free(ctx, m->syms);
  ajx_free(ctx, m->symhash);
  ajx_free(ctx, m->blockmap);
  ajx_free(ctx, m->trap_name);
  for (unsigned k = 0; k < MIR_EXC__COUNT; k++) ajx_free(ctx, m->exc[k].name);
  ajx_free(ctx, m);
}

armjit_ctx *armjit_module_ctx(const armjit_module *m) { return m ? m->ctx : NULL; }

armjit_status mir_fail(armjit_module *m, armjit_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ajx_errv(&m->builder_err, true, code, 0, 0, NULL, fmt, ap);
  va_end(ap);
  m->validated = false;
  return code;
}

bool mir_name_ok(const char *s, size_t n) {
  if (n == 0 || n > MIR_NAME_MAX) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
    return false;
  for (size_t k = 1; k < n; k++) {
    char c = s[k];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
          (c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

/* ---- symbols ---------------------------------------------------------------------- */
int32_t mir_find_sym(const armjit_module *m, const char *name, size_t n) {
  if (!m->symhash_cap) return -1;
  uint32_t mask = m->symhash_cap - 1;
  for (uint32_t i = ajx_hash(name, n) & mask;; i = (i + 1) & mask) {
    uint32_t s = m->symhash[i];
    if (!s) return -1;
    const char *nm = m->syms[s - 1].name;
    if (strlen(nm) == n && memcmp(nm, name, n) == 0) return (int32_t)(s - 1);
  }
}

/* Enter symbol s in the name hash, growing it to keep it at most half full. */
static bool hash_sym(armjit_module *m, uint32_t s) {
  if (2 * (m->nsyms + 1) > m->symhash_cap) {
    uint32_t cap = m->symhash_cap ? 2 * m->symhash_cap : 64;
    uint32_t *h = ajx_calloc(m->ctx, cap, sizeof *h);
    if (!h) return false;
    ajx_free(m->ctx, m->symhash);
    m->symhash = h;
    m->symhash_cap = cap;
    for (uint32_t k = 0; k < s; k++) hash_sym(m, k); /* room: no growth inside */
  }
  const char *nm = m->syms[s].name;
  uint32_t mask = m->symhash_cap - 1, i = ajx_hash(nm, strlen(nm)) & mask;
  while (m->symhash[i]) i = (i + 1) & mask;
  m->symhash[i] = s + 1;
  return true;
}

armjit_status mir_add_sym(armjit_module *m, uint8_t kind, const char *name, size_t n,
                          const uint8_t *params, uint32_t nparams, uint8_t result,
                          uint32_t *out) {
  if (m->nsyms >= MIR_MAX_ITEMS) return ARMJIT_E_LIMIT;
  if (!ajx_grow(m->ctx, (void **)&m->syms, &m->syms_cap, m->nsyms + 1, sizeof *m->syms))
    return ARMJIT_E_NOMEM;
  mir_sym *s = &m->syms[m->nsyms];
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->result = result;
  s->name = ajx_alloc(m->ctx, n + 1);
  s->params = nparams ? ajx_alloc(m->ctx, nparams) : NULL;
  if (kind == MIR_SYM_FUNC) s->fn = ajx_calloc(m->ctx, 1, sizeof *s->fn);
  if (!s->name || (nparams && !s->params) || (kind == MIR_SYM_FUNC && !s->fn)) {
    ajx_free(m->ctx, s->name);
    ajx_free(m->ctx, s->params);
    ajx_free(m->ctx, s->fn);
    return ARMJIT_E_NOMEM;
  }
  memcpy(s->name, name, n);
  s->name[n] = 0;
  if (!hash_sym(m, m->nsyms)) {
    ajx_free(m->ctx, s->name);
    ajx_free(m->ctx, s->params);
    ajx_free(m->ctx, s->fn);
    return ARMJIT_E_NOMEM;
  }
  if (nparams) memcpy(s->params, params, nparams);
  s->nparams = nparams;
  if (s->fn) s->fn->sym = m->nsyms;
  *out = m->nsyms++;
  m->validated = false;
  return ARMJIT_OK;
}

armjit_sym armjit_module_find(const armjit_module *m, const char *name) {
  if (!m || !name) return -1;
  return mir_find_sym(m, name, strlen(name));
}

unsigned armjit_module_nsyms(const armjit_module *m) { return m ? m->nsyms : 0; }

const char *armjit_sym_name(const armjit_module *m, armjit_sym s) {
  return m && s >= 0 && (uint32_t)s < m->nsyms ? m->syms[s].name : NULL;
}

bool armjit_sym_is_func(const armjit_module *m, armjit_sym s) {
  return m && s >= 0 && (uint32_t)s < m->nsyms && m->syms[s].kind == MIR_SYM_FUNC;
}

int armjit_sym_signature(const armjit_module *m, armjit_sym s, armjit_mtype *params,
                         unsigned cap, armjit_mtype *result) {
  if (!m || s < 0 || (uint32_t)s >= m->nsyms) return -1;
  const mir_sym *y = &m->syms[s];
  for (unsigned k = 0; k < y->nparams && k < cap; k++)
    if (params) params[k] = (armjit_mtype)y->params[k];
  if (result) *result = (armjit_mtype)y->result;
  return (int)y->nparams;
}

/* ---- raw appends -------------------------------------------------------------------- */
armjit_status mir_add_value(armjit_ctx *ctx, mir_func *fn, uint8_t type, bool is_param,
                            uint32_t block, uint32_t def, uint32_t *out) {
  if (fn->nvals >= MIR_MAX_ITEMS) return ARMJIT_E_LIMIT;
  if (!ajx_grow(ctx, (void **)&fn->vals, &fn->vals_cap, fn->nvals + 1, sizeof *fn->vals))
    return ARMJIT_E_NOMEM;
  mir_value *v = &fn->vals[fn->nvals];
  memset(v, 0, sizeof *v);
  v->type = type;
  v->is_param = is_param;
  v->block = block;
  v->def = def;
  *out = fn->nvals++;
  return ARMJIT_OK;
}

armjit_status mir_add_block(armjit_module *m, mir_func *fn, const uint8_t *params,
                            uint32_t nparams, uint32_t *out) {
  armjit_ctx *ctx = m->ctx;
  if (fn->nblocks >= MIR_MAX_ITEMS || fn->nvals + nparams > MIR_MAX_ITEMS)
    return ARMJIT_E_LIMIT;
  if (!ajx_grow(ctx, (void **)&fn->blocks, &fn->blocks_cap, fn->nblocks + 1,
                sizeof *fn->blocks) ||
      !ajx_grow(ctx, (void **)&m->blockmap, &m->blockmap_cap, m->nblockmap + 1,
                sizeof *m->blockmap))
    return ARMJIT_E_NOMEM;
  mir_block *b = &fn->blocks[fn->nblocks];
  memset(b, 0, sizeof *b);
  if (nparams && !(b->params = ajx_alloc(ctx, nparams * sizeof *b->params)))
    return ARMJIT_E_NOMEM;
  uint32_t bi = fn->nblocks++;
  for (uint32_t k = 0; k < nparams; k++) {
    armjit_status st = mir_add_value(ctx, fn, params ? params[k] : ARMJIT_T_VOID, true, bi,
                                     k, &b->params[k]);
    if (st != ARMJIT_OK) return st; /* cannot happen: room checked above, bar memory */
    b->nparams++;
  }
  m->blockmap[m->nblockmap].sym = fn->sym;
  m->blockmap[m->nblockmap].block = bi;
  m->nblockmap++;
  m->validated = false;
  *out = bi;
  return ARMJIT_OK;
}

armjit_status mir_add_const(armjit_ctx *ctx, mir_func *fn, uint8_t type, uint64_t bits,
                            mir_ref *out) {
  if (fn->nconsts >= MIR_MAX_ITEMS) return ARMJIT_E_LIMIT;
  if (!ajx_grow(ctx, (void **)&fn->consts, &fn->consts_cap, fn->nconsts + 1,
                sizeof *fn->consts))
    return ARMJIT_E_NOMEM;
  switch (type) {
  case ARMJIT_T_I32:
  case ARMJIT_T_F32: bits &= 0xffffffffu; break;
  case ARMJIT_T_REF: bits = (uintptr_t)bits; break;
  default: break;
  }
  fn->consts[fn->nconsts].type = type;
  fn->consts[fn->nconsts].bits = bits;
  *out = MIR_CONST_REF(fn->nconsts++);
  return ARMJIT_OK;
}

armjit_status mir_add_op(armjit_ctx *ctx, mir_func *fn, uint32_t block, const mir_op *proto,
                         const mir_ref *args, uint32_t nargs, uint32_t nedges,
                         uint32_t *out) {
  if (fn->nops >= MIR_MAX_ITEMS || (proto->rtype != ARMJIT_T_VOID && fn->nvals >= MIR_MAX_ITEMS))
    return ARMJIT_E_LIMIT;
  if (fn->noperands + nargs > UINT32_MAX / 2 || fn->nedges + nedges > UINT32_MAX / 2)
    return ARMJIT_E_LIMIT;
  mir_block *b = &fn->blocks[block];
  if (!ajx_grow(ctx, (void **)&fn->ops, &fn->ops_cap, fn->nops + 1, sizeof *fn->ops) ||
      !ajx_grow(ctx, (void **)&fn->operands, &fn->operands_cap, fn->noperands + nargs,
                sizeof *fn->operands) ||
      !ajx_grow(ctx, (void **)&fn->edges, &fn->edges_cap, fn->nedges + nedges,
                sizeof *fn->edges) ||
      !ajx_grow(ctx, (void **)&b->ops, &b->ops_cap, b->nops + 1, sizeof *b->ops) ||
      !ajx_grow(ctx, (void **)&fn->vals, &fn->vals_cap, fn->nvals + 1, sizeof *fn->vals))
    return ARMJIT_E_NOMEM;
  uint32_t oi = fn->nops++;
  mir_op *op = &fn->ops[oi];
  *op = *proto;
  op->block = block;
  op->args = fn->noperands;
  op->nargs = nargs;
  if (nargs) memcpy(fn->operands + fn->noperands, args, nargs * sizeof *args);
  fn->noperands += nargs;
  op->edges = fn->nedges;
  op->nedges = nedges;
  if (nedges) memset(fn->edges + fn->nedges, 0, nedges * sizeof *fn->edges);
  fn->nedges += nedges;
  op->result = MIR_NONE;
  if (proto->rtype != ARMJIT_T_VOID) {
    uint32_t v = 0;
    armjit_status st = mir_add_value(ctx, fn, proto->rtype, false, block, oi, &v);
    if (st != ARMJIT_OK) return st; /* cannot happen: room was grown above */
    op->result = (mir_ref)v;
  }
  b->ops[b->nops++] = oi;
  *out = oi;
  return ARMJIT_OK;
}

/* Edge k of a terminator: its target and arguments (appended operands). */
armjit_status mir_set_edge(armjit_ctx *ctx, mir_func *fn, uint32_t opi, uint32_t k,
                           uint32_t target, int32_t key, const mir_ref *args, uint32_t n) {
  if (fn->noperands + n > UINT32_MAX / 2) return ARMJIT_E_LIMIT;
  if (!ajx_grow(ctx, (void **)&fn->operands, &fn->operands_cap, fn->noperands + n,
                sizeof *fn->operands))
    return ARMJIT_E_NOMEM;
  mir_edge *e = &fn->edges[fn->ops[opi].edges + k];
  e->block = target;
  e->key = key;
  e->nargs = n;
  e->args = fn->noperands;
  if (n) memcpy(fn->operands + fn->noperands, args, n * sizeof *args);
  fn->noperands += n;
  return ARMJIT_OK;
}
