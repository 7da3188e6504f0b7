/* SPDX-License-Identifier: MIT */
/* mc_bench — the method compiler's benchmarks (bench/run.sh runs them).
 *
 *   mc_bench speed REPS   compile speed on a generated function of about
 *                         5,000 IR ops (blocks of straight int, i64 and float
 *                         code with loads and stores, diamonds, a loop, a
 *                         call): prints
 *     ops=N path=compile|text reps=R median_ns_per_op=X min_ns_per_op=Y code_bytes_per_op=Z
 *                         compile: armjit_module_compile of the parsed,
 *                         validated module; text: parse, validate, compile.
 *   mc_bench kernels      (ARM, under qemu-arm with the counting plugin)
 *                         the kernels of bench/kernels_gcc.c written in the
 *                         method IR, each run for N and 2N iterations in a
 *                         plugin window, next to gcc -O2's: prints
 *     win K kernel NAME mc|gcc ITER   and   size NAME BYTES */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "armjit/mc.h"

#if defined(__arm__) && defined(__ARM_PCS_VFP)
#include "count_marks.h"
#include "kernels_gcc.h"
#define MC_BENCH_KERNELS 1
#endif

static void die(const char *what, const armjit_error *e) {
  fprintf(stderr, "mc_bench: %s: %s\n", what, e ? e->msg : "failed");
  exit(1);
}

typedef struct {
  char *p;
  size_t n, cap;
} text_buf;

static void tb(text_buf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void tb(text_buf *t, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int k = vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    if (k >= 0 && (size_t)k < t->cap - t->n) {
      t->n += (size_t)k;
      return;
    }
    t->cap = t->cap * 2 + (size_t)k + 4096;
    t->p = realloc(t->p, t->cap);
    if (!t->p) die("out of memory", NULL);
  }
}

/* ---- the generated function ------------------------------------------------------ */
static uint32_t rng = 2463534242u;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* About ops_target ops: 100 blocks of ~45 ops in a chain, each passing
 * (i, acc, wide, f) to the next; every fifth block a diamond, one loop
 * around the middle, one call. */
static char *big_function(unsigned ops_target) {
  text_buf t = {0};
  unsigned nblocks = ops_target / 46;
  tb(&t, "extern @ext(i32) -> i32\n");
  tb(&t, "func @big(p: ref, n: i32, x: f64) -> i32 {\nentry:\n  w0 = sext_i64 n\n  br b0(n, 1, w0, x)\n");
  static const char *const iops[] = {"add", "sub", "mul", "xor", "and", "or", "shl", "ushr"};
  for (unsigned b = 0; b < nblocks; b++) {
    tb(&t, "b%u(q%u: i32, a%u: i32, l%u: i64, h%u: f64):\n", b, b, b, b, b);
    /* values of this block: v<b>_<k>, ints; d<b>_<k>, doubles */
    unsigned ni = 2, nd = 1;
    tb(&t, "  v%u_0 = add.i32 q%u, a%u\n  v%u_1 = xor.i32 a%u, 12345\n", b, b, b, b, b);
    tb(&t, "  d%u_0 = fadd.f64 h%u, 0.5\n", b, b);
    for (unsigned k = 0; k < 38; k++) {
      uint32_t r = rnd();
      unsigned x = ni - 1 - (r >> 8) % (ni < 6 ? ni : 6), y = ni - 1 - (r >> 16) % (ni < 6 ? ni : 6);
      switch (r % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        tb(&t, "  v%u_%u = %s.i32 v%u_%u, v%u_%u\n", b, ni, iops[(r >> 4) % 8], b, x, b, y);
        ni++;
        break;
      case 5:
        tb(&t, "  v%u_%u = add.i32 v%u_%u, %u\n", b, ni, b, x, r >> 20);
        ni++;
        break;
      case 6: {
        unsigned dx = nd - 1 - (r >> 12) % (nd < 4 ? nd : 4);
        tb(&t, "  d%u_%u = %s.f64 d%u_%u, %u.25\n", b, nd, (r >> 4) & 1 ? "fmul" : "fadd", b, dx,
           (r >> 24) % 7 + 1);
        nd++;
        break;
      }
      case 7:
        tb(&t, "  v%u_%u = load.i32 p, %u\n", b, ni, 4 * ((r >> 8) % 64));
        ni++;
        break;
      case 8: tb(&t, "  store.i32 p, %u, v%u_%u\n", 4 * ((r >> 8) % 64), b, x); break;
      default:
        tb(&t, "  v%u_%u = icmp.slt v%u_%u, v%u_%u\n", b, ni, b, x, b, y);
        ni++;
        break;
      }
    }
    tb(&t, "  e%u = sext_i64 v%u_%u\n  m%u = mul.i64 l%u, e%u\n  l%u_n = add.i64 m%u, 7\n", b, b,
       ni - 1, b, b, b, b, b);
    unsigned next = b + 1;
    if (next == nblocks) {
      tb(&t, "  br done(v%u_%u, d%u_%u)\n", b, ni - 1, b, nd - 1);
    } else if (b == nblocks / 2) { /* the loop: back to b<nblocks/3> while i > 0 */
      tb(&t, "  iq = sub.i32 q%u, 1\n  cq = icmp.sgt iq, 0\n", b);
      tb(&t, "  cbr cq, b%u(iq, v%u_%u, l%u_n, d%u_%u), b%u(q%u, v%u_%u, l%u_n, d%u_%u)\n",
         nblocks / 3, b, ni - 1, b, b, nd - 1, next, b, b, ni - 2, b, b, nd - 1);
    } else if (b % 5 == 2) { /* a diamond */
      tb(&t, "  c%u = icmp.ult v%u_%u, v%u_%u\n  cbr c%u, s%u, b%u(q%u, v%u_%u, l%u_n, d%u_%u)\n", b,
         b, ni - 1, b, ni - 2, b, b, next, b, b, ni - 1, b, b, nd - 1);
      tb(&t, "s%u:\n  z%u = mul.i32 v%u_%u, 3\n", b, b, b, ni - 2);
      if (b == 7) tb(&t, "  z%u_c = call @ext(z%u)\n", b, b);
      else tb(&t, "  z%u_c = add.i32 z%u, 1\n", b, b);
      tb(&t, "  br b%u(z%u_c, v%u_%u, l%u_n, d%u_0)\n", next, b, b, ni - 1, b, b);
    } else {
      tb(&t, "  br b%u(v%u_%u, v%u_%u, l%u_n, d%u_%u)\n", next, b, ni - 1, b, ni - 2, b, b, nd - 1);
    }
  }
  tb(&t, "done(r: i32, g: f64):\n  gi = fptosi.i32 g\n  s = add.i32 r, gi\n  ret s\n}\n");
  return t.p;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static unsigned count_ops(const armjit_module *m);

static int speed(int reps) {
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e);
  if (!ctx) die("context", &e);
  char *text = big_function(5000);
  double *t = malloc(sizeof(double) * (size_t)reps);
  for (int path = 0; path < 2; path++) {
    unsigned ops = 0;
    size_t code = 0;
    armjit_module *m = NULL;
    if (path == 0) {
      m = armjit_module_parse(ctx, text, &e);
      if (!m || armjit_module_validate(m, &e) != ARMJIT_OK) die("parse", &e);
    }
    for (int r = 0; r < reps; r++) {
      double t0 = now_ns();
      if (path == 1) {
        m = armjit_module_parse(ctx, text, &e);
        if (!m || armjit_module_validate(m, &e) != ARMJIT_OK) die("parse", &e);
      }
      armjit_object *o = armjit_module_compile(m, &e);
      if (!o) die("compile", &e);
      t[r] = now_ns() - t0;
      code = armjit_object_size(o);
      ops = count_ops(m);
      armjit_object_free(o);
      if (path == 1) armjit_module_free(m);
    }
    if (path == 0) armjit_module_free(m);
    qsort(t, (size_t)reps, sizeof *t, cmp_d);
    printf("ops=%u path=%s reps=%d median_ns_per_op=%.1f min_ns_per_op=%.1f code_bytes_per_op=%.2f\n",
           ops, path ? "text" : "compile", reps, t[reps / 2] / ops, t[0] / ops, (double)code / ops);
  }
  free(t);
  free(text);
  armjit_ctx_free(ctx);
  return 0;
}

/* ops of the module (through the public API: its printed lines that are ops) */
static unsigned count_ops(const armjit_module *m) {
  char *s = armjit_module_to_string(m);
  unsigned n = 0;
  for (char *p = s; p && *p; p++)
    if (p[0] == '\n' && p[1] == ' ' && p[2] == ' ') n++;
  free(s);
  return n;
}

#ifdef MC_BENCH_KERNELS
enum { N = 1000, NARR = 2 * N };
static int32_t arr[NARR];
static volatile int32_t sink_i;
static volatile double sink_f;

static const char kernel_text[] =
    "extern @kg_f(i32) -> i32\n"
    "func @int_sum(n: i32) -> i32 {\nentry:\n  br loop(0, 0)\n"
    "loop(i: i32, s: i32):\n  c = icmp.slt i, n\n  cbr c, body, done(s)\n"
    "body:\n  s1 = add.i32 s, i\n  i1 = add.i32 i, 1\n  br loop(i1, s1)\n"
    "done(r: i32):\n  ret r\n}\n"
    "func @float_recurrence(n: i32) -> f64 {\nentry:\n  br loop(0, 1.0)\n"
    "loop(i: i32, x: f64):\n  c = icmp.slt i, n\n  cbr c, body, done(x)\n"
    "body:\n  y = fmul.f64 x, 0.999999\n  z = fadd.f64 y, 0.5\n  i1 = add.i32 i, 1\n  br loop(i1, z)\n"
    "done(r: f64):\n  ret r\n}\n"
    "func @array_sum(p: ref, n: i32) -> i32 {\nentry:\n  br loop(0, 0)\n"
    "loop(i: i32, s: i32):\n  c = icmp.slt i, n\n  cbr c, body, done(s)\n"
    "body:\n  v = load.i32 p, i, 2, 0\n  s1 = add.i32 s, v\n  i1 = add.i32 i, 1\n  br loop(i1, s1)\n"
    "done(r: i32):\n  ret r\n}\n"
    "func @call_loop(n: i32) -> i32 {\nentry:\n  br loop(0, 0)\n"
    "loop(i: i32, s: i32):\n  c = icmp.slt i, n\n  cbr c, body, done(s)\n"
    "body:\n  v = call @kg_f(i)\n  s1 = add.i32 s, v\n  i1 = add.i32 i, 1\n  br loop(i1, s1)\n"
    "done(r: i32):\n  ret r\n}\n";

static int kernels(void) {
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e);
  if (!ctx) die("context", &e);
  armjit_ctx_add_symbol(ctx, "kg_f", (uintptr_t)&kg_f);
  armjit_module *m = armjit_module_parse(ctx, kernel_text, &e);
  if (!m) die("parse", &e);
  armjit_mcode *c = armjit_module_load(m, &e);
  if (!c) die("load", &e);
  for (int i = 0; i < NARR; i++) arr[i] = i * 3 - 7;
  int32_t (*int_sum)(int32_t) = (int32_t(*)(int32_t))armjit_mcode_symbol(c, "int_sum");
  double (*float_rec)(int32_t) = (double (*)(int32_t))armjit_mcode_symbol(c, "float_recurrence");
  int32_t (*array_sum)(const int32_t *, int32_t) =
      (int32_t(*)(const int32_t *, int32_t))armjit_mcode_symbol(c, "array_sum");
  int32_t (*call_loop)(int32_t) = (int32_t(*)(int32_t))armjit_mcode_symbol(c, "call_loop");
  unsigned win = 0;
  static const char *const names[4] = {"int_sum", "float_recurrence", "array_sum", "call_loop"};
  for (int k = 0; k < 4; k++)
    for (int n = N; n <= 2 * N; n += N) {
      printf("win %u kernel %s mc %d\n", win++, names[k], n);
      switch (k) {
      case 0: count_start(); sink_i = int_sum(n); count_stop(); break;
      case 1: count_start(); sink_f = float_rec(n); count_stop(); break;
      case 2: count_start(); sink_i = array_sum(arr, n); count_stop(); break;
      default: count_start(); sink_i = call_loop(n); count_stop(); break;
      }
      printf("win %u kernel %s gcc %d\n", win++, names[k], n);
      switch (k) {
      case 0: count_start(); sink_i = kg_int_sum(n); count_stop(); break;
      case 1: count_start(); sink_f = kg_float_rec(n); count_stop(); break;
      case 2: count_start(); sink_i = kg_array_sum(arr, n); count_stop(); break;
      default: count_start(); sink_i = kg_call_loop(n); count_stop(); break;
      }
    }
  /* the functions' code sizes, from the listing's headers */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  armjit_mcode_dis(c, f);
  fclose(f);
  for (char *p = buf; p && (p = strchr(p, '@')); p++) {
    char name[64];
    unsigned bytes;
    if (sscanf(p, "@%63[a-z_]: %u bytes", name, &bytes) == 2) printf("size %s %u\n", name, bytes);
  }
  free(buf);
  armjit_mcode_free(c);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  return 0;
}
#endif

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "speed") == 0) return speed(argc >= 3 ? atoi(argv[2]) : 20);
#ifdef MC_BENCH_KERNELS
  if (argc >= 2 && strcmp(argv[1], "kernels") == 0) return kernels();
#endif
  fprintf(stderr, "usage: mc_bench speed [REPS] | kernels (hard-float ARM only)\n");
  return 2;
}
