/* SPDX-License-Identifier: MIT */
/* reloc.c — symbols, the emitters that refer to them, their relocation
 * records (a32.h: "symbols and relocations") and the link step that
 * resolves labels and symbols for a load address.
 *
 * A record's word holds its REL addend until link, where AAELF ("addends
 * and PC-bias compensation") puts it for each type: the whole data word,
 * imm24 * 4 of B/BL, the signed imm16 of MOVW/MOVT.  Link recomputes every
 * field from the record, so it can be repeated. */
#include "a32_internal.h"

#include <string.h>

#define BRANCH_REACH (INT64_C(1) << 25) /* imm24 * 4: -2^25 .. 2^25 - 4 */

static bool sym_valid(const a32_buf *b, a32_sym s) {
  return b && s != 0 && s <= b->nsyms;
}

a32_sym a32_sym_new(a32_buf *b, const char *name) {
  static const char who[] = "a32_sym_new";
  if (!b)
    return 0;
  if (!name || !*name) {
    a32_fail(b, A32_ERR_ARG, who, "a symbol needs a non-empty name");
    return 0;
  }
  size_t len = strlen(name);
  if (b->nsyms >= UINT32_MAX - 1 ||
      !a32_grow_array(b, (void **)&b->syms, &b->capsyms, b->nsyms + 1, sizeof *b->syms))
    goto nomem;
  char *copy = a32_mem_alloc(b, len + 1);
  if (!copy)
    goto nomem;
  memcpy(copy, name, len + 1);
  a32_sym_rec *r = &b->syms[b->nsyms++];
  r->name = copy;
  r->addr = 0;
  r->resolved = false;
  return (a32_sym)b->nsyms;
nomem:
  a32_fail(b, A32_ERR_NOMEM, who, "cannot allocate symbol '%.64s'", name);
  return 0;
}

const char *a32_sym_name(const a32_buf *b, a32_sym s) {
  return sym_valid(b, s) ? b->syms[s - 1].name : NULL;
}

/* ---- records -------------------------------------------------------------- */
/* Index of the first record at or after `at`. */
static size_t reloc_lower_bound(const a32_buf *b, size_t at) {
  size_t lo = 0, hi = b->nrelocs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (b->relocs[mid].at < at)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Room for n more records, so that an emitter can fail before writing. */
static a32_status reloc_reserve(a32_buf *b, const char *who, size_t n) {
  if (!a32_grow_array(b, (void **)&b->relocs, &b->caprelocs, b->nrelocs + n,
                      sizeof *b->relocs))
    return a32_fail(b, A32_ERR_NOMEM, who, "cannot record a relocation");
  return A32_OK;
}

/* Insert in offset order (appending is the common case); room reserved. */
static void reloc_add(a32_buf *b, size_t at, a32_reloc_kind kind, a32_sym s,
                      int32_t addend) {
  size_t i = b->nrelocs && b->relocs[b->nrelocs - 1].at < at ? b->nrelocs
                                                             : reloc_lower_bound(b, at);
  memmove(&b->relocs[i + 1], &b->relocs[i], (b->nrelocs - i) * sizeof *b->relocs);
  b->relocs[i] = (a32_reloc_rec){at, addend, s, (uint8_t)kind};
  b->nrelocs++;
}

void a32_relocs_forget(a32_buf *b, size_t off) {
  size_t i = reloc_lower_bound(b, off);
  if (i < b->nrelocs && b->relocs[i].at == off) {
    memmove(&b->relocs[i], &b->relocs[i + 1], (b->nrelocs - i - 1) * sizeof *b->relocs);
    b->nrelocs--;
  }
}

size_t a32_buf_nrelocs(const a32_buf *b) { return b ? b->nrelocs : 0; }

bool a32_buf_reloc(const a32_buf *b, size_t i, a32_reloc *out) {
  if (!b || !out || i >= b->nrelocs)
    return false;
  const a32_reloc_rec *r = &b->relocs[i];
  out->offset = r->at;
  out->kind = (a32_reloc_kind)r->kind;
  out->sym = r->sym;
  out->name = b->syms[r->sym - 1].name;
  out->addend = r->addend;
  return true;
}

/* The word with its relocated field set to `v`: the addend before link,
 * the resolved value after.  Branch and MOVW/MOVT fields are a32.h's REL
 * fields; the condition, link bit and register stay as emitted. */
static uint32_t with_field(a32_reloc_kind kind, uint32_t w, uint32_t v) {
  switch (kind) {
  case A32_RELOC_CALL:
  case A32_RELOC_JUMP24:
    return (w & 0xff000000u) | ((v >> 2) & 0x00ffffffu);  /* A8.8.18: imm24 */
  case A32_RELOC_MOVW_ABS_NC:
  case A32_RELOC_MOVT_ABS:
    return a32_movwt_set_imm(w, v & 0xffffu);              /* A8.8.106/108 */
  default:
    return v;                                              /* the whole word */
  }
}

/* ---- emitters ------------------------------------------------------------- */
static a32_status check_sym(a32_buf *b, const char *who, a32_sym s) {
  if (!sym_valid(b, s))
    return a32_fail(b, A32_ERR_SYMBOL, who, "unknown symbol %u", (unsigned)s);
  return A32_OK;
}

/* B/BL to s + off: A = off - 8 (the PC reads 8 ahead), imm24 = A / 4. */
static a32_status branch_sym(a32_buf *b, const char *who, a32_cond c, bool link,
                             a32_sym s, int32_t off) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(check_sym(b, who, s));
  int64_t a = (int64_t)off - 8;
  if (off & 3)
    return a32_fail(b, A32_ERR_ALIGN, who, "offset %ld from '%.64s' is not a multiple of 4",
                    (long)off, b->syms[s - 1].name);
  if (a < -BRANCH_REACH || a >= BRANCH_REACH)
    return a32_fail(b, A32_ERR_RANGE, who,
                    "offset %ld from '%.64s' is beyond the +-32 MiB of imm24", (long)off,
                    b->syms[s - 1].name);
  A32_TRY(reloc_reserve(b, who, 1));
  /* A8.8.18 B / A8.8.25 BL A1: cond 101L imm24 */
  uint32_t w = a32_cond_bits(c) | 0x0a000000u | (uint32_t)link << 24;
  a32_reloc_kind kind = link && c == A32_AL ? A32_RELOC_CALL : A32_RELOC_JUMP24;
  size_t at = a32_pos(b);
  A32_TRY(a32_put(b, with_field(kind, w, (uint32_t)a)));
  reloc_add(b, at, kind, s, (int32_t)a);
  return A32_OK;
}

a32_status a32_b_sym(a32_buf *b, a32_cond c, a32_sym s, int32_t off) {
  return branch_sym(b, "a32_b_sym", c, false, s, off);
}
a32_status a32_bl_sym(a32_buf *b, a32_cond c, a32_sym s, int32_t off) {
  return branch_sym(b, "a32_bl_sym", c, true, s, off);
}

a32_status a32_mov_sym_abs(a32_buf *b, a32_cond c, a32_reg rd, a32_sym s, int32_t off) {
  static const char who[] = "a32_mov_sym_abs";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));  /* MOVW/MOVT: d == 15 UNPREDICTABLE */
  A32_TRY(check_sym(b, who, s));
  if (off < -32768 || off > 32767)
    return a32_fail(b, A32_ERR_IMM, who,
                    "offset %ld from '%.64s' is not a signed 16-bit REL addend",
                    (long)off, b->syms[s - 1].name);
  A32_TRY(reloc_reserve(b, who, 2));
  uint32_t a = (uint32_t)off & 0xffffu;
  uint32_t w[2] = {a32_movwt_word(c, false, rd, a), a32_movwt_word(c, true, rd, a)};
  size_t at = a32_pos(b);
  A32_TRY(a32_putn(b, w, 2));
  reloc_add(b, at, A32_RELOC_MOVW_ABS_NC, s, off);
  reloc_add(b, at + 4, A32_RELOC_MOVT_ABS, s, off);
  return A32_OK;
}

a32_status a32_word_sym(a32_buf *b, a32_sym s, int32_t off) {
  static const char who[] = "a32_word_sym";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(check_sym(b, who, s));
  A32_TRY(reloc_reserve(b, who, 1));
  size_t at = a32_pos(b);
  A32_TRY(a32_put(b, (uint32_t)off));
  reloc_add(b, at, A32_RELOC_ABS32, s, off);
  return A32_OK;
}

/* ---- link ------------------------------------------------------------------- */
/* The resolved field value of record r (symbol address S, word address P),
 * or an error for a branch that cannot reach or is misaligned. */
static a32_status reloc_value(a32_buf *b, const char *who, const a32_reloc_rec *r,
                              uint32_t load_address, uint32_t *v) {
  const a32_sym_rec *sym = &b->syms[r->sym - 1];
  uint32_t sa = sym->addr + (uint32_t)r->addend;  /* S + A, modulo 2^32 */
  switch ((a32_reloc_kind)r->kind) {
  case A32_RELOC_CALL:
  case A32_RELOC_JUMP24: {
    uint32_t p = load_address + (uint32_t)r->at;
    uint32_t d = sa - p;  /* S + A - P as the PC arithmetic wraps */
    int64_t delta = d < 0x80000000u ? (int64_t)d : (int64_t)d - (INT64_C(1) << 32);
    if (sym->addr & 3)
      return a32_fail(b, A32_ERR_ALIGN, who,
                      "branch at 0x%zx to '%.64s' at 0x%08x: not an A32 address "
                      "(a Thumb function needs BLX)",
                      r->at, sym->name, (unsigned)sym->addr);
    if (delta < -BRANCH_REACH || delta >= BRANCH_REACH)
      return a32_fail(b, A32_ERR_RANGE, who,
                      "branch at 0x%08x cannot reach '%.64s' at 0x%08x (beyond +-32 MiB)",
                      (unsigned)p, sym->name, (unsigned)sym->addr);
    *v = d;
    return A32_OK;
  }
  case A32_RELOC_MOVT_ABS:
    *v = sa >> 16;
    return A32_OK;
  default:  /* ABS32, MOVW_ABS_NC (the field keeps the low 16 bits) */
    *v = sa;
    return A32_OK;
  }
}

a32_status a32_buf_link_syms(a32_buf *b, uint32_t load_address, a32_resolve_fn resolve,
                             void *ud) {
  static const char who[] = "a32_buf_link";
  if (!b)
    return A32_ERR_ARG;
  /* Check everything before patching anything. */
  A32_TRY(a32_labels_check(b, who));
  for (size_t i = 0; i < b->nsyms; i++)
    b->syms[i].resolved = false;
  for (size_t i = 0; i < b->nrelocs; i++) {
    const a32_reloc_rec *r = &b->relocs[i];
    a32_sym_rec *sym = &b->syms[r->sym - 1];
    if (!sym->resolved) {
      if (!resolve || !resolve(ud, r->sym, sym->name, &sym->addr))
        return a32_fail(b, A32_ERR_SYMBOL, who, "symbol '%.64s' is unresolved%s (used at 0x%zx)",
                        sym->name, resolve ? "" : " (no resolver given)", r->at);
      sym->resolved = true;
    }
    uint32_t v;
    A32_TRY(reloc_value(b, who, r, load_address, &v));
  }
  a32_labels_apply(b, load_address);
  for (size_t i = 0; i < b->nrelocs; i++) {
    const a32_reloc_rec *r = &b->relocs[i];
    uint32_t v = 0;
    reloc_value(b, who, r, load_address, &v);  /* checked above */
    a32_write_word(b, r->at, with_field((a32_reloc_kind)r->kind, a32_read_word(b, r->at), v));
  }
  return A32_OK;
}

a32_status a32_buf_link(a32_buf *b, uint32_t load_address) {
  return a32_buf_link_syms(b, load_address, NULL, NULL);
}
