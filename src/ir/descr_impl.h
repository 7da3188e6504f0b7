/* SPDX-License-Identifier: MIT */
/* The descriptor, call, exception and forcing parts of src/ir that the
 * builder, parser, validator, printer and interpreter call into.  Other
 * layers use descr.h. */
#ifndef ARMJIT_IR_DESCR_IMPL_H
#define ARMJIT_IR_DESCR_IMPL_H

#include "ir/descr.h"
#include "ir/ir_impl.h"

/* Ops handled here rather than by the base op code: everything that has a
 * descriptor, touches memory, calls out or uses the runtime state. */
static inline bool ir_is_ext_op(unsigned opc) {
  return (ir_info(opc)->flags & (ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD | ARMJIT_OPF_STORE |
                                 ARMJIT_OPF_CALL | ARMJIT_OPF_RT)) != 0;
}

/* ---- rules (sig_descr.c, validate_ext.c) ----------------------------------- */
/* Signature of a descriptor op: arity and argument types against the op
 * table, with 'd' letters and call arguments from descriptor `id` (which
 * must be of a kind the op accepts).  On a problem: false, *arg = the
 * offending argument (-1: arity), *code and a message.  *res gets the
 * result type. */
bool ir_check_descr_sig(const armjit_trace *t, const ir_srcmap *sm, unsigned opc,
                        int32_t id, const ir_ref *args, uint32_t nargs, armjit_type *res,
                        armjit_status *code, int *arg, char *msg, size_t n);

typedef struct {
  armjit_status code;
  ir_at_kind at;
  uint32_t idx;
  char msg[200];
} ir_ext_problem;
/* Every rule of ext op `i` (descriptor, signature, call/guard ordering);
 * false with the problem located.  *res gets its result type. */
bool ir_check_ext_op(const armjit_trace *t, const ir_srcmap *sm, uint32_t i,
                     armjit_type *res, ir_ext_problem *p);

/* ---- text (parse_descr.c, print_descr.c) ------------------------------------- */
/* Where the parser is: the cursor is advanced past what was read; errors
 * get line:column from it. */
typedef struct {
  armjit_trace *t;
  armjit_error *err;
  const char *p, *ls;   /* cursor, start of its line */
  uint32_t line;
} ir_textpos;

/* "descr NAME = KIND(...)" with the cursor just after "descr". */
armjit_status ir_parse_descr_decl(ir_textpos *tp);
/* "sym(NAME)" with the cursor just after "sym": a ref constant holding
 * the address registered under NAME. */
armjit_status ir_parse_sym(ir_textpos *tp, ir_ref *out);
/* descr=NAME on a descriptor op: finds the descriptor, checks its kind
 * and whether the op is written with a result; *rtype is the result type. */
typedef struct {
  unsigned opc;
  const char *name;     /* descr=NAME, or NULL when missing */
  size_t len;
  uint32_t col, opcol, rescol;
  bool has_res;
} ir_descr_use;
armjit_status ir_parse_descr_use(ir_textpos *tp, const ir_descr_use *u, int32_t *id,
                                 armjit_type *rtype);

/* The printer's view: each descriptor's name (its own, or a generated
 * "D<id>" clashing with no other name) and the declaration lines. */
typedef struct {
  char **names;
  char *decls;          /* "descr NAME = ...\n" per descriptor, malloc'd */
} ir_descr_text;
bool ir_descr_text_make(const armjit_trace *t, ir_descr_text *out);
void ir_descr_text_free(const armjit_trace *t, ir_descr_text *dt);
/* "sym(NAME)" into buf when addr is a registered symbol of t's context. */
bool ir_format_sym(const armjit_trace *t, uintptr_t addr, char *buf, size_t n);

/* ---- builder (builder.c) ------------------------------------------------------ */
/* builder.c's handle check, for builder_descr.c. */
armjit_status ir_builder_check_refs(armjit_trace *t, const char *fn, const char *what,
                                    const ir_ref *refs, unsigned n, unsigned limit);

/* ---- interpreter (interp_ext.c) ------------------------------------------------ */
typedef struct {
  uintptr_t force_flag;   /* the activation's force word: force_token is &it */
} ir_interp_rt;
/* Executes ext op `op` (args from vals/constants).  Value ops store their
 * result in *res; guards set *pass.  Non-OK only when the interpreter
 * itself cannot go on (libffi refused the call, out of memory). */
armjit_status ir_interp_ext(const armjit_trace *t, const ir_op *op, const armjit_value *vals,
                            ir_interp_rt *rt, armjit_value *res, bool *pass,
                            armjit_error *err);

#endif
