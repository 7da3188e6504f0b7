/* SPDX-License-Identifier: MIT */
/* The armjit command-line tool: run, disassemble or print a text IR trace.
 * Only the public API is used, so the tool doubles as an example of it. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"

static const char usage_text[] =
    "usage: armjit run FILE [--args V...] [--interp] [--max-steps N]\n"
    "                       [--no-idiv] [--random-ra SEED]\n"
    "       armjit dis FILE [--no-idiv] [--random-ra SEED]\n"
    "       armjit print FILE\n"
    "       armjit --help\n"
    "\n"
    "FILE is a trace in the text IR form (docs/ir.md); '-' reads stdin.\n"
    "\n"
    "  run    compile the trace and run it on the input values, then print\n"
    "         the exit taken and the values it hands back:\n"
    "           exit <id> (<guard|finish> [<name>])\n"
    "           i0 = 42        (one line per value, in the exit's order;\n"
    "           f1 = 1.5        the letter is the type, the number the\n"
    "           p2 = 0x10       position in the exit's list)\n"
    "  dis    compile the trace and print the annotated disassembly\n"
    "  print  parse the trace and print it back in canonical form\n"
    "\n"
    "options:\n"
    "  --args V...      input values, one per inputarg, read by its type\n"
    "                   (int: decimal or 0x hex; float: any strtod form,\n"
    "                   nan, inf; ref: null or an address).  Without\n"
    "                   --args, a '# args: V...' comment line at the top of\n"
    "                   FILE gives them.\n"
    "  --interp         run the reference interpreter instead of compiled code\n"
    "  --max-steps N    interpreter step limit (default: none)\n"
    "  --no-idiv        never use the SDIV/UDIV instructions\n"
    "  --random-ra SEED randomize register allocation (testing)\n"
    "\n"
    "Exit status: 0 on success, 1 on any error.\n";

typedef struct {
  const char *cmd;       /* "run", "dis" or "print" */
  const char *file;      /* path, or "-" for stdin */
  char **args;           /* --args values (NULL: take them from the file) */
  int nargs;
  bool interp;
  uint64_t max_steps;
  armjit_options jit;
} cli_opts;

/* ---- small parsers --------------------------------------------------------- */

/* Unsigned integer, decimal or 0x hex, whole string (strtoull alone would
 * also take spaces, a sign and an empty string). */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
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

/* An int32: -2^31 .. 2^32-1; values above INT32_MAX wrap (so 0xffffffff
 * is -1), as a 32-bit register sees them. */
static bool parse_int(const char *s, int32_t *out) {
  bool neg = s[0] == '-';
  uint64_t v;
  if (!parse_u64(s + neg, neg ? (uint64_t)1 << 31 : UINT32_MAX, &v)) return false;
  uint32_t u = (uint32_t)v;
  if (neg) u = 0u - u;
  memcpy(out, &u, sizeof u); /* two's complement wrap without UB */
  return true;
}

static bool parse_float(const char *s, double *out) {
  char *end;
  if (!*s) return false;
  *out = strtod(s, &end);
  return *end == '\0';
}

static bool parse_ref(const char *s, uintptr_t *out) {
  uint64_t v;
  if (strcmp(s, "null") == 0) { *out = 0; return true; }
  if (!parse_u64(s, UINTPTR_MAX, &v)) return false;
  *out = (uintptr_t)v;
  return true;
}

static const char *type_name(armjit_type t) {
  switch (t) {
  case ARMJIT_INT: return "int";
  case ARMJIT_REF: return "ref";
  case ARMJIT_FLOAT: return "float";
  default: return "void";
  }
}

static char type_letter(armjit_type t) {
  return t == ARMJIT_INT ? 'i' : t == ARMJIT_REF ? 'p' : t == ARMJIT_FLOAT ? 'f' : 'v';
}

/* ---- input ---------------------------------------------------------------- */

/* Whole file (or stdin) as a NUL-terminated string; NULL with a message. */
static char *read_input(const char *file, FILE *err) {
  FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
  if (!f) {
    fprintf(err, "%s: error: cannot open: %s\n", file, strerror(errno));
    return NULL;
  }
  size_t len = 0, cap = 4096;
  char *buf = malloc(cap);
  while (buf) {
    if (cap - len < 2) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) { free(buf); buf = NULL; break; }
      buf = nb;
      cap *= 2;
    }
    size_t n = fread(buf + len, 1, cap - len - 1, f);
    len += n;
    if (n == 0) break;
  }
  bool bad = f != stdin ? ferror(f) : ferror(stdin);
  if (f != stdin) fclose(f);
  if (!buf) { fprintf(err, "%s: error: out of memory reading the file\n", file); return NULL; }
  if (bad) {
    fprintf(err, "%s: error: read error\n", file);
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  /* The parser sees a C string: a NUL inside would silently cut it. */
  if (strlen(buf) != len) {
    fprintf(err, "%s: error: the file contains a NUL byte\n", file);
    free(buf);
    return NULL;
  }
  return buf;
}

/* Tokens of the '# args:' line among the leading comment/blank lines, split
 * in place of a private copy.  Returns the count (0 when there is no such
 * line, -1 on memory exhaustion); *line gets its line number. */
static int args_from_text(const char *text, char ***toks, char **store, int *line) {
  *toks = NULL;
  *store = NULL;
  *line = 0;
  int ln = 1;
  for (const char *p = text; *p; ln++) {
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    const char *q = p;
    while (q < p + n && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
    if (q < p + n && *q != '#') break;           /* first real line: stop */
    if (q < p + n) {
      q++;
      while (q < p + n && (*q == ' ' || *q == '\t')) q++;
      if ((size_t)(p + n - q) >= 5 && memcmp(q, "args:", 5) == 0) {
        q += 5;
        size_t m = (size_t)(p + n - q);
        char *s = malloc(m + 1);
        char **v = malloc((m / 2 + 1) * sizeof *v);
        if (!s || !v) { free(s); free(v); return -1; }
        memcpy(s, q, m);
        s[m] = '\0';
        int k = 0;
        for (char *tok = strtok(s, " \t\r,"); tok; tok = strtok(NULL, " \t\r,")) v[k++] = tok;
        *toks = v;
        *store = s;
        *line = ln;
        return k;
      }
    }
    if (!eol) break;
    p = eol + 1;
  }
  return 0;
}

/* ---- output ---------------------------------------------------------------- */

/* Shortest decimal that reads back as the same double.  Every NaN prints
 * as "nan": NaN sign and payload are not part of the IR semantics
 * (docs/ir.md), and compiled code and interpreter may differ there. */
static void print_float(FILE *out, double d) {
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

static void print_exit(FILE *out, int id, const armjit_exit_info *info,
                       const armjit_frame *f) {
  fprintf(out, "exit %d (%s%s%s)\n", id,
          info->kind == ARMJIT_EXIT_GUARD ? "guard" : "finish",
          info->name ? " " : "", info->name ? info->name : "");
  for (unsigned k = 0; k < info->nvalues; k++) {
    const armjit_value *v = &f->values[k];
    fprintf(out, "%c%u = ", type_letter(info->types[k]), k);
    switch (info->types[k]) {
    case ARMJIT_INT: fprintf(out, "%" PRId32, v->i); break;
    case ARMJIT_FLOAT: print_float(out, v->f); break;
    case ARMJIT_REF:
      if (v->r) fprintf(out, "0x%" PRIxPTR, v->r); else fputs("null", out);
      break;
    default: fputs("?", out); break;
    }
    fputc('\n', out);
  }
}

static int fail(FILE *err, const char *file, const armjit_error *e) {
  const char *msg = e->msg[0] ? e->msg : armjit_status_name(e->code);
  if (e->line > 0)
    fprintf(err, "%s:%d:%d: error: %s\n", file, e->line, e->col, msg);
  else
    fprintf(err, "%s: error: %s\n", file, msg);
  return 1;
}

/* ---- commands -------------------------------------------------------------- */

/* Fill f->values[0..ninputs) from the option or '# args:' values. */
static int load_inputs(const cli_opts *o, const char *name, const char *text,
                       armjit_trace *t, armjit_frame *f, FILE *err) {
  char **vals = o->args, **own = NULL, *store = NULL;
  int nvals = o->nargs, line = 0;
  const char *from = "--args";
  if (!vals) {
    nvals = args_from_text(text, &own, &store, &line);
    if (nvals < 0) { fprintf(err, "%s: error: out of memory\n", name); return 1; }
    vals = own;
    from = "'# args:' line";
  }
  unsigned n = armjit_trace_ninputs(t);
  int rc = 0;
  if ((unsigned)nvals != n) {
    fprintf(err, "%s:", name);
    if (line) fprintf(err, "%d:", line);
    fprintf(err, " error: the trace takes %u input value%s (", n, n == 1 ? "" : "s");
    for (unsigned i = 0; i < n; i++)
      fprintf(err, "%s%s", i ? ", " : "", type_name(armjit_val_type(t, (armjit_val)i)));
    fprintf(err, "), %s gives %d\n", from, nvals);
    rc = 1;
  }
  for (unsigned i = 0; !rc && i < n; i++) {
    armjit_type ty = armjit_val_type(t, (armjit_val)i);
    armjit_value *v = &f->values[i];
    v->bits = 0;
    bool ok = ty == ARMJIT_INT ? parse_int(vals[i], &v->i)
            : ty == ARMJIT_FLOAT ? parse_float(vals[i], &v->f)
            : ty == ARMJIT_REF ? parse_ref(vals[i], &v->r) : false;
    if (!ok) {
      fprintf(err, "%s:", name);
      if (line) fprintf(err, "%d:", line);
      fprintf(err, " error: input %u '%s' (from %s) is not a valid %s\n", i, vals[i], from,
              type_name(ty));
      rc = 1;
    }
  }
  free(own);
  free(store);
  return rc;
}

static uint32_t trace_capacity(const armjit_trace *t) {
  uint32_t cap = armjit_trace_ninputs(t);
  for (unsigned k = 0; k < armjit_trace_nexits(t); k++) {
    armjit_exit_info info;
    if (armjit_trace_exit_info(t, (int)k, &info) == ARMJIT_OK && info.nvalues > cap)
      cap = info.nvalues;
  }
  return cap ? cap : 1;
}

static int cmd_run(const cli_opts *o, const char *name, const char *text,
                   armjit_ctx *ctx, armjit_trace *t, FILE *out, FILE *err) {
  armjit_error e = {0};
  armjit_loop *loop = NULL;
  armjit_frame *f = NULL;
  int rc = 1;
  if (!o->interp && !(loop = armjit_compile_loop(ctx, t, &e))) return fail(err, name, &e);
  uint32_t cap = loop ? armjit_loop_frame_capacity(loop) : trace_capacity(t);
  if (cap < armjit_trace_ninputs(t)) cap = armjit_trace_ninputs(t);
  if (!(f = armjit_frame_new(ctx, cap ? cap : 1))) {
    fprintf(err, "%s: error: out of memory allocating the frame\n", name);
    goto done;
  }
  if (load_inputs(o, name, text, t, f, err)) goto done;
  armjit_exit_info info;
  int id;
  if (loop) {
    id = armjit_run(loop, f, &e);
    if (id < 0 || armjit_loop_exit_info(loop, id, &info) != ARMJIT_OK) {
      if (id >= 0) snprintf(e.msg, sizeof e.msg, "run returned an unknown exit %d", id);
      fail(err, name, &e);
      goto done;
    }
  } else {
    if (armjit_interpret(t, f, o->max_steps, &e) != ARMJIT_OK) { fail(err, name, &e); goto done; }
    id = f->exit_id;
    if (armjit_trace_exit_info(t, id, &info) != ARMJIT_OK) {
      fprintf(err, "%s: error: interpreter returned an unknown exit %d\n", name, id);
      goto done;
    }
  }
  print_exit(out, id, &info, f);
  rc = 0;
done:
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
  return rc;
}

static int cmd_dis(const char *name, armjit_ctx *ctx, armjit_trace *t, FILE *out, FILE *err) {
  armjit_error e = {0};
  armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
  if (!loop) return fail(err, name, &e);
  int rc = 0;
  if (armjit_loop_dis(loop, out) != ARMJIT_OK) {
    fprintf(err, "%s: error: disassembly failed\n", name);
    rc = 1;
  }
  armjit_loop_free(loop);
  return rc;
}

static int cmd_print(const char *name, armjit_trace *t, FILE *out, FILE *err) {
  if (armjit_trace_print(t, out) < 0) {
    fprintf(err, "%s: error: printing the trace failed\n", name);
    return 1;
  }
  return 0;
}

/* ---- driver ---------------------------------------------------------------- */

static int usage_error(FILE *err, const char *what, const char *arg) {
  fprintf(err, "armjit: error: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
  fprintf(err, "try 'armjit --help'\n");
  return 1;
}

static int parse_cmdline(int argc, char **argv, cli_opts *o, FILE *err) {
  memset(o, 0, sizeof *o);
  o->cmd = argv[1];
  if (strcmp(o->cmd, "run") && strcmp(o->cmd, "dis") && strcmp(o->cmd, "print"))
    return usage_error(err, "unknown command", o->cmd);
  bool is_run = strcmp(o->cmd, "run") == 0, compiles = strcmp(o->cmd, "print") != 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    uint64_t n;
    if (is_run && strcmp(a, "--args") == 0) {
      if (o->args) return usage_error(err, "--args given twice", NULL);
      o->args = argv + i + 1;
      /* Values run to the next option; '-1' or '-inf' are values. */
      while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) { i++; o->nargs++; }
    } else if (is_run && strcmp(a, "--interp") == 0) {
      o->interp = true;
    } else if (is_run && strcmp(a, "--max-steps") == 0) {
      if (++i >= argc || !parse_u64(argv[i], UINT64_MAX, &n))
        return usage_error(err, "--max-steps needs a number", i < argc ? argv[i] : NULL);
      o->max_steps = n;
    } else if (compiles && strcmp(a, "--no-idiv") == 0) {
      o->jit.flags |= ARMJIT_NO_IDIV;
    } else if (compiles && strcmp(a, "--random-ra") == 0) {
      if (++i >= argc || !parse_u64(argv[i], UINT32_MAX, &n))
        return usage_error(err, "--random-ra needs a 32-bit seed", i < argc ? argv[i] : NULL);
      o->jit.flags |= ARMJIT_RANDOM_RA;
      o->jit.seed = (uint32_t)n;
    } else if (a[0] == '-' && a[1] != '\0') {
      return usage_error(err, "unknown option", a);
    } else if (o->file) {
      return usage_error(err, "more than one FILE", a);
    } else {
      o->file = a;
    }
  }
  if (!o->file) return usage_error(err, "missing FILE", NULL);
  if (o->interp && (o->jit.flags & (ARMJIT_NO_IDIV | ARMJIT_RANDOM_RA)))
    return usage_error(err, "--interp does not compile: --no-idiv/--random-ra make no sense",
                       NULL);
  return 0;
}

int armjit_cli_main(int argc, char **argv, FILE *out, FILE *err) {
  if (argc < 2) return usage_error(err, "missing command", NULL);
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(usage_text, out);
    return 0;
  }
  cli_opts o;
  if (parse_cmdline(argc, argv, &o, err)) return 1;
  const char *name = strcmp(o.file, "-") == 0 ? "<stdin>" : o.file;
  char *text = read_input(o.file, err);
  if (!text) return 1;

  int rc = 1;
  armjit_error e = {0};
  armjit_trace *t = NULL;
  armjit_ctx *ctx = armjit_ctx_new(&o.jit, &e);
  if (!ctx) { fail(err, name, &e); goto done; }
  t = armjit_trace_parse(ctx, text, &e);
  if (!t) { fail(err, name, &e); goto done; }
  if (armjit_trace_validate(t, &e) != ARMJIT_OK) { fail(err, name, &e); goto done; }
  if (strcmp(o.cmd, "run") == 0) rc = cmd_run(&o, name, text, ctx, t, out, err);
  else if (strcmp(o.cmd, "dis") == 0) rc = cmd_dis(name, ctx, t, out, err);
  else rc = cmd_print(name, t, out, err);
done:
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
  free(text);
  return rc;
}
