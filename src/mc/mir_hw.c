/* SPDX-License-Identifier: MIT */
/* The immediates of the hardware intrinsics (armjit/mc_ops.h, docs/mir.md
 * "intrinsics"): per op its fields, their ranges and their text (numbers,
 * or words such as cpsr_fc, fpscr, ish), for the builder, the parser, the
 * printer and the validator.  The values are the architecture's own
 * encodings, so code generation passes them to the assembler as they
 * are. */
#include "mc/mir_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef enum {
  F_INT,    /* a number lo..hi, printed in decimal */
  F_WORD32, /* any 32-bit word, printed in hex (raw) */
  F_PSR,    /* cpsr | spsr */
  F_PSRF,   /* cpsr_FIELDS | spsr_FIELDS */
  F_AIF,    /* a non-empty subset of a, i, f */
  F_MODE,   /* a processor mode */
  F_VSYS_R, /* a VFP system register vmrs reads */
  F_VSYS_W, /* ... vmsr writes */
  F_BAR     /* a barrier option */
} fkind;

typedef struct {
  uint8_t kind;
  int64_t lo, hi;
  const char *what;
} field;

typedef struct {
  uint16_t opc;
  uint8_t n;
  field f[MIR_MAX_IMM];
} op_fields;

#define CP_FIELDS                                                                     \
  {{F_INT, 0, 15, "coprocessor"}, {F_INT, 0, 7, "opc1"}, {F_INT, 0, 15, "CRn"},       \
   {F_INT, 0, 15, "CRm"}, {F_INT, 0, 7, "opc2"}}

static const op_fields table[] = {
    {ARMJIT_MOP_MRC, 5, CP_FIELDS},
    {ARMJIT_MOP_MCR, 5, CP_FIELDS},
    {ARMJIT_MOP_MRS, 1, {{F_PSR, 0, 0, "status register"}}},
    {ARMJIT_MOP_MSR, 1, {{F_PSRF, 0, 0, "status register and fields"}}},
    {ARMJIT_MOP_CPSIE, 1, {{F_AIF, 0, 0, "interrupt mask"}}},
    {ARMJIT_MOP_CPSID, 1, {{F_AIF, 0, 0, "interrupt mask"}}},
    {ARMJIT_MOP_CPS_MODE, 1, {{F_MODE, 0, 0, "processor mode"}}},
    {ARMJIT_MOP_VMRS, 1, {{F_VSYS_R, 0, 0, "VFP system register"}}},
    {ARMJIT_MOP_VMSR, 1, {{F_VSYS_W, 0, 0, "VFP system register"}}},
    {ARMJIT_MOP_DMB, 1, {{F_BAR, 0, 15, "barrier option"}}},
    {ARMJIT_MOP_DSB, 1, {{F_BAR, 0, 15, "barrier option"}}},
    {ARMJIT_MOP_ISB, 1, {{F_BAR, 0, 15, "barrier option"}}},
    {ARMJIT_MOP_SVC, 1, {{F_INT, 0, 0xffffff, "svc number"}}},
    {ARMJIT_MOP_BKPT, 1, {{F_INT, 0, 0xffff, "bkpt number"}}},
    {ARMJIT_MOP_UDF, 1, {{F_INT, 0, 0xffff, "udf number"}}},
    {ARMJIT_MOP_RAW, 1, {{F_WORD32, 0, 0xffffffff, "instruction word"}}},
    {ARMJIT_MOP_GET_REG, 1, {{F_INT, 0, 15, "register number"}}},
    {ARMJIT_MOP_SET_REG, 1, {{F_INT, 0, 14, "register number (pc: jump_to)"}}},
    {ARMJIT_MOP_EXC_RETURN, 1, {{F_INT, 0, 255, "lr adjustment"}}},
};

static const op_fields *fields_of(unsigned opc) {
  for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
    if (table[k].opc == opc) return &table[k];
  return NULL;
}

/* Words and their values, per field kind. */
typedef struct {
  const char *w;
  int32_t v;
} word;

static const word modes[] = {{"usr", 0x10}, {"fiq", 0x11}, {"irq", 0x12}, {"svc", 0x13},
                             {"mon", 0x16}, {"abt", 0x17}, {"hyp", 0x1a}, {"und", 0x1b},
                             {"sys", 0x1f}, {NULL, 0}};
static const word vsys[] = {{"fpsid", ARMJIT_VSYS_FPSID}, {"fpscr", ARMJIT_VSYS_FPSCR},
                            {"mvfr1", ARMJIT_VSYS_MVFR1}, {"mvfr0", ARMJIT_VSYS_MVFR0},
                            {"fpexc", ARMJIT_VSYS_FPEXC}, {NULL, 0}};
/* A8.8.43 DMB: the option field */
static const word bars[] = {{"sy", 15}, {"st", 14}, {"ish", 11}, {"ishst", 10}, {"nsh", 7},
                            {"nshst", 6}, {"osh", 3}, {"oshst", 2}, {NULL, 0}};
static const word psrs[] = {{"cpsr", ARMJIT_PSR_CPSR}, {"spsr", ARMJIT_PSR_SPSR}, {NULL, 0}};

static const word *words_of(unsigned kind) {
  switch (kind) {
  case F_MODE: return modes;
  case F_VSYS_R:
  case F_VSYS_W: return vsys;
  case F_BAR: return bars;
  case F_PSR: return psrs;
  default: return NULL;
  }
}

static const char *word_for(const word *w, int32_t v) {
  for (; w && w->w; w++)
    if (w->v == v) return w->w;
  return NULL;
}

/* Letters to a mask: each of `letters` (bit i = letters[i]) at most once. */
static bool letters_mask(const char *s, size_t n, const char *letters, const unsigned *bits,
                         unsigned *mask) {
  *mask = 0;
  for (size_t i = 0; i < n; i++) {
    const char *p = strchr(letters, s[i]);
    if (!s[i] || !p || (*mask & bits[p - letters])) return false;
    *mask |= bits[p - letters];
  }
  return *mask != 0;
}

static const char psr_letters[] = "fsxc";
static const unsigned psr_bits[] = {ARMJIT_PSR_F, ARMJIT_PSR_S, ARMJIT_PSR_X, ARMJIT_PSR_C};
static const char aif_letters[] = "aif";
static const unsigned aif_bits[] = {ARMJIT_CPS_A, ARMJIT_CPS_I, ARMJIT_CPS_F};

bool mir_hw_has_imms(unsigned opc) { return fields_of(opc) != NULL; }

bool mir_hw_imms_optional(unsigned opc, int32_t *dflt) {
  const op_fields *t = fields_of(opc);
  if (!t || t->f[0].kind != F_BAR) return false;
  *dflt = ARMJIT_BARRIER_SY;
  return true;
}

/* Is v a legal value of field f?  (why: the complaint) */
static bool field_ok(const field *f, int32_t v, const char **why) {
  *why = NULL;
  switch (f->kind) {
  case F_INT:
  case F_BAR: return v >= f->lo && v <= f->hi;
  case F_WORD32: return true;
  case F_PSR: return v == ARMJIT_PSR_CPSR || v == ARMJIT_PSR_SPSR;
  case F_PSRF: return (v & ~(ARMJIT_PSR_SPSR | 15)) == 0 && (v & 15) != 0;
  case F_AIF: return v > 0 && v <= 7;
  case F_MODE: return word_for(modes, v) != NULL;
  case F_VSYS_R: return word_for(vsys, v) != NULL;
  case F_VSYS_W:
    if (v == ARMJIT_VSYS_MVFR0 || v == ARMJIT_VSYS_MVFR1) *why = "mvfr0/mvfr1 are read-only";
    return v == ARMJIT_VSYS_FPSCR || v == ARMJIT_VSYS_FPEXC || v == ARMJIT_VSYS_FPSID;
  default: return false;
  }
}

static void field_range(const field *f, char *buf, size_t cap) {
  switch (f->kind) {
  case F_INT:
  case F_BAR: snprintf(buf, cap, "%" PRId64 "..%" PRId64, f->lo, f->hi); break;
  case F_PSR: snprintf(buf, cap, "cpsr or spsr"); break;
  case F_PSRF: snprintf(buf, cap, "cpsr_ or spsr_ with some of f, s, x, c"); break;
  case F_AIF: snprintf(buf, cap, "some of a, i, f"); break;
  case F_MODE: snprintf(buf, cap, "usr fiq irq svc mon abt hyp und sys, or its number"); break;
  case F_VSYS_R: snprintf(buf, cap, "fpsid fpscr mvfr1 mvfr0 fpexc"); break;
  case F_VSYS_W: snprintf(buf, cap, "fpsid fpscr fpexc"); break;
  default: snprintf(buf, cap, "a 32-bit word"); break;
  }
}

static bool imm_bad(const field *f, char *msg, size_t cap) {
  char r[80];
  field_range(f, r, sizeof r);
  snprintf(msg, cap, "bad %s (%s)", f->what, r);
  return false;
}

bool mir_hw_imm_parse(unsigned opc, unsigned k, bool is_word, const char *s, size_t n,
                      int64_t v, int32_t *out, char *msg, size_t cap) {
  const op_fields *t = fields_of(opc);
  if (!t || k >= t->n) {
    snprintf(msg, cap, "no immediate %u", k + 1);
    return false;
  }
  const field *f = &t->f[k];
  if (!is_word) {
    if (f->kind == F_PSR || f->kind == F_PSRF || f->kind == F_AIF || f->kind == F_VSYS_R ||
        f->kind == F_VSYS_W)
      return imm_bad(f, msg, cap);
    if (v < (f->kind == F_WORD32 ? INT32_MIN : 0) || v > 0xffffffffLL) return imm_bad(f, msg, cap);
    *out = (int32_t)(uint32_t)(uint64_t)v;
  } else if (f->kind == F_PSRF) {
    unsigned mask;
    if (n < 6 || s[4] != '_' || !letters_mask(s + 5, n - 5, psr_letters, psr_bits, &mask))
      return imm_bad(f, msg, cap);
    if (memcmp(s, "cpsr", 4) == 0) *out = (int32_t)mask;
    else if (memcmp(s, "spsr", 4) == 0) *out = (int32_t)(mask | ARMJIT_PSR_SPSR);
    else return imm_bad(f, msg, cap);
  } else if (f->kind == F_AIF) {
    unsigned mask;
    if (!letters_mask(s, n, aif_letters, aif_bits, &mask)) return imm_bad(f, msg, cap);
    *out = (int32_t)mask;
  } else {
    const word *w = words_of(f->kind);
    for (; w && w->w; w++)
      if (strlen(w->w) == n && memcmp(w->w, s, n) == 0) break;
    if (!w || !w->w) return imm_bad(f, msg, cap);
    *out = w->v;
  }
  const char *why;
  if (!field_ok(f, *out, &why)) {
    if (why) {
      snprintf(msg, cap, "%s", why);
      return false;
    }
    return imm_bad(f, msg, cap);
  }
  return true;
}

void mir_hw_imm_put(ajx_sbuf *sb, unsigned opc, unsigned k, int32_t v) {
  const op_fields *t = fields_of(opc);
  const field *f = t && k < t->n ? &t->f[k] : NULL;
  const char *w = f ? word_for(words_of(f->kind), v) : NULL;
  if (!f) {
    ajx_sb_printf(sb, "%" PRId32, v);
  } else if (f->kind == F_WORD32) {
    ajx_sb_printf(sb, "0x%08" PRIx32, (uint32_t)v);
  } else if (f->kind == F_PSRF) {
    ajx_sb_puts(sb, (v & ARMJIT_PSR_SPSR) ? "spsr_" : "cpsr_");
    for (unsigned i = 0; i < 4; i++)
      if (v & (int32_t)psr_bits[i]) ajx_sb_printf(sb, "%c", psr_letters[i]);
  } else if (f->kind == F_AIF) {
    for (unsigned i = 0; i < 3; i++)
      if (v & (int32_t)aif_bits[i]) ajx_sb_printf(sb, "%c", aif_letters[i]);
  } else if (w) {
    ajx_sb_puts(sb, w);
  } else {
    ajx_sb_printf(sb, "%" PRId32, v);
  }
}

bool mir_hw_imms_ok(const mir_op *op, char *msg, size_t cap) {
  const op_fields *t = fields_of(op->opc);
  if (!t) return true;
  for (unsigned k = 0; k < t->n; k++) {
    const char *why;
    if (!field_ok(&t->f[k], op->imm[k], &why)) {
      if (why) snprintf(msg, cap, "%s", why);
      else imm_bad(&t->f[k], msg, cap);
      return false;
    }
  }
  if ((op->opc == ARMJIT_MOP_MRC || op->opc == ARMJIT_MOP_MCR) &&
      (op->imm[0] == 10 || op->imm[0] == 11)) {
    snprintf(msg, cap, "coprocessors 10 and 11 are VFP: use vmrs / vmsr");
    return false;
  }
  return true;
}
