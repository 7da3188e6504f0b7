/* SPDX-License-Identifier: MIT */
/* The exit path's A32 decoder (ajx_exit_copy) against the portable one
 * (ajx_exit_decode): random recovery strings of every code form, short
 * and long, on a fake save area, frame and constant pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arm/target.h"
#include "cg/recovery.h"
#include "rt/exit.h"

enum { NVAL = 64, NCONST = 3000, FRAME = 1u << 16, ROUNDS = 3000 };

static uint32_t rng = 12345;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void copy_matches_decode(void **state) {
  (void)state;
  static uint32_t save[ARM_SAVE_WORDS];
  static uint32_t stack[FRAME / 4];
  static uint64_t consts[NCONST];
  for (unsigned i = 0; i < ARM_SAVE_WORDS; i++) save[i] = next();
  for (unsigned i = 0; i < FRAME / 4; i++) stack[i] = next();
  for (unsigned i = 0; i < NCONST; i++) consts[i] = (uint64_t)next() << 32 | next();
  const uint8_t *fp = (const uint8_t *)(stack + FRAME / 4);
  unsigned forms[8] = {0};
  for (unsigned round = 0; round < ROUNDS; round++) {
    uint8_t rec[NVAL * REC_CODE_MAX + 1];
    armjit_type types[NVAL];
    unsigned n = 1 + next() % NVAL, len = 0;
    for (unsigned k = 0; k < n; k++) {
      unsigned kind = next() % 6;
      uint32_t r = next(), payload;
      /* short, two-byte and LEB128 payloads */
      uint32_t range = r % 3 == 0 ? 30 : r % 3 == 1 ? 2000 : FRAME / 4 - 2;
      switch (kind) {
      case REC_K_CORE: payload = next() % 15; types[k] = ARMJIT_INT; break;
      case REC_K_VFP: payload = next() % 16; types[k] = ARMJIT_FLOAT; break;
      case REC_K_ISLOT: payload = 3 + next() % range; types[k] = ARMJIT_REF; break;
      case REC_K_FSLOT: payload = 3 + next() % range; types[k] = ARMJIT_FLOAT; break;
      case REC_K_CONST: payload = next() % (range < NCONST ? range : NCONST); types[k] = ARMJIT_FLOAT; break;
      default: payload = (uint32_t)((int32_t)(next() % 16) - 8); types[k] = ARMJIT_INT; break;
      }
      unsigned w = rec_put(rec + len, kind, payload);
      forms[kind] |= 1u << (w > 2 ? 2 : w - 1);
      len += w;
    }
    rec[len++] = REC_B_END;
    ajx_exit_meta em = {0, len, n, types};
    ajx_loop_meta m = {1, &em, rec, consts, NCONST, 0, 0};
    armjit_value want[NVAL + 1], got[NVAL + 1];
    memset(got, 0xa5, sizeof got);
    assert_true(ajx_exit_decode(&m, 0, save, fp, want));
    ajx_exit_copy(got, rec, save, fp, consts);
    for (unsigned k = 0; k < n; k++)
      if (got[k].bits != want[k].bits)
        fail_msg("round %u value %u (code 0x%02x...): 0x%016llx, want 0x%016llx", round, k,
                 rec[0], (unsigned long long)got[k].bits, (unsigned long long)want[k].bits);
    assert_true(got[n].bits == 0xa5a5a5a5a5a5a5a5ull); /* nothing past the last value */
  }
  /* every slot and constant kind was seen in all three lengths */
  for (unsigned kind = REC_K_ISLOT; kind <= REC_K_CONST; kind++) assert_int_equal(forms[kind], 7);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(copy_matches_decode)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
