/* SPDX-License-Identifier: MIT */
/* Compiled memory ops against the interpreter on real buffers: every op at
 * every width and signedness, offsets at the edges of each instruction's
 * immediate field (±255/256, ±1020/1024, ±4095/4096, 70000, offsets no
 * rotated immediate splits), constant and variable indexes (also large
 * ones that wrap), variable and constant bases, interior fields with
 * power-of-two and other item sizes, strings and unicode, and
 * copy*content.  Each case loads, stores and reloads, so the memory after
 * the run (memcheck.h) shows a store's width and place.
 *
 * The accessed address is always the same aligned spot of a small arena:
 * the object pointer p is chosen as target - offset - index*item, which
 * wraps like the machine's address arithmetic.  So any offset and index
 * can be tried without huge buffers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memcheck.h"

#ifndef ARMJIT_RANDOM_SEED
#define ARMJIT_RANDOM_SEED 1
#endif

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

enum { TARGET = 512 };


/* ---- value kinds ------------------------------------------------------------ */
typedef struct {
  armjit_type type;
  uint32_t size;  /* 0: natural (ref, float) */
  bool sign;
  uint32_t align; /* bytes the access needs */
} vkind;

static const vkind kinds[] = {
    {ARMJIT_INT, 1, false, 1}, {ARMJIT_INT, 1, true, 1}, {ARMJIT_INT, 2, false, 2},
    {ARMJIT_INT, 2, true, 2},  {ARMJIT_INT, 4, false, 4}, {ARMJIT_INT, 4, true, 4},
    {ARMJIT_REF, 0, false, 4}, {ARMJIT_FLOAT, 0, false, 4}};

static armjit_value store_val(armjit_type ty, unsigned k) {
  static const int32_t iv[] = {(int32_t)0x9abcdef5u, 0x0000817f, -1};
  static const uintptr_t rv[] = {(uintptr_t)0xdeadbeefu, 0x10, 0};
  static const uint64_t fv[] = {UINT64_C(0x8000000000000000), UINT64_C(0x7ff4000000000001),
                                UINT64_C(0x3fd5555555555555)};
  if (ty == ARMJIT_INT) return irs_i(iv[k % 3]);
  if (ty == ARMJIT_REF) return irs_r(rv[k % 3]);
  return irs_f(irs_dbl(fv[k % 3]));
}

/* ---- one access: x = get; set(v); y = get; finish(x, y) --------------------- */
typedef enum { OPS_FIELD, OPS_ARRAY, OPS_INTERIOR, OPS_RAW, OPS_STR, OPS_UNICODE } ops_kind;
typedef enum { IDX_NONE, IDX_VAR, IDX_CONST } idx_mode;

typedef struct {
  ops_kind ops;
  vkind k;          /* str/unicode: unused (characters) */
  int32_t base, offset;
  uint32_t item;    /* array: the value size; str 1; unicode 2 or 4 */
  idx_mode im;
  int32_t idx;      /* the constant index */
  bool p_const;
  uintptr_t target; /* address every access lands on */
} aspec;

static uint32_t scale(const aspec *s) { return s->ops == OPS_RAW ? 1 : s->item; }

/* The object pointer that puts index i on the target. */
static uintptr_t p_for(const aspec *s, int32_t i) {
  return s->target - (uintptr_t)(intptr_t)s->base - (uintptr_t)(intptr_t)s->offset -
         (uintptr_t)(intptr_t)i * scale(s);
}

static int make_descr(armjit_trace *t, const aspec *s) {
  const vkind *k = &s->k;
  switch (s->ops) {
  case OPS_FIELD:
    return armjit_descr_field(t, &(armjit_field_descr){s->offset, k->size, k->sign, k->type});
  case OPS_ARRAY:
  case OPS_RAW:
    return armjit_descr_array(
        t, &(armjit_array_descr){s->base, k->size, k->sign, k->type, false, 0});
  case OPS_INTERIOR:
    return armjit_descr_interior(t, &(armjit_interior_descr){s->base, s->item, false, 0,
                                                             s->offset, k->size, k->sign,
                                                             k->type});
  case OPS_STR: return armjit_descr_str(t, &(armjit_str_descr){s->base, 1, 0});
  default: return armjit_descr_unicode(t, &(armjit_str_descr){s->base, s->item, 0});
  }
}

static void ops_of(ops_kind k, armjit_opcode *get, armjit_opcode *set) {
  static const armjit_opcode g[] = {ARMJIT_OP_GETFIELD_GC, ARMJIT_OP_GETARRAYITEM_GC,
                                    ARMJIT_OP_GETINTERIORFIELD_GC, ARMJIT_OP_RAW_LOAD,
                                    ARMJIT_OP_STRGETITEM, ARMJIT_OP_UNICODEGETITEM};
  static const armjit_opcode st[] = {ARMJIT_OP_SETFIELD_RAW, ARMJIT_OP_SETARRAYITEM_RAW,
                                     ARMJIT_OP_SETINTERIORFIELD_GC, ARMJIT_OP_RAW_STORE,
                                     ARMJIT_OP_STRSETITEM, ARMJIT_OP_UNICODESETITEM};
  *get = g[k];
  *set = st[k];
}

static armjit_type value_type(const aspec *s) {
  return s->ops == OPS_STR || s->ops == OPS_UNICODE ? ARMJIT_INT : s->k.type;
}

static armjit_trace *build_access(armjit_ctx *ctx, const void *ud) {
  const aspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  int32_t pidx = s->im == IDX_CONST ? s->idx : 0;
  armjit_val p = s->p_const ? armjit_const_ref(t, p_for(s, pidx)) : armjit_input(t, ARMJIT_REF);
  armjit_val i = ARMJIT_NOVAL;
  if (s->im == IDX_VAR) i = armjit_input(t, ARMJIT_INT);
  if (s->im == IDX_CONST) i = armjit_const_int(t, s->idx);
  armjit_val v = armjit_input(t, value_type(s));
  int d = make_descr(t, s);
  armjit_opcode get, set;
  ops_of(s->ops, &get, &set);
  unsigned na = s->im == IDX_NONE ? 1 : 2;
  armjit_val args[3] = {p, i, v};
  if (na == 1) args[1] = v;
  armjit_val x = armjit_op_descr(t, get, args, na, d);
  armjit_op_descr(t, set, args, na + 1, d);
  armjit_val y = armjit_op_descr(t, get, args, na, d);
  armjit_val out[2] = {x, y};
  armjit_finish(t, out, 2);
  return t;
}

/* Index values a case runs with: p absorbs any index when it is an input;
 * a constant p keeps the address near the target. */
static unsigned run_indexes(const aspec *s, int32_t *out) {
  if (s->im != IDX_VAR) { out[0] = s->idx; return 1; }
  if (s->p_const) {
    int32_t m = s->ops == OPS_RAW ? (int32_t)(s->k.align > 1 ? 8 : 1) : 1;
    const int32_t small[] = {0, 1, -2, 3};
    for (unsigned k = 0; k < 4; k++) out[k] = small[k] * m;
    return 4;
  }
  const int32_t any[] = {0, 3, -7, 100000, -100000, INT32_MAX, INT32_MIN};
  memcpy(out, any, sizeof any);
  return N_OF(any);
}

static void check_access(aspec *s, mc_arena *a) {
  s->target = (uintptr_t)a->mem + TARGET;
  jc_case c;
  jc_init(&c, build_access, s, ARMJIT_RANDOM_SEED + (uint32_t)s->base);
  int32_t idx[8];
  unsigned ni = run_indexes(s, idx);
  for (unsigned r = 0; r < ni; r++) {
    for (unsigned k = 0; k < 2; k++) {
      armjit_value in[3];
      unsigned n = 0;
      if (!s->p_const) in[n++] = irs_r(p_for(s, idx[r]));
      if (s->im == IDX_VAR) in[n++] = irs_i(idx[r]);
      in[n++] = store_val(value_type(s), k + r);
      assert_int_equal(mc_run(&c, in, &a->r, 1), 0);
    }
  }
  jc_free(&c);
}

/* ---- fields ----------------------------------------------------------------- */
static const int32_t edge_offsets[] = {0,     3,     4,      255,     256,      -255,
                                       -256,  1020,  1022,   1024,    -1020,    -1024,
                                       4092,  4095,  4096,   -4095,   -4096,    70000,
                                       -70000, 0x101004, -0x101004, 0x7ffffff0};

static void test_fields(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 73, 0x91);
  for (unsigned k = 0; k < N_OF(kinds); k++)
    for (unsigned o = 0; o < N_OF(edge_offsets); o++)
      for (int pc = 0; pc < 2; pc++) {
        aspec s = {OPS_FIELD, kinds[k], 0, edge_offsets[o], 0, IDX_NONE, 0, pc, 0};
        check_access(&s, &a);
      }
  mc_arena_free(&a);
}

/* ---- arrays ----------------------------------------------------------------- */
static const int32_t array_bases[] = {0,    8,     -8,    252,   256,     1024,
                                      4092, 4096, -4096, 70000, 0x101004};
static const int32_t const_indexes[] = {5, -3, 100000, 0x40000001};

static void array_cases(ops_kind ops, mc_arena *a) {
  for (unsigned k = 0; k < N_OF(kinds); k++) {
    uint32_t item = kinds[k].size ? kinds[k].size : kinds[k].type == ARMJIT_FLOAT ? 8 : 4;
    for (unsigned b = 0; b < N_OF(array_bases); b++)
      for (int pc = 0; pc < 2; pc++) {
        aspec s = {ops, kinds[k], array_bases[b], 0, item, IDX_VAR, 0, pc, 0};
        check_access(&s, a);
        for (unsigned i = 0; i < N_OF(const_indexes); i++) {
          s.im = IDX_CONST;
          s.idx = const_indexes[i];
          check_access(&s, a);
        }
      }
  }
}

static void test_array_items(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 73, 0x91);
  array_cases(OPS_ARRAY, &a);
  mc_arena_free(&a);
}

static void test_raw_load_store(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 73, 0x91);
  array_cases(OPS_RAW, &a);
  mc_arena_free(&a);
}

/* ---- interior fields ------------------------------------------------------------ */
static void test_interior_fields(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 73, 0x91);
  /* items: powers of two, 2^j±1 times 2^k (shift-add), others (MLA) */
  static const uint32_t items4[] = {8, 64, 12, 20, 28, 44, 100};
  static const uint32_t items2[] = {2, 6, 10, 14, 22};
  static const uint32_t items1[] = {1, 3, 5, 7, 11, 13};
  static const int32_t bases[] = {0, 248, 4088, -70000};
  for (unsigned k = 0; k < N_OF(kinds); k++) {
    uint32_t size = kinds[k].size ? kinds[k].size : kinds[k].type == ARMJIT_FLOAT ? 8 : 4;
    const uint32_t *items = size == 1 ? items1 : size == 2 ? items2 : items4;
    unsigned nitems = size == 1 ? N_OF(items1) : size == 2 ? N_OF(items2) : N_OF(items4);
    for (unsigned it = 0; it < nitems; it++) {
      if (items[it] < size) continue;
      for (unsigned b = 0; b < N_OF(bases); b++) {
        /* the field first and last in its item */
        int32_t offs[2] = {0, (int32_t)(items[it] - size)};
        for (int o = 0; o < 2; o++)
          for (int pc = 0; pc < 2; pc++) {
            aspec s = {OPS_INTERIOR, kinds[k], bases[b], offs[o], items[it], IDX_VAR, 0,
                       pc, 0};
            check_access(&s, &a);
            s.im = IDX_CONST;
            s.idx = b & 1 ? 7 : -100000;
            check_access(&s, &a);
          }
      }
    }
  }
  mc_arena_free(&a);
}

/* ---- strings and unicode ------------------------------------------------------- */
static void test_str_unicode_items(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 73, 0x91);
  static const int32_t bases[] = {0, 12, 255, 256, 4095, 4096, -4096, 70000};
  static const struct { ops_kind ops; uint32_t item; } chars[] = {
      {OPS_STR, 1}, {OPS_UNICODE, 2}, {OPS_UNICODE, 4}};
  for (unsigned ch = 0; ch < N_OF(chars); ch++)
    for (unsigned b = 0; b < N_OF(bases); b++)
      for (int pc = 0; pc < 2; pc++) {
        aspec s = {chars[ch].ops, kinds[0], bases[b], 0, chars[ch].item, IDX_VAR, 0, pc, 0};
        check_access(&s, &a);
        for (unsigned i = 0; i < N_OF(const_indexes); i++) {
          s.im = IDX_CONST;
          s.idx = const_indexes[i];
          check_access(&s, &a);
        }
      }
  mc_arena_free(&a);
}

/* ---- lengths ------------------------------------------------------------------ */
typedef struct {
  armjit_opcode op;
  int32_t len;
  bool p_const;
  uintptr_t target;
} lspec;

static uintptr_t len_p(const lspec *s) { return s->target - (uintptr_t)(intptr_t)s->len; }

static armjit_trace *build_len(armjit_ctx *ctx, const void *ud) {
  const lspec *s = ud;
  armjit_trace *t = armjit_trace_new(ctx);
  armjit_val p = s->p_const ? armjit_const_ref(t, len_p(s)) : armjit_input(t, ARMJIT_REF);
  int d;
  if (s->op == ARMJIT_OP_ARRAYLEN_GC)
    d = armjit_descr_array(t, &(armjit_array_descr){8, 4, true, ARMJIT_INT, true, s->len});
  else if (s->op == ARMJIT_OP_STRLEN)
    d = armjit_descr_str(t, &(armjit_str_descr){8, 1, s->len});
  else
    d = armjit_descr_unicode(t, &(armjit_str_descr){8, 4, s->len});
  armjit_val x = armjit_op_descr(t, s->op, &p, 1, d);
  armjit_finish(t, &x, 1);
  return t;
}

static void test_lengths(void **state) {
  (void)state;
  mc_arena a;
  mc_arena_init(&a, 73, 0x91);
  static const armjit_opcode ops[] = {ARMJIT_OP_ARRAYLEN_GC, ARMJIT_OP_STRLEN,
                                      ARMJIT_OP_UNICODELEN};
  static const int32_t lens[] = {0, 4, -4, 4095, 4096, -4096, 70000, 0x101004};
  for (unsigned o = 0; o < N_OF(ops); o++)
    for (unsigned l = 0; l < N_OF(lens); l++)
      for (int pc = 0; pc < 2; pc++) {
        lspec s = {ops[o], lens[l], pc, (uintptr_t)a.mem + TARGET};
        jc_case c;
        jc_init(&c, build_len, &s, ARMJIT_RANDOM_SEED);
        armjit_value in[1] = {irs_r(len_p(&s))};
        assert_int_equal(mc_run(&c, in, &a.r, 1), 0);
        /* independent of the oracle: the int32 at the target */
        int32_t want;
        memcpy(&want, a.init + TARGET, 4);
        assert_int_equal(c.fc->values[0].i, want);
        jc_free(&c);
      }
  mc_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fields),
      cmocka_unit_test(test_array_items),
      cmocka_unit_test(test_raw_load_store),
      cmocka_unit_test(test_interior_fields),
      cmocka_unit_test(test_str_unicode_items),
      cmocka_unit_test(test_lengths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
