/* SPDX-License-Identifier: MIT */
/* Executable memory and code objects: W^X in /proc/self/maps, the
 * per-context code limit, linking, patch bounds and error paths.  Nothing
 * here executes generated code, so it runs in every build (under ASan on
 * the host, under qemu-arm for the ARM builds). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armjit.h"
#include "rt/execmem.h"

static a32_buf *small_buf(unsigned nwords) {
  a32_buf *b = a32_buf_new(0, 0);
  for (unsigned i = 0; i < nwords; i++)
    a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R0, a32_imm(i & 0xff));
  a32_bx(b, A32_AL, A32_LR);
  return b;
}

/* Permissions ("rwxp") of the mapping holding addr, and whether any
 * mapping of the process is writable and executable at once. */
static void scan_maps(uintptr_t addr, char perms_of_addr[5], int *nwx) {
  FILE *f = fopen("/proc/self/maps", "r");
  assert_non_null(f);
  char line[512];
  *nwx = 0;
  perms_of_addr[0] = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3) continue;
    if (perms[1] == 'w' && perms[2] == 'x') {
      print_message("W+X mapping: %s", line);
      (*nwx)++;
    }
    if (addr >= lo && addr < hi) memcpy(perms_of_addr, perms, 5);
  }
  fclose(f);
}

static void test_no_writable_executable_mapping(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  armjit_code *codes[4];
  for (unsigned i = 0; i < 4; i++) {
    a32_buf *b = small_buf(1 + i * 500);
    codes[i] = armjit_code_new(ctx, b, &err);
    a32_buf_free(b);
    assert_non_null(codes[i]);
  }
  uint32_t w = 0xe1a00000u; /* mov r0, r0 */
  assert_int_equal(armjit_code_patch(codes[2], 8, &w, 1, &err), ARMJIT_OK);
  assert_memory_equal((char *)armjit_code_entry(codes[2]) + 8, &w, 4);
  for (unsigned i = 0; i < 4; i++) {
    char perms[5];
    int nwx;
    scan_maps((uintptr_t)armjit_code_entry(codes[i]), perms, &nwx);
    assert_int_equal(nwx, 0);
    assert_string_equal(perms, "r-xp"); /* executable, not writable */
  }
  for (unsigned i = 0; i < 4; i++) armjit_code_free(codes[i]);
  armjit_ctx_free(ctx);
}

static void test_code_limit(void **state) {
  (void)state;
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  armjit_options o = {0};
  o.code_limit = 3 * pg;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  a32_buf *b = small_buf(4);
  armjit_code *c[3];
  for (int i = 0; i < 3; i++) {
    c[i] = armjit_code_new(ctx, b, &err);
    assert_non_null(c[i]);
  }
  assert_int_equal(ctx->code_used, 3 * pg);
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  assert_non_null(strstr(err.msg, "limit"));
  /* Freeing returns the quota. */
  armjit_code_free(c[1]);
  assert_int_equal(ctx->code_used, 2 * pg);
  c[1] = armjit_code_new(ctx, b, &err);
  assert_non_null(c[1]);
  for (int i = 0; i < 3; i++) armjit_code_free(c[i]);
  assert_int_equal(ctx->code_used, 0);
  a32_buf_free(b);

  /* One request larger than the whole limit. */
  b = small_buf((unsigned)(4 * pg / 4));
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  assert_int_equal(ctx->code_used, 0);
  a32_buf_free(b);

  /* The internal API rounds to pages and accounts the same way. */
  ajx_execmem m, m2, too_big;
  assert_int_equal(ajx_exec_alloc(ctx, 1, &m, &err), ARMJIT_OK);
  assert_int_equal(m.size, pg);
  assert_int_equal(ajx_exec_alloc(ctx, SIZE_MAX - 2, &too_big, &err), ARMJIT_E_LIMIT);
  assert_null(too_big.base);
  assert_int_equal(ajx_exec_alloc(ctx, pg + 1, &m2, &err), ARMJIT_OK);
  assert_int_equal(m2.size, 2 * pg);
  assert_int_equal(ctx->code_used, 3 * pg);
  assert_int_equal(ajx_exec_make_rx(&m2, &err), ARMJIT_OK);
  assert_int_equal(ajx_exec_make_rw(&m2, &err), ARMJIT_OK);
  memset(m2.base, 0, 16); /* writable again */
  ajx_exec_free(ctx, &m2);
  assert_null(m2.base);
  ajx_exec_free(ctx, &m2); /* idempotent */
  assert_int_equal(ctx->code_used, pg);
  ajx_exec_free(ctx, &m);
  assert_int_equal(ctx->code_used, 0);
  armjit_ctx_free(ctx);
}

static void test_code_copies_and_links(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  a32_buf *b = a32_buf_new(0, 0);
  a32_label data = a32_label_new(b);
  a32_mov_label_abs(b, A32_AL, A32_R0, data);
  a32_bx(b, A32_AL, A32_LR);
  a32_label_bind(b, data);
  a32_word(b, 0x12345678u);
  armjit_code *c = armjit_code_new(ctx, b, &err);
  assert_non_null(c);
  assert_int_equal(armjit_code_size(c), a32_buf_size(b));
  /* Copied after linking, so the bytes equal the linked buffer. */
  assert_memory_equal(armjit_code_entry(c), a32_buf_data(b), a32_buf_size(b));
  /* The MOVW/MOVT pair holds the label's final address. */
  uint32_t w[2];
  memcpy(w, armjit_code_entry(c), 8);
  uint32_t lo = ((w[0] >> 4) & 0xf000u) | (w[0] & 0xfffu);
  uint32_t hi = ((w[1] >> 4) & 0xf000u) | (w[1] & 0xfffu);
  uint32_t expect = (uint32_t)(uintptr_t)armjit_code_entry(c) + 12;
  assert_int_equal(hi << 16 | lo, expect);
  armjit_code_free(c);
  a32_buf_free(b);
  armjit_ctx_free(ctx);
}

static void test_code_errors(void **state) {
  (void)state;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  /* A buffer in error state is refused with its message. */
  a32_buf *b = small_buf(2);
  assert_int_not_equal(a32_dp(b, A32_AL, A32_MOV, false, A32_R0, 0, a32_imm(0x101)), A32_OK);
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_ASM);
  assert_non_null(strstr(err.msg, a32_buf_errmsg(b)));
  a32_buf_free(b);
  /* A label never bound fails at link time. */
  b = a32_buf_new(0, 0);
  a32_b(b, A32_AL, a32_label_new(b));
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_ASM);
  assert_int_equal(ctx->code_used, 0); /* the mapping was returned */
  a32_buf_free(b);
  /* Empty buffer, NULL arguments. */
  b = a32_buf_new(0, 0);
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_null(armjit_code_new(ctx, NULL, &err));
  assert_int_equal(err.code, ARMJIT_E_ARG);
  assert_null(armjit_code_new(NULL, b, NULL));
  a32_buf_free(b);
  /* Patch bounds: past the end, straddling the end, misaligned, NULL. */
  b = small_buf(3); /* 4 words */
  armjit_code *c = armjit_code_new(ctx, b, &err);
  assert_non_null(c);
  uint32_t w[2] = {0xe1a00000u, 0xe1a00000u};
  assert_int_equal(armjit_code_patch(c, 16, w, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, 12, w, 2, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, 1, w, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, SIZE_MAX - 3, w, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(c, 0, NULL, 1, &err), ARMJIT_E_ARG);
  assert_int_equal(armjit_code_patch(NULL, 0, w, 1, &err), ARMJIT_E_ARG);
  assert_memory_equal(armjit_code_entry(c), a32_buf_data(b), 16); /* untouched */
  assert_int_equal(armjit_code_patch(c, 8, w, 2, &err), ARMJIT_OK); /* last two */
  assert_memory_equal((char *)armjit_code_entry(c) + 8, w, 8);
  armjit_code_free(c);
  armjit_code_free(NULL);
  a32_buf_free(b);
  armjit_ctx_free(ctx);
}

/* Allocation through the context's hooks: counted, and failure is clean. */
typedef struct { int live; int fail_after; } counting;
static void *c_alloc(void *ud, size_t n) {
  counting *c = ud;
  if (c->fail_after == 0) return NULL;
  if (c->fail_after > 0) c->fail_after--;
  c->live++;
  return malloc(n);
}
static void *c_realloc(void *ud, void *p, size_t n) {
  counting *c = ud;
  if (!p) c->live++;
  return realloc(p, n);
}
static void c_free(void *ud, void *p) {
  counting *c = ud;
  c->live--;
  free(p);
}

static void test_code_uses_context_allocator(void **state) {
  (void)state;
  counting cnt = {0, -1};
  armjit_options o = {0};
  o.alloc = c_alloc; o.realloc = c_realloc; o.free = c_free; o.ud = &cnt;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  a32_buf *b = small_buf(1);
  armjit_code *c = armjit_code_new(ctx, b, &err);
  assert_non_null(c);
  assert_int_equal(cnt.live, 2); /* context + code object */
  armjit_code_free(c);
  assert_int_equal(cnt.live, 1);
  cnt.fail_after = 0;
  assert_null(armjit_code_new(ctx, b, &err));
  assert_int_equal(err.code, ARMJIT_E_NOMEM);
  assert_int_equal(ctx->code_used, 0);
  a32_buf_free(b);
  armjit_ctx_free(ctx);
  assert_int_equal(cnt.live, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_writable_executable_mapping),
      cmocka_unit_test(test_code_limit),
      cmocka_unit_test(test_code_copies_and_links),
      cmocka_unit_test(test_code_errors),
      cmocka_unit_test(test_code_uses_context_allocator),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
