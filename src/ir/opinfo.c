/* SPDX-License-Identifier: MIT */
/* Types and the op table: the table is generated from the ARMJIT_OPS
 * X-macro so the text names, signatures and flags are written down exactly
 * once; names of types; op lookup by name, exact and closest. */
#include "ir/ir_impl.h"

#include <string.h>

const ir_opinfo ir_opinfo_table[ARMJIT_OP__COUNT] = {
#define IR_OPINFO_ROW(name, text, args, res, flags) {text, args, res, flags},
    ARMJIT_OPS(IR_OPINFO_ROW)
#undef IR_OPINFO_ROW
};

const char *ir_type_name(armjit_type ty) {
  switch (ty) {
  case ARMJIT_INT: return "int";
  case ARMJIT_REF: return "ref";
  case ARMJIT_FLOAT: return "float";
  case ARMJIT_I64: return "i64";
  case ARMJIT_F32: return "f32";
  default: return "void";
  }
}

char ir_type_letter(armjit_type ty) {
  switch (ty) {
  case ARMJIT_INT: return 'i';
  case ARMJIT_REF: return 'p';
  case ARMJIT_FLOAT: return 'f';
  case ARMJIT_I64: return 'l';
  case ARMJIT_F32: return 's';
  default: return 'v';
  }
}

/* Length of each op's name, from the op table. */
static const uint8_t name_len[ARMJIT_OP__COUNT] = {
#define LEN(name, text, args, res, flags) sizeof(text) - 1,
    ARMJIT_OPS(LEN)
#undef LEN
};

int ir_opcode_by_name(const char *name, size_t len) {
  for (int i = 0; i < ARMJIT_OP__COUNT; i++)
    if (name_len[i] == len && memcmp(ir_opinfo_table[i].name, name, len) == 0) return i;
  return -1;
}

_Static_assert(2 * ARMJIT_OP__COUNT < IR_OPTAB_SIZE && ARMJIT_OP__COUNT < 255,
               "the op name table needs room");

/* The slot of a name (len >= 1) from its length and four of its bytes
 * rather than a pass over all of them (over the 139 ops of this writing:
 * 1.26 probes per name on average, 5 at most). */
static inline uint32_t optab_slot(const char *name, size_t len) {
  const unsigned char *s = (const unsigned char *)name;
  uint32_t h = (uint32_t)len;
  h = h * 31 + s[len - 1];
  h = h * 31 + s[len / 2];
  h = h * 31 + s[len > 1 ? len - 2 : 0];
  h = h * 31 + s[len > 4 ? 4 : 0];
  return (h * 2654435761u) >> 23 & (IR_OPTAB_SIZE - 1);
}

void ir_optab_init(ir_optab *tab) {
  memset(tab->slot, 0, sizeof tab->slot);
  for (int i = 0; i < ARMJIT_OP__COUNT; i++) {
    uint32_t j = optab_slot(ir_opinfo_table[i].name, name_len[i]);
    while (tab->slot[j]) j = (j + 1) & (IR_OPTAB_SIZE - 1);
    tab->slot[j] = (uint8_t)(i + 1);
  }
}

/* Is a[0..n) == b[0..n)?  In words of 8 or 4 bytes (the last word ending
 * at byte n, overlapping the one before), reading no byte past n. */
static inline uint64_t load8(const char *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}
static inline uint32_t load4(const char *p) {
  uint32_t w;
  memcpy(&w, p, 4);
  return w;
}
static bool same_name(const char *a, const char *b, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (load8(a + i) != load8(b + i)) return false;
    return load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

int ir_optab_find(const ir_optab *tab, const char *name, size_t len) {
  if (len == 0) return -1;
  for (uint32_t j = optab_slot(name, len); tab->slot[j]; j = (j + 1) & (IR_OPTAB_SIZE - 1)) {
    int i = tab->slot[j] - 1;
    if (name_len[i] == len && same_name(ir_opinfo_table[i].name, name, len)) return i;
  }
  return -1;
}

/* Optimal-string-alignment distance (insert, delete, substitute, swap two
 * neighbours; ASCII case ignored) of a[0..n) and b, or `cap` + 1 when it
 * exceeds cap.  Names here are short: rows of 48 entries suffice. */
#define IR_NAME_MAX 47
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }
static unsigned edit_distance(const char *a, size_t n, const char *b, unsigned cap) {
  size_t m = strlen(b);
  if (n > IR_NAME_MAX || m > IR_NAME_MAX) return cap + 1;
  unsigned rows[3][IR_NAME_MAX + 1];
  unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++) prev[j] = (unsigned)j;
  for (size_t i = 1; i <= n; i++) {
    char ai = lower(a[i - 1]);
    cur[0] = (unsigned)i;
    unsigned best = cur[0];
    for (size_t j = 1; j <= m; j++) {
      unsigned d = prev[j - 1] + (ai != b[j - 1]);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      if (i > 1 && j > 1 && ai == b[j - 2] && b[j - 1] == lower(a[i - 2]) &&
          prev2[j - 2] + 1 < d)
        d = prev2[j - 2] + 1;
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > cap) return cap + 1; /* every later row is at least as far */
    unsigned *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

int ir_opcode_closest(const char *name, size_t len) {
  /* Close: one edit for names up to 4 bytes, two up to 8, else three. */
  unsigned cap = len <= 4 ? 1 : len <= 8 ? 2 : 3;
  int best = -1;
  for (int i = 0; i < ARMJIT_OP__COUNT; i++) {
    unsigned d = edit_distance(name, len, ir_opinfo_table[i].name, cap);
    if (d <= cap) {
      best = i;
      cap = d == 0 ? 0 : d - 1; /* a later name must be strictly closer */
    }
  }
  return best;
}
