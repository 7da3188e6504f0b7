/* SPDX-License-Identifier: MIT */
/* A foreign frame between module frames (exc2a.mir's uncaught test): the
 * unwinder stops at it, calls the last module's exc_uncaught and returns
 * into it as from the module function it called.  Not a tail call, so the
 * frame exists. */
int c_call(int (*f)(int), int x) { return f(x) + 1; }
