/* SPDX-License-Identifier: MIT */
/* Internals of the armjit CLI shared by its files: number parsing and
 * float printing (as the IR text writes them), word lists from the command
 * line or a file's header lines, the --alloc buffers, the built-in
 * symbols. */
#ifndef ARMJIT_TOOLS_CLI_IMPL_H
#define ARMJIT_TOOLS_CLI_IMPL_H

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"
#include "gc_model.h"

/* ---- numbers ------------------------------------------------------------ */

/* Unsigned integer, decimal or 0x hex, whole string (strtoull alone would
 * also take spaces, a sign and an empty string). */
static inline bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
  if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s))) return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, base);
  if (errno || *end || v > max) return false;
  *out = v;
  return true;
}

/* A signed integer in [lo, hi] (decimal or 0x hex, optional '-'). */
static inline bool parse_range(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  bool neg = s[0] == '-';
  uint64_t v;
  if (!parse_u64(s + neg, neg ? (uint64_t)-lo : (uint64_t)hi, &v)) return false;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return *out >= lo && *out <= hi;
}

/* An int32: -2^31 .. 2^32-1; values above INT32_MAX wrap (so 0xffffffff
 * is -1), as a 32-bit register sees them. */
static inline bool parse_int(const char *s, int32_t *out) {
  int64_t v;
  if (!parse_range(s, INT32_MIN, UINT32_MAX, &v)) return false;
  uint32_t u = (uint32_t)v;
  memcpy(out, &u, sizeof u); /* two's complement wrap without UB */
  return true;
}

static inline bool parse_float(const char *s, double *out) {
  char *end;
  if (!*s) return false;
  *out = strtod(s, &end);
  return *end == '\0';
}

/* Shortest decimal that reads back as the same double.  Every NaN prints
 * as "nan": NaN sign and payload are not part of the IR semantics
 * (docs/ir.md), and compiled code and interpreter may differ there. */
static inline void print_float(FILE *out, double d) {
  if (isnan(d)) { fputs("nan", out); return; }
  char buf[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) break;
  }
  /* as the IR text writes floats: 1.0, not 1 (which reads as an int) */
  if (!strpbrk(buf, ".eEn")) strcat(buf, ".0");
  fputs(buf, out);
}

/* An i64: decimal or 0x hex (64 bits, read as the pattern), optional '-'. */
static inline bool parse_i64(const char *s, int64_t *out) {
  bool neg = s[0] == '-';
  bool hex = s[neg] == '0' && (s[neg + 1] == 'x' || s[neg + 1] == 'X');
  uint64_t v, lim = neg ? UINT64_C(1) << 63 : hex ? UINT64_MAX : (UINT64_C(1) << 63) - 1;
  if (!parse_u64(s + neg, lim, &v)) return false;
  if (neg) v = 0 - v;
  memcpy(out, &v, sizeof v); /* two's complement wrap without UB */
  return true;
}

/* ---- word lists --------------------------------------------------------- */

/* Values of a header line: words given on the command line, or those of
 * the '# KEY:' comment line among the leading comment/blank lines of the
 * file (split in a private copy). */
typedef struct {
  char **v;
  int n;
  int line;          /* the header line's number, 0 for the command line */
  const char *from;  /* "--args" or "'# args:' line" */
  char **own;        /* the word array, when this list allocated it */
  char *store;       /* the words of a header line (a private copy) */
} cli_words;

/* ---- the collector (tools/cli_gc.c) -------------------------------------- */

typedef struct {
  bool on;          /* a '# gc:' line or --gc was given */
  gcm g;
  gcm_type *types;  /* by type id */
  uint32_t ntypes;
} cli_gc;

/* The collector of the file's '# gc:' words, then those of --gc (a later
 * word of the same key wins; types are declared once); off when there are
 * none.  0, or 1 after a message on err. */
int armjit_cli_gc_make(const cli_words *file_w, const cli_words *cmd_w, const char *file,
                       cli_gc *gc, FILE *err);
/* Its GC descriptor and class offset into o (nothing when off). */
void armjit_cli_gc_options(cli_gc *gc, armjit_options *o);
/* Attach it to ctx and register its symbols.  0, or 1 after a message. */
int armjit_cli_gc_attach(cli_gc *gc, armjit_ctx *ctx, FILE *err);
/* p in the heap: "nursery" or "old" and its offset there. */
bool armjit_cli_gc_where(const cli_gc *gc, uintptr_t p, const char **space, uintptr_t *off);
/* "gc: N slow-path calls, ..." after a run; then the collector's error or
 * a broken heap (gcm_verify) on err: 1.  0 when all is well or off. */
int armjit_cli_gc_report(const cli_gc *gc, FILE *out, FILE *err, const char *file);
void armjit_cli_gc_list_symbols(FILE *out);
void armjit_cli_gc_free(cli_gc *gc);

/* A value of any type as `armjit run` prints it: ints and i64s in
 * decimal, floats and f32s as print_float, refs in hex or null, or, in
 * the collector's heap (gc not NULL), as nursery+OFF / old+OFF (the same
 * in every run: the heap's address is not). */
static inline void print_typed(FILE *out, armjit_type ty, const armjit_value *v,
                               const cli_gc *gc) {
  switch (ty) {
  case ARMJIT_INT: fprintf(out, "%" PRId32, v->i); break;
  case ARMJIT_FLOAT: print_float(out, v->f); break;
  case ARMJIT_I64: fprintf(out, "%" PRId64, v->l); break;
  case ARMJIT_F32: { /* the shortest decimal that reads back as the same f32 */
    if (isnan(v->s)) { fputs("nan", out); break; }
    char buf[40];
    for (int prec = 1; prec <= 9; prec++) {
      snprintf(buf, sizeof buf, "%.*g", prec, (double)v->s);
      if ((float)strtod(buf, NULL) == v->s) break;
    }
    if (!strpbrk(buf, ".eEn")) strcat(buf, ".0");
    fputs(buf, out);
    break;
  }
  case ARMJIT_REF: {
    const char *space;
    uintptr_t off;
    if (armjit_cli_gc_where(gc, v->r, &space, &off)) fprintf(out, "%s+%" PRIuPTR, space, off);
    else if (v->r) fprintf(out, "0x%" PRIxPTR, v->r);
    else fputs("null", out);
    break;
  }
  default: fputs("?", out); break;
  }
}


/* ---- buffers (tools/cli_buffers.c) -------------------------------------- */

typedef struct {
  char *name;
  size_t size;
  unsigned char *mem;
} cli_buf;

typedef struct {
  cli_buf *v;
  int n;
} cli_bufs;

void armjit_cli_bufs_free(cli_bufs *b);
/* The buffers of the file's '# alloc:' line, then those of --alloc (which
 * replace a file buffer of the same name), each registered in ctx as a
 * symbol.  0, or 1 after a message on err. */
int armjit_cli_make_buffers(const cli_words *file_w, const cli_words *cmd_w, const char *file,
                            armjit_ctx *ctx, cli_bufs *b, FILE *err);
/* Print the --dump list (NAME[:FMT] words) of buffers b, or with
 * check_only only check it.  0, or 1 after a message on err. */
int armjit_cli_dump_buffers(const cli_words *w, const char *file, const cli_bufs *b, FILE *out,
                            FILE *err, bool check_only);

/* ---- built-in symbols (tools/cli_symbols.c) ----------------------------- */

/* Register the built-in functions and objects (out: the output stream,
 * ctx itself) in ctx.  0, or 1 after a message on err. */
int armjit_cli_add_builtins(armjit_ctx *ctx, FILE *out, FILE *err);
/* `armjit symbols`: the list with a call descriptor for each function. */
int armjit_cli_list_symbols(FILE *out);

/* ---- call_assembler, interrupts, counters (tools/cli_loopctl.c) --------- */

/* Bind every token of ctx (those the file declares) to t and, compiled,
 * to loop; register the CLI's assembler helper (it returns the first
 * value of the callee's exit).  0, or 1 after a message on err. */
int armjit_cli_bind_tokens(armjit_ctx *ctx, armjit_trace *t, armjit_loop *loop,
                           const char *name, FILE *err);
/* The same for a set file: token NAME calls the set's loop named NAME.
 * 0, or 1 after a message on err (a token no loop of that name has). */
int armjit_cli_bind_set_tokens(armjit_ctx *ctx, const armjit_set_entry *set, unsigned n,
                               armjit_loop *const *loops, const char *name, FILE *err);
/* --max-iterations needs a trace that resumes (armjit_trace_resumable). */
int armjit_cli_check_resumable(const armjit_trace *t, uint64_t max_iterations,
                               const char *name, FILE *err);
/* Run loop (or interpret t when loop is NULL) on f; with max_iterations,
 * leave at every back edge of label 0 and re-enter, at most that many
 * times (*iterations counts them).  The exit id (an interrupt exit when
 * the limit was reached), or -1 with e filled. */
int armjit_cli_run(armjit_ctx *ctx, armjit_trace *t, armjit_loop *loop, armjit_frame *f,
                   uint64_t max_steps, uint64_t max_iterations, uint64_t *iterations,
                   armjit_error *e);
void armjit_cli_print_interrupt(FILE *out, const armjit_trace *t, int id, const armjit_frame *f,
                                uint64_t iterations, const cli_gc *gc);
/* "counters: NAME entries N, label 0 N, ..." */
void armjit_cli_print_counters(FILE *out, const armjit_loop *loop);

/* `armjit mc ...` (cli_mc.c): argv[0] is "mc". */
int armjit_cli_mc_main(int argc, char **argv, FILE *out, FILE *err);

#endif
