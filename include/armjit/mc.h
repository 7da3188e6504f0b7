/* SPDX-License-Identifier: MIT */
/* armjit/mc.h — the method compiler: whole functions in typed SSA form over
 * basic blocks (the method IR, docs/mir.md), built by API or parsed from
 * text, checked by a validator, run by a reference interpreter and compiled
 * to A32 code.  Include it after (or instead of) <armjit.h>; it includes
 * <armjit.h> itself.
 *
 * A *module* holds symbols: functions (with blocks), data (bytes in
 * .rodata, .data, .bss or a named section) and externs (C functions or
 * data the module uses, resolved by name among the context's symbols,
 * armjit_ctx_add_symbol).  Handles are small integers: symbols and blocks
 * are numbered per module, values per function; -1 (ARMJIT_NOVAL for
 * values) means "none" or a failed call.
 *
 * Errors.  Builder calls never abort: the first misuse (bad handle, wrong
 * type, bad name, ...) is remembered in the module and reported by
 * armjit_module_validate (and by everything that validates first:
 * interpret, compile); the failing call returns -1 / ARMJIT_NOVAL /
 * the status.  Rules that span ops (dominance, terminators, block
 * arguments, call signatures) are the validator's.  Messages name the
 * function, the block and the op.
 * Memory: everything through the context's allocator hooks.  A module is
 * used by one thread at a time; free it before its context.
 */
#ifndef ARMJIT_MC_H
#define ARMJIT_MC_H

#include "armjit.h"

#ifdef __cplusplus
extern "C" {
#endif
ARMJIT_API_BEGIN

/* ---- types ------------------------------------------------------------------ */
typedef enum {
  ARMJIT_T_VOID = 0, /* results only */
  ARMJIT_T_I32,
  ARMJIT_T_I64,
  ARMJIT_T_F32,
  ARMJIT_T_F64,
  ARMJIT_T_REF,      /* a pointer (32-bit on ARM); booleans are i32 0/1 */
  ARMJIT_T__COUNT
} armjit_mtype;

#include "armjit/mc_ops.h"

typedef enum {
#define ARMJIT_MOP_ENUM_(N, t, s, a, r, n, f) ARMJIT_MOP_##N,
  ARMJIT_MOPS(ARMJIT_MOP_ENUM_)
#undef ARMJIT_MOP_ENUM_
  ARMJIT_MOP__COUNT
} armjit_mop;

typedef enum {
  ARMJIT_MSUF_NONE, ARMJIT_MSUF_INT, ARMJIT_MSUF_FLT, ARMJIT_MSUF_BITS,
  ARMJIT_MSUF_ICC, ARMJIT_MSUF_FCC, ARMJIT_MSUF_MEM, ARMJIT_MSUF_ANY, ARMJIT_MSUF_RES
} armjit_msuffix;

typedef enum {
#define ARMJIT_ICC_ENUM_(N, t) ARMJIT_ICC_##N,
  ARMJIT_ICCS(ARMJIT_ICC_ENUM_)
#undef ARMJIT_ICC_ENUM_
  ARMJIT_ICC__COUNT
} armjit_icc;

typedef enum {
#define ARMJIT_FCC_ENUM_(N, t) ARMJIT_FCC_##N,
  ARMJIT_FCCS(ARMJIT_FCC_ENUM_)
#undef ARMJIT_FCC_ENUM_
  ARMJIT_FCC__COUNT
} armjit_fcc;

typedef enum {
#define ARMJIT_MEMK_ENUM_(N, t, b, s, r) ARMJIT_MEM_##N,
  ARMJIT_MEMKS(ARMJIT_MEMK_ENUM_)
#undef ARMJIT_MEMK_ENUM_
  ARMJIT_MEM__COUNT
} armjit_memk;

/* Handles.  armjit_val (from <armjit.h>) names a value of one function:
 * a parameter, an op result or a constant (armjit_mconst_*). */
typedef int32_t armjit_sym;   /* a function or an extern of a module */
typedef int32_t armjit_block; /* a block of a module (any of its functions) */

/* ---- modules ----------------------------------------------------------------- */
typedef struct armjit_module armjit_module;

/* How check ops trap (docs/mir.md, "checks" and "exceptions"):
 *   ARMJIT_TRAP_CALL  a failing check calls trap_sym(code, pc, sp), a
 *                     function or extern of the module of signature
 *                     (i32, ref, ref) -> void or -> ref.  When it returns
 *                     (void, or a null ref) execution goes on after the
 *                     check; a non-null ref is an exception, thrown from
 *                     the check.
 *   ARMJIT_TRAP_SVC   checks emit svc<cc> #code; the SVC vector runs
 *                     __armjit_trap_svc (generated into the module), which
 *                     throws exc_make(code, pc) with the exc_make of the
 *                     module whose code trapped.  Bare metal, SVC mode.
 *   ARMJIT_TRAP_UDF   checks emit udf #code (code <= 0xffff) under a branch,
 *                     for the undefined-instruction vector.
 * The interpreter treats svc and udf alike: a failing check throws
 * exc_make(code, 0).  ARMJIT_TRAP_NONE: the module has no checks (a check
 * op is a validation error). */
typedef enum { ARMJIT_TRAP_NONE, ARMJIT_TRAP_CALL, ARMJIT_TRAP_SVC, ARMJIT_TRAP_UDF } armjit_trap_mode;

typedef struct {
  armjit_trap_mode trap;
  const char *trap_sym;     /* ARMJIT_TRAP_CALL: the trap handler (above) */
  /* Exceptions (each NULL when not needed; functions or externs of the
   * module, named here and resolved by the validator): */
  const char *exc_match;    /* (ref exc, ref tag) -> i32: does a handler whose
                               tag is not 0 take exc?  Needed by such tags. */
  const char *exc_make;     /* (i32 code, ref pc) -> ref: the exception of a
                               trap in modes svc and udf.  Needed by them. */
  const char *exc_uncaught; /* (ref exc) -> void: called for an exception no
                               handler takes; optional. */
} armjit_module_options;

/* o may be NULL (no trap mode).  NULL when out of memory. */
armjit_module *armjit_module_new(armjit_ctx *ctx, const armjit_module_options *o);
void armjit_module_free(armjit_module *m);
armjit_ctx *armjit_module_ctx(const armjit_module *m);

/* Symbols.  Names are C identifiers of at most 127 bytes, unique in the
 * module.  An extern's params/result is its C signature.  Data symbols:
 * armjit_data below. */
armjit_sym armjit_extern(armjit_module *m, const char *name, const armjit_mtype *params,
                         unsigned nparams, armjit_mtype result);
/* A function; its entry block (armjit_func_entry) is made with it and its
 * parameters are the function's. */
armjit_sym armjit_func_new(armjit_module *m, const char *name, const armjit_mtype *params,
                           unsigned nparams, armjit_mtype result);
armjit_sym armjit_module_find(const armjit_module *m, const char *name); /* -1: none */
unsigned armjit_module_nsyms(const armjit_module *m);
const char *armjit_sym_name(const armjit_module *m, armjit_sym s);      /* NULL: bad handle */
bool armjit_sym_is_func(const armjit_module *m, armjit_sym s);
/* A symbol's signature: returns the parameter count, fills up to `cap`
 * types; *result (when not NULL) gets the result type.  -1: bad handle. */
int armjit_sym_signature(const armjit_module *m, armjit_sym s, armjit_mtype *params,
                         unsigned cap, armjit_mtype *result);

/* ---- data and sections (docs/mir.md, "data and sections") ------------------------ */
/* A data symbol: `size` bytes (a copy of `bytes`, zeros when NULL; bss
 * takes NULL) aligned to `align` (a power of two, 1..65536: the
 * validator's), in its kind's section (.rodata, .data, .bss) or a named one
 * (armjit_sym_set_section).  `addr @name` is its address; module code
 * reads and writes it with load/store.  At most 16 MiB. */
typedef enum { ARMJIT_DATA_RODATA, ARMJIT_DATA_DATA, ARMJIT_DATA_BSS } armjit_data_kind;
armjit_sym armjit_data(armjit_module *m, const char *name, armjit_data_kind kind,
                       const void *bytes, uint32_t size, uint32_t align);
/* The 32-bit word at offset `off` of data d holds the address of `target`
 * (a function, data or extern of the module) plus addend: a vtable entry,
 * a type descriptor's pointer (ELF: R_ARM_ABS32).  The validator wants off
 * a multiple of 4 inside the data, one address per word, no bss. */
armjit_status armjit_data_reloc(armjit_module *m, armjit_sym d, uint32_t off, armjit_sym target,
                                int32_t addend);
/* Place function or data s in the named section `name` (".vectors": '.'
 * then letters, digits, _ . $ -, at most 63 bytes, none of .text .rodata
 * .data .bss); NULL: back to the default.  A section holds data of one
 * kind, or functions and rodata in module order (a code section: the data
 * between the functions, at its alignment).  Functions of every section
 * are in the exception function table. */
armjit_status armjit_sym_set_section(armjit_module *m, armjit_sym s, const char *name);
/* Make function or data s module-private (ELF: a local symbol); images
 * and loaded code link it all the same. */
armjit_status armjit_sym_set_local(armjit_module *m, armjit_sym s, bool local);
bool armjit_sym_is_data(const armjit_module *m, armjit_sym s);
bool armjit_sym_is_local(const armjit_module *m, armjit_sym s);
/* The section of function or data s (".text", ".rodata", ... or the named
 * one); NULL for an extern or a bad handle. */
const char *armjit_sym_section(const armjit_module *m, armjit_sym s);

/* ---- function kinds and attributes (docs/mir.md §2.11, docs/design.md §11.2) ---------- */
/* A function's kind decides its frame:
 *   NORMAL     an AAPCS function (the frame record {fp, lr}; lr saved).
 *   NAKED      no prologue, no epilogue, no frame slots (compiling one
 *              that needs a slot or an outgoing stack area is
 *              ARMJIT_E_INVALID); never returns: `ret` is an error, it
 *              ends in halt, jump_to, exc_return or unreachable.  Only
 *              here get_reg / set_reg / set_sp / set_fp / set_lr / jump_to /
 *              exc_return are allowed.  Reset code, vector tables.
 *   IRQ ... DABT  interrupt(kind): an exception-mode entry (no parameters,
 *              no result) saving r0-r3, r12, lr and the callee-saved
 *              registers it uses, with the return address adjusted for
 *              the kind; `ret` returns with ldm sp!, {..., pc}^.  It may
 *              call AAPCS functions; using VFP or calling needs save_vfp
 *              (or assume_no_vfp). */
typedef enum {
  ARMJIT_FK_NORMAL, ARMJIT_FK_NAKED,
  ARMJIT_FK_IRQ, ARMJIT_FK_FIQ, ARMJIT_FK_SVC, ARMJIT_FK_UNDEF, ARMJIT_FK_PABT, ARMJIT_FK_DABT,
  ARMJIT_FK__COUNT
} armjit_fkind;
enum {
  /* save d0-d7 (and d16-d31 with D32) and FPSCR in the frame: VFP code
   * below an interrupt (Deep's US.ENABLE_FLOATS); allowed on normal and
   * interrupt functions */
  ARMJIT_FUNC_SAVE_VFP = 1u << 0,
  /* an interrupt function's calls and floats are known not to disturb the
   * interrupted code's VFP state: no save_vfp needed */
  ARMJIT_FUNC_ASSUME_NO_VFP = 1u << 1,
  /* compiling fails (ARMJIT_E_INVALID) when a value needs a frame slot */
  ARMJIT_FUNC_NO_FRAME_SLOTS = 1u << 2
};
/* Set function f's kind / its attribute flags (ARMJIT_FUNC_*, replacing
 * the previous ones).  ARMJIT_E_ARG for a bad handle, kind or flag; the
 * rules between kinds, flags and the body are the validator's. */
armjit_status armjit_func_set_kind(armjit_module *m, armjit_sym f, armjit_fkind kind);
armjit_status armjit_func_set_flags(armjit_module *m, armjit_sym f, unsigned flags);
/* ARMJIT_FK_NORMAL / 0 for a bad handle. */
armjit_fkind armjit_func_kind(const armjit_module *m, armjit_sym f);
unsigned armjit_func_flags(const armjit_module *m, armjit_sym f);

/* ---- blocks and values --------------------------------------------------------- */
armjit_block armjit_func_entry(armjit_module *m, armjit_sym f);
/* A new block of f, after the others in layout order (code follows it). */
armjit_block armjit_block_new(armjit_module *m, armjit_sym f, const armjit_mtype *params,
                              unsigned nparams);
/* Parameter i of a block (of the entry block: function parameter i). */
armjit_val armjit_block_param(armjit_module *m, armjit_block b, unsigned i);

/* Constants of function f, usable as operands anywhere in f. */
armjit_val armjit_mconst_i32(armjit_module *m, armjit_sym f, int32_t v);
armjit_val armjit_mconst_i64(armjit_module *m, armjit_sym f, int64_t v);
armjit_val armjit_mconst_f32(armjit_module *m, armjit_sym f, float v);
armjit_val armjit_mconst_f64(armjit_module *m, armjit_sym f, double v);
armjit_val armjit_mconst_ref(armjit_module *m, armjit_sym f, uintptr_t v);
/* Any type from its bits: i32/f32 the low 32, ref a uintptr_t. */
armjit_val armjit_mconst(armjit_module *m, armjit_sym f, armjit_mtype t, uint64_t bits);

/* Type of a value of f (ARMJIT_T_VOID for a bad handle). */
armjit_mtype armjit_mval_type(const armjit_module *m, armjit_sym f, armjit_val v);

/* ---- ops ----------------------------------------------------------------------- */
enum { ARMJIT_MOP_VOLATILE = 1u << 0 }; /* load/store: neither removed nor merged */

/* The generic emitter for every op that is not a call or a terminator:
 * append op to block b.  `sub` is what the op's suffix selects
 * (armjit_mtype, armjit_icc, armjit_fcc or armjit_memk; 0 for none),
 * args its fixed operands (load: base[, index]; store: base, index, value
 * — or base, value for index 0), imm its immediates (load/store: shift
 * 0..31, offset; checks: trap code; addr: offset), `flags` ARMJIT_MOP_*.
 * addr takes its symbol in `sym` (else pass -1).  Returns the result
 * (ARMJIT_NOVAL for void ops and on misuse). */
armjit_val armjit_emit(armjit_module *m, armjit_block b, armjit_mop op, unsigned sub,
                       const armjit_val *args, unsigned nargs, const int32_t *imm,
                       unsigned nimm, armjit_sym sym, unsigned flags);

/* Conveniences over armjit_emit. */
armjit_val armjit_op1(armjit_module *m, armjit_block b, armjit_mop op, unsigned sub,
                      armjit_val x);
armjit_val armjit_op2(armjit_module *m, armjit_block b, armjit_mop op, unsigned sub,
                      armjit_val x, armjit_val y);
armjit_val armjit_icmp(armjit_module *m, armjit_block b, armjit_icc cc, armjit_val x,
                       armjit_val y);
armjit_val armjit_fcmp(armjit_module *m, armjit_block b, armjit_fcc cc, armjit_val x,
                       armjit_val y);
armjit_val armjit_select(armjit_module *m, armjit_block b, armjit_mtype t, armjit_val c,
                         armjit_val x, armjit_val y);
/* index ARMJIT_NOVAL: none (base + offset). */
armjit_val armjit_load(armjit_module *m, armjit_block b, armjit_memk k, armjit_val base,
                       armjit_val index, unsigned shift, int32_t offset, unsigned flags);
armjit_status armjit_store(armjit_module *m, armjit_block b, armjit_memk k, armjit_val base,
                           armjit_val index, unsigned shift, int32_t offset, armjit_val v,
                           unsigned flags);
armjit_val armjit_addr(armjit_module *m, armjit_block b, armjit_sym s, int32_t offset);
/* check_null / check_index / check_nonzero / trap_if with its operands
 * (one, or two for check_index) and trap code. */
armjit_status armjit_check(armjit_module *m, armjit_block b, armjit_mop op,
                           const armjit_val *args, unsigned nargs, uint32_t code);

/* Calls: the result, ARMJIT_NOVAL for a void callee (and on misuse).
 * call_ind's signature is its arguments' types and `result`; `hidden`
 * (ARMJIT_NOVAL: none) is passed in r12 for a dispatch stub. */
armjit_val armjit_call(armjit_module *m, armjit_block b, armjit_sym f, const armjit_val *args,
                       unsigned n);
armjit_val armjit_call_ind(armjit_module *m, armjit_block b, armjit_val fnptr,
                           armjit_mtype result, const armjit_val *args, unsigned n,
                           armjit_val hidden);

/* Terminators: the values passed become the target's block parameters.
 * The intrinsic terminators without successors (halt, jump_to, exc_return)
 * go through armjit_emit. */
armjit_status armjit_br(armjit_module *m, armjit_block from, armjit_block to,
                        const armjit_val *args, unsigned n);
armjit_status armjit_cbr(armjit_module *m, armjit_block from, armjit_val c, armjit_block t,
                         const armjit_val *targs, unsigned tn, armjit_block e,
                         const armjit_val *eargs, unsigned en);
/* switch on an i32: keys distinct; targets (and dflt) take no parameters. */
armjit_status armjit_switch(armjit_module *m, armjit_block from, armjit_val v,
                            armjit_block dflt, const int32_t *keys,
                            const armjit_block *targets, unsigned n);
armjit_status armjit_ret(armjit_module *m, armjit_block from, armjit_val v /* NOVAL: void */);
armjit_status armjit_unreachable(armjit_module *m, armjit_block from);

/* ---- exceptions (docs/mir.md, "exceptions") ------------------------------------ */
/* A handler list entry: an exception thrown by an op of the block goes to
 * `handler` when the tag matches: tag 0 (sym -1, tag 0) takes everything,
 * any other through exc_match(exc, tag).  The tag is symbol `sym`'s
 * address, or when sym is -1 the constant `tag`. */
typedef struct {
  armjit_sym sym;          /* -1: the tag is the constant */
  uint32_t tag;
  armjit_block handler;    /* a block of the same function with one ref
                              parameter (the exception) that nothing branches to */
} armjit_handler;

/* Set block b's handler list (replacing any): entries in matching order. */
armjit_status armjit_block_handlers(armjit_module *m, armjit_block b, const armjit_handler *h,
                                    unsigned n);
/* Terminators: throw the exception p (a ref; may be any value the front
 * end's exc_match understands), or trap with code as a failing check does
 * (if the trap handler returns, the program stops: the interpreter with
 * ARMJIT_E_INVALID, compiled code at an udf). */
armjit_status armjit_throw(armjit_module *m, armjit_block from, armjit_val p);
armjit_status armjit_trap(armjit_module *m, armjit_block from, uint32_t code);

/* ---- raw functions and generated subroutines (docs/mir.md, "raw functions") ---- */
/* A raw function is a function of the module whose body is machine code:
 * A32 words (written with the a32 assembler, or taken from elsewhere) plus
 * relocations to symbols of the module.  It links like any function (its
 * symbol, BL/B to it, addr(@f), in the object and the image) and is
 * called like one: the signature says how arguments and the result pass
 * (AAPCS), and the clobber set says which callee-saved registers it
 * changes beyond the AAPCS caller-saved ones (r0-r3, r12, lr, d0-d7,
 * d16-d31, the flags, FPSCR's flags): a caller keeps nothing there across
 * a call and saves them for its own caller.  sp, fp (r11) and pc must be
 * as AAPCS says on return; r4-r10 and d8-d15 may be in the set.  A raw
 * function throws nothing (it has no entry in the function table).
 *
 * ARMJIT_RAW_NOCALL: the code has no AAPCS entry at all (a vector table,
 * reset code, a dispatch stub entered with a key in r12): `call` to it is
 * a validation error; addr(@f) and call_ind reach it.
 *
 * Relocations: the word at `offset` refers to symbol `sym` + `addend` in
 * a32.h's REL convention (branches: A = target offset - 8).  Kinds:
 * A32_RELOC_CALL (a BL, cond AL), A32_RELOC_JUMP24 (B<c>, BL<c>),
 * A32_RELOC_MOVW_ABS_NC (a MOVW immediately followed by the MOVT of the
 * same register and condition, which the record covers: give no MOVT_ABS
 * record), A32_RELOC_ABS32 (a data word).  The words' relocated fields are
 * rewritten to hold the addend.  Targets: externs (any kind and addend),
 * the raw function itself (branches and MOVW/MOVT to any offset of it),
 * other functions of the module (branches with A = -8, MOVW/MOVT with
 * A = 0: their entry); an ABS32 word only to an extern.
 *
 * The interpreter cannot run machine code: calling a raw function there
 * calls the context's symbol of the same name (armjit_ctx_add_symbol, a
 * host implementation, as for externs), else fails with ARMJIT_E_INVALID. */
#define ARMJIT_RAW_CLOBBER_R(n) (1u << (n))              /* r4 .. r10 */
#define ARMJIT_RAW_CLOBBER_D(n) (1u << (16 + (n) - 8))   /* d8 .. d15 */
enum { ARMJIT_RAW_NOCALL = 1u << 0 };

typedef struct {
  uint32_t offset;      /* byte offset of the word (a multiple of 4) */
  a32_reloc_kind kind;
  armjit_sym sym;       /* a symbol of the module */
  int32_t addend;
} armjit_raw_reloc;

typedef struct {
  /* the code: either `buf` (its bytes; its symbol relocations, each naming
   * a symbol of the module; its label address pairs, to itself; every
   * label bound) or the words and records below */
  const a32_buf *buf;
  const void *code;     /* size bytes, little-endian words */
  uint32_t size;        /* a multiple of 4, 4 .. 16 MiB */
  const armjit_raw_reloc *relocs;
  unsigned nrelocs;
  uint32_t clobbers;    /* ARMJIT_RAW_CLOBBER_R / _D bits */
  unsigned flags;       /* ARMJIT_RAW_* */
} armjit_raw_desc;

/* A raw function `name` with the given signature (-1 and the builder's
 * error on misuse: bad name, duplicate symbol, a misplaced or mismatched
 * relocation, a clobber outside r4-r10 / d8-d15). */
armjit_sym armjit_raw_func(armjit_module *m, const char *name, const armjit_mtype *params,
                           unsigned nparams, armjit_mtype result, const armjit_raw_desc *d);
/* Is s a raw function?  Its code (NULL if not raw) and declaration. */
bool armjit_sym_is_raw(const armjit_module *m, armjit_sym s);
const uint32_t *armjit_raw_code(const armjit_module *m, armjit_sym s, uint32_t *nwords,
                                uint32_t *clobbers, unsigned *flags);

/* Interface-method dispatch (Deep's imDelegIiMm), a generated raw function
 * (docs/mir.md, "interface dispatch"): entered by call_ind with hidden =
 * the key ((interface id << 16) | method offset) in r12, the receiver in
 * r0 and the method's arguments (r0-r3 and the stack) as for the method
 * itself.  It finds the method in the receiver's class and tail-jumps to
 * it with `bx r12`, r0-r3, sp, the stack arguments and lr unchanged; it
 * changes only r12 and the flags (what it uses besides, it pushes and
 * pops).
 *
 * Layout: the receiver's word at `class_offset` is its class (a pointer);
 * the class's word at `itable_offset` points to the interface table:
 * words (id << 16) | offset, sorted by id descending, ended by a word
 * whose id is 0.  The method's address is the word at
 * class + sign_extend(entry & 0xffff) + (key & 0xffff).  A class without
 * the interface (the walk reaches the end) goes to `miss` (a symbol of the
 * module, entered like the method would have been, r12 = the key), or
 * executes `udf #miss_code` when miss is -1.  The stub is a NOCALL raw
 * function: it exists when this was called, links like any function,
 * prints as its request (text "stub_itable"), and the interpreter does what
 * its code would (docs/mir.md). */
typedef struct {
  int32_t class_offset;   /* -4095 .. 4095 */
  int32_t itable_offset;  /* -4095 .. 4095 */
  armjit_sym miss;        /* -1: udf #miss_code */
  uint32_t miss_code;     /* 0 .. 0xffff */
} armjit_itable_layout;
armjit_sym armjit_stub_itable(armjit_module *m, const char *name, const armjit_itable_layout *l);

/* ---- checking, text ------------------------------------------------------------ */
/* Every rule of docs/mir.md; the first builder misuse wins.  Run again by
 * everything that needs a valid module (cheap when nothing changed). */
armjit_status armjit_module_validate(armjit_module *m, armjit_error *err);

/* Text form (docs/mir.md).  Errors carry line:column.  The module is not
 * validated by parsing: call armjit_module_validate (rule errors then
 * carry the line:column of the op, block or function). */
armjit_module *armjit_module_parse(armjit_ctx *ctx, const char *text, armjit_error *err);
/* Print in text form (parses back to the same module); bytes written, -1. */
int armjit_module_print(const armjit_module *m, FILE *out);
/* The same into a malloc'd string (free with free()); NULL on error. */
char *armjit_module_to_string(const armjit_module *m);

/* ---- the reference interpreter ------------------------------------------------- */
typedef union {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  uintptr_t ref;
  uint64_t bits;
} armjit_mval;

typedef struct {
  uint64_t max_steps;  /* ops executed, over all calls; 0 = no limit */
  uint32_t max_depth;  /* nested calls between module functions; 0 = 10000 */
  uint64_t steps;      /* out: ops executed */
} armjit_interp_options;

/* Run function `name` of a validated (validated here) module on args
 * (nargs must match its parameters); *result gets the return value (its
 * other bytes zero; untouched for void).  o may be NULL.  Statuses:
 * ARMJIT_E_LIMIT past max_steps or max_depth, ARMJIT_E_INVALID when it
 * reaches `unreachable` or an extern that is not among the context's
 * symbols, ARMJIT_E_UNSUPPORTED for a call when built without libffi.
 * Data: the module's data symbols get a copy of their own in memory of the
 * context's allocator at the first run, kept from run to run until the
 * module changes (addr @data is its address); a word holding an address
 * needs a 32-bit host (else ARMJIT_E_UNSUPPORTED), functions' addresses
 * being the interpreter's tokens that call_ind understands. */
armjit_status armjit_mc_interpret(armjit_module *m, const char *name, const armjit_mval *args,
                                  unsigned nargs, armjit_mval *result,
                                  armjit_interp_options *o, armjit_error *err);
/* The interpreter's copy of data `name` (its bytes as the runs left them);
 * NULL before the first run since the module changed, or if no such data. */
void *armjit_mc_interp_data(const armjit_module *m, const char *name);

/* ---- compiling and loading ----------------------------------------------------- */
/* Compile a module (validated first) to A32 code for the context's ABI and
 * CPU features: an *object* (docs/object.md): the code of the functions by
 * section (.text, then the named ones), calls within a section as BL,
 * references to externs, data and other sections as relocations, and the
 * data sections with their words holding addresses.  Works
 * on any host (a cross compiler).  The module must outlive the object
 * (listings print its ops).  NULL with err filled on failure; errors name
 * the function (ARMJIT_E_LIMIT: a frame over 1 MiB, more code than an
 * object holds). */
typedef struct armjit_object armjit_object;
armjit_object *armjit_module_compile(armjit_module *m, armjit_error *err);
void armjit_object_free(armjit_object *o);
size_t armjit_object_size(const armjit_object *o); /* bytes of code */
/* The code per function, each op's IR before the instructions it became
 * (addresses from 0), then each data symbol's words (offsets in its
 * section; a word holding an address names it).  ARMJIT_E_UNSUPPORTED
 * without capstone. */
armjit_status armjit_object_dis(const armjit_object *o, FILE *out);

/* Load an object into the context's code arena (ARM Linux only: elsewhere
 * ARMJIT_E_UNSUPPORTED), its data into memory of the context's allocator
 * (every section aligned, code and data reaching each other by address,
 * so named sections need no placing): externs are looked up among the context's symbols
 * (armjit_ctx_add_symbol; an unknown one is ARMJIT_E_INVALID naming it),
 * ARMJIT_E_LIMIT when the arena is full.  The loaded code owns the object
 * from then on (freed with it). */
typedef struct armjit_mcode armjit_mcode;
armjit_mcode *armjit_object_load(armjit_object *o, armjit_error *err);
/* Compile and load in one step. */
armjit_mcode *armjit_module_load(armjit_module *m, armjit_error *err);
/* Function `name` of the module as a C function pointer (cast it to the
 * function's C type: the AAPCS of the context's ABI), or the address of
 * data `name` (its own copy, in memory of the context's allocator, with
 * its words' addresses filled in); NULL if none. */
void *armjit_mcode_symbol(const armjit_mcode *c, const char *name);
const armjit_object *armjit_mcode_object(const armjit_mcode *c);
/* As armjit_object_dis, at the loaded addresses. */
armjit_status armjit_mcode_dis(const armjit_mcode *c, FILE *out);
void armjit_mcode_free(armjit_mcode *c);

/* ---- ELF relocatable objects (docs/object.md, "ELF objects") ------------------- */
/* The object as an ELF32 relocatable file (ET_REL, EM_ARM, EABI version 5)
 * for a static linker such as GNU ld, for the context's ABI (e_flags
 * EF_ARM_ABI_FLOAT_HARD or _SOFT, .ARM.attributes with Tag_ABI_VFP_args
 * for hard float) and CPU features (Tag_FP_arch: VFPv3 or VFPv3-D16):
 * the object's sections (.text, ...), .rel<section> with REL records
 * (R_ARM_CALL, R_ARM_JUMP24, R_ARM_MOVW_ABS_NC, R_ARM_MOVT_ABS,
 * R_ARM_ABS32; addends in the fields; never R_ARM_PC24), .symtab with $a/$d
 * mapping symbols, the functions as sized STT_FUNC symbols (global) and
 * every extern it uses as an undefined symbol.  The run-time helpers the
 * code calls (i64 division, ...; docs/object.md, "Run-time helpers") are
 * local functions of .text compiled into the object, or with
 * ARMJIT_AEABI_HELPERS undefined __aeabi_* symbols for libgcc.  What exceptions add: __armjit_throw and
 * __armjit_trap_svc, weak functions (every module's copy is the same code,
 * so objects of several modules link into one image), and the module's
 * function table record in section armjit_fntab (local __armjit_fntab),
 * which the unwinder finds with every other module's between the
 * undefined __start_armjit_fntab and __stop_armjit_fntab (GNU ld defines
 * them; docs/design.md §11.5).
 * The object is not changed (a link, armjit_object_link, does not matter).
 * Flags: ARMJIT_ELF_GNU_STACK adds an empty .note.GNU-stack (the code
 * needs no executable stack), which GNU/Linux linkers expect of every
 * input; leave it out for bare metal, where arm-none-eabi-gcc's objects
 * have none (ld warns about a mix either way).
 *   armjit_object_elf: the file in a malloc'd buffer (free with free()),
 *     *size its bytes; NULL with err filled on failure.
 *   armjit_object_write_elf: written to `out` (and flushed); ARMJIT_E_ARG
 *     naming the system's reason when writing fails.
 * Errors: ARMJIT_E_NOMEM; ARMJIT_E_LIMIT for a MOVW/MOVT reference whose
 * addend does not fit the field's signed 16 bits. */
enum { ARMJIT_ELF_GNU_STACK = 1u << 0 };
void *armjit_object_elf(const armjit_object *o, unsigned flags, size_t *size,
                        armjit_error *err);
armjit_status armjit_object_write_elf(const armjit_object *o, unsigned flags, FILE *out,
                                      armjit_error *err);

/* ---- flat images (docs/object.md, "Flat images") ------------------------------ */
/* Link an object for fixed addresses, as a bare-metal image or a loader
 * that places code itself needs it: every section gets an address, every
 * relocation is resolved, and the linked bytes stay in the object (read
 * them with armjit_object_section) until the next link, which starts again
 * from the object as compiled (so linking again at other addresses works).
 *
 * Addresses.  `text` is where .text starts.  .rodata, .data and .bss go
 * at the given address, or with 0 right after the one before them in the
 * order .text (with its veneers), .rodata, .data, .bss, aligned.  Any
 * section — a named one such as ".vectors", or one of those four — can be
 * placed by name in `sections` (which wins over the fields); a named
 * section the object has must be placed.  Errors: ARMJIT_E_INVALID for an
 * address that is not a multiple of the section's alignment (at least 4
 * for code), for sections that overlap or pass 2^32, for a placement that
 * names no section of the object.
 *
 * Symbols.  A relocation to a symbol the object does not define goes to
 * `resolve` (NULL: none), which sets *addr and returns true, or returns
 * false (ARMJIT_E_INVALID naming the symbol and its use).  An odd address
 * is a Thumb function: a BL to it becomes BLX, a B goes through a veneer.
 *
 * Veneers.  A BL/B (R_ARM_CALL/JUMP24) whose target is beyond +-32 MiB
 * goes through a veneer, `movw ip, #lo; movt ip, #hi; bx ip` (12 bytes),
 * one per target, in a pool at the end of the calling code section (the
 * section grows by it).  ARMJIT_LINK_NO_VENEERS makes that ARMJIT_E_LIMIT.
 *
 * Chained fixups (ARMJIT_LINK_CHAIN_FIXUPS).  MOVW/MOVT pairs in .text to
 * symbols the resolver does not know are left for a loader on the target
 * instead of being an error: each such pair's MOVW holds the word index
 * (from the start of .text) of the previous one, 0xffff ending the chain,
 * and its MOVT the number k of its symbol (armjit_object_chain_sym).  The
 * linker appends the loader to .text's pool as the function
 *   void __armjit_fixup(const uint32_t *values);   (AAPCS, A32)
 * which walks the chain from its head (the last pair) and patches every
 * pair with values[k] (the address of symbol k plus its addend); it does
 * not touch the caches.  Limits: pairs in the first 65535 words of .text,
 * at most 65536 symbols (ARMJIT_E_LIMIT beyond).  BL, B and data words
 * to unknown symbols stay errors. */
typedef bool (*armjit_resolver)(void *ud, const char *name, uint32_t *addr);

typedef struct {
  const char *name; /* a section of the object */
  uint32_t addr;
} armjit_section_addr;

enum {
  ARMJIT_LINK_NO_VENEERS = 1u << 0,
  ARMJIT_LINK_CHAIN_FIXUPS = 1u << 1
};

typedef struct {
  uint32_t text, rodata, data, bss;  /* see above: 0 = after the one before */
  const armjit_section_addr *sections;
  unsigned nsections;
  unsigned flags;                    /* ARMJIT_LINK_* */
} armjit_link_options;

armjit_status armjit_object_link(armjit_object *o, const armjit_link_options *opt,
                                 armjit_resolver resolve, void *ud, armjit_error *err);

/* After a successful link.  Sections in address order (i from 0; false
 * past the last or before a link); bytes NULL for .bss.  The pointers stay
 * valid until the next link or armjit_object_free. */
typedef struct {
  const char *name;
  uint32_t addr, size;
  const void *bytes;
  bool code, bss;
} armjit_linked_section;
bool armjit_object_linked_section(const armjit_object *o, unsigned i,
                                  armjit_linked_section *out);
/* The linked bytes of section `name` (NULL if none, or .bss); *addr and
 * *size (when not NULL) its address and size (also for .bss). */
const void *armjit_object_section(const armjit_object *o, const char *name, uint32_t *addr,
                                  size_t *size);
/* The linked address of a symbol of the object (functions: their entry;
 * also "__armjit_fixup"); false if it has none. */
bool armjit_object_symbol_addr(const armjit_object *o, const char *name, uint32_t *addr);
/* The chain of the last link: its head (word index of the last pair,
 * 0xffff: empty), pairs, symbols and the loader's address; false when the
 * link was without ARMJIT_LINK_CHAIN_FIXUPS or the object has no .text
 * (with the flag the loader is always there, also for an empty chain). */
typedef struct {
  uint32_t head, npairs, nsyms, loader;
} armjit_fixup_chain;
bool armjit_object_chain(const armjit_object *o, armjit_fixup_chain *out);
/* Chained symbol k: its name (NULL past the last) and addend (values[k]
 * must be the symbol's address plus the addend). */
const char *armjit_object_chain_sym(const armjit_object *o, unsigned k, int32_t *addend);
/* The loader's work on the host, for code that patches an image itself:
 * walk the chain from `head` over `text` (`size` bytes of .text) and
 * patch each pair with values[k].  ARMJIT_E_INVALID (nothing is patched)
 * when a position, a symbol number or an instruction is not a chain's. */
armjit_status armjit_image_patch_chain(void *text, size_t size, uint32_t head,
                                       const uint32_t *values, unsigned nvalues,
                                       armjit_error *err);
/* The image's map: sections, symbols, veneers and the chain. */
armjit_status armjit_object_print_map(const armjit_object *o, FILE *out);

ARMJIT_API_END
#ifdef __cplusplus
}
#endif
#endif
