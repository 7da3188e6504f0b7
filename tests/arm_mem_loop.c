/* SPDX-License-Identifier: MIT */
/* Loops over arrays, compiled against the interpreter, and the quality of
 * their code: an item load with a variable index must be one instruction
 * with scaled register addressing ([p, i, lsl #2]) when the array starts
 * at offset 0, and at most two otherwise; the whole iteration stays a
 * handful of instructions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "memcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

enum { N = 1000 };

typedef struct {
  armjit_type type;
  int32_t base;
} lspec;

/* [p, n, i, s]
 * label(p, n, i, s)
 * x = getarrayitem_raw(p, i, descr=A)        op 1
 * s2 = int_add(s, x) | float_add(s, x)       op 2
 * i2 = int_add(i, 1)
 * c = int_lt(i2, n)
 * guard_true(c) [s2, i2]
 * jump(p, n, i2, s2)                          op 6 */
static armjit_trace *build_sum(armjit_ctx *ctx, const void *ud) {
  const lspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  bool f = s->type == ARMJIT_FLOAT;
  armjit_val p = armjit_input(t, ARMJIT_REF), n = armjit_input(t, ARMJIT_INT),
             i = armjit_input(t, ARMJIT_INT), acc = armjit_input(t, s->type);
  int d = armjit_descr_array(
      t, &(armjit_array_descr){s->base, f ? 8 : 4, !f, s->type, false, 0});
  int l = armjit_label(t, (armjit_val[]){p, n, i, acc}, 4);
  armjit_val x = armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_RAW, (armjit_val[]){p, i}, 2, d);
  armjit_val s2 = armjit_op(t, f ? ARMJIT_OP_FLOAT_ADD : ARMJIT_OP_INT_ADD,
                            (armjit_val[]){acc, x}, 2);
  armjit_val i2 = armjit_op(t, ARMJIT_OP_INT_ADD, (armjit_val[]){i, armjit_const_int(t, 1)}, 2);
  armjit_val c = armjit_op(t, ARMJIT_OP_INT_LT, (armjit_val[]){i2, n}, 2);
  armjit_guard(t, ARMJIT_OP_GUARD_TRUE, &c, 1, (armjit_val[]){s2, i2}, 2);
  armjit_jump(t, l, (armjit_val[]){p, n, i2, s2}, 4);
  return t;
}

/* Is w an LDR with a register offset shifted left by k? */
static bool is_ldr_scaled(uint32_t w, unsigned k) {
  return (w & 0x0e500010u) == 0x06100000u  /* LDR (register), word */
         && (w >> 23 & 1) == 1             /* add the index */
         && (w >> 5 & 3) == 0              /* LSL */
         && (w >> 7 & 31) == k;
}

static void check_sum(armjit_type type, int32_t base) {
  lspec s = {type, base};
  bool f = type == ARMJIT_FLOAT;
  size_t bytes = (size_t)N * 8 + 64;
  uint8_t *mem = aligned_alloc(16, bytes), *init = malloc(bytes);
  assert_non_null(mem);
  assert_non_null(init);
  for (size_t k = 0; k < bytes; k++) init[k] = (uint8_t)(k * 29u + 3u);
  for (int k = 0; k < N; k++) {  /* items: small ints / finite doubles */
    size_t at = 32 + (size_t)k * (f ? 8 : 4);
    if (f) {
      double v = k * 0.5 - 17.25;
      memcpy(init + at, &v, 8);
    } else {
      int32_t v = k * 7919 - 3000000;
      memcpy(init + at, &v, 4);
    }
  }
  mc_region r = {mem, bytes, init};
  jc_case c;
  jc_init(&c, build_sum, &s, ARMJIT_RANDOM_SEED);
  uintptr_t p = (uintptr_t)mem + 32 - (uintptr_t)(intptr_t)base;
  armjit_value in[4] = {irs_r(p), irs_i(N), irs_i(0), f ? irs_f(0.0) : irs_i(0)};
  assert_int_equal(mc_run(&c, in, &r, 1), 0);
  assert_int_equal(c.fc->values[1].i, N);

  /* code quality in the default variant */
  const armjit_loop *loop = c.loop[JC_DEFAULT];
  size_t size;
  const uint8_t *code = armjit_loop_code(loop, &size);
  long ld = armjit_loop_op_offset(loop, 1), next = armjit_loop_op_offset(loop, 2);
  long jump = armjit_loop_op_offset(loop, 6);
  assert_true(ld >= 0 && next > ld && jump > next);
  long nld = (next - ld) / 4;
  if (base == 0 && !f) {
    assert_int_equal(nld, 1);
    uint32_t w;
    memcpy(&w, code + ld, 4);
    assert_true(is_ldr_scaled(w, 2));
  } else {
    /* add ip, p, i, lsl #k; then the load with base folded, unless the
     * base needs one more add */
    bool fits = f ? base % 4 == 0 && base >= -1020 && base <= 1020 : base >= -4095 && base <= 4095;
    assert_true(nld <= (fits ? 2 : 3));
  }
  /* load, add, add, cmp+b: the jump itself may need no moves at all */
  assert_true((jump - ld) / 4 <= nld + 4);
  jc_free(&c);
  free(mem);
  free(init);
}

static void test_int_sum_loop(void **state) {
  (void)state;
  check_sum(ARMJIT_INT, 0);
  check_sum(ARMJIT_INT, 8);
  check_sum(ARMJIT_INT, -4096);
}

static void test_float_sum_loop(void **state) {
  (void)state;
  check_sum(ARMJIT_FLOAT, 0);
  check_sum(ARMJIT_FLOAT, 16);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_int_sum_loop),
      cmocka_unit_test(test_float_sum_loop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
