/* SPDX-License-Identifier: MIT */
/* Recovery data of compiled random traces: every exit's string decodes
 * (rec_next, the decoder every reader uses) to exactly its values and
 * ends there, and the data stays compact: at most 2 bytes per fail arg
 * over all traces, identical maps stored once.  Prints the totals
 * ("recovery: ..."; make check's summary shows them).
 * Count: ARMJIT_RANDOM_COUNT (env ARMJIT_COUNT), seed ARMJIT_RANDOM_SEED
 * (env ARMJIT_SEED). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "armjit.h"
#include "cg/recovery.h"
#include "randtrace.h"
#include "rt/loop.h"

static uint64_t env_u64(const char *name, uint64_t def) {
  const char *s = getenv(name);
  return s && *s ? strtoull(s, NULL, 0) : def;
}

static void random_traces_compact(void **state) {
  (void)state;
  uint64_t seed = env_u64("ARMJIT_SEED", ARMJIT_RANDOM_SEED);
  unsigned count = (unsigned)env_u64("ARMJIT_COUNT", ARMJIT_RANDOM_COUNT);
  armjit_ctx *ctx = rt_ctx_new(NULL);
  assert_non_null(ctx);
  size_t bytes = 0, fail = 0, maps = 0, shared = 0, unshared = 0, loops = 0;
  for (unsigned i = 0; i < count; i++) {
    rt_rng r;
    rt_rng_seed(&r, rt_trace_seed(seed, i));
    rt_config cfg;
    rt_config_random(&r, &cfg);
    cfg.repair = 0; /* compiled only, never run */
    rt_trace g;
    assert_true(rt_generate(&r, &cfg, NULL, &g));
    armjit_trace *t = rt_build(ctx, &g, false);
    armjit_error err;
    armjit_loop *l = t ? armjit_compile_loop(ctx, t, &err) : NULL;
    if (!l) fail_msg("seed %llu index %u: %s", (unsigned long long)seed, i, t ? err.msg : "build");
    for (uint32_t x = 0; x < l->nexits; x++) {
      const ajx_exit_meta *em = &l->emeta[x];
      const uint8_t *p = l->rec + em->rec, *end = p + em->rec_len;
      rec_entry e;
      for (uint32_t k = 0; k < em->nvalues; k++) {
        assert_true(rec_next(&p, end, &e));
        bool f = em->types[k] == ARMJIT_FLOAT;
        if (e.tag == REC_REG || e.tag == REC_SLOT)
          assert_int_equal(f, e.kind == REC_K_VFP || e.kind == REC_K_FSLOT);
        if (e.tag == REC_CONST) assert_true(e.index < l->meta.nconsts);
      }
      assert_true(rec_at_end(p, end));
      assert_false(rec_next(&p, end, &e));
    }
    armjit_recovery_stats s;
    armjit_loop_recovery_stats(l, &s);
    assert_true(s.shared <= s.maps && s.maps <= l->nexits);
    assert_true(s.bytes <= s.unshared_bytes + 1);
    bytes += s.bytes;
    fail += s.fail_args;
    maps += s.maps;
    shared += s.shared;
    unshared += s.unshared_bytes;
    loops += g.loop;
    armjit_loop_free(l);
    armjit_trace_free(t);
    rt_trace_clear(&g);
  }
  printf("recovery: %u random traces (%zu loops), %zu bytes for %zu fail args "
         "(%.2f bytes per fail arg, %.2f unshared), %zu of %zu maps shared (%.0f%%)\n",
         count, loops, bytes, fail, fail ? (double)bytes / (double)fail : 0.0,
         fail ? (double)unshared / (double)fail : 0.0, shared, maps,
         maps ? 100.0 * (double)shared / (double)maps : 0.0);
  assert_true(fail > 0);
  assert_true(bytes <= 2 * fail);
  armjit_recovery_stats none;
  armjit_loop_recovery_stats(NULL, &none);
  assert_true(none.bytes == 0 && none.fail_args == 0 && none.maps == 0);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(random_traces_compact)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
