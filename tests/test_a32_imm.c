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

#include <stdbool.h>

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
  /* a32_modimm_inverse: the pair it gives, or false with both unchanged */
  static const struct {
    a32_dp_op op;
    uint32_t v;
    bool ok;
    a32_dp_op op_out;
    uint32_t v_out;
  } inv[] = {
      {A32_ADD, 0xffffffffu, true, A32_SUB, 1},
      {A32_ADC, 0xfffffff0u, true, A32_SBC, 0xf},
      {A32_CMP, 0xffffff00u, true, A32_CMN, 0x100},
      {A32_AND, 0xfffffeffu, true, A32_BIC, 0x100},
      {A32_MVN, 0xffff00ffu, true, A32_MOV, 0xff00},
      {A32_ADD, 4, true, A32_ADD, 4},                        /* already encodable */
      {A32_ORR, 0xffffff00u, false, A32_ORR, 0xffffff00u},   /* no inverse */
      {A32_ADD, 0x12345678, false, A32_ADD, 0x12345678},     /* neither */
  };
  for (size_t i = 0; i < sizeof inv / sizeof inv[0]; i++) {
    a32_dp_op op = inv[i].op;
    uint32_t v = inv[i].v;
    assert_int_equal(a32_modimm_inverse(&op, &v), inv[i].ok);
    assert_int_equal(op, inv[i].op_out);
    assert_int_equal(v, inv[i].v_out);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_modimm),
      cmocka_unit_test(test_modimm_ceil),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
