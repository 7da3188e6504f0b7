/* SPDX-License-Identifier: MIT */
/* The counting plugin (bench/count_plugin.c) counts exactly: static ARM
 * programs written here with the project's assembler, whose instruction
 * counts follow from their construction, run under qemu-arm with the
 * plugin; the total, the range mode and the three markers are checked.
 * Skipped, with the reason, where qemu-arm is missing or has no plugin
 * support. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "armjit/a32.h"

enum { LOAD = 0x10000, HDR = 52 + 32 };

/* A32 marker encodings the plugin recognises. */
enum { MARK_START = 0xe1844004u, MARK_STOP = 0xe1855005u, MARK_ARM = 0xe1866006u };

/* Writes an ELF32 ARM executable with one loadable segment holding the
 * header and the code at LOAD + HDR, the entry point. */
static int write_elf(const char *path, const a32_buf *b) {
  uint8_t h[HDR];
  memset(h, 0, sizeof h);
  uint32_t size = (uint32_t)(HDR + a32_buf_size(b));
#define W16(o, v) (h[o] = (uint8_t)(v), h[(o) + 1] = (uint8_t)((v) >> 8))
#define W32(o, v) (W16(o, (v) & 0xffff), W16((o) + 2, (uint32_t)(v) >> 16))
  memcpy(h, "\177ELF", 4);
  h[4] = 1; /* ELFCLASS32 */
  h[5] = 1; /* little-endian */
  h[6] = 1; /* EV_CURRENT */
  W16(16, 2);                 /* ET_EXEC */
  W16(18, 40);                /* EM_ARM */
  W32(20, 1);
  W32(24, LOAD + HDR);        /* e_entry */
  W32(28, 52);                /* e_phoff */
  W32(36, 0x05000000);        /* EF_ARM_EABI_VER5 */
  W16(40, 52);                /* e_ehsize */
  W16(42, 32);                /* e_phentsize */
  W16(44, 1);                 /* e_phnum */
  W16(46, 40);                /* e_shentsize */
  W32(52, 1);                 /* PT_LOAD */
  W32(56, 0);                 /* p_offset */
  W32(60, LOAD);              /* p_vaddr */
  W32(64, LOAD);              /* p_paddr */
  W32(68, size);              /* p_filesz */
  W32(72, size);              /* p_memsz */
  W32(76, 5);                 /* PF_R | PF_X */
  W32(80, 0x1000);            /* p_align */
#undef W32
#undef W16
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int ok = fwrite(h, 1, sizeof h, f) == sizeof h &&
           fwrite(a32_buf_data(b), 1, a32_buf_size(b), f) == a32_buf_size(b);
  /* qemu-arm, like the kernel, runs only files with an execute bit. */
  return (fclose(f) == 0 && ok && chmod(path, 0755) == 0) ? 0 : -1;
}

/* r1 = n; loop: subs r1, r1, #1; bne loop  — 2 + 2n instructions. */
static void count_loop(a32_buf *b, uint32_t n) {
  a32_movw(b, A32_AL, A32_R1, n & 0xffff);
  a32_movt(b, A32_AL, A32_R1, n >> 16);
  a32_label l = a32_label_new(b);
  a32_label_bind(b, l);
  a32_dp(b, A32_AL, A32_SUB, true, A32_R1, A32_R1, a32_imm(1));
  a32_b(b, A32_NE, l);
}

/* exit(0): 3 instructions. */
static void sys_exit(a32_buf *b) {
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R7, 0, a32_imm(1));
  a32_svc(b, A32_AL, 0);
}

static char dir[] = "/tmp/armjit-count-XXXXXX";

static int setup(void **state) {
  (void)state;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* The plugin's output for program b (with plugin arguments args, "" for
 * none): the total and up to 8 windows; returns the number of windows. */
static int run(const a32_buf *b, const char *args, uint64_t *total, uint64_t win[8]) {
  char elf[96], out[96], cmd[512];
  snprintf(elf, sizeof elf, "%s/prog", dir);
  snprintf(out, sizeof out, "%s/count.txt", dir);
  assert_int_equal(a32_buf_status(b), A32_OK);
  assert_int_equal(write_elf(elf, b), 0);
  remove(out);
  snprintf(cmd, sizeof cmd, "qemu-arm -plugin '%s',out='%s'%s '%s'", ARMJIT_COUNT_PLUGIN, out,
           args, elf);
  assert_int_equal(system(cmd), 0);
  FILE *f = fopen(out, "r");
  assert_non_null(f);
  char line[128];
  int nwin = 0, have_total = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long long k, v;
    if (sscanf(line, "count total %llu", &v) == 1) {
      *total = v;
      have_total = 1;
    } else if (sscanf(line, "count window %llu %llu", &k, &v) == 2) {
      assert_int_equal(k, (unsigned long long)nwin);
      assert_true(nwin < 8);
      win[nwin++] = v;
    } else {
      fail_msg("unexpected plugin output: %s", line);
    }
  }
  fclose(f);
  assert_true(have_total);
  return nwin;
}

static void usable_or_skip(void) {
#ifndef ARMJIT_COUNT_PLUGIN
  print_message("skipped: the counting plugin is not built in this configuration\n");
  skip();
#else
  if (system("command -v qemu-arm >/dev/null 2>&1") != 0) {
    print_message("skipped: qemu-arm is not installed\n");
    skip();
  }
  if (system("qemu-arm -h 2>/dev/null | grep -q -- '^-plugin'") != 0) {
    print_message("skipped: this qemu-arm has no TCG plugin support\n");
    skip();
  }
#endif
}

#ifdef ARMJIT_COUNT_PLUGIN
/* Every executed instruction counted once, for several trip counts. */
static void total_is_exact(void **state) {
  (void)state;
  usable_or_skip();
  const uint32_t trips[] = { 1, 7, 1000, 70000 };
  for (size_t i = 0; i < sizeof trips / sizeof trips[0]; i++) {
    a32_buf *b = a32_buf_new(0, 0);
    count_loop(b, trips[i]);
    sys_exit(b);
    uint64_t total = 0, win[8];
    assert_int_equal(run(b, "", &total, win), 0);
    assert_int_equal(total, 2 + 2 * (uint64_t)trips[i] + 3);
    a32_buf_free(b);
  }
}

/* range=LO-HI: only the loop's two instructions. */
static void range_counts_only_inside(void **state) {
  (void)state;
  usable_or_skip();
  a32_buf *b = a32_buf_new(0, 0);
  count_loop(b, 500);
  uint32_t lo = LOAD + HDR + 8, hi = lo + 8; /* subs, bne */
  sys_exit(b);
  char args[64];
  snprintf(args, sizeof args, ",range=%x-%x", lo, hi);
  uint64_t total = 0, win[8];
  assert_int_equal(run(b, args, &total, win), 0);
  assert_int_equal(total, 2 * 500);
  a32_buf_free(b);
}

/* Start/stop windows (markers not counted), the armed form starting at an
 * address, a stop without a window ignored. */
static void windows(void **state) {
  (void)state;
  usable_or_skip();
  a32_buf *b = a32_buf_new(0, 0);
  a32_word(b, MARK_STOP);                 /* no window open: nothing */
  count_loop(b, 10);                      /* not in a window */
  a32_word(b, MARK_START);
  count_loop(b, 100);                     /* window 0: 202 */
  a32_word(b, MARK_STOP);
  a32_word(b, MARK_START);
  a32_word(b, MARK_STOP);                 /* window 1: empty */
  /* Armed at `at`: the 4 instructions before it are not in the window. */
  size_t arm_at = a32_buf_size(b);
  a32_word(b, MARK_ARM);
  a32_movw(b, A32_AL, A32_IP, 0);         /* patched below */
  a32_movt(b, A32_AL, A32_IP, 0);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R2, 0, a32_imm(1));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R2, 0, a32_imm(2));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R2, 0, a32_imm(3));
  a32_label l = a32_label_new(b);         /* `at` starts a block of its own */
  a32_b(b, A32_AL, l);
  a32_label_bind(b, l);
  uint32_t at = (uint32_t)(LOAD + HDR + a32_buf_size(b));
  count_loop(b, 25);                      /* window 2: 52 */
  a32_word(b, MARK_STOP);
  sys_exit(b);
  a32_buf_patch_begin(b, arm_at + 4);
  a32_movw(b, A32_AL, A32_IP, at & 0xffff);
  a32_movt(b, A32_AL, A32_IP, at >> 16);
  a32_buf_patch_end(b);
  uint64_t total = 0, win[8];
  assert_int_equal(run(b, "", &total, win), 3);
  assert_int_equal(win[0], 2 + 2 * 100);
  assert_int_equal(win[1], 0);
  assert_int_equal(win[2], 2 + 2 * 25);
  /* Markers are not counted in the total either. */
  assert_int_equal(total, (2 + 20) + (2 + 200) + 3 + 1 + (2 + 50) + 3);
  a32_buf_free(b);
}
#else
static void total_is_exact(void **state) { (void)state; usable_or_skip(); }
static void range_counts_only_inside(void **state) { (void)state; usable_or_skip(); }
static void windows(void **state) { (void)state; usable_or_skip(); }
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(total_is_exact),
    cmocka_unit_test(range_counts_only_inside),
    cmocka_unit_test(windows),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
