/* SPDX-License-Identifier: MIT */
/* The library's one error recorder.  Every layer reports a problem the same
 * way: a status code plus a printf-style message in a fixed buffer owned by
 * whatever is being built (an assembler buffer, a compile, a trace, an
 * armjit_error), and the first problem wins: a sticky recorder keeps it
 * until its owner clears it, because later failures usually follow from it.
 *
 * This header needs nothing but the C library, so the lowest layer (the
 * raw assembler) can record through it too; the armjit_error forms are in
 * util/ctx.h. */
#ifndef ARMJIT_UTIL_ERR_H
#define ARMJIT_UTIL_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Write "PREFIX: MESSAGE" (just MESSAGE when prefix is NULL) into
 * msg[0..cap), truncated to fit and always terminated, and return true; or,
 * when `keep` (an error is already recorded there and errors are sticky),
 * change nothing and return false.  The caller stores its status code
 * exactly when this returns true. */
bool ajx_record(char *msg, size_t cap, bool keep, const char *prefix, const char *fmt,
                va_list ap);

#endif
