/* SPDX-License-Identifier: MIT */
/* The callee-saved register harness (see sentinel.h). */
#include "sentinel.h"

#include <string.h>

/* Distinct, non-trivial values: a register that is merely copied from a
 * neighbour or zeroed shows up as changed. */
static uint32_t core_sentinel(unsigned r) { return 0x5e000000u | (r * 0x01010101u & 0x00ffffffu); }
static uint32_t vfp_lo(unsigned d) { return 0xd0000000u | d * 0x00110011u; }
static uint32_t vfp_hi(unsigned d) { return 0x7ff00000u ^ (d * 0x00020003u); }

armjit_code *ajt_sentinel_harness(armjit_ctx *ctx, armjit_error *err) {
  a32_buf *b = a32_buf_new(0, 0);
  if (!b) {
    if (err) { err->code = ARMJIT_E_NOMEM; strcpy(err->msg, "a32_buf_new failed"); }
    return NULL;
  }
  /* r1 (io) pushed with r4-r11, lr: 10 words keep sp 8-byte aligned;
   * io is then at [sp, #64] above the 8 saved d registers. */
  a32_push(b, A32_AL, 0x4ff2);
  a32_vpush(b, A32_AL, 8, 8);
  for (unsigned d = 8; d < 16; d++) {
    a32_mov_imm32(b, A32_AL, A32_R2, vfp_lo(d));
    a32_mov_imm32(b, A32_AL, A32_R3, vfp_hi(d));
    a32_vmov_core_to_d(b, A32_AL, d, A32_R2, A32_R3);
  }
  for (unsigned r = 4; r <= 11; r++) a32_mov_imm32(b, A32_AL, (a32_reg)r, core_sentinel(r));
  a32_dp(b, A32_AL, A32_MOV, false, A32_IP, 0, a32_r(A32_R0));
  a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_R1, 0));
  a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_imm(A32_R1, 4));
  a32_blx(b, A32_AL, A32_IP);
  a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_imm(A32_SP, 64));
  a32_ldst(b, A32_AL, A32_STR, A32_R0, a32_mem_imm(A32_R1, 0));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  for (unsigned r = 4; r <= 11; r++) {
    a32_mov_imm32(b, A32_AL, A32_IP, core_sentinel(r));
    a32_dp(b, A32_AL, A32_CMP, true, 0, (a32_reg)r, a32_r(A32_IP));
    a32_dp(b, A32_NE, A32_ORR, false, A32_R0, A32_R0, a32_imm(1u << r));
  }
  for (unsigned d = 8; d < 16; d++) {
    a32_vmov_d_to_core(b, A32_AL, A32_R2, A32_R3, d);
    a32_mov_imm32(b, A32_AL, A32_IP, vfp_lo(d));
    a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R2, a32_r(A32_IP));
    a32_dp(b, A32_NE, A32_ORR, false, A32_R0, A32_R0, a32_imm(AJT_SENTINEL_D(d)));
    a32_mov_imm32(b, A32_AL, A32_IP, vfp_hi(d));
    a32_dp(b, A32_AL, A32_CMP, true, 0, A32_R3, a32_r(A32_IP));
    a32_dp(b, A32_NE, A32_ORR, false, A32_R0, A32_R0, a32_imm(AJT_SENTINEL_D(d)));
  }
  a32_vpop(b, A32_AL, 8, 8);
  a32_pop(b, A32_AL, 0x8ff2);
  armjit_code *code = armjit_code_new(ctx, b, err);
  a32_buf_free(b);
  return code;
}

ajt_sentinel_fn ajt_sentinel_entry(const armjit_code *harness) {
  return (ajt_sentinel_fn)(uintptr_t)armjit_code_entry(harness);
}
