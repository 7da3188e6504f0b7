/* SPDX-License-Identifier: MIT */
/* ELF relocatable objects (armjit_object_elf) read and linked by the GNU
 * tools (host build):
 *   - readelf: header, sections, symbols (sized functions, mapping
 *     symbols, undefined externs), relocations (never R_ARM_PC24), the
 *     attributes of each ABI;
 *   - objdump -dr: every instruction word at its address as the object's
 *     own listing has it, function symbols at the addresses a flat link at
 *     0 gives, each relocation on the field the object records it for;
 *   - arm-linux-gnueabihf-gcc / arm-linux-gnueabi-gcc link the object with
 *     C into a Linux program that runs under qemu-arm: C calls armjit
 *     functions (ints, i64, floats in each ABI's registers, a function
 *     pointer) and armjit calls C;
 *   - arm-none-eabi-ld links it with a bare-metal C object without a
 *     warning.
 * A test whose tool is missing is skipped; with none of them the program
 * exits 77 (ctest SKIP_RETURN_CODE). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armjit/mc.h"

static const char module_text[] =
    "extern @c_add(i32, i32) -> i32\n"
    "extern @c_scale(f64, f32) -> f64\n"
    "extern @c_data()\n"
    "data @mj_vt rodata = [@mj_add3, @c_add, @mj_count+4]\n"
    "data @mj_count data align 8 = [i32 1, i32 2]\n"
    "data @mj_scratch local bss align 16 size 64\n"
    "func @mj_bump() -> i32 {\n"
    "entry:\n"
    "  p = addr @mj_count\n"
    "  v = load.i32 p, 0\n"
    "  c = addr @c_data\n"
    "  d = load.i32 c, 0\n"
    "  w = add.i32 v, d\n"
    "  s = call @mj_twice(w)\n"
    "  store.i32 p, 0, s\n"
    "  ret s\n"
    "}\n"
    "func @mj_twice(x: i32) -> i32 local {\n"
    "entry:\n"
    "  q = addr @mj_scratch\n"
    "  store.i32 q, 4, x\n"
    "  y = load.i32 q, 4\n"
    "  z = add.i32 y, y\n"
    "  ret z\n"
    "}\n"
    "func @mj_add3(a: i32, b: i32, c: i32) -> i32 {\n"
    "entry:\n"
    "  x = call @c_add(a, b)\n"
    "  y = add.i32 x, c\n"
    "  ret y\n"
    "}\n"
    "func @mj_fma(a: f64, b: f32, c: f64) -> f64 {\n"
    "entry:\n"
    "  x = call @c_scale(a, b)\n"
    "  y = fadd.f64 x, c\n"
    "  z = fmul.f64 y, 1.1\n"
    "  ret z\n"
    "}\n"
    "func @mj_fnptr() -> ref {\n"
    "entry:\n"
    "  p = addr @mj_add3\n"
    "  ret p\n"
    "}\n"
    "func @mj_wide(a: i64, b: i32) -> i64 {\n"
    "entry:\n"
    "  w = sext_i64 b\n"
    "  s = add.i64 a, w\n"
    "  t = call @mj_add3(b, b, b)\n"
    "  u = sext_i64 t\n"
    "  v = add.i64 s, u\n"
    "  ret v\n"
    "}\n";

static const char c_main[] =
    "#include <stdio.h>\n"
    "int c_add(int a, int b) { return a * 10 + b; }\n"
    "double c_scale(double a, float b) { return a * b; }\n"
    "int mj_add3(int, int, int);\n"
    "double mj_fma(double, float, double);\n"
    "void *mj_fnptr(void);\n"
    "long long mj_wide(long long, int);\n"
    "int mj_bump(void);\n"
    "extern void *const mj_vt[3];\n"
    "extern int mj_count[2];\n"
    "int c_data = 3;\n"
    "int main(void) {\n"
    "  if (mj_vt[0] != (void *)mj_add3 || mj_vt[1] != (void *)c_add) return 6;\n"
    "  if (mj_vt[2] != (void *)&mj_count[1]) return 7;\n"
    "  mj_count[0] = 40;\n"
    "  if (mj_bump() != 86 || mj_count[0] != 86) return 8;\n"
    "  if (mj_add3(1, 2, 3) != 15) return 1;\n"
    "  if (mj_fma(1.5, 2.0f, 0.25) != (1.5 * 2.0 + 0.25) * 1.1) return 2;\n"
    "  if (mj_fnptr() != (void *)mj_add3) return 3;\n"
    "  int (*f)(int, int, int) = (int (*)(int, int, int))mj_fnptr();\n"
    "  if (f(2, 3, 4) != 27) return 4;\n"
    "  if (mj_wide(0x100000000LL, -1) != 0xffffffffLL - 12) return 5;\n"
    "  puts(\"armjit and C: ok\");\n"
    "  return 0;\n"
    "}\n";

/* ---- tools ------------------------------------------------------------------------ */
static bool have(const char *tool) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
  return system(cmd) == 0;
}

/* Run cmd (stderr too); its output (malloc'd) and exit status. */
static char *run(const char *cmd, int *status) {
  char full[2048];
  snprintf(full, sizeof full, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  assert_non_null(p);
  size_t cap = 1 << 20, n = 0, r;
  char *out = malloc(cap);
  assert_non_null(out);
  while ((r = fread(out + n, 1, cap - 1 - n, p)) > 0) n += r;
  out[n] = 0;
  int st = pclose(p);
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

static void expect(const char *out, const char *what) {
  if (!strstr(out, what)) fail_msg("output lacks \"%s\":\n%s", what, out);
}

/* Some line of out holds both a and b (b after a). */
static void expect_line(const char *out, const char *a, const char *b) {
  for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    const char *e = strchr(l, '\n'), *p = strstr(l, a);
    if (p && (!e || p < e) && (p = strstr(p, b)) && (!e || p < e)) return;
  }
  fail_msg("no line with \"%s\" ... \"%s\" in:\n%s", a, b, out);
}

typedef struct {
  char dir[64];
  armjit_ctx *ctx;
  armjit_module *m;
  armjit_object *o;
} fixture;

/* Compile module_text for the ABI (and VFPv3-D16 + feats) into DIR/mod.o. */
static void build(fixture *f, armjit_abi abi, unsigned feats, unsigned elf_flags) {
  snprintf(f->dir, sizeof f->dir, "/tmp/armjit-elf-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  armjit_options opt;
  memset(&opt, 0, sizeof opt);
  opt.abi = abi;
  opt.flags = ARMJIT_FEATURES_SET;
  opt.features = A32_FEAT_VFPV3 | feats;
  armjit_error err;
  f->ctx = armjit_ctx_new(&opt, &err);
  assert_non_null(f->ctx);
  f->m = armjit_module_parse(f->ctx, module_text, &err);
  if (!f->m) fail_msg("%s", err.msg);
  f->o = armjit_module_compile(f->m, &err);
  if (!f->o) fail_msg("%s", err.msg);
  char path[128];
  snprintf(path, sizeof path, "%s/mod.o", f->dir);
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  if (armjit_object_write_elf(f->o, elf_flags, out, &err) != ARMJIT_OK) fail_msg("%s", err.msg);
  fclose(out);
}

static void teardown(fixture *f) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
  assert_int_equal(system(cmd), 0);
  armjit_object_free(f->o);
  armjit_module_free(f->m);
  armjit_ctx_free(f->ctx);
}

/* ---- readelf ---------------------------------------------------------------------- */
/* readelf -s's line for symbol `name`: value, size, type, bind, ndx. */
static bool sym_line(const char *out, const char *name, unsigned *value, unsigned *size,
                     char *type, char *bind, char *ndx) {
  for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    unsigned num;
    char nm[128], vis[16];
    if (sscanf(l, " %u: %x %u %15s %15s %15s %15s %127s", &num, value, size, type, bind, vis,
               ndx, nm) == 8 &&
        strcmp(nm, name) == 0)
      return true;
  }
  return false;
}

static void check_readelf(armjit_abi abi) {
  fixture f;
  build(&f, abi, 0, 0);
  char cmd[256];
  int st;
  snprintf(cmd, sizeof cmd, "readelf -hSsrA -W %s/mod.o", f.dir);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  expect(out, "REL (Relocatable file)");
  expect(out, "Machine:                           ARM");
  expect(out, abi == ARMJIT_ABI_HARD ? "Version5 EABI, hard-float ABI"
                                     : "Version5 EABI, soft-float ABI");
  expect(out, " .text             PROGBITS ");
  expect(out, " .rel.text         REL ");
  expect(out, " .ARM.attributes   ARM_ATTRIBUTES ");
  expect(out, "Tag_CPU_arch: v7");
  expect(out, "Tag_CPU_arch_profile: Application");
  expect(out, "Tag_FP_arch: VFPv3-D16");
  expect(out, "Tag_ABI_align_needed: 8-byte");
  if (abi == ARMJIT_ABI_HARD) expect(out, "Tag_ABI_VFP_args: VFP registers");
  else assert_null(strstr(out, "Tag_ABI_VFP_args"));
  assert_null(strstr(out, "R_ARM_PC24"));
  expect(out, "R_ARM_MOVW_ABS_NC      00000000   c_add");
  expect(out, "R_ARM_MOVT_ABS         00000000   c_scale");
  expect(out, " $a");
  expect(out, " $d"); /* mj_fma's constant 1.1 */
  /* data: sections, ABS32 words, object symbols */
  expect(out, " .rodata           PROGBITS ");
  expect(out, " .data             PROGBITS ");
  expect(out, " .bss              NOBITS ");
  expect(out, " .rel.rodata       REL ");
  expect_line(out, "R_ARM_ABS32", " mj_add3");
  expect_line(out, "R_ARM_ABS32", " mj_count");
  expect(out, "R_ARM_MOVW_ABS_NC      00000000   c_data");
  expect(out, "12 OBJECT  GLOBAL DEFAULT    2 mj_vt");
  expect(out, "8 OBJECT  GLOBAL DEFAULT    3 mj_count");
  expect(out, "64 OBJECT  LOCAL  DEFAULT    4 mj_scratch");
  /* every function: a sized global FUNC in .text, one after the other */
  static const char *const fns[] = {"mj_bump", "mj_twice", "mj_add3", "mj_fma", "mj_fnptr",
                                    "mj_wide"};
  unsigned prev_end = 0;
  for (size_t k = 0; k < 6; k++) {
    unsigned value, size;
    char type[16], bind[16], ndx[16];
    if (!sym_line(out, fns[k], &value, &size, type, bind, ndx))
      fail_msg("no symbol %s:\n%s", fns[k], out);
    assert_string_equal(type, "FUNC");
    assert_string_equal(bind, k == 1 ? "LOCAL" : "GLOBAL");
    assert_string_equal(ndx, "1");
    assert_true(size > 0 && value >= prev_end && value % 4 == 0);
    prev_end = value + size;
  }
  assert_true(prev_end <= armjit_object_size(f.o));
  unsigned value, size;
  char type[16], bind[16], ndx[16];
  assert_true(sym_line(out, "c_add", &value, &size, type, bind, ndx));
  assert_string_equal(ndx, "UND");
  assert_string_equal(bind, "GLOBAL");
  free(out);
  teardown(&f);
}

static void test_readelf_hard(void **state) {
  (void)state;
  if (!have("readelf")) skip();
  check_readelf(ARMJIT_ABI_HARD);
}

static void test_readelf_soft(void **state) {
  (void)state;
  if (!have("readelf")) skip();
  check_readelf(ARMJIT_ABI_SOFT);
}

/* ---- objdump against the object's listing ----------------------------------------- */
static bool any_extern(void *ud, const char *name, uint32_t *addr) {
  (void)ud;
  (void)name;
  *addr = 0x40000;
  return true;
}

static void test_objdump_matches_listing(void **state) {
  (void)state;
  if (!have("arm-none-eabi-objdump")) skip();
  fixture f;
  build(&f, ARMJIT_ABI_HARD, 0, 0);
  char cmd[256];
  int st;
  snprintf(cmd, sizeof cmd, "arm-none-eabi-objdump -dr %s/mod.o", f.dir);
  char *dump = run(cmd, &st);
  assert_int_equal(st, 0);
  char *lst = NULL;
  size_t lsz = 0;
  FILE *mem = open_memstream(&lst, &lsz);
  assert_non_null(mem);
  assert_int_equal(armjit_object_dis(f.o, mem), ARMJIT_OK);
  fclose(mem);
  /* the listing's words by address (the object as compiled, addends in place) */
  size_t n = armjit_object_size(f.o) / 4;
  uint32_t *word = calloc(n, sizeof *word);
  bool *seen = calloc(n, sizeof *seen);
  assert_true(word && seen);
  for (const char *l = lst; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    unsigned a, w;
    if (l[0] == '@' && strstr(l, " bytes in .") && strstr(l, " bytes in .") < strchr(l, '\n'))
      break; /* the data, after the code */
    if (sscanf(l, " %x: %x", &a, &w) == 2 && a / 4 < n) {
      word[a / 4] = w;
      seen[a / 4] = true;
    }
  }
  /* objdump's: the same word everywhere but in relocated fields, which
   * hold the REL addend (0 here: externs and whole functions) */
  size_t matched = 0, relocs = 0;
  unsigned last = UINT32_MAX;
  for (const char *l = dump; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    unsigned a, w, at;
    char kind[32], sym[64];
    if (sscanf(l, " %x: R_ARM_%31s %63s", &at, kind, sym) == 3) {
      assert_int_equal(at, last);
      relocs++;
      continue;
    }
    if (sscanf(l, " %x:\t%x", &a, &w) == 2 && a / 4 < n) {
      assert_true(seen[a / 4]);
      last = a;
      if (w != word[a / 4]) {
        /* a relocated MOVW/MOVT: the listing and the file differ only in imm16 */
        assert_int_equal(w & 0xfff0f000u, word[a / 4] & 0xfff0f000u);
        assert_int_equal(w & 0x000f0fffu, 0);
      }
      matched++;
    }
  }
  assert_int_equal(matched, n);
  /* MOVW/MOVT pairs: mj_count, c_data, mj_scratch, c_add, c_scale, addr @mj_add3 */
  assert_int_equal(relocs, 12);
  /* function symbols where a flat link at 0 puts them */
  static const char *const fns[] = {"mj_add3", "mj_fma", "mj_fnptr", "mj_wide"};
  armjit_link_options lo;
  memset(&lo, 0, sizeof lo);
  armjit_error err;
  assert_int_equal(armjit_object_link(f.o, &lo, any_extern, NULL, &err), ARMJIT_OK);
  for (size_t k = 0; k < 4; k++) {
    uint32_t addr;
    assert_true(armjit_object_symbol_addr(f.o, fns[k], &addr));
    char want[96];
    snprintf(want, sizeof want, "%08x <%s>:", (unsigned)addr, fns[k]);
    expect(dump, want);
  }
  free(word);
  free(seen);
  free(lst);
  free(dump);
  teardown(&f);
}

/* ---- linked with C, run under qemu-arm -------------------------------------------- */
static void link_and_run(armjit_abi abi, const char *triple) {
  char gcc[64];
  snprintf(gcc, sizeof gcc, "%s-gcc", triple);
  if (!have(gcc) || !have("qemu-arm")) skip();
  fixture f;
  build(&f, abi, 0, ARMJIT_ELF_GNU_STACK);
  char path[128], cmd[512];
  snprintf(path, sizeof path, "%s/main.c", f.dir);
  FILE *c = fopen(path, "w");
  assert_non_null(c);
  fputs(c_main, c);
  fclose(c);
  int st;
  snprintf(cmd, sizeof cmd, "%s -O1 -Wall -static %s/main.c %s/mod.o -o %s/prog", gcc, f.dir,
           f.dir, f.dir);
  char *out = run(cmd, &st);
  if (st != 0 || out[0]) fail_msg("%s failed or warned:\n%s", cmd, out);
  free(out);
  snprintf(cmd, sizeof cmd, "qemu-arm %s/prog", f.dir);
  out = run(cmd, &st);
  if (st != 0) fail_msg("the program failed (status %d):\n%s", st, out);
  expect(out, "armjit and C: ok");
  free(out);
  teardown(&f);
}

static void test_linux_hard(void **state) {
  (void)state;
  link_and_run(ARMJIT_ABI_HARD, "arm-linux-gnueabihf");
}

static void test_linux_soft(void **state) {
  (void)state;
  link_and_run(ARMJIT_ABI_SOFT, "arm-linux-gnueabi");
}

/* ---- arm-none-eabi-ld: no warnings -------------------------------------------------- */
static void test_bare_ld(void **state) {
  (void)state;
  if (!have("arm-none-eabi-gcc") || !have("arm-none-eabi-ld")) skip();
  static const char *const fpus[] = {"vfpv3-d16", "vfpv3"};
  for (int d32 = 0; d32 < 2; d32++) {
    fixture f;
    build(&f, ARMJIT_ABI_HARD, d32 ? A32_FEAT_D32 : 0, 0);
    char path[128], cmd[768];
    snprintf(path, sizeof path, "%s/start.c", f.dir);
    FILE *c = fopen(path, "w");
    assert_non_null(c);
    fputs("int c_add(int a, int b) { return a + b; }\n"
          "int c_data = 1;\n"
          "double c_scale(double a, float b) { return a * b; }\n"
          "int mj_add3(int, int, int);\n"
          "int _start(void) { return mj_add3(1, 2, 3); }\n", c);
    fclose(c);
    int st;
    snprintf(cmd, sizeof cmd,
             "arm-none-eabi-gcc -mcpu=cortex-a9 -marm -mfpu=%s -mfloat-abi=hard -O1 -c "
             "%s/start.c -o %s/start.o && arm-none-eabi-ld %s/start.o %s/mod.o -o %s/image.elf",
             fpus[d32], f.dir, f.dir, f.dir, f.dir, f.dir);
    char *out = run(cmd, &st);
    if (st != 0 || out[0]) fail_msg("%s failed or warned:\n%s", cmd, out);
    free(out);
    snprintf(cmd, sizeof cmd, "arm-none-eabi-nm %s/image.elf", f.dir);
    out = run(cmd, &st);
    assert_int_equal(st, 0);
    expect(out, " T mj_add3");
    expect(out, " T c_add");
    free(out);
    teardown(&f);
  }
}

/* ---- a code section holding data ------------------------------------------------------ */
/* A vector table (data) and a reset function in .vectors, in declaration
 * order, then more data: one "ax" section aligned to the table's 32, $d
 * and $a at each switch, the data as OBJECT symbols at their aligned
 * offsets, the address words as R_ARM_ABS32, and GNU ld links it (with
 * the ELF entry the reset function) so that the section's bytes are the
 * table then the code. */
static const char vectors_text[] =
    "extern @go()\n"
    "data @vt rodata section(\".vectors\") align 32 = [i32 0xe59ff018, @rst, @tail+2]\n"
    "func @rst() naked section(\".vectors\") {\n"
    "entry:\n"
    "  p = addr @vt\n"
    "  q = addr @tail\n"
    "  call @go()\n"
    "  pi = ptr_to_int p\n"
    "  store.i32 q, 0, pi\n"
    "  halt\n"
    "}\n"
    "data @tail rodata section(\".vectors\") align 16 = [i8 7, i8 8, i8 9]\n"
    "func @rst2() naked section(\".vectors\") {\n"
    "entry:\n"
    "  halt\n"
    "}\n";

static void test_code_section_data(void **state) {
  (void)state;
  if (!have("readelf") || !have("arm-none-eabi-objdump")) skip();
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_module *m = armjit_module_parse(ctx, vectors_text, &err);
  if (!m) fail_msg("%s", err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("%s", err.msg);
  char dir[64] = "/tmp/armjit-elf-vec-XXXXXX", path[128], cmd[512];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/v.o", dir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(armjit_object_write_elf(o, 0, f, &err), ARMJIT_OK);
  fclose(f);
  int st;
  snprintf(cmd, sizeof cmd, "readelf -SsrW %s", path);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  /* one section, executable, aligned to 32 */
  expect_line(out, "] .vectors", "PROGBITS");
  expect_line(out, "] .vectors ", " AX  0   0 32");
  unsigned value, size;
  char type[16], bind[16], ndx[16];
  assert_true(sym_line(out, "vt", &value, &size, type, bind, ndx));
  assert_int_equal(value, 0);
  assert_int_equal(size, 12);
  assert_string_equal(type, "OBJECT");
  unsigned rst, rst_size, tail, rst2;
  assert_true(sym_line(out, "rst", &rst, &rst_size, type, bind, ndx));
  assert_string_equal(type, "FUNC");
  assert_int_equal(rst, 12);                      /* right after the table */
  assert_true(sym_line(out, "tail", &tail, &size, type, bind, ndx));
  assert_string_equal(type, "OBJECT");
  assert_int_equal(size, 3);
  assert_int_equal(tail % 16, 0);
  assert_true(tail >= rst + rst_size && tail < rst + rst_size + 16);
  assert_true(sym_line(out, "rst2", &rst2, &size, type, bind, ndx));
  assert_int_equal(rst2, tail + 4);               /* the 3 bytes padded to a word */
  /* mapping symbols at every switch: $d table, $a rst, $d padding + tail, $a rst2 */
  char line[96];
  snprintf(line, sizeof line, "%08x     0 NOTYPE  LOCAL  DEFAULT    2 $d", 0u);
  expect(out, line);
  snprintf(line, sizeof line, "%08x     0 NOTYPE  LOCAL  DEFAULT    2 $a", rst);
  expect(out, line);
  snprintf(line, sizeof line, "%08x     0 NOTYPE  LOCAL  DEFAULT    2 $d", rst + rst_size);
  expect(out, line);
  snprintf(line, sizeof line, "%08x     0 NOTYPE  LOCAL  DEFAULT    2 $a", rst2);
  expect(out, line);
  /* the table's words: ABS32 to the function and to the later data + 2 */
  expect_line(out, "00000004 ", "R_ARM_ABS32            0000000c   rst");
  char rel[96];
  snprintf(rel, sizeof rel, "R_ARM_ABS32            %08x   tail", tail);
  expect_line(out, "00000008 ", rel);
  expect(out, "R_ARM_MOVW_ABS_NC      00000000   vt");
  free(out);
  /* objdump: the table as data, the code as instructions */
  snprintf(cmd, sizeof cmd, "arm-none-eabi-objdump -d %s", path);
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  expect(out, "00000000 <vt>:");
  expect(out, "18 f0 9f e5 00 00 00 00 02 00 00 00");
  expect_line(out, "<rst>:", "");
  expect(out, "movw\tr");
  snprintf(line, sizeof line, "%x:\t00090807", tail);
  expect(out, line);
  free(out);
  /* GNU ld: entry rst, the section at 0x8000 holding table then code */
  if (have("arm-none-eabi-ld")) {
    snprintf(cmd, sizeof cmd,
             "arm-none-eabi-ld -e rst --defsym=go=0x9001 -Ttext=0x8000 --section-start=.vectors=0x8000 "
             "%s -o %s/v.elf && readelf -hsW %s/v.elf",
             path, dir, dir);
    out = run(cmd, &st);
    if (st != 0) fail_msg("%s:\n%s", cmd, out);
    char entry[64];
    snprintf(entry, sizeof entry, "Entry point address:               0x%x", 0x8000 + rst);
    expect(out, entry);
    free(out);
    snprintf(cmd, sizeof cmd, "arm-none-eabi-objdump -s -j .vectors %s/v.elf", dir);
    out = run(cmd, &st);
    assert_int_equal(st, 0);
    snprintf(line, sizeof line, " 8000 18f09fe5 0c800000 %02x%02x0000", (0x8000 + tail + 2) & 0xff,
             ((0x8000 + tail + 2) >> 8) & 0xff);
    expect(out, line);
    free(out);
  }
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
  armjit_object_free(o);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

/* ---- what exceptions add ------------------------------------------------------------ */
static const char exc_text[] =
    "trap svc\n"
    "exc_make @mk\n"
    "func @mk(code: i32, pc: ref) -> ref {\nentry:\n  r = int_to_ref code\n  ret r\n}\n"
    "func @leaf(p: ref) -> i32 {\nentry:\n  check_null p, 20\n  ret 1\n}\n"
    "func @top(p: ref) -> i32 {\n"
    "entry [catch 0 -> h]:\n  r = call @leaf(p)\n  ret r\n"
    "h(e: ref):\n  ret -1\n"
    "}\n";

/* The unwinder and the SVC body are weak functions in .text (every
 * module's copy is the same code: one serves the image); the function
 * table is the module's record in section armjit_fntab (a local symbol
 * __armjit_fntab over it), its code addresses R_ARM_ABS32 words, and the
 * unwinder finds every module's record between __start_armjit_fntab and
 * __stop_armjit_fntab (undefined: GNU ld defines them). */
static void write_obj(const char *text, const char *path) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("%s", err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("%s", err.msg);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(armjit_object_write_elf(o, 0, f, &err), ARMJIT_OK);
  fclose(f);
  armjit_object_free(o);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
}

static void test_exception_symbols(void **state) {
  (void)state;
  if (!have("readelf")) skip();
  char path[64];
  snprintf(path, sizeof path, "/tmp/armjit-elf-exc-%ld.o", (long)getpid());
  write_obj(exc_text, path);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "readelf -SsrW %s", path);
  int st;
  char *out = run(cmd, &st);
  unlink(path);
  assert_int_equal(st, 0);
  unsigned value, size, tab_value, tab_size;
  char type[16], bind[16], ndx[16];
  static const char *const fns[] = {"__armjit_throw", "__armjit_trap_svc"};
  for (int k = 0; k < 2; k++) {
    if (!sym_line(out, fns[k], &value, &size, type, bind, ndx)) fail_msg("no %s:\n%s", fns[k], out);
    assert_string_equal(type, "FUNC");
    assert_string_equal(bind, "WEAK");
    assert_string_equal(ndx, "1");
    assert_true(size > 0);
  }
  /* both enter the unwinder, a local function after them */
  if (!sym_line(out, "__armjit_unwind", &value, &size, type, bind, ndx))
    fail_msg("no __armjit_unwind:\n%s", out);
  assert_string_equal(type, "FUNC");
  assert_string_equal(bind, "LOCAL");
  assert_true(size > 0);
  expect_line(out, "] armjit_fntab", "PROGBITS");
  expect_line(out, "] armjit_fntab ", " A  0   0  4");
  assert_true(sym_line(out, "__armjit_fntab", &tab_value, &tab_size, type, bind, ndx));
  assert_string_equal(type, "OBJECT");
  assert_string_equal(bind, "LOCAL");
  assert_int_equal(tab_value, 0);
  /* header, three functions, their infos; one row */
  assert_int_equal(tab_size, 20 + 3 * 12 + 3 * 28 + 16);
  /* mk (exc_make), the three functions' start and end, the row's start,
   * end and handler: 10 words holding addresses */
  expect(out, "Relocation section '.relarmjit_fntab'");
  expect(out, "contains 10 entries");
  expect_line(out, "00000008 ", "R_ARM_ABS32            00000000   mk");
  /* the functions' ends are places, never a weak subroutine after them
   * (another module's copy may win) */
  for (const char *l = out; (l = strstr(l, "R_ARM_ABS32")) != NULL; l++) {
    const char *e = strchr(l, '\n');
    for (int k = 0; k < 2; k++) {
      const char *t = strstr(l, fns[k]);
      if (t && (!e || t < e)) fail_msg("an address word refers to a weak symbol:\n%s", out);
    }
  }
  for (int k = 0; k < 2; k++) {
    if (!sym_line(out, k ? "__stop_armjit_fntab" : "__start_armjit_fntab", &value, &size, type,
                  bind, ndx))
      fail_msg("no section bound symbol:\n%s", out);
    assert_string_equal(ndx, "UND");
  }
  free(out);
}

/* Two modules with exceptions in one image: arm-none-eabi-ld links them
 * without a clash (one __armjit_throw wins, weak), and their records lie
 * one after the other in armjit_fntab between __start_ and __stop_
 * (tests/baremetal/exc2a.mir runs such an image). */
static const char exc_text_b[] =
    "exc_match @m2\n"
    "extern @m2(ref, ref) -> i32\n"
    "extern @leaf(ref) -> i32\n"
    "func @top2(p: ref) -> i32 {\n"
    "entry [catch 9 -> h]:\n  r = call @leaf(p)\n  ret r\n"
    "h(e: ref):\n  ret -2\n"
    "}\n"
    "func @far(p: ref) section(\".text.far\") {\nentry:\n  throw p\n}\n";

static void test_two_exception_modules(void **state) {
  (void)state;
  if (!have("readelf") || !have("arm-none-eabi-ld") || !have("arm-none-eabi-nm")) skip();
  char dir[64] = "/tmp/armjit-elf-exc2-XXXXXX", a[128], b[128], cmd[1024];
  assert_non_null(mkdtemp(dir));
  snprintf(a, sizeof a, "%s/a.o", dir);
  snprintf(b, sizeof b, "%s/b.o", dir);
  write_obj(exc_text, a);
  write_obj(exc_text_b, b);
  int st;
  snprintf(cmd, sizeof cmd,
           "arm-none-eabi-ld -e top --defsym=m2=0x9000 %s %s -o %s/x.elf && "
           "readelf -SsW %s/x.elf && arm-none-eabi-nm %s/x.elf",
           a, b, dir, dir, dir);
  char *out = run(cmd, &st);
  if (st != 0) fail_msg("%s:\n%s", cmd, out);
  expect(out, " W __armjit_throw");
  expect(out, " W __armjit_trap_svc");
  unsigned sv, ss, ev, es, tab = 0, tab_size = 0;
  char type[16], bind[16], ndx[16];
  assert_true(sym_line(out, "__start_armjit_fntab", &sv, &ss, type, bind, ndx));
  assert_true(sym_line(out, "__stop_armjit_fntab", &ev, &es, type, bind, ndx));
  const char *l = strstr(out, "] armjit_fntab");
  assert_non_null(l);
  assert_int_equal(sscanf(l, "] armjit_fntab PROGBITS %x %*x %x", &tab, &tab_size), 2);
  assert_int_equal(sv, tab);
  assert_int_equal(ev, tab + tab_size);
  /* A's record (3 functions, 1 row) and B's (2 functions, 1 row) */
  assert_int_equal(tab_size, (20 + 3 * 12 + 3 * 28 + 16) + (20 + 2 * 12 + 2 * 28 + 16));
  free(out);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* ---- API errors ----------------------------------------------------------------------- */
static void test_api_errors(void **state) {
  (void)state;
  armjit_error err;
  size_t size = 1;
  assert_null(armjit_object_elf(NULL, 0, &size, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_int_equal(armjit_object_write_elf(NULL, 0, stdout, &err), ARMJIT_E_ARG);
}

int main(void) {
  if (!have("readelf") && !have("arm-none-eabi-objdump") && !have("arm-linux-gnueabihf-gcc") &&
      !have("arm-none-eabi-ld")) {
    printf("host_mc_elf: skipped: no GNU binutils for ARM\n");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_readelf_hard),  cmocka_unit_test(test_readelf_soft),
      cmocka_unit_test(test_objdump_matches_listing),
      cmocka_unit_test(test_linux_hard),    cmocka_unit_test(test_linux_soft),
      cmocka_unit_test(test_bare_ld),       cmocka_unit_test(test_exception_symbols),
      cmocka_unit_test(test_code_section_data), cmocka_unit_test(test_two_exception_modules),
      cmocka_unit_test(test_api_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
