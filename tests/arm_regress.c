/* 32-bit readdir fails with EOVERFLOW on filesystems with 64-bit inode
 * numbers (armhf under qemu on an x86-64 host) unless it is the LFS one. */
#define _FILE_OFFSET_BITS 64
/* Regression traces: every tests/traces/NAME.ir is parsed, compiled and run,
 * and compared with the interpreter, on the inputs of its "# args:"
 * header line (one per input, separated by blanks or commas: ints in decimal or hex,
 * refs in hex, floats as %.17g / nan / inf / -inf).  Each file runs with
 * normal allocation, with ARMJIT_RANDOM_RA under the seeds of
 * rt_regress_seed() plus any "# ra-seed: N" lines of the file, and with
 * ARMJIT_NO_IDIV.  Files come from minimized random-test failures. */
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
#include "randdiff.h"

#define TRACE_DIR ARMJIT_SOURCE_DIR "/tests/traces"

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) { free(buf); buf = NULL; }
      else buf = nb;
    }
  }
  fclose(f);
  if (buf) buf[n] = 0;
  return buf;
}

/* Parse the "# args:" line for the inputs of t.  Returns the number of
 * values parsed, or -1 on a malformed line. */
static int parse_args(const char *text, armjit_trace *t, armjit_value *out, unsigned max) {
  const char *p = strstr(text, "# args:");
  if (!p) return 0;
  p += 7;
  unsigned nin = armjit_trace_ninputs(t);
  if (nin > max) return -1;
  for (unsigned k = 0; k < nin; k++) {
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    char *end;
    memset(&out[k], 0, sizeof out[k]);
    switch (armjit_val_type(t, (armjit_val)k)) {
    case ARMJIT_INT: out[k].i = (int32_t)(uint32_t)strtoll(p, &end, 0); break;
    case ARMJIT_REF: out[k].r = (uintptr_t)strtoull(p, &end, 0); break;
    default: out[k].f = strtod(p, &end); break;
    }
    if (end == p) return -1;
    p = end;
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
  }
  return (int)nin;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One file in one context; returns true when compiled == interpreted. */
static bool check_file(const char *name, const char *text, const armjit_options *o,
                       const char *mode) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(o, &err);
  assert_non_null(ctx);
  armjit_trace *t = armjit_trace_parse(ctx, text, &err);
  if (!t) {
    fprintf(stderr, "%s:%d:%d: %s\n", name, err.line, err.col, err.msg);
    armjit_ctx_free(ctx);
    return false;
  }
  armjit_value in[1024];
  int n = parse_args(text, t, in, 1024);
  bool ok = n == (int)armjit_trace_ninputs(t);
  if (!ok) fprintf(stderr, "%s: bad or missing '# args:' line\n", name);
  if (ok) {
    /* in a child first: these traces once crashed or hung compiled code */
    char why[320];
    rt_verdict v = rt_diff_run_isolated(ctx, t, in, (uint32_t)n, 10000000, 5, why, sizeof why);
    ok = v == RT_SAME;
    if (v == RT_DIFF && strncmp(why, "exit status", 11) != 0) {
      fprintf(stderr, "==== %s (%s): %s\n", name, mode, why);
    } else if (!ok) {
      rt_diff d;
      v = rt_diff_run(ctx, t, in, (uint32_t)n, 10000000, &d);
      if (v == RT_ORACLE) fprintf(stderr, "%s: interpreter failed: %s\n", name, d.ierr.msg);
      if (v == RT_DIFF) {
        fprintf(stderr, "==== %s (%s): ", name, mode);
        rt_diff_report(stderr, t, in, (uint32_t)n, &d, true);
      }
      rt_diff_free(ctx, &d);
    }
  }
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  return ok;
}

static void test_regress(void **state) {
  (void)state;
  DIR *dir = opendir(TRACE_DIR);
  if (!dir) skip(); /* no regression traces yet */
  char **names = NULL;
  size_t n = 0;
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(dir);
    if (!e) break;
    size_t len = strlen(e->d_name);
    if (len < 4 || strcmp(e->d_name + len - 3, ".ir") != 0) continue;
    char **nn = realloc(names, (n + 1) * sizeof *names);
    assert_non_null(nn);
    names = nn;
    names[n] = strdup(e->d_name);
    assert_non_null(names[n]);
    n++;
  }
  if (errno) fail_msg("reading %s: %s", TRACE_DIR, strerror(errno));
  closedir(dir);
  qsort(names, n, sizeof *names, cmp_names);

  unsigned failed = 0;
  for (size_t i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TRACE_DIR, names[i]);
    char *text = read_file(path);
    assert_non_null(text);
    armjit_options o;
    memset(&o, 0, sizeof o);
    bool ok = check_file(names[i], text, &o, "normal RA");
    o.flags = ARMJIT_RANDOM_RA;
    for (unsigned k = 0; k < RT_REGRESS_SEEDS; k++) {
      o.seed = rt_regress_seed(k);
      ok &= check_file(names[i], text, &o, "random RA");
    }
    for (const char *q = text; (q = strstr(q, "# ra-seed:")); q++) {
      o.seed = (uint32_t)strtoul(q + 10, NULL, 0);
      ok &= check_file(names[i], text, &o, "random RA (file's seed)");
    }
    o.flags = ARMJIT_NO_IDIV;
    ok &= check_file(names[i], text, &o, "no-IDIV");
    failed += !ok;
    free(text);
    free(names[i]);
  }
  free(names);
  printf("regression traces: %zu files, %u failing\n", n, failed);
  assert_int_equal(failed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_regress),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
