/* SPDX-License-Identifier: MIT */
/* Flat images that run: code linked by armjit_object_link (mc_image.c)
 * at the address of a mapping, copied there and called.
 *   - a compiled module calling C functions and loading an address
 *   - veneers: BL and B to an A32 and a Thumb function 64 MiB away, a BL
 *     that becomes BLX, a B to a Thumb function in reach (veneer: B cannot
 *     change state), all run
 *   - chained fixups: the image's own loader (__armjit_fixup) patches
 *     every pair on the target, then the code runs and equals the image
 *     linked with every symbol known. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "armjit/mc.h"
#include "mc/mc_image.h"

#define MIB (1u << 20)

static int32_t add3(int32_t a, int32_t b, int32_t c) { return a + b + c; }
static int32_t neg(int32_t a) { return -a; }
static int32_t cells[4] = {11, 22, 33, 44};

typedef struct {
  const char *name;
  uintptr_t addr;
} known;

static const known host_syms[] = {
    {"add3", (uintptr_t)&add3}, {"neg", (uintptr_t)&neg}, {"cells", (uintptr_t)cells}, {NULL, 0}};

static bool host_resolve(void *ud, const char *name, uint32_t *addr) {
  for (const known *k = ud; k->name; k++)
    if (strcmp(k->name, name) == 0) {
      *addr = (uint32_t)k->addr;
      return true;
    }
  return false;
}

static const char module_text[] =
    "extern @add3(i32, i32, i32) -> i32\n"
    "extern @neg(i32) -> i32\n"
    "extern @cells() -> i32\n"
    "func @f(x: i32) -> i32 {\n"
    "entry:\n"
    "  y = call @add3(x, 1, 2)\n"
    "  z = call @neg(y)\n"
    "  ret z\n"
    "}\n"
    "func @third() -> i32 {\n"
    "entry:\n"
    "  p = addr @cells+8\n"
    "  v = load.i32 p, 0\n"
    "  ret v\n"
    "}\n"
    "func @twice(x: i32) -> i32 {\n"
    "entry:\n"
    "  a = call @f(x)\n"
    "  q = addr @f\n"
    "  b = call_ind.i32 q(a)\n"
    "  c = add.i32 a, b\n"
    "  ret c\n"
    "}\n";

static void *map_rwx(size_t n) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(p != MAP_FAILED);
  return p;
}

/* Copy the linked .text to where it was linked for and flush. */
static void install(const armjit_object *o, void *at) {
  uint32_t addr;
  size_t size;
  const void *p = armjit_object_section(o, ".text", &addr, &size);
  assert_non_null(p);
  assert_int_equal(addr, (uint32_t)(uintptr_t)at);
  memcpy(at, p, size);
  __builtin___clear_cache((char *)at, (char *)at + size);
}

static void *sym(const armjit_object *o, const char *name) {
  uint32_t a;
  if (!armjit_object_symbol_addr(o, name, &a)) fail_msg("no symbol %s", name);
  return (void *)(uintptr_t)a;
}

static armjit_object *compile(armjit_ctx *ctx, armjit_module **m) {
  armjit_error err;
  *m = armjit_module_parse(ctx, module_text, &err);
  if (!*m) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
  armjit_object *o = armjit_module_compile(*m, &err);
  if (!o) fail_msg("%s", err.msg);
  return o;
}

static void check_runs(const armjit_object *o) {
  int32_t (*f)(int32_t) = (int32_t(*)(int32_t))sym(o, "f");
  int32_t (*third)(void) = (int32_t(*)(void))sym(o, "third");
  int32_t (*twice)(int32_t) = (int32_t(*)(int32_t))sym(o, "twice");
  assert_int_equal(f(10), -13);
  assert_int_equal(third(), 33);
  assert_int_equal(twice(4), -7 + 4);  /* f(4) = -7, f(-7) = 4 */
}

static void test_module_runs(void **state) {
  armjit_ctx *ctx = *state;
  armjit_module *m;
  armjit_object *o = compile(ctx, &m);
  uint8_t *a = map_rwx(2 * 65536), *b = a + 65536;
  armjit_error err;
  /* at two addresses, each run where it was linked for */
  for (int k = 0; k < 2; k++) {
    uint8_t *at = k ? b : a;
    armjit_link_options opt = {.text = (uint32_t)(uintptr_t)at};
    assert_int_equal(armjit_object_link(o, &opt, host_resolve, (void *)host_syms, &err), ARMJIT_OK);
    install(o, at);
    check_runs(o);
  }
  munmap(a, 2 * 65536);
  armjit_object_free(o);
  armjit_module_free(m);
}

static void test_chained_fixups_run(void **state) {
  armjit_ctx *ctx = *state;
  armjit_module *m;
  armjit_object *o = compile(ctx, &m);
  uint8_t *at = map_rwx(65536);
  armjit_error err;
  /* the reference: every symbol known */
  armjit_link_options opt = {.text = (uint32_t)(uintptr_t)at};
  assert_int_equal(armjit_object_link(o, &opt, host_resolve, (void *)host_syms, &err), ARMJIT_OK);
  size_t full_size;
  const void *full = armjit_object_section(o, ".text", NULL, &full_size);
  uint8_t *want = malloc(full_size);
  assert_non_null(want);
  memcpy(want, full, full_size);

  opt.flags = ARMJIT_LINK_CHAIN_FIXUPS;
  assert_int_equal(armjit_object_link(o, &opt, NULL, NULL, &err), ARMJIT_OK);
  armjit_fixup_chain ch;
  assert_true(armjit_object_chain(o, &ch));
  assert_int_equal(ch.npairs, 3); /* add3, neg, cells+8 */
  assert_int_equal(ch.nsyms, 3);
  uint32_t values[3];
  for (unsigned k = 0; k < ch.nsyms; k++) {
    int32_t addend;
    const char *name = armjit_object_chain_sym(o, k, &addend);
    assert_non_null(name);
    assert_true(host_resolve((void *)host_syms, name, &values[k]));
    values[k] += (uint32_t)addend;
  }
  install(o, at);
  assert_true(memcmp(at, want, full_size) != 0); /* not patched yet */
  void (*loader)(const uint32_t *) = (void (*)(const uint32_t *))sym(o, "__armjit_fixup");
  assert_int_equal((uint32_t)(uintptr_t)loader, ch.loader);
  loader(values);
  __builtin___clear_cache((char *)at, (char *)at + full_size);
  assert_memory_equal(at, want, full_size); /* every pair patched, nothing else */
  check_runs(o);
  /* running the loader again on a patched image would walk garbage: the
   * chain is gone (a relink starts over) */
  munmap(at, 65536);
  free(want);
  armjit_object_free(o);
  armjit_module_free(m);
}

/* ---- veneers ------------------------------------------------------------------------- */
static void put(uint8_t *p, uint32_t w) { memcpy(p, &w, 4); } /* ARM Linux: little-endian */

static void test_veneers_run(void **state) {
  armjit_ctx *ctx = *state;
  /* 80 MiB of address space: code at the start, far targets 64 MiB on */
  uint8_t *base = mmap(NULL, 80 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  assert_true(base != MAP_FAILED);
  uint8_t *far = base + 64 * MIB;
  assert_int_equal(mprotect(base, 4096, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
  assert_int_equal(mprotect(far, 4096, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
  put(far, 0xe3a0002a);          /* far_arm:   mov r0, #42 */
  put(far + 4, 0xe12fff1e);      /*            bx lr */
  put(far + 16, 0x47702007);     /* far_thumb: movs r0, #7; bx lr */
  put(base + 2048, 0x47702009);  /* near_thumb: movs r0, #9; bx lr */
  __builtin___clear_cache((char *)far, (char *)far + 32);
  static const uint32_t words[] = {
      0xe92d4010, 0xebfffffe, 0xe2800001, 0xe8bd8010, /* f: push; bl far_arm; add #1; pop */
      0xe92d4010, 0xebfffffe, 0xe8bd8010,             /* g: push; bl far_thumb; pop */
      0xe92d4010, 0xebfffffe, 0xe8bd8010,             /* h: push; bl near_thumb; pop */
      0xeafffffe,                                     /* k: b far_arm */
      0xeafffffe,                                     /* t: b near_thumb */
  };
  uint8_t code[sizeof words];
  for (unsigned i = 0; i < sizeof words / 4; i++) put(code + 4 * i, words[i]);
  mc_lsec sec = {".text", MC_LSEC_CODE, code, sizeof code, 4};
  mc_lrel rel[] = {
      {0, 4, A32_RELOC_CALL, "far_arm", 0, -8},     {0, 20, A32_RELOC_CALL, "far_thumb", 0, -8},
      {0, 32, A32_RELOC_CALL, "near_thumb", 0, -8}, {0, 40, A32_RELOC_JUMP24, "far_arm", 0, -8},
      {0, 44, A32_RELOC_JUMP24, "near_thumb", 0, -8},
  };
  mc_lsym syms[] = {{"f", 0, 0, 0, MC_LSYM_FUNC, false, false},  {"g", 0, 16, 0, MC_LSYM_FUNC, false, false},
                    {"h", 0, 28, 0, MC_LSYM_FUNC, false, false}, {"k", 0, 40, 0, MC_LSYM_FUNC, false, false},
                    {"t", 0, 44, 0, MC_LSYM_FUNC, false, false}};
  mc_link_in in = {&sec, 1, rel, 5, syms, 5, NULL, 0};
  const known targets[] = {{"far_arm", (uintptr_t)far},
                           {"far_thumb", (uintptr_t)far + 16 + 1},
                           {"near_thumb", (uintptr_t)base + 2048 + 1},
                           {NULL, 0}};
  armjit_link_options opt = {.text = (uint32_t)(uintptr_t)base};
  armjit_error err;
  mc_image *img = mc_image_link(ctx, &in, &opt, host_resolve, (void *)targets, &err);
  if (!img) fail_msg("%s", err.msg);
  size_t size;
  const uint8_t *p = mc_image_section(img, ".text", NULL, &size);
  assert_int_equal(size, sizeof code + 3 * 12); /* far_arm, far_thumb, near_thumb (for b) */
  assert_int_equal(p[35], 0xfa);                /* h's bl became blx (H = 0) */
  memcpy(base, p, size);
  __builtin___clear_cache((char *)base, (char *)base + size);
  assert_int_equal(((int32_t(*)(void))(uintptr_t)base)(), 43);
  assert_int_equal(((int32_t(*)(void))(uintptr_t)(base + 16))(), 7);
  assert_int_equal(((int32_t(*)(void))(uintptr_t)(base + 28))(), 9);
  assert_int_equal(((int32_t(*)(void))(uintptr_t)(base + 40))(), 42);
  assert_int_equal(((int32_t(*)(void))(uintptr_t)(base + 44))(), 9);
  mc_image_free(ctx, img);
  opt.flags = ARMJIT_LINK_NO_VENEERS;
  assert_null(mc_image_link(ctx, &in, &opt, host_resolve, (void *)targets, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "'far_arm'"));
  munmap(base, 80 * MIB);
}

static int setup(void **state) {
  armjit_error err;
  *state = armjit_ctx_new(NULL, &err);
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_module_runs),
      cmocka_unit_test(test_chained_fixups_run),
      cmocka_unit_test(test_veneers_run),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
