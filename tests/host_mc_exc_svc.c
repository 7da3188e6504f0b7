/* SPDX-License-Identifier: MIT */
/* Trap mode svc on the emulated Cortex-A9 (qemu-system-arm, Zynq-7000,
 * the program in SVC mode as Deep runs it): a module whose checks are
 * svc<cc> #code is compiled, linked flat at 0x00200000 and booted with the
 * bare-metal tier's startup (tests/baremetal/boot.S), its SVC vector
 * entry being __armjit_trap_svc.  Exceptions from svc checks (null, index,
 * divide by zero) and throw are caught two frames up with six i32 and
 * three f64 live into the handler; exc_make returning null goes on after
 * the svc; CPSR is the same after every return.  Every result is compared
 * with the interpreter's.  Skipped when the arm-none-eabi tools or
 * qemu-system-arm are missing (scripts/deps.sh installs them). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"

static const char module[] =
    "trap svc\n"
    "exc_make @mk\n"
    "exc_match @match\n"
    "func @mk(code: i32, pc: ref) -> ref {\n"
    "entry:\n  n = icmp.eq code, 99\n  cbr n, none, some\n"
    "none:\n  ret ref 0\n"
    "some:\n  c = add.i32 code, 1000\n  r = int_to_ref c\n  ret r\n"
    "}\n"
    "func @match(e: ref, t: ref) -> i32 {\nentry:\n  r = icmp.eq e, t\n  ret r\n}\n"
    "func @leaf(p: ref, k: i32) -> i32 {\n"
    "entry:\n"
    "  check_null p, 20\n"
    "  check_index k, 5, 10\n"
    "  z = sub.i32 k, 3\n"
    "  check_nonzero z, 30\n"
    "  y = icmp.eq k, 4\n"
    "  trap_if y, 99\n"               /* exc_make gives null: go on */
    "  c = icmp.eq k, 2\n"
    "  cbr c, thr, out\n"
    "thr:\n  e = int_to_ref 77\n  throw e\n"
    "out:\n  ret k\n"
    "}\n"
    "func @mid(p: ref, k: i32, x: f64) -> i32 {\n"
    "entry:\n"
    "  a1 = mul.i32 k, 3\n  a2 = add.i32 k, 11\n  a3 = xor.i32 k, 0x55\n"
    "  a4 = mul.i32 k, 19\n  a5 = add.i32 k, 1234\n  a6 = sub.i32 k, 77\n"
    "  d1 = fmul.f64 x, 3.5\n  d2 = fadd.f64 x, 1.25\n  d3 = fmul.f64 x, 7.5\n"
    "  r = call @leaf(p, k)\n"
    "  s1 = add.i32 a1, a2\n  s2 = add.i32 s1, a3\n  s3 = add.i32 s2, a4\n"
    "  s4 = add.i32 s3, a5\n  s5 = add.i32 s4, a6\n"
    "  f1 = fadd.f64 d1, d2\n  f2 = fadd.f64 f1, d3\n  fi = fptosi.i32 f2\n"
    "  s6 = add.i32 s5, fi\n  s7 = add.i32 s6, r\n  ret s7\n"
    "}\n"
    "func @top(p: ref, k: i32) -> i32 {\n"
    "entry:\n"
    "  b1 = mul.i32 k, 5\n  b2 = add.i32 k, 100\n  b3 = xor.i32 k, 0x3c\n"
    "  b4 = mul.i32 k, 13\n  b5 = add.i32 k, 4321\n  b6 = sub.i32 k, 9\n"
    "  e1 = sitofp.f64 k\n  e2 = fmul.f64 e1, 0.5\n"
    "  br t\n"
    "t [catch 1020 -> hn, catch 1030 -> hz, catch 0 -> hall]:\n"
    "  r = call @mid(p, k, 2.5)\n  ret r\n"
    "hn(x: ref):\n  v = ptr_to_int x\n  w = add.i32 v, b1\n  w2 = add.i32 w, b2\n  ret w2\n"
    "hz(x2: ref):\n  v2 = ptr_to_int x2\n  u1 = add.i32 b3, b4\n  u2 = add.i32 u1, b5\n"
    "  u3 = add.i32 u2, b6\n  g = fadd.f64 e1, e2\n  gi = fptosi.i32 g\n"
    "  u4 = add.i32 u3, gi\n  u5 = add.i32 u4, v2\n  ret u5\n"
    "hall(x3: ref):\n  v3 = ptr_to_int x3\n  n3 = sub.i32 0, v3\n  n4 = add.i32 n3, b6\n  ret n4\n"
    "}\n";

/* The image's main: top(k) for k = -1..6 on the UART, then whether CPSR
 * (mode, interrupt masks, flags aside) is what it was. */
static const char main_c[] =
    "#include <stdint.h>\n"
    "#define REG(a) (*(volatile uint32_t *)(a))\n"
    "int jit_top(void *p, int32_t k);\n"
    "static void puts_uart(const char *s) {\n"
    "  for (; *s; s++) { while (REG(0xE000002Cu) & 0x10) {} REG(0xE0000030u) = (uint8_t)*s; }\n"
    "}\n"
    "static void put_int(int v) {\n"
    "  char b[16], *p = b + sizeof b; unsigned u = v < 0 ? -(unsigned)v : (unsigned)v;\n"
    "  *--p = 0; do *--p = (char)('0' + u % 10); while (u /= 10);\n"
    "  if (v < 0) *--p = '-';\n"
    "  puts_uart(p);\n"
    "}\n"
    "static int cell;\n"
    "int main(void) {\n"
    "  REG(0xE0000000u) = 0x14;\n"
    "  unsigned c0, c1;\n"
    "  __asm__ volatile(\"mrs %0, cpsr\" : \"=r\"(c0));\n"
    "  for (int k = -1; k <= 6; k++) {\n"
    "    int r = jit_top(k == 0 ? 0 : &cell, k);\n"
    "    puts_uart(\"top(\"); put_int(k); puts_uart(\") = \"); put_int(r); puts_uart(\"\\n\");\n"
    "  }\n"
    "  __asm__ volatile(\"mrs %0, cpsr\" : \"=r\"(c1));\n"
    "  puts_uart((c0 & 0x1ff) == (c1 & 0x1ff) ? \"cpsr same\\n\" : \"cpsr DIFFERS\\n\");\n"
    "  return 0;\n"
    "}\n";

static bool have(const char *tool) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s > /dev/null 2>&1", tool);
  return system(cmd) == 0;
}

static void put_file(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  fclose(f);
}

static void sh(const char *cmd) {
  if (system(cmd) != 0) fail_msg("failed: %s", cmd);
}

static bool no_externs(void *ud, const char *name, uint32_t *addr) {
  (void)ud, (void)addr;
  print_message("unexpected extern %s\n", name);
  return false;
}

static void test_svc_on_qemu(void **state) {
  (void)state;
  if (!have("arm-none-eabi-gcc") || !have("arm-none-eabi-ld") || !have("qemu-system-arm") ||
      !have("timeout")) {
    print_message("skipped: arm-none-eabi tools or qemu-system-arm missing\n");
    skip();
  }
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_module *m = armjit_module_parse(ctx, module, &err);
  if (!m) fail_msg("parse %d:%d %s", err.line, err.col, err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("compile: %s", err.msg);
  armjit_link_options lo = {0x00200000, 0, 0, 0, NULL, 0, 0};
  if (armjit_object_link(o, &lo, no_externs, NULL, &err) != ARMJIT_OK) fail_msg("link: %s", err.msg);
  size_t size = 0;
  const void *text = armjit_object_section(o, ".text", NULL, &size);
  assert_non_null(text);
  uint32_t top = 0, svc = 0;
  assert_true(armjit_object_symbol_addr(o, "top", &top));
  assert_true(armjit_object_symbol_addr(o, "__armjit_trap_svc", &svc));
  /* the expected lines, from the interpreter */
  char want[1024] = "";
  static int cell;
  for (int k = -1; k <= 6; k++) {
    armjit_mval a[2] = {{.bits = 0}, {.bits = 0}}, r = {.bits = 0};
    a[0].ref = k == 0 ? 0 : (uintptr_t)&cell;
    a[1].i32 = k;
    assert_int_equal(armjit_mc_interpret(m, "top", a, 2, &r, NULL, &err), ARMJIT_OK);
    snprintf(want + strlen(want), sizeof want - strlen(want), "top(%d) = %d\n", k, (int)r.i32);
  }
  strcat(want, "cpsr same\n");
  /* the image: boot.S + main.c + the code at 0x00200000 */
  const char *dir = "host_mc_exc_svc.work";
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
  sh(cmd);
  char path[256];
  /* .text, then the function table after it (the flat linker's default) */
  uint32_t tab_at = 0;
  size_t tab_size = 0;
  const void *tab = armjit_object_section(o, "armjit_fntab", &tab_at, &tab_size);
  assert_non_null(tab);
  assert_true(tab_at >= 0x00200000 + size && tab_at - 0x00200000 - size < 4);
  size_t img_size = tab_at - 0x00200000 + tab_size;
  uint8_t *img = calloc(1, img_size);
  assert_non_null(img);
  memcpy(img, text, size);
  memcpy(img + (tab_at - 0x00200000), tab, tab_size);
  snprintf(path, sizeof path, "%s/code.bin", dir);
  put_file(path, img, img_size);
  free(img);
  snprintf(path, sizeof path, "%s/main.c", dir);
  put_file(path, main_c, strlen(main_c));
  static const char blob[] = "        .section .jit, \"ax\"\n        .incbin \"code.bin\"\n";
  snprintf(path, sizeof path, "%s/blob.S", dir);
  put_file(path, blob, strlen(blob));
  const char *bm = ARMJIT_SOURCE_DIR "/tests/baremetal";
  const char *cpu = "-mcpu=cortex-a9 -marm -mfpu=vfpv3-d16 -mfloat-abi=hard";
  snprintf(cmd, sizeof cmd,
           "cd %s && sed 's|  .stacks (NOLOAD)|  .jit 0x00200000 : { KEEP(*(.jit)) }\\n  .stacks (NOLOAD)|' "
           "%s/link.ld > link.ld && "
           "arm-none-eabi-gcc %s -c %s/boot.S -o boot.o && "
           "arm-none-eabi-gcc %s -c blob.S -o blob.o && "
           "arm-none-eabi-gcc %s -O1 -ffreestanding -fno-builtin -Wall -Werror -c main.c -o main.o && "
           "arm-none-eabi-ld -T link.ld boot.o main.o blob.o --defsym=jit_top=0x%x "
           "--defsym=__svc_handler=0x%x $(arm-none-eabi-gcc %s -print-libgcc-file-name) -o image.elf && "
           "timeout 10 qemu-system-arm -M xilinx-zynq-a9 -m 256M -nographic -semihosting "
           "-monitor none -serial stdio -kernel image.elf < /dev/null 2> qemu.err | tr -d '\\r' > uart.txt",
           dir, bm, cpu, bm, cpu, cpu, top, svc, cpu);
  sh(cmd);
  snprintf(path, sizeof path, "%s/uart.txt", dir);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char got[1024];
  size_t n = fread(got, 1, sizeof got - 1, f);
  got[n] = 0;
  fclose(f);
  print_message("bare-metal trap svc: %zu bytes of code, %zu UART bytes\n", size, n);
  assert_string_equal(got, want);
  armjit_object_free(o);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_svc_on_qemu)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
