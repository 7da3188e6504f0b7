/* SPDX-License-Identifier: MIT */
/* Parallel move resolver, checked on a model machine: core registers,
 * d registers (whose halves are the s registers: s2k is the low word of
 * dk) and a byte-addressed stack start with distinct values, the
 * resolver's output runs on it one move at a time, and then every dst must
 * hold its src's ORIGINAL value while everything that is neither a dst nor
 * a scratch register (ip, lr, d15 and its halves) is unchanged.  Register
 * pairs (i64 in rN:rN+1) and s registers (f32) take part with every
 * overlap the contract allows.  The model also rejects any primitive form
 * the resolver promises never to emit.
 *
 * Random cases use ARMJIT_RANDOM_SEED (or $ARMJIT_SEED); the seed is
 * printed so a failure can be replayed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ra/pmove.h"

/* ---- model machine ---------------------------------------------------------- */
enum { STACK_BYTES = 16384 };  /* offsets [-STACK_BYTES, 0) */

typedef struct {
  uint32_t r[16];
  uint64_t d[32];
  uint8_t stack[STACK_BYTES];
} machine;

static uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* Distinct contents everywhere (and constants unlike any of them). */
static void machine_init(machine *m) {
  for (unsigned i = 0; i < 16; i++) m->r[i] = 0x10000000u + i;
  for (unsigned i = 0; i < 32; i++) m->d[i] = 0x2000000000000000ull + mix64(i);
  for (unsigned i = 0; i < STACK_BYTES / 4; i++) {
    uint32_t v = 0x30000000u + i;
    memcpy(m->stack + 4 * i, &v, 4);
  }
}

/* 8-byte constants (FLOAT, I64) have 64 bits, the others one word; a part
 * is one word of the 64-bit value. */
static uint64_t const_value(int32_t k, int type, int part) {
  uint64_t v = mix64(0xc057c057ull + (uint64_t)k);
  if (part) return (uint32_t)(v >> (part == RA_PART_HI ? 32 : 0));
  return ra_type_size(type) == 8 ? v : (uint32_t)(0xc0000000u | (uint32_t)(v & 0xfffffff));
}

static bool is_float(int type) { return ra_type_is_float(type); }

/* Checks that l is a well-typed storage location of the model. */
static void check_storage(ra_loc l) {
  assert_true(l.type == ARMJIT_INT || l.type == ARMJIT_REF || l.type == ARMJIT_FLOAT ||
              l.type == ARM_TY_I64 || l.type == ARM_TY_F32);
  if (l.kind != LOC_CONST) assert_int_equal(l.part, 0);
  switch (l.kind) {
  case LOC_REG:
    assert_false(is_float(l.type));
    assert_in_range(l.n, 0, l.type == ARM_TY_I64 ? 14 : 15);
    break;
  case LOC_VREG: assert_true(is_float(l.type)); assert_in_range(l.n, 0, 31); break;
  case LOC_STACK:
    assert_true(l.n % 4 == 0);
    assert_true(l.n >= -STACK_BYTES && l.n + ra_type_size(l.type) <= 0);
    break;
  case LOC_CONST: assert_true(l.n >= 0); assert_in_range(l.part, 0, 2); break;
  default: fail_msg("bad location kind %d", l.kind);
  }
}

static uint64_t mread(const machine *m, ra_loc l) {
  uint64_t v = 0;
  switch (l.kind) {
  case LOC_REG:
    if (l.type == ARM_TY_I64) return m->r[l.n] | (uint64_t)m->r[l.n + 1] << 32;
    return m->r[l.n];
  case LOC_VREG:
    if (l.type == ARM_TY_F32) return (uint32_t)(m->d[l.n / 2] >> (32 * (l.n & 1)));
    return m->d[l.n];
  case LOC_STACK:
    memcpy(&v, m->stack + STACK_BYTES + l.n, (size_t)ra_type_size(l.type));
    return v;
  case LOC_CONST: return const_value(l.n, l.type, l.part);
  default: fail_msg("read of bad location"); return 0;
  }
}

static void mwrite(machine *m, ra_loc l, uint64_t v) {
  switch (l.kind) {
  case LOC_REG:
    m->r[l.n] = (uint32_t)v;
    if (l.type == ARM_TY_I64) m->r[l.n + 1] = (uint32_t)(v >> 32);
    break;
  case LOC_VREG:
    if (l.type == ARM_TY_F32) {
      unsigned sh = 32 * (unsigned)(l.n & 1);
      m->d[l.n / 2] = (m->d[l.n / 2] & ~(0xffffffffull << sh)) | (uint64_t)(uint32_t)v << sh;
    } else {
      m->d[l.n] = v;
    }
    break;
  case LOC_STACK: memcpy(m->stack + STACK_BYTES + l.n, &v, (size_t)ra_type_size(l.type)); break;
  default: fail_msg("write to bad location");
  }
}

/* One primitive move, only in the forms the resolver promises. */
static void mexec(machine *m, const ra_move *mv) {
  ra_loc d = mv->dst, s = mv->src;
  check_storage(d);
  check_storage(s);
  assert_int_equal(is_float(d.type), is_float(s.type));
  assert_int_equal(ra_type_size(d.type), ra_type_size(s.type));
  /* pairs are always moved as words */
  if (d.type == ARM_TY_I64 || s.type == ARM_TY_I64) fail_msg("pair in the output");
  bool ok = (d.kind == LOC_REG || d.kind == LOC_VREG) ||
            (d.kind == LOC_STACK && (s.kind == LOC_REG || s.kind == LOC_VREG));
  if (!ok) fail_msg("forbidden primitive move kind %d <- kind %d", d.kind, s.kind);
  mwrite(m, d, mread(m, s));
}

/* The number of moves after the resolver's splits (pmove.h): an I64 move
 * counts twice, and so does a FLOAT move outside d16-d31 in a set with an
 * I64 or F32 move. */
static unsigned split_count(const ra_move *mv, unsigned n) {
  bool narrow = false;
  for (unsigned i = 0; i < n; i++)
    if (mv[i].dst.type == ARM_TY_I64 || mv[i].dst.type == ARM_TY_F32) narrow = true;
  unsigned c = 0;
  for (unsigned i = 0; i < n; i++) {
    ra_loc d = mv[i].dst, s = mv[i].src;
    bool hi_d = (d.kind == LOC_VREG && d.n >= 16) || (s.kind == LOC_VREG && s.n >= 16);
    c += d.type == ARM_TY_I64 || (d.type == ARMJIT_FLOAT && narrow && !hi_d) ? 2 : 1;
  }
  return c;
}

/* Resolve, run on the model, check values, clobbers, constants-last and
 * the size bound.  Returns the number of primitive moves. */
static unsigned run_case(const ra_move *mv, unsigned n) {
  unsigned cap = RA_PMOVE_CAP(n);
  ra_move *out = calloc(cap ? cap : 1, sizeof *out);
  assert_non_null(out);
  unsigned nout = 12345;
  const char *why = NULL;
  int bad = -2;
  bool ok = ra_pmove_resolve_ex(mv, n, out, &nout, cap, &why, &bad);
  if (!ok) fail_msg("resolver rejected valid input: %s (move %d)", why, bad);
  assert_true(nout <= 4 * split_count(mv, n));
  if (split_count(mv, n) == n) assert_true(nout <= 4 * n);

  static machine m0, m;  /* large: keep off the stack (tests only) */
  machine_init(&m0);
  m = m0;
  bool const_seen = false;
  for (unsigned i = 0; i < nout; i++) {
    const ra_move *o = &out[i];
    if (o->src.kind == LOC_CONST) {
      const_seen = true;
    } else if (const_seen) {
      /* after the first constant only stores of a loaded constant */
      bool store = o->dst.kind == LOC_STACK &&
                   ((o->src.kind == LOC_REG && o->src.n == ARM_SCRATCH1) ||
                    ra_loc_same(o->src, ra_vreg(ARM_DSCRATCH)) ||
                    ra_loc_same(o->src, ra_sreg(ARM_SSCRATCH)));
      if (!store) fail_msg("move %u after the constant loads", i);
    }
    mexec(&m, o);
  }

  /* every dst has its src's original value */
  bool rdst[16] = {0}, vdst[64] = {0}; /* vdst per s-sized unit */
  static bool sdst[STACK_BYTES];
  memset(sdst, 0, sizeof sdst);
  for (unsigned i = 0; i < n; i++) {
    uint64_t want = mread(&m0, mv[i].src), got = mread(&m, mv[i].dst);
    if (want != got)
      fail_msg("move %u (kind %d n %d <- kind %d n %d): got %llx want %llx", i,
               mv[i].dst.kind, mv[i].dst.n, mv[i].src.kind, mv[i].src.n,
               (unsigned long long)got, (unsigned long long)want);
    ra_loc d = mv[i].dst;
    int32_t lo, hi;
    ra_loc_units(d, &lo, &hi);
    if (d.kind == LOC_REG) for (int32_t u = lo; u < hi; u++) rdst[u] = true;
    else if (d.kind == LOC_VREG) for (int32_t u = lo; u < hi; u++) vdst[u] = true;
    else
      for (int b = 0; b < ra_type_size(d.type); b++) sdst[STACK_BYTES + d.n + b] = true;
  }
  /* nothing else changed but the scratch registers */
  for (unsigned r = 0; r < 16; r++)
    if (!rdst[r] && r != ARM_SCRATCH1 && r != ARM_SCRATCH2 && m.r[r] != m0.r[r])
      fail_msg("r%u clobbered", r);
  for (unsigned u = 0; u < 64; u++)
    if (!vdst[u] && u / 2 != ARM_DSCRATCH &&
        (uint32_t)(m.d[u / 2] >> (32 * (u & 1))) != (uint32_t)(m0.d[u / 2] >> (32 * (u & 1))))
      fail_msg("%s%u clobbered", u < 32 ? "s" : "upper half of d", u < 32 ? u : u / 2);
  for (unsigned b = 0; b < STACK_BYTES; b++)
    if (!sdst[b] && m.stack[b] != m0.stack[b])
      fail_msg("stack byte at fp%d clobbered", (int)b - STACK_BYTES);
  free(out);
  return nout;
}

static ra_move mv(ra_loc dst, ra_loc src) {
  ra_move m = {dst, src};
  return m;
}
#define I ARMJIT_INT
#define F ARMJIT_FLOAT
#define RUN(arr) run_case(arr, (unsigned)(sizeof(arr) / sizeof(arr[0])))

/* Number of output moves that write a scratch register. */
static unsigned scratch_writes(const ra_move *mv0, unsigned n) {
  unsigned cap = RA_PMOVE_CAP(n), nout = 0, c = 0;
  ra_move *out = calloc(cap ? cap : 1, sizeof *out);
  assert_non_null(out);
  assert_true(ra_pmove_resolve(mv0, n, out, &nout, cap));
  for (unsigned i = 0; i < nout; i++) {
    ra_loc d = out[i].dst;
    if ((d.kind == LOC_REG && (d.n == ARM_SCRATCH1 || d.n == ARM_SCRATCH2)) ||
        ra_loc_eq(d, ra_vreg(ARM_DSCRATCH)))
      c++;
  }
  free(out);
  return c;
}

/* ---- fixed cases -------------------------------------------------------------- */
static void test_empty(void **state) {
  (void)state;
  unsigned nout = 7;
  assert_true(ra_pmove_resolve(NULL, 0, NULL, &nout, 0));
  assert_int_equal(nout, 0);
  ra_move out[4];
  assert_true(ra_pmove_resolve(NULL, 0, out, &nout, 4));
  assert_int_equal(nout, 0);
}

static void test_identity(void **state) {
  (void)state;
  ra_move m[] = {mv(ra_reg(3, I), ra_reg(3, ARMJIT_REF)), mv(ra_vreg(7), ra_vreg(7)),
                 mv(ra_stack(-8, I), ra_stack(-8, I)), mv(ra_stack(-24, F), ra_stack(-24, F))};
  assert_int_equal(RUN(m), 0);
}

static void test_chains(void **state) {
  (void)state;
  /* r0 <- r1 <- ... <- r9 and the same through stack slots and d regs:
   * no cycle, so one primitive move each (stack->stack costs two) */
  ra_move m[10];
  for (int i = 0; i < 9; i++) m[i] = mv(ra_reg(i, I), ra_reg(i + 1, I));
  m[9] = mv(ra_reg(9, I), ra_stack(-4, I));
  assert_int_equal(RUN(m), 10);
  ra_move f[] = {mv(ra_vreg(0), ra_vreg(1)), mv(ra_vreg(1), ra_stack(-16, F)),
                 mv(ra_stack(-16, F), ra_stack(-32, F)), mv(ra_stack(-32, F), ra_vreg(20))};
  assert_int_equal(RUN(f), 5);
  assert_int_equal(scratch_writes(f, 4), 1);
}

static void test_swaps(void **state) {
  (void)state;
  ra_move a[] = {mv(ra_reg(0, I), ra_reg(1, I)), mv(ra_reg(1, I), ra_reg(0, I))};
  assert_int_equal(RUN(a), 3);
  ra_move b[] = {mv(ra_vreg(2), ra_vreg(30)), mv(ra_vreg(30), ra_vreg(2))};
  assert_int_equal(RUN(b), 3);
  ra_move c[] = {mv(ra_stack(-4, I), ra_stack(-12, ARMJIT_REF)),
                 mv(ra_stack(-12, ARMJIT_REF), ra_stack(-4, I))};
  RUN(c);
  ra_move d[] = {mv(ra_stack(-8, F), ra_stack(-40, F)), mv(ra_stack(-40, F), ra_stack(-8, F))};
  RUN(d);
  ra_move e[] = {mv(ra_reg(5, I), ra_stack(-4, I)), mv(ra_stack(-4, I), ra_reg(5, I))};
  assert_int_equal(RUN(e), 3);
  ra_move g[] = {mv(ra_vreg(5), ra_stack(-16, F)), mv(ra_stack(-16, F), ra_vreg(5))};
  assert_int_equal(RUN(g), 3);
}

static void test_rotation_regs(void **state) {
  (void)state;
  ra_move m[10];
  for (int i = 0; i < 10; i++) m[i] = mv(ra_reg(i, I), ra_reg((i + 1) % 10, I));
  assert_int_equal(RUN(m), 11);  /* one cycle: one extra move */
  assert_int_equal(scratch_writes(m, 10), 1);
  ra_move f[10];
  for (int i = 0; i < 10; i++) f[i] = mv(ra_vreg(16 + i), ra_vreg(16 + (i + 9) % 10));
  assert_int_equal(RUN(f), 11);
}

static void test_rotation_stack(void **state) {
  (void)state;
  ra_move m[8], f[8];
  for (int i = 0; i < 8; i++) {
    m[i] = mv(ra_stack(-4 * (i + 1), I), ra_stack(-4 * ((i + 3) % 8 + 1), I));
    f[i] = mv(ra_stack(-64 - 8 * i, F), ra_stack(-64 - 8 * ((i + 1) % 8), F));
  }
  RUN(m);
  RUN(f);
  /* float cycle through stack only: d15 holds the cycle value, the other
   * copies go word by word through ip */
  ra_move both[16];
  memcpy(both, m, sizeof m);
  memcpy(both + 8, f, sizeof f);
  RUN(both);
}

static void test_cycles_mixed(void **state) {
  (void)state;
  ra_move m[] = {mv(ra_reg(0, I), ra_stack(-4, I)), mv(ra_stack(-4, I), ra_reg(1, I)),
                 mv(ra_reg(1, I), ra_stack(-8, ARMJIT_REF)),
                 mv(ra_stack(-8, ARMJIT_REF), ra_stack(-12, I)),
                 mv(ra_stack(-12, I), ra_reg(0, I))};
  RUN(m);
  ra_move f[] = {mv(ra_vreg(0), ra_stack(-16, F)), mv(ra_stack(-16, F), ra_stack(-24, F)),
                 mv(ra_stack(-24, F), ra_stack(-32, F)), mv(ra_stack(-32, F), ra_vreg(1)),
                 mv(ra_vreg(1), ra_vreg(0))};
  RUN(f);
}

static void test_int_and_float_cycles(void **state) {
  (void)state;
  ra_move m[] = {mv(ra_reg(0, I), ra_reg(1, I)),      mv(ra_vreg(0), ra_vreg(1)),
                 mv(ra_reg(1, I), ra_stack(-4, I)),   mv(ra_vreg(1), ra_stack(-16, F)),
                 mv(ra_stack(-4, I), ra_reg(0, I)),   mv(ra_stack(-16, F), ra_vreg(0)),
                 mv(ra_stack(-24, F), ra_stack(-32, F)), mv(ra_stack(-32, F), ra_stack(-24, F)),
                 mv(ra_stack(-36, I), ra_stack(-40, I)), mv(ra_stack(-40, I), ra_stack(-36, I))};
  RUN(m);
}

static void test_fanout(void **state) {
  (void)state;
  /* r0 <-> r1 is a cycle, and r0 and r1 also feed other dsts */
  ra_move m[] = {mv(ra_reg(0, I), ra_reg(1, I)),     mv(ra_reg(1, I), ra_reg(0, I)),
                 mv(ra_reg(2, I), ra_reg(0, I)),     mv(ra_reg(3, I), ra_reg(0, I)),
                 mv(ra_stack(-4, I), ra_reg(0, I)),  mv(ra_reg(4, I), ra_reg(1, I)),
                 mv(ra_stack(-8, I), ra_stack(-12, I)), mv(ra_stack(-16, I), ra_stack(-12, I)),
                 mv(ra_stack(-12, I), ra_reg(1, I)), mv(ra_vreg(3), ra_vreg(4)),
                 mv(ra_vreg(5), ra_vreg(4)),         mv(ra_vreg(4), ra_vreg(3)),
                 mv(ra_stack(-32, F), ra_vreg(4))};
  RUN(m);
}

static void test_constants(void **state) {
  (void)state;
  /* r1 is overwritten by a constant after r2 read it */
  ra_move m[] = {mv(ra_reg(1, I), ra_const(0, I)),       mv(ra_reg(2, I), ra_reg(1, I)),
                 mv(ra_stack(-4, I), ra_const(1, ARMJIT_REF)),
                 mv(ra_stack(-8, I), ra_const(1, ARMJIT_REF)),
                 mv(ra_vreg(0), ra_const(2, F)),          mv(ra_vreg(1), ra_vreg(0)),
                 mv(ra_stack(-16, F), ra_const(3, F)),    mv(ra_stack(-24, F), ra_stack(-16, F)),
                 mv(ra_reg(3, I), ra_stack(-4, I))};
  RUN(m);
  /* constants plus a float stack cycle that keeps d15 busy */
  ra_move c[] = {mv(ra_stack(-16, F), ra_stack(-24, F)), mv(ra_stack(-24, F), ra_stack(-16, F)),
                 mv(ra_stack(-32, F), ra_const(0, F)), mv(ra_stack(-40, F), ra_stack(-16, F))};
  RUN(c);
}

/* ---- pairs and s registers -------------------------------------------------------- */
#define L ARM_TY_I64
#define S ARM_TY_F32

static void test_pairs(void **state) {
  (void)state;
  /* a pair swap is two word swaps: 3 moves each */
  ra_move swap[] = {mv(ra_pair(0), ra_pair(2)), mv(ra_pair(2), ra_pair(0))};
  assert_int_equal(RUN(swap), 6);
  /* the src pair r1:r2 overlaps the dst pair r2:r3: r3 <- r2 first */
  ra_move shift[] = {mv(ra_pair(2), ra_pair(1))};
  assert_int_equal(RUN(shift), 2);
  assert_int_equal(scratch_writes(shift, 1), 0);
  /* a pair read while its halves are written as words, and back */
  ra_move halves[] = {mv(ra_reg(4, I), ra_reg(5, I)), mv(ra_reg(5, I), ra_reg(4, I)),
                      mv(ra_pair(6), ra_pair(4)), mv(ra_reg(8, I), ra_reg(7, I))};
  RUN(halves);
  /* pairs to and from slots, slot to slot, and the words of an I64 slot */
  ra_move slots[] = {mv(ra_stack(-16, L), ra_pair(0)), mv(ra_pair(0), ra_stack(-24, L)),
                     mv(ra_stack(-24, L), ra_stack(-16, L)), mv(ra_reg(2, I), ra_stack(-20, I)),
                     mv(ra_stack(-32, I), ra_stack(-12, I))};
  RUN(slots);
  /* 64-bit constants go as their two words, last */
  ra_move k[] = {mv(ra_pair(4), ra_const(3, L)), mv(ra_stack(-8, L), ra_const(4, L)),
                 mv(ra_reg(1, I), ra_reg(4, I))};
  RUN(k);
}

static void test_singles(void **state) {
  (void)state;
  /* s0 <-> s1 (the two halves of d0): a cycle through s30 */
  ra_move swap[] = {mv(ra_sreg(0), ra_sreg(1)), mv(ra_sreg(1), ra_sreg(0))};
  assert_int_equal(RUN(swap), 3);
  assert_int_equal(scratch_writes(swap, 2), 1);
  /* s2 is read before d1 (s2:s3) is written */
  ra_move over[] = {mv(ra_vreg(1), ra_vreg(0)), mv(ra_sreg(8), ra_sreg(2))};
  RUN(over);
  /* a double rotated through singles: d1 <- d2 while s4 <- s3, s5 <- s2 */
  ra_move rot[] = {mv(ra_vreg(1), ra_vreg(2)), mv(ra_sreg(4), ra_sreg(3)),
                   mv(ra_sreg(5), ra_sreg(2))};
  RUN(rot);
  /* a double in d20 (no s halves) next to singles, slots of both sizes,
   * f32 stack cycles while s30 is busy, constants of both sizes */
  ra_move mix[] = {mv(ra_vreg(20), ra_vreg(21)),         mv(ra_vreg(21), ra_vreg(20)),
                   mv(ra_sreg(0), ra_stack(-4, S)),      mv(ra_stack(-4, S), ra_sreg(0)),
                   mv(ra_stack(-8, S), ra_stack(-12, S)), mv(ra_stack(-12, S), ra_stack(-8, S)),
                   mv(ra_stack(-24, F), ra_vreg(4)),     mv(ra_vreg(4), ra_stack(-24, F)),
                   mv(ra_sreg(2), ra_const(1, S)),       mv(ra_vreg(5), ra_const(2, F)),
                   mv(ra_stack(-32, F), ra_const(3, F)), mv(ra_stack(-36, S), ra_const(4, S))};
  RUN(mix);
  /* the words of a double slot read as singles, and a double slot written
   * from single-word halves */
  ra_move words[] = {mv(ra_sreg(6), ra_stack(-44, S)), mv(ra_stack(-48, F), ra_vreg(6)),
                     mv(ra_sreg(7), ra_stack(-40, S))};
  RUN(words);
}

/* ---- invalid input -------------------------------------------------------------- */
static void expect_reject(const ra_move *m, unsigned n, int bad_index) {
  unsigned cap = RA_PMOVE_CAP(n) + 4, nout = 99;
  ra_move *out = calloc(cap, sizeof *out);
  assert_non_null(out);
  const char *why = NULL;
  int bad = -2;
  assert_false(ra_pmove_resolve_ex(m, n, out, &nout, cap, &why, &bad));
  assert_non_null(why);
  assert_int_equal(nout, 0);
  if (bad_index != -2) assert_int_equal(bad, bad_index);
  assert_false(ra_pmove_resolve(m, n, out, &nout, cap));
  free(out);
}

static void test_invalid(void **state) {
  (void)state;
  ra_loc ok_r = ra_reg(0, I), ok_d = ra_vreg(0);
  const ra_loc bad_int[] = {ra_reg(ARM_SCRATCH1, I), ra_reg(ARM_SCRATCH2, I), ra_reg(13, I),
                            ra_reg(15, I), ra_reg(16, I), ra_reg(-1, I), ra_reg(2, F),
                            ra_stack(-6, I), ra_none()};
  for (unsigned i = 0; i < sizeof bad_int / sizeof *bad_int; i++) {
    ra_move a[] = {mv(ra_reg(5, I), ra_reg(6, I)), mv(bad_int[i], ok_r)};
    expect_reject(a, 2, 1);
    ra_move b[] = {mv(ra_reg(5, I), ra_reg(6, I)), mv(ok_r, bad_int[i])};
    expect_reject(b, 2, 1);
  }
  const ra_loc bad_float[] = {ra_vreg(ARM_DSCRATCH), ra_vreg(32), ra_loc_make(LOC_VREG, I, 3)};
  for (unsigned i = 0; i < sizeof bad_float / sizeof *bad_float; i++) {
    ra_move a[] = {mv(bad_float[i], ok_d)};
    expect_reject(a, 1, 0);
    ra_move b[] = {mv(ok_d, bad_float[i])};
    expect_reject(b, 1, 0);
  }
  ra_move fpdst[] = {mv(ra_reg(ARM_FP, I), ok_r)};
  expect_reject(fpdst, 1, 0);
  ra_move cdst[] = {mv(ra_const(0, I), ok_r)};
  expect_reject(cdst, 1, 0);
  ra_move kind[] = {mv(ra_loc_make((ra_loc_kind)9, I, 0), ok_r)};
  expect_reject(kind, 1, 0);
  ra_move bank[] = {mv(ra_stack(-8, F), ra_stack(-4, I))};
  expect_reject(bank, 1, 0);
  ra_move dup[] = {mv(ra_reg(1, I), ra_reg(2, I)), mv(ra_reg(1, I), ra_reg(3, I))};
  expect_reject(dup, 2, 1);
  ra_move dupid[] = {mv(ra_reg(1, I), ra_reg(1, I)), mv(ra_reg(1, I), ra_reg(3, I))};
  expect_reject(dupid, 2, 1);
  ra_move dups[] = {mv(ra_stack(-8, I), ra_reg(2, I)), mv(ra_stack(-8, ARMJIT_REF), ra_reg(3, I))};
  expect_reject(dups, 2, -2);
  ra_move overlap[] = {mv(ra_stack(-8, F), ok_d), mv(ra_stack(-4, I), ok_r)};
  expect_reject(overlap, 2, -2);
  ra_move srcover[] = {mv(ra_stack(-16, F), ok_d), mv(ra_reg(1, I), ra_stack(-12, I))};
  expect_reject(srcover, 2, 1);
  ra_move selfover[] = {mv(ra_stack(-16, F), ra_stack(-12, F))};
  expect_reject(selfover, 1, 0);

  /* pairs and singles: reserved halves, overlapping dsts, class mixes */
  const ra_loc bad_pair[] = {ra_pair(ARM_SCRATCH1 - 1), ra_pair(ARM_SCRATCH1), ra_pair(13),
                             ra_pair(15), ra_pair(-1), ra_loc_make(LOC_VREG, L, 2)};
  for (unsigned i = 0; i < sizeof bad_pair / sizeof *bad_pair; i++) {
    ra_move a[] = {mv(ra_pair(4), ra_pair(6)), mv(bad_pair[i], ra_pair(0))};
    expect_reject(a, 2, 1);
    ra_move b[] = {mv(ra_pair(4), ra_pair(6)), mv(ra_pair(0), bad_pair[i])};
    expect_reject(b, 2, 1);
  }
  ra_move fppair[] = {mv(ra_pair(ARM_FP - 1), ra_pair(0))};
  expect_reject(fppair, 1, 0);
  const ra_loc bad_single[] = {ra_sreg(ARM_SSCRATCH), ra_sreg(ARM_SSCRATCH + 1), ra_sreg(32),
                               ra_sreg(-1), ra_loc_make(LOC_REG, S, 1)};
  for (unsigned i = 0; i < sizeof bad_single / sizeof *bad_single; i++) {
    ra_move a[] = {mv(bad_single[i], ra_sreg(0))};
    expect_reject(a, 1, 0);
    ra_move b[] = {mv(ra_sreg(0), bad_single[i])};
    expect_reject(b, 1, 0);
  }
  ra_move pairdup[] = {mv(ra_pair(2), ra_pair(4)), mv(ra_reg(3, I), ra_reg(0, I))};
  expect_reject(pairdup, 2, 1);
  ra_move pairdup2[] = {mv(ra_reg(3, I), ra_reg(0, I)), mv(ra_pair(2), ra_pair(4))};
  expect_reject(pairdup2, 2, 1);
  ra_move sdup[] = {mv(ra_vreg(1), ra_vreg(4)), mv(ra_sreg(3), ra_sreg(0))};
  expect_reject(sdup, 2, 1);
  ra_move sdupk[] = {mv(ra_sreg(3), ra_sreg(0)), mv(ra_vreg(1), ra_const(0, F))};
  expect_reject(sdupk, 2, 1);
  ra_move cls1[] = {mv(ra_pair(0), ra_vreg(1))};
  expect_reject(cls1, 1, 0);
  ra_move cls2[] = {mv(ra_sreg(0), ra_stack(-4, I))};
  expect_reject(cls2, 1, 0);
  ra_move cls3[] = {mv(ra_stack(-8, L), ra_stack(-8, F))};
  expect_reject(cls3, 1, 0);
  ra_move hi_lo[] = {mv(ra_sreg(0), ra_sreg(1)), mv(ra_vreg(20), ra_vreg(3))};
  expect_reject(hi_lo, 2, 1);
  ra_move hi_lo2[] = {mv(ra_vreg(3), ra_vreg(20)), mv(ra_pair(0), ra_pair(2))};
  expect_reject(hi_lo2, 2, 0);
  ra_move part[] = {mv(ra_reg(0, I), ra_const_part(0, I, RA_PART_LO))};
  expect_reject(part, 1, 0);
  /* a whole double slot next to word slots it overlaps, in a set without
   * i64/f32 moves: still a partial overlap */
  ra_move fover[] = {mv(ra_stack(-16, F), ok_d), mv(ra_stack(-12, I), ok_r)};
  expect_reject(fover, 2, -2);

  /* reading overlapping slots nobody writes is fine */
  ra_move reads[] = {mv(ra_vreg(1), ra_stack(-16, F)), mv(ra_reg(1, I), ra_stack(-12, I))};
  RUN(reads);

  /* too many moves (rejected before anything is read) */
  unsigned nbig = 1;
  assert_false(ra_pmove_resolve(kind, RA_PMOVE_MAX_N + 1, NULL, &nbig, 0));
  assert_int_equal(nbig, 0);

  /* output capacity below RA_PMOVE_CAP */
  ra_move two[] = {mv(ra_reg(0, I), ra_reg(1, I)), mv(ra_reg(1, I), ra_reg(0, I))};
  ra_move out[RA_PMOVE_CAP(2)];
  unsigned nout = 5;
  assert_false(ra_pmove_resolve(two, 2, out, &nout, RA_PMOVE_CAP(2) - 1));
  assert_int_equal(nout, 0);
  assert_true(ra_pmove_resolve(two, 2, out, &nout, RA_PMOVE_CAP(2)));
  assert_int_equal(nout, 3);
}

/* ---- random cases ------------------------------------------------------------------ */
typedef struct {
  uint64_t s;
} rng;
static uint32_t rnd(rng *r, uint32_t below) {
  r->s = mix64(r->s);
  return (uint32_t)((r->s >> 32) % below);
}

static uint64_t test_seed(void) {
  const char *e = getenv("ARMJIT_SEED");
  return e ? strtoull(e, NULL, 0) : (uint64_t)ARMJIT_RANDOM_SEED;
}

/* n moves over a random mix: registers, stack slots laid out the way a
 * frame allocator would (disjoint, floats 8-aligned), constants; srcs are
 * partly a permutation of the dsts (chains and cycles), partly any
 * location of the bank (fan-out), partly constants or the dst itself. */
static unsigned random_case(rng *r, unsigned n, ra_move *mv0) {
  enum { MAXLOC = 1400 };
  static ra_loc loc[2][MAXLOC]; /* [bank] */
  unsigned nloc[2] = {0, 0};
  for (int i = 0; i <= 10; i++)
    if (rnd(r, 4)) loc[0][nloc[0]++] = ra_reg(i, rnd(r, 2) ? I : ARMJIT_REF);
  for (int i = 0; i < 32; i++)
    if (i != ARM_DSCRATCH && rnd(r, 4)) loc[1][nloc[1]++] = ra_vreg(i);
  unsigned nslots = n + 8 + rnd(r, 32), pfloat = rnd(r, 101);
  int32_t cur = -(int32_t)(4 * rnd(r, 4));
  for (unsigned i = 0; i < nslots; i++) {
    if (rnd(r, 100) < pfloat) {
      cur = (cur - 8) & ~7;
      loc[1][nloc[1]++] = ra_stack(cur, F);
    } else {
      cur -= 4;
      loc[0][nloc[0]++] = ra_stack(cur, rnd(r, 2) ? I : ARMJIT_REF);
    }
    if (rnd(r, 8) == 0) cur -= 4; /* holes */
  }
  assert_true(cur >= -STACK_BYTES);
  /* shuffle each bank; its first entries become the dsts */
  for (int b = 0; b < 2; b++)
    for (unsigned i = nloc[b]; i > 1; i--) {
      unsigned j = rnd(r, i);
      ra_loc t = loc[b][i - 1];
      loc[b][i - 1] = loc[b][j];
      loc[b][j] = t;
    }
  unsigned ndst[2] = {0, 0}, pconst = rnd(r, 40), pany = rnd(r, 50), pid = rnd(r, 10);
  unsigned m = 0;
  while (m < n) {
    int b = (int)rnd(r, 2);
    if (ndst[b] >= nloc[b]) b ^= 1;
    if (ndst[b] >= nloc[b]) break;
    mv0[m++].dst = loc[b][ndst[b]++];
  }
  /* permutation of each bank's dsts */
  unsigned perm_pos[2] = {0, 0};
  static unsigned perm[2][MAXLOC];
  for (int b = 0; b < 2; b++) {
    for (unsigned i = 0; i < ndst[b]; i++) perm[b][i] = i;
    for (unsigned i = ndst[b]; i > 1; i--) {
      unsigned j = rnd(r, i), t = perm[b][i - 1];
      perm[b][i - 1] = perm[b][j];
      perm[b][j] = t;
    }
  }
  for (unsigned i = 0; i < m; i++) {
    ra_loc d = mv0[i].dst;
    int b = is_float(d.type);
    unsigned roll = rnd(r, 100);
    ra_loc s;
    if (roll < pconst) s = ra_const((int32_t)rnd(r, 16), b ? F : (rnd(r, 2) ? I : ARMJIT_REF));
    else if (roll < pconst + pid) s = d;
    else if (roll < pconst + pid + pany) s = loc[b][rnd(r, nloc[b])];
    else s = loc[b][perm[b][perm_pos[b]]];
    perm_pos[b]++;
    if (s.kind == LOC_CONST && b) s.type = F;
    mv0[i].src = s;
  }
  return m;
}

/* Like random_case over all four storage classes.  Registers are cut into
 * a dst view (each core register single or half of a pair, each d register
 * whole or as its two s halves) and an independent src view, so srcs
 * overlap dsts in every way the contract allows (s halves of a written d,
 * a pair straddling two written pairs, ...).  Slots: disjoint, 4 or 8
 * bytes, each of one class. */
enum { CLS_W, CLS_L, CLS_F, CLS_S, NCLS };
static int cls_type(int c, rng *r) {
  return c == CLS_W ? (rnd(r, 2) ? I : ARMJIT_REF) : c == CLS_L ? L : c == CLS_F ? F : S;
}
static int type_cls(int type) {
  return type == L ? CLS_L : type == F ? CLS_F : type == S ? CLS_S : CLS_W;
}

static void cut_registers(rng *r, ra_loc loc[NCLS][1400], unsigned nloc[NCLS], unsigned ppair,
                          unsigned psplit) {
  for (int i = 0; i <= 10;) {
    if (i < 10 && rnd(r, 100) < ppair) {
      if (rnd(r, 4)) loc[CLS_L][nloc[CLS_L]++] = ra_pair(i);
      i += 2;
    } else {
      if (rnd(r, 4)) loc[CLS_W][nloc[CLS_W]++] = ra_reg(i, rnd(r, 2) ? I : ARMJIT_REF);
      i += 1;
    }
  }
  for (int d = 0; d < 16; d++) { /* d16-d31: random_case (no s halves to mix with) */
    if (d == ARM_DSCRATCH) continue;
    if (d < 16 && rnd(r, 100) < psplit) {
      for (int h = 0; h < 2; h++)
        if (rnd(r, 4)) loc[CLS_S][nloc[CLS_S]++] = ra_sreg(2 * d + h);
    } else if (rnd(r, 4)) {
      loc[CLS_F][nloc[CLS_F]++] = ra_vreg(d);
    }
  }
}

static unsigned random_case_wide(rng *r, unsigned n, ra_move *mv0) {
  enum { MAXLOC = 1400 };
  static ra_loc dst[NCLS][MAXLOC], src[NCLS][MAXLOC];
  unsigned nd[NCLS] = {0}, ns[NCLS] = {0};
  unsigned ppair = rnd(r, 101), psplit = rnd(r, 101);
  cut_registers(r, dst, nd, ppair, psplit);
  cut_registers(r, src, ns, rnd(r, 101), rnd(r, 101));
  /* src registers may start at an odd register (r1:r2) */
  if (rnd(r, 2)) src[CLS_L][ns[CLS_L]++] = ra_pair(1 + 2 * (int)rnd(r, 5));
  unsigned nslots = n + 8 + rnd(r, 32), pbig = rnd(r, 101);
  int32_t cur = -(int32_t)(4 * rnd(r, 4));
  for (unsigned i = 0; i < nslots; i++) {
    int c;
    if (rnd(r, 100) < pbig) {
      cur = (cur - 8) & ~7;
      c = rnd(r, 2) ? CLS_F : CLS_L;
    } else {
      cur -= 4;
      c = rnd(r, 2) ? CLS_W : CLS_S;
    }
    ra_loc l = ra_stack(cur, cls_type(c, r));
    dst[c][nd[c]++] = l;
    src[c][ns[c]++] = l;
    if (rnd(r, 8) == 0) cur -= 4; /* holes */
  }
  assert_true(cur >= -STACK_BYTES);
  for (int c = 0; c < NCLS; c++)
    for (unsigned i = nd[c]; i > 1; i--) {
      unsigned j = rnd(r, i);
      ra_loc t = dst[c][i - 1];
      dst[c][i - 1] = dst[c][j];
      dst[c][j] = t;
    }
  unsigned used[NCLS] = {0}, pconst = rnd(r, 30), pany = rnd(r, 50), pid = rnd(r, 10);
  unsigned m = 0;
  while (m < n) {
    int c = (int)rnd(r, NCLS);
    for (int tries = 0; tries < NCLS && used[c] >= nd[c]; tries++) c = (c + 1) % NCLS;
    if (used[c] >= nd[c]) break;
    mv0[m++].dst = dst[c][used[c]++];
  }
  static unsigned perm[NCLS][MAXLOC];
  unsigned perm_pos[NCLS] = {0};
  for (int c = 0; c < NCLS; c++) {
    for (unsigned i = 0; i < used[c]; i++) perm[c][i] = i;
    for (unsigned i = used[c]; i > 1; i--) {
      unsigned j = rnd(r, i), t = perm[c][i - 1];
      perm[c][i - 1] = perm[c][j];
      perm[c][j] = t;
    }
  }
  for (unsigned i = 0; i < m; i++) {
    ra_loc d = mv0[i].dst;
    int c = type_cls(d.type);
    unsigned roll = rnd(r, 100);
    ra_loc s;
    if (roll < pconst) s = ra_const((int32_t)rnd(r, 16), cls_type(c, r));
    else if (roll < pconst + pid) s = d;
    else if (roll < pconst + pid + pany && ns[c]) s = src[c][rnd(r, ns[c])];
    else s = dst[c][perm[c][perm_pos[c]]];
    perm_pos[c]++;
    mv0[i].src = s;
  }
  return m;
}

static void run_random(unsigned cases, unsigned maxn, uint64_t salt) {
  uint64_t seed = test_seed();
  printf("pmove random: seed %llu (set ARMJIT_SEED to replay), %u cases\n",
         (unsigned long long)seed, cases);
  rng r = {seed ^ salt};
  ra_move *m = calloc(maxn + 1, sizeof *m);
  assert_non_null(m);
  unsigned long total_in = 0, total_out = 0;
  for (unsigned c = 0; c < cases; c++) {
    unsigned want = cases == 1 ? maxn : rnd(&r, maxn + 1);
    unsigned n = salt == 0x2000 ? random_case_wide(&r, want, m) : random_case(&r, want, m);
    if (cases == 1) assert_int_equal(n, maxn);
    total_in += n;
    unsigned nout = run_case(m, n);
    total_out += nout;
  }
  printf("pmove random: %lu moves in, %lu primitive moves out\n", total_in, total_out);
  free(m);
}

static void test_random_small(void **state) {
  (void)state;
  run_random(1000, 200, 0);
}

static void test_random_1000(void **state) {
  (void)state;
  run_random(1, 1000, 0x1000);
}

/* pairs, s registers and both slot sizes, with partial register overlaps */
static void test_random_wide(void **state) {
  (void)state;
  run_random(1000, 120, 0x2000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),          cmocka_unit_test(test_identity),
      cmocka_unit_test(test_chains),         cmocka_unit_test(test_swaps),
      cmocka_unit_test(test_rotation_regs),  cmocka_unit_test(test_rotation_stack),
      cmocka_unit_test(test_cycles_mixed),   cmocka_unit_test(test_int_and_float_cycles),
      cmocka_unit_test(test_fanout),         cmocka_unit_test(test_constants),
      cmocka_unit_test(test_invalid),        cmocka_unit_test(test_random_small),
      cmocka_unit_test(test_random_1000),    cmocka_unit_test(test_pairs),
      cmocka_unit_test(test_singles),        cmocka_unit_test(test_random_wide),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
