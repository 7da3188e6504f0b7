/* SPDX-License-Identifier: MIT */
/* The cursor of the text form (lex.h). */
#include "ir/lex.h"

#include <stdarg.h>
#include <stdio.h>

#define ID0 (IR_CH_ID0 | IR_CH_ID)
#define ROW_AZ ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, \
               ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0, ID0
/* Stray: control bytes but NUL, tab, newline and \r; DEL; 0x80-0xff. */
#define S IR_CH_STRAY
#define ROW_S S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S
const uint8_t ir_lex_chars[256] = {
    [0x01] = S, S, S, S, S, S, S, S, /* 0x01-0x08 */
    ['\t'] = IR_CH_BLANK,
    [0x0b] = S, S,
    ['\r'] = IR_CH_BLANK,
    [0x0e] = S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, /* 0x0e-0x1f */
    [' '] = IR_CH_BLANK,
    ['0'] = IR_CH_ID, IR_CH_ID, IR_CH_ID, IR_CH_ID, IR_CH_ID,
            IR_CH_ID, IR_CH_ID, IR_CH_ID, IR_CH_ID, IR_CH_ID,
    ['A'] = ROW_AZ,
    ['_'] = ID0,
    ['a'] = ROW_AZ,
    [0x7f] = S,
    [0x80] = ROW_S, ROW_S, ROW_S, ROW_S, ROW_S, ROW_S, ROW_S, ROW_S,
};
#undef ROW_S
#undef S
#undef ROW_AZ
#undef ID0

armjit_status ir_lex_err(ir_lex *lx, armjit_status code, uint32_t col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ajx_errv(lx->err, false, code, (int)lx->line, (int)col, NULL, fmt, ap);
  va_end(ap);
  return code;
}

armjit_status ir_lex_nomem(ir_lex *lx) {
  return ir_lex_err(lx, ARMJIT_E_NOMEM, 0, "out of memory while parsing");
}

const char *ir_lex_comment(const char *p) {
  while (*p && *p != '\n') p++;
  return p;
}

const char *ir_lex_here(const ir_lex *lx, char *buf, size_t n) {
  char c = *lx->p;
  if (c == 0) return "the end of the input";
  if (c == '\n') return "the end of the line";
  if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
    snprintf(buf, n, "byte 0x%02x", (unsigned char)c);
  else
    snprintf(buf, n, "'%c'", c);
  return buf;
}

armjit_status ir_lex_expected(ir_lex *lx, char c, const char *after) {
  char b[16];
  return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "expected '%c' %s, got %s", c, after,
                    ir_lex_here(lx, b, sizeof b));
}

armjit_status ir_lex_stray(ir_lex *lx, const char *at) {
  return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col_of(lx, at), "unexpected byte 0x%02x",
                    (unsigned char)*at);
}

armjit_status ir_lex_list_sep(ir_lex *lx, char close, const char *what) {
  char b[16];
  return ir_lex_err(lx, ARMJIT_E_SYNTAX, ir_lex_col(lx), "expected ',' or '%c' in %s, got %s",
                    close, what, ir_lex_here(lx, b, sizeof b));
}

bool ir_lex_uint(const char **q, bool hex, uint64_t max, uint64_t *out, bool *range) {
  uint64_t v = 0;
  int nd = 0;
  *range = false;
  for (;; (*q)++, nd++) {
    int d = hex ? hexval(**q) : (is_digit(**q) ? **q - '0' : -1);
    if (d < 0) break;
    unsigned base = hex ? 16 : 10;
    if (v > (max - (uint64_t)d) / base) *range = true;
    else v = v * base + (uint64_t)d;
  }
  *out = v;
  return nd > 0;
}
