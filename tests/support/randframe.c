/* SPDX-License-Identifier: MIT */
/* randframe: printing frames. */
#include "randframe.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "randtrace.h"

void rt_print_frame(FILE *out, const armjit_trace *t, const armjit_frame *f) {
  armjit_exit_info info;
  if (f->exit_id < 0 || armjit_trace_exit_info(t, f->exit_id, &info) != ARMJIT_OK) {
    fprintf(out, "exit %d (unknown)\n", (int)f->exit_id);
    return;
  }
  fprintf(out, "exit %d (%s%s%s): [", (int)f->exit_id,
          info.kind == ARMJIT_EXIT_GUARD ? "guard" : "finish", info.name ? " " : "",
          info.name ? info.name : "");
  for (uint32_t k = 0; k < f->nvalues; k++) {
    armjit_type ty = k < info.nvalues ? info.types[k] : ARMJIT_INT;
    if (k) fputs(", ", out);
    rt_print_value(out, ty, f->values[k]);
    if (ty == ARMJIT_FLOAT && (f->values[k].f == 0 || isnan(f->values[k].f)))
      fprintf(out, " [0x%016llx]", (unsigned long long)f->values[k].bits);
  }
  fputs("]\n", out);
}
