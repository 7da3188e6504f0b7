/* SPDX-License-Identifier: MIT */
/* AAPCS argument classification (src/arm/abi.c) for both ABIs, on every
 * build: signatures with their expected locations, written from the
 * standard's stage C rules (the ARM builds check the int/ref/double
 * placements against the C compiler in arm_calls.c; the i64 and f32 rows
 * were checked against the code GCC generates for the same C prototypes,
 * arm-linux-gnueabihf-gcc and arm-linux-gnueabi-gcc -O2, reading where
 * each argument is taken from).
 *
 * Notation: r2 core register, d3 VFP register, s5 single-precision VFP
 * register, r0:r1 core register pair, @8 stack offset 8 from sp at the
 * call.  Signatures: i int, r ref, f float (double), l int64_t, s float
 * (f32). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "arm/abi.h"

typedef struct {
  const char *sig;
  const char *hard;      /* expected locations under hard-float */
  unsigned hard_stack;   /* outgoing stack bytes */
  const char *soft;
  unsigned soft_stack;
} abi_case;

static const abi_case cases[] = {
    {"", "", 0, "", 0},
    {"i", "r0", 0, "r0", 0},
    {"f", "d0", 0, "r0:r1", 0},
    {"iiii", "r0 r1 r2 r3", 0, "r0 r1 r2 r3", 0},
    /* >4 ints: 4-byte stack slots, the area rounded up to 8 */
    {"iiiii", "r0 r1 r2 r3 @0", 8, "r0 r1 r2 r3 @0", 8},
    {"iiiiiii", "r0 r1 r2 r3 @0 @4 @8", 16, "r0 r1 r2 r3 @0 @4 @8", 16},
    /* a double after an odd number of ints skips r1 (soft, C.3) */
    {"if", "r0 d0", 0, "r0 r2:r3", 0},
    {"ifi", "r0 d0 r1", 0, "r0 r2:r3 @0", 8},
    {"iif", "r0 r1 d0", 0, "r0 r1 r2:r3", 0},
    {"fi", "d0 r0", 0, "r0:r1 r2", 0},
    /* double after three ints: r3 is skipped and never back-filled (C.6) */
    {"iiif", "r0 r1 r2 d0", 0, "r0 r1 r2 @0", 8},
    {"iiifi", "r0 r1 r2 d0 r3", 0, "r0 r1 r2 @0 @8", 16},
    {"iiifii", "r0 r1 r2 d0 r3 @0", 8, "r0 r1 r2 @0 @8 @12", 16},
    {"fff", "d0 d1 d2", 0, "r0:r1 r2:r3 @0", 8},
    {"ififif", "r0 d0 r1 d1 r2 d2", 0, "r0 r2:r3 @0 @8 @16 @24", 32},
    /* an int on the stack, then a double: its slot is 8-aligned (C.7) */
    {"iiiiif", "r0 r1 r2 r3 @0 d0", 8, "r0 r1 r2 r3 @0 @8", 16},
    /* eight doubles fill d0-d7; the ninth goes to the stack (C.2) while
     * later ints still get core registers (hard) */
    {"ffffffff", "d0 d1 d2 d3 d4 d5 d6 d7", 0,
     "r0:r1 r2:r3 @0 @8 @16 @24 @32 @40", 48},
    {"fffffffff", "d0 d1 d2 d3 d4 d5 d6 d7 @0", 8,
     "r0:r1 r2:r3 @0 @8 @16 @24 @32 @40 @48", 56},
    {"ffffffffffi", "d0 d1 d2 d3 d4 d5 d6 d7 @0 @8 r0", 16,
     "r0:r1 r2:r3 @0 @8 @16 @24 @32 @40 @48 @56 @64", 72},
    {"iiiiifffffffffi", "r0 r1 r2 r3 @0 d0 d1 d2 d3 d4 d5 d6 d7 @8 @16", 24,
     "r0 r1 r2 r3 @0 @8 @16 @24 @32 @40 @48 @56 @64 @72 @80", 88},
    {"ifffffffffi", "r0 d0 d1 d2 d3 d4 d5 d6 d7 @0 r1", 8,
     "r0 r2:r3 @0 @8 @16 @24 @32 @40 @48 @56 @64", 72},
    /* refs are words like ints */
    {"rifr", "r0 r1 d0 r2", 0, "r0 r1 r2:r3 @0", 8},
    {"rifrifrifrif", "r0 r1 d0 r2 r3 d1 @0 @4 d2 @8 @12 d3", 16,
     "r0 r1 r2:r3 @0 @4 @8 @16 @20 @24 @32 @36 @40", 48},
    {"fiffiirfifr", "d0 r0 d1 d2 r1 r2 r3 d3 @0 d4 @4", 8,
     "r0:r1 r2 @0 @8 @16 @20 @24 @32 @40 @48 @56", 64},
    {"ffffffffffffi", "d0 d1 d2 d3 d4 d5 d6 d7 @0 @8 @16 @24 r0", 32,
     "r0:r1 r2:r3 @0 @8 @16 @24 @32 @40 @48 @56 @64 @72 @80", 88},
    /* i64: an even/odd core pair (C.3, C.4), never a VFP register */
    {"il", "r0 r2:r3", 0, "r0 r2:r3", 0},
    {"ll", "r0:r1 r2:r3", 0, "r0:r1 r2:r3", 0},
    {"lll", "r0:r1 r2:r3 @0", 8, "r0:r1 r2:r3 @0", 8},
    {"fl", "d0 r0:r1", 0, "r0:r1 r2:r3", 0},
    /* i64 after three ints: r3 stays unused, the slot is 8-aligned, and
     * no later argument takes r3 (C.6) */
    {"iiil", "r0 r1 r2 @0", 8, "r0 r1 r2 @0", 8},
    {"iiili", "r0 r1 r2 @0 @8", 16, "r0 r1 r2 @0 @8", 16},
    {"ili", "r0 r2:r3 @0", 8, "r0 r2:r3 @0", 8},
    {"lil", "r0:r1 r2 @0", 8, "r0:r1 r2 @0", 8},
    /* an int on the stack, then an i64: 8-aligned slot (C.7) */
    {"iiiiil", "r0 r1 r2 r3 @0 @8", 16, "r0 r1 r2 r3 @0 @8", 16},
    /* f32: single S registers with back-filling under hard-float (C.1),
     * one core word / 4-byte slot under soft-float */
    {"sfs", "s0 d1 s1", 0, "r0 r2:r3 @0", 8},
    {"sssfs", "s0 s1 s2 d2 s3", 0, "r0 r1 r2 @0 @8", 16},
    {"sfsfs", "s0 d1 s1 d2 s6", 0, "r0 r2:r3 @0 @8 @16", 24},
    {"fffffffss", "d0 d1 d2 d3 d4 d5 d6 s14 s15", 0,
     "r0:r1 r2:r3 @0 @8 @16 @24 @32 @40 @44", 48},
    {"ls", "r0:r1 s0", 0, "r0:r1 r2", 0},
    {"isi", "r0 s0 r1", 0, "r0 r1 r2", 0},
    {"iiisl", "r0 r1 r2 s0 @0", 8, "r0 r1 r2 r3 @0", 8},
    {"iiiisl", "r0 r1 r2 r3 s0 @0", 8, "r0 r1 r2 r3 @0 @8", 16},
    /* a double that finds no free d register makes every free S register
     * unavailable: the f32 after it goes to the stack although s1 / s15
     * is free (C.2) */
    {"sffffffffs", "s0 d1 d2 d3 d4 d5 d6 d7 @0 @8", 16,
     "r0 r2:r3 @0 @8 @16 @24 @32 @40 @48 @56", 64},
    {"sssssssssssssssfs", "s0 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 @0 @8", 16,
     "r0 r1 r2 r3 @0 @4 @8 @12 @16 @20 @24 @28 @32 @36 @40 @48 @56", 64},
    /* sixteen f32 fill s0-s15; the seventeenth goes to a 4-byte slot */
    {"sssssssssssssssss", "s0 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15 @0", 8,
     "r0 r1 r2 r3 @0 @4 @8 @12 @16 @20 @24 @28 @32 @36 @40 @44 @48", 56},
    {"lsfsli", "r0:r1 s0 d1 s1 r2:r3 @0", 8, "r0:r1 r2 @0 @8 @16 @24", 32},
};

static int type_of(char c) {
  switch (c) {
  case 'i': return ARMJIT_INT;
  case 'r': return ARMJIT_REF;
  case 'l': return ARM_TY_I64;
  case 's': return ARM_TY_F32;
  default: return ARMJIT_FLOAT;
  }
}

static void loc_text(const abi_loc *l, char *buf, size_t n) {
  switch (l->kind) {
  case ABI_CORE: snprintf(buf, n, "r%u", l->reg); break;
  case ABI_VFP: snprintf(buf, n, "d%u", l->reg); break;
  case ABI_SREG: snprintf(buf, n, "s%u", l->reg); break;
  case ABI_PAIR: snprintf(buf, n, "r%u:r%u", l->reg, l->reg + 1u); break;
  case ABI_STACK: snprintf(buf, n, "@%u", (unsigned)l->off); break;
  default: snprintf(buf, n, "none"); break;
  }
}

static void check(armjit_abi abi, const char *sig, const char *want, unsigned want_stack) {
  assert_true(strlen(sig) <= 32);
  uint8_t types[32] = {0};
  abi_loc locs[32];
  uint32_t n = (uint32_t)strlen(sig);
  for (uint32_t k = 0; k < n; k++) types[k] = (uint8_t)type_of(sig[k]);
  uint32_t stack = abi_classify(abi, types, n, locs);
  char got[512] = "", one[32];
  for (uint32_t k = 0; k < n; k++) {
    assert_int_equal(locs[k].type, types[k]);
    loc_text(&locs[k], one, sizeof one);
    if (k) strcat(got, " ");
    strcat(got, one);
  }
  if (strcmp(got, want) != 0 || stack != want_stack)
    fail_msg("%s-float (%s): got \"%s\" with %u stack bytes, expected \"%s\" with %u",
             abi == ARMJIT_ABI_HARD ? "hard" : "soft", sig, got, (unsigned)stack, want,
             want_stack);
}

static void test_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    check(ARMJIT_ABI_HARD, cases[i].sig, cases[i].hard, cases[i].hard_stack);
    check(ARMJIT_ABI_SOFT, cases[i].sig, cases[i].soft, cases[i].soft_stack);
  }
}

/* Properties of one classification: registers are used without overlap
 * (d<k> is s<2k>:s<2k+1>), pairs are even/odd, no core register after a
 * core-class argument went to the stack (C.6), no VFP register after a
 * VFP argument went to the stack (C.2), stack slots are aligned to their
 * size, disjoint and inside the area, and the area is a multiple of 8. */
static void check_invariants(armjit_abi abi, const uint8_t *types, unsigned n) {
  bool hard = abi == ARMJIT_ABI_HARD;
  abi_loc l[16];
  uint32_t stack = abi_classify(abi, types, n, l);
  assert_int_equal(stack % 8, 0);
  unsigned core = 0, sregs = 0, next_d = 0;
  uint8_t bytes[128] = {0};
  bool on_stack_core = false, on_stack_vfp = false, only_doubles = true;
  for (unsigned k = 0; k < n; k++) {
    int ty = types[k];
    bool f = ty == ARMJIT_FLOAT, i64 = ty == ARM_TY_I64, f32 = ty == ARM_TY_F32;
    bool vfp_class = hard && (f || f32);
    if (f32) only_doubles = false;
    assert_int_equal(l[k].type, ty);
    switch (l[k].kind) {
    case ABI_CORE:
      assert_false(f || i64);
      assert_false(vfp_class);
      assert_false(on_stack_core); /* C.6: no core register after the stack */
      assert_true(l[k].reg < 4);
      assert_false(core >> l[k].reg & 1);
      core |= 1u << l[k].reg;
      break;
    case ABI_PAIR:
      assert_true(i64 || (f && !hard));
      assert_false(on_stack_core);
      assert_true(l[k].reg == 0 || l[k].reg == 2);
      assert_false(core >> l[k].reg & 3);
      core |= 3u << l[k].reg;
      break;
    case ABI_VFP:
      assert_true(f && hard);
      assert_false(on_stack_vfp);
      assert_true(l[k].reg < 8);
      if (only_doubles) assert_int_equal(l[k].reg, next_d); /* in order */
      next_d++;
      assert_false(sregs >> (2 * l[k].reg) & 3);
      sregs |= 3u << (2 * l[k].reg);
      break;
    case ABI_SREG:
      assert_true(f32 && hard);
      assert_false(on_stack_vfp);
      assert_true(l[k].reg < 16);
      /* C.1: the lowest free S register */
      assert_int_equal(sregs & ((1u << l[k].reg) - 1u), (1u << l[k].reg) - 1u);
      assert_false(sregs >> l[k].reg & 1);
      sregs |= 1u << l[k].reg;
      break;
    case ABI_STACK: {
      unsigned size = f || i64 ? 8 : 4;
      assert_int_equal(l[k].off % size, 0);
      assert_true(l[k].off + size <= stack);
      for (unsigned b = 0; b < size; b++) {
        assert_int_equal(bytes[l[k].off + b], 0);
        bytes[l[k].off + b] = 1;
      }
      if (vfp_class) {
        if (only_doubles && f) assert_int_equal(next_d, 8);
        on_stack_vfp = true;
      } else {
        on_stack_core = true;
      }
      break;
    }
    default:
      fail_msg("argument %u has no location", k);
    }
  }
}

/* Every signature of up to 10 arguments of int and float, and of up to 7
 * arguments over int, float, i64 and f32, under both ABIs. */
static void test_invariants(void **state) {
  (void)state;
  for (unsigned n = 0; n <= 10; n++)
    for (unsigned mask = 0; mask < (1u << n); mask++)
      for (int a = 0; a < 2; a++) {
        uint8_t types[10] = {0};
        for (unsigned k = 0; k < n; k++)
          types[k] = (uint8_t)((mask >> k & 1) ? ARMJIT_FLOAT : ARMJIT_INT);
        check_invariants(a ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD, types, n);
      }
  static const uint8_t alphabet[4] = {ARMJIT_INT, ARMJIT_FLOAT, ARM_TY_I64, ARM_TY_F32};
  for (unsigned n = 0; n <= 7; n++)
    for (unsigned code = 0; code < (1u << (2 * n)); code++)
      for (int a = 0; a < 2; a++) {
        uint8_t types[7] = {0};
        for (unsigned k = 0; k < n; k++) types[k] = alphabet[code >> (2 * k) & 3];
        check_invariants(a ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD, types, n);
      }
}

static void test_results(void **state) {
  (void)state;
  for (int a = 0; a < 2; a++) {
    armjit_abi abi = a ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD;
    abi_loc v = abi_result(abi, ARMJIT_VOID), i = abi_result(abi, ARMJIT_INT),
            r = abi_result(abi, ARMJIT_REF), f = abi_result(abi, ARMJIT_FLOAT);
    assert_int_equal(v.kind, ABI_NONE);
    assert_int_equal(i.kind, ABI_CORE);
    assert_int_equal(i.reg, 0);
    assert_int_equal(r.kind, ABI_CORE);
    assert_int_equal(r.reg, 0);
    assert_int_equal(f.kind, a ? ABI_PAIR : ABI_VFP);
    assert_int_equal(f.reg, 0);
    abi_loc l = abi_result(abi, ARM_TY_I64), s = abi_result(abi, ARM_TY_F32);
    assert_int_equal(l.kind, ABI_PAIR); /* r0:r1 under both */
    assert_int_equal(l.reg, 0);
    assert_int_equal(s.kind, a ? ABI_CORE : ABI_SREG); /* r0 / s0 */
    assert_int_equal(s.reg, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_invariants),
      cmocka_unit_test(test_results),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
