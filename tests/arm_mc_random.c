/* SPDX-License-Identifier: MIT */
/* Random differential testing of the method compiler: modules from the
 * generator (tests/support/mc_gen.h: random CFGs with bounded loops, block
 * parameters, every part-1 op and type, calls between the functions,
 * indirect calls, C helpers, checks) compiled, loaded and run on ARM, and
 * compared with the reference interpreter: the result, the memory buffer
 * and the sum of the trap codes.  Default allocation and randomized
 * allocation (ARMJIT_RANDOM_RA), also without IDIV, and bigger functions.
 * Each module is also run through the callee-saved sentinel harness
 * (tests/support/sentinel.h), by an @__adapt function added to it that
 * loads the arguments from memory, calls the entry and stores its result:
 * r4-r11 and d8-d15 must survive every generated function.
 *
 * Count: ARMJIT_COUNT in the environment, else ARMJIT_RANDOM_COUNT (the
 * build's, 2000); seed: ARMJIT_SEED, else ARMJIT_RANDOM_SEED.  A mismatch
 * prints its seed and module; `make fuzz-mc` runs longer campaigns. */
#include "arm_mc_harness.h"
#include "mc_gen.h"
#include "sentinel.h"

#ifndef ARMJIT_RANDOM_COUNT
#define ARMJIT_RANDOM_COUNT 2000
#endif
#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

static unsigned long env_or(const char *name, unsigned long dflt) {
  const char *s = getenv(name);
  return s && *s ? strtoul(s, NULL, 0) : dflt;
}

typedef struct {
  unsigned flags;
  const char *label;
  mc_gen_options gen; /* zero: the generator's defaults */
} mode;

static armjit_memk memk_of(armjit_mtype t) {
  switch (t) {
  case ARMJIT_T_I64: return ARMJIT_MEM_I64;
  case ARMJIT_T_F32: return ARMJIT_MEM_F32;
  case ARMJIT_T_F64: return ARMJIT_MEM_F64;
  case ARMJIT_T_REF: return ARMJIT_MEM_REF;
  default: return ARMJIT_MEM_I32;
  }
}

/* func @__adapt(p: ref, q: ref) -> i32: the entry's arguments from p
 * (8 bytes each), its result to q. */
static void add_adapter(mc_gen_case *c) {
  armjit_mtype pt[2] = {ARMJIT_T_REF, ARMJIT_T_REF};
  armjit_sym f = armjit_func_new(c->m, "__adapt", pt, 2, ARMJIT_T_I32);
  armjit_block b = armjit_func_entry(c->m, f);
  armjit_val p = armjit_block_param(c->m, b, 0), q = armjit_block_param(c->m, b, 1);
  armjit_val a[MC_GEN_MAX_ARGS];
  for (unsigned k = 0; k < c->nargs; k++)
    a[k] = armjit_load(c->m, b, memk_of(c->types[k]), p, ARMJIT_NOVAL, 0, (int32_t)(8 * k), 0);
  armjit_val r = armjit_call(c->m, b, armjit_module_find(c->m, c->entry), a, c->nargs);
  if (c->result != ARMJIT_T_VOID) armjit_store(c->m, b, memk_of(c->result), q, ARMJIT_NOVAL, 0, 0, r, 0);
  armjit_ret(c->m, b, armjit_mconst_i32(c->m, f, 0));
}

static void run_mode(const mode *md, unsigned long count, unsigned long seed0) {
  armjit_ctx *ctx = mch_ctx(md->flags);
  mc_gen_register(ctx);
  armjit_error herr;
  armjit_code *h = ajt_sentinel_harness(ctx, &herr);
  assert_non_null(h);
  unsigned long compared = 0, mismatches = 0, ops = 0, runs = 0, tabs = 0;
  uint64_t events0 = mc_gen_exc_events();
  uint8_t *after = malloc(MC_GEN_MEM);
  assert_non_null(after);
  for (unsigned long i = 0; i < count; i++) {
    uint64_t seed = seed0 * 1000003u + i;
    mc_gen_case c;
    armjit_error err;
    if (mc_gen(ctx, seed, &md->gen, &c, &err) != ARMJIT_OK)
      fail_msg("generator, seed %llu: %s", (unsigned long long)seed, err.msg);
    add_adapter(&c);
    armjit_mcode *code = armjit_module_load(c.m, &err);
    if (!code) fail_msg("seed %llu: compile/load: %s", (unsigned long long)seed, err.msg);
    ops += c.nops;
    /* compiled */
    mc_gen_reset(&c);
    armjit_mval got = mch_ffi_call(armjit_mcode_symbol(code, c.entry), c.types, c.nargs,
                                   c.result, c.args);
    uint64_t got_traps = mc_gen_trap_sum();
    memcpy(after, c.mem, MC_GEN_MEM);
    /* the data table: as the run left it, then back to its first bytes */
    uint8_t *tab = c.tab ? armjit_mcode_symbol(code, c.tab) : NULL, tab_after[MC_GEN_TAB];
    if (c.tab && !tab) fail_msg("seed %llu: no data %s", (unsigned long long)seed, c.tab);
    if (tab) memcpy(tab_after, tab, MC_GEN_TAB), memcpy(tab, c.tab_init, MC_GEN_TAB);
    /* compiled again, through the sentinel harness */
    mc_gen_reset(&c);
    uint64_t slots[MC_GEN_MAX_ARGS], res[1] = {0};
    for (unsigned k = 0; k < c.nargs; k++) {
      slots[k] = 0;
      memcpy(&slots[k], &c.args[k], c.types[k] == ARMJIT_T_REF ? 4 : 8);
    }
    uint32_t sio[2] = {(uint32_t)(uintptr_t)slots, (uint32_t)(uintptr_t)res};
    uint32_t changed = ajt_sentinel_entry(h)(armjit_mcode_symbol(code, "__adapt"), sio);
    if (changed) {
      print_message("seed %llu: callee-saved registers changed (mask 0x%x)\n",
                    (unsigned long long)seed, changed);
      mismatches++;
    }
    armjit_mval via;
    memset(&via, 0, sizeof via);
    memcpy(&via, res, sizeof res);
    if (!mc_gen_same(c.result, got, via) || memcmp(after, c.mem, MC_GEN_MEM) != 0 ||
        (tab && memcmp(tab_after, tab, MC_GEN_TAB) != 0)) {
      print_message("seed %llu: the sentinel run differs from the direct one\n",
                    (unsigned long long)seed);
      mismatches++;
    }
    /* interpreted */
    mc_gen_reset(&c);
    armjit_mval want;
    memset(&want, 0, sizeof want);
    armjit_interp_options io = {50000000, 0, 0};
    armjit_status st = armjit_mc_interpret(c.m, c.entry, c.args, c.nargs, &want, &io, &err);
    if (st != ARMJIT_OK) fail_msg("seed %llu: interpret: %s", (unsigned long long)seed, err.msg);
    runs += 2;
    const uint8_t *itab = c.tab ? armjit_mc_interp_data(c.m, c.tab) : NULL;
    bool tab_same = !c.tab || (itab && memcmp(tab_after, itab, MC_GEN_TAB) == 0);
    tabs += c.tab != NULL;
    bool same = mc_gen_same(c.result, got, want) && memcmp(after, c.mem, MC_GEN_MEM) == 0 &&
                got_traps == mc_gen_trap_sum() && tab_same;
    if (!same) {
      char g[64], w[64];
      mch_print_val(g, sizeof g, c.result, got);
      mch_print_val(w, sizeof w, c.result, want);
      print_message("MISMATCH (%s) seed %llu: result compiled %s interpreted %s, memory %s, "
                    "traps %s, data table %s\n",
                    md->label, (unsigned long long)seed, g, w,
                    memcmp(after, c.mem, MC_GEN_MEM) ? "differs" : "same",
                    got_traps == mc_gen_trap_sum() ? "same" : "differ",
                    tab_same ? "same" : "differs");
      armjit_module_print(c.m, stdout);
      mismatches++;
    }
    compared++;
    armjit_mcode_free(code);
    mc_gen_free(&c);
  }
  free(after);
  armjit_code_free(h);
  print_message("random IR modules (method compiler, %s): %lu compared (%lu with a data "
                "table), %lu mismatches, %lu ops, %llu exception events, seed %lu\n",
                md->label, compared, tabs, mismatches, ops,
                (unsigned long long)(mc_gen_exc_events() - events0), seed0);
  armjit_ctx_free(ctx);
  assert_int_equal(mismatches, 0);
}

static void test_default(void **state) {
  (void)state;
  mode m = {0, "default allocation", {0, 0, 0, 0, 0}};
  run_mode(&m, env_or("ARMJIT_COUNT", ARMJIT_RANDOM_COUNT), env_or("ARMJIT_SEED", ARMJIT_RANDOM_SEED));
}

static void test_random_ra(void **state) {
  (void)state;
  mode m = {ARMJIT_RANDOM_RA, "random allocation", {0, 0, 0, 0, 0}};
  run_mode(&m, env_or("ARMJIT_COUNT", ARMJIT_RANDOM_COUNT),
           env_or("ARMJIT_SEED", ARMJIT_RANDOM_SEED) + 7);
}

static void test_no_idiv(void **state) {
  (void)state;
  mode m = {ARMJIT_NO_IDIV | ARMJIT_RANDOM_RA, "random allocation, no IDIV", {0, 0, 0, 0, 0}};
  run_mode(&m, env_or("ARMJIT_COUNT", ARMJIT_RANDOM_COUNT / 4),
           env_or("ARMJIT_SEED", ARMJIT_RANDOM_SEED) + 13);
}

/* Bigger functions: more blocks, longer straight pieces, deeper nesting,
 * so that values spill and cross calls in slots. */
static void test_large(void **state) {
  (void)state;
  mode m = {0, "large functions", {4, 48, 14, 4, 0}};
  run_mode(&m, env_or("ARMJIT_COUNT", ARMJIT_RANDOM_COUNT) / 4,
           env_or("ARMJIT_SEED", ARMJIT_RANDOM_SEED) + 21);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default),
      cmocka_unit_test(test_random_ra),
      cmocka_unit_test(test_no_idiv),
      cmocka_unit_test(test_large),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
