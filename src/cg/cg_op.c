/* SPDX-License-Identifier: MIT */
/* The per-op protocol between lowering and the allocator, and the flags
 * invariant between ops.
 *
 * Per op (the driver brackets each lowering with cg_op_begin/cg_op_end):
 *   1. operands   cg_reg / cg_vreg / cg_op2 / cg_folded_operand: each
 *                 argument in a register, locked for the op (constants by
 *                 the ladder, cg_const.c).  Scratch claims (cg_scratch)
 *                 that must not be taken by a constant come first.
 *   2. release    cg_release: arguments whose last use is this op free
 *                 their registers (they stay locked, so nothing reloads
 *                 into them during this op).
 *   3. result     cg_def (does step 2 if the lowering has not): a register
 *                 for the result, possibly a dying argument's.
 *   4. emit       the instruction(s) writing the result: they read the
 *                 operand registers of step 1, which still hold the values
 *                 since nothing was written between.
 * Reading an operand after step 2 could hand out a register the result
 * now owns: debug builds fail the compile ("operand read after ...").
 * Calls do step 2 before their clobber and step 3 after the BLX
 * (cg_def_fixed).  guard_exception defines its result before releasing
 * (cg_def_keep), so the result cannot overwrite a value its exit reads.
 *
 * Flags: a compare fused into its guard (cg_fusable), an *_ovf op and its
 * overflow guard, and the compare-and-branch sequences inside one op
 * leave the flags to a later instruction.  Nothing emitted in between —
 * the guard's operand loads, spills and reloads the allocator asks for,
 * constant materialisation, far frame accesses — may set the flags: the
 * move, spill, scratch and constant paths use no flag-setting instruction
 * (no MOVS, ADDS, CMP ...).  The setter calls cg_flags_set, the reader
 * cg_flags_take; in debug builds take scans the words in between with
 * cg_insn_sets_flags (skipping float constant islands: data, cg_const.c)
 * and fails the compile naming the offending word. */
#include "cg/cg_internal.h"

#ifndef NDEBUG
#define CG_CHECKS 1
#else
#define CG_CHECKS 0
#endif

/* (cg_op_begin, cg_op_end, cg_reg, cg_vreg and cg_def are inline in
 * cg_internal.h.) */
void cg_operand_late(cg *c, ir_ref r) {
  cg_fail(c, ARMJIT_E_INVALID,
          "op %u: operand %d read after the dying operands were released (internal)",
          (unsigned)c->pos, (int)r);
}

void cg_release(cg *c) {
  ra_release_dying(&c->ra);
  c->phase = CG_PHASE_RELEASED;
}

void cg_def_fixed(cg *c, const ir_op *op, bool vfp, int r) {
  if (c->phase == CG_PHASE_OPERANDS) cg_release(c);
  c->phase = CG_PHASE_DEFINED;
  ra_def_fixed(&c->ra, op->res, vfp, r);
}

int cg_def_keep(cg *c, const ir_op *op) {
  c->phase = CG_PHASE_DEFINED;
  return ra_def(&c->ra, op->res, -1);
}

/* ---- flags ---------------------------------------------------------------------- */

/* Which A32 instructions write APSR.N/Z/C/V (ARM DDI 0406C).  The first
 * row whose mask/value matches decides; bit `sbit` of the instruction says
 * whether it writes them (ALWAYS / NEVER otherwise).  Unconditional
 * instructions (cond = 0b1111) never do.  Q and GE are not condition
 * flags and are ignored (QADD, SMLAxy, SADD16 ...). */
enum { ALWAYS = 32, NEVER = 33 };
static const struct {
  uint32_t mask, value;
  uint8_t sbit;
} flag_rows[] = {
    {0x0F0000F0u, 0x00000090u, 20},    /* A5.2.5 multiply: MULS, MLAS, SMULLS ... S = bit 20 */
    {0x0E000090u, 0x00000090u, NEVER}, /* A5.2.8 extra load/store, A5.2.10 LDREX/SWP: bit 20 is L */
    {0x0FF000F0u, 0x01200000u, 19},    /* A8.8.112 MSR (register) CPSR: mask<3> = nzcvq */
    {0x0FF00000u, 0x03200000u, 19},    /* A8.8.111 MSR (immediate) CPSR, hints: mask<3> */
    {0x0FB00000u, 0x03000000u, NEVER}, /* A8.8.106 MOVW, A8.8.102 MOVT (opcode 10x0, S = 0) */
    {0x0F900000u, 0x01000000u, NEVER}, /* A5.2.12 miscellaneous, A5.2.7 halfword multiply */
    {0x0C000000u, 0x00000000u, 20},    /* A5.2.1-A5.2.3 data-processing: S = bit 20
                                          (TST, TEQ, CMP, CMN always have it) */
    {0x0F10F010u, 0x0E10F010u, ALWAYS}, /* A8.8.108 MRC to APSR_nzcv (Rt = 15),
                                           A8.8.348 VMRS APSR_nzcv, FPSCR */
};

bool cg_insn_sets_flags(uint32_t w) {
  if (w >> 28 == 0xFu) return false;
  for (size_t i = 0; i < sizeof flag_rows / sizeof flag_rows[0]; i++) {
    if ((w & flag_rows[i].mask) != flag_rows[i].value) continue;
    if (flag_rows[i].sbit == ALWAYS) return true;
    if (flag_rows[i].sbit == NEVER) return false;
    return (w >> flag_rows[i].sbit & 1u) != 0;
  }
  return false;
}

void cg_flags_set(cg *c) {
  c->flags_live = true;
  c->flags_from = (uint32_t)a32_buf_size(c->b);
}

void cg_flags_take(cg *c) {
  bool live = c->flags_live;
  c->flags_live = false;
  if (!CG_CHECKS || !live || a32_buf_status(c->b) != A32_OK) return;
  uint32_t end = (uint32_t)a32_buf_size(c->b);
  for (uint32_t off = cg_pool_skip(c, c->flags_from); off + 4 <= end;
       off = cg_pool_skip(c, off + 4)) {
    uint32_t w = a32_buf_word(c->b, off);
    if (cg_insn_sets_flags(w)) {
      cg_fail(c, ARMJIT_E_INVALID,
              "op %u: instruction 0x%08x at +%u sets the flags between a compare and "
              "the branch reading them (internal)",
              (unsigned)c->pos, (unsigned)w, (unsigned)off);
      return;
    }
  }
}
