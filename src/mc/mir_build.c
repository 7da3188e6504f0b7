/* SPDX-License-Identifier: MIT */
/* The public builder of the method IR.  Each call checks what it can see
 * (handles, names, types of its operands, through the one checker in
 * mir_types.c) and never aborts: the first misuse is kept in
 * m->builder_err and the call returns -1 / ARMJIT_NOVAL / the status.
 * Rules spanning ops (dominance, terminators, block arguments) are the
 * validator's, which also runs on parsed modules. */
#include "mc/mir_impl.h"

#include <string.h>

static armjit_status raw_err(armjit_module *m, const char *fn, armjit_status st) {
  if (st == ARMJIT_E_NOMEM) return mir_fail(m, st, "%s: out of memory", fn);
  return mir_fail(m, st, "%s: more than %u items in a function or module", fn, MIR_MAX_ITEMS);
}

static bool types_ok(armjit_module *m, const char *fn, const armjit_mtype *t, unsigned n,
                     bool allow_void, const char *what) {
  if (n && !t) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %s list is NULL but its count is %u", fn, what, n);
    return false;
  }
  for (unsigned k = 0; k < n; k++)
    if ((unsigned)t[k] >= ARMJIT_T__COUNT || (!allow_void && t[k] == ARMJIT_T_VOID)) {
      mir_fail(m, ARMJIT_E_ARG, "%s: %s %u has bad type %d", fn, what, k + 1, (int)t[k]);
      return false;
    }
  return true;
}

armjit_sym mir_build_sym(armjit_module *m, const char *fn, uint8_t kind, const char *name,
                         const armjit_mtype *params, unsigned n, armjit_mtype result, bool entry) {
  if (!m) return -1;
  if (!name || !mir_name_ok(name, strlen(name))) {
    mir_fail(m, ARMJIT_E_ARG, "%s: name %s%s%s is not a C identifier of at most %d bytes", fn,
             name ? "'" : "", name ? name : "NULL", name ? "'" : "", MIR_NAME_MAX);
    return -1;
  }
  if (!types_ok(m, fn, params, n, false, "parameter")) return -1;
  armjit_mtype rt = result;
  if (!types_ok(m, fn, &rt, 1, true, "result")) return -1;
  if (n > MIR_MAX_ITEMS) {
    mir_fail(m, ARMJIT_E_LIMIT, "%s: @%s: %u parameters", fn, name, n);
    return -1;
  }
  if (mir_find_sym(m, name, strlen(name)) >= 0) {
    mir_fail(m, ARMJIT_E_INVALID, "%s: duplicate symbol @%s", fn, name);
    return -1;
  }
  uint8_t small[16] = {0}, *p = small;
  if (n > 16 && !(p = ajx_alloc(m->ctx, n))) { raw_err(m, fn, ARMJIT_E_NOMEM); return -1; }
  for (unsigned k = 0; k < n; k++) p[k] = (uint8_t)params[k];
  uint32_t s;
  armjit_status st = mir_add_sym(m, kind, name, strlen(name), p, n, (uint8_t)result, &s);
  if (st == ARMJIT_OK && kind == MIR_SYM_FUNC && entry) {
    uint32_t b;
    st = mir_add_block(m, m->syms[s].fn, p, n, &b);
  }
  if (p != small) ajx_free(m->ctx, p);
  if (st != ARMJIT_OK) { raw_err(m, fn, st); return -1; }
  return (armjit_sym)s;
}

armjit_sym armjit_extern(armjit_module *m, const char *name, const armjit_mtype *params,
                         unsigned nparams, armjit_mtype result) {
  return mir_build_sym(m, "armjit_extern", MIR_SYM_EXTERN, name, params, nparams, result, false);
}

armjit_sym armjit_func_new(armjit_module *m, const char *name, const armjit_mtype *params,
                           unsigned nparams, armjit_mtype result) {
  return mir_build_sym(m, "armjit_func_new", MIR_SYM_FUNC, name, params, nparams, result, true);
}

static mir_func *func_of(armjit_module *m, const char *fn, armjit_sym f) {
  if (!m) return NULL;
  if (f < 0 || (uint32_t)f >= m->nsyms || m->syms[f].kind != MIR_SYM_FUNC) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %d is not a function of the module", fn, (int)f);
    return NULL;
  }
  if (m->syms[f].fn->raw) {
    mir_fail(m, ARMJIT_E_ARG, "%s: @%s is a raw function (machine code, no blocks)", fn,
             m->syms[f].name);
    return NULL;
  }
  return m->syms[f].fn;
}

/* A block handle: its function and index. */
static mir_func *block_of(armjit_module *m, const char *fn, armjit_block b, uint32_t *bi) {
  if (!m) return NULL;
  if (b < 0 || (uint32_t)b >= m->nblockmap) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %d is not a block of the module", fn, (int)b);
    return NULL;
  }
  *bi = m->blockmap[b].block;
  return m->syms[m->blockmap[b].sym].fn;
}

/* The public handle of block bi of function symbol s (linear: handles are
 * looked up only by the builder's entry call). */
static armjit_block handle_of(const armjit_module *m, uint32_t s, uint32_t bi) {
  for (uint32_t h = 0; h < m->nblockmap; h++)
    if (m->blockmap[h].sym == s && m->blockmap[h].block == bi) return (armjit_block)h;
  return -1;
}

armjit_block armjit_func_entry(armjit_module *m, armjit_sym f) {
  mir_func *fn = func_of(m, "armjit_func_entry", f);
  return fn ? handle_of(m, (uint32_t)f, 0) : -1;
}

armjit_block armjit_block_new(armjit_module *m, armjit_sym f, const armjit_mtype *params,
                              unsigned nparams) {
  static const char fnn[] = "armjit_block_new";
  mir_func *fn = func_of(m, fnn, f);
  if (!fn || !types_ok(m, fnn, params, nparams, false, "parameter")) return -1;
  if (nparams > MIR_MAX_ITEMS) { raw_err(m, fnn, ARMJIT_E_LIMIT); return -1; }
  uint8_t small[16] = {0}, *p = small;
  if (nparams > 16 && !(p = ajx_alloc(m->ctx, nparams))) {
    raw_err(m, fnn, ARMJIT_E_NOMEM);
    return -1;
  }
  for (unsigned k = 0; k < nparams; k++) p[k] = (uint8_t)params[k];
  uint32_t b;
  armjit_status st = mir_add_block(m, fn, p, nparams, &b);
  if (p != small) ajx_free(m->ctx, p);
  if (st != ARMJIT_OK) { raw_err(m, fnn, st); return -1; }
  return (armjit_block)(m->nblockmap - 1);
}

armjit_val armjit_block_param(armjit_module *m, armjit_block b, unsigned i) {
  uint32_t bi;
  mir_func *fn = block_of(m, "armjit_block_param", b, &bi);
  if (!fn) return ARMJIT_NOVAL;
  if (i >= fn->blocks[bi].nparams) {
    mir_fail(m, ARMJIT_E_ARG, "armjit_block_param: block %d has %u parameters, not %u",
             (int)b, fn->blocks[bi].nparams, i + 1);
    return ARMJIT_NOVAL;
  }
  return (armjit_val)fn->blocks[bi].params[i];
}

armjit_val armjit_mconst(armjit_module *m, armjit_sym f, armjit_mtype t, uint64_t bits) {
  static const char fnn[] = "armjit_mconst";
  mir_func *fn = func_of(m, fnn, f);
  if (!fn) return ARMJIT_NOVAL;
  if (t <= ARMJIT_T_VOID || t >= ARMJIT_T__COUNT) {
    mir_fail(m, ARMJIT_E_ARG, "%s: bad type %d", fnn, (int)t);
    return ARMJIT_NOVAL;
  }
  mir_ref r;
  armjit_status st = mir_add_const(m->ctx, fn, (uint8_t)t, bits, &r);
  if (st != ARMJIT_OK) { raw_err(m, fnn, st); return ARMJIT_NOVAL; }
  m->validated = false;
  return r;
}

armjit_val armjit_mconst_i32(armjit_module *m, armjit_sym f, int32_t v) {
  return armjit_mconst(m, f, ARMJIT_T_I32, (uint32_t)v);
}
armjit_val armjit_mconst_i64(armjit_module *m, armjit_sym f, int64_t v) {
  return armjit_mconst(m, f, ARMJIT_T_I64, (uint64_t)v);
}
armjit_val armjit_mconst_f32(armjit_module *m, armjit_sym f, float v) {
  uint32_t b;
  memcpy(&b, &v, 4);
  return armjit_mconst(m, f, ARMJIT_T_F32, b);
}
armjit_val armjit_mconst_f64(armjit_module *m, armjit_sym f, double v) {
  uint64_t b;
  memcpy(&b, &v, 8);
  return armjit_mconst(m, f, ARMJIT_T_F64, b);
}
armjit_val armjit_mconst_ref(armjit_module *m, armjit_sym f, uintptr_t v) {
  return armjit_mconst(m, f, ARMJIT_T_REF, v);
}

armjit_mtype armjit_mval_type(const armjit_module *m, armjit_sym f, armjit_val v) {
  if (!m || f < 0 || (uint32_t)f >= m->nsyms || !m->syms[f].fn) return ARMJIT_T_VOID;
  return (armjit_mtype)mir_ref_type_safe(m->syms[f].fn, v);
}

/* ---- ops ---------------------------------------------------------------------------- */
/* Check and append one op; returns its index or -1 (misuse remembered). */
static int64_t append(armjit_module *m, const char *fnn, mir_func *fn, uint32_t bi,
                      mir_op *proto, const mir_ref *args, uint32_t nargs, uint32_t nedges) {
  armjit_status code;
  char msg[200];
  if (nargs && !args) {
    mir_fail(m, ARMJIT_E_ARG, "%s: operand list is NULL but its count is %u", fnn, nargs);
    return -1;
  }
  proto->rtype = mir_result_type(m, proto->opc, proto->sub, proto->sym);
  if (!mir_check_operands(m, fn, proto, args, nargs, &code, msg, sizeof msg)) {
    char on[48];
    mir_op_text(proto, on, sizeof on);
    mir_fail(m, code, "%s: @%s block %u, %s: %s", fnn, m->syms[fn->sym].name, bi, on, msg);
    return -1;
  }
  uint32_t oi;
  armjit_status st = mir_add_op(m->ctx, fn, bi, proto, args, nargs, nedges, &oi);
  if (st != ARMJIT_OK) { raw_err(m, fnn, st); return -1; }
  m->validated = false;
  return oi;
}

static mir_op proto_of(unsigned opc, unsigned sub) {
  mir_op p;
  memset(&p, 0, sizeof p);
  p.opc = (uint16_t)opc;
  p.sub = (uint8_t)sub;
  p.sym = -1;
  return p;
}

/* armjit_emit: the op's index, or -1 (misuse remembered); *fnp its function. */
static int64_t emit_op(armjit_module *m, armjit_block b, armjit_mop op, unsigned sub,
                       const armjit_val *args, unsigned nargs, const int32_t *imm,
                       unsigned nimm, armjit_sym sym, unsigned flags, mir_func **fnp) {
  static const char fnn[] = "armjit_emit";
  uint32_t bi;
  mir_func *fn = block_of(m, fnn, b, &bi);
  *fnp = fn;
  if (!fn) return -1;
  if ((unsigned)op >= ARMJIT_MOP__COUNT) {
    mir_fail(m, ARMJIT_E_ARG, "%s: unknown op %d", fnn, (int)op);
    return -1;
  }
  const mir_opinfo *in = mir_info(op);
  /* calls and the terminators with successors have their own calls; the
   * intrinsic terminators (halt, jump_to, exc_return) come through here */
  if ((in->flags & ARMJIT_MOPF_CALL) ||
      ((in->flags & ARMJIT_MOPF_TERM) && !(in->flags & ARMJIT_MOPF_MACHINE))) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %s has its own builder call (armjit_%s)", fnn, in->name,
             in->name);
    return -1;
  }
  if (sub > 255 || !mir_suffix_ok(in, sub)) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %s: bad suffix %u", fnn, in->name, sub);
    return -1;
  }
  if (nimm != in->nimm || (nimm && !imm)) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %s takes %u immediates, got %u", fnn, in->name,
             (unsigned)in->nimm, nimm);
    return -1;
  }
  if (flags & ~(unsigned)ARMJIT_MOP_VOLATILE ||
      (flags && !(in->flags & (ARMJIT_MOPF_LOAD | ARMJIT_MOPF_STORE)))) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %s: bad flags 0x%x", fnn, in->name, flags);
    return -1;
  }
  if ((in->flags & ARMJIT_MOPF_SYM) && (sym < 0 || (uint32_t)sym >= m->nsyms)) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %s: %d is not a symbol of the module", fnn, in->name,
             (int)sym);
    return -1;
  }
  mir_op p = proto_of(op, sub);
  p.flags = (uint8_t)flags;
  if (in->flags & ARMJIT_MOPF_SYM) p.sym = sym;
  for (unsigned k = 0; k < nimm && k < MIR_MAX_IMM; k++) p.imm[k] = imm[k];
  /* memory ops without an index: index constant 0 */
  mir_ref a[3];
  if ((op == ARMJIT_MOP_LOAD && nargs == 1) || (op == ARMJIT_MOP_STORE && nargs == 2)) {
    if (!args) { mir_fail(m, ARMJIT_E_ARG, "%s: operand list is NULL", fnn); return -1; }
    mir_ref zero;
    armjit_status st = mir_add_const(m->ctx, fn, ARMJIT_T_I32, 0, &zero);
    if (st != ARMJIT_OK) { raw_err(m, fnn, st); return -1; }
    a[0] = args[0];
    a[1] = zero;
    if (op == ARMJIT_MOP_STORE) a[2] = args[1];
    args = a;
    nargs++;
  }
  return append(m, fnn, fn, bi, &p, args, nargs, 0);
}

armjit_val armjit_emit(armjit_module *m, armjit_block b, armjit_mop op, unsigned sub,
                       const armjit_val *args, unsigned nargs, const int32_t *imm,
                       unsigned nimm, armjit_sym sym, unsigned flags) {
  mir_func *fn;
  int64_t oi = emit_op(m, b, op, sub, args, nargs, imm, nimm, sym, flags, &fn);
  return oi < 0 ? ARMJIT_NOVAL : fn->ops[oi].result;
}

armjit_val armjit_op1(armjit_module *m, armjit_block b, armjit_mop op, unsigned sub,
                      armjit_val x) {
  return armjit_emit(m, b, op, sub, &x, 1, NULL, 0, -1, 0);
}
armjit_val armjit_op2(armjit_module *m, armjit_block b, armjit_mop op, unsigned sub,
                      armjit_val x, armjit_val y) {
  armjit_val a[2] = {x, y};
  return armjit_emit(m, b, op, sub, a, 2, NULL, 0, -1, 0);
}
armjit_val armjit_icmp(armjit_module *m, armjit_block b, armjit_icc cc, armjit_val x,
                       armjit_val y) {
  return armjit_op2(m, b, ARMJIT_MOP_ICMP, cc, x, y);
}
armjit_val armjit_fcmp(armjit_module *m, armjit_block b, armjit_fcc cc, armjit_val x,
                       armjit_val y) {
  return armjit_op2(m, b, ARMJIT_MOP_FCMP, cc, x, y);
}
armjit_val armjit_select(armjit_module *m, armjit_block b, armjit_mtype t, armjit_val c,
                         armjit_val x, armjit_val y) {
  armjit_val a[3] = {c, x, y};
  return armjit_emit(m, b, ARMJIT_MOP_SELECT, t, a, 3, NULL, 0, -1, 0);
}
armjit_val armjit_load(armjit_module *m, armjit_block b, armjit_memk k, armjit_val base,
                       armjit_val index, unsigned shift, int32_t offset, unsigned flags) {
  armjit_val a[2] = {base, index};
  int32_t imm[2] = {(int32_t)(shift > 255 ? 255 : shift), offset};
  return armjit_emit(m, b, ARMJIT_MOP_LOAD, k, a, index == ARMJIT_NOVAL ? 1 : 2, imm, 2, -1,
                     flags);
}
armjit_status armjit_store(armjit_module *m, armjit_block b, armjit_memk k, armjit_val base,
                           armjit_val index, unsigned shift, int32_t offset, armjit_val v,
                           unsigned flags) {
  armjit_val a[3] = {base, index, v};
  if (index == ARMJIT_NOVAL) a[1] = v;
  int32_t imm[2] = {(int32_t)(shift > 255 ? 255 : shift), offset};
  if (!m) return ARMJIT_E_ARG;
  mir_func *fn;
  if (emit_op(m, b, ARMJIT_MOP_STORE, k, a, index == ARMJIT_NOVAL ? 2 : 3, imm, 2, -1, flags,
              &fn) < 0)
    return m->builder_err.code;
  return ARMJIT_OK;
}
armjit_val armjit_addr(armjit_module *m, armjit_block b, armjit_sym s, int32_t offset) {
  return armjit_emit(m, b, ARMJIT_MOP_ADDR, 0, NULL, 0, &offset, 1, s, 0);
}
armjit_status armjit_check(armjit_module *m, armjit_block b, armjit_mop op,
                           const armjit_val *args, unsigned nargs, uint32_t code) {
  if (!m) return ARMJIT_E_ARG;
  if ((unsigned)op >= ARMJIT_MOP__COUNT || !(mir_info(op)->flags & ARMJIT_MOPF_TRAP))
    return mir_fail(m, ARMJIT_E_ARG, "armjit_check: op %d is not a check", (int)op);
  int32_t imm = (int32_t)code;
  mir_func *fn;
  if (emit_op(m, b, op, 0, args, nargs, &imm, 1, -1, 0, &fn) < 0) return m->builder_err.code;
  return ARMJIT_OK;
}

armjit_val armjit_call(armjit_module *m, armjit_block b, armjit_sym f, const armjit_val *args,
                       unsigned n) {
  static const char fnn[] = "armjit_call";
  uint32_t bi;
  mir_func *fn = block_of(m, fnn, b, &bi);
  if (!fn) return ARMJIT_NOVAL;
  if (f < 0 || (uint32_t)f >= m->nsyms) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %d is not a symbol of the module", fnn, (int)f);
    return ARMJIT_NOVAL;
  }
  mir_op p = proto_of(ARMJIT_MOP_CALL, 0);
  p.sym = f;
  int64_t oi = append(m, fnn, fn, bi, &p, args, n, 0);
  return oi < 0 ? ARMJIT_NOVAL : fn->ops[oi].result;
}

armjit_val armjit_call_ind(armjit_module *m, armjit_block b, armjit_val fnptr,
                           armjit_mtype result, const armjit_val *args, unsigned n,
                           armjit_val hidden) {
  static const char fnn[] = "armjit_call_ind";
  uint32_t bi;
  mir_func *fn = block_of(m, fnn, b, &bi);
  if (!fn) return ARMJIT_NOVAL;
  if ((unsigned)result >= ARMJIT_T__COUNT) {
    mir_fail(m, ARMJIT_E_ARG, "%s: bad result type %d", fnn, (int)result);
    return ARMJIT_NOVAL;
  }
  if (n && !args) {
    mir_fail(m, ARMJIT_E_ARG, "%s: argument list is NULL but its count is %u", fnn, n);
    return ARMJIT_NOVAL;
  }
  if (n > MIR_MAX_ITEMS) { raw_err(m, fnn, ARMJIT_E_LIMIT); return ARMJIT_NOVAL; }
  uint32_t total = n + 1 + (hidden != ARMJIT_NOVAL);
  mir_ref small[18], *a = small;
  if (total > 18 && !(a = ajx_alloc(m->ctx, total * sizeof *a))) {
    raw_err(m, fnn, ARMJIT_E_NOMEM);
    return ARMJIT_NOVAL;
  }
  a[0] = fnptr;
  if (n) memcpy(a + 1, args, n * sizeof *a);
  mir_op p = proto_of(ARMJIT_MOP_CALL_IND, result);
  if (hidden != ARMJIT_NOVAL) {
    a[n + 1] = hidden;
    p.flags = MIR_OP_HIDDEN;
  }
  int64_t oi = append(m, fnn, fn, bi, &p, a, total, 0);
  if (a != small) ajx_free(m->ctx, a);
  return oi < 0 ? ARMJIT_NOVAL : fn->ops[oi].result;
}

/* ---- terminators ----------------------------------------------------------------------- */
/* A target block handle of the same function as `from`. */
static bool target_of(armjit_module *m, const char *fnn, const mir_func *fn, armjit_block t,
                      uint32_t *ti) {
  if (t < 0 || (uint32_t)t >= m->nblockmap) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %d is not a block of the module", fnn, (int)t);
    return false;
  }
  if (m->blockmap[t].sym != fn->sym) {
    mir_fail(m, ARMJIT_E_INVALID, "%s: block %d belongs to @%s, not @%s", fnn, (int)t,
             m->syms[m->blockmap[t].sym].name, m->syms[fn->sym].name);
    return false;
  }
  *ti = m->blockmap[t].block;
  return true;
}

static bool list_ok(armjit_module *m, const char *fnn, const armjit_val *a, unsigned n) {
  if (n && !a) {
    mir_fail(m, ARMJIT_E_ARG, "%s: argument list is NULL but its count is %u", fnn, n);
    return false;
  }
  if (n > MIR_MAX_ITEMS) { raw_err(m, fnn, ARMJIT_E_LIMIT); return false; }
  return true;
}

typedef struct {
  uint32_t block;
  int32_t key;
  const armjit_val *args;
  unsigned n;
} edge_spec;

static armjit_status terminate(armjit_module *m, const char *fnn, mir_func *fn, uint32_t bi,
                               unsigned opc, const mir_ref *ops, uint32_t nops,
                               const edge_spec *e, uint32_t ne) {
  mir_op p = proto_of(opc, 0);
  int64_t oi = append(m, fnn, fn, bi, &p, ops, nops, ne);
  if (oi < 0) return m->builder_err.code;
  for (uint32_t k = 0; k < ne; k++) {
    armjit_status st =
        mir_set_edge(m->ctx, fn, (uint32_t)oi, k, e[k].block, e[k].key, e[k].args, e[k].n);
    if (st != ARMJIT_OK) return raw_err(m, fnn, st);
  }
  return ARMJIT_OK;
}

armjit_status armjit_br(armjit_module *m, armjit_block from, armjit_block to,
                        const armjit_val *args, unsigned n) {
  static const char fnn[] = "armjit_br";
  uint32_t bi, ti;
  mir_func *fn = block_of(m, fnn, from, &bi);
  if (!fn) return ARMJIT_E_ARG;
  if (!target_of(m, fnn, fn, to, &ti) || !list_ok(m, fnn, args, n))
    return m->builder_err.code;
  edge_spec e = {ti, 0, args, n};
  return terminate(m, fnn, fn, bi, ARMJIT_MOP_BR, NULL, 0, &e, 1);
}

armjit_status armjit_cbr(armjit_module *m, armjit_block from, armjit_val c, armjit_block t,
                         const armjit_val *targs, unsigned tn, armjit_block e,
                         const armjit_val *eargs, unsigned en) {
  static const char fnn[] = "armjit_cbr";
  uint32_t bi, ti, ei;
  mir_func *fn = block_of(m, fnn, from, &bi);
  if (!fn) return ARMJIT_E_ARG;
  if (!target_of(m, fnn, fn, t, &ti) || !target_of(m, fnn, fn, e, &ei) ||
      !list_ok(m, fnn, targs, tn) || !list_ok(m, fnn, eargs, en))
    return m->builder_err.code;
  edge_spec es[2] = {{ti, 0, targs, tn}, {ei, 0, eargs, en}};
  return terminate(m, fnn, fn, bi, ARMJIT_MOP_CBR, &c, 1, es, 2);
}

armjit_status armjit_switch(armjit_module *m, armjit_block from, armjit_val v,
                            armjit_block dflt, const int32_t *keys,
                            const armjit_block *targets, unsigned n) {
  static const char fnn[] = "armjit_switch";
  uint32_t bi, ti;
  mir_func *fn = block_of(m, fnn, from, &bi);
  if (!fn) return ARMJIT_E_ARG;
  if (n && (!keys || !targets))
    return mir_fail(m, ARMJIT_E_ARG, "%s: key or target list is NULL but the count is %u",
                    fnn, n);
  if (n >= MIR_MAX_ITEMS) return raw_err(m, fnn, ARMJIT_E_LIMIT);
  edge_spec *es = ajx_alloc(m->ctx, (n + 1) * sizeof *es);
  if (!es) return raw_err(m, fnn, ARMJIT_E_NOMEM);
  armjit_status st = ARMJIT_OK;
  if (!target_of(m, fnn, fn, dflt, &ti)) st = m->builder_err.code;
  else es[0] = (edge_spec){ti, 0, NULL, 0};
  for (unsigned k = 0; st == ARMJIT_OK && k < n; k++) {
    if (!target_of(m, fnn, fn, targets[k], &ti)) st = m->builder_err.code;
    else es[k + 1] = (edge_spec){ti, keys[k], NULL, 0};
  }
  if (st == ARMJIT_OK) st = terminate(m, fnn, fn, bi, ARMJIT_MOP_SWITCH, &v, 1, es, n + 1);
  ajx_free(m->ctx, es);
  return st;
}

armjit_status armjit_ret(armjit_module *m, armjit_block from, armjit_val v) {
  static const char fnn[] = "armjit_ret";
  uint32_t bi;
  mir_func *fn = block_of(m, fnn, from, &bi);
  if (!fn) return ARMJIT_E_ARG;
  return terminate(m, fnn, fn, bi, ARMJIT_MOP_RET, &v, v == ARMJIT_NOVAL ? 0 : 1, NULL, 0);
}

armjit_status armjit_unreachable(armjit_module *m, armjit_block from) {
  static const char fnn[] = "armjit_unreachable";
  uint32_t bi;
  mir_func *fn = block_of(m, fnn, from, &bi);
  if (!fn) return ARMJIT_E_ARG;
  return terminate(m, fnn, fn, bi, ARMJIT_MOP_UNREACHABLE, NULL, 0, NULL, 0);
}

/* ---- exceptions ------------------------------------------------------------------------- */
armjit_status armjit_throw(armjit_module *m, armjit_block from, armjit_val p) {
  static const char fnn[] = "armjit_throw";
  uint32_t bi;
  mir_func *fn = block_of(m, fnn, from, &bi);
  if (!fn) return ARMJIT_E_ARG;
  return terminate(m, fnn, fn, bi, ARMJIT_MOP_THROW, &p, 1, NULL, 0);
}

armjit_status armjit_trap(armjit_module *m, armjit_block from, uint32_t code) {
  static const char fnn[] = "armjit_trap";
  uint32_t bi;
  mir_func *fn = block_of(m, fnn, from, &bi);
  if (!fn) return ARMJIT_E_ARG;
  mir_op p = proto_of(ARMJIT_MOP_TRAP, 0);
  p.imm[0] = (int32_t)code;
  return append(m, fnn, fn, bi, &p, NULL, 0, 0) < 0 ? m->builder_err.code : ARMJIT_OK;
}
