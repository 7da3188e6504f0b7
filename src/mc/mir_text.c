/* SPDX-License-Identifier: MIT */
/* The text form of the method IR: parser and printer (docs/mir.md). */
#include "mc/mir_impl.h"

armjit_module *armjit_module_parse(armjit_ctx *ctx, const char *text, armjit_error *err) {
  (void)ctx;
  (void)text;
  ajx_err(err, ARMJIT_E_UNSUPPORTED, "the method IR parser is not implemented yet");
  return NULL;
}

int armjit_module_print(const armjit_module *m, FILE *out) {
  (void)m;
  (void)out;
  return -1;
}

char *armjit_module_to_string(const armjit_module *m) {
  (void)m;
  return NULL;
}
