/* SPDX-License-Identifier: MIT */
/* The ELF object registered with gdb, read by GNU readelf (host build):
 * its symbols (functions with the loop's ranges, $a/$d mapping symbols)
 * and its .debug_frame decoded into the CFA rules of the prologue. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt/debuginfo.h"
#include "rt/loop.h"

static const char *const text =
    "[i0, f1]\n"
    "label(i0, f1, descr=rd)\n"
    "f2 = float_add(f1, 1.1)\n"  /* not a VFP immediate: pooled */
    "i3 = int_sub(i0, 1)\n"
    "i4 = int_gt(i3, 0)\n"
    "guard_true(i4, descr=done) [i3, f2]\n"
    "jump(i3, f2, descr=rd)\n";

/* readelf's output for the image in path, into a malloc'd string. */
static char *readelf(const char *path) {
  static const char *const tools[] = {"readelf", "arm-linux-gnueabihf-readelf"};
  for (size_t k = 0; k < 2; k++) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s -hsSW --debug-dump=frames %s 2>&1", tools[k], path);
    FILE *p = popen(cmd, "r");
    if (!p) continue;
    size_t cap = 1 << 16, n;
    char *out = malloc(cap);
    assert_non_null(out);
    n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    if (pclose(p) == 0 && n) return out;
    free(out);
  }
  return NULL;
}

static void expect(const char *out, const char *what) {
  if (!strstr(out, what)) fail_msg("readelf output lacks \"%s\":\n%s", what, out);
}

static void test_readelf(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_trace *t = armjit_trace_parse(ctx, text, &err);
  assert_non_null(t);
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  assert_non_null(l);
  ajx_dbg_range ranges[4];
  ajx_dbg_span data[1];  /* one pool (the trace is short) */
  ajx_dbg_object o;
  char *names;
  ajx_dbg_frame frame = {true, 0x5ff0, 8, 8, 4, 8, 12};  /* the loop prologue's shape */
  assert_int_equal(ajx_loop_debug_object(l, &frame, &o, ranges, data, &names), ARMJIT_OK);
  uint8_t *img;
  size_t size;
  assert_int_equal(ajx_gdbjit_image(ctx, &o, &img, &size, &err), ARMJIT_OK);
  char path[64];
  snprintf(path, sizeof path, "/tmp/armjit-gdbjit-%ld.o", (long)getpid());
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(img, 1, size, f), size);
  fclose(f);
  char *out = readelf(path);
  unlink(path);
  if (!out) skip();
  expect(out, "REL (Relocatable file)");
  expect(out, "Machine:                           ARM");
  expect(out, "Version5 EABI");
  /* .text at the code's address, of the code's size */
  size_t code_size;
  uint32_t code = (uint32_t)(uintptr_t)armjit_loop_code(l, &code_size);
  char line[160];
  snprintf(line, sizeof line, "NOBITS          %08x 000000 %06zx", (unsigned)code, code_size);
  expect(out, line);
  /* symbols: value, size, type, binding, section, name */
  snprintf(line, sizeof line, "%08x %5u FUNC    GLOBAL DEFAULT    1 loop1_rd\n", 0u,
           (unsigned)l->body_end);
  expect(out, line);
  snprintf(line, sizeof line, "%08x %5u FUNC    GLOBAL DEFAULT    1 loop1_rd.exit0_done\n",
           (unsigned)l->exits[0].stub, (unsigned)(l->common - l->exits[0].stub));
  expect(out, line);
  snprintf(line, sizeof line, "%08x %5u FUNC    GLOBAL DEFAULT    1 loop1_rd.exit_path\n",
           (unsigned)l->common, (unsigned)(code_size - l->common));
  expect(out, line);
  snprintf(line, sizeof line, "%08x     0 NOTYPE  LOCAL  DEFAULT    1 $d\n", (unsigned)l->pools[0].off);
  expect(out, line);
  expect(out, "00000000     0 NOTYPE  LOCAL  DEFAULT    1 $a\n");
  snprintf(line, sizeof line, "%08x     0 NOTYPE  LOCAL  DEFAULT    1 $a\n",
           (unsigned)(l->pools[0].off + l->pools[0].bytes));
  expect(out, line);
  /* .debug_frame: the CIE, then the FDE over the code with the CFA rules */
  expect(out, "Code alignment factor: 4");
  expect(out, "Data alignment factor: -4");
  expect(out, "Return address column: 14");
  expect(out, "DW_CFA_def_cfa: r13 ofs 0");
  snprintf(line, sizeof line, "pc=%08x..%08x", (unsigned)code, (unsigned)(code + code_size));
  expect(out, line);
  expect(out, "DW_CFA_def_cfa_offset: 40");
  expect(out, "DW_CFA_offset: r4 at cfa-40");
  expect(out, "DW_CFA_offset: r11 at cfa-12");
  expect(out, "DW_CFA_offset: r14 at cfa-4");
  expect(out, "DW_CFA_def_cfa_offset: 104");
  expect(out, "DW_CFA_offset_extended: r264 at cfa-104");  /* d8 */
  expect(out, "DW_CFA_offset_extended: r271 at cfa-48");   /* d15 */
  expect(out, "DW_CFA_def_cfa_register: r11");
  assert_null(strstr(out, "cie=invalid"));
  assert_null(strstr(out, "Warning"));
  free(out);
  ajx_free(ctx, img);
  ajx_free(ctx, names);
  armjit_loop_free(l);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_readelf)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
