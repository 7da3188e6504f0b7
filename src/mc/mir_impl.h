/* SPDX-License-Identifier: MIT */
/* What the files of the method IR front half share beyond mir.h: raw
 * appends (no checks but room), the builder's sticky error, names, the one
 * operand type checker (builder, parser and validator all use it), and the
 * text helpers of the printer and parser. */
#ifndef ARMJIT_MC_MIR_IMPL_H
#define ARMJIT_MC_MIR_IMPL_H

#include "ir/lex.h"
#include "mc/mir.h"

#include <stdarg.h>

/* Remember the first builder misuse (sticky); returns code. */
armjit_status mir_fail(armjit_module *m, armjit_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A C identifier of at most MIR_NAME_MAX bytes. */
bool mir_name_ok(const char *s, size_t n);
int32_t mir_find_sym(const armjit_module *m, const char *name, size_t n);

/* Raw appends: ARMJIT_OK, ARMJIT_E_NOMEM or ARMJIT_E_LIMIT. */
armjit_status mir_add_sym(armjit_module *m, uint8_t kind, const char *name, size_t n,
                          const uint8_t *params, uint32_t nparams, uint8_t result,
                          uint32_t *out);
armjit_status mir_add_value(armjit_ctx *ctx, mir_func *fn, uint8_t type, bool is_param,
                            uint32_t block, uint32_t def, uint32_t *out);
/* A block after the others; its parameters become values (types may be
 * NULL: VOID, filled later by the parser). */
armjit_status mir_add_block(armjit_module *m, mir_func *fn, const uint8_t *params,
                            uint32_t nparams, uint32_t *out);
armjit_status mir_add_const(armjit_ctx *ctx, mir_func *fn, uint8_t type, uint64_t bits,
                            mir_ref *out);
/* An op like *proto (opc, sub, flags, rtype, sym, imm, line/col) at the end
 * of `block`, with a result value when proto->rtype is not VOID and nedges
 * zeroed edges (mir_set_edge fills them). */
armjit_status mir_add_op(armjit_ctx *ctx, mir_func *fn, uint32_t block, const mir_op *proto,
                         const mir_ref *args, uint32_t nargs, uint32_t nedges, uint32_t *out);
armjit_status mir_set_edge(armjit_ctx *ctx, mir_func *fn, uint32_t opi, uint32_t k,
                           uint32_t target, int32_t key, const mir_ref *args, uint32_t n);
void mir_func_free(armjit_ctx *ctx, mir_func *fn);

/* Suffix text of an op (NULL: none) and whether sub is a legal suffix. */
const char *mir_suffix_name(const mir_opinfo *in, unsigned sub);
bool mir_suffix_ok(const mir_opinfo *in, unsigned sub);

/* The result type an op's text gives (its rule letter with sub and, for
 * call, the callee's signature). */
uint8_t mir_result_type(const armjit_module *m, unsigned opc, unsigned sub, int32_t sym);

/* The type operand k of an op must have, given its other operands
 * (args[0..n); MIR_NONE where not known yet, e.g. a literal the parser
 * has still to type): a type, or VOID when any of several is fine and
 * nothing decides it, with *alts the bit set (1u << armjit_mtype) of the
 * allowed ones (0 when the operand has no place: too many).  For calls, k
 * counts all operands (call_ind: target first).  The parser types literals
 * with it; mir_check_operands checks every operand with it. */
uint8_t mir_operand_type(const armjit_module *m, const mir_func *fn, const mir_op *op,
                         const mir_ref *args, uint32_t n, uint32_t k, unsigned *alts);
/* The type an untyped literal (is_float: written as a float) gets as
 * operand k of op (docs/mir.md §3.3): mir_operand_type with every constant
 * operand ignored, then i32 / f64 where several types would do; VOID when
 * none fits.  The parser types literals with it, and the printer writes a
 * constant bare exactly when this gives the constant's type. */
uint8_t mir_literal_type(const armjit_module *m, const mir_func *fn, const mir_op *op,
                         const mir_ref *args, uint32_t n, uint32_t k, bool is_float);
/* Type of an operand of fn: VOID for MIR_NONE or an out-of-range handle. */
uint8_t mir_ref_type_safe(const mir_func *fn, mir_ref r);

/* Check the operand types and counts of one non-terminator op (or the
 * operand of cbr / switch / ret), as the builder and the validator do.
 * On a problem: false, msg filled ("operand 2 is f64, expected i32"; the
 * caller names the op), *code the status. */
bool mir_check_operands(const armjit_module *m, const mir_func *fn, const mir_op *op,
                        const mir_ref *args, uint32_t nargs, armjit_status *code, char *msg,
                        size_t cap);

/* A new symbol (checked name, types, no duplicate); functions get their
 * entry block when `entry` (mir_build.c).  -1 with the builder's error. */
armjit_sym mir_build_sym(armjit_module *m, const char *who, uint8_t kind, const char *name,
                         const armjit_mtype *params, unsigned n, armjit_mtype result, bool entry);

/* ---- raw functions (mir_raw.c) ---- */
void mir_raw_free(armjit_ctx *ctx, mir_raw *r);
/* Check raw's relocations against m, rewrite the words' fields and make
 * it function s's body (raw is the module's then); else ARMJIT_E_INVALID
 * with msg (raw still the caller's). */
armjit_status mir_raw_attach(armjit_module *m, uint32_t s, mir_raw *raw, char *msg, size_t cap);
/* Buffer b's bytes and records into raw (empty) as the body of symbol
 * self (not checked yet: mir_raw_attach does); false with msg. */
bool mir_raw_from_buf(armjit_module *m, uint32_t self, const a32_buf *b, mir_raw *raw,
                      char *msg, size_t cap);
/* The text line "stub_itable @NAME class N itable N (miss @SYM | udf N)"
 * after the name, in pass 2 (every symbol known): the stub's body for
 * symbol self (mc_subr.c). */
armjit_status mir_stub_parse(ir_lex *lx, armjit_module *m, uint32_t self);
/* A raw function symbol whose body a stub_itable line gives in pass 2. */
#define MIR_RAW_STUB_PENDING (1u << 31)
/* Validator: a call of a nocall raw function (*bad_op the op). */
armjit_status mir_raw_check_calls(const armjit_module *m, const mir_func *fn, uint32_t *bad_op,
                                  char *msg, size_t cap);
/* Text: " clobbers(r4, d8) nocall", the body lines; the parser's header
 * word (clobbers(...) / nocall: *taken) and the body up to its '}'. */
void mir_raw_put_attrs(ajx_sbuf *sb, const mir_raw *r);
void mir_raw_put_body(ajx_sbuf *sb, const armjit_module *m, const mir_raw *r);
armjit_status mir_raw_parse_attr(ir_lex *lx, const char *s, size_t n, uint32_t col,
                                 mir_raw *r, bool *taken);
armjit_status mir_raw_parse_body(ir_lex *lx, armjit_module *m, uint32_t self);

/* ---- exceptions (mir_exc.c) ---- */
/* Take the exc_* names of o (builder misuse remembered). */
void mir_exc_options(armjit_module *m, const armjit_module_options *o);
/* Set callback k's name (parser); ARMJIT_OK or ARMJIT_E_NOMEM. */
armjit_status mir_exc_set(armjit_module *m, unsigned k, const char *name, size_t n,
                          uint32_t line, uint32_t col);
/* Append a handler list to block bi of fn (raw). */
armjit_status mir_set_handlers(armjit_ctx *ctx, mir_func *fn, uint32_t bi,
                               const mir_handler *h, uint32_t n);

/* ---- function kinds and attributes (mir_kinds.c) ---- */
typedef struct { const char *name; unsigned flag; } mir_fattr;
int mir_fkind_find(const char *s, size_t n);               /* armjit_fkind or -1 */
const mir_fattr *mir_fattr_find(const char *s, size_t n);  /* a flag word, or NULL */
/* " naked", " interrupt(irq) save_vfp", ... (nothing for a plain function). */
void mir_put_func_attrs(ajx_sbuf *sb, const mir_func *fn);
/* The rules of kinds and flags over fn's body: ARMJIT_OK, or the status
 * with *bad_op the offending op (UINT32_MAX: the function) and msg. */
armjit_status mir_kinds_check(const armjit_module *m, const mir_func *fn, uint32_t *bad_op,
                              char *msg, size_t cap);

/* ---- data and sections (mir_data.c) ---- */
/* The printer's pieces (the parser's are in mir_data.h): a data symbol's
 * line, a function's " local section(...)" words. */
void mir_put_data(ajx_sbuf *sb, const armjit_module *m, const mir_sym *y);
void mir_put_sym_attrs(ajx_sbuf *sb, const mir_sym *y);
void mir_data_free(armjit_ctx *ctx, mir_data *d);
/* A valid section name (".vectors"): '.' then letters, digits, '_', '.',
 * '$' or '-', at most 63 bytes, none of the four standard ones. */
bool mir_section_name_ok(const char *s, size_t n);

/* ---- the immediates of the intrinsics (mir_hw.c) ---- */
/* Does op take its immediates in the intrinsics' way (first, in the
 * text; mir_hw_imm_* below)?  May the text leave them out (barriers:
 * option sy)? */
bool mir_hw_has_imms(unsigned opc);
bool mir_hw_imms_optional(unsigned opc, int32_t *dflt);
/* Immediate k of opc from its text: a word (is_word) or an integer v.
 * false with msg ("coprocessor out of range 0..15") on a bad one. */
bool mir_hw_imm_parse(unsigned opc, unsigned k, bool is_word, const char *s, size_t n,
                      int64_t v, int32_t *out, char *msg, size_t cap);
void mir_hw_imm_put(ajx_sbuf *sb, unsigned opc, unsigned k, int32_t v);
/* Every immediate of op in its field's range (builder and validator). */
bool mir_hw_imms_ok(const mir_op *op, char *msg, size_t cap);

/* Names for messages and the printer: "@f", "block b<N>" / the name. */
void mir_op_text(const mir_op *op, char *buf, size_t cap); /* "add.i32" */

#endif
