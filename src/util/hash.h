/* SPDX-License-Identifier: MIT */
/* The library's one hash of byte strings: 32-bit FNV-1a.  Used by every
 * open-addressing table keyed by bytes (symbol names, the parser's names,
 * the deduplicated recovery strings of exits); tables take the low bits. */
#ifndef ARMJIT_UTIL_HASH_H
#define ARMJIT_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t ajx_hash(const void *p, size_t n) {
  const unsigned char *s = p;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
  return h;
}

#endif
