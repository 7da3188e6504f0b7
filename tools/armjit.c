/* SPDX-License-Identifier: MIT */
/* armjit — run, disassemble or print text IR traces (see tools/cli.c). */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv) { return armjit_cli_main(argc, argv, stdout, stderr); }
