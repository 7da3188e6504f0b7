/* SPDX-License-Identifier: MIT */
/* cli_run.h — drive the armjit tool in-process (armjit_cli_main; tests
 * named *_cli link the CLI's objects) and handle its files: run it on an
 * argument list, capture stdout and stderr; write a temporary input file;
 * read a whole file back. */
#ifndef ARMJIT_TESTS_CLI_RUN_H
#define ARMJIT_TESTS_CLI_RUN_H

#include <stddef.h>

typedef struct {
  int rc;
  char *out, *err; /* what it printed (NUL-terminated; free_result) */
} cli_result;

/* armjit ARG0 ARGS... (NULL-terminated, at most 30). */
cli_result run_cli(const char *arg0, ...);
void free_result(cli_result *r);
/* A new temporary file holding `text`: its path (malloc'd; unlink and
 * free it). */
char *write_temp(const char *text);
/* The whole file (malloc'd, NUL-terminated); *size its length when not NULL. */
char *slurp(const char *path, size_t *size);

#endif
