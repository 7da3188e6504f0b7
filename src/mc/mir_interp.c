/* SPDX-License-Identifier: MIT */
/* The reference interpreter of the method IR (docs/mir.md). */
#include "mc/mir_impl.h"

armjit_status armjit_mc_interpret(armjit_module *m, const char *name, const armjit_mval *args,
                                  unsigned nargs, armjit_mval *result,
                                  armjit_interp_options *o, armjit_error *err) {
  (void)name;
  (void)args;
  (void)nargs;
  (void)result;
  (void)o;
  armjit_status st = armjit_module_validate(m, err);
  if (st != ARMJIT_OK) return st;
  return ajx_err(err, ARMJIT_E_UNSUPPORTED, "the method IR interpreter is not implemented yet");
}
