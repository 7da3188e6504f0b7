/* SPDX-License-Identifier: MIT */
/* The validator of the method IR (docs/mir.md, "rules"). */
#include "mc/mir_impl.h"

armjit_status mir_validate(armjit_module *m, armjit_error *err) {
  return ajx_err(err, ARMJIT_E_UNSUPPORTED, "module validation is not implemented yet");
  (void)m;
}

armjit_status armjit_module_validate(armjit_module *m, armjit_error *err) {
  ajx_err_clear(err);
  if (!m) return ajx_err(err, ARMJIT_E_ARG, "armjit_module_validate: module is NULL");
  if (m->builder_err.code != ARMJIT_OK) {
    if (err) *err = m->builder_err;
    return m->builder_err.code;
  }
  if (m->validated) return ARMJIT_OK;
  armjit_status st = mir_validate(m, err);
  m->validated = st == ARMJIT_OK;
  return st;
}
