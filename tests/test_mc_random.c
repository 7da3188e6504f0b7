/* SPDX-License-Identifier: MIT */
/* Random modules of the method IR (tests/support/mc_gen.h): every one
 * validates, prints, parses back to a module that prints the same text,
 * and interprets without error — the original and the re-parsed module
 * giving the same result, buffer bytes and traps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_gen.h"

#ifndef ARMJIT_RANDOM_COUNT
#define ARMJIT_RANDOM_COUNT 2000
#endif
#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

static armjit_ctx *new_ctx(void) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  if (!ctx) fail_msg("armjit_ctx_new: %s", err.msg);
  mc_gen_register(ctx);
  return ctx;
}

typedef struct {
  armjit_status st;
  armjit_mval res;
  uint64_t traps, steps;
} outcome;

static outcome run(armjit_module *m, mc_gen_case *c) {
  outcome o;
  armjit_error err;
  armjit_interp_options io = {.max_steps = 20000000};
  mc_gen_reset(c);
  o.res.bits = 0;
  o.st = armjit_mc_interpret(m, c->entry, c->args, c->nargs, &o.res, &io, &err);
  if (o.st != ARMJIT_OK) fail_msg("interpret: %s (%s)", err.msg, armjit_status_name(o.st));
  o.traps = mc_gen_trap_sum();
  o.steps = io.steps;
  return o;
}

static void one(armjit_ctx *ctx, uint64_t seed, const mc_gen_options *opt, uint64_t *ops,
                uint64_t *steps) {
  mc_gen_case c;
  armjit_error err;
  armjit_status st = mc_gen(ctx, seed, opt, &c, &err);
  if (st != ARMJIT_OK) {
    char *s = c.m ? armjit_module_to_string(c.m) : NULL;
    fail_msg("seed %" PRIu64 ": generated module invalid: %d:%d %s\n%s", seed, err.line, err.col,
             err.msg, s ? s : "");
  }
  char *text = armjit_module_to_string(c.m);
  assert_non_null(text);
  armjit_module *m2 = armjit_module_parse(ctx, text, &err);
  if (!m2) fail_msg("seed %" PRIu64 ": reparse: %d:%d %s\n%s", seed, err.line, err.col, err.msg, text);
  st = armjit_module_validate(m2, &err);
  if (st != ARMJIT_OK) fail_msg("seed %" PRIu64 ": reparsed invalid: %s\n%s", seed, err.msg, text);
  char *text2 = armjit_module_to_string(m2);
  assert_non_null(text2);
  if (strcmp(text, text2) != 0)
    fail_msg("seed %" PRIu64 ": print(parse(print(m))) differs:\n%s\n----\n%s", seed, text, text2);
  outcome a = run(c.m, &c);
  uint8_t mem_a[MC_GEN_MEM];
  memcpy(mem_a, c.mem, MC_GEN_MEM);
  outcome b = run(m2, &c);
  const void *tab_a = c.tab ? armjit_mc_interp_data(c.m, c.tab) : NULL;
  const void *tab_b = c.tab ? armjit_mc_interp_data(m2, c.tab) : NULL;
  if (c.tab && (!tab_a || !tab_b))
    fail_msg("seed %" PRIu64 ": the interpreter has no data %s", seed, c.tab);
  if (!mc_gen_same(c.result, a.res, b.res) || a.traps != b.traps ||
      memcmp(mem_a, c.mem, MC_GEN_MEM) != 0 || a.steps != b.steps ||
      (c.tab && memcmp(tab_a, tab_b, MC_GEN_TAB) != 0))
    fail_msg("seed %" PRIu64 ": the re-parsed module runs differently\n%s", seed, text);
  *ops += c.nops;
  *steps += a.steps;
  free(text);
  free(text2);
  armjit_module_free(m2);
  mc_gen_free(&c);
}

static void test_random_modules(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  static const unsigned variants[] = {0, MC_GEN_NO_FLOAT | MC_GEN_NO_I64, MC_GEN_NO_CALLS,
                                      MC_GEN_NO_MEM | MC_GEN_NO_CHECKS};
  uint64_t ops = 0, steps = 0;
  unsigned n = ARMJIT_RANDOM_COUNT;
  for (unsigned k = 0; k < n; k++) {
    mc_gen_options o = {0};
    o.no = variants[k % 4];
    if (k % 7 == 0) o.max_blocks = 40;
    one(ctx, (uint64_t)ARMJIT_RANDOM_SEED * 1000003u + k, &o, &ops, &steps);
  }
  printf("mc random modules: %u generated (seed %d): all validate, round-trip and interpret; "
         "%" PRIu64 " ops, %" PRIu64 " ops interpreted\n",
         n, ARMJIT_RANDOM_SEED, ops, steps);
  armjit_ctx_free(ctx);
}

/* The generator is a function of its seed: the same seed, the same text. */
static void test_deterministic(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  for (uint64_t seed = 1; seed < 20; seed++) {
    mc_gen_case a, b;
    armjit_error err;
    assert_int_equal(mc_gen(ctx, seed, NULL, &a, &err), ARMJIT_OK);
    assert_int_equal(mc_gen(ctx, seed, NULL, &b, &err), ARMJIT_OK);
    char *ta = armjit_module_to_string(a.m), *tb = armjit_module_to_string(b.m);
    assert_string_equal(ta, tb);
    assert_memory_equal(a.init, b.init, MC_GEN_MEM);
    free(ta);
    free(tb);
    mc_gen_free(&a);
    mc_gen_free(&b);
  }
  armjit_ctx_free(ctx);
}

/* Every op of the table shows up across a few hundred modules. */
static void test_coverage(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  unsigned seen[ARMJIT_MOP__COUNT] = {0};
  for (uint64_t seed = 0; seed < 300; seed++) {
    mc_gen_case c;
    armjit_error err;
    assert_int_equal(mc_gen(ctx, seed + 777, NULL, &c, &err), ARMJIT_OK);
    char *t = armjit_module_to_string(c.m);
    for (unsigned op = 0; op < ARMJIT_MOP__COUNT; op++) {
      static const char *const names[] = {
#define N_(N, t, s, a, r, n, f) t,
          ARMJIT_MOPS(N_)
#undef N_
      };
      char pat[40];
      snprintf(pat, sizeof pat, " %s", names[op]);
      for (const char *q = t; (q = strstr(q, pat)) != NULL; q++) {
        char nx = q[strlen(pat)];
        if (nx == '.' || nx == ' ' || nx == '\n') { seen[op]++; break; }
      }
    }
    free(t);
    mc_gen_free(&c);
  }
  /* the hardware intrinsics are tested on their own (test_mc_kinds.c) */
  bool hw[ARMJIT_MOP__COUNT] = {false};
#define HW_(N, t, s, a, r, n, f) hw[ARMJIT_MOP_##N] = true;
  ARMJIT_MOPS_INTRINSICS(HW_)
#undef HW_
  for (unsigned op = 0; op < ARMJIT_MOP__COUNT; op++)
    if (!seen[op] && !hw[op]) fail_msg("op %u never generated", op);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_modules),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_coverage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
