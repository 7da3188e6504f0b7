/* SPDX-License-Identifier: MIT */
/* Value names (ir_val_name) are formatted without snprintf for speed: they
 * must give exactly snprintf's text, truncation included, for variables
 * of every type and int constants at the extremes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ir/ir_impl.h"
#include "ir_support.h"

/* Compares ir_val_name with the oracle text for every buffer size up to
 * one more than the text needs (0 included: nothing may be written). */
static void check(const armjit_trace *t, ir_ref r, const char *text) {
  size_t full = strlen(text);
  for (size_t n = 0; n <= full + 1; n++) {
    char got[32], want[32];
    memset(got, '#', sizeof got);
    memset(want, '#', sizeof want);
    ir_val_name(t, NULL, r, got, n);
    snprintf(want, n, "%s", text);
    assert_memory_equal(got, want, sizeof got);
  }
}

static void test_val_names_match_snprintf(void **state) {
  (void)state;
  armjit_ctx *ctx = irs_ctx();
  armjit_trace *t = armjit_trace_new(ctx);
  assert_non_null(t);
  const armjit_type types[] = {ARMJIT_INT, ARMJIT_REF, ARMJIT_FLOAT};
  const char letters[] = {'i', 'p', 'f'};
  for (unsigned k = 0; k < 3; k++) {
    ir_ref v = armjit_input(t, types[k]);
    char want[32];
    snprintf(want, sizeof want, "%c%" PRId32, letters[k], v);
    check(t, v, want);
  }
  const int32_t ints[] = {0, 1, -1, 9, 10, -10, 123456789, INT32_MAX, INT32_MIN};
  for (unsigned k = 0; k < sizeof ints / sizeof *ints; k++) {
    ir_ref c = armjit_const_int(t, ints[k]);
    char want[32];
    snprintf(want, sizeof want, "%" PRId32, ints[k]);
    check(t, c, want);
  }
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_val_names_match_snprintf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
