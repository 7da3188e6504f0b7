/* SPDX-License-Identifier: MIT */
/* a32_internal.h — private to src/a32: the code buffer's layout and the
 * helpers every encoder shares (word output, error recording, operand
 * checks, register-field packing). */
#ifndef ARMJIT_A32_INTERNAL_H
#define ARMJIT_A32_INTERNAL_H

#include "armjit/a32.h"

/* A32_NOINLINE: an emitter's checked path, kept out of line so that its
 * common form (tested first) costs no more than its own few compares. */
#if defined(__GNUC__)
#define A32_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define A32_NOINLINE __attribute__((noinline))
#else
#define A32_PRINTF(f, a)
#define A32_NOINLINE
#endif

/* Label ids handed out are index + 1, so 0 is never a valid label. */
typedef struct {
  size_t off;     /* byte offset once bound */
  uint32_t head;  /* first pending branch fixup (index + 1), 0 = none */
  bool bound;
} a32_label_rec;

/* One reference to a label: a B/BL word waiting for its label (kept in a
 * per-label chain through `next`), or a MOVW/MOVT pair (at, at+4) that
 * a32_buf_link fills in.  label == 0 marks a dead entry. */
typedef struct {
  size_t at;
  a32_label label;
  uint32_t next;  /* branch chains and the free list: index + 1, 0 = end */
} a32_fixup;

/* A symbol: its name (allocated) and, during a link, its address. */
typedef struct {
  char *name;
  uint32_t addr;
  bool resolved;  /* addr is valid for the link in progress */
} a32_sym_rec;

/* One relocation record (a32.h); kind is an a32_reloc_kind. */
typedef struct {
  size_t at;
  int32_t addend;
  a32_sym sym;
  uint8_t kind;
} a32_reloc_rec;

struct a32_buf {
  a32_allocator al;  /* every allocation below goes through it */
  uint8_t *data;
  size_t size;       /* bytes written */
  size_t cap;        /* bytes allocated */
  size_t max;        /* limit in bytes (whole words) when `limited` */
  bool limited;
  unsigned feats;

  bool patching;     /* emitters overwrite at patch_pos instead of appending */
  size_t patch_pos;

  a32_status err;    /* first error since the last clear */
  char msg[192];

  a32_label_rec *labels;
  size_t nlabels, caplabels;

  a32_fixup *bfix;   /* pending branch fixups */
  size_t nbfix, capbfix;
  uint32_t bfree;    /* free list of bfix entries, index + 1 */
  size_t live_bfix;  /* branch fixups still waiting for their label */

  a32_fixup *afix;   /* absolute MOVW/MOVT fixups (kept for relinking) */
  size_t nafix, capafix;

  a32_sym_rec *syms; /* symbol s is syms[s - 1] */
  size_t nsyms, capsyms;
  a32_reloc_rec *relocs; /* sorted by `at`, at most one per word */
  size_t nrelocs, caprelocs;
};

#define A32_TRY(expr)                       \
  do {                                      \
    a32_status a32_try_st_ = (expr);        \
    if (a32_try_st_ != A32_OK)              \
      return a32_try_st_;                   \
  } while (0)

/* ---- buf.c ------------------------------------------------------------- */
/* Record `s` as the buffer's error if it has none yet (message is
 * "<who>: <fmt...>") and return `s`.  b may be NULL. */
a32_status a32_fail(a32_buf *b, a32_status s, const char *who, const char *fmt,
                    ...) A32_PRINTF(4, 5);
/* Make room for n words at the current position (appending: grow up to
 * max_bytes; patching: stay inside what was written).  Nothing is written. */
a32_status a32_reserve(a32_buf *b, size_t nwords);
/* Emit words at the current position; all or nothing. */
a32_status a32_putn(a32_buf *b, const uint32_t *w, size_t n);
/* Current position: the append point, or the patch cursor. */
size_t a32_pos(const a32_buf *b);
/* Words are stored little-endian whatever the host's byte order. */
static inline void a32_write_word(a32_buf *b, size_t off, uint32_t w) {
  uint8_t *p = b->data + off;
  p[0] = (uint8_t)w;
  p[1] = (uint8_t)(w >> 8);
  p[2] = (uint8_t)(w >> 16);
  p[3] = (uint8_t)(w >> 24);
}
uint32_t a32_read_word(const a32_buf *b, size_t off);
/* One word.  Every emitter ends here, so appending with room (the common
 * case: the capacity never exceeds a limited buffer's max) is inline. */
static inline a32_status a32_put(a32_buf *b, uint32_t w) {
  if (b && !b->patching && b->cap - b->size >= 4) {
    a32_write_word(b, b->size, w);
    b->size += 4;
    return A32_OK;
  }
  return a32_putn(b, &w, 1);
}
/* Two words, all or nothing (a MOVW/MOVT pair), inline as a32_put. */
static inline a32_status a32_put2(a32_buf *b, uint32_t w0, uint32_t w1) {
  if (b && !b->patching && b->cap - b->size >= 8) {
    a32_write_word(b, b->size, w0);
    a32_write_word(b, b->size + 4, w1);
    b->size += 8;
    return A32_OK;
  }
  uint32_t w[2] = {w0, w1};
  return a32_putn(b, w, 2);
}
/* Allocation through the buffer's allocator (a32_mem_realloc: p != NULL). */
void *a32_mem_alloc(a32_buf *b, size_t n);
void *a32_mem_realloc(a32_buf *b, void *p, size_t n);
void a32_mem_free(a32_buf *b, void *p);
/* Grow an array of `elem`-sized items so that it holds at least `need`. */
bool a32_grow_array(a32_buf *b, void **p, size_t *cap, size_t need, size_t elem);

/* ---- label.c ----------------------------------------------------------- */
/* Overwriting the word at `off` (patch mode) drops the fixups that would
 * later rewrite it. */
void a32_fixups_forget(a32_buf *b, size_t off);
/* Is l a label of this buffer? */
bool a32_label_valid(const a32_buf *b, a32_label l);
/* Link, first half: A32_ERR_LABEL (recorded for `who`) if a referenced
 * label is unbound.  Second half: fill the MOVW/MOVT pairs for code at
 * load_address (cannot fail). */
a32_status a32_labels_check(a32_buf *b, const char *who);
void a32_labels_apply(a32_buf *b, uint32_t load_address);

/* ---- reloc.c ----------------------------------------------------------- */
/* Overwriting the word at `off` (patch mode) drops its relocation. */
void a32_relocs_forget(a32_buf *b, size_t off);

/* ---- check.c ----------------------------------------------------------- */
/* The two checks every emitter makes are inline (a compare each); only a
 * failure calls out to record its message. */
a32_status a32_chk_cond_fail(a32_buf *b, const char *who, a32_cond c);
a32_status a32_chk_reg_fail(a32_buf *b, const char *who, const char *what, unsigned r,
                            bool allow_pc);
/* A condition (0b1111 is not one: it selects the unconditional space). */
static inline a32_status a32_chk_cond(a32_buf *b, const char *who, a32_cond c) {
  return (unsigned)c <= A32_AL ? A32_OK : a32_chk_cond_fail(b, who, c);
}
/* Core register 0..15; with allow_pc false, pc (UNPREDICTABLE) is refused. */
static inline a32_status a32_chk_reg(a32_buf *b, const char *who, const char *what,
                                     unsigned r, bool allow_pc) {
  return r < 15 || (r == 15 && allow_pc) ? A32_OK : a32_chk_reg_fail(b, who, what, r, allow_pc);
}
/* VFP/NEON register: s0..s31 or d0..d31, d16..d31 only with A32_FEAT_D32
 * (inline for d0..d15 and s0..s15, valid everywhere). */
a32_status a32_chk_vreg_rest(a32_buf *b, const char *who, bool dbl, unsigned v);
static inline a32_status a32_chk_vreg(a32_buf *b, const char *who, bool dbl, unsigned v) {
  return v < 16 ? A32_OK : a32_chk_vreg_rest(b, who, dbl, v);
}
/* Immediate shift of a register operand (A8.4.1 DecodeImmShift reversed):
 * returns imm5<<7 | type<<5 in *bits. */
a32_status a32_chk_shift_imm(a32_buf *b, const char *who, unsigned sh, unsigned n,
                             uint32_t *bits);

/* ---- enc_misc.c -------------------------------------------------------- */
/* Is mode one of the processor modes of B1.3.1 (A32_MODE_USR..SYS)? */
bool a32_mode_valid(unsigned mode);

/* ---- names.c ----------------------------------------------------------- */
const char *a32_dp_op_name(a32_dp_op op);

/* ---- shared word builders ---------------------------------------------- */
static inline uint32_t a32_cond_bits(a32_cond c) { return (uint32_t)c << 28; }

/* A8.8.106 MOV (immediate) A2 (MOVW) and A8.8.108 MOVT:
 * cond 0011 0H00 imm4 Rd imm12. */
static inline uint32_t a32_movwt_word(a32_cond c, bool top, unsigned rd,
                                      uint32_t imm16) {
  return a32_cond_bits(c) | 0x03000000u | (top ? 0x00400000u : 0u) |
         ((imm16 & 0xf000u) << 4) | ((uint32_t)rd << 12) | (imm16 & 0x0fffu);
}
static inline uint32_t a32_movwt_set_imm(uint32_t w, uint32_t imm16) {
  return (w & 0xfff0f000u) | ((imm16 & 0xf000u) << 4) | (imm16 & 0x0fffu);
}

/* VFP/NEON register fields (A7.3.1): a single-precision register number
 * is Vx:X (four high bits in the 4-bit field, low bit in the extra bit), a
 * double-precision one is X:Vx (high bit in the extra bit). */
static inline uint32_t a32_vd_bits(bool dbl, unsigned v) {  /* D:22, Vd:15-12 */
  return dbl ? ((v & 16u) << 18) | ((v & 15u) << 12)
             : ((v & 1u) << 22) | ((v >> 1) << 12);
}
static inline uint32_t a32_vn_bits(bool dbl, unsigned v) {  /* N:7, Vn:19-16 */
  return dbl ? ((v & 16u) << 3) | ((v & 15u) << 16)
             : ((v & 1u) << 7) | ((v >> 1) << 16);
}
static inline uint32_t a32_vm_bits(bool dbl, unsigned v) {  /* M:5, Vm:3-0 */
  return dbl ? ((v & 16u) << 1) | (v & 15u) : ((v & 1u) << 5) | (v >> 1);
}

/* A8.8.18 B / A8.8.25 BL: cond 101L imm24 for a branch `delta` bytes after
 * the branch itself (the PC reads 8 ahead).  A32_ERR_RANGE if misaligned
 * or beyond ±32 MB; *w untouched then. */
a32_status a32_branch_word(a32_cond c, bool link, int64_t delta, uint32_t *w);

#endif
