/* SPDX-License-Identifier: MIT */
/* Flat images (mc_image.c): link inputs built by hand, linked at chosen
 * addresses and compared word for word with encodings computed by hand
 * (ARM ARM A8.8.18 B, A8.8.25 BL/BLX, A8.8.106/108 MOVW/MOVT); veneers,
 * Thumb targets, relinking, chained fixups and the host walker, every
 * link error; then a compiled module through armjit_object_link. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"
#include "mc/mc_image.h"

typedef struct {
  const char *name;
  uint32_t addr;
} known;

/* The resolver over a NULL-terminated table. */
static bool table_resolve(void *ud, const char *name, uint32_t *addr) {
  for (const known *k = ud; k->name; k++)
    if (strcmp(k->name, name) == 0) {
      *addr = k->addr;
      return true;
    }
  return false;
}

static uint32_t word(const mc_image *img, const char *sec, uint32_t off) {
  size_t size;
  const uint8_t *p = mc_image_section(img, sec, NULL, &size);
  assert_non_null(p);
  assert_true(off + 4 <= size);
  return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
         (uint32_t)p[off + 3] << 24;
}

static void put(uint8_t *p, uint32_t w) {
  p[0] = (uint8_t)w;
  p[1] = (uint8_t)(w >> 8);
  p[2] = (uint8_t)(w >> 16);
  p[3] = (uint8_t)(w >> 24);
}

/* ---- one code section with every kind of relocation ---------------------------------- */
/*   0  bl   near          CALL   -> in reach
 *   4  b    thumbfn       JUMP24 -> Thumb: veneer
 *   8  bl   thumbfn       CALL   -> Thumb in reach: BLX
 *  12  bl   far           CALL   -> 128 MiB away: veneer
 *  16  movw r0, #:lower16:data+4 / movt r0, #:upper16:data+4
 *  24  .word .text+8      ABS32 to the section itself
 * (the words hold their REL addends, as an object's do) */
static uint8_t code1[28];
static mc_lsec sec1[] = {{".text", MC_LSEC_CODE, code1, sizeof code1, 4}};
static mc_lrel rel1[] = {
    {0, 0, A32_RELOC_CALL, "near", 0, -8},       {0, 4, A32_RELOC_JUMP24, "thumbfn", 0, -8},
    {0, 8, A32_RELOC_CALL, "thumbfn", 0, -8},    {0, 12, A32_RELOC_CALL, "far", 0, -8},
    {0, 16, A32_RELOC_MOVW_ABS_NC, "data", 0, 4}, {0, 20, A32_RELOC_MOVT_ABS, "data", 0, 4},
    {0, 24, A32_RELOC_ABS32, NULL, 0, 8},
};
static mc_lsym sym1[] = {{"f", 0, 0, 0, MC_LSYM_FUNC, false, false}};
static const mc_link_in in1 = {sec1, 1, rel1, 7, sym1, 1, NULL, 0};
static const known ext1[] = {
    {"near", 0x9000}, {"thumbfn", 0x10001}, {"far", 0x8000000}, {"data", 0x12345678}, {NULL, 0}};

static void init_code1(void) {
  static const uint32_t w[] = {0xebfffffe, 0xeafffffe, 0xebfffffe, 0xebfffffe,
                               0xe3000004, 0xe3400004, 0x00000008};
  for (unsigned i = 0; i < 7; i++) put(code1 + 4 * i, w[i]);
}

static void test_relocs_and_veneers(void **state) {
  armjit_ctx *ctx = *state;
  init_code1();
  armjit_link_options o = {.text = 0x8000};
  armjit_error err;
  mc_image *img = mc_image_link(ctx, &in1, &o, table_resolve, (void *)ext1, &err);
  assert_non_null(img);
  uint32_t addr;
  size_t size;
  assert_non_null(mc_image_section(img, ".text", &addr, &size));
  assert_int_equal(addr, 0x8000);
  assert_int_equal(size, 28 + 2 * 12); /* two veneers */
  assert_int_equal(word(img, ".text", 0), 0xeb0003fe);  /* 0x9000 - 0x8008 = 0xff8 */
  assert_int_equal(word(img, ".text", 4), 0xea000004);  /* veneer 0 at 0x801c */
  assert_int_equal(word(img, ".text", 8), 0xfa001ffc);  /* blx 0x10000: 0x7ff0 */
  assert_int_equal(word(img, ".text", 12), 0xeb000005); /* veneer 1 at 0x8028 */
  assert_int_equal(word(img, ".text", 16), 0xe305067c); /* movw r0, #0x567c */
  assert_int_equal(word(img, ".text", 20), 0xe3410234); /* movt r0, #0x1234 */
  assert_int_equal(word(img, ".text", 24), 0x8008);
  assert_int_equal(word(img, ".text", 28), 0xe300c001); /* movw ip, #1 (Thumb bit) */
  assert_int_equal(word(img, ".text", 32), 0xe340c001); /* movt ip, #1 */
  assert_int_equal(word(img, ".text", 36), 0xe12fff1c); /* bx ip */
  assert_int_equal(word(img, ".text", 40), 0xe300c000);
  assert_int_equal(word(img, ".text", 44), 0xe340c800); /* 0x08000000 */
  assert_int_equal(word(img, ".text", 48), 0xe12fff1c);
  assert_true(mc_image_symbol(img, "f", &addr));
  assert_int_equal(addr, 0x8000);
  assert_false(mc_image_symbol(img, "near", &addr)); /* not the object's */
  uint8_t first[52];
  memcpy(first, mc_image_section(img, ".text", NULL, NULL), sizeof first);
  mc_image_free(ctx, img);

  /* relink far away: "near" is out of reach now, "far" is near */
  o.text = 0x8100000;
  img = mc_image_link(ctx, &in1, &o, table_resolve, (void *)ext1, &err);
  assert_non_null(img);
  assert_non_null(mc_image_section(img, ".text", &addr, &size));
  assert_int_equal(size, 28 + 2 * 12);
  assert_int_equal(word(img, ".text", 0), 0xeb000005);  /* veneer 0 (near) at +28 */
  assert_int_equal(word(img, ".text", 4), 0xea000007);  /* veneer 1 (thumbfn) at +40 */
  assert_int_equal(word(img, ".text", 8), 0xeb000006);  /* out of reach: veneer 1 too */
  /* far = 0x8000000 from 0x810000c + 8: -0x100014 */
  assert_int_equal(word(img, ".text", 12), 0xebfbfffb);
  assert_int_equal(word(img, ".text", 24), 0x8100008);
  mc_image_free(ctx, img);

  /* and back: the same bytes as the first time */
  o.text = 0x8000;
  img = mc_image_link(ctx, &in1, &o, table_resolve, (void *)ext1, &err);
  assert_non_null(img);
  assert_memory_equal(mc_image_section(img, ".text", NULL, NULL), first, sizeof first);
  mc_image_free(ctx, img);
}

static void expect_error(armjit_ctx *ctx, const mc_link_in *in, const armjit_link_options *o,
                         const known *ext, armjit_status st, const char *text) {
  armjit_error err;
  mc_image *img = mc_image_link(ctx, in, o, ext ? table_resolve : NULL, (void *)ext, &err);
  if (img) {
    mc_image_free(ctx, img);
    fail_msg("linked; expected \"%s\"", text);
  }
  fprintf(stderr, "(%s)\n", err.msg);
  assert_int_equal(err.code, st);
  if (!strstr(err.msg, text)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, text);
}

static void test_errors(void **state) {
  armjit_ctx *ctx = *state;
  init_code1();
  armjit_link_options o = {.text = 0x8000, .flags = ARMJIT_LINK_NO_VENEERS};
  expect_error(ctx, &in1, &o, ext1, ARMJIT_E_LIMIT, "'thumbfn'");
  static const known some[] = {{"near", 0x9000}, {NULL, 0}};
  o.flags = 0;
  expect_error(ctx, &in1, &o, some, ARMJIT_E_INVALID, "symbol 'thumbfn' is unresolved (used at .text+0x4, in f)");
  expect_error(ctx, &in1, &o, NULL, ARMJIT_E_INVALID, "'near' is unresolved");
  o.text = 0x8002;
  expect_error(ctx, &in1, &o, ext1, ARMJIT_E_INVALID, "misaligned");
  o.text = 0xffffffe0;
  expect_error(ctx, &in1, &o, ext1, ARMJIT_E_INVALID, "end of the address space");
  o.text = 0x8000;
  static const armjit_section_addr bad[] = {{".vectors", 0}};
  o.sections = bad;
  o.nsections = 1;
  expect_error(ctx, &in1, &o, ext1, ARMJIT_E_INVALID, "names '.vectors'");
  /* a branch to a misaligned A32 address */
  static const known odd[] = {
      {"near", 0x9002}, {"thumbfn", 0x10001}, {"far", 0x8000000}, {"data", 0}, {NULL, 0}};
  o.sections = NULL;
  o.nsections = 0;
  expect_error(ctx, &in1, &o, odd, ARMJIT_E_INVALID, "not an A32 address");
}

/* ---- several sections ------------------------------------------------------------------ */
static uint8_t vec[8], text2[12], ro2[3], data2[8];
static mc_lsec sec2[] = {
    {".text", MC_LSEC_CODE, text2, sizeof text2, 4},  {".rodata", MC_LSEC_RODATA, ro2, 3, 1},
    {".data", MC_LSEC_DATA, data2, sizeof data2, 8}, {".bss", MC_LSEC_BSS, NULL, 16, 16},
    {".vectors", MC_LSEC_CODE, vec, sizeof vec, 4},
};
/* .vectors: b reset (JUMP24 to a symbol of .text); .data: .word f (ABS32),
 * .word .rodata+1 */
static mc_lrel rel2[] = {
    {2, 0, A32_RELOC_ABS32, "f", 0, 0},
    {2, 4, A32_RELOC_ABS32, NULL, 1, 1},
    {4, 0, A32_RELOC_JUMP24, "reset", 0, -8},
};
static mc_lsym sym2[] = {{"f", 0, 0, 0, MC_LSYM_FUNC, false, false},
                         {"reset", 0, 8, 0, MC_LSYM_FUNC, false, false},
                         {"table", 2, 0, 0, MC_LSYM_OBJECT, false, false}};
static const mc_link_in in2 = {sec2, 5, rel2, 3, sym2, 3, NULL, 0};

static void test_sections(void **state) {
  armjit_ctx *ctx = *state;
  put(vec, 0xeafffffe);
  put(data2 + 4, 1);
  static const armjit_section_addr at0[] = {{".vectors", 0}};
  armjit_link_options o = {.text = 0x100000, .sections = at0, .nsections = 1};
  armjit_error err;
  expect_error(ctx, &in2, &(armjit_link_options){.text = 0x100000}, NULL, ARMJIT_E_INVALID,
               "section '.vectors' needs an address");
  mc_image *img = mc_image_link(ctx, &in2, &o, NULL, NULL, &err);
  if (!img) fail_msg("%s", err.msg);
  /* rodata right after text; data after rodata, aligned 8; bss aligned 16 */
  uint32_t a[5];
  size_t size;
  static const char *const names[] = {".text", ".rodata", ".data", ".bss", ".vectors"};
  for (int i = 0; i < 5; i++) {
    mc_image_section(img, names[i], &a[i], &size);
  }
  assert_null(mc_image_section(img, ".bss", NULL, &size));
  assert_int_equal(size, 16);
  assert_int_equal(a[0], 0x100000);
  assert_int_equal(a[1], 0x10000c);
  assert_int_equal(a[2], 0x100010);
  assert_int_equal(a[3], 0x100020);
  assert_int_equal(a[4], 0);
  assert_int_equal(word(img, ".data", 0), 0x100000);
  assert_int_equal(word(img, ".data", 4), 0x10000d);
  /* b 0x100008 from 0: (0x100008 - 8) / 4 = 0x40000 */
  assert_int_equal(word(img, ".vectors", 0), 0xea040000);
  /* sections in address order */
  armjit_linked_section ls;
  assert_true(mc_image_section_at(img, 0, &ls));
  assert_string_equal(ls.name, ".vectors");
  assert_true(mc_image_section_at(img, 4, &ls));
  assert_string_equal(ls.name, ".bss");
  assert_true(ls.bss);
  assert_null(ls.bytes);
  assert_false(mc_image_section_at(img, 5, &ls));
  mc_image_free(ctx, img);

  /* data given, bss after it; then an overlap with .text */
  o.data = 0x200000;
  img = mc_image_link(ctx, &in2, &o, NULL, NULL, &err);
  assert_non_null(img);
  mc_image_section(img, ".bss", &a[3], NULL);
  assert_int_equal(a[3], 0x200010);
  mc_image_free(ctx, img);
  o.data = 0x100008;
  expect_error(ctx, &in2, &o, NULL, ARMJIT_E_INVALID, "overlap");
  o.data = 0x200004;
  expect_error(ctx, &in2, &o, NULL, ARMJIT_E_INVALID, "'.data' at 0x00200004 is misaligned");
}

/* ---- chained fixups -------------------------------------------------------------------- */
/* Pairs to a (twice), b, a+8, and c which the resolver knows; a bl to c. */
static uint8_t code3[4 * 12];
static mc_lsec sec3[] = {{".text", MC_LSEC_CODE, code3, sizeof code3, 4}};
static mc_lrel rel3[] = {
    {0, 0, A32_RELOC_MOVW_ABS_NC, "a", 0, 0},  {0, 4, A32_RELOC_MOVT_ABS, "a", 0, 0},
    {0, 8, A32_RELOC_MOVW_ABS_NC, "c", 0, 0},  {0, 12, A32_RELOC_MOVT_ABS, "c", 0, 0},
    {0, 16, A32_RELOC_MOVW_ABS_NC, "b", 0, 0}, {0, 20, A32_RELOC_MOVT_ABS, "b", 0, 0},
    {0, 28, A32_RELOC_MOVW_ABS_NC, "a", 0, 0}, {0, 32, A32_RELOC_MOVT_ABS, "a", 0, 0},
    {0, 36, A32_RELOC_MOVW_ABS_NC, "a", 0, 8}, {0, 40, A32_RELOC_MOVT_ABS, "a", 0, 8},
    {0, 44, A32_RELOC_CALL, "c", 0, -8},
};
static const mc_link_in in3 = {sec3, 1, rel3, 11, NULL, 0, NULL, 0};

static void init_code3(void) {
  for (unsigned i = 0; i < 12; i++) put(code3 + 4 * i, 0xe1a00000); /* nop */
  for (unsigned i = 0; i < 10; i++) {
    const mc_lrel *r = &rel3[i];
    uint32_t rd = (i / 2) % 4;
    uint32_t a = (uint32_t)r->addend;
    put(code3 + r->at, (r->kind == A32_RELOC_MOVT_ABS ? 0xe3400000 : 0xe3000000) | rd << 12 |
                           (a & 0xf000) << 4 | (a & 0xfff));
  }
  put(code3 + 44, 0xebfffffe);
}

static uint32_t imm16(uint32_t w) { return (w >> 4 & 0xf000) | (w & 0xfff); }

static void test_chain(void **state) {
  armjit_ctx *ctx = *state;
  init_code3();
  static const known only_c[] = {{"c", 0x4000}, {NULL, 0}};
  static const known all[] = {{"a", 0x12345678}, {"b", 0xdeadbeef}, {"c", 0x4000}, {NULL, 0}};
  armjit_link_options o = {.text = 0x1000, .flags = ARMJIT_LINK_CHAIN_FIXUPS};
  armjit_error err;
  mc_image *img = mc_image_link(ctx, &in3, &o, table_resolve, (void *)only_c, &err);
  if (!img) fail_msg("%s", err.msg);
  armjit_fixup_chain ch;
  assert_true(mc_image_chain(img, &ch));
  assert_int_equal(ch.npairs, 4);
  assert_int_equal(ch.head, 9); /* the last pair's MOVW: word 9 */
  assert_int_equal(ch.nsyms, 3);
  assert_int_equal(ch.loader, 0x1000 + sizeof code3);
  uint32_t la;
  assert_true(mc_image_symbol(img, "__armjit_fixup", &la));
  assert_int_equal(la, ch.loader);
  int32_t add;
  assert_string_equal(mc_image_chain_sym(img, 0, &add), "a");
  assert_int_equal(add, 0);
  assert_string_equal(mc_image_chain_sym(img, 1, &add), "b");
  assert_string_equal(mc_image_chain_sym(img, 2, &add), "a");
  assert_int_equal(add, 8);
  assert_null(mc_image_chain_sym(img, 3, &add));
  /* the chain: word 9 -> 7 -> 4 -> 0 -> end; MOVTs hold k */
  assert_int_equal(imm16(word(img, ".text", 36)), 7);
  assert_int_equal(imm16(word(img, ".text", 40)), 2);
  assert_int_equal(imm16(word(img, ".text", 28)), 4);
  assert_int_equal(imm16(word(img, ".text", 32)), 0);
  assert_int_equal(imm16(word(img, ".text", 16)), 0);
  assert_int_equal(imm16(word(img, ".text", 20)), 1);
  assert_int_equal(imm16(word(img, ".text", 0)), 0xffff);
  assert_int_equal(imm16(word(img, ".text", 4)), 0);
  assert_int_equal(imm16(word(img, ".text", 8)), 0x4000); /* c is resolved */
  assert_int_equal(word(img, ".text", 8) & 0xf000, 0x1000);  /* rd kept */

  /* the host walker makes it the image linked with every symbol known */
  size_t size;
  uint8_t *text = malloc(sizeof code3);
  assert_non_null(text);
  memcpy(text, mc_image_section(img, ".text", NULL, &size), sizeof code3);
  uint32_t values[3] = {0x12345678, 0xdeadbeef, 0x12345680};
  assert_int_equal(armjit_image_patch_chain(text, sizeof code3, ch.head, values, 2, &err),
                   ARMJIT_E_INVALID); /* k = 2 is past the values */
  assert_int_equal(armjit_image_patch_chain(text, sizeof code3, 12, values, 3, &err),
                   ARMJIT_E_INVALID); /* past .text */
  assert_int_equal(armjit_image_patch_chain(text, sizeof code3, 2, values, 3, &err),
                   ARMJIT_E_INVALID); /* word 2 is a resolved pair: its link is not a chain's */
  assert_int_equal(armjit_image_patch_chain(text, sizeof code3, ch.head, values, 3, &err),
                   ARMJIT_OK);
  mc_image *full = mc_image_link(ctx, &in3, &(armjit_link_options){.text = 0x1000},
                                 table_resolve, (void *)all, &err);
  assert_non_null(full);
  assert_memory_equal(text, mc_image_section(full, ".text", NULL, NULL), sizeof code3);
  free(text);
  mc_image_free(ctx, full);

  /* the map names the loader and the chained symbols */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  assert_int_equal(mc_image_print_map(img, f), ARMJIT_OK);
  fclose(f);
  assert_non_null(strstr(buf, "__armjit_fixup"));
  assert_non_null(strstr(buf, "chained 2 a+8"));
  free(buf);
  mc_image_free(ctx, img);

  /* every symbol known: an empty chain, and the loader all the same */
  img = mc_image_link(ctx, &in3, &o, table_resolve, (void *)all, &err);
  if (!img) fail_msg("%s", err.msg);
  assert_true(mc_image_chain(img, &ch));
  assert_int_equal(ch.npairs, 0);
  assert_int_equal(ch.nsyms, 0);
  assert_int_equal(ch.head, 0xffff);
  assert_true(mc_image_symbol(img, "__armjit_fixup", &la));
  assert_int_equal(la, ch.loader);
  assert_int_equal(imm16(word(img, ".text", 0)), 0x5678); /* a's address, not a chain link */
  mc_image_free(ctx, img);
  /* without the flag: no loader */
  img = mc_image_link(ctx, &in3, &(armjit_link_options){.text = 0x1000}, table_resolve,
                      (void *)all, &err);
  assert_non_null(img);
  assert_false(mc_image_chain(img, &ch));
  assert_false(mc_image_symbol(img, "__armjit_fixup", &la));
  mc_image_free(ctx, img);

  /* a bl to an unknown symbol cannot be chained */
  expect_error(ctx, &in3, &o, NULL, ARMJIT_E_INVALID, "only MOVW/MOVT pairs");
}

static void test_chain_limit(void **state) {
  armjit_ctx *ctx = *state;
  uint32_t n = 65536 + 2;
  uint8_t *big = calloc(n, 4);
  assert_non_null(big);
  put(big + 4 * 65535, 0xe3000000);
  put(big + 4 * 65536, 0xe3400000);
  mc_lsec s = {".text", MC_LSEC_CODE, big, n * 4, 4};
  mc_lrel r[2] = {{0, 4 * 65535, A32_RELOC_MOVW_ABS_NC, "x", 0, 0},
                  {0, 4 * 65536, A32_RELOC_MOVT_ABS, "x", 0, 0}};
  mc_link_in in = {&s, 1, r, 2, NULL, 0, NULL, 0};
  armjit_link_options o = {.text = 0, .flags = ARMJIT_LINK_CHAIN_FIXUPS};
  expect_error(ctx, &in, &o, NULL, ARMJIT_E_LIMIT, "past word 65534");
  r[0].at -= 4; /* word 65534 is the last position */
  r[1].at -= 4;
  put(big + 4 * 65534, 0xe3000000);
  put(big + 4 * 65535, 0xe3400000);
  armjit_error err;
  mc_image *img = mc_image_link(ctx, &in, &o, NULL, NULL, &err);
  if (!img) fail_msg("%s", err.msg);
  mc_image_free(ctx, img);
  free(big);
}

/* ---- a compiled module ----------------------------------------------------------------- */
static const char module_text[] =
    "extern @ext(i32) -> i32\n"
    "func @g(x: i32) -> i32 {\n"
    "entry:\n"
    "  y = call @ext(x)\n"
    "  ret y\n"
    "}\n"
    "func @f() -> ref {\n"
    "entry:\n"
    "  p = addr @g\n"
    "  ret p\n"
    "}\n";

static void test_object(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, module_text, &err);
  if (!m) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("%s", err.msg);
  uint32_t a;
  assert_false(armjit_object_symbol_addr(o, "g", &a)); /* not linked yet */
  static const known ext[] = {{"ext", 0xcafe0000}, {NULL, 0}};
  for (uint32_t base = 0x10000; base <= 0x20000; base += 0x10000) {
    armjit_link_options opt = {.text = base};
    assert_int_equal(armjit_object_link(o, &opt, table_resolve, (void *)ext, &err), ARMJIT_OK);
    uint32_t ga, addr;
    size_t size;
    const uint8_t *p = armjit_object_section(o, ".text", &addr, &size);
    assert_non_null(p);
    assert_int_equal(addr, base);
    assert_int_equal(size, armjit_object_size(o));
    assert_true(armjit_object_symbol_addr(o, "g", &ga));
    assert_true(ga >= base && ga < base + size);
    /* f's MOVW/MOVT pair loads g's address; g's loads ext's */
    bool seen_g = false, seen_ext = false;
    for (size_t i = 0; i + 8 <= size; i += 4) {
      uint32_t w0 = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                    (uint32_t)p[i + 3] << 24;
      uint32_t w1 = (uint32_t)p[i + 4] | (uint32_t)p[i + 5] << 8 |
                    (uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 7] << 24;
      if ((w0 & 0x0ff00000) != 0x03000000 || (w1 & 0x0ff00000) != 0x03400000) continue;
      uint32_t v = imm16(w0) | imm16(w1) << 16;
      seen_g |= v == ga;
      seen_ext |= v == 0xcafe0000;
    }
    assert_true(seen_g);
    assert_true(seen_ext);
  }
  /* unresolved, then chained */
  armjit_link_options opt = {.text = 0x10000};
  assert_int_equal(armjit_object_link(o, &opt, NULL, NULL, &err), ARMJIT_E_INVALID);
  assert_non_null(strstr(err.msg, "'ext'"));
  opt.flags = ARMJIT_LINK_CHAIN_FIXUPS;
  assert_int_equal(armjit_object_link(o, &opt, NULL, NULL, &err), ARMJIT_OK);
  armjit_fixup_chain ch;
  assert_true(armjit_object_chain(o, &ch));
  assert_int_equal(ch.npairs, 1);
  assert_string_equal(armjit_object_chain_sym(o, 0, NULL), "ext");
  assert_int_equal(armjit_object_link(NULL, &opt, NULL, NULL, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_object_link(o, NULL, NULL, NULL, &err), ARMJIT_E_ARG);
  armjit_object_free(o);
  armjit_module_free(m);
}

/* Rodata in a code section, linked: the table's words hold the linked
 * addresses of a function of the section and of the data after it, the
 * code's MOVW/MOVT pair the table's address, and a .rodata word too. */
static void test_code_section_data(void **state) {
  armjit_ctx *ctx = *state;
  armjit_error err;
  armjit_module *m = armjit_module_parse(
      ctx,
      "data @vt rodata section(\".vectors\") align 32 = [i32 0xe59ff018, @rst, @tl+2]\n"
      "func @rst() naked section(\".vectors\") {\nentry:\n  p = addr @vt\n"
      "  store.i32 p, 0, 1 volatile\n  halt\n}\n"
      "data @tl rodata section(\".vectors\") align 8 = [i8 5]\n"
      "data @pt rodata = [@vt+4]\n",
      &err);
  if (!m) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("%s", err.msg);
  static const armjit_section_addr vec[] = {{".vectors", 0x40}};
  armjit_link_options opt = {.text = 0x10000, .sections = vec, .nsections = 1};
  assert_int_equal(armjit_object_link(o, &opt, NULL, NULL, &err), ARMJIT_OK);
  uint32_t addr, vt, rst, tl;
  size_t size;
  const uint8_t *p = armjit_object_section(o, ".vectors", &addr, &size);
  assert_non_null(p);
  assert_int_equal(addr, 0x40);
  assert_true(armjit_object_symbol_addr(o, "vt", &vt));
  assert_true(armjit_object_symbol_addr(o, "rst", &rst));
  assert_true(armjit_object_symbol_addr(o, "tl", &tl));
  assert_int_equal(vt, 0x40);
  assert_int_equal(rst, 0x40 + 12);
  assert_int_equal(tl % 8, 0);
  assert_true(tl > rst && tl < addr + size);
  uint32_t w[3];
  memcpy(w, p, sizeof w);
  assert_int_equal(w[0], 0xe59ff018);
  assert_int_equal(w[1], rst);
  assert_int_equal(w[2], tl + 2);
  assert_int_equal(p[tl - addr], 5);
  uint32_t w0, w1;
  memcpy(&w0, p + 12, 4);
  memcpy(&w1, p + 16, 4);
  assert_int_equal(imm16(w0) | imm16(w1) << 16, vt);
  const uint8_t *ro = armjit_object_section(o, ".rodata", &addr, &size);
  assert_non_null(ro);
  memcpy(w, ro, 4);
  assert_int_equal(w[0], vt + 4);
  armjit_object_free(o);
  armjit_module_free(m);
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
      cmocka_unit_test(test_relocs_and_veneers), cmocka_unit_test(test_errors),
      cmocka_unit_test(test_sections),           cmocka_unit_test(test_chain),
      cmocka_unit_test(test_chain_limit),        cmocka_unit_test(test_object),
      cmocka_unit_test(test_code_section_data),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
