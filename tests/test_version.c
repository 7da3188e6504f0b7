/* SPDX-License-Identifier: MIT */
/* The version: the header's macros, the library's armjit_version() and the
 * build's project(VERSION) (passed in as ARMJIT_EXPECT_VERSION) agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "armjit.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static void macros_match_build(void **state) {
  (void)state;
  assert_string_equal(ARMJIT_VERSION_STRING, ARMJIT_EXPECT_VERSION);
  char buf[64];
  snprintf(buf, sizeof buf, "%d.%d.%d", ARMJIT_VERSION_MAJOR, ARMJIT_VERSION_MINOR,
           ARMJIT_VERSION_PATCH);
  assert_string_equal(buf, ARMJIT_VERSION_STRING);
  assert_int_equal(ARMJIT_VERSION_NUMBER,
                   ARMJIT_VERSION_MAJOR * 10000 + ARMJIT_VERSION_MINOR * 100 + ARMJIT_VERSION_PATCH);
  /* The macros are plain integers usable in #if. */
#if ARMJIT_VERSION_NUMBER < 100
  fail_msg("version number %d below 0.1.0", ARMJIT_VERSION_NUMBER);
#endif
  assert_string_equal(STR(ARMJIT_VERSION_MAJOR) "." STR(ARMJIT_VERSION_MINOR) "." STR(
                          ARMJIT_VERSION_PATCH),
                      ARMJIT_VERSION_STRING);
}

static void library_matches_header(void **state) {
  (void)state;
  const char *v = armjit_version();
  assert_non_null(v);
  assert_string_equal(v, ARMJIT_VERSION_STRING);
  assert_ptr_equal(armjit_version(), v); /* a constant, not a fresh buffer */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(macros_match_build),
      cmocka_unit_test(library_matches_header),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
