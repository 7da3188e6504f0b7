/* SPDX-License-Identifier: MIT */
/* bm_raise_fiq(out): enter the image's bm_fiq_vector the way an FIQ does
 * (ARM ARM B1.8.7: mode FIQ, CPSR.I and CPSR.F set, SPSR_fiq = the CPSR
 * before, LR_fiq = the return address + 4).  The emulated Zynq's GIC has
 * no interrupt groups, so no device can raise an FIQ there; everything
 * after the branch is the handler's own entry and exception return.
 * Before the entry r0-r7, d0-d7 and FPSCR get known values; after the
 * return, out receives:
 *   +0  r0-r7          +32 CPSR after      +36 sp after     +40 the return address
 *   +44 sp before      +48 CPSR before     +52 FPSCR before
 *   +56 d0-d7 after    +120 FPSCR after */
        .syntax unified
        .arm
        .fpu    vfpv3
        .text
        .global bm_raise_fiq
        .type   bm_raise_fiq, %function
bm_raise_fiq:
        push    {r4-r11, lr}
        mov     r8, r0                      @ out: FIQ mode banks r8, so it survives
        str     sp, [r8, #44]
        adr     r1, 1f
        str     r1, [r8, #40]
        vmov.f64 d0, #1.0
        vmov.f64 d1, #2.0
        vmov.f64 d2, #3.0
        vmov.f64 d3, #4.0
        vmov.f64 d4, #5.0
        vmov.f64 d5, #6.0
        vmov.f64 d6, #7.0
        vmov.f64 d7, #8.0
        vmrs    r2, fpscr
        orr     r2, r2, #0x00c00000         @ RMode = round toward zero
        vmsr    fpscr, r2
        str     r2, [r8, #52]
        mrs     r0, cpsr
        str     r0, [r8, #48]
        cpsid   if, #0x11                   @ FIQ mode, IRQ and FIQ masked
        msr     spsr_cxsf, r0
        adr     lr, 1f
        add     lr, lr, #4                  @ an FIQ's lr: the return address + 4
        mov     r0, #0xa0
        mov     r1, #0xa1
        mov     r2, #0xa2
        mov     r3, #0xa3
        mov     r4, #0xa4
        mov     r5, #0xa5
        mov     r6, #0xa6
        mov     r7, #0xa7
        b       bm_fiq_vector
1:      stm     r8, {r0-r7}
        mrs     r0, cpsr
        str     r0, [r8, #32]
        str     sp, [r8, #36]
        add     r1, r8, #56
        vstm    r1, {d0-d7}
        vmrs    r0, fpscr
        str     r0, [r8, #120]
        bic     r0, r0, #0x00c00000         @ back to round to nearest
        vmsr    fpscr, r0
        pop     {r4-r11, pc}
        .size   bm_raise_fiq, . - bm_raise_fiq
