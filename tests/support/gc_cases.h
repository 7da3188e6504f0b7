/* SPDX-License-Identifier: MIT */
/* gc_cases.h — the tests' object types for the moving collector
 * (gc_model.h), the descriptor declarations that describe them in the
 * text form, and a context whose GC descriptor is the collector's. */
#ifndef ARMJIT_TESTS_GC_CASES_H
#define ARMJIT_TESTS_GC_CASES_H

#include "gc_model.h"

#include <stdint.h>
#include <string.h>

/* Type ids (0 is no type: a zeroed word is never a valid header). */
enum {
  GCT_NODE = 1,   /* value (int) at GCT_VALUE, next (ref) at GCT_NEXT */
  GCT_PAIR,       /* two refs: GCT_LEFT, GCT_RIGHT */
  GCT_REFS,       /* an array of refs */
  GCT_INTS,       /* an array of 4-byte ints */
  GCT_STR,        /* a str (1-byte characters) */
  GCT_UNI,        /* a unicode (4-byte characters) */
  GCT_BIG,        /* 6 words, a ref in the last (GCT_BIG_REF), an int first */
  GCT_WIDE,       /* a float, an i64, an f32, an int and a ref (GCT_WIDE_*) */
  GCT_NTYPES
};
#define GCT_VALUE GCM_FIELDS
#define GCT_NEXT (GCM_FIELDS + GCM_P)
#define GCT_LEFT GCM_FIELDS
#define GCT_RIGHT (GCM_FIELDS + GCM_P)
#define GCT_BIG_REF (GCM_FIELDS + 5 * GCM_P)
#define GCT_WIDE_F GCM_FIELDS
#define GCT_WIDE_L (GCM_FIELDS + 8)
#define GCT_WIDE_S (GCM_FIELDS + 16)
#define GCT_WIDE_I (GCM_FIELDS + 20)
#define GCT_WIDE_REF (GCM_FIELDS + 24)

extern const gcm_type gct_types[GCT_NTYPES];
/* The size new() takes for a fixed type. */
uint32_t gct_size(uint32_t tid);

/* Descriptor declarations for the types (text form, one per line):
 * V (node value), N (node next), PL / PR (pair), A (ref array items),
 * I (int array items), S (str), U (unicode), B (big's ref), W (big's int),
 * and C, a call(args=[ref]) descriptor for gcm_collect.  Returns buf. */
const char *gct_decls(char *buf, size_t n);

/* A context with g's GC descriptor (and class_offset GCM_CLASS_OFF), the
 * symbol gcm_collect registered; g is attached to it. */
armjit_ctx *gct_ctx(gcm *g, unsigned flags, armjit_abi abi);

/* Fields of an object at address p (byte offset off), read without
 * alignment assumptions. */
static inline uintptr_t gct_rd_ref(uintptr_t p, int32_t off) {
  uintptr_t v;
  memcpy(&v, (const void *)(p + (uintptr_t)off), sizeof v);
  return v;
}
static inline int32_t gct_rd_i32(uintptr_t p, int32_t off) {
  int32_t v;
  memcpy(&v, (const void *)(p + (uintptr_t)off), 4);
  return v;
}

#endif
