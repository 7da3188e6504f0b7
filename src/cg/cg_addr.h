/* SPDX-License-Identifier: MIT */
/* Addresses of memory ops (docs/ir.md §12): p + off + i*item as an A32
 * memory operand, folding into the instruction whatever its form allows.
 * Anything that does not fold is built in ip, which the caller reserves
 * (cg_scratch) before it asks for operand registers.  No other register
 * is written, so bases and indexes that stay live are never clobbered. */
#ifndef ARMJIT_CG_ADDR_H
#define ARMJIT_CG_ADDR_H

#include "cg/cg_internal.h"

typedef enum {
  CG_FORM_WORD, /* LDR/STR/LDRB/STRB: #±4095, [rn, ±rm, LSL #k] */
  CG_FORM_HALF, /* LDRH/STRH/LDRSH/LDRSB: #±255, [rn, ±rm] (no shift) */
  CG_FORM_VFP   /* VLDR/VSTR: #±1020 in multiples of 4, no register offset */
} cg_form;

/* The int32 that 32-bit address arithmetic means by u. */
int32_t cg_i32(uint32_t u);
bool cg_form_fits(cg_form f, int32_t off);
/* [rb, #off] when it fits, else part or all of the offset in ip (rb may
 * be ip).  For CG_FORM_VFP the result never has a register offset. */
a32_mem cg_addr_const(cg *c, cg_form f, a32_reg rb, uint32_t off);
/* rb + ri*item + off (ri a signed index, wrapping at 32 bits). */
a32_mem cg_addr_index(cg *c, cg_form f, a32_reg rb, a32_reg ri, uint32_t item,
                      uint32_t off);
/* rd = rn + k (mod 2^32) with the constant ladder: one ADD/SUB, else
 * chunks of rotated immediates, else k built in ip (rd, rn != ip). */
void cg_add_const(cg *c, a32_reg rd, a32_reg rn, uint32_t k);
bool cg_pow2(uint32_t v, unsigned *k);

#endif
