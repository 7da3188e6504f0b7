/* SPDX-License-Identifier: MIT */
/* The text form of data and sections for the parser (mir_data.c; docs/mir.md,
 * "data"), on its cursor. */
#ifndef ARMJIT_MC_MIR_DATA_H
#define ARMJIT_MC_MIR_DATA_H

#include "ir/lex.h"
#include "mc/mir_impl.h"

/* A line "data @NAME ..." after its first word (read at column col): the
 * symbol is added to m. */
armjit_status mir_parse_data(armjit_module *m, ir_lex *lx, uint32_t col);
/* `("NAME")` after the word section: *out a copy of the name. */
armjit_status mir_parse_section(armjit_module *m, ir_lex *lx, char **out);
/* After the top level: the symbols the data lines name (errors at their
 * line:column). */
armjit_status mir_data_resolve(armjit_module *m, armjit_error *err);

#endif
