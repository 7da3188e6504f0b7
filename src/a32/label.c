/* SPDX-License-Identifier: MIT */
/* label.c — labels, branch fixups (resolved as soon as both ends are
 * known), MOVW/MOVT absolute fixups (filled in at link, reloc.c) and the
 * label-taking emitters a32_b, a32_bl and a32_mov_label_abs. */
#include "a32_internal.h"

bool a32_label_valid(const a32_buf *b, a32_label l) {
  return b && l != 0 && l <= b->nlabels;
}

static a32_label_rec *rec(const a32_buf *b, a32_label l) { return &b->labels[l - 1]; }

a32_label a32_label_new(a32_buf *b) {
  if (!b)
    return 0;
  if (b->nlabels >= UINT32_MAX - 1 ||
      !a32_grow_array(b, (void **)&b->labels, &b->caplabels, b->nlabels + 1,
                      sizeof *b->labels)) {
    a32_fail(b, A32_ERR_NOMEM, "a32_label_new", "cannot allocate a label");
    return 0;
  }
  a32_label_rec *r = &b->labels[b->nlabels++];
  r->off = 0;
  r->head = 0;
  r->bound = false;
  return (a32_label)b->nlabels;
}

bool a32_label_bound(const a32_buf *b, a32_label l) {
  return a32_label_valid(b, l) && rec(b, l)->bound;
}

size_t a32_label_offset(const a32_buf *b, a32_label l) {
  return a32_label_bound(b, l) ? rec(b, l)->off : (size_t)-1;
}

/* Byte distance from `from` to `to` as a signed number. */
static int64_t distance(size_t from, size_t to) {
  return to >= from ? (int64_t)(to - from) : -(int64_t)(from - to);
}

/* Re-encode the B/BL placeholder at `at` so that it reaches `target`;
 * its cond and L bit stay as emitted. */
static a32_status resolve_branch(a32_buf *b, size_t at, size_t target) {
  uint32_t old = a32_read_word(b, at), w;
  a32_status st = a32_branch_word((a32_cond)(old >> 28), (old >> 24) & 1,
                                  distance(at, target), &w);
  if (st != A32_OK)
    return a32_fail(b, st, "a32_label_bind",
                    "branch at 0x%zx cannot reach 0x%zx (beyond +-32 MB)", at,
                    target);
  a32_write_word(b, at, w);
  return A32_OK;
}

static void free_bfix(a32_buf *b, uint32_t idx1) {
  a32_fixup *f = &b->bfix[idx1 - 1];
  f->label = 0;
  f->next = b->bfree;
  b->bfree = idx1;
  b->live_bfix--;
}

a32_status a32_label_bind(a32_buf *b, a32_label l) {
  if (!b)
    return A32_ERR_ARG;
  if (!a32_label_valid(b, l))
    return a32_fail(b, A32_ERR_LABEL, "a32_label_bind", "unknown label %u",
                    (unsigned)l);
  a32_label_rec *r = rec(b, l);
  if (r->bound)
    return a32_fail(b, A32_ERR_LABEL, "a32_label_bind",
                    "label %u is already bound at 0x%zx", (unsigned)l, r->off);
  r->bound = true;
  r->off = a32_pos(b);
  /* Resolve every branch that was waiting; report the first that is out of
   * range but still resolve the others. */
  a32_status st = A32_OK;
  uint32_t i = r->head;
  r->head = 0;
  while (i) {
    a32_fixup *f = &b->bfix[i - 1];
    uint32_t next = f->next;
    a32_status s = resolve_branch(b, f->at, r->off);
    if (st == A32_OK)
      st = s;
    free_bfix(b, i);
    i = next;
  }
  return st;
}

void a32_fixups_forget(a32_buf *b, size_t off) {
  if (b->live_bfix) {
    for (size_t li = 0; li < b->nlabels; li++) {
      uint32_t *link = &b->labels[li].head;
      while (*link) {
        uint32_t i = *link;
        a32_fixup *f = &b->bfix[i - 1];
        if (f->at == off) {
          *link = f->next;
          free_bfix(b, i);
        } else {
          link = &f->next;
        }
      }
    }
  }
  for (size_t i = 0; i < b->nafix; i++) {
    a32_fixup *f = &b->afix[i];
    if (f->label && (f->at == off || f->at + 4 == off))
      f->label = 0;
  }
}

/* B/BL to a label: encoded now when the label is bound, otherwise a
 * placeholder "b ." chained on the label until a32_label_bind. */
static a32_status branch_to_label(a32_buf *b, const char *who, a32_cond c,
                                  bool link, a32_label l) {
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  if (!a32_label_valid(b, l))
    return a32_fail(b, A32_ERR_LABEL, who, "unknown label %u", (unsigned)l);
  size_t at = a32_pos(b);
  a32_label_rec *r = rec(b, l);
  uint32_t w;
  if (r->bound) {
    if (a32_branch_word(c, link, distance(at, r->off), &w) != A32_OK)
      return a32_fail(b, A32_ERR_RANGE, who,
                      "branch at 0x%zx cannot reach label %u at 0x%zx", at,
                      (unsigned)l, r->off);
    return a32_put(b, w);
  }
  /* Allocate the fixup first so that nothing is written on failure. */
  if (!b->bfree &&
      (b->nbfix >= UINT32_MAX - 1 ||
       !a32_grow_array(b, (void **)&b->bfix, &b->capbfix, b->nbfix + 1, sizeof *b->bfix)))
    return a32_fail(b, A32_ERR_NOMEM, who, "cannot record a fixup");
  a32_branch_word(c, link, 0, &w);  /* "b ." until bound */
  A32_TRY(a32_put(b, w));
  uint32_t i;
  if (b->bfree) {
    i = b->bfree;
    b->bfree = b->bfix[i - 1].next;
  } else {
    i = (uint32_t)++b->nbfix;
  }
  a32_fixup *f = &b->bfix[i - 1];
  f->at = at;
  f->label = l;
  f->next = r->head;
  r->head = i;
  b->live_bfix++;
  return A32_OK;
}

a32_status a32_b(a32_buf *b, a32_cond c, a32_label l) {
  return branch_to_label(b, "a32_b", c, false, l);
}
a32_status a32_bl(a32_buf *b, a32_cond c, a32_label l) {
  return branch_to_label(b, "a32_bl", c, true, l);
}

a32_status a32_mov_label_abs(a32_buf *b, a32_cond c, a32_reg rd, a32_label l) {
  static const char who[] = "a32_mov_label_abs";
  if (!b)
    return A32_ERR_ARG;
  A32_TRY(a32_chk_cond(b, who, c));
  A32_TRY(a32_chk_reg(b, who, "rd", rd, false));  /* MOVW/MOVT: d == 15 UNPREDICTABLE */
  if (!a32_label_valid(b, l))
    return a32_fail(b, A32_ERR_LABEL, who, "unknown label %u", (unsigned)l);
  if (!a32_grow_array(b, (void **)&b->afix, &b->capafix, b->nafix + 1, sizeof *b->afix))
    return a32_fail(b, A32_ERR_NOMEM, who, "cannot record a fixup");
  size_t at = a32_pos(b);
  /* MOVW rd, #0; MOVT rd, #0 — the immediates are filled in by link. */
  uint32_t w[2] = {a32_movwt_word(c, false, rd, 0), a32_movwt_word(c, true, rd, 0)};
  A32_TRY(a32_putn(b, w, 2));
  a32_fixup *f = &b->afix[b->nafix++];
  f->at = at;
  f->label = l;
  f->next = 0;
  return A32_OK;
}

size_t a32_buf_nlabel_refs(const a32_buf *b) { return b ? b->nafix : 0; }

bool a32_buf_label_ref(const a32_buf *b, size_t i, size_t *at, size_t *target) {
  if (!b || i >= b->nafix || !b->afix[i].label || !rec(b, b->afix[i].label)->bound)
    return false;
  if (at)
    *at = b->afix[i].at;
  if (target)
    *target = rec(b, b->afix[i].label)->off;
  return true;
}

a32_status a32_labels_check(a32_buf *b, const char *who) {
  if (b->live_bfix) {
    for (size_t li = 0; li < b->nlabels; li++)
      if (b->labels[li].head)
        return a32_fail(b, A32_ERR_LABEL, who,
                        "label %zu is never bound (branch at 0x%zx)", li + 1,
                        b->bfix[b->labels[li].head - 1].at);
  }
  for (size_t i = 0; i < b->nafix; i++) {
    const a32_fixup *f = &b->afix[i];
    if (f->label && !rec(b, f->label)->bound)
      return a32_fail(b, A32_ERR_LABEL, who,
                      "label %u is never bound (address load at 0x%zx)",
                      (unsigned)f->label, f->at);
  }
  return A32_OK;
}

void a32_labels_apply(a32_buf *b, uint32_t load_address) {
  for (size_t i = 0; i < b->nafix; i++) {
    const a32_fixup *f = &b->afix[i];
    if (!f->label)
      continue;
    uint32_t addr = load_address + (uint32_t)rec(b, f->label)->off;
    a32_write_word(b, f->at, a32_movwt_set_imm(a32_read_word(b, f->at), addr & 0xffffu));
    a32_write_word(b, f->at + 4, a32_movwt_set_imm(a32_read_word(b, f->at + 4), addr >> 16));
  }
}
