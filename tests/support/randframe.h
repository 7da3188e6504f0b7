/* SPDX-License-Identifier: MIT */
/* randframe — printing run results (frames) of a trace for reports.
 * (Comparison is irs_frames_equal in ir_support.h.) */
#ifndef ARMJIT_TESTS_RANDFRAME_H
#define ARMJIT_TESTS_RANDFRAME_H

#include <stdio.h>

#include "armjit.h"

/* "exit 3 (guard g7): [1, 0x10, nan [0x7ff8000000000000]]" */
void rt_print_frame(FILE *out, const armjit_trace *t, const armjit_frame *f);

#endif
