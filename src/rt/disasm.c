/* SPDX-License-Identifier: MIT */
/* Disassembly with capstone (ARM mode), word by word so that one
 * undecodable word (data, or an encoding capstone lacks) does not stop the
 * listing the way a single cs_disasm call would. */
#include "rt/disasm.h"

#include <stdio.h>
#include <string.h>
#ifdef ARMJIT_HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

/* Little-endian whatever the host: A32 code words are little-endian. */
static uint32_t load_le(const uint8_t *p, size_t n) {
  uint32_t w = 0;
  for (size_t i = 0; i < n; i++) w |= (uint32_t)p[i] << (8 * i);
  return w;
}

armjit_status ajx_disasm_each(const void *code, size_t size, uint32_t address,
                              ajx_disasm_fn fn, void *ud) {
  if ((!code && size) || !fn) return ARMJIT_E_ARG;
#ifndef ARMJIT_HAVE_CAPSTONE /* built with ARMJIT_WITH_CAPSTONE=OFF */
  (void)address, (void)ud, (void)load_le;
  return ARMJIT_E_UNSUPPORTED;
#else
  csh h;
  if (cs_open(CS_ARCH_ARM, CS_MODE_ARM, &h) != CS_ERR_OK) return ARMJIT_E_UNSUPPORTED;
  cs_insn *insn = cs_malloc(h);
  if (!insn) {
    cs_close(&h);
    return ARMJIT_E_NOMEM;
  }
  const uint8_t *bytes = code;
  char text[192];
  size_t off = 0;
  for (; off + 4 <= size; off += 4) {
    uint32_t addr = address + (uint32_t)off;
    uint32_t w = load_le(bytes + off, 4);
    const uint8_t *p = bytes + off;
    size_t n = 4;
    uint64_t a = addr;
    if (cs_disasm_iter(h, &p, &n, &a, insn)) {
      snprintf(text, sizeof text, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "",
               insn->op_str);
    } else {
      snprintf(text, sizeof text, ".word 0x%08x", (unsigned)w);
    }
    if (fn(ud, addr, w, text)) goto done;
  }
  if (off < size) {
    size_t rest = size - off;
    int len = snprintf(text, sizeof text, ".byte");
    for (size_t i = 0; i < rest; i++)
      len += snprintf(text + len, sizeof text - (size_t)len, "%s0x%02x", i ? ", " : " ",
                      (unsigned)bytes[off + i]);
    fn(ud, address + (uint32_t)off, load_le(bytes + off, rest), text);
  }
done:
  cs_free(insn, 1);
  cs_close(&h);
  return ARMJIT_OK;
#endif
}

void ajx_disasm_print_line(FILE *out, uint32_t address, uint32_t word, const char *text) {
  fprintf(out, "  %08x: %08x  %s\n", (unsigned)address, (unsigned)word, text);
}

void ajx_disasm_unsupported(FILE *out) {
#ifdef ARMJIT_HAVE_CAPSTONE
  fprintf(out, "  (no listing: capstone could not be opened for ARM)\n");
#else
  fprintf(out, "  (no listing: armjit was built without capstone, ARMJIT_WITH_CAPSTONE=OFF)\n");
#endif
}

static int print_one(void *ud, uint32_t address, uint32_t word, const char *text) {
  ajx_disasm_print_line(ud, address, word, text);
  return 0;
}

armjit_status armjit_disasm(const void *code, size_t size, uint32_t address, FILE *out) {
  if (!out) return ARMJIT_E_ARG;
  armjit_status st = ajx_disasm_each(code, size, address, print_one, out);
  if (st == ARMJIT_E_UNSUPPORTED) ajx_disasm_unsupported(out);
  return st;
}
