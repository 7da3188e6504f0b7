/* SPDX-License-Identifier: MIT */
/* tutorial.c — five minutes with armjit's raw assembler.
 *
 * Assembles  int sumsq(int n)  =  1*1 + 2*2 + ... + n*n  with a loop,
 * turns it into executable memory, prints its disassembly, calls it and
 * checks the answer against the same loop in C.
 *
 *   usage: tutorial [n]        (default n = 10)
 *
 * The function follows the AAPCS: argument in r0, result in r0, return
 * with bx lr; it touches only r0-r2, which a callee may clobber.  Ints
 * are passed the same way under hard- and soft-float, so the program works
 * in both ARM builds.  On a non-ARM host it stops after the disassembly. */
#include <stdio.h>
#include <stdlib.h>

#include "armjit.h"

static int emit_sumsq(a32_buf *b) {
  a32_label loop = a32_label_new(b), done = a32_label_new(b);
  /*   mov  r1, #0          acc = 0                 */
  a32_dp(b, A32_AL, A32_MOV, false, A32_R1, 0, a32_imm(0));
  /*   cmp  r0, #0          nothing to add if n <= 0 */
  a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R0, a32_imm(0));
  a32_b(b, A32_LE, done);
  /* loop:                                          */
  a32_label_bind(b, loop);
  /*   mla  r1, r0, r0, r1  acc += n * n            */
  a32_mul(b, A32_AL, A32_MLA, false, A32_R1, A32_R0, A32_R0, A32_R1);
  /*   subs r0, r0, #1      n -= 1, set flags       */
  a32_dp(b, A32_AL, A32_SUB, true, A32_R0, A32_R0, a32_imm(1));
  a32_b(b, A32_NE, loop);
  /* done:                                          */
  a32_label_bind(b, done);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_R1));
  a32_bx(b, A32_AL, A32_LR);
  /* Emitters never abort: the first error is kept in the buffer. */
  if (a32_buf_status(b) != A32_OK) {
    fprintf(stderr, "assembler: %s\n", a32_buf_errmsg(b));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  if (!ctx) {
    fprintf(stderr, "armjit_ctx_new: %s\n", err.msg);
    return 1;
  }
  unsigned feat = armjit_ctx_features(ctx);
  printf("target: %s-float ABI, features:%s%s%s%s\n",
         armjit_ctx_abi(ctx) == ARMJIT_ABI_HARD ? "hard" : "soft",
         feat & A32_FEAT_VFPV3 ? " vfpv3" : "", feat & A32_FEAT_D32 ? " d32" : "",
         feat & A32_FEAT_NEON ? " neon" : "", feat & A32_FEAT_IDIV ? " idiv" : "");

  /* 1. Assemble into a buffer (it grows as needed; memory from the
   *    context's allocator, instructions limited to the CPU's features). */
  a32_buf *b = armjit_buf_new(ctx, 0, 0);
  int rc = 1;
  armjit_code *code = NULL;
  if (emit_sumsq(b) != 0) goto out;

  /* 2. Copy it into executable memory (W^X, instruction cache flushed). */
  code = armjit_code_new(ctx, b, &err);
  if (!code) {
    fprintf(stderr, "armjit_code_new: %s\n", err.msg);
    goto out;
  }
  void *entry = armjit_code_entry(code);

  /* 3. Look at it. */
  printf("\nsumsq, %zu bytes:\n", armjit_code_size(code));
  armjit_disasm(entry, armjit_code_size(code), (uint32_t)(uintptr_t)entry, stdout);

  /* 4. Call it. */
  unsigned expect = 0; /* unsigned: wraps like the ARM code, no C overflow */
  for (int i = 1; i <= n; i++) expect += (unsigned)i * (unsigned)i;
#if defined(__arm__)
  int (*sumsq)(int) = (int (*)(int))(uintptr_t)entry;
  int got = sumsq(n);
  printf("\nsumsq(%d) = %d   (the same loop in C: %d)\n", n, got, (int)expect);
  rc = (unsigned)got == expect ? 0 : 1;
#else
  printf("\nsumsq(%d) should be %d, but this host is not ARM: the code cannot run here.\n"
         "Run the ARM build (make demo runs it under qemu-arm).\n", n, (int)expect);
  rc = 0;
#endif
out:
  armjit_code_free(code);
  a32_buf_free(b);
  armjit_ctx_free(ctx);
  return rc;
}
