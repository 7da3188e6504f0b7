/* SPDX-License-Identifier: MIT */
/* Descriptors: the memory layouts and call signatures that memory and call
 * ops refer to (docs/ir.md §10).  A trace owns its descriptors; ops hold
 * an index into t->descrs (ir_op.descr).  Read by the validator, printer,
 * interpreter and lowering.
 *
 * One address formula covers every memory op:
 *     address = p + base + index * item_size + offset
 * field: base = item_size = 0; array/str/unicode: offset = 0; interior:
 * all four; raw_load/raw_store use an array descr with item_size read as 1
 * (the index is a byte offset). */
#ifndef ARMJIT_IR_DESCR_H
#define ARMJIT_IR_DESCR_H

#include "ir/ir.h"

typedef enum {
  IR_DESCR_FIELD,
  IR_DESCR_ARRAY,
  IR_DESCR_INTERIOR,
  IR_DESCR_STR,
  IR_DESCR_UNICODE,
  IR_DESCR_CALL,
  IR_DESCR_TOKEN,       /* call_assembler's callee (ir/token.h) */
  IR_DESCR__COUNT
} ir_descr_kind;

typedef struct ir_descr {
  uint8_t kind;         /* ir_descr_kind */
  uint8_t type;         /* memory: the value's type; call: the result type */
  uint32_t size;        /* memory: bytes of the value (1, 2, 4, 8) */
  bool is_signed;       /* int values of size 1/2: sign-extend on load */
  bool has_len;         /* array/interior/str/unicode: len_offset is valid */
  int32_t base;         /* offset of item 0 (0 for fields) */
  int32_t offset;       /* field offset (inside the item for interior) */
  uint32_t item_size;   /* stride between items (0 for fields) */
  int32_t len_offset;   /* offset of the int32 length */
  /* calls */
  uint32_t nargs;
  uint8_t *args;        /* armjit_type per argument, the function excluded */
  unsigned flags;       /* ARMJIT_CALL_* */
  struct armjit_token *token; /* token: the context's token (its name is name) */
  /* text */
  char *name;           /* NULL: the printer makes one up */
  uint32_t line;        /* line of its declaration, 0 if built by API */
} ir_descr;

static inline const ir_descr *ir_descr_at(const armjit_trace *t, int32_t id) {
  return &t->descrs[id];
}

/* Lowest-level append: validated descriptor `d` (args and name copied). */
armjit_status ir_descr_add(armjit_trace *t, const ir_descr *d, int32_t *id);
void ir_descrs_free(armjit_trace *t);
/* Index of the descriptor named name[0..len), or -1. */
int32_t ir_descr_by_name(const armjit_trace *t, const char *name, size_t len);
/* Name descriptor id (its old name, if any, is replaced). */
armjit_status ir_descr_rename(armjit_trace *t, int32_t id, const char *name);

/* The properties of a descriptor, as the text form names them. */
typedef enum {
  IR_DK_KIND, IR_DK_OFFSET, IR_DK_SIZE, IR_DK_BASE, IR_DK_ITEM, IR_DK_LEN,
  IR_DK_SIGN, IR_DK_TYPE, IR_DK_ARGS, IR_DK_RESULT, IR_DK_FLAGS, IR_DK__COUNT
} ir_descr_key;

/* Checks a descriptor's fields (sizes, types, flags); on a problem writes a
 * message (no position), *bad = the offending property, returns false.
 * Natural sizes (0 for ref and float) must be resolved before. */
bool ir_descr_check(const ir_descr *d, ir_descr_key *bad, char *msg, size_t n);
/* The natural size of a ref (pointer) or float (double); 0 for int. */
uint32_t ir_natural_size(armjit_type ty);

/* "field", "array", ... */
const char *ir_descr_kind_name(unsigned kind);
/* Descriptor kinds op `opc` accepts (bit per ir_descr_kind), 0 if none. */
unsigned ir_op_descr_kinds(unsigned opc);
/* "an array or interior" for a set of kinds (bits as above). */
void ir_descr_kinds_text(unsigned kinds, char *buf, size_t n);
/* Its name in messages: the text name, else "#<id>". */
void ir_descr_desc(const armjit_trace *t, int32_t id, char *buf, size_t n);

/* The address a memory op touches for object p and index i. */
static inline uintptr_t ir_descr_addr(const ir_descr *d, uintptr_t p, int32_t i,
                                      bool raw) {
  uintptr_t stride = raw ? 1u : d->item_size;
  /* Unsigned arithmetic: wraps at the pointer width like the hardware. */
  return p + (uintptr_t)(intptr_t)d->base + (uintptr_t)(intptr_t)i * stride +
         (uintptr_t)(intptr_t)d->offset;
}

#endif
