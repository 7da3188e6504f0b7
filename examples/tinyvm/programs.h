/* SPDX-License-Identifier: MIT */
/* The example programs of tinyvm (used by the demo and the test). */
#ifndef TINYVM_PROGRAMS_H
#define TINYVM_PROGRAMS_H

#include "tinyvm.h"

typedef struct {
  const char *name;
  const char *what;
  const tvm_insn *code;
  int n;
  int result_reg;   /* the register that holds the answer */
} tvm_program;

extern const tvm_program tvm_programs[];
extern const int tvm_nprograms;

#endif
