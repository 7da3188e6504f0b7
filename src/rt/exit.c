/* SPDX-License-Identifier: MIT */
/* The exit helper (see exit.h) and the recovery decoder. */
#include "rt/exit.h"

#include <string.h>

#include "arm/target.h"
#include "cg/recovery.h"
#include "ra/loc.h"
#include "ir/sem.h"

bool ajx_exit_decode(const ajx_loop_meta *m, uint32_t exit_id, const uint32_t *save,
                     const uint8_t *fp, armjit_value *out) {
  if (exit_id >= m->nexits) return false;
  const ajx_exit_meta *e = &m->exits[exit_id];
  const uint8_t *p = m->rec + e->rec, *end = p + e->rec_len;
  for (uint32_t k = 0; k < e->nvalues; k++) {
    rec_entry r;
    if (!rec_next(&p, end, &r)) return false;
    bool f = ra_storage_of(e->types[k]) == ARMJIT_FLOAT;
    bool wide = r.kind == REC_K_VFP || r.kind == REC_K_FSLOT;
    if ((r.tag == REC_REG || r.tag == REC_SLOT) && wide != f) return false;
    armjit_value v;
    v.bits = 0;
    switch (r.tag) {
    case REC_REG:
      if (f) {
        if (r.reg > ARM_SAVE_MAX_VFP) return false;
        memcpy(&v.bits, save + ARM_SAVE_D0 + 2 * r.reg, 8);
      } else {
        if (r.reg > ARM_SAVE_MAX_CORE) return false;
        v.bits = save[ARM_SAVE_R0 + r.reg];
      }
      break;
    case REC_SLOT: {
      const uint8_t *a = fp + r.off;
      if (f) memcpy(&v.bits, a, 8);
      else { uint32_t w; memcpy(&w, a, 4); v.bits = w; }
      break;
    }
    case REC_CONST:
      if (r.index >= m->nconsts) return false;
      v.bits = m->consts[r.index];
      break;
    default:
      v.bits = (uint32_t)r.value;
      break;
    }
    out[k] = v;
  }
  return rec_at_end(p, end);
}

#if defined(__arm__)
/* The exit path's decoder: ajx_exit_decode for strings that compiled code
 * made (well-formed, widths matching the types), at one table dispatch
 * per value.  A32 whatever the C code is compiled as (the linker makes
 * calls to it interworking).  Registers: r0 the string, r1 the saved r0
 * (save area + ARM_SAVE_R0 words), r4 the saved d0, r5 fp, r6 the next
 * output value, r7 the constant pool, r9 zero (the high word of 4-byte
 * values), r10 the handler table: one handler per high nibble of a code
 * (recovery.h), 8 instructions each, which copies one value and
 * dispatches the next code:
 *   ldrb r2, [r0], #1; lsr r3, r2, #4; add pc, r10, r3, lsl #5
 * A short code costs 6 or 7 instructions; a handler's first instruction
 * turns the code into its payload, so the long codes enter after it. */
#define X_NEXT "  ldrb r2, [r0], #1\n  lsr r3, r2, #4\n  add pc, r10, r3, lsl #5\n"
#define X_CORE "  and r2, r2, #15\n  ldr r8, [r1, r2, lsl #2]\n  strd r8, r9, [r6], #8\n" \
               X_NEXT "  nop\n  nop\n"
#define X_VFP "  and r2, r2, #15\n  add r3, r4, r2, lsl #3\n  ldrd r2, r3, [r3]\n" \
              "  strd r2, r3, [r6], #8\n" X_NEXT "  nop\n"
#define X_ISLOT "  sub r2, r2, #0x20\n  ldr r8, [r5, -r2, lsl #2]\n  strd r8, r9, [r6], #8\n" \
                X_NEXT "  nop\n  nop\n"
#define X_FSLOT "  sub r2, r2, #0x80\n  sub r3, r5, r2, lsl #2\n  ldrd r2, r3, [r3]\n" \
                "  strd r2, r3, [r6], #8\n" X_NEXT "  nop\n"
#define X_CONST "  sub r2, r2, #0xa0\n  add r3, r7, r2, lsl #3\n  ldrd r2, r3, [r3]\n" \
                "  strd r2, r3, [r6], #8\n" X_NEXT "  nop\n"
#define X_SMALL "  lsl r8, r2, #28\n  asr r8, r8, #28\n  strd r8, r9, [r6], #8\n" \
                X_NEXT "  nop\n  nop\n"
#define X_LONG2 "  sub r3, r2, #0xd0\n  ldrb r8, [r0], #1\n  and r2, r3, #7\n" \
                "  orr r2, r8, r2, lsl #8\n  lsr r3, r3, #3\n  b 4f\n  nop\n  nop\n"
__asm__(
  "  .pushsection .text.ajx_exit_copy, \"ax\", %progbits\n"
  "  .arm\n"
  "  .syntax unified\n"
  "  .balign 4\n"
  "  .global ajx_exit_copy\n"
  "  .hidden ajx_exit_copy\n"
  "  .type ajx_exit_copy, %function\n"
  "ajx_exit_copy:\n"
  "  push {r4-r10, lr}\n"
  "  mov r6, r0\n"
  "  mov r0, r1\n"
  "  add r1, r2, #128\n"                   /* 4 * ARM_SAVE_R0 */
  "  mov r4, r2\n"
  "  mov r5, r3\n"
  "  ldr r7, [sp, #32]\n"                  /* consts, past the 8 pushed words */
  "  mov r9, #0\n"
  "  adr r10, 1f\n"
  X_NEXT
  "1:\n"
  X_CORE X_VFP                             /* 0x00, 0x10 */
  X_ISLOT X_ISLOT X_ISLOT X_ISLOT X_ISLOT X_ISLOT  /* 0x20-0x7f */
  X_FSLOT X_FSLOT X_CONST X_CONST          /* 0x80, 0x90, 0xa0, 0xb0 */
  X_SMALL X_LONG2 X_LONG2                  /* 0xc0, 0xd0, 0xe0 */
  "  cmp r2, #0xff\n"                      /* 0xf0: END or LONGV */
  "  popeq {r4-r10, pc}\n"
  "  sub r3, r2, #0xf0\n"                  /* LONGV: LEB128 payload */
  "  mov ip, #0\n"
  "  mov r8, #0\n"
  "5:\n"
  "  ldrb lr, [r0], #1\n"
  "  and r2, lr, #127\n"
  "  orr ip, ip, r2, lsl r8\n"
  "  add r8, r8, #7\n"
  "  tst lr, #128\n"
  "  bne 5b\n"
  "  mov r2, ip\n"
  "4:\n"                                   /* r3: 0 ISLOT, 1 FSLOT, 2 CONST; r2: payload */
  "  cmp r3, #1\n"
  "  addlo r8, r10, #(2 * 32 + 4)\n"
  "  addeq r8, r10, #(8 * 32 + 4)\n"
  "  addhi r8, r10, #(10 * 32 + 4)\n"
  "  bx r8\n"
  "  .size ajx_exit_copy, . - ajx_exit_copy\n"
#if defined(__thumb__)
  "  .thumb\n"
#endif
  "  .popsection\n");
#undef X_NEXT
#undef X_CORE
#undef X_VFP
#undef X_ISLOT
#undef X_FSLOT
#undef X_CONST
#undef X_SMALL
#undef X_LONG2
#endif

int32_t ajx_exit_helper(const uint32_t *save, uintptr_t stub_lr, const uint8_t *fp,
                        const ajx_loop_meta *m) {
  armjit_frame *f;
  memcpy(&f, fp + ARM_FRAME_PTR_OFF, sizeof f);
  uint32_t exit_id = (uint32_t)((stub_lr - m->stubs) / 4 - 1); /* one of its own stubs */
  const ajx_exit_meta *e = &m->exits[exit_id];
#if defined(__arm__)
  ajx_exit_copy(f->values, m->rec + e->rec, save, fp, m->consts);
#else
  ajx_exit_decode(m, exit_id, save, fp, f->values);
#endif
  f->nvalues = e->nvalues;
  f->exit_id = (int32_t)(m->id_base + exit_id);
  f->reserved[1] = (uint32_t)(uintptr_t)m;
  /* save is the caller's sp: AAPCS wants it 8-aligned at every call;
   * recorded for the ABI tests (the helper must not abort). */
  f->reserved[0] = (uint32_t)((uintptr_t)save & 7u);
  return f->exit_id;
}

int32_t ajx_helper_floordiv(int32_t x, int32_t y) { return ir_sem_floordiv(x, y); }
int32_t ajx_helper_mod(int32_t x, int32_t y) { return ir_sem_mod(x, y); }
int64_t ajx_helper_ldiv(int64_t x, int64_t y) { return ir_sem_ldiv(x, y); }
int64_t ajx_helper_lmod(int64_t x, int64_t y) { return ir_sem_lmod(x, y); }
uint64_t ajx_helper_l2f(int64_t x) {
  double d = ir_sem_l2f(x);
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}
int64_t ajx_helper_f2l(uint64_t b) {
  double d;
  memcpy(&d, &b, 8);
  return ir_sem_f2l(d);
}
