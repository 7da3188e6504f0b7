/* SPDX-License-Identifier: MIT */
/* Character-level helpers of the text parsers (parse.c for ops,
 * parse_descr.c for descriptors), kept in one place so both read names,
 * numbers and blanks alike. */
#ifndef ARMJIT_IR_LEX_H
#define ARMJIT_IR_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline bool is_id0(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static inline bool is_id(char c) { return is_id0(c) || (c >= '0' && c <= '9'); }
static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
/* Value of a hex digit, -1 if c is not one. */
static inline int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
/* Length of the identifier at s, 0 if none starts there. */
static inline size_t ident_len(const char *s) {
  size_t n = 0;
  if (!is_id0(s[0])) return 0;
  while (is_id(s[n])) n++;
  return n;
}
/* Is s[0..n) exactly the word w? */
static inline bool word_is(const char *s, size_t n, const char *w) {
  return strlen(w) == n && memcmp(s, w, n) == 0;
}
/* Advance *p over blanks: spaces, tabs and \r (docs/ir.md §6.2; form feed
 * and vertical tab are not blanks).  Newlines (which end statements) and
 * comments are the caller's business. */
static inline void skip_blanks(const char **p) {
  while (**p == ' ' || **p == '\t' || **p == '\r') (*p)++;
}
/* A byte no token of the text form contains or starts with: control
 * characters other than blanks and newline, DEL and non-ASCII bytes. */
static inline bool is_stray(char c) {
  unsigned char u = (unsigned char)c;
  return (u < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != 0) || u >= 0x7f;
}

#endif
