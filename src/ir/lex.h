/* SPDX-License-Identifier: MIT */
/* The one cursor of the text form (docs/ir.md §6.2, §10.3): everything
 * that reads text — trace lines, operands, descriptor declarations — reads
 * names, numbers, blanks and comma lists through it, and reports errors at
 * line:column through it. */
#ifndef ARMJIT_IR_LEX_H
#define ARMJIT_IR_LEX_H

#include "ir/ir_impl.h"

#include <string.h>

typedef struct {
  armjit_ctx *ctx;
  armjit_error *err;
  const char *p, *ls;   /* cursor, start of its line */
  uint32_t line;        /* 1-based */
} ir_lex;

/* ---- characters ------------------------------------------------------------ */
/* Per byte: IR_CH_ID0 (letter or '_'), IR_CH_ID (those and digits),
 * IR_CH_BLANK (space, tab, \r: the blanks ir_lex_ws skips), IR_CH_STRAY
 * (is_stray below). */
enum { IR_CH_ID0 = 1, IR_CH_ID = 2, IR_CH_BLANK = 4, IR_CH_STRAY = 8 };
extern const uint8_t ir_lex_chars[256];
static inline bool is_id0(char c) { return ir_lex_chars[(unsigned char)c] & IR_CH_ID0; }
static inline bool is_id(char c) { return ir_lex_chars[(unsigned char)c] & IR_CH_ID; }
static inline bool is_blank(char c) { return ir_lex_chars[(unsigned char)c] & IR_CH_BLANK; }
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
/* A byte no token of the text form contains or starts with: control
 * characters other than blanks and newline, DEL and non-ASCII bytes. */
static inline bool is_stray(char c) { return ir_lex_chars[(unsigned char)c] & IR_CH_STRAY; }

/* ---- the cursor -------------------------------------------------------------- */
/* Column (1-based, in bytes) of `at`, a pointer into the current line. */
static inline uint32_t ir_lex_col_of(const ir_lex *lx, const char *at) {
  return (uint32_t)(at - lx->ls) + 1;
}
static inline uint32_t ir_lex_col(const ir_lex *lx) { return ir_lex_col_of(lx, lx->p); }

/* Record an error at column `col` of the current line; returns code. */
armjit_status ir_lex_err(ir_lex *lx, armjit_status code, uint32_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
armjit_status ir_lex_nomem(ir_lex *lx);

/* Past a comment: '#' at p up to (not past) the newline or the end. */
const char *ir_lex_comment(const char *p);
/* Blanks (space, tab, \r: form feed and vertical tab are not blanks) and a
 * comment running to the end of the line; stops at the newline.  In line:
 * the text has a blank or none between most tokens. */
static inline void ir_lex_ws(ir_lex *lx) {
  const char *p = lx->p;
  while (is_blank(*p)) p++;
  if (*p == '#') p = ir_lex_comment(p);
  lx->p = p;
}
/* ir_lex_ws, then: at the end of the line or of the input? */
static inline bool ir_lex_at_eol(ir_lex *lx) {
  ir_lex_ws(lx);
  return *lx->p == '\n' || *lx->p == 0;
}
/* Past the next newline (the rest of the line is skipped). */
static inline void ir_lex_next_line(ir_lex *lx) {
  const char *p = lx->p;
  while (*p && *p != '\n') p++;
  if (*p == '\n') {
    p++;
    lx->line++;
    lx->ls = p;
  }
  lx->p = p;
}
/* Skip blank and comment-only lines; false at the end of the input. */
static inline bool ir_lex_next_content(ir_lex *lx) {
  for (;;) {
    ir_lex_ws(lx);
    if (*lx->p == 0) return false;
    if (*lx->p != '\n') return true;
    ir_lex_next_line(lx);
  }
}
/* What the cursor is looking at, for messages: "'x'", "byte 0xff", "the
 * end of the line", "the end of the input" (buf holds at least 16). */
const char *ir_lex_here(const ir_lex *lx, char *buf, size_t n);
/* The error of ir_lex_expect: "expected 'c' AFTER, got ..." at the cursor. */
armjit_status ir_lex_expected(ir_lex *lx, char c, const char *after);
/* After blanks, the character c (consumed), else an error "expected 'c'
 * AFTER, got ...". */
static inline armjit_status ir_lex_expect(ir_lex *lx, char c, const char *after) {
  ir_lex_ws(lx);
  if (*lx->p != c) return ir_lex_expected(lx, c, after);
  lx->p++;
  return ARMJIT_OK;
}
/* The error of ir_lex_name: the stray byte at `at`. */
armjit_status ir_lex_stray(ir_lex *lx, const char *at);
/* A name at the cursor: its length (0 if none) with the cursor left on it.
 * A name running into a stray byte ("i\xff") is an error at that byte
 * (*st set, 0 returned), so the byte is reported rather than whatever the
 * truncated name would mean. */
static inline size_t ir_lex_name(ir_lex *lx, armjit_status *st) {
  size_t n = ident_len(lx->p);
  *st = ARMJIT_OK;
  if (n && is_stray(lx->p[n])) {
    *st = ir_lex_stray(lx, lx->p + n);
    return 0;
  }
  return n;
}

/* The sign and base of a number at q: past a '-' (*neg) and a "0x"/"0X"
 * (*hex); returns where its digits start. */
static inline const char *ir_lex_sign_base(const char *q, bool *neg, bool *hex) {
  *neg = *q == '-';
  if (*neg) q++;
  *hex = q[0] == '0' && (q[1] == 'x' || q[1] == 'X');
  return *hex ? q + 2 : q;
}

/* The identifier at s (its length, 0 if none, as ident_len) and, in one
 * pass, the number it carries: *num is N for a name of one byte and a
 * decimal number N without leading zeros, at most 9 digits ("i0", "f12";
 * not "i012", "i", "x1y"), else -1.  That is how armjit_trace_to_string
 * names values (ir_varmap keys on it). */
static inline size_t ident_len_num(const char *s, int64_t *num) {
  *num = -1;
  if (!is_id0(s[0])) return 0;
  const unsigned char *q = (const unsigned char *)s + 1;
  uint32_t v = 0; /* wraps only past 9 digits, where it is not used */
  for (unsigned d; (d = (unsigned)*q - '0') <= 9; q++) v = v * 10 + d;
  size_t n = (size_t)((const char *)q - s);
  if (is_id(s[n])) {
    while (is_id(s[n])) n++;
  } else if (n >= 2 && n <= 10 && (s[1] != '0' || n == 2)) {
    *num = v;
  }
  return n;
}
/* ir_lex_name with *num as ident_len_num. */
static inline size_t ir_lex_name_num(ir_lex *lx, armjit_status *st, int64_t *num) {
  size_t n = ident_len_num(lx->p, num);
  *st = ARMJIT_OK;
  if (n && is_stray(lx->p[n])) {
    *st = ir_lex_stray(lx, lx->p + n);
    return 0;
  }
  return n;
}

/* The error of ir_lex_list after an item: "expected ',' or 'close' in
 * WHAT, got ..." at the cursor. */
armjit_status ir_lex_list_sep(ir_lex *lx, char close, const char *what);
/* A comma list after its opening bracket, up to and including `close`:
 * empty, or items separated by ','.  `item` reads one item at the cursor
 * (after blanks); errors "expected ',' or 'close' in WHAT, got ...".  In
 * line, so that a constant `item` is called directly. */
typedef armjit_status (*ir_lex_item_fn)(ir_lex *lx, void *ud);
static inline armjit_status ir_lex_list(ir_lex *lx, char close, const char *what,
                                        ir_lex_item_fn item, void *ud) {
  ir_lex_ws(lx);
  if (*lx->p == close) {
    lx->p++;
    return ARMJIT_OK;
  }
  for (;;) {
    armjit_status st = item(lx, ud);
    if (st != ARMJIT_OK) return st;
    ir_lex_ws(lx);
    if (*lx->p == ',') {
      lx->p++;
      ir_lex_ws(lx);
      continue;
    }
    if (*lx->p != close) return ir_lex_list_sep(lx, close, what);
    lx->p++;
    return ARMJIT_OK;
  }
}

/* Unsigned hex (hex: after "0x") or decimal digits at *q, at most `max`
 * (*range set when bigger); false when there is no digit. */
bool ir_lex_uint(const char **q, bool hex, uint64_t max, uint64_t *out, bool *range);

#endif
