/* SPDX-License-Identifier: MIT */
/* tinyvm with the JIT must compute exactly what the pure interpreter
 * computes (registers and memory), run the same number of loop iterations
 * in total, and actually run compiled code.  The interpreter's answers
 * are checked against the same computations in C. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programs.h"

static int failures;

#define CHECK(cond, ...)                                       \
  do {                                                         \
    if (!(cond)) {                                             \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                            \
      fputc('\n', stderr);                                     \
      failures++;                                              \
    }                                                          \
  } while (0)

/* The programs' answers, computed directly. */
static int32_t answer(const char *name) {
  uint32_t acc = 0;
  if (strcmp(name, "sum_loop") == 0)
    for (uint32_t i = 0; i < 100000; i++) acc += i;
  else if (strcmp(name, "rare_branch") == 0)
    for (uint32_t i = 0; i < 20000; i++) acc += i % 64 == 0 ? 1000 : i;
  else if (strcmp(name, "nested") == 0)
    for (uint32_t i = 0; i < 300; i++)
      for (uint32_t j = 0; j < 300; j++) acc += i * j;
  else if (strcmp(name, "sieve") == 0)
    for (int n = 2; n < 256; n++) {
      int d = 2;
      while (d * d <= n && n % d) d++;
      acc += d * d > n;
    }
  int32_t v;
  memcpy(&v, &acc, sizeof v);
  return v;
}

static bool run(const tvm_program *p, bool jit, unsigned hot, tvm_state *st, tvm_stats *s) {
  tvm_config cfg = {.jit = jit, .hot = hot};
  char err[256];
  memset(st, 0, sizeof *st);
  if (tvm_run(p->code, p->n, st, &cfg, s, err, sizeof err)) {
    fprintf(stderr, "FAIL %s (jit %d, hot %u): %s\n", p->name, jit, hot, err);
    failures++;
    return false;
  }
  return true;
}

int main(void) {
  static const unsigned hots[] = {1, 2, 7, 20};
  uint64_t compiled = 0, interpreted = 0;
  for (int k = 0; k < tvm_nprograms; k++) {
    const tvm_program *p = &tvm_programs[k];
    tvm_state pure, jit;
    tvm_stats ps, js;
    if (!run(p, false, 1, &pure, &ps)) continue;
    CHECK(pure.reg[p->result_reg] == answer(p->name), "%s: %d, expected %d", p->name,
          pure.reg[p->result_reg], answer(p->name));
    CHECK(ps.jit_iters == 0 && ps.traces == 0, "%s: the pure run used the JIT", p->name);
    for (size_t h = 0; h < sizeof hots / sizeof hots[0]; h++) {
      if (!run(p, true, hots[h], &jit, &js)) continue;
      CHECK(memcmp(&jit, &pure, sizeof jit) == 0, "%s (hot %u): the state differs", p->name,
            hots[h]);
      CHECK(js.jit_iters + js.interp_iters == ps.interp_iters,
            "%s (hot %u): %llu + %llu iterations, the interpreter ran %llu", p->name, hots[h],
            (unsigned long long)js.jit_iters, (unsigned long long)js.interp_iters,
            (unsigned long long)ps.interp_iters);
      CHECK(js.traces >= 1 && js.jit_iters > js.interp_iters,
            "%s (hot %u): %u traces, %llu iterations compiled, %llu interpreted", p->name,
            hots[h], js.traces, (unsigned long long)js.jit_iters,
            (unsigned long long)js.interp_iters);
      CHECK(js.entries == js.guard_exits, "%s: every entry leaves through a guard", p->name);
      if (strcmp(p->name, "rare_branch") == 0) /* i % 64 == 0 fails the guard */
        CHECK(js.guard_exits >= 20000 / 64 - 1, "%s: %llu guard exits", p->name,
              (unsigned long long)js.guard_exits);
      if (strcmp(p->name, "nested") == 0) /* the outer loop reaches the compiled inner one */
        CHECK(js.aborted >= 1 && js.entries >= 299, "%s: %u aborted, %llu entries", p->name,
              js.aborted, (unsigned long long)js.entries);
      compiled += js.jit_iters;
      interpreted += js.interp_iters;
      if (hots[h] == 20)
        printf("%-12s result %11d: %7llu iterations compiled, %5llu interpreted, %u traces, "
               "%u aborted, %llu guard exits\n",
               p->name, jit.reg[p->result_reg], (unsigned long long)js.jit_iters,
               (unsigned long long)js.interp_iters, js.traces, js.aborted,
               (unsigned long long)js.guard_exits);
    }
  }
  /* A bad program is refused with a message. */
  static const tvm_insn bad[] = {{TVM_JMP, 0, 0, 0, 5}, {TVM_HALT, 0, 0, 0, 0}};
  tvm_state st = {0};
  tvm_stats s;
  tvm_config cfg = {.jit = true, .hot = 1};
  char err[256] = "";
  CHECK(tvm_run(bad, 2, &st, &cfg, &s, err, sizeof err) == -1 && strstr(err, "out of range"),
        "%s", err);
  /* Out-of-range memory is caught by the interpreter after a bounds guard
   * fails in compiled code: mem[i] for i = 0, 1, ... up to 256. */
  static const tvm_insn overrun[] = {
      {TVM_LI, 0, 0, 0, 0}, {TVM_LI, 1, 0, 0, 1}, {TVM_ST, 0, 1, 0, 0},
      {TVM_ADDI, 0, 0, 0, 1}, {TVM_JMP, 0, 0, 0, 2}, {TVM_HALT, 0, 0, 0, 0}};
  CHECK(tvm_run(overrun, 6, &st, &cfg, &s, err, sizeof err) == -1 &&
            strstr(err, "ST to mem[256]") && s.jit_iters > 200,
        "%s (%llu iterations compiled)", err, (unsigned long long)s.jit_iters);
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("tinyvm: the JIT agrees with the interpreter on %d programs x %zu thresholds "
           "(%llu loop iterations compiled, %llu interpreted)\n",
           tvm_nprograms, sizeof hots / sizeof hots[0], (unsigned long long)compiled,
           (unsigned long long)interpreted);
  return failures != 0;
}
