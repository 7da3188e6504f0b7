/* SPDX-License-Identifier: MIT */
/* Spill slot allocator (src/ra/frame.c) against an oracle: a word map of
 * the frame that the test keeps itself.  Every slot handed out must be
 * aligned, inside the frame, below the fixed area and disjoint from every
 * live slot; the frame may grow only when the oracle sees no free space of
 * the needed size inside it that the allocator may hand out, and then by
 * at most 8 bytes; a float slot is within ARM_VFP_REACH bytes of fp
 * whenever a free one is.  A word may not split a free pair within that
 * reach once the frame ends beyond it, unless the frame has grown beyond
 * LDR's reach (frame.h).  A word taken out of
 * circulation (ra_frame_keep) stays used in the oracle for good. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ra/frame.h"

enum { MAXW = 4096 };

typedef struct {
  armjit_ctx *ctx;
  ra_frame f;
  int32_t base;
  uint8_t used[MAXW]; /* oracle, by word (4 bytes) below base */
  uint8_t kept[MAXW]; /* words ra_frame_keep took: never free again */
  int32_t live_off[MAXW];
  int live_type[MAXW];
  unsigned nlive;
} fixture;

static void fx_init(fixture *x, armjit_ctx *ctx, int32_t fixed) {
  memset(x, 0, sizeof *x);
  x->ctx = ctx;
  assert_int_equal(ra_frame_init(&x->f, ctx, fixed, NULL), ARMJIT_OK);
  x->base = (fixed + 7) & ~7;
  assert_int_equal(ra_frame_size(&x->f), x->base);
}

static int slot_bytes(int type) { return type == ARMJIT_FLOAT ? 8 : 4; }
/* oracle word of the byte at fp offset off (off < -base) */
static int word_of(const fixture *x, int32_t off) { return (-off - x->base - 1) / 4; }

/* Is the 8-byte slot of words 2k, 2k+1 within VLDR's reach of fp? */
static bool pair_near(const fixture *x, int k) {
  return x->base + 8 * k + 8 <= ARM_VFP_REACH;
}

/* Is pair k (words 2k, 2k+1) inside the frame of nw words and free? */
static bool pair_free(const fixture *x, int k, int nw) {
  return 2 * k + 1 < nw && !x->used[2 * k] && !x->used[2 * k + 1];
}

/* Does the oracle see room for a slot of `type` inside the current frame
 * that the allocator may hand out (`near`: within VLDR's reach)? */
static bool room(const fixture *x, int type, bool near) {
  int nw = (ra_frame_size(&x->f) - x->base) / 4;
  bool frame_near = ra_frame_size(&x->f) <= ARM_VFP_REACH ||
                    ra_frame_size(&x->f) + 4 > ARM_WORD_REACH;
  for (int w = 0; w < nw; w++) {
    if (type != ARMJIT_FLOAT && !x->used[w] &&
        (frame_near || !pair_near(x, w / 2) || !pair_free(x, w / 2, nw)))
      return true;
    if (type == ARMJIT_FLOAT && w % 2 == 0 && pair_free(x, w / 2, nw) &&
        (!near || pair_near(x, w / 2)))
      return true;
  }
  return false;
}

static void mark(fixture *x, int32_t off, int type, uint8_t v) {
  for (int b = 0; b < slot_bytes(type); b += 4) {
    int w = word_of(x, off + b);
    assert_in_range(w, 0, MAXW - 1);
    if (v) assert_int_equal(x->used[w], 0); /* overlap with a live or kept slot */
    x->used[w] = v ? v : x->kept[w];
  }
}

static void check_slot(fixture *x, int32_t off, int type) {
  assert_true(off < 0);
  assert_int_equal(off % slot_bytes(type), 0);
  assert_true(off + slot_bytes(type) <= -x->base);
  assert_true(-off <= ra_frame_size(&x->f));
}

static int32_t fx_alloc(fixture *x, int type) {
  bool had_room = room(x, type, false), near_room = room(x, type, true);
  int32_t before = ra_frame_size(&x->f), off = 1;
  assert_int_equal(ra_frame_alloc(&x->f, type, &off, NULL), ARMJIT_OK);
  int32_t after = ra_frame_size(&x->f);
  assert_int_equal(after % 8, 0);
  if (had_room) assert_int_equal(after, before);
  else assert_true(after > before && after <= before + 8);
  check_slot(x, off, type);
  if (type == ARMJIT_FLOAT && near_room) assert_true(-off <= ARM_VFP_REACH);
  mark(x, off, type, 1);
  x->live_off[x->nlive] = off;
  x->live_type[x->nlive++] = type;
  return off;
}

static void fx_release(fixture *x, unsigned i) {
  assert_int_equal(ra_frame_release(&x->f, x->live_off[i], x->live_type[i], NULL), ARMJIT_OK);
  mark(x, x->live_off[i], x->live_type[i], 0);
  x->live_off[i] = x->live_off[--x->nlive];
  x->live_type[i] = x->live_type[x->nlive];
}

static void fx_release_off(fixture *x, int32_t off) {
  for (unsigned i = 0; i < x->nlive; i++)
    if (x->live_off[i] == off) {
      fx_release(x, i);
      return;
    }
  fail_msg("no live slot at fp%d", (int)off);
}

static void fx_keep(fixture *x, int32_t off) {
  assert_int_equal(ra_frame_keep(&x->f, off, NULL), ARMJIT_OK);
  assert_true(ra_frame_size(&x->f) >= -off);
  int w = word_of(x, off);
  assert_in_range(w, 0, MAXW - 1);
  x->kept[w] = x->used[w] = 1;
}

static armjit_ctx *new_ctx(void) {
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  assert_non_null(ctx);
  return ctx;
}

static void test_basic(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  static fixture x;
  fx_init(&x, ctx, 12); /* rounded to 16 */
  int32_t a = fx_alloc(&x, ARMJIT_INT);
  int32_t d = fx_alloc(&x, ARMJIT_FLOAT); /* leaves a 4-byte hole */
  int32_t b = fx_alloc(&x, ARMJIT_REF);   /* takes the hole */
  assert_int_equal(ra_frame_size(&x.f), x.base + 16);
  /* a released float slot is reused by the next float */
  fx_release_off(&x, d);
  assert_int_equal(fx_alloc(&x, ARMJIT_FLOAT), d);
  /* two released halves of a pair merge into a float slot */
  fx_release_off(&x, a);
  fx_release_off(&x, b);
  int32_t size = ra_frame_size(&x.f);
  fx_alloc(&x, ARMJIT_FLOAT);
  assert_int_equal(ra_frame_size(&x.f), size);
  ra_frame_fini(&x.f);

  /* kept words are not handed out again, even after their holder gives
   * them back; the other half of a kept pair still is */
  fx_init(&x, ctx, 0);
  int32_t k = fx_alloc(&x, ARMJIT_FLOAT);
  fx_keep(&x, k);
  fx_release_off(&x, k);
  int32_t w = fx_alloc(&x, ARMJIT_INT);
  assert_int_equal(w, k + 4);
  assert_int_equal(ra_frame_reserve(&x.f, k, ARMJIT_INT, NULL), ARMJIT_E_ARG);
  assert_true(fx_alloc(&x, ARMJIT_FLOAT) < k); /* a new pair */
  fx_keep(&x, -64);                            /* beyond the frame: grows it */
  assert_int_equal(ra_frame_size(&x.f), 64);
  assert_int_equal(ra_frame_keep(&x.f, -62, NULL), ARMJIT_E_ARG);
  ra_frame_fini(&x.f);
  armjit_ctx_free(ctx);
}

/* Reach: a double takes a free pair within VLDR's reach; a word splits
 * such a pair only while the frame is within that reach or has grown
 * beyond LDR's (else the frame grows). */
static void test_reach(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  static fixture x;
  for (int big = 0; big < 2; big++) {
    fx_init(&x, ctx, 0);
    int words = big ? 1040 : 300;  /* 4,160 or 1,200 bytes */
    for (int i = 0; i < words; i++) fx_alloc(&x, ARMJIT_INT);
    fx_release_off(&x, -4);
    fx_release_off(&x, -8);
    int32_t size = ra_frame_size(&x.f);
    int32_t d = fx_alloc(&x, ARMJIT_FLOAT);
    assert_int_equal(d, -8);
    fx_release_off(&x, d);
    int32_t w = fx_alloc(&x, ARMJIT_INT);
    if (big) {
      assert_true(w == -4 || w == -8);
      assert_int_equal(ra_frame_size(&x.f), size);
    } else {
      assert_true(-w > ARM_VFP_REACH);
      assert_true(ra_frame_size(&x.f) > size);
    }
    ra_frame_fini(&x.f);
  }
  armjit_ctx_free(ctx);
}

static void test_misuse(void **state) {
  (void)state;
  armjit_ctx *ctx = new_ctx();
  static fixture x;
  armjit_error err;
  fx_init(&x, ctx, 8);
  int32_t i0 = fx_alloc(&x, ARMJIT_INT), f0 = fx_alloc(&x, ARMJIT_FLOAT);
  int32_t junk;
  assert_int_equal(ra_frame_alloc(&x.f, ARMJIT_VOID, &junk, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_release(&x.f, i0, ARMJIT_FLOAT, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_release(&x.f, f0, ARMJIT_INT, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_release(&x.f, f0 + 4, ARMJIT_INT, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_release(&x.f, i0 + 2, ARMJIT_INT, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_release(&x.f, -4, ARMJIT_INT, &err), ARMJIT_E_ARG); /* fixed */
  assert_int_equal(ra_frame_release(&x.f, -4000, ARMJIT_INT, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_release(&x.f, i0, ARMJIT_VOID, &err), ARMJIT_E_ARG);
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_true(strlen(err.msg) > 0);
  fx_release(&x, 0);
  assert_int_equal(ra_frame_release(&x.f, i0, ARMJIT_INT, &err), ARMJIT_E_ARG); /* twice */
  assert_int_equal(ra_frame_reserve(&x.f, f0, ARMJIT_FLOAT, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_reserve(&x.f, f0 + 4, ARMJIT_FLOAT, &err), ARMJIT_E_ARG);
  assert_int_equal(ra_frame_reserve(&x.f, -(RA_FRAME_LIMIT + 8), ARMJIT_INT, &err),
                   ARMJIT_E_LIMIT);
  ra_frame f2;
  assert_int_equal(ra_frame_init(&f2, ctx, -1, &err), ARMJIT_E_ARG);
  ra_frame_fini(&f2);
  ra_frame_fini(&x.f);
  armjit_ctx_free(ctx);
}

/* Random alloc/release/reserve sequences checked against the oracle. */
static void test_random(void **state) {
  (void)state;
  const char *e = getenv("ARMJIT_SEED");
  uint64_t seed = e ? strtoull(e, NULL, 0) : (uint64_t)ARMJIT_RANDOM_SEED;
  printf("frame slots random: seed %llu (set ARMJIT_SEED to replay)\n",
         (unsigned long long)seed);
  uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
#define RND(n) ((s = s * 6364136223846793005ull + 1442695040888963407ull), \
                (unsigned)((s >> 33) % (n)))
  armjit_ctx *ctx = new_ctx();
  static fixture x;
  for (int round = 0; round < 200; round++) {
    fx_init(&x, ctx, (int32_t)RND(5) * 4);
    unsigned pfloat = RND(101), pfree = 20 + RND(40);
    for (int step = 0; step < 400; step++) {
      unsigned roll = RND(100);
      if (roll < pfree && x.nlive) {
        fx_release(&x, RND(x.nlive));
      } else if (roll < pfree + 5) {
        /* reserve a random position; it must work exactly when the oracle
         * says the words are free */
        int type = RND(2) ? ARMJIT_FLOAT : ARMJIT_INT;
        int w = (int)RND(64);
        if (type == ARMJIT_FLOAT) w |= 1;
        int32_t off = -(x.base + 4 * w + 4);
        bool free_ = !x.used[w] && (type != ARMJIT_FLOAT || !x.used[w - 1]);
        armjit_status st = ra_frame_reserve(&x.f, off, type, NULL);
        assert_int_equal(st, free_ ? ARMJIT_OK : ARMJIT_E_ARG);
        assert_true(ra_frame_size(&x.f) >= -off);
        if (free_) {
          check_slot(&x, off, type);
          mark(&x, off, type, 1);
          x.live_off[x.nlive] = off;
          x.live_type[x.nlive++] = type;
        }
      } else if (roll < pfree + 7) {
        fx_keep(&x, -(x.base + 4 * (int)RND(64) + 4)); /* free or live */
      } else {
        fx_alloc(&x, RND(100) < pfloat ? ARMJIT_FLOAT : (RND(2) ? ARMJIT_INT : ARMJIT_REF));
      }
      assert_true(x.nlive < MAXW / 4);
    }
    ra_frame_fini(&x.f);
  }
  armjit_ctx_free(ctx);
}

/* Allocation failure inside the slot lists is reported, never fatal. */
typedef struct {
  size_t budget;
} budget;
static void *b_alloc(void *ud, size_t n) {
  budget *b = ud;
  if (n > b->budget) return NULL;
  b->budget -= n;
  return malloc(n);
}
static void *b_realloc(void *ud, void *p, size_t n) {
  budget *b = ud;
  if (n > b->budget) return NULL;
  b->budget -= n;
  return realloc(p, n);
}
static void b_free(void *ud, void *p) {
  (void)ud;
  free(p);
}

static void test_nomem(void **state) {
  (void)state;
  budget b = {4096};
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.alloc = b_alloc;
  o.realloc = b_realloc;
  o.free = b_free;
  o.ud = &b;
  armjit_ctx *ctx = armjit_ctx_new(&o, NULL);
  assert_non_null(ctx);
  ra_frame f;
  armjit_error err;
  assert_int_equal(ra_frame_init(&f, ctx, 0, &err), ARMJIT_OK);
  armjit_status st = ARMJIT_OK;
  int32_t off;
  for (int i = 0; i < 100000 && st == ARMJIT_OK; i++)
    st = ra_frame_alloc(&f, i % 3 ? ARMJIT_INT : ARMJIT_FLOAT, &off, &err);
  assert_int_equal(st, ARMJIT_E_NOMEM);
  assert_int_equal(err.code, ARMJIT_E_NOMEM);
  ra_frame_fini(&f);
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic),
      cmocka_unit_test(test_reach),
      cmocka_unit_test(test_misuse),
      cmocka_unit_test(test_random),
      cmocka_unit_test(test_nomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
