/* SPDX-License-Identifier: MIT */
/* The armjit command-line tool as a function, so tests can drive it with
 * in-memory streams instead of spawning a process. */
#ifndef ARMJIT_TOOLS_CLI_H
#define ARMJIT_TOOLS_CLI_H

#include <stdio.h>

/* Runs `armjit argv[1..]`: normal output goes to out, diagnostics to err.
 * Returns the process exit status: 0 on success, 1 on usage or input
 * errors (bad file, syntax error, bad --args) and on compile/run errors. */
int armjit_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
