/* SPDX-License-Identifier: MIT */
/* The program the gdb test runs under qemu-arm -g: it compiles a loop that
 * calls jit_probe_helper on every iteration and runs it.  The test breaks
 * in the helper and checks the backtrace: helper, the loop, armjit_run,
 * main.  Exits 0 when the loop returned the expected values. */
#include <stdio.h>
#include <string.h>

#include "armjit.h"

/* Called from compiled code; noinline so the breakpoint has a frame. */
__attribute__((noinline)) int32_t jit_probe_helper(int32_t x);
int32_t jit_probe_helper(int32_t x) {
  __asm__ volatile("" ::: "memory");
  return x * 2;
}

static const char *const trace_text =
    "descr H = call(args=[int], result=int)\n"
    "[i0, i1]\n"
    "label(i0, i1, descr=probe_loop)\n"
    "i2 = call(sym(jit_probe_helper), i0, descr=H)\n"
    "i3 = int_add(i1, i2)\n"
    "i4 = int_sub(i0, 1)\n"
    "i5 = int_gt(i4, 0)\n"
    "guard_true(i5, descr=done) [i3, i4]\n"
    "jump(i4, i3, descr=probe_loop)\n";

int main(void) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  if (!ctx) { fprintf(stderr, "%s\n", err.msg); return 1; }
  armjit_ctx_add_symbol(ctx, "jit_probe_helper", (uintptr_t)jit_probe_helper);
  armjit_trace *t = armjit_trace_parse(ctx, trace_text, &err);
  armjit_loop *loop = t ? armjit_compile_loop(ctx, t, &err) : NULL;
  if (!loop) { fprintf(stderr, "%d:%d: %s\n", err.line, err.col, err.msg); return 1; }
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
  f->values[0].i = 3;
  f->values[1].i = 0;
  int id = armjit_run(loop, f, &err);
  /* 2*3 + 2*2 + 2*1 = 12, counter 0 */
  int ok = id == 0 && f->values[0].i == 12 && f->values[1].i == 0;
  printf("%s: exit %d, values %d %d\n", armjit_loop_name(loop), id, (int)f->values[0].i,
         (int)f->values[1].i);
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  return ok ? 0 : 1;
}
