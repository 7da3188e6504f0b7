/* SPDX-License-Identifier: MIT */
/* Window markers for the counting plugin (count_plugin.c), for ARM guest
 * programs in C.  Each is a call to a small A32 function (the markers are
 * A32 encodings; the caller may be Thumb):
 *   count_start()   a window starts after this call's marker
 *   count_stop()    the window ends: the plugin records its count
 * Between the two markers a window also counts the return of count_start
 * and the call of count_stop: 2 instructions for an empty window, which
 * subtracting two windows (N and 2N iterations) cancels.
 * To start a window at an address of generated code instead, emit the
 * armed marker (orr r6, r6, r6; movw ip, #lo; movt ip, #hi) with the
 * assembler: bench/kernels.c does. */
#ifndef ARMJIT_BENCH_COUNT_MARKS_H
#define ARMJIT_BENCH_COUNT_MARKS_H

#if defined(__arm__)
__attribute__((noinline, target("arm"))) static void count_start(void) {
  __asm__ volatile(".inst 0xe1844004" ::: "memory"); /* orr r4, r4, r4 */
}
__attribute__((noinline, target("arm"))) static void count_stop(void) {
  __asm__ volatile(".inst 0xe1855005" ::: "memory"); /* orr r5, r5, r5 */
}
#endif

#endif
