/* SPDX-License-Identifier: MIT */
/* The opcode table, generated from the ARMJIT_OPS X-macro so the text
 * names, signatures and flags are written down exactly once. */
#include "ir/ir.h"

#include <string.h>

const ir_opinfo ir_opinfo_table[ARMJIT_OP__COUNT] = {
#define IR_OPINFO_ROW(name, text, args, res, flags) {text, args, res, flags},
    ARMJIT_OPS(IR_OPINFO_ROW)
#undef IR_OPINFO_ROW
};

int ir_opcode_by_name(const char *name, size_t len) {
  /* A linear scan is fine: ~60 ops, called once per parsed line. */
  for (int i = 0; i < ARMJIT_OP__COUNT; i++) {
    const char *n = ir_opinfo_table[i].name;
    if (strlen(n) == len && memcmp(n, name, len) == 0) return i;
  }
  return -1;
}
