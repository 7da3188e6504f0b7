/* SPDX-License-Identifier: MIT */
/* The CLI's built-in symbols: a few libc functions and test helpers a
 * trace can call, and the objects they need (the output stream and the
 * context), passed as arguments: the tool keeps no global state. */
#include <inttypes.h>

#include "cli_impl.h"

/* Test helpers a trace can call (the libc ones are in the table below). */
static void bi_print_int(FILE *out, int32_t v) { fprintf(out, "%" PRId32 "\n", v); }
static void bi_print_float(FILE *out, double v) { fprintf(out, "%.17g\n", v); }
/* a / b; raises 1 (through armjit_raise) when b is 0. */
static int32_t bi_checked_div(armjit_ctx *ctx, int32_t a, int32_t b) {
  if (b == 0) { armjit_raise(ctx, 1); return 0; }
  if (a == INT32_MIN && b == -1) return INT32_MIN;
  return a / b;
}

typedef enum { BI_OUT, BI_CTX, BI_FN } bi_kind;
typedef struct {
  const char *name;
  bi_kind kind;
  void (*fn)(void);  /* BI_FN */
  const char *descr; /* a call descriptor that fits, text form */
  const char *what;
} builtin;

#define FN(f) ((void (*)(void))(f))
/* size_t arguments are declared int: the same register on ARM, and libffi
 * sign-extends an int on the 64-bit host. */
static const builtin builtins[] = {
    {"out", BI_OUT, NULL, NULL, "the output stream (FILE *) of the command"},
    {"ctx", BI_CTX, NULL, NULL, "the armjit context of the run (armjit_ctx *)"},
    {"abs", BI_FN, FN(abs), "call(args=[int], result=int)", "libc abs(x)"},
    {"memset", BI_FN, FN(memset), "call(args=[ref, int, int], result=ref)",
     "libc memset(p, byte, n)"},
    {"memcpy", BI_FN, FN(memcpy), "call(args=[ref, ref, int], result=ref)",
     "libc memcpy(dst, src, n)"},
    {"memmove", BI_FN, FN(memmove), "call(args=[ref, ref, int], result=ref)",
     "libc memmove(dst, src, n)"},
    {"memcmp", BI_FN, FN(memcmp), "call(args=[ref, ref, int], result=int)",
     "libc memcmp(a, b, n)"},
    {"strlen", BI_FN, FN(strlen), "call(args=[ref], result=int)", "libc strlen(s)"},
    {"fputc", BI_FN, FN(fputc), "call(args=[int, ref], result=int)",
     "libc fputc(c, stream): pass sym(out)"},
    {"sqrt", BI_FN, FN(sqrt), "call(args=[float], result=float)", "libm sqrt(x)"},
    {"hypot", BI_FN, FN(hypot), "call(args=[float, float], result=float)",
     "libm hypot(x, y)"},
    {"print_int", BI_FN, FN(bi_print_int), "call(args=[ref, int])",
     "print_int(sym(out), v): v in decimal and a newline"},
    {"print_float", BI_FN, FN(bi_print_float), "call(args=[ref, float])",
     "print_float(sym(out), v): v (%.17g) and a newline"},
    {"checked_div", BI_FN, FN(bi_checked_div), "call(args=[ref, int, int], result=int, may_raise)",
     "checked_div(sym(ctx), a, b): a / b; raises 1 when b is 0"},
    {"armjit_raise", BI_FN, FN(armjit_raise), "call(args=[ref, ref], result=int, may_raise)",
     "armjit_raise(sym(ctx), value): raise value (non-zero)"},
    {"armjit_force", BI_FN, FN(armjit_force), "call(args=[ref], may_force)",
     "armjit_force(token): force the activation of force_token()"},
};
#undef FN

static uintptr_t builtin_addr(const builtin *b, armjit_ctx *ctx, FILE *out) {
  switch (b->kind) {
  case BI_OUT: return (uintptr_t)out;
  case BI_CTX: return (uintptr_t)ctx;
  default: return (uintptr_t)b->fn;
  }
}

int armjit_cli_add_builtins(armjit_ctx *ctx, FILE *out, FILE *err) {
  for (size_t k = 0; k < sizeof builtins / sizeof builtins[0]; k++)
    if (armjit_ctx_add_symbol(ctx, builtins[k].name, builtin_addr(&builtins[k], ctx, out)) !=
        ARMJIT_OK) {
      fprintf(err, "armjit: error: cannot register the built-in symbol %s\n", builtins[k].name);
      return 1;
    }
  return 0;
}

int armjit_cli_list_symbols(FILE *out) {
  fputs("Built-in symbols (sym(NAME) in a trace; NAME as a ref in --args).\n"
        "Functions, with a call descriptor that fits them:\n",
        out);
  for (size_t k = 0; k < sizeof builtins / sizeof builtins[0]; k++)
    if (builtins[k].kind == BI_FN)
      fprintf(out, "  %-13s %-52s %s\n", builtins[k].name, builtins[k].descr, builtins[k].what);
  fputs("Objects:\n", out);
  for (size_t k = 0; k < sizeof builtins / sizeof builtins[0]; k++)
    if (builtins[k].kind != BI_FN) fprintf(out, "  %-13s %s\n", builtins[k].name, builtins[k].what);
  armjit_cli_gc_list_symbols(out);
  fputs("Example:\n"
        "  descr P = call(args=[int, ref], result=int)\n"
        "  [i0]\n"
        "  i1 = call(sym(fputc), i0, sym(out), descr=P)\n"
        "  finish(i1)\n",
        out);
  return 0;
}

