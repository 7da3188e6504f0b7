/* SPDX-License-Identifier: MIT */
/* Lowering of memory ops by descriptor (one function per op family,
 * registered in cg_main.c's table). */
#ifndef ARMJIT_CG_MEM_H
#define ARMJIT_CG_MEM_H

#include "cg/cg_internal.h"

/* get/set field, array item, interior field, raw_load/raw_store, lengths,
 * str/unicode get/set item (cg_mem.c) */
void cg_lower_mem(cg *c, const ir_op *op);
/* copystrcontent, copyunicodecontent: a memmove call; zero_array: a
 * memset call (cg_copy.c) */
void cg_lower_copy_content(cg *c, const ir_op *op);
void cg_lower_zero_array(cg *c, const ir_op *op);

#endif
