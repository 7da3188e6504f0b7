/* SPDX-License-Identifier: MIT */
/* The method compiler on a non-ARM host: a cross compiler.  Modules
 * compile to A32 objects (both ABIs, with and without IDIV), the listing
 * shows each function, loading is refused with ARMJIT_E_UNSUPPORTED, and
 * random modules go through the code generator under the sanitizers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"
#include "mc_gen.h"

static const char text[] =
    "extern @c_helper(i32) -> i32\n"
    "func @f(a: i32, b: i64, x: f64) -> f64 {\n"
    "entry:\n"
    "  q = sdiv.i32 a, 7\n"
    "  r = call @c_helper(q)\n"
    "  w = sext_i64 r\n"
    "  s = add.i64 w, b\n"
    "  d = sitofp.f64 s\n"
    "  y = fmul.f64 d, x\n"
    "  ret y\n"
    "}\n";

static void test_cross_compile(void **state) {
  (void)state;
  for (int abi = ARMJIT_ABI_HARD; abi <= ARMJIT_ABI_SOFT; abi++)
    for (int idiv = 0; idiv < 2; idiv++) {
      armjit_options o;
      memset(&o, 0, sizeof o);
      o.abi = (armjit_abi)abi;
      o.flags = ARMJIT_FEATURES_SET;
      o.features = A32_FEAT_VFPV3 | (idiv ? A32_FEAT_IDIV : 0);
      armjit_error err;
      armjit_ctx *ctx = armjit_ctx_new(&o, &err);
      assert_non_null(ctx);
      armjit_module *m = armjit_module_parse(ctx, text, &err);
      assert_non_null(m);
      armjit_object *obj = armjit_module_compile(m, &err);
      if (!obj) fail_msg("compile: %s", err.msg);
      assert_true(armjit_object_size(obj) > 40);
      char *buf = NULL;
      size_t len = 0;
      FILE *f = open_memstream(&buf, &len);
      armjit_status st = armjit_object_dis(obj, f);
      fclose(f);
      if (st == ARMJIT_OK) {
        assert_non_null(strstr(buf, "@f: "));
        assert_non_null(strstr(buf, "# q = sdiv.i32 a, 7"));
        /* SDIV only with the feature; otherwise the helper is called */
        assert_int_equal(strstr(buf, "sdiv r") != NULL, idiv != 0);
        assert_non_null(strstr(buf, "blx ip"));
      } else {
        assert_int_equal(st, ARMJIT_E_UNSUPPORTED); /* built without capstone */
      }
      free(buf);
      /* loading needs ARM */
      armjit_mcode *code = armjit_object_load(obj, &err);
      assert_null(code);
      assert_int_equal(err.code, ARMJIT_E_UNSUPPORTED);
      assert_non_null(strstr(err.msg, "ARM"));
      armjit_object_free(obj);
      armjit_module_free(m);
      armjit_ctx_free(ctx);
    }
}

static void test_bad_module(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_module *m = armjit_module_parse(ctx, "func @f() -> i32 {\nentry:\n  ret 1.5\n}\n", &err);
  if (m) {
    assert_null(armjit_module_compile(m, &err));
    assert_int_not_equal(err.code, ARMJIT_OK);
    armjit_module_free(m);
  }
  assert_null(armjit_module_compile(NULL, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_null(armjit_object_load(NULL, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_null(armjit_mcode_symbol(NULL, "f"));
  armjit_ctx_free(ctx);
}

/* Random modules through the code generator under the sanitizers (the
 * host build): every allocation mode, both ABIs, with and without IDIV. */
static void test_compile_random(void **state) {
  (void)state;
  unsigned compiled = 0;
  size_t bytes = 0;
  for (int cfg = 0; cfg < 4; cfg++) {
    armjit_options o;
    memset(&o, 0, sizeof o);
    o.abi = cfg & 1 ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD;
    o.flags = ARMJIT_FEATURES_SET | (cfg & 2 ? ARMJIT_RANDOM_RA : 0);
    o.features = A32_FEAT_VFPV3 | (cfg & 1 ? 0 : A32_FEAT_IDIV);
    o.seed = (uint32_t)cfg;
    armjit_error err;
    armjit_ctx *ctx = armjit_ctx_new(&o, &err);
    assert_non_null(ctx);
    mc_gen_register(ctx);
    for (uint64_t seed = 0; seed < 100; seed++) {
      mc_gen_case c;
      mc_gen_options g = {4, 40, 12, 4, 0};
      if (mc_gen(ctx, seed * 7919 + (uint64_t)cfg, seed & 1 ? &g : NULL, &c, &err) != ARMJIT_OK)
        fail_msg("generator: %s", err.msg);
      armjit_object *obj = armjit_module_compile(c.m, &err);
      if (!obj) fail_msg("seed %llu: %s", (unsigned long long)seed, err.msg);
      bytes += armjit_object_size(obj);
      compiled++;
      armjit_object_free(obj);
      mc_gen_free(&c);
    }
    armjit_ctx_free(ctx);
  }
  print_message("random IR modules compiled on the host: %u (%zu bytes of code)\n", compiled, bytes);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cross_compile),
      cmocka_unit_test(test_bad_module),
      cmocka_unit_test(test_compile_random),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
