/* SPDX-License-Identifier: MIT */
/* armjit/opcodes.h — the IR operation set as data.
 *
 * ARMJIT_OPS(_) expands _(NAME, text, args, result, flags) per operation:
 *   args    one letter per argument: i int, r ref, f float, l i64,
 *           s f32, * any type
 *           (all '*' arguments and a '*' result share one type),
 *           d the type the op's descriptor gives (field/item type);
 *           "." means a variable-length list of any types (call: the
 *           function, then the arguments its call descriptor lists).
 *   result  'i', 'r', 'f', 'l', 's', '*' (type of the '*' arguments), 'd' (type the
 *           descriptor gives; none for a call whose result is void) or 'v'
 *           (none).
 *   flags   ARMJIT_OPF_* below.
 * Semantics of every op, with edge cases, are in docs/ir.md.
 */
#ifndef ARMJIT_OPCODES_H
#define ARMJIT_OPCODES_H

enum {
  ARMJIT_OPF_PURE  = 1u << 0, /* no side effect: may be dropped if unused */
  ARMJIT_OPF_GUARD = 1u << 1, /* guard: has a fail-arg list and an exit id */
  ARMJIT_OPF_CMP   = 1u << 2, /* comparison producing 0/1: fusable with a guard */
  ARMJIT_OPF_OVF   = 1u << 3, /* must be followed by guard_(no_)overflow */
  ARMJIT_OPF_FINAL = 1u << 4, /* ends the trace (jump, finish) */
  ARMJIT_OPF_LABEL = 1u << 5,
  ARMJIT_OPF_DESCR = 1u << 6, /* needs a descriptor (descr=NAME; armjit_op_descr) */
  ARMJIT_OPF_LOAD  = 1u << 7, /* reads memory (no other effect) */
  ARMJIT_OPF_STORE = 1u << 8, /* writes memory */
  ARMJIT_OPF_CALL  = 1u << 9, /* calls a C function: anything may happen */
  ARMJIT_OPF_RT    = 1u << 10, /* uses the exception slot or the force flag */
  ARMJIT_OPF_TEXT  = 1u << 11, /* carries a string, no values; emits no code
                                  (debug_merge_point("...")) */
  ARMJIT_OPF_GC    = 1u << 12  /* needs the context's GC descriptor; the
                                  allocations and barriers may collect */
};

#define ARMJIT_OPS(_)                                                         \
  /* integer arithmetic (32-bit, wrap-around) */                              \
  _(INT_ADD,        "int_add",        "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_SUB,        "int_sub",        "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_MUL,        "int_mul",        "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_FLOORDIV,   "int_floordiv",   "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_MOD,        "int_mod",        "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_AND,        "int_and",        "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_OR,         "int_or",         "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_XOR,        "int_xor",        "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_LSHIFT,     "int_lshift",     "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_RSHIFT,     "int_rshift",     "ii", 'i', ARMJIT_OPF_PURE)             \
  _(UINT_RSHIFT,    "uint_rshift",    "ii", 'i', ARMJIT_OPF_PURE)             \
  _(INT_NEG,        "int_neg",        "i",  'i', ARMJIT_OPF_PURE)             \
  _(INT_INVERT,     "int_invert",     "i",  'i', ARMJIT_OPF_PURE)             \
  /* integer comparisons (result 0 or 1) */                                   \
  _(INT_LT,         "int_lt",         "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_LE,         "int_le",         "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_EQ,         "int_eq",         "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_NE,         "int_ne",         "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_GT,         "int_gt",         "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_GE,         "int_ge",         "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(UINT_LT,        "uint_lt",        "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(UINT_LE,        "uint_le",        "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(UINT_GT,        "uint_gt",        "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(UINT_GE,        "uint_ge",        "ii", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(PTR_EQ,         "ptr_eq",         "rr", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(PTR_NE,         "ptr_ne",         "rr", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_IS_TRUE,    "int_is_true",    "i",  'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_IS_ZERO,    "int_is_zero",    "i",  'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INT_FORCE_GE_ZERO, "int_force_ge_zero", "i", 'i', ARMJIT_OPF_PURE)        \
  /* overflow-checked: the next op must be guard_no_overflow/guard_overflow */ \
  _(INT_ADD_OVF,    "int_add_ovf",    "ii", 'i', ARMJIT_OPF_OVF)              \
  _(INT_SUB_OVF,    "int_sub_ovf",    "ii", 'i', ARMJIT_OPF_OVF)              \
  _(INT_MUL_OVF,    "int_mul_ovf",    "ii", 'i', ARMJIT_OPF_OVF)              \
  /* floats (IEEE double) */                                                  \
  _(FLOAT_ADD,      "float_add",      "ff", 'f', ARMJIT_OPF_PURE)             \
  _(FLOAT_SUB,      "float_sub",      "ff", 'f', ARMJIT_OPF_PURE)             \
  _(FLOAT_MUL,      "float_mul",      "ff", 'f', ARMJIT_OPF_PURE)             \
  _(FLOAT_TRUEDIV,  "float_truediv",  "ff", 'f', ARMJIT_OPF_PURE)             \
  _(FLOAT_NEG,      "float_neg",      "f",  'f', ARMJIT_OPF_PURE)             \
  _(FLOAT_ABS,      "float_abs",      "f",  'f', ARMJIT_OPF_PURE)             \
  _(FLOAT_SQRT,     "float_sqrt",     "f",  'f', ARMJIT_OPF_PURE)             \
  _(FLOAT_LT,       "float_lt",       "ff", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(FLOAT_LE,       "float_le",       "ff", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(FLOAT_EQ,       "float_eq",       "ff", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(FLOAT_NE,       "float_ne",       "ff", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(FLOAT_GT,       "float_gt",       "ff", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(FLOAT_GE,       "float_ge",       "ff", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(CAST_FLOAT_TO_INT, "cast_float_to_int", "f", 'i', ARMJIT_OPF_PURE)        \
  _(CAST_INT_TO_FLOAT, "cast_int_to_float", "i", 'f', ARMJIT_OPF_PURE)        \
  _(SAME_AS,        "same_as",        "*",  '*', ARMJIT_OPF_PURE)             \
  /* guards: fail-arg list in [...] in the text form */                       \
  _(GUARD_TRUE,     "guard_true",     "i",  'v', ARMJIT_OPF_GUARD)            \
  _(GUARD_FALSE,    "guard_false",    "i",  'v', ARMJIT_OPF_GUARD)            \
  _(GUARD_VALUE,    "guard_value",    "**", 'v', ARMJIT_OPF_GUARD)            \
  _(GUARD_NONNULL,  "guard_nonnull",  "r",  'v', ARMJIT_OPF_GUARD)            \
  _(GUARD_ISNULL,   "guard_isnull",   "r",  'v', ARMJIT_OPF_GUARD)            \
  _(GUARD_NO_OVERFLOW, "guard_no_overflow", "", 'v', ARMJIT_OPF_GUARD)        \
  _(GUARD_OVERFLOW, "guard_overflow", "",   'v', ARMJIT_OPF_GUARD)            \
  /* control */                                                               \
  _(LABEL,          "label",          ".",  'v', ARMJIT_OPF_LABEL)            \
  _(JUMP,           "jump",           ".",  'v', ARMJIT_OPF_FINAL)            \
  _(FINISH,         "finish",         ".",  'v', ARMJIT_OPF_FINAL)           \
  /* the front end's source position, for listings and pc lookup */          \
  _(DEBUG_MERGE_POINT, "debug_merge_point", "", 'v', ARMJIT_OPF_TEXT)        \
  /* memory by descriptor (addresses and widths: docs/ir.md) */             \
  _(GETFIELD_GC,    "getfield_gc",    "r",   'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(GETFIELD_RAW,   "getfield_raw",   "r",   'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(SETFIELD_GC,    "setfield_gc",    "rd",  'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(SETFIELD_RAW,   "setfield_raw",   "rd",  'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(GETARRAYITEM_GC,  "getarrayitem_gc",  "ri",  'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(GETARRAYITEM_RAW, "getarrayitem_raw", "ri",  'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(SETARRAYITEM_GC,  "setarrayitem_gc",  "rid", 'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(SETARRAYITEM_RAW, "setarrayitem_raw", "rid", 'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(GETINTERIORFIELD_GC, "getinteriorfield_gc", "ri",  'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(SETINTERIORFIELD_GC, "setinteriorfield_gc", "rid", 'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(ARRAYLEN_GC,    "arraylen_gc",    "r",   'i', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(RAW_LOAD,       "raw_load",       "ri",  'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(RAW_STORE,      "raw_store",      "rid", 'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(STRLEN,         "strlen",         "r",   'i', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(STRGETITEM,     "strgetitem",     "ri",  'i', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(STRSETITEM,     "strsetitem",     "rii", 'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(UNICODELEN,     "unicodelen",     "r",   'i', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(UNICODEGETITEM, "unicodegetitem", "ri",  'i', ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD)  \
  _(UNICODESETITEM, "unicodesetitem", "rii", 'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(COPYSTRCONTENT, "copystrcontent", "rriii", 'v',                             \
    ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD | ARMJIT_OPF_STORE)                     \
  _(COPYUNICODECONTENT, "copyunicodecontent", "rriii", 'v',                     \
    ARMJIT_OPF_DESCR | ARMJIT_OPF_LOAD | ARMJIT_OPF_STORE)                     \
  /* calls by call descriptor; exceptions; forcing */                        \
  _(CALL,           "call",           ".",   'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_CALL)  \
  _(CALL_MAY_FORCE, "call_may_force", ".",   'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_CALL)  \
  /* another compiled loop called as a function, through a token descr */   \
  _(CALL_ASSEMBLER, "call_assembler", ".",   'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_CALL)  \
  _(GUARD_NOT_FORCED, "guard_not_forced", "", 'v', ARMJIT_OPF_GUARD | ARMJIT_OPF_RT) \
  _(FORCE_TOKEN,    "force_token",    "",    'r', ARMJIT_OPF_RT)                \
  _(GUARD_NO_EXCEPTION, "guard_no_exception", "", 'v', ARMJIT_OPF_GUARD | ARMJIT_OPF_RT) \
  _(GUARD_EXCEPTION, "guard_exception", "r", 'r', ARMJIT_OPF_GUARD | ARMJIT_OPF_RT) \
  _(GUARD_CLASS,    "guard_class",    "rr",  'v', ARMJIT_OPF_GUARD | ARMJIT_OPF_LOAD) \
  _(GUARD_NONNULL_CLASS, "guard_nonnull_class", "rr", 'v', ARMJIT_OPF_GUARD | ARMJIT_OPF_LOAD) \
  /* invalidation (armjit_loop_invalidate): a NOP while the loop is valid */ \
  _(GUARD_NOT_INVALIDATED, "guard_not_invalidated", "", 'v', ARMJIT_OPF_GUARD | ARMJIT_OPF_RT) \
  ARMJIT_OPS_WIDE(_)                                                          \
  ARMJIT_OPS_PYPY(_)                                                        \
  ARMJIT_OPS_GC(_)

/* 64-bit integers (i64, PyPy's "longlong": wrap-around) and single floats
 * (f32): arithmetic, comparisons, conversions and bit casts. */
#define ARMJIT_OPS_WIDE(_)                                                    \
  _(LLONG_ADD,      "llong_add",      "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_SUB,      "llong_sub",      "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_MUL,      "llong_mul",      "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_FLOORDIV, "llong_floordiv", "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_MOD,      "llong_mod",      "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_AND,      "llong_and",      "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_OR,       "llong_or",       "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_XOR,      "llong_xor",      "ll", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_LSHIFT,   "llong_lshift",   "li", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_RSHIFT,   "llong_rshift",   "li", 'l', ARMJIT_OPF_PURE)             \
  _(ULLONG_RSHIFT,  "ullong_rshift",  "li", 'l', ARMJIT_OPF_PURE)             \
  _(LLONG_NEG,      "llong_neg",      "l",  'l', ARMJIT_OPF_PURE)             \
  _(LLONG_INVERT,   "llong_invert",   "l",  'l', ARMJIT_OPF_PURE)             \
  _(LLONG_LT,       "llong_lt",       "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(LLONG_LE,       "llong_le",       "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(LLONG_EQ,       "llong_eq",       "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(LLONG_NE,       "llong_ne",       "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(LLONG_GT,       "llong_gt",       "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(LLONG_GE,       "llong_ge",       "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(ULLONG_LT,      "ullong_lt",      "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(ULLONG_LE,      "ullong_le",      "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(ULLONG_GT,      "ullong_gt",      "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(ULLONG_GE,      "ullong_ge",      "ll", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(LLONG_FROM_INT, "llong_from_int", "i",  'l', ARMJIT_OPF_PURE)             \
  _(LLONG_FROM_UINT, "llong_from_uint", "i", 'l', ARMJIT_OPF_PURE)            \
  _(LLONG_TO_INT,   "llong_to_int",   "l",  'i', ARMJIT_OPF_PURE)             \
  _(LLONG_TO_FLOAT, "llong_to_float", "l",  'f', ARMJIT_OPF_PURE)             \
  _(LLONG_FROM_FLOAT, "llong_from_float", "f", 'l', ARMJIT_OPF_PURE)          \
  _(CONVERT_FLOAT_BYTES_TO_LONGLONG, "convert_float_bytes_to_longlong", "f", 'l', \
    ARMJIT_OPF_PURE)                                                          \
  _(CONVERT_LONGLONG_BYTES_TO_FLOAT, "convert_longlong_bytes_to_float", "l", 'f', \
    ARMJIT_OPF_PURE)                                                          \
  _(CAST_FLOAT_TO_SINGLEFLOAT, "cast_float_to_singlefloat", "f", 's', ARMJIT_OPF_PURE) \
  _(CAST_SINGLEFLOAT_TO_FLOAT, "cast_singlefloat_to_float", "s", 'f', ARMJIT_OPF_PURE)

/* The rest of PyPy's backend op set: sign extension of a byte or halfword
 * (bytes: the constant 1, 2 or 4), the high word of an unsigned product,
 * int<->ref casts, identity compares of instances (docs/ir.md §2.8);
 * zeroing array items (§10.2); a call made only when its first argument
 * is not 0 (§11.5: cond_call(c, f, args..., descr=C), C's result void),
 * and a value that is computed by a call only when it is 0 or null
 * (cond_call_value(v, f, args..., descr=C), C's result int or ref: PyPy's
 * cond_call_value_i / _r);
 * guard_not_forced anywhere, not only after a call_may_force (§11.3). */
#define ARMJIT_OPS_PYPY(_)                                                    \
  _(INT_SIGNEXT,    "int_signext",    "ii", 'i', ARMJIT_OPF_PURE)             \
  _(UINT_MUL_HIGH,  "uint_mul_high",  "ii", 'i', ARMJIT_OPF_PURE)             \
  _(CAST_INT_TO_PTR, "cast_int_to_ptr", "i", 'r', ARMJIT_OPF_PURE)            \
  _(CAST_PTR_TO_INT, "cast_ptr_to_int", "r", 'i', ARMJIT_OPF_PURE)            \
  _(INSTANCE_PTR_EQ, "instance_ptr_eq", "rr", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(INSTANCE_PTR_NE, "instance_ptr_ne", "rr", 'i', ARMJIT_OPF_PURE | ARMJIT_OPF_CMP) \
  _(ZERO_ARRAY,     "zero_array",     "rii", 'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_STORE) \
  _(COND_CALL,      "cond_call",      ".",   'v', ARMJIT_OPF_DESCR | ARMJIT_OPF_CALL) \
  _(COND_CALL_VALUE, "cond_call_value", ".",  'd', ARMJIT_OPF_DESCR | ARMJIT_OPF_CALL) \
  _(GUARD_NOT_FORCED_2, "guard_not_forced_2", "", 'v', ARMJIT_OPF_GUARD | ARMJIT_OPF_RT)

/* The garbage collector's ops (docs/ir.md §15; the context's GC descriptor,
 * armjit_gc_descr): allocation in the nursery (size and type id are int
 * constants; new_array/newstr/newunicode take the length, then the type
 * id, and the layout from their descriptor), the write barriers, and
 * keepalive (no code: its argument counts as live up to here). */
#define ARMJIT_OPS_GC(_)                                                      \
  _(NEW,            "new",            "ii",  'r', ARMJIT_OPF_GC | ARMJIT_OPF_STORE) \
  _(NEW_WITH_VTABLE, "new_with_vtable", "iir", 'r', ARMJIT_OPF_GC | ARMJIT_OPF_STORE) \
  _(NEW_ARRAY,      "new_array",      "ii",  'r',                              \
    ARMJIT_OPF_GC | ARMJIT_OPF_STORE | ARMJIT_OPF_DESCR)                      \
  _(NEWSTR,         "newstr",         "ii",  'r',                              \
    ARMJIT_OPF_GC | ARMJIT_OPF_STORE | ARMJIT_OPF_DESCR)                      \
  _(NEWUNICODE,     "newunicode",     "ii",  'r',                              \
    ARMJIT_OPF_GC | ARMJIT_OPF_STORE | ARMJIT_OPF_DESCR)                      \
  _(COND_CALL_GC_WB, "cond_call_gc_wb", "r", 'v', ARMJIT_OPF_GC | ARMJIT_OPF_STORE) \
  _(COND_CALL_GC_WB_ARRAY, "cond_call_gc_wb_array", "ri", 'v',                \
    ARMJIT_OPF_GC | ARMJIT_OPF_STORE)                                          \
  _(KEEPALIVE,      "keepalive",      "*",   'v', 0)

typedef enum {
#define ARMJIT_OP_ENUM(name, text, args, res, flags) ARMJIT_OP_##name,
  ARMJIT_OPS(ARMJIT_OP_ENUM)
#undef ARMJIT_OP_ENUM
  ARMJIT_OP__COUNT
} armjit_opcode;

#endif
