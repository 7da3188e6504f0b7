/* SPDX-License-Identifier: MIT */
/* tinyvm: a small register bytecode machine with a tracing JIT on armjit.
 *
 * The machine has 8 int32 registers and 256 int32 words of memory.  The
 * interpreter counts how often each backward jump is taken; when a loop
 * head gets hot it records one iteration of the loop as an armjit trace
 * (each branch becomes a guard), compiles it, and from then on enters the
 * compiled loop whenever the interpreter reaches that head.  A failing
 * guard hands back every register; the interpreter continues from the
 * bytecode position the guard stands for.  There are no bridges yet: a
 * guard that fails often keeps falling back to the interpreter for the
 * rest of that iteration.
 */
#ifndef TINYVM_H
#define TINYVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TVM_NREGS 8
#define TVM_MEM 256

/* Instructions: a = destination register, b and c = source registers,
 * imm = an immediate or a jump target (an instruction index). */
#define TVM_OPS(X)                                   \
  X(LI)   /* ra = imm */                             \
  X(MOV)  /* ra = rb */                              \
  X(ADD)  /* ra = rb + rc (wraps) */                 \
  X(SUB)  /* ra = rb - rc (wraps) */                 \
  X(MUL)  /* ra = rb * rc (low 32 bits) */           \
  X(ADDI) /* ra = rb + imm (wraps) */                \
  X(MOD)  /* ra = rb % rc; x % 0 = x (ARM's rule) */ \
  X(LT)   /* ra = rb < rc (signed) */                \
  X(EQ)   /* ra = rb == rc */                        \
  X(LD)   /* ra = mem[rb] */                         \
  X(ST)   /* mem[ra] = rb */                         \
  X(JMP)  /* goto imm */                             \
  X(JZ)   /* if ra == 0 goto imm */                  \
  X(JNZ)  /* if ra != 0 goto imm */                  \
  X(HALT)

typedef enum {
#define TVM_ENUM(n) TVM_##n,
  TVM_OPS(TVM_ENUM)
#undef TVM_ENUM
} tvm_opc;

typedef struct {
  uint8_t op, a, b, c;
  int32_t imm;
} tvm_insn;

typedef struct {
  int32_t reg[TVM_NREGS];
  int32_t mem[TVM_MEM];
} tvm_state;

typedef struct {
  uint64_t interp_iters;  /* loop iterations completed by the interpreter */
  uint64_t jit_iters;     /* loop iterations completed by compiled traces */
  uint64_t insns;         /* instructions interpreted */
  unsigned traces;        /* loops compiled */
  unsigned aborted;       /* recordings given up (inner loop, too long) */
  uint64_t entries;       /* times compiled code was entered */
  uint64_t guard_exits;   /* guard failures (returns to the interpreter) */
} tvm_stats;

typedef struct {
  bool jit;               /* false: interpret only */
  unsigned hot;           /* backward jumps before a loop is recorded (>= 1) */
  bool print_traces;      /* print each trace as it is compiled */
} tvm_config;

/* Run code[0 .. n) on st until HALT.  Returns 0, or -1 with a message in
 * err (bad instruction, memory index out of range, armjit failure). */
int tvm_run(const tvm_insn *code, int n, tvm_state *st, const tvm_config *cfg,
            tvm_stats *stats, char *err, size_t errlen);

#endif
