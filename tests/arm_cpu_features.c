/* SPDX-License-Identifier: MIT */
/* CPU feature detection comes from AT_HWCAP.  ctest runs this binary under
 * several qemu CPU models (see tests/CMakeLists.txt) with ARMJIT_EXPECT set
 * to what that model has, so both sides of every feature are checked. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"

static void test_detect_matches_expected(void **state) {
  (void)state;
  unsigned f = armjit_detect_features();
  printf("detected:%s%s%s%s\n", f & A32_FEAT_VFPV3 ? " vfpv3" : "",
         f & A32_FEAT_D32 ? " d32" : "", f & A32_FEAT_NEON ? " neon" : "",
         f & A32_FEAT_IDIV ? " idiv" : "");
  assert_true(f & A32_FEAT_VFPV3); /* every ARMv7-A target we support */
  const char *exp = getenv("ARMJIT_EXPECT");
  if (!exp) return; /* native run: nothing more to compare with */
  assert_int_equal(!!(f & A32_FEAT_IDIV), strstr(exp, "idiv") != NULL);
  assert_int_equal(!!(f & A32_FEAT_NEON), strstr(exp, "neon") != NULL);
  assert_int_equal(!!(f & A32_FEAT_D32), strstr(exp, "d32") != NULL);
}

static void test_override_beats_detection(void **state) {
  (void)state;
  armjit_options o = {0};
  o.flags = ARMJIT_FEATURES_SET;
  o.features = A32_FEAT_VFPV3;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  assert_int_equal(armjit_ctx_features(ctx), A32_FEAT_VFPV3);
  armjit_ctx_free(ctx);

  o.features = A32_FEAT_ALL;
  o.flags = ARMJIT_FEATURES_SET | ARMJIT_NO_IDIV;
  ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  assert_int_equal(armjit_ctx_features(ctx) & A32_FEAT_IDIV, 0);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect_matches_expected),
      cmocka_unit_test(test_override_beats_detection),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
