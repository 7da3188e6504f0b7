/* SPDX-License-Identifier: MIT */
/* armjit/export.h — which declarations are the library's interface.
 *
 * The library is compiled with -fvisibility=hidden.  A function is exported
 * by libarmjit.so, and stays a global symbol of libarmjit.a, only when its
 * declaration lies between ARMJIT_API_BEGIN and ARMJIT_API_END.  The public
 * headers <armjit.h> and <armjit/a32.h> put those two around all their
 * declarations, so every function declared there is exported and nothing
 * else is, whatever its name: the internal headers under src/ never use
 * them.  (libarmjit.a is pre-linked into one object whose hidden symbols
 * are made local, so even its internal helpers cannot clash with a
 * program's own.)  Every exported name starts with armjit_ or a32_; a test
 * checks both libraries. */
#ifndef ARMJIT_EXPORT_H
#define ARMJIT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define ARMJIT_API_BEGIN _Pragma("GCC visibility push(default)")
#define ARMJIT_API_END _Pragma("GCC visibility pop")
#else
#define ARMJIT_API_BEGIN
#define ARMJIT_API_END
#endif

#endif
