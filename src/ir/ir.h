/* SPDX-License-Identifier: MIT */
/* IR internals: the trace as flat arrays.  Read by the validator, printer,
 * interpreter, register allocator and lowering; written by the builder and
 * the parser.
 *
 * Values are numbered: inputargs are 0..ninputs-1, then every op with a
 * result defines the next number, in trace order.  A reference to a value
 * (ir_ref, same as armjit_val) is >= 0 for a variable and < 0 for a
 * constant: constant k is IR_CONST(k) == -1 - k.
 *
 * Loop rule (as in PyPy): after a label only that label's arguments and
 * values defined after it are live; ops after a label may not use anything
 * else.  jump(args) assigns args to the target label's arguments and
 * continues after that label.
 */
#ifndef ARMJIT_IR_IR_H
#define ARMJIT_IR_IR_H

#include "armjit.h"
#include "util/ctx.h"

typedef armjit_val ir_ref;
#define IR_NONE ARMJIT_NOVAL
#define IR_CONST(k) ((ir_ref)(-1 - (int32_t)(k)))
#define IR_IS_CONST(r) ((r) < 0 && (r) != IR_NONE)
#define IR_CONST_INDEX(r) ((uint32_t)(-1 - (r)))
/* r when it is a value, `other` when it is not (a constant, IR_NONE),
 * without a branch: for the passes over arguments, where which is which
 * follows no pattern a branch predictor learns (they index a per-value
 * array with one slot more, `other`). */
static inline uint32_t ir_value_or(ir_ref r, uint32_t other) {
  uint32_t m = (uint32_t)-(int32_t)(r < 0);  /* all ones when not a value */
  return ((uint32_t)r & ~m) | (other & m);
}

typedef struct {
  uint8_t type;           /* armjit_type */
  armjit_value v;         /* v.i, v.r or v.f by type */
} ir_const;

/* 24 bytes: every pass of the compiler walks the ops.  A guard's fail
 * args follow its arguments in the pool (ir_fails); where text put an op
 * is kept apart (ir_op_line, ir_op_col). */
typedef struct {
  uint16_t opc;           /* armjit_opcode */
  uint8_t type;           /* result type, ARMJIT_VOID if none */
  uint8_t pad;
  ir_ref res;             /* value defined, or IR_NONE */
  uint32_t args;          /* arguments: t->refs[args .. args+nargs), then
                             fail args: t->refs[args+nargs .. +nfail) */
  uint16_t nargs, nfail;  /* (IR_MAX_ARGS, IR_MAX_FAIL) */
  int32_t id;             /* guard/finish: exit id; label: label id;
                             jump: target label id; debug_merge_point:
                             index in texts; else -1 */
  int32_t descr;          /* descriptor index (memory/call ops), else -1 */
} ir_op;

/* Index in the pool of an op's first fail arg: they follow its arguments. */
static inline uint32_t ir_fail_at(const ir_op *op) { return op->args + op->nargs; }

/* Where text put an op (line and column, from 1). */
typedef struct {
  uint32_t line, col;
} ir_pos;

typedef struct {
  uint32_t op;            /* index of the guard/finish op */
  char *name;             /* its name (text: descr=NAME) or NULL */
  armjit_type *types;     /* types of the values it hands back */
  uint32_t nvalues;
} ir_exit;

typedef struct {
  uint32_t op;            /* index of the label op */
  char *name;             /* its name (text: descr=NAME) or NULL */
} ir_label;

/* A string -> int index (open addressing; src/ir/namemap.c).  Keys point
 * to strings the owner keeps alive. */
typedef struct {
  const char *key;
  uint32_t len;
  int32_t val;
  uint32_t line;
} ir_name_ent;
typedef struct {
  ir_name_ent *e;
  uint32_t cap, n;
} ir_namemap;

struct armjit_trace {
  armjit_ctx *ctx;
  uint32_t ninputs;

  uint32_t nvals, capvals;
  uint8_t *vtype;         /* armjit_type per value */
  int32_t *vdef;          /* defining op index, -1 for inputargs */

  uint32_t nops, capops;
  ir_op *ops;
  /* Source positions of ops [0, npos) (the parser's); 0:0 past them and
   * for traces built by API. */
  uint32_t npos, cappos;
  ir_pos *pos;

  uint32_t nrefs, caprefs;
  ir_ref *refs;           /* argument and fail-arg pool */

  uint32_t nconsts, capconsts;
  ir_const *consts;

  uint32_t nexits, capexits;
  ir_exit *exits;
  /* The exits' types are carved from blocks that never move (the pointers
   * armjit_trace_exit_info hands out stay valid), the newest first. */
  struct ir_types_block *tblocks;

  uint32_t nlabels, caplabels;
  ir_label *labels;

  uint32_t ntexts, captexts;
  char **texts;              /* strings of ARMJIT_OPF_TEXT ops (op->id) */

  uint32_t ndescrs, capdescrs;
  struct ir_descr *descrs;   /* memory and call descriptors (ir/descr.h) */
  ir_namemap descrs_index;   /* descriptor names -> index in descrs */

  armjit_error builder_err;  /* first builder misuse (code != OK) */
  bool validated;
  /* Ops [0, sig_checked) had their signature and result type checked
   * (ir_check_sig) on the way in, by the builder or the parser: the
   * validator need not check them again. */
  uint32_t sig_checked;
  /* Ops [0, uses_checked) use only values live where they are (the loop
   * rule above), as the builder saw: its handles name values defined
   * before, and no value has died while every label lists as many
   * arguments as there are values (all of them, if distinct variables; the
   * validator reports a label that is not).  some_died: a label listed
   * fewer, and uses_checked stays where it is.  The validator need not
   * check those uses again. */
  uint32_t uses_checked;
  bool some_died;
  /* Ops [0, rules_checked) keep every rule of their own the validator
   * checks (validate.c: descriptors, forcing and exception order,
   * overflow guards, labels, jumps, nothing after the final op), as the
   * builder saw when it appended the op after each (a rule may look at
   * the next op; ops are only ever appended).  With uses_checked and
   * sig_checked at the end too, validating is checking the last op. */
  uint32_t rules_checked;
  uint32_t ruleless;   /* k + 1: the builder appended op k, which has no
                          rules of its own (0: none such last) */

  ir_namemap name_index;     /* exit/label name -> 2*label id, or 2*exit id + 1 */

  /* Labels of other traces that jumps go to (a bridge's jump to its loop
   * or to another loop): their names.  Such a jump has op->id =
   * IR_XLABEL(k); the name is resolved when the trace is compiled as a
   * bridge (or interpreted in a set, armjit_interpret_set). */
  uint32_t nxlabels, capxlabels;
  char **xlabels;

  /* Loops whose listing is this trace, lent to them rather than copied
   * (ir_trace_lend): the address of each one's pointer to it.  Before the
   * trace changes, they get a copy of it as it was (ir_trace_will_change);
   * freed by its user while lent (an orphan now), it stays until the last
   * of them lets go. */
  struct armjit_trace ***lent;
  uint32_t nlent, caplent;
  bool orphan;
};

/* The id of a jump to external label k, and back. */
#define IR_XLABEL(k) ((int32_t)(-1 - (int32_t)(k)))
#define IR_XLABEL_INDEX(id) ((uint32_t)(-1 - (id)))
static inline bool ir_jump_is_external(const ir_op *op) { return op->id < 0; }

/* Size limits (ARMJIT_E_LIMIT beyond them).  Per-op counts fit 16 bits so
 * the recovery encoding and the allocator can use compact indices. */
#define IR_MAX_INPUTS 65535u   /* inputargs of a trace */
#define IR_MAX_ARGS   65535u   /* arguments of one op (label, jump, finish) */
#define IR_MAX_FAIL   65535u   /* fail args of one guard */
_Static_assert(IR_MAX_ARGS <= UINT16_MAX && IR_MAX_FAIL <= UINT16_MAX,
               "ir_op counts its arguments in 16 bits");
#define IR_MAX_VALUES (1u << 24) /* variables, constants and ops each */

/* Opcode table (from <armjit/opcodes.h>). */
typedef struct {
  const char *name;       /* text form */
  const char *args;       /* signature letters, "." = variadic */
  char res;               /* 'i' 'r' 'f' '*' 'v' */
  unsigned flags;         /* ARMJIT_OPF_* */
} ir_opinfo;
extern const ir_opinfo ir_opinfo_table[ARMJIT_OP__COUNT];
/* Letter k of a signature string literal of ARMJIT_OPS (0 past its end),
 * as a constant expression: for tables made from the op table at compile
 * time.  No signature has more than 5 letters (sig.c checks). */
#define IR_SIG_LETTER(s, k) ((k) + 1 < sizeof(s) ? (s)[(k) + 1 < sizeof(s) ? (k) : 0] : 0)
static inline const ir_opinfo *ir_info(unsigned opc) { return &ir_opinfo_table[opc]; }
/* Opcode by text name, or -1. */
int ir_opcode_by_name(const char *name, size_t len);
/* The same through a hash table of the op names, for a reader that looks
 * up many (the parser: one per line): init once, then find. */
#define IR_OPTAB_SIZE 512u /* > 2 x ARMJIT_OP__COUNT, a power of two */
typedef struct { uint8_t slot[IR_OPTAB_SIZE]; } ir_optab; /* opcode + 1, 0 empty */
void ir_optab_init(ir_optab *tab);
int ir_optab_find(const ir_optab *tab, const char *name, size_t len);
/* The opcode whose name is closest to name[0..len) by edit distance, when
 * it is close (at most 1, 2 or 3 edits for names of up to 4, up to 8 and
 * more bytes; case ignored); else -1.  For "did you mean" messages. */
int ir_opcode_closest(const char *name, size_t len);

static inline bool ir_is_guard(unsigned opc) {
  return (ir_info(opc)->flags & ARMJIT_OPF_GUARD) != 0;
}
/* Guards and finish: the ops that carry an exit id. */
static inline bool ir_is_exit(unsigned opc) {
  return ir_is_guard(opc) || opc == ARMJIT_OP_FINISH;
}
/* Entry `at` of the argument pool.  A trace whose ops have no arguments
 * has no pool (t->refs is NULL, and NULL + 0 is undefined in C): its lists
 * all point at one empty array instead. */
extern const ir_ref ir_no_refs[1];
static inline const ir_ref *ir_refs_at(const armjit_trace *t, uint32_t at) {
  return t->refs ? t->refs + at : ir_no_refs;
}
/* Values exit `exit_id` hands back: a guard's fail args, a finish's args. */
static inline const ir_ref *ir_exit_refs(const armjit_trace *t, const ir_op *op,
                                         uint32_t *n) {
  if (op->opc == ARMJIT_OP_FINISH) { *n = op->nargs; return ir_refs_at(t, op->args); }
  *n = op->nfail;
  return ir_refs_at(t, ir_fail_at(op));
}
/* The string of a debug_merge_point op. */
static inline const char *ir_op_text(const armjit_trace *t, const ir_op *op) {
  return t->texts[op->id];
}
/* Append a debug_merge_point(text[0..n)) op (text copied; no NUL inside).
 * ARMJIT_E_NOMEM / ARMJIT_E_LIMIT, the trace unchanged. */
armjit_status ir_emit_text(armjit_trace *t, unsigned opc, const char *text, size_t n,
                           uint32_t *op_index);
#define IR_MAX_TEXT 4096u      /* bytes of a debug_merge_point string */

/* Frame slots a run needs: max(inputs, values of any exit; in an
 * ARMJIT_INTERRUPTIBLE context also the arguments of any label). */
uint32_t ir_frame_capacity(const armjit_trace *t);

static inline const ir_ref *ir_args(const armjit_trace *t, const ir_op *op) {
  return ir_refs_at(t, op->args);
}
static inline const ir_ref *ir_fails(const armjit_trace *t, const ir_op *op) {
  return ir_refs_at(t, ir_fail_at(op));
}
/* The source line and column of op i (0 when it has none). */
static inline uint32_t ir_op_line(const armjit_trace *t, uint32_t i) {
  return i < t->npos ? t->pos[i].line : 0;
}
static inline uint32_t ir_op_col(const armjit_trace *t, uint32_t i) {
  return i < t->npos ? t->pos[i].col : 0;
}
/* Record op i's source position (the parser); false when out of memory. */
bool ir_set_pos_slow(armjit_trace *t, uint32_t i, uint32_t line, uint32_t col);
static inline bool ir_set_pos(armjit_trace *t, uint32_t i, uint32_t line, uint32_t col) {
  if (i != t->npos || i >= t->cappos || t->nlent) return ir_set_pos_slow(t, i, line, col);
  t->pos[t->npos++] = (ir_pos){line, col};
  return true;
}
static inline armjit_type ir_ref_type(const armjit_trace *t, ir_ref r) {
  return IR_IS_CONST(r) ? (armjit_type)t->consts[IR_CONST_INDEX(r)].type
                        : (armjit_type)t->vtype[r];
}
static inline const ir_const *ir_const_of(const armjit_trace *t, ir_ref r) {
  return &t->consts[IR_CONST_INDEX(r)];
}

/* A copy of t with its own arrays, names and descriptors (trace.c),
 * allocated through t->ctx (free with armjit_trace_free); NULL when out of
 * memory. */
armjit_trace *ir_trace_copy(const armjit_trace *t);

/* A loop's listing, the trace it was compiled from, printed only when
 * asked: *holder = t, lent rather than copied (a compile costs no copy;
 * the trace is copied if it changes while lent, and outlives its user's
 * armjit_trace_free while lent).  False when out of memory (*holder is
 * NULL: no listing). */
bool ir_trace_lend(armjit_trace *t, armjit_trace **holder);
/* *holder lets go of the trace ir_trace_lend gave it (NULL: none) and
 * becomes NULL; an orphan nobody holds any more is freed. */
void ir_trace_unlend(armjit_trace **holder);
/* Every change to a trace calls this first: its borrowers get a copy of
 * it as it is (out of memory: no listing), and it is lent no more. */
void ir_trace_unshare(armjit_trace *t);
static inline void ir_trace_will_change(armjit_trace *t) {
  if (t->nlent) ir_trace_unshare(t);
}

/* The trace in text form (print.c), allocated through t->ctx (free with
 * ajx_free); *len gets its length.  NULL when out of memory. */
char *ir_trace_text(const armjit_trace *t, size_t *len);

#endif
