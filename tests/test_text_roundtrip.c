/* SPDX-License-Identifier: MIT */
/* Text IR round trip on every .ir file of examples/traces/ and
 * tests/traces/: parse -> print -> parse -> print must reproduce the first
 * printout exactly, and when the file has a '# args:' line the original
 * and the reprinted trace must interpret to the same exit and values. */
/* 32-bit readdir fails with EOVERFLOW on filesystems with 64-bit inode
 * numbers (armhf under qemu on an x86-64 host) unless it is the LFS one. */
#define _FILE_OFFSET_BITS 64
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "ir_support.h"

#ifndef ARMJIT_SOURCE_DIR
#error "ARMJIT_SOURCE_DIR must name the source tree"
#endif

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) { free(s); s = NULL; }
  if (s) s[n] = '\0';
  fclose(f);
  return s;
}

/* Values of a '# args:' line, read by the trace's input types; false when
 * there is none. */
static bool read_args(const char *text, const armjit_trace *t, armjit_value *in) {
  const char *p = strstr(text, "# args:");
  if (!p) return false;
  p += 7;
  for (unsigned i = 0; i < armjit_trace_ninputs(t); i++) {
    char *end;
    in[i].bits = 0;
    switch (armjit_val_type(t, (armjit_val)i)) {
    case ARMJIT_INT: in[i].i = (int32_t)strtoll(p, &end, 0); break;
    case ARMJIT_FLOAT: in[i].f = strtod(p, &end); break;
    default: in[i].r = (uintptr_t)strtoull(p, &end, 0); break;
    }
    assert_true(end != p);
    p = end;
  }
  return true;
}

/* As `armjit run` does: the tokens a file declares call its own trace,
 * and a callee's guard gives its first value. */
static armjit_value first_value(void *ud, armjit_token *tok, armjit_frame *f) {
  (void)ud;
  (void)tok;
  armjit_value v = {.bits = 0};
  if (f->nvalues) v = f->values[0];
  return v;
}

static void bind_tokens(armjit_ctx *ctx, armjit_trace *t) {
  for (armjit_token *k = armjit_ctx_token_next(ctx, NULL); k; k = armjit_ctx_token_next(ctx, k))
    assert_int_equal(armjit_token_set_trace(k, t, NULL), ARMJIT_OK);
  armjit_ctx_set_assembler_helper(ctx, first_value, NULL);
}

static void roundtrip_file(armjit_ctx *ctx, const char *path) {
  char *text = slurp(path);
  if (!text) fail_msg("cannot read %s", path);
  fprintf(stderr, "  %s\n", path);
  /* parse, print, parse, print: same text, same trace. */
  armjit_trace *t1 = irs_roundtrip(ctx, text);
  /* The printed form runs like the original. */
  char *p1 = irs_print(t1);
  armjit_trace *t2 = irs_parse(ctx, p1);
  armjit_value in[256];
  assert_true(armjit_trace_ninputs(t1) <= 256);
  if (read_args(text, t1, in)) {
    armjit_frame *fa = (bind_tokens(ctx, t1), irs_run(ctx, t1, in, 10000000));
    armjit_frame *fb = (bind_tokens(ctx, t2), irs_run(ctx, t2, in, 10000000));
    bind_tokens(ctx, NULL);
    irs_assert_frames_equal(t1, fa, fb);
    armjit_frame_free(ctx, fa);
    armjit_frame_free(ctx, fb);
  }
  armjit_trace_free(t1);
  armjit_trace_free(t2);
  free(p1);
  free(text);
}

/* Round-trips every .ir file of a directory; returns how many. */
static unsigned roundtrip_dir(const char *sub) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/%s", ARMJIT_SOURCE_DIR, sub);
  DIR *d = opendir(dir);
  if (!d) return 0;
  unsigned n = 0;
  for (;;) {
    errno = 0;
    struct dirent *ent = readdir(d);
    if (!ent) break;
    size_t len = strlen(ent->d_name);
    if (len < 4 || strcmp(ent->d_name + len - 3, ".ir") != 0) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
    /* a context per file: the tokens a file declares are its own */
    armjit_ctx *ctx = armjit_ctx_new(NULL, NULL);
    assert_non_null(ctx);
    roundtrip_file(ctx, path);
    armjit_ctx_free(ctx);
    n++;
  }
  if (errno) fail_msg("reading %s: %s", dir, strerror(errno));
  closedir(d);
  return n;
}

static void test_examples(void **state) {
  (void)state;
  assert_true(roundtrip_dir("examples/traces") >= 3);
}

static void test_test_traces(void **state) {
  (void)state;
  unsigned n = roundtrip_dir("tests/traces");
  if (n == 0) skip(); /* nobody has added any yet */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_examples),
      cmocka_unit_test(test_test_traces),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
