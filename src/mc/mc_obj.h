/* SPDX-License-Identifier: MIT */
/* An object as the module compiler keeps it (mc_link.c compiles and
 * loads, mc_obj.c lays out its data and shows it to linkers, mc_image.h).
 *
 *   code      one buffer: the functions of .text in module order, then
 *             what exceptions add (the unwinder, the SVC body), then the
 *             builtin run-time helpers the code calls (functions of the
 *             helpers' module, mc_helpers.h),
 *             then each named code section (one that holds functions, in
 *             the order the module first names them) with its functions
 *             and its rodata in module order (the data at its aligned
 *             offset, its words holding addresses as records).  Each code
 *             section is a byte range of the buffer, aligned to its
 *             largest data alignment (at least 4).  Code never
 *             branches by label from one section into another (mc_mod_call
 *             goes through movw/movt ip, blx ip): sections may be placed
 *             apart.
 *   data      sections after the code ones: .rodata, .data, .bss, then the
 *             named data sections, then armjit_fntab (the exception
 *             function table, when exceptions need it); each data symbol
 *             (but those of code sections) at its aligned offset
 *             (at least 4 when it holds addresses), bytes copied from the
 *             module, and the words holding addresses as records.
 * Names (symbols, sections) point into the module, which outlives the
 * object. */
#ifndef ARMJIT_MC_OBJ_H
#define ARMJIT_MC_OBJ_H

#include "mc/mc_cg.h"
#include "mc/mc_image.h"

typedef struct {
  char *name;
  const armjit_module *m; /* its module: the object's, or the builtin helpers' */
  uint32_t start, end; /* byte range in the code (its constant pool first) */
  uint32_t entry;      /* its first instruction */
  uint32_t tail;       /* the epilogue */
  uint32_t sym;         /* in m */
  uint32_t sec;        /* its code section */
  uint32_t *op_off;    /* per op of the function */
} mc_fnrec;

typedef struct {
  const char *name;
  mc_lsec_kind kind;
  uint32_t start, size; /* code: its range of the buffer; data: its size */
  uint32_t align;
  uint8_t *bytes;       /* data sections but bss: the initial bytes */
} mc_osec;

typedef struct {
  uint32_t sym;         /* module symbol */
  uint32_t sec, off;
  uint32_t from;        /* in a code section: where its padding starts (<= off) */
} mc_odata;

typedef struct {
  uint32_t sec, at;     /* the word at `at` of section sec (data, or code holding data) */
  const char *target;   /* holds this symbol's address + addend; NULL: */
  int32_t addend;
  uint32_t tsec;        /* the address of section tsec + addend (a place in the code) */
} mc_orel;

struct armjit_object {
  armjit_ctx *ctx;
  const armjit_module *m;
  armjit_module *helpers; /* the builtin helpers' module (mc_helpers.h), NULL: none used */
  a32_buf *b;
  mc_fnrec *fns;
  uint32_t nfns;
  mc_osec *secs;        /* code sections (ncode: .text first), then data ones */
  uint32_t nsecs, ncode;
  mc_odata *data;
  uint32_t ndata;
  mc_orel *drel;
  uint32_t ndrel;
  mc_image *img;        /* the last armjit_object_link */
  uint32_t exc_sec;     /* the section of the function table (armjit_fntab), UINT32_MAX */
};

/* A local symbol at the module's record (mc_exc.c). */
#define MC_EXC_RECORD "__armjit_fntab"
/* The module's function table as section MC_EXC_TABLE (its record, with
 * its words holding addresses as o->drel records), after the data
 * sections (mc_exc.c).  ARMJIT_E_NOMEM. */
armjit_status mc_exc_table(armjit_object *o, mc_exc *x, armjit_error *err);

/* Room for every data symbol and data word of the module in o->data and
 * o->drel.  false: out of memory. */
bool mc_obj_alloc_data(armjit_object *o);
/* The section of o named `name` (UINT32_MAX: none). */
uint32_t mc_obj_sec(const armjit_object *o, const char *name);
/* Data symbol s of the module into code section sec (b's end), at its
 * alignment (zeros before it), its bytes as words, the words holding
 * addresses as o->drel records with the addend in the word; l is bound
 * at its first byte (code takes its address by the label). */
void mc_obj_emit_data(armjit_object *o, a32_buf *b, uint32_t sec, uint32_t s, a32_label l);
/* The data sections of o from its module (after its code sections), the
 * data of code sections left where mc_obj_emit_data put it.
 * ARMJIT_E_NOMEM, ARMJIT_E_LIMIT (a section beyond 4 GiB). */
armjit_status mc_obj_layout_data(armjit_object *o, armjit_error *err);
void mc_obj_free_data(armjit_object *o);
/* The code section of buffer offset `at` (the last one starting at or before it). */
uint32_t mc_obj_code_sec(const armjit_object *o, uint32_t at);

#endif
