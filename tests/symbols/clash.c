/* SPDX-License-Identifier: MIT */
/* A program with its own ir_emit, ra_init and cg_compile (names the library
 * uses inside) links against libarmjit.a and works: its functions are the
 * ones it calls, and the library still compiles and runs a loop with its
 * own.  Built with CLASH_ALL, the definitions come instead from
 * clash_all.c, generated from every internal global of the unlinked
 * objects (tests/symbols/gen_clash.cmake). */
#include <stdio.h>
#include <string.h>

#include "armjit.h"

#ifdef CLASH_ALL
typedef struct {
  const char *name;
  int (*fn)(void);
  int expect;
} clash_fn;
extern const clash_fn clash_fns[];
extern const unsigned clash_nfns;
#else
int ir_emit(int x);
int ra_init(int x);
const char *cg_compile(void);
int ir_emit(int x) { return x + 1; }
int ra_init(int x) { return x * 2; }
const char *cg_compile(void) { return "the program's cg_compile"; }
#endif

static const char *const text = "[i0, i1, i2]\n"
                                "label(i0, i1, i2, descr=loop)\n"
                                "i3 = int_lt(i0, i1)\n"
                                "guard_true(i3, descr=done) [i0, i2]\n"
                                "i4 = int_add(i2, i0)\n"
                                "i5 = int_add(i0, 1)\n"
                                "jump(i5, i1, i4, descr=loop)\n";

static int fail(const char *what, const armjit_error *e) {
  printf("FAIL: %s: %s\n", what, e ? e->msg : "");
  return 1;
}

int main(void) {
#ifdef CLASH_ALL
  for (unsigned k = 0; k < clash_nfns; k++)
    if (clash_fns[k].fn() != clash_fns[k].expect) {
      printf("FAIL: %s is not the program's own\n", clash_fns[k].name);
      return 1;
    }
  printf("%u internal names of the library defined by the program too\n", clash_nfns);
#else
  if (ir_emit(41) != 42 || ra_init(21) != 42 || strcmp(cg_compile(), "the program's cg_compile"))
    return fail("the program's own functions were not the ones called", NULL);
#endif
  armjit_error e;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &e);
  if (!ctx) return fail("armjit_ctx_new", &e);
  armjit_trace *t = armjit_trace_parse(ctx, text, &e);
  if (!t) return fail("armjit_trace_parse", &e);
  armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
  if (!loop) return fail("armjit_compile_loop", &e);
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(loop));
  if (!f) return fail("armjit_frame_new", NULL);
  f->values[0].i = 0;
  f->values[1].i = 10;
  f->values[2].i = 0;
#if defined(__arm__)
  int exit_id = armjit_run(loop, f, &e);
  const char *how = "compiled";
#else
  int exit_id = armjit_interpret(t, f, 0, &e) == ARMJIT_OK ? (int)f->exit_id : -1;
  const char *how = "compiled, then interpreted (not an ARM host)";
#endif
  if (exit_id != 0 || f->nvalues != 2 || f->values[0].i != 10 || f->values[1].i != 45)
    return fail("the loop's result", &e);
  printf("0 + 1 + ... + 9 = %d (%s)\n", (int)f->values[1].i, how);
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  return 0;
}
