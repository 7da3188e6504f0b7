/* SPDX-License-Identifier: MIT */
/* The error recorder (util/err.h) and its armjit_error forms (util/ctx.h). */
#include "util/err.h"
#include "util/ctx.h"

#include <stdio.h>

bool ajx_record(char *msg, size_t cap, bool keep, const char *prefix, const char *fmt,
                va_list ap) {
  if (keep || !msg || !cap) return false;
  size_t n = 0;
  if (prefix) {
    int k = snprintf(msg, cap, "%s: ", prefix);
    if (k < 0) k = 0;
    n = (size_t)k < cap ? (size_t)k : cap - 1;
  }
  if (vsnprintf(msg + n, cap - n, fmt, ap) < 0) msg[n] = 0;
  return true;
}

armjit_status ajx_errv(armjit_error *err, bool sticky, armjit_status code, int line,
                       int col, const char *prefix, const char *fmt, va_list ap) {
  if (err && ajx_record(err->msg, sizeof err->msg, sticky && err->code != ARMJIT_OK,
                        prefix, fmt, ap)) {
    err->code = code;
    err->line = line;
    err->col = col;
  }
  return code;
}

armjit_status ajx_err(armjit_error *err, armjit_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ajx_errv(err, false, code, 0, 0, NULL, fmt, ap);
  va_end(ap);
  return code;
}

armjit_status ajx_err_at(armjit_error *err, armjit_status code, int line, int col,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ajx_errv(err, false, code, line, col, NULL, fmt, ap);
  va_end(ap);
  return code;
}
