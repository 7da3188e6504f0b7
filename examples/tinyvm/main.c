/* SPDX-License-Identifier: MIT */
/* tinyvm demo: run the example programs with the tracing JIT and print
 * what ran where.
 *   tinyvm [--no-jit] [--hot N] [--traces] [PROGRAM...]
 * --traces prints each trace (armjit text form) when it is compiled. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "programs.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  tvm_config cfg = {.jit = true, .hot = 20, .print_traces = false};
  const char *only[16];
  int nonly = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--no-jit") == 0) cfg.jit = false;
    else if (strcmp(argv[i], "--traces") == 0) cfg.print_traces = true;
    else if (strcmp(argv[i], "--hot") == 0 && i + 1 < argc) cfg.hot = (unsigned)atoi(argv[++i]);
    else if (argv[i][0] != '-' && nonly < 16) only[nonly++] = argv[i];
    else {
      fprintf(stderr, "usage: tinyvm [--no-jit] [--hot N] [--traces] [PROGRAM...]\n");
      return 2;
    }
  }
  if (cfg.hot < 1) cfg.hot = 1;
#if !defined(__arm__)
  if (cfg.jit) printf("(not on ARM: compiled traces run in armjit's reference interpreter)\n");
#endif
  printf("%-12s %12s %10s %10s %6s %6s %8s %9s\n", "program", "result", "compiled", "interp.",
         "traces", "abort", "g.exits", "ms");
  int status = 0;
  /* One untimed run first: the first compile in a process also pays for
   * loading armjit's own code (under qemu, for translating it). */
  if (cfg.jit) {
    tvm_state st = {0};
    tvm_stats s;
    char err[256];
    tvm_config quiet = cfg;
    quiet.print_traces = false;
    tvm_run(tvm_programs[0].code, tvm_programs[0].n, &st, &quiet, &s, err, sizeof err);
  }
  for (int k = 0; k < tvm_nprograms; k++) {
    const tvm_program *p = &tvm_programs[k];
    bool run = nonly == 0;
    for (int j = 0; j < nonly; j++) run |= strcmp(only[j], p->name) == 0;
    if (!run) continue;
    tvm_state st;
    memset(&st, 0, sizeof st);
    tvm_stats s;
    char err[256];
    double t0 = now();
    if (tvm_run(p->code, p->n, &st, &cfg, &s, err, sizeof err)) {
      fprintf(stderr, "%s: %s\n", p->name, err);
      status = 1;
      continue;
    }
    printf("%-12s %12d %10llu %10llu %6u %6u %8llu %9.1f\n", p->name, st.reg[p->result_reg],
           (unsigned long long)s.jit_iters, (unsigned long long)s.interp_iters, s.traces,
           s.aborted, (unsigned long long)s.guard_exits, (now() - t0) * 1e3);
  }
  printf("(loop iterations run compiled and interpreted; loops compiled, recordings\n"
         " aborted, guard exits back to the interpreter: there are no bridges yet)\n");
  return status;
}
