/* SPDX-License-Identifier: MIT */
/* Random traces through the IR front end: each generated trace must
 * validate, survive print -> parse -> print unchanged, and interpret to
 * the same result before and after the round trip.  Also checks that the
 * generator covers every opcode (the differential tests rely on it).
 * Count: ARMJIT_RANDOM_COUNT (env ARMJIT_COUNT), seed ARMJIT_RANDOM_SEED
 * (env ARMJIT_SEED). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "ir/ir.h"
#include "ir_support.h"
#include "randenv.h"
#include "randframe.h"
#include "randtrace.h"

static const char *const op_names[] = {
#define NAME(name, text, args, res, flags) text,
    ARMJIT_OPS(NAME)
#undef NAME
};

typedef struct {
  uint64_t seed;
  unsigned count;
} params;

static uint64_t env_u64(const char *name, uint64_t def) {
  const char *s = getenv(name);
  return s && *s ? strtoull(s, NULL, 0) : def;
}

static void dump(const char *what, uint64_t seed, unsigned i, const rt_trace *g,
                 armjit_trace *t, const armjit_error *err) {
  fprintf(stderr, "seed %llu index %u: %s%s%s\n", (unsigned long long)seed, i, what,
          err ? ": " : "", err ? err->msg : "");
  rt_print_args_header(stderr, g);
  armjit_trace_print(t, stderr);
}

static void test_roundtrip(void **state) {
  const params *p = *state;
  armjit_error err;
  armjit_ctx *ctx = rt_ctx_new(NULL); /* with the helpers' symbols */
  assert_non_null(ctx);
  unsigned long opcount[ARMJIT_OP__COUNT] = {0}, exitcount[ARMJIT_OP__COUNT] = {0};
  unsigned exits_finish = 0, exits_counter = 0, exits_guard = 0, loops = 0, envs = 0, wides = 0;
  unsigned pypys = 0;
  unsigned long pypy_ops = 0;
  unsigned long ops_total = 0, iters_total = 0;

  for (unsigned i = 0; i < p->count; i++) {
    rt_rng r;
    rt_rng_seed(&r, rt_trace_seed(p->seed, i));
    rt_config cfg;
    rt_config_random(&r, &cfg);
    if (rt_chance(&r, 40)) cfg.wide_pct = 5 + rt_below(&r, 40); /* i64 and f32 */
    rt_trace g;
    assert_true(rt_generate(&r, &cfg, ctx, &g));
    loops += g.loop;
    envs += g.env;
    wides += rt_uses_wide(&g);
    uint32_t np = rt_count_pypy_ops(&g);
    pypys += np != 0;
    pypy_ops += np;
    for (uint32_t k = 0; k < g.nops; k++) opcount[g.ops[k].opc]++;
    ops_total += g.nops;

    armjit_trace *t = rt_build(ctx, &g, false);
    assert_non_null(t);
    if (armjit_trace_validate(t, &err) != ARMJIT_OK) {
      dump("generated trace does not validate", p->seed, i, &g, t, &err);
      fail();
    }
    char *s1 = armjit_trace_to_string(t);
    assert_non_null(s1);
    armjit_trace *t2 = armjit_trace_parse(ctx, s1, &err);
    if (!t2) {
      dump("printed trace does not parse", p->seed, i, &g, t, &err);
      fprintf(stderr, "at %d:%d\n", err.line, err.col);
      fail();
    }
    char *s2 = armjit_trace_to_string(t2);
    assert_non_null(s2);
    if (strcmp(s1, s2) != 0) {
      fprintf(stderr, "seed %llu index %u: print/parse/print differs\n--- first\n%s"
              "--- second\n%s", (unsigned long long)p->seed, i, s1, s2);
      fail();
    }
    irs_assert_same_trace(t, t2);

    uint32_t cap = rt_ninputs(&g) + 64;
    for (uint32_t k = 0; k < g.nops; k++)
      if (g.ops[k].nlist + 1 > cap) cap = g.ops[k].nlist + 1;
    /* memory and calls: both runs start from the same arena, and must
     * leave the same arena and pending exception behind */
    rt_env env, *e = NULL;
    if (g.env) {
      assert_true(rt_env_init(&env, g.env_seed));
      e = &env;
    }
    armjit_frame *f1 = rt_frame(ctx, &g, e, cap), *f2 = rt_frame(ctx, &g, e, cap);
    assert_non_null(f1);
    assert_non_null(f2);
    armjit_clear_exception(ctx);
    armjit_status st1 = armjit_interpret(t, f1, 10000000, &err);
    if (st1 != ARMJIT_OK) {
      dump("interpreter failed", p->seed, i, &g, t, &err);
      fail();
    }
    uintptr_t exc1 = armjit_exception(ctx);
    if (e) {
      memcpy(e->after, e->arena, RT_NOBJS * RT_OBJ_SIZE);
      rt_env_reset(e);
    }
    armjit_clear_exception(ctx);
    armjit_status st2 = armjit_interpret(t2, f2, 10000000, &err);
    assert_int_equal(st2, ARMJIT_OK);
    char why[160] = "";
    bool same = irs_frames_equal(t, f1, f2, why, sizeof why) &&
                (!e || rt_env_same_memory(e, why, sizeof why)) &&
                exc1 == armjit_exception(ctx);
    armjit_clear_exception(ctx);
    if (e) rt_env_free(e);
    if (!same) {
      dump("re-parsed trace interprets differently", p->seed, i, &g, t, NULL);
      fprintf(stderr, "%s\noriginal:  ", why);
      rt_print_frame(stderr, t, f1);
      fprintf(stderr, "re-parsed: ");
      rt_print_frame(stderr, t2, f2);
      fail();
    }

    armjit_exit_info info;
    assert_int_equal(armjit_trace_exit_info(t, f1->exit_id, &info), ARMJIT_OK);
    if (info.kind == ARMJIT_EXIT_FINISH) {
      exits_finish++;
    } else {
      int32_t op = rt_exit_op(&g, f1->exit_id);
      assert_true(op >= 0);
      exitcount[g.ops[op].opc]++;
      if (g.ops[op].flags & RT_OPF_COUNTER) {
        exits_counter++;
        /* the counter guard exits after the trip count: g.input[counter] */
        iters_total += (unsigned long)g.input[g.counter].i;
      } else {
        exits_guard++;
      }
    }
    armjit_frame_free(ctx, f1);
    armjit_frame_free(ctx, f2);
    free(s1);
    free(s2);
    armjit_trace_free(t);
    armjit_trace_free(t2);
    rt_trace_clear(&g);
  }

  unsigned missing = 0;
  /* every op, memory and calls included (the arena and helpers of
   * randenv.h give them real memory and functions) */
  for (int k = 0; k < ARMJIT_OP__COUNT; k++)
    if (!opcount[k] && k != ARMJIT_OP_CALL_ASSEMBLER && /* needs a second trace: the
                                                           callasm tests */
        !(ir_info((unsigned)k)->flags & ARMJIT_OPF_GC) && k != ARMJIT_OP_KEEPALIVE) {
      /* (the GC ops need a collector: arm_random_diff's GC traces) */
      fprintf(stderr, "generator never produced %s\n", op_names[k]);
      missing++;
    }
  /* and every guard kind is seen failing (runs reach it and take it);
   * guard_not_invalidated fails only in an invalidated loop, which the
   * bridge sets of arm_random_diff make */
  printf("guard exits taken:");
  for (int k = 0; k < ARMJIT_OP__COUNT; k++)
    if (rt_is_exit((unsigned)k) && k != ARMJIT_OP_FINISH && k != ARMJIT_OP_GUARD_NOT_INVALIDATED) {
      printf(" %s %lu", op_names[k], exitcount[k]);
      if (!exitcount[k]) missing++;
    }
  printf("\n");
  printf("random IR with i64 or f32 values: %u traces\n", wides);
  printf("random IR with PyPy's low-level ops (ARMJIT_OPS_PYPY): %u traces, %lu ops:", pypys,
         pypy_ops);
#define PRINT_PYPY(name, text, args, r, flags) printf(" %s %lu", text, opcount[ARMJIT_OP_##name]);
  ARMJIT_OPS_PYPY(PRINT_PYPY)
#undef PRINT_PYPY
  printf("\n");
  printf("random IR: %u traces (%u loops, %u with memory/calls), %lu ops; exits: %u finish, "
         "%u trip counter (%lu iterations), %u other guards; seed: %llu\n",
         p->count, loops, envs, ops_total, exits_finish, exits_counter, iters_total,
         exits_guard, (unsigned long long)p->seed);
  armjit_ctx_free(ctx);
  /* coverage only means something over a decent number of traces */
  if (p->count >= 500) assert_int_equal(missing, 0);
}

int main(void) {
  params p = {env_u64("ARMJIT_SEED", ARMJIT_RANDOM_SEED),
              (unsigned)env_u64("ARMJIT_COUNT", ARMJIT_RANDOM_COUNT)};
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_prestate(test_roundtrip, &p),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
