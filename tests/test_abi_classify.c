/* SPDX-License-Identifier: MIT */
/* AAPCS argument classification (src/cg/abi.c) for both ABIs, on every
 * build: signatures with their expected locations, written from the
 * standard's stage C rules (the ARM builds check the same placements
 * against the C compiler in arm_calls.c).
 *
 * Notation: r2 core register, d3 VFP register, r0:r1 soft-float pair,
 * @8 stack offset 8 from sp at the call.  Signatures: i int, r ref,
 * f float (double). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cg/abi.h"

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
};

static armjit_type type_of(char c) {
  return c == 'i' ? ARMJIT_INT : c == 'r' ? ARMJIT_REF : ARMJIT_FLOAT;
}

static void loc_text(const abi_loc *l, char *buf, size_t n) {
  switch (l->kind) {
  case ABI_CORE: snprintf(buf, n, "r%u", l->reg); break;
  case ABI_VFP: snprintf(buf, n, "d%u", l->reg); break;
  case ABI_PAIR: snprintf(buf, n, "r%u:r%u", l->reg, l->reg + 1u); break;
  case ABI_STACK: snprintf(buf, n, "@%u", (unsigned)l->off); break;
  default: snprintf(buf, n, "none"); break;
  }
}

static void check(armjit_abi abi, const char *sig, const char *want, unsigned want_stack) {
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

/* Properties over every signature of up to 10 arguments of int and float:
 * registers are used in order without overlap, stack slots are aligned,
 * disjoint and inside the area, and the area is a multiple of 8. */
static void test_invariants(void **state) {
  (void)state;
  for (unsigned n = 0; n <= 10; n++)
    for (unsigned mask = 0; mask < (1u << n); mask++)
      for (int a = 0; a < 2; a++) {
        armjit_abi abi = a ? ARMJIT_ABI_SOFT : ARMJIT_ABI_HARD;
        uint8_t types[10] = {0};
        abi_loc l[10];
        for (unsigned k = 0; k < n; k++)
          types[k] = (uint8_t)((mask >> k & 1) ? ARMJIT_FLOAT : ARMJIT_INT);
        uint32_t stack = abi_classify(abi, types, n, l);
        assert_int_equal(stack % 8, 0);
        unsigned core = 0, vfp = 0, next_d = 0;
        uint8_t bytes[80] = {0};
        bool on_stack_core = false;
        for (unsigned k = 0; k < n; k++) {
          bool f = types[k] == ARMJIT_FLOAT;
          switch (l[k].kind) {
          case ABI_CORE:
            assert_false(f);
            assert_false(on_stack_core); /* C.6: no core register after the stack */
            assert_true(l[k].reg < 4);
            assert_false(core >> l[k].reg & 1);
            core |= 1u << l[k].reg;
            break;
          case ABI_PAIR:
            assert_true(f && abi == ARMJIT_ABI_SOFT);
            assert_false(on_stack_core);
            assert_true(l[k].reg == 0 || l[k].reg == 2);
            assert_false(core >> l[k].reg & 3);
            core |= 3u << l[k].reg;
            break;
          case ABI_VFP:
            assert_true(f && abi == ARMJIT_ABI_HARD);
            assert_int_equal(l[k].reg, next_d); /* doubles fill d0-d7 in order */
            next_d++;
            vfp |= 1u << l[k].reg;
            break;
          case ABI_STACK: {
            unsigned size = f ? 8 : 4;
            assert_int_equal(l[k].off % size, 0);
            assert_true(l[k].off + size <= stack);
            for (unsigned b = 0; b < size; b++) {
              assert_int_equal(bytes[l[k].off + b], 0);
              bytes[l[k].off + b] = 1;
            }
            if (f && abi == ARMJIT_ABI_HARD) assert_int_equal(next_d, 8);
            else on_stack_core = true;
            break;
          }
          default:
            fail_msg("argument %u has no location", k);
          }
        }
        (void)vfp;
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
