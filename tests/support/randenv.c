/* SPDX-License-Identifier: MIT */
/* randenv: the arena and the helpers random traces call. */
#include "randenv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc_cases.h"
#include "randtrace.h"

#define ARENA_BYTES (RT_NOBJS * RT_OBJ_SIZE)

/* The GC input objects: old ones (their barrier flag set) and young ones,
 * young 2's next is young 3. */
static const struct {
  uint8_t tid;
  int8_t len;   /* arrays: the length; fixed types: -1 */
  bool old;
} gc_inputs[RT_NGCOBJS] = {
    {GCT_NODE, -1, true}, {GCT_REFS, 4, true}, {GCT_NODE, -1, false}, {GCT_NODE, -1, false},
    {GCT_PAIR, -1, true}, {GCT_WIDE, -1, false}, {GCT_INTS, 3, false}};

uint8_t rt_env_gc_kind(unsigned k) { return RT_K_GC(gc_inputs[k].tid, gc_inputs[k].len); }

bool rt_env_add_gc(rt_env *e, uint32_t window, unsigned every) {
  e->gc = malloc(sizeof *e->gc);
  if (!e->gc) return false;
  gcm_init(e->gc, gct_types, GCT_NTYPES, 1 << 16, 1 << 12, window, every);
  rt_env_reset(e);
  return true;
}

static void gc_reset(rt_env *e) {
  gcm *g = e->gc;
  gcm_reset(g);
  for (unsigned k = 0; k < RT_NGCOBJS; k++) {
    int32_t len = gc_inputs[k].len < 0 ? 0 : gc_inputs[k].len;
    e->gc_obj[k] = gc_inputs[k].old ? gcm_old(g, gc_inputs[k].tid, len)
                                     : gcm_new(g, gc_inputs[k].tid, len);
    uintptr_t cls = rt_env_class(k % RT_NCLASSES);
    if (gc_inputs[k].tid == GCT_PAIR || gc_inputs[k].tid == GCT_WIDE)
      memcpy((void *)(e->gc_obj[k] + GCM_CLASS_OFF), &cls, sizeof cls);
  }
  memcpy((void *)(e->gc_obj[2] + GCT_NEXT), &e->gc_obj[3], sizeof e->gc_obj[3]);
  int32_t v = 41;
  memcpy((void *)(e->gc_obj[3] + GCT_VALUE), &v, 4);
}

bool rt_env_init(rt_env *e, uint64_t seed) {
  memset(e, 0, sizeof *e);
  e->block = malloc(3 * ARENA_BYTES + 16);
  if (!e->block) return false;
  uintptr_t a = ((uintptr_t)e->block + 15) & ~(uintptr_t)15;
  e->arena = (uint8_t *)a;
  e->image = e->arena + ARENA_BYTES;
  e->after = e->image + ARENA_BYTES;
  e->seed = seed;
  rt_rng r;
  rt_rng_seed(&r, seed);
  for (size_t k = 0; k < ARENA_BYTES; k += 8) {
    uint64_t x = rt_next(&r);
    /* mostly small ints and plain doubles, so loads meet familiar values */
    switch (rt_below(&r, 4)) {
    case 0: x &= 0xff00ff; break;
    case 1: { double d = (double)(int32_t)rt_below(&r, 2001) - 1000.0; memcpy(&x, &d, 8); break; }
    default: break;
    }
    memcpy(e->image + k, &x, 8);
  }
  rt_env_reset(e);
  return true;
}

void rt_env_free(rt_env *e) {
  if (e->gc) gcm_fini(e->gc);
  free(e->gc);
  free(e->block);
  memset(e, 0, sizeof *e);
}

uintptr_t rt_env_obj(const rt_env *e, unsigned k) {
  return (uintptr_t)(e->arena + (size_t)k * RT_OBJ_SIZE);
}

uintptr_t rt_env_class(unsigned k) { return (uintptr_t)0x1000 * (k + 1); }

void rt_env_reset(rt_env *e) {
  /* links and classes hold arena addresses: written here, not in image */
  for (unsigned k = 0; k < RT_NOBJS; k++) {
    uintptr_t link = rt_env_obj(e, (k * 2 + 1) % RT_NOBJS), cls = rt_env_class(k % RT_NCLASSES);
    memcpy(e->image + (size_t)k * RT_OBJ_SIZE, &link, sizeof link);
    memcpy(e->image + (size_t)k * RT_OBJ_SIZE + RT_CLASS_OFFSET, &cls, sizeof cls);
  }
  memcpy(e->arena, e->image, ARENA_BYTES);
  if (e->gc) gc_reset(e);
}

/* Are the 8 bytes at k a NaN double in both images? */
static bool both_nan(const rt_env *e, size_t k) {
  double a, b;
  memcpy(&a, e->arena + k, 8);
  memcpy(&b, e->after + k, 8);
  return isnan(a) && isnan(b);
}

bool rt_env_same_memory(const rt_env *e, char *why, size_t n) {
  /* word by word: doubles need only 4-byte alignment, so a stored NaN
   * (any NaN is right) may start at any word */
  for (size_t k = 0; k < ARENA_BYTES; k += 4) {
    if (memcmp(e->arena + k, e->after + k, 4) == 0) continue;
    if (k + 8 <= ARENA_BYTES && both_nan(e, k)) { k += 4; continue; }
    if (k >= 4 && both_nan(e, k - 4)) continue;
    float fa, fb; /* a stored f32 NaN */
    memcpy(&fa, e->arena + k, 4);
    memcpy(&fb, e->after + k, 4);
    if (isnan(fa) && isnan(fb)) continue;
    if (why && n) {
      uint32_t x, y;
      memcpy(&x, e->after + k, 4);
      memcpy(&y, e->arena + k, 4);
      snprintf(why, n, "memory differs at obj%u+%u: 0x%08x (interpreter) vs 0x%08x",
               (unsigned)(k / RT_OBJ_SIZE), (unsigned)(k % RT_OBJ_SIZE), (unsigned)x,
               (unsigned)y);
    }
    return false;
  }
  return true;
}

void rt_env_options(armjit_options *o) { o->class_offset = RT_CLASS_OFFSET; }

/* ---- helpers: every argument feeds a hash; results are derived from it ---- */
typedef int32_t i32;
typedef uintptr_t ref;

static uint64_t mix(uint64_t h, uint64_t x) {
  h ^= x + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2);
  return h * UINT64_C(0xff51afd7ed558ccd);
}
static uint64_t dbits(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}
static i32 as_i32(uint64_t h) { return (i32)((h >> 13) & 0x7fffffff) - 0x40000000; }
static double as_f64(uint64_t h) { return (double)(int64_t)(h >> 20) / 1024.0; }
/* odd: a tagged word, which a collector leaves alone (GC traces hold
 * helpers' ref results across collections) */
static ref as_ref(uint64_t h) { return (ref)(uint32_t)(h >> 7) | 1u; }
#define I(x) h = mix(h, (uint32_t)(x))
#define R(x) h = mix(h, (uint64_t)(x))
/* NaNs hash alike: which NaN an op gives is unspecified */
#define F(x) h = mix(h, isnan(x) ? 1 : dbits(x))

static i32 h_ii(i32 a, i32 b) { uint64_t h = 1; I(a); I(b); return as_i32(h); }
static i32 h_6i(i32 a, i32 b, i32 c, i32 d, i32 e, i32 f) {
  uint64_t h = 2; I(a); I(b); I(c); I(d); I(e); I(f); return as_i32(h);
}
static double h_ff(double a, double b) { uint64_t h = 3; F(a); F(b); return as_f64(h); }
static double h_ifif(i32 a, double b, i32 c, double d) {
  uint64_t h = 4; I(a); F(b); I(c); F(d); return as_f64(h);
}
static i32 h_10f(double a, double b, double c, double d, double e, double f, double g,
                 double k, double l, double m) {
  uint64_t h = 5; F(a); F(b); F(c); F(d); F(e); F(f); F(g); F(k); F(l); F(m);
  return as_i32(h);
}
static ref h_mixr(ref a, double b, i32 c, double d, ref e, double f, i32 g) {
  uint64_t h = 6; R(a); F(b); I(c); F(d); R(e); F(f); I(g); return as_ref(h);
}
/* stores d into obj's data (8-byte slot i & 7) */
static void h_store(ref obj, i32 i, double d) {
  memcpy((void *)(obj + RT_DATA + (uintptr_t)(i & 7) * 8), &d, 8);
}
/* reads the int32 slot i & 15 of obj's data, mixes it with x */
static i32 h_load(ref obj, i32 i, i32 x) {
  i32 v;
  memcpy(&v, (const void *)(obj + RT_DATA + (uintptr_t)(i & 15) * 4), 4);
  uint64_t h = 7; I(v); I(x); return as_i32(h);
}
/* Exceptions are objects with a class word (guard_exception reads it):
 * these, the same in every run. */
typedef struct {
  unsigned char pad[RT_CLASS_OFFSET];
  uintptr_t cls;
} exc_obj;
static const exc_obj exc_objs[4] = {
    {{0}, 0x1000}, {{0}, 0x2000}, {{0}, 0x3000}, {{0}, 0x2000}}; /* rt_env_class */
static uintptr_t exc_of(uint32_t k) { return (uintptr_t)&exc_objs[k & 3]; }

static i32 h_raise(ref ctx, i32 a, double b) {
  uint64_t h = 8; I(a); F(b);
  if ((a & 3) == 1) armjit_raise((armjit_ctx *)ctx, exc_of((uint32_t)a >> 4));
  return as_i32(h);
}
static void h_force(ref token, i32 a) {
  if (token && (a & 1)) armjit_force(token);
}
static double h_both(ref ctx, ref token, double d, i32 a) {
  uint64_t h = 9; F(d); I(a);
  if (token && (a & 2)) armjit_force(token);
  if ((a & 12) == 4) armjit_raise((armjit_ctx *)ctx, exc_of((uint32_t)a >> 5));
  return as_f64(h);
}
static void h_void(void) {}
static double h_many(i32 a, double b, i32 c, i32 d, double e, ref f, double g, double k,
                     i32 l, double m, double n, double o, double p, ref q, i32 r, double s,
                     double t, i32 u, double v, i32 w) {
  uint64_t h = 10; I(a); F(b); I(c); I(d); F(e); R(f); F(g); F(k); I(l); F(m); F(n); F(o);
  F(p); R(q); I(r); F(s); F(t); I(u); F(v); I(w);
  return as_f64(h);
}
static ref h_rr(ref a) { uint64_t h = 11; R(a); return as_ref(h); }
/* i64 and f32 (traces with wide_pct): pairs after an odd word, singles
 * back-filled among doubles, 8-byte stack arguments */
static uint64_t sbits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}
#define L(x) h = mix(h, (uint64_t)(x) ^ 0x77)
#define S(x) h = mix(h, isnan(x) ? 2 : sbits(x))
static int64_t as_i64(uint64_t h) { return (int64_t)(h ^ (h >> 31)); }
static float as_f32(uint64_t h) { return (float)(int32_t)(h >> 36) / 8.0f; }
static int64_t h_lsfi(int64_t a, float b, double c, i32 d) {
  uint64_t h = 13; L(a); S(b); F(c); I(d); return as_i64(h);
}
static float h_sfsls(float a, double b, float c, int64_t d, float e) {
  uint64_t h = 14; S(a); F(b); S(c); L(d); S(e); return as_f32(h);
}
static double h_ilil6s(i32 a, int64_t b, i32 c, int64_t d, float e, float f, float g, float k,
                       float l, float m) {
  uint64_t h = 15; I(a); L(b); I(c); L(d); S(e); S(f); S(g); S(k); S(l); S(m);
  return as_f64(h);
}
static int64_t h_ll(int64_t a, int64_t b) { uint64_t h = 16; L(a); L(b); return as_i64(h); }
static i32 h_fi(double a) { uint64_t h = 12; F(a); return as_i32(h); }
/* Results whose descriptor keeps 1 or 2 bytes: the upper bits of the word
 * they return are noise that must not count. */
static i32 h_s8(i32 a) { uint64_t h = 17; I(a); return as_i32(h); }
static i32 h_u8(i32 a, double b) { uint64_t h = 18; I(a); F(b); return as_i32(h); }
static i32 h_s16(ref a, i32 b) { uint64_t h = 19; R(a); I(b); return as_i32(h); }
static i32 h_u16(i32 a) { uint64_t h = 20; I(a); return as_i32(h); }
/* Void helpers whose effect shows (cond_call's subjects): the hash of
 * their arguments stored into obj's data (8-byte slot i & 7), a raise. */
static void put_hash(ref obj, i32 i, uint64_t h) {
  memcpy((void *)(obj + RT_DATA + (uintptr_t)(i & 7) * 8), &h, 8);
}
static void h_vmix(ref obj, i32 i, double a, ref b, double c, i32 d, i32 e, double f) {
  uint64_t h = 21; I(i); F(a); R(b); F(c); I(d); I(e); F(f); put_hash(obj, i, h);
}
static void h_vwide(ref obj, int64_t a, float b, double c, int64_t d, i32 i) {
  uint64_t h = 22; L(a); S(b); F(c); L(d); I(i); put_hash(obj, i, h);
}
/* forces through a plain call (not call_may_force): what only a later
 * guard_not_forced_2 (or guard_not_forced) sees */
static void h_vforce(ref token, i32 a) {
  if (token && (a & 3) == 3) armjit_force(token);
}
static void h_vraise(ref ctx, i32 a) {
  if ((a & 3) == 2) armjit_raise((armjit_ctx *)ctx, exc_of((uint32_t)a >> 3));
}

typedef void (*fnptr)(void);
const rt_helper rt_helpers[] = {
    {"rt_h_ii", (fnptr)h_ii, "ii", 'i', 0},
    {"rt_h_6i", (fnptr)h_6i, "iiiiii", 'i', 0},
    {"rt_h_ff", (fnptr)h_ff, "ff", 'f', 0},
    {"rt_h_ifif", (fnptr)h_ifif, "ifif", 'f', 0},
    {"rt_h_10f", (fnptr)h_10f, "ffffffffff", 'i', 0},
    {"rt_h_mixr", (fnptr)h_mixr, "rfifrfi", 'r', 0},
    {"rt_h_store", (fnptr)h_store, "oif", 'v', RT_H_WRITES},
    {"rt_h_load", (fnptr)h_load, "oii", 'i', 0},
    {"rt_h_raise", (fnptr)h_raise, "cif", 'i', RT_H_RAISES},
    {"rt_h_force", (fnptr)h_force, "ti", 'v', RT_H_FORCES},
    {"rt_h_both", (fnptr)h_both, "ctfi", 'f', RT_H_RAISES | RT_H_FORCES},
    {"rt_h_void", (fnptr)h_void, "", 'v', 0},
    {"rt_h_many", (fnptr)h_many, "ifiifrffiffffriffifi", 'f', 0},
    {"rt_h_rr", (fnptr)h_rr, "r", 'r', 0},
    {"rt_h_fi", (fnptr)h_fi, "f", 'i', 0},
    {"rt_h_lsfi", (fnptr)h_lsfi, "lsfi", 'l', 0},
    {"rt_h_sfsls", (fnptr)h_sfsls, "sfsls", 's', 0},
    {"rt_h_ilil6s", (fnptr)h_ilil6s, "ililssssss", 'f', 0},
    {"rt_h_ll", (fnptr)h_ll, "ll", 'l', 0},
    {"rt_h_s8", (fnptr)h_s8, "i", 'i', RT_H_BYTE | RT_H_SIGNED},
    {"rt_h_u8", (fnptr)h_u8, "if", 'i', RT_H_BYTE},
    {"rt_h_s16", (fnptr)h_s16, "ri", 'i', RT_H_HALF | RT_H_SIGNED},
    {"rt_h_u16", (fnptr)h_u16, "i", 'i', RT_H_HALF},
    {"rt_h_vmix", (fnptr)h_vmix, "oifrfiif", 'v', RT_H_WRITES},
    {"rt_h_vwide", (fnptr)h_vwide, "olsfli", 'v', RT_H_WRITES},
    {"rt_h_vraise", (fnptr)h_vraise, "ci", 'v', RT_H_RAISES},
    {"rt_h_vforce", (fnptr)h_vforce, "ti", 'v', 0},
};
const unsigned rt_nhelpers = sizeof rt_helpers / sizeof rt_helpers[0];

uintptr_t rt_helper_addr(unsigned k) { return (uintptr_t)rt_helpers[k].fn; }

armjit_status rt_env_register(armjit_ctx *ctx) {
  armjit_status st = armjit_ctx_add_symbol(ctx, "rt_ctx", (uintptr_t)ctx);
  for (unsigned k = 0; k < rt_nhelpers && st == ARMJIT_OK; k++)
    st = armjit_ctx_add_symbol(ctx, rt_helpers[k].name, rt_helper_addr(k));
  return st;
}
