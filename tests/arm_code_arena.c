/* SPDX-License-Identifier: MIT */
/* The code arena executing (ARM only, under qemu-arm on x86): branches
 * between code objects at the two ends of the largest arena, patched in
 * after both exist; what is written through the writable view is what
 * the executable view runs (patches and reused ranges, no stale code);
 * compiled loops run from the fallback too.  Every test runs with the
 * dual mapping and with the mprotect fallback. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena_maps.h"
#include "armjit.h"
#include "rt/execmem.h"

static const unsigned MODE_DUAL = 0, MODE_MPROTECT = ARMJIT_CODE_MPROTECT;

static armjit_ctx *mode_ctx(void **state, size_t arena) {
  armjit_options o = {0};
  o.flags = *(const unsigned *)*state;
  o.code_arena = arena;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

static armjit_code *code_of(armjit_ctx *ctx, a32_buf *b) {
  assert_int_equal(a32_buf_status(b), A32_OK);
  armjit_error err;
  armjit_code *c = armjit_code_new(ctx, b, &err);
  if (!c) print_message("armjit_code_new: %s\n", err.msg);
  assert_non_null(c);
  a32_buf_free(b);
  return c;
}

/* mov r0, #k; bx lr */
static armjit_code *ret_const(armjit_ctx *ctx, uint32_t k) {
  a32_buf *b = a32_buf_new(0, 0);
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(k));
  a32_bx(b, A32_AL, A32_LR);
  return code_of(ctx, b);
}

/* push {r4, lr}; mov r0, #k (patch site); add r0, r0, #10; pop {r4, pc} */
static armjit_code *calls_out(armjit_ctx *ctx, uint32_t k) {
  a32_buf *b = a32_buf_new(0, 0);
  a32_push(b, A32_AL, (uint16_t)(1u << A32_R4 | 1u << A32_LR));
  a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(k));
  a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_imm(10));
  a32_pop(b, A32_AL, (uint16_t)(1u << A32_R4 | 1u << A32_PC));
  return code_of(ctx, b);
}

static int32_t call(armjit_code *c) {
  int32_t (*fn)(void);
  void *p = armjit_code_entry(c);
  memcpy(&fn, &p, sizeof fn);
  return fn();
}

/* Patch the word at offset off of `from` into a B/BL to `to`'s entry. */
static void patch_branch(armjit_code *from, size_t off, bool link, armjit_code *to) {
  uint32_t w;
  uint32_t at = (uint32_t)(uintptr_t)armjit_code_entry(from) + (uint32_t)off;
  assert_int_equal(a32_encode_b(&w, A32_AL, link, at, (uint32_t)(uintptr_t)armjit_code_entry(to)),
                   A32_OK);
  armjit_error err;
  assert_int_equal(armjit_code_patch(from, off, &w, 1, &err), ARMJIT_OK);
}

/* Objects at both ends of the largest arena (an unwritten filler range in
 * between), linked by branches patched in after all of them exist: B
 * forward ~32 MiB, BL backward ~32 MiB. */
static void test_branch_between_far_objects(void **state) {
  armjit_ctx *ctx = mode_ctx(state, ARMJIT_CODE_ARENA_MAX);
  armjit_code *a = ret_const(ctx, 1), *d = ret_const(ctx, 4);
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  size_t g = info.granule;
  /* Leave exactly two granules (one page each in the fallback) at the end. */
  ajx_execmem filler;
  armjit_error err;
  assert_int_equal(ajx_exec_alloc(ctx, info.reserved - info.used - 2 * g, &filler, &err),
                   ARMJIT_OK);
  armjit_code *b = ret_const(ctx, 2), *c = calls_out(ctx, 3);
  assert_true(ajx_exec_info(ctx, &info));
  assert_int_equal(info.largest_free, 0); /* the arena is full */
  char *end = (char *)info.rx + info.reserved;
  assert_ptr_equal(armjit_code_entry(c), end - g);
  assert_ptr_equal(armjit_code_entry(b), end - 2 * g);
  intptr_t dist = (char *)armjit_code_entry(b) - (char *)armjit_code_entry(a);
  assert_true(dist > ((intptr_t)31 << 20));
  print_message("%s: branches across %zd KiB\n", ajx_arena_mode_name(info.mode), dist / 1024);

  assert_int_equal(call(a), 1);
  assert_int_equal(call(c), 13);
  patch_branch(a, 0, false, b); /* a: b <b>, a tail call forward */
  patch_branch(c, 4, true, d);  /* c: bl <d> backward, then add 10 */
  assert_int_equal(call(a), 2);
  assert_int_equal(call(c), 14);
  /* And back: the patch site restored. */
  uint32_t w = 0xe3a00001u; /* mov r0, #1 */
  assert_int_equal(armjit_code_patch(a, 0, &w, 1, &err), ARMJIT_OK);
  assert_int_equal(call(a), 1);
  arena_maps m;
  arena_maps_scan(&info, &m);
  assert_int_equal(m.wx, 0);
  assert_int_equal(m.rx_writable, 0);
  assert_int_equal(m.rw_executable, 0);
  armjit_code_free(a);
  armjit_code_free(b);
  armjit_code_free(c);
  armjit_code_free(d);
  ajx_exec_free(ctx, &filler);
  armjit_ctx_free(ctx);
}

/* Both views coherent: every patch through the writable view is what runs
 * next, and code written into a reused range replaces what ran there. */
static void test_views_coherent(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0);
  armjit_code *c = ret_const(ctx, 0);
  armjit_error err;
  for (uint32_t k = 1; k <= 20; k++) {
    uint32_t w = 0xe3a00000u | k; /* mov r0, #k */
    assert_int_equal(armjit_code_patch(c, 0, &w, 1, &err), ARMJIT_OK);
    assert_int_equal(call(c), (int32_t)k);
  }
  void *where = armjit_code_entry(c);
  armjit_code_free(c);
  for (uint32_t k = 30; k < 40; k++) {
    c = ret_const(ctx, k);
    assert_ptr_equal(armjit_code_entry(c), where); /* the same range again */
    assert_int_equal(call(c), (int32_t)k);
    armjit_code_free(c);
  }
  armjit_ctx_free(ctx);
}

static const char counting_loop[] =
    "[i0, i1]\n"
    "label(i0, i1, descr=L)\n"
    "i2 = int_add(i0, 1)\n"
    "i3 = int_lt(i2, i1)\n"
    "guard_true(i3, descr=done) [i2, i1]\n"
    "jump(i2, i1, descr=L)\n";

/* Compiled loops of one context, packed in the arena, run; freeing one
 * and compiling again reuses its range and runs the new code. */
static void test_loops_run(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0);
  armjit_error err;
  armjit_trace *t = armjit_trace_parse(ctx, counting_loop, &err);
  assert_non_null(t);
  enum { N = 8 };
  armjit_loop *l[N];
  for (int i = 0; i < N; i++) {
    l[i] = armjit_compile_loop(ctx, t, &err);
    assert_non_null(l[i]);
  }
  armjit_frame *f = armjit_frame_new(ctx, armjit_loop_frame_capacity(l[0]));
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < N; i++) {
      f->values[0].i = 0;
      f->values[1].i = 100 + i;
      assert_int_equal(armjit_run(l[i], f, &err), 0);
      assert_int_equal(f->values[0].i, 100 + i);
    }
    const void *where = armjit_loop_code(l[3], NULL);
    armjit_loop_free(l[3]);
    l[3] = armjit_compile_loop(ctx, t, &err);
    assert_non_null(l[3]);
    assert_ptr_equal(armjit_loop_code(l[3], NULL), where);
  }
  armjit_frame_free(ctx, f);
  for (int i = 0; i < N; i++) armjit_loop_free(l[i]);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

/* Where the platform gives a dual mapping that executes (checked here
 * independently of the library), the default arena uses one of the dual
 * modes; the fallback only when asked for. */
static void test_mode_choice(void **state) {
  armjit_ctx *ctx = mode_ctx(state, 0);
  armjit_code *c = ret_const(ctx, 5);
  assert_int_equal(call(c), 5);
  ajx_arena_info info;
  assert_true(ajx_exec_info(ctx, &info));
  print_message("code arena: %s\n", ajx_arena_mode_name(info.mode));
  bool forced = *(const unsigned *)*state & ARMJIT_CODE_MPROTECT || arena_env_forces_mprotect();
  if (forced) {
    assert_int_equal(info.mode, AJX_ARENA_MPROTECT);
  } else {
    int fd = memfd_create("probe", MFD_CLOEXEC);
    bool can = false;
    if (fd >= 0 && ftruncate(fd, 4096) == 0) {
      void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
      can = p != MAP_FAILED;
      if (can) munmap(p, 4096);
    }
    if (fd >= 0) close(fd);
    if (can) assert_int_not_equal(info.mode, AJX_ARENA_MPROTECT);
  }
  armjit_code_free(c);
  armjit_ctx_free(ctx);
}

#define BOTH(f)                                                                         \
  cmocka_unit_test_prestate(f, (void *)&MODE_DUAL),                                     \
      cmocka_unit_test_prestate(f, (void *)&MODE_MPROTECT)

int main(void) {
  const struct CMUnitTest tests[] = {
      BOTH(test_branch_between_far_objects),
      BOTH(test_views_coherent),
      BOTH(test_loops_run),
      BOTH(test_mode_choice),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
