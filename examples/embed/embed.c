/* SPDX-License-Identifier: MIT */
/* embed.c — armjit inside a runtime, the smallest complete version.
 *
 * A runtime found a hot loop in its guest program,
 *     acc = 0; for (i = 0; i < n; i++) acc += i * i;
 * with 32-bit integers whose overflow it must detect.  It records the loop
 * as a trace through the builder API, compiles it, and runs it on a frame;
 * each guard that fails is an exit the runtime handles itself: `done`
 * hands back the result, `mul_overflow` and `add_overflow` the state from which the runtime's own
 * slow path (here: 64-bit C) carries on.
 *
 * On ARM the loop runs as machine code.  Elsewhere armjit still compiles
 * it (a cross code generator): the example prints the annotated listing
 * and runs the same trace in the reference interpreter.
 *
 *   embed [N]          (default 100; 2000 overflows 32 bits)
 *
 * Build it against an installed armjit with this folder's CMakeLists.txt,
 * or by hand: cc embed.c $(pkg-config --cflags --libs armjit). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <armjit.h>

/* The runtime's exits: the ids armjit_guard returned. */
typedef struct {
  int done, mul_overflow, add_overflow;
} loop_exits;

/* [i, n, acc] label; if !(i < n) exit done [acc];
 * sq = i * i (exit on overflow [i, acc]); acc += sq (the same);
 * jump(i + 1, n, acc) */
static armjit_trace *record(armjit_ctx *ctx, loop_exits *x) {
  armjit_trace *t = armjit_trace_new(ctx);
  if (!t) return NULL;
  armjit_val i = armjit_input(t, ARMJIT_INT);
  armjit_val n = armjit_input(t, ARMJIT_INT);
  armjit_val acc = armjit_input(t, ARMJIT_INT);
  armjit_val head[] = {i, n, acc};
  int loop = armjit_label(t, head, 3);
  armjit_set_descr_name(t, "loop");

  armjit_val lt = armjit_op(t, ARMJIT_OP_INT_LT, (armjit_val[]){i, n}, 2);
  x->done = armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &lt, 1, &acc, 1);
  armjit_set_descr_name(t, "done");

  armjit_val state[] = {i, acc}; /* what the slow path resumes from */
  armjit_val sq = armjit_op(t, ARMJIT_OP_INT_MUL_OVF, (armjit_val[]){i, i}, 2);
  x->mul_overflow = armjit_guard(t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, state, 2);
  armjit_set_descr_name(t, "mul_overflow");
  armjit_val acc2 = armjit_op(t, ARMJIT_OP_INT_ADD_OVF, (armjit_val[]){acc, sq}, 2);
  x->add_overflow = armjit_guard(t, ARMJIT_OP_GUARD_NO_OVERFLOW, NULL, 0, state, 2);
  armjit_set_descr_name(t, "add_overflow");

  armjit_val one = armjit_const_int(t, 1);
  armjit_val i2 = armjit_op(t, ARMJIT_OP_INT_ADD, (armjit_val[]){i, one}, 2);
  armjit_jump(t, loop, (armjit_val[]){i2, n, acc2}, 3);
  return t; /* builder misuse, if any, is reported by the compile */
}

/* The runtime's slow path: the rest of the loop in 64 bits. */
static int64_t slow_path(int32_t i, int32_t n, int64_t acc) {
  for (; i < n; i++) acc += (int64_t)i * i;
  return acc;
}

int main(int argc, char **argv) {
  int32_t n = argc > 1 ? (int32_t)atoi(argv[1]) : 100;
  armjit_error err;
  loop_exits x;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err); /* ABI and CPU features: this machine's */
  if (!ctx) {
    fprintf(stderr, "embed: %s\n", err.msg);
    return 1;
  }
  printf("armjit %s (headers %s)\n", armjit_version(), ARMJIT_VERSION_STRING);
  int rc = 1;
  armjit_loop *loop = NULL;
  armjit_frame *f = NULL;
  armjit_trace *t = record(ctx, &x);
  if (!t || !(loop = armjit_compile_loop(ctx, t, &err))) {
    fprintf(stderr, "embed: %s\n", t ? err.msg : "out of memory");
    goto out;
  }
  size_t size;
  armjit_loop_code(loop, &size);
  printf("compiled %u ops into %zu bytes of ARM code\n", armjit_trace_nops(t), size);

  f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
  if (!f) goto out;
  f->values[0].i = 0;
  f->values[1].i = n;
  f->values[2].i = 0;
#if defined(__arm__)
  const char *how = "compiled code";
  int exit_id = armjit_run(loop, f, &err);
#else
  const char *how = "reference interpreter, not an ARM machine";
  armjit_loop_dis(loop, stdout);
  int exit_id = armjit_interpret(t, f, 0, &err) == ARMJIT_OK ? f->exit_id : -1;
#endif
  int64_t result;
  if (exit_id == x.done) {
    result = f->values[0].i;
  } else if (exit_id == x.mul_overflow || exit_id == x.add_overflow) {
    printf("overflow at i = %d: the slow path takes over\n", (int)f->values[0].i);
    result = slow_path(f->values[0].i, n, f->values[1].i);
  } else {
    fprintf(stderr, "embed: %s\n", err.msg);
    goto out;
  }
  int64_t expect = slow_path(0, n, 0);
  printf("sum of i*i for i < %d = %lld (%s)\n", (int)n, (long long)result, how);
  rc = result == expect ? 0 : 1;
  if (rc) fprintf(stderr, "embed: expected %lld\n", (long long)expect);
out:
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  return rc;
}
