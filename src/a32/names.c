/* SPDX-License-Identifier: MIT */
/* names.c — printable names of statuses, registers, conditions, shifts and
 * data-processing opcodes (GNU as spelling). */
#include "a32_internal.h"

const char *a32_status_name(a32_status s) {
  static const char *const names[] = {
      [A32_OK] = "A32_OK",
      [A32_ERR_REG] = "A32_ERR_REG",
      [A32_ERR_IMM] = "A32_ERR_IMM",
      [A32_ERR_ALIGN] = "A32_ERR_ALIGN",
      [A32_ERR_PAIR] = "A32_ERR_PAIR",
      [A32_ERR_REGLIST] = "A32_ERR_REGLIST",
      [A32_ERR_RANGE] = "A32_ERR_RANGE",
      [A32_ERR_LABEL] = "A32_ERR_LABEL",
      [A32_ERR_FEATURE] = "A32_ERR_FEATURE",
      [A32_ERR_NOMEM] = "A32_ERR_NOMEM",
      [A32_ERR_FULL] = "A32_ERR_FULL",
      [A32_ERR_ARG] = "A32_ERR_ARG",
      [A32_ERR_SYMBOL] = "A32_ERR_SYMBOL",
  };
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "A32_ERR_?";
}

const char *a32_reg_name(a32_reg r) {
  static const char *const names[16] = {"r0", "r1", "r2",  "r3", "r4", "r5",
                                        "r6", "r7", "r8",  "r9", "r10", "fp",
                                        "ip", "sp", "lr",  "pc"};
  return (unsigned)r < 16 ? names[r] : "?";
}

const char *a32_cond_name(a32_cond c) {
  static const char *const names[15] = {"eq", "ne", "cs", "cc", "mi",
                                        "pl", "vs", "vc", "hi", "ls",
                                        "ge", "lt", "gt", "le", ""};
  return (unsigned)c < 15 ? names[c] : "?";
}

const char *a32_shift_name(a32_shift s) {
  static const char *const names[5] = {"lsl", "lsr", "asr", "ror", "rrx"};
  return (unsigned)s < 5 ? names[s] : "?";
}

const char *a32_dp_op_name(a32_dp_op op) {
  static const char *const names[16] = {"and", "eor", "sub", "rsb", "add", "adc",
                                        "sbc", "rsc", "tst", "teq", "cmp", "cmn",
                                        "orr", "mov", "bic", "mvn"};
  return (unsigned)op < 16 ? names[op] : "?";
}
