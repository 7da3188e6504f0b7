/* SPDX-License-Identifier: MIT */
/* randtrace: GC ops (docs/ir.md §15) on objects of the tests' moving
 * collector (gc_model.h; the types of gc_cases.h), for GC traces
 * (rt_config.gc_pct).
 *
 * GC objects are values of kind RT_K_GC(tid, len): the inputs of
 * randenv.h's heap and the results of allocations.  On them: allocations
 * (single and in bursts, which the compiler takes from the nursery in one
 * step; constant and variable lengths), stores of GC references through
 * the write barrier, stores of ints, floats, i64s and f32s, loads (a
 * loaded reference is RT_K_GCREF: an object of unknown type, or null,
 * never dereferenced), calls that collect (call and cond_call of
 * gcm_collect), keepalive, class and null guards, zero_array, pointer
 * comparisons, and raw pointers into objects (RT_K_RAW: an address made
 * from an object's address plus an offset, which the GC maps must not
 * hold: a collector that met one as a root counts a bad root).  Indices
 * are constants inside the object's known length (or masked by it). */
#include <string.h>

#include "gc_cases.h"
#include "randenv.h"
#include "randtrace.h"
#include "randtrace_impl.h"

typedef rt_gen gen;

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(t) (1u << (t))
#define FIXED_REFS (BIT(GCT_NODE) | BIT(GCT_PAIR) | BIT(GCT_BIG) | BIT(GCT_WIDE))
#define ANY_TYPE (BIT(GCT_NTYPES) - 2u) /* every type id but 0 */

/* ---- descriptors (one per layout: equal ones are shared) -------------------- */
static int32_t descr(gen *s, const rt_descr *d) {
  for (uint32_t k = 0; k < s->g->ndescrs; k++)
    if (memcmp(&s->g->descrs[k], d, sizeof *d) == 0) return (int32_t)k;
  int32_t k = rt_add_descr(s->g, d);
  if (k < 0) s->oom = true;
  return k;
}

static int32_t field_descr(gen *s, int32_t off, armjit_type ty) {
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = RT_D_FIELD;
  d.u.field.offset = off;
  d.u.field.size = ty == ARMJIT_INT ? 4 : 0;
  d.u.field.is_signed = ty == ARMJIT_INT;
  d.u.field.type = ty;
  return descr(s, &d);
}

/* The descriptor of an array, str or unicode type. */
static int32_t items_descr(gen *s, unsigned tid) {
  rt_descr d;
  memset(&d, 0, sizeof d);
  const gcm_type *ty = &gct_types[tid];
  if (ty->kind == GCM_STR) {
    d.kind = ty->item == 1 ? RT_D_STR : RT_D_UNICODE;
    d.u.str.base = GCM_STR_BASE;
    d.u.str.item_size = ty->item;
    d.u.str.len_offset = GCM_STR_LEN;
  } else {
    d.kind = RT_D_ARRAY;
    d.u.array.base = GCM_ARRAY_BASE;
    d.u.array.item_size = ty->item;
    d.u.array.is_signed = !ty->ref_items;
    d.u.array.type = ty->ref_items ? ARMJIT_REF : ARMJIT_INT;
    d.u.array.has_len = true;
    d.u.array.len_offset = GCM_ARRAY_LEN;
  }
  return descr(s, &d);
}

/* ---- picking values -------------------------------------------------------------- */
static bool has_items(unsigned tid) { return gct_types[tid].kind != GCM_FIXED; }

/* Does value kind k fit: a GC object of a type in mask (and, when
 * `items`, for arrays and strings, of a known length > 0)? */
static bool fits(uint8_t k, unsigned mask, bool items) {
  if (!RT_K_IS_GC(k) || !(mask & BIT(RT_K_GC_TID(k)))) return false;
  return !items || !has_items(RT_K_GC_TID(k)) || RT_K_GC_LEN(k) > 0;
}

/* An available GC object that fits, or -1. */
static int32_t pick_obj(gen *s, unsigned mask, bool items) {
  uint32_t cnt = 0;
  for (uint32_t i = 0; i < s->navail; i++) cnt += fits(s->g->vkind[s->avail[i]], mask, items);
  if (!cnt) return -1;
  uint32_t k = rt_below(s->r, cnt);
  for (uint32_t i = 0; i < s->navail; i++)
    if (fits(s->g->vkind[s->avail[i]], mask, items) && k-- == 0) return s->avail[i];
  return -1;
}

static int32_t null_const(gen *s) {
  return rt_g_const(s, ARMJIT_REF, (armjit_value){.bits = 0});
}

/* One of the class words (rt_env_class). */
static int32_t class_const(gen *s) {
  armjit_value c = {.bits = 0};
  c.r = rt_env_class(rt_below(s->r, RT_NCLASSES));
  return rt_g_const(s, ARMJIT_REF, c);
}

static bool is_gc_value(uint8_t k) { return RT_K_IS_GC(k) || k == RT_K_GCREF; }

/* A GC reference: an available GC object or loaded reference, or null. */
static int32_t gc_value(gen *s) {
  uint32_t cnt = 0;
  for (uint32_t i = 0; i < s->navail; i++) cnt += is_gc_value(s->g->vkind[s->avail[i]]);
  if (!cnt || rt_chance(s->r, 12)) return null_const(s);
  uint32_t k = rt_below(s->r, cnt);
  for (uint32_t i = 0; i < s->navail; i++)
    if (is_gc_value(s->g->vkind[s->avail[i]]) && k-- == 0) return s->avail[i];
  return null_const(s);
}

/* An index into object o (of known length len > 0): a constant, or a
 * variable masked by len - 1 when len is a power of two. */
static int32_t index_of(gen *s, int32_t len) {
  if ((len & (len - 1)) == 0 && rt_chance(s->r, 30)) {
    int32_t a[2] = {rt_g_operand(s, ARMJIT_INT), rt_g_int_const(s, len - 1)};
    int32_t i = rt_g_emit_op(s, ARMJIT_OP_INT_AND, ARMJIT_INT, a, 2, -1, RT_K_PLAIN);
    if (i >= 0) return s->g->ops[i].res;
  }
  return rt_g_int_const(s, (int32_t)rt_below(s->r, (uint32_t)len));
}

static unsigned tid_of(const gen *s, int32_t v) { return RT_K_GC_TID(s->g->vkind[v]); }
static int32_t len_of(const gen *s, int32_t v) { return RT_K_GC_LEN(s->g->vkind[v]); }

/* ---- the ops ---------------------------------------------------------------------- */
static void gen_alloc(gen *s) {
  static const unsigned fixed[] = {GCT_NODE, GCT_NODE, GCT_PAIR, GCT_BIG, GCT_WIDE};
  static const unsigned items[] = {GCT_REFS, GCT_REFS, GCT_INTS, GCT_STR, GCT_UNI};
  int32_t a[3];
  if (rt_chance(s->r, 50)) {
    unsigned tid = fixed[rt_below(s->r, N(fixed))];
    a[0] = rt_g_int_const(s, (int32_t)gct_size(tid));
    a[1] = rt_g_int_const(s, (int32_t)tid);
    bool vt = tid == GCT_PAIR || tid == GCT_WIDE; /* the types with a class word */
    if (vt) a[2] = class_const(s);
    rt_g_emit_op(s, vt ? ARMJIT_OP_NEW_WITH_VTABLE : ARMJIT_OP_NEW, ARMJIT_REF, a, vt ? 3 : 2,
                 -1, RT_K_GC(tid, -1));
    return;
  }
  unsigned tid = items[rt_below(s->r, N(items))];
  int32_t len = -1;
  if (rt_chance(s->r, 30)) { /* a variable length in 0 .. 7 */
    int32_t m[2] = {rt_g_operand(s, ARMJIT_INT), rt_g_int_const(s, 7)};
    int32_t i = rt_g_emit_op(s, ARMJIT_OP_INT_AND, ARMJIT_INT, m, 2, -1, RT_K_PLAIN);
    if (i < 0) return;
    a[0] = s->g->ops[i].res;
  } else {
    len = (int32_t)rt_below(s->r, 6);
    a[0] = rt_g_int_const(s, len);
  }
  a[1] = rt_g_int_const(s, (int32_t)tid);
  const gcm_type *ty = &gct_types[tid];
  armjit_opcode opc = ty->kind == GCM_ARRAY ? ARMJIT_OP_NEW_ARRAY
                      : ty->item == 1       ? ARMJIT_OP_NEWSTR
                                            : ARMJIT_OP_NEWUNICODE;
  rt_g_emit_op(s, opc, ARMJIT_REF, a, 2, items_descr(s, tid), RT_K_GC(tid, len));
}

/* The offset of a ref field of fixed type tid. */
static int32_t ref_field(gen *s, unsigned tid) {
  switch (tid) {
  case GCT_NODE: return GCT_NEXT;
  case GCT_PAIR: return rt_chance(s->r, 50) ? GCT_LEFT : GCT_RIGHT;
  case GCT_BIG: return GCT_BIG_REF;
  default: return GCT_WIDE_REF;
  }
}

/* A reference stored into an object, the write barrier first. */
static bool gen_store_ref(gen *s) {
  int32_t o = pick_obj(s, FIXED_REFS | BIT(GCT_REFS), true);
  if (o < 0) return false;
  unsigned tid = tid_of(s, o);
  int32_t a[3] = {o, -1, -1};
  if (tid == GCT_REFS) {
    a[1] = index_of(s, len_of(s, o));
    rt_g_emit_op(s, ARMJIT_OP_COND_CALL_GC_WB_ARRAY, ARMJIT_VOID, a, 2, -1, RT_K_PLAIN);
    a[2] = gc_value(s);
    rt_g_emit_op(s, ARMJIT_OP_SETARRAYITEM_GC, ARMJIT_VOID, a, 3, items_descr(s, tid),
                 RT_K_PLAIN);
    return true;
  }
  int32_t d = field_descr(s, ref_field(s, tid), ARMJIT_REF);
  rt_g_emit_op(s, ARMJIT_OP_COND_CALL_GC_WB, ARMJIT_VOID, a, 1, -1, RT_K_PLAIN);
  a[1] = gc_value(s);
  rt_g_emit_op(s, ARMJIT_OP_SETFIELD_GC, ARMJIT_VOID, a, 2, d, RT_K_PLAIN);
  return true;
}

/* A non-ref field of a fixed type: its offset and type. */
static bool data_field(gen *s, unsigned tid, int32_t *off, armjit_type *ty) {
  static const struct { int32_t off; armjit_type ty; } wide[] = {
      {GCT_WIDE_F, ARMJIT_FLOAT}, {GCT_WIDE_L, ARMJIT_I64}, {GCT_WIDE_S, ARMJIT_F32},
      {GCT_WIDE_I, ARMJIT_INT}};
  *ty = ARMJIT_INT;
  switch (tid) {
  case GCT_NODE: *off = GCT_VALUE; return true;
  case GCT_BIG: *off = GCM_FIELDS; return true;
  case GCT_WIDE: {
    unsigned k = rt_below(s->r, N(wide));
    *off = wide[k].off;
    *ty = wide[k].ty;
    return true;
  }
  default: return false;
  }
}

static armjit_opcode item_op(unsigned tid, bool store) {
  const gcm_type *ty = &gct_types[tid];
  if (ty->kind == GCM_ARRAY) return store ? ARMJIT_OP_SETARRAYITEM_GC : ARMJIT_OP_GETARRAYITEM_GC;
  if (ty->item == 1) return store ? ARMJIT_OP_STRSETITEM : ARMJIT_OP_STRGETITEM;
  return store ? ARMJIT_OP_UNICODESETITEM : ARMJIT_OP_UNICODEGETITEM;
}

/* An int, float, i64 or f32 stored into a field, or an int into an item. */
static bool gen_store_data(gen *s) {
  int32_t o = pick_obj(s, BIT(GCT_NODE) | BIT(GCT_BIG) | BIT(GCT_WIDE) | BIT(GCT_INTS) |
                              BIT(GCT_STR) | BIT(GCT_UNI), true);
  if (o < 0) return false;
  unsigned tid = tid_of(s, o);
  int32_t a[3] = {o, -1, -1}, off;
  armjit_type ty;
  if (data_field(s, tid, &off, &ty)) {
    a[1] = rt_g_operand(s, ty);
    rt_g_emit_op(s, ARMJIT_OP_SETFIELD_GC, ARMJIT_VOID, a, 2, field_descr(s, off, ty),
                 RT_K_PLAIN);
    return true;
  }
  a[1] = index_of(s, len_of(s, o));
  a[2] = rt_g_operand(s, ARMJIT_INT);
  rt_g_emit_op(s, item_op(tid, true), ARMJIT_VOID, a, 3, items_descr(s, tid), RT_K_PLAIN);
  return true;
}

static bool gen_load(gen *s) {
  int32_t o = pick_obj(s, ANY_TYPE, false);
  if (o < 0) return false;
  unsigned tid = tid_of(s, o);
  int32_t a[2] = {o, -1}, len = len_of(s, o), off;
  armjit_type ty;
  if (!has_items(tid)) {
    if (tid == GCT_PAIR || rt_chance(s->r, 40) || !data_field(s, tid, &off, &ty)) {
      int32_t d = field_descr(s, ref_field(s, tid), ARMJIT_REF);
      rt_g_emit_op(s, ARMJIT_OP_GETFIELD_GC, ARMJIT_REF, a, 1, d, RT_K_GCREF);
    } else {
      rt_g_emit_op(s, ARMJIT_OP_GETFIELD_GC, ty, a, 1, field_descr(s, off, ty), RT_K_PLAIN);
    }
    return true;
  }
  const gcm_type *gt = &gct_types[tid];
  if (len <= 0 || rt_chance(s->r, 25)) {
    armjit_opcode opc = gt->kind == GCM_ARRAY ? ARMJIT_OP_ARRAYLEN_GC
                        : gt->item == 1       ? ARMJIT_OP_STRLEN
                                              : ARMJIT_OP_UNICODELEN;
    rt_g_emit_op(s, opc, ARMJIT_INT, a, 1, items_descr(s, tid), RT_K_PLAIN);
    return true;
  }
  a[1] = index_of(s, len);
  bool ref = gt->kind == GCM_ARRAY && gt->ref_items;
  rt_g_emit_op(s, item_op(tid, false), ref ? ARMJIT_REF : ARMJIT_INT, a, 2, items_descr(s, tid),
               ref ? RT_K_GCREF : RT_K_PLAIN);
  return true;
}

/* call(gcm_collect, the collector), or cond_call of it. */
static void gen_collect(gen *s) {
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = RT_D_XCALL;
  d.u.xcall.sig = "r";
  d.u.xcall.res = 'v';
  int32_t di = descr(s, &d), l[3], n = 0;
  if (di < 0) return;
  bool cond = rt_chance(s->r, 50);
  if (cond) { /* taken about half the time, or per the int's bits */
    int32_t a[2] = {rt_g_operand(s, ARMJIT_INT), rt_g_int_const(s, 1 << rt_below(s->r, 4))};
    int32_t i = rt_chance(s->r, 50)
                    ? rt_g_emit_op(s, ARMJIT_OP_INT_AND, ARMJIT_INT, a, 2, -1, RT_K_PLAIN)
                    : -1;
    l[n++] = i >= 0 ? s->g->ops[i].res : a[0];
  }
  l[n++] = rt_g_sym_const(s, RT_SYM_COLLECT);
  l[n++] = rt_g_sym_const(s, RT_SYM_GCM);
  int32_t i = s->oom ? -1
                     : rt_add_op(s->g, cond ? ARMJIT_OP_COND_CALL : ARMJIT_OP_CALL, ARMJIT_VOID,
                                 NULL, 0, l, (uint32_t)n, 0);
  if (i < 0) s->oom = true;
  else s->g->ops[i].descr = di;
}

static void gen_guard(gen *s) {
  int32_t a[2];
  if (rt_chance(s->r, 50) && (a[0] = pick_obj(s, BIT(GCT_PAIR) | BIT(GCT_WIDE), false)) >= 0) {
    a[1] = class_const(s);
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_CLASS, a, 2, 0);
    return;
  }
  a[0] = gc_value(s);
  rt_g_emit_guard(s, rt_chance(s->r, 50) ? ARMJIT_OP_GUARD_NONNULL : ARMJIT_OP_GUARD_ISNULL, a,
                  1, 0);
}

/* zero_array on part of an array of known length. */
static bool gen_zero(gen *s) {
  int32_t o = pick_obj(s, BIT(GCT_REFS) | BIT(GCT_INTS), true);
  if (o < 0) return false;
  uint32_t len = (uint32_t)len_of(s, o), start = rt_below(s->r, len + 1);
  int32_t a[3] = {o, rt_g_int_const(s, (int32_t)start),
                  rt_g_int_const(s, (int32_t)rt_below(s->r, len - start + 1))};
  rt_g_emit_op(s, ARMJIT_OP_ZERO_ARRAY, ARMJIT_VOID, a, 3, items_descr(s, tid_of(s, o)),
               RT_K_PLAIN);
  return true;
}

/* cast_int_to_ptr(cast_ptr_to_int(o) + k): a raw pointer into o. */
static bool gen_raw(gen *s) {
  int32_t o = pick_obj(s, ANY_TYPE, false);
  if (o < 0) return false;
  static const int32_t offs[] = {0, 4, 8, GCM_FIELDS};
  int32_t i = rt_g_emit_op(s, ARMJIT_OP_CAST_PTR_TO_INT, ARMJIT_INT, &o, 1, -1, RT_K_PLAIN);
  if (i < 0) return false;
  int32_t a[2] = {s->g->ops[i].res, rt_g_int_const(s, offs[rt_below(s->r, N(offs))])};
  i = rt_g_emit_op(s, ARMJIT_OP_INT_ADD, ARMJIT_INT, a, 2, -1, RT_K_PLAIN);
  if (i < 0) return false;
  a[0] = s->g->ops[i].res;
  rt_g_emit_op(s, ARMJIT_OP_CAST_INT_TO_PTR, ARMJIT_REF, a, 1, -1, RT_K_RAW);
  return true;
}

bool rt_g_gc(gen *s) {
  static const armjit_opcode cmp[] = {ARMJIT_OP_PTR_EQ, ARMJIT_OP_PTR_NE,
                                      ARMJIT_OP_INSTANCE_PTR_EQ, ARMJIT_OP_INSTANCE_PTR_NE};
  uint32_t k = rt_below(s->r, 100);
  if (k < 25) { /* an allocation, or a burst of them */
    uint32_t n = rt_chance(s->r, 40) ? 2 + rt_below(s->r, 3) : 1;
    for (uint32_t j = 0; j < n && !s->oom; j++) gen_alloc(s);
    return true;
  }
  if (k < 42) return gen_store_ref(s);
  if (k < 52) return gen_store_data(s);
  if (k < 68) return gen_load(s);
  if (k < 76) { gen_collect(s); return true; }
  if (k < 80) {
    int32_t v = gc_value(s);
    rt_g_emit_op(s, ARMJIT_OP_KEEPALIVE, ARMJIT_VOID, &v, 1, -1, RT_K_PLAIN);
    return true;
  }
  if (k < 86) { gen_guard(s); return true; }
  if (k < 90) return gen_zero(s);
  if (k < 95) return gen_raw(s);
  int32_t a[2] = {gc_value(s), gc_value(s)};
  if (rt_chance(s->r, 15)) a[1] = a[0];
  rt_g_emit_op(s, cmp[rt_below(s->r, N(cmp))], ARMJIT_INT, a, 2, -1, RT_K_PLAIN);
  return true;
}
