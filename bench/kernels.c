/* SPDX-License-Identifier: MIT */
/* kernels — the guest-instruction benchmarks, run under qemu-arm with the
 * counting plugin (count_plugin.c; bench/run.sh does it):
 *
 *   qemu-arm -plugin libcount.so,out=FILE kernels
 *
 * It opens one plugin window per measurement and prints, per window, the
 * line "win K WHAT..." (K counts its windows from 0); run.sh joins them
 * with the plugin's "count window K N" lines.
 *   win K kernel NAME armjit|gcc ITER    one run of kernel NAME, ITER
 *                                        iterations (N, then 2N: their
 *                                        difference / N is the cost of one)
 *   win K exit NFAIL                     from the failing guard's branch
 *                                        to the instruction after
 *                                        armjit_run's return (+1: the call
 *                                        of count_stop)
 *   win K bridge 0|1                     a whole armjit_run leaving at a
 *                                        1-fail-arg guard, without (0) and
 *                                        with (1) a bridge on it that
 *                                        finishes with the value at once
 *   size NAME BYTES                      the armjit kernel's code size
 * Kernels: int sum (s += i), the float recurrence x = x*0.999999 + 0.5, an
 * int array sum, the call loop s += f(i) with f a C function, and the i64
 * loop s = (s + i) * 3 ^ K and the xorshift64 step (each twice: as
 * compiled for this CPU, with NEON, and for a CPU without it, *_core);
 * the same loops compiled by gcc are in kernels_gcc.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "count_marks.h"
#include "kernels_gcc.h"

enum { N = 1000, NARR = 2 * N };

/* s = (s + i) * 3 ^ K over i64: add and xor are NEON instructions, the
 * multiply goes through core registers. */
#define I64_MIX                                        \
  "[i0, i1, l2]\n"                                     \
  "label(i0, i1, l2, descr=loop)\n"                    \
  "i3 = int_lt(i0, i1)\n"                              \
  "guard_true(i3, descr=done) [l2]\n"                  \
  "l4 = llong_from_int(i0)\n"                          \
  "l5 = llong_add(l2, l4)\n"                           \
  "l6 = llong_mul(l5, i64(3))\n"                       \
  "l7 = llong_xor(l6, i64(0x5555555555555555))\n"      \
  "i8 = int_add(i0, 1)\n"                              \
  "jump(i8, i1, l7, descr=loop)\n"

/* xorshift64: x ^= x << 13; x ^= x >> 7; x ^= x << 17 (shifts by
 * constants and xors: all NEON instructions). */
#define I64_XORSHIFT                                   \
  "[i0, i1, l2]\n"                                     \
  "label(i0, i1, l2, descr=loop)\n"                    \
  "i3 = int_lt(i0, i1)\n"                              \
  "guard_true(i3, descr=done) [l2]\n"                  \
  "l4 = llong_lshift(l2, 13)\n"                        \
  "l5 = llong_xor(l2, l4)\n"                           \
  "l6 = ullong_rshift(l5, 7)\n"                        \
  "l7 = llong_xor(l5, l6)\n"                           \
  "l8 = llong_lshift(l7, 17)\n"                        \
  "l9 = llong_xor(l7, l8)\n"                           \
  "i10 = int_add(i0, 1)\n"                             \
  "jump(i10, i1, l9, descr=loop)\n"

typedef struct {
  const char *name;
  const char *text;   /* the trace; its last input is unused here */
  int kind;           /* 0 int sum/call: (0, n, 0); 1 float: (0, n, 1.0); 2 array;
                         3 as 0, compiled without NEON */
} kernel;

static const kernel kernels[] = {
  {"int_sum",
   "[i0, i1, i2]\n"
   "label(i0, i1, i2, descr=loop)\n"
   "i3 = int_lt(i0, i1)\n"
   "guard_true(i3, descr=done) [i2]\n"
   "i4 = int_add(i2, i0)\n"
   "i5 = int_add(i0, 1)\n"
   "jump(i5, i1, i4, descr=loop)\n", 0},
  {"float_recurrence",
   "[i0, i1, f2]\n"
   "label(i0, i1, f2, descr=loop)\n"
   "i3 = int_lt(i0, i1)\n"
   "guard_true(i3, descr=done) [f2]\n"
   "f4 = float_mul(f2, 0.999999)\n"
   "f5 = float_add(f4, 0.5)\n"
   "i6 = int_add(i0, 1)\n"
   "jump(i6, i1, f5, descr=loop)\n", 1},
  {"array_sum",
   "descr A = array(base=0, item=4, signed, int)\n"
   "[i0, i1, i2, p3]\n"
   "label(i0, i1, i2, p3, descr=loop)\n"
   "i4 = int_lt(i0, i1)\n"
   "guard_true(i4, descr=done) [i2]\n"
   "i5 = getarrayitem_raw(p3, i0, descr=A)\n"
   "i6 = int_add(i2, i5)\n"
   "i7 = int_add(i0, 1)\n"
   "jump(i7, i1, i6, p3, descr=loop)\n", 2},
  {"call_loop",
   "descr C = call(args=[int], result=int)\n"
   "[i0, i1, i2]\n"
   "label(i0, i1, i2, descr=loop)\n"
   "i3 = int_lt(i0, i1)\n"
   "guard_true(i3, descr=done) [i2]\n"
   "i4 = call(sym(kg_f), i0, descr=C)\n"
   "i5 = int_add(i2, i4)\n"
   "i6 = int_add(i0, 1)\n"
   "jump(i6, i1, i5, descr=loop)\n", 0},
  {"i64_mix", I64_MIX, 0},
  {"i64_mix_core", I64_MIX, 3},  /* compiled without NEON */
  {"i64_xorshift", I64_XORSHIFT, 0},
  {"i64_xorshift_core", I64_XORSHIFT, 3},
};

static unsigned nwin;
static int32_t arr[NARR];
static volatile double sink_f;
static volatile int32_t sink_i;
static volatile int64_t sink_l;

static void die(const char *what, const armjit_error *e) {
  fprintf(stderr, "kernels: %s: %s\n", what, e ? e->msg : "failed");
  exit(1);
}

static void run_armjit(const kernel *k, armjit_loop *loop, armjit_frame *f, int32_t n) {
  armjit_error e;
  f->values[0].bits = 0;
  f->values[1].bits = 0;
  f->values[1].i = n;
  f->values[2].bits = 0;
  if (k->kind == 1) f->values[2].f = 1.0;
  if (k->kind == 2) f->values[3].r = (uintptr_t)arr;
  printf("win %u kernel %s armjit %d\n", nwin++, k->name, (int)n);
  count_start();
  int x = armjit_run(loop, f, &e);
  count_stop();
  if (x != 0) die("run", &e);
}

static void run_gcc(const kernel *k, int32_t n) {
  printf("win %u kernel %s gcc %d\n", nwin++, k->name, (int)n);
  switch (k - kernels) {
  case 0: count_start(); sink_i = kg_int_sum(n); count_stop(); break;
  case 1: count_start(); sink_f = kg_float_rec(n); count_stop(); break;
  case 2: count_start(); sink_i = kg_array_sum(arr, n); count_stop(); break;
  case 3: count_start(); sink_i = kg_call_loop(n); count_stop(); break;
  case 4: case 5: count_start(); sink_l = kg_i64_mix(n); count_stop(); break;
  default: count_start(); sink_l = kg_i64_xorshift(n); count_stop(); break;
  }
}

/* A function that arms the plugin's window at pc (count_plugin.c):
 *   orr r6, r6, r6; movw ip, #lo; movt ip, #hi; bx lr */
static armjit_code *arm_at(armjit_ctx *ctx, uintptr_t pc) {
  armjit_error e;
  a32_buf *b = armjit_buf_new(ctx, 0, 0);
  a32_word(b, 0xe1866006u);
  a32_movw(b, A32_AL, A32_IP, (uint32_t)pc & 0xffff);
  a32_movt(b, A32_AL, A32_IP, (uint32_t)pc >> 16);
  a32_bx(b, A32_AL, A32_LR);
  armjit_code *c = armjit_code_new(ctx, b, &e);
  a32_buf_free(b);
  if (!c) die("arming code", &e);
  return c;
}

/* Exit cost with nfail int fail args: [i0, i1..i_nfail]
 * guard_true(i0) [i1..i_nfail]; finish(), run with i0 = 0. */
static void exit_cost(armjit_ctx *ctx, unsigned nfail) {
  size_t cap = 64 + 16 * (size_t)nfail;
  char *text = malloc(cap);
  if (!text) die("memory", NULL);
  size_t len = (size_t)snprintf(text, cap, "[i0");
  for (unsigned k = 1; k <= nfail; k++) len += (size_t)snprintf(text + len, cap - len, ", i%u", k);
  len += (size_t)snprintf(text + len, cap - len, "]\nguard_true(i0) [");
  for (unsigned k = 1; k <= nfail; k++)
    len += (size_t)snprintf(text + len, cap - len, "%si%u", k > 1 ? ", " : "", k);
  snprintf(text + len, cap - len, "]\nfinish()\n");
  armjit_error e;
  armjit_trace *t = armjit_trace_parse(ctx, text, &e);
  free(text);
  if (!t || armjit_trace_validate(t, &e) != ARMJIT_OK) die("exit trace", &e);
  armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
  armjit_trace_free(t);
  if (!loop) die("exit compile", &e);
  /* The guard's branch: the last instruction of op 0. */
  size_t size;
  uintptr_t code = (uintptr_t)armjit_loop_code(loop, &size), branch = 0;
  for (size_t off = 0; off < size; off += 4) {
    armjit_pc_info pi;
    if (armjit_lookup_pc(ctx, code + off, &pi) && pi.region == ARMJIT_PC_OP && pi.op == 0)
      branch = code + off;
  }
  if (!branch) die("exit: no guard code", NULL);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
  if (!f) die("memory", NULL);
  for (unsigned k = 0; k <= nfail; k++) {
    f->values[k].bits = 0;
    f->values[k].i = (int32_t)k;
  }
  armjit_code *arm = arm_at(ctx, branch);
  void (*arm_fn)(void) = (void (*)(void))(uintptr_t)armjit_code_entry(arm);
  printf("win %u exit %u\n", nwin++, nfail);
  arm_fn();
  int x = armjit_run(loop, f, &e);
  count_stop();
  if (x != 0 || f->nvalues != nfail) die("exit run", &e);
  armjit_code_free(arm);
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
}

/* Bridge entry: the whole armjit_run of guard_true(i0) [i1]; finish(),
 * failing, first as it is, then with a bridge finish(i0) attached to the
 * guard.  Both paths end in a 1-instruction stub and the same exit path,
 * so the difference is what entering the bridge costs beyond the guard's
 * branch.  (Whole runs: a window armed at the patched branch itself
 * counts a few instructions more under qemu.) */
static void bridge_cost(armjit_ctx *ctx) {
  armjit_error e;
  armjit_trace *t = armjit_trace_parse(ctx, "[i0, i1]\nguard_true(i0) [i1]\nfinish()\n", &e);
  armjit_trace *bt = armjit_trace_parse(ctx, "[i0]\nfinish(i0)\n", &e);
  if (!t || !bt) die("bridge trace", &e);
  armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
  if (!loop) die("bridge compile", &e);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
  if (!f) die("memory", NULL);
  for (int with = 0; with < 2; with++) {
    armjit_loop *b = with ? armjit_compile_bridge(ctx, loop, 0, bt, &e) : NULL;
    if (with && !b) die("bridge attach", &e);
    f->values[0].bits = f->values[1].bits = 0;
    f->values[1].i = 1;
    printf("win %u bridge %d\n", nwin++, with);
    count_start();
    int x = armjit_run(loop, f, &e);
    count_stop();
    if (x != (with ? armjit_loop_exit_id(b, 0) : 0) || f->nvalues != 1) die("bridge run", &e);
  }
  armjit_trace_free(t);
  armjit_trace_free(bt);
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
}

int main(void) {
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e);
  if (!ctx) die("context", &e);
  armjit_options core = {0};  /* this CPU's features but NEON */
  core.flags = ARMJIT_FEATURES_SET;
  core.features = armjit_ctx_features(ctx) & ~(unsigned)A32_FEAT_NEON;
  armjit_ctx *ctx_core = armjit_ctx_new(&core, &e);
  if (!ctx_core) die("context", &e);
  if (armjit_ctx_add_symbol(ctx, "kg_f", (uintptr_t)kg_f) != ARMJIT_OK) die("symbol", NULL);
  for (int i = 0; i < NARR; i++) arr[i] = i * 7 - 3;
  for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
    const kernel *kn = &kernels[k];
    armjit_trace *t = armjit_trace_parse(ctx, kn->text, &e);
    if (!t || armjit_trace_validate(t, &e) != ARMJIT_OK) die(kn->name, &e);
    armjit_loop *loop = armjit_compile_loop(kn->kind == 3 ? ctx_core : ctx, t, &e);
    armjit_trace_free(t);
    if (!loop) die(kn->name, &e);
    armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
    if (!f) die("memory", NULL);
    size_t size;
    armjit_loop_code(loop, &size);
    printf("size %s %zu\n", kn->name, size);
    run_armjit(kn, loop, f, N);
    run_armjit(kn, loop, f, 2 * N);
    run_gcc(kn, N);
    run_gcc(kn, 2 * N);
    armjit_frame_free(ctx, f);
    armjit_loop_free(loop);
  }
  static const unsigned nfails[] = {1, 10, 100};
  for (size_t k = 0; k < sizeof nfails / sizeof nfails[0]; k++) exit_cost(ctx, nfails[k]);
  bridge_cost(ctx);
  armjit_ctx_free(ctx_core);
  armjit_ctx_free(ctx);
  return 0;
}
