/* SPDX-License-Identifier: MIT */
/* Example programs: a loop each for the common shapes a tracing JIT meets. */
#include "programs.h"

#define I(op, a, b, c, imm) {TVM_##op, a, b, c, imm}

/* r2 = 0 + 1 + ... + 99999 (wraps around 32 bits). */
static const tvm_insn sum_loop[] = {
    I(LI, 0, 0, 0, 0),          /* 0  r0 = i = 0 */
    I(LI, 1, 0, 0, 100000),     /* 1  r1 = n */
    I(LI, 2, 0, 0, 0),          /* 2  r2 = sum = 0 */
    I(ADD, 2, 2, 0, 0),         /* 3  loop: sum += i */
    I(ADDI, 0, 0, 0, 1),        /* 4  i += 1 */
    I(LT, 3, 0, 1, 0),          /* 5  r3 = i < n */
    I(JNZ, 3, 0, 0, 3),         /* 6  if r3 goto loop */
    I(HALT, 0, 0, 0, 0),        /* 7 */
};

/* Sum i, but every 64th i adds 1000 instead: the trace follows the common
 * path; the rare one is a guard that fails (no bridge: interpreted). */
static const tvm_insn rare_branch[] = {
    I(LI, 1, 0, 0, 0),          /* 0  r1 = i */
    I(LI, 3, 0, 0, 0),          /* 1  r3 = acc */
    I(LI, 4, 0, 0, 64),         /* 2 */
    I(LI, 5, 0, 0, 20000),      /* 3  r5 = n */
    I(MOD, 6, 1, 4, 0),         /* 4  loop: r6 = i % 64 */
    I(JZ, 6, 0, 0, 9),          /* 5  if r6 == 0 goto rare */
    I(ADD, 3, 3, 1, 0),         /* 6  acc += i */
    I(ADDI, 1, 1, 0, 1),        /* 7  i += 1 */
    I(JMP, 0, 0, 0, 11),        /* 8 */
    I(ADDI, 3, 3, 0, 1000),     /* 9  rare: acc += 1000 */
    I(ADDI, 1, 1, 0, 1),        /* 10 i += 1 */
    I(LT, 6, 1, 5, 0),          /* 11 */
    I(JNZ, 6, 0, 0, 4),         /* 12 if i < n goto loop */
    I(HALT, 0, 0, 0, 0),        /* 13 */
};

/* acc = sum of i * j for i, j < 300: the inner loop is compiled; the
 * outer one reaches it while being recorded and stays interpreted. */
static const tvm_insn nested[] = {
    I(LI, 0, 0, 0, 0),          /* 0  r0 = i */
    I(LI, 2, 0, 0, 0),          /* 1  r2 = acc */
    I(LI, 3, 0, 0, 300),        /* 2  r3 = n */
    I(LI, 1, 0, 0, 0),          /* 3  outer: r1 = j = 0 */
    I(MUL, 4, 0, 1, 0),         /* 4  inner: r4 = i * j */
    I(ADD, 2, 2, 4, 0),         /* 5  acc += r4 */
    I(ADDI, 1, 1, 0, 1),        /* 6  j += 1 */
    I(LT, 4, 1, 3, 0),          /* 7 */
    I(JNZ, 4, 0, 0, 4),         /* 8  if j < n goto inner */
    I(ADDI, 0, 0, 0, 1),        /* 9  i += 1 */
    I(LT, 4, 0, 3, 0),          /* 10 */
    I(JNZ, 4, 0, 0, 3),         /* 11 if i < n goto outer */
    I(HALT, 0, 0, 0, 0),        /* 12 */
};

/* Sieve of Eratosthenes over mem[0 .. 256): r2 = the number of primes.
 * Memory ops become bounds guards and array accesses in the traces. */
static const tvm_insn sieve[] = {
    I(LI, 0, 0, 0, 2),          /* 0  r0 = i = 2 */
    I(LI, 2, 0, 0, 0),          /* 1  r2 = count */
    I(LI, 3, 0, 0, TVM_MEM),    /* 2  r3 = n */
    I(LI, 5, 0, 0, 1),          /* 3  r5 = 1 */
    I(LT, 4, 0, 3, 0),          /* 4  outer: r4 = i < n */
    I(JZ, 4, 0, 0, 17),         /* 5  no: done */
    I(LD, 4, 0, 0, 0),          /* 6  r4 = mem[i] */
    I(JNZ, 4, 0, 0, 15),        /* 7  composite: next */
    I(ADDI, 2, 2, 0, 1),        /* 8  count += 1 */
    I(MUL, 1, 0, 0, 0),         /* 9  j = i * i */
    I(LT, 4, 1, 3, 0),          /* 10 inner: r4 = j < n */
    I(JZ, 4, 0, 0, 15),         /* 11 no: next */
    I(ST, 1, 5, 0, 0),          /* 12 mem[j] = 1 */
    I(ADD, 1, 1, 0, 0),         /* 13 j += i */
    I(JMP, 0, 0, 0, 10),        /* 14 */
    I(ADDI, 0, 0, 0, 1),        /* 15 next: i += 1 */
    I(JMP, 0, 0, 0, 4),         /* 16 */
    I(HALT, 0, 0, 0, 0),        /* 17 */
};

#define PROGRAM(name, what, reg) {#name, what, name, sizeof name / sizeof name[0], reg}
const tvm_program tvm_programs[] = {
    PROGRAM(sum_loop, "0 + 1 + ... + 99999", 2),
    PROGRAM(rare_branch, "a branch taken every 64th iteration: guard exits", 3),
    PROGRAM(nested, "sum of i*j for i, j < 300: the inner loop compiled", 2),
    PROGRAM(sieve, "primes below 256 with memory ops", 2),
};
const int tvm_nprograms = sizeof tvm_programs / sizeof tvm_programs[0];
