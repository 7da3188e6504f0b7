/* SPDX-License-Identifier: MIT */
/* The reference interpreter of the method IR (docs/mir.md §5): the oracle
 * compiled code is compared with.  Plain C for the host and ARM; every
 * value op's meaning comes from mir_sem.h.  Memory ops touch real memory
 * (memcpy: no alignment or aliasing assumptions); extern calls go through
 * libffi under the context's ABI; calls between module functions push a
 * frame on an explicit stack, so deep recursion costs heap, not C stack. */
#include "mc/mir_impl.h"
#include "mc/mir_sem.h"

#include <inttypes.h>
#include <string.h>
#ifdef ARMJIT_HAVE_LIBFFI
#include <ffi.h>
#endif

typedef struct {
  const mir_func *fn;
  armjit_mval *vals;   /* one per value of fn */
  uint32_t block, pos; /* the next op: fn->blocks[block].ops[pos] */
  int32_t dest;        /* caller's value taking the result, -1 none */
} frame;

typedef struct {
  armjit_module *m;
  armjit_error *err;
  frame *frames;
  uint32_t nframes, cap, max_depth;
  uint64_t steps, max_steps;
  armjit_mval *tmp;    /* block arguments in flight */
  uint32_t tmp_cap;
} interp;

static armjit_mval from_const(const mir_const *c) {
  armjit_mval v = {.bits = 0};
  switch (c->type) {
  case ARMJIT_T_I32: v.i32 = (int32_t)(uint32_t)c->bits; break;
  case ARMJIT_T_F32: {
    uint32_t b = (uint32_t)c->bits;
    memcpy(&v.f32, &b, 4);
    break;
  }
  case ARMJIT_T_REF: v.ref = (uintptr_t)c->bits; break;
  default: v.bits = c->bits; break;
  }
  return v;
}

static inline armjit_mval get(const frame *F, mir_ref r) {
  return MIR_IS_CONST(r) ? from_const(&F->fn->consts[MIR_CONST_INDEX(r)]) : F->vals[r];
}

static inline armjit_mval mk_i32(int32_t x) { armjit_mval v = {.bits = 0}; v.i32 = x; return v; }
static inline armjit_mval mk_i64(int64_t x) { armjit_mval v = {.bits = 0}; v.i64 = x; return v; }
static inline armjit_mval mk_f32(float x) { armjit_mval v = {.bits = 0}; v.f32 = x; return v; }
static inline armjit_mval mk_f64(double x) { armjit_mval v = {.bits = 0}; v.f64 = x; return v; }
static inline armjit_mval mk_ref(uintptr_t x) { armjit_mval v = {.bits = 0}; v.ref = x; return v; }
static inline armjit_mval mk_bool(bool b) { return mk_i32(b ? 1 : 0); }

/* An address operand: a ref, or an i32 absolute address. */
static uintptr_t addr_of(const frame *F, mir_ref r) {
  armjit_mval v = get(F, r);
  return mir_ref_type(F->fn, r) == ARMJIT_T_REF ? v.ref : (uintptr_t)(uint32_t)v.i32;
}

static void where(const interp *I, const frame *F, char *buf, size_t cap) {
  const mir_block *b = &F->fn->blocks[F->block];
  if (b->name) snprintf(buf, cap, "@%s block %s", I->m->syms[F->fn->sym].name, b->name);
  else snprintf(buf, cap, "@%s block b%" PRIu32, I->m->syms[F->fn->sym].name, F->block);
}

/* The address addr(@f) gives a module function in the interpreter. */
static uintptr_t func_token(const armjit_module *m, uint32_t s) { return (uintptr_t)&m->syms[s]; }
static int32_t token_func(const armjit_module *m, uintptr_t p) {
  uintptr_t lo = (uintptr_t)m->syms, hi = (uintptr_t)(m->syms + m->nsyms);
  if (p < lo || p >= hi || (p - lo) % sizeof *m->syms) return -1;
  uint32_t s = (uint32_t)((p - lo) / sizeof *m->syms);
  return m->syms[s].kind == MIR_SYM_FUNC ? (int32_t)s : -1;
}

/* ---- memory ---------------------------------------------------------------------------- */
static armjit_mval load(unsigned k, uintptr_t a) {
  const void *p = (const void *)a;
  switch (k) {
  case ARMJIT_MEM_S8: { int8_t x; memcpy(&x, p, 1); return mk_i32(x); }
  case ARMJIT_MEM_U8: { uint8_t x; memcpy(&x, p, 1); return mk_i32(x); }
  case ARMJIT_MEM_S16: { int16_t x; memcpy(&x, p, 2); return mk_i32(x); }
  case ARMJIT_MEM_U16: { uint16_t x; memcpy(&x, p, 2); return mk_i32(x); }
  case ARMJIT_MEM_I32: { int32_t x; memcpy(&x, p, 4); return mk_i32(x); }
  case ARMJIT_MEM_I64: { int64_t x; memcpy(&x, p, 8); return mk_i64(x); }
  case ARMJIT_MEM_F32: { float x; memcpy(&x, p, 4); return mk_f32(x); }
  case ARMJIT_MEM_F64: { double x; memcpy(&x, p, 8); return mk_f64(x); }
  default: { uintptr_t x; memcpy(&x, p, sizeof x); return mk_ref(x); }
  }
}

static void store(unsigned k, uintptr_t a, armjit_mval v) {
  void *p = (void *)a;
  switch (k) {
  case ARMJIT_MEM_S8:
  case ARMJIT_MEM_U8: { uint8_t x = (uint8_t)v.i32; memcpy(p, &x, 1); break; }
  case ARMJIT_MEM_S16:
  case ARMJIT_MEM_U16: { uint16_t x = (uint16_t)v.i32; memcpy(p, &x, 2); break; }
  case ARMJIT_MEM_I32: memcpy(p, &v.i32, 4); break;
  case ARMJIT_MEM_I64: memcpy(p, &v.i64, 8); break;
  case ARMJIT_MEM_F32: memcpy(p, &v.f32, 4); break;
  case ARMJIT_MEM_F64: memcpy(p, &v.f64, 8); break;
  default: memcpy(p, &v.ref, sizeof v.ref); break;
  }
}

/* ---- value ops ------------------------------------------------------------------------- */
static armjit_mval eval(const interp *I, const frame *F, const mir_op *op) {
  const mir_ref *a = mir_args(F->fn, op);
  unsigned opc = op->opc;
#define A(k) get(F, a[k])
  switch (opc) {
  case ARMJIT_MOP_ADD: case ARMJIT_MOP_SUB: case ARMJIT_MOP_MUL: case ARMJIT_MOP_AND:
  case ARMJIT_MOP_OR: case ARMJIT_MOP_XOR: case ARMJIT_MOP_SHL: case ARMJIT_MOP_SHR:
  case ARMJIT_MOP_USHR: case ARMJIT_MOP_SDIV: case ARMJIT_MOP_SREM: case ARMJIT_MOP_UDIV:
  case ARMJIT_MOP_UREM:
    return op->sub == ARMJIT_T_I32 ? mk_i32(mir_sem_i32(opc, A(0).i32, A(1).i32))
                                   : mk_i64(mir_sem_i64(opc, A(0).i64, A(1).i64));
  case ARMJIT_MOP_NEG:
    return op->sub == ARMJIT_T_I32 ? mk_i32(mir_sem_i32(ARMJIT_MOP_SUB, 0, A(0).i32))
                                   : mk_i64(mir_sem_i64(ARMJIT_MOP_SUB, 0, A(0).i64));
  case ARMJIT_MOP_NOT:
    return op->sub == ARMJIT_T_I32 ? mk_i32(~A(0).i32) : mk_i64(~A(0).i64);
  case ARMJIT_MOP_FADD: case ARMJIT_MOP_FSUB: case ARMJIT_MOP_FMUL: case ARMJIT_MOP_FDIV:
  case ARMJIT_MOP_FREM:
    return op->sub == ARMJIT_T_F32 ? mk_f32(mir_sem_f32(opc, A(0).f32, A(1).f32))
                                   : mk_f64(mir_sem_f64(opc, A(0).f64, A(1).f64));
  case ARMJIT_MOP_FNEG:
  case ARMJIT_MOP_FABS: {
    armjit_mval v = A(0);
    uint64_t sign = op->sub == ARMJIT_T_F32 ? 0x80000000u : 0x8000000000000000u;
    if (op->sub == ARMJIT_T_F32) v.bits &= 0xffffffffu;
    v.bits = opc == ARMJIT_MOP_FNEG ? v.bits ^ sign : v.bits & ~sign;
    return v;
  }
  case ARMJIT_MOP_FSQRT:
    return op->sub == ARMJIT_T_F32 ? mk_f32(arm_fp_nan1f(sqrtf(A(0).f32), A(0).f32))
                                   : mk_f64(arm_fp_nan1(sqrt(A(0).f64), A(0).f64));
  case ARMJIT_MOP_SEXT8: return mk_i32((int8_t)(uint8_t)A(0).i32);
  case ARMJIT_MOP_SEXT16: return mk_i32((int16_t)(uint16_t)A(0).i32);
  case ARMJIT_MOP_ZEXT8: return mk_i32((uint8_t)A(0).i32);
  case ARMJIT_MOP_ZEXT16: return mk_i32((uint16_t)A(0).i32);
  case ARMJIT_MOP_SEXT_I64: return mk_i64(A(0).i32);
  case ARMJIT_MOP_ZEXT_I64: return mk_i64((uint32_t)A(0).i32);
  case ARMJIT_MOP_TRUNC_I32: return mk_i32((int32_t)(uint32_t)(uint64_t)A(0).i64);
  case ARMJIT_MOP_SITOFP:
  case ARMJIT_MOP_UITOFP: {
    bool wide = mir_ref_type(F->fn, a[0]) == ARMJIT_T_I64, u = opc == ARMJIT_MOP_UITOFP;
    armjit_mval x = A(0);
    if (op->sub == ARMJIT_T_F32)
      return mk_f32(wide ? (u ? (float)(uint64_t)x.i64 : (float)x.i64)
                         : (u ? (float)(uint32_t)x.i32 : (float)x.i32));
    return mk_f64(wide ? (u ? (double)(uint64_t)x.i64 : (double)x.i64)
                       : (u ? (double)(uint32_t)x.i32 : (double)x.i32));
  }
  case ARMJIT_MOP_FPTOSI:
  case ARMJIT_MOP_FPTOUI: {
    double d = mir_ref_type(F->fn, a[0]) == ARMJIT_T_F32 ? (double)A(0).f32 : A(0).f64;
    bool u = opc == ARMJIT_MOP_FPTOUI;
    if (op->sub == ARMJIT_T_I32)
      return mk_i32(u ? (int32_t)mir_sem_fptoui32(d) : mir_sem_fptosi32(d));
    return mk_i64(u ? (int64_t)mir_sem_fptoui64(d) : mir_sem_fptosi64(d));
  }
  case ARMJIT_MOP_FEXT: return mk_f64((double)A(0).f32);
  case ARMJIT_MOP_FTRUNC: return mk_f32((float)A(0).f64);
  case ARMJIT_MOP_BITCAST: {
    armjit_mval v = A(0);
    if (op->sub == ARMJIT_T_I32 || op->sub == ARMJIT_T_F32) v.bits &= 0xffffffffu;
    return v; /* the union holds the same bits under the other name */
  }
  case ARMJIT_MOP_PTR_TO_INT: return mk_i32((int32_t)(uint32_t)A(0).ref);
  case ARMJIT_MOP_INT_TO_REF: return mk_ref((uintptr_t)(uint32_t)A(0).i32);
  case ARMJIT_MOP_ICMP:
    switch (mir_ref_type(F->fn, a[0])) {
    case ARMJIT_T_I32: return mk_bool(mir_sem_icmp(op->sub, A(0).i32, A(1).i32, false));
    case ARMJIT_T_I64: return mk_bool(mir_sem_icmp(op->sub, A(0).i64, A(1).i64, true));
    default: return mk_bool((A(0).ref == A(1).ref) == (op->sub == ARMJIT_ICC_EQ));
    }
  case ARMJIT_MOP_FCMP:
    if (mir_ref_type(F->fn, a[0]) == ARMJIT_T_F32)
      return mk_bool(mir_sem_fcmp(op->sub, A(0).f32, A(1).f32));
    return mk_bool(mir_sem_fcmp(op->sub, A(0).f64, A(1).f64));
  case ARMJIT_MOP_SELECT: return A(0).i32 ? A(1) : A(2);
  case ARMJIT_MOP_ADDR: {
    uintptr_t base = 0;
    const mir_sym *s = &I->m->syms[op->sym];
    if (s->kind == MIR_SYM_FUNC) base = func_token(I->m, (uint32_t)op->sym);
    else if (s->kind == MIR_SYM_DATA) base = I->m->idata_at[op->sym];
    else armjit_ctx_symbol(I->m->ctx, s->name, &base); /* checked by the caller */
    return mk_ref(base + (uintptr_t)(intptr_t)op->imm[0]);
  }
  case ARMJIT_MOP_PTR_ADD: return mk_ref(A(0).ref + (uintptr_t)(intptr_t)A(1).i32);
  default: return mk_i32(0);
  }
#undef A
}

/* ---- calls ---------------------------------------------------------------------------- */
#ifdef ARMJIT_HAVE_LIBFFI
static ffi_type *ffi_of(uint8_t t) {
  switch (t) {
  case ARMJIT_T_I32: return &ffi_type_sint32;
  case ARMJIT_T_I64: return &ffi_type_sint64;
  case ARMJIT_T_F32: return &ffi_type_float;
  case ARMJIT_T_F64: return &ffi_type_double;
  case ARMJIT_T_REF: return &ffi_type_pointer;
  default: return &ffi_type_void;
  }
}

static ffi_abi ffi_abi_of(const armjit_ctx *ctx) {
#if defined(__arm__)
  return ctx->abi == ARMJIT_ABI_SOFT ? FFI_SYSV : FFI_VFP;
#else
  (void)ctx;
  return FFI_DEFAULT_ABI;
#endif
}

/* Call C code at fn with args[0..n) of types[0..n); the result of type rt. */
static armjit_status call_c(interp *I, const char *what, uintptr_t fn, const uint8_t *types,
                            armjit_mval *args, uint32_t n, uint8_t rt, armjit_mval *res) {
  armjit_ctx *ctx = I->m->ctx;
  ffi_type *small_t[16], **ft = small_t;
  void *small_p[16], **fp = small_p;
  if (n > 16) {
    ft = ajx_alloc(ctx, n * sizeof *ft);
    fp = ajx_alloc(ctx, n * sizeof *fp);
    if (!ft || !fp) {
      ajx_free(ctx, ft);
      ajx_free(ctx, fp);
      return ajx_err(I->err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
    }
  }
  for (uint32_t k = 0; k < n; k++) {
    ft[k] = ffi_of(types[k]);
    fp[k] = &args[k]; /* every member of the union starts at its address */
  }
  ffi_cif cif;
  armjit_status st = ARMJIT_OK;
  if (ffi_prep_cif(&cif, ffi_abi_of(ctx), n, ffi_of(rt), ft) != FFI_OK) {
    st = ajx_err(I->err, ARMJIT_E_UNSUPPORTED, "%s: libffi cannot make this call", what);
  } else {
    union {
      ffi_arg a;
      int64_t l;
      float f;
      double d;
      uint64_t pad[2];
    } rv;
    memset(&rv, 0, sizeof rv);
    ffi_call(&cif, (void (*)(void))fn, &rv, fp);
    switch (rt) {
    case ARMJIT_T_I32: *res = mk_i32((int32_t)(uint32_t)rv.a); break;
    case ARMJIT_T_I64: *res = mk_i64(rv.l); break;
    case ARMJIT_T_F32: *res = mk_f32(rv.f); break;
    case ARMJIT_T_F64: *res = mk_f64(rv.d); break;
    case ARMJIT_T_REF: *res = mk_ref((uintptr_t)rv.a); break;
    default: break;
    }
  }
  if (ft != small_t) {
    ajx_free(ctx, ft);
    ajx_free(ctx, fp);
  }
  return st;
}
#else
static armjit_status call_c(interp *I, const char *what, uintptr_t fn, const uint8_t *types,
                            armjit_mval *args, uint32_t n, uint8_t rt, armjit_mval *res) {
  (void)fn, (void)types, (void)args, (void)n, (void)rt, (void)res;
  return ajx_err(I->err, ARMJIT_E_UNSUPPORTED,
                 "%s: the interpreter calls C through libffi, and this armjit was built "
                 "without it (ARMJIT_WITH_LIBFFI=OFF)",
                 what);
}
#endif

/* Push a frame for module function s with args; dest = the caller's value. */
static armjit_status push(interp *I, uint32_t s, const armjit_mval *args, uint32_t n,
                          int32_t dest) {
  armjit_ctx *ctx = I->m->ctx;
  if (I->nframes >= I->max_depth) {
    char w[MIR_NAME_MAX + 48];
    where(I, &I->frames[I->nframes - 1], w, sizeof w);
    return ajx_err(I->err, ARMJIT_E_LIMIT, "%s: calls nested deeper than %" PRIu32 " (calling @%s)",
                   w, I->max_depth, I->m->syms[s].name);
  }
  if (!ajx_grow(ctx, (void **)&I->frames, &I->cap, I->nframes + 1, sizeof *I->frames))
    return ajx_err(I->err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
  const mir_func *fn = I->m->syms[s].fn;
  armjit_mval *vals = ajx_calloc(ctx, fn->nvals ? fn->nvals : 1, sizeof *vals);
  if (!vals) return ajx_err(I->err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
  for (uint32_t k = 0; k < n; k++) vals[fn->blocks[0].params[k]] = args[k];
  frame *F = &I->frames[I->nframes++];
  F->fn = fn;
  F->vals = vals;
  F->block = 0;
  F->pos = 0;
  F->dest = dest;
  return ARMJIT_OK;
}

/* Normalise an argument to its type (i32 and f32 take the low half). */
static armjit_mval as_type(armjit_mval v, uint8_t t) {
  switch (t) {
  case ARMJIT_T_I32: return mk_i32(v.i32);
  case ARMJIT_T_F32: return mk_f32(v.f32);
  case ARMJIT_T_REF: return mk_ref(v.ref);
  default: return v;
  }
}

/* A call op (call, call_ind) or a trap: to a module function (a new frame;
 * *pushed set) or to C (done here, result in *res). */
/* A call of an extern or a raw function that the context has no symbol for. */
static armjit_status no_host(interp *I, const char *what, const mir_sym *y) {
  if (y->fn && y->fn->raw)
    return ajx_err(I->err, ARMJIT_E_INVALID,
                   "%s: @%s is a raw function (machine code): the interpreter calls a host "
                   "implementation registered under its name (armjit_ctx_add_symbol), and there "
                   "is none", what, y->name);
  return ajx_err(I->err, ARMJIT_E_INVALID, "%s: @%s is not among the context's symbols", what,
                 y->name);
}

/* What an interface dispatch stub (armjit_stub_itable) entered with this
 * call_ind's arguments and hidden key jumps to: *callee / *target become
 * the method (or the miss symbol).  The class word and the method slots
 * are read as refs (host pointers), the table's entries as 32-bit words. */
static armjit_status stub_target(interp *I, const char *what, const mir_op *op, const frame *F,
                                 const mir_ref *a, uint32_t n, const mir_raw *r, int32_t *callee,
                                 uintptr_t *target) {
  const armjit_itable_layout *l = &r->stub;
  if (!(op->flags & MIR_OP_HIDDEN) || n == 0 || mir_ref_type(F->fn, a[1]) != ARMJIT_T_REF)
    return ajx_err(I->err, ARMJIT_E_INVALID,
                   "%s: a dispatch stub needs the receiver (a ref) first and hidden=key", what);
  uint32_t key = (uint32_t)get(F, a[op->nargs - 1]).i32;
  uintptr_t cls, recv = get(F, a[1]).ref;
  memcpy(&cls, (const void *)(recv + (uintptr_t)(intptr_t)l->class_offset), sizeof cls);
  uintptr_t tab;
  memcpy(&tab, (const void *)(cls + (uintptr_t)(intptr_t)l->itable_offset), sizeof tab);
  for (;; tab += 4) {
    uint32_t e;
    memcpy(&e, (const void *)tab, 4);
    if (e >> 16 > key >> 16) continue;
    if (e >> 16 == key >> 16) {
      uintptr_t at = cls + (uintptr_t)(intptr_t)(int16_t)(e & 0xffffu) + (key & 0xffffu);
      memcpy(target, (const void *)at, sizeof *target);
      *callee = token_func(I->m, *target);
      return ARMJIT_OK;
    }
    break;
  }
  if (l->miss < 0)
    return ajx_err(I->err, ARMJIT_E_INVALID,
                   "%s: no method for key 0x%x: the stub executes udf #%u", what, (unsigned)key,
                   (unsigned)l->miss_code);
  *callee = l->miss;
  if (I->m->syms[l->miss].kind != MIR_SYM_FUNC &&
      !armjit_ctx_symbol(I->m->ctx, I->m->syms[l->miss].name, target))
    return no_host(I, what, &I->m->syms[l->miss]);
  return ARMJIT_OK;
}

static armjit_status do_call(interp *I, frame *F, const mir_op *op, bool *pushed,
                             armjit_mval *res) {
  const armjit_module *m = I->m;
  const mir_ref *a = mir_args(F->fn, op);
  uint32_t first = 0, n = op->nargs;
  int32_t callee = -1;
  uintptr_t target = 0;
  uint8_t rt = op->rtype;
  char what[MIR_NAME_MAX + 64];
  where(I, F, what, sizeof what);
  if (op->opc == ARMJIT_MOP_CALL) {
    callee = op->sym;
  } else { /* call_ind */
    target = addr_of(F, a[0]);
    first = 1;
    n = op->nargs - 1 - ((op->flags & MIR_OP_HIDDEN) ? 1 : 0);
    callee = token_func(m, target);
    if (callee >= 0 && m->syms[callee].fn->raw && m->syms[callee].fn->raw->is_stub) {
      armjit_status st = stub_target(I, what, op, F, a, n, m->syms[callee].fn->raw, &callee,
                                     &target);
      if (st != ARMJIT_OK) return st;
    }
    if (callee >= 0) {
      const mir_sym *s = &m->syms[callee];
      bool ok = s->nparams == n && s->result == op->sub;
      for (uint32_t k = 0; ok && k < n; k++) ok = s->params[k] == mir_ref_type(F->fn, a[1 + k]);
      if (!ok)
        return ajx_err(I->err, ARMJIT_E_INVALID,
                       "%s: call_ind to @%s with another signature than its own", what, s->name);
    }
  }
  armjit_mval small[16], *args = small;
  uint8_t small_t[16], *types = small_t;
  if (n > 16) {
    args = ajx_alloc(m->ctx, n * sizeof *args);
    types = ajx_alloc(m->ctx, n);
    if (!args || !types) {
      ajx_free(m->ctx, args);
      ajx_free(m->ctx, types);
      return ajx_err(I->err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
    }
  }
  for (uint32_t k = 0; k < n; k++) {
    types[k] = mir_ref_type(F->fn, a[first + k]);
    args[k] = as_type(get(F, a[first + k]), types[k]);
  }
  armjit_status st = ARMJIT_OK;
  *pushed = false;
  if (callee >= 0 && m->syms[callee].kind == MIR_SYM_FUNC && !m->syms[callee].fn->raw) {
    st = push(I, (uint32_t)callee, args, n, op->result);
    *pushed = st == ARMJIT_OK;
  } else {
    if (callee >= 0) { /* an extern, or a raw function's host implementation */
      snprintf(what + strlen(what), sizeof what - strlen(what), ", call @%s", m->syms[callee].name);
      if (!armjit_ctx_symbol(m->ctx, m->syms[callee].name, &target))
        st = no_host(I, what, &m->syms[callee]);
    }
    if (st == ARMJIT_OK) st = call_c(I, what, target, types, args, n, rt, res);
  }
  if (args != small) {
    ajx_free(m->ctx, args);
    ajx_free(m->ctx, types);
  }
  return st;
}

/* ---- callbacks and exceptions ----------------------------------------------------------- */
static armjit_status run(interp *I, uint32_t base, armjit_mval *result);

/* Call module symbol s (a function: run to its return here; an extern:
 * through C) with args of its own types: the runtime's callbacks (trap
 * handler, exc_*).  An exception must not leave a callback. */
static armjit_status callback(interp *I, const char *what, uint32_t s, armjit_mval *args,
                              armjit_mval *res) {
  const armjit_module *m = I->m;
  const mir_sym *y = &m->syms[s];
  res->bits = 0;
  if (y->kind == MIR_SYM_FUNC && !y->fn->raw) {
    uint32_t base = I->nframes;
    armjit_status st = push(I, s, args, y->nparams, -1);
    if (st == ARMJIT_OK) st = run(I, base, res);
    return st;
  }
  uintptr_t target;
  if (!armjit_ctx_symbol(m->ctx, y->name, &target)) return no_host(I, what, y);
  return call_c(I, what, target, y->params, args, y->nparams, y->result, res);
}

/* The address of symbol s, as addr @s gives it. */
static armjit_status sym_addr(interp *I, const frame *F, int32_t s, uintptr_t *out) {
  mir_op a;
  memset(&a, 0, sizeof a);
  a.opc = ARMJIT_MOP_ADDR;
  a.sym = s;
  if (I->m->syms[s].kind == MIR_SYM_EXTERN) {
    uintptr_t x;
    if (!armjit_ctx_symbol(I->m->ctx, I->m->syms[s].name, &x)) {
      char w[MIR_NAME_MAX + 48];
      where(I, F, w, sizeof w);
      return ajx_err(I->err, ARMJIT_E_INVALID, "%s: tag @%s: not among the context's symbols", w,
                     I->m->syms[s].name);
    }
  }
  *out = eval(I, F, &a).ref;
  return ARMJIT_OK;
}

/* Throw exc from the op at the top frame: frame by frame down to `base`,
 * the first handler of the frame's current block whose tag is 0 or
 * exc_match(exc, tag) != 0 takes it (*caught: that frame goes on in the
 * handler block); else the frame is dropped.  Past `base`: uncaught. */
static armjit_status unwind(interp *I, uint32_t base, uintptr_t exc, bool *caught) {
  const armjit_module *m = I->m;
  *caught = false;
  while (I->nframes > base) {
    frame *F = &I->frames[I->nframes - 1];
    const mir_func *fn = F->fn;
    const mir_block *b = &fn->blocks[F->block];
    for (uint32_t k = 0; k < b->nhandlers; k++) {
      const mir_handler *h = &mir_handlers(fn, b)[k];
      bool take = h->sym < 0 && h->tag == 0;
      if (!take) {
        uintptr_t tag = h->tag;
        armjit_status st = h->sym >= 0 ? sym_addr(I, F, h->sym, &tag) : ARMJIT_OK;
        armjit_mval args[2] = {mk_ref(exc), mk_ref(tag)}, r;
        uint32_t depth = I->nframes;
        char w[MIR_NAME_MAX + 48];
        where(I, F, w, sizeof w);
        if (st == ARMJIT_OK) st = callback(I, w, (uint32_t)m->exc[MIR_EXC_MATCH].sym, args, &r);
        if (st != ARMJIT_OK) return st;
        F = &I->frames[depth - 1]; /* the frame array may have moved */
        take = r.i32 != 0;
      }
      if (take) {
        F->block = h->block;
        F->pos = 0;
        F->vals[fn->blocks[h->block].params[0]] = mk_ref(exc);
        *caught = true;
        return ARMJIT_OK;
      }
    }
    ajx_free(m->ctx, F->vals);
    I->nframes--;
  }
  return ARMJIT_OK;
}

/* exc thrown at the top frame: unwind; uncaught past `base`, exc_uncaught
 * (at the outermost run only) and ARMJIT_E_INVALID. */
static armjit_status throw_exc(interp *I, uint32_t base, uintptr_t exc) {
  const armjit_module *m = I->m;
  char w[MIR_NAME_MAX + 48];
  where(I, &I->frames[I->nframes - 1], w, sizeof w);
  bool caught;
  armjit_status st = unwind(I, base, exc, &caught);
  if (st != ARMJIT_OK || caught) return st;
  if (base > 0)
    return ajx_err(I->err, ARMJIT_E_INVALID, "%s: exception 0x%" PRIxPTR " thrown out of a callback",
                   w, exc);
  /* the whole run is unwound: exc_uncaught, then the run fails */
  int32_t u = m->exc[MIR_EXC_UNCAUGHT].sym;
  if (u >= 0) {
    armjit_mval a[1] = {mk_ref(exc)}, r;
    st = callback(I, w, (uint32_t)u, a, &r);
    if (st != ARMJIT_OK) return st;
  }
  return ajx_err(I->err, ARMJIT_E_INVALID, "%s: uncaught exception 0x%" PRIxPTR, w, exc);
}

/* A failing check or trap: the trap handler (code, pc = 0, sp = 0) in mode
 * call, exc_make(code, 0) in modes svc and udf; a ref result that is not
 * null is thrown, else execution goes on.  *thrown: the top
 * frame changed (caught somewhere). */
static armjit_status trap(interp *I, uint32_t base, frame *F, const mir_op *op, bool *thrown) {
  const armjit_module *m = I->m;
  *thrown = false;
  char w[MIR_NAME_MAX + 48];
  where(I, F, w, sizeof w);
  armjit_mval r;
  armjit_status st;
  if (m->trap == ARMJIT_TRAP_CALL) {
    armjit_mval args[3] = {mk_i32(op->imm[0]), mk_ref(0), mk_ref(0)};
    st = callback(I, w, (uint32_t)m->trap_sym, args, &r);
    if (st != ARMJIT_OK || m->syms[m->trap_sym].result != ARMJIT_T_REF || !r.ref) return st;
  } else {
    armjit_mval args[2] = {mk_i32(op->imm[0]), mk_ref(0)};
    st = callback(I, w, (uint32_t)m->exc[MIR_EXC_MAKE].sym, args, &r);
    if (st != ARMJIT_OK || !r.ref) return st;
  }
  *thrown = true;
  return throw_exc(I, base, r.ref);
}

static bool check_fails(const frame *F, const mir_op *op) {
  const mir_ref *a = mir_args(F->fn, op);
  switch (op->opc) {
  case ARMJIT_MOP_CHECK_NULL: return get(F, a[0]).ref == 0;
  case ARMJIT_MOP_CHECK_INDEX: return (uint32_t)get(F, a[0]).i32 >= (uint32_t)get(F, a[1]).i32;
  case ARMJIT_MOP_CHECK_NONZERO:
    return mir_ref_type(F->fn, a[0]) == ARMJIT_T_I64 ? get(F, a[0]).i64 == 0
                                                     : get(F, a[0]).i32 == 0;
  default: return get(F, a[0]).i32 != 0;
  }
}

/* Take edge e: the arguments move into the target's parameters at once. */
static armjit_status jump(interp *I, frame *F, const mir_edge *e) {
  const mir_func *fn = F->fn;
  if (!ajx_grow(I->m->ctx, (void **)&I->tmp, &I->tmp_cap, e->nargs + 1, sizeof *I->tmp))
    return ajx_err(I->err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
  for (uint32_t k = 0; k < e->nargs; k++) I->tmp[k] = get(F, fn->operands[e->args + k]);
  const mir_block *t = &fn->blocks[e->block];
  for (uint32_t k = 0; k < e->nargs; k++) F->vals[t->params[k]] = I->tmp[k];
  F->block = e->block;
  F->pos = 0;
  return ARMJIT_OK;
}

/* Run until the frame at index `base` returns (its result to *result). */
static armjit_status run(interp *I, uint32_t base, armjit_mval *result) {
  for (;;) {
    frame *F = &I->frames[I->nframes - 1];
    const mir_func *fn = F->fn;
    const mir_op *op = &fn->ops[fn->blocks[F->block].ops[F->pos]];
    if (I->max_steps && I->steps >= I->max_steps) {
      char w[MIR_NAME_MAX + 48];
      where(I, F, w, sizeof w);
      return ajx_err(I->err, ARMJIT_E_LIMIT, "%s: step limit of %" PRIu64 " ops reached", w,
                     I->max_steps);
    }
    I->steps++;
    const mir_ref *a = mir_args(fn, op);
    const mir_edge *e = mir_edges(fn, op);
    armjit_status st = ARMJIT_OK;
    bool pushed = false;
    if (mir_info(op->opc)->flags & ARMJIT_MOPF_MACHINE) {
      char w[MIR_NAME_MAX + 48];
      where(I, F, w, sizeof w);
      return ajx_err(I->err, ARMJIT_E_UNSUPPORTED,
                     "%s: %s touches the machine and cannot be interpreted", w,
                     mir_info(op->opc)->name);
    }
    switch (op->opc) {
    case ARMJIT_MOP_BIT_TEST: { /* bit n & 31 of the word at the address */
      uint32_t word;
      memcpy(&word, (const void *)addr_of(F, a[0]), 4);
      F->vals[op->result] = mk_i32((int32_t)((word >> (get(F, a[1]).i32 & 31)) & 1));
      F->pos++;
      break;
    }
    case ARMJIT_MOP_DMB: case ARMJIT_MOP_DSB: case ARMJIT_MOP_ISB: /* one thread: nothing to order */
    case ARMJIT_MOP_NOP: case ARMJIT_MOP_SEV:
      F->pos++;
      break;
    case ARMJIT_MOP_LOAD:
    case ARMJIT_MOP_STORE: {
      uint32_t off = ((uint32_t)get(F, a[1]).i32 << op->imm[0]) + (uint32_t)op->imm[1];
      uintptr_t ea = addr_of(F, a[0]) + (uintptr_t)(intptr_t)(int32_t)off;
      if (op->opc == ARMJIT_MOP_LOAD) F->vals[op->result] = load(op->sub, ea);
      else store(op->sub, ea, get(F, a[2]));
      F->pos++;
      break;
    }
    case ARMJIT_MOP_ADDR:
      if (I->m->syms[op->sym].kind == MIR_SYM_EXTERN) {
        uintptr_t x;
        if (!armjit_ctx_symbol(I->m->ctx, I->m->syms[op->sym].name, &x)) {
          char w[MIR_NAME_MAX + 48];
          where(I, F, w, sizeof w);
          return ajx_err(I->err, ARMJIT_E_INVALID, "%s: addr @%s: not among the context's symbols",
                         w, I->m->syms[op->sym].name);
        }
      }
      F->vals[op->result] = eval(I, F, op);
      F->pos++;
      break;
    case ARMJIT_MOP_CALL:
    case ARMJIT_MOP_CALL_IND: {
      armjit_mval res = {.bits = 0};
      st = do_call(I, F, op, &pushed, &res);
      if (st != ARMJIT_OK) return st;
      F = &I->frames[I->nframes - 1 - (pushed ? 1 : 0)];
      if (!pushed && op->result != MIR_NONE) F->vals[op->result] = res;
      if (!pushed) F->pos++;
      break;
    }
    case ARMJIT_MOP_CHECK_NULL:
    case ARMJIT_MOP_CHECK_INDEX:
    case ARMJIT_MOP_CHECK_NONZERO:
    case ARMJIT_MOP_TRAP_IF:
      if (check_fails(F, op)) {
        bool thrown;
        uint32_t depth = I->nframes;
        st = trap(I, base, F, op, &thrown);
        if (st != ARMJIT_OK) return st;
        if (thrown) break;
        F = &I->frames[depth - 1];
      }
      F->pos++;
      break;
    case ARMJIT_MOP_TRAP: {
      bool thrown;
      st = trap(I, base, F, op, &thrown);
      if (st != ARMJIT_OK) return st;
      if (thrown) break;
      char w[MIR_NAME_MAX + 48];
      where(I, &I->frames[I->nframes - 1], w, sizeof w);
      return ajx_err(I->err, ARMJIT_E_INVALID, "%s: the trap handler returned from trap %" PRIu32,
                     w, (uint32_t)op->imm[0]);
    }
    case ARMJIT_MOP_THROW:
      st = throw_exc(I, base, get(F, a[0]).ref);
      if (st != ARMJIT_OK) return st;
      break;
    case ARMJIT_MOP_BR: st = jump(I, F, &e[0]); break;
    case ARMJIT_MOP_CBR: st = jump(I, F, &e[get(F, a[0]).i32 != 0 ? 0 : 1]); break;
    case ARMJIT_MOP_SWITCH: {
      int32_t v = get(F, a[0]).i32;
      uint32_t k = 0;
      for (uint32_t j = 1; j < op->nedges; j++)
        if (e[j].key == v) { k = j; break; }
      st = jump(I, F, &e[k]);
      break;
    }
    case ARMJIT_MOP_RET: {
      armjit_mval r = {.bits = 0};
      if (op->nargs) r = as_type(get(F, a[0]), mir_ref_type(fn, a[0]));
      int32_t dest = F->dest;
      ajx_free(I->m->ctx, F->vals);
      I->nframes--;
      if (I->nframes == base) {
        if (op->nargs) *result = r;
        return ARMJIT_OK;
      }
      frame *C = &I->frames[I->nframes - 1];
      if (dest >= 0) C->vals[dest] = r;
      C->pos++;
      break;
    }
    case ARMJIT_MOP_UNREACHABLE: {
      char w[MIR_NAME_MAX + 48];
      where(I, F, w, sizeof w);
      return ajx_err(I->err, ARMJIT_E_INVALID, "%s: reached unreachable", w);
    }
    default:
      F->vals[op->result] = eval(I, F, op);
      F->pos++;
      break;
    }
    if (st != ARMJIT_OK) return st;
  }
}

/* ---- data -------------------------------------------------------------------------- */
void mir_interp_data_free(armjit_module *m) {
  for (uint32_t s = 0; m->idata && s < m->nidata; s++) ajx_free(m->ctx, m->idata[s]);
  ajx_free(m->ctx, m->idata);
  ajx_free(m->ctx, m->idata_at);
  m->idata = NULL;
  m->idata_at = NULL;
  m->nidata = 0;
}

/* Every data symbol in memory of the context's allocator, aligned, its
 * words holding the addresses addr @sym gives (function tokens, externs
 * from the context's symbols, data).  Addresses are 32-bit words, so a
 * 64-bit host cannot hold them: ARMJIT_E_UNSUPPORTED there. */
static armjit_status data_setup(armjit_module *m, armjit_error *err) {
  bool any = false;
  for (uint32_t s = 0; s < m->nsyms && !any; s++) any = m->syms[s].kind == MIR_SYM_DATA;
  if (!any || m->idata) return ARMJIT_OK;
  m->idata = ajx_calloc(m->ctx, m->nsyms, sizeof *m->idata);
  m->idata_at = ajx_calloc(m->ctx, m->nsyms, sizeof *m->idata_at);
  if (!m->idata || !m->idata_at) goto nomem;
  m->nidata = m->nsyms;
  for (uint32_t s = 0; s < m->nsyms; s++) {
    const mir_data *d = m->syms[s].data;
    if (!d) continue;
    uint8_t *p = m->idata[s] = ajx_calloc(m->ctx, (size_t)d->size + d->align, 1);
    if (!p) goto nomem;
    uintptr_t at = ((uintptr_t)p + d->align - 1) & ~(uintptr_t)(d->align - 1);
    m->idata_at[s] = at;
    if (d->bytes) memcpy((void *)at, d->bytes, d->size);
  }
  for (uint32_t s = 0; s < m->nsyms; s++) {
    const mir_data *d = m->syms[s].data;
    for (uint32_t r = 0; d && r < d->nrelocs; r++) {
      const mir_dreloc *x = &d->relocs[r];
      const mir_sym *t = &m->syms[x->sym];
      uintptr_t a = 0;
      if (t->kind == MIR_SYM_FUNC) a = func_token(m, (uint32_t)x->sym);
      else if (t->kind == MIR_SYM_DATA) a = m->idata_at[x->sym];
      else if (!armjit_ctx_symbol(m->ctx, t->name, &a)) {
        mir_interp_data_free(m);
        return ajx_err(err, ARMJIT_E_INVALID, "data @%s: @%s is not among the context's symbols",
                       m->syms[s].name, t->name);
      }
      a += (uintptr_t)(intptr_t)x->addend;
      if (sizeof a > 4 && a > UINT32_MAX) {
        mir_interp_data_free(m);
        return ajx_err(err, ARMJIT_E_UNSUPPORTED,
                       "data @%s holds the address of @%s in a 32-bit word: the interpreter "
                       "on a 64-bit host cannot", m->syms[s].name, t->name);
      }
      uint32_t w = (uint32_t)a;
      memcpy((void *)(m->idata_at[s] + x->off), &w, 4);
    }
  }
  return ARMJIT_OK;
nomem:
  mir_interp_data_free(m);
  return ajx_err(err, ARMJIT_E_NOMEM, "out of memory for the interpreter's data");
}

void *armjit_mc_interp_data(const armjit_module *m, const char *name) {
  if (!m || !name || !m->idata) return NULL;
  int32_t s = mir_find_sym(m, name, strlen(name));
  if (s < 0 || (uint32_t)s >= m->nidata || m->syms[s].kind != MIR_SYM_DATA) return NULL;
  return (void *)m->idata_at[s];
}

armjit_status armjit_mc_interpret(armjit_module *m, const char *name, const armjit_mval *args,
                                  unsigned nargs, armjit_mval *result,
                                  armjit_interp_options *o, armjit_error *err) {
  armjit_status st = armjit_module_validate(m, err);
  if (st != ARMJIT_OK) return st;
  if (!name) return ajx_err(err, ARMJIT_E_ARG, "armjit_mc_interpret: name is NULL");
  int32_t s = mir_find_sym(m, name, strlen(name));
  if (s < 0 || m->syms[s].kind != MIR_SYM_FUNC)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_mc_interpret: no function @%s in the module", name);
  if (m->syms[s].fn->raw)
    return ajx_err(err, ARMJIT_E_INVALID,
                   "armjit_mc_interpret: @%s is a raw function (machine code): the interpreter "
                   "runs IR only", name);
  const mir_sym *y = &m->syms[s];
  if (nargs != y->nparams || (nargs && !args))
    return ajx_err(err, ARMJIT_E_ARG, "armjit_mc_interpret: @%s takes %u arguments, got %u", name,
                   y->nparams, nargs);
  if (!result && y->result != ARMJIT_T_VOID)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_mc_interpret: result is NULL");
  if ((st = data_setup(m, err)) != ARMJIT_OK) return st;
  interp I;
  memset(&I, 0, sizeof I);
  I.m = m;
  I.err = err;
  I.max_steps = o ? o->max_steps : 0;
  I.max_depth = o && o->max_depth ? o->max_depth : 10000;
  armjit_mval small[16], *a = small;
  if (nargs > 16 && !(a = ajx_alloc(m->ctx, nargs * sizeof *a)))
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
  for (unsigned k = 0; k < nargs; k++) a[k] = as_type(args[k], y->params[k]);
  if (result) result->bits = 0;
  st = push(&I, (uint32_t)s, a, nargs, -1);
  if (a != small) ajx_free(m->ctx, a);
  if (st == ARMJIT_OK) st = run(&I, 0, result);
  for (uint32_t k = 0; k < I.nframes; k++) ajx_free(m->ctx, I.frames[k].vals);
  ajx_free(m->ctx, I.frames);
  ajx_free(m->ctx, I.tmp);
  if (o) o->steps = I.steps;
  return st;
}
