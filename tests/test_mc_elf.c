/* SPDX-License-Identifier: MIT */
/* The ELF writer (mc_elf.c) on link inputs built by hand, read back by a
 * small ELF32 reader here: every relocation kind with its REL addend in
 * the field (A8.8.18 B / A8.8.25 BL imm24 = A / 4, A8.8.106/108 MOVW/MOVT
 * imm4:imm12 = A, the data word = A), references to places (the symbol
 * there, the section symbol, a made-up local beyond a MOVW's reach), the
 * symbol table's order (locals, then globals, then undefined), mapping
 * symbols, section kinds and the header's flags, and the errors.  The GNU
 * tools read compiled objects in host_mc_elf.c. */
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
#include "util/sbuf.h"

/* ---- a reader ------------------------------------------------------------------------ */
static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

typedef struct {
  const uint8_t *f;
  size_t n;
} elf;

static const uint8_t *shdr(const elf *e, uint32_t i) {
  uint32_t shoff = rd32(e->f + 32), shnum = rd16(e->f + 48);
  assert_true(i < shnum);
  assert_true(shoff + 40 * (size_t)shnum <= e->n);
  return e->f + shoff + 40 * i;
}
static const char *sec_name(const elf *e, uint32_t i) {
  const uint8_t *str = shdr(e, rd16(e->f + 50));
  return (const char *)e->f + rd32(str + 16) + rd32(shdr(e, i));
}
static uint32_t find_sec(const elf *e, const char *name) {
  for (uint32_t i = 1; i < rd16(e->f + 48); i++)
    if (strcmp(sec_name(e, i), name) == 0) return i;
  fail_msg("no section %s", name);
  return 0;
}
static const uint8_t *sec_bytes(const elf *e, uint32_t i) { return e->f + rd32(shdr(e, i) + 16); }

typedef struct {
  const char *name;
  uint32_t value, size;
  uint8_t bind, type;
  uint16_t shndx;
} esym;

static esym sym(const elf *e, uint32_t k) {
  uint32_t st = find_sec(e, ".symtab");
  const uint8_t *sh = shdr(e, st), *p = e->f + rd32(sh + 16) + 16 * k;
  assert_true(16 * k < rd32(sh + 20));
  const char *strtab = (const char *)sec_bytes(e, rd32(sh + 24));
  return (esym){strtab + rd32(p), rd32(p + 4), rd32(p + 8), (uint8_t)(p[12] >> 4),
                (uint8_t)(p[12] & 15), (uint16_t)rd16(p + 14)};
}

/* Relocation k of .rel<sec>: offset, type and its symbol. */
static void rel(const elf *e, const char *sec, uint32_t k, uint32_t *off, uint32_t *type,
                esym *s) {
  char name[64];
  snprintf(name, sizeof name, ".rel%s", sec);
  uint32_t r = find_sec(e, name);
  assert_true(8 * k < rd32(shdr(e, r) + 20));
  const uint8_t *p = sec_bytes(e, r) + 8 * k;
  *off = rd32(p);
  *type = rd32(p + 4) & 0xff;
  *s = sym(e, rd32(p + 4) >> 8);
}

/* ---- the input --------------------------------------------------------------------------- */
/* .text (40 KiB so a place past 32 KiB exists):
 *     0  bl   ext            CALL  ext-8
 *     4  b    f              JUMP24 to .text+0x10 where f is
 *     8  movw/movt r0, f+4  (sym f by name, addend 4)
 *    16  f: ...
 *    20  movw/movt r0, .text+0x9000   (a place past 32 KiB: a made-up local)
 *    28  movw/movt r0, .text+0x100   (the section symbol, addend 0x100)
 *   0x100 .. constant pool ($d), 0x108 code again
 * .data: a word holding tab+8 (ABS32), tab local data at .data+8
 * .bss: 64 bytes */
static uint8_t text[0xa000], data[16];
static mc_lsec secs[] = {{".text", MC_LSEC_CODE, text, sizeof text, 4},
                         {".data", MC_LSEC_DATA, data, sizeof data, 8},
                         {".bss", MC_LSEC_BSS, NULL, 64, 16}};
static mc_lrel rels[] = {
    {0, 0, A32_RELOC_CALL, "ext", 0, -8},
    {0, 4, A32_RELOC_JUMP24, NULL, 0, 16 - 8},
    {0, 8, A32_RELOC_MOVW_ABS_NC, "f", 0, 4},
    {0, 12, A32_RELOC_MOVT_ABS, "f", 0, 4},
    {0, 20, A32_RELOC_MOVW_ABS_NC, NULL, 0, 0x9000},
    {0, 24, A32_RELOC_MOVT_ABS, NULL, 0, 0x9000},
    {0, 28, A32_RELOC_MOVW_ABS_NC, NULL, 0, 0x100},
    {0, 32, A32_RELOC_MOVT_ABS, NULL, 0, 0x100},
    {1, 0, A32_RELOC_ABS32, "tab", 0, 8},
};
static mc_lsym syms[] = {{"g", 0, 0, 16, MC_LSYM_FUNC, false, false},
                         {"f", 0, 16, 0x9ff0, MC_LSYM_FUNC, false, false},
                         {"tab", 1, 8, 8, MC_LSYM_OBJECT, true, false}};
static mc_lmap maps[] = {{0, 0x100, true}, {0, 0x108, false}};
static const mc_link_in in = {secs, 3, rels, 9, syms, 3, maps, 2};

static uint32_t movwt_imm(uint32_t w) { return (w >> 4 & 0xf000u) | (w & 0xfffu); }

static void put(uint8_t *p, uint32_t w) {
  p[0] = (uint8_t)w, p[1] = (uint8_t)(w >> 8), p[2] = (uint8_t)(w >> 16), p[3] = (uint8_t)(w >> 24);
}

static armjit_ctx *soft_ctx(void) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.abi = ARMJIT_ABI_SOFT;
  o.flags = ARMJIT_FEATURES_SET;
  o.features = A32_FEAT_VFPV3 | A32_FEAT_D32;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

static void test_layout(void **state) {
  (void)state;
  armjit_ctx *ctx = soft_ctx();
  /* the fields hold junk: the writer puts the addends there */
  put(text + 0, 0xeb123456u);                      /* bl */
  put(text + 4, 0xea654321u);                      /* b */
  for (unsigned k = 8; k < 36; k += 8) {
    if (k == 16) k = 20;
    put(text + k, 0xe30a0bcdu);                    /* movw r0 */
    put(text + k + 4, 0xe34a0bcdu);                /* movt r0 */
  }
  put(text + 16, 0xe1a00000u);
  put(data, 0xdeadbeefu);
  ajx_sbuf sb;
  ajx_sb_init(&sb, ctx);
  armjit_error err;
  assert_int_equal(mc_elf_write(ctx, &in, 0, &sb, &err), ARMJIT_OK);
  elf e = {(const uint8_t *)sb.p, sb.len};
  /* the header */
  assert_memory_equal(e.f, "\177ELF\1\1\1", 7);
  assert_int_equal(rd16(e.f + 16), 1);   /* ET_REL */
  assert_int_equal(rd16(e.f + 18), 40);  /* EM_ARM */
  assert_int_equal(rd32(e.f + 36), 0x05000200u); /* EABI 5, soft float */
  /* sections */
  uint32_t t = find_sec(&e, ".text"), d = find_sec(&e, ".data"), b = find_sec(&e, ".bss");
  assert_int_equal(t, 1);
  assert_int_equal(rd32(shdr(&e, t) + 4), 1);  /* PROGBITS */
  assert_int_equal(rd32(shdr(&e, t) + 8), 6);  /* AX */
  assert_int_equal(rd32(shdr(&e, d) + 8), 3);  /* WA */
  assert_int_equal(rd32(shdr(&e, d) + 32), 8); /* its alignment */
  assert_int_equal(rd32(shdr(&e, b) + 4), 8);  /* NOBITS */
  assert_int_equal(rd32(shdr(&e, b) + 20), 64);
  assert_int_equal(rd32(shdr(&e, find_sec(&e, ".ARM.attributes")) + 4), 0x70000003u);
  for (uint32_t i = 1; i < rd16(e.f + 48); i++) assert_string_not_equal(sec_name(&e, i), ".note.GNU-stack");
  /* the fields */
  const uint8_t *tx = sec_bytes(&e, t);
  assert_int_equal(rd32(tx + 0), 0xebfffffeu);  /* bl ext: A = -8 */
  assert_int_equal(rd32(tx + 4), 0xeafffffeu);  /* b f: the symbol there, A = -8 */
  assert_int_equal(movwt_imm(rd32(tx + 8)), 4); /* f+4 */
  assert_int_equal(movwt_imm(rd32(tx + 12)), 4);
  assert_int_equal(rd32(tx + 8) & 0xfff0f000u, 0xe3000000u);
  assert_int_equal(movwt_imm(rd32(tx + 20)), 0); /* the made-up local */
  assert_int_equal(movwt_imm(rd32(tx + 24)), 0);
  assert_int_equal(movwt_imm(rd32(tx + 28)), 0x100); /* the section symbol + 0x100 */
  assert_int_equal(movwt_imm(rd32(tx + 32)), 0x100);
  assert_int_equal(rd32(tx + 16), 0xe1a00000u);
  assert_int_equal(rd32(sec_bytes(&e, d)), 8); /* tab+8 */
  /* the relocations */
  static const struct { uint32_t off, type; const char *sym; uint8_t stype; } want[] = {
      {0, 28, "ext", 0}, {4, 29, "f", 2}, {8, 43, "f", 2}, {12, 44, "f", 2},
      {20, 43, ".L.text.9000", 0}, {24, 44, ".L.text.9000", 0}, {28, 43, "", 3}, {32, 44, "", 3}};
  for (uint32_t k = 0; k < 8; k++) {
    uint32_t off, type;
    esym s;
    rel(&e, ".text", k, &off, &type, &s);
    assert_int_equal(off, want[k].off);
    assert_int_equal(type, want[k].type);
    assert_string_equal(s.name, want[k].sym);
    assert_int_equal(s.type, want[k].stype);
    if (want[k].stype == 3) assert_int_equal(s.shndx, t);
    if (k >= 4 && k < 6) {
      assert_int_equal(s.value, 0x9000);
      assert_int_equal(s.bind, 0);
    }
  }
  uint32_t off, type;
  esym s;
  rel(&e, ".data", 0, &off, &type, &s);
  assert_int_equal(off, 0);
  assert_int_equal(type, 2);
  assert_string_equal(s.name, "tab");
  /* the symbols: locals first, sh_info the first global */
  const uint8_t *st = shdr(&e, find_sec(&e, ".symtab"));
  uint32_t nsyms = rd32(st + 20) / 16, first_global = rd32(st + 28);
  assert_true(first_global > 0 && first_global < nsyms);
  for (uint32_t k = 0; k < nsyms; k++) assert_int_equal(sym(&e, k).bind, k < first_global ? 0 : 1);
  unsigned maps_seen = 0;
  for (uint32_t k = 0; k < nsyms; k++) {
    esym y = sym(&e, k);
    if (!strcmp(y.name, "$a") || !strcmp(y.name, "$d")) {
      static const struct { const char *n; uint32_t at; } m[] = {{"$a", 0}, {"$d", 0x100}, {"$a", 0x108}};
      assert_true(maps_seen < 3);
      assert_string_equal(y.name, m[maps_seen].n);
      assert_int_equal(y.value, m[maps_seen].at);
      assert_int_equal(y.shndx, t);
      maps_seen++;
    } else if (!strcmp(y.name, "f")) {
      assert_int_equal(y.type, 2);
      assert_int_equal(y.value, 16);
      assert_int_equal(y.size, 0x9ff0);
    } else if (!strcmp(y.name, "tab")) {
      assert_int_equal(y.type, 1);
      assert_int_equal(y.bind, 0);
      assert_int_equal(y.shndx, d);
      assert_int_equal(y.value, 8);
    } else if (!strcmp(y.name, "ext")) {
      assert_int_equal(y.shndx, 0);
      assert_int_equal(k, nsyms - 1); /* undefined ones last */
    }
  }
  assert_int_equal(maps_seen, 3);
  ajx_sb_free(&sb);
  armjit_ctx_free(ctx);
}

static void expect_fail(const mc_link_in *li, armjit_status code, const char *msg) {
  armjit_ctx *ctx = soft_ctx();
  ajx_sbuf sb;
  ajx_sb_init(&sb, ctx);
  armjit_error err;
  assert_int_equal(mc_elf_write(ctx, li, 0, &sb, &err), code);
  if (!strstr(err.msg, msg)) fail_msg("\"%s\" lacks \"%s\"", err.msg, msg);
  ajx_sb_free(&sb);
  armjit_ctx_free(ctx);
}

static void test_errors(void **state) {
  (void)state;
  mc_lrel far[] = {{0, 8, A32_RELOC_MOVW_ABS_NC, "ext", 0, 40000}};
  mc_link_in li = {secs, 3, far, 1, syms, 3, NULL, 0};
  expect_fail(&li, ARMJIT_E_LIMIT, "relocation at .text+0x8 to 'ext': addend 40000 does not fit");
  mc_lrel odd[] = {{0, 0, A32_RELOC_CALL, "ext", 0, -6}};
  li.rel = odd;
  expect_fail(&li, ARMJIT_E_INVALID, "branch addend -6 is no multiple of 4");
  mc_lsym twice[] = {{"g", 0, 0, 4, MC_LSYM_FUNC, false, false}, {"g", 0, 4, 4, MC_LSYM_FUNC, false, false}};
  li.nrel = 0;
  li.sym = twice;
  li.nsym = 2;
  expect_fail(&li, ARMJIT_E_INVALID, "symbol 'g' is defined twice");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_layout), cmocka_unit_test(test_errors)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
