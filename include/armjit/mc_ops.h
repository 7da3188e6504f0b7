/* SPDX-License-Identifier: MIT */
/* armjit/mc_ops.h — the method IR's operation set as data (docs/mir.md).
 *
 * ARMJIT_MOPS(_) expands _(NAME, text, suffix, operands, result, nimm, flags)
 * per operation.  Every fact about an op that the validator, the printer,
 * the parser, the interpreter and code generation need is in this row.
 *
 *   suffix    what the ".xxx" after the name selects (the op's `sub`):
 *               ARMJIT_MSUF_NONE   no suffix (sub = 0)
 *               ARMJIT_MSUF_INT    i32 | i64           (sub = armjit_mtype)
 *               ARMJIT_MSUF_FLT    f32 | f64           (sub = armjit_mtype)
 *               ARMJIT_MSUF_BITS   i32 | i64 | f32 | f64 (bitcast's result)
 *               ARMJIT_MSUF_ICC    an integer condition (sub = armjit_icc)
 *               ARMJIT_MSUF_FCC    a float condition    (sub = armjit_fcc)
 *               ARMJIT_MSUF_MEM    a memory kind        (sub = armjit_memk)
 *               ARMJIT_MSUF_ANY    any value type      (sub = armjit_mtype)
 *               ARMJIT_MSUF_RES    optional result type (call_ind; none = void)
 *   operands  one letter per fixed operand:
 *               t  the type the suffix names
 *               i  i32   l  i64   f  f32   d  f64   r  ref
 *               a  an address: ref or i32 (an absolute address)
 *               I  i32 or i64      F  f32 or f64
 *               C  i32, i64 or ref (icmp; ref only with eq / ne)
 *               m  the register type of the suffix's memory kind
 *               B  the type of t's size in the other class (bitcast)
 *             Upper-case letters of one op share one type.  Every
 *             result type follows from the op's text alone (suffix,
 *             symbol), never from its operands.  "..." after
 *             the letters: a variable list follows (call arguments).
 *   result    't', 'i', 'l', 'f', 'd', 'r', 'm',
 *             'c' (the callee's result type, may be void) or 'v' (none).
 *   nimm      immediates in op imm[] (load/store: shift, offset; checks:
 *             the trap code; addr: the offset).
 *   flags     ARMJIT_MOPF_* below.
 * Terminators carry their successors (with block arguments) beside the
 * operands; see armjit_br / armjit_cbr / armjit_switch.
 */
#ifndef ARMJIT_MC_OPS_H
#define ARMJIT_MC_OPS_H

enum {
  ARMJIT_MOPF_PURE  = 1u << 0, /* no effect, cannot trap: may be dropped if unused */
  ARMJIT_MOPF_TERM  = 1u << 1, /* ends its block */
  ARMJIT_MOPF_TRAP  = 1u << 2, /* check: may call the module's trap handler
                                  (clobbers what a call clobbers), then falls through */
  ARMJIT_MOPF_CALL  = 1u << 3, /* a call: clobbers the caller-saved registers */
  ARMJIT_MOPF_LOAD  = 1u << 4, /* reads memory */
  ARMJIT_MOPF_STORE = 1u << 5, /* writes memory */
  ARMJIT_MOPF_SYM   = 1u << 6, /* names a symbol of the module (op sym) */
  ARMJIT_MOPF_CMP   = 1u << 7, /* a comparison giving 0/1: fusable into cbr */
  ARMJIT_MOPF_VAR   = 1u << 8, /* variable operand list after the fixed ones */
  ARMJIT_MOPF_MACHINE = 1u << 9, /* reads or changes machine state the IR does not
                                    model: compiled only (the interpreter says
                                    ARMJIT_E_UNSUPPORTED, naming the op) */
  ARMJIT_MOPF_NAKED = 1u << 10  /* only in naked functions (the register
                                   allocator and the frame own these elsewhere) */
};

#define ARMJIT_MOPS(_)                                                                   \
  /* integer arithmetic, i32 and i64: wraps modulo 2^n */                                \
  _(ADD,    "add",    ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(SUB,    "sub",    ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(MUL,    "mul",    ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(AND,    "and",    ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(OR,     "or",     ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(XOR,    "xor",    ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  /* shifts: count & 31 (i32) / & 63 (i64); the count has the op's type */             \
  _(SHL,    "shl",    ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(SHR,    "shr",    ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(USHR,   "ushr",   ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  /* division, total: x/0 = 0, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0 */                     \
  _(SDIV,   "sdiv",   ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(SREM,   "srem",   ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(UDIV,   "udiv",   ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(UREM,   "urem",   ARMJIT_MSUF_INT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(NEG,    "neg",    ARMJIT_MSUF_INT, "t",  't', 0, ARMJIT_MOPF_PURE)                   \
  _(NOT,    "not",    ARMJIT_MSUF_INT, "t",  't', 0, ARMJIT_MOPF_PURE)                   \
  /* float arithmetic, f32 and f64: IEEE 754, round to nearest */                        \
  _(FADD,   "fadd",   ARMJIT_MSUF_FLT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(FSUB,   "fsub",   ARMJIT_MSUF_FLT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(FMUL,   "fmul",   ARMJIT_MSUF_FLT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(FDIV,   "fdiv",   ARMJIT_MSUF_FLT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(FREM,   "frem",   ARMJIT_MSUF_FLT, "tt", 't', 0, ARMJIT_MOPF_PURE)                   \
  _(FNEG,   "fneg",   ARMJIT_MSUF_FLT, "t",  't', 0, ARMJIT_MOPF_PURE)                   \
  _(FABS,   "fabs",   ARMJIT_MSUF_FLT, "t",  't', 0, ARMJIT_MOPF_PURE)                   \
  _(FSQRT,  "fsqrt",  ARMJIT_MSUF_FLT, "t",  't', 0, ARMJIT_MOPF_PURE)                   \
  /* conversions */                                                                      \
  _(SEXT8,  "sext8",  ARMJIT_MSUF_NONE, "i", 'i', 0, ARMJIT_MOPF_PURE)                   \
  _(SEXT16, "sext16", ARMJIT_MSUF_NONE, "i", 'i', 0, ARMJIT_MOPF_PURE)                   \
  _(ZEXT8,  "zext8",  ARMJIT_MSUF_NONE, "i", 'i', 0, ARMJIT_MOPF_PURE)                   \
  _(ZEXT16, "zext16", ARMJIT_MSUF_NONE, "i", 'i', 0, ARMJIT_MOPF_PURE)                   \
  _(SEXT_I64, "sext_i64", ARMJIT_MSUF_NONE, "i", 'l', 0, ARMJIT_MOPF_PURE)               \
  _(ZEXT_I64, "zext_i64", ARMJIT_MSUF_NONE, "i", 'l', 0, ARMJIT_MOPF_PURE)               \
  _(TRUNC_I32, "trunc_i32", ARMJIT_MSUF_NONE, "l", 'i', 0, ARMJIT_MOPF_PURE)             \
  _(SITOFP, "sitofp", ARMJIT_MSUF_FLT, "I", 't', 0, ARMJIT_MOPF_PURE)                    \
  _(UITOFP, "uitofp", ARMJIT_MSUF_FLT, "I", 't', 0, ARMJIT_MOPF_PURE)                    \
  _(FPTOSI, "fptosi", ARMJIT_MSUF_INT, "F", 't', 0, ARMJIT_MOPF_PURE)                    \
  _(FPTOUI, "fptoui", ARMJIT_MSUF_INT, "F", 't', 0, ARMJIT_MOPF_PURE)                    \
  _(FEXT,   "fext",   ARMJIT_MSUF_NONE, "f", 'd', 0, ARMJIT_MOPF_PURE)                   \
  _(FTRUNC, "ftrunc", ARMJIT_MSUF_NONE, "d", 'f', 0, ARMJIT_MOPF_PURE)                   \
  _(BITCAST, "bitcast", ARMJIT_MSUF_BITS, "B", 't', 0, ARMJIT_MOPF_PURE)                 \
  _(PTR_TO_INT, "ptr_to_int", ARMJIT_MSUF_NONE, "r", 'i', 0, ARMJIT_MOPF_PURE)           \
  _(INT_TO_REF, "int_to_ref", ARMJIT_MSUF_NONE, "i", 'r', 0, ARMJIT_MOPF_PURE)           \
  /* comparisons: 0 or 1 (i32) */                                                        \
  _(ICMP,   "icmp",   ARMJIT_MSUF_ICC, "CC", 'i', 0, ARMJIT_MOPF_PURE | ARMJIT_MOPF_CMP) \
  _(FCMP,   "fcmp",   ARMJIT_MSUF_FCC, "FF", 'i', 0, ARMJIT_MOPF_PURE | ARMJIT_MOPF_CMP) \
  _(SELECT, "select", ARMJIT_MSUF_ANY, "itt", 't', 0, ARMJIT_MOPF_PURE)                 \
  /* memory: base + (index << shift) + offset; imm = {shift, offset} */                 \
  _(LOAD,   "load",   ARMJIT_MSUF_MEM, "ai", 'm', 2, ARMJIT_MOPF_LOAD)                   \
  _(STORE,  "store",  ARMJIT_MSUF_MEM, "aim", 'v', 2, ARMJIT_MOPF_STORE)                 \
  /* addresses: addr = @sym + imm[0]; ptr_add = ref + i32 */                             \
  _(ADDR,   "addr",   ARMJIT_MSUF_NONE, "", 'r', 1, ARMJIT_MOPF_PURE | ARMJIT_MOPF_SYM)  \
  _(PTR_ADD, "ptr_add", ARMJIT_MSUF_NONE, "ri", 'r', 0, ARMJIT_MOPF_PURE)                \
  /* calls: call @sym(args); call_ind fnptr(args) [hidden=v, the last operand] */       \
  _(CALL,   "call",   ARMJIT_MSUF_NONE, "", 'c', 0,                                      \
    ARMJIT_MOPF_CALL | ARMJIT_MOPF_SYM | ARMJIT_MOPF_VAR)                                \
  _(CALL_IND, "call_ind", ARMJIT_MSUF_RES, "a", 't', 0,                                  \
    ARMJIT_MOPF_CALL | ARMJIT_MOPF_VAR)                                                  \
  /* checks (trap mode call): imm[0] = the trap code, 0 ... 0xffffff */                 \
  _(CHECK_NULL,    "check_null",    ARMJIT_MSUF_NONE, "r",  'v', 1, ARMJIT_MOPF_TRAP)    \
  _(CHECK_INDEX,   "check_index",   ARMJIT_MSUF_NONE, "ii", 'v', 1, ARMJIT_MOPF_TRAP)    \
  _(CHECK_NONZERO, "check_nonzero", ARMJIT_MSUF_NONE, "I",  'v', 1, ARMJIT_MOPF_TRAP)    \
  _(TRAP_IF,       "trap_if",       ARMJIT_MSUF_NONE, "i",  'v', 1, ARMJIT_MOPF_TRAP)    \
  /* terminators */                                                                      \
  _(BR,     "br",     ARMJIT_MSUF_NONE, "",  'v', 0, ARMJIT_MOPF_TERM)                   \
  _(CBR,    "cbr",    ARMJIT_MSUF_NONE, "i", 'v', 0, ARMJIT_MOPF_TERM)                   \
  _(SWITCH, "switch", ARMJIT_MSUF_NONE, "i", 'v', 0, ARMJIT_MOPF_TERM)                   \
  _(RET,    "ret",    ARMJIT_MSUF_NONE, "",  'v', 0, ARMJIT_MOPF_TERM | ARMJIT_MOPF_VAR) \
  _(UNREACHABLE, "unreachable", ARMJIT_MSUF_NONE, "", 'v', 0, ARMJIT_MOPF_TERM)        \
  ARMJIT_MOPS_INTRINSICS(_)                                                              \
  ARMJIT_MOPS_EXC(_)

/* Hardware intrinsics (docs/mir.md, "intrinsics"): one instruction or a
 * short fixed sequence each, never moved, merged or dropped.  Their
 * immediates come first in the text form ("mcr 15, 0, 1, 0, 2, v") and are
 * architecture encodings (the text spells some as words):
 *   mrc / mcr     coprocessor, opc1, CRn, CRm, opc2 (0-15, 0-7, 0-15,
 *                 0-15, 0-7; not 10/11: VFP has vmrs/vmsr)
 *   mrs           ARMJIT_PSR_CPSR or ARMJIT_PSR_SPSR ("cpsr", "spsr")
 *   msr           the register | a non-empty field mask ARMJIT_PSR_C/X/S/F
 *                 ("cpsr_fc", "spsr_fsxc")
 *   cpsie / cpsid a non-empty mask of ARMJIT_CPS_A/I/F ("aif", "i")
 *   cps_mode      a processor mode (0x10 usr ... 0x1f sys; "svc", "irq")
 *   vmrs / vmsr   a VFP system register number: 0 fpsid, 1 fpscr, 6 mvfr1,
 *                 7 mvfr0, 8 fpexc (vmsr: only fpscr and fpexc)
 *   dmb/dsb/isb   a barrier option 0-15 ("sy" = 15, "ish" = 11, ...;
 *                 omitted in the text: sy)
 *   svc 0-0xffffff; bkpt, udf 0-0xffff; raw the 32-bit word;
 *   get_reg 0-15, set_reg 0-14 (r0-r12, sp, lr); exc_return 0-255 (n of
 *   `subs pc, p, #n`: "exc_return 4, p" returns to p - 4, CPSR = SPSR). */
#define ARMJIT_MOPS_INTRINSICS(_)                                                        \
  _(BIT_TEST, "bit_test", ARMJIT_MSUF_NONE, "ai", 'i', 0, ARMJIT_MOPF_LOAD)              \
  _(MRC,    "mrc",    ARMJIT_MSUF_NONE, "",  'i', 5, ARMJIT_MOPF_MACHINE)                \
  _(MCR,    "mcr",    ARMJIT_MSUF_NONE, "i", 'v', 5, ARMJIT_MOPF_MACHINE)                \
  _(MRS,    "mrs",    ARMJIT_MSUF_NONE, "",  'i', 1, ARMJIT_MOPF_MACHINE)                \
  _(MSR,    "msr",    ARMJIT_MSUF_NONE, "i", 'v', 1, ARMJIT_MOPF_MACHINE)                \
  _(CPSIE,  "cpsie",  ARMJIT_MSUF_NONE, "",  'v', 1, ARMJIT_MOPF_MACHINE)                \
  _(CPSID,  "cpsid",  ARMJIT_MSUF_NONE, "",  'v', 1, ARMJIT_MOPF_MACHINE)                \
  _(CPS_MODE, "cps_mode", ARMJIT_MSUF_NONE, "", 'v', 1, ARMJIT_MOPF_MACHINE)             \
  _(VMRS,   "vmrs",   ARMJIT_MSUF_NONE, "",  'i', 1, ARMJIT_MOPF_MACHINE)                \
  _(VMSR,   "vmsr",   ARMJIT_MSUF_NONE, "i", 'v', 1, ARMJIT_MOPF_MACHINE)                \
  _(DMB,    "dmb",    ARMJIT_MSUF_NONE, "",  'v', 1, 0)                                  \
  _(DSB,    "dsb",    ARMJIT_MSUF_NONE, "",  'v', 1, 0)                                  \
  _(ISB,    "isb",    ARMJIT_MSUF_NONE, "",  'v', 1, 0)                                  \
  _(NOP,    "nop",    ARMJIT_MSUF_NONE, "",  'v', 0, 0)                                  \
  _(SEV,    "sev",    ARMJIT_MSUF_NONE, "",  'v', 0, 0)                                  \
  _(WFE,    "wfe",    ARMJIT_MSUF_NONE, "",  'v', 0, ARMJIT_MOPF_MACHINE)                \
  _(WFI,    "wfi",    ARMJIT_MSUF_NONE, "",  'v', 0, ARMJIT_MOPF_MACHINE)                \
  _(SVC,    "svc",    ARMJIT_MSUF_NONE, "",  'v', 1, ARMJIT_MOPF_MACHINE)                \
  _(BKPT,   "bkpt",   ARMJIT_MSUF_NONE, "",  'v', 1, ARMJIT_MOPF_MACHINE)                \
  _(UDF,    "udf",    ARMJIT_MSUF_NONE, "",  'v', 1, ARMJIT_MOPF_MACHINE)                \
  _(RAW,    "raw",    ARMJIT_MSUF_NONE, "",  'v', 1, ARMJIT_MOPF_MACHINE)                \
  /* registers: get_sp/fp/pc anywhere; get_lr is the return address */                  \
  _(GET_SP, "get_sp", ARMJIT_MSUF_NONE, "",  'i', 0, ARMJIT_MOPF_MACHINE)                \
  _(GET_FP, "get_fp", ARMJIT_MSUF_NONE, "",  'i', 0, ARMJIT_MOPF_MACHINE)                \
  _(GET_LR, "get_lr", ARMJIT_MSUF_NONE, "",  'i', 0, ARMJIT_MOPF_MACHINE)                \
  _(GET_PC, "get_pc", ARMJIT_MSUF_NONE, "",  'i', 0, ARMJIT_MOPF_MACHINE)                \
  _(SET_SP, "set_sp", ARMJIT_MSUF_NONE, "a", 'v', 0, ARMJIT_MOPF_MACHINE | ARMJIT_MOPF_NAKED) \
  _(SET_FP, "set_fp", ARMJIT_MSUF_NONE, "a", 'v', 0, ARMJIT_MOPF_MACHINE | ARMJIT_MOPF_NAKED) \
  _(SET_LR, "set_lr", ARMJIT_MSUF_NONE, "a", 'v', 0, ARMJIT_MOPF_MACHINE | ARMJIT_MOPF_NAKED) \
  _(GET_REG, "get_reg", ARMJIT_MSUF_NONE, "", 'i', 1, ARMJIT_MOPF_MACHINE | ARMJIT_MOPF_NAKED) \
  _(SET_REG, "set_reg", ARMJIT_MSUF_NONE, "a", 'v', 1, ARMJIT_MOPF_MACHINE | ARMJIT_MOPF_NAKED) \
  /* terminators: b . ; bx p ; subs pc, p, #n (p: get_lr at entry) */                                        \
  _(HALT,   "halt",   ARMJIT_MSUF_NONE, "",  'v', 0, ARMJIT_MOPF_TERM | ARMJIT_MOPF_MACHINE) \
  _(JUMP_TO, "jump_to", ARMJIT_MSUF_NONE, "a", 'v', 0,                                   \
    ARMJIT_MOPF_TERM | ARMJIT_MOPF_MACHINE | ARMJIT_MOPF_NAKED)                          \
  _(EXC_RETURN, "exc_return", ARMJIT_MSUF_NONE, "i", 'v', 1,                             \
    ARMJIT_MOPF_TERM | ARMJIT_MOPF_MACHINE | ARMJIT_MOPF_NAKED)

/* Immediates of the intrinsics (above). */
enum {
  ARMJIT_PSR_C = 1, ARMJIT_PSR_X = 2, ARMJIT_PSR_S = 4, ARMJIT_PSR_F = 8, /* msr fields */
  ARMJIT_PSR_CPSR = 0, ARMJIT_PSR_SPSR = 16,
  ARMJIT_CPS_F = 1, ARMJIT_CPS_I = 2, ARMJIT_CPS_A = 4,
  ARMJIT_VSYS_FPSID = 0, ARMJIT_VSYS_FPSCR = 1, ARMJIT_VSYS_MVFR1 = 6, ARMJIT_VSYS_MVFR0 = 7,
  ARMJIT_VSYS_FPEXC = 8,
  ARMJIT_BARRIER_SY = 15
};

/* Exceptions (docs/mir.md, "exceptions"): throw p unwinds to the first
 * handler that takes p; trap code traps as a failing check with that code
 * does and never falls through. */
#define ARMJIT_MOPS_EXC(_)                                                               \
  _(THROW,  "throw",  ARMJIT_MSUF_NONE, "r", 'v', 0, ARMJIT_MOPF_TERM)                   \
  _(TRAP,   "trap",   ARMJIT_MSUF_NONE, "",  'v', 1, ARMJIT_MOPF_TERM | ARMJIT_MOPF_TRAP)

/* Integer conditions (icmp.eq ...): _(NAME, text) */
#define ARMJIT_ICCS(_)                                                          \
  _(EQ, "eq") _(NE, "ne") _(SLT, "slt") _(SLE, "sle") _(SGT, "sgt") _(SGE, "sge") \
  _(ULT, "ult") _(ULE, "ule") _(UGT, "ugt") _(UGE, "uge")

/* Float conditions (fcmp.olt ...): o = ordered (false when either operand
 * is NaN), u = unordered (true when either is NaN); ord / uno test for NaN. */
#define ARMJIT_FCCS(_)                                                           \
  _(OEQ, "oeq") _(ONE, "one") _(OLT, "olt") _(OLE, "ole") _(OGT, "ogt")           \
  _(OGE, "oge") _(ORD, "ord") _(UEQ, "ueq") _(UNE, "une") _(ULT, "ult")           \
  _(ULE, "ule") _(UGT, "ugt") _(UGE, "uge") _(UNO, "uno")

/* Memory kinds (load.u16 ...): _(NAME, text, bytes, signed, register type).
 * Loads of s8/s16 sign-extend and u8/u16 zero-extend to i32; stores of the
 * four narrow kinds write the low bytes of an i32. */
#define ARMJIT_MEMKS(_)                                         \
  _(S8,  "s8",  1, 1, ARMJIT_T_I32)                             \
  _(U8,  "u8",  1, 0, ARMJIT_T_I32)                             \
  _(S16, "s16", 2, 1, ARMJIT_T_I32)                             \
  _(U16, "u16", 2, 0, ARMJIT_T_I32)                             \
  _(I32, "i32", 4, 0, ARMJIT_T_I32)                             \
  _(I64, "i64", 8, 0, ARMJIT_T_I64)                             \
  _(F32, "f32", 4, 0, ARMJIT_T_F32)                             \
  _(F64, "f64", 8, 0, ARMJIT_T_F64)                             \
  _(REF, "ref", 4, 0, ARMJIT_T_REF) /* pointer-sized: 4 on ARM, 8 on a 64-bit host */

#endif
