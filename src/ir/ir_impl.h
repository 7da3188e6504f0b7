/* SPDX-License-Identifier: MIT */
/* Internals shared by the files of src/ir only.  Other layers use ir.h and
 * descr.h.  The files, by concern:
 *   opinfo.c    types and the op table (names, signatures, flags)
 *   trace.c     the trace container, raw appends, guard/label names
 *   builder.c   the public builder API (every op, guard, label, ...)
 *   descr.c     memory and call descriptors: storage, rules, builder API
 *   sig.c       an op's arguments against its signature (every op)
 *   lex.c       the one cursor of the text form; parse.c reads a trace,
 *               print.c writes one; numtext.c doubles, namemap.c names
 *   validate.c  every IR rule, located through the source map
 *   interp.c    the reference interpreter (every op)
 *   gc.c        the GC ops' sizes, groups, rules, GC references and
 *               liveness (gc.h: shared with the interpreter and lowering)
 */
#ifndef ARMJIT_IR_IMPL_H
#define ARMJIT_IR_IMPL_H

#include "ir/descr.h"
#include "ir/ir.h"

/* Out of the hot path's way: error paths (cold), and the rare cases of a
 * fast check (noinline, so that the fast path stays small). */
#if defined(__GNUC__)
#define IR_COLD __attribute__((cold, noinline))
#define IR_NOINLINE __attribute__((noinline))
#else
#define IR_COLD
#define IR_NOINLINE
#endif

/* Where a problem is in an op: the validator names the part, and the
 * source map (text input only) turns it into a column. */
typedef enum {
  IR_AT_OP,     /* the op name */
  IR_AT_RES,    /* the result variable */
  IR_AT_ARG,    /* argument `idx` */
  IR_AT_FAIL,   /* fail arg `idx` */
  IR_AT_DESCR,  /* the text's descr=NAME (a name, a jump target or a descriptor) */
  IR_AT_END     /* end of the input (missing final op) */
} ir_at_kind;

/* A name in the source text (not NUL-terminated). */
typedef struct {
  const char *s;
  uint32_t len;
} ir_span;

/* Source positions of a parsed trace, kept only while parsing. */
typedef struct {
  const uint32_t *refcol;    /* column of each t->refs entry */
  const uint32_t *rescol;    /* per op: column of the result name, 0 if none */
  const uint32_t *descrcol;  /* per op: column of "descr=", 0 if none */
  const ir_span *vname;      /* per value: its name in the text */
  uint32_t end_line, end_col;
} ir_srcmap;

/* ---- raw appends (trace.c) ---------------------------------------------------- */
/* Append raw pieces, no rule checks beyond memory and limits.  Both the
 * builder (after its argument checks) and the parser go through these. */
armjit_status ir_add_input(armjit_trace *t, armjit_type type, ir_ref *out);
/* Room for about nops ops and values and nrefs argument entries, so that
 * a reader that knows its size (the parser: lines of text) appends without
 * regrowing.  False when out of memory (the trace is unchanged). */
bool ir_trace_reserve(armjit_trace *t, uint32_t nops, uint32_t nrefs);
armjit_status ir_add_const(armjit_trace *t, armjit_type type, armjit_value v,
                           ir_ref *out);
/* `rtype` is the result type (ARMJIT_VOID: none); `target` is the label id
 * of a jump.  Exit and label entries are created for guards/finish/label.
 * *op_index receives the new op's index. */
armjit_status ir_emit(armjit_trace *t, unsigned opc, armjit_type rtype,
                      const ir_ref *args, uint32_t nargs, const ir_ref *fail,
                      uint32_t nfail, int32_t target, uint32_t *op_index);
/* ir_emit of an op that is no exit, label or jump and has no fail args
 * (the builder's armjit_op and armjit_op_descr), with descriptor `descr`
 * (-1: none); *res gets its result (IR_NONE: none).  The same effect and
 * errors, with less to decide while the arrays have room and the trace
 * is lent to no loop (inline; the rest is ir_emit's, through
 * ir_emit_plain_slow). */
armjit_status ir_emit_plain_slow(armjit_trace *t, unsigned opc, armjit_type rtype,
                                 const ir_ref *args, uint32_t nargs, int32_t descr,
                                 ir_ref *res);
static inline armjit_status ir_emit_plain(armjit_trace *t, unsigned opc, armjit_type rtype,
                                          const ir_ref *args, uint32_t nargs, int32_t descr,
                                          ir_ref *res) {
  uint32_t idx = t->nops, at = t->nrefs, v = t->nvals;
  bool has_res = rtype != ARMJIT_VOID;
  if (t->nlent || idx >= t->capops || idx >= IR_MAX_VALUES || nargs > IR_MAX_ARGS ||
      nargs > t->caprefs - at || at + nargs > UINT32_MAX / 2 ||
      (has_res && (v >= t->capvals || v >= IR_MAX_VALUES))) /* growing, or a limit */
    return ir_emit_plain_slow(t, opc, rtype, args, nargs, descr, res);
  t->nops = idx + 1;
  t->ops[idx] = (ir_op){.opc = (uint16_t)opc, .type = (uint8_t)rtype,
                        .res = has_res ? (ir_ref)v : IR_NONE, .nargs = (uint16_t)nargs,
                        .args = at, .id = -1, .descr = descr};
  for (uint32_t k = 0; k < nargs; k++) t->refs[at + k] = args[k];
  t->nrefs = at + nargs;
  *res = IR_NONE;
  if (has_res) {
    t->nvals = v + 1;
    t->vtype[v] = (uint8_t)rtype;
    t->vdef[v] = (int32_t)idx;
    *res = (ir_ref)v;
  }
  t->validated = false;
  return ARMJIT_OK;
}

/* The jump id of external label name[0..len) (IR_XLABEL), added when
 * new; 0 when out of memory. */
int32_t ir_xlabel(armjit_trace *t, const char *name, size_t len);

/* armjit_trace_parse of text whose first line is line first_line of its
 * file; with `external`, a jump to a label the trace does not have names
 * a label of another trace (parse.c). */
armjit_trace *ir_trace_parse(armjit_ctx *ctx, const char *text, uint32_t first_line,
                             bool external, armjit_error *err);

/* ---- names of guards, finishes and labels (trace.c) ------------------------------ */
/* Names are identifiers [A-Za-z_][A-Za-z0-9_]*, unique within a trace
 * together with the names of descriptors (the text form writes both as
 * descr=NAME). */
bool ir_is_ident(const char *s);
/* Is `name` taken, by an exit, a label or a descriptor? */
bool ir_name_used(const armjit_trace *t, const char *name);
/* The exit or label named name[0..len): 2*label id or 2*exit id + 1; -1 if
 * none. */
int32_t ir_name_find(const armjit_trace *t, const char *name, size_t len);
/* Name op `op_index` (a guard, finish or label), replacing any name it had.
 * The caller has checked that nothing else has the name. */
armjit_status ir_set_name(armjit_trace *t, uint32_t op_index, const char *name,
                          size_t len);

/* ---- the builder (builder.c) --------------------------------------------------- */
/* Builder misuse: keeps the first error in t->builder_err (the validator
 * reports it) and marks the trace unvalidated; returns `code`. */
armjit_status ir_builder_fail(armjit_trace *t, armjit_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Does handle r name a variable or constant of t?  (Not IR_NONE: its
 * constant index, INT32_MAX, is past any table.) */
static inline bool ir_ref_valid(const armjit_trace *t, ir_ref r) {
  return r >= 0 ? (uint32_t)r < t->nvals : IR_CONST_INDEX(r) < t->nconsts;
}

/* ---- signatures (sig.c) ----------------------------------------------------------- */
/* Checks one op's arguments against the op table: arity and types, with
 * the 'd' letters and a call's arguments taken from descriptor `descr`
 * (ignored by ops without one; it must be of a kind the op accepts).
 * *res gets the result type.  On a problem: false, with *p filled:
 *   code  ARMJIT_E_INVALID (arity) or ARMJIT_E_TYPE
 *   arg   the offending argument (0-based), -1 for arity
 *   msg   the message (names located through sm when given) */
typedef struct {
  armjit_status code;
  int arg;
  char msg[200];
} ir_sig_problem;
bool ir_check_sig(const armjit_trace *t, const ir_srcmap *sm, unsigned opc, int32_t descr,
                  const ir_ref *args, uint32_t nargs, armjit_type *res, ir_sig_problem *p);
/* The common case of ir_check_sig, without a message: true when op opc
 * fits its signature, with *res; false when it does not, is a call, or an
 * argument names no value of t (ask ir_check_sig then, once the handles
 * are known to be good).  One pass over the arguments: the builder's whole
 * check when all is well. */
bool ir_sig_fits(const armjit_trace *t, unsigned opc, int32_t descr, const ir_ref *args,
                 uint32_t nargs, armjit_type *res);

/* ---- rules (validate.c) ------------------------------------------------------------ */
/* Every rule; errors located through `sm` when given. */
armjit_status ir_validate(armjit_trace *t, armjit_error *err, const ir_srcmap *sm);
/* Per opcode, the rules of its own the validator checks (validate.c's
 * R_* bits; IR_RULE_GUARD: a guard, which may have fail args). */
extern const uint16_t ir_op_rules[ARMJIT_OP__COUNT];
#define IR_RULE_GUARD (1u << 9)

/* Does op i of t, not the last (its rules may look at the next op), keep
 * its own rules (t->rules_checked)?  No message is made. */
bool ir_rules_hold(const armjit_trace *t, uint32_t i);

/* ---- text (print.c, numtext.c, namemap.c) ------------------------------------------- */
/* Text of a value: its source name (sm), else type letter + number for
 * variables, the literal for constants and sym(NAME) for registered
 * symbols. */
void ir_val_name(const armjit_trace *t, const ir_srcmap *sm, ir_ref r, char *buf,
                 size_t n);
void ir_format_const(const ir_const *c, char *buf, size_t n);
/* %.17g, but always with a '.' or exponent, or inf/-inf/nan. */
void ir_format_double(double d, char *buf, size_t n);
/* strtod of a whole string in the C locale; false if not all of s is used. */
bool ir_parse_double(const char *s, double *out);
const char *ir_type_name(armjit_type ty);
char ir_type_letter(armjit_type ty);
/* The type a signature letter stands for ('i', 'r', 'f'; else void). */
armjit_type ir_letter_type(char c);

/* String index operations (ir_namemap is in ir.h). */
const ir_name_ent *ir_names_find(const ir_namemap *m, const char *s, size_t n);
bool ir_names_put(armjit_ctx *ctx, ir_namemap *m, const char *key, size_t n,
                  int32_t val, uint32_t line);
void ir_names_free(armjit_ctx *ctx, ir_namemap *m);

/* The parser's variable names (namemap.c).  A name of a type letter and a
 * decimal number without leading zeros (i12, f0: how armjit_trace_to_string
 * names values) is kept in a table indexed by its number, so that reading
 * a large trace touches nearby memory and hashes nothing; any other name,
 * a number at or past `limit`, or a second letter with the same number
 * goes to the hash map.  A table entry is 8 bytes: the letter and the
 * value in `tag` (letter << 24 | value; 0 when empty, as no name starts
 * with byte 0), the defining line. */
typedef struct {
  uint32_t tag;
  uint32_t line;
} ir_var_slot;
typedef struct {
  ir_namemap map;
  ir_var_slot *num;
  uint32_t capnum;
  uint32_t limit;         /* numbers below it may use the table (0: 1024) */
} ir_varmap;
/* A variable found: its value and the line that defines it. */
typedef struct {
  ir_ref val;
  uint32_t line;
} ir_var;

/* The lookups take the number a name carries (num, -1 if none: the
 * lexer's ident_len_num, src/ir/lex.h), computed once while reading. */
/* The variable named s[0..n) in the hash map. */
bool ir_vars_find_map(const ir_varmap *m, const char *s, size_t n, ir_var *out);
/* The variable named s[0..n), num its ident_len_num: false if none.  In
 * line: the parser looks up every operand. */
static inline bool ir_vars_find(const ir_varmap *m, const char *s, size_t n, int64_t num,
                                ir_var *out) {
  if (num >= 0 && num < m->capnum) {
    ir_var_slot e = m->num[num];
    if (e.tag >> 24 == (unsigned char)s[0]) {
      out->val = (ir_ref)(e.tag & 0xffffffu);
      out->line = e.line;
      return true;
    }
  }
  return m->map.n && ir_vars_find_map(m, s, n, out);
}
/* Room for the names of a text of n lines (the table takes numbers below
 * 2 n + 1024).  False when out of memory. */
bool ir_vars_reserve(armjit_ctx *ctx, ir_varmap *m, uint32_t n);
/* Name s[0..n) (num: its ident_len_num) the value val, defined on `line`;
 * the name must be new.  False when out of memory.  In line when the
 * table has the entry free; else: */
bool ir_vars_put_slow(armjit_ctx *ctx, ir_varmap *m, const char *key, size_t n, int64_t num,
                      ir_ref val, uint32_t line);
static inline bool ir_vars_put(armjit_ctx *ctx, ir_varmap *m, const char *key, size_t n,
                               int64_t num, ir_ref val, uint32_t line) {
  if (num >= 0 && num < m->capnum && !m->num[num].tag && val >= 0 && val <= 0xffffff) {
    m->num[num] = (ir_var_slot){(uint32_t)(unsigned char)key[0] << 24 | (uint32_t)val, line};
    return true;
  }
  return ir_vars_put_slow(ctx, m, key, n, num, val, line);
}
void ir_vars_free(armjit_ctx *ctx, ir_varmap *m);

/* The canonical NaN float constants are stored as (ARM's default NaN). */
#define IR_CANON_NAN_BITS UINT64_C(0x7ff8000000000000)
#define IR_CANON_NAN32_BITS UINT64_C(0x7fc00000) /* the same for f32 */

/* The types a value may have (every armjit_type but void). */
static inline bool ir_is_value_type(unsigned ty) {
  return ty == ARMJIT_INT || ty == ARMJIT_REF || ty == ARMJIT_FLOAT || ty == ARMJIT_I64 ||
         ty == ARMJIT_F32;
}

#endif
