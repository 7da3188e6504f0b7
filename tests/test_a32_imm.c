/* SPDX-License-Identifier: MIT */
/* test_a32_imm.c — the modified-immediate helpers of the A32 assembler
 * (ARM ARM A5.2.4: an 8-bit value rotated right by an even amount):
 * a32_modimm's encodings, a32_modimm_inverse's ADD/SUB, ADC/SBC, CMP/CMN,
 * AND/BIC and MOV/MVN swaps, and a32_modimm_ceil, the smallest
 * modified immediate at or above a value (frame sizes). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "armjit/a32.h"

/* a32_modimm_ceil: the least encodable value at or above v, checked by
 * scanning every value in between (a frame size rounds up by it). */
static void test_modimm_ceil(void **state) {
  (void)state;
  assert_int_equal(a32_modimm_ceil(0), 0);
  assert_int_equal(a32_modimm_ceil(0x3fc), 0x3fc);
  assert_int_equal(a32_modimm_ceil(0x3f8), 0x3f8);
  assert_int_equal(a32_modimm_ceil(0x401), 0x410);
  assert_int_equal(a32_modimm_ceil(0xff000000u), 0xff000000u);
  assert_int_equal(a32_modimm_ceil(0xff000001u), 0);
  uint32_t x = 12345u;
  for (unsigned i = 0; i < 3000; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    uint32_t v = i < 1500 ? i * 8u : x >> (i % 20);
    uint32_t c = a32_modimm_ceil(v);
    if (v > 0xff000000u) continue;
    assert_true(c >= v);
    assert_true(a32_modimm(c) >= 0);
    assert_true(c - v <= v / 63 + 3);
    for (uint32_t w = v; w < c && w - v < 4096; w++) assert_true(a32_modimm(w) < 0);
  }
}

static void test_modimm(void **state) {
  (void)state;
  assert_int_equal(a32_modimm(0), 0);
  assert_int_equal(a32_modimm(0xff), 0xff);
  assert_int_equal(a32_modimm(0xff000000u), 0x4ff);
  assert_int_equal(a32_modimm(0x3fc), 0xfff);
  assert_int_equal(a32_modimm(0x101), -1);
  assert_int_equal(a32_modimm(0xffffffffu), -1);
  a32_dp_op op = A32_ADD;
  uint32_t v = 0xffffffffu;
  assert_true(a32_modimm_inverse(&op, &v));
  assert_int_equal(op, A32_SUB);
  assert_int_equal(v, 1);
  op = A32_ADC, v = 0xfffffff0u;
  assert_true(a32_modimm_inverse(&op, &v));
  assert_int_equal(op, A32_SBC);
  assert_int_equal(v, 0xf);
  op = A32_CMP, v = 0xffffff00u;
  assert_true(a32_modimm_inverse(&op, &v));
  assert_int_equal(op, A32_CMN);
  assert_int_equal(v, 0x100);
  op = A32_AND, v = 0xfffffeffu;
  assert_true(a32_modimm_inverse(&op, &v));
  assert_int_equal(op, A32_BIC);
  assert_int_equal(v, 0x100);
  op = A32_MVN, v = 0xffff00ffu;
  assert_true(a32_modimm_inverse(&op, &v));
  assert_int_equal(op, A32_MOV);
  assert_int_equal(v, 0xff00);
  op = A32_ADD, v = 4; /* already encodable: unchanged */
  assert_true(a32_modimm_inverse(&op, &v));
  assert_int_equal(op, A32_ADD);
  assert_int_equal(v, 4);
  op = A32_ORR, v = 0xffffff00u; /* no inverse */
  assert_false(a32_modimm_inverse(&op, &v));
  assert_int_equal(op, A32_ORR);
  op = A32_ADD, v = 0x12345678; /* neither */
  assert_false(a32_modimm_inverse(&op, &v));
  assert_int_equal(v, 0x12345678);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_modimm),
      cmocka_unit_test(test_modimm_ceil),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
