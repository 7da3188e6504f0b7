/* SPDX-License-Identifier: MIT */
/* `armjit mc ...`: the method compiler from the command line.
 *
 *   armjit mc run FILE --call NAME [ARGS...] [--interp [--max-steps N]]
 *                 [--no-idiv] [--random-ra SEED]
 *   armjit mc dis FILE [--abi hard|soft] [--features LIST] [--no-idiv] [--helpers builtin|aeabi]
 *                 [--random-ra SEED]
 *   armjit mc print FILE
 *   armjit mc image FILE --text ADDR [--data ADDR] ... -o OUT.bin
 *   armjit mc obj FILE [--abi hard|soft] [--features LIST] [--no-idiv] [--helpers builtin|aeabi]
 *                 [--gnu-stack] -o OUT.o
 *
 * FILE is a module in the method IR's text form (docs/mir.md).  `run`
 * calls NAME with ARGS, read by the parameter types, and prints the result.
 * Compiled code is called through a small function the tool adds to the
 * module, which loads the arguments from memory, calls NAME and stores the
 * result, so any signature works without a foreign-function library; with
 * --interp the reference interpreter runs it instead.  Only the public API
 * is used.  The built-in symbols of `armjit symbols` are registered, so a
 * module may call them as externs. */
#include <inttypes.h>
#include <stdarg.h>

#include "armjit/mc.h"
#include "cli.h"
#include "cli_impl.h"

#define MC_WRAPPER "__armjit_cli_call"

typedef struct {
  const char *cmd, *file, *call;
  char **args;
  int nargs;
  char *allocs[32];
  int nallocs;
  bool interp, no_idiv, random_ra, aeabi;
  uint32_t seed;
  uint64_t max_steps;
  const char *abi, *features;
} mc_opts;

static const char mc_usage[] =
    "usage: armjit mc run FILE [--alloc NAME=SPEC]... --call NAME [ARGS...]\n"
    "                     [--interp [--max-steps N]] [--no-idiv] [--random-ra SEED]\n"
    "       armjit mc dis FILE [--abi hard|soft] [--features LIST] [--no-idiv]\n"
    "                     [--helpers builtin|aeabi] [--random-ra SEED]\n"
    "       armjit mc print FILE\n"
    "       armjit mc image FILE --text ADDR ... -o OUT.bin   (armjit mc image --help)\n"
    "       armjit mc obj FILE [--abi hard|soft] ... -o OUT.o   (armjit mc obj --help)\n"
    "\n"
    "FILE is a module in the method IR's text form (docs/mir.md); '-' reads stdin.\n"
    "  run    call function NAME with ARGS (one per parameter: integers in decimal\n"
    "         or 0x hex, floats in any strtod form, refs as addresses, null, or\n"
    "         NAME[+OFF] of a buffer) and print its result; --interp runs the\n"
    "         reference interpreter instead (compiled code runs on ARM only)\n"
    "  --alloc NAME=SPEC  a buffer, as `armjit run` makes them (armjit help run)\n"
    "         A failing check calls the trap handler the module names; the\n"
    "         built-in symbol mc_trap prints \"trap CODE\" to stderr and returns.\n"
    "  dis    compile the module and print each function's code, every op of the\n"
    "         IR before the instructions it became.  --abi: the calling convention\n"
    "         (default: this build's), --features: the CPU features, a comma list\n"
    "         of vfpv3 d32 neon idiv, or none\n"
    "  print  parse the module and print it back in canonical form\n"
    "  --no-idiv        never use SDIV/UDIV (call the division helpers)\n"
    "  --helpers builtin|aeabi  dis: the run-time helpers (armjit mc obj --help)\n"
    "  --random-ra SEED randomize register allocation (testing)\n";

static int mc_fail(FILE *err, const char *file, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int mc_fail(FILE *err, const char *file, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(err, "%s: error: ", file);
  vfprintf(err, fmt, ap);
  fputc('\n', err);
  va_end(ap);
  return 1;
}

static int mc_err(FILE *err, const char *file, const armjit_error *e) {
  if (e->line) fprintf(err, "%s:%d:%d: error: %s\n", file, e->line, e->col, e->msg);
  else fprintf(err, "%s: error: %s\n", file, e->msg);
  return 1;
}

static char *mc_read(const char *path, FILE *err) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(err, "%s: error: cannot open: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t n = 0, cap = 4096;
  char *s = malloc(cap);
  while (s) {
    size_t r = fread(s + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0) break;
    if (cap - n < 2) {
      char *t = realloc(s, cap * 2);
      if (!t) { free(s); s = NULL; break; }
      s = t;
      cap *= 2;
    }
  }
  if (f != stdin) fclose(f);
  if (!s) fprintf(err, "%s: error: out of memory\n", path);
  else s[n] = 0;
  return s;
}

static int mc_parse_args(int argc, char **argv, mc_opts *o, FILE *err) {
  if (argc < 2) {
    fputs(mc_usage, err);
    return 1;
  }
  o->cmd = argv[1];
  if (strcmp(o->cmd, "run") && strcmp(o->cmd, "dis") && strcmp(o->cmd, "print")) {
    fprintf(err, "armjit mc: unknown command '%s'\n%s", o->cmd, mc_usage);
    return 1;
  }
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    bool run = strcmp(o->cmd, "run") == 0, dis = strcmp(o->cmd, "dis") == 0;
    if (run && strcmp(a, "--call") == 0 && i + 1 < argc) {
      o->call = argv[++i];
      o->args = argv + i + 1;
      while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
        i++;
        o->nargs++;
      }
    } else if (run && strcmp(a, "--alloc") == 0 && i + 1 < argc) {
      if (o->nallocs == 32) return mc_fail(err, "armjit mc", "more than 32 --alloc buffers");
      o->allocs[o->nallocs++] = argv[++i];
    } else if (run && strcmp(a, "--interp") == 0) {
      o->interp = true;
    } else if (run && strcmp(a, "--max-steps") == 0 && i + 1 < argc) {
      if (!parse_u64(argv[++i], UINT64_MAX, &o->max_steps))
        return mc_fail(err, "armjit mc", "--max-steps needs a count, not '%s'", argv[i]);
    } else if ((run || dis) && strcmp(a, "--no-idiv") == 0) {
      o->no_idiv = true;
    } else if (dis && strcmp(a, "--helpers") == 0 && i + 1 < argc &&
               (strcmp(argv[i + 1], "builtin") == 0 || strcmp(argv[i + 1], "aeabi") == 0)) {
      o->aeabi = strcmp(argv[++i], "aeabi") == 0;
    } else if ((run || dis) && strcmp(a, "--random-ra") == 0 && i + 1 < argc) {
      uint64_t s;
      if (!parse_u64(argv[++i], UINT32_MAX, &s))
        return mc_fail(err, "armjit mc", "--random-ra needs a seed, not '%s'", argv[i]);
      o->random_ra = true;
      o->seed = (uint32_t)s;
    } else if (dis && strcmp(a, "--abi") == 0 && i + 1 < argc) {
      o->abi = argv[++i];
    } else if (dis && strcmp(a, "--features") == 0 && i + 1 < argc) {
      o->features = argv[++i];
    } else if (!o->file && (a[0] != '-' || strcmp(a, "-") == 0)) {
      o->file = a;
    } else {
      fprintf(err, "armjit mc %s: unexpected argument '%s'\n%s", o->cmd, a, mc_usage);
      return 1;
    }
  }
  if (!o->file) {
    fprintf(err, "armjit mc %s: missing FILE\n%s", o->cmd, mc_usage);
    return 1;
  }
  if (strcmp(o->cmd, "run") == 0 && !o->call) {
    fprintf(err, "armjit mc run: missing --call NAME\n%s", mc_usage);
    return 1;
  }
  return 0;
}

static int mc_options(const mc_opts *o, armjit_options *jo, FILE *err) {
  memset(jo, 0, sizeof *jo);
  if (o->no_idiv) jo->flags |= ARMJIT_NO_IDIV;
  if (o->aeabi) jo->flags |= ARMJIT_AEABI_HELPERS;
  if (o->random_ra) {
    jo->flags |= ARMJIT_RANDOM_RA;
    jo->seed = o->seed;
  }
  if (o->abi) {
    if (strcmp(o->abi, "hard") == 0) jo->abi = ARMJIT_ABI_HARD;
    else if (strcmp(o->abi, "soft") == 0) jo->abi = ARMJIT_ABI_SOFT;
    else return mc_fail(err, "armjit mc", "--abi is hard or soft, not '%s'", o->abi);
  }
  if (o->features) {
    static const struct { const char *name; unsigned bit; } names[] = {
        {"vfpv3", A32_FEAT_VFPV3}, {"d32", A32_FEAT_D32}, {"neon", A32_FEAT_NEON},
        {"idiv", A32_FEAT_IDIV}};
    jo->flags |= ARMJIT_FEATURES_SET;
    jo->features = A32_FEAT_VFPV3;
    if (strcmp(o->features, "none") != 0) {
      const char *p = o->features;
      while (*p) {
        size_t n = strcspn(p, ",");
        size_t k = 0;
        while (k < 4 && !(strlen(names[k].name) == n && strncmp(p, names[k].name, n) == 0)) k++;
        if (k == 4) return mc_fail(err, "armjit mc", "unknown feature '%.*s'", (int)n, p);
        jo->features |= names[k].bit;
        p += n + (p[n] == ',');
      }
    }
  }
  return 0;
}

static bool mc_read_arg(armjit_ctx *ctx, const char *s, armjit_mtype t, armjit_mval *v) {
  memset(v, 0, sizeof *v);
  int64_t x;
  double d;
  switch (t) {
  case ARMJIT_T_I32: {
    int32_t i;
    if (!parse_int(s, &i)) return false;
    v->i32 = i;
    return true;
  }
  case ARMJIT_T_I64:
    if (!parse_range(s, INT64_MIN + 1, INT64_MAX, &x)) return false;
    v->i64 = x;
    return true;
  case ARMJIT_T_F32:
    if (!parse_float(s, &d)) return false;
    v->f32 = (float)d;
    return true;
  case ARMJIT_T_F64:
    if (!parse_float(s, &d)) return false;
    v->f64 = d;
    return true;
  default: {
    uint64_t u;
    if (strcmp(s, "null") == 0) return true;
    if (parse_u64(s, UINTPTR_MAX, &u)) {
      v->ref = (uintptr_t)u;
      return true;
    }
    /* NAME or NAME+OFF: a buffer (a symbol of the context) */
    char name[64];
    size_t n = strcspn(s, "+");
    uint64_t off = 0;
    uintptr_t a;
    if (n >= sizeof name || (s[n] && !parse_u64(s + n + 1, UINT32_MAX, &off))) return false;
    memcpy(name, s, n);
    name[n] = 0;
    if (!armjit_ctx_symbol(ctx, name, &a)) return false;
    v->ref = a + (uintptr_t)off;
    return true;
  }
  }
}

static void mc_print_val(FILE *out, armjit_mtype t, armjit_mval v) {
  switch (t) {
  case ARMJIT_T_I32: fprintf(out, "%" PRId32 "\n", v.i32); break;
  case ARMJIT_T_I64: fprintf(out, "%" PRId64 "\n", v.i64); break;
  case ARMJIT_T_F32: fprintf(out, "%.9g\n", (double)v.f32); break;
  case ARMJIT_T_F64: fprintf(out, "%.17g\n", v.f64); break;
  case ARMJIT_T_REF: fprintf(out, "0x%" PRIxPTR "\n", v.ref); break;
  default: fprintf(out, "(void)\n"); break;
  }
}

#if defined(__arm__)
static armjit_memk mc_memk(armjit_mtype t) {
  switch (t) {
  case ARMJIT_T_I64: return ARMJIT_MEM_I64;
  case ARMJIT_T_F32: return ARMJIT_MEM_F32;
  case ARMJIT_T_F64: return ARMJIT_MEM_F64;
  case ARMJIT_T_REF: return ARMJIT_MEM_REF;
  default: return ARMJIT_MEM_I32;
  }
}

/* Compiled: func @__armjit_cli_call(p: ref) { a_k = load p, 8k; r = call
 * @NAME(a...); store p, 0, r; ret }, called as void (*)(void *). */
static int mc_run_compiled(armjit_module *m, armjit_sym f, const armjit_mtype *pt, int np,
                           armjit_mtype rt, const armjit_mval *args, armjit_mval *res,
                           const char *file, FILE *err) {
  armjit_mtype ref = ARMJIT_T_REF;
  armjit_sym w = armjit_func_new(m, MC_WRAPPER, &ref, 1, ARMJIT_T_VOID);
  armjit_block b = armjit_func_entry(m, w);
  armjit_val p = armjit_block_param(m, b, 0), a[64];
  for (int k = 0; k < np; k++)
    a[k] = armjit_load(m, b, mc_memk(pt[k]), p, ARMJIT_NOVAL, 0, 8 * k, 0);
  armjit_val r = armjit_call(m, b, f, a, (unsigned)np);
  if (rt != ARMJIT_T_VOID) armjit_store(m, b, mc_memk(rt), p, ARMJIT_NOVAL, 0, 0, r, 0);
  armjit_ret(m, b, ARMJIT_NOVAL);
  armjit_error e;
  armjit_mcode *c = armjit_module_load(m, &e);
  if (!c) return mc_err(err, file, &e);
  union { uint64_t w; armjit_mval v; } slot[64];
  memset(slot, 0, sizeof slot);
  for (int k = 0; k < np; k++) {
    switch (pt[k]) {
    case ARMJIT_T_I32: memcpy(&slot[k], &args[k].i32, 4); break;
    case ARMJIT_T_F32: memcpy(&slot[k], &args[k].f32, 4); break;
    case ARMJIT_T_REF: {
      uint32_t a32 = (uint32_t)args[k].ref;
      memcpy(&slot[k], &a32, 4);
      break;
    }
    default: slot[k].v = args[k]; break;
    }
  }
  void (*call)(void *) = (void (*)(void *))(uintptr_t)armjit_mcode_symbol(c, MC_WRAPPER);
  call(slot);
  memset(res, 0, sizeof *res);
  switch (rt) {
  case ARMJIT_T_I32: memcpy(&res->i32, &slot[0], 4); break;
  case ARMJIT_T_F32: memcpy(&res->f32, &slot[0], 4); break;
  case ARMJIT_T_REF: {
    uint32_t a32;
    memcpy(&a32, &slot[0], 4);
    res->ref = a32;
    break;
  }
  default: *res = slot[0].v; break;
  }
  armjit_mcode_free(c);
  return 0;
}
#endif

static int mc_run(const mc_opts *o, armjit_module *m, const char *file, FILE *out, FILE *err) {
  armjit_sym f = armjit_module_find(m, o->call);
  if (f < 0 || !armjit_sym_is_func(m, f))
    return mc_fail(err, file, "no function @%s in the module", o->call);
  armjit_mtype pt[64], rt;
  int np = armjit_sym_signature(m, f, pt, 64, &rt);
  if (np < 0 || np > 64) return mc_fail(err, file, "@%s: more than 64 parameters", o->call);
  if (np != o->nargs)
    return mc_fail(err, file, "@%s takes %d argument%s, --call gave %d", o->call, np,
                   np == 1 ? "" : "s", o->nargs);
  armjit_mval args[64], res;
  for (int k = 0; k < np; k++)
    if (!mc_read_arg(armjit_module_ctx(m), o->args[k], pt[k], &args[k]))
      return mc_fail(err, file, "argument %d of @%s: '%s' is no %s", k + 1, o->call,
                     o->args[k],
                     pt[k] == ARMJIT_T_I32   ? "i32"
                     : pt[k] == ARMJIT_T_I64 ? "i64"
                     : pt[k] == ARMJIT_T_F32 ? "f32"
                     : pt[k] == ARMJIT_T_F64 ? "f64"
                                             : "ref");
  if (o->interp) {
    armjit_interp_options io = {o->max_steps, 0, 0};
    armjit_error e;
    if (armjit_mc_interpret(m, o->call, args, (unsigned)np, &res, &io, &e) != ARMJIT_OK)
      return mc_err(err, file, &e);
  } else {
#if !defined(__arm__)
    return mc_fail(err, file,
                   "compiled code runs only on ARM; interpret instead:  armjit mc run %s --call "
                   "%s ... --interp\n  or run the ARM build under qemu-arm",
                   o->file, o->call);
#else
    if (mc_run_compiled(m, f, pt, np, rt, args, &res, file, err)) return 1;
#endif
  }
  mc_print_val(out, rt, res);
  return 0;
}

static int mc_dis(armjit_module *m, armjit_ctx *ctx, const char *file, FILE *out, FILE *err) {
  armjit_error e;
  armjit_object *obj = armjit_module_compile(m, &e);
  if (!obj) return mc_err(err, file, &e);
  unsigned feats = armjit_ctx_features(ctx);
  fprintf(out, "# target: %s-float ABI, features:%s%s%s%s, %zu bytes\n",
          armjit_ctx_abi(ctx) == ARMJIT_ABI_SOFT ? "soft" : "hard",
          feats & A32_FEAT_VFPV3 ? " vfpv3" : "", feats & A32_FEAT_D32 ? " d32" : "",
          feats & A32_FEAT_NEON ? " neon" : "", feats & A32_FEAT_IDIV ? " idiv" : "",
          armjit_object_size(obj));
  int rc = 0;
  if (armjit_object_dis(obj, out) != ARMJIT_OK) rc = mc_fail(err, file, "disassembly failed");
  armjit_object_free(obj);
  return rc;
}

/* The built-in trap handler (symbol mc_trap): reports and goes on. */
static void mc_trap(int32_t code, void *pc, void *sp) {
  (void)pc;
  (void)sp;
  fprintf(stderr, "trap %" PRId32 "\n", code);
}

/* What every mc command starts with: the context options from o, the
 * source text and a context.  Nonzero (the error printed) on failure;
 * *file is the name errors use.  The caller frees *text and *ctx. */
static int mc_open(const mc_opts *o, const char **file, char **text, armjit_ctx **ctx,
                   FILE *err) {
  armjit_options jo;
  *text = NULL;
  *ctx = NULL;
  *file = strcmp(o->file, "-") == 0 ? "<stdin>" : o->file;
  if (mc_options(o, &jo, err) || !(*text = mc_read(o->file, err))) return 1;
  armjit_error e;
  if (!(*ctx = armjit_ctx_new(&jo, &e))) return mc_err(err, *file, &e);
  return 0;
}

/* The target options mc image and mc obj share (mc_parse_args reads
 * them for the other commands): consumes argv[*i] (and its value). */
static bool mc_target_arg(mc_opts *o, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  if (strcmp(a, "--no-idiv") == 0) o->no_idiv = true;
  else if (strcmp(a, "--helpers") == 0 && *i + 1 < argc &&
           (strcmp(argv[*i + 1], "builtin") == 0 || strcmp(argv[*i + 1], "aeabi") == 0))
    o->aeabi = strcmp(argv[++*i], "aeabi") == 0;
  else if (strcmp(a, "--abi") == 0 && *i + 1 < argc) o->abi = argv[++*i];
  else if (strcmp(a, "--features") == 0 && *i + 1 < argc) o->features = argv[++*i];
  else return false;
  return true;
}

static bool mc_wants_help(int argc, char **argv, int from) {
  for (int i = from; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
  return false;
}

/* ---- armjit mc image ---------------------------------------------------------------- */
static const char mc_image_usage[] =
    "usage: armjit mc image FILE --text ADDR [--rodata ADDR] [--data ADDR] [--bss ADDR]\n"
    "                       [--section NAME=ADDR]... [--sym NAME=ADDR]...\n"
    "                       [--chain-fixups] [--no-veneers] [--map]\n"
    "                       [--abi hard|soft] [--features LIST] [--no-idiv]\n"
    "                       [--helpers builtin|aeabi] -o OUT.bin\n"
    "\n"
    "Compile the module FILE and link it for fixed addresses (docs/object.md,\n"
    "\"Flat images\").  OUT.bin holds the sections with bytes (all but .bss) as\n"
    "they lie in memory: from the lowest section address to the end of the\n"
    "highest, gaps filled with zeros (what `objcopy -O binary` makes of an ELF\n"
    "file); .bss is only reserved (zero it before use).\n"
    "  --text ADDR        address of .text (decimal or 0x hex)\n"
    "  --rodata/--data/--bss ADDR   default: right after the section before\n"
    "                     (.text, .rodata, .data, .bss in that order)\n"
    "  --section NAME=ADDR  place any section, e.g. --section .vectors=0\n"
    "  --sym NAME=ADDR    the address of an extern (ADDR odd: a Thumb function)\n"
    "  --chain-fixups     leave MOVW/MOVT pairs to unknown externs chained for the\n"
    "                     loader __armjit_fixup in the image (--map lists them)\n"
    "  --no-veneers       a call out of +-32 MiB is an error instead of a veneer\n"
    "  --map              print the image's map: sections, symbols, veneers, chain\n"
    "  --helpers builtin|aeabi   as for armjit mc obj (aeabi: give the __aeabi_*\n"
    "                     functions' addresses with --sym)\n";

#define MC_IMAGE_MAX_SPAN (256u << 20) /* largest OUT.bin written */

typedef struct {
  char *name; /* malloc'd */
  uint32_t addr;
} mc_named_addr;

typedef struct {
  mc_named_addr *v;
  int n;
} mc_named_list;

/* NAME=ADDR into the list. */
static int mc_named_add(mc_named_list *l, const char *arg, const char *opt, FILE *err) {
  const char *eq = strchr(arg, '=');
  uint64_t a;
  if (!eq || eq == arg || !parse_u64(eq + 1, UINT32_MAX, &a))
    return mc_fail(err, "armjit mc image", "%s needs NAME=ADDR, not '%s'", opt, arg);
  mc_named_addr *v = realloc(l->v, (size_t)(l->n + 1) * sizeof *v);
  char *name = malloc((size_t)(eq - arg) + 1);
  if (v) l->v = v;
  if (!v || !name) {
    free(name);
    return mc_fail(err, "armjit mc image", "out of memory");
  }
  memcpy(name, arg, (size_t)(eq - arg));
  name[eq - arg] = 0;
  l->v[l->n++] = (mc_named_addr){name, (uint32_t)a};
  return 0;
}

static void mc_named_free(mc_named_list *l) {
  for (int i = 0; i < l->n; i++) free(l->v[i].name);
  free(l->v);
}

static bool mc_sym_resolve(void *ud, const char *name, uint32_t *addr) {
  const mc_named_list *l = ud;
  for (int i = 0; i < l->n; i++)
    if (strcmp(l->v[i].name, name) == 0) {
      *addr = l->v[i].addr;
      return true;
    }
  return false;
}

static int mc_write_image(const armjit_object *obj, const char *path, FILE *err) {
  uint64_t lo = UINT64_MAX, hi = 0;
  armjit_linked_section s;
  for (unsigned i = 0; armjit_object_linked_section(obj, i, &s); i++) {
    if (s.bss || !s.size) continue;
    if (s.addr < lo) lo = s.addr;
    if ((uint64_t)s.addr + s.size > hi) hi = (uint64_t)s.addr + s.size;
  }
  if (lo == UINT64_MAX) lo = hi = 0;
  if (hi - lo > MC_IMAGE_MAX_SPAN)
    return mc_fail(err, path, "the sections span %llu bytes (0x%08llx..0x%08llx): more than "
                   "an image file holds (%u MiB); place them closer",
                   (unsigned long long)(hi - lo), (unsigned long long)lo,
                   (unsigned long long)hi, MC_IMAGE_MAX_SPAN >> 20);
  uint8_t *img = calloc(1, (size_t)(hi - lo) + 1);
  if (!img) return mc_fail(err, path, "out of memory");
  for (unsigned i = 0; armjit_object_linked_section(obj, i, &s); i++)
    if (!s.bss && s.size) memcpy(img + (s.addr - lo), s.bytes, s.size);
  FILE *f = fopen(path, "wb");
  int rc = 0;
  if (!f || fwrite(img, 1, (size_t)(hi - lo), f) != (size_t)(hi - lo))
    rc = mc_fail(err, path, "cannot write: %s", strerror(errno));
  if (f && fclose(f) != 0 && !rc) rc = mc_fail(err, path, "cannot write: %s", strerror(errno));
  free(img);
  return rc;
}

static int mc_image_main(int argc, char **argv, FILE *out, FILE *err) {
  mc_opts o;
  memset(&o, 0, sizeof o);
  armjit_link_options lo;
  memset(&lo, 0, sizeof lo);
  mc_named_list secs = {NULL, 0}, syms = {NULL, 0};
  const char *outpath = NULL;
  bool have_text = false, map = false;
  int rc = 1;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    uint32_t *field = strcmp(a, "--text") == 0     ? &lo.text
                      : strcmp(a, "--rodata") == 0 ? &lo.rodata
                      : strcmp(a, "--data") == 0   ? &lo.data
                      : strcmp(a, "--bss") == 0    ? &lo.bss
                                                   : NULL;
    uint64_t v;
    if (field && i + 1 < argc) {
      if (!parse_u64(argv[++i], UINT32_MAX, &v)) {
        mc_fail(err, "armjit mc image", "%s needs an address, not '%s'", a, argv[i]);
        goto done;
      }
      *field = (uint32_t)v;
      have_text |= field == &lo.text;
    } else if (strcmp(a, "--section") == 0 && i + 1 < argc) {
      if (mc_named_add(&secs, argv[++i], a, err)) goto done;
    } else if (strcmp(a, "--sym") == 0 && i + 1 < argc) {
      if (mc_named_add(&syms, argv[++i], a, err)) goto done;
    } else if (strcmp(a, "--chain-fixups") == 0) {
      lo.flags |= ARMJIT_LINK_CHAIN_FIXUPS;
    } else if (strcmp(a, "--no-veneers") == 0) {
      lo.flags |= ARMJIT_LINK_NO_VENEERS;
    } else if (strcmp(a, "--map") == 0) {
      map = true;
    } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
      outpath = argv[++i];
    } else if (mc_target_arg(&o, argc, argv, &i)) {
    } else if (!o.file && (a[0] != '-' || strcmp(a, "-") == 0)) {
      o.file = a;
    } else {
      fprintf(err, "armjit mc image: unexpected argument '%s'\n%s", a, mc_image_usage);
      goto done;
    }
  }
  if (!o.file || !have_text || !outpath) {
    fprintf(err, "armjit mc image: missing %s\n%s",
            !o.file ? "FILE" : !have_text ? "--text ADDR" : "-o OUT.bin", mc_image_usage);
    goto done;
  }
  const char *file;
  char *text;
  armjit_ctx *ctx;
  armjit_error e;
  armjit_module *m = NULL;
  armjit_object *obj = NULL;
  armjit_section_addr *sa = NULL;
  if (mc_open(&o, &file, &text, &ctx, err)) goto free_all;
  if (!(sa = calloc((size_t)secs.n + 1, sizeof *sa))) {
    mc_fail(err, file, "out of memory");
    goto free_all;
  }
  for (int i = 0; i < secs.n; i++) sa[i] = (armjit_section_addr){secs.v[i].name, secs.v[i].addr};
  lo.sections = sa;
  lo.nsections = (unsigned)secs.n;
  m = armjit_module_parse(ctx, text, &e);
  if (!m || !(obj = armjit_module_compile(m, &e)) ||
      armjit_object_link(obj, &lo, mc_sym_resolve, &syms, &e) != ARMJIT_OK) {
    mc_err(err, file, &e);
    goto free_all;
  }
  if (map && armjit_object_print_map(obj, out) != ARMJIT_OK) {
    mc_fail(err, file, "printing the map failed");
    goto free_all;
  }
  rc = mc_write_image(obj, outpath, err);
free_all:
  armjit_object_free(obj);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(sa);
  free(text);
done:
  mc_named_free(&secs);
  mc_named_free(&syms);
  return rc;
}

/* ---- armjit mc obj ------------------------------------------------------------------ */
static const char mc_obj_usage[] =
    "usage: armjit mc obj FILE [--abi hard|soft] [--features LIST] [--no-idiv]\n"
    "                     [--helpers builtin|aeabi] [--gnu-stack] -o OUT.o\n"
    "\n"
    "Compile the module FILE to an ELF32 relocatable object for a static linker\n"
    "(arm-none-eabi-ld, arm-linux-gnueabihf-gcc; docs/object.md, \"ELF objects\"):\n"
    "its functions as global symbols, its externs undefined, the ABI's\n"
    "attributes in .ARM.attributes.\n"
    "  --abi hard|soft  the calling convention (default: this build's);\n"
    "                   link with objects of the same float ABI\n"
    "  --features LIST  the CPU features: a comma list of vfpv3 d32 neon idiv,\n"
    "                   or none (default: this machine's)\n"
    "  --no-idiv        never use SDIV/UDIV (call the division helpers)\n"
    "  --helpers builtin|aeabi  the run-time helpers (i64 division, variable i64\n"
    "                   shifts, i64<->float, frem; i32 division without IDIV):\n"
    "                   builtin (default) puts a local copy of each one the code\n"
    "                   calls into the object; aeabi calls libgcc's __aeabi_*\n"
    "                   functions instead (link with libgcc; frem stays builtin)\n"
    "  --gnu-stack      add an empty .note.GNU-stack (no executable stack), as\n"
    "                   GNU/Linux linkers expect; not for bare metal, where\n"
    "                   arm-none-eabi-gcc's objects have none\n";

static int mc_obj_main(int argc, char **argv, FILE *err) {
  mc_opts o;
  memset(&o, 0, sizeof o);
  const char *outpath = NULL;
  unsigned flags = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-o") == 0 && i + 1 < argc) outpath = argv[++i];
    else if (strcmp(a, "--gnu-stack") == 0) flags |= ARMJIT_ELF_GNU_STACK;
    else if (mc_target_arg(&o, argc, argv, &i)) continue;
    else if (!o.file && (a[0] != '-' || strcmp(a, "-") == 0)) o.file = a;
    else {
      fprintf(err, "armjit mc obj: unexpected argument '%s'\n%s", a, mc_obj_usage);
      return 1;
    }
  }
  if (!o.file || !outpath) {
    fprintf(err, "armjit mc obj: missing %s\n%s", !o.file ? "FILE" : "-o OUT.o", mc_obj_usage);
    return 1;
  }
  const char *file;
  char *text;
  armjit_ctx *ctx;
  int rc = 1;
  armjit_error e;
  armjit_module *m = NULL;
  armjit_object *obj = NULL;
  size_t size = 0;
  void *bytes = NULL;
  if (mc_open(&o, &file, &text, &ctx, err)) goto done;
  if (!(m = armjit_module_parse(ctx, text, &e)) ||
      !(obj = armjit_module_compile(m, &e)) || !(bytes = armjit_object_elf(obj, flags, &size, &e))) {
    mc_err(err, file, &e);
    goto done;
  }
  FILE *f = fopen(outpath, "wb");
  if (!f) {
    mc_fail(err, outpath, "cannot write: %s", strerror(errno));
    goto done;
  }
  rc = fwrite(bytes, 1, size, f) != size ? mc_fail(err, outpath, "cannot write: %s", strerror(errno)) : 0;
  if (fclose(f) != 0 && !rc) rc = mc_fail(err, outpath, "cannot write: %s", strerror(errno));
  if (rc) remove(outpath);
done:
  free(bytes);
  armjit_object_free(obj);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(text);
  return rc;
}

int armjit_cli_mc_main(int argc, char **argv, FILE *out, FILE *err) {
  bool image = argc >= 2 && strcmp(argv[1], "image") == 0;
  bool obj = argc >= 2 && strcmp(argv[1], "obj") == 0;
  if (mc_wants_help(argc, argv, image || obj ? 2 : 1)) {
    fputs(image ? mc_image_usage : obj ? mc_obj_usage : mc_usage, out);
    return 0;
  }
  if (image) return mc_image_main(argc, argv, out, err);
  if (obj) return mc_obj_main(argc, argv, err);
  mc_opts o;
  memset(&o, 0, sizeof o);
  if (mc_parse_args(argc, argv, &o, err)) return 1;
  const char *file;
  char *text;
  armjit_ctx *ctx;
  int rc = 1;
  armjit_error e;
  armjit_module *m = NULL;
  cli_bufs bufs = {0};
  if (mc_open(&o, &file, &text, &ctx, err)) goto done;
  if (armjit_cli_add_builtins(ctx, out, err) ||
      armjit_ctx_add_symbol(ctx, "mc_trap", (uintptr_t)&mc_trap) != ARMJIT_OK)
    goto done;
  cli_words none = {0}, allocs = {o.allocs, o.nallocs, 0, "--alloc", NULL, NULL};
  if (armjit_cli_make_buffers(&none, &allocs, file, ctx, &bufs, err)) goto done;
  m = armjit_module_parse(ctx, text, &e);
  if (!m || armjit_module_validate(m, &e) != ARMJIT_OK) {
    mc_err(err, file, &e);
    goto done;
  }
  if (strcmp(o.cmd, "run") == 0) rc = mc_run(&o, m, file, out, err);
  else if (strcmp(o.cmd, "dis") == 0) rc = mc_dis(m, ctx, file, out, err);
  else rc = armjit_module_print(m, out) < 0 ? mc_fail(err, file, "printing failed") : 0;
done:
  armjit_module_free(m);
  armjit_cli_bufs_free(&bufs);
  armjit_ctx_free(ctx);
  free(text);
  return rc;
}
