/* SPDX-License-Identifier: MIT */
/* bf: a Brainfuck implementation on armjit's trace JIT.
 *
 * The program is parsed into runs (+++ is one "add 3", >> one "move 2")
 * and interpreted; every innermost loop (a [ ... ] with no loop inside)
 * is compiled to an armjit loop the first time it is entered and runs as
 * machine code from then on.  Outer loops stay interpreted.
 *
 * Conventions: a tape of BF_TAPE cells of 8 bits that wrap around, the
 * pointer starts at cell 0 and must stay on the tape (an error otherwise),
 * ',' stores 0 at the end of the input.
 */
#ifndef BF_H
#define BF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BF_TAPE 30000

typedef struct {
  unsigned loops_compiled;   /* innermost loops compiled */
  uint64_t loop_entries;     /* times compiled code was entered */
  uint64_t compiled_iters;   /* iterations run by compiled loops */
  uint64_t interp_ops;       /* (run-length) ops interpreted */
} bf_stats;

/* Run src on tape (BF_TAPE cells, zeroed by the caller) with the given
 * input, writing output to out.  jit = false: interpret only.  Returns 0,
 * or -1 with a message in err (unbalanced brackets, pointer off the tape,
 * armjit failure). */
int bf_run(const char *src, unsigned char *tape, const unsigned char *input, size_t ninput,
           FILE *out, bool jit, bf_stats *stats, char *err, size_t errlen);

#endif
