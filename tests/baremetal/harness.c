/* SPDX-License-Identifier: MIT */
/* The bare-metal tier's own test, in C (with boot.S): the UART, the
 * Cortex-A9 private timer's interrupt through the GIC, an SVC and its
 * immediate, VFP arithmetic and the exit status all work on this machine.
 * uart: harness: uart ok
 * uart: harness: svc 66 ok
 * uart: harness: vfp ok
 * uart: harness: timer ticks >= 3 ok
 * exit: 7
 */
#include <stdint.h>

#define REG(a) (*(volatile uint32_t *)(a))
#define UART_CR REG(0xE0000000u)
#define UART_SR REG(0xE000002Cu)
#define UART_FIFO REG(0xE0000030u)
#define GICC_CTLR REG(0xF8F00100u)
#define GICC_PMR REG(0xF8F00104u)
#define GICC_IAR REG(0xF8F0010Cu)
#define GICC_EOIR REG(0xF8F00110u)
#define TIMER_LOAD REG(0xF8F00600u)
#define TIMER_CTRL REG(0xF8F00608u)
#define TIMER_ISR REG(0xF8F0060Cu)
#define GICD_CTLR REG(0xF8F01000u)
#define GICD_ISENABLER0 REG(0xF8F01100u)

int main(void);
void __exit(int status);

static volatile unsigned ticks, svc_imm;

static void puts_uart(const char *s) {
  for (; *s; s++) {
    while (UART_SR & 0x10) {}  /* TX FIFO full */
    UART_FIFO = (uint8_t)*s;
  }
}

static void put_dec(unsigned v) {
  char b[12], *p = b + sizeof b;
  *--p = '\0';
  do *--p = (char)('0' + v % 10); while (v /= 10);
  puts_uart(p);
}

/* The handlers touch no VFP register: general-regs-only says so to gcc. */
#pragma GCC push_options
#pragma GCC target("general-regs-only")
__attribute__((interrupt("IRQ"))) void __irq_handler(void) {
  uint32_t id = GICC_IAR;
  if ((id & 0x3ff) == 29) {
    TIMER_ISR = 1;
    ticks++;
  }
  GICC_EOIR = id;
}

__attribute__((interrupt("SWI"))) void __svc_handler(void) {
  uint32_t lr;
  __asm__ volatile("mov %0, lr" : "=r"(lr));
  svc_imm = *(const uint32_t *)(lr - 4) & 0xffffff;
}
#pragma GCC pop_options

int main(void) {
  UART_CR = 0x14; /* TX and RX enabled */
  puts_uart("harness: uart ok\n");

  __asm__ volatile("svc #66" ::: "lr", "memory");
  puts_uart("harness: svc ");
  put_dec(svc_imm);
  puts_uart(svc_imm == 66 ? " ok\n" : " WRONG\n");

  volatile double a = 1.5, b = 2.25;
  puts_uart(a * b == 3.375 ? "harness: vfp ok\n" : "harness: vfp WRONG\n");

  GICD_CTLR = 1;
  GICD_ISENABLER0 = 1u << 29;
  GICC_PMR = 0xF0;
  GICC_CTLR = 1;
  TIMER_LOAD = 10000;
  TIMER_CTRL = 7; /* enable, auto-reload, interrupt */
  __asm__ volatile("cpsie i" ::: "memory");
  while (ticks < 3) __asm__ volatile("wfi");
  /* More ticks may come before the timer stops (emulated time is not
   * steady): the test is that at least three were counted. */
  __asm__ volatile("cpsid i" ::: "memory");
  TIMER_CTRL = 0;
  puts_uart("harness: timer ticks >= 3 ok\n");
  return 7;
}
