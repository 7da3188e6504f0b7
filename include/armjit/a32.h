/* SPDX-License-Identifier: MIT */
/* armjit/a32.h — the raw ARMv7-A A32 / VFPv3 / NEON assembler.
 *
 * Every emitter appends one (or a few) 32-bit instruction words to a code
 * buffer and returns A32_OK, or an error code when an operand cannot be
 * encoded.  On error nothing is written, the buffer remembers the first error
 * (a32_buf_status / a32_buf_errmsg) and later emitters keep working, so a
 * caller may check once at the end.  Nothing here asserts or aborts on bad
 * operands.
 *
 * Encodings are little-endian A32 words.  The buffer knows nothing of where
 * the code will run: absolute addresses of labels (MOVW/MOVT pairs) and
 * every reference to a symbol (see "symbols and relocations" below) are
 * resolved by a32_buf_link_syms() once the load address is known.
 *
 * Memory: a buffer allocates its code, labels, fixups, symbols and
 * relocation records through the a32_allocator it was made with
 * (a32_buf_new: malloc/realloc/free; armjit_buf_new in armjit.h: the
 * context's hooks).
 */
#ifndef ARMJIT_A32_H
#define ARMJIT_A32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armjit/export.h"

#ifdef __cplusplus
extern "C" {
#endif
ARMJIT_API_BEGIN /* everything declared below is exported */

/* ---- status ---------------------------------------------------------- */
typedef enum {
  A32_OK = 0,
  A32_ERR_REG,      /* register out of range or not allowed here */
  A32_ERR_IMM,      /* immediate out of range / not encodable */
  A32_ERR_ALIGN,    /* misaligned offset (VLDR/VSTR multiple of 4, ...) */
  A32_ERR_PAIR,     /* LDRD/STRD: Rt must be even and not lr */
  A32_ERR_REGLIST,  /* empty list, sp/pc where forbidden, bad VFP range */
  A32_ERR_RANGE,    /* branch or fixup target out of range */
  A32_ERR_LABEL,    /* unknown label, bound twice, or never bound */
  A32_ERR_FEATURE,  /* instruction/register needs a CPU feature not enabled */
  A32_ERR_NOMEM,    /* out of memory */
  A32_ERR_FULL,     /* buffer reached its maximum size */
  A32_ERR_ARG,      /* other invalid argument (bad enum value, ...) */
  A32_ERR_SYMBOL    /* unknown symbol, or one the resolver cannot resolve */
} a32_status;

const char *a32_status_name(a32_status s);

/* ---- registers, conditions, shifts ------------------------------------ */
typedef enum {
  A32_R0, A32_R1, A32_R2, A32_R3, A32_R4, A32_R5, A32_R6, A32_R7,
  A32_R8, A32_R9, A32_R10, A32_R11, A32_R12, A32_R13, A32_R14, A32_R15,
  A32_FP = 11, A32_IP = 12, A32_SP = 13, A32_LR = 14, A32_PC = 15
} a32_reg;

/* VFP/NEON registers are plain numbers: d0..d31 (d16..d31 need D32) or
 * s0..s31; which bank is meant is stated by the emitter (the `dbl` flag or
 * the function name). */
typedef unsigned a32_vreg;

typedef enum {
  A32_EQ, A32_NE, A32_CS, A32_CC, A32_MI, A32_PL, A32_VS, A32_VC,
  A32_HI, A32_LS, A32_GE, A32_LT, A32_GT, A32_LE, A32_AL,
  A32_HS = A32_CS, A32_LO = A32_CC
} a32_cond;

/* The opposite condition (EQ<->NE, GE<->LT, ...); AL has none. */
static inline a32_cond a32_cond_invert(a32_cond c) { return (a32_cond)(c ^ 1); }

typedef enum { A32_LSL, A32_LSR, A32_ASR, A32_ROR, A32_RRX } a32_shift;

const char *a32_reg_name(a32_reg r);     /* "r0".."r10", "fp", "ip", "sp", "lr", "pc" */
const char *a32_cond_name(a32_cond c);   /* "eq".."le", "" for AL */
const char *a32_shift_name(a32_shift s); /* "lsl", ... */

/* ---- CPU features the buffer may use ---------------------------------- */
enum {
  A32_FEAT_VFPV3 = 1u << 0, /* VFPv3 (always assumed by the code generator) */
  A32_FEAT_D32   = 1u << 1, /* d16..d31 exist */
  A32_FEAT_NEON  = 1u << 2, /* Advanced SIMD */
  A32_FEAT_IDIV  = 1u << 3, /* SDIV/UDIV in A32 */
  A32_FEAT_ALL   = 0xf
};

/* ---- modified immediates ---------------------------------------------- */
/* The 12-bit "rotated 8-bit" field for v, or -1 when v has none. */
int a32_modimm(uint32_t v);
/* The smallest modified immediate >= v, for sizes that may round up (a
 * stack frame: sp moves by one SUB): v itself up to 0x3fc when v is a
 * multiple of 4 (and up to 0xff always), else v rounded up to a multiple
 * of 2^s, s the least even shift that fits the quotient in 8 bits, so the
 * excess is below 2^s, under v / 63.  0 when v > 0xff000000 (nothing fits). */
uint32_t a32_modimm_ceil(uint32_t v);

typedef enum {
  A32_AND, A32_EOR, A32_SUB, A32_RSB, A32_ADD, A32_ADC, A32_SBC, A32_RSC,
  A32_TST, A32_TEQ, A32_CMP, A32_CMN, A32_ORR, A32_MOV, A32_BIC, A32_MVN
} a32_dp_op;

/* When `v` is not a modified immediate for `*op`, try the inverse opcode
 * with the negated or complemented value: ADD<->SUB, ADC<->SBC (complement),
 * CMP<->CMN, AND<->BIC, MOV<->MVN.  On success *op and *v are rewritten and
 * true is returned; the pair computes the same result.  When v already is
 * a modified immediate, true is returned and nothing changes; on false
 * nothing changes either. */
bool a32_modimm_inverse(a32_dp_op *op, uint32_t *v);

/* ---- flexible second operand ------------------------------------------ */
typedef enum { A32_OP_IMM, A32_OP_REG, A32_OP_RSR } a32_operand_kind;
typedef struct {
  uint8_t kind;    /* a32_operand_kind */
  uint8_t rm;      /* register */
  uint8_t shift;   /* a32_shift */
  uint8_t amount;  /* immediate shift amount (OP_REG) or Rs (OP_RSR) */
  uint32_t imm;    /* OP_IMM: the 32-bit value (must be a modified imm) */
} a32_operand;

static inline a32_operand a32_imm(uint32_t v) {
  a32_operand o = {A32_OP_IMM, 0, 0, 0, v}; return o;
}
static inline a32_operand a32_r(a32_reg rm) {
  a32_operand o = {A32_OP_REG, (uint8_t)rm, A32_LSL, 0, 0}; return o;
}
/* rm shifted by an immediate: LSL 0..31, LSR/ASR 1..32, ROR 1..31, RRX 0 */
static inline a32_operand a32_rsi(a32_reg rm, a32_shift sh, unsigned n) {
  a32_operand o = {A32_OP_REG, (uint8_t)rm, (uint8_t)sh, (uint8_t)n, 0}; return o;
}
/* rm shifted by register rs (RRX not allowed) */
static inline a32_operand a32_rsr(a32_reg rm, a32_shift sh, a32_reg rs) {
  a32_operand o = {A32_OP_RSR, (uint8_t)rm, (uint8_t)sh, (uint8_t)rs, 0}; return o;
}

/* ---- memory operands --------------------------------------------------- */
typedef enum { A32_IDX_OFFSET, A32_IDX_PRE, A32_IDX_POST } a32_index;
typedef struct {
  uint8_t rn;       /* base */
  uint8_t is_reg;   /* 0: immediate offset, 1: register offset */
  uint8_t rm;       /* register offset */
  uint8_t shift;    /* a32_shift applied to rm (word/byte forms only) */
  uint8_t amount;   /* shift amount */
  uint8_t index;    /* a32_index; PRE/POST imply writeback */
  uint8_t sub;      /* register offset is subtracted */
  int32_t off;      /* immediate offset (signed) */
} a32_mem;

static inline a32_mem a32_mem_imm(a32_reg rn, int32_t off) {
  a32_mem m = {(uint8_t)rn, 0, 0, 0, 0, A32_IDX_OFFSET, 0, off}; return m;
}
static inline a32_mem a32_mem_pre(a32_reg rn, int32_t off) {
  a32_mem m = {(uint8_t)rn, 0, 0, 0, 0, A32_IDX_PRE, 0, off}; return m;
}
static inline a32_mem a32_mem_post(a32_reg rn, int32_t off) {
  a32_mem m = {(uint8_t)rn, 0, 0, 0, 0, A32_IDX_POST, 0, off}; return m;
}
/* [rn, ±rm, <shift> #n] with the given index mode */
static inline a32_mem a32_mem_reg(a32_reg rn, a32_reg rm, bool sub, a32_shift sh,
                                  unsigned n, a32_index idx) {
  a32_mem m = {(uint8_t)rn, 1, (uint8_t)rm, (uint8_t)sh, (uint8_t)n,
               (uint8_t)idx, (uint8_t)sub, 0};
  return m;
}

/* ---- code buffer -------------------------------------------------------- */
typedef struct a32_buf a32_buf;
typedef uint32_t a32_label;

/* Where a buffer's memory comes from: all three hooks (ud is passed back).
 * realloc is only called on a block that alloc returned, free never on
 * NULL. */
typedef struct {
  void *(*alloc)(void *ud, size_t n);
  void *(*realloc)(void *ud, void *p, size_t n);
  void (*free)(void *ud, void *p);
  void *ud;
} a32_allocator;

/* max_bytes = 0: no limit other than memory.  Features default to
 * A32_FEAT_ALL; restrict them to the target CPU with a32_buf_set_features.
 * a32_buf_new allocates with malloc/realloc/free; a32_buf_new_with with
 * *al (copied; NULL = malloc; NULL is returned when a hook is missing). */
a32_buf *a32_buf_new(size_t initial_bytes, size_t max_bytes);
a32_buf *a32_buf_new_with(const a32_allocator *al, size_t initial_bytes,
                          size_t max_bytes);
void a32_buf_free(a32_buf *b);
void a32_buf_set_features(a32_buf *b, unsigned feats);
unsigned a32_buf_features(const a32_buf *b);

size_t a32_buf_size(const a32_buf *b);            /* bytes written */
const uint8_t *a32_buf_data(const a32_buf *b);
uint32_t a32_buf_word(const a32_buf *b, size_t offset);

a32_status a32_buf_status(const a32_buf *b);      /* first error, or A32_OK */
const char *a32_buf_errmsg(const a32_buf *b);     /* human-readable, "" if ok */
void a32_buf_clear_error(a32_buf *b);

/* Raw word (data or an instruction encoded elsewhere). */
a32_status a32_word(a32_buf *b, uint32_t w);
/* Pad with NOPs to a multiple of `align` bytes (power of two, >= 4). */
a32_status a32_align(a32_buf *b, unsigned align);

/* Labels: create, bind at the current position, reference before or after
 * binding.  Branch fixups are resolved as soon as both ends are known.
 * a32_label_new returns 0 (never a valid label) when out of memory;
 * a32_label_offset returns (size_t)-1 for a label that is not bound. */
a32_label a32_label_new(a32_buf *b);
a32_status a32_label_bind(a32_buf *b, a32_label l);
bool a32_label_bound(const a32_buf *b, a32_label l);
size_t a32_label_offset(const a32_buf *b, a32_label l);

/* Patching: a32_buf_patch_begin(b, off) makes following emitters overwrite
 * the words at `off`, `off+4`, ... instead of appending; patch_end returns
 * to appending.  Overwriting past the end is an error. */
a32_status a32_buf_patch_begin(a32_buf *b, size_t offset);
void a32_buf_patch_end(a32_buf *b);

/* ---- symbols and relocations ---------------------------------------------
 * Besides labels (which live in the buffer), code may refer to SYMBOLS:
 * addresses outside the buffer, known only when the code is linked (a C
 * function, another code object, data).  Each reference becomes a
 * relocation record {offset, kind, symbol, addend}, one per word, that
 * a32_buf_link_syms resolves through a caller-supplied resolver, or that a
 * caller reads back (a32_buf_reloc) to write an object file: the kinds are
 * numbered as their ELF for the Arm Architecture (AAELF) relocation types.
 *
 * REL convention: as AAELF requires of these types in a .rel section, the
 * addend A is stored in the word itself until link (the 16-bit immediate
 * of MOVW/MOVT, imm24 = A / 4 of a branch, the whole data word), so the
 * bytes of an unlinked buffer are what an ELF .text holds.  The record keeps
 * A as well, so linking may be repeated for another address.  For branches
 * A includes the PC bias: a branch to sym + off records A = off - 8
 * (GNU as writes "bl sym" as ebfffffe, A = -8). */
typedef uint32_t a32_sym;  /* 0 is never a valid symbol */

typedef enum {
  A32_RELOC_ABS32 = 2,        /* data word:      S + A      R_ARM_ABS32 */
  A32_RELOC_CALL = 28,        /* BL (AL):        S + A - P  R_ARM_CALL */
  A32_RELOC_JUMP24 = 29,      /* B<c>, BL<c!=AL>: S + A - P R_ARM_JUMP24 */
  A32_RELOC_MOVW_ABS_NC = 43, /* MOVW: (S + A) & 0xffff     R_ARM_MOVW_ABS_NC */
  A32_RELOC_MOVT_ABS = 44     /* MOVT: (S + A) >> 16        R_ARM_MOVT_ABS */
} a32_reloc_kind;             /* S: symbol address, P: address of the word */

typedef struct {
  size_t offset;        /* byte offset of the word in the buffer */
  a32_reloc_kind kind;
  a32_sym sym;
  const char *name;     /* the symbol's name (owned by the buffer) */
  int32_t addend;       /* A, as described above */
} a32_reloc;

/* A new symbol named `name` (copied; non-empty).  Every call makes a new
 * handle: make one per name and reuse it.  0 (and the buffer's error) when
 * out of memory or for a NULL/empty name. */
a32_sym a32_sym_new(a32_buf *b, const char *name);
const char *a32_sym_name(const a32_buf *b, a32_sym s);  /* NULL if unknown */

/* References, each recorded as a relocation (A32_ERR_SYMBOL for an unknown
 * handle, nothing written on error):
 *   a32_b_sym:       B<c> to s + off                     (JUMP24)
 *   a32_bl_sym:      BL<c> to s + off           (CALL for AL, else JUMP24)
 *   a32_mov_sym_abs: MOVW rd + MOVT rd = s + off  (MOVW_ABS_NC + MOVT_ABS)
 *   a32_word_sym:    the data word s + off                (ABS32)
 * Branch offsets must be multiples of 4 (A32_ERR_ALIGN) with A in imm24's
 * reach (A32_ERR_RANGE); MOVW/MOVT offsets -32768..32767 (A32_ERR_IMM:
 * the REL addend is the signed 16-bit immediate). */
a32_status a32_b_sym(a32_buf *b, a32_cond c, a32_sym s, int32_t off);
a32_status a32_bl_sym(a32_buf *b, a32_cond c, a32_sym s, int32_t off);
a32_status a32_mov_sym_abs(a32_buf *b, a32_cond c, a32_reg rd, a32_sym s, int32_t off);
a32_status a32_word_sym(a32_buf *b, a32_sym s, int32_t off);

/* The records, sorted by offset (at most one per word; overwriting a word
 * in patch mode drops its record).  a32_buf_reloc returns false for i out
 * of range.  Pointers in *out stay valid until the buffer is freed. */
size_t a32_buf_nrelocs(const a32_buf *b);
bool a32_buf_reloc(const a32_buf *b, size_t i, a32_reloc *out);

/* Resolver: set *addr to the address of symbol `sym` named `name` and
 * return true, or return false when it is unknown.  Called at most once per
 * symbol per link, only for symbols that some record uses. */
typedef bool (*a32_resolve_fn)(void *ud, a32_sym sym, const char *name, uint32_t *addr);

/* Link the buffer for code that will live at `load_address`: fill in the
 * MOVW/MOVT pairs of a32_mov_label_abs, check every referenced label is
 * bound, and resolve every relocation through `resolve` (NULL: there must be
 * none).  All or nothing: every check is made before any word changes.
 * Errors: A32_ERR_LABEL (label never bound), A32_ERR_SYMBOL (unresolved
 * symbol, named in the message), A32_ERR_RANGE (branch beyond ±32 MiB of
 * its symbol), A32_ERR_ALIGN (branch to an address that is not a multiple
 * of 4, e.g. a Thumb function).  May be called again for another address
 * or resolver.  a32_buf_link(b, a) is a32_buf_link_syms(b, a, NULL, NULL). */
a32_status a32_buf_link_syms(a32_buf *b, uint32_t load_address, a32_resolve_fn resolve,
                             void *ud);
a32_status a32_buf_link(a32_buf *b, uint32_t load_address);

/* ---- data processing ---------------------------------------------------- */
/* rd = rn <op> op2 (MOV/MVN ignore rn, TST/TEQ/CMP/CMN ignore rd and always
 * set flags).  s: set flags. */
a32_status a32_dp(a32_buf *b, a32_cond c, a32_dp_op op, bool s, a32_reg rd,
                  a32_reg rn, a32_operand op2);
/* LSL/LSR/ASR/ROR by immediate (RRX: n ignored) and by register: these are
 * MOV with a shifted operand. */
a32_status a32_shift_imm(a32_buf *b, a32_cond c, a32_shift sh, bool s,
                         a32_reg rd, a32_reg rm, unsigned n);
a32_status a32_shift_reg(a32_buf *b, a32_cond c, a32_shift sh, bool s,
                         a32_reg rd, a32_reg rm, a32_reg rs);
a32_status a32_movw(a32_buf *b, a32_cond c, a32_reg rd, uint32_t imm16);
a32_status a32_movt(a32_buf *b, a32_cond c, a32_reg rd, uint32_t imm16);
/* rd = v using the cheapest of: MOV/MVN modified immediate, MOVW,
 * MOVW+MOVT.  Emits 1 or 2 words. */
a32_status a32_mov_imm32(a32_buf *b, a32_cond c, a32_reg rd, uint32_t v);
/* rd = absolute address of label l, as a MOVW+MOVT pair resolved by
 * a32_buf_link (the buffer records the fixup; link patches the pair in
 * place, again at every call). */
a32_status a32_mov_label_abs(a32_buf *b, a32_cond c, a32_reg rd, a32_label l);
/* Those pairs, for linkers that place the buffer themselves (a flat
 * image, an object file's relocations against its own code): pair i is the
 * MOVW at byte offset *at (its MOVT follows) loading the address of buffer
 * offset *target.  False for i out of range and for an entry to skip: a
 * pair overwritten in patch mode, or a label never bound (which
 * a32_buf_link reports). */
size_t a32_buf_nlabel_refs(const a32_buf *b);
bool a32_buf_label_ref(const a32_buf *b, size_t i, size_t *at, size_t *target);

/* ---- multiply and divide ------------------------------------------------ */
typedef enum {
  A32_MUL, A32_MLA, A32_MLS,                       /* 32-bit result */
  A32_UMAAL, A32_UMULL, A32_UMLAL, A32_SMULL, A32_SMLAL /* 64-bit result */
} a32_mul_op;
/* 32-bit forms: rd = rn*rm (+ra / ra-).  64-bit forms: rd = RdLo,
 * ra = RdHi.  MLS and UMAAL have no S bit. */
a32_status a32_mul(a32_buf *b, a32_cond c, a32_mul_op op, bool s, a32_reg rd,
                   a32_reg rn, a32_reg rm, a32_reg ra);
a32_status a32_sdiv(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rn, a32_reg rm);
a32_status a32_udiv(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rn, a32_reg rm);
a32_status a32_clz(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rm);

/* ---- media: extend, reverse, bit fields ---------------------------------- */
typedef enum {
  A32_SXTB, A32_SXTH, A32_SXTB16,    /* rd = extend(rm ror rot) */
  A32_UXTB, A32_UXTH, A32_UXTB16,
  A32_SXTAB, A32_SXTAH, A32_SXTAB16, /* rd = rn + extend(rm ror rot) */
  A32_UXTAB, A32_UXTAH, A32_UXTAB16
} a32_extend_op;
/* rot: 0, 8, 16 or 24; rn is ignored by the forms without add. */
a32_status a32_extend(a32_buf *b, a32_cond c, a32_extend_op op, a32_reg rd, a32_reg rn,
                      a32_reg rm, unsigned rot);

typedef enum {
  A32_REV,   /* byte order of the word */
  A32_REV16, /* byte order of each halfword */
  A32_REVSH, /* low halfword byte-swapped, sign extended */
  A32_RBIT   /* bit order of the word */
} a32_rev_op;
a32_status a32_rev(a32_buf *b, a32_cond c, a32_rev_op op, a32_reg rd, a32_reg rm);

typedef enum {
  A32_UBFX, A32_SBFX, /* rd = rn<lsb+width-1:lsb>, zero / sign extended */
  A32_BFI,            /* rd<lsb+width-1:lsb> = rn<width-1:0> */
  A32_BFC             /* rd<lsb+width-1:lsb> = 0 (rn ignored) */
} a32_bitfield_op;
/* lsb 0..31, width 1..32-lsb. */
a32_status a32_bitfield(a32_buf *b, a32_cond c, a32_bitfield_op op, a32_reg rd,
                        a32_reg rn, unsigned lsb, unsigned width);

/* ---- loads and stores --------------------------------------------------- */
typedef enum {
  A32_LDR, A32_STR, A32_LDRB, A32_STRB,             /* ±12-bit imm, shifted reg */
  A32_LDRH, A32_STRH, A32_LDRSB, A32_LDRSH,         /* ±8-bit imm, plain reg */
  A32_LDRD, A32_STRD                                /* rt even, rt+1 implied */
} a32_ldst_op;
a32_status a32_ldst(a32_buf *b, a32_cond c, a32_ldst_op op, a32_reg rt, a32_mem m);

typedef enum { A32_IA, A32_IB, A32_DA, A32_DB } a32_block_mode;
/* LDM/STM rn{!}, {regs} (bit i of mask = ri). */
a32_status a32_ldm(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                   bool wb, uint16_t mask);
a32_status a32_stm(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                   bool wb, uint16_t mask);
/* The "^" forms (system level, B9.3): LDM rn{!}, {regs, pc}^ with pc in
 * the list is the exception return (CPSR = SPSR after the load; B9.3.5);
 * without pc, LDM/STM rn, {regs}^ transfer the User mode registers
 * (B9.3.6, B9.3.17) and may not write back. */
a32_status a32_ldm_caret(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                         bool wb, uint16_t mask);
a32_status a32_stm_caret(a32_buf *b, a32_cond c, a32_block_mode m, a32_reg rn,
                         uint16_t mask);
/* SRS<m> sp{!}, #mode stores lr and SPSR of the current mode on the stack of
 * `mode` (B9.3.16); RFE<m> rn{!} loads pc and CPSR from [rn] (B9.3.13).
 * Both unconditional; mode is an a32_mode other than A32_MODE_KEEP. */
a32_status a32_srs(a32_buf *b, a32_block_mode m, bool wb, unsigned mode);
a32_status a32_rfe(a32_buf *b, a32_block_mode m, a32_reg rn, bool wb);
/* PUSH/POP: sp is never allowed in the list; PUSH may not contain pc. */
a32_status a32_push(a32_buf *b, a32_cond c, uint16_t mask);
a32_status a32_pop(a32_buf *b, a32_cond c, uint16_t mask);

a32_status a32_ldrex(a32_buf *b, a32_cond c, a32_reg rt, a32_reg rn);
/* rd = status (0 on success); rd must differ from rt and rn. */
a32_status a32_strex(a32_buf *b, a32_cond c, a32_reg rd, a32_reg rt, a32_reg rn);

/* ---- branches ------------------------------------------------------------ */
/* B/BL to a label (±32 MB). */
a32_status a32_b(a32_buf *b, a32_cond c, a32_label l);
a32_status a32_bl(a32_buf *b, a32_cond c, a32_label l);
/* B/BL by a byte offset relative to the branch instruction itself. */
a32_status a32_b_rel(a32_buf *b, a32_cond c, bool link, int32_t offset);
/* Re-aim the B/BL word at byte offset `at` of the buffer (its cond and L
 * kept) at byte offset `target`: for branches whose target the caller
 * places itself, emitted as a32_b_rel(b, c, link, 0) ("b .") and aimed
 * once the target's offset is known.  Writes in place whatever the patch
 * mode; a branch still waiting for its label must not be re-aimed (binding
 * the label would overwrite it).  A32_ERR_ARG when `at` holds no B/BL
 * word of the buffer, A32_ERR_RANGE when `target` is misaligned or beyond
 * +-32 MB (the word unchanged then). */
a32_status a32_b_retarget(a32_buf *b, size_t at, size_t target);
a32_status a32_bx(a32_buf *b, a32_cond c, a32_reg rm);
a32_status a32_blx(a32_buf *b, a32_cond c, a32_reg rm);
/* Encode a B/BL word for a branch at `from` to `to` (byte addresses) without
 * a buffer — for patching code that is already in memory. */
a32_status a32_encode_b(uint32_t *word, a32_cond c, bool link, uint32_t from,
                        uint32_t to);
/* The same for BLX (immediate) at `from` calling the Thumb code at `to`
 * (its bit 0 ignored; a halfword address); A32_ERR_RANGE beyond +-32 MB. */
a32_status a32_encode_blx(uint32_t *word, uint32_t from, uint32_t to);

/* ---- system -------------------------------------------------------------- */
/* Hints (A8.8.120 NOP, A8.8.426 YIELD, A8.8.424 WFE, A8.8.425 WFI, A8.8.168
 * SEV); a32_nop(b, c) is a32_hint(b, c, A32_HINT_NOP). */
typedef enum { A32_HINT_NOP, A32_HINT_YIELD, A32_HINT_WFE, A32_HINT_WFI, A32_HINT_SEV } a32_hint_op;
a32_status a32_hint(a32_buf *b, a32_cond c, a32_hint_op op);
a32_status a32_nop(a32_buf *b, a32_cond c);
/* Exception generating: BKPT #imm16 and UDF #imm16 (unconditional), SVC
 * #imm24 (imm24 <= 0xffffff). */
a32_status a32_bkpt(a32_buf *b, uint32_t imm16);
a32_status a32_udf(a32_buf *b, uint32_t imm16);
a32_status a32_svc(a32_buf *b, a32_cond c, uint32_t imm24);
a32_status a32_mcr(a32_buf *b, a32_cond c, unsigned coproc, unsigned opc1,
                   a32_reg rt, unsigned crn, unsigned crm, unsigned opc2);
a32_status a32_mrc(a32_buf *b, a32_cond c, unsigned coproc, unsigned opc1,
                   a32_reg rt, unsigned crn, unsigned crm, unsigned opc2);
/* option: 15 = SY, 14 = ST, 11 = ISH, 10 = ISHST, 7 = NSH, 3 = OSH, ... */
a32_status a32_dmb(a32_buf *b, unsigned option);
a32_status a32_dsb(a32_buf *b, unsigned option);
a32_status a32_isb(a32_buf *b, unsigned option);

/* Status registers.  A32_CPSR is the APSR for unprivileged code; A32_SPSR
 * (the saved status of the current exception mode) exists at PL1 only. */
typedef enum { A32_CPSR, A32_SPSR } a32_psr;
/* MRS rd, CPSR|SPSR. */
a32_status a32_mrs(a32_buf *b, a32_cond c, a32_reg rd, a32_psr psr);
/* MSR <psr>_<fields>, rn / #imm (a modified immediate).  mask: any
 * non-empty combination of the fields; for the CPSR, APSR_nzcvq is CPSR_f
 * and APSR_g CPSR_s, the only ones unprivileged code may write. */
enum {
  A32_PSR_C = 1, A32_PSR_X = 2, A32_PSR_S = 4, A32_PSR_F = 8,
  A32_APSR_G = A32_PSR_S, A32_APSR_NZCVQ = A32_PSR_F
};
a32_status a32_msr(a32_buf *b, a32_cond c, a32_psr psr, unsigned mask, a32_reg rn);
a32_status a32_msr_imm(a32_buf *b, a32_cond c, a32_psr psr, unsigned mask, uint32_t imm);

/* Processor modes (B1.3.1), and A32_MODE_KEEP for "no mode change". */
enum {
  A32_MODE_KEEP = 0,
  A32_MODE_USR = 0x10, A32_MODE_FIQ = 0x11, A32_MODE_IRQ = 0x12, A32_MODE_SVC = 0x13,
  A32_MODE_MON = 0x16, A32_MODE_ABT = 0x17, A32_MODE_HYP = 0x1a, A32_MODE_UND = 0x1b,
  A32_MODE_SYS = 0x1f
};
/* CPS (B9.3.2, unconditional): CPSIE / CPSID the interrupt masks in aif
 * (non-empty) and/or switch to `mode` (A32_MODE_KEEP: stay); CPS #mode is
 * A32_CPS_NONE with aif = 0. */
typedef enum { A32_CPS_NONE, A32_CPS_IE, A32_CPS_ID } a32_cps_op;
enum { A32_CPS_F = 1, A32_CPS_I = 2, A32_CPS_A = 4 };
a32_status a32_cps(a32_buf *b, a32_cps_op op, unsigned aif, unsigned mode);
/* SUBS pc, rn, #imm (B9.3.20): the exception return "subs pc, lr, #4";
 * imm a modified immediate. */
a32_status a32_subs_pc(a32_buf *b, a32_cond c, a32_reg rn, uint32_t imm);

/* ---- VFP ----------------------------------------------------------------- */
/* VLDR/VSTR dd or sd, [rn, #±off]; off multiple of 4, |off| <= 1020. */
a32_status a32_vldr(a32_buf *b, a32_cond c, bool dbl, a32_vreg vd, a32_reg rn, int32_t off);
a32_status a32_vstr(a32_buf *b, a32_cond c, bool dbl, a32_vreg vd, a32_reg rn, int32_t off);
/* VPUSH/VPOP {d<first> .. d<first+count-1>} (1..16 registers). */
a32_status a32_vpush(a32_buf *b, a32_cond c, a32_vreg first, unsigned count);
a32_status a32_vpop(a32_buf *b, a32_cond c, a32_vreg first, unsigned count);

typedef enum {
  A32_VADD, A32_VSUB, A32_VMUL, A32_VDIV,  /* vd = vn op vm */
  A32_VMOV, A32_VNEG, A32_VABS, A32_VSQRT, /* vd = op vm (vn ignored) */
  A32_VCMP, A32_VCMPE,                     /* compare vd with vm */
  A32_VMLA, A32_VMLS,                      /* vd = vd + vn*vm, vd - vn*vm */
  A32_VNMLA, A32_VNMLS, A32_VNMUL          /* vd = -vd - vn*vm, -vd + vn*vm, -(vn*vm) */
} a32_vfp_op;
a32_status a32_vfp(a32_buf *b, a32_cond c, a32_vfp_op op, bool dbl, a32_vreg vd,
                   a32_vreg vn, a32_vreg vm);
/* VCMP{E} vd, #0.0 */
a32_status a32_vcmp_zero(a32_buf *b, a32_cond c, bool e, bool dbl, a32_vreg vd);

/* VMOV dd or sd, #imm (VFPv3): `bits` is the double's bit pattern (dbl)
 * or the float's (its low 32 bits).  Only +-(16..31)/16 * 2^(-3..4)
 * encode (0.5, 1.0, 2.0, -1.0, 0.125, 31.0, ...; not 0.0): the 8-bit
 * immediate for bits, or -1 (a32_vfp_imm8); A32_ERR_IMM otherwise. */
int a32_vfp_imm8(bool dbl, uint64_t bits);
a32_status a32_vmov_imm(a32_buf *b, a32_cond c, bool dbl, a32_vreg vd, uint64_t bits);

/* VMOV between core and VFP registers. */
a32_status a32_vmov_core_to_s(a32_buf *b, a32_cond c, a32_vreg sn, a32_reg rt);
a32_status a32_vmov_s_to_core(a32_buf *b, a32_cond c, a32_reg rt, a32_vreg sn);
a32_status a32_vmov_core_to_d(a32_buf *b, a32_cond c, a32_vreg dm, a32_reg rt, a32_reg rt2);
a32_status a32_vmov_d_to_core(a32_buf *b, a32_cond c, a32_reg rt, a32_reg rt2, a32_vreg dm);

typedef enum {
  A32_CVT_F64_S32, A32_CVT_F64_U32,   /* dd = (double) sm */
  A32_CVT_S32_F64, A32_CVT_U32_F64,   /* sd = (int) dm, round toward zero */
  A32_CVT_F32_S32, A32_CVT_F32_U32,   /* sd = (float) sm */
  A32_CVT_S32_F32, A32_CVT_U32_F32,   /* sd = (int) sm, round toward zero */
  A32_CVT_F64_F32, A32_CVT_F32_F64    /* dd = sm, sd = dm */
} a32_cvt_op;
a32_status a32_vcvt(a32_buf *b, a32_cond c, a32_cvt_op op, a32_vreg vd, a32_vreg vm);
/* VFP system registers: the reg field of VMRS/VMSR (A8.8.348, A8.8.349;
 * system level B9.3.21, B9.3.22). */
typedef enum {
  A32_FPSID = 0, A32_FPSCR = 1, A32_MVFR1 = 6, A32_MVFR0 = 7, A32_FPEXC = 8
} a32_vfp_sysreg;
/* VMRS rt, reg (rt = pc only with FPSCR: "vmrs APSR_nzcv, fpscr", the
 * flags) and VMSR reg, rt (FPSID, FPSCR or FPEXC; MVFR0/1 are read only).
 * Registers other than FPSCR need PL1. */
a32_status a32_vmrs(a32_buf *b, a32_cond c, a32_reg rt, a32_vfp_sysreg reg);
a32_status a32_vmsr(a32_buf *b, a32_cond c, a32_vfp_sysreg reg, a32_reg rt);
/* VMRS APSR_nzcv, FPSCR: a32_vmrs(b, c, A32_PC, A32_FPSCR). */
a32_status a32_vmrs_apsr(a32_buf *b, a32_cond c);

/* ---- NEON (64-bit d registers, unconditional) ----------------------------- */
/* dd = dn op dm, lane by lane (.i8/.i16/.i32/.i64 integer lanes, .f32
 * single-precision lanes; AND/ORR/EOR bitwise). */
typedef enum {
  A32_NADD_I64, A32_NSUB_I64, A32_NAND, A32_NORR, A32_NEOR,
  A32_NADD_I8, A32_NADD_I16, A32_NADD_I32,
  A32_NSUB_I8, A32_NSUB_I16, A32_NSUB_I32,
  A32_NMUL_I8, A32_NMUL_I16, A32_NMUL_I32,
  A32_NADD_F32, A32_NSUB_F32, A32_NMUL_F32
} a32_neon_op;
a32_status a32_neon3(a32_buf *b, a32_neon_op op, a32_vreg dd, a32_vreg dn, a32_vreg dm);
/* dd = dm shifted by #n, one 64-bit lane: VSHL.I64 (n 1..63), VSHR.S64 /
 * VSHR.U64 (n 1..64; 64 leaves the sign or 0). */
typedef enum { A32_NSHL_I64, A32_NSHR_S64, A32_NSHR_U64 } a32_neon_shift_op;
a32_status a32_neon_shift_imm(a32_buf *b, a32_neon_shift_op op, a32_vreg dd, a32_vreg dm,
                              unsigned n);
/* VLD1/VST1.<esize> {d<first> .. d<first+n-1>}, [rn{:align}] (multiple
 * single elements): esize 8, 16, 32 or 64 bits; n 1..4; align in bytes: 0
 * (none), 8, 16 (n = 2 or 4), 32 (n = 4).  rm follows the encoding's Rm
 * field: A32_PC = no writeback, A32_SP = "[rn]!" (rn += 8n), any other
 * register = "[rn], rm" (rn += rm). */
a32_status a32_vld1(a32_buf *b, unsigned esize, a32_vreg first, unsigned n, a32_reg rn,
                    unsigned align, a32_reg rm);
a32_status a32_vst1(a32_buf *b, unsigned esize, a32_vreg first, unsigned n, a32_reg rn,
                    unsigned align, a32_reg rm);

ARMJIT_API_END
#ifdef __cplusplus
}
#endif
#endif
