/* SPDX-License-Identifier: MIT */
/* The method IR inside the library: what the builder (mir_build.c) and the
 * parser (mir_parse.c) make, the validator (mir_validate.c) checks and
 * analyses, and the printer, the interpreter and code generation read.
 * The public face is <armjit/mc.h>; semantics are docs/mir.md.
 *
 * Contract for a backend (all of it holds for a module that
 * mir_validate accepted, i.e. m->validated is true; read nothing else):
 *  - A module is symbols m->syms[0..nsyms): functions (kind MIR_SYM_FUNC,
 *    fn != NULL) and externs, each with its signature.  Symbol handles
 *    (armjit_sym) are indices into it.
 *  - A function's blocks fn->blocks[0..nblocks) are in layout order (emit
 *    code in this order); block 0 is the entry, never a branch target, and
 *    its parameters are the function's.  Every block is reachable from the
 *    entry.  A block's ops are fn->ops[b->ops[0..nops)] in order; the last
 *    is its one terminator, no other op is one.
 *  - Values are numbered densely per function: fn->vals[0..nvals).  Block
 *    parameters are values (b->params[k] is a value number; is_param set).
 *    Each value has a type (never VOID), a defining block and op, and a use
 *    count.  Every use is dominated by its definition (SSA).
 *  - An operand (mir_ref) is a value number (>= 0) or a constant
 *    (MIR_IS_CONST: fn->consts[MIR_CONST_INDEX(r)], type + bits).  Any
 *    operand may be a constant, except that a memory op's base and a
 *    call_ind's target may be constants only of type i32 or ref.
 *  - Op facts (operand letters, result rule, terminator, trap, call) come
 *    from mir_info(opc) — one table, <armjit/mc_ops.h>.
 *  - Terminators list successors as edges fn->edges[op->edges ..
 *    +nedges): br one, cbr two (then, else), switch 1 + #cases (edge 0 the
 *    default; the others carry their key, distinct, in the order given).
 *    Edge arguments match the target's parameters in count and type.
 *  - Handler lists: b->nhandlers entries mir_handlers(fn, b) in matching
 *    order; each names a handler block, which has exactly one parameter
 *    (a ref, the exception), is not the entry and is no branch target.
 *    Values live into a handler block must keep one location that the
 *    unwinder restores (docs/design.md, "exceptions").
 *  - Analysis (mir_validate fills it): b->preds / b->succs (block indices,
 *    one entry per edge, so a block may appear twice; b's succs are its
 *    terminator's edges, then one per handler entry), fn->rpo (reverse
 *    postorder of all blocks), b->rpo_index, b->idom (entry: itself),
 *    b->loop_depth (natural loops by back edges to a dominating header;
 *    0 outside loops) and b->loop_header.
 * Limits: at most MIR_MAX_ITEMS values, blocks, ops and constants per
 * function.  Nothing here is global: every array is allocated through the
 * module's context.
 */
#ifndef ARMJIT_MC_MIR_H
#define ARMJIT_MC_MIR_H

#include "armjit/mc.h"
#include "util/ctx.h"
#include "util/sbuf.h"

#define MIR_MAX_ITEMS (1u << 20)
#define MIR_NAME_MAX 127
#define MIR_MAX_IMM 5 /* immediates of one op (mrc / mcr have five) */

typedef int32_t mir_ref;              /* an operand */
#define MIR_NONE ((mir_ref)INT32_MIN) /* == ARMJIT_NOVAL */
#define MIR_IS_CONST(r) ((r) < 0 && (r) != MIR_NONE)
#define MIR_CONST_INDEX(r) ((uint32_t)(-1 - (r)))
#define MIR_CONST_REF(k) ((mir_ref)(-1 - (int32_t)(k)))

/* ---- op facts (one table: armjit/mc_ops.h) --------------------------------------- */
typedef struct {
  const char *name;     /* text spelling */
  uint8_t suffix;       /* armjit_msuffix */
  uint8_t nfixed;       /* fixed operands (strlen(operands)) */
  const char *operands; /* letters, see mc_ops.h */
  char result;          /* result rule letter */
  uint8_t nimm;
  uint16_t flags;       /* ARMJIT_MOPF_* */
} mir_opinfo;

const mir_opinfo *mir_info(unsigned opc); /* opc < ARMJIT_MOP__COUNT */
const char *mir_type_name(unsigned t);    /* "i32" ...; "void" */
const char *mir_icc_name(unsigned cc);
const char *mir_fcc_name(unsigned cc);
typedef struct { const char *name; uint8_t bytes, is_signed, reg_type; } mir_memkinfo;
const mir_memkinfo *mir_memk(unsigned k);

/* ---- function kinds (mir_kinds.c) ------------------------------------------------------ */
typedef struct {
  const char *name;   /* "normal", "naked", "irq", ... (interrupt(NAME)) */
  bool interrupt;     /* an interrupt(kind) function */
  uint8_t lr_adjust;  /* entry: sub lr, lr, #lr_adjust (the return address) */
  bool banked;        /* fiq: r8-r12 are the mode's own, not saved */
} mir_fkind_info;
const mir_fkind_info *mir_fkind(unsigned kind); /* kind < ARMJIT_FK__COUNT */

/* ---- the structures ---------------------------------------------------------------- */
typedef struct {
  uint8_t type;   /* armjit_mtype, never VOID */
  uint64_t bits;  /* i32, f32: the 32 bits zero-extended; i64, f64: all 64;
                     ref: the address (uintptr_t) */
} mir_const;

typedef struct {
  uint8_t type;       /* armjit_mtype */
  bool is_param;      /* a block parameter */
  uint32_t block;     /* defining block */
  uint32_t def;       /* is_param: parameter index; else op index (fn->ops) */
  uint32_t nuses;     /* operand uses (mir_validate) */
  const char *name;   /* text name, NULL when unnamed (printed v<N>) */
} mir_value;

typedef struct {
  uint32_t block;     /* target block */
  int32_t key;        /* switch cases: the key */
  uint32_t nargs;
  uint32_t args;      /* first of nargs operands in fn->operands */
} mir_edge;

enum { MIR_OP_VOLATILE = ARMJIT_MOP_VOLATILE, MIR_OP_HIDDEN = 1u << 1 };

typedef struct {
  uint16_t opc;       /* armjit_mop */
  uint8_t sub;        /* what the suffix selected (mc_ops.h); call_ind: result type */
  uint8_t flags;      /* MIR_OP_VOLATILE; MIR_OP_HIDDEN: call_ind's last operand
                         is the hidden r12 value */
  mir_ref result;     /* value number, MIR_NONE for none */
  uint8_t rtype;      /* result type (ARMJIT_T_VOID for none) */
  uint32_t block;     /* owning block */
  uint32_t nargs;     /* operands: fn->operands[args .. args+nargs); for calls
                         the arguments (call_ind: target first, then the
                         arguments, then hidden when MIR_OP_HIDDEN) */
  uint32_t args;
  uint32_t nedges;    /* terminators: fn->edges[edges .. edges+nedges) */
  uint32_t edges;
  int32_t sym;        /* call, addr: the symbol; else -1 */
  int32_t imm[MIR_MAX_IMM]; /* load/store: shift, offset; checks: code; addr:
                         offset; intrinsics: their fields (mc_ops.h) */
  uint32_t line, col; /* text position (parsed modules), 0 when built */
} mir_op;

/* A handler list entry (armjit_handler): tag = symbol sym's address, or
 * the constant tag when sym < 0 (0: catch all). */
typedef struct {
  int32_t sym;
  uint32_t tag;
  uint32_t block;     /* the handler block */
  uint32_t line, col; /* text position (parsed), 0 */
} mir_handler;

typedef struct {
  const char *name;   /* NULL when unnamed (printed b<N>) */
  uint32_t nhandlers; /* handler list: fn->handlers[handlers .. +nhandlers) */
  uint32_t handlers;
  uint32_t nparams;
  uint32_t *params;   /* value numbers */
  uint32_t nops, ops_cap;
  uint32_t *ops;      /* op indices in order */
  uint32_t line, col; /* header position (parsed), 0 */
  /* analysis (mir_validate) */
  uint32_t npreds, nsuccs;
  uint32_t *preds, *succs;
  uint32_t rpo_index;
  uint32_t idom;
  uint32_t loop_depth;
  uint32_t loop_header; /* innermost loop's header; UINT32_MAX outside loops */
} mir_block;

/* A raw function's body (mir_raw.c): words with the relocations' addends
 * in their fields (a32.h's REL convention), relocations sorted by offset
 * (a MOVW_ABS_NC record covers its MOVT too), the declared clobbers
 * (ARMJIT_RAW_CLOBBER_*) and flags (ARMJIT_RAW_*).  A raw function has no
 * blocks, values or ops. */
typedef struct {
  uint32_t offset;
  uint8_t kind;       /* a32_reloc_kind */
  int32_t sym;
  int32_t addend;
} mir_raw_reloc;

typedef struct {
  uint32_t *words;
  uint32_t nwords;
  mir_raw_reloc *relocs;
  uint32_t nrelocs;
  uint32_t clobbers, flags;
  bool is_stub;                 /* made by armjit_stub_itable from `stub`: */
  armjit_itable_layout stub;    /* printed so, emulated by the interpreter */
} mir_raw;

typedef struct {
  uint32_t sym;       /* its symbol */
  mir_raw *raw;       /* a raw function: its code (no blocks), else NULL */
  uint8_t kind;       /* armjit_fkind (normal, naked, interrupt(...)) */
  uint8_t attrs;      /* ARMJIT_FUNC_* (save_vfp, assume_no_vfp, no_frame_slots) */
  mir_block *blocks;
  uint32_t nblocks, blocks_cap;
  mir_value *vals;
  uint32_t nvals, vals_cap;
  mir_op *ops;
  uint32_t nops, ops_cap;
  mir_ref *operands;
  uint32_t noperands, operands_cap;
  mir_edge *edges;
  uint32_t nedges, edges_cap;
  mir_const *consts;
  uint32_t nconsts, consts_cap;
  mir_handler *handlers;
  uint32_t nhandlers, handlers_cap;
  uint32_t *rpo;      /* nblocks block indices (mir_validate) */
  uint32_t *analysis; /* storage behind preds/succs (mir_validate) */
} mir_func;

enum { MIR_SYM_FUNC, MIR_SYM_EXTERN, MIR_SYM_DATA };

/* A data symbol's 32-bit word at `off` holds the address of symbol sym
 * plus addend (ABS32). */
typedef struct {
  uint32_t off;
  int32_t sym;
  int32_t addend;
  uint32_t line, col; /* text position (parsed), 0 */
} mir_dreloc;

/* A data symbol (mir_data.c): `size` bytes of kind armjit_data_kind (read-only,
 * writable, zero-initialized), aligned to `align` (a power of 2), with
 * relocated words; bytes NULL for bss. */
typedef struct {
  uint8_t kind;       /* armjit_data_kind */
  uint32_t align, size;
  uint8_t *bytes;
  mir_dreloc *relocs; /* in offset order (mir_validate sorts them) */
  uint32_t nrelocs, relocs_cap;
  char **pending;     /* parsing only: reloc k with sym -2 - j names pending[j] */
  uint32_t npending;
} mir_data;

typedef struct {
  uint8_t kind;       /* MIR_SYM_* */
  bool local;         /* functions and data: module-private (ELF STB_LOCAL) */
  char *section;      /* functions and data: a named section, NULL: the default
                         (.text; the data's kind's .rodata / .data / .bss) */
  mir_data *data;     /* MIR_SYM_DATA */
  char *name;
  uint8_t *params;
  uint32_t nparams;
  uint8_t result;     /* armjit_mtype, VOID for none */
  mir_func *fn;       /* MIR_SYM_FUNC */
  uint32_t line, col; /* text position (parsed), 0 */
} mir_sym;

/* The module's exception callbacks (armjit_module_options.exc_*). */
enum { MIR_EXC_MATCH, MIR_EXC_MAKE, MIR_EXC_UNCAUGHT, MIR_EXC__COUNT };
typedef struct {
  char *name;         /* NULL: none */
  int32_t sym;        /* resolved by mir_validate, -1 */
  uint32_t line, col;
} mir_exc_sym;

/* Public block handles are module-wide: blockmap[h] = (function symbol,
 * block index). */
typedef struct { uint32_t sym, block; } mir_blockref;

struct armjit_module {
  armjit_ctx *ctx;
  uint8_t trap;           /* armjit_trap_mode */
  char *trap_name;        /* ARMJIT_TRAP_CALL: its symbol's name */
  int32_t trap_sym;       /* resolved by mir_validate, -1 */
  uint32_t trap_line, trap_col;
  mir_exc_sym exc[MIR_EXC__COUNT]; /* exc_match, exc_make, exc_uncaught */
  mir_sym *syms;
  uint32_t nsyms, syms_cap;
  uint32_t *symhash;      /* names -> symbol + 1 (open addressing, FNV-1a) */
  uint32_t symhash_cap;
  mir_blockref *blockmap;
  uint32_t nblockmap, blockmap_cap;
  armjit_error builder_err; /* first builder misuse */
  bool validated;
  /* the interpreter's copy of the data (mir_interp.c): per symbol its
   * allocation and address (0 but for data), made at the first run after
   * a validation, dropped when the module changes */
  void **idata;
  uintptr_t *idata_at;
  uint32_t nidata;        /* symbols they cover */
};

/* ---- helpers shared by the mc files ------------------------------------------------ */
static inline mir_func *mir_fn(const armjit_module *m, uint32_t sym) { return m->syms[sym].fn; }
/* (An array is NULL while empty: no arithmetic on it then.) */
static inline const mir_ref *mir_args(const mir_func *fn, const mir_op *op) {
  return op->nargs ? fn->operands + op->args : NULL;
}
static inline const mir_edge *mir_edges(const mir_func *fn, const mir_op *op) {
  return op->nedges ? fn->edges + op->edges : NULL;
}
static inline const mir_ref *mir_edge_args(const mir_func *fn, const mir_edge *e) {
  return e->nargs ? fn->operands + e->args : NULL;
}
/* The type of operand r in fn. */
static inline uint8_t mir_ref_type(const mir_func *fn, mir_ref r) {
  return MIR_IS_CONST(r) ? fn->consts[MIR_CONST_INDEX(r)].type : fn->vals[r].type;
}
/* The terminator of block b (valid modules). */
static inline const mir_op *mir_term(const mir_func *fn, const mir_block *b) {
  return &fn->ops[b->ops[b->nops - 1]];
}

/* ---- exceptions (mir_exc.c) ---------------------------------------------------------- */
static inline const mir_handler *mir_handlers(const mir_func *fn, const mir_block *b) {
  return b->nhandlers ? fn->handlers + b->handlers : NULL;
}
/* The text spelling of callback k ("exc_match" ...). */
const char *mir_exc_word(unsigned k);
/* Does the trap handler of trap mode call return an exception (-> ref)? */
bool mir_trap_throws(const armjit_module *m);

/* Check every rule and fill the analysis (armjit_module_validate runs it
 * when the module changed; prefer that). */
armjit_status mir_validate(armjit_module *m, armjit_error *err);

/* ---- data and sections (mir_data.c) ------------------------------------------------- */
/* The rules of data symbols and sections (docs/mir.md, "data"), run by
 * mir_validate after the functions. */
armjit_status mir_validate_data(armjit_module *m, armjit_error *err);
/* The section symbol s goes to: its named one, else ".text" (functions) or
 * its kind's. */
const char *mir_sym_section(const mir_sym *y);
/* Free the interpreter's copy of the data (m->idata). */
void mir_interp_data_free(armjit_module *m);

/* Append op's text form (as armjit_module_print writes it, no newline) or
 * a constant's to sb: for listings annotated with the IR. */
void mir_put_op(ajx_sbuf *sb, const armjit_module *m, const mir_func *fn, const mir_op *op);
void mir_put_const(ajx_sbuf *sb, const mir_const *c);

#endif
