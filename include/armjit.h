/* SPDX-License-Identifier: MIT */
/* armjit.h — the public API of armjit, a code generator for 32-bit ARM.
 *
 * A user builds a *trace* of typed operations (by API or from text),
 * compiles it to a *loop* of ARM machine code, and runs it on a
 * caller-owned *frame* that holds the input values on entry and the values
 * the taken exit lists on return.  The raw assembler is in <armjit/a32.h>.
 *
 * Errors: every fallible call returns a status (or NULL) and fills an
 * armjit_error when one is passed.  Nothing aborts on user input.
 * Threads: each context is independent.  The only global mutable state is
 * the GDB JIT interface's descriptor (process-wide by gdb's design; see
 * "debugging and profiling" below), guarded by a mutex.
 * A compiled loop may be run by several threads at once, each with its
 * own frame, as long as its helpers do not raise: the pending-exception
 * slot belongs to the context (see armjit_raise).
 */
#ifndef ARMJIT_H
#define ARMJIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "armjit/a32.h"
#include "armjit/export.h"
#include "armjit/version.h" /* ARMJIT_VERSION_MAJOR/MINOR/PATCH */

#ifdef __cplusplus
extern "C" {
#endif
ARMJIT_API_BEGIN /* everything declared below is exported */

/* ---- errors -------------------------------------------------------------- */
typedef enum {
  ARMJIT_OK = 0,
  ARMJIT_E_NOMEM,       /* memory (or the configured limit) exhausted */
  ARMJIT_E_SYNTAX,      /* malformed text IR */
  ARMJIT_E_TYPE,        /* type mismatch */
  ARMJIT_E_INVALID,     /* trace breaks an IR rule (undefined value, ...) */
  ARMJIT_E_ARG,         /* bad argument to an API call */
  ARMJIT_E_LIMIT,       /* a size limit (args, frame, code) or step limit */
  ARMJIT_E_ASM,         /* the assembler rejected an operand (internal) */
  ARMJIT_E_UNSUPPORTED, /* not available on this host / CPU */
  ARMJIT_E_EXECMEM      /* executable memory could not be mapped/protected */
} armjit_status;

typedef struct {
  armjit_status code;
  int line, col;        /* 1-based position in text input, 0 if none */
  char msg[256];
} armjit_error;

const char *armjit_status_name(armjit_status s);

/* The version of the library linked in, "MAJOR.MINOR.PATCH"; the headers'
 * own is ARMJIT_VERSION_STRING.  They differ only when a program runs
 * against another build of the shared library than it was compiled with. */
const char *armjit_version(void);

/* ---- context ------------------------------------------------------------- */
typedef enum { ARMJIT_ABI_DEFAULT, ARMJIT_ABI_HARD, ARMJIT_ABI_SOFT } armjit_abi;

enum {
  ARMJIT_RANDOM_RA  = 1u << 0, /* randomize register choices (testing) */
  ARMJIT_NO_IDIV    = 1u << 1, /* never use SDIV/UDIV: call the helper */
  ARMJIT_FEATURES_SET = 1u << 2, /* use options.features, skip detection */
  ARMJIT_PERF_MAP   = 1u << 3, /* list compiled code in /tmp/perf-<pid>.map (also
                                  when the environment has ARMJIT_PERF_MAP=1) */
  ARMJIT_NO_GDB_JIT = 1u << 4, /* do not register compiled code with gdb */
  ARMJIT_CODE_MPROTECT = 1u << 5, /* code memory: the mprotect fallback, no dual
                                    mapping (see armjit_code_patch) */
  ARMJIT_STACK_CHECK = 1u << 6,   /* loops check sp at entry (armjit_ctx_set_stack_limit) */
  ARMJIT_INTERRUPTIBLE = 1u << 7, /* jumps check the interrupt word (armjit_ctx_interrupt_word) */
  ARMJIT_COUNTERS = 1u << 8,      /* loops count their entries and labels (armjit_loop_count) */
  ARMJIT_NO_LISTING = 1u << 9,    /* loops keep no hold on their trace: armjit_loop_dis
                                     names ops by number instead of their text (a trace
                                     changed or freed after compiling is then neither
                                     copied nor kept for the listing) */
  ARMJIT_AEABI_HELPERS = 1u << 10 /* method-compiled code calls libgcc's run-time ABI
                                     functions (__aeabi_ldivmod, ...) for the operations
                                     it does not inline, instead of carrying its own
                                     copies of armjit's helpers (docs/object.md,
                                     "Run-time helpers") */
};

/* The largest code arena: any B/BL in it reaches any other address in it
 * (reach is -32 MiB + 8 ... +32 MiB + 4 from the branch; the arena is whole
 * pages of up to 64 KiB). */
#define ARMJIT_CODE_ARENA_MAX (((size_t)32 << 20) - ((size_t)64 << 10))

/* ---- the garbage collector's side of the contract (docs/ir.md §15) ------- */
/* A context with a GC descriptor (armjit_options.gc) compiles the GC ops
 * (new, new_with_vtable, new_array, newstr, newunicode, cond_call_gc_wb,
 * cond_call_gc_wb_array, keepalive) and keeps GC maps: at every point
 * where the collector may run (every call, call_may_force,
 * call_assembler, cond_call and cond_call_value, and every slow path below) the code knows which words
 * of its frames hold live GC references, and armjit_gc_walk_roots hands
 * their addresses to the collector, which may overwrite them with the
 * objects' new addresses (a moving collector).
 *
 * Object layout (all offsets from the object's address, in bytes):
 *   - the type id: an unsigned int of tid_size bytes (2 or 4) at
 *     tid_offset, written by every allocation op;
 *   - a flags byte at flags_offset; cond_call_gc_wb(p) calls the write
 *     barrier's slow path when (flags & wb_flag) != 0 (PyPy's
 *     JIT_WB_IF_FLAG: the collector sets it on old objects that young
 *     ones may not yet be recorded for, and clears it in the slow path);
 *   - new_with_vtable writes its class at armjit_options.class_offset;
 *   - arrays, strs, unicodes: their descriptor's length word and items.
 * The nursery: *nursery_free is the next free byte, *nursery_top its end;
 * the bytes in between are zero (the collector clears them), so an
 * allocation writes only its header words.  Sizes are rounded up to
 * multiples of 8 and consecutive allocations are taken in one step
 * (docs/ir.md §15.2).
 *
 * Slow paths (plain C functions, called from compiled code and from the
 * interpreter with the context's ABI; ud is passed back):
 *   malloc_slowpath(ud, size)  called when the nursery has less than size
 *       bytes left; returns the address of size zeroed bytes (normally at
 *       the nursery's new free pointer, which it advances past them).  It
 *       may collect: walk the roots with armjit_gc_walk_roots and move
 *       objects.  NULL means out of memory: the run ends at once, as
 *       PyPy's propagate_exception_path leaves the frame, with
 *       ARMJIT_EXIT_OUT_OF_MEMORY (armjit_run, and every run it is nested
 *       in through call_assembler; the interpreter: ARMJIT_E_NOMEM and
 *       f->exit_id the same).  It may armjit_raise its MemoryError first:
 *       the value stays in the exception slot for the caller.
 *   wb_slowpath(ud, obj)  the write barrier of obj, whose wb_flag is set.
 *   wb_array_slowpath(ud, obj, index)  the same for item index of an array
 *       (cond_call_gc_wb_array); NULL: wb_slowpath(ud, obj) is called.
 * Any of them may collect.  Only a malloc_slowpath that returns NULL may
 * raise (armjit_raise). */
typedef struct {
  int32_t tid_offset;       /* the type id's offset */
  uint32_t tid_size;        /* 2 or 4 bytes */
  int32_t flags_offset;     /* the flags byte's offset */
  uint8_t wb_flag;          /* the "needs a write barrier" bit(s), not 0 */
  uintptr_t nursery_free;   /* address of the word holding the free pointer */
  uintptr_t nursery_top;    /* address of the word holding the nursery's end */
  void *(*malloc_slowpath)(void *ud, uint32_t size);
  void (*wb_slowpath)(void *ud, void *obj);
  void (*wb_array_slowpath)(void *ud, void *obj, int32_t index);
  void *ud;
} armjit_gc_descr;

typedef struct {
  armjit_abi abi;         /* default: the ABI this library was built for */
  unsigned flags;         /* ARMJIT_RANDOM_RA | ARMJIT_NO_IDIV | ... */
  unsigned features;      /* A32_FEAT_* when ARMJIT_FEATURES_SET */
  uint32_t seed;          /* for ARMJIT_RANDOM_RA */
  /* Code memory: all code objects of a context live in one arena of
   * code_arena bytes of address space (0 = 16 MiB, at most
   * ARMJIT_CODE_ARENA_MAX), so a branch between any two of them is in
   * reach.  Pages are committed as code uses them.  code_limit caps the
   * bytes of code in use at once (0 = the arena's size). */
  size_t code_limit;
  size_t code_arena;
  /* Allocator hooks (all three or none); ud is passed back. */
  void *(*alloc)(void *ud, size_t n);
  void *(*realloc)(void *ud, void *p, size_t n);
  void (*free)(void *ud, void *p);
  void *ud;
  /* guard_class / guard_nonnull_class compare the pointer-sized word at
   * this byte offset of the object (its class or type pointer). */
  int32_t class_offset;
  /* The garbage collector's contract (above); NULL: no GC ops.  Copied
   * when the context is made (armjit_ctx_new checks it: ARMJIT_E_ARG). */
  const armjit_gc_descr *gc;
} armjit_options;

typedef struct armjit_ctx armjit_ctx;

/* opts may be NULL for defaults. */
armjit_ctx *armjit_ctx_new(const armjit_options *opts, armjit_error *err);
void armjit_ctx_free(armjit_ctx *ctx);
unsigned armjit_ctx_features(const armjit_ctx *ctx); /* A32_FEAT_* in use */
armjit_abi armjit_ctx_abi(const armjit_ctx *ctx);    /* HARD or SOFT */
/* CPU features of the machine we run on (getauxval(AT_HWCAP)); 0 when
 * not running on ARM. */
unsigned armjit_detect_features(void);

/* ---- executable code from the raw assembler ------------------------------- */
/* An assembler buffer (a32_buf_new_with) that allocates through the
 * context's allocator hooks and may use the context's CPU features; free it
 * with a32_buf_free before the context.  NULL when out of memory. */
a32_buf *armjit_buf_new(armjit_ctx *ctx, size_t initial_bytes, size_t max_bytes);

typedef struct armjit_code armjit_code;
/* Code memory.  Every code object of a context is a range of the
 * context's code arena (options.code_arena), 64-byte aligned, so a B/BL
 * from any code object reaches any other.  Memory is W^X: the arena is
 * one memory object mapped twice, read+execute where code runs and
 * read+write (at another address) where it is written; no page is ever
 * writable and executable in the same view.  Where no dual mapping can be
 * had (no memfd_create, mapping refused), or with ARMJIT_CODE_MPROTECT
 * (or the environment variable ARMJIT_CODE_MPROTECT=1), the fallback is
 * one view whose pages flip between RW and RX, each object on pages of
 * its own.  Free code objects before their context.  The dual mapping is
 * shared memory: after fork() parent and child share the code of the
 * contexts made before it, so only one of them may go on creating or
 * patching code in those contexts.
 *
 * Link `buf` for its final address, copy it into a free range of the
 * arena and flush the instruction cache.  ARMJIT_E_LIMIT when the arena or
 * code_limit is full.  Symbols the buffer refers to (a32_bl_sym, ...) are
 * looked up among the context's symbols (armjit_ctx_add_symbol);
 * armjit_code_new_with takes a resolver instead (NULL: the context's).
 * An unresolved symbol or a branch beyond ±32 MiB of its symbol fails
 * with ARMJIT_E_ASM and the assembler's message. */
armjit_code *armjit_code_new(armjit_ctx *ctx, a32_buf *buf, armjit_error *err);
armjit_code *armjit_code_new_with(armjit_ctx *ctx, a32_buf *buf, a32_resolve_fn resolve,
                                  void *ud, armjit_error *err);
void *armjit_code_entry(const armjit_code *code);   /* first instruction */
size_t armjit_code_size(const armjit_code *code);
/* Overwrite nwords words at a 4-aligned byte offset, then flush the
 * instruction cache over them.  Each word is written by one aligned 32-bit
 * store; that single instruction write is all patching makes atomic.
 *
 * Threads.  With the dual mapping no page changes protection: other
 * threads may run any code of the context meanwhile, this object
 * included.  A thread executing a patched word sees either the old or the
 * new instruction, which the architecture defines only when both are B,
 * BL, NOP, BKPT or SVC (ARM ARM, "Concurrent modification and execution
 * of instructions"): retarget a branch, or turn a NOP into a branch and
 * back.  A patch of several words is not atomic as a whole: a running
 * thread may see any mix of old and new words, so patch several words
 * only where no thread is executing.  In the fallback the object's pages
 * are not executable during the patch: no thread may run this object
 * then (other objects are on other pages and unaffected).  Creating,
 * patching and freeing code objects of one context must not run
 * concurrently with each other. */
armjit_status armjit_code_patch(armjit_code *code, size_t offset,
                                const uint32_t *words, size_t nwords,
                                armjit_error *err);
/* Return the range to the arena (its bytes become trapping instructions
 * until reused). */
void armjit_code_free(armjit_code *code);

/* Disassemble ARM code with capstone, one instruction a line:
 * "  <addr>: <word>  <mnemonic> <operands>".  A library built without
 * capstone (ARMJIT_WITH_CAPSTONE=OFF) prints one line saying so and returns
 * ARMJIT_E_UNSUPPORTED; so does armjit_loop_dis. */
armjit_status armjit_disasm(const void *code, size_t size, uint32_t address,
                            FILE *out);

/* ---- IR: types, values, opcodes -------------------------------------------- */
/* int: i32; ref: a pointer; float: an IEEE double (f64); i64: a 64-bit
 * two's-complement integer; f32: an IEEE single (text letters: docs/ir.md
 * §2).  The numbers are fixed: new types are added at the end. */
typedef enum {
  ARMJIT_INT, ARMJIT_REF, ARMJIT_FLOAT, ARMJIT_VOID, ARMJIT_I64, ARMJIT_F32
} armjit_type;

/* A value in a frame (8 bytes each, little-endian): an int (i32, in the
 * low word), a ref, a float (f64), an i64 (all 64 bits) or an f32 (its
 * bits in the low word). */
typedef union {
  int32_t i;
  uintptr_t r;
  double f;
  int64_t l;
  float s;
  uint64_t bits;
} armjit_value;

/* Opcodes: ARMJIT_OP_<NAME>, defined in <armjit/opcodes.h>. */
#include "armjit/opcodes.h"

typedef struct armjit_trace armjit_trace;
/* A value handle inside one trace: variables (inputs, op results) and
 * constants.  ARMJIT_NOVAL marks "none" / an error. */
typedef int32_t armjit_val;
#define ARMJIT_NOVAL ((armjit_val)INT32_MIN)

armjit_trace *armjit_trace_new(armjit_ctx *ctx);
void armjit_trace_free(armjit_trace *t);

/* Builder.  Calls never abort: the first misuse is remembered in the
 * trace and reported by armjit_trace_validate / armjit_compile_loop. */
armjit_val armjit_input(armjit_trace *t, armjit_type type);
armjit_val armjit_const_int(armjit_trace *t, int32_t v);
armjit_val armjit_const_ref(armjit_trace *t, uintptr_t v);
armjit_val armjit_const_float(armjit_trace *t, double v);
armjit_val armjit_const_i64(armjit_trace *t, int64_t v);
armjit_val armjit_const_f32(armjit_trace *t, float v);
/* A plain operation; returns its result (ARMJIT_NOVAL for void ops). */
armjit_val armjit_op(armjit_trace *t, armjit_opcode op, const armjit_val *args,
                     unsigned nargs);
/* A guard with its fail-arg list; returns its exit id (>= 0) or -1. */
int armjit_guard(armjit_trace *t, armjit_opcode op, const armjit_val *args,
                 unsigned nargs, const armjit_val *fail, unsigned nfail);
/* label(args): returns the label id (>= 0) or -1. */
int armjit_label(armjit_trace *t, const armjit_val *args, unsigned nargs);
armjit_status armjit_jump(armjit_trace *t, int label, const armjit_val *args,
                          unsigned nargs);
/* jump(args) to the label named `label` of another trace (text form: a
 * jump whose descr= names no label of its trace, in a file of several
 * traces).  Only a bridge may have one (armjit_compile_bridge resolves
 * the name: see there). */
armjit_status armjit_jump_to(armjit_trace *t, const char *label, const armjit_val *args,
                             unsigned nargs);
/* finish(args): returns its exit id (>= 0) or -1. */
int armjit_finish(armjit_trace *t, const armjit_val *args, unsigned nargs);
/* debug_merge_point(text): the front end's own source position (PyPy's
 * name), e.g. "loop at line 12".  No code; the text shows in listings
 * (armjit_loop_dis) and in armjit_lookup_pc.  Any bytes but NUL, at most
 * 4096.  Returns ARMJIT_OK or the error also remembered in the trace. */
armjit_status armjit_debug_merge_point(armjit_trace *t, const char *text);
/* Name the last guard, finish or label (text form "descr=NAME"; exit info
 * reports it).  Names are identifiers, unique within a trace together with
 * the descriptors' names.  A *name* marks a place in the trace; a
 * *descriptor* (below) describes memory or a call. */
armjit_status armjit_set_name(armjit_trace *t, const char *name);
/* Deprecated spelling of armjit_set_name. */
#define armjit_set_descr_name armjit_set_name

armjit_type armjit_val_type(const armjit_trace *t, armjit_val v);
unsigned armjit_trace_ninputs(const armjit_trace *t);
unsigned armjit_trace_nops(const armjit_trace *t);

/* Check every IR rule; also run by compile and interpret.  A trace that
 * passed since its last change (builder call) passes at once: parsing
 * validates, so validating a parsed trace costs nothing.  The builder
 * checks each op as it goes, so validating a trace built by these calls
 * costs about one op's check when nothing is wrong. */
armjit_status armjit_trace_validate(armjit_trace *t, armjit_error *err);

/* Text form (docs/ir.md).  Errors carry line:column. */
armjit_trace *armjit_trace_parse(armjit_ctx *ctx, const char *text,
                                 armjit_error *err);
/* Print the trace in text form; returns the number of bytes written, or -1. */
int armjit_trace_print(const armjit_trace *t, FILE *out);
/* The same into a malloc'd string (free with free()); NULL on error. */
char *armjit_trace_to_string(const armjit_trace *t);

/* ---- descriptors: memory layouts and call signatures (docs/ir.md §10) ----- */
/* Memory and call ops name a descriptor of their trace (armjit_op_descr;
 * text: descr=NAME).  Offsets and sizes are in bytes.  A value in memory is
 * an int of 1, 2 or 4 bytes (loads sign- or zero-extend 1 and 2), a ref of
 * pointer size, a float (8-byte double), an i64 (8 bytes) or an f32
 * (4-byte float); size 0 for any but an int means that natural size.
 * Bounds are never checked. */
typedef struct {
  int32_t offset;         /* of the field from the object's address */
  uint32_t size;          /* int: 1, 2, 4; ref: 0 or sizeof(void *); float: 0 or 8 */
  bool is_signed;         /* int: sign-extend (else zero-extend) on load */
  armjit_type type;       /* ARMJIT_INT, _REF, _FLOAT, _I64 (8 bytes) or _F32 (4) */
} armjit_field_descr;

typedef struct {
  int32_t base;           /* offset of item 0 from the array's address */
  uint32_t item_size;     /* size of an item, as a field's size */
  bool is_signed;
  armjit_type type;       /* the items' type */
  bool has_len;           /* arraylen_gc needs the length */
  int32_t len_offset;     /* offset of the int32 length */
} armjit_array_descr;

/* An array of structs: a field inside each item. */
typedef struct {
  int32_t base;           /* offset of item 0 */
  uint32_t item_size;     /* stride between items (> 0) */
  bool has_len;
  int32_t len_offset;
  int32_t offset;         /* of the field inside an item; it must fit the item */
  uint32_t size;
  bool is_signed;
  armjit_type type;
} armjit_interior_descr;

/* str and unicode layouts: characters (unsigned) from base, int32 length. */
typedef struct {
  int32_t base;           /* offset of character 0 */
  uint32_t item_size;     /* str: 1; unicode: 2 or 4 */
  int32_t len_offset;
} armjit_str_descr;

enum {
  ARMJIT_CALL_MAY_RAISE = 1u << 0, /* may armjit_raise: exception guards allowed */
  ARMJIT_CALL_MAY_FORCE = 1u << 1, /* may armjit_force: needs call_may_force */
  /* A narrow int result (C char, short): only the low byte / halfword of
   * the returned word counts, zero-extended, or sign-extended with
   * ARMJIT_CALL_RESULT_SIGNED (text: size=1, size=2, signed). */
  ARMJIT_CALL_RESULT_BYTE = 1u << 2,
  ARMJIT_CALL_RESULT_HALF = 1u << 3,
  ARMJIT_CALL_RESULT_SIGNED = 1u << 4
};
/* A C function's signature: int32_t, pointers, double, int64_t, float. */
typedef struct {
  const armjit_type *args; /* argument types (int, ref, float, i64, f32), function excluded */
  unsigned nargs;
  armjit_type result;      /* one of those or ARMJIT_VOID */
  unsigned flags;          /* ARMJIT_CALL_* */
} armjit_call_descr;

/* Add a descriptor to t; returns its id (>= 0), or -1 with the error
 * remembered like any builder misuse (reported by armjit_trace_validate). */
int armjit_descr_field(armjit_trace *t, const armjit_field_descr *d);
int armjit_descr_array(armjit_trace *t, const armjit_array_descr *d);
int armjit_descr_interior(armjit_trace *t, const armjit_interior_descr *d);
int armjit_descr_str(armjit_trace *t, const armjit_str_descr *d);
int armjit_descr_unicode(armjit_trace *t, const armjit_str_descr *d);
int armjit_descr_call(armjit_trace *t, const armjit_call_descr *d);
/* Name a descriptor for the text form (unnamed ones print as D<id>). */
armjit_status armjit_descr_set_name(armjit_trace *t, int descr, const char *name);
unsigned armjit_trace_ndescrs(const armjit_trace *t);

/* An op that needs a descriptor (memory ops, call, call_may_force);
 * returns its result (ARMJIT_NOVAL for void ops and on misuse). */
armjit_val armjit_op_descr(armjit_trace *t, armjit_opcode op, const armjit_val *args,
                           unsigned nargs, int descr);
/* guard_exception(cls): passes when an exception is pending whose class
 * word (at class_offset) is cls; returns the exception value (a ref) and
 * stores the guard's exit id in *exit_id (when not NULL; -1 on misuse). */
armjit_val armjit_guard_exception(armjit_trace *t, armjit_val cls, const armjit_val *fail,
                                  unsigned nfail, int *exit_id);

/* ---- calling out: symbols, exceptions, forcing (docs/ir.md §11) ----------- */
/* Register a C function or object address under a name; the text form
 * writes it sym(NAME) (a ref constant).  Names are C identifiers of at
 * most 48 characters.  ARMJIT_E_ARG: bad name; ARMJIT_E_INVALID: the
 * name is registered with another address. */
armjit_status armjit_ctx_add_symbol(armjit_ctx *ctx, const char *name, uintptr_t addr);
bool armjit_ctx_symbol(const armjit_ctx *ctx, const char *name, uintptr_t *addr);

/* The context's pending exception (0 = none).  A C helper called from a
 * trace raises by storing a non-zero value (ARMJIT_E_ARG for 0); the
 * trace sees it in guard_no_exception / guard_exception.  One slot per
 * context, not per thread. */
armjit_status armjit_raise(armjit_ctx *ctx, uintptr_t value);
uintptr_t armjit_exception(const armjit_ctx *ctx);
void armjit_clear_exception(armjit_ctx *ctx);

/* Force the trace activation that produced `token` (force_token): its
 * next guard_not_forced fails.  Only valid while that activation runs. */
void armjit_force(uintptr_t token);

/* ---- GC roots (docs/ir.md §15, docs/design.md §13) -------------------------- */
/* From inside a slow path or a function called by a trace of ctx: call
 * fn(ud, root) for the address of every word
 * holding a live GC reference in the frames of the compiled code and
 * interpreter runs of ctx that are active on this thread, innermost
 * first.  fn may store the object's new address through root.  Nothing
 * else of those frames may be changed.  The chain is per context, like the
 * exception slot: one thread at a time may run GC code of a context.  Ref constants are not roots (they
 * must not move), nor are refs read by getfield_raw, getarrayitem_raw or
 * raw_load, nor force_token's or cast_int_to_ptr's.  Returns the number
 * of roots reported. */
typedef void (*armjit_gc_root_fn)(void *ud, uintptr_t *root);
size_t armjit_gc_walk_roots(armjit_ctx *ctx, armjit_gc_root_fn fn, void *ud);

/* ---- exits and frames ------------------------------------------------------ */
/* Every guard and finish of a trace is an *exit*, numbered 0, 1, 2, ... in
 * trace order (guards and finishes share the numbering). */
typedef enum {
  ARMJIT_EXIT_GUARD,
  ARMJIT_EXIT_FINISH,
  ARMJIT_EXIT_INTERRUPT, /* a jump saw the interrupt word set (ARMJIT_INTERRUPTIBLE) */
  ARMJIT_EXIT_JUMP       /* a bridge's jump into another loop, taken once that loop
                            was redirected (armjit_loop_redirect): the run goes on
                            in the new loop, so it is never the exit of a run */
} armjit_exit_kind;

typedef struct armjit_loop armjit_loop;

typedef struct {
  armjit_exit_kind kind;
  const char *name;          /* its name (armjit_set_name, descr=NAME), or NULL */
  unsigned nvalues;          /* values it hands back */
  const armjit_type *types;  /* their types */
  /* Compiled exits only (armjit_loop_exit_info, armjit_run_exit_info): the
   * loop or bridge the exit belongs to, and its number in that trace. */
  const armjit_loop *trace;
  unsigned trace_exit;
} armjit_exit_info;

unsigned armjit_trace_nexits(const armjit_trace *t);
armjit_status armjit_trace_exit_info(const armjit_trace *t, int exit_id,
                                     armjit_exit_info *info);

/* Where value k of an exit comes from: the trace's variable or constant
 * handle (a guard's k-th fail arg, a finish's k-th argument), or
 * ARMJIT_NOVAL when exit_id or k is out of range.  A handle >= 0 is the
 * variable's number (text: its type letter and that number, as
 * armjit_trace_print writes it); < 0 is a constant. */
armjit_val armjit_trace_exit_value(const armjit_trace *t, int exit_id, unsigned k);

/* Caller-owned frame: inputs in values[0..ninputs), and after a run the
 * exit id and the values it lists, in list order.  Layout is fixed (the
 * compiled code reads and writes it): a 24-byte header, then the values. */
typedef struct {
  uint32_t capacity;   /* number of value slots */
  uint32_t nvalues;    /* values written by the exit */
  int32_t exit_id;     /* exit taken (-1 before any run) */
  uint32_t reserved[3];/* runtime use */
  armjit_value values[];
} armjit_frame;

/* A frame with room for `capacity` values (free with armjit_frame_free). */
armjit_frame *armjit_frame_new(armjit_ctx *ctx, uint32_t capacity);
void armjit_frame_free(armjit_ctx *ctx, armjit_frame *f);

/* Reference interpreter (the semantic oracle).  Runs at most max_steps ops
 * (0 = no limit) and returns ARMJIT_E_LIMIT past that.  `call` ops go
 * through libffi: a library built without it (ARMJIT_WITH_LIBFFI=OFF)
 * returns ARMJIT_E_UNSUPPORTED with a message when it reaches one. */
armjit_status armjit_interpret(armjit_trace *t, armjit_frame *f,
                               uint64_t max_steps, armjit_error *err);

/* ---- sets of traces: a loop, its bridges, other loops (docs/ir.md §14) ---- */
/* One trace of a set.  A loop has parent -1; a bridge names the entry of
 * its parent (an earlier one) and the guard it is attached to, by the
 * exit's number in the parent's trace (armjit_trace_exit_info). */
typedef struct {
  const char *name;        /* its name in the text form, or NULL */
  armjit_trace *trace;
  int parent;              /* index of the parent entry, -1 for a loop */
  int exit_id;             /* bridge: the parent trace's guard */
} armjit_set_entry;

/* Run the set as compiled code with every bridge attached would run,
 * starting at loop entry `start` with its inputs in f: a failing guard
 * with a bridge continues in the bridge, a jump to another trace's label
 * (armjit_jump_to) continues there (names resolved as
 * armjit_compile_bridge does).  invalid: NULL, or one flag per entry
 * (read for loops): guard_not_invalidated fails in a loop's family while
 * its flag is non-zero (it is read each time, so a helper called by the
 * trace may set it).  On return f holds the exit taken, f->exit_id its
 * number in its own trace and *exit_trace (if not NULL) that entry.
 * max_steps counts ops over all traces (0 = no limit). */
armjit_status armjit_interpret_set(const armjit_set_entry *set, unsigned n, unsigned start,
                                   const int *invalid, armjit_frame *f, uint64_t max_steps,
                                   unsigned *exit_trace, armjit_error *err);

/* Parse a file of several traces (docs/ir.md §14): sections headed
 * "--- loop NAME" and "--- bridge NAME on PARENT.GUARD", each a trace in
 * the usual text form (a file with no header is one loop).  On success
 * *set holds *n entries in file order (bridges after their parents);
 * free it with armjit_set_free.  Errors carry the file's line:column. */
armjit_status armjit_set_parse(armjit_ctx *ctx, const char *text, armjit_set_entry **set,
                               unsigned *n, armjit_error *err);
void armjit_set_free(armjit_ctx *ctx, armjit_set_entry *set, unsigned n);

/* ---- compiling and running ------------------------------------------------- */

/* Compile a trace, validating it first unless it was validated since its
 * last change (armjit_trace_validate; parsing validates too).  The trace
 * may be changed or freed afterwards: the loop's listing (armjit_loop_dis)
 * stays the trace as compiled. */
armjit_loop *armjit_compile_loop(armjit_ctx *ctx, armjit_trace *t,
                                 armjit_error *err);
void armjit_loop_free(armjit_loop *loop);

/* Frame capacity the loop needs: max(inputs, values of any exit), over
 * its bridges and the loops they jump to too. */
uint32_t armjit_loop_frame_capacity(const armjit_loop *loop);
unsigned armjit_loop_nexits(const armjit_loop *loop);
armjit_status armjit_loop_exit_info(const armjit_loop *loop, int exit_id,
                                    armjit_exit_info *info);

/* Run the loop on f (inputs in f->values).  Returns the exit id (>= 0),
 * also stored in f->exit_id, with f->values holding its values; or -1 when
 * it cannot run (f too small, not on ARM) with err filled. */
int armjit_run(armjit_loop *loop, armjit_frame *f, armjit_error *err);

/* ---- calling other loops: call_assembler, tokens, redirect (docs/ir.md §13) -- */
/* A token (PyPy's JitCellToken) is what call_assembler calls: a name and a
 * signature (the argument types, and the result type every finish of its
 * target hands back: one value of that type, none for void), bound to a
 * compiled loop (for compiled code) and to a trace (for the interpreter).
 * Tokens belong to the context and live until it is freed; names are
 * identifiers, unique in the context.  A token exists before its target,
 * so a loop can call itself: make the token, build the trace with
 * armjit_descr_token, compile, then armjit_token_set_loop.
 *
 * call_assembler(args, descr=TOKEN) runs the token's current loop on a
 * frame of its own (built on the machine stack, the arguments as its
 * inputs).  When the callee leaves through a finish, its value is the op's
 * result.  When it leaves through a guard (or an interrupt exit), the
 * context's assembler helper is called with the token and the callee's
 * frame (f->exit_id, f->values as for armjit_run) and its return value is
 * the op's result; the caller continues either way.  When the callee
 * cannot run (the token has no loop, or no helper is registered and the
 * callee left through a guard), the caller's run ends with
 * ARMJIT_EXIT_CALL_FAILED; a stack overflow anywhere inside ends it with
 * ARMJIT_EXIT_STACK_OVERFLOW (below).  The interpreter does the same with
 * the token's trace. */
typedef struct armjit_token armjit_token;
armjit_token *armjit_token_new(armjit_ctx *ctx, const char *name, const armjit_type *args,
                               unsigned nargs, armjit_type result, armjit_error *err);
/* The context's token of that name, or NULL. */
armjit_token *armjit_ctx_token(const armjit_ctx *ctx, const char *name);
/* Every token of the context: the one after prev (NULL: the first), or
 * NULL after the last. */
armjit_token *armjit_ctx_token_next(const armjit_ctx *ctx, const armjit_token *prev);
const char *armjit_token_name(const armjit_token *tok);
/* Bind (NULL: unbind) the compiled target.  ARMJIT_E_TYPE when the loop's
 * input types or a finish's values do not fit the signature.  Freeing the
 * loop unbinds it. */
armjit_status armjit_token_set_loop(armjit_token *tok, armjit_loop *loop, armjit_error *err);
armjit_loop *armjit_token_loop(const armjit_token *tok);
/* The same for the interpreter's target; the trace must stay unchanged
 * while bound (freeing it unbinds it). */
armjit_status armjit_token_set_trace(armjit_token *tok, armjit_trace *t, armjit_error *err);
armjit_trace *armjit_token_trace(const armjit_token *tok);
/* A descriptor of trace t for call_assembler (text: descr NAME =
 * token(args=[...], result=T), NAME the token's name); returns its id or
 * -1 (builder misuse). */
int armjit_descr_token(armjit_trace *t, armjit_token *tok);

/* The assembler helper: called when a call_assembler's callee leaves
 * through a guard or an interrupt exit; f is the callee's frame (valid
 * only during the call).  Its return value becomes the op's result (of
 * the token's result type; ignored for void).  It may call armjit_raise.
 * One per context; NULL removes it. */
typedef armjit_value (*armjit_assembler_helper)(void *ud, armjit_token *tok, armjit_frame *f);
void armjit_ctx_set_assembler_helper(armjit_ctx *ctx, armjit_assembler_helper fn, void *ud);

/* After recompiling: every token bound to `old` is bound to `new`, so the
 * call_assemblers compiled against it reach `new` (PyPy's
 * redirect_call_assembler), and the bridges of other loops that jump to
 * old's first label enter `new` from then on.  new must take the same
 * input types as old (ARMJIT_E_TYPE otherwise, nothing changed) and fit
 * every such token's signature.  Jumps are redirected when old's first
 * label is its first op and takes its inputs in order (so a jump there is
 * an entry with those values); new must then have that shape too
 * (ARMJIT_E_INVALID otherwise).  A redirected jump leaves the bridge
 * through an exit of kind ARMJIT_EXIT_JUMP (its patch site, a NOP until
 * then, becomes a branch: one word, safe while other threads run it) and
 * armjit_run, or the call_assembler trampoline, enters new with its
 * values.  Jumps to other labels of old's family keep going to old.
 * Freeing old afterwards changes nothing for the redirected calls and
 * jumps; freeing new unbinds the tokens (calls then end the run with
 * ARMJIT_EXIT_CALL_FAILED) and frees the bridges that jump into it, as
 * for any loop. */
armjit_status armjit_loop_redirect(armjit_loop *old, armjit_loop *new_loop, armjit_error *err);

/* Ends of a run that are not exits of the loop (armjit_run's result, also
 * in f->exit_id, with f->nvalues = 0 and err filled; the interpreter
 * returns ARMJIT_E_LIMIT / ARMJIT_E_INVALID and sets f->exit_id the same). */
#define ARMJIT_EXIT_STACK_OVERFLOW (-2) /* the stack limit was reached (below) */
#define ARMJIT_EXIT_CALL_FAILED (-3)    /* a call_assembler could not continue */
#define ARMJIT_EXIT_OUT_OF_MEMORY (-4)  /* the GC's malloc slow path returned NULL
                                           (docs/ir.md §15.2; the interpreter returns
                                           ARMJIT_E_NOMEM) */

/* ---- stack check, interrupts, counters (opt-in context flags) -------------- */
/* ARMJIT_STACK_CHECK: every loop compiled in the context compares sp with
 * the context's stack limit right after its prologue and, at or below it,
 * returns ARMJIT_EXIT_STACK_OVERFLOW instead of running (which ends every
 * run it is nested in through call_assembler).  Cost when it passes: five
 * instructions per entry (movw, movt, ldr, cmp, bls).  The limit is the
 * lowest sp a loop may start with (0: no limit); leave room below it for
 * the C helpers loops call.  One word per context: threads that share a
 * context share it. */
void armjit_ctx_set_stack_limit(armjit_ctx *ctx, uintptr_t lowest_sp);

/* ARMJIT_INTERRUPTIBLE: every jump of a loop compiled in the context first
 * reads the context's interrupt word (movw, movt, ldr, cmp, bne: one load,
 * one compare, one branch); when it is not zero the loop leaves through
 * the interrupt exit of the jump's label, handing back the values the
 * label would take.  Its id is armjit_loop_nexits(loop) + the label's
 * index (its exit info: kind ARMJIT_EXIT_INTERRUPT, the label's name and
 * types); a bridge's jump to a label of another trace checks the word
 * too, with an interrupt exit of the bridge per such label (after those
 * of its own labels, named like the label).  Re-entering the loop with those values as inputs resumes it
 * when the loop's inputs are its label's arguments (the usual shape).
 * The word may be set from any thread or a signal handler (an aligned
 * 32-bit store); the caller clears it.  The interpreter checks it at its
 * jumps in the same way. */
uint32_t *armjit_ctx_interrupt_word(armjit_ctx *ctx);
/* Does re-entering t's loop with the values of label's interrupt exit as
 * inputs resume it?  True when the label is the trace's first op (after
 * debug_merge_points) and its arguments are the inputs in order. */
bool armjit_trace_resumable(const armjit_trace *t, int label);

/* ARMJIT_COUNTERS (PyPy's debug counters): every loop compiled in the
 * context counts its entries and, per label, how often the label was
 * reached (falling into it or through a jump).  Each count costs five
 * instructions where it is taken (movw, movt, ldr, add, str); without the
 * flag nothing is emitted.  32-bit counts, wrapping; not atomic (threads
 * running one loop at once may lose counts).  label -1: the entries (of
 * a bridge: how often its guard failed into it); 0 when the loop does not
 * count or the label does not exist. */
uint32_t armjit_loop_count(const armjit_loop *loop, int label);
unsigned armjit_loop_nlabels(const armjit_loop *loop);

/* ---- bridges and invalidation ------------------------------------------------ */
/* Compile trace t as a *bridge* on guard exit_id of parent (a loop or a
 * bridge): from then on, when that guard fails, the code goes on into
 * the bridge instead of returning.  t's inputs are the guard's fail args,
 * one to one (count and types must match: ARMJIT_E_INVALID /
 * ARMJIT_E_TYPE); the bridge starts with each of them where the guard
 * left it (register, slot or constant), so entering costs one branch.
 * Its frame may be deeper than the parent's.  It ends with
 *   - finish(...);
 *   - a jump to a label of its own (a loop of its own);
 *   - a jump to a label of another trace (armjit_jump_to, by name): the
 *     labels of its loop and of that loop's bridges are searched first,
 *     then those of every other loop of the context (the name must be in
 *     one of them only).
 * exit_id is numbered as armjit_run returns it: a loop's exits are
 * 0..nexits-1, and each bridge's exits follow, numbered when the bridge
 * is compiled; armjit_loop_exit_info on any trace of the family says
 * which trace an id belongs to.  A guard takes one bridge (a second is
 * ARMJIT_E_INVALID); bridges of bridges to any depth.  Attaching rewrites
 * the guard's branch (one word): it may happen while other threads run
 * the loop.  The loop owns its bridges: armjit_loop_free of the loop
 * frees them.  armjit_loop_free of a bridge detaches it (its guard exits
 * to the caller again) and frees it with its own bridges.  Freeing a
 * loop also detaches and frees every bridge of *other* loops that jumps
 * into it (their guards exit again); no thread may run any of them then.
 * armjit_run refuses a bridge.  The trace may be freed afterwards. */
armjit_loop *armjit_compile_bridge(armjit_ctx *ctx, armjit_loop *parent, int exit_id,
                                   armjit_trace *t, armjit_error *err);
/* The id armjit_run reports for exit k of trace `loop` (a loop: k; a
 * bridge: numbered in its loop's family), or -1 when k is out of range. */
int armjit_loop_exit_id(const armjit_loop *loop, unsigned k);
/* The trace whose guard enters bridge `loop`; NULL for a loop. */
const armjit_loop *armjit_loop_parent(const armjit_loop *loop);

/* Compile a set (armjit_set_parse): each loop with armjit_compile_loop
 * and each bridge attached with armjit_compile_bridge, in order; out[i]
 * gets entry i's loop or bridge.  Free the loops (their bridges go with
 * them).  On failure nothing stays compiled and err says which trace. */
armjit_status armjit_compile_set(armjit_ctx *ctx, const armjit_set_entry *set, unsigned n,
                                 armjit_loop **out, armjit_error *err);

/* Invalidate `loop` (or the loop of a bridge) and all its bridges: from
 * now on every guard_not_invalidated of them fails when reached (into
 * its bridge if it has one), handing back its fail args.  While valid, a
 * guard_not_invalidated is one NOP; invalidating turns each into a branch
 * (one-word patches), so it may be called while other threads run the
 * loop: each sees the change at the latest when it next reaches the
 * guard.  Bridges compiled later are invalidated too.  Not concurrently
 * with compiling, attaching or freeing code of the same context. */
armjit_status armjit_loop_invalidate(armjit_loop *loop, armjit_error *err);
bool armjit_loop_is_invalidated(const armjit_loop *loop);

/* After armjit_run: which exit the run took and of which trace (the
 * loop, one of its bridges, or, after a bridge jumped into another loop,
 * a trace of that loop's family, in whose numbering f->exit_id is).
 * ARMJIT_E_ARG when f holds no compiled exit. */
armjit_status armjit_run_exit_info(const armjit_frame *f, armjit_exit_info *info);

/* Introspection. */
const void *armjit_loop_code(const armjit_loop *loop, size_t *size);
/* Byte offset of the first instruction of op `op_index` (-1 if it emitted
 * none); ops are numbered in trace order. */
long armjit_loop_op_offset(const armjit_loop *loop, unsigned op_index);
/* The recovery data of a loop: for every exit, where each of its values
 * is when the exit is taken (about one byte per value: a register, one of
 * the first 96 int stack words, 32 float slots or 32 constants, or a small
 * int); an exit whose map an earlier exit has shares that exit's copy
 * (looked up in a table of up to 4,096 recent maps, so in a very long
 * trace a map last seen thousands of exits back may be stored again). */
typedef struct {
  size_t bytes;           /* recovery data the loop keeps */
  size_t fail_args;       /* values of all its exits (guards and finishes) */
  size_t maps;            /* exits with at least one value */
  size_t shared;          /* of those, exits sharing an earlier exit's map
                             (shared / maps: the share ratio) */
  size_t unshared_bytes;  /* what the maps of those exits take unshared */
} armjit_recovery_stats;
/* Fill *out (all zero for a NULL loop). */
void armjit_loop_recovery_stats(const armjit_loop *loop, armjit_recovery_stats *out);
/* The float constants a loop keeps in its code as data: the pool after
 * its prologue and the islands in its body (each branched over), placed
 * so that every load of one is a single VLDR with the data within its
 * reach (docs/design.md §3).  Fill *out (all zero for a NULL loop). */
typedef struct {
  size_t pools;           /* runs of data: the pool and the islands */
  size_t islands;         /* of those, islands */
  size_t bytes;           /* their bytes (8 per double) */
} armjit_pool_stats;
void armjit_loop_pool_stats(const armjit_loop *loop, armjit_pool_stats *out);
/* The GC maps of a loop (docs/design.md §13): its GC points, the bytes of
 * their maps (maps equal to the previous point's are stored once) and of
 * the site table (8 bytes per point).  All zero without a GC descriptor. */
typedef struct {
  size_t sites;
  size_t map_bytes;
  size_t table_bytes;
} armjit_gc_map_stats;
void armjit_loop_gc_stats(const armjit_loop *loop, armjit_gc_map_stats *out);
/* Disassembly annotated with the IR op each instruction belongs to (the
 * trace as it was compiled, printed now) and the exit stubs marked; a guard whose branch enters a bridge says so at the
 * branch, and a bridge's listing starts with its entry. */
armjit_status armjit_loop_dis(const armjit_loop *loop, FILE *out);

/* ---- debugging and profiling ------------------------------------------------ */
/* Every compiled loop has a symbol name, unique in its context:
 * "loop<N>" or "loop<N>_<label>" when its label has a descr name (N counts
 * the context's loops and bridges from 1; a bridge is "bridge<N>[_<label>]").
 * Its guard exit stubs are
 * "<name>.exit<id>[_<descr>]" and the shared exit path "<name>.exit_path".
 *
 * gdb: on ARM, each loop is registered through the GDB JIT interface
 * (__jit_debug_register_code / __jit_debug_descriptor) as an in-memory ELF
 * object with those symbols, ARM mapping symbols and unwind information,
 * and unregistered by armjit_loop_free; gdb then names the code in
 * backtraces and unwinds through it.  ARMJIT_NO_GDB_JIT turns it off.
 * perf: with ARMJIT_PERF_MAP (or ARMJIT_PERF_MAP=1 in the environment when
 * the context is created) every compile appends one line per symbol to
 * /tmp/perf-<pid>.map. */
const char *armjit_loop_name(const armjit_loop *loop);

typedef enum {
  ARMJIT_PC_PROLOGUE,    /* entry: saving registers, loading the inputs */
  ARMJIT_PC_POOL,        /* a float constant pool or island (data) */
  ARMJIT_PC_OP,          /* the code of op `op` */
  ARMJIT_PC_EXIT_STUB,   /* the stub of exit `exit_id` */
  ARMJIT_PC_EXIT_PATH,   /* the shared exit path (exit helper call, return) */
  ARMJIT_PC_COLD         /* a cold path of op `op` (out of line, after the
                            body; it branches back into op's code) */
} armjit_pc_region;

typedef struct {
  const armjit_loop *loop;  /* the loop whose code holds pc */
  const char *name;         /* its symbol (armjit_loop_name) */
  uintptr_t start;          /* its code: [start, start + size) */
  size_t size;
  size_t offset;            /* pc - start */
  armjit_pc_region region;
  int op;                   /* op whose code holds pc, -1 outside the ops */
  int exit_id;              /* exit whose stub holds pc (a guard's stub, a
                               finish's code), else -1 */
  const char *merge_point;  /* text of the last debug_merge_point at or
                               before `op` (or before the stub's guard);
                               NULL if none */
} armjit_pc_info;

/* Which code of ctx holds pc (for crash reports and profilers): true and
 * info filled, or false when pc is in none of ctx's live loops.  Linear in
 * the number of live loops. */
bool armjit_lookup_pc(const armjit_ctx *ctx, uintptr_t pc, armjit_pc_info *info);

ARMJIT_API_END
#ifdef __cplusplus
}
#endif
#endif
