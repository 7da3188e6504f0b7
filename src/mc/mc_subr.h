/* SPDX-License-Identifier: MIT */
/* Subroutines made of machine code rather than IR (docs/mir.md, "raw
 * functions", "interface dispatch"):
 *
 *  - raw functions (mir_raw.c builds and checks them): compiling one
 *    copies its words into the module's code at its label, turning each
 *    relocation into the a32 record or label reference a compiled call
 *    would make (mc_raw_emit), so the flat-image linker, the ELF writer
 *    and the host loader see them like any other;
 *  - generated subroutines written with the a32 assembler into a raw
 *    function when the module asks for one (armjit_stub_itable): they exist
 *    only when requested and link like any function.
 *
 * The subroutines exceptions need (__armjit_throw, __armjit_unwind,
 * __armjit_trap_svc, mc_exc.c) are raw functions made the same way, of
 * the run-time helpers' module: an object gets those it uses with the
 * helpers (mc_link.c).  The chained-fixup loader (__armjit_fixup,
 * mc_image.c) is written with the assembler by the flat-image linker into
 * the image's pool when the link chains fixups. */
#ifndef ARMJIT_MC_SUBR_H
#define ARMJIT_MC_SUBR_H

#include "mc/mc_cg.h"

/* Raw function `sym` of m into b at its label (*entry: its offset).  On
 * failure (out of memory; ARMJIT_E_INVALID for a branch to a function of
 * another section) msg says so. */
armjit_status mc_raw_emit(mc_mod *mm, const armjit_module *m, uint32_t sym, a32_buf *b,
                          uint32_t *entry, char *msg, size_t cap);

#endif
