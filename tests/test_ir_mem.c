/* SPDX-License-Identifier: MIT */
/* Memory ops by descriptor in the reference interpreter, on real buffers:
 * every op at every width and signedness, offsets around the ARM immediate
 * limits (±255 for halfwords and signed bytes, ±4095 for words and bytes,
 * ±1020 for VFP) and beyond 16 bits, constant and variable indexes.
 * Expected values come from C reads and writes of the same buffer (typed
 * memcpy, C's own integer conversions); stores are checked byte for byte
 * over the whole buffer, so a store of the wrong width is caught. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "ir_support.h"

enum { BUF = 256 * 1024 };

typedef struct {
  armjit_ctx *ctx;
  uint8_t *buf, *exp;   /* the buffer the trace sees, and what C expects */
  uint8_t *p;           /* the object: the middle of buf */
  unsigned checks;
} fixture;

static void noise(fixture *fx, intptr_t from, intptr_t to, uint32_t seed);

static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  fx->ctx = irs_ctx();
  fx->buf = malloc(BUF);
  fx->exp = malloc(BUF);
  fx->p = fx->buf + BUF / 2;
  noise(fx, -BUF / 2, BUF / 2, 1);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  armjit_ctx_free(fx->ctx);
  free(fx->buf);
  free(fx->exp);
  free(fx);
  return 0;
}

/* Deterministic noise in [from, to) of both buffers, so values of both
 * signs appear everywhere.  Between cases the two buffers are equal. */
static void noise(fixture *fx, intptr_t from, intptr_t to, uint32_t seed) {
  uint32_t x = seed * 2654435761u + 1;
  for (intptr_t i = from; i < to; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    fx->buf[BUF / 2 + i] = fx->exp[BUF / 2 + i] = (uint8_t)(x >> 7);
  }
}

/* Fresh noise around the n bytes at offset off from the object. */
static void refresh(fixture *fx, intptr_t off, size_t n, uint32_t seed) {
  noise(fx, off - 16, off + (intptr_t)n + 16, seed);
}

/* Bytes at offset off in both buffers. */
static void poke(fixture *fx, intptr_t off, const void *src, size_t n) {
  memcpy(fx->buf + BUF / 2 + off, src, n);
  memcpy(fx->exp + BUF / 2 + off, src, n);
}

/* The expected buffer at the object's offset `off`. */
static uint8_t *exp_at(fixture *fx, intptr_t off) { return fx->exp + BUF / 2 + off; }

static const char *const op_names[] = {
#define NAME(name, text, args, res, flags) text,
    ARMJIT_OPS(NAME)
#undef NAME
};

/* ---- value kinds and C's view of them --------------------------------------- */
typedef struct {
  armjit_type type;
  uint32_t size;       /* 0: natural (ref, float) */
  bool sign;
  const char *name;
} vkind;

static const vkind kinds[] = {
    {ARMJIT_INT, 1, false, "u8"},  {ARMJIT_INT, 1, true, "i8"},
    {ARMJIT_INT, 2, false, "u16"}, {ARMJIT_INT, 2, true, "i16"},
    {ARMJIT_INT, 4, false, "u32"}, {ARMJIT_INT, 4, true, "i32"},
    {ARMJIT_REF, 0, false, "ref"}, {ARMJIT_FLOAT, 0, false, "f64"},
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

static uint32_t width(const vkind *k) {
  return k->size ? k->size : k->type == ARMJIT_REF ? (uint32_t)sizeof(uintptr_t) : 8u;
}

static armjit_value c_read(const vkind *k, const uint8_t *q) {
  armjit_value v = {.bits = 0};
  if (k->type == ARMJIT_REF) { uintptr_t r; memcpy(&r, q, sizeof r); v.r = r; return v; }
  if (k->type == ARMJIT_FLOAT) { double d; memcpy(&d, q, 8); v.f = d; return v; }
  switch (k->size * 2 + k->sign) {
  case 2: { uint8_t x; memcpy(&x, q, 1); v.i = x; break; }
  case 3: { int8_t x; memcpy(&x, q, 1); v.i = x; break; }
  case 4: { uint16_t x; memcpy(&x, q, 2); v.i = x; break; }
  case 5: { int16_t x; memcpy(&x, q, 2); v.i = x; break; }
  default: { int32_t x; memcpy(&x, q, 4); v.i = x; break; }
  }
  return v;
}

static void c_write(const vkind *k, uint8_t *q, armjit_value v) {
  if (k->type == ARMJIT_REF) { uintptr_t r = v.r; memcpy(q, &r, sizeof r); return; }
  if (k->type == ARMJIT_FLOAT) { double d = v.f; memcpy(q, &d, 8); return; }
  if (k->size == 1) { uint8_t x = (uint8_t)v.i; memcpy(q, &x, 1); }
  else if (k->size == 2) { uint16_t x = (uint16_t)v.i; memcpy(q, &x, 2); }
  else { int32_t x = v.i; memcpy(q, &x, 4); }
}

/* A value of kind k from 64 pattern bits. */
static armjit_value from_bits(const vkind *k, uint64_t b) {
  armjit_value v = {.bits = 0};
  if (k->type == ARMJIT_INT) v.i = (int32_t)(uint32_t)b;
  else if (k->type == ARMJIT_REF) v.r = (uintptr_t)b;
  else v.bits = b;
  return v;
}

static const uint64_t patterns[] = {
    0, UINT64_C(0x7f7f7f7f7f7f7f7f), UINT64_C(0x8080808080808080), ~UINT64_C(0),
    UINT64_C(0x0123456789abcdef), UINT64_C(0xfedcba9876543210),
    UINT64_C(0x3ff8000000000000) /* 1.5 */, UINT64_C(0x8000000000000000) /* -0.0 */,
    UINT64_C(0x7ff8000000000001) /* NaN with payload */};
enum { NPAT = sizeof patterns / sizeof patterns[0] };

/* The frame slot of an exit value compared by type: ints and refs exactly,
 * floats bit for bit (a load moves bits, it computes nothing). */
static void assert_value(armjit_type ty, armjit_value got, armjit_value want, const char *what) {
  bool same = ty == ARMJIT_INT ? got.i == want.i : ty == ARMJIT_REF ? got.r == want.r
                                                                   : got.bits == want.bits;
  if (!same)
    fail_msg("%s: got 0x%llx, want 0x%llx", what, (unsigned long long)got.bits,
             (unsigned long long)want.bits);
}

static void assert_buffers(const fixture *fx, const char *what) {
  if (memcmp(fx->buf, fx->exp, BUF) == 0) return;
  size_t i = 0;
  while (fx->buf[i] == fx->exp[i]) i++;
  fail_msg("%s: byte %ld from the object is 0x%02x, want 0x%02x", what,
           (long)((intptr_t)i - BUF / 2), fx->buf[i], fx->exp[i]);
}

/* The bytes around offset off must match; the whole buffer every 32nd
 * time (a stray write elsewhere stays until then, so it is still seen).
 * Comparing 256 KiB per run would dominate the run time under qemu. */
static void assert_near(fixture *fx, const char *what, intptr_t off) {
  const uint8_t *b = fx->buf + BUF / 2 + off - 64, *e = fx->exp + BUF / 2 + off - 64;
  if (memcmp(b, e, 144) != 0 || ++fx->checks % 32 == 0) assert_buffers(fx, what);
}

/* Offsets around the ARM limits, rounded to the access size (compiled code
 * may require natural alignment; docs/ir.md). */
static const int32_t raw_offsets[] = {0, 1, 4, 8, 255, 256, -255, -256, 1020, 1024, -1020,
                                      -1024, 4095, 4096, -4095, -4096, 12345, -12345, 70000,
                                      -70000};
enum { NOFF = sizeof raw_offsets / sizeof raw_offsets[0] };

static int32_t aligned(int32_t off, uint32_t size) {
  int32_t s = (int32_t)size;
  return off >= 0 ? off / s * s : -((-off) / s * s);
}

static armjit_trace *new_trace(fixture *fx) { return armjit_trace_new(fx->ctx); }

static void validate(armjit_trace *t) {
  armjit_error err;
  if (armjit_trace_validate(t, &err) != ARMJIT_OK) fail_msg("validate: %s", err.msg);
}

/* Run with inputs; returns the frame (caller frees). */
static armjit_frame *run(fixture *fx, armjit_trace *t, const armjit_value *in) {
  validate(t);
  return irs_run(fx->ctx, t, in, 0);
}

/* ---- fields ------------------------------------------------------------------ */
static int field_descr(armjit_trace *t, const vkind *k, int32_t off) {
  armjit_field_descr d = {off, k->size, k->sign, k->type};
  return armjit_descr_field(t, &d);
}

static void test_getfield(void **state) {
  fixture *fx = *state;
  const armjit_opcode ops[] = {ARMJIT_OP_GETFIELD_GC, ARMJIT_OP_GETFIELD_RAW};
  unsigned n = 0;
  for (unsigned o = 0; o < 2; o++)
    for (unsigned k = 0; k < NKINDS; k++)
      for (unsigned j = 0; j < NOFF; j++) {
        const vkind *vk = &kinds[k];
        int32_t off = aligned(raw_offsets[j], width(vk));
        armjit_trace *t = new_trace(fx);
        armjit_val p = armjit_input(t, ARMJIT_REF);
        armjit_val v = armjit_op_descr(t, ops[o], &p, 1, field_descr(t, vk, off));
        armjit_finish(t, &v, 1);
        for (unsigned q = 0; q < NPAT; q++) {
          refresh(fx, off, width(vk), q + 7 * j);
          poke(fx, off, &patterns[q], width(vk));
          armjit_value in[1] = {irs_r((uintptr_t)fx->p)};
          armjit_frame *f = run(fx, t, in);
          char what[96];
          snprintf(what, sizeof what, "%s %s offset %d pattern %u", o ? "raw" : "gc", vk->name,
                   off, q);
          assert_value(vk->type, f->values[0], c_read(vk, fx->p + off), what);
          assert_near(fx, what, off); /* loads write nothing */
          armjit_frame_free(fx->ctx, f);
          n++;
        }
        armjit_trace_free(t);
      }
  printf("getfield: %u runs\n", n);
}

/* setfield with a variable or a constant value. */
static void test_setfield(void **state) {
  fixture *fx = *state;
  const armjit_opcode ops[] = {ARMJIT_OP_SETFIELD_GC, ARMJIT_OP_SETFIELD_RAW};
  for (unsigned o = 0; o < 2; o++)
    for (unsigned k = 0; k < NKINDS; k++)
      for (unsigned j = 0; j < NOFF; j++)
        for (unsigned q = 0; q < NPAT; q++)
          for (int cst = 0; cst < 2; cst++) {
            const vkind *vk = &kinds[k];
            int32_t off = aligned(raw_offsets[j], width(vk));
            armjit_value val = from_bits(vk, patterns[q]);
            armjit_trace *t = new_trace(fx);
            armjit_val a[2];
            a[0] = armjit_input(t, ARMJIT_REF);
            a[1] = armjit_input(t, vk->type);
            if (cst)
              a[1] = vk->type == ARMJIT_INT ? armjit_const_int(t, val.i)
                   : vk->type == ARMJIT_REF ? armjit_const_ref(t, val.r)
                                            : armjit_const_float(t, val.f);
            armjit_op_descr(t, ops[o], a, 2, field_descr(t, vk, off));
            armjit_finish(t, NULL, 0);
            refresh(fx, off, width(vk), q + 3 * j + k);
            armjit_value in[2] = {irs_r((uintptr_t)fx->p), val};
            armjit_frame *f = run(fx, t, in);
            /* A NaN constant is stored canonically (docs/ir.md §6.3). */
            if (cst && vk->type == ARMJIT_FLOAT && val.f != val.f) val.bits = UINT64_C(0x7ff8000000000000);
            c_write(vk, exp_at(fx, off), val);
            char what[96];
            snprintf(what, sizeof what, "set %s %s offset %d pattern %u%s", o ? "raw" : "gc",
                     vk->name, off, q, cst ? " (constant)" : "");
            assert_near(fx, what, off);
            armjit_frame_free(fx->ctx, f);
            armjit_trace_free(t);
          }
}

/* ---- arrays, interior fields, raw_load/raw_store ------------------------------ */
static const int32_t bases[] = {0, 8, 12, 255, -256, 4092, -4096, 70000};
static const int32_t indexes[] = {0, 1, 3, 7, -1, -5, 100, 1000};
enum { NBASE = sizeof bases / sizeof bases[0], NIDX = sizeof indexes / sizeof indexes[0] };

typedef struct {
  armjit_opcode op;
  bool store;
  int kind;            /* 0 array, 1 interior, 2 raw (index = byte offset) */
} itemop;

static const itemop itemops[] = {
    {ARMJIT_OP_GETARRAYITEM_GC, false, 0},     {ARMJIT_OP_GETARRAYITEM_RAW, false, 0},
    {ARMJIT_OP_SETARRAYITEM_GC, true, 0},      {ARMJIT_OP_SETARRAYITEM_RAW, true, 0},
    {ARMJIT_OP_GETINTERIORFIELD_GC, false, 1}, {ARMJIT_OP_SETINTERIORFIELD_GC, true, 1},
    {ARMJIT_OP_RAW_LOAD, false, 2},            {ARMJIT_OP_RAW_STORE, true, 2},
};

/* Interior layouts: item size and the field's offset inside the item. */
static uint32_t interior_item(const vkind *vk, unsigned variant) {
  static const uint32_t extra[] = {0, 4, 12, 24};
  return width(vk) + extra[variant % 4] + (variant % 4 == 3 ? 8 : 0);
}

static int array_descr_of(armjit_trace *t, const vkind *k, int32_t base) {
  armjit_array_descr d = {base, k->size, k->sign, k->type, true, -4};
  return armjit_descr_array(t, &d);
}

/* One access: object p, descriptor base `base`, index `idx` (a variable
 * input or a constant), value pattern `pat`. */
static void item_case(fixture *fx, const itemop *io, const vkind *vk, int32_t base, int32_t idx,
                      bool idx_var, uint64_t pat, unsigned variant) {
  uint32_t w = width(vk);
  armjit_trace *t = new_trace(fx);
  armjit_val a[3];
  a[0] = armjit_input(t, ARMJIT_REF);
  a[1] = idx_var ? armjit_input(t, ARMJIT_INT) : armjit_const_int(t, idx);
  a[2] = armjit_input(t, vk->type);
  intptr_t off;
  int d;
  if (io->kind == 1) {
    uint32_t item = interior_item(vk, variant);
    int32_t fofs = (int32_t)(item - w) / 2 / (int32_t)w * (int32_t)w;
    armjit_interior_descr id = {base, item, true, -8, fofs, vk->size, vk->sign, vk->type};
    d = armjit_descr_interior(t, &id);
    off = (intptr_t)base + (intptr_t)idx * item + fofs;
  } else {
    d = array_descr_of(t, vk, base);
    off = (intptr_t)base + (intptr_t)idx * (io->kind == 2 ? 1 : w);
  }
  armjit_val r = armjit_op_descr(t, io->op, a, io->store ? 3 : 2, d);
  armjit_finish(t, &r, io->store ? 0 : 1);

  refresh(fx, off, w, (uint32_t)(idx * 31 + base + variant));
  armjit_value val = from_bits(vk, pat);
  if (!io->store) poke(fx, off, &pat, w);
  armjit_value in[3] = {irs_r((uintptr_t)fx->p), irs_i(idx), val};
  if (!idx_var) in[1] = val; /* inputs: p, value */
  armjit_frame *f = run(fx, t, in);
  char what[128];
  snprintf(what, sizeof what, "%s %s base %d index %d%s (offset %ld)", op_names[io->op],
           vk->name, base, idx, idx_var ? "" : " (constant)", (long)off);
  if (io->store) c_write(vk, exp_at(fx, off), val);
  else assert_value(vk->type, f->values[0], c_read(vk, fx->p + off), what);
  assert_near(fx, what, off);
  armjit_frame_free(fx->ctx, f);
  armjit_trace_free(t);
}

static void test_items(void **state) {
  fixture *fx = *state;
  unsigned n = 0;
  for (unsigned o = 0; o < sizeof itemops / sizeof itemops[0]; o++)
    for (unsigned k = 0; k < NKINDS; k++)
      for (unsigned b = 0; b < NBASE; b++)
        for (unsigned i = 0; i < NIDX; i++) {
          const vkind *vk = &kinds[k];
          uint32_t w = width(vk);
          int32_t base = aligned(bases[b], w);
          /* raw: byte offsets that keep the access aligned */
          int32_t idx = itemops[o].kind == 2 ? indexes[i] * (int32_t)w : indexes[i];
          uint64_t pat = patterns[(b + i + k) % NPAT];
          item_case(fx, &itemops[o], vk, base, idx, (b + i) % 2 == 0, pat, b + i);
          item_case(fx, &itemops[o], vk, base, idx, (b + i) % 2 != 0, patterns[(i + 1) % NPAT],
                    b + i + 1);
          n += 2;
        }
  printf("array/interior/raw items: %u runs\n", n);
}

/* ---- lengths ---------------------------------------------------------------- */
static void test_lengths(void **state) {
  fixture *fx = *state;
  static const int32_t len_offsets[] = {-4, 0, 4, 8, 252, -256, 4092, -4096, 70000};
  static const int32_t lens[] = {0, 1, 255, 65536, -1, INT32_MAX, INT32_MIN};
  for (unsigned j = 0; j < sizeof len_offsets / sizeof len_offsets[0]; j++)
    for (unsigned which = 0; which < 4; which++) {
      int32_t lo = len_offsets[j];
      armjit_trace *t = new_trace(fx);
      armjit_val p = armjit_input(t, ARMJIT_REF);
      int d;
      armjit_opcode op = ARMJIT_OP_ARRAYLEN_GC;
      if (which == 0) {
        armjit_array_descr ad = {16, 4, false, ARMJIT_INT, true, lo};
        d = armjit_descr_array(t, &ad);
      } else if (which == 1) {
        armjit_interior_descr id = {16, 12, true, lo, 4, 4, false, ARMJIT_INT};
        d = armjit_descr_interior(t, &id);
      } else {
        armjit_str_descr sd = {16, which == 2 ? 1u : 2u, lo};
        d = which == 2 ? armjit_descr_str(t, &sd) : armjit_descr_unicode(t, &sd);
        op = which == 2 ? ARMJIT_OP_STRLEN : ARMJIT_OP_UNICODELEN;
      }
      armjit_val v = armjit_op_descr(t, op, &p, 1, d);
      armjit_finish(t, &v, 1);
      for (unsigned l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        refresh(fx, lo, 4, l + j);
        poke(fx, lo, &lens[l], 4);
        armjit_value in[1] = {irs_r((uintptr_t)fx->p)};
        armjit_frame *f = run(fx, t, in);
        int32_t want;
        memcpy(&want, fx->p + lo, 4);
        if (f->values[0].i != want)
          fail_msg("%s len offset %d: got %d, want %d", op_names[op], lo, f->values[0].i, want);
        assert_near(fx, op_names[op], lo);
        armjit_frame_free(fx->ctx, f);
      }
      armjit_trace_free(t);
    }
}

/* ---- strings ---------------------------------------------------------------- */
/* strgetitem/unicodegetitem zero-extend; the set ops store the low bytes. */
static void test_string_items(void **state) {
  fixture *fx = *state;
  static const uint32_t items[] = {1, 2, 4};
  static const int32_t str_bases[] = {12, 0, 255, -256, 4095, -4096};
  static const int32_t idxs[] = {0, 1, 5, 100, -3};
  static const int32_t chars[] = {0, 'A', 0x7f, 0x80, 0xff, 0x1234, 0xffff, 0x10ffff, -1,
                                  (int32_t)0x80000000};
  for (unsigned it = 0; it < 3; it++)
    for (unsigned b = 0; b < sizeof str_bases / sizeof str_bases[0]; b++)
      for (unsigned i = 0; i < sizeof idxs / sizeof idxs[0]; i++)
        for (int set = 0; set < 2; set++) {
          uint32_t item = items[it];
          int32_t base = aligned(str_bases[b], item);
          armjit_trace *t = new_trace(fx);
          armjit_val a[3];
          a[0] = armjit_input(t, ARMJIT_REF);
          a[1] = (i % 2) ? armjit_const_int(t, idxs[i]) : armjit_input(t, ARMJIT_INT);
          a[2] = armjit_input(t, ARMJIT_INT);
          armjit_str_descr sd = {base, item, 8};
          int d = item == 1 ? armjit_descr_str(t, &sd) : armjit_descr_unicode(t, &sd);
          armjit_opcode op = item == 1 ? (set ? ARMJIT_OP_STRSETITEM : ARMJIT_OP_STRGETITEM)
                                       : (set ? ARMJIT_OP_UNICODESETITEM
                                              : ARMJIT_OP_UNICODEGETITEM);
          armjit_val r = armjit_op_descr(t, op, a, set ? 3 : 2, d);
          armjit_finish(t, &r, set ? 0 : 1);
          intptr_t off = (intptr_t)base + (intptr_t)idxs[i] * item;
          for (unsigned c = 0; c < sizeof chars / sizeof chars[0]; c++) {
            refresh(fx, off, item, c + 5 * i + b);
            uint32_t ch = (uint32_t)chars[c];
            if (!set) poke(fx, off, &ch, item); /* little-endian: the low bytes */
            armjit_value in[3] = {irs_r((uintptr_t)fx->p), irs_i(idxs[i]), irs_i(chars[c])};
            if (i % 2) in[1] = in[2];
            armjit_frame *f = run(fx, t, in);
            char what[96];
            snprintf(what, sizeof what, "%s item %u base %d index %d char 0x%x", op_names[op],
                     item, base, idxs[i], ch);
            if (set) {
              uint8_t b8 = (uint8_t)ch;
              uint16_t b16 = (uint16_t)ch;
              if (item == 1) memcpy(exp_at(fx, off), &b8, 1);
              else if (item == 2) memcpy(exp_at(fx, off), &b16, 2);
              else memcpy(exp_at(fx, off), &ch, 4);
            } else {
              int32_t want = item == 1 ? (int32_t)*(uint8_t *)(fx->p + off) : 0;
              if (item == 2) { uint16_t h; memcpy(&h, fx->p + off, 2); want = h; }
              if (item == 4) memcpy(&want, fx->p + off, 4);
              if (f->values[0].i != want) fail_msg("%s: got 0x%x", what, f->values[0].i);
            }
            assert_near(fx, what, off);
            armjit_frame_free(fx->ctx, f);
          }
          armjit_trace_free(t);
        }
}

/* copystrcontent(src, dst, srcstart, dststart, length): memmove of length
 * characters, overlapping ranges included; length <= 0 copies nothing. */
static void test_copy(void **state) {
  fixture *fx = *state;
  static const int32_t starts[][2] = {{0, 0}, {0, 100}, {100, 0}, {3, 5}, {5, 3}, {0, 1}, {1, 0}};
  static const int32_t lens[] = {0, 1, 2, 7, 64, 1000, -1, -100};
  for (unsigned it = 0; it < 3; it++)
    for (unsigned s = 0; s < sizeof starts / sizeof starts[0]; s++)
      for (unsigned l = 0; l < sizeof lens / sizeof lens[0]; l++)
        for (int same = 0; same < 2; same++) {
          uint32_t item = it == 0 ? 1u : it == 1 ? 2u : 4u;
          armjit_trace *t = new_trace(fx);
          armjit_val a[5];
          a[0] = armjit_input(t, ARMJIT_REF);
          a[1] = armjit_input(t, ARMJIT_REF);
          a[2] = armjit_input(t, ARMJIT_INT);
          a[3] = (l % 2) ? armjit_const_int(t, starts[s][1]) : armjit_input(t, ARMJIT_INT);
          a[4] = (s % 2) ? armjit_const_int(t, lens[l]) : armjit_input(t, ARMJIT_INT);
          armjit_str_descr sd = {12, item, 8};
          int d = item == 1 ? armjit_descr_str(t, &sd) : armjit_descr_unicode(t, &sd);
          armjit_opcode op = item == 1 ? ARMJIT_OP_COPYSTRCONTENT : ARMJIT_OP_COPYUNICODECONTENT;
          armjit_op_descr(t, op, a, 5, d);
          armjit_finish(t, NULL, 0);
          noise(fx, -64, 4200, s * 8 + l);
          noise(fx, 20000 - 64, 24200, s * 8 + l + 1);
          uint8_t *src = fx->p, *dst = same ? fx->p : fx->p + 20000;
          armjit_value in[5] = {irs_r((uintptr_t)src), irs_r((uintptr_t)dst), irs_i(starts[s][0]),
                                irs_i(starts[s][1]), irs_i(lens[l])};
          /* inputs are declared in order; constants take no slot */
          armjit_value packed[5];
          unsigned np = 0;
          for (unsigned k = 0; k < 5; k++)
            if (!((k == 3 && (l % 2)) || (k == 4 && (s % 2)))) packed[np++] = in[k];
          armjit_frame *f = run(fx, t, packed);
          if (lens[l] > 0)
            memmove(exp_at(fx, (dst - fx->p) + 12 + (intptr_t)starts[s][1] * item),
                    exp_at(fx, 12 + (intptr_t)starts[s][0] * item), (size_t)lens[l] * item);
          char what[96];
          snprintf(what, sizeof what, "%s item %u src %d dst %d len %d%s", op_names[op], item,
                   starts[s][0], starts[s][1], lens[l], same ? " (same string)" : "");
          assert_buffers(fx, what);
          armjit_frame_free(fx->ctx, f);
          armjit_trace_free(t);
        }
}

/* ---- the same through the text form -------------------------------------------- */
static void test_text(void **state) {
  fixture *fx = *state;
  const char *text =
      "descr B = field(offset=-255, size=1, signed, int)\n"
      "descr H = field(offset=4094, size=2, int)\n"
      "descr W = field(offset=-4096, size=4, int)\n"
      "descr D = field(offset=1016, size=8, float)\n"
      "descr P = field(offset=70000, ref)\n"
      "descr A = array(base=8, item=2, signed, int, len=-4)\n"
      "descr I = interior(base=16, item=24, len=4, offset=8, size=8, float)\n"
      "descr S = str(base=12, item=1, len=8)\n"
      "[p0, i1]\n"
      "i2 = getfield_gc(p0, descr=B)\n"
      "i3 = getfield_raw(p0, descr=H)\n"
      "i4 = getfield_gc(p0, descr=W)\n"
      "f5 = getfield_gc(p0, descr=D)\n"
      "p6 = getfield_gc(p0, descr=P)\n"
      "i7 = getarrayitem_gc(p0, i1, descr=A)\n"
      "i8 = arraylen_gc(p0, descr=A)\n"
      "f9 = getinteriorfield_gc(p0, i1, descr=I)\n"
      "setfield_gc(p0, i7, descr=W)\n"
      "setarrayitem_gc(p0, 2, i2, descr=A)\n"
      "setinteriorfield_gc(p0, -1, f5, descr=I)\n"
      "i10 = strgetitem(p0, i1, descr=S)\n"
      "strsetitem(p0, 0, i10, descr=S)\n"
      "finish(i2, i3, i4, f5, p6, i7, i8, f9, i10)\n";
  armjit_trace *t = irs_roundtrip(fx->ctx, text);
  noise(fx, -BUF / 2, BUF / 2, 99);
  armjit_value in[2] = {irs_r((uintptr_t)fx->p), irs_i(3)};
  armjit_frame *f = run(fx, t, in);
  uint8_t *p = exp_at(fx, 0); /* the buffer as it was before the run */
  int8_t b;
  uint16_t h;
  int32_t w, len;
  double dbl, fi;
  uintptr_t r;
  int16_t a3;
  memcpy(&b, p - 255, 1);
  memcpy(&h, p + 4094, 2);
  memcpy(&w, p - 4096, 4);
  memcpy(&dbl, p + 1016, 8);
  memcpy(&r, p + 70000, sizeof r);
  memcpy(&a3, p + 8 + 3 * 2, 2);
  memcpy(&len, p - 4, 4);
  memcpy(&fi, p + 16 + 3 * 24 + 8, 8);
  uint8_t c3 = p[12 + 3];
  assert_int_equal(f->values[0].i, b);
  assert_int_equal(f->values[1].i, h);
  assert_int_equal(f->values[2].i, w);
  assert_memory_equal(&f->values[3].f, &dbl, 8);
  assert_true(f->values[4].r == r);
  assert_int_equal(f->values[5].i, a3);
  assert_int_equal(f->values[6].i, len);
  assert_memory_equal(&f->values[7].f, &fi, 8);
  assert_int_equal(f->values[8].i, c3);
  /* the stores, in trace order */
  int32_t a3w = a3;
  memcpy(exp_at(fx, -4096), &a3w, 4);
  int16_t b16 = b;
  memcpy(exp_at(fx, 8 + 2 * 2), &b16, 2);
  memcpy(exp_at(fx, 16 - 24 + 8), &dbl, 8);
  *exp_at(fx, 12) = c3;
  assert_buffers(fx, "text trace stores");
  armjit_frame_free(fx->ctx, f);
  armjit_trace_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_getfield, setup, teardown),
      cmocka_unit_test_setup_teardown(test_setfield, setup, teardown),
      cmocka_unit_test_setup_teardown(test_items, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lengths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_string_items, setup, teardown),
      cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
      cmocka_unit_test_setup_teardown(test_text, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
