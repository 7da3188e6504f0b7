/* SPDX-License-Identifier: MIT */
/* Exceptions in compiled code (docs/design.md, "exceptions"). */
#include "mc/mc_cg.h"

armjit_status mc_exc_supported(const armjit_module *m, armjit_error *err) {
  if (m->trap == ARMJIT_TRAP_SVC || m->trap == ARMJIT_TRAP_UDF || mir_trap_throws(m))
    return ajx_err(err, ARMJIT_E_UNSUPPORTED, "trap modes that throw are not compiled yet");
  for (uint32_t s = 0; s < m->nsyms; s++) {
    const mir_func *fn = m->syms[s].fn;
    if (!fn) continue;
    for (uint32_t b = 0; b < fn->nblocks; b++) {
      const mir_op *t = mir_term(fn, &fn->blocks[b]);
      if (fn->blocks[b].nhandlers || t->opc == ARMJIT_MOP_THROW || t->opc == ARMJIT_MOP_TRAP)
        return ajx_err(err, ARMJIT_E_UNSUPPORTED, "@%s: exceptions are not compiled yet",
                       m->syms[s].name);
    }
  }
  return ARMJIT_OK;
}
