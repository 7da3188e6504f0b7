/* SPDX-License-Identifier: MIT */
/* armjit_disasm and the per-instruction callback: known words decode to
 * capstone's text in the documented line format; undecodable words and
 * trailing bytes are shown as data instead of stopping the listing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "rt/disasm.h"

/* Disassemble into a malloc'd string. */
static char *dis(const void *code, size_t size, uint32_t addr) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  assert_non_null(f);
  assert_int_equal(armjit_disasm(code, size, addr, f), ARMJIT_OK);
  fclose(f);
  return text;
}

/* Little-endian bytes of words, whatever the host. */
static void le_bytes(const uint32_t *w, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 4; k++) out[4 * i + k] = (uint8_t)(w[i] >> (8 * k));
}

static void test_known_words(void **state) {
  (void)state;
  static const uint32_t w[] = {0xe0810002u, 0xe12fff1eu, 0xe710f110u, 0xee300b01u,
                               0xe8bd8ff0u, 0xe320f000u};
  uint8_t bytes[sizeof w];
  le_bytes(w, 6, bytes);
  char *text = dis(bytes, sizeof bytes, 0x10000);
  assert_string_equal(text,
                      "  00010000: e0810002  add r0, r1, r2\n"
                      "  00010004: e12fff1e  bx lr\n"
                      "  00010008: e710f110  sdiv r0, r0, r1\n"
                      "  0001000c: ee300b01  vadd.f64 d0, d0, d1\n"
                      "  00010010: e8bd8ff0  pop {r4, r5, r6, r7, r8, sb, sl, fp, pc}\n"
                      "  00010014: e320f000  nop\n");
  free(text);
}

static void test_undecodable_word(void **state) {
  (void)state;
  /* 0xffffffff is in no A32 encoding; decoding continues after it. */
  static const uint32_t w[] = {0xffffffffu, 0xe0810002u};
  uint8_t bytes[8];
  le_bytes(w, 2, bytes);
  char *text = dis(bytes, 8, 0);
  assert_string_equal(text,
                      "  00000000: ffffffff  .word 0xffffffff\n"
                      "  00000004: e0810002  add r0, r1, r2\n");
  free(text);
}

static void test_trailing_bytes(void **state) {
  (void)state;
  uint8_t bytes[6] = {0x02, 0x00, 0x81, 0xe0, 0xab, 0xcd};
  char *text = dis(bytes, 6, 0x100);
  assert_string_equal(text,
                      "  00000100: e0810002  add r0, r1, r2\n"
                      "  00000104: 0000cdab  .byte 0xab, 0xcd\n");
  free(text);
}

/* The assembler's output reads back as what was asked for. */
static void test_assembled_code(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(0, 0);
  a32_dp(b, A32_AL, A32_SUB, true, A32_R3, A32_R4, a32_rsi(A32_R5, A32_LSL, 2));
  a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_FP, -8));
  assert_int_equal(a32_buf_status(b), A32_OK);
  char *text = dis(a32_buf_data(b), a32_buf_size(b), 0);
  assert_non_null(strstr(text, "subs r3, r4, r5, lsl #2\n"));
  assert_non_null(strstr(text, "ldr r0, [fp, #-8]\n"));
  free(text);
  a32_buf_free(b);
}

typedef struct {
  int calls;
  uint32_t last_addr, last_word;
  char last_text[64];
} collect;

static int collect_two(void *ud, uint32_t addr, uint32_t word, const char *text) {
  collect *c = ud;
  c->calls++;
  c->last_addr = addr;
  c->last_word = word;
  snprintf(c->last_text, sizeof c->last_text, "%s", text);
  return c->calls == 2; /* stop after the second */
}

static void test_callback_and_errors(void **state) {
  (void)state;
  static const uint32_t w[] = {0xe0810002u, 0xe12fff1eu, 0xe0810002u};
  uint8_t bytes[12];
  le_bytes(w, 3, bytes);
  collect c = {0};
  assert_int_equal(ajx_disasm_each(bytes, 12, 0x400, collect_two, &c), ARMJIT_OK);
  assert_int_equal(c.calls, 2);
  assert_int_equal(c.last_addr, 0x404);
  assert_int_equal(c.last_word, 0xe12fff1eu);
  assert_string_equal(c.last_text, "bx lr");
  /* Empty code prints nothing; bad arguments are refused. */
  char *text = dis(NULL, 0, 0);
  assert_string_equal(text, "");
  free(text);
  assert_int_equal(armjit_disasm(NULL, 4, 0, stdout), ARMJIT_E_ARG);
  assert_int_equal(armjit_disasm(bytes, 4, 0, NULL), ARMJIT_E_ARG);
  assert_int_equal(ajx_disasm_each(bytes, 4, 0, NULL, NULL), ARMJIT_E_ARG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_words),
      cmocka_unit_test(test_undecodable_word),
      cmocka_unit_test(test_trailing_bytes),
      cmocka_unit_test(test_assembled_code),
      cmocka_unit_test(test_callback_and_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
