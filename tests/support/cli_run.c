/* SPDX-License-Identifier: MIT */
#include "cli_run.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

cli_result run_cli(const char *arg0, ...) {
  char *argv[32];
  int argc = 0;
  argv[argc++] = "armjit";
  va_list ap;
  va_start(ap, arg0);
  for (const char *a = arg0; a; a = va_arg(ap, const char *)) {
    assert_true(argc < 31);
    argv[argc++] = (char *)a;
  }
  va_end(ap);
  argv[argc] = NULL;
  cli_result r;
  size_t no, ne;
  FILE *out = open_memstream(&r.out, &no), *err = open_memstream(&r.err, &ne);
  assert_non_null(out);
  assert_non_null(err);
  r.rc = armjit_cli_main(argc, argv, out, err);
  fclose(out);
  fclose(err);
  return r;
}

void free_result(cli_result *r) {
  free(r->out);
  free(r->err);
}

char *write_temp(const char *text) {
  static const char tmpl[] = "/tmp/armjit_cli_XXXXXX";
  char *path = malloc(sizeof tmpl);
  assert_non_null(path);
  memcpy(path, tmpl, sizeof tmpl);
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  return path;
}

char *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = 0;
  fclose(f);
  if (size) *size = (size_t)n;
  return s;
}
