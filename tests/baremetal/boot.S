/* SPDX-License-Identifier: MIT */
/* Startup in assembly for the bare-metal tier's own harness test (the
 * images of the method compiler's tests start with rt.mir instead).
 * Provides what an image needs from its startup:
 *   __reset              entry (SVC mode): VBAR, a stack per mode, VFP on,
 *                        .bss cleared, then r0 = main(), __exit(r0)
 *   __exit(status)       semihosting SYS_EXIT_EXTENDED: qemu exits with status
 *   __semihost(op, arg)  semihosting call: svc 0x123456 with r0 = op, r1 = arg
 * and a vector table whose entries branch to __und_handler, __svc_handler,
 * __pabt_handler, __dabt_handler, __irq_handler, __fiq_handler: weak here,
 * each exits with status 0x11..0x16 unless the image defines it. */
        .syntax unified
        .arm
        .section .vectors, "ax"
        .global __vectors, __reset
__vectors:
        b       __reset
        b       __und_handler
        b       __svc_handler
        b       __pabt_handler
        b       __dabt_handler
        b       __reserved_handler
        b       __irq_handler
        b       __fiq_handler

__reset:
        ldr     r0, =__vectors
        mcr     p15, 0, r0, c12, c0, 0      @ VBAR
        cps     #0x12                       @ IRQ
        ldr     sp, =__stack_irq_top
        cps     #0x11                       @ FIQ
        ldr     sp, =__stack_fiq_top
        cps     #0x17                       @ abort
        ldr     sp, =__stack_abt_top
        cps     #0x1b                       @ undefined
        ldr     sp, =__stack_und_top
        cps     #0x13                       @ SVC: the program's mode
        ldr     sp, =__stack_svc_top
        mrc     p15, 0, r0, c1, c0, 2       @ CPACR: cp10, cp11 full access
        orr     r0, r0, #0xf00000
        mcr     p15, 0, r0, c1, c0, 2
        isb
        mov     r0, #0x40000000             @ FPEXC.EN
        vmsr    fpexc, r0
        ldr     r0, =__bss_start
        ldr     r1, =__bss_end
        mov     r2, #0
1:      cmp     r0, r1
        strlo   r2, [r0], #4
        blo     1b
        bl      main
        b       __exit
        .ltorg

        .text
        .global __exit, __semihost
__semihost:
        svc     0x123456
        bx      lr

__exit:
        mov     r2, r0                      @ the parameter block {reason, status}
        ldr     r1, =0x20026                @ ADP_Stopped_ApplicationExit
        push    {r1, r2}
        mov     r1, sp
        mov     r0, #0x20                   @ SYS_EXIT_EXTENDED
        svc     0x123456
        b       .
        .ltorg

        .macro  fault name, code
        .weak   \name
        .type   \name, %function
\name:  mov     r0, #\code
        b       __exit
        .endm
        fault   __und_handler, 0x11
        fault   __svc_handler, 0x12
        fault   __pabt_handler, 0x13
        fault   __dabt_handler, 0x14
        fault   __reserved_handler, 0x15
        fault   __irq_handler, 0x16
        fault   __fiq_handler, 0x17
