/* SPDX-License-Identifier: MIT */
/* randtrace: memory ops on arena objects and calls of randenv's helpers.
 *
 * Every access stays inside an object's data (randenv.h): offsets are
 * chosen inside it and variable indices are masked with int_and right
 * before use (a shrinker that zeroes an index keeps it in range).  Only
 * object refs (RT_K_OBJ) are dereferenced or stored into links.  In GC
 * traces a ref read from an object's data is any word, no GC reference:
 * it is read with the raw ops (their results stay out of the GC maps) and
 * is RT_K_RAW. */
#include <stdlib.h>
#include <string.h>

#include "randenv.h"
#include "randtrace.h"
#include "randtrace_impl.h"

#define PTR ((uint32_t)sizeof(void *))
#define DATA_BYTES ((uint32_t)(RT_OBJ_SIZE - RT_DATA))

static int32_t add_descr(rt_gen *s, const rt_descr *d) {
  int32_t k = rt_add_descr(s->g, d);
  if (k < 0) s->oom = true;
  return k;
}

static armjit_type mem_type(rt_gen *s) {
  if (s->c->wide_pct && rt_chance(s->r, s->c->wide_pct))
    return rt_chance(s->r, 50) ? ARMJIT_I64 : ARMJIT_F32;
  uint32_t k = rt_below(s->r, 100);
  return k < 50 ? ARMJIT_INT : k < 80 ? ARMJIT_FLOAT : ARMJIT_REF;
}

/* A value layout: size in memory (as the descriptor gives it: 0 = natural
 * for refs and floats, sometimes), real size, alignment, sign. */
typedef struct {
  uint32_t dsize, size, align;
  bool sgn;
} layout;

static layout rand_layout(rt_gen *s, armjit_type ty) {
  layout l = {0, 0, 0, false};
  if (ty == ARMJIT_INT) {
    static const uint32_t sz[] = {1, 2, 4};
    l.size = l.dsize = sz[rt_below(s->r, 3)];
    l.align = l.size;
    l.sgn = rt_chance(s->r, 50);
  } else {
    l.size = ty == ARMJIT_REF ? PTR : ty == ARMJIT_F32 ? 4 : 8;
    l.dsize = rt_chance(s->r, 50) ? 0 : l.size;
    l.align = ty == ARMJIT_REF ? PTR : 4; /* doubles and i64s need only word alignment */
  }
  return l;
}

/* A random aligned offset in [lo, lo + span - size]. */
static int32_t rand_offset(rt_gen *s, uint32_t lo, uint32_t span, const layout *l) {
  return (int32_t)(lo + l->align * rt_below(s->r, (span - l->size) / l->align + 1));
}

/* Largest 2^k - 1 with 2^k <= n (n >= 1). */
static uint32_t mask_below(uint32_t n) {
  uint32_t m = 1;
  while (m * 2 <= n) m *= 2;
  return m - 1;
}

/* An index in [0, mask]: a constant, or int_and(x, mask) emitted now. */
static int32_t index_operand(rt_gen *s, uint32_t mask, uint32_t step) {
  if (rt_chance(s->r, 35)) return rt_g_int_const(s, (int32_t)(step * rt_below(s->r, mask / step + 1)));
  int32_t a[2] = {rt_g_operand(s, ARMJIT_INT), rt_g_int_const(s, (int32_t)(mask & ~(step - 1)))};
  int32_t i = rt_g_emit_op(s, ARMJIT_OP_INT_AND, ARMJIT_INT, a, 2, -1, RT_K_PLAIN);
  return i < 0 ? rt_g_int_const(s, 0) : s->g->ops[i].res;
}

static int32_t obj_operand(rt_gen *s) { return rt_g_pick_obj(s, s->c->live + 4); }

/* In GC traces: is a ref of type ty read from data a raw one? */
static bool raw_ref(const rt_gen *s, armjit_type ty) { return s->c->gc_pct && ty == ARMJIT_REF; }

static void load_or_store(rt_gen *s, armjit_opcode ld, armjit_opcode st, armjit_type ty,
                          int32_t *a, uint32_t na, int32_t descr) {
  if (descr < 0) return;
  if (rt_chance(s->r, 50)) {
    rt_g_emit_op(s, ld, ty, a, na, descr, raw_ref(s, ty) ? RT_K_RAW : RT_K_PLAIN);
  } else {
    a[na] = rt_g_operand(s, ty);
    rt_g_emit_op(s, st, ARMJIT_VOID, a, na + 1, descr, RT_K_PLAIN);
  }
}

static void gen_field(rt_gen *s, int32_t obj) {
  bool gc = rt_chance(s->r, 50);
  armjit_opcode ld = gc ? ARMJIT_OP_GETFIELD_GC : ARMJIT_OP_GETFIELD_RAW;
  armjit_opcode st = gc ? ARMJIT_OP_SETFIELD_GC : ARMJIT_OP_SETFIELD_RAW;
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = RT_D_FIELD;
  int32_t a[RT_MAXA] = {obj};
  uint32_t k = rt_below(s->r, 100);
  if (k < 20) { /* the link: objects in, objects out */
    d.u.field = (armjit_field_descr){0, rt_chance(s->r, 50) ? 0 : PTR, false, ARMJIT_REF};
    int32_t di = add_descr(s, &d);
    if (di < 0) return;
    if (rt_chance(s->r, 60)) {
      rt_g_emit_op(s, ld, ARMJIT_REF, a, 1, di, RT_K_OBJ);
    } else {
      a[1] = obj_operand(s);
      rt_g_emit_op(s, st, ARMJIT_VOID, a, 2, di, RT_K_PLAIN);
    }
    return;
  }
  if (k < 28) { /* the class word: read only */
    d.u.field = (armjit_field_descr){RT_CLASS_OFFSET, 0, false, ARMJIT_REF};
    int32_t di = add_descr(s, &d);
    if (di >= 0) rt_g_emit_op(s, ld, ARMJIT_REF, a, 1, di, RT_K_PLAIN);
    return;
  }
  armjit_type ty = mem_type(s);
  layout l = rand_layout(s, ty);
  d.u.field = (armjit_field_descr){rand_offset(s, RT_DATA, DATA_BYTES, &l), l.dsize, l.sgn, ty};
  if (raw_ref(s, ty)) {
    ld = ARMJIT_OP_GETFIELD_RAW;
    st = ARMJIT_OP_SETFIELD_RAW;
  }
  load_or_store(s, ld, st, ty, a, 1, add_descr(s, &d));
}

static void gen_array(rt_gen *s, int32_t obj) {
  armjit_type ty = mem_type(s);
  layout l = rand_layout(s, ty);
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = RT_D_ARRAY;
  uint32_t base = RT_DATA + 8 * rt_below(s->r, 3);
  bool has_len = rt_chance(s->r, 40);
  d.u.array = (armjit_array_descr){(int32_t)base, l.dsize, l.sgn, ty, has_len,
                                   (int32_t)(RT_DATA + 4 * rt_below(s->r, 4))};
  int32_t di = add_descr(s, &d);
  if (di < 0) return;
  int32_t a[RT_MAXA] = {obj};
  uint32_t k = rt_below(s->r, 100);
  if (has_len && k < 15) {
    rt_g_emit_op(s, ARMJIT_OP_ARRAYLEN_GC, ARMJIT_INT, a, 1, di, RT_K_PLAIN);
  } else if (k < 25) { /* zero_array: start + n stays below the capacity */
    uint32_t half = (RT_OBJ_SIZE - base) / l.size / 2;
    static const int32_t odd_n[] = {0, -1, INT32_MIN};
    a[1] = index_operand(s, mask_below(half), 1);
    a[2] = rt_chance(s->r, 15) ? rt_g_int_const(s, odd_n[rt_below(s->r, 3)])
                               : index_operand(s, mask_below(half), 1);
    rt_g_emit_op(s, ARMJIT_OP_ZERO_ARRAY, ARMJIT_VOID, a, 3, di, RT_K_PLAIN);
  } else if (k < 35) { /* raw: the index is an aligned byte offset */
    uint32_t span = RT_OBJ_SIZE - base - l.size;
    a[1] = index_operand(s, mask_below(span + 1), l.align);
    load_or_store(s, ARMJIT_OP_RAW_LOAD, ARMJIT_OP_RAW_STORE, ty, a, 2, di);
  } else {
    bool gc = rt_chance(s->r, 50) && !raw_ref(s, ty);
    a[1] = index_operand(s, mask_below((RT_OBJ_SIZE - base) / l.size), 1);
    load_or_store(s, gc ? ARMJIT_OP_GETARRAYITEM_GC : ARMJIT_OP_GETARRAYITEM_RAW,
                  gc ? ARMJIT_OP_SETARRAYITEM_GC : ARMJIT_OP_SETARRAYITEM_RAW, ty, a, 2, di);
  }
}

static void gen_interior(rt_gen *s, int32_t obj) {
  static const uint32_t items[] = {12, 16, 20, 24};
  uint32_t item = items[rt_below(s->r, 4)];
  armjit_type ty = mem_type(s);
  layout l = rand_layout(s, ty);
  if (l.size > item || raw_ref(s, ty)) return; /* no raw op reads an interior ref */
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = RT_D_INTERIOR;
  bool has_len = rt_chance(s->r, 40);
  d.u.interior = (armjit_interior_descr){RT_DATA, item, has_len, RT_DATA + 4,
                                         rand_offset(s, 0, item, &l), l.dsize, l.sgn, ty};
  int32_t di = add_descr(s, &d);
  if (di < 0) return;
  int32_t a[RT_MAXA] = {obj};
  if (has_len && rt_chance(s->r, 15)) {
    rt_g_emit_op(s, ARMJIT_OP_ARRAYLEN_GC, ARMJIT_INT, a, 1, di, RT_K_PLAIN);
    return;
  }
  a[1] = index_operand(s, mask_below(DATA_BYTES / item), 1);
  load_or_store(s, ARMJIT_OP_GETINTERIORFIELD_GC, ARMJIT_OP_SETINTERIORFIELD_GC, ty, a, 2, di);
}

/* str (item 1) or unicode (item 2 or 4) at base 24 or 32, length at 16 or
 * 20; characters masked so that base + 2 * mask * item stays inside. */
static void gen_string(rt_gen *s, int32_t obj) {
  bool uni = rt_chance(s->r, 40);
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = uni ? RT_D_UNICODE : RT_D_STR;
  uint32_t item = uni ? (rt_chance(s->r, 50) ? 2 : 4) : 1;
  d.u.str = (armjit_str_descr){24 + 8 * (int32_t)rt_below(s->r, 2), item,
                               16 + 4 * (int32_t)rt_below(s->r, 2)};
  int32_t di = add_descr(s, &d);
  if (di < 0) return;
  uint32_t mask = uni ? 7 : 31; /* per index: copies add two of them */
  int32_t a[RT_MAXA] = {obj};
  uint32_t k = rt_below(s->r, 100);
  if (k < 15) {
    rt_g_emit_op(s, uni ? ARMJIT_OP_UNICODELEN : ARMJIT_OP_STRLEN, ARMJIT_INT, a, 1, di,
                 RT_K_PLAIN);
  } else if (k < 45) {
    a[1] = index_operand(s, mask, 1);
    rt_g_emit_op(s, uni ? ARMJIT_OP_UNICODEGETITEM : ARMJIT_OP_STRGETITEM, ARMJIT_INT, a, 2,
                 di, RT_K_PLAIN);
  } else if (k < 75) {
    a[1] = index_operand(s, mask, 1);
    a[2] = rt_g_operand(s, ARMJIT_INT);
    rt_g_emit_op(s, uni ? ARMJIT_OP_UNICODESETITEM : ARMJIT_OP_STRSETITEM, ARMJIT_VOID, a, 3,
                 di, RT_K_PLAIN);
  } else { /* copy(src, dst, srcstart, dststart, n), overlap allowed */
    a[1] = rt_chance(s->r, 30) ? obj : obj_operand(s);
    a[2] = index_operand(s, mask, 1);
    a[3] = index_operand(s, mask, 1);
    static const int32_t odd_n[] = {0, -1, -100, INT32_MIN};
    a[4] = rt_chance(s->r, 15) ? rt_g_int_const(s, odd_n[rt_below(s->r, 4)])
                               : index_operand(s, mask, 1);
    rt_g_emit_op(s, uni ? ARMJIT_OP_COPYUNICODECONTENT : ARMJIT_OP_COPYSTRCONTENT,
                 ARMJIT_VOID, a, 5, di, RT_K_PLAIN);
  }
}

static void gen_class_guard(rt_gen *s, int32_t obj) {
  armjit_value c;
  memset(&c, 0, sizeof c);
  c.r = rt_env_class(rt_below(s->r, RT_NCLASSES));
  int32_t a[2] = {obj, rt_g_const(s, ARMJIT_REF, c)};
  if (rt_chance(s->r, 50)) {
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_CLASS, a, 2, 0);
  } else {
    if (rt_chance(s->r, 10)) a[0] = rt_g_const(s, ARMJIT_REF, (armjit_value){.bits = 0});
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_NONNULL_CLASS, a, 2, 0);
  }
}

bool rt_g_mem(rt_gen *s) {
  int32_t obj = obj_operand(s);
  if (obj < 0) return false;
  uint32_t k = rt_below(s->r, 100);
  if (k < 30) gen_field(s, obj);
  else if (k < 50) gen_array(s, obj);
  else if (k < 62) gen_interior(s, obj);
  else if (k < 84) gen_string(s, obj);
  else if (k < 92) gen_class_guard(s, obj);
  else if (k < 96) rt_g_emit_op(s, ARMJIT_OP_SAME_AS, ARMJIT_REF, &obj, 1, -1, RT_K_OBJ);
  else {
    int32_t a[2] = {obj, obj_operand(s)};
    rt_g_emit_op(s, rt_chance(s->r, 50) ? ARMJIT_OP_PTR_EQ : ARMJIT_OP_PTR_NE, ARMJIT_INT, a,
                 2, -1, RT_K_PLAIN);
  }
  return true;
}

/* ---- calls ------------------------------------------------------------------ */
static int32_t call_descr(rt_gen *s, unsigned h) {
  for (uint32_t k = 0; k < s->g->ndescrs; k++)
    if (s->g->descrs[k].kind == RT_D_CALL && s->g->descrs[k].u.helper == h) return (int32_t)k;
  rt_descr d;
  memset(&d, 0, sizeof d);
  d.kind = RT_D_CALL;
  d.u.helper = h;
  return add_descr(s, &d);
}

static armjit_type res_of(char c) {
  switch (c) {
  case 'i': return ARMJIT_INT;
  case 'r': return ARMJIT_REF;
  case 'f': return ARMJIT_FLOAT;
  case 'l': return ARMJIT_I64;
  case 's': return ARMJIT_F32;
  default: return ARMJIT_VOID;
  }
}

bool rt_g_call(rt_gen *s) {
  unsigned h = rt_below(s->r, rt_nhelpers);
  const rt_helper *hp = &rt_helpers[h];
  if (strchr(hp->sig, 'o') && rt_g_pick_obj(s, s->navail) < 0) return false;
  if (!s->c->wide_pct && (strpbrk(hp->sig, "ls") || strchr("ls", hp->res))) return false;
  int32_t di = call_descr(s, h);
  if (di < 0) return false;
  /* a void call may be a cond_call: its condition goes first; an int or
   * ref one a cond_call_value: its value goes first (0 or null: the call) */
  bool cond = hp->res == 'v' && !(hp->flags & RT_H_FORCES) && rt_chance(s->r, 60);
  bool valued = (hp->res == 'i' || hp->res == 'r') && !(hp->flags & RT_H_FORCES) &&
                rt_chance(s->r, 30);
  int32_t c = -1;
  if (valued) {
    armjit_type vt = res_of(hp->res);
    uint32_t k = rt_below(s->r, 10);
    c = k < 3 ? rt_g_const(s, vt, (armjit_value){.bits = 0})  /* always called */
        : k < 4 && vt == ARMJIT_INT ? rt_g_int_const(s, 1 + (int32_t)rt_below(s->r, 9))
                                    : rt_g_operand(s, vt);
    cond = true;
  } else if (cond) {
    uint32_t k = rt_below(s->r, 10);
    if (k < 2) {
      c = rt_g_int_const(s, (int32_t)(k & 1) * (int32_t)(1 + rt_below(s->r, 5)));
    } else if (k < 6) { /* taken about half the time */
      int32_t a[2] = {rt_g_operand(s, ARMJIT_INT), rt_g_int_const(s, 1 << rt_below(s->r, 4))};
      int32_t i = rt_g_emit_op(s, ARMJIT_OP_INT_AND, ARMJIT_INT, a, 2, -1, RT_K_PLAIN);
      c = i < 0 ? rt_g_int_const(s, 0) : s->g->ops[i].res;
    } else {
      c = rt_g_operand(s, ARMJIT_INT);
    }
  }
  uint32_t n = (uint32_t)strlen(hp->sig) + 1 + cond;
  int32_t *l0 = malloc(n * sizeof *l0);
  if (!l0) { s->oom = true; return false; }
  if (cond) l0[0] = c;
  int32_t *l = l0 + cond;
  n -= cond;
  l[0] = rt_g_sym_const(s, (int32_t)h + 1);
  if (rt_chance(s->r, 15)) { /* the target in a register */
    int32_t i = rt_g_emit_op(s, ARMJIT_OP_SAME_AS, ARMJIT_REF, l, 1, -1, RT_K_FN);
    if (i >= 0) l[0] = s->g->ops[i].res;
  }
  for (uint32_t k = 1; k < n && !s->oom; k++) {
    switch (hp->sig[k - 1]) {
    case 'i': l[k] = rt_g_operand(s, ARMJIT_INT); break;
    case 'f': l[k] = rt_g_operand(s, ARMJIT_FLOAT); break;
    case 'r': l[k] = rt_g_operand(s, ARMJIT_REF); break;
    case 'l': l[k] = rt_g_operand(s, ARMJIT_I64); break;
    case 's': l[k] = rt_g_operand(s, ARMJIT_F32); break;
    case 'o': l[k] = obj_operand(s); break;
    case 'c': l[k] = rt_g_sym_const(s, RT_SYM_CTX); break;
    default: { /* 't': a fresh force token */
      int32_t i = rt_g_emit_op(s, ARMJIT_OP_FORCE_TOKEN, ARMJIT_REF, NULL, 0, -1, RT_K_TOKEN);
      l[k] = i >= 0 ? s->g->ops[i].res : rt_g_const(s, ARMJIT_REF, (armjit_value){.bits = 0});
      break;
    }
    }
  }
  armjit_opcode opc = valued ? ARMJIT_OP_COND_CALL_VALUE
                     : cond ? ARMJIT_OP_COND_CALL
                     : hp->flags & RT_H_FORCES ? ARMJIT_OP_CALL_MAY_FORCE : ARMJIT_OP_CALL;
  int32_t i = s->oom ? -1 : rt_add_op(s->g, opc, res_of(hp->res), NULL, 0, l0, n + cond, 0);
  free(l0);
  if (i < 0) { s->oom = true; return false; }
  s->g->ops[i].descr = di;
  if (s->g->ops[i].res >= 0) rt_g_avail_push(s, s->g->ops[i].res);
  if (hp->flags & RT_H_FORCES) rt_g_emit_guard(s, ARMJIT_OP_GUARD_NOT_FORCED, NULL, 0, 0);
  else if (strchr(hp->sig, 't') && rt_chance(s->r, 60)) /* a plain call that may force */
    rt_g_emit_guard(s, ARMJIT_OP_GUARD_NOT_FORCED_2, NULL, 0, 0);
  if ((hp->flags & RT_H_RAISES) && rt_chance(s->r, 75) && !s->oom) {
    if (rt_chance(s->r, 50)) {
      rt_g_emit_guard(s, ARMJIT_OP_GUARD_NO_EXCEPTION, NULL, 0, 0);
    } else { /* catch one class: the exception value is a ref result */
      armjit_value cls = {.bits = 0};
      cls.r = rt_env_class(rt_below(s->r, RT_NCLASSES));
      int32_t a[1] = {rt_g_const(s, ARMJIT_REF, cls)};
      rt_g_emit_guard(s, ARMJIT_OP_GUARD_EXCEPTION, a, 1, 0);
      int32_t v = s->oom ? -1 : rt_new_val(s->g, ARMJIT_REF);
      if (v < 0) { s->oom = true; return false; }
      rt_op *op = &s->g->ops[s->g->nops - 1];
      op->res = v;
      op->rtype = ARMJIT_REF;
      rt_g_avail_push(s, v);
    }
  }
  return true;
}
