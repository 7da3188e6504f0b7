/* SPDX-License-Identifier: MIT */
/* a32_gen.h — random valid operands for every a32 emitter, each paired
 * with the same instruction written as GNU assembler text (unified
 * syntax).  The encoder differential test (tests/host_a32_diff.c) feeds the
 * text to GNU as and compares words; the generators are plain C so they
 * build for every target, like all of tests/support.
 *
 * The text is the oracle's input, so the printers below never call the
 * names or encoders of the assembler under test: they spell mnemonics,
 * registers and conditions from their own tables. */
#ifndef ARMJIT_TESTS_A32_GEN_H
#define ARMJIT_TESTS_A32_GEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armjit/a32.h"

/* ---- deterministic random numbers (splitmix64) ------------------------ */
typedef struct {
  uint64_t s;
} a32g_rng;

void a32g_seed(a32g_rng *r, uint64_t seed);
uint64_t a32g_u64(a32g_rng *r);
uint32_t a32g_u32(a32g_rng *r);
/* Uniform in 0..n-1 (n > 0). */
uint32_t a32g_below(a32g_rng *r, uint32_t n);
/* Uniform in lo..hi inclusive. */
int32_t a32g_range(a32g_rng *r, int32_t lo, int32_t hi);
bool a32g_chance(a32g_rng *r, unsigned one_in);
/* Either one of the `nedge` edge values (one time in four) or a uniform
 * value in lo..hi. */
int32_t a32g_edgy(a32g_rng *r, int32_t lo, int32_t hi, const int32_t *edge,
                  size_t nedge);

/* Core register 0..14, or 0..15 with allow_pc. */
a32_reg a32g_reg(a32g_rng *r, bool allow_pc);
/* Core register other than pc and the ones in `avoid` (bit mask). */
a32_reg a32g_reg_avoid(a32g_rng *r, uint16_t avoid);
/* Any condition EQ..AL (never the 0b1111 space). */
a32_cond a32g_cond(a32g_rng *r);

/* ---- text output ------------------------------------------------------- */
typedef struct {
  char *p;
  size_t cap, len;
  bool overflow;
} a32g_out;

void a32g_printf(a32g_out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
const char *a32g_rname(unsigned r);      /* r0..r12, sp, lr, pc */
const char *a32g_csuffix(a32_cond c);    /* eq..le, "" for AL (hs/lo spelled so) */
/* "{r0, r4, pc}" */
void a32g_reglist(a32g_out *o, uint16_t mask);
/* ", lsl #3" / ", rrx" / "" (LSL #0 printed as nothing or as "lsl #0"). */
void a32g_shift_text(a32g_out *o, a32_shift sh, unsigned n);
/* A random (shift, amount) pair valid for an immediate shift, RRX included. */
void a32g_shift_imm(a32g_rng *r, a32_shift *sh, unsigned *n);
/* A random value that is a modified immediate (8 bits rotated right by an
 * even amount), edge values of imm8 and rotation included. */
uint32_t a32g_modimm(a32g_rng *r);
/* Does v have a modified-immediate encoding?  (Spec predicate, A5.2.4.) */
bool a32g_is_modimm(uint32_t v);

/* ---- the encoder table -------------------------------------------------- */
/* Emit sample number i (generators cycle through their variants with i so
 * that every op/form/flag combination occurs) with random operands into b
 * and write the same instruction(s) as GNU text, one line per word. */
typedef a32_status (*a32g_emit_fn)(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o);

typedef struct {
  const char *name;     /* the a32.h emitter it exercises */
  a32g_emit_fn emit;
  unsigned count;       /* samples per run */
} a32g_encoder;

/* Per-area tables (a32_gen_core.c, a32_gen_mem.c, a32_gen_vfp.c,
 * a32_gen_sys.c). */
extern const a32g_encoder a32g_core_encoders[];
extern const size_t a32g_core_count;
extern const a32g_encoder a32g_mem_encoders[];
extern const size_t a32g_mem_count;
extern const a32g_encoder a32g_vfp_encoders[];
extern const size_t a32g_vfp_count;
extern const a32g_encoder a32g_sys_encoders[];
extern const size_t a32g_sys_count;

/* All of them in one list: *n gets the total; index 0..n-1. */
const a32g_encoder *a32g_encoder_at(size_t i);
size_t a32g_encoder_total(void);

#endif
