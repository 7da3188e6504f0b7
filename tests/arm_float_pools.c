/* SPDX-License-Identifier: MIT */
/* Float constants in long traces: the pool after the prologue and the
 * islands in the body (cg_const.c).  In loops and bridges of several KiB
 * with hundreds of distinct constants that are no VFP immediate, every
 * load is one VLDR whose word lies in a pool run within reach, no double
 * is built in core registers, the listing shows the islands as data, and
 * the runs agree with the interpreter, also through a guard patched to a
 * bridge placed after islands and after invalidation (the NOP of
 * guard_not_invalidated turned into a branch). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bset.h"
#include "ir_support.h"
#include "rt/loop.h"

typedef struct {
  char *p;
  size_t n, cap;
} text;

static void put(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  assert_true(len >= 0);
  if (t->n + (size_t)len + 1 > t->cap) {
    t->cap = 2 * (t->n + (size_t)len + 1);
    t->p = realloc(t->p, t->cap);
    assert_non_null(t->p);
  }
  va_start(ap, fmt);
  vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
  va_end(ap);
  t->n += (size_t)len;
}

/* ops float ops f<v+1>.. on f<v>, constants 0.5 + (base + k % kinds + 1) / 997
 * (none a VFP immediate), each kind used ops / kinds times far apart;
 * returns the last value's number. */
static unsigned chain(text *t, unsigned v, unsigned ops, unsigned base, unsigned kinds) {
  static const char *const opn[] = {"float_mul", "float_add", "float_sub"};
  for (unsigned k = 0; k < ops; k++, v++)
    put(t, "f%u = %s(f%u, %.17g)\n", v + 1, opn[k % 3], v,
        0.5 + (base + k % kinds + 1) / 997.0);
  return v;
}

static uint32_t word_at(const armjit_loop *l, uint32_t off) {
  uint32_t w;
  memcpy(&w, (const uint8_t *)armjit_code_entry(l->code) + off, 4);
  return w;
}

/* Every word of l's code outside its pools: no VMOV from two core
 * registers (A8.8.345, a double built in ip/lr), and each pc-relative
 * VLDR.64 (A8.8.333) reads 8 bytes of one pool run.  Returns the VLDRs. */
static unsigned check_loads(armjit_ctx *ctx, const armjit_loop *l) {
  size_t size;
  uintptr_t code = (uintptr_t)armjit_loop_code(l, &size);
  unsigned vldrs = 0;
  for (uint32_t off = 0; off < size; off += 4) {
    armjit_pc_info at;
    assert_true(armjit_lookup_pc(ctx, code + off, &at));
    if (at.region == ARMJIT_PC_POOL) continue;
    uint32_t w = word_at(l, off);
    assert_false((w & 0x0ff00fd0u) == 0x0c400b10u); /* vmov dm, rt, rt2 */
    if ((w & 0x0f3f0f00u) != 0x0d1f0b00u) continue;  /* vldr dd, [pc, #+-imm] */
    uint32_t imm = (w & 0xffu) * 4;
    uint32_t target = (w >> 23 & 1u) ? off + 8 + imm : off + 8 - imm;
    for (uint32_t k = 0; k < 8; k += 4) {
      armjit_pc_info d;
      assert_true(armjit_lookup_pc(ctx, code + target + k, &d));
      assert_int_equal(d.region, ARMJIT_PC_POOL);
    }
    vldrs++;
  }
  return vldrs;
}

/* The listing names each island and prints its words as data. */
static void check_listing(const armjit_loop *l, size_t islands) {
  char *s = irs_listing(l);
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, "# float constant island")); p++) {
    n++;
    const char *line = strchr(p, '\n'), *end = line ? strchr(line + 1, '\n') : NULL;
    assert_non_null(end);
    const char *word = strstr(line, ".word 0x");
    assert_true(word && word < end); /* the line after it is data */
  }
  assert_int_equal(n, islands);
  free(s);
}

/* A loop of about 7 KiB taking 600 constants of 200 kinds. */
static void test_long_loop(void **state) {
  (void)state;
  text t = {0};
  put(&t, "--- loop main\n[i0, i1, f2]\nlabel(i0, i1, f2, descr=L)\n"
          "i3 = int_lt(i0, i1)\nguard_true(i3, descr=done) [i0, f2]\n");
  unsigned v = chain(&t, 2, 600, 0, 200);
  put(&t, "i%u = int_add(i0, 1)\njump(i%u, i1, f%u, descr=L)\n", v + 1, v + 1, v);
  for (unsigned variant = 0; variant < 2; variant++) {
    armjit_options o;
    memset(&o, 0, sizeof o);
    o.flags = variant ? ARMJIT_RANDOM_RA : 0;
    o.seed = 5;
    armjit_ctx *ctx = armjit_ctx_new(&o, NULL);
    assert_non_null(ctx);
    bset s;
    bset_init_text(&s, ctx, t.p);
    const armjit_loop *l = s.loops[0];
    size_t size;
    armjit_loop_code(l, &size);
    assert_true(size > 4096);
    armjit_pool_stats ps;
    armjit_loop_pool_stats(l, &ps);
    assert_true(ps.islands >= 4);
    assert_int_equal(ps.pools, ps.islands + 1);
    assert_true(ps.bytes >= 8 * 200);
    assert_true(check_loads(ctx, l) >= 550); /* a few constants stay in registers */
    check_listing(l, ps.islands);
    armjit_value in[3] = {irs_i(0), irs_i(5), irs_f(1.25)};
    int exit;
    assert_int_equal(bset_run(&s, 0, in, &exit), 0);
    assert_int_equal(exit, 0);
    bset_free(&s);
    armjit_ctx_free(ctx);
  }
  free(t.p);
}

/* A guard after islands, patched to a bridge of its own islands that
 * jumps back; guard_not_invalidated after islands, a NOP until the
 * family is invalidated. */
static void test_bridge_and_invalidation(void **state) {
  (void)state;
  text t = {0};
  put(&t, "--- loop main\n[i0, i1, f2]\nlabel(i0, i1, f2, descr=L)\n"
          "i3 = int_lt(i0, i1)\nguard_true(i3, descr=done) [i0, f2]\n");
  unsigned v = chain(&t, 2, 240, 0, 120);
  put(&t, "guard_not_invalidated(descr=inv) [i0, f%u]\n", v);
  put(&t, "i4 = int_and(i0, 1)\nguard_false(i4, descr=odd) [i0, i1, f%u]\n", v);
  v = chain(&t, v, 240, 120, 120);
  put(&t, "i5 = int_add(i0, 1)\njump(i5, i1, f%u, descr=L)\n", v);
  put(&t, "--- bridge odd on main.odd\n[i0, i1, f2]\n");
  v = chain(&t, 2, 300, 240, 150);
  put(&t, "i3 = int_add(i0, 1)\njump(i3, i1, f%u, descr=L)\n", v);
  armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
  assert_non_null(ctx);
  bset s;
  bset_init_text(&s, ctx, t.p);
  const armjit_loop *l = s.loops[0], *b = s.loops[1];
  armjit_pool_stats ps;
  armjit_loop_pool_stats(b, &ps);
  assert_true(ps.islands >= 2);
  check_loads(ctx, b);
  check_listing(b, ps.islands);
  armjit_loop_pool_stats(l, &ps);
  assert_true(ps.islands >= 2);
  check_loads(ctx, l);
  /* both patch sites come after islands: the guard's branch enters the
   * bridge, the NOP is one */
  int odd = -1, inv = -1;
  for (unsigned e = 0; e < l->nexits; e++) {
    if (l->exits[e].nop) inv = (int)e;
    else if (l->exits[e].bridge) odd = (int)e;
  }
  assert_true(odd >= 0 && inv >= 0);
  assert_true((uint32_t)l->exits[odd].branch > l->pools[1].off);
  assert_true((uint32_t)l->exits[inv].branch > l->pools[1].off);
  uint32_t w = word_at(l, (uint32_t)l->exits[odd].branch);
  int32_t rel = (int32_t)(w << 8) >> 6;
  assert_int_equal((w >> 24) & 0xf, 0xa);
  assert_int_equal((uintptr_t)armjit_code_entry(l->code) + (uint32_t)l->exits[odd].branch + 8 +
                       (uint32_t)rel,
                   (uintptr_t)armjit_code_entry(b->code) + b->entry);
  assert_int_equal(word_at(l, (uint32_t)l->exits[inv].branch), 0xe320f000u); /* nop */
  armjit_value in[3] = {irs_i(0), irs_i(7), irs_f(0.75)};
  int exit;
  assert_int_equal(bset_run(&s, 0, in, &exit), 0);
  assert_int_equal(exit, 0); /* done, after odd iterations through the bridge */
  bset_invalidate(&s, 0);
  assert_int_equal((word_at(l, (uint32_t)l->exits[inv].branch) >> 24) & 0xff, 0xea); /* b */
  assert_int_equal(bset_run(&s, 0, in, &exit), 0);
  assert_int_equal(exit, inv);
  bset_free(&s);
  armjit_ctx_free(ctx);
  free(t.p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_long_loop),
      cmocka_unit_test(test_bridge_and_invalidation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
