/* SPDX-License-Identifier: MIT */
/* The reference interpreter's memory, call, exception and forcing ops, on
 * real memory: ref values are real pointers.  Memory is accessed through
 * memcpy (no alignment or aliasing assumptions); calls go through libffi,
 * which knows both ARM calling conventions and any argument count. */
#include "ir/descr_impl.h"
#include "ir/sem.h"

#include <ffi.h>
#include <inttypes.h>
#include <string.h>

typedef struct {
  const armjit_trace *t;
  const armjit_value *vals;
} env;

static armjit_value get(const env *e, ir_ref r) {
  return IR_IS_CONST(r) ? e->t->consts[IR_CONST_INDEX(r)].v : e->vals[r];
}

static armjit_value mki(int32_t i) {
  armjit_value v = {.bits = 0};
  v.i = i;
  return v;
}

static armjit_value mkr(uintptr_t r) {
  armjit_value v = {.bits = 0};
  v.r = r;
  return v;
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
static void copy_chars(const env *e, const ir_descr *d, const ir_ref *a) {
  int32_t len = get(e, a[4]).i;
  if (len <= 0) return;
  uintptr_t src = ir_descr_addr(d, get(e, a[0]).r, get(e, a[2]).i, false);
  uintptr_t dst = ir_descr_addr(d, get(e, a[1]).r, get(e, a[3]).i, false);
  memmove((void *)dst, (const void *)src, (size_t)len * d->item_size);
}

static ffi_type *ffi_of(armjit_type ty) {
  switch (ty) {
  case ARMJIT_INT: return &ffi_type_sint32;
  case ARMJIT_REF: return &ffi_type_pointer;
  case ARMJIT_FLOAT: return &ffi_type_double;
  default: return &ffi_type_void;
  }
}

typedef union {
  int32_t i;
  void *p;
  double f;
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

static armjit_status call(const env *e, const ir_op *op, armjit_value *res,
                          armjit_error *err) {
  const armjit_trace *t = e->t;
  const ir_descr *d = ir_descr_at(t, op->descr);
  const ir_ref *a = ir_args(t, op);
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
    armjit_value v = get(e, a[k + 1]);
    armjit_type ty = (armjit_type)d->args[k];
    types[k] = ffi_of(ty);
    if (ty == ARMJIT_INT) slots[k].i = v.i;
    else if (ty == ARMJIT_REF) slots[k].p = (void *)v.r;
    else slots[k].f = v.f;
    ptrs[k] = &slots[k];
  }
  armjit_value fv = get(e, a[0]);
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
      uint64_t pad;
    } rv;
    rv.pad = 0;
    ffi_call(&cif, (void (*)(void))fn, &rv, ptrs);
    if (rty == ARMJIT_INT) *res = mki(ir_sem_wrap((uint32_t)rv.a));
    else if (rty == ARMJIT_REF) *res = mkr((uintptr_t)rv.a);
    else if (rty == ARMJIT_FLOAT) res->f = rv.f;
  }
  if (types != small_types) {
    ajx_free(t->ctx, types);
    ajx_free(t->ctx, ptrs);
    ajx_free(t->ctx, slots);
  }
  return st;
}

/* The class word of object p: pointer-sized, at the context's class_offset. */
static uintptr_t class_of(const armjit_trace *t, uintptr_t p) {
  uintptr_t c;
  memcpy(&c, (const void *)(p + (uintptr_t)(intptr_t)t->ctx->opts.class_offset), sizeof c);
  return c;
}

armjit_status ir_interp_ext(const armjit_trace *t, const ir_op *op, const armjit_value *vals,
                            ir_interp_rt *rt, armjit_value *res, bool *pass,
                            armjit_error *err) {
  env e = {t, vals};
  const ir_ref *a = ir_args(t, op);
  const ir_descr *d = op->descr >= 0 ? ir_descr_at(t, op->descr) : NULL;
  armjit_ctx *ctx = t->ctx;
#define R(k) get(&e, a[k]).r
#define I(k) get(&e, a[k]).i
  *pass = true;
  res->bits = 0;
  switch ((armjit_opcode)op->opc) {
  case ARMJIT_OP_GETFIELD_GC:
  case ARMJIT_OP_GETFIELD_RAW: *res = load(d, ir_descr_addr(d, R(0), 0, false)); break;
  case ARMJIT_OP_SETFIELD_GC:
  case ARMJIT_OP_SETFIELD_RAW: store(d, ir_descr_addr(d, R(0), 0, false), get(&e, a[1])); break;
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
    store(d, ir_descr_addr(d, R(0), I(1), false), get(&e, a[2]));
    break;
  case ARMJIT_OP_RAW_LOAD: *res = load(d, ir_descr_addr(d, R(0), I(1), true)); break;
  case ARMJIT_OP_RAW_STORE: store(d, ir_descr_addr(d, R(0), I(1), true), get(&e, a[2])); break;
  case ARMJIT_OP_ARRAYLEN_GC:
  case ARMJIT_OP_STRLEN:
  case ARMJIT_OP_UNICODELEN:
    *res = mki(load_i32(R(0) + (uintptr_t)(intptr_t)d->len_offset));
    break;
  case ARMJIT_OP_COPYSTRCONTENT:
  case ARMJIT_OP_COPYUNICODECONTENT: copy_chars(&e, d, a); break;
  case ARMJIT_OP_CALL:
  case ARMJIT_OP_CALL_MAY_FORCE: return call(&e, op, res, err);
  case ARMJIT_OP_FORCE_TOKEN: *res = mkr((uintptr_t)&rt->force_flag); break;
  case ARMJIT_OP_GUARD_NOT_FORCED:
    *pass = rt->force_flag == 0;
    rt->force_flag = 0; /* read and clear: a bridge starts unforced */
    break;
  case ARMJIT_OP_GUARD_NO_EXCEPTION: *pass = ctx->exc == 0; break;
  case ARMJIT_OP_GUARD_EXCEPTION:
    *pass = ctx->exc != 0;
    if (*pass) {
      *res = mkr(ctx->exc);
      ctx->exc = 0;
    }
    break;
  case ARMJIT_OP_GUARD_CLASS: *pass = class_of(t, R(0)) == R(1); break;
  case ARMJIT_OP_GUARD_NONNULL_CLASS: *pass = R(0) != 0 && class_of(t, R(0)) == R(1); break;
  default:
    return ajx_err(err, ARMJIT_E_INVALID, "interpreter: op %s is not an extension op",
                   ir_info(op->opc)->name);
  }
#undef R
#undef I
  return ARMJIT_OK;
}
