/* SPDX-License-Identifier: MIT */
/* The armjit command-line tool: run, disassemble or print a text IR trace,
 * with memory buffers and built-in C functions so that memory ops and calls
 * can be tried from a file.  Only the public API is used, so the tool
 * doubles as an example of it. */
#include "cli.h"

#include <inttypes.h>

#include "cli_impl.h"

/* ---- commands and their help ---------------------------------------------- */

/* Which options a command takes. */
enum {
  O_ARGS = 1u << 0,    /* --args V... */
  O_INTERP = 1u << 1,  /* --interp */
  O_STEPS = 1u << 2,   /* --max-steps N */
  O_COMPILE = 1u << 3, /* --no-idiv, --random-ra SEED */
  O_TARGET = 1u << 4,  /* --abi, --cpu, --features */
  O_ALLOC = 1u << 5,   /* --alloc NAME=SPEC */
  O_DUMP = 1u << 6,    /* --dump NAME[:FMT] */
  O_FILE = 1u << 7,    /* takes a FILE */
  O_LOOPCTL = 1u << 8, /* --max-iterations N, --counters */
  O_GC = 1u << 9       /* --gc WORD */
};

typedef struct {
  const char *name;
  unsigned opts;
  const char *synopsis; /* after "armjit " */
  const char *help;     /* printed by `armjit help NAME` after the synopsis */
} cli_cmd;

#define ALLOC_HELP                                                                 \
  "  --alloc NAME=SPEC  a buffer registered as the symbol NAME: sym(NAME) in the\n" \
  "                   text, NAME as a ref value in --args.  SPEC is BYTES (zeroed),\n" \
  "                   TYPE:V,V,... (the values, back to back) or BYTES:TYPE:V,...\n" \
  "                   (zeroed, then the values at the start).  TYPE: u8 i8 u16\n" \
  "                   i16 i32 u32 f64, or str:TEXT (the bytes of TEXT and a NUL).\n" \
  "                   Repeatable; 8-byte aligned.\n"

#define GC_HELP                                                                       \
  "  --gc WORD        a moving collector for the GC ops (docs/ir.md 15): a copying\n"    \
  "                   nursery of two semispaces and an old space.  WORD is\n"            \
  "                   nursery=BYTES (each semispace; 65536), old=BYTES (65536),\n"      \
  "                   window=BYTES (handed out between slow-path calls; 0, the\n"       \
  "                   default: the whole nursery), every=K (collect on every K-th\n"    \
  "                   slow-path call; 1; 0: only when full), or an object type:\n"     \
  "                   type=TID:fixed:SIZE[:OFF,...] (refs at the byte offsets),\n"     \
  "                   type=TID:array:ITEM[:ref], type=TID:str:ITEM.  Repeatable;\n"    \
  "                   adds to the file's '# gc:' line.  Objects: the type id (2\n"     \
  "                   bytes) at 0, the flags byte at 2 (write-barrier bit 1), the\n"  \
  "                   class word at 8, fields from 16; arrays: length at P, items\n" \
  "                   from 2P; strs: length at 2P, items from 3P (P: a pointer's\n"  \
  "                   size, 4 on ARM); an odd word is a tagged int, not a ref\n"

#define HEADER_HELP                                                                   \
  "Header comment lines at the top of FILE:\n"                                         \
  "  # args: V...          the --args when the option is not given\n"                  \
  "  # dump: NAME[:FMT]... the --dump list when the option is not given\n"             \
  "  # alloc: NAME=SPEC... buffers; --alloc adds more or replaces one by name\n"           \
  "  # gc: WORD...         the collector (--gc adds words)\n"

static const cli_cmd commands[] = {
    {"run", O_FILE | O_ARGS | O_INTERP | O_STEPS | O_COMPILE | O_ALLOC | O_DUMP | O_LOOPCTL | O_GC,
     "run FILE [--args V...] [--alloc NAME=SPEC]... [--dump NAME[:FMT]]...\n"
     "                  [--gc WORD]... [--interp [--max-steps N]] [--max-iterations N]\n"
     "                  [--counters] [--no-idiv] [--random-ra SEED]",
     "Compile the trace and run it on the input values (or interpret it with\n"
     "--interp), then print the exit taken and the values it hands back, each\n"
     "with its position in the exit's list and where it came from:\n"
     "  exit <id> (<guard|finish> [<name>])\n"
     "  [0] i1 = 111       value 0 of the list is the trace variable i1\n"
     "  [1] f0 = 1.5       (its number as `armjit print` writes it)\n"
     "  [2] 7 (constant)   the list names a constant\n"
     "then a pending exception, if a helper raised one, and the --dump buffers.\n"
     "With a collector (--gc or a '# gc:' line), refs into its heap print as\n"
     "nursery+OFF or old+OFF, and a last line says what it did:\n"
     "  gc: N slow-path calls, N collections, N objects moved, N barrier calls; ...\n"
     "after which the heap is checked (every ref field an object or null).  A\n"
     "run the collector cannot serve (nursery full after a collection, a ref to\n"
     "no object) ends with an out-of-memory error and the collector's reason.\n"
     "\n"
     "  --args V...      input values, one per inputarg, read by its type\n"
     "                   (int: decimal or 0x hex; float: any strtod form, nan,\n"
     "                   inf; ref: null, an address or a symbol's name; i64:\n"
     "                   decimal or 0x hex, 64 bits; f32: as a float, rounded)\n" ALLOC_HELP
     GC_HELP
     "  --dump NAME[:FMT] print an --alloc buffer after the run: FMT hex (the\n"
     "                   default), u8 i8 u16 i16 i32 u32 f64, or str\n"
     "  --interp         run the reference interpreter instead of compiled code\n"
     "  --max-steps N    interpreter step limit (--interp only)\n"
     "  --max-iterations N  stop after N iterations of the loop (its interrupt\n"
     "                   exit: `exit K (interrupt) after N iterations` and the\n"
     "                   label's values); compiled or --interp.  The trace must\n"
     "                   start with its label taking the inputs in order\n"
     "  --counters       count the compiled loop's entries and label visits and\n"
     "                   print them (`counters: NAME entries N, label 0 N, ...`)\n"
     "  --no-idiv        never use the SDIV/UDIV instructions\n"
     "  --random-ra SEED randomize register allocation (testing)\n"
     "\n" HEADER_HELP
     "\n"
     "A trace may call itself with call_assembler: every token the file declares\n"
     "(descr NAME = token(...)) calls the file's loop; a callee leaving through a\n"
     "guard gives the first value of its exit.  Loops check the stack at entry\n"
     "(1 MiB below where the CLI starts), so deep recursion ends with a stack\n"
     "limit error.\n"
     "\n"
     "A FILE of several traces (\"--- loop NAME\" and \"--- bridge NAME on\n"
     "TRACE.GUARD\" sections, docs/ir.md 14) runs its first loop with every\n"
     "bridge attached (--interp: the interpreter runs the same set); the exit\n"
     "line then says which trace it belongs to (\"exit 3 (guard g) of b1\").\n"
     "\n"
     "Compiled code runs on ARM only; an x86-64 build runs traces with --interp\n"
     "(or run the ARM build under qemu-arm).  `armjit symbols` lists the\n"
     "built-in functions a trace can call.\n"},
    {"dis", O_FILE | O_COMPILE | O_TARGET | O_ALLOC | O_GC,
     "dis FILE [--abi hard|soft] [--cpu NAME | --features LIST]\n"
     "                  [--alloc NAME=SPEC]... [--gc WORD]... [--no-idiv]\n"
     "                  [--random-ra SEED]",
     "Compile the trace and print the target, then the disassembly annotated\n"
     "with the IR op each instruction belongs to and the exit stubs.\n"
     "\n"
     "  --abi hard|soft  the calling convention of calls (default: this build's;\n"
     "                   hard-float off ARM)\n"
     "  --cpu NAME       the CPU to generate code for: generic (VFPv3-D16 only),\n"
     "                   cortex-a8, cortex-a9 (VFPv3-D32, NEON), cortex-a7,\n"
     "                   cortex-a15, max (also SDIV/UDIV).  Default: this CPU on\n"
     "                   ARM, generic elsewhere\n"
     "  --features LIST  the CPU features, exactly: a comma-separated subset of\n"
     "                   vfpv3 d32 neon idiv (vfpv3 is always on), or none\n" ALLOC_HELP
     "  --gc WORD        the collector (armjit help run): the GC ops compile against\n"
     "                   its nursery words and slow paths\n"
     "  --no-idiv        never use the SDIV/UDIV instructions\n"
     "  --random-ra SEED randomize register allocation (testing)\n"
     "\nA FILE of several traces lists every trace, compiled with the bridges\n"
     "attached: a bridged guard's branch goes to its bridge.\n"
     "\nComment lines at the top of FILE: '# alloc: NAME=SPEC...' makes buffers\n"
     "too, '# gc: WORD...' the collector.\n"},
    {"print", O_FILE | O_ALLOC | O_GC, "print FILE [--alloc NAME=SPEC]... [--gc WORD]...",
     "Parse the trace and print it back in canonical form (docs/ir.md 6.3).\n"
     "\n" ALLOC_HELP
     "  --gc WORD        the collector (armjit help run): GC ops need one\n"
     "\nComment lines at the top of FILE: '# alloc: NAME=SPEC...' makes buffers\n"
     "too, '# gc: WORD...' the collector.\n"},
    {"symbols", 0, "symbols",
     "List the built-in symbols every command registers: C functions a trace\n"
     "can call, with the call descriptor that fits them, and objects (the\n"
     "output stream, the context) to pass them.\n"},
    {"help", 0, "help [COMMAND]", "Print the usage, or the help of one command.\n"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_cmd *find_command(const char *name) {
  for (size_t k = 0; k < NCOMMANDS; k++)
    if (strcmp(commands[k].name, name) == 0) return &commands[k];
  return NULL;
}

static void print_usage(FILE *out) {
  for (size_t k = 0; k < NCOMMANDS; k++)
    fprintf(out, "%s armjit %s\n", k ? "      " : "usage:", commands[k].synopsis);
  fputs("       armjit mc run|dis|print FILE ...   (the method compiler: armjit mc --help)\n"
        "       armjit --help | --version\n"
        "\n"
        "FILE is a trace in the text IR form (docs/ir.md); '-' reads stdin.\n"
        "`armjit help COMMAND` or `armjit COMMAND --help` describes a command.\n"
        "\n"
        "Exit status: 0 on success, 1 on any error.\n",
        out);
}

static void print_command_help(FILE *out, const cli_cmd *c) {
  fprintf(out, "usage: armjit %s\n\n%s", c->synopsis, c->help);
}

/* null, an address, or the name of a registered symbol. */
static bool parse_ref(const armjit_ctx *ctx, const char *s, uintptr_t *out) {
  uint64_t v;
  if (strcmp(s, "null") == 0) { *out = 0; return true; }
  if (parse_u64(s, UINTPTR_MAX, &v)) { *out = (uintptr_t)v; return true; }
  return armjit_ctx_symbol(ctx, s, out);
}

static const char *type_name(armjit_type t) {
  switch (t) {
  case ARMJIT_INT: return "int";
  case ARMJIT_REF: return "ref";
  case ARMJIT_FLOAT: return "float";
  case ARMJIT_I64: return "i64";
  case ARMJIT_F32: return "f32";
  default: return "void";
  }
}

static char type_letter(armjit_type t) {
  switch (t) {
  case ARMJIT_INT: return 'i';
  case ARMJIT_REF: return 'p';
  case ARMJIT_FLOAT: return 'f';
  case ARMJIT_I64: return 'l';
  case ARMJIT_F32: return 's';
  default: return 'v';
  }
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

static void words_free(cli_words *w) {
  free(w->own);
  free(w->store);
}

/* false on memory exhaustion. */
static bool words_from_header(const char *text, const char *key, const char *seps,
                              cli_words *w) {
  size_t klen = strlen(key);
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
      if ((size_t)(p + n - q) > klen && memcmp(q, key, klen) == 0 && q[klen] == ':') {
        q += klen + 1;
        size_t m = (size_t)(p + n - q);
        char *s = malloc(m + 1);
        char **v = malloc((m / 2 + 1) * sizeof *v);
        if (!s || !v) { free(s); free(v); return false; }
        memcpy(s, q, m);
        s[m] = '\0';
        int k = 0;
        for (char *tok = strtok(s, seps); tok; tok = strtok(NULL, seps)) v[k++] = tok;
        w->v = w->own = v;
        w->store = s;
        w->n = k;
        w->line = ln;
        return true;
      }
    }
    if (!eol) break;
    p = eol + 1;
  }
  return true;
}

/* ---- the command line ------------------------------------------------------ */

typedef struct {
  const cli_cmd *cmd;
  const char *file;   /* path, or "-" for stdin */
  cli_words args, allocs, dumps, gcw; /* n < 0: not on the command line */
  bool interp, max_steps_set;
  uint64_t max_steps, max_iterations;
  const char *cpu, *features;
  armjit_options jit;
} cli_opts;

static int usage_error(FILE *err, const char *what, const char *arg) {
  fprintf(err, "armjit: error: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
  fprintf(err, "try 'armjit --help'\n");
  return 1;
}

static int command_error(FILE *err, const cli_cmd *c, const char *what, const char *arg) {
  fprintf(err, "armjit: error: %s%s%s (armjit %s)\n", what, arg ? ": " : "", arg ? arg : "",
          c->name);
  fprintf(err, "try 'armjit help %s'\n", c->name);
  return 1;
}

/* Option NAME, the command bit it needs, whether one value follows
 * (--args takes the values up to the next option). */
typedef struct {
  const char *name;
  unsigned bit;
  bool value;
} opt_def;
static const opt_def options[] = {
    {"--args", O_ARGS, false},      {"--interp", O_INTERP, false},
    {"--max-steps", O_STEPS, true}, {"--no-idiv", O_COMPILE, false},
    {"--random-ra", O_COMPILE, true}, {"--abi", O_TARGET, true},
    {"--cpu", O_TARGET, true},      {"--features", O_TARGET, true},
    {"--alloc", O_ALLOC, true},     {"--dump", O_DUMP, true},
    {"--max-iterations", O_LOOPCTL, true}, {"--counters", O_LOOPCTL, false},
    {"--gc", O_GC, true},
};

/* Append argv[i] to a word list sized for all of argv. */
static bool push_word(cli_words *w, char *word, int argc) {
  if (w->n < 0) {
    w->v = w->own = malloc((size_t)argc * sizeof *w->v);
    if (!w->v) return false;
    w->n = 0;
  }
  w->v[w->n++] = word;
  return true;
}

static int parse_cmdline(int argc, char **argv, cli_opts *o, FILE *err) {
  const cli_cmd *c = o->cmd;
  o->args.n = o->allocs.n = o->dumps.n = o->gcw.n = -1;
  o->args.from = "--args";
  o->allocs.from = "--alloc";
  o->dumps.from = "--dump";
  for (int i = 2; i < argc; i++) {
    char *a = argv[i];
    uint64_t n;
    const opt_def *d = NULL;
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
      if (strcmp(a, options[k].name) == 0) d = &options[k];
    if (d && !(c->opts & d->bit)) return command_error(err, c, "option does not apply", a);
    if (!d && a[0] == '-' && a[1] != '\0') return command_error(err, c, "unknown option", a);
    if (!d && o->file) return command_error(err, c, "more than one FILE", a);
    if (!d) { o->file = a; continue; }
    const char *val = NULL;
    if (d->value && ++i >= argc) return command_error(err, c, "option needs a value", a);
    if (d->value) val = argv[i];
    if (strcmp(a, "--args") == 0) {
      if (o->args.n >= 0) return command_error(err, c, "--args given twice", NULL);
      o->args.v = argv + i + 1;
      o->args.n = 0;
      /* Values run to the next option; '-1' or '-inf' are values. */
      while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) { i++; o->args.n++; }
    } else if (strcmp(a, "--interp") == 0) {
      o->interp = true;
    } else if (strcmp(a, "--max-steps") == 0) {
      if (!parse_u64(val, UINT64_MAX, &n))
        return command_error(err, c, "--max-steps needs a number", val);
      o->max_steps = n;
      o->max_steps_set = true;
    } else if (strcmp(a, "--max-iterations") == 0) {
      if (!parse_u64(val, UINT64_MAX, &n) || !n)
        return command_error(err, c, "--max-iterations needs a number above 0", val);
      o->max_iterations = n;
      o->jit.flags |= ARMJIT_INTERRUPTIBLE;
    } else if (strcmp(a, "--counters") == 0) {
      o->jit.flags |= ARMJIT_COUNTERS;
    } else if (strcmp(a, "--no-idiv") == 0) {
      o->jit.flags |= ARMJIT_NO_IDIV;
    } else if (strcmp(a, "--random-ra") == 0) {
      if (!parse_u64(val, UINT32_MAX, &n))
        return command_error(err, c, "--random-ra needs a 32-bit seed", val);
      o->jit.flags |= ARMJIT_RANDOM_RA;
      o->jit.seed = (uint32_t)n;
    } else if (strcmp(a, "--abi") == 0) {
      if (strcmp(val, "hard") == 0) o->jit.abi = ARMJIT_ABI_HARD;
      else if (strcmp(val, "soft") == 0) o->jit.abi = ARMJIT_ABI_SOFT;
      else return command_error(err, c, "--abi takes hard or soft", val);
    } else if (strcmp(a, "--cpu") == 0) {
      o->cpu = val;
    } else if (strcmp(a, "--features") == 0) {
      o->features = val;
    } else if (!push_word(strcmp(a, "--alloc") == 0 ? &o->allocs
                          : strcmp(a, "--gc") == 0  ? &o->gcw
                                                    : &o->dumps,
                          (char *)val, argc)) {
      fprintf(err, "armjit: error: out of memory\n");
      return 1;
    }
  }
  if ((c->opts & O_FILE) && !o->file) return command_error(err, c, "missing FILE", NULL);
  if (!(c->opts & O_FILE) && o->file) return command_error(err, c, "takes no FILE", o->file);
  if (o->interp && (o->jit.flags & (ARMJIT_NO_IDIV | ARMJIT_RANDOM_RA)))
    return command_error(err, c,
                         "--interp does not compile: --no-idiv/--random-ra make no sense",
                         NULL);
  if (o->max_steps_set && !o->interp)
    return command_error(err, c,
                         "--max-steps limits the interpreter (--interp); limit a compiled "
                         "loop with --max-iterations N",
                         NULL);
  if (o->cpu && o->features)
    return command_error(err, c, "give --cpu or --features, not both", NULL);
  return 0;
}

/* CPU presets for --cpu: the features code for that core may use. */
typedef struct {
  const char *name;
  unsigned features;
} cpu_def;
static const cpu_def cpus[] = {
    {"generic", A32_FEAT_VFPV3},
    {"cortex-a8", A32_FEAT_VFPV3 | A32_FEAT_D32 | A32_FEAT_NEON},
    {"cortex-a9", A32_FEAT_VFPV3 | A32_FEAT_D32 | A32_FEAT_NEON},
    {"cortex-a7", A32_FEAT_ALL},
    {"cortex-a15", A32_FEAT_ALL},
    {"max", A32_FEAT_ALL},
};
static const struct {
  const char *name;
  unsigned bit;
} feature_names[] = {
    {"vfpv3", A32_FEAT_VFPV3}, {"d32", A32_FEAT_D32}, {"neon", A32_FEAT_NEON},
    {"idiv", A32_FEAT_IDIV}};

/* --cpu / --features into o->jit.features. */
static int resolve_target(cli_opts *o, FILE *err) {
  if (o->cpu) {
    const cpu_def *d = NULL;
    for (size_t k = 0; k < sizeof cpus / sizeof cpus[0]; k++)
      if (strcmp(cpus[k].name, o->cpu) == 0) d = &cpus[k];
    if (!d)
      return command_error(err, o->cmd,
                           "unknown CPU (generic, cortex-a7, cortex-a8, cortex-a9, "
                           "cortex-a15, max)",
                           o->cpu);
    o->jit.features = d->features;
    o->jit.flags |= ARMJIT_FEATURES_SET;
  }
  if (o->features) {
    unsigned f = 0;
    const char *p = o->features;
    if (strcmp(p, "none") != 0) {
      while (*p) {
        size_t n = strcspn(p, ",");
        unsigned bit = 0;
        for (size_t k = 0; k < sizeof feature_names / sizeof feature_names[0]; k++)
          if (strlen(feature_names[k].name) == n && memcmp(feature_names[k].name, p, n) == 0)
            bit = feature_names[k].bit;
        if (!bit) {
          fprintf(err, "armjit: error: unknown feature '%.*s' (vfpv3, d32, neon, idiv)\n",
                  (int)n, p);
          return 1;
        }
        f |= bit;
        p += n + (p[n] == ',');
      }
    }
    o->jit.features = f;
    o->jit.flags |= ARMJIT_FEATURES_SET;
  }
  return 0;
}

/* ---- output ---------------------------------------------------------------- */

static void print_value(FILE *out, armjit_type ty, const armjit_value *v, const cli_gc *gc) {
  print_typed(out, ty, v, gc);
}

/* One line per value: "[k] i3 = 42" for a variable, "[k] 42 (constant)". */
static void print_exit(FILE *out, const armjit_trace *t, int id, int local,
                       const char *trace_name, const armjit_exit_info *info,
                       const armjit_frame *f, const cli_gc *gc) {
  fprintf(out, "exit %d (%s%s%s)", id, info->kind == ARMJIT_EXIT_GUARD ? "guard" : "finish",
          info->name ? " " : "", info->name ? info->name : "");
  if (trace_name) fprintf(out, " of %s", trace_name);
  fputc('\n', out);
  for (unsigned k = 0; k < info->nvalues; k++) {
    armjit_val src = armjit_trace_exit_value(t, local, k);
    fprintf(out, "[%u] ", k);
    if (src >= 0) {
      fprintf(out, "%c%" PRId32 " = ", type_letter(info->types[k]), src);
      print_value(out, info->types[k], &f->values[k], gc);
    } else {
      print_value(out, info->types[k], &f->values[k], gc);
      fputs(" (constant)", out);
    }
    fputc('\n', out);
  }
}

/* "FILE:LINE:COL: error: MSG", then the source line and a caret under the
 * column (tabs copied so the caret lines up). */
static int fail_at(FILE *err, const char *file, const char *text, const armjit_error *e) {
  const char *msg = e->msg[0] ? e->msg : armjit_status_name(e->code);
  if (e->line <= 0) {
    fprintf(err, "%s: error: %s\n", file, msg);
    return 1;
  }
  fprintf(err, "%s:%d:%d: error: %s\n", file, e->line, e->col, msg);
  const char *p = text;
  for (int ln = 1; p && ln < e->line; ln++) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  if (!p || !*p) return 1; /* at the end of the input */
  size_t n = strcspn(p, "\n");
  if (n && p[n - 1] == '\r') n--;
  fprintf(err, " %4d | %.*s\n      | ", e->line, (int)n, p);
  for (int c = 1; c < e->col && (size_t)c <= n; c++) fputc(p[c - 1] == '\t' ? '\t' : ' ', err);
  fputs("^\n", err);
  return 1;
}

/* An error without source text (compile, run). */
static int fail(FILE *err, const char *file, const armjit_error *e) {
  return fail_at(err, file, NULL, e);
}

/* ---- commands -------------------------------------------------------------- */

/* Fill f->values[0..ninputs) from the --args or '# args:' values. */
static int load_inputs(const cli_words *w, const char *name, armjit_ctx *ctx, armjit_trace *t,
                       armjit_frame *f, FILE *err) {
  unsigned n = armjit_trace_ninputs(t);
  int nvals = w->n > 0 ? w->n : 0;
  if ((unsigned)nvals != n) {
    fprintf(err, "%s:", name);
    if (w->line) fprintf(err, "%d:", w->line);
    fprintf(err, " error: the trace takes %u input value%s (", n, n == 1 ? "" : "s");
    for (unsigned i = 0; i < n; i++)
      fprintf(err, "%s%s", i ? ", " : "", type_name(armjit_val_type(t, (armjit_val)i)));
    fprintf(err, "), %s gives %d\n", w->from, nvals);
    return 1;
  }
  for (unsigned i = 0; i < n; i++) {
    armjit_type ty = armjit_val_type(t, (armjit_val)i);
    armjit_value *v = &f->values[i];
    v->bits = 0;
    double d = 0;
    bool ok = ty == ARMJIT_INT ? parse_int(w->v[i], &v->i)
            : ty == ARMJIT_FLOAT ? parse_float(w->v[i], &v->f)
            : ty == ARMJIT_I64 ? parse_i64(w->v[i], &v->l)
            : ty == ARMJIT_F32 ? parse_float(w->v[i], &d)
            : ty == ARMJIT_REF ? parse_ref(ctx, w->v[i], &v->r) : false;
    if (ok && ty == ARMJIT_F32) v->s = (float)d; /* rounded to nearest */
    if (!ok) {
      fprintf(err, "%s:", name);
      if (w->line) fprintf(err, "%d:", w->line);
      fprintf(err, " error: input %u '%s' (from %s) is not a valid %s%s\n", i, w->v[i], w->from,
              type_name(ty), ty == ARMJIT_REF ? " (null, an address or a symbol's name)" : "");
      return 1;
    }
  }
  return 0;
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

static int cmd_run(const cli_opts *o, const char *name, armjit_ctx *ctx, armjit_trace *t,
                   const cli_bufs *bufs, const cli_gc *gc, FILE *out, FILE *err) {
  armjit_error e = {0};
  armjit_loop *loop = NULL;
  armjit_frame *f = NULL;
  int rc = 1;
  if (armjit_cli_dump_buffers(&o->dumps, name, bufs, out, err, true)) return 1;
#if !defined(__arm__)
#if defined(__x86_64__)
#define ARMJIT_CLI_HOST "x86-64"
#else
#define ARMJIT_CLI_HOST "a non-ARM host"
#endif
  if (!o->interp) {
    fprintf(err,
            "%s: error: compiled code runs only on ARM; this armjit was built for "
            ARMJIT_CLI_HOST ".\n"
            "  Interpret the trace instead:  armjit run %s --interp ...\n"
            "  or run the ARM build under qemu:\n"
            "    qemu-arm -L /usr/arm-linux-gnueabihf"
            " -E LD_LIBRARY_PATH=/usr/arm-linux-gnueabihf/lib"
            " build/armhf/armjit run %s ...\n",
            name, o->file, o->file);
    return 1;
  }
#endif
  if (armjit_cli_check_resumable(t, o->max_iterations, name, err)) return 1;
  if (!o->interp && !(loop = armjit_compile_loop(ctx, t, &e))) return fail(err, name, &e);
  if (armjit_cli_bind_tokens(ctx, t, loop, name, err)) goto done;
  uint32_t cap = loop ? armjit_loop_frame_capacity(loop) : trace_capacity(t);
  if (cap < armjit_trace_ninputs(t)) cap = armjit_trace_ninputs(t);
  if (!(f = armjit_frame_new(ctx, cap ? cap : 1))) {
    fprintf(err, "%s: error: out of memory allocating the frame\n", name);
    goto done;
  }
  if (load_inputs(&o->args, name, ctx, t, f, err)) goto done;
  armjit_exit_info info;
  uint64_t iterations;
  int id = armjit_cli_run(ctx, t, loop, f, o->max_steps, o->max_iterations, &iterations, &e);
  if (id < 0) {
    fail(err, name, &e);
    armjit_cli_gc_report(gc, out, err, name);
    goto done;
  }
  if ((unsigned)id >= armjit_trace_nexits(t) && o->max_iterations) {
    armjit_cli_print_interrupt(out, t, id, f, iterations, gc);
  } else if (loop ? armjit_loop_exit_info(loop, id, &info) != ARMJIT_OK
                  : armjit_trace_exit_info(t, id, &info) != ARMJIT_OK) {
    fprintf(err, "%s: error: %s returned an unknown exit %d\n", name,
            loop ? "the run" : "the interpreter", id);
    goto done;
  } else {
    print_exit(out, t, id, id, NULL, &info, f, gc);
  }
  if (loop && o->jit.flags & ARMJIT_COUNTERS) armjit_cli_print_counters(out, loop);
  if (armjit_exception(ctx))
    fprintf(out, "pending exception: 0x%" PRIxPTR "\n", armjit_exception(ctx));
  armjit_cli_dump_buffers(&o->dumps, name, bufs, out, err, false);
  rc = armjit_cli_gc_report(gc, out, err, name);
done:
  armjit_frame_free(ctx, f);
  armjit_loop_free(loop);
  return rc;
}

static void print_target(armjit_ctx *ctx, FILE *out) {
  fprintf(out, "# target: %s-float ABI, features:",
          armjit_ctx_abi(ctx) == ARMJIT_ABI_SOFT ? "soft" : "hard");
  unsigned feats = armjit_ctx_features(ctx);
  for (size_t k = 0; k < sizeof feature_names / sizeof feature_names[0]; k++)
    if (feats & feature_names[k].bit) fprintf(out, " %s", feature_names[k].name);
  fputc('\n', out);
}

static int cmd_dis(const char *name, armjit_ctx *ctx, armjit_trace *t, FILE *out, FILE *err) {
  armjit_error e = {0};
  armjit_loop *loop = armjit_compile_loop(ctx, t, &e);
  if (!loop) return fail(err, name, &e);
  print_target(ctx, out);
  int rc = 0;
  if (armjit_loop_dis(loop, out) != ARMJIT_OK) {
    fprintf(err, "%s: error: disassembly failed\n", name);
    rc = 1;
  }
  armjit_loop_free(loop);
  return rc;
}

/* ---- files of several traces (docs/ir.md 14): a loop, its bridges, other loops */

static int set_index(const armjit_loop *const *loops, unsigned n, const armjit_loop *l) {
  for (unsigned i = 0; i < n; i++)
    if (loops[i] == l) return (int)i;
  return -1;
}

static void free_loops(const armjit_set_entry *set, armjit_loop **loops, unsigned n) {
  for (unsigned i = 0; loops && i < n; i++)
    if (set[i].parent < 0 && loops[i]) armjit_loop_free(loops[i]);
  free(loops);
}

/* Run the set from its first loop: compiled with every bridge attached,
 * or interpreted as a whole. */
static int cmd_run_set(const cli_opts *o, const char *name, armjit_ctx *ctx,
                       const armjit_set_entry *set, unsigned n, const cli_bufs *bufs,
                       const cli_gc *gc, FILE *out, FILE *err) {
  armjit_error e = {0};
  armjit_loop **loops = NULL;
  armjit_frame *f = NULL;
  int rc = 1;
  if (armjit_cli_dump_buffers(&o->dumps, name, bufs, out, err, true)) return 1;
  if (o->max_iterations) {
    fprintf(err, "%s: error: --max-iterations runs files of one trace only\n", name);
    return 1;
  }
#if !defined(__arm__)
  if (!o->interp) {
    fprintf(err, "%s: error: compiled code runs only on ARM: use --interp (or the ARM build "
                 "under qemu-arm)\n", name);
    return 1;
  }
#endif
  uint32_t cap = 1;
  for (unsigned i = 0; i < n; i++)
    if (trace_capacity(set[i].trace) > cap) cap = trace_capacity(set[i].trace);
  if (!o->interp) {
    if (!(loops = calloc(n, sizeof *loops))) goto nomem;
    if (armjit_compile_set(ctx, set, n, loops, &e) != ARMJIT_OK) {
      free(loops);
      return fail(err, name, &e);
    }
  }
  if (armjit_cli_bind_set_tokens(ctx, set, n, loops, name, err)) goto done;
  if (!(f = armjit_frame_new(ctx, cap))) goto nomem;
  if (load_inputs(&o->args, name, ctx, set[0].trace, f, err)) goto done;
  armjit_exit_info info;
  unsigned entry = 0;
  int id, local;
  if (loops) {
    id = armjit_run(loops[0], f, &e);
    if (id < 0 || armjit_run_exit_info(f, &info) != ARMJIT_OK) {
      fail(err, name, &e);
      armjit_cli_gc_report(gc, out, err, name);
      goto done;
    }
    entry = (unsigned)set_index((const armjit_loop *const *)loops, n, info.trace);
    local = (int)info.trace_exit;
  } else {
    if (armjit_interpret_set(set, n, 0, NULL, f, o->max_steps, &entry, &e) != ARMJIT_OK) {
      fail(err, name, &e);
      armjit_cli_gc_report(gc, out, err, name);
      goto done;
    }
    local = f->exit_id;
    armjit_trace_exit_info(set[entry].trace, local, &info);
    /* the id a compiled run reports: the family's loop's exits, then each
     * of its bridges' in the order they are compiled */
    unsigned root = entry;
    while (set[root].parent >= 0) root = (unsigned)set[root].parent;
    id = local;
    for (unsigned j = 0; j < entry; j++) {
      unsigned r = j;
      while (set[r].parent >= 0) r = (unsigned)set[r].parent;
      if (r == root) id += (int)armjit_trace_nexits(set[j].trace);
    }
  }
  print_exit(out, set[entry].trace, id, local, set[entry].name, &info, f, gc);
  if (loops && o->jit.flags & ARMJIT_COUNTERS)
    for (unsigned i = 0; i < n; i++) armjit_cli_print_counters(out, loops[i]);
  if (armjit_exception(ctx))
    fprintf(out, "pending exception: 0x%" PRIxPTR "\n", armjit_exception(ctx));
  armjit_cli_dump_buffers(&o->dumps, name, bufs, out, err, false);
  rc = armjit_cli_gc_report(gc, out, err, name);
  goto done;
nomem:
  fprintf(err, "%s: error: out of memory\n", name);
done:
  armjit_frame_free(ctx, f);
  free_loops(set, loops, n);
  return rc;
}

/* Every trace of the set, compiled with the bridges attached: each
 * listing shows its guards' branches going to their bridges. */
static int cmd_dis_set(const char *name, armjit_ctx *ctx, const armjit_set_entry *set,
                       unsigned n, FILE *out, FILE *err) {
  armjit_error e = {0};
  armjit_loop **loops = calloc(n, sizeof *loops);
  if (!loops) {
    fprintf(err, "%s: error: out of memory\n", name);
    return 1;
  }
  if (armjit_compile_set(ctx, set, n, loops, &e) != ARMJIT_OK) {
    free(loops);
    return fail(err, name, &e);
  }
  int rc = 0;
  for (unsigned i = 0; i < n && !rc; i++) {
    if (set[i].parent < 0) {
      fprintf(out, "%s==== loop %s (%s)\n", i ? "\n" : "", set[i].name, armjit_loop_name(loops[i]));
    } else {
      armjit_exit_info x;
      armjit_trace_exit_info(set[set[i].parent].trace, set[i].exit_id, &x);
      fprintf(out, "\n==== bridge %s (%s) on guard %s of %s\n", set[i].name,
              armjit_loop_name(loops[i]), x.name ? x.name : "?", set[set[i].parent].name);
    }
    if (armjit_loop_dis(loops[i], out) != ARMJIT_OK) {
      fprintf(err, "%s: error: disassembly failed\n", name);
      rc = 1;
    }
  }
  free_loops(set, loops, n);
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

static int print_version(FILE *out) {
  fprintf(out, "armjit %s\n", armjit_version());
  fprintf(out, "target: ARMv7-A A32, %s-float ABI by default; %s\n",
#if defined(__arm__) && !defined(__ARM_PCS_VFP)
          "soft",
#else
          "hard",
#endif
#if defined(__arm__)
          "runs compiled code"
#else
          "code generation only (run with --interp)"
#endif
  );
  return 0;
}

/* Parse, run one command, free everything. */
static int run_command(cli_opts *o, FILE *out, FILE *err) {
  const char *name = strcmp(o->file, "-") == 0 ? "<stdin>" : o->file;
  if (resolve_target(o, err)) return 1;
  char *text = read_input(o->file, err);
  if (!text) return 1;
  int rc = 1;
  armjit_error e = {0};
  armjit_trace *t = NULL;
  armjit_set_entry *set = NULL;
  unsigned nset = 0;
  cli_bufs bufs = {0};
  cli_gc gc = {0};
  /* Header lines: '# args:' and '# dump:' when the option is not given;
   * '# alloc:' and '# gc:' always (--alloc adds buffers or replaces them
   * by name, --gc adds words). */
  cli_words file_allocs = {.from = "'# alloc:' line"}, file_gc = {.from = "'# gc:' line"};
  static const char *const keys[] = {"args", "dump", "alloc", "gc"};
  cli_words *lists[] = {&o->args, &o->dumps, &file_allocs, &file_gc};
  static const unsigned bits[] = {O_ARGS, O_DUMP, O_ALLOC, O_GC};
  static const char *const froms[] = {"'# args:' line", "'# dump:' line", "'# alloc:' line",
                                      "'# gc:' line"};
  for (int k = 0; k < 4; k++) {
    if ((k < 2 && lists[k]->n >= 0) || !(o->cmd->opts & bits[k])) continue;
    lists[k]->n = 0;
    lists[k]->own = NULL;
    /* values of '# args:' may also be separated by commas */
    if (!words_from_header(text, keys[k], k == 0 ? " \t\r," : " \t\r", lists[k])) {
      fprintf(err, "%s: error: out of memory\n", name);
      goto done;
    }
    if (lists[k]->line) lists[k]->from = froms[k];
  }
  /* Runs check the stack (call_assembler may recurse): 1 MiB below here. */
  if (strcmp(o->cmd->name, "run") == 0) o->jit.flags |= ARMJIT_STACK_CHECK;
  if (armjit_cli_gc_make(&file_gc, &o->gcw, name, &gc, err)) goto done;
  armjit_cli_gc_options(&gc, &o->jit);
  armjit_ctx *ctx = armjit_ctx_new(&o->jit, &e);
  if (!ctx) { fail(err, name, &e); goto done; }
  armjit_ctx_set_stack_limit(ctx, (uintptr_t)__builtin_frame_address(0) - ((uintptr_t)1 << 20));
  if (armjit_cli_add_builtins(ctx, out, err) || armjit_cli_gc_attach(&gc, ctx, err) ||
      armjit_cli_make_buffers(&file_allocs, &o->allocs, name, ctx, &bufs, err))
    goto free_ctx;
  if (strstr(text, "--- ")) { /* perhaps a file of several traces */
    if (armjit_set_parse(ctx, text, &set, &nset, &e) != ARMJIT_OK) {
      fail_at(err, name, text, &e);
      goto free_ctx;
    }
    if (nset == 1) { /* no section header after all: one trace */
      t = set[0].trace;
      set[0].trace = NULL;
    }
  } else {
    t = armjit_trace_parse(ctx, text, &e);
    if (!t) { fail_at(err, name, text, &e); goto free_ctx; }
  }
  if (t && armjit_trace_validate(t, &e) != ARMJIT_OK) { fail_at(err, name, text, &e); goto free_ctx; }
  if (!t && strcmp(o->cmd->name, "run") == 0) {
    rc = cmd_run_set(o, name, ctx, set, nset, &bufs, &gc, out, err);
  } else if (!t && strcmp(o->cmd->name, "dis") == 0) {
    print_target(ctx, out);
    rc = cmd_dis_set(name, ctx, set, nset, out, err);
  } else if (!t) {
    rc = 0;
    for (unsigned i = 0; i < nset && !rc; i++) {
      if (set[i].parent < 0) fprintf(out, "--- loop %s\n", set[i].name);
      else {
        armjit_exit_info x;
        armjit_trace_exit_info(set[set[i].parent].trace, set[i].exit_id, &x);
        fprintf(out, "--- bridge %s on %s.%s\n", set[i].name, set[set[i].parent].name,
                x.name ? x.name : "?");
      }
      rc = cmd_print(name, set[i].trace, out, err);
    }
  } else if (strcmp(o->cmd->name, "run") == 0) {
    rc = cmd_run(o, name, ctx, t, &bufs, &gc, out, err);
  } else if (strcmp(o->cmd->name, "dis") == 0) {
    rc = cmd_dis(name, ctx, t, out, err);
  } else {
    rc = cmd_print(name, t, out, err);
  }
free_ctx:
  armjit_trace_free(t);
  armjit_set_free(ctx, set, nset);
  armjit_ctx_free(ctx);
done:
  armjit_cli_bufs_free(&bufs);
  armjit_cli_gc_free(&gc);
  words_free(&file_allocs);
  words_free(&file_gc);
  free(text);
  return rc;
}

int armjit_cli_main(int argc, char **argv, FILE *out, FILE *err) {
  if (argc < 2) return usage_error(err, "missing command", NULL);
  const char *a1 = argv[1];
  if (strcmp(a1, "--help") == 0 || strcmp(a1, "-h") == 0) {
    print_usage(out);
    return 0;
  }
  if (strcmp(a1, "--version") == 0) return print_version(out);
  if (strcmp(a1, "mc") == 0) return armjit_cli_mc_main(argc - 1, argv + 1, out, err);
  const cli_cmd *c = find_command(a1);
  if (!c) return usage_error(err, "unknown command", a1);
  for (int i = 2; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      print_command_help(out, c);
      return 0;
    }
  if (strcmp(c->name, "help") == 0) {
    if (argc == 2) { print_usage(out); return 0; }
    const cli_cmd *h = argc == 3 ? find_command(argv[2]) : NULL;
    if (!h) return usage_error(err, "help takes one command name", argv[2]);
    print_command_help(out, h);
    return 0;
  }
  cli_opts o;
  memset(&o, 0, sizeof o);
  o.cmd = c;
  int rc = parse_cmdline(argc, argv, &o, err);
  if (!rc)
    rc = strcmp(c->name, "symbols") == 0 ? armjit_cli_list_symbols(out) : run_command(&o, out, err);
  words_free(&o.args);
  words_free(&o.allocs);
  words_free(&o.dumps);
  words_free(&o.gcw);
  return rc;
}
