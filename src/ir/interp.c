/* SPDX-License-Identifier: MIT */
/* The reference interpreter: the semantic oracle compiled code is compared
 * with.  Plain portable C (it runs on the host and under qemu-arm); every
 * value op's meaning comes from sem.h so there is one definition of it.
 * Memory, call, exception and forcing ops work on real memory: ref values
 * are real pointers.  Memory is accessed through memcpy (no alignment or
 * aliasing assumptions); calls go through libffi, which knows both ARM
 * calling conventions and any argument count. */
#include "ir/gc.h"
#include "ir/ir_impl.h"
#include "ir/sem.h"
#include "ir/token.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#ifdef ARMJIT_HAVE_LIBFFI
#include <ffi.h>
#endif

/* Ops that touch memory, call out or use the runtime state (eval_effect);
 * the rest are guards on values, control and value ops (eval). */
#define IR_EFFECT_FLAGS \
  (ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD | ARMJIT_OPF_STORE | ARMJIT_OPF_CALL | ARMJIT_OPF_RT)

typedef struct {
  const armjit_trace *t;
  armjit_value *vals;     /* one per value number */
  uintptr_t force_flag;   /* the activation's force word: force_token is &it */
  const int *invalid;     /* the family's invalidation flag, NULL: valid */
  uint64_t steps;         /* ops run so far (every trace of a set) */
  int32_t *abort;         /* ARMJIT_EXIT_* ending the outermost run, else 0 */
  /* With a GC descriptor (docs/ir.md §15): the current trace's liveness
   * and allocation plan (ir/gc.h), the op being run, the base of the
   * current allocation group, and this run's record in the chain of
   * active frames (ctx->gc_top). */
  const int32_t *last_use;
  const uint8_t *is_gc;
  const ir_gc_slot *plan;
  uint32_t pc;
  uintptr_t group_base;
  ir_gc_record rec;
} interp;

static armjit_status interpret_set(const armjit_set_entry *set, unsigned n, unsigned start,
                                   const int *invalid, armjit_frame *f, uint64_t max_steps,
                                   unsigned *exit_trace, int32_t *abort, uint64_t *steps,
                                   armjit_error *err);

static inline armjit_value get(const interp *in, ir_ref r) {
  return IR_IS_CONST(r) ? in->t->consts[IR_CONST_INDEX(r)].v : in->vals[r];
}
static inline int32_t geti(const interp *in, ir_ref r) { return get(in, r).i; }
static inline double getf(const interp *in, ir_ref r) { return get(in, r).f; }
static inline uintptr_t getr(const interp *in, ir_ref r) { return get(in, r).r; }
static inline int64_t getl(const interp *in, ir_ref r) { return get(in, r).l; }
static inline float gets(const interp *in, ir_ref r) { return get(in, r).s; }

static inline armjit_value mki(int32_t i) {
  armjit_value v = {.bits = 0};
  v.i = i;
  return v;
}
static inline armjit_value mkf(double d) {
  armjit_value v = {.f = d};
  return v;
}
static inline armjit_value mkl(int64_t l) {
  armjit_value v = {.l = l};
  return v;
}
/* f32 values keep the high word zero (frame slots: docs/ir.md §2). */
static inline armjit_value mks(float s) {
  armjit_value v = {.bits = 0};
  v.s = s;
  return v;
}
static inline armjit_value mkr(uintptr_t r) {
  armjit_value v = {.bits = 0};
  v.r = r;
  return v;
}

/* Frame slots are written whole: ints zero-extended, refs as they are. */
static void write_exit(const interp *in, armjit_frame *f, int32_t exit_id,
                       const ir_ref *refs, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) {
    armjit_value v = get(in, refs[k]);
    switch (ir_ref_type(in->t, refs[k])) {
    case ARMJIT_INT: f->values[k].bits = (uint32_t)v.i; break;
    case ARMJIT_REF: f->values[k].bits = (uintptr_t)v.r; break;
    case ARMJIT_F32: f->values[k].bits = (uint32_t)v.bits; break;
    default: f->values[k].bits = v.bits; break; /* bits: NaN payloads kept */
    }
  }
  f->nvalues = n;
  f->exit_id = exit_id;
}

static bool guard_passes(const interp *in, const ir_op *op, const ir_ref *a, bool ovf) {
  switch (op->opc) {
  case ARMJIT_OP_GUARD_TRUE: return geti(in, a[0]) != 0;
  case ARMJIT_OP_GUARD_FALSE: return geti(in, a[0]) == 0;
  case ARMJIT_OP_GUARD_NONNULL: return getr(in, a[0]) != 0;
  case ARMJIT_OP_GUARD_ISNULL: return getr(in, a[0]) == 0;
  case ARMJIT_OP_GUARD_NO_OVERFLOW: return !ovf;
  case ARMJIT_OP_GUARD_OVERFLOW: return ovf;
  case ARMJIT_OP_GUARD_VALUE:
    switch (ir_ref_type(in->t, a[0])) {
    case ARMJIT_INT: return geti(in, a[0]) == geti(in, a[1]);
    case ARMJIT_REF: return getr(in, a[0]) == getr(in, a[1]);
    case ARMJIT_I64: return getl(in, a[0]) == getl(in, a[1]);
    case ARMJIT_F32: return gets(in, a[0]) == gets(in, a[1]); /* NaN never passes */
    default: return getf(in, a[0]) == getf(in, a[1]); /* NaN never passes */
    }
  default: return false;
  }
}

/* The result of a value op (anything but guards and control). */
static armjit_value eval(const interp *in, const ir_op *op, const ir_ref *a, bool *ovf) {
#define I(k) geti(in, a[k])
#define F(k) getf(in, a[k])
#define L(k) getl(in, a[k])
#define S(k) gets(in, a[k])
  int32_t r = 0;
  switch ((armjit_opcode)op->opc) {
  case ARMJIT_OP_INT_FLOORDIV: return mki(ir_sem_floordiv(I(0), I(1)));
  case ARMJIT_OP_INT_MOD: return mki(ir_sem_mod(I(0), I(1)));
  case ARMJIT_OP_INT_NEG: case ARMJIT_OP_INT_INVERT: case ARMJIT_OP_INT_IS_TRUE:
  case ARMJIT_OP_INT_IS_ZERO: case ARMJIT_OP_INT_FORCE_GE_ZERO:
    ir_sem_int1(op->opc, I(0), &r);
    return mki(r);
  case ARMJIT_OP_PTR_EQ: return mki(getr(in, a[0]) == getr(in, a[1]));
  case ARMJIT_OP_PTR_NE: return mki(getr(in, a[0]) != getr(in, a[1]));
  case ARMJIT_OP_INT_ADD_OVF: return mki(ir_sem_add_ovf(I(0), I(1), ovf));
  case ARMJIT_OP_INT_SUB_OVF: return mki(ir_sem_sub_ovf(I(0), I(1), ovf));
  case ARMJIT_OP_INT_MUL_OVF: return mki(ir_sem_mul_ovf(I(0), I(1), ovf));
  case ARMJIT_OP_FLOAT_ADD: case ARMJIT_OP_FLOAT_SUB: case ARMJIT_OP_FLOAT_MUL:
  case ARMJIT_OP_FLOAT_TRUEDIV: {
    double d = 0;
    ir_sem_float2(op->opc, F(0), F(1), &d);
    return mkf(d);
  }
  case ARMJIT_OP_FLOAT_NEG: return mkf(ir_sem_fneg(F(0)));
  case ARMJIT_OP_FLOAT_ABS: return mkf(ir_sem_fabs(F(0)));
  case ARMJIT_OP_FLOAT_SQRT: return mkf(ir_sem_fsqrt(F(0)));
  case ARMJIT_OP_FLOAT_LT: case ARMJIT_OP_FLOAT_LE: case ARMJIT_OP_FLOAT_EQ:
  case ARMJIT_OP_FLOAT_NE: case ARMJIT_OP_FLOAT_GT: case ARMJIT_OP_FLOAT_GE:
    ir_sem_fcmp(op->opc, F(0), F(1), &r);
    return mki(r);
  case ARMJIT_OP_CAST_FLOAT_TO_INT: return mki(ir_sem_f2i(F(0)));
  case ARMJIT_OP_CAST_INT_TO_FLOAT: return mkf((double)I(0));
  case ARMJIT_OP_SAME_AS: return get(in, a[0]);
  case ARMJIT_OP_LLONG_ADD: case ARMJIT_OP_LLONG_SUB: case ARMJIT_OP_LLONG_MUL:
  case ARMJIT_OP_LLONG_FLOORDIV: case ARMJIT_OP_LLONG_MOD: case ARMJIT_OP_LLONG_AND:
  case ARMJIT_OP_LLONG_OR: case ARMJIT_OP_LLONG_XOR: {
    int64_t l = 0;
    ir_sem_llong2(op->opc, L(0), L(1), &l);
    return mkl(l);
  }
  case ARMJIT_OP_LLONG_LSHIFT: return mkl(ir_sem_llshift(L(0), I(1)));
  case ARMJIT_OP_LLONG_RSHIFT: return mkl(ir_sem_lrshift(L(0), I(1)));
  case ARMJIT_OP_ULLONG_RSHIFT: return mkl(ir_sem_lurshift(L(0), I(1)));
  case ARMJIT_OP_LLONG_NEG: return mkl(ir_sem_lneg(L(0)));
  case ARMJIT_OP_LLONG_INVERT: return mkl(~L(0));
  case ARMJIT_OP_LLONG_LT: case ARMJIT_OP_LLONG_LE: case ARMJIT_OP_LLONG_EQ:
  case ARMJIT_OP_LLONG_NE: case ARMJIT_OP_LLONG_GT: case ARMJIT_OP_LLONG_GE:
  case ARMJIT_OP_ULLONG_LT: case ARMJIT_OP_ULLONG_LE: case ARMJIT_OP_ULLONG_GT:
  case ARMJIT_OP_ULLONG_GE:
    ir_sem_lcmp(op->opc, L(0), L(1), &r);
    return mki(r);
  case ARMJIT_OP_LLONG_FROM_INT: return mkl(I(0));
  case ARMJIT_OP_LLONG_FROM_UINT: return mkl((int64_t)(uint32_t)I(0));
  case ARMJIT_OP_LLONG_TO_INT: return mki(ir_sem_l2i(L(0)));
  case ARMJIT_OP_LLONG_TO_FLOAT: return mkf(ir_sem_l2f(L(0)));
  case ARMJIT_OP_LLONG_FROM_FLOAT: return mkl(ir_sem_f2l(F(0)));
  case ARMJIT_OP_CONVERT_FLOAT_BYTES_TO_LONGLONG: return mkl(ir_sem_dbits(F(0)));
  case ARMJIT_OP_CONVERT_LONGLONG_BYTES_TO_FLOAT: return mkf(ir_sem_bitsd(L(0)));
  case ARMJIT_OP_CAST_FLOAT_TO_SINGLEFLOAT: return mks((float)F(0));
  case ARMJIT_OP_CAST_SINGLEFLOAT_TO_FLOAT: return mkf((double)S(0));
  case ARMJIT_OP_INT_SIGNEXT: return mki(ir_sem_signext(I(0), I(1)));
  case ARMJIT_OP_UINT_MUL_HIGH: return mki(ir_sem_umulh(I(0), I(1)));
  case ARMJIT_OP_CAST_INT_TO_PTR: return mkr((uintptr_t)(uint32_t)I(0));
  case ARMJIT_OP_CAST_PTR_TO_INT: return mki(ir_sem_wrap((uint32_t)getr(in, a[0])));
  case ARMJIT_OP_INSTANCE_PTR_EQ: return mki(getr(in, a[0]) == getr(in, a[1]));
  case ARMJIT_OP_INSTANCE_PTR_NE: return mki(getr(in, a[0]) != getr(in, a[1]));
  default: /* add, sub, mul, bitwise, shifts, int compares */
    if (op->nargs == 2 && ir_sem_int2(op->opc, I(0), I(1), &r)) return mki(r);
    return mki(0); /* guards and control are handled by the caller */
  }
#undef I
#undef F
#undef L
#undef S
}

/* A value of descriptor d's type and size at addr (ints extended). */
static armjit_value load(const ir_descr *d, uintptr_t addr) {
  const void *p = (const void *)addr;
  armjit_value v = {.bits = 0};
  switch ((armjit_type)d->type) {
  case ARMJIT_INT:
    if (d->size == 1) {
      uint8_t b;
      memcpy(&b, p, 1);
      v.i = (int32_t)b - (d->is_signed && (b & 0x80u) ? 0x100 : 0);
    } else if (d->size == 2) {
      uint16_t h;
      memcpy(&h, p, 2);
      v.i = (int32_t)h - (d->is_signed && (h & 0x8000u) ? 0x10000 : 0);
    } else {
      memcpy(&v.i, p, 4);
    }
    return v;
  case ARMJIT_REF: memcpy(&v.r, p, sizeof v.r); return v;
  case ARMJIT_F32: memcpy(&v.s, p, 4); return v;
  default: memcpy(&v.bits, p, 8); return v;
  }
}

/* The low d->size bytes of an int, or the whole ref/float. */
static void store(const ir_descr *d, uintptr_t addr, armjit_value v) {
  void *p = (void *)addr;
  switch ((armjit_type)d->type) {
  case ARMJIT_INT: {
    uint32_t u = (uint32_t)v.i;
    if (d->size == 1) {
      uint8_t b = (uint8_t)u;
      memcpy(p, &b, 1);
    } else if (d->size == 2) {
      uint16_t h = (uint16_t)u;
      memcpy(p, &h, 2);
    } else {
      memcpy(p, &u, 4);
    }
    return;
  }
  case ARMJIT_REF: memcpy(p, &v.r, sizeof v.r); return;
  case ARMJIT_F32: memcpy(p, &v.s, 4); return;
  default: memcpy(p, &v.bits, 8); return;
  }
}

static int32_t load_i32(uintptr_t addr) {
  int32_t i;
  memcpy(&i, (const void *)addr, 4);
  return i;
}

/* copystrcontent(src, dst, srcstart, dststart, length): memmove semantics,
 * nothing copied when length <= 0. */
static void copy_chars(const interp *in, const ir_descr *d, const ir_ref *a) {
  int32_t len = geti(in, a[4]);
  if (len <= 0) return;
  uintptr_t src = ir_descr_addr(d, getr(in, a[0]), geti(in, a[2]), false);
  uintptr_t dst = ir_descr_addr(d, getr(in, a[1]), geti(in, a[3]), false);
  memmove((void *)dst, (const void *)src, (size_t)len * d->item_size);
}

/* zero_array(p, start, n): items start .. start+n-1 all zero bytes,
 * nothing when n <= 0. */
static void zero_items(const interp *in, const ir_descr *d, const ir_ref *a) {
  int32_t n = geti(in, a[2]);
  if (n <= 0) return;
  memset((void *)ir_descr_addr(d, getr(in, a[0]), geti(in, a[1]), false), 0,
         (size_t)n * d->item_size);
}

#ifdef ARMJIT_HAVE_LIBFFI
static ffi_type *ffi_of(armjit_type ty) {
  switch (ty) {
  case ARMJIT_INT: return &ffi_type_sint32;
  case ARMJIT_REF: return &ffi_type_pointer;
  case ARMJIT_FLOAT: return &ffi_type_double;
  case ARMJIT_I64: return &ffi_type_sint64;
  case ARMJIT_F32: return &ffi_type_float;
  default: return &ffi_type_void;
  }
}

typedef union {
  int32_t i;
  void *p;
  double f;
  int64_t l;
  float s;
} ffi_slot;

/* The context's ABI (docs/ir.md §11.1): libffi has both ARM variants. */
static ffi_abi ffi_abi_of(const armjit_ctx *ctx) {
#if defined(__arm__)
  return ctx->abi == ARMJIT_ABI_SOFT ? FFI_SYSV : FFI_VFP;
#else
  (void)ctx;
  return FFI_DEFAULT_ABI;
#endif
}

static armjit_status call(const interp *in, const ir_op *op, armjit_value *res,
                          armjit_error *err) {
  const armjit_trace *t = in->t;
  const ir_descr *d = ir_descr_at(t, op->descr);
  const ir_ref *a = ir_args(t, op) + (op->opc == ARMJIT_OP_COND_CALL ||
                                      op->opc == ARMJIT_OP_COND_CALL_VALUE); /* the function */
  uint32_t n = d->nargs;
  /* Small calls use the stack; big ones (up to 65534 arguments) the heap. */
  ffi_type *small_types[16];
  void *small_ptrs[16];
  ffi_slot small_slots[16];
  ffi_type **types = small_types;
  void **ptrs = small_ptrs;
  ffi_slot *slots = small_slots;
  if (n > 16) {
    types = ajx_alloc(t->ctx, n * sizeof *types);
    ptrs = ajx_alloc(t->ctx, n * sizeof *ptrs);
    slots = ajx_alloc(t->ctx, n * sizeof *slots);
    if (!types || !ptrs || !slots) {
      ajx_free(t->ctx, types);
      ajx_free(t->ctx, ptrs);
      ajx_free(t->ctx, slots);
      return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
    }
  }
  for (uint32_t k = 0; k < n; k++) {
    armjit_value v = get(in, a[k + 1]);
    armjit_type ty = (armjit_type)d->args[k];
    types[k] = ffi_of(ty);
    if (ty == ARMJIT_INT) slots[k].i = v.i;
    else if (ty == ARMJIT_REF) slots[k].p = (void *)v.r;
    else if (ty == ARMJIT_I64) slots[k].l = v.l;
    else if (ty == ARMJIT_F32) slots[k].s = v.s;
    else slots[k].f = v.f;
    ptrs[k] = &slots[k];
  }
  armjit_value fv = get(in, a[0]);
  uintptr_t fn = ir_ref_type(t, a[0]) == ARMJIT_REF ? fv.r : (uintptr_t)(uint32_t)fv.i;
  ffi_cif cif;
  armjit_status st = ARMJIT_OK;
  armjit_type rty = (armjit_type)d->type;
  if (ffi_prep_cif(&cif, ffi_abi_of(t->ctx), n, ffi_of(rty), types) != FFI_OK) {
    st = ajx_err(err, ARMJIT_E_UNSUPPORTED, "op %" PRIu32 " (%s): libffi cannot make this call",
                 (uint32_t)(op - t->ops), ir_info(op->opc)->name);
  } else {
    /* libffi widens integer results to a full ffi_arg. */
    union {
      ffi_arg a;
      double f;
      int64_t l;
      float s;
      uint64_t pad;
    } rv;
    rv.pad = 0;
    ffi_call(&cif, (void (*)(void))fn, &rv, ptrs);
    if (rty == ARMJIT_INT) *res = mki(ir_sem_call_result((uint32_t)rv.a, d->size, d->is_signed));
    else if (rty == ARMJIT_REF) *res = mkr((uintptr_t)rv.a);
    else if (rty == ARMJIT_FLOAT) res->f = rv.f;
    else if (rty == ARMJIT_I64) *res = mkl(rv.l);
    else if (rty == ARMJIT_F32) *res = mks(rv.s);
  }
  if (types != small_types) {
    ajx_free(t->ctx, types);
    ajx_free(t->ctx, ptrs);
    ajx_free(t->ctx, slots);
  }
  return st;
}
#else /* built with ARMJIT_WITH_LIBFFI=OFF */
static armjit_status call(const interp *in, const ir_op *op, armjit_value *res,
                          armjit_error *err) {
  (void)res;
  return ajx_err(err, ARMJIT_E_UNSUPPORTED,
                 "op %" PRIu32 " (%s): the interpreter calls C through libffi, and this "
                 "armjit was built without it (ARMJIT_WITH_LIBFFI=OFF)",
                 (uint32_t)(op - in->t->ops), ir_info(op->opc)->name);
}
#endif

/* The class word of object p: pointer-sized, at the context's class_offset. */
static uintptr_t class_of(const armjit_trace *t, uintptr_t p) {
  uintptr_t c;
  memcpy(&c, (const void *)(p + (uintptr_t)(intptr_t)t->ctx->opts.class_offset), sizeof c);
  return c;
}

/* A memory, call, exception or forcing op: value ops store their result in
 * *res, guards set *pass.  Non-OK only when the interpreter itself cannot
 * go on (libffi refused the call, out of memory). */
/* call_assembler: the token's trace on a frame of its own; a finish's
 * value is the result, any other exit goes to the assembler helper.  A
 * callee that cannot run, or a nested stack overflow, ends every run it
 * is nested in (*in->abort, and an error status). */
static armjit_status call_assembler(interp *in, const ir_op *op, const ir_ref *a,
                                    armjit_value *res, uint64_t max_steps, armjit_error *err) {
  const armjit_trace *t = in->t;
  armjit_ctx *ctx = t->ctx;
  armjit_token *tok = ir_descr_at(t, op->descr)->token;
  const armjit_trace *ct = tok->trace;
  if (!ct) {
    *in->abort = ARMJIT_EXIT_CALL_FAILED;
    return ajx_err(err, ARMJIT_E_INVALID, "call_assembler: token %s has no trace to run",
                   tok->name);
  }
  uint32_t cap = ir_frame_capacity(ct);
  armjit_frame *f = armjit_frame_new(ctx, cap ? cap : 1);
  if (!f) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
  for (uint32_t k = 0; k < op->nargs; k++) f->values[k] = get(in, a[k]);
  armjit_set_entry e = {NULL, (armjit_trace *)ct, -1, -1};
  uint64_t left = max_steps ? max_steps - in->steps : 0, used = 0; /* steps are shared */
  armjit_status st = left || !max_steps
                         ? interpret_set(&e, 1, 0, NULL, f, left, NULL, in->abort, &used, err)
                         : ajx_err(err, ARMJIT_E_LIMIT, "step limit of %" PRIu64 " ops exceeded",
                                   max_steps);
  if (st == ARMJIT_OK) {
    bool finish = f->exit_id >= 0 && (uint32_t)f->exit_id < ct->nexits &&
                  ct->ops[ct->exits[f->exit_id].op].opc == ARMJIT_OP_FINISH;
    if (finish) {
      *res = f->nvalues ? f->values[0] : mki(0);
    } else if (ctx->asm_helper) {
      *res = ctx->asm_helper(ctx->asm_helper_ud, tok, f);
    } else {
      *in->abort = ARMJIT_EXIT_CALL_FAILED;
      st = ajx_err(err, ARMJIT_E_INVALID,
                   "call_assembler: the callee of token %s left through exit %d and no "
                   "assembler helper is registered", tok->name, (int)f->exit_id);
    }
    /* the result as the op's type: ints zero-extended like frame slots */
    if (st == ARMJIT_OK && op->type == ARMJIT_INT) *res = mki(res->i);
  }
  in->steps += used;
  armjit_frame_free(ctx, f);
  return st;
}

/* ---- the GC ops (docs/ir.md §15) ---------------------------------------------- */
static void put_word(uintptr_t addr, const void *v, size_t n) { memcpy((void *)addr, v, n); }

/* The header words of allocation op `op` at obj: its type id, its length,
 * its class. */
static void gc_header(const interp *in, const ir_op *op, uintptr_t obj) {
  const armjit_trace *t = in->t;
  const armjit_gc_descr *g = &t->ctx->gc;
  const ir_ref *a = ir_args(t, op);
  uint32_t tid = (uint32_t)geti(in, a[1]);
  if (g->tid_size == 2) {
    uint16_t h = (uint16_t)tid;
    put_word(obj + (uintptr_t)(intptr_t)g->tid_offset, &h, 2);
  } else {
    put_word(obj + (uintptr_t)(intptr_t)g->tid_offset, &tid, 4);
  }
  if (op->descr >= 0) {
    int32_t len = geti(in, a[0]);
    put_word(obj + (uintptr_t)(intptr_t)ir_descr_at(t, op->descr)->len_offset, &len, 4);
  }
  if (op->opc == ARMJIT_OP_NEW_WITH_VTABLE) {
    uintptr_t cls = getr(in, a[2]);
    put_word(obj + (uintptr_t)(intptr_t)t->ctx->opts.class_offset, &cls, sizeof cls);
  }
}

/* An allocation: the group's first op takes the whole group from the
 * nursery (or the slow path) and writes every header of it; each op's
 * object is at its offset from the group's base.  0 when the slow path
 * returned NULL. */
static uintptr_t gc_alloc(interp *in, const ir_op *op) {
  const armjit_trace *t = in->t;
  const armjit_gc_descr *g = &t->ctx->gc;
  const ir_gc_slot *s = &in->plan[in->pc];
  if (s->first == (int32_t)in->pc) {
    uint32_t total = s->total ? s->total : ir_gc_size(t, op, geti(in, ir_args(t, op)[0]));
    uintptr_t free_p, top;
    memcpy(&free_p, (const void *)g->nursery_free, sizeof free_p);
    memcpy(&top, (const void *)g->nursery_top, sizeof top);
    uintptr_t base;
    if (top - free_p < total) {
      base = (uintptr_t)g->malloc_slowpath(g->ud, total);
      if (!base) return 0; /* out of memory: the run ends (eval_effect) */
    } else {
      base = free_p;
      free_p += total;
      memcpy((void *)g->nursery_free, &free_p, sizeof free_p);
    }
    in->group_base = base;
    for (uint32_t j = in->pc; j <= s->last; j++)
      gc_header(in, &t->ops[j], base + in->plan[j].off);
  }
  return in->group_base + s->off;
}

/* The GC ops (a function of their own: the frame of eval_effect, which
 * nested call_assemblers recurse through, stays small). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static armjit_status gc_effect(interp *in, const ir_op *op, const ir_ref *a, armjit_value *res,
                               armjit_error *err) {
  if (ir_gc_is_alloc(op->opc)) {
    *res = mkr(gc_alloc(in, op));
    if (res->r) return ARMJIT_OK;
    *in->abort = ARMJIT_EXIT_OUT_OF_MEMORY; /* docs/ir.md §15.2 */
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory: the GC's malloc slow path returned "
                   "NULL");
  }
  const armjit_gc_descr *g = &in->t->ctx->gc;
  uintptr_t p = getr(in, a[0]);
  uint8_t flags;
  memcpy(&flags, (const void *)(p + (uintptr_t)(intptr_t)g->flags_offset), 1);
  if (flags & g->wb_flag) {
    if (op->opc == ARMJIT_OP_COND_CALL_GC_WB_ARRAY && g->wb_array_slowpath)
      g->wb_array_slowpath(g->ud, (void *)p, geti(in, a[1]));
    else
      g->wb_slowpath(g->ud, (void *)p);
  }
  *res = mki(0);
  return ARMJIT_OK;
}

size_t ir_interp_gc_roots(const ir_gc_record *rec, armjit_gc_root_fn fn, void *ud) {
  interp *in = (interp *)(rec->tag & ~(uintptr_t)1);
  const armjit_trace *t = in->t;
  size_t n = 0;
  for (uint32_t v = 0; v < t->nvals; v++) {
    if (t->vdef[v] >= (int32_t)in->pc || in->last_use[v] <= (int32_t)in->pc) continue;
    if (!in->is_gc[v]) continue;
    fn(ud, &in->vals[v].r);
    n++;
  }
  return n;
}

/* The value, or the call's result when it is 0 (of its own, like
 * gc_effect: eval_effect's frame stays small). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static armjit_status cond_call_value(const interp *in, const ir_op *op, const ir_ref *a,
                                     armjit_value *res, armjit_error *err) {
  *res = get(in, a[0]);
  if (op->type == ARMJIT_INT ? res->i != 0 : res->r != 0) return ARMJIT_OK;
  return call(in, op, res, err);
}

static armjit_status eval_effect(interp *in, const ir_op *op, const ir_ref *a,
                                 armjit_value *res, bool *pass, uint64_t max_steps,
                                 armjit_error *err) {
  const armjit_trace *t = in->t;
  const ir_descr *d = op->descr >= 0 ? ir_descr_at(t, op->descr) : NULL;
  armjit_ctx *ctx = t->ctx;
#define R(k) getr(in, a[k])
#define I(k) geti(in, a[k])
  *pass = true;
  res->bits = 0;
  switch ((armjit_opcode)op->opc) {
  case ARMJIT_OP_GETFIELD_GC:
  case ARMJIT_OP_GETFIELD_RAW: *res = load(d, ir_descr_addr(d, R(0), 0, false)); break;
  case ARMJIT_OP_SETFIELD_GC:
  case ARMJIT_OP_SETFIELD_RAW: store(d, ir_descr_addr(d, R(0), 0, false), get(in, a[1])); break;
  case ARMJIT_OP_GETARRAYITEM_GC:
  case ARMJIT_OP_GETARRAYITEM_RAW:
  case ARMJIT_OP_GETINTERIORFIELD_GC:
  case ARMJIT_OP_STRGETITEM:
  case ARMJIT_OP_UNICODEGETITEM: *res = load(d, ir_descr_addr(d, R(0), I(1), false)); break;
  case ARMJIT_OP_SETARRAYITEM_GC:
  case ARMJIT_OP_SETARRAYITEM_RAW:
  case ARMJIT_OP_SETINTERIORFIELD_GC:
  case ARMJIT_OP_STRSETITEM:
  case ARMJIT_OP_UNICODESETITEM:
    store(d, ir_descr_addr(d, R(0), I(1), false), get(in, a[2]));
    break;
  case ARMJIT_OP_RAW_LOAD: *res = load(d, ir_descr_addr(d, R(0), I(1), true)); break;
  case ARMJIT_OP_RAW_STORE: store(d, ir_descr_addr(d, R(0), I(1), true), get(in, a[2])); break;
  case ARMJIT_OP_ARRAYLEN_GC:
  case ARMJIT_OP_STRLEN:
  case ARMJIT_OP_UNICODELEN:
    *res = mki(load_i32(R(0) + (uintptr_t)(intptr_t)d->len_offset));
    break;
  case ARMJIT_OP_COPYSTRCONTENT:
  case ARMJIT_OP_COPYUNICODECONTENT: copy_chars(in, d, a); break;
  case ARMJIT_OP_ZERO_ARRAY: zero_items(in, d, a); break;
  case ARMJIT_OP_CALL:
  case ARMJIT_OP_CALL_MAY_FORCE: return call(in, op, res, err);
  case ARMJIT_OP_COND_CALL: /* the call only when the condition holds */
    if (I(0) != 0) return call(in, op, res, err);
    break;
  case ARMJIT_OP_COND_CALL_VALUE: return cond_call_value(in, op, a, res, err);
  case ARMJIT_OP_CALL_ASSEMBLER: return call_assembler(in, op, a, res, max_steps, err);
  case ARMJIT_OP_FORCE_TOKEN: *res = mkr((uintptr_t)&in->force_flag); break;
  case ARMJIT_OP_GUARD_NOT_FORCED:
  case ARMJIT_OP_GUARD_NOT_FORCED_2:
    *pass = in->force_flag == 0;
    in->force_flag = 0; /* read and clear: a bridge starts unforced */
    break;
  case ARMJIT_OP_GUARD_NO_EXCEPTION: *pass = ctx->exc == 0; break;
  case ARMJIT_OP_GUARD_EXCEPTION: /* of that class */
    *pass = ctx->exc != 0 && class_of(t, ctx->exc) == R(0);
    if (*pass) {
      *res = mkr(ctx->exc);
      ctx->exc = 0;
    }
    break;
  case ARMJIT_OP_GUARD_CLASS: *pass = class_of(t, R(0)) == R(1); break;
  case ARMJIT_OP_GUARD_NONNULL_CLASS: *pass = R(0) != 0 && class_of(t, R(0)) == R(1); break;
  case ARMJIT_OP_GUARD_NOT_INVALIDATED: *pass = !in->invalid || !*in->invalid; break;
  case ARMJIT_OP_NEW: case ARMJIT_OP_NEW_WITH_VTABLE: case ARMJIT_OP_NEW_ARRAY:
  case ARMJIT_OP_NEWSTR: case ARMJIT_OP_NEWUNICODE:
  case ARMJIT_OP_COND_CALL_GC_WB: case ARMJIT_OP_COND_CALL_GC_WB_ARRAY:
    return gc_effect(in, op, a, res, err);
  default:
    return ajx_err(err, ARMJIT_E_INVALID, "interpreter: op %s has no effect to run (internal)",
                   ir_info(op->opc)->name);
  }
#undef R
#undef I
  return ARMJIT_OK;
}

/* Largest jump argument count: the scratch space of parallel assignment. */
static uint32_t max_jump_args(const armjit_trace *t) {
  uint32_t m = 0;
  for (uint32_t i = 0; i < t->nops; i++)
    if (t->ops[i].opc == ARMJIT_OP_JUMP && t->ops[i].nargs > m) m = t->ops[i].nargs;
  return m;
}

/* How a run of one trace ended: an exit (its values written to the
 * frame), or a jump to a label of another trace (the values in tmp). */
typedef enum { RUN_EXIT, RUN_XJUMP } run_end;

static armjit_status run(interp *in, armjit_frame *f, uint32_t pc, uint64_t max_steps,
                         armjit_value *tmp, run_end *how, uint32_t *which,
                         armjit_error *err) {
  const armjit_trace *t = in->t;
  const armjit_ctx *ctx = t->ctx;
  bool interruptible = (ctx->opts.flags & ARMJIT_INTERRUPTIBLE) != 0;
  bool ovf = false;
  for (;;) {
    if (max_steps && in->steps >= max_steps)
      return ajx_err(err, ARMJIT_E_LIMIT, "step limit of %" PRIu64 " ops exceeded",
                     max_steps);
    in->steps++;
    in->pc = pc;
    const ir_op *op = &t->ops[pc];
    const ir_ref *a = ir_args(t, op);
    switch ((armjit_opcode)op->opc) {
    case ARMJIT_OP_LABEL: break;
    case ARMJIT_OP_DEBUG_MERGE_POINT: break;  /* no effect */
    case ARMJIT_OP_FINISH:
      write_exit(in, f, op->id, a, op->nargs);
      *how = RUN_EXIT;
      *which = (uint32_t)op->id;
      return ARMJIT_OK;
    case ARMJIT_OP_JUMP: {
      if (interruptible && *(const volatile uint32_t *)&ctx->interrupt) {
        /* the interrupt exit of the label (another trace's: after this
         * trace's labels): the values it would take */
        *which = t->nexits + (ir_jump_is_external(op) ? t->nlabels + IR_XLABEL_INDEX(op->id)
                                                      : (uint32_t)op->id);
        write_exit(in, f, (int32_t)*which, a, op->nargs);
        *how = RUN_EXIT;
        return ARMJIT_OK;
      }
      /* Parallel assignment: read every source before writing any target. */
      for (uint32_t k = 0; k < op->nargs; k++) tmp[k] = get(in, a[k]);
      if (ir_jump_is_external(op)) {
        *how = RUN_XJUMP;
        *which = IR_XLABEL_INDEX(op->id);
        return ARMJIT_OK;
      }
      const ir_op *lab = &t->ops[t->labels[op->id].op];
      const ir_ref *la = ir_args(t, lab);
      for (uint32_t k = 0; k < op->nargs; k++) in->vals[la[k]] = tmp[k];
      pc = t->labels[op->id].op + 1;
      continue;
    }
    default:
      if (ir_info(op->opc)->flags & IR_EFFECT_FLAGS) { /* memory, calls, runtime state */
        bool pass;
        armjit_value v;
        armjit_status st = eval_effect(in, op, a, &v, &pass, max_steps, err);
        if (st != ARMJIT_OK) return st;
        if (!pass) {
          write_exit(in, f, op->id, ir_fails(t, op), op->nfail);
          *how = RUN_EXIT;
          *which = (uint32_t)op->id;
          return ARMJIT_OK;
        }
        if (op->res != IR_NONE) in->vals[op->res] = v;
      } else if (ir_is_guard(op->opc)) {
        if (!guard_passes(in, op, a, ovf)) {
          write_exit(in, f, op->id, ir_fails(t, op), op->nfail);
          *how = RUN_EXIT;
          *which = (uint32_t)op->id;
          return ARMJIT_OK;
        }
      } else {
        armjit_value v = eval(in, op, a, &ovf);
        if (op->res != IR_NONE) in->vals[op->res] = v;
      }
      break;
    }
    pc++;
  }
}

/* A trace's inputs from the frame, by type. */
static void load_inputs(interp *in, const armjit_frame *f) {
  const armjit_trace *t = in->t;
  for (uint32_t v = 0; v < t->ninputs; v++) {
    switch ((armjit_type)t->vtype[v]) {
    case ARMJIT_INT: in->vals[v] = mki(f->values[v].i); break;
    case ARMJIT_REF: in->vals[v] = mkr(f->values[v].r); break;
    case ARMJIT_F32: in->vals[v] = mks(f->values[v].s); break;
    default: in->vals[v].bits = f->values[v].bits; break;
    }
  }
}

armjit_status armjit_interpret(armjit_trace *t, armjit_frame *f, uint64_t max_steps,
                               armjit_error *err) {
  if (!t || !f)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_interpret: %s is NULL", t ? "frame" : "trace");
  if (!t->validated) {
    armjit_status st = armjit_trace_validate(t, err);
    if (st != ARMJIT_OK) return st;
  }
  for (uint32_t i = 0; i < t->nops; i++)
    if (t->ops[i].opc == ARMJIT_OP_JUMP && ir_jump_is_external(&t->ops[i]))
      return ajx_err(err, ARMJIT_E_INVALID,
                     "jump to label %s of another trace: interpret the traces together "
                     "(armjit_interpret_set)", t->xlabels[IR_XLABEL_INDEX(t->ops[i].id)]);
  armjit_set_entry e = {NULL, t, -1, -1};
  return armjit_interpret_set(&e, 1, 0, NULL, f, max_steps, NULL, err);
}

/* ---- sets of traces: loops, their bridges, jumps between them ---------------------- */
static uint32_t root_of(const armjit_set_entry *set, uint32_t i) {
  for (uint32_t d = 0; set[i].parent >= 0 && d < 1u << 20; d++) i = (uint32_t)set[i].parent;
  return i;
}

/* The label of the set named `name` for a jump from entry `from`: in its
 * own family first, then in the other families (unique there). */
static armjit_status find_label(const armjit_set_entry *set, unsigned n, uint32_t from,
                                const char *name, uint32_t *entry, uint32_t *label,
                                armjit_error *err) {
  uint32_t root = root_of(set, from);
  bool found = false;
  for (int pass = 0; pass < 2 && !found; pass++)
    for (uint32_t i = 0; i < n; i++) {
      if ((root_of(set, i) == root) != (pass == 0)) continue;
      const armjit_trace *t = set[i].trace;
      int32_t e = ir_name_find(t, name, strlen(name));
      if (e < 0 || (e & 1)) continue;
      if (found)
        return ajx_err(err, ARMJIT_E_INVALID,
                       "jump to label %s: more than one loop has a label of that name", name);
      found = true;
      *entry = i;
      *label = (uint32_t)e / 2;
    }
  if (!found) return ajx_err(err, ARMJIT_E_INVALID, "jump to unknown label %s", name);
  return ARMJIT_OK;
}

armjit_status armjit_interpret_set(const armjit_set_entry *set, unsigned n, unsigned start,
                                   const int *invalid, armjit_frame *f, uint64_t max_steps,
                                   unsigned *exit_trace, armjit_error *err) {
  int32_t abort = 0;
  uint64_t steps = 0;
  armjit_status st =
      interpret_set(set, n, start, invalid, f, max_steps, exit_trace, &abort, &steps, err);
  if (abort) { /* the run ended early: no exit of any trace */
    f->exit_id = abort;
    f->nvalues = 0;
  }
  return st;
}

/* One activation of a set (nested for call_assembler), *abort shared with
 * the outermost. */
static armjit_status interpret_set(const armjit_set_entry *set, unsigned n, unsigned start,
                                   const int *invalid, armjit_frame *f, uint64_t max_steps,
                                   unsigned *exit_trace, int32_t *abort, uint64_t *steps,
                                   armjit_error *err) {
  if (!set || !f || start >= n)
    return ajx_err(err, ARMJIT_E_ARG, "armjit_interpret_set: %s",
                   !set ? "the set is NULL" : !f ? "the frame is NULL" : "start is not in the set");
  armjit_ctx *ctx = set[start].trace ? set[start].trace->ctx : NULL;
  uint32_t need = 0, nvals = 0, ntmp = 0;
  for (uint32_t i = 0; i < n; i++) {
    armjit_trace *t = set[i].trace;
    if (!t) return ajx_err(err, ARMJIT_E_ARG, "armjit_interpret_set: trace %u is NULL", i);
    if (!t->validated) {
      armjit_status st = armjit_trace_validate(t, err);
      if (st != ARMJIT_OK) return st;
    }
    if (set[i].parent >= (int)i || (set[i].parent >= 0 && set[i].exit_id < 0) ||
        (set[i].parent >= 0 && (uint32_t)set[i].exit_id >= set[set[i].parent].trace->nexits))
      return ajx_err(err, ARMJIT_E_ARG,
                     "armjit_interpret_set: entry %u: a bridge names an earlier trace and one "
                     "of its exits", i);
    uint32_t c = ir_frame_capacity(t);
    if (c > need) need = c;
    if (t->nvals > nvals) nvals = t->nvals;
    uint32_t m = max_jump_args(t);
    if (m > ntmp) ntmp = m;
  }
  f->exit_id = -1;
  f->nvalues = 0;
  if (f->capacity < need)
    return ajx_err(err, ARMJIT_E_ARG,
                   "frame has %" PRIu32 " value slots, the trace needs %" PRIu32
                   " (its inputs and the values of its largest exit)",
                   f->capacity, need);
  /* The stack check of a compiled loop's entry, on the interpreter's own
   * stack (nested call_assemblers recurse in C). */
  volatile char here = 0;
  if (ctx && (ctx->opts.flags & ARMJIT_STACK_CHECK) && (uintptr_t)&here <= ctx->stack_limit) {
    *abort = ARMJIT_EXIT_STACK_OVERFLOW;
    return ajx_err(err, ARMJIT_E_LIMIT, "stack limit reached (sp %#" PRIxPTR ", limit %#"
                   PRIxPTR ")", (uintptr_t)&here, ctx->stack_limit);
  }
  interp in;
  memset(&in, 0, sizeof in);
  in.t = set[start].trace;
  in.abort = abort;
  in.vals = ajx_calloc(ctx, (size_t)nvals + ntmp, sizeof *in.vals);
  if (!in.vals) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
  /* GC: every entry's liveness and allocation plan, and the run linked
   * into the context's chain of active frames. */
  int32_t *last_use = NULL;
  uint8_t *is_gc = NULL;
  ir_gc_slot *plan = NULL;
  uint32_t *gc_at = NULL;  /* per entry: its arrays' first index */
  bool gc = ctx && ctx->opts.gc;
  if (gc) {
    uint64_t sv = 0, so = 0;
    for (uint32_t i = 0; i < n; i++) { sv += set[i].trace->nvals; so += set[i].trace->nops; }
    last_use = ajx_alloc(ctx, (size_t)(sv ? sv : 1) * sizeof *last_use);
    is_gc = ajx_alloc(ctx, (size_t)(sv ? sv : 1));
    plan = ajx_alloc(ctx, (size_t)(so ? so : 1) * sizeof *plan);
    gc_at = ajx_alloc(ctx, (size_t)n * 2 * sizeof *gc_at);
    if (!last_use || !is_gc || !plan || !gc_at) {
      ajx_free(ctx, last_use);
      ajx_free(ctx, is_gc);
      ajx_free(ctx, plan);
      ajx_free(ctx, gc_at);
      ajx_free(ctx, in.vals);
      return ajx_err(err, ARMJIT_E_NOMEM, "out of memory in the interpreter");
    }
    sv = so = 0;
    for (uint32_t i = 0; i < n; i++) {
      gc_at[2 * i] = (uint32_t)sv;
      gc_at[2 * i + 1] = (uint32_t)so;
      ir_gc_last_uses(set[i].trace, last_use + sv);
      ir_gc_refs(set[i].trace, is_gc + sv);
      ir_gc_plan(set[i].trace, plan + so);
      sv += set[i].trace->nvals;
      so += set[i].trace->nops;
    }
    in.rec.prev = ctx->gc_top;
    in.rec.tag = (uintptr_t)&in | 1u;
    ctx->gc_top = (uintptr_t)&in.rec;
  }
  armjit_value *tmp = in.vals + nvals;
  uint32_t cur = start, pc = 0;
  load_inputs(&in, f);
  armjit_status st;
  for (;;) {
    in.t = set[cur].trace;
    in.invalid = invalid ? &invalid[root_of(set, cur)] : NULL;
    if (gc) {
      in.last_use = last_use + gc_at[2 * cur];
      in.is_gc = is_gc + gc_at[2 * cur];
      in.plan = plan + gc_at[2 * cur + 1];
    }
    run_end how = RUN_EXIT;
    uint32_t which = 0;
    st = run(&in, f, pc, max_steps, tmp, &how, &which, err);
    if (st != ARMJIT_OK) break;
    if (how == RUN_XJUMP) {
      uint32_t to, label;
      st = find_label(set, n, cur, in.t->xlabels[which], &to, &label, err);
      if (st != ARMJIT_OK) break;
      const armjit_trace *t = set[to].trace;
      const ir_op *lab = &t->ops[t->labels[label].op];
      const ir_op *jmp = NULL;
      for (uint32_t i = 0; i < in.t->nops && !jmp; i++)
        if (in.t->ops[i].opc == ARMJIT_OP_JUMP && in.t->ops[i].id == IR_XLABEL(which))
          jmp = &in.t->ops[i];
      if (!jmp || jmp->nargs != lab->nargs) {
        st = ajx_err(err, ARMJIT_E_INVALID, "jump to label %s passes %u values, it has %u",
                     in.t->xlabels[which], jmp ? (unsigned)jmp->nargs : 0u,
                     (unsigned)lab->nargs);
        break;
      }
      const ir_ref *la = ir_args(t, lab);
      for (uint32_t k = 0; k < lab->nargs; k++) {
        if (ir_ref_type(t, la[k]) != ir_ref_type(in.t, ir_args(in.t, jmp)[k])) {
          st = ajx_err(err, ARMJIT_E_TYPE, "type mismatch: jump to label %s, argument %u",
                       in.t->xlabels[which], (unsigned)k + 1);
          break;
        }
        in.vals[la[k]] = tmp[k];
      }
      if (st != ARMJIT_OK) break;
      cur = to;
      pc = t->labels[label].op + 1;
      continue;
    }
    if (which >= set[cur].trace->nexits) { /* an interrupt exit: never bridged */
      f->exit_id = (int32_t)which;
      if (exit_trace) *exit_trace = cur;
      break;
    }
    /* An exit: into its bridge if it has one. */
    uint32_t b = n;
    for (uint32_t i = 0; i < n && b == n; i++)
      if (set[i].parent == (int)cur && (uint32_t)set[i].exit_id == which) b = i;
    if (b == n || ir_is_exit(set[cur].trace->ops[set[cur].trace->exits[which].op].opc) == false ||
        set[cur].trace->ops[set[cur].trace->exits[which].op].opc == ARMJIT_OP_FINISH) {
      f->exit_id = (int32_t)which;
      if (exit_trace) *exit_trace = cur;
      break;
    }
    if (set[b].trace->ninputs != f->nvalues) {
      st = ajx_err(err, ARMJIT_E_INVALID, "bridge %u has %u inputs, its guard %u fail args", b,
                   (unsigned)set[b].trace->ninputs, (unsigned)f->nvalues);
      break;
    }
    cur = b;
    pc = 0;
    in.t = set[cur].trace;
    load_inputs(&in, f);
    f->exit_id = -1;
    f->nvalues = 0;
  }
  if (gc) {
    ctx->gc_top = in.rec.prev;
    ajx_free(ctx, last_use);
    ajx_free(ctx, is_gc);
    ajx_free(ctx, plan);
    ajx_free(ctx, gc_at);
  }
  ajx_free(ctx, in.vals);
  *steps = in.steps;
  if (st == ARMJIT_OK) ajx_err_clear(err);
  return st;
}
