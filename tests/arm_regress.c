/* SPDX-License-Identifier: MIT */
/* 32-bit readdir fails with EOVERFLOW on filesystems with 64-bit inode
 * numbers (armhf under qemu on an x86-64 host) unless it is the LFS one. */
#define _FILE_OFFSET_BITS 64
/* Regression traces: every tests/traces/NAME.ir and tests/traces/env/NAME.ir
 * is parsed, compiled and run, and compared with the interpreter.
 *
 * tests/traces/: inputs from the "# args:" line (one per input, separated
 * by blanks or commas: ints in decimal or hex, refs in hex, floats as
 * %.17g / nan / inf / -inf).
 * tests/traces/env/: traces with memory ops and calls, run in the arena
 * and with the helpers of tests/support/randenv.h: "# env-seed: N" gives
 * the arena's contents, "# env-args:" the inputs, with arena objects
 * written objK.  Memory and the pending exception are compared too.
 *
 * Each file runs with normal allocation, with ARMJIT_RANDOM_RA under the
 * seeds of rt_regress_seed() plus any "# ra-seed: N" lines of the file,
 * and with ARMJIT_NO_IDIV.  Files come from minimized random-test
 * failures; each run is isolated in a child process, as some once crashed
 * or hung. */
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
#include "randenv.h"

#define TRACE_DIR ARMJIT_SOURCE_DIR "/tests/traces"
#define MAX_STEPS 10000000
#define TIMEOUT_S 5

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

/* Parse the args line (`key`: "# args:" or "# env-args:") for the inputs
 * of t; objK needs env.  Returns the number of values parsed, or -1. */
static int parse_args(const char *text, const char *key, armjit_trace *t, const rt_env *env,
                      armjit_value *out, unsigned max) {
  const char *p = strstr(text, key);
  if (!p) return -1;
  p += strlen(key);
  unsigned nin = armjit_trace_ninputs(t);
  if (nin > max) return -1;
  for (unsigned k = 0; k < nin; k++) {
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    char *end;
    memset(&out[k], 0, sizeof out[k]);
    armjit_type ty = armjit_val_type(t, (armjit_val)k);
    if (ty == ARMJIT_REF && env && strncmp(p, "obj", 3) == 0) {
      unsigned long o = strtoul(p + 3, &end, 10);
      if (end == p + 3 || o >= RT_NOBJS) return -1;
      out[k].r = rt_env_obj(env, (unsigned)o);
    } else if (ty == ARMJIT_INT) {
      out[k].i = (int32_t)(uint32_t)strtoll(p, &end, 0);
    } else if (ty == ARMJIT_REF) {
      out[k].r = (uintptr_t)strtoull(p, &end, 0);
    } else if (ty == ARMJIT_I64) { /* decimal, as rt_print_value writes it */
      out[k].l = (int64_t)strtoll(p, &end, 10);
    } else if (ty == ARMJIT_F32) { /* exact: the f32's double value */
      out[k].s = (float)strtod(p, &end);
    } else {
      out[k].f = strtod(p, &end);
    }
    if (end == p) return -1;
    p = end;
  }
  return (int)nin;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One file in one context; returns true when compiled == interpreted. */
static bool check_file(const char *name, const char *text, bool with_env,
                       const armjit_options *o, const char *mode) {
  armjit_error err;
  armjit_ctx *ctx = rt_ctx_new(o);
  assert_non_null(ctx);
  rt_env env, *e = NULL;
  if (with_env) {
    const char *s = strstr(text, "# env-seed:");
    assert_true(rt_env_init(&env, s ? strtoull(s + 11, NULL, 0) : 0));
    e = &env;
  }
  armjit_trace *t = armjit_trace_parse(ctx, text, &err);
  bool ok = t != NULL;
  if (!t) fprintf(stderr, "%s:%d:%d: %s\n", name, err.line, err.col, err.msg);
  armjit_value in[1024];
  int n = ok ? parse_args(text, with_env ? "# env-args:" : "# args:", t, e, in, 1024) : -1;
  if (ok && n != (int)armjit_trace_ninputs(t)) {
    fprintf(stderr, "%s: bad or missing %s line\n", name, with_env ? "'# env-args:'" : "'# args:'");
    ok = false;
  }
  if (ok) {
    char why[320];
    rt_verdict v = rt_diff_run_isolated(ctx, t, in, (uint32_t)n, e, MAX_STEPS, TIMEOUT_S, why,
                                        sizeof why);
    ok = v == RT_SAME;
    if (v == RT_DIFF && strncmp(why, "exit status", 11) != 0) {
      fprintf(stderr, "==== %s (%s): %s\n", name, mode, why);
    } else if (!ok) { /* not a crash: rerun here for the details */
      rt_diff d;
      v = rt_diff_run(ctx, t, in, (uint32_t)n, e, MAX_STEPS, &d);
      if (v == RT_ORACLE) fprintf(stderr, "%s: interpreter failed: %s\n", name, d.ierr.msg);
      if (v == RT_DIFF) {
        fprintf(stderr, "==== %s (%s): ", name, mode);
        rt_diff_report(stderr, t, NULL, in, (uint32_t)n, &d, true);
      }
      rt_diff_free(ctx, &d);
    }
  }
  if (t) armjit_trace_free(t);
  if (e) rt_env_free(e);
  armjit_ctx_free(ctx);
  return ok;
}

/* Sorted .ir names of a directory (NULL and *n = 0 when it does not exist). */
static char **list_dir(const char *dir, size_t *n) {
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) return NULL;
  char **names = NULL;
  for (;;) {
    errno = 0;
    struct dirent *ent = readdir(d);
    if (!ent) break;
    size_t len = strlen(ent->d_name);
    if (len < 4 || strcmp(ent->d_name + len - 3, ".ir") != 0) continue;
    char **nn = realloc(names, (*n + 1) * sizeof *names);
    assert_non_null(nn);
    names = nn;
    names[*n] = strdup(ent->d_name);
    assert_non_null(names[*n]);
    (*n)++;
  }
  if (errno) fail_msg("reading %s: %s", dir, strerror(errno));
  closedir(d);
  if (*n) qsort(names, *n, sizeof *names, cmp_names);
  return names;
}

/* Every file of a directory in every mode; returns the number of files. */
static size_t check_dir(const char *dir, bool with_env, unsigned *failed) {
  size_t n;
  char **names = list_dir(dir, &n);
  for (size_t i = 0; i < n; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    char *text = read_file(path);
    assert_non_null(text);
    armjit_options o;
    memset(&o, 0, sizeof o);
    bool ok = check_file(names[i], text, with_env, &o, "normal RA");
    o.flags = ARMJIT_RANDOM_RA;
    for (unsigned k = 0; k < RT_REGRESS_SEEDS; k++) {
      o.seed = rt_regress_seed(k);
      ok &= check_file(names[i], text, with_env, &o, "random RA");
    }
    for (const char *q = text; (q = strstr(q, "# ra-seed:")); q++) {
      o.seed = (uint32_t)strtoul(q + 10, NULL, 0);
      ok &= check_file(names[i], text, with_env, &o, "random RA (file's seed)");
    }
    o.flags = ARMJIT_NO_IDIV;
    ok &= check_file(names[i], text, with_env, &o, "no-IDIV");
    *failed += !ok;
    free(text);
    free(names[i]);
  }
  free(names);
  return n;
}

static void test_regress(void **state) {
  (void)state;
  unsigned failed = 0;
  size_t n = check_dir(TRACE_DIR, false, &failed);
  size_t ne = check_dir(TRACE_DIR "/env", true, &failed);
  printf("regression traces: %zu files, %zu with memory/calls, %u failing\n", n + ne, ne,
         failed);
  if (n + ne == 0) skip(); /* none yet */
  assert_int_equal(failed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_regress),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
